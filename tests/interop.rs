//! Tests for interoperability with the real Redis tools: `redis-cli`
//! (commands and `--pipe` mass insertion) and `redis-benchmark`. The
//! tools must be installed (scripts/install-deps.sh); a missing tool fails
//! the test rather than skipping it.

mod common;

use common::{run_tool, Server};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn assert_ok(o: &std::process::Output, what: &str) {
    assert!(o.status.success(), "{} failed ({}):\nstdout: {}\nstderr: {}", what, o.status, stdout(o), String::from_utf8_lossy(&o.stderr));
}

#[test]
fn redis_cli_set_and_get() {
    let srv = Server::start();
    let o = srv.cli(&["set", "k", "v"]);
    assert_ok(&o, "redis-cli set");
    assert_eq!(stdout(&o), "OK\n");
    let o = srv.cli(&["get", "k"]);
    assert_ok(&o, "redis-cli get");
    assert_eq!(stdout(&o), "v\n");
    let o = srv.cli(&["get", "missing"]);
    assert_eq!(stdout(&o), "\n");
    let o = srv.cli(&["incr", "n"]);
    assert_eq!(stdout(&o), "1\n");
    let o = srv.cli(&["ping"]);
    assert_eq!(stdout(&o), "PONG\n");
    // Errors print as "ERR ...", then an empty line (as with the real server;
    // redis-cli adds "(error) " only on a tty).
    let o = srv.cli(&["get"]);
    assert_eq!(stdout(&o), "ERR wrong number of arguments for 'get' command\n\n");
}

#[test]
fn redis_cli_reads_commands_from_stdin() {
    let srv = Server::start();
    let o = srv.cli_with_stdin(&[], b"set a 1\nincrby a 41\nget a\nmget a nope\n");
    assert_ok(&o, "redis-cli with commands on stdin");
    assert_eq!(stdout(&o), "OK\n42\n42\n42\n\n");
}

#[test]
fn redis_cli_pipe_mass_insertion() {
    let srv = Server::start();
    let n = 100_000;
    let mut input = Vec::with_capacity(n * 48);
    for i in 0..n {
        let k = format!("key:{}", i);
        let v = format!("value:{}", i);
        input.extend_from_slice(format!("*3\r\n$3\r\nSET\r\n${}\r\n{}\r\n${}\r\n{}\r\n", k.len(), k, v.len(), v).as_bytes());
    }
    let o = srv.cli_with_stdin(&["--pipe"], &input);
    assert_ok(&o, "redis-cli --pipe");
    let out = stdout(&o);
    assert!(out.contains(&format!("errors: 0, replies: {}", n)), "redis-cli --pipe said:\n{}", out);
    assert_eq!(stdout(&srv.cli(&["dbsize"])), format!("{}\n", n));
    assert_eq!(stdout(&srv.cli(&["get", "key:99999"])), "value:99999\n");
}

#[test]
fn redis_benchmark_full_default_test_list_runs_clean() {
    // No -t: every test redis-benchmark runs by default, then the server's
    // own error counters must still be zero.
    let srv = Server::start();
    let port = srv.port().to_string();
    let o = run_tool("redis-benchmark", &["-p", &port, "-n", "5000", "-q"], &[]);
    assert_ok(&o, "redis-benchmark");
    let out = stdout(&o) + &String::from_utf8_lossy(&o.stderr);
    assert!(!out.to_lowercase().contains("error"), "redis-benchmark reported errors:\n{}", out);
    for test in [
        "PING_INLINE",
        "PING_MBULK",
        "SET",
        "GET",
        "INCR",
        "LPUSH",
        "RPUSH",
        "LPOP",
        "RPOP",
        "SADD",
        "HSET",
        "SPOP",
        "ZADD",
        "ZPOPMIN",
        "LRANGE_100",
        "LRANGE_300",
        "LRANGE_500",
        "LRANGE_600",
        "MSET",
    ] {
        assert!(out.contains(&format!("{}:", test)) || out.contains(&format!("{} (", test)), "no {} result in:\n{}", test, out);
    }
    let info = stdout(&srv.cli(&["info", "stats"]));
    assert!(info.contains("total_error_replies:0"), "{}", info);
}

#[test]
fn redis_benchmark_default_run_with_config_get() {
    // Without -t, redis-benchmark first asks CONFIG GET save/appendonly.
    let srv = Server::start();
    let port = srv.port().to_string();
    let o = run_tool("redis-benchmark", &["-p", &port, "-t", "set", "-n", "2000", "-q"], &[]);
    assert_ok(&o, "redis-benchmark");
    let o = srv.cli(&["config", "get", "save"]);
    assert_eq!(stdout(&o), "save\n\n");
}

#[test]
fn redis_cli_keyspace_commands() {
    let srv = Server::start();
    assert_eq!(stdout(&srv.cli(&["mset", "a", "1", "b", "2"])), "OK\n");
    assert_eq!(stdout(&srv.cli(&["exists", "a", "b", "c"])), "2\n");
    assert_eq!(stdout(&srv.cli(&["del", "a", "c"])), "1\n");
    assert_eq!(stdout(&srv.cli(&["flushall"])), "OK\n");
    assert_eq!(stdout(&srv.cli(&["dbsize"])), "0\n");
}
