//! The certificate doctor through the library: every finding id of SPEC §3 produced from the
//! openssl-made fixtures in testdata/doctor (see its README.md), the clean cases, and every key and
//! PKCS#12 format the loader reads.
#![cfg(feature = "doctor")]

use std::collections::HashSet;
use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use samlguard::{
    Certificate, CheckOptions, Container, FindingId, KeyFile, KeyFileError, KeyFormat, PublicKey, Purpose,
    Report, Severity, StrayPlace, check, check_file,
};

const PASSWORD: &str = "samlguard-doctor";

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/doctor")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The fixed clock the fixtures' validity windows are built around.
fn now() -> DateTime<Utc> {
    "2030-06-01T00:00:00Z".parse().expect("RFC 3339")
}

fn options() -> CheckOptions {
    CheckOptions::new(now()).host("sso.example.com").host("admin.example.com")
}

fn run(file: &str, options: &CheckOptions) -> Report {
    check(file, &read(file), options)
}

fn cert(name: &str) -> Certificate {
    Certificate::from_pem(&read(name)).expect("one certificate")
}

/// The first certificate of a PEM bundle.
fn first_cert(name: &str) -> Certificate {
    KeyFile::parse(&read(name), None).certificates()[0].clone()
}

fn ids(report: &Report) -> Vec<(FindingId, Severity)> {
    report.findings.iter().map(|f| (f.id, f.severity)).collect()
}

// ------------------------------------------------------------------------------------------------
// every finding id
// ------------------------------------------------------------------------------------------------

struct Case {
    file: &'static str,
    key: Option<&'static str>,
    password: Option<&'static str>,
    hosts: &'static [&'static str],
    id: FindingId,
    severity: Severity,
    /// Substrings the detail must contain.
    detail: &'static [&'static str],
}

const HOSTS: &[&str] = &["sso.example.com", "admin.example.com"];

fn cases() -> Vec<Case> {
    use FindingId::*;
    use Severity::{Error, Warning};
    let case = |file, id, severity, detail| Case {
        file,
        key: None,
        password: None,
        hosts: HOSTS,
        id,
        severity,
        detail,
    };
    vec![
        case(
            "chain-with-text.pem",
            Malformed,
            Warning,
            &["lines 1-3 are before the first -----BEGIN line", "strict systems refuse"],
        ),
        case("not-a-certificate.txt", Malformed, Error, &["without a -----BEGIN line"]),
        case(
            "request.csr.pem",
            Malformed,
            Error,
            &["certificate signing request (CSR)", "upload the certificate"],
        ),
        case("not-yet-valid.pem", NotYetValid, Error, &["is not valid until 2031-01-01T00:00:00Z", "clock"]),
        case("expired.pem", Expired, Error, &["expired on 2030-01-01T00:00:00Z", "new certificate"]),
        case(
            "expires-soon.pem",
            ExpiresSoon,
            Warning,
            &["expires on 2030-06-15T00:00:00Z (14 days from now)", "renew"],
        ),
        case("rsa1024.pem", KeyTooSmall, Error, &["RSA key of 1024 bits", "at least 2048"]),
        Case {
            key: Some("other.key"),
            ..case(
                "chain.pem",
                KeyMismatch,
                Error,
                &["other.key (PKCS#8, block 1 at line 1)", "does not belong to CN=sso.example.com"],
            )
        },
        Case {
            key: Some("leaf-pkcs8-aes256.key"),
            ..case(
                "chain.pem",
                KeyDecryption,
                Error,
                &["leaf-pkcs8-aes256.key: the encrypted PKCS#8 key", "no password was given"],
            )
        },
        Case {
            key: Some("leaf-legacy-des3.key"),
            password: Some("wrong"),
            ..case(
                "chain.pem",
                KeyDecryption,
                Error,
                &["the password does not decrypt the legacy encrypted RSA PRIVATE KEY"],
            )
        },
        Case {
            key: Some("x25519.key"),
            ..case("chain.pem", KeyDecryption, Error, &["X25519", "supported are RSA or EC"])
        },
        case("leaf-aes.p12", KeyDecryption, Error, &["leaf-aes.p12: the PKCS#12 file is password-protected"]),
        case(
            "chain-wrong-order.pem",
            ChainOrder,
            Error,
            &[
                "wrong order",
                "1. CN=sso.example.com",
                "2. CN=samlguard Doctor Issuing CA",
                "3. CN=samlguard Doctor Root CA",
            ],
        ),
        case(
            "chain-missing-intermediate.pem",
            ChainIncomplete,
            Error,
            &["the issuer of CN=sso.example.com", "CN=samlguard Doctor Issuing CA", "is missing"],
        ),
        case(
            "chain-impostor-intermediate.pem",
            ChainIncomplete,
            Error,
            &["its key did not sign", "Authority Key Identifier"],
        ),
        case(
            "leaf.crt",
            ChainIncomplete,
            Warning,
            &["holds only CN=sso.example.com", "append the intermediate"],
        ),
        Case {
            hosts: &["sso.example.com", "sso.example.org"],
            ..case(
                "wildcard.pem",
                WildcardDomain,
                Error,
                &["wildcard certificate (*.example.com)", "a SAN certificate is needed"],
            )
        },
        Case {
            hosts: &["sso.example.com", "portal.example.net"],
            ..case(
                "chain.pem",
                SanMismatch,
                Error,
                &["portal.example.net is not covered by CN=sso.example.com"],
            )
        },
        Case {
            hosts: &["a.sso.example.com"],
            ..case(
                "wildcard.pem",
                SanMismatch,
                Error,
                &["a.sso.example.com is not covered", "exactly one label"],
            )
        },
        case(
            "cn-not-in-san.pem",
            CnNotInSan,
            Warning,
            &["legacy.example.com, is not in its Subject Alternative Names (sso.example.com)"],
        ),
        Case {
            hosts: &[],
            ..case("no-san.pem", CnNotInSan, Error, &["has no Subject Alternative Name extension"])
        },
        case("eku-server-only.pem", MissingEku, Warning, &["(serverAuth) without clientAuth", "both"]),
        case(
            "critical-extension.pem",
            UnsupportedCriticalExtension,
            Error,
            &["1.3.6.1.4.1.55555.1.1", "critical"],
        ),
        case("self-signed.pem", SelfSigned, Warning, &["is self-signed"]),
        case("sha1.pem", WeakSignatureAlgorithm, Error, &["sha1WithRSAEncryption (SHA-1)", "SHA-256"]),
    ]
}

