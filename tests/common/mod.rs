//! The integration test harness: starts the real `ferrodis-server` binary on
//! a free port in a private temp directory, waits until it answers PING,
//! and stops it on drop. Talk to it through the `redis` crate
//! ([`Server::conn`]), raw TCP with exact bytes ([`Server::raw`]), or the
//! real `redis-cli` ([`Server::cli`]); [`q`] and [`err`] run one command
//! through a `redis` crate connection.
#![allow(dead_code)]

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ferrodis-server");

/// The server binary under test: ours, or another one named by
/// `FERRODIS_TEST_SERVER` — e.g. `FERRODIS_TEST_SERVER=redis-server cargo
/// test -- --include-ignored` checks the tests' expectations against the
/// real Redis.
fn server_bin() -> String {
    std::env::var("FERRODIS_TEST_SERVER").unwrap_or_else(|_| BIN.to_string())
}
const START_TIMEOUT: Duration = Duration::from_secs(10);
/// Default read timeout of raw connections: long enough for a loaded CI
/// machine, short enough that a missing reply fails the test quickly.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A directory under the system temp dir, unique per process and call,
/// removed (with its contents) on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("ferrodis-{}-{}-{}", tag, std::process::id(), n));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A port nothing listens on right now. Another process can still take it
/// before the server binds, so [`Server::start_with`] retries on a bind
/// failure.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port").local_addr().unwrap().port()
}

/// A running `ferrodis-server`; SIGTERM (then SIGKILL) on drop.
pub struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
    // Declared last: the directory goes after the process has stopped.
    dir: TempDir,
}

impl Server {
    /// `ferrodis-server --port P --save "" --appendonly no --dir <tempdir>`.
    pub fn start() -> Server {
        Server::start_with(&[])
    }

    /// Like [`Server::start`], with more `--directive value` arguments.
    pub fn start_with(extra: &[&str]) -> Server {
        let dir = TempDir::new("test");
        for _attempt in 0..5 {
            match Server::try_start(&dir, extra) {
                Ok((child, port, log)) => return Server { child, port, log, dir },
                Err(output) if output.contains("Failed listening on port") => continue,
                Err(output) => panic!("ferrodis-server did not start; its output:\n{}", output),
            }
        }
        panic!("ferrodis-server could not bind a free port in 5 attempts");
    }

