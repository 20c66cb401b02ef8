//! Tests for keyspace notifications: the same commands run against
//! ferrodis and Debian's redis-server 7.0.15 must fire the same
//! `__keyspace@<db>__:<key>` / `__keyevent@<db>__:<event>` messages, in
//! the same order; flags set at runtime with CONFIG SET.

mod common;

use common::{Raw, RealRedis};
use std::time::Duration;

/// Splits a pmessage push into (channel, payload).
fn parse_pmessage(b: &[u8]) -> Option<(String, String)> {
    let text = String::from_utf8_lossy(b);
    let parts: Vec<&str> = text.split("\r\n").collect();
    // *4 $8 pmessage $n pattern $n channel $n payload
    if parts.first() != Some(&"*4") || parts.get(2) != Some(&"pmessage") {
        return None;
    }
    Some((parts[6].to_string(), parts[8].to_string()))
}

/// Runs `script` on a server with `flags` and returns, per command, its
/// reply and the notifications it fired. "SLEEP ms" waits (active expiry).
fn record(port: u16, flags: &str, script: &[&str]) -> Vec<(String, String, Vec<(String, String)>)> {
    let mut c = Raw::connect(port);
    assert_eq!(c.call(&["CONFIG", "SET", "notify-keyspace-events", flags]), b"+OK\r\n");
    let mut sub = Raw::connect(port);
    sub.call(&["PSUBSCRIBE", "__key*@*__:*"]);
    let mut out = Vec::new();
    for line in script {
        let args: Vec<&str> = line.split(' ').collect();
        let reply = if args[0] == "SLEEP" {
            std::thread::sleep(Duration::from_millis(args[1].parse().unwrap()));
            String::new()
        } else {
            String::from_utf8_lossy(&c.call(&args)).into_owned()
        };
        // Everything the command fired is in the subscriber's buffer before
        // the PING that follows is answered.
        sub.send_cmd(&["PING"]);
        let mut events = Vec::new();
        loop {
            let r = sub.read_reply();
            if r.starts_with(b"*2\r\n$4\r\npong") {
                break;
            }
            events.push(parse_pmessage(&r).unwrap_or_else(|| panic!("unexpected push {}", common::esc(&r))));
        }
        out.push((line.to_string(), reply, events));
    }
    out
}

/// Runs the script on both servers and reports every difference.
fn compare(flags: &str, script: &[&str]) {
    let redis = RealRedis::start();
    let ours = common::Server::start_with(&["--enable-debug-command", "yes"]);
    let want = record(redis.port, flags, script);
    let got = record(ours.port(), flags, script);
    // Guard against a vacuous pass (nothing fired on either side).
    assert!(want.iter().any(|w| !w.2.is_empty()), "redis-server fired no event at all");
    let mut diffs = Vec::new();
    for (w, g) in want.iter().zip(&got) {
        if w != g {
            diffs.push(format!("{}\n  redis:    {:?} {:?}\n  ferrodis: {:?} {:?}", w.0, w.1, w.2, g.1, g.2));
        }
    }
    assert!(diffs.is_empty(), "notifications differ from redis-server 7.0.15:\n{}", diffs.join("\n"));
}

/// The string, key and list commands implemented so far, each with the
/// events Redis fires for it (including none, and events of failed or
/// no-op calls).
#[test]
fn events_match_redis_for_strings_keys_and_lists() {
    compare(
        "KEA",
        &[
            "SET s v",
            "SET s v NX",
            "SET s v XX EX 100",
            "SETNX s2 v",
            "SETEX s3 100 v",
            "PSETEX s4 100000 v",
            "GETSET s w",
            "GETDEL s2",
            "GETDEL s2",
            "GETEX s3 EX 50",
            "GETEX s3 PERSIST",
            "MSET m1 a m2 b",
            "MSETNX m1 a m3 c",
            "MSETNX m4 a m5 c",
            "APPEND s x",
            "INCR n",
            "INCRBY n 5",
            "DECR n",
            "DECRBY n 2",
            "INCRBYFLOAT f 1.5",
            "SETRANGE s 10 z",
            "SET s v KEEPTTL",
            "SET s v GET",
            "DEL s m1 nothere",
            "UNLINK m2",
            "EXPIRE n 100",
            "PEXPIRE n 100000",
            "EXPIREAT n 99999999999",
            "PERSIST n",
            "EXPIRE n -1",
            "SET r 1",
            "RENAME r r2",
            "RENAMENX r2 r3",
            "COPY r3 r4",
            "MOVE r4 1",
            "RPUSH l a b c d e",
            "LPUSH l z",
            "LPUSHX l y",
            "RPUSHX nolist y",
            "LPOP l",
            "RPOP l 2",
            "LINSERT l BEFORE b q",
            "LSET l 0 w",
            "LTRIM l 0 2",
            "LREM l 1 q",
            "RPOPLPUSH l l2",
            "LMOVE l l2 LEFT RIGHT",
            "LMPOP 1 l2 LEFT COUNT 10",
            "RPUSH l x",
            "BLPOP l 0",
            "SET e v PX 50",
            "SLEEP 400",
            "SET lazy v PX 30",
            "DEBUG SET-ACTIVE-EXPIRE 0",
            "SLEEP 60",
            "GET lazy",
            "DEBUG SET-ACTIVE-EXPIRE 1",
            "SET t v",
            "EXPIRE t 0",
            "FLUSHDB",
        ],
    );
}

#[test]
fn events_match_redis_for_sets() {
    compare(
        "KEA",
        &[
            "SADD s a b c",
            "SADD s a",
            "SREM s a z",
            "SMOVE s s2 b",
            "SPOP s",
            "SADD x 1 2 3",
            "SPOP x 3",
            "SADD z 1",
            "SPOP z",
            "SADD x 1 2 3",
            "SADD y 2 3 4",
            "SINTERSTORE d x y",
            "SUNIONSTORE d x y",
            "SDIFFSTORE d x x",
            "SDIFFSTORE d x y",
            "SREM x 1 2 3",
        ],
    );
}

/// HDEL and ZREM fire their event, then `del` when they empty the key.
#[test]
fn events_match_redis_for_removals_that_empty_a_key() {
    compare(
        "KEA",
        &["HSET h f v g w", "HDEL h f nosuch", "HDEL h g", "HDEL h g", "ZADD z 1 a 2 b", "ZREM z a", "ZREM z b c", "SADD s m", "SREM s m"],
    );
}

/// Only the enabled classes fire; K and E pick the channel kinds.
#[test]
fn flags_select_classes_and_channels() {
    compare("Kg", &["SET a 1", "DEL a", "RPUSH l x", "EXPIRE l 100"]);
    compare("El", &["SET a 1", "DEL a", "RPUSH l x", "LPOP l"]);
    compare("Ex", &["SET a 1 PX 20", "SLEEP 300", "SET b 1"]);
    compare("K$s", &["SET a 1", "SADD s x", "APPEND a 2"]);
}

/// `n`: a "new" event for every key added (dbAdd), before the command's own.
#[test]
fn new_key_events_match_redis() {
    compare(
        "KEn$ls",
        &["SET a 1", "SET a 2", "RPUSH l x", "RPUSH l y", "SADD s m", "INCR c", "APPEND p x", "RENAME a b", "COPY b c2", "MSET m 1 m2 2"],
    );
}
