//! Reading what administrators upload: certificates and private keys as PEM, DER or PKCS#12.
//!
//! [`KeyFile::parse`] takes the bytes of one file and finds every certificate and private key in it,
//! decrypting with a password where the file or a key is encrypted. It never fails as a whole: what
//! it cannot use is listed in [`KeyFile::problems`], each with what was found and how to fix it, and
//! everything else still loads (a PEM file with text around its blocks, a bundle with one damaged
//! block). The certificate doctor ([`check`](crate::check)) turns these problems into findings.
//!
//! Of a private key only the **public** key is kept, derived from the key (RSA: n and e; EC: the
//! public point, computed from the private scalar for P-256 and P-384; Ed25519: computed from the
//! seed), so that it can be compared with a certificate's. The decrypted key bytes samlguard holds are
//! wiped when dropped.
//!
//! Supported: PEM `CERTIFICATE` blocks (one or many) and DER certificates; PKCS#12 (`.p12`/`.pfx`)
//! protected with PBES2 (PBKDF2 + AES-CBC or 3DES, as OpenSSL 3 writes) or the legacy
//! pbeWithSHAAnd3-KeyTripleDES-CBC and pbeWithSHAAnd40BitRC2-CBC (OpenSSL 1.x, `-legacy`, Windows and
//! Java exports); private keys as PKCS#1 (`RSA PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`), PKCS#8
//! (`PRIVATE KEY`), encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`: PBES2, or the PKCS#12 PBE schemes)
//! and OpenSSL's legacy encrypted PEM (`Proc-Type: 4,ENCRYPTED` with `DEK-Info` DES-EDE3-CBC,
//! DES-CBC or AES-128/192/256-CBC), in PEM or DER.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockCipherDecrypt, BlockModeDecrypt, KeyInit, KeyIvInit};
use md5::{Digest as _, Md5};
use pkcs8::der::{Decode, Encode};
use pkcs8::{ObjectIdentifier, PrivateKeyInfoRef};
use zeroize::Zeroizing;

use crate::cert::{Certificate, PublicKey};

/// Most PBKDF2 / PKCS#12-KDF iterations a file may ask for (OpenSSL writes 2048; a hostile file
/// could ask for billions and keep the check busy for hours).
const MAX_KDF_ITERATIONS: u64 = 1_000_000;

/// Most scrypt work (N × r × p) a file may ask for.
const MAX_SCRYPT_COST: u64 = 1 << 22;

/// The key formats named when a key cannot be used.
pub const SUPPORTED_KEY_FORMATS: &str = "RSA or EC (P-256, P-384, or another named curve with its public point) \
    or Ed25519 keys as PKCS#1 (RSA PRIVATE KEY), SEC1 (EC PRIVATE KEY), PKCS#8 (PRIVATE KEY), encrypted PKCS#8 \
    (ENCRYPTED PRIVATE KEY), OpenSSL legacy encrypted PEM (Proc-Type: 4,ENCRYPTED) or PKCS#12 (.p12/.pfx)";

/// What kind of file it was.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    /// PEM text: `-----BEGIN ...-----` blocks.
    Pem,
    /// One DER structure: a certificate or a private key.
    Der,
    /// A PKCS#12 (PFX) archive.
    Pkcs12,
    /// Nothing usable was recognised.
    Unknown,
}

/// How a private key was stored.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFormat {
    /// PKCS#1 `RSAPrivateKey` (PEM `RSA PRIVATE KEY`).
    Pkcs1,
    /// SEC1 `ECPrivateKey` (PEM `EC PRIVATE KEY`).
    Sec1,
    /// PKCS#8 `PrivateKeyInfo` (PEM `PRIVATE KEY`).
    Pkcs8,
    /// PKCS#8 `EncryptedPrivateKeyInfo` (PEM `ENCRYPTED PRIVATE KEY`).
    EncryptedPkcs8,
    /// OpenSSL's legacy PEM encryption (`Proc-Type: 4,ENCRYPTED`, `DEK-Info`).
    LegacyEncryptedPem,
    /// A key bag in a PKCS#12 archive.
    Pkcs12,
}

impl fmt::Display for KeyFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyFormat::Pkcs1 => "PKCS#1",
            KeyFormat::Sec1 => "SEC1",
            KeyFormat::Pkcs8 => "PKCS#8",
            KeyFormat::EncryptedPkcs8 => "encrypted PKCS#8",
            KeyFormat::LegacyEncryptedPem => "legacy encrypted PEM",
            KeyFormat::Pkcs12 => "PKCS#12",
        })
    }
}

/// Where text outside the PEM blocks was found.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrayPlace {
    /// Before the first `-----BEGIN` line.
    BeforeFirstBlock,
    /// Between an `-----END` line and the next `-----BEGIN` line.
    BetweenBlocks,
    /// After the last `-----END` line.
    AfterLastBlock,
}

impl fmt::Display for StrayPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StrayPlace::BeforeFirstBlock => "before the first -----BEGIN line",
            StrayPlace::BetweenBlocks => "between two PEM blocks",
            StrayPlace::AfterLastBlock => "after the last -----END line",
        })
    }
}

