//! The outstanding-request store and the assertion replay cache: traits shaped for a shared store
//! (atomic "insert if absent with expiry", "take once"), with bounded in-memory implementations.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// A store failure (the in-memory stores fail only when full of unexpired entries).
///
/// ```
/// let e = samlguard::StoreError::new("the replay cache is full");
/// assert_eq!(e.to_string(), "the replay cache is full");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StoreError {
    message: String,
}

impl StoreError {
    /// An error with this message.
    ///
    /// ```
    /// use samlguard::{InMemoryReplayCache, ReplayCache, StoreError};
    /// # use chrono::{Duration, Utc};
    /// // What a shared store returns when its backend fails.
    /// let e = StoreError::new("replay cache backend unreachable");
    /// assert_eq!(e.to_string(), "replay cache backend unreachable");
    /// // The in-memory stores fail only when full of unexpired entries.
    /// let (now, cache) = (Utc::now(), InMemoryReplayCache::new(1));
    /// cache.insert_if_absent("_a1", now + Duration::minutes(5), now)?;
    /// let full = cache.insert_if_absent("_a2", now + Duration::minutes(5), now).unwrap_err();
    /// assert!(full.to_string().contains("is full"));
    /// # Ok::<(), samlguard::StoreError>(())
    /// ```
    pub fn new(message: impl Into<String>) -> Self {
        StoreError { message: message.into() }
    }
}

/// The AuthnRequest IDs this SP has sent and not yet seen answered. An ID is consumed once.
///
/// ```
/// # use samlguard::*;
/// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
/// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs").build()?;
/// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
/// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
/// #     .build();
/// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
/// use std::sync::Arc;
/// let store = Arc::new(InMemoryRequestStore::new(10_000));
/// // When redirecting the browser to the IdP with AuthnRequest ID="_a71b...":
/// let sent: chrono::DateTime<chrono::Utc> = "2026-03-02T09:14:00Z".parse()?;
/// store.insert("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e", sent + chrono::Duration::minutes(5), sent)?;
/// // At the ACS: the store supplies the outstanding IDs, and consumes the one answered.
/// let validator = Validator::builder(sp, idp).request_store(store.clone()).build();
/// let login = validator.validate(&SsoRequest::xml(&xml, "2026-03-02T09:15:00Z".parse()?))?;
/// assert_eq!(login.in_response_to.as_deref(), Some("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e"));
/// assert!(!store.has_outstanding("2026-03-02T09:15:00Z".parse()?)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait RequestStore: Send + Sync {
    /// Remembers an outstanding request ID until `expires` (`now` lets a bounded store drop expired
    /// entries).
    ///
    /// ```
    /// use samlguard::{InMemoryRequestStore, RequestStore};
    /// # use chrono::{DateTime, Duration, Utc};
    /// # let now: DateTime<Utc> = "2030-01-01T12:00:00Z".parse().unwrap();
    /// let store = InMemoryRequestStore::new(1000);
    /// store.insert("_req1", now + Duration::minutes(5), now)?; // the login may take five minutes
    /// assert!(store.has_outstanding(now)?);
    /// # Ok::<(), samlguard::StoreError>(())
    /// ```
    fn insert(&self, id: &str, expires: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), StoreError>;
    /// Removes the ID if it is outstanding and unexpired at `now`; tells whether it was.
    ///
    /// ```
    /// use samlguard::{InMemoryRequestStore, RequestStore};
    /// # use chrono::{DateTime, Duration, Utc};
    /// # let now: DateTime<Utc> = "2030-01-01T12:00:00Z".parse().unwrap();
    /// let store = InMemoryRequestStore::new(1000);
    /// store.insert("_req1", now + Duration::minutes(5), now)?;
    /// assert!(store.take("_req1", now + Duration::minutes(1))?);
    /// assert!(!store.take("_req1", now + Duration::minutes(1))?); // once only
    /// store.insert("_req2", now + Duration::minutes(5), now)?;
    /// assert!(!store.take("_req2", now + Duration::minutes(6))?); // expired
    /// # Ok::<(), samlguard::StoreError>(())
    /// ```
    fn take(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError>;
    /// Whether any unexpired request is outstanding at `now`.
    ///
    /// ```
    /// use samlguard::{InMemoryRequestStore, RequestStore};
    /// # use chrono::{DateTime, Duration, Utc};
    /// # let now: DateTime<Utc> = "2030-01-01T12:00:00Z".parse().unwrap();
    /// let store = InMemoryRequestStore::new(1000);
    /// assert!(!store.has_outstanding(now)?);
    /// store.insert("_req1", now + Duration::minutes(5), now)?;
    /// assert!(store.has_outstanding(now)?);
    /// assert!(!store.has_outstanding(now + Duration::minutes(5))?); // expires at its instant
    /// # Ok::<(), samlguard::StoreError>(())
    /// ```
    fn has_outstanding(&self, now: DateTime<Utc>) -> Result<bool, StoreError>;
}

