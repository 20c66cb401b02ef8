//! Tests for SORT and SORT_RO through the real binary: a client library
//! (the `redis` crate) sorting lists and sets numerically and ALPHA, BY
//! and GET patterns over strings and hash fields, LIMIT, STORE (and the
//! list it leaves, which wakes a blocked BLPOP), SORT_RO. Expected replies
//! are those of Debian's redis-server 7.0.15 (scripts/oracle.py).

mod common;

use common::Server;
use redis::{Connection, FromRedisValue, Value};
use std::time::Duration;

fn q<T: FromRedisValue>(con: &mut Connection, args: &[&str]) -> T {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd.query(con).unwrap_or_else(|e| panic!("{:?} failed: {}", args, e))
}

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

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn sort_lists_and_sets() {
    let s = Server::start();
    let mut c = s.conn();
    q::<i64>(&mut c, &["RPUSH", "l", "3", "1", "2", "10", "-5", "2.5"]);
    assert_eq!(q::<Vec<String>>(&mut c, &["SORT", "l"]), strs(&["-5", "1", "2", "2.5", "3", "10"]));
    assert_eq!(q::<Vec<String>>(&mut c, &["SORT", "l", "DESC", "LIMIT", "0", "2"]), strs(&["10", "3"]));
    assert_eq!(q::<Vec<String>>(&mut c, &["SORT", "l", "ALPHA"]), strs(&["-5", "1", "10", "2", "2.5", "3"]));
    assert_eq!(q::<Vec<String>>(&mut c, &["SORT", "l", "BY", "nosort", "LIMIT", "1", "3", "DESC"]), strs(&["-5", "10", "2"]));
    assert_eq!(q::<Vec<String>>(&mut c, &["SORT_RO", "l", "LIMIT", "-5", "2"]), strs(&["-5", "1"]));
    assert_eq!(err(&mut c, &["SORT_RO", "l", "STORE", "d"]), "ERR syntax error");
    q::<i64>(&mut c, &["SADD", "names", "carol", "alice", "bob"]);
    assert_eq!(err(&mut c, &["SORT", "names"]), "ERR One or more scores can't be converted into double");
    assert_eq!(q::<Vec<String>>(&mut c, &["SORT", "names", "ALPHA"]), strs(&["alice", "bob", "carol"]));
    // Stored, a set is sorted even BY nosort (replicas replay SORT itself).
    assert_eq!(q::<i64>(&mut c, &["SORT", "names", "BY", "nosort", "STORE", "out", "DESC"]), 3);
    assert_eq!(q::<Vec<String>>(&mut c, &["LRANGE", "out", "0", "-1"]), strs(&["carol", "bob", "alice"]));
    q::<()>(&mut c, &["SET", "str", "x"]);
    assert_eq!(err(&mut c, &["SORT", "str"]), "WRONGTYPE Operation against a key holding the wrong kind of value");
    assert_eq!(q::<Vec<String>>(&mut c, &["SORT", "nokey"]), Vec::<String>::new());
}

#[test]
fn by_and_get_with_hashes() {
    let s = Server::start();
    let mut c = s.conn();
    q::<i64>(&mut c, &["SADD", "ids", "1", "2", "3"]);
    q::<i64>(&mut c, &["HSET", "user:1", "name", "one", "age", "9"]);
    q::<i64>(&mut c, &["HSET", "user:2", "name", "two", "age", "30"]);
    q::<i64>(&mut c, &["HSET", "user:3", "name", "three"]);
    q::<()>(&mut c, &["SET", "w_1", "100"]);
    let got: Vec<Option<String>> = q(&mut c, &["SORT", "ids", "BY", "user:*->age", "GET", "user:*->name", "GET", "#", "GET", "w_*"]);
    let want = [Some("three"), Some("3"), None, Some("one"), Some("1"), Some("100"), Some("two"), Some("2"), None];
    assert_eq!(got, want.iter().map(|o| o.map(String::from)).collect::<Vec<_>>());
    assert_eq!(q::<Vec<String>>(&mut c, &["SORT", "ids", "BY", "user:*->name", "ALPHA", "DESC"]), strs(&["2", "3", "1"]));
    assert_eq!(q::<i64>(&mut c, &["SORT", "ids", "BY", "user:*->age", "GET", "user:*->age", "STORE", "ages"]), 3);
    // Missing values are stored as empty strings.
    assert_eq!(q::<Vec<String>>(&mut c, &["LRANGE", "ages", "0", "-1"]), strs(&["", "9", "30"]));
    // An empty result deletes the destination.
    assert_eq!(q::<i64>(&mut c, &["SORT", "ids", "LIMIT", "5", "1", "STORE", "ages"]), 0);
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "ages"]), 0);
}

/// SORT ... STORE creating a list serves a client blocked on it.
#[test]
fn store_wakes_a_blocked_client() {
    let s = Server::start();
    let mut blocked = s.raw();
    blocked.send_cmd(&["BLPOP", "dst", "10"]);
    std::thread::sleep(Duration::from_millis(100));
    let mut c = s.conn();
    q::<i64>(&mut c, &["RPUSH", "src", "2", "1"]);
    assert_eq!(q::<i64>(&mut c, &["SORT", "src", "STORE", "dst"]), 2);
    let reply = blocked.read_reply();
    assert_eq!(common::esc(&reply), common::esc(b"*2\r\n$3\r\ndst\r\n$1\r\n1\r\n"));
    assert_eq!(q::<Vec<String>>(&mut c, &["LRANGE", "dst", "0", "-1"]), strs(&["2"]));
}
