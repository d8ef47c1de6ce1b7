//! The HTTP-Artifact binding (SAML 2.0 Bindings §3.6), feature `artifact`.
//!
//! The IdP sends a `SAMLart` instead of the Response. The SP reads the artifact (type code 0x0004:
//! endpoint index, SourceID = SHA-1 of the IdP entity ID, message handle), sends a signed
//! `ArtifactResolve` in a SOAP 1.1 envelope to the IdP's `ArtifactResolutionService` and receives an
//! `ArtifactResponse` that carries the Response.
//!
//! Rules:
//! - A `SAMLart` that is not base64 of exactly 44 bytes of type 0x0004, or whose SourceID is not the
//!   SHA-1 of the configured IdP entity ID → 12.
//! - The endpoint: the SOAP `ArtifactResolutionService` whose `index` is the artifact's endpoint index;
//!   if none has it, the one marked `isDefault="true"`, else the only one. No usable endpoint → 12 (the
//!   artifact cannot be resolved; the fix is the IdP metadata), not 9.
//! - The connection refused, a DNS failure, a timeout, a TLS failure or an HTTP 5xx → 11, naming the URL
//!   and the error. Everything wrong with the answer → 12: another HTTP status (4xx, 3xx: redirects are
//!   not followed), not a SOAP envelope, no `ArtifactResponse` in the Body, an `ArtifactResponse` not
//!   signed (one enveloped signature over the ArtifactResponse itself, verified with the IdP's trusted
//!   certificates), Issuer ≠ IdP, InResponseTo ≠ our ArtifactResolve ID, Status ≠ Success, or no
//!   `samlp:Response` in it.
//! - The Response inside is taken as the exact bytes it has in the received text, with the namespace
//!   declarations in scope on its ancestors carried onto its start tag, and goes through the full
//!   validation. The verified ArtifactResponse signature covers it (SAML Bindings §3.6.5.2 lets the IdP
//!   sign only the ArtifactResponse): the Response counts as signed, so it may carry no signature of its
//!   own; an Assertion signature, if present, is still verified.

use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, SecondsFormat, Utc};

use crate::config::{IdentityProvider, SAML_NS, SAMLP_NS, ServiceProvider};
use crate::dsig::{DSIG_NS, Signer, verify_signature};
use crate::error::{Detail, ErrorCode, SsoError, Stage};
use crate::xml::{Document, Element};

/// The artifact type code this SP resolves (SAML 2.0 Bindings §3.6.4: 0x0004).
pub const ARTIFACT_TYPE_CODE: u16 = 0x0004;
const SOAP_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const BINDING_SOAP: &str = "urn:oasis:names:tc:SAML:2.0:bindings:SOAP";
const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
/// The largest ArtifactResponse read from the IdP.
const MAX_ANSWER_BYTES: u64 = 4 * 1024 * 1024;

