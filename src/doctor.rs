//! The certificate doctor: what is wrong with an uploaded certificate (chain) and key, in plain words.
//!
//! Most SSO and TLS outages are configuration problems: a chain uploaded in the wrong order, a key
//! that does not belong to the certificate, a wildcard certificate used across two domains, a
//! missing Extended Key Usage. [`check`] reads a certificate file (PEM, DER or PKCS#12, see
//! [`KeyFile`]) and, optionally, a private key file, and reports one [`Finding`] per problem. Each
//! finding has an id from SPEC §3, a severity, and a detail that names the certificate by subject and
//! SHA-256 fingerprint and says the fix.
//!
//! | id | severity | when |
//! |---|---|---|
//! | `malformed` | error / warning | a file or block cannot be read (error); text or blank lines outside the PEM blocks, or base64 without PEM lines (warning: the certificates still load, strict systems refuse the upload) |
//! | `key-decryption` | error | a key or PKCS#12 file needs a password, the password is wrong, or the key type is not supported |
//! | `chain-order` | error | the certificates are not leaf → intermediates → root (PEM/DER only: PKCS#12 has no order), or a certificate belongs to no chain |
//! | `chain-incomplete` | error / warning | an issuer is missing between the certificates of the file, or a certificate with the issuer's name is there but its key did not sign (error); the file holds only a CA-issued certificate (warning: add the intermediate unless the issuer is a root) |
//! | `not-yet-valid` | error | `now` is before a certificate's notBefore |
//! | `expired` | error | `now` is after a certificate's notAfter |
//! | `expires-soon` | warning | notAfter is within the window (default 30 days) |
//! | `key-too-small` | error | an RSA key under 2048 bits |
//! | `weak-signature-algorithm` | error | signed with SHA-1, MD5 or MD2 (a self-signed root's own signature does not count) |
//! | `unsupported-critical-extension` | error | a critical extension other than Key Usage and Basic Constraints |
//! | `self-signed` | warning | the server certificate is self-signed |
//! | `key-mismatch` | error | a private key whose public key is not the server certificate's |
//! | `cn-not-in-san` | warning / error | the CN is not among the SAN names (warning); there is no SAN at all (error: modern clients ignore the CN) |
//! | `san-mismatch` | error | a `host` is covered by no SAN name (wildcards cover exactly one whole label) |
//! | `wildcard-domain` | error | a wildcard certificate, while the hosts span more than one parent domain |
//! | `missing-eku` | error / warning | an Extended Key Usage extension without serverAuth (error) or without clientAuth (warning) |
//!
//! The server certificate ("leaf") is the one no other certificate in the file was issued by;
//! links are checked by signature, not only by name. The name checks (CN, SAN, hosts, EKU) apply to
//! [`Purpose::Tls`], the default. The clock is an argument: nothing here reads it.

use std::fmt;
use std::io::Read as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use ring::signature as sig;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;
use x509_parser::oid_registry::{self as oids, Oid};

use crate::cert::{Certificate, PublicKey};
use crate::keyfile::{Container, KeyFile, KeyFileError, LoadedKey};

/// Largest file read by [`check_file`] and for [`CheckOptions::private_key_file`].
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Most certificates examined in one file (chain checks compare every pair).
const MAX_CERTIFICATES: usize = 64;

/// What a finding is about: the ids of SPEC §3.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FindingId {
    /// `malformed`: a file, block or certificate cannot be read, or text surrounds the PEM blocks.
    Malformed,
    /// `not-yet-valid`: the validity period has not started.
    NotYetValid,
    /// `expired`: the validity period has ended.
    Expired,
    /// `expires-soon`: the validity period ends within the window.
    ExpiresSoon,
    /// `key-too-small`: an RSA key under 2048 bits.
    KeyTooSmall,
    /// `key-mismatch`: the private key does not belong to the certificate.
    KeyMismatch,
    /// `key-decryption`: a key cannot be decrypted or is not supported.
    KeyDecryption,
    /// `chain-order`: the certificates are not leaf → intermediates → root.
    ChainOrder,
    /// `chain-incomplete`: an issuer is missing.
    ChainIncomplete,
    /// `wildcard-domain`: a wildcard certificate for hosts in several domains.
    WildcardDomain,
    /// `san-mismatch`: a host is not covered by the certificate.
    SanMismatch,
    /// `cn-not-in-san`: the CN is not among the SAN names.
    CnNotInSan,
    /// `missing-eku`: the Extended Key Usage lacks serverAuth or clientAuth.
    MissingEku,
    /// `unsupported-critical-extension`: a critical extension other than Key Usage and Basic Constraints.
    UnsupportedCriticalExtension,
    /// `self-signed`: the certificate is self-signed.
    SelfSigned,
    /// `weak-signature-algorithm`: signed with SHA-1 or MD5.
    WeakSignatureAlgorithm,
}