/// Something in an uploaded file that could not be used as it is.
///
/// [`KeyFileError::is_warning`] problems leave everything loaded; [`KeyFileError::is_key_problem`]
/// ones concern a private key (a password, or a key type) rather than the file's structure.
///
/// ```
/// let file = samlguard::KeyFile::parse(b"hello", None);
/// assert!(matches!(file.problems(), [samlguard::KeyFileError::Unrecognized { .. }]));
/// ```
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyFileError {
    /// Text or blank lines outside the PEM blocks. The blocks still load, but strict systems refuse
    /// such uploads.
    #[error(
        "{} {place} ({}): delete everything before -----BEGIN and after -----END, and blank lines between blocks",
        line_range(*first_line, *last_line),
        if *blank { "blank" } else { "text" }
    )]
    TextOutsidePem {
        /// First line of the run (1-based).
        first_line: usize,
        /// Last line of the run.
        last_line: usize,
        /// Where the run is.
        place: StrayPlace,
        /// Whether every line of the run is blank.
        blank: bool,
    },
    /// The file is base64 without `-----BEGIN`/`-----END` lines; it was read anyway.
    #[error(
        "the file is bare base64 without -----BEGIN {label}----- and -----END {label}----- lines: add them"
    )]
    NoPemArmor {
        /// The label the lines should carry.
        label: String,
    },
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// Neither PEM, nor DER, nor PKCS#12.
    #[error(
        "{found}: expected a PEM file (-----BEGIN CERTIFICATE-----), a DER certificate or a PKCS#12 (.p12/.pfx) file"
    )]
    Unrecognized {
        /// What the bytes look like (never their content).
        found: String,
    },
    /// A PEM block or DER structure that is broken.
    #[error("{location}: {reason}")]
    Malformed {
        /// Which block ("block 2 at line 31") or structure.
        location: String,
        /// What is wrong, and the fix where one is known.
        reason: String,
    },
    /// A block that holds something other than a certificate or private key.
    #[error("{location} is {what}, not a certificate: {fix}")]
    NotACertificate {
        /// Which block.
        location: String,
        /// What it is ("a certificate signing request (CSR)").
        what: String,
        /// What to upload instead.
        fix: String,
    },
    /// An encrypted key or PKCS#12 file, and no password.
    #[error(
        "{what} is password-protected and no password was given: supply the password it was exported with"
    )]
    PasswordRequired {
        /// What needs the password ("the encrypted PKCS#8 key in block 1 at line 1").
        what: String,
    },
    /// The password did not decrypt it.
    #[error(
        "the password does not decrypt {what} (or the file is damaged): check the password; `openssl {tool}` \
         asks for it and says whether it is right"
    )]
    WrongPassword {
        /// What the password was for.
        what: String,
        /// The openssl command that reads it (`pkcs12 -info -in FILE`).
        tool: String,
    },
    /// Encrypted with a scheme samlguard does not decrypt.
    #[error(
        "{what} is encrypted with {scheme}, which samlguard cannot decrypt: re-export it with AES \
         (`openssl pkcs8 -topk8 -v2 aes-256-cbc` for a key, `openssl pkcs12 -export` of OpenSSL 3 for a PKCS#12 file)"
    )]
    UnsupportedEncryption {
        /// What is encrypted.
        what: String,
        /// The scheme (name or OID).
        scheme: String,
    },
    /// A key type or key container samlguard does not read.
    #[error("{what} is {found}, which is not supported; supported are {SUPPORTED_KEY_FORMATS}")]
    UnsupportedKey {
        /// Which key.
        what: String,
        /// What it is ("an X25519 key", "a DSA PRIVATE KEY block").
        found: String,
    },
    /// A private key whose structure is broken.
    #[error("{what} is malformed: {reason}")]
    MalformedKey {
        /// Which key.
        what: String,
        /// What the parser found wrong.
        reason: String,
    },
}

fn line_range(first: usize, last: usize) -> String {
    if first == last { format!("line {first} is") } else { format!("lines {first}-{last} are") }
}

impl KeyFileError {
    /// Whether everything still loaded (text around PEM blocks, missing PEM lines).
    ///
    /// ```
    /// use samlguard::KeyFileError;
    /// assert!(KeyFileError::NoPemArmor { label: "CERTIFICATE".into() }.is_warning());
    /// assert!(!KeyFileError::Empty.is_warning());
    /// ```
    pub fn is_warning(&self) -> bool {
        matches!(self, KeyFileError::TextOutsidePem { .. } | KeyFileError::NoPemArmor { .. })
    }

    /// Whether this is about decrypting or using a private key (or a PKCS#12 file's password):
    /// a missing or wrong password, an unsupported or malformed key.
    ///
    /// ```
    /// use samlguard::KeyFileError;
    /// assert!(KeyFileError::PasswordRequired { what: "the key".into() }.is_key_problem());
    /// assert!(!KeyFileError::Empty.is_key_problem());
    /// ```
    pub fn is_key_problem(&self) -> bool {
        matches!(
            self,
            KeyFileError::PasswordRequired { .. }
                | KeyFileError::WrongPassword { .. }
                | KeyFileError::UnsupportedEncryption { .. }
                | KeyFileError::UnsupportedKey { .. }
                | KeyFileError::MalformedKey { .. }
        )
    }
}

/// A private key found in a file: its format and its public key (the private part is not kept).
#[derive(Clone, PartialEq, Eq)]
pub struct LoadedKey {
    format: KeyFormat,
    location: String,
    public_key: PublicKey,
    /// The subjectPublicKey bits a certificate for this key carries (RSA: RSAPublicKey DER;
    /// EC: the uncompressed point; Ed25519: the 32 bytes).
    public_bits: Vec<u8>,
}

impl LoadedKey {
    /// How the key was stored.
    pub fn format(&self) -> KeyFormat {
        self.format
    }

    /// Where in the file it was: "block 1 at line 1", "the PKCS#12 key bag", "the DER key".
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The key's public key, comparable with [`Certificate::public_key`]. Keys samlguard cannot
    /// verify with (other EC curves, Ed25519) are [`PublicKey::Other`].
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// Whether `certificate` carries this key's public key (the certificate was issued for it).
    ///
    /// ```
    /// # let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/doctor/");
    /// let key = samlguard::KeyFile::parse(&std::fs::read(format!("{dir}leaf-pkcs1.key")).unwrap(), None);
    /// let cert = samlguard::Certificate::from_pem(&std::fs::read(format!("{dir}leaf.crt")).unwrap()).unwrap();
    /// assert!(key.private_keys()[0].matches(&cert));
    /// ```
    pub fn matches(&self, certificate: &Certificate) -> bool {
        match (&self.public_key, certificate.public_key()) {
            (PublicKey::Other { .. }, _) | (_, PublicKey::Other { .. }) => {
                certificate_public_bits(certificate).is_some_and(|bits| bits == self.public_bits)
            }
            (mine, theirs) => mine == theirs,
        }
    }
}

