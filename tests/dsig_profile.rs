//! The XML-DSig profile's negative cases (SPEC §2 signature rows, §5). Each starts from a valid signature
//! made with [`Signer`] and the `rsa2048` test key, mutated as text; each asserts the exact
//! [`DsigErrorKind`].
//!
//! Signatures that samlguard's signer cannot make (RSA-SHA1, a 1024-bit RSA key: ring only verifies
//! those) are made by re-signing the canonical `SignedInfo` with the openssl CLI, which must be
//! installed (`apt-get install openssl`); the test fails otherwise.

use std::io::ErrorKind;
use std::net::TcpListener;
use std::process::Command;

use base64::Engine as _;
use samlguard::{
    AlgorithmPolicy, C14nAlgorithm, Certificate, DSIG_NS, DigestAlgorithm, Document, DsigError,
    DsigErrorKind, SignError, SignatureAlgorithm, SignatureScheme, Signer, SigningKey, Subtree,
    VerifiedSignature, canonicalize, find_signatures, verify_document, verify_signature,
};

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn key(name: &str) -> SigningKey {
    SigningKey::from_pkcs8_pem(&std::fs::read(format!("{KEYS}{name}.key")).expect("key file"))
        .expect("key loads")
}

fn cert(name: &str) -> Certificate {
    Certificate::from_pem(&std::fs::read(format!("{KEYS}{name}.crt")).expect("cert file"))
        .expect("cert loads")
}

/// A SAML Response with one assertion; the signed element is chosen per test.
fn response() -> String {
    format!(
        r#"<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_resp" Version="2.0" IssueInstant="2024-05-01T10:00:00Z"><saml:Issuer>https://idp.example.com</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="_assert" Version="2.0" IssueInstant="2024-05-01T10:00:00Z"><saml:Issuer>https://idp.example.com</saml:Issuer><saml:Subject><saml:NameID>alice@example.com</saml:NameID></saml:Subject></saml:Assertion></samlp:Response>"#
    )
}

fn signer() -> Signer {
    Signer::new(key("rsa2048"), cert("rsa2048"))
}

/// The Response signed by `rsa2048` (signature after the Response's Issuer).
fn signed_response() -> String {
    signer().sign_enveloped(&response(), "_resp").expect("signs")
}

/// The assertion signed by `rsa2048` (signature after the assertion's Issuer).
fn signed_assertion() -> String {
    signer().sign_enveloped(&response(), "_assert").expect("signs")
}

/// Replaces the only occurrence of `old`.
fn replace_once(text: &str, old: &str, new: &str) -> String {
    assert_eq!(text.matches(old).count(), 1, "{old:?} must occur exactly once in:\n{text}");
    text.replacen(old, new, 1)
}

/// The text between `<ds:NAME>` and `</ds:NAME>` (first occurrence).
fn element_text<'a>(xml: &'a str, name: &str) -> &'a str {
    let open = format!("<ds:{name}>");
    let start = xml.find(&open).expect("element") + open.len();
    let end = start + xml[start..].find(&format!("</ds:{name}>")).expect("end tag");
    &xml[start..end]
}

fn verify(xml: &str, trusted: &[Certificate], policy: &AlgorithmPolicy) -> Result<String, DsigError> {
    let doc = Document::parse_str(xml).expect("well-formed");
    verify_document(&doc, trusted, policy).map(|v| describe(&v))
}

fn describe(v: &VerifiedSignature<'_>) -> String {
    let e = v.signed_element();
    format!(
        "{}#{}",
        e.local_name(),
        e.attribute("ID").or(e.attribute("Id")).or(e.attribute("AssertionID")).unwrap_or("")
    )
}

fn strict() -> AlgorithmPolicy {
    AlgorithmPolicy::default()
}

/// The refusal of `xml` verified with `rsa2048` trusted, under the default policy.
fn refusal(xml: &str) -> DsigError {
    match verify(xml, &[cert("rsa2048")], &strict()) {
        Ok(signed) => panic!("verified ({signed}), expected a refusal:\n{xml}"),
        Err(e) => e,
    }
}

/// Re-signs the (edited) document's only `SignedInfo` with the pure-Rust key.
fn resign_with(xml: &str, key: &SigningKey, scheme: SignatureScheme, c14n: C14nAlgorithm) -> String {
    let canon = canonical_signed_info(xml, c14n);
    let value = B64.encode(key.sign(scheme, &canon).expect("signs"));
    replace_once(xml, element_text(xml, "SignatureValue"), &value)
}

fn canonical_signed_info(xml: &str, c14n: C14nAlgorithm) -> Vec<u8> {
    let doc = Document::parse_str(xml).expect("well-formed");
    let sig = find_signatures(&doc)[0];
    let si = sig.child_named(DSIG_NS, "SignedInfo").expect("SignedInfo");
    canonicalize(&doc, &Subtree::element(si), c14n, &[]).expect("canonicalizes")
}