    fn try_start(dir: &TempDir, extra: &[&str]) -> Result<(Child, u16, PathBuf), String> {
        let port = free_port();
        let log = dir.path().join(format!("server-{}.log", port));
        let out = std::fs::File::create(&log).expect("create server log");
        let err = out.try_clone().unwrap();
        let bin = server_bin();
        let mut child = Command::new(&bin)
            .args(["--port", &port.to_string(), "--save", "", "--appendonly", "no", "--dir"])
            .arg(dir.path())
            .args(extra)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {}: {}", bin, e));
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("(exited with {})\n{}", status, read_log(&log)));
            }
            if ping(port) {
                // Make sure it is our process answering, not another one
                // that took the port between free_port() and our bind.
                if server_pid(port) == Some(child.id()) {
                    // PING answers while a dataset still loads (as in
                    // Redis): wait until the data is there.
                    wait_loaded(port, deadline);
                    return Ok((child, port, log));
                }
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("Failed listening on port {}: another process answers there", port));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("ferrodis-server did not answer PING on port {} within {:?}; its output:\n{}", port, START_TIMEOUT, read_log(&log));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the server printed so far (it logs to stdout).
    pub fn output(&self) -> String {
        read_log(&self.log)
    }

    /// True while the process has not exited.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// A connection through the `redis` crate (RESP2).
    pub fn conn(&self) -> redis::Connection {
        let client = redis::Client::open(format!("redis://127.0.0.1:{}/", self.port)).unwrap();
        let con = client.get_connection().expect("connect with the redis crate");
        con.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
        con
    }

    /// A raw TCP connection for exact protocol bytes.
    pub fn raw(&self) -> Raw {
        Raw::connect(self.port)
    }

    /// Runs `redis-cli -p P args...` and returns its output (status, stdout,
    /// stderr). Panics if redis-cli is not installed.
    pub fn cli(&self, args: &[&str]) -> Output {
        self.cli_with_stdin(args, &[])
    }

    /// Like [`Server::cli`], feeding `input` on stdin (e.g. `--pipe`).
    pub fn cli_with_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        run_tool("redis-cli", &[&["-p", &self.port.to_string()], args].concat(), input)
    }

    /// Sends SIGTERM and waits (up to 10 s) for the exit status.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        signal(self.child.id(), libc::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("ferrodis-server ignored SIGTERM for 10 s; its output:\n{}", self.output());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(None)) {
            return;
        }
        signal(self.child.id(), libc::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn signal(pid: u32, sig: libc::c_int) {
    // SAFETY: kill(2) on a child we spawned and have not reaped yet, so the
    // pid cannot have been reused.
    unsafe {
        libc::kill(pid as libc::pid_t, sig);
    }
}

fn read_log(path: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned()
}

fn ping(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
    if s.write_all(b"*1\r\n$4\r\nPING\r\n").is_err() {
        return false;
    }
    let mut buf = [0u8; 7];
    s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
}

/// Waits until INFO persistence reports `loading:0`.
fn wait_loaded(port: u16, deadline: Instant) {
    let mut c = Raw::connect(port);
    c.set_timeout(Duration::from_secs(5));
    loop {
        let info = String::from_utf8_lossy(&c.call(&["INFO", "persistence"])).into_owned();
        if !info.contains("loading:1") || Instant::now() > deadline {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The `process_id` that INFO server reports on `port`.
fn server_pid(port: u16) -> Option<u32> {
    let mut c = Raw::connect(port);
    c.set_timeout(Duration::from_secs(5));
    let info = c.call(&["INFO", "server"]);
    let text = String::from_utf8_lossy(&info);
    text.lines().find_map(|l| l.strip_prefix("process_id:")).and_then(|v| v.trim().parse().ok())
}

/// Runs one of the real Redis tools (`redis-cli`, `redis-benchmark`...),
/// feeding `input` on stdin. Panics with a hint if it is not installed:
/// a missing tool is a failed test, never a skipped one.
pub fn run_tool(tool: &str, args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {} ({}): run scripts/install-deps.sh", tool, e));
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // Write from a thread so that a large input cannot deadlock against a
    // full stdout pipe.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait for tool");
    writer.join().unwrap();
    out
}

/// Runs a command through the `redis` crate and converts its reply;
/// panics on an error reply.
pub fn q<T: redis::FromRedisValue>(con: &mut redis::Connection, args: &[&str]) -> T {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd.query(con).unwrap_or_else(|e| panic!("{:?} failed: {}", args, e))
}

/// Runs a command that must fail through the `redis` crate; returns
/// "CODE detail", e.g. "ERR syntax error".
pub fn err(con: &mut redis::Connection, args: &[&str]) -> String {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    match cmd.query::<redis::Value>(con) {
        Ok(v) => panic!("{:?} should fail, replied {:?}", args, v),
        Err(e) => format!("{} {}", e.code().unwrap_or("?"), e.detail().unwrap_or("")),
    }
}

/// Encodes one command as a RESP array of bulk strings.
pub fn resp(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Shows bytes as an escaped string, for assertion messages.
pub fn esc(b: &[u8]) -> String {
    b.escape_ascii().to_string()
}

/// A parsed reply, with RESP3's types kept apart, for tests that compare
/// structured replies (COMMAND INFO, COMMAND DOCS) field by field.
#[derive(Clone, Debug, PartialEq)]
pub enum V {
    Bulk(String),
    Status(String),
    Error(String),
    Int(i64),
    Null,
    Array(Vec<V>),
    Set(Vec<V>),
    Map(Vec<(V, V)>),
    /// What a test put in place of a text it does not compare (our own prose).
    Prose,
}

/// Parses the reply at `b[*i..]` and moves `i` past it.
pub fn parse(b: &[u8], i: &mut usize) -> V {
    let end = *i + b[*i..].windows(2).position(|w| w == b"\r\n").expect("a complete line");
    let (kind, head) = (b[*i], String::from_utf8_lossy(&b[*i + 1..end]).into_owned());
    *i = end + 2;
    if matches!(kind, b'$' | b'*') && head == "-1" {
        return V::Null;
    }
    let n = || head.parse::<usize>().unwrap_or_else(|_| panic!("length {:?}", head));
    match kind {
        b'+' => V::Status(head),
        b'-' => V::Error(head),
        b':' => V::Int(head.parse().unwrap()),
        b'_' => V::Null,
        b'$' => {
            let body = String::from_utf8_lossy(&b[*i..*i + n()]).into_owned();
            *i += n() + 2;
            V::Bulk(body)
        }
        b'*' => V::Array((0..n()).map(|_| parse(b, i)).collect()),
        b'~' => V::Set((0..n()).map(|_| parse(b, i)).collect()),
        b'%' => V::Map((0..n()).map(|_| (parse(b, i), parse(b, i))).collect()),
        _ => panic!("unexpected reply type in {}", esc(b)),
    }
}

/// A raw TCP client: sends bytes, reads exact byte counts, whole RESP
/// replies, or everything until the server closes. Every read has a
/// timeout; running out of time panics with what arrived so far.
pub struct Raw {
    stream: TcpStream,
    buf: Vec<u8>,
    timeout: Duration,
}

impl Raw {
    pub fn connect(port: u16) -> Raw {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("raw connect");
        stream.set_nodelay(true).unwrap();
        Raw { stream, buf: Vec::new(), timeout: READ_TIMEOUT }
    }

    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("raw send");
    }

    /// Sends one command as a RESP array.
    pub fn send_cmd(&mut self, args: &[&str]) {
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        self.send(&resp(&args));
    }

    /// Sends a command and returns its complete reply.
    pub fn call(&mut self, args: &[&str]) -> Vec<u8> {
        self.send_cmd(args);
        self.read_reply()
    }

    /// [`Raw::call`] as text (lossy UTF-8), for readable assertions.
    pub fn call_text(&mut self, args: &[&str]) -> String {
        self.send_cmd(args);
        self.read_reply_text()
    }

    /// [`Raw::read_reply`] as text (lossy UTF-8): the reply's exact bytes,
    /// e.g. `"$1\r\nv\r\n"`, or a MONITOR line `"+1339518083.107412 [0 ...] ...\r\n"`.
    pub fn read_reply_text(&mut self) -> String {
        String::from_utf8_lossy(&self.read_reply()).into_owned()
    }

    /// Sends a command whose reply must be a bulk string; returns its body
    /// as text. Panics on any other reply (a null bulk included).
    pub fn call_bulk(&mut self, args: &[&str]) -> String {
        let reply = self.call_text(args);
        match reply.strip_prefix('$').and_then(|r| r.split_once("\r\n")) {
            Some((len, body)) if !len.starts_with('-') => body.strip_suffix("\r\n").unwrap_or(body).to_string(),
            _ => panic!("{:?}: not a bulk string: {}", args, reply.escape_debug()),
        }
    }

    /// Sends a command whose reply must be an integer; returns it. Panics
    /// on any other reply.
    pub fn call_int(&mut self, args: &[&str]) -> i64 {
        let reply = self.call(args);
        std::str::from_utf8(&reply)
            .ok()
            .and_then(|r| r.strip_prefix(':'))
            .and_then(|r| r.trim_end().parse().ok())
            .unwrap_or_else(|| panic!("{:?}: not an integer: {}", args, esc(&reply)))
    }

    /// Asserts that the server closes the connection (within the timeout)
    /// without sending anything more.
    pub fn expect_closed(&mut self) {
        let rest = self.read_to_eof();
        assert!(rest.is_empty(), "bytes before the server closed the connection: {}", esc(&rest));
    }

    /// Closes our sending side (the server sees EOF after what was sent).
    pub fn shutdown_write(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Write);
    }

    /// Reads more bytes into the buffer; false on EOF (or a reset).
    fn fill(&mut self, deadline: Instant, what: &str) -> bool {
        let now = Instant::now();
        if now >= deadline {
            panic!("timed out waiting for {}; got so far: {}", what, esc(&self.buf));
        }
        self.stream.set_read_timeout(Some(deadline - now)).unwrap();
        let mut chunk = vec![0u8; 256 * 1024];
        match self.stream.read(&mut chunk) {
            Ok(0) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("timed out waiting for {}; got so far: {}", what, esc(&self.buf))
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => true,
            Err(e) if matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted) => false,
            Err(e) => panic!("read error waiting for {}: {}", what, e),
        }
    }

    /// Reads exactly `n` bytes.
    pub fn read_exact_n(&mut self, n: usize) -> Vec<u8> {
        let deadline = Instant::now() + self.timeout;
        while self.buf.len() < n {
            if !self.fill(deadline, &format!("{} bytes", n)) {
                panic!("EOF after {} of {} bytes: {}", self.buf.len(), n, esc(&self.buf));
            }
        }
        self.buf.drain(..n).collect()
    }

    /// Reads one complete RESP2/RESP3 reply and returns its bytes.
    pub fn read_reply(&mut self) -> Vec<u8> {
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(n) = reply_len(&self.buf) {
                return self.buf.drain(..n).collect();
            }
            if !self.fill(deadline, "a complete reply") {
                panic!("EOF before a complete reply; got: {}", esc(&self.buf));
            }
        }
    }

    /// Reads until the server closes the connection; returns everything
    /// that arrived (including anything already buffered).
    pub fn read_to_eof(&mut self) -> Vec<u8> {
        let deadline = Instant::now() + self.timeout;
        while self.fill(deadline, "the server to close the connection") {}
        std::mem::take(&mut self.buf)
    }

    /// Reads for at most `wait`, stopping early at EOF; returns what
    /// arrived and whether the server closed the connection. Never panics
    /// on a timeout (for probing with garbage).
    pub fn read_for(&mut self, wait: Duration) -> (Vec<u8>, bool) {
        let deadline = Instant::now() + wait;
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let now = Instant::now();
            if now >= deadline {
                return (std::mem::take(&mut self.buf), false);
            }
            self.stream.set_read_timeout(Some(deadline - now)).unwrap();
            match self.stream.read(&mut chunk) {
                Ok(0) => return (std::mem::take(&mut self.buf), true),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return (std::mem::take(&mut self.buf), false),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return (std::mem::take(&mut self.buf), true),
            }
        }
    }

    /// Asserts that nothing arrives within `wait` and the connection is
    /// still open.
    pub fn expect_silence(&mut self, wait: Duration) {
        self.stream.set_read_timeout(Some(wait)).unwrap();
        let mut chunk = [0u8; 4096];
        match self.stream.read(&mut chunk) {
            Ok(0) => panic!("server closed the connection; buffered: {}", esc(&self.buf)),
            Ok(n) => panic!("unexpected bytes: {}", esc(&chunk[..n])),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => panic!("read error: {}", e),
        }
    }
}

