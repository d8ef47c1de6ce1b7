//! WS-Federation passive sign-in (issue 6, item 5): `wa=wsignin1.0&wresult=…` bodies whose WS-Trust
//! `RequestSecurityTokenResponse` (1.3 or 2005, bare or in a collection) carries a signed SAML 2.0 or
//! SAML 1.1 assertion, made at test time with the testkit (real RSA signatures with `testdata/keys`).
//!
//! Accepted tokens give the right `Login`; the token structure gives 22; and the signature and assertion
//! codes (20, 8, 15, 23, 13, 19, 24, 14, 28, 2, 25, 10, 1, 3) come out of WS-Federation exactly as they
//! do out of a Response — each one for both SAML versions. The `testdata/wsfed/` fixtures are checked
//! against the testkit and run through `samlguard validate`.
#![cfg(feature = "testkit")]

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use samlguard::testkit::{ResponseBuilder, Saml11Builder, WsFedBuilder, WsTrust};
use samlguard::{
    AccountPolicy, Certificate, ErrorCode, IdentityProvider, InMemoryAccounts, Login, ServiceProvider,
    ServiceProviderBuilder, SignaturePlacement, Signer, SigningKey, SsoError, SsoRequest, Stage, Validator,
};

const ADFS: &str = "http://adfs.example.com/adfs/services/trust";
/// The relying party's realm (wtrealm): the SP entity ID and the token's audience.
const REALM: &str = "https://sp.example.com/";
const ACS: &str = "https://sp.example.com/wsfed";
const EMAIL: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const CLAIMS: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims";

fn issued() -> DateTime<Utc> {
    "2030-01-01T12:00:00Z".parse().expect("a time")
}

/// Thirty seconds after [`issued`]: when the tests validate.
fn now() -> DateTime<Utc> {
    issued() + Duration::seconds(30)
}

