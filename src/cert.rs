//! X.509 certificates, their public keys, and PKCS#8 signing keys.
//!
//! Certificates are parsed once with x509-parser into a [`Certificate`] that owns its DER bytes and
//! the few fields samlguard needs. Signatures are checked and made with ring only. Nothing here reads
//! the clock: validity is asked about a `now` that the caller passes in.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use ring::rand::SystemRandom;
use ring::signature::{self as sig, EcdsaKeyPair, RsaKeyPair, RsaPublicKeyComponents, UnparsedPublicKey};
use x509_parser::oid_registry::{self as oids, Oid};
use x509_parser::public_key::PublicKey as ParsedKey;
use x509_parser::x509::SubjectPublicKeyInfo;

/// Why bytes could not be read as certificates.
///
/// ```
/// let err = samlguard::Certificate::from_pem(b"hello").unwrap_err();
/// assert!(matches!(err, samlguard::CertError::NoCertificate { .. }));
/// ```
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    /// The bytes are not one well-formed DER X.509 certificate.
    #[error("not a DER certificate: {reason}")]
    Der {
        /// What the parser found wrong.
        reason: String,
    },
    /// Neither a PEM block nor DER was found.
    #[error("no certificate found: {found}")]
    NoCertificate {
        /// What the input looked like instead.
        found: String,
    },
    /// [`Certificate::from_pem`] was given several PEM blocks.
    #[error("expected exactly one PEM block, found {found} (a bundle is read with load_certificates)")]
    ExpectedOne {
        /// How many blocks there were.
        found: usize,
    },
    /// A PEM block holds something other than a certificate.
    #[error("PEM block {block} is not a CERTIFICATE but {label}")]
    NotCertificate {
        /// 1-based number of the block in the file.
        block: usize,
        /// The label found on its BEGIN line.
        label: String,
    },
    /// A PEM block is cut short, mislabelled or not base64.
    #[error("PEM block {block} is malformed: {reason}")]
    Pem {
        /// 1-based number of the block in the file.
        block: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// The body of a `ds:X509Certificate` is not base64.
    #[error("certificate base64 is invalid: {reason}")]
    Base64 {
        /// The decoder's complaint.
        reason: String,
    },
}

/// Why a key could not be loaded, or a signature could not be made or verified.
///
/// ```
/// use samlguard::{KeyError, PublicKey, SignatureScheme};
/// let key = PublicKey::Other { algorithm: "DSA".into() };
/// let err = key.verify(SignatureScheme::RsaPkcs1Sha256, b"msg", b"sig").unwrap_err();
/// assert!(matches!(err, KeyError::Unsupported { .. }));
/// ```
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The RSA modulus is shorter than 2048 bits.
    #[error("RSA key of {bits} bits is too small: at least 2048 bits are required")]
    RsaKeyTooSmall {
        /// The modulus length in bits.
        bits: usize,
    },
    /// The RSA modulus is longer than the 8192 bits ring accepts.
    #[error("RSA key of {bits} bits is too large: at most 8192 bits are supported")]
    RsaKeyTooLarge {
        /// The modulus length in bits.
        bits: usize,
    },
    /// The scheme needs another kind of key (RSA vs ECDSA, or another curve).
    #[error("{scheme} cannot be used with an {key} key")]
    WrongKeyType {
        /// The key, as [`PublicKey::describe`] names it.
        key: String,
        /// The scheme that was asked for.
        scheme: SignatureScheme,
    },
    /// The key type or key/scheme combination is not implemented.
    #[error("not supported: {what}")]
    Unsupported {
        /// What was asked for.
        what: String,
    },
    /// The signature is not valid for this message and key.
    #[error(
        "the signature does not verify: the signed bytes or the signature were changed, or another key made it"
    )]
    BadSignature,
    /// The bytes are not a PKCS#8 private key.
    #[error("not a PKCS#8 private key: {reason}")]
    NotPkcs8 {
        /// What was found instead, and how to convert it where that is known.
        reason: String,
    },
    /// ring refused the private key (inconsistent, or encoded in a way it does not take).
    #[error("the {kind} private key was refused: {reason}")]
    Rejected {
        /// The key type.
        kind: String,
        /// ring's reason.
        reason: String,
    },
    /// ring could not produce a signature.
    #[error("signing failed")]
    SigningFailed,
}

/// The signature schemes samlguard knows (XML-DSig URIs are mapped to these elsewhere).
///
/// ECDSA schemes use the fixed-length `r||s` signature form of XML-DSig, not ASN.1 DER.
///
/// ```
/// use samlguard::SignatureScheme;
/// assert_eq!(SignatureScheme::EcdsaP256Sha256.to_string(), "ECDSA P-256 SHA-256");
/// ```
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignatureScheme {
    /// RSA PKCS#1 v1.5 with SHA-1 (verification only; legacy).
    RsaPkcs1Sha1,
    /// RSA PKCS#1 v1.5 with SHA-256.
    RsaPkcs1Sha256,
    /// RSA PKCS#1 v1.5 with SHA-384.
    RsaPkcs1Sha384,
    /// RSA PKCS#1 v1.5 with SHA-512.
    RsaPkcs1Sha512,
    /// RSA-PSS, SHA-256, MGF1-SHA-256, 32-byte salt.
    RsaPssSha256,
    /// RSA-PSS, SHA-384, MGF1-SHA-384, 48-byte salt.
    RsaPssSha384,
    /// RSA-PSS, SHA-512, MGF1-SHA-512, 64-byte salt.
    RsaPssSha512,
    /// ECDSA on P-256 with SHA-256.
    EcdsaP256Sha256,
    /// ECDSA on P-384 with SHA-384.
    EcdsaP384Sha384,
    /// ECDSA on P-256 with SHA-384 (verification only).
    EcdsaP256Sha384,
    /// ECDSA on P-384 with SHA-256 (verification only).
    EcdsaP384Sha256,
    /// ECDSA on P-256 with SHA-1 (not supported by ring).
    EcdsaP256Sha1,
    /// ECDSA on P-384 with SHA-1 (not supported by ring).
    EcdsaP384Sha1,
}

impl fmt::Display for SignatureScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use SignatureScheme::*;
        f.write_str(match self {
            RsaPkcs1Sha1 => "RSA PKCS#1 SHA-1",
            RsaPkcs1Sha256 => "RSA PKCS#1 SHA-256",
            RsaPkcs1Sha384 => "RSA PKCS#1 SHA-384",
            RsaPkcs1Sha512 => "RSA PKCS#1 SHA-512",
            RsaPssSha256 => "RSA-PSS SHA-256",
            RsaPssSha384 => "RSA-PSS SHA-384",
            RsaPssSha512 => "RSA-PSS SHA-512",
            EcdsaP256Sha256 => "ECDSA P-256 SHA-256",
            EcdsaP384Sha384 => "ECDSA P-384 SHA-384",
            EcdsaP256Sha384 => "ECDSA P-256 SHA-384",
            EcdsaP384Sha256 => "ECDSA P-384 SHA-256",
            EcdsaP256Sha1 => "ECDSA P-256 SHA-1",
            EcdsaP384Sha1 => "ECDSA P-384 SHA-1",
        })
    }
}

