//! `samlguard logout ...`: Single Logout for the SP.
//!
//! * `logout request` builds and signs the SP's LogoutRequest (code 27 when it cannot), printing the URL
//!   or the HTML form on stdout and the request ID on stderr;
//! * `logout validate-request` judges a LogoutRequest the IdP sent (code 30 when refused);
//! * `logout validate-response` judges the IdP's LogoutResponse to the SP's request (code 29).
//!
//! The validators print their verdict on stdout (JSON with `--json`, shaped like `validate --json`) and
//! exit 0 accepted, 1 refused; an INPUT that cannot be read is a usage error (exit 2).

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;

use chrono::{DateTime, SecondsFormat, Utc};
use clap::{Args, Subcommand};
use samlguard::{
    Config, Detail, ErrorCode, LogoutMessage, LogoutRequestBuilder, LogoutValidator, NAMEID_UNSPECIFIED,
    NameId, SsoError, Stage, VerifiedLogoutRequest, VerifiedLogoutResponse,
};

use super::authn_request::{BindingArg, print_message, report_error};
use super::{Failure, input_label, write_stdout};

/// `samlguard logout ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum LogoutCommand {
    /// Builds the SP's signed LogoutRequest for a user's session and prints the redirect URL (or, with
    /// --binding post, the auto-submitting HTML form); the request ID goes to stderr.
    ///
    /// The IdP's SingleLogoutService comes from [idp] metadata, the signing key from [sp] private_key
    /// (required: the Single Logout profile requires a signed request). Exit status 0: printed; 1: the
    /// request cannot be built (code 27, or 9 for a bad configuration file); 2: usage error.
    Request(RequestArgs),
    /// Validates a LogoutRequest sent by the IdP (code 30 when refused) and prints whom to log out.
    ///
    /// INPUT is the raw query string exactly as received (HTTP-Redirect: its signature covers those
    /// octets, so do not decode or re-encode it), or the urlencoded POST body, base64, or the XML
    /// (HTTP-POST, with an enveloped signature). --json prints {"ok": true, "id": ..., "issuer": ...,
    /// "name_id": ..., "name_id_format": ..., "name_qualifier": ..., "sp_name_qualifier": ...,
    /// "session_indexes": [...], "relay_state": ..., "binding": ...} or {"ok": false, "code": N,
    /// "description": ..., "detail": ...}. Exit status 0 accepted, 1 refused, 2 usage error.
    ValidateRequest(ValidateRequestArgs),
    /// Validates the IdP's LogoutResponse to the SP's LogoutRequest (code 29 when refused).
    ///
    /// INPUT as for validate-request. --json prints {"ok": true, "id": ..., "issuer": ...,
    /// "in_response_to": ..., "partial": bool, "relay_state": ..., "binding": ...} or {"ok": false,
    /// "code": N, "description": ..., "detail": ...}. Exit status 0 accepted, 1 refused, 2 usage error.
    ValidateResponse(ValidateResponseArgs),
}

/// `samlguard logout request`.
#[derive(Debug, Args)]
pub(crate) struct RequestArgs {
    /// The SP configuration file (TOML, with [sp] private_key/certificate and [idp] metadata).
    #[arg(long, value_name = "SP.toml")]
    pub(crate) config: PathBuf,
    /// The NameID of the user's login, as the IdP sent it.
    #[arg(long, value_name = "V")]
    pub(crate) name_id: String,
    /// The NameID Format of the login (default: unspecified, written as no Format).
    #[arg(long, value_name = "FORMAT")]
    pub(crate) name_id_format: Option<String>,
    /// The NameID NameQualifier of the login, if it had one.
    #[arg(long, value_name = "Q")]
    pub(crate) name_qualifier: Option<String>,
    /// The NameID SPNameQualifier of the login, if it had one.
    #[arg(long, value_name = "Q")]
    pub(crate) sp_name_qualifier: Option<String>,
    /// The login's SessionIndex. Repeat for several.
    #[arg(long = "session-index", value_name = "S")]
    pub(crate) session_indexes: Vec<String>,
    /// The binding: redirect prints the URL, post prints the HTML form.
    #[arg(long, value_enum, default_value = "redirect")]
    pub(crate) binding: BindingArg,
    /// The RelayState to send (at most 80 bytes).
    #[arg(long, value_name = "S")]
    pub(crate) relay_state: Option<String>,
    /// The IssueInstant, RFC 3339. Default: the system clock.
    #[arg(long, value_name = "RFC3339", value_parser = super::validate::parse_now)]
    pub(crate) now: Option<DateTime<Utc>>,
}

