//! Tests for the wire protocol over raw TCP: pipelining, fragmented and
//! inline requests, protocol errors, huge values, abrupt disconnects,
//! garbage, RESP3 and command-level errors. Expected bytes come from
//! Debian's redis-server 7.0.15 (scripts/oracle.py and raw probes).

mod common;

use common::{esc, resp, Raw, RealRedis, Server};
use std::time::Duration;

/// Asserts the server still serves a fresh client.
fn assert_healthy(srv: &mut Server) {
    assert!(srv.is_running(), "server exited; output:\n{}", srv.output());
    let mut c = srv.raw();
    assert_eq!(esc(&c.call(&["PING"])), esc(b"+PONG\r\n"));
    assert_eq!(esc(&c.call(&["SET", "health", "ok"])), esc(b"+OK\r\n"));
    assert_eq!(esc(&c.call(&["GET", "health"])), esc(b"$2\r\nok\r\n"));
}

#[test]
fn sixteen_pipelined_commands_in_one_write_get_sixteen_replies() {
    let srv = Server::start();
    let mut c = srv.raw();
    let mut req = Vec::new();
    let mut want = Vec::new();
    for i in 0..4 {
        let k = format!("p{}", i);
        req.extend(resp(&[b"SET", k.as_bytes(), b"10"]));
        want.extend_from_slice(b"+OK\r\n");
        req.extend(resp(&[b"INCR", k.as_bytes()]));
        want.extend_from_slice(b":11\r\n");
        req.extend(resp(&[b"GET", k.as_bytes()]));
        want.extend_from_slice(b"$2\r\n11\r\n");
        req.extend(resp(&[b"PING"]));
        want.extend_from_slice(b"+PONG\r\n");
    }
    c.send(&req);
    let got = c.read_exact_n(want.len());
    assert_eq!(esc(&got), esc(&want));
    c.expect_silence(Duration::from_millis(100));
}

