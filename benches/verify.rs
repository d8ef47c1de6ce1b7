//! How long verifying a signed SAML Response takes, next to a floor measured in the same run.
//!
//! Two inputs of the same shape — a Response with Issuer, Status and one Assertion (Subject, Conditions,
//! AuthnStatement, AttributeStatement) — of 6.8 KB (ten attributes) and 200 KB (the same plus group
//! memberships). Both are built and signed, the Response by `testdata/keys/rsa2048.key`, at setup outside
//! the timed loops, so no generated file can go stale.
//!
//! For each size, one group holds:
//! - `samlguard/verify_document`: `Document::parse` + `verify_document`, from bytes;
//! - `samlguard/parse` and `samlguard/c14n_exclusive` (of the root element of an already parsed
//!   document), to explain where the time goes;
//! - `floor/parse_digest_verify`: what any verifier must at least do — one quick-xml event pass over the
//!   same bytes, SHA-256 of the same bytes, one RSA-2048 PKCS#1 SHA-256 verification — and its pieces
//!   `floor/quick_xml_pass`, `floor/sha256`, `floor/rsa_verify`.
//!
//! The ratio `samlguard/verify_document` / `floor/parse_digest_verify` is what to watch.
//!
//! Run with `cargo bench --bench verify`; measuring takes about 70 s on 2 cores
//! (plus the build).

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{
    BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime,
};
use quick_xml::Reader;
use quick_xml::events::Event;
use ring::digest;
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use samlguard::{
    AlgorithmPolicy, C14nAlgorithm, Certificate, DSIG_NS, Document, PublicKey, SignatureScheme, Signer,
    SigningKey, Subtree, canonicalize, verify_document,
};

const KEY_PEM: &[u8] = include_bytes!("../testdata/keys/rsa2048.key");
const CERT_PEM: &[u8] = include_bytes!("../testdata/keys/rsa2048.crt");

const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const RESPONSE_ID: &str = "_8e8dc5f69a98cc4c1ff3427e5ce34606fd672f91e6";

/// The ten attributes a typical enterprise IdP releases: (OID name, friendly name, values).
const BASE_ATTRIBUTES: [(&str, &str, &[&str]); 10] = [
    ("urn:oid:0.9.2342.19200300.100.1.1", "uid", &["alice"]),
    ("urn:oid:0.9.2342.19200300.100.1.3", "mail", &["alice.liddell@example.com"]),
    ("urn:oid:2.5.4.42", "givenName", &["Alice"]),
    ("urn:oid:2.5.4.4", "sn", &["Liddell"]),
    ("urn:oid:2.16.840.1.113730.3.1.241", "displayName", &["Alice Liddell"]),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "eduPersonPrincipalName", &["alice@example.com"]),
    (
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.9",
        "eduPersonScopedAffiliation",
        &["member@example.com", "staff@example.com"],
    ),
    ("urn:oid:2.5.4.12", "title", &["Senior Engineer"]),
    ("urn:oid:2.16.840.1.113730.3.1.3", "employeeNumber", &["004217"]),
    (
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.7",
        "eduPersonEntitlement",
        &["urn:mace:example.com:entitlement:wiki", "urn:mace:example.com:entitlement:mail"],
    ),
];

