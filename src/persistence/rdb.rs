//! The RDB format: encoding values and whole snapshots, decoding them back;
//! mirrors rdb.c (plus the ziplist/zipmap readers of ziplist.c, zipmap.c
//! that loading old files needs).
//!
//! A file is `REDIS` + 4 version digits, AUX fields, then per database
//! `SELECTDB`, `RESIZEDB` and its keys (each optionally preceded by
//! `EXPIRETIME_MS`, `IDLE`, `FREQ`), then `EOF` and a CRC-64 of everything
//! before it. We write version 10 (Redis 7.0) and read versions 1 to 11.
//!
//! Loading never trusts the file: every length is checked against what
//! can still be read, nothing is allocated from a claimed size, every
//! packed blob (listpack, ziplist, intset, zipmap) is validated before it
//! is adopted, and every failure is a `LoadError` naming the offset and
//! the problem. Values are decoded into fresh databases that replace the
//! live ones only when the whole file loaded.
//!
//! Hashes and sorted sets are being built on other branches: their
//! payloads are decoded here as far as the format goes (pairs, or a
//! validated listpack) and handed to `hash_from_*` / `zset_from_*`, which
//! refuse with a clear "not supported yet" until those types land; their
//! encoders `save_hash_*` / `save_zset_*` are ready for the same moment.

use super::crc64::crc64;
use super::lzf;
use crate::config::SanitizeDump;
use crate::db::Db;
use crate::types::hash::Hash;
use crate::types::intset::Intset;
use crate::types::list::{End, List};
use crate::types::listpack::{Listpack, LpValue};
use crate::types::set::Set;
use crate::types::value::{Key, Value};
use crate::types::zset::{Limits as ZsetLimits, ZSet};
use crate::util::hash::hash_bytes;
use crate::util::num::parse_i64_strict;
use std::collections::HashSet;
use std::io::{self, Read, Write};

/// The version we write (Redis 7.0).
pub const RDB_VERSION: u16 = 10;
/// The newest version we read (Redis 7.2).
pub const RDB_LOAD_VERSION_MAX: u16 = 11;

/// Value type bytes (RDB_TYPE_*).
pub mod ty {
    pub const STRING: u8 = 0;
    pub const LIST: u8 = 1;
    pub const SET: u8 = 2;
    pub const ZSET: u8 = 3;
    pub const HASH: u8 = 4;
    pub const ZSET_2: u8 = 5;
    pub const MODULE: u8 = 6;
    pub const MODULE_2: u8 = 7;
    pub const HASH_ZIPMAP: u8 = 9;
    pub const LIST_ZIPLIST: u8 = 10;
    pub const SET_INTSET: u8 = 11;
    pub const ZSET_ZIPLIST: u8 = 12;
    pub const HASH_ZIPLIST: u8 = 13;
    pub const LIST_QUICKLIST: u8 = 14;
    pub const STREAM_LISTPACKS: u8 = 15;
    pub const HASH_LISTPACK: u8 = 16;
    pub const ZSET_LISTPACK: u8 = 17;
    pub const LIST_QUICKLIST_2: u8 = 18;
    pub const STREAM_LISTPACKS_2: u8 = 19;
    pub const SET_LISTPACK: u8 = 20;
    pub const STREAM_LISTPACKS_3: u8 = 21;
}

/// Opcodes (RDB_OPCODE_*).
pub mod op {
    pub const FUNCTION2: u8 = 245;
    pub const FUNCTION: u8 = 246;
    pub const MODULE_AUX: u8 = 247;
    pub const IDLE: u8 = 248;
    pub const FREQ: u8 = 249;
    pub const AUX: u8 = 250;
    pub const RESIZEDB: u8 = 251;
    pub const EXPIRETIME_MS: u8 = 252;
    pub const EXPIRETIME: u8 = 253;
    pub const SELECTDB: u8 = 254;
    pub const EOF: u8 = 255;
}

// Length prefixes: the top two bits of the first byte.
const LEN_6BIT: u8 = 0;
const LEN_14BIT: u8 = 1;
const LEN_32BIT: u8 = 0x80;
const LEN_64BIT: u8 = 0x81;
const ENCVAL: u8 = 3;
// Special string encodings (after ENCVAL).
const ENC_INT8: u8 = 0;
const ENC_INT16: u8 = 1;
const ENC_INT32: u8 = 2;
const ENC_LZF: u8 = 3;
// Quicklist-2 node containers.
const QUICKLIST_NODE_PLAIN: u64 = 1;
const QUICKLIST_NODE_PACKED: u64 = 2;

// ---------------------------------------------------------------------------
// Encoding

/// Appends RDB encodings to a buffer (the rio target of rdbSave*).
pub struct Encoder {
    pub buf: Vec<u8>,
    /// rdbcompression: LZF-compress strings over 20 bytes when it pays.
    pub compress: bool,
}

impl Encoder {
    pub fn new(compress: bool) -> Encoder {
        Encoder { buf: Vec::with_capacity(64 * 1024), compress }
    }

    #[inline]
    pub fn save_type(&mut self, t: u8) {
        self.buf.push(t);
    }

    /// rdbSaveLen
    pub fn save_len(&mut self, n: u64) {
        if n < 1 << 6 {
            self.buf.push((LEN_6BIT << 6) | n as u8);
        } else if n < 1 << 14 {
            self.buf.push((LEN_14BIT << 6) | (n >> 8) as u8);
            self.buf.push(n as u8);
        } else if n <= u32::MAX as u64 {
            self.buf.push(LEN_32BIT);
            self.buf.extend_from_slice(&(n as u32).to_be_bytes());
        } else {
            self.buf.push(LEN_64BIT);
            self.buf.extend_from_slice(&n.to_be_bytes());
        }
    }

    /// rdbSaveMillisecondTime: 8 bytes little-endian.
    pub fn save_millis(&mut self, ms: i64) {
        self.buf.extend_from_slice(&ms.to_le_bytes());
    }

    /// rdbEncodeInteger: the int8/16/32 special encodings; false when `v`
    /// needs more than 32 bits.
    fn save_int_encoded(&mut self, v: i64) -> bool {
        if (-(1 << 7)..(1 << 7)).contains(&v) {
            self.buf.push((ENCVAL << 6) | ENC_INT8);
            self.buf.push(v as i8 as u8);
        } else if (-(1 << 15)..(1 << 15)).contains(&v) {
            self.buf.push((ENCVAL << 6) | ENC_INT16);
            self.buf.extend_from_slice(&(v as i16).to_le_bytes());
        } else if (-(1i64 << 31)..(1i64 << 31)).contains(&v) {
            self.buf.push((ENCVAL << 6) | ENC_INT32);
            self.buf.extend_from_slice(&(v as i32).to_le_bytes());
        } else {
            return false;
        }
        true
    }