impl FindingId {
    /// Every id, in SPEC order.
    pub const ALL: [FindingId; 16] = [
        FindingId::Malformed,
        FindingId::NotYetValid,
        FindingId::Expired,
        FindingId::ExpiresSoon,
        FindingId::KeyTooSmall,
        FindingId::KeyMismatch,
        FindingId::KeyDecryption,
        FindingId::ChainOrder,
        FindingId::ChainIncomplete,
        FindingId::WildcardDomain,
        FindingId::SanMismatch,
        FindingId::CnNotInSan,
        FindingId::MissingEku,
        FindingId::UnsupportedCriticalExtension,
        FindingId::SelfSigned,
        FindingId::WeakSignatureAlgorithm,
    ];

    /// The id as SPEC §3 spells it.
    ///
    /// ```
    /// assert_eq!(samlguard::FindingId::ChainOrder.as_str(), "chain-order");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            FindingId::Malformed => "malformed",
            FindingId::NotYetValid => "not-yet-valid",
            FindingId::Expired => "expired",
            FindingId::ExpiresSoon => "expires-soon",
            FindingId::KeyTooSmall => "key-too-small",
            FindingId::KeyMismatch => "key-mismatch",
            FindingId::KeyDecryption => "key-decryption",
            FindingId::ChainOrder => "chain-order",
            FindingId::ChainIncomplete => "chain-incomplete",
            FindingId::WildcardDomain => "wildcard-domain",
            FindingId::SanMismatch => "san-mismatch",
            FindingId::CnNotInSan => "cn-not-in-san",
            FindingId::MissingEku => "missing-eku",
            FindingId::UnsupportedCriticalExtension => "unsupported-critical-extension",
            FindingId::SelfSigned => "self-signed",
            FindingId::WeakSignatureAlgorithm => "weak-signature-algorithm",
        }
    }
}

impl fmt::Display for FindingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious a finding is: an error makes the upload unusable (or insecure), a warning does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The certificate or key cannot be used as it is.
    Error,
    /// It works, but not everywhere, or not for long.
    Warning,
}

impl Severity {
    /// `"error"` or `"warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What it is about.
    pub id: FindingId,
    /// How serious it is.
    pub severity: Severity,
    /// What was found (the certificate by subject and SHA-256 fingerprint) and the fix.
    pub detail: String,
}

/// The outcome of [`check`].
#[non_exhaustive]
#[derive(Clone, Debug)]
pub struct Report {
    /// The certificates read from the certificate file, in file order.
    pub certificates: Vec<Certificate>,
    /// The findings, file problems first, then the chain, then each certificate, then the server
    /// certificate's names and key.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Whether no finding is an error (warnings allowed).
    pub fn ok(&self) -> bool {
        self.findings.iter().all(|f| f.severity != Severity::Error)
    }

    /// The findings with this id.
    pub fn with_id(&self, id: FindingId) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.id == id)
    }
}

/// What the certificate is for: which checks apply.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Purpose {
    /// A TLS server (and client) certificate: names, SAN and Extended Key Usage are checked.
    #[default]
    Tls,
    /// A SAML signing certificate: names and Extended Key Usage do not matter.
    Signing,
}

#[derive(Clone)]
enum KeySource {
    File(PathBuf),
    Bytes { name: String, bytes: Vec<u8> },
}

/// How to check: the clock, the host names, the key. Built with chained setters.
///
/// ```
/// use samlguard::{CheckOptions, FindingId, check};
/// # let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/doctor/");
/// let options = CheckOptions::new("2030-06-01T00:00:00Z".parse().unwrap())
///     .host("sso.example.com")
///     .private_key_file(format!("{dir}leaf.key"));
/// let report = check("chain.pem", &std::fs::read(format!("{dir}chain.pem")).unwrap(), &options);
/// assert!(report.findings.is_empty(), "{:?}", report.findings);
/// let report = check("wrong.pem", &std::fs::read(format!("{dir}chain-wrong-order.pem")).unwrap(), &options);
/// assert_eq!(report.findings[0].id, FindingId::ChainOrder);
/// ```
#[derive(Clone)]
pub struct CheckOptions {
    now: DateTime<Utc>,
    hosts: Vec<String>,
    expires_soon: Duration,
    purpose: Purpose,
    key: Option<KeySource>,
    password: Option<String>,
}

impl fmt::Debug for CheckOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckOptions")
            .field("now", &self.now)
            .field("hosts", &self.hosts)
            .field("expires_soon", &self.expires_soon)
            .field("purpose", &self.purpose)
            .field(
                "key",
                &self.key.as_ref().map(|k| match k {
                    KeySource::File(p) => p.display().to_string(),
                    KeySource::Bytes { name, .. } => name.clone(),
                }),
            )
            .field("password", &self.password.as_ref().map(|_| "<set>"))
            .finish()
    }
}

impl CheckOptions {
    /// Checks at `now`, TLS purpose, no hosts, no key, a 30-day expiry warning window.
    pub fn new(now: DateTime<Utc>) -> CheckOptions {
        CheckOptions {
            now,
            hosts: Vec::new(),
            expires_soon: Duration::days(30),
            purpose: Purpose::Tls,
            key: None,
            password: None,
        }
    }

