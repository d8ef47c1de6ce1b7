//! The Response validation pipeline: bytes → one parse → signatures verified on that tree → the
//! assertion read only from the node a verified signature covers → policy checks in SPEC §2 order →
//! account checks → a [`Login`].

use std::sync::Arc;

use base64::Engine as _;
use chrono::{DateTime, NaiveDateTime, Utc};

use crate::accounts::{Account, AccountPolicy, AccountStore};
use crate::cert::Certificate;
use crate::config::{IdentityProvider, NAMEID_UNSPECIFIED, SAML_NS, SAMLP_NS, ServiceProvider};
use crate::dsig::{DSIG_NS, DsigError, VerifiedSignature, find_signatures, verify_signature};
use crate::error::{Detail, ErrorCode, SsoError, Stage};
use crate::stores::{InMemoryReplayCache, ReplayCache, RequestStore};
use crate::xml::{Document, Element};

// WS-Federation tokens run through this module's pipeline; the module is a child so that it can.
#[path = "wsfed.rs"]
mod wsfed;
use wsfed::Dialect;

const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";

/// The NameID of a validated login.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameId {
    /// The value, trimmed.
    pub value: String,
    /// The Format (absent means `urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified`).
    pub format: String,
    /// The NameQualifier, if present.
    pub name_qualifier: Option<String>,
    /// The SPNameQualifier, if present.
    pub sp_name_qualifier: Option<String>,
}

/// One attribute of a validated login.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SamlAttribute {
    /// The Name.
    pub name: String,
    /// The FriendlyName, if present.
    pub friendly_name: Option<String>,
    /// Every AttributeValue's text, in order.
    pub values: Vec<String>,
}

/// A validated login: everything here was read from the assertion a trusted signature covers.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Login {
    /// The assertion's Issuer (the IdP entity ID).
    pub issuer: String,
    /// The subject's NameID.
    pub name_id: NameId,
    /// The AuthnStatement's SessionIndex.
    pub session_index: Option<String>,
    /// The AuthnStatement's AuthnInstant.
    pub authn_instant: Option<DateTime<Utc>>,
    /// The attributes, in document order.
    pub attributes: Vec<SamlAttribute>,
    /// Conditions NotBefore.
    pub not_before: Option<DateTime<Utc>>,
    /// Conditions NotOnOrAfter.
    pub not_on_or_after: Option<DateTime<Utc>>,
    /// The AuthnStatement's SessionNotOnOrAfter.
    pub session_not_on_or_after: Option<DateTime<Utc>>,
    /// The assertion ID.
    pub assertion_id: String,
    /// The Response ID (empty for a WS-Federation token, which arrives without a Response).
    pub response_id: String,
    /// The Response's InResponseTo, if any.
    pub in_response_to: Option<String>,
    /// The trusted certificate whose key verified the signature covering the assertion.
    pub certificate: Certificate,
    /// Whether the Response itself was signed, and whether the assertion was.
    pub response_signed: bool,
    /// Whether the assertion carried its own valid signature.
    pub assertion_signed: bool,
    /// The account, when account checks are configured.
    pub account: Option<Account>,
}

impl Login {
    /// The values of the attribute with this Name (or, failing that, this FriendlyName).
    ///
    /// ```no_run
    /// # fn f(login: samlguard::Login) {
    /// let email = login.attribute("email").and_then(|v| v.first().cloned());
    /// # }
    /// ```
    pub fn attribute(&self, name: &str) -> Option<&[String]> {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .or_else(|| self.attributes.iter().find(|a| a.friendly_name.as_deref() == Some(name)))
            .map(|a| a.values.as_slice())
    }
}

/// What arrived at the Assertion Consumer Service.
#[derive(Clone, Debug)]
enum Body {
    /// An `application/x-www-form-urlencoded` body.
    Form(Vec<u8>),
    /// The (base64) value of the `SAMLResponse` field.
    SamlResponse(String),
    /// Decoded XML.
    Xml(Vec<u8>),
}

/// One incoming SSO message with its context: HTTP method, body, the outstanding AuthnRequest IDs, and
/// the time to judge it at (the clock is always an argument).
///
/// ```
/// use samlguard::SsoRequest;
/// let now = "2026-01-01T00:00:00Z".parse().unwrap();
/// let req = SsoRequest::form("POST", b"SAMLResponse=PHNhbWxwOlJlc3BvbnNlLz4%3D", now).request_id("id-123");
/// assert_eq!(req.request_ids(), ["id-123"]);
/// ```
#[derive(Clone, Debug)]
pub struct SsoRequest {
    method: String,
    body: Body,
    request_ids: Vec<String>,
    now: DateTime<Utc>,
}

impl SsoRequest {
    /// A request with an urlencoded form body.
    pub fn form(method: &str, body: &[u8], now: DateTime<Utc>) -> Self {
        SsoRequest {
            method: method.to_string(),
            body: Body::Form(body.to_vec()),
            request_ids: Vec::new(),
            now,
        }
    }
    /// A POST whose `SAMLResponse` field value (base64) was already extracted.
    pub fn saml_response(value: &str, now: DateTime<Utc>) -> Self {
        SsoRequest {
            method: "POST".into(),
            body: Body::SamlResponse(value.to_string()),
            request_ids: Vec::new(),
            now,
        }
    }
    /// A POST carrying this already-decoded XML.
    pub fn xml(xml: &[u8], now: DateTime<Utc>) -> Self {
        SsoRequest { method: "POST".into(), body: Body::Xml(xml.to_vec()), request_ids: Vec::new(), now }
    }
    /// Detects what `input` is: raw XML (starts with `<`), an urlencoded body (has a `SAMLResponse=`,
    /// `SAMLart=` or `wresult=` field), or else base64 of XML.
    ///
    /// ```
    /// let now = "2026-01-01T00:00:00Z".parse().unwrap();
    /// let r = samlguard::SsoRequest::detect("POST", b"  <samlp:Response/>", now);
    /// # let _ = r;
    /// ```
    pub fn detect(method: &str, input: &[u8], now: DateTime<Utc>) -> Self {
        let trimmed = trim_ascii(input);
        let body = if trimmed.starts_with(b"<") || trimmed.starts_with(&[0xEF, 0xBB, 0xBF]) {
            Body::Xml(trimmed.to_vec())
        } else if form_fields(trimmed)
            .iter()
            .any(|(k, _)| matches!(k.as_str(), "SAMLResponse" | "SAMLart" | "wresult"))
        {
            Body::Form(trimmed.to_vec())
        } else {
            Body::SamlResponse(String::from_utf8_lossy(trimmed).into_owned())
        };
        SsoRequest { method: method.to_string(), body, request_ids: Vec::new(), now }
    }
    /// Adds an outstanding AuthnRequest ID.
    pub fn request_id(mut self, id: impl Into<String>) -> Self {
        self.request_ids.push(id.into());
        self
    }
    /// Adds outstanding AuthnRequest IDs.
    pub fn request_ids_from<S: Into<String>>(mut self, ids: impl IntoIterator<Item = S>) -> Self {
        self.request_ids.extend(ids.into_iter().map(Into::into));
        self
    }
    /// The outstanding AuthnRequest IDs given.
    pub fn request_ids(&self) -> &[String] {
        &self.request_ids
    }
    /// The time the message is judged at.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !c.is_ascii_whitespace()).map(|i| i + 1).unwrap_or(start);
    &b[start..end.max(start)]
}

fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    let decode = |s: &[u8]| -> String {
        let plus: Vec<u8> = s.iter().map(|&c| if c == b'+' { b' ' } else { c }).collect();
        percent_encoding::percent_decode(&plus).decode_utf8_lossy().into_owned()
    };
    body.split(|&c| c == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.iter().position(|&c| c == b'=') {
            Some(i) => (decode(&pair[..i]), decode(&pair[i + 1..])),
            None => (decode(pair), String::new()),
        })
        .collect()
}