    /// rdbSaveRawString: integer-encoded when the bytes are a canonical
    /// integer of up to 32 bits, LZF-compressed when over 20 bytes and
    /// compression saves at least 4 bytes, else length + bytes.
    pub fn save_string(&mut self, s: &[u8]) {
        if s.len() <= 11 {
            if let Some(v) = parse_i64_strict(s) {
                if self.save_int_encoded(v) {
                    return;
                }
            }
        }
        if self.compress && s.len() > 20 {
            if let Some(c) = lzf::compress(s, s.len() - 4) {
                self.buf.push((ENCVAL << 6) | ENC_LZF);
                self.save_len(c.len() as u64);
                self.save_len(s.len() as u64);
                self.buf.extend_from_slice(&c);
                return;
            }
        }
        self.save_len(s.len() as u64);
        self.buf.extend_from_slice(s);
    }

    /// rdbSaveLongLongAsStringObject
    pub fn save_i64(&mut self, v: i64) {
        if !self.save_int_encoded(v) {
            let mut b = [0u8; 20];
            let n = crate::util::num::write_i64(v, &mut b);
            self.save_len(n as u64);
            self.buf.extend_from_slice(&b[..n]);
        }
    }

    /// rdbSaveBinaryDoubleValue (ZSET_2 scores).
    pub fn save_binary_double(&mut self, v: f64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// rdbSaveAuxFieldStrStr
    pub fn save_aux(&mut self, key: &str, val: &[u8]) {
        self.save_type(op::AUX);
        self.save_string(key.as_bytes());
        self.save_string(val);
    }

    /// The type byte Redis 7.0 writes for `v` (rdbSaveObjectType).
    pub fn object_type(v: &Value) -> u8 {
        match v {
            Value::Int(_) | Value::Emb { .. } | Value::Str(_) => ty::STRING,
            Value::List(_) => ty::LIST_QUICKLIST_2,
            Value::Set(s) => {
                if s.as_intset().is_some() {
                    ty::SET_INTSET
                } else {
                    ty::SET
                }
            }
            Value::Hash(h) => {
                if h.as_listpack().is_some() {
                    ty::HASH_LISTPACK
                } else {
                    ty::HASH
                }
            }
            Value::ZSet(z) => {
                if z.as_listpack().is_some() {
                    ty::ZSET_LISTPACK
                } else {
                    ty::ZSET_2
                }
            }
        }
    }

    /// The type byte and the value (rdbSaveObjectType + rdbSaveObject).
    pub fn save_object(&mut self, v: &Value) {
        let t = Self::object_type(v);
        self.save_type(t);
        self.save_value(v)
    }

    /// The value without its type byte (rdbSaveObject).
    pub fn save_value(&mut self, v: &Value) {
        match v {
            Value::Int(n) => self.save_i64(*n),
            Value::Emb { .. } | Value::Str(_) => {
                let mut b = [0u8; 20];
                self.save_string(v.string_bytes(&mut b).unwrap_or_default());
            }
            Value::List(l) => {
                // Nodes are byte-exact listpacks: written as they are.
                self.save_len(l.node_count() as u64);
                for node in l.nodes() {
                    self.save_len(QUICKLIST_NODE_PACKED);
                    self.save_string(node.bytes());
                }
            }
            Value::Set(s) => match s.as_intset() {
                Some(is) => self.save_string(is.as_bytes()),
                None => {
                    self.save_len(s.len() as u64);
                    let mut b = [0u8; 20];
                    for m in s.iter() {
                        self.save_string(m.bytes(&mut b));
                    }
                }
            },
            Value::Hash(h) => match h.as_listpack() {
                Some(lp) => self.save_string(lp.bytes()),
                None => {
                    self.save_len(h.len() as u64);
                    let (mut fb, mut vb) = ([0u8; 20], [0u8; 20]);
                    for (f, v) in h.iter() {
                        self.save_string(f.as_bytes(&mut fb));
                        self.save_string(v.as_bytes(&mut vb));
                    }
                }
            },
            Value::ZSet(z) => match z.as_listpack() {
                Some(lp) => self.save_string(lp.bytes()),
                None => {
                    // From the highest score down, as Redis writes it, so
                    // that loading inserts each element at the head.
                    self.save_len(z.len() as u64);
                    let mut b = [0u8; 20];
                    for (m, score) in z.iter_from(0, true) {
                        self.save_string(m.as_bytes(&mut b));
                        self.save_binary_double(score);
                    }
                }
            },
        }
    }
}

/// The DUMP payload of a value: type, value, RDB version, CRC-64
/// (createDumpPayload).
pub fn dump_payload(v: &Value) -> Vec<u8> {
    let mut enc = Encoder::new(true);
    enc.save_object(v);
    enc.buf.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = crc64(0, &enc.buf);
    enc.buf.extend_from_slice(&crc.to_le_bytes());
    enc.buf
}

/// verifyDumpPayload: a footer with a version up to ours (10: Redis 7.0
/// refuses 7.2's payloads too, and RESTORE replies as 7.0 does) and a
/// matching CRC. Returns the version.
pub fn verify_dump_payload(p: &[u8]) -> Option<u16> {
    if p.len() < 10 {
        return None;
    }
    let footer = &p[p.len() - 10..];
    let ver = u16::from_le_bytes([footer[0], footer[1]]);
    if ver > RDB_VERSION {
        return None;
    }
    let crc = crc64(0, &p[..p.len() - 8]);
    (crc.to_le_bytes() == footer[2..]).then_some(ver)
}

/// What a snapshot records besides the data.
pub struct SnapshotInfo {
    pub ctime: i64,
    pub used_mem: usize,
    pub compress: bool,
    pub checksum: bool,
    /// fsync every few MB while writing (rdb-save-incremental-fsync).
    pub incremental_fsync: bool,
}

/// Writes a whole snapshot of `dbs` to `out` (rdbSaveRio): header, AUX
/// fields, every database, EOF and the checksum. Output is flushed in
/// 64 KB pieces so that memory stays flat whatever the dataset size.
pub fn write_snapshot<W: Write>(out: &mut W, dbs: &[Db], info: &SnapshotInfo) -> io::Result<u64> {
    let mut enc = Encoder::new(info.compress);
    let mut crc = 0u64;
    let mut written = 0u64;
    let mut flush = |enc: &mut Encoder, out: &mut W| -> io::Result<()> {
        if info.checksum {
            crc = crc64(crc, &enc.buf);
        }
        out.write_all(&enc.buf)?;
        written += enc.buf.len() as u64;
        enc.buf.clear();
        Ok(())
    };
    enc.buf.extend_from_slice(format!("REDIS{:04}", RDB_VERSION).as_bytes());
    enc.save_aux("redis-ver", crate::server::REDIS_VERSION.as_bytes());
    enc.save_aux("redis-bits", b"64");
    enc.save_aux("ctime", info.ctime.to_string().as_bytes());
    enc.save_aux("used-mem", info.used_mem.to_string().as_bytes());
    enc.save_aux("aof-base", b"0");
    for db in dbs {
        if db.is_empty() {
            continue;
        }
        enc.save_type(op::SELECTDB);
        enc.save_len(db.id as u64);
        enc.save_type(op::RESIZEDB);
        enc.save_len(db.len() as u64);
        enc.save_len(db.expires.len() as u64);
        for (key, val) in db.dict.iter() {
            if let Some(when) = db.expire_of(key.as_bytes()) {
                enc.save_type(op::EXPIRETIME_MS);
                enc.save_millis(when);
            }
            // rdbSaveKeyValuePair: type, key, value.
            enc.save_type(Encoder::object_type(val));
            enc.save_string(key.as_bytes());
            enc.save_value(val);
            if enc.buf.len() >= 64 * 1024 {
                flush(&mut enc, out)?;
            }
        }
    }
    enc.save_type(op::EOF);
    flush(&mut enc, out)?;
    let sum = if info.checksum { crc } else { 0 };
    out.write_all(&sum.to_le_bytes())?;
    Ok(written + 8)
}

// ---------------------------------------------------------------------------
// Decoding

/// Why loading stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadErrorKind {
    /// The data is wrong: a bad checksum, encoding, length, blob.
    Corrupt,
    /// The file ended early.
    Eof,
    /// Valid data we cannot hold (streams, modules, types not built yet).
    Unsupported,
    /// Refused before reading any key (signature, version, db count).
    Fatal,
    /// The file could not be read.
    Io,
}

