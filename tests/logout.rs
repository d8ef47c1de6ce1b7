//! Single Logout: the SP's LogoutRequest (code 27 when it cannot be built), the IdP's LogoutRequest
//! (code 30 when refused) and the IdP's LogoutResponse (code 29 when refused), through the library and
//! the CLI; node-saml's logout vectors; and interop of the signatures with independent tools.
//!
//! Interop: LogoutRequests samlguard signs verify with `xmlsec1 --verify --id-attr:ID
//! urn:oasis:names:tc:SAML:2.0:protocol:LogoutRequest` (POST) and `openssl dgst -verify` (Redirect);
//! Redirect LogoutRequests signed by `openssl dgst -sign` over a query string percent-encoded in
//! lowercase (as ADFS and Entra ID send it) verify with samlguard, and stop verifying once re-encoded.
//! xmlsec1 and openssl are required: when one is missing the test fails, saying what to install.
//!
//! node-saml's vectors (`../shared/interop/node-saml`, see its MANIFEST.md) are judged with the
//! manifest's certificate and times; samlguard enforces the certificate's validity period (2015-08-13 to
//! 2015-09-12), which node-saml ignores, so "any time" is taken inside it.

mod support;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use samlguard::{
    AlgorithmPolicy, BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, Binding, Certificate, Document, ErrorCode,
    IdentityProvider, InMemoryRequestStore, LogoutMessage, LogoutRequestBuilder, LogoutValidator,
    NAMEID_UNSPECIFIED, NameId, RedirectQuery, RequestStore, SamlParameter, ServiceProvider, Signer,
    SigningKey, SsoError, deflate_base64, redirect_query, verify_document,
};

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
const LOGOUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/logout/");
const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const IDP: &str = "https://idp.example.com/metadata";
const SLO: &str = "https://sp.example.com/saml/slo";
const EMAIL: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

/// The IdP's LogoutRequest, before any test changes it.
const LOGOUT_REQUEST: &str = r#"<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_lr1" Version="2.0" IssueInstant="2030-01-01T12:00:00Z" Destination="https://sp.example.com/saml/slo" NotOnOrAfter="2030-01-01T12:05:00Z" Reason="urn:oasis:names:tc:SAML:2.0:logout:admin"><saml:Issuer>https://idp.example.com/metadata</saml:Issuer><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" NameQualifier="https://idp.example.com/metadata">alice@example.com</saml:NameID><samlp:SessionIndex>_s1</samlp:SessionIndex><samlp:SessionIndex>_s2</samlp:SessionIndex></samlp:LogoutRequest>"#;

/// The IdP's LogoutResponse to the SP's request `_req1`.
const LOGOUT_RESPONSE: &str = r#"<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_resp1" Version="2.0" IssueInstant="2030-01-01T12:00:00Z" Destination="https://sp.example.com/saml/slo" InResponseTo="_req1"><saml:Issuer>https://idp.example.com/metadata</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>"#;

fn now() -> DateTime<Utc> {
    "2030-01-01T12:00:30Z".parse().unwrap()
}

fn key(name: &str) -> SigningKey {
    SigningKey::from_pkcs8_pem(&std::fs::read(format!("{KEYS}{name}.key")).unwrap()).unwrap()
}

fn cert(name: &str) -> Certificate {
    Certificate::from_pem(&std::fs::read(format!("{KEYS}{name}.crt")).unwrap()).unwrap()
}

fn sp_builder() -> samlguard::ServiceProviderBuilder {
    ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs")
        .certificate(cert("rsa3072"))
        .signing_key(key("rsa3072"))
        .slo_url(SLO)
}

fn sp() -> ServiceProvider {
    sp_builder().build().unwrap()
}

fn idp_with(cert_name: &str) -> IdentityProvider {
    IdentityProvider::builder(IDP)
        .certificate(cert(cert_name))
        .slo_endpoint(BINDING_HTTP_REDIRECT, "https://idp.example.com/slo")
        .slo_endpoint(BINDING_HTTP_POST, "https://idp.example.com/slo/post")
        .build()
}

fn idp() -> IdentityProvider {
    idp_with("rsa2048")
}

fn validator() -> LogoutValidator {
    LogoutValidator::builder(sp(), idp()).build()
}

/// The IdP signs a message over the query string (HTTP-Redirect).
fn idp_redirect(parameter: SamlParameter, xml: &str, relay_state: Option<&str>) -> String {
    redirect_query(parameter, xml.as_bytes(), relay_state, Some(&key("rsa2048"))).unwrap()
}

/// The IdP signs a message with an enveloped signature (HTTP-POST).
fn idp_post(xml: &str, id: &str, signer_key: &str) -> String {
    Signer::new(key(signer_key), cert(signer_key)).sign_enveloped(xml, id).unwrap()
}

fn form_body(parameter: &str, xml: &str, relay_state: Option<&str>) -> Vec<u8> {
    let value = base64::engine::general_purpose::STANDARD.encode(xml);
    let mut body = format!(
        "{parameter}={}",
        percent_encoding::utf8_percent_encode(&value, percent_encoding::NON_ALPHANUMERIC)
    );
    if let Some(rs) = relay_state {
        body.push_str(&format!(
            "&RelayState={}",
            percent_encoding::utf8_percent_encode(rs, percent_encoding::NON_ALPHANUMERIC)
        ));
    }
    body.into_bytes()
}

fn assert_code(
    outcome: Result<impl std::fmt::Debug, SsoError>,
    code: ErrorCode,
    found: &str,
    case: &str,
) -> SsoError {
    let err = match outcome {
        Ok(v) => panic!("{case}: accepted ({v:?}), expected code {}", code.code()),
        Err(e) => e,
    };
    assert_eq!(err.code(), code, "{case}: {err}");
    assert!(err.detail().found.contains(found), "{case}: {:?} not in {}", found, err.detail());
    assert!(err.detail().fix.is_some(), "{case}: no fix in {}", err.detail());
    println!("{case}: {} {}", err.code().code(), err.detail());
    err
}

// ---------------------------------------------------------------------------------------------
// The SP's LogoutRequest
// ---------------------------------------------------------------------------------------------

