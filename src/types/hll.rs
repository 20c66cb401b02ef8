//! HyperLogLog: Redis's exact representation and algorithms, operating on
//! the bytes of a string value; mirrors hyperloglog.c.
//!
//! An HLL is an ordinary string (so GET/SET/DUMP/RESTORE/RDB carry it
//! byte for byte) laid out as Redis lays it out:
//!
//! ```text
//! +------+---+-----+----------+
//! | HYLL | E | N/U | Cardin.  |   16-byte header
//! +------+---+-----+----------+
//! ```
//!
//! magic "HYLL", one encoding byte (0 dense, 1 sparse), three unused bytes,
//! and the cached cardinality as 8 little-endian bytes whose top bit set
//! means "stale". Then the registers: 16384 six-bit registers packed
//! little-endian-bitwise (dense, always 12304 bytes in all), or the sparse
//! run-length opcodes ZERO `00xxxxxx`, XZERO `01xxxxxx yyyyyyyy`, VAL
//! `1vvvvvxx`. A sparse HLL is promoted to dense once a register exceeds
//! 32 or the string would grow beyond `hll-sparse-max-bytes`.
//!
//! Hash (MurmurHash64A, seed 0xadc83b19), register update rules, the
//! sparse opcode splitting/merging and the estimator (Ertl's improved
//! estimator, hllSigma/hllTau) follow Redis step by step, so the bytes and
//! the counts are the ones Redis produces for the same inputs.

use super::sds::Sds;

/// Bits of the hash used to select the register.
pub const P: u32 = 14;
/// Bits of the hash left for the run of zeroes.
pub const Q: u32 = 64 - P;
pub const REGISTERS: usize = 1 << P;
const P_MASK: u64 = (REGISTERS - 1) as u64;
pub const BITS: usize = 6;
pub const REGISTER_MAX: u8 = (1 << BITS) - 1;
pub const HDR_SIZE: usize = 16;
pub const DENSE_SIZE: usize = HDR_SIZE + (REGISTERS * BITS).div_ceil(8);
pub const DENSE: u8 = 0;
pub const SPARSE: u8 = 1;
const MAX_ENCODING: u8 = 1;
const ENCODING_OFFSET: usize = 4;
const CARD_OFFSET: usize = 8;

const SPARSE_XZERO_BIT: u8 = 0x40;
const SPARSE_VAL_BIT: u8 = 0x80;
const SPARSE_VAL_MAX_VALUE: u8 = 32;
const SPARSE_VAL_MAX_LEN: usize = 4;
const SPARSE_ZERO_MAX_LEN: usize = 64;
const SPARSE_XZERO_MAX_LEN: usize = 16384;
const ALPHA_INF: f64 = 0.721_347_520_444_481_7; // 0.5/ln(2)

/// A sparse representation that does not add up to 16384 registers (or a
/// dense one of the wrong shape): Redis's INVALIDOBJ condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corrupt;

// ---------------------------------------------------------------------------
// Hashing

