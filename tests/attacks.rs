//! The SAML attack catalogue of issue 5, one test per catalogue id. Every attack is built for real from
//! a valid response the testkit signs with the trusted IdP key (`testdata/keys/rsa2048`), then altered
//! as the attacker would (text surgery on the signed XML), or — for the "re-signed" cases — altered and
//! signed again with the trusted key, so that what the validator refuses is the shape itself and not a
//! broken signature value.
//!
//! Each test asserts the exact code SPEC §2 gives (never `Ok` for an attack), and every assertion
//! message says which code was obtained. Run with `--nocapture` to get one `ATTACK` line per case on
//! stderr (`id`, expected, obtained): that is the table in the issue note.
//!
//! Where SPEC is not explicit the choice follows "Edge cases, settled / 20 vs 23" and the stage order of
//! §2 (the first failing stage wins), and the reasoning is written next to the case.
//!
//! Not here: the deflate bomb on the HTTP-Redirect binding (a later milestone, issue 6: the ACS accepts
//! only HTTP-POST today, so there is no inflater to bomb).
#![cfg(feature = "testkit")]

#[path = "attacks/support.rs"]
mod support;

use std::io::Read as _;
use std::net::TcpListener;
use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use samlguard::testkit::attr;
use samlguard::{AlgorithmPolicy, DigestAlgorithm, IdentityProvider, PublicKey, SsoRequest, Validator};
use support::*;

/// Control for everything below: the genuine responses the attacks start from are accepted, in every
/// flavor and every input form (so each refusal below is caused by the attack, not by the baseline).
#[test]
fn baseline_genuine_responses_are_accepted() {
    for (flavor, b) in [("adfs", adfs()), ("azure", azure()), ("okta", okta()), ("shibboleth", shib())] {
        let xml = build(&b);
        for (form, req) in every_form(xml.as_bytes()) {
            let login = expect_accepted(&format!("baseline[{flavor} {form}]"), validator().validate(&req));
            assert_eq!(login.assertion_id, b.get_assertion_id());
        }
    }
    let login =
        expect_accepted("baseline[response signed only]", run(&validator(), &build(&response_signed())));
    assert!(login.response_signed && !login.assertion_signed);
}

// ================================================================================================
// Signature wrapping
// ================================================================================================
//
// XSW1–XSW8 are built exactly as SAMLRaider's `XSWHelpers.applyXSW1..8` builds them (the eight
// permutations of Somorovsky et al., "On Breaking SAML: Be Whoever You Want to Be", 2012): XSW1/2 on a
// response whose Response is signed, XSW3–8 on a response whose assertion is signed. The "evil" copy
// always claims `admin@example.com` instead of `alice@example.com`.

/// XSW1: the original Response becomes the evil one (new ID, forged NameID); an unsigned clone of the
/// original is appended *inside* the Response's ds:Signature, where the Reference still finds its ID.
#[test]
fn xsw1() {
    let xml = build(&response_signed());
    let clone = without_signature(element(&xml, "saml2p:Response", 0));
    let mut evil = forge_name_id(&xml);
    evil = insert_at(&evil, before_end_tag(&evil, "ds:Signature", 0), &clone);
    evil = set_attr(&evil, "saml2p:Response", 0, "ID", "_evil_response_ID");
    expect_code("xsw1", run(&validator(), &evil), 23);
}

/// XSW2: as XSW1, but the unsigned clone goes right *before* the ds:Signature, as a child of the evil
/// Response (a detached-looking signature over a sibling).
#[test]
fn xsw2() {
    let xml = build(&response_signed());
    let clone = without_signature(element(&xml, "saml2p:Response", 0));
    let mut evil = forge_name_id(&xml);
    evil = insert_at(&evil, before(&evil, "ds:Signature", 0), &clone);
    evil = set_attr(&evil, "saml2p:Response", 0, "ID", "_evil_response_ID");
    expect_code("xsw2", run(&validator(), &evil), 23);
}

/// The signed assertion of an ADFS-shaped response, its ID, and the forged unsigned copy SAMLRaider makes
/// (signature removed, NameID forged).
fn assertion_parts() -> (String, String, String, String) {
    let xml = build(&adfs());
    let a = element(&xml, "saml:Assertion", 0).to_string();
    let id = attr_of(&xml, "saml:Assertion", 0, "ID");
    let evil = forge_name_id(&without_signature(&a));
    (xml, a, id, evil)
}

/// XSW3: an evil unsigned copy (new ID) inserted *before* the signed assertion.
///
/// SPEC: the message carries a signature that validly covers one assertion, and another assertion that no
/// signature covers — the textbook wrapping shape. "20 vs 23" puts wrapping at 23 ("a message that
/// carries signatures, none of which validly covers the assertion that would be used"), and the signature
/// stage runs before the assertion stage, whose "more than one assertion" (13) therefore only decides
/// when every assertion is covered by a valid signature (e.g. a signed Response carrying two).
/// (`tests/saml_codes.rs::code_13_two_assertions` asserts 13 for the same shape with the injected
/// assertion after the signed one: the two readings contradict each other; reported to the lead.)
#[test]
fn xsw3() {
    let (xml, _, _, evil) = assertion_parts();
    let evil = set_attr(&evil, "saml:Assertion", 0, "ID", "_evil_assertion_ID");
    let out = insert_at(&xml, before(&xml, "saml:Assertion", 0), &evil);
    expect_code("xsw3", run(&validator(), &out), 23);
}

/// XSW4: the evil copy (new ID) is the Response's assertion, and the signed original is moved inside
/// it as its last child.
#[test]
fn xsw4() {
    let (xml, a, _, evil) = assertion_parts();
    let evil = set_attr(&evil, "saml:Assertion", 0, "ID", "_evil_assertion_ID");
    let evil = insert_at(&evil, before_end_tag(&evil, "saml:Assertion", 0), &a);
    let rest = remove_element(&xml, "saml:Assertion", 0);
    let out = insert_at(&rest, before_end_tag(&rest, "samlp:Response", 0), &evil);
    expect_code("xsw4", run(&validator(), &out), 23);
}

/// XSW5: the signed assertion itself is made evil (new ID, forged NameID, its signature kept), and an
/// unsigned copy of the original (original ID) is appended to the Response for the Reference to find.
#[test]
fn xsw5() {
    let (xml, a, _, _) = assertion_parts();
    let original = without_signature(&a);
    let mut out = forge_name_id(&xml);
    out = set_attr(&out, "saml:Assertion", 0, "ID", "_evil_assertion_ID");
    out = insert_at(&out, before_end_tag(&out, "samlp:Response", 0), &original);
    expect_code("xsw5", run(&validator(), &out), 23);
}

/// XSW6: as XSW5, but the unsigned copy of the original goes inside the evil assertion's ds:Signature.
#[test]
fn xsw6() {
    let (xml, a, _, _) = assertion_parts();
    let original = without_signature(&a);
    let mut out = forge_name_id(&xml);
    out = set_attr(&out, "saml:Assertion", 0, "ID", "_evil_assertion_ID");
    out = insert_at(&out, before_end_tag(&out, "ds:Signature", 0), &original);
    expect_code("xsw6", run(&validator(), &out), 23);
}

/// XSW7: an `<Extensions>` element (no namespace, as SAMLRaider creates it) before the signed assertion,
/// holding an evil unsigned copy that keeps the original ID.
#[test]
fn xsw7() {
    let (xml, _, _, evil) = assertion_parts();
    let out = insert_at(&xml, before(&xml, "saml:Assertion", 0), &format!("<Extensions>{evil}</Extensions>"));
    expect_code("xsw7", run(&validator(), &out), 23);
}

/// XSW8: the signed assertion is made evil in place (ID and signature kept), and an unsigned copy of the
/// original goes into an `<Object>` (no namespace) appended to its ds:Signature.
#[test]
fn xsw8() {
    let (xml, a, _, _) = assertion_parts();
    let original = without_signature(&a);
    let mut out = forge_name_id(&xml);
    out = insert_at(&out, before_end_tag(&out, "ds:Signature", 0), &format!("<Object>{original}</Object>"));
    expect_code("xsw8", run(&validator(), &out), 23);
}

/// The signed original wrapped inside the evil assertion's SubjectConfirmationData (whose schema type
/// admits any element). Also with `want_assertions_signed`, where the nested original is "an assertion
/// carrying its own signature" (so not 20): still 23.
#[test]
fn xsw_subject_confirmation_data() {
    let (xml, a, _, evil) = assertion_parts();
    let evil = set_attr(&evil, "saml:Assertion", 0, "ID", "_evil_assertion_ID");
    let scd = element_span(&evil, "saml:SubjectConfirmationData", 0);
    let tag = &evil[scd.clone()];
    assert!(tag.ends_with("/>"));
    let wrapped = format!("{}>{a}</saml:SubjectConfirmationData>", &tag[..tag.len() - 2]);
    let evil = replace_range(&evil, scd, &wrapped);
    let out = replace_range(&xml, element_span(&xml, "saml:Assertion", 0), &evil);
    assert_eq!(count(&out, "saml:Assertion"), 2);
    expect_code("xsw_subject_confirmation_data", run(&validator(), &out), 23);
    let v = validator_with(sp().want_assertions_signed(true));
    expect_code("xsw_subject_confirmation_data[want_assertions_signed]", run(&v, &out), 23);
}

/// A twin of the signed assertion with the same ID — forged NameID, the genuine signature copied into
/// it — inside `samlp:Extensions` ahead of the real one: a resolver that takes the first element with the
/// ID digests one, the application reads the other. Duplicate IDs: 23.
#[test]
fn xsw_extensions_twin_same_id() {
    let (xml, a, _, _) = assertion_parts();
    let twin = forge_name_id(&a);
    let out = insert_at(
        &xml,
        after(&xml, "saml:Issuer", 0),
        &format!("<samlp:Extensions>{twin}</samlp:Extensions>"),
    );
    expect_code("xsw_extensions_twin_same_id", run(&validator(), &out), 23);
}

