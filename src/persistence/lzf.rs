//! LZF compression, output-compatible with liblzf 3.6 as Redis builds it
//! (lzf_c.c / lzf_d.c with HLOG 16, VERY_FAST, zero-initialised hash
//! table): RDB files and DUMP payloads carry strings compressed this way.
//!
//! Format: a sequence of chunks. A control byte below 32 starts a literal
//! run of `ctrl + 1` bytes; otherwise its top 3 bits are a match length
//! (7 = a length byte follows) and its low 5 bits the high bits of a
//! back-reference offset, whose low 8 bits follow. A match copies
//! `len + 2` bytes from `offset + 1` bytes back in the output.

const HLOG: u32 = 16;
const HSIZE: usize = 1 << HLOG;
const MAX_LIT: usize = 1 << 5;
const MAX_OFF: usize = 1 << 13;
const MAX_REF: usize = (1 << 8) + (1 << 3);

#[inline]
fn idx(h: u32) -> usize {
    ((h >> (3 * 8 - HLOG)).wrapping_sub(h.wrapping_mul(5)) as usize) & (HSIZE - 1)
}

/// Compresses `input` into at most `out_len` bytes (lzf_compress). None
/// when the input is empty or the result would not fit, which is how
/// callers learn that compression does not pay.
pub fn compress(input: &[u8], out_len: usize) -> Option<Vec<u8>> {
    let n = input.len();
    if n == 0 || out_len == 0 {
        return None;
    }
    // The 64K-slot hash table is kept per thread rather than allocated and
    // zeroed per call: a fresh 256 KB table cost ~100 us a call (mmap, page
    // faults, zeroing), which made SAVE of many small listpacks 10-30x
    // slower than redis-server. Each call gets its own range of stored
    // values, starting at `base`; anything below `base` was left by an
    // earlier call and reads as empty, exactly as in a zeroed table.
    thread_local! {
        static HTAB: std::cell::RefCell<(Vec<u32>, u32)> =
            std::cell::RefCell::new((vec![0u32; HSIZE], 1));
    }
    HTAB.with(|cell| {
        let mut guard = cell.borrow_mut();
        let (htab, next) = &mut *guard;
        if u64::from(*next) + n as u64 + 1 >= u64::from(u32::MAX) {
            htab.fill(0);
            *next = 1;
        }
        let base = *next;
        *next = base + n as u32;
        compress_with(input, out_len, htab, base)
    })
}

/// lzf_compress proper. `htab` slots hold `base + position`; a value below
/// `base` is empty.
fn compress_with(input: &[u8], out_len: usize, htab: &mut [u32], base: u32) -> Option<Vec<u8>> {
    let n = input.len();
    let mut out = vec![0u8; out_len];
    // Positions; 0 doubles as "empty", which is harmless because liblzf
    // never references position 0 either (`ref > in_data`).
    let mut op: usize = 1; // start a literal run
    let mut lit: usize = 0;
    let mut ip: usize = 0;
    let at = |p: usize| -> u32 { input.get(p).copied().unwrap_or(0) as u32 };
    let frst = |p: usize| (at(p) << 8) | at(p + 1);
    let mut hval = frst(0);
    while n >= 3 && ip < n - 2 {
        hval = (hval << 8) | input[ip + 2] as u32;
        let slot = idx(hval);
        let stored = htab[slot];
        let r = if stored >= base { (stored - base) as usize } else { 0 };
        htab[slot] = base + ip as u32;
        if r > 0
            && r < ip
            && ip - r - 1 < MAX_OFF
            && input[r + 2] == input[ip + 2]
            && input[r] == input[ip]
            && input[r + 1] == input[ip + 1]
        {
            let off = ip - r - 1;
            let mut len = 2;
            let maxlen = (n - ip - len).min(MAX_REF);
            if op + 3 + 1 >= out_len && op - (lit == 0) as usize + 3 + 1 >= out_len {
                return None;
            }
            out[op - lit - 1] = (lit as u8).wrapping_sub(1); // stop the run
            op -= (lit == 0) as usize; // undo an empty run
            loop {
                len += 1;
                if !(len < maxlen && input[r + len] == input[ip + len]) {
                    break;
                }
            }
            len -= 2; // now the number of octets minus one
            ip += 1;
            if len < 7 {
                out[op] = ((off >> 8) + (len << 5)) as u8;
                op += 1;
            } else {
                out[op] = ((off >> 8) + (7 << 5)) as u8;
                out[op + 1] = (len - 7) as u8;
                op += 2;
            }
            out[op] = off as u8;
            op += 1;
            lit = 0;
            op += 1; // start a new run
            ip += len + 1;
            if ip >= n - 2 {
                break;
            }
            // VERY_FAST: hash the two positions before ip.
            ip -= 2;
            hval = frst(ip);
            hval = (hval << 8) | input[ip + 2] as u32;
            htab[idx(hval)] = base + ip as u32;
            ip += 1;
            hval = (hval << 8) | input[ip + 2] as u32;
            htab[idx(hval)] = base + ip as u32;
            ip += 1;
        } else {
            if op >= out_len {
                return None;
            }
            lit += 1;
            out[op] = input[ip];
            op += 1;
            ip += 1;
            if lit == MAX_LIT {
                out[op - lit - 1] = (lit - 1) as u8;
                lit = 0;
                op += 1;
            }
        }
    }
    if op + 3 > out_len {
        return None;
    }
    while ip < n {
        lit += 1;
        out[op] = input[ip];
        op += 1;
        ip += 1;
        if lit == MAX_LIT {
            out[op - lit - 1] = (lit - 1) as u8;
            lit = 0;
            op += 1;
        }
    }
    out[op - lit - 1] = (lit as u8).wrapping_sub(1); // end the run
    op -= (lit == 0) as usize;
    out.truncate(op);
    Some(out)
}