/// MurmurHash2, 64-bit version, endian-neutral as Redis modified it.
pub fn murmurhash64a(key: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let len = key.len();
    let mut h: u64 = seed ^ (len as u64).wrapping_mul(M);
    let mut chunks = key.chunks_exact(8);
    for c in &mut chunks {
        let mut k = u64::from_le_bytes(c.try_into().unwrap());
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        for (i, &b) in rest.iter().enumerate() {
            h ^= (b as u64) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// The register an element maps to and the length of its 000..1 pattern
/// (hllPatLen): the low P bits pick the register, the run of zeroes above
/// them (plus the final one) is the count, at most Q+1.
#[inline]
pub fn pat_len(ele: &[u8]) -> (usize, u8) {
    let hash = murmurhash64a(ele, 0xadc8_3b19);
    let index = (hash & P_MASK) as usize;
    let rest = (hash >> P) | (1u64 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

// ---------------------------------------------------------------------------
// Header

/// isHLLObjectOrReply's shape check on a string's bytes: magic, a known
/// encoding, and the exact length for dense.
pub fn is_valid(bytes: &[u8]) -> bool {
    bytes.len() >= HDR_SIZE
        && &bytes[..4] == b"HYLL"
        && bytes[ENCODING_OFFSET] <= MAX_ENCODING
        && (bytes[ENCODING_OFFSET] != DENSE || bytes.len() == DENSE_SIZE)
}

#[inline]
pub fn encoding(bytes: &[u8]) -> u8 {
    bytes[ENCODING_OFFSET]
}

/// The cached cardinality, unless it was invalidated.
pub fn cached_card(bytes: &[u8]) -> Option<u64> {
    let card = u64::from_le_bytes(bytes[CARD_OFFSET..CARD_OFFSET + 8].try_into().unwrap());
    (card >> 63 == 0).then_some(card)
}

pub fn set_cached_card(bytes: &mut [u8], card: u64) {
    bytes[CARD_OFFSET..CARD_OFFSET + 8].copy_from_slice(&card.to_le_bytes());
}

/// Marks the cached cardinality stale (HLL_INVALIDATE_CACHE).
#[inline]
pub fn invalidate_cache(bytes: &mut [u8]) {
    bytes[CARD_OFFSET + 7] |= 1 << 7;
}

/// A new, empty HLL in the sparse encoding (createHLLObject): the header
/// and one XZERO opcode covering all 16384 registers.
pub fn new_sparse() -> Sds {
    let mut s = Sds::with_capacity(b"HYLL", HDR_SIZE + 2);
    s.resize_zeroed(HDR_SIZE);
    s.as_mut_bytes()[ENCODING_OFFSET] = SPARSE;
    let mut op = [0u8; 2];
    xzero_set(&mut op, REGISTERS.min(SPARSE_XZERO_MAX_LEN));
    s.extend_from_slice(&op);
    s
}

// ---------------------------------------------------------------------------
// Dense registers

/// Register `i` of a dense register array (HLL_DENSE_GET_REGISTER). The
/// last register never needs the byte past the end (Redis reads the sds
/// terminator there).
#[inline]
pub fn get_register(regs: &[u8], i: usize) -> u8 {
    let byte = i * BITS / 8;
    let fb = (i * BITS) & 7;
    let b0 = regs[byte] as u32;
    let b1 = regs.get(byte + 1).copied().unwrap_or(0) as u32;
    (((b0 >> fb) | (b1 << (8 - fb))) & REGISTER_MAX as u32) as u8
}

/// Sets register `i` (HLL_DENSE_SET_REGISTER).
#[inline]
pub fn set_register(regs: &mut [u8], i: usize, val: u8) {
    let byte = i * BITS / 8;
    let fb = (i * BITS) & 7;
    let fb8 = 8 - fb;
    let v = val as u32;
    let max = REGISTER_MAX as u32;
    regs[byte] = ((regs[byte] as u32 & !(max << fb)) | (v << fb)) as u8;
    if let Some(b1) = regs.get_mut(byte + 1) {
        *b1 = ((*b1 as u32 & !(max >> fb8)) | (v >> fb8)) as u8;
    }
}

/// Raises register `index` to `count` if it is lower (hllDenseSet);
/// true when it changed.
#[inline]
pub fn dense_set(regs: &mut [u8], index: usize, count: u8) -> bool {
    if count > get_register(regs, index) {
        set_register(regs, index, count);
        true
    } else {
        false
    }
}

/// Histogram of register values of a dense array (hllDenseRegHisto):
/// 16 registers from each 12 bytes.
fn dense_histo(regs: &[u8], histo: &mut [u32; 64]) {
    for r in regs[..REGISTERS * BITS / 8].chunks_exact(3) {
        let w = r[0] as u32 | (r[1] as u32) << 8 | (r[2] as u32) << 16;
        histo[(w & 63) as usize] += 1;
        histo[((w >> 6) & 63) as usize] += 1;
        histo[((w >> 12) & 63) as usize] += 1;
        histo[((w >> 18) & 63) as usize] += 1;
    }
}

// ---------------------------------------------------------------------------
// Sparse opcodes

#[inline]
fn is_zero(b: u8) -> bool {
    b & 0xc0 == 0
}
#[inline]
fn is_xzero(b: u8) -> bool {
    b & 0xc0 == SPARSE_XZERO_BIT
}
#[inline]
fn is_val(b: u8) -> bool {
    b & SPARSE_VAL_BIT != 0
}
#[inline]
fn zero_len(b: u8) -> usize {
    (b & 0x3f) as usize + 1
}
#[inline]
fn xzero_len(b0: u8, b1: u8) -> usize {
    (((b0 & 0x3f) as usize) << 8 | b1 as usize) + 1
}
#[inline]
fn val_value(b: u8) -> u8 {
    ((b >> 2) & 0x1f) + 1
}
#[inline]
fn val_len(b: u8) -> usize {
    (b & 0x3) as usize + 1
}
#[inline]
fn val_op(val: u8, len: usize) -> u8 {
    ((val - 1) << 2 | (len as u8 - 1)) | SPARSE_VAL_BIT
}
#[inline]
fn zero_op(len: usize) -> u8 {
    (len - 1) as u8
}
#[inline]
fn xzero_set(p: &mut [u8], len: usize) {
    let l = len - 1;
    p[0] = (l >> 8) as u8 | SPARSE_XZERO_BIT;
    p[1] = (l & 0xff) as u8;
}

/// One decoded sparse opcode.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    /// A run of zero registers, encoded in `bytes` (1 or 2) bytes.
    Zero {
        len: usize,
        bytes: usize,
    },
    Val {
        value: u8,
        len: usize,
    },
}

/// Decodes the opcode at `p[0]` (and `p[1]` for XZERO; a truncated XZERO
/// reads 0 as its second byte, like Redis reading the sds terminator).
#[inline]
fn decode(p: &[u8]) -> Op {
    let b = p[0];
    if is_zero(b) {
        Op::Zero { len: zero_len(b), bytes: 1 }
    } else if is_xzero(b) {
        Op::Zero { len: xzero_len(b, p.get(1).copied().unwrap_or(0)), bytes: 2 }
    } else {
        Op::Val { value: val_value(b), len: val_len(b) }
    }
}

/// Walks a sparse register area, calling `f(first_register, len, value)`
/// for every opcode. Fails when the runs do not add up to 16384 registers
/// (or would run past them).
fn sparse_runs(sparse: &[u8], mut f: impl FnMut(usize, usize, u8)) -> Result<(), Corrupt> {
    let mut idx = 0usize;
    let mut p = 0;
    while p < sparse.len() {
        let (len, value, bytes) = match decode(&sparse[p..]) {
            Op::Zero { len, bytes } => (len, 0, bytes),
            Op::Val { value, len } => (len, value, 1),
        };
        if idx + len > REGISTERS {
            return Err(Corrupt);
        }
        f(idx, len, value);
        idx += len;
        p += bytes;
    }
    if idx != REGISTERS {
        return Err(Corrupt);
    }
    Ok(())
}

/// Converts a sparse HLL to dense in place (hllSparseToDense); the magic
/// and cached cardinality are kept. A dense HLL is left alone.
pub fn sparse_to_dense(s: &mut Sds) -> Result<(), Corrupt> {
    if encoding(s.as_bytes()) == DENSE {
        return Ok(());
    }
    let mut dense = Sds::with_capacity(&s.as_bytes()[..HDR_SIZE], DENSE_SIZE);
    dense.resize_zeroed(DENSE_SIZE);
    {
        let (hdr, regs) = dense.as_mut_bytes().split_at_mut(HDR_SIZE);
        hdr[ENCODING_OFFSET] = DENSE;
        sparse_runs(&s.as_bytes()[HDR_SIZE..], |first, len, value| {
            if value != 0 {
                for i in first..first + len {
                    set_register(regs, i, value);
                }
            }
        })?;
    }
    dense.set_raw(s.is_raw());
    *s = dense;
    Ok(())
}

/// Raises register `index` of a sparse HLL to `count` (hllSparseSet),
/// splitting and re-merging opcodes exactly as Redis does, or promoting
/// the HLL to dense when `count` does not fit a VAL opcode or the string
/// would outgrow `sparse_max` bytes. Ok(true) when the register changed.
pub fn sparse_set(s: &mut Sds, index: usize, count: u8, sparse_max: usize) -> Result<bool, Corrupt> {
    if count > SPARSE_VAL_MAX_VALUE {
        return promote(s, index, count);
    }
    // Step 1: find the opcode covering `index`.
    let (p, first, span, prev) = {
        let sparse = &s.as_bytes()[HDR_SIZE..];
        let mut p = 0;
        let mut first = 0;
        let mut span = 0;
        let mut prev = None;
        while p < sparse.len() {
            let (len, oplen) = match decode(&sparse[p..]) {
                Op::Zero { len, bytes } => (len, bytes),
                Op::Val { len, .. } => (len, 1),
            };
            span = len;
            if index < first + span {
                break;
            }
            prev = Some(p);
            p += oplen;
            first += span;
        }
        if span == 0 || p >= sparse.len() {
            return Err(Corrupt);
        }
        (p, first, span, prev)
    };
    let end = s.len() - HDR_SIZE;
    let cur = s.as_bytes()[HDR_SIZE + p];
    let op = decode(&s.as_bytes()[HDR_SIZE + p..]);
    let last = first + span - 1;

    // Step 2: the trivial in-place cases, else build the replacement
    // sequence (at worst XZERO-VAL-XZERO, 5 bytes).
    let mut seq = [0u8; 5];
    let mut n = 0;
    let oldlen;
    match op {
        Op::Val { value, len } => {
            if value >= count {
                return Ok(false);
            }
            if len == 1 {
                s.as_mut_bytes()[HDR_SIZE + p] = val_op(count, 1);
                merge_adjacent(s, prev);
                return Ok(true);
            }
            if index != first {
                seq[n] = val_op(value, index - first);
                n += 1;
            }
            seq[n] = val_op(count, 1);
            n += 1;
            if index != last {
                seq[n] = val_op(value, last - index);
                n += 1;
            }
            oldlen = 1;
        }
        Op::Zero { len: 1, bytes: 1 } if is_zero(cur) => {
            s.as_mut_bytes()[HDR_SIZE + p] = val_op(count, 1);
            merge_adjacent(s, prev);
            return Ok(true);
        }
        Op::Zero { bytes, .. } => {
            let zeros = |len: usize, seq: &mut [u8; 5], n: &mut usize| {
                if len > SPARSE_ZERO_MAX_LEN {
                    xzero_set(&mut seq[*n..], len);
                    *n += 2;
                } else {
                    seq[*n] = zero_op(len);
                    *n += 1;
                }
            };
            if index != first {
                zeros(index - first, &mut seq, &mut n);
            }
            seq[n] = val_op(count, 1);
            n += 1;
            if index != last {
                zeros(last - index, &mut seq, &mut n);
            }
            oldlen = bytes;
        }
    }

    // Step 3: put the new sequence in place of the old opcode.
    let delta = n as isize - oldlen as isize;
    if delta > 0 && s.len() + delta as usize > sparse_max {
        return promote(s, index, count);
    }
    let at = HDR_SIZE + p;
    let next = at + oldlen;
    let tail_end = HDR_SIZE + end;
    if delta > 0 {
        s.resize_zeroed(s.len() + delta as usize);
        s.as_mut_bytes().copy_within(next..tail_end, (next as isize + delta) as usize);
    } else if delta < 0 {
        s.as_mut_bytes().copy_within(next..tail_end, (next as isize + delta) as usize);
        s.resize_zeroed((s.len() as isize + delta) as usize);
    }
    s.as_mut_bytes()[at..at + n].copy_from_slice(&seq[..n]);
    merge_adjacent(s, prev);
    Ok(true)
}

/// Step 4 of hllSparseSet: merge adjacent VAL opcodes of equal value,
/// scanning up to 5 opcodes from the one before the change; then mark the
/// cached cardinality stale.
fn merge_adjacent(s: &mut Sds, prev: Option<usize>) {
    let mut p = HDR_SIZE + prev.unwrap_or(0);
    let mut end = s.len();
    let mut scan = 5;
    while p < end && scan > 0 {
        scan -= 1;
        let b = s.as_bytes()[p];
        if is_xzero(b) {
            p += 2;
            continue;
        } else if is_zero(b) {
            p += 1;
            continue;
        }
        if p + 1 < end && is_val(s.as_bytes()[p + 1]) {
            let b1 = s.as_bytes()[p + 1];
            let (v1, v2) = (val_value(b), val_value(b1));
            if v1 == v2 {
                let len = val_len(b) + val_len(b1);
                if len <= SPARSE_VAL_MAX_LEN {
                    let bytes = s.as_mut_bytes();
                    bytes[p + 1] = val_op(v1, len);
                    bytes.copy_within(p + 1..end, p);
                    end -= 1;
                    s.resize_zeroed(end);
                    // Retry at the same place: the merged run may merge
                    // again with its right neighbour.
                    continue;
                }
            }
        }
        p += 1;
    }
    invalidate_cache(s.as_mut_bytes());
}

/// The promote path of hllSparseSet: convert, then set in dense form.
fn promote(s: &mut Sds, index: usize, count: u8) -> Result<bool, Corrupt> {
    sparse_to_dense(s)?;
    let changed = dense_set(&mut s.as_mut_bytes()[HDR_SIZE..], index, count);
    // A promotion only happens when the register has to change.
    debug_assert!(changed);
    Ok(changed)
}

/// Raises register `index` to `count` in whichever encoding `s` has.
pub fn set(s: &mut Sds, index: usize, count: u8, sparse_max: usize) -> Result<bool, Corrupt> {
    match encoding(s.as_bytes()) {
        DENSE => Ok(dense_set(&mut s.as_mut_bytes()[HDR_SIZE..], index, count)),
        SPARSE => sparse_set(s, index, count, sparse_max),
        _ => Err(Corrupt),
    }
}

/// Adds an element (hllAdd): Ok(true) when a register changed.
#[inline]
pub fn add(s: &mut Sds, ele: &[u8], sparse_max: usize) -> Result<bool, Corrupt> {
    let (index, count) = pat_len(ele);
    set(s, index, count, sparse_max)
}

// ---------------------------------------------------------------------------
// Counting

/// Ertl's sigma (hllSigma).
fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let z_prime = z;
        z += x * y;
        y += y;
        if z_prime == z {
            return z;
        }
    }
}

/// Ertl's tau (hllTau).
fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let z_prime = z;
        y *= 0.5;
        let d = 1.0 - x;
        // C's pow(d, 2) is folded to d*d by the compiler: the same bits.
        z -= d * d * y;
        if z_prime == z {
            return z / 3.0;
        }
    }
}

