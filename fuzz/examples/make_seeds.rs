//! Writes seed inputs for the `validate` and `post_body` fuzz targets: testkit responses (ADFS, Entra
//! ID, Okta and Shibboleth shapes) made for the targets' fixed configuration and clock, most of them
//! accepted, a few failing one late check each (wrong key, SHA-1, expired, another audience, an
//! outstanding-request mismatch), each prefixed with the mode byte the target reads first.
//!
//! `fuzz/seed.sh` runs it; by hand:
//!
//! ```text
//! cargo run --manifest-path fuzz/Cargo.toml --features seeds --example make_seeds -- OUT_DIR
//! ```
//!
//! writes `OUT_DIR/validate/<name>` and `OUT_DIR/post_body/<name>`.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use samlguard::testkit::ResponseBuilder;
use samlguard::{Certificate, DigestAlgorithm, SignatureAlgorithm, SigningKey};

#[allow(dead_code)]
#[path = "../entry_points.rs"]
mod entry_points;

use entry_points::{ACS, IDP, REQUEST_ID, SP};

/// 30 s before the targets' clock (`entry_points::NOW`).
const ISSUED_AT: &str = "2030-01-01T12:00:00Z";

/// A testkit constructor: (IdP, SP, ACS, issue time).
type Flavor = fn(&str, &str, &str, DateTime<Utc>) -> ResponseBuilder;

fn key_pair(name: &str) -> (SigningKey, Certificate) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/keys");
    let read = |f: String| std::fs::read(dir.join(&f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    let key = SigningKey::from_pkcs8_pem(&read(format!("{name}.key"))).expect("test key");
    let cert = Certificate::from_pem(&read(format!("{name}.crt"))).expect("test certificate");
    (key, cert)
}

fn write(dir: &Path, name: &str, mode: u8, body: &[u8]) {
    std::fs::create_dir_all(dir).expect("create the output folder");
    let mut bytes = vec![mode];
    bytes.extend_from_slice(body);
    std::fs::write(dir.join(name), bytes).expect("write a seed");
}

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).expect("usage: make_seeds OUT_DIR"));
    let now: DateTime<Utc> = ISSUED_AT.parse().expect("issue time");
    let (key, cert) = key_pair("rsa2048");
    let flavors: [(&str, Flavor); 4] = [
        ("adfs", ResponseBuilder::adfs),
        ("azure", ResponseBuilder::azure),
        ("okta", ResponseBuilder::okta),
        ("shibboleth", ResponseBuilder::shibboleth),
    ];
    let mut responses: Vec<(String, ResponseBuilder)> = Vec::new();
    for (flavor, make) in flavors {
        let base = make(IDP, SP, ACS, now).sign_with(key.clone(), cert.clone());
        responses.push((flavor.to_string(), base.clone()));
        responses.push((format!("{flavor}-solicited"), base.clone().in_response_to(Some(REQUEST_ID))));
        responses.push((
            format!("{flavor}-response-only"),
            base.clone().sign_response(true).sign_assertion(false),
        ));
        responses.push((format!("{flavor}-both"), base.clone().sign_response(true).sign_assertion(true)));
    }
    let okta = ResponseBuilder::okta(IDP, SP, ACS, now).sign_with(key.clone(), cert.clone());
    responses.extend([
        ("okta-rsa-sha512".into(), okta.clone().signature_algorithm(SignatureAlgorithm::RsaSha512)),
        ("okta-rsa-pss".into(), okta.clone().signature_algorithm(SignatureAlgorithm::RsaPssSha256)),
        ("okta-digest-sha384".into(), okta.clone().digest_algorithm(DigestAlgorithm::Sha384)),
        ("okta-digest-sha1".into(), okta.clone().digest_algorithm(DigestAlgorithm::Sha1)),
        ("okta-expired".into(), okta.clone().not_on_or_after(Some(now - Duration::minutes(10)))),
        (
            "okta-other-audience".into(),
            okta.clone().audience_restrictions(vec![vec!["https://other.example".into()]]),
        ),
        ("okta-other-request".into(), okta.clone().in_response_to(Some("_another-request"))),
        ("okta-no-assertion".into(), okta.clone().without_assertion()),
        (
            "okta-failed-status".into(),
            okta.clone().status(
                "urn:oasis:names:tc:SAML:2.0:status:Responder",
                Some("urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"),
                Some("denied"),
            ),
        ),
        ("okta-unsigned".into(), okta.clone().sign_response(false).sign_assertion(false)),
    ]);
    let (clone_key, clone_cert) = key_pair("rsa2048-clone");
    responses.push(("okta-untrusted-key".into(), okta.clone().sign_with(clone_key, clone_cert)));
    let (ec_key, ec_cert) = key_pair("ec256");
    responses.push(("okta-ec256-untrusted".into(), okta.clone().sign_with(ec_key, ec_cert)));

    let validate = out.join("validate");
    let post_body = out.join("post_body");
    for (name, builder) in &responses {
        let xml = builder.build().unwrap_or_else(|e| panic!("{name}: {e}"));
        let b64 = builder.build_base64().expect("base64");
        let form = builder.build_form_body("/home?tab=1").expect("form body");
        let solicited = name.ends_with("-solicited");
        let id_bit = if solicited { 4 } else { 0 };
        // What the target makes of it (raw XML mode).
        let input = [&[id_bit][..], xml.as_bytes()].concat();
        match entry_points::validate(&input).expect("a non-empty input") {
            Ok(login) => println!("{name}: accepted ({})", login.name_id.value),
            Err(e) => println!("{name}: code {} ({})", e.code().code(), e.detail()),
        }
        write(&validate, &format!("{name}.xml"), id_bit, xml.as_bytes());
        write(&validate, &format!("{name}.form"), 1 | id_bit, form.as_bytes());
        write(&validate, &format!("{name}.b64"), 2 | id_bit, b64.as_bytes());
        if !solicited {
            for mode in 0..16u8 {
                write(&post_body, &format!("{name}.mode{mode}"), mode, xml.as_bytes());
            }
        }
    }
    println!("{} responses written to {}", responses.len(), out.display());
}
