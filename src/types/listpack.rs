//! The listpack: a byte-exact Redis listpack, the packed form shared by
//! lists (quicklist nodes), hashes and sorted sets, and dumped verbatim into
//! RDB files; mirrors listpack.c.
//!
//! Layout (all little-endian):
//!
//! ```text
//! <total-bytes u32> <num-elements u16> <entry> ... <entry> <0xFF>
//! entry = <encoding+data> <backlen>
//! ```
//!
//! Encodings, chosen by the first byte:
//!
//! | first byte   | meaning                                   | size        |
//! |--------------|-------------------------------------------|-------------|
//! | `0xxxxxxx`   | 7-bit unsigned int 0..=127                | 1           |
//! | `10xxxxxx`   | string of up to 63 bytes                  | 1 + len     |
//! | `110xxxxx`   | 13-bit signed int (+1 byte)               | 2           |
//! | `1110xxxx`   | string of up to 4095 bytes (+1 len byte)  | 2 + len     |
//! | `11110000`   | string, 32-bit length follows             | 5 + len     |
//! | `11110001`   | 16-bit signed int                         | 3           |
//! | `11110010`   | 24-bit signed int                         | 4           |
//! | `11110011`   | 32-bit signed int                         | 5           |
//! | `11110100`   | 64-bit signed int                         | 9           |
//! | `11111111`   | end of listpack                           | 1           |
//!
//! `backlen` is the size of `<encoding+data>` written in 1..=5 bytes so that
//! it can be parsed right to left: the byte nearest the entry's start has its
//! high bit clear, every other byte has it set. It makes backward iteration
//! possible without an offset table.
//!
//! Positions are byte offsets into the buffer (the `unsigned char *p` of the
//! C API). A position is valid until the next modification.

use crate::util::num::{parse_i64_strict, write_i64};

/// Bytes of the header: total bytes (u32) + number of elements (u16).
pub const HEADER_SIZE: usize = 6;
const EOF: u8 = 0xFF;
/// The element count field saturates here; the real count is then found
/// by walking the entries (LP_HDR_NUMELE_UNKNOWN).
const NUMELE_UNKNOWN: u16 = u16::MAX;
/// Longest string lpStringToInt64 tries to read as an integer (LONG_STR_SIZE - 1).
const MAX_INT_STR: usize = 20;

/// An element as stored: listpacks keep integer-looking strings as integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LpValue<'a> {
    Str(&'a [u8]),
    Int(i64),
}

impl<'a> LpValue<'a> {
    /// The element as bytes; integers are formatted into `buf`.
    #[inline]
    pub fn as_bytes<'b>(&self, buf: &'b mut [u8; 20]) -> &'b [u8]
    where
        'a: 'b,
    {
        match *self {
            LpValue::Str(s) => s,
            LpValue::Int(n) => {
                let l = write_i64(n, buf);
                &buf[..l]
            }
        }
    }

    pub fn to_vec(&self) -> Vec<u8> {
        let mut buf = [0u8; 20];
        self.as_bytes(&mut buf).to_vec()
    }

    /// Length in bytes of the element as a string.
    pub fn str_len(&self) -> usize {
        match *self {
            LpValue::Str(s) => s.len(),
            LpValue::Int(n) => (n < 0) as usize + n.unsigned_abs().checked_ilog10().map_or(1, |d| d as usize + 1),
        }
    }

    /// lpCompare: does this element equal `s`? `s_int` is `s` parsed as
    /// lpStringToInt64 would (pass `as_int(s)`), so integers compare without
    /// formatting.
    #[inline]
    pub fn eq_bytes(&self, s: &[u8], s_int: Option<i64>) -> bool {
        match *self {
            LpValue::Str(v) => v == s,
            LpValue::Int(n) => s_int == Some(n),
        }
    }
}

/// lpStringToInt64: the integer a string is stored as, if any.
#[inline]
pub fn as_int(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > MAX_INT_STR {
        return None;
    }
    parse_i64_strict(s)
}

/// Why a buffer is not a valid listpack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LpError {
    TooShort,
    TotalBytesMismatch,
    MissingTerminator,
    BadEncoding(usize),
    EntryOverflow(usize),
    BackLenMismatch(usize),
    CountMismatch,
    /// The caller's per-entry check refused the entry at this offset.
    Rejected(usize),
}

impl std::fmt::Display for LpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid listpack: {:?}", self)
    }
}

impl std::error::Error for LpError {}

/// A listpack owning its bytes. The buffer is kept at its exact size (as
/// Redis reallocs per insert and delete) so that memory per element
/// matches Redis's; a boxed slice rather than a `Vec` keeps the handle at
/// 16 bytes, which is what lets a hash or sorted set value (a boxed enum
/// over a listpack or a table) fit jemalloc's 16-byte class, as Redis's
/// robj does.
#[derive(Clone, PartialEq, Eq)]
pub struct Listpack {
    buf: Box<[u8]>,
}

impl Default for Listpack {
    fn default() -> Self {
        Listpack::new()
    }
}

impl std::fmt::Debug for Listpack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut l = f.debug_list();
        for v in self.iter() {
            match v {
                LpValue::Str(s) => l.entry(&String::from_utf8_lossy(s)),
                LpValue::Int(n) => l.entry(&n),
            };
        }
        l.finish()
    }
}