/// Decompresses `input`, which must expand to exactly `out_len` bytes
/// (lzf_decompress plus Redis's length check). None on any malformed
/// input: a run or match past either end, a reference before the start.
pub fn decompress(input: &[u8], out_len: usize) -> Option<Vec<u8>> {
    // A chunk of at most 3 input bytes yields at most 264 output bytes:
    // a claimed length beyond that is a lie, refused before allocating.
    if out_len > input.len().saturating_mul(88).saturating_add(32) {
        return None;
    }
    // Zeroing costs ~3% of the decode (a vectorised memset); writing into
    // spare capacity instead would need unsafe.
    let mut out = vec![0u8; out_len];
    decode(input, &mut out).then_some(out)
}

/// Fills all of `out` from `input`; false if `input` is malformed or does
/// not expand to exactly `out.len()` bytes.
fn decode(input: &[u8], out: &mut [u8]) -> bool {
    let Some((mut ip, mut op)) = decode_bulk(input, out) else {
        return false;
    };
    // The last tokens, near either end, with every length checked.
    while ip < input.len() {
        let ctrl = input[ip] as usize;
        ip += 1;
        if ctrl < 32 {
            let run = ctrl + 1;
            let (Some(src), Some(dst)) = (input.get(ip..ip + run), out.get_mut(op..op + run)) else {
                return false;
            };
            dst.copy_from_slice(src);
            op += run;
            ip += run;
        } else {
            let mut n = (ctrl >> 5) + 2;
            if n == 9 {
                let Some(&extra) = input.get(ip) else {
                    return false;
                };
                n += extra as usize;
                ip += 1;
            }
            let Some(&low) = input.get(ip) else {
                return false;
            };
            ip += 1;
            let back = ((ctrl & 0x1f) << 8 | low as usize) + 1;
            if !copy_match(out, op, back, n) {
                return false;
            }
            op += n;
        }
    }
    op == out.len()
}

