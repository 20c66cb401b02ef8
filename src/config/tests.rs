//! Tests for configuration parsing, printing and rewriting.

use super::*;

fn parse(text: &str) -> Result<Config, String> {
    Config::from_str_no_side_effects(text)
}

fn get(c: &Config, name: &str) -> String {
    c.get_string(lookup(name).unwrap_or_else(|| panic!("no directive {}", name)))
}

fn args(s: &[&str]) -> Vec<String> {
    s.iter().map(|a| a.to_string()).collect()
}

/// A scratch directory for one test, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("ferrodis-config-{}-{}", name, std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn file(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn defaults_print_as_redis_prints_them() {
    // `CONFIG GET *` of a default Debian redis-server 7.0.15, minus port,
    // dir and save, which the oracle sets on its command line.
    let c = Config::default();
    let expected = include_str!("testdata/redis-7.0.15-defaults.tsv");
    let mut count = 0;
    for line in expected.lines() {
        let (name, value) = line.split_once('\t').unwrap();
        assert_eq!(get(&c, name), value, "default of {}", name);
        count += 1;
    }
    assert_eq!(count, 189);
    assert_eq!(get(&c, "save"), "3600 1 300 100 60 10000");
    assert_eq!(get(&c, "port"), "6379");
    // The typed fields other modules read keep their defaults.
    assert_eq!(c.port, 6379);
    assert_eq!(c.bind, vec!["*".to_string(), "-::*".to_string()]);
    assert_eq!(c.maxclients, 10000);
    assert_eq!(c.proto_max_bulk_len, 512 * 1024 * 1024);
    assert_eq!(c.client_query_buffer_limit, 1024 * 1024 * 1024);
    assert_eq!(c.hz, 10);
    assert_eq!(c.slowlog_log_slower_than, 10000);
    assert_eq!(c.requirepass, None);
    assert_eq!(c.loglevel, LogLevel::Notice);
    assert_eq!(c.enable_debug_command, Protection::No);
    assert_eq!(c.hash_max_listpack_entries, 512);
    assert_eq!(c.zset_max_listpack_value, 64);
    assert_eq!(c.list_max_listpack_size, -2);
}

#[test]
fn every_directive_is_unique_and_its_default_parses() {
    let mut names = std::collections::HashSet::new();
    for d in DIRECTIVES {
        assert!(names.insert(d.name), "duplicate {}", d.name);
        if let Some(a) = d.alias {
            assert!(names.insert(a), "duplicate alias {}", a);
        }
        let v = d.default_value();
        // What CONFIG GET prints parses back to the same value.
        if !matches!(d.kind, directives::Kind::Dir | directives::Kind::ReplicaOf) {
            let printed = d.kind.format(&v);
            assert_eq!(d.kind.parse(&d.split_value(&printed), &v).unwrap(), v, "{}", d.name);
        }
    }
}

#[test]
fn units_and_numbers() {
    assert_eq!(parse_memory("1k"), Some(1000));
    assert_eq!(parse_memory("1kb"), Some(1024));
    assert_eq!(parse_memory("5MB"), Some(5 * 1024 * 1024));
    assert_eq!(parse_memory("1g"), Some(1_000_000_000));
    assert_eq!(parse_memory("1Gb"), Some(1 << 30));
    assert_eq!(parse_memory("12"), Some(12));
    assert_eq!(parse_memory("10b"), Some(10));
    assert_eq!(parse_memory("1.5gb"), None);
    assert_eq!(parse_memory("-1"), None);
    assert_eq!(parse_memory("1x"), None);
    let c = parse("maxmemory-policy allkeys-LRU\nproto-max-bulk-len 1gb\nhash-max-listpack-value 1kb\nunixsocketperm 700\nclient-output-buffer-limit replica 1mb 2k 7").unwrap();
    assert_eq!(get(&c, "maxmemory-policy"), "allkeys-lru");
    assert_eq!(c.proto_max_bulk_len, 1 << 30);
    assert_eq!(get(&c, "proto-max-bulk-len"), "1073741824");
    assert_eq!(c.hash_max_listpack_value, 1024);
    assert_eq!(c.unixsocketperm, 0o700);
    assert_eq!(get(&c, "unixsocketperm"), "700");
    assert_eq!(get(&c, "client-output-buffer-limit"), "normal 0 0 0 slave 1048576 2000 7 pubsub 33554432 8388608 60");
    let c = parse("DAEMONIZE YES\nprotected-mode No").unwrap();
    assert!(c.daemonize && !c.protected_mode);
}