fn push_attribute(out: &mut String, name: &str, friendly: &str, values: &[String]) {
    let _ = writeln!(
        out,
        r#"<saml:Attribute Name="{name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri" FriendlyName="{friendly}">"#
    );
    for v in values {
        let _ = writeln!(out, r#"<saml:AttributeValue xsi:type="xs:string">{v}</saml:AttributeValue>"#);
    }
    out.push_str("</saml:Attribute>\n");
}

/// An unsigned Response whose length is at least `min_len` bytes: the ten base attributes, then
/// group-membership attributes of 25 values each until the length is reached.
fn response_xml(min_len: usize) -> String {
    let mut attrs = String::new();
    for (name, friendly, values) in BASE_ATTRIBUTES {
        let values: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
        push_attribute(&mut attrs, name, friendly, &values);
    }
    // The fixed part and the signature come to about 4.5 KB.
    let mut n = 0;
    while attrs.len() + 4600 < min_len {
        let values: Vec<String> =
            (0..25).map(|i| format!("cn=grp-{n:03}-{i:02},ou=Groups,dc=corp,dc=example,dc=com")).collect();
        push_attribute(
            &mut attrs,
            &format!("urn:example:attribute:groups:{n}"),
            &format!("groups{n}"),
            &values,
        );
        n += 1;
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="{RESPONSE_ID}" Version="2.0" IssueInstant="2025-03-14T09:26:53Z" Destination="https://sp.example.com/saml/acs" InResponseTo="ONELOGIN_4fee3b046395c4e751011e97f8900b5273d56685">
<saml:Issuer>https://idp.example.com/saml/metadata</saml:Issuer>
<samlp:Status>
<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>
</samlp:Status>
<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="_d71a3a8e9fcc45c9e9d248ef7049393fc8f04e5f75" Version="2.0" IssueInstant="2025-03-14T09:26:53Z">
<saml:Issuer>https://idp.example.com/saml/metadata</saml:Issuer>
<saml:Subject>
<saml:NameID SPNameQualifier="https://sp.example.com/saml/metadata" Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">_ce3d2948b4cf20146dee0a0b3dd6f69b6cf86f62d7</saml:NameID>
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
<saml:SubjectConfirmationData NotOnOrAfter="2025-03-14T09:31:53Z" Recipient="https://sp.example.com/saml/acs" InResponseTo="ONELOGIN_4fee3b046395c4e751011e97f8900b5273d56685"/>
</saml:SubjectConfirmation>
</saml:Subject>
<saml:Conditions NotBefore="2025-03-14T09:26:23Z" NotOnOrAfter="2025-03-14T09:31:53Z">
<saml:AudienceRestriction>
<saml:Audience>https://sp.example.com/saml/metadata</saml:Audience>
</saml:AudienceRestriction>
</saml:Conditions>
<saml:AuthnStatement AuthnInstant="2025-03-14T09:26:51Z" SessionNotOnOrAfter="2025-03-14T17:26:53Z" SessionIndex="_be9967abd904ddcae3c0eb4189adbe3f71e327cf93">
<saml:AuthnContext>
<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>
</saml:AuthnContext>
</saml:AuthnStatement>
<saml:AttributeStatement>
{attrs}</saml:AttributeStatement>
</saml:Assertion>
</samlp:Response>
"#
    )
}

/// Everything one size's benchmarks need, prepared outside the timed loops.
struct Input {
    name: &'static str,
    bytes: Vec<u8>,
    trusted: Vec<Certificate>,
    rsa: RsaPublicKeyComponents<Vec<u8>>,
    /// The canonical SignedInfo of the signed response, and an RSA PKCS#1 SHA-256 signature over it.
    signed_info: Vec<u8>,
    rsa_signature: Vec<u8>,
}

fn prepare(name: &'static str, min_len: usize) -> Input {
    let key = SigningKey::from_pkcs8_pem(KEY_PEM).expect("testdata/keys/rsa2048.key loads");
    let cert = Certificate::from_pem(CERT_PEM).expect("testdata/keys/rsa2048.crt loads");
    let signer = Signer::new(key.clone(), cert.clone());
    let signed = signer.sign_enveloped(&response_xml(min_len), RESPONSE_ID).expect("the response signs");
    let bytes = signed.into_bytes();

    let doc = Document::parse(&bytes).expect("the signed response parses");
    let verified =
        verify_document(&doc, std::slice::from_ref(&cert), &AlgorithmPolicy::default()).expect("it verifies");
    assert!(verified.signed_element().is(SAMLP, "Response"), "the Response is what is signed");
    let si = verified.signature_element().child_named(DSIG_NS, "SignedInfo").expect("SignedInfo");
    let signed_info = canonicalize(&doc, &Subtree::element(si), C14nAlgorithm::Exclusive, &[]).expect("c14n");
    let rsa_signature = key.sign(SignatureScheme::RsaPkcs1Sha256, &signed_info).expect("RSA signs");
    let PublicKey::Rsa { modulus, exponent, .. } = cert.public_key().clone() else {
        panic!("rsa2048.crt holds an RSA key");
    };
    let rsa = RsaPublicKeyComponents { n: modulus, e: exponent };
    rsa.verify(&RSA_PKCS1_2048_8192_SHA256, &signed_info, &rsa_signature)
        .expect("the floor signature verifies");
    eprintln!("{name}: {} bytes, signed by {}", bytes.len(), cert.subject());
    Input { name, bytes, trusted: vec![cert], rsa, signed_info, rsa_signature }
}

fn quick_xml_pass(xml: &str) -> usize {
    let mut reader = Reader::from_str(xml);
    let mut events = 0;
    loop {
        match reader.read_event().expect("well-formed") {
            Event::Eof => return events,
            event => {
                black_box(&event);
                events += 1;
            }
        }
    }
}

fn sha256(bytes: &[u8]) -> digest::Digest {
    digest::digest(&digest::SHA256, bytes)
}

fn rsa_verify(input: &Input) {
    input
        .rsa
        .verify(&RSA_PKCS1_2048_8192_SHA256, black_box(&input.signed_info), black_box(&input.rsa_signature))
        .expect("verifies");
}

fn bench_size(group: &mut BenchmarkGroup<'_, WallTime>, input: &Input) {
    let bytes = input.bytes.as_slice();
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let policy = AlgorithmPolicy::default();

    group.bench_function("samlguard/verify_document", |b| {
        b.iter(|| {
            let doc = Document::parse(black_box(bytes)).expect("parses");
            let verified = verify_document(&doc, &input.trusted, &policy).expect("verifies");
            black_box(verified.signed_element().id());
        })
    });
    group
        .bench_function("samlguard/parse", |b| b.iter(|| Document::parse(black_box(bytes)).expect("parses")));
    let doc = Document::parse(bytes).expect("parses");
    let root = Subtree::element(doc.root_element());
    group.bench_function("samlguard/c14n_exclusive", |b| {
        b.iter(|| canonicalize(black_box(&doc), &root, C14nAlgorithm::Exclusive, &[]).expect("c14n"))
    });

    group.bench_function("floor/parse_digest_verify", |b| {
        b.iter(|| {
            black_box(quick_xml_pass(black_box(text)));
            black_box(sha256(black_box(bytes)));
            rsa_verify(input);
        })
    });
    group.bench_function("floor/quick_xml_pass", |b| b.iter(|| quick_xml_pass(black_box(text))));
    group.bench_function("floor/sha256", |b| b.iter(|| sha256(black_box(bytes))));
    group.bench_function("floor/rsa_verify", |b| b.iter(|| rsa_verify(input)));
}

fn benches(c: &mut Criterion) {
    for input in [prepare("response-6k", 6 * 1024), prepare("response-200k", 200 * 1024)] {
        let mut group = c.benchmark_group(input.name);
        group.throughput(Throughput::Bytes(input.bytes.len() as u64));
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(3));
        group.sample_size(50);
        bench_size(&mut group, &input);
        group.finish();
    }
}

criterion_group!(verify, benches);
criterion_main!(verify);
