//! Server commands: INFO, DBSIZE, TIME, SHUTDOWN, LASTSAVE, MONITOR,
//! SLOWLOG, MEMORY and DEBUG; mirrors the server commands of server.c,
//! slowlog.c, object.c (MEMORY) and debug.c.

use super::args;
use super::errors::{CmdResult, ReplyError};
use super::keyspec::*;
use super::table::{acl, flag::*, Command};
use super::Ctx;
use super::{reply_help, subcommand_syntax_error};
use crate::server::ShutdownRequest;
use crate::types::value::Value;
use sha1::{Digest, Sha1};
use std::sync::atomic::{AtomicU64, Ordering};

pub const COMMANDS: &[Command] = &[
    Command::new("info", -1, info)
        .flags(LOADING | STALE | SENTINEL)
        .acl(acl::DANGEROUS)
        .group("server")
        .tips(&["nondeterministic_output", "request_policy:all_shards", "response_policy:special"])
        .doc("1.0.0", "O(1)", "Returns information and statistics about the server.")
        .history(&[("7.0.0", "Takes several sections.")])
        .args("[section...]"),
    Command::new("dbsize", 1, dbsize)
        .flags(READONLY | FAST)
        .acl(acl::KEYSPACE)
        .group("server")
        .tips(&["request_policy:all_shards", "response_policy:agg_sum"])
        .doc("1.0.0", "O(1)", "Returns the number of keys in the database."),
    Command::new("time", 1, time).flags(LOADING | STALE | FAST).group("server").tips(&["nondeterministic_output"]).doc(
        "2.6.0",
        "O(1)",
        "Returns the server time.",
    ),
    Command::new("shutdown", -1, shutdown)
        .flags(ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | SENTINEL | ALLOW_BUSY)
        .group("server")
        .doc(
            "1.0.0",
            "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
            "Synchronously saves the database(s) to disk and shuts down the Redis server.",
        )
        .history(&[("7.0.0", "NOW, FORCE and ABORT options.")])
        .args("[nosave_save:(NOSAVE | SAVE)] [NOW@7.0.0] [FORCE@7.0.0] [ABORT@7.0.0]"),
    Command::new("lastsave", 1, lastsave)
        .flags(LOADING | STALE | FAST)
        .acl(acl::ADMIN | acl::DANGEROUS)
        .group("server")
        .tips(&["nondeterministic_output"])
        .doc("1.0.0", "O(1)", "Returns the Unix timestamp of the last successful save to disk."),
    Command::new("monitor", 1, monitor).flags(ADMIN | NOSCRIPT | LOADING | STALE).group("server").doc(
        "1.0.0",
        "",
        "Listens for all requests received by the server in real-time.",
    ),
    Command::new("slowlog", -2, container)
        .group("server")
        .doc("2.2.12", "Depends on subcommand.", "A container for slow log commands.")
        .subcommands(&[
            Command::new("get", -2, slowlog_get)
                .flags(ADMIN | LOADING | STALE)
                .group("server")
                .tips(&["request_policy:all_nodes", "nondeterministic_output"])
                .doc("2.2.12", "O(N) where N is the number of entries returned", "Returns the slow log's entries.")
                .history(&[("4.0.0", "Entries show the client's address and name.")])
                .args("[count:integer]"),
            Command::new("help", 2, slowlog_help).flags(LOADING | STALE).group("server").doc(
                "6.2.0",
                "O(1)",
                "Show helpful text about the different subcommands",
            ),
            Command::new("len", 2, slowlog_len)
                .flags(ADMIN | LOADING | STALE)
                .group("server")
                .tips(&["request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"])
                .doc("2.2.12", "O(1)", "Returns the number of entries in the slow log."),
            Command::new("reset", 2, slowlog_reset)
                .flags(ADMIN | LOADING | STALE)
                .group("server")
                .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
                .doc("2.2.12", "O(N) where N is the number of entries in the slowlog", "Clears all entries from the slow log."),
        ]),
    Command::new("memory", -2, container)
        .group("server")
        .doc("4.0.0", "Depends on subcommand.", "A container for memory diagnostics commands.")
        .subcommands(&[
            Command::new("doctor", 2, memory_doctor)
                .group("server")
                .tips(&["nondeterministic_output", "request_policy:all_shards", "response_policy:special"])
                .doc("4.0.0", "O(1)", "Outputs a memory problems report."),
            Command::new("help", 2, memory_help).flags(LOADING | STALE).group("server").doc(
                "4.0.0",
                "O(1)",
                "Returns helpful text about the different subcommands.",
            ),
            Command::new("malloc-stats", 2, memory_malloc_stats)
                .group("server")
                .tips(&["nondeterministic_output", "request_policy:all_shards", "response_policy:special"])
                .doc("4.0.0", "Depends on how much memory is allocated, could be slow", "Returns the allocator statistics."),
            Command::new("purge", 2, memory_purge)
                .group("server")
                .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
                .doc("4.0.0", "Depends on how much memory is allocated, could be slow", "Asks the allocator to release memory."),
            Command::new("stats", 2, memory_stats)
                .group("server")
                .tips(&["nondeterministic_output", "request_policy:all_shards", "response_policy:special"])
                .doc("4.0.0", "O(1)", "Returns details about memory usage."),
            Command::new("usage", -3, memory_usage)
                .flags(READONLY)
                .key_specs(&[key(2, RO)])
                .group("server")
                .doc("4.0.0", "O(N) where N is the number of samples.", "Estimates the memory usage of a key.")
                .args("key:key [SAMPLES count:integer]"),
        ]),
    Command::new("debug", -2, debug)
        .flags(ADMIN | NOSCRIPT | LOADING | STALE | PROTECTED)
        .group("server")
        .doc("1.0.0", "Depends on subcommand.", "A container for debugging commands.")
        .syscmd(),
];

/// Containers never run: the dispatcher resolves the subcommand first.
fn container(ctx: &mut Ctx) -> CmdResult {
    Err(ReplyError::unknown_subcommand(ctx.arg(1), ctx.cmd_name()))
}

/// INFO [section [section ...]]
pub fn info(ctx: &mut Ctx) -> CmdResult {
    let sections: Vec<String> = ctx.args_from(1).map(|a| String::from_utf8_lossy(a).to_ascii_lowercase()).collect();
    let text = ctx.srv.info_string(&sections);
    ctx.c.out.verbatim(text.as_bytes(), "txt");
    Ok(())
}

/// DBSIZE
pub fn dbsize(ctx: &mut Ctx) -> CmdResult {
    ctx.c.out.int(ctx.srv.dbs[ctx.c.db].len() as i64);
    Ok(())
}

/// TIME: [unix seconds, microseconds] as bulk strings.
pub fn time(ctx: &mut Ctx) -> CmdResult {
    let us = crate::server::unix_us();
    ctx.c.out.array(2);
    ctx.c.out.bulk_i64(us / 1_000_000);
    ctx.c.out.bulk_i64(us % 1_000_000);
    Ok(())
}

/// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
pub fn shutdown(ctx: &mut Ctx) -> CmdResult {
    let mut req = ShutdownRequest::default();
    let mut abort = false;
    for a in ctx.args_from(1) {
        if args::is(a, "nosave") {
            req.nosave = true;
        } else if args::is(a, "save") {
            req.save = true;
        } else if args::is(a, "now") {
            req.now = true;
        } else if args::is(a, "force") {
            req.force = true;
        } else if args::is(a, "abort") {
            abort = true;
        } else {
            return Err(ReplyError::syntax());
        }
    }
    if (abort && ctx.argc() != 2) || (req.nosave && req.save) {
        return Err(ReplyError::syntax());
    }
    if abort {
        return Err(ReplyError::no_shutdown_in_progress());
    }
    req.client = Some(ctx.c.token);
    ctx.srv.shutdown = Some(req);
    Ok(())
}

/// LASTSAVE: unix time of the last successful save.
pub fn lastsave(ctx: &mut Ctx) -> CmdResult {
    ctx.c.out.int(ctx.srv.lastsave);
    Ok(())
}

/// MONITOR: from now on the connection receives every command the server
/// runs (`call` feeds it). A second MONITOR is ignored without a reply, as
/// in Redis.
pub fn monitor(ctx: &mut Ctx) -> CmdResult {
    if ctx.c.monitor {
        return Ok(());
    }
    ctx.c.monitor = true;
    ctx.srv.monitors.push(ctx.c.token);
    ctx.c.out.ok();
    Ok(())
}

/// SLOWLOG GET [count]: the newest `count` entries (10 by default, -1 for
/// all), each [id, unix time, microseconds, args, client addr, client name].
fn slowlog_get(ctx: &mut Ctx) -> CmdResult {
    if ctx.argc() > 3 {
        return Err(subcommand_syntax_error(ctx));
    }
    let len = ctx.srv.slowlog.entries.len();
    let mut count = 10;
    if ctx.argc() == 3 {
        let n = crate::util::num::parse_i64_strict(ctx.arg(2)).filter(|&n| n >= -1).ok_or_else(ReplyError::count_below_minus_one)?;
        count = if n == -1 { len } else { n as usize };
    }
    let out = &mut ctx.c.out;
    let n = count.min(len);
    out.array(n);
    for e in ctx.srv.slowlog.entries.iter().take(n) {
        out.array(6);
        out.int(e.id as i64);
        out.int(e.time);
        out.int(e.duration_us as i64);
        out.array(e.args.len());
        for a in &e.args {
            out.bulk(a);
        }
        out.bulk(e.peer.as_bytes());
        out.bulk(&e.name);
    }
    Ok(())
}

/// SLOWLOG LEN
fn slowlog_len(ctx: &mut Ctx) -> CmdResult {
    ctx.c.out.int(ctx.srv.slowlog.entries.len() as i64);
    Ok(())
}

/// SLOWLOG RESET: drops every entry; ids keep counting.
fn slowlog_reset(ctx: &mut Ctx) -> CmdResult {
    ctx.srv.slowlog.entries.clear();
    ctx.c.out.ok();
    Ok(())
}

/// SLOWLOG HELP
fn slowlog_help(ctx: &mut Ctx) -> CmdResult {
    reply_help(
        ctx,
        &[
            "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN",
            "    Return the length of the slowlog.",
            "RESET",
            "    Reset the slowlog.",
        ],
    );
    Ok(())
}

/// MEMORY HELP
fn memory_help(ctx: &mut Ctx) -> CmdResult {
    reply_help(
        ctx,
        &[
            "DOCTOR",
            "    Return memory problems reports.",
            "MALLOC-STATS",
            "    Return internal statistics report from the memory allocator.",
            "PURGE",
            "    Attempt to purge dirty pages for reclamation by the allocator.",
            "STATS",
            "    Return information about the memory usage of the server.",
            "USAGE <key> [SAMPLES <count>]",
            "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).",
        ],
    );
    Ok(())
}

/// Bytes a keyspace entry takes: the 48-byte dict entry (key and value
/// inline, chain link), heap bytes of a long key or value, and the entry's
/// share of the bucket array.
pub fn entry_memory(db: &crate::db::Db, key: &[u8], val: &Value) -> usize {
    let key_heap = if key.len() > 22 { key.len() } else { 0 };
    let buckets = db.dict.buckets() * std::mem::size_of::<usize>();
    48 + key_heap + val.heap_size() + buckets / db.len().max(1)
}

/// MEMORY USAGE key [SAMPLES count]: bytes used by the key and its value,
/// or null when it does not exist. Strings are measured exactly; SAMPLES
/// matters for aggregates, which sample their elements.
fn memory_usage(ctx: &mut Ctx) -> CmdResult {
    let mut i = 3;
    while i < ctx.argc() {
        if args::is(ctx.arg(i), "samples") && i + 1 < ctx.argc() {
            let n = args::int(ctx.arg(i + 1))?;
            if n < 0 {
                return Err(ReplyError::syntax());
            }
            i += 2;
        } else {
            return Err(ReplyError::syntax());
        }
    }
    let key = ctx.arg(2);
    let db = &ctx.srv.dbs[ctx.c.db];
    match db.dict.get(key) {
        Some(v) => {
            let n = entry_memory(db, key, v);
            ctx.c.out.int(n as i64);
        }
        None => ctx.c.out.null(),
    }
    Ok(())
}

