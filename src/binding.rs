//! The two HTTP bindings of SAML protocol messages (SAML 2.0 Bindings §3.4 and §3.5).
//!
//! * **HTTP-Redirect**: the XML is compressed with raw DEFLATE (RFC 1951, no zlib header), base64
//!   encoded and percent-encoded into `SAMLRequest`/`SAMLResponse`. A signature does not sit in the XML:
//!   it covers the octets `SAMLRequest=…&RelayState=…&SigAlg=…` **exactly as they appear in the query
//!   string**, and travels in `Signature`. Incoming signatures are therefore verified over the raw query
//!   string as received, never over a re-encoding of the decoded values: ADFS and Entra ID percent-encode
//!   in lowercase (`%2f`), other senders leave `/` alone, and any re-encoding breaks their signatures.
//!   Inflation is capped, so a small deflate bomb cannot become a large allocation.
//! * **HTTP-POST**: the XML is base64 encoded into a form field of an auto-submitting HTML form; its
//!   signature is an enveloped XML signature.
//!
//! [`OutboundMessage`] is what the builders of AuthnRequests and LogoutRequests produce: the XML and the
//! URL or the form that delivers it.

use std::fmt;
use std::io::Read as _;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::cert::{Certificate, KeyError, PublicKey, SignatureScheme, SigningKey};
use crate::dsig::{AlgorithmPolicy, SignatureAlgorithm};

/// The HTTP-Redirect binding URI.
pub const BINDING_HTTP_REDIRECT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
/// The HTTP-POST binding URI.
pub const BINDING_HTTP_POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/// The longest RelayState the bindings allow (SAML 2.0 Bindings §3.4.3 and §3.5.3), in bytes.
pub const MAX_RELAY_STATE_BYTES: usize = 80;

/// Everything but the RFC 3986 unreserved characters is percent-encoded (uppercase hex) in what we send.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// An HTTP binding of SAML messages.
///
/// ```
/// use samlguard::Binding;
/// let b = Binding::from_uri("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect").unwrap();
/// assert_eq!(b, Binding::HttpRedirect);
/// assert_eq!(b.to_string(), "HTTP-Redirect");
/// assert_eq!(Binding::HttpPost.uri(), "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Binding {
    /// HTTP-Redirect: DEFLATE + base64 in the query string, signed over the query string.
    HttpRedirect,
    /// HTTP-POST: base64 in an auto-submitting form, signed with an enveloped XML signature.
    HttpPost,
}

impl Binding {
    /// The binding's URI, as metadata names it.
    ///
    /// ```
    /// assert!(samlguard::Binding::HttpRedirect.uri().ends_with("HTTP-Redirect"));
    /// ```
    pub fn uri(self) -> &'static str {
        match self {
            Binding::HttpRedirect => BINDING_HTTP_REDIRECT,
            Binding::HttpPost => BINDING_HTTP_POST,
        }
    }
    /// The binding a URI names, if it is one of these two.
    ///
    /// ```
    /// use samlguard::Binding;
    /// assert_eq!(Binding::from_uri("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"), Some(Binding::HttpPost));
    /// assert_eq!(Binding::from_uri("urn:oasis:names:tc:SAML:2.0:bindings:SOAP"), None);
    /// ```
    pub fn from_uri(uri: &str) -> Option<Binding> {
        match uri.trim() {
            BINDING_HTTP_REDIRECT => Some(Binding::HttpRedirect),
            BINDING_HTTP_POST => Some(Binding::HttpPost),
            _ => None,
        }
    }
}

impl fmt::Display for Binding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Binding::HttpRedirect => "HTTP-Redirect",
            Binding::HttpPost => "HTTP-POST",
        })
    }
}

/// Which message parameter carries the SAML message.
///
/// ```
/// assert_eq!(samlguard::SamlParameter::Request.name(), "SAMLRequest");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SamlParameter {
    /// `SAMLRequest` (AuthnRequest, LogoutRequest).
    Request,
    /// `SAMLResponse` (Response, LogoutResponse).
    Response,
}

impl SamlParameter {
    /// The parameter name.
    ///
    /// ```
    /// assert_eq!(samlguard::SamlParameter::Response.name(), "SAMLResponse");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            SamlParameter::Request => "SAMLRequest",
            SamlParameter::Response => "SAMLResponse",
        }
    }
}