#[test]
fn quoting_and_escapes() {
    let c = parse("requirepass \"a b\\x41\\n\"\nmasteruser 'it\\'s'\nlogfile \"\"\n").unwrap();
    assert_eq!(c.requirepass.as_deref(), Some(&b"a bA\n"[..]));
    assert_eq!(c.masteruser, "it's");
    assert_eq!(c.logfile, "");
    let e = parse("port 1\nrequirepass \"abc\n").unwrap_err();
    assert!(e.ends_with("at line 2\n>>> 'requirepass \"abc'\nUnbalanced quotes in configuration line"), "{}", e);
}

#[test]
fn save_lines() {
    assert_eq!(parse("port 1").unwrap().save_points.len(), 3);
    let c = parse("save 900 1\n# c\nsave 300 10\n").unwrap();
    assert_eq!(c.save_points, vec![SavePoint { seconds: 900, changes: 1 }, SavePoint { seconds: 300, changes: 10 }]);
    assert_eq!(get(&c, "save"), "900 1 300 10");
    assert!(parse("save \"\"").unwrap().save_points.is_empty());
    assert_eq!(get(&parse("save \"\"\nsave 60 5").unwrap(), "save"), "60 5");
    assert!(parse("save 0 1").unwrap_err().ends_with("Invalid save parameters"));
    assert!(parse("save 10").unwrap_err().ends_with("Invalid save parameters"));
}

#[test]
fn fatal_errors_name_the_line() {
    let v = crate::server::REDIS_VERSION;
    assert_eq!(
        parse("port 7000\nfoo bar\n").unwrap_err(),
        format!("\n*** FATAL CONFIG FILE ERROR (Redis {}) ***\nReading the configuration file, at line 2\n>>> 'foo bar'\nBad directive or wrong number of arguments", v)
    );
    assert!(parse("port 1 2").unwrap_err().ends_with(">>> 'port 1 2'\nwrong number of arguments"));
    assert!(parse("port 70000").unwrap_err().ends_with("argument must be between 0 and 65535 inclusive"));
    assert!(parse("maxmemory 1x").unwrap_err().ends_with("argument must be a memory value"));
    assert!(parse("loglevel loud").unwrap_err().ends_with("argument(s) must be one of the following: debug, verbose, notice, warning"));
    assert!(parse("  \t\n   # comment\n\nlist-max-ziplist-entries 512\nlua-replicate-commands yes\nsentinel").is_ok());
    assert!(parse("rename-command NOSUCH x").unwrap_err().ends_with("No such command in rename-command"));
}

#[test]
fn unbuilt_features_stop_startup() {
    for line in [
        "appendonly yes",
        "replicaof 127.0.0.1 6380",
        "slaveof 127.0.0.1 6380",
        "cluster-enabled yes",
        "maxmemory 100mb",
        "loadmodule /x.so",
        "user alice on >pw ~* +@all",
        "aclfile /etc/redis/users.acl",
        "tls-port 6380",
        "mymodule.opt 1",
    ] {
        let e = parse(line).unwrap_err();
        assert!(e.contains("FATAL CONFIG FILE ERROR") && e.contains(&format!(">>> '{}'", line)), "{}: {}", line, e);
    }
    assert!(parse("appendonly no\nreplicaof no one\nmaxmemory 0\ncluster-enabled no").is_ok());
    // rename-command is honoured: recorded in order, applied by Server::new.
    let c = parse("rename-command FLUSHALL \"\"\nrename-command get fetch").unwrap();
    assert_eq!(c.renamed_commands, vec![("FLUSHALL".to_string(), String::new()), ("get".to_string(), "fetch".to_string())]);
    assert!(parse("rename-command get fetch\nrename-command set fetch").unwrap_err().contains("Target command name already exists"));
    // The default-user line CONFIG REWRITE writes is understood.
    assert_eq!(parse("requirepass x\nuser default on nopass ~* &* +@all").unwrap().requirepass, None);
    assert_eq!(parse("user default on >pw ~* &* +@all").unwrap().requirepass.as_deref(), Some(&b"pw"[..]));
    let hashed = "user default on #2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b ~* &* +@all";
    assert!(parse(&format!("requirepass secret\n{}", hashed)).is_ok());
    assert!(parse(&format!("requirepass other\n{}", hashed)).unwrap_err().contains("does not match requirepass"));
    assert!(parse("user default on nopass ~foo* &* +@all").is_err());
}

