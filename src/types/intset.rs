//! A sorted set of integers in one allocation, byte for byte Redis's intset
//! (intset.h / intset.c), so that RDB (type 11, set-intset) and DUMP can
//! store it verbatim.
//!
//! Layout, all little-endian:
//!
//! ```text
//! encoding: u32   2, 4 or 8: the width of every element
//! length:   u32   number of elements
//! contents: length * encoding bytes, strictly increasing signed integers
//! ```
//!
//! The allocation is exactly `8 + length * encoding` bytes, as Redis's
//! zrealloc'd blob: every add or remove reallocates (the allocator usually
//! does it in place) and moves the tail, which is cheap at the sizes the
//! intset encoding is used for (`set-max-intset-entries`, 512 by default).
//! When a value wider than the current encoding arrives the whole set is
//! upgraded; it is never downgraded.

use crate::util::rand::random_u64;

const HEADER: usize = 8;

/// The narrowest encoding holding `v` (_intsetValueEncoding).
#[inline]
fn value_encoding(v: i64) -> usize {
    if v < i32::MIN as i64 || v > i32::MAX as i64 {
        8
    } else if v < i16::MIN as i64 || v > i16::MAX as i64 {
        4
    } else {
        2
    }
}

#[inline]
fn read_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Element `pos` of `contents` under encoding `enc`.
#[inline]
fn get_encoded(contents: &[u8], pos: usize, enc: usize) -> i64 {
    let at = pos * enc;
    match enc {
        8 => i64::from_le_bytes(contents[at..at + 8].try_into().unwrap()),
        4 => i32::from_le_bytes(contents[at..at + 4].try_into().unwrap()) as i64,
        _ => i16::from_le_bytes([contents[at], contents[at + 1]]) as i64,
    }
}

