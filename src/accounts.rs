//! Account checks, run after the assertion is valid: the embedding service implements
//! [`AccountStore`]; [`InMemoryAccounts`] serves tests and the `[accounts]` table of the config file.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::error::{Detail, ErrorCode, SsoError, Stage};
use crate::validate::Login;

/// The state of a user account.
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
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AccountError(pub String);

/// The embedding service's user directory.
pub trait AccountStore: Send + Sync {
    /// Finds the account for a validated login (by NameID, or by attributes).
    fn find(&self, login: &Login) -> Result<Option<Account>, AccountError>;
    /// Creates an account for a login (auto account creation).
    fn create(&self, login: &Login, role: Option<&str>) -> Result<Account, AccountError>;
    /// Updates an account from a login (auto account update, including a changed role).
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
    pub fn auto_create(mut self, on: bool) -> Self {
        self.auto_create = on;
        self
    }
    /// Updates existing accounts from each login.
    pub fn auto_update(mut self, on: bool) -> Self {
        self.auto_update = on;
        self
    }
    /// Roles allowed to log in (empty: any).
    pub fn allowed_roles<S: Into<String>>(mut self, roles: impl IntoIterator<Item = S>) -> Self {
        self.allowed_roles = roles.into_iter().map(Into::into).collect();
        self
    }
    /// The assertion attribute that carries the role.
    pub fn role_attribute(mut self, name: impl Into<String>) -> Self {
        self.role_attribute = Some(name.into());
        self
    }
    /// Whether auto-creation is on.
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
    pub fn new(capacity: usize) -> Self {
        InMemoryAccounts { users: Mutex::new(HashMap::new()), capacity }
    }
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.users.lock().unwrap_or_else(|p| p.into_inner())
    }
    /// Adds an account; `updatable = false` makes auto-update of it fail.
    pub fn add(&self, account: Account, updatable: bool) {
        self.lock().insert(account.name_id.clone(), Entry { account, updatable });
    }
    /// The account with this NameID.
    pub fn get(&self, name_id: &str) -> Option<Account> {
        self.lock().get(name_id).map(|e| e.account.clone())
    }
    /// How many accounts there are.
    pub fn len(&self) -> usize {
        self.lock().len()
    }
    /// Whether there are none.
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