/// Decodes tokens while at least 17 input bytes (a control byte and a
/// 16-byte run) and 16 output bytes remain, and returns where it stopped,
/// or None if the input is malformed. This is where the time goes: ~26
/// instructions a token on Redis listpacks, against ~60 for a plain loop
/// like `decode`'s (and liblzf's).
///
/// With those margins checked once per token, the compiler can prove the
/// fixed-size copies below in bounds and drops their checks; a fixed-size
/// copy is one or two moves where an exact one is a memcpy call. Copies
/// may write past the token's end, into bytes the following tokens
/// overwrite: a valid stream writes every byte of `out` in order. (The
/// `?` after each conversion to an array never fires: the slice has the
/// array's length.)
// Out of line: inlined into `decode`, the loop shared registers with the
// allocation and tail code, spilled, and ran ~7% more instructions.
#[inline(never)]
fn decode_bulk(input: &[u8], out: &mut [u8]) -> Option<(usize, usize)> {
    let (mut ip, mut op) = (0, 0);
    let (Some(in_last), Some(out_last)) = (input.len().checked_sub(17), out.len().checked_sub(16)) else {
        return Some((ip, op));
    };
    while ip <= in_last && op <= out_last {
        let ctrl = input[ip] as usize;
        // Short matches first, with one test: they are most tokens in
        // listpacks (and the offset is read as one big-endian u16).
        if ctrl.wrapping_sub(32) < 0xc0 {
            let pair: [u8; 2] = input[ip..ip + 2].try_into().ok()?;
            let back = (u16::from_be_bytes(pair) as usize & 0x1fff) + 1;
            let n = (ctrl >> 5) + 2;
            ip += 2;
            let src = op.checked_sub(back)?;
            if back >= 8 {
                // All n <= 8 bytes lie before `op`.
                let v: [u8; 8] = out[src..src + 8].try_into().ok()?;
                out[op..op + 8].copy_from_slice(&v);
            } else if !copy_match(out, op, back, n) {
                return None;
            }
            op += n;
        } else if ctrl < 32 {
            // A literal run of 1..=32 bytes.
            let run = ctrl + 1;
            if run <= 16 {
                let v: [u8; 16] = input[ip + 1..ip + 17].try_into().ok()?;
                out[op..op + 16].copy_from_slice(&v);
            } else if let (Some(src), Some(dst)) = (input.get(ip + 1..ip + 33), out.get_mut(op..op + 32)) {
                dst.copy_from_slice(src);
            } else {
                let (Some(src), Some(dst)) = (input.get(ip + 1..ip + 1 + run), out.get_mut(op..op + run)) else {
                    return None;
                };
                dst.copy_from_slice(src);
            }
            op += run;
            ip += run + 1;
        } else {
            // A match of 9..=264 bytes, its length byte before the offset's.
            let back = ((ctrl & 0x1f) << 8 | input[ip + 2] as usize) + 1;
            let n = 9 + input[ip + 1] as usize;
            ip += 3;
            let src = op.checked_sub(back)?;
            if n <= 16 && back >= 16 {
                let v: [u8; 16] = out[src..src + 16].try_into().ok()?;
                out[op..op + 16].copy_from_slice(&v);
            } else if !copy_match(out, op, back, n) {
                return None;
            }
            op += n;
        }
    }
    Some((ip, op))
}