/// MEMORY STATS: the memory overhead report, as a map (getMemoryOverheadData).
/// Ratios are single-precision floats in Redis; they are rounded the same
/// way here so the printed digits look alike.
fn memory_stats(ctx: &mut Ctx) -> CmdResult {
    let m = ctx.srv.memory_figures();
    let net = m.used.saturating_sub(m.startup);
    let f = |a: u64, b: u64| if b == 0 { 0.0 } else { (a as f32 / b as f32) as f64 };
    let out = &mut ctx.c.out;
    out.map(27 + m.db_overheads.len());
    let pairs: [(&str, u64); 10] = [
        ("peak.allocated", m.peak),
        ("total.allocated", m.used),
        ("startup.allocated", m.startup),
        ("replication.backlog", 0),
        ("clients.slaves", 0),
        ("clients.normal", m.clients_normal),
        ("cluster.links", 0),
        ("aof.buffer", 0),
        ("lua.caches", 0),
        ("functions.caches", 0),
    ];
    for (k, v) in pairs {
        out.bulk(k.as_bytes());
        out.int(v as i64);
    }
    for (id, main, expires) in &m.db_overheads {
        out.bulk(format!("db.{}", id).as_bytes());
        out.map(3);
        out.bulk(b"overhead.hashtable.main");
        out.int(*main as i64);
        out.bulk(b"overhead.hashtable.expires");
        out.int(*expires as i64);
        out.bulk(b"overhead.hashtable.slot-to-keys");
        out.int(0);
    }
    out.bulk(b"overhead.total");
    out.int(m.overhead as i64);
    out.bulk(b"keys.count");
    out.int(m.keys as i64);
    out.bulk(b"keys.bytes-per-key");
    out.int(if m.keys == 0 { 0 } else { (net / m.keys) as i64 });
    out.bulk(b"dataset.bytes");
    out.int(m.dataset as i64);
    out.bulk(b"dataset.percentage");
    out.double(f(m.dataset * 100, net));
    out.bulk(b"peak.percentage");
    out.double(f(m.used * 100, m.peak));
    // The allocator's page-level view is not exposed by our jemalloc build
    // (see INFO memory): allocated and active are what was handed out,
    // resident is the process RSS.
    let (aa, ac, ar) = (m.used, m.used, m.rss);
    out.bulk(b"allocator.allocated");
    out.int(aa as i64);
    out.bulk(b"allocator.active");
    out.int(ac as i64);
    out.bulk(b"allocator.resident");
    out.int(ar as i64);
    out.bulk(b"allocator-fragmentation.ratio");
    out.double(f(ac, aa));
    out.bulk(b"allocator-fragmentation.bytes");
    out.int(ac as i64 - aa as i64);
    out.bulk(b"allocator-rss.ratio");
    out.double(f(ar, ac));
    out.bulk(b"allocator-rss.bytes");
    out.int(ar as i64 - ac as i64);
    out.bulk(b"rss-overhead.ratio");
    out.double(f(m.rss, ar));
    out.bulk(b"rss-overhead.bytes");
    out.int(m.rss as i64 - ar as i64);
    out.bulk(b"fragmentation");
    out.double(f(m.rss, m.used));
    out.bulk(b"fragmentation.bytes");
    out.int(m.rss as i64 - m.used as i64);
    Ok(())
}

/// MEMORY DOCTOR: Redis's memory advice. Below 5 MB there is nothing to
/// analyse; otherwise the checks that apply to what ferrodis measures
/// (peak, fragmentation, big client buffers).
fn memory_doctor(ctx: &mut Ctx) -> CmdResult {
    let m = ctx.srv.memory_figures();
    let text = if m.used < 5 * 1024 * 1024 {
        "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n".to_string()
    } else {
        let mut issues = String::new();
        if m.peak as f64 / m.used as f64 > 1.5 {
            issues.push_str(" * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n");
        }
        if m.rss as f64 / m.used as f64 > 1.4 && m.rss - m.used > 10 * 1024 * 1024 {
            issues.push_str(" * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is \"jemalloc-5.3.0\".\n\n");
        }
        let clients = ctx.srv.clients.len().max(1) as u64;
        if m.clients_normal / clients > 1024 * 200 {
            issues.push_str(" * Big client buffers: The clients output buffers are in general too big, slow clients or pipelining with very big commands are likely causing the output buffers to grow. Please check the number of clients and the output buffer limits set in redis.conf.\n\n");
        }
        if issues.is_empty() {
            "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n".to_string()
        } else {
            format!("Sam, I detected a few issues in this Redis instance memory implants:\n\n{}I'm here to keep you safe, Sam. I want to help you.\n", issues)
        }
    };
    ctx.c.out.verbatim(text.as_bytes(), "txt");
    Ok(())
}

/// MEMORY MALLOC-STATS: our jemalloc build has no statistics support,
/// which is Redis's answer for such an allocator.
fn memory_malloc_stats(ctx: &mut Ctx) -> CmdResult {
    ctx.c.out.bulk(b"Stats not supported for the current allocator");
    Ok(())
}

/// MEMORY PURGE: jemalloc returns dirty pages on its own decay schedule.
fn memory_purge(ctx: &mut Ctx) -> CmdResult {
    ctx.c.out.ok();
    Ok(())
}

/// Size above which list elements are stored in plain nodes
/// (DEBUG QUICKLIST-PACKED-THRESHOLD). It belongs to the quicklist, which
/// reads it when lists land; Redis keeps it as a global of quicklist.c too.
pub static QUICKLIST_PACKED_THRESHOLD: AtomicU64 = AtomicU64::new(1 << 30);

/// The SHA1 digest mixing of debug.c: `xor` folds a SHA1 into the digest,
/// `mix` also re-hashes it, so that order matters where Redis wants it to.
fn xor_digest(digest: &mut [u8; 20], data: &[u8]) {
    let hash = Sha1::digest(data);
    for (d, h) in digest.iter_mut().zip(hash.iter()) {
        *d ^= h;
    }
}

fn mix_digest(digest: &mut [u8; 20], data: &[u8]) {
    xor_digest(digest, data);
    let hash = Sha1::digest(&digest[..]);
    digest.copy_from_slice(&hash);
}

/// xorObjectDigest: the type, the value and whether it has a TTL.
fn object_digest(digest: &mut [u8; 20], val: &Value, has_expire: bool) {
    // OBJ_STRING is type 0, hashed as a big-endian u32.
    let ty: u32 = match val {
        Value::Int(_) | Value::Emb { .. } | Value::Str(_) => 0,
        Value::List(_) => 1,
        Value::Set(_) => 2,
        Value::ZSet(_) => 3,
        Value::Hash(_) => 4,
    };
    mix_digest(digest, &ty.to_be_bytes());
    let mut buf = [0u8; 20];
    match val {
        Value::List(list) => {
            // Elements are mixed in order.
            for e in list.iter() {
                mix_digest(digest, e.as_bytes(&mut buf));
            }
        }
        Value::Set(set) => {
            // Members are xor-ed: the digest does not depend on their order.
            for m in set.iter() {
                xor_digest(digest, m.bytes(&mut buf));
            }
        }
        Value::Hash(hash) => {
            // Each pair is mixed into its own digest, and those are xor-ed.
            let mut vbuf = [0u8; 20];
            for (k, v) in hash.iter() {
                let mut ele = [0u8; 20];
                mix_digest(&mut ele, k.as_bytes(&mut buf));
                mix_digest(&mut ele, v.as_bytes(&mut vbuf));
                xor_digest(digest, &ele);
            }
        }
        Value::ZSet(z) => {
            // Per member: mix the member, then the score as "%.17g"; the
            // pairs are xor-ed in (debug.c).
            for (m, score) in z.iter() {
                let mut ele = [0u8; 20];
                mix_digest(&mut ele, m.as_bytes(&mut buf));
                mix_digest(&mut ele, crate::util::num::format_g17(score).as_bytes());
                xor_digest(digest, &ele);
            }
        }
        _ => {
            if let Some(bytes) = val.string_bytes(&mut buf) {
                mix_digest(digest, bytes);
            }
        }
    }
    if has_expire {
        xor_digest(digest, b"!!expire!!");
    }
}

