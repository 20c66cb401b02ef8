//! The keyspace hash table; mirrors dict.c.
//!
//! Chained buckets in a power-of-two table, and a second table while
//! resizing: every mutation (and a cron tick) moves a few buckets across, so
//! no single command pays for a whole resize. `scan` uses Redis's
//! reverse-binary cursor, which returns every element present for the whole
//! scan at least once even when the table grows or shrinks in between.
//!
//! Resizing can be switched off globally (`set_resize_allowed(false)`)
//! while a forked child is writing a snapshot: a resize touches every page
//! and would defeat copy-on-write. A table more than `FORCE_RESIZE_RATIO`
//! times over-full resizes anyway.

use crate::types::value::Key;
use crate::util::hash::hash_bytes;
use crate::util::rand::random_u64;
use std::sync::atomic::{AtomicBool, Ordering};

const INITIAL_SIZE: usize = 4;
const FORCE_RESIZE_RATIO: usize = 5;
/// Buckets moved per rehash step (Redis moves 1 per operation, up to 10
/// empty buckets visited).
const REHASH_BUCKETS_PER_STEP: usize = 1;

static RESIZE_ALLOWED: AtomicBool = AtomicBool::new(true);

/// Allows or forbids resizing of every dict (false while a child process
/// holds a copy-on-write image of the dataset).
pub fn set_resize_allowed(allowed: bool) {
    RESIZE_ALLOWED.store(allowed, Ordering::Relaxed);
}

fn resize_allowed() -> bool {
    RESIZE_ALLOWED.load(Ordering::Relaxed)
}

pub struct Entry<V> {
    pub key: Key,
    pub val: V,
    next: Option<Box<Entry<V>>>,
}

type Bucket<V> = Option<Box<Entry<V>>>;

pub struct Dict<V> {
    tables: [Vec<Bucket<V>>; 2],
    used: [usize; 2],
    /// Next bucket of tables[0] to move into tables[1]; None when not rehashing.
    rehash_idx: Option<usize>,
}

impl<V> Default for Dict<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V> Dict<V> {
    pub fn new() -> Self {
        Dict { tables: [Vec::new(), Vec::new()], used: [0, 0], rehash_idx: None }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.used[0] + self.used[1]
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_rehashing(&self) -> bool {
        self.rehash_idx.is_some()
    }

    /// Total buckets in both tables (INFO/MEMORY report these).
    pub fn buckets(&self) -> usize {
        self.tables[0].len() + self.tables[1].len()
    }

    fn empty_table(size: usize) -> Vec<Bucket<V>> {
        let mut t = Vec::with_capacity(size);
        t.resize_with(size, || None);
        t
    }

    #[inline]
    fn find_entry(&self, key: &[u8], hash: u64) -> Option<&Entry<V>> {
        for t in 0..2 {
            let table = &self.tables[t];
            if table.is_empty() {
                continue;
            }
            let mut cur = table[(hash as usize) & (table.len() - 1)].as_deref();
            while let Some(e) = cur {
                if e.key.as_bytes() == key {
                    return Some(e);
                }
                cur = e.next.as_deref();
            }
            if self.rehash_idx.is_none() {
                break;
            }
        }
        None
    }

    #[inline]
    pub fn get(&self, key: &[u8]) -> Option<&V> {
        if self.is_empty() {
            return None;
        }
        self.find_entry(key, hash_bytes(key)).map(|e| &e.val)
    }

    pub fn get_entry(&self, key: &[u8]) -> Option<&Entry<V>> {
        if self.is_empty() {
            return None;
        }
        self.find_entry(key, hash_bytes(key))
    }

    #[inline]
    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        self.get_entry_mut(key).map(|e| &mut e.val)
    }

    /// The entry of `key`, mutable (its value, and its key's LRU clock).
    pub fn get_entry_mut(&mut self, key: &[u8]) -> Option<&mut Entry<V>> {
        if self.is_empty() {
            return None;
        }
        self.rehash_step();
        self.find_mut(key, hash_bytes(key))
    }

    fn find_mut(&mut self, key: &[u8], hash: u64) -> Option<&mut Entry<V>> {
        let rehashing = self.rehash_idx.is_some();
        for table in self.tables.iter_mut() {
            if table.is_empty() {
                continue;
            }
            let idx = (hash as usize) & (table.len() - 1);
            let mut cur = table[idx].as_deref_mut();
            while let Some(e) = cur {
                if e.key.as_bytes() == key {
                    return Some(e);
                }
                cur = e.next.as_deref_mut();
            }
            if !rehashing {
                break;
            }
        }
        None
    }

