//! SPEC §2 precedence: with two faults in one message, the check that comes first in the SPEC's order
//! decides the code ("Checks run in this order; the first failure wins").
//!
//! Every test asserts the exact code and something in the detail that shows which fault was reported.
#![cfg(feature = "testkit")]

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use samlguard::testkit::{ResponseBuilder, attr};
use samlguard::{
    Account, AccountPolicy, AccountStatus, AccountStore, Certificate, DigestAlgorithm, IdentityProvider,
    InMemoryAccounts, Login, ServiceProvider, ServiceProviderBuilder, Signer, SigningKey, SsoError,
    SsoRequest, Stage, Validator,
};

const IDP: &str = "https://idp.example.com/metadata";
const SP: &str = "https://sp.example.com/saml/metadata";
const ACS: &str = "https://sp.example.com/saml/acs";
const SITE: &str = "https://sp.example.com";
const EMAIL_FORMAT: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

fn now() -> DateTime<Utc> {
    "2030-01-01T12:00:00Z".parse().unwrap()
}

fn keys(name: &str) -> String {
    format!("{}/testdata/keys/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn key(name: &str) -> SigningKey {
    SigningKey::from_pkcs8_pem(&std::fs::read(keys(&format!("{name}.key"))).unwrap()).unwrap()
}

fn cert(name: &str) -> Certificate {
    Certificate::from_pem(&std::fs::read(keys(&format!("{name}.crt"))).unwrap()).unwrap()
}

fn adfs() -> ResponseBuilder {
    ResponseBuilder::adfs(IDP, SP, ACS, now()).sign_with(key("rsa2048"), cert("rsa2048"))
}
fn okta() -> ResponseBuilder {
    ResponseBuilder::okta(IDP, SP, ACS, now()).sign_with(key("rsa2048"), cert("rsa2048"))
}
fn shib() -> ResponseBuilder {
    ResponseBuilder::shibboleth(IDP, SP, ACS, now()).sign_with(key("rsa2048"), cert("rsa2048"))
}

fn sp() -> ServiceProviderBuilder {
    ServiceProvider::builder(SP, ACS)
}

fn idp() -> IdentityProvider {
    IdentityProvider::builder(IDP).certificate(cert("rsa2048")).build()
}

fn expired_idp() -> IdentityProvider {
    IdentityProvider::builder(IDP).certificate(cert("rsa2048-expired")).build()
}

fn validator(sp: ServiceProviderBuilder) -> Validator {
    Validator::builder(sp.build().unwrap(), idp()).build()
}

fn dv() -> Validator {
    validator(sp())
}

fn xml(b: &ResponseBuilder) -> String {
    b.build().unwrap()
}

fn run(v: &Validator, xml: &str) -> Result<Login, SsoError> {
    v.validate(&SsoRequest::xml(xml.as_bytes(), now()))
}

#[track_caller]
fn expect(result: Result<Login, SsoError>, code: u8, stage: Stage, needles: &[&str]) -> SsoError {
    let e = match result {
        Ok(login) => panic!("expected code {code}, but the message was accepted: {login:?}"),
        Err(e) => e,
    };
    assert_eq!(e.code().code(), code, "expected code {code}, got {e}");
    assert_eq!(e.detail().stage, stage, "stage of {e}");
    let text = e.detail().to_string();
    for n in needles {
        assert!(text.contains(n), "the detail of code {code} should mention {n:?}: {text}");
    }
    e
}

#[track_caller]
fn accepted(result: Result<Login, SsoError>) -> Login {
    match result {
        Ok(l) => l,
        Err(e) => panic!("expected acceptance, got {e}"),
    }
}

fn tamper_name_id(signed: &str) -> String {
    let t = signed.replacen(">alice@example.com</", ">mallory@example.com</", 1);
    assert_ne!(t, signed);
    t
}

/// A second bearer SubjectConfirmation for `extra_confirmation`, with the ADFS (`saml:`) prefix.
fn bearer(
    prefix: &str,
    recipient: &str,
    not_on_or_after: DateTime<Utc>,
    in_response_to: Option<&str>,
) -> String {
    let irt = in_response_to.map(|v| format!(" InResponseTo=\"{v}\"")).unwrap_or_default();
    format!(
        "<{prefix}:SubjectConfirmation Method=\"{BEARER}\"><{prefix}:SubjectConfirmationData{irt} NotOnOrAfter=\"{}\" Recipient=\"{recipient}\"/></{prefix}:SubjectConfirmation>",
        not_on_or_after.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    )
}

// ------------------------------------------------------------------------------------------------
// config and transport
// ------------------------------------------------------------------------------------------------

#[test]
fn get_and_bad_base64_is_5() {
    let r = dv().validate(&SsoRequest::form("GET", b"SAMLResponse=%25%25not-base64", now()));
    expect(r, 5, Stage::Transport, &["GET"]);
    let r = dv().validate(&SsoRequest::detect("GET", b"!!!not base64!!!", now()));
    expect(r, 5, Stage::Transport, &["GET"]);
}

#[test]
fn sso_disabled_and_no_certificate_is_7() {
    let v =
        Validator::builder(sp().sso_enabled(false).build().unwrap(), IdentityProvider::builder(IDP).build())
            .build();
    expect(run(&v, &xml(&adfs())), 7, Stage::Config, &["sso_enabled"]);
}

#[test]
fn sso_disabled_and_get_is_7() {
    let v = validator(sp().sso_enabled(false));
    let r = v.validate(&SsoRequest::form("GET", b"", now()));
    expect(r, 7, Stage::Config, &["sso_enabled"]);
}

#[test]
fn no_certificate_and_get_is_4() {
    let v = Validator::builder(sp().build().unwrap(), IdentityProvider::builder(IDP).build()).build();
    let body = okta().build_form_body("r").unwrap();
    expect(
        v.validate(&SsoRequest::form("GET", body.as_bytes(), now())),
        4,
        Stage::Config,
        &["no signing certificate"],
    );
}

#[test]
fn no_certificate_and_garbage_body_is_4() {
    let v = Validator::builder(sp().build().unwrap(), IdentityProvider::builder(IDP).build()).build();
    expect(
        v.validate(&SsoRequest::saml_response("***", now())),
        4,
        Stage::Config,
        &["no signing certificate"],
    );
}

#[test]
fn bad_post_data_and_everything_else_is_6() {
    // Over the size limit, with a wrong Destination and no signature inside.
    let unsigned =
        ResponseBuilder::adfs(IDP, SP, ACS, now()).destination(Some("http://wrong/acs")).build().unwrap();
    let v = validator(sp().max_response_bytes(500));
    expect(run(&v, &unsigned), 6, Stage::Transport, &["over the limit"]);
}

// ------------------------------------------------------------------------------------------------
// response envelope: 29 → 14 → 28 → 24 → 1
// ------------------------------------------------------------------------------------------------

#[test]
fn root_not_response_and_destination_wrong_is_29() {
    let signed = xml(&adfs().destination(Some("http://sp.example.com/saml/acs")));
    let other = signed
        .replace("<samlp:Response ", "<samlp:ArtifactResponse ")
        .replace("</samlp:Response>", "</samlp:ArtifactResponse>");
    expect(run(&dv(), &other), 29, Stage::Response, &["samlp:ArtifactResponse"]);
}

#[test]
fn version_wrong_and_unsigned_is_29() {
    let unsigned = ResponseBuilder::okta(IDP, SP, ACS, now()).version("1.0").build().unwrap();
    expect(run(&dv(), &unsigned), 29, Stage::Response, &["\"1.0\""]);
}

#[test]
fn destination_wrong_and_issuer_wrong_is_14() {
    let b = adfs().destination(Some("https://sp.example.com/saml/acs/")).issuer("https://evil.example.net");
    expect(run(&dv(), &xml(&b)), 14, Stage::Response, &["Destination", "trailing slash"]);
}

#[test]
fn destination_wrong_and_in_response_to_wrong_is_14() {
    let b = okta().destination(Some("http://sp.example.com/saml/acs")).in_response_to(Some("_other"));
    let r = dv().validate(&SsoRequest::xml(xml(&b).as_bytes(), now()).request_id("_req-1"));
    expect(r, 14, Stage::Response, &["Destination", "proxy"]);
}

#[test]
fn in_response_to_wrong_and_issuer_wrong_is_28() {
    let b = adfs().in_response_to(Some("_req-old")).response_issuer(Some("https://evil.example.net"));
    let r = dv().validate(&SsoRequest::xml(xml(&b).as_bytes(), now()).request_id("_req-new"));
    expect(r, 28, Stage::Response, &["_req-old"]);
}

#[test]
fn in_response_to_wrong_and_status_failed_is_28() {
    let b = okta().in_response_to(Some("_req-old")).status(
        "urn:oasis:names:tc:SAML:2.0:status:Responder",
        None,
        None,
    );
    let r = dv().validate(&SsoRequest::xml(xml(&b).as_bytes(), now()).request_id("_req-new"));
    expect(r, 28, Stage::Response, &["_req-old"]);
}

#[test]
fn response_issuer_wrong_and_status_failed_is_24() {
    let b = shib().response_issuer(Some("https://evil.example.net")).status(
        "urn:oasis:names:tc:SAML:2.0:status:Responder",
        None,
        Some("no"),
    );
    expect(run(&dv(), &xml(&b)), 24, Stage::Response, &["https://evil.example.net"]);
}

#[test]
fn status_failed_and_unsigned_is_1() {
    let unsigned = ResponseBuilder::adfs(IDP, SP, ACS, now())
        .status(
            "urn:oasis:names:tc:SAML:2.0:status:Requester",
            Some("urn:oasis:names:tc:SAML:2.0:status:RequestDenied"),
            None,
        )
        .build()
        .unwrap();
    expect(run(&dv(), &unsigned), 1, Stage::Response, &["status:Requester", "RequestDenied"]);
}

#[test]
fn status_failed_and_signed_by_rolled_key_is_1() {
    let b = ResponseBuilder::okta(IDP, SP, ACS, now())
        .sign_with(key("rsa2048-clone"), cert("rsa2048-clone"))
        .status("urn:oasis:names:tc:SAML:2.0:status:Responder", None, Some("denied"));
    expect(run(&dv(), &xml(&b)), 1, Stage::Response, &["\"denied\""]);
}

// ------------------------------------------------------------------------------------------------
// signature stage: 20 → 8 → 15 → 23, then the assertion
// ------------------------------------------------------------------------------------------------

#[test]
fn unsigned_and_expired_is_20() {
    let unsigned = ResponseBuilder::adfs(IDP, SP, ACS, now())
        .not_on_or_after(Some(now() - Duration::hours(2)))
        .build()
        .unwrap();
    expect(run(&dv(), &unsigned), 20, Stage::Signature, &["no ds:Signature"]);
}

#[test]
fn unsigned_and_audience_wrong_is_20() {
    let unsigned = ResponseBuilder::okta(IDP, SP, ACS, now())
        .audience_restrictions(vec![vec!["https://other".into()]])
        .build()
        .unwrap();
    expect(run(&dv(), &unsigned), 20, Stage::Signature, &["no ds:Signature"]);
}

#[test]
fn want_assertions_signed_and_response_signed_by_rolled_key_is_20() {
    let b = ResponseBuilder::okta(IDP, SP, ACS, now())
        .sign_assertion(false)
        .sign_with(key("rsa2048-clone"), cert("rsa2048-clone"));
    let v = validator(sp().want_assertions_signed(true));
    expect(run(&v, &xml(&b)), 20, Stage::Signature, &["want_assertions_signed"]);
}

#[test]
fn want_assertions_signed_and_response_tampered_is_20() {
    let b = okta().sign_assertion(false);
    let v = validator(sp().want_assertions_signed(true));
    expect(run(&v, &tamper_name_id(&xml(&b))), 20, Stage::Signature, &["want_assertions_signed"]);
}

#[test]
fn untrusted_key_info_and_sha1_signature_method_is_8() {
    // Signed by the rolled key (its certificate in KeyInfo), and the SignatureMethod is RSA-SHA1, which
    // the default policy refuses: SPEC "the answer is 8 even if the algorithm is also refused".
    let clone = cert("rsa2048-clone");
    let signed =
        xml(&ResponseBuilder::adfs(IDP, SP, ACS, now()).sign_with(key("rsa2048-clone"), clone.clone()));
    let sha1 = signed.replace(
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    );
    assert_ne!(sha1, signed);
    expect(run(&dv(), &sha1), 8, Stage::Signature, &[&clone.fingerprint_colon()]);
}

#[test]
fn untrusted_key_info_and_sha1_digest_is_8() {
    let clone = cert("rsa2048-clone");
    let b = ResponseBuilder::okta(IDP, SP, ACS, now())
        .sign_with(key("rsa2048-clone"), clone.clone())
        .digest_algorithm(DigestAlgorithm::Sha1);
    expect(run(&dv(), &xml(&b)), 8, Stage::Signature, &[&clone.fingerprint_colon(), "rolled"]);
}

#[test]
fn untrusted_key_info_and_digest_wrong_is_8() {
    // SPEC: "the answer is 8 even if ... the digest is also wrong".
    let clone = cert("rsa2048-clone");
    let signed =
        xml(&ResponseBuilder::adfs(IDP, SP, ACS, now()).sign_with(key("rsa2048-clone"), clone.clone()));
    expect(
        run(&dv(), &tamper_name_id(&signed)),
        8,
        Stage::Signature,
        &[clone.subject(), &clone.fingerprint_colon()],
    );
}

/// Tampered digest while the only trusted certificate (whose key made the SignatureValue) has expired.
///
/// Reasoning, from SPEC §2:
/// * 8 needs "signature fails with every trusted certificate **and** the KeyInfo carries an untrusted
///   certificate". Here the trusted (expired) certificate's key verifies the SignatureValue, and KeyInfo
///   carries that trusted certificate: not 8.
/// * 15: "the only certificate(s) that verify the signature are expired … when enforce_certificate_validity".
///   The SPEC uses "verifies the signature" for the SignatureValue check and treats the digest separately:
///   its 8-rule says "no trusted certificate verifies the signature … 8 even if … the digest is also wrong".
///   Read the same way, the only certificate verifying this signature is the expired one: 15 applies.
/// * 23: the digest mismatch — "any other signature failure", the residual row.
/// * "Signature-stage precedence: 8 before 15 before 23": both 15 and 23 apply, so 15.
///
/// (The other reading — "a signature whose digest is wrong is verified by no certificate, so only 23
/// applies" — would make 15 depend on an integrity check that the 8-rule explicitly ranks below the
/// certificate problem. The SPEC's total order 8 > 15 > 23 is the tie-breaker chosen here.)
#[test]
fn tampered_digest_and_expired_trusted_certificate_is_15() {
    let expired = cert("rsa2048-expired");
    let v = Validator::builder(sp().build().unwrap(), expired_idp()).build();
    let signed = xml(&ResponseBuilder::adfs(IDP, SP, ACS, now()).sign_with(key("rsa2048"), expired.clone()));
    expect(
        run(&v, &tamper_name_id(&signed)),
        15,
        Stage::Signature,
        &["expired", &expired.fingerprint_colon()],
    );
}

/// The unambiguous form of 15-before-23: two signatures, one valid but by the expired trusted certificate
/// (15), the other with a wrong digest (23).
#[test]
fn expired_certificate_on_assertion_and_bad_response_digest_is_15() {
    let expired = cert("rsa2048-expired");
    let v = Validator::builder(sp().build().unwrap(), expired_idp()).build();
    let b = ResponseBuilder::okta(IDP, SP, ACS, now())
        .sign_response(true)
        .sign_with(key("rsa2048"), expired.clone());
    let signed = xml(&b);
    // Change the Response outside the assertion: only the Response's digest breaks.
    let tampered = signed.replacen(
        " Version=\"2.0\"",
        " Consent=\"urn:oasis:names:tc:SAML:2.0:consent:obtained\" Version=\"2.0\"",
        1,
    );
    assert_ne!(tampered, signed);
    expect(run(&v, &tampered), 15, Stage::Signature, &["expired"]);
}

#[test]
fn rolled_key_on_response_and_expired_certificate_on_assertion_is_8() {
    let expired = cert("rsa2048-expired");
    let clone = cert("rsa2048-clone");
    let v = Validator::builder(sp().build().unwrap(), expired_idp()).build();
    let b =
        ResponseBuilder::okta(IDP, SP, ACS, now()).sign_response(false).sign_with(key("rsa2048"), expired);
    let signed = Signer::new(key("rsa2048-clone"), clone.clone())
        .sign_enveloped(&xml(&b), b.get_response_id())
        .unwrap();
    expect(run(&v, &signed), 8, Stage::Signature, &["Response", &clone.fingerprint_colon()]);
}

#[test]
fn rolled_key_on_response_and_tampered_assertion_is_8() {
    let clone = cert("rsa2048-clone");
    let b = adfs();
    let tampered = tamper_name_id(&xml(&b));
    let signed = Signer::new(key("rsa2048-clone"), clone.clone())
        .sign_enveloped(&tampered, b.get_response_id())
        .unwrap();
    expect(run(&dv(), &signed), 8, Stage::Signature, &[&clone.fingerprint_colon()]);
}

#[test]
fn expired_certificate_and_audience_wrong_is_15() {
    let v = Validator::builder(sp().build().unwrap(), expired_idp()).build();
    let b = ResponseBuilder::adfs(IDP, SP, ACS, now())
        .sign_with(key("rsa2048"), cert("rsa2048-expired"))
        .audience_restrictions(vec![vec!["https://other".into()]]);
    expect(run(&v, &xml(&b)), 15, Stage::Signature, &["expired"]);
}

#[test]
fn tampered_and_audience_wrong_is_23() {
    let b = adfs().audience_restrictions(vec![vec!["https://other".into()]]);
    expect(run(&dv(), &tamper_name_id(&xml(&b))), 23, Stage::Signature, &["DigestValue"]);
}

#[test]
fn tampered_and_no_assertion_issuer_is_23() {
    let b = okta().assertion_issuer(None);
    expect(run(&dv(), &tamper_name_id(&xml(&b))), 23, Stage::Signature, &["DigestValue"]);
}

// ------------------------------------------------------------------------------------------------
// assertion stage: 13 → 24 → 14 → 28 → 19
// ------------------------------------------------------------------------------------------------

#[test]
fn audience_wrong_and_issuer_wrong_is_13() {
    let b = adfs()
        .audience_restrictions(vec![vec!["https://other-sp".into()]])
        .assertion_issuer(Some("https://evil"));
    expect(run(&dv(), &xml(&b)), 13, Stage::Assertion, &["https://other-sp"]);
}

#[test]
fn not_before_future_and_expired_confirmation_is_13() {
    let b = okta()
        .not_before(Some(now() + Duration::hours(1)))
        .confirmation_not_on_or_after(Some(now() - Duration::hours(1)));
    expect(run(&dv(), &xml(&b)), 13, Stage::Assertion, &["not valid before"]);
}

#[test]
fn issuer_wrong_and_recipient_wrong_is_24() {
    let b = okta().assertion_issuer(Some("https://evil")).recipient(Some("https://sp.example.com/other"));
    expect(run(&dv(), &xml(&b)), 24, Stage::Assertion, &["https://evil"]);
}

#[test]
fn recipient_wrong_and_expired_is_14() {
    let b = adfs()
        .recipient(Some("https://sp.example.com/saml/acs/"))
        .not_on_or_after(Some(now() - Duration::hours(1)))
        .confirmation_not_on_or_after(Some(now() - Duration::hours(1)));
    expect(run(&dv(), &xml(&b)), 14, Stage::Assertion, &["Recipient", "trailing slash"]);
}

#[test]
fn recipient_wrong_and_confirmation_in_response_to_wrong_is_14() {
    let b = shib()
        .in_response_to(Some("_req-1"))
        .confirmation_in_response_to(Some("_req-2"))
        .recipient(Some("https://x/acs"));
    let r = dv().validate(&SsoRequest::xml(xml(&b).as_bytes(), now()).request_id("_req-1"));
    expect(r, 14, Stage::Assertion, &["https://x/acs"]);
}

#[test]
fn confirmation_in_response_to_wrong_and_expired_is_28() {
    let b = adfs()
        .in_response_to(Some("_req-1"))
        .confirmation_in_response_to(Some("_req-2"))
        .confirmation_not_on_or_after(Some(now() - Duration::hours(1)));
    let r = dv().validate(&SsoRequest::xml(xml(&b).as_bytes(), now()).request_id("_req-1"));
    expect(r, 28, Stage::Assertion, &["_req-2"]);
}

/// SPEC §2: the replayed-assertion check is in the 13 row of the assertion stage, which comes before the
/// 19 row. A response accepted once and posted again after it expired is a replay first.
#[test]
fn replayed_and_expired_is_13() {
    let v = dv();
    let signed = xml(&okta());
    accepted(run(&v, &signed));
    let later = now() + Duration::minutes(10); // SubjectConfirmationData NotOnOrAfter (+5 min) + skew (3 min) passed
    expect(v.validate(&SsoRequest::xml(signed.as_bytes(), later)), 13, Stage::Assertion, &["replay"]);
}

// ------------------------------------------------------------------------------------------------
// subject, attributes, account: 19 → 2 → 25 → 10 → 1 → 3 → 16/17/18 → 21 → 31/32
// ------------------------------------------------------------------------------------------------

#[test]
fn expired_and_no_name_id_is_19() {
    let b = okta().without_name_id().not_on_or_after(Some(now() - Duration::hours(1)));
    expect(run(&dv(), &xml(&b)), 19, Stage::Assertion, &["Conditions NotOnOrAfter"]);
}

#[test]
fn session_expired_and_empty_name_id_is_19() {
    let b = adfs().name_id(" ").session_not_on_or_after(Some(now() - Duration::hours(1)));
    expect(run(&dv(), &xml(&b)), 19, Stage::Assertion, &["SessionNotOnOrAfter"]);
}

#[test]
fn no_name_id_and_bad_format_is_2() {
    let v = validator(sp().allowed_name_id_format(EMAIL_FORMAT));
    let b = shib().name_id("   ");
    expect(run(&v, &xml(&b)), 2, Stage::Subject, &["NameID is empty"]);
    let b = shib().without_name_id();
    expect(run(&v, &xml(&b)), 2, Stage::Subject, &["no NameID"]);
}

#[test]
fn bad_format_and_name_qualifier_is_25() {
    let v = validator(sp().allowed_name_id_format(EMAIL_FORMAT).site_url(SITE));
    expect(run(&v, &xml(&shib())), 25, Stage::Subject, &["transient"]);
}

#[test]
fn name_qualifier_and_missing_required_attribute_is_10() {
    let v = validator(sp().site_url(SITE).required_attributes(["employeeNumber"]));
    expect(run(&v, &xml(&shib())), 10, Stage::Subject, &[SITE]);
}

fn account(name_id: &str, status: AccountStatus, role: Option<&str>) -> Account {
    Account { name_id: name_id.into(), status, role: role.map(Into::into) }
}

fn with_accounts(
    sp: ServiceProviderBuilder,
    store: &Arc<InMemoryAccounts>,
    policy: AccountPolicy,
) -> Validator {
    let store: Arc<dyn AccountStore> = store.clone();
    Validator::builder(sp.build().unwrap(), idp()).accounts(store, policy).build()
}

#[test]
fn missing_required_attribute_and_account_missing_is_1() {
    let store = Arc::new(InMemoryAccounts::new(10));
    let v = with_accounts(sp().required_attributes(["email"]), &store, AccountPolicy::default());
    let b = okta().attributes(vec![attr("firstname", None, &["Alice"])]);
    expect(run(&v, &xml(&b)), 1, Stage::Attributes, &["\"email\""]);
}

#[test]
fn account_missing_and_role_not_allowed_is_3() {
    let store = Arc::new(InMemoryAccounts::new(10));
    let v = with_accounts(sp(), &store, AccountPolicy::default().allowed_roles(["admin"]));
    expect(run(&v, &xml(&adfs())), 3, Stage::Account, &["alice@example.com"]);
}

#[test]
fn locked_and_role_not_allowed_is_16() {
    let store = Arc::new(InMemoryAccounts::new(10));
    store.add(account("alice@example.com", AccountStatus::Locked, Some("guest")), true);
    let v = with_accounts(sp(), &store, AccountPolicy::default().allowed_roles(["admin"]));
    expect(run(&v, &xml(&adfs())), 16, Stage::Account, &["locked"]);
}

#[test]
fn role_not_allowed_and_update_refused_is_21() {
    let store = Arc::new(InMemoryAccounts::new(10));
    store.add(account("alice@example.com", AccountStatus::Active, Some("user")), false);
    let v = with_accounts(
        sp(),
        &store,
        AccountPolicy::default().auto_update(true).allowed_roles(["user"]).role_attribute("role"),
    );
    let b = okta().attribute("role", &["superuser"]);
    expect(run(&v, &xml(&b)), 21, Stage::Account, &["\"superuser\""]);
}

// ------------------------------------------------------------------------------------------------
// several bearer SubjectConfirmations: SPEC filtering order Recipient (14) → InResponseTo (28) → time (19)
// ------------------------------------------------------------------------------------------------

#[test]
fn two_confirmations_wrong_recipient_and_expired_is_19() {
    let b = adfs().recipient(Some("https://sp.example.com/wrong")).extra_confirmation(&bearer(
        "saml",
        ACS,
        now() - Duration::hours(1),
        None,
    ));
    expect(run(&dv(), &xml(&b)), 19, Stage::Assertion, &["SubjectConfirmationData NotOnOrAfter"]);
}

#[test]
fn two_confirmations_good_and_wrong_recipient_is_accepted() {
    let b = adfs().extra_confirmation(&bearer(
        "saml",
        "https://sp.example.com/wrong",
        now() + Duration::minutes(5),
        None,
    ));
    accepted(run(&dv(), &xml(&b)));
}

#[test]
fn two_confirmations_wrong_recipient_then_good_is_accepted() {
    let b = okta().recipient(Some("https://sp.example.com/wrong")).extra_confirmation(&bearer(
        "saml2",
        ACS,
        now() + Duration::minutes(5),
        None,
    ));
    accepted(run(&dv(), &xml(&b)));
}

#[test]
fn two_confirmations_good_and_expired_is_accepted() {
    let b = shib().extra_confirmation(&bearer("saml2", ACS, now() - Duration::hours(1), None));
    accepted(run(&dv(), &xml(&b)));
}

#[test]
fn two_confirmations_both_wrong_recipient_is_14() {
    let b = adfs().recipient(Some("https://a.example/acs")).extra_confirmation(&bearer(
        "saml",
        "https://b.example/acs",
        now() + Duration::minutes(5),
        None,
    ));
    expect(run(&dv(), &xml(&b)), 14, Stage::Assertion, &["https://a.example/acs"]);
}

/// SPEC §2 InResponseTo: "every bearer SubjectConfirmationData must carry the same value (absent or
/// different → 28)" — a second bearer confirmation answering another request is 28, even next to a
/// good one.
#[test]
fn two_confirmations_one_answering_another_request_is_28() {
    let b = adfs().in_response_to(Some("_req-1")).extra_confirmation(&bearer(
        "saml",
        ACS,
        now() + Duration::minutes(5),
        Some("_req-other"),
    ));
    let r = dv().validate(&SsoRequest::xml(xml(&b).as_bytes(), now()).request_id("_req-1"));
    expect(r, 28, Stage::Assertion, &["_req-other"]);
}

/// SPEC §2 InResponseTo: an unsolicited response (no InResponseTo) with a bearer SubjectConfirmationData
/// that carries one is 28 — also when another bearer confirmation carries none.
#[test]
fn unsolicited_with_one_confirmation_answering_a_request_is_28() {
    let b = okta().extra_confirmation(&bearer("saml2", ACS, now() + Duration::minutes(5), Some("_req-9")));
    expect(run(&dv(), &xml(&b)), 28, Stage::Assertion, &["_req-9"]);
}
