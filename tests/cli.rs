//! The `samlguard` binary, run for real: `dsig verify` and `c14n` as SPEC §3 defines them.
//!
//! Signed fixtures are made at test time with the library's `Signer` in a temporary folder. The
//! canonical bytes expected from `c14n` are written out here and, for whole documents, also compared
//! with libxml2's `xmllint` (Debian package libxml2-utils), which must be installed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use samlguard::{Certificate, DigestAlgorithm, Signer, SigningKey};
use serde_json::Value;
use tempfile::TempDir;

// ------------------------------------------------------------------------------------------------
// helpers
// ------------------------------------------------------------------------------------------------

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn key_path(name: &str) -> PathBuf {
    repo().join("testdata/keys").join(name)
}

/// Runs the binary with `args`, feeding `stdin` (empty when `None`).
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
            input.write_all(bytes).expect("stdin accepts the input");
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

/// The fingerprint as `--json` prints it: lowercase hex without separators.
fn fingerprint_hex(cert_file: &str) -> String {
    fingerprint_colon(cert_file).replace(':', "").to_lowercase()
}

fn parse_json(o: &Output) -> serde_json::Map<String, Value> {
    let out = stdout(o);
    assert!(out.ends_with('\n') && out.lines().count() == 1, "one JSON line expected, got {out:?}");
    match serde_json::from_str::<Value>(&out) {
        Ok(Value::Object(map)) => map,
        other => panic!("stdout is not one JSON object: {out:?} ({other:?})"),
    }
}

const RESPONSE_ID: &str = "_resp-7f3a9c";
const NAME_ID: &str = "alice@example.com";

/// A small SAML response: the Response is signed, so the signed content includes the NameID.
fn response_xml() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{RESPONSE_ID}" Version="2.0" IssueInstant="2026-03-02T09:14:07Z">
  <saml:Issuer>https://idp.example.com/metadata</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
  <saml:Assertion ID="_assert-1" Version="2.0" IssueInstant="2026-03-02T09:14:07Z">
    <saml:Issuer>https://idp.example.com/metadata</saml:Issuer>
    <saml:Subject><saml:NameID>{NAME_ID}</saml:NameID></saml:Subject>
  </saml:Assertion>
</samlp:Response>
"#
    )
}

fn signer(key: &str, cert: &str) -> Signer {
    let key = SigningKey::from_pkcs8_pem(&std::fs::read(key_path(key)).expect("key file")).expect("key");
    let cert = Certificate::from_pem(&std::fs::read(key_path(cert)).expect("cert file")).expect("cert");
    Signer::new(key, cert)
}

/// Signs the response with `signer` and writes it into `dir`; returns the path.
fn signed_response(dir: &TempDir, name: &str, signer: &Signer) -> (PathBuf, String) {
    let signed = signer.sign_enveloped(&response_xml(), RESPONSE_ID).expect("the fixture signs");
    let path = dir.path().join(name);
    std::fs::write(&path, &signed).expect("fixture written");
    (path, signed)
}

