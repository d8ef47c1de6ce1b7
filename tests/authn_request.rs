//! The SP's AuthnRequest: what it says, how it travels (HTTP-Redirect, HTTP-POST), how it is signed,
//! code 26 for every way it cannot be built, and the CLI.
//!
//! Interop: every POST request samlguard signs (SP keys RSA 2048/3072, ECDSA P-256/P-384) verifies with
//! `xmlsec1 --verify --id-attr:ID urn:oasis:names:tc:SAML:2.0:protocol:AuthnRequest --pubkey-cert-pem`,
//! and every Redirect query-string signature verifies with `openssl dgst -sha256|-sha384 -verify PUBKEY
//! -signature SIG` over the exact signed query bytes (and fails over the same bytes with one changed).
//! xmlsec1 and openssl are required: when one is missing the test fails, saying what to install.

use std::path::Path;
use std::process::Command;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use samlguard::{
    AlgorithmPolicy, AuthnContextComparison, AuthnRequestBuilder, BINDING_HTTP_POST, BINDING_HTTP_REDIRECT,
    Binding, Certificate, Config, Document, ErrorCode, IdentityProvider, InMemoryRequestStore, NameIdPolicy,
    RedirectQuery, RequestStore, RequestedAuthnContext, SamlParameter, ServiceProvider, SignatureAlgorithm,
    SigningKey, verify_document,
};

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
const LOGOUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/logout/");
const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";

fn now() -> DateTime<Utc> {
    "2030-01-01T12:00:00Z".parse().unwrap()
}

fn key(name: &str) -> SigningKey {
    SigningKey::from_pkcs8_pem(&std::fs::read(format!("{KEYS}{name}.key")).unwrap()).unwrap()
}

fn cert(name: &str) -> Certificate {
    Certificate::from_pem(&std::fs::read(format!("{KEYS}{name}.crt")).unwrap()).unwrap()
}

fn sp_with(name: Option<&str>) -> ServiceProvider {
    let b =
        ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs");
    match name {
        Some(n) => b.certificate(cert(n)).signing_key(key(n)).build().unwrap(),
        None => b.build().unwrap(),
    }
}

fn idp() -> IdentityProvider {
    IdentityProvider::builder("https://idp.example.com/metadata")
        .certificate(cert("rsa2048"))
        .sso_endpoint(BINDING_HTTP_REDIRECT, "https://idp.example.com/sso?tenant=a&x=1")
        .sso_endpoint(BINDING_HTTP_POST, "https://idp.example.com/sso/post?a=\"<b>\"")
        .build()
}

/// The query string of a redirect URL.
fn query_of(url: &str) -> &str {
    url.split_once('?').map(|(_, q)| q).unwrap()
}

fn decoded_request(url: &str) -> (RedirectQuery, String) {
    let q = RedirectQuery::parse(query_of(url)).unwrap();
    let xml = String::from_utf8(q.message(1 << 20).unwrap()).unwrap();
    (q, xml)
}

// ---------------------------------------------------------------------------------------------
// Content
// ---------------------------------------------------------------------------------------------