    /// A host name (or IP address) the certificate must serve. Repeat for several.
    pub fn host(mut self, host: impl Into<String>) -> CheckOptions {
        self.hosts.push(host.into());
        self
    }

    /// Warn `expires-soon` when a certificate expires within this long (default 30 days).
    pub fn expires_soon_within(mut self, window: Duration) -> CheckOptions {
        self.expires_soon = window;
        self
    }

    /// What the certificate is for (default [`Purpose::Tls`]).
    pub fn purpose(mut self, purpose: Purpose) -> CheckOptions {
        self.purpose = purpose;
        self
    }

    /// The private key file to compare with the server certificate, read when checking.
    pub fn private_key_file(mut self, path: impl Into<PathBuf>) -> CheckOptions {
        self.key = Some(KeySource::File(path.into()));
        self
    }

    /// The private key, already read; `name` names it in details.
    pub fn private_key(mut self, name: impl Into<String>, bytes: Vec<u8>) -> CheckOptions {
        self.key = Some(KeySource::Bytes { name: name.into(), bytes });
        self
    }

    /// The password of an encrypted key or PKCS#12 file (both files, when there are two).
    pub fn password(mut self, password: impl Into<String>) -> CheckOptions {
        self.password = Some(password.into());
        self
    }
}

/// Checks the certificate file at `path` (an unreadable file is a `malformed` error).
pub fn check_file(path: &Path, options: &CheckOptions) -> Report {
    let name = path.display().to_string();
    match read_limited(path) {
        Ok(bytes) => check(&name, &bytes, options),
        Err(reason) => Report {
            certificates: Vec::new(),
            findings: vec![finding(FindingId::Malformed, Severity::Error, reason)],
        },
    }
}

fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "{} is larger than {MAX_FILE_BYTES} bytes: it is not a certificate or key file",
            path.display()
        ));
    }
    Ok(bytes)
}

fn finding(id: FindingId, severity: Severity, detail: String) -> Finding {
    Finding { id, severity, detail }
}

/// Checks a certificate file's bytes; `name` names the file in details.
pub fn check(name: &str, bytes: &[u8], options: &CheckOptions) -> Report {
    let password = options.password.as_deref();
    let file = KeyFile::parse(bytes, password);
    let mut findings = Vec::new();
    file_findings(name, &file, &mut findings);
    let mut keys: Vec<(String, LoadedKey)> =
        file.private_keys().iter().map(|k| (name.to_owned(), k.clone())).collect();
    match &options.key {
        None => {}
        Some(source) => {
            let (key_name, key_bytes) = match source {
                KeySource::File(path) => (path.display().to_string(), read_limited(path)),
                KeySource::Bytes { name, bytes } => (name.clone(), Ok(bytes.clone())),
            };
            match key_bytes {
                Err(reason) => findings.push(finding(FindingId::Malformed, Severity::Error, reason)),
                Ok(key_bytes) => {
                    let key_file = KeyFile::parse(&key_bytes, password);
                    file_findings(&key_name, &key_file, &mut findings);
                    if key_file.private_keys().is_empty()
                        && key_file.problems().iter().all(KeyFileError::is_warning)
                    {
                        findings.push(finding(
                            FindingId::KeyDecryption,
                            Severity::Error,
                            format!("{key_name} holds no private key: give the key file (-----BEGIN PRIVATE KEY----- or similar)"),
                        ));
                    }
                    keys.extend(key_file.private_keys().iter().map(|k| (key_name.clone(), k.clone())));
                }
            }
        }
    }
    let mut certificates = file.certificates().to_vec();
    if certificates.is_empty() {
        if file.problems().iter().all(KeyFileError::is_warning) {
            findings.push(finding(
                FindingId::Malformed,
                Severity::Error,
                format!("{name} holds no certificate: upload the certificate (PEM, DER or PKCS#12)"),
            ));
        }
        return Report { certificates, findings };
    }
    if certificates.len() > MAX_CERTIFICATES {
        findings.push(finding(
            FindingId::Malformed,
            Severity::Error,
            format!(
                "{name} holds {} certificates; only the first {MAX_CERTIFICATES} were checked: a certificate \
                 file holds one chain",
                certificates.len()
            ),
        ));
        certificates.truncate(MAX_CERTIFICATES);
    }
    let infos: Vec<Info> = certificates.iter().map(Info::new).collect();
    let chain = Chain::build(&certificates, &infos);
    chain_findings(name, file.container(), &certificates, &chain, &mut findings);
    for &i in chain.path.iter().chain(chain.off_path.iter()) {
        certificate_findings(
            &certificates[i],
            &infos[i],
            i != chain.leaf && chain.self_signed[i],
            options,
            &mut findings,
        );
    }
    let leaf = &certificates[chain.leaf];
    let leaf_info = &infos[chain.leaf];
    if chain.self_signed[chain.leaf] && chain.path.len() == 1 {
        findings.push(finding(
            FindingId::SelfSigned,
            Severity::Warning,
            format!(
                "{} is self-signed: clients trust it only where it is installed by hand (browsers and mobile \
                 devices warn); for a service that users reach, get it signed by a certificate authority \
                 their devices trust (a SAML signing certificate may stay self-signed)",
                label(leaf)
            ),
        ));
    }
    if options.purpose == Purpose::Tls {
        name_findings(leaf, leaf_info, &options.hosts, &mut findings);
    }
    for (key_name, key) in &keys {
        if !key.matches(leaf) {
            let other = certificates.iter().find(|c| key.matches(c));
            let belongs = match other {
                Some(c) => format!(" (it belongs to {} in the same file)", label(c)),
                None => String::new(),
            };
            findings.push(finding(
                FindingId::KeyMismatch,
                Severity::Error,
                format!(
                    "the private key in {key_name} ({}, {}) does not belong to {}: its public key ({}) is not \
                     the certificate's ({}){belongs}. Upload the key that was generated with this certificate's \
                     CSR; if it is lost, generate a new CSR and get a new certificate",
                    key.format(),
                    key.location(),
                    label(leaf),
                    key.public_key().describe(),
                    leaf.public_key().describe(),
                ),
            ));
        }
    }
    Report { certificates, findings }
}

