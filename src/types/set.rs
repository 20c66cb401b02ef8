//! The set type; mirrors t_set.c's setType* layer and its two encodings.
//!
//! * `intset` while every member is an integer in canonical form (what
//!   string2ll accepts) and there are at most `set-max-intset-entries`
//!   members: a sorted array of integers (`types::intset`), byte-identical
//!   to Redis's so RDB can store it verbatim.
//! * `hashtable` otherwise: the keyspace's incrementally rehashed `Dict`,
//!   keyed by the member with no value. An entry is a 24-byte `Key` (members
//!   up to 19 bytes inline) plus a chain link, 32 bytes, against Redis's
//!   24-byte dictEntry plus a separately allocated sds.
//!
//! Conversion is one way, intset to hashtable, as in Redis 7.0 (which has
//! no set listpack): on a non-integer member, or when an add leaves more
//! than `set-max-intset-entries` members. The only way back is Redis's
//! own: SPOP with a count that rebuilds the remaining members into a fresh
//! set.

use super::intset::Intset;
use crate::db::dict::Dict;
use crate::types::value::Key;
use crate::util::num::{parse_i64_strict, write_i64};
use std::collections::HashSet;

/// Redis caps the intset size at 2^30 whatever the configuration says.
const MAX_INTSET_ENTRIES: usize = 1 << 30;

/// How much bigger than the remaining size SPOP's count may be before it
/// rebuilds the set from the survivors (SPOP_MOVE_STRATEGY_MUL).
const SPOP_MOVE_STRATEGY_MUL: usize = 5;
/// How much bigger than the count the set must be for SRANDMEMBER to
/// sample instead of copying and subtracting (SRANDMEMBER_SUB_STRATEGY_MUL).
const SRANDMEMBER_SUB_STRATEGY_MUL: usize = 3;

/// A member as the encodings hold it: integers of an intset are not
/// strings until someone needs the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Member<'a> {
    Int(i64),
    Bytes(&'a [u8]),
}

impl Member<'_> {
    /// The member's bytes; integers are formatted into `buf`.
    #[inline]
    pub fn bytes<'b>(&'b self, buf: &'b mut [u8; 20]) -> &'b [u8] {
        match self {
            Member::Int(n) => {
                let len = write_i64(*n, buf);
                &buf[..len]
            }
            Member::Bytes(b) => b,
        }
    }

    pub fn to_vec(&self) -> Vec<u8> {
        let mut buf = [0u8; 20];
        self.bytes(&mut buf).to_vec()
    }
}

/// The hashtable encoding, with the heap bytes of its long members kept up
/// to date so that `mem_usage` is O(1) (the lazyfree decision asks it on
/// every delete).
pub struct MemberTable {
    dict: Dict<()>,
    member_heap: usize,
}

impl MemberTable {
    fn new() -> MemberTable {
        MemberTable { dict: Dict::new(), member_heap: 0 }
    }

    fn insert(&mut self, m: &[u8]) -> bool {
        let added = self.dict.insert_if_absent(m, ());
        if added {
            self.member_heap += Key::heap_size_for(m);
        }
        added
    }

    fn remove(&mut self, m: &[u8]) -> bool {
        match self.dict.remove(m) {
            Some((k, ())) => {
                self.member_heap -= k.heap_size();
                // Give memory back after mass removals (htNeedsResize).
                self.dict.shrink_if_needed();
                true
            }
            None => false,
        }
    }
}

pub enum Set {
    Intset(Intset),
    Hashtable(Box<MemberTable>),
}

impl Default for Set {
    fn default() -> Self {
        Set::Intset(Intset::new())
    }
}

impl Clone for Set {
    /// A copy with the same encoding (setTypeDup).
    fn clone(&self) -> Self {
        match self {
            Set::Intset(is) => Set::Intset(is.clone()),
            Set::Hashtable(h) => {
                let mut n = MemberTable::new();
                for (k, _) in h.dict.iter() {
                    n.insert(k.as_bytes());
                }
                Set::Hashtable(Box::new(n))
            }
        }
    }
}

impl std::fmt::Debug for Set {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Set({}) ", self.encoding())?;
        f.debug_set().entries(self.iter().map(|m| String::from_utf8_lossy(&m.to_vec()).into_owned())).finish()
    }
}

impl Set {
    /// An empty set in the intset encoding (createIntsetObject).
    pub fn new() -> Set {
        Set::default()
    }

