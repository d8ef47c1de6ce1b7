//! `samlguard validate`, run for real through the built binary (SPEC §3): the verdict (text and
//! JSON), the exit statuses, every input encoding, the options, the configuration file's errors, and
//! README.md's demo commands with the output the README shows.
//!
//! Responses are made at test time with the testkit (real RSA signatures with `testdata/keys`), issued
//! at a fixed time, and validated with `--now`.
#![cfg(all(feature = "testkit", feature = "cli"))]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use chrono::{DateTime, Duration, Utc};
use samlguard::testkit::{ResponseBuilder, attr};
use samlguard::{Certificate, SigningKey};
use serde_json::Value;
use tempfile::TempDir;

// ------------------------------------------------------------------------------------------------
// helpers
// ------------------------------------------------------------------------------------------------

const IDP: &str = "https://idp.example.com/metadata";
const SP: &str = "https://sp.example.com/saml/metadata";
const ACS: &str = "https://sp.example.com/saml/acs";
const ISSUED: &str = "2030-01-01T12:00:00Z";
/// Thirty seconds after [`ISSUED`]: when the tests validate.
const NOW: &str = "2030-01-01T12:00:30Z";
const EMAIL_FORMAT: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn key_path(name: &str) -> PathBuf {
    repo().join("testdata/keys").join(name)
}

fn issued() -> DateTime<Utc> {
    ISSUED.parse().expect("a valid time")
}

fn key(name: &str) -> SigningKey {
    SigningKey::from_pkcs8_pem(&std::fs::read(key_path(name)).expect("key file")).expect("key")
}

fn cert(name: &str) -> Certificate {
    Certificate::from_pem(&std::fs::read(key_path(name)).expect("cert file")).expect("cert")
}

/// Runs the binary with `args` in the repository, feeding `stdin` (empty when `None`).
fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_samlguard"))
        .args(args)
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the samlguard binary runs");
    {
        let mut input = child.stdin.take().expect("stdin is piped");
        if let Some(bytes) = stdin {
            // The binary may stop reading early (size cap, config error): a broken pipe is fine.
            let _ = input.write_all(bytes);
        }
    }
    child.wait_with_output().expect("the samlguard binary finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn assert_exit(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "exit status\nstdout: {}\nstderr: {}", stdout(o), stderr(o));
    assert!(!stderr(o).contains("panicked"), "the binary panicked: {}", stderr(o));
}

/// stdout as the one JSON object `--json` prints.
fn parse_json(o: &Output) -> serde_json::Map<String, Value> {
    let out = stdout(o);
    assert!(out.ends_with('\n') && out.lines().count() == 1, "one JSON line expected, got {out:?}");
    match serde_json::from_str::<Value>(&out) {
        Ok(Value::Object(map)) => map,
        other => panic!("stdout is not one JSON object: {out:?} ({other:?})"),
    }
}

/// Asserts a rejection as `--json` reports it (exit 1, the four keys) and returns the detail.
fn assert_rejected_json(o: &Output, code: u8, description: &str) -> String {
    assert_exit(o, 1);
    let json = parse_json(o);
    let keys: Vec<&str> = json.keys().map(String::as_str).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ["code", "description", "detail", "ok"], "{json:?}");
    assert_eq!(json["ok"], Value::Bool(false), "{json:?}");
    assert_eq!(json["code"], Value::from(code), "{json:?}");
    assert_eq!(json["description"], Value::String(description.into()), "{json:?}");
    let detail = json["detail"].as_str().expect("detail is a string").to_owned();
    assert!(!detail.is_empty());
    assert_eq!(stderr(o), "", "nothing on stderr for a rejection");
    detail
}

/// The colon-separated SHA-256 fingerprint of a key fixture, as `fingerprints.txt` records it.
fn fingerprint_colon(cert_file: &str) -> String {
    let text = std::fs::read_to_string(key_path("fingerprints.txt")).expect("fingerprints.txt");
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let mut fields = l.split_whitespace();
            (fields.next() == Some(cert_file)).then(|| fields.next().map(str::to_owned)).flatten()
        })
        .unwrap_or_else(|| panic!("{cert_file} is not in fingerprints.txt"))
}