/// Why a message could not be encoded, decoded, signed or verified in its binding.
///
/// ```
/// use samlguard::{BindingError, RedirectQuery};
/// let err = RedirectQuery::parse("RelayState=abc").unwrap_err();
/// assert_eq!(err, BindingError::MissingMessage);
/// assert!(err.to_string().contains("neither SAMLRequest nor SAMLResponse"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BindingError {
    /// The query string carries neither `SAMLRequest` nor `SAMLResponse`.
    #[error("the query string carries neither SAMLRequest nor SAMLResponse")]
    MissingMessage,
    /// The query string carries both `SAMLRequest` and `SAMLResponse`.
    #[error("the query string carries both SAMLRequest and SAMLResponse")]
    BothMessages,
    /// A parameter appears more than once (which value is signed would be ambiguous).
    #[error("the parameter {0} appears more than once")]
    DuplicateParameter(String),
    /// A parameter value is not valid percent-encoded UTF-8.
    #[error("the {0} value is not valid percent-encoded UTF-8")]
    BadEncoding(&'static str),
    /// A parameter value is not valid base64.
    #[error("the {parameter} value is not valid base64 ({reason})")]
    BadBase64 {
        /// The parameter.
        parameter: &'static str,
        /// What the decoder said.
        reason: String,
    },
    /// The DEFLATE stream is broken (or was not DEFLATE-compressed at all).
    #[error("the {parameter} value does not inflate as raw DEFLATE ({reason})")]
    Inflate {
        /// The parameter.
        parameter: &'static str,
        /// What the decoder said.
        reason: String,
    },
    /// A size limit was exceeded.
    #[error("the {what} is larger than the {limit}-byte limit")]
    TooLarge {
        /// What was too large.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// The query string is not signed (no `Signature` and no `SigAlg`).
    #[error("the query string carries no Signature and no SigAlg: it is not signed")]
    NotSigned,
    /// Only one of `Signature` and `SigAlg` is present.
    #[error("the query string carries {present} without {missing}")]
    IncompleteSignature {
        /// The parameter present.
        present: &'static str,
        /// The parameter missing.
        missing: &'static str,
    },
    /// `SigAlg` names an algorithm samlguard does not know, or never accepts.
    #[error("SigAlg {0:?} is not a signature algorithm samlguard accepts")]
    UnknownAlgorithm(String),
    /// `SigAlg` names an algorithm refused by the policy.
    #[error("SigAlg {uri} is refused: {reason}")]
    AlgorithmRefused {
        /// The URI.
        uri: String,
        /// Why.
        reason: String,
    },
    /// No trusted certificate has a key usable with `SigAlg`.
    #[error("no trusted certificate has a key usable with SigAlg {uri} ({keys})")]
    NoUsableKey {
        /// The URI.
        uri: String,
        /// The trusted keys.
        keys: String,
    },
    /// The signature does not verify with any trusted certificate.
    #[error(
        "the query-string signature does not verify with any of the {tried} trusted certificate(s) \
         (over the {signed_len} bytes SAML…&SigAlg=… exactly as received)"
    )]
    BadSignature {
        /// How many trusted certificates were tried.
        tried: usize,
        /// How many bytes the signature was checked over.
        signed_len: usize,
    },
    /// Signing failed.
    #[error("the query string cannot be signed: {0}")]
    Signing(#[from] KeyError),
}

/// Compresses `xml` with raw DEFLATE and base64-encodes it (the HTTP-Redirect encoding, before
/// percent-encoding).
///
/// ```
/// let encoded = samlguard::deflate_base64(b"<samlp:LogoutRequest/>");
/// let back = samlguard::inflate_base64(&encoded, "SAMLRequest", 1024)?;
/// assert_eq!(back, b"<samlp:LogoutRequest/>");
/// # Ok::<(), samlguard::BindingError>(())
/// ```
pub fn deflate_base64(xml: &[u8]) -> String {
    use std::io::Write as _;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(xml);
    let compressed = encoder.finish().unwrap_or_default();
    base64::engine::general_purpose::STANDARD.encode(compressed)
}

/// Decodes base64 and inflates raw DEFLATE, refusing to produce more than `limit` bytes (a deflate bomb
/// is stopped at `limit + 1` bytes, whatever its compression ratio). `parameter` names the value in
/// errors. Line breaks are ignored, and spaces read as `+` (a form decoder's damage).
///
/// ```
/// use samlguard::{BindingError, deflate_base64, inflate_base64};
/// let bomb = deflate_base64(&vec![b' '; 10_000_000]); // 10 MB of spaces, about 10 KB deflated
/// let err = inflate_base64(&bomb, "SAMLRequest", 1_048_576).unwrap_err();
/// assert_eq!(err, BindingError::TooLarge { what: "inflated SAMLRequest", limit: 1_048_576 });
/// ```
pub fn inflate_base64(value: &str, parameter: &'static str, limit: usize) -> Result<Vec<u8>, BindingError> {
    let compressed = decode_base64(value, parameter, limit)?;
    let mut out = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    flate2::read::DeflateDecoder::new(compressed.as_slice())
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|e| BindingError::Inflate { parameter, reason: e.to_string() })?;
    if out.len() > limit {
        let what = match parameter {
            "SAMLResponse" => "inflated SAMLResponse",
            _ => "inflated SAMLRequest",
        };
        return Err(BindingError::TooLarge { what, limit });
    }
    Ok(out)
}

