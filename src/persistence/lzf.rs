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
    let mut out = vec![0u8; out_len];
    let mut op = 0;
    let mut ip = 0;
    while ip < input.len() {
        let ctrl = input[ip] as usize;
        ip += 1;
        if ctrl < 32 {
            let run = ctrl + 1;
            if op + run > out_len || ip + run > input.len() {
                return None;
            }
            if op + 32 <= out_len && ip + 32 <= input.len() {
                // A fixed 32-byte copy (the longest run) is two vector
                // moves instead of a memcpy call; the bytes past `run` are
                // overwritten by what follows.
                out[op..op + 32].copy_from_slice(&input[ip..ip + 32]);
            } else {
                out[op..op + run].copy_from_slice(&input[ip..ip + run]);
            }
            op += run;
            ip += run;
        } else {
            let mut len = ctrl >> 5;
            if ip >= input.len() {
                return None;
            }
            if len == 7 {
                len += input[ip] as usize;
                ip += 1;
                if ip >= input.len() {
                    return None;
                }
            }
            let back = ((ctrl & 0x1f) << 8) + input[ip] as usize + 1;
            ip += 1;
            let n = len + 2;
            if op + n > out_len || back > op {
                return None;
            }
            if n <= 16 && back >= 16 && op + 16 <= out_len {
                // Short, non-overlapping match: a fixed 16-byte copy, as above.
                let (done, rest) = out.split_at_mut(op);
                rest[..16].copy_from_slice(&done[op - back..op - back + 16]);
                op += n;
                continue;
            }
            let window = &mut out[op - back..op + n];
            if back >= n {
                let (src, dst) = window.split_at_mut(back);
                dst.copy_from_slice(&src[..n]);
            } else {
                // The match overlaps what it writes: it repeats a pattern
                // of period `back`, so it is copied byte by byte, in order.
                for i in 0..n {
                    window[back + i] = window[i];
                }
            }
            op += n;
        }
    }
    (op == out_len).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let mut seed = 7u64;
        let mut rnd = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
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
}
