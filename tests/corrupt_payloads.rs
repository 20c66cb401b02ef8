//! `sanitize-dump-payload` through the real binary. Without the deep
//! checks (the default, as in Redis) a hash or sorted-set listpack may
//! repeat a field or member, and a sorted set's scores may be out of order
//! or not numbers at all: RESTORE takes such payloads, and then every
//! command on the key must answer without bringing the server down. With
//! `yes` (or `clients`, for RESTORE) repeats get Redis's `Bad data format`,
//! and INFO's dump_payload_sanitizations counts what was checked.

mod common;

use common::{resp, Raw, RealRedis, Server};
use ferrodis::persistence::crc64::crc64;
use ferrodis::types::listpack::Listpack;

const HASH_LISTPACK: u8 = 16;
const ZSET_LISTPACK: u8 = 17;

/// A DUMP payload of RDB type `t` holding `items` as one listpack:
/// type, length-prefixed string, RDB version 10, CRC-64.
fn payload(t: u8, items: &[&str]) -> Vec<u8> {
    let lp = Listpack::from_items(items);
    let raw = lp.bytes();
    let mut p = vec![t];
    assert!(raw.len() < 16384);
    p.extend_from_slice(&[0x40 | (raw.len() >> 8) as u8, raw.len() as u8]);
    p.extend_from_slice(raw);
    p.extend_from_slice(&10u16.to_le_bytes());
    let crc = crc64(0, &p);
    p.extend_from_slice(&crc.to_le_bytes());
    p
}

fn restore(c: &mut Raw, key: &str, payload: &[u8]) -> String {
    c.send(&resp(&[b"RESTORE", key.as_bytes(), b"0", payload, b"REPLACE"]));
    String::from_utf8_lossy(&c.read_reply()).into_owned()
}

/// Repeated members, scores out of order, NaN, text and overflow.
const BAD_ZSET: &[&str] = &["b", "2", "a", "1", "c", "x", "a", "5", "d", "nan", "e", "inf", "b", "-inf", "f", "1e400", "g", "3"];
/// Repeated fields.
const BAD_HASH: &[&str] = &["f", "1", "g", "2", "f", "3", "n", "10", "g", "x", "n", "1.5"];

