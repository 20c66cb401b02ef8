//! Tests for RDB persistence through the real binary: SAVE/BGSAVE and a
//! restart on the same directory, interop with Debian's redis-server 7.0.15
//! both ways (its dump loaded by ferrodis, ours loaded by it and passed by
//! redis-check-rdb), DUMP/RESTORE payloads both ways, BGSAVE under writes,
//! MISCONF, shutdown and FLUSHALL snapshots, and corrupt files at start-up.

mod common;

use common::{free_port, resp, run_tool, Raw, RealRedis, Server, TempDir};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn s(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Sends every command pipelined and returns the replies.
fn pipeline(c: &mut Raw, cmds: &[Vec<Vec<u8>>]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for chunk in cmds.chunks(500) {
        let mut bytes = Vec::new();
        for cmd in chunk {
            let args: Vec<&[u8]> = cmd.iter().map(|a| a.as_slice()).collect();
            bytes.extend_from_slice(&resp(&args));
        }
        c.send(&bytes);
        for _ in chunk {
            out.push(c.read_reply());
        }
    }
    out
}

fn cmd(parts: &[&[u8]]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.to_vec()).collect()
}

/// The same varied dataset on any server: every string, list, set, hash
/// and sorted set encoding, small and large, integers, binary data,
/// special scores (infinities, -0, 1e300), TTLs, several dbs.
/// Returns the keys whose encoding and TTL are compared.
fn fill(c: &mut Raw) -> Vec<(usize, String)> {
    let mut cmds = Vec::new();
    let mut keys = Vec::new();
    let mut key = |db: usize, k: &str| keys.push((db, k.to_string()));
    let noise: Vec<u8> = (0..300u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    let binary: Vec<u8> = (0..=255u8).collect();
    let compressible = vec![b'a'; 5000];
    cmds.push(cmd(&[b"SELECT", b"0"]));
    for (k, v) in [
        ("int", &b"12345"[..]),
        ("neg", b"-7"),
        ("i64", b"9223372036854775807"),
        ("emb", b"hello"),
        ("zero-padded", b"007"),
        ("raw", &noise[..]),
        ("binary", &binary[..]),
        ("comp", &compressible[..]),
        ("empty", b""),
    ] {
        cmds.push(cmd(&[b"SET", k.as_bytes(), v]));
        key(0, k);
    }
    for i in 0..300 {
        cmds.push(cmd(&[b"SET", format!("k:{}", i).as_bytes(), format!("v{}", i * i).as_bytes()]));
    }
    cmds.push(cmd(&[b"RPUSH", b"small-list", b"a", b"b", b"1", b"-2", b"300000"]));
    key(0, "small-list");
    let mut big = vec![b"RPUSH".to_vec(), b"big-list".to_vec()];
    big.extend((0..10_000).map(|i| format!("element:{}", i).into_bytes()));
    cmds.push(big);
    key(0, "big-list");
    cmds.push(cmd(&[b"RPUSH", b"fat-list", &vec![b'x'; 10_000], &noise, &vec![b'y'; 20_000]]));
    key(0, "fat-list");
    cmds.push(cmd(&[b"SADD", b"intset", b"1", b"2", b"3", b"-4"]));
    key(0, "intset");
    cmds.push(cmd(&[b"SADD", b"wide-intset", b"1", b"100000", b"1000000000000"]));
    key(0, "wide-intset");
    let mut hs = vec![b"SADD".to_vec(), b"strset".to_vec()];
    hs.extend((0..100).map(|i| format!("member-{}", i).into_bytes()));
    cmds.push(hs);
    key(0, "strset");
    let mut bigints = vec![b"SADD".to_vec(), b"many-ints".to_vec()];
    bigints.extend((0..1000).map(|i| (i * 37).to_string().into_bytes()));
    cmds.push(bigints);
    key(0, "many-ints");
    // Hashes: listpack (small, integer fields and values) and hashtable
    // (over 512 fields; a value over 64 bytes).
    cmds.push(cmd(&[b"HSET", b"small-hash", b"a", b"1", b"b", b"-2", b"300000", b"x", b"empty", b"", b"text", b"hello world"]));
    key(0, "small-hash");
    let mut bh = vec![b"HSET".to_vec(), b"big-hash".to_vec()];
    bh.extend((0..600).flat_map(|i| [format!("field:{}", i).into_bytes(), (i * 7919).to_string().into_bytes()]));
    cmds.push(bh);
    key(0, "big-hash");
    cmds.push(cmd(&[b"HSET", b"fat-hash", b"f", &vec![b'v'; 100], b"g", &noise, b"7", b"8"]));
    key(0, "fat-hash");
    // Sorted sets: listpack (small, every kind of score) and skiplist
    // (over 128 members; a member over 64 bytes).
    cmds.push(cmd(&[
        b"ZADD",
        b"small-zset",
        b"1.5",
        b"half",
        b"-inf",
        b"low",
        b"+inf",
        b"high",
        b"-0",
        b"negzero",
        b"1e300",
        b"huge",
        b"42",
        b"int",
        b"-17",
        b"negint",
        b"0.1",
        b"tenth",
        b"3",
        b"12345",
    ]));
    key(0, "small-zset");
    let mut bz = vec![b"ZADD".to_vec(), b"big-zset".to_vec()];
    for i in 0..300 {
        let score = match i % 6 {
            0 => i.to_string(),
            1 => format!("{}.5", i),
            2 => format!("-{}", i * 1000),
            3 => format!("{}e-3", i),
            4 => format!("1e{}", i % 300),
            _ => "7".to_string(),
        };
        bz.push(score.into_bytes());
        bz.push(format!("m{}", i).into_bytes());
    }
    bz.extend(cmd(&[b"-inf", b"minus-inf", b"+inf", b"plus-inf", b"-0", b"neg-zero", b"1e300", b"1e300", b"1.5", b"1.5"]));
    cmds.push(bz);
    key(0, "big-zset");
    cmds.push(cmd(&[b"ZADD", b"fat-zset", b"1", &vec![b'm'; 100], b"-0", b"z", b"+inf", b"i", b"2.5", &noise]));
    key(0, "fat-zset");
    // TTLs far in the future, on every type.
    let at = (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() + 3_600_000).to_string();
    cmds.push(cmd(&[b"SET", b"ttl-string", b"v", b"PXAT", at.as_bytes()]));
    cmds.push(cmd(&[b"PEXPIREAT", b"small-list", at.as_bytes()]));
    cmds.push(cmd(&[b"PEXPIREAT", b"intset", at.as_bytes()]));
    cmds.push(cmd(&[b"PEXPIREAT", b"k:7", at.as_bytes()]));
    cmds.push(cmd(&[b"PEXPIREAT", b"small-hash", at.as_bytes()]));
    cmds.push(cmd(&[b"PEXPIREAT", b"big-hash", at.as_bytes()]));
    cmds.push(cmd(&[b"PEXPIREAT", b"small-zset", at.as_bytes()]));
    cmds.push(cmd(&[b"PEXPIREAT", b"fat-zset", at.as_bytes()]));
    key(0, "ttl-string");
    key(0, "k:7");
    cmds.push(cmd(&[b"SELECT", b"3"]));
    cmds.push(cmd(&[b"SET", b"in-db-3", b"three"]));
    cmds.push(cmd(&[b"RPUSH", b"list-3", b"x"]));
    key(3, "in-db-3");
    key(3, "list-3");
    cmds.push(cmd(&[b"HSET", b"hash-3", b"f", b"1", b"g", &vec![b'w'; 80]]));
    cmds.push(cmd(&[b"ZADD", b"zset-3", b"-0", b"a", b"1e300", b"b", b"-inf", b"c"]));
    cmds.push(cmd(&[b"PEXPIREAT", b"zset-3", at.as_bytes()]));
    key(3, "hash-3");
    key(3, "zset-3");
    cmds.push(cmd(&[b"SELECT", b"15"]));
    cmds.push(cmd(&[b"SADD", b"set-15", b"a", b"b"]));
    key(15, "set-15");
    let mut z15 = vec![b"ZADD".to_vec(), b"zset-15".to_vec()];
    z15.extend((0..200).flat_map(|i| [format!("{}", -i).into_bytes(), format!("member:{}", i).into_bytes()]));
    cmds.push(z15);
    cmds.push(cmd(&[b"HSET", b"hash-15", b"only", b"one"]));
    cmds.push(cmd(&[b"PEXPIREAT", b"hash-15", at.as_bytes()]));
    key(15, "zset-15");
    key(15, "hash-15");
    cmds.push(cmd(&[b"SELECT", b"0"]));
    for r in pipeline(c, &cmds) {
        assert!(!r.starts_with(b"-"), "fill command failed: {}", s(&r));
    }
    keys
}

/// DEBUG DIGEST plus, per key, encoding and absolute expire time.
fn fingerprint(c: &mut Raw, keys: &[(usize, String)]) -> (String, Vec<String>) {
    let digest = s(&c.call(&["DEBUG", "DIGEST"]));
    let mut per_key = Vec::new();
    for (db, k) in keys {
        c.call(&["SELECT", &db.to_string()]);
        let enc = s(&c.call(&["OBJECT", "ENCODING", k]));
        let exp = s(&c.call(&["PEXPIRETIME", k]));
        per_key.push(format!("{}:{} {} {}", db, k, enc.trim(), exp.trim()));
    }
    c.call(&["SELECT", "0"]);
    let sizes: Vec<String> = [0, 3, 15]
        .iter()
        .map(|db| {
            c.call(&["SELECT", &db.to_string()]);
            s(&c.call(&["DBSIZE"]))
        })
        .collect();
    c.call(&["SELECT", "0"]);
    per_key.push(format!("sizes {:?}", sizes));
    (digest, per_key)
}

fn info_field(c: &mut Raw, field: &str) -> String {
    let info = s(&c.call(&["INFO", "persistence"]));
    info.lines().find_map(|l| l.strip_prefix(&format!("{}:", field))).unwrap_or_default().trim().to_string()
}

fn dir_arg(dir: &Path) -> String {
    dir.display().to_string()
}

#[test]
fn save_then_restart_gives_the_identical_dataset() {
    let mut a = Server::start_with(&["--enable-debug-command", "yes"]);
    let mut c = a.raw();
    let keys = fill(&mut c);
    let before = fingerprint(&mut c, &keys);
    assert_ne!(before.0, "+0000000000000000000000000000000000000000\r\n");
    // The dataset really holds every encoding of the aggregates.
    for want in [
        ("0:small-hash", "listpack"),
        ("0:big-hash", "hashtable"),
        ("0:fat-hash", "hashtable"),
        ("0:small-zset", "listpack"),
        ("0:big-zset", "skiplist"),
        ("0:fat-zset", "skiplist"),
        ("3:hash-3", "hashtable"),
        ("3:zset-3", "listpack"),
        ("15:zset-15", "skiplist"),
        ("15:hash-15", "listpack"),
    ] {
        let found = before.1.iter().any(|k| k.starts_with(&format!("{} ", want.0)) && k.contains(&format!("\n{} ", want.1)));
        assert!(found, "{:?} not in {:?}", want, before.1);
    }
    assert_eq!(c.call(&["SAVE"]), b"+OK\r\n");
    assert_eq!(info_field(&mut c, "rdb_changes_since_last_save"), "0");
    assert!(a.output().contains("DB saved on disk"));
    a.terminate();
    let dir = dir_arg(a.dir());
    let b = Server::start_with(&["--dir", &dir, "--enable-debug-command", "yes"]);
    let mut c = b.raw();
    assert_eq!(fingerprint(&mut c, &keys), before);
    let log = b.output();
    assert!(log.contains("Done loading RDB, keys loaded: "), "{}", log);
    assert!(log.contains("DB loaded from disk: "), "{}", log);
    assert!(log.find("Done loading RDB").unwrap() < log.find("Ready to accept connections").unwrap());
    let mut total = 0u64;
    for db in [0, 3, 15] {
        c.call(&["SELECT", &db.to_string()]);
        total += s(&c.call(&["DBSIZE"]))[1..].trim().parse::<u64>().unwrap();
    }
    c.call(&["SELECT", "0"]);
    assert_eq!(info_field(&mut c, "rdb_last_load_keys_loaded"), total.to_string());
    // DEBUG RELOAD keeps everything too.
    assert_eq!(c.call(&["DEBUG", "RELOAD"]), b"+OK\r\n");
    assert_eq!(fingerprint(&mut c, &keys), before);
}

#[test]
fn a_dump_written_by_redis_server_loads_identically() {
    let dir = TempDir::new("redis-dump");
    let (before, keys) = {
        let r = RealRedis::start_in(dir.path(), &[]);
        let mut c = r.raw();
        let keys = fill(&mut c);
        let fp = fingerprint(&mut c, &keys);
        assert_eq!(c.call(&["SAVE"]), b"+OK\r\n");
        (fp, keys)
    };
    let ours = Server::start_with(&["--dir", &dir_arg(dir.path()), "--enable-debug-command", "yes"]);
    let mut c = ours.raw();
    assert_eq!(fingerprint(&mut c, &keys), before, "log:\n{}", ours.output());
    assert!(ours.output().contains("Loading RDB produced by version 7.0.15"));
}

#[test]
fn our_dump_loads_in_redis_server_and_passes_redis_check_rdb() {
    let a = Server::start_with(&["--enable-debug-command", "yes"]);
    let mut c = a.raw();
    let keys = fill(&mut c);
    let before = fingerprint(&mut c, &keys);
    assert_eq!(c.call(&["SAVE"]), b"+OK\r\n");
    let file = a.dir().join("dump.rdb");
    let check = run_tool("redis-check-rdb", &[&file.display().to_string()], b"");
    let out = s(&check.stdout);
    assert!(check.status.success(), "redis-check-rdb failed:\n{}{}", out, s(&check.stderr));
    assert!(out.contains("RDB looks OK!"), "{}", out);
    // Without compression and checksum too.
    assert_eq!(c.call(&["CONFIG", "SET", "rdbcompression", "no"]), b"+OK\r\n");
    assert_eq!(c.call(&["SAVE"]), b"+OK\r\n");
    let check = run_tool("redis-check-rdb", &[&file.display().to_string()], b"");
    assert!(check.status.success(), "{}", s(&check.stdout));
    let r = RealRedis::start_in(a.dir(), &[]);
    let mut rc = r.raw();
    assert_eq!(fingerprint(&mut rc, &keys), before);
}

/// The payload inside a DUMP bulk reply.
fn payload_of(dumped: &[u8]) -> Vec<u8> {
    assert!(dumped.starts_with(b"$"), "DUMP replied {}", s(dumped));
    let start = dumped.iter().position(|&b| b == b'\n').unwrap() + 1;
    dumped[start..dumped.len() - 2].to_vec()
}

/// DUMP `k` on one server, RESTORE it on the other, compare.
fn transfer(from: &mut Raw, to: &mut Raw, db: usize, k: &str) {
    from.call(&["SELECT", &db.to_string()]);
    to.call(&["SELECT", &db.to_string()]);
    let payload = payload_of(&from.call(&["DUMP", k]));
    let restored = format!("restored:{}", k);
    // Keep the TTL: DEBUG DIGEST-VALUE covers whether a key has one.
    let at = s(&from.call(&["PEXPIRETIME", k]))[1..].trim().to_string();
    let ttl = if at.starts_with('-') { "0".to_string() } else { at };
    let args: [&[u8]; 5] = [b"RESTORE", restored.as_bytes(), ttl.as_bytes(), &payload, b"ABSTTL"];
    to.send(&resp(&args));
    assert_eq!(s(&to.read_reply()), "+OK\r\n", "RESTORE of {}", k);
    let want = from.call(&["DEBUG", "DIGEST-VALUE", k]);
    assert_eq!(to.call(&["DEBUG", "DIGEST-VALUE", &restored]), want, "value of {}", k);
    assert_eq!(to.call(&["OBJECT", "ENCODING", &restored]), from.call(&["OBJECT", "ENCODING", k]), "encoding of {}", k);
    to.call(&["DEL", &restored]);
}

#[test]
fn dump_and_restore_interoperate_both_ways() {
    let dir = TempDir::new("dump-restore");
    let r = RealRedis::start_in(dir.path(), &[]);
    let ours = Server::start_with(&["--enable-debug-command", "yes"]);
    let (mut rc, mut oc) = (r.raw(), ours.raw());
    let keys = fill(&mut rc);
    fill(&mut oc);
    for (db, k) in &keys {
        transfer(&mut rc, &mut oc, *db, k);
        transfer(&mut oc, &mut rc, *db, k);
    }
    rc.call(&["SELECT", "0"]);
    oc.call(&["SELECT", "0"]);
    // Error replies, byte for byte the same on both servers.
    let payload = payload_of(&rc.call(&["DUMP", "emb"]));
    let mut bad_crc = payload.clone();
    bad_crc[3] ^= 1;
    let mut future = payload.clone();
    let n = future.len();
    future[n - 10] = 11;
    let cases: Vec<(Vec<Vec<u8>>, &str)> = vec![
        (cmd(&[b"RESTORE", b"emb", b"0", &payload]), "busy key"),
        (cmd(&[b"RESTORE", b"new", b"0", &bad_crc]), "bad crc"),
        (cmd(&[b"RESTORE", b"new", b"0", &future]), "future version"),
        (cmd(&[b"RESTORE", b"new", b"0", b"short"]), "short"),
        (cmd(&[b"RESTORE", b"new", b"-1", &payload]), "negative ttl"),
        (cmd(&[b"RESTORE", b"new", b"abc", &payload]), "bad ttl"),
        (cmd(&[b"RESTORE", b"new", b"0", &payload, b"IDLETIME", b"-1"]), "bad idle"),
        (cmd(&[b"RESTORE", b"new", b"0", &payload, b"FREQ", b"256"]), "bad freq"),
        (cmd(&[b"RESTORE", b"new", b"0", &payload, b"IDLETIME", b"1", b"FREQ", b"1"]), "idle and freq"),
        (cmd(&[b"RESTORE", b"new", b"0", &payload, b"BOGUS"]), "syntax"),
        (cmd(&[b"RESTORE", b"emb", b"0", &payload, b"REPLACE"]), "replace"),
        (cmd(&[b"RESTORE", b"ttl", b"100000", &payload]), "relative ttl"),
        (cmd(&[b"PTTL", b"ttl"]), "pttl"),
        (cmd(&[b"RESTORE", b"abs", b"4102444800000", &payload, b"ABSTTL"]), "absttl"),
        (cmd(&[b"PEXPIRETIME", b"abs"]), "pexpiretime"),
        (cmd(&[b"RESTORE", b"past", b"1", &payload, b"ABSTTL"]), "already expired"),
        (cmd(&[b"EXISTS", b"past"]), "exists"),
        (cmd(&[b"RESTORE", b"idle", b"0", &payload, b"IDLETIME", b"1000"]), "idletime"),
        (cmd(&[b"OBJECT", b"IDLETIME", b"idle"]), "object idletime"),
        (cmd(&[b"DUMP", b"nokey"]), "dump missing"),
    ];
    for (c, what) in &cases {
        let theirs = pipeline(&mut rc, std::slice::from_ref(c)).remove(0);
        let mine = pipeline(&mut oc, std::slice::from_ref(c)).remove(0);
        if *what == "pttl" {
            let ms: i64 = s(&mine[1..]).trim().parse().unwrap();
            assert!(ms > 90_000 && ms <= 100_000, "pttl {}", ms);
        } else {
            assert_eq!(s(&mine), s(&theirs), "{}", what);
        }
    }
}

#[test]
fn bgsave_while_a_client_writes() {
    let mut a = Server::start_with(&["--enable-debug-command", "yes"]);
    let mut c = a.raw();
    assert_eq!(c.call(&["DEBUG", "POPULATE", "200000"]), b"+OK\r\n");
    let port = a.port();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut w = Raw::connect(port);
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let k = format!("w:{}", n);
                assert_eq!(w.call(&["SET", &k, "x"]), b"+OK\r\n");
                n += 1;
            }
            n
        })
    };
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(c.call(&["BGSAVE"]), b"+Background saving started\r\n");
    // One child at a time (unless the first one finished already).
    let again = s(&c.call(&["BGSAVE"]));
    assert!(again == "-ERR Background save already in progress\r\n" || again == "+Background saving started\r\n", "{}", again);
    let deadline = Instant::now() + Duration::from_secs(60);
    while info_field(&mut c, "rdb_bgsave_in_progress") != "0" {
        assert!(Instant::now() < deadline, "BGSAVE never finished:\n{}", a.output());
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(written > 0);
    assert_eq!(info_field(&mut c, "rdb_last_bgsave_status"), "ok");
    let log = a.output();
    let pid = log.lines().find_map(|l| l.split("Background saving started by pid ").nth(1)).expect("fork logged").trim().to_string();
    assert!(log.contains(&format!("{}:C ", pid)), "the child logs as C:\n{}", log);
    assert!(log.contains("Background saving terminated with success"), "{}", log);
    let stats = s(&c.call(&["INFO", "stats"]));
    assert!(stats.contains("total_forks:"), "{}", stats);
    assert!(!stats.contains("total_forks:0\r\n"));
    // The snapshot holds at least the populated keys and loads back.
    a.terminate();
    let b = Server::start_with(&["--dir", &dir_arg(a.dir())]);
    let mut c = b.raw();
    let n: u64 = s(&c.call(&["DBSIZE"]))[1..].trim().parse().unwrap();
    assert!(n >= 200_000, "dbsize {}", n);
}