#[test]
fn redirect_request_carries_everything_asked_for() {
    let sp = sp_with(Some("rsa2048"));
    let idp = idp();
    let msg = AuthnRequestBuilder::new(&sp, &idp)
        .relay_state("/app?x=1&y=é")
        .force_authn(true)
        .is_passive(true)
        .name_id_policy(
            NameIdPolicy::new()
                .format("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress")
                .allow_create(true),
        )
        .requested_authn_context(
            RequestedAuthnContext::new([
                "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
                "http://schemas.microsoft.com/claims/multipleauthn",
            ])
            .comparison(AuthnContextComparison::Minimum),
        )
        .build(now())
        .unwrap();
    assert_eq!(msg.binding(), Binding::HttpRedirect);
    assert_eq!(msg.destination(), "https://idp.example.com/sso?tenant=a&x=1");
    let url = msg.redirect_url().unwrap();
    // The endpoint's own query is kept; the SAML parameters follow it.
    assert!(url.starts_with("https://idp.example.com/sso?tenant=a&x=1&SAMLRequest="), "{url}");
    let (q, xml) = decoded_request(url);
    assert_eq!(q.parameter(), SamlParameter::Request);
    assert_eq!(q.relay_state().as_deref(), Some("/app?x=1&y=é"));
    assert_eq!(xml, msg.xml());

    let doc = Document::parse_str(&xml).unwrap();
    let root = doc.root_element();
    assert!(root.is(SAMLP, "AuthnRequest"));
    assert_eq!(root.attribute("ID"), Some(msg.id()));
    assert_eq!(root.attribute("Version"), Some("2.0"));
    assert_eq!(root.attribute("IssueInstant"), Some("2030-01-01T12:00:00Z"));
    assert_eq!(root.attribute("Destination"), Some("https://idp.example.com/sso?tenant=a&x=1"));
    assert_eq!(root.attribute("AssertionConsumerServiceURL"), Some("https://sp.example.com/saml/acs"));
    assert_eq!(root.attribute("ProtocolBinding"), Some(BINDING_HTTP_POST));
    assert_eq!(root.attribute("ForceAuthn"), Some("true"));
    assert_eq!(root.attribute("IsPassive"), Some("true"));
    let children: Vec<&str> = root.child_elements().map(|e| e.local_name()).collect();
    assert_eq!(children, ["Issuer", "NameIDPolicy", "RequestedAuthnContext"]); // the schema's order
    assert_eq!(root.child_named(SAML, "Issuer").unwrap().text(), "https://sp.example.com/saml/metadata");
    let policy = root.child_named(SAMLP, "NameIDPolicy").unwrap();
    assert_eq!(policy.attribute("Format"), Some("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"));
    assert_eq!(policy.attribute("AllowCreate"), Some("true"));
    let ctx = root.child_named(SAMLP, "RequestedAuthnContext").unwrap();
    assert_eq!(ctx.attribute("Comparison"), Some("minimum"));
    let refs: Vec<String> = ctx.children_named(SAML, "AuthnContextClassRef").map(|e| e.text()).collect();
    assert_eq!(refs.len(), 2);
    // No XML signature in a Redirect message: the query string is signed.
    assert!(!xml.contains("Signature"));
    assert_eq!(q.sig_alg(), Some("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"));
    let v = q.verify(&[cert("rsa2048")], &AlgorithmPolicy::default()).unwrap();
    assert_eq!(v.algorithm, SignatureAlgorithm::RsaSha256);
}

#[test]
fn defaults_are_minimal_and_ids_are_random() {
    let sp = sp_with(None);
    let idp = idp();
    let a = AuthnRequestBuilder::new(&sp, &idp).build(now()).unwrap();
    let b = AuthnRequestBuilder::new(&sp, &idp).build(now()).unwrap();
    assert_ne!(a.id(), b.id());
    for id in [a.id(), b.id()] {
        // `_` then at least 128 random bits in hex (an ID must not start with a digit).
        assert!(
            id.starts_with('_') && id.len() >= 33 && id[1..].bytes().all(|c| c.is_ascii_hexdigit()),
            "{id}"
        );
    }
    assert!(!a.is_signed());
    let (q, xml) = decoded_request(a.redirect_url().unwrap());
    assert!(!q.is_signed());
    assert!(!a.redirect_url().unwrap().contains("RelayState"));
    for absent in ["ForceAuthn", "IsPassive", "NameIDPolicy", "RequestedAuthnContext"] {
        assert!(!xml.contains(absent), "{absent} in {xml}");
    }
}

