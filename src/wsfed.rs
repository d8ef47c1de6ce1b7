//! WS-Federation passive sign-in, what ADFS and Entra ID post to a WS-Federation relying party:
//! `wa=wsignin1.0&wresult=…`, where `wresult` holds a WS-Trust `RequestSecurityTokenResponse` (WS-Trust
//! 1.3 or February 2005, optionally inside a `RequestSecurityTokenResponseCollection`) whose one
//! `RequestedSecurityToken` carries a SAML 2.0 assertion or a SAML 1.1 assertion (ADFS's default).
//!
//! There is no Response envelope: the assertion is the signed unit. It must carry its own signature,
//! verified exactly as an assertion's own signature in a Response is, and then goes through the same
//! assertion checks, with the same codes, as an assertion in a Response (`check_assertion`, told by
//! [`Dialect`] where each value sits in either SAML version). The Response rows of SPEC §2
//! (Destination, InResponseTo) apply only where the assertion itself carries those values.
//!
//! This module is a child of `validate` (declared there) so that it runs that module's pipeline
//! instead of copying it.

use chrono::{DateTime, Utc};

use super::{
    BEARER, Body, Login, SamlAttribute, SignedAssertion, SsoRequest, Validator, explain_url_difference, fail,
    form_fields, inv_time, line, parse_time,
};
use crate::config::SAML_NS;
use crate::dsig::{DSIG_NS, find_signatures};
use crate::error::{Detail, ErrorCode, SsoError, Stage};
use crate::xml::{Document, Element, NodeKind};

/// WS-Trust 1.3.
const WSTRUST_13_NS: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512";
/// WS-Trust February 2005.
const WSTRUST_2005_NS: &str = "http://schemas.xmlsoap.org/ws/2005/02/trust";
/// The SAML 1.x assertion namespace.
const SAML1_NS: &str = "urn:oasis:names:tc:SAML:1.0:assertion";
const SAML1_BEARER: &str = "urn:oasis:names:tc:SAML:1.0:cm:bearer";
const XENC_NS: &str = "http://www.w3.org/2001/04/xmlenc#";
/// Shibboleth 1.x marks URI-named attributes with this AttributeNamespace: the AttributeName is the name.
const SHIBBOLETH_URI_NAMESPACE: &str = "urn:mace:shibboleth:1.0:attributeNamespace:uri";

fn is_trust(e: Element<'_>, local: &str) -> bool {
    e.is(WSTRUST_13_NS, local) || e.is(WSTRUST_2005_NS, local)
}

/// At most `n` characters of `s`, for a detail.
fn excerpt(s: &str, n: usize) -> String {
    let s = s.trim();
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Where an assertion's values sit: SAML 2.0 (in a Response or a WS-Federation token) or SAML 1.1
/// (WS-Federation tokens only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Dialect {
    Saml20,
    Saml11,
}

impl Dialect {
    pub(super) fn of(a: Element<'_>) -> Dialect {
        if a.is(SAML1_NS, "Assertion") { Dialect::Saml11 } else { Dialect::Saml20 }
    }