#[test]
fn corrupt_listpacks_restore_without_deep_checks_and_every_command_survives() {
    let server = Server::start_with(&["--enable-debug-command", "yes"]);
    let mut c = server.raw();
    let (zp, hp) = (payload(ZSET_LISTPACK, BAD_ZSET), payload(HASH_LISTPACK, BAD_HASH));
    let zset_cmds: &[&[&str]] = &[
        &["ZCARD", "z"],
        &["ZSCORE", "z", "a"],
        &["ZMSCORE", "z", "a", "b", "zz"],
        &["ZRANK", "z", "a"],
        &["ZREVRANK", "z", "b"],
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        &["ZRANGE", "z", "0", "-1", "REV"],
        &["ZRANGE", "z", "(1", "5", "BYSCORE"],
        &["ZRANGE", "z", "[a", "[z", "BYLEX"],
        &["ZRANGE", "z", "5", "1", "BYSCORE", "REV", "LIMIT", "0", "2"],
        &["ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES"],
        &["ZREVRANGEBYSCORE", "z", "+inf", "-inf"],
        &["ZRANGEBYLEX", "z", "-", "+"],
        &["ZREVRANGEBYLEX", "z", "+", "-"],
        &["ZCOUNT", "z", "0", "3"],
        &["ZLEXCOUNT", "z", "-", "+"],
        &["ZREMRANGEBYRANK", "z", "1", "2"],
        &["ZREMRANGEBYSCORE", "z", "0", "2"],
        &["ZREMRANGEBYLEX", "z", "[a", "[c"],
        &["ZPOPMIN", "z", "2"],
        &["ZPOPMAX", "z", "2"],
        &["ZMPOP", "1", "z", "MIN", "COUNT", "3"],
        &["BZPOPMAX", "z", "0"],
        &["ZRANDMEMBER", "z", "3", "WITHSCORES"],
        &["ZRANDMEMBER", "z", "-5"],
        &["ZRANDMEMBER", "z", "100"],
        &["ZADD", "z", "NX", "1", "a"],
        &["ZADD", "z", "XX", "GT", "CH", "9", "a"],
        &["ZADD", "z", "INCR", "1", "b"],
        &["ZINCRBY", "z", "2", "c"],
        &["ZREM", "z", "a", "b"],
        &["ZUNIONSTORE", "d", "2", "z", "z"],
        &["ZINTERSTORE", "d", "2", "z", "z", "WEIGHTS", "1", "2"],
        &["ZUNION", "2", "z", "z", "WITHSCORES"],
        &["ZINTER", "2", "z", "z"],
        &["ZINTERCARD", "2", "z", "z"],
        &["ZDIFF", "2", "z", "d", "WITHSCORES"],
        &["ZDIFFSTORE", "d", "2", "z", "d"],
        &["ZRANGESTORE", "d", "z", "0", "-1"],
        &["ZSCAN", "z", "0"],
        &["SORT", "z"],
        &["SORT", "z", "ALPHA"],
        &["COPY", "z", "z2", "REPLACE"],
        &["DUMP", "z"],
        &["OBJECT", "ENCODING", "z"],
        &["DEBUG", "DIGEST-VALUE", "z"],
        &["MEMORY", "USAGE", "z"],
    ];
    let hash_cmds: &[&[&str]] = &[
        &["HLEN", "h"],
        &["HGET", "h", "f"],
        &["HMGET", "h", "f", "g", "x"],
        &["HGETALL", "h"],
        &["HKEYS", "h"],
        &["HVALS", "h"],
        &["HEXISTS", "h", "g"],
        &["HSTRLEN", "h", "f"],
        &["HSET", "h", "f", "new"],
        &["HSETNX", "h", "g", "new"],
        &["HDEL", "h", "f"],
        &["HINCRBY", "h", "n", "1"],
        &["HINCRBYFLOAT", "h", "n", "1.5"],
        &["HRANDFIELD", "h", "2"],
        &["HRANDFIELD", "h", "-5", "WITHVALUES"],
        &["HRANDFIELD", "h", "100"],
        &["HRANDFIELD", "h", "5"],
        &["HSCAN", "h", "0"],
        &["COPY", "h", "h2", "REPLACE"],
        &["DUMP", "h"],
        &["DEBUG", "DIGEST-VALUE", "h"],
        &["MEMORY", "USAGE", "h"],
    ];
    for cmd in zset_cmds.iter().chain(hash_cmds) {
        assert_eq!(restore(&mut c, "z", &zp), "+OK\r\n");
        assert_eq!(restore(&mut c, "h", &hp), "+OK\r\n");
        let reply = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| c.call(cmd)))
            .unwrap_or_else(|_| panic!("{:?} brought the server down; its output:\n{}", cmd, server.output()));
        assert!(!reply.is_empty(), "{:?} got no reply", cmd);
        assert_eq!(c.call(&["PING"]), b"+PONG\r\n", "after {:?}", cmd);
    }

    // Past the listpack limits both become the other encoding, each field
    // or member once, the later value or score winning.
    assert_eq!(restore(&mut c, "z", &zp), "+OK\r\n");
    assert_eq!(restore(&mut c, "h", &hp), "+OK\r\n");
    assert_eq!(c.call(&["CONFIG", "SET", "zset-max-listpack-entries", "2", "hash-max-listpack-entries", "2"]), b"+OK\r\n");
    assert_eq!(c.call_int(&["ZADD", "z", "0.5", "new"]), 1);
    assert_eq!(c.call_bulk(&["OBJECT", "ENCODING", "z"]), "skiplist");
    assert_eq!(c.call_int(&["ZCARD", "z"]), 8);
    // "x" and "nan" read as 0, "1e400" as +inf: in order, each once.
    let want = ["b", "-inf", "c", "0", "d", "0", "new", "0.5", "g", "3", "a", "5", "e", "inf", "f", "inf"];
    assert_eq!(c.call(&["ZRANGE", "z", "0", "-1", "WITHSCORES"]), resp(&want.map(str::as_bytes)));
    assert_eq!(c.call_int(&["HSET", "h", "new", "v"]), 1);
    assert_eq!(c.call_bulk(&["OBJECT", "ENCODING", "h"]), "hashtable");
    assert_eq!(c.call_int(&["HLEN", "h"]), 4);
    assert_eq!(c.call_bulk(&["HGET", "h", "g"]), "x");

    // A SAVE of corrupt listpacks (written verbatim) loads back.
    assert_eq!(c.call(&["CONFIG", "SET", "zset-max-listpack-entries", "128", "hash-max-listpack-entries", "128"]), b"+OK\r\n");
    assert_eq!(restore(&mut c, "z", &zp), "+OK\r\n");
    assert_eq!(restore(&mut c, "h", &hp), "+OK\r\n");
    let before = c.call(&["DEBUG", "DIGEST"]);
    assert_eq!(c.call(&["DEBUG", "RELOAD"]), b"+OK\r\n");
    assert_eq!(c.call(&["DEBUG", "DIGEST"]), before);
    assert_eq!(c.call_int(&["ZCARD", "z"]), 9, "the listpack's own count, repeats included");
}

