//! XML-DSig verification and enveloped signing, restricted to the profile SAML uses.
//!
//! A signature is accepted only when it has exactly one `SignedInfo` with exactly one `Reference` whose
//! `URI` is a same-document bare name (`#id`) that resolves, through an `ID`, `Id` or `AssertionID`
//! attribute, to exactly one element of a document in which no ID value appears twice. Its transforms
//! are at most the enveloped-signature transform and one canonicalization, checked before any is
//! applied. The digest is compared in constant time; the signature value is verified with ring against
//! the trusted certificates only — a certificate in `KeyInfo` is never trusted, only reported.

use std::fmt;

use base64::Engine as _;
use ring::digest;

use crate::c14n::{C14nAlgorithm, Sink, Subtree, canonicalize_into};
use crate::cert::{Certificate, KeyError, PublicKey, SignatureScheme, SigningKey};
use crate::xml::{Document, Element, NodeKind};

/// The XML-DSig namespace.
///
/// ```
/// use samlguard::{DSIG_NS, Document, find_signatures};
/// let xml = format!(r#"<r><ds:Signature xmlns:ds="{DSIG_NS}"/><Signature/></r>"#);
/// let doc = Document::parse_str(&xml).unwrap();
/// let found = find_signatures(&doc); // only the one in the XML-DSig namespace
/// assert_eq!(found.len(), 1);
/// assert!(found[0].is(DSIG_NS, "Signature"));
/// ```
pub const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// Digest algorithms samlguard knows.
///
/// ```
/// use samlguard::DigestAlgorithm;
/// assert_eq!(DigestAlgorithm::from_uri("http://www.w3.org/2001/04/xmlenc#sha256"), Some(DigestAlgorithm::Sha256));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// SHA-1: only under [`AlgorithmPolicy::legacy_allow_sha1`].
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

/// Signature algorithms samlguard knows (the curve of an ECDSA key is taken from the key).
///
/// ```
/// use samlguard::SignatureAlgorithm;
/// let alg = SignatureAlgorithm::from_uri("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256").unwrap();
/// assert_eq!(alg, SignatureAlgorithm::RsaSha256);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// RSA PKCS#1 v1.5 with SHA-1: only under [`AlgorithmPolicy::legacy_allow_sha1`].
    RsaSha1,
    /// RSA PKCS#1 v1.5 with SHA-256.
    RsaSha256,
    /// RSA PKCS#1 v1.5 with SHA-384.
    RsaSha384,
    /// RSA PKCS#1 v1.5 with SHA-512.
    RsaSha512,
    /// RSA-PSS (MGF1 with the same hash, salt as long as the hash) with SHA-256.
    RsaPssSha256,
    /// RSA-PSS with SHA-384.
    RsaPssSha384,
    /// RSA-PSS with SHA-512.
    RsaPssSha512,
    /// ECDSA with SHA-1: recognised, refused (ring has no such verifier).
    EcdsaSha1,
    /// ECDSA (P-256 or P-384) with SHA-256.
    EcdsaSha256,
    /// ECDSA (P-256 or P-384) with SHA-384.
    EcdsaSha384,
}

/// What the one algorithm table says about a URI.
#[derive(Clone, Copy)]
enum Known {
    Digest(DigestAlgorithm),
    Signature(SignatureAlgorithm),
    /// Recognised and never accepted, with the reason.
    Refused(&'static str),
}

/// The one table from algorithm URIs to what samlguard does with them.
const ALGORITHM_TABLE: &[(&str, Known)] = &[
    ("http://www.w3.org/2000/09/xmldsig#sha1", Known::Digest(DigestAlgorithm::Sha1)),
    ("http://www.w3.org/2001/04/xmlenc#sha256", Known::Digest(DigestAlgorithm::Sha256)),
    ("http://www.w3.org/2001/04/xmldsig-more#sha384", Known::Digest(DigestAlgorithm::Sha384)),
    ("http://www.w3.org/2001/04/xmlenc#sha512", Known::Digest(DigestAlgorithm::Sha512)),
    ("http://www.w3.org/2001/04/xmldsig-more#md5", Known::Refused("MD5 is broken")),
    ("http://www.w3.org/2001/04/xmldsig-more#sha224", Known::Refused("SHA-224 is not supported")),
    ("http://www.w3.org/2001/04/xmlenc#ripemd160", Known::Refused("RIPEMD-160 is not supported")),
    ("http://www.w3.org/2000/09/xmldsig#rsa-sha1", Known::Signature(SignatureAlgorithm::RsaSha1)),
    ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", Known::Signature(SignatureAlgorithm::RsaSha256)),
    ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", Known::Signature(SignatureAlgorithm::RsaSha384)),
    ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", Known::Signature(SignatureAlgorithm::RsaSha512)),
    (
        "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1",
        Known::Signature(SignatureAlgorithm::RsaPssSha256),
    ),
    (
        "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1",
        Known::Signature(SignatureAlgorithm::RsaPssSha384),
    ),
    (
        "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1",
        Known::Signature(SignatureAlgorithm::RsaPssSha512),
    ),
    ("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1", Known::Signature(SignatureAlgorithm::EcdsaSha1)),
    (
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
        Known::Signature(SignatureAlgorithm::EcdsaSha256),
    ),
    (
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
        Known::Signature(SignatureAlgorithm::EcdsaSha384),
    ),
    (
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
        Known::Refused("ECDSA with SHA-512 is not supported"),
    ),
    ("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha224", Known::Refused("SHA-224 is not supported")),
    ("http://www.w3.org/2001/04/xmldsig-more#rsa-md5", Known::Refused("MD5 is broken")),
    ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha224", Known::Refused("SHA-224 is not supported")),
    ("http://www.w3.org/2001/04/xmldsig-more#rsa-ripemd160", Known::Refused("RIPEMD-160 is not supported")),
    ("http://www.w3.org/2007/05/xmldsig-more#sha224-rsa-MGF1", Known::Refused("SHA-224 is not supported")),
    (
        "http://www.w3.org/2007/05/xmldsig-more#rsa-pss",
        Known::Refused("parameterised RSA-PSS is not supported"),
    ),
    ("http://www.w3.org/2000/09/xmldsig#dsa-sha1", Known::Refused("DSA is never accepted")),
    ("http://www.w3.org/2009/xmldsig11#dsa-sha256", Known::Refused("DSA is never accepted")),
    (
        "http://www.w3.org/2000/09/xmldsig#hmac-sha1",
        Known::Refused("HMAC is never accepted (a shared secret is not an identity)"),
    ),
    (
        "http://www.w3.org/2001/04/xmldsig-more#hmac-sha224",
        Known::Refused("HMAC is never accepted (a shared secret is not an identity)"),
    ),
    (
        "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
        Known::Refused("HMAC is never accepted (a shared secret is not an identity)"),
    ),
    (
        "http://www.w3.org/2001/04/xmldsig-more#hmac-sha384",
        Known::Refused("HMAC is never accepted (a shared secret is not an identity)"),
    ),
    (
        "http://www.w3.org/2001/04/xmldsig-more#hmac-sha512",
        Known::Refused("HMAC is never accepted (a shared secret is not an identity)"),
    ),
    ("http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519", Known::Refused("EdDSA is not supported")),
    ("http://www.w3.org/2021/04/xmldsig-more#eddsa-ed448", Known::Refused("EdDSA is not supported")),
];

fn lookup(uri: &str) -> Option<Known> {
    ALGORITHM_TABLE.iter().find(|(u, _)| *u == uri).map(|(_, k)| *k)
}

impl DigestAlgorithm {
    /// The algorithm named by a `DigestMethod` URI.
    ///
    /// ```
    /// use samlguard::DigestAlgorithm;
    /// let sha1 = DigestAlgorithm::from_uri("http://www.w3.org/2000/09/xmldsig#sha1");
    /// assert_eq!(sha1, Some(DigestAlgorithm::Sha1)); // known; refused unless the policy allows SHA-1
    /// assert_eq!(DigestAlgorithm::from_uri("http://www.w3.org/2001/04/xmldsig-more#md5"), None);
    /// ```
    pub fn from_uri(uri: &str) -> Option<Self> {
        match lookup(uri) {
            Some(Known::Digest(d)) => Some(d),
            _ => None,
        }
    }
    /// The algorithm's URI.
    ///
    /// ```
    /// assert!(samlguard::DigestAlgorithm::Sha256.uri().ends_with("#sha256"));
    /// ```
    pub fn uri(self) -> &'static str {
        ALGORITHM_TABLE
            .iter()
            .find(|(_, k)| matches!(k, Known::Digest(d) if *d == self))
            .map(|(u, _)| *u)
            .unwrap_or("")
    }
    fn ring(self) -> &'static digest::Algorithm {
        match self {
            DigestAlgorithm::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            DigestAlgorithm::Sha256 => &digest::SHA256,
            DigestAlgorithm::Sha384 => &digest::SHA384,
            DigestAlgorithm::Sha512 => &digest::SHA512,
        }
    }
}

