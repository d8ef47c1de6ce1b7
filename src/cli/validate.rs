//! `samlguard validate`: one SAML Response judged as the SP's Assertion Consumer Service would judge it,
//! against the SP configuration file (SPEC §3, §4).
//!
//! The verdict goes to stdout in both cases: the accepted login, or the SSO error code with its detail
//! (exit 1). Only invocation problems — bad arguments, an INPUT that cannot be read — are usage errors
//! (exit 2, message on stderr); a bad configuration file is code 9 like any other rejection.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, Read};

use chrono::{DateTime, SecondsFormat, Utc};
use samlguard::{Config, Detail, ErrorCode, Login, SsoError, SsoRequest, Stage};

use super::{Failure, input_label, write_stdout};
use crate::ValidateArgs;

/// Parses `--now`: an RFC 3339 date-time, converted to UTC.
pub(crate) fn parse_now(value: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(value.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("not an RFC 3339 date-time such as 2030-01-01T12:00:30Z ({e})"))
}

/// Parses `--artifact-timeout`: a positive number of seconds.
pub(crate) fn parse_timeout(value: &str) -> Result<f64, String> {
    match value.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 3600.0 => Ok(s),
        _ => Err("not a number of seconds between 0 and 3600, such as 10 or 0.5".into()),
    }
}

/// Runs the command: prints the verdict (JSON or text) and gives the outcome.
pub(crate) fn run(args: &ValidateArgs) -> Result<(), Failure> {
    let now = args.now.unwrap_or_else(Utc::now);
    let outcome = judge(args, now)?;
    let text = match (&outcome, args.json) {
        (Ok(login), true) => accepted_json(login),
        (Err(e), true) => rejected_json(e),
        (Ok(login), false) => describe_login(login, now),
        (Err(e), false) => describe_error(e),
    };
    write_stdout(text.as_bytes())?;
    if outcome.is_ok() { Ok(()) } else { Err(Failure::Reported) }
}

/// Where INPUT comes from, opened before the configuration is loaded so that a missing file is a
/// usage error whatever the configuration says.
enum Source {
    Stdin,
    File(File),
}

