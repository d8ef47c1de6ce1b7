//! Hostile message shapes for `benches/hostile.rs` and `examples/hostile_memory.rs`: a SAML Response
//! of a chosen size whose `samlp:Extensions` carries one parser-bomb shape, signed (over the whole
//! Response, with `testdata/keys/rsa2048.key`) so that validation runs every stage — parse, signature
//! search and duplicate-ID scan, C14N and digest of the whole message, RSA, the assertion checks —
//! rather than stopping at the first mismatch. A shape that the default parse limits refuse cannot be
//! signed (the signer parses with the same limits) and is measured unsigned: it is refused while parsing.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use samlguard::{
    Certificate, IdentityProvider, ReplayCache, ServiceProvider, Signer, SigningKey, SsoRequest, StoreError,
    Validator,
};

const KEY_PEM: &[u8] = include_bytes!("../../testdata/keys/rsa2048.key");
const CERT_PEM: &[u8] = include_bytes!("../../testdata/keys/rsa2048.crt");

const SP: &str = "https://sp.example.com/saml/metadata";
const ACS: &str = "https://sp.example.com/saml/acs";
const IDP: &str = "https://idp.example.com/metadata";
const RESPONSE_ID: &str = "_8f0d2c6e4b1a4f7e9c3d5a7b9e1f3a5c";
const ISSUED: &str = "2030-01-01T12:00:00Z";

/// Sizes measured: up to the default `max_response_bytes` (1 MiB).
pub const SIZES: [usize; 3] = [64 * 1024, 256 * 1024, 1024 * 1024];

/// The shapes, by name, with what each one stresses.
pub const SHAPES: [(&str, &str); 11] = [
    ("baseline", "ordinary attribute values (a large but honest response)"),
    ("ns_heavy", "elements with 200 xmlns declarations and 50 prefixed attributes each"),
    ("ns_deep", "120 nested levels, each declaring 200 prefixes; the innermost uses prefixes from all"),
    ("attr_heavy", "elements with 250 attributes each (the default limit is 256)"),
    ("attr_bomb", "one element with as many attributes as fit"),
    ("deep_at_limit", "chains nested 120 deep (the default limit is 128), repeated"),
    ("deep_bomb", "one chain nested as deep as fits"),
    ("long_text", "one text node, with escapes, filling the message"),
    ("siblings", "many empty sibling elements"),
    ("many_ids", "empty elements with unique ID attributes"),
    ("many_signatures", "decoy ds:Signature elements, each referencing its own ID'd element"),
];

/// A replay cache that never remembers, so that validating the same accepted message again costs the
/// same as the first time.
pub struct NoReplay;

impl ReplayCache for NoReplay {
    fn contains(&self, _id: &str, _now: DateTime<Utc>) -> Result<bool, StoreError> {
        Ok(false)
    }
    fn insert_if_absent(
        &self,
        _id: &str,
        _e: DateTime<Utc>,
        _now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(true)
    }
}

/// The validator with the library's default limits, trusting the signing certificate.
pub fn validator() -> Validator {
    let cert = Certificate::from_pem(CERT_PEM).expect("rsa2048.crt");
    let sp = ServiceProvider::builder(SP, ACS).build().expect("SP");
    let idp = IdentityProvider::builder(IDP).certificate(cert).build();
    Validator::builder(sp, idp).replay_cache(std::sync::Arc::new(NoReplay)).build()
}

/// When the messages are judged: 30 s after they were issued.
pub fn now() -> DateTime<Utc> {
    ISSUED.parse::<DateTime<Utc>>().expect("issue time") + chrono::Duration::seconds(30)
}

/// The request for a message (raw XML, as the benchmark measures).
pub fn request(xml: &[u8]) -> SsoRequest {
    SsoRequest::xml(xml, now())
}

fn response(extensions: &str) -> String {
    let t = ISSUED;
    format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{RESPONSE_ID}" Version="2.0" IssueInstant="{t}" Destination="{ACS}"><saml:Issuer>{IDP}</saml:Issuer><samlp:Extensions>{extensions}</samlp:Extensions><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="_3c5e7a9b1d2f4e6a8c0b2d4f6a8c0e2b" Version="2.0" IssueInstant="{t}"><saml:Issuer>{IDP}</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">alice@example.com</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="2030-01-01T12:05:00Z" Recipient="{ACS}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="2030-01-01T11:59:55Z" NotOnOrAfter="2030-01-01T13:00:00Z"><saml:AudienceRestriction><saml:Audience>{SP}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="2030-01-01T11:59:58Z" SessionIndex="_5b7d9f1a3c5e7a9b1d3f5a7c"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>alice@example.com</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>"#
    )
}

/// What the Response costs besides the hostile content, the signature included.
const OVERHEAD: usize = 1700 + 2400;