fn keys(name: &str) -> String {
    format!("{}/testdata/keys/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn key(name: &str) -> SigningKey {
    SigningKey::from_pkcs8_pem(&std::fs::read(keys(&format!("{name}.key"))).expect("key file")).expect("key")
}

fn cert(name: &str) -> Certificate {
    Certificate::from_pem(&std::fs::read(keys(&format!("{name}.crt"))).expect("cert file")).expect("cert")
}

/// An ADFS-shaped SAML 1.1 token, signed with the trusted key.
fn saml11() -> Saml11Builder {
    Saml11Builder::adfs(ADFS, REALM, issued()).sign_with(key("rsa2048"), cert("rsa2048"))
}

/// An ADFS-shaped SAML 2.0 assertion, signed with the trusted key.
fn saml2() -> ResponseBuilder {
    ResponseBuilder::adfs(ADFS, REALM, ACS, issued()).sign_with(key("rsa2048"), cert("rsa2048"))
}

/// The same change made to a SAML 1.1 and a SAML 2.0 token, each in its WS-Trust 2005 wresult.
fn both(
    s11: impl FnOnce(Saml11Builder) -> Saml11Builder,
    s2: impl FnOnce(ResponseBuilder) -> ResponseBuilder,
) -> [(&'static str, WsFedBuilder); 2] {
    [("SAML 1.1", WsFedBuilder::saml11(s11(saml11()))), ("SAML 2.0", WsFedBuilder::saml2(s2(saml2())))]
}

fn sp() -> ServiceProviderBuilder {
    ServiceProvider::builder(REALM, ACS)
}

fn idp() -> IdentityProvider {
    IdentityProvider::builder(ADFS).certificate(cert("rsa2048")).build()
}

fn validator(sp: ServiceProviderBuilder) -> Validator {
    Validator::builder(sp.build().expect("a valid SP"), idp()).build()
}

fn body(b: &WsFedBuilder) -> String {
    b.build_form_body().expect("the token signs")
}

/// The form body for a `wresult` given as text.
fn form(wresult: &str) -> String {
    let enc =
        |s: &str| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
    format!("wa=wsignin1.0&wresult={}", enc(wresult))
}

fn post(v: &Validator, body: &str, at: DateTime<Utc>) -> Result<Login, SsoError> {
    v.validate(&SsoRequest::form("POST", body.as_bytes(), at))
}

fn run(v: &Validator, b: &WsFedBuilder) -> Result<Login, SsoError> {
    post(v, &body(b), now())
}

/// Asserts the code (number and SPEC text), the stage and that the detail contains every needle.
fn expect(result: Result<Login, SsoError>, code: u8, stage: Stage, needles: &[&str]) -> SsoError {
    let e = match result {
        Ok(login) => panic!("accepted ({}), expected code {code}", login.name_id.value),
        Err(e) => e,
    };
    assert_eq!(e.code().code(), code, "{e}");
    assert_eq!(Some(e.code()), ErrorCode::from_code(code), "{e}");
    assert_eq!(e.detail().stage, stage, "{e}");
    let text = e.detail().to_string();
    for n in needles {
        assert!(text.contains(n), "{n:?} not in the detail: {text}");
    }
    e
}

fn accepted(result: Result<Login, SsoError>) -> Login {
    match result {
        Ok(login) => login,
        Err(e) => panic!("rejected: {e}\n{}", e.detail()),
    }
}

fn values(login: &Login, name: &str) -> Vec<String> {
    login.attribute(name).map(<[String]>::to_vec).unwrap_or_default()
}

// ------------------------------------------------------------------------------------------------
// accepted
// ------------------------------------------------------------------------------------------------

#[test]
fn saml11_adfs_token_gives_the_login() {
    let b = WsFedBuilder::saml11(saml11());
    let login = accepted(run(&validator(sp()), &b));
    assert_eq!(login.issuer, ADFS);
    assert_eq!(login.name_id.value, "alice@example.com");
    assert_eq!(login.name_id.format, EMAIL);
    assert_eq!(login.name_id.name_qualifier, None);
    assert_eq!(login.session_index, None, "SAML 1.1 has no SessionIndex");
    assert_eq!(login.session_not_on_or_after, None);
    assert_eq!(login.authn_instant, Some(issued() - Duration::seconds(2)));
    assert_eq!(login.not_before, Some(issued() - Duration::seconds(5)));
    assert_eq!(login.not_on_or_after, Some(issued() + Duration::hours(1)));
    assert_eq!(login.assertion_id, b.get_assertion_id());
    assert!(login.assertion_id.starts_with('_'));
    assert_eq!(login.response_id, "", "a WS-Federation token has no Response");
    assert_eq!(login.in_response_to, None);
    assert!(login.assertion_signed && !login.response_signed);
    assert_eq!(login.certificate.fingerprint_colon(), cert("rsa2048").fingerprint_colon());
    // Claims: the Name is the claim URI, the FriendlyName the AttributeName.
    let names: Vec<&str> = login.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            format!("{CLAIMS}/upn"),
            format!("{CLAIMS}/emailaddress"),
            format!("{CLAIMS}/givenname"),
            format!("{CLAIMS}/surname")
        ]
    );
    assert_eq!(login.attributes[0].friendly_name.as_deref(), Some("upn"));
    assert_eq!(values(&login, "givenname"), ["Alice"]);
    assert_eq!(values(&login, &format!("{CLAIMS}/surname")), ["Liddell"]);
}

#[test]
fn saml2_adfs_token_gives_the_login() {
    let r = saml2().session_index(Some("_session-7"));
    let b = WsFedBuilder::saml2(r).trust(WsTrust::V1_3).collection(true);
    let login = accepted(run(&validator(sp()), &b));
    assert_eq!(login.issuer, ADFS);
    assert_eq!(login.name_id.value, "alice@example.com");
    assert_eq!(login.name_id.format, EMAIL);
    assert_eq!(login.session_index.as_deref(), Some("_session-7"));
    assert_eq!(login.session_not_on_or_after, Some(issued() + Duration::hours(8)));
    assert_eq!(login.authn_instant, Some(issued() - Duration::seconds(2)));
    assert_eq!(login.not_on_or_after, Some(issued() + Duration::hours(1)));
    assert_eq!(login.assertion_id, b.get_assertion_id());
    assert_eq!(login.response_id, "");
    assert!(login.assertion_signed && !login.response_signed);
    assert_eq!(values(&login, &format!("{CLAIMS}/upn")), ["alice@example.com"]);
}

