//! Shared pieces of the attack catalogue (`tests/attacks.rs`): the SP/IdP under attack, the trusted and
//! attacker keys, text surgery on signed XML, re-signing with the trusted key, and the assertions that
//! print the code obtained.
#![allow(dead_code)]

use std::ops::Range;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use samlguard::testkit::ResponseBuilder;
use samlguard::{
    C14nAlgorithm, Certificate, Document, IdentityProvider, Login, ServiceProvider, ServiceProviderBuilder,
    SignatureScheme, Signer, SigningKey, SsoError, SsoRequest, Subtree, Validator, canonicalize,
    find_signatures,
};

pub const IDP: &str = "https://idp.example.com/metadata";
pub const SP: &str = "https://sp.example.com/saml/metadata";
pub const ACS: &str = "https://sp.example.com/saml/acs";
pub const OTHER_IDP: &str = "https://other-idp.example.org/metadata";
pub const OTHER_SP: &str = "https://other-sp.example.net/saml/metadata";
pub const OTHER_ACS: &str = "https://other-sp.example.net/saml/acs";
pub const SAML_NS: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
pub const SAMLP_NS: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
pub const DS_NS: &str = "http://www.w3.org/2000/09/xmldsig#";

/// The user the IdP vouches for, and the one the attacker wants to be.
pub const VICTIM: &str = "alice@example.com";
pub const EVIL: &str = "admin@example.com";

pub fn now() -> DateTime<Utc> {
    "2030-01-01T12:00:00Z".parse().unwrap()
}

