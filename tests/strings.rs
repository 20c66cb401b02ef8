//! Tests for the string commands through a real client library (the `redis`
//! crate): SET and its options, the INCR family, APPEND, GETRANGE/SETRANGE,
//! MGET/MSET/MSETNX, GETEX/GETDEL/GETSET. Replies and error texts are those
//! of Debian's redis-server 7.0.15 (scripts/oracle.py). Expiry is checked
//! with generous margins so that a loaded machine does not make it flaky.

mod common;

use common::{err, q, Server};
use redis::{Connection, Value};
use std::thread::sleep;
use std::time::Duration;

fn get(con: &mut Connection, key: &str) -> Option<String> {
    q(con, &["GET", key])
}

#[test]
fn set_and_get() {
    let srv = Server::start();
    let mut c = srv.conn();
    assert_eq!(q::<Value>(&mut c, &["SET", "k", "v"]), Value::Okay);
    assert_eq!(get(&mut c, "k").as_deref(), Some("v"));
    assert_eq!(get(&mut c, "missing"), None);
    // Binary-safe values.
    let bin: Vec<u8> = (0..=255).collect();
    let _: () = redis::cmd("SET").arg("bin").arg(&bin).query(&mut c).unwrap();
    let back: Vec<u8> = redis::cmd("GET").arg("bin").query(&mut c).unwrap();
    assert_eq!(back, bin);
    assert_eq!(q::<i64>(&mut c, &["STRLEN", "bin"]), 256);
    assert_eq!(q::<i64>(&mut c, &["STRLEN", "missing"]), 0);
}

#[test]
fn set_nx_xx_get() {
    let srv = Server::start();
    let mut c = srv.conn();
    assert_eq!(q::<Value>(&mut c, &["SET", "k", "v"]), Value::Okay);
    assert_eq!(q::<Option<String>>(&mut c, &["SET", "k", "v2", "GET"]).as_deref(), Some("v"));
    assert_eq!(q::<Value>(&mut c, &["SET", "k", "v3", "NX"]), Value::Nil);
    assert_eq!(q::<Option<String>>(&mut c, &["SET", "k", "v3", "NX", "GET"]).as_deref(), Some("v2"));
    assert_eq!(get(&mut c, "k").as_deref(), Some("v2"));
    assert_eq!(q::<Value>(&mut c, &["SET", "n", "v", "XX"]), Value::Nil);
    assert_eq!(q::<Option<String>>(&mut c, &["SET", "n", "v", "XX", "GET"]), None);
    assert_eq!(get(&mut c, "n"), None);
    assert_eq!(q::<Option<String>>(&mut c, &["SET", "k", "v4", "XX", "GET"]).as_deref(), Some("v2"));
    assert_eq!(get(&mut c, "k").as_deref(), Some("v4"));
    assert_eq!(q::<Option<String>>(&mut c, &["SET", "n", "1", "NX", "GET"]), None);
    assert_eq!(get(&mut c, "n").as_deref(), Some("1"));
    assert_eq!(q::<i64>(&mut c, &["SETNX", "sn", "1"]), 1);
    assert_eq!(q::<i64>(&mut c, &["SETNX", "sn", "2"]), 0);
    assert_eq!(q::<Option<String>>(&mut c, &["GETSET", "gs", "a"]), None);
    assert_eq!(q::<Option<String>>(&mut c, &["GETSET", "gs", "b"]).as_deref(), Some("a"));
}

#[test]
fn set_option_errors() {
    let srv = Server::start();
    let mut c = srv.conn();
    let cases: &[(&[&str], &str)] = &[
        (&["SET", "k", "v", "NX", "XX"], "ERR syntax error"),
        (&["SET", "k", "v", "EX", "100", "PX", "100"], "ERR syntax error"),
        (&["SET", "k", "v", "KEEPTTL", "EX", "10"], "ERR syntax error"),
        (&["SET", "k", "v", "EX", "0"], "ERR invalid expire time in 'set' command"),
        (&["SET", "k", "v", "PX", "-1"], "ERR invalid expire time in 'set' command"),
        (&["SET", "k", "v", "EXAT", "0"], "ERR invalid expire time in 'set' command"),
        (&["SET", "k", "v", "EX", "9999999999999999"], "ERR invalid expire time in 'set' command"),
        (&["SET", "k", "v", "EX", "abc"], "ERR value is not an integer or out of range"),
        (&["SETEX", "se", "0", "v"], "ERR invalid expire time in 'setex' command"),
        (&["GETEX", "k", "EX", "10", "PX", "10"], "ERR syntax error"),
        (&["MSET", "m1"], "ERR wrong number of arguments for 'mset' command"),
    ];
    for (args, want) in cases {
        assert_eq!(err(&mut c, args), *want, "{:?}", args);
    }
    assert_eq!(q::<Value>(&mut c, &["SET", "k", "v"]), Value::Okay);
    assert_eq!(err(&mut c, &["GETEX", "k", "EX", "0"]), "ERR invalid expire time in 'getex' command");
    // The same option twice is not a conflict: the last value wins (and
    // one that is not a number is an error, not a syntax error).
    assert_eq!(q::<Value>(&mut c, &["SET", "k", "v", "NX", "NX"]), Value::Nil);
    assert_eq!(
        q::<Value>(&mut c, &["SET", "k", "v", "EX", "10", "EX", "2000", "XX", "XX", "GET", "GET"]),
        Value::BulkString(b"v".to_vec())
    );
    assert!((1990..=2000).contains(&q::<i64>(&mut c, &["TTL", "k"])));
    assert_eq!(err(&mut c, &["SET", "k", "v", "EXAT", "XX", "EXAT", "abc"]), "ERR value is not an integer or out of range");
    assert_eq!(q::<Value>(&mut c, &["GETEX", "k", "PX", "10", "PX", "5000000"]), Value::BulkString(b"v".to_vec()));
    assert!(q::<i64>(&mut c, &["TTL", "k"]) > 4000);
}

