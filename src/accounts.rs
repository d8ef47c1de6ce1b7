//! Account checks, run after the assertion is valid: the embedding service implements
//! [`AccountStore`]; [`InMemoryAccounts`] serves tests and the `[accounts]` table of the config file.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::error::{Detail, ErrorCode, SsoError, Stage};
use crate::validate::Login;

/// The state of a user account.
///
/// ```
/// # use samlguard::*;
/// # use std::sync::Arc;
/// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
/// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata",
/// #     "https://sp.example.com/saml/acs")
/// #     .build()?;
/// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
/// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
/// #     .build();
/// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
/// # let request = SsoRequest::xml(&xml, "2026-03-02T09:15:00Z".parse()?)
/// #     .request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
/// // alice@example.com has a valid assertion, but her account is locked.
/// let accounts = Arc::new(InMemoryAccounts::new(100));
/// let alice = Account { name_id: "alice@example.com".into(), status: AccountStatus::Locked, role: None };
/// accounts.add(alice, true);
/// let validator = Validator::builder(sp, idp).accounts(accounts, AccountPolicy::default()).build();
/// assert_eq!(validator.validate(&request).unwrap_err().code(), ErrorCode::AccountLocked); // 16
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AccountStatus {
    /// May log in.
    Active,
    /// Locked (code 16).
    Locked,
    /// Expired (code 17).
    Expired,
    /// Deactivated (code 18).
    Deactivated,
}

impl AccountStatus {
    /// Parses `active`, `locked`, `expired`, `deactivated`.
    ///
    /// ```
    /// assert_eq!(samlguard::AccountStatus::parse("locked"), Some(samlguard::AccountStatus::Locked));
    /// ```
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "active" => AccountStatus::Active,
            "locked" => AccountStatus::Locked,
            "expired" => AccountStatus::Expired,
            "deactivated" => AccountStatus::Deactivated,
            _ => return None,
        })
    }
}

/// A user account as the store knows it.
///
/// ```
/// use samlguard::{Account, AccountStatus, InMemoryAccounts};
/// let accounts = InMemoryAccounts::new(100);
/// let carol = Account {
///     name_id: "carol@example.com".into(),
///     status: AccountStatus::Deactivated,
///     role: Some("admin".into()),
/// };
/// accounts.add(carol, true);
/// assert_eq!(accounts.get("carol@example.com").unwrap().status, AccountStatus::Deactivated);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// The NameID the account is keyed by.
    pub name_id: String,
    /// Its state.
    pub status: AccountStatus,
    /// Its role, if any.
    pub role: Option<String>,
}

/// Why the store could not create or update an account.
///
/// ```
/// # use samlguard::*;
/// # use std::sync::Arc;
/// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
/// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata",
/// #     "https://sp.example.com/saml/acs")
/// #     .build()?;
/// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
/// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
/// #     .build();
/// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
/// # let request = SsoRequest::xml(&xml, "2026-03-02T09:15:00Z".parse()?)
/// #     .request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
/// // Auto-creation into a directory with no room left.
/// let full = Arc::new(InMemoryAccounts::new(0));
/// let policy = AccountPolicy::default().auto_create(true);
/// let validator = Validator::builder(sp, idp).accounts(full, policy).build();
/// let err = validator.validate(&request).unwrap_err();
/// assert_eq!(err.code(), ErrorCode::AutoAccountCreationFailed); // 31
/// assert!(err.detail().found.contains("the account store is full")); // the AccountError's text
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AccountError(pub String);

