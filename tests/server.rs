//! Tests for the server and client introspection commands over real
//! connections: CLIENT LIST/KILL between connections, CLIENT PAUSE,
//! MONITOR output and INFO sections.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A ferrodis-server on a free port, killed on drop. (A minimal local
/// harness; the shared one in tests/common replaces it when it lands.)
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
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = std::env::temp_dir().join(format!("ferrodis-server-test-{}-{}", std::process::id(), port));
        std::fs::create_dir_all(&dir).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_ferrodis-server"))
            .args(["--port", &port.to_string(), "--save", "", "--appendonly", "no", "--enable-debug-command", "yes", "--dir"])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start ferrodis-server");
        let s = Server { child, port, _dir: TempDir(dir) };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(mut c) = TcpStream::connect(("127.0.0.1", port)).map(Conn::new) {
                if c.cmd(&["PING"]) == "+PONG\r\n" {
                    return s;
                }
            }
            assert!(Instant::now() < deadline, "server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn connect(&self) -> Conn {
        Conn::new(TcpStream::connect(("127.0.0.1", self.port)).unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A raw RESP connection that returns each reply's exact bytes as text.
struct Conn {
    r: BufReader<TcpStream>,
    w: TcpStream,
}

impl Conn {
    fn new(s: TcpStream) -> Conn {
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        Conn { r: BufReader::new(s.try_clone().unwrap()), w: s }
    }

    fn send(&mut self, args: &[&str]) {
        let mut out = format!("*{}\r\n", args.len());
        for a in args {
            out.push_str(&format!("${}\r\n{}\r\n", a.len(), a));
        }
        self.w.write_all(out.as_bytes()).unwrap();
    }

    fn cmd(&mut self, args: &[&str]) -> String {
        self.send(args);
        self.reply()
    }

    /// Reads one complete reply.
    fn reply(&mut self) -> String {
        let mut line = String::new();
        self.r.read_line(&mut line).unwrap();
        let n: i64 = line.get(1..line.len().saturating_sub(2)).and_then(|s| s.parse().ok()).unwrap_or(-1);
        match line.as_bytes().first() {
            Some(b'$') if n >= 0 => {
                let mut body = vec![0u8; n as usize + 2];
                self.r.read_exact(&mut body).unwrap();
                line + &String::from_utf8_lossy(&body)
            }
            Some(b'*') if n > 0 => {
                let mut out = line;
                for _ in 0..n {
                    out.push_str(&self.reply());
                }
                out
            }
            _ => line,
        }
    }

    /// The body of a bulk-string reply.
    fn bulk(&mut self, args: &[&str]) -> String {
        let r = self.cmd(args);
        assert!(r.starts_with('$'), "{}", r);
        let body = r.split_once("\r\n").unwrap().1;
        body[..body.len() - 2].to_string()
    }

    fn int(&mut self, args: &[&str]) -> i64 {
        let r = self.cmd(args);
        r.trim_start_matches(':').trim_end().parse().unwrap_or_else(|_| panic!("not an integer: {}", r))
    }

    /// True when the server closed the connection.
    fn closed(&mut self) -> bool {
        let mut buf = [0u8; 1];
        matches!(self.r.read(&mut buf), Ok(0) | Err(_))
    }
}

/// Value of `field=` in a CLIENT LIST line.
fn field<'a>(line: &'a str, name: &str) -> &'a str {
    line.split(' ').find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('='))).unwrap_or_else(|| panic!("no {} in {}", name, line))
}

