//! Keyspace access with its side effects: lazy expiry, hit/miss statistics,
//! the closing trio of every write (signal WATCH, keyspace event, dirty);
//! mirrors lookupKey*/dbAdd/setKey/dbDelete/expireIfNeeded in db.c.

use crate::server::Server;
use crate::types::value::Value;

/// Keyspace event classes (notify.c).
pub mod event {
    pub const KEYSPACE: u32 = 1 << 0;
    pub const KEYEVENT: u32 = 1 << 1;
    pub const GENERIC: u32 = 1 << 2;
    pub const STRING: u32 = 1 << 3;
    pub const LIST: u32 = 1 << 4;
    pub const SET: u32 = 1 << 5;
    pub const HASH: u32 = 1 << 6;
    pub const ZSET: u32 = 1 << 7;
    pub const EXPIRED: u32 = 1 << 8;
    pub const EVICTED: u32 = 1 << 9;
    pub const STREAM: u32 = 1 << 10;
    pub const KEY_MISS: u32 = 1 << 11;
    pub const MODULE: u32 = 1 << 12;
    pub const NEW: u32 = 1 << 13;
}

/// A collection type stored in `Value` (List, Set, Hash, ZSet): lets the
/// command families share one typed lookup instead of one copy each.
pub trait TypedValue: Sized {
    fn of(v: &Value) -> Option<&Self>;
    fn of_mut(v: &mut Value) -> Option<&mut Self>;
}

macro_rules! typed_value {
    ($t:ty, $variant:ident) => {
        impl TypedValue for $t {
            #[inline]
            fn of(v: &Value) -> Option<&Self> {
                match v {
                    Value::$variant(x) => Some(x),
                    _ => None,
                }
            }
            #[inline]
            fn of_mut(v: &mut Value) -> Option<&mut Self> {
                match v {
                    Value::$variant(x) => Some(x),
                    _ => None,
                }
            }
        }
    };
}

typed_value!(crate::types::list::List, List);
typed_value!(crate::types::set::Set, Set);
typed_value!(crate::types::hash::Hash, Hash);
typed_value!(crate::types::zset::ZSet, ZSet);

/// A collection whose elements are removed by name: hash fields, set and
/// sorted-set members (HDEL, SREM, ZREM share `remove_elements`).
pub trait RemoveByName: TypedValue {
    fn remove_named(&mut self, name: &[u8]) -> bool;
    fn is_empty(&self) -> bool;
}

macro_rules! remove_by_name {
    ($t:ty) => {
        impl RemoveByName for $t {
            fn remove_named(&mut self, name: &[u8]) -> bool {
                self.remove(name)
            }
            fn is_empty(&self) -> bool {
                <$t>::is_empty(self)
            }
        }
    };
}

remove_by_name!(crate::types::set::Set);
remove_by_name!(crate::types::hash::Hash);
remove_by_name!(crate::types::zset::ZSet);

impl Server {
    /// The value at `key` as a `T` for reading (lookupKeyRead + checkType):
    /// Ok(None) when missing, WRONGTYPE when it holds another type.
    #[inline]
    pub fn read_typed<T: TypedValue>(&mut self, db: usize, key: &[u8]) -> Result<Option<&T>, crate::commands::ReplyError> {
        match self.lookup_read(db, key) {
            None => Ok(None),
            Some(v) => T::of(v).map(Some).ok_or_else(crate::commands::ReplyError::wrong_type),
        }
    }

    /// The value at `key` as a `T` for writing (lookupKeyWrite + checkType).
    #[inline]
    pub fn write_typed<T: TypedValue>(&mut self, db: usize, key: &[u8]) -> Result<Option<&mut T>, crate::commands::ReplyError> {
        match self.lookup_write(db, key) {
            None => Ok(None),
            Some(v) => T::of_mut(v).map(Some).ok_or_else(crate::commands::ReplyError::wrong_type),
        }
    }

