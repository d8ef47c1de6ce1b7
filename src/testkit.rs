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

// ------------------------------------------------------------------------------------------------
// WS-Federation
// ------------------------------------------------------------------------------------------------

/// The WS-Trust version of a [`WsFedBuilder`]'s `RequestSecurityTokenResponse`.
///
/// ```
/// use samlguard::testkit::WsTrust;
/// assert_eq!(WsTrust::V2005.namespace(), "http://schemas.xmlsoap.org/ws/2005/02/trust");
/// assert_eq!(WsTrust::V1_3.namespace(), "http://docs.oasis-open.org/ws-sx/ws-trust/200512");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WsTrust {
    /// WS-Trust 1.3 (`http://docs.oasis-open.org/ws-sx/ws-trust/200512`), usually in a
    /// `RequestSecurityTokenResponseCollection` (WIF-based STSs).
    V1_3,
    /// WS-Trust February 2005 (`http://schemas.xmlsoap.org/ws/2005/02/trust`), a bare
    /// `RequestSecurityTokenResponse`: what ADFS and Entra ID post.
    V2005,
}

impl WsTrust {
    /// The namespace URI.
    pub fn namespace(self) -> &'static str {
        match self {
            WsTrust::V1_3 => "http://docs.oasis-open.org/ws-sx/ws-trust/200512",
            WsTrust::V2005 => "http://schemas.xmlsoap.org/ws/2005/02/trust",
        }
    }
    fn prefix(self) -> &'static str {
        match self {
            WsTrust::V1_3 => "trust",
            WsTrust::V2005 => "t",
        }
    }
    fn key_type(self) -> &'static str {
        match self {
            WsTrust::V1_3 => "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Bearer",
            WsTrust::V2005 => "http://schemas.xmlsoap.org/ws/2005/05/identity/NoProofKey",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Saml11Attribute {
    namespace: Option<String>,
    name: String,
    values: Vec<String>,
}

/// Builds a SAML 1.1 assertion (`urn:oasis:names:tc:SAML:1.0:assertion`, MajorVersion and
/// MinorVersion 1) shaped like the tokens ADFS issues to WS-Federation relying parties by default: `AssertionID`, an
/// `Issuer` attribute, `AudienceRestrictionCondition`, the subject's `NameIdentifier` with a bearer
/// confirmation repeated in the AttributeStatement and the AuthenticationStatement, claims as
/// `AttributeNamespace` + `AttributeName`, and the signature as the assertion's last child. Put it in
/// a `wresult` with [`WsFedBuilder::saml11`].
///
/// ```
/// use samlguard::testkit::Saml11Builder;
/// let now = "2030-01-01T12:00:00Z".parse()?;
/// let b = Saml11Builder::adfs("http://adfs.example.com/adfs/services/trust", "https://sp.example.com/", now);
/// let doc = samlguard::Document::parse_str(&b.assertion_xml())?;
/// assert_eq!(doc.root_element().attribute("AssertionID"), Some(b.get_assertion_id()));
/// assert_eq!(doc.root_element().attribute("MinorVersion"), Some("1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Saml11Builder {
    assertion_id: String,
    issuer: Option<String>,
    issue_instant: DateTime<Utc>,
    major_version: String,
    minor_version: String,
    not_before: Option<DateTime<Utc>>,
    not_on_or_after: Option<DateTime<Utc>>,
    audiences: Vec<Vec<String>>,
    name_identifier: Option<String>,
    name_identifier_format: Option<String>,
    name_qualifier: Option<String>,
    confirmation_method: String,
    attributes: Vec<Saml11Attribute>,
    authentication_instant: DateTime<Utc>,
    key: Option<(SigningKey, Certificate)>,
    digest: DigestAlgorithm,
}

const ADFS_CLAIMS: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims";