#[test]
fn client_list_and_kill_between_connections() {
    let srv = Server::start();
    let mut a = srv.connect();
    let mut b = srv.connect();
    let a_id = a.int(&["CLIENT", "ID"]);
    let b_id = b.int(&["CLIENT", "ID"]);
    assert!(b_id > a_id);
    assert_eq!(a.cmd(&["CLIENT", "SETNAME", "alpha"]), "+OK\r\n");

    let list = b.bulk(&["CLIENT", "LIST"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{}", list);
    assert!(list.ends_with('\n'));
    // In id order; Redis 7.0's field order.
    let names: Vec<&str> = lines[0].split(' ').map(|kv| kv.split('=').next().unwrap()).collect();
    assert_eq!(
        names,
        [
            "id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub", "ssub", "multi", "qbuf", "qbuf-free",
            "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem", "tot-mem", "events", "cmd", "user", "redir", "resp"
        ]
    );
    assert_eq!(field(lines[0], "id"), a_id.to_string());
    assert_eq!(field(lines[0], "name"), "alpha");
    assert_eq!(field(lines[0], "cmd"), "client|setname");
    assert_eq!(field(lines[1], "id"), b_id.to_string());
    assert_eq!(field(lines[1], "cmd"), "client|list");
    assert_eq!(field(lines[1], "laddr"), format!("127.0.0.1:{}", srv.port));
    assert_eq!(field(lines[1], "flags"), "N");

    let info = b.bulk(&["CLIENT", "INFO"]);
    assert_eq!(field(&info, "id"), b_id.to_string());
    assert_eq!(field(&info, "cmd"), "client|info");
    let only_a = b.bulk(&["CLIENT", "LIST", "ID", &a_id.to_string()]);
    assert_eq!(only_a.lines().count(), 1);
    assert!(only_a.starts_with(&format!("id={} ", a_id)));

    // Filter form: kill A by id; B is skipped by default.
    assert_eq!(b.int(&["CLIENT", "KILL", "ID", &a_id.to_string()]), 1);
    assert!(a.closed());
    assert_eq!(b.bulk(&["CLIENT", "LIST"]).lines().count(), 1);

    // Old form by address, on another connection.
    let mut c = srv.connect();
    let c_addr = field(&c.bulk(&["CLIENT", "INFO"]), "addr").to_string();
    assert_eq!(b.cmd(&["CLIENT", "KILL", &c_addr]), "+OK\r\n");
    assert!(c.closed());
    assert_eq!(b.cmd(&["CLIENT", "KILL", &c_addr]), "-ERR No such client\r\n");

    // Killing itself: the reply arrives, then the connection closes.
    assert_eq!(b.int(&["CLIENT", "KILL", "ID", &b_id.to_string(), "SKIPME", "no"]), 1);
    assert!(b.closed());
}

#[test]
fn client_pause_postpones_writes() {
    let srv = Server::start();
    let mut a = srv.connect();
    let mut b = srv.connect();
    assert_eq!(a.cmd(&["CLIENT", "PAUSE", "400", "WRITE"]), "+OK\r\n");
    // Reads go on during a WRITE pause.
    let t = Instant::now();
    assert_eq!(b.cmd(&["GET", "k"]), "$-1\r\n");
    assert!(t.elapsed() < Duration::from_millis(300));
    // A write waits until the pause ends.
    let t = Instant::now();
    assert_eq!(b.cmd(&["SET", "k", "v"]), "+OK\r\n");
    assert!(t.elapsed() >= Duration::from_millis(250), "{:?}", t.elapsed());

    // CLIENT UNPAUSE releases waiting clients at once.
    assert_eq!(a.cmd(&["CLIENT", "PAUSE", "100000", "WRITE"]), "+OK\r\n");
    b.send(&["SET", "k", "w"]);
    std::thread::sleep(Duration::from_millis(100));
    let t = Instant::now();
    assert_eq!(a.cmd(&["CLIENT", "UNPAUSE"]), "+OK\r\n");
    assert_eq!(b.reply(), "+OK\r\n");
    assert!(t.elapsed() < Duration::from_secs(2));
    assert_eq!(b.cmd(&["GET", "k"]), "$1\r\nw\r\n");
}

#[test]
fn monitor_sees_other_clients_commands() {
    let srv = Server::start();
    let mut m = srv.connect();
    let mut b = srv.connect();
    let b_addr = field(&b.bulk(&["CLIENT", "INFO"]), "addr").to_string();
    assert_eq!(m.cmd(&["MONITOR"]), "+OK\r\n");
    assert_eq!(b.cmd(&["SET", "foo", "bar baz"]), "+OK\r\n");
    assert_eq!(b.cmd(&["SELECT", "2"]), "+OK\r\n");
    assert_eq!(b.cmd(&["get", "x\"y"]), "$-1\r\n");
    let l1 = m.reply();
    let l2 = m.reply();
    let l3 = m.reply();
    // +1339518083.107412 [0 127.0.0.1:60866] "SET" "foo" "bar baz"
    let (ts, rest) = l1[1..].split_once(' ').unwrap();
    assert!(l1.starts_with('+') && ts.len() == 17 && ts.as_bytes()[10] == b'.', "{}", l1);
    assert_eq!(rest, format!("[0 {}] \"SET\" \"foo\" \"bar baz\"\r\n", b_addr));
    // Redis 7 feeds monitors after the command ran: SELECT shows the new db.
    assert!(l2.ends_with(&format!("[2 {}] \"SELECT\" \"2\"\r\n", b_addr)), "{}", l2);
    assert!(l3.ends_with(&format!("[2 {}] \"get\" \"x\\\"y\"\r\n", b_addr)), "{}", l3);
    let list = b.bulk(&["CLIENT", "LIST"]);
    assert_eq!(field(list.lines().next().unwrap(), "flags"), "O");
}

#[test]
fn info_sections() {
    let srv = Server::start();
    let mut a = srv.connect();
    let _b = srv.connect();
    let headers = |t: &str| t.lines().filter(|l| l.starts_with('#')).map(str::to_string).collect::<Vec<_>>();
    let default = a.bulk(&["INFO"]);
    assert_eq!(
        headers(&default),
        ["# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU", "# Modules", "# Errorstats", "# Cluster", "# Keyspace"]
    );
    assert!(default.contains("\r\nredis_version:7.0.15\r\nserver_name:ferrodis\r\nferrodis_version:"));
    assert!(default.contains(&format!("\r\ntcp_port:{}\r\n", srv.port)));
    assert!(default.contains("\r\nconnected_clients:2\r\n"), "{}", default);
    assert_eq!(headers(&a.bulk(&["INFO", "everything"])).len(), 13);

    a.cmd(&["SET", "k", "1"]);
    a.cmd(&["NOSUCHCMD"]);
    let stats = a.bulk(&["INFO", "commandstats", "errorstats", "keyspace"]);
    assert!(stats.starts_with("# Commandstats\r\n"), "{}", stats);
    assert!(stats.contains("\r\ncmdstat_set:calls=1,usec="), "{}", stats);
    assert!(stats.contains("\r\ncmdstat_info:calls="), "{}", stats);
    assert!(stats.contains("\r\n# Errorstats\r\nerrorstat_ERR:count=1\r\n"), "{}", stats);
    assert!(stats.ends_with("# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n"), "{}", stats);
    let mem = a.bulk(&["INFO", "memory"]);
    let used: u64 = mem.lines().find_map(|l| l.strip_prefix("used_memory:")).unwrap().parse().unwrap();
    assert!(used > 0);
}

#[test]
fn slowlog_records_slow_commands() {
    let srv = Server::start();
    let mut a = srv.connect();
    let a_addr = field(&a.bulk(&["CLIENT", "INFO"]), "addr").to_string();
    assert_eq!(a.cmd(&["CLIENT", "SETNAME", "slowpoke"]), "+OK\r\n");
    assert_eq!(a.cmd(&["SLOWLOG", "RESET"]), "+OK\r\n");
    // Above the default slowlog-log-slower-than of 10 ms.
    assert_eq!(a.cmd(&["DEBUG", "SLEEP", "0.02"]), "+OK\r\n");
    assert_eq!(a.int(&["SLOWLOG", "LEN"]), 1);
    let entry = a.cmd(&["SLOWLOG", "GET"]);
    assert!(entry.starts_with("*1\r\n*6\r\n:"), "{}", entry);
    let tail = format!("*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$4\r\n0.02\r\n${}\r\n{}\r\n$8\r\nslowpoke\r\n", a_addr.len(), a_addr);
    assert!(entry.ends_with(&tail), "{}", entry);
    let dur: i64 = entry.split("\r\n").nth(4).unwrap()[1..].parse().unwrap();
    assert!(dur >= 20_000, "{}", entry);
}