/// Decodes a base64 value (line breaks ignored, spaces read as `+`), refusing a value that would decode
/// to more than `limit` bytes before decoding it.
pub(crate) fn decode_base64(
    value: &str,
    parameter: &'static str,
    limit: usize,
) -> Result<Vec<u8>, BindingError> {
    let compact: String = value
        .chars()
        .filter(|c| !matches!(c, '\r' | '\n' | '\t'))
        .map(|c| if c == ' ' { '+' } else { c })
        .collect();
    if compact.len() / 4 * 3 > limit {
        let what = match parameter {
            "SAMLResponse" => "SAMLResponse value",
            "Signature" => "Signature value",
            _ => "SAMLRequest value",
        };
        return Err(BindingError::TooLarge { what, limit });
    }
    base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()).map_err(|e| {
        BindingError::BadBase64 { parameter, reason: e.to_string().trim_end_matches('.').to_owned() }
    })
}

/// A new message ID: `_` followed by 160 random bits in hex, from ring's `SystemRandom`.
pub(crate) fn new_message_id() -> Result<String, ring::error::Unspecified> {
    use ring::rand::SecureRandom as _;
    let mut bytes = [0u8; 20];
    ring::rand::SystemRandom::new().fill(&mut bytes)?;
    let mut id = String::with_capacity(41);
    id.push('_');
    for b in bytes {
        id.push_str(&format!("{b:02x}"));
    }
    Ok(id)
}

/// Escapes text for an XML attribute value or text node.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for HTML (attribute values and text).
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The XML-DSig algorithm a key signs query strings with: RSA-SHA256, or ECDSA with the curve's hash.
pub(crate) fn default_algorithm(key: &SigningKey) -> SignatureAlgorithm {
    match key.public_key() {
        PublicKey::EcP384 { .. } => SignatureAlgorithm::EcdsaSha384,
        PublicKey::EcP256 { .. } => SignatureAlgorithm::EcdsaSha256,
        _ => SignatureAlgorithm::RsaSha256,
    }
}

/// The ring scheme for an algorithm with a key, if the pair makes sense.
fn scheme_for(algorithm: SignatureAlgorithm, key: &PublicKey) -> Option<SignatureScheme> {
    use SignatureAlgorithm as A;
    use SignatureScheme as S;
    Some(match (algorithm, key) {
        (A::RsaSha1, PublicKey::Rsa { .. }) => S::RsaPkcs1Sha1,
        (A::RsaSha256, PublicKey::Rsa { .. }) => S::RsaPkcs1Sha256,
        (A::RsaSha384, PublicKey::Rsa { .. }) => S::RsaPkcs1Sha384,
        (A::RsaSha512, PublicKey::Rsa { .. }) => S::RsaPkcs1Sha512,
        (A::RsaPssSha256, PublicKey::Rsa { .. }) => S::RsaPssSha256,
        (A::RsaPssSha384, PublicKey::Rsa { .. }) => S::RsaPssSha384,
        (A::RsaPssSha512, PublicKey::Rsa { .. }) => S::RsaPssSha512,
        (A::EcdsaSha256, PublicKey::EcP256 { .. }) => S::EcdsaP256Sha256,
        (A::EcdsaSha256, PublicKey::EcP384 { .. }) => S::EcdsaP384Sha256,
        (A::EcdsaSha384, PublicKey::EcP256 { .. }) => S::EcdsaP256Sha384,
        (A::EcdsaSha384, PublicKey::EcP384 { .. }) => S::EcdsaP384Sha384,
        _ => return None,
    })
}

fn field_len(key: &PublicKey) -> Option<usize> {
    match key {
        PublicKey::EcP256 { .. } => Some(32),
        PublicKey::EcP384 { .. } => Some(48),
        _ => None,
    }
}