/// A certificate named in details: subject and SHA-256 fingerprint.
fn label(c: &Certificate) -> String {
    format!("{} (SHA-256 {})", c.subject(), c.fingerprint_colon())
}

fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn file_findings(name: &str, file: &KeyFile, findings: &mut Vec<Finding>) {
    for problem in file.problems() {
        let (id, severity) = if problem.is_warning() {
            (FindingId::Malformed, Severity::Warning)
        } else if problem.is_key_problem() {
            (FindingId::KeyDecryption, Severity::Error)
        } else {
            (FindingId::Malformed, Severity::Error)
        };
        let detail = match problem {
            KeyFileError::TextOutsidePem { .. } => {
                format!("{name}: {problem} (the certificates still load, but strict systems refuse the file)")
            }
            _ => format!("{name}: {problem}"),
        };
        findings.push(finding(id, severity, detail));
    }
}

// ------------------------------------------------------------------------------------------------
// What one certificate says about itself
// ------------------------------------------------------------------------------------------------

#[derive(Default)]
struct Info {
    common_names: Vec<String>,
    /// `None`: no SAN extension.
    dns_names: Option<Vec<String>>,
    ip_addresses: Vec<IpAddr>,
    /// `(serverAuth, clientAuth, anyExtendedKeyUsage, the others by name)`, when there is an EKU.
    eku: Option<(bool, bool, bool, Vec<String>)>,
    is_ca: bool,
    /// Critical extensions other than Key Usage and Basic Constraints: `(OID, name)`.
    critical: Vec<(String, String)>,
    /// The signature algorithm's name when it is SHA-1, MD5 or MD2 based.
    weak_signature: Option<String>,
}

impl Info {
    fn new(c: &Certificate) -> Info {
        let Ok((_, x)) = x509_parser::parse_x509_certificate(c.der()) else { return Info::default() };
        let tbs = &x.tbs_certificate;
        let common_names =
            tbs.subject().iter_common_name().filter_map(|a| a.as_str().ok()).map(str::to_owned).collect();
        let mut dns_names = None;
        let mut ip_addresses = Vec::new();
        if let Ok(Some(san)) = x.subject_alternative_name() {
            let mut names = Vec::new();
            for name in &san.value.general_names {
                match name {
                    GeneralName::DNSName(d) => names.push((*d).to_owned()),
                    GeneralName::IPAddress(bytes) => {
                        if let Ok(v4) = <[u8; 4]>::try_from(*bytes) {
                            ip_addresses.push(IpAddr::from(v4));
                        } else if let Ok(v6) = <[u8; 16]>::try_from(*bytes) {
                            ip_addresses.push(IpAddr::from(v6));
                        }
                    }
                    _ => {}
                }
            }
            dns_names = Some(names);
        }
        let eku = x.extended_key_usage().ok().flatten().map(|e| {
            let v = e.value;
            let mut others = Vec::new();
            for (on, name) in [
                (v.code_signing, "codeSigning"),
                (v.email_protection, "emailProtection"),
                (v.time_stamping, "timeStamping"),
                (v.ocsp_signing, "OCSPSigning"),
            ] {
                if on {
                    others.push(name.to_owned());
                }
            }
            others.extend(v.other.iter().map(oid_label));
            (v.server_auth, v.client_auth, v.any, others)
        });
        let is_ca = x.basic_constraints().ok().flatten().is_some_and(|b| b.value.ca);
        let critical = x
            .extensions()
            .iter()
            .filter(|e| e.critical)
            .filter(|e| {
                e.oid != oids::OID_X509_EXT_KEY_USAGE && e.oid != oids::OID_X509_EXT_BASIC_CONSTRAINTS
            })
            .map(|e| (e.oid.to_id_string(), oid_name(&e.oid)))
            .collect();
        let alg = x.signature_algorithm.algorithm.to_id_string();
        let weak_signature = [
            ("1.2.840.113549.1.1.5", "sha1WithRSAEncryption (SHA-1)"),
            ("1.3.14.3.2.29", "sha1WithRSASignature (SHA-1)"),
            ("1.2.840.113549.1.1.4", "md5WithRSAEncryption (MD5)"),
            ("1.3.14.3.2.25", "md5WithRSASignature (MD5)"),
            ("1.2.840.113549.1.1.2", "md2WithRSAEncryption (MD2)"),
            ("1.2.840.10045.4.1", "ecdsa-with-SHA1 (SHA-1)"),
            ("1.2.840.10040.4.3", "dsa-with-sha1 (SHA-1)"),
        ]
        .iter()
        .find(|(oid, _)| *oid == alg)
        .map(|(_, name)| (*name).to_owned());
        Info { common_names, dns_names, ip_addresses, eku, is_ca, critical, weak_signature }
    }
}