/// The estimate from a register histogram (the body of hllCount).
fn estimate(histo: &[u32; 64]) -> u64 {
    let m = REGISTERS as f64;
    let mut z = m * tau((m - histo[Q as usize + 1] as f64) / m);
    for j in (1..=Q as usize).rev() {
        z += histo[j] as f64;
        z *= 0.5;
    }
    z += m * sigma(histo[0] as f64 / m);
    (ALPHA_INF * m * m / z).round() as u64
}

/// The approximate cardinality of an HLL string (dense or sparse),
/// ignoring the cache.
pub fn count(bytes: &[u8]) -> Result<u64, Corrupt> {
    let mut histo = [0u32; 64];
    let regs = &bytes[HDR_SIZE..];
    match encoding(bytes) {
        DENSE => dense_histo(regs, &mut histo),
        SPARSE => sparse_runs(regs, |_, len, value| histo[value as usize] += len as u32)?,
        _ => return Err(Corrupt),
    }
    Ok(estimate(&histo))
}

/// The cardinality of 16384 one-byte registers (HLL_RAW, the union that
/// a multi-key PFCOUNT builds).
pub fn count_raw(regs: &[u8; REGISTERS]) -> u64 {
    let mut histo = [0u32; 64];
    for w in regs.chunks_exact(8) {
        if u64::from_ne_bytes(w.try_into().unwrap()) == 0 {
            histo[0] += 8;
        } else {
            for &b in w {
                histo[(b & 63) as usize] += 1;
            }
        }
    }
    estimate(&histo)
}