/// `samlguard logout validate-request`.
#[derive(Debug, Args)]
pub(crate) struct ValidateRequestArgs {
    /// The SP configuration file (TOML; [sp] slo_url is the Destination logout messages must carry).
    #[arg(long, value_name = "SP.toml")]
    pub(crate) config: PathBuf,
    /// The time to judge the message at, RFC 3339. Default: the system clock.
    #[arg(long, value_name = "RFC3339", value_parser = super::validate::parse_now)]
    pub(crate) now: Option<DateTime<Utc>>,
    /// Print one JSON object.
    #[arg(long)]
    pub(crate) json: bool,
    /// The message: a raw query string, a urlencoded POST body, base64 or XML; `-` for standard input.
    #[arg(value_name = "INPUT")]
    pub(crate) input: String,
}

/// `samlguard logout validate-response`.
#[derive(Debug, Args)]
pub(crate) struct ValidateResponseArgs {
    /// The SP configuration file (TOML; [sp] slo_url is the Destination logout messages must carry).
    #[arg(long, value_name = "SP.toml")]
    pub(crate) config: PathBuf,
    /// The ID of the SP's outstanding LogoutRequest (printed by `logout request`). Repeat for several.
    #[arg(long = "request-id", value_name = "ID", required = true)]
    pub(crate) request_ids: Vec<String>,
    /// The time to judge the message at, RFC 3339. Default: the system clock.
    #[arg(long, value_name = "RFC3339", value_parser = super::validate::parse_now)]
    pub(crate) now: Option<DateTime<Utc>>,
    /// Print one JSON object.
    #[arg(long)]
    pub(crate) json: bool,
    /// The message: a raw query string, a urlencoded POST body, base64 or XML; `-` for standard input.
    #[arg(value_name = "INPUT")]
    pub(crate) input: String,
}

/// Runs a `logout` subcommand.
pub(crate) fn run(command: &LogoutCommand) -> Result<(), Failure> {
    match command {
        LogoutCommand::Request(args) => request(args),
        LogoutCommand::ValidateRequest(args) => {
            let now = args.now.unwrap_or_else(Utc::now);
            let outcome = judge(&args.config, &args.input, now, &[], ErrorCode::InvalidRequest, |v, m| {
                v.validate_request(m)
            })?;
            let text = match (&outcome, args.json) {
                (Ok(r), true) => request_json(r),
                (Err(e), true) => rejected_json(e),
                (Ok(r), false) => describe_request(r),
                (Err(e), false) => describe_error("logout request", e),
            };
            write_stdout(text.as_bytes())?;
            if outcome.is_ok() { Ok(()) } else { Err(Failure::Reported) }
        }
        LogoutCommand::ValidateResponse(args) => {
            let now = args.now.unwrap_or_else(Utc::now);
            let outcome = judge(
                &args.config,
                &args.input,
                now,
                &args.request_ids,
                ErrorCode::InvalidResponse,
                |v, m| v.validate_response(m),
            )?;
            let text = match (&outcome, args.json) {
                (Ok(r), true) => response_json(r),
                (Err(e), true) => rejected_json(e),
                (Ok(r), false) => describe_response(r),
                (Err(e), false) => describe_error("logout response", e),
            };
            write_stdout(text.as_bytes())?;
            if outcome.is_ok() { Ok(()) } else { Err(Failure::Reported) }
        }
    }
}

