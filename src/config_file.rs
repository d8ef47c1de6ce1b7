//! The TOML configuration file of SPEC §4. Relative paths resolve against the file's folder; unknown
//! keys are refused (a misspelt security setting must not be silently ignored).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use crate::accounts::{Account, AccountPolicy, AccountStatus, InMemoryAccounts};
use crate::config::{IdentityProvider, ServiceProvider, certificates_from_file};
use crate::error::{Detail, ErrorCode, SsoError, Stage};
use crate::validate::Validator;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    sp: RawSp,
    idp: Option<RawIdp>,
    accounts: Option<RawAccounts>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSp {
    entity_id: String,
    acs_url: String,
    site_url: Option<String>,
    sso_enabled: Option<bool>,
    #[serde(default)]
    allowed_name_id_formats: Vec<String>,
    #[serde(default)]
    required_attributes: Vec<String>,
    clock_skew_seconds: Option<i64>,
    want_assertions_signed: Option<bool>,
    allow_idp_initiated: Option<bool>,
    enforce_certificate_validity: Option<bool>,
    max_response_bytes: Option<i64>,
    allow_sha1: Option<bool>,
    certificate: Option<String>,
    private_key: Option<String>,
    slo_url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIdp {
    entity_id: Option<String>,
    certificates: Option<Vec<String>>,
    metadata: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccounts {
    #[serde(default)]
    auto_create: bool,
    #[serde(default)]
    auto_update: bool,
    #[serde(default)]
    allowed_roles: Vec<String>,
    role_attribute: Option<String>,
    max_accounts: Option<usize>,
    #[serde(default)]
    users: Vec<RawUser>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUser {
    name_id: String,
    status: Option<String>,
    role: Option<String>,
    updatable: Option<bool>,
}

/// A loaded configuration file: the SP, the IdP and the optional account directory.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/rsa2048.crt"), dir.path().join("idp.pem"))?;
/// std::fs::write(dir.path().join("sp.toml"), r#"
/// [sp]
/// entity_id = "https://sp.example.com/saml/metadata"
/// acs_url = "https://sp.example.com/saml/acs"
/// [idp]
/// entity_id = "https://idp.example.com/metadata"
/// certificates = ["idp.pem"]
/// "#)?;
/// let config = samlguard::Config::from_file(dir.path().join("sp.toml"))?;
/// assert_eq!(config.identity_provider().certificates().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Config {
    sp: ServiceProvider,
    idp: IdentityProvider,
    accounts: Option<(Arc<InMemoryAccounts>, AccountPolicy)>,
    path: PathBuf,
}

fn err(path: &Path, found: impl std::fmt::Display, fix: &str) -> SsoError {
    SsoError::new(
        ErrorCode::ConfigurationError,
        Detail::new(Stage::Config, format!("{}: {found}", path.display())).fix(fix),
    )
}

impl Config {
    /// Loads and checks a configuration file. Every problem is code 9, naming the file and the reason.
    ///
    /// ```
    /// use samlguard::{Config, ErrorCode};
    /// let config = Config::from_file(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/sp.toml"))?;
    /// assert_eq!(config.service_provider().acs_url(), "https://sp.example.com/saml/acs");
    /// let err = Config::from_file("/nonexistent/sp.toml").unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::ConfigurationError); // 9, naming the file
    /// assert!(err.detail().found.starts_with("/nonexistent/sp.toml: cannot be read"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_file(path: impl AsRef<Path>) -> Result<Config, SsoError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| err(path, format!("cannot be read: {e}"), "check the path given with --config"))?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Self::from_toml(&text, &base, path)
    }

    /// Loads a configuration from TOML text; relative paths resolve against `base_dir`.
    ///
    /// ```
    /// use samlguard::{Config, ErrorCode};
    /// let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys");
    /// let toml = r#"
    /// [sp]
    /// entity_id = "https://sp.example.com/saml/metadata"
    /// acs_url = "https://sp.example.com/saml/acs"
    /// clock_skew_seconds = 60
    /// [idp]
    /// entity_id = "https://idp.example.com/metadata"
    /// certificates = ["rsa2048.crt"] # relative to base_dir
    /// "#;
    /// let config = Config::from_toml_str(toml, keys)?;
    /// assert_eq!(config.service_provider().clock_skew().as_secs(), 60);
    /// // A misspelt key is refused rather than ignored.
    /// let typo = toml.replace("clock_skew_seconds", "clock_skew_secs");
    /// assert_eq!(Config::from_toml_str(&typo, keys).unwrap_err().code(), ErrorCode::ConfigurationError);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_toml_str(text: &str, base_dir: impl AsRef<Path>) -> Result<Config, SsoError> {
        Self::from_toml(text, base_dir.as_ref(), Path::new("(inline configuration)"))
    }

    fn from_toml(text: &str, base: &Path, path: &Path) -> Result<Config, SsoError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            err(
                path,
                {
                    let at = e
                        .span()
                        .and_then(|r| text.get(..r.start))
                        .map(|before| before.matches('\n').count() + 1);
                    match at {
                        Some(line) => format!(
                            "is not a valid samlguard configuration: line {line}: {}",
                            e.message().trim()
                        ),
                        None => format!("is not a valid samlguard configuration: {}", e.message().trim()),
                    }
                },
                "compare it with the documented [sp]/[idp]/[accounts] keys",
            )
        })?;
        let s = raw.sp;
        let mut b = ServiceProvider::builder(s.entity_id, s.acs_url);
        if let Some(u) = s.site_url {
            b = b.site_url(u);
        }
        if let Some(u) = s.slo_url {
            b = b.slo_url(u);
        }
        if let Some(v) = s.sso_enabled {
            b = b.sso_enabled(v);
        }
        for f in s.allowed_name_id_formats {
            b = b.allowed_name_id_format(f);
        }
        b = b.required_attributes(s.required_attributes);
        if let Some(v) = s.clock_skew_seconds {
            if v < 0 {
                return Err(err(
                    path,
                    format!("clock_skew_seconds is {v}, negative"),
                    "use 0 or more seconds (180 is usual)",
                ));
            }
            b = b.clock_skew(Duration::from_secs(v as u64));
        }
        if let Some(v) = s.want_assertions_signed {
            b = b.want_assertions_signed(v);
        }
        if let Some(v) = s.allow_idp_initiated {
            b = b.allow_idp_initiated(v);
        }
        if let Some(v) = s.enforce_certificate_validity {
            b = b.enforce_certificate_validity(v);
        }
        if let Some(v) = s.max_response_bytes {
            if v <= 0 {
                return Err(err(
                    path,
                    format!("max_response_bytes is {v}"),
                    "use a positive limit such as 1048576",
                ));
            }
            b = b.max_response_bytes(v as usize);
        }
        if s.allow_sha1 == Some(true) {
            b = b.algorithms(crate::dsig::AlgorithmPolicy::default().legacy_allow_sha1());
        }
        if let Some(c) = s.certificate {
            let p = base.join(c);
            let certs = certificates_from_file(&p)?;
            if let Some(first) = certs.into_iter().next() {
                b = b.certificate(first);
            }
        }
        if let Some(k) = s.private_key {
            let p = base.join(k);
            let pem = std::fs::read(&p)
                .map_err(|e| err(&p, format!("cannot be read: {e}"), "check [sp] private_key"))?;
            let key = crate::cert::SigningKey::from_pkcs8_pem(&pem).map_err(|e| {
                err(&p, format!("is not a usable [sp] private_key: {e}"), "use an unencrypted PKCS#8 PEM key")
            })?;
            // The SP's RSA key pair also decrypts what the IdP encrypts to the SP certificate.
            #[cfg(feature = "encryption")]
            if matches!(key.public_key(), crate::cert::PublicKey::Rsa { .. }) {
                let dk = crate::xmlenc::DecryptionKey::from_pem(&pem).map_err(|e| {
                    err(
                        &p,
                        format!("cannot decrypt with this [sp] private_key: {e}"),
                        "use an RSA PKCS#8 PEM key",
                    )
                })?;
                b = b.decryption_key(dk);
            }
            b = b.signing_key(key);
        }
        let sp =
            b.build().map_err(|e| err(path, &e.detail().found, e.detail().fix.as_deref().unwrap_or("")))?;

        let Some(i) = raw.idp else {
            return Err(err(
                path,
                "has no [idp] table",
                "add [idp] with entity_id and certificates (or metadata)",
            ));
        };
        let idp = match (i.certificates, i.metadata) {
            (Some(_), Some(_)) => {
                return Err(err(
                    path,
                    "[idp] sets both certificates and metadata",
                    "keep one: the metadata carries the certificates",
                ));
            }
            (_, Some(m)) => {
                let p = base.join(&m);
                let xml = std::fs::read(&p)
                    .map_err(|e| err(&p, format!("cannot be read: {e}"), "check [idp] metadata"))?;
                let idp = IdentityProvider::from_metadata(&xml)
                    .map_err(|e| err(&p, &e.detail().found, e.detail().fix.as_deref().unwrap_or("")))?;
                if let Some(expected) = i.entity_id.as_deref()
                    && expected.trim() != idp.entity_id()
                {
                    return Err(err(
                        path,
                        format!(
                            "[idp] entity_id {expected:?} differs from the metadata's entityID {:?}",
                            idp.entity_id()
                        ),
                        "remove entity_id (the metadata gives it) or use the right metadata",
                    ));
                }
                idp
            }
            (certs, None) => {
                let Some(entity_id) = i.entity_id.filter(|e| !e.trim().is_empty()) else {
                    return Err(err(
                        path,
                        "[idp] has no entity_id",
                        "set entity_id to the IdP's entity ID (the Issuer of its responses)",
                    ));
                };
                let mut all = Vec::new();
                for c in certs.unwrap_or_default() {
                    let p = base.join(&c);
                    for cert in certificates_from_file(&p)? {
                        if !all.contains(&cert) {
                            all.push(cert);
                        }
                    }
                }
                IdentityProvider::builder(entity_id).certificates(all).build()
            }
        };

        let accounts = match raw.accounts {
            None => None,
            Some(a) => {
                let capacity = a.max_accounts.unwrap_or(a.users.len().saturating_add(10_000));
                if capacity < a.users.len() {
                    return Err(err(
                        path,
                        format!(
                            "[accounts] max_accounts is {capacity} but {} users are listed",
                            a.users.len()
                        ),
                        "raise max_accounts or list fewer users",
                    ));
                }
                let store = InMemoryAccounts::new(capacity);
                for u in a.users {
                    let status = match u.status.as_deref() {
                        None => AccountStatus::Active,
                        Some(st) => AccountStatus::parse(st).ok_or_else(|| {
                            err(
                                path,
                                format!("user {:?} has status {st:?}", u.name_id),
                                "use active, locked, expired or deactivated",
                            )
                        })?,
                    };
                    store.add(
                        Account { name_id: u.name_id, status, role: u.role },
                        u.updatable.unwrap_or(true),
                    );
                }
                let mut policy = AccountPolicy::default()
                    .auto_create(a.auto_create)
                    .auto_update(a.auto_update)
                    .allowed_roles(a.allowed_roles);
                if let Some(r) = a.role_attribute {
                    policy = policy.role_attribute(r);
                }
                Some((Arc::new(store), policy))
            }
        };
        Ok(Config { sp, idp, accounts, path: path.to_path_buf() })
    }

    /// The service provider.
    ///
    /// ```
    /// # let config = samlguard::Config::from_file(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/sp.toml"))?;
    /// let sp = config.service_provider();
    /// assert!(sp.want_assertions_signed());
    /// assert_eq!(sp.required_attributes(), ["firstname", "lastname", "email"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn service_provider(&self) -> &ServiceProvider {
        &self.sp
    }
    /// The identity provider.
    ///
    /// ```
    /// # let config = samlguard::Config::from_file(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/sp.toml"))?;
    /// let idp = config.identity_provider();
    /// assert_eq!(idp.entity_id(), "http://www.okta.com/exk8d2f4h6j8l0n2p4r6");
    /// assert_eq!(idp.certificates().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn identity_provider(&self) -> &IdentityProvider {
        &self.idp
    }
    /// The in-memory account directory from `[accounts]`, if present.
    ///
    /// ```
    /// # let config = samlguard::Config::from_file(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/sp.toml"))?;
    /// use samlguard::AccountStatus;
    /// let accounts = config.accounts().expect("the demo has an [accounts] table");
    /// assert_eq!(accounts.len(), 4);
    /// assert_eq!(accounts.get("bob@example.com").unwrap().status, AccountStatus::Locked);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn accounts(&self) -> Option<&InMemoryAccounts> {
        self.accounts.as_ref().map(|(a, _)| a.as_ref())
    }
    /// The file this configuration came from.
    ///
    /// ```
    /// # let config = samlguard::Config::from_file(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/sp.toml"))?;
    /// assert!(config.path().ends_with("testdata/demo/sp.toml"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }
    /// A validator for this configuration (with the `[accounts]` checks when present).
    ///
    /// ```
    /// # let config = samlguard::Config::from_file(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/sp.toml"))?;
    /// use samlguard::SsoRequest;
    /// let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// let body = std::fs::read_to_string(format!("{demo}response-accepted.b64"))?;
    /// let request = SsoRequest::saml_response(body.trim(), "2030-01-01T12:00:30Z".parse()?);
    /// let login = config.validator().validate(&request)?;
    /// assert_eq!(login.name_id.value, "alice@example.com");
    /// assert_eq!(login.account.unwrap().role.as_deref(), Some("user")); // from [accounts]
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validator(&self) -> Validator {
        let mut b = Validator::builder(self.sp.clone(), self.idp.clone());
        if let Some((store, policy)) = &self.accounts {
            b = b.accounts(store.clone(), policy.clone());
        }
        b.build()
    }
}
