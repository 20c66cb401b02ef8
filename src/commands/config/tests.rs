//! Tests for CONFIG GET/SET/RESETSTAT/REWRITE/HELP through the real
//! dispatcher. Expected bytes come from Debian's redis-server 7.0.15
//! (scripts/oracle.py).

use crate::commands::testing::TestServer;

#[test]
fn get_single_names_aliases_and_hidden() {
    let mut t = TestServer::new();
    t.check(&[
        ("CONFIG GET maxmemory", "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n"),
        ("CONFIG GET hash-max-ziplist-entries", "*2\r\n$24\r\nhash-max-ziplist-entries\r\n$3\r\n512\r\n"),
        ("CONFIG GET nosuch", "*0\r\n"),
        ("CONFIG GET bind", "*2\r\n$4\r\nbind\r\n$6\r\n* -::*\r\n"),
        (
            "CONFIG GET client-output-buffer-limit",
            "*2\r\n$26\r\nclient-output-buffer-limit\r\n$67\r\nnormal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60\r\n",
        ),
        ("CONFIG GET PORT", "*2\r\n$4\r\nPORT\r\n$4\r\n6379\r\n"),
        ("CONFIG GET port PORT", "*2\r\n$4\r\nport\r\n$4\r\n6379\r\n"),
        ("CONFIG GET rdb-key-save-delay rdb-key*", "*2\r\n$18\r\nrdb-key-save-delay\r\n$1\r\n0\r\n"),
        ("CONFIG GET maxmemory-c*", "*2\r\n$17\r\nmaxmemory-clients\r\n$1\r\n0\r\n"),
    ]);
}

/// Parses a flat RESP2 array of bulk strings into (name, value) pairs.
fn pairs(reply: &str) -> Vec<(String, String)> {
    let mut lines = reply.split("\r\n");
    let n: usize = lines.next().unwrap()[1..].parse().unwrap();
    let mut items = Vec::new();
    for _ in 0..n {
        lines.next();
        items.push(lines.next().unwrap().to_string());
    }
    let mut out: Vec<(String, String)> = items.chunks(2).map(|c| (c[0].clone(), c[1].clone())).collect();
    out.sort();
    out
}

#[test]
fn get_patterns_list_each_name_once() {
    let mut t = TestServer::new();
    // Redis lists these in its dict order; compare as sets.
    let got = pairs(&t.text(&["CONFIG", "GET", "*port", "port"]));
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "cluster-announce-bus-port",
            "cluster-announce-port",
            "cluster-announce-tls-port",
            "cluster-port",
            "port",
            "replica-announce-port",
            "slave-announce-port",
            "tls-port"
        ]
    );
    let all = pairs(&t.text(&["CONFIG", "GET", "*"]));
    assert_eq!(all.len(), 192, "the real server lists 192 parameters for '*'");
    let got = pairs(&t.text(&["CONFIG", "GET", "*max-*-entries*"]));
    assert_eq!(got.len(), 5);
}

#[test]
fn set_then_get() {
    let mut t = TestServer::new();
    t.check(&[
        ("CONFIG SET hz 20 timeout 30", "+OK\r\n"),
        ("CONFIG GET hz", "*2\r\n$2\r\nhz\r\n$2\r\n20\r\n"),
        ("CONFIG SET notify-keyspace-events KEA", "+OK\r\n"),
        ("CONFIG GET notify-keyspace-events", "*2\r\n$22\r\nnotify-keyspace-events\r\n$3\r\nAKE\r\n"),
        ("CONFIG SET save \"10 1 20 2\"", "+OK\r\n"),
        ("CONFIG GET save", "*2\r\n$4\r\nsave\r\n$9\r\n10 1 20 2\r\n"),
        ("CONFIG SET shutdown-on-sigterm \"now save\"", "+OK\r\n"),
        ("CONFIG GET shutdown-on-sigterm", "*2\r\n$19\r\nshutdown-on-sigterm\r\n$8\r\nsave now\r\n"),
        ("CONFIG SET list-max-ziplist-size 5", "+OK\r\n"),
        ("CONFIG GET list-max-listpack-size", "*2\r\n$22\r\nlist-max-listpack-size\r\n$1\r\n5\r\n"),
    ]);
    assert_eq!(t.srv.hz, 20);
    assert_eq!(t.srv.config.timeout, 30);
    assert_eq!(t.srv.config.list_max_listpack_size, 5);
    assert_eq!(t.srv.notify_flags, crate::config::keyspace_events_from_str("KEA").unwrap());
}

