//! Service-provider and identity-provider configuration: builders with secure defaults, IdP metadata,
//! and (with the `config` feature) the TOML file of SPEC §4.
//!
//! Every configuration problem is reported as code 9 with the file and the reason.

use std::time::Duration;

use crate::cert::{Certificate, load_certificates};
use crate::dsig::AlgorithmPolicy;
use crate::error::{Detail, ErrorCode, SsoError, Stage};
use crate::xml::{Document, ParseOptions};

pub(crate) const SAML_NS: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
pub(crate) const SAMLP_NS: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
pub(crate) const MD_NS: &str = "urn:oasis:names:tc:SAML:2.0:metadata";

/// The NameID format that an absent `Format` attribute means.
pub const NAMEID_UNSPECIFIED: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

fn config_error(found: impl Into<String>, fix: impl Into<String>) -> SsoError {
    SsoError::new(ErrorCode::ConfigurationError, Detail::new(Stage::Config, found).fix(fix))
}

/// The service provider (this application): who it is and what it accepts.
///
/// ```
/// use samlguard::ServiceProvider;
/// let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs")
///     .site_url("https://sp.example.com")
///     .allowed_name_id_format("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress")
///     .required_attributes(["email"])
///     .build()?;
/// assert_eq!(sp.clock_skew().as_secs(), 180);
/// assert!(!sp.want_assertions_signed());
/// # Ok::<(), samlguard::SsoError>(())
/// ```
#[derive(Clone, Debug)]
pub struct ServiceProvider {
    entity_id: String,
    acs_url: String,
    site_url: Option<String>,
    sso_enabled: bool,
    allowed_name_id_formats: Vec<String>,
    required_attributes: Vec<String>,
    clock_skew: Duration,
    want_assertions_signed: bool,
    allow_idp_initiated: bool,
    enforce_certificate_validity: bool,
    max_response_bytes: usize,
    parse_options: ParseOptions,
    algorithms: AlgorithmPolicy,
    certificate: Option<Certificate>,
}

/// Builds a [`ServiceProvider`]. Defaults: SSO enabled, any NameID format, no required attributes,
/// 180 s clock skew, assertion signature not required (a signed Response suffices), IdP-initiated
/// login accepted, certificate validity enforced, 1 MiB responses, SHA-1 refused.
#[derive(Clone, Debug)]
pub struct ServiceProviderBuilder {
    sp: ServiceProvider,
}

impl ServiceProvider {
    /// Starts a builder with the SP entity ID and the Assertion Consumer Service URL.
    pub fn builder(entity_id: impl Into<String>, acs_url: impl Into<String>) -> ServiceProviderBuilder {
        ServiceProviderBuilder {
            sp: ServiceProvider {
                entity_id: entity_id.into(),
                acs_url: acs_url.into(),
                site_url: None,
                sso_enabled: true,
                allowed_name_id_formats: Vec::new(),
                required_attributes: Vec::new(),
                clock_skew: Duration::from_secs(180),
                want_assertions_signed: false,
                allow_idp_initiated: true,
                enforce_certificate_validity: true,
                max_response_bytes: 1024 * 1024,
                parse_options: ParseOptions::default(),
                algorithms: AlgorithmPolicy::default(),
                certificate: None,
            },
        }
    }
    /// The SP entity ID (the Audience the SP expects).
    pub fn entity_id(&self) -> &str {
        &self.entity_id
    }
    /// The Assertion Consumer Service URL (the Destination and Recipient the SP expects).
    pub fn acs_url(&self) -> &str {
        &self.acs_url
    }
    /// The site URL a NameQualifier must equal, if set.
    pub fn site_url(&self) -> Option<&str> {
        self.site_url.as_deref()
    }
    /// Whether SSO is enabled for this site.
    pub fn sso_enabled(&self) -> bool {
        self.sso_enabled
    }
    /// The NameID formats accepted (empty: any).
    pub fn allowed_name_id_formats(&self) -> &[String] {
        &self.allowed_name_id_formats
    }
    /// The attributes that must be present and non-empty.
    pub fn required_attributes(&self) -> &[String] {
        &self.required_attributes
    }
    /// The clock skew allowed on every time check.
    pub fn clock_skew(&self) -> Duration {
        self.clock_skew
    }
    /// Whether the assertion must carry its own signature.
    pub fn want_assertions_signed(&self) -> bool {
        self.want_assertions_signed
    }
    /// Whether responses without InResponseTo are accepted.
    pub fn allow_idp_initiated(&self) -> bool {
        self.allow_idp_initiated
    }
    /// Whether an expired or not-yet-valid signing certificate is refused (15).
    pub fn enforce_certificate_validity(&self) -> bool {
        self.enforce_certificate_validity
    }
    /// The largest decoded response accepted, in bytes.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }
    /// The XML parser limits.
    pub fn parse_options(&self) -> &ParseOptions {
        &self.parse_options
    }
    /// The signature algorithm policy.
    pub fn algorithms(&self) -> &AlgorithmPolicy {
        &self.algorithms
    }
    /// The SP's own certificate (for metadata), if configured.
    pub fn certificate(&self) -> Option<&Certificate> {
        self.certificate.as_ref()
    }
}