/// The embedding service's user directory.
///
/// ```
/// # use samlguard::*;
/// # use std::sync::Arc;
/// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
/// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata",
/// #     "https://sp.example.com/saml/acs")
/// #     .build()?;
/// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
/// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
/// #     .build();
/// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
/// # let request = SsoRequest::xml(&xml, "2026-03-02T09:15:00Z".parse()?)
/// #     .request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
/// /// A directory that knows people by the `email` attribute and never creates accounts at login.
/// struct Directory {
///     people: Vec<Account>,
/// }
///
/// impl AccountStore for Directory {
///     fn find(&self, login: &Login) -> Result<Option<Account>, AccountError> {
///         let email = login.attribute("email").and_then(|v| v.first());
///         let email = email.ok_or_else(|| AccountError("the assertion has no email attribute".into()))?;
///         Ok(self.people.iter().find(|a| &a.name_id == email).cloned())
///     }
///     fn create(&self, _: &Login, _: Option<&str>) -> Result<Account, AccountError> {
///         Err(AccountError("accounts are provisioned by HR, not at login".into()))
///     }
///     fn update(&self, account: &Account, _: &Login, _: Option<&str>) -> Result<Account, AccountError> {
///         Ok(account.clone())
///     }
/// }
///
/// let alice = Account {
///     name_id: "alice@example.com".into(),
///     status: AccountStatus::Active,
///     role: Some("user".into()),
/// };
/// let directory = Arc::new(Directory { people: vec![alice] });
/// let validator = Validator::builder(sp, idp).accounts(directory, AccountPolicy::default()).build();
/// let login = validator.validate(&request)?;
/// assert_eq!(login.account.unwrap().role.as_deref(), Some("user"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait AccountStore: Send + Sync {
    /// Finds the account for a validated login (by NameID, or by attributes).
    ///
    /// ```
    /// # use samlguard::*;
    /// # use std::sync::Arc;
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs")
    /// #     .build()?;
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
    /// #     .build();
    /// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
    /// # let request = SsoRequest::xml(&xml, "2026-03-02T09:15:00Z".parse()?)
    /// #     .request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
    /// # let login = Validator::builder(sp, idp).build().validate(&request)?;
    /// let accounts = InMemoryAccounts::new(100);
    /// assert_eq!(accounts.find(&login)?, None);
    /// accounts.add(Account {
    ///     name_id: "alice@example.com".into(),
    ///     status: AccountStatus::Active,
    ///     role: Some("user".into()),
    /// }, true);
    /// assert_eq!(accounts.find(&login)?.unwrap().name_id, login.name_id.value);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn find(&self, login: &Login) -> Result<Option<Account>, AccountError>;
    /// Creates an account for a login (auto account creation).
    ///
    /// ```
    /// # use samlguard::*;
    /// # use std::sync::Arc;
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs")
    /// #     .build()?;
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
    /// #     .build();
    /// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
    /// # let request = SsoRequest::xml(&xml, "2026-03-02T09:15:00Z".parse()?)
    /// #     .request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
    /// # let login = Validator::builder(sp, idp).build().validate(&request)?;
    /// let accounts = InMemoryAccounts::new(100);
    /// let created = accounts.create(&login, Some("user"))?;
    /// assert_eq!((created.status, created.role.as_deref()), (AccountStatus::Active, Some("user")));
    /// assert!(InMemoryAccounts::new(0).create(&login, None).is_err()); // full
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn create(&self, login: &Login, role: Option<&str>) -> Result<Account, AccountError>;
    /// Updates an account from a login (auto account update, including a changed role).
    ///
    /// ```
    /// # use samlguard::*;
    /// # use std::sync::Arc;
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs")
    /// #     .build()?;
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
    /// #     .build();
    /// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
    /// # let request = SsoRequest::xml(&xml, "2026-03-02T09:15:00Z".parse()?)
    /// #     .request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
    /// # let login = Validator::builder(sp, idp).build().validate(&request)?;
    /// let accounts = InMemoryAccounts::new(100);
    /// let alice = Account {
    ///     name_id: "alice@example.com".into(),
    ///     status: AccountStatus::Active,
    ///     role: Some("user".into()),
    /// };
    /// accounts.add(alice.clone(), false); // not updatable
    /// assert_eq!(accounts.update(&alice, &login, Some("user"))?, alice); // nothing changes: allowed
    /// assert!(accounts.update(&alice, &login, Some("admin")).is_err()); // a role change: refused
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn update(&self, account: &Account, login: &Login, role: Option<&str>) -> Result<Account, AccountError>;
}

/// What the account stage does: auto-creation, auto-update, allowed roles and where the role comes from.
///
/// ```
/// let policy = samlguard::AccountPolicy::default().allowed_roles(["user", "admin"]).role_attribute("role");
/// assert!(!policy.auto_create_enabled());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountPolicy {
    auto_create: bool,
    auto_update: bool,
    allowed_roles: Vec<String>,
    role_attribute: Option<String>,
}

