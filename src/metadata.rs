//! SAML 2.0 metadata: what an IdP's metadata says about its signing certificates (and what the SP must
//! do about them), and the SP's own metadata.
//!
//! * [`inspect_idp_metadata`] / [`IdpMetadataCheck`] read an IdP's metadata and report its entity ID,
//!   endpoints, NameID formats and certificates at a given `now`: which signing certificate is newest,
//!   when the older ones expire (the certificate *rollover*), whether the metadata's own signature
//!   verifies, and — given the certificates the SP trusts — exactly which to import and which to remove.
//! * [`sp_metadata`] / [`sp_metadata_signed`] write the SP's metadata, valid against the OASIS schema.
//!
//! Two different certificates are at work in SAML single sign-on, and they are often confused:
//!
//! * the **IdP's signing certificate** (in the IdP's metadata): the IdP signs its responses with the
//!   private key; the SP must trust the certificate (`[idp] certificates`);
//! * the **SP's own certificate** (in the SP's metadata): the SP signs its AuthnRequests with the private
//!   key, and the IdP may encrypt to it; the IdP must trust it (upload the SP's metadata to the IdP).
//!
//! Renewing one never requires doing anything with the other.

use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::cert::Certificate;
use crate::config::{Endpoint, MD_NS, SAMLP_NS, ServiceProvider};
use crate::dsig::{
    AlgorithmPolicy, DSIG_NS, DsigErrorKind, SignError, SignaturePlacement, Signer, verify_signature,
};
use crate::xml::{Document, Element, ParseOptions, XmlError};

/// How many days before expiry a certificate without a published successor is reported
/// (`expires-soon`), by default.
pub const DEFAULT_EXPIRES_SOON_DAYS: i64 = 30;

/// Why metadata could not be inspected or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MetadataError {
    /// The document is not acceptable XML.
    #[error("the metadata is not acceptable XML: {0}")]
    Xml(#[from] XmlError),
    /// The root element is not `md:EntityDescriptor` or `md:EntitiesDescriptor`.
    #[error(
        "the root element is <{root}>, not a SAML 2.0 md:EntityDescriptor or md:EntitiesDescriptor: \
         use the IdP's SAML 2.0 metadata document"
    )]
    NotMetadata {
        /// The root element's qualified name.
        root: String,
    },
    /// The metadata holds no `IDPSSODescriptor` (SP metadata, for example).
    #[error("{0}")]
    NoIdentityProvider(String),
    /// The entity asked for is not an IdP of this metadata.
    #[error("no IdP with the entity ID {wanted:?} in this metadata; its IdPs are: {}", available.join(", "))]
    EntityNotFound {
        /// The entity ID asked for.
        wanted: String,
        /// The IdP entity IDs the metadata holds.
        available: Vec<String>,
    },
    /// SP metadata cannot be signed: no key, no certificate, or the signer refused.
    #[error("{0}")]
    Signing(String),
}

impl From<SignError> for MetadataError {
    fn from(e: SignError) -> Self {
        MetadataError::Signing(format!("the SP metadata cannot be signed: {e}"))
    }
}

// ---------------------------------------------------------------------------------------------
// IdP metadata report
// ---------------------------------------------------------------------------------------------

/// A certificate found in metadata, judged at the report's `now`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CertificateStatus {
    /// The certificate.
    pub certificate: Certificate,
    /// The `use` attribute of its `KeyDescriptor` (`signing`, `encryption`), `None` when absent (which
    /// means both).
    pub key_use: Option<String>,
    /// The line of its `ds:X509Certificate` element.
    pub line: usize,
    /// Whole days from `now` until `notAfter` (negative once expired).
    pub days_left: i64,
    /// `now` is after `notAfter`.
    pub expired: bool,
    /// `now` is before `notBefore`.
    pub not_yet_valid: bool,
    /// The signing certificate with the latest `notBefore` (only set when there are several).
    pub newest: bool,
    /// Whether the SP trusts it (the same certificate, byte for byte); `None` when no trusted list
    /// was given, and for encryption certificates.
    pub trusted: Option<bool>,
}

impl CertificateStatus {
    fn new(certificate: Certificate, key_use: Option<&str>, line: usize, now: DateTime<Utc>) -> Self {
        let days_left = (certificate.not_after() - now).num_seconds().div_euclid(86_400);
        CertificateStatus {
            expired: now > certificate.not_after(),
            not_yet_valid: now < certificate.not_before(),
            certificate,
            key_use: key_use.map(str::to_owned),
            line,
            days_left,
            newest: false,
            trusted: None,
        }
    }
    /// A certificate judged at `now` (as the report judges those it finds; `line` 0, no `use`).
    ///
    /// ```
    /// # let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048-expired.crt"));
    /// let cert = samlguard::Certificate::from_pem(pem)?;
    /// let status = samlguard::CertificateStatus::at(cert, "2021-01-11T00:00:00Z".parse().unwrap());
    /// assert!(status.expired && status.days_left == -10);
    /// # Ok::<(), samlguard::CertError>(())
    /// ```
    pub fn at(certificate: Certificate, now: DateTime<Utc>) -> Self {
        CertificateStatus::new(certificate, None, 0, now)
    }
    /// Valid at `now`.
    pub fn is_valid(&self) -> bool {
        !self.expired && !self.not_yet_valid
    }
    /// The SHA-1 thumbprint as uppercase hex without separators, as ADFS, Entra ID and Windows show it
    /// (to compare with those consoles only: samlguard identifies certificates by SHA-256).
    pub fn sha1_thumbprint(&self) -> String {
        ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, self.certificate.der())
            .as_ref()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect()
    }
}

/// The certificate rollover of an IdP that publishes several signing certificates.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Rollover {
    /// Index (into [`IdpEntityReport::signing`]) of the newest certificate: the latest `notBefore`.
    pub newest: usize,
    /// Indices of the older ones, soonest expiry first.
    pub older: Vec<usize>,
    /// The situation in plain words: what the IdP does, what the SP must trust, and when the older
    /// certificates can go.
    pub explanation: String,
}

/// One IdP of the metadata.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct IdpEntityReport {
    /// The `entityID` (the Issuer of the IdP's responses).
    pub entity_id: String,
    /// Single sign-on endpoints.
    pub sso: Vec<Endpoint>,
    /// Single logout endpoints.
    pub slo: Vec<Endpoint>,
    /// The NameID formats the IdP declares.
    pub name_id_formats: Vec<String>,
    /// `WantAuthnRequestsSigned`, when present.
    pub want_authn_requests_signed: Option<bool>,
    /// Signing certificates (`KeyDescriptor use="signing"` or without `use`), in document order.
    pub signing: Vec<CertificateStatus>,
    /// Encryption certificates (`KeyDescriptor use="encryption"`), in document order.
    pub encryption: Vec<CertificateStatus>,
    /// Set when there are several signing certificates.
    pub rollover: Option<Rollover>,
}

