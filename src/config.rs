//! Service-provider and identity-provider configuration: builders with secure defaults, IdP metadata,
//! and (with the `config` feature) the TOML file of SPEC §4.
//!
//! Every configuration problem is reported as code 9 with the file and the reason.

use std::time::Duration;

use crate::cert::{Certificate, SigningKey};
use crate::dsig::AlgorithmPolicy;
use crate::error::{Detail, ErrorCode, SsoError, Stage};
use crate::xml::{Document, ParseOptions};

pub(crate) const SAML_NS: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
pub(crate) const SAMLP_NS: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
pub(crate) const MD_NS: &str = "urn:oasis:names:tc:SAML:2.0:metadata";

/// The NameID format that an absent `Format` attribute means.
///
/// ```
/// use samlguard::{NAMEID_UNSPECIFIED, ServiceProvider};
/// // Accept NameIDs written without a Format as well as email addresses.
/// let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs")
///     .allowed_name_id_format("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress")
///     .allowed_name_id_format(NAMEID_UNSPECIFIED)
///     .build()?;
/// assert!(sp.allowed_name_id_formats().iter().any(|f| f == NAMEID_UNSPECIFIED));
/// # Ok::<(), samlguard::SsoError>(())
/// ```
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
    signing_key: Option<SigningKey>,
    slo_url: Option<String>,
    #[cfg(feature = "encryption")]
    decryption_key: Option<crate::xmlenc::DecryptionKey>,
}

/// Builds a [`ServiceProvider`]. Defaults: SSO enabled, any NameID format, no required attributes,
/// 180 s clock skew, assertion signature not required (a signed Response suffices), IdP-initiated
/// login accepted, certificate validity enforced, 1 MiB responses, SHA-1 refused.
///
/// ```
/// use samlguard::{ErrorCode, ServiceProvider};
/// // The ACS URL must be the absolute URL the IdP posts to.
/// let builder = ServiceProvider::builder("https://sp.example.com/saml/metadata", "/saml/acs");
/// let err = builder.build().unwrap_err();
/// assert_eq!(err.code(), ErrorCode::ConfigurationError);
/// assert!(err.detail().found.contains("not an absolute http(s) URL"));
/// ```
#[derive(Clone, Debug)]
pub struct ServiceProviderBuilder {
    sp: ServiceProvider,
}

