//! The metadata library API: `inspect_idp_metadata` / `IdpMetadataCheck` on the fixtures of
//! testdata/metadata (made by its generate.sh with openssl and xmlsec1), and `sp_metadata` /
//! `sp_metadata_signed` proved valid by independent tools: the OASIS SAML 2.0 metadata schema with
//! libxml2's `xmllint --schema` (Debian package libxml2-utils), and `xmlsec1 --verify` for the signature.
//! A missing tool fails the test with the package to install; nothing passes silently.
//!
//! The fixtures' timeline, judged at 2026-02-15: idp-2023.crt expires 2026-03-01 (14 days), idp-2026.crt
//! is valid from 2026-01-15 to 2029-01-15, legacy-idp.crt expired 2023-06-01.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Utc};
use samlguard::{
    AlgorithmPolicy, Certificate, Config, DigestAlgorithm, Document, ErrorCode, IdpMetadataCheck,
    MetadataError, MetadataRoot, MetadataSignature, RemoveReason, ServiceProvider, SignatureAlgorithm,
    SignaturePlacement, Signer, SigningKey, SpMetadataOptions, inspect_idp_metadata, sp_metadata,
    sp_metadata_signed, verify_document,
};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/metadata")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("cannot read testdata/metadata/{name}: {e}"))
}

fn cert(name: &str) -> Certificate {
    Certificate::from_pem(&read(name)).expect("a PEM certificate")
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("an RFC 3339 time")
}

const NOW: &str = "2026-02-15T00:00:00Z";
const IDP: &str = "https://idp.example.com/metadata";

/// The SHA-256 fingerprint fingerprints.txt (openssl's output) gives for a certificate file.
fn openssl_fingerprint(file: &str) -> String {
    let text = String::from_utf8(read("fingerprints.txt")).expect("utf-8");
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{file} ")).map(|r| r.split(' ').next().unwrap().to_owned()))
        .unwrap_or_else(|| panic!("{file} not in fingerprints.txt"))
}

fn ids(report: &samlguard::IdpMetadataReport) -> Vec<(&'static str, bool)> {
    report.findings.iter().map(|f| (f.id, f.action)).collect()
}

// ------------------------------------------------------------------------------------------------
// metadata idp
// ------------------------------------------------------------------------------------------------

#[test]
fn fixtures_match_openssl_fingerprints() {
    for name in
        ["idp-2023.crt", "idp-2026.crt", "idp-encryption.crt", "legacy-idp.crt", "partner-idp.crt", "sp.crt"]
    {
        assert_eq!(cert(name).fingerprint_colon(), openssl_fingerprint(name), "{name}");
    }
}

#[test]
fn rollover_names_the_newest_certificate_and_when_the_older_expires() {
    let report = inspect_idp_metadata(&read("idp-rollover.xml"), at(NOW), None).unwrap();
    assert_eq!(report.root, MetadataRoot::EntityDescriptor);
    assert_eq!(report.entities.len(), 1);
    let idp = &report.entities[0];
    assert_eq!(idp.entity_id, IDP);
    assert_eq!(idp.sso.len(), 2);
    assert_eq!(idp.sso[1].binding, "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");
    assert_eq!(idp.slo[0].location, "https://idp.example.com/saml/slo");
    assert_eq!(idp.name_id_formats.len(), 2);
    assert_eq!(idp.want_authn_requests_signed, Some(false));

    // Two signing certificates, the encryption one apart.
    assert_eq!(idp.signing.len(), 2);
    assert_eq!(idp.encryption.len(), 1);
    assert_eq!(idp.encryption[0].certificate, cert("idp-encryption.crt"));
    let old = &idp.signing[0];
    let new = &idp.signing[1];
    assert_eq!(old.certificate, cert("idp-2023.crt"));
    assert_eq!(new.certificate, cert("idp-2026.crt"));
    assert_eq!((old.days_left, old.expired, old.not_yet_valid, old.newest), (14, false, false, false));
    assert_eq!((new.expired, new.not_yet_valid, new.newest), (false, false, true));
    assert_eq!(new.days_left, 1065);

    let rollover = idp.rollover.as_ref().expect("a rollover");
    assert_eq!((rollover.newest, rollover.older.as_slice()), (1, &[0][..]));
    let text = &rollover.explanation;
    assert!(text.contains("The newest is CN=idp.example.com signing 2026"), "{text}");
    assert!(text.contains("before it switches"), "{text}");
    assert!(text.contains("the SP must trust BOTH"), "{text}");
    assert!(text.contains("expires on 2026-03-01T00:00:00Z (in 14 days)"), "{text}");
    assert!(text.contains("may remove it after 2026-03-01T00:00:00Z"), "{text}");

    // Without the SP's trusted certificates, the rollover is something to check.
    assert_eq!(ids(&report), [("rollover", true)]);
    assert!(report.needs_action());
    assert!(report.trust.is_none());
    assert_eq!(report.valid_until, Some(at("2027-01-01T00:00:00Z")));
    assert_eq!(report.signature, MetadataSignature::Absent);
}