    /// A `T` already looked up in this command: no expiry, no statistics.
    #[inline]
    pub fn peek_typed<T: TypedValue>(&self, db: usize, key: &[u8]) -> Option<&T> {
        self.dbs[db].dict.get(key).and_then(T::of)
    }

    /// Deletes `key` if its deadline passed (expireIfNeeded). Returns true
    /// when the key is (now) logically absent because it expired.
    #[inline]
    pub fn expire_if_needed(&mut self, db: usize, key: &[u8]) -> bool {
        let now = self.now_ms;
        if !self.dbs[db].is_expired(key, now) {
            return false;
        }
        self.delete_expired_key(db, key);
        true
    }

    /// Removes a key whose TTL passed, counting and propagating it as Redis
    /// does (the replica and AOF see a DEL).
    pub fn delete_expired_key(&mut self, db: usize, key: &[u8]) {
        if let Some(v) = self.dbs[db].remove(key) {
            self.free_value(v, self.config.lazyfree_lazy_expire);
        }
        self.stats.expired_keys += 1;
        self.notify_keyspace_event(event::EXPIRED, "expired", key, db);
        self.signal_modified_key(db, key);
        let argv: [&[u8]; 2] = [if self.config.lazyfree_lazy_expire { b"UNLINK" } else { b"DEL" }, key];
        self.propagate(db, &argv);
    }

    /// Looks a key up for reading: expires it if due, updates its access
    /// clock, counts a hit or miss (lookupKeyRead).
    #[inline]
    pub fn lookup_read(&mut self, db: usize, key: &[u8]) -> Option<&Value> {
        self.lookup_read_flags(db, key, false)
    }

    /// lookup_read; `no_touch` leaves the access clock alone (OBJECT, TYPE,
    /// CLIENT NO-TOUCH clients).
    #[inline]
    pub fn lookup_read_flags(&mut self, db: usize, key: &[u8], no_touch: bool) -> Option<&Value> {
        self.expire_if_needed(db, key);
        let touch = !no_touch && !self.no_touch && !self.has_active_child();
        if self.notify_flags & event::KEY_MISS == 0 {
            // Fast path: one lookup (the miss event needs &mut self below).
            let e = self.dbs[db].dict.get_entry_mut(key);
            return match e {
                Some(e) => {
                    self.stats.keyspace_hits += 1;
                    if touch {
                        e.key.set_lru(crate::db::lru_clock());
                    }
                    Some(&e.val)
                }
                None => {
                    self.stats.keyspace_misses += 1;
                    None
                }
            };
        }
        if self.dbs[db].dict.contains_key(key) {
            self.stats.keyspace_hits += 1;
            let e = self.dbs[db].dict.get_entry_mut(key).unwrap();
            if touch {
                e.key.set_lru(crate::db::lru_clock());
            }
            Some(&e.val)
        } else {
            self.stats.keyspace_misses += 1;
            self.notify_keyspace_event(event::KEY_MISS, "keymiss", key, db);
            None
        }
    }

    /// Looks a key up for writing: expires it if due, updates its access
    /// clock; no statistics (lookupKeyWrite).
    #[inline]
    pub fn lookup_write(&mut self, db: usize, key: &[u8]) -> Option<&mut Value> {
        self.expire_if_needed(db, key);
        let touch = !self.no_touch && !self.has_active_child();
        let e = self.dbs[db].dict.get_entry_mut(key)?;
        if touch {
            e.key.set_lru(crate::db::lru_clock());
        }
        Some(&mut e.val)
    }

    /// True when the key exists (after lazy expiry); no statistics
    /// (EXISTS-style checks inside commands).
    pub fn key_exists(&mut self, db: usize, key: &[u8]) -> bool {
        self.expire_if_needed(db, key);
        self.dbs[db].dict.contains_key(key)
    }

    /// Deletes a key a client asked to delete (DEL, UNLINK, overwrites).
    /// Returns true if it existed.
    pub fn delete_key(&mut self, db: usize, key: &[u8], lazy: bool) -> bool {
        self.expire_if_needed(db, key);
        match self.dbs[db].remove(key) {
            Some(v) => {
                self.free_value(v, lazy);
                true
            }
            None => false,
        }
    }