impl ServiceProvider {
    /// Starts a builder with the SP entity ID and the Assertion Consumer Service URL.
    ///
    /// ```
    /// use samlguard::ServiceProvider;
    /// let entity_id = "https://sp.example.com/saml/metadata"; // the Audience the IdP writes
    /// let sp = ServiceProvider::builder(entity_id, "https://sp.example.com/saml/acs").build()?;
    /// assert_eq!(sp.acs_url(), "https://sp.example.com/saml/acs");
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
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
                signing_key: None,
                slo_url: None,
                #[cfg(feature = "encryption")]
                decryption_key: None,
            },
        }
    }
    /// The SP entity ID (the Audience the SP expects).
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.build()?;
    /// assert_eq!(sp.entity_id(), "https://sp.example.com/saml/metadata");
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn entity_id(&self) -> &str {
        &self.entity_id
    }
    /// The Assertion Consumer Service URL (the Destination and Recipient the SP expects).
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.build()?;
    /// assert_eq!(sp.acs_url(), "https://sp.example.com/saml/acs");
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn acs_url(&self) -> &str {
        &self.acs_url
    }
    /// The site URL a NameQualifier must equal, if set.
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.build()?;
    /// assert_eq!(sp.site_url(), None); // NameQualifier not checked
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn site_url(&self) -> Option<&str> {
        self.site_url.as_deref()
    }
    /// Whether SSO is enabled for this site.
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.build()?;
    /// assert!(sp.sso_enabled());
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn sso_enabled(&self) -> bool {
        self.sso_enabled
    }
    /// The NameID formats accepted (empty: any).
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.build()?;
    /// assert!(sp.allowed_name_id_formats().is_empty()); // any format
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn allowed_name_id_formats(&self) -> &[String] {
        &self.allowed_name_id_formats
    }
    /// The attributes that must be present and non-empty.
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.build()?;
    /// assert!(sp.required_attributes().is_empty());
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn required_attributes(&self) -> &[String] {
        &self.required_attributes
    }
    /// The clock skew allowed on every time check.
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.build()?;
    /// assert_eq!(sp.clock_skew(), std::time::Duration::from_secs(180));
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn clock_skew(&self) -> Duration {
        self.clock_skew
    }
    /// Whether the assertion must carry its own signature.
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.build()?;
    /// assert!(!sp.want_assertions_signed()); // a signed Response suffices
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn want_assertions_signed(&self) -> bool {
        self.want_assertions_signed
    }
    /// Whether responses without InResponseTo are accepted.
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.build()?;
    /// assert!(sp.allow_idp_initiated());
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn allow_idp_initiated(&self) -> bool {
        self.allow_idp_initiated
    }
    /// Whether an expired or not-yet-valid signing certificate is refused (15).
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.build()?;
    /// assert!(sp.enforce_certificate_validity());
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn enforce_certificate_validity(&self) -> bool {
        self.enforce_certificate_validity
    }
    /// The largest decoded response accepted, in bytes.
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.build()?;
    /// assert_eq!(sp.max_response_bytes(), 1024 * 1024);
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }
    /// The XML parser limits.
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.build()?;
    /// assert_eq!(sp.parse_options(), &samlguard::ParseOptions::default());
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn parse_options(&self) -> &ParseOptions {
        &self.parse_options
    }
    /// The signature algorithm policy.
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.build()?;
    /// assert!(!sp.algorithms().allows_sha1());
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn algorithms(&self) -> &AlgorithmPolicy {
        &self.algorithms
    }
    /// The SP's own certificate (for metadata), if configured.
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.build()?;
    /// assert!(sp.certificate().is_none());
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn certificate(&self) -> Option<&Certificate> {
        self.certificate.as_ref()
    }
    /// The SP's signing key (`[sp] private_key`), if configured: it signs the SP's metadata, and the
    /// metadata then declares `AuthnRequestsSigned="true"` (the SP signs its AuthnRequests with it). Its
    /// certificate is [`ServiceProvider::certificate`].
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.build()?;
    /// assert!(sp.signing_key().is_none()); // its metadata says AuthnRequestsSigned="false"
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn signing_key(&self) -> Option<&SigningKey> {
        self.signing_key.as_ref()
    }
    /// The SP's Single Logout URL (`[sp] slo_url`), if configured: the `Destination` an incoming
    /// LogoutRequest or LogoutResponse must carry.
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.slo_url("https://sp.example.com/saml/slo").build()?;
    /// assert_eq!(sp.slo_url(), Some("https://sp.example.com/saml/slo"));
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn slo_url(&self) -> Option<&str> {
        self.slo_url.as_deref()
    }
    /// The SP's decryption key, if configured: encrypted assertions, NameIDs and attributes are
    /// decrypted with it, and the SP metadata then publishes the SP certificate with `use="encryption"`.
    /// The configuration file sets it from `[sp] private_key` when that key is RSA.
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.build()?;
    /// assert!(sp.decryption_key().is_none()); // an EncryptedAssertion is then code 13
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    #[cfg(feature = "encryption")]
    pub fn decryption_key(&self) -> Option<&crate::xmlenc::DecryptionKey> {
        self.decryption_key.as_ref()
    }
}