#[test]
fn sha1_thumbprint_is_the_one_openssl_prints() {
    let report = inspect_idp_metadata(&read("idp-single.xml"), at(NOW), None).unwrap();
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha1", "-in"])
        .arg(dir().join("idp-2026.crt"))
        .output()
        .expect("openssl runs (apt-get install openssl)");
    let text = String::from_utf8(out.stdout).unwrap();
    let expected = text.trim().rsplit('=').next().unwrap().replace(':', "");
    assert_eq!(report.entities[0].signing[0].sha1_thumbprint(), expected);
}

#[test]
fn before_the_new_certificate_is_valid_it_is_still_to_be_trusted_in_advance() {
    let report = inspect_idp_metadata(&read("idp-rollover.xml"), at("2026-01-01T00:00:00Z"), None).unwrap();
    let idp = &report.entities[0];
    assert!(idp.signing[1].not_yet_valid && idp.signing[1].newest);
    let text = &idp.rollover.as_ref().unwrap().explanation;
    assert!(text.contains("only becomes valid 2026-01-15T00:00:00Z (in 14 days)"), "{text}");
    assert_eq!(ids(&report), [("rollover", true), ("not-yet-valid", false)]);
}

#[test]
fn trusting_only_the_old_certificate_means_importing_the_new_one() {
    let trusted = [cert("idp-2023.crt")];
    let report = inspect_idp_metadata(&read("idp-rollover.xml"), at(NOW), Some(&trusted)).unwrap();
    let trust = report.trust.as_ref().unwrap();
    assert_eq!(trust.import, [cert("idp-2026.crt")]);
    assert!(trust.remove.is_empty());
    assert_eq!(trust.keep, trusted);
    assert_eq!(trust.compared_entity.as_deref(), Some(IDP));
    assert_eq!(trust.entity_id_matches, None);
    let idp = &report.entities[0];
    assert_eq!((idp.signing[0].trusted, idp.signing[1].trusted), (Some(true), Some(false)));
    assert_eq!(ids(&report), [("import", true), ("rollover", false)]);
    let import = report.finding("import").unwrap();
    assert!(import.detail.contains(&cert("idp-2026.crt").fingerprint_colon()), "{}", import.detail);
    assert!(import.detail.contains("newest"), "{}", import.detail);
    assert!(report.needs_action());
}