/// The encoded form of one element: encoding header + data, before backlen.
enum Encoded<'a> {
    /// Integer: up to 9 bytes of encoding+data.
    Int([u8; 9], usize),
    /// String: the header bytes (up to 5), then the string itself.
    Str([u8; 5], usize, &'a [u8]),
}

impl Encoded<'_> {
    #[inline]
    fn len(&self) -> usize {
        match self {
            Encoded::Int(_, l) => *l,
            Encoded::Str(_, h, s) => h + s.len(),
        }
    }

    fn write(&self, out: &mut [u8]) {
        match self {
            Encoded::Int(b, l) => out[..*l].copy_from_slice(&b[..*l]),
            Encoded::Str(h, hl, s) => {
                out[..*hl].copy_from_slice(&h[..*hl]);
                out[*hl..*hl + s.len()].copy_from_slice(s);
            }
        }
    }
}

/// lpEncodeIntegerGetType: the smallest integer encoding of `v`.
fn encode_int(v: i64) -> Encoded<'static> {
    let mut b = [0u8; 9];
    let len = if (0..=127).contains(&v) {
        b[0] = v as u8;
        1
    } else if (-4096..=4095).contains(&v) {
        let uv = if v < 0 { (1u64 << 13).wrapping_add(v as u64) } else { v as u64 };
        b[0] = ((uv >> 8) as u8) | 0xC0;
        b[1] = uv as u8;
        2
    } else if (-32768..=32767).contains(&v) {
        let uv = if v < 0 { (1u64 << 16).wrapping_add(v as u64) } else { v as u64 };
        b[0] = 0xF1;
        b[1..3].copy_from_slice(&(uv as u16).to_le_bytes());
        3
    } else if (-8388608..=8388607).contains(&v) {
        let uv = if v < 0 { (1u64 << 24).wrapping_add(v as u64) } else { v as u64 };
        b[0] = 0xF2;
        b[1..4].copy_from_slice(&(uv as u32).to_le_bytes()[..3]);
        4
    } else if (i32::MIN as i64..=i32::MAX as i64).contains(&v) {
        b[0] = 0xF3;
        b[1..5].copy_from_slice(&(v as i32).to_le_bytes());
        5
    } else {
        b[0] = 0xF4;
        b[1..9].copy_from_slice(&v.to_le_bytes());
        9
    };
    Encoded::Int(b, len)
}

/// lpEncodeGetType + lpEncodeString: integers when the string is one.
fn encode(s: &[u8]) -> Encoded<'_> {
    if let Some(v) = as_int(s) {
        return encode_int(v);
    }
    let mut h = [0u8; 5];
    let len = s.len();
    let hl = if len < 64 {
        h[0] = 0x80 | len as u8;
        1
    } else if len < 4096 {
        h[0] = 0xE0 | (len >> 8) as u8;
        h[1] = len as u8;
        2
    } else {
        h[0] = 0xF0;
        h[1..5].copy_from_slice(&(len as u32).to_le_bytes());
        5
    };
    Encoded::Str(h, hl, s)
}

/// Bytes needed to store backlen `l` (lpEncodeBacklen with a NULL buffer).
#[inline]
fn backlen_size(l: usize) -> usize {
    if l <= 127 {
        1
    } else if l < 16383 {
        2
    } else if l < 2097151 {
        3
    } else if l < 268435455 {
        4
    } else {
        5
    }
}

/// lpEncodeBacklen: writes `l` so that it parses right to left.
fn write_backlen(out: &mut [u8], l: usize) -> usize {
    let n = backlen_size(l);
    let l = l as u64;
    if n == 1 {
        out[0] = l as u8;
        return 1;
    }
    // The first byte carries the highest bits, without the continuation flag;
    // the following ones carry 7 bits each with the flag set.
    for (i, b) in out[..n].iter_mut().enumerate() {
        let shift = 7 * (n - 1 - i);
        let bits = ((l >> shift) & 127) as u8;
        *b = if i == 0 { (l >> shift) as u8 } else { bits | 128 };
    }
    n
}

/// Size of a full entry whose encoding+data is `l` bytes.
#[inline]
fn entry_size(l: usize) -> usize {
    l + backlen_size(l)
}

/// Size of encoding+data of the entry starting with `b` (lpCurrentEncodedSizeUnsafe),
/// given the bytes that follow for string lengths. None for an invalid
/// encoding byte or a truncated header.
#[inline]
fn encoded_size(buf: &[u8], p: usize) -> Option<usize> {
    let b = *buf.get(p)?;
    Some(if b & 0x80 == 0 {
        1
    } else if b & 0xC0 == 0x80 {
        1 + (b & 0x3F) as usize
    } else if b & 0xE0 == 0xC0 {
        2
    } else if b & 0xF0 == 0xE0 {
        2 + ((((b & 0x0F) as usize) << 8) | *buf.get(p + 1)? as usize)
    } else {
        match b {
            0xF0 => {
                let l = buf.get(p + 1..p + 5)?;
                5 + u32::from_le_bytes([l[0], l[1], l[2], l[3]]) as usize
            }
            0xF1 => 3,
            0xF2 => 4,
            0xF3 => 5,
            0xF4 => 9,
            _ => return None,
        }
    })
}

