//! samlguard: a pure-Rust SAML 2.0 service-provider validator.
//!
//! The foundation layers are public so that administrators and security engineers can use them on
//! their own: a secure XML reader ([`Document`]), canonicalization ([`canonicalize`]) and XML-DSig
//! verification and signing ([`verify_signature`], [`Signer::sign_enveloped`]).
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

mod accounts;
mod c14n;
mod cert;
mod config;
#[cfg(feature = "config")]
mod config_file;
mod dsig;
mod error;
mod stores;
#[cfg(feature = "testkit")]
pub mod testkit;
mod validate;
mod xml;

pub use accounts::{Account, AccountError, AccountPolicy, AccountStatus, AccountStore, InMemoryAccounts};
pub use c14n::{C14nAlgorithm, C14nError, NodeSet, Subtree, canonicalize};
pub use cert::{CertError, Certificate, KeyError, PublicKey, SignatureScheme, SigningKey, load_certificates};
pub use config::{
    Endpoint, IdentityProvider, IdentityProviderBuilder, NAMEID_UNSPECIFIED, ServiceProvider,
    ServiceProviderBuilder,
};
#[cfg(feature = "config")]
pub use config_file::Config;
pub use dsig::{
    AlgorithmPolicy, DSIG_NS, DigestAlgorithm, DsigError, DsigErrorKind, SignError, SignatureAlgorithm,
    SignaturePlacement, Signer, UntrustedKeyInfo, VerifiedSignature, find_signatures, verify_document,
    verify_signature,
};
pub use error::{Detail, ErrorCode, SsoError, Stage};
pub use stores::{InMemoryReplayCache, InMemoryRequestStore, ReplayCache, RequestStore, StoreError};
pub use validate::{Login, NameId, SamlAttribute, SsoRequest, Validator, ValidatorBuilder};
pub use xml::{
    Attribute, Children, DEPTH_CEILING, Document, Element, NamespaceDecl, Node, NodeId, NodeKind,
    ParseOptions, XML_NS, XMLNS_NS, XmlError, XmlErrorKind,
};