impl Saml11Builder {
    /// An ADFS-shaped SAML 1.1 token from `idp` for the relying party `sp` (its realm, the audience),
    /// issued at `now`, valid for an hour: NameIdentifier `alice@example.com` (emailAddress), claims
    /// upn, emailaddress, givenname and surname. Unsigned until [`Saml11Builder::sign_with`].
    pub fn adfs(idp: &str, sp: &str, now: DateTime<Utc>) -> Self {
        let seed = format!("saml11{idp}{sp}{now}");
        let claim = |name: &str, value: &str| Saml11Attribute {
            namespace: Some(ADFS_CLAIMS.to_string()),
            name: name.to_string(),
            values: vec![value.to_string()],
        };
        Saml11Builder {
            assertion_id: format!("_{}", id_from(&seed, 1)),
            issuer: Some(idp.to_string()),
            issue_instant: now,
            major_version: "1".into(),
            minor_version: "1".into(),
            not_before: Some(now - Duration::seconds(5)),
            not_on_or_after: Some(now + Duration::hours(1)),
            audiences: vec![vec![sp.to_string()]],
            name_identifier: Some("alice@example.com".into()),
            name_identifier_format: Some("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress".into()),
            name_qualifier: None,
            confirmation_method: "urn:oasis:names:tc:SAML:1.0:cm:bearer".into(),
            attributes: vec![
                claim("upn", "alice@example.com"),
                claim("emailaddress", "alice@example.com"),
                claim("givenname", "Alice"),
                claim("surname", "Liddell"),
            ],
            authentication_instant: now - Duration::seconds(2),
            key: None,
            digest: DigestAlgorithm::Sha256,
        }
    }
    /// The key and certificate to sign the assertion with (without them it stays unsigned).
    pub fn sign_with(mut self, key: SigningKey, certificate: Certificate) -> Self {
        self.key = Some((key, certificate));
        self
    }
    /// The digest algorithm of the signature's reference (SHA-256 by default).
    pub fn digest_algorithm(mut self, alg: DigestAlgorithm) -> Self {
        self.digest = alg;
        self
    }
    /// The `Issuer` attribute (None: omitted).
    pub fn issuer(mut self, issuer: Option<&str>) -> Self {
        self.issuer = issuer.map(str::to_string);
        self
    }
    /// The `AssertionID`.
    pub fn assertion_id(mut self, id: &str) -> Self {
        self.assertion_id = id.to_string();
        self
    }
    /// The `IssueInstant`.
    pub fn issue_instant(mut self, t: DateTime<Utc>) -> Self {
        self.issue_instant = t;
        self
    }
    /// `MajorVersion` and `MinorVersion`.
    pub fn version(mut self, major: &str, minor: &str) -> Self {
        self.major_version = major.to_string();
        self.minor_version = minor.to_string();
        self
    }
    /// Conditions `NotBefore` (None: omitted).
    pub fn not_before(mut self, t: Option<DateTime<Utc>>) -> Self {
        self.not_before = t;
        self
    }
    /// Conditions `NotOnOrAfter` (None: omitted).
    pub fn not_on_or_after(mut self, t: Option<DateTime<Utc>>) -> Self {
        self.not_on_or_after = t;
        self
    }
    /// The `AudienceRestrictionCondition`s, each with its `Audience` values (empty: none).
    pub fn audience_restrictions(mut self, restrictions: Vec<Vec<String>>) -> Self {
        self.audiences = restrictions;
        self
    }
    /// The `NameIdentifier` value.
    pub fn name_identifier(mut self, v: &str) -> Self {
        self.name_identifier = Some(v.to_string());
        self
    }
    /// Leaves the `NameIdentifier` out of every Subject (what ADFS does without a Name ID claim rule).
    pub fn without_name_identifier(mut self) -> Self {
        self.name_identifier = None;
        self
    }
    /// The `NameIdentifier` `Format` (None: omitted).
    pub fn name_identifier_format(mut self, f: Option<&str>) -> Self {
        self.name_identifier_format = f.map(str::to_string);
        self
    }
    /// The `NameIdentifier` `NameQualifier` (None: omitted).
    pub fn name_qualifier(mut self, q: Option<&str>) -> Self {
        self.name_qualifier = q.map(str::to_string);
        self
    }
    /// The `ConfirmationMethod` (bearer by default).
    pub fn confirmation_method(mut self, m: &str) -> Self {
        self.confirmation_method = m.to_string();
        self
    }
    /// Adds an attribute with this `AttributeNamespace` (None: omitted) and `AttributeName`.
    pub fn attribute(mut self, namespace: Option<&str>, name: &str, values: &[&str]) -> Self {
        self.attributes.push(Saml11Attribute {
            namespace: namespace.map(str::to_string),
            name: name.to_string(),
            values: values.iter().map(|v| v.to_string()).collect(),
        });
        self
    }
    /// Removes every attribute (the AttributeStatement then carries only the Subject).
    pub fn without_attributes(mut self) -> Self {
        self.attributes.clear();
        self
    }
    /// The `AssertionID`.
    pub fn get_assertion_id(&self) -> &str {
        &self.assertion_id
    }