impl Listpack {
    /// An empty listpack (lpNew).
    pub fn new() -> Listpack {
        let mut buf = Vec::with_capacity(HEADER_SIZE + 1);
        buf.extend_from_slice(&((HEADER_SIZE + 1) as u32).to_le_bytes());
        buf.extend_from_slice(&0u16.to_le_bytes());
        buf.push(EOF);
        Listpack { buf: buf.into_boxed_slice() }
    }

    /// Runs `f` on the bytes as a growable vector, then puts them back at
    /// their exact size (the realloc Redis does on every change).
    #[inline]
    fn edit<R>(&mut self, f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
        let mut v = std::mem::take(&mut self.buf).into_vec();
        let r = f(&mut v);
        self.buf = v.into_boxed_slice();
        r
    }

    /// Takes a raw listpack (from an RDB file or RESTORE payload) after
    /// checking every entry (lpValidateIntegrity with deep checks).
    pub fn from_bytes(raw: Vec<u8>) -> Result<Listpack, LpError> {
        Self::validate(&raw)?;
        Ok(Self::from_validated(raw))
    }

    /// Takes raw bytes already checked by `validate` or `validate_each`.
    pub fn from_validated(raw: Vec<u8>) -> Listpack {
        Listpack { buf: raw.into_boxed_slice() }
    }

    /// Checks a raw listpack: header, every entry's encoding and backlen,
    /// bounds, terminator, and the element count; returns the number of
    /// elements.
    pub fn validate(raw: &[u8]) -> Result<usize, LpError> {
        Self::walk(raw, None::<fn(LpValue) -> bool>)
    }

    /// `validate`, handing each entry to `f` as soon as its bounds are
    /// checked (lpValidateIntegrity's entry callback), so a loader checks
    /// what it needs in the same single pass; `f` returning false stops
    /// with `LpError::Rejected`.
    pub fn validate_each<'a>(raw: &'a [u8], f: impl FnMut(LpValue<'a>) -> bool) -> Result<usize, LpError> {
        Self::walk(raw, Some(f))
    }

