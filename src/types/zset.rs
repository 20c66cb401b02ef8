//! The sorted set type; mirrors t_zset.c's two encodings.
//!
//! * `listpack` while the set has at most `zset-max-listpack-entries`
//!   members of at most `zset-max-listpack-value` bytes: a real Redis
//!   listpack (`types::listpack`) holding `member, score, member, score...`
//!   sorted by score then member bytes, the score written as Redis's
//!   d2string writes it (an integer when it is one, else "%.17g", "inf",
//!   "-inf", "-0"), so that RDB type 17 stores it verbatim.
//! * `skiplist` otherwise (the name Redis reports). Instead of a skip list
//!   plus a dict it is three flat pieces, sized for memory per member:
//!   - a slab of `(member, score)` slots (32 bytes each, members up to 19
//!     bytes inline) addressed by a stable `u32` id;
//!   - an order-statistic B+tree of `(score, id)` entries ordered by
//!     (score, member bytes), with subtree counts in the inner nodes: rank,
//!     select, insert and delete are O(log n);
//!   - an open-addressing hash index member → id (linear probing, 32-bit
//!     hash tag kept next to the id so probes rarely touch the slab).
//!
//!   About 65 bytes per member against Redis's ~100 (dictEntry, sds,
//!   skiplist node, bucket). ZSCAN walks the hash index with dictScan's
//!   reverse-binary cursor over home buckets, so the SCAN guarantee (every
//!   member present for the whole scan is returned) holds across resizes.
//!
//! Conversion is one way listpack → skiplist on growth, as in Redis 7.0;
//! the STORE commands build their result and convert it back to a listpack
//! when it is small (zsetConvertToListpackIfNeeded).

use super::listpack::{as_int, Listpack, LpValue};
use crate::types::value::Key;
use crate::util::hash::hash_bytes;
use crate::util::num::{format_g17, parse_plain_decimal};
use crate::util::rand::random_u64;
use std::cmp::Ordering;

/// A member as the encodings hold it (listpacks keep integer-looking
/// members as integers).
pub type Member<'a> = LpValue<'a>;

/// The text Redis 7.0 stores for a score in a listpack (d2string): its
/// integer test comes first, so -0 is written "0".
pub fn score_text(score: f64) -> String {
    if score == 0.0 {
        return "0".into();
    }
    format_g17(score)
}

/// A score read back from a listpack entry (zzlGetScore).
#[inline]
fn lp_score(v: LpValue) -> f64 {
    match v {
        LpValue::Int(n) => n as f64,
        // Only a corrupt listpack holds text that is not a score, or NaN,
        // which no command stores: 0 keeps every comparison meaningful.
        LpValue::Str(s) => parse_plain_decimal(s)
            .or_else(|| std::str::from_utf8(s).ok().and_then(|t| t.parse::<f64>().ok()))
            .filter(|v| !v.is_nan())
            .unwrap_or(0.0),
    }
}

/// Compares a listpack member with `m` as bytes (zzlCompareElements).
#[inline]
fn cmp_member(v: LpValue, m: &[u8]) -> Ordering {
    let mut buf = [0u8; 20];
    v.as_bytes(&mut buf).cmp(m)
}

/// ZADD's options as zsetAdd sees them.
#[derive(Clone, Copy, Default, Debug)]
pub struct AddFlags {
    pub incr: bool,
    pub nx: bool,
    pub xx: bool,
    pub gt: bool,
    pub lt: bool,
}

/// What zsetAdd did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AddOutcome {
    Added(f64),
    Updated(f64),
    /// The member already had that score (it still counts as processed).
    Unchanged(f64),
    /// Nothing done (NX on an existing member, XX on a missing one, GT/LT).
    Nop,
    /// The increment gave NaN.
    Nan,
}

/// Thresholds of the packed encoding (zset-max-listpack-*).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub entries: usize,
    pub value: usize,
}

pub enum ZSet {
    Listpack(Listpack),
    SkipList(Box<SkipList>),
}

impl Default for ZSet {
    fn default() -> Self {
        ZSet::Listpack(Listpack::new())
    }
}

impl Clone for ZSet {
    /// A copy with the same encoding (zsetDup).
    fn clone(&self) -> Self {
        match self {
            ZSet::Listpack(lp) => ZSet::Listpack(lp.clone()),
            ZSet::SkipList(s) => {
                let mut n = SkipList::new();
                s.for_each(|m, sc| n.push_max(m, sc));
                ZSet::SkipList(Box::new(n))
            }
        }
    }
}

impl std::fmt::Debug for ZSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ZSet({}) ", self.encoding())?;
        let mut l = f.debug_list();
        self.for_each(|m, s| {
            l.entry(&(String::from_utf8_lossy(&m.to_vec()).into_owned(), s));
        });
        l.finish()
    }
}

impl ZSet {
    /// An empty sorted set in the listpack encoding (createZsetListpackObject).
    pub fn new() -> ZSet {
        ZSet::default()
    }

    /// An empty sorted set in the skiplist encoding (createZsetObject).
    pub fn new_skiplist() -> ZSet {
        ZSet::SkipList(Box::default())
    }

    /// The empty set ZADD creates for a new key whose first member is
    /// `first_len` bytes long (zaddGenericCommand in 7.0 looks only at it).
    pub fn for_first_member(first_len: usize, limits: Limits) -> ZSet {
        if limits.entries == 0 || first_len > limits.value {
            ZSet::new_skiplist()
        } else {
            ZSet::new()
        }
    }

    /// Adopts a structurally valid listpack of member, score pairs read
    /// from an RDB payload. As in Redis the pairs are not checked for
    /// order, repeats or scores that parse: what a file holds there makes
    /// answers wrong, never a panic (`lp_score`, `convert_to_skiplist`).
    pub fn from_listpack(lp: Listpack) -> ZSet {
        ZSet::Listpack(lp)
    }

    /// A set from (member, score) pairs in any order (RDB types 3 and 5,
    /// which Redis writes from the greatest to the smallest), in the
    /// encoding the limits call for. A repeated member keeps its last score.
    pub fn from_pairs<M: AsRef<[u8]>>(pairs: impl IntoIterator<Item = (M, f64)>, limits: Limits) -> ZSet {
        let mut z = ZSet::new_skiplist();
        let mut maxlen = 0;
        for (m, s) in pairs {
            let m = m.as_ref();
            maxlen = maxlen.max(m.len());
            let ZSet::SkipList(sl) = &mut z else { unreachable!() };
            if sl.score(m).is_some() {
                sl.remove(m);
            }
            sl.insert(m, s);
        }
        z.convert_to_listpack_if_needed(maxlen, limits);
        z
    }