    /// Swaps the contents of databases `a` and `b` (SWAPDB); both indexes
    /// must be valid.
    pub fn swap_databases(&mut self, a: usize, b: usize) {
        if a == b {
            return;
        }
        // WATCHed keys that exist on either side see a change
        // (touchAllWatchedKeysInDb, before the swap).
        self.touch_all_watched_keys_in_db(a, Some(b));
        self.touch_all_watched_keys_in_db(b, Some(a));
        let (lo, hi) = (a.min(b), a.max(b));
        let (left, right) = self.dbs.split_at_mut(hi);
        crate::db::Db::swap_data(&mut left[lo], &mut right[0]);
        // Clients blocked on keys that exist now can be served
        // (scanDatabaseForReadyKeys).
        for db in [a, b] {
            for key in self.blocking.keys_blocked_in(db) {
                if matches!(self.dbs[db].dict.get(&key), Some(Value::List(_) | Value::ZSet(_))) {
                    self.signal_key_as_ready(db, &key);
                }
            }
        }
    }

    /// Adds a key that does not exist yet, as dbAdd does: a new list or
    /// sorted set wakes the clients blocked on its name.
    pub fn db_add(&mut self, db: usize, key: &[u8], val: Value) {
        let ready = matches!(val, Value::List(_) | Value::ZSet(_));
        self.dbs[db].add(key, val);
        if ready {
            self.signal_key_as_ready(db, key);
        }
    }

    /// Removes every key of database `db` (emptyData for one db); with
    /// `lazy` the old tables are freed on the lazyfree thread. Returns the
    /// number of keys removed.
    pub fn empty_db(&mut self, db: usize, lazy: bool) -> u64 {
        // WATCHed keys that exist are invalidated (signalFlushedDb).
        self.touch_all_watched_keys_in_db(db, None);
        let removed = self.dbs[db].len() as u64;
        let (dict, expires) = self.dbs[db].take_all();
        if lazy && removed > 0 {
            self.lazyfree.free((dict, expires));
        } else {
            drop((dict, expires));
        }
        removed
    }

    /// Frees a value, on the lazyfree thread when asked to and when it is
    /// big enough to be worth it (LAZYFREE_THRESHOLD, 64 elements in Redis).
    pub fn free_value(&mut self, v: Value, lazy: bool) {
        if lazy && v.heap_size() > 64 * 1024 {
            self.lazyfree.free_value(v);
        } else {
            drop(v);
        }
    }

    /// Invalidates WATCHes on `key` (signalModifiedKey): every client
    /// watching it gets dirty-CAS and its EXEC will fail. Client-side
    /// caching (tracking) hooks in here too when it lands.
    #[inline]
    pub fn signal_modified_key(&mut self, db: usize, key: &[u8]) {
        if !self.watches.is_empty() {
            self.touch_watched_key(db, key);
        }
    }

    /// Publishes a keyspace notification (notifyKeyspaceEvent) when the
    /// class is enabled by notify-keyspace-events:
    /// `__keyspace@<db>__:<key>` carries the event name,
    /// `__keyevent@<db>__:<event>` carries the key.
    #[inline]
    pub fn notify_keyspace_event(&mut self, class: u32, event: &str, key: &[u8], db: usize) {
        if self.notify_flags & event::NEW != 0 {
            self.fire_new_key_events();
        }
        if self.notify_flags & class == 0 || self.pubsub.is_idle() {
            // Nobody can receive it (publishing to no one has no other effect).
            return;
        }
        self.publish_keyspace_event(event, key, db);
    }

    /// Fires the "new" events of keys added since the last event (the `n`
    /// class; dbAdd fires them in Redis, before the command's own event).
    pub fn fire_new_key_events(&mut self) {
        for db in 0..self.dbs.len() {
            let Some(v) = self.dbs[db].new_keys.as_mut() else { continue };
            if v.is_empty() {
                continue;
            }
            let keys = std::mem::take(v);
            if self.pubsub.is_idle() {
                continue;
            }
            for key in keys {
                self.publish_keyspace_event("new", &key, db);
            }
        }
    }

