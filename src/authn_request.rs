//! Building the SP's AuthnRequest (SAML 2.0 Core §3.4.1) for the HTTP-Redirect or HTTP-POST binding.
//!
//! Every failure — no SSO endpoint for the binding, a RelayState too long for the bindings, a key that
//! cannot sign, a full outstanding-request store — is code 26 with a detail saying what to change.

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::binding::{
    Binding, MAX_RELAY_STATE_BYTES, OutboundMessage, SamlParameter, append_query, default_algorithm,
    new_message_id, post_form, redirect_query, xml_escape,
};
use crate::config::{Endpoint, IdentityProvider, SAML_NS, SAMLP_NS, ServiceProvider};
use crate::dsig::Signer;
use crate::error::{Detail, ErrorCode, SsoError, Stage};
use crate::stores::RequestStore;

/// How the IdP compares the requested authentication context classes with the one it used.
///
/// ```
/// assert_eq!(samlguard::AuthnContextComparison::Minimum.as_str(), "minimum");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AuthnContextComparison {
    /// One of the classes exactly (the SAML default).
    #[default]
    Exact,
    /// At least as strong as one of the classes.
    Minimum,
    /// At most as strong as one of the classes.
    Maximum,
    /// Stronger than any of the classes.
    Better,
}

impl AuthnContextComparison {
    /// The attribute value.
    ///
    /// ```
    /// assert_eq!(samlguard::AuthnContextComparison::Better.as_str(), "better");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            AuthnContextComparison::Exact => "exact",
            AuthnContextComparison::Minimum => "minimum",
            AuthnContextComparison::Maximum => "maximum",
            AuthnContextComparison::Better => "better",
        }
    }
}

/// The `RequestedAuthnContext` of an AuthnRequest: the authentication context classes the SP asks for.
///
/// ```
/// use samlguard::{AuthnContextComparison, RequestedAuthnContext};
/// let mfa = RequestedAuthnContext::new(["http://schemas.microsoft.com/claims/multipleauthn"])
///     .comparison(AuthnContextComparison::Minimum);
/// assert_eq!(mfa.class_refs().len(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestedAuthnContext {
    class_refs: Vec<String>,
    comparison: AuthnContextComparison,
}

impl RequestedAuthnContext {
    /// Asks for these `AuthnContextClassRef`s (comparison `exact`).
    ///
    /// ```
    /// let ctx = samlguard::RequestedAuthnContext::new([
    ///     "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
    /// ]);
    /// assert_eq!(ctx.comparison_value(), samlguard::AuthnContextComparison::Exact);
    /// ```
    pub fn new<S: Into<String>>(class_refs: impl IntoIterator<Item = S>) -> Self {
        RequestedAuthnContext {
            class_refs: class_refs.into_iter().map(Into::into).collect(),
            comparison: AuthnContextComparison::Exact,
        }
    }
    /// Sets the comparison.
    ///
    /// ```
    /// use samlguard::{AuthnContextComparison, RequestedAuthnContext};
    /// let ctx = RequestedAuthnContext::new(["urn:x"]).comparison(AuthnContextComparison::Better);
    /// assert_eq!(ctx.comparison_value(), AuthnContextComparison::Better);
    /// ```
    pub fn comparison(mut self, comparison: AuthnContextComparison) -> Self {
        self.comparison = comparison;
        self
    }
    /// The class references.
    ///
    /// ```
    /// let ctx = samlguard::RequestedAuthnContext::new(["urn:a", "urn:b"]);
    /// assert_eq!(ctx.class_refs(), ["urn:a", "urn:b"]);
    /// ```
    pub fn class_refs(&self) -> &[String] {
        &self.class_refs
    }
    /// The comparison.
    ///
    /// ```
    /// let ctx = samlguard::RequestedAuthnContext::new(["urn:a"]);
    /// assert_eq!(ctx.comparison_value().as_str(), "exact");
    /// ```
    pub fn comparison_value(&self) -> AuthnContextComparison {
        self.comparison
    }
}

