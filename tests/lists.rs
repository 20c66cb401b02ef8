//! Tests for the list family against the real binary: blocking commands
//! with several clients (fairness, timeouts, unblock by push, overwrite with
//! another type, disconnect), pipelining behind a blocked command.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A server on a free port, killed on drop.
struct Server {
    child: Child,
    port: u16,
    _dir: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Server {
    fn start() -> Server {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = std::env::temp_dir().join(format!("ferrodis-lists-{}-{}", std::process::id(), port));
        std::fs::create_dir_all(&dir).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_ferrodis-server"))
            .args(["--port", &port.to_string(), "--save", "", "--appendonly", "no", "--dir"])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start ferrodis-server");
        let s = Server { child, port, _dir: TempDir(dir) };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(mut c) = TcpStream::connect(("127.0.0.1", port)) {
                c.write_all(b"PING\r\n").unwrap();
                let mut buf = [0u8; 7];
                if c.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n" {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        s
    }

    fn client(&self) -> Client {
        let s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        Client { r: BufReader::new(s.try_clone().unwrap()), w: s }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A raw RESP connection: send argv, read one reply as its exact bytes.
struct Client {
    r: BufReader<TcpStream>,
    w: TcpStream,
}

impl Client {
    fn send(&mut self, args: &[&str]) {
        let mut out = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            out.extend_from_slice(format!("${}\r\n{}\r\n", a.len(), a).as_bytes());
        }
        self.w.write_all(&out).unwrap();
    }

    fn read(&mut self) -> String {
        let mut line = String::new();
        self.r.read_line(&mut line).expect("reply");
        let n: i64 = line[1..line.len() - 2].parse().unwrap_or(0);
        match line.as_bytes()[0] {
            b'$' if n >= 0 => {
                let mut body = vec![0u8; n as usize + 2];
                self.r.read_exact(&mut body).unwrap();
                line + &String::from_utf8_lossy(&body)
            }
            b'*' if n >= 0 => {
                let mut s = line;
                for _ in 0..n {
                    s += &self.read();
                }
                s
            }
            _ => line,
        }
    }

    fn cmd(&mut self, args: &[&str]) -> String {
        self.send(args);
        self.read()
    }

    /// True when a reply arrives within `ms`.
    fn has_reply_within(&mut self, ms: u64) -> bool {
        self.w.set_read_timeout(Some(Duration::from_millis(ms))).unwrap();
        let got = !matches!(self.r.fill_buf(), Err(_) | Ok([]));
        self.w.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        got
    }

    fn info_field(&mut self, field: &str) -> String {
        let info = self.cmd(&["INFO", "clients"]);
        info.lines().find_map(|l| l.strip_prefix(&format!("{}:", field)).map(|v| v.to_string())).unwrap_or_default()
    }

    fn wait_blocked(&mut self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.info_field("blocked_clients") != n.to_string() {
            assert!(Instant::now() < deadline, "expected {} blocked clients", n);
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

#[test]
fn first_blocked_first_served_with_three_clients() {
    let srv = Server::start();
    let mut admin = srv.client();
    let mut waiters: Vec<Client> = (0..3).map(|_| srv.client()).collect();
    for (i, w) in waiters.iter_mut().enumerate() {
        w.send(&["BLPOP", "q", "other", "0"]);
        admin.wait_blocked(i + 1);
    }
    assert_eq!(admin.cmd(&["RPUSH", "q", "a", "b"]), ":2\r\n");
    assert_eq!(waiters[0].read(), "*2\r\n$1\r\nq\r\n$1\r\na\r\n");
    assert_eq!(waiters[1].read(), "*2\r\n$1\r\nq\r\n$1\r\nb\r\n");
    assert!(!waiters[2].has_reply_within(100));
    admin.wait_blocked(1);
    assert_eq!(admin.cmd(&["LPUSH", "other", "c"]), ":1\r\n");
    assert_eq!(waiters[2].read(), "*2\r\n$5\r\nother\r\n$1\r\nc\r\n");
    admin.wait_blocked(0);
    assert_eq!(admin.cmd(&["EXISTS", "q", "other"]), ":0\r\n");
}

#[test]
fn timeouts_are_accurate() {
    let srv = Server::start();
    let mut c = srv.client();
    for (timeout, ms) in [("0.3", 300u128), ("1", 1000), ("0.05", 50)] {
        let start = Instant::now();
        assert_eq!(c.cmd(&["BLPOP", "nokey", timeout]), "*-1\r\n");
        let took = start.elapsed().as_millis();
        // Deadlines are whole milliseconds from the command's start, as in Redis.
        assert!(took + 2 >= ms && took <= ms + 100, "timeout {} took {} ms", timeout, took);
    }
    let start = Instant::now();
    assert_eq!(c.cmd(&["BLMOVE", "nokey", "dst", "LEFT", "RIGHT", "0.2"]), "*-1\r\n");
    assert!(start.elapsed() >= Duration::from_millis(198));
    assert_eq!(c.cmd(&["BLMPOP", "0.1", "2", "a", "b", "LEFT"]), "*-1\r\n");
    assert_eq!(c.cmd(&["BLPOP", "nokey", "-1"]), "-ERR timeout is negative\r\n");
    assert_eq!(c.cmd(&["BLPOP", "nokey", "abc"]), "-ERR timeout is not a float or out of range\r\n");
}

#[test]
fn push_from_another_client_unblocks_and_chains_through_blmove() {
    let srv = Server::start();
    let mut admin = srv.client();
    let mut mover = srv.client();
    let mut popper = srv.client();
    mover.send(&["BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"]);
    admin.wait_blocked(1);
    popper.send(&["BRPOP", "dst", "5"]);
    admin.wait_blocked(2);
    assert_eq!(admin.cmd(&["RPUSH", "src", "x", "y"]), ":2\r\n");
    assert_eq!(mover.read(), "$1\r\ny\r\n");
    assert_eq!(popper.read(), "*2\r\n$3\r\ndst\r\n$1\r\ny\r\n");
    assert_eq!(admin.cmd(&["LRANGE", "src", "0", "-1"]), "*1\r\n$1\r\nx\r\n");
    assert_eq!(admin.cmd(&["EXISTS", "dst"]), ":0\r\n");
    // BLMPOP with COUNT takes what is there.
    popper.send(&["BLMPOP", "0", "1", "m", "LEFT", "COUNT", "3"]);
    admin.wait_blocked(1);
    admin.cmd(&["RPUSH", "m", "1", "2"]);
    assert_eq!(popper.read(), "*2\r\n$1\r\nm\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
}

#[test]
fn overwrite_with_another_type_keeps_waiting() {
    // redis-server 7.0.15: a blocked BLPOP stays blocked when the key is
    // set to a string, and is served once the key holds a list again.
    let srv = Server::start();
    let mut admin = srv.client();
    let mut w = srv.client();
    w.send(&["BLPOP", "k", "0"]);
    admin.wait_blocked(1);
    assert_eq!(admin.cmd(&["SET", "k", "x"]), "+OK\r\n");
    assert!(!w.has_reply_within(150));
    assert_eq!(admin.info_field("blocked_clients"), "1");
    assert_eq!(admin.cmd(&["DEL", "k"]), ":1\r\n");
    assert_eq!(admin.cmd(&["RPUSH", "k", "v"]), ":1\r\n");
    assert_eq!(w.read(), "*2\r\n$1\r\nk\r\n$1\r\nv\r\n");
}

#[test]
fn disconnected_waiter_is_forgotten() {
    let srv = Server::start();
    let mut admin = srv.client();
    {
        let mut gone = srv.client();
        gone.send(&["BLPOP", "k", "0"]);
        admin.wait_blocked(1);
    }
    admin.wait_blocked(0);
    let mut w = srv.client();
    w.send(&["BRPOP", "k", "0"]);
    admin.wait_blocked(1);
    assert_eq!(admin.cmd(&["RPUSH", "k", "a", "b"]), ":2\r\n");
    assert_eq!(w.read(), "*2\r\n$1\r\nk\r\n$1\r\nb\r\n");
    assert_eq!(admin.cmd(&["LRANGE", "k", "0", "-1"]), "*1\r\n$1\r\na\r\n");
}

#[test]
fn pipelined_commands_wait_behind_a_blocked_one() {
    let srv = Server::start();
    let mut admin = srv.client();
    let mut w = srv.client();
    w.w.write_all(b"BLPOP k 0\r\nPING\r\nLLEN k\r\n").unwrap();
    admin.wait_blocked(1);
    assert!(!w.has_reply_within(100));
    admin.cmd(&["RPUSH", "k", "a", "b"]);
    assert_eq!(w.read(), "*2\r\n$1\r\nk\r\n$1\r\na\r\n");
    assert_eq!(w.read(), "+PONG\r\n");
    assert_eq!(w.read(), ":1\r\n");
}

#[test]
fn big_list_round_trip() {
    let srv = Server::start();
    let mut c = srv.client();
    // 200k elements pushed in pipelined batches, read back in one LRANGE.
    let batch: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
    let mut args: Vec<&str> = vec!["RPUSH", "big"];
    args.extend(batch.iter().map(|s| s.as_str()));
    for _ in 0..200 {
        c.send(&args);
    }
    for _ in 0..200 {
        c.read();
    }
    assert_eq!(c.cmd(&["LLEN", "big"]), ":200000\r\n");
    let all = c.cmd(&["LRANGE", "big", "0", "-1"]);
    assert!(all.starts_with("*200000\r\n$1\r\n0\r\n"));
    assert!(all.ends_with("$3\r\n999\r\n"));
    assert_eq!(c.cmd(&["LINDEX", "big", "100500"]), "$3\r\n500\r\n");
}
