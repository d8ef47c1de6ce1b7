//! Every SSO error code of the response path, produced for real through the command line (SPEC §1–§4):
//! `samlguard validate --config SP.toml --now T [--request-id ID]... [--method M] --json INPUT`.
//!
//! Each test builds a real response with the testkit (ADFS, Entra ID, Okta or Shibboleth shape, signed
//! with the keys in `testdata/keys`), writes a real TOML configuration (SPEC §4, with an `[accounts]`
//! table holding users in every status) and the input into a temporary folder, runs the built binary
//! and checks the one JSON object it prints: `ok`, the exact `code`, the exact `description` of SPEC §1
//! (typed here again, not taken from the library), a telling part of `detail`, and exit status 1.
//!
//! Every case starts from a login that is accepted (see `accepted_*`) and changes only what its
//! comment says.
//!
//! Code 31 (auto account creation failed) comes from an account directory that is full:
//! `[accounts] max_accounts` equal to the number of users listed.
#![cfg(all(feature = "testkit", feature = "cli"))]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use samlguard::testkit::{ResponseBuilder, TestAttribute, attr};
use samlguard::{Certificate, SigningKey};
use serde_json::{Value, json};
use tempfile::TempDir;

// ------------------------------------------------------------------------------------------------
// the setting
// ------------------------------------------------------------------------------------------------

const IDP: &str = "https://idp.example.com/metadata";
const SP: &str = "https://sp.example.com/saml/metadata";
const ACS: &str = "https://sp.example.com/saml/acs";
const SITE: &str = "https://sp.example.com";
/// When the responses are issued.
const ISSUED: &str = "2030-01-01T12:00:00Z";
/// Thirty seconds later: when they are judged (`--now`).
const NOW: &str = "2030-01-01T12:00:30Z";

const EMAIL: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const TRANSIENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
const PERSISTENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
const CLAIMS: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";

/// SPEC §1, byte for byte (the codes of the response path).
const DESCRIPTIONS: [(u8, &str); 26] = [
    (1, "SSO protocol error"),
    (2, "No user name found in SAML assertion"),
    (3, "No user account found in the system"),
    (4, "No X.509 certificate found in the system"),
    (5, "Only POST request is supported"),
    (6, "Incorrect SAML SSO POST data"),
    (7, "The site is not allowed to use SSO"),
    (8, "Incorrect X.509 certificate to validate SAML assertion"),
    (9, "Loading configuration error"),
    (10, "The value of NameQualifier does not match site URL"),
    (13, "Invalid SAML assertion"),
    (14, "Recipient does not match webex.com"),
    (15, "X.509 certificate has expired"),
    (16, "User account is locked"),
    (17, "User account is expired"),
    (18, "User account has been deactivated"),
    (19, "SAML assertion is expired"),
    (20, "SAML assertion is unsigned"),
    (21, "User role is not allowed to login"),
    (23, "Invalid digital signature"),
    (24, "Untrusted Issuer"),
    (25, "Name Identifier format is incorrect"),
    (28, "InResponseTo does not match the request ID"),
    (29, "Invalid Response message"),
    (31, "Auto Account Creation failed"),
    (32, "Auto Account Update failed"),
];

fn description(code: u8) -> &'static str {
    DESCRIPTIONS.iter().find(|(c, _)| *c == code).map(|(_, d)| *d).expect("a response-path code")
}

fn keys() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/keys")
}

fn issued() -> DateTime<Utc> {
    ISSUED.parse().expect("a valid time")
}

fn key(name: &str) -> SigningKey {
    SigningKey::from_pkcs8_pem(&std::fs::read(keys().join(name)).expect("key file")).expect("key")
}

fn cert(name: &str) -> Certificate {
    Certificate::from_pem(&std::fs::read(keys().join(name)).expect("certificate file")).expect("certificate")
}

/// Whose habits the response imitates.
#[derive(Clone, Copy, Debug)]
enum Idp {
    Adfs,
    Azure,
    Okta,
    Shibboleth,
}