impl AccountPolicy {
    /// Creates missing accounts.
    ///
    /// ```
    /// # use samlguard::*;
    /// # use std::sync::Arc;
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs")
    /// #     .build()?;
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
    /// #     .build();
    /// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
    /// # let request = SsoRequest::xml(&xml, "2026-03-02T09:15:00Z".parse()?)
    /// #     .request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
    /// let accounts = Arc::new(InMemoryAccounts::new(10_000));
    /// let policy = AccountPolicy::default().auto_create(true).role_attribute("role");
    /// Validator::builder(sp, idp).accounts(accounts.clone(), policy).build().validate(&request)?;
    /// assert_eq!(accounts.get("alice@example.com").unwrap().role.as_deref(), Some("user"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn auto_create(mut self, on: bool) -> Self {
        self.auto_create = on;
        self
    }
    /// Updates existing accounts from each login.
    ///
    /// ```
    /// # use samlguard::*;
    /// # use std::sync::Arc;
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs")
    /// #     .build()?;
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
    /// #     .build();
    /// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
    /// # let request = SsoRequest::xml(&xml, "2026-03-02T09:15:00Z".parse()?)
    /// #     .request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
    /// // The directory says admin, the IdP now asserts user, and the account may not be changed.
    /// let accounts = Arc::new(InMemoryAccounts::new(100));
    /// accounts.add(Account {
    ///     name_id: "alice@example.com".into(),
    ///     status: AccountStatus::Active,
    ///     role: Some("admin".into()),
    /// }, false);
    /// let policy = AccountPolicy::default().auto_update(true).role_attribute("role");
    /// let validator = Validator::builder(sp, idp).accounts(accounts, policy).build();
    /// let err = validator.validate(&request).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::AutoAccountUpdateFailed); // 32
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn auto_update(mut self, on: bool) -> Self {
        self.auto_update = on;
        self
    }
    /// Roles allowed to log in (empty: any).
    ///
    /// ```
    /// # use samlguard::*;
    /// # use std::sync::Arc;
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs")
    /// #     .build()?;
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
    /// #     .build();
    /// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
    /// # let request = SsoRequest::xml(&xml, "2026-03-02T09:15:00Z".parse()?)
    /// #     .request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
    /// let accounts = Arc::new(InMemoryAccounts::new(100));
    /// accounts.add(Account {
    ///     name_id: "alice@example.com".into(),
    ///     status: AccountStatus::Active,
    ///     role: Some("user".into()),
    /// }, true);
    /// let admin_console = AccountPolicy::default().allowed_roles(["admin"]);
    /// let validator = Validator::builder(sp, idp).accounts(accounts, admin_console).build();
    /// assert_eq!(validator.validate(&request).unwrap_err().code(), ErrorCode::RoleNotAllowed); // 21
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allowed_roles<S: Into<String>>(mut self, roles: impl IntoIterator<Item = S>) -> Self {
        self.allowed_roles = roles.into_iter().map(Into::into).collect();
        self
    }
    /// The assertion attribute that carries the role.
    ///
    /// ```
    /// # use samlguard::*;
    /// # use std::sync::Arc;
    /// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
    /// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata",
    /// #     "https://sp.example.com/saml/acs")
    /// #     .build()?;
    /// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
    /// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
    /// #     .build();
    /// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
    /// # let request = SsoRequest::xml(&xml, "2026-03-02T09:15:00Z".parse()?)
    /// #     .request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
    /// // The directory says admin; the assertion's role attribute says user, and it wins.
    /// let accounts = Arc::new(InMemoryAccounts::new(100));
    /// accounts.add(Account {
    ///     name_id: "alice@example.com".into(),
    ///     status: AccountStatus::Active,
    ///     role: Some("admin".into()),
    /// }, true);
    /// let admins = AccountPolicy::default().allowed_roles(["admin"]);
    /// let by_directory =
    ///     Validator::builder(sp.clone(), idp.clone()).accounts(accounts.clone(), admins.clone());
    /// assert!(by_directory.build().validate(&request).is_ok());
    /// let by_assertion = Validator::builder(sp, idp).accounts(accounts, admins.role_attribute("role"));
    /// assert_eq!(by_assertion.build().validate(&request).unwrap_err().code(), ErrorCode::RoleNotAllowed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn role_attribute(mut self, name: impl Into<String>) -> Self {
        self.role_attribute = Some(name.into());
        self
    }
    /// Whether auto-creation is on.
    ///
    /// ```
    /// use samlguard::AccountPolicy;
    /// assert!(!AccountPolicy::default().auto_create_enabled()); // off unless asked for
    /// assert!(AccountPolicy::default().auto_create(true).auto_create_enabled());
    /// ```
    pub fn auto_create_enabled(&self) -> bool {
        self.auto_create
    }

    /// Runs the account stage: 3, 16/17/18, 21, 31/32.
    pub(crate) fn check(&self, store: &dyn AccountStore, login: &Login) -> Result<Account, SsoError> {
        let err =
            |code, found: String, fix: &str| SsoError::new(code, Detail::new(Stage::Account, found).fix(fix));
        let user = &login.name_id.value;
        let asserted_role = self
            .role_attribute
            .as_deref()
            .and_then(|a| login.attribute(a))
            .and_then(|v| v.first())
            .map(|s| s.trim().to_string());
        let found = store.find(login).map_err(|e| {
            err(
                ErrorCode::NoUserAccount,
                format!("the account directory failed looking up {user:?}: {e}"),
                "check the account directory",
            )
        })?;
        let account = match found {
            Some(a) => a,
            None if self.auto_create => store.create(login, asserted_role.as_deref()).map_err(|e| {
                err(
                    ErrorCode::AutoAccountCreationFailed,
                    format!("creating an account for {user:?} failed: {e}"),
                    "check that the assertion carries the attributes account creation needs, and the directory's capacity",
                )
            })?,
            None => {
                return Err(err(
                    ErrorCode::NoUserAccount,
                    format!("no account for {user:?} and auto account creation is off"),
                    "create the account, or turn on auto_create in [accounts]",
                ));
            }
        };
        match account.status {
            AccountStatus::Active => {}
            AccountStatus::Locked => {
                return Err(err(
                    ErrorCode::AccountLocked,
                    format!("account {user:?} is locked"),
                    "unlock the account",
                ));
            }
            AccountStatus::Expired => {
                return Err(err(
                    ErrorCode::AccountExpired,
                    format!("account {user:?} has expired"),
                    "renew the account",
                ));
            }
            AccountStatus::Deactivated => {
                return Err(err(
                    ErrorCode::AccountDeactivated,
                    format!("account {user:?} has been deactivated"),
                    "reactivate the account",
                ));
            }
        }
        let role = asserted_role.clone().or_else(|| account.role.clone());
        if !self.allowed_roles.is_empty() {
            let ok = role.as_deref().is_some_and(|r| self.allowed_roles.iter().any(|a| a == r));
            if !ok {
                return Err(SsoError::new(
                    ErrorCode::RoleNotAllowed,
                    Detail::new(
                        Stage::Account,
                        format!("user {user:?} has role {:?}", role.as_deref().unwrap_or("(none)")),
                    )
                    .expected(format!("one of {:?}", self.allowed_roles))
                    .fix("give the user an allowed role at the IdP, or add the role to allowed_roles"),
                ));
            }
        }
        if self.auto_update {
            return store.update(&account, login, asserted_role.as_deref()).map_err(|e| {
                err(
                    ErrorCode::AutoAccountUpdateFailed,
                    format!("updating account {user:?} failed: {e}"),
                    "check whether the account may be updated (privilege changes need permission)",
                )
            });
        }
        Ok(account)
    }
}