/// A load failure: where and why, in the words Redis logs.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub kind: LoadErrorKind,
    /// Bytes read when the problem was found.
    pub offset: u64,
    /// Line of the loader that noticed it (Redis reports rdb.c's).
    pub line: u32,
    pub reason: String,
}

impl LoadError {
    /// Redis's rdbReportError line.
    pub fn report(&self) -> String {
        format!("Internal error in RDB reading offset {}, function at rdb.c:{} -> {}", self.offset, self.line, self.reason)
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.report())
    }
}

macro_rules! bail {
    ($rd:expr, $kind:ident, $($fmt:tt)*) => {
        return Err($rd.error(LoadErrorKind::$kind, line!(), format!($($fmt)*)))
    };
}

/// Encoding thresholds and policies that shape loaded values.
#[derive(Clone, Debug)]
pub struct LoadConfig {
    pub set_max_intset_entries: usize,
    pub list_max_listpack_size: i64,
    pub list_compress_depth: i64,
    pub hash_max_listpack_entries: usize,
    pub hash_max_listpack_value: usize,
    pub zset_max_listpack_entries: usize,
    pub zset_max_listpack_value: usize,
    /// Keys whose deadline passed are dropped (a master's behaviour).
    pub drop_expired: bool,
    /// The time deadlines are compared with.
    pub now_ms: i64,
    /// A key present twice replaces the first (DEBUG RELOAD MERGE)
    /// instead of failing.
    pub allow_dup: bool,
    /// Verify the file's CRC-64 trailer (rdbchecksum).
    pub checksum: bool,
    /// Log AUX information (a file load, not a RESTORE).
    pub log_aux: bool,
    /// The deep checks of sanitize-dump-payload (see `validate_pairs`);
    /// the structural ones are always made.
    pub deep_sanitize: bool,
}

impl LoadConfig {
    pub fn from_config(c: &crate::config::Config, now_ms: i64) -> LoadConfig {
        LoadConfig {
            set_max_intset_entries: c.set_max_intset_entries,
            list_max_listpack_size: c.list_max_listpack_size as i64,
            list_compress_depth: c.list_compress_depth as i64,
            hash_max_listpack_entries: c.hash_max_listpack_entries,
            hash_max_listpack_value: c.hash_max_listpack_value,
            zset_max_listpack_entries: c.zset_max_listpack_entries,
            zset_max_listpack_value: c.zset_max_listpack_value,
            drop_expired: true,
            now_ms,
            allow_dup: false,
            checksum: c.rdbchecksum,
            log_aux: true,
            deep_sanitize: c.sanitize_dump_payload == SanitizeDump::Yes,
        }
    }
}

/// Counters of one load (rdb_last_load_keys_loaded/expired).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadStats {
    pub keys_loaded: u64,
    pub keys_expired: u64,
    pub empty_keys_skipped: u64,
    /// Payloads given the deep checks (dump_payload_sanitizations): each
    /// hash or sorted-set listpack, intset and list node, as Redis counts.
    pub sanitizations: u64,
}

/// A byte source with a running offset and CRC (rio), buffered itself so
/// that the small reads of the format (a type byte, a length) are a bounds
/// check, the CRC runs over whole buffers instead of each read, and an
/// LZF-compressed string is decompressed straight from the buffer.
pub struct Reader<R> {
    r: R,
    buf: Box<[u8]>,
    /// Consumed up to `start`, filled up to `end`.
    start: usize,
    end: usize,
    /// `buf[..crc_at]` is already in `crc`.
    crc_at: usize,
    crc: u64,
    /// File offset of `buf[0]`.
    base: u64,
}

/// Reader buffer size; longer reads go around the buffer.
const READ_BUF: usize = 64 * 1024;

impl<R: Read> Reader<R> {
    pub fn new(r: R) -> Reader<R> {
        Reader::with_capacity(r, READ_BUF)
    }

    /// A reader whose buffer holds `cap` bytes (at least 16, the longest
    /// fixed-size read): a RESTORE payload needs no more than its length.
    pub fn with_capacity(r: R, cap: usize) -> Reader<R> {
        Reader { r, buf: vec![0u8; cap.max(16)].into_boxed_slice(), start: 0, end: 0, crc_at: 0, crc: 0, base: 0 }
    }

    /// Bytes consumed so far.
    pub fn offset(&self) -> u64 {
        self.base + self.start as u64
    }

    fn error(&self, kind: LoadErrorKind, line: u32, reason: String) -> LoadError {
        LoadError { kind, offset: self.offset(), line, reason }
    }