impl SignatureAlgorithm {
    /// The algorithm named by a `SignatureMethod` URI.
    ///
    /// ```
    /// use samlguard::SignatureAlgorithm;
    /// let uri = "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1";
    /// assert_eq!(SignatureAlgorithm::from_uri(uri), Some(SignatureAlgorithm::RsaPssSha256));
    /// assert_eq!(SignatureAlgorithm::from_uri("http://www.w3.org/2000/09/xmldsig#dsa-sha1"), None);
    /// ```
    pub fn from_uri(uri: &str) -> Option<Self> {
        match lookup(uri) {
            Some(Known::Signature(s)) => Some(s),
            _ => None,
        }
    }
    /// The algorithm's URI.
    ///
    /// ```
    /// assert!(samlguard::SignatureAlgorithm::EcdsaSha256.uri().ends_with("#ecdsa-sha256"));
    /// ```
    pub fn uri(self) -> &'static str {
        ALGORITHM_TABLE
            .iter()
            .find(|(_, k)| matches!(k, Known::Signature(s) if *s == self))
            .map(|(u, _)| *u)
            .unwrap_or("")
    }
    fn uses_sha1(self) -> bool {
        matches!(self, SignatureAlgorithm::RsaSha1 | SignatureAlgorithm::EcdsaSha1)
    }
    /// The ring scheme for this algorithm with this key, if the pair makes sense.
    fn scheme_for(self, key: &PublicKey) -> Option<SignatureScheme> {
        use SignatureAlgorithm as A;
        use SignatureScheme as S;
        Some(match (self, key) {
            (A::RsaSha1, PublicKey::Rsa { .. }) => S::RsaPkcs1Sha1,
            (A::RsaSha256, PublicKey::Rsa { .. }) => S::RsaPkcs1Sha256,
            (A::RsaSha384, PublicKey::Rsa { .. }) => S::RsaPkcs1Sha384,
            (A::RsaSha512, PublicKey::Rsa { .. }) => S::RsaPkcs1Sha512,
            (A::RsaPssSha256, PublicKey::Rsa { .. }) => S::RsaPssSha256,
            (A::RsaPssSha384, PublicKey::Rsa { .. }) => S::RsaPssSha384,
            (A::RsaPssSha512, PublicKey::Rsa { .. }) => S::RsaPssSha512,
            (A::EcdsaSha1, PublicKey::EcP256 { .. }) => S::EcdsaP256Sha1,
            (A::EcdsaSha1, PublicKey::EcP384 { .. }) => S::EcdsaP384Sha1,
            (A::EcdsaSha256, PublicKey::EcP256 { .. }) => S::EcdsaP256Sha256,
            (A::EcdsaSha256, PublicKey::EcP384 { .. }) => S::EcdsaP384Sha256,
            (A::EcdsaSha384, PublicKey::EcP256 { .. }) => S::EcdsaP256Sha384,
            (A::EcdsaSha384, PublicKey::EcP384 { .. }) => S::EcdsaP384Sha384,
            _ => return None,
        })
    }
}

/// Which algorithms a verifier accepts. The default is the strict set of SPEC §5; SHA-1 (digest and
/// signature) is only available through the explicitly named legacy door.
///
/// ```
/// use samlguard::AlgorithmPolicy;
/// assert!(!AlgorithmPolicy::default().allows_sha1());
/// assert!(AlgorithmPolicy::default().legacy_allow_sha1().allows_sha1());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlgorithmPolicy {
    allow_sha1: bool,
}

impl AlgorithmPolicy {
    /// Accepts SHA-1 digests and RSA-SHA1 signatures. SHA-1 collisions are practical; use this only for an
    /// IdP that cannot be reconfigured, and plan its removal.
    ///
    /// ```
    /// use samlguard::{AlgorithmPolicy, Certificate, DigestAlgorithm, Document, DsigErrorKind};
    /// use samlguard::{Signer, SigningKey, verify_document};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// // An IdP that still digests with SHA-1.
    /// let signed = Signer::new(key, cert.clone())
    ///     .digest_algorithm(DigestAlgorithm::Sha1)
    ///     .sign_enveloped(r#"<Response ID="r1"><Issuer>legacy-idp</Issuer></Response>"#, "r1")?;
    /// let doc = Document::parse_str(&signed)?;
    /// let err = verify_document(&doc, &[cert.clone()], &AlgorithmPolicy::default()).unwrap_err();
    /// assert!(matches!(err.kind(), DsigErrorKind::AlgorithmRefused { role: "digest", .. }));
    /// let legacy = AlgorithmPolicy::default().legacy_allow_sha1();
    /// assert_eq!(verify_document(&doc, &[cert], &legacy)?.digest_algorithm(), DigestAlgorithm::Sha1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn legacy_allow_sha1(mut self) -> Self {
        self.allow_sha1 = true;
        self
    }
    /// Whether SHA-1 is accepted.
    ///
    /// ```
    /// use samlguard::AlgorithmPolicy;
    /// let policy = AlgorithmPolicy::default();
    /// assert!(!policy.allows_sha1());
    /// assert!(policy.legacy_allow_sha1().allows_sha1());
    /// ```
    pub fn allows_sha1(&self) -> bool {
        self.allow_sha1
    }
}

/// Why a signature was refused. Each variant says precisely what failed.
///
/// ```
/// use samlguard::{AlgorithmPolicy, Document, DsigErrorKind, load_certificates, verify_document};
/// let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
/// let trusted = load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?;
/// // The NameID was changed after signing.
/// let doc = Document::parse(&std::fs::read(format!("{demo}tampered-response.xml"))?)?;
/// let err = verify_document(&doc, &trusted, &AlgorithmPolicy::default()).unwrap_err();
/// match err.kind() {
///     DsigErrorKind::DigestMismatch { id } => assert_eq!(id, "_8f0d2c6e4b1a4f7e9c3d5a7b9e1f3a5c"),
///     other => panic!("unexpected: {other}"),
/// }
/// // No signature at all.
/// let doc = Document::parse(&std::fs::read(format!("{demo}response.xml"))?)?;
/// let err = verify_document(&doc, &trusted, &AlgorithmPolicy::default()).unwrap_err();
/// assert_eq!(err.kind(), &DsigErrorKind::NoSignature);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DsigErrorKind {
    /// The element given is not a `ds:Signature`.
    NotASignature,
    /// The document carries no `ds:Signature` (for the whole-document check).
    NoSignature,
    /// The document carries more than one `ds:Signature` (for the whole-document check).
    MultipleSignatures(usize),
    /// The `Signature` element's structure is not the one XML-DSig defines (missing, repeated or
    /// unexpected children, text where only elements belong, a comment inside a value).
    Malformed(String),
    /// `SignedInfo` has this many `Reference` elements; exactly one is required.
    ReferenceCount(usize),
    /// The `Reference` URI is not a same-document bare-name reference (`#id`).
    UnsupportedReferenceUri(String),
    /// No element carries this ID.
    ReferenceNotFound(String),
    /// An ID value appears on more than one element of the document.
    DuplicateId(String),
    /// A transform outside the profile (only enveloped-signature and one canonicalization).
    TransformNotAllowed(String),
    /// More transforms than the profile allows.
    TooManyTransforms(usize),
    /// An algorithm samlguard does not know.
    UnknownAlgorithm {
        /// `digest`, `signature` or `canonicalization`.
        role: &'static str,
        /// The URI.
        uri: String,
    },
    /// An algorithm samlguard knows and refuses.
    AlgorithmRefused {
        /// `digest`, `signature` or `canonicalization`.
        role: &'static str,
        /// The URI.
        uri: String,
        /// Why.
        reason: String,
    },
    /// `DigestValue` or `SignatureValue` is not valid base64.
    BadBase64(&'static str),
    /// The digest of the referenced element does not match `DigestValue`: the signed content was changed.
    DigestMismatch {
        /// The ID of the referenced element.
        id: String,
    },
    /// The signature value does not verify with any trusted certificate.
    BadSignatureValue {
        /// How many trusted certificates were tried.
        tried: usize,
    },
    /// Every trusted RSA key is smaller than 2048 bits.
    KeyTooSmall {
        /// The largest size found.
        bits: usize,
    },
    /// No trusted certificate has a key usable with the signature algorithm.
    NoUsableKey(String),
    /// Canonicalization failed.
    Canonicalization(String),
}

/// A refused signature: the reason, and — when no trusted certificate verified the signature value —
/// the certificate the signature's `KeyInfo` carries, if that certificate is not trusted (the usual sign
/// that the IdP rolled its signing key).
///
/// ```
/// use samlguard::{AlgorithmPolicy, Certificate, Document, DsigErrorKind, Signer, SigningKey};
/// use samlguard::verify_document;
/// let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
/// let trusted = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
/// // The IdP rolled its key: it now signs with a key pair the SP does not trust yet.
/// let new_key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048-clone.key"))?)?;
/// let new_cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048-clone.crt"))?)?;
/// let xml = r#"<Response ID="r1"><Issuer>https://idp.example.com</Issuer></Response>"#;
/// let signed = Signer::new(new_key, new_cert.clone()).sign_enveloped(xml, "r1")?;
/// let doc = Document::parse_str(&signed)?;
/// let err = verify_document(&doc, &[trusted], &AlgorithmPolicy::default()).unwrap_err();
/// assert_eq!(err.kind(), &DsigErrorKind::BadSignatureValue { tried: 1 });
/// let untrusted = err.untrusted_key_info().expect("KeyInfo carries the new certificate");
/// assert_eq!(untrusted.certificate, new_cert);
/// assert!(err.to_string().contains("rolled its signing certificate"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DsigError {
    kind: DsigErrorKind,
    untrusted: Option<Box<UntrustedKeyInfo>>,
    value_verified_by: Vec<usize>,
}

