//! The `samlguard` command-line tool (SPEC §3).
//!
//! This milestone has two commands, both for looking underneath a failing login:
//!
//! * `samlguard dsig verify --cert CERT... [--allow-sha1] [--json] FILE` checks the document's one XML
//!   signature against the trusted certificates and says precisely why it fails;
//! * `samlguard c14n [--mode M] [--id ID] [--prefixes "p q"] FILE` prints canonical XML, to compare with
//!   other implementations.
//!
//! Exit status: 0 success, 1 refused or failed (the reason on stderr, or in the JSON object), 2 usage
//! error. Nothing here panics on any input: every failure is a message.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

mod cli;

/// Checks SAML 2.0 XML signatures and shows canonical XML, saying exactly why a login fails.
#[derive(Debug, Parser)]
#[command(name = "samlguard", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// XML-DSig operations (signature only: no SAML rules are applied).
    Dsig {
        #[command(subcommand)]
        command: DsigCommand,
    },
    /// Writes the canonical form of a document, or of the element with an ID, to stdout.
    C14n(C14nArgs),
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
        Command::Dsig { command: DsigCommand::Verify(args) } => cli::dsig::verify(&args),
        Command::C14n(args) => cli::c14n::run(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}