    fn subject_xml(&self) -> String {
        let mut s = String::from("<saml:Subject>");
        if let Some(n) = &self.name_identifier {
            s.push_str("<saml:NameIdentifier");
            if let Some(f) = &self.name_identifier_format {
                s.push_str(&format!(r#" Format="{}""#, esc(f)));
            }
            if let Some(q) = &self.name_qualifier {
                s.push_str(&format!(r#" NameQualifier="{}""#, esc(q)));
            }
            s.push_str(&format!(">{}</saml:NameIdentifier>", esc(n)));
        }
        s.push_str(&format!(
            "<saml:SubjectConfirmation><saml:ConfirmationMethod>{}</saml:ConfirmationMethod></saml:SubjectConfirmation></saml:Subject>",
            esc(&self.confirmation_method)
        ));
        s
    }

    /// The assertion XML, unsigned, with its namespace declaration.
    pub fn assertion_xml(&self) -> String {
        let mut s = format!(
            r#"<saml:Assertion MajorVersion="{}" MinorVersion="{}" AssertionID="{}""#,
            esc(&self.major_version),
            esc(&self.minor_version),
            esc(&self.assertion_id)
        );
        if let Some(i) = &self.issuer {
            s.push_str(&format!(r#" Issuer="{}""#, esc(i)));
        }
        s.push_str(&format!(
            r#" IssueInstant="{}" xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion"><saml:Conditions"#,
            ts(self.issue_instant)
        ));
        if let Some(t) = self.not_before {
            s.push_str(&format!(r#" NotBefore="{}""#, ts(t)));
        }
        if let Some(t) = self.not_on_or_after {
            s.push_str(&format!(r#" NotOnOrAfter="{}""#, ts(t)));
        }
        s.push('>');
        for r in &self.audiences {
            s.push_str("<saml:AudienceRestrictionCondition>");
            for au in r {
                s.push_str(&format!("<saml:Audience>{}</saml:Audience>", esc(au)));
            }
            s.push_str("</saml:AudienceRestrictionCondition>");
        }
        s.push_str("</saml:Conditions><saml:AttributeStatement>");
        s.push_str(&self.subject_xml());
        for at in &self.attributes {
            s.push_str(&format!(r#"<saml:Attribute AttributeName="{}""#, esc(&at.name)));
            if let Some(ns) = &at.namespace {
                s.push_str(&format!(r#" AttributeNamespace="{}""#, esc(ns)));
            }
            s.push('>');
            for v in &at.values {
                s.push_str(&format!("<saml:AttributeValue>{}</saml:AttributeValue>", esc(v)));
            }
            s.push_str("</saml:Attribute>");
        }
        s.push_str(&format!(
            r#"</saml:AttributeStatement><saml:AuthenticationStatement AuthenticationMethod="urn:oasis:names:tc:SAML:1.0:am:password" AuthenticationInstant="{}">"#,
            ts(self.authentication_instant)
        ));
        s.push_str(&self.subject_xml());
        s.push_str("</saml:AuthenticationStatement></saml:Assertion>");
        s
    }

    /// The assertion XML, signed (the signature last, as the SAML 1.1 schema places it) when a key was
    /// given with [`Saml11Builder::sign_with`].
    pub fn build(&self) -> Result<String, SignError> {
        let xml = self.assertion_xml();
        match &self.key {
            None => Ok(xml),
            Some((key, cert)) => Signer::new(key.clone(), cert.clone())
                .digest_algorithm(self.digest)
                .placement(crate::dsig::SignaturePlacement::LastChild)
                .sign_enveloped(&xml, &self.assertion_id),
        }
    }
}

#[derive(Clone, Debug)]
enum WsFedToken {
    Saml2(Box<ResponseBuilder>),
    Saml11(Box<Saml11Builder>),
}

/// Builds a WS-Federation sign-in POST: `wa=wsignin1.0&wresult=…` where `wresult` is a WS-Trust
/// `RequestSecurityTokenResponse` (WS-Trust 2005 by default, as ADFS and Entra ID send it; or 1.3,
/// optionally in a `RequestSecurityTokenResponseCollection`) whose `RequestedSecurityToken` carries a
/// signed SAML 2.0 assertion (from a [`ResponseBuilder`]) or a signed SAML 1.1 assertion (from a
/// [`Saml11Builder`]). The token's structure can be broken on purpose: no token, two, another
/// content, several responses.
///
/// ```
/// use samlguard::testkit::{Saml11Builder, WsFedBuilder};
/// use samlguard::{Certificate, IdentityProvider, ServiceProvider, SigningKey, SsoRequest, Validator};
/// let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
/// let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
/// let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
/// let now = "2030-01-01T12:00:00Z".parse()?;
/// let (adfs, realm) = ("http://adfs.example.com/adfs/services/trust", "https://sp.example.com/");
/// let token = Saml11Builder::adfs(adfs, realm, now).sign_with(key, cert.clone());
/// let body = WsFedBuilder::saml11(token).wctx(Some("rm=0&id=passive")).build_form_body()?;
/// assert!(body.starts_with("wa=wsignin1.0&wresult="));
///
/// let sp = ServiceProvider::builder(realm, "https://sp.example.com/wsfed").build()?;
/// let idp = IdentityProvider::builder(adfs).certificate(cert).build();
/// let login = Validator::builder(sp, idp).build().validate(&SsoRequest::form("POST", body.as_bytes(), now))?;
/// assert_eq!(login.name_id.value, "alice@example.com");
/// assert_eq!(login.attribute("upn"), Some(&["alice@example.com".to_string()][..]));
/// assert_eq!(login.session_index, None); // SAML 1.1 has none
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct WsFedBuilder {
    token: WsFedToken,
    trust: WsTrust,
    collection: bool,
    applies_to: String,
    created: DateTime<Utc>,
    expires: DateTime<Utc>,
    token_xml: Option<String>,
    requested_tokens: usize,
    responses: usize,
    wctx: Option<String>,
}

impl WsFedBuilder {
    fn with(token: WsFedToken, applies_to: String, created: DateTime<Utc>, expires: DateTime<Utc>) -> Self {
        WsFedBuilder {
            token,
            trust: WsTrust::V2005,
            collection: false,
            applies_to,
            created,
            expires,
            token_xml: None,
            requested_tokens: 1,
            responses: 1,
            wctx: None,
        }
    }
    /// A `wresult` carrying the assertion of `response` (signed as its [`ResponseBuilder::sign_assertion`]
    /// and key say; the Response itself is not used). `AppliesTo` is the first audience.
    pub fn saml2(response: ResponseBuilder) -> Self {
        let applies_to = response.audiences.first().and_then(|r| r.first()).cloned().unwrap_or_default();
        let (created, expires) =
            (response.assertion_issue_instant, response.not_on_or_after.unwrap_or(response.issue_instant));
        Self::with(WsFedToken::Saml2(Box::new(response)), applies_to, created, expires)
    }
    /// A `wresult` carrying this SAML 1.1 assertion. `AppliesTo` is the first audience.
    pub fn saml11(assertion: Saml11Builder) -> Self {
        let applies_to = assertion.audiences.first().and_then(|r| r.first()).cloned().unwrap_or_default();
        let (created, expires) =
            (assertion.issue_instant, assertion.not_on_or_after.unwrap_or(assertion.issue_instant));
        Self::with(WsFedToken::Saml11(Box::new(assertion)), applies_to, created, expires)
    }
    /// The WS-Trust version (2005 by default).
    pub fn trust(mut self, version: WsTrust) -> Self {
        self.trust = version;
        self
    }
    /// Wraps the response(s) in a `RequestSecurityTokenResponseCollection`.
    pub fn collection(mut self, on: bool) -> Self {
        self.collection = on;
        self
    }
    /// The `wctx` field (None: omitted).
    pub fn wctx(mut self, wctx: Option<&str>) -> Self {
        self.wctx = wctx.map(str::to_string);
        self
    }
    /// The `AppliesTo` address (the realm).
    pub fn applies_to(mut self, realm: &str) -> Self {
        self.applies_to = realm.to_string();
        self
    }
    /// How many `RequestedSecurityToken` elements each response carries, each with the token (1 by
    /// default; 0 leaves it out).
    pub fn requested_tokens(mut self, n: usize) -> Self {
        self.requested_tokens = n;
        self
    }
    /// How many `RequestSecurityTokenResponse` elements, each with the token (1 by default; more than
    /// one implies a collection).
    pub fn responses(mut self, n: usize) -> Self {
        self.responses = n;
        self
    }
    /// Puts this XML in the `RequestedSecurityToken` instead of the assertion (e.g. an
    /// `xenc:EncryptedData`, or another token type).
    pub fn requested_token_xml(mut self, xml: &str) -> Self {
        self.token_xml = Some(xml.to_string());
        self
    }
    /// The assertion's ID.
    pub fn get_assertion_id(&self) -> &str {
        match &self.token {
            WsFedToken::Saml2(b) => b.get_assertion_id(),
            WsFedToken::Saml11(b) => b.get_assertion_id(),
        }
    }

    /// The token, signed as its builder says.
    fn token(&self) -> Result<String, SignError> {
        if let Some(x) = &self.token_xml {
            return Ok(x.clone());
        }
        match &self.token {
            WsFedToken::Saml11(b) => b.build(),
            WsFedToken::Saml2(b) => {
                let xml = b.assertion_xml();
                match &b.key {
                    Some((key, cert)) if b.sign_assertion => {
                        let mut signer = Signer::new(key.clone(), cert.clone()).digest_algorithm(b.digest);
                        if let Some(alg) = b.algorithm {
                            signer = signer.signature_algorithm(alg);
                        }
                        signer.sign_enveloped(&xml, &b.assertion_id)
                    }
                    _ => Ok(xml),
                }
            }
        }
    }

    /// The `wresult` value: the RequestSecurityTokenResponse (or the collection) as XML.
    pub fn wresult(&self) -> Result<String, SignError> {
        let token = self.token()?;
        let (t, ns) = (self.trust.prefix(), self.trust.namespace());
        let (token_type, reference) = match &self.token {
            WsFedToken::Saml2(_) => (
                "urn:oasis:names:tc:SAML:2.0:assertion",
                "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLID",
            ),
            WsFedToken::Saml11(_) => (
                "urn:oasis:names:tc:SAML:1.0:assertion",
                "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.0#SAMLAssertionID",
            ),
        };
        let wsu = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
        let mut rstr = format!(r#"<{t}:RequestSecurityTokenResponse xmlns:{t}="{ns}">"#);
        rstr.push_str(&format!(
            r#"<{t}:Lifetime><wsu:Created xmlns:wsu="{wsu}">{}</wsu:Created><wsu:Expires xmlns:wsu="{wsu}">{}</wsu:Expires></{t}:Lifetime>"#,
            ts(self.created),
            ts(self.expires)
        ));
        rstr.push_str(&format!(
            r#"<wsp:AppliesTo xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy"><wsa:EndpointReference xmlns:wsa="http://www.w3.org/2005/08/addressing"><wsa:Address>{}</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>"#,
            esc(&self.applies_to)
        ));
        for _ in 0..self.requested_tokens {
            rstr.push_str(&format!("<{t}:RequestedSecurityToken>{token}</{t}:RequestedSecurityToken>"));
        }
        rstr.push_str(&format!(
            r#"<{t}:RequestedAttachedReference><o:SecurityTokenReference xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><o:KeyIdentifier ValueType="{reference}">{}</o:KeyIdentifier></o:SecurityTokenReference></{t}:RequestedAttachedReference>"#,
            esc(self.get_assertion_id())
        ));
        rstr.push_str(&format!(
            "<{t}:TokenType>{token_type}</{t}:TokenType><{t}:RequestType>{ns}/Issue</{t}:RequestType><{t}:KeyType>{}</{t}:KeyType></{t}:RequestSecurityTokenResponse>",
            self.trust.key_type()
        ));
        if !self.collection && self.responses == 1 {
            return Ok(rstr);
        }
        let mut s = format!(r#"<{t}:RequestSecurityTokenResponseCollection xmlns:{t}="{ns}">"#);
        for _ in 0..self.responses {
            s.push_str(&rstr);
        }
        s.push_str(&format!("</{t}:RequestSecurityTokenResponseCollection>"));
        Ok(s)
    }

    /// The urlencoded POST body: `wa=wsignin1.0&wresult=…` and `&wctx=…` when set.
    pub fn build_form_body(&self) -> Result<String, SignError> {
        let enc = |s: &str| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        };
        let mut body = format!("wa=wsignin1.0&wresult={}", enc(&self.wresult()?));
        if let Some(c) = &self.wctx {
            body.push_str(&format!("&wctx={}", enc(c)));
        }
        Ok(body)
    }
}