/// The untrusted certificate found in a failed signature's `KeyInfo`.
///
/// ```
/// # use samlguard::*;
/// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
/// # let trusted = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
/// # // The IdP rolled its key: it now signs with a key pair the SP does not trust yet.
/// # let new_key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048-clone.key"))?)?;
/// # let new_cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048-clone.crt"))?)?;
/// # let xml = r#"<Response ID="r1"><Issuer>https://idp.example.com</Issuer></Response>"#;
/// # let signed = Signer::new(new_key, new_cert.clone()).sign_enveloped(xml, "r1")?;
/// # let doc = Document::parse_str(&signed)?;
/// # let err = verify_document(&doc, &[trusted], &AlgorithmPolicy::default()).unwrap_err();
/// let untrusted = err.untrusted_key_info().unwrap();
/// // SignedInfo is intact and signed by the KeyInfo certificate's key: a rollover, not tampering.
/// assert!(untrusted.signature_checked && untrusted.signature_verifies);
/// println!("the IdP now signs with {}", untrusted.certificate.fingerprint_colon());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UntrustedKeyInfo {
    /// The certificate.
    pub certificate: Certificate,
    /// Whether the signature value verifies with that certificate's key over the canonical `SignedInfo`
    /// (the `SignedInfo` is intact and signed by a key the SP does not trust). `false` also when that
    /// could not be checked: see [`UntrustedKeyInfo::signature_checked`].
    pub signature_verifies: bool,
    /// Whether the check behind `signature_verifies` could be made (`SignedInfo`, a known
    /// canonicalization, a signature algorithm samlguard implements for that key and a decodable
    /// `SignatureValue` were found). The check only informs the report; it never makes anything trusted.
    pub signature_checked: bool,
}

impl DsigError {
    fn new(kind: DsigErrorKind) -> Self {
        DsigError { kind, untrusted: None, value_verified_by: Vec::new() }
    }
    /// What failed.
    ///
    /// ```
    /// # use samlguard::{AlgorithmPolicy, DsigErrorKind, Document, load_certificates, verify_document};
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let trusted = load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?;
    /// let doc = Document::parse(&std::fs::read(format!("{demo}tampered-response.xml"))?)?;
    /// let err = verify_document(&doc, &trusted, &AlgorithmPolicy::default()).unwrap_err();
    /// assert!(matches!(err.kind(), DsigErrorKind::DigestMismatch { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn kind(&self) -> &DsigErrorKind {
        &self.kind
    }
    /// The untrusted `KeyInfo` certificate, when the signature verified with no trusted certificate.
    ///
    /// ```
    /// # use samlguard::*;
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let trusted = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # // The IdP rolled its key: it now signs with a key pair the SP does not trust yet.
    /// # let new_key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048-clone.key"))?)?;
    /// # let new_cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048-clone.crt"))?)?;
    /// # let xml = r#"<Response ID="r1"><Issuer>https://idp.example.com</Issuer></Response>"#;
    /// # let signed = Signer::new(new_key, new_cert.clone()).sign_enveloped(xml, "r1")?;
    /// # let doc = Document::parse_str(&signed)?;
    /// # let err = verify_document(&doc, &[trusted], &AlgorithmPolicy::default()).unwrap_err();
    /// let info = err.untrusted_key_info().unwrap();
    /// assert_eq!(info.certificate.subject(), "CN=samlguard-test-rsa2048, O=samlguard tests, C=US");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn untrusted_key_info(&self) -> Option<&UntrustedKeyInfo> {
        self.untrusted.as_deref()
    }
    /// Indices (into the trusted slice) of the certificates whose key verified the `SignatureValue`
    /// although the signature failed afterwards (a digest mismatch, an unresolvable reference). Empty
    /// when no trusted key verified it.
    ///
    /// ```
    /// # use samlguard::{AlgorithmPolicy, Document, load_certificates, verify_document};
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let trusted = load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?;
    /// let doc = Document::parse(&std::fs::read(format!("{demo}tampered-response.xml"))?)?;
    /// let err = verify_document(&doc, &trusted, &AlgorithmPolicy::default()).unwrap_err();
    /// // The trusted key signed SignedInfo, but the content changed afterwards.
    /// assert_eq!(err.signature_value_verified_by(), [0]);
    /// assert!(err.untrusted_key_info().is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn signature_value_verified_by(&self) -> &[usize] {
        &self.value_verified_by
    }
}

impl fmt::Display for DsigErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DsigErrorKind::NotASignature => write!(f, "the element is not a ds:Signature"),
            DsigErrorKind::NoSignature => write!(f, "the document carries no ds:Signature"),
            DsigErrorKind::MultipleSignatures(n) => {
                write!(f, "the document carries {n} ds:Signature elements; exactly one is expected")
            }
            DsigErrorKind::Malformed(m) => write!(f, "malformed signature: {m}"),
            DsigErrorKind::ReferenceCount(n) => {
                write!(f, "SignedInfo has {n} Reference elements; exactly one is required")
            }
            DsigErrorKind::UnsupportedReferenceUri(u) => write!(
                f,
                "Reference URI {u:?} is not a same-document reference by ID (#id); empty, XPointer and external URIs are refused"
            ),
            DsigErrorKind::ReferenceNotFound(id) => {
                write!(f, "no element has the ID {id:?} the Reference names")
            }
            DsigErrorKind::DuplicateId(id) => write!(
                f,
                "the ID {id:?} appears on more than one element (a signature-wrapping pattern); IDs must be unique"
            ),
            DsigErrorKind::TransformNotAllowed(u) => write!(
                f,
                "transform {u} is not allowed; only enveloped-signature and one canonicalization are"
            ),
            DsigErrorKind::TooManyTransforms(n) => {
                write!(f, "{n} transforms; at most enveloped-signature and one canonicalization are allowed")
            }
            DsigErrorKind::UnknownAlgorithm { role, uri } => write!(f, "unknown {role} algorithm {uri}"),
            DsigErrorKind::AlgorithmRefused { role, uri, reason } => {
                write!(f, "{role} algorithm {uri} is refused: {reason}")
            }
            DsigErrorKind::BadBase64(what) => write!(f, "{what} is not valid base64"),
            DsigErrorKind::DigestMismatch { id } => write!(
                f,
                "the digest of the element with ID {id:?} does not match its DigestValue: the signed content was changed after signing"
            ),
            DsigErrorKind::BadSignatureValue { tried } => {
                write!(f, "the signature value verifies with none of the {tried} trusted certificate(s)")
            }
            DsigErrorKind::KeyTooSmall { bits } => {
                write!(f, "the trusted RSA key is {bits} bits; at least 2048 bits are required")
            }
            DsigErrorKind::NoUsableKey(m) => {
                write!(f, "no trusted certificate can verify this signature: {m}")
            }
            DsigErrorKind::Canonicalization(m) => write!(f, "canonicalization failed: {m}"),
        }
    }
}

