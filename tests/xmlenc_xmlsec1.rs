//! XML Encryption interoperability: assertions encrypted by xmlsec1 (libxmlsec1 + OpenSSL) and by the
//! openssl CLI decrypt and validate in samlguard.
//!
//! The IdP side is played by independent tools, on a Response that the testkit builds and samlguard's
//! [`Signer`] signs with the IdP key (`testdata/keys/rsa2048`):
//!
//! - **xmlsec1 end to end**: `xmlsec1 --encrypt --pubkey-cert-pem SP.crt --session-key aes-N
//!   --xml-data RESPONSE --node-xpath //Assertion TEMPLATE` encrypts the assertion *in place* inside its
//!   `saml2:EncryptedAssertion`, as an IdP does (libxml2 serialises the assertion without the `saml2`
//!   declaration, which only the Response carries: the namespace context matters). xmlsec1 1.2.x knows
//!   one RSA-OAEP variant: `rsa-oaep-mgf1p` with SHA-1. Each of the six content algorithms is run with
//!   the assertion signed (Response unsigned, the ADFS / Shibboleth shape) and with the Response signed
//!   after encryption (assertion unsigned, the Okta / OneLogin shape).
//! - **xmlsec1 content + openssl key transport**: for the OAEP variants xmlsec1 1.2 cannot write
//!   (`xmlenc11#rsa-oaep` with SHA-1, SHA-256 + `mgf1sha256`, SHA-384 + `mgf1sha384`, SHA-512 +
//!   `mgf1sha512`), xmlsec1 encrypts the content with a known AES key (`--aeskey`), `openssl pkeyutl
//!   -encrypt -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:… -pkeyopt rsa_mgf1_md:…` wraps that
//!   key for the SP certificate, and the `xenc:EncryptedKey` is written around openssl's output, inline
//!   or detached (Okta's `RetrievalMethod` shape).
//! - **refusals**: `rsa-1_5` (written by xmlsec1), and OAEP with different digest and MGF1 hashes
//!   (written by openssl: `rsa-oaep-mgf1p` with a SHA-256 digest, `xmlenc11#rsa-oaep` with SHA-256 and
//!   MGF1-SHA1) are code 13 with a reason; an assertion encrypted by xmlsec1 for another SP key, or
//!   with its ciphertext altered, is code 13 with the one detail of every decryption failure.
//!
//! xmlsec1 and openssl are required (`apt-get install xmlsec1 openssl`): when one is missing the test
//! fails, it never passes silently. `XMLSEC1` overrides the xmlsec1 path.
#![cfg(all(feature = "encryption", feature = "testkit"))]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use samlguard::testkit::ResponseBuilder;
use samlguard::{
    Certificate, DecryptionKey, ErrorCode, IdentityProvider, Login, ServiceProvider, Signer, SigningKey,
    SsoError, SsoRequest, Validator,
};

const IDP: &str = "https://idp.example.com/metadata";
const SP: &str = "https://sp.example.com/saml/metadata";
const ACS: &str = "https://sp.example.com/saml/acs";
const FAILED: &str = "the encrypted assertion could not be decrypted with the SP key";

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(repo(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn now() -> DateTime<Utc> {
    "2030-01-01T12:00:00Z".parse().unwrap()
}

fn idp_key() -> SigningKey {
    SigningKey::from_pkcs8_pem(&read("testdata/keys/rsa2048.key")).unwrap()
}

fn idp_cert() -> Certificate {
    Certificate::from_pem(&read("testdata/keys/rsa2048.crt")).unwrap()
}

fn validate(xml: &[u8]) -> Result<Login, SsoError> {
    let key = DecryptionKey::from_pem(&read("testdata/xmlenc/sp.key")).unwrap();
    let sp = ServiceProvider::builder(SP, ACS).decryption_key(key).build().unwrap();
    let idp = IdentityProvider::builder(IDP).certificate(idp_cert()).build();
    Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml, now()))
}

// ---------------------------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------------------------

fn run(tool: &str, args: &[&str], install: &str) -> std::process::Output {
    match Command::new(tool).args(args).output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("{tool} is not installed, and this interop test needs it: apt-get install {install}")
        }
        Err(e) => panic!("cannot run {tool}: {e}"),
    }
}