/// Folds an HLL string into `max` (max[i] = MAX(max[i], register i)),
/// hllMerge. The string must have passed `is_valid`.
pub fn merge_into(max: &mut [u8; REGISTERS], bytes: &[u8]) -> Result<(), Corrupt> {
    let regs = &bytes[HDR_SIZE..];
    match encoding(bytes) {
        DENSE => {
            // Four registers from every three bytes.
            for (r, m) in regs[..REGISTERS * BITS / 8].chunks_exact(3).zip(max.chunks_exact_mut(4)) {
                let w = r[0] as u32 | (r[1] as u32) << 8 | (r[2] as u32) << 16;
                for (k, m) in m.iter_mut().enumerate() {
                    *m = (*m).max(((w >> (6 * k)) & 63) as u8);
                }
            }
            Ok(())
        }
        _ => sparse_runs(regs, |first, len, value| {
            if value != 0 {
                for m in &mut max[first..first + len] {
                    if value > *m {
                        *m = value;
                    }
                }
            }
        }),
    }
}

/// The PFDEBUG DECODE text of a sparse HLL: "Z:16384", "z:3 v:2,1" ...
pub fn decode_sparse(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut p = HDR_SIZE;
    while p < bytes.len() {
        match decode(&bytes[p..]) {
            Op::Zero { len, bytes: 1 } => {
                out.push_str(&format!("z:{} ", len));
                p += 1;
            }
            Op::Zero { len, .. } => {
                out.push_str(&format!("Z:{} ", len));
                p += 2;
            }
            Op::Val { value, len } => {
                out.push_str(&format!("v:{},{} ", value, len));
                p += 1;
            }
        }
    }
    out.trim_matches(' ').to_string()
}