/// The signed response with one byte of the signed NameID changed (`alice` → `alicf`).
fn tampered_response(dir: &TempDir) -> PathBuf {
    let (_, signed) = signed_response(dir, "signed.xml", &signer("rsa2048.key", "rsa2048.crt"));
    let mut bytes = signed.into_bytes();
    let at =
        find(&bytes, format!(">{NAME_ID}<").as_bytes()).expect("NameID in the fixture") + "alic".len() + 1;
    assert_eq!(bytes[at], b'e');
    bytes[at] = b'f';
    let path = dir.path().join("tampered.xml");
    std::fs::write(&path, &bytes).expect("fixture written");
    path
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn cert(name: &str) -> String {
    key_path(name).to_str().expect("UTF-8 path").to_owned()
}

// ------------------------------------------------------------------------------------------------
// dsig verify
// ------------------------------------------------------------------------------------------------

#[test]
fn verify_ok_prints_signed_element_algorithms_and_certificate() {
    let dir = TempDir::new().unwrap();
    let (path, _) = signed_response(&dir, "signed.xml", &signer("rsa2048.key", "rsa2048.crt"));
    let o = run(&["dsig", "verify", "--cert", &cert("rsa2048.crt"), s(&path)], None);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(
        out.starts_with(&format!(
            "signature verified: it covers samlp:Response ID=\"{RESPONSE_ID}\" (line 2, column 1)\n"
        )),
        "{out}"
    );
    for expected in [
        "signature algorithm  http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\n",
        "digest algorithm     http://www.w3.org/2001/04/xmlenc#sha256\n",
        "canonicalization     http://www.w3.org/2001/10/xml-exc-c14n#\n",
        "certificate          CN=samlguard-test-rsa2048, O=samlguard tests, C=US\n",
        &format!("SHA-256            {}\n", fingerprint_colon("rsa2048.crt")),
        "validity           2024-01-01T00:00:00Z to 2036-01-01T00:00:00Z (",
        "(certificate 1 of 1)\n",
    ] {
        assert!(out.contains(expected), "{expected:?} missing from:\n{out}");
    }
    assert_eq!(stderr(&o), "");
}

#[test]
fn verify_ok_json_has_exactly_the_contract_fields() {
    let dir = TempDir::new().unwrap();
    let (path, _) = signed_response(&dir, "signed.xml", &signer("rsa2048.key", "rsa2048.crt"));
    let o = run(&["dsig", "verify", "--json", "--cert", &cert("rsa2048.crt"), s(&path)], None);
    assert_exit(&o, 0);
    let json = parse_json(&o);
    assert_eq!(json.len(), 3, "{json:?}");
    assert_eq!(json["ok"], Value::Bool(true));
    assert_eq!(json["signed_id"], Value::String(RESPONSE_ID.into()));
    assert_eq!(json["certificate_sha256"], Value::String(fingerprint_hex("rsa2048.crt")));
    // The exact text SPEC §3 shows, key order included.
    assert_eq!(
        stdout(&o),
        format!(
            "{{\"ok\": true, \"signed_id\": \"{RESPONSE_ID}\", \"certificate_sha256\": \"{}\"}}\n",
            fingerprint_hex("rsa2048.crt")
        )
    );
    assert_eq!(stderr(&o), "");
}

#[test]
fn verify_tampered_fails_with_the_digest_reason() {
    let dir = TempDir::new().unwrap();
    let path = tampered_response(&dir);
    let o = run(&["dsig", "verify", "--cert", &cert("rsa2048.crt"), s(&path)], None);
    assert_exit(&o, 1);
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(err.starts_with("samlguard: signature refused: "), "{err}");
    assert!(
        err.contains(&format!("element with ID \"{RESPONSE_ID}\" does not match its DigestValue")),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn verify_tampered_json() {
    let dir = TempDir::new().unwrap();
    let path = tampered_response(&dir);
    let o = run(&["dsig", "verify", "--json", "--cert", &cert("rsa2048.crt"), s(&path)], None);
    assert_exit(&o, 1);
    let json = parse_json(&o);
    assert_eq!(json.len(), 2, "{json:?}");
    assert_eq!(json["ok"], Value::Bool(false));
    let reason = json["reason"].as_str().expect("reason is a string");
    assert!(reason.contains("does not match its DigestValue"), "{reason}");
    assert!(reason.contains("changed after signing"), "{reason}");
    assert_eq!(stderr(&o), "");
}

#[test]
fn verify_with_the_wrong_certificate_names_the_untrusted_key_info_certificate() {
    let dir = TempDir::new().unwrap();
    let (path, _) = signed_response(&dir, "signed.xml", &signer("rsa2048.key", "rsa2048.crt"));
    let o = run(&["dsig", "verify", "--json", "--cert", &cert("rsa2048-clone.crt"), s(&path)], None);
    assert_exit(&o, 1);
    let json = parse_json(&o);
    assert_eq!(json["ok"], Value::Bool(false));
    let reason = json["reason"].as_str().expect("reason is a string");
    assert!(reason.contains("verifies with none of the 1 trusted certificate"), "{reason}");
    assert!(reason.contains("KeyInfo carries a certificate that is not trusted"), "{reason}");
    assert!(reason.contains(&fingerprint_colon("rsa2048.crt")), "{reason}");
    assert!(reason.contains("rolled its signing certificate"), "{reason}");

    let o = run(&["dsig", "verify", "--cert", &cert("rsa2048-clone.crt"), s(&path)], None);
    assert_exit(&o, 1);
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o), format!("samlguard: signature refused: {reason}\n"));
}

#[test]
fn verify_reads_stdin() {
    let dir = TempDir::new().unwrap();
    let (_, signed) = signed_response(&dir, "signed.xml", &signer("rsa2048.key", "rsa2048.crt"));
    let o = run(&["dsig", "verify", "--json", "--cert", &cert("rsa2048.crt"), "-"], Some(signed.as_bytes()));
    assert_exit(&o, 0);
    assert_eq!(parse_json(&o)["signed_id"], Value::String(RESPONSE_ID.into()));

    let o = run(&["dsig", "verify", "--cert", &cert("rsa2048.crt"), "-"], Some(signed.as_bytes()));
    assert_exit(&o, 0);
    assert!(stdout(&o).starts_with("signature verified: "), "{}", stdout(&o));
}

#[test]
fn verify_accepts_a_pem_bundle_and_reports_the_certificate_that_verified() {
    // bundle.pem holds rsa2048.crt then ec256.crt; sign with the second one.
    let dir = TempDir::new().unwrap();
    let (path, _) = signed_response(&dir, "signed-ec.xml", &signer("ec256.key", "ec256.crt"));
    let o = run(&["dsig", "verify", "--json", "--cert", &cert("bundle.pem"), s(&path)], None);
    assert_exit(&o, 0);
    assert_eq!(parse_json(&o)["certificate_sha256"], Value::String(fingerprint_hex("ec256.crt")));

    let o = run(&["dsig", "verify", "--cert", &cert("bundle.pem"), s(&path)], None);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"), "{out}");
    assert!(out.contains("bundle.pem (certificate 2 of 2)"), "{out}");
}

#[test]
fn verify_accepts_several_cert_options() {
    let dir = TempDir::new().unwrap();
    let (path, _) = signed_response(&dir, "signed.xml", &signer("rsa2048.key", "rsa2048.crt"));
    let o = run(
        &[
            "dsig",
            "verify",
            "--json",
            "--cert",
            &cert("rsa2048-clone.crt"),
            "--cert",
            &cert("rsa2048.der"),
            s(&path),
        ],
        None,
    );
    assert_exit(&o, 0);
    assert_eq!(parse_json(&o)["certificate_sha256"], Value::String(fingerprint_hex("rsa2048.crt")));
}

#[test]
fn sha1_needs_allow_sha1() {
    let dir = TempDir::new().unwrap();
    let sha1 = signer("rsa2048.key", "rsa2048.crt").digest_algorithm(DigestAlgorithm::Sha1);
    let (path, _) = signed_response(&dir, "signed-sha1.xml", &sha1);
    let o = run(&["dsig", "verify", "--json", "--cert", &cert("rsa2048.crt"), s(&path)], None);
    assert_exit(&o, 1);
    let reason = parse_json(&o)["reason"].as_str().unwrap_or_default().to_owned();
    assert!(
        reason.contains("http://www.w3.org/2000/09/xmldsig#sha1") && reason.contains("SHA-1"),
        "{reason}"
    );

    let o =
        run(&["dsig", "verify", "--json", "--allow-sha1", "--cert", &cert("rsa2048.crt"), s(&path)], None);
    assert_exit(&o, 0);
    assert_eq!(parse_json(&o)["ok"], Value::Bool(true));
}

#[test]
fn verify_refuses_an_unsigned_document() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("unsigned.xml");
    std::fs::write(&path, response_xml()).unwrap();
    let o = run(&["dsig", "verify", "--cert", &cert("rsa2048.crt"), s(&path)], None);
    assert_exit(&o, 1);
    assert_eq!(stderr(&o), "samlguard: signature refused: the document carries no ds:Signature\n");
}