pub fn keys(name: &str) -> String {
    format!("{}/testdata/keys/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub fn key(name: &str) -> SigningKey {
    SigningKey::from_pkcs8_pem(&std::fs::read(keys(&format!("{name}.key"))).unwrap()).unwrap()
}

pub fn cert(name: &str) -> Certificate {
    Certificate::from_pem(&std::fs::read(keys(&format!("{name}.crt"))).unwrap()).unwrap()
}

/// The IdP's signing certificate: the only one the validator trusts.
pub fn trusted() -> Certificate {
    cert("rsa2048")
}

pub fn trusted_key() -> SigningKey {
    key("rsa2048")
}

/// ADFS-shaped: only the assertion signed, `samlp:`/`saml:` prefixes.
pub fn adfs() -> ResponseBuilder {
    ResponseBuilder::adfs(IDP, SP, ACS, now()).sign_with(trusted_key(), trusted())
}
/// Entra ID-shaped: only the assertion signed.
pub fn azure() -> ResponseBuilder {
    ResponseBuilder::azure(IDP, SP, ACS, now()).sign_with(trusted_key(), trusted())
}
/// Okta-shaped: Response and assertion signed, `saml2p:`/`saml2:` prefixes.
pub fn okta() -> ResponseBuilder {
    ResponseBuilder::okta(IDP, SP, ACS, now()).sign_with(trusted_key(), trusted())
}
/// Shibboleth-shaped: only the assertion signed, `saml2p:`/`saml2:` prefixes.
pub fn shib() -> ResponseBuilder {
    ResponseBuilder::shibboleth(IDP, SP, ACS, now()).sign_with(trusted_key(), trusted())
}
/// Okta-shaped with only the Response signed (the shape XSW1/XSW2 attack).
pub fn response_signed() -> ResponseBuilder {
    okta().sign_assertion(false)
}

pub fn sp() -> ServiceProviderBuilder {
    ServiceProvider::builder(SP, ACS)
}

pub fn idp() -> IdentityProvider {
    IdentityProvider::builder(IDP).certificate(trusted()).build()
}

pub fn validator_with(sp: ServiceProviderBuilder) -> Validator {
    Validator::builder(sp.build().unwrap(), idp()).build()
}

pub fn validator() -> Validator {
    validator_with(sp())
}

pub fn build(b: &ResponseBuilder) -> String {
    b.build().unwrap()
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn run(v: &Validator, xml: &str) -> Result<Login, SsoError> {
    v.validate(&SsoRequest::xml(xml.as_bytes(), now()))
}

pub fn run_at(v: &Validator, xml: &str, at: DateTime<Utc>) -> Result<Login, SsoError> {
    v.validate(&SsoRequest::xml(xml.as_bytes(), at))
}

/// The same bytes as the three things an ACS can receive: raw XML, the `SAMLResponse` value (base64),
/// and an urlencoded POST body.
pub fn every_form(bytes: &[u8]) -> Vec<(&'static str, SsoRequest)> {
    let value = b64(bytes);
    let body = format!(
        "SAMLResponse={}&RelayState=%2Fhome",
        percent_encoding::utf8_percent_encode(&value, percent_encoding::NON_ALPHANUMERIC)
    );
    vec![
        ("xml", SsoRequest::xml(bytes, now())),
        ("base64", SsoRequest::saml_response(&value, now())),
        ("form", SsoRequest::form("POST", body.as_bytes(), now())),
    ]
}

fn outcome(result: &Result<Login, SsoError>) -> String {
    match result {
        Ok(login) => format!("ACCEPTED (NameID {:?})", login.name_id.value),
        Err(e) => format!("code {} ({}): {}", e.code().code(), e.code().description(), e.detail()),
    }
}

/// Checks the exact SPEC code without panicking: `Err` says what was obtained instead (an acceptance
/// included). Prints the `ATTACK` line either way.
pub fn check_code(id: &str, result: Result<Login, SsoError>, code: u8) -> Result<SsoError, String> {
    eprintln!("ATTACK\t{id}\texpected {code}\tobtained {}", outcome(&result));
    match result {
        Ok(login) => Err(format!(
            "{id}: ATTACK ACCEPTED — expected code {code}, but the validator accepted NameID {:?} (assertion {:?})",
            login.name_id.value, login.assertion_id
        )),
        Err(e) if e.code().code() != code => Err(format!(
            "{id}: expected code {code}, obtained code {} ({}); detail: {}",
            e.code().code(),
            e.code().description(),
            e.detail()
        )),
        Err(e) => {
            let text = e.detail().to_string();
            assert!(!text.contains("PRIVATE KEY"), "{id}: the detail must never carry key material: {text}");
            Ok(e)
        }
    }
}

/// Asserts the exact SPEC code. The message (and an `ATTACK` line on stderr, for the catalogue table)
/// always carries what was obtained. An acceptance is always a failure here.
#[track_caller]
pub fn expect_code(id: &str, result: Result<Login, SsoError>, code: u8) -> SsoError {
    match check_code(id, result, code) {
        Ok(e) => e,
        Err(message) => panic!("{message}"),
    }
}

/// Asserts acceptance (the genuine message, or a shape SPEC accepts), printing what was obtained.
#[track_caller]
pub fn expect_accepted(id: &str, result: Result<Login, SsoError>) -> Login {
    eprintln!("ATTACK\t{id}\texpected accept\tobtained {}", outcome(&result));
    match result {
        Ok(l) => l,
        Err(e) => panic!(
            "{id}: expected acceptance, obtained code {} ({}); detail: {}",
            e.code().code(),
            e.code().description(),
            e.detail()
        ),
    }
}

/// Asserts that the detail mentions `needle` (to show *which* check fired).
#[track_caller]
pub fn detail_mentions(id: &str, e: &SsoError, needle: &str) {
    let text = e.detail().to_string();
    assert!(
        text.contains(needle),
        "{id}: the detail (code {}) should mention {needle:?}: {text}",
        e.code().code()
    );
}

// ------------------------------------------------------------------------------------------------
// Text surgery. The testkit writes compact XML with known prefixes and no '>' inside attribute
// values, so a tag-aware scan is enough to find elements.
// ------------------------------------------------------------------------------------------------

/// Start offsets of every `<qname` start tag (followed by white space, `>` or `/`).
fn start_tags(xml: &str, qname: &str) -> Vec<usize> {
    let pat = format!("<{qname}");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = xml[from..].find(&pat) {
        let at = from + i;
        let next = xml.as_bytes().get(at + pat.len()).copied();
        if matches!(next, Some(b' ' | b'\t' | b'\n' | b'\r' | b'>' | b'/')) {
            out.push(at);
        }
        from = at + pat.len();
    }
    out
}

/// Offset just past the `>` of the start tag at `start`.
pub fn start_tag_end(xml: &str, start: usize) -> usize {
    start + xml[start..].find('>').unwrap() + 1
}

/// The byte range of the `nth` (0-based, document order of start tags) element named `qname`,
/// from `<` to the end of its end tag (nesting of the same name is followed).
#[track_caller]
pub fn element_span(xml: &str, qname: &str, nth: usize) -> Range<usize> {
    let starts = start_tags(xml, qname);
    let start = *starts.get(nth).unwrap_or_else(|| panic!("no {nth}th <{qname}> in the document"));
    let open_end = start_tag_end(xml, start);
    if xml[..open_end].ends_with("/>") {
        return start..open_end;
    }
    let close = format!("</{qname}>");
    let mut depth = 1usize;
    let mut pos = open_end;
    loop {
        let next_open = start_tags(&xml[pos..], qname).first().map(|o| pos + o);
        let next_close = xml[pos..].find(&close).map(|c| pos + c).expect("unclosed element");
        match next_open {
            Some(o) if o < next_close => {
                let e = start_tag_end(xml, o);
                if !xml[..e].ends_with("/>") {
                    depth += 1;
                }
                pos = e;
            }
            _ => {
                depth -= 1;
                pos = next_close + close.len();
                if depth == 0 {
                    return start..pos;
                }
            }
        }
    }
}

/// How many `qname` elements the document has.
pub fn count(xml: &str, qname: &str) -> usize {
    start_tags(xml, qname).len()
}

/// The text of the `nth` `qname` element.
pub fn element<'a>(xml: &'a str, qname: &str, nth: usize) -> &'a str {
    &xml[element_span(xml, qname, nth)]
}