#[test]
fn every_ws_trust_version_with_and_without_a_collection() {
    for trust in [WsTrust::V2005, WsTrust::V1_3] {
        for collection in [false, true] {
            for (what, b) in both(|t| t, |r| r) {
                let b = b.trust(trust).collection(collection);
                let wresult = b.wresult().expect("signs");
                assert!(wresult.contains(trust.namespace()));
                assert_eq!(wresult.contains("RequestSecurityTokenResponseCollection"), collection);
                let login = accepted(run(&validator(sp()), &b));
                assert_eq!(login.name_id.value, "alice@example.com", "{what} {trust:?} {collection}");
                assert_eq!(login.assertion_id, b.get_assertion_id());
            }
        }
    }
}

#[test]
fn wctx_and_field_order_do_not_matter() {
    let b = WsFedBuilder::saml11(saml11()).wctx(Some("rm=0&id=passive&ru=%2fapp%2f"));
    let v = validator(sp());
    let body = body(&b);
    assert!(body.contains("&wctx=rm%3D0%26id"));
    // wresult first, wa last.
    let mut fields: Vec<&str> = body.split('&').collect();
    fields.rotate_left(1);
    accepted(post(&v, &fields.join("&"), now()));
}

#[test]
fn saml2_token_without_recipient_is_accepted() {
    // Entra ID and ADFS put no Recipient in a WS-Federation token's confirmation.
    let b = WsFedBuilder::saml2(saml2().recipient(None));
    accepted(run(&validator(sp()), &b));
}

#[test]
fn required_attributes_match_attribute_name_and_claim_uri() {
    let v = || {
        validator(sp().required_attributes([
            "upn".to_string(),
            format!("{CLAIMS}/emailaddress"),
            "department".to_string(),
            "urn:oid:2.5.4.42".to_string(),
        ]))
    };
    let t = saml11().attribute(None, "department", &["Research"]).attribute(
        Some("urn:mace:shibboleth:1.0:attributeNamespace:uri"),
        "urn:oid:2.5.4.42",
        &["Alice"],
    );
    let login = accepted(run(&v(), &WsFedBuilder::saml11(t)));
    assert_eq!(values(&login, "department"), ["Research"]);
    assert_eq!(login.attributes[4].name, "department");
    assert_eq!(login.attributes[5].name, "urn:oid:2.5.4.42", "the Shibboleth URI namespace is only a marker");
    // Required by claim URI and by AttributeName: missing → 1.
    let t = saml11().without_attributes().attribute(None, "department", &["Research"]);
    expect(run(&v(), &WsFedBuilder::saml11(t)), 1, Stage::Attributes, &["\"upn\""]);
}

#[test]
fn saml2_confirmation_in_response_to_is_checked_when_present() {
    let b = WsFedBuilder::saml2(saml2().confirmation_in_response_to(Some("_req-1")));
    let v = validator(sp().allow_idp_initiated(false));
    let at = |ids: &[&str]| {
        SsoRequest::form("POST", body(&b).as_bytes(), now()).request_ids_from(ids.iter().copied())
    };
    let e = v.validate(&at(&["_req-2"]));
    expect(e, 28, Stage::Assertion, &["\"_req-1\"", "_req-2"]);
    accepted(v.validate(&at(&["_req-0", "_req-1"])));
    // Without any InResponseTo, a WS-Federation sign-in needs no outstanding request.
    accepted(run(&v, &WsFedBuilder::saml2(saml2().assertion_id("_other"))));
}

#[test]
fn sha1_digest_follows_the_algorithm_policy() {
    let b = WsFedBuilder::saml11(saml11().digest_algorithm(samlguard::DigestAlgorithm::Sha1));
    expect(run(&validator(sp()), &b), 23, Stage::Signature, &["xmldsig#sha1", "is refused"]);
    let legacy = sp().algorithms(samlguard::AlgorithmPolicy::default().legacy_allow_sha1());
    accepted(run(&validator(legacy), &b));
}

// ------------------------------------------------------------------------------------------------
// 22 — the RequestedSecurityToken
// ------------------------------------------------------------------------------------------------

#[test]
fn code_22_no_requested_security_token() {
    for (what, b) in both(|t| t, |r| r) {
        let e = expect(
            run(&validator(sp()), &b.requested_tokens(0)),
            22,
            Stage::WsFed,
            &["no RequestedSecurityToken"],
        );
        assert_eq!(e.code().description(), "Invalid RequestedSecurityToken", "{what}");
    }
}