/// The response an IdP of this kind sends for alice, signed with the trusted key (`rsa2048`). Okta
/// also sends her role in the `role` attribute.
fn response(idp: Idp) -> ResponseBuilder {
    let b = match idp {
        Idp::Adfs => ResponseBuilder::adfs(IDP, SP, ACS, issued()),
        Idp::Azure => ResponseBuilder::azure(IDP, SP, ACS, issued()),
        Idp::Okta => ResponseBuilder::okta(IDP, SP, ACS, issued()).attribute("role", &["user"]),
        Idp::Shibboleth => ResponseBuilder::shibboleth(IDP, SP, ACS, issued()),
    };
    b.session_index(Some(&format!("_session-{idp:?}"))).sign_with(key("rsa2048.key"), cert("rsa2048.crt"))
}

/// Okta's attributes for a user with this first name, mailbox and role.
fn okta_attributes(first_name: &str, mailbox: &str, role: &str) -> Vec<TestAttribute> {
    vec![
        attr("firstname", None, &[first_name]),
        attr("lastname", None, &["Liddell"]),
        attr("email", None, &[&format!("{mailbox}@example.com")]),
        attr("role", None, &[role]),
    ]
}

/// The configuration file's settings (SPEC §4); [`Conf::toml`] writes them out.
#[derive(Clone, Debug)]
struct Conf {
    sso_enabled: bool,
    site_url: Option<&'static str>,
    required_attributes: Vec<&'static str>,
    want_assertions_signed: bool,
    allow_idp_initiated: bool,
    /// `[idp] certificates`: files of `testdata/keys`, copied next to the configuration (none: the key
    /// is left out).
    certificates: Vec<&'static str>,
    /// `[idp] metadata`: an IdP metadata file written next to the configuration.
    metadata: bool,
    accounts: bool,
    auto_create: bool,
    auto_update: bool,
    /// `[accounts] max_accounts`.
    max_accounts: Option<usize>,
}

impl Conf {
    /// What an SP that works with this IdP is configured with.
    fn for_idp(idp: Idp) -> Conf {
        let required_attributes = match idp {
            Idp::Okta => vec!["firstname", "lastname", "email"],
            Idp::Adfs | Idp::Azure => {
                vec![
                    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
                    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
                    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
                ]
            }
            // By FriendlyName.
            Idp::Shibboleth => vec!["givenName", "sn", "mail"],
        };
        Conf {
            sso_enabled: true,
            site_url: Some(SITE),
            required_attributes,
            want_assertions_signed: false,
            allow_idp_initiated: true,
            certificates: vec!["rsa2048.crt"],
            metadata: false,
            // Transient NameIDs do not name accounts.
            accounts: !matches!(idp, Idp::Shibboleth),
            auto_create: false,
            auto_update: false,
            max_accounts: None,
        }
    }

    fn toml(&self) -> String {
        let list = |items: &[&str]| {
            let quoted: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
            format!("[{}]", quoted.join(", "))
        };
        let mut s = format!(
            "[sp]\nentity_id = {SP:?}\nacs_url = {ACS:?}\nsso_enabled = {}\n\
             allowed_name_id_formats = {}\nrequired_attributes = {}\nclock_skew_seconds = 180\n\
             want_assertions_signed = {}\nallow_idp_initiated = {}\nenforce_certificate_validity = true\n\
             max_response_bytes = 1048576\n",
            self.sso_enabled,
            list(&[EMAIL, TRANSIENT]),
            list(&self.required_attributes),
            self.want_assertions_signed,
            self.allow_idp_initiated,
        );
        if let Some(site) = self.site_url {
            s.push_str(&format!("site_url = {site:?}\n"));
        }
        s.push_str(&format!("\n[idp]\nentity_id = {IDP:?}\n"));
        if !self.certificates.is_empty() {
            s.push_str(&format!("certificates = {}\n", list(&self.certificates)));
        }
        if self.metadata {
            s.push_str("metadata = \"idp-metadata.xml\"\n");
        }
        if self.accounts {
            s.push_str(&format!(
                "\n[accounts]\nauto_create = {}\nauto_update = {}\nallowed_roles = [\"user\", \"admin\"]\n\
                 role_attribute = \"role\"\n",
                self.auto_create, self.auto_update
            ));
            if let Some(max) = self.max_accounts {
                s.push_str(&format!("max_accounts = {max}\n"));
            }
            for (user, status, role, updatable) in [
                ("alice@example.com", "active", "user", true),
                ("bob@example.com", "locked", "user", true),
                ("erin@example.com", "expired", "user", true),
                ("dave@example.com", "deactivated", "admin", true),
                ("mallory@example.com", "active", "guest", true),
                ("carol@example.com", "active", "user", false),
            ] {
                s.push_str(&format!(
                    "\n[[accounts.users]]\nname_id = {user:?}\nstatus = {status:?}\nrole = {role:?}\n"
                ));
                if !updatable {
                    s.push_str("updatable = false\n");
                }
            }
        }
        s
    }
}