    /// Sets notify-keyspace-events' classes (start-up, CONFIG SET).
    pub fn set_notify_flags(&mut self, flags: u32) {
        self.notify_flags = flags;
        let track = flags & event::NEW != 0;
        for d in &mut self.dbs {
            if track != d.new_keys.is_some() {
                d.new_keys = track.then(Vec::new);
            }
        }
    }

    #[cold]
    fn publish_keyspace_event(&mut self, event: &str, key: &[u8], db: usize) {
        if self.notify_flags & event::KEYSPACE != 0 {
            let mut chan = format!("__keyspace@{}__:", db).into_bytes();
            chan.extend_from_slice(key);
            self.publish(&chan, event.as_bytes(), false);
        }
        if self.notify_flags & event::KEYEVENT != 0 {
            let chan = format!("__keyevent@{}__:{}", db, event);
            self.publish(chan.as_bytes(), key, false);
        }
    }

    /// The closing trio with a dirty count (SADD counts one per member).
    pub fn key_modified_by(&mut self, db: usize, key: &[u8], class: u32, event: &str, dirty: u64) {
        self.signal_modified_key(db, key);
        self.notify_keyspace_event(class, event, key, db);
        self.dirty += dirty;
    }

    /// HDEL, SREM, ZREM: removes each named element of the `T` at `key`
    /// (stopping once it is empty) and returns how many went; then the
    /// closing trio with `event`, and an emptied collection is deleted with
    /// `del` after it, as Redis orders them.
    pub fn remove_elements<'n, T: RemoveByName>(
        &mut self,
        db: usize,
        key: &[u8],
        names: impl Iterator<Item = &'n [u8]>,
        class: u32,
        event: &str,
    ) -> Result<u64, crate::commands::ReplyError> {
        let Some(c) = self.write_typed::<T>(db, key)? else { return Ok(0) };
        let mut removed = 0;
        for name in names {
            if c.remove_named(name) {
                removed += 1;
                if c.is_empty() {
                    break;
                }
            }
        }
        if removed > 0 {
            let emptied = c.is_empty();
            self.key_modified_by(db, key, class, event, removed);
            if emptied {
                self.delete_emptied(db, key);
            }
        }
        Ok(removed)
    }

    /// Deletes a collection its command emptied, with the `del` event
    /// Redis fires then.
    pub fn delete_emptied(&mut self, db: usize, key: &[u8]) {
        self.delete_key(db, key, false);
        self.notify_keyspace_event(event::GENERIC, "del", key, db);
    }

    /// Stores the result of a *STORE command at `dst` (setKey: any old value
    /// and its TTL go) and returns its size; an empty result deletes `dst`
    /// instead, firing `del` if it existed. A stored list or sorted set wakes
    /// clients blocked on `dst`.
    pub fn store_result(&mut self, db: usize, dst: &[u8], val: Value, len: usize, class: u32, event: &str) -> usize {
        let lazy = self.config.lazyfree_lazy_server_del;
        if len == 0 {
            if self.delete_key(db, dst, lazy) {
                self.key_modified(db, dst, event::GENERIC, "del");
            }
            return 0;
        }
        let wakes = matches!(val, Value::List(_) | Value::ZSet(_));
        self.expire_if_needed(db, dst);
        if let Some(old) = self.dbs[db].set(dst, val, false) {
            self.free_value(old, lazy);
        }
        if wakes {
            self.signal_key_as_ready(db, dst);
        }
        self.key_modified(db, dst, class, event);
        len
    }

    /// The closing trio of a write command on `key`: WATCH, notification, dirty.
    #[inline]
    pub fn key_modified(&mut self, db: usize, key: &[u8], class: u32, event: &str) {
        self.signal_modified_key(db, key);
        self.notify_keyspace_event(class, event, key, db);
        self.dirty += 1;
    }
}