impl ServiceProviderBuilder {
    /// The site URL that a `NameQualifier`, when present, must equal.
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.site_url("https://sp.example.com").build()?;
    /// assert_eq!(sp.site_url(), Some("https://sp.example.com"));
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn site_url(mut self, url: impl Into<String>) -> Self {
        self.sp.site_url = Some(url.into());
        self
    }
    /// The SP's Single Logout URL: incoming logout messages must be addressed (`Destination`) to it.
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.slo_url("https://sp.example.com/saml/slo").build()?;
    /// assert!(sp.slo_url().is_some());
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn slo_url(mut self, url: impl Into<String>) -> Self {
        self.sp.slo_url = Some(url.into());
        self
    }
    /// The RSA key that decrypts what the IdP encrypts to the SP (EncryptedAssertion, EncryptedID,
    /// EncryptedAttribute). When the SP certificate is configured, the key must belong to it (it is the
    /// certificate the SP metadata publishes for encryption): code 9 otherwise.
    ///
    /// ```
    /// use samlguard::{Certificate, DecryptionKey, ErrorCode, ServiceProvider};
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/xmlenc/");
    /// let key = DecryptionKey::from_pem(&std::fs::read(format!("{dir}sp.key"))?)?;
    /// let builder = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs");
    /// let sp = builder.clone().decryption_key(key.clone()).build()?;
    /// assert!(sp.decryption_key().is_some());
    /// // The certificate of another key pair is refused.
    /// let other = Certificate::from_pem(&std::fs::read(format!("{dir}other.crt"))?)?;
    /// let err = builder.certificate(other).decryption_key(key).build().unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::ConfigurationError); // 9
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "encryption")]
    pub fn decryption_key(mut self, key: crate::xmlenc::DecryptionKey) -> Self {
        self.sp.decryption_key = Some(key);
        self
    }
    /// Enables or disables SSO for the site (disabled: every message gets code 7).
    ///
    /// ```
    /// # use samlguard::*;
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
    /// #     .build();
    /// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
    /// # let now = "2026-03-02T09:15:00Z".parse()?;
    /// # let request = SsoRequest::xml(&xml, now).request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
    /// # let builder = ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let validator = Validator::builder(builder.sso_enabled(false).build()?, idp).build();
    /// assert_eq!(validator.validate(&request).unwrap_err().code(), ErrorCode::SsoNotAllowed); // 7
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sso_enabled(mut self, enabled: bool) -> Self {
        self.sp.sso_enabled = enabled;
        self
    }
    /// Adds an accepted NameID format (none added: any format is accepted).
    ///
    /// ```
    /// # use samlguard::*;
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
    /// #     .build();
    /// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
    /// # let now = "2026-03-02T09:15:00Z".parse()?;
    /// # let request = SsoRequest::xml(&xml, now).request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
    /// # let builder = ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// // The demo response's NameID is an email address.
    /// let persistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
    /// let sp = builder.allowed_name_id_format(persistent).build()?;
    /// let err = Validator::builder(sp, idp).build().validate(&request).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::NameIdFormatIncorrect); // 25
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allowed_name_id_format(mut self, format: impl Into<String>) -> Self {
        self.sp.allowed_name_id_formats.push(format.into());
        self
    }
    /// Sets the attributes that must be present and non-empty.
    ///
    /// ```
    /// # use samlguard::*;
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
    /// #     .build();
    /// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
    /// # let now = "2026-03-02T09:15:00Z".parse()?;
    /// # let request = SsoRequest::xml(&xml, now).request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
    /// # let builder = ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.required_attributes(["email", "department"]).build()?;
    /// let err = Validator::builder(sp, idp).build().validate(&request).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::SsoProtocolError); // 1
    /// assert!(err.detail().found.contains(r#""department" is missing"#));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn required_attributes<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.sp.required_attributes = names.into_iter().map(Into::into).collect();
        self
    }
    /// Sets the clock skew allowed on every time check.
    ///
    /// ```
    /// # use samlguard::*;
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
    /// #     .build();
    /// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
    /// # let now = "2026-03-02T09:15:00Z".parse()?;
    /// # let request = SsoRequest::xml(&xml, now).request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
    /// # let builder = ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// // 203 s after the bearer confirmation's NotOnOrAfter: too late with the default 180 s.
    /// let late = SsoRequest::xml(&xml, "2026-03-02T09:22:30Z".parse()?)
    ///     .request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
    /// let strict = Validator::builder(builder.clone().build()?, idp.clone()).build();
    /// assert_eq!(strict.validate(&late).unwrap_err().code(), ErrorCode::AssertionExpired); // 19
    /// let lenient = builder.clock_skew(std::time::Duration::from_secs(300)).build()?;
    /// assert!(Validator::builder(lenient, idp).build().validate(&late).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.sp.clock_skew = skew;
        self
    }
    /// Requires the assertion's own signature (a signed Response alone is then not enough).
    ///
    /// ```
    /// # use samlguard::*;
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
    /// #     .build();
    /// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
    /// # let now = "2026-03-02T09:15:00Z".parse()?;
    /// # let request = SsoRequest::xml(&xml, now).request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
    /// # let builder = ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// // The demo response is signed on the Response only.
    /// let sp = builder.want_assertions_signed(true).build()?;
    /// let err = Validator::builder(sp, idp).build().validate(&request).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::AssertionUnsigned); // 20
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn want_assertions_signed(mut self, want: bool) -> Self {
        self.sp.want_assertions_signed = want;
        self
    }
    /// Accepts or refuses IdP-initiated (unsolicited) responses.
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.allow_idp_initiated(false).build()?; // only answers to this SP's AuthnRequests
    /// assert!(!sp.allow_idp_initiated());
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn allow_idp_initiated(mut self, allow: bool) -> Self {
        self.sp.allow_idp_initiated = allow;
        self
    }
    /// Enforces (default) or ignores the validity window of the IdP signing certificate.
    ///
    /// ```
    /// # use samlguard::*;
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
    /// #     .build();
    /// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
    /// # let now = "2026-03-02T09:15:00Z".parse()?;
    /// # let request = SsoRequest::xml(&xml, now).request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
    /// # let builder = ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// // The IdP certificate expired on 2036-01-01; at a later time the signature stage refuses it.
    /// let later = SsoRequest::xml(&xml, "2037-01-01T00:00:00Z".parse()?);
    /// let enforced = Validator::builder(builder.clone().build()?, idp.clone()).build();
    /// assert_eq!(enforced.validate(&later).unwrap_err().code(), ErrorCode::CertificateExpired); // 15
    /// let lax = Validator::builder(builder.enforce_certificate_validity(false).build()?, idp).build();
    /// // The signature passes; the assertion's own time check fails next.
    /// assert_eq!(lax.validate(&later).unwrap_err().code(), ErrorCode::AssertionExpired); // 19
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn enforce_certificate_validity(mut self, enforce: bool) -> Self {
        self.sp.enforce_certificate_validity = enforce;
        self
    }
    /// Sets the largest decoded response accepted.
    ///
    /// ```
    /// # use samlguard::*;
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
    /// #     .build();
    /// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
    /// # let now = "2026-03-02T09:15:00Z".parse()?;
    /// # let request = SsoRequest::xml(&xml, now).request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
    /// # let builder = ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let sp = builder.max_response_bytes(1024).build()?; // the demo response is about 5 KiB
    /// let err = Validator::builder(sp, idp).build().validate(&request).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::IncorrectPostData); // 6
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.sp.max_response_bytes = bytes;
        self
    }
    /// Sets the XML parser limits.
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let mut options = samlguard::ParseOptions::default();
    /// options.max_nodes = 10_000;
    /// let sp = builder.parse_options(options.clone()).build()?;
    /// assert_eq!(sp.parse_options(), &options);
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn parse_options(mut self, options: ParseOptions) -> Self {
        self.sp.parse_options = options;
        self
    }
    /// Sets the signature algorithm policy (see [`AlgorithmPolicy::legacy_allow_sha1`]).
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// // Only for an IdP that cannot be moved off SHA-1.
    /// let sp = builder.algorithms(samlguard::AlgorithmPolicy::default().legacy_allow_sha1()).build()?;
    /// assert!(sp.algorithms().allows_sha1());
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn algorithms(mut self, policy: AlgorithmPolicy) -> Self {
        self.sp.algorithms = policy;
        self
    }
    /// Sets the SP's own certificate, published in its metadata.
    ///
    /// ```
    /// # let builder = samlguard::ServiceProvider::builder(
    /// #     "https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs",
    /// # );
    /// let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/ec256.crt"))?;
    /// let sp = builder.certificate(samlguard::Certificate::from_pem(&pem)?).build()?;
    /// assert!(sp.certificate().unwrap().subject().starts_with("CN=samlguard-test-ec256"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn certificate(mut self, certificate: Certificate) -> Self {
        self.sp.certificate = Some(certificate);
        self
    }
    /// Sets the SP's signing key (its certificate is set with [`ServiceProviderBuilder::certificate`];
    /// [`ServiceProviderBuilder::build`] refuses a key that does not belong to it).
    ///
    /// ```
    /// use samlguard::{Certificate, ErrorCode, ServiceProvider, SigningKey};
    /// let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// let builder = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs");
    /// let sp = builder.clone().certificate(cert).signing_key(key.clone()).build()?;
    /// assert!(sp.signing_key().is_some());
    /// // The certificate of another key pair is refused.
    /// let other = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048-clone.crt"))?)?;
    /// let err = builder.certificate(other).signing_key(key).build().unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::ConfigurationError); // 9
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn signing_key(mut self, key: SigningKey) -> Self {
        self.sp.signing_key = Some(key);
        self
    }
    /// Checks the configuration: an empty entity ID, an ACS URL that is not an absolute http(s) URL, a
    /// `max_response_bytes` of 0, or a signing key without its certificate (or with another key's) is
    /// code 9.
    ///
    /// ```
    /// use samlguard::{ErrorCode, ServiceProvider};
    /// let err = ServiceProvider::builder("", "https://sp.example.com/saml/acs").build().unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::ConfigurationError);
    /// assert_eq!(err.detail().found, "[sp] entity_id is empty");
    /// let err = ServiceProvider::builder("https://sp.example.com/metadata", "https://sp.example.com/acs")
    ///     .max_response_bytes(0)
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.code().code(), 9);
    /// ```
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
        if let Some(u) = &sp.slo_url
            && !(u.starts_with("https://") || u.starts_with("http://"))
        {
            return Err(config_error(
                format!("[sp] slo_url {u:?} is not an absolute http(s) URL"),
                "set slo_url to the full Single Logout URL the IdP sends logout messages to",
            ));
        }
        #[cfg(feature = "encryption")]
        if let (Some(key), Some(cert)) = (&sp.decryption_key, &sp.certificate)
            && &key.public_key() != cert.public_key()
        {
            return Err(config_error(
                format!("the SP decryption key does not belong to the [sp] certificate {}", cert.subject()),
                "configure the key and the certificate issued for it (the certificate is what the IdP encrypts to)",
            ));
        }
        if let Some(key) = &sp.signing_key {
            let Some(cert) = &sp.certificate else {
                return Err(config_error(
                    "[sp] private_key is set without [sp] certificate",
                    "set certificate to the SP certificate of that key",
                ));
            };
            if &key.public_key() != cert.public_key() {
                return Err(config_error(
                    format!("[sp] private_key does not belong to the [sp] certificate {}", cert.subject()),
                    "configure the key and the certificate issued for it",
                ));
            }
        }
        Ok(sp)
    }
}