#[test]
fn unusable_inputs_are_reported_with_exit_1() {
    let dir = TempDir::new().unwrap();
    let (signed, _) = signed_response(&dir, "signed.xml", &signer("rsa2048.key", "rsa2048.crt"));
    let not_xml = dir.path().join("not.xml");
    std::fs::write(&not_xml, "<a>\n<b></a>").unwrap();
    let doctype = dir.path().join("doctype.xml");
    std::fs::write(&doctype, "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>").unwrap();
    let missing = dir.path().join("missing.xml");
    let empty_cert = dir.path().join("empty.pem");
    std::fs::write(&empty_cert, "").unwrap();

    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec![cert("rsa2048.crt"), s(&missing).into()], "samlguard: cannot read "),
        (vec![cert("rsa2048.crt"), s(&not_xml).into()], "is not acceptable XML: "),
        (vec![cert("rsa2048.crt"), s(&doctype).into()], "DOCTYPE"),
        (vec![s(&missing).into(), s(&signed).into()], "samlguard: cannot read "),
        (vec![s(&empty_cert).into(), s(&signed).into()], "cannot load the certificate file "),
        (vec![cert("rsa2048.key"), s(&signed).into()], "is not a CERTIFICATE but PRIVATE KEY"),
    ];
    for (args, expected) in &cases {
        let o = run(&["dsig", "verify", "--cert", &args[0], &args[1]], None);
        assert_exit(&o, 1);
        assert_eq!(stdout(&o), "");
        let err = stderr(&o);
        assert!(err.starts_with("samlguard: ") && err.contains(expected), "{args:?}: {err}");

        let o = run(&["dsig", "verify", "--json", "--cert", &args[0], &args[1]], None);
        assert_exit(&o, 1);
        let json = parse_json(&o);
        assert_eq!(json["ok"], Value::Bool(false));
        assert!(
            json["reason"].as_str().unwrap_or_default().contains(expected.trim_start_matches("samlguard: "))
        );
    }
    // The XML error carries its position.
    let o = run(&["dsig", "verify", "--cert", &cert("rsa2048.crt"), s(&not_xml)], None);
    assert!(stderr(&o).contains("line 2"), "{}", stderr(&o));
}