#[test]
fn trusting_both_needs_nothing_until_the_old_one_expires_then_it_can_be_removed() {
    let trusted = [cert("idp-2023.crt"), cert("idp-2026.crt")];
    let report = inspect_idp_metadata(&read("idp-rollover.xml"), at(NOW), Some(&trusted)).unwrap();
    assert!(!report.needs_action(), "{:#?}", report.findings);
    let up = report.finding("trust-up-to-date").unwrap();
    assert!(up.detail.contains("may be removed after it expires on 2026-03-01T00:00:00Z"), "{}", up.detail);

    let later =
        inspect_idp_metadata(&read("idp-rollover.xml"), at("2026-03-02T00:00:00Z"), Some(&trusted)).unwrap();
    let trust = later.trust.as_ref().unwrap();
    assert_eq!(trust.remove, [(cert("idp-2023.crt"), RemoveReason::Expired)]);
    assert!(trust.import.is_empty());
    assert_eq!(ids(&later), [("remove", true), ("expired", false), ("rollover", false)]);
    assert!(later.entities[0].rollover.as_ref().unwrap().explanation.contains("expired on 2026-03-01"));
}

#[test]
fn a_trusted_certificate_the_idp_no_longer_publishes_is_to_remove() {
    let stranger = Certificate::from_pem(
        &std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/keys/rsa2048.crt")).unwrap(),
    )
    .unwrap();
    let trusted = [cert("idp-2026.crt"), stranger.clone()];
    let report = inspect_idp_metadata(&read("idp-single.xml"), at(NOW), Some(&trusted)).unwrap();
    let trust = report.trust.as_ref().unwrap();
    assert_eq!(trust.remove, [(stranger, RemoveReason::NotInMetadata)]);
    assert_eq!(ids(&report), [("remove", true)]);
    assert!(report.findings[0].detail.contains("no longer publishes it"));
}

#[test]
fn single_certificate_without_use_is_a_signing_certificate_and_needs_nothing() {
    let report = inspect_idp_metadata(&read("idp-single.xml"), at(NOW), None).unwrap();
    let idp = &report.entities[0];
    assert_eq!(idp.signing.len(), 1);
    assert_eq!(idp.signing[0].key_use, None);
    assert!(idp.rollover.is_none() && !idp.signing[0].newest);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    // Within 30 days of its expiry with no successor published: ask the IdP for the next one.
    let late = inspect_idp_metadata(&read("idp-single.xml"), at("2029-01-01T00:00:00Z"), None).unwrap();
    assert_eq!(ids(&late), [("expires-soon", true)]);
    assert!(late.findings[0].detail.contains("publishes no successor"));
}

#[test]
fn expired_only_certificate_is_reported() {
    let report = inspect_idp_metadata(&read("idp-expired.xml"), at(NOW), None).unwrap();
    assert_eq!(report.entities[0].entity_id, "https://legacy-idp.example.org/saml2/idp");
    let s = &report.entities[0].signing[0];
    assert!(s.expired && s.days_left < 0);
    assert_eq!(ids(&report), [("no-valid-signing-certificate", true), ("expired", true)]);
    assert!(report.findings[1].detail.contains("expired on 2023-06-01T00:00:00Z"));
    assert!(report.findings[1].detail.contains("the IdP must renew it"));
}

#[test]
fn metadata_past_its_valid_until_is_out_of_date() {
    let report = inspect_idp_metadata(&read("idp-rollover.xml"), at("2027-02-01T00:00:00Z"), None).unwrap();
    assert!(report.finding("metadata-expired").is_some_and(|f| f.action), "{:#?}", report.findings);
}