impl SignatureScheme {
    /// ring's RSA verification parameters, or `None` for ECDSA schemes.
    fn rsa_params(self) -> Option<&'static sig::RsaParameters> {
        use SignatureScheme::*;
        Some(match self {
            RsaPkcs1Sha1 => &sig::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
            RsaPkcs1Sha256 => &sig::RSA_PKCS1_2048_8192_SHA256,
            RsaPkcs1Sha384 => &sig::RSA_PKCS1_2048_8192_SHA384,
            RsaPkcs1Sha512 => &sig::RSA_PKCS1_2048_8192_SHA512,
            RsaPssSha256 => &sig::RSA_PSS_2048_8192_SHA256,
            RsaPssSha384 => &sig::RSA_PSS_2048_8192_SHA384,
            RsaPssSha512 => &sig::RSA_PSS_2048_8192_SHA512,
            _ => return None,
        })
    }

    /// The curve an ECDSA scheme needs, as its field size in bytes (32 or 48); `None` for RSA.
    fn ecdsa_field_len(self) -> Option<usize> {
        use SignatureScheme::*;
        match self {
            EcdsaP256Sha256 | EcdsaP256Sha384 | EcdsaP256Sha1 => Some(32),
            EcdsaP384Sha384 | EcdsaP384Sha256 | EcdsaP384Sha1 => Some(48),
            _ => None,
        }
    }
}

/// A certificate's subject public key.
///
/// ```
/// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.crt"));
/// let cert = samlguard::Certificate::from_pem(pem)?;
/// assert_eq!(cert.public_key().describe(), "RSA 2048-bit");
/// # Ok::<(), samlguard::CertError>(())
/// ```
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKey {
    /// An RSA key.
    Rsa {
        /// The modulus n, big-endian, without leading zero bytes.
        modulus: Vec<u8>,
        /// The public exponent e, big-endian, without leading zero bytes.
        exponent: Vec<u8>,
        /// The modulus length in bits.
        bits: usize,
    },
    /// An ECDSA key on NIST P-256.
    EcP256 {
        /// The uncompressed SEC1 point (0x04 || x || y).
        point: Vec<u8>,
    },
    /// An ECDSA key on NIST P-384.
    EcP384 {
        /// The uncompressed SEC1 point (0x04 || x || y).
        point: Vec<u8>,
    },
    /// Any key samlguard cannot verify with.
    Other {
        /// "DSA", "Ed25519", "EC secp521r1", … or the algorithm OID.
        algorithm: String,
    },
}

impl PublicKey {
    /// A short name for messages: "RSA 2048-bit", "ECDSA P-256", "DSA".
    ///
    /// ```
    /// let key = samlguard::PublicKey::EcP384 { point: vec![4; 97] };
    /// assert_eq!(key.describe(), "ECDSA P-384");
    /// ```
    pub fn describe(&self) -> String {
        match self {
            PublicKey::Rsa { bits, .. } => format!("RSA {bits}-bit"),
            PublicKey::EcP256 { .. } => "ECDSA P-256".to_owned(),
            PublicKey::EcP384 { .. } => "ECDSA P-384".to_owned(),
            PublicKey::Other { algorithm } => algorithm.clone(),
        }
    }

    /// Verify `signature` over `message` with ring. `alg` selects the ring algorithm.
    ///
    /// RSA keys under 2048 bits are refused whatever the scheme; a scheme for another key type (or
    /// another curve) is `WrongKeyType`. ECDSA signatures are `r||s`; the cross-size pairs
    /// (P-256/SHA-384, P-384/SHA-256) verify too, ECDSA with SHA-1 is `Unsupported`.
    ///
    /// ```
    /// use samlguard::{Certificate, KeyError, SignatureScheme};
    /// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.crt"));
    /// let cert = Certificate::from_pem(pem)?;
    /// let err = cert.public_key().verify(SignatureScheme::RsaPkcs1Sha256, b"message", &[0; 256]);
    /// assert_eq!(err, Err(KeyError::BadSignature));
    /// # Ok::<(), samlguard::CertError>(())
    /// ```
    pub fn verify(&self, alg: SignatureScheme, message: &[u8], signature: &[u8]) -> Result<(), KeyError> {
        let wrong = || KeyError::WrongKeyType { key: self.describe(), scheme: alg };
        match self {
            PublicKey::Rsa { modulus, exponent, bits } => {
                let params = alg.rsa_params().ok_or_else(wrong)?;
                check_rsa_bits(*bits)?;
                RsaPublicKeyComponents { n: modulus, e: exponent }
                    .verify(params, message, signature)
                    .map_err(|_| KeyError::BadSignature)
            }
            PublicKey::EcP256 { point } | PublicKey::EcP384 { point } => {
                let field = if matches!(self, PublicKey::EcP256 { .. }) { 32 } else { 48 };
                if alg.ecdsa_field_len() != Some(field) {
                    return Err(wrong());
                }
                use SignatureScheme::*;
                let (ring_alg, der): (&'static sig::EcdsaVerificationAlgorithm, bool) = match alg {
                    EcdsaP256Sha256 => (&sig::ECDSA_P256_SHA256_FIXED, false),
                    EcdsaP384Sha384 => (&sig::ECDSA_P384_SHA384_FIXED, false),
                    // ring has no FIXED form of the cross-size pairs: re-encode r||s as DER.
                    EcdsaP256Sha384 => (&sig::ECDSA_P256_SHA384_ASN1, true),
                    EcdsaP384Sha256 => (&sig::ECDSA_P384_SHA256_ASN1, true),
                    _ => {
                        return Err(KeyError::Unsupported {
                            what: format!("{alg} signatures (ring has no ECDSA with SHA-1)"),
                        });
                    }
                };
                let key = UnparsedPublicKey::new(ring_alg, point);
                if der {
                    let encoded = ecdsa_fixed_to_der(signature, field).ok_or(KeyError::BadSignature)?;
                    key.verify(message, &encoded)
                } else {
                    key.verify(message, signature)
                }
                .map_err(|_| KeyError::BadSignature)
            }
            PublicKey::Other { algorithm } => {
                Err(KeyError::Unsupported { what: format!("verifying with {algorithm} keys") })
            }
        }
    }
}

fn check_rsa_bits(bits: usize) -> Result<(), KeyError> {
    match bits {
        0..2048 => Err(KeyError::RsaKeyTooSmall { bits }),
        2048..=8192 => Ok(()),
        _ => Err(KeyError::RsaKeyTooLarge { bits }),
    }
}

/// One X.509 certificate, parsed once.
///
/// ```
/// use samlguard::Certificate;
/// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.crt"));
/// let cert = Certificate::from_pem(pem)?;
/// assert_eq!(cert.subject(), "CN=samlguard-test-rsa2048, O=samlguard tests, C=US");
/// assert!(cert.is_valid_at("2030-06-01T00:00:00Z".parse().unwrap()));
/// # Ok::<(), samlguard::CertError>(())
/// ```
#[derive(Clone)]
pub struct Certificate {
    der: Vec<u8>,
    subject: String,
    issuer: String,
    serial: Vec<u8>,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
    fingerprint: [u8; 32],
    spki: Vec<u8>,
    public_key: PublicKey,
}