/// A folder with the IdP certificate (`idp.pem`, a copy of `rsa2048.crt`) and configuration files.
struct Fixture {
    dir: TempDir,
    configs: std::cell::Cell<usize>,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = TempDir::new().expect("temporary folder");
        std::fs::copy(key_path("rsa2048.crt"), dir.path().join("idp.pem")).expect("certificate copied");
        Fixture { dir, configs: std::cell::Cell::new(0) }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("fixture written");
        path.to_str().expect("UTF-8 path").to_owned()
    }

    /// A new configuration file: the SP with `sp_extra` lines added to `[sp]`, then the IdP trusting
    /// `idp.pem`, then `rest`.
    fn config_with(&self, sp_extra: &str, rest: &str) -> String {
        self.configs.set(self.configs.get() + 1);
        self.write(
            &format!("sp-{}.toml", self.configs.get()),
            format!(
                "[sp]\nentity_id = \"{SP}\"\nacs_url = \"{ACS}\"\n{sp_extra}\n\n\
                 [idp]\nentity_id = \"{IDP}\"\ncertificates = [\"idp.pem\"]\n\n{rest}\n"
            ),
        )
    }

    fn config(&self) -> String {
        self.config_with("", "")
    }
}

/// An Okta-shaped response for alice, signed (Response and Assertion) with the trusted key.
fn okta() -> ResponseBuilder {
    ResponseBuilder::okta(IDP, SP, ACS, issued())
        .session_index(Some("_session-4711"))
        .sign_with(key("rsa2048.key"), cert("rsa2048.crt"))
}

/// `samlguard validate --config CONFIG --now NOW [extra...] INPUT`.
fn validate(config: &str, extra: &[&str], input: &str, stdin: Option<&[u8]>) -> Output {
    let mut args = vec!["validate", "--config", config, "--now", NOW];
    args.extend_from_slice(extra);
    args.push(input);
    run(&args, stdin)
}

fn b64(b: &ResponseBuilder) -> String {
    b.build_base64().expect("the response signs")
}

// ------------------------------------------------------------------------------------------------
// accepted
// ------------------------------------------------------------------------------------------------

#[test]
fn accepted_json_is_exactly_the_contract_object() {
    let f = Fixture::new();
    let b = okta();
    let input = f.write("response.b64", b64(&b));
    let o = validate(&f.config(), &["--json"], &input, None);
    assert_exit(&o, 0);
    // The exact text, key order included (SPEC §3).
    let expected = format!(
        "{{\"ok\": true, \"issuer\": \"{IDP}\", \"name_id\": \"alice@example.com\", \
         \"name_id_format\": \"{EMAIL_FORMAT}\", \"session_index\": \"_session-4711\", \
         \"assertion_id\": \"{}\", \"attributes\": {{\"firstname\": [\"Alice\"], \"lastname\": [\"Liddell\"], \
         \"email\": [\"alice@example.com\"]}}}}\n",
        b.get_assertion_id()
    );
    assert_eq!(stdout(&o), expected);
    assert_eq!(parse_json(&o).len(), 7);
    assert_eq!(stderr(&o), "");
}