/// An endpoint from metadata: binding URI and location.
///
/// ```
/// use samlguard::{Endpoint, IdentityProvider};
/// let idp = IdentityProvider::builder("https://idp.example.com/metadata")
///     .sso_endpoint("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect", "https://idp.example.com/sso")
///     .build();
/// assert_eq!(
///     idp.sso_endpoints(),
///     [Endpoint {
///         binding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect".into(),
///         location: "https://idp.example.com/sso".into(),
///     }]
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The binding URI (e.g. `urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect`).
    pub binding: String,
    /// The URL.
    pub location: String,
}

/// An indexed endpoint from metadata, such as an IdP's `ArtifactResolutionService`: binding, location,
/// `index` and `isDefault`.
///
/// ```
/// let idp = samlguard::IdentityProvider::builder("https://idp.example.com/metadata")
///     .artifact_resolution_service(1, "https://idp.example.com/artifact")
///     .build();
/// let ars = &idp.artifact_resolution_services()[0];
/// assert_eq!((ars.index, ars.location.as_str()), (1, "https://idp.example.com/artifact"));
/// assert_eq!(ars.binding, "urn:oasis:names:tc:SAML:2.0:bindings:SOAP");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexedEndpoint {
    /// The binding URI (e.g. `urn:oasis:names:tc:SAML:2.0:bindings:SOAP`).
    pub binding: String,
    /// The URL.
    pub location: String,
    /// The endpoint's `index` (an artifact names its endpoint by this number).
    pub index: u16,
    /// `isDefault="true"`.
    pub is_default: bool,
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
    artifact_services: Vec<IndexedEndpoint>,
}

