//! `samlguard dsig verify`: the document's one XML signature, checked against trusted certificates.

use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};
use samlguard::{
    AlgorithmPolicy, Certificate, DSIG_NS, VerifiedSignature, load_certificates, verify_document,
};

use super::{Failure, id_attribute_named, read_document, read_limited, write_stdout};
use crate::VerifyArgs;

/// Largest certificate file read: far more than any real certificate bundle.
const MAX_CERT_FILE_BYTES: usize = 1024 * 1024;

/// Why verification did not succeed.
enum Refusal {
    /// An input could not be used (unreadable, not XML, not a certificate).
    Input(String),
    /// The signature was refused; the text is the library's precise reason.
    Signature(String),
}

impl Refusal {
    fn reason(&self) -> &str {
        match self {
            Refusal::Input(r) | Refusal::Signature(r) => r,
        }
    }
}

/// A trusted certificate and the file it came from.
struct Trusted {
    certificate: Certificate,
    source: String,
    position: usize,
    count_in_file: usize,
}

/// What a successful verification shows.
struct Verdict {
    element_name: String,
    id_attribute: &'static str,
    signed_id: String,
    line: usize,
    column: usize,
    signature_algorithm: &'static str,
    digest_algorithm: &'static str,
    canonicalization: &'static str,
    /// Indices into the trusted list of every certificate that verified, the first one reported.
    verified_by: Vec<usize>,
}

/// Runs the command: prints the verdict (JSON or text) and gives the outcome.
pub(crate) fn verify(args: &VerifyArgs) -> Result<(), Failure> {
    let mut trusted = Vec::new();
    let outcome = check(args, &mut trusted);
    if args.json {
        let (line, ok) = match &outcome {
            Ok(v) => {
                let fingerprint = v
                    .verified_by
                    .first()
                    .and_then(|i| trusted.get(*i))
                    .map(|t| t.certificate.fingerprint_hex())
                    .unwrap_or_default();
                let line = format!(
                    "{{\"ok\": true, \"signed_id\": {}, \"certificate_sha256\": {}}}\n",
                    json_string(&v.signed_id),
                    json_string(&fingerprint)
                );
                (line, true)
            }
            Err(refusal) => {
                (format!("{{\"ok\": false, \"reason\": {}}}\n", json_string(refusal.reason())), false)
            }
        };
        write_stdout(line.as_bytes())?;
        return if ok { Ok(()) } else { Err(Failure::Reported) };
    }
    match outcome {
        Ok(v) => write_stdout(describe(&v, &trusted, Utc::now()).as_bytes()),
        Err(Refusal::Input(reason)) => Err(Failure::Failed(reason)),
        Err(Refusal::Signature(reason)) => Err(Failure::Failed(format!("signature refused: {reason}"))),
    }
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn check(args: &VerifyArgs, trusted: &mut Vec<Trusted>) -> Result<Verdict, Refusal> {
    for path in &args.certs {
        let label = path.display().to_string();
        // A certificate is always read from a file: `-` is a file named `-`, stdin is the document's.
        let bytes = read_limited(Some(path), &label, MAX_CERT_FILE_BYTES).map_err(Refusal::Input)?;
        let certs = load_certificates(&bytes)
            .map_err(|e| Refusal::Input(format!("cannot load the certificate file {label}: {e}")))?;
        let count_in_file = certs.len();
        for (i, certificate) in certs.into_iter().enumerate() {
            trusted.push(Trusted { certificate, source: label.clone(), position: i + 1, count_in_file });
        }
    }
    let doc = read_document(&args.file).map_err(Refusal::Input)?;
    let certificates: Vec<Certificate> = trusted.iter().map(|t| t.certificate.clone()).collect();
    let policy = if args.allow_sha1 {
        AlgorithmPolicy::default().legacy_allow_sha1()
    } else {
        AlgorithmPolicy::default()
    };
    let verified =
        verify_document(&doc, &certificates, &policy).map_err(|e| Refusal::Signature(e.to_string()))?;
    Ok(verdict(&verified))
}

fn verdict(v: &VerifiedSignature<'_>) -> Verdict {
    let element = v.signed_element();
    // The ID is the one the Reference named: that is how the element was found.
    let signed_id = v
        .signature_element()
        .child_named(DSIG_NS, "SignedInfo")
        .and_then(|si| si.child_named(DSIG_NS, "Reference"))
        .and_then(|r| r.attribute("URI"))
        .and_then(|uri| uri.strip_prefix('#'))
        .unwrap_or_default()
        .to_owned();
    let (line, column) = element.position();
    Verdict {
        element_name: element.qualified_name(),
        id_attribute: id_attribute_named(element, &signed_id).unwrap_or("ID"),
        signed_id,
        line,
        column,
        signature_algorithm: v.signature_algorithm().uri(),
        digest_algorithm: v.digest_algorithm().uri(),
        canonicalization: v.reference_canonicalization().uri(),
        verified_by: v.certificate_indices().to_vec(),
    }
}

fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The human-readable verdict for a verified signature.
fn describe(v: &Verdict, trusted: &[Trusted], now: DateTime<Utc>) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "signature verified: it covers {} {}=\"{}\" (line {}, column {})",
        v.element_name, v.id_attribute, v.signed_id, v.line, v.column
    );
    let _ = writeln!(s, "  signature algorithm  {}", v.signature_algorithm);
    let _ = writeln!(s, "  digest algorithm     {}", v.digest_algorithm);
    let _ = writeln!(s, "  canonicalization     {}", v.canonicalization);
    for (n, t) in v.verified_by.iter().filter_map(|i| trusted.get(*i)).enumerate() {
        let c = &t.certificate;
        let heading = if n == 0 { "certificate" } else { "also verified by" };
        let status = if now < c.not_before() {
            "NOT YET VALID now"
        } else if now > c.not_after() {
            "EXPIRED now: a validator that enforces certificate validity refuses it"
        } else {
            "valid now"
        };
        let _ = writeln!(s, "  {heading:<20} {}", c.subject());
        let _ = writeln!(s, "    SHA-256            {}", c.fingerprint_colon());
        let _ = writeln!(
            s,
            "    validity           {} to {} ({status})",
            timestamp(c.not_before()),
            timestamp(c.not_after())
        );
        let _ = writeln!(
            s,
            "    trusted from       {} (certificate {} of {})",
            t.source, t.position, t.count_in_file
        );
    }
    let _ = writeln!(
        s,
        "note: XML-DSig only; no SAML rule (issuer, audience, recipient, time, status) was checked"
    );
    s
}