impl fmt::Debug for LoadedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadedKey")
            .field("format", &self.format)
            .field("location", &self.location)
            .field("public_key", &self.public_key.describe())
            .finish()
    }
}

/// The subjectPublicKey bit string of a certificate.
fn certificate_public_bits(certificate: &Certificate) -> Option<Vec<u8>> {
    let (_, parsed) = x509_parser::parse_x509_certificate(certificate.der()).ok()?;
    Some(parsed.tbs_certificate.subject_pki.subject_public_key.data.to_vec())
}

/// Everything found in one uploaded file.
///
/// ```
/// # let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/doctor/leaf-aes.p12")).unwrap();
/// let file = samlguard::KeyFile::parse(&bytes, Some("samlguard-doctor"));
/// assert_eq!(file.container(), samlguard::Container::Pkcs12);
/// assert_eq!((file.certificates().len(), file.private_keys().len()), (3, 1));
/// assert!(file.problems().is_empty());
/// ```
#[derive(Clone, Debug)]
pub struct KeyFile {
    container: Container,
    certificates: Vec<Certificate>,
    keys: Vec<LoadedKey>,
    problems: Vec<KeyFileError>,
}

impl KeyFile {
    /// Reads a file's bytes; `password` decrypts a PKCS#12 file or encrypted keys.
    pub fn parse(bytes: &[u8], password: Option<&str>) -> KeyFile {
        let mut file = KeyFile {
            container: Container::Unknown,
            certificates: Vec::new(),
            keys: Vec::new(),
            problems: Vec::new(),
        };
        if bytes.is_empty() {
            file.problems.push(KeyFileError::Empty);
        } else if contains(bytes, b"-----BEGIN ") {
            file.container = Container::Pem;
            file.read_pem(bytes, password);
        } else if bytes.first() == Some(&0x30) {
            file.read_der(bytes, password);
        } else if let Some(der) = bare_base64(bytes) {
            file.read_der(&der, password);
            let label = match file.container {
                Container::Pkcs12 => None,
                _ if !file.certificates.is_empty() => Some("CERTIFICATE"),
                _ => Some("PRIVATE KEY"),
            };
            if let Some(label) = label.filter(|_| file.problems.is_empty()) {
                file.problems.push(KeyFileError::NoPemArmor { label: label.to_owned() });
            }
        } else {
            file.problems.push(KeyFileError::Unrecognized { found: describe_bytes(bytes) });
        }
        file
    }

    /// What kind of file it was.
    pub fn container(&self) -> Container {
        self.container
    }

    /// The certificates, in file order.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }

    /// The private keys (public parts), in file order.
    pub fn private_keys(&self) -> &[LoadedKey] {
        &self.keys
    }

    /// What could not be used, in file order.
    pub fn problems(&self) -> &[KeyFileError] {
        &self.problems
    }

