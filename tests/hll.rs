//! Tests for the HyperLogLog commands against the real thing: Debian's
//! redis-server runs next to ferrodis, both get the same random elements,
//! and the counts, encodings and the HLL strings themselves (GET bytes)
//! must be identical; HLL values are copied byte for byte between the two
//! servers and counted by the other one.

mod common;

use common::{resp, Raw, RealRedis, Server};
use std::time::{Duration, Instant};

/// xorshift64*: reproducible random elements (the seed is printed on failure).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// An element of 1..24 random bytes (binary, any length class of the hash).
    fn element(&mut self) -> Vec<u8> {
        let len = 1 + (self.next() % 24) as usize;
        (0..len).map(|_| self.next() as u8).collect()
    }
}

fn seed() -> u64 {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    t | 1
}

/// Sends commands in pipelined batches and returns every reply.
fn pipeline(c: &mut Raw, cmds: &[Vec<Vec<u8>>]) -> Vec<Vec<u8>> {
    let mut replies = Vec::with_capacity(cmds.len());
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

fn cmd(args: &[&[u8]]) -> Vec<Vec<u8>> {
    args.iter().map(|a| a.to_vec()).collect()
}

/// PFADD commands adding `elements` to `key`, `per` elements each.
fn pfadds(key: &[u8], elements: &[Vec<u8>], per: usize) -> Vec<Vec<Vec<u8>>> {
    elements
        .chunks(per)
        .map(|chunk| {
            let mut c = vec![b"PFADD".to_vec(), key.to_vec()];
            c.extend(chunk.iter().cloned());
            c
        })
        .collect()
}

/// Runs the same commands on both servers and asserts identical replies.
fn same_replies(ours: &mut Raw, theirs: &mut Raw, cmds: &[Vec<Vec<u8>>], what: &str) -> Vec<Vec<u8>> {
    let a = pipeline(ours, cmds);
    let b = pipeline(theirs, cmds);
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(
            x,
            y,
            "{}: reply {} to {:?} differs: ferrodis {} redis {}",
            what,
            i,
            cmds[i].iter().map(|a| common::esc(a)).collect::<Vec<_>>(),
            common::esc(x),
            common::esc(y)
        );
    }
    a
}

/// rdb_changes_since_last_save: how many modifications a server counted.
fn changes(c: &mut Raw) -> Option<String> {
    let info = String::from_utf8_lossy(&c.call(&["INFO", "persistence"])).into_owned();
    info.lines().find(|l| l.starts_with("rdb_changes_since_last_save:")).map(|l| l.trim().to_string())
}

#[test]
fn counts_and_bytes_match_redis_at_several_sizes() {
    let (ours, theirs) = (Server::start(), RealRedis::start());
    let (mut a, mut b) = (ours.raw(), theirs.raw());
    let s = seed();
    let mut rng = Rng(s);
    for (n, per) in [(10usize, 1usize), (1000, 7), (100_000, 500)] {
        let key = format!("hll:{}", n).into_bytes();
        let elements: Vec<Vec<u8>> = (0..n).map(|_| rng.element()).collect();
        let what = format!("{} elements (seed {})", n, s);
        // Every PFADD reply (0 or 1) must agree, then the count, the
        // encoding, and the string itself, cached cardinality included.
        same_replies(&mut a, &mut b, &pfadds(&key, &elements, per), &what);
        let checks = [
            cmd(&[b"PFCOUNT", &key]),
            cmd(&[b"PFDEBUG", b"ENCODING", &key]),
            cmd(&[b"STRLEN", &key]),
            cmd(&[b"GET", &key]),
            cmd(&[b"PFCOUNT", &key, b"hll:10", b"hll:1000"]),
        ];
        let replies = same_replies(&mut a, &mut b, &checks, &what);
        eprintln!("{}: PFCOUNT {}", what, String::from_utf8_lossy(&replies[0]).trim());
    }
    same_replies(
        &mut a,
        &mut b,
        &[cmd(&[b"PFMERGE", b"all", b"hll:10", b"hll:1000", b"hll:100000"]), cmd(&[b"GET", b"all"]), cmd(&[b"PFCOUNT", b"all"])],
        "merge",
    );
    // A PFADD that only creates the key leaves the cache stale, as Redis
    // does: the bytes are the same.
    same_replies(&mut a, &mut b, &[cmd(&[b"PFADD", b"empty"]), cmd(&[b"GET", b"empty"])], "created empty");
    // Same modification count: PFADDs that changed registers, PFCOUNTs
    // that wrote their cache back, PFMERGE.
    assert_eq!(changes(&mut a), changes(&mut b));
}

