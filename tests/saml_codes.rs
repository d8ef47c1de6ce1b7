//! Every response-path SSO error code of SPEC §2, produced for real through the library API, at least
//! twice each with different causes or IdP flavors; the account codes through `InMemoryAccounts`; and
//! acceptance tests per IdP flavor and per input form.
//!
//! Every rejection test asserts the exact code number, the exact SPEC §1 description, the stage, and
//! something specific in the detail.
#![cfg(feature = "testkit")]

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use samlguard::testkit::{ResponseBuilder, attr};
use samlguard::{
    Account, AccountPolicy, AccountStatus, AccountStore, Certificate, DigestAlgorithm, IdentityProvider,
    InMemoryAccounts, Login, ServiceProvider, ServiceProviderBuilder, SigningKey, SsoError, SsoRequest,
    Stage, Validator,
};

const IDP: &str = "https://idp.example.com/metadata";
const SP: &str = "https://sp.example.com/saml/metadata";
const ACS: &str = "https://sp.example.com/saml/acs";
const SITE: &str = "https://sp.example.com";
const EMAIL_FORMAT: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const TRANSIENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
const UNSPECIFIED: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

/// SPEC §1, byte for byte.
const DESCRIPTIONS: [&str; 32] = [
    "SSO protocol error",
    "No user name found in SAML assertion",
    "No user account found in the system",
    "No X.509 certificate found in the system",
    "Only POST request is supported",
    "Incorrect SAML SSO POST data",
    "The site is not allowed to use SSO",
    "Incorrect X.509 certificate to validate SAML assertion",
    "Loading configuration error",
    "The value of NameQualifier does not match site URL",
    "Unable to reach Assertion Party",
    "Failed to resolve SAML Artifact",
    "Invalid SAML assertion",
    "Recipient does not match webex.com",
    "X.509 certificate has expired",
    "User account is locked",
    "User account is expired",
    "User account has been deactivated",
    "SAML assertion is expired",
    "SAML assertion is unsigned",
    "User role is not allowed to login",
    "Invalid RequestedSecurityToken",
    "Invalid digital signature",
    "Untrusted Issuer",
    "Name Identifier format is incorrect",
    "Unable to generate AuthnRequest",
    "Unable to generate Logout Request",
    "InResponseTo does not match the request ID",
    "Invalid Response message",
    "Invalid Request message",
    "Auto Account Creation failed",
    "Auto Account Update failed",
];

// ------------------------------------------------------------------------------------------------
// helpers
// ------------------------------------------------------------------------------------------------

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

/// The trusted IdP signing certificate.
fn trusted() -> Certificate {
    cert("rsa2048")
}

fn adfs() -> ResponseBuilder {
    ResponseBuilder::adfs(IDP, SP, ACS, now()).sign_with(key("rsa2048"), trusted())
}
fn azure() -> ResponseBuilder {
    ResponseBuilder::azure(IDP, SP, ACS, now()).sign_with(key("rsa2048"), trusted())
}
fn okta() -> ResponseBuilder {
    ResponseBuilder::okta(IDP, SP, ACS, now()).sign_with(key("rsa2048"), trusted())
}
fn shib() -> ResponseBuilder {
    ResponseBuilder::shibboleth(IDP, SP, ACS, now()).sign_with(key("rsa2048"), trusted())
}

fn sp() -> ServiceProviderBuilder {
    ServiceProvider::builder(SP, ACS)
}

fn idp() -> IdentityProvider {
    IdentityProvider::builder(IDP).certificate(trusted()).build()
}

fn validator(sp: ServiceProviderBuilder) -> Validator {
    Validator::builder(sp.build().unwrap(), idp()).build()
}

fn default_validator() -> Validator {
    validator(sp())
}

fn xml(b: &ResponseBuilder) -> String {
    b.build().unwrap()
}

fn run(v: &Validator, xml: &str) -> Result<Login, SsoError> {
    v.validate(&SsoRequest::xml(xml.as_bytes(), now()))
}

fn run_at(v: &Validator, xml: &str, at: DateTime<Utc>) -> Result<Login, SsoError> {
    v.validate(&SsoRequest::xml(xml.as_bytes(), at))
}

/// Asserts the exact code, its SPEC description, the stage, and that the detail (found, expected and
/// fix together) mentions every needle. Returns the error for further checks.
#[track_caller]
fn expect(result: Result<Login, SsoError>, code: u8, stage: Stage, needles: &[&str]) -> SsoError {
    let e = match result {
        Ok(login) => panic!("expected code {code}, but the message was accepted: {login:?}"),
        Err(e) => e,
    };
    assert_eq!(e.code().code(), code, "expected code {code}, got {e}");
    assert_eq!(e.code().description(), DESCRIPTIONS[code as usize - 1], "description of code {code}");
    assert_eq!(e.detail().stage, stage, "stage of {e}");
    let text = e.detail().to_string();
    for n in needles {
        assert!(text.contains(n), "the detail of code {code} should mention {n:?}: {text}");
    }
    assert!(!text.contains("PRIVATE KEY"), "the detail must never carry key material: {text}");
    e
}

#[track_caller]
fn accepted(result: Result<Login, SsoError>) -> Login {
    match result {
        Ok(l) => l,
        Err(e) => panic!("expected acceptance, got {e}"),
    }
}

fn b64(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// The `<ds:Signature>…</ds:Signature>` text of the first signature at or after `from`.
fn signature_span(xml: &str, from: usize) -> std::ops::Range<usize> {
    let s = from + xml[from..].find("<ds:Signature").unwrap();
    let e = s + xml[s..].find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    s..e
}

// ------------------------------------------------------------------------------------------------
// 1 — SSO protocol error: non-Success status; required attribute missing or empty
// ------------------------------------------------------------------------------------------------

#[test]
fn code_01_status_responder_with_subcode_and_message() {
    let b = adfs().status(
        "urn:oasis:names:tc:SAML:2.0:status:Responder",
        Some("urn:oasis:names:tc:SAML:2.0:status:RequestDenied"),
        Some("MSIS7012: user is not assigned to this relying party"),
    );
    let e = expect(
        run(&default_validator(), &xml(&b)),
        1,
        Stage::Response,
        &[
            "urn:oasis:names:tc:SAML:2.0:status:Responder",
            "urn:oasis:names:tc:SAML:2.0:status:RequestDenied",
            "MSIS7012: user is not assigned to this relying party",
        ],
    );
    assert!(e.detail().found.contains("sub-code"), "{}", e.detail());
}

#[test]
fn code_01_status_requester_authn_failed_okta() {
    let b = okta().status(
        "urn:oasis:names:tc:SAML:2.0:status:Requester",
        Some("urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"),
        Some("Authentication failed"),
    );
    expect(
        run(&default_validator(), &xml(&b)),
        1,
        Stage::Response,
        &["status:Requester", "status:AuthnFailed", "Authentication failed"],
    );
}

#[test]
fn code_01_required_attribute_missing() {
    // ADFS sends claim URIs; a short name the IdP does not release is missing.
    let v = validator(sp().required_attributes(["firstname", "lastname", "email"]));
    expect(run(&v, &xml(&adfs())), 1, Stage::Attributes, &["\"firstname\"", "missing or empty"]);
}

#[test]
fn code_01_required_attribute_empty() {
    let b = okta().attributes(vec![
        attr("firstname", None, &["Alice"]),
        attr("lastname", None, &["Liddell"]),
        attr("email", None, &["   "]),
    ]);
    let v = validator(sp().required_attributes(["firstname", "lastname", "email"]));
    expect(run(&v, &xml(&b)), 1, Stage::Attributes, &["\"email\"", "missing or empty"]);
}

#[test]
fn code_01_required_attribute_without_values_shibboleth() {
    let b = shib().attributes(vec![attr("urn:oid:0.9.2342.19200300.100.1.3", Some("mail"), &[])]);
    let v = validator(sp().required_attributes(["mail"]));
    expect(run(&v, &xml(&b)), 1, Stage::Attributes, &["\"mail\""]);
}

// ------------------------------------------------------------------------------------------------
// 2 — no user name
// ------------------------------------------------------------------------------------------------

#[test]
fn code_02_no_name_id() {
    expect(run(&default_validator(), &xml(&adfs().without_name_id())), 2, Stage::Subject, &["no NameID"]);
}

#[test]
fn code_02_whitespace_only_name_id() {
    expect(
        run(&default_validator(), &xml(&okta().name_id("  \n\t  "))),
        2,
        Stage::Subject,
        &["NameID is empty"],
    );
}

#[test]
fn code_02_empty_name_id_shibboleth() {
    expect(run(&default_validator(), &xml(&shib().name_id(""))), 2, Stage::Subject, &["NameID is empty"]);
}

// ------------------------------------------------------------------------------------------------
// 4 — no certificate configured
// ------------------------------------------------------------------------------------------------

#[test]
fn code_04_idp_without_certificates() {
    let idp = IdentityProvider::builder(IDP).build();
    let v = Validator::builder(sp().build().unwrap(), idp).build();
    expect(run(&v, &xml(&adfs())), 4, Stage::Config, &[IDP, "no signing certificate"]);
}

#[test]
fn code_04_idp_metadata_without_signing_key() {
    let md = format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{IDP}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor></md:EntityDescriptor>"#
    );
    let idp = IdentityProvider::from_metadata(md.as_bytes()).unwrap();
    let v = Validator::builder(sp().build().unwrap(), idp).build();
    expect(run(&v, &xml(&okta())), 4, Stage::Config, &[IDP, "import the IdP's signing certificate"]);
}

