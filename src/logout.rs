//! Single Logout (SAML 2.0 Core §3.7, Profiles §4.4) for the SP: building the SP's LogoutRequest
//! (code 27 when it cannot be built or signed), and validating what the IdP sends — a LogoutRequest
//! (code 30 on any failure) or the LogoutResponse to the SP's own request (code 29).
//!
//! Incoming messages are accepted in the HTTP-Redirect binding (the signature is verified over the raw
//! query string as received; the inflated message is capped at `max_response_bytes`) and the HTTP-POST
//! binding (an enveloped signature that covers the message root). A message must be signed: unsigned is
//! refused. Values are read from the root the signature covers.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};

use crate::authn_request::{Encoding, check_relay_state, endpoint_for, outbound_error, remember, timestamp};
use crate::binding::{
    Binding, BindingError, OutboundMessage, RedirectQuery, SamlParameter, decode_base64, form_fields,
    inflate_base64, new_message_id, xml_escape,
};
use crate::cert::Certificate;
use crate::config::{IdentityProvider, NAMEID_UNSPECIFIED, SAML_NS, SAMLP_NS, ServiceProvider};
use crate::dsig::{DsigError, find_signatures, verify_signature};
use crate::error::{Detail, ErrorCode, SsoError, Stage};
use crate::stores::RequestStore;
use crate::validate::{NameId, parse_time};
use crate::xml::{Document, Element};

const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const PARTIAL_LOGOUT: &str = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout";

// ---------------------------------------------------------------------------------------------
// The SP's LogoutRequest
// ---------------------------------------------------------------------------------------------

/// Builds the SP's LogoutRequest for a user's session: the NameID (with its Format and qualifiers, as
/// the IdP sent them at login) and the SessionIndex, to the IdP's SingleLogoutService for the binding.
/// The Single Logout profile requires the request to be signed, so the SP needs a signing key; every
/// failure is code 27.
///
/// ```
/// use samlguard::*;
/// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
/// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
/// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
/// let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs")
///     .certificate(cert)
///     .signing_key(key)
///     .build()?;
/// let idp = IdentityProvider::builder("https://idp.example.com/metadata")
///     .slo_endpoint(BINDING_HTTP_REDIRECT, "https://idp.example.com/slo")
///     .build();
/// let name_id = NameId {
///     value: "alice@example.com".into(),
///     format: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress".into(),
///     name_qualifier: None,
///     sp_name_qualifier: None,
/// };
/// let store = InMemoryRequestStore::new(1000);
/// let now = "2030-01-01T12:00:00Z".parse()?;
/// let request = LogoutRequestBuilder::new(&sp, &idp, name_id)
///     .session_index("_session-1")
///     .request_store(&store)
///     .build(now)?;
/// assert!(request.redirect_url().unwrap().contains("&SigAlg="));
/// assert!(request.xml().contains("<samlp:SessionIndex>_session-1</samlp:SessionIndex>"));
/// // The LogoutResponse will answer this ID.
/// assert!(store.take(request.id(), now)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct LogoutRequestBuilder<'a> {
    sp: &'a ServiceProvider,
    idp: &'a IdentityProvider,
    name_id: NameId,
    session_indexes: Vec<String>,
    binding: Binding,
    relay_state: Option<String>,
    reason: Option<String>,
    not_on_or_after: Option<DateTime<Utc>>,
    store: Option<&'a dyn RequestStore>,
    lifetime: Duration,
}

impl std::fmt::Debug for LogoutRequestBuilder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogoutRequestBuilder")
            .field("sp", &self.sp.entity_id())
            .field("idp", &self.idp.entity_id())
            .field("binding", &self.binding)
            .finish_non_exhaustive()
    }
}

