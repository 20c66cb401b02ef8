//! Tests for the sorted set commands: a randomized differential test that
//! sends the same random sequence of sorted-set commands to ferrodis and to
//! Debian's redis-server 7.0.15 and compares every reply byte for byte
//! (replies in hash order, ZSCAN of a skiplist, are compared as multisets),
//! plus blocking pops and a large sorted set through the real binary.

mod common;

use common::{Raw, RealRedis, Server};
use std::time::{Duration, Instant};

/// Both servers get these, so that conversions between encodings happen
/// often at small sizes.
const SMALL_THRESHOLDS: &[&str] =
    &["--zset-max-listpack-entries", "16", "--zset-max-listpack-value", "12", "--enable-debug-command", "yes"];

/// xorshift64*: the same sequence for a given seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const KEYS: &[&str] = &["z1", "z2", "z3", "z4"];
const MEMBERS: &[&str] = &[
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "p",
    "q",
    "r",
    "s",
    "t",
    "0",
    "1",
    "-1",
    "42",
    "007",
    "long-member-xx",
    "another-long-one",
];
const SCORES: &[&str] = &["0", "1", "2", "3", "-1", "1.5", "2.5", "-0", "0.1", "10", "100", "1e3", "-inf", "+inf", "3.25", "7"];

fn score(r: &mut Rng) -> String {
    if r.chance(70) {
        r.pick(SCORES).to_string()
    } else {
        (r.below(40) as i64 - 10).to_string()
    }
}

fn score_bound(r: &mut Rng) -> String {
    let s = match r.below(10) {
        0 => "-inf".to_string(),
        1 => "+inf".to_string(),
        _ => score(r),
    };
    if r.chance(30) && !s.ends_with("inf") {
        format!("({}", s)
    } else {
        s
    }
}

fn lex_bound(r: &mut Rng) -> String {
    match r.below(8) {
        0 => "-".into(),
        1 => "+".into(),
        2 | 3 | 4 => format!("[{}", r.pick(MEMBERS)),
        _ => format!("({}", r.pick(MEMBERS)),
    }
}

fn rank(r: &mut Rng) -> String {
    (r.below(30) as i64 - 12).to_string()
}