pub fn replace_range(xml: &str, r: Range<usize>, with: &str) -> String {
    format!("{}{}{}", &xml[..r.start], with, &xml[r.end..])
}

pub fn insert_at(xml: &str, at: usize, what: &str) -> String {
    format!("{}{}{}", &xml[..at], what, &xml[at..])
}

/// Replaces exactly one occurrence (panics when there is none or several: the surgery must be precise).
#[track_caller]
pub fn replace_once(xml: &str, old: &str, new: &str) -> String {
    let n = xml.matches(old).count();
    assert_eq!(n, 1, "{old:?} occurs {n} times");
    xml.replacen(old, new, 1)
}

/// Removes the `nth` element named `qname`.
pub fn remove_element(xml: &str, qname: &str, nth: usize) -> String {
    replace_range(xml, element_span(xml, qname, nth), "")
}

/// Sets (or adds) an attribute on the start tag of the `nth` element named `qname`.
pub fn set_attr(xml: &str, qname: &str, nth: usize, name: &str, value: &str) -> String {
    let span = element_span(xml, qname, nth);
    let open_end = start_tag_end(xml, span.start);
    let tag = &xml[span.start..open_end];
    let needle = format!(" {name}=\"");
    let new_tag = match tag.find(&needle) {
        Some(i) => {
            let vstart = i + needle.len();
            let vend = vstart + tag[vstart..].find('"').unwrap();
            format!("{}{}{}", &tag[..vstart], value, &tag[vend..])
        }
        None => {
            let cut = if tag.ends_with("/>") { tag.len() - 2 } else { tag.len() - 1 };
            format!("{} {name}=\"{value}\"{}", &tag[..cut], &tag[cut..])
        }
    };
    replace_range(xml, span.start..open_end, &new_tag)
}