impl fmt::Display for DsigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(u) = &self.untrusted {
            let c = &u.certificate;
            write!(
                f,
                "; the signature's KeyInfo carries a certificate that is not trusted: {} (SHA-256 fingerprint {}, valid {} to {})",
                c.subject(),
                c.fingerprint_colon(),
                c.not_before().format("%Y-%m-%d"),
                c.not_after().format("%Y-%m-%d")
            )?;
            if u.signature_verifies {
                write!(
                    f,
                    " and the signature verifies with it: the IdP has probably rolled its signing certificate; import the new one if it is genuine"
                )?;
            } else if u.signature_checked {
                write!(f, " and the signature does not verify with it either")?;
            } else {
                write!(f, " (whether the signature verifies with it could not be checked)")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for DsigError {}

impl From<DsigErrorKind> for DsigError {
    fn from(kind: DsigErrorKind) -> Self {
        DsigError::new(kind)
    }
}

/// A signature that verified: the element it covers and the trusted certificate(s) whose key verified it.
///
/// Read signed values only through [`VerifiedSignature::signed_element`]: it is the very node the
/// reference resolved to.
///
/// ```
/// use samlguard::{AlgorithmPolicy, Document, load_certificates, verify_document};
/// let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
/// let trusted = load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?;
/// let doc = Document::parse(&std::fs::read(format!("{demo}signed-response.xml"))?)?;
/// let verified = verify_document(&doc, &trusted, &AlgorithmPolicy::default())?;
/// let response = verified.signed_element();
/// assert_eq!(response.local_name(), "Response");
/// let signer = &trusted[verified.certificate_indices()[0]];
/// assert_eq!(signer.subject(), "CN=samlguard-test-rsa2048, O=samlguard tests, C=US");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct VerifiedSignature<'d> {
    signed: Element<'d>,
    signature: Element<'d>,
    certificates: Vec<usize>,
    digest: DigestAlgorithm,
    algorithm: SignatureAlgorithm,
    c14n: C14nAlgorithm,
}

impl<'d> VerifiedSignature<'d> {
    /// The element the signature covers.
    ///
    /// ```
    /// # use samlguard::{AlgorithmPolicy, Document, load_certificates, verify_document};
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let trusted = load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?;
    /// # let doc = Document::parse(&std::fs::read(format!("{demo}signed-response.xml"))?)?;
    /// let verified = verify_document(&doc, &trusted, &AlgorithmPolicy::default())?;
    /// let response = verified.signed_element();
    /// assert_eq!(response.attribute("ID"), Some("_8f0d2c6e4b1a4f7e9c3d5a7b9e1f3a5c"));
    /// assert_eq!(response.attribute("Destination"), Some("https://sp.example.com/saml/acs"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn signed_element(&self) -> Element<'d> {
        self.signed
    }
    /// The `ds:Signature` element.
    ///
    /// ```
    /// # use samlguard::{AlgorithmPolicy, Document, load_certificates, verify_document};
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let trusted = load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?;
    /// # let doc = Document::parse(&std::fs::read(format!("{demo}signed-response.xml"))?)?;
    /// let verified = verify_document(&doc, &trusted, &AlgorithmPolicy::default())?;
    /// // Enveloped: the signature sits inside the element it signs.
    /// assert_eq!(verified.signature_element().parent_element(), Some(verified.signed_element()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn signature_element(&self) -> Element<'d> {
        self.signature
    }
    /// Indices (into the trusted slice given to the verifier) of every certificate whose key verified
    /// the signature value, in the order given.
    ///
    /// ```
    /// # use samlguard::{AlgorithmPolicy, Document, load_certificates, verify_document};
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let doc = Document::parse(&std::fs::read(format!("{demo}signed-response.xml"))?)?;
    /// let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// // During a rollover the SP trusts the next certificate and the current one.
    /// let mut trusted = load_certificates(&std::fs::read(format!("{keys}rsa3072.crt"))?)?;
    /// trusted.extend(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?);
    /// let verified = verify_document(&doc, &trusted, &AlgorithmPolicy::default())?;
    /// assert_eq!(verified.certificate_indices(), [1]); // still signed with the current one
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn certificate_indices(&self) -> &[usize] {
        &self.certificates
    }
    /// The digest algorithm of the reference.
    ///
    /// ```
    /// # use samlguard::{AlgorithmPolicy, DigestAlgorithm, Document, load_certificates, verify_document};
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let trusted = load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?;
    /// # let doc = Document::parse(&std::fs::read(format!("{demo}signed-response.xml"))?)?;
    /// let verified = verify_document(&doc, &trusted, &AlgorithmPolicy::default())?;
    /// assert_eq!(verified.digest_algorithm(), DigestAlgorithm::Sha256);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn digest_algorithm(&self) -> DigestAlgorithm {
        self.digest
    }
    /// The signature algorithm.
    ///
    /// ```
    /// # use samlguard::{AlgorithmPolicy, SignatureAlgorithm, Document, load_certificates, verify_document};
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let trusted = load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?;
    /// # let doc = Document::parse(&std::fs::read(format!("{demo}signed-response.xml"))?)?;
    /// let verified = verify_document(&doc, &trusted, &AlgorithmPolicy::default())?;
    /// assert_eq!(verified.signature_algorithm(), SignatureAlgorithm::RsaSha256);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn signature_algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }
    /// The canonicalization applied to the referenced element.
    ///
    /// ```
    /// # use samlguard::{AlgorithmPolicy, C14nAlgorithm, Document, load_certificates, verify_document};
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let trusted = load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?;
    /// # let doc = Document::parse(&std::fs::read(format!("{demo}signed-response.xml"))?)?;
    /// let verified = verify_document(&doc, &trusted, &AlgorithmPolicy::default())?;
    /// assert_eq!(verified.reference_canonicalization(), C14nAlgorithm::Exclusive);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reference_canonicalization(&self) -> C14nAlgorithm {
        self.c14n
    }
}

/// Every `ds:Signature` element of the document, in document order.
///
/// ```
/// use samlguard::{Document, find_signatures};
/// let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
/// let doc = Document::parse(&std::fs::read(format!("{demo}signed-response.xml"))?)?;
/// let signatures = find_signatures(&doc);
/// assert_eq!(signatures.len(), 1);
/// assert_eq!(signatures[0].parent_element().unwrap().local_name(), "Response");
/// assert!(find_signatures(&Document::parse_str("<a/>")?).is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn find_signatures(doc: &Document) -> Vec<Element<'_>> {
    doc.elements().filter(|e| e.is(DSIG_NS, "Signature")).collect()
}

/// Verifies the document's only signature (the `samlguard dsig verify` rule: exactly one
/// `ds:Signature`, whose one reference names an element by ID).
///
/// ```
/// use samlguard::{AlgorithmPolicy, Document, DsigErrorKind, load_certificates, verify_document};
/// let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
/// let trusted = load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?;
/// let doc = Document::parse(&std::fs::read(format!("{demo}signed-response.xml"))?)?;
/// let verified = verify_document(&doc, &trusted, &AlgorithmPolicy::default())?;
/// // Read signed values from the signed element only.
/// let issuer = verified.signed_element().child_elements().next().unwrap();
/// assert_eq!(issuer.text(), "https://idp.example.com/metadata");
///
/// let tampered = Document::parse(&std::fs::read(format!("{demo}tampered-response.xml"))?)?;
/// let err = verify_document(&tampered, &trusted, &AlgorithmPolicy::default()).unwrap_err();
/// assert!(matches!(err.kind(), DsigErrorKind::DigestMismatch { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_document<'d>(
    doc: &'d Document,
    trusted: &[Certificate],
    policy: &AlgorithmPolicy,
) -> Result<VerifiedSignature<'d>, DsigError> {
    let sigs = find_signatures(doc);
    match sigs.len() {
        0 => Err(DsigErrorKind::NoSignature.into()),
        1 => verify_signature(sigs[0], trusted, policy),
        n => Err(DsigErrorKind::MultipleSignatures(n).into()),
    }
}

struct Parsed<'d> {
    signed_info: Element<'d>,
    si_c14n: C14nAlgorithm,
    si_prefixes: Vec<&'d str>,
    algorithm: Result<SignatureAlgorithm, DsigErrorKind>,
    uri: &'d str,
    enveloped: bool,
    ref_c14n: C14nAlgorithm,
    ref_prefixes: Vec<&'d str>,
    digest: Result<DigestAlgorithm, DsigErrorKind>,
    digest_value: &'d str,
    signature_value: String,
}

fn malformed(m: impl Into<String>) -> DsigErrorKind {
    DsigErrorKind::Malformed(m.into())
}

/// The element's children must be elements in the DSig namespace (white space between them is allowed).
fn dsig_children<'d>(e: Element<'d>) -> Result<Vec<Element<'d>>, DsigErrorKind> {
    let mut out = Vec::new();
    for c in e.children() {
        match c.kind() {
            NodeKind::Text(t) if t.trim_matches([' ', '\t', '\n', '\r']).is_empty() => {}
            NodeKind::Text(_) => return Err(malformed(format!("text inside {}", e.local_name()))),
            NodeKind::Comment(_) | NodeKind::ProcessingInstruction { .. } => {}
            _ => {
                if let Some(el) = c.as_element() {
                    out.push(el);
                }
            }
        }
    }
    Ok(out)
}

/// The text of a value element (DigestValue, SignatureValue, X509Certificate): text only, no comments,
/// processing instructions or elements inside, so that no two readers can disagree on it.
fn value_text<'d>(e: Element<'d>) -> Result<String, DsigErrorKind> {
    let mut s = String::new();
    for c in e.children() {
        match c.kind() {
            NodeKind::Text(t) => s.push_str(t),
            _ => {
                return Err(malformed(format!(
                    "{} contains something other than text (a comment, element or processing instruction)",
                    e.local_name()
                )));
            }
        }
    }
    Ok(s)
}

fn decode_b64(s: &str, what: &'static str) -> Result<Vec<u8>, DsigErrorKind> {
    let compact: String = s.chars().filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\r')).collect();
    base64::engine::general_purpose::STANDARD.decode(compact).map_err(|_| DsigErrorKind::BadBase64(what))
}

fn algorithm_attr<'d>(e: Element<'d>) -> Result<&'d str, DsigErrorKind> {
    e.attribute("Algorithm").ok_or_else(|| malformed(format!("{} has no Algorithm", e.local_name())))
}

fn c14n_of(uri: &str) -> Result<C14nAlgorithm, DsigErrorKind> {
    C14nAlgorithm::from_uri(uri)
        .ok_or_else(|| DsigErrorKind::UnknownAlgorithm { role: "canonicalization", uri: uri.to_string() })
}

/// The `InclusiveNamespaces PrefixList` under a canonicalization element (exclusive only).
fn prefix_list<'d>(method: Element<'d>, alg: C14nAlgorithm) -> Result<Vec<&'d str>, DsigErrorKind> {
    let mut out = Vec::new();
    for c in method.child_elements() {
        if alg.is_exclusive() && c.is("http://www.w3.org/2001/10/xml-exc-c14n#", "InclusiveNamespaces") {
            if let Some(list) = c.attribute("PrefixList") {
                out.extend(list.split_ascii_whitespace());
            }
        } else {
            return Err(malformed(format!("unexpected {} inside {}", c.local_name(), method.local_name())));
        }
    }
    Ok(out)
}

