//! The fuzz targets' bodies, shared by the targets (`fuzz_targets/*.rs`, through `#[path]`) and by
//! `tests/fuzz_regressions.rs`, which replays committed inputs through exactly the same code. Each
//! function panics only on a bug in samlguard (an `assert!` here states a property of the library).
//!
//! Dependencies: samlguard, chrono, base64, percent-encoding (all of them samlguard's own).

use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use samlguard::{
    AlgorithmPolicy, C14nAlgorithm, Certificate, Document, IdentityProvider, Login, NodeKind,
    ServiceProvider, SsoError, SsoRequest, Subtree, Validator, canonicalize, load_certificates,
    verify_document,
};

const TRUSTED_PEM: &[u8] = include_bytes!("../testdata/keys/rsa2048.crt");

/// `xml_reader`: `Document::parse` on arbitrary bytes; every node and attribute of an accepted document
/// can be read, each child's parent is its parent, and every element's and prefixed attribute's namespace
/// is what its prefix resolves to in scope.
pub fn xml_reader(data: &[u8]) {
    let Ok(doc) = Document::parse(data) else { return };
    for node in doc.nodes() {
        let _ = (node.kind(), node.position());
        for child in node.children() {
            assert_eq!(child.parent().map(|p| p.id()), Some(node.id()));
            assert!(node.contains(child.id()));
        }
        if let NodeKind::Element = node.kind() {
            let el = node.as_element().expect("an Element node is an element");
            let _ = (el.qualified_name(), el.text(), el.in_scope_namespaces());
            assert_eq!(el.lookup_namespace(el.prefix()), el.namespace(), "{}", el.qualified_name());
            for decl in el.namespace_declarations() {
                let _ = (decl.prefix, decl.uri);
            }
            for attr in el.attributes() {
                let _ = (attr.qualified_name(), attr.value());
                match attr.prefix() {
                    None => assert_eq!(attr.namespace(), None, "{}", attr.qualified_name()),
                    prefix => assert_eq!(attr.namespace(), el.lookup_namespace(prefix)),
                }
            }
        }
    }
}

const ALGORITHMS: [C14nAlgorithm; 6] = [
    C14nAlgorithm::Inclusive10,
    C14nAlgorithm::Inclusive10WithComments,
    C14nAlgorithm::Inclusive11,
    C14nAlgorithm::Inclusive11WithComments,
    C14nAlgorithm::Exclusive,
    C14nAlgorithm::ExclusiveWithComments,
];

/// `c14n`: every algorithm on the whole document and on its first five elements; exclusive output
/// parses again, and canonicalizing the whole document's exclusive output again gives the same bytes.
pub fn c14n(data: &[u8]) {
    let Ok(doc) = Document::parse(data) else { return };
    let whole = Subtree::document(&doc);
    let sets = std::iter::once(whole).chain(doc.elements().take(5).map(Subtree::element));
    for (i, set) in sets.enumerate() {
        for alg in ALGORITHMS {
            let Ok(out) = canonicalize(&doc, &set, alg, &[]) else { continue };
            if !alg.is_exclusive() {
                continue;
            }
            let again = Document::parse(&out).unwrap_or_else(|e| {
                panic!("{alg} output does not parse: {e}\n{}", String::from_utf8_lossy(&out))
            });
            if i == 0 {
                let twice = canonicalize(&again, &Subtree::document(&again), alg, &[]).expect("c14n again");
                assert_eq!(
                    String::from_utf8_lossy(&out),
                    String::from_utf8_lossy(&twice),
                    "{alg} is not idempotent"
                );
            }
        }
    }
}

static TRUSTED: LazyLock<[Certificate; 1]> =
    LazyLock::new(|| [Certificate::from_pem(TRUSTED_PEM).expect("rsa2048.crt loads")]);

/// `dsig_verify`: `verify_document` with `testdata/keys/rsa2048.crt` trusted.
pub fn dsig_verify(data: &[u8]) {
    let Ok(doc) = Document::parse(data) else { return };
    let _ = verify_document(&doc, &*TRUSTED, &AlgorithmPolicy::default());
}

/// `pem_certificates`: `load_certificates`; every certificate it returns can be read.
pub fn pem_certificates(data: &[u8]) {
    let Ok(certs) = load_certificates(data) else { return };
    for cert in certs {
        let _ = (cert.subject(), cert.issuer(), cert.serial_hex(), cert.not_before(), cert.not_after());
        let _ = (cert.fingerprint_colon(), cert.public_key().describe());
    }
}

/// The `validate` and `post_body` configuration: the demo SP (`testdata/demo/sp.toml`) with the
/// library's defaults, trusting `rsa2048.crt` for the Okta-shaped issuer of
/// `testdata/demo/response-accepted.b64`.
pub const SP: &str = "https://sp.example.com/saml/metadata";
/// The ACS URL.
pub const ACS: &str = "https://sp.example.com/saml/acs";
/// The IdP entity ID.
pub const IDP: &str = "http://www.okta.com/exk8d2f4h6j8l0n2p4r6";
/// The outstanding request ID that `validate` adds when bit 0x04 of the mode byte is set.
pub const REQUEST_ID: &str = "_fuzz-request";

