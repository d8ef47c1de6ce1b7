//! The 32 SSO error codes and the error type that carries one with an actionable detail.
//!
//! The mapping from a failure to its code lives in one place: [`SsoError::new`] takes the code chosen
//! by the stage that failed, and every stage chooses through the constructors in this module.

use std::fmt;

/// The SSO error codes administrators know, with their exact descriptions.
///
/// ```
/// use samlguard::ErrorCode;
/// let code = ErrorCode::from_code(23).unwrap();
/// assert_eq!(code, ErrorCode::InvalidDigitalSignature);
/// assert_eq!(code.description(), "Invalid digital signature");
/// assert_eq!(
///     code.user_message(),
///     "Invalid digital signature. Contact your administrator for further support."
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorCode {
    /// 1: SSO protocol error.
    SsoProtocolError,
    /// 2: No user name found in SAML assertion.
    NoUserName,
    /// 3: No user account found in the system.
    NoUserAccount,
    /// 4: No X.509 certificate found in the system.
    NoCertificate,
    /// 5: Only POST request is supported.
    OnlyPost,
    /// 6: Incorrect SAML SSO POST data.
    IncorrectPostData,
    /// 7: The site is not allowed to use SSO.
    SsoNotAllowed,
    /// 8: Incorrect X.509 certificate to validate SAML assertion.
    IncorrectCertificate,
    /// 9: Loading configuration error.
    ConfigurationError,
    /// 10: The value of NameQualifier does not match site URL.
    NameQualifierMismatch,
    /// 11: Unable to reach Assertion Party.
    AssertionPartyUnreachable,
    /// 12: Failed to resolve SAML Artifact.
    ArtifactResolutionFailed,
    /// 13: Invalid SAML assertion.
    InvalidAssertion,
    /// 14: Recipient does not match (the ACS URL).
    RecipientMismatch,
    /// 15: X.509 certificate has expired.
    CertificateExpired,
    /// 16: User account is locked.
    AccountLocked,
    /// 17: User account is expired.
    AccountExpired,
    /// 18: User account has been deactivated.
    AccountDeactivated,
    /// 19: SAML assertion is expired.
    AssertionExpired,
    /// 20: SAML assertion is unsigned.
    AssertionUnsigned,
    /// 21: User role is not allowed to login.
    RoleNotAllowed,
    /// 22: Invalid RequestedSecurityToken.
    InvalidRequestedSecurityToken,
    /// 23: Invalid digital signature.
    InvalidDigitalSignature,
    /// 24: Untrusted Issuer.
    UntrustedIssuer,
    /// 25: Name Identifier format is incorrect.
    NameIdFormatIncorrect,
    /// 26: Unable to generate AuthnRequest.
    AuthnRequestGenerationFailed,
    /// 27: Unable to generate Logout Request.
    LogoutRequestGenerationFailed,
    /// 28: InResponseTo does not match the request ID.
    InResponseToMismatch,
    /// 29: Invalid Response message.
    InvalidResponse,
    /// 30: Invalid Request message.
    InvalidRequest,
    /// 31: Auto Account Creation failed.
    AutoAccountCreationFailed,
    /// 32: Auto Account Update failed.
    AutoAccountUpdateFailed,
}

const CODES: [(ErrorCode, u8, &str); 32] = [
    (ErrorCode::SsoProtocolError, 1, "SSO protocol error"),
    (ErrorCode::NoUserName, 2, "No user name found in SAML assertion"),
    (ErrorCode::NoUserAccount, 3, "No user account found in the system"),
    (ErrorCode::NoCertificate, 4, "No X.509 certificate found in the system"),
    (ErrorCode::OnlyPost, 5, "Only POST request is supported"),
    (ErrorCode::IncorrectPostData, 6, "Incorrect SAML SSO POST data"),
    (ErrorCode::SsoNotAllowed, 7, "The site is not allowed to use SSO"),
    (ErrorCode::IncorrectCertificate, 8, "Incorrect X.509 certificate to validate SAML assertion"),
    (ErrorCode::ConfigurationError, 9, "Loading configuration error"),
    (ErrorCode::NameQualifierMismatch, 10, "The value of NameQualifier does not match site URL"),
    (ErrorCode::AssertionPartyUnreachable, 11, "Unable to reach Assertion Party"),
    (ErrorCode::ArtifactResolutionFailed, 12, "Failed to resolve SAML Artifact"),
    (ErrorCode::InvalidAssertion, 13, "Invalid SAML assertion"),
    (ErrorCode::RecipientMismatch, 14, "Recipient does not match webex.com"),
    (ErrorCode::CertificateExpired, 15, "X.509 certificate has expired"),
    (ErrorCode::AccountLocked, 16, "User account is locked"),
    (ErrorCode::AccountExpired, 17, "User account is expired"),
    (ErrorCode::AccountDeactivated, 18, "User account has been deactivated"),
    (ErrorCode::AssertionExpired, 19, "SAML assertion is expired"),
    (ErrorCode::AssertionUnsigned, 20, "SAML assertion is unsigned"),
    (ErrorCode::RoleNotAllowed, 21, "User role is not allowed to login"),
    (ErrorCode::InvalidRequestedSecurityToken, 22, "Invalid RequestedSecurityToken"),
    (ErrorCode::InvalidDigitalSignature, 23, "Invalid digital signature"),
    (ErrorCode::UntrustedIssuer, 24, "Untrusted Issuer"),
    (ErrorCode::NameIdFormatIncorrect, 25, "Name Identifier format is incorrect"),
    (ErrorCode::AuthnRequestGenerationFailed, 26, "Unable to generate AuthnRequest"),
    (ErrorCode::LogoutRequestGenerationFailed, 27, "Unable to generate Logout Request"),
    (ErrorCode::InResponseToMismatch, 28, "InResponseTo does not match the request ID"),
    (ErrorCode::InvalidResponse, 29, "Invalid Response message"),
    (ErrorCode::InvalidRequest, 30, "Invalid Request message"),
    (ErrorCode::AutoAccountCreationFailed, 31, "Auto Account Creation failed"),
    (ErrorCode::AutoAccountUpdateFailed, 32, "Auto Account Update failed"),
];