    /// The checks of `validate`; entries are decoded only for a callback.
    #[inline]
    fn walk<'a, F: FnMut(LpValue<'a>) -> bool>(raw: &'a [u8], mut f: Option<F>) -> Result<usize, LpError> {
        if raw.len() < HEADER_SIZE + 1 {
            return Err(LpError::TooShort);
        }
        let total = u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]) as usize;
        if total != raw.len() {
            return Err(LpError::TotalBytesMismatch);
        }
        if raw[raw.len() - 1] != EOF {
            return Err(LpError::MissingTerminator);
        }
        let count = u16::from_le_bytes([raw[4], raw[5]]);
        let end = raw.len() - 1;
        let mut p = HEADER_SIZE;
        let mut n: usize = 0;
        while p < end {
            let b = raw[p];
            let (l, size) = if b < 0xC0 {
                // The common small entries (a 7-bit integer, a string of up
                // to 63 bytes) in one step: their backlen is one byte that
                // must equal the encoded size.
                let l = if b < 0x80 { 1 } else { 1 + (b & 0x3F) as usize };
                if p + l >= end {
                    return Err(LpError::EntryOverflow(p));
                }
                if raw[p + l] as usize != l {
                    return Err(LpError::BackLenMismatch(p));
                }
                (l, l + 1)
            } else {
                let l = encoded_size(raw, p).ok_or(LpError::BadEncoding(p))?;
                let size = entry_size(l);
                if p.checked_add(size).is_none_or(|e| e > end) {
                    return Err(LpError::EntryOverflow(p));
                }
                let back = decode_backlen(raw, p + size - 1).ok_or(LpError::BackLenMismatch(p))?;
                if back != l {
                    return Err(LpError::BackLenMismatch(p));
                }
                (l, size)
            };
            if let Some(f) = f.as_mut() {
                let v = match b {
                    0..0x80 => LpValue::Int(b as i64),
                    0x80..0xC0 => LpValue::Str(&raw[p + 1..p + l]),
                    _ => value_at(raw, p),
                };
                if !f(v) {
                    return Err(LpError::Rejected(p));
                }
            }
            p += size;
            n += 1;
        }
        if p != end {
            return Err(LpError::EntryOverflow(p));
        }
        if count != NUMELE_UNKNOWN && count as usize != n {
            return Err(LpError::CountMismatch);
        }
        if count == NUMELE_UNKNOWN && n < NUMELE_UNKNOWN as usize {
            return Err(LpError::CountMismatch);
        }
        Ok(n)
    }

    /// The raw bytes, exactly as Redis stores them.
    #[inline]
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Consumes the listpack, returning its raw bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf.into_vec()
    }

    /// Total bytes (lpBytes).
    #[inline]
    pub fn size(&self) -> usize {
        self.buf.len()
    }

    /// Heap bytes owned (allocation size).
    pub fn alloc_size(&self) -> usize {
        self.buf.len()
    }

    /// Number of elements (lpLength).
    #[inline]
    pub fn len(&self) -> usize {
        let n = u16::from_le_bytes([self.buf[4], self.buf[5]]);
        if n != NUMELE_UNKNOWN {
            return n as usize;
        }
        let mut count = 0;
        let mut p = self.first();
        while let Some(q) = p {
            count += 1;
            p = self.next(q);
        }
        count
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.buf.len() == HEADER_SIZE + 1
    }

    fn set_header(&mut self, count: usize) {
        let total = self.buf.len() as u32;
        self.buf[0..4].copy_from_slice(&total.to_le_bytes());
        let n = if count < NUMELE_UNKNOWN as usize { count as u16 } else { NUMELE_UNKNOWN };
        self.buf[4..6].copy_from_slice(&n.to_le_bytes());
    }

    /// Adjusts the stored count by `delta` after an insert or delete.
    fn bump_count(&mut self, delta: isize) {
        let stored = u16::from_le_bytes([self.buf[4], self.buf[5]]);
        let count = if stored != NUMELE_UNKNOWN {
            (stored as isize + delta) as usize
        } else {
            // Unknown: recount with the new bytes in place.
            self.set_header(NUMELE_UNKNOWN as usize);
            self.len()
        };
        self.set_header(count);
    }

    /// Position of the first element (lpFirst).
    #[inline]
    pub fn first(&self) -> Option<usize> {
        if self.buf[HEADER_SIZE] == EOF {
            None
        } else {
            Some(HEADER_SIZE)
        }
    }

    /// Position of the last element (lpLast).
    #[inline]
    pub fn last(&self) -> Option<usize> {
        self.prev(self.buf.len() - 1)
    }

    /// Size in bytes of the whole entry at `p` (encoding, data, backlen).
    #[inline]
    fn entry_len(&self, p: usize) -> usize {
        entry_size(encoded_size(&self.buf, p).expect("listpack: corrupt encoding"))
    }

    /// Position of the element after `p` (lpNext).
    #[inline]
    pub fn next(&self, p: usize) -> Option<usize> {
        let q = p + self.entry_len(p);
        if self.buf[q] == EOF {
            None
        } else {
            Some(q)
        }
    }

    /// Position of the element before `p`; `p` may be the terminator's
    /// position (lpPrev).
    #[inline]
    pub fn prev(&self, p: usize) -> Option<usize> {
        if p <= HEADER_SIZE {
            return None;
        }
        let l = decode_backlen(&self.buf, p - 1).expect("listpack: corrupt backlen");
        Some(p - l - backlen_size(l))
    }

    /// The element at position `p` (lpGet).
    #[inline]
    pub fn get(&self, p: usize) -> LpValue<'_> {
        value_at(&self.buf, p)
    }

    /// Position of element `index`, negative counting from the end (lpSeek).
    /// Walks from the nearer end.
    pub fn seek(&self, index: i64) -> Option<usize> {
        let len = self.len() as i64;
        let idx = if index < 0 { len + index } else { index };
        if idx < 0 || idx >= len {
            return None;
        }
        if idx <= len / 2 {
            let mut p = self.first()?;
            for _ in 0..idx {
                p = self.next(p)?;
            }
            Some(p)
        } else {
            let mut p = self.last()?;
            for _ in 0..(len - 1 - idx) {
                p = self.prev(p)?;
            }
            Some(p)
        }
    }

    /// Inserts the encoded element at byte position `at` (an entry start or
    /// the terminator).
    fn insert_encoded(&mut self, at: usize, enc: &Encoded) {
        let l = enc.len();
        let size = entry_size(l);
        self.edit(|buf| {
            let old_len = buf.len();
            buf.reserve_exact(size);
            buf.resize(old_len + size, 0);
            buf.copy_within(at..old_len, at + size);
        });
        enc.write(&mut self.buf[at..at + l]);
        write_backlen(&mut self.buf[at + l..at + size], l);
        self.bump_count(1);
    }

    /// Inserts `ele` before the element at `p` (or at the end when `p` is
    /// None). Returns the new element's position.
    pub fn insert_before(&mut self, p: Option<usize>, ele: &[u8]) -> usize {
        let at = p.unwrap_or(self.buf.len() - 1);
        self.insert_encoded(at, &encode(ele));
        at
    }

    /// Inserts `ele` after the element at `p`. Returns its position.
    pub fn insert_after(&mut self, p: usize, ele: &[u8]) -> usize {
        let at = p + self.entry_len(p);
        self.insert_encoded(at, &encode(ele));
        at
    }

    /// Appends `ele` (lpAppend).
    pub fn append(&mut self, ele: &[u8]) {
        let at = self.buf.len() - 1;
        self.insert_encoded(at, &encode(ele));
    }

    /// Prepends `ele` (lpPrepend).
    pub fn prepend(&mut self, ele: &[u8]) {
        self.insert_encoded(HEADER_SIZE, &encode(ele));
    }

    /// Appends an integer (lpAppendInteger).
    pub fn append_int(&mut self, v: i64) {
        let at = self.buf.len() - 1;
        self.insert_encoded(at, &encode_int(v));
    }

    /// Appends an element in its stored form.
    pub fn append_value(&mut self, v: LpValue) {
        match v {
            LpValue::Int(n) => self.append_int(n),
            LpValue::Str(s) => self.append(s),
        }
    }

    /// Replaces the element at `p` with `ele` (lpReplace). Returns the
    /// element's position (unchanged).
    pub fn replace(&mut self, p: usize, ele: &[u8]) -> usize {
        let old = self.entry_len(p);
        let enc = encode(ele);
        let l = enc.len();
        let size = entry_size(l);
        if size > old {
            let extra = size - old;
            self.edit(|buf| {
                let old_len = buf.len();
                buf.reserve_exact(extra);
                buf.resize(old_len + extra, 0);
                buf.copy_within(p + old..old_len, p + size);
            });
        } else if size < old {
            self.edit(|buf| {
                buf.copy_within(p + old.., p + size);
                buf.truncate(buf.len() - (old - size));
            });
        }
        enc.write(&mut self.buf[p..p + l]);
        write_backlen(&mut self.buf[p + l..p + size], l);
        let count = self.stored_count_or_len();
        self.set_header(count);
        p
    }

    fn stored_count_or_len(&self) -> usize {
        let n = u16::from_le_bytes([self.buf[4], self.buf[5]]);
        if n != NUMELE_UNKNOWN {
            n as usize
        } else {
            self.len()
        }
    }

    /// Deletes the element at `p` (lpDelete). Returns the position of the
    /// element that followed it, if any.
    pub fn delete(&mut self, p: usize) -> Option<usize> {
        self.delete_range_at(p, 1);
        if self.buf[p] == EOF {
            None
        } else {
            Some(p)
        }
    }

    /// Deletes up to `n` elements starting at position `p` (lpDeleteRangeWithEntry).
    /// Returns how many were deleted.
    pub fn delete_range_at(&mut self, p: usize, n: usize) -> usize {
        let mut q = p;
        let mut deleted = 0;
        while deleted < n && self.buf[q] != EOF {
            q += self.entry_len(q);
            deleted += 1;
        }
        if deleted == 0 {
            return 0;
        }
        self.edit(|buf| {
            buf.copy_within(q.., p);
            buf.truncate(buf.len() - (q - p));
        });
        self.bump_count(-(deleted as isize));
        deleted
    }

    /// Deletes `n` elements starting at index `index`, negative counting
    /// from the end (lpDeleteRange).
    pub fn delete_range(&mut self, index: i64, n: usize) -> usize {
        match self.seek(index) {
            Some(p) => self.delete_range_at(p, n),
            None => 0,
        }
    }

    /// Appends all of `other`'s elements (lpMerge, keeping `self` first).
    pub fn merge(&mut self, other: &Listpack) {
        let count = self.len() + other.len();
        let body = &other.buf[HEADER_SIZE..other.buf.len() - 1];
        self.edit(|buf| {
            buf.pop();
            buf.reserve_exact(body.len() + 1);
            buf.extend_from_slice(body);
            buf.push(EOF);
        });
        self.set_header(count);
    }

    /// Splits off the elements from position `p` on into a new listpack.
    pub fn split_off(&mut self, p: usize) -> Listpack {
        let moved = self.len_from(p);
        let mut tail = Vec::with_capacity(HEADER_SIZE + (self.buf.len() - p));
        tail.extend_from_slice(&[0; HEADER_SIZE]);
        tail.extend_from_slice(&self.buf[p..]);
        let mut tail = Listpack { buf: tail.into_boxed_slice() };
        tail.set_header(moved);
        let count = self.len() - moved;
        self.edit(|buf| {
            buf.truncate(p);
            buf.push(EOF);
        });
        self.set_header(count);
        tail
    }

    fn len_from(&self, p: usize) -> usize {
        let mut n = 0;
        let mut q = if self.buf[p] == EOF { None } else { Some(p) };
        while let Some(x) = q {
            n += 1;
            q = self.next(x);
        }
        n
    }

    /// Iterates the elements from the first.
    pub fn iter(&self) -> Iter<'_> {
        Iter { lp: self, pos: self.first() }
    }

    /// Iterates the elements from the last.
    pub fn iter_rev(&self) -> RevIter<'_> {
        RevIter { lp: self, pos: self.last() }
    }

    /// A listpack holding `items`, in order.
    pub fn from_items<T: AsRef<[u8]>>(items: &[T]) -> Listpack {
        let mut lp = Listpack::new();
        for i in items {
            lp.append(i.as_ref());
        }
        lp
    }
}