impl Certificate {
    /// Parse one DER certificate; trailing bytes are an error.
    ///
    /// ```
    /// # let der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.der"));
    /// let cert = samlguard::Certificate::from_der(der)?;
    /// assert_eq!(cert.der(), &der[..]);
    /// # Ok::<(), samlguard::CertError>(())
    /// ```
    pub fn from_der(der: &[u8]) -> Result<Certificate, CertError> {
        let bad = |reason: String| CertError::Der { reason };
        if der.is_empty() {
            return Err(bad("the input is empty".to_owned()));
        }
        let (rest, cert) = x509_parser::parse_x509_certificate(der).map_err(|e| {
            bad(match e {
                x509_parser::nom::Err::Incomplete(_) => {
                    "the data ends before the certificate does".to_owned()
                }
                x509_parser::nom::Err::Error(e) | x509_parser::nom::Err::Failure(e) => e.to_string(),
            })
        })?;
        if !rest.is_empty() {
            return Err(bad(format!("{} bytes of other data follow the certificate", rest.len())));
        }
        let time = |t: &x509_parser::time::ASN1Time| {
            DateTime::from_timestamp(t.timestamp(), 0)
                .ok_or_else(|| bad("a validity date is out of range".to_owned()))
        };
        let tbs = &cert.tbs_certificate;
        let serial = tbs.raw_serial();
        let leading = serial.iter().take(serial.len().saturating_sub(1)).take_while(|&&b| b == 0).count();
        let mut fp = [0u8; 32];
        fp.iter_mut()
            .zip(ring::digest::digest(&ring::digest::SHA256, der).as_ref())
            .for_each(|(o, i)| *o = *i);
        Ok(Certificate {
            der: der.to_vec(),
            subject: tbs.subject().to_string(),
            issuer: tbs.issuer().to_string(),
            serial: serial[leading..].to_vec(),
            not_before: time(&tbs.validity().not_before)?,
            not_after: time(&tbs.validity().not_after)?,
            fingerprint: fp,
            spki: tbs.public_key().raw.to_vec(),
            public_key: convert_public_key(tbs.public_key())?,
        })
    }

    /// Parse a PEM file holding exactly one `CERTIFICATE` block (text around it is ignored).
    ///
    /// ```
    /// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/ec256.crt"));
    /// let cert = samlguard::Certificate::from_pem(pem)?;
    /// assert_eq!(cert.public_key().describe(), "ECDSA P-256");
    /// # Ok::<(), samlguard::CertError>(())
    /// ```
    pub fn from_pem(pem: &[u8]) -> Result<Certificate, CertError> {
        let blocks = pem_blocks(pem).map_err(|(block, reason)| CertError::Pem { block, reason })?;
        match blocks.as_slice() {
            [] => Err(CertError::NoCertificate { found: describe_input(pem) }),
            [one] => Certificate::from_der(&one.certificate_der(1)?),
            more => Err(CertError::ExpectedOne { found: more.len() }),
        }
    }

    /// Parse the base64 body of a `ds:X509Certificate` element; XML whitespace inside is ignored.
    ///
    /// ```
    /// # let der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.der"));
    /// # use base64::Engine as _;
    /// # let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    /// let text = format!("\n    {}\n    {}\n", &b64[..64], &b64[64..]);
    /// let cert = samlguard::Certificate::from_base64(&text)?;
    /// assert_eq!(cert.der(), &der[..]);
    /// # Ok::<(), samlguard::CertError>(())
    /// ```
    pub fn from_base64(b64: &str) -> Result<Certificate, CertError> {
        let compact: String = b64.chars().filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n')).collect();
        let der = STANDARD.decode(compact).map_err(|e| CertError::Base64 { reason: e.to_string() })?;
        Certificate::from_der(&der)
    }

    /// The certificate's DER encoding.
    ///
    /// ```
    /// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.crt"));
    /// let cert = samlguard::Certificate::from_pem(pem)?;
    /// assert_eq!(cert.der()[0], 0x30);
    /// # Ok::<(), samlguard::CertError>(())
    /// ```
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The subject name, RFC 4514 style in certificate order: `CN=..., O=..., C=...`.
    ///
    /// ```
    /// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/ec384.crt"));
    /// let cert = samlguard::Certificate::from_pem(pem)?;
    /// assert!(cert.subject().starts_with("CN=samlguard-test-ec384"));
    /// # Ok::<(), samlguard::CertError>(())
    /// ```
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The issuer name, in the same form as [`Certificate::subject`].
    ///
    /// ```
    /// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/ec384.crt"));
    /// let cert = samlguard::Certificate::from_pem(pem)?;
    /// assert_eq!(cert.issuer(), cert.subject()); // self-signed
    /// # Ok::<(), samlguard::CertError>(())
    /// ```
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The serial number as lowercase hex, whole bytes, without sign-padding zero bytes.
    ///
    /// ```
    /// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.crt"));
    /// let cert = samlguard::Certificate::from_pem(pem)?;
    /// assert_eq!(cert.serial_hex(), "2048");
    /// # Ok::<(), samlguard::CertError>(())
    /// ```
    pub fn serial_hex(&self) -> String {
        hex(&self.serial)
    }

    /// Start of the validity period.
    ///
    /// ```
    /// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.crt"));
    /// let cert = samlguard::Certificate::from_pem(pem)?;
    /// assert_eq!(cert.not_before().to_rfc3339(), "2024-01-01T00:00:00+00:00");
    /// # Ok::<(), samlguard::CertError>(())
    /// ```
    pub fn not_before(&self) -> DateTime<Utc> {
        self.not_before
    }

    /// End of the validity period (the certificate is still valid at this second).
    ///
    /// ```
    /// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048-expired.crt"));
    /// let cert = samlguard::Certificate::from_pem(pem)?;
    /// assert_eq!(cert.not_after().to_rfc3339(), "2021-01-01T00:00:00+00:00");
    /// # Ok::<(), samlguard::CertError>(())
    /// ```
    pub fn not_after(&self) -> DateTime<Utc> {
        self.not_after
    }

    /// Whether `now` is within `not_before..=not_after` (both ends included, as RFC 5280 says).
    ///
    /// ```
    /// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048-expired.crt"));
    /// let cert = samlguard::Certificate::from_pem(pem)?;
    /// assert!(!cert.is_valid_at("2024-01-01T00:00:00Z".parse().unwrap()));
    /// # Ok::<(), samlguard::CertError>(())
    /// ```
    pub fn is_valid_at(&self, now: DateTime<Utc>) -> bool {
        self.not_before <= now && now <= self.not_after
    }

    /// SHA-256 of the DER encoding.
    ///
    /// ```
    /// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.crt"));
    /// let cert = samlguard::Certificate::from_pem(pem)?;
    /// assert_eq!(cert.sha256_fingerprint().len(), 32);
    /// # Ok::<(), samlguard::CertError>(())
    /// ```
    pub fn sha256_fingerprint(&self) -> [u8; 32] {
        self.fingerprint
    }

    /// The SHA-256 fingerprint as lowercase hex without separators (64 characters).
    ///
    /// ```
    /// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.crt"));
    /// let cert = samlguard::Certificate::from_pem(pem)?;
    /// assert_eq!(cert.fingerprint_hex(), cert.fingerprint_colon().replace(':', "").to_lowercase());
    /// # Ok::<(), samlguard::CertError>(())
    /// ```
    pub fn fingerprint_hex(&self) -> String {
        hex(&self.fingerprint)
    }

    /// The SHA-256 fingerprint as openssl prints it: `AB:CD:...`, uppercase.
    ///
    /// ```
    /// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.crt"));
    /// let cert = samlguard::Certificate::from_pem(pem)?;
    /// assert_eq!(cert.fingerprint_colon().len(), 32 * 3 - 1);
    /// # Ok::<(), samlguard::CertError>(())
    /// ```
    pub fn fingerprint_colon(&self) -> String {
        let parts: Vec<String> = self.fingerprint.iter().map(|b| format!("{b:02X}")).collect();
        parts.join(":")
    }

