//! Tests for the list family against the real binary: blocking commands
//! with several clients (fairness, timeouts, unblock by push, overwrite with
//! another type, disconnect), pipelining behind a blocked command.

mod common;

use common::{Raw, Server};
use std::time::{Duration, Instant};

/// A field of INFO clients, e.g. `blocked_clients`; "" when absent.
fn info_field(c: &mut Raw, field: &str) -> String {
    let info = c.call_text(&["INFO", "clients"]);
    info.lines().find_map(|l| l.strip_prefix(&format!("{}:", field)).map(|v| v.to_string())).unwrap_or_default()
}

/// Waits (up to 5 s) until exactly `n` clients are blocked.
fn wait_blocked(c: &mut Raw, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while info_field(c, "blocked_clients") != n.to_string() {
        assert!(Instant::now() < deadline, "expected {} blocked clients", n);
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn first_blocked_first_served_with_three_clients() {
    let srv = Server::start();
    let mut admin = srv.raw();
    let mut waiters: Vec<Raw> = (0..3).map(|_| srv.raw()).collect();
    for (i, w) in waiters.iter_mut().enumerate() {
        w.send_cmd(&["BLPOP", "q", "other", "0"]);
        wait_blocked(&mut admin, i + 1);
    }
    assert_eq!(admin.call_text(&["RPUSH", "q", "a", "b"]), ":2\r\n");
    assert_eq!(waiters[0].read_reply_text(), "*2\r\n$1\r\nq\r\n$1\r\na\r\n");
    assert_eq!(waiters[1].read_reply_text(), "*2\r\n$1\r\nq\r\n$1\r\nb\r\n");
    waiters[2].expect_silence(Duration::from_millis(100));
    wait_blocked(&mut admin, 1);
    assert_eq!(admin.call_text(&["LPUSH", "other", "c"]), ":1\r\n");
    assert_eq!(waiters[2].read_reply_text(), "*2\r\n$5\r\nother\r\n$1\r\nc\r\n");
    wait_blocked(&mut admin, 0);
    assert_eq!(admin.call_text(&["EXISTS", "q", "other"]), ":0\r\n");
}

#[test]
fn timeouts_are_accurate() {
    let srv = Server::start();
    let mut c = srv.raw();
    for (timeout, ms) in [("0.3", 300u128), ("1", 1000), ("0.05", 50)] {
        let start = Instant::now();
        assert_eq!(c.call_text(&["BLPOP", "nokey", timeout]), "*-1\r\n");
        let took = start.elapsed().as_millis();
        // Deadlines are whole milliseconds from the command's start, as in Redis.
        assert!(took + 2 >= ms && took <= ms + 100, "timeout {} took {} ms", timeout, took);
    }
    let start = Instant::now();
    assert_eq!(c.call_text(&["BLMOVE", "nokey", "dst", "LEFT", "RIGHT", "0.2"]), "*-1\r\n");
    assert!(start.elapsed() >= Duration::from_millis(198));
    assert_eq!(c.call_text(&["BLMPOP", "0.1", "2", "a", "b", "LEFT"]), "*-1\r\n");
    assert_eq!(c.call_text(&["BLPOP", "nokey", "-1"]), "-ERR timeout is negative\r\n");
    assert_eq!(c.call_text(&["BLPOP", "nokey", "abc"]), "-ERR timeout is not a float or out of range\r\n");
}

#[test]
fn push_from_another_client_unblocks_and_chains_through_blmove() {
    let srv = Server::start();
    let mut admin = srv.raw();
    let mut mover = srv.raw();
    let mut popper = srv.raw();
    mover.send_cmd(&["BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"]);
    wait_blocked(&mut admin, 1);
    popper.send_cmd(&["BRPOP", "dst", "5"]);
    wait_blocked(&mut admin, 2);
    assert_eq!(admin.call_text(&["RPUSH", "src", "x", "y"]), ":2\r\n");
    assert_eq!(mover.read_reply_text(), "$1\r\ny\r\n");
    assert_eq!(popper.read_reply_text(), "*2\r\n$3\r\ndst\r\n$1\r\ny\r\n");
    assert_eq!(admin.call_text(&["LRANGE", "src", "0", "-1"]), "*1\r\n$1\r\nx\r\n");
    assert_eq!(admin.call_text(&["EXISTS", "dst"]), ":0\r\n");
    // BLMPOP with COUNT takes what is there.
    popper.send_cmd(&["BLMPOP", "0", "1", "m", "LEFT", "COUNT", "3"]);
    wait_blocked(&mut admin, 1);
    admin.call_text(&["RPUSH", "m", "1", "2"]);
    assert_eq!(popper.read_reply_text(), "*2\r\n$1\r\nm\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
}

#[test]
fn overwrite_with_another_type_keeps_waiting() {
    // redis-server 7.0.15: a blocked BLPOP stays blocked when the key is
    // set to a string, and is served once the key holds a list again.
    let srv = Server::start();
    let mut admin = srv.raw();
    let mut w = srv.raw();
    w.send_cmd(&["BLPOP", "k", "0"]);
    wait_blocked(&mut admin, 1);
    assert_eq!(admin.call_text(&["SET", "k", "x"]), "+OK\r\n");
    w.expect_silence(Duration::from_millis(150));
    assert_eq!(info_field(&mut admin, "blocked_clients"), "1");
    assert_eq!(admin.call_text(&["DEL", "k"]), ":1\r\n");
    assert_eq!(admin.call_text(&["RPUSH", "k", "v"]), ":1\r\n");
    assert_eq!(w.read_reply_text(), "*2\r\n$1\r\nk\r\n$1\r\nv\r\n");
}

#[test]
fn disconnected_waiter_is_forgotten() {
    let srv = Server::start();
    let mut admin = srv.raw();
    {
        let mut gone = srv.raw();
        gone.send_cmd(&["BLPOP", "k", "0"]);
        wait_blocked(&mut admin, 1);
    }
    wait_blocked(&mut admin, 0);
    let mut w = srv.raw();
    w.send_cmd(&["BRPOP", "k", "0"]);
    wait_blocked(&mut admin, 1);
    assert_eq!(admin.call_text(&["RPUSH", "k", "a", "b"]), ":2\r\n");
    assert_eq!(w.read_reply_text(), "*2\r\n$1\r\nk\r\n$1\r\nb\r\n");
    assert_eq!(admin.call_text(&["LRANGE", "k", "0", "-1"]), "*1\r\n$1\r\na\r\n");
}

#[test]
fn pipelined_commands_wait_behind_a_blocked_one() {
    let srv = Server::start();
    let mut admin = srv.raw();
    let mut w = srv.raw();
    w.send(b"BLPOP k 0\r\nPING\r\nLLEN k\r\n");
    wait_blocked(&mut admin, 1);
    w.expect_silence(Duration::from_millis(100));
    admin.call_text(&["RPUSH", "k", "a", "b"]);
    assert_eq!(w.read_reply_text(), "*2\r\n$1\r\nk\r\n$1\r\na\r\n");
    assert_eq!(w.read_reply_text(), "+PONG\r\n");
    assert_eq!(w.read_reply_text(), ":1\r\n");
}

#[test]
fn big_list_round_trip() {
    let srv = Server::start();
    let mut c = srv.raw();
    // 200k elements pushed in pipelined batches, read back in one LRANGE.
    let batch: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
    let mut args: Vec<&str> = vec!["RPUSH", "big"];
    args.extend(batch.iter().map(|s| s.as_str()));
    for _ in 0..200 {
        c.send_cmd(&args);
    }
    for _ in 0..200 {
        c.read_reply();
    }
    assert_eq!(c.call_text(&["LLEN", "big"]), ":200000\r\n");
    let all = c.call_text(&["LRANGE", "big", "0", "-1"]);
    assert!(all.starts_with("*200000\r\n$1\r\n0\r\n"));
    assert!(all.ends_with("$3\r\n999\r\n"));
    assert_eq!(c.call_text(&["LINDEX", "big", "100500"]), "$3\r\n500\r\n");
}

#[test]
fn client_unblock_and_client_list_flags() {
    let srv = Server::start();
    let mut admin = srv.raw();
    let mut a = srv.raw();
    let mut b = srv.raw();
    let id_a = a.call_int(&["CLIENT", "ID"]);
    let id_b = b.call_int(&["CLIENT", "ID"]);
    a.send_cmd(&["BLPOP", "q", "0"]);
    b.send_cmd(&["BRPOP", "q", "0"]);
    wait_blocked(&mut admin, 2);
    // Blocked clients carry the b flag and their command in CLIENT LIST.
    let list = admin.call_text(&["CLIENT", "LIST"]);
    let line_a = list.lines().find(|l| l.contains(&format!("id={} ", id_a))).unwrap().to_string();
    assert!(line_a.contains(" flags=b ") && line_a.contains(" cmd=blpop "), "{}", line_a);
    // TIMEOUT: the client gets the null array; ERROR: the UNBLOCKED error.
    assert_eq!(admin.call_text(&["CLIENT", "UNBLOCK", &id_a.to_string(), "TIMEOUT"]), ":1\r\n");
    assert_eq!(a.read_reply_text(), "*-1\r\n");
    assert_eq!(admin.call_text(&["CLIENT", "UNBLOCK", &id_b.to_string(), "ERROR"]), ":1\r\n");
    assert_eq!(b.read_reply_text(), "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
    // Nobody is blocked any more: unblocking again does nothing.
    assert_eq!(admin.call_text(&["CLIENT", "UNBLOCK", &id_a.to_string()]), ":0\r\n");
    wait_blocked(&mut admin, 0);
    assert_eq!(a.call_text(&["PING"]), "+PONG\r\n");
}