#[cfg(feature = "config")]
#[test]
fn code_04_config_file_with_empty_certificate_list() {
    let toml = format!(
        "[sp]\nentity_id = \"{SP}\"\nacs_url = \"{ACS}\"\n[idp]\nentity_id = \"{IDP}\"\ncertificates = []\n"
    );
    let config = samlguard::Config::from_toml_str(&toml, keys("")).unwrap();
    expect(run(&config.validator(), &xml(&adfs())), 4, Stage::Config, &["no signing certificate"]);
}

// ------------------------------------------------------------------------------------------------
// 5 — only POST
// ------------------------------------------------------------------------------------------------

#[test]
fn code_05_get() {
    let body = adfs().build_form_body("relay").unwrap();
    let r = default_validator().validate(&SsoRequest::form("GET", body.as_bytes(), now()));
    let e = expect(r, 5, Stage::Transport, &["GET"]);
    assert_eq!(e.detail().expected.as_deref(), Some("POST"));
}

#[test]
fn code_05_put_lowercase() {
    let body = okta().build_base64().unwrap();
    let r = default_validator().validate(&SsoRequest::detect("put", body.as_bytes(), now()));
    expect(r, 5, Stage::Transport, &["put", "HTTP-POST binding"]);
}

#[test]
fn method_is_case_insensitive() {
    let body = okta().build_form_body("").unwrap();
    accepted(default_validator().validate(&SsoRequest::form("post", body.as_bytes(), now())));
}

// ------------------------------------------------------------------------------------------------
// 6 — incorrect POST data
// ------------------------------------------------------------------------------------------------

#[test]
fn code_06_no_saml_response_field() {
    let r = default_validator().validate(&SsoRequest::form("POST", b"RelayState=abc&foo=bar", now()));
    expect(r, 6, Stage::Transport, &["no SAMLResponse field"]);
}

#[test]
fn code_06_bad_base64() {
    let r = default_validator().validate(&SsoRequest::saml_response("PHNhbWxw!!!not*base64", now()));
    expect(r, 6, Stage::Transport, &["not valid base64"]);
}

#[test]
fn code_06_bad_base64_in_form_body() {
    let r = default_validator().validate(&SsoRequest::form(
        "POST",
        b"SAMLResponse=%25%25%25&RelayState=x",
        now(),
    ));
    expect(r, 6, Stage::Transport, &["not valid base64"]);
}

#[test]
fn code_06_doctype() {
    let signed = xml(&adfs());
    let evil = format!("<!DOCTYPE samlp:Response [<!ENTITY x \"alice\">]>{signed}");
    expect(run(&default_validator(), &evil), 6, Stage::Transport, &["DOCTYPE"]);
    // Also inside the base64 of a form post.
    let r = default_validator().validate(&SsoRequest::saml_response(&b64(&evil), now()));
    expect(r, 6, Stage::Transport, &["DTDs are refused"]);
}

#[test]
fn code_06_over_max_response_bytes() {
    let signed = xml(&okta());
    let v = validator(sp().max_response_bytes(2000));
    expect(run(&v, &signed), 6, Stage::Transport, &["over the limit of 2000", "max_response_bytes"]);
    let v = validator(sp().max_response_bytes(2000));
    let r = v.validate(&SsoRequest::saml_response(&b64(&signed), now()));
    expect(r, 6, Stage::Transport, &["over the limit of 2000"]);
}

#[test]
fn code_06_not_xml() {
    let r = default_validator().validate(&SsoRequest::saml_response(&b64("hello, this is not XML"), now()));
    expect(r, 6, Stage::Transport, &["not acceptable XML"]);
    expect(
        run(&default_validator(), "<samlp:Response><unclosed></samlp:Response>"),
        6,
        Stage::Transport,
        &["not acceptable XML"],
    );
}

#[test]
fn code_06_two_saml_response_fields() {
    let one = adfs().build_form_body("r").unwrap();
    let body = format!("{one}&{one}");
    let r = default_validator().validate(&SsoRequest::form("POST", body.as_bytes(), now()));
    expect(r, 6, Stage::Transport, &["more than one SAMLResponse"]);
}

// ------------------------------------------------------------------------------------------------
// 7 — SSO not allowed
// ------------------------------------------------------------------------------------------------

#[test]
fn code_07_sso_disabled_builder() {
    let v = validator(sp().sso_enabled(false));
    expect(run(&v, &xml(&adfs())), 7, Stage::Config, &["sso_enabled = false"]);
}

#[cfg(feature = "config")]
#[test]
fn code_07_sso_disabled_config_file() {
    let toml = format!(
        "[sp]\nentity_id = \"{SP}\"\nacs_url = \"{ACS}\"\nsso_enabled = false\n[idp]\nentity_id = \"{IDP}\"\ncertificates = [\"rsa2048.crt\"]\n"
    );
    let config = samlguard::Config::from_toml_str(&toml, keys("")).unwrap();
    let body = okta().build_form_body("x").unwrap();
    let r = config.validator().validate(&SsoRequest::form("POST", body.as_bytes(), now()));
    expect(r, 7, Stage::Config, &["SSO is disabled"]);
}

// ------------------------------------------------------------------------------------------------
// 8 — incorrect certificate (rolled key)
// ------------------------------------------------------------------------------------------------

#[test]
fn code_08_assertion_signed_by_rolled_key() {
    let clone = cert("rsa2048-clone");
    let b = ResponseBuilder::adfs(IDP, SP, ACS, now()).sign_with(key("rsa2048-clone"), clone.clone());
    let e = expect(
        run(&default_validator(), &xml(&b)),
        8,
        Stage::Signature,
        &["Assertion", clone.subject(), &clone.fingerprint_colon(), "rolled"],
    );
    // The detail also names the trusted certificate it expected.
    assert!(
        e.detail().expected.as_deref().unwrap_or("").contains(&trusted().fingerprint_colon()),
        "{}",
        e.detail()
    );
}

#[test]
fn code_08_response_signed_by_rolled_key() {
    let clone = cert("rsa2048-clone");
    let b = ResponseBuilder::okta(IDP, SP, ACS, now())
        .sign_response(true)
        .sign_assertion(false)
        .sign_with(key("rsa2048-clone"), clone.clone());
    expect(
        run(&default_validator(), &xml(&b)),
        8,
        Stage::Signature,
        &["signature of the Response", clone.subject(), &clone.fingerprint_colon(), "rolled"],
    );
}

#[test]
fn code_08_both_signed_by_rolled_key_azure_base64() {
    let clone = cert("rsa2048-clone");
    let b = ResponseBuilder::azure(IDP, SP, ACS, now())
        .sign_response(true)
        .sign_with(key("rsa2048-clone"), clone.clone());
    let r = default_validator().validate(&SsoRequest::saml_response(&b.build_base64().unwrap(), now()));
    expect(r, 8, Stage::Signature, &[&clone.fingerprint_colon(), "rolled"]);
}