fn options_for(case: &Case) -> CheckOptions {
    let mut o = CheckOptions::new(now());
    for h in case.hosts {
        o = o.host(*h);
    }
    if let Some(key) = case.key {
        o = o.private_key_file(dir().join(key));
    }
    if let Some(p) = case.password {
        o = o.password(p);
    }
    o
}

#[test]
fn every_finding_id_is_produced_from_real_files() {
    let mut seen = HashSet::new();
    for case in cases() {
        let report = run(case.file, &options_for(&case));
        let found: Vec<_> = report.with_id(case.id).collect();
        assert!(!found.is_empty(), "{}: no {} in {:#?}", case.file, case.id, report.findings);
        let f = found
            .iter()
            .find(|f| f.severity == case.severity && case.detail.iter().all(|d| f.detail.contains(d)))
            .unwrap_or_else(|| {
                panic!(
                    "{}: {} {:?} with {:?} not in {:#?}",
                    case.file, case.id, case.severity, case.detail, found
                )
            });
        // Findings about the files' certificates name one by subject and fingerprint.
        if !matches!(case.id, FindingId::Malformed | FindingId::KeyDecryption) {
            let named = report.certificates.iter().any(|c| f.detail.contains(&c.fingerprint_colon()));
            assert!(named, "{}: {} names no certificate by fingerprint: {}", case.file, case.id, f.detail);
        }
        // Each fixture shows its finding, and nothing that is not about it.
        let others: Vec<_> = report.findings.iter().filter(|f| f.id != case.id).collect();
        let allowed_extra = matches!(case.id, FindingId::WildcardDomain | FindingId::CnNotInSan);
        assert!(others.is_empty() || allowed_extra, "{}: unexpected {:#?}", case.file, others);
        assert_eq!(
            report.ok(),
            report.findings.iter().all(|f| f.severity == Severity::Warning),
            "{}",
            case.file
        );
        seen.insert(case.id);
    }
    let all: HashSet<FindingId> = FindingId::ALL.into_iter().collect();
    assert_eq!(seen, all, "every SPEC §3 finding id has a fixture");
}

// ------------------------------------------------------------------------------------------------
// clean cases
// ------------------------------------------------------------------------------------------------

#[test]
fn a_good_chain_with_its_key_and_covered_hosts_has_no_findings() {
    let report = run("chain.pem", &options().private_key_file(dir().join("leaf.key")));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert!(report.ok());
    let subjects: Vec<&str> = report.certificates.iter().map(Certificate::subject).collect();
    assert_eq!(
        subjects,
        [
            "CN=sso.example.com, O=samlguard doctor tests, C=US",
            "CN=samlguard Doctor Issuing CA, O=samlguard doctor tests, C=US",
            "CN=samlguard Doctor Root CA, O=samlguard doctor tests, C=US"
        ]
    );
}