#[test]
fn failed_bgsave_refuses_writes_with_misconf_as_redis_does() {
    // A directory named dump.rdb makes the rename fail on both servers.
    let run = |c: &mut Raw| -> Vec<String> {
        let mut out = vec![s(&c.call(&["BGSAVE"]))];
        let deadline = Instant::now() + Duration::from_secs(20);
        while info_field(c, "rdb_bgsave_in_progress") != "0" || info_field(c, "rdb_last_bgsave_status") == "ok" {
            assert!(Instant::now() < deadline, "bgsave never failed");
            std::thread::sleep(Duration::from_millis(20));
        }
        out.push(info_field(c, "rdb_last_bgsave_status"));
        for cmdline in
            [&["SET", "a", "1"][..], &["PING"], &["GET", "a"], &["CONFIG", "SET", "stop-writes-on-bgsave-error", "no"], &["SET", "a", "1"]]
        {
            out.push(s(&c.call(cmdline)));
        }
        out
    };
    let dir = TempDir::new("misconf");
    let theirs = {
        let r = RealRedis::start_in(dir.path(), &["--save", "3600", "1"]);
        std::fs::create_dir_all(dir.path().join("dump.rdb")).unwrap();
        let mut c = r.raw();
        run(&mut c)
    };
    let ours = Server::start_with(&["--save", "3600", "1"]);
    std::fs::create_dir_all(ours.dir().join("dump.rdb")).unwrap();
    let mut c = ours.raw();
    let mine = run(&mut c);
    assert_eq!(mine, theirs);
    assert!(mine[2].starts_with("-MISCONF "), "{:?}", mine);
    assert!(ours.output().contains("Background saving error"), "{}", ours.output());
}