/// The signed original inside `saml:Advice` (a legitimate home for assertions) of an evil unsigned
/// assertion that takes its place in the Response.
#[test]
fn xsw_advice_nesting() {
    let (xml, a, _, evil) = assertion_parts();
    let evil = set_attr(&evil, "saml:Assertion", 0, "ID", "_evil_assertion_ID");
    let evil =
        insert_at(&evil, after(&evil, "saml:Conditions", 0), &format!("<saml:Advice>{a}</saml:Advice>"));
    let out = replace_range(&xml, element_span(&xml, "saml:Assertion", 0), &evil);
    expect_code("xsw_advice_nesting", run(&validator(), &out), 23);
}

/// An attacker Response around the IdP's whole signed Response (Okta-shaped, both signed), carrying a
/// forged unsigned assertion of its own. Both genuine signatures now sit below the root Response, where
/// no signature belongs: 23.
#[test]
fn ancestor_wrapping() {
    let inner = build(&okta());
    let forged = forge_name_id(&without_signature(element(&inner, "saml2:Assertion", 0)));
    let forged = set_attr(&forged, "saml2:Assertion", 0, "ID", "_forged_assertion");
    let out = attacker_response(&format!("{forged}{inner}"));
    expect_code("ancestor_wrapping", run(&validator(), &out), 23);
}

/// The ancestor wrapping without a forged assertion: the attacker Response holds only the signed
/// Response. Seen from the root there is no assertion: SPEC "Structure": a Success response with no
/// assertion is 13, whether signed or not (the no-assertion check comes first).
#[test]
fn ancestor_wrapping_bare() {
    let inner = build(&okta());
    let out = attacker_response(&inner);
    expect_code("ancestor_wrapping_bare", run(&validator(), &out), 13);
}

/// A Success Response of the attacker's, naming the IdP as Issuer, around `content`.
fn attacker_response(content: &str) -> String {
    format!(
        r#"<samlp:Response xmlns:samlp="{SAMLP_NS}" xmlns:saml="{SAML_NS}" ID="_attacker_response" Version="2.0" IssueInstant="2030-01-01T12:00:00Z" Destination="{ACS}"><saml:Issuer>{IDP}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>{content}</samlp:Response>"#
    )
}

/// A second XML root — a forged Response — after the genuine signed one. Not well-formed: 6, in every
/// input form.
#[test]
fn second_root_after_response() {
    let xml = build(&okta());
    let forged = forge_name_id(&build(&okta().sign_response(false).sign_assertion(false)));
    let out = format!("{xml}\n{forged}");
    for (form, req) in every_form(out.as_bytes()) {
        let e = expect_code(&format!("second_root_after_response[{form}]"), validator().validate(&req), 6);
        detail_mentions("second_root_after_response", &e, "second root");
    }
}

/// CVE-2022-41912 (crewjam/saml): an extra, unsigned copy of the signed assertion — same ID, forged
/// NameID — after (and, second case, before) the signed one. Duplicate IDs: 23.
#[test]
fn extra_unsigned_assertion_copy_cve_2022_41912() {
    let (xml, _, _, evil) = assertion_parts();
    let after_it = insert_at(&xml, after(&xml, "saml:Assertion", 0), &evil);
    let e =
        expect_code("extra_unsigned_assertion_copy_cve_2022_41912[after]", run(&validator(), &after_it), 23);
    detail_mentions("extra_unsigned_assertion_copy_cve_2022_41912", &e, "more than one element");
    let before_it = insert_at(&xml, before(&xml, "saml:Assertion", 0), &evil);
    expect_code("extra_unsigned_assertion_copy_cve_2022_41912[before]", run(&validator(), &before_it), 23);
}

/// A forged, entirely unsigned Response whose `StatusDetail` carries a genuinely signed element of
/// another type — a LogoutResponse the IdP signed with the trusted key. The message carries a valid
/// signature, but none covers the Response or its assertion: 23 ("20 vs 23"), never 20 and never Ok.
#[test]
fn transplanted_signed_element_in_status_detail() {
    let logout = format!(
        r#"<samlp:LogoutResponse xmlns:samlp="{SAMLP_NS}" xmlns:saml="{SAML_NS}" ID="_logout_response_1" Version="2.0" IssueInstant="2030-01-01T11:59:00Z" Destination="https://sp.example.com/saml/slo" InResponseTo="_logout_1"><saml:Issuer>{IDP}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>"#
    );
    let logout = sign_trusted(&logout, "_logout_response_1");
    let forged = forge_name_id(&adfs().sign_assertion(false).build().unwrap());
    assert_eq!(count(&forged, "ds:Signature"), 0);
    let out = insert_at(
        &forged,
        before_end_tag(&forged, "samlp:Status", 0),
        &format!("<samlp:StatusDetail>{logout}</samlp:StatusDetail>"),
    );
    expect_code("transplanted_signed_element_in_status_detail", run(&validator(), &out), 23);
}

/// A decoy ds:Signature — the genuine SignedInfo and the same SignatureValue — carrying a forged
/// assertion in a ds:Object: first as the Response's signature (next to the untouched signed
/// assertion), then in place of the assertion's own signature. ds:Object is refused: 23.
#[test]
fn decoy_signature_forged_assertion_in_object() {
    let (xml, a, _, evil) = assertion_parts();
    let forged = set_attr(&evil, "saml:Assertion", 0, "ID", "_forged_assertion");
    let sig = element(&a, "ds:Signature", 0);
    let decoy =
        insert_at(sig, before_end_tag(sig, "ds:Signature", 0), &format!("<ds:Object>{forged}</ds:Object>"));
    let on_response = insert_at(&xml, after(&xml, "saml:Issuer", 0), &decoy);
    expect_code("decoy_signature_forged_assertion_in_object[response]", run(&validator(), &on_response), 23);
    let replaced = replace_range(&xml, element_span(&xml, "ds:Signature", 0), &decoy);
    expect_code("decoy_signature_forged_assertion_in_object[assertion]", run(&validator(), &replaced), 23);
}

// ================================================================================================
// SignedInfo / Reference confusion
// ================================================================================================

/// CVE-2024-45409 (ruby-saml): the assertion is forged and a DigestValue matching the forged assertion
/// is planted *outside* the Signature, ahead of the real one in document order (in samlp:Extensions), for
/// a verifier that looks DigestValue up with `//ds:DigestValue`. The real DigestValue is what counts:
/// digest mismatch, 23.
#[test]
fn digest_value_outside_signature_cve_2024_45409() {
    let (xml, _, id, _) = assertion_parts();
    let forged = forge_name_id(&xml);
    let planted = sha256_digest_b64(&forged, &id);
    assert_ne!(planted, digest_value(&xml, 0));
    let out = insert_at(
        &forged,
        after(&forged, "saml:Issuer", 0),
        &format!(
            r#"<samlp:Extensions><ds:DigestValue xmlns:ds="{DS_NS}">{planted}</ds:DigestValue></samlp:Extensions>"#
        ),
    );
    let e = expect_code("digest_value_outside_signature_cve_2024_45409", run(&validator(), &out), 23);
    detail_mentions("digest_value_outside_signature_cve_2024_45409", &e, "digest");
}

/// CVE-2025-29774/29775 (xml-crypto): a comment inside the DigestValue. The forged assertion's digest
/// sits in a comment before the genuine digest text (comments vanish from the canonical SignedInfo, so
/// the SignatureValue still verifies); also after it, and splitting it. A DigestValue must be one text
/// node: 23.
#[test]
fn comment_inside_digest_value_cve_2025_29774() {
    let (xml, _, id, _) = assertion_parts();
    let forged = forge_name_id(&xml);
    let genuine = digest_value(&xml, 0);
    let planted = sha256_digest_b64(&forged, &id);
    let (head, tail) = genuine.split_at(10);
    for (case, value) in [
        ("comment-first", format!("<!--{planted}-->{genuine}")),
        ("comment-last", format!("{genuine}<!--{planted}-->")),
        ("split", format!("{head}<!---->{tail}")),
    ] {
        let out = set_digest_value(&forged, 0, &value);
        expect_code(
            &format!("comment_inside_digest_value_cve_2025_29774[{case}]"),
            run(&validator(), &out),
            23,
        );
    }
    // The same comment over the untouched assertion: the SignatureValue and the digest would both
    // check out when read leniently; the strict reading still refuses the form.
    let out = set_digest_value(&xml, 0, &format!("{head}<!---->{tail}"));
    expect_code("comment_inside_digest_value_cve_2025_29774[unforged]", run(&validator(), &out), 23);
}

/// A second SignedInfo (the forged assertion's digest), before the genuine one and after the
/// SignatureValue.
#[test]
fn two_signed_info() {
    let (xml, _, id, _) = assertion_parts();
    let forged = forge_name_id(&xml);
    let si = element(&xml, "ds:SignedInfo", 0);
    let evil_si = set_digest_value(si, 0, &sha256_digest_b64(&forged, &id));
    let first = insert_at(&forged, before(&forged, "ds:SignedInfo", 0), &evil_si);
    expect_code("two_signed_info[first]", run(&validator(), &first), 23);
    let later = insert_at(&forged, after(&forged, "ds:SignatureValue", 0), &evil_si);
    expect_code("two_signed_info[after-value]", run(&validator(), &later), 23);
}

/// Two References in one SignedInfo — the assertion and the Response — signed with the trusted key: the
/// profile allows exactly one.
#[test]
fn two_references() {
    let (xml, _, _, _) = assertion_parts();
    let response_id = attr_of(&xml, "samlp:Response", 0, "ID");
    let reference = element(&xml, "ds:Reference", 0);
    let second = set_attr(reference, "ds:Reference", 0, "URI", &format!("#{response_id}"));
    let out = insert_at(&xml, after(&xml, "ds:Reference", 0), &second);
    let out = resign_trusted(&out, 0);
    let e = expect_code("two_references", run(&validator(), &out), 23);
    detail_mentions("two_references", &e, "2 Reference");
}