    fn read_pem(&mut self, bytes: &[u8], password: Option<&str>) {
        let (blocks, stray, broken) = split_pem(bytes);
        self.problems.extend(stray);
        for block in &blocks {
            let location = format!("block {} at line {}", block.index, block.begin_line);
            let body = match STANDARD.decode(&block.body) {
                Ok(body) => Zeroizing::new(body),
                Err(e) => {
                    self.problems.push(KeyFileError::Malformed {
                        location,
                        reason: format!("the {} block's body is not base64: {e}", block.label),
                    });
                    continue;
                }
            };
            match block.label.as_str() {
                "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                    // A TRUSTED CERTIFICATE is the certificate followed by OpenSSL's trust settings.
                    let der = match block.label.as_str() {
                        "TRUSTED CERTIFICATE" => first_der_element(&body).unwrap_or(&body),
                        _ => &body[..],
                    };
                    match Certificate::from_der(der) {
                        Ok(c) => self.certificates.push(c),
                        Err(e) => self.problems.push(KeyFileError::Malformed {
                            location,
                            reason: format!("the certificate cannot be read: {e}"),
                        }),
                    }
                }
                "PRIVATE KEY" => self.push_key(pkcs8_key(&body, KeyFormat::Pkcs8, &location)),
                "ENCRYPTED PRIVATE KEY" => {
                    let what = format!("the encrypted PKCS#8 key in {location}");
                    let key = decrypt_pkcs8(&body, password, &what)
                        .and_then(|plain| pkcs8_key(&plain, KeyFormat::EncryptedPkcs8, &location));
                    self.push_key(key);
                }
                "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
                    let rsa = block.label == "RSA PRIVATE KEY";
                    let key = match block.header("DEK-Info") {
                        None if block.header("Proc-Type").is_some_and(|p| p.contains("ENCRYPTED")) => {
                            Err(KeyFileError::MalformedKey {
                                what: format!("the {} in {location}", block.label),
                                reason: "Proc-Type says ENCRYPTED but there is no DEK-Info line".to_owned(),
                            })
                        }
                        None if rsa => pkcs1_key(&body, KeyFormat::Pkcs1, &location),
                        None => sec1_key(&body, None, KeyFormat::Sec1, &location),
                        Some(dek) => {
                            let what = format!("the legacy encrypted {} in {location}", block.label);
                            decrypt_legacy_pem(&body, dek, password, &what).and_then(|plain| {
                                if rsa {
                                    pkcs1_key(&plain, KeyFormat::LegacyEncryptedPem, &location)
                                } else {
                                    sec1_key(&plain, None, KeyFormat::LegacyEncryptedPem, &location)
                                }
                            })
                        }
                    };
                    self.push_key(key);
                }
                // `openssl ecparam -genkey` writes the curve before the key: nothing to check.
                "EC PARAMETERS" => {}
                label @ ("DSA PRIVATE KEY" | "OPENSSH PRIVATE KEY" | "ENCRYPTED DSA PRIVATE KEY") => {
                    self.problems.push(KeyFileError::UnsupportedKey {
                        what: format!("the key in {location}"),
                        found: format!("a {label} block"),
                    })
                }
                label => self.problems.push(not_a_certificate(label, location)),
            }
        }
        self.problems.extend(broken);
        if blocks.is_empty() && self.problems.iter().all(KeyFileError::is_warning) {
            self.problems.push(KeyFileError::Unrecognized { found: describe_bytes(bytes) });
        }
    }

    fn read_der(&mut self, der: &[u8], password: Option<&str>) {
        self.container = Container::Der;
        let certificate_error = match Certificate::from_der(der) {
            Ok(c) => {
                self.certificates.push(c);
                return;
            }
            Err(e) => e,
        };
        if looks_like_pfx(der) {
            self.container = Container::Pkcs12;
            self.read_pkcs12(der, password);
            return;
        }
        let location = "the DER key";
        if PrivateKeyInfoRef::try_from(der).is_ok() {
            self.push_key(pkcs8_key(der, KeyFormat::Pkcs8, location));
        } else if pkcs12::pbe_params::EncryptedPrivateKeyInfo::from_der(der).is_ok() {
            let what = "the encrypted PKCS#8 key (DER)";
            let key = decrypt_pkcs8(der, password, what)
                .and_then(|plain| pkcs8_key(&plain, KeyFormat::EncryptedPkcs8, location));
            self.push_key(key);
        } else if pkcs1::RsaPrivateKeyRef::try_from(der).is_ok() {
            self.push_key(pkcs1_key(der, KeyFormat::Pkcs1, location));
        } else if sec1::EcPrivateKey::try_from(der).is_ok() {
            self.push_key(sec1_key(der, None, KeyFormat::Sec1, location));
        } else {
            self.container = Container::Unknown;
            self.problems.push(KeyFileError::Malformed {
                location: "the DER data".to_owned(),
                reason: format!(
                    "neither a certificate, a PKCS#12 file nor a private key (as a certificate: {certificate_error})"
                ),
            });
        }
    }

    fn read_pkcs12(&mut self, der: &[u8], password: Option<&str>) {
        let what = "the PKCS#12 file".to_owned();
        let archive = match password {
            Some(p) => {
                p12_keystore::Pkcs12Archive::from_pkcs12(der, p).map_err(|e| pkcs12_error(e, what, true))
            }
            // Exports "without a password" use an empty one.
            None => {
                p12_keystore::Pkcs12Archive::from_pkcs12(der, "").map_err(|e| pkcs12_error(e, what, false))
            }
        };
        let archive = match archive {
            Ok(a) => a,
            Err(problem) => {
                self.problems.push(problem);
                return;
            }
        };
        for (i, bag) in archive.certs.iter().enumerate() {
            match Certificate::from_der(bag.cert.as_der()) {
                Ok(c) => self.certificates.push(c),
                Err(e) => self.problems.push(KeyFileError::Malformed {
                    location: format!("certificate bag {} of the PKCS#12 file", i + 1),
                    reason: format!("the certificate cannot be read: {e}"),
                }),
            }
        }
        for (i, bag) in archive.keys.iter().enumerate() {
            let location = format!("key bag {} of the PKCS#12 file", i + 1);
            self.push_key(pkcs8_key(bag.key.as_der(), KeyFormat::Pkcs12, &location));
        }
    }

    fn push_key(&mut self, key: Result<LoadedKey, KeyFileError>) {
        match key {
            Ok(k) => self.keys.push(k),
            Err(e) => self.problems.push(e),
        }
    }
}

fn pkcs12_error(e: p12_keystore::error::Error, what: String, had_password: bool) -> KeyFileError {
    use p12_keystore::error::Error as E;
    let tool = "pkcs12 -info -noout -legacy -in FILE".to_owned();
    match e {
        E::MacError(_) | E::UnpadError | E::Pkcs5Error(_) | E::InvalidPrivateKey if !had_password => {
            KeyFileError::PasswordRequired { what }
        }
        E::MacError(_) | E::UnpadError | E::Pkcs5Error(_) => KeyFileError::WrongPassword { what, tool },
        E::UnsupportedEncryptionScheme => KeyFileError::UnsupportedEncryption {
            what,
            scheme: "a scheme other than PBES2 (AES/3DES), PBE-SHA1-3DES or PBE-SHA1-RC2-40".to_owned(),
        },
        E::UnsupportedMacAlgorithm => KeyFileError::UnsupportedEncryption {
            what,
            scheme: "an integrity MAC other than HMAC-SHA-1/SHA-256".to_owned(),
        },
        E::InvalidParameters => KeyFileError::UnsupportedEncryption {
            what,
            scheme: format!("parameters beyond samlguard's limits (at most {MAX_KDF_ITERATIONS} iterations)"),
        },
        other => KeyFileError::Malformed {
            location: what,
            reason: format!("not a readable PKCS#12 file: {other}"),
        },
    }
}

fn not_a_certificate(label: &str, location: String) -> KeyFileError {
    let (what, fix) = match label {
        "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => (
            "a certificate signing request (CSR)",
            "send the CSR to the certificate authority and upload the certificate it returns",
        ),
        "PUBLIC KEY" | "RSA PUBLIC KEY" => {
            ("a bare public key", "upload the certificate that carries this key")
        }
        "PKCS7" | "CMS" => (
            "a PKCS#7 bundle",
            "extract the certificates with `openssl pkcs7 -print_certs -in FILE` and upload them as PEM",
        ),
        "X509 CRL" => ("a certificate revocation list", "upload the certificate instead"),
        _ => ("", "upload the certificate as PEM (-----BEGIN CERTIFICATE-----), DER or PKCS#12"),
    };
    let what = if what.is_empty() { format!("a {label} block") } else { what.to_owned() };
    KeyFileError::NotACertificate { location, what, fix: fix.to_owned() }
}

// ------------------------------------------------------------------------------------------------
// PEM
// ------------------------------------------------------------------------------------------------