    /// The assertion namespace.
    pub(super) fn ns(self) -> &'static str {
        match self {
            Dialect::Saml20 => SAML_NS,
            Dialect::Saml11 => SAML1_NS,
        }
    }

    /// The assertion's ID attribute.
    pub(super) fn id_attribute(self) -> &'static str {
        match self {
            Dialect::Saml20 => "ID",
            Dialect::Saml11 => "AssertionID",
        }
    }

    /// The Conditions child listing Audience elements.
    pub(super) fn audience_restriction(self) -> &'static str {
        match self {
            Dialect::Saml20 => "AudienceRestriction",
            Dialect::Saml11 => "AudienceRestrictionCondition",
        }
    }

    /// SAML 1.1's version check (13): MajorVersion 1, MinorVersion 1.
    pub(super) fn check_saml11_version(self, a: Element<'_>) -> Result<(), SsoError> {
        let (major, minor) = (a.attribute("MajorVersion"), a.attribute("MinorVersion"));
        if (major.map(str::trim), minor.map(str::trim)) == (Some("1"), Some("1")) {
            return Ok(());
        }
        Err(fail(
            ErrorCode::InvalidAssertion,
            Detail::new(
                Stage::Assertion,
                format!(
                    "the SAML 1.x Assertion has MajorVersion {} and MinorVersion {}",
                    super::describe_value(major),
                    super::describe_value(minor)
                ),
            )
            .expected("MajorVersion 1, MinorVersion 1 (SAML 1.1)")
            .fix("configure the relying party's token type as SAML 1.1 or SAML 2.0"),
        ))
    }

    /// The Issuer: an element in SAML 2.0, an attribute in SAML 1.1.
    pub(super) fn issuer(self, a: Element<'_>) -> Option<String> {
        match self {
            Dialect::Saml20 => a.child_named(SAML_NS, "Issuer").map(|e| e.text().trim().to_string()),
            Dialect::Saml11 => a.attribute("Issuer").map(|v| v.trim().to_string()),
        }
    }

    /// The Subject. SAML 1.1 repeats it in each statement: every NameIdentifier there must name the
    /// same subject (13 otherwise), and the first Subject with one is used.
    pub(super) fn subject<'d>(self, a: Element<'d>) -> Result<Option<Element<'d>>, SsoError> {
        if self == Dialect::Saml20 {
            return Ok(a.child_named(SAML_NS, "Subject"));
        }
        let subjects: Vec<Element<'d>> = saml11_subjects(a).collect();
        let key = |s: Element<'d>| {
            s.child_named(SAML1_NS, "NameIdentifier").map(|n| {
                (
                    n.text().trim().to_string(),
                    n.attribute("Format").map(str::trim).unwrap_or("").to_string(),
                    n.attribute("NameQualifier").map(str::trim).unwrap_or("").to_string(),
                )
            })
        };
        let named: Vec<(Element<'d>, (String, String, String))> =
            subjects.iter().filter_map(|s| key(*s).map(|k| (*s, k))).collect();
        if let Some((first_el, first)) = named.first()
            && let Some((other_el, other)) = named.iter().find(|(_, k)| k != first)
        {
            return Err(fail(
                ErrorCode::InvalidAssertion,
                Detail::new(
                    Stage::Assertion,
                    format!(
                        "the assertion's statements name different subjects: {:?} (line {}) and {:?} (line {})",
                        first.0,
                        line(*first_el),
                        other.0,
                        line(*other_el)
                    ),
                )
                .fix("a token about two subjects is broken or crafted; refuse it"),
            ));
        }
        Ok(named.first().map(|(s, _)| *s).or_else(|| subjects.first().copied()))
    }

    /// The subject's name: `NameID` (SAML 2.0) or `NameIdentifier` (SAML 1.1), which carry Format and
    /// NameQualifier alike.
    pub(super) fn name_id<'d>(self, subject: Element<'d>) -> Option<Element<'d>> {
        match self {
            Dialect::Saml20 => subject.child_named(SAML_NS, "NameID"),
            Dialect::Saml11 => subject.child_named(SAML1_NS, "NameIdentifier"),
        }
    }

    /// SAML 1.1 attributes (none for SAML 2.0, whose attributes `check_assertion` reads itself).
    ///
    /// A SAML 1.1 attribute is named by AttributeNamespace and AttributeName; ADFS sends claims as
    /// namespace `http://schemas.xmlsoap.org/ws/2005/05/identity/claims` and name `emailaddress`. The
    /// Name is the claim URI `namespace/name` and the FriendlyName the AttributeName, so that required
    /// attributes and [`Login::attribute`] match either form.
    pub(super) fn saml11_attributes(self, a: Element<'_>) -> Vec<SamlAttribute> {
        if self != Dialect::Saml11 {
            return Vec::new();
        }
        let mut out = Vec::new();
        for st in a.children_named(SAML1_NS, "AttributeStatement") {
            for at in st.children_named(SAML1_NS, "Attribute") {
                let local = at.attribute("AttributeName").unwrap_or("").trim();
                let ns = at.attribute("AttributeNamespace").unwrap_or("").trim();
                let name = if ns.is_empty() || ns == SHIBBOLETH_URI_NAMESPACE {
                    local.to_string()
                } else {
                    format!("{}/{local}", ns.trim_end_matches('/'))
                };
                out.push(SamlAttribute {
                    friendly_name: (name != local).then(|| local.to_string()),
                    name,
                    values: at.children_named(SAML1_NS, "AttributeValue").map(|v| v.text()).collect(),
                });
            }
        }
        out
    }

    /// SAML 1.1's AuthenticationStatement AuthenticationInstant (None for SAML 2.0).
    pub(super) fn saml11_authn_instant(self, a: Element<'_>) -> Option<DateTime<Utc>> {
        if self != Dialect::Saml11 {
            return None;
        }
        a.child_named(SAML1_NS, "AuthenticationStatement")
            .and_then(|s| s.attribute("AuthenticationInstant"))
            .and_then(parse_time)
    }
}