impl ServiceProviderBuilder {
    /// The site URL that a `NameQualifier`, when present, must equal.
    pub fn site_url(mut self, url: impl Into<String>) -> Self {
        self.sp.site_url = Some(url.into());
        self
    }
    /// Enables or disables SSO for the site (disabled: every message gets code 7).
    pub fn sso_enabled(mut self, enabled: bool) -> Self {
        self.sp.sso_enabled = enabled;
        self
    }
    /// Adds an accepted NameID format (none added: any format is accepted).
    pub fn allowed_name_id_format(mut self, format: impl Into<String>) -> Self {
        self.sp.allowed_name_id_formats.push(format.into());
        self
    }
    /// Sets the attributes that must be present and non-empty.
    pub fn required_attributes<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.sp.required_attributes = names.into_iter().map(Into::into).collect();
        self
    }
    /// Sets the clock skew allowed on every time check.
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.sp.clock_skew = skew;
        self
    }
    /// Requires the assertion's own signature (a signed Response alone is then not enough).
    pub fn want_assertions_signed(mut self, want: bool) -> Self {
        self.sp.want_assertions_signed = want;
        self
    }
    /// Accepts or refuses IdP-initiated (unsolicited) responses.
    pub fn allow_idp_initiated(mut self, allow: bool) -> Self {
        self.sp.allow_idp_initiated = allow;
        self
    }
    /// Enforces (default) or ignores the validity window of the IdP signing certificate.
    pub fn enforce_certificate_validity(mut self, enforce: bool) -> Self {
        self.sp.enforce_certificate_validity = enforce;
        self
    }
    /// Sets the largest decoded response accepted.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.sp.max_response_bytes = bytes;
        self
    }
    /// Sets the XML parser limits.
    pub fn parse_options(mut self, options: ParseOptions) -> Self {
        self.sp.parse_options = options;
        self
    }
    /// Sets the signature algorithm policy (see [`AlgorithmPolicy::legacy_allow_sha1`]).
    pub fn algorithms(mut self, policy: AlgorithmPolicy) -> Self {
        self.sp.algorithms = policy;
        self
    }
    /// Sets the SP's own certificate, published in its metadata.
    pub fn certificate(mut self, certificate: Certificate) -> Self {
        self.sp.certificate = Some(certificate);
        self
    }
    /// Checks the configuration: an empty entity ID or ACS URL, or an ACS URL that is not an absolute
    /// http(s) URL, is code 9.
    pub fn build(self) -> Result<ServiceProvider, SsoError> {
        let sp = self.sp;
        if sp.entity_id.trim().is_empty() {
            return Err(config_error("[sp] entity_id is empty", "set entity_id to the SP's entity ID"));
        }
        if !(sp.acs_url.starts_with("https://") || sp.acs_url.starts_with("http://")) {
            return Err(config_error(
                format!("[sp] acs_url {:?} is not an absolute http(s) URL", sp.acs_url),
                "set acs_url to the full Assertion Consumer Service URL the IdP posts to",
            ));
        }
        if sp.max_response_bytes == 0 {
            return Err(config_error("[sp] max_response_bytes is 0", "use a limit such as 1048576"));
        }
        Ok(sp)
    }
}