#[test]
fn post_request_is_enveloped_signed_after_issuer_and_the_form_is_escaped() {
    let sp = sp_with(Some("rsa3072"));
    let idp = idp();
    let msg = AuthnRequestBuilder::new(&sp, &idp)
        .binding(Binding::HttpPost)
        .relay_state("\"><script>alert(1)</script>")
        .build(now())
        .unwrap();
    assert!(msg.redirect_url().is_none());
    let form = msg.html_form().unwrap();
    assert!(form.contains(
        r#"<form method="post" action="https://idp.example.com/sso/post?a=&quot;&lt;b&gt;&quot;">"#
    ));
    assert!(form.contains(r#"name="RelayState" value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;""#));
    assert!(!form.contains("<script>alert"));
    assert!(form.contains("<noscript>") && form.contains(r#"<input type="submit""#));
    assert!(form.contains(r#"onload="document.forms[0].submit()""#));
    let value = form.split(r#"name="SAMLRequest" value=""#).nth(1).unwrap().split('"').next().unwrap();
    let xml = base64::engine::general_purpose::STANDARD.decode(value).unwrap();
    assert_eq!(xml, msg.xml().as_bytes());

    let doc = Document::parse(&xml).unwrap();
    let children: Vec<&str> = doc.root_element().child_elements().map(|e| e.local_name()).collect();
    assert_eq!(children, ["Issuer", "Signature"]);
    let v = verify_document(&doc, &[cert("rsa3072")], &AlgorithmPolicy::default()).unwrap();
    assert_eq!(v.signed_element(), doc.root_element());
    assert_eq!(msg.signature_algorithm(), Some(SignatureAlgorithm::RsaSha256));
}

#[test]
fn the_request_id_goes_into_the_store() {
    let sp = sp_with(None);
    let idp = idp();
    let store = InMemoryRequestStore::new(10);
    let msg = AuthnRequestBuilder::new(&sp, &idp).request_store(&store).build(now()).unwrap();
    assert!(store.has_outstanding(now()).unwrap());
    assert!(!store.take("_other", now()).unwrap());
    assert!(store.take(msg.id(), now() + chrono::Duration::minutes(9)).unwrap());
}

// ---------------------------------------------------------------------------------------------
// Code 26
// ---------------------------------------------------------------------------------------------

#[test]
fn every_failure_to_build_is_26() {
    let sp = sp_with(Some("rsa2048"));
    let redirect_only = IdentityProvider::builder("https://idp.example.com/metadata")
        .sso_endpoint(BINDING_HTTP_REDIRECT, "https://idp.example.com/sso")
        .sso_endpoint("urn:oasis:names:tc:SAML:2.0:bindings:SOAP", "https://idp.example.com/soap")
        .build();
    let no_endpoints = IdentityProvider::builder("https://idp.example.com/metadata").build();
    let relative = IdentityProvider::builder("https://idp.example.com/metadata")
        .sso_endpoint(BINDING_HTTP_REDIRECT, "/sso")
        .build();
    let full = InMemoryRequestStore::new(1);
    full.insert("_taken", now() + chrono::Duration::hours(1), now()).unwrap();

    let cases: Vec<(&str, Result<samlguard::OutboundMessage, samlguard::SsoError>, &str)> = vec![
        (
            "no endpoint for the binding",
            AuthnRequestBuilder::new(&sp, &redirect_only).binding(Binding::HttpPost).build(now()),
            "has no single sign-on endpoint for HTTP-POST; it offers HTTP-Redirect at https://idp.example.com/sso, urn:oasis:names:tc:SAML:2.0:bindings:SOAP at https://idp.example.com/soap",
        ),
        (
            "no endpoint at all",
            AuthnRequestBuilder::new(&sp, &no_endpoints).build(now()),
            "lists no single sign-on endpoint at all",
        ),
        (
            "relative endpoint",
            AuthnRequestBuilder::new(&sp, &relative).build(now()),
            "not an absolute http(s) URL",
        ),
        (
            "RelayState over 80 bytes",
            AuthnRequestBuilder::new(&sp, &redirect_only).relay_state("r".repeat(81)).build(now()),
            "the RelayState is 81 bytes long",
        ),
        (
            "empty RequestedAuthnContext",
            AuthnRequestBuilder::new(&sp, &redirect_only)
                .requested_authn_context(RequestedAuthnContext::new(Vec::<String>::new()))
                .build(now()),
            "lists no AuthnContextClassRef",
        ),
        (
            "the outstanding-request store is full",
            AuthnRequestBuilder::new(&sp, &redirect_only).request_store(&full).build(now()),
            "cannot be recorded as outstanding",
        ),
    ];
    for (name, outcome, found) in cases {
        let err = outcome.expect_err(name);
        assert_eq!(err.code(), ErrorCode::AuthnRequestGenerationFailed, "{name}: {err}");
        assert_eq!(err.code().code(), 26);
        assert!(err.detail().found.contains(found), "{name}: {}", err.detail());
        assert!(err.detail().fix.is_some(), "{name}: no fix in {}", err.detail());
    }
    // Exactly 80 bytes is allowed.
    assert!(AuthnRequestBuilder::new(&sp, &redirect_only).relay_state("r".repeat(80)).build(now()).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Interop: xmlsec1 (POST) and openssl (Redirect)
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

/// The SP keys the interop covers, with the digest openssl must use for the key's default algorithm.
const SP_KEYS: [(&str, &str, &str); 4] = [
    ("rsa2048", "-sha256", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"),
    ("rsa3072", "-sha256", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"),
    ("ec256", "-sha256", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"),
    ("ec384", "-sha384", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"),
];

/// Verifies `signed` against the signature with `openssl dgst DIGEST -verify PUBKEY -signature SIG`.
fn openssl_verifies(dir: &Path, key_name: &str, digest: &str, signed: &[u8], signature: &[u8]) -> bool {
    let pubkey = dir.join(format!("{key_name}.pub.pem"));
    if !pubkey.exists() {
        let out = tool(
            "openssl",
            &["x509", "-in", &format!("{KEYS}{key_name}.crt"), "-pubkey", "-noout"],
            "openssl",
        );
        assert!(out.status.success(), "openssl x509 -pubkey: {}", String::from_utf8_lossy(&out.stderr));
        std::fs::write(&pubkey, &out.stdout).unwrap();
    }
    let data = dir.join("signed.bin");
    let sig = dir.join("sig.bin");
    std::fs::write(&data, signed).unwrap();
    std::fs::write(&sig, signature).unwrap();
    let out = tool(
        "openssl",
        &[
            "dgst",
            digest,
            "-verify",
            pubkey.to_str().unwrap(),
            "-signature",
            sig.to_str().unwrap(),
            data.to_str().unwrap(),
        ],
        "openssl",
    );
    out.status.success()
}

#[test]
fn interop_redirect_signatures_verify_with_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let idp = idp();
    let mut report = Vec::new();
    for (name, digest, sig_alg) in SP_KEYS {
        let sp = sp_with(Some(name));
        for relay_state in [None, Some("/back?to=here&é")] {
            let mut b = AuthnRequestBuilder::new(&sp, &idp).force_authn(true);
            if let Some(rs) = relay_state {
                b = b.relay_state(rs);
            }
            let msg = b.build(now()).unwrap();
            let query = query_of(msg.redirect_url().unwrap()).split_once("SAMLRequest=").unwrap().1;
            let query = format!("SAMLRequest={query}");
            // The exact signed bytes: everything before `&Signature=`.
            let (signed, signature) = query.split_once("&Signature=").unwrap();
            const UNRESERVED: &percent_encoding::AsciiSet =
                &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
            assert!(signed.ends_with(&format!(
                "&SigAlg={}",
                percent_encoding::utf8_percent_encode(sig_alg, UNRESERVED)
            )));
            let signature = percent_encoding::percent_decode_str(signature).decode_utf8().unwrap();
            let signature = base64::engine::general_purpose::STANDARD.decode(signature.as_bytes()).unwrap();
            assert!(
                openssl_verifies(dir.path(), name, digest, signed.as_bytes(), &signature),
                "openssl does not verify the {name} query signature over {signed}"
            );
            // The same bytes with the RelayState (or the message) changed must fail: the signature
            // covers exactly these octets.
            let tampered = signed.replacen("SAMLRequest=", "SAMLRequest=A", 1);
            assert!(
                !openssl_verifies(dir.path(), name, digest, tampered.as_bytes(), &signature),
                "openssl verifies the {name} signature over changed bytes"
            );
            // And samlguard's own verifier agrees.
            RedirectQuery::parse(&query).unwrap().verify(&[cert(name)], &AlgorithmPolicy::default()).unwrap();
            report.push(format!("{name} {sig_alg} relay_state={}", relay_state.is_some()));
        }
    }
    println!(
        "openssl dgst verified {} Redirect AuthnRequest signatures:\n  {}",
        report.len(),
        report.join("\n  ")
    );
}

#[test]
fn interop_post_signatures_verify_with_xmlsec1() {
    let dir = tempfile::tempdir().unwrap();
    let version = tool("xmlsec1", &["--version"], "xmlsec1");
    assert!(version.status.success(), "xmlsec1 --version failed");
    let idp = idp();
    let mut report = Vec::new();
    for (name, _, sig_alg) in SP_KEYS {
        let sp = sp_with(Some(name));
        let msg = AuthnRequestBuilder::new(&sp, &idp)
            .binding(Binding::HttpPost)
            .name_id_policy(NameIdPolicy::new().allow_create(true))
            .requested_authn_context(RequestedAuthnContext::new([
                "urn:oasis:names:tc:SAML:2.0:ac:classes:X509",
            ]))
            .build(now())
            .unwrap();
        assert!(msg.xml().contains(sig_alg));
        let file = dir.path().join(format!("authn-{name}.xml"));
        std::fs::write(&file, msg.xml()).unwrap();
        let verify = |path: &Path| {
            tool(
                "xmlsec1",
                &[
                    "--verify",
                    "--id-attr:ID",
                    &format!("{SAMLP}:AuthnRequest"),
                    "--pubkey-cert-pem",
                    &format!("{KEYS}{name}.crt"),
                    path.to_str().unwrap(),
                ],
                "xmlsec1",
            )
        };
        let out = verify(&file);
        assert!(
            out.status.success(),
            "xmlsec1 does not verify the {name} AuthnRequest: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            msg.xml()
        );
        // One changed byte of signed content must make xmlsec1 fail.
        let tampered = dir.path().join(format!("authn-{name}-tampered.xml"));
        std::fs::write(
            &tampered,
            msg.xml().replacen("sp.example.com/saml/acs", "sp.example.com/saml/acz", 1),
        )
        .unwrap();
        assert!(!verify(&tampered).status.success(), "xmlsec1 verifies a changed {name} AuthnRequest");
        // The signature is the enveloped one, right after Issuer.
        let doc = Document::parse_str(msg.xml()).unwrap();
        let second = doc.root_element().child_elements().nth(1).unwrap();
        assert!(second.is(DSIG, "Signature"));
        report.push(format!("{name} {sig_alg}"));
    }
    println!("xmlsec1 verified {} POST AuthnRequest signatures:\n  {}", report.len(), report.join("\n  "));
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

fn samlguard(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_samlguard")).args(args).output().unwrap()
}

#[test]
fn cli_prints_the_redirect_url_and_the_id() {
    let config = format!("{LOGOUT}sp.toml");
    let out = samlguard(&[
        "authn-request",
        "--config",
        &config,
        "--relay-state",
        "/home",
        "--force-authn",
        "--passive",
        "--now",
        "2030-01-01T12:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let url = stdout.trim();
    assert!(url.starts_with("https://idp.example.com/saml/sso?SAMLRequest="), "{url}");
    let id = stderr.lines().find_map(|l| l.strip_prefix("request ID: ")).expect("the ID on stderr");
    let (q, xml) = decoded_request(url);
    assert!(xml.contains(&format!(r#"ID="{id}""#)));
    assert!(xml.contains(r#"ForceAuthn="true""#) && xml.contains(r#"IsPassive="true""#));
    assert!(xml.contains(r#"IssueInstant="2030-01-01T12:00:00Z""#));
    assert_eq!(q.relay_state().as_deref(), Some("/home"));
    // Signed with the SP key of the configuration.
    let config = Config::from_file(format!("{LOGOUT}sp.toml")).unwrap();
    let sp_cert = config.service_provider().certificate().unwrap().clone();
    q.verify(&[sp_cert], &AlgorithmPolicy::default()).unwrap();
}

#[test]
fn cli_prints_the_post_form() {
    let config = format!("{LOGOUT}sp-ec.toml");
    let out = samlguard(&["authn-request", "--config", &config, "--binding", "post"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains(r#"<form method="post" action="https://idp.example.com/saml/sso/post">"#));
    assert!(stdout.contains(r#"name="SAMLRequest""#) && stdout.contains("<noscript>"));
    assert!(String::from_utf8(out.stderr).unwrap().contains("ecdsa-sha256"));
}

#[test]
fn cli_reports_26() {
    let config = format!("{LOGOUT}sp-certificates-only.toml");
    let out = samlguard(&["authn-request", "--config", &config, "--binding", "post"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("code 26, Unable to generate AuthnRequest"), "{stderr}");
    assert!(
        stderr.contains("lists no single sign-on endpoint") && stderr.contains("[idp] metadata"),
        "{stderr}"
    );
    // A bad --binding is a usage error.
    let out = samlguard(&["authn-request", "--config", &config, "--binding", "soap"]);
    assert_eq!(out.status.code(), Some(2));
}