    /// Links a new entry at the head of its bucket; new entries go to the
    /// table being filled while rehashing.
    fn link_new(&mut self, mut key: Key, val: V, hash: u64) {
        key.set_lru(crate::db::lru_clock());
        self.expand_if_needed();
        let t = if self.rehash_idx.is_some() { 1 } else { 0 };
        let table = &mut self.tables[t];
        let idx = (hash as usize) & (table.len() - 1);
        let next = table[idx].take();
        table[idx] = Some(Box::new(Entry { key, val, next }));
        self.used[t] += 1;
    }

    /// Adds a key known to be absent (the caller looked it up first, as
    /// dbAdd does).
    pub fn insert_new(&mut self, key: Key, val: V) {
        self.rehash_step();
        let hash = hash_bytes(key.as_bytes());
        self.link_new(key, val, hash);
    }

    /// Adds `key` with `val` unless it is present (hashing it once);
    /// returns whether it was added.
    pub fn insert_if_absent(&mut self, key: &[u8], val: V) -> bool {
        self.rehash_step();
        let hash = hash_bytes(key);
        if self.find_mut(key, hash).is_some() {
            return false;
        }
        self.link_new(Key::new(key), val, hash);
        true
    }

    /// Sizes an empty dict for `n` elements at once (dictExpand), so that
    /// filling it with a known count (RDB loading) does not rehash on the way.
    pub fn expand(&mut self, n: usize) {
        if self.used[0] == 0 && self.tables[0].is_empty() {
            self.resize_to(n);
        }
    }

    /// Sets `key` to `val`, returning the previous value; hashes the key once.
    pub fn insert(&mut self, key: &[u8], val: V) -> Option<V> {
        self.rehash_step();
        let hash = hash_bytes(key);
        if let Some(e) = self.find_mut(key, hash) {
            e.key.set_lru(crate::db::lru_clock());
            return Some(std::mem::replace(&mut e.val, val));
        }
        self.link_new(Key::new(key), val, hash);
        None
    }

    pub fn remove(&mut self, key: &[u8]) -> Option<(Key, V)> {
        if self.is_empty() {
            return None;
        }
        self.rehash_step();
        let hash = hash_bytes(key);
        let rehashing = self.rehash_idx.is_some();
        for t in 0..2 {
            let table = &mut self.tables[t];
            if table.is_empty() {
                continue;
            }
            let idx = (hash as usize) & (table.len() - 1);
            let mut link = &mut table[idx];
            while link.as_ref().is_some_and(|e| e.key.as_bytes() != key) {
                link = &mut link.as_mut().unwrap().next;
            }
            if let Some(mut e) = link.take() {
                *link = e.next.take();
                self.used[t] -= 1;
                let Entry { key, val, .. } = *e;
                return Some((key, val));
            }
            if !rehashing {
                break;
            }
        }
        None
    }

    pub fn clear(&mut self) {
        // Unlink chains iteratively: dropping a long chain recursively could
        // overflow the stack.
        for t in 0..2 {
            for b in self.tables[t].iter_mut() {
                let mut cur = b.take();
                while let Some(mut e) = cur {
                    cur = e.next.take();
                }
            }
        }
        self.reset();
    }

    fn reset(&mut self) {
        self.tables = [Vec::new(), Vec::new()];
        self.used = [0, 0];
        self.rehash_idx = None;
    }

    /// Hands the whole table over (FLUSHALL ASYNC frees it on a thread).
    pub fn take(&mut self) -> Dict<V> {
        std::mem::take(self)
    }

    fn expand_if_needed(&mut self) {
        if self.rehash_idx.is_some() {
            return;
        }
        let size = self.tables[0].len();
        if size == 0 {
            self.tables[0] = Self::empty_table(INITIAL_SIZE);
            return;
        }
        let used = self.used[0];
        if used >= size && (resize_allowed() || used / size > FORCE_RESIZE_RATIO) {
            self.resize_to(used + 1);
        }
    }

    /// Starts rehashing into a table sized for `min` elements.
    fn resize_to(&mut self, min: usize) {
        let size = min.max(INITIAL_SIZE).next_power_of_two();
        if self.rehash_idx.is_some() || size == self.tables[0].len() {
            return;
        }
        if self.used[0] == 0 && self.tables[0].is_empty() {
            self.tables[0] = Self::empty_table(size);
            return;
        }
        self.tables[1] = Self::empty_table(size);
        self.rehash_idx = Some(0);
    }