#[test]
fn garbage_on_stdin_never_panics() {
    let inputs: [&[u8]; 6] =
        [b"", b"\xff\xfe<\x00a\x00", b"<", b"<a xmlns:x='urn:x'><x:b></a>", &[0u8; 64], b"<?xml?>"];
    for input in inputs {
        for args in [
            &["dsig", "verify", "--cert", &cert("rsa2048.crt"), "-"][..],
            &["dsig", "verify", "--json", "--cert", &cert("rsa2048.crt"), "-"][..],
            &["c14n", "-"][..],
            &["c14n", "--id", "x", "--mode", "inc11", "-"][..],
        ] {
            let o = run(args, Some(input));
            assert_exit(&o, 1);
        }
    }
}

#[test]
fn the_bundled_demo_verifies_and_its_tampered_copy_does_not() {
    let o = run(
        &["dsig", "verify", "--cert", "testdata/demo/idp.crt", "testdata/demo/signed-response.xml"],
        None,
    );
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("samlp:Response ID=\"_8f0d2c6e4b1a4f7e9c3d5a7b9e1f3a5c\""), "{}", stdout(&o));
    let o = run(
        &["dsig", "verify", "--cert", "testdata/demo/idp.crt", "testdata/demo/tampered-response.xml"],
        None,
    );
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("does not match its DigestValue"), "{}", stderr(&o));
}

