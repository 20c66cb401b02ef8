//! Tests for the hash commands through the real binary: a client library
//! (the `redis` crate) for the command family, raw TCP for exact RESP2 and
//! RESP3 bytes, encodings at the thresholds given on the command line and
//! changed by CONFIG SET, HSCAN over a big hash, DEBUG DIGEST-VALUE in
//! both encodings, and a hash of a million fields. Expected replies are those of Debian's redis-server 7.0.15
//! (scripts/oracle.py).

mod common;

use common::Server;
use redis::{Connection, FromRedisValue, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Runs a command and converts its reply; panics on an error reply.
fn q<T: FromRedisValue>(con: &mut Connection, args: &[&str]) -> T {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd.query(con).unwrap_or_else(|e| panic!("{:?} failed: {}", args, e))
}

/// Runs a command that must fail; returns "CODE detail".
fn err(con: &mut Connection, args: &[&str]) -> String {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    match cmd.query::<Value>(con) {
        Ok(v) => panic!("{:?} should fail, replied {:?}", args, v),
        Err(e) => format!("{} {}", e.code().unwrap_or("?"), e.detail().unwrap_or("")),
    }
}

fn encoding(con: &mut Connection, key: &str) -> String {
    q(con, &["OBJECT", "ENCODING", key])
}

#[test]
fn hash_commands_through_a_client() {
    let s = Server::start();
    let mut c = s.conn();
    assert_eq!(q::<i64>(&mut c, &["HSET", "user:1", "name", "Ada", "born", "1815", "lang", "en"]), 3);
    assert_eq!(q::<Option<String>>(&mut c, &["HGET", "user:1", "name"]), Some("Ada".into()));
    assert_eq!(q::<Option<String>>(&mut c, &["HGET", "user:1", "nope"]), None);
    assert_eq!(q::<Vec<Option<String>>>(&mut c, &["HMGET", "user:1", "born", "x"]), vec![Some("1815".into()), None]);
    let all: BTreeMap<String, String> = q(&mut c, &["HGETALL", "user:1"]);
    assert_eq!(all.len(), 3);
    assert_eq!(all["lang"], "en");
    assert_eq!(q::<Vec<String>>(&mut c, &["HKEYS", "user:1"]), ["name", "born", "lang"]);
    assert_eq!(q::<Vec<String>>(&mut c, &["HVALS", "user:1"]), ["Ada", "1815", "en"]);
    assert_eq!(q::<i64>(&mut c, &["HLEN", "user:1"]), 3);
    assert_eq!(q::<i64>(&mut c, &["HSTRLEN", "user:1", "born"]), 4);
    assert_eq!(q::<i64>(&mut c, &["HEXISTS", "user:1", "born"]), 1);
    assert_eq!(q::<i64>(&mut c, &["HSETNX", "user:1", "born", "0"]), 0);
    assert_eq!(q::<String>(&mut c, &["HMSET", "user:1", "a", "1", "b", "2"]), "OK");
    assert_eq!(q::<i64>(&mut c, &["HINCRBY", "user:1", "born", "-15"]), 1800);
    assert_eq!(q::<String>(&mut c, &["HINCRBYFLOAT", "user:1", "a", "0.5"]), "1.5");
    assert_eq!(q::<String>(&mut c, &["HINCRBYFLOAT", "user:1", "a", "1.0e1"]), "11.5");
    assert_eq!(err(&mut c, &["HINCRBY", "user:1", "name", "1"]), "ERR hash value is not an integer");
    assert_eq!(err(&mut c, &["HINCRBYFLOAT", "user:1", "name", "1"]), "ERR hash value is not a float");
    assert_eq!(err(&mut c, &["HSET", "user:1", "odd"]), "ERR wrong number of arguments for 'hset' command");
    assert_eq!(encoding(&mut c, "user:1"), "listpack");
    assert_eq!(q::<i64>(&mut c, &["HDEL", "user:1", "a", "b", "zz"]), 2);
    assert_eq!(q::<i64>(&mut c, &["HDEL", "user:1", "name", "born", "lang"]), 3);
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "user:1"]), 0);
    q::<()>(&mut c, &["SET", "str", "x"]);
    assert_eq!(err(&mut c, &["HGET", "str", "a"]), "WRONGTYPE Operation against a key holding the wrong kind of value");
    assert_eq!(err(&mut c, &["HSET", "str", "a", "1"]), "WRONGTYPE Operation against a key holding the wrong kind of value");
    assert_eq!(q::<String>(&mut c, &["TYPE", "str"]), "string");
}

