//! Tests for transactions through the real binary: WATCH races between two
//! clients, WATCH + expiry, EXECABORT cases, atomicity under a concurrent
//! writer, the redis crate's pipeline-as-transaction API.

mod common;

use common::Server;
use std::time::Duration;

#[test]
fn watch_race_between_two_clients() {
    let s = Server::start();
    let mut a = s.raw();
    let mut b = s.raw();
    assert_eq!(a.call(&["SET", "balance", "100"]), b"+OK\r\n");
    assert_eq!(a.call(&["WATCH", "balance"]), b"+OK\r\n");
    assert_eq!(a.call(&["GET", "balance"]), b"$3\r\n100\r\n");
    // B wins the race.
    assert_eq!(b.call(&["DECRBY", "balance", "30"]), b":70\r\n");
    assert_eq!(a.call(&["MULTI"]), b"+OK\r\n");
    assert_eq!(a.call(&["SET", "balance", "90"]), b"+QUEUED\r\n");
    assert_eq!(a.call(&["EXEC"]), b"*-1\r\n");
    assert_eq!(a.call(&["GET", "balance"]), b"$2\r\n70\r\n");
    // Retrying without interference succeeds.
    assert_eq!(a.call(&["WATCH", "balance"]), b"+OK\r\n");
    assert_eq!(a.call(&["MULTI"]), b"+OK\r\n");
    assert_eq!(a.call(&["DECRBY", "balance", "10"]), b"+QUEUED\r\n");
    assert_eq!(a.call(&["EXEC"]), b"*1\r\n:60\r\n");
    // RESP3 clients get the RESP3 null.
    assert_eq!(a.call(&["HELLO", "3"]).first(), Some(&b'%'));
    assert_eq!(a.call(&["WATCH", "balance"]), b"+OK\r\n");
    assert_eq!(b.call(&["INCR", "balance"]), b":61\r\n");
    assert_eq!(a.call(&["MULTI"]), b"+OK\r\n");
    assert_eq!(a.call(&["EXEC"]), b"_\r\n");
}