/// The `NameIDPolicy` of an AuthnRequest: which NameID format the SP wants, and whether the IdP may
/// create a new identifier for the user.
///
/// ```
/// let policy = samlguard::NameIdPolicy::new()
///     .format("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress")
///     .allow_create(true);
/// assert_eq!(policy.format_value(), Some("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameIdPolicy {
    format: Option<String>,
    allow_create: Option<bool>,
}

impl NameIdPolicy {
    /// A policy with no attributes (the IdP chooses).
    ///
    /// ```
    /// assert_eq!(samlguard::NameIdPolicy::new().format_value(), None);
    /// ```
    pub fn new() -> Self {
        NameIdPolicy::default()
    }
    /// Sets `Format`.
    ///
    /// ```
    /// let p = samlguard::NameIdPolicy::new().format("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent");
    /// assert!(p.format_value().unwrap().ends_with("persistent"));
    /// ```
    pub fn format(mut self, format: impl Into<String>) -> Self {
        self.format = Some(format.into());
        self
    }
    /// Sets `AllowCreate`.
    ///
    /// ```
    /// let p = samlguard::NameIdPolicy::new().allow_create(false);
    /// assert_eq!(p.allow_create_value(), Some(false));
    /// ```
    pub fn allow_create(mut self, allow: bool) -> Self {
        self.allow_create = Some(allow);
        self
    }
    /// The `Format`, if set.
    ///
    /// ```
    /// assert!(samlguard::NameIdPolicy::new().format_value().is_none());
    /// ```
    pub fn format_value(&self) -> Option<&str> {
        self.format.as_deref()
    }
    /// `AllowCreate`, if set.
    ///
    /// ```
    /// assert!(samlguard::NameIdPolicy::new().allow_create_value().is_none());
    /// ```
    pub fn allow_create_value(&self) -> Option<bool> {
        self.allow_create
    }
}

/// Builds an AuthnRequest from the SP and the IdP (its SSO endpoint for the chosen binding, from
/// metadata). The request is signed when the SP has a signing key: over the query string for
/// HTTP-Redirect (RSA-SHA256, or ECDSA for EC keys), with an enveloped signature after `Issuer` for
/// HTTP-POST. The ID goes into the outstanding-request store when one is given.
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
///     .sso_endpoint(BINDING_HTTP_POST, "https://idp.example.com/sso/post")
///     .build();
/// let store = InMemoryRequestStore::new(10_000);
/// let now = "2030-01-01T12:00:00Z".parse()?;
/// let request = AuthnRequestBuilder::new(&sp, &idp)
///     .binding(Binding::HttpPost)
///     .relay_state("/dashboard")
///     .force_authn(true)
///     .request_store(&store)
///     .build(now)?;
/// assert!(request.html_form().unwrap().contains(r#"action="https://idp.example.com/sso/post""#));
/// assert!(request.xml().contains(r#"ForceAuthn="true""#));
/// assert!(request.is_signed());
/// assert!(store.take(request.id(), now)?); // outstanding until the IdP answers
///
/// // The IdP offers no HTTP-Redirect endpoint: code 26, naming what it offers.
/// let err = AuthnRequestBuilder::new(&sp, &idp).binding(Binding::HttpRedirect).build(now).unwrap_err();
/// assert_eq!(err.code(), ErrorCode::AuthnRequestGenerationFailed);
/// assert!(err.detail().found.contains("HTTP-POST"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct AuthnRequestBuilder<'a> {
    sp: &'a ServiceProvider,
    idp: &'a IdentityProvider,
    binding: Binding,
    relay_state: Option<String>,
    force_authn: bool,
    is_passive: bool,
    name_id_policy: Option<NameIdPolicy>,
    authn_context: Option<RequestedAuthnContext>,
    store: Option<&'a dyn RequestStore>,
    lifetime: Duration,
}