/// Removes an attribute from the start tag of the `nth` element named `qname`.
pub fn remove_attr(xml: &str, qname: &str, nth: usize, name: &str) -> String {
    let span = element_span(xml, qname, nth);
    let open_end = start_tag_end(xml, span.start);
    let tag = &xml[span.start..open_end];
    let needle = format!(" {name}=\"");
    let i = tag.find(&needle).unwrap_or_else(|| panic!("no {name} on <{qname}>"));
    let vend = i + needle.len() + tag[i + needle.len()..].find('"').unwrap() + 1;
    let new_tag = format!("{}{}", &tag[..i], &tag[vend..]);
    replace_range(xml, span.start..open_end, &new_tag)
}

/// The value of an attribute on the start tag of the `nth` element named `qname`.
pub fn attr_of(xml: &str, qname: &str, nth: usize, name: &str) -> String {
    let span = element_span(xml, qname, nth);
    let tag = &xml[span.start..start_tag_end(xml, span.start)];
    let needle = format!(" {name}=\"");
    let i = tag.find(&needle).unwrap_or_else(|| panic!("no {name} on <{qname}>")) + needle.len();
    tag[i..i + tag[i..].find('"').unwrap()].to_string()
}

/// The element text with its own (first) `ds:Signature` child removed.
pub fn without_signature(element_xml: &str) -> String {
    if count(element_xml, "ds:Signature") == 0 {
        return element_xml.to_string();
    }
    remove_element(element_xml, "ds:Signature", 0)
}

/// Replaces the victim's NameID value by the attacker's, wherever a NameID says it.
pub fn forge_name_id(xml: &str) -> String {
    let mut out = xml.to_string();
    for p in ["saml", "saml2"] {
        out = out.replace(&format!(">{VICTIM}</{p}:NameID>"), &format!(">{EVIL}</{p}:NameID>"));
    }
    assert_ne!(out, xml, "no NameID to forge");
    out
}

/// Offset just inside the end tag of the `nth` `qname` element (where a last child goes).
pub fn before_end_tag(xml: &str, qname: &str, nth: usize) -> usize {
    let span = element_span(xml, qname, nth);
    span.end - format!("</{qname}>").len()
}

/// Offset right after the end of the `nth` `qname` element.
pub fn after(xml: &str, qname: &str, nth: usize) -> usize {
    element_span(xml, qname, nth).end
}

/// Offset right before the `nth` `qname` element.
pub fn before(xml: &str, qname: &str, nth: usize) -> usize {
    element_span(xml, qname, nth).start
}

// ------------------------------------------------------------------------------------------------
// Signing for real.
// ------------------------------------------------------------------------------------------------

/// Signs the element with this ID with the trusted key (enveloped, after the SAML Issuer).
pub fn sign_trusted(xml: &str, id: &str) -> String {
    Signer::new(trusted_key(), trusted()).sign_enveloped(xml, id).unwrap()
}

/// Signs the element with this ID with another key and certificate.
pub fn sign_as(key: SigningKey, certificate: Certificate, xml: &str, id: &str) -> String {
    Signer::new(key, certificate).sign_enveloped(xml, id).unwrap()
}

/// The canonical `SignedInfo` of the `nth` signature, in its context, with the algorithm its
/// `CanonicalizationMethod` names (exclusive C14N when it names none this crate knows).
pub fn canonical_signed_info(xml: &str, nth: usize) -> Vec<u8> {
    let doc = Document::parse_str(xml).unwrap();
    let sig = find_signatures(&doc)[nth];
    let si = sig.child_named(DS_NS, "SignedInfo").expect("SignedInfo");
    let alg = si
        .child_named(DS_NS, "CanonicalizationMethod")
        .and_then(|c| c.attribute("Algorithm"))
        .and_then(C14nAlgorithm::from_uri)
        .unwrap_or(C14nAlgorithm::Exclusive);
    canonicalize(&doc, &Subtree::element(si), alg, &[]).unwrap()
}