/// An endpoint from metadata: binding URI and location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The binding URI (e.g. `urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect`).
    pub binding: String,
    /// The URL.
    pub location: String,
}

/// The identity provider: its entity ID and the certificates trusted to sign for it (several during a
/// certificate rollover).
///
/// ```
/// use samlguard::{Certificate, IdentityProvider};
/// let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.crt")).unwrap();
/// let idp = IdentityProvider::builder("https://idp.example.com/metadata")
///     .certificate(Certificate::from_pem(&pem)?)
///     .build();
/// assert_eq!(idp.certificates().len(), 1);
/// # Ok::<(), samlguard::CertError>(())
/// ```
#[derive(Clone, Debug)]
pub struct IdentityProvider {
    entity_id: String,
    certificates: Vec<Certificate>,
    sso: Vec<Endpoint>,
    slo: Vec<Endpoint>,
    name_id_formats: Vec<String>,
}

/// Builds an [`IdentityProvider`].
#[derive(Clone, Debug)]
pub struct IdentityProviderBuilder {
    idp: IdentityProvider,
}

impl IdentityProviderBuilder {
    /// Trusts a signing certificate.
    pub fn certificate(mut self, certificate: Certificate) -> Self {
        self.idp.certificates.push(certificate);
        self
    }
    /// Trusts several signing certificates.
    pub fn certificates(mut self, certificates: impl IntoIterator<Item = Certificate>) -> Self {
        self.idp.certificates.extend(certificates);
        self
    }
    /// Adds a single sign-on endpoint.
    pub fn sso_endpoint(mut self, binding: impl Into<String>, location: impl Into<String>) -> Self {
        self.idp.sso.push(Endpoint { binding: binding.into(), location: location.into() });
        self
    }
    /// The identity provider. One without certificates can be built, and every message validated
    /// against it gets code 4: the signature check is never skipped.
    pub fn build(self) -> IdentityProvider {
        self.idp
    }
}

impl IdentityProvider {
    /// Starts a builder with the IdP entity ID.
    pub fn builder(entity_id: impl Into<String>) -> IdentityProviderBuilder {
        IdentityProviderBuilder {
            idp: IdentityProvider {
                entity_id: entity_id.into(),
                certificates: Vec::new(),
                sso: Vec::new(),
                slo: Vec::new(),
                name_id_formats: Vec::new(),
            },
        }
    }

