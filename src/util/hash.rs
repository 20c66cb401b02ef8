//! A fast keyed hash for the keyspace and for command lookup.
//!
//! Redis uses SipHash-1-2 with a random key; we use a multiply-fold hash
//! (the wyhash construction) seeded randomly at start-up: several times
//! faster on short keys, still keyed so that clients cannot precompute
//! colliding keys.

use std::sync::atomic::{AtomicU64, Ordering};

static SEED: AtomicU64 = AtomicU64::new(0x2d35_8dcc_aa6c_78a5);

/// Seeds the hash from the OS; called once at start-up before any table is
/// built.
pub fn seed_from_os() {
    let mut buf = [0u8; 8];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        use std::io::Read;
        if f.read_exact(&mut buf).is_ok() {
            SEED.store(u64::from_le_bytes(buf) | 1, Ordering::Relaxed);
        }
    }
}

#[inline]
fn mix(a: u64, b: u64) -> u64 {
    let r = (a as u128).wrapping_mul(b as u128);
    (r as u64) ^ ((r >> 64) as u64)
}

#[inline]
fn read8(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(b[i..i + 8].try_into().unwrap())
}

#[inline]
fn read4(b: &[u8], i: usize) -> u64 {
    u32::from_le_bytes(b[i..i + 4].try_into().unwrap()) as u64
}

const P0: u64 = 0xa076_1d64_78bd_642f;
const P1: u64 = 0xe703_7ed1_a0b4_28db;

/// Hashes a byte string with the process seed.
#[inline]
pub fn hash_bytes(data: &[u8]) -> u64 {
    let seed = SEED.load(Ordering::Relaxed);
    let len = data.len();
    let mut s = seed ^ P0;
    let (a, b);
    if len <= 16 {
        if len >= 4 {
            a = (read4(data, 0) << 32) | read4(data, (len >> 3) << 2);
            b = (read4(data, len - 4) << 32) | read4(data, len - 4 - ((len >> 3) << 2));
        } else if len > 0 {
            a = ((data[0] as u64) << 16) | ((data[len >> 1] as u64) << 8) | data[len - 1] as u64;
            b = 0;
        } else {
            a = 0;
            b = 0;
        }
    } else {
        let mut i = 0;
        while len - i > 16 {
            s = mix(read8(data, i) ^ P1, read8(data, i + 8) ^ s);
            i += 16;
        }
        a = read8(data, len - 16);
        b = read8(data, len - 8);
    }
    mix(P1 ^ len as u64, mix(a ^ P1, b ^ s))
}

#[cfg(test)]
mod tests {
    use super::hash_bytes;

    #[test]
    fn distinct_inputs_hash_differently() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..100_000u32 {
            seen.insert(hash_bytes(format!("key:{}", i).as_bytes()));
        }
        assert_eq!(seen.len(), 100_000);
        assert_ne!(hash_bytes(b""), hash_bytes(b"\0"));
        assert_ne!(hash_bytes(b"abc"), hash_bytes(b"abd"));
    }
}