/// Validates SAML Responses for one SP and one IdP.
///
/// ```no_run
/// use samlguard::{IdentityProvider, ServiceProvider, SsoRequest, Validator, Certificate};
/// let sp = ServiceProvider::builder("https://sp.example.com/metadata", "https://sp.example.com/acs").build()?;
/// let cert = Certificate::from_pem(&std::fs::read("idp.pem").unwrap()).unwrap();
/// let idp = IdentityProvider::builder("https://idp.example.com").certificate(cert).build();
/// let validator = Validator::builder(sp, idp).build();
/// # let body: &[u8] = b"";
/// match validator.validate(&SsoRequest::form("POST", body, chrono::Utc::now())) {
///     Ok(login) => println!("welcome {}", login.name_id.value),
///     Err(e) => println!("{} ({})", e.code().user_message(), e.detail()),
/// }
/// # Ok::<(), samlguard::SsoError>(())
/// ```
pub struct Validator {
    sp: ServiceProvider,
    idp: IdentityProvider,
    replay: Arc<dyn ReplayCache>,
    requests: Option<Arc<dyn RequestStore>>,
    accounts: Option<(Arc<dyn AccountStore>, AccountPolicy)>,
    /// HTTP-Artifact resolution: the timeout, when network access is allowed.
    artifact_timeout: Option<std::time::Duration>,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator")
            .field("sp", &self.sp.entity_id())
            .field("idp", &self.idp.entity_id())
            .finish()
    }
}

/// Builds a [`Validator`]. By default it has an in-memory replay cache (100 000 entries), no request
/// store (only the IDs passed with each [`SsoRequest`] count), and no account checks.
pub struct ValidatorBuilder {
    v: Validator,
}

impl Validator {
    /// Starts a builder.
    pub fn builder(sp: ServiceProvider, idp: IdentityProvider) -> ValidatorBuilder {
        ValidatorBuilder {
            v: Validator {
                sp,
                idp,
                replay: Arc::new(InMemoryReplayCache::default()),
                requests: None,
                accounts: None,
                artifact_timeout: None,
            },
        }
    }
    /// The service provider.
    pub fn service_provider(&self) -> &ServiceProvider {
        &self.sp
    }
    /// The identity provider.
    pub fn identity_provider(&self) -> &IdentityProvider {
        &self.idp
    }
    /// The same validator, resolving `SAMLart` artifacts over the network with this timeout (`Some`), or
    /// not (`None`: a `SAMLart` is code 12). See [`ValidatorBuilder::artifact_resolution`].
    pub fn with_artifact_resolution(mut self, timeout: Option<std::time::Duration>) -> Self {
        self.artifact_timeout = timeout;
        self
    }
}

impl ValidatorBuilder {
    /// Uses this replay cache (share one across instances of a service).
    pub fn replay_cache(mut self, cache: Arc<dyn ReplayCache>) -> Self {
        self.v.replay = cache;
        self
    }
    /// Checks InResponseTo against (and consumes from) this store as well as the per-request IDs.
    pub fn request_store(mut self, store: Arc<dyn RequestStore>) -> Self {
        self.v.requests = Some(store);
        self
    }
    /// Runs account checks after the assertion is valid.
    pub fn accounts(mut self, store: Arc<dyn AccountStore>, policy: AccountPolicy) -> Self {
        self.v.accounts = Some((store, policy));
        self
    }
    /// Resolves `SAMLart` (HTTP-Artifact binding) by sending a signed ArtifactResolve to the IdP's
    /// ArtifactResolutionService, waiting at most `timeout` (feature `artifact`). Without this call the
    /// validator makes no network access and a `SAMLart` is code 12. Unreachable service → 11; a wrong
    /// answer → 12; the Response it carries is then validated like a posted one.
    pub fn artifact_resolution(mut self, timeout: std::time::Duration) -> Self {
        self.v.artifact_timeout = Some(timeout);
        self
    }
    /// The validator.
    pub fn build(self) -> Validator {
        self.v
    }
}

fn fail(code: ErrorCode, detail: Detail) -> SsoError {
    SsoError::new(code, detail)
}

/// Parses an xs:dateTime (UTC `Z`, an offset, or no zone meaning UTC).
pub(crate) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok().map(|n| n.and_utc())
}

fn line(e: Element<'_>) -> usize {
    e.position().0
}

/// How two URLs differ, in words an administrator can act on.
/// Returns what differs and the likely fix.
fn explain_url_difference(found: &str, expected: &str) -> (String, String) {
    const SAME: &str = "make the ACS URL registered at the IdP and acs_url in the SP configuration identical";
    let is_url = |u: &str| u.starts_with("https://") || u.starts_with("http://");
    if !is_url(found) || !is_url(expected) {
        return ("it is not an http(s) URL".to_string(), SAME.to_string());
    }
    fn parts(u: &str) -> (&str, &str, &str, &str) {
        let (scheme, rest) = u.split_once("://").unwrap_or(("", u));
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => (h, p),
            _ => (authority, ""),
        };
        (scheme, host, port, path)
    }
    let (fs, fh, fp, fpath) = parts(found);
    let (es, eh, ep, epath) = parts(expected);
    let default_port = |s: &str, p: &str| {
        if p.is_empty() { if s == "https" { "443" } else { "80" }.to_string() } else { p.to_string() }
    };
    let mut diffs = Vec::new();
    if !fs.eq_ignore_ascii_case(es) {
        diffs.push(format!("the scheme differs ({fs} vs {es})"));
    }
    if !fh.eq_ignore_ascii_case(eh) {
        diffs.push(format!("the host differs ({fh} vs {eh})"));
    } else if fh != eh {
        diffs.push("the host differs only in letter case".to_string());
    }
    if !(fp.is_empty() && ep.is_empty()) && default_port(fs, fp) != default_port(es, ep) {
        diffs.push(format!(
            "the port differs ({} vs {})",
            if fp.is_empty() { "none" } else { fp },
            if ep.is_empty() { "none" } else { ep }
        ));
    }
    if fpath != epath {
        if fpath.trim_end_matches('/') == epath.trim_end_matches('/') {
            diffs.push("they differ only by a trailing slash".to_string());
        } else {
            diffs.push(format!("the path differs ({fpath} vs {epath})"));
        }
    }
    let proxy = diffs
        .iter()
        .any(|d| d.starts_with("the scheme") || d.starts_with("the port") || d.starts_with("the host"))
        && fpath.trim_end_matches('/') == epath.trim_end_matches('/');
    let s = if diffs.is_empty() { "they differ".to_string() } else { diffs.join("; ") };
    let fix = if proxy {
        "probably a proxy or load balancer in front of the SP rewrites the URL; register the public URL at the IdP, or configure acs_url to match what the IdP posts to".to_string()
    } else {
        SAME.to_string()
    };
    (s, fix)
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

/// The envelope of a Response, read before any signature is checked: it may only reject.
struct UnverifiedResponse<'d> {
    root: Element<'d>,
    id: String,
    in_response_to: Option<String>,
}

/// The assertion a verified signature covers. Only this type gives access to assertion values.
struct SignedAssertion<'d> {
    element: Element<'d>,
    certificate: Certificate,
    response_signed: bool,
    assertion_signed: bool,
}

impl Validator {
    /// Validates one message: a SAML Response, or a WS-Federation sign-in (`wa=wsignin1.0&wresult=…`
    /// form) whose token is a signed SAML 2.0 or SAML 1.1 assertion. The first failing check, in SPEC §2
    /// order, decides the error.
    pub fn validate(&self, request: &SsoRequest) -> Result<Login, SsoError> {
        let now = request.now;
        // config
        if !self.sp.sso_enabled() {
            return Err(fail(
                ErrorCode::SsoNotAllowed,
                Detail::new(Stage::Config, "SSO is disabled for this site (sso_enabled = false)")
                    .fix("set sso_enabled = true in [sp] when the site may use SSO"),
            ));
        }
        if self.idp.certificates().is_empty() {
            return Err(fail(
                ErrorCode::NoCertificate,
                Detail::new(Stage::Config, format!("no signing certificate is configured for the IdP {}", self.idp.entity_id()))
                    .fix("import the IdP's signing certificate ([idp] certificates, or metadata with a signing KeyDescriptor)"),
            ));
        }
        // transport
        if !request.method.eq_ignore_ascii_case("POST") {
            return Err(fail(
                ErrorCode::OnlyPost,
                Detail::new(Stage::Transport, format!("the ACS was called with HTTP {}", request.method))
                    .expected("POST")
                    .fix("configure the IdP to use the HTTP-POST binding for the response"),
            ));
        }
        if let Some(wresult) = self.wsfed_wresult(&request.body)? {
            return self.validate_wsfed(&wresult, request);
        }
        if let Some(art) = self.samlart_field(&request.body)? {
            return self.validate_artifact(&art, request);
        }
        let xml = self.decode_body(&request.body)?;
        let doc = Document::parse_with(&xml, self.sp.parse_options()).map_err(|e| {
            fail(
                ErrorCode::IncorrectPostData,
                Detail::new(Stage::Transport, format!("the SAMLResponse is not acceptable XML: {e}"))
                    .fix("the message was damaged or crafted; capture it and compare with what the IdP sent"),
            )
        })?;
        let response = self.check_response(&doc, request)?;
        // An EncryptedAssertion: the Response signature is verified, then the assertion decrypted into a
        // new tree, which the rest of the pipeline checks (src/xmlenc.rs says why and how).
        #[cfg(feature = "encryption")]
        if let Some((plain, pre_verified)) = self.decrypt_encrypted_assertion(&xml, &response, now)? {
            let response = UnverifiedResponse {
                root: plain.root_element(),
                id: response.id.clone(),
                in_response_to: response.in_response_to.clone(),
            };
            let signed = self.check_signatures_with(&plain, &response, now, pre_verified)?;
            return self.check_assertion(Some(&response), signed, request);
        }
        let signed = self.check_signatures(&doc, &response, now)?;
        self.check_assertion(Some(&response), signed, request)
    }

