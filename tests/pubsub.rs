//! Tests for Pub/Sub through the real binary: the redis crate's pub/sub
//! API, exact RESP2 and RESP3 bytes, per-publisher ordering, and output
//! buffer limits disconnecting a subscriber that never reads while the
//! server's memory stays bounded.

mod common;

use common::{resp, Raw, Server};
use std::time::{Duration, Instant};

#[test]
fn redis_crate_pubsub_api() {
    let s = Server::start();
    let mut sub_conn = s.conn();
    let mut publisher = s.conn();
    let mut sub = sub_conn.as_pubsub();
    sub.subscribe("news").unwrap();
    sub.psubscribe("news.*").unwrap();
    sub.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let n: i64 = redis::cmd("PUBLISH").arg("news").arg("hello").query(&mut publisher).unwrap();
    assert_eq!(n, 1);
    let n: i64 = redis::cmd("PUBLISH").arg("news.tech").arg("rust").query(&mut publisher).unwrap();
    assert_eq!(n, 1);
    let m = sub.get_message().unwrap();
    assert_eq!((m.get_channel_name(), m.get_payload::<String>().unwrap()), ("news", "hello".to_string()));
    assert!(!m.from_pattern());
    let m = sub.get_message().unwrap();
    assert_eq!(m.get_channel_name(), "news.tech");
    assert_eq!(m.get_pattern::<String>().unwrap(), "news.*");
    assert_eq!(m.get_payload::<String>().unwrap(), "rust");
    sub.unsubscribe("news").unwrap();
    sub.punsubscribe("news.*").unwrap();
    drop(sub);
    // Back to a normal connection.
    let pong: String = redis::cmd("PING").query(&mut sub_conn).unwrap();
    assert_eq!(pong, "PONG");
}

#[test]
fn raw_resp2_and_resp3_bytes() {
    let s = Server::start();
    let mut sub = s.raw();
    let mut sub3 = s.raw();
    let mut publisher = s.raw();
    assert_eq!(sub.call(&["SUBSCRIBE", "c"]), b"*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n");
    assert_eq!(sub.call(&["PING"]), b"*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    assert_eq!(
        sub.call(&["GET", "x"]),
        b"-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"
    );
    sub3.call(&["HELLO", "3"]);
    assert_eq!(sub3.call(&["PSUBSCRIBE", "c*"]), b">3\r\n$10\r\npsubscribe\r\n$2\r\nc*\r\n:1\r\n");
    assert_eq!(sub3.call(&["GET", "x"]), b"_\r\n");
    assert_eq!(publisher.call(&["PUBLISH", "c", "m"]), b":2\r\n");
    assert_eq!(sub.read_reply(), b"*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n");
    assert_eq!(sub3.read_reply(), b">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$1\r\nc\r\n$1\r\nm\r\n");
    assert_eq!(sub.call(&["QUIT"]), b"+OK\r\n");
    assert_eq!(publisher.call(&["PUBSUB", "NUMSUB", "c"]), b"*2\r\n$1\r\nc\r\n:0\r\n");
    assert_eq!(publisher.call(&["PUBSUB", "NUMPAT"]), b":1\r\n");
    let list = String::from_utf8(publisher.call(&["CLIENT", "LIST", "TYPE", "pubsub"])).unwrap();
    assert!(list.contains("flags=P db=0 sub=0 psub=1 ssub=0 multi=-1"), "{}", list);
    assert!(list.contains(" obl=0 oll=0 omem=0 "), "{}", list);
}

/// Messages from one publisher arrive in order, to every subscriber.
#[test]
fn order_is_preserved_per_publisher() {
    let s = Server::start();
    let mut subs: Vec<Raw> = (0..3).map(|_| s.raw()).collect();
    for sub in subs.iter_mut() {
        sub.call(&["SUBSCRIBE", "seq"]);
    }
    let mut publisher = s.raw();
    let mut batch = Vec::new();
    for i in 0..2000 {
        batch.extend(resp(&[b"PUBLISH", b"seq", i.to_string().as_bytes()]));
    }
    publisher.send(&batch);
    for _ in 0..2000 {
        assert_eq!(publisher.read_reply(), b":3\r\n");
    }
    for sub in subs.iter_mut() {
        for i in 0..2000 {
            let want = resp(&[b"message", b"seq", i.to_string().as_bytes()]);
            assert_eq!(sub.read_reply(), want);
        }
    }
}

/// Resident set size of a process in bytes.
fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid)).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

