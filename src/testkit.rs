//! Builders for realistic signed SAML Responses, shaped like those of ADFS, Entra ID (Azure AD), Okta
//! and Shibboleth, so that an IdP configuration can be unit-tested and every error code produced for
//! real. Every field is adjustable; signatures are made with real keys through [`Signer`].
//!
//! ```
//! use samlguard::testkit::ResponseBuilder;
//! use samlguard::{Certificate, IdentityProvider, ServiceProvider, SigningKey, SsoRequest, Validator};
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
//! let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{dir}rsa2048.key"))?)?;
//! let cert = Certificate::from_pem(&std::fs::read(format!("{dir}rsa2048.crt"))?)?;
//! let now = "2030-01-01T12:00:00Z".parse()?;
//! let xml = ResponseBuilder::okta("https://idp.example.com", "https://sp.example.com", "https://sp.example.com/acs", now)
//!     .name_id("alice@example.com")
//!     .sign_with(key, cert.clone())
//!     .build()?;
//! let sp = ServiceProvider::builder("https://sp.example.com", "https://sp.example.com/acs").build()?;
//! let idp = IdentityProvider::builder("https://idp.example.com").certificate(cert).build();
//! let login = Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))?;
//! assert_eq!(login.name_id.value, "alice@example.com");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use base64::Engine as _;
use chrono::{DateTime, Duration, SecondsFormat, Utc};

use crate::cert::{Certificate, SigningKey};
use crate::dsig::{DigestAlgorithm, SignError, SignatureAlgorithm, Signer};

/// Which IdP's habits the response imitates.
///
/// ```
/// use samlguard::testkit::Flavor;
/// // Descriptive only: pick the flavour with the matching constructor, e.g. ResponseBuilder::okta.
/// let signs_the_response = |f: Flavor| f == Flavor::Okta;
/// assert!(signs_the_response(Flavor::Okta) && !signs_the_response(Flavor::Adfs));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Flavor {
    /// ADFS: assertion signed only, default-namespace assertion, claim-URI attributes, `_` IDs.
    Adfs,
    /// Entra ID / Azure AD: assertion signed only, claim-URI attributes, tenant and object IDs.
    Azure,
    /// Okta: `saml2p:`/`saml2:` prefixes, Response and Assertion both signed.
    Okta,
    /// Shibboleth: transient NameID with qualifiers, `urn:oid:` attribute names with FriendlyName.
    Shibboleth,
}

/// An attribute to put in the assertion.
///
/// ```
/// use samlguard::testkit::{TestAttribute, attr};
/// let groups = TestAttribute {
///     name: "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups".into(),
///     friendly_name: None,
///     values: vec!["admins".into(), "users".into()],
/// };
/// assert_eq!(groups, attr(&groups.name, None, &["admins", "users"]));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestAttribute {
    /// Name.
    pub name: String,
    /// FriendlyName.
    pub friendly_name: Option<String>,
    /// Values.
    pub values: Vec<String>,
}

/// Builds a signed SAML Response. The method examples share the setup below (hidden there): an
/// Okta-shaped response factory `okta()` and the SP's check `validate(xml)`.
///
/// ```
/// use samlguard::testkit::ResponseBuilder;
/// use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
/// use samlguard::{SsoError, SsoRequest, Validator};
/// let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
/// let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
/// let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
/// let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
/// let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
/// let acs = "https://sp.example.com/acs";
/// // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
/// let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
/// // The SP's check of a response (a fresh validator each time, so that no replay is seen).
/// let validate = |xml: String| -> Result<Login, SsoError> {
///     let sp = ServiceProvider::builder(sp_id, acs).build()?;
///     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
///     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
/// };
/// assert!(validate(okta().build()?).is_ok());
/// // One field changed: the error code the SP must give for it.
/// let moved = okta().destination(Some("https://sp.example.com/old-acs")).build()?;
/// let err = validate(moved).unwrap_err();
/// assert_eq!(err.code(), ErrorCode::RecipientMismatch); // 14
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct ResponseBuilder {
    flavor: Flavor,
    /// Response Issuer (None: omitted).
    response_issuer: Option<String>,
    assertion_issuer: Option<String>,
    destination: Option<String>,
    in_response_to: Option<String>,
    scd_in_response_to: Option<Option<String>>,
    response_id: String,
    assertion_id: String,
    version: String,
    assertion_version: String,
    issue_instant: DateTime<Utc>,
    assertion_issue_instant: DateTime<Utc>,
    status: String,
    sub_status: Option<String>,
    status_message: Option<String>,
    name_id: Option<String>,
    name_id_format: Option<String>,
    name_qualifier: Option<String>,
    sp_name_qualifier: Option<String>,
    audiences: Vec<Vec<String>>,
    recipient: Option<String>,
    confirmation_method: String,
    not_before: Option<DateTime<Utc>>,
    not_on_or_after: Option<DateTime<Utc>>,
    scd_not_on_or_after: Option<DateTime<Utc>>,
    session_not_on_or_after: Option<DateTime<Utc>>,
    session_index: Option<String>,
    authn_instant: DateTime<Utc>,
    attributes: Vec<TestAttribute>,
    include_assertion: bool,
    extra_confirmations: Vec<String>,
    sign_response: bool,
    sign_assertion: bool,
    key: Option<(SigningKey, Certificate)>,
    algorithm: Option<SignatureAlgorithm>,
    digest: DigestAlgorithm,
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn id_from(seed: &str, n: u32) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, format!("{seed}/{n}").as_bytes());
    d.as_ref()[..16].iter().map(|b| format!("{b:02x}")).collect()
}