/// IdP metadata with `rsa2048.crt` as its signing certificate.
fn idp_metadata() -> String {
    let der = std::fs::read(keys().join("rsa2048.der")).expect("rsa2048.der");
    format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{IDP}"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>"#,
        base64::engine::general_purpose::STANDARD.encode(der)
    )
}

/// How INPUT carries the response (SPEC §3: detected automatically).
#[derive(Clone, Copy, Debug)]
enum Encoding {
    Xml,
    Base64,
    Form,
}

/// One run of `samlguard validate`: a response, a configuration and the command-line options.
struct Case {
    conf: Conf,
    response: ResponseBuilder,
    encoding: Encoding,
    /// Replaces the built response (for inputs no builder makes).
    raw_input: Option<String>,
    args: Vec<String>,
    /// `--now`.
    now: &'static str,
    /// A text replacement in the written configuration (for settings [`Conf`] does not model).
    toml_replace: Option<(&'static str, &'static str)>,
}

impl Case {
    /// Alice logging in from this IdP, as a base64 POST value.
    fn new(idp: Idp) -> Case {
        Case {
            conf: Conf::for_idp(idp),
            response: response(idp),
            encoding: Encoding::Base64,
            raw_input: None,
            args: Vec::new(),
            now: NOW,
            toml_replace: None,
        }
    }

    /// Changes the response.
    fn response(mut self, change: impl FnOnce(ResponseBuilder) -> ResponseBuilder) -> Case {
        self.response = change(self.response);
        self
    }

    /// Changes the configuration.
    fn conf(mut self, change: impl FnOnce(&mut Conf)) -> Case {
        change(&mut self.conf);
        self
    }

    fn encoding(mut self, encoding: Encoding) -> Case {
        self.encoding = encoding;
        self
    }

    /// Sends these bytes instead of the built response.
    fn raw_input(mut self, input: String) -> Case {
        self.raw_input = Some(input);
        self
    }

