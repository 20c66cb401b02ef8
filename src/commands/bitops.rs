//! Bitmaps and bit fields over string values: SETBIT, GETBIT, BITCOUNT,
//! BITPOS, BITOP, BITFIELD, BITFIELD_RO; mirrors bitops.c (Redis 7.0).
//!
//! Bit 0 is the most significant bit of the first byte. Values stay plain
//! strings, so GET/SETRANGE see the same bytes. The loops over whole
//! strings (BITCOUNT, BITOP, BITPOS) work on 64-bit words.

use super::args;
use super::errors::{CmdResult, ReplyError};
use super::keyspec::*;
use super::table::{acl, flag::*, Command};
use super::Ctx;
use crate::db::keyspace::event;
use crate::server::Server;
use crate::types::sds::{self, Sds};
use crate::types::value::Value;
use crate::util::num::parse_i64_strict;
use std::borrow::Cow;

const B: u32 = acl::BITMAP;

pub const COMMANDS: &[Command] = &[
    Command::new("setbit", 4, setbit)
        .flags(WRITE | DENYOOM)
        .acl(B)
        .key_specs(&[key(1, RW | ACCESS | UPDATE)])
        .group("bitmap")
        .doc("2.2.0", "O(1)", "Sets or clears the bit at offset in the string value stored at key")
        .args("key:key offset:integer value:integer"),
    Command::new("getbit", 3, getbit)
        .flags(READONLY | FAST)
        .acl(B)
        .key_specs(&[key(1, RO | ACCESS)])
        .group("bitmap")
        .doc("2.2.0", "O(1)", "Returns the bit value at offset in the string value stored at key")
        .args("key:key offset:integer"),
    Command::new("bitcount", -2, bitcount)
        .flags(READONLY)
        .acl(B)
        .key_specs(&[key(1, RO | ACCESS)])
        .group("bitmap")
        .doc("2.6.0", "O(N)", "Count set bits in a string")
        .history(&[("7.0.0", "BYTE and BIT units.")])
        .args("key:key [index:(start:integer end:integer [index_unit:(BYTE | BIT)@7.0.0])]"),
    Command::new("bitpos", -3, bitpos)
        .flags(READONLY)
        .acl(B)
        .key_specs(&[key(1, RO | ACCESS)])
        .group("bitmap")
        .doc("2.8.7", "O(N)", "Find first bit set or clear in a string")
        .history(&[("7.0.0", "BYTE and BIT units.")])
        .args("key:key bit:integer [index:(start:integer [end_index:(end:integer [index_unit:(BYTE | BIT)@7.0.0])])]"),
    Command::new("bitop", -4, bitop)
        .flags(WRITE | DENYOOM)
        .acl(B)
        .key_specs(&[key(2, OW | UPDATE), key(3, RO | ACCESS).range(-1, 1, 0)])
        .group("bitmap")
        .doc("2.6.0", "O(N)", "Perform bitwise operations between strings")
        .args("operation destkey:key key:key..."),
    Command::new("bitfield", -2, bitfield)
        .flags(WRITE | DENYOOM)
        .acl(B)
        .key_specs(&[key(1, RW | ACCESS | UPDATE | VARIABLE_FLAGS).notes("This command allows both access and modification of the key")])
        .getkeys(bitfield_keys)
        .group("bitmap")
        .doc("3.2.0", "O(1) for each subcommand specified", "Perform arbitrary bitfield integer operations on strings")
        .args(
            "key:key [operation:(GET encoding_offset:(encoding offset:integer) \
                 | write:([OVERFLOW wrap_sat_fail:(WRAP | SAT | FAIL)] \
                          write_operation:(SET encoding_offset_value:(encoding offset:integer value:integer) \
                                         | INCRBY encoding_offset_increment:(encoding offset:integer increment:integer))))...]",
        ),
    Command::new("bitfield_ro", -2, bitfield_ro)
        .flags(READONLY | FAST)
        .acl(B)
        .key_specs(&[key(1, RO | ACCESS)])
        .group("bitmap")
        .doc(
            "6.0.0",
            "O(1) for each subcommand specified",
            "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
        )
        .args("key:key [GET encoding_offset:(encoding offset:integer)]..."),
];

/// BITFIELD's key (bitfieldGetKeys): read-only when every operation is a
/// complete GET (or OVERFLOW), else read and written; the spec says both
/// (variable_flags), so GETKEYSANDFLAGS asks here.
fn bitfield_keys(argv: &[&[u8]]) -> Vec<KeyRef> {
    let mut readonly = true;
    let mut i = 2;
    while i < argv.len() {
        let rest = argv.len() - i - 1;
        let a = argv[i];
        if args::is(a, "get") && rest >= 2 {
            i += 2;
        } else if args::is(a, "overflow") && rest >= 1 {
            i += 1;
        } else {
            // SET, INCRBY, or a syntax error: safer to assume a write.
            readonly = false;
            break;
        }
        i += 1;
    }
    vec![KeyRef { pos: 1, flags: if readonly { RO | ACCESS } else { RW | ACCESS | UPDATE } }]
}

// ---------------------------------------------------------------------------
// Arguments and the string being written

/// A bit offset (getBitOffsetFromArgument): non-negative and inside
/// proto-max-bulk-len bytes. With `bits` > 0 a `#N` offset means N*bits
/// (BITFIELD).
fn bit_offset(arg: &[u8], bits: u32, proto_max: i64) -> Result<u64, ReplyError> {
    let hash = bits > 0 && arg.first() == Some(&b'#');
    let mut n = parse_i64_strict(&arg[hash as usize..]).ok_or_else(ReplyError::bit_offset)?;
    if hash {
        n = n.wrapping_mul(bits as i64);
    }
    if n < 0 || (n >> 3) >= proto_max {
        return Err(ReplyError::bit_offset());
    }
    Ok(n as u64)
}