/// One random command, as arguments. `lx` holds only score-0 members, so
/// that lex ranges are well defined on it.
fn random_command(r: &mut Rng) -> Vec<String> {
    let key = r.pick(KEYS).to_string();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<String>>();
    let mut cmd: Vec<String>;
    match r.below(46) {
        0..=7 => {
            cmd = s(&["ZADD", &key]);
            for f in ["NX", "XX", "GT", "LT", "CH"] {
                if r.chance(8) {
                    cmd.push(f.into());
                }
            }
            let incr = r.chance(8);
            if incr {
                cmd.push("INCR".into());
            }
            let big = r.chance(10);
            let n = if incr && r.chance(90) { 1 } else { 1 + r.below(if big { 20 } else { 4 }) };
            for _ in 0..n {
                cmd.push(score(r));
                cmd.push(r.pick(MEMBERS).into());
            }
        }
        8 => {
            let (m1, m2) = (r.pick(MEMBERS), r.pick(MEMBERS));
            cmd = s(&["ZADD", "lx", "0", m1, "0", m2]);
        }
        9 => cmd = s(&["ZINCRBY", &key, &score(r), r.pick(MEMBERS)]),
        10 => cmd = s(&["ZREM", &key, r.pick(MEMBERS), r.pick(MEMBERS)]),
        11 => cmd = s(&["ZCARD", &key]),
        12 => cmd = s(&["ZSCORE", &key, r.pick(MEMBERS)]),
        13 => cmd = s(&["ZMSCORE", &key, r.pick(MEMBERS), r.pick(MEMBERS), r.pick(MEMBERS)]),
        14 => cmd = s(&[if r.chance(50) { "ZRANK" } else { "ZREVRANK" }, &key, r.pick(MEMBERS)]),
        15 => cmd = s(&["ZCOUNT", &key, &score_bound(r), &score_bound(r)]),
        16 => cmd = s(&["ZLEXCOUNT", "lx", &lex_bound(r), &lex_bound(r)]),
        17 | 18 => {
            cmd = s(&["ZRANGE", &key, &rank(r), &rank(r)]);
            if r.chance(30) {
                cmd.push("REV".into());
            }
            if r.chance(50) {
                cmd.push("WITHSCORES".into());
            }
        }
        19 | 20 => {
            let rev = r.chance(40);
            cmd = s(&["ZRANGE", &key, &score_bound(r), &score_bound(r), "BYSCORE"]);
            if rev {
                cmd.push("REV".into());
            }
            if r.chance(40) {
                cmd.extend(s(&["LIMIT", &(r.below(6) as i64 - 1).to_string(), &(r.below(6) as i64 - 1).to_string()]));
            }
            if r.chance(50) {
                cmd.push("WITHSCORES".into());
            }
        }
        21 => {
            cmd = s(&["ZRANGE", "lx", &lex_bound(r), &lex_bound(r), "BYLEX"]);
            if r.chance(40) {
                cmd.push("REV".into());
            }
            if r.chance(40) {
                cmd.extend(s(&["LIMIT", &r.below(4).to_string(), &(r.below(5) as i64 - 1).to_string()]));
            }
        }
        22 => {
            cmd =
                s(&[if r.chance(50) { "ZRANGEBYSCORE" } else { "ZREVRANGEBYSCORE" }, &key, &score_bound(r), &score_bound(r), "WITHSCORES"])
        }
        23 => cmd = s(&[if r.chance(50) { "ZRANGEBYLEX" } else { "ZREVRANGEBYLEX" }, "lx", &lex_bound(r), &lex_bound(r)]),
        24 => cmd = s(&["ZREVRANGE", &key, &rank(r), &rank(r), "WITHSCORES"]),
        25 => cmd = s(&["ZRANGESTORE", r.pick(&["dst", "z4"]), &key, &score_bound(r), &score_bound(r), "BYSCORE"]),
        26 => cmd = s(&["ZRANGESTORE", "dst", &key, &rank(r), &rank(r)]),
        27 => cmd = s(&["ZREMRANGEBYRANK", &key, &rank(r), &rank(r)]),
        28 => cmd = s(&["ZREMRANGEBYSCORE", &key, &score_bound(r), &score_bound(r)]),
        29 => cmd = s(&["ZREMRANGEBYLEX", "lx", &lex_bound(r), &lex_bound(r)]),
        30 => {
            cmd = s(&[if r.chance(50) { "ZPOPMIN" } else { "ZPOPMAX" }, &key]);
            if r.chance(50) {
                cmd.push(r.below(5).to_string());
            }
        }
        31 => cmd = s(&["ZMPOP", "2", "nokey", &key, r.pick(&["MIN", "MAX"]), "COUNT", &(1 + r.below(4)).to_string()]),
        32 => cmd = s(&[r.pick(&["BZPOPMIN", "BZPOPMAX"]), "nokey", &key, "0.01"]),
        33 => cmd = s(&["BZMPOP", "0.01", "1", &key, r.pick(&["MIN", "MAX"]), "COUNT", "2"]),
        34..=38 => {
            let op = r.pick(&["ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"]);
            let store = op.ends_with("STORE");
            cmd = vec![op.to_string()];
            if store {
                cmd.push(r.pick(&["dst", "z1", "z2"]).into());
            }
            let n = 1 + r.below(3) as usize;
            cmd.push(n.to_string());
            for _ in 0..n {
                cmd.push(r.pick(&["z1", "z2", "z3", "z4", "set", "nokey"]).into());
            }
            if !op.starts_with("ZDIFF") {
                if r.chance(30) {
                    cmd.push("WEIGHTS".into());
                    for _ in 0..n {
                        cmd.push(r.pick(&["1", "2", "-1", "0.5", "0", "inf"]).into());
                    }
                }
                if r.chance(30) {
                    cmd.extend(s(&["AGGREGATE", r.pick(&["SUM", "MIN", "MAX"])]));
                }
            }
            if !store && r.chance(50) {
                cmd.push("WITHSCORES".into());
            }
        }
        39 => cmd = s(&["ZINTERCARD", "2", &key, r.pick(KEYS), "LIMIT", &r.below(3).to_string()]),
        40 => cmd = s(&["ZRANDMEMBER", &key, "1000", "WITHSCORES"]),
        41 => cmd = s(&["ZSCAN", &key, "0", "COUNT", "1000"]),
        42 => cmd = s(&["OBJECT", "ENCODING", &key]),
        43 => cmd = s(&["DEBUG", "DIGEST-VALUE", &key, "lx", "dst"]),
        44 => {
            // Errors: wrong types and bad arguments.
            cmd = match r.below(6) {
                0 => s(&["ZADD", "str", "1", "a"]),
                1 => s(&["ZRANGE", &key, "0", "1", "BYSCORE", "LIMIT", "0"]),
                2 => s(&["ZRANGEBYSCORE", &key, "x", "1"]),
                3 => s(&["ZRANGEBYLEX", "lx", "a", "[b"]),
                4 => s(&["ZUNION", "2", &key, "str"]),
                _ => s(&["ZADD", &key, "GT", "LT", "1", "a"]),
            }
        }
        _ => {
            // A big batch crosses the listpack thresholds.
            cmd = s(&["ZADD", &key]);
            for i in 0..(10 + r.below(20)) {
                cmd.push(score(r));
                cmd.push(format!("bulk{}", i));
            }
        }
    }
    cmd
}