/// Copies the `n` bytes of a match `back` bytes behind `op`, exactly; false
/// if it starts before the output or ends past it.
// Out of line for the same reason as decode_bulk, which calls it for the
// rare long or overlapping match.
#[inline(never)]
fn copy_match(out: &mut [u8], op: usize, back: usize, n: usize) -> bool {
    let (Some(src), Some(room)) = (op.checked_sub(back), out.len().checked_sub(op)) else {
        return false;
    };
    if n > room {
        return false;
    }
    // `window` is the match's source followed by its destination.
    let window = &mut out[src..op + n];
    if n <= 32 {
        // Byte by byte, in order: cheaper than a memmove call for a short
        // match, and right for one that overlaps what it writes (back < n),
        // which repeats the `back` bytes before `op`.
        for i in back..window.len() {
            window[i] = window[i - back];
        }
        return true;
    }
    // Copying the repeated region onto its own end doubles it each step,
    // and no step reads a byte it writes.
    let mut done = back;
    while done < window.len() {
        let k = done.min(window.len() - done);
        window.copy_within(..k, done);
        done += k;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::rand::TestRng;

    #[test]
    fn round_trips() {
        let mut rng = TestRng(7u64);
        let mut rnd = || rng.next();
        let mut inputs: Vec<Vec<u8>> = vec![
            b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".to_vec(),
            b"abcabcabcabcabcabcabcabcabcabcabcabc hello hello hello hello".to_vec(),
            vec![0u8; 100_000],
        ];
        for len in [100usize, 1000, 70_000] {
            // Compressible: a small alphabet with repeats.
            inputs.push((0..len).map(|_| b"abcd"[(rnd() % 4) as usize]).collect());
        }
        for inp in &inputs {
            let c = compress(inp, inp.len() - 4).expect("compressible input");
            assert!(c.len() < inp.len());
            assert_eq!(decompress(&c, inp.len()).unwrap(), *inp);
        }
        // Random bytes do not compress within len - 4.
        let noise: Vec<u8> = (0..1000).map(|_| rnd() as u8).collect();
        assert!(compress(&noise, noise.len() - 4).is_none());
        // But they round-trip with room to spare.
        let c = compress(&noise, noise.len() * 2).unwrap();
        assert_eq!(decompress(&c, noise.len()).unwrap(), noise);
    }

    #[test]
    fn decompresses_what_redis_wrote() {
        // SET long <66 x 'a'> then SAVE in redis-server 7.0.15: the value
        // is stored as 0xc3 <clen 9> <len 66> and these 9 bytes.
        let c = b"\x01\x61\x61\xe0\x35\x00\x01\x61\x61";
        assert_eq!(decompress(c, 66).unwrap(), vec![b'a'; 66]);
        // And we compress it to the same bytes.
        assert_eq!(compress(&[b'a'; 66], 62).unwrap(), c.to_vec());
    }

    #[test]
    fn output_does_not_depend_on_earlier_calls() {
        // The hash table is reused between calls; leftovers must read as
        // empty, so a call gives the bytes a fresh zeroed table gives.
        let a: Vec<u8> = (0..5000u32).map(|i| b"xyzw"[(i * 7 % 13 % 4) as usize]).collect();
        let b: Vec<u8> = (0..3000u32).map(|i| b"abxy"[(i * 5 % 11 % 4) as usize]).collect();
        let first = compress(&a, a.len()).unwrap();
        for _ in 0..3 {
            compress(&b, b.len()).unwrap();
            assert_eq!(compress(&a, a.len()).unwrap(), first);
        }
        let fresh = compress_with(&a, a.len(), &mut vec![0u32; HSIZE], 1).unwrap();
        assert_eq!(first, fresh);
        assert_eq!(compress(&[b'a'; 66], 62).unwrap(), b"\x01\x61\x61\xe0\x35\x00\x01\x61\x61".to_vec());
    }

    #[test]
    fn malformed_input_is_refused() {
        assert!(decompress(b"\x05ab", 6).is_none()); // run past the input
        assert!(decompress(b"\x20\x00", 3).is_none()); // reference before the start
        assert!(decompress(b"\x00a", 2).is_none()); // wrong expanded length
        assert!(decompress(b"\x00a\xe0", 20).is_none()); // truncated match
        assert!(decompress(b"", 0).unwrap().is_empty());
    }

    /// lzf_decompress read literally, one byte at a time, with no output
    /// length to aim at: what `input` expands to, or None if a run or a
    /// match reads past the input or a match starts before the output.
    fn reference_expand(input: &[u8]) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut ip = 0;
        while ip < input.len() {
            let ctrl = input[ip] as usize;
            ip += 1;
            if ctrl < 32 {
                for _ in 0..ctrl + 1 {
                    out.push(*input.get(ip)?);
                    ip += 1;
                }
            } else {
                let mut len = ctrl >> 5;
                if len == 7 {
                    len += *input.get(ip)? as usize;
                    ip += 1;
                }
                let back = ((ctrl & 0x1f) << 8) + *input.get(ip)? as usize + 1;
                ip += 1;
                let start = out.len().checked_sub(back)?;
                for i in 0..len + 2 {
                    out.push(out[start + i]);
                }
            }
        }
        Some(out)
    }

    fn reference(input: &[u8], out_len: usize) -> Option<Vec<u8>> {
        reference_expand(input).filter(|out| out.len() == out_len)
    }

    /// The fast decoder agrees with the reference on `input` for `out_len`
    /// and the lengths beside it, and for the length `input` really
    /// expands to and the lengths beside that.
    fn agree(input: &[u8], out_len: usize) {
        let expanded = reference_expand(input);
        let mut lens = vec![out_len, out_len + 1, out_len.saturating_sub(1), 0];
        if let Some(out) = &expanded {
            lens.extend([out.len(), out.len() + 1, out.len().saturating_sub(1)]);
        }
        lens.sort_unstable();
        lens.dedup();
        for len in lens {
            let expected = expanded.as_ref().filter(|out| out.len() == len);
            assert_eq!(decompress(input, len).as_ref(), expected, "input {input:02x?}, out_len {len}");
        }
    }

    /// A random valid stream, token by token, without going through
    /// compress(): every run length, every match length and every offset,
    /// including matches that overlap what they write (offset < length),
    /// which compress() rarely produces.
    fn random_stream(rng: &mut TestRng, tokens: usize) -> (Vec<u8>, usize) {
        let mut c = Vec::new();
        let mut op = 0usize;
        for _ in 0..tokens {
            if op == 0 || rng.below(3) == 0 {
                let run = 1 + rng.below(32);
                c.push((run - 1) as u8);
                c.extend((0..run).map(|_| rng.next() as u8));
                op += run;
            } else {
                let back = match rng.below(3) {
                    0 => 1 + rng.below(op.min(8)),
                    1 => 1 + rng.below(op.min(40)),
                    _ => 1 + rng.below(op.min(MAX_OFF)),
                };
                let n = match rng.below(3) {
                    0 => 3 + rng.below(6),
                    1 => 9 + rng.below(12),
                    _ => 3 + rng.below(262),
                };
                let off = back - 1;
                if n < 9 {
                    c.push((((n - 2) << 5) | (off >> 8)) as u8);
                } else {
                    c.push(((7 << 5) | (off >> 8)) as u8);
                    c.push((n - 9) as u8);
                }
                c.push(off as u8);
                op += n;
            }
        }
        (c, op)
    }

    #[test]
    fn decompress_matches_a_byte_by_byte_reference() {
        let mut rng = TestRng(0x9e37_79b9_7f4a_7c15);
        let mut valid: Vec<(Vec<u8>, usize)> = Vec::new();

        // Round trips through compress(): sizes 1..70000, spread
        // logarithmically, of compressible and of random bytes.
        for i in 0..100 {
            let size = 1 + (1usize << rng.below(17)).min(70_000) + rng.below(16);
            let size = size.min(70_000);
            let data: Vec<u8> = match i % 4 {
                0 => (0..size).map(|_| rng.next() as u8).collect(),
                1 => (0..size).map(|_| b"abcd"[rng.below(4)]).collect(),
                2 => (0..size).map(|j| if rng.below(8) == 0 { rng.next() as u8 } else { (j / 50) as u8 }).collect(),
                _ => {
                    // Repeats of short and long phrases, at all distances.
                    let mut d = Vec::with_capacity(size);
                    while d.len() < size {
                        if d.is_empty() || rng.below(4) == 0 {
                            d.push(rng.next() as u8);
                        } else {
                            let from = rng.below(d.len());
                            let len = 1 + rng.below(40);
                            for k in 0..len {
                                d.push(d[from + k % (d.len() - from)]);
                            }
                        }
                    }
                    d.truncate(size);
                    d
                }
            };
            let c = compress(&data, size + size / 16 + 16).expect("room for incompressible input");
            assert_eq!(decompress(&c, size).as_deref(), Some(&data[..]));
            assert_eq!(reference(&c, size).as_deref(), Some(&data[..]));
            for len in [size - 1, size + 1, 0] {
                assert_eq!(decompress(&c, len), None);
            }
            if c.len() <= 600 {
                valid.push((c, size));
            }
        }
        // Streams built token by token.
        for _ in 0..300 {
            let tokens = 1 + rng.below(60);
            let (c, n) = random_stream(&mut rng, tokens);
            assert_eq!(decompress(&c, n), reference(&c, n));
            assert!(decompress(&c, n).is_some());
            agree(&c, n);
            valid.push((c, n));
        }

        // Every truncation of some valid streams.
        for (c, n) in valid.iter().step_by(10).filter(|(c, _)| c.len() <= 400) {
            for k in 0..c.len() {
                agree(&c[..k], *n);
            }
        }
        // Random byte changes to valid streams.
        for (c, n) in &valid {
            for _ in 0..6 {
                let mut m = c.clone();
                for _ in 0..1 + rng.below(3) {
                    let at = rng.below(m.len());
                    m[at] = match rng.below(3) {
                        0 => rng.next() as u8,
                        1 => m[at] ^ (1 << rng.below(8)),
                        _ => m[at].wrapping_add(1),
                    };
                }
                agree(&m, *n);
            }
        }
        // Random bytes.
        for _ in 0..3000 {
            let max = if rng.below(10) == 0 { 400 } else { 40 };
            let len = rng.below(max);
            let junk: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            agree(&junk, rng.below(len * 20 + 1));
        }
    }
}