#[test]
fn usage_errors_exit_2() {
    let cases: [&[&str]; 9] = [
        &[],
        &["dsig"],
        &["dsig", "verify", "file.xml"],
        &["dsig", "verify", "--cert", "a.crt"],
        &["dsig", "verify", "--cert", "a.crt", "--bogus", "file.xml"],
        &["validate", "file.xml"],
        &["c14n"],
        &["c14n", "--mode", "c14n20", "file.xml"],
        &["c14n", "--mode", "inc", "--prefixes", "a", "file.xml"],
    ];
    for args in cases {
        let o = run(args, None);
        assert_exit(&o, 2);
        assert_eq!(stdout(&o), "", "{args:?}");
        assert!(!stderr(&o).is_empty(), "{args:?}");
    }
    let o = run(&["c14n", "--mode", "inc11-comments", "--prefixes", "a", "file.xml"], None);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).starts_with("samlguard: --prefixes is the InclusiveNamespaces PrefixList"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn help_and_version_exit_0() {
    for args in
        [&["--help"][..], &["--version"][..], &["dsig", "verify", "--help"][..], &["c14n", "--help"][..]]
    {
        let o = run(args, None);
        assert_exit(&o, 0);
        assert!(!stdout(&o).is_empty());
    }
}

// ------------------------------------------------------------------------------------------------
// c14n
// ------------------------------------------------------------------------------------------------

/// Comments inside and outside the root, a processing instruction, default, prefixed, unused and
/// redundant namespace declarations, `xml:lang`, attribute ordering and escaping, a CDATA section,
/// character references and attribute-value normalization.
const C14N_DOC: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<!-- before root -->
<?pi-target  some data?>
<root xmlns=\"urn:default\" xmlns:a=\"urn:a\" xmlns:unused=\"urn:unused\" xml:lang=\"en\">
  <!-- inside root -->
  <a:item   z=\"last\" ID=\"item1\" a:attr=\"ns\"
     b='\"first\"'>text &amp; more &lt; &gt; \"q\" &#13;<![CDATA[ <cdata> & ]]></a:item>
  <child attr=\"tab&#9;nl&#10;cr&#13;lt&lt;gt&gt;\" norm=\"a
b\tc\" empty=\"\"/>
  <a:wrapper xmlns:a=\"urn:a\" xmlns:b=\"urn:b\" Id=\"w1\"><b:leaf xmlns=\"\">x<!-- c -->y</b:leaf></a:wrapper>
</root>
<!-- after root -->
";

const ITEM: &str = r#"ID="item1" b="&quot;first&quot;" z="last""#;
const ITEM_TEXT: &str = r#">text &amp; more &lt; &gt; "q" &#xD; &lt;cdata&gt; &amp; </a:item>"#;
const CHILD: &str = r#"<child attr="tab&#x9;nl&#xA;cr&#xD;lt&lt;gt>" empty="" norm="a b c"></child>"#;

/// The canonical form of the whole [`C14N_DOC`], per `--mode`.
fn expected_whole(mode: &str) -> String {
    let comments = mode.ends_with("-comments");
    let c = |text: &str| if comments { text.to_owned() } else { String::new() };
    let (root, item, wrapper) = if mode.starts_with("exc") {
        (
            r#"<root xmlns="urn:default" xml:lang="en">"#,
            format!(r#"<a:item xmlns:a="urn:a" {ITEM} a:attr="ns""#),
            r#"<a:wrapper xmlns:a="urn:a" Id="w1"><b:leaf xmlns:b="urn:b">"#,
        )
    } else {
        (
            r#"<root xmlns="urn:default" xmlns:a="urn:a" xmlns:unused="urn:unused" xml:lang="en">"#,
            format!(r#"<a:item {ITEM} a:attr="ns""#),
            r#"<a:wrapper xmlns:b="urn:b" Id="w1"><b:leaf xmlns="">"#,
        )
    };
    format!(
        "{}<?pi-target some data?>\n{root}\n  {}\n  {item}{ITEM_TEXT}\n  {CHILD}\n  {wrapper}x{}y</b:leaf></a:wrapper>\n</root>{}",
        c("<!-- before root -->\n"),
        c("<!-- inside root -->"),
        c("<!-- c -->"),
        c("\n<!-- after root -->"),
    )
}

const MODES: [&str; 6] = ["exc", "exc-comments", "inc", "inc-comments", "inc11", "inc11-comments"];

fn c14n_fixture() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("doc.xml");
    std::fs::write(&path, C14N_DOC).unwrap();
    (dir, path)
}

fn c14n(args: &[&str]) -> String {
    let o = run(args, None);
    assert_exit(&o, 0);
    assert_eq!(stderr(&o), "");
    stdout(&o)
}

/// libxml2's canonical form of `xml`. xmllint only has the with-comments variants; the without-comments
/// form of a document is the with-comments form of the same document with its comments deleted.
fn xmllint(dir: &Path, mode: &str, xml: &str) -> String {
    let option = match mode.trim_end_matches("-comments") {
        "exc" => "--exc-c14n",
        "inc" => "--c14n",
        "inc11" => "--c14n11",
        other => panic!("no xmllint option for {other}"),
    };
    let source = if mode.ends_with("-comments") { xml.to_owned() } else { strip_comments(xml) };
    let path = dir.join(format!("xmllint-{mode}.xml"));
    std::fs::write(&path, source).unwrap();
    let out = match Command::new("xmllint").arg(option).arg(&path).output() {
        Ok(out) => out,
        Err(e) => panic!(
            "xmllint cannot be run ({e}): the c14n tests compare with libxml2; install it with \
             `apt-get install libxml2-utils` (or run ./scripts/test, which installs the prerequisites)"
        ),
    };
    assert!(out.status.success(), "xmllint {option} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("xmllint writes UTF-8")
}

fn strip_comments(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("-->").expect("comment is closed");
        rest = &rest[start + end + 3..];
    }
    out.push_str(rest);
    out
}

#[test]
fn c14n_whole_document_in_each_mode_matches_the_expected_bytes_and_xmllint() {
    let (dir, path) = c14n_fixture();
    for mode in MODES {
        let ours = c14n(&["c14n", "--mode", mode, s(&path)]);
        assert_eq!(ours, expected_whole(mode), "--mode {mode}");
        assert_eq!(ours, xmllint(dir.path(), mode, C14N_DOC), "--mode {mode} differs from xmllint");
    }
}

#[test]
fn c14n_default_mode_is_exclusive_without_comments() {
    let (_dir, path) = c14n_fixture();
    assert_eq!(c14n(&["c14n", s(&path)]), expected_whole("exc"));
}

#[test]
fn c14n_reads_stdin() {
    let o = run(&["c14n", "--mode", "inc-comments", "-"], Some(C14N_DOC.as_bytes()));
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), expected_whole("inc-comments"));
}