fn alice() -> NameId {
    NameId {
        value: "alice@example.com".into(),
        format: EMAIL.into(),
        name_qualifier: Some(IDP.into()),
        sp_name_qualifier: Some("https://sp.example.com/saml/metadata".into()),
    }
}

#[test]
fn logout_request_redirect_carries_the_name_id_and_sessions() {
    let (sp, idp) = (sp(), idp());
    let store = InMemoryRequestStore::new(10);
    let msg = LogoutRequestBuilder::new(&sp, &idp, alice())
        .session_index("_s1")
        .session_index("_s2")
        .relay_state("/bye")
        .reason("urn:oasis:names:tc:SAML:2.0:logout:user")
        .request_store(&store)
        .build(now())
        .unwrap();
    assert_eq!(msg.binding(), Binding::HttpRedirect);
    assert_eq!(msg.destination(), "https://idp.example.com/slo");
    let url = msg.redirect_url().unwrap();
    let q = RedirectQuery::parse(url).unwrap();
    assert_eq!(q.relay_state().as_deref(), Some("/bye"));
    q.verify(&[cert("rsa3072")], &AlgorithmPolicy::default()).unwrap();
    let xml = String::from_utf8(q.message(1 << 20).unwrap()).unwrap();
    assert_eq!(xml, msg.xml());
    let doc = Document::parse_str(&xml).unwrap();
    let root = doc.root_element();
    assert!(root.is(SAMLP, "LogoutRequest"));
    assert_eq!(root.attribute("ID"), Some(msg.id()));
    assert_eq!(root.attribute("Destination"), Some("https://idp.example.com/slo"));
    assert_eq!(root.attribute("Reason"), Some("urn:oasis:names:tc:SAML:2.0:logout:user"));
    let children: Vec<&str> = root.child_elements().map(|e| e.local_name()).collect();
    assert_eq!(children, ["Issuer", "NameID", "SessionIndex", "SessionIndex"]);
    let name_id = root.child_elements().nth(1).unwrap();
    assert_eq!(name_id.text(), "alice@example.com");
    assert_eq!(name_id.attribute("Format"), Some(EMAIL));
    assert_eq!(name_id.attribute("NameQualifier"), Some(IDP));
    assert_eq!(name_id.attribute("SPNameQualifier"), Some("https://sp.example.com/saml/metadata"));
    assert!(store.take(msg.id(), now()).unwrap());

    // An unspecified format is written as no Format at all.
    let plain = NameId {
        value: "bob".into(),
        format: NAMEID_UNSPECIFIED.into(),
        name_qualifier: None,
        sp_name_qualifier: None,
    };
    let msg = LogoutRequestBuilder::new(&sp, &idp, plain).build(now()).unwrap();
    assert!(msg.xml().contains("<saml:NameID>bob</saml:NameID>"), "{}", msg.xml());
}