// ------------------------------------------------------------------------------------------------
// 9 — configuration error
// ------------------------------------------------------------------------------------------------

#[cfg(feature = "config")]
fn config_error(toml: &str) -> SsoError {
    match samlguard::Config::from_toml_str(toml, keys("")) {
        Ok(_) => panic!("the configuration was accepted:\n{toml}"),
        Err(e) => e,
    }
}

#[cfg(feature = "config")]
#[track_caller]
fn expect_config(toml: &str, needles: &[&str]) {
    let e = config_error(toml);
    expect(Err(e), 9, Stage::Config, needles);
}

#[cfg(feature = "config")]
#[test]
fn code_09_both_certificates_and_metadata() {
    expect_config(
        &format!(
            "[sp]\nentity_id = \"{SP}\"\nacs_url = \"{ACS}\"\n[idp]\nentity_id = \"{IDP}\"\ncertificates = [\"rsa2048.crt\"]\nmetadata = \"idp-metadata.xml\"\n"
        ),
        &["both certificates and metadata"],
    );
}

#[cfg(feature = "config")]
#[test]
fn code_09_negative_skew() {
    expect_config(
        &format!(
            "[sp]\nentity_id = \"{SP}\"\nacs_url = \"{ACS}\"\nclock_skew_seconds = -5\n[idp]\nentity_id = \"{IDP}\"\ncertificates = [\"rsa2048.crt\"]\n"
        ),
        &["clock_skew_seconds is -5", "negative"],
    );
}

#[cfg(feature = "config")]
#[test]
fn code_09_no_idp_table() {
    expect_config(&format!("[sp]\nentity_id = \"{SP}\"\nacs_url = \"{ACS}\"\n"), &["no [idp] table"]);
}

#[cfg(feature = "config")]
#[test]
fn code_09_unreadable_certificate_file() {
    expect_config(
        &format!(
            "[sp]\nentity_id = \"{SP}\"\nacs_url = \"{ACS}\"\n[idp]\nentity_id = \"{IDP}\"\ncertificates = [\"does-not-exist.pem\"]\n"
        ),
        &["does-not-exist.pem", "cannot be read"],
    );
}

#[cfg(feature = "config")]
#[test]
fn code_09_malformed_certificate_file() {
    // message.txt exists but is no certificate.
    expect_config(
        &format!(
            "[sp]\nentity_id = \"{SP}\"\nacs_url = \"{ACS}\"\n[idp]\nentity_id = \"{IDP}\"\ncertificates = [\"message.txt\"]\n"
        ),
        &["message.txt", "not a PEM or DER certificate"],
    );
}

#[cfg(feature = "config")]
#[test]
fn code_09_unknown_key() {
    expect_config(
        &format!(
            "[sp]\nentity_id = \"{SP}\"\nacs_url = \"{ACS}\"\nwant_assertion_signed = true\n[idp]\nentity_id = \"{IDP}\"\ncertificates = [\"rsa2048.crt\"]\n"
        ),
        &["want_assertion_signed"],
    );
}

#[test]
fn code_09_builder_acs_not_absolute() {
    let e = ServiceProvider::builder(SP, "/saml/acs").build().unwrap_err();
    expect(Err(e), 9, Stage::Config, &["\"/saml/acs\"", "not an absolute http(s) URL"]);
}

// ------------------------------------------------------------------------------------------------
// 10 — NameQualifier ≠ site URL (only when site_url is set)
// ------------------------------------------------------------------------------------------------

#[test]
fn code_10_shibboleth_name_qualifier_is_idp() {
    let v = validator(sp().site_url(SITE));
    let e = expect(run(&v, &xml(&shib())), 10, Stage::Subject, &[IDP, SITE]);
    assert_eq!(e.detail().expected.as_deref(), Some(SITE));
}

#[test]
fn code_10_adfs_other_name_qualifier() {
    let b = adfs().name_qualifiers(Some("https://other.example.org"), None);
    let v = validator(sp().site_url(SITE));
    expect(run(&v, &xml(&b)), 10, Stage::Subject, &["https://other.example.org", SITE]);
}

#[test]
fn code_10_not_checked_without_site_url() {
    let login = accepted(run(&default_validator(), &xml(&shib())));
    assert_eq!(login.name_id.name_qualifier.as_deref(), Some(IDP));
    let b = adfs().name_qualifiers(Some("https://other.example.org"), None);
    accepted(run(&default_validator(), &xml(&b)));
}

#[test]
fn code_10_matching_name_qualifier_is_accepted() {
    let b = shib().name_qualifiers(Some(SITE), Some(SP));
    accepted(run(&validator(sp().site_url(SITE)), &xml(&b)));
}

// ------------------------------------------------------------------------------------------------
// 13 — invalid assertion
// ------------------------------------------------------------------------------------------------

#[test]
fn code_13_no_assertion_signed_response() {
    let b = okta().without_assertion();
    expect(run(&default_validator(), &xml(&b)), 13, Stage::Assertion, &["no Assertion"]);
}

/// SPEC §2 Structure: "A Success response with no assertion → 13, whether signed or not."
#[test]
fn code_13_no_assertion_unsigned_response() {
    // ADFS signs only the assertion: without one, the message carries no signature at all.
    let b = adfs().without_assertion();
    expect(run(&default_validator(), &xml(&b)), 13, Stage::Assertion, &["no Assertion"]);
}

#[test]
fn code_13_two_assertions_both_covered_by_the_response_signature() {
    // The IdP itself signed a Response carrying two assertions: covered, but not one assertion -> 13.
    let b = adfs().sign_assertion(false);
    let second = ResponseBuilder::adfs(IDP, SP, ACS, now())
        .assertion_id("_second")
        .name_id("bob@example.com")
        .assertion_xml();
    let two = b.unsigned_xml().replace("</samlp:Response>", &format!("{second}</samlp:Response>"));
    let signed = samlguard::Signer::new(key("rsa2048"), trusted())
        .sign_enveloped(&two, b.get_response_id())
        .expect("sign");
    expect(run(&default_validator(), &signed), 13, Stage::Assertion, &["2 assertions"]);
}

#[test]
fn code_23_injected_unsigned_second_assertion() {
    // An unsigned assertion next to the signed one is covered by no signature: wrapping -> 23
    // (SPEC "20 vs 23"), decided at the signature stage before the assertion count.
    let signed = xml(&adfs());
    let injected = ResponseBuilder::adfs(IDP, SP, ACS, now())
        .assertion_id("_injected")
        .name_id("mallory@example.com")
        .assertion_xml();
    let two = signed.replace("</samlp:Response>", &format!("{injected}</samlp:Response>"));
    expect(run(&default_validator(), &two), 23, Stage::Signature, &["_injected", "no valid signature"]);
}

#[test]
fn code_13_assertion_version_1_1() {
    let b = okta().assertion_version("1.1");
    expect(run(&default_validator(), &xml(&b)), 13, Stage::Assertion, &["Assertion Version", "1.1"]);
}

#[test]
fn code_13_audience_other_sp() {
    let b = adfs().audience_restrictions(vec![vec!["https://other-sp.example.com".into()]]);
    let e = expect(
        run(&default_validator(), &xml(&b)),
        13,
        Stage::Assertion,
        &["https://other-sp.example.com", "not this SP"],
    );
    assert_eq!(e.detail().expected.as_deref(), Some(SP));
}

#[test]
fn code_13_not_before_beyond_skew() {
    let b = azure().not_before(Some(now() + Duration::minutes(10)));
    expect(run(&default_validator(), &xml(&b)), 13, Stage::Assertion, &["not valid before", "180 s"]);
}

#[test]
fn code_13_no_audience_restriction() {
    let b = okta().audience_restrictions(vec![]);
    expect(run(&default_validator(), &xml(&b)), 13, Stage::Assertion, &["no AudienceRestriction"]);
}