/// Replaces the text of the `nth` `ds:SignatureValue` (document order).
pub fn set_signature_value(xml: &str, nth: usize, value_b64: &str) -> String {
    let span = element_span(xml, "ds:SignatureValue", nth);
    let inner = start_tag_end(xml, span.start)..span.end - "</ds:SignatureValue>".len();
    replace_range(xml, inner, value_b64)
}

/// Re-signs the `nth` signature's (edited) `SignedInfo` with `key` and `scheme`, as an IdP holding that
/// key would have: whatever the validator then refuses, it refuses for the edit, not for a broken value.
pub fn resign_signed_info_with(xml: &str, nth: usize, key: &SigningKey, scheme: SignatureScheme) -> String {
    let si = canonical_signed_info(xml, nth);
    let value = key.sign(scheme, &si).unwrap();
    set_signature_value(xml, nth, &b64(&value))
}

/// [`resign_signed_info_with`] with the trusted key, RSA-SHA256.
pub fn resign_trusted(xml: &str, nth: usize) -> String {
    resign_signed_info_with(xml, nth, &trusted_key(), SignatureScheme::RsaPkcs1Sha256)
}

/// The exclusive-C14N octets of the element with this ID, without its own enveloped signature and
/// without comments: what a Reference `#id` with enveloped-signature + exc-c14n digests.
pub fn reference_octets(xml: &str, id: &str) -> Vec<u8> {
    let doc = Document::parse_str(xml).unwrap();
    let el = doc.elements().find(|e| e.attribute("ID") == Some(id)).expect("element with the ID");
    let mut set = Subtree::element(el).without_comments();
    if let Some(sig) = el.child_named(DS_NS, "Signature") {
        set = set.excluding(sig.node());
    }
    canonicalize(&doc, &set, C14nAlgorithm::Exclusive, &[]).unwrap()
}

/// The base64 SHA-256 digest a Reference to `#id` would carry.
pub fn sha256_digest_b64(xml: &str, id: &str) -> String {
    b64(ring::digest::digest(&ring::digest::SHA256, &reference_octets(xml, id)).as_ref())
}

/// Replaces the text of the `nth` `ds:DigestValue` (document order).
pub fn set_digest_value(xml: &str, nth: usize, value: &str) -> String {
    let span = element_span(xml, "ds:DigestValue", nth);
    let inner = start_tag_end(xml, span.start)..span.end - "</ds:DigestValue>".len();
    replace_range(xml, inner, value)
}

/// The text of the `nth` `ds:DigestValue`.
pub fn digest_value(xml: &str, nth: usize) -> String {
    let span = element_span(xml, "ds:DigestValue", nth);
    xml[start_tag_end(xml, span.start)..span.end - "</ds:DigestValue>".len()].to_string()
}

/// MD5 (RFC 1321), for the one attack that needs a genuine MD5 DigestValue (ring has no MD5).
pub fn md5(input: &[u8]) -> [u8; 16] {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15,
        21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    let k: Vec<u32> = (0..64).map(|i| ((i as f64 + 1.0).sin().abs() * 4294967296.0) as u32).collect();
    let (mut a0, mut b0, mut c0, mut d0) = (0x67452301u32, 0xefcdab89u32, 0x98badcfeu32, 0x10325476u32);
    let mut msg = input.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((input.len() as u64).wrapping_mul(8)).to_le_bytes());
    for chunk in msg.chunks(64) {
        let m: Vec<u32> = chunk.chunks(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect();
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        a0 = a0.wrapping_add(a);
        b0 = b0.wrapping_add(b);
        c0 = c0.wrapping_add(c);
        d0 = d0.wrapping_add(d);
    }
    let mut out = [0u8; 16];
    for (i, v) in [a0, b0, c0, d0].iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
    }
    out
}