/// A subscriber that never reads is closed once over the hard limit; the
/// publisher keeps going and the server's memory stays bounded while 1 GB
/// (256 MB in debug builds) is published.
#[test]
fn slow_subscriber_is_disconnected_and_memory_stays_bounded() {
    let s = Server::start();
    let mut admin = s.raw();
    assert_eq!(admin.call(&["CONFIG", "SET", "client-output-buffer-limit", "pubsub 8mb 4mb 60"]), b"+OK\r\n");
    let mut sleeper = s.raw();
    assert_eq!(sleeper.call(&["SUBSCRIBE", "firehose"]), b"*3\r\n$9\r\nsubscribe\r\n$8\r\nfirehose\r\n:1\r\n");
    let base = rss(s.pid());
    let total: usize = if cfg!(debug_assertions) { 256 << 20 } else { 1 << 30 };
    let payload = vec![b'x'; 256 * 1024];
    let one = resp(&[b"PUBLISH", b"firehose", &payload]);
    let mut publisher = s.raw();
    let mut peak = base;
    let mut receivers = Vec::new();
    let start = Instant::now();
    let per_batch = 16;
    for _ in 0..total / payload.len() / per_batch {
        for _ in 0..per_batch {
            publisher.send(&one);
        }
        for _ in 0..per_batch {
            receivers.push(publisher.read_reply());
        }
        peak = peak.max(rss(s.pid()));
        assert!(start.elapsed() < Duration::from_secs(120), "publishing took too long");
    }
    let delivered = receivers.iter().filter(|r| r.as_slice() == b":1\r\n").count();
    assert!(delivered > 0 && delivered < receivers.len(), "the subscriber was never dropped ({} deliveries)", delivered);
    assert!(receivers[delivered..].iter().all(|r| r.as_slice() == b":0\r\n"));
    // Bounded: the limit plus socket buffers and slack, not the gigabyte.
    assert!(peak < base + (96 << 20), "RSS grew from {} MB to {} MB", base >> 20, peak >> 20);
    let log = s.output();
    assert!(log.contains("scheduled to be closed ASAP for overcoming of output buffer limits."), "{}", log);
    assert!(log.contains("flags=P"), "{}", log);
    // The subscriber's connection is gone (after what the kernel held).
    sleeper.set_timeout(Duration::from_secs(20));
    let rest = sleeper.read_to_eof();
    assert!(rest.len() < 16 << 20);
    assert_eq!(admin.call(&["PUBSUB", "NUMSUB", "firehose"]), b"*2\r\n$8\r\nfirehose\r\n:0\r\n");
}

/// Over the soft limit for longer than the soft seconds: disconnected at
/// the next message.
#[test]
fn soft_limit_needs_the_soft_seconds() {
    let s = Server::start();
    let mut admin = s.raw();
    assert_eq!(admin.call(&["CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 1mb 1"]), b"+OK\r\n");
    let mut sleeper = s.raw();
    sleeper.call(&["SUBSCRIBE", "c"]);
    let payload = vec![b'y'; 1 << 20];
    let mut publisher = s.raw();
    // Enough to fill the socket buffers and stay over 1 MB in the server.
    for _ in 0..32 {
        assert_eq!(publisher.call(&["PUBLISH", "c", std::str::from_utf8(&payload).unwrap()]), b":1\r\n");
    }
    let list = String::from_utf8(admin.call(&["CLIENT", "LIST", "TYPE", "pubsub"])).unwrap();
    let omem: u64 = list.split(" omem=").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(omem >= 1 << 20, "{}", list);
    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(publisher.call(&["PUBLISH", "c", "last"]), b":1\r\n");
    assert_eq!(publisher.call(&["PUBLISH", "c", "after"]), b":0\r\n");
}

/// Keyspace notifications reach a RESP3 client that causes them itself,
/// before the command's reply.
#[test]
fn keyspace_events_to_a_resp3_client_of_its_own_writes() {
    let s = Server::start();
    let mut c = s.raw();
    c.call(&["HELLO", "3"]);
    assert_eq!(c.call(&["CONFIG", "SET", "notify-keyspace-events", "E$"]), b"+OK\r\n");
    c.call(&["SUBSCRIBE", "__keyevent@0__:set"]);
    assert_eq!(c.call(&["SET", "k", "v"]), b">3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:set\r\n$1\r\nk\r\n");
    assert_eq!(c.read_reply(), b"+OK\r\n");
}

/// The normal class: a client that pipelines big reads without reading the
/// replies is closed once its own output passes the hard limit.
#[test]
fn normal_class_limit_applies_to_a_client_own_replies() {
    let s = Server::start();
    let mut admin = s.raw();
    let big = "z".repeat(512 * 1024);
    assert_eq!(admin.call(&["SET", "big", &big]), b"+OK\r\n");
    assert_eq!(admin.call(&["CONFIG", "SET", "client-output-buffer-limit", "normal 4mb 0 0"]), b"+OK\r\n");
    let mut greedy = s.raw();
    let mut batch = Vec::new();
    for _ in 0..200 {
        batch.extend(resp(&[b"GET", b"big"]));
    }
    greedy.send(&batch);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !s.output().contains("overcoming of output buffer limits") {
        assert!(Instant::now() < deadline, "not disconnected: {}", s.output());
        std::thread::sleep(Duration::from_millis(20));
    }
    greedy.set_timeout(Duration::from_secs(20));
    let got = greedy.read_to_eof();
    assert!(got.len() < 24 << 20, "received {} bytes", got.len());
    assert_eq!(admin.call(&["PING"]), b"+PONG\r\n");
}