fn xmlsec1(args: &[&str]) -> Vec<u8> {
    let tool = std::env::var("XMLSEC1").unwrap_or_else(|_| "xmlsec1".to_string());
    let out = run(&tool, args, "xmlsec1");
    assert!(out.status.success(), "xmlsec1 {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn openssl(args: &[&str]) -> Vec<u8> {
    let out = run("openssl", args, "openssl");
    assert!(out.status.success(), "openssl {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

// ---------------------------------------------------------------------------------------------
// The IdP side
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
struct Content {
    uri: &'static str,
    /// xmlsec1's `--session-key` name.
    session: &'static str,
    key_len: usize,
}

const CONTENTS: [Content; 6] = [
    Content { uri: "http://www.w3.org/2009/xmlenc11#aes128-gcm", session: "aes-128", key_len: 16 },
    Content { uri: "http://www.w3.org/2009/xmlenc11#aes192-gcm", session: "aes-192", key_len: 24 },
    Content { uri: "http://www.w3.org/2009/xmlenc11#aes256-gcm", session: "aes-256", key_len: 32 },
    Content { uri: "http://www.w3.org/2001/04/xmlenc#aes128-cbc", session: "aes-128", key_len: 16 },
    Content { uri: "http://www.w3.org/2001/04/xmlenc#aes192-cbc", session: "aes-192", key_len: 24 },
    Content { uri: "http://www.w3.org/2001/04/xmlenc#aes256-cbc", session: "aes-256", key_len: 32 },
];

fn short(uri: &str) -> &str {
    uri.rsplit('#').next().unwrap()
}

const XENC: &str =
    r#"xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#""#;

/// How the IdP signs around encryption.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Signed {
    /// The assertion signed, then encrypted; the Response unsigned.
    Assertion,
    /// The assertion encrypted unsigned; the Response signed afterwards.
    Response,
}

struct Idp {
    dir: tempfile::TempDir,
    builder: ResponseBuilder,
}

impl Idp {
    fn new() -> Idp {
        Idp {
            dir: tempfile::tempdir().unwrap(),
            builder: ResponseBuilder::okta(IDP, SP, ACS, now()).sign_with(idp_key(), idp_cert()),
        }
    }

    fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    /// The Response with its assertion (signed or not) inside an EncryptedAssertion, in plaintext: the
    /// `--xml-data` input of xmlsec1.
    fn plaintext_response(&self, signed: Signed) -> String {
        let unsigned = self.builder.unsigned_xml();
        let xml = match signed {
            Signed::Assertion => Signer::new(idp_key(), idp_cert())
                .sign_enveloped(&unsigned, self.builder.get_assertion_id())
                .unwrap(),
            Signed::Response => unsigned,
        };
        let s = xml.find("<saml2:Assertion").unwrap();
        let e = xml.find("</saml2:Assertion>").unwrap() + "</saml2:Assertion>".len();
        format!(
            "{}<saml2:EncryptedAssertion>{}</saml2:EncryptedAssertion>{}",
            &xml[..s],
            &xml[s..e],
            &xml[e..]
        )
    }

    /// xmlsec1 encrypts the assertion in place, with `template`, using `keys` (xmlsec1 arguments).
    fn xmlsec1_encrypt(&self, signed: Signed, template: &str, keys: &[&str]) -> String {
        let data = self.file("response.xml", self.plaintext_response(signed).as_bytes());
        let tmpl = self.file("template.xml", template.as_bytes());
        let mut args = vec!["--encrypt"];
        args.extend_from_slice(keys);
        args.extend_from_slice(&[
            "--xml-data",
            path(&data),
            "--node-xpath",
            "//*[local-name()='Assertion']",
            path(&tmpl),
        ]);
        let out = String::from_utf8(xmlsec1(&args)).unwrap();
        assert!(out.contains("<saml2:EncryptedAssertion><xenc:EncryptedData"), "{out}");
        assert!(!out.contains("<saml2:Assertion"), "xmlsec1 left the assertion in clear:\n{out}");
        out
    }

    /// Signs the Response afterwards when the shape asks for it.
    fn finish(&self, signed: Signed, xml: String) -> String {
        match signed {
            Signed::Assertion => xml,
            Signed::Response => Signer::new(idp_key(), idp_cert())
                .sign_enveloped(&xml, self.builder.get_response_id())
                .unwrap(),
        }
    }

    /// xmlsec1 end to end: rsa-oaep-mgf1p (SHA-1) key transport of an xmlsec1 session key.
    fn xmlsec1_only(&self, c: &Content, transport: &str, signed: Signed, cert: &str) -> String {
        let template = format!(
            r#"<xenc:EncryptedData {XENC} Type="http://www.w3.org/2001/04/xmlenc#Element"><xenc:EncryptionMethod Algorithm="{}"/><ds:KeyInfo><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="{transport}"/><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>"#,
            c.uri
        );
        let cert = repo(cert);
        let xml = self.xmlsec1_encrypt(
            signed,
            &template,
            &["--pubkey-cert-pem", path(&cert), "--session-key", c.session],
        );
        self.finish(signed, xml)
    }

    /// xmlsec1 encrypts the content with a known AES key; openssl wraps that key with OAEP
    /// (`oaep_md`, `mgf1_md`); the EncryptedKey says `method` (its inner XML is `method_children`).
    fn xmlsec1_and_openssl(
        &self,
        c: &Content,
        signed: Signed,
        oaep: (&str, &str),
        method: &str,
        method_children: &str,
        detached: bool,
    ) -> String {
        let mut aes = vec![0u8; c.key_len];
        aws_lc_rs::rand::fill(&mut aes).unwrap();
        let aes_file = self.file("session.bin", &aes);
        let template = format!(
            r#"<xenc:EncryptedData {XENC} Id="_ed1" Type="http://www.w3.org/2001/04/xmlenc#Element"><xenc:EncryptionMethod Algorithm="{}"/><ds:KeyInfo><ds:KeyName>session</ds:KeyName></ds:KeyInfo><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>"#,
            c.uri
        );
        let xml = self.xmlsec1_encrypt(signed, &template, &["--aeskey:session", path(&aes_file)]);
        let cert = repo("testdata/xmlenc/sp.crt");
        let wrapped = openssl(&[
            "pkeyutl",
            "-encrypt",
            "-certin",
            "-inkey",
            path(&cert),
            "-pkeyopt",
            "rsa_padding_mode:oaep",
            "-pkeyopt",
            &format!("rsa_oaep_md:{}", oaep.0),
            "-pkeyopt",
            &format!("rsa_mgf1_md:{}", oaep.1),
            "-in",
            path(&aes_file),
        ]);
        let cipher_value = base64::engine::general_purpose::STANDARD.encode(&wrapped);
        let key_name = "<ds:KeyInfo><ds:KeyName>session</ds:KeyName></ds:KeyInfo>";
        assert!(xml.contains(key_name), "{xml}");
        let key = |id: &str| {
            format!(
                r#"<xenc:EncryptedKey{id}><xenc:EncryptionMethod Algorithm="{method}">{method_children}</xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue>{cipher_value}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey>"#
            )
        };
        let xml = if detached {
            // Okta's shape: the EncryptedKey beside the EncryptedData, named by a RetrievalMethod.
            let retrieval = r##"<ds:KeyInfo><ds:RetrievalMethod Type="http://www.w3.org/2001/04/xmlenc#EncryptedKey" URI="#_ek1"/></ds:KeyInfo>"##;
            let ek = key(&format!(r#" {XENC} Id="_ek1""#));
            xml.replacen(key_name, retrieval, 1).replacen(
                "</xenc:EncryptedData></saml2:EncryptedAssertion>",
                &format!("</xenc:EncryptedData>{ek}</saml2:EncryptedAssertion>"),
                1,
            )
        } else {
            xml.replacen(key_name, &format!("<ds:KeyInfo>{}</ds:KeyInfo>", key("")), 1)
        };
        self.finish(signed, xml)
    }
}

fn require_tools() -> String {
    let v = String::from_utf8(xmlsec1(&["--version"])).unwrap();
    let o = String::from_utf8(openssl(&["version"])).unwrap();
    format!("{} / {}", v.trim(), o.trim())
}

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------

const SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";
const RSA_OAEP_MGF1P: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
const RSA_OAEP_11: &str = "http://www.w3.org/2009/xmlenc11#rsa-oaep";

fn mgf(name: &str) -> String {
    format!(
        r#"<xenc11:MGF xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" Algorithm="http://www.w3.org/2009/xmlenc11#mgf1{name}"/>"#
    )
}

fn digest(uri: &str) -> String {
    format!(r#"<ds:DigestMethod xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Algorithm="{uri}"/>"#)
}

#[test]
fn assertions_encrypted_by_xmlsec1_and_openssl_decrypt_and_validate() {
    let tools = require_tools();
    let idp = Idp::new();
    let mut matrix = String::new();
    let mut count = 0;
    let mut check = |what: String, xml: String, signed: Signed| {
        let login = validate(xml.as_bytes()).unwrap_or_else(|e| panic!("{what}: {e}\n{xml}"));
        assert_eq!(login.name_id.value, "alice@example.com", "{what}");
        assert_eq!(login.response_signed, signed == Signed::Response, "{what}");
        assert_eq!(login.assertion_signed, signed == Signed::Assertion, "{what}");
        count += 1;
        let _ = writeln!(matrix, "  ok  {what}");
    };
    for c in &CONTENTS {
        for signed in [Signed::Assertion, Signed::Response] {
            let xml = idp.xmlsec1_only(c, RSA_OAEP_MGF1P, signed, "testdata/xmlenc/sp.crt");
            check(
                format!("xmlsec1: rsa-oaep-mgf1p (SHA-1) × {} [{signed:?} signed]", short(c.uri)),
                xml,
                signed,
            );
        }
    }
    let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256";
    let sha384 = "http://www.w3.org/2001/04/xmldsig-more#sha384";
    let sha512 = "http://www.w3.org/2001/04/xmlenc#sha512";
    let variants: Vec<(&str, (&str, &str), &str, String)> = vec![
        ("rsa-oaep-mgf1p + DigestMethod sha1", ("sha1", "sha1"), RSA_OAEP_MGF1P, digest(SHA1)),
        ("xmlenc11 rsa-oaep (SHA-1 / MGF1-SHA1 defaults)", ("sha1", "sha1"), RSA_OAEP_11, String::new()),
        ("xmlenc11 rsa-oaep sha1 + mgf1sha1", ("sha1", "sha1"), RSA_OAEP_11, digest(SHA1) + &mgf("sha1")),
        (
            "xmlenc11 rsa-oaep sha256 + mgf1sha256",
            ("sha256", "sha256"),
            RSA_OAEP_11,
            digest(sha256) + &mgf("sha256"),
        ),
        (
            "xmlenc11 rsa-oaep sha384 + mgf1sha384",
            ("sha384", "sha384"),
            RSA_OAEP_11,
            digest(sha384) + &mgf("sha384"),
        ),
        (
            "xmlenc11 rsa-oaep sha512 + mgf1sha512",
            ("sha512", "sha512"),
            RSA_OAEP_11,
            digest(sha512) + &mgf("sha512"),
        ),
    ];
    for (name, oaep, method, children) in &variants {
        for c in &CONTENTS {
            for (signed, detached) in [(Signed::Assertion, false), (Signed::Response, true)] {
                let xml = idp.xmlsec1_and_openssl(c, signed, *oaep, method, children, detached);
                let placement = if detached { "detached EncryptedKey" } else { "inline EncryptedKey" };
                check(
                    format!(
                        "xmlsec1 content + openssl {name} × {} [{signed:?} signed, {placement}]",
                        short(c.uri)
                    ),
                    xml,
                    signed,
                );
            }
        }
    }
    println!("XML Encryption interop with {tools}: {count} encrypted responses decrypted and validated");
    print!("{matrix}");
}

#[test]
fn what_samlguard_refuses_or_cannot_decrypt_is_13() {
    require_tools();
    let idp = Idp::new();
    let gcm = &CONTENTS[0];
    let cbc = &CONTENTS[5];
    // Refused with a reason, before the key is used.
    let rsa15 = idp.xmlsec1_only(
        gcm,
        "http://www.w3.org/2001/04/xmlenc#rsa-1_5",
        Signed::Assertion,
        "testdata/xmlenc/sp.crt",
    );
    let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256";
    let mixed1 = idp.xmlsec1_and_openssl(
        gcm,
        Signed::Assertion,
        ("sha256", "sha1"),
        RSA_OAEP_MGF1P,
        &digest(sha256),
        false,
    );
    let mixed2 = idp.xmlsec1_and_openssl(
        cbc,
        Signed::Assertion,
        ("sha256", "sha1"),
        RSA_OAEP_11,
        &digest(sha256),
        false,
    );
    for (name, xml, reason) in [
        ("rsa-1_5 (xmlsec1)", rsa15, "Bleichenbacher"),
        ("rsa-oaep-mgf1p with a SHA-256 digest (openssl)", mixed1, "same hash for both"),
        ("xmlenc11 rsa-oaep SHA-256 + MGF1-SHA1 (openssl)", mixed2, "same hash for both"),
    ] {
        let e = validate(xml.as_bytes()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidAssertion, "{name}: {e}");
        assert_eq!(e.detail().found, FAILED, "{name}");
        assert!(e.detail().fix.as_deref().unwrap_or("").contains(reason), "{name}: {e}");
    }
    // Not decryptable: the one detail.
    let other = idp.xmlsec1_only(cbc, RSA_OAEP_MGF1P, Signed::Assertion, "testdata/xmlenc/other.crt");
    let good = idp.xmlsec1_only(cbc, RSA_OAEP_MGF1P, Signed::Assertion, "testdata/xmlenc/sp.crt");
    let end = good.rfind("</xenc:CipherValue>").unwrap();
    let start = good[..end].rfind("<xenc:CipherValue>").unwrap() + "<xenc:CipherValue>".len();
    let mut tampered = good.clone().into_bytes();
    // A base64 character in the middle of the content ciphertext (full 6 bits, never a padding bit).
    let i = (start + (end - start) / 2..end).find(|&i| tampered[i].is_ascii_alphanumeric()).unwrap();
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let mut details = Vec::new();
    for (name, xml) in [("encrypted for another SP", other.into_bytes()), ("ciphertext altered", tampered)] {
        let e = validate(&xml).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidAssertion, "{name}: {e}");
        assert_eq!(e.detail().found, FAILED, "{name}");
        details.push(e.detail().to_string());
    }
    assert_eq!(details[0], details[1]);
}