/// Re-signs the document's `SignedInfo` (exclusive C14N) with openssl: `openssl dgst -HASH -sign KEY`
/// (RSA PKCS#1 v1.5), for the signatures ring will not make.
fn resign_with_openssl(xml: &str, key_file: &str, hash: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("signedinfo.bin");
    let out = dir.path().join("sig.bin");
    std::fs::write(&data, canonical_signed_info(xml, C14nAlgorithm::Exclusive)).expect("write");
    let status = match Command::new("openssl")
        .args(["dgst", &format!("-{hash}"), "-sign", &format!("{KEYS}{key_file}"), "-out"])
        .arg(&out)
        .arg(&data)
        .status()
    {
        Ok(s) => s,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            panic!("openssl is not installed and this test needs it: apt-get install openssl")
        }
        Err(e) => panic!("cannot run openssl: {e}"),
    };
    assert!(status.success(), "openssl dgst -sign failed");
    let value = B64.encode(std::fs::read(&out).expect("signature"));
    replace_once(xml, element_text(xml, "SignatureValue"), &value)
}

// ---------------------------------------------------------------------------------------------
// The baseline
// ---------------------------------------------------------------------------------------------

#[test]
fn baseline_signatures_verify() {
    assert_eq!(
        verify(&signed_response(), &[cert("rsa2048")], &strict()).expect("verifies"),
        "Response#_resp"
    );
    assert_eq!(
        verify(&signed_assertion(), &[cert("rsa2048")], &strict()).expect("verifies"),
        "Assertion#_assert"
    );
}

// ---------------------------------------------------------------------------------------------
// Content and value tampering
// ---------------------------------------------------------------------------------------------