#[test]
fn accepted_json_session_index_null_attributes_by_name_with_merged_values_and_escaping() {
    let f = Fixture::new();
    let b = okta().session_index(None).name_id("o'brien+\"quoted\"@example.com").attributes(vec![
        attr("groups", Some("Groups"), &["admins", "users"]),
        attr("urn:oid:2.5.4.42", Some("givenName"), &["Ann \\ \"Nan\""]),
        attr("groups", None, &["staff"]),
        attr("empty", None, &[]),
    ]);
    let input = f.write("response.b64", b64(&b));
    let o = validate(&f.config(), &["--json"], &input, None);
    assert_exit(&o, 0);
    let json = parse_json(&o);
    assert_eq!(json["session_index"], Value::Null);
    assert_eq!(json["name_id"], Value::String("o'brien+\"quoted\"@example.com".into()));
    let attributes = json["attributes"].as_object().expect("attributes is an object");
    assert_eq!(attributes.len(), 3, "{attributes:?}");
    assert_eq!(attributes["groups"], serde_json::json!(["admins", "users", "staff"]));
    assert_eq!(attributes["urn:oid:2.5.4.42"], serde_json::json!(["Ann \\ \"Nan\""]));
    assert_eq!(attributes["empty"], serde_json::json!([]));
    assert!(stdout(&o).contains(r#""session_index": null, "assertion_id": "#), "{}", stdout(&o));
}

#[test]
fn accepted_text_shows_user_issuer_session_window_certificate_signatures_and_attributes() {
    let f = Fixture::new();
    let input = f.write("response.b64", b64(&okta()));
    let o = validate(&f.config(), &[], &input, None);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.starts_with("login ACCEPTED for alice@example.com\n"), "{out}");
    for expected in [
        "  user               alice@example.com\n",
        &format!("    NameID format    {EMAIL_FORMAT}\n"),
        &format!("  issuer             {IDP}\n"),
        "  session index      _session-4711\n",
        "  authenticated at   2030-01-01T11:59:58Z\n",
        "  valid              2030-01-01T11:59:55Z to 2030-01-01T13:00:00Z (judged at 2030-01-01T12:00:30Z)\n",
        "  session ends       2030-01-01T20:00:00Z\n",
        "  verified by        CN=samlguard-test-rsa2048, O=samlguard tests, C=US\n",
        &format!("    SHA-256          {}\n", fingerprint_colon("rsa2048.crt")),
        "    valid until      2036-01-01T00:00:00Z\n",
        "  signatures         Response signed, Assertion signed\n",
        "  in response to     (none: IdP-initiated login)\n",
        "  account            not checked (the configuration has no [accounts])\n",
        "  attributes         3\n",
        "    firstname = Alice\n    lastname = Liddell\n    email = alice@example.com\n",
    ] {
        assert!(out.contains(expected), "{expected:?} missing from:\n{out}");
    }
    assert_eq!(stderr(&o), "");
}

#[test]
fn accepted_text_shows_friendly_names_qualifiers_and_an_assertion_only_signature() {
    let f = Fixture::new();
    // Shibboleth: transient NameID with qualifiers, urn:oid attributes with FriendlyName; only the
    // assertion signed.
    let b = ResponseBuilder::shibboleth(IDP, SP, ACS, issued())
        .sign_with(key("rsa2048.key"), cert("rsa2048.crt"));
    let input = f.write("response.xml", b.build().expect("signs"));
    let o = validate(&f.config(), &[], &input, None);
    assert_exit(&o, 0);
    let out = stdout(&o);
    for expected in [
        "    NameID format    urn:oasis:names:tc:SAML:2.0:nameid-format:transient\n",
        &format!("    NameQualifier    {IDP}\n"),
        &format!("    SPNameQualifier  {SP}\n"),
        "  signatures         Response not signed, Assertion signed\n",
        "    urn:oid:0.9.2342.19200300.100.1.3 (mail) = alice@example.com\n",
        "    urn:oid:1.3.6.1.4.1.5923.1.1.1.9 (eduPersonScopedAffiliation) = member@example.com, staff@example.com\n",
    ] {
        assert!(out.contains(expected), "{expected:?} missing from:\n{out}");
    }
}

// ------------------------------------------------------------------------------------------------
// rejected
// ------------------------------------------------------------------------------------------------

/// The Response Destination says http:// where the SP is https:// (a TLS-terminating proxy).
fn behind_a_proxy() -> ResponseBuilder {
    okta().destination(Some("http://sp.example.com/saml/acs"))
}

#[test]
fn rejected_json_has_code_description_and_detail() {
    let f = Fixture::new();
    let input = f.write("response.b64", b64(&behind_a_proxy()));
    let o = validate(&f.config(), &["--json"], &input, None);
    let detail = assert_rejected_json(&o, 14, "Recipient does not match webex.com");
    for expected in [
        "[response] the Response Destination is \"http://sp.example.com/saml/acs\"",
        "the scheme differs (http vs https)",
        "proxy or load balancer",
        "expected https://sp.example.com/saml/acs",
    ] {
        assert!(detail.contains(expected), "{expected:?} missing from {detail:?}");
    }
}

#[test]
fn rejected_text_shows_code_user_message_and_found_expected_fix() {
    let f = Fixture::new();
    let input = f.write("response.b64", b64(&okta().response_issuer(Some("https://evil.example.net"))));
    let o = validate(&f.config(), &[], &input, None);
    assert_exit(&o, 1);
    let out = stdout(&o);
    assert!(out.starts_with("login REJECTED: code 24, Untrusted Issuer\n"), "{out}");
    for expected in [
        "  user sees          Untrusted Issuer. Contact your administrator for further support.\n",
        "  stage              response\n",
        "  found              the Response Issuer is \"https://evil.example.net\"\n",
        &format!("  expected           {IDP}\n"),
        "  fix                the response comes from another IdP",
    ] {
        assert!(out.contains(expected), "{expected:?} missing from:\n{out}");
    }
    assert_eq!(stderr(&o), "", "the verdict is on stdout");
}

#[test]
fn a_signature_by_an_untrusted_rolled_key_is_8_naming_the_new_certificate() {
    let f = Fixture::new();
    let b = okta().sign_with(key("rsa2048-clone.key"), cert("rsa2048-clone.crt"));
    let input = f.write("response.b64", b64(&b));
    let o = validate(&f.config(), &["--json"], &input, None);
    let detail = assert_rejected_json(&o, 8, "Incorrect X.509 certificate to validate SAML assertion");
    assert!(detail.contains(&fingerprint_colon("rsa2048-clone.crt")), "{detail}");
    assert!(detail.contains("rolled its signing certificate"), "{detail}");
}

// ------------------------------------------------------------------------------------------------
// options
// ------------------------------------------------------------------------------------------------

#[test]
fn request_id_matching_in_response_to_is_accepted_and_a_mismatch_is_28() {
    let f = Fixture::new();
    let input = f.write("response.b64", b64(&okta().in_response_to(Some("_req-42"))));
    let config = f.config();

    let o = validate(&config, &["--json", "--request-id", "_req-42"], &input, None);
    assert_exit(&o, 0);
    let o = validate(&config, &["--json", "--request-id", "_req-1", "--request-id", "_req-42"], &input, None);
    assert_exit(&o, 0);

    let o = validate(&config, &["--json", "--request-id", "_req-43"], &input, None);
    let detail = assert_rejected_json(&o, 28, "InResponseTo does not match the request ID");
    assert!(detail.contains("\"_req-42\""), "{detail}");
    assert!(detail.contains("_req-43"), "{detail}");
}

#[test]
fn an_unsolicited_response_is_28_when_idp_initiated_login_is_refused() {
    let f = Fixture::new();
    let input = f.write("response.b64", b64(&okta()));
    let config = f.config_with("allow_idp_initiated = false", "");
    let o = validate(&config, &["--json", "--request-id", "_req-42"], &input, None);
    assert_rejected_json(&o, 28, "InResponseTo does not match the request ID");
}

#[test]
fn method_get_is_5_and_the_method_is_compared_case_insensitively() {
    let f = Fixture::new();
    let input = f.write("response.b64", b64(&okta()));
    let config = f.config();
    let o = validate(&config, &["--json", "--method", "GET"], &input, None);
    let detail = assert_rejected_json(&o, 5, "Only POST request is supported");
    assert!(detail.contains("HTTP GET"), "{detail}");
    let o = validate(&config, &["--json", "--method", "post"], &input, None);
    assert_exit(&o, 0);
}

#[test]
fn now_past_the_bearer_expiry_plus_skew_is_19() {
    let f = Fixture::new();
    let input = f.write("response.b64", b64(&okta()));
    let config = f.config();
    // The bearer confirmation ends 5 minutes after issue; the default skew is 180 s.
    let at = |d: Duration| (issued() + d).to_rfc3339();
    let just_in_time = at(Duration::seconds(8 * 60 - 1));
    let o = run(&["validate", "--json", "--config", &config, "--now", &just_in_time, &input], None);
    assert_exit(&o, 0);
    let too_late = at(Duration::minutes(8));
    let o = run(&["validate", "--json", "--config", &config, "--now", &too_late, &input], None);
    let detail = assert_rejected_json(&o, 19, "SAML assertion is expired");
    assert!(detail.contains("NotOnOrAfter"), "{detail}");
    // An offset other than Z is accepted by --now and converted.
    let o =
        run(&["validate", "--json", "--config", &config, "--now", "2030-01-01T13:00:30+01:00", &input], None);
    assert_exit(&o, 0);
}

#[test]
fn without_now_the_system_clock_judges() {
    // Issued in 2030: before then it is in the future (29), afterwards long expired (19).
    let f = Fixture::new();
    let input = f.write("response.b64", b64(&okta()));
    let o = run(&["validate", "--json", "--config", &f.config(), &input], None);
    assert_exit(&o, 1);
    let code = parse_json(&o)["code"].as_u64();
    let expected = if Utc::now() < issued() { 29 } else { 19 };
    assert_eq!(code, Some(expected), "{}", stdout(&o));
}

// ------------------------------------------------------------------------------------------------
// input encodings
// ------------------------------------------------------------------------------------------------

#[test]
fn input_may_be_raw_xml_base64_wrapped_base64_or_a_form_body_from_a_file_or_stdin() {
    let f = Fixture::new();
    let config = f.config();
    let b = okta();
    let xml = b.build().expect("signs");
    let base64 = b64(&b);
    let wrapped: String = base64
        .as_bytes()
        .chunks(76)
        .map(|c| format!("{}\r\n", std::str::from_utf8(c).expect("ASCII")))
        .collect();
    let form = b.build_form_body("https://sp.example.com/inbox?folder=1&x=y").expect("signs");
    assert!(form.contains("&RelayState="), "{form}");
    let with_declaration = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{xml}\n");
    for (name, content) in [
        ("raw.xml", xml.as_str()),
        ("declared.xml", with_declaration.as_str()),
        ("response.b64", base64.as_str()),
        ("wrapped.b64", wrapped.as_str()),
        ("body.txt", form.as_str()),
    ] {
        let input = f.write(name, content);
        let o = validate(&config, &["--json"], &input, None);
        assert_exit(&o, 0);
        assert_eq!(parse_json(&o)["assertion_id"], Value::String(b.get_assertion_id().into()), "{name}");
        let o = validate(&config, &["--json"], "-", Some(content.as_bytes()));
        assert_exit(&o, 0);
        assert_eq!(parse_json(&o)["name_id"], Value::String("alice@example.com".into()), "stdin {name}");
    }
}

#[test]
fn unusable_input_content_is_6() {
    let f = Fixture::new();
    let config = f.config();
    for content in [
        &b""[..],
        b"   \n",
        b"not base64 at all!",
        b"SAMLResponse=&RelayState=x",
        b"PHNhbWxwOlJlc3BvbnNl", // base64 of a truncated "<samlp:Response"
        b"<samlp:Response",
        b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>",
        &[0xff, 0xfe, 0x00, 0x3c],
    ] {
        let o = validate(&config, &["--json"], "-", Some(content));
        assert_rejected_json(&o, 6, "Incorrect SAML SSO POST data");
    }
}

#[test]
fn input_over_the_size_limit_is_6_and_earlier_stages_still_win() {
    let f = Fixture::new();
    let config = f.config_with("max_response_bytes = 4000", "");
    // The signed response (about 6.5 kB) is over 4000 bytes, in every encoding.
    let b = okta();
    for content in [b.build().expect("signs"), b64(&b)] {
        let o = validate(&config, &["--json"], "-", Some(content.as_bytes()));
        let detail = assert_rejected_json(&o, 6, "Incorrect SAML SSO POST data");
        assert!(detail.contains("over the limit of 4000"), "{detail}");
    }
    // Far beyond the limit: reading stops at 2 × 4000 + 4096 bytes.
    let huge = vec![b'A'; 1 << 20];
    let o = validate(&config, &["--json"], "-", Some(&huge));
    let detail = assert_rejected_json(&o, 6, "Incorrect SAML SSO POST data");
    assert!(detail.contains("standard input is larger than 12096 bytes"), "{detail}");
    assert!(detail.contains("max_response_bytes = 4000"), "{detail}");
    // A response within the limit followed by more whitespace than is read: the part read would be
    // accepted, but the input as a whole is over the limit.
    let mut padded = b.build().expect("signs").into_bytes();
    padded.extend(std::iter::repeat_n(b' ', 1 << 16));
    let o = validate(&f.config(), &["--json"], "-", Some(&padded));
    assert_exit(&o, 0);
    let roomy =
        f.write("roomy.toml", std::fs::read_to_string(&config).expect("config").replace("4000", "16384"));
    let o = validate(&roomy, &["--json"], "-", Some(&padded));
    let detail = assert_rejected_json(&o, 6, "Incorrect SAML SSO POST data");
    assert!(detail.contains("standard input is larger than 36864 bytes"), "{detail}");
    // The method is checked before the body is looked at.
    let o = validate(&config, &["--json", "--method", "PUT"], "-", Some(&huge));
    assert_rejected_json(&o, 5, "Only POST request is supported");
}

// ------------------------------------------------------------------------------------------------
// configuration
// ------------------------------------------------------------------------------------------------

#[test]
fn a_bad_or_missing_config_file_is_code_9_json_with_exit_1() {
    let f = Fixture::new();
    let input = f.write("response.b64", b64(&okta()));
    let idp = format!("[idp]\nentity_id = \"{IDP}\"\ncertificates = [\"idp.pem\"]\n");
    let sp = format!("[sp]\nentity_id = \"{SP}\"\nacs_url = \"{ACS}\"\n");
    let cases: Vec<(&str, String, &str)> = vec![
        ("not TOML", "[sp\nentity_id = ".to_owned(), "is not a valid samlguard configuration"),
        ("unknown key", format!("{sp}want_assertion_signed = true\n{idp}"), "want_assertion_signed"),
        ("no [idp]", sp.clone(), "has no [idp] table"),
        ("negative skew", format!("{sp}clock_skew_seconds = -5\n{idp}"), "negative"),
        (
            "certificates and metadata",
            format!("{sp}[idp]\nentity_id = \"{IDP}\"\ncertificates = [\"idp.pem\"]\nmetadata = \"m.xml\"\n"),
            "both certificates and metadata",
        ),
        (
            "missing certificate file",
            format!("{sp}[idp]\nentity_id = \"{IDP}\"\ncertificates = [\"nope.pem\"]\n"),
            "nope.pem",
        ),
        (
            "relative ACS URL",
            format!("[sp]\nentity_id = \"{SP}\"\nacs_url = \"/saml/acs\"\n{idp}"),
            "acs_url",
        ),
    ];
    for (what, text, needle) in cases {
        let config = f.write("bad.toml", text);
        let o = validate(&config, &["--json"], &input, None);
        let detail = assert_rejected_json(&o, 9, "Loading configuration error");
        assert!(detail.starts_with("[config] "), "{what}: {detail}");
        assert!(detail.contains(needle), "{what}: {needle:?} missing from {detail:?}");
    }
    // A configuration file that does not exist is code 9 too, not a usage error.
    let missing = f.path("missing.toml");
    let o = validate(missing.to_str().expect("UTF-8"), &["--json"], &input, None);
    let detail = assert_rejected_json(&o, 9, "Loading configuration error");
    assert!(detail.contains("missing.toml: cannot be read"), "{detail}");
    // And in text.
    let o = validate(missing.to_str().expect("UTF-8"), &[], &input, None);
    assert_exit(&o, 1);
    assert!(
        stdout(&o).starts_with("login REJECTED: code 9, Loading configuration error\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn an_idp_without_certificates_is_4_and_sso_disabled_is_7() {
    let f = Fixture::new();
    let input = f.write("response.b64", b64(&okta()));
    let config =
        f.write("no-certs.toml", format!("[sp]\nentity_id = \"{SP}\"\nacs_url = \"{ACS}\"\n[idp]\nentity_id = \"{IDP}\"\ncertificates = []\n"));
    let detail = assert_rejected_json(
        &validate(&config, &["--json"], &input, None),
        4,
        "No X.509 certificate found in the system",
    );
    assert!(detail.contains(IDP), "{detail}");
    let config = f.config_with("sso_enabled = false", "");
    assert_rejected_json(
        &validate(&config, &["--json"], &input, None),
        7,
        "The site is not allowed to use SSO",
    );
}

#[test]
fn idp_metadata_in_the_config_supplies_issuer_and_certificates() {
    let f = Fixture::new();
    let der_b64 = {
        let pem = std::fs::read_to_string(key_path("rsa2048.crt")).expect("cert");
        pem.lines().filter(|l| !l.starts_with("-----")).collect::<String>()
    };
    f.write(
        "idp-metadata.xml",
        format!(
            r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{IDP}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{der_b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"#
        ),
    );
    let config = f.write(
        "meta.toml",
        format!("[sp]\nentity_id = \"{SP}\"\nacs_url = \"{ACS}\"\n[idp]\nmetadata = \"idp-metadata.xml\"\n"),
    );
    let input = f.write("response.b64", b64(&okta()));
    assert_exit(&validate(&config, &["--json"], &input, None), 0);
}

#[test]
fn account_checks_from_the_config_file() {
    let f = Fixture::new();
    let config = f.config_with(
        "",
        "[accounts]\nallowed_roles = [\"user\"]\n\
         [[accounts.users]]\nname_id = \"alice@example.com\"\nrole = \"user\"\n\
         [[accounts.users]]\nname_id = \"bob@example.com\"\nstatus = \"locked\"\nrole = \"user\"\n\
         [[accounts.users]]\nname_id = \"erin@example.com\"\nstatus = \"expired\"\nrole = \"user\"\n\
         [[accounts.users]]\nname_id = \"dave@example.com\"\nrole = \"contractor\"\n",
    );
    let o = validate(&config, &[], &f.write("alice.b64", b64(&okta())), None);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains("  account            alice@example.com (active, role user)\n"),
        "{}",
        stdout(&o)
    );
    for (user, code, description) in [
        ("bob@example.com", 16, "User account is locked"),
        ("erin@example.com", 17, "User account is expired"),
        ("dave@example.com", 21, "User role is not allowed to login"),
        ("zoe@example.com", 3, "No user account found in the system"),
    ] {
        let input = f.write("user.b64", b64(&okta().name_id(user)));
        let detail = assert_rejected_json(&validate(&config, &["--json"], &input, None), code, description);
        assert!(detail.contains(user), "{detail}");
    }
}

// ------------------------------------------------------------------------------------------------
// usage errors
// ------------------------------------------------------------------------------------------------

#[test]
fn usage_errors_exit_2_with_nothing_on_stdout() {
    let f = Fixture::new();
    let config = f.config();
    let input = f.write("response.b64", b64(&okta()));
    let missing = f.path("nope.b64");
    let missing = missing.to_str().expect("UTF-8");
    let folder = f.dir.path().to_str().expect("UTF-8");
    let cases: Vec<Vec<&str>> = vec![
        vec!["validate", &input],
        vec!["validate", "--config", &config],
        vec!["validate", "--config", &config, "--now", "yesterday", &input],
        vec!["validate", "--config", &config, "--now", "2030-01-01 12:00:00", &input],
        vec!["validate", "--config", &config, "--now", "2030-13-01T00:00:00Z", &input],
        vec!["validate", "--config", &config, "--bogus", &input],
        vec!["validate", "--config", &config, &input, "extra"],
        vec!["validate", "--json", "--config", &config, missing],
        vec!["validate", "--json", "--config", &config, folder],
    ];
    for args in cases {
        let o = run(&args, None);
        assert_exit(&o, 2);
        assert_eq!(stdout(&o), "", "{args:?}");
        assert!(!stderr(&o).is_empty(), "{args:?}");
    }
    let o = run(&["validate", "--config", &config, "--now", "yesterday", &input], None);
    assert!(stderr(&o).contains("RFC 3339"), "{}", stderr(&o));
    // An unreadable INPUT is a usage error even when the configuration is bad as well.
    let o = run(&["validate", "--json", "--config", "/nonexistent/sp.toml", missing], None);
    assert_exit(&o, 2);
    assert!(stderr(&o).starts_with(&format!("samlguard: cannot read INPUT: {missing}: ")), "{}", stderr(&o));
    let o = run(&["validate", "--json", "--config", &config, folder], None);
    assert!(stderr(&o).starts_with("samlguard: cannot read INPUT: "), "{}", stderr(&o));
}

#[test]
fn help_exits_0_and_documents_the_options() {
    let o = run(&["validate", "--help"], None);
    assert_exit(&o, 0);
    let out = stdout(&o);
    for option in ["--config", "--now", "--request-id", "--method", "--json", "INPUT"] {
        assert!(out.contains(option), "{option} missing from:\n{out}");
    }
}

// ------------------------------------------------------------------------------------------------
// README.md and the demo data
// ------------------------------------------------------------------------------------------------

/// The README's `cargo run --release -- validate ...` commands, each with the ```text block that
/// follows it (the output the README shows).
fn readme_demo_commands() -> Vec<(String, Vec<String>, String)> {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let lines: Vec<&str> = readme.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.strip_prefix("cargo run --release -- validate ") else { continue };
        let args: Vec<String> =
            std::iter::once("validate").chain(rest.split_whitespace()).map(str::to_owned).collect();
        let start = lines[i..].iter().position(|l| *l == "```text").map(|p| i + p + 1).expect("output block");
        let end = lines[start..].iter().position(|l| *l == "```").map(|p| start + p).expect("block end");
        let mut shown = lines[start..end].join("\n");
        shown.push('\n');
        found.push((line.to_string(), args, shown));
    }
    found
}

#[test]
fn readme_first_screen_has_exactly_two_setup_commands() {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let block = readme.split("```sh\n").nth(1).expect("a sh block").split("```").next().expect("closed");
    let commands: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(commands.len(), 2, "{commands:?}");
    assert_eq!(
        commands[0],
        "cargo run --release -- validate --config testdata/demo/sp.toml --now 2030-01-01T12:00:30Z testdata/demo/response-accepted.b64"
    );
    assert!(commands[1].starts_with("./scripts/test"), "{commands:?}");
}

#[test]
fn readme_demo_commands_print_what_the_readme_shows() {
    let demos = readme_demo_commands();
    assert_eq!(demos.len(), 2, "the accepted and the rejected demo: {demos:?}");
    for (n, (line, args, shown)) in demos.iter().enumerate() {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&args, None);
        assert_exit(&o, if n == 0 { 0 } else { 1 });
        assert_eq!(
            stdout(&o),
            *shown,
            "README.md shows other output for `{line}`: update the README (or the code)"
        );
        // The same in JSON.
        let mut json_args = args.clone();
        json_args.insert(1, "--json");
        let o = run(&json_args, None);
        let json = parse_json(&o);
        if n == 0 {
            assert_exit(&o, 0);
            assert_eq!(json["name_id"], Value::String("alice@example.com".into()));
            assert_eq!(json["issuer"], Value::String("http://www.okta.com/exk8d2f4h6j8l0n2p4r6".into()));
        } else {
            let detail =
                assert_rejected_json(&o, 8, "Incorrect X.509 certificate to validate SAML assertion");
            assert!(detail.contains("rolled its signing certificate"), "{detail}");
        }
    }
}

#[test]
fn the_demo_config_rejects_its_other_users_as_its_comments_say() {
    let demo = repo().join("testdata/demo");
    let config = demo.join("sp.toml");
    let config = config.to_str().expect("UTF-8");
    let okta = |user: &str| {
        ResponseBuilder::okta("http://www.okta.com/exk8d2f4h6j8l0n2p4r6", SP, ACS, issued())
            .name_id(user)
            .sign_with(key("rsa2048.key"), cert("rsa2048.crt"))
    };
    for (user, code) in [
        ("alice@example.com", 0),
        ("bob@example.com", 16),
        ("carol@example.com", 18),
        ("dave@example.com", 21),
        ("mallory@example.com", 3),
    ] {
        let o = validate(config, &["--json"], "-", Some(b64(&okta(user)).as_bytes()));
        if code == 0 {
            assert_exit(&o, 0);
        } else {
            assert_exit(&o, 1);
            assert_eq!(parse_json(&o)["code"].as_u64(), Some(code), "{user}: {}", stdout(&o));
        }
    }
    // The demo SP requires the assertion's own signature: a Response-only signature is 20.
    let response_only = okta("alice@example.com").sign_assertion(false).sign_response(true);
    let o = validate(config, &["--json"], "-", Some(b64(&response_only).as_bytes()));
    assert_rejected_json(&o, 20, "SAML assertion is unsigned");
}