impl<'a> LogoutRequestBuilder<'a> {
    /// A LogoutRequest for `name_id`: HTTP-Redirect, no SessionIndex, no RelayState, outstanding for 10
    /// minutes once recorded.
    ///
    /// ```
    /// # use samlguard::*;
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// # let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}ec256.key"))?)?;
    /// # let cert = Certificate::from_pem(&std::fs::read(format!("{keys}ec256.crt"))?)?;
    /// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs")
    /// #     .certificate(cert).signing_key(key).build()?;
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .slo_endpoint(BINDING_HTTP_POST, "https://idp.example.com/slo").build();
    /// let name_id = NameId {
    ///     value: "AAdzZWNyZXQx".into(),
    ///     format: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent".into(),
    ///     name_qualifier: Some("https://idp.example.com/metadata".into()),
    ///     sp_name_qualifier: Some("https://sp.example.com/saml/metadata".into()),
    /// };
    /// let r = LogoutRequestBuilder::new(&sp, &idp, name_id).binding(Binding::HttpPost).build(chrono::Utc::now())?;
    /// assert!(r.xml().contains(r#"NameQualifier="https://idp.example.com/metadata""#));
    /// assert_eq!(r.signature_algorithm(), Some(SignatureAlgorithm::EcdsaSha256));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(sp: &'a ServiceProvider, idp: &'a IdentityProvider, name_id: NameId) -> Self {
        LogoutRequestBuilder {
            sp,
            idp,
            name_id,
            session_indexes: Vec::new(),
            binding: Binding::HttpRedirect,
            relay_state: None,
            reason: None,
            not_on_or_after: None,
            store: None,
            lifetime: Duration::from_secs(600),
        }
    }
    /// Adds a SessionIndex (the login's `AuthnStatement` SessionIndex). Repeat for several.
    pub fn session_index(mut self, index: impl Into<String>) -> Self {
        self.session_indexes.push(index.into());
        self
    }
    /// Chooses the binding (default HTTP-Redirect).
    pub fn binding(mut self, binding: Binding) -> Self {
        self.binding = binding;
        self
    }
    /// Sends a RelayState (at most 80 bytes).
    pub fn relay_state(mut self, relay_state: impl Into<String>) -> Self {
        self.relay_state = Some(relay_state.into());
        self
    }
    /// Sets the `Reason` attribute (e.g. `urn:oasis:names:tc:SAML:2.0:logout:user`).
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
    /// Sets `NotOnOrAfter`: the IdP must not act on the request from then on.
    pub fn not_on_or_after(mut self, t: DateTime<Utc>) -> Self {
        self.not_on_or_after = Some(t);
        self
    }
    /// Records the request ID in this outstanding-request store (a store failure is code 27).
    pub fn request_store(mut self, store: &'a dyn RequestStore) -> Self {
        self.store = Some(store);
        self
    }
    /// How long the request stays outstanding in the store (default 10 minutes).
    pub fn request_lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// Builds and signs the request at `now`. Every failure is code 27.
    ///
    /// ```
    /// use samlguard::*;
    /// // An SP without a signing key cannot send a LogoutRequest: the profile requires a signature.
    /// let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs").build()?;
    /// let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    ///     .slo_endpoint(BINDING_HTTP_REDIRECT, "https://idp.example.com/slo")
    ///     .build();
    /// let name_id = NameId { value: "alice".into(), format: NAMEID_UNSPECIFIED.into(), name_qualifier: None, sp_name_qualifier: None };
    /// let err = LogoutRequestBuilder::new(&sp, &idp, name_id).build(chrono::Utc::now()).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::LogoutRequestGenerationFailed); // 27
    /// assert!(err.detail().fix.as_deref().unwrap().contains("private_key"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(self, now: DateTime<Utc>) -> Result<OutboundMessage, SsoError> {
        const CODE: ErrorCode = ErrorCode::LogoutRequestGenerationFailed;
        let endpoint = endpoint_for(self.idp.slo_endpoints(), self.binding, "single logout", self.idp, CODE)?;
        check_relay_state(self.relay_state.as_deref(), CODE)?;
        if self.name_id.value.trim().is_empty() {
            return Err(outbound_error(
                CODE,
                "the NameID to log out is empty",
                "pass the NameID of the user's login (as the IdP sent it in the assertion)",
            ));
        }
        if self.sp.signing_key().is_none() {
            return Err(outbound_error(
                CODE,
                "the SP has no signing key, and a LogoutRequest must be signed (SAML 2.0 Profiles §4.4.3.1)",
                "configure [sp] private_key and [sp] certificate (and give the IdP that certificate)",
            ));
        }
        let id = new_message_id().map_err(|_| {
            outbound_error(
                CODE,
                "the system random generator failed",
                "check the operating system's entropy source",
            )
        })?;
        let xml = self.xml(&id, now, &endpoint.location);
        let message = Encoding {
            sp: self.sp,
            code: CODE,
            what: "LogoutRequest",
            parameter: SamlParameter::Request,
            binding: self.binding,
            destination: &endpoint.location,
            relay_state: self.relay_state.as_deref(),
        }
        .encode(id, now, xml)?;
        remember(self.store, &message.id, self.lifetime, now, CODE)?;
        Ok(message)
    }

    fn xml(&self, id: &str, now: DateTime<Utc>, destination: &str) -> String {
        let mut x = String::with_capacity(1024);
        x.push_str(&format!(r#"<samlp:LogoutRequest xmlns:samlp="{SAMLP_NS}" xmlns:saml="{SAML_NS}""#));
        x.push_str(&format!(r#" ID="{}" Version="2.0" IssueInstant="{}""#, xml_escape(id), timestamp(now)));
        x.push_str(&format!(r#" Destination="{}""#, xml_escape(destination)));
        if let Some(t) = self.not_on_or_after {
            x.push_str(&format!(r#" NotOnOrAfter="{}""#, timestamp(t)));
        }
        if let Some(r) = &self.reason {
            x.push_str(&format!(r#" Reason="{}""#, xml_escape(r)));
        }
        x.push('>');
        x.push_str(&format!("<saml:Issuer>{}</saml:Issuer>", xml_escape(self.sp.entity_id().trim())));
        let n = &self.name_id;
        x.push_str("<saml:NameID");
        if let Some(q) = &n.name_qualifier {
            x.push_str(&format!(r#" NameQualifier="{}""#, xml_escape(q)));
        }
        if let Some(q) = &n.sp_name_qualifier {
            x.push_str(&format!(r#" SPNameQualifier="{}""#, xml_escape(q)));
        }
        // An absent Format means unspecified: write it only when it says something.
        if !n.format.trim().is_empty() && n.format.trim() != NAMEID_UNSPECIFIED {
            x.push_str(&format!(r#" Format="{}""#, xml_escape(n.format.trim())));
        }
        x.push_str(&format!(">{}</saml:NameID>", xml_escape(n.value.trim())));
        for s in self.session_indexes.iter().filter(|s| !s.trim().is_empty()) {
            x.push_str(&format!("<samlp:SessionIndex>{}</samlp:SessionIndex>", xml_escape(s.trim())));
        }
        x.push_str("</samlp:LogoutRequest>");
        x
    }
}

// ---------------------------------------------------------------------------------------------
// Incoming logout messages
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Body {
    /// A raw HTTP-Redirect query string.
    Redirect(String),
    /// An urlencoded HTTP-POST body.
    Form(Vec<u8>),
    /// Decoded XML (HTTP-POST).
    Xml(Vec<u8>),
    /// A bare base64 value (of XML, or of deflated XML).
    Base64(String),
}

/// One incoming logout message (from the IdP) with the time to judge it at and, for a LogoutResponse,
/// the ID(s) of the SP's outstanding LogoutRequest.
///
/// ```
/// let now = "2030-01-01T12:00:00Z".parse().unwrap();
/// let m = samlguard::LogoutMessage::redirect("SAMLResponse=abc&SigAlg=x&Signature=y", now).request_id("_r1");
/// assert_eq!(m.request_ids(), ["_r1"]);
/// ```
#[derive(Clone, Debug)]
pub struct LogoutMessage {
    body: Body,
    request_ids: Vec<String>,
    now: DateTime<Utc>,
}

impl LogoutMessage {
    /// An HTTP-Redirect message: the raw query string exactly as received (a leading `?`, or the whole
    /// URL, is fine). Do not decode or re-encode it: the signature covers its exact octets.
    pub fn redirect(query: &str, now: DateTime<Utc>) -> Self {
        LogoutMessage { body: Body::Redirect(query.to_owned()), request_ids: Vec::new(), now }
    }
    /// An HTTP-POST message: the urlencoded body with its `SAMLRequest` or `SAMLResponse` field.
    pub fn form(body: &[u8], now: DateTime<Utc>) -> Self {
        LogoutMessage { body: Body::Form(body.to_vec()), request_ids: Vec::new(), now }
    }
    /// An HTTP-POST message already decoded to XML.
    pub fn xml(xml: &[u8], now: DateTime<Utc>) -> Self {
        LogoutMessage { body: Body::Xml(xml.to_vec()), request_ids: Vec::new(), now }
    }
    /// Detects what `input` is: XML (starts with `<`); a query string or form body (has a `SAMLRequest=`
    /// or `SAMLResponse=` field) — HTTP-Redirect when it carries `SigAlg`/`Signature` or its message is
    /// not plain base64 XML, HTTP-POST otherwise; else a bare base64 value.
    ///
    /// ```
    /// use samlguard::LogoutMessage;
    /// let now = chrono::Utc::now();
    /// let post = format!("SAMLResponse={}", "PExvZ291dFJlc3BvbnNlLz4%3D"); // <LogoutResponse/>
    /// assert!(format!("{:?}", LogoutMessage::detect(post.as_bytes(), now)).contains("Form"));
    /// let redirect = "SAMLRequest=abc&SigAlg=x&Signature=y";
    /// assert!(format!("{:?}", LogoutMessage::detect(redirect.as_bytes(), now)).contains("Redirect"));
    /// ```
    pub fn detect(input: &[u8], now: DateTime<Utc>) -> Self {
        let trimmed = input.trim_ascii();
        let text = String::from_utf8_lossy(trimmed).into_owned();
        let body = if trimmed.starts_with(b"<") || trimmed.starts_with(&[0xEF, 0xBB, 0xBF]) {
            Body::Xml(trimmed.to_vec())
        } else if text.contains('=') && !looks_like_base64(&text) {
            let query_part = text.split_once('?').map_or(text.as_str(), |(_, q)| q);
            let fields = form_fields(query_part.as_bytes());
            let signed = fields.iter().any(|(k, _)| k == "SigAlg" || k == "Signature");
            let message = fields.iter().find(|(k, _)| k == "SAMLRequest" || k == "SAMLResponse");
            let plain_xml = message.is_some_and(|(_, v)| base64_of_xml(v));
            if !signed && plain_xml && !text.starts_with("http") {
                Body::Form(trimmed.to_vec())
            } else {
                Body::Redirect(text)
            }
        } else {
            Body::Base64(text)
        };
        LogoutMessage { body, request_ids: Vec::new(), now }
    }
    /// Adds the ID of an outstanding LogoutRequest (what a LogoutResponse must answer).
    pub fn request_id(mut self, id: impl Into<String>) -> Self {
        self.request_ids.push(id.into());
        self
    }
    /// The outstanding LogoutRequest IDs given.
    pub fn request_ids(&self) -> &[String] {
        &self.request_ids
    }
    /// The time the message is judged at.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }
}

/// Whether a base64 value decodes to XML (`<` after optional white space), judged from its first 64
/// characters so that sniffing costs nothing on a large value.
fn base64_of_xml(value: &str) -> bool {
    let head: Vec<u8> = value
        .bytes()
        .filter(|c| !matches!(c, b'\r' | b'\n' | b'\t'))
        .map(|c| if c == b' ' { b'+' } else { c })
        .take(64)
        .collect();
    let head = &head[..head.len() / 4 * 4];
    base64::engine::general_purpose::STANDARD
        .decode(head)
        .is_ok_and(|x| x.trim_ascii_start().starts_with(b"<"))
}

/// A base64 value (possibly ending in `=` padding) rather than `name=value` pairs.
fn looks_like_base64(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    !body.is_empty()
        && body.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'\r' | b'\n'))
}

/// A validated LogoutRequest from the IdP: whom to log out. Everything here was read from the message
/// its trusted signature covers.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct VerifiedLogoutRequest {
    /// The request ID (the `InResponseTo` of the SP's LogoutResponse).
    pub id: String,
    /// The Issuer (the IdP entity ID).
    pub issuer: String,
    /// The NameID of the user to log out.
    pub name_id: NameId,
    /// The SessionIndex values (none: every session of the user).
    pub session_indexes: Vec<String>,
    /// The `Reason`, if given.
    pub reason: Option<String>,
    /// `NotOnOrAfter`, if given.
    pub not_on_or_after: Option<DateTime<Utc>>,
    /// The RelayState that came with the message (to send back with the LogoutResponse).
    pub relay_state: Option<String>,
    /// The binding it arrived with.
    pub binding: Binding,
    /// The trusted certificate whose key verified the signature.
    pub certificate: Certificate,
}

/// A validated LogoutResponse from the IdP to the SP's LogoutRequest.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct VerifiedLogoutResponse {
    /// The response ID.
    pub id: String,
    /// The Issuer (the IdP entity ID).
    pub issuer: String,
    /// The LogoutRequest it answers.
    pub in_response_to: String,
    /// Whether the IdP reported a partial logout (Success with the PartialLogout sub-code): some other
    /// session participants could not be logged out.
    pub partial: bool,
    /// The RelayState that came with the message.
    pub relay_state: Option<String>,
    /// The binding it arrived with.
    pub binding: Binding,
    /// The trusted certificate whose key verified the signature.
    pub certificate: Certificate,
}

/// Validates the logout messages the IdP sends to the SP's Single Logout URL.
///
/// ```
/// use samlguard::*;
/// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
/// # let idp_key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
/// let idp_cert = Certificate::from_pem(&std::fs::read(format!("{keys}rsa2048.crt"))?)?;
/// let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs")
///     .slo_url("https://sp.example.com/saml/slo")
///     .build()?;
/// let idp = IdentityProvider::builder("https://idp.example.com/metadata").certificate(idp_cert).build();
/// let validator = LogoutValidator::builder(sp, idp).build();
///
/// // The IdP logs alice out: a LogoutRequest signed over the query string (HTTP-Redirect).
/// let xml = r#"<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
///     xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_lr1" Version="2.0"
///     IssueInstant="2030-01-01T12:00:00Z" Destination="https://sp.example.com/saml/slo">
///     <saml:Issuer>https://idp.example.com/metadata</saml:Issuer>
///     <saml:NameID>alice@example.com</saml:NameID><samlp:SessionIndex>_s1</samlp:SessionIndex>
///     </samlp:LogoutRequest>"#;
/// let query = redirect_query(SamlParameter::Request, xml.as_bytes(), None, Some(&idp_key))?;
/// let now = "2030-01-01T12:00:10Z".parse()?;
/// let logout = validator.validate_request(&LogoutMessage::redirect(&query, now))?;
/// assert_eq!(logout.name_id.value, "alice@example.com");
/// assert_eq!(logout.session_indexes, ["_s1"]);
///
/// // The same message without its signature: code 30.
/// let unsigned = redirect_query(SamlParameter::Request, xml.as_bytes(), None, None)?;
/// let err = validator.validate_request(&LogoutMessage::redirect(&unsigned, now)).unwrap_err();
/// assert_eq!(err.code(), ErrorCode::InvalidRequest);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct LogoutValidator {
    sp: ServiceProvider,
    idp: IdentityProvider,
    requests: Option<Arc<dyn RequestStore>>,
}

impl std::fmt::Debug for LogoutValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogoutValidator")
            .field("sp", &self.sp.entity_id())
            .field("idp", &self.idp.entity_id())
            .finish_non_exhaustive()
    }
}

/// Builds a [`LogoutValidator`]. Without a request store, only the IDs given with each
/// [`LogoutMessage`] are outstanding LogoutRequests.
pub struct LogoutValidatorBuilder {
    v: LogoutValidator,
}

impl std::fmt::Debug for LogoutValidatorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.v.fmt(f)
    }
}

impl LogoutValidatorBuilder {
    /// Checks a LogoutResponse's InResponseTo against (and consumes it from) this store as well as the
    /// IDs given with the message.
    pub fn request_store(mut self, store: Arc<dyn RequestStore>) -> Self {
        self.v.requests = Some(store);
        self
    }
    /// The validator.
    pub fn build(self) -> LogoutValidator {
        self.v
    }
}

/// Which message is expected.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Request,
    Response,
}

impl Kind {
    fn code(self) -> ErrorCode {
        match self {
            Kind::Request => ErrorCode::InvalidRequest,
            Kind::Response => ErrorCode::InvalidResponse,
        }
    }
    fn root(self) -> &'static str {
        match self {
            Kind::Request => "LogoutRequest",
            Kind::Response => "LogoutResponse",
        }
    }
    fn parameter(self) -> SamlParameter {
        match self {
            Kind::Request => SamlParameter::Request,
            Kind::Response => SamlParameter::Response,
        }
    }
}

/// The transport decoded: the XML, and how it came.
struct Decoded {
    xml: Vec<u8>,
    binding: Binding,
    query: Option<RedirectQuery>,
    relay_state: Option<String>,
}

/// What every incoming logout message must satisfy, checked.
struct Checked<'d> {
    root: Element<'d>,
    id: String,
    issuer: String,
    certificate: Certificate,
}

fn describe_cert(c: &Certificate) -> String {
    format!(
        "{} (SHA-256 fingerprint {}, valid {} to {})",
        c.subject(),
        c.fingerprint_colon(),
        c.not_before().to_rfc3339(),
        c.not_after().to_rfc3339()
    )
}

impl LogoutValidator {
    /// Starts a builder.
    pub fn builder(sp: ServiceProvider, idp: IdentityProvider) -> LogoutValidatorBuilder {
        LogoutValidatorBuilder { v: LogoutValidator { sp, idp, requests: None } }
    }
    /// The service provider.
    pub fn service_provider(&self) -> &ServiceProvider {
        &self.sp
    }
    /// The identity provider.
    pub fn identity_provider(&self) -> &IdentityProvider {
        &self.idp
    }

    /// Validates a LogoutRequest from the IdP. Any failure is code 30 (4 when no IdP certificate is
    /// configured); success gives the NameID and SessionIndexes to log out.
    ///
    /// Checks, in order: the binding's encoding (and the size cap on inflation), the root
    /// (`samlp:LogoutRequest`, Version 2.0, ID, IssueInstant not beyond the skew in the future), the
    /// Issuer (the IdP), the Destination (when present: `[sp] slo_url`), the signature (query-string or
    /// enveloped, by a trusted certificate valid at `now` when validity is enforced; unsigned is refused),
    /// NotOnOrAfter (with the skew), and a non-empty NameID.
    pub fn validate_request(&self, message: &LogoutMessage) -> Result<VerifiedLogoutRequest, SsoError> {
        let kind = Kind::Request;
        let decoded = self.decode(message, kind)?;
        let doc = self.parse(&decoded, kind)?;
        let checked = self.check_common(&doc, &decoded, kind, message.now)?;
        let root = checked.root;
        let now = message.now;
        let skew = self.skew();
        let not_on_or_after = match root.attribute("NotOnOrAfter") {
            None => None,
            Some(v) => Some(parse_time(v).ok_or_else(|| {
                self.fail(
                    kind,
                    format!("the LogoutRequest NotOnOrAfter {v:?} is not an xs:dateTime"),
                    None,
                    "the message was damaged or crafted",
                )
            })?),
        };
        if let Some(t) = not_on_or_after
            && now >= t + skew
        {
            return Err(self.fail(
                kind,
                format!(
                    "the LogoutRequest expired: NotOnOrAfter {} passed {} s ago, beyond the clock skew of {} s",
                    t.to_rfc3339(),
                    (now - t).num_seconds(),
                    skew.num_seconds()
                ),
                Some(format!("a request still valid at {}", now.to_rfc3339())),
                "the request was delivered late or replayed, or the clocks differ: synchronise both with NTP",
            ));
        }
        let name_id = self.name_id(root, kind)?;
        let session_indexes: Vec<String> = root
            .children_named(SAMLP_NS, "SessionIndex")
            .map(|e| e.text().trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        Ok(VerifiedLogoutRequest {
            id: checked.id,
            issuer: checked.issuer,
            name_id,
            session_indexes,
            reason: root.attribute("Reason").map(str::to_owned),
            not_on_or_after,
            relay_state: decoded.relay_state,
            binding: decoded.binding,
            certificate: checked.certificate,
        })
    }

    /// Validates the IdP's LogoutResponse to the SP's LogoutRequest. Any failure is code 29 (4 when no
    /// IdP certificate is configured).
    ///
    /// Checks, in order: the binding's encoding, the root (`samlp:LogoutResponse`, Version 2.0, ID,
    /// IssueInstant), the Issuer, the Destination (when present: `[sp] slo_url`), the signature, the
    /// InResponseTo (an outstanding LogoutRequest ID: given with the message, or taken from the store),
    /// and the status (Success; anything else is reported with its code, sub-code and message).
    pub fn validate_response(&self, message: &LogoutMessage) -> Result<VerifiedLogoutResponse, SsoError> {
        let kind = Kind::Response;
        let decoded = self.decode(message, kind)?;
        let doc = self.parse(&decoded, kind)?;
        let checked = self.check_common(&doc, &decoded, kind, message.now)?;
        let root = checked.root;
        let irt = root.attribute("InResponseTo").map(str::trim).unwrap_or("");
        if irt.is_empty() {
            return Err(self.fail(
                kind,
                "the LogoutResponse has no InResponseTo",
                Some("the ID of the SP's LogoutRequest".into()),
                "a LogoutResponse must answer a LogoutRequest the SP sent; this one answers none",
            ));
        }
        let given = message.request_ids.iter().any(|r| r == irt);
        let taken = !given
            && match &self.requests {
                Some(s) => s.take(irt, message.now).unwrap_or(false),
                None => false,
            };
        if !given && !taken {
            let expected = if message.request_ids.is_empty() {
                "an outstanding LogoutRequest ID".to_owned()
            } else {
                format!("one of {:?}", message.request_ids)
            };
            let fix = if message.request_ids.is_empty() && self.requests.is_none() {
                "no LogoutRequest is outstanding: pass the ID of the SP's LogoutRequest (--request-id)"
            } else {
                "the response answers another (or an already answered, or expired) LogoutRequest; log out again from the SP"
            };
            return Err(self.fail(
                kind,
                format!("the LogoutResponse InResponseTo is {irt:?}"),
                Some(expected),
                fix,
            ));
        }
        let status = root.child_named(SAMLP_NS, "Status").ok_or_else(|| {
            self.fail(
                kind,
                "the LogoutResponse has no Status",
                None,
                "the IdP sent a malformed LogoutResponse",
            )
        })?;
        let status_code = status.child_named(SAMLP_NS, "StatusCode").ok_or_else(|| {
            self.fail(
                kind,
                "the LogoutResponse Status has no StatusCode",
                None,
                "the IdP sent a malformed LogoutResponse",
            )
        })?;
        let top = status_code.attribute("Value").map(str::trim).unwrap_or("");
        let mut codes = vec![top.to_owned()];
        let mut cur = status_code;
        while let Some(sub) = cur.child_named(SAMLP_NS, "StatusCode") {
            codes.push(sub.attribute("Value").unwrap_or("(no Value)").trim().to_owned());
            cur = sub;
        }
        if top != SUCCESS {
            let message_text =
                status.child_named(SAMLP_NS, "StatusMessage").map(|m| m.text().trim().to_owned());
            let mut found = format!(
                "the IdP answered the logout with status {}",
                if top.is_empty() { "(no Value)" } else { top }
            );
            if codes.len() > 1 {
                found.push_str(&format!(", sub-code {}", codes[1..].join(" / ")));
            }
            if let Some(m) = message_text {
                found.push_str(&format!(", message {m:?}"));
            }
            return Err(self.fail(
                kind,
                found,
                Some(SUCCESS.to_owned()),
                "the IdP could not end the user's session; its logs for this request say why (the session may already have ended). Clear the SP session anyway",
            ));
        }
        Ok(VerifiedLogoutResponse {
            id: checked.id,
            issuer: checked.issuer,
            in_response_to: irt.to_owned(),
            partial: codes.iter().skip(1).any(|c| c == PARTIAL_LOGOUT),
            relay_state: decoded.relay_state,
            binding: decoded.binding,
            certificate: checked.certificate,
        })
    }

    fn skew(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.sp.clock_skew()).unwrap_or(chrono::Duration::zero())
    }

    fn fail(&self, kind: Kind, found: impl Into<String>, expected: Option<String>, fix: &str) -> SsoError {
        let mut d = Detail::new(Stage::Inbound, found);
        if let Some(e) = expected {
            d = d.expected(e);
        }
        SsoError::new(kind.code(), d.fix(fix))
    }

    fn binding_error(&self, kind: Kind, e: &BindingError) -> SsoError {
        let fix = match e {
            BindingError::TooLarge { .. } => {
                "raise max_response_bytes if the IdP's logout messages are legitimately this large; a small message inflating past it is a deflate bomb"
            }
            BindingError::DuplicateParameter(_) | BindingError::BothMessages => {
                "the query string was crafted; refuse it"
            }
            _ => {
                "pass the message exactly as received: the raw query string for HTTP-Redirect, the urlencoded body for HTTP-POST"
            }
        };
        self.fail(kind, format!("the {} cannot be decoded: {e}", kind.root()), None, fix)
    }

    fn decode(&self, message: &LogoutMessage, kind: Kind) -> Result<Decoded, SsoError> {
        let limit = self.sp.max_response_bytes();
        let cap = limit.saturating_mul(2).saturating_add(4096);
        let too_big = |n: usize| {
            self.fail(
                kind,
                format!("the message is {n} bytes, over the limit of {cap} bytes"),
                None,
                "raise max_response_bytes if the IdP's logout messages are legitimately this large",
            )
        };
        let other = kind.parameter();
        let wrong_parameter = |found: SamlParameter| {
            let hint = match kind {
                Kind::Request => {
                    "it is a response: validate it as a LogoutResponse (logout validate-response)"
                }
                Kind::Response => "it is a request: validate it as a LogoutRequest (logout validate-request)",
            };
            self.fail(
                kind,
                format!("the message is carried in {}, not {}", found.name(), other.name()),
                Some(other.name().to_owned()),
                hint,
            )
        };
        match &message.body {
            Body::Redirect(q) => {
                if q.len() > cap {
                    return Err(too_big(q.len()));
                }
                let query = RedirectQuery::parse(q).map_err(|e| self.binding_error(kind, &e))?;
                if query.parameter() != other {
                    return Err(wrong_parameter(query.parameter()));
                }
                let xml = query.message(limit).map_err(|e| self.binding_error(kind, &e))?;
                let relay_state = query.relay_state();
                Ok(Decoded { xml, binding: Binding::HttpRedirect, query: Some(query), relay_state })
            }
            Body::Form(f) => {
                if f.len() > cap {
                    return Err(too_big(f.len()));
                }
                let fields = form_fields(f);
                let named = |n: &str| {
                    fields.iter().filter(|(k, _)| k == n).map(|(_, v)| v.as_str()).collect::<Vec<_>>()
                };
                let wanted = named(other.name());
                let unwanted = match kind {
                    Kind::Request => SamlParameter::Response,
                    Kind::Response => SamlParameter::Request,
                };
                let value = match wanted.as_slice() {
                    [one] => *one,
                    [] if !named(unwanted.name()).is_empty() => return Err(wrong_parameter(unwanted)),
                    [] => {
                        return Err(self.fail(
                            kind,
                            format!("the POST body has no {} field", other.name()),
                            None,
                            "the IdP must post the message in a form field of that name",
                        ));
                    }
                    _ => {
                        return Err(self.fail(
                            kind,
                            format!("the POST body has more than one {} field", other.name()),
                            None,
                            "the message was crafted; refuse it",
                        ));
                    }
                };
                let xml =
                    decode_base64(value, other.name(), limit).map_err(|e| self.binding_error(kind, &e))?;
                let relay_state = named("RelayState").first().map(|s| (*s).to_owned());
                Ok(Decoded { xml, binding: Binding::HttpPost, query: None, relay_state })
            }
            Body::Xml(x) => {
                if x.len() > limit {
                    return Err(too_big(x.len()));
                }
                Ok(Decoded { xml: x.clone(), binding: Binding::HttpPost, query: None, relay_state: None })
            }
            Body::Base64(b) => {
                let raw = decode_base64(b, other.name(), limit).map_err(|e| self.binding_error(kind, &e))?;
                if raw.trim_ascii_start().starts_with(b"<") {
                    Ok(Decoded { xml: raw, binding: Binding::HttpPost, query: None, relay_state: None })
                } else {
                    // Deflated: an HTTP-Redirect value without its query string (and so without its signature).
                    let xml =
                        inflate_base64(b, other.name(), limit).map_err(|e| self.binding_error(kind, &e))?;
                    Ok(Decoded { xml, binding: Binding::HttpRedirect, query: None, relay_state: None })
                }
            }
        }
    }

    fn parse(&self, decoded: &Decoded, kind: Kind) -> Result<Document, SsoError> {
        Document::parse_with(&decoded.xml, self.sp.parse_options()).map_err(|e| {
            self.fail(
                kind,
                format!("the {} is not acceptable XML: {e}", kind.root()),
                None,
                "the message was damaged or crafted; capture it and compare with what the IdP sent",
            )
        })
    }

    fn check_common<'d>(
        &self,
        doc: &'d Document,
        decoded: &Decoded,
        kind: Kind,
        now: DateTime<Utc>,
    ) -> Result<Checked<'d>, SsoError> {
        let what = kind.root();
        let root = doc.root_element();
        if !root.is(SAMLP_NS, what) {
            let hint = match (kind, root.local_name()) {
                (Kind::Request, "LogoutResponse") => {
                    "it is a LogoutResponse: validate it as one (logout validate-response)"
                }
                (Kind::Response, "LogoutRequest") => {
                    "it is a LogoutRequest: validate it as one (logout validate-request)"
                }
                _ => "the IdP sent another kind of message to the Single Logout URL",
            };
            return Err(self.fail(
                kind,
                format!(
                    "the root element is <{}> in namespace {:?}",
                    root.qualified_name(),
                    root.namespace().unwrap_or("")
                ),
                Some(format!("samlp:{what} in {SAMLP_NS}")),
                hint,
            ));
        }
        match root.attribute("Version") {
            Some("2.0") => {}
            other => {
                return Err(self.fail(
                    kind,
                    format!(
                        "the {what} Version is {}",
                        other.map_or_else(|| "missing".to_owned(), |v| format!("{v:?}"))
                    ),
                    Some("2.0".into()),
                    "only SAML 2.0 logout messages are accepted",
                ));
            }
        }
        let id = root.attribute("ID").map(str::trim).unwrap_or("");
        if id.is_empty() {
            return Err(self.fail(
                kind,
                format!("the {what} has no ID"),
                None,
                "the IdP sent a malformed message",
            ));
        }
        let ii = root.attribute("IssueInstant").ok_or_else(|| {
            self.fail(
                kind,
                format!("the {what} has no IssueInstant"),
                None,
                "the IdP sent a malformed message",
            )
        })?;
        let ii = parse_time(ii).ok_or_else(|| {
            self.fail(
                kind,
                format!("the {what} IssueInstant {ii:?} is not an xs:dateTime"),
                None,
                "the IdP sent a malformed message",
            )
        })?;
        let skew = self.skew();
        if ii > now + skew {
            return Err(self.fail(
                kind,
                format!(
                    "the {what} IssueInstant {} is {} s in the future, beyond the clock skew of {} s",
                    ii.to_rfc3339(),
                    (ii - now).num_seconds(),
                    skew.num_seconds()
                ),
                None,
                "the IdP's clock is ahead or ours is behind: synchronise both with NTP",
            ));
        }
        // Issuer: required by the Single Logout profile, and the IdP's.
        let issuer = match root.child_named(SAML_NS, "Issuer") {
            Some(i) => i.text().trim().to_owned(),
            None => {
                return Err(self.fail(
                    kind,
                    format!("the {what} has no Issuer"),
                    Some(self.idp.entity_id().to_owned()),
                    "the Single Logout profile requires the IdP to name itself in Issuer; check the IdP's logout configuration",
                ));
            }
        };
        if issuer != self.idp.entity_id().trim() {
            return Err(self.fail(
                kind,
                format!("the {what} Issuer is {issuer:?}"),
                Some(self.idp.entity_id().to_owned()),
                "the message comes from another IdP, or the IdP entity ID is configured wrongly",
            ));
        }
        if let Some(dest) = root.attribute("Destination") {
            match self.sp.slo_url() {
                None => {
                    return Err(self.fail(
                        kind,
                        format!("the {what} Destination is {dest:?}, and the SP has no Single Logout URL to compare it with"),
                        Some("[sp] slo_url".into()),
                        "set slo_url in [sp] to the Single Logout URL registered at the IdP",
                    ));
                }
                Some(slo) if slo != dest => {
                    let how = if dest.trim_end_matches('/') == slo.trim_end_matches('/') {
                        "; they differ only by a trailing slash"
                    } else {
                        ""
                    };
                    return Err(self.fail(
                        kind,
                        format!("the {what} Destination is {dest:?}{how}"),
                        Some(slo.to_owned()),
                        "make the Single Logout URL registered at the IdP and slo_url in [sp] identical",
                    ));
                }
                Some(_) => {}
            }
        }
        let certificate = self.check_signatures(doc, root, decoded, kind, now)?;
        Ok(Checked { root, id: id.to_owned(), issuer, certificate })
    }

    /// The message must be signed — over the query string (HTTP-Redirect) or with one enveloped
    /// signature on the root — by a trusted certificate (valid at `now` when enforced). Returns that
    /// certificate.
    fn check_signatures(
        &self,
        doc: &Document,
        root: Element<'_>,
        decoded: &Decoded,
        kind: Kind,
        now: DateTime<Utc>,
    ) -> Result<Certificate, SsoError> {
        let what = kind.root();
        let trusted = self.idp.certificates();
        if trusted.is_empty() {
            return Err(SsoError::new(
                ErrorCode::NoCertificate,
                Detail::new(Stage::Config, format!("no signing certificate is configured for the IdP {}", self.idp.entity_id()))
                    .fix("import the IdP's signing certificate ([idp] certificates, or metadata with a signing KeyDescriptor)"),
            ));
        }
        let sigs = find_signatures(doc);
        for s in &sigs {
            if s.parent_element() != Some(root) {
                let (line, _) = s.position();
                let inside = s.parent_element().map(|p| p.qualified_name()).unwrap_or_default();
                return Err(self.fail(
                    kind,
                    format!("a ds:Signature sits in an unexpected place (inside <{inside}>, line {line}); only the {what} itself may be signed"),
                    None,
                    "this is the shape of a signature-wrapping attack; refuse the message",
                ));
            }
        }
        if sigs.len() > 1 {
            return Err(self.fail(
                kind,
                format!("the {what} carries {} signatures; one is allowed", sigs.len()),
                None,
                "the message was crafted; refuse it",
            ));
        }
        let query_signed = decoded.query.as_ref().filter(|q| q.is_signed());
        if query_signed.is_none() && sigs.is_empty() {
            let how = match decoded.binding {
                Binding::HttpRedirect => {
                    "the query string carries no SigAlg/Signature and the XML no ds:Signature"
                }
                Binding::HttpPost => "the XML carries no ds:Signature",
            };
            return Err(self.fail(
                kind,
                format!("the {what} is unsigned ({how})"),
                Some("a signature by the IdP".into()),
                "configure the IdP to sign logout messages (the Single Logout profile requires it); an unsigned logout message is never accepted",
            ));
        }
        let mut verifying: Vec<usize> = Vec::new();
        if let Some(q) = query_signed {
            let v =
                q.verify(trusted, self.sp.algorithms()).map_err(|e| self.query_signature_error(kind, &e))?;
            verifying = v.certificate_indices;
        }
        if let [sig] = sigs.as_slice() {
            let v = verify_signature(*sig, trusted, self.sp.algorithms())
                .map_err(|e| self.xml_signature_error(kind, &e, sig.position().0))?;
            if v.signed_element() != root {
                return Err(self.fail(
                    kind,
                    format!(
                        "the {what}'s signature references <{}> at line {} instead of the {what} it sits in",
                        v.signed_element().qualified_name(),
                        v.signed_element().position().0
                    ),
                    None,
                    "this is the shape of a signature-wrapping attack; refuse the message",
                ));
            }
            let idx = v.certificate_indices().to_vec();
            verifying = if verifying.is_empty() {
                idx
            } else {
                verifying.into_iter().filter(|i| idx.contains(i)).collect()
            };
            if verifying.is_empty() {
                return Err(self.fail(
                    kind,
                    format!(
                        "the {what}'s query-string and XML signatures were made with different trusted keys"
                    ),
                    None,
                    "the message was assembled from two messages; refuse it",
                ));
            }
        }
        let certs: Vec<&Certificate> = verifying.iter().filter_map(|i| trusted.get(*i)).collect();
        if let Some(valid) = certs.iter().find(|c| c.is_valid_at(now)) {
            return Ok((*valid).clone());
        }
        let Some(c) = certs.first() else {
            return Err(self.fail(
                kind,
                format!("the {what}'s signature verified with no trusted certificate"),
                None,
                "refuse the message",
            ));
        };
        if self.sp.enforce_certificate_validity() {
            let when = if now < c.not_before() { "is not yet valid" } else { "has expired" };
            return Err(self.fail(
                kind,
                format!("the {what} is signed by the trusted certificate {}, which {when} at {}", describe_cert(c), now.to_rfc3339()),
                Some("a signature by a certificate valid now".into()),
                "import the IdP's current signing certificate (from its metadata), or set enforce_certificate_validity = false if the IdP deliberately keeps an expired certificate",
            ));
        }
        Ok((*c).clone())
    }

    fn trusted_list(&self) -> String {
        let trusted: Vec<String> = self
            .idp
            .certificates()
            .iter()
            .map(|c| format!("{} ({})", c.subject(), c.fingerprint_colon()))
            .collect();
        format!("a signature by one of the {} trusted certificate(s): {}", trusted.len(), trusted.join("; "))
    }

    fn query_signature_error(&self, kind: Kind, e: &BindingError) -> SsoError {
        let what = kind.root();
        let fix = match e {
            BindingError::AlgorithmRefused { uri, .. } if uri.ends_with("rsa-sha1") => {
                "configure the IdP to sign with RSA-SHA256 (ADFS: the relying party's secure hash algorithm SHA-256), or, for an IdP that cannot, set allow_sha1 = true in [sp]"
            }
            BindingError::AlgorithmRefused { .. } | BindingError::UnknownAlgorithm(_) => {
                "configure the IdP to sign with RSA-SHA256"
            }
            BindingError::BadSignature { .. } => {
                "the query string was altered (or re-encoded by a proxy: pass it exactly as received), or the IdP signs with a key the SP does not trust: compare the IdP's current signing certificate with [idp] certificates"
            }
            BindingError::NoUsableKey { .. } => {
                "import the IdP's signing certificate of the matching key type"
            }
            _ => "the query string was damaged or crafted; pass it exactly as received",
        };
        let mut d = Detail::new(Stage::Inbound, format!("the {what}'s query-string signature fails: {e}"));
        if matches!(e, BindingError::BadSignature { .. }) {
            d = d.expected(self.trusted_list());
        }
        SsoError::new(kind.code(), d.fix(fix))
    }

    fn xml_signature_error(&self, kind: Kind, e: &DsigError, line: usize) -> SsoError {
        let what = kind.root();
        let mut d =
            Detail::new(Stage::Inbound, format!("the signature of the {what} (line {line}) fails: {e}"));
        if let Some(u) = e.untrusted_key_info() {
            d = d.expected(self.trusted_list());
            d = d.fix(if u.signature_verifies {
                format!(
                    "the IdP signs with {} now: it has probably rolled its signing certificate; check its current metadata and, if genuine, import that certificate ([idp] certificates)",
                    u.certificate.fingerprint_colon()
                )
            } else {
                "the signature does not verify even with the certificate the message carries: the message was altered or forged".to_owned()
            });
        } else {
            d = d.fix("the message was altered after signing, or it uses an algorithm the SP refuses (SHA-1 needs allow_sha1 = true); compare it with what the IdP sent");
        }
        SsoError::new(kind.code(), d)
    }

    /// Decrypts an EncryptedID (covered by the verified signature) into its NameID. Every failure gives
    /// the same detail, so that nothing becomes a decryption oracle.
    #[cfg(feature = "encryption")]
    fn decrypted_name_id(
        &self,
        encrypted: Element<'_>,
        key: &crate::xmlenc::DecryptionKey,
        kind: Kind,
    ) -> Result<NameId, SsoError> {
        let fragment =
            crate::xmlenc::decrypt_fragment(encrypted, key, self.sp.parse_options(), SAML_NS, "NameID")
                .map_err(|e| {
                    let mut d = crate::xmlenc::failure_detail("EncryptedID", &e);
                    d.stage = Stage::Inbound;
                    SsoError::new(kind.code(), d)
                })?;
        let Some(name_id) = fragment.element() else {
            return Err(self.fail(
                kind,
                "the EncryptedID holds no NameID",
                None,
                "the IdP sent a malformed LogoutRequest",
            ));
        };
        self.plain_name_id(name_id, kind)
    }

    fn name_id(&self, root: Element<'_>, kind: Kind) -> Result<NameId, SsoError> {
        let identifiers: Vec<Element<'_>> = root
            .child_elements()
            .filter(|e| matches!(e.local_name(), "NameID" | "EncryptedID" | "BaseID"))
            .collect();
        let [one] = identifiers.as_slice() else {
            let found = if identifiers.is_empty() {
                "the LogoutRequest names no user (no NameID)".to_owned()
            } else {
                format!(
                    "the LogoutRequest carries {} identifiers (NameID/EncryptedID/BaseID); exactly one is allowed",
                    identifiers.len()
                )
            };
            return Err(self.fail(
                kind,
                found,
                Some("one saml:NameID".into()),
                "the IdP sent a malformed LogoutRequest",
            ));
        };
        match (one.local_name(), one.namespace()) {
            ("NameID", Some(SAML_NS)) => {}
            ("EncryptedID", _) => {
                #[cfg(feature = "encryption")]
                if let Some(key) = self.sp.decryption_key() {
                    return self.decrypted_name_id(*one, key, kind);
                }
                return Err(self.fail(
                    kind,
                    format!(
                        "the NameID is encrypted (EncryptedID at line {}), and {}",
                        one.position().0,
                        if cfg!(feature = "encryption") {
                            "the SP has no decryption key"
                        } else {
                            "this build of samlguard cannot decrypt (feature `encryption` is off)"
                        }
                    ),
                    Some("a plain saml:NameID, or an SP decryption key".into()),
                    "configure [sp] private_key (an RSA key, with the certificate the IdP encrypts for), or turn off NameID encryption for logout messages at the IdP",
                ));
            }
            _ => {
                return Err(self.fail(
                    kind,
                    format!(
                        "the LogoutRequest identifies the user with <{}> in namespace {:?}",
                        one.qualified_name(),
                        one.namespace().unwrap_or("")
                    ),
                    Some(format!("saml:NameID in {SAML_NS}")),
                    "configure the IdP to identify the user with a NameID",
                ));
            }
        }
        self.plain_name_id(*one, kind)
    }

    fn plain_name_id(&self, one: Element<'_>, kind: Kind) -> Result<NameId, SsoError> {
        if !one.is(SAML_NS, "NameID") {
            return Err(self.fail(
                kind,
                format!("the EncryptedID holds <{}>, not a NameID", one.qualified_name()),
                Some(format!("saml:NameID in {SAML_NS}")),
                "the IdP sent a malformed LogoutRequest",
            ));
        }
        let value = one.text().trim().to_owned();
        if value.is_empty() {
            return Err(self.fail(
                kind,
                "the LogoutRequest NameID is empty",
                None,
                "the IdP sent a malformed LogoutRequest",
            ));
        }
        Ok(NameId {
            value,
            format: one
                .attribute("Format")
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .unwrap_or(NAMEID_UNSPECIFIED)
                .to_owned(),
            name_qualifier: one.attribute("NameQualifier").map(str::to_owned),
            sp_name_qualifier: one.attribute("SPNameQualifier").map(str::to_owned),
        })
    }
}