    /// The CRC-64 of everything consumed so far.
    fn crc(&mut self) -> u64 {
        self.crc = crc64(self.crc, &self.buf[self.crc_at..self.start]);
        self.crc_at = self.start;
        self.crc
    }

    /// Drops the consumed bytes (into the CRC) and moves the rest to the
    /// front of the buffer.
    fn compact(&mut self) {
        self.crc();
        self.buf.copy_within(self.start..self.end, 0);
        self.base += self.start as u64;
        self.end -= self.start;
        self.start = 0;
        self.crc_at = 0;
    }

    /// Makes `n` bytes available; more than the buffer's size is an EOF
    /// error (callers read longer strings with `bytes`).
    #[cold]
    fn refill(&mut self, n: usize) -> Result<(), LoadError> {
        self.compact();
        while self.end < n {
            match self.r.read(&mut self.buf[self.end..]) {
                Ok(0) => bail!(self, Eof, "Unexpected EOF reading RDB file"),
                Ok(k) => self.end += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => bail!(self, Io, "{}", e),
            }
        }
        Ok(())
    }

    /// The next `n` bytes, consumed, borrowed from the buffer (`n` at most
    /// the buffer's size).
    #[inline]
    fn take(&mut self, n: usize) -> Result<&[u8], LoadError> {
        if self.end - self.start < n {
            self.refill(n)?;
        }
        let at = self.start;
        self.start += n;
        Ok(&self.buf[at..at + n])
    }

    #[inline]
    fn u8(&mut self) -> Result<u8, LoadError> {
        Ok(self.take(1)?[0])
    }

    #[inline]
    fn array<const N: usize>(&mut self) -> Result<[u8; N], LoadError> {
        let mut b = [0u8; N];
        b.copy_from_slice(self.take(N)?);
        Ok(b)
    }

    /// `n` bytes. Past the buffer's size they are allocated a megabyte at a
    /// time as they arrive, so a corrupt length cannot make us allocate
    /// more than the file holds; each chunk is one exact read.
    fn bytes(&mut self, n: u64) -> Result<Vec<u8>, LoadError> {
        if n <= self.buf.len() as u64 {
            return Ok(self.take(n as usize)?.to_vec());
        }
        // What the buffer holds, then straight from the source.
        let mut v = self.buf[self.start..self.end].to_vec();
        self.start = self.end;
        self.compact();
        const CHUNK: u64 = 1 << 20;
        let mut left = n - v.len() as u64;
        v.reserve(left.min(CHUNK) as usize);
        while left > 0 {
            let k = left.min(CHUNK) as usize;
            let at = v.len();
            v.resize(at + k, 0);
            match self.r.read_exact(&mut v[at..]) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => bail!(self, Eof, "Unexpected EOF reading RDB file"),
                Err(e) => bail!(self, Io, "{}", e),
            }
            self.crc = crc64(self.crc, &v[at..]);
            self.base += k as u64;
            left -= k as u64;
        }
        Ok(v)
    }

    /// rdbLoadLenByRef: (length or special encoding, is_encoded).
    fn len_enc(&mut self) -> Result<(u64, bool), LoadError> {
        let b = self.u8()?;
        match b >> 6 {
            0 => Ok(((b & 0x3f) as u64, false)),
            1 => {
                let b2 = self.u8()?;
                Ok(((((b & 0x3f) as u64) << 8) | b2 as u64, false))
            }
            3 => Ok(((b & 0x3f) as u64, true)),
            _ => match b {
                LEN_32BIT => Ok((u32::from_be_bytes(self.array()?) as u64, false)),
                LEN_64BIT => Ok((u64::from_be_bytes(self.array()?), false)),
                _ => bail!(self, Corrupt, "Unknown length encoding {} in rdbLoadLen()", b),
            },
        }
    }

    /// A plain length (rdbLoadLen); an encoded one is corruption here.
    pub fn read_len(&mut self) -> Result<u64, LoadError> {
        let (n, enc) = self.len_enc()?;
        if enc {
            bail!(self, Corrupt, "Unexpected encoded length {}", n);
        }
        Ok(n)
    }

    /// A string, integer or LZF encoded or plain (rdbGenericLoadStringObject).
    pub fn string(&mut self) -> Result<Vec<u8>, LoadError> {
        match self.string_or_int()? {
            Ok(bytes) => Ok(bytes),
            Err(n) => Ok(n.to_string().into_bytes()),
        }
    }

    /// A string; integer encodings come back as the integer (Err side).
    fn string_or_int(&mut self) -> Result<Result<Vec<u8>, i64>, LoadError> {
        let (n, enc) = self.len_enc()?;
        if !enc {
            return Ok(Ok(self.bytes(n)?));
        }
        match n as u8 {
            ENC_INT8 => Ok(Err(self.u8()? as i8 as i64)),
            ENC_INT16 => Ok(Err(i16::from_le_bytes(self.array()?) as i64)),
            ENC_INT32 => Ok(Err(i32::from_le_bytes(self.array()?) as i64)),
            ENC_LZF => {
                let clen = self.read_len()?;
                let len = self.read_len()?;
                // Read first, so that an error names the offset Redis names.
                let unpack = |c: &[u8]| if len == 0 { None } else { lzf::decompress(c, len as usize) };
                let out = if clen <= self.buf.len() as u64 { unpack(self.take(clen as usize)?) } else { unpack(&self.bytes(clen)?) };
                match out {
                    Some(v) => Ok(Ok(v)),
                    None => bail!(self, Corrupt, "Invalid LZF compressed string"),
                }
            }
            e => bail!(self, Corrupt, "Unknown RDB string encoding type {}", e),
        }
    }

    /// rdbLoadDoubleValue: the textual score of ZSET (type 3).
    fn double_text(&mut self) -> Result<f64, LoadError> {
        let n = self.u8()?;
        match n {
            255 => Ok(f64::NEG_INFINITY),
            254 => Ok(f64::INFINITY),
            253 => Ok(f64::NAN),
            _ => {
                let b = self.bytes(n as u64)?;
                match std::str::from_utf8(&b).ok().and_then(parse_double) {
                    Some(v) => Ok(v),
                    None => bail!(self, Corrupt, "Invalid double value"),
                }
            }
        }
    }

    fn double_binary(&mut self) -> Result<f64, LoadError> {
        Ok(f64::from_le_bytes(self.array()?))
    }
}

/// strtod-style parsing of a score ("1.5", "-inf", "3e10").
fn parse_double(s: &str) -> Option<f64> {
    let t = s.trim();
    match t.to_ascii_lowercase().as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => Some(f64::INFINITY),
        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
        "nan" | "-nan" | "+nan" => Some(f64::NAN),
        _ => t.parse().ok(),
    }
}