    /// The `SAMLart` of an HTTP-Artifact form, or `None` when the body carries none. One SAMLart and no
    /// SAMLResponse beside it (6 otherwise); an oversized body is left to decode_body (6).
    fn samlart_field(&self, body: &Body) -> Result<Option<String>, SsoError> {
        let Body::Form(f) = body else { return Ok(None) };
        if f.len() > self.sp.max_response_bytes().saturating_mul(2).saturating_add(4096) {
            return Ok(None);
        }
        let fields = form_fields(f);
        let mut arts: Vec<String> =
            fields.iter().filter(|(k, _)| k == "SAMLart").map(|(_, v)| v.clone()).collect();
        if arts.is_empty() {
            return Ok(None);
        }
        if arts.len() > 1 || fields.iter().any(|(k, _)| k == "SAMLResponse") {
            return Err(fail(
                ErrorCode::IncorrectPostData,
                Detail::new(
                    Stage::Transport,
                    "the POST carries several SAMLart fields, or SAMLart beside SAMLResponse",
                )
                .fix("an IdP sends one artifact or one response; the message was mangled or crafted"),
            ));
        }
        Ok(arts.pop())
    }

    /// HTTP-Artifact: resolves `SAMLart` (src/artifact.rs) and validates the Response it carries, which
    /// the verified ArtifactResponse signature covers.
    fn validate_artifact(&self, art: &str, request: &SsoRequest) -> Result<Login, SsoError> {
        let off = |found: &str| {
            fail(
                ErrorCode::ArtifactResolutionFailed,
                Detail::new(Stage::Artifact, found)
                    .fix("enable artifact resolution (CLI: --allow-network; library: ValidatorBuilder::artifact_resolution), or configure the IdP to use the HTTP-POST binding"),
            )
        };
        let Some(timeout) = self.artifact_timeout else {
            return Err(off(
                "the POST carries SAMLart (HTTP-Artifact binding) and network access is off: artifact resolution is not enabled",
            ));
        };
        #[cfg(not(feature = "artifact"))]
        {
            let _ = (timeout, art, request);
            Err(off(
                "the POST carries SAMLart (HTTP-Artifact binding) and this build of samlguard cannot resolve artifacts (no `artifact` feature)",
            ))
        }
        #[cfg(feature = "artifact")]
        {
            let now = request.now;
            let resolved = crate::artifact::resolve(&self.sp, &self.idp, art, timeout, now)?;
            let xml = resolved.response_xml;
            let doc = Document::parse_with(&xml, self.sp.parse_options()).map_err(|e| {
                fail(
                    ErrorCode::ArtifactResolutionFailed,
                    Detail::new(
                        Stage::Artifact,
                        format!("the Response inside the ArtifactResponse is not acceptable XML: {e}"),
                    ),
                )
            })?;
            let response = self.check_response(&doc, request)?;
            let pre_verified = Some(resolved.certificate_index);
            #[cfg(feature = "encryption")]
            if let Some((plain, own)) = self.decrypt_encrypted_assertion(&xml, &response, now)? {
                let response = UnverifiedResponse {
                    root: plain.root_element(),
                    id: response.id.clone(),
                    in_response_to: response.in_response_to.clone(),
                };
                let signed = self.check_signatures_with(&plain, &response, now, own.or(pre_verified))?;
                return self.check_assertion(Some(&response), signed, request);
            }
            let signed = self.check_signatures_with(&doc, &response, now, pre_verified)?;
            self.check_assertion(Some(&response), signed, request)
        }
    }