impl std::fmt::Debug for AuthnRequestBuilder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthnRequestBuilder")
            .field("sp", &self.sp.entity_id())
            .field("idp", &self.idp.entity_id())
            .field("binding", &self.binding)
            .finish_non_exhaustive()
    }
}

pub(crate) fn outbound_error(code: ErrorCode, found: impl Into<String>, fix: impl Into<String>) -> SsoError {
    SsoError::new(code, Detail::new(Stage::Outbound, found).fix(fix))
}

/// The endpoint for `binding` among `endpoints`, or a detail naming what is offered.
pub(crate) fn endpoint_for<'e>(
    endpoints: &'e [Endpoint],
    binding: Binding,
    what: &str,
    idp: &IdentityProvider,
    code: ErrorCode,
) -> Result<&'e Endpoint, SsoError> {
    if let Some(e) = endpoints.iter().find(|e| Binding::from_uri(&e.binding) == Some(binding)) {
        if !(e.location.starts_with("https://") || e.location.starts_with("http://")) {
            return Err(outbound_error(
                code,
                format!(
                    "the IdP's {what} endpoint for {binding} is {:?}, not an absolute http(s) URL",
                    e.location
                ),
                "fix or re-download the IdP metadata",
            ));
        }
        return Ok(e);
    }
    if endpoints.is_empty() {
        return Err(outbound_error(
            code,
            format!("the IdP {} lists no {what} endpoint at all", idp.entity_id()),
            format!(
                "configure the IdP through its metadata ([idp] metadata), which lists its {what} endpoints, \
                 or use an IdP that supports {what}"
            ),
        ));
    }
    let offered: Vec<String> = endpoints
        .iter()
        .map(|e| {
            let name = Binding::from_uri(&e.binding).map_or_else(|| e.binding.clone(), |b| b.to_string());
            format!("{name} at {}", e.location)
        })
        .collect();
    Err(SsoError::new(
        code,
        Detail::new(
            Stage::Outbound,
            format!(
                "the IdP {} has no {what} endpoint for {binding}; it offers {}",
                idp.entity_id(),
                offered.join(", ")
            ),
        )
        .expected(format!("an endpoint with Binding=\"{}\"", binding.uri()))
        .fix(format!("use one of the bindings the IdP offers (--binding), or enable {binding} at the IdP")),
    ))
}

pub(crate) fn check_relay_state(relay_state: Option<&str>, code: ErrorCode) -> Result<(), SsoError> {
    if let Some(rs) = relay_state
        && rs.len() > MAX_RELAY_STATE_BYTES
    {
        return Err(SsoError::new(
            code,
            Detail::new(Stage::Outbound, format!("the RelayState is {} bytes long", rs.len()))
                .expected(format!("at most {MAX_RELAY_STATE_BYTES} bytes (SAML 2.0 Bindings §3.4.3)"))
                .fix("keep the return URL in the session and send a short opaque key as RelayState"),
        ));
    }
    Ok(())
}

/// Encodes a built message in its binding, signed when the SP has a signing key.
pub(crate) struct Encoding<'a> {
    pub(crate) sp: &'a ServiceProvider,
    pub(crate) code: ErrorCode,
    pub(crate) what: &'a str,
    pub(crate) parameter: SamlParameter,
    pub(crate) binding: Binding,
    pub(crate) destination: &'a str,
    pub(crate) relay_state: Option<&'a str>,
}