#[test]
fn deep_sanitization_refuses_repeats_and_accepts_what_redis_accepts() {
    let server = Server::start();
    let mut c = server.raw();
    let repeated_zset = payload(ZSET_LISTPACK, &["a", "1", "b", "2", "a", "3"]);
    let unordered_zset = payload(ZSET_LISTPACK, &["b", "2", "a", "1", "c", "x"]);
    let repeated_hash = payload(HASH_LISTPACK, BAD_HASH);
    let odd = payload(HASH_LISTPACK, &["f", "1", "g"]);
    for mode in ["yes", "clients"] {
        assert_eq!(c.call(&["CONFIG", "SET", "sanitize-dump-payload", mode]), b"+OK\r\n");
        assert_eq!(c.call(&["CONFIG", "GET", "sanitize-dump-payload"]), resp(&[b"sanitize-dump-payload", mode.as_bytes()]));
        assert_eq!(restore(&mut c, "k", &repeated_zset), "-ERR Bad data format\r\n", "{}", mode);
        assert_eq!(restore(&mut c, "k", &repeated_hash), "-ERR Bad data format\r\n", "{}", mode);
        // Redis's deep checks look for repeats only, not at scores.
        assert_eq!(restore(&mut c, "k", &unordered_zset), "+OK\r\n", "{}", mode);
    }
    assert_eq!(c.call(&["CONFIG", "SET", "sanitize-dump-payload", "no"]), b"+OK\r\n");
    assert_eq!(restore(&mut c, "k", &repeated_zset), "+OK\r\n");
    assert_eq!(restore(&mut c, "k", &repeated_hash), "+OK\r\n");
    // An odd count is always refused.
    assert_eq!(restore(&mut c, "k", &odd), "-ERR Bad data format\r\n");
    assert_eq!(c.call(&["CONFIG", "SET", "sanitize-dump-payload", "maybe"])[..1], b"-"[..]);
}

fn sanitizations(c: &mut Raw) -> String {
    let info = c.call_bulk(&["INFO", "stats"]);
    info.lines().find(|l| l.starts_with("dump_payload_sanitizations:")).unwrap_or("missing").to_string()
}

#[test]
fn dump_payload_sanitizations_counts_as_redis_does() {
    let ours = Server::start();
    let theirs = RealRedis::start();
    let long = "x".repeat(100);
    for c in [&mut ours.raw(), &mut theirs.raw()] {
        let setup: &[&[&str]] = &[
            &["CONFIG", "SET", "sanitize-dump-payload", "yes"],
            &["HSET", "h", "a", "1"],
            &["HSET", "hb", "f", &long],
            &["ZADD", "z", "1", "a"],
            &["SADD", "si", "1", "2"],
            &["SADD", "ss", "a", "b"],
            &["RPUSH", "l", "a", "b"],
            &["SET", "s", "v"],
        ];
        for cmd in setup {
            c.call(cmd);
        }
        for k in ["h", "hb", "z", "si", "ss", "l", "s"] {
            let dumped = c.call(&["DUMP", k]);
            let start = dumped.iter().position(|&b| b == b'\n').unwrap() + 1;
            let body = &dumped[start..dumped.len() - 2];
            c.send(&resp(&[b"RESTORE", format!("{}2", k).as_bytes(), b"0", body]));
            assert_eq!(c.read_reply(), b"+OK\r\n");
        }
    }
    // A hash and a sorted set listpack, an intset and a list node.
    assert_eq!(sanitizations(&mut ours.raw()), "dump_payload_sanitizations:4");
    assert_eq!(sanitizations(&mut theirs.raw()), "dump_payload_sanitizations:4");
}