/// Runs `f` on the string at `key`, created or zero-padded so that bit
/// `maxbit` exists (lookupStringForBitCommand); `f` also learns whether
/// the string was created or grown.
fn with_bit_string<R>(srv: &mut Server, db: usize, key: &[u8], maxbit: u64, f: impl FnOnce(&mut Sds, bool) -> R) -> Result<R, ReplyError> {
    let len = (maxbit >> 3) as usize + 1;
    if len > sds::MAX_LEN {
        return Err(ReplyError::string_too_long());
    }
    match srv.lookup_write(db, key) {
        Some(v) => {
            let s = v.make_raw().ok_or_else(ReplyError::wrong_type)?;
            let grown = s.len() < len;
            if grown {
                s.resize_zeroed(len);
            }
            Ok(f(s, grown))
        }
        None => {
            let mut s = Sds::with_capacity(b"", len);
            s.resize_zeroed(len);
            let r = f(&mut s, true);
            srv.db_add(db, key, Value::raw_string(s));
            Ok(r)
        }
    }
}

/// The bytes of a string key for reading: None when missing, WRONGTYPE
/// for another type. Integers are formatted into `buf`.
fn read_bytes<'a>(srv: &'a mut Server, db: usize, key: &[u8], buf: &'a mut [u8; 20]) -> Result<Option<&'a [u8]>, ReplyError> {
    match srv.lookup_read(db, key) {
        None => Ok(None),
        Some(v) => v.string_bytes(buf).map(Some).ok_or_else(ReplyError::wrong_type),
    }
}

// ---------------------------------------------------------------------------
// SETBIT / GETBIT

/// SETBIT key offset value: the bit's previous value.
pub fn setbit(ctx: &mut Ctx) -> CmdResult {
    let offset = bit_offset(ctx.arg(2), 0, ctx.srv.config.proto_max_bulk_len)?;
    let on = parse_i64_strict(ctx.arg(3)).ok_or_else(ReplyError::bit_value)?;
    if on & !1 != 0 {
        return Err(ReplyError::bit_value());
    }
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let (old, changed) = with_bit_string(ctx.srv, db, key, offset, |s, grown| {
        let byte = &mut s.as_mut_bytes()[(offset >> 3) as usize];
        let bit = 7 - (offset & 7) as u32;
        let old = (*byte >> bit) & 1;
        // Only a real change (or a new/grown string) is a modification.
        let changed = grown || old as i64 != on;
        if changed {
            *byte = (*byte & !(1 << bit)) | ((on as u8) << bit);
        }
        (old, changed)
    })?;
    if changed {
        ctx.srv.key_modified(db, key, event::STRING, "setbit");
    }
    ctx.c.out.int(old as i64);
    Ok(())
}

/// GETBIT key offset
pub fn getbit(ctx: &mut Ctx) -> CmdResult {
    let offset = bit_offset(ctx.arg(2), 0, ctx.srv.config.proto_max_bulk_len)?;
    let mut buf = [0u8; 20];
    let bit = match read_bytes(ctx.srv, ctx.c.db, ctx.arg(1), &mut buf)? {
        Some(s) => s.get((offset >> 3) as usize).map_or(0, |b| (b >> (7 - (offset & 7))) & 1),
        None => 0,
    };
    ctx.c.out.int(bit as i64);
    Ok(())
}

// ---------------------------------------------------------------------------
// BITCOUNT / BITPOS