fn hex(d: &[u8; 20]) -> String {
    d.iter().map(|b| format!("{:02x}", b)).collect()
}

/// computeDatasetDigest: every database, every key; the same dataset gives
/// the same digest on Redis and on ferrodis.
pub fn dataset_digest(srv: &crate::server::Server) -> [u8; 20] {
    let mut fin = [0u8; 20];
    for db in &srv.dbs {
        if db.is_empty() {
            continue;
        }
        mix_digest(&mut fin, &(db.id as u32).to_be_bytes());
        for (key, val) in db.dict.iter() {
            let mut d = [0u8; 20];
            mix_digest(&mut d, key.as_bytes());
            object_digest(&mut d, val, db.expire_of(key.as_bytes()).is_some());
            xor_digest(&mut fin, &d);
        }
    }
    fin
}

/// rdbSavedObjectLen: the bytes rdbSaveObject writes for the value (no
/// type byte), measured by encoding it as SAVE would, LZF compression
/// following rdbcompression as in Redis.
fn rdb_value_size(val: &Value, compress: bool) -> usize {
    let mut enc = crate::persistence::rdb::Encoder::new(compress);
    enc.save_value(val);
    enc.buf.len()
}

/// DEBUG subcommand [args...]: introspection and test helpers (debug.c).
/// Only the subcommands that make sense for ferrodis's structures exist;
/// LOADAOF comes with the AOF.
pub fn debug(ctx: &mut Ctx) -> CmdResult {
    let sub = ctx.arg(1);
    let argc = ctx.argc();
    let is = |name: &str| args::is(sub, name);
    if is("help") && argc == 2 {
        debug_help(ctx);
    } else if is("sleep") && argc == 3 {
        let secs = String::from_utf8_lossy(ctx.arg(2)).trim().parse::<f64>().unwrap_or(0.0);
        if secs > 0.0 && secs.is_finite() {
            std::thread::sleep(std::time::Duration::from_secs_f64(secs));
        }
        ctx.c.out.ok();
    } else if is("object") && argc == 3 {
        debug_object(ctx)?;
    } else if is("set-active-expire") && argc == 3 {
        ctx.srv.active_expire_enabled = atoi(ctx.arg(2)) != 0;
        ctx.c.out.ok();
    } else if is("digest") && argc == 2 {
        let d = dataset_digest(ctx.srv);
        ctx.c.out.simple(&hex(&d));
    } else if is("digest-value") {
        let db = &ctx.srv.dbs[ctx.c.db];
        ctx.c.out.array(argc - 2);
        for key in ctx.args_from(2) {
            let mut d = [0u8; 20];
            // Logically expired keys count too: no lookup side effects.
            if let Some(v) = db.dict.get(key) {
                object_digest(&mut d, v, db.expire_of(key).is_some());
            }
            ctx.c.out.simple(&hex(&d));
        }
    } else if is("populate") && (3..=5).contains(&argc) {
        debug_populate(ctx)?;
    } else if is("protocol") && argc == 3 {
        debug_protocol(ctx)?;
    } else if is("change-repl-id") && argc == 2 {
        log::warn!("Changing replication IDs after receiving DEBUG change-repl-id");
        ctx.srv.master_replid = crate::util::rand::random_hex40();
        ctx.srv.master_replid2 = "0".repeat(40);
        ctx.srv.second_repl_offset = -1;
        ctx.c.out.ok();
    } else if is("listpack") && argc == 3 {
        // No type uses a listpack yet, so an existing key never is one.
        let key = ctx.arg(2);
        if !ctx.srv.key_exists(ctx.c.db, key) {
            return Err(ReplyError::no_such_key());
        }
        return Err(ReplyError::debug_not_listpack());
    } else if is("quicklist-packed-threshold") && argc == 3 {
        match crate::config::parse_memory(&String::from_utf8_lossy(ctx.arg(2))) {
            Some(sz) if sz <= (1u64 << 32) - (1 << 20) => {
                let sz = if sz == 0 { 1 << 30 } else { sz };
                QUICKLIST_PACKED_THRESHOLD.store(sz, Ordering::Relaxed);
                ctx.c.out.ok();
            }
            _ => return Err(ReplyError::debug_memory_value()),
        }
    } else if is("stringmatch-test") && argc == 2 {
        stringmatch_fuzz();
        ctx.c.out.simple("Apparently Redis did not crash: test passed");
    } else if is("error") && argc == 3 {
        // The client's own line, written as protocol like Redis does: not
        // an error reply of ours, so no error statistics count it.
        let line: Vec<u8> = ctx.arg(2).iter().map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }).collect();
        ctx.c.out.raw(b"-");
        ctx.c.out.raw(&line);
        ctx.c.out.raw(b"\r\n");
    } else if is("reload") {
        super::persistence::debug_reload(ctx)?;
    } else if is("log") && argc == 3 {
        log::warn!("DEBUG LOG: {}", String::from_utf8_lossy(ctx.arg(2)));
        ctx.c.out.ok();
    } else {
        // DEBUG is not a container, so its error names DEBUG explicitly.
        return Err(ReplyError::subcommand_syntax(ctx.arg(1), "debug"));
    }
    Ok(())
}

/// C's atoi: leading digits, 0 when none.
fn atoi(s: &[u8]) -> i64 {
    let s = String::from_utf8_lossy(s);
    let s = s.trim_start();
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, s.strip_prefix('+').unwrap_or(s)),
    };
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse::<i64>().map(|n| sign * n).unwrap_or(0)
}

/// DEBUG OBJECT key: Redis's one-line description of the value.
fn debug_object(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.arg(2);
    let Some(entry) = ctx.srv.dbs[ctx.c.db].dict.get_entry(key) else {
        return Err(ReplyError::no_such_key());
    };
    let val = &entry.val;
    let lru = entry.key.lru();
    // Integers 0..9999 are shared objects in Redis (refcount INT_MAX).
    let refcount: i64 = match val {
        Value::Int(n) if (0..10000).contains(n) => i32::MAX as i64,
        _ => 1,
    };
    let mut line = format!(
        "Value at:{:p} refcount:{} encoding:{} serializedlength:{} lru:{} lru_seconds_idle:{}",
        val as *const Value,
        refcount,
        val.encoding(),
        rdb_value_size(val, ctx.srv.config.rdbcompression),
        lru,
        crate::db::idle_seconds(lru),
    );
    if let Value::List(l) = val {
        // The quicklist details debug.c appends.
        let nodes = l.node_count();
        line.push_str(&format!(
            " ql_nodes:{} ql_avg_node:{:.2} ql_listpack_max:{} ql_compressed:{} ql_uncompressed_size:{}",
            nodes,
            l.len() as f64 / nodes as f64,
            l.fill(),
            (l.compress_depth() != 0) as u8,
            l.nodes().map(|n| n.bytes().len()).sum::<usize>(),
        ));
    }
    ctx.c.out.simple(&line);
    Ok(())
}