#[test]
fn tampered_signed_text_is_digest_mismatch() {
    let xml = replace_once(&signed_response(), "alice@example.com", "admin@example.com");
    let e = refusal(&xml);
    assert_eq!(e.kind(), &DsigErrorKind::DigestMismatch { id: "_resp".into() });
    assert!(e.untrusted_key_info().is_none(), "the trusted key verified SignedInfo: no rollover story");
    // An attribute, and a namespace-qualified element, count the same.
    let xml = replace_once(&signed_response(), r#"ID="_resp" Version="2.0""#, r#"ID="_resp" Version="3.0""#);
    assert_eq!(refusal(&xml).kind(), &DsigErrorKind::DigestMismatch { id: "_resp".into() });
}

#[test]
fn tampered_signature_value_is_bad_signature_value() {
    let xml = signed_response();
    let value = element_text(&xml, "SignatureValue");
    let mut bytes = B64.decode(value).expect("base64");
    bytes[17] ^= 0x01;
    let xml = replace_once(&xml, value, &B64.encode(bytes));
    let e = refusal(&xml);
    assert_eq!(e.kind(), &DsigErrorKind::BadSignatureValue { tried: 1 });
    assert!(e.untrusted_key_info().is_none(), "the KeyInfo certificate is the trusted one");
}

#[test]
fn signature_value_that_is_not_base64_is_bad_base64() {
    let xml = signed_response();
    let xml = replace_once(&xml, element_text(&xml, "SignatureValue"), "not*base64");
    assert_eq!(refusal(&xml).kind(), &DsigErrorKind::BadBase64("SignatureValue"));
}

/// Digest comparison: any difference (first byte, last byte, length, empty) is a mismatch and nothing
/// else; the comparison itself is `constant_time_eq` in `src/dsig.rs` (unit-tested there).
#[test]
fn digest_comparison_behaviour() {
    let xml = signed_response();
    let dv = element_text(&xml, "DigestValue").to_string();
    let digest = B64.decode(&dv).expect("base64");
    let mut first = digest.clone();
    first[0] ^= 0x80;
    let mut last = digest.clone();
    *last.last_mut().expect("32 bytes") ^= 0x01;
    let shorter = &digest[..31];
    let longer = [&digest[..], &[0u8]].concat();
    for (what, value) in [
        ("first byte", B64.encode(&first)),
        ("last byte", B64.encode(&last)),
        ("31 bytes", B64.encode(shorter)),
        ("33 bytes", B64.encode(&longer)),
        ("empty", String::new()),
    ] {
        // DigestValue is inside SignedInfo: re-sign so that only the digest comparison can fail.
        let edited =
            replace_once(&xml, &format!("<ds:DigestValue>{dv}<"), &format!("<ds:DigestValue>{value}<"));
        let edited =
            resign_with(&edited, &key("rsa2048"), SignatureScheme::RsaPkcs1Sha256, C14nAlgorithm::Exclusive);
        let e = refusal(&edited);
        assert_eq!(e.kind(), &DsigErrorKind::DigestMismatch { id: "_resp".into() }, "{what}");
    }
    // Base64 white space (line breaks every 76 characters, as many IdPs write) is not a difference.
    let wrapped = format!("\n{}\n{}\n", &dv[..20], &dv[20..]);
    let edited =
        replace_once(&xml, &format!("<ds:DigestValue>{dv}<"), &format!("<ds:DigestValue>{wrapped}<"));
    let edited =
        resign_with(&edited, &key("rsa2048"), SignatureScheme::RsaPkcs1Sha256, C14nAlgorithm::Exclusive);
    assert_eq!(verify(&edited, &[cert("rsa2048")], &strict()).expect("verifies"), "Response#_resp");
}

// ---------------------------------------------------------------------------------------------
// Keys and certificates
// ---------------------------------------------------------------------------------------------

#[test]
fn another_key_trusted_while_key_info_has_the_signer_is_reported_as_rollover() {
    let e = verify(&signed_response(), &[cert("rsa3072")], &strict()).expect_err("must fail");
    assert_eq!(e.kind(), &DsigErrorKind::BadSignatureValue { tried: 1 });
    let u = e.untrusted_key_info().expect("the KeyInfo certificate is reported");
    assert_eq!(u.certificate, cert("rsa2048"));
    assert!(u.signature_verifies && u.signature_checked);
    let text = e.to_string();
    assert!(text.contains("rolled"), "{text}");
    assert!(text.contains(&cert("rsa2048").fingerprint_colon()), "{text}");
}

#[test]
fn cloned_certificate_same_subject_other_key_does_not_verify() {
    assert_eq!(cert("rsa2048").subject(), cert("rsa2048-clone").subject());
    // The genuine signature, with the clone trusted.
    let e = verify(&signed_response(), &[cert("rsa2048-clone")], &strict()).expect_err("must fail");
    assert_eq!(e.kind(), &DsigErrorKind::BadSignatureValue { tried: 1 });
    // The attacker signs with the clone's key and puts the clone in KeyInfo; the SP trusts rsa2048.
    let forged = Signer::new(key("rsa2048-clone"), cert("rsa2048-clone"))
        .sign_enveloped(&response(), "_resp")
        .expect("signs");
    let e = verify(&forged, &[cert("rsa2048")], &strict()).expect_err("must fail");
    assert_eq!(e.kind(), &DsigErrorKind::BadSignatureValue { tried: 1 });
    let u = e.untrusted_key_info().expect("the clone is reported, not trusted");
    assert_eq!(u.certificate, cert("rsa2048-clone"));
    assert!(u.signature_verifies, "the forgery is intact, signed by a key the SP does not trust");
}

#[test]
fn key_info_certificate_with_a_trusted_key_is_not_a_rollover() {
    // rsa2048-expired carries the rsa2048 key. A bad value is then tampering (23), not a new key (8).
    let xml = signed_response();
    let kinfo = element_text(&xml, "X509Certificate");
    let xml = replace_once(&xml, kinfo, &B64.encode(cert("rsa2048-expired").der()));
    let value = element_text(&xml, "SignatureValue");
    let mut bytes = B64.decode(value).expect("base64");
    bytes[0] ^= 0x01;
    let xml = replace_once(&xml, value, &B64.encode(bytes));
    let e = refusal(&xml);
    assert_eq!(e.kind(), &DsigErrorKind::BadSignatureValue { tried: 1 });
    assert!(e.untrusted_key_info().is_none(), "{e}");
}

#[test]
fn untrusted_key_info_on_a_structural_refusal_still_says_whether_it_verifies() {
    // An extra Reference: refused before any key is tried; the report still checks the KeyInfo key.
    let xml = signed_response();
    let reference =
        &xml[xml.find("<ds:Reference ").expect("Reference")..xml.find("</ds:Reference>").expect("end") + 15];
    let two = replace_once(&xml, reference, &format!("{reference}{reference}"));
    let two = resign_with(&two, &key("rsa2048"), SignatureScheme::RsaPkcs1Sha256, C14nAlgorithm::Exclusive);
    let e = verify(&two, &[cert("rsa3072")], &strict()).expect_err("must fail");
    assert_eq!(e.kind(), &DsigErrorKind::ReferenceCount(2));
    let u = e.untrusted_key_info().expect("reported");
    assert!(u.signature_checked && u.signature_verifies, "{e}");
    // HMAC cannot be checked against a certificate: the report says so instead of "does not verify".
    let hmac = replace_once(
        &xml,
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
    );
    let e = verify(&hmac, &[cert("rsa3072")], &strict()).expect_err("must fail");
    let u = e.untrusted_key_info().expect("reported");
    assert!(!u.signature_checked && !u.signature_verifies);
    assert!(e.to_string().contains("could not be checked"), "{e}");
}

#[test]
fn rsa_1024_key_is_key_too_small() {
    // A genuine RSA-1024 signature (openssl: ring refuses to sign with such a key).
    let xml = replace_once(
        &signed_response(),
        element_text(&signed_response(), "X509Certificate"),
        &B64.encode(cert("rsa1024").der()),
    );
    let xml = resign_with_openssl(&xml, "rsa1024.key", "sha256");
    let e = verify(&xml, &[cert("rsa1024")], &strict()).expect_err("must fail");
    assert_eq!(e.kind(), &DsigErrorKind::KeyTooSmall { bits: 1024 });
    // Still too small with the SHA-1 door open.
    let e = verify(&xml, &[cert("rsa1024")], &strict().legacy_allow_sha1()).expect_err("must fail");
    assert_eq!(e.kind(), &DsigErrorKind::KeyTooSmall { bits: 1024 });
    // The small key next to a key that cannot make RSA signatures: still the size that is reported.
    let e = verify(&xml, &[cert("rsa1024"), cert("ec256")], &strict()).expect_err("must fail");
    assert_eq!(e.kind(), &DsigErrorKind::KeyTooSmall { bits: 1024 });
    // Next to a usable 2048-bit key that does not verify it, the value is simply bad.
    let e = verify(&xml, &[cert("rsa1024"), cert("rsa2048-clone")], &strict()).expect_err("must fail");
    assert_eq!(e.kind(), &DsigErrorKind::BadSignatureValue { tried: 2 });
    // And SigningKey refuses the key outright.
    let err =
        SigningKey::from_pkcs8_pem(&std::fs::read(format!("{KEYS}rsa1024.key")).expect("file")).unwrap_err();
    assert_eq!(err, samlguard::KeyError::RsaKeyTooSmall { bits: 1024 });
}

#[test]
fn ecdsa_key_trusted_for_an_rsa_signature_is_no_usable_key() {
    let e = verify(&signed_response(), &[cert("ec256")], &strict()).expect_err("must fail");
    assert!(matches!(e.kind(), DsigErrorKind::NoUsableKey(m) if m.contains("ECDSA P-256")), "{:?}", e.kind());
    // An ECDSA signature whose SignatureMethod claims RSA: the ECDSA key cannot make it.
    let ec = Signer::new(key("ec256"), cert("ec256")).sign_enveloped(&response(), "_resp").expect("signs");
    let claimed = replace_once(
        &ec,
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    );
    let e = verify(&claimed, &[cert("ec256")], &strict()).expect_err("must fail");
    assert!(matches!(e.kind(), DsigErrorKind::NoUsableKey(_)), "{:?}", e.kind());
    // An Ed25519 certificate is parsed, but no XML-DSig algorithm here can use it.
    let e = verify(&signed_response(), &[cert("ed25519")], &strict()).expect_err("must fail");
    assert!(matches!(e.kind(), DsigErrorKind::NoUsableKey(_)), "{:?}", e.kind());
    // Signing refuses the mismatch too.
    let err = Signer::new(key("ec256"), cert("ec256"))
        .signature_algorithm(SignatureAlgorithm::RsaSha256)
        .sign_enveloped(&response(), "_resp")
        .unwrap_err();
    assert!(matches!(err, SignError::WrongAlgorithm { .. }), "{err}");
}

#[test]
fn retrieval_method_is_never_fetched() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    let retrieval = format!(
        r##"<ds:KeyInfo><ds:RetrievalMethod URI="http://127.0.0.1:{port}/idp-signing.cer" Type="http://www.w3.org/2000/09/xmldsig#rawX509Certificate"/><ds:RetrievalMethod URI="#attacker-keys" Type="http://www.w3.org/2000/09/xmldsig#X509Data"/>"##
    );
    let xml = replace_once(&signed_response(), "<ds:KeyInfo>", &retrieval);
    // Still verified with the trusted certificate only ...
    assert_eq!(verify(&xml, &[cert("rsa2048")], &strict()).expect("verifies"), "Response#_resp");
    // ... and still refused when the trusted certificate is another one.
    let e = verify(&xml, &[cert("rsa3072")], &strict()).expect_err("must fail");
    assert_eq!(e.kind(), &DsigErrorKind::BadSignatureValue { tried: 1 });
    match listener.accept() {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {}
        Ok((_, peer)) => panic!("the verifier connected to the RetrievalMethod URI (from {peer})"),
        Err(e) => panic!("accept: {e}"),
    }
}