/// Loads the configuration, reads INPUT and validates. `Err` is a usage error; `Ok(Err)` a rejection.
fn judge(args: &ValidateArgs, now: DateTime<Utc>) -> Result<Result<Login, SsoError>, Failure> {
    let label = input_label(&args.input);
    let unreadable = |e: io::Error| Failure::Usage(format!("cannot read INPUT: {label}: {e}"));
    let source = if args.input == "-" {
        Source::Stdin
    } else {
        Source::File(File::open(&args.input).map_err(unreadable)?)
    };
    let config = match Config::from_file(&args.config) {
        Ok(config) => config,
        Err(e) => return Ok(Err(e)),
    };
    let limit = config.service_provider().max_response_bytes();
    // Beyond this many bytes, every encoding of a response (XML, base64, form body) decodes to more
    // than max_response_bytes, so reading stops there.
    let cap = limit.saturating_mul(2).saturating_add(4096);
    let reader: Box<dyn Read> = match source {
        Source::Stdin => Box::new(io::stdin().lock()),
        Source::File(file) => Box::new(file),
    };
    let mut input = Vec::new();
    reader
        .take(u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut input)
        .map_err(unreadable)?;
    let truncated = input.len() > cap;
    input.truncate(cap);

    let request = SsoRequest::detect(&args.method, &input, now).request_ids_from(args.request_ids.clone());
    let network = args.allow_network.then(|| std::time::Duration::from_secs_f64(args.artifact_timeout));
    let outcome = config.validator().with_artifact_resolution(network).validate(&request);
    if !truncated {
        return Ok(outcome);
    }
    // The validator saw only the first `cap` bytes: whatever the transport stage made of them, the
    // whole input is over the size limit. Earlier stages (7, 4, 5) keep their answer.
    match outcome {
        Err(e) if e.code() != ErrorCode::IncorrectPostData => Ok(Err(e)),
        _ => Ok(Err(SsoError::new(
            ErrorCode::IncorrectPostData,
            Detail::new(Stage::Transport, format!("{label} is larger than {cap} bytes"))
                .expected(format!("a response of at most max_response_bytes = {limit} bytes once decoded"))
                .fix("raise max_response_bytes in [sp] if the IdP's responses are legitimately this large"),
        ))),
    }
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// The attributes by Name, in document order; values of repeated Names are merged.
fn attributes_by_name(login: &Login) -> Vec<(&str, Vec<&str>)> {
    let mut by_name: Vec<(&str, Vec<&str>)> = Vec::new();
    for a in &login.attributes {
        let values = a.values.iter().map(String::as_str);
        match by_name.iter_mut().find(|(name, _)| *name == a.name) {
            Some((_, existing)) => existing.extend(values),
            None => by_name.push((&a.name, values.collect())),
        }
    }
    by_name
}

/// `{"ok": true, ...}` with the keys in SPEC §3's order.
fn accepted_json(login: &Login) -> String {
    let attributes: Vec<String> = attributes_by_name(login)
        .into_iter()
        .map(|(name, values)| {
            let values: Vec<String> = values.into_iter().map(json_string).collect();
            format!("{}: [{}]", json_string(name), values.join(", "))
        })
        .collect();
    format!(
        "{{\"ok\": true, \"issuer\": {}, \"name_id\": {}, \"name_id_format\": {}, \"session_index\": {}, \
         \"assertion_id\": {}, \"attributes\": {{{}}}}}\n",
        json_string(&login.issuer),
        json_string(&login.name_id.value),
        json_string(&login.name_id.format),
        login.session_index.as_deref().map_or_else(|| "null".to_owned(), json_string),
        json_string(&login.assertion_id),
        attributes.join(", ")
    )
}

/// `{"ok": false, "code": N, "description": ..., "detail": ...}`.
fn rejected_json(e: &SsoError) -> String {
    format!(
        "{{\"ok\": false, \"code\": {}, \"description\": {}, \"detail\": {}}}\n",
        e.code().code(),
        json_string(e.code().description()),
        json_string(&e.detail().to_string())
    )
}

fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn optional_time(t: Option<DateTime<Utc>>, absent: &str) -> String {
    t.map_or_else(|| absent.to_owned(), timestamp)
}

/// The human-readable rejection: the verdict, the user's message, and the detail as found / expected /
/// fix.
fn describe_error(e: &SsoError) -> String {
    let code = e.code();
    let detail = e.detail();
    let mut s = String::new();
    let _ = writeln!(s, "login REJECTED: code {}, {}", code.code(), code.description());
    let _ = writeln!(s, "  user sees          {}", code.user_message());
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

/// The human-readable accepted login: who, from whom, for how long, verified how, with what.
fn describe_login(login: &Login, now: DateTime<Utc>) -> String {
    let mut s = String::new();
    let name_id = &login.name_id;
    let _ = writeln!(s, "login ACCEPTED for {}", name_id.value);
    let _ = writeln!(s, "  user               {}", name_id.value);
    let _ = writeln!(s, "    NameID format    {}", name_id.format);
    if let Some(q) = &name_id.name_qualifier {
        let _ = writeln!(s, "    NameQualifier    {q}");
    }
    if let Some(q) = &name_id.sp_name_qualifier {
        let _ = writeln!(s, "    SPNameQualifier  {q}");
    }
    let _ = writeln!(s, "  issuer             {}", login.issuer);
    let _ = writeln!(s, "  session index      {}", login.session_index.as_deref().unwrap_or("(none)"));
    if let Some(t) = login.authn_instant {
        let _ = writeln!(s, "  authenticated at   {}", timestamp(t));
    }
    let _ = writeln!(
        s,
        "  valid              {} to {} (judged at {})",
        optional_time(login.not_before, "(no NotBefore)"),
        optional_time(login.not_on_or_after, "(no NotOnOrAfter)"),
        timestamp(now)
    );
    if let Some(t) = login.session_not_on_or_after {
        let _ = writeln!(s, "  session ends       {}", timestamp(t));
    }
    let c = &login.certificate;
    let _ = writeln!(s, "  verified by        {}", c.subject());
    let _ = writeln!(s, "    SHA-256          {}", c.fingerprint_colon());
    let _ = writeln!(s, "    valid until      {}", timestamp(c.not_after()));
    let yes_no = |b: bool| if b { "signed" } else { "not signed" };
    let _ = writeln!(
        s,
        "  signatures         Response {}, Assertion {}",
        yes_no(login.response_signed),
        yes_no(login.assertion_signed)
    );
    let _ = writeln!(s, "  assertion ID       {}", login.assertion_id);
    if login.response_id.is_empty() {
        let _ = writeln!(s, "  response ID        (none: a WS-Federation token)");
    } else {
        let _ = writeln!(s, "  response ID        {}", login.response_id);
    }
    let _ = writeln!(
        s,
        "  in response to     {}",
        login.in_response_to.as_deref().unwrap_or("(none: IdP-initiated login)")
    );
    match &login.account {
        Some(a) => {
            let status = format!("{:?}", a.status).to_lowercase();
            let role = a.role.as_deref().map(|r| format!(", role {r}")).unwrap_or_default();
            let _ = writeln!(s, "  account            {} ({status}{role})", a.name_id);
        }
        None => {
            let _ = writeln!(s, "  account            not checked (the configuration has no [accounts])");
        }
    }
    let _ = writeln!(s, "  attributes         {}", login.attributes.len());
    for a in &login.attributes {
        let friendly = a.friendly_name.as_deref().map(|f| format!(" ({f})")).unwrap_or_default();
        let values = if a.values.is_empty() { "(no value)".to_owned() } else { a.values.join(", ") };
        let _ = writeln!(s, "    {}{friendly} = {values}", a.name);
    }
    s
}