/// The Subjects of a SAML 1.1 assertion's statements.
fn saml11_subjects<'d>(a: Element<'d>) -> impl Iterator<Item = Element<'d>> + 'd {
    a.child_elements()
        .filter(|s| s.namespace() == Some(SAML1_NS) && s.local_name().ends_with("Statement"))
        .filter_map(|s| s.child_named(SAML1_NS, "Subject"))
}

/// The one assertion the wresult's RequestSecurityTokenResponse carries, found before any signature is
/// checked: this may only reject (22); the assertion is then trusted only through its own signature.
fn requested_token(doc: &Document) -> Result<Element<'_>, SsoError> {
    let bad = |found: String, fix: &str| {
        fail(ErrorCode::InvalidRequestedSecurityToken, Detail::new(Stage::WsFed, found).fix(fix))
    };
    let root = doc.root_element();
    let responses: Vec<Element<'_>> = if is_trust(root, "RequestSecurityTokenResponseCollection") {
        root.child_elements().filter(|e| is_trust(*e, "RequestSecurityTokenResponse")).collect()
    } else if is_trust(root, "RequestSecurityTokenResponse") {
        vec![root]
    } else {
        return Err(fail(
            ErrorCode::InvalidRequestedSecurityToken,
            Detail::new(
                Stage::WsFed,
                format!(
                    "the wresult's root element is <{}> in namespace {:?}",
                    root.qualified_name(),
                    root.namespace().unwrap_or("")
                ),
            )
            .expected("a WS-Trust RequestSecurityTokenResponse (WS-Trust 1.3 or 2005), optionally in a RequestSecurityTokenResponseCollection")
            .fix("configure the relying party for WS-Federation passive sign-in with a SAML token"),
        ));
    };
    if responses.is_empty() {
        return Err(bad(
            "the RequestSecurityTokenResponseCollection holds no RequestSecurityTokenResponse".into(),
            "the IdP must answer with one RequestSecurityTokenResponse carrying the token",
        ));
    }
    let tokens: Vec<Element<'_>> =
        doc.elements().filter(|e| is_trust(*e, "RequestedSecurityToken")).collect();
    if let Some(stray) = tokens.iter().find(|t| !t.parent_element().is_some_and(|p| responses.contains(&p))) {
        let inside = stray.parent_element().map(|p| p.qualified_name()).unwrap_or_default();
        return Err(bad(
            format!(
                "a RequestedSecurityToken sits in an unexpected place (inside <{inside}>, line {})",
                line(*stray)
            ),
            "only a RequestSecurityTokenResponse may carry the token; this is the shape of an injection attack",
        ));
    }
    let token = match tokens.as_slice() {
        [] => {
            return Err(bad(
                "the RequestSecurityTokenResponse carries no RequestedSecurityToken".into(),
                "the IdP must issue a SAML token in a RequestedSecurityToken; check the relying party's configuration at the IdP",
            ));
        }
        [one] => *one,
        many => {
            let spread = if responses.len() > 1 {
                format!(" in {} RequestSecurityTokenResponses", responses.len())
            } else {
                String::new()
            };
            return Err(bad(
                format!(
                    "the message carries {} RequestedSecurityToken elements{spread}; exactly one is accepted",
                    many.len()
                ),
                "a second token is the shape of an injection attack; refuse the message",
            ));
        }
    };
    let mut children = Vec::new();
    for c in token.children() {
        match c.kind() {
            NodeKind::Text(t) if !t.trim().is_empty() => {
                return Err(bad(
                    format!(
                        "the RequestedSecurityToken holds text ({:?}) instead of an assertion",
                        excerpt(t, 40)
                    ),
                    "configure the relying party's token type as SAML 1.1 or SAML 2.0",
                ));
            }
            _ => children.extend(c.as_element()),
        }
    }
    let a = match children.as_slice() {
        [a] => *a,
        [] => {
            return Err(bad(
                "the RequestedSecurityToken is empty".into(),
                "the IdP must put the SAML assertion in the RequestedSecurityToken",
            ));
        }
        many => {
            let names: Vec<String> = many.iter().map(|e| e.qualified_name()).collect();
            return Err(bad(
                format!(
                    "the RequestedSecurityToken holds {} elements ({names:?}); exactly one assertion is accepted",
                    many.len()
                ),
                "a second element beside the token is the shape of an injection attack; refuse the message",
            ));
        }
    };
    if a.is(SAML_NS, "Assertion") {
        return Ok(a);
    }
    if a.is(SAML1_NS, "Assertion") {
        let v = |n: &str| a.attribute(n).map(str::trim);
        if (v("MajorVersion"), v("MinorVersion")) == (Some("1"), Some("1")) {
            return Ok(a);
        }
        return Err(fail(
            ErrorCode::InvalidRequestedSecurityToken,
            Detail::new(
                Stage::WsFed,
                format!(
                    "the RequestedSecurityToken holds a SAML 1.x Assertion with MajorVersion {} and MinorVersion {}",
                    super::describe_value(v("MajorVersion")),
                    super::describe_value(v("MinorVersion"))
                ),
            )
            .expected("a SAML 2.0 Assertion or a SAML 1.1 Assertion (MajorVersion 1, MinorVersion 1)")
            .fix("configure the relying party's token type as SAML 1.1 or SAML 2.0"),
        ));
    }
    let encrypted = a.is(XENC_NS, "EncryptedData") || a.is(SAML_NS, "EncryptedAssertion");
    let (found, fix) = if encrypted {
        (
            format!("the RequestedSecurityToken holds an encrypted token (<{}>)", a.qualified_name()),
            "turn off token encryption for this relying party at the IdP (ADFS: remove the relying party trust's encryption certificate)",
        )
    } else {
        (
            format!(
                "the RequestedSecurityToken holds <{}> in namespace {:?}, not a SAML assertion",
                a.qualified_name(),
                a.namespace().unwrap_or("")
            ),
            "configure the relying party's token type as SAML 1.1 or SAML 2.0 (JWT and other token types are not accepted)",
        )
    };
    Err(fail(
        ErrorCode::InvalidRequestedSecurityToken,
        Detail::new(Stage::WsFed, found).expected("a SAML 2.0 Assertion or a SAML 1.1 Assertion").fix(fix),
    ))
}

