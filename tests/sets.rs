//! Tests for the set commands through the real binary: a client library
//! (the `redis` crate) for the command family, raw TCP for exact bytes
//! (RESP2 and RESP3), encodings at the `set-max-intset-entries` threshold
//! given on the command line, SSCAN over a big set, and a set of a million
//! members. Expected replies are those of Debian's redis-server 7.0.15
//! (scripts/oracle.py).

mod common;

use common::{err, q, Server};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

#[test]
fn set_family_through_a_client() {
    let srv = Server::start();
    let mut con = srv.conn();
    assert_eq!(q::<i64>(&mut con, &["SADD", "s", "3", "1", "2", "1"]), 3);
    assert_eq!(q::<Vec<String>>(&mut con, &["SMEMBERS", "s"]), ["1", "2", "3"]);
    assert_eq!(q::<String>(&mut con, &["OBJECT", "ENCODING", "s"]), "intset");
    assert_eq!(q::<Vec<i64>>(&mut con, &["SMISMEMBER", "s", "1", "x", "3"]), [1, 0, 1]);
    assert_eq!(q::<i64>(&mut con, &["SADD", "s", "x"]), 1);
    assert_eq!(q::<String>(&mut con, &["OBJECT", "ENCODING", "s"]), "hashtable");
    assert_eq!(q::<BTreeSet<String>>(&mut con, &["SMEMBERS", "s"]), ["1", "2", "3", "x"].iter().map(|s| s.to_string()).collect());
    assert_eq!(q::<i64>(&mut con, &["SMOVE", "s", "t", "x"]), 1);
    assert_eq!(q::<i64>(&mut con, &["SADD", "u", "2", "3", "4"]), 3);
    assert_eq!(q::<Vec<String>>(&mut con, &["SINTER", "s", "u"]).into_iter().collect::<BTreeSet<_>>().len(), 2);
    assert_eq!(q::<i64>(&mut con, &["SINTERSTORE", "i", "s", "u"]), 2);
    assert_eq!(q::<String>(&mut con, &["OBJECT", "ENCODING", "i"]), "intset");
    assert_eq!(q::<i64>(&mut con, &["SUNIONSTORE", "un", "s", "u", "t"]), 5);
    assert_eq!(q::<String>(&mut con, &["OBJECT", "ENCODING", "un"]), "hashtable");
    assert_eq!(q::<Vec<String>>(&mut con, &["SDIFF", "u", "s"]), ["4"]);
    assert_eq!(q::<i64>(&mut con, &["SINTERCARD", "2", "s", "u", "LIMIT", "1"]), 1);
    assert_eq!(q::<i64>(&mut con, &["SREM", "t", "x"]), 1);
    assert_eq!(q::<i64>(&mut con, &["EXISTS", "t"]), 0);
    let popped: Vec<String> = q(&mut con, &["SPOP", "un", "2"]);
    assert_eq!(popped.len(), 2);
    assert_eq!(q::<i64>(&mut con, &["SCARD", "un"]), 3);
    assert_eq!(q::<Vec<String>>(&mut con, &["SRANDMEMBER", "un", "-7"]).len(), 7);

    q::<()>(&mut con, &["SET", "str", "v"]);
    assert_eq!(err(&mut con, &["SADD", "str", "1"]), "WRONGTYPE Operation against a key holding the wrong kind of value");
    assert_eq!(err(&mut con, &["SINTERCARD", "0", "s"]), "ERR numkeys should be greater than 0");
    assert_eq!(err(&mut con, &["SINTERCARD", "3", "s"]), "ERR Number of keys can't be greater than number of args");
    assert_eq!(err(&mut con, &["SINTERCARD", "1", "s", "LIMIT", "-1"]), "ERR LIMIT can't be negative");
    assert_eq!(err(&mut con, &["SPOP", "s", "-1"]), "ERR value is out of range, must be positive");
    assert_eq!(err(&mut con, &["SSCAN", "s", "x"]), "ERR invalid cursor");
}