#[test]
fn c14n_id_subset() {
    let (_dir, path) = c14n_fixture();
    let item_exc = format!(r#"<a:item xmlns:a="urn:a" {ITEM} a:attr="ns"{ITEM_TEXT}"#);
    // Inclusive subsets carry every namespace in scope and, 1.0 and 1.1 alike, the inherited xml:lang.
    let item_inc = format!(
        r#"<a:item xmlns="urn:default" xmlns:a="urn:a" xmlns:unused="urn:unused" {ITEM} xml:lang="en" a:attr="ns"{ITEM_TEXT}"#
    );
    let wrapper_exc = |c: &str| {
        format!(r#"<a:wrapper xmlns:a="urn:a" Id="w1"><b:leaf xmlns:b="urn:b">x{c}y</b:leaf></a:wrapper>"#)
    };
    let wrapper_inc = |c: &str| {
        format!(
            r#"<a:wrapper xmlns="urn:default" xmlns:a="urn:a" xmlns:b="urn:b" xmlns:unused="urn:unused" Id="w1" xml:lang="en"><b:leaf xmlns="">x{c}y</b:leaf></a:wrapper>"#
        )
    };
    for mode in MODES {
        let comment = if mode.ends_with("-comments") { "<!-- c -->" } else { "" };
        let (item, wrapper) = if mode.starts_with("exc") {
            (item_exc.clone(), wrapper_exc(comment))
        } else {
            (item_inc.clone(), wrapper_inc(comment))
        };
        assert_eq!(c14n(&["c14n", "--mode", mode, "--id", "item1", s(&path)]), item, "ID, --mode {mode}");
        assert_eq!(c14n(&["c14n", "--mode", mode, "--id", "w1", s(&path)]), wrapper, "Id, --mode {mode}");
    }
}

#[test]
fn c14n_id_finds_assertion_id_and_refuses_missing_or_duplicate_ids() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("ids.xml");
    std::fs::write(&path, r#"<r><a AssertionID="s1">one</a><b ID="dup"/><c Id="dup"/><d other="x"/></r>"#)
        .unwrap();
    assert_eq!(c14n(&["c14n", "--id", "s1", s(&path)]), r#"<a AssertionID="s1">one</a>"#);

    let o = run(&["c14n", "--id", "dup", s(&path)], None);
    assert_exit(&o, 1);
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).starts_with("samlguard: the ID \"dup\" is on 2 elements"), "{}", stderr(&o));

    for missing in ["x", "nope"] {
        let o = run(&["c14n", "--id", missing, s(&path)], None);
        assert_exit(&o, 1);
        assert!(
            stderr(&o).starts_with("samlguard: no element has an ID, Id or AssertionID"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn c14n_prefixes_is_the_inclusive_namespaces_prefix_list() {
    let (_dir, path) = c14n_fixture();
    let with_default = format!(
        r#"<a:item xmlns="urn:default" xmlns:a="urn:a" xmlns:unused="urn:unused" {ITEM} a:attr="ns"{ITEM_TEXT}"#
    );
    assert_eq!(c14n(&["c14n", "--id", "item1", "--prefixes", "#default unused", s(&path)]), with_default);
    assert_eq!(
        c14n(&[
            "c14n",
            "--mode",
            "exc-comments",
            "--id",
            "item1",
            "--prefixes",
            "unused  #default",
            s(&path)
        ]),
        with_default
    );
    let only_unused =
        format!(r#"<a:item xmlns:a="urn:a" xmlns:unused="urn:unused" {ITEM} a:attr="ns"{ITEM_TEXT}"#);
    assert_eq!(c14n(&["c14n", "--id", "item1", "--prefixes", "unused", s(&path)]), only_unused);
    // On the whole document the listed prefix is rendered where it is declared.
    let whole = c14n(&["c14n", "--prefixes", "unused", s(&path)]);
    assert_eq!(
        whole,
        expected_whole("exc").replace(
            r#"<root xmlns="urn:default" xml:lang="en">"#,
            r#"<root xmlns="urn:default" xmlns:unused="urn:unused" xml:lang="en">"#
        )
    );
    // An empty list is no list.
    assert_eq!(c14n(&["c14n", "--prefixes", "", s(&path)]), expected_whole("exc"));
}
