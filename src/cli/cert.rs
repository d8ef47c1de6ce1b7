//! `samlguard cert check`: the certificate doctor (SPEC §3), a thin layer over [`samlguard::check_file`].

use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::{DateTime, SecondsFormat, Utc};
use clap::{Args, Subcommand};
use samlguard::{CheckOptions, Report, Severity, check_file};

use super::{Failure, write_stdout};

/// `samlguard cert ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum CertCommand {
    /// Checks a certificate file (PEM, DER or PKCS#12) and optionally its private key: validity, key
    /// size and match, chain order and completeness, host names (SAN, wildcard, CN), Extended Key
    /// Usage, critical extensions, self-signed, weak signature algorithms.
    ///
    /// Each finding has an id, a severity and a detail naming the certificate (subject, SHA-256
    /// fingerprint) and the fix. Exit status 0: no error-severity finding; 1: at least one.
    Check(CheckArgs),
}

/// `samlguard cert check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The private key file to compare with the certificate (PKCS#1, PKCS#8, encrypted PKCS#8,
    /// legacy encrypted PEM, SEC1 EC, PEM or DER).
    #[arg(long, value_name = "KEY.pem")]
    key: Option<PathBuf>,
    /// The password of an encrypted key or PKCS#12 file.
    #[arg(long, value_name = "P")]
    password: Option<String>,
    /// A host name the certificate must serve (SAN and wildcard rules). Repeat for several.
    #[arg(long = "host", value_name = "NAME")]
    hosts: Vec<String>,
    /// The time to check validity at, RFC 3339 (e.g. 2030-06-01T00:00:00Z). Default: the system clock.
    #[arg(long, value_name = "RFC3339", value_parser = super::validate::parse_now)]
    now: Option<DateTime<Utc>>,
    /// Print one JSON object: {"ok": bool, "findings": [{"id", "severity", "detail"}]}.
    #[arg(long)]
    json: bool,
    /// The certificate file: PEM (one or many certificates, optionally with the key), DER, or
    /// PKCS#12 (.p12/.pfx).
    #[arg(value_name = "CERT_FILE")]
    file: PathBuf,
}

/// Runs a `cert` subcommand.
pub(crate) fn run(command: &CertCommand) -> Result<(), Failure> {
    match command {
        CertCommand::Check(args) => check(args),
    }
}

fn check(args: &CheckArgs) -> Result<(), Failure> {
    let now = args.now.unwrap_or_else(Utc::now);
    let mut options = CheckOptions::new(now);
    for host in &args.hosts {
        options = options.host(host.clone());
    }
    if let Some(key) = &args.key {
        options = options.private_key_file(key.clone());
    }
    if let Some(password) = &args.password {
        options = options.password(password.clone());
    }
    let report = check_file(&args.file, &options);
    let text = if args.json { json_report(&report) } else { human_report(&args.file, &report, now) };
    write_stdout(text.as_bytes())?;
    if report.ok() { Ok(()) } else { Err(Failure::Reported) }
}

/// The SPEC §3 object, keys in the SPEC's order: `{"ok": ..., "findings": [{"id", "severity", "detail"}]}`.
fn json_report(report: &Report) -> String {
    let findings: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{{\"id\": {}, \"severity\": {}, \"detail\": {}}}",
                json_string(f.id.as_str()),
                json_string(f.severity.as_str()),
                json_string(&f.detail)
            )
        })
        .collect();
    format!("{{\"ok\": {}, \"findings\": [{}]}}\n", report.ok(), findings.join(", "))
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn human_report(file: &std::path::Path, report: &Report, now: DateTime<Utc>) -> String {
    let mut s = String::new();
    let count = report.certificates.len();
    let _ = writeln!(
        s,
        "{}: {count} certificate{} (checked at {})",
        file.display(),
        if count == 1 { "" } else { "s" },
        timestamp(now)
    );
    for (i, c) in report.certificates.iter().enumerate() {
        let _ = writeln!(
            s,
            "  {}. {} | SHA-256 {} | valid {} to {}",
            i + 1,
            c.subject(),
            c.fingerprint_colon(),
            timestamp(c.not_before()),
            timestamp(c.not_after())
        );
    }
    for f in &report.findings {
        let _ = writeln!(s, "{:<7} {}: {}", f.severity.as_str(), f.id, f.detail);
    }
    let errors = report.findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = report.findings.len() - errors;
    let _ = match (errors, warnings) {
        (0, 0) => writeln!(s, "ok: no problems found"),
        (0, w) => writeln!(s, "ok: {w} warning{}", if w == 1 { "" } else { "s" }),
        (e, w) => writeln!(
            s,
            "not ok: {e} error{}, {w} warning{}",
            if e == 1 { "" } else { "s" },
            if w == 1 { "" } else { "s" }
        ),
    };
    s
}