// --- hash and sorted set construction ---

/// Builds a hash from field/value pairs read from an RDB_TYPE_HASH or a
/// zipmap, in the encoding the thresholds call for.
fn hash_from_pairs(pairs: Vec<(Vec<u8>, Vec<u8>)>, cfg: &LoadConfig) -> Value {
    let h = Hash::from_pairs(pairs, cfg.hash_max_listpack_entries, cfg.hash_max_listpack_value);
    Value::Hash(Box::new(h))
}

/// Builds a hash from a listpack of field, value, field, value... that
/// `validate_pairs` accepted (RDB_TYPE_HASH_LISTPACK, or a converted
/// ziplist). As rdbLoadObject does, only the number of pairs decides the
/// encoding: finding the longest element would cost another walk.
fn hash_from_listpack(lp: Listpack, pairs: usize, cfg: &LoadConfig) -> Value {
    let mut h = Hash::from_listpack(lp);
    if pairs > cfg.hash_max_listpack_entries {
        h.convert_to_hashtable();
    }
    Value::Hash(Box::new(h))
}

/// Builds a sorted set from member/score pairs (RDB_TYPE_ZSET, ZSET_2).
fn zset_from_pairs(pairs: Vec<(Vec<u8>, f64)>, cfg: &LoadConfig) -> Value {
    let z = ZSet::from_pairs(pairs, zset_limits(cfg));
    Value::ZSet(Box::new(z))
}

fn zset_limits(cfg: &LoadConfig) -> ZsetLimits {
    ZsetLimits { entries: cfg.zset_max_listpack_entries, value: cfg.zset_max_listpack_value }
}

/// Builds a sorted set from a listpack of member, score, ... that
/// `validate_pairs` accepted (RDB_TYPE_ZSET_LISTPACK, or a converted
/// ziplist); like a hash, converted when it has too many pairs.
fn zset_from_listpack(lp: Listpack, pairs: usize, cfg: &LoadConfig) -> Value {
    let mut z = ZSet::from_listpack(lp);
    if pairs > cfg.zset_max_listpack_entries {
        z.convert_to_skiplist();
    }
    Value::ZSet(Box::new(z))
}

/// Validates a listpack of pairs (fields and values, or members and
/// scores) as lpPairsValidateIntegrityAndDups does, returning it with its
/// number of pairs. Always: every entry's bounds (our accessors rely on
/// them) and an even count. With `deep` (sanitize-dump-payload): no field
/// or member twice, found among the hashes of the first elements
/// (`any_equal`); equal hashes (a repeat, or a rare collision) are then
/// compared byte by byte. Like Redis, neither check looks at scores or
/// their order: a sorted-set listpack from a file may hold anything
/// there, and every operation tolerates that (a wrong answer at worst,
/// never a panic), as it tolerates a repeat that was not looked for.
fn validate_pairs(raw: Vec<u8>, deep: bool) -> Option<(Listpack, usize)> {
    let mut hashes: Vec<u64> = Vec::new();
    let n = if deep {
        // One allocation, sized from the header's element count (checked
        // by the walk; capped, since it is not checked yet).
        let count = raw.get(4..6).map_or(0, |c| u16::from_le_bytes([c[0], c[1]]) as usize);
        hashes.reserve((count / 2).min(1024));
        let mut b = [0u8; 20];
        let mut i = 0usize;
        Listpack::validate_each(&raw, |e| {
            if i.is_multiple_of(2) {
                hashes.push(hash_bytes(e.as_bytes(&mut b)));
            }
            i += 1;
            true
        })
        .ok()?
    } else {
        Listpack::validate(&raw).ok()?
    };
    if !n.is_multiple_of(2) {
        return None;
    }
    let lp = Listpack::from_validated(raw);
    if any_equal(&mut hashes) {
        let mut seen = HashSet::new();
        if !lp.iter().step_by(2).all(|e| seen.insert(e.to_vec())) {
            return None;
        }
    }
    Some((lp, n / 2))
}

// --- ziplist and zipmap readers (formats Redis no longer writes) ---

/// The entries of a ziplist after ziplistValidateIntegrity's checks:
/// header, per-entry prevlen and encoding, bounds, tail offset, count.
pub fn ziplist_entries(zl: &[u8]) -> Option<Vec<LpValue<'_>>> {
    const HEADER: usize = 10;
    if zl.len() < HEADER + 1 {
        return None;
    }
    let bytes = u32::from_le_bytes(zl[0..4].try_into().ok()?) as usize;
    let tail = u32::from_le_bytes(zl[4..8].try_into().ok()?) as usize;
    let count = u16::from_le_bytes([zl[8], zl[9]]);
    if bytes != zl.len() || zl[zl.len() - 1] != 0xFF || tail > zl.len() - 1 {
        return None;
    }
    let end = zl.len() - 1;
    let mut out = Vec::new();
    let mut p = HEADER;
    let mut prev_size = 0usize;
    let mut last = None;
    while p < end {
        let start = p;
        // prevlen
        let prevlen = if zl[p] < 254 {
            p += 1;
            zl[start] as usize
        } else if zl[p] == 254 {
            let v = zl.get(p + 1..p + 5)?;
            p += 5;
            u32::from_le_bytes(v.try_into().ok()?) as usize
        } else {
            return None;
        };
        if prevlen != prev_size {
            return None;
        }
        let e = *zl.get(p)?;
        p += 1;
        let value = match e >> 6 {
            0..=2 => {
                let len = match e >> 6 {
                    0 => (e & 0x3f) as usize,
                    1 => {
                        let b = *zl.get(p)?;
                        p += 1;
                        (((e & 0x3f) as usize) << 8) | b as usize
                    }
                    _ => {
                        if e != 0x80 {
                            return None;
                        }
                        let v = zl.get(p..p + 4)?;
                        p += 4;
                        u32::from_be_bytes(v.try_into().ok()?) as usize
                    }
                };
                let s = zl.get(p..p.checked_add(len)?)?;
                p += len;
                LpValue::Str(s)
            }
            _ => {
                let (n, v) = match e {
                    0xC0 => (2, i16::from_le_bytes(zl.get(p..p + 2)?.try_into().ok()?) as i64),
                    0xD0 => (4, i32::from_le_bytes(zl.get(p..p + 4)?.try_into().ok()?) as i64),
                    0xE0 => (8, i64::from_le_bytes(zl.get(p..p + 8)?.try_into().ok()?)),
                    0xF0 => {
                        let b = zl.get(p..p + 3)?;
                        (3, (i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) as i64)
                    }
                    0xFE => (1, *zl.get(p)? as i8 as i64),
                    0xF1..=0xFD => (0, (e & 0x0f) as i64 - 1),
                    _ => return None,
                };
                p += n;
                LpValue::Int(v)
            }
        };
        if p > end {
            return None;
        }
        prev_size = p - start;
        last = Some(start);
        out.push(value);
    }
    if p != end {
        return None;
    }
    match last {
        Some(l) if l != tail => return None,
        None if tail != HEADER => return None,
        _ => {}
    }
    if count != u16::MAX && count as usize != out.len() {
        return None;
    }
    Some(out)
}