#[test]
fn the_leaf_key_in_every_format_matches() {
    for (key, password) in [
        ("leaf.key", None),
        ("leaf-pkcs1.key", None),
        ("leaf-pkcs8-aes256.key", Some(PASSWORD)),
        ("leaf-pkcs8-des3.key", Some(PASSWORD)),
        ("leaf-pkcs8-pbe-sha1-3des.key", Some(PASSWORD)),
        ("leaf-legacy-des3.key", Some(PASSWORD)),
        ("leaf-legacy-aes128.key", Some(PASSWORD)),
        ("leaf-legacy-aes256.key", Some(PASSWORD)),
    ] {
        let mut o = options().private_key(key, read(key));
        if let Some(p) = password {
            o = o.password(p);
        }
        let report = run("chain.pem", &o);
        assert!(report.findings.is_empty(), "{key}: {:#?}", report.findings);
    }
}

#[test]
fn pkcs12_files_load_with_their_password_and_have_no_findings() {
    for file in ["leaf-aes.p12", "leaf-legacy-rc2.p12", "leaf-3des.p12"] {
        let report = run(file, &options().password(PASSWORD));
        assert!(report.findings.is_empty(), "{file}: {:#?}", report.findings);
        assert_eq!(report.certificates.len(), 3, "{file}");
        let wrong = run(file, &options().password("not-it"));
        assert_eq!(ids(&wrong), [(FindingId::KeyDecryption, Severity::Error)], "{file}");
        assert!(
            wrong.findings[0].detail.contains("the password does not decrypt the PKCS#12 file"),
            "{file}"
        );
        let none = run(file, &options());
        assert!(none.findings[0].detail.contains("password-protected and no password was given"), "{file}");
    }
}

#[test]
fn ec_keys_match_their_certificates() {
    for (file, key, password) in [
        ("ec256.pem", "ec256.key", None),
        ("ec384.pem", "ec384.key", None),
        ("ec384.pem", "ec384-legacy-aes256.key", Some(PASSWORD)),
    ] {
        let mut o = options().private_key_file(dir().join(key));
        if let Some(p) = password {
            o = o.password(p);
        }
        let report = run(file, &o);
        assert!(report.findings.is_empty(), "{file} + {key}: {:#?}", report.findings);
        let mismatch = run(file, &options().private_key_file(dir().join("leaf.key")));
        assert_eq!(ids(&mismatch), [(FindingId::KeyMismatch, Severity::Error)], "{file}");
    }
}

#[test]
fn the_key_inside_the_certificate_file_is_checked_too() {
    assert!(run("leaf-with-key.pem", &options()).findings.is_empty());
    // The combined file's key is the leaf's; another --key does not match.
    let report = run("leaf-with-key.pem", &options().private_key_file(dir().join("other.key")));
    assert_eq!(ids(&report), [(FindingId::KeyMismatch, Severity::Error)]);
}

#[test]
fn hosts_in_one_domain_are_fine_for_a_wildcard() {
    let report = run("wildcard.pem", &options());
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    let report = run("wildcard.pem", &CheckOptions::new(now()).host("sso.example.com").host("example.com"));
    // example.com and *.example.com: one domain, but the apex is not covered by the wildcard.
    assert_eq!(ids(&report), [(FindingId::SanMismatch, Severity::Error)]);
}

#[test]
fn der_and_single_certificates() {
    let report = run("leaf.der", &options());
    assert_eq!(ids(&report), [(FindingId::ChainIncomplete, Severity::Warning)]);
    assert!(report.ok());
    assert_eq!(report.certificates, vec![cert("leaf.crt")]);
}

// ------------------------------------------------------------------------------------------------
// options
// ------------------------------------------------------------------------------------------------

#[test]
fn the_expiry_window_is_configurable() {
    let narrow = run("expires-soon.pem", &options().expires_soon_within(Duration::days(7)));
    assert!(narrow.findings.is_empty(), "{:#?}", narrow.findings);
    let wide = run("chain.pem", &options().expires_soon_within(Duration::days(365 * 5)));
    assert_eq!(ids(&wide), [(FindingId::ExpiresSoon, Severity::Warning)]);
    assert!(wide.findings[0].detail.contains("expires on 2035-01-01T00:00:00Z"));
    // At the last second of validity the certificate is still valid; one second later it expired.
    let end: DateTime<Utc> = "2030-01-01T00:00:00Z".parse().expect("time");
    let at_end = run("expired.pem", &CheckOptions::new(end).expires_soon_within(Duration::zero()));
    assert!(!at_end.findings.iter().any(|f| f.id == FindingId::Expired), "{:#?}", at_end.findings);
    let after = run("expired.pem", &CheckOptions::new(end + Duration::seconds(1)));
    assert_eq!(ids(&after), [(FindingId::Expired, Severity::Error)]);
}