    fn decode_body(&self, body: &Body) -> Result<Vec<u8>, SsoError> {
        let t = |found: String, fix: &str| {
            fail(ErrorCode::IncorrectPostData, Detail::new(Stage::Transport, found).fix(fix))
        };
        let limit = self.sp.max_response_bytes();
        let b64 = match body {
            Body::Xml(x) => {
                if x.len() > limit {
                    return Err(t(
                        format!("the response is {} bytes, over the limit of {limit}", x.len()),
                        "raise max_response_bytes if the IdP's responses are legitimately this large",
                    ));
                }
                return Ok(x.clone());
            }
            Body::SamlResponse(v) => v.clone(),
            Body::Form(f) => {
                // Base64 inflates by 4/3: a body far beyond the limit is refused before decoding.
                if f.len() > limit.saturating_mul(2).saturating_add(4096) {
                    return Err(t(
                        format!("the POST body is {} bytes, over the limit", f.len()),
                        "raise max_response_bytes if legitimate",
                    ));
                }
                // A SAMLart (HTTP-Artifact binding) was taken by `samlart_field` before this point.
                let fields = form_fields(f);
                let mut found = fields.into_iter().filter(|(k, _)| k == "SAMLResponse");
                let Some((_, v)) = found.next() else {
                    return Err(t(
                        "the POST body has no SAMLResponse field".into(),
                        "the IdP must post the response in a form field named SAMLResponse",
                    ));
                };
                if found.next().is_some() {
                    return Err(t(
                        "the POST body has more than one SAMLResponse field".into(),
                        "the message was crafted; refuse it",
                    ));
                }
                v
            }
        };
        // Base64 has no spaces: a space is a '+' that a form decoder turned into one.
        let compact: String = b64
            .chars()
            .filter(|c| !matches!(c, '\r' | '\n' | '\t'))
            .map(|c| if c == ' ' { '+' } else { c })
            .collect();
        if compact.len() / 4 * 3 > limit {
            return Err(t(
                format!(
                    "the SAMLResponse decodes to about {} bytes, over the limit of {limit}",
                    compact.len() / 4 * 3
                ),
                "raise max_response_bytes if legitimate",
            ));
        }
        if compact.is_empty() {
            return Err(t("the SAMLResponse field is empty".into(), "the IdP posted no response"));
        }
        base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()).map_err(|e| {
            t(
                format!("the SAMLResponse is not valid base64 ({})", e.to_string().trim_end_matches('.')),
                "the field was damaged in transit or is not a SAML POST binding value",
            )
        })
    }

    fn check_response<'d>(
        &self,
        doc: &'d Document,
        request: &SsoRequest,
    ) -> Result<UnverifiedResponse<'d>, SsoError> {
        let now = request.now;
        let skew = chrono::Duration::from_std(self.sp.clock_skew()).unwrap_or(chrono::Duration::zero());
        let root = doc.root_element();
        let bad = |found: String| fail(ErrorCode::InvalidResponse, Detail::new(Stage::Response, found));
        if !root.is(SAMLP_NS, "Response") {
            return Err(fail(
                ErrorCode::InvalidResponse,
                Detail::new(
                    Stage::Response,
                    format!(
                        "the root element is <{}> in namespace {:?}",
                        root.qualified_name(),
                        root.namespace().unwrap_or("")
                    ),
                )
                .expected(format!("samlp:Response in {SAMLP_NS}")),
            ));
        }
        match root.attribute("Version") {
            Some("2.0") => {}
            other => {
                return Err(fail(
                    ErrorCode::InvalidResponse,
                    Detail::new(
                        Stage::Response,
                        format!("the Response Version is {}", describe_value(other)),
                    )
                    .expected("2.0")
                    .fix("only SAML 2.0 responses are accepted; configure the IdP for SAML 2.0"),
                ));
            }
        }
        let id = root.attribute("ID").map(str::trim).unwrap_or("");
        if id.is_empty() {
            return Err(bad("the Response has no ID".into()));
        }
        let ii =
            root.attribute("IssueInstant").ok_or_else(|| bad("the Response has no IssueInstant".into()))?;
        let ii = parse_time(ii)
            .ok_or_else(|| bad(format!("the Response IssueInstant {ii:?} is not an xs:dateTime")))?;
        if ii > now + skew {
            return Err(fail(
                ErrorCode::InvalidResponse,
                Detail::new(
                    Stage::Response,
                    format!(
                        "the Response IssueInstant {} is {} s in the future, beyond the clock skew of {} s",
                        ii.to_rfc3339(),
                        (ii - now).num_seconds(),
                        skew.num_seconds()
                    ),
                )
                .fix("the IdP's clock is ahead or ours is behind: synchronise both with NTP"),
            ));
        }
        let status =
            root.child_named(SAMLP_NS, "Status").ok_or_else(|| bad("the Response has no Status".into()))?;
        let status_code = status
            .child_named(SAMLP_NS, "StatusCode")
            .ok_or_else(|| bad("the Status has no StatusCode".into()))?;
        let top =
            status_code.attribute("Value").ok_or_else(|| bad("the StatusCode has no Value".into()))?.trim();

        if let Some(dest) = root.attribute("Destination")
            && dest != self.sp.acs_url()
        {
            let (how, fix) = explain_url_difference(dest, self.sp.acs_url());
            return Err(fail(
                ErrorCode::RecipientMismatch,
                Detail::new(Stage::Response, format!("the Response Destination is {dest:?}; {how}"))
                    .expected(self.sp.acs_url().to_string())
                    .fix(fix),
            ));
        }
        let in_response_to =
            root.attribute("InResponseTo").map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        self.check_in_response_to(in_response_to.as_deref(), request)?;
        if let Some(issuer) = root.child_named(SAML_NS, "Issuer") {
            let v = issuer.text();
            if v.trim() != self.idp.entity_id().trim() {
                return Err(fail(
                    ErrorCode::UntrustedIssuer,
                    Detail::new(Stage::Response, format!("the Response Issuer is {:?}", v.trim()))
                        .expected(self.idp.entity_id().to_string())
                        .fix(
                            "the response comes from another IdP, or the IdP entity ID is configured wrongly",
                        ),
                ));
            }
        }
        if top != SUCCESS {
            let mut codes = vec![top.to_string()];
            let mut cur = status_code;
            while let Some(sub) = cur.child_named(SAMLP_NS, "StatusCode") {
                codes.push(sub.attribute("Value").unwrap_or("(no Value)").trim().to_string());
                cur = sub;
            }
            let message = status.child_named(SAMLP_NS, "StatusMessage").map(|m| m.text().trim().to_string());
            let mut found = format!("the IdP answered with status {}", codes[0]);
            if codes.len() > 1 {
                found.push_str(&format!(", sub-code {}", codes[1..].join(" / ")));
            }
            if let Some(m) = message {
                found.push_str(&format!(", message {m:?}"));
            }
            return Err(fail(
                ErrorCode::SsoProtocolError,
                Detail::new(Stage::Response, found)
                    .expected(SUCCESS.to_string())
                    .fix("the IdP refused the login; its logs for this request say why (often the user is not assigned to the application)"),
            ));
        }
        Ok(UnverifiedResponse { root, id: id.to_string(), in_response_to })
    }

    /// Whether `id` is one of the request's outstanding IDs, or is taken (once) from the request store.
    fn take_outstanding(&self, id: &str, request: &SsoRequest) -> bool {
        request.request_ids.iter().any(|r| r == id)
            || self.requests.as_ref().is_some_and(|store| store.take(id, request.now).unwrap_or(false))
    }

    fn check_in_response_to(&self, irt: Option<&str>, request: &SsoRequest) -> Result<(), SsoError> {
        let now = request.now;
        let store_outstanding = match &self.requests {
            Some(s) => s.has_outstanding(now).unwrap_or(true),
            None => false,
        };
        let outstanding = !request.request_ids.is_empty() || store_outstanding;
        let e = |found: String, fix: &str| {
            fail(ErrorCode::InResponseToMismatch, Detail::new(Stage::Response, found).fix(fix))
        };
        match irt {
            Some(v) => {
                if !outstanding {
                    if self.sp.allow_idp_initiated() {
                        return Ok(());
                    }
                    return Err(e(
                        format!("the Response answers request {v:?}, but no request is outstanding"),
                        "the login took too long or was replayed; start it again from the SP",
                    ));
                }
                if self.take_outstanding(v, request) {
                    return Ok(());
                }
                Err(fail(
                    ErrorCode::InResponseToMismatch,
                    Detail::new(Stage::Response, format!("the Response InResponseTo is {v:?}"))
                        .expected(expected_request_ids(request))
                        .fix("the response answers another (or an already used) request; start the login again from the SP"),
                ))
            }
            None => {
                if self.sp.allow_idp_initiated() {
                    Ok(())
                } else {
                    Err(e(
                        "the Response has no InResponseTo (IdP-initiated login) and allow_idp_initiated is false".into(),
                        "start the login from the SP, or set allow_idp_initiated = true",
                    ))
                }
            }
        }
    }

    fn signature_error(&self, e: DsigError, what: &str, at: usize, now: DateTime<Utc>) -> SsoError {
        // The certificates that verified the SignatureValue (when the failure came later, e.g. a digest
        // mismatch) are all outside their validity window: SPEC ranks 15 above 23.
        let value_certs: Vec<&Certificate> =
            e.signature_value_verified_by().iter().filter_map(|i| self.idp.certificates().get(*i)).collect();
        if self.sp.enforce_certificate_validity()
            && e.untrusted_key_info().is_none()
            && let Some(c) = value_certs.first()
            && !value_certs.iter().any(|c| c.is_valid_at(now))
        {
            let when = if now < c.not_before() { "is not yet valid" } else { "has expired" };
            return fail(
                ErrorCode::CertificateExpired,
                Detail::new(
                    Stage::Signature,
                    format!(
                        "the {what} (line {at}) is signed by the trusted certificate {}, which {when} at {} (and the signature also fails: {e})",
                        describe_cert(c),
                        now.to_rfc3339()
                    ),
                )
                .fix("import the IdP's current signing certificate (from its metadata)"),
            );
        }
        let code = if e.untrusted_key_info().is_some() {
            ErrorCode::IncorrectCertificate
        } else {
            ErrorCode::InvalidDigitalSignature
        };
        let trusted: Vec<String> = self
            .idp
            .certificates()
            .iter()
            .map(|c| format!("{} ({})", c.subject(), c.fingerprint_colon()))
            .collect();
        let mut d =
            Detail::new(Stage::Signature, format!("the signature of the {what} (line {at}) fails: {e}"));
        if let Some(u) = e.untrusted_key_info() {
            d = d.expected(format!(
                "a signature by one of the {} trusted certificate(s): {}",
                trusted.len(),
                trusted.join("; ")
            ));
            d = d.fix(if u.signature_verifies {
                format!(
                    "the IdP signs with {} now: it has probably rolled its signing certificate; check its current metadata and, if genuine, import that certificate ([idp] certificates)",
                    u.certificate.fingerprint_colon()
                )
            } else {
                "the signature does not verify even with the certificate the message carries: the message was altered or forged".to_string()
            });
        } else {
            d = d.fix("the message was altered after signing, or it uses an algorithm or form the SP refuses; compare it with what the IdP sent");
        }
        fail(code, d)
    }

    /// With the SP key, a Response's single EncryptedAssertion decrypted into a new tree (see
    /// src/xmlenc.rs), and the index of the trusted certificate that verified the Response signature
    /// before decryption, if the Response is signed. `None` when there is nothing to decrypt or no key
    /// (the signature stage then reports the EncryptedAssertion as code 13).
    #[cfg(feature = "encryption")]
    fn decrypt_encrypted_assertion(
        &self,
        xml: &[u8],
        resp: &UnverifiedResponse<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<(Document, Option<usize>)>, SsoError> {
        let root = resp.root;
        let encrypted: Vec<Element<'_>> = root.children_named(SAML_NS, "EncryptedAssertion").collect();
        let Some(key) = self.sp.decryption_key() else { return Ok(None) };
        if encrypted.is_empty() {
            return Ok(None);
        }
        // The Response signature first: nothing is decrypted under a signature that does not verify.
        let outer: Vec<Element<'_>> = root.children_named(DSIG_NS, "Signature").collect();
        let pre_verified = match outer.as_slice() {
            [] => None,
            [sig] => self.verify_own_signature(root, *sig, now)?.certificate_indices().first().copied(),
            many => {
                return Err(fail(
                    ErrorCode::InvalidDigitalSignature,
                    Detail::new(
                        Stage::Signature,
                        format!(
                            "<{}> at line {} carries {} signatures; one is allowed",
                            root.qualified_name(),
                            line(root),
                            many.len()
                        ),
                    ),
                ));
            }
        };
        if encrypted.len() > 1 {
            return Err(fail(
                ErrorCode::InvalidAssertion,
                Detail::new(
                    Stage::Assertion,
                    format!(
                        "the Response carries {} EncryptedAssertions; exactly one assertion is accepted",
                        encrypted.len()
                    ),
                )
                .fix("a second assertion is the shape of an injection attack; refuse the message"),
            ));
        }
        let plain = crate::xmlenc::decrypt_assertion(xml, encrypted[0], key, self.sp.parse_options())
            .map_err(|e| {
                fail(ErrorCode::InvalidAssertion, crate::xmlenc::failure_detail("encrypted assertion", &e))
            })?;
        Ok(Some((plain, pre_verified)))
    }

    fn check_signatures<'d>(
        &self,
        doc: &'d Document,
        resp: &UnverifiedResponse<'d>,
        now: DateTime<Utc>,
    ) -> Result<SignedAssertion<'d>, SsoError> {
        self.check_signatures_with(doc, resp, now, None)
    }

    /// The signature stage. `pre_verified`: the Response was signed and its signature verified (with
    /// the trusted certificate of that index) before its EncryptedAssertion was decrypted into `doc`; it
    /// covered the ciphertext, so it covers the decrypted assertion, and it is not checked again (it
    /// no longer verifies on the decrypted tree).
    fn check_signatures_with<'d>(
        &self,
        doc: &'d Document,
        resp: &UnverifiedResponse<'d>,
        now: DateTime<Utc>,
        pre_verified: Option<usize>,
    ) -> Result<SignedAssertion<'d>, SsoError> {
        let root = resp.root;
        let sigs = find_signatures(doc);
        let assertions: Vec<Element<'d>> = root.children_named(SAML_NS, "Assertion").collect();
        if assertions.is_empty() && root.child_named(SAML_NS, "EncryptedAssertion").is_some() {
            // Not decrypted (no SP decryption key, or built without the `encryption` feature). The outer
            // signature is checked first; the assertion (and any signature of its own) is inside the
            // ciphertext: code 13.
            let outer: Vec<Element<'d>> = root.children_named(DSIG_NS, "Signature").collect();
            if let [sig] = outer.as_slice() {
                self.verify_own_signature(root, *sig, now)?;
            }
            return Err(self.assertion_count_error(root, 0));
        }
        if assertions.is_empty() {
            // SPEC: a Success response with no assertion is 13, whether signed or not.
            return Err(self.assertion_count_error(root, 0));
        }
        if sigs.is_empty() && pre_verified.is_none() {
            return Err(fail(
                ErrorCode::AssertionUnsigned,
                Detail::new(Stage::Signature, "the message carries no ds:Signature at all")
                    .fix("configure the IdP to sign the response or the assertion (an unsigned login is never accepted)"),
            ));
        }
        let own_sig = |e: Element<'d>| e.children_named(DSIG_NS, "Signature").collect::<Vec<_>>();
        if self.sp.want_assertions_signed()
            && !doc.elements().any(|e| e.is(SAML_NS, "Assertion") && !own_sig(e).is_empty())
        {
            return Err(fail(
                ErrorCode::AssertionUnsigned,
                Detail::new(Stage::Signature, "want_assertions_signed is set and no assertion carries its own signature")
                    .fix("configure the IdP to sign the assertion (ADFS: signing mode 'assertion' or 'message and assertion')"),
            ));
        }
        // Every failure of this stage is collected; 8 outranks 15, which outranks 23.
        let mut failures: Vec<SsoError> = Vec::new();
        for s in &sigs {
            let parent = s.parent_element();
            let expected_place = parent.is_some_and(|p| p == root || assertions.contains(&p));
            if !expected_place {
                let (l, _) = s.position();
                let inside = parent.map(|p| p.qualified_name()).unwrap_or_default();
                failures.push(fail(
                    ErrorCode::InvalidDigitalSignature,
                    Detail::new(Stage::Signature, format!("a ds:Signature sits in an unexpected place (inside <{inside}>, line {l}); only the Response and its Assertion may be signed"))
                        .fix("this is the shape of a signature-wrapping attack; refuse the message"),
                ));
            }
        }
        for el in std::iter::once(root).chain(assertions.iter().copied()) {
            if own_sig(el).len() > 1 {
                failures.push(fail(
                    ErrorCode::InvalidDigitalSignature,
                    Detail::new(
                        Stage::Signature,
                        format!(
                            "<{}> at line {} carries {} signatures; one is allowed",
                            el.qualified_name(),
                            line(el),
                            own_sig(el).len()
                        ),
                    ),
                ));
            }
        }
        let mut verified: Vec<(Element<'d>, VerifiedSignature<'d>)> = Vec::new();
        for el in std::iter::once(root).chain(assertions.iter().copied()) {
            if el == root && pre_verified.is_some() {
                continue;
            }
            let sig = match own_sig(el).as_slice() {
                [one] => *one,
                _ => continue,
            };
            match self.verify_own_signature(el, sig, now) {
                Ok(v) => verified.push((el, v)),
                Err(e) => failures.push(e),
            }
        }
        let rank = |c: ErrorCode| match c {
            ErrorCode::IncorrectCertificate => 0,
            ErrorCode::CertificateExpired => 1,
            _ => 2,
        };
        if let Some(best) = failures.into_iter().min_by_key(|f| rank(f.code())) {
            return Err(best);
        }
        let response_covers = pre_verified.is_some() || verified.iter().any(|(el, _)| *el == root);
        if !response_covers
            && let Some(uncovered) = assertions.iter().find(|a| !verified.iter().any(|(el, _)| el == *a))
            && assertions.len() > 1
        {
            // An assertion that no valid signature covers, beside another: the wrapping shape (XSW3 and
            // kin). It is a signature-stage failure, before the assertion count.
            return Err(fail(
                ErrorCode::InvalidDigitalSignature,
                Detail::new(
                    Stage::Signature,
                    format!(
                        "the Response carries {} assertions and the one with ID {:?} (line {}) is covered by no valid signature",
                        assertions.len(),
                        uncovered.attribute("ID").unwrap_or(""),
                        line(*uncovered)
                    ),
                )
                .fix("an unsigned assertion beside a signed one is the shape of a signature-wrapping attack; refuse the message"),
            ));
        }
        if assertions.len() != 1 {
            // The assertion stage names the problem (several, all covered).
            return Err(self.assertion_count_error(root, assertions.len()));
        }
        let assertion = assertions[0];
        let by_response = verified.iter().find(|(el, _)| *el == root);
        let by_assertion = verified.iter().find(|(el, _)| *el == assertion);
        let cover = by_assertion
            .or(by_response)
            .map(|(_, v)| v.certificate_indices()[0])
            .or(pre_verified)
            .ok_or_else(|| {
                fail(
                    ErrorCode::InvalidDigitalSignature,
                    Detail::new(
                        Stage::Signature,
                        "the message carries signatures, but none covers the Response or its Assertion",
                    )
                    .fix("the IdP must sign the Response or the Assertion itself"),
                )
            })?;
        let certificate = self.idp.certificates()[cover].clone();
        Ok(SignedAssertion {
            element: assertion,
            certificate,
            response_signed: by_response.is_some() || pre_verified.is_some(),
            assertion_signed: by_assertion.is_some(),
        })
    }

    /// Verifies the signature `sig` that sits in `el`: it must verify with a trusted certificate,
    /// reference `el` itself, and (when enforced) be made by a certificate valid at `now`.
    fn verify_own_signature<'d>(
        &self,
        el: Element<'d>,
        sig: Element<'d>,
        now: DateTime<Utc>,
    ) -> Result<VerifiedSignature<'d>, SsoError> {
        let what = if el.local_name() == "Response" { "Response" } else { "Assertion" };
        let v = verify_signature(sig, self.idp.certificates(), self.sp.algorithms())
            .map_err(|e| self.signature_error(e, what, line(sig), now))?;
        if v.signed_element() != el {
            return Err(fail(
                ErrorCode::InvalidDigitalSignature,
                Detail::new(
                    Stage::Signature,
                    format!(
                        "the {what}'s signature references <{}> at line {} instead of the {what} it sits in",
                        v.signed_element().qualified_name(),
                        line(v.signed_element())
                    ),
                )
                .fix("this is the shape of a signature-wrapping attack; refuse the message"),
            ));
        }
        let certs: Vec<&Certificate> =
            v.certificate_indices().iter().filter_map(|i| self.idp.certificates().get(*i)).collect();
        if self.sp.enforce_certificate_validity()
            && !certs.iter().any(|c| c.is_valid_at(now))
            && let Some(c) = certs.first()
        {
            let when = if now < c.not_before() { "is not yet valid" } else { "has expired" };
            return Err(fail(
                ErrorCode::CertificateExpired,
                Detail::new(
                    Stage::Signature,
                    format!(
                        "the {what} is signed by the trusted certificate {}, which {when} at {}",
                        describe_cert(c),
                        now.to_rfc3339()
                    ),
                )
                .fix("import the IdP's current signing certificate (from its metadata), or set enforce_certificate_validity = false if the IdP deliberately keeps an expired certificate"),
            ));
        }
        Ok(v)
    }

    fn assertion_count_error(&self, root: Element<'_>, n: usize) -> SsoError {
        if n == 0 {
            let encrypted = root.child_named(SAML_NS, "EncryptedAssertion").is_some();
            let found = if encrypted && cfg!(feature = "encryption") {
                "the Response carries an EncryptedAssertion and no SP decryption key is configured"
                    .to_string()
            } else if encrypted {
                "the Response carries an EncryptedAssertion, and this build of samlguard cannot decrypt (no `encryption` feature)".to_string()
            } else {
                "the Response carries no Assertion".to_string()
            };
            let fix = if encrypted {
                "configure the SP's RSA key ([sp] private_key, whose certificate the IdP encrypts to), or turn off assertion encryption at the IdP for this SP"
            } else {
                "a successful Response must carry exactly one assertion; check the IdP's configuration"
            };
            fail(ErrorCode::InvalidAssertion, Detail::new(Stage::Assertion, found).fix(fix))
        } else {
            fail(
                ErrorCode::InvalidAssertion,
                Detail::new(
                    Stage::Assertion,
                    format!("the Response carries {n} assertions; exactly one is accepted"),
                )
                .fix("a second assertion is the shape of an injection attack; refuse the message"),
            )
        }
    }

    /// The checks of the assertion a verified signature covers, from its Version to the accounts. `resp`
    /// is the Response it arrived in, or `None` for a standalone WS-Federation token (SAML 2.0 or 1.1).
    fn check_assertion(
        &self,
        resp: Option<&UnverifiedResponse<'_>>,
        signed: SignedAssertion<'_>,
        request: &SsoRequest,
    ) -> Result<Login, SsoError> {
        let now = request.now;
        let skew = chrono::Duration::from_std(self.sp.clock_skew()).unwrap_or(chrono::Duration::zero());
        let a = signed.element;
        let dialect = Dialect::of(a);
        let inv = |found: String| fail(ErrorCode::InvalidAssertion, Detail::new(Stage::Assertion, found));
        match a.attribute("Version") {
            _ if dialect == Dialect::Saml11 => dialect.check_saml11_version(a)?,
            Some("2.0") => {}
            other => {
                return Err(fail(
                    ErrorCode::InvalidAssertion,
                    Detail::new(
                        Stage::Assertion,
                        format!("the Assertion Version is {}", describe_value(other)),
                    )
                    .expected("2.0")
                    .fix("only SAML 2.0 assertions are accepted; configure the IdP for SAML 2.0"),
                ));
            }
        }
        let assertion_id = a.attribute(dialect.id_attribute()).map(str::trim).unwrap_or("").to_string();
        if assertion_id.is_empty() {
            return Err(inv("the Assertion has no ID".into()));
        }
        let ii =
            a.attribute("IssueInstant").ok_or_else(|| inv("the Assertion has no IssueInstant".into()))?;
        let ii = parse_time(ii)
            .ok_or_else(|| inv(format!("the Assertion IssueInstant {ii:?} is not an xs:dateTime")))?;
        if ii > now + skew {
            return Err(fail(
                ErrorCode::InvalidAssertion,
                Detail::new(
                    Stage::Assertion,
                    format!(
                        "the Assertion IssueInstant {} is {} s in the future, beyond the clock skew of {} s",
                        ii.to_rfc3339(),
                        (ii - now).num_seconds(),
                        skew.num_seconds()
                    ),
                )
                .fix("synchronise the IdP's and the SP's clocks"),
            ));
        }
        let conditions = a.child_named(dialect.ns(), "Conditions");
        let time_attr = |e: Option<Element<'_>>, name: &str| -> Result<Option<DateTime<Utc>>, SsoError> {
            match e.and_then(|e| e.attribute(name)) {
                None => Ok(None),
                Some(v) => {
                    parse_time(v).map(Some).ok_or_else(|| inv(format!("{name} {v:?} is not an xs:dateTime")))
                }
            }
        };
        let not_before = time_attr(conditions, "NotBefore")?;
        let not_on_or_after = time_attr(conditions, "NotOnOrAfter")?;
        if let Some(nb) = not_before
            && now + skew < nb
        {
            return Err(fail(
                ErrorCode::InvalidAssertion,
                Detail::new(Stage::Assertion, format!(
                    "the assertion is not valid before {} ({} s from now; the clock skew of {} s does not cover it)",
                    nb.to_rfc3339(),
                    (nb - now).num_seconds(),
                    skew.num_seconds()
                ))
                .fix("the IdP's clock is ahead or ours is behind: synchronise both with NTP, or raise clock_skew_seconds"),
            ));
        }
        let restrictions: Vec<Element<'_>> = conditions
            .map(|c| c.children_named(dialect.ns(), dialect.audience_restriction()).collect())
            .unwrap_or_default();
        if restrictions.is_empty() {
            return Err(fail(
                ErrorCode::InvalidAssertion,
                Detail::new(
                    Stage::Assertion,
                    "the assertion has no AudienceRestriction, so it is not addressed to any SP",
                )
                .expected(self.sp.entity_id().to_string())
                .fix("configure the IdP to restrict the assertion's audience to this SP's entity ID"),
            ));
        }
        for r in &restrictions {
            let audiences: Vec<String> =
                r.children_named(dialect.ns(), "Audience").map(|e| e.text().trim().to_string()).collect();
            if !audiences.iter().any(|x| x == self.sp.entity_id().trim()) {
                return Err(fail(
                    ErrorCode::InvalidAssertion,
                    Detail::new(Stage::Assertion, format!("an AudienceRestriction (line {}) lists {:?}, not this SP", line(*r), audiences))
                        .expected(self.sp.entity_id().to_string())
                        .fix("set the relying party identifier / audience at the IdP to the SP entity ID, or fix entity_id"),
                ));
            }
        }
        // A replay is reported here, in the 13 group of SPEC's order; the atomic record happens once
        // every check has passed.
        if self.replay.contains(&assertion_id, now).unwrap_or(false) {
            return Err(replayed(&assertion_id));
        }
        let issuer = dialect.issuer(a);
        match issuer.as_deref() {
            Some(i) if i == self.idp.entity_id().trim() => {}
            other => {
                return Err(fail(
                    ErrorCode::UntrustedIssuer,
                    Detail::new(
                        Stage::Assertion,
                        match other {
                            Some(i) => format!("the Assertion Issuer is {i:?}"),
                            None => "the Assertion has no Issuer".to_string(),
                        },
                    )
                    .expected(self.idp.entity_id().to_string())
                    .fix("the assertion comes from another IdP, or the IdP entity ID is configured wrongly"),
                ));
            }
        }
        let subject = dialect.subject(a)?;
        match resp {
            Some(resp) => self.check_confirmations(subject, resp, now, skew)?,
            None => self.check_token_confirmations(dialect, a, subject, not_on_or_after, request, skew)?,
        }
        let expired = |what: &str, t: DateTime<Utc>| {
            let ago = (now - t).num_seconds();
            fail(
                ErrorCode::AssertionExpired,
                Detail::new(Stage::Assertion, format!(
                    "{what} {} passed {ago} s ago; the clock skew of {} s does not cover it{}",
                    t.to_rfc3339(),
                    skew.num_seconds(),
                    if ago < skew.num_seconds() * 2 + 60 { " (a little more skew would)" } else { "" }
                ))
                .fix("the response was used too late (replayed, or held by a slow browser) or the clocks differ; synchronise clocks with NTP"),
            )
        };
        if let Some(t) = not_on_or_after
            && now >= t + skew
        {
            return Err(expired("Conditions NotOnOrAfter", t));
        }
        let authn = a.child_named(SAML_NS, "AuthnStatement");
        let session_not_on_or_after = time_attr(authn, "SessionNotOnOrAfter")?;
        if let Some(t) = session_not_on_or_after
            && now >= t + skew
        {
            return Err(expired("AuthnStatement SessionNotOnOrAfter", t));
        }
        // subject
        let name_id = subject.and_then(|s| dialect.name_id(s));
        // An EncryptedID (and no NameID) is decrypted with the SP key into the NameID.
        #[cfg(feature = "encryption")]
        let decrypted_id = match (
            name_id,
            subject.and_then(|s| s.child_named(SAML_NS, "EncryptedID")),
            self.sp.decryption_key(),
        ) {
            (None, Some(enc), Some(key)) => Some(
                crate::xmlenc::decrypt_fragment(enc, key, self.sp.parse_options(), SAML_NS, "NameID")
                    .map_err(|e| {
                        fail(ErrorCode::InvalidAssertion, crate::xmlenc::failure_detail("EncryptedID", &e))
                    })?,
            ),
            _ => None,
        };
        #[cfg(feature = "encryption")]
        let name_id = name_id.or_else(|| decrypted_id.as_ref().and_then(|d| d.element()));
        let value = name_id.map(|n| n.text().trim().to_string()).unwrap_or_default();
        if value.is_empty() {
            let found = if subject.and_then(|s| s.child_named(SAML_NS, "EncryptedID")).is_some()
                && name_id.is_none()
            {
                "the NameID is encrypted (EncryptedID) and no SP decryption key is configured"
            } else if name_id.is_some() {
                "the NameID is empty"
            } else {
                "the assertion's Subject has no NameID"
            };
            return Err(fail(
                ErrorCode::NoUserName,
                Detail::new(Stage::Subject, found).fix(
                    "configure the IdP to send the user's identifier as the NameID (e.g. the email address)",
                ),
            ));
        }
        let Some(name_id) = name_id else {
            return Err(fail(ErrorCode::NoUserName, Detail::new(Stage::Subject, "no NameID")));
        };
        let format = name_id
            .attribute("Format")
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .unwrap_or(NAMEID_UNSPECIFIED)
            .to_string();
        let allowed = self.sp.allowed_name_id_formats();
        if !allowed.is_empty() && !allowed.iter().any(|f| f == &format) {
            return Err(fail(
                ErrorCode::NameIdFormatIncorrect,
                Detail::new(Stage::Subject, format!("the NameID Format is {format}"))
                    .expected(format!("one of {allowed:?}"))
                    .fix("set the NameID format at the IdP (e.g. emailAddress), or add it to allowed_name_id_formats"),
            ));
        }
        let name_qualifier = name_id.attribute("NameQualifier").map(str::to_string);
        if let (Some(site), Some(nq)) = (self.sp.site_url(), name_qualifier.as_deref())
            && nq.trim() != site.trim()
        {
            return Err(fail(
                ErrorCode::NameQualifierMismatch,
                Detail::new(Stage::Subject, format!("the NameID NameQualifier is {nq:?}"))
                    .expected(site.to_string())
                    .fix("make the IdP send the site URL as NameQualifier, or stop it sending one"),
            ));
        }
        // attributes
        // SAML 1.1 attributes (none in SAML 2.0, whose AttributeStatements the loop reads).
        let mut attributes = dialect.saml11_attributes(a);
        for st in a.children_named(SAML_NS, "AttributeStatement") {
            for at in st.child_elements() {
                if at.is(SAML_NS, "Attribute") {
                    attributes.push(saml_attribute(at));
                } else if at.is(SAML_NS, "EncryptedAttribute")
                    && let Some(decrypted) = self.decrypted_attribute(at)?
                {
                    attributes.push(decrypted);
                }
            }
        }
        for req in self.sp.required_attributes() {
            let present = attributes
                .iter()
                .filter(|x| &x.name == req || x.friendly_name.as_ref() == Some(req))
                .any(|x| x.values.iter().any(|v| !v.trim().is_empty()));
            if !present {
                let names: Vec<&str> = attributes.iter().map(|x| x.name.as_str()).collect();
                return Err(fail(
                    ErrorCode::SsoProtocolError,
                    Detail::new(Stage::Attributes, format!("the required attribute {req:?} is missing or empty; the assertion has {names:?}"))
                        .fix(format!("configure the IdP to release the attribute {req:?} (claim rule / attribute mapping) for this SP")),
                ));
            }
        }
        // replay: recorded atomically once every SAML check has passed
        let keep_until = [not_on_or_after, self.latest_confirmation_expiry(subject)]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(now + chrono::Duration::hours(1))
            + skew;
        match self.replay.insert_if_absent(&assertion_id, keep_until, now) {
            Ok(true) => {}
            Ok(false) => return Err(replayed(&assertion_id)),
            Err(e) => return Err(inv(format!("the replay cache refused the assertion: {e}"))),
        }
        let session_index = authn.and_then(|s| s.attribute("SessionIndex")).map(str::to_string);
        let authn_instant = authn
            .and_then(|s| s.attribute("AuthnInstant"))
            .and_then(parse_time)
            .or_else(|| dialect.saml11_authn_instant(a));
        let mut login = Login {
            issuer: issuer.unwrap_or_default(),
            name_id: NameId {
                value,
                format,
                name_qualifier,
                sp_name_qualifier: name_id.attribute("SPNameQualifier").map(str::to_string),
            },
            session_index,
            authn_instant,
            attributes,
            not_before,
            not_on_or_after,
            session_not_on_or_after,
            assertion_id,
            response_id: resp.map(|r| r.id.clone()).unwrap_or_default(),
            in_response_to: resp.and_then(|r| r.in_response_to.clone()),
            certificate: signed.certificate,
            response_signed: signed.response_signed,
            assertion_signed: signed.assertion_signed,
            account: None,
        };
        if let Some((store, policy)) = &self.accounts {
            login.account = Some(policy.check(store.as_ref(), &login)?);
        }
        Ok(login)
    }

    /// The `Attribute` an `EncryptedAttribute` holds, decrypted with the SP key (code 13 when that fails);
    /// `None` without a key, when the encrypted attribute is ignored.
    fn decrypted_attribute(&self, encrypted: Element<'_>) -> Result<Option<SamlAttribute>, SsoError> {
        #[cfg(feature = "encryption")]
        if let Some(key) = self.sp.decryption_key() {
            let fragment = crate::xmlenc::decrypt_fragment(
                encrypted,
                key,
                self.sp.parse_options(),
                SAML_NS,
                "Attribute",
            )
            .map_err(|e| {
                fail(ErrorCode::InvalidAssertion, crate::xmlenc::failure_detail("EncryptedAttribute", &e))
            })?;
            return Ok(fragment.element().map(saml_attribute));
        }
        let _ = encrypted;
        Ok(None)
    }

    fn latest_confirmation_expiry(&self, subject: Option<Element<'_>>) -> Option<DateTime<Utc>> {
        subject?
            .children_named(SAML_NS, "SubjectConfirmation")
            .filter_map(|sc| sc.child_named(SAML_NS, "SubjectConfirmationData"))
            .filter_map(|d| d.attribute("NotOnOrAfter").and_then(parse_time))
            .max()
    }

    /// Accepts when one bearer confirmation passes every check. The checks filter the candidates in
    /// SPEC order: Recipient (14), InResponseTo (28), then time (19).
    fn check_confirmations<'d>(
        &self,
        subject: Option<Element<'d>>,
        resp: &UnverifiedResponse<'_>,
        now: DateTime<Utc>,
        skew: chrono::Duration,
    ) -> Result<(), SsoError> {
        fn data<'d>(sc: &Element<'d>) -> Option<Element<'d>> {
            sc.child_named(SAML_NS, "SubjectConfirmationData")
        }
        let bearers: Vec<Element<'d>> = subject
            .map(|s| {
                s.children_named(SAML_NS, "SubjectConfirmation")
                    .filter(|sc| sc.attribute("Method").map(str::trim) == Some(BEARER))
                    .collect()
            })
            .unwrap_or_default();
        let recipients: Vec<String> =
            bearers.iter().filter_map(|sc| data(sc)?.attribute("Recipient").map(str::to_string)).collect();
        let c1: Vec<Element<'_>> = bearers
            .iter()
            .copied()
            .filter(|sc| data(sc).and_then(|d| d.attribute("Recipient")) == Some(self.sp.acs_url()))
            .collect();
        if c1.is_empty() {
            let (found, fix) = if bearers.is_empty() {
                (
                    "the assertion has no bearer SubjectConfirmation".to_string(),
                    "the IdP must confirm the subject with the bearer method (SAML Web SSO profile)"
                        .to_string(),
                )
            } else if recipients.is_empty() {
                (
                    "no bearer SubjectConfirmationData carries a Recipient".to_string(),
                    "the IdP must put the ACS URL in the bearer SubjectConfirmationData Recipient"
                        .to_string(),
                )
            } else {
                let (how, fix) = explain_url_difference(&recipients[0], self.sp.acs_url());
                (format!("the bearer SubjectConfirmationData Recipient is {:?}; {how}", recipients[0]), fix)
            };
            return Err(fail(
                ErrorCode::RecipientMismatch,
                Detail::new(Stage::Assertion, found).expected(self.sp.acs_url().to_string()).fix(fix),
            ));
        }
        let irt = resp.in_response_to.as_deref();
        // Every bearer confirmation must carry the Response's InResponseTo (absent when unsolicited).
        let irt_of = |sc: &Element<'d>| data(sc).and_then(|d| d.attribute("InResponseTo")).map(str::trim);
        let mismatch = bearers.iter().find(|sc| irt_of(sc) != irt);
        let c2: Vec<Element<'_>> = if mismatch.is_some() { Vec::new() } else { c1.clone() };
        if let Some(bad) = mismatch {
            let got = irt_of(bad);
            let found = match (irt, got) {
                (Some(r), None) => format!(
                    "the Response answers {r:?} but the bearer SubjectConfirmationData has no InResponseTo"
                ),
                (Some(r), Some(g)) => format!(
                    "the bearer SubjectConfirmationData InResponseTo is {g:?} while the Response's is {r:?}"
                ),
                (None, Some(g)) => format!(
                    "the response is unsolicited but the bearer SubjectConfirmationData answers request {g:?}"
                ),
                (None, None) => "InResponseTo differs".to_string(),
            };
            return Err(fail(
                ErrorCode::InResponseToMismatch,
                Detail::new(Stage::Assertion, found)
                    .fix("the assertion was made for another request; start the login again"),
            ));
        }
        let mut last_err = None;
        for sc in &c2 {
            let Some(d) = data(sc) else { continue };
            let nooa = d.attribute("NotOnOrAfter").and_then(parse_time);
            let nb = d.attribute("NotBefore").and_then(parse_time);
            match nooa {
                None => {
                    last_err = Some(fail(
                        ErrorCode::InvalidAssertion,
                        Detail::new(Stage::Assertion, "the bearer SubjectConfirmationData has no NotOnOrAfter, so the assertion would never expire")
                            .fix("the SAML Web SSO profile requires NotOnOrAfter on bearer confirmations; fix the IdP"),
                    ));
                }
                Some(t) if now >= t + skew => {
                    last_err = Some(fail(
                        ErrorCode::AssertionExpired,
                        Detail::new(Stage::Assertion, format!(
                            "the bearer SubjectConfirmationData NotOnOrAfter {} passed {} s ago; the clock skew of {} s does not cover it",
                            t.to_rfc3339(),
                            (now - t).num_seconds(),
                            skew.num_seconds()
                        ))
                        .fix("the response was used too late (replayed, or a slow browser) or the clocks differ; synchronise clocks with NTP"),
                    ));
                }
                Some(_) => match nb {
                    Some(b) if now + skew < b => {
                        last_err = Some(inv_time(b, now, skew));
                    }
                    _ => return Ok(()),
                },
            }
        }
        Err(last_err.unwrap_or_else(|| {
            fail(
                ErrorCode::InvalidAssertion,
                Detail::new(Stage::Assertion, "no usable bearer SubjectConfirmation"),
            )
        }))
    }
}