    /// OBJECT ENCODING name.
    pub fn encoding(&self) -> &'static str {
        match self {
            ZSet::Listpack(_) => "listpack",
            ZSet::SkipList(_) => "skiplist",
        }
    }

    /// The listpack, when the set is packed (RDB writes it verbatim).
    pub fn as_listpack(&self) -> Option<&Listpack> {
        match self {
            ZSet::Listpack(lp) => Some(lp),
            ZSet::SkipList(_) => None,
        }
    }

    /// Heap bytes owned (MEMORY USAGE).
    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<ZSet>()
            + match self {
                ZSet::Listpack(lp) => lp.alloc_size(),
                ZSet::SkipList(s) => s.mem_usage(),
            }
    }

    /// Number of members (zsetLength).
    #[inline]
    pub fn len(&self) -> usize {
        match self {
            ZSet::Listpack(lp) => lp.len() / 2,
            ZSet::SkipList(s) => s.len(),
        }
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The score of `member` (zsetScore).
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match self {
            ZSet::Listpack(lp) => lp_find(lp, member).map(|(_, s)| s),
            ZSet::SkipList(s) => s.score(member),
        }
    }

    /// zsetAdd: adds or updates `member` according to `flags`, converting
    /// to the skiplist encoding when the listpack limits would be exceeded.
    pub fn add(&mut self, score: f64, member: &[u8], flags: AddFlags, limits: Limits) -> AddOutcome {
        if score.is_nan() {
            return AddOutcome::Nan;
        }
        let cur = self.score(member);
        let Some(cur) = cur else {
            if flags.xx {
                return AddOutcome::Nop;
            }
            if let ZSet::Listpack(lp) = self {
                if lp.len() / 2 + 1 > limits.entries || member.len() > limits.value {
                    self.convert_to_skiplist();
                } else {
                    lp_insert(lp, member, score);
                    return AddOutcome::Added(score);
                }
            }
            let ZSet::SkipList(s) = self else { unreachable!() };
            s.insert(member, score);
            return AddOutcome::Added(score);
        };
        if flags.nx {
            return AddOutcome::Nop;
        }
        let mut score = score;
        if flags.incr {
            score += cur;
            if score.is_nan() {
                return AddOutcome::Nan;
            }
        }
        if (flags.lt && score >= cur) || (flags.gt && score <= cur) {
            return AddOutcome::Nop;
        }
        if score == cur {
            return AddOutcome::Unchanged(score);
        }
        match self {
            ZSet::Listpack(lp) => {
                let (p, _) = lp_find(lp, member).expect("member found above");
                lp.delete_range_at(p, 2);
                lp_insert(lp, member, score);
            }
            ZSet::SkipList(s) => s.update_score(member, cur, score),
        }
        AddOutcome::Updated(score)
    }

    /// Inserts a member taken from another set, keeping the encoding
    /// rules. It is new unless that set was a corrupt listpack repeating
    /// it (see `from_listpack`); then the later score wins.
    pub fn insert_new(&mut self, member: &[u8], score: f64, limits: Limits) {
        self.add(score, member, AddFlags::default(), limits);
    }

    /// Removes `member` (zsetDel); true when it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match self {
            ZSet::Listpack(lp) => match lp_find(lp, member) {
                Some((p, _)) => {
                    lp.delete_range_at(p, 2);
                    true
                }
                None => false,
            },
            ZSet::SkipList(s) => s.remove(member).is_some(),
        }
    }

    /// 0-based rank of `member`, from the highest score with `rev` (zsetRank).
    pub fn rank(&self, member: &[u8], rev: bool) -> Option<usize> {
        let r = match self {
            ZSet::Listpack(lp) => {
                let mi = as_int(member);
                let mut r = 0;
                let mut p = lp.first();
                loop {
                    let q = p?;
                    if lp.get(q).eq_bytes(member, mi) {
                        break r;
                    }
                    r += 1;
                    p = lp.next(lp.next(q)?);
                }
            }
            ZSet::SkipList(s) => s.rank(member)?,
        };
        Some(if rev { self.len() - 1 - r } else { r })
    }

    /// Number of leading members (in rank order) for which `before` holds;
    /// `before` must be monotone (true then false) for the answer to be
    /// meaningful. Score and lex range bounds are found with it.
    pub fn partition(&self, before: impl Fn(f64, Member) -> bool) -> usize {
        match self {
            ZSet::Listpack(lp) => {
                let mut n = 0;
                let mut p = lp.first();
                while let Some(q) = p {
                    let s = lp.next(q).expect("zset listpack pairs");
                    if !before(lp_score(lp.get(s)), lp.get(q)) {
                        break;
                    }
                    n += 1;
                    p = lp.next(s);
                }
                n
            }
            ZSet::SkipList(s) => s.partition(|e| before(e.score, LpValue::Str(s.member(e.id)))),
        }
    }

    /// Ranks [lo, hi) of the members within a score range.
    pub fn score_range(&self, r: &ScoreRange) -> (usize, usize) {
        let lo = self.partition(|s, _| !r.gte_min(s));
        let hi = self.partition(|s, _| r.lte_max(s)).max(lo);
        (lo, hi)
    }

    /// Ranks [lo, hi) of the members within a lex range (meaningful when
    /// all scores are equal, as Redis documents).
    pub fn lex_range(&self, r: &LexRange) -> (usize, usize) {
        let lo = self.partition(|_, m| {
            let mut b = [0u8; 20];
            !r.gte_min(m.as_bytes(&mut b))
        });
        let hi = self
            .partition(|_, m| {
                let mut b = [0u8; 20];
                r.lte_max(m.as_bytes(&mut b))
            })
            .max(lo);
        (lo, hi)
    }

    /// Iterates (member, score) from rank `start` towards the end, or
    /// towards the start with `rev` (`start` then counts from the top).
    pub fn iter_from(&self, start: usize, rev: bool) -> Iter<'_> {
        let len = self.len();
        if start >= len {
            return Iter::Empty;
        }
        match self {
            ZSet::Listpack(lp) => {
                let idx = if rev { len - 1 - start } else { start };
                Iter::Listpack { lp, pos: lp.seek(2 * idx as i64), rev }
            }
            ZSet::SkipList(s) => {
                let r = if rev { len - 1 - start } else { start };
                Iter::Tree { s, it: s.tree.iter_at(r, rev) }
            }
        }
    }

    /// All members in rank order, as (member, score). This and `len` are
    /// what SORT needs (sortCommand walks a sorted set in rank order, and
    /// with `BY nosort` + LIMIT starts at a rank: use `iter_from`).
    pub fn iter(&self) -> Iter<'_> {
        self.iter_from(0, false)
    }

    /// Calls `f` for each (member, score) in rank order.
    pub fn for_each(&self, mut f: impl FnMut(Member, f64)) {
        for (m, s) in self.iter() {
            f(m, s);
        }
    }

    /// The member at `rank` (0 = lowest score).
    pub fn at_rank(&self, rank: usize) -> Option<(Member<'_>, f64)> {
        self.iter_from(rank, false).next()
    }

    /// Deletes ranks [start, start + n) (zzlDeleteRangeByRank /
    /// zslDeleteRangeByRank). Returns how many went.
    pub fn delete_rank_range(&mut self, start: usize, n: usize) -> usize {
        let n = n.min(self.len().saturating_sub(start));
        if n == 0 {
            return 0;
        }
        match self {
            ZSet::Listpack(lp) => {
                lp.delete_range(2 * start as i64, 2 * n);
            }
            ZSet::SkipList(s) => {
                for _ in 0..n {
                    s.remove_rank(start);
                }
                s.maybe_compact();
            }
        }
        n
    }

    /// Removes and returns the lowest (or with `max` the highest) member.
    pub fn pop(&mut self, max: bool) -> Option<(Vec<u8>, f64)> {
        let len = self.len();
        if len == 0 {
            return None;
        }
        let rank = if max { len - 1 } else { 0 };
        if let ZSet::SkipList(sl) = self {
            return Some(sl.pop_rank(rank));
        }
        let (m, s) = self.at_rank(rank).map(|(m, s)| (m.to_vec(), s))?;
        self.delete_rank_range(rank, 1);
        Some((m, s))
    }

    /// A uniformly chosen member.
    pub fn random(&self) -> Option<(Member<'_>, f64)> {
        let len = self.len();
        if len == 0 {
            return None;
        }
        self.at_rank((random_u64() % len as u64) as usize)
    }

    /// zsetConvert to skiplist.
    pub fn convert_to_skiplist(&mut self) {
        if let ZSet::Listpack(lp) = self {
            let mut s = SkipList::new();
            let mut it = lp.iter();
            while let (Some(m), Some(sc)) = (it.next(), it.next()) {
                s.push_listpack_pair(m, lp_score(sc));
            }
            *self = ZSet::SkipList(Box::new(s));
        }
    }

    /// zsetConvertToListpackIfNeeded: back to a listpack when the set is
    /// small enough (`maxelelen` is the longest member's length).
    pub fn convert_to_listpack_if_needed(&mut self, maxelelen: usize, limits: Limits) {
        if let ZSet::SkipList(s) = self {
            if s.len() <= limits.entries && maxelelen <= limits.value {
                let mut lp = Listpack::new();
                s.for_each(|m, sc| {
                    let mut buf = [0u8; 20];
                    lp.append(m.as_bytes(&mut buf));
                    lp.append(score_text(sc).as_bytes());
                });
                *self = ZSet::Listpack(lp);
            }
        }
    }

    /// One ZSCAN step: calls `f` for the members under `cursor`, returns
    /// the next cursor. A listpack is returned whole with cursor 0.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(Member, f64)) -> u64 {
        match self {
            ZSet::Listpack(_) => {
                self.for_each(f);
                0
            }
            ZSet::SkipList(s) => s.scan(cursor, |m, sc| f(LpValue::Str(m), sc)),
        }
    }
}