/// The PFSELFTEST check that failed; the reply text for each is
/// `ReplyError::hll_self_test_failed`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SelfTestFailure {
    /// A register read back differently from what was written.
    Register {
        index: usize,
        expected: u8,
        got: u8,
    },
    /// Adding to the sparse HLL found it corrupted.
    SparseCorrupted,
    /// The sparse HLL was promoted while still small.
    SparseNotUsed,
    DenseSparseDisagree,
    /// The estimate strayed beyond the allowed error at a checkpoint.
    TooBigError {
        card: u64,
        abserr: u64,
    },
}

/// PFSELFTEST's checks (pfselftestCommand): register access on random
/// values, then sparse and dense HLLs fed the same 10M elements must agree
/// and stay within a few standard errors.
pub fn self_test(sparse_max: usize, mut rand: impl FnMut() -> u32) -> Result<(), SelfTestFailure> {
    let mut dense = vec![0u8; DENSE_SIZE];
    let mut bytecounters = [0u8; REGISTERS];
    for _ in 0..1000 {
        for (i, b) in bytecounters.iter_mut().enumerate() {
            let r = (rand() & REGISTER_MAX as u32) as u8;
            *b = r;
            set_register(&mut dense[HDR_SIZE..], i, r);
        }
        for (i, &b) in bytecounters.iter().enumerate() {
            let v = get_register(&dense[HDR_SIZE..], i);
            if v != b {
                return Err(SelfTestFailure::Register { index: i, expected: b, got: v });
            }
        }
    }
    dense[HDR_SIZE..].fill(0);
    dense[..4].copy_from_slice(b"HYLL");
    let mut sparse = new_sparse();
    let relerr = 1.04 / (REGISTERS as f64).sqrt();
    let mut checkpoint: u64 = 1;
    let seed = rand() as u64 | (rand() as u64) << 32;
    for j in 1..=10_000_000u64 {
        let ele = (j ^ seed).to_ne_bytes();
        let (index, cnt) = pat_len(&ele);
        dense_set(&mut dense[HDR_SIZE..], index, cnt);
        set(&mut sparse, index, cnt, sparse_max).map_err(|_| SelfTestFailure::SparseCorrupted)?;
        if j != checkpoint {
            continue;
        }
        if (j as usize) < sparse_max / 2 && encoding(sparse.as_bytes()) != SPARSE {
            return Err(SelfTestFailure::SparseNotUsed);
        }
        let dense_card = count(&dense).unwrap_or(0);
        if Ok(dense_card) != count(sparse.as_bytes()) {
            return Err(SelfTestFailure::DenseSparseDisagree);
        }
        let abserr = (checkpoint as i64 - dense_card as i64).unsigned_abs();
        let mut maxerr = (relerr * 6.0 * checkpoint as f64).ceil() as u64;
        if j == 10 {
            maxerr = 1;
        }
        if abserr > maxerr {
            return Err(SelfTestFailure::TooBigError { card: checkpoint, abserr });
        }
        checkpoint *= 10;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hll_of(elements: impl IntoIterator<Item = Vec<u8>>, sparse_max: usize) -> Sds {
        let mut s = new_sparse();
        for e in elements {
            add(&mut s, &e, sparse_max).unwrap();
        }
        s
    }

    #[test]
    fn hash_matches_redis() {
        // Register and run length Redis 7.0.15 gives these elements
        // (PFADD h <e>; PFDEBUG DECODE h).
        for (e, index, count) in
            [(&b"a"[..], 12711, 2), (b"foo", 7348, 5), (b"", 5938, 2), (b"hello12345678", 12225, 2), (b"0123456789abcdef", 5949, 1)]
        {
            assert_eq!(pat_len(e), (index, count), "element {:?}", e);
        }
    }

    #[test]
    fn new_hll_is_one_xzero() {
        let s = new_sparse();
        assert_eq!(s.as_bytes(), b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff");
        assert_eq!(decode_sparse(s.as_bytes()), "Z:16384");
        assert_eq!(count(s.as_bytes()), Ok(0));
    }

    #[test]
    fn registers_round_trip() {
        let mut regs = vec![0u8; REGISTERS * BITS / 8];
        for i in 0..REGISTERS {
            set_register(&mut regs, i, (i % 64) as u8);
        }
        for i in 0..REGISTERS {
            assert_eq!(get_register(&regs, i), (i % 64) as u8, "register {}", i);
        }
    }

    #[test]
    fn sparse_and_dense_agree() {
        for n in [1usize, 10, 100, 1000, 5000] {
            let elements: Vec<Vec<u8>> = (0..n).map(|i| format!("ele:{}", i).into_bytes()).collect();
            let sparse = hll_of(elements.clone(), 1 << 20);
            assert_eq!(encoding(sparse.as_bytes()), SPARSE);
            let mut dense = sparse.clone();
            sparse_to_dense(&mut dense).unwrap();
            assert_eq!(dense.len(), DENSE_SIZE);
            assert_eq!(count(sparse.as_bytes()), count(dense.as_bytes()));
            let mut max = [0u8; REGISTERS];
            merge_into(&mut max, sparse.as_bytes()).unwrap();
            assert_eq!(count_raw(&max), count(dense.as_bytes()).unwrap());
            let mut from_dense = [0u8; REGISTERS];
            merge_into(&mut from_dense, dense.as_bytes()).unwrap();
            assert_eq!(from_dense, max);
            // The sparse runs are well-formed.
            let mut sum = 0;
            sparse_runs(&sparse.as_bytes()[HDR_SIZE..], |_, len, _| sum += len).unwrap();
            assert_eq!(sum, REGISTERS);
        }
    }

    #[test]
    fn promotion_at_sparse_max() {
        let s = hll_of((0..2000).map(|i| format!("{}", i).into_bytes()), 3000);
        assert_eq!(encoding(s.as_bytes()), DENSE);
        let s = hll_of((0..100).map(|i| format!("{}", i).into_bytes()), 3000);
        assert_eq!(encoding(s.as_bytes()), SPARSE);
        assert!(s.len() <= 3000);
    }

    #[test]
    fn corrupt_sparse_is_detected() {
        let mut s = new_sparse();
        s.as_mut_bytes()[HDR_SIZE + 1] = 0; // XZERO of 16129 registers only
        assert_eq!(count(s.as_bytes()), Err(Corrupt));
        let mut max = [0u8; REGISTERS];
        assert_eq!(merge_into(&mut max, s.as_bytes()), Err(Corrupt));
        assert_eq!(sparse_to_dense(&mut s.clone()), Err(Corrupt));
    }

    #[test]
    fn estimator_edge_cases() {
        let mut histo = [0u32; 64];
        histo[0] = REGISTERS as u32;
        assert_eq!(estimate(&histo), 0);
    }
}
