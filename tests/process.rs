//! Tests for the drop-in process behaviour: signals and exit codes, fatal
//! configuration errors, bind failures, connection limits and gates
//! (maxclients, requirepass, timeout, query buffer limit), unix sockets.

mod common;

use common::{free_port, Raw, Server, TempDir};
use std::io::{Read, Write};
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ferrodis-server");

/// Reads until the server closes the connection (or the timeout passes).
fn closed_within(s: &mut std::net::TcpStream, limit: Duration) -> bool {
    s.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 1024];
    let start = Instant::now();
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(_) => return start.elapsed() < limit,
        }
    }
}

#[test]
fn sigterm_logs_and_exits_zero() {
    let mut srv = Server::start();
    let status = srv.terminate();
    assert!(status.success(), "exit status {:?}", status);
    let log = srv.output();
    for line in [
        "Server initialized",
        "Ready to accept connections",
        "Received SIGTERM scheduling shutdown...",
        "Redis is now ready to exit, bye bye...",
    ] {
        assert!(log.contains(line), "missing {:?} in log:\n{}", line, log);
    }
}

#[test]
fn fatal_config_error_names_the_line_and_exits_one() {
    let out = Command::new(BIN).args(["--port", "0", "--maxclients", "abc"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    // The exact block redis-server 7.0.15 prints for the same arguments.
    assert!(
        text.contains("*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'maxclients \"abc\"'\nargument couldn't be parsed into an integer"),
        "{}",
        text
    );
}

#[test]
fn bind_failure_aborts_with_redis_message() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let dir = TempDir::new("bindfail");
    let out = Command::new(BIN).args(["--port", &port, "--bind", "127.0.0.1", "--save", "", "--dir"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("Failed listening on port {} (TCP), aborting.", port)), "{}", text);
}

#[test]
fn maxclients_refuses_extra_connections() {
    let srv = Server::start_with(&["--maxclients", "2"]);
    let mut a = Raw::connect(srv.port());
    let mut b = Raw::connect(srv.port());
    assert_eq!(a.call(&["PING"]), b"+PONG\r\n");
    assert_eq!(b.call(&["PING"]), b"+PONG\r\n");
    let mut c = std::net::TcpStream::connect(("127.0.0.1", srv.port())).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut got = Vec::new();
    let _ = c.read_to_end(&mut got);
    assert_eq!(got, b"-ERR max number of clients reached\r\n");
    drop(a);
    // A slot frees up once a client leaves.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut d = Raw::connect(srv.port());
        d.set_timeout(Duration::from_secs(2));
        if d.call(&["PING"]) == b"+PONG\r\n" {
            break;
        }
        assert!(Instant::now() < deadline, "no slot freed");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn requirepass_gates_commands_until_auth() {
    let srv = Server::start();
    let mut admin = Raw::connect(srv.port());
    assert_eq!(admin.call(&["CONFIG", "SET", "requirepass", "s3cret"]), b"+OK\r\n");
    let mut c = Raw::connect(srv.port());
    assert_eq!(c.call(&["GET", "k"]), b"-NOAUTH Authentication required.\r\n");
    assert_eq!(c.call(&["AUTH", "wrong"]), b"-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    assert_eq!(c.call(&["AUTH", "s3cret"]), b"+OK\r\n");
    assert_eq!(c.call(&["GET", "k"]), b"$-1\r\n");
    // HELLO can authenticate and switch protocol at once.
    let mut h = Raw::connect(srv.port());
    let reply = h.call(&["HELLO", "3", "AUTH", "default", "s3cret"]);
    assert!(reply.starts_with(b"%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n"), "{}", common::esc(&reply));
}

#[test]
fn idle_clients_are_closed_after_timeout() {
    let srv = Server::start_with(&["--timeout", "1"]);
    let mut s = std::net::TcpStream::connect(("127.0.0.1", srv.port())).unwrap();
    s.write_all(b"PING\r\n").unwrap();
    let mut buf = [0u8; 7];
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"+PONG\r\n");
    let start = Instant::now();
    assert!(closed_within(&mut s, Duration::from_secs(6)), "idle client not closed");
    assert!(start.elapsed() >= Duration::from_millis(900), "closed too early: {:?}", start.elapsed());
}

#[test]
fn query_buffer_limit_closes_the_client_only() {
    let srv = Server::start_with(&["--client-query-buffer-limit", "1mb"]);
    let mut s = std::net::TcpStream::connect(("127.0.0.1", srv.port())).unwrap();
    // A 3 MB argument announced and sent without its end: over the limit.
    s.write_all(b"*2\r\n$4\r\nECHO\r\n$3000000\r\n").unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..24 {
        if s.write_all(&chunk).is_err() {
            break;
        }
    }
    assert!(closed_within(&mut s, Duration::from_secs(5)), "client over the query buffer limit not closed");
    let mut other = Raw::connect(srv.port());
    assert_eq!(other.call(&["PING"]), b"+PONG\r\n");
}

#[test]
fn unix_socket_serves_commands() {
    let dir = TempDir::new("unixsock");
    let path = dir.path().join("ferrodis.sock");
    let srv = Server::start_with(&["--unixsocket", path.to_str().unwrap(), "--unixsocketperm", "700"]);
    let mut u = std::os::unix::net::UnixStream::connect(&path).unwrap();
    u.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    u.write_all(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n").unwrap();
    let mut buf = [0u8; 12];
    u.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"+OK\r\n$1\r\nv\r\n");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
    let _ = free_port();
    drop(srv);
}

#[test]
fn rename_command_renames_and_disables() {
    let srv = Server::start_with(&["--rename-command", "get", "fetch", "--rename-command", "flushall", ""]);
    let mut c = Raw::connect(srv.port());
    assert_eq!(c.call(&["SET", "a", "1"]), b"+OK\r\n");
    assert_eq!(c.call(&["FETCH", "a"]), b"$1\r\n1\r\n");
    // Bytes from redis-server 7.0.15 started with the same options.
    assert_eq!(c.call(&["GET", "a"]), b"-ERR unknown command 'GET', with args beginning with: 'a' \r\n");
    assert_eq!(c.call(&["FLUSHALL"]), b"-ERR unknown command 'FLUSHALL', with args beginning with: \r\n");
}