/// A type 0x0004 artifact, base64: the type code, `endpoint_index`, the SourceID (SHA-1 of
/// `idp_entity_id`) and the 20-byte `message_handle`. What an IdP puts in `SAMLart`.
///
/// ```
/// let art = samlguard::encode_artifact("https://idp.example.com/metadata", 1, &[7; 20]);
/// use base64::Engine as _;
/// let bytes = base64::engine::general_purpose::STANDARD.decode(art).unwrap();
/// assert_eq!(bytes.len(), 44);
/// assert_eq!(&bytes[..4], &[0, 4, 0, 1]);
/// ```
pub fn encode_artifact(idp_entity_id: &str, endpoint_index: u16, message_handle: &[u8; 20]) -> String {
    let mut bytes = Vec::with_capacity(44);
    bytes.extend_from_slice(&ARTIFACT_TYPE_CODE.to_be_bytes());
    bytes.extend_from_slice(&endpoint_index.to_be_bytes());
    bytes.extend_from_slice(&source_id(idp_entity_id));
    bytes.extend_from_slice(message_handle);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn source_id(entity_id: &str) -> [u8; 20] {
    let d = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, entity_id.as_bytes());
    let mut out = [0u8; 20];
    out.copy_from_slice(d.as_ref());
    out
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn failed(found: impl Into<String>, fix: impl Into<String>) -> SsoError {
    SsoError::new(ErrorCode::ArtifactResolutionFailed, Detail::new(Stage::Artifact, found).fix(fix))
}

fn unreachable_at(url: &str, error: impl std::fmt::Display) -> SsoError {
    SsoError::new(
        ErrorCode::AssertionPartyUnreachable,
        Detail::new(Stage::Artifact, format!("the IdP's ArtifactResolutionService {url} could not be reached: {error}"))
            .fix("check that the SP can reach the IdP's artifact resolution endpoint (DNS, firewall, proxy, TLS) and that the IdP is up"),
    )
}

/// A `SAMLart` value read and checked against the IdP.
#[derive(Debug)]
pub(crate) struct Artifact {
    /// The value as received (it goes into the ArtifactResolve).
    pub(crate) value: String,
    pub(crate) endpoint_index: u16,
}

/// Reads `SAMLart`: base64 of 44 bytes, type 0x0004, SourceID = SHA-1 of the IdP entity ID. Else 12.
pub(crate) fn parse_artifact(value: &str, idp: &IdentityProvider) -> Result<Artifact, SsoError> {
    // A form decoder turns '+' into ' '; line breaks are dropped.
    let compact: String =
        value.chars().map(|c| if c == ' ' { '+' } else { c }).filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()).map_err(|e| {
        failed(
            format!("the SAMLart is not valid base64 ({})", e.to_string().trim_end_matches('.')),
            "the artifact was damaged in transit",
        )
    })?;
    if bytes.len() != 44 {
        return Err(SsoError::new(
            ErrorCode::ArtifactResolutionFailed,
            Detail::new(Stage::Artifact, format!("the SAMLart decodes to {} bytes", bytes.len()))
                .expected(
                    "44 bytes: type code 0x0004, endpoint index, 20-byte SourceID, 20-byte message handle",
                )
                .fix("the artifact was damaged or is not a SAML 2.0 type 0x0004 artifact"),
        ));
    }
    let type_code = u16::from_be_bytes([bytes[0], bytes[1]]);
    if type_code != ARTIFACT_TYPE_CODE {
        return Err(SsoError::new(
            ErrorCode::ArtifactResolutionFailed,
            Detail::new(Stage::Artifact, format!("the SAMLart has type code 0x{type_code:04x}"))
                .expected("0x0004 (the only SAML 2.0 artifact type)")
                .fix("the IdP must issue SAML 2.0 type 0x0004 artifacts"),
        ));
    }
    let expected = source_id(idp.entity_id());
    if bytes[4..24] != expected {
        return Err(SsoError::new(
            ErrorCode::ArtifactResolutionFailed,
            Detail::new(Stage::Artifact, format!("the SAMLart's SourceID is {}", hex(&bytes[4..24])))
                .expected(format!("{} (SHA-1 of the IdP entity ID {:?})", hex(&expected), idp.entity_id()))
                .fix("the artifact was issued by another IdP (or another entity ID): check [idp] entity_id"),
        ));
    }
    Ok(Artifact { value: compact, endpoint_index: u16::from_be_bytes([bytes[2], bytes[3]]) })
}