// ---------------------------------------------------------------------------------------------
// References
// ---------------------------------------------------------------------------------------------

#[test]
fn two_references_are_reference_count() {
    let xml = signed_response();
    let reference =
        &xml[xml.find("<ds:Reference ").expect("Reference")..xml.find("</ds:Reference>").expect("end") + 15];
    let two =
        replace_once(&xml, reference, &format!("{reference}{}", reference.replace("#_resp", "#_assert")));
    assert_eq!(refusal(&two).kind(), &DsigErrorKind::ReferenceCount(2));
    let none = replace_once(&xml, reference, "");
    assert_eq!(refusal(&none).kind(), &DsigErrorKind::ReferenceCount(0));
}

#[test]
fn reference_uris_other_than_bare_names_are_refused() {
    let xml = signed_response();
    for (uri_attr, uri) in [
        (r#"URI="""#, ""),
        (r##"URI="#xpointer(/)""##, "#xpointer(/)"),
        (r##"URI="#xpointer(id('_resp'))""##, "#xpointer(id('_resp'))"),
        (r#"URI="http://idp.example.com/response.xml""#, "http://idp.example.com/response.xml"),
        (r#"URI="response.xml#_resp""#, "response.xml#_resp"),
        (r##"URI="#_resp&quot; or &quot;1""##, "#_resp\" or \"1"),
        (r##"URI="#_re sp""##, "#_re sp"),
        (r##"URI="#""##, "#"),
        ("", ""),
    ] {
        let edited = replace_once(&xml, r##"URI="#_resp""##, uri_attr);
        assert_eq!(
            refusal(&edited).kind(),
            &DsigErrorKind::UnsupportedReferenceUri(uri.into()),
            "{uri_attr}"
        );
    }
}

#[test]
fn reference_to_a_missing_id_is_reference_not_found() {
    let xml = replace_once(&signed_response(), r##"URI="#_resp""##, r##"URI="#_nothing""##);
    assert_eq!(refusal(&xml).kind(), &DsigErrorKind::ReferenceNotFound("_nothing".into()));
}

#[test]
fn copied_signed_element_is_duplicate_id() {
    // XSW: the signed assertion stays where it is, a forged copy with the same ID goes first.
    let xml = signed_assertion();
    let start = xml.find("<saml:Assertion ").expect("assertion");
    let end = xml.find("</saml:Assertion>").expect("end") + "</saml:Assertion>".len();
    let original = &xml[start..end];
    let sig_start = original.find("<ds:Signature").expect("signature");
    let sig_end = original.find("</ds:Signature>").expect("end") + "</ds:Signature>".len();
    let forged = format!("{}{}", &original[..sig_start], &original[sig_end..]).replace("alice@", "admin@");
    let wrapped = replace_once(&xml, original, &format!("{forged}{original}"));
    let doc = Document::parse_str(&wrapped).expect("parses");
    let e = verify_document(&doc, &[cert("rsa2048")], &strict()).expect_err("must fail");
    assert_eq!(e.kind(), &DsigErrorKind::DuplicateId("_assert".into()));
    // The copy hidden in an Extensions element, after the original.
    let wrapped = replace_once(
        &xml,
        "<samlp:Status>",
        &format!("<samlp:Extensions>{forged}</samlp:Extensions><samlp:Status>"),
    );
    assert_eq!(refusal(&wrapped).kind(), &DsigErrorKind::DuplicateId("_assert".into()));
    // The same value under another ID attribute name elsewhere in the document.
    let wrapped = replace_once(
        &xml,
        "<samlp:Status>",
        r#"<samlp:Extensions><x Id="_assert"/></samlp:Extensions><samlp:Status>"#,
    );
    assert_eq!(refusal(&wrapped).kind(), &DsigErrorKind::DuplicateId("_assert".into()));
    // Even an unrelated duplicate (not the signed ID) refuses the document.
    let wrapped = replace_once(
        &xml,
        "<samlp:Status>",
        r#"<samlp:Extensions><a ID="x1"/><b AssertionID="x1"/></samlp:Extensions><samlp:Status>"#,
    );
    assert_eq!(refusal(&wrapped).kind(), &DsigErrorKind::DuplicateId("x1".into()));
}

#[test]
fn id_attribute_names_id_and_assertion_id_each_resolve() {
    for attr in ["ID", "Id", "AssertionID"] {
        let xml = format!(r#"<doc><item {attr}="_x1"><v>value</v></item></doc>"#);
        let signed = signer().sign_enveloped(&xml, "_x1").expect("signs");
        assert_eq!(verify(&signed, &[cert("rsa2048")], &strict()).expect(attr), "item#_x1", "{attr}");
    }
    // Lower-case `id` is not one of SPEC §3's ID attributes (ID, Id, AssertionID): nothing resolves.
    let xml = r#"<doc><item id="_x1"><v>value</v></item></doc>"#;
    let err = signer().sign_enveloped(xml, "_x1").unwrap_err();
    assert!(matches!(err, SignError::Reference(DsigErrorKind::ReferenceNotFound(_))), "{err}");
    let signed = signer().sign_enveloped(&xml.replace(" id=", " ID="), "_x1").expect("signs");
    let lower = replace_once(&signed, r#"<item ID="_x1">"#, r#"<item id="_x1">"#);
    assert_eq!(refusal(&lower).kind(), &DsigErrorKind::ReferenceNotFound("_x1".into()));
    // A namespace-qualified ID attribute (wsu:Id) is not one either.
    let ns = replace_once(&signed, r#"<item ID="_x1">"#, r#"<item xmlns:wsu="urn:wsu" wsu:Id="_x1">"#);
    assert_eq!(refusal(&ns).kind(), &DsigErrorKind::ReferenceNotFound("_x1".into()));
}

#[test]
fn reference_into_its_own_signature_is_malformed() {
    // An "enveloping" reference to the KeyInfo: the signature would cover nothing of the message.
    let xml = replace_once(&signed_response(), "<ds:KeyInfo>", r#"<ds:KeyInfo Id="ki">"#);
    let xml = replace_once(&xml, r##"URI="#_resp""##, r##"URI="#ki""##);
    let xml = resign_with(&xml, &key("rsa2048"), SignatureScheme::RsaPkcs1Sha256, C14nAlgorithm::Exclusive);
    let e = refusal(&xml);
    assert!(
        matches!(e.kind(), DsigErrorKind::Malformed(m) if m.contains("inside its own Signature")),
        "{:?}",
        e.kind()
    );
    // And the Signature itself.
    let xml =
        replace_once(&signed_response(), r#"<ds:Signature xmlns:ds="#, r#"<ds:Signature Id="sig" xmlns:ds="#);
    let xml = replace_once(&xml, r##"URI="#_resp""##, r##"URI="#sig""##);
    let xml = resign_with(&xml, &key("rsa2048"), SignatureScheme::RsaPkcs1Sha256, C14nAlgorithm::Exclusive);
    assert!(
        matches!(refusal(&xml).kind(), DsigErrorKind::Malformed(m) if m.contains("inside its own Signature"))
    );
}

// ---------------------------------------------------------------------------------------------
// Transforms
// ---------------------------------------------------------------------------------------------

const EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

fn with_transforms(transforms: &str) -> String {
    let xml = signed_response();
    let start = xml.find("<ds:Transforms>").expect("Transforms");
    let end = xml.find("</ds:Transforms>").expect("end") + "</ds:Transforms>".len();
    replace_once(&xml, &xml[start..end], &format!("<ds:Transforms>{transforms}</ds:Transforms>"))
}

fn transform(uri: &str) -> String {
    format!(r#"<ds:Transform Algorithm="{uri}"/>"#)
}

#[test]
fn xpath_xslt_base64_transforms_are_not_allowed() {
    let xpath = "http://www.w3.org/TR/1999/REC-xpath-19991116";
    let cases = [
        (
            xpath,
            format!(
                r#"{}<ds:Transform Algorithm="{xpath}"><ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath></ds:Transform>"#,
                transform(ENVELOPED)
            ),
        ),
        (
            "http://www.w3.org/TR/1999/REC-xslt-19991116",
            format!("{}{}", transform("http://www.w3.org/TR/1999/REC-xslt-19991116"), transform(EXC)),
        ),
        (
            "http://www.w3.org/2000/09/xmldsig#base64",
            format!("{}{}", transform(ENVELOPED), transform("http://www.w3.org/2000/09/xmldsig#base64")),
        ),
        (
            "http://www.w3.org/2002/06/xmldsig-filter2",
            format!("{}{}", transform(ENVELOPED), transform("http://www.w3.org/2002/06/xmldsig-filter2")),
        ),
        // Not allowed is named before the count.
        (xpath, format!("{}{}{}", transform(ENVELOPED), transform(xpath), transform(EXC))),
    ];
    for (uri, transforms) in cases {
        assert_eq!(
            refusal(&with_transforms(&transforms)).kind(),
            &DsigErrorKind::TransformNotAllowed(uri.into()),
            "{transforms}"
        );
    }
}

#[test]
fn three_transforms_are_too_many() {
    let t = format!("{}{}{}", transform(ENVELOPED), transform(EXC), transform(EXC));
    assert_eq!(refusal(&with_transforms(&t)).kind(), &DsigErrorKind::TooManyTransforms(3));
    let t = format!("{}{}", transform(ENVELOPED), transform(ENVELOPED));
    assert_eq!(refusal(&with_transforms(&t)).kind(), &DsigErrorKind::TooManyTransforms(2));
    let t = format!("{}{}", transform(EXC), transform("http://www.w3.org/2006/12/xml-c14n11"));
    assert_eq!(refusal(&with_transforms(&t)).kind(), &DsigErrorKind::TooManyTransforms(2));
}

#[test]
fn enveloped_after_canonicalization_or_with_children_is_refused() {
    let t = format!("{}{}", transform(EXC), transform(ENVELOPED));
    assert!(
        matches!(refusal(&with_transforms(&t)).kind(), DsigErrorKind::TransformNotAllowed(m) if m.contains("after a canonicalization"))
    );
    let t = format!(
        r#"<ds:Transform Algorithm="{ENVELOPED}"><ds:XPath>1</ds:XPath></ds:Transform>{}"#,
        transform(EXC)
    );
    assert!(matches!(refusal(&with_transforms(&t)).kind(), DsigErrorKind::Malformed(_)));
}

// ---------------------------------------------------------------------------------------------
// Algorithms
// ---------------------------------------------------------------------------------------------

#[test]
fn sha1_digest_refused_by_default_accepted_by_legacy_policy() {
    let xml =
        signer().digest_algorithm(DigestAlgorithm::Sha1).sign_enveloped(&response(), "_resp").expect("signs");
    let e = refusal(&xml);
    assert_eq!(
        e.kind(),
        &DsigErrorKind::AlgorithmRefused {
            role: "digest",
            uri: "http://www.w3.org/2000/09/xmldsig#sha1".into(),
            reason: "SHA-1 is refused unless the legacy SHA-1 policy is chosen".into()
        }
    );
    let doc = Document::parse_str(&xml).expect("parses");
    let v = verify_document(&doc, &[cert("rsa2048")], &strict().legacy_allow_sha1()).expect("legacy accepts");
    assert_eq!(v.digest_algorithm(), DigestAlgorithm::Sha1);
}

#[test]
fn rsa_sha1_refused_by_default_accepted_by_legacy_policy() {
    // samlguard's signer does not make RSA-SHA1 (ring only verifies it) ...
    let err = signer()
        .signature_algorithm(SignatureAlgorithm::RsaSha1)
        .sign_enveloped(&response(), "_resp")
        .unwrap_err();
    assert!(matches!(err, SignError::Key(_)), "{err}");
    // ... so the SignedInfo is re-signed with openssl.
    let xml =
        signer().digest_algorithm(DigestAlgorithm::Sha1).sign_enveloped(&response(), "_resp").expect("signs");
    let xml = replace_once(
        &xml,
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    );
    let xml = resign_with_openssl(&xml, "rsa2048.key", "sha1");
    let e = refusal(&xml);
    assert_eq!(
        e.kind(),
        &DsigErrorKind::AlgorithmRefused {
            role: "signature",
            uri: "http://www.w3.org/2000/09/xmldsig#rsa-sha1".into(),
            reason: "SHA-1 is refused unless the legacy SHA-1 policy is chosen".into()
        }
    );
    let doc = Document::parse_str(&xml).expect("parses");
    let v = verify_document(&doc, &[cert("rsa2048")], &strict().legacy_allow_sha1()).expect("legacy accepts");
    assert_eq!(v.signature_algorithm(), SignatureAlgorithm::RsaSha1);
    assert_eq!(v.digest_algorithm(), DigestAlgorithm::Sha1);
    // Under the legacy policy it is a real verification: a changed value still fails.
    let tampered = replace_once(&xml, "alice@", "admin@");
    let doc = Document::parse_str(&tampered).expect("parses");
    let e = verify_document(&doc, &[cert("rsa2048")], &strict().legacy_allow_sha1()).expect_err("must fail");
    assert_eq!(e.kind(), &DsigErrorKind::DigestMismatch { id: "_resp".into() });
}

#[test]
fn hmac_signature_method_is_refused() {
    for hmac in
        ["http://www.w3.org/2000/09/xmldsig#hmac-sha1", "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"]
    {
        let xml = replace_once(&signed_response(), "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", hmac);
        for policy in [strict(), strict().legacy_allow_sha1()] {
            let e = verify(&xml, &[cert("rsa2048")], &policy).expect_err("must fail");
            assert!(
                matches!(e.kind(), DsigErrorKind::AlgorithmRefused { role: "signature", uri, reason } if uri == hmac && reason.contains("HMAC")),
                "{:?}",
                e.kind()
            );
        }
    }
}

#[test]
fn hmac_output_length_child_is_malformed() {
    let xml = replace_once(
        &signed_response(),
        r#"<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>"#,
        r#"<ds:SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1"><ds:HMACOutputLength>40</ds:HMACOutputLength></ds:SignatureMethod>"#,
    );
    assert!(matches!(refusal(&xml).kind(), DsigErrorKind::Malformed(m) if m.contains("HMACOutputLength")));
}

#[test]
fn unknown_algorithms_are_unknown_algorithm() {
    let xml = replace_once(
        &signed_response(),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "urn:example:rsa-sha999",
    );
    assert_eq!(
        refusal(&xml).kind(),
        &DsigErrorKind::UnknownAlgorithm { role: "signature", uri: "urn:example:rsa-sha999".into() }
    );
    let xml =
        replace_once(&signed_response(), "http://www.w3.org/2001/04/xmlenc#sha256", "urn:example:sha999");
    assert_eq!(
        refusal(&xml).kind(),
        &DsigErrorKind::UnknownAlgorithm { role: "digest", uri: "urn:example:sha999".into() }
    );
    let xml = replace_once(
        &signed_response(),
        r#"<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
        r#"<ds:CanonicalizationMethod Algorithm="urn:example:c14n"/>"#,
    );
    assert_eq!(
        refusal(&xml).kind(),
        &DsigErrorKind::UnknownAlgorithm { role: "canonicalization", uri: "urn:example:c14n".into() }
    );
    // MD5 and SHA-224 are known and refused.
    let xml = replace_once(
        &signed_response(),
        "http://www.w3.org/2001/04/xmlenc#sha256",
        "http://www.w3.org/2001/04/xmldsig-more#md5",
    );
    assert!(matches!(refusal(&xml).kind(), DsigErrorKind::AlgorithmRefused { role: "digest", .. }));
}

// ---------------------------------------------------------------------------------------------
// Structure
// ---------------------------------------------------------------------------------------------

#[test]
fn comment_inside_digest_value_is_malformed() {
    let xml = signed_response();
    let dv = element_text(&xml, "DigestValue").to_string();
    let split = format!("{}<!-- x -->{}", &dv[..10], &dv[10..]);
    let xml = replace_once(&xml, &dv, &split);
    assert!(
        matches!(refusal(&xml).kind(), DsigErrorKind::Malformed(m) if m.contains("DigestValue")),
        "{:?}",
        refusal(&xml).kind()
    );
    // The same inside SignatureValue.
    let xml = signed_response();
    let sv = element_text(&xml, "SignatureValue").to_string();
    let xml = replace_once(&xml, &sv, &format!("{}<!---->{}", &sv[..10], &sv[10..]));
    assert!(matches!(refusal(&xml).kind(), DsigErrorKind::Malformed(m) if m.contains("SignatureValue")));
}

#[test]
fn object_in_signature_is_malformed() {
    let xml = replace_once(
        &signed_response(),
        "</ds:KeyInfo></ds:Signature>",
        r#"</ds:KeyInfo><ds:Object Id="obj"><saml:Assertion ID="_evil"/></ds:Object></ds:Signature>"#,
    );
    assert!(
        matches!(refusal(&xml).kind(), DsigErrorKind::Malformed(m) if m.contains("ds:Object")),
        "{:?}",
        refusal(&xml).kind()
    );
}

#[test]
fn missing_signature_value_is_malformed() {
    let xml = signed_response();
    let sv = format!("<ds:SignatureValue>{}</ds:SignatureValue>", element_text(&xml, "SignatureValue"));
    let xml = replace_once(&xml, &sv, "");
    assert!(matches!(refusal(&xml).kind(), DsigErrorKind::Malformed(m) if m.contains("SignatureValue")));
    // Missing SignedInfo, DigestValue, DigestMethod, and two KeyInfos.
    let xml = signed_response();
    let si_start = xml.find("<ds:SignedInfo>").expect("SignedInfo");
    let si_end = xml.find("</ds:SignedInfo>").expect("end") + "</ds:SignedInfo>".len();
    assert!(matches!(
        refusal(&replace_once(&xml, &xml[si_start..si_end], "")).kind(),
        DsigErrorKind::Malformed(_)
    ));
    let dv = format!("<ds:DigestValue>{}</ds:DigestValue>", element_text(&xml, "DigestValue"));
    assert!(
        matches!(refusal(&replace_once(&xml, &dv, "")).kind(), DsigErrorKind::Malformed(m) if m.contains("DigestValue"))
    );
    let ki_start = xml.find("<ds:KeyInfo>").expect("KeyInfo");
    let ki_end = xml.find("</ds:KeyInfo>").expect("end") + "</ds:KeyInfo>".len();
    let ki = &xml[ki_start..ki_end];
    assert!(
        matches!(refusal(&replace_once(&xml, ki, &format!("{ki}{ki}"))).kind(), DsigErrorKind::Malformed(m) if m.contains("KeyInfo"))
    );
    // Text where only elements belong.
    let xml = replace_once(&xml, "<ds:SignedInfo>", "surprise<ds:SignedInfo>");
    assert!(matches!(refusal(&xml).kind(), DsigErrorKind::Malformed(_)));
}

#[test]
fn signature_in_a_wrong_namespace_is_not_a_signature() {
    for ns in ["http://www.w3.org/2000/09/xmldsig", "http://www.w3.org/2000/09/xmldsig#evil", ""] {
        let xml = replace_once(
            &signed_response(),
            r#"xmlns:ds="http://www.w3.org/2000/09/xmldsig#""#,
            &format!(r#"xmlns:ds="{ns}""#),
        );
        let doc = match Document::parse_str(&xml) {
            Ok(d) => d,
            // An empty prefix binding is not namespace-well-formed XML 1.0: refused by the parser.
            Err(_) if ns.is_empty() => continue,
            Err(e) => panic!("{e}"),
        };
        let e = verify_document(&doc, &[cert("rsa2048")], &strict()).expect_err("must fail");
        assert_eq!(e.kind(), &DsigErrorKind::NoSignature, "{ns}");
        let el = doc.elements().find(|e| e.local_name() == "Signature").expect("element");
        let e = verify_signature(el, &[cert("rsa2048")], &strict()).expect_err("must fail");
        assert_eq!(e.kind(), &DsigErrorKind::NotASignature, "{ns}");
    }
}

#[test]
fn two_signatures_are_multiple_signatures_for_the_document_check() {
    let xml = signer().sign_enveloped(&signed_assertion(), "_resp").expect("signs");
    let doc = Document::parse_str(&xml).expect("parses");
    let e = verify_document(&doc, &[cert("rsa2048")], &strict()).expect_err("must fail");
    assert_eq!(e.kind(), &DsigErrorKind::MultipleSignatures(2));
    // Each verifies on its own, covering its own element.
    let signed: Vec<String> = find_signatures(&doc)
        .into_iter()
        .map(|s| describe(&verify_signature(s, &[cert("rsa2048")], &strict()).expect("verifies")))
        .collect();
    assert_eq!(signed, ["Response#_resp", "Assertion#_assert"]);
}