/// Optimistic locking with many racing clients: every increment that
/// reports success is applied exactly once.
#[test]
fn check_and_set_increments_are_never_lost() {
    let s = Server::start();
    let port = s.port();
    let mut c = s.conn();
    let _: () = redis::cmd("SET").arg("counter").arg(0).query(&mut c).unwrap();
    let workers: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                let mut r = common::Raw::connect(port);
                let mut done = 0;
                while done < 50 {
                    r.call(&["WATCH", "counter"]);
                    let v = r.call(&["GET", "counter"]);
                    let text = String::from_utf8_lossy(&v);
                    let n: i64 = text.lines().nth(1).unwrap().parse().unwrap();
                    r.call(&["MULTI"]);
                    r.call(&["SET", "counter", &(n + 1).to_string()]);
                    if r.call(&["EXEC"]) != b"*-1\r\n" {
                        done += 1;
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let n: i64 = redis::cmd("GET").arg("counter").query(&mut c).unwrap();
    assert_eq!(n, 200);
}

#[test]
fn watched_key_that_expires_fails_exec() {
    let s = Server::start();
    let mut a = s.raw();
    assert_eq!(a.call(&["SET", "k", "v", "PX", "50"]), b"+OK\r\n");
    assert_eq!(a.call(&["WATCH", "k"]), b"+OK\r\n");
    std::thread::sleep(Duration::from_millis(120));
    assert_eq!(a.call(&["MULTI"]), b"+OK\r\n");
    assert_eq!(a.call(&["PING"]), b"+QUEUED\r\n");
    assert_eq!(a.call(&["EXEC"]), b"*-1\r\n");
    // Whether active expiry deleted it first or EXEC found it expired.
    assert_eq!(a.call(&["SET", "k", "v", "PX", "50"]), b"+OK\r\n");
    assert_eq!(a.call(&["WATCH", "k"]), b"+OK\r\n");
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(a.call(&["MULTI"]), b"+OK\r\n");
    assert_eq!(a.call(&["EXEC"]), b"*-1\r\n");
}

#[test]
fn execabort_cases() {
    let s = Server::start();
    let mut a = s.raw();
    let abort = b"-EXECABORT Transaction discarded because of previous errors.\r\n";
    for bad in [&["NOSUCHCMD"][..], &["GET"], &["SET", "x"]] {
        assert_eq!(a.call(&["MULTI"]), b"+OK\r\n");
        assert_eq!(a.call(&["SET", "a", "1"]), b"+QUEUED\r\n");
        assert!(a.call(bad).starts_with(b"-ERR "));
        assert_eq!(a.call(&["SET", "b", "1"]), b"+QUEUED\r\n");
        assert_eq!(a.call(&["EXEC"]), abort);
    }
    assert_eq!(a.call(&["EXISTS", "a", "b"]), b":0\r\n");
    assert_eq!(a.call(&["MULTI"]), b"+OK\r\n");
    assert_eq!(
        a.call(&["EXEC", "extra"]),
        b"-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n"
    );
    let info = String::from_utf8(a.call(&["INFO", "errorstats"])).unwrap();
    assert!(info.contains("errorstat_EXECABORT:count=4"), "{}", info);
}

/// A transaction is atomic: a concurrent writer's commands never land in
/// the middle of it.
#[test]
fn atomic_under_a_concurrent_writer() {
    let s = Server::start();
    let port = s.port();
    assert_eq!(s.raw().call(&["SET", "x", "0"]), b"+OK\r\n");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut w = common::Raw::connect(port);
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                w.call(&["INCR", "x"]);
                n += 1;
            }
            n
        })
    };
    let mut a = s.raw();
    for _ in 0..200 {
        a.send(&common::resp(&[b"MULTI"]));
        for _ in 0..10 {
            a.send(&common::resp(&[b"GET", b"x"]));
        }
        a.send(&common::resp(&[b"EXEC"]));
        assert_eq!(a.read_reply(), b"+OK\r\n");
        for _ in 0..10 {
            assert_eq!(a.read_reply(), b"+QUEUED\r\n");
        }
        let r = a.read_reply();
        let text = String::from_utf8_lossy(&r).into_owned();
        let values: Vec<&str> = text.split("\r\n").filter(|l| !l.starts_with('*') && !l.starts_with('$') && !l.is_empty()).collect();
        assert_eq!(values.len(), 10, "{}", text);
        assert!(values.windows(2).all(|w| w[0] == w[1]), "a write interleaved: {}", text);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(writer.join().unwrap() > 0);
}

/// The redis crate's atomic pipeline is MULTI/EXEC underneath.
#[test]
fn redis_crate_atomic_pipeline() {
    let s = Server::start();
    let mut c = s.conn();
    let (a, b): (i64, Vec<String>) = redis::pipe()
        .atomic()
        .cmd("INCRBY")
        .arg("n")
        .arg(5)
        .cmd("RPUSH")
        .arg("l")
        .arg("x")
        .ignore()
        .cmd("LRANGE")
        .arg("l")
        .arg(0)
        .arg(-1)
        .query(&mut c)
        .unwrap();
    assert_eq!((a, b), (5, vec!["x".to_string()]));
}

/// BLPOP inside MULTI does not block; a client blocked on a list the
/// transaction fills is served after EXEC with the first element.
#[test]
fn blocking_and_transactions() {
    let s = Server::start();
    let mut a = s.raw();
    let mut waiter = s.raw();
    assert_eq!(a.call(&["MULTI"]), b"+OK\r\n");
    assert_eq!(a.call(&["BLPOP", "q", "0"]), b"+QUEUED\r\n");
    assert_eq!(a.call(&["EXEC"]), b"*1\r\n*-1\r\n");
    waiter.send_cmd(&["BLPOP", "q", "0"]);
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(a.call(&["MULTI"]), b"+OK\r\n");
    assert_eq!(a.call(&["RPUSH", "q", "1", "2"]), b"+QUEUED\r\n");
    assert_eq!(a.call(&["LLEN", "q"]), b"+QUEUED\r\n");
    assert_eq!(a.call(&["EXEC"]), b"*2\r\n:2\r\n:2\r\n");
    assert_eq!(waiter.read_reply(), b"*2\r\n$1\r\nq\r\n$1\r\n1\r\n");
}