    /// Adds command-line options before INPUT.
    fn args(mut self, args: &[&str]) -> Case {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    /// Judges the response at another time.
    fn now(mut self, now: &'static str) -> Case {
        self.now = now;
        self
    }

    /// Replaces `from` (which must occur) with `to` in the written configuration.
    fn toml_replace(mut self, from: &'static str, to: &'static str) -> Case {
        self.toml_replace = Some((from, to));
        self
    }

    fn input(&self) -> String {
        if let Some(raw) = &self.raw_input {
            return raw.clone();
        }
        let r = &self.response;
        match self.encoding {
            Encoding::Xml => r.build(),
            Encoding::Base64 => r.build_base64(),
            Encoding::Form => r.build_form_body("/app/home"),
        }
        .expect("the response signs")
    }

    /// Writes the configuration, its certificates and the input into a temporary folder and runs
    /// `samlguard validate --config sp.toml --now NOW [args] --json response.txt` there. Returns the
    /// output and the configuration text (for failure messages).
    fn run(&self) -> (Output, String) {
        let dir = TempDir::new().expect("temporary folder");
        for c in &self.conf.certificates {
            std::fs::copy(keys().join(c), dir.path().join(c)).expect("certificate copied");
        }
        if self.conf.metadata {
            std::fs::write(dir.path().join("idp-metadata.xml"), idp_metadata()).expect("metadata written");
        }
        let mut toml = self.conf.toml();
        if let Some((from, to)) = self.toml_replace {
            assert!(toml.contains(from), "{from:?} is not in the configuration:\n{toml}");
            toml = toml.replace(from, to);
        }
        std::fs::write(dir.path().join("sp.toml"), &toml).expect("configuration written");
        std::fs::write(dir.path().join("response.txt"), self.input()).expect("input written");
        let output = Command::new(env!("CARGO_BIN_EXE_samlguard"))
            .arg("validate")
            .args(["--config", "sp.toml", "--now", self.now])
            .args(&self.args)
            .args(["--json", "response.txt"])
            .current_dir(dir.path())
            .output()
            .expect("the samlguard binary runs");
        (output, toml)
    }
}

/// stdout as the one JSON object `--json` prints, checked to be nothing else.
fn json_of(output: &Output, context: &str) -> serde_json::Map<String, Value> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "the binary panicked: {stderr}\n{context}");
    assert_eq!(stdout.lines().count(), 1, "one JSON line expected: {stdout:?}\nstderr: {stderr}\n{context}");
    match serde_json::from_str(&stdout) {
        Ok(Value::Object(map)) => map,
        other => panic!("stdout is not one JSON object: {stdout:?} ({other:?})\n{context}"),
    }
}

/// Runs the case and checks the rejection: exit 1, `ok` false, exactly `code` with SPEC §1's
/// description, and a detail that contains every one of `detail_parts`.
fn expect_code(case: Case, code: u8, detail_parts: &[&str]) {
    let (output, toml) = case.run();
    let context = format!("configuration:\n{toml}");
    let json = json_of(&output, &context);
    let mut fields: Vec<&str> = json.keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["code", "description", "detail", "ok"], "{json:?}");
    assert_eq!(json["ok"], Value::Bool(false), "{json:?}\n{context}");
    assert_eq!(json["code"], Value::from(code), "{json:?}\n{context}");
    assert_eq!(json["description"], Value::from(description(code)), "{json:?}");
    let detail = json["detail"].as_str().expect("detail is a string");
    for part in detail_parts {
        assert!(detail.contains(part), "code {code}: the detail does not say {part:?}: {detail}");
    }
    assert!(!detail.contains("PRIVATE KEY"), "the detail never carries key material: {detail}");
    assert_eq!(output.status.code(), Some(1), "exit status of a rejection: {json:?}");
    assert!(output.stderr.is_empty(), "nothing on stderr: {}", String::from_utf8_lossy(&output.stderr));
}

fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}

// ------------------------------------------------------------------------------------------------
// accepted
// ------------------------------------------------------------------------------------------------

/// Runs the case and checks the acceptance: exit 0 and exactly `expected`.
fn expect_accepted(case: Case, expected: &Value) {
    let (output, toml) = case.run();
    let json = json_of(&output, &format!("configuration:\n{toml}"));
    assert_eq!(&Value::Object(json), expected);
    assert_eq!(output.status.code(), Some(0), "exit status of an acceptance");
}

#[test]
fn accepted_okta_login_prints_exactly_the_login() {
    let case = Case::new(Idp::Okta).encoding(Encoding::Form);
    let assertion_id = case.response.get_assertion_id().to_owned();
    expect_accepted(
        case,
        &json!({
            "ok": true,
            "issuer": IDP,
            "name_id": "alice@example.com",
            "name_id_format": EMAIL,
            "session_index": "_session-Okta",
            "assertion_id": assertion_id,
            "attributes": {
                "firstname": ["Alice"],
                "lastname": ["Liddell"],
                "email": ["alice@example.com"],
                "role": ["user"],
            },
        }),
    );
}

