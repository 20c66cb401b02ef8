//! The hash type; mirrors t_hash.c's hashType* layer and its two encodings.
//!
//! * `listpack` while the hash has at most `hash-max-listpack-entries`
//!   fields and no field or value is longer than `hash-max-listpack-value`
//!   bytes: field, value, field, value... in one byte-exact Redis listpack
//!   (`types::listpack`), so RDB type 16 stores it verbatim.
//! * `hashtable` otherwise: the keyspace's incrementally rehashed `Dict`,
//!   field → value. A field is a 24-byte `Key` (fields up to 19 bytes
//!   inline) and a value a 16-byte `Value` (integers and strings up to 14
//!   bytes inline), so an entry is 48 bytes with its chain link and usually
//!   no other allocation, against Redis's 24-byte dictEntry plus two sds
//!   allocations.
//!
//! Conversion is one way, listpack to hashtable, as in Redis: before a
//! write whose arguments are too long (hashTypeTryConversion), and after a
//! write that leaves too many fields (hashTypeSet).

use super::listpack::{as_int, Listpack, LpValue};
use super::value::{Key, Value};
use crate::db::dict::Dict;
use crate::util::rand::random_u64;
use std::collections::HashSet;

/// lpSafeToAdd: a listpack never grows past 1 GB.
const LISTPACK_MAX_SAFETY_SIZE: usize = 1 << 30;

/// How much bigger than the count the hash must be for HRANDFIELD to
/// sample instead of copying and subtracting (HRANDFIELD_SUB_STRATEGY_MUL).
const HRANDFIELD_SUB_STRATEGY_MUL: usize = 3;

/// The hashtable encoding, with the heap bytes of long fields and values
/// kept up to date so that `mem_usage` is O(1) (the lazyfree decision asks
/// it on every delete).
pub struct FieldTable {
    dict: Dict<Value>,
    heap: usize,
}

impl FieldTable {
    fn new() -> FieldTable {
        FieldTable { dict: Dict::new(), heap: 0 }
    }

    /// Sets `field` to `value`; true when the field is new.
    fn set(&mut self, field: &[u8], value: &[u8]) -> bool {
        let v = Value::from_bytes(value);
        self.heap += v.heap_size();
        match self.dict.get_mut(field) {
            Some(old) => {
                self.heap -= old.heap_size();
                *old = v;
                false
            }
            None => {
                let k = Key::new(field);
                self.heap += k.heap_size();
                self.dict.insert_new(k, v);
                true
            }
        }
    }

    fn remove(&mut self, field: &[u8]) -> bool {
        match self.dict.remove(field) {
            Some((k, v)) => {
                self.heap -= k.heap_size() + v.heap_size();
                // Give memory back after mass removals (htNeedsResize).
                self.dict.shrink_if_needed();
                true
            }
            None => false,
        }
    }
}

/// A hash value as the encodings hold it: integers of a listpack and
/// integer-encoded table values are not strings until someone needs the
/// bytes (`LpValue::as_bytes`, `to_vec`, `str_len`).
pub type Elem<'a> = LpValue<'a>;

/// A stored value as an element.
#[inline]
fn value_elem(v: &Value) -> Elem<'_> {
    match v {
        Value::Int(n) => LpValue::Int(*n),
        Value::Emb { len, data } => LpValue::Str(&data[..*len as usize]),
        Value::Str(s) => LpValue::Str(s.as_bytes()),
        _ => unreachable!("hash values are strings"),
    }
}

pub enum Hash {
    Listpack(Listpack),
    Hashtable(Box<FieldTable>),
}

impl Default for Hash {
    fn default() -> Self {
        Hash::Listpack(Listpack::new())
    }
}

impl Clone for Hash {
    /// A copy with the same encoding (hashTypeDup).
    fn clone(&self) -> Self {
        match self {
            Hash::Listpack(lp) => Hash::Listpack(lp.clone()),
            Hash::Hashtable(t) => {
                let mut n = FieldTable::new();
                let mut buf = [0u8; 20];
                for (k, v) in t.dict.iter() {
                    n.set(k.as_bytes(), value_elem(v).as_bytes(&mut buf));
                }
                Hash::Hashtable(Box::new(n))
            }
        }
    }
}

impl std::fmt::Debug for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hash({}) ", self.encoding())?;
        f.debug_map()
            .entries(
                self.iter()
                    .map(|(k, v)| (String::from_utf8_lossy(&k.to_vec()).into_owned(), String::from_utf8_lossy(&v.to_vec()).into_owned())),
            )
            .finish()
    }
}