fn parse_signature<'d>(sig: Element<'d>, policy: &AlgorithmPolicy) -> Result<Parsed<'d>, DsigErrorKind> {
    if !sig.is(DSIG_NS, "Signature") {
        return Err(DsigErrorKind::NotASignature);
    }
    let children = dsig_children(sig)?;
    let mut it = children.iter().copied();
    let signed_info = it
        .next()
        .filter(|e| e.is(DSIG_NS, "SignedInfo"))
        .ok_or_else(|| malformed("the first child of Signature is not SignedInfo"))?;
    let sv = it
        .next()
        .filter(|e| e.is(DSIG_NS, "SignatureValue"))
        .ok_or_else(|| malformed("SignatureValue missing after SignedInfo"))?;
    let si = dsig_children(signed_info)?;
    let cm = si
        .first()
        .filter(|e| e.is(DSIG_NS, "CanonicalizationMethod"))
        .ok_or_else(|| malformed("SignedInfo does not start with CanonicalizationMethod"))?;
    let sm = si
        .get(1)
        .filter(|e| e.is(DSIG_NS, "SignatureMethod"))
        .ok_or_else(|| malformed("SignatureMethod missing in SignedInfo"))?;
    let refs: Vec<Element<'d>> = si[2..].to_vec();
    if let Some(other) = refs.iter().find(|e| !e.is(DSIG_NS, "Reference")) {
        return Err(malformed(format!("unexpected {} in SignedInfo", other.qualified_name())));
    }
    if refs.len() != 1 {
        return Err(DsigErrorKind::ReferenceCount(refs.len()));
    }
    let reference = refs[0];
    let uri = reference.attribute("URI").unwrap_or("");
    // The form of the URI is structure: checked right after the number of references, before the rest
    // of the Signature, the transforms and the algorithms, so that an empty, absent, XPointer or external
    // URI is reported as what it is.
    bare_name(uri)?;
    // Only KeyInfo may follow SignatureValue: a ds:Object (the vehicle of enveloping signatures and of
    // content injected next to the signed data) is refused.
    for rest in it {
        if rest.is(DSIG_NS, "KeyInfo") {
            continue;
        }
        return Err(malformed(format!(
            "unexpected {} in Signature (only SignedInfo, SignatureValue and KeyInfo are accepted)",
            rest.qualified_name()
        )));
    }
    if children.iter().filter(|e| e.is(DSIG_NS, "KeyInfo")).count() > 1 {
        return Err(malformed("more than one KeyInfo"));
    }
    let signature_value = value_text(sv)?;
    let si_c14n = c14n_of(algorithm_attr(*cm)?)?;
    let si_prefixes = prefix_list(*cm, si_c14n)?;
    if sm.has_child_elements() {
        return Err(malformed(
            "SignatureMethod has child elements (HMACOutputLength or parameters are refused)",
        ));
    }
    let sm_uri = algorithm_attr(*sm)?;
    let algorithm = match lookup(sm_uri) {
        Some(Known::Signature(a)) if a.uses_sha1() && !policy.allows_sha1() => {
            Err(DsigErrorKind::AlgorithmRefused {
                role: "signature",
                uri: sm_uri.to_string(),
                reason: "SHA-1 is refused unless the legacy SHA-1 policy is chosen".into(),
            })
        }
        Some(Known::Signature(a)) => Ok(a),
        Some(Known::Refused(reason)) => Err(DsigErrorKind::AlgorithmRefused {
            role: "signature",
            uri: sm_uri.to_string(),
            reason: reason.into(),
        }),
        _ => Err(DsigErrorKind::UnknownAlgorithm { role: "signature", uri: sm_uri.to_string() }),
    };

    let rc = dsig_children(reference)?;
    let (transforms, rest) = match rc.first() {
        Some(t) if t.is(DSIG_NS, "Transforms") => (Some(*t), &rc[1..]),
        _ => (None, &rc[..]),
    };
    let dm = rest
        .first()
        .filter(|e| e.is(DSIG_NS, "DigestMethod"))
        .ok_or_else(|| malformed("DigestMethod missing in Reference"))?;
    let dv = rest
        .get(1)
        .filter(|e| e.is(DSIG_NS, "DigestValue"))
        .ok_or_else(|| malformed("DigestValue missing in Reference"))?;
    if rest.len() > 2 {
        return Err(malformed("unexpected elements after DigestValue"));
    }
    // Transforms: checked, all of them, before anything is applied.
    let mut enveloped = false;
    let mut ref_c14n = None;
    let mut ref_prefixes = Vec::new();
    if let Some(t) = transforms {
        let list = dsig_children(t)?;
        if let Some(other) = list.iter().find(|e| !e.is(DSIG_NS, "Transform")) {
            return Err(malformed(format!("unexpected {} in Transforms", other.qualified_name())));
        }
        // A transform outside the profile is named first; then the count; then the order.
        for tr in &list {
            let u = algorithm_attr(*tr)?;
            if u != ENVELOPED && C14nAlgorithm::from_uri(u).is_none() {
                return Err(DsigErrorKind::TransformNotAllowed(u.to_string()));
            }
        }
        if list.len() > 2 {
            return Err(DsigErrorKind::TooManyTransforms(list.len()));
        }
        for tr in &list {
            let u = algorithm_attr(*tr)?;
            if u == ENVELOPED {
                if enveloped {
                    return Err(DsigErrorKind::TooManyTransforms(list.len()));
                }
                // After a canonicalization the data is octets: implementations disagree on what removing
                // the signature from them means, so that order is refused.
                if ref_c14n.is_some() {
                    return Err(DsigErrorKind::TransformNotAllowed(format!(
                        "{ENVELOPED} after a canonicalization (enveloped-signature must come first)"
                    )));
                }
                if tr.has_child_elements() {
                    return Err(malformed("the enveloped-signature Transform has child elements"));
                }
                enveloped = true;
            } else if let Some(alg) = C14nAlgorithm::from_uri(u) {
                if ref_c14n.is_some() {
                    return Err(DsigErrorKind::TooManyTransforms(list.len()));
                }
                ref_prefixes = prefix_list(*tr, alg)?;
                ref_c14n = Some(alg);
            }
        }
    }
    let dm_uri = algorithm_attr(*dm)?;
    let digest = match lookup(dm_uri) {
        Some(Known::Digest(DigestAlgorithm::Sha1)) if !policy.allows_sha1() => {
            Err(DsigErrorKind::AlgorithmRefused {
                role: "digest",
                uri: dm_uri.to_string(),
                reason: "SHA-1 is refused unless the legacy SHA-1 policy is chosen".into(),
            })
        }
        Some(Known::Digest(d)) => Ok(d),
        Some(Known::Refused(reason)) => Err(DsigErrorKind::AlgorithmRefused {
            role: "digest",
            uri: dm_uri.to_string(),
            reason: reason.into(),
        }),
        _ => Err(DsigErrorKind::UnknownAlgorithm { role: "digest", uri: dm_uri.to_string() }),
    };
    Ok(Parsed {
        signed_info,
        si_c14n,
        si_prefixes,
        algorithm,
        uri,
        enveloped,
        ref_c14n: ref_c14n.unwrap_or(C14nAlgorithm::Inclusive10),
        ref_prefixes,
        digest,
        digest_value: dv_text_placeholder(*dv)?,
        signature_value,
    })
}

fn dv_text_placeholder(dv: Element<'_>) -> Result<&str, DsigErrorKind> {
    // DigestValue must be a single text node (or empty): a comment or element inside is refused.
    let mut texts = dv.children();
    match (texts.next(), texts.next()) {
        (None, _) => Ok(""),
        (Some(n), None) => match n.kind() {
            NodeKind::Text(t) => Ok(t),
            _ => Err(malformed("DigestValue contains something other than text")),
        },
        _ => Err(malformed("DigestValue contains something other than text")),
    }
}