    /// Reads an IdP from SAML metadata: the `EntityDescriptor` (or the first one with an
    /// `IDPSSODescriptor` inside an `EntitiesDescriptor`), its signing certificates (`KeyDescriptor`
    /// with `use="signing"` or no `use`), SSO and SLO endpoints and NameID formats.
    ///
    /// ```
    /// let xml = r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp">
    ///   <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    ///     <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp/sso"/>
    ///   </md:IDPSSODescriptor></md:EntityDescriptor>"#;
    /// let idp = samlguard::IdentityProvider::from_metadata(xml.as_bytes()).unwrap();
    /// assert_eq!(idp.entity_id(), "https://idp");
    /// assert_eq!(idp.sso_endpoints()[0].location, "https://idp/sso");
    /// ```
    pub fn from_metadata(xml: &[u8]) -> Result<IdentityProvider, SsoError> {
        let doc = Document::parse(xml).map_err(|e| {
            config_error(
                format!("IdP metadata is not acceptable XML: {e}"),
                "fix or re-download the metadata",
            )
        })?;
        let root = doc.root_element();
        let entity = if root.is(MD_NS, "EntityDescriptor") {
            Some(root)
        } else if root.is(MD_NS, "EntitiesDescriptor") {
            root.descendants().find(|e| {
                e.is(MD_NS, "EntityDescriptor") && e.child_named(MD_NS, "IDPSSODescriptor").is_some()
            })
        } else {
            None
        };
        let entity = entity.ok_or_else(|| {
            config_error(
                format!("metadata root is <{}>, not an md:EntityDescriptor", root.qualified_name()),
                "use the IdP's SAML 2.0 metadata document",
            )
        })?;
        let entity_id = entity.attribute("entityID").map(str::trim).unwrap_or("");
        if entity_id.is_empty() {
            return Err(config_error(
                "metadata EntityDescriptor has no entityID",
                "use the IdP's complete metadata",
            ));
        }
        let idpsso = entity.child_named(MD_NS, "IDPSSODescriptor").ok_or_else(|| {
            config_error(
                format!("metadata for {entity_id} has no IDPSSODescriptor"),
                "this is not identity-provider metadata (SP metadata?)",
            )
        })?;
        let mut idp = IdentityProvider::builder(entity_id).build();
        for kd in idpsso.children_named(MD_NS, "KeyDescriptor") {
            if !matches!(kd.attribute("use"), None | Some("signing")) {
                continue;
            }
            for xc in kd.descendants().filter(|e| e.is(crate::dsig::DSIG_NS, "X509Certificate")) {
                let cert = Certificate::from_base64(&xc.text()).map_err(|e| {
                    let (line, _) = xc.position();
                    config_error(
                        format!("metadata KeyDescriptor certificate at line {line} is unreadable: {e}"),
                        "re-download the IdP metadata",
                    )
                })?;
                if !idp.certificates.contains(&cert) {
                    idp.certificates.push(cert);
                }
            }
        }
        let endpoints = |name: &str| -> Vec<Endpoint> {
            idpsso
                .children_named(MD_NS, name)
                .filter_map(|e| {
                    Some(Endpoint {
                        binding: e.attribute("Binding")?.to_string(),
                        location: e.attribute("Location")?.to_string(),
                    })
                })
                .collect()
        };
        idp.sso = endpoints("SingleSignOnService");
        idp.slo = endpoints("SingleLogoutService");
        idp.name_id_formats =
            idpsso.children_named(MD_NS, "NameIDFormat").map(|e| e.text().trim().to_string()).collect();
        Ok(idp)
    }

    /// The IdP entity ID (the Issuer the SP expects).
    pub fn entity_id(&self) -> &str {
        &self.entity_id
    }
    /// The trusted signing certificates.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }
    /// Single sign-on endpoints from metadata.
    pub fn sso_endpoints(&self) -> &[Endpoint] {
        &self.sso
    }
    /// Single logout endpoints from metadata.
    pub fn slo_endpoints(&self) -> &[Endpoint] {
        &self.slo
    }
    /// NameID formats the IdP declares.
    pub fn name_id_formats(&self) -> &[String] {
        &self.name_id_formats
    }
}

/// Reads certificates from a file for the configuration: unreadable or empty → code 9.
pub(crate) fn certificates_from_file(path: &std::path::Path) -> Result<Vec<Certificate>, SsoError> {
    let bytes = std::fs::read(path).map_err(|e| {
        config_error(
            format!("certificate file {} cannot be read: {e}", path.display()),
            "check the path in [idp] certificates",
        )
    })?;
    load_certificates(&bytes).map_err(|e| {
        config_error(
            format!("certificate file {} is not a PEM or DER certificate: {e}", path.display()),
            "export the IdP signing certificate as PEM (Base-64 encoded X.509)",
        )
    })
}