    /// The subject public key.
    ///
    /// ```
    /// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa4096.crt"));
    /// let cert = samlguard::Certificate::from_pem(pem)?;
    /// assert!(matches!(cert.public_key(), samlguard::PublicKey::Rsa { bits: 4096, .. }));
    /// # Ok::<(), samlguard::CertError>(())
    /// ```
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// Whether both certificates carry the same public key (e.g. a renewed certificate).
    ///
    /// ```
    /// use samlguard::Certificate;
    /// # let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// let current = Certificate::from_pem(&std::fs::read(format!("{dir}rsa2048.crt")).unwrap())?;
    /// let expired = Certificate::from_pem(&std::fs::read(format!("{dir}rsa2048-expired.crt")).unwrap())?;
    /// assert!(current.same_public_key(&expired) && current != expired);
    /// # Ok::<(), samlguard::CertError>(())
    /// ```
    pub fn same_public_key(&self, other: &Certificate) -> bool {
        match (&self.public_key, &other.public_key) {
            (PublicKey::Other { .. }, _) | (_, PublicKey::Other { .. }) => self.spki == other.spki,
            (a, b) => a == b,
        }
    }
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject)
            .field("sha256", &self.fingerprint_colon())
            .finish()
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Certificate) -> bool {
        self.der == other.der
    }
}

impl Eq for Certificate {}

/// All certificates in a file: one or many PEM `CERTIFICATE` blocks, or a single DER certificate
/// (detected by its first byte, 0x30).
///
/// ```
/// # let bytes = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/bundle.pem"));
/// let certs = samlguard::load_certificates(bytes)?;
/// assert_eq!(certs.len(), 2);
/// # Ok::<(), samlguard::CertError>(())
/// ```
pub fn load_certificates(bytes: &[u8]) -> Result<Vec<Certificate>, CertError> {
    if bytes.first() == Some(&0x30) {
        return Ok(vec![Certificate::from_der(bytes)?]);
    }
    let blocks = pem_blocks(bytes).map_err(|(block, reason)| CertError::Pem { block, reason })?;
    if blocks.is_empty() {
        return Err(CertError::NoCertificate { found: describe_input(bytes) });
    }
    blocks.iter().enumerate().map(|(i, b)| Certificate::from_der(&b.certificate_der(i + 1)?)).collect()
}

fn convert_public_key(spki: &SubjectPublicKeyInfo<'_>) -> Result<PublicKey, CertError> {
    let alg = &spki.algorithm.algorithm;
    if *alg == oids::OID_PKCS1_RSAENCRYPTION {
        let Ok(ParsedKey::RSA(rsa)) = spki.parsed() else {
            return Err(CertError::Der { reason: "the RSA public key is malformed".to_owned() });
        };
        let modulus = strip_zeros(rsa.modulus).to_vec();
        let bits = bit_len(&modulus);
        return Ok(PublicKey::Rsa { modulus, exponent: strip_zeros(rsa.exponent).to_vec(), bits });
    }
    if *alg == oids::OID_KEY_TYPE_EC_PUBLIC_KEY {
        let point = spki.subject_public_key.data.to_vec();
        let curve = spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok());
        let uncompressed = |len: usize| point.len() == len && point.first() == Some(&4);
        return Ok(match curve {
            Some(c) if c == oids::OID_EC_P256 && uncompressed(65) => PublicKey::EcP256 { point },
            Some(c) if c == oids::OID_NIST_EC_P384 && uncompressed(97) => PublicKey::EcP384 { point },
            Some(c) if c == oids::OID_EC_P256 || c == oids::OID_NIST_EC_P384 => {
                PublicKey::Other { algorithm: format!("EC {} (compressed or malformed point)", oid_name(&c)) }
            }
            Some(c) => PublicKey::Other { algorithm: format!("EC {}", oid_name(&c)) },
            None => PublicKey::Other { algorithm: "EC with explicit curve parameters".to_owned() },
        });
    }
    Ok(PublicKey::Other { algorithm: key_algorithm_name(alg) })
}

/// The name of a key algorithm samlguard has no use for: "DSA", "Ed25519", … or the dotted OID.
fn key_algorithm_name(alg: &Oid<'_>) -> String {
    let known = [
        (oids::OID_KEY_TYPE_DSA, "DSA"),
        (oids::OID_SIG_ED25519, "Ed25519"),
        (oids::OID_SIG_ED448, "Ed448"),
        (oids::OID_PKCS1_RSASSAPSS, "RSASSA-PSS"),
    ];
    known
        .iter()
        .find(|(oid, _)| oid == alg)
        .map_or_else(|| alg.to_id_string(), |(_, name)| (*name).to_owned())
}

/// The registry's short name for an OID ("secp521r1"), or its dotted form.
fn oid_name(oid: &Oid<'_>) -> String {
    x509_parser::objects::oid2sn(oid, x509_parser::objects::oid_registry())
        .map_or_else(|_| oid.to_id_string(), str::to_owned)
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let n = bytes.iter().take_while(|&&b| b == 0).count();
    &bytes[n..]
}

/// Bit length of a big-endian integer without leading zero bytes.
fn bit_len(be: &[u8]) -> usize {
    be.first().map_or(0, |&b| (be.len() - 1) * 8 + (8 - b.leading_zeros() as usize))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What an input that holds no PEM block looks like, for error messages (never its content).
fn describe_input(bytes: &[u8]) -> String {
    match bytes.first() {
        None => "the input is empty".to_owned(),
        Some(0x30) => "the input starts like DER (0x30), not PEM".to_owned(),
        Some(_) if std::str::from_utf8(bytes).is_ok() => {
            format!("{} bytes of text without a -----BEGIN CERTIFICATE----- line", bytes.len())
        }
        Some(b) => {
            format!("{} bytes of binary data starting with 0x{b:02x}, neither PEM nor DER", bytes.len())
        }
    }
}

/// One `-----BEGIN LABEL-----` … `-----END LABEL-----` block, body still base64.
struct PemBlock {
    label: String,
    body: String,
}

impl PemBlock {
    fn decode(&self) -> Result<Vec<u8>, String> {
        STANDARD.decode(&self.body).map_err(|e| format!("its body is not base64: {e}"))
    }

    fn certificate_der(&self, block: usize) -> Result<Vec<u8>, CertError> {
        if self.label != "CERTIFICATE" {
            return Err(CertError::NotCertificate { block, label: self.label.clone() });
        }
        self.decode().map_err(|reason| CertError::Pem { block, reason })
    }
}

/// Split PEM text into blocks; text outside blocks is skipped. Errors carry the 1-based block number.
fn pem_blocks(bytes: &[u8]) -> Result<Vec<PemBlock>, (usize, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<PemBlock> = None;
    for raw in bytes.split(|&b| b == b'\n') {
        let line = raw.trim_ascii();
        let block = blocks.len() + 1;
        let marker = |kind: &str| {
            let text = std::str::from_utf8(line).ok()?;
            text.strip_prefix(kind)?.strip_suffix("-----").map(str::to_owned)
        };
        match (open.take(), marker("-----BEGIN "), marker("-----END ")) {
            (None, Some(label), _) => open = Some(PemBlock { label, body: String::new() }),
            (None, None, Some(label)) => {
                return Err((block, format!("an END {label} line comes before any BEGIN line")));
            }
            (None, None, None) => {}
            (Some(b), Some(label), _) => {
                return Err((block, format!("BEGIN {label} appears inside the {} block", b.label)));
            }
            (Some(b), None, Some(label)) if label == b.label => blocks.push(b),
            (Some(b), None, Some(label)) => {
                return Err((block, format!("it begins as {} but ends as {label}", b.label)));
            }
            (Some(mut b), None, None) => {
                b.body.extend(line.iter().map(|&c| char::from(c)));
                open = Some(b);
            }
        }
    }
    match open {
        Some(b) => Err((blocks.len() + 1, format!("the {} block has no END line", b.label))),
        None => Ok(blocks),
    }
}

/// Re-encode a fixed-width ECDSA signature `r||s` as a DER `ECDSA-Sig-Value`.
fn ecdsa_fixed_to_der(signature: &[u8], field: usize) -> Option<Vec<u8>> {
    if signature.len() != 2 * field {
        return None;
    }
    let (r, s) = signature.split_at(field);
    let mut body = Vec::with_capacity(2 * field + 6);
    for int in [r, s] {
        let digits = strip_zeros(int);
        let pad = digits.first().is_none_or(|&b| b & 0x80 != 0);
        body.push(0x02);
        body.push(u8::try_from(digits.len() + usize::from(pad)).ok()?);
        if pad {
            body.push(0);
        }
        body.extend_from_slice(digits);
    }
    let mut out = vec![0x30, u8::try_from(body.len()).ok()?];
    out.extend(body);
    Some(out)
}

/// Read one DER element: `(tag, contents, rest)`.
pub(crate) fn der_read(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let (len_bytes, rest) = rest.split_at(n);
        (len_bytes.iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b)), rest)
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// `(algorithm OID, curve OID if any, privateKey contents)` of a PKCS#8 PrivateKeyInfo.
fn pkcs8_parts(der: &[u8]) -> Option<(Oid<'_>, Option<Oid<'_>>, &[u8])> {
    let (0x30, info, _) = der_read(der)? else { return None };
    let (0x02, _version, info) = der_read(info)? else { return None };
    let (0x30, alg, info) = der_read(info)? else { return None };
    let (0x04, key, _) = der_read(info)? else { return None };
    let (0x06, oid, params) = der_read(alg)? else { return None };
    let curve = der_read(params).filter(|p| p.0 == 0x06).map(|p| Oid::new(p.1.into()));
    Some((Oid::new(oid.into()), curve, key))
}