/// The registry's name for an OID, or "unknown".
fn oid_name(oid: &Oid<'_>) -> String {
    match oid.to_id_string().as_str() {
        "2.5.29.17" => "subjectAltName".to_owned(),
        "2.5.29.37" => "extKeyUsage".to_owned(),
        "2.5.29.30" => "nameConstraints".to_owned(),
        "2.5.29.32" => "certificatePolicies".to_owned(),
        "2.5.29.36" => "policyConstraints".to_owned(),
        _ => x509_parser::objects::oid2sn(oid, x509_parser::objects::oid_registry())
            .map_or_else(|_| "unknown to samlguard".to_owned(), str::to_owned),
    }
}

fn oid_label(oid: &Oid<'_>) -> String {
    format!("{} ({})", oid.to_id_string(), oid_name(oid))
}

// ------------------------------------------------------------------------------------------------
// The chain
// ------------------------------------------------------------------------------------------------

/// Whether `issuer`'s key made `child`'s signature.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Link {
    Verified,
    Failed,
    /// The algorithm cannot be checked (MD5, ECDSA with SHA-1 or SHA-512, ...): names only.
    Unverifiable(String),
}

fn verify_link(child: &Certificate, issuer: &Certificate) -> Link {
    let (Ok((_, c)), Ok((_, i))) =
        (x509_parser::parse_x509_certificate(child.der()), x509_parser::parse_x509_certificate(issuer.der()))
    else {
        return Link::Unverifiable("a certificate cannot be parsed".to_owned());
    };
    let Some(alg) = ring_algorithm(&c, issuer.public_key()) else {
        return Link::Unverifiable(format!(
            "samlguard cannot verify {} signatures",
            oid_name(&c.signature_algorithm.algorithm)
        ));
    };
    let key = sig::UnparsedPublicKey::new(alg, &i.tbs_certificate.subject_pki.subject_public_key.data);
    match key.verify(c.tbs_certificate.as_ref(), &c.signature_value.data) {
        Ok(()) => Link::Verified,
        Err(_) => Link::Failed,
    }
}

/// ring's verification algorithm for a certificate's signature algorithm and its issuer's key.
/// Legacy 1024-bit RSA variants are used so that a small key still links (key-too-small says the rest).
fn ring_algorithm(
    c: &X509Certificate<'_>,
    issuer_key: &PublicKey,
) -> Option<&'static dyn sig::VerificationAlgorithm> {
    let alg = &c.signature_algorithm.algorithm;
    let rsa = matches!(issuer_key, PublicKey::Rsa { .. });
    let p256 = matches!(issuer_key, PublicKey::EcP256 { .. });
    let p384 = matches!(issuer_key, PublicKey::EcP384 { .. });
    Some(if rsa && (*alg == oids::OID_PKCS1_SHA1WITHRSA || *alg == oids::OID_SHA1_WITH_RSA) {
        &sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY
    } else if rsa && *alg == oids::OID_PKCS1_SHA256WITHRSA {
        &sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY
    } else if rsa && *alg == oids::OID_PKCS1_SHA384WITHRSA {
        &sig::RSA_PKCS1_2048_8192_SHA384
    } else if rsa && *alg == oids::OID_PKCS1_SHA512WITHRSA {
        &sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY
    } else if rsa && *alg == oids::OID_PKCS1_RSASSAPSS {
        let params = c.signature_algorithm.parameters.as_ref()?;
        let pss = x509_parser::signature_algorithm::RsaSsaPssParams::try_from(params).ok()?;
        let hash = pss.hash_algorithm_oid();
        if *hash == oids::OID_NIST_HASH_SHA256 {
            &sig::RSA_PSS_2048_8192_SHA256
        } else if *hash == oids::OID_NIST_HASH_SHA384 {
            &sig::RSA_PSS_2048_8192_SHA384
        } else if *hash == oids::OID_NIST_HASH_SHA512 {
            &sig::RSA_PSS_2048_8192_SHA512
        } else {
            return None;
        }
    } else if *alg == oids::OID_SIG_ECDSA_WITH_SHA256 && p256 {
        &sig::ECDSA_P256_SHA256_ASN1
    } else if *alg == oids::OID_SIG_ECDSA_WITH_SHA256 && p384 {
        &sig::ECDSA_P384_SHA256_ASN1
    } else if *alg == oids::OID_SIG_ECDSA_WITH_SHA384 && p256 {
        &sig::ECDSA_P256_SHA384_ASN1
    } else if *alg == oids::OID_SIG_ECDSA_WITH_SHA384 && p384 {
        &sig::ECDSA_P384_SHA384_ASN1
    } else if *alg == oids::OID_SIG_ED25519
        && matches!(issuer_key, PublicKey::Other { algorithm } if algorithm == "Ed25519")
    {
        &sig::ED25519
    } else {
        return None;
    })
}