impl Encoding<'_> {
    pub(crate) fn encode(
        &self,
        id: String,
        issue_instant: DateTime<Utc>,
        xml: String,
    ) -> Result<OutboundMessage, SsoError> {
        let key = self.sp.signing_key();
        let sign_failed = |e: String| {
            outbound_error(
                self.code,
                format!("the {} cannot be signed with the SP key: {e}", self.what),
                "configure [sp] private_key as an unencrypted PKCS#8 RSA (2048 bits or more) or ECDSA P-256/P-384 key, with its certificate",
            )
        };
        let mut message = OutboundMessage {
            id,
            issue_instant,
            xml,
            destination: self.destination.to_owned(),
            binding: self.binding,
            relay_state: self.relay_state.map(str::to_owned),
            redirect_url: None,
            html_form: None,
            signature_algorithm: key.map(default_algorithm),
        };
        match self.binding {
            Binding::HttpRedirect => {
                let query = redirect_query(self.parameter, message.xml.as_bytes(), self.relay_state, key)
                    .map_err(|e| sign_failed(e.to_string()))?;
                message.redirect_url = Some(append_query(self.destination, &query));
            }
            Binding::HttpPost => {
                if let Some(key) = key {
                    let Some(cert) = self.sp.certificate() else {
                        return Err(sign_failed("the SP has a private key but no certificate".into()));
                    };
                    message.xml = Signer::new(key.clone(), cert.clone())
                        .sign_enveloped(&message.xml, &message.id)
                        .map_err(|e| sign_failed(e.to_string()))?;
                }
                message.html_form = Some(post_form(
                    self.destination,
                    self.parameter,
                    message.xml.as_bytes(),
                    self.relay_state,
                ));
            }
        }
        Ok(message)
    }
}

pub(crate) fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn remember(
    store: Option<&dyn RequestStore>,
    id: &str,
    lifetime: Duration,
    now: DateTime<Utc>,
    code: ErrorCode,
) -> Result<(), SsoError> {
    let Some(store) = store else { return Ok(()) };
    let expires = now + chrono::Duration::from_std(lifetime).unwrap_or(chrono::Duration::minutes(5));
    store.insert(id, expires, now).map_err(|e| {
        outbound_error(
            code,
            format!("the request ID cannot be recorded as outstanding: {e}"),
            "raise the capacity of the outstanding-request store, or check its backend",
        )
    })
}