impl ErrorCode {
    /// Every code, in numeric order.
    ///
    /// ```
    /// assert_eq!(samlguard::ErrorCode::all().count(), 32);
    /// ```
    pub fn all() -> impl Iterator<Item = ErrorCode> {
        CODES.iter().map(|c| c.0)
    }

    /// The number (1–32).
    ///
    /// ```
    /// assert_eq!(samlguard::ErrorCode::AssertionExpired.code(), 19);
    /// ```
    pub fn code(self) -> u8 {
        CODES[self as usize].1
    }

    /// The description, exactly as administrators know it.
    ///
    /// ```
    /// assert_eq!(samlguard::ErrorCode::UntrustedIssuer.description(), "Untrusted Issuer");
    /// ```
    pub fn description(self) -> &'static str {
        CODES[self as usize].2
    }

    /// The code with this number.
    ///
    /// ```
    /// assert!(samlguard::ErrorCode::from_code(33).is_none());
    /// ```
    pub fn from_code(code: u8) -> Option<ErrorCode> {
        CODES.iter().find(|c| c.1 == code).map(|c| c.0)
    }

    /// The message shown to the user: the description followed by
    /// `. Contact your administrator for further support.`
    ///
    /// ```
    /// assert!(samlguard::ErrorCode::OnlyPost.user_message().ends_with("further support."));
    /// ```
    pub fn user_message(self) -> String {
        format!("{}. Contact your administrator for further support.", self.description())
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.description(), self.code())
    }
}

/// The stage of processing where a failure happened (SPEC §2's order).
///
/// ```
/// assert_eq!(samlguard::Stage::Signature.to_string(), "signature");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Loading and checking configuration.
    Config,
    /// The HTTP request: method, form fields, decoding, XML parsing.
    Transport,
    /// Resolving an artifact.
    Artifact,
    /// Unwrapping a WS-Federation token.
    WsFed,
    /// The `samlp:Response` envelope.
    Response,
    /// XML signatures.
    Signature,
    /// The assertion's own checks.
    Assertion,
    /// The subject and its NameID.
    Subject,
    /// Required attributes.
    Attributes,
    /// The user account.
    Account,
    /// Building outbound messages.
    Outbound,
    /// Inbound requests and logout messages.
    Inbound,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Config => "config",
            Stage::Transport => "transport",
            Stage::Artifact => "artifact",
            Stage::WsFed => "ws-fed",
            Stage::Response => "response",
            Stage::Signature => "signature",
            Stage::Assertion => "assertion",
            Stage::Subject => "subject",
            Stage::Attributes => "attributes",
            Stage::Account => "account",
            Stage::Outbound => "outbound",
            Stage::Inbound => "inbound",
        })
    }
}

/// What an administrator needs to fix a failure: what was found, what was expected, the likely fix.
/// Never contains key material.
///
/// ```
/// use samlguard::{Detail, Stage};
/// let d = Detail::new(Stage::Response, "Destination is http://sp/acs")
///     .expected("https://sp/acs")
///     .fix("the scheme differs: probably a TLS-terminating proxy");
/// assert!(d.to_string().contains("expected https://sp/acs"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    /// Where it failed.
    pub stage: Stage,
    /// What was found.
    pub found: String,
    /// What was expected, if there is one thing.
    pub expected: Option<String>,
    /// The likely fix.
    pub fix: Option<String>,
}