/// Encodes a fixed-length ECDSA `r||s` signature as the DER `ECDSA-Sig-Value` that the HTTP-Redirect
/// signatures of OpenSAML-based IdPs (and `openssl dgst`) use.
fn ecdsa_fixed_to_der(fixed: &[u8]) -> Vec<u8> {
    fn integer(bytes: &[u8]) -> Vec<u8> {
        let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len().saturating_sub(1));
        let mut v = bytes[first..].to_vec();
        if v.is_empty() {
            v.push(0);
        }
        if v[0] & 0x80 != 0 {
            v.insert(0, 0);
        }
        let mut out = vec![0x02];
        push_len(&mut out, v.len());
        out.extend(v);
        out
    }
    fn push_len(out: &mut Vec<u8>, len: usize) {
        if len < 0x80 {
            out.push(len as u8);
        } else {
            out.push(0x81);
            out.push(len as u8);
        }
    }
    let (r, s) = fixed.split_at(fixed.len() / 2);
    let body = [integer(r), integer(s)].concat();
    let mut out = vec![0x30];
    push_len(&mut out, body.len());
    out.extend(body);
    out
}

/// Decodes a DER `ECDSA-Sig-Value` into the fixed `r||s` form for a curve of `field` bytes.
fn ecdsa_der_to_fixed(der: &[u8], field: usize) -> Option<Vec<u8>> {
    fn read(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
        let (&t, rest) = input.split_first()?;
        if t != tag {
            return None;
        }
        let (&l, rest) = rest.split_first()?;
        let (len, rest) = match l {
            0..=0x7f => (usize::from(l), rest),
            0x81 => {
                let (&l2, rest) = rest.split_first()?;
                (usize::from(l2), rest)
            }
            _ => return None,
        };
        (rest.len() >= len).then(|| rest.split_at(len))
    }
    let (seq, trailing) = read(der, 0x30)?;
    if !trailing.is_empty() {
        return None;
    }
    let (r, rest) = read(seq, 0x02)?;
    let (s, rest) = read(rest, 0x02)?;
    if !rest.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(field * 2);
    for n in [r, s] {
        let n = &n[n.iter().position(|&b| b != 0).unwrap_or(n.len())..];
        if n.len() > field {
            return None;
        }
        out.extend(std::iter::repeat_n(0, field - n.len()));
        out.extend_from_slice(n);
    }
    Some(out)
}

/// Builds the HTTP-Redirect query string for a message: `SAMLRequest=…[&RelayState=…]` and, when a key
/// is given, `&SigAlg=…&Signature=…` signed over exactly the preceding octets (RSA-SHA256 for RSA keys,
/// ECDSA-SHA256/384 for P-256/P-384 keys; ECDSA values are DER-encoded, as OpenSAML writes and verifies
/// them). Values are percent-encoded with uppercase hex.
///
/// ```
/// use samlguard::{RedirectQuery, SamlParameter, SigningKey, redirect_query};
/// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
/// let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}rsa2048.key"))?)?;
/// let query = redirect_query(SamlParameter::Request, b"<samlp:LogoutRequest/>", Some("/home"), Some(&key))?;
/// assert!(query.starts_with("SAMLRequest="));
/// assert!(query.contains("&RelayState=%2Fhome&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature="));
/// let parsed = RedirectQuery::parse(&query)?;
/// assert_eq!(parsed.relay_state().as_deref(), Some("/home"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn redirect_query(
    parameter: SamlParameter,
    xml: &[u8],
    relay_state: Option<&str>,
    key: Option<&SigningKey>,
) -> Result<String, BindingError> {
    let mut query =
        format!("{}={}", parameter.name(), utf8_percent_encode(&deflate_base64(xml), QUERY_VALUE));
    if let Some(rs) = relay_state {
        query.push_str("&RelayState=");
        query.extend(utf8_percent_encode(rs, QUERY_VALUE));
    }
    if let Some(key) = key {
        let algorithm = default_algorithm(key);
        let public = key.public_key();
        let scheme = scheme_for(algorithm, &public)
            .ok_or_else(|| KeyError::WrongKeyType { key: public.describe(), scheme: key.scheme_default() })?;
        query.push_str("&SigAlg=");
        query.extend(utf8_percent_encode(algorithm.uri(), QUERY_VALUE));
        let mut signature = key.sign(scheme, query.as_bytes())?;
        if field_len(&public).is_some() {
            signature = ecdsa_fixed_to_der(&signature);
        }
        query.push_str("&Signature=");
        let b64 = base64::engine::general_purpose::STANDARD.encode(signature);
        query.extend(utf8_percent_encode(&b64, QUERY_VALUE));
    }
    Ok(query)
}

/// Appends a query string to an endpoint URL (after `?`, or after `&` when the URL has a query).
pub(crate) fn append_query(endpoint: &str, query: &str) -> String {
    let sep = if endpoint.contains('?') { '&' } else { '?' };
    format!("{endpoint}{sep}{query}")
}