/// Set bits in `s`, 64-bit words at a time (four independent counters).
#[inline(always)]
fn popcount_words(s: &[u8]) -> u64 {
    let mut chunks = s.chunks_exact(32);
    let mut c = [0u64; 4];
    for ch in &mut chunks {
        for (k, acc) in c.iter_mut().enumerate() {
            *acc += u64::from_ne_bytes(ch[k * 8..k * 8 + 8].try_into().unwrap()).count_ones() as u64;
        }
    }
    c.iter().sum::<u64>() + chunks.remainder().iter().map(|b| b.count_ones() as u64).sum::<u64>()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
unsafe fn popcount_avx2(s: &[u8]) -> u64 {
    // The same loop, compiled for AVX2 (LLVM vectorizes it).
    popcount_words(s)
}

/// Set bits in `s` (redisPopcount): the AVX2 build of the word loop when
/// the CPU has it, else the portable one.
pub fn popcount(s: &[u8]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if s.len() >= 256 && std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("popcnt") {
        // SAFETY: the CPU supports the features the function is built for.
        return unsafe { popcount_avx2(s) };
    }
    popcount_words(s)
}

/// Parses BITCOUNT/BITPOS's BYTE|BIT unit.
fn parse_unit(arg: &[u8]) -> Result<bool, ReplyError> {
    if args::is(arg, "bit") {
        Ok(true)
    } else if args::is(arg, "byte") {
        Ok(false)
    } else {
        Err(ReplyError::syntax())
    }
}

/// A range over a string's bytes after Redis's index conversion; with BIT
/// units the partial first/last bytes carry masks of the bits outside it.
struct Range {
    start: i64,
    end: i64,
    first_mask: u8,
    last_mask: u8,
}

/// Clamps start/end (negative from the end) to a string of `len` bytes,
/// in bytes or bits, and turns bit indexes into byte indexes plus masks.
fn clamp_range(mut start: i64, mut end: i64, len: i64, isbit: bool) -> Range {
    let total = if isbit { len << 3 } else { len };
    if start < 0 {
        start += total;
    }
    if end < 0 {
        end += total;
    }
    start = start.max(0);
    end = end.max(0);
    if end >= total {
        end = total - 1;
    }
    let (mut first_mask, mut last_mask) = (0, 0);
    if isbit && start <= end {
        first_mask = !((1u32 << (8 - (start & 7))) - 1) as u8;
        last_mask = ((1u32 << (7 - (end & 7))) - 1) as u8;
        start >>= 3;
        end >>= 3;
    }
    Range { start, end, first_mask, last_mask }
}

/// BITCOUNT key [start end [BYTE | BIT]]
pub fn bitcount(ctx: &mut Ctx) -> CmdResult {
    let argv = ctx.argv;
    let argc = argv.len();
    let mut buf = [0u8; 20];
    // Redis 7.0 looks the key up before it parses the range.
    let Some(p) = read_bytes(ctx.srv, ctx.c.db, argv.get(1), &mut buf)? else {
        ctx.c.out.int(0);
        return Ok(());
    };
    let r = match argc {
        4 | 5 => {
            let start = args::int(argv.get(2))?;
            let end = args::int(argv.get(3))?;
            if start < 0 && end < 0 && start > end {
                ctx.c.out.int(0);
                return Ok(());
            }
            let isbit = argc == 5 && parse_unit(argv.get(4))?;
            clamp_range(start, end, p.len() as i64, isbit)
        }
        2 => Range { start: 0, end: p.len() as i64 - 1, first_mask: 0, last_mask: 0 },
        _ => return Err(ReplyError::syntax()),
    };
    if r.start > r.end {
        ctx.c.out.int(0);
        return Ok(());
    }
    let (start, end) = (r.start as usize, r.end as usize);
    let mut count = popcount(&p[start..=end]);
    count -= (p[start] & r.first_mask).count_ones() as u64 + (p[end] & r.last_mask).count_ones() as u64;
    ctx.c.out.int(count as i64);
    Ok(())
}

/// The position of the first bit equal to `bit` in `s` (redisBitpos),
/// skipping whole words that cannot hold it. Past the end the string
/// counts as zero-padded: looking for 0 in all-ones gives len*8, looking
/// for 1 in all-zeroes gives -1.
pub fn find_bit(s: &[u8], bit: bool) -> i64 {
    let skip = if bit { 0u64 } else { u64::MAX };
    let mut chunks = s.chunks_exact(8);
    let mut pos = 0i64;
    for c in &mut chunks {
        let w = u64::from_be_bytes(c.try_into().unwrap());
        if w != skip {
            let w = if bit { w } else { !w };
            return pos + w.leading_zeros() as i64;
        }
        pos += 64;
    }
    for &b in chunks.remainder() {
        if b != skip as u8 {
            let b = if bit { b } else { !b };
            return pos + b.leading_zeros() as i64;
        }
        pos += 8;
    }
    if bit {
        -1
    } else {
        pos
    }
}

/// BITPOS key bit [start [end [BYTE | BIT]]]
pub fn bitpos(ctx: &mut Ctx) -> CmdResult {
    let argv = ctx.argv;
    let argc = argv.len();
    let bit = args::int(argv.get(2))?;
    if bit != 0 && bit != 1 {
        return Err(ReplyError::bit_argument());
    }
    let mut buf = [0u8; 20];
    // A missing key is an infinite run of zeroes.
    let Some(p) = read_bytes(ctx.srv, ctx.c.db, argv.get(1), &mut buf)? else {
        ctx.c.out.int(if bit == 1 { -1 } else { 0 });
        return Ok(());
    };
    let len = p.len() as i64;
    let mut end_given = false;
    let r = match argc {
        4..=6 => {
            let start = args::int(argv.get(3))?;
            let isbit = argc == 6 && parse_unit(argv.get(5))?;
            let end = if argc >= 5 {
                end_given = true;
                args::int(argv.get(4))?
            } else {
                len - 1
            };
            clamp_range(start, end, len, isbit)
        }
        3 => Range { start: 0, end: len - 1, first_mask: 0, last_mask: 0 },
        _ => return Err(ReplyError::syntax()),
    };
    // An empty range holds neither a 0 nor a 1.
    if r.start > r.end {
        ctx.c.out.int(-1);
        return Ok(());
    }
    let want = bit == 1;
    let mask_byte = |b: u8, mask: u8| if want { b & !mask } else { b | mask };
    let (mut start, end) = (r.start, r.end);
    let mut bytes = end - start + 1;
    let pos = 'search: {
        if r.first_mask != 0 {
            let mut c = mask_byte(p[start as usize], r.first_mask);
            if r.last_mask != 0 && bytes == 1 {
                c = mask_byte(c, r.last_mask);
            }
            let pos = find_bit(&[c], want);
            if bytes == 1 || (pos != -1 && pos != 8) {
                break 'search pos;
            }
            start += 1;
            bytes -= 1;
        }
        // A last byte with bits outside the range is searched on its own.
        let cur = bytes - (r.last_mask != 0) as i64;
        if cur > 0 {
            let pos = find_bit(&p[start as usize..(start + cur) as usize], want);
            if bytes == cur || (pos != -1 && pos != cur << 3) {
                break 'search pos;
            }
            start += cur;
            bytes -= cur;
        }
        find_bit(&[mask_byte(p[end as usize], r.last_mask)], want)
    };
    // With an explicit end, the bits right of the range are not zero
    // padding: no clear bit inside it is -1.
    if end_given && !want && pos == bytes << 3 {
        ctx.c.out.int(-1);
        return Ok(());
    }
    ctx.c.out.int(if pos != -1 { pos + (start << 3) } else { -1 });
    Ok(())
}

// ---------------------------------------------------------------------------
// BITOP

#[derive(Clone, Copy, PartialEq)]
enum BitOp {
    And,
    Or,
    Xor,
    Not,
}

/// dst[i] = f(dst[i], src[i]) over the common length, eight bytes at a time.
#[inline(always)]
fn combine(dst: &mut [u8], src: &[u8], f: impl Fn(u64, u64) -> u64) {
    let n = dst.len().min(src.len());
    let (dst, src) = (&mut dst[..n], &src[..n]);
    let mut d = dst.chunks_exact_mut(8);
    let mut s = src.chunks_exact(8);
    for (a, b) in (&mut d).zip(&mut s) {
        let x = f(u64::from_ne_bytes((*a).try_into().unwrap()), u64::from_ne_bytes(b.try_into().unwrap()));
        a.copy_from_slice(&x.to_ne_bytes());
    }
    for (a, &b) in d.into_remainder().iter_mut().zip(s.remainder()) {
        *a = f(*a as u64, b as u64) as u8;
    }
}

/// The result of BITOP over `srcs` (missing keys are empty strings),
/// as long as the longest source.
fn bitop_compute(op: BitOp, srcs: &[Cow<[u8]>]) -> Sds {
    let maxlen = srcs.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut res = Sds::with_capacity(&srcs[0], maxlen);
    res.resize_zeroed(maxlen);
    let out = res.as_mut_bytes();
    match op {
        BitOp::Not => {
            let mut words = out.chunks_exact_mut(8);
            for w in &mut words {
                let x = !u64::from_ne_bytes((*w).try_into().unwrap());
                w.copy_from_slice(&x.to_ne_bytes());
            }
            for b in words.into_remainder() {
                *b = !*b;
            }
        }
        BitOp::And => {
            for s in &srcs[1..] {
                combine(out, s, |a, b| a & b);
                if s.len() < out.len() {
                    out[s.len()..].fill(0);
                }
            }
        }
        BitOp::Or => srcs[1..].iter().for_each(|s| combine(out, s, |a, b| a | b)),
        BitOp::Xor => srcs[1..].iter().for_each(|s| combine(out, s, |a, b| a ^ b)),
    }
    res
}

