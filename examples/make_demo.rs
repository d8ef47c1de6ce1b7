//! Regenerates the demo fixtures in `testdata/demo/` from `testdata/demo/response.xml`, the
//! `testdata/keys/rsa2048` test key and the testkit's Okta-shaped responses:
//!
//! * `idp.crt`: a copy of `testdata/keys/rsa2048.crt`, the certificate the `dsig verify` demo trusts;
//! * `signed-response.xml`: `response.xml` with an enveloped RSA-SHA256 signature over the Response;
//! * `tampered-response.xml`: the signed response with the NameID changed afterwards;
//! * `idp-signing.pem`: another copy of `testdata/keys/rsa2048.crt`, the IdP certificate `sp.toml`
//!   trusts;
//! * `response-accepted.b64`: an Okta-shaped response for `alice@example.com` issued at
//!   2030-01-01T12:00:00Z, Response and Assertion signed with `rsa2048.key`, base64 as the HTTP-POST
//!   binding carries it: `samlguard validate --config testdata/demo/sp.toml --now
//!   2030-01-01T12:00:30Z` accepts it;
//! * `response-rejected.b64`: the same response, but signed by the IdP's new key after a certificate
//!   rollover (`rsa2048-clone.key`: same subject, another key) that `sp.toml` does not trust yet: code 8.
//!
//! RSA PKCS#1 v1.5 signatures are deterministic and the testkit's IDs derive from its inputs, so a
//! rerun writes the same bytes. Needs the `testkit` feature:
//!
//! ```text
//! cargo run --features testkit --example make_demo            # rewrite the fixtures
//! cargo run --features testkit --example make_demo -- --check # exit 1 if a committed fixture differs (CI)
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use samlguard::testkit::ResponseBuilder;
use samlguard::{Certificate, Document, Signer, SigningKey};

/// The `ID` of the `samlp:Response` in `response.xml`.
const RESPONSE_ID: &str = "_8f0d2c6e4b1a4f7e9c3d5a7b9e1f3a5c";
const NAME_ID: &str = ">alice@example.com</saml:NameID>";
const TAMPERED_NAME_ID: &str = ">mallory@example.com</saml:NameID>";

/// The Okta application's issuer, and the SP of `testdata/demo/sp.toml`.
const OKTA_ISSUER: &str = "http://www.okta.com/exk8d2f4h6j8l0n2p4r6";
const SP_ENTITY_ID: &str = "https://sp.example.com/saml/metadata";
const ACS_URL: &str = "https://sp.example.com/saml/acs";
/// When the demo responses were issued: README.md validates them 30 seconds later.
const ISSUED_AT: &str = "2030-01-01T12:00:00Z";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The fixtures, as (path, bytes).
fn fixtures() -> Result<Vec<(PathBuf, Vec<u8>)>, String> {
    let keys = root().join("testdata/keys");
    let demo = root().join("testdata/demo");
    let cert_pem = read(&keys.join("rsa2048.crt"))?;
    let key = SigningKey::from_pkcs8_pem(&read(&keys.join("rsa2048.key"))?).map_err(|e| e.to_string())?;
    let cert = Certificate::from_pem(&cert_pem).map_err(|e| e.to_string())?;
    let response = String::from_utf8(read(&demo.join("response.xml"))?).map_err(|e| e.to_string())?;
    if Document::parse_str(&response).is_err() {
        return Err("testdata/demo/response.xml is not acceptable XML".into());
    }
    let signed = Signer::new(key.clone(), cert.clone())
        .sign_enveloped(&response, RESPONSE_ID)
        .map_err(|e| e.to_string())?;
    if signed.matches(NAME_ID).count() != 1 {
        return Err(format!("response.xml must contain {NAME_ID:?} exactly once"));
    }
    let tampered = signed.replacen(NAME_ID, TAMPERED_NAME_ID, 1);

    let issued_at: DateTime<Utc> = ISSUED_AT.parse().map_err(|e| format!("{ISSUED_AT}: {e}"))?;
    let okta =
        ResponseBuilder::okta(OKTA_ISSUER, SP_ENTITY_ID, ACS_URL, issued_at).name_id("alice@example.com");
    let accepted =
        okta.clone().sign_with(key.clone(), cert.clone()).build_base64().map_err(|e| e.to_string())?;
    // After a rollover the IdP signs with its new key (same subject, another key pair) while the SP
    // still trusts only the old certificate.
    let new_key =
        SigningKey::from_pkcs8_pem(&read(&keys.join("rsa2048-clone.key"))?).map_err(|e| e.to_string())?;
    let new_cert =
        Certificate::from_pem(&read(&keys.join("rsa2048-clone.crt"))?).map_err(|e| e.to_string())?;
    let rejected = okta.sign_with(new_key, new_cert).build_base64().map_err(|e| e.to_string())?;
    Ok(vec![
        (demo.join("idp.crt"), cert_pem.clone()),
        (demo.join("signed-response.xml"), signed.into_bytes()),
        (demo.join("tampered-response.xml"), tampered.into_bytes()),
        (demo.join("idp-signing.pem"), cert_pem),
        (demo.join("response-accepted.b64"), format!("{accepted}\n").into_bytes()),
        (demo.join("response-rejected.b64"), format!("{rejected}\n").into_bytes()),
    ])
}

fn main() -> ExitCode {
    let check = std::env::args().skip(1).any(|a| a == "--check");
    let files = match fixtures() {
        Ok(files) => files,
        Err(e) => {
            eprintln!("make_demo: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stale = 0;
    for (path, bytes) in files {
        let shown = path.strip_prefix(root()).unwrap_or(&path).display().to_string();
        if check {
            if std::fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
                eprintln!("make_demo: {shown} is not what `cargo run --example make_demo` writes");
                stale += 1;
            }
        } else if let Err(e) = std::fs::write(&path, &bytes) {
            eprintln!("make_demo: cannot write {shown}: {e}");
            return ExitCode::FAILURE;
        } else {
            println!("wrote {shown}");
        }
    }
    if stale > 0 {
        eprintln!("make_demo: {stale} demo fixture(s) out of date; run `cargo run --example make_demo`");
        return ExitCode::FAILURE;
    }
    if check {
        println!("demo fixtures are up to date");
    }
    ExitCode::SUCCESS
}
