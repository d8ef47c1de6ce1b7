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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestAttribute {
    /// Name.
    pub name: String,
    /// FriendlyName.
    pub friendly_name: Option<String>,
    /// Values.
    pub values: Vec<String>,
}

/// Builds a signed SAML Response. See the module documentation for an example.
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

    /// The key and certificate to sign with (required).
    pub fn sign_with(mut self, key: SigningKey, certificate: Certificate) -> Self {
        self.key = Some((key, certificate));
        self
    }
    /// Signs the Response (in addition to or instead of the assertion).
    pub fn sign_response(mut self, on: bool) -> Self {
        self.sign_response = on;
        self
    }
    /// Signs the assertion.
    pub fn sign_assertion(mut self, on: bool) -> Self {
        self.sign_assertion = on;
        self
    }
    /// The signature algorithm (default: the key's).
    pub fn signature_algorithm(mut self, alg: SignatureAlgorithm) -> Self {
        self.algorithm = Some(alg);
        self
    }
    /// The digest algorithm (default SHA-256).
    pub fn digest_algorithm(mut self, alg: DigestAlgorithm) -> Self {
        self.digest = alg;
        self
    }
    /// The Issuer of both the Response and the assertion.
    pub fn issuer(mut self, issuer: &str) -> Self {
        self.response_issuer = Some(issuer.into());
        self.assertion_issuer = Some(issuer.into());
        self
    }
    /// The Response Issuer (None: omitted).
    pub fn response_issuer(mut self, issuer: Option<&str>) -> Self {
        self.response_issuer = issuer.map(Into::into);
        self
    }
    /// The assertion Issuer (None: omitted).
    pub fn assertion_issuer(mut self, issuer: Option<&str>) -> Self {
        self.assertion_issuer = issuer.map(Into::into);
        self
    }
    /// The Response Destination (None: omitted).
    pub fn destination(mut self, url: Option<&str>) -> Self {
        self.destination = url.map(Into::into);
        self
    }
    /// InResponseTo on the Response and (unless set apart) on the bearer confirmation.
    pub fn in_response_to(mut self, id: Option<&str>) -> Self {
        self.in_response_to = id.map(Into::into);
        self
    }
    /// InResponseTo on the bearer SubjectConfirmationData only.
    pub fn confirmation_in_response_to(mut self, id: Option<&str>) -> Self {
        self.scd_in_response_to = Some(id.map(Into::into));
        self
    }
    /// The Response ID.
    pub fn response_id(mut self, id: &str) -> Self {
        self.response_id = id.into();
        self
    }
    /// The assertion ID.
    pub fn assertion_id(mut self, id: &str) -> Self {
        self.assertion_id = id.into();
        self
    }
    /// The Response Version.
    pub fn version(mut self, v: &str) -> Self {
        self.version = v.into();
        self
    }
    /// The assertion Version.
    pub fn assertion_version(mut self, v: &str) -> Self {
        self.assertion_version = v.into();
        self
    }
    /// The Response IssueInstant.
    pub fn issue_instant(mut self, t: DateTime<Utc>) -> Self {
        self.issue_instant = t;
        self
    }
    /// The assertion IssueInstant.
    pub fn assertion_issue_instant(mut self, t: DateTime<Utc>) -> Self {
        self.assertion_issue_instant = t;
        self
    }
    /// The top-level status code, an optional sub-code and message.
    pub fn status(mut self, code: &str, sub_code: Option<&str>, message: Option<&str>) -> Self {
        self.status = code.into();
        self.sub_status = sub_code.map(Into::into);
        self.status_message = message.map(Into::into);
        self
    }
    /// The NameID value (written as text, escaped).
    pub fn name_id(mut self, v: &str) -> Self {
        self.name_id = Some(v.to_string());
        self
    }
    /// Leaves the NameID out.
    pub fn without_name_id(mut self) -> Self {
        self.name_id = None;
        self
    }
    /// The NameID Format (None: omitted).
    pub fn name_id_format(mut self, f: Option<&str>) -> Self {
        self.name_id_format = f.map(Into::into);
        self
    }
    /// The NameQualifier and SPNameQualifier.
    pub fn name_qualifiers(mut self, nq: Option<&str>, spnq: Option<&str>) -> Self {
        self.name_qualifier = nq.map(Into::into);
        self.sp_name_qualifier = spnq.map(Into::into);
        self
    }
    /// The AudienceRestrictions: one inner list per restriction (empty: none).
    pub fn audience_restrictions(mut self, restrictions: Vec<Vec<String>>) -> Self {
        self.audiences = restrictions;
        self
    }
    /// The bearer SubjectConfirmationData Recipient (None: omitted).
    pub fn recipient(mut self, url: Option<&str>) -> Self {
        self.recipient = url.map(Into::into);
        self
    }
    /// The SubjectConfirmation Method.
    pub fn confirmation_method(mut self, m: &str) -> Self {
        self.confirmation_method = m.into();
        self
    }
    /// Adds a raw extra `<saml:SubjectConfirmation>` element (XML text) after the first one.
    pub fn extra_confirmation(mut self, xml: &str) -> Self {
        self.extra_confirmations.push(xml.into());
        self
    }
    /// Conditions NotBefore (None: omitted).
    pub fn not_before(mut self, t: Option<DateTime<Utc>>) -> Self {
        self.not_before = t;
        self
    }
    /// Conditions NotOnOrAfter (None: omitted).
    pub fn not_on_or_after(mut self, t: Option<DateTime<Utc>>) -> Self {
        self.not_on_or_after = t;
        self
    }
    /// SubjectConfirmationData NotOnOrAfter (None: omitted).
    pub fn confirmation_not_on_or_after(mut self, t: Option<DateTime<Utc>>) -> Self {
        self.scd_not_on_or_after = t;
        self
    }
    /// AuthnStatement SessionNotOnOrAfter (None: omitted).
    pub fn session_not_on_or_after(mut self, t: Option<DateTime<Utc>>) -> Self {
        self.session_not_on_or_after = t;
        self
    }
    /// The SessionIndex (None: omitted).
    pub fn session_index(mut self, s: Option<&str>) -> Self {
        self.session_index = s.map(Into::into);
        self
    }
    /// Replaces the attributes.
    pub fn attributes(mut self, attributes: Vec<TestAttribute>) -> Self {
        self.attributes = attributes;
        self
    }
    /// Adds an attribute.
    pub fn attribute(mut self, name: &str, values: &[&str]) -> Self {
        self.attributes.push(attr(name, None, values));
        self
    }
    /// Leaves the assertion out.
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

    /// The signed Response XML.
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
    pub fn build_base64(&self) -> Result<String, SignError> {
        Ok(base64::engine::general_purpose::STANDARD.encode(self.build()?))
    }

    /// An urlencoded POST body `SAMLResponse=…&RelayState=…`.
    pub fn build_form_body(&self, relay_state: &str) -> Result<String, SignError> {
        let b64 = self.build_base64()?;
        let enc = |s: &str| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        };
        Ok(format!("SAMLResponse={}&RelayState={}", enc(&b64), enc(relay_state)))
    }

    /// The Response ID.
    pub fn get_response_id(&self) -> &str {
        &self.response_id
    }
    /// The assertion ID.
    pub fn get_assertion_id(&self) -> &str {
        &self.assertion_id
    }
}

/// An attribute value for [`ResponseBuilder::attributes`].
pub fn attr(name: &str, friendly_name: Option<&str>, values: &[&str]) -> TestAttribute {
    TestAttribute {
        name: name.to_string(),
        friendly_name: friendly_name.map(str::to_string),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}