#[test]
fn code_22_two_requested_security_tokens() {
    for trust in [WsTrust::V2005, WsTrust::V1_3] {
        let b = WsFedBuilder::saml11(saml11()).trust(trust).requested_tokens(2);
        expect(run(&validator(sp()), &b), 22, Stage::WsFed, &["2 RequestedSecurityToken", "exactly one"]);
    }
}

#[test]
fn code_22_collection_of_two_responses_each_with_a_token() {
    for (_, b) in both(|t| t, |r| r) {
        let b = b.trust(WsTrust::V1_3).collection(true).responses(2);
        expect(
            run(&validator(sp()), &b),
            22,
            Stage::WsFed,
            &["2 RequestedSecurityToken", "in 2 RequestSecurityTokenResponses"],
        );
    }
}

#[test]
fn code_22_encrypted_token() {
    let encrypted = r#"<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element"><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc"/><xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>"#;
    let b = WsFedBuilder::saml11(saml11()).requested_token_xml(encrypted);
    expect(
        run(&validator(sp()), &b),
        22,
        Stage::WsFed,
        &["encrypted token", "xenc:EncryptedData", "encryption"],
    );
}

#[test]
fn code_22_custom_token() {
    let jwt = r#"<wsse:BinarySecurityToken xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" ValueType="urn:ietf:params:oauth:token-type:jwt" EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">ZXlKaGJHY2lPaUpTVXpJMU5pSjkuZS5z</wsse:BinarySecurityToken>"#;
    let b = WsFedBuilder::saml2(saml2()).requested_token_xml(jwt);
    expect(
        run(&validator(sp()), &b),
        22,
        Stage::WsFed,
        &["wsse:BinarySecurityToken", "not a SAML assertion"],
    );
}

#[test]
fn code_22_empty_or_text_or_two_elements() {
    let v = validator(sp());
    let b = WsFedBuilder::saml11(saml11());
    expect(run(&v, &b.clone().requested_token_xml(" \n ")), 22, Stage::WsFed, &["is empty"]);
    expect(run(&v, &b.clone().requested_token_xml("eyJhbGciOi")), 22, Stage::WsFed, &["holds text"]);
    let signed = saml11().build().expect("signs");
    let twice = format!("{signed}{signed}");
    expect(run(&v, &b.requested_token_xml(&twice)), 22, Stage::WsFed, &["holds 2 elements"]);
}

#[test]
fn code_22_saml_1_0_assertion() {
    let b = WsFedBuilder::saml11(saml11().version("1", "0"));
    expect(run(&validator(sp()), &b), 22, Stage::WsFed, &["MinorVersion \"0\""]);
}

#[test]
fn code_22_not_a_token_response() {
    let v = validator(sp());
    // A SAML Response posted as wresult.
    let response = saml2().build().expect("signs");
    expect(
        post(&v, &form(&response), now()),
        22,
        Stage::WsFed,
        &["<samlp:Response>", "RequestSecurityTokenResponse"],
    );
    // A collection without any response.
    let empty = r#"<trust:RequestSecurityTokenResponseCollection xmlns:trust="http://docs.oasis-open.org/ws-sx/ws-trust/200512"/>"#;
    expect(post(&v, &form(empty), now()), 22, Stage::WsFed, &["holds no RequestSecurityTokenResponse"]);
}

#[test]
fn code_22_token_in_an_unexpected_place() {
    let b = WsFedBuilder::saml11(saml11());
    let token = saml11().assertion_id("_injected").build().expect("signs");
    let wresult = b.wresult().expect("signs").replacen(
        "</wsp:AppliesTo>",
        &format!("<t:RequestedSecurityToken>{token}</t:RequestedSecurityToken></wsp:AppliesTo>"),
        1,
    );
    expect(
        post(&validator(sp()), &form(&wresult), now()),
        22,
        Stage::WsFed,
        &["unexpected place", "wsp:AppliesTo"],
    );
}

// ------------------------------------------------------------------------------------------------
// 6 — the form and the XML
// ------------------------------------------------------------------------------------------------