/// What the metadata document is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetadataRoot {
    /// One `md:EntityDescriptor`.
    EntityDescriptor,
    /// An `md:EntitiesDescriptor` (a federation or aggregate file), with its `Name` if any.
    EntitiesDescriptor {
        /// The `Name` attribute.
        name: Option<String>,
    },
}

/// Where the certificate that verified the metadata's signature came from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant)] // one per report
pub enum MetadataSignature {
    /// The metadata carries no signature on its root element (or on the reported entity).
    Absent,
    /// The signature verifies with a certificate the metadata itself carries (in the signature's
    /// `KeyInfo` or as an IdP signing certificate). This proves the file is intact since whoever holds
    /// that key signed it — **not** that it comes from the IdP: anyone can sign metadata with their own
    /// key and put their certificate in it. Only `signer_trusted == Some(true)` (a certificate the SP
    /// already trusts verified it) or a fingerprint checked with the IdP out of band establishes trust.
    Verified {
        /// The signed element: `EntityDescriptor entityID="..."` or `EntitiesDescriptor`.
        signed_element: String,
        /// The certificate whose key verified the signature.
        signer: Certificate,
        /// Whether that certificate is in the signature's `KeyInfo`.
        signer_in_key_info: bool,
        /// Whether that certificate is one of the IdP signing certificates in the metadata (rather than
        /// only in the signature's `KeyInfo`, as a federation operator's is).
        signer_in_metadata: bool,
        /// Whether the signature also verifies with a certificate the SP trusts; `None` when no trusted
        /// list was given.
        signer_trusted: Option<bool>,
    },
    /// The signature is present but does not verify: the signed content or `SignedInfo` was changed,
    /// the signature is malformed, or it covers something else than the metadata.
    Invalid {
        /// Why.
        reason: String,
    },
    /// The signature is present but could not be checked: an algorithm samlguard refuses (SHA-1) or
    /// does not know, or no certificate at hand whose key made it. This says nothing either way about
    /// whether the file was changed.
    Unchecked {
        /// Why.
        reason: String,
    },
}

/// Why a trusted certificate can be removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RemoveReason {
    /// It has expired.
    Expired,
    /// The IdP no longer publishes it.
    NotInMetadata,
}

impl RemoveReason {
    /// `expired` or `not-in-metadata`.
    pub fn as_str(self) -> &'static str {
        match self {
            RemoveReason::Expired => "expired",
            RemoveReason::NotInMetadata => "not-in-metadata",
        }
    }
}

/// The SP's trusted IdP certificates compared with the metadata's signing certificates.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TrustComparison {
    /// The IdP entity ID the SP expects, when known.
    pub expected_entity_id: Option<String>,
    /// Whether the compared IdP's entity ID equals it (`None` when no entity ID was expected).
    pub entity_id_matches: Option<bool>,
    /// The metadata entity the trusted certificates were compared with; `None` when no comparison was
    /// possible (the entity IDs differ, or several IdPs and none chosen).
    pub compared_entity: Option<String>,
    /// Signing certificates in the metadata, valid or not yet valid, that the SP does not trust: import
    /// them.
    pub import: Vec<Certificate>,
    /// Trusted certificates that can be removed, and why.
    pub remove: Vec<(Certificate, RemoveReason)>,
    /// Trusted certificates that stay (published in the metadata and not expired).
    pub keep: Vec<Certificate>,
    /// The SP's own certificate, when known: shown so that it is not mistaken for the IdP's.
    pub sp_certificate: Option<CertificateStatus>,
}

/// One finding: something to do (`action`) or to know.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MetadataFinding {
    /// A stable identifier: `no-signing-certificate`, `no-valid-signing-certificate`, `expired`,
    /// `not-yet-valid`, `expires-soon`, `rollover`, `unreadable-certificate`, `key-without-certificate`,
    /// `unreadable-valid-until`, `metadata-expired`, `metadata-signature-invalid`,
    /// `metadata-signature-unchecked`, `several-idps`,
    /// `entity-id-mismatch`, `import`, `remove`, `trust-up-to-date`, `sp-certificate-as-idp-certificate`,
    /// `sp-certificate`.
    pub id: &'static str,
    /// Whether something must be done (the CLI exits 1 when any finding is an action).
    pub action: bool,
    /// The IdP the finding is about (`None`: the whole document or the SP).
    pub entity_id: Option<String>,
    /// What was found and what to do, in plain words.
    pub detail: String,
}

/// What [`inspect_idp_metadata`] found.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct IdpMetadataReport {
    /// The time everything was judged at.
    pub now: DateTime<Utc>,
    /// The document's root.
    pub root: MetadataRoot,
    /// The earliest `validUntil` of the root and the reported entities.
    pub valid_until: Option<DateTime<Utc>>,
    /// The metadata's own signature.
    pub signature: MetadataSignature,
    /// The IdPs reported: the one chosen, or all of them.
    pub entities: Vec<IdpEntityReport>,
    /// How many `EntityDescriptor`s without an `IDPSSODescriptor` (SPs) were skipped, plus the IdPs not
    /// chosen.
    pub skipped_entities: usize,
    /// The comparison with the SP's trusted certificates, when a trusted list was given.
    pub trust: Option<TrustComparison>,
    /// Everything to do or to know, actions first.
    pub findings: Vec<MetadataFinding>,
}

impl IdpMetadataReport {
    /// Whether any finding is an action.
    pub fn needs_action(&self) -> bool {
        self.findings.iter().any(|f| f.action)
    }
    /// The findings that are actions.
    pub fn actions(&self) -> impl Iterator<Item = &MetadataFinding> {
        self.findings.iter().filter(|f| f.action)
    }
    /// The finding with this id, if any (the first one).
    pub fn finding(&self, id: &str) -> Option<&MetadataFinding> {
        self.findings.iter().find(|f| f.id == id)
    }
}

/// Inspects IdP metadata at `now`; with `trusted` (the SP's trusted IdP signing certificates), also says
/// what to import and what to remove. See [`IdpMetadataCheck`] for the other options.
///
/// ```
/// use samlguard::{Certificate, inspect_idp_metadata};
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/metadata/");
/// let xml = std::fs::read(format!("{dir}idp-rollover.xml"))?;
/// let old = Certificate::from_pem(&std::fs::read(format!("{dir}idp-2023.crt"))?)?;
/// let now = "2026-02-15T00:00:00Z".parse()?;
/// let report = inspect_idp_metadata(&xml, now, Some(&[old]))?;
/// let idp = &report.entities[0];
/// let newest = &idp.signing[idp.rollover.as_ref().unwrap().newest];
/// assert!(newest.certificate.subject().starts_with("CN=idp.example.com signing 2026"));
/// let trust = report.trust.as_ref().unwrap();
/// assert_eq!(trust.import, [newest.certificate.clone()]); // the SP must import the new certificate
/// assert!(report.needs_action());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn inspect_idp_metadata(
    xml: &[u8],
    now: DateTime<Utc>,
    trusted: Option<&[Certificate]>,
) -> Result<IdpMetadataReport, MetadataError> {
    let mut check = IdpMetadataCheck::new(now);
    if let Some(t) = trusted {
        check = check.trusted(t);
    }
    check.inspect(xml)
}