/// A SAML 2.0 `Attribute` element's name, friendly name and values.
fn saml_attribute(at: Element<'_>) -> SamlAttribute {
    SamlAttribute {
        name: at.attribute("Name").unwrap_or("").to_string(),
        friendly_name: at.attribute("FriendlyName").map(str::to_string),
        values: at.children_named(SAML_NS, "AttributeValue").map(|v| v.text()).collect(),
    }
}

/// An optional attribute value for a detail: quoted, or "missing".
fn describe_value(v: Option<&str>) -> String {
    match v {
        Some(v) => format!("{v:?}"),
        None => "missing".to_string(),
    }
}

/// What an InResponseTo should have named, for a detail.
fn expected_request_ids(request: &SsoRequest) -> String {
    if request.request_ids.is_empty() {
        "an outstanding request ID".to_string()
    } else {
        format!("one of {:?}", request.request_ids)
    }
}

fn replayed(assertion_id: &str) -> SsoError {
    fail(
        ErrorCode::InvalidAssertion,
        Detail::new(Stage::Assertion, format!("the assertion {assertion_id:?} was already used (replay)"))
            .fix("each assertion is accepted once; the browser re-posted it or it was captured and replayed"),
    )
}

fn inv_time(b: DateTime<Utc>, now: DateTime<Utc>, skew: chrono::Duration) -> SsoError {
    fail(
        ErrorCode::InvalidAssertion,
        Detail::new(Stage::Assertion, format!(
            "the bearer SubjectConfirmationData is not valid before {} ({} s from now, beyond the clock skew of {} s)",
            b.to_rfc3339(),
            (b - now).num_seconds(),
            skew.num_seconds()
        ))
        .fix("synchronise the IdP's and the SP's clocks"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_proxy_differences() {
        let (s, fix) = explain_url_difference("http://sp.example.com/acs", "https://sp.example.com/acs");
        assert!(s.contains("scheme differs") && fix.contains("proxy"), "{s} / {fix}");
        let (s, fix) = explain_url_difference("https://sp.example.com/acs/", "https://sp.example.com/acs");
        assert!(s.contains("trailing slash") && !fix.contains("proxy"), "{s}");
        let (s, _) = explain_url_difference("https://sp.example.com:8443/acs", "https://sp.example.com/acs");
        assert!(s.contains("port differs"), "{s}");
        let (s, _) = explain_url_difference("ancestor", "https://sp.example.com/acs");
        assert!(s.contains("not an http(s) URL"), "{s}");
    }

    #[test]
    fn parses_xs_datetime() {
        assert!(parse_time("2026-01-01T00:00:00Z").is_some());
        assert!(parse_time("2026-01-01T00:00:00.123Z").is_some());
        assert!(parse_time("2026-01-01T00:00:00").is_some());
        assert!(parse_time("2026-01-01T01:00:00+01:00") == parse_time("2026-01-01T00:00:00Z"));
        assert!(parse_time("yesterday").is_none());
    }

    #[test]
    fn form_fields_decode() {
        let f = form_fields(b"SAMLResponse=a%2Bb+c&RelayState=x");
        assert_eq!(f[0], ("SAMLResponse".to_string(), "a+b c".to_string()));
    }
}