/// Listpack holding `entries` in order (ziplist → listpack conversion).
fn listpack_of(entries: &[LpValue]) -> Listpack {
    let mut lp = Listpack::new();
    for e in entries {
        lp.append_value(*e);
    }
    lp
}

/// Field/value pairs of a zipmap (zipmapValidateIntegrity + iteration):
/// `<zmlen> (<len>key <len><free>value<free bytes>)* 0xFF`.
pub fn zipmap_pairs(zm: &[u8]) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
    let mut p = 1usize;
    let count = *zm.first()?;
    let mut out = Vec::new();
    let read_len = |p: &mut usize| -> Option<Option<usize>> {
        let b = *zm.get(*p)?;
        *p += 1;
        match b {
            255 => Some(None),
            254 => {
                let v = zm.get(*p..*p + 4)?;
                *p += 4;
                Some(Some(u32::from_le_bytes(v.try_into().ok()?) as usize))
            }
            n => Some(Some(n as usize)),
        }
    };
    while let Some(klen) = read_len(&mut p)? {
        let key = zm.get(p..p.checked_add(klen)?)?.to_vec();
        p += klen;
        let vlen = read_len(&mut p)??;
        let free = *zm.get(p)? as usize;
        p += 1;
        let val = zm.get(p..p.checked_add(vlen)?)?.to_vec();
        p += vlen + free;
        out.push((key, val));
    }
    if p != zm.len() {
        return None;
    }
    if count < 254 && count as usize != out.len() {
        return None;
    }
    Some(out)
}

/// Are two of the hashes equal? Up to 128 (every listpack within the
/// default thresholds) go into a small open-addressing table on the stack;
/// more are sorted.
fn any_equal(hashes: &mut [u64]) -> bool {
    if hashes.len() <= 128 {
        let mut table = [0u64; 256];
        for &h in hashes.iter() {
            let h = h | 1; // 0 marks an empty slot
            let mut i = (h >> 32) as usize & 255;
            while table[i] != 0 {
                if table[i] == h {
                    return true;
                }
                i = (i + 1) & 255;
            }
            table[i] = h;
        }
        return false;
    }
    hashes.sort_unstable();
    hashes.windows(2).any(|w| w[0] == w[1])
}