#[test]
fn code_6_malformed_xml_and_doctype() {
    let v = validator(sp());
    let wresult = WsFedBuilder::saml11(saml11()).wresult().expect("signs");
    let cut = &wresult[..wresult.len() - 20];
    expect(post(&v, &form(cut), now()), 6, Stage::Transport, &["wresult is not acceptable XML"]);
    let doctype = format!("<!DOCTYPE x [<!ENTITY e \"alice\">]>{wresult}");
    expect(post(&v, &form(&doctype), now()), 6, Stage::Transport, &["wresult is not acceptable XML"]);
}

#[test]
fn code_6_form_fields() {
    let v = validator(sp());
    let b = body(&WsFedBuilder::saml11(saml11()));
    let no_wa = b.replacen("wa=wsignin1.0&", "", 1);
    expect(post(&v, &no_wa, now()), 6, Stage::Transport, &["no wa field"]);
    let signout = b.replacen("wa=wsignin1.0", "wa=wsignout1.0", 1);
    expect(post(&v, &signout, now()), 6, Stage::Transport, &["\"wsignout1.0\"", "wsignin1.0"]);
    let both = format!("{b}&SAMLResponse=PHg%2B");
    expect(post(&v, &both, now()), 6, Stage::Transport, &["both wresult"]);
    let twice = format!("{b}&wresult=x");
    expect(post(&v, &twice, now()), 6, Stage::Transport, &["more than one wresult"]);
    expect(post(&v, "wa=wsignin1.0&wresult=", now()), 6, Stage::Transport, &["wresult field is empty"]);
    let small = validator(sp().max_response_bytes(2000));
    expect(post(&small, &b, now()), 6, Stage::Transport, &["over the limit"]);
}

// ------------------------------------------------------------------------------------------------
// signature: 20, 8, 15, 23
// ------------------------------------------------------------------------------------------------

#[test]
fn code_20_unsigned_token() {
    let unsigned = [
        ("SAML 1.1", WsFedBuilder::saml11(Saml11Builder::adfs(ADFS, REALM, issued()))),
        ("SAML 2.0", WsFedBuilder::saml2(ResponseBuilder::adfs(ADFS, REALM, ACS, issued()))),
    ];
    for (what, b) in unsigned {
        let e = expect(run(&validator(sp()), &b), 20, Stage::Signature, &["no ds:Signature at all"]);
        assert_eq!(e.code().description(), "SAML assertion is unsigned", "{what}");
    }
}

#[test]
fn code_8_signed_by_an_untrusted_key() {
    let clone = cert("rsa2048-clone");
    for (_, b) in both(
        |t| t.sign_with(key("rsa2048-clone"), clone.clone()),
        |r| r.sign_with(key("rsa2048-clone"), clone.clone()),
    ) {
        expect(
            run(&validator(sp()), &b),
            8,
            Stage::Signature,
            &["signature of the Assertion", &clone.fingerprint_colon(), "rolled"],
        );
    }
}

#[test]
fn code_15_trusted_certificate_expired() {
    let expired = cert("rsa2048-expired");
    let v = Validator::builder(
        sp().build().expect("sp"),
        IdentityProvider::builder(ADFS).certificate(expired.clone()).build(),
    )
    .build();
    for (_, b) in both(
        |t| t.sign_with(key("rsa2048"), expired.clone()),
        |r| r.sign_with(key("rsa2048"), expired.clone()),
    ) {
        expect(run(&v, &b), 15, Stage::Signature, &["has expired", "2021-01-01"]);
    }
}

#[test]
fn code_23_altered_after_signing() {
    for (what, b) in both(|t| t, |r| r) {
        let wresult = b.wresult().expect("signs");
        assert!(wresult.contains("Liddell"), "{what}");
        let altered = wresult.replace("Liddell", "Lidell");
        expect(post(&validator(sp()), &form(&altered), now()), 23, Stage::Signature, &["digest"]);
    }
}

#[test]
fn code_23_signed_assertion_wrapped_in_an_unsigned_one() {
    // The genuine signed assertion hidden in the Advice of an unsigned one that names mallory.
    let genuine = saml11().build().expect("signs");
    let evil = Saml11Builder::adfs(ADFS, REALM, issued())
        .assertion_id("_evil")
        .name_identifier("mallory@example.com")
        .assertion_xml()
        .replacen(
            "</saml:Conditions>",
            &format!("</saml:Conditions><saml:Advice>{genuine}</saml:Advice>"),
            1,
        );
    let b = WsFedBuilder::saml11(saml11()).requested_token_xml(&evil);
    expect(
        run(&validator(sp()), &b),
        23,
        Stage::Signature,
        &["no signature of its own", "another assertion"],
    );
}