#[test]
fn federation_lists_every_idp_or_the_one_chosen() {
    let xml = read("federation.xml");
    let all = inspect_idp_metadata(&xml, at(NOW), None).unwrap();
    assert_eq!(all.root, MetadataRoot::EntitiesDescriptor { name: Some("urn:example:federation".into()) });
    let ids_: Vec<&str> = all.entities.iter().map(|e| e.entity_id.as_str()).collect();
    assert_eq!(ids_, [IDP, "https://idp.partner.example/idp"]);
    assert_eq!(all.skipped_entities, 1); // the SP
    assert_eq!(ids(&all), [("several-idps", false)]);

    let one = IdpMetadataCheck::new(at(NOW)).entity("https://idp.partner.example/idp").inspect(&xml).unwrap();
    assert_eq!(one.entities.len(), 1);
    assert_eq!(one.entities[0].signing[0].certificate, cert("partner-idp.crt"));

    // The configuration's entity ID chooses, and the comparison is made with that IdP.
    let trusted = [cert("idp-2026.crt")];
    let chosen =
        IdpMetadataCheck::new(at(NOW)).trusted(&trusted).expected_entity_id(IDP).inspect(&xml).unwrap();
    assert_eq!(chosen.entities.len(), 1);
    assert_eq!(chosen.trust.as_ref().unwrap().entity_id_matches, Some(true));
    assert!(!chosen.needs_action(), "{:#?}", chosen.findings);

    match IdpMetadataCheck::new(at(NOW)).entity("https://nobody.example").inspect(&xml) {
        Err(MetadataError::EntityNotFound { available, .. }) => assert_eq!(available.len(), 2),
        other => panic!("expected EntityNotFound, got {other:?}"),
    }
}

#[test]
fn entity_id_mismatch_withholds_import_advice() {
    let trusted = [cert("idp-2023.crt")];
    let report = IdpMetadataCheck::new(at(NOW))
        .trusted(&trusted)
        .expected_entity_id("https://other-idp.example/metadata")
        .inspect(&read("idp-rollover.xml"))
        .unwrap();
    let trust = report.trust.as_ref().unwrap();
    assert_eq!(trust.entity_id_matches, Some(false));
    assert!(trust.import.is_empty() && trust.remove.is_empty() && trust.compared_entity.is_none());
    let f = report.finding("entity-id-mismatch").unwrap();
    assert!(f.action && f.detail.contains("\"https://idp.example.com/metadata\""), "{}", f.detail);
}

#[test]
fn sp_metadata_given_as_idp_metadata_is_explained() {
    let sp_xml = read("federation.xml");
    let doc = String::from_utf8(sp_xml).unwrap();
    let start = doc.find("<md:EntityDescriptor entityID=\"https://sp.example.com").unwrap();
    let end = doc.rfind("</md:EntityDescriptor>").unwrap() + "</md:EntityDescriptor>".len();
    let sp_only = doc[start..end].replace(
        "<md:EntityDescriptor ",
        "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" \
         xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" ",
    );
    let err = inspect_idp_metadata(sp_only.as_bytes(), at(NOW), None).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("service-provider metadata") && text.contains("the IdP must trust"), "{text}");
    let err = inspect_idp_metadata(b"<html><body>Sign in</body></html>", at(NOW), None).unwrap_err();
    assert!(matches!(err, MetadataError::NotMetadata { .. }), "{err}");
}

#[test]
fn the_sp_certificate_is_told_apart_from_the_idp_certificates() {
    let sp = cert("sp.crt");
    let trusted = [cert("idp-2023.crt"), cert("idp-2026.crt"), sp.clone()];
    let report = IdpMetadataCheck::new(at(NOW))
        .trusted(&trusted)
        .expected_entity_id(IDP)
        .sp_certificate(&sp)
        .inspect(&read("idp-rollover.xml"))
        .unwrap();
    let f = report.finding("sp-certificate-as-idp-certificate").unwrap();
    assert!(f.action && f.detail.contains("the IdP signs its responses with its own, different key"));
    assert!(report.finding("sp-certificate").is_some_and(|f| !f.action));
    assert_eq!(report.trust.as_ref().unwrap().remove, [(sp, RemoveReason::NotInMetadata)]);
}

