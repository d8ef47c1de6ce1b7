//! samlguard: a pure-Rust SAML 2.0 service-provider validator that says why a login failed.
//!
//! # The pipeline
//!
//! A SAML Response passes through three layers. Each is public and usable on its own.
//!
//! 1. **[`Document`]**: a secure XML reader. The message is parsed once into a read-only tree.
//!    DTDs, entities other than the five predefined ones, encodings other than UTF-8, duplicate
//!    attributes and unbound prefixes are refused, and every size is bounded by [`ParseOptions`].
//! 2. **[`verify_document`] / [`verify_signature`]**: XML-DSig restricted to the profile SAML uses
//!    (one reference by ID to one element, enveloped-signature plus one canonicalization), checked
//!    on that same tree against the trusted certificates only. A certificate in `KeyInfo` is
//!    reported, never trusted. The same machinery produces canonical bytes ([`canonicalize`]) and
//!    enveloped signatures ([`Signer`]).
//! 3. **[`Validator`]**: the SAML rules. Values are read only from the element a verified signature
//!    covers. The checks run in a fixed order, and the first failure becomes an [`SsoError`]: one of
//!    the 32 [`ErrorCode`]s, plus a [`Detail`] giving what was found, what was expected and the
//!    likely fix. A success is a [`Login`].
//!
//! ```
//! use samlguard::{ErrorCode, IdentityProvider, ServiceProvider, SsoRequest, Validator, load_certificates};
//!
//! let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
//! // Once, at start-up: who the SP is, and which certificates the IdP signs with.
//! let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs")
//!     .want_assertions_signed(true) // the demo IdP signs the assertion too
//!     .required_attributes(["email"])
//!     .build()?;
//! let idp = IdentityProvider::builder("http://www.okta.com/exk8d2f4h6j8l0n2p4r6")
//!     .certificates(load_certificates(&std::fs::read(format!("{demo}idp-signing.pem"))?)?)
//!     .build();
//! let validator = Validator::builder(sp, idp).build(); // share it across requests
//!
//! // In the Assertion Consumer Service: the posted SAMLResponse, judged at a given time.
//! let now = "2030-01-01T12:00:30Z".parse()?;
//! let accepted = std::fs::read_to_string(format!("{demo}response-accepted.b64"))?;
//! let login = validator.validate(&SsoRequest::saml_response(accepted.trim(), now))?;
//! assert_eq!(login.name_id.value, "alice@example.com");
//! assert_eq!(login.attribute("email"), Some(&["alice@example.com".to_string()][..]));
//!
//! // The same response signed with the IdP's new key, which the SP does not trust yet.
//! let rolled = std::fs::read_to_string(format!("{demo}response-rejected.b64"))?;
//! let err = validator.validate(&SsoRequest::saml_response(rolled.trim(), now)).unwrap_err();
//! assert_eq!(err.code(), ErrorCode::IncorrectCertificate); // 8
//! assert!(err.detail().found.contains("rolled its signing certificate")); // for the administrator
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The lower layers on their own: verify a signature, then read values from the signed element only.
//!
//! ```
//! use samlguard::{AlgorithmPolicy, C14nAlgorithm, Document, Subtree, canonicalize, load_certificates};
//! use samlguard::verify_document;
//!
//! let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
//! let trusted = load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?; // PEM or DER
//! let doc = Document::parse(&std::fs::read(format!("{demo}signed-response.xml"))?)?;
//! let verified = verify_document(&doc, &trusted, &AlgorithmPolicy::default())?;
//! let response = verified.signed_element();
//! let name_id = response.descendants().find(|e| e.local_name() == "NameID").unwrap();
//! assert_eq!(name_id.text(), "alice@example.com");
//! let canonical = canonicalize(&doc, &Subtree::element(response), C14nAlgorithm::Exclusive, &[])?;
//! assert!(canonical.starts_with(b"<samlp:Response"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Security defaults
//!
//! - An unsigned message is never accepted. A signed Response or a signed assertion is required,
//!   and [`ServiceProviderBuilder::want_assertions_signed`] can require the assertion's own signature.
//! - SHA-1 digests and RSA-SHA1 signatures are refused unless the explicitly named
//!   [`AlgorithmPolicy::legacy_allow_sha1`] is chosen. RSA keys under 2048 bits are refused.
//! - The signing certificate's validity period is enforced (code 15), the clock skew is 180 s, and
//!   decoded responses are limited to 1 MiB.
//! - Each assertion is accepted once. There is an in-memory replay cache by default; share one
//!   cache across instances with [`ValidatorBuilder::replay_cache`].
//! - Nothing reads the clock: every [`SsoRequest`] carries the time to judge it at.
//! - No `unsafe` code and no C libraries: quick-xml parses, ring verifies, x509-parser reads
//!   certificates. The one exception is the `encryption` feature: RSA decryption must be constant-time,
//!   so encrypted assertions are decrypted by AWS-LC through aws-lc-rs ([`DecryptionKey`]).
//! - Encrypted assertions: the Response signature is checked before anything is decrypted, every
//!   decryption failure is the same code 13 with the same detail (no decryption oracle), RSA-OAEP only
//!   (RSA PKCS#1 v1.5 key transport is refused), and the decrypted assertion goes through the full
//!   validation.
//!
//! # Feature flags
//!
//! - `cli` (default): the `samlguard` command-line tool. It enables `config`, `doctor` and `artifact`.
//! - `artifact` (on with `cli`, off for the library alone): the HTTP-Artifact binding. A `SAMLart` is
//!   resolved by a signed SOAP `ArtifactResolve` to the IdP's ArtifactResolutionService over HTTP(S)
//!   (ureq with rustls and ring, no OpenSSL), only when [`ValidatorBuilder::artifact_resolution`] was
//!   called (CLI: `--allow-network`); otherwise a `SAMLart` is code 12. Unreachable service → 11, a wrong
//!   answer → 12, and the Response it carries is validated like a posted one.
//! - `config` (default): `Config`, which loads the TOML configuration file the CLI reads
//!   (`Config::from_file(path)?.validator()`).
//! - `doctor` (default): the certificate doctor behind `samlguard cert check` (PKCS#12, encrypted
//!   and legacy private keys, chain findings).
//! - `encryption` (default): decryption of `EncryptedAssertion`, `EncryptedID` and `EncryptedAttribute`
//!   with the SP's RSA key ([`ServiceProviderBuilder::decryption_key`], or `[sp] private_key` in the
//!   configuration file): RSA-OAEP key transport, AES-GCM and AES-CBC content, by AWS-LC (aws-lc-rs).
//!   Without it, an encrypted assertion is refused with code 13.
//! - `testkit`: the `samlguard::testkit` module, which builds realistic signed responses shaped
//!   like those of ADFS, Entra ID, Okta and Shibboleth, for unit tests of an SSO configuration.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