/// Exact bytes in both protocols, on one raw connection.
#[test]
fn resp2_and_resp3_bytes() {
    let s = Server::start();
    let mut r = s.raw();
    let cases: &[(&[&str], &[u8])] = &[
        (&["HSET", "h", "a", "1", "b", "2"], b":2\r\n"),
        (&["HGETALL", "h"], b"*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"),
        (&["HGETALL", "nokey"], b"*0\r\n"),
        (&["HRANDFIELD", "h", "2", "WITHVALUES"], b"*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"),
        (&["HRANDFIELD", "nokey"], b"$-1\r\n"),
        (&["HGET", "h", "zz"], b"$-1\r\n"),
        (&["HSCAN", "h", "0"], b"*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"),
    ];
    for (cmd, want) in cases {
        assert_eq!(common::esc(&r.call(cmd)), common::esc(want), "{:?}", cmd);
    }
    r.call(&["HELLO", "3"]);
    let cases: &[(&[&str], &[u8])] = &[
        (&["HGETALL", "h"], b"%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"),
        (&["HGETALL", "nokey"], b"%0\r\n"),
        (&["HRANDFIELD", "h", "2", "WITHVALUES"], b"*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
        (&["HRANDFIELD", "nokey"], b"_\r\n"),
        (&["HRANDFIELD", "nokey", "1", "withvalues"], b"*0\r\n"),
        (&["HMGET", "h", "a", "zz"], b"*2\r\n$1\r\n1\r\n_\r\n"),
        (&["HKEYS", "h"], b"*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
    ];
    for (cmd, want) in cases {
        assert_eq!(common::esc(&r.call(cmd)), common::esc(want), "{:?}", cmd);
    }
}

fn hset_n(c: &mut Connection, key: &str, from: usize, n: usize) -> i64 {
    let mut cmd = redis::cmd("HSET");
    cmd.arg(key);
    for i in from..from + n {
        cmd.arg(format!("f{}", i)).arg("v");
    }
    cmd.query(c).unwrap()
}

/// Thresholds from the command line (with the old ziplist names Redis
/// still accepts), then changed at runtime.
#[test]
fn encoding_thresholds() {
    let s = Server::start_with(&["--hash-max-ziplist-entries", "128", "--hash-max-listpack-value", "64"]);
    let mut c = s.conn();
    assert_eq!(hset_n(&mut c, "h", 0, 127), 127);
    assert_eq!(encoding(&mut c, "h"), "listpack");
    assert_eq!(hset_n(&mut c, "h", 127, 1), 1);
    assert_eq!(encoding(&mut c, "h"), "listpack");
    assert_eq!(hset_n(&mut c, "h", 128, 1), 1);
    assert_eq!(encoding(&mut c, "h"), "hashtable");
    for (n, want) in [(63, "listpack"), (64, "listpack"), (65, "hashtable")] {
        let key = format!("v{}", n);
        q::<i64>(&mut c, &["HSET", &key, "f", &"x".repeat(n)]);
        assert_eq!(encoding(&mut c, &key), want, "value of {} bytes", n);
    }
    q::<()>(&mut c, &["CONFIG", "SET", "hash-max-listpack-entries", "3"]);
    assert_eq!(hset_n(&mut c, "small", 0, 3), 3);
    assert_eq!(encoding(&mut c, "small"), "listpack");
    assert_eq!(hset_n(&mut c, "small", 3, 1), 1);
    assert_eq!(encoding(&mut c, "small"), "hashtable");
    // One way: deleting down to one field keeps the hashtable.
    q::<i64>(&mut c, &["HDEL", "small", "f0", "f1", "f2"]);
    assert_eq!(encoding(&mut c, "small"), "hashtable");
    assert_eq!(q::<BTreeMap<String, String>>(&mut c, &["HGETALL", "small"]).len(), 1);
}

/// HSCAN of 10k fields returns each field exactly with its value, and
/// DEBUG DIGEST-VALUE agrees between the two encodings of the same data.
#[test]
fn hscan_and_digest() {
    let s = Server::start_with(&["--enable-debug-command", "yes"]);
    let mut c = s.conn();
    let mut cmd = redis::cmd("HSET");
    cmd.arg("big");
    for i in 0..10_000 {
        cmd.arg(format!("field:{}", i)).arg(i);
    }
    assert_eq!(cmd.query::<i64>(&mut c).unwrap(), 10_000);
    let mut seen = BTreeSet::new();
    let mut cursor = 0u64;
    loop {
        let (next, items): (u64, Vec<String>) = q(&mut c, &["HSCAN", "big", &cursor.to_string(), "COUNT", "100"]);
        for pair in items.chunks(2) {
            assert_eq!(pair[0], format!("field:{}", pair[1]));
            seen.insert(pair[0].clone());
        }
        cursor = next;
        if cursor == 0 {
            break;
        }
    }
    assert_eq!(seen.len(), 10_000);
    let (_, matched): (u64, Vec<String>) = q(&mut c, &["HSCAN", "big", "0", "MATCH", "field:999*", "COUNT", "100000"]);
    assert_eq!(matched.len(), 2 * 11);

    q::<i64>(&mut c, &["HSET", "lp", "a", "1", "b", "2", "c", "3", "d", "4"]);
    q::<()>(&mut c, &["CONFIG", "SET", "hash-max-listpack-entries", "2"]);
    q::<i64>(&mut c, &["HSET", "ht", "d", "4", "c", "3", "b", "2", "a", "1"]);
    assert_eq!((encoding(&mut c, "lp"), encoding(&mut c, "ht")), ("listpack".into(), "hashtable".into()));
    // The digest redis-server 7.0.15 computes for this hash.
    let want = vec!["2daeebd945fbd240bcf21fa56368a81921bc7cf1".to_string()];
    assert_eq!(q::<Vec<String>>(&mut c, &["DEBUG", "DIGEST-VALUE", "lp", "ht"]), [want.clone(), want].concat());
}

/// A million fields through the wire, in pipelined batches.
#[test]
fn a_million_fields() {
    let s = Server::start();
    let mut c = s.conn();
    for chunk in 0..100 {
        let mut cmd = redis::cmd("HSET");
        cmd.arg("big");
        for i in chunk * 10_000..(chunk + 1) * 10_000 {
            cmd.arg(format!("f:{}", i)).arg(i);
        }
        assert_eq!(cmd.query::<i64>(&mut c).unwrap(), 10_000);
    }
    assert_eq!(q::<i64>(&mut c, &["HLEN", "big"]), 1_000_000);
    assert_eq!(encoding(&mut c, "big"), "hashtable");
    assert_eq!(q::<String>(&mut c, &["HGET", "big", "f:765432"]), "765432");
    let all: Vec<String> = q(&mut c, &["HGETALL", "big"]);
    assert_eq!(all.len(), 2_000_000);
    let picked: Vec<String> = q(&mut c, &["HRANDFIELD", "big", "-5000", "WITHVALUES"]);
    assert_eq!(picked.len(), 10_000);
    assert!(picked.chunks(2).all(|p| p[0] == format!("f:{}", p[1])));
    assert_eq!(q::<i64>(&mut c, &["DEL", "big"]), 1);
}