/// BITOP AND|OR|XOR|NOT destkey key [key ...]: the length of the string
/// stored at destkey (deleted when every source is empty or missing).
pub fn bitop(ctx: &mut Ctx) -> CmdResult {
    let argv = ctx.argv;
    let name = argv.get(1);
    let op = if args::is(name, "and") {
        BitOp::And
    } else if args::is(name, "or") {
        BitOp::Or
    } else if args::is(name, "xor") {
        BitOp::Xor
    } else if args::is(name, "not") {
        BitOp::Not
    } else {
        return Err(ReplyError::syntax());
    };
    if op == BitOp::Not && argv.len() != 4 {
        return Err(ReplyError::bitop_not_arity());
    }
    let db = ctx.c.db;
    let keys: Vec<&[u8]> = (3..argv.len()).map(|i| argv.get(i)).collect();
    // Look every source up (expiry, statistics, type) before borrowing them.
    for k in &keys {
        if let Some(v) = ctx.srv.lookup_read(db, k) {
            if !v.is_string() {
                return Err(ReplyError::wrong_type());
            }
        }
    }
    let res = {
        let dict = &ctx.srv.dbs[db].dict;
        let srcs: Vec<Cow<[u8]>> = keys
            .iter()
            .map(|k| match dict.get(k) {
                Some(Value::Int(n)) => Cow::Owned(n.to_string().into_bytes()),
                Some(Value::Str(s)) => Cow::Borrowed(s.as_bytes()),
                Some(v) => {
                    let mut buf = [0u8; 20];
                    Cow::Owned(v.string_bytes(&mut buf).unwrap_or_default().to_vec())
                }
                None => Cow::Borrowed(&[][..]),
            })
            .collect();
        bitop_compute(op, &srcs)
    };
    let len = res.len();
    let dest = argv.get(2);
    let lazy = ctx.srv.config.lazyfree_lazy_server_del;
    if len > 0 {
        ctx.srv.expire_if_needed(db, dest);
        if let Some(old) = ctx.srv.dbs[db].set(dest, Value::raw_string(res), false) {
            ctx.srv.free_value(old, lazy);
        }
        ctx.srv.key_modified(db, dest, event::STRING, "set");
    } else if ctx.srv.delete_key(db, dest, lazy) {
        ctx.srv.key_modified(db, dest, event::GENERIC, "del");
    }
    ctx.c.out.int(len as i64);
    Ok(())
}

// ---------------------------------------------------------------------------
// BITFIELD

/// Reads `bits` (1..=64) bits at bit `offset` as an unsigned integer;
/// bits past the end of `p` read as zero.
fn get_unsigned(p: &[u8], offset: u64, bits: u32) -> u64 {
    let byte = (offset >> 3) as usize;
    let mut buf = [0u8; 16];
    if byte < p.len() {
        let n = (p.len() - byte).min(9);
        buf[..n].copy_from_slice(&p[byte..byte + n]);
    }
    let w = u128::from_be_bytes(buf) << (offset & 7);
    (w >> (128 - bits)) as u64
}

fn get_signed(p: &[u8], offset: u64, bits: u32) -> i64 {
    let mut v = get_unsigned(p, offset, bits);
    if bits < 64 && v & (1 << (bits - 1)) != 0 {
        v |= u64::MAX << bits;
    }
    v as i64
}

/// Writes the low `bits` bits of `value` at bit `offset`; `p` must cover them.
fn set_unsigned(p: &mut [u8], offset: u64, bits: u32, value: u64) {
    let byte = (offset >> 3) as usize;
    let shift = (offset & 7) as u32;
    let span = (shift + bits).div_ceil(8) as usize;
    let mut buf = [0u8; 16];
    buf[..span].copy_from_slice(&p[byte..byte + span]);
    let low = 128 - shift - bits;
    let mask = (u128::MAX >> (128 - bits)) << low;
    let w = (u128::from_be_bytes(buf) & !mask) | (((value as u128) << low) & mask);
    p[byte..byte + span].copy_from_slice(&w.to_be_bytes()[..span]);
}

#[derive(Clone, Copy, PartialEq)]
enum Overflow {
    Wrap,
    Sat,
    Fail,
}

/// Whether `value + incr` fits an unsigned field of `bits` bits
/// (checkUnsignedBitfieldOverflow): 0, or 1 / -1 for overflow /
/// underflow with the value WRAP or SAT gives (WRAP always reports 1).
fn check_unsigned(value: u64, incr: i64, bits: u32, ow: Overflow) -> (i32, u64) {
    let max = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
    let maxincr = max.wrapping_sub(value) as i64;
    let minincr = value.wrapping_neg() as i64;
    let wrap = || {
        let mask = if bits == 64 { 0 } else { u64::MAX << bits };
        (1, value.wrapping_add(incr as u64) & !mask)
    };
    if value > max || (incr > 0 && incr > maxincr) {
        match ow {
            Overflow::Wrap => wrap(),
            Overflow::Sat => (1, max),
            Overflow::Fail => (1, 0),
        }
    } else if incr < 0 && incr < minincr {
        match ow {
            Overflow::Wrap => wrap(),
            Overflow::Sat => (-1, 0),
            Overflow::Fail => (-1, 0),
        }
    } else {
        (0, 0)
    }
}