#[test]
fn signed_metadata_self_verification_and_trust_are_told_apart() {
    let xml = read("idp-rollover-signed.xml");
    let report = inspect_idp_metadata(&xml, at(NOW), None).unwrap();
    match &report.signature {
        MetadataSignature::Verified {
            signed_element, signer, signer_in_metadata, signer_trusted, ..
        } => {
            assert_eq!(signed_element, "EntityDescriptor entityID=\"https://idp.example.com/metadata\"");
            assert_eq!(signer, &cert("idp-2023.crt"));
            assert!(*signer_in_metadata);
            assert_eq!(*signer_trusted, None);
        }
        other => panic!("expected a verified signature, got {other:?}"),
    }
    // Signed by the old key, which the SP trusts: the new certificate comes from the IdP's key holder.
    let trusted = [cert("idp-2023.crt")];
    let report = inspect_idp_metadata(&xml, at(NOW), Some(&trusted)).unwrap();
    assert!(matches!(report.signature, MetadataSignature::Verified { signer_trusted: Some(true), .. }));
    let other = [cert("partner-idp.crt")];
    let report = inspect_idp_metadata(&xml, at(NOW), Some(&other)).unwrap();
    assert!(matches!(report.signature, MetadataSignature::Verified { signer_trusted: Some(false), .. }));

    // One changed byte in the signed content: the signature no longer verifies.
    let tampered = String::from_utf8(xml).unwrap().replace("saml/sso/post", "saml/sso/p0st");
    let report = inspect_idp_metadata(tampered.as_bytes(), at(NOW), None).unwrap();
    assert!(matches!(report.signature, MetadataSignature::Invalid { .. }), "{:?}", report.signature);
    assert!(report.finding("metadata-signature-invalid").is_some_and(|f| f.action));
}

/// `idp-rollover.xml` signed by samlguard's Signer with `key` / `cert` and these algorithms.
fn sign_rollover(key: &Path, cert: &Path, alg: SignatureAlgorithm, digest: DigestAlgorithm) -> String {
    let key = SigningKey::from_pkcs8_pem(&std::fs::read(key).unwrap()).unwrap();
    let cert = Certificate::from_pem(&std::fs::read(cert).unwrap()).unwrap();
    let xml = String::from_utf8(read("idp-rollover.xml")).unwrap();
    Signer::new(key, cert)
        .signature_algorithm(alg)
        .digest_algorithm(digest)
        .placement(SignaturePlacement::FirstChild)
        .sign_enveloped(&xml, "_idp-example-com")
        .unwrap()
}

#[test]
fn a_signature_that_cannot_be_checked_is_not_called_invalid() {
    // A SHA-1 digest, which samlguard refuses: unchecked (an info), not "changed after signing".
    let sha1 = sign_rollover(
        &dir().join("idp-2023.key"),
        &dir().join("idp-2023.crt"),
        SignatureAlgorithm::RsaSha256,
        DigestAlgorithm::Sha1,
    );
    let report = inspect_idp_metadata(sha1.as_bytes(), at(NOW), None).unwrap();
    assert!(matches!(report.signature, MetadataSignature::Unchecked { .. }), "{:?}", report.signature);
    let f = report.finding("metadata-signature-unchecked").unwrap();
    assert!(!f.action && f.detail.contains("xmldsig#sha1"), "{}", f.detail);
    assert!(report.finding("metadata-signature-invalid").is_none());

    // Signed by a key whose certificate the file does not carry (KeyInfo removed), like a federation
    // operator's: unchecked without it, verified by "a certificate the SP trusts" with it.
    let keys = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/keys");
    let signed = sign_rollover(
        &keys.join("rsa2048.key"),
        &keys.join("rsa2048.crt"),
        SignatureAlgorithm::RsaSha256,
        DigestAlgorithm::Sha256,
    );
    let start = signed.find("<ds:KeyInfo>").unwrap();
    let end = signed.find("</ds:KeyInfo>").unwrap() + "</ds:KeyInfo>".len();
    let bare = format!("{}{}", &signed[..start], &signed[end..]);
    let report = inspect_idp_metadata(bare.as_bytes(), at(NOW), None).unwrap();
    match &report.signature {
        MetadataSignature::Unchecked { reason } => {
            assert!(reason.contains("federation operator"), "{reason}")
        }
        other => panic!("expected Unchecked, got {other:?}"),
    }
    let operator = [Certificate::from_pem(&std::fs::read(keys.join("rsa2048.crt")).unwrap()).unwrap()];
    let report = inspect_idp_metadata(bare.as_bytes(), at(NOW), Some(&operator)).unwrap();
    match &report.signature {
        MetadataSignature::Verified {
            signer,
            signer_in_key_info,
            signer_in_metadata,
            signer_trusted,
            ..
        } => {
            assert_eq!(signer, &operator[0]);
            assert_eq!(
                (*signer_in_key_info, *signer_in_metadata, *signer_trusted),
                (false, false, Some(true))
            );
        }
        other => panic!("expected Verified, got {other:?}"),
    }
}