#[test]
fn shutdown_sigterm_and_flushall_write_snapshots() {
    // SIGTERM with save points saves.
    let mut a = Server::start_with(&["--save", "3600", "1"]);
    let mut c = a.raw();
    c.call(&["SET", "k", "v"]);
    assert!(a.terminate().success());
    assert!(a.output().contains("Saving the final RDB snapshot before exiting."), "{}", a.output());
    let dir = dir_arg(a.dir());
    let mut b = Server::start_with(&["--dir", &dir]);
    let mut c = b.raw();
    assert_eq!(c.call(&["GET", "k"]), b"$1\r\nv\r\n");
    // SHUTDOWN NOSAVE does not save, even with save points.
    c.call(&["SET", "k", "changed"]);
    c.send_cmd(&["SHUTDOWN", "NOSAVE"]);
    let _ = c.read_to_eof();
    let _ = b.terminate();
    let mut b = Server::start_with(&["--dir", &dir, "--save", ""]);
    let mut c = b.raw();
    assert_eq!(c.call(&["GET", "k"]), b"$1\r\nv\r\n");
    // SHUTDOWN SAVE saves without save points.
    c.call(&["SET", "k", "saved"]);
    c.send_cmd(&["SHUTDOWN", "SAVE"]);
    let _ = c.read_to_eof();
    let _ = b.terminate();
    let b = Server::start_with(&["--dir", &dir, "--save", "3600", "1"]);
    let mut c = b.raw();
    assert_eq!(c.call(&["GET", "k"]), b"$5\r\nsaved\r\n");
    let last = s(&c.call(&["LASTSAVE"]));
    // FLUSHALL with save points writes the empty dataset.
    assert_eq!(c.call(&["FLUSHALL"]), b"+OK\r\n");
    assert_eq!(info_field(&mut c, "rdb_changes_since_last_save"), "0");
    assert!(b.output().contains("DB saved on disk"));
    let c2 = Server::start_with(&["--dir", &dir]);
    assert_eq!(c2.raw().call(&["DBSIZE"]), b":0\r\n");
    assert!(last.starts_with(':'));
}