/// The ArtifactResolutionService for the artifact's endpoint index (see the module rules).
pub(crate) fn endpoint<'i>(idp: &'i IdentityProvider, artifact: &Artifact) -> Result<&'i str, SsoError> {
    let soap: Vec<_> =
        idp.artifact_resolution_services().iter().filter(|e| e.binding == BINDING_SOAP).collect();
    let chosen = soap
        .iter()
        .find(|e| e.index == artifact.endpoint_index)
        .or_else(|| soap.iter().find(|e| e.is_default))
        .or_else(|| if soap.len() == 1 { soap.first() } else { None });
    chosen.map(|e| e.location.as_str()).ok_or_else(|| {
        SsoError::new(
            ErrorCode::ArtifactResolutionFailed,
            Detail::new(
                Stage::Artifact,
                format!(
                    "the IdP {} has no SOAP ArtifactResolutionService for endpoint index {} ({} configured)",
                    idp.entity_id(),
                    artifact.endpoint_index,
                    soap.len()
                ),
            )
            .fix("use IdP metadata that lists its ArtifactResolutionService ([idp] metadata)"),
        )
    })
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The SOAP envelope with the ArtifactResolve (signed when the SP has a signing key), and its ID.
pub(crate) fn artifact_resolve(
    sp: &ServiceProvider,
    artifact: &Artifact,
    destination: &str,
    now: DateTime<Utc>,
) -> Result<(String, String), SsoError> {
    let id = crate::binding::new_message_id()
        .map_err(|_| failed("no random ID could be made for the ArtifactResolve", "the system RNG failed"))?;
    let mut xml = format!(
        "<samlp:ArtifactResolve xmlns:samlp=\"{SAMLP_NS}\" xmlns:saml=\"{SAML_NS}\" ID=\"{id}\" Version=\"2.0\" \
         IssueInstant=\"{}\" Destination=\"{}\"><saml:Issuer>{}</saml:Issuer><samlp:Artifact>{}</samlp:Artifact>\
         </samlp:ArtifactResolve>",
        now.to_rfc3339_opts(SecondsFormat::Secs, true),
        escape(destination),
        escape(sp.entity_id()),
        escape(&artifact.value)
    );
    if let Some(key) = sp.signing_key() {
        let sign_failed = |e: String| {
            failed(
                format!("the ArtifactResolve cannot be signed with the SP key: {e}"),
                "configure [sp] private_key with its certificate",
            )
        };
        let cert = sp
            .certificate()
            .ok_or_else(|| sign_failed("the SP has a private key but no certificate".into()))?;
        xml = Signer::new(key.clone(), cert.clone())
            .sign_enveloped(&xml, &id)
            .map_err(|e| sign_failed(e.to_string()))?;
    }
    Ok((
        format!(
            "<soap11:Envelope xmlns:soap11=\"{SOAP_NS}\"><soap11:Body>{xml}</soap11:Body></soap11:Envelope>"
        ),
        id,
    ))
}

/// POSTs the envelope: `(status, body)`. Transport failures are 11.
pub(crate) fn post(url: &str, envelope: &str, timeout: Duration) -> Result<(u16, String), SsoError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut response = agent
        .post(url)
        .header("Content-Type", "text/xml; charset=utf-8")
        .header("SOAPAction", "http://www.oasis-open.org/committees/security")
        .send(envelope)
        .map_err(|e| match e {
            ureq::Error::BadUri(_) | ureq::Error::RequireHttpsOnly(_) | ureq::Error::Http(_) => failed(
                format!("the ArtifactResolutionService URL {url:?} is unusable: {e}"),
                "fix the ArtifactResolutionService Location in the IdP metadata",
            ),
            other => unreachable_at(url, other),
        })?;
    let status = response.status().as_u16();
    let body =
        response.body_mut().with_config().limit(MAX_ANSWER_BYTES).read_to_string().map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => failed(
                format!("the answer of {url} is larger than {MAX_ANSWER_BYTES} bytes"),
                "the IdP's artifact service answered with something other than an ArtifactResponse",
            ),
            ureq::Error::Timeout(_) | ureq::Error::Io(_) => unreachable_at(url, e),
            other => failed(
                format!("the answer of {url} cannot be read: {other}"),
                "the IdP's artifact service answered with something other than a SOAP message",
            ),
        })?;
    Ok((status, body))
}

/// The Response the ArtifactResponse carries (its own bytes, with the namespaces in scope) and the
/// index of the trusted certificate that verified the ArtifactResponse signature.
#[derive(Debug)]
pub(crate) struct Resolved {
    pub(crate) response_xml: Vec<u8>,
    pub(crate) certificate_index: usize,
}