/// The certificates in the signature's `KeyInfo/X509Data/X509Certificate` (parse failures skipped:
/// they are reported, never trusted).
fn key_info_certificates(sig: Element<'_>) -> Vec<Certificate> {
    let mut out = Vec::new();
    for ki in sig.children_named(DSIG_NS, "KeyInfo") {
        for xd in ki.children_named(DSIG_NS, "X509Data") {
            for xc in xd.children_named(DSIG_NS, "X509Certificate") {
                if let Ok(text) = value_text(xc)
                    && let Ok(c) = Certificate::from_base64(&text)
                {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// The ID a same-document bare-name reference (`#id`, the ID plain: see [`is_plain_id`]) names.
fn bare_name(uri: &str) -> Result<&str, DsigErrorKind> {
    uri.strip_prefix('#')
        .filter(|id| is_plain_id(id))
        .ok_or_else(|| DsigErrorKind::UnsupportedReferenceUri(uri.to_string()))
}

/// The element a signature's reference covers: [`resolve_reference`], and neither the signature itself
/// nor anything inside it (an enveloping signature signs nothing of the message around it).
fn signed_target<'d>(
    doc: &'d Document,
    uri: &str,
    signature: Element<'d>,
) -> Result<Element<'d>, DsigErrorKind> {
    let element = resolve_reference(doc, uri)?;
    if signature.node().contains(element.id()) {
        return Err(malformed(format!(
            "the Reference {uri} names {} inside its own Signature (an enveloping signature); only enveloped signatures are accepted",
            element.qualified_name()
        )));
    }
    Ok(element)
}

/// Whether a bare-name reference's ID is plain: letters, digits, `_`, `-`, `.` (an NCName, or the
/// UUID-shaped IDs some IdPs use that start with a digit). Anything with XPointer syntax, quotes,
/// slashes or colons is refused.
fn is_plain_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// Resolves `#id` to exactly one element, refusing duplicate IDs anywhere in the document.
fn resolve_reference<'d>(doc: &'d Document, uri: &str) -> Result<Element<'d>, DsigErrorKind> {
    let id = bare_name(uri)?;
    let mut found: Option<Element<'d>> = None;
    let mut seen: std::collections::HashMap<&'d str, Element<'d>> = std::collections::HashMap::new();
    for e in doc.elements() {
        for a in e.attributes() {
            if a.namespace().is_none() && matches!(a.local_name(), "ID" | "Id" | "AssertionID") {
                let v = a.value();
                if let Some(prev) = seen.insert(v, e)
                    && prev != e
                {
                    return Err(DsigErrorKind::DuplicateId(v.to_string()));
                }
                if v == id {
                    found = Some(e);
                }
            }
        }
    }
    found.ok_or_else(|| DsigErrorKind::ReferenceNotFound(id.to_string()))
}

struct DigestSink {
    ctx: digest::Context,
    buf: Vec<u8>,
}

impl Sink for DigestSink {
    fn put(&mut self, bytes: &[u8]) {
        if self.buf.len() + bytes.len() > 8192 {
            self.ctx.update(&self.buf);
            self.buf.clear();
        }
        if bytes.len() > 8192 {
            self.ctx.update(bytes);
        } else {
            self.buf.extend_from_slice(bytes);
        }
    }
}

impl DigestSink {
    fn new(alg: DigestAlgorithm) -> Self {
        DigestSink { ctx: digest::Context::new(alg.ring()), buf: Vec::with_capacity(8192) }
    }
    fn finish(mut self) -> digest::Digest {
        self.ctx.update(&self.buf);
        self.ctx.finish()
    }
}

/// Equality of two byte strings in time that depends only on their lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

fn digest_of(
    element: Element<'_>,
    signature: Element<'_>,
    p: &Parsed<'_>,
    alg: DigestAlgorithm,
) -> Result<Vec<u8>, DsigErrorKind> {
    let doc = element.document();
    let mut set = Subtree::element(element).without_comments();
    if p.enveloped && element.node().contains(signature.id()) {
        set = set.excluding(signature.node());
    }
    let mut sink = DigestSink::new(alg);
    canonicalize_into(doc, &set, p.ref_c14n, &p.ref_prefixes, &mut sink)
        .map_err(|e| DsigErrorKind::Canonicalization(e.to_string()))?;
    Ok(sink.finish().as_ref().to_vec())
}

fn canonical_signed_info(p: &Parsed<'_>) -> Result<Vec<u8>, DsigErrorKind> {
    let doc = p.signed_info.document();
    let set = Subtree::element(p.signed_info);
    let mut out = Vec::new();
    canonicalize_into(doc, &set, p.si_c14n, &p.si_prefixes, &mut out)
        .map_err(|e| DsigErrorKind::Canonicalization(e.to_string()))?;
    Ok(out)
}

/// Verifies one `ds:Signature` element against the trusted certificates.
///
/// ```
/// use samlguard::{AlgorithmPolicy, Certificate, Document, Signer, SigningKey};
/// use samlguard::{find_signatures, verify_signature};
/// let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
/// let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
/// let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
/// // A Response whose assertion and Response are both signed, as Okta sends them.
/// let xml = r#"<Response ID="r1"><Issuer>idp</Issuer><Assertion ID="a1"><Issuer>idp</Issuer></Assertion>
/// </Response>"#;
/// let signer = Signer::new(key, cert.clone());
/// let signed = signer.sign_enveloped(&signer.sign_enveloped(xml, "a1")?, "r1")?;
/// let doc = Document::parse_str(&signed)?;
/// let mut covered = Vec::new();
/// for sig in find_signatures(&doc) {
///     let verified = verify_signature(sig, &[cert.clone()], &AlgorithmPolicy::default())?;
///     covered.push(verified.signed_element().local_name());
/// }
/// assert_eq!(covered, ["Response", "Assertion"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_signature<'d>(
    signature: Element<'d>,
    trusted: &[Certificate],
    policy: &AlgorithmPolicy,
) -> Result<VerifiedSignature<'d>, DsigError> {
    let doc = signature.document();
    let parsed = match parse_signature(signature, policy) {
        Ok(p) => p,
        Err(kind) => return Err(with_key_info(DsigError::new(kind), signature, trusted)),
    };
    let mut value_verified_by: Vec<usize> = Vec::new();
    let mut step = || -> Result<VerifiedSignature<'d>, (DsigErrorKind, bool)> {
        // `bool`: whether some trusted certificate verified the signature value.
        let algorithm = parsed.algorithm.clone().map_err(|k| (k, false))?;
        let digest = parsed.digest.clone();
        let sig_bytes = decode_b64(&parsed.signature_value, "SignatureValue").map_err(|k| (k, false))?;
        let si_bytes = canonical_signed_info(&parsed).map_err(|k| (k, false))?;
        let mut verified = Vec::new();
        let mut small: Option<usize> = None;
        let mut small_count = 0;
        let mut unusable: Vec<String> = Vec::new();
        for (i, cert) in trusted.iter().enumerate() {
            let key = cert.public_key();
            let Some(scheme) = algorithm.scheme_for(key) else {
                unusable.push(format!("{} has a {} key", cert.subject(), key.describe()));
                continue;
            };
            match key.verify(scheme, &si_bytes, &sig_bytes) {
                Ok(()) => verified.push(i),
                Err(KeyError::RsaKeyTooSmall { bits }) => {
                    small = Some(small.unwrap_or(0).max(bits));
                    small_count += 1;
                }
                Err(KeyError::Unsupported { .. }) => {
                    unusable.push(format!("{} ({})", cert.subject(), key.describe()))
                }
                Err(_) => {}
            }
        }
        if verified.is_empty() {
            // Too small only when no trusted key of a usable size was tried: a bad value under a
            // 2048-bit key is a bad value, whatever smaller keys are trusted besides.
            let kind = if let Some(bits) = small.filter(|_| small_count + unusable.len() == trusted.len()) {
                DsigErrorKind::KeyTooSmall { bits }
            } else if !unusable.is_empty() && unusable.len() == trusted.len() {
                DsigErrorKind::NoUsableKey(format!("{} with {}", unusable.join(", "), algorithm.uri()))
            } else {
                DsigErrorKind::BadSignatureValue { tried: trusted.len() }
            };
            // Structure and digest problems are reported first when they exist: they say more.
            let reference = signed_target(doc, parsed.uri, signature);
            return Err(match (reference, digest) {
                (Err(k), _) => (k, false),
                (_, Err(k)) => (k, false),
                _ => (kind, false),
            });
        }
        value_verified_by.clone_from(&verified);
        let element = signed_target(doc, parsed.uri, signature).map_err(|k| (k, true))?;
        let digest = digest.map_err(|k| (k, true))?;
        let expected = decode_b64(parsed.digest_value, "DigestValue").map_err(|k| (k, true))?;
        let actual = digest_of(element, signature, &parsed, digest).map_err(|k| (k, true))?;
        if !constant_time_eq(&actual, &expected) {
            let id = parsed.uri.trim_start_matches('#').to_string();
            return Err((DsigErrorKind::DigestMismatch { id }, true));
        }
        Ok(VerifiedSignature {
            signed: element,
            signature,
            certificates: verified,
            digest,
            algorithm,
            c14n: parsed.ref_c14n,
        })
    };
    match step() {
        Ok(v) => Ok(v),
        Err((kind, trusted_verified)) => {
            let mut err = DsigError::new(kind);
            err.value_verified_by = value_verified_by;
            if trusted_verified { Err(err) } else { Err(with_key_info(err, signature, trusted)) }
        }
    }
}

/// Attaches the first `KeyInfo` certificate whose key is not trusted (if any) to an error raised while no
/// trusted certificate had verified the signature. A `KeyInfo` certificate carrying a trusted key (a
/// renewed certificate for the same key, say) is not reported: importing it would change nothing.
fn with_key_info(mut err: DsigError, signature: Element<'_>, trusted: &[Certificate]) -> DsigError {
    // When the failure came before the trusted keys were tried (a refused transform or algorithm, a
    // structural problem), try them leniently now: if one verifies the SignatureValue, the IdP's own key
    // signed this and no untrusted KeyInfo certificate is to blame.
    let by_trusted: Vec<usize> = trusted
        .iter()
        .enumerate()
        .filter(|(_, t)| signature_value_verifies_with(signature, t) == Some(true))
        .map(|(i, _)| i)
        .collect();
    if !by_trusted.is_empty() {
        if err.value_verified_by.is_empty() {
            err.value_verified_by = by_trusted;
        }
        return err;
    }
    let certs = key_info_certificates(signature);
    let Some(untrusted) = certs.into_iter().find(|c| !trusted.iter().any(|t| t.same_public_key(c))) else {
        return err;
    };
    let check = signature_value_verifies_with(signature, &untrusted);
    err.untrusted = Some(Box::new(UntrustedKeyInfo {
        certificate: untrusted,
        signature_verifies: check == Some(true),
        signature_checked: check.is_some(),
    }));
    err
}

/// Whether the `SignatureValue` verifies over the canonical `SignedInfo` with `cert`'s key, read without
/// the profile's rules (the signature may have been refused for its reference or transforms before any
/// key was tried). For the report only: it decides nothing. `None` when it cannot be computed.
fn signature_value_verifies_with(signature: Element<'_>, cert: &Certificate) -> Option<bool> {
    let si = signature.child_named(DSIG_NS, "SignedInfo")?;
    let cm = si.child_named(DSIG_NS, "CanonicalizationMethod")?;
    let c14n = C14nAlgorithm::from_uri(cm.attribute("Algorithm")?)?;
    let prefixes = prefix_list(cm, c14n).ok()?;
    let sm = si.child_named(DSIG_NS, "SignatureMethod")?.attribute("Algorithm")?;
    let Some(Known::Signature(algorithm)) = lookup(sm) else { return None };
    let value = value_text(signature.child_named(DSIG_NS, "SignatureValue")?).ok()?;
    let value = decode_b64(&value, "SignatureValue").ok()?;
    let Some(scheme) = algorithm.scheme_for(cert.public_key()) else { return Some(false) };
    let mut bytes = Vec::new();
    canonicalize_into(signature.document(), &Subtree::element(si), c14n, &prefixes, &mut bytes).ok()?;
    match cert.public_key().verify(scheme, &bytes, &value) {
        Ok(()) => Some(true),
        Err(KeyError::RsaKeyTooSmall { .. } | KeyError::Unsupported { .. }) => None,
        Err(_) => Some(false),
    }
}