struct PemBlock {
    index: usize,
    begin_line: usize,
    label: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl PemBlock {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Splits PEM text into blocks: `(blocks, text outside them, broken blocks)`.
fn split_pem(bytes: &[u8]) -> (Vec<PemBlock>, Vec<KeyFileError>, Vec<KeyFileError>) {
    let mut blocks = Vec::new();
    let mut broken = Vec::new();
    // Runs of lines outside blocks: (first, last, all blank, blocks seen before the run).
    let mut runs: Vec<(usize, usize, bool, usize)> = Vec::new();
    let mut open: Option<PemBlock> = None;
    let mut in_body = false;
    let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let seen = |blocks: &Vec<PemBlock>, broken: &Vec<KeyFileError>| blocks.len() + broken.len();
    for (n, raw) in lines.iter().enumerate() {
        let number = n + 1;
        let text = String::from_utf8_lossy(raw);
        let line = text.trim();
        let begin = line.strip_prefix("-----BEGIN ").and_then(|l| l.strip_suffix("-----"));
        let end = line.strip_prefix("-----END ").and_then(|l| l.strip_suffix("-----"));
        match open.take() {
            None => {
                if let Some(label) = begin {
                    let index = seen(&blocks, &broken) + 1;
                    open = Some(PemBlock {
                        index,
                        begin_line: number,
                        label: label.to_owned(),
                        headers: Vec::new(),
                        body: String::new(),
                    });
                    in_body = false;
                } else if let Some(label) = end {
                    broken.push(KeyFileError::Malformed {
                        location: format!("line {number}"),
                        reason: format!("an -----END {label}----- line without its -----BEGIN line"),
                    });
                } else {
                    let blank = line.is_empty();
                    let count = seen(&blocks, &broken);
                    match runs.last_mut() {
                        Some(run) if run.1 + 1 == number && run.3 == count => {
                            run.1 = number;
                            run.2 &= blank;
                        }
                        _ => runs.push((number, number, blank, count)),
                    }
                }
            }
            Some(mut block) => {
                if let Some(label) = end {
                    if label == block.label {
                        blocks.push(block);
                    } else {
                        broken.push(KeyFileError::Malformed {
                            location: format!("block {} at line {}", block.index, block.begin_line),
                            reason: format!(
                                "it begins as {} but ends as {label} (line {number})",
                                block.label
                            ),
                        });
                    }
                } else if let Some(label) = begin {
                    broken.push(KeyFileError::Malformed {
                        location: format!("block {} at line {}", block.index, block.begin_line),
                        reason: format!(
                            "the {} block has no -----END line before the {label} block at line {number}",
                            block.label
                        ),
                    });
                    let index = seen(&blocks, &broken) + 1;
                    open = Some(PemBlock {
                        index,
                        begin_line: number,
                        label: label.to_owned(),
                        headers: Vec::new(),
                        body: String::new(),
                    });
                    in_body = false;
                } else {
                    // RFC 1421 headers ("Proc-Type: 4,ENCRYPTED") come before the body.
                    match line.split_once(':') {
                        Some((name, value)) if !in_body => {
                            block.headers.push((name.trim().to_owned(), value.trim().to_owned()));
                        }
                        _ if line.is_empty() => {}
                        _ => {
                            in_body = true;
                            block.body.extend(line.chars().filter(|c| !c.is_whitespace()));
                        }
                    }
                    open = Some(block);
                }
            }
        }
    }
    if let Some(block) = open {
        broken.push(KeyFileError::Malformed {
            location: format!("block {} at line {}", block.index, block.begin_line),
            reason: format!("the {} block has no -----END line (the file is cut short?)", block.label),
        });
    }
    let total = seen(&blocks, &broken);
    let stray = if total == 0 {
        Vec::new()
    } else {
        runs.into_iter()
            .map(|(first_line, last_line, blank, before)| KeyFileError::TextOutsidePem {
                first_line,
                last_line,
                blank,
                place: match before {
                    0 => StrayPlace::BeforeFirstBlock,
                    n if n == total => StrayPlace::AfterLastBlock,
                    _ => StrayPlace::BetweenBlocks,
                },
            })
            .collect()
    };
    (blocks, stray, broken)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The bytes of a file that is nothing but base64 (whitespace allowed), decoded.
fn bare_base64(bytes: &[u8]) -> Option<Vec<u8>> {
    let compact: Vec<u8> = bytes.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    if compact.len() < 16 {
        return None;
    }
    STANDARD.decode(&compact).ok().filter(|der| der.first() == Some(&0x30))
}

fn describe_bytes(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(_) => format!("{} bytes of text without a -----BEGIN line", bytes.len()),
        Err(_) => match bytes.first() {
            Some(b) => format!("{} bytes of binary data starting with 0x{b:02x}", bytes.len()),
            None => "nothing".to_owned(),
        },
    }
}

/// The first DER element of `bytes` (tag, length, contents), or `None` when it is cut short.
fn first_der_element(bytes: &[u8]) -> Option<&[u8]> {
    let first = *bytes.get(1)?;
    let (header, len) = if first < 0x80 {
        (2, usize::from(first))
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let len = bytes.get(2..2 + n)?.iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (2 + n, len)
    };
    bytes.get(..header.checked_add(len)?)
}

/// PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, ... }.
fn looks_like_pfx(der: &[u8]) -> bool {
    let Some(outer) = first_der_element(der) else { return false };
    let header = if outer.get(1).is_some_and(|&b| b >= 0x80) { 2 + usize::from(outer[1] & 0x7f) } else { 2 };
    outer.get(header..header + 3) == Some(&[0x02, 0x01, 0x03])
}

// ------------------------------------------------------------------------------------------------
// Keys
// ------------------------------------------------------------------------------------------------

const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");
const OID_PBE_SHA1_RC2_128: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.5");
const OID_PBE_SHA1_RC2_40: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.6");
const OID_PBE_SHA1_3DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.3");
const OID_PBE_SHA1_2DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.4");

/// A key type's name for messages: "an X25519 key", "a DSA key", or its OID.
fn key_type_name(oid: &ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.2.840.10040.4.1" => "a DSA key".to_owned(),
        "1.3.101.110" => "an X25519 key (for key agreement, not signatures)".to_owned(),
        "1.3.101.111" => "an X448 key (for key agreement, not signatures)".to_owned(),
        "1.3.101.113" => "an Ed448 key".to_owned(),
        "1.2.840.10046.2.1" => "a Diffie-Hellman key".to_owned(),
        other => format!("a key of algorithm {other}"),
    }
}

fn curve_name(oid: &ObjectIdentifier) -> String {
    let parsed = x509_parser::der_parser::oid::Oid::new(oid.as_bytes().into());
    x509_parser::objects::oid2sn(&parsed, x509_parser::objects::oid_registry())
        .map_or_else(|_| oid.to_string(), str::to_owned)
}

fn pkcs8_key(der: &[u8], format: KeyFormat, location: &str) -> Result<LoadedKey, KeyFileError> {
    let what = || format!("the {format} key in {location}");
    let malformed = |reason: String| KeyFileError::MalformedKey { what: what(), reason };
    let info = PrivateKeyInfoRef::try_from(der)
        .map_err(|e| malformed(format!("not a PKCS#8 PrivateKeyInfo: {e}")))?;
    let oid = info.algorithm.oid;
    let inner = info.private_key.as_bytes();
    if oid == OID_RSA || oid == OID_RSA_PSS {
        pkcs1_key(inner, format, location)
    } else if oid == OID_EC {
        let curve = info.algorithm.parameters.and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        sec1_key(inner, curve, format, location)
    } else if oid == OID_ED25519 {
        // CurvePrivateKey ::= OCTET STRING (the 32-byte seed).
        let seed = <&pkcs8::der::asn1::OctetStringRef>::from_der(inner)
            .map_err(|e| malformed(format!("the Ed25519 seed is not an OCTET STRING: {e}")))?;
        let pair = ring::signature::Ed25519KeyPair::from_seed_unchecked(seed.as_bytes())
            .map_err(|e| malformed(format!("the Ed25519 seed is refused: {e}")))?;
        let public = ring::signature::KeyPair::public_key(&pair).as_ref().to_vec();
        Ok(LoadedKey {
            format,
            location: location.to_owned(),
            public_key: PublicKey::Other { algorithm: "Ed25519".to_owned() },
            public_bits: public,
        })
    } else {
        Err(KeyFileError::UnsupportedKey { what: what(), found: key_type_name(&oid) })
    }
}

fn pkcs1_key(der: &[u8], format: KeyFormat, location: &str) -> Result<LoadedKey, KeyFileError> {
    let malformed = |reason: String| KeyFileError::MalformedKey {
        what: format!("the {format} RSA key in {location}"),
        reason,
    };
    let key = pkcs1::RsaPrivateKeyRef::try_from(der)
        .map_err(|e| malformed(format!("not an RSAPrivateKey: {e}")))?;
    let public = key.public_key();
    let public_bits =
        public.to_der().map_err(|e| malformed(format!("its public key cannot be encoded: {e}")))?;
    let modulus = strip_zeros(key.modulus.as_bytes()).to_vec();
    let exponent = strip_zeros(key.public_exponent.as_bytes()).to_vec();
    let bits = bit_len(&modulus);
    Ok(LoadedKey {
        format,
        location: location.to_owned(),
        public_key: PublicKey::Rsa { modulus, exponent, bits },
        public_bits,
    })
}

fn sec1_key(
    der: &[u8],
    curve: Option<ObjectIdentifier>,
    format: KeyFormat,
    location: &str,
) -> Result<LoadedKey, KeyFileError> {
    let what = || format!("the {format} EC key in {location}");
    let malformed = |reason: String| KeyFileError::MalformedKey { what: what(), reason };
    let key =
        sec1::EcPrivateKey::try_from(der).map_err(|e| malformed(format!("not an ECPrivateKey: {e}")))?;
    let curve = curve.or_else(|| key.parameters.and_then(|p| p.named_curve())).ok_or_else(|| {
        KeyFileError::UnsupportedKey {
            what: what(),
            found: "an EC key with explicit curve parameters".to_owned(),
        }
    })?;
    let (public_key, public_bits) = if curve == OID_P256 {
        let secret = p256::SecretKey::from_slice(key.private_key)
            .map_err(|_| malformed("the private scalar is not a valid P-256 key".to_owned()))?;
        let point = p256::Sec1Point::from(secret.public_key()).as_bytes().to_vec();
        (PublicKey::EcP256 { point: point.clone() }, point)
    } else if curve == OID_P384 {
        let secret = p384::SecretKey::from_slice(key.private_key)
            .map_err(|_| malformed("the private scalar is not a valid P-384 key".to_owned()))?;
        let point = p384::Sec1Point::from(secret.public_key()).as_bytes().to_vec();
        (PublicKey::EcP384 { point: point.clone() }, point)
    } else {
        let name = curve_name(&curve);
        let point = key.public_key.ok_or_else(|| KeyFileError::UnsupportedKey {
            what: what(),
            found: format!(
                "an EC {name} key without its public point (only P-256 and P-384 points are computed)"
            ),
        })?;
        (PublicKey::Other { algorithm: format!("EC {name}") }, point.to_vec())
    };
    Ok(LoadedKey { format, location: location.to_owned(), public_key, public_bits })
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let n = bytes.iter().take_while(|&&b| b == 0).count();
    &bytes[n..]
}

fn bit_len(be: &[u8]) -> usize {
    be.first().map_or(0, |&b| (be.len() - 1) * 8 + (8 - b.leading_zeros() as usize))
}

// ------------------------------------------------------------------------------------------------
// Decryption
// ------------------------------------------------------------------------------------------------

/// Decrypts an `EncryptedPrivateKeyInfo` (PBES2, or a PKCS#12 PBE scheme) to PKCS#8 DER.
fn decrypt_pkcs8(der: &[u8], password: Option<&str>, what: &str) -> Result<Zeroizing<Vec<u8>>, KeyFileError> {
    let malformed = |reason: String| KeyFileError::MalformedKey { what: what.to_owned(), reason };
    let info = pkcs12::pbe_params::EncryptedPrivateKeyInfo::from_der(der)
        .map_err(|e| malformed(format!("not an EncryptedPrivateKeyInfo: {e}")))?;
    let alg = &info.encryption_algorithm;
    let data = info.encrypted_data.as_bytes();
    let params = alg
        .parameters
        .as_ref()
        .ok_or_else(|| malformed("the encryption algorithm has no parameters".to_owned()))?
        .to_der()
        .map_err(|e| malformed(format!("the encryption parameters cannot be read: {e}")))?;
    let unsupported = |scheme: String| KeyFileError::UnsupportedEncryption { what: what.to_owned(), scheme };
    let wrong = || KeyFileError::WrongPassword { what: what.to_owned(), tool: "pkcs8 -in FILE".to_owned() };
    if alg.oid == OID_PBES2 {
        let params = pkcs8::pkcs5::pbes2::Parameters::from_der(&params)
            .map_err(|e| malformed(format!("the PBES2 parameters cannot be read: {e}")))?;
        match &params.kdf {
            pkcs8::pkcs5::pbes2::Kdf::Pbkdf2(p) if u64::from(p.iteration_count) > MAX_KDF_ITERATIONS => {
                return Err(unsupported(format!(
                    "PBKDF2 with {} iterations (at most {MAX_KDF_ITERATIONS})",
                    p.iteration_count
                )));
            }
            pkcs8::pkcs5::pbes2::Kdf::Scrypt(s)
                if s.cost_parameter
                    .saturating_mul(u64::from(s.block_size))
                    .saturating_mul(u64::from(s.parallelization))
                    > MAX_SCRYPT_COST =>
            {
                return Err(unsupported("scrypt with parameters beyond samlguard's limit".to_owned()));
            }
            _ => {}
        }
        let password = password.ok_or_else(|| KeyFileError::PasswordRequired { what: what.to_owned() })?;
        return match params.decrypt(password.as_bytes(), data) {
            Ok(plain) => Ok(Zeroizing::new(plain)),
            Err(pkcs8::pkcs5::Error::UnsupportedAlgorithm { oid }) => {
                Err(unsupported(format!("PBES2 with algorithm {oid}")))
            }
            Err(pkcs8::pkcs5::Error::DecryptFailed) => Err(wrong()),
            Err(e) => Err(malformed(format!("PBES2 decryption failed: {e}"))),
        };
    }
    let (key_len, cipher) = match alg.oid {
        o if o == OID_PBE_SHA1_3DES => (24, PbeCipher::TripleDes),
        o if o == OID_PBE_SHA1_2DES => (16, PbeCipher::TwoKeyTripleDes),
        o if o == OID_PBE_SHA1_RC2_128 => (16, PbeCipher::Rc2),
        o if o == OID_PBE_SHA1_RC2_40 => (5, PbeCipher::Rc2),
        o => return Err(unsupported(format!("the password-based scheme {o}"))),
    };
    let pbe = pkcs12::pbe_params::Pkcs12PbeParams::from_der(&params)
        .map_err(|e| malformed(format!("the PBE parameters cannot be read: {e}")))?;
    let iterations = u64::try_from(pbe.iterations).unwrap_or(0);
    if iterations == 0 || iterations > MAX_KDF_ITERATIONS {
        return Err(unsupported(format!("PKCS#12 PBE with {} iterations", pbe.iterations)));
    }
    let password = password.ok_or_else(|| KeyFileError::PasswordRequired { what: what.to_owned() })?;
    let salt = pbe.salt.as_bytes();
    let derive = |id, len| {
        pkcs12::kdf::derive_key_utf8::<sha1::Sha1>(password, salt, id, pbe.iterations, len)
            .map(Zeroizing::new)
            .map_err(|e| malformed(format!("the password cannot be encoded: {e}")))
    };
    let key = derive(pkcs12::kdf::Pkcs12KeyType::EncryptionKey, key_len)?;
    let iv = derive(pkcs12::kdf::Pkcs12KeyType::Iv, 8)?;
    let plain = match cipher {
        PbeCipher::TripleDes => cbc_decrypt::<des::TdesEde3>(&key, &iv, data),
        PbeCipher::TwoKeyTripleDes => cbc_decrypt::<des::TdesEde2>(&key, &iv, data),
        PbeCipher::Rc2 => cbc_decrypt::<rc2::Rc2>(&key, &iv, data),
    };
    plain.ok_or_else(wrong)
}

enum PbeCipher {
    TripleDes,
    TwoKeyTripleDes,
    Rc2,
}

/// CBC decryption with PKCS#7 padding; `None` when the key, IV or padding is wrong.
fn cbc_decrypt<C>(key: &[u8], iv: &[u8], data: &[u8]) -> Option<Zeroizing<Vec<u8>>>
where
    C: BlockCipherDecrypt + KeyInit,
{
    let decryptor = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    decryptor.decrypt_padded_vec::<Pkcs7>(data).ok().map(Zeroizing::new)
}

/// Decrypts an OpenSSL legacy encrypted PEM body (`DEK-Info: CIPHER,IV`, key from
/// EVP_BytesToKey with MD5, one iteration, the IV's first 8 bytes as salt).
fn decrypt_legacy_pem(
    body: &[u8],
    dek_info: &str,
    password: Option<&str>,
    what: &str,
) -> Result<Zeroizing<Vec<u8>>, KeyFileError> {
    let malformed = |reason: String| KeyFileError::MalformedKey { what: what.to_owned(), reason };
    let (cipher, iv_hex) =
        dek_info.split_once(',').ok_or_else(|| malformed(format!("DEK-Info {dek_info:?} has no IV")))?;
    let cipher = cipher.trim().to_ascii_uppercase();
    let iv = decode_hex(iv_hex.trim())
        .ok_or_else(|| malformed(format!("the DEK-Info IV {iv_hex:?} is not hex")))?;
    let (key_len, iv_len) = match cipher.as_str() {
        "DES-EDE3-CBC" => (24, 8),
        "DES-CBC" => (8, 8),
        "AES-128-CBC" => (16, 16),
        "AES-192-CBC" => (24, 16),
        "AES-256-CBC" => (32, 16),
        other => {
            return Err(KeyFileError::UnsupportedEncryption {
                what: what.to_owned(),
                scheme: format!(
                    "{other} (legacy PEM: DES-EDE3-CBC, DES-CBC and AES-128/192/256-CBC are supported)"
                ),
            });
        }
    };
    if iv.len() != iv_len {
        return Err(malformed(format!("the {cipher} IV must be {iv_len} bytes, DEK-Info has {}", iv.len())));
    }
    let password = password.ok_or_else(|| KeyFileError::PasswordRequired { what: what.to_owned() })?;
    let key = evp_bytes_to_key(password.as_bytes(), &iv[..8], key_len);
    let plain = match cipher.as_str() {
        "DES-EDE3-CBC" => cbc_decrypt::<des::TdesEde3>(&key, &iv, body),
        "DES-CBC" => cbc_decrypt::<des::Des>(&key, &iv, body),
        "AES-128-CBC" => cbc_decrypt::<aes::Aes128>(&key, &iv, body),
        "AES-192-CBC" => cbc_decrypt::<aes::Aes192>(&key, &iv, body),
        _ => cbc_decrypt::<aes::Aes256>(&key, &iv, body),
    };
    let plain = plain.ok_or_else(|| KeyFileError::WrongPassword {
        what: what.to_owned(),
        tool: "pkey -in FILE".to_owned(),
    })?;
    // A wrong password leaves valid padding about once in 256 tries: the DER then fails.
    if first_der_element(&plain).is_none_or(|e| e.len() != plain.len()) {
        return Err(KeyFileError::WrongPassword { what: what.to_owned(), tool: "pkey -in FILE".to_owned() });
    }
    Ok(plain)
}

/// OpenSSL's EVP_BytesToKey with MD5 and one iteration: D_i = MD5(D_{i-1} || password || salt).
fn evp_bytes_to_key(password: &[u8], salt: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    let mut key = Zeroizing::new(Vec::with_capacity(len + 16));
    let mut previous: Vec<u8> = Vec::new();
    while key.len() < len {
        let mut md5 = Md5::new();
        md5.update(&previous);
        md5.update(password);
        md5.update(salt);
        previous = md5.finalize().to_vec();
        key.extend_from_slice(&previous);
    }
    key.truncate(len);
    key
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evp_bytes_to_key_matches_openssl() {
        // `openssl enc -aes-256-cbc -P -md md5 -pass pass:secret -S 0102030405060708`
        let key = evp_bytes_to_key(b"secret", &[1, 2, 3, 4, 5, 6, 7, 8], 48);
        let hex: String = key.iter().map(|b| format!("{b:02X}")).collect();
        // key, then iv, as openssl prints them
        assert_eq!(
            hex,
            "C9E5A1BD216DBE1317E230CEF48F38EE7F0E17AD64022144BCCEC4A1AA2879AB\
             E24B32BBBC4EF02ECBCB6576523AD893"
        );
    }

    #[test]
    fn stray_lines_are_grouped_by_place() {
        let pem = b"junk\n\n-----BEGIN X-----\nAAAA\n-----END X-----\n\n-----BEGIN X-----\nAAAA\n-----END X-----\ntail\n";
        let (blocks, stray, broken) = split_pem(pem);
        assert_eq!((blocks.len(), broken.len()), (2, 0));
        assert_eq!(
            stray,
            vec![
                KeyFileError::TextOutsidePem {
                    first_line: 1,
                    last_line: 2,
                    place: StrayPlace::BeforeFirstBlock,
                    blank: false
                },
                KeyFileError::TextOutsidePem {
                    first_line: 6,
                    last_line: 6,
                    place: StrayPlace::BetweenBlocks,
                    blank: true
                },
                KeyFileError::TextOutsidePem {
                    first_line: 10,
                    last_line: 10,
                    place: StrayPlace::AfterLastBlock,
                    blank: false
                },
            ]
        );
    }

    #[test]
    fn crlf_and_final_newline_are_not_stray() {
        let pem = b"-----BEGIN X-----\r\nAAAA\r\n-----END X-----\r\n";
        let (blocks, stray, _) = split_pem(pem);
        assert_eq!((blocks.len(), stray.len()), (1, 0));
    }

    #[test]
    fn hex_and_der_helpers() {
        assert_eq!(decode_hex("0aFF"), Some(vec![10, 255]));
        assert_eq!(decode_hex("0"), None);
        assert_eq!(decode_hex("zz"), None);
        assert_eq!(first_der_element(&[0x30, 0x01, 0x05, 0x00]), Some(&[0x30, 0x01, 0x05][..]));
        assert_eq!(first_der_element(&[0x30, 0x05, 0x00]), None);
        assert!(!looks_like_pfx(&[0x30, 0x03, 0x02, 0x01, 0x00]));
        assert!(looks_like_pfx(&[0x30, 0x03, 0x02, 0x01, 0x03]));
    }

    #[test]
    fn mutated_inputs_never_panic() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/doctor/");
        for name in ["leaf-pkcs8-pbe-sha1-3des.key", "leaf-legacy-des3.key", "leaf-3des.p12", "ec256.key"] {
            let Ok(bytes) = std::fs::read(format!("{dir}{name}")) else { continue };
            for i in (0..bytes.len()).step_by(7) {
                let mut m = bytes.clone();
                m[i] ^= 0x5a;
                let _ = KeyFile::parse(&m, Some("samlguard-doctor"));
                let _ = KeyFile::parse(&bytes[..i], Some("samlguard-doctor"));
            }
        }
    }
}