/// The auto-submitting HTML form of the HTTP-POST binding: `xml` base64-encoded into the `parameter`
/// field, the RelayState beside it, everything HTML-escaped; a `noscript` button submits it when
/// JavaScript is off.
///
/// ```
/// use samlguard::{SamlParameter, post_form};
/// let html = post_form("https://idp.example.com/sso?a=1&b=\"2\"", SamlParameter::Request, b"<x/>", Some("<r>"));
/// assert!(html.contains(r#"action="https://idp.example.com/sso?a=1&amp;b=&quot;2&quot;""#));
/// assert!(html.contains(r#"name="SAMLRequest" value="PHgvPg==""#));
/// assert!(html.contains(r#"name="RelayState" value="&lt;r&gt;""#));
/// assert!(html.contains("<noscript>"));
/// ```
pub fn post_form(action: &str, parameter: SamlParameter, xml: &[u8], relay_state: Option<&str>) -> String {
    let value = base64::engine::general_purpose::STANDARD.encode(xml);
    let mut html = String::with_capacity(value.len() + 1024);
    html.push_str("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n<title>Continue</title>\n</head>\n");
    html.push_str("<body onload=\"document.forms[0].submit()\">\n");
    html.push_str(&format!("<form method=\"post\" action=\"{}\">\n", html_escape(action)));
    html.push_str(&format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
        parameter.name(),
        html_escape(&value)
    ));
    if let Some(rs) = relay_state {
        html.push_str(&format!(
            "<input type=\"hidden\" name=\"RelayState\" value=\"{}\">\n",
            html_escape(rs)
        ));
    }
    html.push_str("<noscript>\n<p>JavaScript is disabled: press Continue to go on.</p>\n");
    html.push_str("<input type=\"submit\" value=\"Continue\">\n</noscript>\n</form>\n</body>\n</html>\n");
    html
}

/// One parameter of a query string: where its raw value is, and its decoded value.
#[derive(Clone, Debug)]
struct RawParam {
    raw: String,
    decoded: String,
}

/// An HTTP-Redirect query string as received, kept raw: the signature is verified over its exact octets.
///
/// ```
/// use samlguard::{RedirectQuery, SamlParameter, deflate_base64};
/// let raw = format!("SAMLRequest={}&RelayState=abc", deflate_base64(b"<LogoutRequest/>").replace('+', "%2b"));
/// let q = RedirectQuery::parse(&raw)?;
/// assert_eq!(q.parameter(), SamlParameter::Request);
/// assert_eq!(q.message(1024)?, b"<LogoutRequest/>");
/// assert!(!q.is_signed());
/// assert_eq!(q.signed_octets(), raw); // in the order the bindings define, raw as received
/// # Ok::<(), samlguard::BindingError>(())
/// ```
#[derive(Clone, Debug)]
pub struct RedirectQuery {
    parameter: SamlParameter,
    message: RawParam,
    relay_state: Option<RawParam>,
    sig_alg: Option<RawParam>,
    signature: Option<RawParam>,
}

/// A query-string signature that verified: the algorithm and the trusted certificates whose key verified it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuerySignature {
    /// The `SigAlg` algorithm.
    pub algorithm: SignatureAlgorithm,
    /// Indices (into the trusted certificates) of those whose key verified the signature.
    pub certificate_indices: Vec<usize>,
}