impl Hash {
    /// An empty hash in the listpack encoding (createHashObject).
    pub fn new() -> Hash {
        Hash::default()
    }

    /// Adopts a listpack of field, value pairs read from an RDB payload
    /// (already validated, with an even number of elements).
    pub fn from_listpack(lp: Listpack) -> Hash {
        debug_assert!(lp.len().is_multiple_of(2));
        Hash::Listpack(lp)
    }

    /// A hash holding `pairs`, in the encoding Redis would pick for them
    /// with these thresholds (RDB type 4, the old ziplist/zipmap types).
    /// A repeated field keeps its last value.
    pub fn from_pairs<F, V>(pairs: impl IntoIterator<Item = (F, V)>, max_entries: usize, max_value: usize) -> Hash
    where
        F: AsRef<[u8]>,
        V: AsRef<[u8]>,
    {
        let mut h = Hash::new();
        for (f, v) in pairs {
            h.set(f.as_ref(), v.as_ref(), max_entries, max_value);
        }
        h
    }

    /// OBJECT ENCODING name.
    pub fn encoding(&self) -> &'static str {
        match self {
            Hash::Listpack(_) => "listpack",
            Hash::Hashtable(_) => "hashtable",
        }
    }

    /// The listpack, when that is the encoding (RDB writes it verbatim).
    pub fn as_listpack(&self) -> Option<&Listpack> {
        match self {
            Hash::Listpack(lp) => Some(lp),
            Hash::Hashtable(_) => None,
        }
    }

    /// Number of fields (hashTypeLength).
    #[inline]
    pub fn len(&self) -> usize {
        match self {
            Hash::Listpack(lp) => lp.len() / 2,
            Hash::Hashtable(t) => t.dict.len(),
        }
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Heap bytes owned (MEMORY USAGE, the lazyfree threshold): the
    /// allocations themselves, without allocator rounding.
    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<Hash>()
            + match self {
                Hash::Listpack(lp) => lp.alloc_size(),
                Hash::Hashtable(t) => {
                    std::mem::size_of::<FieldTable>()
                        + t.dict.buckets() * std::mem::size_of::<usize>()
                        + t.dict.len() * (std::mem::size_of::<Key>() + std::mem::size_of::<Value>() + std::mem::size_of::<usize>())
                        + t.heap
                }
            }
    }

    /// Position of the value of `field` in a listpack (lpFind with skip 1
    /// over the fields, then lpNext).
    fn lp_find(lp: &Listpack, field: &[u8]) -> Option<usize> {
        let fi = as_int(field);
        let mut p = lp.first();
        while let Some(fp) = p {
            let vp = lp.next(fp).expect("hash listpack: field without value");
            if lp.get(fp).eq_bytes(field, fi) {
                return Some(vp);
            }
            p = lp.next(vp);
        }
        None
    }

    /// The value of `field` (hashTypeGetValue).
    pub fn get(&self, field: &[u8]) -> Option<Elem<'_>> {
        match self {
            Hash::Listpack(lp) => Self::lp_find(lp, field).map(|vp| lp.get(vp)),
            Hash::Hashtable(t) => t.dict.get(field).map(value_elem),
        }
    }

    /// Is `field` there (hashTypeExists)?
    pub fn contains(&self, field: &[u8]) -> bool {
        match self {
            Hash::Listpack(lp) => Self::lp_find(lp, field).is_some(),
            Hash::Hashtable(t) => t.dict.contains_key(field),
        }
    }

    /// Converts a listpack to a hashtable (hashTypeConvert).
    pub fn convert_to_hashtable(&mut self) {
        if let Hash::Listpack(lp) = self {
            let mut t = FieldTable::new();
            let (mut kb, mut vb) = ([0u8; 20], [0u8; 20]);
            let mut it = lp.iter();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                t.set(k.as_bytes(&mut kb), v.as_bytes(&mut vb));
            }
            *self = Hash::Hashtable(Box::new(t));
        }
    }

    /// hashTypeTryConversion: before a write of `args` (fields and values),
    /// a listpack converts when one of them is longer than `max_value` or
    /// when they would push it past the listpack size limit.
    pub fn try_conversion<'a>(&mut self, args: impl IntoIterator<Item = &'a [u8]>, max_value: usize) {
        let Hash::Listpack(lp) = self else { return };
        let size = lp.size();
        let mut sum = 0usize;
        for a in args {
            if a.len() > max_value {
                self.convert_to_hashtable();
                return;
            }
            sum += a.len();
        }
        if size + sum > LISTPACK_MAX_SAFETY_SIZE {
            self.convert_to_hashtable();
        }
    }

    /// Sets `field` to `value`; true when the field is new (hashTypeSet
    /// returns the opposite: "update"). A listpack converts first when
    /// either is longer than `max_value`, and afterwards when it holds more
    /// than `max_entries` fields.
    pub fn set(&mut self, field: &[u8], value: &[u8], max_entries: usize, max_value: usize) -> bool {
        if matches!(self, Hash::Listpack(_)) && (field.len() > max_value || value.len() > max_value) {
            self.convert_to_hashtable();
        }
        match self {
            Hash::Listpack(lp) => {
                if let Some(vp) = Self::lp_find(lp, field) {
                    lp.replace(vp, value);
                    return false;
                }
                lp.append(field);
                lp.append(value);
                if lp.len() / 2 > max_entries {
                    self.convert_to_hashtable();
                }
                true
            }
            Hash::Hashtable(t) => t.set(field, value),
        }
    }

    /// Removes `field`; false when it was not there (hashTypeDelete).
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match self {
            Hash::Listpack(lp) => match Self::lp_find(lp, field) {
                Some(vp) => {
                    let fp = lp.prev(vp).expect("hash listpack: value without field");
                    lp.delete_range_at(fp, 2);
                    true
                }
                None => false,
            },
            Hash::Hashtable(t) => t.remove(field),
        }
    }

    /// Every (field, value): insertion order for a listpack, table order
    /// for a hashtable.
    pub fn iter(&self) -> Iter<'_> {
        match self {
            Hash::Listpack(lp) => Iter::Lp(lp.iter()),
            Hash::Hashtable(t) => Iter::Table(t.dict.iter()),
        }
    }

    /// The pair at listpack pair index `i`.
    fn lp_pair(lp: &Listpack, i: usize) -> (Elem<'_>, Elem<'_>) {
        let fp = lp.seek(2 * i as i64).expect("pair index within the listpack");
        let vp = lp.next(fp).expect("hash listpack: field without value");
        (lp.get(fp), lp.get(vp))
    }

    /// A random (field, value) (hashTypeRandomElement); None when empty.
    pub fn random(&self) -> Option<(Elem<'_>, Elem<'_>)> {
        match self {
            Hash::Listpack(lp) => {
                let n = lp.len() / 2;
                if n == 0 {
                    return None;
                }
                Some(Self::lp_pair(lp, (random_u64() % n as u64) as usize))
            }
            Hash::Hashtable(t) => t.dict.random_entry().map(|e| (LpValue::Str(e.key.as_bytes()), value_elem(&e.val))),
        }
    }

    /// `count` random pairs that may repeat (HRANDFIELD with a negative
    /// count; lpRandomPairs for a listpack). The listpack is walked once
    /// per batch instead of once per pick.
    pub fn random_pairs(&self, count: usize, mut f: impl FnMut(Elem<'_>, Elem<'_>)) {
        match self {
            Hash::Listpack(lp) => {
                let n = (lp.len() / 2) as u64;
                if n == 0 {
                    return;
                }
                // Sorted picks, resolved in one walk, emitted in pick order.
                let mut left = count;
                while left > 0 {
                    let batch = left.min(1000);
                    left -= batch;
                    let mut picks: Vec<(usize, usize)> = (0..batch).map(|i| ((random_u64() % n) as usize, i)).collect();
                    picks.sort_unstable();
                    let mut out: Vec<(Elem, Elem)> = vec![(LpValue::Int(0), LpValue::Int(0)); batch];
                    let mut it = lp.iter();
                    let mut at = 0usize;
                    let mut cur = (it.next(), it.next());
                    for (idx, slot) in picks {
                        while at < idx {
                            cur = (it.next(), it.next());
                            at += 1;
                        }
                        out[slot] = (cur.0.expect("pick within the listpack"), cur.1.expect("value"));
                    }
                    for (k, v) in out {
                        f(k, v);
                    }
                }
            }
            Hash::Hashtable(_) => {
                for _ in 0..count {
                    let (k, v) = self.random().expect("stored hashes are never empty");
                    f(k, v);
                }
            }
        }
    }

    /// `count` distinct random pairs, count < len (HRANDFIELD with a
    /// positive count, cases 2.5, 3 and 4 of hrandfieldWithCountCommand). A
    /// listpack is sampled in one pass and returned in its own order
    /// (lpRandomPairsUnique); a hashtable is copied and thinned when the
    /// count is close to its size, else sampled until enough distinct
    /// fields were seen.
    pub fn random_distinct(&self, count: usize) -> Vec<(Elem<'_>, Elem<'_>)> {
        let size = self.len();
        debug_assert!(count < size);
        match self {
            Hash::Listpack(lp) => {
                // Selection sampling (Knuth's algorithm S).
                let mut out = Vec::with_capacity(count);
                let mut it = lp.iter();
                let mut remaining = size;
                while out.len() < count {
                    let (k, v) = (it.next().expect("field"), it.next().expect("value"));
                    let needed = count - out.len();
                    if (random_u64() % remaining as u64) < needed as u64 {
                        out.push((k, v));
                    }
                    remaining -= 1;
                }
                out
            }
            Hash::Hashtable(_) => {
                if count * HRANDFIELD_SUB_STRATEGY_MUL > size {
                    let mut all: Vec<(Elem, Elem)> = self.iter().collect();
                    while all.len() > count {
                        let i = (random_u64() % all.len() as u64) as usize;
                        all.swap_remove(i);
                    }
                    return all;
                }
                let mut seen = HashSet::with_capacity(count);
                let mut out = Vec::with_capacity(count);
                while out.len() < count {
                    let (k, v) = self.random().expect("stored hashes are never empty");
                    let LpValue::Str(field) = k else { unreachable!("table fields are bytes") };
                    if seen.insert(field) {
                        out.push((k, v));
                    }
                }
                out
            }
        }
    }

    /// One HSCAN step: calls `f` for the pairs under `cursor` and returns
    /// the next cursor. A listpack is returned whole with cursor 0, as
    /// Redis does for its compact encodings.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(Elem<'_>, Elem<'_>)) -> u64 {
        match self {
            Hash::Listpack(_) => {
                self.iter().for_each(|(k, v)| f(k, v));
                0
            }
            Hash::Hashtable(t) => t.dict.scan(cursor, |k, v| f(LpValue::Str(k.as_bytes()), value_elem(v))),
        }
    }
}

