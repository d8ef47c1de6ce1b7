//! The `samlguard` command-line tool (SPEC §3).
//!
//! This milestone has three commands: one that judges a login as the service provider would, and two
//! for looking underneath a failing one:
//!
//! * `samlguard validate --config SP.toml [--now T] [--request-id ID]... [--method M] [--json]
//!   [--allow-network [--artifact-timeout SECONDS]] INPUT`
//!   validates a SAML Response against the SP configuration file and prints the accepted login or the
//!   SSO error code with what was found, what was expected and the likely fix (a `SAMLart` is resolved
//!   at the IdP only with `--allow-network`);
//! * `samlguard dsig verify --cert CERT... [--allow-sha1] [--json] FILE` checks the document's one XML
//!   signature against the trusted certificates and says precisely why it fails;
//! * `samlguard c14n [--mode M] [--id ID] [--prefixes "p q"] FILE` prints canonical XML, to compare with
//!   other implementations.
//!
//! Exit status: 0 success, 1 refused or failed (the reason on stderr, or in the JSON object; `validate`
//! prints its verdict on stdout), 2 usage error. Nothing here panics on any input: every failure is a
//! message.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};

mod cli;

/// Validates SAML 2.0 responses, checks XML signatures and shows canonical XML, saying exactly why a
/// login fails.
#[derive(Debug, Parser)]
#[command(name = "samlguard", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validates a SAML Response as the SP's Assertion Consumer Service would (all SAML rules).
    ///
    /// Exit status 0: accepted (the login is printed); 1: rejected with an SSO error code 1–32 (9 for a
    /// bad configuration file), printed with what was found, what was expected and the likely fix.
    Validate(ValidateArgs),
    /// XML-DSig operations (signature only: no SAML rules are applied).
    Dsig {
        #[command(subcommand)]
        command: DsigCommand,
    },
    /// Writes the canonical form of a document, or of the element with an ID, to stdout.
    C14n(C14nArgs),
    /// SAML metadata: an IdP's certificates and rollover (`idp`), the SP's own metadata (`sp`).
    Metadata {
        #[command(subcommand)]
        command: cli::metadata::MetadataCommand,
    },
    /// Certificate and key checks for administrators (the certificate doctor).
    Cert {
        #[command(subcommand)]
        command: cli::cert::CertCommand,
    },
    /// Builds the SP's AuthnRequest: prints the redirect URL (or, with --binding post, the HTML form).
    ///
    /// The IdP's SSO endpoint comes from [idp] metadata; with [sp] private_key the request is signed
    /// (over the query string for redirect, enveloped for post). The request ID goes to stderr: it is the
    /// --request-id to validate the IdP's response with. Exit status 0: printed; 1: the request cannot be
    /// built (code 26, or 9 for a bad configuration file); 2: usage error.
    AuthnRequest(cli::authn_request::AuthnRequestArgs),
    /// Single Logout: the SP's LogoutRequest, and the IdP's LogoutRequests and LogoutResponses.
    Logout {
        #[command(subcommand)]
        command: cli::logout::LogoutCommand,
    },
}

#[derive(Debug, Subcommand)]
enum DsigCommand {
    /// Verifies the document's only signature against the trusted certificates.
    ///
    /// The document must carry exactly one ds:Signature whose one Reference names an element by ID
    /// (an ID, Id or AssertionID attribute). Exit status 0: verified; 1: refused (the reason says why).
    Verify(VerifyArgs),
}

/// `samlguard dsig verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// A trusted certificate file: PEM (one or several certificates) or DER. Repeat for several files.
    #[arg(long = "cert", value_name = "CERT", required = true)]
    pub(crate) certs: Vec<PathBuf>,
    /// Accept SHA-1 digests and RSA-SHA1 signatures (legacy IdPs only: SHA-1 collisions are practical).
    #[arg(long)]
    pub(crate) allow_sha1: bool,
    /// Print one JSON object: {"ok": true, "signed_id": ..., "certificate_sha256": ...} or
    /// {"ok": false, "reason": ...}.
    #[arg(long)]
    pub(crate) json: bool,
    /// The signed XML document, or `-` for standard input.
    #[arg(value_name = "FILE")]
    pub(crate) file: String,
}

/// `samlguard validate`.
#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// The SP configuration file (TOML: [sp], [idp], optional [accounts]).
    #[arg(long, value_name = "SP.toml")]
    pub(crate) config: PathBuf,
    /// The time to judge the response at, RFC 3339 (e.g. 2030-01-01T12:00:30Z). Default: the system clock.
    #[arg(long, value_name = "RFC3339", value_parser = cli::validate::parse_now)]
    pub(crate) now: Option<DateTime<Utc>>,
    /// An outstanding AuthnRequest ID (the response's InResponseTo must be one). Repeat for several.
    #[arg(long = "request-id", value_name = "ID")]
    pub(crate) request_ids: Vec<String>,
    /// The HTTP method the response arrived with (only POST is accepted, in any letter case).
    #[arg(long, value_name = "M", default_value = "POST")]
    pub(crate) method: String,
    /// Print one JSON object: {"ok": true, "issuer": ..., "name_id": ..., ...} or
    /// {"ok": false, "code": N, "description": ..., "detail": ...}.
    #[arg(long)]
    pub(crate) json: bool,
    /// Resolve a SAMLart (HTTP-Artifact binding) by calling the IdP's ArtifactResolutionService.
    /// Without it, no network access is made and a SAMLart is code 12.
    #[arg(long)]
    pub(crate) allow_network: bool,
    /// How long artifact resolution may take, in seconds (with --allow-network).
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = cli::validate::parse_timeout)]
    pub(crate) artifact_timeout: f64,
    /// The response: raw XML, base64 of XML, or an urlencoded POST body with a SAMLResponse field
    /// (detected automatically); `-` for standard input.
    #[arg(value_name = "INPUT")]
    pub(crate) input: String,
}

/// `samlguard c14n`.
#[derive(Debug, Args)]
pub(crate) struct C14nArgs {
    /// The canonicalization: exclusive (exc), inclusive 1.0 (inc) or inclusive 1.1 (inc11), each with or
    /// without comments.
    #[arg(
        long,
        value_name = "MODE",
        default_value = "exc",
        value_parser = ["exc", "exc-comments", "inc", "inc-comments", "inc11", "inc11-comments"],
    )]
    pub(crate) mode: String,
    /// Canonicalize only the element whose ID, Id or AssertionID attribute has this value (a document
    /// subset: the element and its descendants, with the namespaces in scope).
    #[arg(long, value_name = "ID")]
    pub(crate) id: Option<String>,
    /// The InclusiveNamespaces PrefixList, space-separated (`#default` names the default namespace).
    /// Exclusive modes only.
    #[arg(long, value_name = "PREFIXES")]
    pub(crate) prefixes: Option<String>,
    /// The XML document, or `-` for standard input.
    #[arg(value_name = "FILE")]
    pub(crate) file: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Validate(args) => cli::validate::run(&args),
        Command::Dsig { command: DsigCommand::Verify(args) } => cli::dsig::verify(&args),
        Command::C14n(args) => cli::c14n::run(&args),
        Command::Metadata { command } => cli::metadata::run(&command),
        Command::Cert { command } => cli::cert::run(&command),
        Command::AuthnRequest(args) => cli::authn_request::run(&args),
        Command::Logout { command } => cli::logout::run(&command),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}