static CONFIG: LazyLock<(ServiceProvider, IdentityProvider)> = LazyLock::new(|| {
    let sp = ServiceProvider::builder(SP, ACS).build().expect("SP config");
    (sp, IdentityProvider::builder(IDP).certificate(TRUSTED[0].clone()).build())
});

/// The fixed clock: 30 s after the seeds' (and the demo response's) IssueInstant.
pub static NOW: LazyLock<DateTime<Utc>> = LazyLock::new(|| "2030-01-01T12:00:30Z".parse().expect("clock"));

/// A fresh validator (so a fresh replay cache) per input: the outcome depends on the input only.
fn run(request: &SsoRequest) -> Result<Login, SsoError> {
    let (sp, idp) = &*CONFIG;
    let result = Validator::builder(sp.clone(), idp.clone()).build().validate(request);
    match &result {
        Ok(login) => {
            let _ = (&login.name_id.value, login.attribute("email"));
        }
        Err(e) => {
            let _ = (e.code(), e.detail().to_string(), e.to_string());
        }
    }
    result
}

/// `validate`: the whole `Validator::validate`. The first byte is the mode: its two low bits are 0 for
/// raw XML (`SsoRequest::xml`), 1 for an urlencoded POST body (`SsoRequest::form`), 2 or 3 for
/// `SsoRequest::detect`; bit 0x04 adds the outstanding request ID [`REQUEST_ID`]. `None` for an empty
/// input.
pub fn validate(data: &[u8]) -> Option<Result<Login, SsoError>> {
    let (&mode, body) = data.split_first()?;
    let request = match mode & 3 {
        0 => SsoRequest::xml(body, *NOW),
        1 => SsoRequest::form("POST", body, *NOW),
        _ => SsoRequest::detect("POST", body, *NOW),
    };
    let request = if mode & 4 != 0 { request.request_id(REQUEST_ID) } else { request };
    Some(run(&request))
}

/// Only what base64 needs escaped in a form value.
const B64_SPECIALS: &AsciiSet = &percent_encoding::CONTROLS.add(b'+').add(b'/').add(b'=');

fn mime_lines(b64: &str) -> String {
    let mut out = String::with_capacity(b64.len() + b64.len() / 38 + 2);
    for (i, chunk) in b64.as_bytes().chunks(76).enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
    }
    out.push('\n');
    out
}

/// `%2B` → `%2b`: percent-escapes are case-insensitive.
fn lowercase_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut hex_left = 0;
    for c in s.chars() {
        if hex_left > 0 {
            out.push(c.to_ascii_lowercase());
            hex_left -= 1;
        } else {
            out.push(c);
            if c == '%' {
                hex_left = 2;
            }
        }
    }
    out
}

/// The HTTP body `post_body` builds around `payload` for a mode byte (see [`post_body`]).
pub fn post_body_wrapper(mode: u8, payload: &[u8]) -> Vec<u8> {
    match mode % 8 {
        0 => payload.to_vec(),
        1 => STANDARD.encode(payload).into_bytes(),
        2 => mime_lines(&STANDARD.encode(payload)).into_bytes(),
        3 => format!(
            "SAMLResponse={}&RelayState=%2Fhome%3Fa%3D1",
            utf8_percent_encode(&STANDARD.encode(payload), NON_ALPHANUMERIC)
        )
        .into_bytes(),
        4 => format!("SAMLResponse={}&RelayState=x", STANDARD.encode(payload)).into_bytes(),
        5 => {
            let enc = utf8_percent_encode(&STANDARD.encode(payload), B64_SPECIALS).to_string();
            format!("RelayState=&SAMLResponse={}", lowercase_escapes(&enc)).into_bytes()
        }
        6 => format!("SAMLResponse={}", URL_SAFE_NO_PAD.encode(payload)).into_bytes(),
        _ => [b"SAMLResponse=".as_slice(), payload].concat(),
    }
}

/// `post_body`: `SsoRequest::detect` + validate on an HTTP-POST body built around the rest of the
/// input. The first byte chooses the wrapper (`% 8`):
/// 0 the payload as it is; 1 base64; 2 base64 with CRLF every 76 characters and a final newline;
/// 3 `SAMLResponse=<percent-encoded base64>&RelayState=…`; 4 the same with the base64 not encoded
/// (`+` reaches the decoder as a space); 5 RelayState first, then only `+`, `/`, `=` encoded, in lower
/// case; 6 URL-safe base64 without padding (must be refused cleanly); 7 `SAMLResponse=<payload>`.
/// Bit 0x08 hands the body to `SsoRequest::saml_response` (an extracted field value) instead of
/// `detect`. `None` for an empty input.
pub fn post_body(data: &[u8]) -> Option<Result<Login, SsoError>> {
    let (&mode, payload) = data.split_first()?;
    let body = post_body_wrapper(mode, payload);
    let request = if mode & 8 != 0 {
        SsoRequest::saml_response(&String::from_utf8_lossy(&body), *NOW)
    } else {
        SsoRequest::detect("POST", &body, *NOW)
    };
    Some(run(&request))
}