// ---------------------------------------------------------------------------------------------
// Signing
// ---------------------------------------------------------------------------------------------

/// Where the enveloped `ds:Signature` goes inside the signed element.
///
/// ```
/// use samlguard::{Certificate, Document, SignaturePlacement, Signer, SigningKey};
/// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
/// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
/// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
/// let signed = Signer::new(key, cert)
///     .placement(SignaturePlacement::LastChild)
///     .sign_enveloped(r#"<a ID="x1"><b>data</b></a>"#, "x1")?;
/// let doc = Document::parse_str(&signed)?;
/// let children: Vec<_> = doc.root_element().child_elements().map(|e| e.local_name()).collect();
/// assert_eq!(children, ["b", "Signature"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignaturePlacement {
    /// As the first child.
    FirstChild,
    /// Right after the first child element with this namespace and local name (SAML puts the signature
    /// after `Issuer`); as the first child when there is no such element.
    After {
        /// Namespace URI.
        namespace: String,
        /// Local name.
        local: String,
    },
    /// As the last child.
    LastChild,
}

impl SignaturePlacement {
    /// Right after the SAML 2.0 `Issuer` element, as the SAML schema requires.
    ///
    /// ```
    /// use samlguard::{Certificate, Document, SignaturePlacement, Signer, SigningKey};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// let xml = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a1">
    /// <saml:Issuer>idp</saml:Issuer><saml:Subject/></saml:Assertion>"#;
    /// let signer = Signer::new(key, cert).placement(SignaturePlacement::after_saml_issuer());
    /// let signed = signer.sign_enveloped(xml, "a1")?;
    /// let doc = Document::parse_str(&signed)?;
    /// let children: Vec<_> = doc.root_element().child_elements().map(|e| e.local_name()).collect();
    /// assert_eq!(children, ["Issuer", "Signature", "Subject"]); // the order the SAML schema requires
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn after_saml_issuer() -> Self {
        SignaturePlacement::After {
            namespace: "urn:oasis:names:tc:SAML:2.0:assertion".into(),
            local: "Issuer".into(),
        }
    }
}

/// Why signing failed.
///
/// ```
/// use samlguard::{Certificate, DsigErrorKind, SignError, Signer, SigningKey};
/// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
/// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
/// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
/// let signer = Signer::new(key, cert);
/// assert!(matches!(signer.sign_enveloped(r#"<a ID="x1"/>"#, "x1"), Err(SignError::EmptyElement)));
/// // `<a></a>` has room for the signature before its end tag.
/// assert!(signer.sign_enveloped(r#"<a ID="x1"></a>"#, "x1").is_ok());
/// assert!(matches!(
///     signer.sign_enveloped(r#"<a ID="x1">t</a>"#, "x2"),
///     Err(SignError::Reference(DsigErrorKind::ReferenceNotFound(id))) if id == "x2"
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The document could not be parsed.
    #[error("the document to sign is not acceptable XML: {0}")]
    Xml(#[from] crate::xml::XmlError),
    /// No element, or several, carry the ID.
    #[error("{0}")]
    Reference(DsigErrorKind),
    /// The element is written as `<x/>`, so nothing can be inserted inside it without reformatting.
    #[error("the element to sign is empty; a signature cannot be placed inside it")]
    EmptyElement,
    /// The key cannot sign with the requested algorithm.
    #[error("the key cannot sign: {0}")]
    Key(#[from] KeyError),
    /// The key and the algorithm do not match.
    #[error("a {key} key cannot make {algorithm} signatures")]
    WrongAlgorithm {
        /// The key.
        key: String,
        /// The algorithm URI.
        algorithm: &'static str,
    },
    /// Canonicalization failed.
    #[error("canonicalization failed: {0}")]
    Canonicalization(String),
}

/// Makes enveloped XML signatures (exclusive C14N, one reference by ID, the certificate in `KeyInfo`).
///
/// ```
/// use samlguard::{verify_document, AlgorithmPolicy, Certificate, Document, Signer, SigningKey};
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
/// let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{dir}rsa2048.key"))?)?;
/// let cert = Certificate::from_pem(&std::fs::read(format!("{dir}rsa2048.crt"))?)?;
/// let signer = Signer::new(key, cert.clone());
/// let signed = signer.sign_enveloped(r#"<a ID="x1"><b>data</b></a>"#, "x1")?;
/// let doc = Document::parse_str(&signed)?;
/// let v = verify_document(&doc, &[cert], &AlgorithmPolicy::default())?;
/// assert_eq!(v.signed_element().local_name(), "a");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Signer {
    key: SigningKey,
    certificates: Vec<Certificate>,
    algorithm: SignatureAlgorithm,
    digest: DigestAlgorithm,
    c14n: C14nAlgorithm,
    placement: SignaturePlacement,
    inclusive_prefixes: Vec<String>,
}

