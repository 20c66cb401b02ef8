//! The WATCH registry: (db, key) → the clients watching it, and the
//! invalidation every keyspace change triggers; mirrors the watch half of
//! multi.c (watchForKey, touchWatchedKey, touchAllWatchedKeysInDb,
//! isWatchedKeyExpired).
//!
//! A client watching a key lists it in `Client::watched`; the registry
//! keeps, per key, the watchers' tokens with the `expired` mark Redis 7.0
//! keeps (the key was already logically expired when WATCH ran, so its
//! lazy deletion is not a change). A touched watcher is flagged dirty-CAS
//! and unwatches everything at once. The client running the command is out
//! of the slab: its flag waits in `dirty_out_of_slab` and `call()` applies it.

use super::Server;
use crate::net::client::Client;
use std::collections::HashMap;

struct Watcher {
    token: usize,
    /// The key was expired (but not yet deleted) when WATCH ran.
    expired: bool,
}

#[derive(Default)]
pub struct Watches {
    keys: HashMap<(usize, Vec<u8>), Vec<Watcher>>,
    /// Tokens of clients touched while out of the slab.
    pub dirty_out_of_slab: Vec<usize>,
}

impl Watches {
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Watched keys in all databases (for tests and INFO-style counts).
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    fn remove(&mut self, db: usize, key: &[u8], token: usize) {
        let k = (db, key.to_vec());
        if let Some(v) = self.keys.get_mut(&k) {
            v.retain(|w| w.token != token);
            if v.is_empty() {
                self.keys.remove(&k);
            }
        }
    }
}

/// WATCH one key for `c` (watchForKey).
pub fn watch_key(srv: &mut Server, c: &mut Client, key: &[u8]) {
    let db = c.db;
    if c.watched.iter().any(|(d, k)| *d == db && k == key) {
        return;
    }
    let expired = srv.dbs[db].is_expired(key, srv.now_ms) && srv.dbs[db].dict.contains_key(key);
    srv.watches.keys.entry((db, key.to_vec())).or_default().push(Watcher { token: c.token, expired });
    c.watched.push((db, key.to_vec()));
}

/// Forgets every key `c` watches (unwatchAllKeys).
pub fn unwatch_all(srv: &mut Server, c: &mut Client) {
    for (db, key) in std::mem::take(&mut c.watched) {
        srv.watches.remove(db, &key, c.token);
    }
}

/// EXEC's check (isWatchedKeyExpired): a watched key that was alive when
/// watched and has expired since (not yet deleted) fails the transaction.
pub fn watched_key_expired(srv: &Server, c: &Client) -> bool {
    c.watched.iter().any(|(db, key)| {
        let was_expired =
            srv.watches.keys.get(&(*db, key.clone())).and_then(|v| v.iter().find(|w| w.token == c.token)).is_some_and(|w| w.expired);
        !was_expired && srv.dbs[*db].is_expired(key, srv.now_ms)
    })
}

/// Applies a dirty-CAS flag kept for `c` while it was out of the slab.
pub fn apply_deferred(srv: &mut Server, c: &mut Client) {
    if let Some(i) = srv.watches.dirty_out_of_slab.iter().position(|&t| t == c.token) {
        srv.watches.dirty_out_of_slab.swap_remove(i);
        c.dirty_cas = true;
        unwatch_all(srv, c);
    }
}

impl Server {
    /// Flags the client at `token` dirty-CAS and unwatches all its keys.
    fn mark_dirty_cas(&mut self, token: usize) {
        match self.clients.take(token) {
            Some(mut c) => {
                c.dirty_cas = true;
                unwatch_all(self, &mut c);
                self.clients.put_back(c);
            }
            None => {
                if !self.watches.dirty_out_of_slab.contains(&token) {
                    self.watches.dirty_out_of_slab.push(token);
                }
            }
        }
    }

    /// touchWatchedKey: `key` in `db` changed.
    pub(crate) fn touch_watched_key(&mut self, db: usize, key: &[u8]) {
        let k = (db, key.to_vec());
        let Some(watchers) = self.watches.keys.get_mut(&k) else { return };
        let exists = self.dbs[db].dict.contains_key(key);
        let mut dirty = Vec::new();
        for w in watchers.iter_mut() {
            if w.expired {
                // Already expired when watched: its deletion is no change.
                if !exists {
                    w.expired = false;
                    continue;
                }
            }
            dirty.push(w.token);
        }
        for t in dirty {
            self.mark_dirty_cas(t);
        }
    }

    /// touchAllWatchedKeysInDb: database `emptied` is flushed, or swapped
    /// with `replaced_with`. Called before the change.
    pub(crate) fn touch_all_watched_keys_in_db(&mut self, emptied: usize, replaced_with: Option<usize>) {
        if self.watches.is_empty() {
            return;
        }
        let now = self.now_ms;
        let keys: Vec<Vec<u8>> = self.watches.keys.keys().filter(|(d, _)| *d == emptied).map(|(_, k)| k.clone()).collect();
        let mut dirty = Vec::new();
        for key in keys {
            let exists_in_emptied = self.dbs[emptied].dict.contains_key(&key);
            let in_replacement = replaced_with.is_some_and(|r| self.dbs[r].dict.contains_key(&key));
            if !exists_in_emptied && !in_replacement {
                continue;
            }
            let replacement_expired = replaced_with.is_some_and(|r| self.dbs[r].is_expired(&key, now));
            let Some(watchers) = self.watches.keys.get_mut(&(emptied, key.clone())) else { continue };
            for w in watchers.iter_mut() {
                if w.expired {
                    if !in_replacement {
                        w.expired = false;
                        continue;
                    } else if replacement_expired {
                        continue;
                    }
                } else if !exists_in_emptied && replacement_expired {
                    w.expired = true;
                    continue;
                }
                dirty.push(w.token);
            }
        }
        for t in dirty {
            self.mark_dirty_cas(t);
        }
    }
}
