//! Tests for the server and client introspection commands over real
//! connections: CLIENT LIST/KILL between connections, CLIENT PAUSE,
//! MONITOR output and INFO sections.

mod common;

use common::Server;
use std::time::{Duration, Instant};

/// The server under test: DEBUG SLEEP needs the DEBUG command.
fn start() -> Server {
    Server::start_with(&["--enable-debug-command", "yes"])
}

/// Value of `field=` in a CLIENT LIST line.
fn field<'a>(line: &'a str, name: &str) -> &'a str {
    line.split(' ')
        .find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
        .unwrap_or_else(|| panic!("no {} in {}", name, line))
}

#[test]
fn client_list_and_kill_between_connections() {
    let srv = start();
    let mut a = srv.raw();
    let mut b = srv.raw();
    let a_id = a.call_int(&["CLIENT", "ID"]);
    let b_id = b.call_int(&["CLIENT", "ID"]);
    assert!(b_id > a_id);
    assert_eq!(a.call_text(&["CLIENT", "SETNAME", "alpha"]), "+OK\r\n");

    let list = b.call_bulk(&["CLIENT", "LIST"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{}", list);
    assert!(list.ends_with('\n'));
    // In id order; Redis 7.0's field order.
    let names: Vec<&str> = lines[0].split(' ').map(|kv| kv.split('=').next().unwrap()).collect();
    assert_eq!(
        names,
        [
            "id",
            "addr",
            "laddr",
            "fd",
            "name",
            "age",
            "idle",
            "flags",
            "db",
            "sub",
            "psub",
            "ssub",
            "multi",
            "qbuf",
            "qbuf-free",
            "argv-mem",
            "multi-mem",
            "rbs",
            "rbp",
            "obl",
            "oll",
            "omem",
            "tot-mem",
            "events",
            "cmd",
            "user",
            "redir",
            "resp"
        ]
    );
    assert_eq!(field(lines[0], "id"), a_id.to_string());
    assert_eq!(field(lines[0], "name"), "alpha");
    assert_eq!(field(lines[0], "cmd"), "client|setname");
    assert_eq!(field(lines[1], "id"), b_id.to_string());
    assert_eq!(field(lines[1], "cmd"), "client|list");
    assert_eq!(field(lines[1], "laddr"), format!("127.0.0.1:{}", srv.port()));
    assert_eq!(field(lines[1], "flags"), "N");

    let info = b.call_bulk(&["CLIENT", "INFO"]);
    assert_eq!(field(&info, "id"), b_id.to_string());
    assert_eq!(field(&info, "cmd"), "client|info");
    let only_a = b.call_bulk(&["CLIENT", "LIST", "ID", &a_id.to_string()]);
    assert_eq!(only_a.lines().count(), 1);
    assert!(only_a.starts_with(&format!("id={} ", a_id)));

    // Filter form: kill A by id; B is skipped by default.
    assert_eq!(b.call_int(&["CLIENT", "KILL", "ID", &a_id.to_string()]), 1);
    a.expect_closed();
    assert_eq!(b.call_bulk(&["CLIENT", "LIST"]).lines().count(), 1);

    // Old form by address, on another connection.
    let mut c = srv.raw();
    let c_addr = field(&c.call_bulk(&["CLIENT", "INFO"]), "addr").to_string();
    assert_eq!(b.call_text(&["CLIENT", "KILL", &c_addr]), "+OK\r\n");
    c.expect_closed();
    assert_eq!(b.call_text(&["CLIENT", "KILL", &c_addr]), "-ERR No such client\r\n");

    // Killing itself: the reply arrives, then the connection closes.
    assert_eq!(b.call_int(&["CLIENT", "KILL", "ID", &b_id.to_string(), "SKIPME", "no"]), 1);
    b.expect_closed();
}

#[test]
fn client_pause_postpones_writes() {
    let srv = start();
    let mut a = srv.raw();
    let mut b = srv.raw();
    assert_eq!(a.call_text(&["CLIENT", "PAUSE", "400", "WRITE"]), "+OK\r\n");
    // Reads go on during a WRITE pause.
    let t = Instant::now();
    assert_eq!(b.call_text(&["GET", "k"]), "$-1\r\n");
    assert!(t.elapsed() < Duration::from_millis(300));
    // A write waits until the pause ends.
    let t = Instant::now();
    assert_eq!(b.call_text(&["SET", "k", "v"]), "+OK\r\n");
    assert!(t.elapsed() >= Duration::from_millis(250), "{:?}", t.elapsed());

    // CLIENT UNPAUSE releases waiting clients at once.
    assert_eq!(a.call_text(&["CLIENT", "PAUSE", "100000", "WRITE"]), "+OK\r\n");
    b.send_cmd(&["SET", "k", "w"]);
    std::thread::sleep(Duration::from_millis(100));
    let t = Instant::now();
    assert_eq!(a.call_text(&["CLIENT", "UNPAUSE"]), "+OK\r\n");
    assert_eq!(b.read_reply_text(), "+OK\r\n");
    assert!(t.elapsed() < Duration::from_secs(2));
    assert_eq!(b.call_text(&["GET", "k"]), "$1\r\nw\r\n");
}

#[test]
fn monitor_sees_other_clients_commands() {
    let srv = start();
    let mut m = srv.raw();
    let mut b = srv.raw();
    let b_addr = field(&b.call_bulk(&["CLIENT", "INFO"]), "addr").to_string();
    assert_eq!(m.call_text(&["MONITOR"]), "+OK\r\n");
    assert_eq!(b.call_text(&["SET", "foo", "bar baz"]), "+OK\r\n");
    assert_eq!(b.call_text(&["SELECT", "2"]), "+OK\r\n");
    assert_eq!(b.call_text(&["get", "x\"y"]), "$-1\r\n");
    let l1 = m.read_reply_text();
    let l2 = m.read_reply_text();
    let l3 = m.read_reply_text();
    // +1339518083.107412 [0 127.0.0.1:60866] "SET" "foo" "bar baz"
    let (ts, rest) = l1[1..].split_once(' ').unwrap();
    assert!(l1.starts_with('+') && ts.len() == 17 && ts.as_bytes()[10] == b'.', "{}", l1);
    assert_eq!(rest, format!("[0 {}] \"SET\" \"foo\" \"bar baz\"\r\n", b_addr));
    // Redis 7 feeds monitors after the command ran: SELECT shows the new db.
    assert!(l2.ends_with(&format!("[2 {}] \"SELECT\" \"2\"\r\n", b_addr)), "{}", l2);
    assert!(l3.ends_with(&format!("[2 {}] \"get\" \"x\\\"y\"\r\n", b_addr)), "{}", l3);
    let list = b.call_bulk(&["CLIENT", "LIST"]);
    assert_eq!(field(list.lines().next().unwrap(), "flags"), "O");
}

#[test]
fn info_sections() {
    let srv = start();
    let mut a = srv.raw();
    let _b = srv.raw();
    let headers = |t: &str| t.lines().filter(|l| l.starts_with('#')).map(str::to_string).collect::<Vec<_>>();
    let default = a.call_bulk(&["INFO"]);
    assert_eq!(
        headers(&default),
        [
            "# Server",
            "# Clients",
            "# Memory",
            "# Persistence",
            "# Stats",
            "# Replication",
            "# CPU",
            "# Modules",
            "# Errorstats",
            "# Cluster",
            "# Keyspace"
        ]
    );
    assert!(default.contains("\r\nredis_version:7.0.15\r\nserver_name:ferrodis\r\nferrodis_version:"));
    assert!(default.contains(&format!("\r\ntcp_port:{}\r\n", srv.port())));
    assert!(default.contains("\r\nconnected_clients:2\r\n"), "{}", default);
    assert_eq!(headers(&a.call_bulk(&["INFO", "everything"])).len(), 13);

    a.call_text(&["SET", "k", "1"]);
    a.call_text(&["NOSUCHCMD"]);
    let stats = a.call_bulk(&["INFO", "commandstats", "errorstats", "keyspace"]);
    assert!(stats.starts_with("# Commandstats\r\n"), "{}", stats);
    assert!(stats.contains("\r\ncmdstat_set:calls=1,usec="), "{}", stats);
    assert!(stats.contains("\r\ncmdstat_info:calls="), "{}", stats);
    assert!(stats.contains("\r\n# Errorstats\r\nerrorstat_ERR:count=1\r\n"), "{}", stats);
    assert!(stats.ends_with("# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n"), "{}", stats);
    let mem = a.call_bulk(&["INFO", "memory"]);
    let used: u64 = mem.lines().find_map(|l| l.strip_prefix("used_memory:")).unwrap().parse().unwrap();
    assert!(used > 0);
}

#[test]
fn debug_error_replies_the_line_as_protocol_without_counting_it() {
    let srv = Server::start_with(&["--enable-debug-command", "yes"]);
    let mut a = srv.raw();
    assert_eq!(a.call(&["DEBUG", "ERROR", "FOO bar\r\nbaz"]), b"-FOO bar  baz\r\n");
    let stats = a.call_bulk(&["INFO", "errorstats", "stats"]);
    assert!(!stats.contains("errorstat_"), "{}", stats);
    assert!(stats.contains("\r\ntotal_error_replies:0\r\n"), "{}", stats);
}

#[test]
fn slowlog_records_slow_commands() {
    let srv = start();
    let mut a = srv.raw();
    let a_addr = field(&a.call_bulk(&["CLIENT", "INFO"]), "addr").to_string();
    assert_eq!(a.call_text(&["CLIENT", "SETNAME", "slowpoke"]), "+OK\r\n");
    assert_eq!(a.call_text(&["SLOWLOG", "RESET"]), "+OK\r\n");
    // Above the default slowlog-log-slower-than of 10 ms.
    assert_eq!(a.call_text(&["DEBUG", "SLEEP", "0.02"]), "+OK\r\n");
    assert_eq!(a.call_int(&["SLOWLOG", "LEN"]), 1);
    let entry = a.call_text(&["SLOWLOG", "GET"]);
    assert!(entry.starts_with("*1\r\n*6\r\n:"), "{}", entry);
    let tail = format!("*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$4\r\n0.02\r\n${}\r\n{}\r\n$8\r\nslowpoke\r\n", a_addr.len(), a_addr);
    assert!(entry.ends_with(&tail), "{}", entry);
    let dur: i64 = entry.split("\r\n").nth(4).unwrap()[1..].parse().unwrap();
    assert!(dur >= 20_000, "{}", entry);
}

/// CONFIG SET port moves the listener at run time: the new port answers,
/// INFO follows, connected clients stay, and a port that is taken fails
/// with Redis's error and leaves the old listener serving.
#[test]
fn config_set_port_moves_the_listener() {
    let srv = start();
    let mut a = srv.raw();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken_port = taken.local_addr().unwrap().port().to_string();
    assert_eq!(
        a.call_text(&["CONFIG", "SET", "port", &taken_port]),
        "-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.\r\n"
    );
    let port = srv.port().to_string();
    assert_eq!(a.call_text(&["CONFIG", "GET", "port"]), format!("*2\r\n$4\r\nport\r\n${}\r\n{}\r\n", port.len(), port));
    assert_eq!(srv.raw().call_text(&["PING"]), "+PONG\r\n");

    let new_port = common::free_port();
    assert_eq!(a.call_text(&["CONFIG", "SET", "port", &new_port.to_string()]), "+OK\r\n");
    let mut b = common::Raw::connect(new_port);
    assert_eq!(b.call_text(&["PING"]), "+PONG\r\n");
    assert!(b.call_bulk(&["INFO", "server"]).contains(&format!("\r\ntcp_port:{}\r\n", new_port)));
    assert_eq!(a.call_text(&["PING"]), "+PONG\r\n", "a client of the old listener keeps its connection");
    assert!(std::net::TcpStream::connect(("127.0.0.1", srv.port())).is_err(), "the old port is closed");
}