/// Builds an [`IdentityProvider`].
///
/// ```
/// use samlguard::{IdentityProvider, load_certificates};
/// let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
/// let idp = IdentityProvider::builder("http://www.okta.com/exk8d2f4h6j8l0n2p4r6")
///     .certificates(load_certificates(&std::fs::read(format!("{keys}rsa2048.crt"))?)?)
///     .sso_endpoint(
///         "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
///         "https://example.okta.com/app/exk8d2f4h6j8l0n2p4r6/sso/saml",
///     )
///     .build();
/// assert_eq!(idp.certificates().len(), 1);
/// assert_eq!(idp.sso_endpoints().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct IdentityProviderBuilder {
    idp: IdentityProvider,
}

impl IdentityProviderBuilder {
    /// Trusts a signing certificate.
    ///
    /// ```
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// use samlguard::{Certificate, IdentityProvider};
    /// // During a rollover, trust the current and the next certificate.
    /// let current = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// let next = Certificate::from_pem(&std::fs::read(format!("{keys}rsa3072.crt"))?)?;
    /// let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    ///     .certificate(current)
    ///     .certificate(next)
    ///     .build();
    /// assert_eq!(idp.certificates().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn certificate(mut self, certificate: Certificate) -> Self {
        self.idp.certificates.push(certificate);
        self
    }
    /// Trusts several signing certificates.
    ///
    /// ```
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// use samlguard::{IdentityProvider, load_certificates};
    /// let bundle = load_certificates(&std::fs::read(format!("{keys}bundle.pem"))?)?; // two PEM blocks
    /// let idp = IdentityProvider::builder("https://idp.example.com/metadata").certificates(bundle).build();
    /// assert_eq!(idp.certificates().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn certificates(mut self, certificates: impl IntoIterator<Item = Certificate>) -> Self {
        self.idp.certificates.extend(certificates);
        self
    }
    /// Adds a single sign-on endpoint.
    ///
    /// ```
    /// let idp = samlguard::IdentityProvider::builder("https://idp.example.com/metadata")
    ///     .sso_endpoint("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", "https://idp.example.com/sso")
    ///     .build();
    /// assert_eq!(idp.sso_endpoints()[0].location, "https://idp.example.com/sso");
    /// ```
    pub fn sso_endpoint(mut self, binding: impl Into<String>, location: impl Into<String>) -> Self {
        self.idp.sso.push(Endpoint { binding: binding.into(), location: location.into() });
        self
    }
    /// Adds a single logout endpoint.
    ///
    /// ```
    /// let idp = samlguard::IdentityProvider::builder("https://idp.example.com/metadata")
    ///     .slo_endpoint("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect", "https://idp.example.com/slo")
    ///     .build();
    /// assert_eq!(idp.slo_endpoints()[0].location, "https://idp.example.com/slo");
    /// ```
    pub fn slo_endpoint(mut self, binding: impl Into<String>, location: impl Into<String>) -> Self {
        self.idp.slo.push(Endpoint { binding: binding.into(), location: location.into() });
        self
    }
    /// Adds an `ArtifactResolutionService` (SOAP binding) with its index, where `SAMLart` artifacts
    /// are resolved (feature `artifact`).
    ///
    /// ```
    /// let idp = samlguard::IdentityProvider::builder("https://idp.example.com/metadata")
    ///     .artifact_resolution_service(0, "https://idp.example.com/ars")
    ///     .build();
    /// assert_eq!(idp.artifact_resolution_services()[0].location, "https://idp.example.com/ars");
    /// ```
    pub fn artifact_resolution_service(mut self, index: u16, location: impl Into<String>) -> Self {
        self.idp.artifact_services.push(IndexedEndpoint {
            binding: "urn:oasis:names:tc:SAML:2.0:bindings:SOAP".into(),
            location: location.into(),
            index,
            is_default: false,
        });
        self
    }
    /// The identity provider. One without certificates can be built, and every message validated
    /// against it gets code 4: the signature check is never skipped.
    ///
    /// ```
    /// use samlguard::{ErrorCode, IdentityProvider, ServiceProvider, SsoRequest, Validator};
    /// let idp = IdentityProvider::builder("https://idp.example.com/metadata").build(); // no certificate
    /// let sp = ServiceProvider::builder("https://sp.example.com", "https://sp.example.com/acs").build()?;
    /// let validator = Validator::builder(sp, idp).build();
    /// let err = validator.validate(&SsoRequest::xml(b"<Response/>", chrono::Utc::now())).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::NoCertificate); // 4
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn build(self) -> IdentityProvider {
        self.idp
    }
}