/// Appends `unit(i)` for i = 0, 1, … while the result stays within `budget` bytes.
fn fill(out: &mut String, budget: usize, mut unit: impl FnMut(usize) -> String) {
    let start = out.len();
    for i in 0.. {
        let u = unit(i);
        if out.len() - start + u.len() > budget {
            break;
        }
        out.push_str(&u);
    }
}

fn prefixes(out: &mut String, from: usize, n: usize) {
    for p in from..from + n {
        let _ = write!(out, r#" xmlns:p{p}="urn:example:ns:{p}""#);
    }
}

/// The hostile content (the inside of `samlp:Extensions`) of about `budget` bytes.
fn content(shape: &str, budget: usize) -> String {
    let mut s = String::with_capacity(budget + 4096);
    match shape {
        "baseline" => fill(&mut s, budget, |i| {
            format!(
                "<saml:Attribute Name=\"group{i}\"><saml:AttributeValue>cn=group-{i},ou=groups,dc=example,dc=com</saml:AttributeValue></saml:Attribute>"
            )
        }),
        "ns_heavy" => fill(&mut s, budget, |i| {
            let mut e = format!("<p{}:e", i % 200);
            prefixes(&mut e, 0, 200);
            for p in 0..50 {
                let _ = write!(e, r#" p{}:a="{i}""#, (p * 4 + i) % 200);
            }
            let _ = write!(e, "/>");
            e
        }),
        "ns_deep" => {
            // A block: `depth` nested levels each redeclaring the same 200 prefixes (other URIs), and
            // innermost an element with an attribute in each. As deep as fits (at most 120), repeated.
            let block = |depth: usize, b: usize| {
                let mut x = String::new();
                for d in 0..depth {
                    let _ = write!(x, "<p{d}:l");
                    for p in 0..200 {
                        let _ = write!(x, r#" xmlns:p{p}="urn:example:ns:{b}:{d}:{p}""#);
                    }
                    x.push('>');
                }
                x.push_str("<p0:x");
                for p in 0..200 {
                    let _ = write!(x, r#" p{p}:a="v""#);
                }
                x.push_str("/>");
                for d in (0..depth).rev() {
                    let _ = write!(x, "</p{d}:l>");
                }
                x
            };
            let depth = (1..=120).take_while(|&d| block(d, 0).len() <= budget).last().unwrap_or(1);
            fill(&mut s, budget, |b| block(depth, b));
        }
        "attr_heavy" => fill(&mut s, budget, |i| {
            let mut e = String::from("<e");
            for a in 0..250 {
                let _ = write!(e, r#" a{a}="{i}""#);
            }
            e.push_str("/>");
            e
        }),
        "attr_bomb" => {
            s.push_str("<e");
            fill(&mut s, budget, |a| format!(r#" a{a}="v""#));
            s.push_str("/>");
        }
        "deep_at_limit" => {
            let chain = |i: usize| format!("{}{i}{}", "<d>".repeat(120), "</d>".repeat(120));
            fill(&mut s, budget, chain);
        }
        "deep_bomb" => {
            let n = budget / 7;
            s.push_str(&"<d>".repeat(n));
            s.push_str(&"</d>".repeat(n));
        }
        "long_text" => {
            s.push_str("<t>");
            fill(&mut s, budget, |i| {
                if i % 8 == 0 {
                    "&lt;tag attr=&quot;v&quot;&gt; &amp; ".to_string()
                } else {
                    "plain text 0123456789 ".to_string()
                }
            });
            s.push_str("</t>");
        }
        "siblings" => fill(&mut s, budget, |_| "<e/>".to_string()),
        "many_ids" => fill(&mut s, budget, |i| format!(r#"<e ID="_id{i}"/>"#)),
        "many_signatures" => fill(&mut s, budget, |i| {
            format!(
                r##"<e ID="_id{i}">v</e><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:Reference URI="#_id{i}"><ds:DigestValue>AA==</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>AA==</ds:SignatureValue></ds:Signature>"##
            )
        }),
        other => panic!("unknown shape {other}"),
    }
    s
}

/// The message of `shape` of at most `size` bytes, and whether it is signed (a shape the parse limits
/// refuse cannot be).
pub fn message(shape: &str, size: usize) -> (Vec<u8>, bool) {
    let unsigned = response(&content(shape, size.saturating_sub(OVERHEAD)));
    let key = SigningKey::from_pkcs8_pem(KEY_PEM).expect("rsa2048.key");
    let cert = Certificate::from_pem(CERT_PEM).expect("rsa2048.crt");
    let (xml, signed) = match Signer::new(key, cert).sign_enveloped(&unsigned, RESPONSE_ID) {
        Ok(signed) => (signed, true),
        Err(_) => (unsigned, false),
    };
    assert!(xml.len() <= size, "{shape} at {size}: {} bytes", xml.len());
    (xml.into_bytes(), signed)
}