#[test]
fn code_13_second_audience_restriction_lacks_us() {
    let b = shib().audience_restrictions(vec![
        vec![SP.into(), "https://a.example".into()],
        vec!["https://b.example".into()],
    ]);
    expect(run(&default_validator(), &xml(&b)), 13, Stage::Assertion, &["https://b.example", "not this SP"]);
}

#[test]
fn code_13_replay_same_validator() {
    let v = default_validator();
    let signed = xml(&adfs());
    accepted(run(&v, &signed));
    let assertion_id = adfs().get_assertion_id().to_string();
    expect(run(&v, &signed), 13, Stage::Assertion, &[&assertion_id, "replay"]);
}

#[test]
fn code_13_replay_through_other_input_form() {
    let v = default_validator();
    let b = okta();
    accepted(v.validate(&SsoRequest::saml_response(&b.build_base64().unwrap(), now())));
    let later = now() + Duration::seconds(30);
    let r = v.validate(&SsoRequest::form("POST", b.build_form_body("again").unwrap().as_bytes(), later));
    expect(r, 13, Stage::Assertion, &["already used"]);
}

#[test]
fn code_13_assertion_issue_instant_in_future() {
    let b = okta().assertion_issue_instant(now() + Duration::minutes(10));
    expect(run(&default_validator(), &xml(&b)), 13, Stage::Assertion, &["Assertion IssueInstant", "future"]);
}

#[test]
fn code_13_audience_compared_trimmed() {
    // SPEC: Audience values are compared after trimming surrounding white space.
    let b = adfs().audience_restrictions(vec![vec![format!("  {SP}\n")]]);
    accepted(run(&default_validator(), &xml(&b)));
}

// ------------------------------------------------------------------------------------------------
// 14 — Recipient / Destination ≠ ACS URL
// ------------------------------------------------------------------------------------------------

#[test]
fn code_14_destination_scheme_differs_proxy() {
    let b = adfs().destination(Some("http://sp.example.com/saml/acs"));
    let e = expect(
        run(&default_validator(), &xml(&b)),
        14,
        Stage::Response,
        &["http://sp.example.com/saml/acs", "scheme differs", "proxy"],
    );
    assert_eq!(e.detail().expected.as_deref(), Some(ACS));
}

#[test]
fn code_14_destination_trailing_slash() {
    let b = okta().destination(Some("https://sp.example.com/saml/acs/"));
    expect(run(&default_validator(), &xml(&b)), 14, Stage::Response, &["trailing slash", ACS]);
}

#[test]
fn code_14_destination_port() {
    let b = azure().destination(Some("https://sp.example.com:8443/saml/acs"));
    expect(run(&default_validator(), &xml(&b)), 14, Stage::Response, &["port differs", "proxy"]);
}

#[test]
fn code_14_recipient_wrong() {
    let b = shib().recipient(Some("https://sp.example.com/other/acs"));
    let e = expect(
        run(&default_validator(), &xml(&b)),
        14,
        Stage::Assertion,
        &["Recipient", "https://sp.example.com/other/acs", "path differs"],
    );
    assert_eq!(e.detail().expected.as_deref(), Some(ACS));
}

#[test]
fn code_14_recipient_missing() {
    let b = adfs().recipient(None);
    expect(run(&default_validator(), &xml(&b)), 14, Stage::Assertion, &["carries a Recipient"]);
}

#[test]
fn code_14_no_bearer_confirmation() {
    let b = okta().confirmation_method("urn:oasis:names:tc:SAML:2.0:cm:holder-of-key");
    expect(run(&default_validator(), &xml(&b)), 14, Stage::Assertion, &["no bearer SubjectConfirmation"]);
}

// ------------------------------------------------------------------------------------------------
// 15 — certificate expired
// ------------------------------------------------------------------------------------------------

fn expired_idp() -> IdentityProvider {
    IdentityProvider::builder(IDP).certificate(cert("rsa2048-expired")).build()
}

#[test]
fn code_15_trusted_certificate_expired() {
    let expired = cert("rsa2048-expired");
    let v = Validator::builder(sp().build().unwrap(), expired_idp()).build();
    let b = ResponseBuilder::adfs(IDP, SP, ACS, now()).sign_with(key("rsa2048"), expired.clone());
    expect(
        run(&v, &xml(&b)),
        15,
        Stage::Signature,
        &["has expired", &expired.fingerprint_colon(), "2021-01-01"],
    );
}

#[test]
fn code_15_response_signature_expired_certificate_okta() {
    // KeyInfo carries the current certificate, but the SP still trusts the old (expired) one with the same key.
    let v = Validator::builder(sp().build().unwrap(), expired_idp()).build();
    let b =
        ResponseBuilder::okta(IDP, SP, ACS, now()).sign_assertion(false).sign_with(key("rsa2048"), trusted());
    expect(
        run(&v, &xml(&b)),
        15,
        Stage::Signature,
        &["Response", "has expired", "enforce_certificate_validity"],
    );
}

#[test]
fn code_15_not_yet_valid() {
    // rsa2048.crt is valid from 2024-01-01.
    let t: DateTime<Utc> = "2023-06-01T12:00:00Z".parse().unwrap();
    let b = ResponseBuilder::adfs(IDP, SP, ACS, t).sign_with(key("rsa2048"), trusted());
    expect(run_at(&default_validator(), &xml(&b), t), 15, Stage::Signature, &["not yet valid"]);
}

#[test]
fn not_15_when_validity_not_enforced() {
    let expired = cert("rsa2048-expired");
    let v =
        Validator::builder(sp().enforce_certificate_validity(false).build().unwrap(), expired_idp()).build();
    let b = ResponseBuilder::adfs(IDP, SP, ACS, now()).sign_with(key("rsa2048"), expired.clone());
    let login = accepted(run(&v, &xml(&b)));
    assert_eq!(login.certificate.fingerprint_colon(), expired.fingerprint_colon());
}

#[test]
fn not_15_when_a_valid_trusted_certificate_also_verifies() {
    // Rollover: old (expired) and current certificate, same key; the current one is valid.
    let idp =
        IdentityProvider::builder(IDP).certificate(cert("rsa2048-expired")).certificate(trusted()).build();
    let v = Validator::builder(sp().build().unwrap(), idp).build();
    accepted(run(&v, &xml(&adfs())));
}

// ------------------------------------------------------------------------------------------------
// 19 — assertion expired, and the time edges
// ------------------------------------------------------------------------------------------------

#[test]
fn code_19_conditions_not_on_or_after_passed() {
    let b = adfs().not_on_or_after(Some(now() - Duration::hours(1)));
    expect(run(&default_validator(), &xml(&b)), 19, Stage::Assertion, &["Conditions NotOnOrAfter", "NTP"]);
}

#[test]
fn code_19_confirmation_not_on_or_after_passed() {
    let b = okta().confirmation_not_on_or_after(Some(now() - Duration::minutes(10)));
    expect(
        run(&default_validator(), &xml(&b)),
        19,
        Stage::Assertion,
        &["SubjectConfirmationData NotOnOrAfter"],
    );
}

#[test]
fn code_19_session_not_on_or_after_passed() {
    let b = shib().session_not_on_or_after(Some(now() - Duration::minutes(30)));
    expect(run(&default_validator(), &xml(&b)), 19, Stage::Assertion, &["SessionNotOnOrAfter"]);
}

#[test]
fn code_19_used_too_late() {
    // A valid response replayed two hours later.
    let signed = xml(&azure());
    expect(
        run_at(&default_validator(), &signed, now() + Duration::hours(2)),
        19,
        Stage::Assertion,
        &["NotOnOrAfter", "passed"],
    );
}

/// Builds a response whose only near time bound is set by `f`; every other bound is far away.
fn far_bounds(b: ResponseBuilder) -> ResponseBuilder {
    b.not_on_or_after(Some(now() + Duration::days(1)))
        .confirmation_not_on_or_after(Some(now() + Duration::days(1)))
        .session_not_on_or_after(Some(now() + Duration::days(1)))
}

