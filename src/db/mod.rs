//! A database: the keyspace dict and the expires dict; mirrors the redisDb
//! struct and the pure parts of db.c. Side effects of keyspace changes
//! (expiry propagation, notifications, WATCH) live in `keyspace`.

pub mod dict;
pub mod expire;
pub mod keyspace;

use crate::types::value::{Key, Value};
use dict::Dict;
use std::sync::atomic::{AtomicU32, Ordering};

/// Redis's LRU clock: unix seconds, 24 bits (LRU_CLOCK_MAX), updated by cron.
static LRU_CLOCK: AtomicU32 = AtomicU32::new(0);
pub const LRU_CLOCK_MAX: u32 = (1 << 24) - 1;

#[inline]
pub fn lru_clock() -> u32 {
    LRU_CLOCK.load(Ordering::Relaxed)
}

pub fn update_lru_clock(now_ms: i64) {
    LRU_CLOCK.store(((now_ms / 1000) as u32) & LRU_CLOCK_MAX, Ordering::Relaxed);
}

/// Seconds since an entry with clock `lru` was last touched (estimateObjectIdleTime).
pub fn idle_seconds(lru: u32) -> u64 {
    let now = lru_clock();
    if now >= lru {
        (now - lru) as u64
    } else {
        (now + (LRU_CLOCK_MAX - lru)) as u64
    }
}

pub struct Db {
    pub id: usize,
    pub dict: Dict<Value>,
    /// key -> absolute deadline in unix milliseconds.
    pub expires: Dict<i64>,
    /// Where the active expiry cycle resumes scanning `expires`.
    pub expires_cursor: u64,
    /// Average TTL of the keys sampled by active expiry (INFO keyspace avg_ttl).
    pub avg_ttl: i64,
    /// Keys added since the last keyspace event, kept only while the `n`
    /// class of notify-keyspace-events is on: the server fires their "new"
    /// events (dbAdd's) before the command's own.
    pub new_keys: Option<Vec<Vec<u8>>>,
}

impl Db {
    pub fn new(id: usize) -> Db {
        Db { id, dict: Dict::new(), expires: Dict::new(), expires_cursor: 0, avg_ttl: 0, new_keys: None }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.dict.len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.dict.is_empty()
    }

    /// The deadline of `key`, if it has one.
    #[inline]
    pub fn expire_of(&self, key: &[u8]) -> Option<i64> {
        if self.expires.is_empty() {
            return None;
        }
        self.expires.get(key).copied()
    }

    /// True when `key` has a deadline at or before `now_ms`.
    #[inline]
    pub fn is_expired(&self, key: &[u8], now_ms: i64) -> bool {
        matches!(self.expire_of(key), Some(when) if when <= now_ms)
    }

    /// Adds a key that does not exist yet (dbAdd).
    pub fn add(&mut self, key: &[u8], val: Value) {
        self.dict.insert_new(Key::new(key), val);
        if let Some(v) = self.new_keys.as_mut() {
            v.push(key.to_vec());
        }
    }

    /// Sets `key` to `val`, creating or overwriting it; the TTL is cleared
    /// unless `keep_ttl` (setKey).
    pub fn set(&mut self, key: &[u8], val: Value, keep_ttl: bool) -> Option<Value> {
        let old = self.dict.insert(key, val);
        if !keep_ttl && old.is_some() {
            self.remove_expire(key);
        }
        if old.is_none() {
            if let Some(v) = self.new_keys.as_mut() {
                v.push(key.to_vec());
            }
        }
        old
    }

    /// Removes `key` and its TTL; returns the value it held.
    pub fn remove(&mut self, key: &[u8]) -> Option<Value> {
        let (_, v) = self.dict.remove(key)?;
        if !self.expires.is_empty() {
            self.expires.remove(key);
        }
        Some(v)
    }

    /// Sets the deadline of an existing key.
    pub fn set_expire(&mut self, key: &[u8], when_ms: i64) {
        debug_assert!(self.dict.contains_key(key));
        match self.expires.get_mut(key) {
            Some(w) => *w = when_ms,
            None => self.expires.insert_new(Key::new(key), when_ms),
        }
    }

    /// Removes the deadline of `key`; true if it had one.
    pub fn remove_expire(&mut self, key: &[u8]) -> bool {
        if self.expires.is_empty() {
            return false;
        }
        self.expires.remove(key).is_some()
    }

    /// Exchanges the data of two databases (dbSwapDatabases): the dicts and
    /// the expiry bookkeeping move, the ids stay, so clients that selected
    /// an index see the other data from now on.
    pub fn swap_data(a: &mut Db, b: &mut Db) {
        std::mem::swap(&mut a.dict, &mut b.dict);
        std::mem::swap(&mut a.expires, &mut b.expires);
        std::mem::swap(&mut a.expires_cursor, &mut b.expires_cursor);
        std::mem::swap(&mut a.avg_ttl, &mut b.avg_ttl);
    }

    /// Empties the database, handing back the old dicts (FLUSHDB ASYNC frees
    /// them on another thread).
    pub fn take_all(&mut self) -> (Dict<Value>, Dict<i64>) {
        self.expires_cursor = 0;
        self.avg_ttl = 0;
        (self.dict.take(), self.expires.take())
    }
}