/// Duplicate IDs: the (unsigned) Response given the signed assertion's ID; an empty element in
/// samlp:Extensions carrying it.
#[test]
fn duplicate_ids() {
    let (xml, _, id, _) = assertion_parts();
    let out = set_attr(&xml, "samlp:Response", 0, "ID", &id);
    let e = expect_code("duplicate_ids[response]", run(&validator(), &out), 23);
    detail_mentions("duplicate_ids", &e, "more than one element");
    let out = insert_at(
        &xml,
        after(&xml, "saml:Issuer", 0),
        &format!(r#"<samlp:Extensions><x:Marker xmlns:x="urn:example:x" ID="{id}"/></samlp:Extensions>"#),
    );
    expect_code("duplicate_ids[extensions]", run(&validator(), &out), 23);
}

/// `ID` / `Id` / `id` / `AssertionID` confusion: a forged twin that carries the signed assertion's ID
/// under `Id` or `AssertionID` (samlguard resolves all three names, so the ID is duplicated); the genuine
/// assertion's `ID` renamed to `Id` after signing (the Reference still resolves, the digest no longer
/// matches) or to lower-case `id` (no ID attribute: the Reference resolves to nothing). All 23.
#[test]
fn id_case_confusion() {
    let (xml, _, id, evil) = assertion_parts();
    for name in ["Id", "AssertionID"] {
        let twin = remove_attr(&evil, "saml:Assertion", 0, "ID");
        let twin = set_attr(&twin, "saml:Assertion", 0, name, &id);
        let out = insert_at(
            &xml,
            after(&xml, "saml:Issuer", 0),
            &format!("<samlp:Extensions>{twin}</samlp:Extensions>"),
        );
        expect_code(&format!("id_case_confusion[twin {name}]"), run(&validator(), &out), 23);
    }
    for name in ["Id", "id"] {
        let out = replace_once(&xml, &format!(" ID=\"{id}\""), &format!(" {name}=\"{id}\""));
        let out = forge_name_id(&out);
        expect_code(&format!("id_case_confusion[renamed {name}]"), run(&validator(), &out), 23);
    }
}

/// Sets the URI of the first Reference and re-signs SignedInfo with the trusted key.
fn with_reference_uri(xml: &str, uri_attr_text: &str) -> String {
    resign_trusted(&set_attr(xml, "ds:Reference", 0, "URI", uri_attr_text), 0)
}

/// Quotes and XPath syntax in the Reference URI (for verifiers that build an XPath from it), re-signed
/// with the trusted key: not a bare `#id`, 23.
#[test]
fn uri_with_quotes_or_xpath() {
    let (xml, _, id, _) = assertion_parts();
    for uri in [
        format!("#{id}' or '1'='1"),
        format!("#{id}&quot; or &quot;1&quot;=&quot;1"),
        format!("#//*[@ID='{id}']"),
        format!("#{id}/.."),
        format!("#id('{id}')"),
        format!("#{id} "),
    ] {
        let out = with_reference_uri(&forge_name_id(&xml), &uri);
        let e = expect_code(&format!("uri_with_quotes_or_xpath[{uri}]"), run(&validator(), &out), 23);
        detail_mentions("uri_with_quotes_or_xpath", &e, "not a same-document reference");
    }
}

/// XPointer references, re-signed with the trusted key.
#[test]
fn xpointer_uri() {
    let (xml, _, id, _) = assertion_parts();
    for uri in
        [format!("#xpointer(id('{id}'))"), "#xpointer(/)".to_string(), format!("#xpointer(//*[@ID='{id}'])")]
    {
        let out = with_reference_uri(&xml, &uri);
        let e = expect_code(&format!("xpointer_uri[{uri}]"), run(&validator(), &out), 23);
        detail_mentions("xpointer_uri", &e, "XPointer");
    }
}

/// Accepts connections on a local port and counts them, so a test can prove nothing was fetched.
struct Trap {
    listener: TcpListener,
}

impl Trap {
    fn new() -> Trap {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        Trap { listener }
    }
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.listener.local_addr().unwrap().port())
    }
    #[track_caller]
    fn assert_untouched(&self, id: &str) {
        match self.listener.accept() {
            Ok((mut s, _)) => {
                let mut buf = [0u8; 512];
                let n = s.read(&mut buf).unwrap_or(0);
                panic!("{id}: the validator fetched a URL: {}", String::from_utf8_lossy(&buf[..n]));
            }
            Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock, "{id}: {e}"),
        }
    }
}

/// An external http(s) Reference — to a local listener that would serve the genuine assertion — with the
/// message's assertion forged, re-signed with the trusted key: 23, and nothing fetched.
#[test]
fn http_uri() {
    let (xml, _, id, _) = assertion_parts();
    let trap = Trap::new();
    for uri in
        [trap.url(&format!("assertion.xml#{id}")), format!("https://idp.example.com/assertion.xml#{id}")]
    {
        let out = with_reference_uri(&forge_name_id(&xml), &uri);
        let e = expect_code(&format!("http_uri[{uri}]"), run(&validator(), &out), 23);
        detail_mentions("http_uri", &e, "external URIs are refused");
    }
    trap.assert_untouched("http_uri");
}

/// A `file:` Reference to a file that holds exactly the genuine assertion's canonical octets (so its
/// digest is the genuine DigestValue), the message's assertion forged, Transforms dropped as for
/// external octets, re-signed with the trusted key: 23. Also `file:///etc/passwd`.
#[test]
fn file_uri() {
    let (xml, _, id, _) = assertion_parts();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("assertion.c14n");
    std::fs::write(&path, reference_octets(&xml, &id)).unwrap();
    let forged = remove_element(&forge_name_id(&xml), "ds:Transforms", 0);
    for uri in [format!("file://{}", path.display()), "file:///etc/passwd".to_string()] {
        let out = with_reference_uri(&forged, &uri);
        expect_code(&format!("file_uri[{uri}]"), run(&validator(), &out), 23);
    }
}

/// An empty Reference URI (the whole document, which includes whatever the attacker adds) and an absent
/// one, on a Response signature, re-signed with the trusted key. SPEC: empty or absent URI is 23.
#[test]
fn empty_uri() {
    let xml = build(&response_signed());
    let out = with_reference_uri(&xml, "");
    expect_code("empty_uri[empty]", run(&validator(), &out), 23);
    let out = resign_trusted(&remove_attr(&xml, "ds:Reference", 0, "URI"), 0);
    expect_code("empty_uri[absent]", run(&validator(), &out), 23);
}

/// CVE-2024-8698 (Keycloak): the Response's signature moved into the assertion, so that the assertion
/// "carries a signature" — which references the Response, not the assertion. Moved as is (the digest
/// still matches: the enveloped transform removes it wherever it sits), moved with the assertion forged,
/// and under `want_assertions_signed` (where it must be 23, not accepted and not 20).
#[test]
fn signature_moved_response_to_assertion_cve_2024_8698() {
    let xml = build(&response_signed());
    let sig = element(&xml, "ds:Signature", 0).to_string();
    let moved = remove_element(&xml, "ds:Signature", 0);
    let moved = insert_at(&moved, after(&moved, "saml2:Issuer", 1), &sig);
    assert_eq!(count(&moved, "ds:Signature"), 1);
    let e = expect_code(
        "signature_moved_response_to_assertion_cve_2024_8698[as-is]",
        run(&validator(), &moved),
        23,
    );
    detail_mentions("signature_moved_response_to_assertion_cve_2024_8698", &e, "instead of the Assertion");
    expect_code(
        "signature_moved_response_to_assertion_cve_2024_8698[forged]",
        run(&validator(), &forge_name_id(&moved)),
        23,
    );
    let v = validator_with(sp().want_assertions_signed(true));
    expect_code(
        "signature_moved_response_to_assertion_cve_2024_8698[want_assertions_signed]",
        run(&v, &moved),
        23,
    );
}

/// Inserts `transform` right after the enveloped-signature Transform of the first signature and re-signs
/// SignedInfo with the trusted key.
fn with_extra_transform(xml: &str, transform: &str) -> String {
    let out = insert_at(xml, after(xml, "ds:Transform", 0), transform);
    resign_trusted(&out, 0)
}

/// An XPath transform that leaves the NameID out of the digest (so the forged NameID would pass a
/// verifier that runs it), and an XPath Filter 2.0 subtract: refused transforms, 23.
#[test]
fn extra_transform_xpath() {
    let (xml, _, _, _) = assertion_parts();
    let xpath = format!(
        r#"<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath xmlns:saml="{SAML_NS}">not(ancestor-or-self::saml:NameID)</ds:XPath></ds:Transform>"#
    );
    let out = forge_name_id(&with_extra_transform(&xml, &xpath));
    let e = expect_code("extra_transform_xpath[xpath]", run(&validator(), &out), 23);
    detail_mentions("extra_transform_xpath", &e, "REC-xpath-19991116");
    let filter2 = format!(
        r#"<ds:Transform Algorithm="http://www.w3.org/2002/06/xmldsig-filter2"><dsig-xpath:XPath xmlns:dsig-xpath="http://www.w3.org/2002/06/xmldsig-filter2" xmlns:saml="{SAML_NS}" Filter="subtract">//saml:NameID</dsig-xpath:XPath></ds:Transform>"#
    );
    let out = forge_name_id(&with_extra_transform(&xml, &filter2));
    expect_code("extra_transform_xpath[filter2]", run(&validator(), &out), 23);
}

/// An XSLT transform whose stylesheet would fetch a URL (a local listener) and discard the document:
/// refused before anything runs, 23, nothing fetched.
#[test]
fn extra_transform_xslt() {
    let (xml, _, _, _) = assertion_parts();
    let trap = Trap::new();
    let xslt = format!(
        r#"<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"><xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0"><xsl:template match="/"><xsl:value-of select="document('{}')"/></xsl:template></xsl:stylesheet></ds:Transform>"#,
        trap.url("xslt")
    );
    let out = forge_name_id(&with_extra_transform(&xml, &xslt));
    let e = expect_code("extra_transform_xslt", run(&validator(), &out), 23);
    detail_mentions("extra_transform_xslt", &e, "REC-xslt-19991116");
    trap.assert_untouched("extra_transform_xslt");
}