/// DEBUG POPULATE count [prefix] [size]: creates `prefix:N` (default
/// "key:N") = "value:N", padded with zero bytes or cut to `size`. Existing
/// keys are left alone; nothing is propagated.
fn debug_populate(ctx: &mut Ctx) -> CmdResult {
    let positive = |a: &[u8]| -> Result<u64, ReplyError> {
        crate::util::num::parse_i64_strict(a).filter(|&n| n >= 0).map(|n| n as u64).ok_or_else(ReplyError::not_positive)
    };
    let count = positive(ctx.arg(2))?;
    let prefix = if ctx.argc() >= 4 { ctx.arg(3).to_vec() } else { b"key".to_vec() };
    let size = if ctx.argc() == 5 { positive(ctx.arg(4))? as usize } else { 0 };
    let db = ctx.c.db;
    for j in 0..count {
        let mut key = prefix.clone();
        key.extend_from_slice(format!(":{}", j).as_bytes());
        if ctx.srv.key_exists(db, &key) {
            continue;
        }
        let mut val = format!("value:{}", j).into_bytes();
        if size != 0 {
            val.resize(size, 0);
        }
        ctx.srv.dbs[db].add(&key, Value::plain_string(&val));
        ctx.srv.signal_modified_key(db, &key);
    }
    ctx.c.out.ok();
    Ok(())
}

/// DEBUG PROTOCOL type: a sample reply of each RESP3 type, degraded for
/// RESP2 the way Redis degrades it.
fn debug_protocol(ctx: &mut Ctx) -> CmdResult {
    let name = ctx.arg(2);
    let is = |n: &str| args::is(name, n);
    let out = &mut ctx.c.out;
    let resp3 = out.resp >= 3;
    if is("string") {
        out.bulk(b"Hello World");
    } else if is("integer") {
        out.int(12345);
    } else if is("double") {
        // The literal DEBUG PROTOCOL double sends, not an approximation of π.
        #[allow(clippy::approx_constant)]
        out.double(3.141);
    } else if is("bignum") {
        let n = b"1234567999999999999999999999999999999";
        if resp3 {
            out.raw(b"(");
            out.raw(n);
            out.raw(b"\r\n");
        } else {
            out.bulk(n);
        }
    } else if is("null") {
        out.null();
    } else if is("array") {
        out.array(3);
        (0..3).for_each(|j| out.int(j));
    } else if is("set") {
        out.set(3);
        (0..3).for_each(|j| out.int(j));
    } else if is("map") {
        out.map(3);
        for j in 0..3 {
            out.int(j);
            out.boolean(j == 1);
        }
    } else if is("attrib") {
        if resp3 {
            out.raw(b"|1\r\n");
            out.bulk(b"key-popularity");
            out.array(2);
            out.bulk(b"key:123");
            out.int(90);
        }
        out.bulk(b"Some real reply following the attribute");
    } else if is("push") {
        if !resp3 {
            return Err(ReplyError::debug_protocol_resp2());
        }
        out.push(2);
        out.bulk(b"server-cpu-usage");
        out.int(42);
        out.bulk(b"Some real reply following the push reply");
    } else if is("true") {
        out.boolean(true);
    } else if is("false") {
        out.boolean(false);
    } else if is("verbatim") {
        out.verbatim(b"This is a verbatim\nstring", "txt");
    } else {
        return Err(ReplyError::debug_protocol_type());
    }
    Ok(())
}

/// DEBUG STRINGMATCH-TEST: random patterns against random strings; the
/// test passes when the matcher neither panics nor loops.
fn stringmatch_fuzz() {
    use crate::util::rand::random_u64;
    let alphabet = b"*?[]^-\\ab";
    for _ in 0..100_000 {
        let mut pat = vec![0u8; (random_u64() % 32) as usize];
        let mut s = vec![0u8; (random_u64() % 32) as usize];
        for b in pat.iter_mut() {
            *b = alphabet[(random_u64() % alphabet.len() as u64) as usize];
        }
        for b in s.iter_mut() {
            *b = alphabet[(random_u64() % alphabet.len() as u64) as usize];
        }
        let _ = crate::util::glob::glob_match(&pat, &s, random_u64() % 2 == 0);
    }
}

