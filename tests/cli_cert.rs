//! `samlguard cert check` run for real (SPEC §3): one run per finding id with `--json` (id, severity,
//! detail, `ok`, exit status), the clean case, the human output and usage errors. The fixtures are
//! the openssl-made files in testdata/doctor (see its README.md); the clock is fixed with `--now`.
#![cfg(feature = "cli")]

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

const NOW: &str = "2030-06-01T00:00:00Z";
const PASSWORD: &str = "samlguard-doctor";

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/doctor")
}

/// Runs `samlguard cert check ARGS` in testdata/doctor, so that file names in details are short.
fn cert_check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_samlguard"))
        .arg("cert")
        .arg("check")
        .args(args)
        .current_dir(dir())
        .output()
        .expect("the samlguard binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8")
}

/// The JSON verdict, checked against SPEC §3's shape: `{"ok": bool, "findings": [{id, severity, detail}]}`.
fn verdict(o: &Output) -> Value {
    assert!(!stderr(o).contains("panicked"), "{}", stderr(o));
    let text = stdout(o);
    assert_eq!(text.lines().count(), 1, "exactly one JSON line: {text}");
    assert!(text.starts_with("{\"ok\": "), "ok comes first: {text}");
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let object = v.as_object().expect("an object");
    assert_eq!(object.len(), 2, "{text}");
    assert!(v["ok"].is_boolean(), "{text}");
    for f in v["findings"].as_array().expect("findings array") {
        let keys: Vec<&String> = f.as_object().expect("finding object").keys().collect();
        assert_eq!(keys.len(), 3, "{f}");
        assert!(["error", "warning"].contains(&f["severity"].as_str().expect("severity")), "{f}");
        assert!(f["id"].is_string() && f["detail"].is_string(), "{f}");
    }
    let has_error = v["findings"].as_array().into_iter().flatten().any(|f| f["severity"] == "error");
    assert_eq!(v["ok"], !has_error, "ok means no error-severity finding: {text}");
    let expected_exit = if has_error { 1 } else { 0 };
    assert_eq!(o.status.code(), Some(expected_exit), "exit status for {text}\nstderr: {}", stderr(o));
    v
}

struct Case {
    args: &'static [&'static str],
    id: &'static str,
    severity: &'static str,
    detail: &'static str,
}

const H1: &str = "--host";

fn cases() -> Vec<Case> {
    let c = |args, id, severity, detail| Case { args, id, severity, detail };
    vec![
        c(
            &["chain-with-text.pem"],
            "malformed",
            "warning",
            "chain-with-text.pem: lines 1-3 are before the first -----BEGIN line",
        ),
        c(&["no-such-file.pem"], "malformed", "error", "cannot read no-such-file.pem"),
        c(
            &["request.csr.pem"],
            "malformed",
            "error",
            "is a certificate signing request (CSR), not a certificate",
        ),
        c(&["not-yet-valid.pem"], "not-yet-valid", "error", "is not valid until 2031-01-01T00:00:00Z"),
        c(&["expired.pem"], "expired", "error", "expired on 2030-01-01T00:00:00Z"),
        c(
            &["expires-soon.pem"],
            "expires-soon",
            "warning",
            "expires on 2030-06-15T00:00:00Z (14 days from now)",
        ),
        c(
            &["rsa1024.pem"],
            "key-too-small",
            "error",
            "has an RSA key of 1024 bits; at least 2048 are required",
        ),
        c(
            &["--key", "other.key", "chain.pem"],
            "key-mismatch",
            "error",
            "the private key in other.key (PKCS#8",
        ),
        c(
            &["--key", "leaf-pkcs8-aes256.key", "chain.pem"],
            "key-decryption",
            "error",
            "no password was given",
        ),
        c(
            &["--key", "leaf-legacy-des3.key", "--password", "wrong", "chain.pem"],
            "key-decryption",
            "error",
            "the password does not decrypt the legacy encrypted RSA PRIVATE KEY in block 1 at line 1",
        ),
        c(
            &["--password", "wrong", "leaf-legacy-rc2.p12"],
            "key-decryption",
            "error",
            "does not decrypt the PKCS#12 file",
        ),
        c(
            &["chain-wrong-order.pem"],
            "chain-order",
            "error",
            "1. CN=sso.example.com, O=samlguard doctor tests, C=US, 2. CN=samlguard Doctor Issuing CA",
        ),
        c(
            &["chain-missing-intermediate.pem"],
            "chain-incomplete",
            "error",
            "CN=samlguard Doctor Issuing CA, O=samlguard doctor tests, C=US, is missing",
        ),
        c(&["chain-impostor-intermediate.pem"], "chain-incomplete", "error", "but its key did not sign"),
        c(
            &[H1, "sso.example.com", H1, "sso.example.org", "wildcard.pem"],
            "wildcard-domain",
            "error",
            "a SAN certificate is needed",
        ),
        c(
            &[H1, "portal.example.net", "chain.pem"],
            "san-mismatch",
            "error",
            "portal.example.net is not covered by CN=sso.example.com",
        ),
        c(
            &["cn-not-in-san.pem"],
            "cn-not-in-san",
            "warning",
            "legacy.example.com, is not in its Subject Alternative Names",
        ),
        c(&["no-san.pem"], "cn-not-in-san", "error", "has no Subject Alternative Name extension"),
        c(
            &["eku-server-only.pem"],
            "missing-eku",
            "warning",
            "without clientAuth (TLS Web Client Authentication)",
        ),
        c(
            &["critical-extension.pem"],
            "unsupported-critical-extension",
            "error",
            "marks the extension 1.3.6.1.4.1.55555.1.1",
        ),
        c(&["self-signed.pem"], "self-signed", "warning", "is self-signed"),
        c(&["sha1.pem"], "weak-signature-algorithm", "error", "is signed with sha1WithRSAEncryption (SHA-1)"),
    ]
}