#[test]
fn signing_purpose_skips_tls_name_checks() {
    for file in ["eku-server-only.pem", "no-san.pem", "cn-not-in-san.pem"] {
        let report = run(file, &options().purpose(Purpose::Signing));
        assert!(report.findings.is_empty(), "{file}: {:#?}", report.findings);
    }
}

#[test]
fn ip_address_hosts_compare_with_san_ip_entries() {
    let report = run("chain.pem", &CheckOptions::new(now()).host("192.0.2.10"));
    assert_eq!(ids(&report), [(FindingId::SanMismatch, Severity::Error)]);
}

// ------------------------------------------------------------------------------------------------
// malformed files
// ------------------------------------------------------------------------------------------------

#[test]
fn text_around_pem_blocks_is_a_warning_with_line_numbers() {
    let report = run("chain-with-text.pem", &options());
    assert!(report.ok());
    assert_eq!(report.certificates.len(), 3, "the certificates still load");
    let details: Vec<&str> = report.findings.iter().map(|f| f.detail.as_str()).collect();
    assert_eq!(details.len(), 3, "{details:#?}");
    assert!(details[0].contains("lines 1-3 are before the first -----BEGIN line (text)"), "{}", details[0]);
    assert!(details[1].contains("is between two PEM blocks (blank)"), "{}", details[1]);
    assert!(details[2].contains("is after the last -----END line (text)"), "{}", details[2]);
    let problems = KeyFile::parse(&read("chain-with-text.pem"), None);
    assert!(matches!(
        problems.problems(),
        [
            KeyFileError::TextOutsidePem {
                first_line: 1,
                last_line: 3,
                place: StrayPlace::BeforeFirstBlock,
                blank: false
            },
            KeyFileError::TextOutsidePem { place: StrayPlace::BetweenBlocks, blank: true, .. },
            KeyFileError::TextOutsidePem { place: StrayPlace::AfterLastBlock, blank: false, .. },
        ]
    ));
}

#[test]
fn unreadable_empty_and_broken_files_are_malformed_errors() {
    let missing = check_file(&dir().join("no-such-file.pem"), &options());
    assert_eq!(ids(&missing), [(FindingId::Malformed, Severity::Error)]);
    assert!(missing.findings[0].detail.starts_with("cannot read "));
    let empty = check("empty.pem", b"", &options());
    assert_eq!(ids(&empty), [(FindingId::Malformed, Severity::Error)]);
    assert!(empty.findings[0].detail.contains("the file is empty"));
    let pem = String::from_utf8(read("leaf.crt")).expect("text");
    let cut = &pem[..pem.len() - 40];
    let report = check("cut.pem", cut.as_bytes(), &options());
    assert_eq!(ids(&report), [(FindingId::Malformed, Severity::Error)]);
    assert!(report.findings[0].detail.contains("has no -----END line"), "{}", report.findings[0].detail);
    let not_base64 = "-----BEGIN CERTIFICATE-----\nMII!!\n-----END CERTIFICATE-----\n";
    let report = check("bad.pem", not_base64.as_bytes(), &options());
    assert!(report.findings[0].detail.contains("not base64"), "{:#?}", report.findings);
    let key_only = check("leaf.key", &read("leaf.key"), &options());
    assert_eq!(ids(&key_only), [(FindingId::Malformed, Severity::Error)]);
    assert!(key_only.findings[0].detail.contains("holds no certificate"));
    let missing_key = run("chain.pem", &options().private_key_file(dir().join("no-such.key")));
    assert_eq!(ids(&missing_key), [(FindingId::Malformed, Severity::Error)]);
}

#[test]
fn bare_base64_loads_with_a_warning() {
    let pem = String::from_utf8(read("leaf.crt")).expect("text");
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect::<Vec<_>>().join("\n");
    let file = KeyFile::parse(body.as_bytes(), None);
    assert_eq!(file.certificates(), &[cert("leaf.crt")]);
    assert!(matches!(file.problems(), [KeyFileError::NoPemArmor { label }] if label == "CERTIFICATE"));
}

// ------------------------------------------------------------------------------------------------
// the loader
// ------------------------------------------------------------------------------------------------