#[test]
fn config_file_drives_the_comparison() {
    let config = Config::from_file(dir().join("sp-trusts-old.toml")).unwrap();
    let report = IdpMetadataCheck::new(at(NOW)).config(&config).inspect(&read("idp-rollover.xml")).unwrap();
    let trust = report.trust.as_ref().unwrap();
    assert_eq!(trust.entity_id_matches, Some(true));
    assert_eq!(trust.import, [cert("idp-2026.crt")]);
    assert_eq!(trust.sp_certificate.as_ref().unwrap().certificate, cert("sp.crt"));
    assert_eq!(ids(&report), [("import", true), ("rollover", false), ("sp-certificate", false)]);
}

#[test]
fn generated_fixtures_are_up_to_date() {
    let out = match Command::new("bash").arg(dir().join("generate.sh")).arg("--check").output() {
        Ok(o) => o,
        Err(e) => panic!("cannot run bash testdata/metadata/generate.sh --check: {e}"),
    };
    assert!(
        out.status.success(),
        "testdata/metadata/generate.sh --check failed (it needs openssl and xmlsec1: apt-get install openssl \
         xmlsec1):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

// ------------------------------------------------------------------------------------------------
// metadata sp
// ------------------------------------------------------------------------------------------------

/// Runs a required tool; a missing one fails the test with the package to install.
fn tool(program: &str, args: &[&str], package: &str) -> std::process::Output {
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

/// Validates `xml` against the OASIS SAML 2.0 metadata schema kept in testdata/schemas.
fn assert_schema_valid(xml: &str, name: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join(name);
    std::fs::write(&file, xml).unwrap();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/schemas/saml-schema-metadata-2.0.xsd");
    let out = tool(
        "xmllint",
        &["--noout", "--nonet", "--schema", schema.to_str().unwrap(), file.to_str().unwrap()],
        "libxml2-utils",
    );
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.contains("validates"), "{name} is not schema-valid:\n{text}\n{xml}");
}

fn configured_sp() -> ServiceProvider {
    Config::from_file(dir().join("sp-trusts-old.toml")).unwrap().service_provider().clone()
}

#[test]
fn the_schema_check_catches_a_wrong_element_order() {
    // Proof that the validator bites: NameIDFormat after the AssertionConsumerService is refused.
    let xml = sp_metadata(&configured_sp(), &SpMetadataOptions::new());
    let nameid =
        "    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>\n";
    let moved = xml
        .replace(nameid, "")
        .replace("  </md:SPSSODescriptor>", &format!("{nameid}  </md:SPSSODescriptor>"));
    assert_ne!(moved, xml);
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("wrong-order.xml");
    std::fs::write(&file, &moved).unwrap();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/schemas/saml-schema-metadata-2.0.xsd");
    let out = tool(
        "xmllint",
        &["--noout", "--nonet", "--schema", schema.to_str().unwrap(), file.to_str().unwrap()],
        "libxml2-utils",
    );
    assert!(!out.status.success(), "xmllint accepted a wrong element order:\n{moved}");
}

#[test]
fn sp_metadata_follows_the_configuration_and_the_schema() {
    let sp = configured_sp();
    assert!(sp.signing_key().is_some());
    let xml = sp_metadata(&sp, &SpMetadataOptions::new().encryption_key(true));
    assert_schema_valid(&xml, "sp.xml");
    let doc = Document::parse_str(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.attribute("entityID"), Some("https://sp.example.com/saml/metadata"));
    assert_eq!(root.attribute("ID"), None);
    let spsso = root.child_elements().next().unwrap();
    assert_eq!(spsso.local_name(), "SPSSODescriptor");
    assert_eq!(spsso.attribute("AuthnRequestsSigned"), Some("true"));
    assert_eq!(spsso.attribute("WantAssertionsSigned"), Some("true"));
    assert_eq!(spsso.attribute("protocolSupportEnumeration"), Some("urn:oasis:names:tc:SAML:2.0:protocol"));
    let children: Vec<String> = spsso
        .child_elements()
        .map(|e| match e.attribute("use") {
            Some(u) => format!("{}:{u}", e.local_name()),
            None => e.local_name().to_owned(),
        })
        .collect();
    assert_eq!(
        children,
        ["KeyDescriptor:signing", "KeyDescriptor:encryption", "NameIDFormat", "AssertionConsumerService"]
    );
    let acs = spsso.child_elements().last().unwrap();
    assert_eq!(acs.attribute("Binding"), Some("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"));
    assert_eq!(acs.attribute("Location"), Some("https://sp.example.com/saml/acs"));
    assert_eq!((acs.attribute("index"), acs.attribute("isDefault")), (Some("0"), Some("true")));
    let x509 = doc.elements().find(|e| e.local_name() == "X509Certificate").unwrap();
    assert_eq!(Certificate::from_base64(&x509.text()).unwrap(), cert("sp.crt"));

    // The published certificate is what `metadata idp` would see as the SP's. (Its RSA key also decrypts, so
    // by default the encryption KeyDescriptor is published with the feature `encryption`: turn it off here.)
    let signing_only = sp_metadata(&sp, &SpMetadataOptions::new().encryption_key(false));
    assert!(!signing_only.contains("use=\"encryption\""));
    assert_schema_valid(&signing_only, "sp-signing-only.xml");
}

#[test]
fn minimal_sp_metadata_is_schema_valid_and_escaped() {
    let sp = ServiceProvider::builder(
        "https://sp.example.com/saml?a=1&b=<2>",
        "https://sp.example.com/acs?x=1&y=\"2\"",
    )
    .build()
    .unwrap();
    let xml = sp_metadata(&sp, &SpMetadataOptions::new().valid_until(at("2030-01-01T00:00:00Z")));
    assert!(xml.contains("AuthnRequestsSigned=\"false\" WantAssertionsSigned=\"false\""));
    assert!(!xml.contains("KeyDescriptor") && !xml.contains("NameIDFormat"));
    assert_schema_valid(&xml, "minimal.xml");
    let doc = Document::parse_str(&xml).unwrap();
    assert_eq!(doc.root_element().attribute("entityID"), Some("https://sp.example.com/saml?a=1&b=<2>"));
    assert_eq!(doc.root_element().attribute("validUntil"), Some("2030-01-01T00:00:00Z"));
}

#[test]
fn signed_sp_metadata_is_schema_valid_and_verifies_with_samlguard_and_xmlsec1() {
    let sp = configured_sp();
    let signed = sp_metadata_signed(&sp, &SpMetadataOptions::new()).unwrap();
    assert_schema_valid(&signed, "sp-signed.xml");
    // Deterministic: the ID comes from the content, and RSA PKCS#1 v1.5 signatures are deterministic.
    assert_eq!(signed, sp_metadata_signed(&sp, &SpMetadataOptions::new()).unwrap());

    let doc = Document::parse_str(&signed).unwrap();
    let root = doc.root_element();
    let first = root.child_elements().next().unwrap();
    assert_eq!(first.local_name(), "Signature", "the signature is the first child of EntityDescriptor");
    let id = root.attribute("ID").expect("an ID").to_owned();
    assert!(id.starts_with('_') && id.len() == 41, "{id}");
    let verified = verify_document(&doc, &[cert("sp.crt")], &AlgorithmPolicy::default()).unwrap();
    assert_eq!(verified.signed_element().id(), root.id());
    // Another key does not verify it.
    assert!(verify_document(&doc, &[cert("idp-2023.crt")], &AlgorithmPolicy::default()).is_err());

    // xmlsec1, an independent implementation, verifies it too; and refuses a changed copy.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("sp-signed.xml");
    std::fs::write(&file, &signed).unwrap();
    let xmlsec1 = |path: &Path| {
        tool(
            "xmlsec1",
            &[
                "--verify",
                "--pubkey-cert-pem",
                dir().join("sp.crt").to_str().unwrap(),
                "--id-attr:ID",
                "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor",
                path.to_str().unwrap(),
            ],
            "xmlsec1",
        )
    };
    let out = xmlsec1(&file);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.lines().any(|l| l.trim() == "OK"), "xmlsec1 refused:\n{text}");
    let tampered = tmp.path().join("sp-tampered.xml");
    std::fs::write(&tampered, signed.replace("saml/acs", "saml/evil")).unwrap();
    assert!(!xmlsec1(&tampered).status.success(), "xmlsec1 accepted a changed document");

    // And `metadata idp` explains it properly when given by mistake.
    let err = inspect_idp_metadata(signed.as_bytes(), at(NOW), None).unwrap_err();
    assert!(err.to_string().contains("service-provider metadata"));
}

#[test]
fn signing_needs_a_key_that_belongs_to_the_certificate() {
    let no_key =
        ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs")
            .certificate(cert("sp.crt"))
            .build()
            .unwrap();
    let err = sp_metadata_signed(&no_key, &SpMetadataOptions::new()).unwrap_err();
    assert!(err.to_string().contains("[sp] private_key"), "{err}");

    let key = SigningKey::from_pkcs8_pem(&read("sp.key")).unwrap();
    let err =
        ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs")
            .certificate(cert("idp-2023.crt"))
            .signing_key(key.clone())
            .build()
            .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ConfigurationError);
    assert!(err.detail().found.contains("does not belong"), "{}", err.detail().found);
    let err =
        ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs")
            .signing_key(key)
            .build()
            .unwrap_err();
    assert!(err.detail().found.contains("without [sp] certificate"), "{}", err.detail().found);
}

