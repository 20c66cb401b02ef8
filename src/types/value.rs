//! Keys and values as the keyspace stores them; mirrors object.c.
//!
//! Both types are sized for memory per key: a `Key` is 24 bytes and holds
//! keys up to 22 bytes inline (no allocation for typical keys such as
//! `user:1234`), a `Value` is 16 bytes and holds integers and strings up to
//! 14 bytes inline. A keyspace entry (key, value, chain link) is therefore
//! 48 bytes, one jemalloc size class, with no further allocation for small
//! strings.

use super::sds::Sds;
use crate::util::num::{parse_i64_strict, write_i64};

/// Longest key stored inline.
const KEY_INLINE: usize = 19;
/// Longest string value stored inline.
const EMB_INLINE: usize = 14;
/// Redis stores strings up to this size as `embstr`.
pub const EMBSTR_LIMIT: usize = 44;

/// A key as the keyspace stores it. Besides the bytes it carries the
/// entry's 24-bit LRU/LFU clock (Redis keeps that in the robj header): the
/// three bytes fit in padding both variants have anyway, so the access
/// clock costs no memory.
#[derive(Clone)]
pub enum Key {
    Inline { len: u8, lru: [u8; 3], data: [u8; KEY_INLINE] },
    Heap { lru: [u8; 3], bytes: Box<[u8]> },
}

