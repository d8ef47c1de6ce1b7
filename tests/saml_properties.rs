//! Properties of the validator, checked with proptest:
//!
//! 1. Changing any single byte inside the signed assertion of a valid response never yields acceptance
//!    (ADFS flavor: only the assertion is signed; Okta flavor: Response and assertion both signed).
//! 2. Validating arbitrary input — bytes, strings, mutations of a valid base64 body or of valid XML —
//!    never panics, through every input form.
#![cfg(feature = "testkit")]

use std::ops::Range;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use samlguard::testkit::ResponseBuilder;
use samlguard::{Certificate, IdentityProvider, ServiceProvider, SigningKey, SsoRequest, Validator};

const IDP: &str = "https://idp.example.com/metadata";
const SP: &str = "https://sp.example.com/saml/metadata";
const ACS: &str = "https://sp.example.com/saml/acs";

fn now() -> DateTime<Utc> {
    "2030-01-01T12:00:00Z".parse().unwrap()
}

fn keys(name: &str) -> String {
    format!("{}/testdata/keys/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn trusted() -> Certificate {
    Certificate::from_pem(&std::fs::read(keys("rsa2048.crt")).unwrap()).unwrap()
}

fn signing_key() -> SigningKey {
    SigningKey::from_pkcs8_pem(&std::fs::read(keys("rsa2048.key")).unwrap()).unwrap()
}

/// A fresh validator (fresh replay cache) with the strictest useful settings.
fn validator() -> Validator {
    let sp = ServiceProvider::builder(SP, ACS).build().unwrap();
    let idp = IdentityProvider::builder(IDP).certificate(trusted()).build();
    Validator::builder(sp, idp).build()
}

/// A valid signed response and the byte positions inside its assertion that a mutation may hit.
struct Fixture {
    xml: Vec<u8>,
    positions: Vec<usize>,
}

fn find(hay: &str, needle: &str, from: usize) -> usize {
    from + hay[from..].find(needle).unwrap_or_else(|| panic!("{needle:?} not found"))
}

/// The byte positions of the element `<prefix:Assertion …>…</prefix:Assertion>`, minus the ranges that
/// are not signed content, where a change is not tampering:
///
/// * `unsigned`: the text of `ds:X509Certificate` in the assertion signature's `KeyInfo` when nothing
///   else signs it (ADFS). KeyInfo is outside what the signature covers (the enveloped transform removes
///   the whole Signature, and SignedInfo does not include KeyInfo); the SP verifies with its trusted
///   certificate and reads KeyInfo only to explain failures (code 8).
/// * always: the prefix name in the assertion's own `xmlns:PREFIX="urn:…:assertion"` declaration. The
///   Response root declares the same prefix for the same URI, so renaming the assertion's copy leaves an
///   unused declaration and every element in the same namespace: an XML-equivalent document whose
///   exclusive canonical form is byte-identical (exc-C14N drops unused declarations). Accepting it is
///   correct.
///
/// Both exceptions were found by an exhaustive sweep (every position × every printable ASCII byte,
/// white space and high bytes); no other single-byte change inside the assertion was accepted.
fn fixture(b: ResponseBuilder, prefix: &str, keyinfo_unsigned: bool) -> Fixture {
    let xml = b.build().unwrap();
    let start = find(&xml, &format!("<{prefix}:Assertion"), 0);
    let close = format!("</{prefix}:Assertion>");
    let end = find(&xml, &close, start) + close.len();
    let mut excluded: Vec<Range<usize>> = Vec::new();
    let decl = format!("xmlns:{prefix}=");
    let d = find(&xml, &decl, start) + "xmlns:".len();
    assert!(d < find(&xml, ">", start), "the assertion declares its own prefix");
    excluded.push(d..d + prefix.len());
    if keyinfo_unsigned {
        let open = "<ds:X509Certificate>";
        let s = find(&xml, open, start) + open.len();
        let e = find(&xml, "</ds:X509Certificate>", s);
        assert!(e < end);
        excluded.push(s..e);
    }
    let positions = (start..end).filter(|p| !excluded.iter().any(|r| r.contains(p))).collect();
    Fixture { xml: xml.into_bytes(), positions }
}

static ADFS: LazyLock<Fixture> = LazyLock::new(|| {
    fixture(ResponseBuilder::adfs(IDP, SP, ACS, now()).sign_with(signing_key(), trusted()), "saml", true)
});

static OKTA: LazyLock<Fixture> = LazyLock::new(|| {
    fixture(ResponseBuilder::okta(IDP, SP, ACS, now()).sign_with(signing_key(), trusted()), "saml2", false)
});

/// Text bytes a replacement may use: printable ASCII and the XML white space characters.
fn text_bytes() -> Vec<u8> {
    let mut v: Vec<u8> = (0x20u8..=0x7e).collect();
    v.extend_from_slice(b"\t\n\r");
    v
}

/// The replacement for `original`, chosen by `pick`: a different text byte; a white-space byte is only
/// replaced by a non-white-space one (white space between attributes is canonicalized away, so
/// swapping a space for a tab there is not a change of the signed content).
fn replacement(original: u8, pick: usize) -> u8 {
    let all = text_bytes();
    (0..all.len())
        .map(|i| all[(pick + i) % all.len()])
        .find(|&c| c != original && !(original.is_ascii_whitespace() && c.is_ascii_whitespace()))
        .unwrap()
}

fn mutate(f: &Fixture, pos_index: prop::sample::Index, pick: usize) -> (usize, u8, Vec<u8>) {
    let pos = f.positions[pos_index.index(f.positions.len())];
    let mut m = f.xml.clone();
    let c = replacement(m[pos], pick);
    m[pos] = c;
    (pos, c, m)
}

fn context(m: &[u8], pos: usize) -> String {
    String::from_utf8_lossy(&m[pos.saturating_sub(40)..(pos + 20).min(m.len())]).into_owned()
}

#[test]
fn fixtures_are_valid_unmutated() {
    for f in [&*ADFS, &*OKTA] {
        let login = validator().validate(&SsoRequest::xml(&f.xml, now())).unwrap();
        assert!(login.assertion_signed);
        assert!(f.positions.len() > 2500, "{} positions", f.positions.len());
    }
    assert!(!validator().validate(&SsoRequest::xml(&ADFS.xml, now())).unwrap().response_signed);
    assert!(validator().validate(&SsoRequest::xml(&OKTA.xml, now())).unwrap().response_signed);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, failure_persistence: None, ..ProptestConfig::default() })]

    /// ADFS shape: the assertion alone is signed.
    #[test]
    fn adfs_single_byte_change_in_assertion_is_refused(pos in any::<prop::sample::Index>(), pick in 0usize..128) {
        let (p, c, m) = mutate(&ADFS, pos, pick);
        let r = validator().validate(&SsoRequest::xml(&m, now()));
        prop_assert!(r.is_err(), "byte {p} changed to {:?} was accepted: …{}…", c as char, context(&m, p));
    }

    /// Okta shape: Response and assertion both signed.
    #[test]
    fn okta_single_byte_change_in_assertion_is_refused(pos in any::<prop::sample::Index>(), pick in 0usize..128) {
        let (p, c, m) = mutate(&OKTA, pos, pick);
        let r = validator().validate(&SsoRequest::xml(&m, now()));
        prop_assert!(r.is_err(), "byte {p} changed to {:?} was accepted: …{}…", c as char, context(&m, p));
    }

    /// The same through the POST binding: the mutated XML, base64-encoded in a form body.
    #[test]
    fn okta_single_byte_change_via_form_is_refused(pos in any::<prop::sample::Index>(), pick in 0usize..128) {
        use base64::Engine as _;
        let (p, c, m) = mutate(&OKTA, pos, pick);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&m);
        let body = format!("SAMLResponse={}&RelayState=x", b64.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D"));
        let r = validator().validate(&SsoRequest::form("POST", body.as_bytes(), now()));
        prop_assert!(r.is_err(), "byte {p} changed to {:?} was accepted: …{}…", c as char, context(&m, p));
    }
}