/// The length of the complete RESP reply at the start of `b`, or None if
/// more bytes are needed.
pub fn reply_len(b: &[u8]) -> Option<usize> {
    let line_end = b.windows(2).position(|w| w == b"\r\n")?;
    let head = &b[1..line_end];
    let after = line_end + 2;
    let count = || -> i64 {
        std::str::from_utf8(head)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad length in reply header: {}", esc(&b[..line_end])))
    };
    match b[0] {
        b'+' | b'-' | b':' | b'_' | b',' | b'#' | b'(' => Some(after),
        b'$' | b'=' | b'!' => {
            let n = count();
            if n < 0 {
                return Some(after);
            }
            let total = after + n as usize + 2;
            (b.len() >= total).then_some(total)
        }
        b'*' | b'~' | b'>' | b'%' | b'|' => {
            let n = count();
            if n < 0 {
                return Some(after);
            }
            let items = if matches!(b[0], b'%' | b'|') { 2 * n } else { n };
            let mut pos = after;
            for _ in 0..items {
                pos += reply_len(&b[pos..])?;
            }
            if b[0] == b'|' {
                // An attribute precedes the reply it annotates.
                pos += reply_len(&b[pos..])?;
            }
            Some(pos)
        }
        other => panic!("not a RESP reply (type byte {:?}): {}", other as char, esc(&b[..line_end.min(80)])),
    }
}