/// Decodes one value of type `t` (rdbLoadObject). `Ok(None)` is an empty
/// collection, which Redis skips with a notice.
pub fn load_object<R: Read>(rd: &mut Reader<R>, t: u8, cfg: &LoadConfig, stats: &mut LoadStats) -> Result<Option<Value>, LoadError> {
    let unsupported = |rd: &Reader<R>, r: String| rd.error(LoadErrorKind::Unsupported, line!(), r);
    let v = match t {
        ty::STRING => match rd.string_or_int()? {
            Ok(bytes) => Value::from_bytes(&bytes),
            Err(n) => Value::Int(n),
        },
        ty::LIST => {
            let n = rd.read_len()?;
            let mut l = List::new(cfg.list_max_listpack_size, cfg.list_compress_depth);
            for _ in 0..n {
                let e = rd.string()?;
                l.push(End::Tail, &e);
            }
            Value::List(Box::new(l))
        }
        ty::LIST_ZIPLIST => {
            let zl = rd.string()?;
            let Some(entries) = ziplist_entries(&zl) else { bail!(rd, Corrupt, "List ziplist integrity check failed.") };
            let mut l = List::new(cfg.list_max_listpack_size, cfg.list_compress_depth);
            let mut b = [0u8; 20];
            for e in &entries {
                l.push(End::Tail, e.as_bytes(&mut b));
            }
            Value::List(Box::new(l))
        }
        ty::LIST_QUICKLIST | ty::LIST_QUICKLIST_2 => {
            let nodes = rd.read_len()?;
            let mut l = List::new(cfg.list_max_listpack_size, cfg.list_compress_depth);
            for _ in 0..nodes {
                let container = if t == ty::LIST_QUICKLIST_2 { rd.read_len()? } else { QUICKLIST_NODE_PACKED };
                if container != QUICKLIST_NODE_PACKED && container != QUICKLIST_NODE_PLAIN {
                    bail!(rd, Corrupt, "Quicklist integrity check failed.");
                }
                let data = rd.string()?;
                if container == QUICKLIST_NODE_PLAIN {
                    l.append_node(Listpack::from_items(&[&data]));
                    continue;
                }
                let lp = if t == ty::LIST_QUICKLIST {
                    match ziplist_entries(&data) {
                        Some(entries) => listpack_of(&entries),
                        None => bail!(rd, Corrupt, "Ziplist integrity check failed."),
                    }
                } else {
                    stats.sanitizations += cfg.deep_sanitize as u64;
                    match Listpack::from_bytes(data) {
                        Ok(lp) => lp,
                        Err(_) => bail!(rd, Corrupt, "Listpack integrity check failed."),
                    }
                };
                // Empty nodes are skipped, as Redis does.
                l.append_node(lp);
            }
            Value::List(Box::new(l))
        }
        ty::SET => {
            let n = rd.read_len()?;
            let max = cfg.set_max_intset_entries;
            // Sized up front for the count, as rdbLoadObject does; a lying
            // count cannot reserve more than a million slots before the
            // members are actually read.
            let sized = n.min(1 << 20) as usize;
            let mut s = if n as usize > max { Set::new_hashtable(sized) } else { Set::new() };
            for _ in 0..n {
                let m = rd.string()?;
                if matches!(s, Set::Intset(_)) && parse_i64_strict(&m).is_none() {
                    s.convert_to_hashtable_for(sized);
                }
                if !s.add(&m, max) {
                    bail!(rd, Corrupt, "Duplicate set members detected");
                }
            }
            Value::Set(Box::new(s))
        }
        ty::SET_INTSET => {
            let blob = rd.string()?;
            stats.sanitizations += cfg.deep_sanitize as u64;
            let Some(is) = Intset::from_bytes(&blob) else { bail!(rd, Corrupt, "Intset integrity check failed.") };
            let mut s = Set::from_intset(is);
            if s.len() > cfg.set_max_intset_entries {
                s.convert_to_hashtable();
            }
            Value::Set(Box::new(s))
        }
        ty::SET_LISTPACK => {
            let blob = rd.string()?;
            let Ok(lp) = Listpack::from_bytes(blob) else { bail!(rd, Corrupt, "Set listpack integrity check failed.") };
            let mut s = Set::new();
            let mut b = [0u8; 20];
            for e in lp.iter() {
                if !s.add(e.as_bytes(&mut b), cfg.set_max_intset_entries) {
                    bail!(rd, Corrupt, "Set listpack integrity check failed.");
                }
            }
            Value::Set(Box::new(s))
        }
        ty::ZSET | ty::ZSET_2 => {
            let n = rd.read_len()?;
            let mut pairs = Vec::with_capacity(n.min(1024) as usize);
            let mut seen = HashSet::new();
            for _ in 0..n {
                let m = rd.string()?;
                let score = if t == ty::ZSET_2 { rd.double_binary()? } else { rd.double_text()? };
                if score.is_nan() {
                    bail!(rd, Corrupt, "Zset with NAN score detected");
                }
                if !seen.insert(m.clone()) {
                    bail!(rd, Corrupt, "Duplicate zset fields detected");
                }
                pairs.push((m, score));
            }
            if pairs.is_empty() {
                return Ok(None);
            }
            zset_from_pairs(pairs, cfg)
        }
        ty::HASH => {
            let n = rd.read_len()?;
            let mut pairs = Vec::with_capacity(n.min(1024) as usize);
            let mut seen = HashSet::new();
            for _ in 0..n {
                let f = rd.string()?;
                let v = rd.string()?;
                if !seen.insert(f.clone()) {
                    bail!(rd, Corrupt, "Duplicate hash fields detected");
                }
                pairs.push((f, v));
            }
            if pairs.is_empty() {
                return Ok(None);
            }
            hash_from_pairs(pairs, cfg)
        }
        ty::HASH_ZIPMAP => {
            let blob = rd.string()?;
            let Some(pairs) = zipmap_pairs(&blob) else { bail!(rd, Corrupt, "Zipmap integrity check failed.") };
            let mut seen = HashSet::new();
            if pairs.iter().any(|(f, _)| !seen.insert(f.clone())) {
                bail!(rd, Corrupt, "Zipmap integrity check failed.");
            }
            if pairs.is_empty() {
                return Ok(None);
            }
            hash_from_pairs(pairs, cfg)
        }
        ty::HASH_ZIPLIST | ty::ZSET_ZIPLIST | ty::HASH_LISTPACK | ty::ZSET_LISTPACK => {
            let blob = rd.string()?;
            let is_hash = matches!(t, ty::HASH_ZIPLIST | ty::HASH_LISTPACK);
            let what = if is_hash { "Hash" } else { "Zset" };
            // A ziplist is rewritten as the listpack Redis would convert it to.
            let raw = if matches!(t, ty::HASH_ZIPLIST | ty::ZSET_ZIPLIST) {
                match ziplist_entries(&blob) {
                    Some(entries) => listpack_of(&entries).into_bytes(),
                    None => bail!(rd, Corrupt, "{} ziplist integrity check failed.", what),
                }
            } else {
                blob
            };
            // A ziplist was rewritten entry by entry, which Redis always
            // follows with the repeat check (ziplistPairsConvertAndValidateIntegrity).
            let from_ziplist = matches!(t, ty::HASH_ZIPLIST | ty::ZSET_ZIPLIST);
            stats.sanitizations += (cfg.deep_sanitize && !from_ziplist) as u64;
            let deep = cfg.deep_sanitize || from_ziplist;
            let Some((lp, pairs)) = validate_pairs(raw, deep) else { bail!(rd, Corrupt, "{} listpack integrity check failed.", what) };
            if pairs == 0 {
                return Ok(None);
            }
            if is_hash {
                hash_from_listpack(lp, pairs, cfg)
            } else {
                zset_from_listpack(lp, pairs, cfg)
            }
        }
        ty::STREAM_LISTPACKS | ty::STREAM_LISTPACKS_2 | ty::STREAM_LISTPACKS_3 => {
            return Err(unsupported(rd, "Stream values are not supported yet by ferrodis".into()));
        }
        ty::MODULE | ty::MODULE_2 => {
            let id = rd.read_len()?;
            return Err(unsupported(
                rd,
                format!("The RDB file contains module data I can't load: no matching module type '{}'", module_type_name(id)),
            ));
        }
        _ => bail!(rd, Corrupt, "Unknown RDB encoding type {}", t),
    };
    let empty = match &v {
        Value::List(l) => l.is_empty(),
        Value::Set(s) => s.is_empty(),
        _ => false,
    };
    Ok(if empty { None } else { Some(v) })
}

/// moduleTypeNameByID: the 9-character name packed in a module type id.
fn module_type_name(id: u64) -> String {
    const CSET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut id = id >> 10;
    let mut name = [0u8; 9];
    for j in (0..9).rev() {
        name[j] = CSET[(id & 63) as usize];
        id >>= 6;
    }
    String::from_utf8_lossy(&name).into_owned()
}

/// Decodes a RESTORE payload already checked by `verify_dump_payload`
/// (the footer is left unread).
pub fn load_dump_payload(p: &[u8], cfg: &LoadConfig, stats: &mut LoadStats) -> Result<Option<Value>, LoadError> {
    let body = &p[..p.len().saturating_sub(10)];
    let mut rd = Reader::with_capacity(body, body.len().min(READ_BUF));
    let t = rd.u8()?;
    load_object(&mut rd, t, cfg, stats)
}

/// Loads a whole RDB stream into `dbs` (rdbLoadRio). On error `dbs` may
/// hold part of the data: callers load into fresh databases and keep
/// them only on success.
pub fn load_snapshot<R: Read>(r: R, dbs: &mut [Db], cfg: &LoadConfig) -> Result<LoadStats, LoadError> {
    load_snapshot_progress(r, dbs, cfg, &mut |_| {})
}

/// Bytes read between two calls of the progress callback
/// (loading-process-events-interval-bytes, 2 MB in Redis).
const PROGRESS_INTERVAL: u64 = 2 * 1024 * 1024;