impl RedirectQuery {
    /// Splits a raw query string (a leading `?`, or a whole `http(s)://…?…` URL, is skipped). Parameters
    /// other than `SAMLRequest`/`SAMLResponse`, `RelayState`, `SigAlg` and `Signature` are ignored;
    /// any of those five appearing twice is refused.
    ///
    /// ```
    /// use samlguard::{BindingError, RedirectQuery};
    /// let err = RedirectQuery::parse("SAMLRequest=a&SAMLRequest=b").unwrap_err();
    /// assert_eq!(err, BindingError::DuplicateParameter("SAMLRequest".into()));
    /// let q = RedirectQuery::parse("https://sp.example.com/slo?SAMLResponse=abc&x=1")?;
    /// assert_eq!(q.parameter(), samlguard::SamlParameter::Response);
    /// # Ok::<(), BindingError>(())
    /// ```
    pub fn parse(query: &str) -> Result<RedirectQuery, BindingError> {
        let mut q = query.trim();
        if q.starts_with("https://") || q.starts_with("http://") {
            q = q.split_once('?').map_or("", |(_, rest)| rest);
        }
        let q = q.strip_prefix('?').unwrap_or(q);
        let q = q.split_once('#').map_or(q, |(before, _)| before);
        let mut request: Option<RawParam> = None;
        let mut response: Option<RawParam> = None;
        let mut relay_state: Option<RawParam> = None;
        let mut sig_alg: Option<RawParam> = None;
        let mut signature: Option<RawParam> = None;
        for pair in q.split('&').filter(|p| !p.is_empty()) {
            let (name, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let (slot, label): (&mut Option<RawParam>, &'static str) = match name {
                "SAMLRequest" => (&mut request, "SAMLRequest"),
                "SAMLResponse" => (&mut response, "SAMLResponse"),
                "RelayState" => (&mut relay_state, "RelayState"),
                "SigAlg" => (&mut sig_alg, "SigAlg"),
                "Signature" => (&mut signature, "Signature"),
                _ => continue,
            };
            if slot.is_some() {
                return Err(BindingError::DuplicateParameter(label.to_owned()));
            }
            let plus_as_space = raw.replace('+', " ");
            let decoded = percent_decode_str(&plus_as_space)
                .decode_utf8()
                .map_err(|_| BindingError::BadEncoding(label))?
                .into_owned();
            *slot = Some(RawParam { raw: raw.to_owned(), decoded });
        }
        let (parameter, message) = match (request, response) {
            (Some(_), Some(_)) => return Err(BindingError::BothMessages),
            (Some(m), None) => (SamlParameter::Request, m),
            (None, Some(m)) => (SamlParameter::Response, m),
            (None, None) => return Err(BindingError::MissingMessage),
        };
        Ok(RedirectQuery { parameter, message, relay_state, sig_alg, signature })
    }

    /// Which parameter carries the message.
    ///
    /// ```
    /// let q = samlguard::RedirectQuery::parse("SAMLRequest=abc")?;
    /// assert_eq!(q.parameter(), samlguard::SamlParameter::Request);
    /// # Ok::<(), samlguard::BindingError>(())
    /// ```
    pub fn parameter(&self) -> SamlParameter {
        self.parameter
    }

    /// The message XML: base64-decoded and inflated, at most `limit` bytes.
    ///
    /// ```
    /// let q = samlguard::RedirectQuery::parse("SAMLRequest=not-base64!")?;
    /// assert!(matches!(q.message(1024), Err(samlguard::BindingError::BadBase64 { .. })));
    /// # Ok::<(), samlguard::BindingError>(())
    /// ```
    pub fn message(&self, limit: usize) -> Result<Vec<u8>, BindingError> {
        inflate_base64(&self.message.decoded, self.parameter.name(), limit)
    }

    /// The decoded RelayState, if present.
    ///
    /// ```
    /// let q = samlguard::RedirectQuery::parse("SAMLRequest=abc&RelayState=%2Fapp%3Fa%3D1")?;
    /// assert_eq!(q.relay_state().as_deref(), Some("/app?a=1"));
    /// # Ok::<(), samlguard::BindingError>(())
    /// ```
    pub fn relay_state(&self) -> Option<String> {
        self.relay_state.as_ref().map(|p| p.decoded.clone())
    }

    /// The decoded `SigAlg`, if present.
    ///
    /// ```
    /// let q = samlguard::RedirectQuery::parse("SAMLRequest=abc&SigAlg=http%3a%2f%2fwww.w3.org%2f2000%2f09%2fxmldsig%23rsa-sha1")?;
    /// assert_eq!(q.sig_alg(), Some("http://www.w3.org/2000/09/xmldsig#rsa-sha1"));
    /// # Ok::<(), samlguard::BindingError>(())
    /// ```
    pub fn sig_alg(&self) -> Option<&str> {
        self.sig_alg.as_ref().map(|p| p.decoded.as_str())
    }

    /// Whether the query carries `Signature` or `SigAlg`.
    ///
    /// ```
    /// assert!(!samlguard::RedirectQuery::parse("SAMLRequest=abc")?.is_signed());
    /// # Ok::<(), samlguard::BindingError>(())
    /// ```
    pub fn is_signed(&self) -> bool {
        self.signature.is_some() || self.sig_alg.is_some()
    }

    /// The octets the signature covers: `SAMLRequest=…&RelayState=…&SigAlg=…` (RelayState and SigAlg
    /// only when present), each value exactly as received — never re-encoded.
    ///
    /// ```
    /// // Lowercase percent-encoding (ADFS, Entra ID) is kept as it came; other parameters are left out.
    /// let q = samlguard::RedirectQuery::parse("SigAlg=a%2fb&x=1&Signature=c&SAMLRequest=d%2b")?;
    /// assert_eq!(q.signed_octets(), "SAMLRequest=d%2b&SigAlg=a%2fb");
    /// # Ok::<(), samlguard::BindingError>(())
    /// ```
    pub fn signed_octets(&self) -> String {
        let mut s = format!("{}={}", self.parameter.name(), self.message.raw);
        if let Some(rs) = &self.relay_state {
            s.push_str("&RelayState=");
            s.push_str(&rs.raw);
        }
        if let Some(alg) = &self.sig_alg {
            s.push_str("&SigAlg=");
            s.push_str(&alg.raw);
        }
        s
    }

    /// Verifies the query-string signature with the trusted certificates: `SigAlg` must be an algorithm
    /// of the one table that `policy` accepts (RSA-SHA1 only under
    /// [`AlgorithmPolicy::legacy_allow_sha1`]), and the signature must verify over
    /// [`RedirectQuery::signed_octets`]. ECDSA signatures are accepted in DER and in fixed `r||s` form.
    ///
    /// ```
    /// use samlguard::{AlgorithmPolicy, BindingError, Certificate, RedirectQuery, SamlParameter, SigningKey, redirect_query};
    /// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{keys}ec256.key"))?)?;
    /// let cert = Certificate::from_pem(&std::fs::read(format!("{keys}ec256.crt"))?)?;
    /// let query = redirect_query(SamlParameter::Response, b"<LogoutResponse/>", None, Some(&key))?;
    /// let verified = RedirectQuery::parse(&query)?.verify(&[cert.clone()], &AlgorithmPolicy::default())?;
    /// assert_eq!(verified.certificate_indices, [0]);
    /// // The same query with a changed RelayState no longer verifies.
    /// let forged = query.replacen("&SigAlg", "&RelayState=evil&SigAlg", 1);
    /// let err = RedirectQuery::parse(&forged)?.verify(&[cert], &AlgorithmPolicy::default()).unwrap_err();
    /// assert!(matches!(err, BindingError::BadSignature { tried: 1, .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify(
        &self,
        trusted: &[Certificate],
        policy: &AlgorithmPolicy,
    ) -> Result<QuerySignature, BindingError> {
        let (sig_alg, signature) = match (&self.sig_alg, &self.signature) {
            (None, None) => return Err(BindingError::NotSigned),
            (Some(_), None) => {
                return Err(BindingError::IncompleteSignature { present: "SigAlg", missing: "Signature" });
            }
            (None, Some(_)) => {
                return Err(BindingError::IncompleteSignature { present: "Signature", missing: "SigAlg" });
            }
            (Some(a), Some(s)) => (a.decoded.trim(), s),
        };
        let algorithm = SignatureAlgorithm::from_uri(sig_alg)
            .ok_or_else(|| BindingError::UnknownAlgorithm(sig_alg.to_owned()))?;
        match algorithm {
            SignatureAlgorithm::RsaSha1 if !policy.allows_sha1() => {
                return Err(BindingError::AlgorithmRefused {
                    uri: sig_alg.to_owned(),
                    reason: "SHA-1 is refused unless the policy allows it (allow_sha1)".to_owned(),
                });
            }
            SignatureAlgorithm::EcdsaSha1 => {
                return Err(BindingError::AlgorithmRefused {
                    uri: sig_alg.to_owned(),
                    reason: "ECDSA with SHA-1 is not supported".to_owned(),
                });
            }
            _ => {}
        }
        // A Signature value is a few hundred bytes; 64 KiB is generous.
        let value = decode_base64(&signature.decoded, "Signature", 64 * 1024)?;
        let signed = self.signed_octets();
        let mut verified = Vec::new();
        let mut usable = 0;
        for (i, cert) in trusted.iter().enumerate() {
            let key = cert.public_key();
            let Some(scheme) = scheme_for(algorithm, key) else { continue };
            usable += 1;
            let ok = match field_len(key) {
                None => key.verify(scheme, signed.as_bytes(), &value).is_ok(),
                Some(field) => {
                    let fixed_ok =
                        value.len() == 2 * field && key.verify(scheme, signed.as_bytes(), &value).is_ok();
                    fixed_ok
                        || ecdsa_der_to_fixed(&value, field)
                            .is_some_and(|f| key.verify(scheme, signed.as_bytes(), &f).is_ok())
                }
            };
            if ok {
                verified.push(i);
            }
        }
        if usable == 0 {
            let keys: Vec<String> = trusted.iter().map(|c| c.public_key().describe()).collect();
            return Err(BindingError::NoUsableKey {
                uri: sig_alg.to_owned(),
                keys: if keys.is_empty() { "none".to_owned() } else { keys.join(", ") },
            });
        }
        if verified.is_empty() {
            return Err(BindingError::BadSignature { tried: usable, signed_len: signed.len() });
        }
        Ok(QuerySignature { algorithm, certificate_indices: verified })
    }
}