struct Chain {
    /// The index of the server certificate.
    leaf: usize,
    /// From the leaf up, each followed by its (verified) issuer.
    path: Vec<usize>,
    /// The certificates not on the path, in file order.
    off_path: Vec<usize>,
    /// Per certificate: whether it signed itself.
    self_signed: Vec<bool>,
    /// Per certificate: the certificates with its issuer's name whose key did not sign it.
    impostors: Vec<Vec<usize>>,
}

impl Chain {
    fn build(certs: &[Certificate], infos: &[Info]) -> Chain {
        let n = certs.len();
        let self_signed: Vec<bool> =
            certs.iter().map(|c| c.issuer() == c.subject() && verify_link(c, c) != Link::Failed).collect();
        let mut issuer_of = vec![None; n];
        let mut impostors = vec![Vec::new(); n];
        for (i, child) in certs.iter().enumerate() {
            if self_signed[i] {
                continue;
            }
            let mut unverifiable = None;
            for (j, candidate) in certs.iter().enumerate() {
                if j == i || candidate.subject() != child.issuer() {
                    continue;
                }
                match verify_link(child, candidate) {
                    Link::Verified => {
                        issuer_of[i] = Some(j);
                        break;
                    }
                    Link::Unverifiable(_) => unverifiable = unverifiable.or(Some(j)),
                    Link::Failed => impostors[i].push(j),
                }
            }
            if issuer_of[i].is_none() {
                issuer_of[i] = unverifiable;
            }
        }
        let issues_another = |j: usize| (0..n).any(|k| k != j && issuer_of[k] == Some(j));
        let candidates: Vec<usize> = (0..n).filter(|&j| !issues_another(j)).collect();
        let leaf = candidates
            .iter()
            .copied()
            .find(|&j| !infos[j].is_ca)
            .or_else(|| candidates.first().copied())
            .unwrap_or(0);
        let mut path = vec![leaf];
        let mut current = leaf;
        while let Some(next) = issuer_of[current] {
            if path.contains(&next) {
                break;
            }
            path.push(next);
            current = next;
        }
        let off_path = (0..n).filter(|i| !path.contains(i)).collect();
        Chain { leaf, path, off_path, self_signed, impostors }
    }
}

