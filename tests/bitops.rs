//! Tests for the bitmap commands (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
//! BITFIELD, BITFIELD_RO) against Debian's redis-server: the same random
//! commands go to both servers and every reply, and the resulting strings,
//! must be byte-identical.

mod common;

use common::{resp, Raw, RealRedis, Server};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    /// An index argument around a string of up to 40 bytes (or 320 bits),
    /// negative ones included, sometimes far out.
    fn index(&mut self) -> String {
        match self.below(10) {
            0 => format!("{}", self.below(1000) as i64 - 500),
            1 => "-1".into(),
            2 => "0".into(),
            _ => format!("{}", self.below(400) as i64 - 100),
        }
    }

    /// Bytes biased towards runs of 0x00 and 0xff, where the word loops
    /// of BITPOS take their shortcuts.
    fn bitmap(&mut self) -> Vec<u8> {
        let len = self.below(41) as usize;
        let style = self.below(4);
        (0..len)
            .map(|_| match style {
                0 => 0,
                1 => 0xff,
                2 => [0u8, 0xff, 0x0f, 0x80][self.below(4) as usize],
                _ => self.next() as u8,
            })
            .collect()
    }
}

fn seed() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1
}

fn send_all(c: &mut Raw, cmds: &[Vec<Vec<u8>>]) -> Vec<Vec<u8>> {
    let mut replies = Vec::new();
    for batch in cmds.chunks(500) {
        let mut out = Vec::new();
        for cmd in batch {
            let args: Vec<&[u8]> = cmd.iter().map(|a| a.as_slice()).collect();
            out.extend_from_slice(&resp(&args));
        }
        c.send(&out);
        for _ in batch {
            replies.push(c.read_reply());
        }
    }
    replies
}

fn words(s: &str) -> Vec<Vec<u8>> {
    s.split(' ').map(|w| w.as_bytes().to_vec()).collect()
}

/// Runs `cmds` on both servers and asserts identical replies.
fn compare(cmds: &[Vec<Vec<u8>>], seed: u64) {
    let (ours, theirs) = (Server::start(), RealRedis::start());
    let (mut a, mut b) = (ours.raw(), Raw::connect(theirs.port));
    let x = send_all(&mut a, cmds);
    let y = send_all(&mut b, cmds);
    for (i, (p, q)) in x.iter().zip(&y).enumerate() {
        assert_eq!(
            p,
            q,
            "seed {}: reply to {:?} differs: ferrodis {} redis {}",
            seed,
            cmds[i].iter().map(|a| common::esc(a)).collect::<Vec<_>>(),
            common::esc(p),
            common::esc(q)
        );
    }
    // The same number of modifications (what gets propagated and saved).
    let changes = |c: &mut Raw| {
        let info = String::from_utf8_lossy(&c.call(&["INFO", "persistence"])).into_owned();
        info.lines().find(|l| l.starts_with("rdb_changes_since_last_save:")).map(|l| l.trim().to_string())
    };
    assert_eq!(changes(&mut a), changes(&mut b), "seed {}: modification counts differ", seed);
}

#[test]
fn bitcount_and_bitpos_match_redis_on_random_ranges() {
    let s = seed();
    let mut rng = Rng(s);
    let mut cmds = Vec::new();
    for round in 0..300 {
        let key = format!("k{}", round % 7);
        cmds.push(vec![b"SET".to_vec(), key.clone().into_bytes(), rng.bitmap()]);
        for _ in 0..20 {
            let unit = rng.pick(&["", " BIT", " BYTE", " bit"]);
            let c = match rng.below(6) {
                0 => format!("BITCOUNT {}", key),
                1 => format!("BITCOUNT {} {} {}{}", key, rng.index(), rng.index(), unit),
                2 => format!("BITPOS {} {}", key, rng.below(2)),
                3 => format!("BITPOS {} {} {}", key, rng.below(2), rng.index()),
                _ => format!("BITPOS {} {} {} {}{}", key, rng.below(2), rng.index(), rng.index(), unit),
            };
            cmds.push(words(&c));
        }
    }
    compare(&cmds, s);
}

#[test]
fn setbit_getbit_bitop_match_redis() {
    let s = seed();
    let mut rng = Rng(s);
    let mut cmds = Vec::new();
    for _ in 0..2000 {
        let key = format!("b{}", rng.below(5));
        let c = match rng.below(8) {
            0..=2 => format!("SETBIT {} {} {}", key, rng.below(600), rng.below(2)),
            3 => format!("GETBIT {} {}", key, rng.below(700)),
            4 => {
                format!("BITOP {} d{} b{} b{} b{}", rng.pick(&["AND", "OR", "XOR"]), rng.below(2), rng.below(6), rng.below(6), rng.below(6))
            }
            5 => format!("BITOP NOT d{} b{}", rng.below(2), rng.below(6)),
            6 => format!("GET d{}", rng.below(2)),
            _ => format!("GET {}", key),
        };
        cmds.push(words(&c));
    }
    // Long strings: the word loops on both sides of every alignment.
    for i in 0..40 {
        let a: Vec<u8> = (0..(1000 + i * 37)).map(|_| rng.next() as u8).collect();
        cmds.push(vec![b"SET".to_vec(), format!("long{}", i % 3).into_bytes(), a]);
        cmds.push(words(&format!("BITOP {} dl long0 long1 long2", rng.pick(&["AND", "OR", "XOR"]))));
        cmds.push(words("GET dl"));
        cmds.push(words(&format!("BITCOUNT long{}", i % 3)));
        cmds.push(words(&format!("BITPOS dl {} {} {} BIT", rng.below(2), rng.below(9000), rng.below(9000))));
    }
    compare(&cmds, s);
}

#[test]
fn bitfield_matches_redis_on_random_operations() {
    let s = seed();
    let mut rng = Rng(s);
    let mut cmds = Vec::new();
    for _ in 0..1500 {
        let key = format!("f{}", rng.below(3));
        let mut c = format!("BITFIELD{} {}", if rng.below(8) == 0 { "_RO" } else { "" }, key);
        for _ in 0..1 + rng.below(4) {
            let signed = rng.below(2) == 0;
            let bits = if signed { 1 + rng.below(64) } else { 1 + rng.below(63) };
            let ty = format!("{}{}", if signed { 'i' } else { 'u' }, bits);
            let offset = if rng.below(4) == 0 { format!("#{}", rng.below(10)) } else { rng.below(200).to_string() };
            let value = match rng.below(5) {
                0 => i64::MAX.to_string(),
                1 => i64::MIN.to_string(),
                2 => (rng.next() as i64).to_string(),
                _ => (rng.below(600) as i64 - 300).to_string(),
            };
            let part = match rng.below(5) {
                0 => format!(" GET {} {}", ty, offset),
                1 => format!(" SET {} {} {}", ty, offset, value),
                2 => format!(" INCRBY {} {} {}", ty, offset, value),
                3 => format!(" OVERFLOW {}", rng.pick(&["WRAP", "SAT", "FAIL"])),
                _ => format!(" INCRBY {} {} {}", ty, offset, rng.below(5) as i64 - 2),
            };
            c.push_str(&part);
        }
        cmds.push(words(&c));
        if rng.below(10) == 0 {
            cmds.push(words(&format!("GET {}", key)));
        }
    }
    compare(&cmds, s);
}