/// The decoded fields of an `application/x-www-form-urlencoded` body (`+` is a space).
pub(crate) fn form_fields(body: &[u8]) -> Vec<(String, String)> {
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

/// A SAML message built for sending: its XML (signed, for HTTP-POST with an SP key) and the URL or the
/// HTML form that delivers it to the IdP.
///
/// ```
/// # use samlguard::*;
/// let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs").build()?;
/// let idp = IdentityProvider::builder("https://idp.example.com/metadata")
///     .sso_endpoint(BINDING_HTTP_REDIRECT, "https://idp.example.com/sso")
///     .build();
/// let message = AuthnRequestBuilder::new(&sp, &idp).build("2030-01-01T12:00:00Z".parse()?)?;
/// assert_eq!(message.binding(), Binding::HttpRedirect);
/// assert!(message.redirect_url().unwrap().starts_with("https://idp.example.com/sso?SAMLRequest="));
/// assert!(message.html_form().is_none());
/// assert!(!message.is_signed()); // this SP has no signing key
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct OutboundMessage {
    pub(crate) id: String,
    pub(crate) issue_instant: DateTime<Utc>,
    pub(crate) xml: String,
    pub(crate) destination: String,
    pub(crate) binding: Binding,
    pub(crate) relay_state: Option<String>,
    pub(crate) redirect_url: Option<String>,
    pub(crate) html_form: Option<String>,
    pub(crate) signature_algorithm: Option<SignatureAlgorithm>,
}

impl OutboundMessage {
    /// The message ID (`_` and 160 random bits in hex): the `InResponseTo` of the answer.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The IssueInstant written in the message.
    pub fn issue_instant(&self) -> DateTime<Utc> {
        self.issue_instant
    }
    /// The message XML (for HTTP-POST with an SP key: with its enveloped signature).
    pub fn xml(&self) -> &str {
        &self.xml
    }
    /// The IdP endpoint the message goes to (its `Destination`).
    pub fn destination(&self) -> &str {
        &self.destination
    }
    /// The binding.
    pub fn binding(&self) -> Binding {
        self.binding
    }
    /// The RelayState sent with the message.
    pub fn relay_state(&self) -> Option<&str> {
        self.relay_state.as_deref()
    }
    /// HTTP-Redirect: the URL to redirect the browser to (HTTP 302 `Location`).
    pub fn redirect_url(&self) -> Option<&str> {
        self.redirect_url.as_deref()
    }
    /// HTTP-POST: the auto-submitting HTML page to send the browser.
    pub fn html_form(&self) -> Option<&str> {
        self.html_form.as_deref()
    }
    /// Whether the message is signed (query-string signature or enveloped signature).
    pub fn is_signed(&self) -> bool {
        self.signature_algorithm.is_some()
    }
    /// The signature algorithm, when signed.
    pub fn signature_algorithm(&self) -> Option<SignatureAlgorithm> {
        self.signature_algorithm
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecdsa_der_round_trip() {
        for fixed in
            [vec![0u8; 64], vec![0xffu8; 64], [vec![0u8; 31], vec![1u8; 33]].concat(), vec![0x80; 96]]
        {
            let field = fixed.len() / 2;
            let der = ecdsa_fixed_to_der(&fixed);
            assert_eq!(ecdsa_der_to_fixed(&der, field).as_deref(), Some(fixed.as_slice()));
        }
        assert!(ecdsa_der_to_fixed(&[0x30, 0x02, 0x02, 0x00], 32).is_none());
        assert!(ecdsa_der_to_fixed(&[], 32).is_none());
    }

    #[test]
    fn ids_are_random_and_long() {
        let a = new_message_id().unwrap();
        let b = new_message_id().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 41);
        assert!(a.starts_with('_') && a[1..].bytes().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn inflate_refuses_garbage_and_bombs() {
        assert!(matches!(inflate_base64("AAAA", "SAMLRequest", 100), Err(BindingError::Inflate { .. })));
        let bomb = deflate_base64(&vec![b'a'; 5000]);
        assert!(matches!(inflate_base64(&bomb, "SAMLRequest", 4999), Err(BindingError::TooLarge { .. })));
        assert_eq!(inflate_base64(&bomb, "SAMLRequest", 5000).unwrap().len(), 5000);
    }
}