#[test]
fn command_line_groups() {
    let cl = CommandLine::parse(&args(&["--port", "7000", "--save", "", "--appendonly", "no", "--dir", "/tmp/x"]));
    assert_eq!(cl.config_file, None);
    assert_eq!(cl.options, "port \"7000\" \nsave \"\" \nappendonly \"no\" \ndir \"/tmp/x\" ");
    let cl = CommandLine::parse(&args(&["/etc/redis.conf", "--save", "--port", "1", "-"]));
    assert_eq!(cl.config_file.as_deref(), Some("/etc/redis.conf"));
    assert!(cl.from_stdin);
    assert_eq!(cl.options, "save \"\"\nport \"1\" ");
    let cl = CommandLine::parse(&args(&["--replicaof", "127.0.0.1", "6380", "--save"]));
    assert_eq!(cl.options, "replicaof \"127.0.0.1\" \"6380\" \nsave \"\"");
    // A whole "--name value" argument counts as a complete line.
    let cl = CommandLine::parse(&args(&["--port 7", "--hz", "5"]));
    assert_eq!(cl.options, "port 7 \nhz \"5\" ");
    let c = parse(&format!("\n{}", CommandLine::parse(&args(&["--save", "", "--port", "7001"])).options)).unwrap();
    assert!(c.save_points.is_empty());
    assert_eq!(c.port, 7001);
    let e = parse(&format!("\n{}", CommandLine::parse(&args(&["--port", "abc"])).options)).unwrap_err();
    assert!(e.ends_with("at line 2\n>>> 'port \"abc\"'\nargument couldn't be parsed into an integer"), "{}", e);
}

#[test]
fn from_args_reads_file_then_options() {
    let d = TempDir::new("args");
    let conf = d.file("r.conf", "port 7000\ntimeout 5\n");
    let c = Config::from_args(&args(&[&conf, "--port", "7001"])).unwrap();
    assert_eq!((c.port, c.timeout), (7001, 5));
    assert_eq!(c.config_file.as_deref(), Some(std::path::Path::new(&conf)));
    let e = Config::from_args(&args(&[&conf, "--port", "x"])).unwrap_err();
    // The file's two lines, the empty line before the options, then port.
    assert!(e.contains("at line 4\n>>> 'port \"x\"'"), "{}", e);
    let e = Config::from_args(&args(&["/nonexistent/ferrodis.conf"])).unwrap_err();
    assert!(e.ends_with("# Fatal error, can't open config file '/nonexistent/ferrodis.conf': No such file or directory"), "{}", e);
}

#[test]
fn include_files_and_globs() {
    let d = TempDir::new("include");
    d.file("a.conf", "timeout 11\n");
    d.file("b.conf", "tcp-keepalive 12\n");
    let bad = d.file("bad.conf", "port 1\nnope\n");
    let main = format!("include {}\ninclude {}/*.conf.d\nhz 7\n", d.0.join("a.conf").display(), d.0.display());
    let c = parse(&main).unwrap();
    assert_eq!((c.timeout, c.hz), (11, 7));
    std::fs::rename(d.0.join("b.conf"), d.0.join("b.conf.d")).unwrap();
    assert_eq!(parse(&main).unwrap().tcp_keepalive, 12);
    // The error names the line of the included file.
    let e = parse(&format!("hz 1\ninclude {}", bad)).unwrap_err();
    assert!(e.ends_with("at line 2\n>>> 'nope'\nBad directive or wrong number of arguments"), "{}", e);
    let e = parse("include /nonexistent/x.conf").unwrap_err();
    assert!(e.contains("Fatal error, can't open config file '/nonexistent/x.conf'"), "{}", e);
}