#[test]
fn logout_request_post_is_enveloped_signed() {
    let sp = sp_builder().certificate(cert("ec384")).signing_key(key("ec384")).build().unwrap();
    let idp = idp();
    let msg = LogoutRequestBuilder::new(&sp, &idp, alice()).binding(Binding::HttpPost).build(now()).unwrap();
    let form = msg.html_form().unwrap();
    assert!(form.contains(r#"action="https://idp.example.com/slo/post""#));
    let doc = Document::parse_str(msg.xml()).unwrap();
    let v = verify_document(&doc, &[cert("ec384")], &AlgorithmPolicy::default()).unwrap();
    assert_eq!(v.signed_element(), doc.root_element());
    let children: Vec<&str> = doc.root_element().child_elements().map(|e| e.local_name()).collect();
    assert_eq!(children, ["Issuer", "Signature", "NameID"]);
}

#[test]
fn every_failure_to_build_a_logout_request_is_27() {
    let sp = sp();
    let unsigned_sp =
        ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs")
            .build()
            .unwrap();
    let idp = idp();
    let redirect_only = IdentityProvider::builder(IDP)
        .slo_endpoint(BINDING_HTTP_REDIRECT, "https://idp.example.com/slo")
        .build();
    let no_slo = IdentityProvider::builder(IDP)
        .sso_endpoint(BINDING_HTTP_REDIRECT, "https://idp.example.com/sso")
        .build();
    let empty = NameId {
        value: "  ".into(),
        format: NAMEID_UNSPECIFIED.into(),
        name_qualifier: None,
        sp_name_qualifier: None,
    };
    let full = InMemoryRequestStore::new(1);
    full.insert("_taken", now() + chrono::Duration::hours(1), now()).unwrap();
    let cases = vec![
        ("no SP key", LogoutRequestBuilder::new(&unsigned_sp, &idp, alice()).build(now()), "no signing key"),
        (
            "no SLO endpoint for the binding",
            LogoutRequestBuilder::new(&sp, &redirect_only, alice()).binding(Binding::HttpPost).build(now()),
            "has no single logout endpoint for HTTP-POST; it offers HTTP-Redirect at https://idp.example.com/slo",
        ),
        (
            "no SLO endpoint at all",
            LogoutRequestBuilder::new(&sp, &no_slo, alice()).build(now()),
            "lists no single logout endpoint",
        ),
        (
            "empty NameID",
            LogoutRequestBuilder::new(&sp, &idp, empty).build(now()),
            "the NameID to log out is empty",
        ),
        (
            "RelayState over 80 bytes",
            LogoutRequestBuilder::new(&sp, &idp, alice()).relay_state("x".repeat(100)).build(now()),
            "the RelayState is 100 bytes long",
        ),
        (
            "full request store",
            LogoutRequestBuilder::new(&sp, &idp, alice()).request_store(&full).build(now()),
            "cannot be recorded as outstanding",
        ),
    ];
    for (case, outcome, found) in cases {
        let err = assert_code(outcome, ErrorCode::LogoutRequestGenerationFailed, found, case);
        assert_eq!(err.code().code(), 27);
    }
}

// ---------------------------------------------------------------------------------------------
// The IdP's LogoutRequest: accepted
// ---------------------------------------------------------------------------------------------

#[test]
fn signed_redirect_logout_request_is_accepted() {
    let query = idp_redirect(SamlParameter::Request, LOGOUT_REQUEST, Some("state-1"));
    // The raw query, with a leading `?`, or as the whole URL: all the same.
    for input in [query.clone(), format!("?{query}"), format!("{SLO}?{query}")] {
        let r = validator().validate_request(&LogoutMessage::redirect(&input, now())).unwrap();
        assert_eq!(r.id, "_lr1");
        assert_eq!(r.issuer, IDP);
        assert_eq!(r.name_id.value, "alice@example.com");
        assert_eq!(r.name_id.format, EMAIL);
        assert_eq!(r.name_id.name_qualifier.as_deref(), Some(IDP));
        assert_eq!(r.session_indexes, ["_s1", "_s2"]);
        assert_eq!(r.reason.as_deref(), Some("urn:oasis:names:tc:SAML:2.0:logout:admin"));
        assert_eq!(r.relay_state.as_deref(), Some("state-1"));
        assert_eq!(r.binding, Binding::HttpRedirect);
        assert_eq!(r.certificate, cert("rsa2048"));
    }
    // Detected from the raw bytes, too.
    let r = validator().validate_request(&LogoutMessage::detect(query.as_bytes(), now())).unwrap();
    assert_eq!(r.binding, Binding::HttpRedirect);
}

#[test]
fn signed_post_logout_request_is_accepted_as_form_xml_and_base64() {
    let signed = idp_post(LOGOUT_REQUEST, "_lr1", "rsa2048");
    let body = form_body("SAMLRequest", &signed, Some("rs"));
    let b64 = base64::engine::general_purpose::STANDARD.encode(&signed);
    let inputs = [
        ("form", LogoutMessage::form(&body, now())),
        ("xml", LogoutMessage::xml(signed.as_bytes(), now())),
        ("detect form", LogoutMessage::detect(&body, now())),
        ("detect xml", LogoutMessage::detect(signed.as_bytes(), now())),
        ("detect base64", LogoutMessage::detect(b64.as_bytes(), now())),
    ];
    for (case, m) in inputs {
        let r = validator().validate_request(&m).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(r.name_id.value, "alice@example.com", "{case}");
        assert_eq!(r.binding, Binding::HttpPost, "{case}");
    }
    let r = validator().validate_request(&LogoutMessage::form(&body, now())).unwrap();
    assert_eq!(r.relay_state.as_deref(), Some("rs"));
}

#[test]
fn ecdsa_query_signatures_are_accepted_in_der_and_in_fixed_form() {
    let v = LogoutValidator::builder(sp(), idp_with("ec384")).build();
    // DER, as samlguard (and OpenSAML) writes it.
    let der =
        redirect_query(SamlParameter::Request, LOGOUT_REQUEST.as_bytes(), None, Some(&key("ec384"))).unwrap();
    v.validate_request(&LogoutMessage::redirect(&der, now())).unwrap();
    // r||s, as an XML-DSig-minded signer writes it.
    let unsigned = redirect_query(SamlParameter::Request, LOGOUT_REQUEST.as_bytes(), None, None).unwrap();
    let signed =
        format!("{unsigned}&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23ecdsa-sha384");
    let k = key("ec384");
    let fixed = k.sign(k.scheme_default(), signed.as_bytes()).unwrap();
    assert_eq!(fixed.len(), 96);
    let b64 = base64::engine::general_purpose::STANDARD.encode(fixed);
    let query = format!(
        "{signed}&Signature={}",
        percent_encoding::utf8_percent_encode(&b64, percent_encoding::NON_ALPHANUMERIC)
    );
    v.validate_request(&LogoutMessage::redirect(&query, now())).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Interop: ADFS-style lowercase percent-encoding, signed by openssl
// ---------------------------------------------------------------------------------------------

fn tool(name: &str, args: &[&str], install: &str) -> std::process::Output {
    match Command::new(name).args(args).output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("{name} is not installed, and this interop test needs it: apt-get install {install}")
        }
        Err(e) => panic!("cannot run {name}: {e}"),
    }
}

/// Percent-encodes everything but the unreserved characters, with lowercase hex (as ADFS does).
fn lower_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02x}")
            }
        })
        .collect()
}