#[inline]
fn sign_extend(uv: u64, bits: u32) -> i64 {
    let shift = 64 - bits;
    ((uv << shift) as i64) >> shift
}

/// The element at position `p` of listpack bytes whose entry there has
/// been bounds-checked (by construction or by `validate_each`).
#[inline]
fn value_at(b: &[u8], p: usize) -> LpValue<'_> {
    let e = b[p];
    if e & 0x80 == 0 {
        LpValue::Int(e as i64)
    } else if e & 0xC0 == 0x80 {
        let l = (e & 0x3F) as usize;
        LpValue::Str(&b[p + 1..p + 1 + l])
    } else if e & 0xE0 == 0xC0 {
        let uv = (((e & 0x1F) as u64) << 8) | b[p + 1] as u64;
        LpValue::Int(sign_extend(uv, 13))
    } else if e & 0xF0 == 0xE0 {
        let l = (((e & 0x0F) as usize) << 8) | b[p + 1] as usize;
        LpValue::Str(&b[p + 2..p + 2 + l])
    } else {
        match e {
            0xF0 => {
                let l = u32::from_le_bytes([b[p + 1], b[p + 2], b[p + 3], b[p + 4]]) as usize;
                LpValue::Str(&b[p + 5..p + 5 + l])
            }
            0xF1 => LpValue::Int(i16::from_le_bytes([b[p + 1], b[p + 2]]) as i64),
            0xF2 => {
                let uv = u32::from_le_bytes([b[p + 1], b[p + 2], b[p + 3], 0]) as u64;
                LpValue::Int(sign_extend(uv, 24))
            }
            0xF3 => LpValue::Int(i32::from_le_bytes([b[p + 1], b[p + 2], b[p + 3], b[p + 4]]) as i64),
            0xF4 => {
                let mut x = [0u8; 8];
                x.copy_from_slice(&b[p + 1..p + 9]);
                LpValue::Int(i64::from_le_bytes(x))
            }
            _ => panic!("listpack: corrupt encoding"),
        }
    }
}