#[test]
fn sparse_to_dense_promotion_at_the_same_point() {
    let (ours, theirs) = (Server::start(), RealRedis::start());
    let (mut a, mut b) = (ours.raw(), theirs.raw());
    let s = seed();
    let mut rng = Rng(s);
    for max in ["3000", "500"] {
        let setup = [cmd(&[b"CONFIG", b"SET", b"hll-sparse-max-bytes", max.as_bytes()]), cmd(&[b"DEL", b"h"])];
        same_replies(&mut a, &mut b, &setup, "setup");
        // One element at a time, checking the length and the encoding
        // after each: the promotion must happen on the same PFADD.
        let mut cmds = Vec::new();
        for _ in 0..3000 {
            let e = rng.element();
            cmds.push(cmd(&[b"PFADD", b"h", &e]));
            cmds.push(cmd(&[b"STRLEN", b"h"]));
            cmds.push(cmd(&[b"PFDEBUG", b"ENCODING", b"h"]));
        }
        let replies = same_replies(&mut a, &mut b, &cmds, &format!("hll-sparse-max-bytes {} (seed {})", max, s));
        assert_eq!(replies.last().unwrap(), b"+dense\r\n", "3000 elements end up dense");
        assert!(replies.iter().any(|r| r == b"+sparse\r\n"));
        same_replies(&mut a, &mut b, &[cmd(&[b"GET", b"h"])], "final bytes");
    }
    assert_eq!(changes(&mut a), changes(&mut b));
}

#[test]
fn hll_values_copied_between_servers_count_the_same() {
    let (ours, theirs) = (Server::start(), RealRedis::start());
    let (mut a, mut b) = (ours.raw(), theirs.raw());
    let mut rng = Rng(seed());
    for (name, n) in [(&b"small"[..], 50usize), (b"big", 20_000)] {
        let elements: Vec<Vec<u8>> = (0..n).map(|_| rng.element()).collect();
        // Built by Redis, counted by ferrodis; built by ferrodis, counted by Redis.
        for dir in 0..2 {
            let (builder, counter, who) =
                if dir == 0 { (&mut b, &mut a, "redis -> ferrodis") } else { (&mut a, &mut b, "ferrodis -> redis") };
            pipeline(builder, &pfadds(name, &elements, 100));
            let value = pipeline(builder, &[cmd(&[b"GET", name])]).remove(0);
            let expected = pipeline(builder, &[cmd(&[b"PFCOUNT", name])]).remove(0);
            // The bulk reply minus its header and trailer is the value.
            let start = value.iter().position(|&c| c == b'\n').unwrap() + 1;
            let bytes = &value[start..value.len() - 2];
            let copy = [b"copy:".as_slice(), name].concat();
            let replies = pipeline(counter, &[cmd(&[b"SET", &copy, bytes]), cmd(&[b"PFCOUNT", &copy]), cmd(&[b"PFCOUNT", &copy, name])]);
            assert_eq!(replies[0], b"+OK\r\n");
            assert_eq!(replies[1], expected, "{}: {} elements", who, n);
            pipeline(builder, &[cmd(&[b"DEL", name])]);
        }
    }
}

#[test]
fn ten_million_elements_count_like_redis() {
    // One feed, piped into both servers by redis-cli --pipe; PFADDs of 1000
    // elements "<n>:<seed>" (10M elements, ~100 MB of protocol).
    let (ours, theirs) = (Server::start(), RealRedis::start());
    let s = seed() % 1_000_000;
    let total = 10_000_000u64;
    let mut feed = Vec::with_capacity(160 << 20);
    let mut args: Vec<Vec<u8>> = Vec::with_capacity(1002);
    for base in (0..total).step_by(1000) {
        args.clear();
        args.push(b"PFADD".to_vec());
        args.push(b"ten".to_vec());
        for i in base..base + 1000 {
            args.push(format!("{}:{}", i, s).into_bytes());
        }
        let refs: Vec<&[u8]> = args.iter().map(|a| a.as_slice()).collect();
        feed.extend_from_slice(&resp(&refs));
    }
    let started = Instant::now();
    for port in [ours.port(), theirs.port] {
        let out = common::run_tool("redis-cli", &["-p", &port.to_string(), "--pipe"], &feed);
        assert!(out.status.success(), "redis-cli --pipe failed: {}", String::from_utf8_lossy(&out.stdout));
        assert!(String::from_utf8_lossy(&out.stdout).contains("errors: 0, replies: 10000"), "{}", String::from_utf8_lossy(&out.stdout));
    }
    eprintln!("10M elements piped into both servers in {:?}", started.elapsed());
    let (mut a, mut b) = (ours.raw(), theirs.raw());
    let replies = same_replies(&mut a, &mut b, &[cmd(&[b"PFCOUNT", b"ten"]), cmd(&[b"GET", b"ten"])], &format!("10M (seed {})", s));
    let count: f64 = String::from_utf8_lossy(&replies[0][1..]).trim().parse().unwrap();
    assert!((count - total as f64).abs() / (total as f64) < 0.05, "estimate {} for 10M", count);
}

#[test]
fn pfselftest_passes() {
    let ours = Server::start();
    let mut c = ours.raw();
    c.set_timeout(Duration::from_secs(120));
    assert_eq!(c.call(&["PFSELFTEST"]), b"+OK\r\n");
}