#[test]
fn a_failed_final_save_keeps_the_server_running() {
    let a = Server::start_with(&["--save", "3600", "1"]);
    std::fs::create_dir_all(a.dir().join("dump.rdb")).unwrap();
    let mut c = a.raw();
    c.call(&["SET", "k", "v"]);
    assert_eq!(c.call(&["SHUTDOWN"]), b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
    assert_eq!(c.call(&["PING"]), b"+PONG\r\n");
    assert!(a.output().contains("Error trying to save the DB, can't exit."), "{}", a.output());
    c.send_cmd(&["SHUTDOWN", "NOSAVE"]);
    let _ = c.read_to_eof();
}

/// Runs the binary on `dir` and expects it to exit; returns (code, output).
fn start_expecting_exit(dir: &Path) -> (Option<i32>, String) {
    let log = dir.join("startup.log");
    let f = std::fs::File::create(&log).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferrodis-server"))
        .args(["--port", &free_port().to_string(), "--save", "", "--dir"])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(f.try_clone().unwrap())
        .stderr(f)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(Some(st)) = child.try_wait() {
            return (st.code(), s(&std::fs::read(&log).unwrap()));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server did not exit on a bad file:\n{}", s(&std::fs::read(&log).unwrap()));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn corrupt_or_truncated_files_stop_startup_cleanly() {
    let a = Server::start();
    let mut c = a.raw();
    fill(&mut c);
    assert_eq!(c.call(&["SAVE"]), b"+OK\r\n");
    let good = std::fs::read(a.dir().join("dump.rdb")).unwrap();
    drop(a);
    let dir = TempDir::new("corrupt");
    let file = dir.path().join("dump.rdb");
    // A flipped byte in the middle: the CRC catches it.
    let mut bad = good.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x20;
    std::fs::write(&file, &bad).unwrap();
    let (code, out) = start_expecting_exit(dir.path());
    assert_eq!(code, Some(1), "{}", out);
    assert!(out.contains("Internal error in RDB reading offset "), "{}", out);
    assert!(out.contains("Terminating server after rdb file reading failure."), "{}", out);
    assert!(!out.contains("Ready to accept connections"), "{}", out);
    // Truncated.
    std::fs::write(&file, &good[..good.len() / 3]).unwrap();
    let (code, out) = start_expecting_exit(dir.path());
    assert_eq!(code, Some(1), "{}", out);
    assert!(out.contains("Short read or OOM loading DB. Unrecoverable error, aborting now."), "{}", out);
    assert!(out.contains("Unexpected EOF reading RDB file"), "{}", out);
    // Not an RDB file at all.
    std::fs::write(&file, b"hello world").unwrap();
    let (code, out) = start_expecting_exit(dir.path());
    assert_eq!(code, Some(1), "{}", out);
    assert!(out.contains("Wrong signature trying to load DB from file"), "{}", out);
    assert!(out.contains("Fatal error loading the DB: Invalid argument. Exiting."), "{}", out);
}

#[test]
fn clients_get_loading_while_a_big_dataset_loads() {
    // About 200 MB of RDB: long enough to load that clients connect midway.
    let mut a = Server::start_with(&["--enable-debug-command", "yes"]);
    let mut c = a.raw();
    c.set_timeout(std::time::Duration::from_secs(60));
    assert_eq!(c.call(&["DEBUG", "POPULATE", "2000000", "key", "100"]), b"+OK\r\n");
    assert_eq!(c.call(&["SAVE"]), b"+OK\r\n");
    a.terminate();
    let dir = dir_arg(a.dir());
    let port = common::free_port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ferrodis-server"))
        .args(["--port", &port.to_string(), "--save", "", "--dir", &dir])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let (mut saw_loading, mut saw_info_loading) = (false, false);
    let value = loop {
        assert!(start.elapsed() < std::time::Duration::from_secs(60), "the dataset never finished loading");
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            std::thread::sleep(std::time::Duration::from_millis(5));
            continue;
        }
        let mut r = Raw::connect(port);
        r.set_timeout(std::time::Duration::from_secs(30));
        let got = r.call(&["GET", "key:123"]);
        if got == b"-LOADING Redis is loading the dataset in memory\r\n" {
            saw_loading = true;
            let info = s(&r.call(&["INFO", "persistence"]));
            saw_info_loading |= info.contains("loading:1\r\n") && info.contains("loading_loaded_perc:");
            std::thread::sleep(std::time::Duration::from_millis(5));
            continue;
        }
        break got;
    };
    assert_eq!(&value[..5], b"$100\r");
    assert!(saw_loading, "no client was ever told -LOADING");
    assert!(saw_info_loading, "INFO never showed loading:1 with progress");
    let _ = child.kill();
    let _ = child.wait();
}