#[test]
fn set_errors() {
    let mut t = TestServer::new();
    t.check(&[
        ("CONFIG SET foo bar", "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n"),
        ("CONFIG SET port 1 port 2", "-ERR CONFIG SET failed (possibly related to argument 'port') - duplicate parameter\r\n"),
        ("CONFIG SET maxmemory-clients 101%", "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100\r\n"),
        ("CONFIG SET unixsocketperm 700", "-ERR CONFIG SET failed (possibly related to argument 'unixsocketperm') - can't set immutable config\r\n"),
        ("CONFIG SET daemonize yes", "-ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config\r\n"),
        ("CONFIG SET dir /tmp", "-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config\r\n"),
        ("CONFIG SET dbfilename a/b", "-ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config\r\n"),
        ("CONFIG SET appendonly maybe", "-ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'\r\n"),
        ("CONFIG SET loglevel foo", "-ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning\r\n"),
        ("CONFIG SET SLAVE-read-only maybe", "-ERR CONFIG SET failed (possibly related to argument 'slave-read-only') - argument must be 'yes' or 'no'\r\n"),
        ("CONFIG SET proto-max-bulk-len 1k", "-ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be between 1048576 and 9223372036854775807 inclusive\r\n"),
        ("CONFIG SET maxmemory -1", "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value\r\n"),
        ("CONFIG SET maxclients 0", "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive\r\n"),
        ("CONFIG SET slowlog-max-len -1", "-ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument must be between 0 and 9223372036854775807 inclusive\r\n"),
        ("CONFIG SET hash-max-listpack-entries -1", "-ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-entries') - argument must be between 0 and 9223372036854775807 inclusive\r\n"),
        ("CONFIG SET shutdown-on-sigterm \"save nosave\"", "-ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigterm') - shutdown options SAVE and NOSAVE can't be used simultaneously\r\n"),
        ("CONFIG SET client-output-buffer-limit \"master 1 2 3\"", "-ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Invalid client class specified in buffer limit configuration.\r\n"),
        ("CONFIG SET latency-tracking-info-percentiles 101", "-ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - latency-tracking-info-percentiles parameters should sit between [0.0,100.0]\r\n"),
        ("CONFIG SET oom-score-adj-values \"1 2\"", "-ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - wrong number of arguments\r\n"),
        ("CONFIG SET x", "-ERR wrong number of arguments for 'config|set' command\r\n"),
        ("CONFIG SET hz 1 x", "-ERR syntax error\r\n"),
        ("CONFIG", "-ERR wrong number of arguments for 'config' command\r\n"),
        ("CONFIG FOO", "-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n"),
    ]);
}