    /// An empty set in the encoding that can hold `first` (setTypeCreate).
    pub fn for_member(first: &[u8]) -> Set {
        if parse_i64_strict(first).is_some() {
            Set::new()
        } else {
            Set::Hashtable(Box::new(MemberTable::new()))
        }
    }

    /// Adopts an intset read from an RDB payload.
    pub fn from_intset(is: Intset) -> Set {
        Set::Intset(is)
    }

    /// OBJECT ENCODING name.
    pub fn encoding(&self) -> &'static str {
        match self {
            Set::Intset(_) => "intset",
            Set::Hashtable(_) => "hashtable",
        }
    }

    /// The intset, when that is the encoding (RDB writes it verbatim).
    pub fn as_intset(&self) -> Option<&Intset> {
        match self {
            Set::Intset(is) => Some(is),
            Set::Hashtable(_) => None,
        }
    }

    #[inline]
    pub fn len(&self) -> usize {
        match self {
            Set::Intset(is) => is.len(),
            Set::Hashtable(h) => h.dict.len(),
        }
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Heap bytes owned (MEMORY USAGE, the lazyfree threshold): the
    /// allocations themselves, without allocator rounding.
    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<Set>()
            + match self {
                Set::Intset(is) => is.alloc_size(),
                Set::Hashtable(h) => {
                    std::mem::size_of::<MemberTable>()
                        + h.dict.buckets() * std::mem::size_of::<usize>()
                        + h.dict.len() * (std::mem::size_of::<Key>() + std::mem::size_of::<usize>())
                        + h.member_heap
                }
            }
    }

    /// An empty set in the hashtable encoding, sized for `n` members
    /// (RDB loading knows the count; dictExpand).
    pub fn new_hashtable(n: usize) -> Set {
        let mut h = MemberTable::new();
        h.dict.expand(n);
        Set::Hashtable(Box::new(h))
    }

    /// Converts an intset to a hashtable (setTypeConvert).
    pub fn convert_to_hashtable(&mut self) {
        self.convert_to_hashtable_for(0);
    }

    /// `convert_to_hashtable`, with the table sized for `n` members
    /// (RDB loading knows how many are coming).
    pub fn convert_to_hashtable_for(&mut self, n: usize) {
        if let Set::Intset(is) = self {
            let mut h = MemberTable::new();
            h.dict.expand(n.max(is.len()));
            let mut buf = [0u8; 20];
            for v in is.iter() {
                let len = write_i64(v, &mut buf);
                h.insert(&buf[..len]);
            }
            *self = Set::Hashtable(Box::new(h));
        }
    }

    /// Adds a member; false when it was already there (setTypeAdd). An
    /// intset converts when the member is not an integer or when it ends
    /// up with more than `max_intset` members.
    pub fn add(&mut self, m: &[u8], max_intset: usize) -> bool {
        match self {
            Set::Hashtable(h) => h.insert(m),
            Set::Intset(is) => match parse_i64_strict(m) {
                Some(v) => {
                    if !is.insert(v) {
                        return false;
                    }
                    if is.len() > max_intset.min(MAX_INTSET_ENTRIES) {
                        self.convert_to_hashtable();
                    }
                    true
                }
                None => {
                    self.convert_to_hashtable();
                    self.add(m, max_intset)
                }
            },
        }
    }

    /// Adds a member given as a `Member` (integers skip formatting when the
    /// set is an intset).
    pub fn add_member(&mut self, m: Member, max_intset: usize) -> bool {
        match (m, &mut *self) {
            (Member::Int(v), Set::Intset(is)) => {
                if !is.insert(v) {
                    return false;
                }
                if is.len() > max_intset.min(MAX_INTSET_ENTRIES) {
                    self.convert_to_hashtable();
                }
                true
            }
            _ => {
                let mut buf = [0u8; 20];
                self.add(m.bytes(&mut buf), max_intset)
            }
        }
    }

    /// Removes a member; false when it was not there (setTypeRemove).
    pub fn remove(&mut self, m: &[u8]) -> bool {
        match self {
            Set::Hashtable(h) => h.remove(m),
            Set::Intset(is) => parse_i64_strict(m).is_some_and(|v| is.remove(v)),
        }
    }

    /// Removes a member of another set (integers skip formatting when
    /// this set is an intset).
    pub fn remove_member(&mut self, m: Member) -> bool {
        match (m, &mut *self) {
            (Member::Int(v), Set::Intset(is)) => is.remove(v),
            _ => {
                let mut buf = [0u8; 20];
                self.remove(m.bytes(&mut buf))
            }
        }
    }

    /// Membership test (setTypeIsMember).
    pub fn contains(&self, m: &[u8]) -> bool {
        match self {
            Set::Hashtable(h) => h.dict.contains_key(m),
            Set::Intset(is) => parse_i64_strict(m).is_some_and(|v| is.contains(v)),
        }
    }

    /// Membership of a member of another set: intset against intset
    /// compares integers directly.
    pub fn contains_member(&self, m: Member) -> bool {
        match (m, self) {
            (Member::Int(v), Set::Intset(is)) => is.contains(v),
            (Member::Int(v), Set::Hashtable(h)) => {
                let mut buf = [0u8; 20];
                let len = write_i64(v, &mut buf);
                h.dict.contains_key(&buf[..len])
            }
            (Member::Bytes(b), _) => self.contains(b),
        }
    }

    /// Every member: increasing order for an intset, table order for a
    /// hashtable.
    pub fn iter(&self) -> Iter<'_> {
        match self {
            Set::Intset(is) => Iter::Int(is, 0),
            Set::Hashtable(h) => Iter::Hash(h.dict.iter()),
        }
    }

    /// A random member (setTypeRandomElement); None when empty.
    pub fn random(&self) -> Option<Member<'_>> {
        match self {
            Set::Intset(is) => is.random().map(Member::Int),
            Set::Hashtable(h) => h.dict.random_entry().map(|e| Member::Bytes(e.key.as_bytes())),
        }
    }

    /// Removes and returns a random member (SPOP without a count).
    pub fn pop_random(&mut self) -> Option<Vec<u8>> {
        let m = self.random()?.to_vec();
        self.remove(&m);
        Some(m)
    }

    /// Removes `count` random members, 0 < count < len, and returns them
    /// (spopWithCountCommand's cases 2 and 3). When few members are taken
    /// they are picked and removed one by one; when most are taken, the
    /// survivors are picked into a new set, which replaces this one (and
    /// may be an intset again), and everything else is returned.
    pub fn pop_many(&mut self, count: usize, max_intset: usize) -> Vec<Vec<u8>> {
        let size = self.len();
        debug_assert!(count > 0 && count < size);
        let remaining = size - count;
        if remaining * SPOP_MOVE_STRATEGY_MUL > count {
            return (0..count).filter_map(|_| self.pop_random()).collect();
        }
        let mut newset: Option<Set> = None;
        for _ in 0..remaining {
            let m = self.random().expect("set is not empty").to_vec();
            newset.get_or_insert_with(|| Set::for_member(&m)).add(&m, max_intset);
            self.remove(&m);
        }
        let popped = self.iter().map(|m| m.to_vec()).collect();
        *self = newset.unwrap_or_default();
        popped
    }

    /// `count` distinct random members, count < len (the positive-count
    /// cases 3 and 4 of srandmemberWithCountCommand). When the count is
    /// close to the size, every member is copied and random ones are
    /// dropped; otherwise random members are drawn until enough distinct
    /// ones were seen. Order is unspecified, as in Redis.
    pub fn random_distinct(&self, count: usize) -> Vec<Member<'_>> {
        let size = self.len();
        debug_assert!(count < size);
        if count * SRANDMEMBER_SUB_STRATEGY_MUL > size {
            let mut all: Vec<Member> = self.iter().collect();
            while all.len() > count {
                let i = (crate::util::rand::random_u64() % all.len() as u64) as usize;
                all.swap_remove(i);
            }
            return all;
        }
        let mut seen = HashSet::with_capacity(count);
        let mut out = Vec::with_capacity(count);
        while out.len() < count {
            let m = self.random().expect("set is not empty");
            if seen.insert(m) {
                out.push(m);
            }
        }
        out
    }

    /// One SSCAN step: calls `f` for the members under `cursor` and returns
    /// the next cursor. An intset is returned whole with cursor 0, as Redis
    /// does for its compact encodings.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(Member)) -> u64 {
        match self {
            Set::Intset(is) => {
                is.iter().for_each(|v| f(Member::Int(v)));
                0
            }
            Set::Hashtable(h) => h.dict.scan(cursor, |k, _| f(Member::Bytes(k.as_bytes()))),
        }
    }
}