impl ResponseBuilder {
    fn base(flavor: Flavor, idp: &str, sp: &str, acs: &str, now: DateTime<Utc>) -> Self {
        let seed = format!("{idp}{sp}{now}");
        ResponseBuilder {
            flavor,
            response_issuer: Some(idp.to_string()),
            assertion_issuer: Some(idp.to_string()),
            destination: Some(acs.to_string()),
            in_response_to: None,
            scd_in_response_to: None,
            response_id: format!("_{}", id_from(&seed, 1)),
            assertion_id: format!("_{}", id_from(&seed, 2)),
            version: "2.0".into(),
            assertion_version: "2.0".into(),
            issue_instant: now,
            assertion_issue_instant: now,
            status: "urn:oasis:names:tc:SAML:2.0:status:Success".into(),
            sub_status: None,
            status_message: None,
            name_id: Some("alice@example.com".into()),
            name_id_format: Some("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress".into()),
            name_qualifier: None,
            sp_name_qualifier: None,
            audiences: vec![vec![sp.to_string()]],
            recipient: Some(acs.to_string()),
            confirmation_method: "urn:oasis:names:tc:SAML:2.0:cm:bearer".into(),
            not_before: Some(now - Duration::seconds(5)),
            not_on_or_after: Some(now + Duration::minutes(60)),
            scd_not_on_or_after: Some(now + Duration::minutes(5)),
            session_not_on_or_after: Some(now + Duration::hours(8)),
            session_index: Some(format!("_{}", id_from(&seed, 3))),
            authn_instant: now - Duration::seconds(2),
            attributes: Vec::new(),
            include_assertion: true,
            extra_confirmations: Vec::new(),
            sign_response: false,
            sign_assertion: true,
            key: None,
            algorithm: None,
            digest: DigestAlgorithm::Sha256,
        }
    }