#[derive(Debug, Clone)]
struct Entry {
    account: Account,
    updatable: bool,
}

/// A bounded in-memory [`AccountStore`]. Creation fails when the store is full; an update fails for
/// accounts marked not updatable when it would change anything (the role in particular).
///
/// ```
/// use samlguard::{Account, AccountStatus, InMemoryAccounts};
/// let accounts = InMemoryAccounts::new(100);
/// accounts.add(Account { name_id: "alice@example.com".into(), status: AccountStatus::Active, role: Some("user".into()) }, true);
/// assert_eq!(accounts.len(), 1);
/// ```
#[derive(Debug)]
pub struct InMemoryAccounts {
    users: Mutex<HashMap<String, Entry>>,
    capacity: usize,
}

impl InMemoryAccounts {
    /// An empty store that holds at most `capacity` accounts.
    ///
    /// ```
    /// let accounts = samlguard::InMemoryAccounts::new(10_000);
    /// assert!(accounts.is_empty());
    /// ```
    pub fn new(capacity: usize) -> Self {
        InMemoryAccounts { users: Mutex::new(HashMap::new()), capacity }
    }
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.users.lock().unwrap_or_else(|p| p.into_inner())
    }
    /// Adds an account; `updatable = false` makes auto-update of it fail.
    ///
    /// ```
    /// use samlguard::{Account, AccountStatus, InMemoryAccounts};
    /// let accounts = InMemoryAccounts::new(100);
    /// let bob = Account {
    ///     name_id: "bob@example.com".into(),
    ///     status: AccountStatus::Active,
    ///     role: None,
    /// };
    /// accounts.add(bob.clone(), true);
    /// // Adding the same NameID again replaces the account.
    /// accounts.add(Account { status: AccountStatus::Locked, ..bob }, true);
    /// assert_eq!(accounts.len(), 1);
    /// assert_eq!(accounts.get("bob@example.com").unwrap().status, AccountStatus::Locked);
    /// ```
    pub fn add(&self, account: Account, updatable: bool) {
        self.lock().insert(account.name_id.clone(), Entry { account, updatable });
    }
    /// The account with this NameID.
    ///
    /// ```
    /// use samlguard::{Account, AccountStatus, InMemoryAccounts};
    /// let accounts = InMemoryAccounts::new(100);
    /// accounts.add(Account {
    ///     name_id: "alice@example.com".into(),
    ///     status: AccountStatus::Active,
    ///     role: Some("user".into()),
    /// }, true);
    /// assert_eq!(accounts.get("alice@example.com").unwrap().role.as_deref(), Some("user"));
    /// assert!(accounts.get("ALICE@example.com").is_none()); // NameIDs compare exactly
    /// ```
    pub fn get(&self, name_id: &str) -> Option<Account> {
        self.lock().get(name_id).map(|e| e.account.clone())
    }
    /// How many accounts there are.
    ///
    /// ```
    /// use samlguard::{Account, AccountStatus, InMemoryAccounts};
    /// let accounts = InMemoryAccounts::new(100);
    /// accounts.add(Account {
    ///     name_id: "alice@example.com".into(),
    ///     status: AccountStatus::Active,
    ///     role: Some("user".into()),
    /// }, true);
    /// assert_eq!(accounts.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.lock().len()
    }
    /// Whether there are none.
    ///
    /// ```
    /// let accounts = samlguard::InMemoryAccounts::new(100);
    /// assert!(accounts.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
}