#[test]
fn code_19_edges_conditions() {
    let skew = Duration::seconds(180);
    let t = now() + Duration::minutes(10);
    let signed = xml(&far_bounds(adfs()).not_on_or_after(Some(t)));
    expect(
        run_at(&default_validator(), &signed, t + skew),
        19,
        Stage::Assertion,
        &["Conditions NotOnOrAfter"],
    );
    accepted(run_at(&default_validator(), &signed, t + skew - Duration::seconds(1)));
}

#[test]
fn code_19_edges_confirmation() {
    let skew = Duration::seconds(60);
    let t = now() + Duration::minutes(10);
    let signed = xml(&far_bounds(okta()).confirmation_not_on_or_after(Some(t)));
    let v = || validator(sp().clock_skew(std::time::Duration::from_secs(60)));
    expect(run_at(&v(), &signed, t + skew), 19, Stage::Assertion, &["SubjectConfirmationData NotOnOrAfter"]);
    accepted(run_at(&v(), &signed, t + skew - Duration::seconds(1)));
}

#[test]
fn code_19_edges_session() {
    let skew = Duration::seconds(180);
    let t = now() + Duration::minutes(10);
    let signed = xml(&far_bounds(shib()).session_not_on_or_after(Some(t)));
    expect(run_at(&default_validator(), &signed, t + skew), 19, Stage::Assertion, &["SessionNotOnOrAfter"]);
    accepted(run_at(&default_validator(), &signed, t + skew - Duration::seconds(1)));
}

#[test]
fn code_19_edges_zero_skew() {
    let t = now() + Duration::minutes(10);
    let signed = xml(&far_bounds(adfs()).not_on_or_after(Some(t)));
    let v = || validator(sp().clock_skew(std::time::Duration::ZERO));
    expect(run_at(&v(), &signed, t), 19, Stage::Assertion, &["Conditions NotOnOrAfter"]);
    accepted(run_at(&v(), &signed, t - Duration::seconds(1)));
}

#[test]
fn code_13_not_before_edges() {
    let skew = Duration::seconds(180);
    let nb = now() + Duration::minutes(10);
    let signed = xml(&far_bounds(azure()).not_before(Some(nb)));
    // NotBefore exactly now + skew: accepted.
    accepted(run_at(&default_validator(), &signed, nb - skew));
    // NotBefore one second beyond now + skew: 13.
    expect(
        run_at(&default_validator(), &signed, nb - skew - Duration::seconds(1)),
        13,
        Stage::Assertion,
        &["not valid before"],
    );
}

// ------------------------------------------------------------------------------------------------
// 20 — unsigned
// ------------------------------------------------------------------------------------------------

#[test]
fn code_20_no_signature_at_all() {
    let b = ResponseBuilder::adfs(IDP, SP, ACS, now());
    expect(run(&default_validator(), &xml(&b)), 20, Stage::Signature, &["no ds:Signature at all"]);
}

#[test]
fn code_20_no_signature_at_all_okta_base64() {
    let b = ResponseBuilder::okta(IDP, SP, ACS, now());
    let r = default_validator().validate(&SsoRequest::saml_response(&b.build_base64().unwrap(), now()));
    expect(r, 20, Stage::Signature, &["no ds:Signature"]);
}

#[test]
fn code_20_want_assertions_signed_only_response_signed() {
    let b = okta().sign_assertion(false);
    let v = validator(sp().want_assertions_signed(true));
    expect(
        run(&v, &xml(&b)),
        20,
        Stage::Signature,
        &["want_assertions_signed", "no assertion carries its own signature"],
    );
    // Without the requirement the signed Response suffices.
    let login = accepted(run(&default_validator(), &xml(&b)));
    assert!(login.response_signed && !login.assertion_signed);
}

// ------------------------------------------------------------------------------------------------
// 23 — invalid signature
// ------------------------------------------------------------------------------------------------

#[test]
fn code_23_tampered_name_id() {
    let signed = xml(&adfs());
    let tampered = signed.replace(">alice@example.com</saml:NameID>", ">mallory@example.com</saml:NameID>");
    assert_ne!(signed, tampered);
    expect(run(&default_validator(), &tampered), 23, Stage::Signature, &["digest", "changed after signing"]);
}

#[test]
fn code_23_tampered_attribute_okta() {
    let signed = xml(&okta());
    let tampered = signed.replace(">Liddell<", ">Hatter<");
    assert_ne!(signed, tampered);
    expect(run(&default_validator(), &tampered), 23, Stage::Signature, &["does not match its DigestValue"]);
}

#[test]
fn code_23_assertion_signature_moved_to_response() {
    // The assertion's signature is cut out and pasted into the Response: it still verifies, but it sits in
    // the Response while referencing the Assertion.
    let signed = xml(&adfs());
    let a = signed.find("<saml:Assertion").unwrap();
    let span = signature_span(&signed, a);
    let sig = signed[span.clone()].to_string();
    let mut moved = signed.clone();
    moved.replace_range(span, "");
    let at = moved.find("</saml:Issuer>").unwrap() + "</saml:Issuer>".len();
    moved.insert_str(at, &sig);
    expect(
        run(&default_validator(), &moved),
        23,
        Stage::Signature,
        &["references <saml:Assertion>", "wrapping"],
    );
}

#[test]
fn code_23_assertion_signature_moved_into_subject() {
    let signed = xml(&azure());
    let a = signed.find("<saml:Assertion").unwrap();
    let span = signature_span(&signed, a);
    let sig = signed[span.clone()].to_string();
    let mut moved = signed.clone();
    moved.replace_range(span, "");
    let at = moved.find("<saml:Subject>").unwrap() + "<saml:Subject>".len();
    moved.insert_str(at, &sig);
    expect(run(&default_validator(), &moved), 23, Stage::Signature, &["unexpected place", "saml:Subject"]);
}

#[test]
fn code_23_sha1_digest_refused_by_default() {
    let b = adfs().digest_algorithm(DigestAlgorithm::Sha1);
    expect(run(&default_validator(), &xml(&b)), 23, Stage::Signature, &["xmldsig#sha1", "SHA-1 is refused"]);
}

#[test]
fn code_23_sha1_signature_method_refused_by_default() {
    // ring cannot make RSA-SHA1 signatures; the SignatureMethod is rewritten after signing.
    let signed = xml(&okta().sign_response(false));
    let sha1 = signed.replace(
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    );
    expect(run(&default_validator(), &sha1), 23, Stage::Signature, &["xmldsig#rsa-sha1", "SHA-1 is refused"]);
}

#[test]
fn code_23_empty_reference_uri() {
    let b = adfs();
    let signed = xml(&b);
    let empty = signed.replace(&format!("URI=\"#{}\"", b.get_assertion_id()), "URI=\"\"");
    assert_ne!(signed, empty);
    expect(run(&default_validator(), &empty), 23, Stage::Signature, &["Reference URI \"\""]);
}

#[test]
fn code_23_duplicate_ids() {
    // A second, unsigned copy of the assertion with the same ID next to the signed one.
    let b = adfs();
    let signed = xml(&b);
    let copy = ResponseBuilder::adfs(IDP, SP, ACS, now())
        .assertion_id(b.get_assertion_id())
        .name_id("mallory@example.com")
        .assertion_xml();
    let wrapped = signed
        .replace("<samlp:Status>", &format!("<samlp:Extensions>{copy}</samlp:Extensions><samlp:Status>"));
    expect(run(&default_validator(), &wrapped), 23, Stage::Signature, &["more than one element"]);
}

// ------------------------------------------------------------------------------------------------
// 24 — untrusted issuer
// ------------------------------------------------------------------------------------------------

#[test]
fn code_24_response_issuer_other() {
    let b = adfs().response_issuer(Some("https://evil.example.net/adfs"));
    let e = expect(
        run(&default_validator(), &xml(&b)),
        24,
        Stage::Response,
        &["Response Issuer", "https://evil.example.net/adfs"],
    );
    assert_eq!(e.detail().expected.as_deref(), Some(IDP));
}

#[test]
fn code_24_assertion_issuer_other() {
    let b = okta().assertion_issuer(Some("http://www.okta.com/exkOTHER"));
    expect(run(&default_validator(), &xml(&b)), 24, Stage::Assertion, &["Assertion Issuer", "exkOTHER"]);
}