#[test]
fn debian_redis_conf_loads_unchanged() {
    let Ok(text) = std::fs::read_to_string("/etc/redis/redis.conf") else {
        eprintln!("skipped: /etc/redis/redis.conf is not installed");
        return;
    };
    let c = parse(&text).unwrap();
    assert_eq!(c.bind, vec!["127.0.0.1".to_string(), "-::1".to_string()]);
    assert!(c.daemonize);
    assert_eq!(c.pidfile, "/run/redis/redis-server.pid");
    assert_eq!(c.logfile, "/var/log/redis/redis-server.log");
    assert_eq!(c.dir, "/var/lib/redis");
    assert!(!c.appendonly);
    assert_eq!(get(&c, "client-output-buffer-limit"), "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
}

#[test]
fn shipped_conf_loads_with_the_defaults() {
    let text = include_str!("../../conf/redis.conf");
    let c = parse(text).unwrap();
    let d = Config::default();
    for dir in DIRECTIVES {
        if dir.name == "dir" {
            continue;
        }
        assert_eq!(c.value(dir), d.value(dir), "conf/redis.conf sets {} away from its default", dir.name);
    }
    // Every directive appears in it, at least as a comment.
    for dir in DIRECTIVES.iter().filter(|d| !d.has(directives::flag::HIDDEN)) {
        assert!(
            text.lines().any(|l| l.trim_start_matches('#').split_whitespace().next() == Some(dir.name)),
            "conf/redis.conf does not mention {}",
            dir.name
        );
    }
}

#[test]
fn notify_keyspace_events_round_trip() {
    for (input, shown) in [("KEA", "AKE"), ("nmAKE", "AKEm"), ("ntdegKm", "getdnKm"), ("Ex", "xE"), ("", "")] {
        let f = keyspace_events_from_str(input).unwrap();
        assert_eq!(keyspace_events_to_str(f), shown);
    }
    assert_eq!(keyspace_events_from_str("Q"), None);
    let c = parse("notify-keyspace-events Ex").unwrap();
    use crate::db::keyspace::event;
    assert_eq!(c.notify_keyspace_events, event::EXPIRED | event::KEYEVENT);
}

#[test]
fn rewrite_keeps_comments_and_updates_lines_in_place() {
    let d = TempDir::new("rewrite");
    let original = "# top comment\nport 17002\nslave-serve-stale-data no\nhash-max-ziplist-entries 100\nsave 900 1\n\n\nsave 300 10\n# middle\nlist-max-ziplist-entries 512\nbind 127.0.0.1\nunknown-directive 1\nmaxmemory-policy allkeys-lru\n";
    let path = d.file("redis.conf", original);
    let mut c = parse(original.replace("unknown-directive 1\n", "").as_str()).unwrap();
    c.config_file = Some(path.clone().into());
    let mut save_loaded = false;
    let mut mode = SetMode { loading: false, chdir: false, save_loaded: &mut save_loaded };
    c.set(lookup("save").unwrap(), &args(&["60", "5"]), &mut mode).unwrap();
    c.set(lookup("slowlog-max-len").unwrap(), &args(&["7"]), &mut mode).unwrap();
    c.set(lookup("requirepass").unwrap(), &args(&["secret"]), &mut mode).unwrap();
    c.set(lookup("notify-keyspace-events").unwrap(), &args(&["Ex"]), &mut mode).unwrap();
    c.set(lookup("client-output-buffer-limit").unwrap(), &args(&["pubsub", "1mb", "2k", "3"]), &mut mode).unwrap();
    rewrite::rewrite_config(&c, std::path::Path::new(&path)).unwrap();
    let got = std::fs::read_to_string(&path).unwrap();
    let cwd = current_dir();
    let expected = format!(
        "# top comment\nport 17002\nreplica-serve-stale-data no\nhash-max-listpack-entries 100\nsave 60 5\n\n# middle\n\
         # ??? list-max-ziplist-entries 512\nbind 127.0.0.1\n# ??? unknown-directive 1\nmaxmemory-policy allkeys-lru\n\n\
         # Generated by CONFIG REWRITE\nrequirepass \"secret\"\nslowlog-max-len 7\ndir \"{}\"\n\
         client-output-buffer-limit pubsub 1mb 2000 3\nnotify-keyspace-events \"xE\"\n\
         latency-tracking-info-percentiles 50 99 99.9\n\
         user default on #2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b ~* &* +@all\n",
        cwd
    );
    assert_eq!(got, expected);
    // Rewriting again reuses lines the way Redis does (the normal class
    // of client-output-buffer-limit takes the first line of the option),
    // and what it writes loads back to the same values.
    rewrite::rewrite_config(&c, std::path::Path::new(&path)).unwrap();
    let again = std::fs::read_to_string(&path).unwrap();
    assert!(again.contains("client-output-buffer-limit normal 0 0 0\n"), "{}", again);
    let back = parse(&again).unwrap();
    assert_eq!(back.save_points, c.save_points);
    assert_eq!(back.client_output_buffer_limits, c.client_output_buffer_limits);
    assert_eq!(back.requirepass, c.requirepass);
}

#[test]
fn rewrite_of_a_missing_file_writes_non_defaults() {
    let d = TempDir::new("rewrite-new");
    let path = d.0.join("new.conf");
    let c = parse("save \"\"\nport 7000").unwrap();
    rewrite::rewrite_config(&c, &path).unwrap();
    let got = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        got,
        format!(
            "# Generated by CONFIG REWRITE\nport 7000\ndir \"{}\"\nsave \"\"\nlatency-tracking-info-percentiles 50 99 99.9\nuser default on nopass ~* &* +@all\n",
            current_dir()
        )
    );
}