#[test]
fn code_23_signature_elsewhere_in_the_message() {
    // A valid signature of the token's assertion, copied into the RSTR as well.
    let b = WsFedBuilder::saml11(saml11());
    let wresult = b.wresult().expect("signs");
    let start = wresult.find("<ds:Signature").expect("signed");
    let end = wresult.find("</ds:Signature>").expect("signed") + "</ds:Signature>".len();
    let copy = wresult[start..end].to_string();
    let doubled = wresult.replacen("<t:TokenType>", &format!("{copy}<t:TokenType>"), 1);
    expect(post(&validator(sp()), &form(&doubled), now()), 23, Stage::Signature, &["unexpected place"]);
}

// ------------------------------------------------------------------------------------------------
// assertion: 13, 19, 24, 14, 28
// ------------------------------------------------------------------------------------------------

#[test]
fn code_19_expired_token() {
    for (what, b) in both(|t| t, |r| r) {
        let e = post(&validator(sp()), &body(&b), issued() + Duration::hours(2));
        let e = expect(e, 19, Stage::Assertion, &["NotOnOrAfter", "passed"]);
        assert_eq!(e.code().description(), "SAML assertion is expired", "{what}");
    }
    // Exactly at NotOnOrAfter + skew it has passed; a second before it has not.
    let b = WsFedBuilder::saml11(saml11());
    let bound = issued() + Duration::hours(1) + Duration::seconds(180);
    expect(post(&validator(sp()), &body(&b), bound), 19, Stage::Assertion, &["Conditions NotOnOrAfter"]);
    accepted(post(&validator(sp()), &body(&b), bound - Duration::seconds(1)));
}

#[test]
fn code_13_audience_is_another_relying_party() {
    for (_, b) in both(
        |t| t.audience_restrictions(vec![vec!["https://other.example.com/".into()]]),
        |r| r.audience_restrictions(vec![vec!["https://other.example.com/".into()]]),
    ) {
        expect(run(&validator(sp()), &b), 13, Stage::Assertion, &["other.example.com", REALM]);
    }
}

#[test]
fn code_13_no_audience_restriction() {
    for (_, b) in both(|t| t.audience_restrictions(vec![]), |r| r.audience_restrictions(vec![])) {
        expect(run(&validator(sp()), &b), 13, Stage::Assertion, &["no AudienceRestriction"]);
    }
}

#[test]
fn code_13_not_yet_valid() {
    let future = Some(issued() + Duration::minutes(10));
    for (_, b) in both(|t| t.not_before(future), |r| r.not_before(future)) {
        expect(run(&validator(sp()), &b), 13, Stage::Assertion, &["not valid before"]);
    }
}

#[test]
fn code_13_replayed_token() {
    for (_, b) in both(|t| t, |r| r) {
        let v = validator(sp());
        accepted(run(&v, &b));
        expect(run(&v, &b), 13, Stage::Assertion, &["already used", b.get_assertion_id()]);
    }
}

#[test]
fn code_13_not_a_bearer_token() {
    let hok = "urn:oasis:names:tc:SAML:1.0:cm:holder-of-key";
    let b = WsFedBuilder::saml11(saml11().confirmation_method(hok));
    expect(run(&validator(sp()), &b), 13, Stage::Assertion, &["bearer", "holder-of-key"]);
    let b = WsFedBuilder::saml2(saml2().confirmation_method("urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"));
    expect(run(&validator(sp()), &b), 13, Stage::Assertion, &["no bearer SubjectConfirmation"]);
}

#[test]
fn code_13_token_that_never_expires() {
    let b = WsFedBuilder::saml11(saml11().not_on_or_after(None));
    expect(run(&validator(sp()), &b), 13, Stage::Assertion, &["never expire"]);
    let b = WsFedBuilder::saml2(saml2().not_on_or_after(None).confirmation_not_on_or_after(None));
    expect(run(&validator(sp()), &b), 13, Stage::Assertion, &["never expire"]);
    // Either bound suffices.
    accepted(run(&validator(sp()), &WsFedBuilder::saml2(saml2().not_on_or_after(None))));
    accepted(run(&validator(sp()), &WsFedBuilder::saml2(saml2().confirmation_not_on_or_after(None))));
}

