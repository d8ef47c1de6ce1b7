//! `samlguard authn-request`: the SP's AuthnRequest, as a redirect URL or an auto-submitting HTML form,
//! built from the configuration file (the IdP's SSO endpoints come from `[idp] metadata`).
//!
//! The URL (HTTP-Redirect) or the HTML page (HTTP-POST) goes to stdout, the request ID to stderr (it is
//! the `--request-id` to validate the answer with). A request that cannot be built is code 26 (9 for a
//! bad configuration file), printed on stderr with what was found and the fix: exit 1.

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use samlguard::{
    AuthnContextComparison, AuthnRequestBuilder, Binding, Config, NameIdPolicy, OutboundMessage,
    RequestedAuthnContext, SsoError,
};

use super::{Failure, write_stdout};

/// The binding to send a message with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum BindingArg {
    /// HTTP-Redirect: a URL carrying the deflated message (signed over the query string).
    Redirect,
    /// HTTP-POST: an auto-submitting HTML form (the XML signed with an enveloped signature).
    Post,
}

impl From<BindingArg> for Binding {
    fn from(b: BindingArg) -> Binding {
        match b {
            BindingArg::Redirect => Binding::HttpRedirect,
            BindingArg::Post => Binding::HttpPost,
        }
    }
}

/// `--comparison` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ComparisonArg {
    /// One of the classes exactly.
    Exact,
    /// At least as strong as one of the classes.
    Minimum,
    /// At most as strong as one of the classes.
    Maximum,
    /// Stronger than the classes.
    Better,
}

/// `samlguard authn-request`.
#[derive(Debug, Args)]
pub(crate) struct AuthnRequestArgs {
    /// The SP configuration file (TOML). The IdP's SSO endpoints come from [idp] metadata; with
    /// [sp] private_key and certificate the request is signed.
    #[arg(long, value_name = "SP.toml")]
    pub(crate) config: PathBuf,
    /// The binding: redirect prints the URL to send the browser to, post prints the HTML form.
    #[arg(long, value_enum, default_value = "redirect")]
    pub(crate) binding: BindingArg,
    /// The RelayState to send (at most 80 bytes).
    #[arg(long, value_name = "S")]
    pub(crate) relay_state: Option<String>,
    /// Ask the IdP to authenticate the user again even with a session (ForceAuthn="true").
    #[arg(long)]
    pub(crate) force_authn: bool,
    /// Forbid the IdP to interact with the user (IsPassive="true").
    #[arg(long)]
    pub(crate) passive: bool,
    /// NameIDPolicy Format to ask for (e.g. urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress).
    #[arg(long, value_name = "FORMAT")]
    pub(crate) name_id_format: Option<String>,
    /// NameIDPolicy AllowCreate="true" (the IdP may create an identifier for the user).
    #[arg(long)]
    pub(crate) allow_create: bool,
    /// A requested AuthnContextClassRef. Repeat for several.
    #[arg(long = "authn-context", value_name = "CLASS_REF")]
    pub(crate) authn_contexts: Vec<String>,
    /// How the IdP compares the requested AuthnContextClassRefs.
    #[arg(long, value_enum, default_value = "exact", requires = "authn_contexts")]
    pub(crate) comparison: ComparisonArg,
    /// The IssueInstant, RFC 3339 (e.g. 2030-01-01T12:00:00Z). Default: the system clock.
    #[arg(long, value_name = "RFC3339", value_parser = super::validate::parse_now)]
    pub(crate) now: Option<DateTime<Utc>>,
}

/// Runs the command.
pub(crate) fn run(args: &AuthnRequestArgs) -> Result<(), Failure> {
    let now = args.now.unwrap_or_else(Utc::now);
    let config = Config::from_file(&args.config).map_err(|e| report_error("AuthnRequest", &e))?;
    let mut builder = AuthnRequestBuilder::new(config.service_provider(), config.identity_provider())
        .binding(args.binding.into())
        .force_authn(args.force_authn)
        .is_passive(args.passive);
    if let Some(rs) = &args.relay_state {
        builder = builder.relay_state(rs.clone());
    }
    if args.name_id_format.is_some() || args.allow_create {
        let mut policy = NameIdPolicy::new();
        if let Some(f) = &args.name_id_format {
            policy = policy.format(f.clone());
        }
        if args.allow_create {
            policy = policy.allow_create(true);
        }
        builder = builder.name_id_policy(policy);
    }
    if !args.authn_contexts.is_empty() {
        let comparison = match args.comparison {
            ComparisonArg::Exact => AuthnContextComparison::Exact,
            ComparisonArg::Minimum => AuthnContextComparison::Minimum,
            ComparisonArg::Maximum => AuthnContextComparison::Maximum,
            ComparisonArg::Better => AuthnContextComparison::Better,
        };
        builder = builder.requested_authn_context(
            RequestedAuthnContext::new(args.authn_contexts.clone()).comparison(comparison),
        );
    }
    let message = builder.build(now).map_err(|e| report_error("AuthnRequest", &e))?;
    print_message(&message, "AuthnRequest")
}

/// Writes the URL or the form to stdout and the message ID (and where it goes) to stderr.
pub(crate) fn print_message(message: &OutboundMessage, what: &str) -> Result<(), Failure> {
    let out = match (message.redirect_url(), message.html_form()) {
        (Some(url), _) => format!("{url}\n"),
        (None, Some(form)) => form.to_owned(),
        (None, None) => message.xml().to_owned(),
    };
    write_stdout(out.as_bytes())?;
    let signed = match message.signature_algorithm() {
        Some(alg) => format!("signed with {}", alg.uri()),
        None => "unsigned (the SP has no [sp] private_key)".to_owned(),
    };
    let _ = writeln!(
        io::stderr().lock(),
        "request ID: {}\n{what} for {} ({}, {signed})",
        message.id(),
        message.destination(),
        message.binding()
    );
    Ok(())
}

/// Prints a refusal (code, description, detail) to stderr; the outcome is then reported (exit 1).
pub(crate) fn report_error(what: &str, e: &SsoError) -> Failure {
    let code = e.code();
    let detail = e.detail();
    let mut s = String::new();
    let _ = writeln!(s, "{what} NOT GENERATED: code {}, {}", code.code(), code.description());
    let _ = writeln!(s, "  stage              {}", detail.stage);
    let _ = writeln!(s, "  found              {}", detail.found);
    if let Some(expected) = &detail.expected {
        let _ = writeln!(s, "  expected           {expected}");
    }
    if let Some(fix) = &detail.fix {
        let _ = writeln!(s, "  fix                {fix}");
    }
    let _ = io::stderr().lock().write_all(s.as_bytes());
    Failure::Reported
}