/// Debian's redis-server (7.0.15), the oracle of the differential tests,
/// on a free port with `--save "" --appendonly no --enable-debug-command
/// yes`; killed on drop. A missing redis-server fails the test (see
/// scripts/install-deps.sh).
pub struct RealRedis {
    child: Child,
    pub port: u16,
    _dir: Option<TempDir>,
}

impl RealRedis {
    /// In a private temp directory.
    pub fn start() -> RealRedis {
        RealRedis::start_with(&[])
    }

    /// In a private temp directory, with more `--directive value` arguments.
    pub fn start_with(extra: &[&str]) -> RealRedis {
        let dir = TempDir::new("oracle");
        let mut r = RealRedis::start_in(dir.path(), extra);
        r._dir = Some(dir);
        r
    }

    /// In `dir` (which outlives it), so tests can hand dump files back and forth.
    pub fn start_in(dir: &Path, extra: &[&str]) -> RealRedis {
        for _ in 0..5 {
            let port = free_port();
            let log = std::fs::File::create(dir.join(format!("redis-{}.log", port))).expect("create redis-server log");
            let mut child = Command::new("redis-server")
                .args(["--port", &port.to_string(), "--save", "", "--appendonly", "no", "--enable-debug-command", "yes", "--dir"])
                .arg(dir)
                .args(extra)
                .stdin(Stdio::null())
                .stdout(log.try_clone().unwrap())
                .stderr(log)
                .spawn()
                .expect("redis-server must be installed (scripts/install-deps.sh)");
            let deadline = Instant::now() + START_TIMEOUT;
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                if ping(port) {
                    return RealRedis { child, port, _dir: None };
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("redis-server did not start");
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn raw(&self) -> Raw {
        Raw::connect(self.port)
    }
}

impl Drop for RealRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Commands Redis 7.0.15 does not have (Redis 7.2 additions ferrodis
/// implements): the COMMAND DOCS / COMMAND INFO comparisons have nothing
/// to compare them with, and leave them out of their parent's subcommands.
#[allow(dead_code)]
pub const NEWER_THAN_7_0: &[&str] = &["client|no-touch", "client|setinfo"];

/// A connection speaking RESP `resp` (2, or 3 after HELLO 3).
#[allow(dead_code)]
pub fn connect_resp(port: u16, resp: u8) -> Raw {
    let mut raw = Raw::connect(port);
    if resp == 3 {
        raw.call(&["HELLO", "3"]);
    }
    raw
}

/// COMMAND LIST of the server on `port`, sorted.
#[allow(dead_code)]
pub fn command_list(port: u16) -> Vec<String> {
    let mut names: Vec<String> = match parse(&Raw::connect(port).call(&["COMMAND", "LIST"]), &mut 0) {
        V::Array(names) => names.into_iter().map(|n| if let V::Bulk(n) = n { n } else { panic!("{:?}", n) }).collect(),
        other => panic!("COMMAND LIST: {:?}", other),
    };
    names.sort();
    names
}

/// Asks both servers, in RESP2 and in RESP3, about every name in `names`
/// with `entry` (None: the server does not know the name) and asserts the
/// entries are equal once `normalize`d; names newer than 7.0 must be
/// ferrodis's alone. Returns how many entries were compared.
#[allow(dead_code)]
pub fn compare_every_command(
    ours: u16,
    redis: u16,
    names: &[String],
    entry: impl Fn(&mut Raw, &str) -> Option<V>,
    normalize: impl Fn(&mut V),
) -> usize {
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for resp in [2, 3] {
        let (mut a, mut b) = (connect_resp(ours, resp), connect_resp(redis, resp));
        for name in names {
            let mut mine = entry(&mut a, name).unwrap_or_else(|| panic!("ferrodis knows nothing of {}", name));
            match entry(&mut b, name) {
                None => assert!(NEWER_THAN_7_0.contains(&name.as_str()), "redis-server has no {}", name),
                Some(mut theirs) => {
                    assert!(!NEWER_THAN_7_0.contains(&name.as_str()), "redis-server has {} after all", name);
                    normalize(&mut mine);
                    normalize(&mut theirs);
                    compared += 1;
                    if mine != theirs {
                        mismatches.push(format!("RESP{} {}:\n  ours:  {:?}\n  redis: {:?}", resp, name, mine, theirs));
                    }
                }
            }
        }
    }
    assert!(mismatches.is_empty(), "{} of {} entries differ:\n{}", mismatches.len(), compared, mismatches.join("\n"));
    compared
}