/// A base64 transform: 23.
#[test]
fn extra_transform_base64() {
    let (xml, _, _, _) = assertion_parts();
    let out =
        with_extra_transform(&xml, r#"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#base64"/>"#);
    let e = expect_code("extra_transform_base64", run(&validator(), &out), 23);
    detail_mentions("extra_transform_base64", &e, "xmldsig#base64");
}

/// Three transforms, each of an allowed kind (enveloped + exclusive C14N twice; enveloped twice + C14N),
/// re-signed: at most two are allowed, 23.
#[test]
fn more_than_two_transforms() {
    let (xml, _, _, _) = assertion_parts();
    let exc = r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#;
    let env = r#"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>"#;
    for (case, t) in [("c14n-twice", exc), ("enveloped-twice", env)] {
        let out = with_extra_transform(&xml, t);
        expect_code(&format!("more_than_two_transforms[{case}]"), run(&validator(), &out), 23);
    }
}

// ================================================================================================
// Keys and algorithms
// ================================================================================================

/// The signature removed and the NameID forged: no ds:Signature at all, 20 (assertion-signed ADFS and
/// both-signed Okta).
#[test]
fn signature_removed() {
    let (xml, _, _, _) = assertion_parts();
    let out = forge_name_id(&remove_element(&xml, "ds:Signature", 0));
    expect_code("signature_removed[adfs]", run(&validator(), &out), 20);
    let xml = build(&okta());
    let out = forge_name_id(&remove_element(&remove_element(&xml, "ds:Signature", 1), "ds:Signature", 0));
    expect_code("signature_removed[okta]", run(&validator(), &out), 20);
}

/// Okta-shaped (both signed): the assertion's own signature removed while the assertion signature is
/// required: 20 ("want_assertions_signed and no assertion carries its own signature"). Without the
/// requirement, the Response signature — which covered the assertion *with* its signature — no longer
/// matches: 23.
#[test]
fn partial_removal_assertion_signature_required() {
    let xml = build(&okta());
    let out = remove_element(&xml, "ds:Signature", 1);
    let v = validator_with(sp().want_assertions_signed(true));
    expect_code("partial_removal_assertion_signature_required", run(&v, &out), 20);
    expect_code("partial_removal_assertion_signature_required[not-required]", run(&validator(), &out), 23);
}

/// A forged assertion signed by the attacker (unsigned testkit XML for `admin@example.com`, signed with
/// `key`/`cert`, the certificate in KeyInfo).
fn attacker_signed(key_name: &str, cert_name: &str) -> String {
    let b = adfs().name_id(EVIL);
    sign_as(key(key_name), cert(cert_name), &b.unsigned_xml(), b.get_assertion_id())
}

/// The attacker's own key and certificate (RSA 3072 and ECDSA P-256): the signature verifies with no
/// trusted certificate and KeyInfo carries an untrusted one: 8 (SPEC: 8 outranks the rest of the stage).
#[test]
fn attacker_certificate_in_keyinfo() {
    for name in ["rsa3072", "ec256"] {
        let out = attacker_signed(name, name);
        let e = expect_code(&format!("attacker_certificate_in_keyinfo[{name}]"), run(&validator(), &out), 8);
        detail_mentions("attacker_certificate_in_keyinfo", &e, &cert(name).fingerprint_colon());
    }
}

/// A clone of the IdP certificate — same subject, new key — signing a forged assertion: 8, and the detail
/// tells the certificates apart by fingerprint.
#[test]
fn cloned_certificate() {
    let out = attacker_signed("rsa2048-clone", "rsa2048-clone");
    let e = expect_code("cloned_certificate", run(&validator(), &out), 8);
    detail_mentions("cloned_certificate", &e, &cert("rsa2048-clone").fingerprint_colon());
    detail_mentions("cloned_certificate", &e, &trusted().fingerprint_colon());
}

fn rsa_key_value(key_name: &str) -> String {
    match key(key_name).public_key() {
        PublicKey::Rsa { modulus, exponent, .. } => format!(
            "<ds:KeyInfo><ds:KeyValue><ds:RSAKeyValue><ds:Modulus>{}</ds:Modulus><ds:Exponent>{}</ds:Exponent></ds:RSAKeyValue></ds:KeyValue></ds:KeyInfo>",
            b64(&modulus),
            b64(&exponent)
        ),
        other => panic!("not RSA: {other:?}"),
    }
}

/// The attacker's raw RSAKeyValue in KeyInfo instead of a certificate (and, second case, the trusted
/// key's RSAKeyValue over the attacker's signature). KeyInfo carries no certificate, so not 8: 23.
#[test]
fn raw_rsa_key_value() {
    let out = attacker_signed("rsa3072", "rsa3072");
    let out = replace_range(&out, element_span(&out, "ds:KeyInfo", 0), &rsa_key_value("rsa3072"));
    expect_code("raw_rsa_key_value[attacker key]", run(&validator(), &out), 23);
    let out = replace_range(&out, element_span(&out, "ds:KeyInfo", 0), &rsa_key_value("rsa2048"));
    expect_code("raw_rsa_key_value[trusted key]", run(&validator(), &out), 23);
}

/// The trusted certificate in KeyInfo over a signature made with the attacker's key: KeyInfo names a
/// trusted certificate, so not 8; the value does not verify: 23.
#[test]
fn trusted_certificate_with_attacker_signature() {
    let b = adfs().name_id(EVIL);
    let out = sign_as(key("rsa2048-clone"), trusted(), &b.unsigned_xml(), b.get_assertion_id());
    let e = expect_code("trusted_certificate_with_attacker_signature", run(&validator(), &out), 23);
    detail_mentions("trusted_certificate_with_attacker_signature", &e, "none of the 1 trusted");
}

/// Two certificates / two KeyInfo elements.
///
/// * attacker signature, one X509Data with [trusted, attacker] and with [attacker, trusted]: no trusted
///   certificate verifies and KeyInfo carries an untrusted one: 8;
/// * attacker signature, two KeyInfo elements (trusted; attacker): also 8 (8 outranks the malformed
///   structure, SPEC "Signature-stage precedence");
/// * the IdP's genuine signature with a second KeyInfo carrying the attacker's certificate appended: the
///   trusted certificate *does* verify the SignatureValue, so the condition of 8 ("fails with every
///   trusted certificate") does not hold; the structure is refused: 23. The same for the IdP's genuine
///   signature whose X509Data carries a second, untrusted certificate (a CA, as many IdPs send) when the
///   Reference uses a refused transform: 23;
/// * control: the genuine signature with the attacker's certificate added to its X509Data is accepted
///   (KeyInfo is never trusted and never needed).
#[test]
fn two_keyinfo_two_certificates() {
    let b = adfs().name_id(EVIL);
    let (unsigned, id) = (b.unsigned_xml(), b.get_assertion_id().to_string());
    let clone = cert("rsa2048-clone");
    let chain_trusted_first = samlguard::Signer::new(key("rsa2048-clone"), trusted())
        .extra_certificates([clone.clone()])
        .sign_enveloped(&unsigned, &id)
        .unwrap();
    expect_code(
        "two_keyinfo_two_certificates[x509data trusted+attacker]",
        run(&validator(), &chain_trusted_first),
        8,
    );
    let chain_attacker_first = samlguard::Signer::new(key("rsa2048-clone"), clone.clone())
        .extra_certificates([trusted()])
        .sign_enveloped(&unsigned, &id)
        .unwrap();
    expect_code(
        "two_keyinfo_two_certificates[x509data attacker+trusted]",
        run(&validator(), &chain_attacker_first),
        8,
    );

    let attacker_key_info =
        element(&attacker_signed("rsa2048-clone", "rsa2048-clone"), "ds:KeyInfo", 0).to_string();
    let trusted_key_info = element(&build(&adfs()), "ds:KeyInfo", 0).to_string();
    let by_attacker = sign_as(key("rsa2048-clone"), trusted(), &unsigned, &id);
    let out = insert_at(&by_attacker, after(&by_attacker, "ds:KeyInfo", 0), &attacker_key_info);
    expect_code("two_keyinfo_two_certificates[two keyinfo, attacker signature]", run(&validator(), &out), 8);

    // Control: the IdP's genuine signature with the attacker's certificate added to its X509Data. KeyInfo
    // is never trusted, the trusted certificate verifies the signature: accepted, as the IdP signed it.
    let b = adfs();
    let genuine_chain = samlguard::Signer::new(trusted_key(), trusted())
        .extra_certificates([clone.clone()])
        .sign_enveloped(&b.unsigned_xml(), b.get_assertion_id())
        .unwrap();
    let login = expect_accepted(
        "two_keyinfo_two_certificates[x509data trusted+attacker, genuine signature]",
        run(&validator(), &genuine_chain),
    );
    assert_eq!(login.name_id.value, VICTIM);

    let genuine = build(&adfs());
    let out = insert_at(&genuine, before(&genuine, "ds:KeyInfo", 0), &trusted_key_info);
    expect_code(
        "two_keyinfo_two_certificates[two trusted keyinfo, genuine signature]",
        run(&validator(), &out),
        23,
    );
    // The trusted certificate verifies these SignatureValues, so 8's condition does not hold: 23. Checked
    // together so that every mismatch is listed.
    let two_key_info = insert_at(&genuine, after(&genuine, "ds:KeyInfo", 0), &attacker_key_info);
    // A genuine signature whose KeyInfo chain [trusted, another certificate] is ordinary (IdPs send their
    // CA); the reference uses a refused transform.
    let genuine_with_ca = samlguard::Signer::new(trusted_key(), trusted())
        .extra_certificates([cert("rsa3072")])
        .sign_enveloped(&b.unsigned_xml(), b.get_assertion_id())
        .unwrap();
    let chain_refused_transform = with_extra_transform(
        &genuine_with_ca,
        r#"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#base64"/>"#,
    );
    let mismatches: Vec<String> = [
        check_code(
            "two_keyinfo_two_certificates[two keyinfo, genuine signature]",
            run(&validator(), &two_key_info),
            23,
        ),
        check_code(
            "two_keyinfo_two_certificates[x509data trusted+other, genuine signature, refused transform]",
            run(&validator(), &chain_refused_transform),
            23,
        ),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// KeyInfo holds only a RetrievalMethod — to a local listener, and to a file holding the attacker's
/// certificate — over the attacker's signature. Nothing may be fetched: KeyInfo then carries no
/// certificate, so 23 (a validator that fetched the file would find the attacker's certificate and say 8).
#[test]
fn retrieval_method_not_fetched() {
    let trap = Trap::new();
    let dir = tempfile::tempdir().unwrap();
    let der = dir.path().join("attacker.der");
    std::fs::write(&der, cert("rsa2048-clone").der()).unwrap();
    let signed = attacker_signed("rsa2048-clone", "rsa2048-clone");
    for uri in [trap.url("cert.der"), format!("file://{}", der.display())] {
        let key_info = format!(
            r#"<ds:KeyInfo><ds:RetrievalMethod URI="{uri}" Type="http://www.w3.org/2000/09/xmldsig#rawX509Certificate"/></ds:KeyInfo>"#
        );
        let out = replace_range(&signed, element_span(&signed, "ds:KeyInfo", 0), &key_info);
        expect_code(&format!("retrieval_method_not_fetched[{uri}]"), run(&validator(), &out), 23);
    }
    trap.assert_untouched("retrieval_method_not_fetched");
}

/// Sets the SignatureMethod of the first signature.
fn with_signature_method(xml: &str, uri: &str) -> String {
    set_attr(xml, "ds:SignatureMethod", 0, "Algorithm", uri)
}

/// HMAC-SHA256 over the forged assertion's SignedInfo, keyed with public material: the trusted
/// certificate's DER, and the base64 text KeyInfo carries. HMAC is never accepted: 23.
#[test]
fn hmac_with_certificate_as_key() {
    let forged = sign_trusted(&adfs().name_id(EVIL).unsigned_xml(), adfs().get_assertion_id());
    let out = with_signature_method(&forged, "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256");
    let si = canonical_signed_info(&out, 0);
    let der = trusted().der().to_vec();
    for (case, secret) in [("der", der.clone()), ("base64", b64(&der).into_bytes())] {
        let tag = ring::hmac::sign(&ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &secret), &si);
        let out = set_signature_value(&out, 0, &b64(tag.as_ref()));
        let e = expect_code(&format!("hmac_with_certificate_as_key[{case}]"), run(&validator(), &out), 23);
        detail_mentions("hmac_with_certificate_as_key", &e, "HMAC");
    }
}

/// CVE-2009-0217: HMAC with `HMACOutputLength` 0 and an empty SignatureValue, and with 8 bits and the
/// first byte of a genuine HMAC: 23.
#[test]
fn hmac_output_length() {
    let forged = sign_trusted(&adfs().name_id(EVIL).unsigned_xml(), adfs().get_assertion_id());
    for bits in [0usize, 8] {
        let method = format!(
            r#"<ds:SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1"><ds:HMACOutputLength>{bits}</ds:HMACOutputLength></ds:SignatureMethod>"#
        );
        let out = replace_range(&forged, element_span(&forged, "ds:SignatureMethod", 0), &method);
        let si = canonical_signed_info(&out, 0);
        let tag = ring::hmac::sign(
            &ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, trusted().der()),
            &si,
        );
        let out = set_signature_value(&out, 0, &b64(&tag.as_ref()[..bits / 8]));
        expect_code(&format!("hmac_output_length[{bits}]"), run(&validator(), &out), 23);
    }
}

/// A SHA-1 DigestMethod, signed by the IdP with the trusted key: refused under the default policy (23),
/// accepted only through the named legacy door (the control shows the refusal is the algorithm's).
#[test]
fn sha1_digest() {
    let xml = build(&adfs().digest_algorithm(DigestAlgorithm::Sha1));
    let e = expect_code("sha1_digest", run(&validator(), &xml), 23);
    detail_mentions("sha1_digest", &e, "xmldsig#sha1");
    let legacy = validator_with(sp().algorithms(AlgorithmPolicy::default().legacy_allow_sha1()));
    expect_accepted("sha1_digest[legacy policy control]", run(&legacy, &xml));
}

/// An MD5 DigestMethod with the genuine MD5 of the (forged) assertion, SignedInfo re-signed with the
/// trusted key: 23.
#[test]
fn md5_digest() {
    let (xml, _, id, _) = assertion_parts();
    let forged = forge_name_id(&xml);
    let out =
        set_attr(&forged, "ds:DigestMethod", 0, "Algorithm", "http://www.w3.org/2001/04/xmldsig-more#md5");
    let out = set_digest_value(&out, 0, &b64(&md5(&reference_octets(&forged, &id))));
    let out = resign_trusted(&out, 0);
    let e = expect_code("md5_digest", run(&validator(), &out), 23);
    detail_mentions("md5_digest", &e, "MD5");
}

/// Unknown SignatureMethod, DigestMethod and CanonicalizationMethod URIs, re-signed with the trusted key
/// (RSA-SHA256 value): 23.
#[test]
fn unknown_algorithm() {
    let (xml, _, _, _) = assertion_parts();
    let cases = [
        (
            "signature",
            set_attr(
                &xml,
                "ds:SignatureMethod",
                0,
                "Algorithm",
                "http://www.w3.org/2001/04/xmldsig-more#rsa-whirlpool",
            ),
        ),
        ("digest", set_attr(&xml, "ds:DigestMethod", 0, "Algorithm", "urn:example:digest:rot13")),
        ("c14n", set_attr(&xml, "ds:CanonicalizationMethod", 0, "Algorithm", "urn:example:c14n:none")),
    ];
    for (case, out) in cases {
        let out = resign_trusted(&out, 0);
        expect_code(&format!("unknown_algorithm[{case}]"), run(&validator(), &out), 23);
    }
}

/// The ECDSA-SHA256 URI over an RSA PKCS#1 signature by the trusted key: the trusted RSA key cannot
/// verify an ECDSA signature, and KeyInfo names a trusted certificate: 23.
#[test]
fn mismatched_algorithm() {
    let (xml, _, _, _) = assertion_parts();
    let out = with_signature_method(&xml, "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256");
    let out = resign_trusted(&out, 0);
    expect_code("mismatched_algorithm", run(&validator(), &out), 23);
}

/// Another IdP's key — trusted by this SP, but for that other IdP (rsa3072, entity OTHER_IDP) — signs a
/// response that names *this* IdP as Issuer. The validator for this IdP trusts only this IdP's
/// certificates: the signature verifies with none of them and KeyInfo carries a certificate it does not
/// trust: 8 (the SPEC row, taken literally; never Ok). Without KeyInfo: 23. The other IdP's validator
/// accepts the signature but not the Issuer: 24.
#[test]
fn other_trusted_idp_key_with_this_issuer() {
    let out = attacker_signed("rsa3072", "rsa3072");
    expect_code("other_trusted_idp_key_with_this_issuer", run(&validator(), &out), 8);
    let bare = remove_element(&out, "ds:KeyInfo", 0);
    expect_code("other_trusted_idp_key_with_this_issuer[no keyinfo]", run(&validator(), &bare), 23);
    let other = Validator::builder(
        sp().build().unwrap(),
        IdentityProvider::builder(OTHER_IDP).certificate(cert("rsa3072")).build(),
    )
    .build();
    expect_code("other_trusted_idp_key_with_this_issuer[other idp's validator]", run(&other, &out), 24);
}

/// SignatureValue removed, and empty: 23.
#[test]
fn missing_signature_value() {
    let (xml, _, _, _) = assertion_parts();
    let out = remove_element(&xml, "ds:SignatureValue", 0);
    expect_code("missing_signature_value[removed]", run(&validator(), &out), 23);
    let out = set_signature_value(&xml, 0, "");
    expect_code("missing_signature_value[empty]", run(&validator(), &out), 23);
}

// ================================================================================================
// Text and parser differentials
// ================================================================================================

/// CVE-2017-11427 family: the IdP signs `alice@example.com.evil.com` (the attacker's own account); the
/// attacker adds a comment after `alice@example.com`. Comments are outside the digest, so the signatures
/// still verify; the NameID read must be the full text, never the prefix before the comment. Also with
/// the comment first and in both signed shapes (assertion-signed ADFS, both-signed Okta).
#[test]
fn comment_injection_name_id_cve_2017_11427() {
    let full = "alice@example.com.evil.com";
    for (flavor, b, p) in [("adfs", adfs(), "saml"), ("okta", okta(), "saml2")] {
        let xml = build(&b.name_id(full));
        for (case, injected) in [
            ("middle", "alice@example.com<!---->.evil.com"),
            ("start", "<!--x-->alice@example.com.evil.com"),
            ("many", "alice<!--a-->@example<!--b-->.com<!--c-->.evil.com"),
        ] {
            let out =
                replace_once(&xml, &format!(">{full}</{p}:NameID>"), &format!(">{injected}</{p}:NameID>"));
            let id = format!("comment_injection_name_id_cve_2017_11427[{flavor} {case}]");
            let login = expect_accepted(&id, run(&validator(), &out));
            assert_eq!(login.name_id.value, full, "{id}: the NameID must be the full text");
            assert_ne!(login.name_id.value, "alice@example.com", "{id}: truncated at the comment");
        }
    }
}

/// The same in an attribute value (the role an SP maps to privileges): the full value, never a prefix.
#[test]
fn comment_injection_attribute() {
    let b = okta().attribute("role", &["user.admin-requests"]);
    let xml = build(&b);
    let out = replace_once(
        &xml,
        ">user.admin-requests</saml2:AttributeValue>",
        ">user.admin<!---->-requests</saml2:AttributeValue>",
    );
    let login = expect_accepted("comment_injection_attribute", run(&validator(), &out));
    assert_eq!(login.attribute("role"), Some(&["user.admin-requests".to_string()][..]));
}

/// CDATA sections inside signed text: C14N writes them as plain text, so the signature still verifies;
/// the value read is the full concatenation.
#[test]
fn cdata_in_signed_text() {
    let xml = build(&adfs());
    for (case, text) in [
        ("split", "<![CDATA[alice@]]>example.com"),
        ("whole", "<![CDATA[alice@example.com]]>"),
        ("with-comment", "alice@<!----><![CDATA[example]]>.com"),
    ] {
        let out = replace_once(&xml, ">alice@example.com</saml:NameID>", &format!(">{text}</saml:NameID>"));
        let id = format!("cdata_in_signed_text[{case}]");
        let login = expect_accepted(&id, run(&validator(), &out));
        assert_eq!(login.name_id.value, VICTIM, "{id}");
    }
}

/// A processing instruction inside signed text. C14N keeps PIs, so one added after signing breaks the
/// digest (23); one the IdP signed does not split the value (accepted, full text).
#[test]
fn pi_in_signed_text() {
    let full = "alice@example.com.evil.com";
    let xml = build(&adfs().name_id(full));
    let out = replace_once(&xml, ">alice@example.com.evil.com<", ">alice@example.com<?x y?>.evil.com<");
    expect_code("pi_in_signed_text[added]", run(&validator(), &out), 23);

    let b = adfs().name_id(full);
    let unsigned = replace_once(
        &b.unsigned_xml(),
        ">alice@example.com.evil.com<",
        ">alice@example.com<?x y?>.evil.com<",
    );
    let signed = sign_trusted(&unsigned, b.get_assertion_id());
    let login = expect_accepted("pi_in_signed_text[signed]", run(&validator(), &signed));
    assert_eq!(login.name_id.value, full);
}

/// CVE-2025-25291 (ruby-saml): a DOCTYPE whose internal subset hides markup in an ATTLIST default value
/// and a comment-looking string, for parsers that disagree on where the subset ends; the assertion is
/// forged. Any DOCTYPE: 6.
#[test]
fn doctype_trick_cve_2025_25291() {
    let (xml, _, _, _) = assertion_parts();
    let sig = element(&xml, "ds:Signature", 0).replace('"', "'");
    let forged = forge_name_id(&xml);
    let out = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE samlp:Response [\n  <!ATTLIST samlp:Response x CDATA \"]><!-- {sig} -->\">\n]>\n{forged}"
    );
    for (form, req) in every_form(out.as_bytes()) {
        let e = expect_code(&format!("doctype_trick_cve_2025_25291[{form}]"), validator().validate(&req), 6);
        detail_mentions("doctype_trick_cve_2025_25291", &e, "DOCTYPE");
    }
}

/// CVE-2025-25292 (ruby-saml) family — namespace differentials:
///
/// * a forged "saml:Assertion" whose `saml` prefix is bound to a look-alike URI, ahead of the genuine
///   signed one. Namespace-aware, it is not a SAML assertion: the genuine assertion is the only one, and
///   the values come from it (accepted, `alice`, never `admin`) — SPEC: values are read only from the
///   element the signature covers;
/// * a second NameID in another default namespace added inside the signed Subject: the signed content
///   changed, 23;
/// * the genuine assertion's own namespace declaration re-bound (`xmlns:saml` → look-alike URI): seen
///   namespace-aware the Response has no assertion: 13 (SPEC: a Success response with no assertion).
#[test]
fn namespace_trick_cve_2025_25292() {
    let (xml, _, _, evil) = assertion_parts();
    let lookalike = "urn:oasis:names:tc:SAML:2.0:Assertion";
    let fake =
        replace_once(&evil, &format!(r#"xmlns:saml="{SAML_NS}""#), &format!(r#"xmlns:saml="{lookalike}""#));
    let fake = set_attr(&fake, "saml:Assertion", 0, "ID", "_forged_assertion");
    let out = insert_at(&xml, before(&xml, "saml:Assertion", 0), &fake);
    let login =
        expect_accepted("namespace_trick_cve_2025_25292[look-alike assertion]", run(&validator(), &out));
    assert_eq!(login.name_id.value, VICTIM, "the forged look-alike assertion must never be read");

    let out = insert_at(
        &xml,
        before(&xml, "saml:NameID", 0),
        &format!(r#"<NameID xmlns="urn:example:not-saml">{EVIL}</NameID>"#),
    );
    expect_code("namespace_trick_cve_2025_25292[default-namespace NameID]", run(&validator(), &out), 23);

    let a = element_span(&xml, "saml:Assertion", 0);
    let tag_end = start_tag_end(&xml, a.start);
    let rebound = replace_range(
        &xml,
        a.start..tag_end,
        &xml[a.start..tag_end]
            .replace(&format!(r#"xmlns:saml="{SAML_NS}""#), &format!(r#"xmlns:saml="{lookalike}""#)),
    );
    expect_code(
        "namespace_trick_cve_2025_25292[assertion namespace rebound]",
        run(&validator(), &rebound),
        13,
    );
}

/// CVE-2025-23369 (GitHub Enterprise / libxml2): an ID spelled with a character reference. The forged
/// twin (in Extensions, ahead of the signed assertion) says `ID="&#95;…"`, which is the same ID as the
/// genuine `_…` once decoded: duplicate IDs, 23. An entity reference in the ID: with a DTD-declared
/// entity, and undeclared: 6.
#[test]
fn entity_in_id_cve_2025_23369() {
    let (xml, _, id, evil) = assertion_parts();
    assert!(id.starts_with('_'));
    let charref = format!("&#95;{}", &id[1..]);
    let twin = set_attr(&evil, "saml:Assertion", 0, "ID", &charref);
    let out = insert_at(
        &xml,
        after(&xml, "saml:Issuer", 0),
        &format!("<samlp:Extensions>{twin}</samlp:Extensions>"),
    );
    expect_code("entity_in_id_cve_2025_23369[character reference]", run(&validator(), &out), 23);

    let twin = set_attr(&evil, "saml:Assertion", 0, "ID", "&id;");
    let with_twin = insert_at(
        &xml,
        after(&xml, "saml:Issuer", 0),
        &format!("<samlp:Extensions>{twin}</samlp:Extensions>"),
    );
    let declared = format!("<!DOCTYPE samlp:Response [<!ENTITY id \"{id}\">]>{with_twin}");
    expect_code("entity_in_id_cve_2025_23369[declared entity]", run(&validator(), &declared), 6);
    expect_code("entity_in_id_cve_2025_23369[undeclared entity]", run(&validator(), &with_twin), 6);
}

/// Runs `xml` in every input form and expects 6 each time.
fn expect_malformed(id: &str, xml: &[u8]) {
    for (form, req) in every_form(xml) {
        expect_code(&format!("{id}[{form}]"), validator().validate(&req), 6);
    }
}

/// Go encoding/xml round-trip shapes (crewjam TestSPRejectsMalformedResponse, CVE-2020-29509 family):
/// an attribute named `::foo` on the signed Response. Not namespace-well-formed: 6.
#[test]
fn go_roundtrip_colon_colon_foo() {
    let xml = build(&okta());
    let out = replace_once(&xml, "<saml2p:Response ", "<saml2p:Response ::foo=\"bar\" ");
    expect_malformed("go_roundtrip_colon_colon_foo", out.as_bytes());
}

/// An element named `x::Element` (and `saml2::Assertion`) inside the Response: 6.
#[test]
fn go_roundtrip_x_colon_colon_element() {
    let xml = build(&okta());
    for el in [
        "<x::Element xmlns:x=\"urn:x\"/>",
        "<saml2::Assertion/>",
        "<x::Element xmlns:x=\"urn:x\"></x::Element>",
    ] {
        let out = insert_at(&xml, before(&xml, "saml2p:Status", 0), el);
        expect_malformed(&format!("go_roundtrip_x_colon_colon_element[{el}]"), out.as_bytes());
    }
}

/// Attributes named `:` and `xmlns:` (the `:=` shapes), and an element named `:Element`: 6.
#[test]
fn go_roundtrip_colon_equals() {
    let xml = build(&okta());
    for a in [":=\"x\"", "xmlns:=\"urn:evil\"", "saml2p:=\"x\""] {
        let out = replace_once(&xml, "<saml2p:Response ", &format!("<saml2p:Response {a} "));
        expect_malformed(&format!("go_roundtrip_colon_equals[{a}]"), out.as_bytes());
    }
    let out = insert_at(&xml, before(&xml, "saml2p:Status", 0), "<:Element/>");
    expect_malformed("go_roundtrip_colon_equals[<:Element/>]", out.as_bytes());
}

/// The `saml` prefix re-bound to another URI on the signed NameID (ADFS: assertion signed; Okta: both):
/// a prefix-matching reader still sees `saml:NameID`, but the signed content changed: 23.
#[test]
fn saml_prefix_rebound() {
    for (flavor, xml, p) in [("adfs", build(&adfs()), "saml"), ("okta", build(&okta()), "saml2")] {
        let out = replace_once(
            &xml,
            &format!("<{p}:NameID "),
            &format!("<{p}:NameID xmlns:{p}=\"urn:example:not-saml\" "),
        );
        let out = forge_name_id(&out);
        expect_code(&format!("saml_prefix_rebound[{flavor}]"), run(&validator(), &out), 23);
    }
}

/// The only signature's `ds` prefix bound to a namespace that is not XML-DSig's (the 2000/09 URI without
/// `#`, the XMLDSig 1.1 one, an arbitrary one, and as default namespace), assertion forged. Namespace-
/// aware there is no ds:Signature at all: 20.
#[test]
fn signature_in_wrong_namespace() {
    let (xml, _, _, _) = assertion_parts();
    let forged = forge_name_id(&xml);
    for ns in ["http://www.w3.org/2000/09/xmldsig", "http://www.w3.org/2009/xmldsig11#", "urn:example:dsig"] {
        let out = replace_once(&forged, &format!(r#"xmlns:ds="{DS_NS}""#), &format!(r#"xmlns:ds="{ns}""#));
        let e = expect_code(&format!("signature_in_wrong_namespace[{ns}]"), run(&validator(), &out), 20);
        detail_mentions("signature_in_wrong_namespace", &e, "no ds:Signature");
    }
    let sig = element_span(&forged, "ds:Signature", 0);
    let unprefixed = forged[sig.clone()]
        .replace(&format!(r#"xmlns:ds="{DS_NS}""#), r#"xmlns="urn:example:dsig""#)
        .replace("<ds:", "<")
        .replace("</ds:", "</");
    let out = replace_range(&forged, sig, &unprefixed);
    expect_code("signature_in_wrong_namespace[default namespace]", run(&validator(), &out), 20);
}

// ================================================================================================
// Parser bombs
// ================================================================================================

/// Validates in every form, expects 6, and checks that each refusal was quick (debug build: generous).
fn expect_malformed_quickly(id: &str, bytes: &[u8], needle: &str) {
    for (form, req) in every_form(bytes) {
        let start = Instant::now();
        let result = validator().validate(&req);
        let took = start.elapsed();
        let e = expect_code(&format!("{id}[{form}]"), result, 6);
        detail_mentions(id, &e, needle);
        assert!(took < StdDuration::from_secs(2), "{id}[{form}]: refusing took {took:?}");
    }
}

/// `<!DOCTYPE>` of any kind in front of a valid signed response — empty, internal subset, external
/// system id: 6.
#[test]
fn doctype_any() {
    let xml = build(&okta());
    for doctype in [
        "<!DOCTYPE saml2p:Response>",
        "<!DOCTYPE saml2p:Response []>",
        "<!DOCTYPE saml2p:Response SYSTEM \"urn:x\">",
        "<!DOCTYPE saml2p:Response PUBLIC \"-//x//y\" \"saml.dtd\">",
    ] {
        let out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{doctype}\n{xml}");
        expect_malformed_quickly(&format!("doctype_any[{doctype}]"), out.as_bytes(), "DOCTYPE");
    }
}

/// XXE: an external general entity (a local file) in the NameID, and an external parameter entity to a
/// local listener: 6, nothing fetched.
#[test]
fn xxe() {
    let trap = Trap::new();
    let xml = build(&okta());
    let general = format!(
        "<!DOCTYPE saml2p:Response [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n{}",
        replace_once(&xml, ">alice@example.com</saml2:NameID>", ">&xxe;</saml2:NameID>")
    );
    expect_malformed_quickly("xxe[general]", general.as_bytes(), "DOCTYPE");
    let parameter =
        format!("<!DOCTYPE saml2p:Response [<!ENTITY % p SYSTEM \"{}\"> %p;]>\n{xml}", trap.url("xxe.dtd"));
    expect_malformed_quickly("xxe[parameter]", parameter.as_bytes(), "DOCTYPE");
    trap.assert_untouched("xxe");
}

/// Billion laughs (10^9 expansions) referenced from the NameID: 6, at once.
#[test]
fn billion_laughs() {
    let mut dtd = String::from("<!DOCTYPE saml2p:Response [<!ENTITY lol0 \"lol\">");
    for i in 1..=9 {
        dtd.push_str(&format!("<!ENTITY lol{i} \"{}\">", format!("&lol{};", i - 1).repeat(10)));
    }
    dtd.push_str("]>");
    let xml = build(&okta());
    let out =
        format!("{dtd}{}", replace_once(&xml, ">alice@example.com</saml2:NameID>", ">&lol9;</saml2:NameID>"));
    expect_malformed_quickly("billion_laughs", out.as_bytes(), "DOCTYPE");
    // Without the DOCTYPE the entity is undeclared: still 6.
    let out = replace_once(&xml, ">alice@example.com</saml2:NameID>", ">&lol9;</saml2:NameID>");
    expect_malformed_quickly("billion_laughs[undeclared]", out.as_bytes(), "entity");
}

/// 100 000 nested elements inside the Response (about 700 KB, under the 1 MiB size limit, so the
/// depth limit is what refuses it): 6, quickly.
#[test]
fn deep_nesting_100000() {
    let xml = build(&adfs());
    let deep = format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
    let out = insert_at(&xml, before(&xml, "samlp:Status", 0), &deep);
    assert!(out.len() < 1024 * 1024);
    expect_malformed_quickly("deep_nesting_100000", out.as_bytes(), "deeper");
}

/// 100 000 attributes on the Response element (under the size limit): 6, quickly.
#[test]
fn attributes_100000() {
    let xml = build(&adfs());
    let attrs: String = (0..100_000u32).map(|i| format!(" a{i:x}=\"\"")).collect();
    let out = replace_once(&xml, "<samlp:Response ", &format!("<samlp:Response{attrs} "));
    assert!(out.len() < 1024 * 1024, "{}", out.len());
    expect_malformed_quickly("attributes_100000", out.as_bytes(), "attributes");
}

/// A 3 MiB attribute value in a genuinely signed response (base64 about 4 MiB): over the default
/// 1 MiB limit, 6 — checked before decoding in the base64 and form cases.
#[test]
fn multi_megabyte_base64() {
    // Four values of 768 KiB: each text run stays under the parser's 1 MiB text limit, so the IdP (the
    // testkit) can sign it; the message as a whole is 3 MiB.
    let chunk = "A".repeat(768 * 1024);
    let xml = build(&adfs().attributes(vec![attr("blob", None, &[chunk.as_str(); 4])]));
    assert!(xml.len() > 3 * 1024 * 1024);
    expect_malformed_quickly("multi_megabyte_base64", xml.as_bytes(), "over the limit");
}

fn utf16(s: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if big_endian { &[0xFE, 0xFF] } else { &[0xFF, 0xFE] });
    }
    for u in s.encode_utf16() {
        out.extend_from_slice(&if big_endian { u.to_be_bytes() } else { u.to_le_bytes() });
    }
    out
}

/// The signed response as UTF-16 (LE and BE with a BOM, LE without, and with a UTF-16 declaration):
/// only UTF-8 is accepted, 6.
#[test]
fn utf16_bom() {
    let xml = build(&okta());
    let declared = format!("<?xml version=\"1.0\" encoding=\"UTF-16\"?>{xml}");
    for (case, bytes) in [
        ("le-bom", utf16(&xml, false, true)),
        ("be-bom", utf16(&xml, true, true)),
        ("le-no-bom", utf16(&xml, false, false)),
        ("le-bom-declared", utf16(&declared, false, true)),
    ] {
        expect_malformed_quickly(&format!("utf16_bom[{case}]"), &bytes, "UTF-16");
    }
}

/// UTF-8 bytes under a declaration naming another encoding (ISO-8859-1, UTF-16, US-ASCII), and Latin-1
/// bytes in a document declared UTF-8: 6.
#[test]
fn mismatched_declared_encoding() {
    let xml = build(&okta());
    for enc in ["ISO-8859-1", "UTF-16", "US-ASCII", "windows-1252"] {
        let out = format!("<?xml version=\"1.0\" encoding=\"{enc}\"?>{xml}");
        expect_malformed_quickly(&format!("mismatched_declared_encoding[{enc}]"), out.as_bytes(), "encoding");
    }
    let mut latin1 = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{xml}").into_bytes();
    let at = latin1.windows(5).position(|w| w == b"alice").unwrap();
    latin1[at] = 0xE9; // 'é' in ISO-8859-1, not UTF-8
    expect_malformed_quickly("mismatched_declared_encoding[latin1 bytes]", &latin1, "UTF-8");
}

/// SAMLResponse values that are not base64: garbage, a character outside the alphabet in the middle, a
/// truncated value, and bad padding: 6 (as the field value and inside a form body).
#[test]
fn invalid_base64() {
    let good = b64(build(&okta()).as_bytes());
    let mid = good.len() / 2;
    for (case, value) in [
        ("garbage", "%%%not base64%%%".to_string()),
        ("bad char", format!("{}*{}", &good[..mid], &good[mid + 1..])),
        ("truncated", good[..good.len() - 3].to_string()),
        ("bad padding", format!("{}===", good.trim_end_matches('='))),
    ] {
        let e = expect_code(
            &format!("invalid_base64[{case}]"),
            validator().validate(&SsoRequest::saml_response(&value, now())),
            6,
        );
        detail_mentions("invalid_base64", &e, "base64");
        let body = format!(
            "SAMLResponse={}",
            percent_encoding::utf8_percent_encode(&value, percent_encoding::NON_ALPHANUMERIC)
        );
        expect_code(
            &format!("invalid_base64[{case}, form]"),
            validator().validate(&SsoRequest::form("POST", body.as_bytes(), now())),
            6,
        );
    }
}

/// Data after the root element (text, another element, a NUL byte), and after the base64 padding: 6.
#[test]
fn trailing_data() {
    let xml = build(&okta());
    for (case, tail) in [("text", "garbage"), ("element", "<x/>"), ("nul", "\u{0}")] {
        let out = format!("{xml}{tail}");
        expect_malformed_quickly(&format!("trailing_data[{case}]"), out.as_bytes(), "");
    }
    let value = format!("{}AAAA!!", b64(xml.as_bytes()));
    expect_code(
        "trailing_data[after base64]",
        validator().validate(&SsoRequest::saml_response(&value, now())),
        6,
    );
}

/// Roots that are not `samlp:Response`: the signed Assertion on its own, a signed LogoutResponse, a
/// `Response` in no namespace and one in the SAML 1.0 protocol namespace: 29.
#[test]
fn wrong_root() {
    let b = adfs();
    let assertion = sign_trusted(&b.assertion_xml(), b.get_assertion_id());
    expect_code("wrong_root[assertion]", run(&validator(), &assertion), 29);
    let logout = format!(
        r#"<samlp:LogoutResponse xmlns:samlp="{SAMLP_NS}" xmlns:saml="{SAML_NS}" ID="_lr" Version="2.0" IssueInstant="2030-01-01T12:00:00Z"><saml:Issuer>{IDP}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>"#
    );
    expect_code("wrong_root[logout response]", run(&validator(), &sign_trusted(&logout, "_lr")), 29);
    let xml = build(&adfs());
    let no_ns = xml
        .replacen("<samlp:Response xmlns:samlp=", "<Response xmlns:samlp=", 1)
        .replace("</samlp:Response>", "</Response>");
    expect_code("wrong_root[no namespace]", run(&validator(), &no_ns), 29);
    let saml1 = replace_once(
        &xml,
        &format!(r#"xmlns:samlp="{SAMLP_NS}""#),
        r#"xmlns:samlp="urn:oasis:names:tc:SAML:1.0:protocol""#,
    );
    expect_code("wrong_root[SAML 1.0 namespace]", run(&validator(), &saml1), 29);
}

// ================================================================================================
// Semantics (signed with the trusted key)
// ================================================================================================

/// The same accepted response posted twice to the same validator (also re-encoded as base64 the second
/// time): 13.
#[test]
fn replay() {
    let xml = build(&okta());
    let v = validator();
    expect_accepted("replay[first]", run(&v, &xml));
    let e = expect_code("replay", run(&v, &xml), 13);
    detail_mentions("replay", &e, "replay");
    let e = expect_code(
        "replay[base64]",
        v.validate(&SsoRequest::saml_response(&b64(xml.as_bytes()), now())),
        13,
    );
    detail_mentions("replay", &e, "replay");
}

fn secs(n: i64) -> Duration {
    Duration::seconds(n)
}

/// Clock skew of the default SP: 180 s.
const SKEW: i64 = 180;

/// Conditions NotBefore exactly `now + skew`: accepted (SPEC: "exactly at NotBefore = now + skew is
/// accepted").
#[test]
fn time_edge_not_before_exactly_at_skew() {
    let xml = build(&okta().not_before(Some(now() + secs(SKEW))));
    expect_accepted("time_edge_not_before_exactly_at_skew", run(&validator(), &xml));
}

/// NotBefore one second beyond the skew: 13.
#[test]
fn time_edge_not_before_one_second_past() {
    let xml = build(&okta().not_before(Some(now() + secs(SKEW + 1))));
    expect_code("time_edge_not_before_one_second_past", run(&validator(), &xml), 13);
}

/// Conditions NotOnOrAfter T with `now = T + skew - 1`: accepted; `now = T + skew` (exactly at the
/// skew: "passed when now >= T + skew"): 19; one second past: 19.
#[test]
fn time_edge_not_on_or_after() {
    for (case, offset, code) in [
        ("one_second_inside", SKEW - 1, None),
        ("exactly_at_skew", SKEW, Some(19)),
        ("one_second_past", SKEW + 1, Some(19)),
    ] {
        let xml = build(&okta().not_on_or_after(Some(now() - secs(offset))));
        let id = format!("time_edge_not_on_or_after_{case}");
        match code {
            None => {
                expect_accepted(&id, run(&validator(), &xml));
            }
            Some(c) => {
                let e = expect_code(&id, run(&validator(), &xml), c);
                detail_mentions(&id, &e, "Conditions NotOnOrAfter");
            }
        }
    }
}

/// Bearer SubjectConfirmationData NotOnOrAfter, same edges: accepted / 19 / 19.
#[test]
fn time_edge_subject_confirmation_not_on_or_after() {
    for (case, offset, code) in [
        ("one_second_inside", SKEW - 1, None),
        ("exactly_at_skew", SKEW, Some(19)),
        ("one_second_past", SKEW + 1, Some(19)),
    ] {
        let xml = build(&okta().confirmation_not_on_or_after(Some(now() - secs(offset))));
        let id = format!("time_edge_subject_confirmation_not_on_or_after_{case}");
        match code {
            None => {
                expect_accepted(&id, run(&validator(), &xml));
            }
            Some(c) => {
                let e = expect_code(&id, run(&validator(), &xml), c);
                detail_mentions(&id, &e, "SubjectConfirmationData NotOnOrAfter");
            }
        }
    }
}

/// AuthnStatement SessionNotOnOrAfter, same edges: accepted / 19 / 19.
#[test]
fn time_edge_session_not_on_or_after() {
    for (case, offset, code) in [
        ("one_second_inside", SKEW - 1, None),
        ("exactly_at_skew", SKEW, Some(19)),
        ("one_second_past", SKEW + 1, Some(19)),
    ] {
        let xml = build(&okta().session_not_on_or_after(Some(now() - secs(offset))));
        let id = format!("time_edge_session_not_on_or_after_{case}");
        match code {
            None => {
                expect_accepted(&id, run(&validator(), &xml));
            }
            Some(c) => {
                let e = expect_code(&id, run(&validator(), &xml), c);
                detail_mentions(&id, &e, "SessionNotOnOrAfter");
            }
        }
    }
}

/// The skew edges also hold with another configured skew (60 s), judged at a later clock rather than
/// with earlier bounds.
#[test]
fn time_edge_with_configured_skew() {
    let v = || validator_with(sp().clock_skew(StdDuration::from_secs(60)));
    let xml = build(&okta());
    // SubjectConfirmationData NotOnOrAfter is now + 5 min.
    let t = now() + Duration::minutes(5);
    expect_accepted("time_edge_with_configured_skew[inside]", run_at(&v(), &xml, t + secs(59)));
    expect_code("time_edge_with_configured_skew[exactly]", run_at(&v(), &xml, t + secs(60)), 19);
    expect_code("time_edge_with_configured_skew[past]", run_at(&v(), &xml, t + secs(61)), 19);
}

/// The assertion is addressed to another SP: 13.
#[test]
fn audience_of_other_sp() {
    let xml = build(&okta().audience_restrictions(vec![vec![OTHER_SP.to_string()]]));
    let e = expect_code("audience_of_other_sp", run(&validator(), &xml), 13);
    detail_mentions("audience_of_other_sp", &e, OTHER_SP);
}

/// The bearer confirmation's Recipient is another SP's ACS: 14.
#[test]
fn recipient_of_other_sp() {
    let xml = build(&okta().recipient(Some(OTHER_ACS)));
    let e = expect_code("recipient_of_other_sp", run(&validator(), &xml), 14);
    detail_mentions("recipient_of_other_sp", &e, OTHER_ACS);
}

/// The (signed) Response's Destination is another SP's ACS: 14.
#[test]
fn destination_of_other_sp() {
    let xml = build(&okta().destination(Some(OTHER_ACS)));
    let e = expect_code("destination_of_other_sp", run(&validator(), &xml), 14);
    detail_mentions("destination_of_other_sp", &e, OTHER_ACS);
}

/// Two AudienceRestrictions, one naming this SP and one only another SP: every one must list this SP
/// (SPEC "Audience"), 13 — in both orders.
#[test]
fn two_audience_restrictions_one_fails() {
    for (case, r) in [
        ("ours-first", vec![vec![SP.to_string()], vec![OTHER_SP.to_string()]]),
        ("ours-last", vec![vec![OTHER_SP.to_string()], vec![SP.to_string()]]),
    ] {
        let xml = build(&okta().audience_restrictions(r));
        expect_code(&format!("two_audience_restrictions_one_fails[{case}]"), run(&validator(), &xml), 13);
    }
}

/// A response to another request than the outstanding one: 28 (Response InResponseTo); and a Response
/// that answers ours whose bearer confirmation answers another: 28.
#[test]
fn in_response_to_other_request() {
    let xml = build(&okta().in_response_to(Some("_request_of_someone_else")));
    let req = SsoRequest::xml(xml.as_bytes(), now()).request_id("_our_request");
    expect_code("in_response_to_other_request", validator().validate(&req), 28);
    let xml = build(
        &okta()
            .in_response_to(Some("_our_request"))
            .confirmation_in_response_to(Some("_request_of_someone_else")),
    );
    let req = SsoRequest::xml(xml.as_bytes(), now()).request_id("_our_request");
    expect_code("in_response_to_other_request[confirmation]", validator().validate(&req), 28);
}

/// An unsolicited response (no InResponseTo) when IdP-initiated login is refused — with and without a
/// request outstanding — and one answering a request when none is outstanding: 28.
#[test]
fn unsolicited_when_refused() {
    let v = validator_with(sp().allow_idp_initiated(false));
    let xml = build(&okta());
    expect_code("unsolicited_when_refused", run(&v, &xml), 28);
    let req = SsoRequest::xml(xml.as_bytes(), now()).request_id("_our_request");
    expect_code("unsolicited_when_refused[request outstanding]", v.validate(&req), 28);
    let xml = build(&okta().in_response_to(Some("_forgotten_request")));
    expect_code("unsolicited_when_refused[none outstanding]", run(&v, &xml), 28);
}

/// Two bearer SubjectConfirmations, each failing a different check: the first is for this ACS but has
/// expired; the second is current but for another SP's ACS. No confirmation passes every check. The
/// Recipient check (14) is satisfied by the first ("no bearer SubjectConfirmation whose Recipient
/// equals the ACS URL" is false), so the failure of the confirmation that could be used decides: 19.
#[test]
fn two_subject_confirmations_each_failing_differently() {
    let second = format!(
        r#"<saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml2:SubjectConfirmationData NotOnOrAfter="2030-01-01T12:05:00Z" Recipient="{OTHER_ACS}"/></saml2:SubjectConfirmation>"#
    );
    let xml = build(
        &okta().confirmation_not_on_or_after(Some(now() - Duration::minutes(10))).extra_confirmation(&second),
    );
    let e = expect_code("two_subject_confirmations_each_failing_differently", run(&validator(), &xml), 19);
    detail_mentions(
        "two_subject_confirmations_each_failing_differently",
        &e,
        "SubjectConfirmationData NotOnOrAfter",
    );
}

/// No Issuer on the Response (optional) nor on the assertion (mandatory in SAML): the assertion Issuer
/// is not the IdP's entity ID: 24 (SPEC row "assertion Issuer ≠ the IdP entity ID").
#[test]
fn issuer_missing() {
    let xml = build(&okta().response_issuer(None).assertion_issuer(None));
    let e = expect_code("issuer_missing", run(&validator(), &xml), 24);
    detail_mentions("issuer_missing", &e, "no Issuer");
}

/// Another IdP as Issuer (signed with the trusted key): on the Response, 24 at the response stage; only on
/// the assertion, 24 at the assertion stage.
#[test]
fn issuer_other() {
    let xml = build(&okta().issuer(OTHER_IDP));
    let e = expect_code("issuer_other", run(&validator(), &xml), 24);
    detail_mentions("issuer_other", &e, OTHER_IDP);
    let xml = build(&adfs().response_issuer(None).assertion_issuer(Some(OTHER_IDP)));
    expect_code("issuer_other[assertion only]", run(&validator(), &xml), 24);
}

/// A non-Success status that still carries a (valid, signed) assertion: 1.
#[test]
fn non_success_with_assertion() {
    let xml = build(&okta().status(
        "urn:oasis:names:tc:SAML:2.0:status:Responder",
        Some("urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"),
        None,
    ));
    assert_eq!(count(&xml, "saml2:Assertion"), 1);
    expect_code("non_success_with_assertion", run(&validator(), &xml), 1);
}

/// Version 1.1 on the Response (29) and on the assertion (13).
#[test]
fn version_1_1() {
    expect_code("version_1_1[response]", run(&validator(), &build(&okta().version("1.1"))), 29);
    expect_code("version_1_1[assertion]", run(&validator(), &build(&okta().assertion_version("1.1"))), 13);
}

/// No ID: the (unsigned) Response's ID removed after the assertion was signed (29); an assertion without
/// ID under a signed Response (13).
#[test]
fn no_id() {
    let xml = build(&adfs());
    let out = remove_attr(&xml, "samlp:Response", 0, "ID");
    expect_code("no_id[response]", run(&validator(), &out), 29);
    let xml = build(&okta().sign_assertion(false).assertion_id(""));
    expect_code("no_id[assertion]", run(&validator(), &xml), 13);
}