fn chain_findings(
    name: &str,
    container: Container,
    certs: &[Certificate],
    chain: &Chain,
    findings: &mut Vec<Finding>,
) {
    let leaf = &certs[chain.leaf];
    let top_index = chain.path.last().copied().unwrap_or(chain.leaf);
    let top = &certs[top_index];
    let mut incomplete = false;
    if !chain.self_signed[top_index] {
        if let Some(&impostor) = chain.impostors[top_index].first() {
            incomplete = true;
            findings.push(finding(
                FindingId::ChainIncomplete,
                Severity::Error,
                format!(
                    "{} names {} as its issuer; {name} has a certificate with that name, {}, but its key did not \
                     sign {} (a re-keyed or different CA with the same name), so the chain is broken there: \
                     replace it with the certificate that really issued it (match its Authority Key Identifier)",
                    label(top),
                    top.issuer(),
                    label(&certs[impostor]),
                    top.subject()
                ),
            ));
        } else if !chain.off_path.is_empty() {
            incomplete = true;
            let others: Vec<String> = chain.off_path.iter().map(|&i| certs[i].subject().to_owned()).collect();
            findings.push(finding(
                FindingId::ChainIncomplete,
                Severity::Error,
                format!(
                    "the issuer of {}, {}, is missing from {name}, so {} cannot be linked to it: add the missing \
                     certificate(s) between them (leaf, then each intermediate, then the root)",
                    label(top),
                    top.issuer(),
                    others.join("; ")
                ),
            ));
        } else if certs.len() == 1 {
            findings.push(finding(
                FindingId::ChainIncomplete,
                Severity::Warning,
                format!(
                    "{name} holds only {}, and not its issuer {}: unless that issuer is a root certificate every \
                     client already trusts, append the intermediate certificate(s) after it",
                    label(leaf),
                    leaf.issuer()
                ),
            ));
        }
    }
    if !incomplete {
        for &i in &chain.off_path {
            findings.push(finding(
                FindingId::ChainOrder,
                Severity::Error,
                format!(
                    "{} is not part of the chain of {}: remove it, a certificate file holds one chain (leaf, then \
                     each intermediate, then the root)",
                    label(&certs[i]),
                    leaf.subject()
                ),
            ));
        }
    }
    if container != Container::Pkcs12 {
        let in_file_order: Vec<usize> = (0..certs.len()).filter(|i| chain.path.contains(i)).collect();
        if in_file_order != chain.path {
            let now: Vec<String> = in_file_order.iter().map(|&i| certs[i].subject().to_owned()).collect();
            let right: Vec<String> = chain
                .path
                .iter()
                .enumerate()
                .map(|(n, &i)| format!("{}. {}", n + 1, certs[i].subject()))
                .collect();
            findings.push(finding(
                FindingId::ChainOrder,
                Severity::Error,
                format!(
                    "the certificates in {name} are in the wrong order ({}); put the server certificate {} first, \
                     then each issuer: {}",
                    now.join(" / "),
                    label(leaf),
                    right.join(", ")
                ),
            ));
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Each certificate
// ------------------------------------------------------------------------------------------------

fn certificate_findings(
    c: &Certificate,
    info: &Info,
    trust_anchor: bool,
    options: &CheckOptions,
    findings: &mut Vec<Finding>,
) {
    let now = options.now;
    let who = label(c);
    if now < c.not_before() {
        findings.push(finding(
            FindingId::NotYetValid,
            Severity::Error,
            format!(
                "{who} is not valid until {} (now is {}): wait until then and upload it again, or check that \
                 this system's clock is right",
                timestamp(c.not_before()),
                timestamp(now)
            ),
        ));
    }
    if now > c.not_after() {
        findings.push(finding(
            FindingId::Expired,
            Severity::Error,
            format!(
                "{who} expired on {} (now is {}): get a new certificate (a new CSR, signed by the CA) and upload \
                 it; check that this system's clock is right",
                timestamp(c.not_after()),
                timestamp(now)
            ),
        ));
    } else if c.not_after() - now <= options.expires_soon && now >= c.not_before() {
        let days = (c.not_after() - now).num_days();
        findings.push(finding(
            FindingId::ExpiresSoon,
            Severity::Warning,
            format!(
                "{who} expires on {} ({days} days from now): renew it and upload the new certificate before then",
                timestamp(c.not_after())
            ),
        ));
    }
    if let PublicKey::Rsa { bits, .. } = c.public_key()
        && *bits < 2048
    {
        findings.push(finding(
                FindingId::KeyTooSmall,
                Severity::Error,
                format!(
                    "{who} has an RSA key of {bits} bits; at least 2048 are required: generate a new key of 2048 \
                     bits or more (`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`), a new CSR, \
                     and get a new certificate"
                ),
            ));
    }
    if let (Some(alg), false) = (&info.weak_signature, trust_anchor) {
        findings.push(finding(
            FindingId::WeakSignatureAlgorithm,
            Severity::Error,
            format!(
                "{who} is signed with {alg}, which browsers and current TLS libraries refuse: have the CA reissue \
                 it signed with SHA-256 or stronger"
            ),
        ));
    }
    for (oid, name) in &info.critical {
        findings.push(finding(
            FindingId::UnsupportedCriticalExtension,
            Severity::Error,
            format!(
                "{who} marks the extension {oid} ({name}) critical; only Key Usage (2.5.29.15) and Basic \
                 Constraints (2.5.29.19) may be, since a peer that does not handle a critical extension must \
                 refuse the certificate (Unified CM does): have it reissued with that extension non-critical or \
                 left out"
            ),
        ));
    }
}

// ------------------------------------------------------------------------------------------------
// The server certificate's names
// ------------------------------------------------------------------------------------------------

fn normalize(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// Whether a SAN DNS name covers `host`: exact, or a `*.` wildcard standing for exactly one whole
/// label (`*.example.com` covers `sso.example.com`, not `example.com` nor `a.sso.example.com`);
/// partial wildcards (`s*.example.com`) cover nothing.
fn covers(pattern: &str, host: &str) -> bool {
    let (pattern, host) = (normalize(pattern), normalize(host));
    if let Some(base) = pattern.strip_prefix("*.") {
        if base.contains('*') || !base.contains('.') {
            return false;
        }
        return host.split_once('.').is_some_and(|(label, rest)| !label.is_empty() && rest == base);
    }
    !pattern.contains('*') && !pattern.is_empty() && pattern == host
}

fn parent_domain(host: &str) -> String {
    let host = normalize(host);
    match host.split_once('.') {
        Some((_, rest)) if rest.contains('.') => rest.to_owned(),
        _ => host,
    }
}

fn name_findings(leaf: &Certificate, info: &Info, hosts: &[String], findings: &mut Vec<Finding>) {
    let who = label(leaf);
    let sans = info.dns_names.clone().unwrap_or_default();
    let listed = || {
        let mut all: Vec<String> = sans.clone();
        all.extend(info.ip_addresses.iter().map(IpAddr::to_string));
        if all.is_empty() { "no names".to_owned() } else { all.join(", ") }
    };
    // cn-not-in-san
    for cn in &info.common_names {
        if info.dns_names.is_none() {
            findings.push(finding(
                FindingId::CnNotInSan,
                Severity::Error,
                format!(
                    "{who} has no Subject Alternative Name extension: its host name is only in the CN ({cn}), which \
                     modern browsers ignore (Chrome: NET::ERR_CERT_COMMON_NAME_INVALID): get a certificate whose \
                     SAN lists {cn} and every other host name"
                ),
            ));
        } else {
            let in_san = match cn.parse::<IpAddr>() {
                Ok(ip) => info.ip_addresses.contains(&ip),
                Err(_) => sans.iter().any(|s| normalize(s) == normalize(cn)),
            };
            if !in_san {
                findings.push(finding(
                    FindingId::CnNotInSan,
                    Severity::Warning,
                    format!(
                        "the CN of {who}, {cn}, is not in its Subject Alternative Names ({}); modern browsers ignore \
                         the CN, so {cn} is not served: if clients use {cn}, get a certificate whose SAN lists it",
                        listed()
                    ),
                ));
            }
        }
    }
    // missing-eku
    if let Some((server, client, any, others)) = &info.eku
        && !(*any || *server && *client)
    {
        let mut has: Vec<String> = Vec::new();
        if *server {
            has.push("serverAuth".to_owned());
        }
        if *client {
            has.push("clientAuth".to_owned());
        }
        has.extend(others.iter().cloned());
        let missing: Vec<&str> = [
            (!server, "serverAuth (TLS Web Server Authentication)"),
            (!client, "clientAuth (TLS Web Client Authentication)"),
        ]
        .iter()
        .filter(|(m, _)| *m)
        .map(|(_, n)| *n)
        .collect();
        let severity = if *server { Severity::Warning } else { Severity::Error };
        findings.push(finding(
            FindingId::MissingEku,
            severity,
            format!(
                "{who} has an Extended Key Usage extension ({}) without {}: TLS peers such as call managers \
                     check for both serverAuth and clientAuth; ask the CA for a certificate with both",
                if has.is_empty() { "empty".to_owned() } else { has.join(", ") },
                missing.join(" and ")
            ),
        ));
    }
    if hosts.is_empty() {
        return;
    }
    // wildcard-domain
    let mut patterns = sans.clone();
    if info.dns_names.is_none() {
        patterns.extend(info.common_names.iter().cloned());
    }
    if let Some(wildcard) = patterns.iter().find(|p| p.trim().starts_with("*.")) {
        let mut domains: Vec<(String, Vec<&str>)> = Vec::new();
        for host in hosts.iter().filter(|h| h.parse::<IpAddr>().is_err()) {
            let domain = parent_domain(host);
            match domains.iter_mut().find(|(d, _)| *d == domain) {
                Some((_, members)) => members.push(host),
                None => domains.push((domain, vec![host])),
            }
        }
        if domains.len() > 1 {
            let spans: Vec<String> = domains.iter().map(|(d, m)| format!("{d}: {}", m.join(", "))).collect();
            findings.push(finding(
                FindingId::WildcardDomain,
                Severity::Error,
                format!(
                    "{who} is a wildcard certificate ({wildcard}), but the host names span {} domains ({}): a \
                     wildcard certificate serves one domain only, so a SAN certificate is needed, listing every \
                     host name",
                    domains.len(),
                    spans.join("; ")
                ),
            ));
        }
    }
    // san-mismatch
    for host in hosts {
        let covered = match host.trim().parse::<IpAddr>() {
            Ok(ip) => info.ip_addresses.contains(&ip),
            Err(_) => sans.iter().any(|s| covers(s, host)),
        };
        if !covered {
            let why = if info.dns_names.is_none() {
                " has no Subject Alternative Name (the CN is ignored by modern clients)".to_owned()
            } else {
                format!(" lists {}; a wildcard covers exactly one label", listed())
            };
            findings.push(finding(
                FindingId::SanMismatch,
                Severity::Error,
                format!(
                    "{host} is not covered by {who}: its SAN{why}. Get a certificate whose Subject Alternative \
                     Names include {host}"
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_cover_one_whole_label() {
        assert!(covers("*.example.com", "sso.example.com"));
        assert!(covers("*.Example.com.", "SSO.example.com"));
        assert!(!covers("*.example.com", "example.com"));
        assert!(!covers("*.example.com", "a.sso.example.com"));
        assert!(!covers("s*.example.com", "sso.example.com"));
        assert!(!covers("*.com", "example.com"));
        assert!(covers("sso.example.com", "sso.example.com"));
        assert!(!covers("", ""));
    }

    #[test]
    fn parent_domains() {
        assert_eq!(parent_domain("sso.example.com"), "example.com");
        assert_eq!(parent_domain("example.com"), "example.com");
        assert_eq!(parent_domain("a.b.example.org."), "b.example.org");
    }

    #[test]
    fn ids_are_unique_and_spelled_as_the_spec() {
        let names: std::collections::HashSet<&str> = FindingId::ALL.iter().map(|i| i.as_str()).collect();
        assert_eq!(names.len(), 16);
        assert!(names.contains("unsupported-critical-extension"));
    }
}