pub enum Iter<'a> {
    Lp(super::listpack::Iter<'a>),
    Table(crate::db::dict::Iter<'a, Value>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (Elem<'a>, Elem<'a>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Lp(it) => {
                let k = it.next()?;
                Some((k, it.next().expect("hash listpack: field without value")))
            }
            Iter::Table(it) => it.next().map(|(k, v)| (LpValue::Str(k.as_bytes()), value_elem(v))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::rand::TestRng;

    fn pairs(h: &Hash) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut v: Vec<_> = h.iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect();
        v.sort();
        v
    }

    /// A hash listpack from a file may repeat a field when
    /// sanitize-dump-payload is off: every operation runs without a panic,
    /// and the hashtable made from it keeps each field once, with its
    /// last value.
    #[test]
    fn repeated_fields_never_panic() {
        let mut rng = TestRng(0x2545_f491_4f6c_dd1du64);
        let mut rnd = |n: usize| rng.below(n);
        for _ in 0..400 {
            let mut items = Vec::new();
            for _ in 0..rnd(10) {
                items.push(format!("f{}", rnd(4)));
                items.push(format!("{}", rnd(100)));
            }
            let mut h = Hash::from_listpack(Listpack::from_items(&items));
            for _ in 0..12 {
                let f = format!("f{}", rnd(6));
                let f = f.as_bytes();
                let len = h.len();
                match rnd(9) {
                    0 => {
                        h.set(f, b"v", 6, 64);
                    }
                    1 => {
                        h.remove(f);
                    }
                    2 => {
                        let _ = (h.get(f), h.contains(f), h.random());
                    }
                    3 if len > 0 => {
                        let (count, mut n) = (rnd(5), 0);
                        h.random_pairs(count, |_, _| n += 1);
                        assert_eq!(n, count);
                    }
                    4 if len > 1 => assert_eq!(h.random_distinct(len - 1).len(), len - 1),
                    5 => h.convert_to_hashtable(),
                    6 => h = h.clone(),
                    7 => h.try_conversion([&b"x"[..]], 64),
                    _ => assert_eq!(h.iter().count(), len),
                }
            }
            let want: std::collections::HashMap<Vec<u8>, Vec<u8>> = h.iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect();
            h.convert_to_hashtable();
            assert_eq!(h.len(), want.len());
            for (k, v) in &want {
                assert_eq!(h.get(k).map(|e| e.to_vec()).as_ref(), Some(v));
            }
        }
    }

    #[test]
    fn stays_small() {
        // A boxed Hash then fits jemalloc's 16-byte class, like Redis's robj.
        assert_eq!(std::mem::size_of::<Hash>(), 16);
    }

    #[test]
    fn listpack_until_thresholds() {
        let mut h = Hash::new();
        for i in 0..128 {
            assert!(h.set(format!("f{}", i).as_bytes(), b"v", 128, 64));
        }
        assert_eq!((h.encoding(), h.len()), ("listpack", 128));
        assert!(!h.set(b"f0", b"w", 128, 64));
        assert_eq!(h.get(b"f0"), Some(LpValue::Str(b"w")));
        assert!(h.set(b"f128", b"v", 128, 64));
        assert_eq!((h.encoding(), h.len()), ("hashtable", 129));
        assert_eq!(h.get(b"f0").unwrap().to_vec(), b"w");
        // Value length: 64 stays, 65 converts.
        let mut h = Hash::new();
        h.set(b"a", &[b'x'; 64], 128, 64);
        assert_eq!(h.encoding(), "listpack");
        h.set(b"b", &[b'x'; 65], 128, 64);
        assert_eq!(h.encoding(), "hashtable");
        let mut h = Hash::new();
        h.try_conversion([&b"f"[..], &[b'y'; 65][..]], 64);
        assert_eq!(h.encoding(), "hashtable");
    }

    #[test]
    fn integers_round_trip_in_both_encodings() {
        for max_entries in [128, 0] {
            let mut h = Hash::new();
            for (f, v) in [("1", "-5"), ("01", "007"), ("x", "9223372036854775807"), ("y", "")] {
                h.set(f.as_bytes(), v.as_bytes(), max_entries, 64);
            }
            assert_eq!(h.get(b"1").unwrap().to_vec(), b"-5");
            assert_eq!(h.get(b"01").unwrap().to_vec(), b"007");
            assert_eq!(h.get(b"y").unwrap().to_vec(), b"");
            assert!(h.get(b"001").is_none());
            assert!(h.remove(b"1") && !h.remove(b"1"));
            assert_eq!(h.len(), 3);
            let c = h.clone();
            assert_eq!((c.encoding(), pairs(&c)), (h.encoding(), pairs(&h)));
        }
    }

    #[test]
    fn from_pairs_picks_the_encoding() {
        let h = Hash::from_pairs([("a", "1"), ("b", "2"), ("a", "3")], 128, 64);
        assert_eq!((h.encoding(), pairs(&h)), ("listpack", vec![(b"a".to_vec(), b"3".to_vec()), (b"b".to_vec(), b"2".to_vec())]));
        let h = Hash::from_pairs((0..200).map(|i| (i.to_string(), "v")), 128, 64);
        assert_eq!((h.encoding(), h.len()), ("hashtable", 200));
        let lp = Listpack::from_items(&["f", "v", "g", "w"]);
        let h = Hash::from_listpack(lp.clone());
        assert_eq!(h.as_listpack(), Some(&lp));
        assert_eq!(h.get(b"g"), Some(LpValue::Str(b"w")));
    }

    #[test]
    fn random_pairs_and_distinct() {
        for max_entries in [128usize, 0] {
            let mut h = Hash::new();
            for i in 0..100 {
                h.set(format!("f{}", i).as_bytes(), format!("v{}", i).as_bytes(), max_entries, 64);
            }
            for count in [1, 10, 40, 99] {
                let got = h.random_distinct(count);
                let distinct: HashSet<_> = got.iter().map(|(k, _)| k.to_vec()).collect();
                assert_eq!(distinct.len(), count);
                for (k, v) in got {
                    assert_eq!(h.get(&k.to_vec()), Some(v));
                }
            }
            let mut n = 0;
            h.random_pairs(2500, |k, v| {
                assert_eq!(h.get(&k.to_vec()), Some(v));
                n += 1;
            });
            assert_eq!(n, 2500);
        }
    }

    #[test]
    fn mem_usage_tracks_fields() {
        let mut h = Hash::new();
        h.set(b"a", b"1", 0, 64);
        let before = h.mem_usage();
        h.set(&[b'f'; 100], &[b'v'; 100], 0, 64);
        assert!(h.mem_usage() >= before + 200 + 48);
        h.remove(&[b'f'; 100]);
        assert_eq!(h.mem_usage(), before);
    }
}
