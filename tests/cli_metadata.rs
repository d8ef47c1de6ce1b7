//! `samlguard metadata idp` and `samlguard metadata sp`, run for real on the fixtures of
//! testdata/metadata (see its generate.sh), judged at 2026-02-15: the IdP's current certificate
//! idp-2023.crt expires on 2026-03-01, its next one idp-2026.crt is already published.
//!
//! The SP metadata printed is validated with `xmllint --schema` against the OASIS schema in
//! testdata/schemas (Debian package libxml2-utils) and its signature with `xmlsec1 --verify`; a missing
//! tool fails the test with the package to install.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use samlguard::{AlgorithmPolicy, Certificate, Document, verify_document};
use serde_json::Value;

const NOW: &str = "2026-02-15T00:00:00Z";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/metadata")
}

/// Runs the binary in testdata/metadata (so that file names are short, as a user would type them).
fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_samlguard"))
        .args(args)
        .current_dir(dir())
        .output()
        .expect("the samlguard binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("an exit status")
}

fn json(o: &Output) -> serde_json::Map<String, Value> {
    let text = stdout(o);
    assert_eq!(text.lines().count(), 1, "one JSON line expected:\n{text}");
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(m)) => m,
        other => panic!("not a JSON object: {other:?}\n{text}"),
    }
}

fn fingerprint(name: &str) -> (String, String) {
    let c = Certificate::from_pem(&std::fs::read(dir().join(name)).unwrap()).unwrap();
    (c.fingerprint_colon(), c.fingerprint_hex())
}

/// `text` with its lines joined (the human output wraps long lines).
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ------------------------------------------------------------------------------------------------
// metadata idp
// ------------------------------------------------------------------------------------------------

#[test]
fn rollover_without_config_names_the_newest_and_the_older_expiry() {
    let o = run(&["metadata", "idp", "--now", NOW, "idp-rollover.xml"]);
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "a rollover to check is an action:\n{out}{}", stderr(&o));
    let (old_fp, _) = fingerprint("idp-2023.crt");
    let (new_fp, _) = fingerprint("idp-2026.crt");
    for expected in [
        "IdP metadata idp-rollover.xml, judged at 2026-02-15T00:00:00Z",
        "Entity ID        https://idp.example.com/metadata",
        "Single sign-on   HTTP-Redirect  https://idp.example.com/saml/sso",
        "                 HTTP-POST      https://idp.example.com/saml/sso/post",
        "Single logout    HTTP-Redirect  https://idp.example.com/saml/slo",
        "NameID formats   urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
        "Signing certificates (2): the IdP signs its responses with these; the SP must trust them.",
        "  1. CN=idp.example.com signing 2023, O=Example IdP, C=US\n",
        "  2. CN=idp.example.com signing 2026, O=Example IdP, C=US  [newest]\n",
        &format!("     SHA-256   {old_fp}\n"),
        &format!("     SHA-256   {new_fp}\n"),
        "     valid     2023-03-01T00:00:00Z to 2026-03-01T00:00:00Z: expires in 14 days\n",
        "     valid     2026-01-15T00:00:00Z to 2029-01-15T00:00:00Z: expires in 1065 days\n",
        "Encryption certificates (1)",
        "  1. CN=idp.example.com encryption, O=Example IdP, C=US\n",
        "Rollover\n",
        "To do (1):\n  - [rollover] ",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    let text = flat(&out);
    for expected in [
        "The newest is CN=idp.example.com signing 2026, O=Example IdP, C=US, valid from 2026-01-15T00:00:00Z",
        "before it switches to signing with it",
        "the SP must trust BOTH",
        "The older certificate CN=idp.example.com signing 2023, O=Example IdP, C=US expires on \
         2026-03-01T00:00:00Z (in 14 days)",
        "may remove it after 2026-03-01T00:00:00Z",
        "rerun with --config SP.toml",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{out}");
    }
    assert!(!out.contains("trusted   "), "no trust lines without --config:\n{out}");
}

