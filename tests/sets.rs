//! Tests for the set commands through the real binary: a client library
//! (the `redis` crate) for the command family, raw TCP for exact bytes
//! (RESP2 and RESP3), encodings at the `set-max-intset-entries` threshold
//! given on the command line, SSCAN over a big set, and a set of a million
//! members. Expected replies are those of Debian's redis-server 7.0.15
//! (scripts/oracle.py).

use redis::{Connection, FromRedisValue, Value};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A minimal stand-in for the shared harness (tests/common): the real
/// binary on a free port, killed on drop.
struct Server {
    child: Child,
    port: u16,
    dir: std::path::PathBuf,
}

impl Server {
    fn start_with(extra: &[&str]) -> Server {
        let dir = std::env::temp_dir().join(format!("ferrodis-sets-{}-{}", std::process::id(), rand_suffix()));
        std::fs::create_dir_all(&dir).unwrap();
        for _attempt in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let child = Command::new(env!("CARGO_BIN_EXE_ferrodis-server"))
                .args(["--port", &port.to_string(), "--save", "", "--appendonly", "no", "--dir", dir.to_str().unwrap()])
                .args(extra)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn ferrodis-server");
            let mut s = Server { child, port, dir: dir.clone() };
            if s.wait_ready() {
                return s;
            }
            let _ = s.child.kill();
            let _ = s.child.wait();
        }
        panic!("ferrodis-server did not start");
    }

    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) {
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                let mut buf = [0u8; 7];
                if s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n" {
                    return true;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    fn conn(&self) -> Connection {
        redis::Client::open(format!("redis://127.0.0.1:{}/", self.port)).unwrap().get_connection().unwrap()
    }

    fn raw(&self) -> Raw {
        let s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        Raw(s)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

/// A raw connection: send RESP commands, read exactly the expected bytes.
struct Raw(TcpStream);

impl Raw {
    fn send(&mut self, args: &[&str]) {
        let mut out = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            out.extend_from_slice(format!("${}\r\n{}\r\n", a.len(), a).as_bytes());
        }
        self.0.write_all(&out).unwrap();
    }

    /// Sends a command and checks that exactly `want` comes back.
    fn expect(&mut self, args: &[&str], want: &str) {
        self.send(args);
        let mut got = vec![0u8; want.len()];
        self.0.read_exact(&mut got).unwrap_or_else(|e| panic!("{:?}: {}", args, e));
        assert_eq!(String::from_utf8_lossy(&got), want, "reply to {:?}", args);
    }
}

fn q<T: FromRedisValue>(con: &mut Connection, args: &[&str]) -> T {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd.query(con).unwrap_or_else(|e| panic!("{:?} failed: {}", args, e))
}

/// The error of a command that must fail, as "CODE detail".
fn err(con: &mut Connection, args: &[&str]) -> String {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    match cmd.query::<Value>(con) {
        Ok(v) => panic!("{:?} succeeded: {:?}", args, v),
        Err(e) => format!("{} {}", e.code().unwrap_or("?"), e.detail().unwrap_or("")),
    }
}

#[test]
fn set_family_through_a_client() {
    let srv = Server::start_with(&[]);
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
    let srv = Server::start_with(&[]);
    let mut r = srv.raw();
    r.expect(&["SADD", "s", "1", "2", "3"], ":3\r\n");
    r.expect(&["SMEMBERS", "s"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
    r.expect(&["SPOP", "nokey"], "$-1\r\n");
    r.expect(&["SSCAN", "s", "0", "MATCH", "[12]"], "*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
    r.expect(&["SRANDMEMBER", "s", "-9223372036854775808"], "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n");
    r.send(&["HELLO", "3"]);
    // Skip HELLO's map: a RESP3 PING answers once it has been read.
    let mut buf = vec![0u8; 4096];
    let mut got = Vec::new();
    r.send(&["PING"]);
    while !got.ends_with(b"+PONG\r\n") {
        let n = r.0.read(&mut buf).unwrap();
        assert!(n > 0);
        got.extend_from_slice(&buf[..n]);
    }
    r.expect(&["SMEMBERS", "s"], "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
    r.expect(&["SPOP", "s", "3"], "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
    r.expect(&["EXISTS", "s"], ":0\r\n");
    r.expect(&["SRANDMEMBER", "nokey"], "_\r\n");
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
    let srv = Server::start_with(&[]);
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
    let srv = Server::start_with(&[]);
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