impl Detail {
    /// A detail saying what was found.
    ///
    /// ```
    /// use samlguard::{Detail, Stage};
    /// let d = Detail::new(Stage::Subject, "the NameID is empty");
    /// assert_eq!(d.to_string(), "[subject] the NameID is empty");
    /// assert!(d.expected.is_none() && d.fix.is_none());
    /// ```
    pub fn new(stage: Stage, found: impl Into<String>) -> Self {
        Detail { stage, found: found.into(), expected: None, fix: None }
    }
    /// Adds what was expected.
    ///
    /// ```
    /// use samlguard::{Detail, Stage};
    /// let d = Detail::new(Stage::Response, "Issuer is https://old-idp.example.com")
    ///     .expected("https://idp.example.com");
    /// assert_eq!(d.expected.as_deref(), Some("https://idp.example.com"));
    /// assert!(d.to_string().ends_with("; expected https://idp.example.com"));
    /// ```
    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }
    /// Adds the likely fix.
    ///
    /// ```
    /// use samlguard::{Detail, Stage};
    /// let d = Detail::new(Stage::Account, "account \"bob\" is locked").fix("unlock the account");
    /// assert_eq!(d.to_string(), "[account] account \"bob\" is locked. Fix: unlock the account");
    /// ```
    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.stage, self.found)?;
        if let Some(e) = &self.expected {
            write!(f, "; expected {e}")?;
        }
        if let Some(x) = &self.fix {
            write!(f, ". Fix: {x}")?;
        }
        Ok(())
    }
}

/// A refused SSO message: the code and the detail.
///
/// ```
/// use samlguard::{Detail, ErrorCode, SsoError, Stage};
/// let e = SsoError::new(ErrorCode::OnlyPost, Detail::new(Stage::Transport, "method GET"));
/// assert_eq!(e.code().code(), 5);
/// assert!(e.to_string().starts_with("Only POST request is supported (5): [transport] method GET"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoError {
    code: ErrorCode,
    detail: Detail,
}

impl SsoError {
    /// An error with this code and detail.
    ///
    /// ```
    /// use samlguard::{Detail, ErrorCode, SsoError, Stage};
    /// // An application check of its own, reported like samlguard's.
    /// let e = SsoError::new(
    ///     ErrorCode::SsoNotAllowed,
    ///     Detail::new(Stage::Config, "tenant acme has SSO switched off").fix("enable SSO for the tenant"),
    /// );
    /// assert_eq!(e.code().code(), 7);
    /// assert_eq!(e.detail().fix.as_deref(), Some("enable SSO for the tenant"));
    /// ```
    pub fn new(code: ErrorCode, detail: Detail) -> Self {
        SsoError { code, detail }
    }
    /// The code.
    ///
    /// ```
    /// # use samlguard::*;
    /// # let sp = ServiceProvider::builder("https://sp.example.com", "https://sp.example.com/acs").build()?;
    /// # let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.crt")).unwrap();
    /// # let cert = Certificate::from_pem(&pem).unwrap();
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata").certificate(cert).build();
    /// # let validator = Validator::builder(sp, idp).build();
    /// // A browser followed a link to the ACS instead of posting the form.
    /// let err = validator.validate(&SsoRequest::form("GET", b"", chrono::Utc::now())).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::OnlyPost);
    /// assert_eq!(err.code().code(), 5);
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn code(&self) -> ErrorCode {
        self.code
    }
    /// The detail.
    ///
    /// ```
    /// # use samlguard::*;
    /// # let sp = ServiceProvider::builder("https://sp.example.com", "https://sp.example.com/acs").build()?;
    /// # let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.crt")).unwrap();
    /// # let cert = Certificate::from_pem(&pem).unwrap();
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata").certificate(cert).build();
    /// # let validator = Validator::builder(sp, idp).build();
    /// // A browser followed a link to the ACS instead of posting the form.
    /// let err = validator.validate(&SsoRequest::form("GET", b"", chrono::Utc::now())).unwrap_err();
    /// assert_eq!(err.detail().stage, Stage::Transport);
    /// println!("for the logs: {}", err.detail()); // found / expected / fix
    /// # Ok::<(), samlguard::SsoError>(())
    /// ```
    pub fn detail(&self) -> &Detail {
        &self.detail
    }
}

impl fmt::Display for SsoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

impl std::error::Error for SsoError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_numbered_in_order_and_round_trip() {
        for (i, c) in ErrorCode::all().enumerate() {
            assert_eq!(c.code() as usize, i + 1);
            assert_eq!(ErrorCode::from_code(c.code()), Some(c));
        }
        assert_eq!(ErrorCode::from_code(0), None);
        assert_eq!(ErrorCode::RecipientMismatch.description(), "Recipient does not match webex.com");
    }
}