#[test]
fn rollover_with_a_config_trusting_only_the_old_certificate_says_what_to_import() {
    let o = run(&["metadata", "idp", "--now", NOW, "--config", "sp-trusts-old.toml", "idp-rollover.xml"]);
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "{out}{}", stderr(&o));
    let (new_fp, _) = fingerprint("idp-2026.crt");
    for expected in [
        "     trusted   yes: in the SP's [idp] certificates\n",
        "     trusted   NO: not in the SP's [idp] certificates\n",
        "Compared with the SP configuration sp-trusts-old.toml\n",
        "  [idp] entity_id   https://idp.example.com/metadata (matches)\n",
        "  trusted           1 kept, 1 to import, 0 to remove\n",
        "To do (1):\n  - [import] import CN=idp.example.com signing 2026",
        "Notes:\n",
        "  - [sp-certificate] the SP's own certificate CN=sp.example.com",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    let text = flat(&out);
    assert!(
        text.contains(&format!("(SHA-256 {new_fp}), valid 2026-01-15T00:00:00Z to 2029-01-15T00:00:00Z")),
        "{out}"
    );
    assert!(
        text.contains(
            "Keep trusting the older CN=idp.example.com signing 2023, O=Example IdP, C=US (until \
             2026-03-01T00:00:00Z) as well, since the IdP may sign with it until it switches; remove it once it \
             has expired"
        ),
        "{out}"
    );
}

#[test]
fn rollover_with_both_trusted_needs_nothing_and_exits_0() {
    let o = run(&["metadata", "idp", "--now", NOW, "--config", "sp-trusts-both.toml", "idp-rollover.xml"]);
    let out = stdout(&o);
    assert_eq!(code(&o), 0, "{out}{}", stderr(&o));
    assert!(out.contains("\nNothing to do.\n"), "{out}");
    assert!(flat(&out).contains("may be removed after it expires on 2026-03-01T00:00:00Z"), "{out}");
    // After the old certificate has expired: remove it.
    let o = run(&[
        "metadata",
        "idp",
        "--now",
        "2026-03-02T00:00:00Z",
        "--config",
        "sp-trusts-both.toml",
        "idp-rollover.xml",
    ]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("  - [remove] remove CN=idp.example.com signing 2023"), "{out}");
    assert!(flat(&out).contains("it expired on 2026-03-01T00:00:00Z (1 day ago)"), "{out}");
}