impl AccountStore for InMemoryAccounts {
    fn find(&self, login: &Login) -> Result<Option<Account>, AccountError> {
        Ok(self.get(&login.name_id.value))
    }
    fn create(&self, login: &Login, role: Option<&str>) -> Result<Account, AccountError> {
        let mut users = self.lock();
        if users.len() >= self.capacity {
            return Err(AccountError(format!("the account store is full ({} accounts)", self.capacity)));
        }
        let account = Account {
            name_id: login.name_id.value.clone(),
            status: AccountStatus::Active,
            role: role.map(str::to_string),
        };
        users.insert(account.name_id.clone(), Entry { account: account.clone(), updatable: true });
        Ok(account)
    }
    fn update(&self, account: &Account, _login: &Login, role: Option<&str>) -> Result<Account, AccountError> {
        let mut users = self.lock();
        let entry = users
            .get_mut(&account.name_id)
            .ok_or_else(|| AccountError(format!("account {:?} disappeared", account.name_id)))?;
        let new_role = role.map(str::to_string).or_else(|| entry.account.role.clone());
        if new_role != entry.account.role && !entry.updatable {
            return Err(AccountError(format!(
                "changing the role of {:?} from {:?} to {:?} is not allowed (the account may not be updated)",
                account.name_id,
                entry.account.role.as_deref().unwrap_or("(none)"),
                new_role.as_deref().unwrap_or("(none)")
            )));
        }
        entry.account.role = new_role;
        Ok(entry.account.clone())
    }
}