#[test]
fn getex_on_a_missing_key_checks_only_the_syntax() {
    // Redis parses the options, looks the key up, and only then converts
    // the expire value: a missing key answers nil even for EX 0 or EX abc.
    let srv = Server::start();
    let mut c = srv.conn();
    assert_eq!(q::<Value>(&mut c, &["GETEX", "missing", "EX", "0"]), Value::Nil);
    assert_eq!(q::<Value>(&mut c, &["GETEX", "missing", "EX", "abc"]), Value::Nil);
    assert_eq!(err(&mut c, &["GETEX", "missing", "FOO"]), "ERR syntax error");
}

#[test]
fn set_ex_px_expire_and_keepttl_keeps_the_deadline() {
    let srv = Server::start();
    let mut c = srv.conn();
    assert_eq!(q::<Value>(&mut c, &["SET", "px", "v", "PX", "1000"]), Value::Okay);
    assert_eq!(q::<Value>(&mut c, &["SET", "ex", "v", "EX", "100"]), Value::Okay);
    assert_eq!(q::<Value>(&mut c, &["SETEX", "setex", "100", "v"]), Value::Okay);
    assert_eq!(q::<Value>(&mut c, &["PSETEX", "psetex", "1000", "v"]), Value::Okay);
    // KEEPTTL keeps the deadline; a plain SET drops it.
    assert_eq!(q::<Value>(&mut c, &["SET", "keep", "v", "PX", "1000"]), Value::Okay);
    assert_eq!(q::<Value>(&mut c, &["SET", "keep", "v2", "KEEPTTL"]), Value::Okay);
    assert_eq!(q::<Value>(&mut c, &["SET", "drop", "v", "PX", "1000"]), Value::Okay);
    assert_eq!(q::<Value>(&mut c, &["SET", "drop", "v2"]), Value::Okay);
    // PXAT in the past: the key is gone at once.
    assert_eq!(q::<Value>(&mut c, &["SET", "past", "v", "PXAT", "1"]), Value::Okay);
    assert_eq!(get(&mut c, "past"), None);
    assert_eq!(get(&mut c, "px").as_deref(), Some("v"));
    sleep(Duration::from_millis(1600));
    assert_eq!(get(&mut c, "px"), None);
    assert_eq!(get(&mut c, "psetex"), None);
    assert_eq!(get(&mut c, "keep"), None);
    assert_eq!(get(&mut c, "drop").as_deref(), Some("v2"));
    assert_eq!(get(&mut c, "ex").as_deref(), Some("v"));
    assert_eq!(get(&mut c, "setex").as_deref(), Some("v"));
}