#[test]
fn single_certificate_exits_0_and_expired_exits_1() {
    let o = run(&["metadata", "idp", "--now", NOW, "idp-single.xml"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("[KeyDescriptor without use: signing and encryption]"));
    assert!(stdout(&o).ends_with("Nothing to do.\n"), "{}", stdout(&o));

    let o = run(&["metadata", "idp", "--now", NOW, "idp-expired.xml"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("2020-06-01T00:00:00Z to 2023-06-01T00:00:00Z: EXPIRED 990 days ago"), "{out}");
    assert!(out.contains("  - [no-valid-signing-certificate] "), "{out}");
    assert!(out.contains("  - [expired] CN=legacy-idp.example.org"), "{out}");
}

#[test]
fn federation_lists_both_idps_or_the_chosen_one() {
    let o = run(&["metadata", "idp", "--now", NOW, "federation.xml"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("(EntitiesDescriptor urn:example:federation)"), "{out}");
    assert!(out.contains("IdP 1 of 2\nEntity ID        https://idp.example.com/metadata"), "{out}");
    assert!(out.contains("IdP 2 of 2\nEntity ID        https://idp.partner.example/idp"), "{out}");
    assert!(out.contains("(1 other entity in the file not reported)"), "{out}");
    assert!(!out.contains("sp.example.com"), "the SP entity is skipped:\n{out}");

    let o = run(&[
        "metadata",
        "idp",
        "--now",
        NOW,
        "--json",
        "--entity",
        "https://idp.partner.example/idp",
        "federation.xml",
    ]);
    assert_eq!(code(&o), 0);
    let j = json(&o);
    let entities = j["entities"].as_array().unwrap();
    assert_eq!(entities.len(), 1);
    assert_eq!(entities[0]["entity_id"], "https://idp.partner.example/idp");
    assert_eq!(j["metadata"]["skipped_entities"], 2);

    let o = run(&["metadata", "idp", "--now", NOW, "--entity", "https://nobody.example", "federation.xml"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("no IdP with the entity ID \"https://nobody.example\""), "{}", stderr(&o));
}

#[test]
fn json_shape() {
    let o = run(&[
        "metadata",
        "idp",
        "--now",
        NOW,
        "--json",
        "--config",
        "sp-trusts-old.toml",
        "idp-rollover-signed.xml",
    ]);
    assert_eq!(code(&o), 1);
    let j = json(&o);
    let keys: Vec<&str> = j.keys().map(String::as_str).collect();
    for k in ["ok", "now", "file", "metadata", "entities", "config", "findings"] {
        assert!(keys.contains(&k), "no {k} in {keys:?}");
    }
    assert_eq!(j["ok"], false);
    assert_eq!(j["now"], NOW);
    assert_eq!(j["file"], "idp-rollover-signed.xml");
    let m = &j["metadata"];
    assert_eq!(m["root"], "EntityDescriptor");
    assert_eq!(m["valid_until"], "2027-01-01T00:00:00Z");
    let sig = &m["signature"];
    assert_eq!(sig["status"], "verified");
    assert_eq!(sig["signer_in_metadata"], true);
    assert_eq!(sig["signer_trusted"], true);
    let (_, old_hex) = fingerprint("idp-2023.crt");
    let (_, new_hex) = fingerprint("idp-2026.crt");
    assert_eq!(sig["signer"]["sha256"], old_hex.as_str());

    let e = &j["entities"][0];
    assert_eq!(e["entity_id"], "https://idp.example.com/metadata");
    assert_eq!(e["sso"][0]["binding"], "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect");
    assert_eq!(e["sso"][0]["location"], "https://idp.example.com/saml/sso");
    assert_eq!(e["want_authn_requests_signed"], false);
    let signing = e["signing_certificates"].as_array().unwrap();
    assert_eq!(signing.len(), 2);
    let old = &signing[0];
    assert_eq!(old["sha256"], old_hex.as_str());
    assert_eq!(old["subject"], "CN=idp.example.com signing 2023, O=Example IdP, C=US");
    assert_eq!(old["not_before"], "2023-03-01T00:00:00Z");
    assert_eq!(old["not_after"], "2026-03-01T00:00:00Z");
    assert_eq!(old["days_left"], 14);
    assert_eq!(
        (old["expired"].clone(), old["not_yet_valid"].clone()),
        (Value::Bool(false), Value::Bool(false))
    );
    assert_eq!((old["newest"].clone(), old["trusted"].clone()), (Value::Bool(false), Value::Bool(true)));
    assert_eq!(old["use"], "signing");
    assert_eq!(old["sha1_thumbprint"].as_str().unwrap().len(), 40);
    assert_eq!(signing[1]["newest"], true);
    assert_eq!(signing[1]["trusted"], false);
    assert_eq!(e["encryption_certificates"][0]["use"], "encryption");
    assert_eq!(e["rollover"]["newest"], new_hex.as_str());
    assert_eq!(e["rollover"]["older"], serde_json::json!([old_hex]));
    assert!(e["rollover"]["explanation"].as_str().unwrap().contains("the SP must trust BOTH"));

    let c = &j["config"];
    assert_eq!(c["path"], "sp-trusts-old.toml");
    assert_eq!(c["expected_entity_id"], "https://idp.example.com/metadata");
    assert_eq!(c["entity_id_matches"], true);
    assert_eq!(c["import"][0]["sha256"], new_hex.as_str());
    assert_eq!(c["remove"], serde_json::json!([]));
    assert_eq!(c["keep"][0]["sha256"], old_hex.as_str());
    assert_eq!(c["keep"][0]["trusted"], true);
    assert_eq!(c["sp_certificate"]["subject"], "CN=sp.example.com, O=Example SP, C=US");

    let findings = j["findings"].as_array().unwrap();
    let summary: Vec<(String, String)> = findings
        .iter()
        .map(|f| (f["id"].as_str().unwrap().to_owned(), f["severity"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        summary,
        [
            ("import".into(), "action".into()),
            ("rollover".into(), "info".into()),
            ("sp-certificate".into(), "info".into())
        ]
    );
    assert_eq!(findings[0]["entity_id"], "https://idp.example.com/metadata");
    assert_eq!(findings[2]["entity_id"], Value::Null);

    // Nothing to do: ok true, exit 0, config null without --config.
    let o = run(&["metadata", "idp", "--now", NOW, "--json", "idp-single.xml"]);
    assert_eq!(code(&o), 0);
    let j = json(&o);
    assert_eq!(j["ok"], true);
    assert_eq!(j["config"], Value::Null);
    assert_eq!(j["metadata"]["signature"]["status"], "absent");
    assert_eq!(j["entities"][0]["rollover"], Value::Null);
    assert_eq!(j["entities"][0]["signing_certificates"][0]["use"], Value::Null);
    assert_eq!(j["findings"], serde_json::json!([]));
}

#[test]
fn unusable_inputs_and_usage_errors() {
    let o = run(&["metadata", "idp", "missing.xml"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).starts_with("samlguard: cannot read missing.xml"), "{}", stderr(&o));
    let o = run(&["metadata", "idp", "--json", "missing.xml"]);
    assert_eq!(code(&o), 1);
    let j = json(&o);
    assert_eq!(j["ok"], false);
    assert!(j["reason"].as_str().unwrap().contains("missing.xml"));
    // SP metadata given by mistake: explained.
    let o = run(&["metadata", "idp", "sp-trusts-old.toml"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("not acceptable XML"), "{}", stderr(&o));
    let o = run(&["metadata", "idp", "--now", "yesterday", "idp-single.xml"]);
    assert_eq!(code(&o), 2);
    let o = run(&["metadata", "idp"]);
    assert_eq!(code(&o), 2);
    let o = run(&["metadata", "sp"]);
    assert_eq!(code(&o), 2, "--config is required");
    let o = run(&["metadata", "idp", "--config", "missing.toml", "idp-single.xml"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("cannot use the configuration missing.toml"), "{}", stderr(&o));
}

#[test]
fn help_documents_the_json_shape_and_exit_status() {
    let o = run(&["metadata", "idp", "--help"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    for expected in [
        "\"signing_certificates\"",
        "\"severity\": \"action\"|\"info\"",
        "Exit status: 0 nothing to do",
        "--entity",
        "proves nothing",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in --help:\n{out}");
    }
}

// ------------------------------------------------------------------------------------------------
// metadata sp
// ------------------------------------------------------------------------------------------------

fn tool(program: &str, args: &[&str], package: &str) -> Output {
    match Command::new(program).args(args).output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!(
                "{program} is not installed, and this test needs it: install {package} (apt-get install {package})"
            )
        }
        Err(e) => panic!("cannot run {program}: {e}"),
    }
}

fn assert_schema_valid(file: &Path) {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/schemas/saml-schema-metadata-2.0.xsd");
    let out = tool(
        "xmllint",
        &["--noout", "--nonet", "--schema", schema.to_str().unwrap(), file.to_str().unwrap()],
        "libxml2-utils",
    );
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.contains("validates"), "not schema-valid:\n{text}");
}

#[test]
fn metadata_sp_prints_schema_valid_xml_unsigned_and_signed() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&["metadata", "sp", "--config", "sp-trusts-old.toml", "--encryption-key"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let xml = stdout(&o);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<md:EntityDescriptor "), "{xml}");
    assert!(xml.contains(r#"entityID="https://sp.example.com/saml/metadata""#));
    assert!(xml.contains(r#"AuthnRequestsSigned="true" WantAssertionsSigned="true""#));
    assert!(
        xml.contains(r#"<md:KeyDescriptor use="signing">"#)
            && xml.contains(r#"<md:KeyDescriptor use="encryption">"#)
    );
    assert!(xml.contains(
        r#"<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp.example.com/saml/acs" index="0" isDefault="true"/>"#
    ));
    assert!(!xml.contains("Signature"));
    let unsigned = tmp.path().join("sp.xml");
    std::fs::write(&unsigned, &xml).unwrap();
    assert_schema_valid(&unsigned);

    // By default the encryption key is advertised, with what samlguard decrypts, exactly when [sp] private_key
    // is an RSA key (it decrypts too); --no-encryption-key turns it off.
    let o = run(&["metadata", "sp", "--config", "sp-trusts-old.toml"]);
    assert_eq!(code(&o), 0);
    let xml = stdout(&o);
    assert_eq!(
        xml.contains("use=\"encryption\""),
        cfg!(feature = "encryption"),
        "the SP's RSA key decrypts when built with the encryption feature"
    );
    if cfg!(feature = "encryption") {
        assert!(
            xml.contains(r#"<md:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>"#)
        );
        let file = tmp.path().join("sp-default.xml");
        std::fs::write(&file, &xml).unwrap();
        assert_schema_valid(&file);
    }
    let o = run(&["metadata", "sp", "--config", "sp-trusts-old.toml", "--no-encryption-key"]);
    assert_eq!(code(&o), 0);
    assert!(!stdout(&o).contains("use=\"encryption\""));

    let o = run(&["metadata", "sp", "--config", "sp-trusts-old.toml", "--sign"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let signed = stdout(&o);
    let file = tmp.path().join("sp-signed.xml");
    std::fs::write(&file, &signed).unwrap();
    assert_schema_valid(&file);
    let doc = Document::parse_str(&signed).unwrap();
    assert_eq!(doc.root_element().child_elements().next().unwrap().local_name(), "Signature");
    let sp_cert = Certificate::from_pem(&std::fs::read(dir().join("sp.crt")).unwrap()).unwrap();
    verify_document(&doc, &[sp_cert], &AlgorithmPolicy::default()).expect("samlguard verifies it");
    let out = tool(
        "xmlsec1",
        &[
            "--verify",
            "--pubkey-cert-pem",
            dir().join("sp.crt").to_str().unwrap(),
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor",
            file.to_str().unwrap(),
        ],
        "xmlsec1",
    );
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.lines().any(|l| l.trim() == "OK"), "xmlsec1 refused:\n{text}");

    // The SP metadata fed to `metadata idp` by mistake is explained, not misread.
    let o = Command::new(env!("CARGO_BIN_EXE_samlguard"))
        .args(["metadata", "idp", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("this is service-provider metadata"), "{}", stderr(&o));
}

#[test]
fn metadata_sp_sign_without_a_key_fails_with_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(dir().join("sp.crt"), tmp.path().join("sp.crt")).unwrap();
    std::fs::copy(dir().join("idp-2026.crt"), tmp.path().join("idp.crt")).unwrap();
    let config = tmp.path().join("sp.toml");
    std::fs::write(
        &config,
        "[sp]\nentity_id = \"https://sp.example.com/m\"\nacs_url = \"https://sp.example.com/acs\"\ncertificate = \"sp.crt\"\n\
         [idp]\nentity_id = \"https://idp.example.com/metadata\"\ncertificates = [\"idp.crt\"]\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let o = run(&["metadata", "sp", "--config", config]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains(r#"AuthnRequestsSigned="false" WantAssertionsSigned="false""#));
    let o = run(&["metadata", "sp", "--config", config, "--sign"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("set [sp] private_key"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
}