#[test]
fn exact_bytes_resp2_and_resp3() {
    let srv = Server::start();
    let mut r = srv.raw();
    assert_eq!(r.call_text(&["SADD", "s", "1", "2", "3"]), ":3\r\n");
    assert_eq!(r.call_text(&["SMEMBERS", "s"]), "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
    assert_eq!(r.call_text(&["SPOP", "nokey"]), "$-1\r\n");
    assert_eq!(r.call_text(&["SSCAN", "s", "0", "MATCH", "[12]"]), "*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
    assert_eq!(
        r.call_text(&["SRANDMEMBER", "s", "-9223372036854775808"]),
        "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"
    );
    // HELLO 3 switches the connection to RESP3 (its reply is checked in
    // tests/protocol.rs).
    r.call(&["HELLO", "3"]);
    assert_eq!(r.call_text(&["PING"]), "+PONG\r\n");
    assert_eq!(r.call_text(&["SMEMBERS", "s"]), "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
    assert_eq!(r.call_text(&["SPOP", "s", "3"]), "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
    assert_eq!(r.call_text(&["EXISTS", "s"]), ":0\r\n");
    assert_eq!(r.call_text(&["SRANDMEMBER", "nokey"]), "_\r\n");
}

/// `--set-max-intset-entries` on the command line sets the threshold:
/// one below, at, and one above it.
#[test]
fn intset_threshold_from_the_command_line() {
    let srv = Server::start_with(&["--set-max-intset-entries", "4"]);
    let mut con = srv.conn();
    q::<i64>(&mut con, &["SADD", "s", "1", "2", "3"]);
    assert_eq!(q::<String>(&mut con, &["OBJECT", "ENCODING", "s"]), "intset");
    q::<i64>(&mut con, &["SADD", "s", "4"]);
    assert_eq!(q::<String>(&mut con, &["OBJECT", "ENCODING", "s"]), "intset");
    q::<i64>(&mut con, &["SADD", "s", "5"]);
    assert_eq!(q::<String>(&mut con, &["OBJECT", "ENCODING", "s"]), "hashtable");
    assert_eq!(q::<Vec<String>>(&mut con, &["SINTER", "s"]).len(), 5);
}

/// A full SSCAN of a big set returns every member, in bounded batches.
#[test]
fn sscan_walks_a_big_set() {
    let srv = Server::start();
    let mut con = srv.conn();
    let members: Vec<String> = (0..10_000).map(|i| format!("m:{}", i)).collect();
    let mut cmd = redis::cmd("SADD");
    cmd.arg("big").arg(&members);
    assert_eq!(cmd.query::<i64>(&mut con).unwrap(), 10_000);
    let mut seen = BTreeSet::new();
    let mut cursor = 0u64;
    let mut calls = 0;
    loop {
        let (next, batch): (u64, Vec<String>) = redis::cmd("SSCAN").arg("big").arg(cursor).arg("COUNT").arg(100).query(&mut con).unwrap();
        assert!(batch.len() < 1000, "a batch of {}", batch.len());
        seen.extend(batch);
        calls += 1;
        cursor = next;
        if cursor == 0 {
            break;
        }
    }
    assert_eq!(seen.len(), 10_000);
    assert!(calls > 10, "{} calls", calls);
}

/// A million 10-byte members through the network: nothing quadratic.
#[test]
fn a_million_members() {
    let srv = Server::start();
    let mut con = srv.conn();
    let start = Instant::now();
    for chunk in 0..100 {
        let members: Vec<String> = (chunk * 10_000..(chunk + 1) * 10_000).map(|i| format!("m:{:08}", i)).collect();
        let mut cmd = redis::cmd("SADD");
        cmd.arg("big").arg(&members);
        assert_eq!(cmd.query::<i64>(&mut con).unwrap(), 10_000);
    }
    assert_eq!(q::<i64>(&mut con, &["SCARD", "big"]), 1_000_000);
    assert_eq!(q::<i64>(&mut con, &["SISMEMBER", "big", "m:00999999"]), 1);
    assert_eq!(q::<Vec<String>>(&mut con, &["SRANDMEMBER", "big", "100000"]).len(), 100_000);
    assert_eq!(q::<Vec<String>>(&mut con, &["SPOP", "big", "900000"]).len(), 900_000);
    assert_eq!(q::<i64>(&mut con, &["SCARD", "big"]), 100_000);
    assert_eq!(q::<i64>(&mut con, &["DEL", "big"]), 1);
    assert!(start.elapsed() < Duration::from_secs(120), "took {:?}", start.elapsed());
}