    /// Shrinks a table that is mostly empty (less than 10% full), as
    /// Redis's tryResizeHashTables does from cron.
    pub fn shrink_if_needed(&mut self) {
        let size = self.tables[0].len();
        if self.rehash_idx.is_none() && size > INITIAL_SIZE && resize_allowed() && self.used[0] * 100 / size < 10 {
            if self.used[0] == 0 {
                self.reset();
            } else {
                self.resize_to(self.used[0]);
            }
        }
    }

    /// Moves up to `n` buckets from the old table to the new one. Returns
    /// true while rehashing is still in progress.
    pub fn rehash(&mut self, n: usize) -> bool {
        let Some(mut idx) = self.rehash_idx else { return false };
        let mut empty_visits = n * 10;
        let mut moved = 0;
        while moved < n && self.used[0] > 0 {
            while self.tables[0][idx].is_none() {
                idx += 1;
                empty_visits -= 1;
                if empty_visits == 0 {
                    self.rehash_idx = Some(idx);
                    return true;
                }
            }
            let mut cur = self.tables[0][idx].take();
            let mask = self.tables[1].len() - 1;
            while let Some(mut e) = cur {
                cur = e.next.take();
                let h = hash_bytes(e.key.as_bytes()) as usize & mask;
                e.next = self.tables[1][h].take();
                self.tables[1][h] = Some(e);
                self.used[0] -= 1;
                self.used[1] += 1;
            }
            idx += 1;
            moved += 1;
        }
        if self.used[0] == 0 {
            self.tables[0] = std::mem::take(&mut self.tables[1]);
            self.used = [self.used[1], 0];
            self.rehash_idx = None;
            return false;
        }
        self.rehash_idx = Some(idx);
        true
    }

    #[inline]
    fn rehash_step(&mut self) {
        if self.rehash_idx.is_some() {
            self.rehash(REHASH_BUCKETS_PER_STEP);
        }
    }

    /// Rehashes in batches of 100 buckets for about `ms` milliseconds
    /// (cron's active rehashing).
    pub fn rehash_for(&mut self, ms: u64) -> bool {
        let start = std::time::Instant::now();
        while self.rehash(100) {
            if start.elapsed().as_millis() as u64 >= ms {
                return true;
            }
        }
        false
    }

    /// Calls `f` for each element of the bucket(s) addressed by `cursor` and
    /// returns the next cursor (0 when the scan is complete). Mirrors dictScan.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&Key, &V)) -> u64 {
        if self.is_empty() {
            return 0;
        }
        let mut v = cursor;
        let emit = |table: &Vec<Bucket<V>>, idx: usize, f: &mut dyn FnMut(&Key, &V)| {
            let mut cur = table[idx].as_deref();
            while let Some(e) = cur {
                f(&e.key, &e.val);
                cur = e.next.as_deref();
            }
        };
        if self.rehash_idx.is_none() {
            let t0 = &self.tables[0];
            let m0 = (t0.len() - 1) as u64;
            emit(t0, (v & m0) as usize, &mut f);
            v |= !m0;
            v = v.reverse_bits().wrapping_add(1).reverse_bits();
        } else {
            let (small, large) = if self.tables[0].len() <= self.tables[1].len() {
                (&self.tables[0], &self.tables[1])
            } else {
                (&self.tables[1], &self.tables[0])
            };
            let m0 = (small.len() - 1) as u64;
            let m1 = (large.len() - 1) as u64;
            emit(small, (v & m0) as usize, &mut f);
            loop {
                emit(large, (v & m1) as usize, &mut f);
                v |= !m1;
                v = v.reverse_bits().wrapping_add(1).reverse_bits();
                if v & (m0 ^ m1) == 0 {
                    break;
                }
            }
        }
        v
    }

    /// A random element (RANDOMKEY, eviction and expiry sampling): a random
    /// non-empty bucket, then a random element of its chain.
    pub fn random_entry(&self) -> Option<&Entry<V>> {
        if self.is_empty() {
            return None;
        }
        let bucket = loop {
            let (t, idx) = match self.rehash_idx {
                Some(r) => {
                    let s0 = self.tables[0].len();
                    let total = s0 + self.tables[1].len();
                    // Buckets below rehash_idx in table 0 are known empty.
                    let i = r + (random_u64() as usize) % (total - r);
                    if i >= s0 {
                        (1, i - s0)
                    } else {
                        (0, i)
                    }
                }
                None => (0, (random_u64() as usize) & (self.tables[0].len() - 1)),
            };
            if let Some(b) = self.tables[t][idx].as_deref() {
                break b;
            }
        };
        let mut len = 0;
        let mut cur = Some(bucket);
        while let Some(e) = cur {
            len += 1;
            cur = e.next.as_deref();
        }
        let mut pick = (random_u64() as usize) % len;
        let mut cur = bucket;
        while pick > 0 {
            cur = cur.next.as_deref().unwrap();
            pick -= 1;
        }
        Some(cur)
    }

    pub fn iter(&self) -> Iter<'_, V> {
        Iter { dict: self, table: 0, bucket: 0, cur: None }
    }
}