/// Assertion IDs already accepted, kept until the assertion's `NotOnOrAfter` plus the clock skew.
///
/// ```
/// # use samlguard::*;
/// # let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/");
/// # let sp = ServiceProvider::builder("https://sp.example.com/saml/metadata", "https://sp.example.com/saml/acs").build()?;
/// # let idp = IdentityProvider::builder("https://idp.example.com/metadata")
/// #     .certificates(load_certificates(&std::fs::read(format!("{demo}idp.crt"))?)?)
/// #     .build();
/// # let xml = std::fs::read(format!("{demo}signed-response.xml"))?;
/// use std::sync::Arc;
/// // One cache shared by every instance of the service (here: two validators).
/// let cache = Arc::new(InMemoryReplayCache::new(100_000));
/// let a = Validator::builder(sp.clone(), idp.clone()).replay_cache(cache.clone()).build();
/// let b = Validator::builder(sp, idp).replay_cache(cache).build();
/// let request = SsoRequest::xml(&xml, "2026-03-02T09:15:00Z".parse()?)
///     .request_id("_a71b9c3e5d7f4a2b8c6e0d1f3a5b7c9e");
/// assert!(a.validate(&request).is_ok());
/// let replayed = b.validate(&request).unwrap_err();
/// assert_eq!(replayed.code(), ErrorCode::InvalidAssertion); // 13
/// assert!(replayed.detail().found.contains("replay"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait ReplayCache: Send + Sync {
    /// Whether `id` is recorded and unexpired at `now` (a read-only look, used to report a replay in
    /// SPEC order; the atomic [`ReplayCache::insert_if_absent`] still decides).
    ///
    /// ```
    /// use samlguard::{InMemoryReplayCache, ReplayCache};
    /// # use chrono::{DateTime, Duration, Utc};
    /// # let now: DateTime<Utc> = "2030-01-01T12:00:00Z".parse().unwrap();
    /// let cache = InMemoryReplayCache::default();
    /// cache.insert_if_absent("_assertion1", now + Duration::minutes(5), now)?;
    /// assert!(cache.contains("_assertion1", now)?);
    /// assert!(!cache.contains("_assertion1", now + Duration::minutes(5))?); // expired
    /// # Ok::<(), samlguard::StoreError>(())
    /// ```
    fn contains(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError>;
    /// Records `id` until `expires` unless it is already recorded (and unexpired at `now`); returns
    /// `true` when it was recorded now, `false` when it is a replay. Must be atomic.
    ///
    /// ```
    /// use samlguard::{InMemoryReplayCache, ReplayCache};
    /// # use chrono::{DateTime, Duration, Utc};
    /// # let now: DateTime<Utc> = "2030-01-01T12:00:00Z".parse().unwrap();
    /// let cache = InMemoryReplayCache::default();
    /// let until = now + Duration::minutes(5);
    /// assert!(cache.insert_if_absent("_assertion1", until, now)?); // first use
    /// assert!(!cache.insert_if_absent("_assertion1", until, now)?); // replay
    /// # Ok::<(), samlguard::StoreError>(())
    /// ```
    fn insert_if_absent(
        &self,
        id: &str,
        expires: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
}

/// A bounded in-memory map with expiry, shared by both in-memory stores.
#[derive(Debug)]
struct ExpiringSet {
    entries: Mutex<HashMap<String, DateTime<Utc>>>,
    capacity: usize,
    name: &'static str,
}

impl ExpiringSet {
    fn new(capacity: usize, name: &'static str) -> Self {
        ExpiringSet { entries: Mutex::new(HashMap::new()), capacity: capacity.max(1), name }
    }
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, DateTime<Utc>>> {
        // A poisoned lock only means another thread panicked mid-update of a plain map: still usable.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
    fn insert_if_absent(
        &self,
        id: &str,
        expires: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut map = self.lock();
        if map.get(id).is_some_and(|e| *e > now) {
            return Ok(false);
        }
        if map.len() >= self.capacity {
            map.retain(|_, e| *e > now);
            if map.len() >= self.capacity {
                return Err(StoreError::new(format!(
                    "the {} is full ({} unexpired entries); raise its capacity",
                    self.name, self.capacity
                )));
            }
        }
        map.insert(id.to_string(), expires);
        Ok(true)
    }
}

/// A bounded in-memory [`RequestStore`].
///
/// ```
/// use samlguard::{InMemoryRequestStore, RequestStore};
/// let now = chrono::Utc::now();
/// let store = InMemoryRequestStore::new(1000);
/// store.insert("id-1", now + chrono::Duration::minutes(5), now)?;
/// assert!(store.take("id-1", now)?);
/// assert!(!store.take("id-1", now)?); // consumed once
/// # Ok::<(), samlguard::StoreError>(())
/// ```
#[derive(Debug)]
pub struct InMemoryRequestStore {
    set: ExpiringSet,
}

impl InMemoryRequestStore {
    /// A store holding at most `capacity` unexpired IDs.
    ///
    /// ```
    /// use samlguard::{InMemoryRequestStore, RequestStore};
    /// # use chrono::{DateTime, Duration, Utc};
    /// # let now: DateTime<Utc> = "2030-01-01T12:00:00Z".parse().unwrap();
    /// let store = InMemoryRequestStore::new(1); // bounded: at most one unexpired ID
    /// store.insert("_req1", now + Duration::minutes(5), now)?;
    /// assert!(store.insert("_req2", now + Duration::minutes(5), now).is_err());
    /// store.insert("_req2", now + Duration::minutes(10), now + Duration::minutes(5))?; // _req1 expired
    /// # Ok::<(), samlguard::StoreError>(())
    /// ```
    pub fn new(capacity: usize) -> Self {
        InMemoryRequestStore { set: ExpiringSet::new(capacity, "request store") }
    }
}

impl RequestStore for InMemoryRequestStore {
    fn insert(&self, id: &str, expires: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.set.insert_if_absent(id, expires, now).map(|_| ())
    }
    fn take(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut map = self.set.lock();
        Ok(map.remove(id).is_some_and(|e| e > now))
    }
    fn has_outstanding(&self, now: DateTime<Utc>) -> Result<bool, StoreError> {
        Ok(self.set.lock().values().any(|e| *e > now))
    }
}

/// A bounded in-memory [`ReplayCache`].
///
/// ```
/// use samlguard::{InMemoryReplayCache, ReplayCache};
/// let now = chrono::Utc::now();
/// let cache = InMemoryReplayCache::new(10_000);
/// assert!(cache.insert_if_absent("_a1", now + chrono::Duration::minutes(5), now)?);
/// assert!(!cache.insert_if_absent("_a1", now + chrono::Duration::minutes(5), now)?);
/// # Ok::<(), samlguard::StoreError>(())
/// ```
#[derive(Debug)]
pub struct InMemoryReplayCache {
    set: ExpiringSet,
}

impl InMemoryReplayCache {
    /// A cache holding at most `capacity` unexpired assertion IDs.
    ///
    /// ```
    /// use samlguard::{InMemoryReplayCache, ReplayCache};
    /// # use chrono::{DateTime, Duration, Utc};
    /// # let now: DateTime<Utc> = "2030-01-01T12:00:00Z".parse().unwrap();
    /// // Size it for the assertions accepted within their validity (plus skew): logins per second × ~300 s.
    /// let cache = InMemoryReplayCache::new(2);
    /// cache.insert_if_absent("_a1", now + Duration::minutes(5), now)?;
    /// cache.insert_if_absent("_a2", now + Duration::minutes(5), now)?;
    /// assert!(cache.insert_if_absent("_a3", now + Duration::minutes(5), now).is_err()); // full
    /// # Ok::<(), samlguard::StoreError>(())
    /// ```
    pub fn new(capacity: usize) -> Self {
        InMemoryReplayCache { set: ExpiringSet::new(capacity, "replay cache") }
    }
}

impl Default for InMemoryReplayCache {
    fn default() -> Self {
        Self::new(100_000)
    }
}

impl ReplayCache for InMemoryReplayCache {
    fn contains(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        Ok(self.set.lock().get(id).is_some_and(|e| *e > now))
    }
    fn insert_if_absent(
        &self,
        id: &str,
        expires: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.set.insert_if_absent(id, expires, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_entries_make_room_and_do_not_count() {
        let t0: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        let c = InMemoryReplayCache::new(1);
        assert!(c.insert_if_absent("a", t0 + chrono::Duration::seconds(10), t0).unwrap());
        assert!(c.insert_if_absent("b", t0, t0).is_err());
        let later = t0 + chrono::Duration::seconds(11);
        assert!(c.insert_if_absent("a", later + chrono::Duration::seconds(10), later).unwrap());
    }
}