#[test]
fn accepted_with_the_idp_metadata_instead_of_certificates() {
    // The metadata code 9's contradictory configuration also names is itself good.
    let case = Case::new(Idp::Okta).conf(|c| {
        c.certificates.clear();
        c.metadata = true;
    });
    let (output, toml) = case.run();
    let json = json_of(&output, &toml);
    assert_eq!(json["ok"], Value::Bool(true), "{json:?}");
    assert_eq!(json["issuer"], Value::from(IDP));
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn accepted_adfs_azure_and_shibboleth_logins_print_exactly_the_login() {
    let adfs = Case::new(Idp::Adfs).encoding(Encoding::Xml);
    let id = adfs.response.get_assertion_id().to_owned();
    expect_accepted(
        adfs,
        &json!({
            "ok": true, "issuer": IDP, "name_id": "alice@example.com", "name_id_format": EMAIL,
            "session_index": "_session-Adfs", "assertion_id": id,
            "attributes": {
                format!("{CLAIMS}upn"): ["alice@example.com"],
                format!("{CLAIMS}emailaddress"): ["alice@example.com"],
                format!("{CLAIMS}givenname"): ["Alice"],
                format!("{CLAIMS}surname"): ["Liddell"],
            },
        }),
    );

    let azure = Case::new(Idp::Azure);
    let id = azure.response.get_assertion_id().to_owned();
    expect_accepted(
        azure,
        &json!({
            "ok": true, "issuer": IDP, "name_id": "alice@example.com", "name_id_format": EMAIL,
            "session_index": "_session-Azure", "assertion_id": id,
            "attributes": {
                "http://schemas.microsoft.com/identity/claims/tenantid": ["7d3a1c9e-0000-4000-8000-000000000001"],
                "http://schemas.microsoft.com/identity/claims/objectidentifier":
                    ["0f7c2a5b-0000-4000-8000-000000000002"],
                format!("{CLAIMS}emailaddress"): ["alice@example.com"],
                format!("{CLAIMS}givenname"): ["Alice"],
                format!("{CLAIMS}surname"): ["Liddell"],
                "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups": ["admins", "users"],
            },
        }),
    );

    // Shibboleth qualifies its transient NameID; here with the site URL, as this SP wants it.
    let shibboleth = Case::new(Idp::Shibboleth)
        .response(|r| r.name_id("AAdzZWNyZXQx-transient-4711").name_qualifiers(Some(SITE), Some(SP)));
    let id = shibboleth.response.get_assertion_id().to_owned();
    expect_accepted(
        shibboleth,
        &json!({
            "ok": true, "issuer": IDP, "name_id": "AAdzZWNyZXQx-transient-4711", "name_id_format": TRANSIENT,
            "session_index": "_session-Shibboleth", "assertion_id": id,
            "attributes": {
                "urn:oid:0.9.2342.19200300.100.1.3": ["alice@example.com"],
                "urn:oid:2.5.4.42": ["Alice"],
                "urn:oid:2.5.4.4": ["Liddell"],
                "urn:oid:1.3.6.1.4.1.5923.1.1.1.9": ["member@example.com", "staff@example.com"],
            },
        }),
    );
}

// ------------------------------------------------------------------------------------------------
// one test per code, in numeric order
// ------------------------------------------------------------------------------------------------

#[test]
fn code_01_idp_status_not_success_or_required_attribute_missing() {
    // The IdP refused the login: its status, sub-status and message are reported.
    let case = Case::new(Idp::Okta).response(|r| {
        r.status(
            "urn:oasis:names:tc:SAML:2.0:status:Responder",
            Some("urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"),
            Some("User is not assigned to this application"),
        )
        .without_assertion()
    });
    expect_code(case, 1, &["status:Responder", "AuthnFailed", "User is not assigned to this application"]);

    // Entra ID without the surname claim the SP requires.
    let surname = format!("{CLAIMS}surname");
    let case = Case::new(Idp::Azure).response(|r| {
        r.attributes(vec![
            attr(&format!("{CLAIMS}emailaddress"), None, &["alice@example.com"]),
            attr(&format!("{CLAIMS}givenname"), None, &["Alice"]),
        ])
    });
    expect_code(case, 1, &[&surname]);
}

#[test]
fn code_02_no_name_id() {
    expect_code(Case::new(Idp::Adfs).response(ResponseBuilder::without_name_id), 2, &["NameID"]);
    // Only whitespace is no name either.
    expect_code(Case::new(Idp::Okta).response(|r| r.name_id(" \n\t ")), 2, &["NameID"]);
}

#[test]
fn code_03_no_account_and_auto_creation_off() {
    let case = Case::new(Idp::Okta).response(|r| r.name_id("zoe@example.com"));
    expect_code(case, 3, &["zoe@example.com", "auto account creation is off"]);
}

#[test]
fn code_04_idp_without_a_signing_certificate() {
    let case = Case::new(Idp::Okta).conf(|c| c.certificates.clear());
    expect_code(case, 4, &["no signing certificate", IDP]);

    // An explicitly empty list.
    let case = Case::new(Idp::Okta)
        .conf(|c| c.certificates.clear())
        .toml_replace("[idp]\n", "[idp]\ncertificates = []\n");
    expect_code(case, 4, &["no signing certificate", IDP]);
}

#[test]
fn code_05_method_other_than_post() {
    let case = Case::new(Idp::Okta).encoding(Encoding::Form).args(&["--method", "GET"]);
    expect_code(case, 5, &["GET", "POST"]);
}

#[test]
fn code_06_incorrect_post_data() {
    // A DOCTYPE in front of an otherwise valid response.
    let xml = response(Idp::Okta).build().expect("signs");
    let with_dtd = format!("<!DOCTYPE Response [<!ENTITY e \"x\">]>{xml}");
    let case = Case::new(Idp::Okta).raw_input(with_dtd);
    expect_code(case, 6, &["DOCTYPE"]);

    // A form body whose SAMLResponse is not base64.
    let case = Case::new(Idp::Okta).raw_input("SAMLResponse=%25%25not*base64%25%25&RelayState=x".into());
    expect_code(case, 6, &["base64"]);
}

#[test]
fn code_07_sso_disabled_for_the_site() {
    let case = Case::new(Idp::Okta).conf(|c| c.sso_enabled = false);
    expect_code(case, 7, &["sso_enabled = false"]);
}

#[test]
fn code_08_signed_with_a_rolled_untrusted_certificate() {
    // ADFS rolled its token-signing certificate (same subject, new key); the SP still trusts the old.
    let case =
        Case::new(Idp::Adfs).response(|r| r.sign_with(key("rsa2048-clone.key"), cert("rsa2048-clone.crt")));
    let rolled = cert("rsa2048-clone.crt").fingerprint_colon();
    expect_code(case, 8, &[&rolled, "samlguard-test-rsa2048"]);
}

#[test]
fn code_09_contradictory_or_misspelt_configuration() {
    let case = Case::new(Idp::Okta).conf(|c| c.metadata = true);
    expect_code(case, 9, &["sp.toml", "both certificates and metadata"]);

    // A misspelt security setting is refused, not ignored.
    let case = Case::new(Idp::Okta).toml_replace("want_assertions_signed", "want_assertion_signed");
    expect_code(case, 9, &["unknown field `want_assertion_signed`"]);

    // A negative clock skew.
    let case = Case::new(Idp::Okta).toml_replace("clock_skew_seconds = 180", "clock_skew_seconds = -5");
    expect_code(case, 9, &["clock_skew_seconds", "-5"]);
}

#[test]
fn code_10_name_qualifier_is_not_the_site_url() {
    // Shibboleth qualifies the NameID with its own entity ID; this SP wants its site URL there.
    expect_code(Case::new(Idp::Shibboleth), 10, &[IDP, SITE]);
}

#[test]
fn code_13_audience_is_another_sp() {
    let case = Case::new(Idp::Azure)
        .response(|r| r.audience_restrictions(vec![vec!["api://7d3a1c9e-other-app".into()]]));
    expect_code(case, 13, &["api://7d3a1c9e-other-app", SP]);

    // Not valid before ten minutes from now (skew 180 s).
    let case = Case::new(Idp::Okta).response(|r| r.not_before(Some(issued() + minutes(10))));
    expect_code(case, 13, &["not valid before 2030-01-01T12:10:00"]);
}

#[test]
fn code_14_destination_is_not_the_acs_url() {
    // A TLS-terminating proxy: the IdP was told the http:// URL.
    let case = Case::new(Idp::Okta).response(|r| r.destination(Some("http://sp.example.com/saml/acs")));
    expect_code(case, 14, &["http://sp.example.com/saml/acs", ACS]);

    // No Destination; the bearer confirmation names the ACS URL with a trailing slash.
    let case = Case::new(Idp::Adfs).response(|r| r.destination(None).recipient(Some(&format!("{ACS}/"))));
    expect_code(case, 14, &["Recipient", &format!("{ACS}/"), "trailing slash"]);
}

#[test]
fn code_15_only_an_expired_certificate_verifies() {
    // The SP trusts the IdP's old certificate for the same key, expired in 2021.
    let case = Case::new(Idp::Okta)
        .conf(|c| c.certificates = vec!["rsa2048-expired.crt"])
        .response(|r| r.sign_with(key("rsa2048.key"), cert("rsa2048-expired.crt")));
    expect_code(case, 15, &["has expired", "samlguard-test-rsa2048"]);
}

#[test]
fn code_16_account_locked() {
    let case = Case::new(Idp::Okta).response(|r| r.name_id("bob@example.com"));
    expect_code(case, 16, &["bob@example.com", "locked"]);
}

#[test]
fn code_17_account_expired() {
    let case = Case::new(Idp::Adfs).response(|r| r.name_id("erin@example.com"));
    expect_code(case, 17, &["erin@example.com", "expired"]);
}

#[test]
fn code_18_account_deactivated() {
    let case = Case::new(Idp::Azure).response(|r| r.name_id("dave@example.com"));
    expect_code(case, 18, &["dave@example.com", "deactivated"]);
}

#[test]
fn code_19_assertion_expired() {
    // The bearer confirmation ran out ten minutes before the response was judged (skew 180 s).
    let case =
        Case::new(Idp::Azure).response(|r| r.confirmation_not_on_or_after(Some(issued() - minutes(10))));
    expect_code(case, 19, &["2030-01-01T11:50:00"]);

    // The Conditions ran out while the confirmation is still good.
    let case = Case::new(Idp::Okta).response(|r| {
        r.confirmation_not_on_or_after(Some(issued() + minutes(120)))
            .not_on_or_after(Some(issued() - minutes(5)))
    });
    expect_code(case, 19, &["Conditions", "2030-01-01T11:55:00"]);

    // A response replayed a day after it was issued.
    let case = Case::new(Idp::Shibboleth).now("2030-01-02T12:00:00Z");
    expect_code(case, 19, &["2030-01-01T12:05:00"]);
}

#[test]
fn code_20_unsigned() {
    let case = Case::new(Idp::Okta).response(|r| r.sign_response(false).sign_assertion(false));
    expect_code(case, 20, &["no ds:Signature"]);

    // The SP wants the assertion signed; Okta was set to sign only the Response.
    let case = Case::new(Idp::Okta)
        .conf(|c| c.want_assertions_signed = true)
        .response(|r| r.sign_response(true).sign_assertion(false));
    expect_code(case, 20, &["want_assertions_signed"]);
}

#[test]
fn code_21_role_not_allowed() {
    // The role the IdP asserts wins over alice's stored "user".
    let case =
        Case::new(Idp::Okta).response(|r| r.attributes(okta_attributes("Alice", "alice", "contractor")));
    expect_code(case, 21, &["\"contractor\"", "\"user\", \"admin\""]);

    // Without a role attribute, the stored role counts.
    let case = Case::new(Idp::Adfs).response(|r| r.name_id("mallory@example.com"));
    expect_code(case, 21, &["mallory@example.com", "\"guest\""]);
}

#[test]
fn code_23_tampered_after_signing() {
    let xml = response(Idp::Okta).build().expect("signs");
    let tampered = xml.replacen(">Liddell<", ">Lidell<", 1);
    assert_ne!(tampered, xml);
    let case = Case::new(Idp::Okta).raw_input(tampered);
    expect_code(case, 23, &["digest"]);
}

#[test]
fn code_24_untrusted_issuer() {
    let case = Case::new(Idp::Adfs).response(|r| r.issuer("http://adfs.example.com/adfs/services/trust"));
    expect_code(case, 24, &["http://adfs.example.com/adfs/services/trust", IDP]);

    // Entra ID names its tenant in the assertion Issuer; the SP has another tenant configured.
    let tenant = "https://sts.windows.net/7d3a1c9e-0000-4000-8000-000000000001/";
    let case = Case::new(Idp::Azure).response(|r| r.response_issuer(None).assertion_issuer(Some(tenant)));
    expect_code(case, 24, &["assertion", tenant, IDP]);
}

#[test]
fn code_25_name_id_format_not_allowed() {
    let case = Case::new(Idp::Azure).response(|r| r.name_id_format(Some(PERSISTENT)));
    expect_code(case, 25, &[PERSISTENT, EMAIL]);
}

#[test]
fn code_28_in_response_to_is_not_an_outstanding_request() {
    let case = Case::new(Idp::Okta)
        .response(|r| r.in_response_to(Some("_req-stale-1")))
        .args(&["--request-id", "_req-current-2"]);
    expect_code(case, 28, &["_req-stale-1", "_req-current-2"]);

    // An unsolicited response where IdP-initiated login is refused.
    let case = Case::new(Idp::Okta).conf(|c| c.allow_idp_initiated = false);
    expect_code(case, 28, &["InResponseTo"]);
}

#[test]
fn code_29_invalid_response_message() {
    let case = Case::new(Idp::Okta).response(|r| r.version("1.1"));
    expect_code(case, 29, &["1.1", "2.0"]);

    // A bare assertion posted where a Response belongs.
    let case = Case::new(Idp::Okta);
    let assertion = case.response.assertion_xml();
    expect_code(case.raw_input(assertion), 29, &["Assertion"]);
}

#[test]
fn code_31_auto_creation_in_a_full_directory() {
    // The directory holds exactly the six listed users; zoe cannot be created.
    let case = Case::new(Idp::Okta).response(|r| r.name_id("zoe@example.com")).conf(|c| {
        c.auto_create = true;
        c.max_accounts = Some(6);
    });
    expect_code(case, 31, &["zoe@example.com", "full"]);
}

#[test]
fn auto_creation_through_the_cli_succeeds_with_room() {
    let case = Case::new(Idp::Okta).response(|r| r.name_id("zoe@example.com")).conf(|c| c.auto_create = true);
    let (output, toml) = case.run();
    let json = json_of(&output, &toml);
    assert_eq!(json["ok"], Value::Bool(true), "{json:?}");
    assert_eq!(json["name_id"], Value::from("zoe@example.com"));
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn code_32_auto_update_of_a_protected_account_changes_its_role() {
    // carol is "user" and may not be updated; the IdP now says "admin".
    let case = Case::new(Idp::Okta)
        .conf(|c| c.auto_update = true)
        .response(|r| r.name_id("carol@example.com").attributes(okta_attributes("Carol", "carol", "admin")));
    expect_code(case, 32, &["carol@example.com", "\"user\"", "\"admin\""]);
}