#[test]
fn every_key_format_loads_with_its_public_key() {
    let leaf = cert("leaf.crt");
    for (file, format, password) in [
        ("leaf.key", KeyFormat::Pkcs8, None),
        ("leaf-pkcs1.key", KeyFormat::Pkcs1, None),
        ("leaf-pkcs8-aes256.key", KeyFormat::EncryptedPkcs8, Some(PASSWORD)),
        ("leaf-pkcs8-des3.key", KeyFormat::EncryptedPkcs8, Some(PASSWORD)),
        ("leaf-pkcs8-pbe-sha1-3des.key", KeyFormat::EncryptedPkcs8, Some(PASSWORD)),
        ("leaf-legacy-des3.key", KeyFormat::LegacyEncryptedPem, Some(PASSWORD)),
        ("leaf-legacy-aes128.key", KeyFormat::LegacyEncryptedPem, Some(PASSWORD)),
        ("leaf-legacy-aes256.key", KeyFormat::LegacyEncryptedPem, Some(PASSWORD)),
    ] {
        let loaded = KeyFile::parse(&read(file), password);
        assert!(loaded.problems().is_empty(), "{file}: {:?}", loaded.problems());
        let [key] = loaded.private_keys() else { panic!("{file}: one key") };
        assert_eq!(key.format(), format, "{file}");
        assert_eq!(key.public_key(), leaf.public_key(), "{file}");
        assert!(key.matches(&leaf), "{file}");
        assert!(!key.matches(&first_cert("rsa1024.pem")), "{file}");
        assert!(!format!("{key:?}").contains("modulus"), "Debug shows no key material");
    }
    let ec = KeyFile::parse(&read("ec256.key"), None);
    assert!(ec.problems().is_empty(), "the EC PARAMETERS block is not a problem: {:?}", ec.problems());
    assert_eq!(ec.private_keys()[0].format(), KeyFormat::Sec1);
    assert!(matches!(ec.private_keys()[0].public_key(), PublicKey::EcP256 { .. }));
    assert!(ec.private_keys()[0].matches(&first_cert("ec256.pem")));
}

#[test]
fn the_public_key_is_computed_when_the_file_leaves_it_out() {
    let keys = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/keys");
    let read_keys = |n: &str| std::fs::read(keys.join(n)).expect("fixture");
    let nopub = KeyFile::parse(&read_keys("ec256-nopub.key"), None);
    let c = Certificate::from_pem(&read_keys("ec256.crt")).expect("cert");
    assert!(nopub.private_keys()[0].matches(&c), "{:?}", nopub.problems());
    // Ed25519: the public key comes from the seed; the certificate's key is compared as SPKI bits.
    let ed = KeyFile::parse(&read_keys("ed25519.key"), None);
    let ed_cert = Certificate::from_pem(&read_keys("ed25519.crt")).expect("cert");
    assert!(ed.private_keys()[0].matches(&ed_cert));
    assert!(!ed.private_keys()[0].matches(&c));
}

#[test]
fn passwords_missing_wrong_and_unsupported_keys_say_what_is_needed() {
    let missing = KeyFile::parse(&read("leaf-legacy-aes256.key"), None);
    assert!(matches!(missing.problems(), [KeyFileError::PasswordRequired { .. }]));
    assert!(missing.problems()[0].is_key_problem());
    for file in ["leaf-pkcs8-aes256.key", "leaf-pkcs8-pbe-sha1-3des.key", "leaf-legacy-aes128.key"] {
        let wrong = KeyFile::parse(&read(file), Some("nope"));
        assert!(
            matches!(wrong.problems(), [KeyFileError::WrongPassword { .. }]),
            "{file}: {:?}",
            wrong.problems()
        );
    }
    let x = KeyFile::parse(&read("x25519.key"), None);
    let message = x.problems()[0].to_string();
    assert!(message.contains("X25519") && message.contains("PKCS#1 (RSA PRIVATE KEY)"), "{message}");
}

#[test]
fn pkcs12_archives_give_certificates_and_key() {
    let leaf = cert("leaf.crt");
    for file in ["leaf-aes.p12", "leaf-legacy-rc2.p12", "leaf-3des.p12"] {
        let loaded = KeyFile::parse(&read(file), Some(PASSWORD));
        assert_eq!(loaded.container(), Container::Pkcs12, "{file}");
        assert!(loaded.problems().is_empty(), "{file}: {:?}", loaded.problems());
        assert!(loaded.certificates().contains(&leaf), "{file}");
        assert_eq!(loaded.certificates().len(), 3, "{file}");
        let [key] = loaded.private_keys() else { panic!("{file}: one key") };
        assert_eq!(key.format(), KeyFormat::Pkcs12);
        assert!(key.matches(&leaf), "{file}");
    }
}