/// DEBUG HELP: Redis 7.0's text, as clients and tools see it.
fn debug_help(ctx: &mut Ctx) {
    reply_help(
        ctx,
        &[
            "AOF-FLUSH-SLEEP <microsec>",
            "    Server will sleep before flushing the AOF, this is used for testing.",
            "ASSERT",
            "    Crash by assertion failed.",
            "CHANGE-REPL-ID",
            "    Change the replication IDs of the instance.",
            "    Dangerous: should be used only for testing the replication subsystem.",
            "CONFIG-REWRITE-FORCE-ALL",
            "    Like CONFIG REWRITE but writes all configuration options, including",
            "    keywords not listed in original configuration file or default values.",
            "CRASH-AND-RECOVER [<milliseconds>]",
            "    Hard crash and restart after a <milliseconds> delay (default 0).",
            "DIGEST",
            "    Output a hex signature representing the current DB content.",
            "DIGEST-VALUE <key> [<key> ...]",
            "    Output a hex signature of the values of all the specified keys.",
            "ERROR <string>",
            "    Return a Redis protocol error with <string> as message. Useful for clients",
            "    unit tests to simulate Redis errors.",
            "LEAK <string>",
            "    Create a memory leak of the input string.",
            "LOG <message>",
            "    Write <message> to the server log.",
            "HTSTATS <dbid>",
            "    Return hash table statistics of the specified Redis database.",
            "HTSTATS-KEY <key>",
            "    Like HTSTATS but for the hash table stored at <key>'s value.",
            "LOADAOF",
            "    Flush the AOF buffers on disk and reload the AOF in memory.",
            "REPLICATE <string>",
            "    Replicates the provided string to replicas, allowing data divergence.",
            "MALLCTL <key> [<val>]",
            "    Get or set a malloc tuning integer.",
            "MALLCTL-STR <key> [<val>]",
            "    Get or set a malloc tuning string.",
            "OBJECT <key>",
            "    Show low level info about `key` and associated value.",
            "DROP-CLUSTER-PACKET-FILTER <packet-type>",
            "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
            "OOM",
            "    Crash the server simulating an out-of-memory error.",
            "PANIC",
            "    Crash the server simulating a panic.",
            "POPULATE <count> [<prefix>] [<size>]",
            "    Create <count> string keys named key:<num>. If <prefix> is specified then",
            "    it is used instead of the 'key' prefix. These are not propagated to",
            "    replicas. Cluster slots are not respected so keys not belonging to the",
            "    current node can be created in cluster mode.",
            "PROTOCOL <type>",
            "    Reply with a test value of the specified type. <type> can be: string,",
            "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
            "    true, false.",
            "RELOAD [option ...]",
            "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
            "    * MERGE: conflicting keys will be loaded from RDB.",
            "    * NOFLUSH: the existing database will not be removed before load, but",
            "      conflicting keys will generate an exception and kill the server.",
            "    * NOSAVE: the database will be loaded from an existing RDB file.",
            "    Examples:",
            "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
            "      the database.",
            "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
            "      existing RDB file.",
            "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
            "      file to the database.",
            "RESTART [<milliseconds>]",
            "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
            "SDSLEN <key>",
            "    Show low level SDS string info representing `key` and value.",
            "SEGFAULT",
            "    Crash the server with sigsegv.",
            "SET-ACTIVE-EXPIRE <0|1>",
            "    Setting it to 0 disables expiring keys in background when they are not",
            "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
            "    default.",
            "QUICKLIST-PACKED-THRESHOLD <size>",
            "    Sets the threshold for elements to be inserted as plain vs packed nodes",
            "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
            "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
            "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
            "SLEEP <seconds>",
            "    Stop the server for <seconds>. Decimals allowed.",
            "STRINGMATCH-TEST",
            "    Run a fuzz tester against the stringmatchlen() function.",
            "STRUCTSIZE",
            "    Return the size of different Redis core C structures.",
            "LISTPACK <key>",
            "    Show low level info about the listpack encoding of <key>.",
            "QUICKLIST <key> [<0|1>]",
            "    Show low level info about the quicklist encoding of <key>.",
            "    The optional argument (0 by default) sets the level of detail",
            "CLIENT-EVICTION",
            "    Show low level client eviction pools info (maxmemory-clients).",
            "PAUSE-CRON <0|1>",
            "    Stop periodic cron job processing.",
            "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
            "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
            "    In case NEVER is provided the last observed peak will never be reset",
            "    In case RESET is provided the peak reset time will be restored to the default value",
            "REPLYBUFFER RESIZING <0|1>",
            "    Enable or disable the reply buffer resize cron job",
            "CLUSTERLINK KILL <to|from|all> <node-id>",
            "    Kills the link based on the direction to/from (both) with the provided node.",
        ],
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testing::TestServer;

    // Expected bytes from redis-server 7.0.15 (scripts/oracle.py).
    #[test]
    fn slowlog() {
        let mut t = TestServer::new();
        t.check(&[
            ("SLOWLOG GET x", "-ERR count should be greater than or equal to -1\r\n"),
            ("SLOWLOG GET -1", "*0\r\n"),
            ("SLOWLOG GET -2", "-ERR count should be greater than or equal to -1\r\n"),
            ("SLOWLOG GET 0", "*0\r\n"),
            ("SLOWLOG LEN", ":0\r\n"),
            ("SLOWLOG RESET", "+OK\r\n"),
            ("SLOWLOG LEN x", "-ERR wrong number of arguments for 'slowlog|len' command\r\n"),
            ("SLOWLOG GET 1 2", "-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.\r\n"),
            ("SLOWLOG FOO", "-ERR unknown subcommand 'FOO'. Try SLOWLOG HELP.\r\n"),
            ("SLOWLOG HELP", "*12\r\n+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET [<count>]\r\n+    Return top <count> entries from the slowlog (default: 10, -1 mean all).\r\n+    Entries are made of:\r\n+    id, timestamp, time in microseconds, arguments array, client IP and port,\r\n+    client name\r\n+LEN\r\n+    Return the length of the slowlog.\r\n+RESET\r\n+    Reset the slowlog.\r\n+HELP\r\n+    Prints this help.\r\n"),
        ]);
        t.srv.config.slowlog_log_slower_than = 0;
        t.check(&[("SET k vvvv", "+OK\r\n"), ("CLIENT SETNAME nm", "+OK\r\n")]);
        let got = t.text(&["SLOWLOG", "GET", "2"]);
        // The time and the duration of each entry are masked.
        let mut lines: Vec<&str> = got.split("\r\n").collect();
        for i in 0..lines.len() {
            if lines[i] == "*6" {
                lines[i + 2] = ":T";
                lines[i + 3] = ":D";
            }
        }
        let want = "*2\r\n*6\r\n:1\r\n:T\r\n:D\r\n*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$2\r\nnm\r\n$0\r\n\r\n$2\r\nnm\r\n*6\r\n:0\r\n:T\r\n:D\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\nvvvv\r\n$0\r\n\r\n$0\r\n\r\n";
        assert_eq!(lines.join("\r\n"), want);
        t.check(&[("SLOWLOG LEN", ":3\r\n"), ("SLOWLOG RESET", "+OK\r\n")]);
        assert_eq!(t.text(&["SLOWLOG", "LEN"]), ":1\r\n"); // SLOWLOG RESET itself
    }

    #[test]
    fn memory() {
        let mut t = TestServer::new();
        t.check(&[
            ("SET k vvvv", "+OK\r\n"),
            ("MEMORY USAGE nokey", "$-1\r\n"),
            ("MEMORY USAGE k SAMPLES", "-ERR syntax error\r\n"),
            ("MEMORY USAGE k SAMPLES x", "-ERR value is not an integer or out of range\r\n"),
            ("MEMORY USAGE k foo 1", "-ERR syntax error\r\n"),
            ("MEMORY PURGE", "+OK\r\n"),
            ("MEMORY FOO", "-ERR unknown subcommand 'FOO'. Try MEMORY HELP.\r\n"),
            ("MEMORY HELP", "*14\r\n+MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+DOCTOR\r\n+    Return memory problems reports.\r\n+MALLOC-STATS\r\n+    Return internal statistics report from the memory allocator.\r\n+PURGE\r\n+    Attempt to purge dirty pages for reclamation by the allocator.\r\n+STATS\r\n+    Return information about the memory usage of the server.\r\n+USAGE <key> [SAMPLES <count>]\r\n+    Return memory in bytes used by <key> and its value. Nested values are\r\n+    sampled up to <count> times (default: 5, 0 means sample all).\r\n+HELP\r\n+    Prints this help.\r\n"),
        ]);
        // Redis says 64 (robj + sds + dictEntry); ours: one key in 4 buckets,
        // the 48-byte entry plus the whole 32-byte bucket array.
        assert_eq!(t.text(&["MEMORY", "USAGE", "k"]), ":80\r\n");
        assert_eq!(t.text(&["MEMORY", "USAGE", "k", "SAMPLES", "0"]), ":80\r\n");
        let long = "x".repeat(100);
        t.run(&["SET", "big", &long]);
        let n: i64 = t.text(&["MEMORY", "USAGE", "big"])[1..].trim().parse().unwrap();
        assert!(n >= 48 + 100, "{}", n);
        let stats = t.text(&["MEMORY", "STATS"]);
        assert!(stats.starts_with("*56\r\n$14\r\npeak.allocated\r\n:"), "{}", stats);
        assert!(stats.contains("$4\r\ndb.0\r\n*6\r\n$23\r\noverhead.hashtable.main\r\n:"));
        assert!(stats.contains("$10\r\nkeys.count\r\n:2\r\n"));
        assert!(stats.contains("$19\r\nfragmentation.bytes\r\n:"));
    }

    #[test]
    fn lastsave_and_monitor() {
        let mut t = TestServer::new();
        assert_eq!(t.text(&["LASTSAVE"]), format!(":{}\r\n", t.srv.lastsave));
        t.check(&[("MONITOR", "+OK\r\n"), ("MONITOR", "")]);
        assert!(t.client.monitor);
        assert_eq!(t.srv.monitors, vec![t.client.token]);
    }

    #[test]
    fn debug_digests_match_redis() {
        let mut t = TestServer::new();
        t.check(&[
            ("SADD s a b 1 2 zz", ":5\r\n"),
            ("DEBUG DIGEST-VALUE s", "*1\r\n+e562736e697d4a2b80308e64f0bda26f0054e56a\r\n"),
            ("SADD t 1 2 3", ":3\r\n"),
            ("DEBUG DIGEST-VALUE t", "*1\r\n+2a462a3f51a1db89738ebbeef0c47ce1bbc85246\r\n"),
            ("RPUSH l a 1 -1 1000 hello", ":5\r\n"),
            ("DEBUG DIGEST-VALUE l", "*1\r\n+450c7cf5ef7f08833eecefdd33e4dbf804dd8bc2\r\n"),
            ("DEL s t l", ":3\r\n"),
        ]);
        t.check(&[
            ("DEBUG DIGEST", "+0000000000000000000000000000000000000000\r\n"),
            ("SET k v", "+OK\r\n"),
            ("DEBUG DIGEST", "+264ccf65edec66bccfa7cc659414ccca432057d2\r\n"),
            (
                "DEBUG DIGEST-VALUE k nokey",
                "*2\r\n+d79ee9fe5d5ad902d7f6620efc3b07b75ddd742f\r\n+0000000000000000000000000000000000000000\r\n",
            ),
            ("DEBUG DIGEST-VALUE", "*0\r\n"),
        ]);
    }

    #[test]
    fn debug_object_lengths_match_redis() {
        let mut t = TestServer::new();
        let cases = [
            ("v", "refcount:1 encoding:embstr serializedlength:2 "),
            ("123", "refcount:2147483647 encoding:int serializedlength:2 "),
            ("10000", "refcount:1 encoding:int serializedlength:3 "),
            ("-1", "refcount:1 encoding:int serializedlength:2 "),
            ("100000", "refcount:1 encoding:int serializedlength:5 "),
            ("12345678901234567890", "refcount:1 encoding:embstr serializedlength:21 "),
            ("0123", "refcount:1 encoding:embstr serializedlength:5 "),
            ("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", "refcount:1 encoding:raw serializedlength:37 "),
            ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "refcount:1 encoding:raw serializedlength:13 "),
        ];
        for (v, want) in cases {
            t.run(&["SET", "k", v]);
            let got = t.text(&["DEBUG", "OBJECT", "k"]);
            assert!(got.starts_with("+Value at:0x"), "{}", got);
            assert!(got.contains(want), "{}: {}", v, got);
            assert!(got.ends_with(" lru_seconds_idle:0\r\n"), "{}", got);
        }
        t.check(&[("DEBUG OBJECT nokey", "-ERR no such key\r\n")]);
    }

    /// serializedlength of aggregates: the size rdbSaveObject writes, as
    /// the Debian redis-server 7.0.15 reports it (scripts/oracle.py).
    #[test]
    fn debug_object_lengths_of_aggregates_match_redis() {
        let mut t = TestServer::new();
        let words = |v: &[&str]| -> Vec<String> { v.iter().map(|w| w.to_string()).collect() };
        let mut big_hash = words(&["HSET", "h3"]);
        big_hash.extend((0..600).flat_map(|i| [format!("f{}", i), format!("v{}", i)]));
        let mut big_zset = words(&["ZADD", "z3"]);
        big_zset.extend((0..200).flat_map(|i| [format!("{:.1}", i as f64 * 1.5), format!("m{}", i)]));
        let mut big_list = words(&["RPUSH", "l2"]);
        big_list.extend((0..10000).map(|i| format!("element:{}", i)));
        let x100 = "x".repeat(100);
        let y100 = "y".repeat(100);
        let a200 = "a".repeat(200);
        let writes: Vec<Vec<String>> = vec![
            words(&["HSET", "h", "a", "1"]),
            words(&["HSET", "h2", "f", &x100]),
            big_hash,
            words(&["ZADD", "z", "1.5", "a", "-inf", "b", "+inf", "c", "0", "d", "1e300", "e", "3", "f"]),
            words(&["ZADD", "z2", "1", &y100, "2", "b"]),
            big_zset,
            words(&["RPUSH", "l", "a", "b", "1", "-2", "300000"]),
            big_list,
            words(&["SADD", "s", "1", "2", "3", "-4"]),
            words(&["SADD", "s2", "a", "b", "c"]),
            words(&["HSET", "hc", "f", &a200]),
        ];
        for w in &writes {
            let args: Vec<&str> = w.iter().map(|a| a.as_str()).collect();
            t.run(&args);
        }
        let want = [
            ("h", "encoding:listpack serializedlength:13 "),
            ("h2", "encoding:hashtable serializedlength:16 "),
            ("h3", "encoding:hashtable serializedlength:5782 "),
            ("z", "encoding:listpack serializedlength:66 "),
            ("z2", "encoding:skiplist serializedlength:32 "),
            ("z3", "encoding:skiplist serializedlength:2492 "),
            ("l", "encoding:quicklist serializedlength:26 "),
            ("l", " lru_seconds_idle:0 ql_nodes:1 ql_avg_node:5.00 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:23\r\n"),
            ("l2", "encoding:quicklist serializedlength:49677 "),
            ("l2", " ql_nodes:17 ql_avg_node:588.24 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:139009\r\n"),
            ("s", "encoding:intset serializedlength:17 "),
            ("s2", "encoding:hashtable serializedlength:7 "),
            ("hc", "encoding:hashtable serializedlength:16 "),
        ];
        for (k, w) in want {
            let got = t.text(&["DEBUG", "OBJECT", k]);
            assert!(got.contains(w), "{}: {}", k, got);
        }
        t.run(&["CONFIG", "SET", "list-compress-depth", "1"]);
        t.run(&["CONFIG", "SET", "list-max-listpack-size", "5"]);
        t.run(&["RPUSH", "l3", "a", "b", "c", "d", "e", "f", "g"]);
        let got = t.text(&["DEBUG", "OBJECT", "l3"]);
        let want = " ql_nodes:2 ql_avg_node:3.50 ql_listpack_max:5 ql_compressed:1 ql_uncompressed_size:35\r\n";
        assert!(got.ends_with(want), "{}", got);
        // rdbcompression no: strings are measured uncompressed, as Redis does.
        t.run(&["CONFIG", "SET", "rdbcompression", "no"]);
        for (k, w) in [("hc", "serializedlength:205 "), ("l2", "serializedlength:139061 ")] {
            let got = t.text(&["DEBUG", "OBJECT", k]);
            assert!(got.contains(w), "{}: {}", k, got);
        }
    }

    #[test]
    fn debug_misc() {
        let mut t = TestServer::new();
        t.check(&[
            ("DEBUG", "-ERR wrong number of arguments for 'debug' command\r\n"),
            ("DEBUG FOO", "-ERR unknown subcommand or wrong number of arguments for 'FOO'. Try DEBUG HELP.\r\n"),
            ("DEBUG SLEEP 0", "+OK\r\n"),
            ("DEBUG SLEEP x", "+OK\r\n"),
            ("DEBUG SLEEP", "-ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP.\r\n"),
            ("DEBUG SET-ACTIVE-EXPIRE 0", "+OK\r\n"),
        ]);
        assert!(!t.srv.active_expire_enabled);
        t.check(&[
            ("DEBUG SET-ACTIVE-EXPIRE 1", "+OK\r\n"),
            (
                "DEBUG SET-ACTIVE-EXPIRE",
                "-ERR unknown subcommand or wrong number of arguments for 'SET-ACTIVE-EXPIRE'. Try DEBUG HELP.\r\n",
            ),
            ("DEBUG CHANGE-REPL-ID", "+OK\r\n"),
            ("DEBUG STRINGMATCH-TEST", "+Apparently Redis did not crash: test passed\r\n"),
            ("DEBUG ERROR foo", "-foo\r\n"),
            ("DEBUG LOG hello", "+OK\r\n"),
            ("SET k v", "+OK\r\n"),
            ("DEBUG LISTPACK k", "-ERR Not a listpack encoded object.\r\n"),
            ("DEBUG LISTPACK nokey", "-ERR no such key\r\n"),
            ("DEBUG QUICKLIST-PACKED-THRESHOLD 100", "+OK\r\n"),
            ("DEBUG QUICKLIST-PACKED-THRESHOLD x", "-ERR argument must be a memory value bigger than 1 and smaller than 4gb\r\n"),
            ("DEBUG QUICKLIST-PACKED-THRESHOLD 1k", "+OK\r\n"),
            ("DEBUG JMAP", "-ERR unknown subcommand or wrong number of arguments for 'JMAP'. Try DEBUG HELP.\r\n"),
            ("DEBUG POPULATE", "-ERR unknown subcommand or wrong number of arguments for 'POPULATE'. Try DEBUG HELP.\r\n"),
            ("DEBUG POPULATE 3", "+OK\r\n"),
            ("DBSIZE", ":4\r\n"),
            ("DEBUG POPULATE 2 p 5", "+OK\r\n"),
            ("GET p:1", "$5\r\nvalue\r\n"),
            ("GET key:0", "$7\r\nvalue:0\r\n"),
            ("DEBUG POPULATE 1 q 9", "+OK\r\n"),
            ("GET q:0", "$9\r\nvalue:0\0\0\r\n"),
            ("DEBUG POPULATE -1", "-ERR value is out of range, must be positive\r\n"),
            ("DEBUG POPULATE x", "-ERR value is out of range, must be positive\r\n"),
            ("DEBUG POPULATE 1 p x", "-ERR value is out of range, must be positive\r\n"),
        ]);
        assert_eq!(QUICKLIST_PACKED_THRESHOLD.load(Ordering::Relaxed), 1000);
        let help = t.text(&["DEBUG", "HELP"]);
        assert!(
            help.starts_with("*106\r\n+DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+AOF-FLUSH-SLEEP <microsec>\r\n")
        );
        assert!(help.ends_with("+CLUSTERLINK KILL <to|from|all> <node-id>\r\n+    Kills the link based on the direction to/from (both) with the provided node.\r\n+HELP\r\n+    Prints this help.\r\n"));
    }

    #[test]
    fn debug_protocol_resp2_and_resp3() {
        let mut t = TestServer::new();
        t.check(&[
            ("DEBUG PROTOCOL string", "$11\r\nHello World\r\n"),
            ("DEBUG PROTOCOL integer", ":12345\r\n"),
            ("DEBUG PROTOCOL double", "$5\r\n3.141\r\n"),
            ("DEBUG PROTOCOL bignum", "$37\r\n1234567999999999999999999999999999999\r\n"),
            ("DEBUG PROTOCOL null", "$-1\r\n"),
            ("DEBUG PROTOCOL array", "*3\r\n:0\r\n:1\r\n:2\r\n"),
            ("DEBUG PROTOCOL set", "*3\r\n:0\r\n:1\r\n:2\r\n"),
            ("DEBUG PROTOCOL map", "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n"),
            ("DEBUG PROTOCOL attrib", "$39\r\nSome real reply following the attribute\r\n"),
            ("DEBUG PROTOCOL push", "-ERR RESP2 is not supported by this command\r\n"),
            ("DEBUG PROTOCOL verbatim", "$25\r\nThis is a verbatim\nstring\r\n"),
            ("DEBUG PROTOCOL true", ":1\r\n"),
            ("DEBUG PROTOCOL false", ":0\r\n"),
            ("DEBUG PROTOCOL foo", "-ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false\r\n"),
            ("DEBUG PROTOCOL", "-ERR unknown subcommand or wrong number of arguments for 'PROTOCOL'. Try DEBUG HELP.\r\n"),
        ]);
        t.client.out.resp = 3;
        t.check(&[
            ("DEBUG PROTOCOL double", ",3.141\r\n"),
            ("DEBUG PROTOCOL bignum", "(1234567999999999999999999999999999999\r\n"),
            ("DEBUG PROTOCOL null", "_\r\n"),
            ("DEBUG PROTOCOL set", "~3\r\n:0\r\n:1\r\n:2\r\n"),
            ("DEBUG PROTOCOL map", "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n"),
            (
                "DEBUG PROTOCOL attrib",
                "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n",
            ),
            ("DEBUG PROTOCOL push", ">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$40\r\nSome real reply following the push reply\r\n"),
            ("DEBUG PROTOCOL verbatim", "=29\r\ntxt:This is a verbatim\nstring\r\n"),
            ("DEBUG PROTOCOL true", "#t\r\n"),
            ("DEBUG PROTOCOL false", "#f\r\n"),
        ]);
    }
}