impl<'a> AuthnRequestBuilder<'a> {
    /// A request from `sp` to `idp`: HTTP-Redirect, no RelayState, no ForceAuthn/IsPassive, no
    /// NameIDPolicy or RequestedAuthnContext, requests outstanding for 10 minutes.
    ///
    /// ```
    /// # use samlguard::*;
    /// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs").build()?;
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .sso_endpoint(BINDING_HTTP_REDIRECT, "https://idp.example.com/sso").build();
    /// let request = AuthnRequestBuilder::new(&sp, &idp).build("2030-01-01T12:00:00Z".parse()?)?;
    /// assert!(request.xml().contains(r#"IssueInstant="2030-01-01T12:00:00Z""#));
    /// assert!(request.xml().contains(r#"AssertionConsumerServiceURL="https://sp.example.com/saml/acs""#));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(sp: &'a ServiceProvider, idp: &'a IdentityProvider) -> Self {
        AuthnRequestBuilder {
            sp,
            idp,
            binding: Binding::HttpRedirect,
            relay_state: None,
            force_authn: false,
            is_passive: false,
            name_id_policy: None,
            authn_context: None,
            store: None,
            lifetime: Duration::from_secs(600),
        }
    }
    /// Chooses the binding (default HTTP-Redirect).
    ///
    /// ```
    /// # use samlguard::*;
    /// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs").build()?;
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .sso_endpoint(BINDING_HTTP_POST, "https://idp.example.com/sso").build();
    /// let request = AuthnRequestBuilder::new(&sp, &idp).binding(Binding::HttpPost).build(chrono::Utc::now())?;
    /// assert!(request.html_form().is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn binding(mut self, binding: Binding) -> Self {
        self.binding = binding;
        self
    }
    /// Sends a RelayState (at most 80 bytes, as the bindings require; longer is code 26).
    ///
    /// ```
    /// # use samlguard::*;
    /// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs").build()?;
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .sso_endpoint(BINDING_HTTP_REDIRECT, "https://idp.example.com/sso").build();
    /// let err = AuthnRequestBuilder::new(&sp, &idp).relay_state("x".repeat(81)).build(chrono::Utc::now()).unwrap_err();
    /// assert_eq!(err.code().code(), 26);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn relay_state(mut self, relay_state: impl Into<String>) -> Self {
        self.relay_state = Some(relay_state.into());
        self
    }
    /// Asks the IdP to authenticate the user again even with a session (`ForceAuthn="true"`).
    ///
    /// ```
    /// # use samlguard::*;
    /// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs").build()?;
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .sso_endpoint(BINDING_HTTP_REDIRECT, "https://idp.example.com/sso").build();
    /// let r = AuthnRequestBuilder::new(&sp, &idp).force_authn(true).build(chrono::Utc::now())?;
    /// assert!(r.xml().contains(r#"ForceAuthn="true""#));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn force_authn(mut self, force: bool) -> Self {
        self.force_authn = force;
        self
    }
    /// Forbids the IdP to interact with the user (`IsPassive="true"`).
    ///
    /// ```
    /// # use samlguard::*;
    /// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs").build()?;
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .sso_endpoint(BINDING_HTTP_REDIRECT, "https://idp.example.com/sso").build();
    /// let r = AuthnRequestBuilder::new(&sp, &idp).is_passive(true).build(chrono::Utc::now())?;
    /// assert!(r.xml().contains(r#"IsPassive="true""#));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_passive(mut self, passive: bool) -> Self {
        self.is_passive = passive;
        self
    }
    /// Adds a `NameIDPolicy`.
    ///
    /// ```
    /// # use samlguard::*;
    /// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs").build()?;
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .sso_endpoint(BINDING_HTTP_REDIRECT, "https://idp.example.com/sso").build();
    /// let policy = NameIdPolicy::new().format("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress").allow_create(true);
    /// let r = AuthnRequestBuilder::new(&sp, &idp).name_id_policy(policy).build(chrono::Utc::now())?;
    /// assert!(r.xml().contains(r#"<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" AllowCreate="true"/>"#));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn name_id_policy(mut self, policy: NameIdPolicy) -> Self {
        self.name_id_policy = Some(policy);
        self
    }
    /// Adds a `RequestedAuthnContext` (at least one class reference; none is code 26).
    ///
    /// ```
    /// # use samlguard::*;
    /// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs").build()?;
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .sso_endpoint(BINDING_HTTP_REDIRECT, "https://idp.example.com/sso").build();
    /// let ctx = RequestedAuthnContext::new(["urn:oasis:names:tc:SAML:2.0:ac:classes:X509"])
    ///     .comparison(AuthnContextComparison::Minimum);
    /// let r = AuthnRequestBuilder::new(&sp, &idp).requested_authn_context(ctx).build(chrono::Utc::now())?;
    /// assert!(r.xml().contains(r#"<samlp:RequestedAuthnContext Comparison="minimum">"#));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn requested_authn_context(mut self, context: RequestedAuthnContext) -> Self {
        self.authn_context = Some(context);
        self
    }
    /// Records the request ID in this outstanding-request store (a store failure is code 26).
    ///
    /// ```
    /// # use samlguard::*;
    /// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs").build()?;
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .sso_endpoint(BINDING_HTTP_REDIRECT, "https://idp.example.com/sso").build();
    /// let store = InMemoryRequestStore::new(1);
    /// let now = chrono::Utc::now();
    /// AuthnRequestBuilder::new(&sp, &idp).request_store(&store).build(now)?;
    /// let full = AuthnRequestBuilder::new(&sp, &idp).request_store(&store).build(now).unwrap_err();
    /// assert_eq!(full.code(), ErrorCode::AuthnRequestGenerationFailed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn request_store(mut self, store: &'a dyn RequestStore) -> Self {
        self.store = Some(store);
        self
    }
    /// How long the request stays outstanding in the store (default 10 minutes: the user may take a
    /// while to sign in).
    ///
    /// ```
    /// # use samlguard::*;
    /// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs").build()?;
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .sso_endpoint(BINDING_HTTP_REDIRECT, "https://idp.example.com/sso").build();
    /// let store = InMemoryRequestStore::new(100);
    /// let now: chrono::DateTime<chrono::Utc> = "2030-01-01T12:00:00Z".parse()?;
    /// let r = AuthnRequestBuilder::new(&sp, &idp)
    ///     .request_store(&store)
    ///     .request_lifetime(std::time::Duration::from_secs(60))
    ///     .build(now)?;
    /// assert!(!store.take(r.id(), now + chrono::Duration::seconds(61))?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn request_lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// Builds (and, with an SP key, signs) the request at `now`. Every failure is code 26.
    ///
    /// ```
    /// use samlguard::*;
    /// let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs").build()?;
    /// // An IdP configured from certificates alone: no endpoint to send the request to.
    /// let idp = IdentityProvider::builder("https://idp.example.com/metadata").build();
    /// let err = AuthnRequestBuilder::new(&sp, &idp).build(chrono::Utc::now()).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::AuthnRequestGenerationFailed);
    /// assert!(err.detail().fix.as_deref().unwrap().contains("[idp] metadata"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(self, now: DateTime<Utc>) -> Result<OutboundMessage, SsoError> {
        const CODE: ErrorCode = ErrorCode::AuthnRequestGenerationFailed;
        let endpoint =
            endpoint_for(self.idp.sso_endpoints(), self.binding, "single sign-on", self.idp, CODE)?;
        check_relay_state(self.relay_state.as_deref(), CODE)?;
        if let Some(ctx) = &self.authn_context
            && ctx.class_refs.iter().all(|c| c.trim().is_empty())
        {
            return Err(outbound_error(
                CODE,
                "the RequestedAuthnContext lists no AuthnContextClassRef",
                "name at least one authentication context class, or request none",
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
            what: "AuthnRequest",
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
        x.push_str(&format!(r#"<samlp:AuthnRequest xmlns:samlp="{SAMLP_NS}" xmlns:saml="{SAML_NS}""#));
        x.push_str(&format!(r#" ID="{}" Version="2.0" IssueInstant="{}""#, xml_escape(id), timestamp(now)));
        x.push_str(&format!(r#" Destination="{}""#, xml_escape(destination)));
        x.push_str(&format!(r#" AssertionConsumerServiceURL="{}""#, xml_escape(self.sp.acs_url())));
        x.push_str(&format!(r#" ProtocolBinding="{}""#, Binding::HttpPost.uri()));
        if self.force_authn {
            x.push_str(r#" ForceAuthn="true""#);
        }
        if self.is_passive {
            x.push_str(r#" IsPassive="true""#);
        }
        x.push('>');
        x.push_str(&format!("<saml:Issuer>{}</saml:Issuer>", xml_escape(self.sp.entity_id().trim())));
        if let Some(p) = &self.name_id_policy {
            x.push_str("<samlp:NameIDPolicy");
            if let Some(f) = &p.format {
                x.push_str(&format!(r#" Format="{}""#, xml_escape(f)));
            }
            if let Some(a) = p.allow_create {
                x.push_str(&format!(r#" AllowCreate="{a}""#));
            }
            x.push_str("/>");
        }
        if let Some(ctx) = &self.authn_context {
            x.push_str(&format!(r#"<samlp:RequestedAuthnContext Comparison="{}">"#, ctx.comparison.as_str()));
            for c in ctx.class_refs.iter().filter(|c| !c.trim().is_empty()) {
                x.push_str(&format!(
                    "<saml:AuthnContextClassRef>{}</saml:AuthnContextClassRef>",
                    xml_escape(c.trim())
                ));
            }
            x.push_str("</samlp:RequestedAuthnContext>");
        }
        x.push_str("</samlp:AuthnRequest>");
        x
    }
}