#[test]
fn code_13_saml11_statements_about_two_subjects() {
    let t = Saml11Builder::adfs(ADFS, REALM, issued());
    let xml = t.assertion_xml();
    // The AuthenticationStatement (the second Subject) names mallory.
    let at = xml.rfind(">alice@example.com<").expect("two subjects");
    let xml = format!("{}>mallory@example.com<{}", &xml[..at], &xml[at + ">alice@example.com<".len()..]);
    let signed = Signer::new(key("rsa2048"), cert("rsa2048"))
        .placement(SignaturePlacement::LastChild)
        .sign_enveloped(&xml, t.get_assertion_id())
        .expect("signs");
    let b = WsFedBuilder::saml11(saml11()).requested_token_xml(&signed);
    expect(run(&validator(sp()), &b), 13, Stage::Assertion, &["different subjects", "mallory@example.com"]);
}

#[test]
fn code_24_untrusted_issuer() {
    for (_, b) in both(
        |t| t.issuer(Some("http://evil.example.com/adfs/services/trust")),
        |r| r.assertion_issuer(Some("http://evil.example.com/adfs/services/trust")),
    ) {
        expect(run(&validator(sp()), &b), 24, Stage::Assertion, &["evil.example.com", ADFS]);
    }
    for (_, b) in both(|t| t.issuer(None), |r| r.assertion_issuer(None)) {
        expect(run(&validator(sp()), &b), 24, Stage::Assertion, &["no Issuer"]);
    }
}

#[test]
fn code_14_saml2_recipient_present_and_wrong() {
    let b = WsFedBuilder::saml2(saml2().recipient(Some("https://sp.example.com/wsfed/")));
    expect(run(&validator(sp()), &b), 14, Stage::Assertion, &["trailing slash", ACS]);
}

// ------------------------------------------------------------------------------------------------
// subject, attributes, accounts: 2, 25, 10, 1, 3
// ------------------------------------------------------------------------------------------------

#[test]
fn code_2_no_name_identifier() {
    for (what, b) in both(|t| t.without_name_identifier(), |r| r.without_name_id()) {
        let e = expect(run(&validator(sp()), &b), 2, Stage::Subject, &["no NameID"]);
        assert_eq!(e.code().description(), "No user name found in SAML assertion", "{what}");
    }
    for (_, b) in both(|t| t.name_identifier("  "), |r| r.name_id("  ")) {
        expect(run(&validator(sp()), &b), 2, Stage::Subject, &["empty"]);
    }
}

#[test]
fn code_25_name_identifier_format_not_allowed() {
    let unspecified = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
    for (_, b) in both(|t| t.name_identifier_format(None), |r| r.name_id_format(None)) {
        let v = validator(sp().allowed_name_id_format(EMAIL));
        expect(run(&v, &b), 25, Stage::Subject, &[unspecified]);
    }
}

#[test]
fn code_10_name_qualifier_is_not_the_site() {
    for (_, b) in both(
        |t| t.name_qualifier(Some("https://other.example.com")),
        |r| r.name_qualifiers(Some("https://other.example.com"), None),
    ) {
        let v = validator(sp().site_url("https://sp.example.com"));
        expect(run(&v, &b), 10, Stage::Subject, &["other.example.com", "https://sp.example.com"]);
    }
}

#[test]
fn code_1_required_attribute_missing() {
    for (_, b) in both(|t| t, |r| r) {
        let v = validator(sp().required_attributes(["employeeid"]));
        expect(run(&v, &b), 1, Stage::Attributes, &["\"employeeid\"", "upn"]);
    }
    // Present but empty is missing too.
    let b = WsFedBuilder::saml11(saml11().without_attributes().attribute(Some(CLAIMS), "employeeid", &[" "]));
    expect(
        run(&validator(sp().required_attributes(["employeeid"])), &b),
        1,
        Stage::Attributes,
        &["employeeid"],
    );
}

#[test]
fn code_3_no_account() {
    for (_, b) in both(|t| t, |r| r) {
        let store = Arc::new(InMemoryAccounts::new(10));
        let v = Validator::builder(sp().build().expect("sp"), idp())
            .accounts(store, AccountPolicy::default())
            .build();
        expect(run(&v, &b), 3, Stage::Account, &["alice@example.com"]);
    }
}