/// The options of an IdP metadata inspection.
///
/// Which IdPs are reported, for an `md:EntitiesDescriptor` holding several: the one named by
/// [`IdpMetadataCheck::entity`] (an error if absent); else the one whose entity ID is the
/// [`IdpMetadataCheck::expected_entity_id`]; else all of them (without a trusted-certificate comparison,
/// which needs one IdP). Entities without an `IDPSSODescriptor` are skipped.
///
/// ```
/// use samlguard::IdpMetadataCheck;
/// let xml = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/metadata/federation.xml"))?;
/// let report = IdpMetadataCheck::new("2026-02-15T00:00:00Z".parse()?)
///     .entity("https://idp.partner.example/idp")
///     .inspect(&xml)?;
/// assert_eq!(report.entities.len(), 1);
/// assert_eq!(report.skipped_entities, 2); // the other IdP and the SP
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct IdpMetadataCheck<'a> {
    now: DateTime<Utc>,
    trusted: Option<&'a [Certificate]>,
    expected_entity_id: Option<&'a str>,
    entity: Option<&'a str>,
    sp_certificate: Option<&'a Certificate>,
    expires_soon_days: i64,
    parse_options: ParseOptions,
}

impl<'a> IdpMetadataCheck<'a> {
    /// An inspection at `now`. Metadata may be large (federation aggregates): up to 128 MiB and
    /// 8 million nodes are read by default.
    pub fn new(now: DateTime<Utc>) -> Self {
        let parse_options =
            ParseOptions { max_bytes: 128 * 1024 * 1024, max_nodes: 8_000_000, ..ParseOptions::default() };
        IdpMetadataCheck {
            now,
            trusted: None,
            expected_entity_id: None,
            entity: None,
            sp_certificate: None,
            expires_soon_days: DEFAULT_EXPIRES_SOON_DAYS,
            parse_options,
        }
    }
    /// The IdP signing certificates the SP trusts: the report then says what to import and remove.
    pub fn trusted(mut self, trusted: &'a [Certificate]) -> Self {
        self.trusted = Some(trusted);
        self
    }
    /// The IdP entity ID the SP expects (`[idp] entity_id`): compared with the metadata's, and used to
    /// choose the IdP in a file holding several.
    pub fn expected_entity_id(mut self, entity_id: &'a str) -> Self {
        self.expected_entity_id = Some(entity_id);
        self
    }
    /// Reports only this IdP of an `md:EntitiesDescriptor`.
    pub fn entity(mut self, entity_id: &'a str) -> Self {
        self.entity = Some(entity_id);
        self
    }
    /// The SP's own certificate: reported apart, and flagged if it is trusted as an IdP certificate.
    pub fn sp_certificate(mut self, certificate: &'a Certificate) -> Self {
        self.sp_certificate = Some(certificate);
        self
    }
    /// How many days before expiry a certificate without a published successor is reported
    /// (default [`DEFAULT_EXPIRES_SOON_DAYS`]).
    pub fn expires_soon_days(mut self, days: i64) -> Self {
        self.expires_soon_days = days;
        self
    }
    /// The XML reader's limits.
    pub fn parse_options(mut self, options: ParseOptions) -> Self {
        self.parse_options = options;
        self
    }
    /// The reader's limits in use (the CLI reads at most `max_bytes`).
    pub fn parse_options_in_use(&self) -> &ParseOptions {
        &self.parse_options
    }
    /// Takes the trusted certificates, the expected entity ID and the SP certificate from a
    /// configuration file.
    #[cfg(feature = "config")]
    pub fn config(mut self, config: &'a crate::config_file::Config) -> Self {
        let idp = config.identity_provider();
        self.trusted = Some(idp.certificates());
        self.expected_entity_id = Some(idp.entity_id());
        self.sp_certificate = config.service_provider().certificate();
        self
    }