#[inline]
fn set_encoded(contents: &mut [u8], pos: usize, enc: usize, v: i64) {
    let at = pos * enc;
    match enc {
        8 => contents[at..at + 8].copy_from_slice(&v.to_le_bytes()),
        4 => contents[at..at + 4].copy_from_slice(&(v as i32).to_le_bytes()),
        _ => contents[at..at + 2].copy_from_slice(&(v as i16).to_le_bytes()),
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct Intset {
    /// Header and contents, exactly as Redis lays them out.
    buf: Box<[u8]>,
}

impl Default for Intset {
    fn default() -> Self {
        Self::new()
    }
}

impl Intset {
    /// An empty intset with 16-bit encoding (intsetNew).
    pub fn new() -> Intset {
        let mut b = [0u8; HEADER];
        b[0] = 2;
        Intset { buf: Box::new(b) }
    }

    /// The width of each element in bytes: 2, 4 or 8.
    #[inline]
    pub fn encoding(&self) -> usize {
        read_u32(&self.buf, 0) as usize
    }

    #[inline]
    pub fn len(&self) -> usize {
        read_u32(&self.buf, 4) as usize
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[inline]
    fn contents(&self) -> &[u8] {
        &self.buf[HEADER..]
    }

    fn set_len(&mut self, n: usize) {
        self.buf[4..8].copy_from_slice(&(n as u32).to_le_bytes());
    }

    /// The element at `pos` (in increasing order); None past the end.
    #[inline]
    pub fn get(&self, pos: usize) -> Option<i64> {
        (pos < self.len()).then(|| get_encoded(self.contents(), pos, self.encoding()))
    }

    /// Binary search (intsetSearch): Ok(position) when present, else
    /// Err(position where it would be inserted).
    fn search(&self, v: i64) -> Result<usize, usize> {
        let len = self.len();
        if len == 0 {
            return Err(0);
        }
        let (c, enc) = (self.contents(), self.encoding());
        // The common cases of appending and prepending skip the search.
        if v > get_encoded(c, len - 1, enc) {
            return Err(len);
        }
        if v < get_encoded(c, 0, enc) {
            return Err(0);
        }
        let (mut lo, mut hi) = (0usize, len);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let cur = get_encoded(c, mid, enc);
            if cur < v {
                lo = mid + 1;
            } else if cur > v {
                hi = mid;
            } else {
                return Ok(mid);
            }
        }
        Err(lo)
    }

    /// True when `v` is a member (intsetFind).
    pub fn contains(&self, v: i64) -> bool {
        value_encoding(v) <= self.encoding() && self.search(v).is_ok()
    }

    /// Reallocates to hold exactly `len` elements of the current encoding
    /// (intsetResize): no spare capacity, as Redis's blob.
    fn resize(&mut self, len: usize) {
        let size = HEADER + len * self.encoding();
        let mut v = std::mem::take(&mut self.buf).into_vec();
        if size > v.len() {
            v.reserve_exact(size - v.len());
            v.resize(size, 0);
        } else {
            v.truncate(size);
        }
        self.buf = v.into_boxed_slice();
    }

    /// Adds `v`; false when it was already there (intsetAdd).
    pub fn insert(&mut self, v: i64) -> bool {
        let enc = self.encoding();
        let venc = value_encoding(v);
        if venc > enc {
            self.upgrade_and_add(v, venc);
            return true;
        }
        let pos = match self.search(v) {
            Ok(_) => return false,
            Err(pos) => pos,
        };
        let len = self.len();
        self.resize(len + 1);
        let c = &mut self.buf[HEADER..];
        if pos < len {
            c.copy_within(pos * enc..len * enc, (pos + 1) * enc);
        }
        set_encoded(c, pos, enc, v);
        self.set_len(len + 1);
        true
    }

    /// Widens every element to `new_enc` and adds `v`, which lies outside
    /// the current range: first when negative, last otherwise
    /// (intsetUpgradeAndAdd).
    fn upgrade_and_add(&mut self, v: i64, new_enc: usize) {
        let (enc, len) = (self.encoding(), self.len());
        let prepend = usize::from(v < 0);
        let mut out = Vec::with_capacity(HEADER + (len + 1) * new_enc);
        out.extend_from_slice(&(new_enc as u32).to_le_bytes());
        out.extend_from_slice(&((len + 1) as u32).to_le_bytes());
        out.resize(HEADER + (len + 1) * new_enc, 0);
        let c = &mut out[HEADER..];
        for i in 0..len {
            set_encoded(c, i + prepend, new_enc, get_encoded(&self.buf[HEADER..], i, enc));
        }
        set_encoded(c, if prepend == 1 { 0 } else { len }, new_enc, v);
        self.buf = out.into_boxed_slice();
    }

    /// Removes `v`; false when it was not there (intsetRemove).
    pub fn remove(&mut self, v: i64) -> bool {
        let enc = self.encoding();
        if value_encoding(v) > enc {
            return false;
        }
        let Ok(pos) = self.search(v) else { return false };
        let len = self.len();
        self.buf[HEADER..].copy_within((pos + 1) * enc..len * enc, pos * enc);
        self.resize(len - 1);
        self.set_len(len - 1);
        true
    }

    /// A uniformly chosen element (intsetRandom); None when empty.
    pub fn random(&self) -> Option<i64> {
        let len = self.len();
        if len == 0 {
            return None;
        }
        self.get((random_u64() % len as u64) as usize)
    }

    /// The elements in increasing order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = i64> + '_ {
        let (c, enc) = (self.contents(), self.encoding());
        (0..self.len()).map(move |i| get_encoded(c, i, enc))
    }

    /// The blob as Redis stores it (intsetBlobLen bytes): what RDB writes
    /// as the string payload of a set-intset value.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Heap bytes owned.
    pub fn alloc_size(&self) -> usize {
        self.buf.len()
    }

    /// Checks a blob as intsetValidateIntegrity does: a readable header, a
    /// known encoding, a size that matches the length, at least one
    /// element; with `deep`, strictly increasing elements too.
    pub fn validate(bytes: &[u8], deep: bool) -> bool {
        if bytes.len() < HEADER {
            return false;
        }
        let enc = read_u32(bytes, 0) as usize;
        if !matches!(enc, 2 | 4 | 8) {
            return false;
        }
        let count = read_u32(bytes, 4) as usize;
        if (HEADER as u64) + (count as u64) * (enc as u64) != bytes.len() as u64 {
            return false;
        }
        // Redis refuses empty intsets in a payload.
        if count == 0 {
            return false;
        }
        if !deep {
            return true;
        }
        let c = &bytes[HEADER..];
        let mut prev = get_encoded(c, 0, enc);
        for i in 1..count {
            let cur = get_encoded(c, i, enc);
            if cur <= prev {
                return false;
            }
            prev = cur;
        }
        true
    }

    /// Adopts a blob read from an RDB payload after deep validation; None
    /// when it is not a valid non-empty intset. Never panics.
    pub fn from_bytes(bytes: &[u8]) -> Option<Intset> {
        Self::validate(bytes, true).then(|| Intset { buf: bytes.into() })
    }
}

impl std::fmt::Debug for Intset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(vals: &[i64]) -> Intset {
        let mut s = Intset::new();
        for &v in vals {
            s.insert(v);
        }
        s
    }

    #[test]
    fn value_encodings() {
        assert_eq!(value_encoding(-32768), 2);
        assert_eq!(value_encoding(32767), 2);
        assert_eq!(value_encoding(-32769), 4);
        assert_eq!(value_encoding(32768), 4);
        assert_eq!(value_encoding(-2147483648), 4);
        assert_eq!(value_encoding(2147483647), 4);
        assert_eq!(value_encoding(-2147483649), 8);
        assert_eq!(value_encoding(2147483648), 8);
        assert_eq!(value_encoding(i64::MIN), 8);
        assert_eq!(value_encoding(i64::MAX), 8);
    }

    /// The blob of `SADD s 1 2 3` on redis-server 7.0.15: its DUMP payload
    /// is 0b 0e <these 14 bytes> 0a 00 <crc>.
    #[test]
    fn layout_matches_redis_dump() {
        let s = of(&[3, 1, 2, 2]);
        assert_eq!(s.as_bytes(), b"\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00");
        assert_eq!(Intset::new().as_bytes(), b"\x02\x00\x00\x00\x00\x00\x00\x00");
    }

    /// Upgrades as `SADD s 1 2 3 -70000` and `SADD s 1 5000000000` produce
    /// on redis-server 7.0.15 (payloads from DUMP).
    #[test]
    fn upgrades_match_redis_dump() {
        let s = of(&[1, 2, 3, -70000]);
        assert_eq!(s.as_bytes(), b"\x04\x00\x00\x00\x04\x00\x00\x00\x90\xee\xfe\xff\x01\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00");
        let s = of(&[1, 5000000000]);
        assert_eq!(s.as_bytes(), b"\x08\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\xf2\x05\x2a\x01\x00\x00\x00");
    }

    #[test]
    fn add_remove_search_iterate() {
        let mut s = Intset::new();
        assert!(s.insert(5));
        assert!(s.insert(-3));
        assert!(s.insert(10));
        assert!(!s.insert(5));
        assert_eq!(s.iter().collect::<Vec<_>>(), [-3, 5, 10]);
        assert!(s.contains(5) && !s.contains(6) && !s.contains(1 << 40));
        assert!(s.insert(1 << 40));
        assert_eq!(s.encoding(), 8);
        assert!(s.insert(i64::MIN));
        assert_eq!(s.iter().collect::<Vec<_>>(), [i64::MIN, -3, 5, 10, 1 << 40]);
        assert!(s.remove(5));
        assert!(!s.remove(5));
        assert!(s.remove(i64::MIN));
        assert_eq!(s.iter().collect::<Vec<_>>(), [-3, 10, 1 << 40]);
        // Removing never downgrades.
        assert!(s.remove(1 << 40));
        assert_eq!(s.encoding(), 8);
        assert_eq!(s.as_bytes().len(), 8 + 2 * 8);
        assert!(!of(&[1, 2]).remove(1 << 40));
    }

    #[test]
    fn random_and_sorted_order_at_scale() {
        let mut s = Intset::new();
        let mut x: i64 = 12345;
        let mut expect = std::collections::BTreeSet::new();
        for _ in 0..2000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let v = x >> (x as u64 % 60);
            s.insert(v);
            expect.insert(v);
        }
        assert_eq!(s.iter().collect::<Vec<_>>(), expect.iter().copied().collect::<Vec<_>>());
        for _ in 0..100 {
            assert!(expect.contains(&s.random().unwrap()));
        }
        assert_eq!(Intset::new().random(), None);
        assert_eq!(s.as_bytes().len(), 8 + s.len() * s.encoding());
    }

    #[test]
    fn from_bytes_validates() {
        let good = of(&[1, 2, 3]);
        assert_eq!(Intset::from_bytes(good.as_bytes()), Some(good.clone()));
        // Truncated, bad encoding, wrong length, empty, unsorted, duplicate.
        assert!(Intset::from_bytes(&good.as_bytes()[..7]).is_none());
        assert!(Intset::from_bytes(&good.as_bytes()[..13]).is_none());
        assert!(Intset::from_bytes(b"\x03\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00").is_none());
        assert!(Intset::from_bytes(b"\x02\x00\x00\x00\xff\xff\xff\xff\x01\x00").is_none());
        assert!(Intset::from_bytes(b"\x02\x00\x00\x00\x00\x00\x00\x00").is_none());
        assert!(Intset::from_bytes(b"\x02\x00\x00\x00\x02\x00\x00\x00\x02\x00\x01\x00").is_none());
        assert!(Intset::from_bytes(b"\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00\x01\x00").is_none());
        assert!(Intset::validate(b"\x02\x00\x00\x00\x02\x00\x00\x00\x02\x00\x01\x00", false));
        assert!(Intset::from_bytes(&[]).is_none());
    }
}