// ------------------------------------------------------------------------------------------------
// testdata/wsfed and the CLI
// ------------------------------------------------------------------------------------------------

fn fixture_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/wsfed")
}

/// The generated fixtures: file name and contents.
fn fixtures() -> Vec<(&'static str, String)> {
    let adfs = WsFedBuilder::saml11(saml11()).wctx(Some("rm=0&id=passive&ru=%2fapp%2f"));
    let collection = WsFedBuilder::saml2(saml2().recipient(None)).trust(WsTrust::V1_3).collection(true);
    let two = WsFedBuilder::saml11(saml11()).requested_tokens(2);
    vec![
        ("adfs-saml11.body", body(&adfs)),
        ("wstrust13-saml2.body", body(&collection)),
        ("two-tokens.body", body(&two)),
    ]
}

#[test]
fn fixtures_are_what_the_testkit_makes() {
    let write = std::env::var_os("SAMLGUARD_WRITE_FIXTURES").is_some();
    for (name, contents) in fixtures() {
        let path = fixture_dir().join(name);
        if write {
            std::fs::write(&path, &contents).expect("fixture written");
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == contents,
            "{} is not what the testkit makes; rerun with SAMLGUARD_WRITE_FIXTURES=1",
            path.display()
        );
    }
}

#[cfg(feature = "config")]
#[test]
fn fixtures_validate_with_their_configuration() {
    let v = samlguard::Config::from_file(fixture_dir().join("sp.toml")).expect("config").validator();
    let read = |name: &str| std::fs::read(fixture_dir().join(name)).expect("fixture");
    let at = |name: &str| SsoRequest::detect("POST", &read(name), now());
    let login = accepted(v.validate(&at("adfs-saml11.body")));
    assert_eq!(login.name_id.value, "alice@example.com");
    accepted(v.validate(&at("wstrust13-saml2.body")));
    expect(v.validate(&at("two-tokens.body")), 22, Stage::WsFed, &["2 RequestedSecurityToken"]);
}

#[cfg(feature = "cli")]
mod cli {
    use std::process::{Command, Output};

    use super::fixture_dir;

    fn validate(args: &[&str], input: &str) -> Output {
        let config = fixture_dir().join("sp.toml");
        let file = fixture_dir().join(input);
        Command::new(env!("CARGO_BIN_EXE_samlguard"))
            .arg("validate")
            .arg("--config")
            .arg(&config)
            .args(["--now", "2030-01-01T12:00:30Z"])
            .args(args)
            .arg(&file)
            .output()
            .expect("the samlguard binary runs")
    }

    fn json(o: &Output) -> serde_json::Value {
        serde_json::from_slice(&o.stdout).expect("one JSON object")
    }

    #[test]
    fn cli_accepts_an_adfs_wresult_body() {
        let o = validate(&["--json"], "adfs-saml11.body");
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
        let j = json(&o);
        assert_eq!(j["ok"], true);
        assert_eq!(j["issuer"], super::ADFS);
        assert_eq!(j["name_id"], "alice@example.com");
        assert_eq!(j["session_index"], serde_json::Value::Null);
        assert_eq!(j["attributes"][format!("{}/upn", super::CLAIMS)][0], "alice@example.com");
        // The text verdict says what arrived.
        let o = validate(&[], "wstrust13-saml2.body");
        assert_eq!(o.status.code(), Some(0));
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.starts_with("login ACCEPTED for alice@example.com"), "{text}");
        assert!(text.contains("WS-Federation"), "{text}");
    }

    #[test]
    fn cli_rejects_two_tokens_with_22() {
        let o = validate(&["--json"], "two-tokens.body");
        assert_eq!(o.status.code(), Some(1));
        let j = json(&o);
        assert_eq!(j["ok"], false);
        assert_eq!(j["code"], 22);
        assert_eq!(j["description"], "Invalid RequestedSecurityToken");
        assert!(j["detail"].as_str().unwrap_or("").contains("2 RequestedSecurityToken"), "{j}");
        let o = validate(&[], "two-tokens.body");
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.starts_with("login REJECTED: code 22, Invalid RequestedSecurityToken"), "{text}");
        assert!(text.contains("stage              ws-fed"), "{text}");
    }
}