impl Key {
    pub fn new(bytes: &[u8]) -> Key {
        if bytes.len() <= KEY_INLINE {
            let mut data = [0u8; KEY_INLINE];
            data[..bytes.len()].copy_from_slice(bytes);
            Key::Inline { len: bytes.len() as u8, lru: [0; 3], data }
        } else {
            Key::Heap { lru: [0; 3], bytes: bytes.into() }
        }
    }

    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Key::Inline { len, data, .. } => &data[..*len as usize],
            Key::Heap { bytes, .. } => bytes,
        }
    }

    /// The 24-bit access clock (LRU seconds, or LFU time+counter).
    #[inline]
    pub fn lru(&self) -> u32 {
        let l = match self {
            Key::Inline { lru, .. } | Key::Heap { lru, .. } => lru,
        };
        u32::from_le_bytes([l[0], l[1], l[2], 0])
    }

    #[inline]
    pub fn set_lru(&mut self, v: u32) {
        let b = v.to_le_bytes();
        match self {
            Key::Inline { lru, .. } | Key::Heap { lru, .. } => *lru = [b[0], b[1], b[2]],
        }
    }

    /// Heap bytes owned beyond the inline struct.
    pub fn heap_size(&self) -> usize {
        match self {
            Key::Inline { .. } => 0,
            Key::Heap { bytes, .. } => bytes.len(),
        }
    }

    /// `heap_size` of the key `Key::new(bytes)` would make.
    pub fn heap_size_for(bytes: &[u8]) -> usize {
        if bytes.len() <= KEY_INLINE {
            0
        } else {
            bytes.len()
        }
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

/// A stored value. String encodings follow Redis's OBJECT ENCODING names:
/// `Int` is "int"; `Emb` and short `Str` are "embstr"; `Str` longer than 44
/// bytes or modified in place is "raw".
#[derive(Clone, Debug)]
pub enum Value {
    Int(i64),
    Emb { len: u8, data: [u8; EMB_INLINE] },
    Str(Sds),
    List(Box<super::list::List>),
    Set(Box<super::set::Set>),
    Hash(Box<super::hash::Hash>),
    ZSet(Box<super::zset::ZSet>),
}

impl Value {
    /// The value Redis would store for `bytes` after tryObjectEncoding.
    pub fn from_bytes(bytes: &[u8]) -> Value {
        if bytes.len() <= 20 {
            if let Some(n) = parse_i64_strict(bytes) {
                return Value::Int(n);
            }
        }
        Value::plain_string(bytes)
    }

    /// A string value that is never integer-encoded (Redis keeps values set
    /// by e.g. SETRANGE as plain strings).
    pub fn plain_string(bytes: &[u8]) -> Value {
        if bytes.len() <= EMB_INLINE {
            let mut data = [0u8; EMB_INLINE];
            data[..bytes.len()].copy_from_slice(bytes);
            Value::Emb { len: bytes.len() as u8, data }
        } else {
            Value::Str(Sds::from_bytes(bytes))
        }
    }

    /// A "raw" string: what APPEND/SETRANGE leave behind.
    pub fn raw_string(sds: Sds) -> Value {
        let mut sds = sds;
        sds.set_raw(true);
        Value::Str(sds)
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Value::Int(_) | Value::Emb { .. } | Value::Str(_))
    }

    /// The TYPE name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) | Value::Emb { .. } | Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Hash(_) => "hash",
            Value::ZSet(_) => "zset",
        }
    }

    /// The OBJECT ENCODING name.
    pub fn encoding(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::Emb { .. } => "embstr",
            Value::Str(s) => {
                if s.is_raw() || s.len() > EMBSTR_LIMIT {
                    "raw"
                } else {
                    "embstr"
                }
            }
            Value::List(l) => l.encoding(),
            Value::Set(s) => s.encoding(),
            Value::Hash(h) => h.encoding(),
            Value::ZSet(z) => z.encoding(),
        }
    }

    /// The bytes of a string value; integers are formatted into `buf`.
    /// Returns None for non-string types.
    #[inline]
    pub fn string_bytes<'a>(&'a self, buf: &'a mut [u8; 20]) -> Option<&'a [u8]> {
        match self {
            Value::Int(n) => {
                let len = write_i64(*n, buf);
                Some(&buf[..len])
            }
            Value::Emb { len, data } => Some(&data[..*len as usize]),
            Value::Str(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    /// Length of a string value in bytes (STRLEN), None for other types.
    pub fn string_len(&self) -> Option<usize> {
        let mut buf = [0u8; 20];
        self.string_bytes(&mut buf).map(|b| b.len())
    }

    /// Turns a string value into an owned, growable raw string (APPEND,
    /// SETRANGE modify strings in place, as dbUnshareStringValue does).
    pub fn make_raw(&mut self) -> Option<&mut Sds> {
        if !self.is_string() {
            return None;
        }
        if !matches!(self, Value::Str(_)) {
            let mut buf = [0u8; 20];
            let bytes = self.string_bytes(&mut buf).unwrap();
            let sds = Sds::from_bytes(bytes);
            *self = Value::Str(sds);
        }
        match self {
            Value::Str(s) => {
                s.set_raw(true);
                Some(s)
            }
            _ => None,
        }
    }

    /// Heap bytes owned by the value beyond its 16-byte slot (MEMORY USAGE).
    pub fn heap_size(&self) -> usize {
        match self {
            Value::Int(_) | Value::Emb { .. } => 0,
            Value::Str(s) => s.alloc_size(),
            Value::List(l) => l.mem_usage(),
            Value::Set(s) => s.mem_usage(),
            Value::Hash(h) => h.mem_usage(),
            Value::ZSet(z) => z.mem_usage(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_stay_compact() {
        assert_eq!(std::mem::size_of::<Key>(), 24);
        assert_eq!(std::mem::size_of::<Value>(), 16);
    }

    #[test]
    fn encodings_match_redis() {
        assert_eq!(Value::from_bytes(b"123").encoding(), "int");
        assert_eq!(Value::from_bytes(b"-9223372036854775808").encoding(), "int");
        assert_eq!(Value::from_bytes(b"9223372036854775808").encoding(), "embstr");
        assert_eq!(Value::from_bytes(b"0123").encoding(), "embstr");
        assert_eq!(Value::from_bytes(b"+1").encoding(), "embstr");
        assert_eq!(Value::from_bytes(&[b'a'; 44]).encoding(), "embstr");
        assert_eq!(Value::from_bytes(&[b'a'; 45]).encoding(), "raw");
        let mut v = Value::from_bytes(b"ab");
        v.make_raw().unwrap().extend_from_slice(b"c");
        assert_eq!(v.encoding(), "raw");
        let mut buf = [0u8; 20];
        assert_eq!(v.string_bytes(&mut buf).unwrap(), b"abc");
    }

    #[test]
    fn keys_inline_and_heap() {
        let mut k = Key::new(b"user:1234");
        assert_eq!(k.as_bytes(), b"user:1234");
        assert_eq!(k.heap_size(), 0);
        k.set_lru(0xabcdef);
        assert_eq!(k.lru(), 0xabcdef);
        assert_eq!(k.as_bytes(), b"user:1234");
        let long = [b'k'; 100];
        let k = Key::new(&long);
        assert_eq!(k.as_bytes(), &long[..]);
    }
}