/// `load_snapshot`, calling `progress(bytes read so far)` every 2 MB so
/// the caller can keep serving clients while a big file loads.
pub fn load_snapshot_progress<R: Read>(
    r: R,
    dbs: &mut [Db],
    cfg: &LoadConfig,
    progress: &mut dyn FnMut(u64),
) -> Result<LoadStats, LoadError> {
    let mut next_report = PROGRESS_INTERVAL;
    let mut rd = Reader::new(r);
    let mut stats = LoadStats::default();
    let magic: [u8; 9] = match rd.array() {
        Ok(m) => m,
        Err(e) if e.kind == LoadErrorKind::Eof => bail!(rd, Fatal, "Wrong signature trying to load DB from file"),
        Err(e) => return Err(e),
    };
    if &magic[..5] != b"REDIS" {
        bail!(rd, Fatal, "Wrong signature trying to load DB from file");
    }
    // atoi() of the four digits, as Redis reads them.
    let digits: String = magic[5..].iter().take_while(|b| b.is_ascii_digit()).map(|&b| b as char).collect();
    let ver: u32 = digits.parse().unwrap_or(0);
    if !(1..=RDB_LOAD_VERSION_MAX as u32).contains(&ver) {
        bail!(rd, Fatal, "Can't handle RDB format version {}", ver);
    }
    let mut db = 0usize;
    let mut expire: Option<i64> = None;
    let mut idle: Option<u64> = None;
    loop {
        let t = rd.u8()?;
        match t {
            op::EXPIRETIME => {
                expire = Some(i32::from_le_bytes(rd.array()?) as i64 * 1000);
                continue;
            }
            op::EXPIRETIME_MS => {
                expire = Some(i64::from_le_bytes(rd.array()?));
                continue;
            }
            op::FREQ => {
                // LFU counters apply under an LFU maxmemory-policy, which
                // ferrodis does not have yet.
                rd.u8()?;
                continue;
            }
            op::IDLE => {
                idle = Some(rd.read_len()?);
                continue;
            }
            op::EOF => break,
            op::SELECTDB => {
                let id = rd.read_len()?;
                if id >= dbs.len() as u64 {
                    bail!(
                        rd,
                        Fatal,
                        "FATAL: Data file was created with a Redis server configured to handle more than {} databases. Exiting",
                        dbs.len()
                    );
                }
                db = id as usize;
                continue;
            }
            op::RESIZEDB => {
                // Size the tables for what follows, as Redis does, so the
                // load does not rehash its way up; a lying size reserves
                // at most 4M slots.
                let keys = rd.read_len()?;
                let expires = rd.read_len()?;
                const MOST: u64 = 1 << 22;
                dbs[db].dict.expand(keys.min(MOST) as usize);
                dbs[db].expires.expand(expires.min(MOST) as usize);
                continue;
            }
            op::AUX => {
                let k = rd.string()?;
                let v = rd.string()?;
                if cfg.log_aux {
                    log_aux(&k, &v);
                }
                continue;
            }
            op::MODULE_AUX => {
                let id = rd.read_len()?;
                bail!(rd, Unsupported, "The RDB file contains AUX module data I can't load: no matching module '{}'", module_type_name(id));
            }
            op::FUNCTION2 => {
                // A function library (its Lua source). Functions are not
                // implemented yet: the data loads, the library is dropped.
                let code = rd.string()?;
                log::warn!(
                    "Skipping a function library of {} bytes found in the RDB file: ferrodis does not support functions yet",
                    code.len()
                );
                continue;
            }
            op::FUNCTION => bail!(rd, Corrupt, "Pre-release function format not supported."),
            _ => {}
        }
        // A key/value pair of type `t`.
        let key = rd.string()?;
        let val = load_object(&mut rd, t, cfg, &mut stats)?;
        let (exp, idl) = (expire.take(), idle.take());
        let Some(val) = val else {
            stats.empty_keys_skipped += 1;
            if stats.empty_keys_skipped <= 10 {
                log::info!("rdbLoadObject skipping empty key: {}", String::from_utf8_lossy(&key));
            }
            continue;
        };
        if cfg.drop_expired && exp.is_some_and(|when| when < cfg.now_ms) {
            stats.keys_expired += 1;
            continue;
        }
        let d = &mut dbs[db];
        if d.dict.contains_key(&key) {
            if !cfg.allow_dup {
                bail!(rd, Corrupt, "RDB has duplicated key '{}' in DB {}", String::from_utf8_lossy(&key), db);
            }
            d.remove(&key);
        }
        let mut k = Key::new(&key);
        if let Some(idle) = idl {
            k.set_lru(lru_from_idle(idle));
        } else {
            k.set_lru(crate::db::lru_clock());
        }
        d.dict.insert_new(k, val);
        if let Some(when) = exp {
            d.set_expire(&key, when);
        }
        stats.keys_loaded += 1;
        if rd.offset() >= next_report {
            next_report = rd.offset() + PROGRESS_INTERVAL;
            progress(rd.offset());
        }
    }
    if ver >= 5 {
        let computed = rd.crc();
        let stored = u64::from_le_bytes(rd.array()?);
        if cfg.checksum {
            if stored == 0 {
                log::info!("RDB file was saved with checksum disabled: no check performed.");
            } else if stored != computed {
                log::warn!("Wrong RDB checksum expected: ({:x}) got ({:x}). Aborting now.", stored, computed);
                bail!(rd, Corrupt, "RDB CRC error");
            }
        }
    }
    Ok(stats)
}

/// objectSetLRUOrLFU for an IDLE opcode: the access clock `idle` seconds ago.
fn lru_from_idle(idle: u64) -> u32 {
    let clock = crate::db::lru_clock() as i64;
    let max = crate::db::LRU_CLOCK_MAX as i64;
    let idle = idle.min(i64::MAX as u64) as i64;
    let abs = clock - idle;
    (if abs < 0 { (clock + max / 2) % max } else { abs }) as u32
}

/// The notices Redis logs for the AUX fields it understands.
fn log_aux(k: &[u8], v: &[u8]) {
    let text = String::from_utf8_lossy(v);
    match k {
        b"redis-ver" => log::info!("Loading RDB produced by version {}", text),
        b"ctime" => {
            let ctime: i64 = text.parse().unwrap_or(0);
            let age = crate::server::unix_ms() / 1000 - ctime;
            log::info!("RDB age {} seconds", age.max(0));
        }
        b"used-mem" => {
            let mem: f64 = text.parse().unwrap_or(0.0);
            log::info!("RDB memory usage when created {:.2} Mb", mem / (1024.0 * 1024.0));
        }
        b"redis-bits" | b"aof-base" | b"aof-preamble" | b"repl-stream-db" | b"repl-id" | b"repl-offset" | b"lua" => {}
        _ => log::debug!("Unrecognized RDB AUX field: '{}'", String::from_utf8_lossy(k)),
    }
}

#[cfg(test)]
mod tests;