#[test]
fn a_command_split_byte_by_byte_is_answered_once_complete() {
    let srv = Server::start();
    let mut c = srv.raw();
    let req = resp(&[b"SET", b"frag", b"hello world"]);
    for b in &req[..req.len() - 1] {
        c.send(std::slice::from_ref(b));
        std::thread::sleep(Duration::from_millis(2));
    }
    c.expect_silence(Duration::from_millis(50));
    c.send(&req[req.len() - 1..]);
    assert_eq!(esc(&c.read_reply()), esc(b"+OK\r\n"));
    // An inline command split the same way.
    for b in b"GET frag\r\n" {
        c.send(std::slice::from_ref(b));
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(esc(&c.read_reply()), esc(b"$11\r\nhello world\r\n"));
}

#[test]
fn inline_commands() {
    let srv = Server::start();
    let mut c = srv.raw();
    let cases: &[(&[u8], &[u8])] = &[
        (b"PING\r\n", b"+PONG\r\n"),
        (b"PING\n", b"+PONG\r\n"),
        (b"  PING  \r\n", b"+PONG\r\n"),
        (b"ECHO hello\r\n", b"$5\r\nhello\r\n"),
        (b"set a \"b c\"\r\n", b"+OK\r\n"),
        (b"get a\r\n", b"$3\r\nb c\r\n"),
        (b"set q \"x\\x41\\n\" \r\n", b"+OK\r\n"),
        (b"get q\r\n", b"$3\r\nxA\n\r\n"),
        (b"set s 'it\\'s'\r\n", b"+OK\r\n"),
        (b"get s\r\n", b"$4\r\nit's\r\n"),
        (b"foo \"bar\\x41\" 'baz'\r\n", b"-ERR unknown command 'foo', with args beginning with: 'barA' 'baz' \r\n"),
    ];
    for (req, want) in cases {
        c.send(req);
        assert_eq!(esc(&c.read_reply()), esc(want), "request {}", esc(req));
    }
    // Empty lines are skipped without a reply.
    c.send(b"\r\n\n\r\nPING\r\n");
    assert_eq!(esc(&c.read_reply()), esc(b"+PONG\r\n"));
    c.expect_silence(Duration::from_millis(50));
}

#[test]
fn protocol_errors_reply_then_close_without_disturbing_others() {
    let mut srv = Server::start();
    let mut bystander = srv.raw();
    assert_eq!(bystander.call(&["SET", "before", "1"]), b"+OK\r\n");
    let cases: &[(&[u8], &[u8])] = &[
        (b"*abc\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
        (b"*99999999999\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
        (b"*2\r\n$abc\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
        (b"*1\r\n$-1\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
        (b"*1\r\n$999999999999\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
        (b"*1\r\n$2147483648\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
        (b"*1\r\nx3\r\nfoo\r\n", b"-ERR Protocol error: expected '$', got 'x'\r\n"),
        (b"SET k \"v\r\n", b"-ERR Protocol error: unbalanced quotes in request\r\n"),
        (b"SET k \"v\"x\r\n", b"-ERR Protocol error: unbalanced quotes in request\r\n"),
    ];
    for (req, want) in cases {
        let mut c = srv.raw();
        c.send(req);
        let got = c.read_to_eof();
        assert_eq!(esc(&got), esc(want), "request {}", esc(req));
    }
    // Replies that came before the bad request in the same write still arrive.
    let mut c = srv.raw();
    c.send(b"*1\r\n$4\r\nPING\r\n*abc\r\n");
    assert_eq!(esc(&c.read_to_eof()), esc(b"+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n"));
    // An inline request longer than 64 KB without a newline.
    let mut c = srv.raw();
    c.send(&vec![b'x'; 70_000]);
    assert_eq!(esc(&c.read_to_eof()), esc(b"-ERR Protocol error: too big inline request\r\n"));

    assert_eq!(bystander.call(&["GET", "before"]), b"$1\r\n1\r\n");
    // Each counts as an error reply, as in redis-server 7.0.15.
    let stats = bystander.call_bulk(&["INFO", "errorstats"]);
    assert!(stats.contains("errorstat_ERR:count=11\r\n"), "{}", stats);
    assert_healthy(&mut srv);
}

#[test]
fn edge_cases_that_are_not_errors() {
    let srv = Server::start();
    let mut c = srv.raw();
    // *0 and *-1 are ignored; an empty bulk is a command name like any other.
    c.send(b"*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n");
    assert_eq!(esc(&c.read_reply()), esc(b"+PONG\r\n"));
    c.send(b"*1\r\n$0\r\n\r\n");
    assert_eq!(esc(&c.read_reply()), esc(b"-ERR unknown command '', with args beginning with: \r\n"));
    c.send(b"*2\r\n$4\r\nEcHo\r\n$0\r\n\r\n");
    assert_eq!(esc(&c.read_reply()), esc(b"$0\r\n\r\n"));
    // A multibulk count at the 1M limit waits for its arguments.
    let mut big = srv.raw();
    big.send(b"*1048576\r\n");
    big.expect_silence(Duration::from_millis(100));
}

#[test]
fn a_100mb_value_round_trips() {
    let srv = Server::start();
    let mut c = srv.raw();
    c.set_timeout(Duration::from_secs(60));
    let len = 100 * 1024 * 1024;
    let value: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
    let mut req = format!("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n${}\r\n", len).into_bytes();
    req.extend_from_slice(&value);
    req.extend_from_slice(b"\r\n");
    c.send(&req);
    drop(req);
    assert_eq!(esc(&c.read_reply()), esc(b"+OK\r\n"));
    assert_eq!(c.call(&["STRLEN", "big"]), format!(":{}\r\n", len).into_bytes());
    c.send_cmd(&["GET", "big"]);
    let header = format!("${}\r\n", len).into_bytes();
    assert_eq!(esc(&c.read_exact_n(header.len())), esc(&header));
    let body = c.read_exact_n(len);
    assert!(body == value, "GET big returned different bytes");
    assert_eq!(c.read_exact_n(2), b"\r\n");
}

#[test]
fn clients_vanishing_mid_pipeline_or_mid_bulk_leave_the_server_healthy() {
    let mut srv = Server::start();
    // Mid-pipeline: many commands sent, the connection closed before any
    // reply is read (the server may get a reset while writing replies).
    for _ in 0..5 {
        let mut c = srv.raw();
        let mut req = Vec::new();
        for i in 0..2000 {
            req.extend(resp(&[b"SET", format!("k{}", i).as_bytes(), b"v"]));
            req.extend(resp(&[b"GET", format!("k{}", i).as_bytes()]));
        }
        // And a truncated command at the end.
        req.extend_from_slice(b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n");
        c.send(&req);
    }
    // Mid-bulk: the header promises more bytes than ever arrive.
    for _ in 0..5 {
        let mut c = srv.raw();
        c.send(b"*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$1000000\r\n");
        c.send(&vec![b'z'; 300_000]);
    }
    // A client that asks for large replies and never reads them.
    {
        let mut c = srv.raw();
        c.send(&resp(&[b"SET", b"large", &vec![b'L'; 1 << 20]]));
        assert_eq!(c.read_reply(), b"+OK\r\n");
        let mut req = Vec::new();
        for _ in 0..50 {
            req.extend(resp(&[b"GET", b"large"]));
        }
        c.send(&req);
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_healthy(&mut srv);
    let mut c = srv.raw();
    assert_eq!(esc(&c.call(&["GET", "half"])), esc(b"$-1\r\n"), "a half-sent SET must not apply");
    assert_eq!(esc(&c.call(&["GET", "x"])), esc(b"$-1\r\n"));
}

#[test]
fn garbage_bytes_do_not_hurt_the_server() {
    let mut srv = Server::start();
    // Exactly as Redis: a NUL before the newline hides the newline (strchr),
    // so the request stays incomplete and nothing is replied.
    let mut c = srv.raw();
    c.send(b"\x00\x01\x02\xff\r\n");
    c.expect_silence(Duration::from_millis(100));
    drop(c);
    // Pseudo-random garbage, each on its own connection, read for a moment
    // then dropped.
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..40 {
        let len = (next() % 8192) as usize + 1;
        let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        // Sprinkle RESP-looking tokens so the parser goes down every path.
        if round % 2 == 0 {
            let tokens: [&[u8]; 6] = [b"*3\r\n", b"$5\r\n", b"\r\n", b"*-1\r\n", b"$0\r\n", b"\"'"];
            for _ in 0..20 {
                let t = tokens[(next() % tokens.len() as u64) as usize];
                let at = (next() as usize) % bytes.len();
                bytes.splice(at..at, t.iter().copied());
            }
        }
        let mut c = Raw::connect(srv.port());
        c.send(&bytes);
        c.shutdown_write();
        let _ = c.read_for(Duration::from_millis(100));
    }
    assert_healthy(&mut srv);
}

const HELLO_HEAD: &[u8] = b"$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n";
const HELLO_TAIL: &[u8] = b"\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n";

/// Checks a HELLO reply byte for byte except the client id's digits.
fn assert_hello(got: &[u8], header: &[u8], proto: u8) {
    let mut prefix = header.to_vec();
    prefix.extend_from_slice(HELLO_HEAD);
    prefix.extend_from_slice(format!(":{}\r\n$2\r\nid\r\n:", proto).as_bytes());
    assert!(got.starts_with(&prefix) && got.ends_with(HELLO_TAIL), "HELLO {} reply: {}", proto, esc(got));
    let id = &got[prefix.len()..got.len() - HELLO_TAIL.len()];
    assert!(!id.is_empty() && id.iter().all(u8::is_ascii_digit), "client id {}", esc(id));
}

#[test]
fn hello_3_switches_to_resp3() {
    let srv = Server::start();
    let mut c = srv.raw();
    c.send(b"HELLO 3\r\n");
    assert_hello(&c.read_reply(), b"%7\r\n", 3);
    let cases: &[(&[&str], &[u8])] = &[
        (&["GET", "missing"], b"_\r\n"),
        (&["SET", "k", "v"], b"+OK\r\n"),
        (&["MGET", "k", "missing"], b"*2\r\n$1\r\nv\r\n_\r\n"),
        (&["SET", "k2", "v", "GET"], b"_\r\n"),
        (&["INCRBYFLOAT", "f", "1.5"], b"$3\r\n1.5\r\n"),
    ];
    for (args, want) in cases {
        assert_eq!(esc(&c.call(args)), esc(want), "{:?}", args);
    }
    c.send(b"HELLO 4\r\n");
    assert_eq!(esc(&c.read_reply()), esc(b"-NOPROTO unsupported protocol version\r\n"));
    c.send(b"HELLO 2\r\n");
    assert_hello(&c.read_reply(), b"*14\r\n", 2);
    assert_eq!(esc(&c.call(&["GET", "missing"])), esc(b"$-1\r\n"));
}

#[test]
fn unknown_commands_and_wrong_arity_reply_exactly_as_redis() {
    let srv = Server::start();
    let mut c = srv.raw();
    let long_name = "X".repeat(200);
    let mut long_cmd = vec![long_name.as_str()];
    let arg_names: Vec<String> = (0..40).map(|i| format!("arg{}", i)).collect();
    long_cmd.extend(arg_names.iter().map(|s| s.as_str()));
    let long_want = format!(
        "-ERR unknown command '{}', with args beginning with: {}'ar' \r\n",
        "X".repeat(128),
        (0..17).map(|i| format!("'arg{}' ", i)).collect::<String>()
    );
    let cases: Vec<(Vec<&str>, Vec<u8>)> = vec![
        (vec!["FOO"], b"-ERR unknown command 'FOO', with args beginning with: \r\n".to_vec()),
        (vec!["FOO", "a", "b", "c"], b"-ERR unknown command 'FOO', with args beginning with: 'a' 'b' 'c' \r\n".to_vec()),
        (long_cmd, long_want.into_bytes()),
        (vec!["GET"], b"-ERR wrong number of arguments for 'get' command\r\n".to_vec()),
        (vec!["set", "k"], b"-ERR wrong number of arguments for 'set' command\r\n".to_vec()),
        (vec!["GETEX"], b"-ERR wrong number of arguments for 'getex' command\r\n".to_vec()),
        (vec!["ping", "a", "b"], b"-ERR wrong number of arguments for 'ping' command\r\n".to_vec()),
        (vec!["echo"], b"-ERR wrong number of arguments for 'echo' command\r\n".to_vec()),
        (vec!["LPOP", "k", "1", "2"], b"-ERR wrong number of arguments for 'lpop' command\r\n".to_vec()),
        (vec!["RPOP", "k", "1", "2"], b"-ERR wrong number of arguments for 'rpop' command\r\n".to_vec()),
        (vec!["SET", "k", "v", "EX", "0"], b"-ERR invalid expire time in 'set' command\r\n".to_vec()),
        (vec!["SET", "k", "v", "EX", "abc"], b"-ERR value is not an integer or out of range\r\n".to_vec()),
        (vec!["SET", "k", "v", "NX", "XX"], b"-ERR syntax error\r\n".to_vec()),
        // A subcommand's full name is not a command (Redis keeps subcommands
        // in their parent's table).
        (vec!["CLIENT|REPLY", "x", "SKIP"], b"-ERR unknown command 'CLIENT|REPLY', with args beginning with: 'x' 'SKIP' \r\n".to_vec()),
        (vec!["config|get", "maxmemory"], b"-ERR unknown command 'config|get', with args beginning with: 'maxmemory' \r\n".to_vec()),
        (vec!["SELECT", "x"], b"-ERR value is not an integer or out of range\r\n".to_vec()),
        (vec!["SELECT", "01"], b"-ERR value is not an integer or out of range\r\n".to_vec()),
        (vec!["SELECT", "2147483648"], b"-ERR value is out of range, value must between -2147483648 and 2147483647\r\n".to_vec()),
        (vec!["SELECT", "-1"], b"-ERR DB index is out of range\r\n".to_vec()),
        (vec!["SELECT", "16"], b"-ERR DB index is out of range\r\n".to_vec()),
    ];
    for (args, want) in &cases {
        assert_eq!(esc(&c.call(args)), esc(want), "{:?}", args);
    }
    // The connection stays usable after command errors.
    assert_eq!(c.call(&["PING"]), b"+PONG\r\n");
}

#[test]
fn client_bytes_in_error_replies_come_back_as_redis_sends_them() {
    // Invalid UTF-8 goes back byte for byte; a NUL ends the text (C's %s).
    let ours = Server::start();
    let theirs = RealRedis::start();
    let requests: Vec<Vec<u8>> = vec![
        resp(&[b"f\xff", b"a\x00b", b"\xc3\xa9"]),
        resp(&[b"CLIENT", b"n\xffo"]),
        resp(&[b"CONFIG", b"x\x00y"]),
        resp(&[b"OBJECT", b"\xfe"]),
        resp(&[b"HELLO", b"3", b"b\xffad"]),
        resp(&[b"CLIENT", b"KILL", b"TYPE", b"\xff"]),
    ];
    let (mut o, mut t) = (ours.raw(), theirs.raw());
    for req in &requests {
        o.send(req);
        t.send(req);
        assert_eq!(esc(&o.read_reply()), esc(&t.read_reply()), "request {}", esc(req));
    }
    let bad = b"*1\r\n\xff3\r\n";
    let (mut o, mut t) = (ours.raw(), theirs.raw());
    o.send(bad);
    t.send(bad);
    assert_eq!(esc(&o.read_to_eof()), esc(&t.read_to_eof()));
}