/// Checks the IdP's answer (HTTP status and SOAP body) to the ArtifactResolve `request_id`.
pub(crate) fn read_answer(
    sp: &ServiceProvider,
    idp: &IdentityProvider,
    url: &str,
    status: u16,
    body: &str,
    request_id: &str,
    now: DateTime<Utc>,
) -> Result<Resolved, SsoError> {
    if status >= 500 {
        return Err(unreachable_at(url, format!("HTTP {status}")));
    }
    if status != 200 {
        return Err(failed(
            format!("the IdP's ArtifactResolutionService {url} answered HTTP {status}"),
            "check the ArtifactResolutionService Location in the IdP metadata and that the IdP accepts this SP's ArtifactResolve",
        ));
    }
    let not_soap = |why: String| {
        failed(
            format!("the answer of {url} is not a SOAP ArtifactResponse: {why}"),
            "check the ArtifactResolutionService Location in the IdP metadata",
        )
    };
    let doc = Document::parse_with(body.as_bytes(), sp.parse_options())
        .map_err(|e| not_soap(format!("not acceptable XML ({e})")))?;
    let env = doc.root_element();
    if !env.is(SOAP_NS, "Envelope") {
        return Err(not_soap(format!("the root element is <{}>", env.qualified_name())));
    }
    let soap_body =
        env.child_named(SOAP_NS, "Body").ok_or_else(|| not_soap("the envelope has no Body".into()))?;
    let mut children = soap_body.child_elements();
    let ar = match (children.next(), children.next()) {
        (Some(a), None) if a.is(SAMLP_NS, "ArtifactResponse") => a,
        (Some(a), None) if a.is(SOAP_NS, "Fault") => {
            return Err(not_soap(format!("a SOAP Fault: {}", a.text().trim())));
        }
        _ => return Err(not_soap("the Body does not hold exactly one samlp:ArtifactResponse".into())),
    };
    let wrong = |found: String, fix: &str| failed(format!("ArtifactResponse: {found}"), fix);
    // The signature: exactly one, enveloped in the ArtifactResponse, over the ArtifactResponse.
    let sigs: Vec<Element<'_>> = ar.children_named(DSIG_NS, "Signature").collect();
    let [sig] = sigs.as_slice() else {
        return Err(wrong(
            format!(
                "it carries {} signatures; exactly one (over the ArtifactResponse) is required",
                sigs.len()
            ),
            "configure the IdP to sign its ArtifactResponse messages",
        ));
    };
    let verified = verify_signature(*sig, idp.certificates(), sp.algorithms()).map_err(|e| {
        wrong(
            format!("its signature does not verify with the IdP's trusted certificates: {e}"),
            "the answer was altered or signed with a certificate the SP does not trust; check the IdP's current signing certificate",
        )
    })?;
    if verified.signed_element() != ar {
        return Err(wrong(
            format!(
                "its signature covers <{}>, not the ArtifactResponse",
                verified.signed_element().qualified_name()
            ),
            "this is the shape of a signature-wrapping attack; refuse the message",
        ));
    }
    let certificate_index = verified.certificate_indices()[0];
    if sp.enforce_certificate_validity()
        && !verified
            .certificate_indices()
            .iter()
            .filter_map(|i| idp.certificates().get(*i))
            .any(|c| c.is_valid_at(now))
    {
        return Err(wrong(
            "it is signed by a trusted certificate that is not valid now".into(),
            "import the IdP's current signing certificate",
        ));
    }
    let issuer = ar.child_named(SAML_NS, "Issuer").map(|i| i.text().trim().to_string());
    if issuer.as_deref() != Some(idp.entity_id()) {
        return Err(SsoError::new(
            ErrorCode::ArtifactResolutionFailed,
            Detail::new(Stage::Artifact, format!("the ArtifactResponse Issuer is {issuer:?}"))
                .expected(idp.entity_id().to_string())
                .fix("the artifact service answering is not the configured IdP; check [idp] entity_id and the metadata"),
        ));
    }
    let irt = ar.attribute("InResponseTo");
    if irt != Some(request_id) {
        return Err(SsoError::new(
            ErrorCode::ArtifactResolutionFailed,
            Detail::new(Stage::Artifact, format!("the ArtifactResponse InResponseTo is {irt:?}"))
                .expected(format!("the ArtifactResolve ID {request_id}"))
                .fix("the answer belongs to another ArtifactResolve (replayed or mixed up); retry the login"),
        ));
    }
    let code = ar
        .child_named(SAMLP_NS, "Status")
        .and_then(|s| s.child_named(SAMLP_NS, "StatusCode"))
        .and_then(|c| c.attribute("Value"));
    if code != Some(SUCCESS) {
        return Err(SsoError::new(
            ErrorCode::ArtifactResolutionFailed,
            Detail::new(Stage::Artifact, format!("the ArtifactResponse status is {code:?}"))
                .expected(SUCCESS)
                .fix("the IdP refused to resolve the artifact (expired, already used, or this SP is not allowed); retry the login"),
        ));
    }
    let responses: Vec<Element<'_>> = ar.children_named(SAMLP_NS, "Response").collect();
    let [response] = responses.as_slice() else {
        return Err(wrong(
            format!("it carries {} samlp:Response elements; exactly one is required", responses.len()),
            "the artifact resolved to no login response (already used or expired); retry the login",
        ));
    };
    let response_xml = extract(body, *response)
        .ok_or_else(|| wrong("its samlp:Response is empty".into(), "the IdP sent no usable Response"))?;
    Ok(Resolved { response_xml, certificate_index })
}