    /// Reads the metadata and makes the report.
    pub fn inspect(&self, xml: &[u8]) -> Result<IdpMetadataReport, MetadataError> {
        let doc = Document::parse_with(xml, &self.parse_options)?;
        inspect_document(&doc, self)
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn describe_cert(c: &Certificate) -> String {
    format!("{} (SHA-256 {})", c.subject(), c.fingerprint_colon())
}

fn days(n: i64) -> String {
    if n == 1 { "1 day".to_owned() } else { format!("{n} days") }
}

/// "in 14 days" / "today" / "3 days ago", for a moment relative to now.
fn relative(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (t - now).num_seconds();
    if secs >= 0 {
        match secs / 86_400 {
            0 => "in less than a day".to_owned(),
            n => format!("in {}", days(n)),
        }
    } else {
        match (-secs) / 86_400 {
            0 => "less than a day ago".to_owned(),
            n => format!("{} ago", days(n)),
        }
    }
}

fn finding(id: &'static str, action: bool, entity: Option<&str>, detail: String) -> MetadataFinding {
    MetadataFinding { id, action, entity_id: entity.map(str::to_owned), detail }
}

fn inspect_document(
    doc: &Document,
    check: &IdpMetadataCheck<'_>,
) -> Result<IdpMetadataReport, MetadataError> {
    let now = check.now;
    let root = doc.root_element();
    let (root_kind, all_entities): (MetadataRoot, Vec<Element<'_>>) = if root.is(MD_NS, "EntityDescriptor") {
        (MetadataRoot::EntityDescriptor, vec![root])
    } else if root.is(MD_NS, "EntitiesDescriptor") {
        (
            MetadataRoot::EntitiesDescriptor { name: root.attribute("Name").map(str::to_owned) },
            root.descendants().filter(|e| e.is(MD_NS, "EntityDescriptor")).collect(),
        )
    } else {
        return Err(MetadataError::NotMetadata { root: root.qualified_name() });
    };
    let idps: Vec<Element<'_>> =
        all_entities.iter().copied().filter(|e| e.child_named(MD_NS, "IDPSSODescriptor").is_some()).collect();
    if idps.is_empty() {
        let sp = all_entities.iter().find(|e| e.child_named(MD_NS, "SPSSODescriptor").is_some());
        let message = match sp {
            Some(sp) => format!(
                "this is service-provider metadata (SPSSODescriptor of {:?}), not an IdP's: it carries the \
                 SP's own certificate, which the IdP must trust (upload it to the IdP). `metadata idp` reads \
                 the IdP's metadata, which carries the IdP's signing certificates that the SP must trust",
                sp.attribute("entityID").unwrap_or("")
            ),
            None => "the metadata holds no IDPSSODescriptor: it describes no identity provider".to_owned(),
        };
        return Err(MetadataError::NoIdentityProvider(message));
    }
    let entity_id_of = |e: &Element<'_>| e.attribute("entityID").map(str::trim).unwrap_or("").to_owned();
    let available: Vec<String> = idps.iter().map(entity_id_of).collect();
    let chosen: Vec<Element<'_>> = if let Some(wanted) = check.entity {
        match idps.iter().find(|e| entity_id_of(e) == wanted.trim()) {
            Some(e) => vec![*e],
            None => return Err(MetadataError::EntityNotFound { wanted: wanted.to_owned(), available }),
        }
    } else if idps.len() == 1 {
        idps.clone()
    } else if let Some(e) =
        check.expected_entity_id.and_then(|id| idps.iter().find(|e| entity_id_of(e) == id.trim()))
    {
        vec![*e]
    } else {
        idps.clone()
    };
    let skipped_entities = all_entities.len() - chosen.len();

    let mut findings = Vec::new();
    let mut entities = Vec::new();
    for e in &chosen {
        entities.push(inspect_entity(*e, check, &mut findings));
    }

    // validUntil of the root and of the reported entities: the earliest one counts.
    let mut valid_until: Option<DateTime<Utc>> = None;
    let mut stamped: Vec<Element<'_>> = vec![root];
    stamped.extend(chosen.iter().copied().filter(|e| e.id() != root.id()));
    for e in stamped {
        if let Some(v) = e.attribute("validUntil") {
            match DateTime::parse_from_rfc3339(v.trim()) {
                Ok(t) => {
                    let t = t.with_timezone(&Utc);
                    valid_until = Some(valid_until.map_or(t, |u| u.min(t)));
                }
                Err(_) => findings.push(finding(
                    "unreadable-valid-until",
                    false,
                    None,
                    format!(
                        "the validUntil {v:?} at line {} is not an xs:dateTime; it is ignored",
                        e.position().0
                    ),
                )),
            }
        }
    }
    if let Some(t) = valid_until.filter(|t| *t < now) {
        findings.push(finding(
            "metadata-expired",
            true,
            None,
            format!(
                "the metadata says it is valid until {} ({}): it is out of date. Download a fresh copy from \
                 the IdP (software that honours validUntil, such as Shibboleth, refuses it already)",
                rfc3339(t),
                relative(t, now)
            ),
        ));
    }

    // (Several IdPs, trusted certificates and no entity ID to choose with: compare_trust says it, as an action.)
    if chosen.len() > 1 && !(check.trusted.is_some() && check.expected_entity_id.is_none()) {
        findings.push(finding(
            "several-idps",
            false,
            None,
            format!(
                "the file holds {} IdPs ({}); all are reported. Choose one with --entity ENTITY_ID (with a \
                 configuration, the one matching [idp] entity_id is chosen)",
                chosen.len(),
                available.join(", ")
            ),
        ));
    }

    let signature = inspect_signature(doc, &chosen, &entities, check);
    match &signature {
        MetadataSignature::Invalid { reason } => findings.push(finding(
            "metadata-signature-invalid",
            true,
            None,
            format!(
                "the metadata carries a signature that does not verify: {reason}. The file was changed after \
                 it was signed, or damaged in transit: download it again from the IdP, and do not import \
                 certificates from it until its signature verifies"
            ),
        )),
        MetadataSignature::Unchecked { reason } => findings.push(finding(
            "metadata-signature-unchecked",
            false,
            None,
            format!(
                "the metadata carries a signature that samlguard could not check: {reason}. This says nothing \
                 about whether the file is intact: compare the certificates' fingerprints with the IdP"
            ),
        )),
        _ => {}
    }

    let trust =
        check.trusted.map(|trusted| compare_trust(trusted, check, &chosen, &mut entities, &mut findings));

    // Actions first, each group in the order found.
    findings.sort_by_key(|f| !f.action);
    Ok(IdpMetadataReport {
        now,
        root: root_kind,
        valid_until,
        signature,
        entities,
        skipped_entities,
        trust,
        findings,
    })
}

fn inspect_entity(
    entity: Element<'_>,
    check: &IdpMetadataCheck<'_>,
    findings: &mut Vec<MetadataFinding>,
) -> IdpEntityReport {
    let now = check.now;
    let entity_id = entity.attribute("entityID").map(str::trim).unwrap_or("").to_owned();
    let eid = Some(entity_id.as_str());
    // Entities are chosen for having an IDPSSODescriptor; should one not, its (absent) descriptor
    // contributes nothing rather than panicking.
    let idpsso = entity.child_named(MD_NS, "IDPSSODescriptor").unwrap_or(entity);
    let mut signing: Vec<CertificateStatus> = Vec::new();
    let mut encryption: Vec<CertificateStatus> = Vec::new();
    for kd in idpsso.children_named(MD_NS, "KeyDescriptor") {
        let key_use = kd.attribute("use").map(str::trim);
        let certs: Vec<Element<'_>> = kd.descendants().filter(|e| e.is(DSIG_NS, "X509Certificate")).collect();
        if certs.is_empty() {
            findings.push(finding(
                "key-without-certificate",
                false,
                eid,
                format!(
                    "the KeyDescriptor at line {} carries no ds:X509Certificate (a bare key or key name): \
                     samlguard trusts certificates only, so this key is not reported",
                    kd.position().0
                ),
            ));
        }
        for xc in certs {
            let line = xc.position().0;
            let cert = match Certificate::from_base64(&xc.text()) {
                Ok(c) => c,
                Err(e) => {
                    findings.push(finding(
                        "unreadable-certificate",
                        true,
                        eid,
                        format!(
                            "the certificate at line {line} cannot be read ({e}): the metadata is damaged; \
                             download it again from the IdP"
                        ),
                    ));
                    continue;
                }
            };
            let list = match key_use {
                Some("encryption") => &mut encryption,
                None | Some("signing") => &mut signing,
                Some(other) => {
                    findings.push(finding(
                        "unreadable-certificate",
                        true,
                        eid,
                        format!(
                            "the KeyDescriptor at line {} has use={other:?}; SAML allows only \"signing\" \
                             and \"encryption\": {} is not reported",
                            kd.position().0,
                            describe_cert(&cert)
                        ),
                    ));
                    continue;
                }
            };
            if !list.iter().any(|s| s.certificate == cert) {
                list.push(CertificateStatus::new(cert, key_use, line, now));
            }
        }
    }

    let rollover = rollover(&mut signing, now);
    entity_findings(&entity_id, &signing, rollover.as_ref(), check, findings);

    let endpoints = |name: &str| -> Vec<Endpoint> {
        idpsso
            .children_named(MD_NS, name)
            .filter_map(|e| {
                Some(Endpoint {
                    binding: e.attribute("Binding")?.trim().to_owned(),
                    location: e.attribute("Location")?.trim().to_owned(),
                })
            })
            .collect()
    };
    IdpEntityReport {
        sso: endpoints("SingleSignOnService"),
        slo: endpoints("SingleLogoutService"),
        name_id_formats: idpsso
            .children_named(MD_NS, "NameIDFormat")
            .map(|e| e.text().trim().to_owned())
            .collect(),
        want_authn_requests_signed: idpsso
            .attribute("WantAuthnRequestsSigned")
            .map(|v| matches!(v.trim(), "true" | "1")),
        entity_id,
        signing,
        encryption,
        rollover,
    }
}

/// Marks the newest signing certificate and explains the rollover, when there are several.
fn rollover(signing: &mut [CertificateStatus], now: DateTime<Utc>) -> Option<Rollover> {
    if signing.len() < 2 {
        return None;
    }
    let newest = (0..signing.len())
        .max_by_key(|&i| (signing[i].certificate.not_before(), signing[i].certificate.not_after()))?;
    signing[newest].newest = true;
    let mut older: Vec<usize> = (0..signing.len()).filter(|&i| i != newest).collect();
    older.sort_by_key(|&i| signing[i].certificate.not_after());

    let new = &signing[newest];
    let mut text = format!(
        "The IdP publishes {} signing certificates. The newest is {}, valid from {} to {}. ",
        signing.len(),
        new.certificate.subject(),
        rfc3339(new.certificate.not_before()),
        rfc3339(new.certificate.not_after())
    );
    text.push_str(
        "An IdP publishes its next certificate in its metadata before it switches to signing with it, so \
         that every SP can trust it in advance; until the switch it may sign with either certificate, so the \
         SP must trust BOTH. ",
    );
    if new.not_yet_valid {
        let _ = write!(
            text,
            "The newest certificate only becomes valid {} ({}): the IdP cannot switch before then, and the SP \
             should trust it now so that logins keep working the moment it does. ",
            rfc3339(new.certificate.not_before()),
            relative(new.certificate.not_before(), now)
        );
    }
    for &i in &older {
        let old = &signing[i];
        let when = rfc3339(old.certificate.not_after());
        if old.expired {
            let _ = write!(
                text,
                "The older certificate {} expired on {when} ({}): the IdP can no longer sign with it, so it \
                 has switched; the SP must trust the newest one and may remove this one. ",
                old.certificate.subject(),
                relative(old.certificate.not_after(), now)
            );
        } else if old.certificate.not_after() >= new.certificate.not_after() {
            let _ = write!(
                text,
                "The certificate {} was issued earlier but is valid until {when}: both are current, and the \
                 SP must trust both. ",
                old.certificate.subject()
            );
        } else {
            let _ = write!(
                text,
                "The older certificate {} expires on {when} ({}): the IdP must switch to the newest one by \
                 then. The SP keeps trusting the older one until it has expired, and may remove it after \
                 {when}. ",
                old.certificate.subject(),
                relative(old.certificate.not_after(), now)
            );
        }
    }
    text.push_str(
        "Metadata does not say which certificate the IdP signs with today; a response does (samlguard \
         validate names the certificate that verified it).",
    );
    Some(Rollover { newest, older, explanation: text })
}

fn entity_findings(
    entity_id: &str,
    signing: &[CertificateStatus],
    rollover: Option<&Rollover>,
    check: &IdpMetadataCheck<'_>,
    findings: &mut Vec<MetadataFinding>,
) {
    let now = check.now;
    let eid = Some(entity_id);
    let with_config = check.trusted.is_some();
    if signing.is_empty() {
        findings.push(finding(
            "no-signing-certificate",
            true,
            eid,
            "the IdP's metadata carries no signing certificate (no KeyDescriptor with use=\"signing\" or \
             without use): the SP cannot check any response from it. Ask the IdP for metadata with its \
             signing certificate, or for the certificate itself"
                .to_owned(),
        ));
        return;
    }
    let any_valid = signing.iter().any(CertificateStatus::is_valid);
    if !any_valid {
        findings.push(finding(
            "no-valid-signing-certificate",
            true,
            eid,
            format!(
                "none of the IdP's {} signing certificate(s) is valid at {}: responses it signs are refused \
                 (code 15) while certificate validity is enforced. The IdP must renew its signing certificate \
                 and publish new metadata; the SP then imports the new certificate",
                signing.len(),
                rfc3339(now)
            ),
        ));
    }
    for s in signing {
        let c = &s.certificate;
        if s.expired {
            let detail = if with_config && s.trusted != Some(true) {
                format!(
                    "{} expired on {} ({}); the IdP still publishes it, but the SP does not trust it: nothing \
                     to do on the SP side",
                    describe_cert(c),
                    rfc3339(c.not_after()),
                    relative(c.not_after(), now)
                )
            } else {
                format!(
                    "{} expired on {} ({}); the IdP still publishes it. Responses signed with it are refused \
                     (code 15): {}",
                    describe_cert(c),
                    rfc3339(c.not_after()),
                    relative(c.not_after(), now),
                    if any_valid {
                        "the IdP should sign with its valid certificate; remove this one from the SP's trusted \
                         certificates"
                    } else {
                        "the IdP must renew it"
                    }
                )
            };
            // With a configuration, the `remove` and `no-valid-signing-certificate` findings carry the action.
            findings.push(finding("expired", !with_config, eid, detail));
        } else if s.not_yet_valid {
            findings.push(finding(
                "not-yet-valid",
                !any_valid,
                eid,
                format!(
                    "{} is not valid before {} ({}): the IdP has published it ahead of time; trust it now",
                    describe_cert(c),
                    rfc3339(c.not_before()),
                    relative(c.not_before(), now)
                ),
            ));
        }
    }
    // The newest certificate expiring soon, with no successor published.
    let newest = rollover.map_or(0, |r| r.newest);
    let last = &signing[newest];
    if !last.expired && last.days_left < check.expires_soon_days {
        findings.push(finding(
            "expires-soon",
            true,
            eid,
            format!(
                "{} expires on {} ({}) and the IdP publishes no successor yet: ask the IdP to publish its next \
                 signing certificate in its metadata now, so that the SP can trust it before the switch",
                describe_cert(&last.certificate),
                rfc3339(last.certificate.not_after()),
                relative(last.certificate.not_after(), now)
            ),
        ));
    }
    if let Some(r) = rollover {
        let detail = if with_config {
            format!(
                "certificate rollover: the newest signing certificate is {}; see the import/remove findings \
                 for what the SP must do",
                describe_cert(&signing[r.newest].certificate)
            )
        } else {
            let olds: Vec<String> = r
                .older
                .iter()
                .map(|&i| {
                    let c = &signing[i].certificate;
                    format!("{} (until {})", c.subject(), rfc3339(c.not_after()))
                })
                .collect();
            format!(
                "certificate rollover: make sure the SP trusts the newest signing certificate {} as well as \
                 the older {} until it expires (rerun with --config SP.toml to check the SP's trusted \
                 certificates)",
                describe_cert(&signing[r.newest].certificate),
                olds.join(" and ")
            )
        };
        findings.push(finding("rollover", !with_config, eid, detail));
    }
}

fn inspect_signature(
    doc: &Document,
    chosen: &[Element<'_>],
    entities: &[IdpEntityReport],
    check: &IdpMetadataCheck<'_>,
) -> MetadataSignature {
    let root = doc.root_element();
    // The signature of the root element, else of a reported entity.
    let sig = root.child_named(DSIG_NS, "Signature").or_else(|| {
        chosen.iter().filter(|e| e.id() != root.id()).find_map(|e| e.child_named(DSIG_NS, "Signature"))
    });
    let Some(sig) = sig else {
        return MetadataSignature::Absent;
    };
    let Some(parent) = sig.parent_element() else {
        return MetadataSignature::Absent;
    };
    // Candidates: the certificates in the signature's KeyInfo, the IdPs' signing certificates, and the
    // certificates the SP trusts.
    let mut key_info: Vec<Certificate> = Vec::new();
    if let Some(ki) = sig.child_named(DSIG_NS, "KeyInfo") {
        for xc in ki.descendants().filter(|e| e.is(DSIG_NS, "X509Certificate")) {
            if let Ok(c) = Certificate::from_base64(&xc.text())
                && !key_info.contains(&c)
            {
                key_info.push(c);
            }
        }
    }
    let in_metadata: Vec<&Certificate> =
        entities.iter().flat_map(|e| e.signing.iter().map(|s| &s.certificate)).collect();
    let mut candidates = key_info.clone();
    for c in in_metadata.iter().copied().chain(check.trusted.unwrap_or_default()) {
        if !candidates.contains(c) {
            candidates.push(c.clone());
        }
    }
    if candidates.is_empty() {
        return MetadataSignature::Unchecked {
            reason: "the signature carries no certificate, and neither the metadata nor the SP has one to \
                     check it with"
                .to_owned(),
        };
    }
    let policy = AlgorithmPolicy::default();
    let verified = match verify_signature(sig, &candidates, &policy) {
        Ok(v) => v,
        Err(e) => {
            let reason = e.to_string();
            return match e.kind() {
                DsigErrorKind::AlgorithmRefused { .. }
                | DsigErrorKind::UnknownAlgorithm { .. }
                | DsigErrorKind::KeyTooSmall { .. }
                | DsigErrorKind::NoUsableKey(_) => MetadataSignature::Unchecked { reason },
                DsigErrorKind::BadSignatureValue { .. } if key_info.is_empty() => {
                    MetadataSignature::Unchecked {
                        reason: format!(
                            "{reason}: the signature carries no certificate, so it was probably made with a key \
                         that is neither in the file nor trusted by the SP (a federation operator's?)"
                        ),
                    }
                }
                _ => MetadataSignature::Invalid { reason },
            };
        }
    };
    let signed = verified.signed_element();
    if signed.id() != parent.id() {
        return MetadataSignature::Invalid {
            reason: format!(
                "the signature inside <{}> signs a different element, <{}> at line {}, so the metadata \
                 itself is not covered",
                parent.qualified_name(),
                signed.qualified_name(),
                signed.position().0
            ),
        };
    }
    let signed_element = match signed.attribute("entityID") {
        Some(id) => format!("{} entityID=\"{id}\"", signed.local_name()),
        None => signed.local_name().to_owned(),
    };
    let Some(signer) = verified.certificate_indices().first().and_then(|&i| candidates.get(i)).cloned()
    else {
        return MetadataSignature::Invalid { reason: "no certificate is named as the signer".to_owned() };
    };
    let signer_in_metadata = in_metadata.contains(&&signer);
    let signer_in_key_info = key_info.contains(&signer);
    let signer_trusted = check.trusted.map(|t| !t.is_empty() && verify_signature(sig, t, &policy).is_ok());
    MetadataSignature::Verified {
        signed_element,
        signer,
        signer_in_key_info,
        signer_in_metadata,
        signer_trusted,
    }
}

fn compare_trust(
    trusted: &[Certificate],
    check: &IdpMetadataCheck<'_>,
    chosen: &[Element<'_>],
    entities: &mut [IdpEntityReport],
    findings: &mut Vec<MetadataFinding>,
) -> TrustComparison {
    let now = check.now;
    let sp_certificate = check.sp_certificate.map(|c| CertificateStatus::new(c.clone(), None, 0, now));
    let mut cmp = TrustComparison {
        expected_entity_id: check.expected_entity_id.map(str::to_owned),
        entity_id_matches: None,
        compared_entity: None,
        import: Vec::new(),
        remove: Vec::new(),
        keep: Vec::new(),
        sp_certificate,
    };
    for e in entities.iter_mut() {
        for s in e.signing.iter_mut() {
            s.trusted = Some(trusted.contains(&s.certificate));
        }
    }

    if let Some(sp) = check.sp_certificate {
        let in_trust = trusted.contains(sp);
        let in_metadata = entities.iter().any(|e| e.signing.iter().any(|s| &s.certificate == sp));
        if in_trust || in_metadata {
            let place = match (in_trust, in_metadata) {
                (true, true) => {
                    "is among the IdP certificates the SP trusts ([idp] certificates) and in the IdP's metadata"
                }
                (true, false) => "is among the IdP certificates the SP trusts ([idp] certificates)",
                _ => "is published in the IdP's metadata as an IdP signing certificate",
            };
            findings.push(finding(
                "sp-certificate-as-idp-certificate",
                true,
                None,
                format!(
                    "the SP's own certificate {} {place}. The SP's certificate identifies the SP to the IdP \
                     (the IdP checks the SP's signed AuthnRequests with it); the IdP signs its responses with \
                     its own, different key. Remove it from [idp] certificates, trust the IdP's signing \
                     certificates instead, and give the SP's certificate to the IdP in the SP's metadata \
                     (samlguard metadata sp)",
                    describe_cert(sp)
                ),
            ));
        }
        let st = CertificateStatus::new(sp.clone(), None, 0, now);
        findings.push(finding(
            "sp-certificate",
            false,
            None,
            format!(
                "the SP's own certificate {} ({}) is not one of the IdP's: the IdP trusts it to check the \
                 SP's signed AuthnRequests (and may encrypt to it). A notice that \"the SSO certificate\" \
                 expires can mean either one: the SP's certificate is renewed on the SP side ([sp] \
                 certificate and private_key) and reaches the IdP in new SP metadata (samlguard metadata sp); \
                 the IdP's signing certificates above are renewed by the IdP and imported by the SP",
                describe_cert(sp),
                if st.expired {
                    format!("expired on {}", rfc3339(sp.not_after()))
                } else {
                    format!("valid until {}, {}", rfc3339(sp.not_after()), relative(sp.not_after(), now))
                }
            ),
        ));
    }

    // Which entity the trusted certificates are compared with.
    let target: Option<usize> = match check.expected_entity_id {
        Some(expected) => {
            let i = entities.iter().position(|e| e.entity_id == expected.trim());
            cmp.entity_id_matches = Some(i.is_some());
            if i.is_none() {
                let found: Vec<&str> = entities.iter().map(|e| e.entity_id.as_str()).collect();
                let what = if chosen.len() == 1 {
                    format!("the metadata's entity ID is {:?}", found[0])
                } else {
                    format!("the metadata's IdPs are {}", found.join(", "))
                };
                findings.push(finding(
                    "entity-id-mismatch",
                    true,
                    None,
                    format!(
                        "the SP expects the IdP {expected:?} ([idp] entity_id), but {what}. Responses from this \
                         IdP carry its entity ID as Issuer and would be refused (code 24). Either this is \
                         another IdP's metadata (get the right one) or [idp] entity_id is wrong (set it to \
                         the metadata's entity ID). Import/remove advice is withheld until they agree: \
                         trusting another IdP's certificates would let that IdP log users in"
                    ),
                ));
            }
            i
        }
        None if entities.len() == 1 => Some(0),
        None => {
            findings.push(finding(
                "several-idps",
                true,
                None,
                "the trusted certificates can be compared with one IdP only: choose it with --entity"
                    .to_owned(),
            ));
            None
        }
    };
    let Some(t) = target else {
        return cmp;
    };
    let entity = &entities[t];
    cmp.compared_entity = Some(entity.entity_id.clone());
    let eid = Some(entity.entity_id.as_str());
    let published: Vec<&CertificateStatus> = entity.signing.iter().collect();

    for s in &published {
        if s.trusted == Some(true) || s.expired {
            continue;
        }
        let c = &s.certificate;
        let keep_old: Vec<String> = entity
            .signing
            .iter()
            .filter(|o| !o.newest && !o.expired && o.trusted == Some(true))
            .map(|o| format!("{} (until {})", o.certificate.subject(), rfc3339(o.certificate.not_after())))
            .collect();
        let role = if s.newest && !keep_old.is_empty() {
            format!(
                "it is the IdP's newest signing certificate, which the IdP signs with after the switch. Keep \
                 trusting the older {} as well, since the IdP may sign with it until it switches; remove it \
                 once it has expired",
                keep_old.join(" and ")
            )
        } else if s.newest {
            "it is the IdP's newest signing certificate, which the IdP signs with after the switch".to_owned()
        } else if entity.signing.len() == 1 {
            "it is the IdP's only signing certificate: responses are refused (code 23) until it is trusted"
                .to_owned()
        } else {
            "the IdP may sign with it".to_owned()
        };
        let same_key = trusted.iter().find(|t| t.same_public_key(c)).map(|t| {
            format!(
                " (it has the same key as the trusted {}, valid until {}: responses verify today, but import \
                 the renewed certificate before that one expires)",
                t.subject(),
                rfc3339(t.not_after())
            )
        });
        findings.push(finding(
            "import",
            true,
            eid,
            format!(
                "import {}, valid {} to {}, into the SP's trusted IdP certificates ([idp] certificates): {role}{}",
                describe_cert(c),
                rfc3339(c.not_before()),
                rfc3339(c.not_after()),
                same_key.unwrap_or_default()
            ),
        ));
        cmp.import.push(c.clone());
    }
    for c in trusted {
        let in_metadata = published.iter().find(|s| &s.certificate == c);
        let expired = now > c.not_after();
        let reason = if expired {
            RemoveReason::Expired
        } else if in_metadata.is_none() {
            RemoveReason::NotInMetadata
        } else {
            cmp.keep.push(c.clone());
            continue;
        };
        let why = match reason {
            RemoveReason::Expired => format!(
                "it expired on {} ({}), and responses signed with it are refused (code 15)",
                rfc3339(c.not_after()),
                relative(c.not_after(), now)
            ),
            RemoveReason::NotInMetadata => {
                "the IdP no longer publishes it: an SP that keeps trusting it would \
                 accept responses signed with a key the IdP has retired"
                    .to_owned()
            }
        };
        let order = if cmp.import.is_empty() { "" } else { " (import the new certificate first)" };
        findings.push(finding(
            "remove",
            true,
            eid,
            format!("remove {} from the SP's trusted IdP certificates{order}: {why}", describe_cert(c)),
        ));
        cmp.remove.push((c.clone(), reason));
    }
    if cmp.import.is_empty() && cmp.remove.is_empty() {
        let mut detail = format!(
            "the SP trusts every signing certificate the IdP publishes ({}), and no other: nothing to import",
            entity.signing.len()
        );
        if let Some(r) = &entity.rollover {
            for &i in &r.older {
                let c = &entity.signing[i].certificate;
                let _ = write!(
                    detail,
                    "; {} may be removed after it expires on {}",
                    c.subject(),
                    rfc3339(c.not_after())
                );
            }
        }
        findings.push(finding("trust-up-to-date", false, eid, detail));
    }
    cmp
}

// ---------------------------------------------------------------------------------------------
// SP metadata
// ---------------------------------------------------------------------------------------------

const HTTP_POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/// Options of [`sp_metadata`].
///
/// ```
/// let options = samlguard::SpMetadataOptions::new().id("_sp-metadata").encryption_key(false);
/// # let _ = options;
/// ```
#[derive(Clone, Debug, Default)]
pub struct SpMetadataOptions {
    id: Option<String>,
    /// `None`: publish an encryption key exactly when the SP can decrypt.
    encryption_key: Option<bool>,
    valid_until: Option<DateTime<Utc>>,
}

impl SpMetadataOptions {
    /// The defaults: no `ID` (unsigned) or a derived one (signed), the SP certificate published for
    /// signing, and for encryption too when the SP has a decryption key
    /// ([`ServiceProvider::decryption_key`]), no `validUntil`.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the `ID` attribute of the `EntityDescriptor` (the signature's reference). Default when
    /// signing: `_` followed by 40 hex digits of the SHA-256 of the unsigned metadata.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }
    /// Whether the SP certificate is also published with `use="encryption"`. Default: exactly when the
    /// SP has a decryption key (an IdP that finds an encryption key in SP metadata may encrypt its
    /// assertions to it). The `KeyDescriptor` then lists, as `md:EncryptionMethod`s, the algorithms
    /// samlguard decrypts (AES-GCM first, then AES-CBC, then RSA-OAEP key transport) — only when the SP
    /// has a decryption key: `true` without one publishes the bare certificate, for an application that
    /// decrypts assertions itself.
    pub fn encryption_key(mut self, publish: bool) -> Self {
        self.encryption_key = Some(publish);
        self
    }
    /// Sets `validUntil` on the `EntityDescriptor`.
    pub fn valid_until(mut self, until: DateTime<Utc>) -> Self {
        self.valid_until = Some(until);
        self
    }
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// The SP's metadata: an `md:EntityDescriptor` with one `md:SPSSODescriptor`, in the element order of
/// the OASIS metadata schema: `KeyDescriptor use="signing"` and `use="encryption"` (from the SP
/// certificate, when configured; see [`SpMetadataOptions::encryption_key`]), `NameIDFormat` (the allowed formats), and the HTTP-POST
/// `AssertionConsumerService` (index 0, default). `AuthnRequestsSigned` is `true` when the SP has a
/// signing key; `WantAssertionsSigned` follows the SP's setting.
///
/// ```
/// use samlguard::{ServiceProvider, SpMetadataOptions, sp_metadata};
/// let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs")
///     .want_assertions_signed(true)
///     .build()?;
/// let xml = sp_metadata(&sp, &SpMetadataOptions::new());
/// assert!(xml.contains(r#"WantAssertionsSigned="true""#));
/// assert!(xml.contains(r#"Location="https://sp.example.com/saml/acs" index="0" isDefault="true""#));
/// # Ok::<(), samlguard::SsoError>(())
/// ```
pub fn sp_metadata(sp: &ServiceProvider, options: &SpMetadataOptions) -> String {
    render_sp_metadata(sp, options, options.id.as_deref())
}

fn render_sp_metadata(sp: &ServiceProvider, options: &SpMetadataOptions, id: Option<&str>) -> String {
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        x,
        "<md:EntityDescriptor xmlns:md=\"{MD_NS}\" xmlns:ds=\"{DSIG_NS}\" entityID=\"{}\"",
        xml_escape(sp.entity_id())
    );
    if let Some(id) = id {
        let _ = write!(x, " ID=\"{}\"", xml_escape(id));
    }
    if let Some(t) = options.valid_until {
        let _ = write!(x, " validUntil=\"{}\"", rfc3339(t));
    }
    x.push_str(">\n");
    let _ = writeln!(
        x,
        "  <md:SPSSODescriptor AuthnRequestsSigned=\"{}\" WantAssertionsSigned=\"{}\" \
         protocolSupportEnumeration=\"{SAMLP_NS}\">",
        sp.signing_key().is_some(),
        sp.want_assertions_signed()
    );
    if let Some(cert) = sp.certificate() {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(cert.der());
        // What the SP decrypts, when it can: the EncryptionMethods of the encryption KeyDescriptor.
        #[cfg(feature = "encryption")]
        let methods =
            if sp.decryption_key().is_some() { crate::xmlenc::advertised_methods() } else { Vec::new() };
        #[cfg(not(feature = "encryption"))]
        let methods: Vec<&str> = Vec::new();
        let encryption = options.encryption_key.unwrap_or(!methods.is_empty());
        let uses: &[&str] = if encryption { &["signing", "encryption"] } else { &["signing"] };
        for u in uses {
            let _ = write!(
                x,
                "    <md:KeyDescriptor use=\"{u}\">\n      <ds:KeyInfo>\n        <ds:X509Data>\n          \
                 <ds:X509Certificate>{b64}</ds:X509Certificate>\n        </ds:X509Data>\n      </ds:KeyInfo>\n"
            );
            if *u == "encryption" {
                for m in &methods {
                    let _ = writeln!(x, "      <md:EncryptionMethod Algorithm=\"{m}\"/>");
                }
            }
            x.push_str("    </md:KeyDescriptor>\n");
        }
    }
    for f in sp.allowed_name_id_formats() {
        let _ = writeln!(x, "    <md:NameIDFormat>{}</md:NameIDFormat>", xml_escape(f.trim()));
    }
    let _ = writeln!(
        x,
        "    <md:AssertionConsumerService Binding=\"{HTTP_POST}\" Location=\"{}\" index=\"0\" isDefault=\"true\"/>",
        xml_escape(sp.acs_url())
    );
    x.push_str("  </md:SPSSODescriptor>\n</md:EntityDescriptor>\n");
    x
}

/// The SP's metadata (as [`sp_metadata`]) signed with the SP's signing key: an enveloped RSA-SHA256 (or
/// ECDSA) signature with exclusive C14N as the first child of the `EntityDescriptor`, whose `ID` it
/// references, with the SP certificate in `KeyInfo`.
///
/// ```
/// use samlguard::{AlgorithmPolicy, Certificate, Document, ServiceProvider, SigningKey, SpMetadataOptions};
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/metadata/");
/// let cert = Certificate::from_pem(&std::fs::read(format!("{dir}sp.crt"))?)?;
/// let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{dir}sp.key"))?)?;
/// let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs")
///     .certificate(cert.clone())
///     .signing_key(key)
///     .build()?;
/// let signed = samlguard::sp_metadata_signed(&sp, &SpMetadataOptions::new())?;
/// let doc = Document::parse_str(&signed)?;
/// samlguard::verify_document(&doc, &[cert], &AlgorithmPolicy::default())?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sp_metadata_signed(
    sp: &ServiceProvider,
    options: &SpMetadataOptions,
) -> Result<String, MetadataError> {
    let key = sp.signing_key().ok_or_else(|| {
        MetadataError::Signing(
            "the SP has no signing key: set [sp] private_key (PKCS#8 PEM) next to [sp] certificate"
                .to_owned(),
        )
    })?;
    let cert = sp.certificate().ok_or_else(|| {
        MetadataError::Signing(
            "the SP has no certificate: set [sp] certificate to the certificate of the signing key"
                .to_owned(),
        )
    })?;
    let id = match &options.id {
        Some(id) => id.clone(),
        None => {
            let unsigned = render_sp_metadata(sp, options, None);
            let digest = ring::digest::digest(&ring::digest::SHA256, unsigned.as_bytes());
            let hex: String = digest.as_ref().iter().take(20).map(|b| format!("{b:02x}")).collect();
            format!("_{hex}")
        }
    };
    let xml = render_sp_metadata(sp, options, Some(&id));
    let signer = Signer::new(key.clone(), cert.clone()).placement(SignaturePlacement::FirstChild);
    Ok(signer.sign_enveloped(&xml, &id)?)
}