#[test]
fn code_24_assertion_issuer_missing() {
    let b = shib().assertion_issuer(None);
    expect(run(&default_validator(), &xml(&b)), 24, Stage::Assertion, &["no Issuer", IDP]);
}

#[test]
fn issuer_compared_trimmed_and_response_issuer_optional() {
    // SPEC: Issuer values are compared after trimming; a Response Issuer is optional.
    let b = adfs().response_issuer(None).assertion_issuer(Some(&format!("\n  {IDP}  \n")));
    let login = accepted(run(&default_validator(), &xml(&b)));
    assert_eq!(login.issuer, IDP);
}

// ------------------------------------------------------------------------------------------------
// 25 — NameID format
// ------------------------------------------------------------------------------------------------

#[test]
fn code_25_format_not_allowed() {
    let v = validator(sp().allowed_name_id_format(EMAIL_FORMAT));
    expect(run(&v, &xml(&shib())), 25, Stage::Subject, &[TRANSIENT, EMAIL_FORMAT]);
}

#[test]
fn code_25_absent_format_is_unspecified() {
    let v = validator(sp().allowed_name_id_format(EMAIL_FORMAT).allowed_name_id_format(TRANSIENT));
    expect(run(&v, &xml(&adfs().name_id_format(None))), 25, Stage::Subject, &[UNSPECIFIED]);
}

#[test]
fn absent_format_reported_as_unspecified_and_allowed_when_listed() {
    let v = validator(sp().allowed_name_id_format(UNSPECIFIED));
    let login = accepted(run(&v, &xml(&okta().name_id_format(None))));
    assert_eq!(login.name_id.format, UNSPECIFIED);
}

// ------------------------------------------------------------------------------------------------
// 28 — InResponseTo
// ------------------------------------------------------------------------------------------------

#[test]
fn code_28_in_response_to_not_outstanding() {
    let b = adfs().in_response_to(Some("_req-stale"));
    let r =
        default_validator().validate(&SsoRequest::xml(xml(&b).as_bytes(), now()).request_id("_req-current"));
    let e = expect(r, 28, Stage::Response, &["_req-stale", "_req-current"]);
    assert!(e.detail().expected.as_deref().unwrap_or("").contains("_req-current"));
}

#[test]
fn code_28_in_response_to_with_none_outstanding_unsolicited_refused() {
    let b = okta().in_response_to(Some("_req-1"));
    let v = validator(sp().allow_idp_initiated(false));
    expect(run(&v, &xml(&b)), 28, Stage::Response, &["_req-1", "no request is outstanding"]);
    // With unsolicited responses allowed it is accepted.
    accepted(run(&default_validator(), &xml(&b)));
}

#[test]
fn code_28_absent_while_idp_initiated_refused() {
    let v = validator(sp().allow_idp_initiated(false));
    expect(run(&v, &xml(&azure())), 28, Stage::Response, &["no InResponseTo", "allow_idp_initiated"]);
    // Also when a request is outstanding.
    let v = validator(sp().allow_idp_initiated(false));
    let r = v.validate(&SsoRequest::xml(xml(&shib()).as_bytes(), now()).request_id("_req-1"));
    expect(r, 28, Stage::Response, &["allow_idp_initiated"]);
}

#[test]
fn code_28_confirmation_in_response_to_differs() {
    let b = adfs().in_response_to(Some("_req-1")).confirmation_in_response_to(Some("_req-2"));
    let r = default_validator().validate(&SsoRequest::xml(xml(&b).as_bytes(), now()).request_id("_req-1"));
    expect(r, 28, Stage::Assertion, &["_req-2", "_req-1"]);
}

#[test]
fn code_28_confirmation_in_response_to_absent() {
    let b = okta().in_response_to(Some("_req-1")).confirmation_in_response_to(None);
    let r = default_validator().validate(&SsoRequest::xml(xml(&b).as_bytes(), now()).request_id("_req-1"));
    expect(r, 28, Stage::Assertion, &["no InResponseTo"]);
}

#[test]
fn code_28_confirmation_in_response_to_on_unsolicited_response() {
    let b = shib().confirmation_in_response_to(Some("_req-9"));
    expect(run(&default_validator(), &xml(&b)), 28, Stage::Assertion, &["unsolicited", "_req-9"]);
}

#[test]
fn solicited_response_accepted() {
    let b = okta().in_response_to(Some("_req-2"));
    let v = validator(sp().allow_idp_initiated(false));
    let r = v.validate(&SsoRequest::xml(xml(&b).as_bytes(), now()).request_ids_from(["_req-1", "_req-2"]));
    let login = accepted(r);
    assert_eq!(login.in_response_to.as_deref(), Some("_req-2"));
}

// ------------------------------------------------------------------------------------------------
// 29 — invalid Response message
// ------------------------------------------------------------------------------------------------

#[test]
fn code_29_root_not_response() {
    let signed = xml(&adfs());
    let other = signed
        .replace("<samlp:Response ", "<samlp:LogoutResponse ")
        .replace("</samlp:Response>", "</samlp:LogoutResponse>");
    expect(run(&default_validator(), &other), 29, Stage::Response, &["<samlp:LogoutResponse>"]);
}

#[test]
fn code_29_root_is_bare_assertion() {
    let b = okta();
    expect(
        run(&default_validator(), &b.assertion_xml()),
        29,
        Stage::Response,
        &["<saml2:Assertion>", "samlp:Response"],
    );
}

#[test]
fn code_29_version_1_1() {
    expect(
        run(&default_validator(), &xml(&adfs().version("1.1"))),
        29,
        Stage::Response,
        &["Response Version", "1.1"],
    );
}

#[test]
fn code_29_no_id() {
    let b = adfs();
    let signed = xml(&b);
    let no_id = signed.replacen(&format!(" ID=\"{}\"", b.get_response_id()), "", 1);
    assert_ne!(signed, no_id);
    expect(run(&default_validator(), &no_id), 29, Stage::Response, &["no ID"]);
}

#[test]
fn code_29_no_issue_instant() {
    let signed = xml(&azure());
    let without = signed.replacen(" IssueInstant=\"2030-01-01T12:00:00Z\"", "", 1);
    assert!(without.find("IssueInstant").unwrap() > without.find("<saml:Assertion").unwrap());
    expect(run(&default_validator(), &without), 29, Stage::Response, &["no IssueInstant"]);
}

#[test]
fn code_29_issue_instant_unparseable() {
    let signed = xml(&adfs());
    let bad = signed.replacen("IssueInstant=\"2030-01-01T12:00:00Z\"", "IssueInstant=\"yesterday\"", 1);
    expect(run(&default_validator(), &bad), 29, Stage::Response, &["\"yesterday\"", "xs:dateTime"]);
}

#[test]
fn code_29_issue_instant_in_future() {
    let b = okta().issue_instant(now() + Duration::minutes(10));
    expect(
        run(&default_validator(), &xml(&b)),
        29,
        Stage::Response,
        &["Response IssueInstant", "in the future", "NTP"],
    );
}

#[test]
fn code_29_no_status() {
    let signed = xml(&adfs());
    let s = signed.find("<samlp:Status>").unwrap();
    let e = signed.find("</samlp:Status>").unwrap() + "</samlp:Status>".len();
    let mut without = signed.clone();
    without.replace_range(s..e, "");
    expect(run(&default_validator(), &without), 29, Stage::Response, &["no Status"]);
}

#[test]
fn code_29_status_without_status_code() {
    let signed = xml(&shib().sign_response(false));
    let s = signed.find("<saml2p:Status>").unwrap();
    let e = signed.find("</saml2p:Status>").unwrap() + "</saml2p:Status>".len();
    let mut bad = signed.clone();
    bad.replace_range(s..e, "<saml2p:Status><saml2p:StatusMessage>ok</saml2p:StatusMessage></saml2p:Status>");
    expect(run(&default_validator(), &bad), 29, Stage::Response, &["no StatusCode"]);
}

// ------------------------------------------------------------------------------------------------
// account codes: 3, 16, 17, 18, 21, 31, 32
// ------------------------------------------------------------------------------------------------