    /// A response like ADFS sends: only the assertion signed, UPN/email/name claims.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let adfs = ResponseBuilder::adfs(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// let login = validate(adfs.build()?)?;
    /// assert!(login.assertion_signed && !login.response_signed);
    /// let upn = login.attribute("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn");
    /// assert_eq!(upn, Some(&["alice@example.com".to_string()][..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn adfs(idp: &str, sp: &str, acs: &str, now: DateTime<Utc>) -> Self {
        let mut b = Self::base(Flavor::Adfs, idp, sp, acs, now);
        let c = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";
        b.attributes = vec![
            attr(&format!("{c}upn"), None, &["alice@example.com"]),
            attr(&format!("{c}emailaddress"), None, &["alice@example.com"]),
            attr(&format!("{c}givenname"), None, &["Alice"]),
            attr(&format!("{c}surname"), None, &["Liddell"]),
        ];
        b
    }

    /// A response like Entra ID (Azure AD) sends: assertion signed, claim-URI attributes with tenant
    /// and object IDs, persistent-looking NameID.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let azure = ResponseBuilder::azure(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// let login = validate(azure.build()?)?;
    /// let groups = login.attribute("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups");
    /// assert_eq!(groups.map(|g| g.len()), Some(2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn azure(idp: &str, sp: &str, acs: &str, now: DateTime<Utc>) -> Self {
        let mut b = Self::base(Flavor::Azure, idp, sp, acs, now);
        let c = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";
        b.attributes = vec![
            attr(
                "http://schemas.microsoft.com/identity/claims/tenantid",
                None,
                &["7d3a1c9e-0000-4000-8000-000000000001"],
            ),
            attr(
                "http://schemas.microsoft.com/identity/claims/objectidentifier",
                None,
                &["0f7c2a5b-0000-4000-8000-000000000002"],
            ),
            attr(&format!("{c}emailaddress"), None, &["alice@example.com"]),
            attr(&format!("{c}givenname"), None, &["Alice"]),
            attr(&format!("{c}surname"), None, &["Liddell"]),
            attr(
                "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
                None,
                &["admins", "users"],
            ),
        ];
        b
    }

    /// A response like Okta sends: Response and Assertion both signed, plain attribute names.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let okta = ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// let login = validate(okta.build()?)?;
    /// assert!(login.response_signed && login.assertion_signed);
    /// assert_eq!(login.attribute("firstname"), Some(&["Alice".to_string()][..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn okta(idp: &str, sp: &str, acs: &str, now: DateTime<Utc>) -> Self {
        let mut b = Self::base(Flavor::Okta, idp, sp, acs, now);
        b.sign_response = true;
        b.attributes = vec![
            attr("firstname", None, &["Alice"]),
            attr("lastname", None, &["Liddell"]),
            attr("email", None, &["alice@example.com"]),
        ];
        b
    }

    /// A response like Shibboleth sends: transient NameID with NameQualifier and SPNameQualifier,
    /// `urn:oid:` attributes with FriendlyName.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let shib = ResponseBuilder::shibboleth(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// let login = validate(shib.build()?)?;
    /// assert_eq!(login.name_id.format, "urn:oasis:names:tc:SAML:2.0:nameid-format:transient");
    /// assert_eq!(login.name_id.name_qualifier.as_deref(), Some(idp_id));
    /// assert!(login.attribute("mail").is_some()); // found by FriendlyName
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shibboleth(idp: &str, sp: &str, acs: &str, now: DateTime<Utc>) -> Self {
        let mut b = Self::base(Flavor::Shibboleth, idp, sp, acs, now);
        b.name_id = Some(format!("AAdzZWNyZXQx{}", id_from("transient", 7)));
        b.name_id_format = Some("urn:oasis:names:tc:SAML:2.0:nameid-format:transient".into());
        b.name_qualifier = Some(idp.to_string());
        b.sp_name_qualifier = Some(sp.to_string());
        b.attributes = vec![
            attr("urn:oid:0.9.2342.19200300.100.1.3", Some("mail"), &["alice@example.com"]),
            attr("urn:oid:2.5.4.42", Some("givenName"), &["Alice"]),
            attr("urn:oid:2.5.4.4", Some("sn"), &["Liddell"]),
            attr(
                "urn:oid:1.3.6.1.4.1.5923.1.1.1.9",
                Some("eduPersonScopedAffiliation"),
                &["member@example.com", "staff@example.com"],
            ),
        ];
        b
    }

    /// The key and certificate to sign with. Without them [`ResponseBuilder::build`] returns the
    /// response unsigned (which the SP refuses with code 20).
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let unsigned = ResponseBuilder::okta(idp_id, sp_id, acs, now); // no sign_with: nothing is signed
    /// assert_eq!(validate(unsigned.build()?).unwrap_err().code(), ErrorCode::AssertionUnsigned); // 20
    /// assert!(validate(unsigned.sign_with(key.clone(), cert.clone()).build()?).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sign_with(mut self, key: SigningKey, certificate: Certificate) -> Self {
        self.key = Some((key, certificate));
        self
    }
    /// Signs the Response (in addition to or instead of the assertion).
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let login = validate(okta().sign_response(false).build()?)?;
    /// assert!(!login.response_signed && login.assertion_signed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sign_response(mut self, on: bool) -> Self {
        self.sign_response = on;
        self
    }
    /// Signs the assertion.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let login = validate(okta().sign_assertion(false).build()?)?; // the signed Response still covers it
    /// assert!(login.response_signed && !login.assertion_signed);
    /// let neither = okta().sign_assertion(false).sign_response(false);
    /// assert_eq!(validate(neither.build()?).unwrap_err().code(), ErrorCode::AssertionUnsigned); // 20
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sign_assertion(mut self, on: bool) -> Self {
        self.sign_assertion = on;
        self
    }
    /// The signature algorithm (default: the key's).
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// use samlguard::SignatureAlgorithm;
    /// assert!(validate(okta().signature_algorithm(SignatureAlgorithm::RsaPssSha512).build()?).is_ok());
    /// assert!(okta().signature_algorithm(SignatureAlgorithm::EcdsaSha256).build().is_err()); // RSA key
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn signature_algorithm(mut self, alg: SignatureAlgorithm) -> Self {
        self.algorithm = Some(alg);
        self
    }
    /// The digest algorithm (default SHA-256).
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// use samlguard::DigestAlgorithm;
    /// let sha1 = okta().digest_algorithm(DigestAlgorithm::Sha1).build()?;
    /// // SHA-1 is refused: code 23.
    /// assert_eq!(validate(sha1).unwrap_err().code(), ErrorCode::InvalidDigitalSignature);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn digest_algorithm(mut self, alg: DigestAlgorithm) -> Self {
        self.digest = alg;
        self
    }
    /// The Issuer of both the Response and the assertion.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let other = okta().issuer("https://other-idp.example.com").build()?;
    /// assert_eq!(validate(other).unwrap_err().code(), ErrorCode::UntrustedIssuer); // 24
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn issuer(mut self, issuer: &str) -> Self {
        self.response_issuer = Some(issuer.into());
        self.assertion_issuer = Some(issuer.into());
        self
    }
    /// The Response Issuer (None: omitted).
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// assert!(validate(okta().response_issuer(None).build()?).is_ok()); // optional on the Response
    /// let other = okta().response_issuer(Some("https://other-idp.example.com")).build()?;
    /// assert_eq!(validate(other).unwrap_err().code(), ErrorCode::UntrustedIssuer); // 24
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn response_issuer(mut self, issuer: Option<&str>) -> Self {
        self.response_issuer = issuer.map(Into::into);
        self
    }
    /// The assertion Issuer (None: omitted).
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let missing = okta().assertion_issuer(None).build()?; // required on the assertion
    /// assert_eq!(validate(missing).unwrap_err().code(), ErrorCode::UntrustedIssuer); // 24
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assertion_issuer(mut self, issuer: Option<&str>) -> Self {
        self.assertion_issuer = issuer.map(Into::into);
        self
    }
    /// The Response Destination (None: omitted).
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// assert!(validate(okta().destination(None).build()?).is_ok()); // optional
    /// let http = okta().destination(Some("http://sp.example.com/acs")).build()?; // behind a TLS proxy
    /// assert_eq!(validate(http).unwrap_err().code(), ErrorCode::RecipientMismatch); // 14
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn destination(mut self, url: Option<&str>) -> Self {
        self.destination = url.map(Into::into);
        self
    }
    /// InResponseTo on the Response and on the bearer confirmation (unless
    /// [`ResponseBuilder::confirmation_in_response_to`] sets the confirmation's apart).
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// let xml = okta().in_response_to(Some("_req1")).build()?;
    /// let answer = |outstanding: &str| {
    ///     let request = SsoRequest::xml(xml.as_bytes(), now).request_id(outstanding);
    ///     Validator::builder(sp.clone(), idp.clone()).build().validate(&request)
    /// };
    /// assert_eq!(answer("_req1")?.in_response_to.as_deref(), Some("_req1"));
    /// assert_eq!(answer("_req2").unwrap_err().code(), ErrorCode::InResponseToMismatch); // 28
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn in_response_to(mut self, id: Option<&str>) -> Self {
        self.in_response_to = id.map(Into::into);
        self
    }
    /// InResponseTo on the bearer SubjectConfirmationData only.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// // An unsolicited Response whose bearer confirmation answers a request.
    /// let xml = okta().confirmation_in_response_to(Some("_req1")).build()?;
    /// assert_eq!(validate(xml).unwrap_err().code(), ErrorCode::InResponseToMismatch); // 28
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn confirmation_in_response_to(mut self, id: Option<&str>) -> Self {
        self.scd_in_response_to = Some(id.map(Into::into));
        self
    }
    /// The Response ID.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let login = validate(okta().response_id("_response-1").build()?)?;
    /// assert_eq!(login.response_id, "_response-1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn response_id(mut self, id: &str) -> Self {
        self.response_id = id.into();
        self
    }
    /// The assertion ID.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let login = validate(okta().assertion_id("_assertion-1").build()?)?;
    /// assert_eq!(login.assertion_id, "_assertion-1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assertion_id(mut self, id: &str) -> Self {
        self.assertion_id = id.into();
        self
    }
    /// The Response Version.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let saml11 = okta().version("1.1").build()?;
    /// assert_eq!(validate(saml11).unwrap_err().code(), ErrorCode::InvalidResponse); // 29
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn version(mut self, v: &str) -> Self {
        self.version = v.into();
        self
    }
    /// The assertion Version.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let xml = okta().assertion_version("1.1").build()?;
    /// assert_eq!(validate(xml).unwrap_err().code(), ErrorCode::InvalidAssertion); // 13
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assertion_version(mut self, v: &str) -> Self {
        self.assertion_version = v.into();
        self
    }
    /// The Response IssueInstant.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// // The IdP's clock is ten minutes ahead.
    /// let xml = okta().issue_instant(now + chrono::Duration::minutes(10)).build()?;
    /// assert_eq!(validate(xml).unwrap_err().code(), ErrorCode::InvalidResponse); // 29
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn issue_instant(mut self, t: DateTime<Utc>) -> Self {
        self.issue_instant = t;
        self
    }
    /// The assertion IssueInstant.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let xml = okta().assertion_issue_instant(now + chrono::Duration::minutes(10)).build()?;
    /// assert_eq!(validate(xml).unwrap_err().code(), ErrorCode::InvalidAssertion); // 13
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assertion_issue_instant(mut self, t: DateTime<Utc>) -> Self {
        self.assertion_issue_instant = t;
        self
    }
    /// The top-level status code, an optional sub-code and message.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let refused = okta()
    ///     .status(
    ///         "urn:oasis:names:tc:SAML:2.0:status:Responder",
    ///         Some("urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"),
    ///         Some("the user is not assigned to this application"),
    ///     )
    ///     .without_assertion();
    /// let err = validate(refused.build()?).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::SsoProtocolError); // 1
    /// assert!(err.detail().found.contains("AuthnFailed"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn status(mut self, code: &str, sub_code: Option<&str>, message: Option<&str>) -> Self {
        self.status = code.into();
        self.sub_status = sub_code.map(Into::into);
        self.status_message = message.map(Into::into);
        self
    }
    /// The NameID value (written as text, escaped).
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let login = validate(okta().name_id("bob@example.com").build()?)?;
    /// assert_eq!(login.name_id.value, "bob@example.com");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn name_id(mut self, v: &str) -> Self {
        self.name_id = Some(v.to_string());
        self
    }
    /// Leaves the NameID out.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let anonymous = okta().without_name_id().build()?;
    /// assert_eq!(validate(anonymous).unwrap_err().code(), ErrorCode::NoUserName); // 2
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn without_name_id(mut self) -> Self {
        self.name_id = None;
        self
    }
    /// The NameID Format (None: omitted).
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let login = validate(okta().name_id_format(None).build()?)?;
    /// assert_eq!(login.name_id.format, samlguard::NAMEID_UNSPECIFIED); // what an absent Format means
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn name_id_format(mut self, f: Option<&str>) -> Self {
        self.name_id_format = f.map(Into::into);
        self
    }
    /// The NameQualifier and SPNameQualifier.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let sp = ServiceProvider::builder(sp_id, acs).site_url("https://sp.example.com").build()?;
    /// let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// let xml = okta().name_qualifiers(Some("https://old-site.example.com"), None).build()?;
    /// let validator = Validator::builder(sp, idp).build();
    /// let err = validator.validate(&SsoRequest::xml(xml.as_bytes(), now)).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::NameQualifierMismatch); // 10
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn name_qualifiers(mut self, nq: Option<&str>, spnq: Option<&str>) -> Self {
        self.name_qualifier = nq.map(Into::into);
        self.sp_name_qualifier = spnq.map(Into::into);
        self
    }
    /// The AudienceRestrictions: one inner list per restriction (empty: none).
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let for_other_sp = vec![vec!["https://other-sp.example.com".to_string()]];
    /// let other_sp = okta().audience_restrictions(for_other_sp).build()?;
    /// assert_eq!(validate(other_sp).unwrap_err().code(), ErrorCode::InvalidAssertion); // 13
    /// // Within one restriction any audience may match.
    /// let either = vec![vec!["https://other-sp.example.com".to_string(), sp_id.to_string()]];
    /// assert!(validate(okta().audience_restrictions(either).build()?).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn audience_restrictions(mut self, restrictions: Vec<Vec<String>>) -> Self {
        self.audiences = restrictions;
        self
    }
    /// The bearer SubjectConfirmationData Recipient (None: omitted).
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let xml = okta().recipient(Some("https://sp.example.com/other-acs")).build()?;
    /// assert_eq!(validate(xml).unwrap_err().code(), ErrorCode::RecipientMismatch); // 14
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn recipient(mut self, url: Option<&str>) -> Self {
        self.recipient = url.map(Into::into);
        self
    }
    /// The SubjectConfirmation Method.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// // Only bearer confirmations count in the Web SSO profile.
    /// let hok = okta().confirmation_method("urn:oasis:names:tc:SAML:2.0:cm:holder-of-key").build()?;
    /// // No bearer confirmation, so no Recipient to check: code 14.
    /// assert_eq!(validate(hok).unwrap_err().code(), ErrorCode::RecipientMismatch);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn confirmation_method(mut self, m: &str) -> Self {
        self.confirmation_method = m.into();
        self
    }
    /// Adds a raw extra `<saml:SubjectConfirmation>` element (XML text) after the first one.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// // The first bearer confirmation names an old ACS; a second one names the right one: accepted.
    /// let second = r#"<saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
    ///   <saml2:SubjectConfirmationData NotOnOrAfter="2030-01-01T12:05:00Z"
    ///     Recipient="https://sp.example.com/acs"/>
    /// </saml2:SubjectConfirmation>"#;
    /// let xml = okta().recipient(Some("https://old.example.com/acs")).extra_confirmation(second).build()?;
    /// assert!(validate(xml).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn extra_confirmation(mut self, xml: &str) -> Self {
        self.extra_confirmations.push(xml.into());
        self
    }
    /// Conditions NotBefore (None: omitted).
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let early = okta().not_before(Some(now + chrono::Duration::minutes(10))).build()?;
    /// assert_eq!(validate(early).unwrap_err().code(), ErrorCode::InvalidAssertion); // 13
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn not_before(mut self, t: Option<DateTime<Utc>>) -> Self {
        self.not_before = t;
        self
    }
    /// Conditions NotOnOrAfter (None: omitted).
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let expired = okta().not_on_or_after(Some(now - chrono::Duration::minutes(10))).build()?;
    /// assert_eq!(validate(expired).unwrap_err().code(), ErrorCode::AssertionExpired); // 19
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn not_on_or_after(mut self, t: Option<DateTime<Utc>>) -> Self {
        self.not_on_or_after = t;
        self
    }
    /// SubjectConfirmationData NotOnOrAfter (None: omitted).
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let late = okta().confirmation_not_on_or_after(Some(now - chrono::Duration::minutes(10))).build()?;
    /// assert_eq!(validate(late).unwrap_err().code(), ErrorCode::AssertionExpired); // 19
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn confirmation_not_on_or_after(mut self, t: Option<DateTime<Utc>>) -> Self {
        self.scd_not_on_or_after = t;
        self
    }
    /// AuthnStatement SessionNotOnOrAfter (None: omitted).
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let session_end = now + chrono::Duration::hours(1);
    /// let login = validate(okta().session_not_on_or_after(Some(session_end)).build()?)?;
    /// assert_eq!(login.session_not_on_or_after, Some(session_end)); // log the user out then
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn session_not_on_or_after(mut self, t: Option<DateTime<Utc>>) -> Self {
        self.session_not_on_or_after = t;
        self
    }
    /// The SessionIndex (None: omitted).
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let login = validate(okta().session_index(Some("_session-1")).build()?)?;
    /// assert_eq!(login.session_index.as_deref(), Some("_session-1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn session_index(mut self, s: Option<&str>) -> Self {
        self.session_index = s.map(Into::into);
        self
    }
    /// Replaces the attributes.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// use samlguard::testkit::attr;
    /// let login = validate(okta().attributes(vec![attr("department", None, &["R&D"])]).build()?)?;
    /// assert_eq!(login.attributes.len(), 1); // the flavour's attributes are gone
    /// assert_eq!(login.attribute("department"), Some(&["R&D".to_string()][..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn attributes(mut self, attributes: Vec<TestAttribute>) -> Self {
        self.attributes = attributes;
        self
    }
    /// Adds an attribute.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let login = validate(okta().attribute("role", &["admin", "user"]).build()?)?;
    /// assert_eq!(login.attributes.len(), 4); // Okta's three, then role
    /// assert_eq!(login.attribute("role").map(|v| v.len()), Some(2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn attribute(mut self, name: &str, values: &[&str]) -> Self {
        self.attributes.push(attr(name, None, values));
        self
    }
    /// Leaves the assertion out.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let empty = okta().without_assertion().build()?;
    /// assert_eq!(validate(empty).unwrap_err().code(), ErrorCode::InvalidAssertion); // 13
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn without_assertion(mut self) -> Self {
        self.include_assertion = false;
        self
    }

    fn prefixes(&self) -> (&'static str, &'static str) {
        match self.flavor {
            Flavor::Okta | Flavor::Shibboleth => ("saml2p", "saml2"),
            Flavor::Adfs | Flavor::Azure => ("samlp", "saml"),
        }
    }

    /// The assertion XML (unsigned), with namespace declarations.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let builder = okta();
    /// let doc = samlguard::Document::parse_str(&builder.assertion_xml())?;
    /// assert_eq!(doc.root_element().local_name(), "Assertion");
    /// assert_eq!(doc.root_element().attribute("ID"), Some(builder.get_assertion_id()));
    /// assert!(samlguard::find_signatures(&doc).is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assertion_xml(&self) -> String {
        let (_, a) = self.prefixes();
        let mut s = String::new();
        s.push_str(&format!(
            r#"<{a}:Assertion xmlns:{a}="urn:oasis:names:tc:SAML:2.0:assertion" ID="{}" IssueInstant="{}" Version="{}">"#,
            esc(&self.assertion_id),
            ts(self.assertion_issue_instant),
            esc(&self.assertion_version)
        ));
        if let Some(i) = &self.assertion_issuer {
            s.push_str(&format!("<{a}:Issuer>{}</{a}:Issuer>", esc(i)));
        }
        s.push_str(&format!("<{a}:Subject>"));
        if let Some(n) = &self.name_id {
            s.push_str(&format!("<{a}:NameID"));
            if let Some(f) = &self.name_id_format {
                s.push_str(&format!(r#" Format="{}""#, esc(f)));
            }
            if let Some(q) = &self.name_qualifier {
                s.push_str(&format!(r#" NameQualifier="{}""#, esc(q)));
            }
            if let Some(q) = &self.sp_name_qualifier {
                s.push_str(&format!(r#" SPNameQualifier="{}""#, esc(q)));
            }
            s.push_str(&format!(">{}</{a}:NameID>", esc(n)));
        }
        s.push_str(&format!(
            r#"<{a}:SubjectConfirmation Method="{}"><{a}:SubjectConfirmationData"#,
            esc(&self.confirmation_method)
        ));
        let scd_irt = self.scd_in_response_to.clone().unwrap_or_else(|| self.in_response_to.clone());
        if let Some(v) = scd_irt {
            s.push_str(&format!(r#" InResponseTo="{}""#, esc(&v)));
        }
        if let Some(t) = self.scd_not_on_or_after {
            s.push_str(&format!(r#" NotOnOrAfter="{}""#, ts(t)));
        }
        if let Some(r) = &self.recipient {
            s.push_str(&format!(r#" Recipient="{}""#, esc(r)));
        }
        s.push_str(&format!("/></{a}:SubjectConfirmation>"));
        for extra in &self.extra_confirmations {
            s.push_str(extra);
        }
        s.push_str(&format!("</{a}:Subject><{a}:Conditions"));
        if let Some(t) = self.not_before {
            s.push_str(&format!(r#" NotBefore="{}""#, ts(t)));
        }
        if let Some(t) = self.not_on_or_after {
            s.push_str(&format!(r#" NotOnOrAfter="{}""#, ts(t)));
        }
        s.push('>');
        for r in &self.audiences {
            s.push_str(&format!("<{a}:AudienceRestriction>"));
            for au in r {
                s.push_str(&format!("<{a}:Audience>{}</{a}:Audience>", esc(au)));
            }
            s.push_str(&format!("</{a}:AudienceRestriction>"));
        }
        s.push_str(&format!("</{a}:Conditions>"));
        if !self.attributes.is_empty() {
            s.push_str(&format!("<{a}:AttributeStatement>"));
            for at in &self.attributes {
                s.push_str(&format!(r#"<{a}:Attribute Name="{}""#, esc(&at.name)));
                if let Some(f) = &at.friendly_name {
                    s.push_str(&format!(r#" FriendlyName="{}""#, esc(f)));
                }
                s.push('>');
                for v in &at.values {
                    s.push_str(&format!("<{a}:AttributeValue>{}</{a}:AttributeValue>", esc(v)));
                }
                s.push_str(&format!("</{a}:Attribute>"));
            }
            s.push_str(&format!("</{a}:AttributeStatement>"));
        }
        s.push_str(&format!(r#"<{a}:AuthnStatement AuthnInstant="{}""#, ts(self.authn_instant)));
        if let Some(si) = &self.session_index {
            s.push_str(&format!(r#" SessionIndex="{}""#, esc(si)));
        }
        if let Some(t) = self.session_not_on_or_after {
            s.push_str(&format!(r#" SessionNotOnOrAfter="{}""#, ts(t)));
        }
        s.push_str(&format!(
            "><{a}:AuthnContext><{a}:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</{a}:AuthnContextClassRef></{a}:AuthnContext></{a}:AuthnStatement>"
        ));
        s.push_str(&format!("</{a}:Assertion>"));
        s
    }

    /// The Response XML without any signature.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let builder = okta();
    /// let unsigned = builder.unsigned_xml();
    /// assert!(samlguard::find_signatures(&samlguard::Document::parse_str(&unsigned)?).is_empty());
    /// assert_eq!(validate(unsigned).unwrap_err().code(), ErrorCode::AssertionUnsigned); // 20
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unsigned_xml(&self) -> String {
        let (p, a) = self.prefixes();
        let mut s = format!(
            r#"<{p}:Response xmlns:{p}="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:{a}="urn:oasis:names:tc:SAML:2.0:assertion" ID="{}" Version="{}" IssueInstant="{}""#,
            esc(&self.response_id),
            esc(&self.version),
            ts(self.issue_instant)
        );
        if let Some(d) = &self.destination {
            s.push_str(&format!(r#" Destination="{}""#, esc(d)));
        }
        if let Some(v) = &self.in_response_to {
            s.push_str(&format!(r#" InResponseTo="{}""#, esc(v)));
        }
        s.push('>');
        if let Some(i) = &self.response_issuer {
            s.push_str(&format!("<{a}:Issuer>{}</{a}:Issuer>", esc(i)));
        }
        s.push_str(&format!(r#"<{p}:Status><{p}:StatusCode Value="{}""#, esc(&self.status)));
        match &self.sub_status {
            Some(sub) => s.push_str(&format!(r#"><{p}:StatusCode Value="{}"/></{p}:StatusCode>"#, esc(sub))),
            None => s.push_str("/>"),
        }
        if let Some(m) = &self.status_message {
            s.push_str(&format!("<{p}:StatusMessage>{}</{p}:StatusMessage>", esc(m)));
        }
        s.push_str(&format!("</{p}:Status>"));
        if self.include_assertion {
            s.push_str(&self.assertion_xml());
        }
        s.push_str(&format!("</{p}:Response>"));
        s
    }

    /// The Response XML, signed as the flavour and [`ResponseBuilder::sign_assertion`] /
    /// [`ResponseBuilder::sign_response`] say (the assertion first, then the Response); unsigned when no
    /// key was given with [`ResponseBuilder::sign_with`].
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let xml = okta().build()?; // Okta signs the assertion, then the Response
    /// let doc = samlguard::Document::parse_str(&xml)?;
    /// assert_eq!(samlguard::find_signatures(&doc).len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(&self) -> Result<String, SignError> {
        let mut xml = self.unsigned_xml();
        let Some((key, cert)) = &self.key else {
            return Ok(xml);
        };
        let mut signer = Signer::new(key.clone(), cert.clone()).digest_algorithm(self.digest);
        if let Some(alg) = self.algorithm {
            signer = signer.signature_algorithm(alg);
        }
        if self.sign_assertion && self.include_assertion {
            xml = signer.sign_enveloped(&xml, &self.assertion_id)?;
        }
        if self.sign_response {
            xml = signer.sign_enveloped(&xml, &self.response_id)?;
        }
        Ok(xml)
    }

    /// The signed Response, base64-encoded as the HTTP-POST binding carries it.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let b64 = okta().build_base64()?; // the SAMLResponse field's value
    /// let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// assert!(Validator::builder(sp, idp).build().validate(&SsoRequest::saml_response(&b64, now)).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build_base64(&self) -> Result<String, SignError> {
        Ok(base64::engine::general_purpose::STANDARD.encode(self.build()?))
    }

    /// An urlencoded POST body `SAMLResponse=…&RelayState=…`.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let body = okta().build_form_body("/inbox?tab=1")?; // what the browser POSTs to the ACS
    /// assert!(body.starts_with("SAMLResponse=") && body.ends_with("&RelayState=%2Finbox%3Ftab%3D1"));
    /// let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// let request = SsoRequest::form("POST", body.as_bytes(), now);
    /// let login = Validator::builder(sp, idp).build().validate(&request)?;
    /// assert_eq!(login.name_id.value, "alice@example.com");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build_form_body(&self, relay_state: &str) -> Result<String, SignError> {
        let b64 = self.build_base64()?;
        let enc = |s: &str| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        };
        Ok(format!("SAMLResponse={}&RelayState={}", enc(&b64), enc(relay_state)))
    }

    /// The Response ID.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let builder = okta();
    /// let login = validate(builder.build()?)?;
    /// assert_eq!(login.response_id, builder.get_response_id());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_response_id(&self) -> &str {
        &self.response_id
    }
    /// The assertion ID.
    ///
    /// ```
    /// # use samlguard::testkit::ResponseBuilder;
    /// # use samlguard::{Certificate, ErrorCode, IdentityProvider, Login, ServiceProvider, SigningKey};
    /// # use samlguard::{SsoError, SsoRequest, Validator};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// # let (idp_id, sp_id) = ("https://idp.example.com", "https://sp.example.com");
    /// # let acs = "https://sp.example.com/acs";
    /// # // A signed Okta-shaped response from idp_id to sp_id, issued `now`.
    /// # let okta = || ResponseBuilder::okta(idp_id, sp_id, acs, now).sign_with(key.clone(), cert.clone());
    /// # // The SP's check of a response (a fresh validator each time, so that no replay is seen).
    /// # let validate = |xml: String| -> Result<Login, SsoError> {
    /// #     let sp = ServiceProvider::builder(sp_id, acs).build()?;
    /// #     let idp = IdentityProvider::builder(idp_id).certificate(cert.clone()).build();
    /// #     Validator::builder(sp, idp).build().validate(&SsoRequest::xml(xml.as_bytes(), now))
    /// # };
    /// let builder = okta();
    /// let login = validate(builder.build()?)?;
    /// assert_eq!(login.assertion_id, builder.get_assertion_id()); // the ID the replay cache records
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_assertion_id(&self) -> &str {
        &self.assertion_id
    }
}

/// An attribute value for [`ResponseBuilder::attributes`].
///
/// ```
/// use samlguard::testkit::attr;
/// let a = attr("urn:oid:0.9.2342.19200300.100.1.3", Some("mail"), &["alice@example.com"]);
/// assert_eq!((a.friendly_name.as_deref(), a.values.len()), (Some("mail"), 1));
/// ```
pub fn attr(name: &str, friendly_name: Option<&str>, values: &[&str]) -> TestAttribute {
    TestAttribute {
        name: name.to_string(),
        friendly_name: friendly_name.map(str::to_string),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}