/// lpDecodeBacklen: reads a backlen whose last byte is at `p`, right to left.
fn decode_backlen(buf: &[u8], mut p: usize) -> Option<usize> {
    let mut val: u64 = 0;
    let mut shift = 0;
    loop {
        let b = *buf.get(p)?;
        val |= ((b & 127) as u64) << shift;
        if b & 128 == 0 {
            break;
        }
        shift += 7;
        if shift > 28 || p == 0 {
            return None;
        }
        p -= 1;
    }
    Some(val as usize)
}

pub struct Iter<'a> {
    lp: &'a Listpack,
    pos: Option<usize>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = LpValue<'a>;
    #[inline]
    fn next(&mut self) -> Option<LpValue<'a>> {
        let p = self.pos?;
        self.pos = self.lp.next(p);
        Some(self.lp.get(p))
    }
}

pub struct RevIter<'a> {
    lp: &'a Listpack,
    pos: Option<usize>,
}

impl<'a> Iterator for RevIter<'a> {
    type Item = LpValue<'a>;
    #[inline]
    fn next(&mut self) -> Option<LpValue<'a>> {
        let p = self.pos?;
        self.pos = self.lp.prev(p);
        Some(self.lp.get(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::rand::TestRng;

    fn collect(lp: &Listpack) -> Vec<Vec<u8>> {
        lp.iter().map(|v| v.to_vec()).collect()
    }

    /// Raw bytes of one encoded entry (encoding + data + backlen).
    fn entry_bytes(ele: &[u8]) -> Vec<u8> {
        let mut lp = Listpack::new();
        lp.append(ele);
        lp.bytes()[HEADER_SIZE..lp.size() - 1].to_vec()
    }

    #[test]
    fn str_len_counts_digits_as_formatting_would() {
        for n in [0, 1, 9, 10, 99, 100, -1, -9, -10, 12345, i64::MAX, i64::MIN, i64::MIN + 1] {
            let mut b = [0u8; 20];
            assert_eq!(LpValue::Int(n).str_len(), LpValue::Int(n).as_bytes(&mut b).len(), "{n}");
        }
        assert_eq!(LpValue::Str(b"abc").str_len(), 3);
    }

    #[test]
    fn validate_each_sees_every_entry_and_can_refuse() {
        let lp = Listpack::from_items(&[&b"a"[..], b"17", b"ccc"]);
        let mut seen = Vec::new();
        Listpack::validate_each(lp.bytes(), |e| {
            seen.push(e.to_vec());
            true
        })
        .unwrap();
        assert_eq!(seen, vec![b"a".to_vec(), b"17".to_vec(), b"ccc".to_vec()]);
        let refused = Listpack::validate_each(lp.bytes(), |e| e != LpValue::Int(17));
        assert!(matches!(refused, Err(LpError::Rejected(_))));
    }

    #[test]
    fn layout_matches_redis_dump() {
        // RPUSH l a 1 -1 1000 hello; DUMP l on redis-server 7.0.15 holds this
        // listpack as the quicklist's single node.
        let lp = Listpack::from_items(&["a", "1", "-1", "1000", "hello"]);
        let want: &[u8] = b"\x19\x00\x00\x00\x05\x00\x81a\x02\x01\x01\xdf\xff\x02\xc3\xe8\x02\x85hello\x06\xff";
        assert_eq!(lp.bytes(), want);
        assert_eq!(Listpack::from_bytes(want.to_vec()).unwrap(), lp);
    }

    #[test]
    fn integer_encoding_boundaries() {
        let cases: &[(i64, &[u8])] = &[
            (0, b"\x00"),
            (127, b"\x7f"),
            (128, b"\xc0\x80"),
            (4095, b"\xcf\xff"),
            (4096, b"\xf1\x00\x10"),
            (-1, b"\xdf\xff"),
            (-4096, b"\xd0\x00"),
            (-4097, b"\xf1\xff\xef"),
            (32767, b"\xf1\xff\x7f"),
            (32768, b"\xf2\x00\x80\x00"),
            (-32768, b"\xf1\x00\x80"),
            (-32769, b"\xf2\xff\x7f\xff"),
            (8388607, b"\xf2\xff\xff\x7f"),
            (8388608, b"\xf3\x00\x00\x80\x00"),
            (-8388608, b"\xf2\x00\x00\x80"),
            (-8388609, b"\xf3\xff\xff\x7f\xff"),
            (2147483647, b"\xf3\xff\xff\xff\x7f"),
            (2147483648, b"\xf4\x00\x00\x00\x80\x00\x00\x00\x00"),
            (-2147483648, b"\xf3\x00\x00\x00\x80"),
            (-2147483649, b"\xf4\xff\xff\xff\x7f\xff\xff\xff\xff"),
            (i64::MAX, b"\xf4\xff\xff\xff\xff\xff\xff\xff\x7f"),
            (i64::MIN, b"\xf4\x00\x00\x00\x00\x00\x00\x00\x80"),
        ];
        for (v, enc) in cases {
            let s = v.to_string();
            let e = entry_bytes(s.as_bytes());
            let mut want = enc.to_vec();
            want.push(enc.len() as u8);
            assert_eq!(e, want, "encoding of {}", v);
            let lp = Listpack::from_items(&[s.as_bytes()]);
            assert_eq!(lp.get(lp.first().unwrap()), LpValue::Int(*v));
            assert_eq!(collect(&lp), vec![s.into_bytes()]);
        }
    }

    #[test]
    fn strings_that_are_not_integers_stay_strings() {
        for s in ["+1", "01", "-0", " 1", "1 ", "9223372036854775808", "-9223372036854775809", "", "1.0", "0x10"] {
            let lp = Listpack::from_items(&[s]);
            assert_eq!(lp.get(lp.first().unwrap()), LpValue::Str(s.as_bytes()), "{:?}", s);
        }
    }

    #[test]
    fn string_encoding_boundaries() {
        for (len, hdr, back) in [
            (0usize, vec![0x80u8], vec![1u8]),
            (63, vec![0xBF], vec![64]),
            (64, vec![0xE0, 64], vec![66]),
            (125, vec![0xE0, 125], vec![127]),
            (126, vec![0xE0, 126], vec![1, 128]),
            (4095, vec![0xEF, 0xFF], vec![(4097 >> 7) as u8, (4097 & 127) as u8 | 128]),
            (4096, vec![0xF0, 0, 0x10, 0, 0], vec![(4101 >> 7) as u8, (4101 & 127) as u8 | 128]),
            (20000, vec![0xF0, 0x20, 0x4E, 0, 0], vec![(20005 >> 14) as u8, ((20005 >> 7) & 127) as u8 | 128, (20005 & 127) as u8 | 128]),
        ] {
            let s = vec![b'x'; len];
            let e = entry_bytes(&s);
            let mut want = hdr.clone();
            want.extend_from_slice(&s);
            want.extend_from_slice(&back);
            assert_eq!(e, want, "string of {}", len);
            // Round trip backwards too.
            let lp = Listpack::from_items(&[&b"a"[..], &s, b"b"]);
            let back: Vec<Vec<u8>> = lp.iter_rev().map(|v| v.to_vec()).collect();
            assert_eq!(back, vec![b"b".to_vec(), s.clone(), b"a".to_vec()]);
            Listpack::validate(lp.bytes()).unwrap();
        }
    }

    #[test]
    fn insert_delete_replace_seek() {
        let mut lp = Listpack::new();
        assert!(lp.is_empty());
        assert_eq!(lp.first(), None);
        assert_eq!(lp.last(), None);
        for i in 0..10 {
            lp.append(format!("e{}", i).as_bytes());
        }
        lp.prepend(b"head");
        assert_eq!(lp.len(), 11);
        assert_eq!(lp.get(lp.seek(0).unwrap()).to_vec(), b"head");
        assert_eq!(lp.get(lp.seek(-1).unwrap()).to_vec(), b"e9");
        assert_eq!(lp.get(lp.seek(-11).unwrap()).to_vec(), b"head");
        assert_eq!(lp.seek(11), None);
        assert_eq!(lp.seek(-12), None);
        let p = lp.seek(3).unwrap();
        lp.insert_before(Some(p), b"12345");
        assert_eq!(lp.get(lp.seek(3).unwrap()), LpValue::Int(12345));
        let p = lp.seek(3).unwrap();
        lp.insert_after(p, &[b'z'; 300]);
        assert_eq!(lp.get(lp.seek(4).unwrap()).to_vec(), vec![b'z'; 300]);
        let p = lp.seek(4).unwrap();
        lp.replace(p, b"small");
        assert_eq!(lp.get(lp.seek(4).unwrap()).to_vec(), b"small");
        let p = lp.seek(4).unwrap();
        lp.replace(p, &[b'y'; 5000]);
        assert_eq!(lp.get(lp.seek(4).unwrap()).to_vec(), vec![b'y'; 5000]);
        Listpack::validate(lp.bytes()).unwrap();
        let p = lp.seek(4).unwrap();
        let next = lp.delete(p).unwrap();
        assert_eq!(lp.get(next).to_vec(), b"e2");
        assert_eq!(lp.len(), 12);
        assert_eq!(lp.delete_range(-3, 10), 3);
        assert_eq!(lp.len(), 9);
        let all = collect(&lp);
        assert_eq!(all.first().unwrap(), b"head");
        assert_eq!(all.last().unwrap(), b"e6");
        let last = lp.last().unwrap();
        assert_eq!(lp.delete(last), None);
        Listpack::validate(lp.bytes()).unwrap();
        let tail = lp.split_off(lp.seek(2).unwrap());
        assert_eq!(lp.len(), 2);
        assert_eq!(tail.len(), 6);
        Listpack::validate(tail.bytes()).unwrap();
        Listpack::validate(lp.bytes()).unwrap();
        let mut merged = lp.clone();
        merged.merge(&tail);
        assert_eq!(collect(&merged).len(), 8);
        Listpack::validate(merged.bytes()).unwrap();
    }

    #[test]
    fn count_saturates_at_65535() {
        let mut lp = Listpack::new();
        for _ in 0..65536 {
            lp.append(b"1");
        }
        assert_eq!(&lp.bytes()[4..6], &[0xFF, 0xFF]);
        assert_eq!(lp.len(), 65536);
        Listpack::validate(lp.bytes()).unwrap();
        lp.delete_range(0, 2);
        assert_eq!(lp.len(), 65534);
        assert_eq!(&lp.bytes()[4..6], &65534u16.to_le_bytes());
    }

    #[test]
    fn validation_rejects_garbage_without_panicking() {
        let good = Listpack::from_items(&["a", "1000", "hello", "x".repeat(200).as_str()]).into_bytes();
        assert!(Listpack::validate(&good).is_ok());
        assert_eq!(Listpack::validate(&[]), Err(LpError::TooShort));
        let mut bad = good.clone();
        bad[0] += 1;
        assert_eq!(Listpack::validate(&bad), Err(LpError::TotalBytesMismatch));
        let mut bad = good.clone();
        *bad.last_mut().unwrap() = 0;
        assert_eq!(Listpack::validate(&bad), Err(LpError::MissingTerminator));
        let mut bad = good.clone();
        bad[4] = 9;
        assert_eq!(Listpack::validate(&bad), Err(LpError::CountMismatch));
        let mut bad = good.clone();
        bad[HEADER_SIZE + 2] = 7; // backlen of "a"
        assert!(Listpack::validate(&bad).is_err());
        let mut bad = good.clone();
        bad[HEADER_SIZE] = 0xF7; // no such encoding
        assert_eq!(Listpack::validate(&bad), Err(LpError::BadEncoding(HEADER_SIZE)));
        // Every truncation and every single-byte corruption: an error or a
        // listpack we can walk, never a panic.
        for cut in 0..good.len() {
            let mut b = good[..cut].to_vec();
            if b.len() >= 4 {
                b[0..4].copy_from_slice(&(cut as u32).to_le_bytes());
            }
            let _ = Listpack::validate(&b);
        }
        for i in 0..good.len() {
            for v in [0u8, 0x7F, 0x80, 0xBF, 0xE0, 0xF0, 0xF4, 0xFF] {
                let mut b = good.clone();
                b[i] = v;
                if let Ok(lp) = Listpack::from_bytes(b) {
                    let n = lp.iter().count();
                    assert_eq!(n, lp.iter_rev().count());
                }
            }
        }
    }

    #[test]
    fn random_round_trips() {
        let mut rng = TestRng(0x1234_5678_9abc_def0u64);
        let mut rnd = || rng.next();
        let mut lp = Listpack::new();
        let mut model: Vec<Vec<u8>> = Vec::new();
        for _ in 0..3000 {
            let r = rnd();
            let ele: Vec<u8> = match r % 5 {
                0 => ((rnd() as i64) >> (rnd() % 64)).to_string().into_bytes(),
                1 => vec![b'a' + (r % 26) as u8; (rnd() % 70) as usize],
                2 => vec![b'q'; (rnd() % 5000) as usize],
                3 => (rnd() % 300).to_string().into_bytes(),
                _ => format!("k{}", rnd() % 1000).into_bytes(),
            };
            match rnd() % 6 {
                0 | 1 => {
                    lp.append(&ele);
                    model.push(ele);
                }
                2 => {
                    lp.prepend(&ele);
                    model.insert(0, ele);
                }
                3 if !model.is_empty() => {
                    let i = (rnd() % model.len() as u64) as usize;
                    let p = lp.seek(i as i64).unwrap();
                    lp.replace(p, &ele);
                    model[i] = ele;
                }
                4 if !model.is_empty() => {
                    let i = (rnd() % model.len() as u64) as usize;
                    let p = lp.seek(i as i64).unwrap();
                    lp.delete(p);
                    model.remove(i);
                }
                _ => {
                    let i = (rnd() % (model.len() as u64 + 1)) as usize;
                    let p = lp.seek(i as i64);
                    lp.insert_before(p, &ele);
                    model.insert(i, ele);
                }
            }
        }
        assert_eq!(lp.len(), model.len());
        assert_eq!(collect(&lp), model);
        let mut rev: Vec<Vec<u8>> = lp.iter_rev().map(|v| v.to_vec()).collect();
        rev.reverse();
        assert_eq!(rev, model);
        let copy = Listpack::from_bytes(lp.bytes().to_vec()).unwrap();
        assert_eq!(collect(&copy), model);
    }
}