enum KeyPair {
    Rsa(RsaKeyPair),
    Ecdsa { pair: EcdsaKeyPair, scheme: SignatureScheme },
}

/// A private key for signing, loaded from PKCS#8 (PEM "PRIVATE KEY" or DER). RSA or ECDSA P-256/P-384.
///
/// ```
/// use samlguard::{Certificate, SignatureScheme, SigningKey};
/// # let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
/// let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{dir}ec256.key")).unwrap())?;
/// let cert = Certificate::from_pem(&std::fs::read(format!("{dir}ec256.crt")).unwrap()).unwrap();
/// let signature = key.sign(key.scheme_default(), b"<SignedInfo/>")?;
/// cert.public_key().verify(SignatureScheme::EcdsaP256Sha256, b"<SignedInfo/>", &signature)?;
/// # Ok::<(), samlguard::KeyError>(())
/// ```
#[derive(Clone)]
pub struct SigningKey {
    pair: Arc<KeyPair>,
    public: PublicKey,
}

impl SigningKey {
    /// Load a PEM `PRIVATE KEY` (unencrypted PKCS#8), as `openssl genpkey` writes.
    ///
    /// ```
    /// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa1024.key"));
    /// let err = samlguard::SigningKey::from_pkcs8_pem(pem).unwrap_err();
    /// assert_eq!(err, samlguard::KeyError::RsaKeyTooSmall { bits: 1024 });
    /// ```
    pub fn from_pkcs8_pem(pem: &[u8]) -> Result<SigningKey, KeyError> {
        let not = |reason: String| KeyError::NotPkcs8 { reason };
        let blocks = pem_blocks(pem)
            .map_err(|(block, reason)| not(format!("PEM block {block} is malformed: {reason}")))?;
        let [block] = blocks.as_slice() else {
            return Err(not(format!("expected one PEM block, found {}", blocks.len())));
        };
        let hint = match block.label.as_str() {
            "PRIVATE KEY" => return SigningKey::from_pkcs8_der(&block.decode().map_err(not)?),
            "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
                " (a traditional OpenSSL key; convert it with `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.p8`)"
            }
            "ENCRYPTED PRIVATE KEY" => " (encrypted; decrypt it with `openssl pkcs8 -in KEY -out KEY.p8`)",
            _ => "",
        };
        Err(not(format!("the PEM block is {}, not PRIVATE KEY{hint}", block.label)))
    }

    /// Load an unencrypted PKCS#8 `PrivateKeyInfo` in DER.
    ///
    /// ```
    /// let err = samlguard::SigningKey::from_pkcs8_der(b"\x30\x00").unwrap_err();
    /// assert!(matches!(err, samlguard::KeyError::NotPkcs8 { .. }));
    /// ```
    pub fn from_pkcs8_der(der: &[u8]) -> Result<SigningKey, KeyError> {
        let (alg, curve, inner) = pkcs8_parts(der).ok_or_else(|| KeyError::NotPkcs8 {
            reason: "the DER is not a PrivateKeyInfo structure".to_owned(),
        })?;
        let rejected = |kind: &'static str| {
            move |e: ring::error::KeyRejected| KeyError::Rejected {
                kind: kind.to_owned(),
                reason: e.to_string(),
            }
        };
        let rng = SystemRandom::new();
        let pair = if alg == oids::OID_PKCS1_RSAENCRYPTION {
            // RSAPrivateKey ::= SEQUENCE { version, modulus, ... }: size it ourselves for a clear error.
            let modulus = der_read(inner)
                .and_then(|(_, seq, _)| der_read(seq))
                .and_then(|(_, _, rest)| der_read(rest))
                .map(|(_, n, _)| bit_len(strip_zeros(n)));
            check_rsa_bits(modulus.unwrap_or(0))?;
            KeyPair::Rsa(RsaKeyPair::from_pkcs8(der).map_err(rejected("RSA"))?)
        } else if alg == oids::OID_KEY_TYPE_EC_PUBLIC_KEY {
            let (ring_alg, scheme) = match curve {
                Some(c) if c == oids::OID_EC_P256 => {
                    (&sig::ECDSA_P256_SHA256_FIXED_SIGNING, SignatureScheme::EcdsaP256Sha256)
                }
                Some(c) if c == oids::OID_NIST_EC_P384 => {
                    (&sig::ECDSA_P384_SHA384_FIXED_SIGNING, SignatureScheme::EcdsaP384Sha384)
                }
                other => {
                    let name = other.map_or_else(|| "explicit-parameter".to_owned(), |c| oid_name(&c));
                    return Err(KeyError::Unsupported {
                        what: format!("EC {name} private keys (only P-256 and P-384)"),
                    });
                }
            };
            let pair = EcdsaKeyPair::from_pkcs8(ring_alg, der, &rng).map_err(|e| {
                // ECPrivateKey ::= SEQUENCE { version, privateKey, [0] parameters OPT, [1] publicKey OPT }
                let mut fields = der_read(inner).map(|(_, seq, _)| seq).unwrap_or_default();
                let mut has_public = false;
                while let Some((tag, _, rest)) = der_read(fields) {
                    has_public |= tag == 0xa1;
                    fields = rest;
                }
                if has_public {
                    return rejected("ECDSA")(e);
                }
                KeyError::Rejected {
                    kind: "ECDSA".to_owned(),
                    reason: "the key does not carry its public key, which ring needs; re-export it with \
                             `openssl ec -in KEY | openssl pkcs8 -topk8 -nocrypt -out KEY.p8`"
                        .to_owned(),
                }
            })?;
            KeyPair::Ecdsa { pair, scheme }
        } else {
            let name = key_algorithm_name(&alg);
            return Err(KeyError::Unsupported {
                what: format!("{name} private keys (only RSA and ECDSA P-256/P-384)"),
            });
        };
        let public = match &pair {
            KeyPair::Rsa(kp) => {
                let c: RsaPublicKeyComponents<Vec<u8>> = kp.public().into();
                PublicKey::Rsa { bits: bit_len(&c.n), modulus: c.n, exponent: c.e }
            }
            KeyPair::Ecdsa { pair, scheme } => {
                let point = ring::signature::KeyPair::public_key(pair).as_ref().to_vec();
                match scheme {
                    SignatureScheme::EcdsaP256Sha256 => PublicKey::EcP256 { point },
                    _ => PublicKey::EcP384 { point },
                }
            }
        };
        Ok(SigningKey { pair: Arc::new(pair), public })
    }

    /// The scheme to sign with unless told otherwise: `RsaPkcs1Sha256`, `EcdsaP256Sha256` or `EcdsaP384Sha384`.
    ///
    /// ```
    /// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/ec384.key"));
    /// let key = samlguard::SigningKey::from_pkcs8_pem(pem)?;
    /// assert_eq!(key.scheme_default(), samlguard::SignatureScheme::EcdsaP384Sha384);
    /// # Ok::<(), samlguard::KeyError>(())
    /// ```
    pub fn scheme_default(&self) -> SignatureScheme {
        match &*self.pair {
            KeyPair::Rsa(_) => SignatureScheme::RsaPkcs1Sha256,
            KeyPair::Ecdsa { scheme, .. } => *scheme,
        }
    }

    /// Sign `message` (ECDSA signatures come out as `r||s`). RSA SHA-1 and the cross-size ECDSA
    /// schemes are `Unsupported`: ring only verifies them.
    ///
    /// ```
    /// use samlguard::{SignatureScheme, SigningKey};
    /// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.key"));
    /// let key = SigningKey::from_pkcs8_pem(pem)?;
    /// let signature = key.sign(SignatureScheme::RsaPssSha256, b"data")?;
    /// assert_eq!(signature.len(), 256);
    /// key.public_key().verify(SignatureScheme::RsaPssSha256, b"data", &signature)?;
    /// # Ok::<(), samlguard::KeyError>(())
    /// ```
    pub fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        use SignatureScheme::*;
        let rng = SystemRandom::new();
        let wrong = || KeyError::WrongKeyType { key: self.public.describe(), scheme };
        match &*self.pair {
            KeyPair::Rsa(kp) => {
                let encoding: &'static dyn sig::RsaEncoding = match scheme {
                    RsaPkcs1Sha256 => &sig::RSA_PKCS1_SHA256,
                    RsaPkcs1Sha384 => &sig::RSA_PKCS1_SHA384,
                    RsaPkcs1Sha512 => &sig::RSA_PKCS1_SHA512,
                    RsaPssSha256 => &sig::RSA_PSS_SHA256,
                    RsaPssSha384 => &sig::RSA_PSS_SHA384,
                    RsaPssSha512 => &sig::RSA_PSS_SHA512,
                    RsaPkcs1Sha1 => {
                        return Err(KeyError::Unsupported { what: "signing with RSA SHA-1".to_owned() });
                    }
                    _ => return Err(wrong()),
                };
                let mut out = vec![0; kp.public().modulus_len()];
                kp.sign(encoding, &rng, message, &mut out).map_err(|_| KeyError::SigningFailed)?;
                Ok(out)
            }
            KeyPair::Ecdsa { pair, scheme: own } if *own == scheme => {
                pair.sign(&rng, message).map(|s| s.as_ref().to_vec()).map_err(|_| KeyError::SigningFailed)
            }
            KeyPair::Ecdsa { scheme: own, .. } if own.ecdsa_field_len() == scheme.ecdsa_field_len() => {
                Err(KeyError::Unsupported { what: format!("signing with {scheme}") })
            }
            KeyPair::Ecdsa { .. } => Err(wrong()),
        }
    }

    /// The matching public key, equal to the certificate's [`Certificate::public_key`].
    ///
    /// ```
    /// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa3072.key"));
    /// let key = samlguard::SigningKey::from_pkcs8_pem(pem)?;
    /// assert_eq!(key.public_key().describe(), "RSA 3072-bit");
    /// # Ok::<(), samlguard::KeyError>(())
    /// ```
    pub fn public_key(&self) -> PublicKey {
        self.public.clone()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey").field("key", &self.public.describe()).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SignatureScheme::*;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");

    fn read(name: &str) -> Vec<u8> {
        std::fs::read(format!("{DIR}{name}")).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
    }

    fn cert(name: &str) -> Certificate {
        Certificate::from_pem(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn key(name: &str) -> SigningKey {
        SigningKey::from_pkcs8_pem(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).map(|t| t.to_utc()).expect("test date")
    }

    /// The base64 lines between the BEGIN and END lines of a one-block PEM file.
    fn pem_body_lines(name: &str) -> Vec<String> {
        let text = String::from_utf8(read(name)).expect("PEM is text");
        text.lines().filter(|l| !l.starts_with("-----")).map(str::to_owned).collect()
    }

    /// openssl's DER ECDSA-Sig-Value → XML-DSig's r||s.
    fn ecdsa_der_to_fixed(der: &[u8], field: usize) -> Vec<u8> {
        let (_, seq, _) = der_read(der).expect("SEQUENCE");
        let (_, r, rest) = der_read(seq).expect("r");
        let (_, s, _) = der_read(rest).expect("s");
        let mut out = Vec::new();
        for int in [strip_zeros(r), strip_zeros(s)] {
            out.extend(std::iter::repeat_n(0, field - int.len()));
            out.extend_from_slice(int);
        }
        out
    }

    #[test]
    fn fingerprints_serials_and_dates_match_openssl() {
        let list = String::from_utf8(read("fingerprints.txt")).expect("text");
        let mut checked = 0;
        for line in list.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [file, fingerprint, serial, not_before, not_after] = fields[..] else {
                panic!("bad line in fingerprints.txt: {line}");
            };
            let c = cert(file);
            assert_eq!(c.fingerprint_colon(), fingerprint, "{file}");
            assert_eq!(c.fingerprint_hex(), fingerprint.replace(':', "").to_lowercase(), "{file}");
            assert_eq!(hex(&c.sha256_fingerprint()), c.fingerprint_hex());
            assert!(c.serial_hex().eq_ignore_ascii_case(serial), "{file}: {} vs {serial}", c.serial_hex());
            assert_eq!(c.not_before(), at(not_before), "{file}");
            assert_eq!(c.not_after(), at(not_after), "{file}");
            checked += 1;
        }
        assert_eq!(checked, 9, "fingerprints.txt lists every certificate");
    }

    #[test]
    fn subjects_issuers_and_keys() {
        for (file, desc) in [
            ("rsa1024", "RSA 1024-bit"),
            ("rsa2048", "RSA 2048-bit"),
            ("rsa3072", "RSA 3072-bit"),
            ("rsa4096", "RSA 4096-bit"),
            ("ec256", "ECDSA P-256"),
            ("ec384", "ECDSA P-384"),
            ("ed25519", "Ed25519"),
        ] {
            let c = cert(&format!("{file}.crt"));
            assert_eq!(c.subject(), format!("CN=samlguard-test-{file}, O=samlguard tests, C=US"));
            assert_eq!(c.issuer(), c.subject());
            assert_eq!(c.public_key().describe(), desc);
            match c.public_key() {
                PublicKey::Rsa { modulus, exponent, bits } => {
                    assert_eq!(modulus.len() * 8, *bits);
                    assert!(modulus[0] & 0x80 != 0, "no leading zero byte");
                    assert_eq!(exponent, &[1, 0, 1]);
                }
                PublicKey::EcP256 { point } => assert_eq!((point.len(), point[0]), (65, 4)),
                PublicKey::EcP384 { point } => assert_eq!((point.len(), point[0]), (97, 4)),
                PublicKey::Other { algorithm } => assert_eq!(algorithm, "Ed25519"),
            }
        }
    }

    #[test]
    fn validity_window_is_inclusive_and_expired_cert_is_not_valid() {
        let c = cert("rsa2048.crt");
        assert!(c.is_valid_at(at("2024-01-01T00:00:00Z")));
        assert!(c.is_valid_at(at("2036-01-01T00:00:00Z")));
        assert!(!c.is_valid_at(at("2023-12-31T23:59:59Z")));
        assert!(!c.is_valid_at(at("2036-01-01T00:00:01Z")));
        let expired = cert("rsa2048-expired.crt");
        assert!(expired.is_valid_at(at("2020-06-01T00:00:00Z")));
        assert!(!expired.is_valid_at(at("2025-06-01T00:00:00Z")));
    }

    #[test]
    fn clone_has_same_subject_but_other_key_and_expired_shares_the_key() {
        let (real, clone, expired) =
            (cert("rsa2048.crt"), cert("rsa2048-clone.crt"), cert("rsa2048-expired.crt"));
        assert_eq!(real.subject(), clone.subject());
        assert_ne!(real, clone);
        assert_ne!(real.fingerprint_hex(), clone.fingerprint_hex());
        assert!(!real.same_public_key(&clone));
        assert!(real.same_public_key(&expired));
        assert_ne!(real, expired);
        assert_eq!(real, real.clone());
        let ed = cert("ed25519.crt");
        assert!(ed.same_public_key(&ed.clone()) && !ed.same_public_key(&real));
    }

    #[test]
    fn der_pem_and_base64_forms_agree() {
        let der = read("rsa2048.der");
        let from_pem = cert("rsa2048.crt");
        assert_eq!(Certificate::from_der(&der).expect("DER"), from_pem);
        assert_eq!(from_pem.der(), &der[..]);
        assert_eq!(load_certificates(&der).expect("DER file"), vec![from_pem.clone()]);
        // ds:X509Certificate bodies are wrapped and indented in every way IdPs can think of.
        let body = pem_body_lines("rsa2048.crt").join("\r\n\t  ");
        let b64 = format!("\n        {body}\n      ");
        assert_eq!(Certificate::from_base64(&b64).expect("base64"), from_pem);
        let one_line: String = pem_body_lines("rsa2048.crt").concat();
        let spaced: String = one_line.chars().flat_map(|c| [c, ' ']).collect();
        assert_eq!(Certificate::from_base64(&spaced).expect("spaced base64"), from_pem);
    }

    #[test]
    fn bundle_loads_in_order_but_from_pem_wants_one() {
        let bundle = read("bundle.pem");
        let certs = load_certificates(&bundle).expect("bundle");
        assert_eq!(certs, vec![cert("rsa2048.crt"), cert("ec256.crt")]);
        assert_eq!(Certificate::from_pem(&bundle), Err(CertError::ExpectedOne { found: 2 }));
        // CRLF line ends and text around the blocks are fine.
        let text = String::from_utf8(bundle).expect("text").replace('\n', "\r\n");
        let noisy = format!("subject=whatever\r\n{text}\r\ntrailing words\r\n");
        assert_eq!(load_certificates(noisy.as_bytes()).expect("noisy bundle").len(), 2);
    }

    #[test]
    fn malformed_inputs_say_what_was_found() {
        let msg = |r: Result<Vec<Certificate>, CertError>| r.expect_err("must fail").to_string();
        assert_eq!(msg(load_certificates(b"")), "no certificate found: the input is empty");
        assert_eq!(
            msg(load_certificates(b"hello")),
            "no certificate found: 5 bytes of text without a -----BEGIN CERTIFICATE----- line"
        );
        assert!(msg(load_certificates(&[0xff, 0x00])).contains("binary data starting with 0xff"));
        assert!(msg(load_certificates(&[0x30, 0x03, 0x02, 0x01])).starts_with("not a DER certificate: "));
        let mut der = read("rsa2048.der");
        der.extend_from_slice(b"junk");
        assert_eq!(
            msg(load_certificates(&der)),
            "not a DER certificate: 4 bytes of other data follow the certificate"
        );
        der.truncate(100);
        assert!(matches!(Certificate::from_der(&der), Err(CertError::Der { .. })));
        assert_eq!(
            Certificate::from_pem(&read("rsa2048.key")).expect_err("key").to_string(),
            "PEM block 1 is not a CERTIFICATE but PRIVATE KEY"
        );
        let cert_then_key = [read("rsa2048.crt"), read("rsa2048.key")].concat();
        assert_eq!(
            msg(load_certificates(&cert_then_key)),
            "PEM block 2 is not a CERTIFICATE but PRIVATE KEY"
        );
        let pem = read("rsa2048.crt");
        let cut = &pem[..pem.len() - 30];
        assert_eq!(
            msg(load_certificates(cut)),
            "PEM block 1 is malformed: the CERTIFICATE block has no END line"
        );
        let bad = b"-----BEGIN CERTIFICATE-----\nMII!\n-----END CERTIFICATE-----\n";
        assert!(msg(load_certificates(bad)).starts_with("PEM block 1 is malformed: its body is not base64"));
        let mixed = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n";
        assert!(msg(load_certificates(mixed)).contains("begins as CERTIFICATE but ends as X509 CRL"));
        assert!(matches!(Certificate::from_base64("MII&"), Err(CertError::Base64 { .. })));
        assert!(matches!(Certificate::from_base64("AAAA"), Err(CertError::Der { .. })));
    }

    #[test]
    fn sign_and_verify_round_trips_with_the_certificate_key() {
        let cases: &[(&str, &[SignatureScheme])] = &[
            (
                "rsa2048",
                &[RsaPkcs1Sha256, RsaPkcs1Sha384, RsaPkcs1Sha512, RsaPssSha256, RsaPssSha384, RsaPssSha512],
            ),
            ("rsa3072", &[RsaPkcs1Sha256, RsaPssSha384]),
            ("rsa4096", &[RsaPkcs1Sha512, RsaPssSha512]),
            ("ec256", &[EcdsaP256Sha256]),
            ("ec384", &[EcdsaP384Sha384]),
        ];
        let message = b"<ds:SignedInfo>canonical bytes</ds:SignedInfo>";
        for (name, schemes) in cases {
            let (k, c) = (key(&format!("{name}.key")), cert(&format!("{name}.crt")));
            assert_eq!(&k.public_key(), c.public_key(), "{name}: key and certificate match");
            for &scheme in *schemes {
                let s = k.sign(scheme, message).unwrap_or_else(|e| panic!("{name} {scheme}: {e}"));
                assert_eq!(c.public_key().verify(scheme, message, &s), Ok(()), "{name} {scheme}");
                let mut tampered = message.to_vec();
                tampered[5] ^= 1;
                assert_eq!(c.public_key().verify(scheme, &tampered, &s), Err(KeyError::BadSignature));
                let mut bad = s.clone();
                bad[10] ^= 0x40;
                assert_eq!(c.public_key().verify(scheme, message, &bad), Err(KeyError::BadSignature));
            }
        }
        assert_eq!(key("rsa2048.key").scheme_default(), RsaPkcs1Sha256);
        assert_eq!(key("ec256.key").scheme_default(), EcdsaP256Sha256);
    }

    #[test]
    fn openssl_signatures_verify() {
        let message = read("message.txt");
        let rsa = cert("rsa2048.crt");
        for (file, scheme) in [
            ("rsa2048-sha1.sig", RsaPkcs1Sha1),
            ("rsa2048-sha256.sig", RsaPkcs1Sha256),
            ("rsa2048-pss-sha256.sig", RsaPssSha256),
        ] {
            assert_eq!(rsa.public_key().verify(scheme, &message, &read(file)), Ok(()), "{file}");
        }
        assert_eq!(
            rsa.public_key().verify(RsaPkcs1Sha384, &message, &read("rsa2048-sha256.sig")),
            Err(KeyError::BadSignature),
            "a scheme with another hash fails"
        );
        for (file, scheme, field) in [
            ("ec256-sha256", EcdsaP256Sha256, 32),
            ("ec256-sha384", EcdsaP256Sha384, 32),
            ("ec384-sha256", EcdsaP384Sha256, 48),
            ("ec384-sha384", EcdsaP384Sha384, 48),
        ] {
            let fixed = ecdsa_der_to_fixed(&read(&format!("{file}.sig")), field);
            let c = cert(&format!("{}.crt", &file[..5]));
            assert_eq!(c.public_key().verify(scheme, &message, &fixed), Ok(()), "{file}");
            assert_eq!(c.public_key().verify(scheme, b"other", &fixed), Err(KeyError::BadSignature));
            assert_eq!(
                c.public_key().verify(scheme, &message, &fixed[1..]),
                Err(KeyError::BadSignature),
                "{file}: a short r||s"
            );
        }
    }

    #[test]
    fn signature_from_clone_key_does_not_verify_with_real_cert() {
        let forged = key("rsa2048-clone.key").sign(RsaPkcs1Sha256, b"assertion").expect("sign");
        let verdict = cert("rsa2048.crt").public_key().verify(RsaPkcs1Sha256, b"assertion", &forged);
        assert_eq!(verdict, Err(KeyError::BadSignature));
    }

    #[test]
    fn small_rsa_keys_are_refused() {
        let c = cert("rsa1024.crt");
        let verdict =
            c.public_key().verify(RsaPkcs1Sha256, &read("message.txt"), &read("rsa1024-sha256.sig"));
        assert_eq!(verdict, Err(KeyError::RsaKeyTooSmall { bits: 1024 }));
        assert_eq!(
            SigningKey::from_pkcs8_pem(&read("rsa1024.key")).unwrap_err(),
            KeyError::RsaKeyTooSmall { bits: 1024 }
        );
        let err = KeyError::RsaKeyTooSmall { bits: 1024 }.to_string();
        assert_eq!(err, "RSA key of 1024 bits is too small: at least 2048 bits are required");
    }

    #[test]
    fn wrong_key_types_and_unsupported_schemes() {
        let (rsa, ec256, ec384) = (cert("rsa2048.crt"), cert("ec256.crt"), cert("ec384.crt"));
        let wrong =
            |c: &Certificate, scheme| KeyError::WrongKeyType { key: c.public_key().describe(), scheme };
        let check = |c: &Certificate, scheme| c.public_key().verify(scheme, b"m", &[0; 64]);
        assert_eq!(check(&rsa, EcdsaP256Sha256), Err(wrong(&rsa, EcdsaP256Sha256)));
        assert_eq!(check(&ec256, RsaPkcs1Sha256), Err(wrong(&ec256, RsaPkcs1Sha256)));
        assert_eq!(check(&ec256, EcdsaP384Sha384), Err(wrong(&ec256, EcdsaP384Sha384)));
        assert_eq!(check(&ec384, EcdsaP256Sha256), Err(wrong(&ec384, EcdsaP256Sha256)));
        assert_eq!(
            wrong(&rsa, EcdsaP256Sha256).to_string(),
            "ECDSA P-256 SHA-256 cannot be used with an RSA 2048-bit key"
        );
        assert!(matches!(check(&ec256, EcdsaP256Sha1), Err(KeyError::Unsupported { .. })));
        assert!(matches!(check(&ec384, EcdsaP384Sha1), Err(KeyError::Unsupported { .. })));
        assert!(matches!(check(&cert("ed25519.crt"), RsaPkcs1Sha256), Err(KeyError::Unsupported { .. })));

        let (rsa_key, ec_key) = (key("rsa2048.key"), key("ec256.key"));
        assert!(matches!(rsa_key.sign(RsaPkcs1Sha1, b"m"), Err(KeyError::Unsupported { .. })));
        assert!(matches!(rsa_key.sign(EcdsaP256Sha256, b"m"), Err(KeyError::WrongKeyType { .. })));
        assert!(matches!(ec_key.sign(RsaPssSha256, b"m"), Err(KeyError::WrongKeyType { .. })));
        assert!(matches!(ec_key.sign(EcdsaP384Sha384, b"m"), Err(KeyError::WrongKeyType { .. })));
        assert!(matches!(ec_key.sign(EcdsaP256Sha384, b"m"), Err(KeyError::Unsupported { .. })));
    }

    #[test]
    fn signing_key_loading_errors_and_debug() {
        let not_pkcs8 = |bytes: &[u8]| match SigningKey::from_pkcs8_pem(bytes) {
            Err(KeyError::NotPkcs8 { reason }) => reason,
            other => panic!("expected NotPkcs8, got {other:?}"),
        };
        assert_eq!(not_pkcs8(&read("rsa2048.crt")), "the PEM block is CERTIFICATE, not PRIVATE KEY");
        let pkcs1 = b"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert!(not_pkcs8(pkcs1).contains("openssl pkcs8 -topk8 -nocrypt"));
        assert_eq!(not_pkcs8(b"nothing here"), "expected one PEM block, found 0");
        assert!(matches!(SigningKey::from_pkcs8_der(&read("rsa2048.der")), Err(KeyError::NotPkcs8 { .. })));
        assert!(matches!(SigningKey::from_pkcs8_der(b""), Err(KeyError::NotPkcs8 { .. })));
        let no_public = SigningKey::from_pkcs8_pem(&read("ec256-nopub.key")).expect_err("no public key");
        assert!(no_public.to_string().contains("does not carry its public key"), "{no_public}");
        let ed = SigningKey::from_pkcs8_pem(&read("ed25519.key")).expect_err("Ed25519");
        assert!(matches!(ed, KeyError::Unsupported { ref what } if what.starts_with("Ed25519")), "{ed}");

        let k = key("rsa2048.key");
        assert_eq!(format!("{k:?}"), "SigningKey { key: \"RSA 2048-bit\", .. }");
        let c = cert("ec256.crt");
        let debug = format!("{c:?}");
        assert!(
            debug.starts_with("Certificate { subject: \"CN=samlguard-test-ec256, O=samlguard tests, C=US\"")
        );
        assert!(debug.contains(&c.fingerprint_colon()) && debug.len() < 200);
    }

    #[test]
    fn mutated_and_truncated_inputs_never_panic() {
        let der = read("rsa2048.der");
        let key_der = STANDARD.decode(pem_body_lines("ec256.key").concat()).expect("base64");
        for (input, is_key) in [(&der, false), (&key_der, true)] {
            for i in 0..input.len() {
                let mut m = input.clone();
                m[i] ^= 0xa5;
                for bytes in [&m[..], &input[..i]] {
                    if is_key {
                        let _ = SigningKey::from_pkcs8_der(bytes);
                    } else {
                        let _ = load_certificates(bytes);
                    }
                }
            }
        }
    }

    #[test]
    fn fixed_to_der_pads_high_bits_and_strips_zeros() {
        let mut fixed = [0u8; 64];
        fixed[0] = 0x80; // r has its high bit set: needs a 0x00 pad
        fixed[63] = 0x01; // s is 1: 31 leading zeros dropped
        let der = ecdsa_fixed_to_der(&fixed, 32).expect("encodes");
        assert_eq!(&der[..5], &[0x30, 0x26, 0x02, 0x21, 0x00]);
        assert_eq!(&der[der.len() - 3..], &[0x02, 0x01, 0x01]);
        assert_eq!(ecdsa_der_to_fixed(&der, 32), fixed.to_vec());
        assert_eq!(ecdsa_fixed_to_der(&fixed, 48), None);
    }
}