/// The signature stage's precedence (SPEC §2): 8, then 15, then 23.
fn signature_rank(c: ErrorCode) -> u8 {
    match c {
        ErrorCode::IncorrectCertificate => 0,
        ErrorCode::CertificateExpired => 1,
        _ => 2,
    }
}

impl Validator {
    /// The `wresult` of a WS-Federation sign-in POST, or `None` when the body carries none. The form
    /// must say `wa=wsignin1.0` and carry nothing of the SAML bindings (6 otherwise).
    pub(super) fn wsfed_wresult(&self, body: &Body) -> Result<Option<Vec<u8>>, SsoError> {
        let Body::Form(f) = body else {
            return Ok(None);
        };
        let limit = self.sp.max_response_bytes();
        if f.len() > limit.saturating_mul(2).saturating_add(4096) {
            // decode_body refuses it (6) before reading any field.
            return Ok(None);
        }
        let fields = form_fields(f);
        let values = |name: &str| -> Vec<&str> {
            fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
        };
        let wresult = values("wresult");
        if wresult.is_empty() {
            return Ok(None);
        }
        let t = |found: String, fix: &str| {
            fail(ErrorCode::IncorrectPostData, Detail::new(Stage::Transport, found).fix(fix))
        };
        if !values("SAMLResponse").is_empty() || !values("SAMLart").is_empty() {
            return Err(t(
                "the POST carries both wresult (WS-Federation) and a SAML binding field (SAMLResponse or SAMLart)".into(),
                "an IdP posts one protocol at a time; the message was mangled or crafted",
            ));
        }
        match values("wa").as_slice() {
            [wa] if wa.trim() == "wsignin1.0" => {}
            [] => {
                return Err(fail(
                    ErrorCode::IncorrectPostData,
                    Detail::new(Stage::Transport, "the POST carries wresult but no wa field")
                        .expected("wa=wsignin1.0")
                        .fix(
                            "a WS-Federation sign-in response carries wa=wsignin1.0; the message was mangled",
                        ),
                ));
            }
            [wa] => {
                return Err(fail(
                    ErrorCode::IncorrectPostData,
                    Detail::new(Stage::Transport, format!("the wa field is {:?}", excerpt(wa, 40)))
                        .expected("wsignin1.0")
                        .fix("only sign-in responses (wa=wsignin1.0) are validated here; sign-out messages go to the sign-out endpoint"),
                ));
            }
            _ => {
                return Err(t(
                    "the POST body has more than one wa field".into(),
                    "the message was crafted; refuse it",
                ));
            }
        }
        let [v] = wresult.as_slice() else {
            return Err(t(
                "the POST body has more than one wresult field".into(),
                "the message was crafted; refuse it",
            ));
        };
        if v.trim().is_empty() {
            return Err(t("the wresult field is empty".into(), "the IdP posted no token"));
        }
        if v.len() > limit {
            return Err(t(
                format!("the wresult is {} bytes, over the limit of {limit}", v.len()),
                "raise max_response_bytes if the IdP's tokens are legitimately this large",
            ));
        }
        Ok(Some(v.as_bytes().to_vec()))
    }