pub enum Iter<'a> {
    Int(&'a Intset, usize),
    Hash(crate::db::dict::Iter<'a, ()>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = Member<'a>;

    #[inline]
    fn next(&mut self) -> Option<Member<'a>> {
        match self {
            Iter::Int(is, i) => {
                let v = is.get(*i)?;
                *i += 1;
                Some(Member::Int(v))
            }
            Iter::Hash(it) => it.next().map(|(k, _)| Member::Bytes(k.as_bytes())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(s: &Set) -> Vec<Vec<u8>> {
        let mut v: Vec<Vec<u8>> = s.iter().map(|m| m.to_vec()).collect();
        v.sort();
        v
    }

    #[test]
    fn stays_small() {
        assert!(std::mem::size_of::<Set>() <= 16, "{}", std::mem::size_of::<Set>());
    }

    #[test]
    fn intset_until_threshold() {
        let mut s = Set::new();
        for i in 0..512 {
            assert!(s.add(i.to_string().as_bytes(), 512));
        }
        assert_eq!(s.encoding(), "intset");
        assert!(!s.add(b"7", 512));
        assert_eq!(s.encoding(), "intset");
        assert!(s.add(b"512", 512));
        assert_eq!(s.encoding(), "hashtable");
        assert_eq!(s.len(), 513);
        assert!(s.contains(b"0") && s.contains(b"512") && !s.contains(b"513"));
        // Non-canonical integers are strings.
        let mut s = Set::new();
        s.add(b"1", 512);
        s.add(b"01", 512);
        assert_eq!(s.encoding(), "hashtable");
        assert_eq!(members(&s), [b"01".to_vec(), b"1".to_vec()]);
        assert!(Set::for_member(b"x").encoding() == "hashtable");
        assert!(Set::for_member(b"-5").encoding() == "intset");
    }

    #[test]
    fn members_across_encodings() {
        let mut s = Set::new();
        for m in ["3", "-1", "2"] {
            s.add(m.as_bytes(), 512);
        }
        assert_eq!(s.iter().map(|m| m.to_vec()).collect::<Vec<_>>(), [b"-1".to_vec(), b"2".to_vec(), b"3".to_vec()]);
        assert!(s.remove(b"2") && !s.remove(b"2") && !s.remove(b"x"));
        assert!(s.contains_member(Member::Int(3)) && !s.contains_member(Member::Bytes(b"03")));
        s.add(b"abc", 512);
        assert!(s.contains_member(Member::Int(3)) && s.contains_member(Member::Bytes(b"abc")));
        assert_eq!(members(&s), [b"-1".to_vec(), b"3".to_vec(), b"abc".to_vec()]);
        let c = s.clone();
        assert_eq!((c.encoding(), members(&c)), ("hashtable", members(&s)));
    }

    #[test]
    fn pop_many_both_strategies() {
        for (size, count) in [(100usize, 10usize), (100, 95), (1000, 999)] {
            let mut s = Set::new();
            for i in 0..size {
                s.add(format!("m{}", i).as_bytes(), 512);
            }
            let popped = s.pop_many(count, 512);
            assert_eq!(popped.len(), count);
            assert_eq!(s.len(), size - count);
            let distinct: HashSet<_> = popped.iter().collect();
            assert_eq!(distinct.len(), count);
            for p in &popped {
                assert!(!s.contains(p));
            }
        }
        // Survivors rebuilt into a fresh set: integers become an intset again.
        let mut s = Set::new();
        for i in 0..1000 {
            s.add(i.to_string().as_bytes(), 512);
        }
        assert_eq!(s.encoding(), "hashtable");
        s.pop_many(900, 512);
        assert_eq!((s.encoding(), s.len()), ("intset", 100));
    }

    #[test]
    fn random_distinct_both_strategies() {
        let mut s = Set::new();
        for i in 0..300 {
            s.add(format!("m{}", i).as_bytes(), 512);
        }
        for count in [1, 50, 99, 100, 101, 299] {
            let r = s.random_distinct(count);
            assert_eq!(r.len(), count);
            let distinct: HashSet<_> = r.iter().map(|m| m.to_vec()).collect();
            assert_eq!(distinct.len(), count);
            assert!(distinct.iter().all(|m| s.contains(m)));
        }
    }

    #[test]
    fn mem_usage_tracks_members() {
        let mut s = Set::new();
        s.add(b"1", 512);
        let small = s.mem_usage();
        assert_eq!(small, std::mem::size_of::<Set>() + 10);
        s.add(&[b'x'; 100], 512);
        let before = s.mem_usage();
        s.add(&[b'y'; 100], 512);
        assert!(s.mem_usage() >= before + 100 + 32);
        s.remove(&[b'y'; 100]);
        assert_eq!(s.mem_usage(), before);
    }
}