fn account(name_id: &str, status: AccountStatus, role: Option<&str>) -> Account {
    Account { name_id: name_id.into(), status, role: role.map(Into::into) }
}

fn with_accounts(store: &Arc<InMemoryAccounts>, policy: AccountPolicy) -> Validator {
    let store: Arc<dyn AccountStore> = store.clone();
    Validator::builder(sp().build().unwrap(), idp()).accounts(store, policy).build()
}

#[test]
fn code_03_no_account_auto_create_off() {
    let store = Arc::new(InMemoryAccounts::new(10));
    let v = with_accounts(&store, AccountPolicy::default());
    expect(run(&v, &xml(&adfs())), 3, Stage::Account, &["alice@example.com", "auto account creation is off"]);
}

#[test]
fn code_03_other_user_only() {
    let store = Arc::new(InMemoryAccounts::new(10));
    store.add(account("bob@example.com", AccountStatus::Active, None), true);
    let v = with_accounts(&store, AccountPolicy::default().auto_update(true));
    let b = okta().name_id("carol@example.com");
    expect(run(&v, &xml(&b)), 3, Stage::Account, &["carol@example.com"]);
}

#[test]
fn code_16_locked() {
    let store = Arc::new(InMemoryAccounts::new(10));
    store.add(account("alice@example.com", AccountStatus::Locked, Some("user")), true);
    let v = with_accounts(&store, AccountPolicy::default());
    expect(run(&v, &xml(&adfs())), 16, Stage::Account, &["alice@example.com", "locked"]);
}

#[test]
fn code_16_locked_trimmed_name_id_okta() {
    // The NameID is trimmed before the lookup.
    let store = Arc::new(InMemoryAccounts::new(10));
    store.add(account("alice@example.com", AccountStatus::Locked, None), true);
    let v = with_accounts(&store, AccountPolicy::default().auto_create(true));
    expect(run(&v, &xml(&okta().name_id("  alice@example.com\n"))), 16, Stage::Account, &["unlock"]);
}

#[test]
fn code_17_expired() {
    let store = Arc::new(InMemoryAccounts::new(10));
    store.add(account("alice@example.com", AccountStatus::Expired, Some("user")), true);
    let v = with_accounts(&store, AccountPolicy::default());
    expect(run(&v, &xml(&azure())), 17, Stage::Account, &["alice@example.com", "expired"]);
}

#[test]
fn code_17_expired_shibboleth_transient() {
    let b = shib().name_id("AAdzZWNyZXQxabc");
    let store = Arc::new(InMemoryAccounts::new(10));
    store.add(account("AAdzZWNyZXQxabc", AccountStatus::Expired, None), false);
    let v = with_accounts(&store, AccountPolicy::default().allowed_roles(["user"]));
    expect(run(&v, &xml(&b)), 17, Stage::Account, &["AAdzZWNyZXQxabc", "renew"]);
}

#[test]
fn code_18_deactivated() {
    let store = Arc::new(InMemoryAccounts::new(10));
    store.add(account("alice@example.com", AccountStatus::Deactivated, Some("user")), true);
    let v = with_accounts(&store, AccountPolicy::default());
    expect(run(&v, &xml(&adfs())), 18, Stage::Account, &["alice@example.com", "deactivated"]);
}

#[test]
fn code_18_deactivated_okta_base64() {
    let store = Arc::new(InMemoryAccounts::new(10));
    store.add(account("alice@example.com", AccountStatus::Deactivated, None), true);
    let v = with_accounts(&store, AccountPolicy::default().auto_update(true));
    let r = v.validate(&SsoRequest::saml_response(&okta().build_base64().unwrap(), now()));
    expect(r, 18, Stage::Account, &["reactivate"]);
}

#[test]
fn code_21_account_role_not_allowed() {
    let store = Arc::new(InMemoryAccounts::new(10));
    store.add(account("alice@example.com", AccountStatus::Active, Some("user")), true);
    let v = with_accounts(&store, AccountPolicy::default().allowed_roles(["admin"]));
    let e = expect(run(&v, &xml(&adfs())), 21, Stage::Account, &["\"user\"", "admin"]);
    assert!(e.detail().expected.as_deref().unwrap_or("").contains("admin"));
}

#[test]
fn code_21_asserted_role_not_allowed() {
    let store = Arc::new(InMemoryAccounts::new(10));
    store.add(account("alice@example.com", AccountStatus::Active, Some("user")), true);
    let v = with_accounts(
        &store,
        AccountPolicy::default().allowed_roles(["user", "admin"]).role_attribute("role"),
    );
    let b = okta().attribute("role", &["guest"]);
    expect(run(&v, &xml(&b)), 21, Stage::Account, &["\"guest\""]);
}

#[test]
fn code_21_no_role_at_all() {
    let store = Arc::new(InMemoryAccounts::new(10));
    store.add(account("alice@example.com", AccountStatus::Active, None), true);
    let v = with_accounts(&store, AccountPolicy::default().allowed_roles(["user"]));
    expect(run(&v, &xml(&azure())), 21, Stage::Account, &["(none)"]);
}

#[test]
fn code_31_auto_create_store_full() {
    let store = Arc::new(InMemoryAccounts::new(0));
    let v = with_accounts(&store, AccountPolicy::default().auto_create(true));
    expect(run(&v, &xml(&adfs())), 31, Stage::Account, &["alice@example.com", "full"]);
    assert!(store.is_empty());
}

#[test]
fn code_31_auto_create_store_full_okta_with_role() {
    let store = Arc::new(InMemoryAccounts::new(1));
    store.add(account("bob@example.com", AccountStatus::Active, None), true);
    let v = with_accounts(&store, AccountPolicy::default().auto_create(true).role_attribute("role"));
    let b = okta().attribute("role", &["user"]);
    expect(run(&v, &xml(&b)), 31, Stage::Account, &["creating an account", "full (1 accounts)"]);
}

#[test]
fn auto_create_succeeds_with_room() {
    let store = Arc::new(InMemoryAccounts::new(5));
    let v = with_accounts(
        &store,
        AccountPolicy::default().auto_create(true).role_attribute("role").allowed_roles(["user"]),
    );
    let login = accepted(run(&v, &xml(&okta().attribute("role", &["user"]))));
    assert_eq!(login.account, Some(account("alice@example.com", AccountStatus::Active, Some("user"))));
    assert_eq!(store.get("alice@example.com").unwrap().role.as_deref(), Some("user"));
}

#[test]
fn code_32_auto_update_role_change_refused() {
    let store = Arc::new(InMemoryAccounts::new(10));
    store.add(account("alice@example.com", AccountStatus::Active, Some("user")), false);
    let v = with_accounts(&store, AccountPolicy::default().auto_update(true).role_attribute("role"));
    let b = okta().attribute("role", &["admin"]);
    expect(run(&v, &xml(&b)), 32, Stage::Account, &["\"user\"", "\"admin\"", "not allowed"]);
    assert_eq!(store.get("alice@example.com").unwrap().role.as_deref(), Some("user"));
}

#[test]
fn code_32_auto_update_role_grant_refused_adfs() {
    let role_claim = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
    let store = Arc::new(InMemoryAccounts::new(10));
    store.add(account("alice@example.com", AccountStatus::Active, None), false);
    let v = with_accounts(
        &store,
        AccountPolicy::default()
            .auto_update(true)
            .role_attribute(role_claim)
            .allowed_roles(["user", "admin"]),
    );
    let b = adfs().attribute(role_claim, &["admin"]);
    expect(run(&v, &xml(&b)), 32, Stage::Account, &["(none)", "\"admin\"", "privilege"]);
}

#[test]
fn auto_update_succeeds_when_updatable() {
    let store = Arc::new(InMemoryAccounts::new(10));
    store.add(account("alice@example.com", AccountStatus::Active, Some("user")), true);
    let v = with_accounts(&store, AccountPolicy::default().auto_update(true).role_attribute("role"));
    let login = accepted(run(&v, &xml(&okta().attribute("role", &["admin"]))));
    assert_eq!(login.account.unwrap().role.as_deref(), Some("admin"));
    assert_eq!(store.get("alice@example.com").unwrap().role.as_deref(), Some("admin"));
}