    /// Validates a WS-Federation token response: the one RequestedSecurityToken (22), its assertion's
    /// own signature (20, 8, 15, 23), then the assertion checks every assertion goes through.
    pub(super) fn validate_wsfed(&self, wresult: &[u8], request: &SsoRequest) -> Result<Login, SsoError> {
        let doc = Document::parse_with(wresult, self.sp.parse_options()).map_err(|e| {
            fail(
                ErrorCode::IncorrectPostData,
                Detail::new(Stage::Transport, format!("the wresult is not acceptable XML: {e}"))
                    .fix("the message was damaged or crafted; capture it and compare with what the IdP sent"),
            )
        })?;
        let token = requested_token(&doc)?;
        let signed = self.check_token_signature(&doc, token, request.now)?;
        self.check_assertion(None, signed, request)
    }

    /// The token's assertion must carry exactly one signature of its own, valid, over itself; no other
    /// signature may sit anywhere in the message.
    fn check_token_signature<'d>(
        &self,
        doc: &'d Document,
        token: Element<'d>,
        now: DateTime<Utc>,
    ) -> Result<SignedAssertion<'d>, SsoError> {
        let own: Vec<Element<'d>> = token.children_named(DSIG_NS, "Signature").collect();
        let all = find_signatures(doc);
        if own.is_empty() {
            // SPEC's 20 vs 23: a token is an assertion that must be signed itself (as with
            // want_assertions_signed); another assertion that is signed is the wrapping shape.
            let signed_elsewhere = doc.elements().find(|e| {
                (e.is(SAML_NS, "Assertion") || e.is(SAML1_NS, "Assertion"))
                    && e.child_named(DSIG_NS, "Signature").is_some()
            });
            if let Some(other) = signed_elsewhere {
                return Err(fail(
                    ErrorCode::InvalidDigitalSignature,
                    Detail::new(Stage::Signature, format!(
                        "the token's assertion (line {}) carries no signature of its own, while another assertion in the message (line {}) does",
                        line(token),
                        line(other)
                    ))
                    .fix("a signed assertion hidden beside or inside an unsigned one is the shape of a signature-wrapping attack; refuse the message"),
                ));
            }
            let found = if all.is_empty() {
                "the message carries no ds:Signature at all".to_string()
            } else {
                format!(
                    "the token's assertion carries no signature of its own (the {} ds:Signature elsewhere in the message cannot vouch for it)",
                    all.len()
                )
            };
            return Err(fail(
                ErrorCode::AssertionUnsigned,
                Detail::new(Stage::Signature, found).fix(
                    "configure the IdP to sign the token (a WS-Federation assertion must carry its own signature)",
                ),
            ));
        }
        let mut failures: Vec<SsoError> = Vec::new();
        for s in all.iter().filter(|s| !own.contains(*s)) {
            let inside = s.parent_element().map(|p| p.qualified_name()).unwrap_or_default();
            failures.push(fail(
                ErrorCode::InvalidDigitalSignature,
                Detail::new(Stage::Signature, format!("a ds:Signature sits in an unexpected place (inside <{inside}>, line {}); only the token's assertion may be signed", line(*s)))
                    .fix("this is the shape of a signature-wrapping attack; refuse the message"),
            ));
        }
        if own.len() > 1 {
            failures.push(fail(
                ErrorCode::InvalidDigitalSignature,
                Detail::new(
                    Stage::Signature,
                    format!(
                        "<{}> at line {} carries {} signatures; one is allowed",
                        token.qualified_name(),
                        line(token),
                        own.len()
                    ),
                ),
            ));
        }
        let mut verified = None;
        if let [sig] = own.as_slice() {
            match self.verify_own_signature(token, *sig, now) {
                Ok(v) => verified = Some(v),
                Err(e) => failures.push(e),
            }
        }
        if let Some(best) = failures.into_iter().min_by_key(|f| signature_rank(f.code())) {
            return Err(best);
        }
        let certificate = verified
            .as_ref()
            .and_then(|v| v.certificate_indices().first())
            .and_then(|i| self.idp.certificates().get(*i))
            .cloned()
            .ok_or_else(|| {
                fail(
                    ErrorCode::InvalidDigitalSignature,
                    Detail::new(Stage::Signature, "no valid signature covers the token's assertion"),
                )
            })?;
        Ok(SignedAssertion { element: token, certificate, response_signed: false, assertion_signed: true })
    }

    /// The subject confirmation of a standalone token. It must be confirmed with the bearer method; a
    /// SAML 2.0 bearer SubjectConfirmationData's Recipient, when present, must be the ACS URL (14), its
    /// InResponseTo, when present, an outstanding request (28), and its time window current (19, 13);
    /// and the token must expire (Conditions or bearer NotOnOrAfter; 13 otherwise).
    pub(super) fn check_token_confirmations(
        &self,
        dialect: Dialect,
        a: Element<'_>,
        subject: Option<Element<'_>>,
        not_on_or_after: Option<DateTime<Utc>>,
        request: &SsoRequest,
        skew: chrono::Duration,
    ) -> Result<(), SsoError> {
        let now = request.now;
        let inv = |found: String, fix: &str| {
            fail(ErrorCode::InvalidAssertion, Detail::new(Stage::Assertion, found).fix(fix))
        };
        let never = || {
            inv(
                "the token has no Conditions NotOnOrAfter and no bearer NotOnOrAfter, so it would never expire".into(),
                "the IdP must bound the token's lifetime (Conditions NotOnOrAfter)",
            )
        };
        if dialect == Dialect::Saml11 {
            let methods: Vec<String> = saml11_subjects(a)
                .flat_map(|s| s.children_named(SAML1_NS, "SubjectConfirmation"))
                .flat_map(|sc| sc.children_named(SAML1_NS, "ConfirmationMethod"))
                .map(|m| m.text().trim().to_string())
                .collect();
            if !methods.iter().any(|m| m == SAML1_BEARER) {
                return Err(inv(
                    format!(
                        "the token's subject is not confirmed with the bearer method (ConfirmationMethod {methods:?})"
                    ),
                    "a WS-Federation token is presented by the browser: the IdP must confirm the subject with urn:oasis:names:tc:SAML:1.0:cm:bearer",
                ));
            }
            return if not_on_or_after.is_some() { Ok(()) } else { Err(never()) };
        }
        fn data<'d>(sc: Element<'d>) -> Option<Element<'d>> {
            sc.child_named(SAML_NS, "SubjectConfirmationData")
        }
        let all: Vec<Element<'_>> =
            subject.map(|s| s.children_named(SAML_NS, "SubjectConfirmation").collect()).unwrap_or_default();
        let bearers: Vec<Element<'_>> =
            all.iter().copied().filter(|sc| sc.attribute("Method").map(str::trim) == Some(BEARER)).collect();
        if bearers.is_empty() {
            let methods: Vec<&str> = all.iter().filter_map(|sc| sc.attribute("Method")).collect();
            return Err(inv(
                format!("the token's Subject has no bearer SubjectConfirmation (methods {methods:?})"),
                "a WS-Federation token is presented by the browser: the IdP must confirm the subject with the bearer method",
            ));
        }
        for sc in &bearers {
            if let Some(r) = data(*sc).and_then(|d| d.attribute("Recipient"))
                && r != self.sp.acs_url()
            {
                let (how, fix) = explain_url_difference(r, self.sp.acs_url());
                return Err(fail(
                    ErrorCode::RecipientMismatch,
                    Detail::new(
                        Stage::Assertion,
                        format!("the bearer SubjectConfirmationData Recipient is {r:?}; {how}"),
                    )
                    .expected(self.sp.acs_url().to_string())
                    .fix(fix),
                ));
            }
        }
        let irts: Vec<Option<&str>> = bearers
            .iter()
            .map(|sc| data(*sc).and_then(|d| d.attribute("InResponseTo")).map(str::trim))
            .collect();
        if let Some(v) = irts.iter().flatten().next().copied() {
            if irts.iter().any(|x| *x != Some(v)) {
                return Err(fail(
                    ErrorCode::InResponseToMismatch,
                    Detail::new(
                        Stage::Assertion,
                        format!("the token's bearer confirmations answer different requests ({irts:?})"),
                    )
                    .fix("the token was crafted or broken; start the login again"),
                ));
            }
            self.check_token_in_response_to(v, request)?;
        }
        let mut last_err = None;
        for sc in &bearers {
            let d = data(*sc);
            let time = |name: &str| -> Result<Option<DateTime<Utc>>, SsoError> {
                match d.and_then(|d| d.attribute(name)) {
                    None => Ok(None),
                    Some(v) => parse_time(v).map(Some).ok_or_else(|| {
                        inv(
                            format!("the bearer SubjectConfirmationData {name} {v:?} is not an xs:dateTime"),
                            "fix the IdP",
                        )
                    }),
                }
            };
            let (nooa, nb) = (time("NotOnOrAfter")?, time("NotBefore")?);
            if let Some(t) = nooa
                && now >= t + skew
            {
                last_err = Some(fail(
                    ErrorCode::AssertionExpired,
                    Detail::new(Stage::Assertion, format!(
                        "the bearer SubjectConfirmationData NotOnOrAfter {} passed {} s ago; the clock skew of {} s does not cover it",
                        t.to_rfc3339(),
                        (now - t).num_seconds(),
                        skew.num_seconds()
                    ))
                    .fix("the token was used too late (replayed, or a slow browser) or the clocks differ; synchronise clocks with NTP"),
                ));
            } else if let Some(b) = nb
                && now + skew < b
            {
                last_err = Some(inv_time(b, now, skew));
            } else if nooa.is_none() && not_on_or_after.is_none() {
                last_err = Some(never());
            } else {
                return Ok(());
            }
        }
        Err(last_err.unwrap_or_else(never))
    }

    /// A bearer SubjectConfirmationData InResponseTo in a token: it must name an outstanding request;
    /// with none outstanding it is accepted only when `allow_idp_initiated` (as a Response's would be).
    fn check_token_in_response_to(&self, v: &str, request: &SsoRequest) -> Result<(), SsoError> {
        let now = request.now;
        let store_outstanding =
            self.requests.as_ref().is_some_and(|s| s.has_outstanding(now).unwrap_or(true));
        if self.take_outstanding(v, request) {
            return Ok(());
        }
        if request.request_ids.is_empty() && !store_outstanding && self.sp.allow_idp_initiated() {
            return Ok(());
        }
        Err(fail(
            ErrorCode::InResponseToMismatch,
            Detail::new(Stage::Assertion, format!("the token's bearer SubjectConfirmationData answers request {v:?}"))
                .expected(super::expected_request_ids(request))
                .fix("the token was issued for another (or an already used) sign-in request; start the login again from the SP"),
        ))
    }
}