#[test]
fn set_expiry_options_as_seen_by_ttl() {
    let srv = Server::start();
    let mut c = srv.conn();
    let _: () = q(&mut c, &["SET", "k", "v", "EX", "100"]);
    let ttl: i64 = q(&mut c, &["TTL", "k"]);
    assert!((98..=100).contains(&ttl), "TTL {}", ttl);
    let _: () = q(&mut c, &["SET", "k", "v2", "KEEPTTL"]);
    let ttl: i64 = q(&mut c, &["TTL", "k"]);
    assert!((98..=100).contains(&ttl), "TTL after KEEPTTL {}", ttl);
    let _: () = q(&mut c, &["SET", "k", "v3"]);
    assert_eq!(q::<i64>(&mut c, &["TTL", "k"]), -1);
    let _: () = q(&mut c, &["SET", "k", "v", "PX", "100000"]);
    let pttl: i64 = q(&mut c, &["PTTL", "k"]);
    assert!((95_000..=100_000).contains(&pttl), "PTTL {}", pttl);
    let at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 200;
    let _: () = q(&mut c, &["SET", "k", "v", "EXAT", &at.to_string()]);
    let ttl: i64 = q(&mut c, &["TTL", "k"]);
    assert!((197..=200).contains(&ttl), "TTL after EXAT {}", ttl);
    let _: () = q(&mut c, &["SETEX", "k", "50", "v"]);
    let ttl: i64 = q(&mut c, &["TTL", "k"]);
    assert!((48..=50).contains(&ttl), "TTL after SETEX {}", ttl);
    let _: Option<String> = q(&mut c, &["GETEX", "k", "PERSIST"]);
    assert_eq!(q::<i64>(&mut c, &["TTL", "k"]), -1);
    let _: Option<String> = q(&mut c, &["GETEX", "k", "EX", "30"]);
    let ttl: i64 = q(&mut c, &["TTL", "k"]);
    assert!((28..=30).contains(&ttl), "TTL after GETEX {}", ttl);
    assert_eq!(q::<i64>(&mut c, &["TTL", "missing"]), -2);
}

#[test]
fn incr_family() {
    let srv = Server::start();
    let mut c = srv.conn();
    assert_eq!(q::<i64>(&mut c, &["INCR", "n"]), 1);
    assert_eq!(q::<i64>(&mut c, &["INCRBY", "n", "10"]), 11);
    assert_eq!(q::<i64>(&mut c, &["DECR", "n"]), 10);
    assert_eq!(q::<i64>(&mut c, &["DECRBY", "n", "5"]), 5);
    assert_eq!(q::<i64>(&mut c, &["INCRBY", "n", "-7"]), -2);
    assert_eq!(get(&mut c, "n").as_deref(), Some("-2"));
    assert_eq!(q::<Value>(&mut c, &["SET", "k", "v"]), Value::Okay);
    assert_eq!(q::<Value>(&mut c, &["SET", "max", "9223372036854775807"]), Value::Okay);
    assert_eq!(q::<Value>(&mut c, &["SET", "min", "-9223372036854775808"]), Value::Okay);
    assert_eq!(q::<Value>(&mut c, &["SET", "sp", " 1"]), Value::Okay);
    let cases: &[(&[&str], &str)] = &[
        (&["INCRBY", "n", "abc"], "ERR value is not an integer or out of range"),
        (&["INCR", "k"], "ERR value is not an integer or out of range"),
        (&["INCR", "sp"], "ERR value is not an integer or out of range"),
        (&["INCR", "max"], "ERR increment or decrement would overflow"),
        (&["DECR", "min"], "ERR increment or decrement would overflow"),
        (&["DECRBY", "n", "-9223372036854775808"], "ERR decrement would overflow"),
        (&["INCRBYFLOAT", "n", "abc"], "ERR value is not a valid float"),
        (&["INCRBYFLOAT", "k", "1"], "ERR value is not a valid float"),
    ];
    for (args, want) in cases {
        assert_eq!(err(&mut c, args), *want, "{:?}", args);
    }
    assert_eq!(q::<String>(&mut c, &["INCRBYFLOAT", "n", "0.5"]), "-1.5");
    assert_eq!(q::<Value>(&mut c, &["SET", "f", "10.5"]), Value::Okay);
    assert_eq!(q::<String>(&mut c, &["INCRBYFLOAT", "f", "0.1"]), "10.6");
    assert_eq!(q::<String>(&mut c, &["INCRBYFLOAT", "new", "3"]), "3");
    assert_eq!(q::<String>(&mut c, &["INCRBYFLOAT", "new", "-3"]), "0");
    // A NUL byte before the digits ends C's text early: not a float.
    assert_eq!(q::<i64>(&mut c, &["SETRANGE", "nul", "3", "0"]), 4);
    assert_eq!(err(&mut c, &["INCRBYFLOAT", "nul", "1"]), "ERR value is not a valid float");
}

#[test]
fn incrbyfloat_uses_long_double_precision() {
    // Redis computes in long double and prints with %.17Lg.
    let srv = Server::start();
    let mut c = srv.conn();
    assert_eq!(q::<Value>(&mut c, &["SET", "f", "10.6"]), Value::Okay);
    assert_eq!(q::<String>(&mut c, &["INCRBYFLOAT", "f", "5.0e3"]), "5010.60000000000000009");
}