mod accounts;
#[cfg(feature = "artifact")]
mod artifact;
mod authn_request;
mod binding;
mod c14n;
mod cert;
mod config;
#[cfg(feature = "config")]
mod config_file;
#[cfg(feature = "doctor")]
mod doctor;
mod dsig;
mod error;
#[cfg(feature = "doctor")]
mod keyfile;
mod logout;
mod metadata;
mod stores;
#[cfg(feature = "testkit")]
pub mod testkit;
mod validate;
mod xml;
#[cfg(feature = "encryption")]
mod xmlenc;

pub use accounts::{Account, AccountError, AccountPolicy, AccountStatus, AccountStore, InMemoryAccounts};
#[cfg(feature = "artifact")]
pub use artifact::{ARTIFACT_TYPE_CODE, encode_artifact};
pub use authn_request::{AuthnContextComparison, AuthnRequestBuilder, NameIdPolicy, RequestedAuthnContext};
pub use binding::{
    BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, Binding, BindingError, MAX_RELAY_STATE_BYTES, OutboundMessage,
    QuerySignature, RedirectQuery, SamlParameter, deflate_base64, inflate_base64, post_form, redirect_query,
};
pub use c14n::{C14nAlgorithm, C14nError, NodeSet, Subtree, canonicalize};
pub use cert::{CertError, Certificate, KeyError, PublicKey, SignatureScheme, SigningKey, load_certificates};
pub use config::{
    Endpoint, IdentityProvider, IdentityProviderBuilder, IndexedEndpoint, NAMEID_UNSPECIFIED,
    ServiceProvider, ServiceProviderBuilder,
};
#[cfg(feature = "config")]
pub use config_file::Config;
#[cfg(feature = "doctor")]
pub use doctor::{CheckOptions, Finding, FindingId, Purpose, Report, Severity, check, check_file};
pub use dsig::{
    AlgorithmPolicy, DSIG_NS, DigestAlgorithm, DsigError, DsigErrorKind, SignError, SignatureAlgorithm,
    SignaturePlacement, Signer, UntrustedKeyInfo, VerifiedSignature, find_signatures, verify_document,
    verify_signature,
};
pub use error::{Detail, ErrorCode, SsoError, Stage};
#[cfg(feature = "doctor")]
pub use keyfile::{
    Container, KeyFile, KeyFileError, KeyFormat, LoadedKey, SUPPORTED_KEY_FORMATS, StrayPlace,
};
pub use logout::{
    LogoutMessage, LogoutRequestBuilder, LogoutValidator, LogoutValidatorBuilder, VerifiedLogoutRequest,
    VerifiedLogoutResponse,
};
pub use metadata::{
    CertificateStatus, DEFAULT_EXPIRES_SOON_DAYS, IdpEntityReport, IdpMetadataCheck, IdpMetadataReport,
    MetadataError, MetadataFinding, MetadataRoot, MetadataSignature, RemoveReason, Rollover,
    SpMetadataOptions, TrustComparison, inspect_idp_metadata, sp_metadata, sp_metadata_signed,
};
pub use stores::{InMemoryReplayCache, InMemoryRequestStore, ReplayCache, RequestStore, StoreError};
pub use validate::{Login, NameId, SamlAttribute, SsoRequest, Validator, ValidatorBuilder};
pub use xml::{
    Attribute, Children, DEPTH_CEILING, Document, Element, NamespaceDecl, Node, NodeId, NodeKind,
    ParseOptions, XML_NS, XMLNS_NS, XmlError, XmlErrorKind,
};
#[cfg(feature = "encryption")]
pub use xmlenc::{DecryptionError, DecryptionKey, decrypt_element};