/// The element's bytes from `text`, with the namespace declarations in scope on its ancestors that it
/// does not redeclare added to its start tag. `None` for an empty-element tag (`<x/>`).
fn extract(text: &str, el: Element<'_>) -> Option<Vec<u8>> {
    let start = el.node().byte_offset();
    let end_tag = el.node().end_tag_offset()?;
    let close = text.get(end_tag..)?.find('>')? + end_tag + 1;
    let own: Vec<Option<&str>> = el.namespace_declarations().map(|d| d.prefix).collect();
    let mut decls = String::new();
    for d in el.in_scope_namespaces() {
        if own.contains(&d.prefix) {
            continue;
        }
        match d.prefix {
            Some(p) => decls.push_str(&format!(" xmlns:{p}=\"{}\"", escape(d.uri))),
            None => decls.push_str(&format!(" xmlns=\"{}\"", escape(d.uri))),
        }
    }
    let name_end = start + 1 + el.qualified_name().len();
    let mut out = Vec::with_capacity(close - start + decls.len());
    out.extend_from_slice(text.get(start..name_end)?.as_bytes());
    out.extend_from_slice(decls.as_bytes());
    out.extend_from_slice(text.get(name_end..close)?.as_bytes());
    Some(out)
}

/// The whole resolution: artifact, endpoint, ArtifactResolve, HTTP, answer.
pub(crate) fn resolve(
    sp: &ServiceProvider,
    idp: &IdentityProvider,
    value: &str,
    timeout: Duration,
    now: DateTime<Utc>,
) -> Result<Resolved, SsoError> {
    let artifact = parse_artifact(value, idp)?;
    let url = endpoint(idp, &artifact)?;
    let (envelope, id) = artifact_resolve(sp, &artifact, url, now)?;
    let (status, body) = post(url, &envelope, timeout)?;
    read_answer(sp, idp, url, status, &body, &id, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extract_carries_ancestor_namespaces() {
        let text = r#"<s:E xmlns:s="urn:s" xmlns:samlp="urn:p" xmlns:saml="urn:a"><s:B><samlp:Response ID="r"><saml:Issuer>x</saml:Issuer></samlp:Response></s:B></s:E>"#;
        let doc = Document::parse_str(text).unwrap();
        let r = doc.elements().find(|e| e.local_name() == "Response").unwrap();
        let out = String::from_utf8(extract(text, r).unwrap()).unwrap();
        assert_eq!(
            out,
            r#"<samlp:Response xmlns:s="urn:s" xmlns:saml="urn:a" xmlns:samlp="urn:p" ID="r"><saml:Issuer>x</saml:Issuer></samlp:Response>"#
        );
        Document::parse_str(&out).unwrap();
    }

    #[test]
    fn artifacts_round_trip() {
        let idp = IdentityProvider::builder("https://idp").build();
        let a = parse_artifact(&encode_artifact("https://idp", 5, &[1; 20]), &idp).unwrap();
        assert_eq!(a.endpoint_index, 5);
        let other = parse_artifact(&encode_artifact("https://other", 5, &[1; 20]), &idp).unwrap_err();
        assert_eq!(other.code(), ErrorCode::ArtifactResolutionFailed);
    }
}