fn request(args: &RequestArgs) -> Result<(), Failure> {
    let now = args.now.unwrap_or_else(Utc::now);
    let config = Config::from_file(&args.config).map_err(|e| report_error("LogoutRequest", &e))?;
    let name_id = NameId {
        value: args.name_id.clone(),
        format: args.name_id_format.clone().unwrap_or_else(|| NAMEID_UNSPECIFIED.to_owned()),
        name_qualifier: args.name_qualifier.clone(),
        sp_name_qualifier: args.sp_name_qualifier.clone(),
    };
    let mut builder =
        LogoutRequestBuilder::new(config.service_provider(), config.identity_provider(), name_id)
            .binding(args.binding.into());
    for s in &args.session_indexes {
        builder = builder.session_index(s.clone());
    }
    if let Some(rs) = &args.relay_state {
        builder = builder.relay_state(rs.clone());
    }
    let message = builder.build(now).map_err(|e| report_error("LogoutRequest", &e))?;
    print_message(&message, "LogoutRequest")
}

/// Opens INPUT (a usage error when it cannot be read), loads the configuration (a bad one is code 9),
/// reads INPUT within the size cap and validates. `Ok(Err)` is a refusal.
fn judge<T>(
    config_path: &std::path::Path,
    input_name: &str,
    now: DateTime<Utc>,
    request_ids: &[String],
    code: ErrorCode,
    validate: impl Fn(&LogoutValidator, &LogoutMessage) -> Result<T, SsoError>,
) -> Result<Result<T, SsoError>, Failure> {
    let label = input_label(input_name);
    let unreadable = |e: io::Error| Failure::Usage(format!("cannot read INPUT: {label}: {e}"));
    let file = if input_name == "-" { None } else { Some(File::open(input_name).map_err(unreadable)?) };
    let config = match Config::from_file(config_path) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let limit = config.service_provider().max_response_bytes();
    let cap = limit.saturating_mul(2).saturating_add(4096);
    let reader: Box<dyn Read> = match file {
        None => Box::new(io::stdin().lock()),
        Some(f) => Box::new(f),
    };
    let mut input = Vec::new();
    reader
        .take(u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut input)
        .map_err(unreadable)?;
    let validator =
        LogoutValidator::builder(config.service_provider().clone(), config.identity_provider().clone())
            .build();
    let mut message = LogoutMessage::detect(&input, now);
    for id in request_ids {
        message = message.request_id(id.clone());
    }
    if input.len() > cap {
        return Ok(Err(SsoError::new(
            code,
            Detail::new(Stage::Inbound, format!("{label} is larger than {cap} bytes"))
                .expected(format!("a message of at most max_response_bytes = {limit} bytes once decoded"))
                .fix("raise max_response_bytes in [sp] if the IdP's logout messages are legitimately this large"),
        )));
    }
    Ok(validate(&validator, &message))
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn json_opt(s: Option<&str>) -> String {
    s.map_or_else(|| "null".to_owned(), json_string)
}

fn request_json(r: &VerifiedLogoutRequest) -> String {
    let indexes: Vec<String> = r.session_indexes.iter().map(|s| json_string(s)).collect();
    format!(
        "{{\"ok\": true, \"id\": {}, \"issuer\": {}, \"name_id\": {}, \"name_id_format\": {}, \
         \"name_qualifier\": {}, \"sp_name_qualifier\": {}, \"session_indexes\": [{}], \"relay_state\": {}, \
         \"binding\": {}}}\n",
        json_string(&r.id),
        json_string(&r.issuer),
        json_string(&r.name_id.value),
        json_string(&r.name_id.format),
        json_opt(r.name_id.name_qualifier.as_deref()),
        json_opt(r.name_id.sp_name_qualifier.as_deref()),
        indexes.join(", "),
        json_opt(r.relay_state.as_deref()),
        json_string(&r.binding.to_string())
    )
}

fn response_json(r: &VerifiedLogoutResponse) -> String {
    format!(
        "{{\"ok\": true, \"id\": {}, \"issuer\": {}, \"in_response_to\": {}, \"partial\": {}, \
         \"relay_state\": {}, \"binding\": {}}}\n",
        json_string(&r.id),
        json_string(&r.issuer),
        json_string(&r.in_response_to),
        r.partial,
        json_opt(r.relay_state.as_deref()),
        json_string(&r.binding.to_string())
    )
}

/// `{"ok": false, "code": N, "description": ..., "detail": ...}`, as `validate --json` prints it.
fn rejected_json(e: &SsoError) -> String {
    format!(
        "{{\"ok\": false, \"code\": {}, \"description\": {}, \"detail\": {}}}\n",
        e.code().code(),
        json_string(e.code().description()),
        json_string(&e.detail().to_string())
    )
}

fn describe_error(what: &str, e: &SsoError) -> String {
    let code = e.code();
    let detail = e.detail();
    let mut s = String::new();
    let _ = writeln!(s, "{what} REJECTED: code {}, {}", code.code(), code.description());
    let _ = writeln!(s, "  stage              {}", detail.stage);
    let _ = writeln!(s, "  found              {}", detail.found);
    if let Some(expected) = &detail.expected {
        let _ = writeln!(s, "  expected           {expected}");
    }
    if let Some(fix) = &detail.fix {
        let _ = writeln!(s, "  fix                {fix}");
    }
    s
}

fn describe_request(r: &VerifiedLogoutRequest) -> String {
    let mut s = String::new();
    let n = &r.name_id;
    let _ = writeln!(s, "logout request ACCEPTED: log out {}", n.value);
    let _ = writeln!(s, "  user               {}", n.value);
    let _ = writeln!(s, "    NameID format    {}", n.format);
    if let Some(q) = &n.name_qualifier {
        let _ = writeln!(s, "    NameQualifier    {q}");
    }
    if let Some(q) = &n.sp_name_qualifier {
        let _ = writeln!(s, "    SPNameQualifier  {q}");
    }
    let sessions = if r.session_indexes.is_empty() {
        "(none: every session of the user)".to_owned()
    } else {
        r.session_indexes.join(", ")
    };
    let _ = writeln!(s, "  session index      {sessions}");
    let _ = writeln!(s, "  issuer             {}", r.issuer);
    let _ = writeln!(s, "  request ID         {} (the InResponseTo of the SP's LogoutResponse)", r.id);
    if let Some(t) = r.not_on_or_after {
        let _ = writeln!(s, "  not on or after    {}", t.to_rfc3339_opts(SecondsFormat::Secs, true));
    }
    if let Some(reason) = &r.reason {
        let _ = writeln!(s, "  reason             {reason}");
    }
    let _ = writeln!(s, "  binding            {}", r.binding);
    let _ = writeln!(s, "  relay state        {}", r.relay_state.as_deref().unwrap_or("(none)"));
    let _ = writeln!(
        s,
        "  verified by        {} ({})",
        r.certificate.subject(),
        r.certificate.fingerprint_colon()
    );
    s
}

fn describe_response(r: &VerifiedLogoutResponse) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "logout response ACCEPTED: the IdP ended the session{}",
        if r.partial { " (partially: some other participants could not be logged out)" } else { "" }
    );
    let _ = writeln!(s, "  issuer             {}", r.issuer);
    let _ = writeln!(s, "  in response to     {}", r.in_response_to);
    let _ = writeln!(s, "  response ID        {}", r.id);
    let _ = writeln!(s, "  binding            {}", r.binding);
    let _ = writeln!(s, "  relay state        {}", r.relay_state.as_deref().unwrap_or("(none)"));
    let _ = writeln!(
        s,
        "  verified by        {} ({})",
        r.certificate.subject(),
        r.certificate.fingerprint_colon()
    );
    s
}