// ------------------------------------------------------------------------------------------------
// acceptance per flavor: every Login field
// ------------------------------------------------------------------------------------------------

#[track_caller]
fn check_common(login: &Login, b: &ResponseBuilder) {
    assert_eq!(login.issuer, IDP);
    assert_eq!(login.assertion_id, b.get_assertion_id());
    assert_eq!(login.response_id, b.get_response_id());
    assert_eq!(login.session_index.as_deref(), Some("_session-42"));
    assert_eq!(login.certificate.fingerprint_colon(), trusted().fingerprint_colon());
    assert_eq!(login.certificate.sha256_fingerprint(), trusted().sha256_fingerprint());
    assert_eq!(login.not_before, Some(now() - Duration::seconds(5)));
    assert_eq!(login.not_on_or_after, Some(now() + Duration::minutes(60)));
    assert_eq!(login.session_not_on_or_after, Some(now() + Duration::hours(8)));
    assert_eq!(login.authn_instant, Some(now() - Duration::seconds(2)));
    assert_eq!(login.in_response_to, None);
    assert!(login.account.is_none());
}

#[test]
fn accept_adfs() {
    let b = adfs().session_index(Some("_session-42"));
    let login = accepted(run(&default_validator(), &xml(&b)));
    check_common(&login, &b);
    assert_eq!(login.name_id.value, "alice@example.com");
    assert_eq!(login.name_id.format, EMAIL_FORMAT);
    assert_eq!(login.name_id.name_qualifier, None);
    assert_eq!(login.name_id.sp_name_qualifier, None);
    assert!(!login.response_signed && login.assertion_signed);
    let c = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";
    let names: Vec<&str> = login.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [format!("{c}upn"), format!("{c}emailaddress"), format!("{c}givenname"), format!("{c}surname")]
    );
    assert!(login.attributes.iter().all(|a| a.friendly_name.is_none()));
    assert_eq!(login.attribute(&format!("{c}givenname")), Some(&["Alice".to_string()][..]));
    assert_eq!(login.attribute(&format!("{c}surname")), Some(&["Liddell".to_string()][..]));
}

#[test]
fn accept_azure() {
    let b = azure().session_index(Some("_session-42"));
    let login = accepted(run(&default_validator(), &xml(&b)));
    check_common(&login, &b);
    assert_eq!(login.name_id.value, "alice@example.com");
    assert!(!login.response_signed && login.assertion_signed);
    assert_eq!(
        login.attribute("http://schemas.microsoft.com/identity/claims/tenantid"),
        Some(&["7d3a1c9e-0000-4000-8000-000000000001".to_string()][..])
    );
    let groups = login.attribute("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups").unwrap();
    assert_eq!(groups, ["admins", "users"]);
    assert_eq!(login.attributes.len(), 6);
}

#[test]
fn accept_okta() {
    let b =
        okta().session_index(Some("_session-42")).attribute("groups", &["Everyone", "Engineering", "Admins"]);
    let v =
        validator(sp().required_attributes(["firstname", "lastname", "email"]).want_assertions_signed(true));
    let login = accepted(run(&v, &xml(&b)));
    check_common(&login, &b);
    assert_eq!(login.name_id.value, "alice@example.com");
    assert_eq!(login.name_id.format, EMAIL_FORMAT);
    assert!(login.response_signed && login.assertion_signed);
    assert_eq!(login.attribute("firstname"), Some(&["Alice".to_string()][..]));
    assert_eq!(login.attribute("email"), Some(&["alice@example.com".to_string()][..]));
    assert_eq!(login.attribute("groups").unwrap(), ["Everyone", "Engineering", "Admins"]);
}

#[test]
fn accept_shibboleth() {
    let b = shib().session_index(Some("_session-42"));
    let v = validator(sp().allowed_name_id_format(TRANSIENT).required_attributes(["mail", "givenName"]));
    let login = accepted(run(&v, &xml(&b)));
    check_common(&login, &b);
    assert!(login.name_id.value.starts_with("AAdzZWNyZXQx"));
    assert_eq!(login.name_id.format, TRANSIENT);
    assert_eq!(login.name_id.name_qualifier.as_deref(), Some(IDP));
    assert_eq!(login.name_id.sp_name_qualifier.as_deref(), Some(SP));
    assert!(!login.response_signed && login.assertion_signed);
    let mail = login.attributes.iter().find(|a| a.name == "urn:oid:0.9.2342.19200300.100.1.3").unwrap();
    assert_eq!(mail.friendly_name.as_deref(), Some("mail"));
    assert_eq!(mail.values, ["alice@example.com"]);
    // Lookup by FriendlyName, and a multi-valued attribute.
    assert_eq!(login.attribute("sn"), Some(&["Liddell".to_string()][..]));
    assert_eq!(
        login.attribute("eduPersonScopedAffiliation").unwrap(),
        ["member@example.com", "staff@example.com"]
    );
}

#[test]
fn accept_name_id_trimmed() {
    let login = accepted(run(&default_validator(), &xml(&adfs().name_id("\n   alice@example.com  \t"))));
    assert_eq!(login.name_id.value, "alice@example.com");
}

#[test]
fn accept_ec256_signed_assertion() {
    let ec = cert("ec256");
    let b = ResponseBuilder::okta(IDP, SP, ACS, now()).sign_with(key("ec256"), ec.clone());
    let idp = IdentityProvider::builder(IDP).certificate(ec.clone()).build();
    let login = accepted(
        Validator::builder(sp().build().unwrap(), idp)
            .build()
            .validate(&SsoRequest::xml(xml(&b).as_bytes(), now())),
    );
    assert_eq!(login.certificate.fingerprint_colon(), ec.fingerprint_colon());
}

// ------------------------------------------------------------------------------------------------
// input forms
// ------------------------------------------------------------------------------------------------

#[test]
fn input_xml() {
    let b = adfs();
    accepted(default_validator().validate(&SsoRequest::xml(xml(&b).as_bytes(), now())));
}

#[test]
fn input_base64() {
    let b = azure();
    let login =
        accepted(default_validator().validate(&SsoRequest::saml_response(&b.build_base64().unwrap(), now())));
    assert_eq!(login.assertion_id, b.get_assertion_id());
}

#[test]
fn input_base64_with_line_breaks() {
    let b = okta();
    let wrapped: String = b
        .build_base64()
        .unwrap()
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\r\n");
    accepted(default_validator().validate(&SsoRequest::saml_response(&wrapped, now())));
}

#[test]
fn input_form_body_with_relay_state() {
    let b = shib();
    let body = b.build_form_body("https://sp.example.com/app?x=1&y=2").unwrap();
    assert!(body.contains("&RelayState="));
    let login = accepted(default_validator().validate(&SsoRequest::form("POST", body.as_bytes(), now())));
    assert_eq!(login.assertion_id, b.get_assertion_id());
}

#[test]
fn input_form_body_relay_state_first() {
    let b = okta();
    let b64 = b.build_base64().unwrap();
    let enc: String = b64.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D");
    let body = format!("RelayState=%2Fhome&SAMLResponse={enc}");
    accepted(default_validator().validate(&SsoRequest::form("POST", body.as_bytes(), now())));
}

#[test]
fn input_detect_all_forms() {
    for (i, input) in [
        format!("\n  {}\n", xml(&adfs().assertion_id("_d1"))),
        adfs().assertion_id("_d2").build_base64().unwrap(),
        adfs().assertion_id("_d3").build_form_body("relay").unwrap(),
    ]
    .iter()
    .enumerate()
    {
        let login = default_validator().validate(&SsoRequest::detect("POST", input.as_bytes(), now()));
        let login = accepted(login);
        assert_eq!(login.assertion_id, format!("_d{}", i + 1));
    }
}

#[test]
fn descriptions_match_spec_table() {
    for (i, text) in DESCRIPTIONS.iter().enumerate() {
        let code = samlguard::ErrorCode::from_code(i as u8 + 1).unwrap();
        assert_eq!(code.description(), *text);
        assert_eq!(code.user_message(), format!("{text}. Contact your administrator for further support."));
    }
}
