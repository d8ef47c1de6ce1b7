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
    pub fn new(message: impl Into<String>) -> Self {
        StoreError { message: message.into() }
    }
}

/// The AuthnRequest IDs this SP has sent and not yet seen answered. An ID is consumed once.
pub trait RequestStore: Send + Sync {
    /// Remembers an outstanding request ID until `expires` (`now` lets a bounded store drop expired
    /// entries).
    fn insert(&self, id: &str, expires: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), StoreError>;
    /// Removes the ID if it is outstanding and unexpired at `now`; tells whether it was.
    fn take(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError>;
    /// Whether any unexpired request is outstanding at `now`.
    fn has_outstanding(&self, now: DateTime<Utc>) -> Result<bool, StoreError>;
}

/// Assertion IDs already accepted, kept until the assertion's `NotOnOrAfter` plus the clock skew.
pub trait ReplayCache: Send + Sync {
    /// Whether `id` is recorded and unexpired at `now` (a read-only look, used to report a replay in
    /// SPEC order; the atomic [`ReplayCache::insert_if_absent`] still decides).
    fn contains(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError>;
    /// Records `id` until `expires` unless it is already recorded (and unexpired at `now`); returns
    /// `true` when it was recorded now, `false` when it is a replay. Must be atomic.
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