impl<V> Drop for Dict<V> {
    fn drop(&mut self) {
        if !self.is_empty() {
            self.clear();
        }
    }
}

pub struct Iter<'a, V> {
    dict: &'a Dict<V>,
    table: usize,
    bucket: usize,
    cur: Option<&'a Entry<V>>,
}

impl<'a, V> Iterator for Iter<'a, V> {
    type Item = (&'a Key, &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(e) = self.cur {
                self.cur = e.next.as_deref();
                return Some((&e.key, &e.val));
            }
            if self.table >= 2 {
                return None;
            }
            let t = &self.dict.tables[self.table];
            if self.bucket >= t.len() {
                self.table += 1;
                self.bucket = 0;
                continue;
            }
            self.cur = t[self.bucket].as_deref();
            self.bucket += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn key(i: usize) -> Vec<u8> {
        format!("key:{}", i).into_bytes()
    }

    #[test]
    fn insert_if_absent_adds_once_and_expand_presizes() {
        let mut d: Dict<()> = Dict::new();
        d.expand(100);
        let size = d.tables[0].len();
        assert_eq!(size, 128);
        for i in 0..100 {
            assert!(d.insert_if_absent(format!("m{i}").as_bytes(), ()));
        }
        assert!(!d.insert_if_absent(b"m7", ()));
        assert_eq!(d.len(), 100);
        assert_eq!(d.tables[0].len(), size, "no growth while filling a presized table");
        assert!(d.rehash_idx.is_none());
        d.expand(1000); // not empty: no effect
        assert_eq!(d.tables[0].len(), size);
    }

    #[test]
    fn insert_get_remove() {
        let mut d: Dict<usize> = Dict::new();
        for i in 0..10_000 {
            assert!(d.insert(&key(i), i).is_none());
        }
        assert_eq!(d.len(), 10_000);
        for i in 0..10_000 {
            assert_eq!(d.get(&key(i)), Some(&i));
        }
        assert_eq!(d.insert(&key(5), 55), Some(5));
        for i in (0..10_000).step_by(2) {
            assert!(d.remove(&key(i)).is_some());
        }
        assert_eq!(d.len(), 5_000);
        assert!(d.get(&key(2)).is_none());
        assert_eq!(d.get(&key(3)), Some(&3));
        assert_eq!(d.iter().count(), 5_000);
    }

    #[test]
    fn scan_sees_every_stable_key_across_resizes() {
        let mut d: Dict<usize> = Dict::new();
        for i in 0..1000 {
            d.insert(&key(i), i);
        }
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut round = 0;
        loop {
            cursor = d.scan(cursor, |k, _| {
                seen.insert(k.as_bytes().to_vec());
            });
            // Grow, then shrink, in the middle of the scan.
            round += 1;
            if round == 50 {
                for i in 1000..20_000 {
                    d.insert(&key(i), i);
                }
            }
            if round == 200 {
                for i in 1000..20_000 {
                    d.remove(&key(i));
                }
                d.shrink_if_needed();
            }
            if cursor == 0 {
                break;
            }
        }
        for i in 0..1000 {
            assert!(seen.contains(&key(i)), "missed key {}", i);
        }
    }

    #[test]
    fn shrinks_when_sparse() {
        let mut d: Dict<usize> = Dict::new();
        for i in 0..1000 {
            d.insert(&key(i), i);
        }
        while d.rehash(100) {}
        for i in 0..990 {
            d.remove(&key(i));
        }
        d.shrink_if_needed();
        while d.rehash(100) {}
        assert!(d.buckets() <= 16, "buckets {}", d.buckets());
        assert_eq!(d.len(), 10);
        assert!(d.random_entry().is_some());
    }
}