impl Signer {
    /// A signer with the key's default algorithm (RSA-SHA256, ECDSA-SHA256 on P-256, ECDSA-SHA384 on
    /// P-384), SHA-256 digests, exclusive C14N, the signature placed after a SAML `Issuer`.
    ///
    /// ```
    /// # use samlguard::*;
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// let signed = Signer::new(key, cert.clone()).sign_enveloped(r#"<a ID="x1">data</a>"#, "x1")?;
    /// let doc = Document::parse_str(&signed)?;
    /// let v = verify_document(&doc, &[cert], &AlgorithmPolicy::default())?;
    /// assert_eq!(v.signature_algorithm(), SignatureAlgorithm::RsaSha256); // the RSA key's default
    /// assert_eq!(v.digest_algorithm(), DigestAlgorithm::Sha256);
    /// assert_eq!(v.reference_canonicalization(), C14nAlgorithm::Exclusive);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(key: SigningKey, certificate: Certificate) -> Self {
        let algorithm = match key.public_key() {
            PublicKey::EcP384 { .. } => SignatureAlgorithm::EcdsaSha384,
            PublicKey::EcP256 { .. } => SignatureAlgorithm::EcdsaSha256,
            _ => SignatureAlgorithm::RsaSha256,
        };
        Signer {
            key,
            certificates: vec![certificate],
            algorithm,
            digest: DigestAlgorithm::Sha256,
            c14n: C14nAlgorithm::Exclusive,
            placement: SignaturePlacement::after_saml_issuer(),
            inclusive_prefixes: Vec::new(),
        }
    }
    /// Chooses the signature algorithm.
    ///
    /// ```
    /// # use samlguard::*;
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// let pss = Signer::new(key.clone(), cert.clone())
    ///     .signature_algorithm(SignatureAlgorithm::RsaPssSha256);
    /// let doc = Document::parse_str(&pss.sign_enveloped(r#"<a ID="x1">data</a>"#, "x1")?)?;
    /// let v = verify_document(&doc, &[cert.clone()], &AlgorithmPolicy::default())?;
    /// assert_eq!(v.signature_algorithm(), SignatureAlgorithm::RsaPssSha256);
    /// // An algorithm for another kind of key is refused when signing.
    /// let ecdsa = Signer::new(key, cert).signature_algorithm(SignatureAlgorithm::EcdsaSha256);
    /// let err = ecdsa.sign_enveloped(r#"<a ID="x1">data</a>"#, "x1").unwrap_err();
    /// assert!(matches!(err, SignError::WrongAlgorithm { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn signature_algorithm(mut self, algorithm: SignatureAlgorithm) -> Self {
        self.algorithm = algorithm;
        self
    }
    /// Chooses the digest algorithm.
    ///
    /// ```
    /// # use samlguard::*;
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// let signer = Signer::new(key, cert.clone()).digest_algorithm(DigestAlgorithm::Sha512);
    /// let doc = Document::parse_str(&signer.sign_enveloped(r#"<a ID="x1">data</a>"#, "x1")?)?;
    /// let v = verify_document(&doc, &[cert], &AlgorithmPolicy::default())?;
    /// assert_eq!(v.digest_algorithm(), DigestAlgorithm::Sha512);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn digest_algorithm(mut self, digest: DigestAlgorithm) -> Self {
        self.digest = digest;
        self
    }
    /// Chooses the canonicalization (of both the reference and `SignedInfo`).
    ///
    /// ```
    /// # use samlguard::*;
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// let signer = Signer::new(key, cert.clone()).canonicalization(C14nAlgorithm::Inclusive10);
    /// let doc = Document::parse_str(&signer.sign_enveloped(r#"<a ID="x1">data</a>"#, "x1")?)?;
    /// let v = verify_document(&doc, &[cert], &AlgorithmPolicy::default())?;
    /// assert_eq!(v.reference_canonicalization(), C14nAlgorithm::Inclusive10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn canonicalization(mut self, c14n: C14nAlgorithm) -> Self {
        self.c14n = c14n;
        self
    }
    /// Chooses where the signature goes.
    ///
    /// ```
    /// # use samlguard::*;
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// let signer = Signer::new(key, cert).placement(SignaturePlacement::FirstChild);
    /// let xml = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a1">
    /// <saml:Issuer>idp</saml:Issuer></saml:Assertion>"#;
    /// let doc = Document::parse_str(&signer.sign_enveloped(xml, "a1")?)?;
    /// assert_eq!(doc.root_element().child_elements().next().unwrap().local_name(), "Signature");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn placement(mut self, placement: SignaturePlacement) -> Self {
        self.placement = placement;
        self
    }
    /// Adds certificates after the signing one in `KeyInfo` (a chain).
    ///
    /// ```
    /// # use samlguard::*;
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// let intermediate = Certificate::from_pem(&std::fs::read(format!("{keys}rsa3072.crt"))?)?;
    /// let signer = Signer::new(key, cert).extra_certificates([intermediate]);
    /// let doc = Document::parse_str(&signer.sign_enveloped(r#"<a ID="x1">data</a>"#, "x1")?)?;
    /// let in_key_info = doc.elements().filter(|e| e.is(DSIG_NS, "X509Certificate")).count();
    /// assert_eq!(in_key_info, 2); // the signing certificate first, then the extra one
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn extra_certificates(mut self, certs: impl IntoIterator<Item = Certificate>) -> Self {
        self.certificates.extend(certs);
        self
    }
    /// Sets an `InclusiveNamespaces PrefixList` on the exclusive canonicalization transforms.
    ///
    /// ```
    /// # use samlguard::*;
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// // Keep xs in the signed content: the xsi:type value "xs:string" uses it.
    /// let xml = r#"<a xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="x1">data</a>"#;
    /// let signer = Signer::new(key, cert.clone()).inclusive_prefixes(["xs".to_string()]);
    /// let doc = Document::parse_str(&signer.sign_enveloped(xml, "x1")?)?;
    /// let list = doc.elements().find(|e| e.local_name() == "InclusiveNamespaces").unwrap();
    /// assert_eq!(list.attribute("PrefixList"), Some("xs"));
    /// assert!(verify_document(&doc, &[cert], &AlgorithmPolicy::default()).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn inclusive_prefixes(mut self, prefixes: impl IntoIterator<Item = String>) -> Self {
        self.inclusive_prefixes = prefixes.into_iter().collect();
        self
    }

    /// Signs the element whose `ID`/`Id`/`AssertionID` is `id` with an enveloped signature, returning
    /// the new document text. Everything outside the inserted `ds:Signature` is left byte for byte.
    ///
    /// ```
    /// # use samlguard::*;
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// let xml = "<Response ID=\"r1\">\n  <Issuer>idp</Issuer>\n  <Status/>\n</Response>";
    /// let signed = Signer::new(key, cert).sign_enveloped(xml, "r1")?;
    /// // Cutting the signature out gives back the input, byte for byte.
    /// let start = signed.find("<ds:Signature").unwrap();
    /// let end = signed.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    /// assert_eq!(format!("{}{}", &signed[..start], &signed[end..]), xml);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sign_enveloped(&self, xml: &str, id: &str) -> Result<String, SignError> {
        let scheme =
            self.algorithm.scheme_for(&self.key.public_key()).ok_or_else(|| SignError::WrongAlgorithm {
                key: self.key.public_key().describe(),
                algorithm: self.algorithm.uri(),
            })?;
        let doc = Document::parse_str(xml)?;
        let target = resolve_reference(&doc, &format!("#{id}")).map_err(SignError::Reference)?;
        let insert_at = self.insertion_offset(target)?;
        let prefixes: Vec<&str> = self.inclusive_prefixes.iter().map(String::as_str).collect();
        let mut sink = DigestSink::new(self.digest);
        canonicalize_into(
            &doc,
            &Subtree::element(target).without_comments(),
            self.c14n,
            &prefixes,
            &mut sink,
        )
        .map_err(|e| SignError::Canonicalization(e.to_string()))?;
        let digest_b64 = base64::engine::general_purpose::STANDARD.encode(sink.finish().as_ref());

        let incl = if self.c14n.is_exclusive() && !self.inclusive_prefixes.is_empty() {
            format!(
                r#"<ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="{}"/>"#,
                escape(&self.inclusive_prefixes.join(" "))
            )
        } else {
            String::new()
        };
        let c14n_el = |uri: &str| {
            if incl.is_empty() {
                format!(r#"<ds:Transform Algorithm="{uri}"/>"#)
            } else {
                format!(r#"<ds:Transform Algorithm="{uri}">{incl}</ds:Transform>"#)
            }
        };
        let mut sig = String::new();
        sig.push_str(r#"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>"#);
        sig.push_str(&format!(r#"<ds:CanonicalizationMethod Algorithm="{}"/>"#, self.c14n.uri()));
        sig.push_str(&format!(r#"<ds:SignatureMethod Algorithm="{}"/>"#, self.algorithm.uri()));
        sig.push_str(&format!(r##"<ds:Reference URI="#{}"><ds:Transforms>"##, escape(id)));
        sig.push_str(&format!(r#"<ds:Transform Algorithm="{ENVELOPED}"/>"#));
        sig.push_str(&c14n_el(self.c14n.uri()));
        sig.push_str("</ds:Transforms>");
        sig.push_str(&format!(r#"<ds:DigestMethod Algorithm="{}"/>"#, self.digest.uri()));
        sig.push_str(&format!(
            "<ds:DigestValue>{digest_b64}</ds:DigestValue></ds:Reference></ds:SignedInfo>"
        ));
        sig.push_str("<ds:SignatureValue>");
        let value_at = sig.len();
        sig.push_str("</ds:SignatureValue><ds:KeyInfo><ds:X509Data>");
        for c in &self.certificates {
            sig.push_str("<ds:X509Certificate>");
            sig.push_str(&base64::engine::general_purpose::STANDARD.encode(c.der()));
            sig.push_str("</ds:X509Certificate>");
        }
        sig.push_str("</ds:X509Data></ds:KeyInfo></ds:Signature>");

        let mut with_sig = String::with_capacity(xml.len() + sig.len() + 512);
        with_sig.push_str(&xml[..insert_at]);
        with_sig.push_str(&sig);
        with_sig.push_str(&xml[insert_at..]);

        // Canonicalize SignedInfo in its final context, exactly as a verifier will.
        let doc2 = Document::parse_str(&with_sig)?;
        let sig_el = doc2
            .elements()
            .find(|e| e.is(DSIG_NS, "Signature") && e.node().byte_offset() == insert_at)
            .ok_or_else(|| SignError::Canonicalization("the inserted signature was not found".into()))?;
        let si = sig_el
            .child_named(DSIG_NS, "SignedInfo")
            .ok_or_else(|| SignError::Canonicalization("SignedInfo not found".into()))?;
        let mut si_bytes = Vec::new();
        canonicalize_into(&doc2, &Subtree::element(si), self.c14n, &[], &mut si_bytes)
            .map_err(|e| SignError::Canonicalization(e.to_string()))?;
        let value = self.key.sign(scheme, &si_bytes)?;
        let value_b64 = base64::engine::general_purpose::STANDARD.encode(value);
        with_sig.insert_str(insert_at + value_at, &value_b64);
        Ok(with_sig)
    }

    fn insertion_offset(&self, target: Element<'_>) -> Result<usize, SignError> {
        // Where the first child starts, or (for `<x></x>`) where the end tag starts; `<x/>` has neither.
        let first = match target.children().next() {
            Some(n) => n.byte_offset(),
            None => target.node().end_tag_offset().ok_or(SignError::EmptyElement)?,
        };
        match &self.placement {
            SignaturePlacement::FirstChild => Ok(first),
            SignaturePlacement::After { namespace, local } => {
                match target.child_elements().find(|e| e.is(namespace, local)) {
                    Some(e) => match e.node().next_sibling() {
                        Some(n) => Ok(n.byte_offset()),
                        None => target.node().end_tag_offset().ok_or(SignError::EmptyElement),
                    },
                    None => Ok(first),
                }
            }
            SignaturePlacement::LastChild => target.node().end_tag_offset().ok_or(SignError::EmptyElement),
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(constant_time_eq(b"", b""));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"xbc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!constant_time_eq(b"", b"a"));
        // Every single-bit difference at every position is seen.
        let a = [0x5au8; 48];
        for i in 0..a.len() {
            for bit in 0..8 {
                let mut b = a;
                b[i] ^= 1 << bit;
                assert!(!constant_time_eq(&a, &b), "byte {i} bit {bit}");
            }
        }
    }

    #[test]
    fn bare_names_only() {
        assert_eq!(bare_name("#_a1"), Ok("_a1"));
        // UUID-shaped IDs that start with a digit are accepted (not NCNames, but common).
        assert_eq!(bare_name("#1abc-2.3"), Ok("1abc-2.3"));
        for uri in
            ["", "#", "_a1", "#xpointer(/)", "#a b", "#a\"b", "#a'b", "http://x/#a", "#a:b", "#a/b", "#é"]
        {
            assert_eq!(bare_name(uri), Err(DsigErrorKind::UnsupportedReferenceUri(uri.to_string())), "{uri}");
        }
    }

    #[test]
    fn every_table_uri_round_trips() {
        for (uri, k) in ALGORITHM_TABLE {
            match k {
                Known::Digest(d) => assert_eq!(d.uri(), *uri),
                Known::Signature(s) => assert_eq!(s.uri(), *uri),
                Known::Refused(_) => {}
            }
        }
    }
}