/// The bulk strings of a flat RESP reply, in order.
fn bulks(reply: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(reply);
    let mut out = Vec::new();
    let mut lines = text.split("\r\n");
    while let Some(l) = lines.next() {
        if l.starts_with('$') && l != "$-1" {
            out.push(lines.next().unwrap_or_default().to_string());
        }
    }
    out
}

/// ZSCAN replies compared as (cursor, sorted pairs): hash order differs.
fn normalize(cmd: &[String], reply: &[u8]) -> Vec<u8> {
    if cmd[0] != "ZSCAN" || reply.starts_with(b"-") {
        return reply.to_vec();
    }
    let b = bulks(reply);
    let mut pairs: Vec<(String, String)> = b[1..].chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect();
    pairs.sort();
    format!("{} {:?}", b[0], pairs).into_bytes()
}

#[test]
fn randomized_commands_match_redis_server() {
    let redis = RealRedis::start_with(SMALL_THRESHOLDS);
    let ours = Server::start_with(SMALL_THRESHOLDS);
    let mut a = Raw::connect(redis.port);
    let mut b = Raw::connect(ours.port());
    let seed = std::env::var("ZSET_DIFF_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_2a5e_u64);
    eprintln!("differential test seed {} (set ZSET_DIFF_SEED to replay)", seed);
    let mut rng = Rng(seed | 1);
    for setup in [&["SET", "str", "v"][..], &["SADD", "set", "a", "b", "42", "zz"]] {
        assert_eq!(a.call(setup), b.call(setup));
    }
    let start = Instant::now();
    let mut n = 0;
    let mut history: Vec<String> = Vec::new();
    while n < 15_000 && start.elapsed() < Duration::from_secs(40) {
        let cmd = random_command(&mut rng);
        let args: Vec<&str> = cmd.iter().map(|s| s.as_str()).collect();
        let want = normalize(&cmd, &a.call(&args));
        let got = normalize(&cmd, &b.call(&args));
        history.push(cmd.join(" "));
        if want != got {
            let mut state = String::new();
            for k in ["z1", "z2", "z3", "z4", "lx", "dst"] {
                for q in [&["OBJECT", "ENCODING", k][..], &["ZRANGE", k, "0", "-1", "WITHSCORES"]] {
                    state.push_str(&format!(
                        "  {}: redis {:?} / ferrodis {:?}\n",
                        q.join(" "),
                        String::from_utf8_lossy(&a.call(q)),
                        String::from_utf8_lossy(&b.call(q))
                    ));
                }
            }
            eprintln!("state:\n{}", state);
            let tail = history.iter().rev().take(15).rev().cloned().collect::<Vec<_>>().join("\n  ");
            panic!(
                "command #{} differs (seed {}):\n  {}\nredis:    {:?}\nferrodis: {:?}\nlast commands:\n  {}",
                n,
                seed,
                cmd.join(" "),
                String::from_utf8_lossy(&want),
                String::from_utf8_lossy(&got),
                tail
            );
        }
        n += 1;
        if n % 500 == 0 {
            // The whole dataset must agree, including keys we did not read.
            assert_eq!(a.call(&["DEBUG", "DIGEST"]), b.call(&["DEBUG", "DIGEST"]), "dataset digest after {} commands", n);
        }
    }
    assert_eq!(a.call(&["DEBUG", "DIGEST"]), b.call(&["DEBUG", "DIGEST"]));
    eprintln!("{} random commands agreed with redis-server in {:?}", n, start.elapsed());
}

#[test]
fn blocked_client_is_served_by_zadd_from_another_connection() {
    let s = Server::start();
    let mut waiter = Raw::connect(s.port());
    waiter.send_cmd(&["BZPOPMAX", "q", "5"]);
    std::thread::sleep(Duration::from_millis(100));
    let mut other = Raw::connect(s.port());
    assert_eq!(other.call(&["ZADD", "q", "1", "a", "2", "b"]), b":2\r\n");
    assert_eq!(waiter.read_reply(), b"*3\r\n$1\r\nq\r\n$1\r\nb\r\n$1\r\n2\r\n");
    assert_eq!(other.call(&["ZRANGE", "q", "0", "-1", "WITHSCORES"]), b"*2\r\n$1\r\na\r\n$1\r\n1\r\n");
    // A timeout gives the null array.
    let t = Instant::now();
    assert_eq!(waiter.call(&["BZPOPMIN", "none", "0.2"]), b"*-1\r\n");
    assert!(t.elapsed() >= Duration::from_millis(190));
}

#[test]
fn a_million_members() {
    let s = Server::start();
    let mut c = Raw::connect(s.port());
    let mut batch = Vec::new();
    for chunk in 0..100 {
        let mut args: Vec<String> = vec!["ZADD".into(), "big".into()];
        for i in 0..10_000u64 {
            let n = chunk * 10_000 + i;
            // Scores in a scrambled order so that inserts land everywhere.
            args.push(((n * 7_919) % 1_000_003).to_string());
            args.push(format!("member:{}", n));
        }
        let refs: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        batch.extend_from_slice(&common::resp(&refs));
    }
    let t = Instant::now();
    c.send(&batch);
    for _ in 0..100 {
        assert_eq!(c.read_reply(), b":10000\r\n");
    }
    eprintln!("1M ZADDs in {:?}", t.elapsed());
    assert_eq!(c.call(&["ZCARD", "big"]), b":1000000\r\n");
    assert_eq!(c.call(&["OBJECT", "ENCODING", "big"]), b"$8\r\nskiplist\r\n");
    // member:0 has score 0, the smallest.
    assert_eq!(c.call(&["ZRANK", "big", "member:0"]), b":0\r\n");
    assert_eq!(c.call(&["ZRANGE", "big", "0", "0"]), b"*1\r\n$8\r\nmember:0\r\n");
    assert_eq!(c.call(&["ZCOUNT", "big", "-inf", "+inf"]), b":1000000\r\n");
    let t = Instant::now();
    for i in 0..10_000 {
        let m = format!("member:{}", i * 97);
        let r = c.call(&["ZRANK", "big", &m]);
        assert!(r.starts_with(b":"), "{:?}", r);
    }
    assert!(t.elapsed() < Duration::from_secs(10), "ZRANK is slow: {:?}", t.elapsed());
    assert_eq!(c.call(&["ZREMRANGEBYRANK", "big", "0", "499999"]), b":500000\r\n");
    assert_eq!(c.call(&["ZCARD", "big"]), b":500000\r\n");
    assert_eq!(c.call(&["DEL", "big"]), b":1\r\n");
}