/// The signed counterpart (checkSignedBitfieldOverflow).
fn check_signed(value: i64, incr: i64, bits: u32, ow: Overflow) -> (i32, i64) {
    let max = if bits == 64 { i64::MAX } else { (1i64 << (bits - 1)) - 1 };
    let min = -max - 1;
    let maxincr = (max as u64).wrapping_sub(value as u64) as i64;
    let minincr = min.wrapping_sub(value);
    let wrap = || {
        let mut c = (value as u64).wrapping_add(incr as u64);
        if bits < 64 {
            let mask = u64::MAX << bits;
            if c & (1u64 << (bits - 1)) != 0 {
                c |= mask;
            } else {
                c &= !mask;
            }
        }
        (1, c as i64)
    };
    if value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr) {
        match ow {
            Overflow::Wrap => wrap(),
            Overflow::Sat => (1, max),
            Overflow::Fail => (1, 0),
        }
    } else if value < min || (bits != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr) {
        match ow {
            Overflow::Wrap => wrap(),
            Overflow::Sat => (-1, min),
            Overflow::Fail => (-1, 0),
        }
    } else {
        (0, 0)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum FieldOp {
    Get,
    Set,
    IncrBy,
}

/// One parsed BITFIELD operation.
struct Field {
    op: FieldOp,
    offset: u64,
    /// The SET value or INCRBY increment.
    arg: i64,
    ow: Overflow,
    bits: u32,
    signed: bool,
}

/// A bitfield type (getBitfieldTypeFromArgument): i1..i64 or u1..u63.
fn bitfield_type(arg: &[u8]) -> Result<(bool, u32), ReplyError> {
    let signed = match arg.first() {
        Some(b'i') => true,
        Some(b'u') => false,
        _ => return Err(ReplyError::bitfield_type()),
    };
    // The C code reads the digits as a C string: up to a NUL byte.
    let digits = &arg[1..];
    let digits = &digits[..digits.iter().position(|&b| b == 0).unwrap_or(digits.len())];
    match parse_i64_strict(digits) {
        Some(n) if n >= 1 && n <= if signed { 64 } else { 63 } => Ok((signed, n as u32)),
        _ => Err(ReplyError::bitfield_type()),
    }
}

/// Executes one SET or INCRBY on `s`: the reply (None when OVERFLOW FAIL
/// refused it) and whether the field's value changed.
fn field_write(s: &mut [u8], f: &Field) -> (Option<i64>, bool) {
    if f.signed {
        let old = get_signed(s, f.offset, f.bits);
        let (new, reply, overflow) = if f.op == FieldOp::IncrBy {
            let (ov, wrapped) = check_signed(old, f.arg, f.bits, f.ow);
            let new = if ov != 0 { wrapped } else { old.wrapping_add(f.arg) };
            (new, new, ov)
        } else {
            let (ov, wrapped) = check_signed(f.arg, 0, f.bits, f.ow);
            (if ov != 0 { wrapped } else { f.arg }, old, ov)
        };
        if overflow != 0 && f.ow == Overflow::Fail {
            return (None, false);
        }
        set_unsigned(s, f.offset, f.bits, new as u64);
        (Some(reply), old != new)
    } else {
        let old = get_unsigned(s, f.offset, f.bits);
        let (new, reply, overflow) = if f.op == FieldOp::IncrBy {
            let (ov, wrapped) = check_unsigned(old, f.arg, f.bits, f.ow);
            let new = if ov != 0 { wrapped } else { old.wrapping_add(f.arg as u64) };
            (new, new, ov)
        } else {
            let (ov, wrapped) = check_unsigned(f.arg as u64, 0, f.bits, f.ow);
            (if ov != 0 { wrapped } else { f.arg as u64 }, old, ov)
        };
        if overflow != 0 && f.ow == Overflow::Fail {
            return (None, false);
        }
        set_unsigned(s, f.offset, f.bits, new);
        (Some(reply as i64), old != new)
    }
}

/// A GET on `s` (a missing key reads as zeroes).
fn field_read(s: &[u8], f: &Field) -> i64 {
    if f.signed {
        get_signed(s, f.offset, f.bits)
    } else {
        get_unsigned(s, f.offset, f.bits) as i64
    }
}

/// The shared body of BITFIELD and BITFIELD_RO (bitfieldGeneric): parse
/// every operation first, then run them in order on one lookup.
fn bitfield_generic(ctx: &mut Ctx, read_only_cmd: bool) -> CmdResult {
    let argv = ctx.argv;
    let argc = argv.len();
    let proto_max = ctx.srv.config.proto_max_bulk_len;
    let mut ops: Vec<Field> = Vec::new();
    let mut ow = Overflow::Wrap;
    let mut readonly = true;
    let mut highest = 0u64;
    let mut j = 2;
    while j < argc {
        let remaining = argc - j - 1;
        let sub = argv.get(j);
        let op = if args::is(sub, "get") && remaining >= 2 {
            FieldOp::Get
        } else if args::is(sub, "set") && remaining >= 3 {
            FieldOp::Set
        } else if args::is(sub, "incrby") && remaining >= 3 {
            FieldOp::IncrBy
        } else if args::is(sub, "overflow") && remaining >= 1 {
            let t = argv.get(j + 1);
            ow = if args::is(t, "wrap") {
                Overflow::Wrap
            } else if args::is(t, "sat") {
                Overflow::Sat
            } else if args::is(t, "fail") {
                Overflow::Fail
            } else {
                return Err(ReplyError::bitfield_overflow_type());
            };
            j += 2;
            continue;
        } else {
            return Err(ReplyError::syntax());
        };
        let (signed, bits) = bitfield_type(argv.get(j + 1))?;
        let offset = bit_offset(argv.get(j + 2), bits, proto_max)?;
        let mut arg = 0;
        if op != FieldOp::Get {
            readonly = false;
            highest = highest.max(offset + bits as u64 - 1);
            arg = args::int(argv.get(j + 3))?;
        }
        ops.push(Field { op, offset, arg, ow, bits, signed });
        j += if op == FieldOp::Get { 3 } else { 4 };
    }

    let db = ctx.c.db;
    let key = argv.get(1);
    if readonly {
        let mut buf = [0u8; 20];
        let s = read_bytes(ctx.srv, db, key, &mut buf)?.unwrap_or(&[]);
        let out = &mut ctx.c.out;
        out.array(ops.len());
        for f in &ops {
            out.int(field_read(s, f));
        }
        return Ok(());
    }
    if read_only_cmd {
        return Err(ReplyError::bitfield_ro_write());
    }
    let out = &mut ctx.c.out;
    let changes = with_bit_string(ctx.srv, db, key, highest, |s, grown| {
        let s = s.as_mut_bytes();
        let mut changes = 0u64;
        out.array(ops.len());
        for f in &ops {
            if f.op == FieldOp::Get {
                out.int(field_read(s, f));
                continue;
            }
            match field_write(s, f) {
                (Some(reply), changed) => {
                    out.int(reply);
                    changes += (grown || changed) as u64;
                }
                (None, _) => out.null(),
            }
        }
        changes
    })?;
    if changes > 0 {
        ctx.srv.key_modified(db, key, event::STRING, "setbit");
        ctx.srv.dirty += changes - 1;
    }
    Ok(())
}

/// BITFIELD key [GET encoding offset | [OVERFLOW WRAP|SAT|FAIL]
/// SET encoding offset value | INCRBY encoding offset increment ...]
pub fn bitfield(ctx: &mut Ctx) -> CmdResult {
    bitfield_generic(ctx, false)
}

/// BITFIELD_RO key [GET encoding offset ...]
pub fn bitfield_ro(ctx: &mut Ctx) -> CmdResult {
    bitfield_generic(ctx, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testing::TestServer;

    #[test]
    fn word_helpers() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 37 % 251) as u8).collect();
        for start in 0..40 {
            let s = &data[start..];
            assert_eq!(popcount(s), s.iter().map(|b| b.count_ones() as u64).sum::<u64>());
        }
        assert_eq!(find_bit(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 1], true), 79);
        assert_eq!(find_bit(&[0xff; 9], false), 72);
        assert_eq!(find_bit(&[0; 9], true), -1);
        let mut p = vec![0u8; 10];
        set_unsigned(&mut p, 7, 5, 23);
        assert_eq!(&p[..2], &[0b0000_0001, 0b0111_0000]);
        assert_eq!(get_unsigned(&p, 7, 5), 23);
        set_unsigned(&mut p, 3, 64, u64::MAX);
        assert_eq!(get_unsigned(&p, 3, 64), u64::MAX);
        assert_eq!(get_signed(&p, 3, 64), -1);
    }

    // Expected bytes taken from redis-server 7.0.15 (scripts/oracle.py).
    #[test]
    fn setbit_getbit() {
        let mut t = TestServer::new();
        t.check(&[
            ("SETBIT k 7 1", ":0\r\n"),
            ("SETBIT k 7 1", ":1\r\n"),
            ("GET k", "$1\r\n\x01\r\n"),
            ("OBJECT ENCODING k", "$3\r\nraw\r\n"),
            ("SETBIT k 100 1", ":0\r\n"),
            ("STRLEN k", ":13\r\n"),
            ("GETBIT k 100", ":1\r\n"),
            ("GETBIT k 101", ":0\r\n"),
            ("GETBIT k 99999", ":0\r\n"),
            ("GETBIT nokey 0", ":0\r\n"),
            ("SETBIT k 4294967296 0", "-ERR bit offset is not an integer or out of range\r\n"),
            ("SETBIT k -1 0", "-ERR bit offset is not an integer or out of range\r\n"),
            ("SETBIT k 1 2", "-ERR bit is not an integer or out of range\r\n"),
            ("SETBIT k 1 -1", "-ERR bit is not an integer or out of range\r\n"),
            ("GETBIT k 4294967296", "-ERR bit offset is not an integer or out of range\r\n"),
            ("GETBIT k abc", "-ERR bit offset is not an integer or out of range\r\n"),
            ("SET n 12", "+OK\r\n"),
            ("GETBIT n 2", ":1\r\n"),
            ("GETBIT n 3", ":1\r\n"),
            ("SETBIT n 6 0", ":0\r\n"),
            ("GET n", "$2\r\n12\r\n"),
            ("OBJECT ENCODING n", "$3\r\nraw\r\n"),
            ("LPUSH l a", ":1\r\n"),
            ("SETBIT l 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("GETBIT l 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ]);
    }

    #[test]
    fn bitcount_bitpos() {
        let mut t = TestServer::new();
        t.check(&[
            ("SET s foobar", "+OK\r\n"),
            ("BITCOUNT s", ":26\r\n"),
            ("BITCOUNT s 0 0", ":4\r\n"),
            ("BITCOUNT s 1 1", ":6\r\n"),
            ("BITCOUNT s 1 -1", ":22\r\n"),
            ("BITCOUNT s -2 -1", ":7\r\n"),
            ("BITCOUNT s 5 30 BIT", ":17\r\n"),
            ("BITCOUNT s 5 30 byte", ":4\r\n"),
            ("BITCOUNT s -5 -1 BIT", ":2\r\n"),
            ("BITCOUNT s 0 1 foo", "-ERR syntax error\r\n"),
            ("BITCOUNT s -1 -5 foo", ":0\r\n"),
            ("BITCOUNT s 0", "-ERR syntax error\r\n"),
            ("BITCOUNT s 0 x", "-ERR value is not an integer or out of range\r\n"),
            ("BITCOUNT nokey", ":0\r\n"),
            ("BITCOUNT nokey a b", ":0\r\n"),
            ("SET n 12", "+OK\r\n"),
            ("BITCOUNT n", ":6\r\n"),
            ("BITCOUNT s 3 1", ":0\r\n"),
            ("BITCOUNT s -100 100", ":26\r\n"),
            ("BITPOS s 1", ":1\r\n"),
            ("BITPOS s 0", ":0\r\n"),
            ("BITPOS s 1 2", ":17\r\n"),
            ("BITPOS s 0 2 -1", ":16\r\n"),
            ("BITPOS s 1 7 15 BIT", ":9\r\n"),
            ("BITPOS s 0 7 15 BIT", ":7\r\n"),
            ("BITPOS s 1 -3 -1 bit", ":46\r\n"),
            ("BITPOS s 1 100", ":-1\r\n"),
            ("BITPOS s 2", "-ERR The bit argument must be 1 or 0.\r\n"),
            ("BITPOS s 1 0 1 foo", "-ERR syntax error\r\n"),
            ("BITPOS s 1 0 x foo", "-ERR syntax error\r\n"),
            ("BITPOS s 1 x 1 foo", "-ERR value is not an integer or out of range\r\n"),
            ("BITPOS s 1 0 1 2 3", "-ERR syntax error\r\n"),
            ("BITPOS nokey 0", ":0\r\n"),
            ("BITPOS nokey 1", ":-1\r\n"),
            ("BITPOS nokey 1 a", ":-1\r\n"),
            ("BITPOS nokey 2", "-ERR The bit argument must be 1 or 0.\r\n"),
            ("SET e \"\"", "+OK\r\n"),
            ("BITCOUNT e", ":0\r\n"),
            ("BITPOS e 0", ":-1\r\n"),
            ("BITPOS e 1", ":-1\r\n"),
            (r#"SET ff "\xff\xff\xff""#, "+OK\r\n"),
            ("BITPOS ff 0", ":24\r\n"),
            ("BITPOS ff 0 0 -1", ":-1\r\n"),
            ("BITPOS ff 0 1", ":24\r\n"),
            ("BITPOS ff 1 1", ":8\r\n"),
            (r#"SET z "\x00\x00""#, "+OK\r\n"),
            ("BITPOS z 1", ":-1\r\n"),
            ("BITPOS z 0", ":0\r\n"),
            ("BITPOS z 1 0 -1 bit", ":-1\r\n"),
            ("BITPOS z 0 3 5 bit", ":3\r\n"),
            (r#"SET m "\xf0\x0f\xff\x00""#, "+OK\r\n"),
            ("BITPOS m 0 2 20 bit", ":4\r\n"),
            ("BITPOS m 1 4 11 bit", ":-1\r\n"),
            ("BITPOS m 1 5 6 bit", ":-1\r\n"),
            ("BITPOS m 0 16 23 bit", ":-1\r\n"),
            ("BITPOS m 0 16 bit", "-ERR value is not an integer or out of range\r\n"),
            ("BITPOS m 0 100 200 bit", ":-1\r\n"),
            ("BITCOUNT m 3 21 bit", ":11\r\n"),
            ("BITCOUNT m 9 9 bit", ":0\r\n"),
            ("BITCOUNT m -9 -2 bit", ":1\r\n"),
            ("LPUSH l a", ":1\r\n"),
            ("BITCOUNT l", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("BITPOS l 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ]);
    }

    #[test]
    fn bitop_ops() {
        let mut t = TestServer::new();
        t.check(&[
            ("SET a abc", "+OK\r\n"),
            ("SET b ab", "+OK\r\n"),
            ("BITOP AND d a b", ":3\r\n"),
            ("GET d", "$3\r\nab\x00\r\n"),
            ("BITOP OR d a b", ":3\r\n"),
            ("GET d", "$3\r\nabc\r\n"),
            ("BITOP XOR d a b", ":3\r\n"),
            ("GET d", "$3\r\n\x00\x00c\r\n"),
            ("BITOP NOT d a", ":3\r\n"),
            ("STRLEN d", ":3\r\n"),
            ("BITOP not d a b", "-ERR BITOP NOT must be called with a single source key.\r\n"),
            ("BITOP foo d a", "-ERR syntax error\r\n"),
            ("BITOP AND d nokey nokey2", ":0\r\n"),
            ("EXISTS d", ":0\r\n"),
            ("SET d x", "+OK\r\n"),
            ("BITOP OR d nokey", ":0\r\n"),
            ("EXISTS d", ":0\r\n"),
            ("LPUSH l a", ":1\r\n"),
            ("BITOP OR d a l", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("BITOP OR l a", ":3\r\n"),
            ("TYPE l", "+string\r\n"),
            ("OBJECT ENCODING l", "$3\r\nraw\r\n"),
            ("SET n 123", "+OK\r\n"),
            ("BITOP OR d n", ":3\r\n"),
            ("GET d", "$3\r\n123\r\n"),
            ("OBJECT ENCODING d", "$3\r\nraw\r\n"),
            ("BITOP AND d a", ":3\r\n"),
            ("BITOP", "-ERR wrong number of arguments for 'bitop' command\r\n"),
            ("BITOP and d", "-ERR wrong number of arguments for 'bitop' command\r\n"),
        ]);
        assert_eq!(t.run(&["BITOP", "NOT", "d", "a"]), b":3\r\n");
        assert_eq!(t.run(&["GET", "d"]), b"$3\r\n\x9e\x9d\x9c\r\n");
    }

    #[test]
    fn bitop_word_loops_match_bytewise() {
        let mut t = TestServer::new();
        let a: Vec<u8> = (0..1000u32).map(|i| (i * 7 + 3) as u8).collect();
        let b: Vec<u8> = (0..777u32).map(|i| (i * 13 + 1) as u8).collect();
        t.run(&[&b"SET"[..], b"a", &a]);
        t.run(&[&b"SET"[..], b"b", &b]);
        for (op, f) in [("AND", (|x: u8, y: u8| x & y) as fn(u8, u8) -> u8), ("OR", |x, y| x | y), ("XOR", |x, y| x ^ y)] {
            assert_eq!(t.run(&["BITOP", op, "d", "a", "b"]), b":1000\r\n");
            let want: Vec<u8> = (0..1000).map(|i| f(a[i], *b.get(i).unwrap_or(&0))).collect();
            let mut reply = b"$1000\r\n".to_vec();
            reply.extend_from_slice(&want);
            reply.extend_from_slice(b"\r\n");
            assert_eq!(t.run(&["GET", "d"]), reply, "BITOP {}", op);
        }
    }

    #[test]
    fn bitfield_ops() {
        let mut t = TestServer::new();
        t.check(&[
            ("BITFIELD bf SET u8 0 255 GET u8 0", "*2\r\n:0\r\n:255\r\n"),
            ("BITFIELD bf INCRBY u8 0 10", "*1\r\n:9\r\n"),
            ("BITFIELD bf OVERFLOW SAT INCRBY u8 0 300", "*1\r\n:255\r\n"),
            ("BITFIELD bf OVERFLOW FAIL INCRBY u8 0 1", "*1\r\n$-1\r\n"),
            ("BITFIELD bf OVERFLOW WRAP INCRBY u8 0 1", "*1\r\n:0\r\n"),
            ("BITFIELD bf SET i8 #1 -100 GET i8 #1 GET u4 8 GET i4 8", "*4\r\n:0\r\n:-100\r\n:9\r\n:-7\r\n"),
            ("BITFIELD bf INCRBY i8 #1 -100", "*1\r\n:56\r\n"),
            ("BITFIELD bf OVERFLOW SAT INCRBY i8 #1 -100", "*1\r\n:-44\r\n"),
            ("BITFIELD bf OVERFLOW FAIL INCRBY i8 #1 -1 INCRBY i8 #1 1", "*2\r\n:-45\r\n:-44\r\n"),
            (
                "BITFIELD bf SET i64 0 -1 GET i64 0 GET u63 0 GET u63 1",
                "*4\r\n:59672695062659072\r\n:-1\r\n:9223372036854775807\r\n:9223372036854775807\r\n",
            ),
            ("BITFIELD bf INCRBY i64 0 -9223372036854775808", "*1\r\n:9223372036854775807\r\n"),
            ("BITFIELD bf OVERFLOW SAT INCRBY i64 0 -9223372036854775808", "*1\r\n:-1\r\n"),
            ("BITFIELD bf OVERFLOW SAT SET i64 0 9223372036854775807 INCRBY i64 0 1", "*2\r\n:-1\r\n:9223372036854775807\r\n"),
            ("BITFIELD bf OVERFLOW WRAP INCRBY i64 0 1", "*1\r\n:-9223372036854775808\r\n"),
            ("BITFIELD bf OVERFLOW SAT SET u4 0 100 SET i4 0 100 SET i4 0 -100", "*3\r\n:8\r\n:-1\r\n:7\r\n"),
            ("BITFIELD bf OVERFLOW WRAP SET u4 0 100 SET i4 0 100 SET i4 0 -100", "*3\r\n:8\r\n:4\r\n:4\r\n"),
            (
                "BITFIELD bf GET u64 0",
                "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n",
            ),
            (
                "BITFIELD bf GET i65 0",
                "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n",
            ),
            (
                "BITFIELD bf GET u0 0",
                "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n",
            ),
            (
                "BITFIELD bf GET x8 0",
                "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n",
            ),
            ("BITFIELD bf GET u8 -1", "-ERR bit offset is not an integer or out of range\r\n"),
            ("BITFIELD bf GET u8 #-1", "-ERR bit offset is not an integer or out of range\r\n"),
            ("BITFIELD bf GET u8 #536870912", "-ERR bit offset is not an integer or out of range\r\n"),
            ("BITFIELD bf GET u8 #536870911", "*1\r\n:0\r\n"),
            ("BITFIELD bf OVERFLOW foo GET u8 0", "-ERR Invalid OVERFLOW type specified\r\n"),
            ("BITFIELD bf OVERFLOW", "-ERR syntax error\r\n"),
            ("BITFIELD bf GET u8", "-ERR syntax error\r\n"),
            ("BITFIELD bf SET u8 0", "-ERR syntax error\r\n"),
            ("BITFIELD bf SET u8 0 x", "-ERR value is not an integer or out of range\r\n"),
            ("BITFIELD bf INCRBY u8 0 1.5", "-ERR value is not an integer or out of range\r\n"),
            ("BITFIELD bf FOO", "-ERR syntax error\r\n"),
            ("BITFIELD bf", "*0\r\n"),
            ("BITFIELD nokey GET u8 0 GET i64 100", "*2\r\n:0\r\n:0\r\n"),
            ("BITFIELD_RO bf GET u8 0", "*1\r\n:192\r\n"),
            ("BITFIELD_RO bf SET u8 0 1", "-ERR BITFIELD_RO only supports the GET subcommand\r\n"),
            ("BITFIELD_RO bf INCRBY u8 0 1", "-ERR BITFIELD_RO only supports the GET subcommand\r\n"),
            ("BITFIELD_RO nokey GET u8 0", "*1\r\n:0\r\n"),
            ("LPUSH l a", ":1\r\n"),
            ("BITFIELD l GET u8 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("BITFIELD_RO l GET u8 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("BITFIELD l SET u8 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("SET n 1234", "+OK\r\n"),
            ("BITFIELD n GET u16 0", "*1\r\n:12594\r\n"),
            ("BITFIELD new SET u8 100 1", "*1\r\n:0\r\n"),
            ("STRLEN new", ":14\r\n"),
            ("BITFIELD new2 OVERFLOW FAIL INCRBY u2 10 100", "*1\r\n$-1\r\n"),
            ("STRLEN new2", ":2\r\n"),
            ("BITFIELD u SET u8 0 -1", "*1\r\n:0\r\n"),
            ("BITFIELD u SET i8 0 128", "*1\r\n:-1\r\n"),
            ("BITFIELD u OVERFLOW SAT SET u8 0 -1", "*1\r\n:128\r\n"),
            ("BITFIELD u INCRBY u63 0 -1", "*1\r\n:9187343239835811839\r\n"),
            ("BITFIELD u OVERFLOW SAT INCRBY u63 0 -1", "*1\r\n:9187343239835811838\r\n"),
            (
                "BITFIELD u OVERFLOW SAT INCRBY u63 0 9223372036854775807 INCRBY u63 0 1",
                "*2\r\n:9223372036854775807\r\n:9223372036854775807\r\n",
            ),
            (
                "BITFIELD u get u1 0 GET U8 0 get I8 0",
                "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n",
            ),
        ]);
    }

    #[test]
    fn modifications_count_like_redis() {
        // rdb_changes_since_last_save in Redis 7.0.15: a SETBIT or BITFIELD
        // that changes nothing is no modification; a new PFADD key is two.
        let mut t = TestServer::new();
        let d0 = t.srv.dirty;
        t.run(&["SETBIT", "k", "0", "0"]);
        assert_eq!(t.srv.dirty - d0, 1);
        t.run(&["SETBIT", "k", "0", "0"]);
        t.run(&["BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "5"]);
        t.run(&["BITFIELD", "k", "SET", "u8", "0", "0"]);
        assert_eq!(t.srv.dirty - d0, 1);
        t.run(&["PFADD", "h", "a"]);
        assert_eq!(t.srv.dirty - d0, 3);
        t.run(&["PFADD", "h", "a"]);
        t.run(&["PFCOUNT", "h"]);
        assert_eq!(t.srv.dirty - d0, 4);
        t.run(&["PFCOUNT", "h"]);
        t.run(&["PFMERGE", "h2", "h"]);
        t.run(&["PFDEBUG", "TODENSE", "h"]);
        t.run(&["PFDEBUG", "TODENSE", "h"]);
        assert_eq!(t.srv.dirty - d0, 6);
    }
}