impl IdentityProvider {
    /// Starts a builder with the IdP entity ID.
    ///
    /// ```
    /// let idp = samlguard::IdentityProvider::builder("https://idp.example.com/metadata").build();
    /// assert_eq!(idp.entity_id(), "https://idp.example.com/metadata");
    /// assert!(idp.certificates().is_empty());
    /// ```
    pub fn builder(entity_id: impl Into<String>) -> IdentityProviderBuilder {
        IdentityProviderBuilder {
            idp: IdentityProvider {
                entity_id: entity_id.into(),
                certificates: Vec::new(),
                sso: Vec::new(),
                slo: Vec::new(),
                name_id_formats: Vec::new(),
                artifact_services: Vec::new(),
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
        idp.artifact_services = idpsso
            .children_named(MD_NS, "ArtifactResolutionService")
            .filter_map(|e| {
                Some(IndexedEndpoint {
                    binding: e.attribute("Binding")?.to_string(),
                    location: e.attribute("Location")?.to_string(),
                    index: e.attribute("index")?.trim().parse().ok()?,
                    is_default: matches!(e.attribute("isDefault").map(str::trim), Some("true" | "1")),
                })
            })
            .collect();
        idp.name_id_formats =
            idpsso.children_named(MD_NS, "NameIDFormat").map(|e| e.text().trim().to_string()).collect();
        Ok(idp)
    }

    /// The IdP entity ID (the Issuer the SP expects).
    ///
    /// ```
    /// # let der = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.der"))?;
    /// # use base64::Engine as _;
    /// # let cert_b64 = base64::engine::general_purpose::STANDARD.encode(&der);
    /// # let metadata = format!(r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    /// #     xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com/metadata">
    /// #   <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    /// #     <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>
    /// #       <ds:X509Certificate>{cert_b64}</ds:X509Certificate>
    /// #     </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    /// #     <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
    /// #       Location="https://idp.example.com/slo"/>
    /// #     <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    /// #     <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    /// #       Location="https://idp.example.com/sso"/>
    /// #   </md:IDPSSODescriptor>
    /// # </md:EntityDescriptor>"#);
    /// # let idp = samlguard::IdentityProvider::from_metadata(metadata.as_bytes())?;
    /// assert_eq!(idp.entity_id(), "https://idp.example.com/metadata"); // the Issuer expected
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn entity_id(&self) -> &str {
        &self.entity_id
    }
    /// The trusted signing certificates.
    ///
    /// ```
    /// # let der = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.der"))?;
    /// # use base64::Engine as _;
    /// # let cert_b64 = base64::engine::general_purpose::STANDARD.encode(&der);
    /// # let metadata = format!(r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    /// #     xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com/metadata">
    /// #   <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    /// #     <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>
    /// #       <ds:X509Certificate>{cert_b64}</ds:X509Certificate>
    /// #     </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    /// #     <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
    /// #       Location="https://idp.example.com/slo"/>
    /// #     <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    /// #     <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    /// #       Location="https://idp.example.com/sso"/>
    /// #   </md:IDPSSODescriptor>
    /// # </md:EntityDescriptor>"#);
    /// # let idp = samlguard::IdentityProvider::from_metadata(metadata.as_bytes())?;
    /// assert_eq!(idp.certificates()[0].subject(), "CN=samlguard-test-rsa2048, O=samlguard tests, C=US");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }
    /// Single sign-on endpoints from metadata.
    ///
    /// ```
    /// # let der = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.der"))?;
    /// # use base64::Engine as _;
    /// # let cert_b64 = base64::engine::general_purpose::STANDARD.encode(&der);
    /// # let metadata = format!(r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    /// #     xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com/metadata">
    /// #   <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    /// #     <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>
    /// #       <ds:X509Certificate>{cert_b64}</ds:X509Certificate>
    /// #     </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    /// #     <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
    /// #       Location="https://idp.example.com/slo"/>
    /// #     <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    /// #     <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    /// #       Location="https://idp.example.com/sso"/>
    /// #   </md:IDPSSODescriptor>
    /// # </md:EntityDescriptor>"#);
    /// # let idp = samlguard::IdentityProvider::from_metadata(metadata.as_bytes())?;
    /// assert_eq!(idp.sso_endpoints()[0].location, "https://idp.example.com/sso");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sso_endpoints(&self) -> &[Endpoint] {
        &self.sso
    }
    /// Single logout endpoints from metadata.
    ///
    /// ```
    /// # let der = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.der"))?;
    /// # use base64::Engine as _;
    /// # let cert_b64 = base64::engine::general_purpose::STANDARD.encode(&der);
    /// # let metadata = format!(r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    /// #     xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com/metadata">
    /// #   <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    /// #     <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>
    /// #       <ds:X509Certificate>{cert_b64}</ds:X509Certificate>
    /// #     </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    /// #     <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
    /// #       Location="https://idp.example.com/slo"/>
    /// #     <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    /// #     <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    /// #       Location="https://idp.example.com/sso"/>
    /// #   </md:IDPSSODescriptor>
    /// # </md:EntityDescriptor>"#);
    /// # let idp = samlguard::IdentityProvider::from_metadata(metadata.as_bytes())?;
    /// assert_eq!(idp.slo_endpoints()[0].binding, "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn slo_endpoints(&self) -> &[Endpoint] {
        &self.slo
    }
    /// NameID formats the IdP declares.
    ///
    /// ```
    /// # let der = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.der"))?;
    /// # use base64::Engine as _;
    /// # let cert_b64 = base64::engine::general_purpose::STANDARD.encode(&der);
    /// # let metadata = format!(r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    /// #     xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com/metadata">
    /// #   <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    /// #     <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>
    /// #       <ds:X509Certificate>{cert_b64}</ds:X509Certificate>
    /// #     </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    /// #     <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
    /// #       Location="https://idp.example.com/slo"/>
    /// #     <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    /// #     <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    /// #       Location="https://idp.example.com/sso"/>
    /// #   </md:IDPSSODescriptor>
    /// # </md:EntityDescriptor>"#);
    /// # let idp = samlguard::IdentityProvider::from_metadata(metadata.as_bytes())?;
    /// assert_eq!(idp.name_id_formats(), ["urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn name_id_formats(&self) -> &[String] {
        &self.name_id_formats
    }
    /// The IdP's `ArtifactResolutionService` endpoints, with their indexes (from metadata, or
    /// [`IdentityProviderBuilder::artifact_resolution_service`]).
    ///
    /// ```
    /// let xml = r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp">
    ///   <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    ///     <md:ArtifactResolutionService Binding="urn:oasis:names:tc:SAML:2.0:bindings:SOAP"
    ///       Location="https://idp/ars" index="3" isDefault="true"/>
    ///   </md:IDPSSODescriptor></md:EntityDescriptor>"#;
    /// let idp = samlguard::IdentityProvider::from_metadata(xml.as_bytes()).unwrap();
    /// let ars = &idp.artifact_resolution_services()[0];
    /// assert_eq!((ars.index, ars.is_default, ars.location.as_str()), (3, true, "https://idp/ars"));
    /// ```
    pub fn artifact_resolution_services(&self) -> &[IndexedEndpoint] {
        &self.artifact_services
    }
}

/// Reads certificates from a file for the configuration: unreadable or empty → code 9.
#[cfg(feature = "config")]
pub(crate) fn certificates_from_file(path: &std::path::Path) -> Result<Vec<Certificate>, SsoError> {
    let bytes = std::fs::read(path).map_err(|e| {
        config_error(
            format!("certificate file {} cannot be read: {e}", path.display()),
            "check the path in [idp] certificates",
        )
    })?;
    crate::cert::load_certificates(&bytes).map_err(|e| {
        config_error(
            format!("certificate file {} is not a PEM or DER certificate: {e}", path.display()),
            "export the IdP signing certificate as PEM (Base-64 encoded X.509)",
        )
    })
}