// ------------------------------------------------------------------------------------------------
// never panics
// ------------------------------------------------------------------------------------------------

static VALID_B64: LazyLock<String> = LazyLock::new(|| {
    ResponseBuilder::okta(IDP, SP, ACS, now()).sign_with(signing_key(), trusted()).build_base64().unwrap()
});

/// Runs every input form on `input`; a panic fails the property (proptest reports it with the input).
fn all_forms(input: &[u8]) {
    let v = validator();
    let lossy = String::from_utf8_lossy(input);
    for method in ["POST", "GET", "post"] {
        let _ = v.validate(&SsoRequest::detect(method, input, now()));
    }
    let _ = v.validate(&SsoRequest::xml(input, now()));
    let _ = v.validate(&SsoRequest::form("POST", input, now()).request_id("_req-1"));
    let _ = v.validate(&SsoRequest::saml_response(&lossy, now()));
}

#[derive(Clone, Debug)]
enum Mutation {
    Replace(prop::sample::Index, u8),
    Delete(prop::sample::Index, usize),
    Insert(prop::sample::Index, Vec<u8>),
    Truncate(prop::sample::Index),
    Duplicate(prop::sample::Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Replace(i, b)),
        (any::<prop::sample::Index>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<prop::sample::Index>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
        any::<prop::sample::Index>().prop_map(Mutation::Truncate),
        (any::<prop::sample::Index>(), 1usize..256).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
    ]
}