/// Signs bytes with `openssl dgst DIGEST -sign KEY` (an independent signer).
fn openssl_sign(dir: &Path, key_name: &str, digest: &str, data: &[u8]) -> Vec<u8> {
    let file = dir.join("to-sign.bin");
    std::fs::write(&file, data).unwrap();
    let out = tool(
        "openssl",
        &["dgst", digest, "-sign", &format!("{KEYS}{key_name}.key"), file.to_str().unwrap()],
        "openssl",
    );
    assert!(out.status.success(), "openssl dgst -sign: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn adfs_query(dir: &Path, xml: &str, sig_alg: &str, digest: &str) -> String {
    let signed = format!(
        "SAMLRequest={}&RelayState={}&SigAlg={}",
        lower_encode(&deflate_base64(xml.as_bytes())),
        lower_encode("https://app.example.com/after?x=1"),
        lower_encode(sig_alg)
    );
    let signature = openssl_sign(dir, "rsa2048", digest, signed.as_bytes());
    let b64 = base64::engine::general_purpose::STANDARD.encode(signature);
    format!("{signed}&Signature={}", lower_encode(&b64))
}

#[test]
fn interop_lowercase_percent_encoded_query_signed_by_openssl_verifies_raw() {
    let dir = tempfile::tempdir().unwrap();
    let query = adfs_query(
        dir.path(),
        LOGOUT_REQUEST,
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "-sha256",
    );
    assert!(query.contains("%2f") && !query.contains("%2F"), "{query}");
    let r = validator().validate_request(&LogoutMessage::redirect(&query, now())).unwrap();
    assert_eq!(r.name_id.value, "alice@example.com");
    assert_eq!(r.relay_state.as_deref(), Some("https://app.example.com/after?x=1"));

    // Re-encoded in uppercase, the same values no longer carry a valid signature: samlguard verifies the
    // octets as received, never a re-encoding.
    let upper: String = {
        let mut out = String::new();
        let mut chars = query.chars().peekable();
        while let Some(c) = chars.next() {
            out.push(c);
            if c == '%' {
                for _ in 0..2 {
                    out.push(chars.next().unwrap().to_ascii_uppercase());
                }
            }
        }
        out
    };
    let err = validator().validate_request(&LogoutMessage::redirect(&upper, now()));
    assert_code(err, ErrorCode::InvalidRequest, "query-string signature fails", "re-encoded query");

    // RSA-SHA1 (older ADFS relying parties): refused by default, accepted under the legacy door.
    let sha1 = adfs_query(dir.path(), LOGOUT_REQUEST, "http://www.w3.org/2000/09/xmldsig#rsa-sha1", "-sha1");
    let err = validator().validate_request(&LogoutMessage::redirect(&sha1, now()));
    let err = assert_code(err, ErrorCode::InvalidRequest, "SHA-1", "rsa-sha1 by default");
    assert!(err.detail().fix.as_deref().unwrap().contains("allow_sha1"));
    let legacy = LogoutValidator::builder(
        sp_builder().algorithms(AlgorithmPolicy::default().legacy_allow_sha1()).build().unwrap(),
        idp(),
    )
    .build();
    legacy.validate_request(&LogoutMessage::redirect(&sha1, now())).unwrap();
}

#[test]
fn interop_logout_requests_we_sign_verify_with_xmlsec1_and_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let idp = idp();
    let mut report = Vec::new();
    for (name, digest) in
        [("rsa2048", "-sha256"), ("rsa3072", "-sha256"), ("ec256", "-sha256"), ("ec384", "-sha384")]
    {
        let sp = sp_builder().certificate(cert(name)).signing_key(key(name)).build().unwrap();
        // POST: xmlsec1.
        let msg = LogoutRequestBuilder::new(&sp, &idp, alice())
            .session_index("_s1")
            .binding(Binding::HttpPost)
            .build(now())
            .unwrap();
        let file = dir.path().join(format!("logout-{name}.xml"));
        std::fs::write(&file, msg.xml()).unwrap();
        let out = tool(
            "xmlsec1",
            &[
                "--verify",
                "--id-attr:ID",
                &format!("{SAMLP}:LogoutRequest"),
                "--pubkey-cert-pem",
                &format!("{KEYS}{name}.crt"),
                file.to_str().unwrap(),
            ],
            "xmlsec1",
        );
        assert!(
            out.status.success(),
            "xmlsec1 does not verify the {name} LogoutRequest: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Redirect: openssl over the exact signed bytes.
        let msg = LogoutRequestBuilder::new(&sp, &idp, alice()).relay_state("/r").build(now()).unwrap();
        let query = msg.redirect_url().unwrap().split_once('?').unwrap().1;
        let (signed, sig) = query.split_once("&Signature=").unwrap();
        let sig = percent_encoding::percent_decode_str(sig).decode_utf8().unwrap();
        let sig = base64::engine::general_purpose::STANDARD.decode(sig.as_bytes()).unwrap();
        let pubkey = dir.path().join(format!("{name}.pub"));
        let out =
            tool("openssl", &["x509", "-in", &format!("{KEYS}{name}.crt"), "-pubkey", "-noout"], "openssl");
        std::fs::write(&pubkey, out.stdout).unwrap();
        std::fs::write(dir.path().join("data"), signed).unwrap();
        std::fs::write(dir.path().join("sig"), &sig).unwrap();
        let out = tool(
            "openssl",
            &[
                "dgst",
                digest,
                "-verify",
                pubkey.to_str().unwrap(),
                "-signature",
                dir.path().join("sig").to_str().unwrap(),
                dir.path().join("data").to_str().unwrap(),
            ],
            "openssl",
        );
        assert!(
            out.status.success(),
            "openssl does not verify the {name} LogoutRequest query signature over {signed}"
        );
        report.push(format!("{name}: POST (xmlsec1) and Redirect (openssl dgst {digest})"));
    }
    println!("LogoutRequest signatures verified:\n  {}", report.join("\n  "));
}

// ---------------------------------------------------------------------------------------------
// The IdP's LogoutRequest: code 30
// ---------------------------------------------------------------------------------------------

#[test]
fn every_refused_logout_request_is_30() {
    let v = validator();
    let redirect =
        |xml: &str| LogoutMessage::redirect(&idp_redirect(SamlParameter::Request, xml, None), now());
    let post = |xml: &str| LogoutMessage::xml(idp_post(xml, "_lr1", "rsa2048").as_bytes(), now());
    let unsigned_redirect =
        redirect_query(SamlParameter::Request, LOGOUT_REQUEST.as_bytes(), None, None).unwrap();
    let tampered_redirect = idp_redirect(SamlParameter::Request, LOGOUT_REQUEST, Some("a"))
        .replace("RelayState=a", "RelayState=b");
    let tampered_post = idp_post(LOGOUT_REQUEST, "_lr1", "rsa2048").replace("alice@", "mallory@");
    let clone_post = idp_post(LOGOUT_REQUEST, "_lr1", "rsa2048-clone");
    let clone_redirect =
        redirect_query(SamlParameter::Request, LOGOUT_REQUEST.as_bytes(), None, Some(&key("rsa2048-clone")))
            .unwrap();
    let signed = idp_redirect(SamlParameter::Request, LOGOUT_REQUEST, None);
    let no_sig_alg = signed.split("&SigAlg=").next().unwrap().to_owned()
        + "&Signature="
        + signed.split("&Signature=").nth(1).unwrap();
    let hmac = signed.replace("xmldsig-more%23rsa-sha256", "xmldsig-more%23hmac-sha256");
    let bomb = format!(
        "SAMLRequest={}",
        percent_encoding::utf8_percent_encode(
            &deflate_base64(&vec![b' '; 3 << 20]),
            percent_encoding::NON_ALPHANUMERIC
        )
    );
    let duplicate = format!("{signed}&SAMLRequest=abc");
    let response_as_request = idp_redirect(SamlParameter::Response, LOGOUT_RESPONSE, None);
    // Signature wrapping: the signed request hidden inside an attacker's request.
    let wrapped = format!(
        r#"<samlp:LogoutRequest xmlns:samlp="{SAMLP}" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_evil" Version="2.0" IssueInstant="2030-01-01T12:00:00Z"><saml:Issuer>{IDP}</saml:Issuer><saml:NameID>bob@example.com</saml:NameID><samlp:Extensions>{}</samlp:Extensions></samlp:LogoutRequest>"#,
        idp_post(LOGOUT_REQUEST, "_lr1", "rsa2048")
    );
    let no_slo_url = LogoutValidator::builder(
        ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs")
            .build()
            .unwrap(),
        idp(),
    )
    .build();
    let expired_cert = LogoutValidator::builder(sp(), idp_with("rsa2048-expired")).build();
    let encrypted_id = LOGOUT_REQUEST.replace(
        r#"<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" NameQualifier="https://idp.example.com/metadata">alice@example.com</saml:NameID>"#,
        r#"<saml:EncryptedID><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/></saml:EncryptedID>"#,
    );

    let cases: Vec<(&str, Result<samlguard::VerifiedLogoutRequest, SsoError>, &str)> = vec![
        ("unsigned redirect", v.validate_request(&LogoutMessage::redirect(&unsigned_redirect, now())), "is unsigned"),
        ("unsigned POST", v.validate_request(&LogoutMessage::xml(LOGOUT_REQUEST.as_bytes(), now())), "is unsigned"),
        ("redirect changed after signing", v.validate_request(&LogoutMessage::redirect(&tampered_redirect, now())), "query-string signature fails"),
        ("POST changed after signing", v.validate_request(&LogoutMessage::xml(tampered_post.as_bytes(), now())), "digest"),
        ("POST signed by an untrusted key", v.validate_request(&LogoutMessage::xml(clone_post.as_bytes(), now())), "signature of the LogoutRequest"),
        ("redirect signed by an untrusted key", v.validate_request(&LogoutMessage::redirect(&clone_redirect, now())), "does not verify with any of the 1 trusted"),
        ("Signature without SigAlg", v.validate_request(&LogoutMessage::redirect(&no_sig_alg, now())), "Signature without SigAlg"),
        ("HMAC SigAlg", v.validate_request(&LogoutMessage::redirect(&hmac, now())), "is not a signature algorithm samlguard accepts"),
        ("wrong Issuer", v.validate_request(&redirect(&LOGOUT_REQUEST.replace("<saml:Issuer>https://idp.example.com/metadata", "<saml:Issuer>https://other-idp.example.com"))), "Issuer is \"https://other-idp.example.com\""),
        ("no Issuer", v.validate_request(&redirect(&LOGOUT_REQUEST.replace("<saml:Issuer>https://idp.example.com/metadata</saml:Issuer>", ""))), "has no Issuer"),
        ("wrong Destination", v.validate_request(&redirect(&LOGOUT_REQUEST.replace("saml/slo\"", "saml/slo/\""))), "differ only by a trailing slash"),
        ("no slo_url to compare with", no_slo_url.validate_request(&redirect(LOGOUT_REQUEST)), "no Single Logout URL"),
        ("expired NotOnOrAfter", v.validate_request(&redirect(&LOGOUT_REQUEST.replace("NotOnOrAfter=\"2030-01-01T12:05:00Z\"", "NotOnOrAfter=\"2030-01-01T11:55:00Z\""))), "expired"),
        ("IssueInstant in the future", v.validate_request(&redirect(&LOGOUT_REQUEST.replace("IssueInstant=\"2030-01-01T12:00:00Z\"", "IssueInstant=\"2030-01-01T13:00:00Z\""))), "in the future"),
        ("no NameID", v.validate_request(&post(&LOGOUT_REQUEST.replace(r#"<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" NameQualifier="https://idp.example.com/metadata">alice@example.com</saml:NameID>"#, ""))), "names no user"),
        ("empty NameID", v.validate_request(&post(&LOGOUT_REQUEST.replace(">alice@example.com<", ">  <"))), "NameID is empty"),
        ("two NameIDs", v.validate_request(&post(&LOGOUT_REQUEST.replace("<samlp:SessionIndex>_s1", "<saml:NameID>bob</saml:NameID><samlp:SessionIndex>_s1"))), "2 identifiers"),
        ("EncryptedID without a decryption key", v.validate_request(&post(&encrypted_id)), "encrypted"),
        ("Version 1.1", v.validate_request(&post(&LOGOUT_REQUEST.replace("Version=\"2.0\"", "Version=\"1.1\""))), "Version is \"1.1\""),
        ("no ID", v.validate_request(&LogoutMessage::xml(LOGOUT_REQUEST.replace(" ID=\"_lr1\"", "").as_bytes(), now())), "has no ID"),
        ("a deflate bomb", v.validate_request(&LogoutMessage::redirect(&bomb, now())), "larger than the 1048576-byte limit"),
        ("duplicate SAMLRequest", v.validate_request(&LogoutMessage::redirect(&duplicate, now())), "more than once"),
        ("a LogoutResponse", v.validate_request(&LogoutMessage::redirect(&response_as_request, now())), "carried in SAMLResponse, not SAMLRequest"),
        ("an AuthnRequest", v.validate_request(&LogoutMessage::xml(b"<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>", now())), "root element is <samlp:AuthnRequest>"),
        ("not XML", v.validate_request(&LogoutMessage::xml(b"<a><b></a>", now())), "not acceptable XML"),
        ("bad base64", v.validate_request(&LogoutMessage::redirect("SAMLRequest=%%%%", now())), "cannot be decoded"),
        ("signature wrapping", v.validate_request(&LogoutMessage::xml(wrapped.as_bytes(), now())), "unexpected place"),
        ("expired IdP certificate", expired_cert.validate_request(&redirect(LOGOUT_REQUEST)), "has expired"),
    ];
    let n = cases.len();
    for (case, outcome, found) in cases {
        assert_code(outcome, ErrorCode::InvalidRequest, found, case);
    }
    println!("{n} LogoutRequest refusals, each code 30");

    // No IdP certificate at all is a configuration problem (code 4), as for responses.
    let no_cert = LogoutValidator::builder(sp(), IdentityProvider::builder(IDP).build()).build();
    let err = no_cert.validate_request(&redirect(LOGOUT_REQUEST)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NoCertificate);
}

#[test]
fn node_saml_encrypted_name_id_is_decrypted_with_the_sp_key() {
    let t: DateTime<Utc> = "2015-09-01T00:00:00Z".parse().unwrap();
    let vector = node_saml("logout_request_with_encrypted_name_id.xml");
    #[cfg(feature = "encryption")]
    {
        let with_key = |pem: &str| {
            let key = samlguard::DecryptionKey::from_pem(&node_saml(pem)).unwrap();
            let sp = node_saml_sp(true, true).decryption_key(key).build().unwrap();
            LogoutValidator::builder(sp, node_saml_idp()).build()
        };
        let r = with_key("key.pem").validate_request(&LogoutMessage::xml(&vector, t)).unwrap();
        assert_eq!(r.name_id.value, "ONELOGIN_f92cc1834efc0f73e9c09f482fce80037a6251e7");
        assert_eq!(r.session_indexes, ["1"]);
        // The wrong key (the manifest's acme_tools_com.key): 30, saying no more than that.
        let wrong = with_key("acme_tools_com.key").validate_request(&LogoutMessage::xml(&vector, t));
        assert_code(
            wrong,
            ErrorCode::InvalidRequest,
            "the EncryptedID could not be decrypted with the SP key",
            "wrong key",
        );
    }
    // Without a decryption key: 30.
    let none = node_saml_validator(true, true).validate_request(&LogoutMessage::xml(&vector, t));
    assert_code(none, ErrorCode::InvalidRequest, "the NameID is encrypted", "no decryption key");
}

// ---------------------------------------------------------------------------------------------
// node-saml's logout vectors
// ---------------------------------------------------------------------------------------------

fn node_saml(file: &str) -> Vec<u8> {
    let path = support::interop_dir().join("node-saml/test/static").join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The SP of node-saml's tests (issuer `onesaml_login`), with the vectors' Destination as its SLO URL.
fn node_saml_sp(sha1: bool, enforce_validity: bool) -> samlguard::ServiceProviderBuilder {
    let sp = ServiceProvider::builder("onesaml_login", "http://localhost/saml/consume")
        .slo_url("http://idp.example.com/SingleLogoutService.php")
        .enforce_certificate_validity(enforce_validity);
    if sha1 { sp.algorithms(AlgorithmPolicy::default().legacy_allow_sha1()) } else { sp }
}

/// The IdP of the vectors: their Issuer, trusted with `cert.pem`.
fn node_saml_idp() -> IdentityProvider {
    let cert = Certificate::from_pem(&node_saml("cert.pem")).unwrap();
    IdentityProvider::builder("http://sp.example.com/demo1/metadata.php").certificate(cert).build()
}

fn node_saml_validator(sha1: bool, enforce_validity: bool) -> LogoutValidator {
    LogoutValidator::builder(node_saml_sp(sha1, enforce_validity).build().unwrap(), node_saml_idp()).build()
}

#[test]
fn node_saml_logout_vectors() {
    // Inside the certificate's validity period (2015-08-13 .. 2015-09-12).
    let t: DateTime<Utc> = "2015-09-01T00:00:00Z".parse().unwrap();
    let v = node_saml_validator(true, true);

    let good = v
        .validate_request(&LogoutMessage::xml(&node_saml("logout_request_with_good_signature.xml"), t))
        .unwrap();
    assert_eq!(good.id, "pfxd4d369e8-9ea1-780c-aff8-a1d11a9862a1");
    assert_eq!(good.name_id.value, "ONELOGIN_f92cc1834efc0f73e9c09f482fce80037a6251e7");
    assert_eq!(good.name_id.format, "urn:oasis:names:tc:SAML:2.0:nameid-format:transient");
    assert_eq!(good.name_id.sp_name_qualifier.as_deref(), Some("http://sp.example.com/demo1/metadata.php"));
    assert!(good.session_indexes.is_empty());

    let with_index = v
        .validate_request(&LogoutMessage::xml(&node_saml("logout_request_with_session_index.xml"), t))
        .unwrap();
    assert_eq!(with_index.session_indexes, ["1"]);
    assert_eq!(with_index.name_id.value, "ONELOGIN_f92cc1834efc0f73e9c09f482fce80037a6251e7");

    // Through the POST binding's form field, too.
    let body = form_body(
        "SAMLRequest",
        std::str::from_utf8(&node_saml("logout_request_with_good_signature.xml")).unwrap(),
        None,
    );
    v.validate_request(&LogoutMessage::form(&body, t)).unwrap();

    let bad = v.validate_request(&LogoutMessage::xml(&node_saml("logout_request_with_bad_signature.xml"), t));
    assert_code(bad, ErrorCode::InvalidRequest, "signature of the LogoutRequest", "bad_signature");

    // bad_expiration: NotOnOrAfter 2022-08-17T22:17:51Z, judged after it ("real clock"). With the
    // certificate's validity enforced, its expiry is found first; without, the message's.
    let after: DateTime<Utc> = "2023-01-01T00:00:00Z".parse().unwrap();
    let expired = node_saml("logout_request_with_bad_expiration.xml");
    let e = v.validate_request(&LogoutMessage::xml(&expired, after));
    assert_code(e, ErrorCode::InvalidRequest, "has expired", "bad_expiration, validity enforced");
    let lenient = node_saml_validator(true, false);
    let e = lenient.validate_request(&LogoutMessage::xml(&expired, after));
    assert_code(
        e,
        ErrorCode::InvalidRequest,
        "the LogoutRequest expired: NotOnOrAfter 2022-08-17T22:17:51",
        "bad_expiration",
    );

    // SHA-1 (all of these vectors): refused under the default policy.
    let strict = node_saml_validator(false, true);
    let e =
        strict.validate_request(&LogoutMessage::xml(&node_saml("logout_request_with_good_signature.xml"), t));
    assert_code(e, ErrorCode::InvalidRequest, "SHA-1", "good_signature under the default policy");
    // The EncryptedID vector: node_saml_encrypted_name_id_is_decrypted_with_the_sp_key.
}

// ---------------------------------------------------------------------------------------------
// The IdP's LogoutResponse
// ---------------------------------------------------------------------------------------------

#[test]
fn signed_logout_responses_are_accepted() {
    let v = validator();
    let query = idp_redirect(SamlParameter::Response, LOGOUT_RESPONSE, Some("back"));
    let r = v.validate_response(&LogoutMessage::redirect(&query, now()).request_id("_req1")).unwrap();
    assert_eq!(r.in_response_to, "_req1");
    assert_eq!(r.issuer, IDP);
    assert!(!r.partial);
    assert_eq!(r.relay_state.as_deref(), Some("back"));
    assert_eq!(r.binding, Binding::HttpRedirect);

    let partial = LOGOUT_RESPONSE.replace(
        r#"<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>"#,
        r#"<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:PartialLogout"/></samlp:StatusCode>"#,
    );
    let body = form_body("SAMLResponse", &idp_post(&partial, "_resp1", "rsa2048"), None);
    let r = v
        .validate_response(&LogoutMessage::form(&body, now()).request_id("_other").request_id("_req1"))
        .unwrap();
    assert!(r.partial);
    assert_eq!(r.binding, Binding::HttpPost);
}

#[test]
fn the_full_sp_initiated_round_trip_consumes_the_request() {
    let (sp, idp) = (sp(), idp());
    let store = Arc::new(InMemoryRequestStore::new(100));
    let sent =
        LogoutRequestBuilder::new(&sp, &idp, alice()).request_store(store.as_ref()).build(now()).unwrap();
    let answer =
        LOGOUT_RESPONSE.replace("InResponseTo=\"_req1\"", &format!("InResponseTo=\"{}\"", sent.id()));
    let query = idp_redirect(SamlParameter::Response, &answer, None);
    let v = LogoutValidator::builder(sp, idp).request_store(store).build();
    let r = v.validate_response(&LogoutMessage::redirect(&query, now())).unwrap();
    assert_eq!(r.in_response_to, sent.id());
    // Answered once: the same response again is refused.
    let again = v.validate_response(&LogoutMessage::redirect(&query, now()));
    assert_code(again, ErrorCode::InvalidResponse, "InResponseTo is", "replayed LogoutResponse");
}

#[test]
fn every_refused_logout_response_is_29() {
    let v = validator();
    let redirect = |xml: &str| {
        LogoutMessage::redirect(&idp_redirect(SamlParameter::Response, xml, None), now()).request_id("_req1")
    };
    let unsigned = redirect_query(SamlParameter::Response, LOGOUT_RESPONSE.as_bytes(), None, None).unwrap();
    let tampered = idp_post(LOGOUT_RESPONSE, "_resp1", "rsa2048").replace("_req1\"", "_req2\"");
    let failed = LOGOUT_RESPONSE.replace(
        r#"<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>"#,
        r#"<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:RequestDenied"/></samlp:StatusCode><samlp:StatusMessage>session not found</samlp:StatusMessage>"#,
    );
    let request_as_response = idp_redirect(SamlParameter::Request, LOGOUT_REQUEST, None);
    let cases: Vec<(&str, Result<samlguard::VerifiedLogoutResponse, SsoError>, &str)> = vec![
        ("unknown InResponseTo", v.validate_response(&LogoutMessage::redirect(&idp_redirect(SamlParameter::Response, LOGOUT_RESPONSE, None), now()).request_id("_other")), "InResponseTo is \"_req1\""),
        ("no request outstanding", v.validate_response(&LogoutMessage::redirect(&idp_redirect(SamlParameter::Response, LOGOUT_RESPONSE, None), now())), "InResponseTo is \"_req1\""),
        ("no InResponseTo", v.validate_response(&redirect(&LOGOUT_RESPONSE.replace(" InResponseTo=\"_req1\"", ""))), "has no InResponseTo"),
        ("status Responder", v.validate_response(&redirect(&failed)), "status urn:oasis:names:tc:SAML:2.0:status:Responder, sub-code urn:oasis:names:tc:SAML:2.0:status:RequestDenied, message \"session not found\""),
        ("no Status", v.validate_response(&redirect(&LOGOUT_RESPONSE.replace(r#"<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>"#, ""))), "has no Status"),
        ("Status without StatusCode", v.validate_response(&redirect(&LOGOUT_RESPONSE.replace(r#"<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>"#, ""))), "has no StatusCode"),
        ("unsigned", v.validate_response(&LogoutMessage::redirect(&unsigned, now()).request_id("_req1")), "is unsigned"),
        ("changed after signing", v.validate_response(&LogoutMessage::xml(tampered.as_bytes(), now()).request_id("_req2")), "digest"),
        ("wrong Issuer", v.validate_response(&redirect(&LOGOUT_RESPONSE.replace("<saml:Issuer>https://idp.example.com/metadata", "<saml:Issuer>https://evil.example.com"))), "Issuer is"),
        ("wrong Destination", v.validate_response(&redirect(&LOGOUT_RESPONSE.replace("https://sp.example.com/saml/slo", "https://other-sp.example.com/saml/slo"))), "Destination is"),
        ("a LogoutRequest", v.validate_response(&LogoutMessage::redirect(&request_as_response, now()).request_id("_req1")), "carried in SAMLRequest, not SAMLResponse"),
        ("LogoutRequest XML", v.validate_response(&LogoutMessage::xml(idp_post(LOGOUT_REQUEST, "_lr1", "rsa2048").as_bytes(), now()).request_id("_req1")), "root element is <samlp:LogoutRequest>"),
    ];
    let n = cases.len();
    for (case, outcome, found) in cases {
        assert_code(outcome, ErrorCode::InvalidResponse, found, case);
    }
    println!("{n} LogoutResponse refusals, each code 29");
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

fn samlguard(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_samlguard")).args(args).output().unwrap()
}

#[test]
fn cli_logout_request_prints_the_url_and_the_id() {
    let config = format!("{LOGOUT}sp.toml");
    let out = samlguard(&[
        "logout",
        "request",
        "--config",
        &config,
        "--name-id",
        "alice@example.com",
        "--name-id-format",
        EMAIL,
        "--session-index",
        "_s1",
        "--now",
        "2030-01-01T12:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let url = String::from_utf8(out.stdout).unwrap();
    assert!(url.starts_with("https://idp.example.com/saml/slo?SAMLRequest="), "{url}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let id = stderr.lines().find_map(|l| l.strip_prefix("request ID: ")).unwrap();
    let q = RedirectQuery::parse(url.trim()).unwrap();
    let xml = String::from_utf8(q.message(1 << 20).unwrap()).unwrap();
    assert!(xml.contains(&format!("ID=\"{id}\"")) && xml.contains(">alice@example.com</saml:NameID>"));
    q.verify(&[cert("rsa3072")], &AlgorithmPolicy::default()).unwrap();

    let post =
        samlguard(&["logout", "request", "--config", &config, "--name-id", "alice", "--binding", "post"]);
    assert_eq!(post.status.code(), Some(0));
    assert!(
        String::from_utf8(post.stdout).unwrap().contains("action=\"https://idp.example.com/saml/slo/post\"")
    );
}

#[test]
fn cli_logout_request_reports_27() {
    let config = format!("{LOGOUT}sp-no-key.toml");
    let out = samlguard(&["logout", "request", "--config", &config, "--name-id", "alice"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("code 27, Unable to generate Logout Request") && stderr.contains("no signing key"),
        "{stderr}"
    );
}

#[test]
fn cli_validate_request_accepts_and_refuses_with_30() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!("{LOGOUT}sp.toml");
    let good = dir.path().join("good.txt");
    std::fs::write(&good, idp_redirect(SamlParameter::Request, LOGOUT_REQUEST, Some("rs"))).unwrap();
    let out = samlguard(&[
        "logout",
        "validate-request",
        "--config",
        &config,
        "--now",
        "2030-01-01T12:00:30Z",
        "--json",
        good.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["name_id"], "alice@example.com");
    assert_eq!(json["session_indexes"], serde_json::json!(["_s1", "_s2"]));
    assert_eq!(json["relay_state"], "rs");
    assert_eq!(json["binding"], "HTTP-Redirect");
    // Text output, from standard input.
    let text = Command::new(env!("CARGO_BIN_EXE_samlguard"))
        .args(["logout", "validate-request", "--config", &config, "--now", "2030-01-01T12:00:30Z", "-"])
        .stdin(std::fs::File::open(&good).unwrap())
        .output()
        .unwrap();
    assert_eq!(text.status.code(), Some(0));
    assert!(
        String::from_utf8(text.stdout)
            .unwrap()
            .starts_with("logout request ACCEPTED: log out alice@example.com")
    );

    let bad = dir.path().join("unsigned.xml");
    std::fs::write(&bad, LOGOUT_REQUEST).unwrap();
    let out = samlguard(&[
        "logout",
        "validate-request",
        "--config",
        &config,
        "--now",
        "2030-01-01T12:00:30Z",
        "--json",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["code"], 30);
    assert_eq!(json["description"], "Invalid Request message");
    assert!(json["detail"].as_str().unwrap().contains("is unsigned"), "{json}");

    let missing = samlguard(&["logout", "validate-request", "--config", &config, "/nonexistent/input"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn cli_validate_response_accepts_and_refuses_with_29() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!("{LOGOUT}sp.toml");
    let file = dir.path().join("response.txt");
    std::fs::write(&file, form_body("SAMLResponse", &idp_post(LOGOUT_RESPONSE, "_resp1", "rsa2048"), None))
        .unwrap();
    let run = |request_id: &str| {
        samlguard(&[
            "logout",
            "validate-response",
            "--config",
            &config,
            "--request-id",
            request_id,
            "--now",
            "2030-01-01T12:00:30Z",
            "--json",
            file.to_str().unwrap(),
        ])
    };
    let out = run("_req1");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["in_response_to"], "_req1");
    assert_eq!(json["binding"], "HTTP-POST");

    let out = run("_another");
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["code"], 29);
    assert_eq!(json["description"], "Invalid Response message");
    assert!(
        json["detail"].as_str().unwrap().contains("InResponseTo is \\\"_req1\\\"")
            || json["detail"].as_str().unwrap().contains("InResponseTo is \"_req1\""),
        "{json}"
    );

    // --request-id is required.
    let out = samlguard(&["logout", "validate-response", "--config", &config, file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------------
// Hostile input: never a panic
// ---------------------------------------------------------------------------------------------

mod hostile {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Arbitrary bytes, in every input form, are refused (or accepted) without a panic.
        #[test]
        fn arbitrary_input_never_panics(input in proptest::collection::vec(any::<u8>(), 0..600)) {
            let v = validator();
            let text = String::from_utf8_lossy(&input);
            let _ = v.validate_request(&LogoutMessage::detect(&input, now()));
            let _ = v.validate_response(&LogoutMessage::detect(&input, now()).request_id("_req1"));
            let _ = v.validate_request(&LogoutMessage::redirect(&text, now()));
            let _ = v.validate_request(&LogoutMessage::form(&input, now()));
            let _ = RedirectQuery::parse(&text).map(|q| (q.message(4096).is_ok(), q.signed_octets()));
        }

        /// A signed query with one character changed is refused, never accepted with other content.
        #[test]
        fn a_changed_signed_query_is_refused(at in 0usize..10_000, c in "[A-Za-z0-9%&=+/_.-]") {
            let query = idp_redirect(SamlParameter::Request, LOGOUT_REQUEST, Some("rs"));
            let at = at % query.len();
            if query.is_char_boundary(at) && query.is_char_boundary(at + 1) && &query[at..at + 1] != c.as_str() {
                let changed = format!("{}{}{}", &query[..at], c, &query[at + 1..]);
                if let Ok(r) = validator().validate_request(&LogoutMessage::redirect(&changed, now())) {
                    // Only a change outside the signed octets (in the Signature's encoding) may pass,
                    // and then the content is the signed one.
                    prop_assert_eq!(r.name_id.value, "alice@example.com");
                    prop_assert_eq!(r.relay_state.as_deref(), Some("rs"));
                }
            }
        }
    }
}

#[test]
fn fixtures_are_what_generate_sh_writes() {
    let out = Command::new("sh").arg(format!("{LOGOUT}generate.sh")).arg("--check").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