#[test]
fn config_file_private_key_is_checked() {
    let tmp = tempfile::tempdir().unwrap();
    for f in ["sp.crt", "sp.key", "idp-2023.crt", "idp-2023.key"] {
        std::fs::copy(dir().join(f), tmp.path().join(f)).unwrap();
    }
    let base = "[sp]\nentity_id = \"https://sp.example.com/m\"\nacs_url = \"https://sp.example.com/acs\"\n";
    let idp = "[idp]\nentity_id = \"https://idp.example.com/metadata\"\ncertificates = [\"idp-2023.crt\"]\n";
    let ok = Config::from_toml_str(
        &format!("{base}certificate = \"sp.crt\"\nprivate_key = \"sp.key\"\n{idp}"),
        tmp.path(),
    )
    .unwrap();
    assert!(ok.service_provider().signing_key().is_some());
    let wrong = Config::from_toml_str(
        &format!("{base}certificate = \"sp.crt\"\nprivate_key = \"idp-2023.key\"\n{idp}"),
        tmp.path(),
    )
    .unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::ConfigurationError);
    assert!(wrong.detail().found.contains("does not belong"), "{}", wrong.detail().found);
    let missing =
        Config::from_toml_str(&format!("{base}private_key = \"nope.key\"\n{idp}"), tmp.path()).unwrap_err();
    assert!(missing.detail().found.contains("cannot be read"), "{}", missing.detail().found);
    let not_a_key =
        Config::from_toml_str(&format!("{base}private_key = \"sp.crt\"\n{idp}"), tmp.path()).unwrap_err();
    assert!(
        not_a_key.detail().found.contains("not a usable [sp] private_key"),
        "{}",
        not_a_key.detail().found
    );
}