/// Iterates a sorted set in rank order (either direction).
pub enum Iter<'a> {
    Empty,
    Listpack { lp: &'a Listpack, pos: Option<usize>, rev: bool },
    Tree { s: &'a SkipList, it: TreeIter<'a> },
}

impl<'a> Iterator for Iter<'a> {
    type Item = (Member<'a>, f64);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Empty => None,
            Iter::Listpack { lp, pos, rev } => {
                let p = (*pos)?;
                let sp = lp.next(p).expect("zset listpack pairs");
                *pos = if *rev { lp.prev(p).and_then(|q| lp.prev(q)) } else { lp.next(sp) };
                Some((lp.get(p), lp_score(lp.get(sp))))
            }
            Iter::Tree { s, it } => {
                let e = it.next()?;
                Some((LpValue::Str(s.member(e.id)), e.score))
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Listpack helpers (zzl*)

/// zzlFind: position of `member` and its score.
fn lp_find(lp: &Listpack, member: &[u8]) -> Option<(usize, f64)> {
    let mi = as_int(member);
    let mut p = lp.first();
    while let Some(q) = p {
        let s = lp.next(q).expect("zset listpack pairs");
        if lp.get(q).eq_bytes(member, mi) {
            return Some((q, lp_score(lp.get(s))));
        }
        p = lp.next(s);
    }
    None
}

/// zzlInsert: inserts the pair at its place (score, then member bytes).
fn lp_insert(lp: &mut Listpack, member: &[u8], score: f64) {
    let text = score_text(score);
    let mut p = lp.first();
    while let Some(q) = p {
        let sp = lp.next(q).expect("zset listpack pairs");
        let s = lp_score(lp.get(sp));
        if s > score || (s == score && cmp_member(lp.get(q), member) == Ordering::Greater) {
            let at = lp.insert_before(Some(q), member);
            lp.insert_after(at, text.as_bytes());
            return;
        }
        p = lp.next(sp);
    }
    lp.append(member);
    lp.append(text.as_bytes());
}

// ---------------------------------------------------------------------------
// Ranges

/// A score interval (zrangespec): `(` makes a bound exclusive.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoreRange {
    pub min: f64,
    pub max: f64,
    pub minex: bool,
    pub maxex: bool,
}

impl ScoreRange {
    #[inline]
    pub fn gte_min(&self, v: f64) -> bool {
        if self.minex {
            v > self.min
        } else {
            v >= self.min
        }
    }
    #[inline]
    pub fn lte_max(&self, v: f64) -> bool {
        if self.maxex {
            v < self.max
        } else {
            v <= self.max
        }
    }
}

/// One end of a lex interval (zlexrangespec).
#[derive(Clone, Debug, PartialEq)]
pub enum LexBound {
    /// `-`: below everything.
    Min,
    /// `+`: above everything.
    Max,
    Incl(Vec<u8>),
    Excl(Vec<u8>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct LexRange {
    pub min: LexBound,
    pub max: LexBound,
}

impl LexRange {
    /// zslLexValueGteMin.
    pub fn gte_min(&self, m: &[u8]) -> bool {
        match &self.min {
            LexBound::Min => true,
            LexBound::Max => false,
            LexBound::Incl(b) => m >= b.as_slice(),
            LexBound::Excl(b) => m > b.as_slice(),
        }
    }
    /// zslLexValueLteMax.
    pub fn lte_max(&self, m: &[u8]) -> bool {
        match &self.max {
            LexBound::Min => false,
            LexBound::Max => true,
            LexBound::Incl(b) => m <= b.as_slice(),
            LexBound::Excl(b) => m < b.as_slice(),
        }
    }
}

// ---------------------------------------------------------------------------
// The skiplist encoding: slab + order-statistic B+tree + hash index

/// One member's slot in the slab.
struct Slot {
    member: Key,
    score: f64,
}

/// Slots per slab chunk: chunks never move, and at most one is partly
/// unused.
const CHUNK_BITS: u32 = 12;
const CHUNK: usize = 1 << CHUNK_BITS;
const EMPTY: u64 = u64::MAX;

pub struct SkipList {
    chunks: Vec<Vec<Slot>>,
    free: Vec<u32>,
    /// (hash tag << 32) | id, or EMPTY; power-of-two size.
    index: Vec<u64>,
    tree: Tree,
    /// Heap bytes of members longer than a `Key` holds inline.
    member_heap: usize,
}

impl Default for SkipList {
    fn default() -> Self {
        SkipList::new()
    }
}

#[inline]
fn tag_of(member: &[u8]) -> u32 {
    hash_bytes(member) as u32
}

impl SkipList {
    pub fn new() -> SkipList {
        SkipList { chunks: Vec::new(), free: Vec::new(), index: Vec::new(), tree: Tree::new(), member_heap: 0 }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.tree.len
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.tree.len == 0
    }

    fn slot(&self, id: u32) -> &Slot {
        &self.chunks[(id >> CHUNK_BITS) as usize][(id as usize) & (CHUNK - 1)]
    }

    fn slot_mut(&mut self, id: u32) -> &mut Slot {
        &mut self.chunks[(id >> CHUNK_BITS) as usize][(id as usize) & (CHUNK - 1)]
    }

    #[inline]
    fn member(&self, id: u32) -> &[u8] {
        self.slot(id).member.as_bytes()
    }

    pub fn mem_usage(&self) -> usize {
        let slots: usize = self.chunks.iter().map(|c| c.capacity() * std::mem::size_of::<Slot>()).sum();
        slots + self.free.capacity() * 4 + self.index.capacity() * 8 + self.tree.mem_usage() + self.member_heap
    }

    fn alloc_slot(&mut self, member: &[u8], score: f64) -> u32 {
        let key = Key::new(member);
        self.member_heap += key.heap_size();
        let slot = Slot { member: key, score };
        if let Some(id) = self.free.pop() {
            *self.slot_mut(id) = slot;
            return id;
        }
        if self.chunks.last().is_none_or(|c| c.len() == CHUNK) {
            let cap = if self.chunks.is_empty() { 8 } else { CHUNK };
            self.chunks.push(Vec::with_capacity(cap));
        }
        let ci = self.chunks.len() - 1;
        let c = &mut self.chunks[ci];
        c.push(slot);
        ((ci << CHUNK_BITS) | (c.len() - 1)) as u32
    }

    fn free_slot(&mut self, id: u32) {
        let old = std::mem::replace(&mut self.slot_mut(id).member, Key::new(b""));
        self.member_heap -= old.heap_size();
        self.free.push(id);
    }

    /// Position in `index` of `member`'s entry.
    fn index_find(&self, member: &[u8], tag: u32) -> Option<usize> {
        if self.index.is_empty() {
            return None;
        }
        let mask = self.index.len() - 1;
        let mut i = tag as usize & mask;
        loop {
            let e = self.index[i];
            if e == EMPTY {
                return None;
            }
            if (e >> 32) as u32 == tag && self.member((e & 0xffff_ffff) as u32) == member {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    fn index_put(index: &mut [u64], tag: u32, id: u32) {
        let mask = index.len() - 1;
        let mut i = tag as usize & mask;
        while index[i] != EMPTY {
            i = (i + 1) & mask;
        }
        index[i] = ((tag as u64) << 32) | id as u64;
    }

    fn index_resize(&mut self, size: usize) {
        let old = std::mem::replace(&mut self.index, vec![EMPTY; size]);
        for e in old {
            if e != EMPTY {
                Self::index_put(&mut self.index, (e >> 32) as u32, e as u32);
            }
        }
    }

    /// Backward-shift deletion at position `p` (linear probing).
    fn index_delete_at(&mut self, mut p: usize) {
        let mask = self.index.len() - 1;
        self.index[p] = EMPTY;
        let mut j = p;
        loop {
            j = (j + 1) & mask;
            let e = self.index[j];
            if e == EMPTY {
                break;
            }
            let home = ((e >> 32) as usize) & mask;
            // Move e back to p unless its home lies cyclically in (p, j].
            let stays = if p <= j { p < home && home <= j } else { p < home || home <= j };
            if !stays {
                self.index[p] = e;
                self.index[j] = EMPTY;
                p = j;
            }
        }
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        let i = self.index_find(member, tag_of(member))?;
        Some(self.slot(self.index[i] as u32).score)
    }

    /// Number of entries ordered before (score, member).
    fn rank_of(&self, score: f64, member: &[u8]) -> usize {
        self.tree.partition(|e| e.score < score || (e.score == score && self.member(e.id) < member))
    }

    pub fn partition(&self, before: impl Fn(&Ent) -> bool) -> usize {
        self.tree.partition(before)
    }

    /// Inserts a member known to be absent.
    pub fn insert(&mut self, member: &[u8], score: f64) {
        let tag = tag_of(member);
        if (self.len() + 1) * 4 > self.index.len() * 3 {
            self.index_resize((self.index.len() * 2).max(8));
        }
        let id = self.alloc_slot(member, score);
        Self::index_put(&mut self.index, tag, id);
        let r = self.rank_of(score, member);
        self.tree.insert_at(r, Ent { score, id });
    }

    /// Appends a member that sorts after every present one (building from
    /// ordered input).
    fn push_max(&mut self, member: Member, score: f64) {
        let mut buf = [0u8; 20];
        let m = member.as_bytes(&mut buf);
        let tag = tag_of(m);
        if (self.len() + 1) * 4 > self.index.len() * 3 {
            self.index_resize((self.index.len() * 2).max(8));
        }
        let id = self.alloc_slot(m, score);
        Self::index_put(&mut self.index, tag, id);
        let n = self.len();
        self.tree.insert_at(n, Ent { score, id });
    }

    /// Adds a pair in listpack order: normally it sorts after every
    /// present member and is appended (`push_max`). A pair out of order or
    /// a member met before, which only a corrupt listpack from a file
    /// holds, is inserted at its place instead, the later score winning.
    fn push_listpack_pair(&mut self, member: Member, score: f64) {
        let mut buf = [0u8; 20];
        let m = member.as_bytes(&mut buf);
        let n = self.len();
        let after_last = n == 0 || {
            let last = self.tree.get(n - 1);
            last.score < score || (last.score == score && self.member(last.id) < m)
        };
        if after_last && self.index_find(m, tag_of(m)).is_none() {
            self.push_max(member, score);
            return;
        }
        if self.score(m).is_some() {
            self.remove(m);
        }
        self.insert(m, score);
    }

    pub fn rank(&self, member: &[u8]) -> Option<usize> {
        let score = self.score(member)?;
        Some(self.rank_of(score, member))
    }

    /// Removes `member`, returning its score.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        let p = self.index_find(member, tag_of(member))?;
        let id = self.index[p] as u32;
        let score = self.slot(id).score;
        let r = self.rank_of(score, member);
        let e = self.tree.remove_at(r);
        debug_assert_eq!(e.id, id);
        self.index_delete_at(p);
        self.free_slot(id);
        self.maybe_shrink_index();
        self.maybe_compact();
        Some(score)
    }

    /// Removes the member at `rank`.
    fn remove_rank(&mut self, rank: usize) {
        let e = self.tree.remove_at(rank);
        let tag = tag_of(self.member(e.id));
        let p = self.index_find_id(e.id, tag).expect("indexed member");
        self.index_delete_at(p);
        self.free_slot(e.id);
        self.maybe_shrink_index();
    }

    /// Removes the member at `rank`, returning it and its score.
    fn pop_rank(&mut self, rank: usize) -> (Vec<u8>, f64) {
        let e = self.tree.remove_at(rank);
        let member = self.member(e.id).to_vec();
        let p = self.index_find_id(e.id, tag_of(&member)).expect("indexed member");
        self.index_delete_at(p);
        self.free_slot(e.id);
        self.maybe_shrink_index();
        self.maybe_compact();
        (member, e.score)
    }

    fn index_find_id(&self, id: u32, tag: u32) -> Option<usize> {
        let mask = self.index.len() - 1;
        let mut i = tag as usize & mask;
        loop {
            let e = self.index[i];
            if e == EMPTY {
                return None;
            }
            if e as u32 == id {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    fn maybe_shrink_index(&mut self) {
        let n = self.index.len();
        if n > 8 && self.len() * 8 < n {
            self.index_resize((n / 2).max(8));
        }
    }

    /// Rebuilds the slab when most of it is free (after mass deletions).
    fn maybe_compact(&mut self) {
        let slots = self.len() + self.free.len();
        if slots > 64 && self.free.len() * 2 > slots {
            let mut n = SkipList::new();
            self.for_each(|m, s| n.push_max(m, s));
            *self = n;
        }
    }

    /// Changes the score of a present member (zslUpdateScore): in place
    /// when the order does not change, else remove and insert.
    fn update_score(&mut self, member: &[u8], cur: f64, new: f64) {
        let r = self.rank_of(cur, member);
        let e = self.tree.get(r);
        let id = e.id;
        let before_ok = r == 0 || {
            let p = self.tree.get(r - 1);
            p.score < new || (p.score == new && self.member(p.id) < member)
        };
        let after_ok = r + 1 >= self.len() || {
            let n = self.tree.get(r + 1);
            n.score > new || (n.score == new && self.member(n.id) > member)
        };
        self.slot_mut(id).score = new;
        if before_ok && after_ok {
            self.tree.set_at(r, Ent { score: new, id });
            return;
        }
        self.tree.remove_at(r);
        let nr = self.rank_of(new, member);
        self.tree.insert_at(nr, Ent { score: new, id });
    }

    pub fn for_each(&self, mut f: impl FnMut(Member, f64)) {
        for e in self.tree.iter_at(0, false) {
            f(LpValue::Str(self.member(e.id)), e.score);
        }
    }

    /// dictScan over the hash index: the members whose home bucket is
    /// addressed by `cursor`, then the next cursor (0 at the end).
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&[u8], f64)) -> u64 {
        if self.index.is_empty() {
            return 0;
        }
        let mask = (self.index.len() - 1) as u64;
        let home = (cursor & mask) as usize;
        let mut i = home;
        loop {
            let e = self.index[i];
            if e == EMPTY {
                break;
            }
            if ((e >> 32) as usize) & mask as usize == home {
                let s = self.slot(e as u32);
                f(s.member.as_bytes(), s.score);
            }
            i = (i + 1) & mask as usize;
            if i == home {
                break;
            }
        }
        let mut v = cursor | !mask;
        v = v.reverse_bits().wrapping_add(1).reverse_bits();
        v
    }
}

/// A tree entry: the score (kept here so that most comparisons never
/// touch the slab) and the member's slot id.
#[derive(Clone, Copy, Debug)]
pub struct Ent {
    pub score: f64,
    pub id: u32,
}

const LEAF_MAX: usize = 128;
const INNER_MAX: usize = 64;

enum Node {
    Leaf(Vec<Ent>),
    Inner(Box<Inner>),
}

/// An inner node: per child its smallest entry and its number of entries.
struct Inner {
    mins: Vec<Ent>,
    counts: Vec<usize>,
    kids: Vec<Node>,
}

impl Node {
    fn len(&self) -> usize {
        match self {
            Node::Leaf(v) => v.len(),
            Node::Inner(n) => n.counts.iter().sum(),
        }
    }

    fn min(&self) -> Ent {
        match self {
            Node::Leaf(v) => v[0],
            Node::Inner(n) => n.mins[0],
        }
    }

    /// Fan-out measure used for merging: entries of a leaf, kids of an inner node.
    fn width(&self) -> usize {
        match self {
            Node::Leaf(v) => v.len(),
            Node::Inner(n) => n.kids.len(),
        }
    }

    fn max_width(&self) -> usize {
        match self {
            Node::Leaf(_) => LEAF_MAX,
            Node::Inner(_) => INNER_MAX,
        }
    }

    fn mem_usage(&self) -> usize {
        match self {
            Node::Leaf(v) => v.capacity() * std::mem::size_of::<Ent>(),
            Node::Inner(n) => {
                std::mem::size_of::<Inner>()
                    + n.mins.capacity() * std::mem::size_of::<Ent>()
                    + n.counts.capacity() * 8
                    + n.kids.capacity() * std::mem::size_of::<Node>()
                    + n.kids.iter().map(|k| k.mem_usage()).sum::<usize>()
            }
        }
    }
}

/// The order-statistic B+tree. Navigation is by rank; `partition` finds
/// ranks from a monotone predicate using the per-child minimums.
struct Tree {
    root: Node,
    len: usize,
}

impl Inner {
    /// The child holding rank `r` and the rank within it; for inserts
    /// (`insert`), a rank at a boundary goes to the end of the left child.
    #[inline]
    fn locate(&self, mut r: usize, insert: bool) -> (usize, usize) {
        let last = self.kids.len() - 1;
        let mut i = 0;
        while i < last && (r > self.counts[i] || (!insert && r == self.counts[i])) {
            r -= self.counts[i];
            i += 1;
        }
        (i, r)
    }
}

impl Tree {
    fn new() -> Tree {
        Tree { root: Node::Leaf(Vec::new()), len: 0 }
    }

    fn mem_usage(&self) -> usize {
        self.root.mem_usage()
    }

    fn partition(&self, before: impl Fn(&Ent) -> bool) -> usize {
        let mut node = &self.root;
        let mut rank = 0;
        loop {
            match node {
                Node::Leaf(v) => return rank + v.partition_point(&before),
                Node::Inner(n) => {
                    let j = n.mins.partition_point(&before).saturating_sub(1);
                    rank += n.counts[..j].iter().sum::<usize>();
                    node = &n.kids[j];
                }
            }
        }
    }

    fn get(&self, mut r: usize) -> Ent {
        let mut node = &self.root;
        loop {
            match node {
                Node::Leaf(v) => return v[r],
                Node::Inner(n) => {
                    let (i, rr) = n.locate(r, false);
                    r = rr;
                    node = &n.kids[i];
                }
            }
        }
    }

    fn set_at(&mut self, r: usize, e: Ent) {
        fn go(node: &mut Node, r: usize, e: Ent) {
            match node {
                Node::Leaf(v) => v[r] = e,
                Node::Inner(n) => {
                    let (i, rr) = n.locate(r, false);
                    if rr == 0 {
                        n.mins[i] = e;
                    }
                    go(&mut n.kids[i], rr, e);
                }
            }
        }
        go(&mut self.root, r, e);
    }

    fn insert_at(&mut self, r: usize, e: Ent) {
        fn go(node: &mut Node, r: usize, e: Ent) -> Option<Node> {
            match node {
                Node::Leaf(v) => {
                    if v.len() == v.capacity() {
                        // Grow in steps close to the allocator's size classes.
                        v.reserve_exact((v.len() / 4).max(4).min(LEAF_MAX + 1 - v.len()));
                    }
                    v.insert(r, e);
                    if v.len() <= LEAF_MAX {
                        return None;
                    }
                    // Appending (or prepending) runs keep the full side full.
                    let at = if r == v.len() - 1 {
                        LEAF_MAX
                    } else if r == 0 {
                        1
                    } else {
                        v.len() / 2
                    };
                    let right = v.split_off(at);
                    v.shrink_to_fit();
                    Some(Node::Leaf(right))
                }
                Node::Inner(n) => {
                    let (i, rr) = n.locate(r, true);
                    let split = go(&mut n.kids[i], rr, e);
                    n.counts[i] += 1;
                    if rr == 0 {
                        n.mins[i] = e;
                    }
                    let right = split?;
                    let rc = right.len();
                    n.counts[i] -= rc;
                    n.counts.insert(i + 1, rc);
                    n.mins.insert(i + 1, right.min());
                    n.kids.insert(i + 1, right);
                    if n.kids.len() <= INNER_MAX {
                        return None;
                    }
                    let at = n.kids.len() / 2;
                    let kids = n.kids.split_off(at);
                    let counts = n.counts.split_off(at);
                    let mins = n.mins.split_off(at);
                    Some(Node::Inner(Box::new(Inner { mins, counts, kids })))
                }
            }
        }
        if let Some(right) = go(&mut self.root, r, e) {
            let left = std::mem::replace(&mut self.root, Node::Leaf(Vec::new()));
            let (lc, rc) = (left.len(), right.len());
            let (lm, rm) = (left.min(), right.min());
            self.root = Node::Inner(Box::new(Inner { mins: vec![lm, rm], counts: vec![lc, rc], kids: vec![left, right] }));
        }
        self.len += 1;
    }

    fn remove_at(&mut self, r: usize) -> Ent {
        fn go(node: &mut Node, r: usize) -> Ent {
            match node {
                Node::Leaf(v) => {
                    let e = v.remove(r);
                    if v.capacity() > 16 && v.len() * 2 < v.capacity() {
                        v.shrink_to_fit();
                    }
                    e
                }
                Node::Inner(n) => {
                    let (i, rr) = n.locate(r, false);
                    let e = go(&mut n.kids[i], rr);
                    n.counts[i] -= 1;
                    if n.counts[i] == 0 {
                        n.kids.remove(i);
                        n.counts.remove(i);
                        n.mins.remove(i);
                        return e;
                    }
                    if rr == 0 {
                        n.mins[i] = n.kids[i].min();
                    }
                    // Merge an under-full child into a neighbour when both fit.
                    let w = n.kids[i].width();
                    if w < n.kids[i].max_width() / 4 && n.kids.len() > 1 {
                        let j = if i + 1 < n.kids.len() { i } else { i - 1 };
                        if n.kids[j].width() + n.kids[j + 1].width() <= n.kids[j].max_width() {
                            let right = n.kids.remove(j + 1);
                            let rc = n.counts.remove(j + 1);
                            n.mins.remove(j + 1);
                            n.counts[j] += rc;
                            match (&mut n.kids[j], right) {
                                (Node::Leaf(a), Node::Leaf(b)) => a.extend_from_slice(&b),
                                (Node::Inner(a), Node::Inner(b)) => {
                                    let b = *b;
                                    a.mins.extend(b.mins);
                                    a.counts.extend(b.counts);
                                    a.kids.extend(b.kids);
                                }
                                _ => unreachable!("siblings have the same height"),
                            }
                        }
                    }
                    e
                }
            }
        }
        let e = go(&mut self.root, r);
        self.len -= 1;
        // Collapse a root left with one child.
        while let Node::Inner(n) = &mut self.root {
            match n.kids.len() {
                0 => self.root = Node::Leaf(Vec::new()),
                1 => {
                    let k = n.kids.pop().unwrap();
                    self.root = k;
                }
                _ => break,
            }
        }
        e
    }

    /// An iterator from rank `r`, forwards or backwards.
    fn iter_at(&self, r: usize, rev: bool) -> TreeIter<'_> {
        let mut stack = Vec::with_capacity(4);
        let mut node = &self.root;
        let mut r = r;
        if r >= self.len {
            return TreeIter { stack, leaf: &[], pos: 0, rev, done: true };
        }
        loop {
            match node {
                Node::Leaf(v) => return TreeIter { stack, leaf: v, pos: r, rev, done: false },
                Node::Inner(n) => {
                    let (i, rr) = n.locate(r, false);
                    stack.push((&**n, i));
                    r = rr;
                    node = &n.kids[i];
                }
            }
        }
    }
}

pub struct TreeIter<'a> {
    stack: Vec<(&'a Inner, usize)>,
    leaf: &'a [Ent],
    pos: usize,
    rev: bool,
    done: bool,
}

impl<'a> TreeIter<'a> {
    /// Moves to the next (or previous) leaf; false at the end.
    fn step_leaf(&mut self) -> bool {
        // Climb to the first ancestor with a sibling in our direction.
        loop {
            let Some((n, i)) = self.stack.pop() else { return false };
            let next = if self.rev { i.checked_sub(1) } else { Some(i + 1).filter(|&j| j < n.kids.len()) };
            if let Some(j) = next {
                self.stack.push((n, j));
                let mut node = &n.kids[j];
                loop {
                    match node {
                        Node::Leaf(v) => {
                            self.leaf = v;
                            self.pos = if self.rev { v.len() - 1 } else { 0 };
                            return true;
                        }
                        Node::Inner(m) => {
                            let k = if self.rev { m.kids.len() - 1 } else { 0 };
                            self.stack.push((&**m, k));
                            node = &m.kids[k];
                        }
                    }
                }
            }
        }
    }
}

impl Iterator for TreeIter<'_> {
    type Item = Ent;

    #[inline]
    fn next(&mut self) -> Option<Ent> {
        if self.done {
            return None;
        }
        let e = self.leaf[self.pos];
        if self.rev {
            if self.pos == 0 {
                self.done = !self.step_leaf();
            } else {
                self.pos -= 1;
            }
        } else if self.pos + 1 < self.leaf.len() {
            self.pos += 1;
        } else {
            self.done = !self.step_leaf();
        }
        Some(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::rand::TestRng;

    const LIMITS: Limits = Limits { entries: 128, value: 64 };

    fn pairs(z: &ZSet) -> Vec<(Vec<u8>, f64)> {
        z.iter().map(|(m, s)| (m.to_vec(), s)).collect()
    }

    /// What a sorted-set listpack from a file may hold when
    /// sanitize-dump-payload is off (repeats, disorder, scores that are not
    /// numbers): every operation runs without a panic, and converting to
    /// the skiplist gives a consistent set, the later score of a repeated
    /// member winning.
    #[test]
    fn corrupt_listpacks_never_panic() {
        let mut rng = TestRng(0x9e37_79b9_7f4a_7c15u64);
        let mut rnd = |n: usize| rng.below(n);
        let scores = ["1", "2.5", "-3", "nan", "x", "inf", "-inf", "", "1e400", "0", "7"];
        let small = Limits { entries: 6, value: 64 };
        for _ in 0..400 {
            let mut items = Vec::new();
            for _ in 0..rnd(10) {
                items.push(format!("m{}", rnd(5)));
                items.push(scores[rnd(scores.len())].to_string());
            }
            let mut z = ZSet::from_listpack(Listpack::from_items(&items));
            for _ in 0..12 {
                let m = format!("m{}", rnd(7));
                let m = m.as_bytes();
                let len = z.len();
                match rnd(14) {
                    0 => {
                        let flags = AddFlags { incr: rnd(2) == 0, nx: rnd(4) == 0, xx: rnd(4) == 0, gt: rnd(4) == 0, lt: rnd(4) == 0 };
                        let _ = z.add(rnd(9) as f64 - 4.0, m, flags, small);
                    }
                    1 => {
                        z.remove(m);
                    }
                    2 => {
                        if let Some(r) = z.rank(m, rnd(2) == 0) {
                            assert!(r < len);
                        }
                        let _ = z.score(m);
                    }
                    3 => {
                        let r = ScoreRange { min: rnd(5) as f64 - 2.0, max: rnd(5) as f64, minex: rnd(2) == 0, maxex: rnd(2) == 0 };
                        let (lo, hi) = z.score_range(&r);
                        assert!(lo <= hi && hi <= len);
                        assert_eq!(z.iter_from(lo, false).take(hi - lo).count(), hi - lo);
                    }
                    4 => {
                        let r = LexRange { min: LexBound::Incl(b"m1".to_vec()), max: LexBound::Excl(b"m4".to_vec()) };
                        let (lo, hi) = z.lex_range(&r);
                        assert!(lo <= hi && hi <= len);
                    }
                    5 => {
                        let start = rnd(len + 1);
                        assert_eq!(z.iter_from(start, rnd(2) == 0).count(), len - start);
                    }
                    6 => {
                        let start = rnd(len + 1);
                        z.delete_rank_range(start, rnd(3));
                    }
                    7 => {
                        z.pop(rnd(2) == 0);
                    }
                    8 => {
                        let _ = z.random();
                        let _ = z.at_rank(rnd(len + 1));
                    }
                    9 => z.convert_to_skiplist(),
                    10 => z.convert_to_listpack_if_needed(2, small),
                    11 => z = z.clone(),
                    12 => {
                        let mut n = 0;
                        z.scan(0, |_, _| n += 1);
                        assert!(n <= len);
                    }
                    _ => assert_eq!(z.iter().count(), len),
                }
            }
            // The skiplist made from whatever is left is consistent.
            let want: std::collections::HashMap<Vec<u8>, f64> = z.iter().map(|(m, s)| (m.to_vec(), s)).collect();
            z.convert_to_skiplist();
            let got = pairs(&z);
            assert_eq!(got.len(), want.len());
            assert_eq!(z.len(), want.len());
            for (i, (m, s)) in got.iter().enumerate() {
                assert_eq!(Some(*s), want.get(m).copied());
                assert_eq!(z.score(m), Some(*s));
                assert_eq!(z.rank(m, false), Some(i));
                assert!(!s.is_nan());
            }
            assert!(got.windows(2).all(|w| (w[0].1, &w[0].0) < (w[1].1, &w[1].0)), "{:?}", got);
        }
    }

    #[test]
    fn stays_small() {
        assert!(std::mem::size_of::<ZSet>() <= 24, "{}", std::mem::size_of::<ZSet>());
        assert_eq!(std::mem::size_of::<Ent>(), 16);
        assert_eq!(std::mem::size_of::<Slot>(), 32);
    }

    #[test]
    fn listpack_layout_matches_redis() {
        let mut z = ZSet::new();
        for (s, m) in [(1.0, "a"), (1.1, "b"), (-0.0, "c"), (f64::INFINITY, "d"), (3e20, "e"), (4503599627370496.0, "f")] {
            z.add(s, m.as_bytes(), AddFlags::default(), LIMITS);
        }
        let items: Vec<Vec<u8>> = z.as_listpack().unwrap().iter().map(|v| v.to_vec()).collect();
        let want: Vec<&[u8]> =
            vec![b"c", b"0", b"a", b"1", b"b", b"1.1000000000000001", b"f", b"4503599627370496", b"e", b"3e+20", b"d", b"inf"];
        assert_eq!(items, want.iter().map(|s| s.to_vec()).collect::<Vec<_>>());
        // Integers are stored as listpack integers.
        assert!(matches!(z.as_listpack().unwrap().iter().nth(3), Some(LpValue::Int(1))));
        let raw = z.as_listpack().unwrap().bytes().to_vec();
        let back = ZSet::from_listpack(Listpack::from_bytes(raw).unwrap());
        assert_eq!(pairs(&back), pairs(&z));
    }

    /// A random workload against a BTreeMap model, on both encodings.
    #[test]
    fn tree_matches_model() {
        use std::collections::{BTreeSet, HashMap};
        for limits in [LIMITS, Limits { entries: 0, value: 0 }] {
            let mut z = ZSet::new();
            let mut scores: HashMap<Vec<u8>, f64> = HashMap::new();
            let mut order: BTreeSet<(i64, Vec<u8>)> = BTreeSet::new();
            for step in 0..40_000u64 {
                let r = random_u64();
                let m = format!("m{}", r % 3000).into_bytes();
                let s = ((r >> 20) % 50) as f64;
                match (r >> 40) % 4 {
                    0 | 1 => {
                        let out = z.add(s, &m, AddFlags::default(), limits);
                        if let Some(old) = scores.insert(m.clone(), s) {
                            order.remove(&(old as i64, m.clone()));
                            assert!(matches!(out, AddOutcome::Updated(_) | AddOutcome::Unchanged(_)));
                        } else {
                            assert_eq!(out, AddOutcome::Added(s));
                        }
                        order.insert((s as i64, m.clone()));
                    }
                    2 => {
                        let had = scores.remove(&m);
                        assert_eq!(z.remove(&m), had.is_some());
                        if let Some(old) = had {
                            order.remove(&(old as i64, m.clone()));
                        }
                    }
                    _ => {
                        let want = scores.get(&m).map(|s| order.range(..(*s as i64, m.clone())).count());
                        assert_eq!(z.rank(&m, false), want);
                    }
                }
                if step.is_multiple_of(5000) || step == 39_999 {
                    assert_eq!(z.len(), order.len());
                    let got: Vec<(i64, Vec<u8>)> = z.iter().map(|(m, s)| (s as i64, m.to_vec())).collect();
                    assert_eq!(got, order.iter().cloned().collect::<Vec<_>>());
                    let rev: Vec<(i64, Vec<u8>)> = z.iter_from(0, true).map(|(m, s)| (s as i64, m.to_vec())).collect();
                    assert_eq!(rev, order.iter().rev().cloned().collect::<Vec<_>>());
                    if z.len() > 10 {
                        let at: Vec<_> = z.iter_from(7, false).take(3).map(|(m, _)| m.to_vec()).collect();
                        let want: Vec<_> = order.iter().skip(7).take(3).map(|(_, m)| m.clone()).collect();
                        assert_eq!(at, want);
                    }
                }
            }
            // Drain from both ends.
            while let Some((m, s)) = z.pop(z.len().is_multiple_of(2)) {
                assert!(order.remove(&(s as i64, m)));
            }
            assert!(order.is_empty());
        }
    }

    /// Enough members for a three-level tree; random deletes exercise
    /// merging and root collapse, in-place updates the minimums.
    #[test]
    fn deep_tree_inserts_updates_deletes() {
        let mut s = SkipList::new();
        let n = 60_000u64;
        let key = |i: u64| format!("k{}", (i * 7_919) % n).into_bytes();
        for i in 0..n {
            s.insert(&key(i), ((i * 104_729) % 1000) as f64);
        }
        assert_eq!(s.len(), n as usize);
        let mut want: Vec<(f64, Vec<u8>)> = (0..n).map(|i| (((i * 104_729) % 1000) as f64, key(i))).collect();
        want.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let got: Vec<(f64, Vec<u8>)> = {
            let mut v = Vec::new();
            s.for_each(|m, sc| v.push((sc, m.to_vec())));
            v
        };
        assert_eq!(got, want);
        for (r, (_, m)) in want.iter().enumerate().step_by(997) {
            assert_eq!(s.rank(m), Some(r));
        }
        // Small moves stay in place; big ones re-insert.
        for i in (0..n).step_by(3) {
            let m = key(i);
            let cur = s.score(&m).unwrap();
            s.update_score(&m, cur, if i % 2 == 0 { cur + 0.5 } else { -cur });
        }
        let mut prev: Option<(f64, Vec<u8>)> = None;
        s.for_each(|m, sc| {
            let e = (sc, m.to_vec());
            if let Some(p) = &prev {
                assert!(p < &e);
            }
            prev = Some(e);
        });
        for i in 0..n {
            if i % 4 != 0 {
                assert!(s.remove(&key(i)).is_some());
            }
        }
        assert_eq!(s.len(), (n / 4) as usize);
        for i in (0..n).step_by(4) {
            assert!(s.rank(&key(i)).is_some());
        }
        while !s.is_empty() {
            s.remove_rank(s.len() / 2);
        }
        assert!(s.is_empty());
    }

    #[test]
    fn scan_returns_everything_once_without_resizes() {
        let mut z = ZSet::new_skiplist();
        for i in 0..10_000 {
            z.insert_new(format!("m{}", i).as_bytes(), i as f64, LIMITS);
        }
        let mut seen = std::collections::HashSet::new();
        let mut cursor = 0;
        loop {
            cursor = z.scan(cursor, |m, _| assert!(seen.insert(m.to_vec())));
            if cursor == 0 {
                break;
            }
        }
        assert_eq!(seen.len(), 10_000);
    }

    #[test]
    fn conversions_and_ranges() {
        let mut z = ZSet::new();
        for i in 0..200 {
            z.add(i as f64, format!("{:03}", i).as_bytes(), AddFlags::default(), LIMITS);
            assert_eq!(z.encoding(), if i < 128 { "listpack" } else { "skiplist" });
        }
        let r = ScoreRange { min: 10.0, max: 20.0, minex: true, maxex: false };
        assert_eq!(z.score_range(&r), (11, 21));
        z.delete_rank_range(0, 150);
        assert_eq!(z.len(), 50);
        z.convert_to_listpack_if_needed(3, LIMITS);
        assert_eq!(z.encoding(), "listpack");
        assert_eq!(z.score_range(&r), (0, 0));
        let lr = LexRange { min: LexBound::Incl(b"160".to_vec()), max: LexBound::Excl(b"170".to_vec()) };
        assert_eq!(z.lex_range(&lr), (10, 20));
        let c = z.clone();
        assert_eq!(pairs(&c), pairs(&z));
    }
}