#[test]
fn one_run_per_finding_id_with_json() {
    let mut seen = HashSet::new();
    for case in cases() {
        let mut args = vec!["--now", NOW, "--json"];
        args.extend_from_slice(case.args);
        let v = verdict(&cert_check(&args));
        let findings = v["findings"].as_array().expect("array");
        let found = findings.iter().any(|f| {
            f["id"] == case.id
                && f["severity"] == case.severity
                && f["detail"].as_str().is_some_and(|d| d.contains(case.detail))
        });
        assert!(found, "{:?}: no {} {} with {:?} in {v:#}", case.args, case.id, case.severity, case.detail);
        seen.insert(case.id);
    }
    let all = [
        "malformed",
        "not-yet-valid",
        "expired",
        "expires-soon",
        "key-too-small",
        "key-mismatch",
        "key-decryption",
        "chain-order",
        "chain-incomplete",
        "wildcard-domain",
        "san-mismatch",
        "cn-not-in-san",
        "missing-eku",
        "unsupported-critical-extension",
        "self-signed",
        "weak-signature-algorithm",
    ];
    assert_eq!(seen, all.into_iter().collect::<HashSet<_>>());
}

#[test]
fn clean_chain_key_and_hosts_exit_zero() {
    let args = [
        "--now",
        NOW,
        "--key",
        "leaf.key",
        "--host",
        "sso.example.com",
        "--host",
        "admin.example.com",
        "--json",
    ];
    let v = verdict(&cert_check(&[&args[..], &["chain.pem"]].concat()));
    assert_eq!(v, serde_json::json!({"ok": true, "findings": []}));
    for p12 in ["leaf-aes.p12", "leaf-legacy-rc2.p12", "leaf-3des.p12"] {
        let v = verdict(&cert_check(&["--now", NOW, "--password", PASSWORD, "--json", p12]));
        assert_eq!(v, serde_json::json!({"ok": true, "findings": []}), "{p12}");
    }
    let v = verdict(&cert_check(&[
        "--now",
        NOW,
        "--key",
        "leaf-legacy-aes256.key",
        "--password",
        PASSWORD,
        "--json",
        "chain.pem",
    ]));
    assert_eq!(v["ok"], true);
}

#[test]
fn warnings_alone_exit_zero() {
    let o = cert_check(&["--now", NOW, "--json", "expires-soon.pem"]);
    let v = verdict(&o);
    assert_eq!((v["ok"].as_bool(), o.status.code()), (Some(true), Some(0)));
}

#[test]
fn human_output_lists_certificates_then_findings() {
    let o = cert_check(&["--now", NOW, "chain-wrong-order.pem"]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "chain-wrong-order.pem: 3 certificates (checked at 2030-06-01T00:00:00Z)");
    assert!(
        lines[1].starts_with("  1. CN=samlguard Doctor Root CA, O=samlguard doctor tests, C=US | SHA-256 "),
        "{text}"
    );
    assert!(lines[1].ends_with("| valid 2025-01-01T00:00:00Z to 2045-01-01T00:00:00Z"), "{text}");
    assert!(
        lines[3].starts_with("  3. CN=sso.example.com, O=samlguard doctor tests, C=US | SHA-256 "),
        "{text}"
    );
    assert!(
        lines[4].starts_with(
            "error   chain-order: the certificates in chain-wrong-order.pem are in the wrong order"
        ),
        "{text}"
    );
    assert_eq!(lines.last(), Some(&"not ok: 1 error, 0 warnings"));
    let ok = cert_check(&["--now", NOW, "--host", "sso.example.com", "chain.pem"]);
    assert_eq!(ok.status.code(), Some(0));
    assert_eq!(stdout(&ok).lines().last(), Some("ok: no problems found"));
    let warn = cert_check(&["--now", NOW, "self-signed.pem"]);
    assert_eq!(warn.status.code(), Some(0));
    assert!(stdout(&warn).contains("\nwarning self-signed: CN=sso.example.com"), "{}", stdout(&warn));
    assert_eq!(stdout(&warn).lines().last(), Some("ok: 1 warning"));
}

#[test]
fn usage_errors_exit_two() {
    for args in [&[][..], &["--now", "yesterday", "chain.pem"][..], &["--bogus", "chain.pem"][..]] {
        let o = cert_check(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
}