#[test]
fn append_getrange_setrange() {
    let srv = Server::start();
    let mut c = srv.conn();
    assert_eq!(q::<i64>(&mut c, &["APPEND", "a", "hello"]), 5);
    assert_eq!(q::<i64>(&mut c, &["APPEND", "a", " world"]), 11);
    assert_eq!(get(&mut c, "a").as_deref(), Some("hello world"));
    assert_eq!(q::<String>(&mut c, &["GETRANGE", "a", "0", "4"]), "hello");
    assert_eq!(q::<String>(&mut c, &["GETRANGE", "a", "-5", "-1"]), "world");
    assert_eq!(q::<String>(&mut c, &["GETRANGE", "a", "5", "1"]), "");
    assert_eq!(q::<String>(&mut c, &["GETRANGE", "a", "100", "200"]), "");
    assert_eq!(q::<String>(&mut c, &["GETRANGE", "missing", "0", "-1"]), "");
    assert_eq!(q::<String>(&mut c, &["SUBSTR", "a", "0", "2"]), "hel");
    assert_eq!(q::<i64>(&mut c, &["SETRANGE", "a", "6", "WORLD"]), 11);
    assert_eq!(get(&mut c, "a").as_deref(), Some("hello WORLD"));
    assert_eq!(q::<i64>(&mut c, &["SETRANGE", "z", "3", "abc"]), 6);
    assert_eq!(get(&mut c, "z").as_deref(), Some("\0\0\0abc"));
    assert_eq!(err(&mut c, &["SETRANGE", "a", "-1", "x"]), "ERR offset is out of range");
    assert_eq!(err(&mut c, &["SETRANGE", "a", "536870912", "x"]), "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    // APPEND to an integer-encoded value.
    assert_eq!(q::<i64>(&mut c, &["INCR", "i"]), 1);
    assert_eq!(q::<i64>(&mut c, &["APPEND", "i", "23"]), 3);
    assert_eq!(q::<i64>(&mut c, &["INCR", "i"]), 124);
}

#[test]
fn mget_mset_msetnx() {
    let srv = Server::start();
    let mut c = srv.conn();
    assert_eq!(q::<Value>(&mut c, &["MSET", "m1", "1", "m2", "2"]), Value::Okay);
    assert_eq!(q::<Vec<Option<String>>>(&mut c, &["MGET", "m1", "m2", "missing"]), vec![Some("1".into()), Some("2".into()), None]);
    assert_eq!(q::<i64>(&mut c, &["MSETNX", "m1", "x", "m3", "3"]), 0);
    assert_eq!(get(&mut c, "m3"), None);
    assert_eq!(q::<i64>(&mut c, &["MSETNX", "m3", "3", "m4", "4"]), 1);
    assert_eq!(q::<Vec<Option<String>>>(&mut c, &["MGET", "m3", "m4"]), vec![Some("3".into()), Some("4".into())]);
    // The last of repeated keys wins.
    assert_eq!(q::<Value>(&mut c, &["MSET", "d", "a", "d", "b"]), Value::Okay);
    assert_eq!(get(&mut c, "d").as_deref(), Some("b"));
}

#[test]
fn getex_getdel() {
    let srv = Server::start();
    let mut c = srv.conn();
    assert_eq!(q::<Value>(&mut c, &["MSET", "a", "1", "b", "2", "p", "3"]), Value::Okay);
    assert_eq!(q::<Option<String>>(&mut c, &["GETDEL", "a"]).as_deref(), Some("1"));
    assert_eq!(q::<Option<String>>(&mut c, &["GETDEL", "a"]), None);
    assert_eq!(get(&mut c, "a"), None);
    assert_eq!(q::<Option<String>>(&mut c, &["GETEX", "b"]).as_deref(), Some("2"));
    assert_eq!(q::<Option<String>>(&mut c, &["GETEX", "missing", "EX", "10"]), None);
    assert_eq!(q::<Option<String>>(&mut c, &["GETEX", "b", "PX", "1000"]).as_deref(), Some("2"));
    assert_eq!(q::<Option<String>>(&mut c, &["GETEX", "p", "PX", "1000"]).as_deref(), Some("3"));
    assert_eq!(q::<Option<String>>(&mut c, &["GETEX", "p", "PERSIST"]).as_deref(), Some("3"));
    sleep(Duration::from_millis(1600));
    assert_eq!(get(&mut c, "b"), None);
    assert_eq!(get(&mut c, "p").as_deref(), Some("3"));
}

#[test]
fn lcs() {
    let srv = Server::start();
    let mut c = srv.conn();
    assert_eq!(q::<Value>(&mut c, &["MSET", "k1", "ohmytext", "k2", "mynewtext"]), Value::Okay);
    assert_eq!(q::<String>(&mut c, &["LCS", "k1", "k2"]), "mytext");
    assert_eq!(q::<i64>(&mut c, &["LCS", "k1", "k2", "LEN"]), 6);
    assert_eq!(q::<String>(&mut c, &["LCS", "k1", "missing"]), "");
}