#[test]
fn set_is_atomic() {
    let mut t = TestServer::new();
    t.check(&[
        ("CONFIG SET hz 20 timeout 30", "+OK\r\n"),
        (
            "CONFIG SET hz 5 timeout abc",
            "-ERR CONFIG SET failed (possibly related to argument 'timeout') - argument couldn't be parsed into an integer\r\n",
        ),
        ("CONFIG GET timeout", "*2\r\n$7\r\ntimeout\r\n$2\r\n30\r\n"),
        ("CONFIG GET hz", "*2\r\n$2\r\nhz\r\n$2\r\n20\r\n"),
    ]);
    assert_eq!(t.srv.hz, 20);
    // A failing runtime effect (a port someone else holds) rolls back what
    // was set before it.
    let taken = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let busy = taken.local_addr().unwrap().port().to_string();
    let r = t.text(&["CONFIG", "SET", "timeout", "7", "port", &busy]);
    assert!(r.starts_with("-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port."), "{}", r);
    assert_eq!(t.srv.config.timeout, 30);
    assert_eq!(t.srv.config.port, 6379);
    assert!(t.srv.replace_tcp_listeners.is_none());
    // A free port is bound by the command and handed to the reactor.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    t.check(&[("CONFIG SET bind 127.0.0.1", "+OK\r\n")]);
    t.check(&[(&*format!("CONFIG SET port {}", free), "+OK\r\n")]);
    assert_eq!(t.srv.replace_tcp_listeners.as_ref().map(|l| l.len()), Some(1));
    t.check(&[("CONFIG SET port 6379", "+OK\r\n")]);
}

#[test]
fn unbuilt_features_are_refused() {
    let mut t = TestServer::new();
    for (name, value) in [("appendonly", "yes"), ("maxmemory", "1mb"), ("min-replicas-to-write", "1"), ("activedefrag", "yes")] {
        let r = t.text(&["CONFIG", "SET", name, value]);
        assert!(r.starts_with(&format!("-ERR CONFIG SET failed (possibly related to argument '{}') - ", name)), "{}", r);
    }
    t.check(&[("CONFIG SET appendonly no maxmemory 0", "+OK\r\n")]);
}

#[test]
fn runtime_effects() {
    let mut t = TestServer::new();
    t.check(&[("CONFIG SET hz 1000", "+OK\r\n"), ("CONFIG GET hz", "*2\r\n$2\r\nhz\r\n$3\r\n500\r\n")]);
    assert_eq!(t.srv.hz, 500);
    t.check(&[("CONFIG SET requirepass secret", "+OK\r\n")]);
    assert_eq!(t.srv.config.requirepass.as_deref(), Some(&b"secret"[..]));
    t.check(&[("CONFIG SET requirepass \"\"", "+OK\r\n")]);
    assert_eq!(t.srv.config.requirepass, None);
    t.check(&[("CONFIG SET slowlog-max-len 0", "+OK\r\n")]);
    assert!(t.srv.slowlog.entries.is_empty());
}

#[test]
fn resetstat_rewrite_help() {
    let mut t = TestServer::new();
    t.run(&["NOSUCHCOMMAND"]);
    assert!(t.srv.stats.total_error_replies > 0);
    t.check(&[
        ("CONFIG RESETSTAT", "+OK\r\n"),
        ("CONFIG REWRITE", "-ERR The server is running without a config file\r\n"),
        (
            "CONFIG HELP",
            "*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET <pattern>\r\n+    Return parameters matching the glob-like <pattern> and their values.\r\n+SET <directive> <value>\r\n+    Set the configuration <directive> to <value>.\r\n+RESETSTAT\r\n+    Reset statistics reported by the INFO command.\r\n+REWRITE\r\n+    Rewrite the configuration file.\r\n+HELP\r\n+    Prints this help.\r\n",
        ),
    ]);
    // CONFIG REWRITE itself failed after RESETSTAT: one error since.
    assert_eq!(t.srv.stats.total_error_replies, 1);
}

#[test]
fn rewrite_writes_the_file() {
    let dir = std::env::temp_dir().join(format!("ferrodis-cmd-rewrite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("redis.conf");
    std::fs::write(&path, "# mine\nport 6379\ntimeout 0\n").unwrap();
    let mut config = crate::config::Config::from_str_no_side_effects("port 6379\ntimeout 0\n").unwrap();
    config.config_file = Some(path.clone());
    let mut t = TestServer::with_config(config);
    t.check(&[("CONFIG SET timeout 99", "+OK\r\n"), ("CONFIG REWRITE", "+OK\r\n")]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# mine\nport 6379\ntimeout 99\n"), "{}", text);
    std::fs::remove_dir_all(&dir).unwrap();
}