fn apply(mut data: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        if data.is_empty() {
            break;
        }
        let len = data.len();
        match m {
            Mutation::Replace(i, b) => {
                let i = i.index(len);
                data[i] = *b;
            }
            Mutation::Delete(i, n) => {
                let i = i.index(len);
                data.drain(i..(i + n).min(len));
            }
            Mutation::Insert(i, v) => {
                let i = i.index(len);
                data.splice(i..i, v.iter().copied());
            }
            Mutation::Truncate(i) => data.truncate(i.index(len)),
            Mutation::Duplicate(i, n) => {
                let i = i.index(len);
                let chunk: Vec<u8> = data[i..(i + n).min(len)].to_vec();
                data.splice(i..i, chunk);
            }
        }
    }
    data
}

/// XML-ish fragments, so that random strings reach the parser and the SAML checks, not only base64.
fn xmlish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_r\" Version=\"2.0\" IssueInstant=\"2030-01-01T12:00:00Z\">".to_string()),
        Just("</samlp:Response>".to_string()),
        Just("<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_a\" Version=\"2.0\">".to_string()),
        Just("</saml:Assertion>".to_string()),
        Just("<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>".to_string()),
        Just("<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>".to_string()),
        Just("<ds:Reference URI=\"#_a\">".to_string()),
        Just("</ds:SignedInfo></ds:Signature>".to_string()),
        Just("<!DOCTYPE x>".to_string()),
        Just("<!-- c -->".to_string()),
        Just("&amp;&#x10FFFF;&#0;&bogus;".to_string()),
        Just("<![CDATA[x]]>".to_string()),
        "[<>/=\"' a-zA-Z:_#&;0-9\u{80}-\u{10FFFF}]{0,24}",
    ];
    prop::collection::vec(token, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(input in prop::collection::vec(any::<u8>(), 0..2048)) {
        all_forms(&input);
    }

    #[test]
    fn arbitrary_strings_never_panic(input in ".{0,512}") {
        all_forms(input.as_bytes());
    }

    #[test]
    fn xmlish_strings_never_panic(input in xmlish()) {
        all_forms(input.as_bytes());
    }

    #[test]
    fn mutated_base64_body_never_panics(mutations in prop::collection::vec(mutation(), 1..6)) {
        let data = apply(VALID_B64.as_bytes().to_vec(), &mutations);
        all_forms(&data);
        let mut body = b"SAMLResponse=".to_vec();
        body.extend_from_slice(&data);
        body.extend_from_slice(b"&RelayState=%2F");
        let _ = validator().validate(&SsoRequest::form("POST", &body, now()));
    }

    #[test]
    fn mutated_xml_never_panics(mutations in prop::collection::vec(mutation(), 1..6)) {
        let data = apply(OKTA.xml.clone(), &mutations);
        all_forms(&data);
    }
}
