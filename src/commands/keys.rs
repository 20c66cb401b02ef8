//! Generic keyspace commands (DEL, EXISTS, EXPIRE, SCAN, RENAME, ...); mirrors db.c and expire.c.

use super::args;
use super::errors::{CmdResult, ReplyError};
use super::keyspec::*;
use super::table::{acl, flag::*, Command};
use super::Ctx;
use crate::db::keyspace::event;
use crate::server::Server;
use crate::types::value::Value;
use crate::util::glob::glob_match;
use crate::util::num::parse_i64_strict;

const K: u32 = acl::KEYSPACE;

const OBJECT_SUBCOMMANDS: &[Command] = &[
    Command::new("help", 2, object_help).flags(LOADING | STALE).acl(K).doc(
        "6.2.0",
        "O(1)",
        "Show helpful text about the different subcommands",
    ),
    Command::new("encoding", 3, object_encoding)
        .tips(&["nondeterministic_output"])
        .flags(READONLY)
        .acl(K)
        .key_specs(&[key(2, RO)])
        .doc("2.2.3", "O(1)", "Inspect the internal encoding of a Redis object")
        .args("key:key"),
    Command::new("idletime", 3, object_idletime)
        .tips(&["nondeterministic_output"])
        .flags(READONLY)
        .acl(K)
        .key_specs(&[key(2, RO)])
        .doc("2.2.3", "O(1)", "Get the time since a Redis object was last accessed")
        .args("key:key"),
    Command::new("refcount", 3, object_refcount)
        .tips(&["nondeterministic_output"])
        .flags(READONLY)
        .acl(K)
        .key_specs(&[key(2, RO)])
        .doc("2.2.3", "O(1)", "Get the number of references to the value of the key")
        .args("key:key"),
    Command::new("freq", 3, object_freq)
        .tips(&["nondeterministic_output"])
        .flags(READONLY)
        .acl(K)
        .key_specs(&[key(2, RO)])
        .doc("4.0.0", "O(1)", "Get the logarithmic access frequency counter of a Redis object")
        .args("key:key"),
];

pub const COMMANDS: &[Command] = &[
    Command::new("del", -2, del).tips(&["request_policy:multi_shard", "response_policy:agg_sum"]).flags(WRITE).acl(K).key_specs(&[key(1, RM | DELETE).range(-1, 1, 0)])
        .doc("1.0.0", "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).", "Delete a key")
        .args("key:key..."),
    Command::new("unlink", -2, unlink).tips(&["request_policy:multi_shard", "response_policy:agg_sum"]).flags(WRITE | FAST).acl(K).key_specs(&[key(1, RM | DELETE).range(-1, 1, 0)])
        .doc("4.0.0", "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.", "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.")
        .args("key:key..."),
    Command::new("exists", -2, exists).tips(&["request_policy:multi_shard", "response_policy:agg_sum"]).flags(READONLY | FAST).acl(K).key_specs(&[key(1, RO).range(-1, 1, 0)])
        .doc("1.0.0", "O(N) where N is the number of keys to check.", "Determine if a key exists")
        .history(&[("3.0.3", "Takes several keys.")])
        .args("key:key..."),
    Command::new("type", 2, type_).flags(READONLY | FAST).acl(K).key_specs(&[key(1, RO)])
        .doc("1.0.0", "O(1)", "Determine the type stored at key")
        .args("key:key"),
    Command::new("touch", -2, touch).tips(&["request_policy:multi_shard", "response_policy:agg_sum"]).flags(READONLY | FAST).acl(K).key_specs(&[key(1, RO).range(-1, 1, 0)])
        .doc("3.2.1", "O(N) where N is the number of keys that will be touched.", "Alters the last access time of a key(s). Returns the number of existing keys specified.")
        .args("key:key..."),
    Command::new("rename", 3, rename).flags(WRITE).acl(K).key_specs(&[key(1, RW | ACCESS | DELETE), key(2, OW | UPDATE)])
        .doc("1.0.0", "O(1)", "Rename a key")
        .args("key:key newkey:key"),
    Command::new("renamenx", 3, renamenx).flags(WRITE | FAST).acl(K).key_specs(&[key(1, RW | ACCESS | DELETE), key(2, OW | INSERT)])
        .doc("1.0.0", "O(1)", "Rename a key, only if the new key does not exist")
        .history(&[("3.2.0", "Renaming a key to its own name is no longer an error.")])
        .args("key:key newkey:key"),
    Command::new("move", 3, move_).flags(WRITE | FAST).acl(K).key_specs(&[key(1, RW | ACCESS | UPDATE)])
        .doc("1.0.0", "O(1)", "Move a key to another database")
        .args("key:key db:integer"),
    Command::new("copy", -3, copy).flags(WRITE | DENYOOM).acl(K).key_specs(&[key(1, RO | ACCESS), key(2, OW | UPDATE)])
        .doc("6.2.0", "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.", "Copy a key")
        .args("source:key destination:key [DB destination-db:integer] [REPLACE]"),
    Command::new("randomkey", 1, randomkey).tips(&["request_policy:all_shards", "nondeterministic_output"]).flags(READONLY).acl(K)
        .doc("1.0.0", "O(1)", "Return a random key from the keyspace"),
    Command::new("keys", 2, keys).tips(&["request_policy:all_shards", "nondeterministic_output_order"]).flags(READONLY).acl(K | acl::DANGEROUS)
        .doc("1.0.0", "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.", "Find all keys matching the given pattern")
        .args("pattern:pattern"),
    Command::new("scan", -2, scan).tips(&["nondeterministic_output", "request_policy:special"]).flags(READONLY).acl(K)
        .doc("2.8.0", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.", "Incrementally iterate the keys space")
        .history(&[("6.0.0", "TYPE filter.")])
        .args("cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [TYPE type@6.0.0]"),
    Command::new("object", -2, object).subcommands(OBJECT_SUBCOMMANDS)
        .doc("2.2.3", "Depends on subcommand.", "A container for object introspection commands"),
    Command::new("expire", -3, expire).flags(WRITE | FAST).acl(K).key_specs(&[key(1, RW | UPDATE)])
        .doc("1.0.0", "O(1)", "Set a key's time to live in seconds")
        .history(&[("7.0.0", "NX, XX, GT and LT conditions.")])
        .args("key:key seconds:integer [condition:(NX | XX | GT | LT)@7.0.0]"),
    Command::new("pexpire", -3, pexpire).flags(WRITE | FAST).acl(K).key_specs(&[key(1, RW | UPDATE)])
        .doc("2.6.0", "O(1)", "Set a key's time to live in milliseconds")
        .history(&[("7.0.0", "NX, XX, GT and LT conditions.")])
        .args("key:key milliseconds:integer [condition:(NX | XX | GT | LT)@7.0.0]"),
    Command::new("expireat", -3, expireat).flags(WRITE | FAST).acl(K).key_specs(&[key(1, RW | UPDATE)])
        .doc("1.2.0", "O(1)", "Set the expiration for a key as a UNIX timestamp")
        .history(&[("7.0.0", "NX, XX, GT and LT conditions.")])
        .args("key:key unix-time-seconds:unix-time [condition:(NX | XX | GT | LT)@7.0.0]"),
    Command::new("pexpireat", -3, pexpireat).flags(WRITE | FAST).acl(K).key_specs(&[key(1, RW | UPDATE)])
        .doc("2.6.0", "O(1)", "Set the expiration for a key as a UNIX timestamp specified in milliseconds")
        .history(&[("7.0.0", "NX, XX, GT and LT conditions.")])
        .args("key:key unix-time-milliseconds:unix-time [condition:(NX | XX | GT | LT)@7.0.0]"),
    Command::new("ttl", 2, ttl).tips(&["nondeterministic_output"]).flags(READONLY | FAST).acl(K).key_specs(&[key(1, RO | ACCESS)])
        .doc("1.0.0", "O(1)", "Get the time to live for a key in seconds")
        .history(&[("2.8.0", "Replies -2 for a missing key.")])
        .args("key:key"),
    Command::new("pttl", 2, pttl).tips(&["nondeterministic_output"]).flags(READONLY | FAST).acl(K).key_specs(&[key(1, RO | ACCESS)])
        .doc("2.6.0", "O(1)", "Get the time to live for a key in milliseconds")
        .history(&[("2.8.0", "Replies -2 for a missing key.")])
        .args("key:key"),
    Command::new("expiretime", 2, expiretime).flags(READONLY | FAST).acl(K).key_specs(&[key(1, RO | ACCESS)])
        .doc("7.0.0", "O(1)", "Get the expiration Unix timestamp for a key")
        .args("key:key"),
    Command::new("pexpiretime", 2, pexpiretime).flags(READONLY | FAST).acl(K).key_specs(&[key(1, RO | ACCESS)])
        .doc("7.0.0", "O(1)", "Get the expiration Unix timestamp for a key in milliseconds")
        .args("key:key"),
    Command::new("persist", 2, persist).flags(WRITE | FAST).acl(K).key_specs(&[key(1, RW | UPDATE)])
        .doc("2.2.0", "O(1)", "Remove the expiration from a key")
        .args("key:key"),
    Command::new("swapdb", 3, swapdb).flags(WRITE | FAST).acl(K | acl::DANGEROUS).group("server")
        .doc("4.0.0", "O(N) where N is the count of clients watching or blocking on keys from both databases.", "Swaps two Redis databases")
        .args("index1:integer index2:integer"),
    Command::new("flushdb", -1, flushdb).flags(WRITE).acl(K | acl::DANGEROUS).group("server").tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .doc("1.0.0", "O(N) where N is the number of keys in the selected database", "Remove all keys from the current database")
        .history(&[("4.0.0", "ASYNC mode."), ("6.2.0", "SYNC mode.")])
        .args("[async:(ASYNC@4.0.0 | SYNC@6.2.0)]"),
    Command::new("flushall", -1, flushall).flags(WRITE).acl(K | acl::DANGEROUS).group("server").tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .doc("1.0.0", "O(N) where N is the total number of keys in all databases", "Remove all keys from all databases")
        .history(&[("4.0.0", "ASYNC mode."), ("6.2.0", "SYNC mode.")])
        .args("[async:(ASYNC@4.0.0 | SYNC@6.2.0)]"),
];

// ---------------------------------------------------------------------------
// Shared helpers

/// The TYPE name of a key, "none" when it does not exist (getObjectTypeName).
fn type_name_of(srv: &mut Server, db: usize, key: &[u8]) -> &'static str {
    srv.lookup_read_flags(db, key, true).map(|v| v.type_name()).unwrap_or("none")
}

// ---------------------------------------------------------------------------
// DEL, UNLINK, EXISTS, TYPE, TOUCH

/// The shared body of DEL and UNLINK (delGenericCommand).
fn del_generic(ctx: &mut Ctx, lazy: bool) -> CmdResult {
    let db = ctx.c.db;
    let mut deleted = 0;
    for key in ctx.args_from(1) {
        if ctx.srv.delete_key(db, key, lazy) {
            ctx.srv.key_modified(db, key, event::GENERIC, "del");
            deleted += 1;
        }
    }
    ctx.c.out.int(deleted);
    Ok(())
}

/// DEL key [key ...]: the number of keys removed.
pub fn del(ctx: &mut Ctx) -> CmdResult {
    let lazy = ctx.srv.config.lazyfree_lazy_user_del;
    del_generic(ctx, lazy)
}

/// UNLINK key [key ...]: DEL, freeing big values on the lazyfree thread.
pub fn unlink(ctx: &mut Ctx) -> CmdResult {
    del_generic(ctx, true)
}

/// EXISTS key [key ...]: how many of the keys exist; repeats count again.
pub fn exists(ctx: &mut Ctx) -> CmdResult {
    let db = ctx.c.db;
    let mut count = 0;
    for key in ctx.args_from(1) {
        if ctx.srv.lookup_read_flags(db, key, true).is_some() {
            count += 1;
        }
    }
    ctx.c.out.int(count);
    Ok(())
}

/// TYPE key: the type name as a status reply, `none` when missing. Does
/// not touch the access clock.
pub fn type_(ctx: &mut Ctx) -> CmdResult {
    let t = type_name_of(ctx.srv, ctx.c.db, ctx.arg(1));
    ctx.c.out.simple(t);
    Ok(())
}

/// TOUCH key [key ...]: updates the access clocks; the number of keys that exist.
pub fn touch(ctx: &mut Ctx) -> CmdResult {
    let db = ctx.c.db;
    let mut count = 0;
    for key in ctx.args_from(1) {
        if ctx.srv.lookup_read(db, key).is_some() {
            count += 1;
        }
    }
    ctx.c.out.int(count);
    Ok(())
}

// ---------------------------------------------------------------------------
// RENAME, RENAMENX, MOVE, COPY

/// The shared body of RENAME and RENAMENX (renameGenericCommand): the value
/// and its TTL move to the new name; an existing destination is replaced
/// (RENAME) or makes the command a no-op (RENAMENX).
fn rename_generic(ctx: &mut Ctx, nx: bool) -> CmdResult {
    let db = ctx.c.db;
    let (src, dst) = (ctx.arg(1), ctx.arg(2));
    if ctx.srv.lookup_write(db, src).is_none() {
        return Err(ReplyError::no_such_key());
    }
    // Same name: nothing to do, but a missing key was still an error.
    if src == dst {
        if nx {
            ctx.c.out.int(0);
        } else {
            ctx.c.out.ok();
        }
        return Ok(());
    }
    let expire = ctx.srv.dbs[db].expire_of(src);
    if ctx.srv.lookup_write(db, dst).is_some() {
        if nx {
            ctx.c.out.int(0);
            return Ok(());
        }
        let old = ctx.srv.dbs[db].remove(dst).expect("destination exists");
        let lazy = ctx.srv.config.lazyfree_lazy_server_del;
        ctx.srv.free_value(old, lazy);
    }
    let val = ctx.srv.dbs[db].remove(src).expect("source exists");
    ctx.srv.db_add(db, dst, val);
    if let Some(when) = expire {
        ctx.srv.dbs[db].set_expire(dst, when);
    }
    ctx.srv.signal_modified_key(db, src);
    ctx.srv.signal_modified_key(db, dst);
    ctx.srv.notify_keyspace_event(event::GENERIC, "rename_from", src, db);
    ctx.srv.notify_keyspace_event(event::GENERIC, "rename_to", dst, db);
    ctx.srv.dirty += 1;
    if nx {
        ctx.c.out.int(1);
    } else {
        ctx.c.out.ok();
    }
    Ok(())
}

/// RENAME key newkey
pub fn rename(ctx: &mut Ctx) -> CmdResult {
    rename_generic(ctx, false)
}

/// RENAMENX key newkey: 1 if renamed, 0 if newkey exists.
pub fn renamenx(ctx: &mut Ctx) -> CmdResult {
    rename_generic(ctx, true)
}

/// MOVE key db: 1 if the key (with its TTL) moved, 0 if it does not exist
/// here or already exists there.
pub fn move_(ctx: &mut Ctx) -> CmdResult {
    let src = ctx.c.db;
    let dst = args::db_index(ctx.arg(2), ctx.srv.dbs.len())?;
    if src == dst {
        return Err(ReplyError::same_object());
    }
    let key = ctx.arg(1);
    if ctx.srv.lookup_write(src, key).is_none() {
        ctx.c.out.int(0);
        return Ok(());
    }
    let expire = ctx.srv.dbs[src].expire_of(key);
    if ctx.srv.lookup_write(dst, key).is_some() {
        ctx.c.out.int(0);
        return Ok(());
    }
    let val = ctx.srv.dbs[src].remove(key).expect("source exists");
    ctx.srv.db_add(dst, key, val);
    if let Some(when) = expire {
        ctx.srv.dbs[dst].set_expire(key, when);
    }
    ctx.srv.signal_modified_key(src, key);
    ctx.srv.signal_modified_key(dst, key);
    ctx.srv.notify_keyspace_event(event::GENERIC, "move_from", key, src);
    ctx.srv.notify_keyspace_event(event::GENERIC, "move_to", key, dst);
    ctx.srv.dirty += 1;
    ctx.c.out.int(1);
    Ok(())
}

/// COPY source destination [DB destination-db] [REPLACE]: 1 if copied (a
/// deep copy, TTL included), 0 if the source is missing or the destination
/// exists without REPLACE.
pub fn copy(ctx: &mut Ctx) -> CmdResult {
    let src_db = ctx.c.db;
    let mut dst_db = src_db;
    let mut replace = false;
    let mut j = 3;
    while j < ctx.argc() {
        let a = ctx.arg(j);
        if args::is(a, "replace") {
            replace = true;
        } else if args::is(a, "db") && j + 1 < ctx.argc() {
            dst_db = args::db_index(ctx.arg(j + 1), ctx.srv.dbs.len())?;
            j += 1;
        } else {
            return Err(ReplyError::syntax());
        }
        j += 1;
    }
    let (src, dst) = (ctx.arg(1), ctx.arg(2));
    if src_db == dst_db && src == dst {
        return Err(ReplyError::same_object());
    }
    let val: Value = match ctx.srv.lookup_read(src_db, src) {
        Some(v) => v.clone(),
        None => {
            ctx.c.out.int(0);
            return Ok(());
        }
    };
    let expire = ctx.srv.dbs[src_db].expire_of(src);
    if ctx.srv.lookup_write(dst_db, dst).is_some() {
        if !replace {
            ctx.c.out.int(0);
            return Ok(());
        }
        let old = ctx.srv.dbs[dst_db].remove(dst).expect("destination exists");
        let lazy = ctx.srv.config.lazyfree_lazy_server_del;
        ctx.srv.free_value(old, lazy);
    }
    ctx.srv.db_add(dst_db, dst, val);
    if let Some(when) = expire {
        ctx.srv.dbs[dst_db].set_expire(dst, when);
    }
    ctx.srv.key_modified(dst_db, dst, event::GENERIC, "copy_to");
    ctx.c.out.int(1);
    Ok(())
}

// ---------------------------------------------------------------------------
// RANDOMKEY, KEYS, SCAN

/// RANDOMKEY: a random key that has not expired, null when the db is empty.
/// Expired keys it samples are deleted on the way (dbRandomKey).
pub fn randomkey(ctx: &mut Ctx) -> CmdResult {
    let db = ctx.c.db;
    loop {
        let Some(e) = ctx.srv.dbs[db].dict.random_entry() else {
            ctx.c.out.null();
            return Ok(());
        };
        let key = e.key.as_bytes().to_vec();
        // Each retry deletes a key, so this ends. (A replica cannot delete
        // and would need Redis's bounded retries when all keys are volatile;
        // that hooks in here with replication.)
        if ctx.srv.dbs[db].expire_of(&key).is_some() && ctx.srv.expire_if_needed(db, &key) {
            continue;
        }
        ctx.c.out.bulk(&key);
        return Ok(());
    }
}

/// KEYS pattern: every key matching the glob pattern. Logically expired
/// keys are skipped but not deleted (keyIsExpired).
pub fn keys(ctx: &mut Ctx) -> CmdResult {
    let pattern = ctx.arg(1);
    let all = pattern == b"*";
    let now = ctx.srv.now_ms;
    let d = &ctx.srv.dbs[ctx.c.db];
    let out = &mut ctx.c.out;
    let len = out.deferred();
    let mut n = 0;
    for (k, _) in d.dict.iter() {
        let k = k.as_bytes();
        if (all || glob_match(pattern, k, false)) && !d.is_expired(k, now) {
            out.bulk(k);
            n += 1;
        }
    }
    out.set_deferred_array(len, n);
    Ok(())
}

/// A SCAN cursor as strtoul() reads it (parseScanCursorOrReply): an
/// optional sign (a negative number wraps around), decimal digits, nothing
/// after them; leading whitespace and overflow are errors.
pub(crate) fn parse_cursor(arg: &[u8]) -> Result<u64, ReplyError> {
    // The C string ends at the first NUL.
    let s = &arg[..arg.iter().position(|&b| b == 0).unwrap_or(arg.len())];
    let Some(&first) = s.first() else { return Ok(0) };
    if matches!(first, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        return Err(ReplyError::invalid_cursor());
    }
    let (neg, digits) = match first {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(ReplyError::invalid_cursor());
    }
    let mut v: u64 = 0;
    for &d in digits {
        v = v.checked_mul(10).and_then(|v| v.checked_add((d - b'0') as u64)).ok_or_else(ReplyError::invalid_cursor)?;
    }
    Ok(if neg { v.wrapping_neg() } else { v })
}

/// The options of the SCAN family (scanGenericCommand).
pub(crate) struct ScanOptions<'a> {
    pub count: i64,
    /// None for no pattern or "*".
    pub pattern: Option<&'a [u8]>,
    pub type_filter: Option<&'a [u8]>,
}

/// Parses `[MATCH pattern] [COUNT count]` (and `[TYPE type]` for SCAN
/// itself, `with_type`) from argument `from` on, with Redis's errors.
pub(crate) fn parse_scan_options<'a>(ctx: &Ctx<'a>, from: usize, with_type: bool) -> Result<ScanOptions<'a>, ReplyError> {
    let mut o = ScanOptions { count: 10, pattern: None, type_filter: None };
    let mut i = from;
    while i < ctx.argc() {
        let a = ctx.arg(i);
        let has_value = ctx.argc() - i >= 2;
        if args::is(a, "count") && has_value {
            o.count = args::int(ctx.arg(i + 1))?;
            if o.count < 1 {
                return Err(ReplyError::syntax());
            }
        } else if args::is(a, "match") && has_value {
            let p = ctx.arg(i + 1);
            o.pattern = if p == b"*" { None } else { Some(p) };
        } else if with_type && args::is(a, "type") && has_value {
            o.type_filter = Some(ctx.arg(i + 1));
        } else {
            return Err(ReplyError::syntax());
        }
        i += 2;
    }
    Ok(o)
}

/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]: [next cursor,
/// [keys]]. Visits buckets until COUNT keys were collected (or 10*COUNT
/// buckets were visited, or the scan ended), then filters by pattern, type
/// and expiry (scanGenericCommand). Every key present for the whole scan is
/// returned at least once, across resizes.
pub fn scan(ctx: &mut Ctx) -> CmdResult {
    let mut cursor = parse_cursor(ctx.arg(1))?;
    let ScanOptions { count, pattern, type_filter } = parse_scan_options(ctx, 2, true)?;

    let db = ctx.c.db;
    let mut found: Vec<Vec<u8>> = Vec::new();
    let dict = &ctx.srv.dbs[db].dict;
    cursor = scan_walk(cursor, count, |c| {
        let before = found.len();
        let next = dict.scan(c, |k, _| found.push(k.as_bytes().to_vec()));
        (next, found.len() - before)
    });

    found.retain(|k| {
        if let Some(p) = pattern {
            if !glob_match(p, k, false) {
                return false;
            }
        }
        if let Some(t) = type_filter {
            if !t.eq_ignore_ascii_case(type_name_of(ctx.srv, db, k).as_bytes()) {
                return false;
            }
        }
        !ctx.srv.expire_if_needed(db, k)
    });
    reply_scan(&mut ctx.c.out, cursor, &found);
    Ok(())
}

/// The bucket walk SCAN and its siblings share (scanGenericCommand): runs
/// `step(cursor) -> (next cursor, items it saw)` until COUNT items were
/// seen, 10*COUNT buckets were visited, or the scan ended; returns the
/// cursor to hand back.
pub(crate) fn scan_walk(mut cursor: u64, count: i64, mut step: impl FnMut(u64) -> (u64, usize)) -> u64 {
    let mut seen = 0i64;
    let mut max_iterations = count.saturating_mul(10);
    loop {
        let (next, n) = step(cursor);
        cursor = next;
        seen += n as i64;
        if cursor == 0 || max_iterations == 0 || seen >= count {
            return cursor;
        }
        max_iterations -= 1;
    }
}

/// The reply of every SCAN variant: [cursor as a bulk string, [items]].
pub(crate) fn reply_scan(out: &mut crate::net::reply::Reply, cursor: u64, items: &[Vec<u8>]) {
    out.array(2);
    out.bulk(cursor.to_string().as_bytes());
    out.array(items.len());
    for item in items {
        out.bulk(item);
    }
}

// ---------------------------------------------------------------------------
// OBJECT

/// OBJECT <subcommand>: the parent entry. Dispatch resolves subcommands
/// (and their errors) before any handler runs; this only answers if the
/// table is ever used without them.
pub fn object(ctx: &mut Ctx) -> CmdResult {
    Err(ReplyError::unknown_subcommand(ctx.arg(1), "object"))
}

/// Looks a key up for OBJECT: expires it if due and counts a hit or miss,
/// but neither touches the access clock nor fires a keymiss event
/// (LOOKUP_NOTOUCH | LOOKUP_NONOTIFY).
fn object_lookup<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Option<&'a crate::db::dict::Entry<Value>> {
    srv.expire_if_needed(db, key);
    if srv.dbs[db].dict.contains_key(key) {
        srv.stats.keyspace_hits += 1;
        srv.dbs[db].dict.get_entry(key)
    } else {
        srv.stats.keyspace_misses += 1;
        None
    }
}

/// OBJECT HELP
pub fn object_help(ctx: &mut Ctx) -> CmdResult {
    const HELP: &[&str] = &[
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    ];
    ctx.c.out.array(HELP.len());
    for line in HELP {
        ctx.c.out.simple(line);
    }
    Ok(())
}

/// OBJECT ENCODING key: int, embstr, raw, listpack, ...; null when missing.
pub fn object_encoding(ctx: &mut Ctx) -> CmdResult {
    match object_lookup(ctx.srv, ctx.c.db, ctx.arg(2)) {
        Some(e) => ctx.c.out.bulk_str(e.val.encoding()),
        None => ctx.c.out.null(),
    }
    Ok(())
}

/// Integers Redis keeps as shared objects (OBJ_SHARED_INTEGERS).
const SHARED_INTEGERS: i64 = 10_000;
/// The refcount Redis reports for shared objects (OBJ_SHARED_REFCOUNT).
const SHARED_REFCOUNT: i64 = i32::MAX as i64;

/// OBJECT REFCOUNT key: 1 for every value we hold, except the integers
/// 0..9999, which Redis stores as shared objects; null when missing.
pub fn object_refcount(ctx: &mut Ctx) -> CmdResult {
    let n = match object_lookup(ctx.srv, ctx.c.db, ctx.arg(2)) {
        Some(e) => match e.val {
            Value::Int(n) if (0..SHARED_INTEGERS).contains(&n) => SHARED_REFCOUNT,
            _ => 1,
        },
        None => {
            ctx.c.out.null();
            return Ok(());
        }
    };
    ctx.c.out.int(n);
    Ok(())
}

/// OBJECT IDLETIME key: seconds since the key was last accessed; null when
/// missing. Reading it does not count as an access.
pub fn object_idletime(ctx: &mut Ctx) -> CmdResult {
    match object_lookup(ctx.srv, ctx.c.db, ctx.arg(2)) {
        // An LFU maxmemory-policy would answer ReplyError::lfu_selected()
        // here; eviction policies are not implemented, so the clock is LRU.
        Some(e) => {
            let idle = crate::db::idle_seconds(e.key.lru());
            ctx.c.out.int(idle as i64);
        }
        None => ctx.c.out.null(),
    }
    Ok(())
}

/// OBJECT FREQ key: the LFU counter, only under an LFU maxmemory-policy
/// (not implemented yet, so an existing key always gets Redis's error).
pub fn object_freq(ctx: &mut Ctx) -> CmdResult {
    match object_lookup(ctx.srv, ctx.c.db, ctx.arg(2)) {
        Some(_) => Err(ReplyError::lfu_not_selected()),
        None => {
            ctx.c.out.null();
            Ok(())
        }
    }
}

// ---------------------------------------------------------------------------
// Expiry: EXPIRE family, TTL family, PERSIST

#[derive(Clone, Copy, PartialEq)]
enum Unit {
    Seconds,
    Millis,
}

/// NX / XX / GT / LT of the EXPIRE family.
#[derive(Default, Clone, Copy)]
struct ExpireFlags {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
}

/// Parses the options after `key time` (parseExtendedExpireArgumentsOrReply).
fn parse_expire_flags(ctx: &Ctx) -> Result<ExpireFlags, ReplyError> {
    let mut f = ExpireFlags::default();
    for a in ctx.args_from(3) {
        if args::is(a, "nx") {
            f.nx = true;
        } else if args::is(a, "xx") {
            f.xx = true;
        } else if args::is(a, "gt") {
            f.gt = true;
        } else if args::is(a, "lt") {
            f.lt = true;
        } else {
            return Err(ReplyError::unsupported_option(a));
        }
    }
    if f.nx && (f.xx || f.gt || f.lt) {
        return Err(ReplyError::expire_nx_incompatible());
    }
    if f.gt && f.lt {
        return Err(ReplyError::expire_gt_lt_incompatible());
    }
    Ok(f)
}

/// The shared body of EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT
/// (expireGenericCommand). `relative` commands add the current time.
/// A deadline already in the past deletes the key (propagated as DEL or
/// UNLINK); otherwise the command propagates as `PEXPIREAT key <ms>`.
fn expire_generic(ctx: &mut Ctx, relative: bool, unit: Unit) -> CmdResult {
    let flags = parse_expire_flags(ctx)?;
    let cmd = ctx.cmd_name();
    let mut when = args::int(ctx.arg(2))?;
    // Negative times are allowed; only overflow is an error.
    if unit == Unit::Seconds {
        when = when.checked_mul(1000).ok_or_else(|| ReplyError::invalid_expire(cmd))?;
    }
    let basetime = if relative { ctx.srv.now_ms } else { 0 };
    if when > i64::MAX - basetime {
        return Err(ReplyError::invalid_expire(cmd));
    }
    when += basetime;

    let db = ctx.c.db;
    let key = ctx.arg(1);
    if ctx.srv.lookup_write(db, key).is_none() {
        ctx.c.out.int(0);
        return Ok(());
    }
    let current = ctx.srv.dbs[db].expire_of(key);
    // A key without TTL counts as an infinite TTL for GT and LT.
    let refused = (flags.nx && current.is_some())
        || (flags.xx && current.is_none())
        || (flags.gt && current.is_none_or(|cur| when <= cur))
        || (flags.lt && current.is_some_and(|cur| when >= cur));
    if refused {
        ctx.c.out.int(0);
        return Ok(());
    }

    if when <= ctx.srv.now_ms {
        let lazy = ctx.srv.config.lazyfree_lazy_expire;
        ctx.srv.delete_key(db, key, lazy);
        ctx.rewrite_argv(&[if lazy { &b"UNLINK"[..] } else { b"DEL" }, key]);
        ctx.srv.key_modified(db, key, event::GENERIC, "del");
    } else {
        ctx.srv.dbs[db].set_expire(key, when);
        // Rewritten as PEXPIREAT with an absolute time; the options stay.
        if relative || unit == Unit::Seconds {
            let w = when.to_string();
            let mut argv: Vec<&[u8]> = vec![b"PEXPIREAT", key, w.as_bytes()];
            argv.extend(ctx.args_from(3));
            ctx.rewrite_argv(&argv);
        }
        ctx.srv.key_modified(db, key, event::GENERIC, "expire");
    }
    ctx.c.out.int(1);
    Ok(())
}

/// EXPIRE key seconds [NX | XX | GT | LT]: 1 if the timeout was set, 0 otherwise.
pub fn expire(ctx: &mut Ctx) -> CmdResult {
    expire_generic(ctx, true, Unit::Seconds)
}

/// PEXPIRE key milliseconds [NX | XX | GT | LT]
pub fn pexpire(ctx: &mut Ctx) -> CmdResult {
    expire_generic(ctx, true, Unit::Millis)
}

/// EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
pub fn expireat(ctx: &mut Ctx) -> CmdResult {
    expire_generic(ctx, false, Unit::Seconds)
}

/// PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
pub fn pexpireat(ctx: &mut Ctx) -> CmdResult {
    expire_generic(ctx, false, Unit::Millis)
}

/// The shared body of TTL, PTTL, EXPIRETIME and PEXPIRETIME
/// (ttlGenericCommand): -2 when the key does not exist, -1 when it has no
/// TTL, else the remaining time (`absolute`: the deadline), rounded to
/// seconds unless `ms`.
fn ttl_generic(ctx: &mut Ctx, ms: bool, absolute: bool) -> CmdResult {
    let db = ctx.c.db;
    let key = ctx.arg(1);
    if ctx.srv.lookup_read_flags(db, key, true).is_none() {
        ctx.c.out.int(-2);
        return Ok(());
    }
    let Some(when) = ctx.srv.dbs[db].expire_of(key) else {
        ctx.c.out.int(-1);
        return Ok(());
    };
    let t = if absolute { when } else { when - ctx.srv.now_ms }.max(0);
    ctx.c.out.int(if ms { t } else { (t + 500) / 1000 });
    Ok(())
}

/// TTL key: remaining seconds, -1 without TTL, -2 when missing.
pub fn ttl(ctx: &mut Ctx) -> CmdResult {
    ttl_generic(ctx, false, false)
}

/// PTTL key: remaining milliseconds, -1 without TTL, -2 when missing.
pub fn pttl(ctx: &mut Ctx) -> CmdResult {
    ttl_generic(ctx, true, false)
}

/// EXPIRETIME key: the deadline in unix seconds, -1 / -2 as TTL.
pub fn expiretime(ctx: &mut Ctx) -> CmdResult {
    ttl_generic(ctx, false, true)
}

/// PEXPIRETIME key: the deadline in unix milliseconds, -1 / -2 as TTL.
pub fn pexpiretime(ctx: &mut Ctx) -> CmdResult {
    ttl_generic(ctx, true, true)
}

/// PERSIST key: 1 if a TTL was removed, 0 if the key is missing or has none.
pub fn persist(ctx: &mut Ctx) -> CmdResult {
    let db = ctx.c.db;
    let key = ctx.arg(1);
    if ctx.srv.lookup_write(db, key).is_some() && ctx.srv.dbs[db].remove_expire(key) {
        ctx.srv.key_modified(db, key, event::GENERIC, "persist");
        ctx.c.out.int(1);
    } else {
        ctx.c.out.int(0);
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// SWAPDB, FLUSHDB, FLUSHALL

/// SWAPDB index1 index2: clients connected to either database see the
/// other one's data from now on.
pub fn swapdb(ctx: &mut Ctx) -> CmdResult {
    let parse = |arg: &[u8], err: fn() -> ReplyError| match parse_i64_strict(arg) {
        Some(n) if n >= i32::MIN as i64 && n <= i32::MAX as i64 => Ok(n),
        _ => Err(err()),
    };
    let a = parse(ctx.arg(1), ReplyError::invalid_first_db_index)?;
    let b = parse(ctx.arg(2), ReplyError::invalid_second_db_index)?;
    let n = ctx.srv.dbs.len() as i64;
    if a < 0 || a >= n || b < 0 || b >= n {
        return Err(ReplyError::db_out_of_range());
    }
    ctx.srv.swap_databases(a as usize, b as usize);
    ctx.srv.dirty += 1;
    ctx.c.out.ok();
    Ok(())
}

/// `[ASYNC | SYNC]` of FLUSHDB and FLUSHALL (getFlushCommandFlags): true
/// for a lazy (background) free; the default is lazyfree-lazy-user-flush.
fn flush_is_async(ctx: &Ctx) -> Result<bool, ReplyError> {
    match ctx.argc() {
        1 => Ok(ctx.srv.config.lazyfree_lazy_user_flush),
        2 if args::is(ctx.arg(1), "sync") => Ok(false),
        2 if args::is(ctx.arg(1), "async") => Ok(true),
        _ => Err(ReplyError::syntax()),
    }
}

/// FLUSH* propagate even when there was nothing to remove
/// (forceCommandPropagation): `call` only propagates when `dirty` moved, so
/// an empty flush sends itself.
fn force_propagation(ctx: &mut Ctx, removed: u64) {
    if removed == 0 {
        let argv: Vec<&[u8]> = ctx.args_from(0).collect();
        ctx.srv.propagate(ctx.c.db, &argv);
    }
}

/// FLUSHDB [ASYNC | SYNC]: removes every key of the selected database.
pub fn flushdb(ctx: &mut Ctx) -> CmdResult {
    let lazy = flush_is_async(ctx)?;
    let removed = ctx.srv.empty_db(ctx.c.db, lazy);
    ctx.srv.dirty += removed;
    force_propagation(ctx, removed);
    ctx.c.out.ok();
    Ok(())
}

/// FLUSHALL [ASYNC | SYNC]: removes every key of every database.
pub fn flushall(ctx: &mut Ctx) -> CmdResult {
    let lazy = flush_is_async(ctx)?;
    let mut removed = 0;
    for db in 0..ctx.srv.dbs.len() {
        removed += ctx.srv.empty_db(db, lazy);
    }
    ctx.srv.dirty += removed;
    // Kill a running BGSAVE and, with save points, write the empty
    // dataset (flushAllDataAndResetRDB); the save resets `dirty` to 0, as
    // INFO shows in Redis.
    ctx.srv.flushall_reset_rdb();
    force_propagation(ctx, removed);
    ctx.c.out.ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::TestServer;
    use crate::db::{idle_seconds, lru_clock};
    use std::collections::HashSet;

    // Expected bytes taken from redis-server 7.0.15 (scripts/oracle.py).

    #[test]
    fn del_exists_touch_type() {
        let mut t = TestServer::new();
        t.check(&[
            ("MSET a 1 b 2 c 3", "+OK\r\n"),
            ("DEL a a b nokey", ":2\r\n"),
            ("EXISTS c c c nokey", ":3\r\n"),
            ("UNLINK c", ":1\r\n"),
            ("TOUCH a b c", ":0\r\n"),
            ("SET a 1", "+OK\r\n"),
            ("TOUCH a a", ":2\r\n"),
            ("TYPE a", "+string\r\n"),
            ("TYPE nokey", "+none\r\n"),
            ("DEL", "-ERR wrong number of arguments for 'del' command\r\n"),
            ("TYPE a b", "-ERR wrong number of arguments for 'type' command\r\n"),
        ]);
    }

    #[test]
    fn expire_options_and_errors() {
        let mut t = TestServer::new();
        t.check(&[
            ("EXPIRE nokey 10", ":0\r\n"),
            ("SET k v", "+OK\r\n"),
            ("EXPIRE k 100 NX XX", "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"),
            ("EXPIRE k 100 NX GT", "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"),
            ("EXPIRE k 100 GT LT", "-ERR GT and LT options at the same time are not compatible\r\n"),
            ("EXPIRE k 100 XX GT", ":0\r\n"),
            ("EXPIRE k 100 FOO", "-ERR Unsupported option FOO\r\n"),
            ("EXPIRE k abc FOO", "-ERR Unsupported option FOO\r\n"),
            ("EXPIRE k abc", "-ERR value is not an integer or out of range\r\n"),
            ("EXPIRE k 100 nx nx", ":1\r\n"),
            ("EXPIRE k 9223372036854775", "-ERR invalid expire time in 'expire' command\r\n"),
            ("EXPIRE k 9223372036854776", "-ERR invalid expire time in 'expire' command\r\n"),
            ("EXPIRE k -9223372036854776", "-ERR invalid expire time in 'expire' command\r\n"),
            ("PEXPIRE k 9223372036854775807", "-ERR invalid expire time in 'pexpire' command\r\n"),
            ("PEXPIREAT k 9223372036854775807", ":1\r\n"),
            ("EXPIREAT k 9223372036854775", ":1\r\n"),
            ("EXPIRE k 100 GT", ":0\r\n"),
            ("EXPIRE k 100 XX", ":1\r\n"),
            ("EXPIRE k 100 LT", ":0\r\n"),
            ("TTL k", ":100\r\n"),
            ("EXPIRE k 200 LT", ":0\r\n"),
            ("EXPIRE k 50 LT", ":1\r\n"),
            ("EXPIRE k 60 GT", ":1\r\n"),
            ("TTL k", ":60\r\n"),
            ("EXPIRE k 100 NX", ":0\r\n"),
            ("PERSIST k", ":1\r\n"),
            ("PERSIST k", ":0\r\n"),
            ("PERSIST nokey", ":0\r\n"),
            ("EXPIRE k 100 LT", ":1\r\n"),
            ("PERSIST k", ":1\r\n"),
            ("EXPIRE k 100 GT", ":0\r\n"),
            ("EXPIRE a", "-ERR wrong number of arguments for 'expire' command\r\n"),
        ]);
    }

    #[test]
    fn ttl_family() {
        let mut t = TestServer::new();
        t.check(&[
            ("SET k v", "+OK\r\n"),
            ("TTL k", ":-1\r\n"),
            ("PTTL k", ":-1\r\n"),
            ("TTL nokey", ":-2\r\n"),
            ("PTTL nokey", ":-2\r\n"),
            ("EXPIRETIME k", ":-1\r\n"),
            ("EXPIRETIME nokey", ":-2\r\n"),
            ("PEXPIRETIME nokey", ":-2\r\n"),
            ("PEXPIREAT k 32503680000000", ":1\r\n"),
            ("EXPIRETIME k", ":32503680000\r\n"),
            ("PEXPIRETIME k", ":32503680000000\r\n"),
            ("EXPIREAT k 32503680000", ":1\r\n"),
            ("PEXPIRETIME k", ":32503680000000\r\n"),
            ("PEXPIREAT k 32503680000499", ":1\r\n"),
            ("EXPIRETIME k", ":32503680000\r\n"),
            ("PEXPIREAT k 32503680000500", ":1\r\n"),
            ("EXPIRETIME k", ":32503680001\r\n"),
        ]);
        // Relative TTLs: bounded, not exact.
        t.check(&[("PEXPIRE k 100000", ":1\r\n")]);
        let pttl: i64 = t.text(&["PTTL", "k"])[1..].trim().parse().unwrap();
        assert!((99_000..=100_000).contains(&pttl), "pttl {}", pttl);
        t.check(&[("TTL k", ":100\r\n")]);
    }

    #[test]
    fn expire_in_the_past_deletes() {
        let mut t = TestServer::new();
        t.check(&[
            ("SET k v", "+OK\r\n"),
            ("EXPIRE k 0", ":1\r\n"),
            ("EXISTS k", ":0\r\n"),
            ("SET k v", "+OK\r\n"),
            ("EXPIRE k -5", ":1\r\n"),
            ("EXISTS k", ":0\r\n"),
            ("SET k v", "+OK\r\n"),
            ("PEXPIREAT k 1", ":1\r\n"),
            ("EXISTS k", ":0\r\n"),
            ("PEXPIREAT k -9223372036854775808", ":0\r\n"),
            ("EXPIRE k -9223372036854775", ":0\r\n"),
        ]);
        let dirty = t.srv.dirty;
        t.check(&[("SET k v", "+OK\r\n"), ("EXPIREAT k 100", ":1\r\n")]);
        assert_eq!(t.srv.dirty, dirty + 2);
        assert!(t.srv.dbs[0].is_empty());
        assert!(t.srv.dbs[0].expires.is_empty());
    }

    #[test]
    fn lazily_expired_keys_are_invisible() {
        let mut t = TestServer::new();
        t.check(&[("MSET a 1 b 2 c 3", "+OK\r\n")]);
        let past = crate::server::unix_ms() - 10;
        t.srv.dbs[0].set_expire(b"a", past);
        t.srv.dbs[0].set_expire(b"b", past);
        // KEYS skips expired keys without deleting them.
        t.check(&[("KEYS *", "*1\r\n$1\r\nc\r\n"), ("KEYS [ab]", "*0\r\n")]);
        assert_eq!(t.srv.dbs[0].len(), 3);
        t.check(&[
            ("EXISTS a b c", ":1\r\n"),
            ("TTL a", ":-2\r\n"),
            ("TYPE b", "+none\r\n"),
            ("RENAME a x", "-ERR no such key\r\n"),
            ("RANDOMKEY", "$1\r\nc\r\n"),
            ("SCAN 0", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nc\r\n"),
        ]);
        assert_eq!(t.srv.dbs[0].len(), 1);
        assert_eq!(t.srv.stats.expired_keys, 2);
        // RANDOMKEY on a db whose keys all expired: null, and they are gone.
        t.srv.dbs[0].set_expire(b"c", past);
        t.check(&[("RANDOMKEY", "$-1\r\n")]);
        assert!(t.srv.dbs[0].is_empty());
    }

    #[test]
    fn rename_keeps_ttl() {
        let mut t = TestServer::new();
        t.check(&[
            ("SET a 1", "+OK\r\n"),
            ("RENAME nokey x", "-ERR no such key\r\n"),
            ("RENAMENX nokey x", "-ERR no such key\r\n"),
            ("RENAME a a", "+OK\r\n"),
            ("RENAMENX a a", ":0\r\n"),
            ("SET b 2", "+OK\r\n"),
            ("RENAMENX a b", ":0\r\n"),
            ("EXPIRE a 100", ":1\r\n"),
            ("RENAME a z", "+OK\r\n"),
            ("TTL z", ":100\r\n"),
            ("EXISTS a", ":0\r\n"),
            ("RENAME z b", "+OK\r\n"),
            ("GET b", "$1\r\n1\r\n"),
            ("TTL b", ":100\r\n"),
            ("SET c 3", "+OK\r\n"),
            ("RENAMENX b c2", ":1\r\n"),
            ("TTL c2", ":100\r\n"),
            ("RENAME c c2", "+OK\r\n"),
            ("TTL c2", ":-1\r\n"),
            ("DBSIZE", ":1\r\n"),
        ]);
    }

    #[test]
    fn move_with_ttl() {
        let mut t = TestServer::new();
        t.check(&[
            ("SET b 1", "+OK\r\n"),
            ("EXPIRE b 100", ":1\r\n"),
            ("MOVE b 0", "-ERR source and destination objects are the same\r\n"),
            ("MOVE nokey 0", "-ERR source and destination objects are the same\r\n"),
            ("MOVE b 16", "-ERR DB index is out of range\r\n"),
            ("MOVE b -1", "-ERR DB index is out of range\r\n"),
            ("MOVE b x", "-ERR value is not an integer or out of range\r\n"),
            ("MOVE b 99999999999", "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"),
            ("MOVE nokey 1", ":0\r\n"),
            ("MOVE b 1", ":1\r\n"),
            ("MOVE b 1", ":0\r\n"),
            ("EXISTS b", ":0\r\n"),
            ("SELECT 1", "+OK\r\n"),
            ("TTL b", ":100\r\n"),
            ("SET b x", "+OK\r\n"),
            ("SELECT 0", "+OK\r\n"),
            ("SET b y", "+OK\r\n"),
            ("MOVE b 1", ":0\r\n"),
            ("GET b", "$1\r\ny\r\n"),
        ]);
        assert!(t.srv.dbs[0].expires.is_empty());
    }

    #[test]
    fn copy_options_and_ttl() {
        let mut t = TestServer::new();
        t.check(&[
            ("SET b y", "+OK\r\n"),
            ("SELECT 1", "+OK\r\n"),
            ("SET b x", "+OK\r\n"),
            ("SELECT 0", "+OK\r\n"),
            ("COPY b b", "-ERR source and destination objects are the same\r\n"),
            ("COPY b b DB 1", ":0\r\n"),
            ("COPY b b DB 1 REPLACE", ":1\r\n"),
            ("COPY b c DB 16", "-ERR DB index is out of range\r\n"),
            ("COPY b c DB", "-ERR syntax error\r\n"),
            ("COPY b c FOO", "-ERR syntax error\r\n"),
            ("COPY b c DB x", "-ERR value is not an integer or out of range\r\n"),
            ("COPY b c DB 99999999999", "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"),
            ("COPY nokey c", ":0\r\n"),
            ("SET n 5", "+OK\r\n"),
            ("COPY n n2", ":1\r\n"),
            ("OBJECT ENCODING n2", "$3\r\nint\r\n"),
            ("COPY b n2", ":0\r\n"),
            ("COPY b n2 REPLACE", ":1\r\n"),
            ("GET n2", "$1\r\ny\r\n"),
            ("SELECT 1", "+OK\r\n"),
            ("GET b", "$1\r\ny\r\n"),
            ("SELECT 0", "+OK\r\n"),
            // TTL travels with the copy; the copy is independent.
            ("SET r abc", "+OK\r\n"),
            ("APPEND r d", ":4\r\n"),
            ("EXPIRE r 100", ":1\r\n"),
            ("COPY r r2", ":1\r\n"),
            ("TTL r2", ":100\r\n"),
            ("OBJECT ENCODING r2", "$3\r\nraw\r\n"),
            ("APPEND r2 e", ":5\r\n"),
            ("GET r", "$4\r\nabcd\r\n"),
            ("COPY r r3 DB 2", ":1\r\n"),
            ("SELECT 2", "+OK\r\n"),
            ("TTL r3", ":100\r\n"),
        ]);
    }

    #[test]
    fn swapdb_swaps_data_and_ttls_not_ids() {
        let mut t = TestServer::new();
        t.check(&[
            ("SWAPDB 0 16", "-ERR DB index is out of range\r\n"),
            ("SWAPDB x 1", "-ERR invalid first DB index\r\n"),
            ("SWAPDB 1 x", "-ERR invalid second DB index\r\n"),
            ("SWAPDB -1 0", "-ERR DB index is out of range\r\n"),
            ("SWAPDB 99999999999 0", "-ERR invalid first DB index\r\n"),
            ("SWAPDB 0 0", "+OK\r\n"),
            ("SET a 1", "+OK\r\n"),
            ("EXPIRE a 100", ":1\r\n"),
            ("SWAPDB 0 1", "+OK\r\n"),
            ("EXISTS a", ":0\r\n"),
            ("DBSIZE", ":0\r\n"),
            ("SELECT 1", "+OK\r\n"),
            ("TTL a", ":100\r\n"),
            ("SWAPDB 1 0", "+OK\r\n"),
            ("EXISTS a", ":0\r\n"),
        ]);
        for (i, db) in t.srv.dbs.iter().enumerate() {
            assert_eq!(db.id, i);
        }
        assert_eq!(t.srv.dbs[0].expires.len(), 1);
    }

    #[test]
    fn flush_counts_dirty_and_frees() {
        let mut t = TestServer::new();
        t.check(&[
            ("FLUSHDB foo", "-ERR syntax error\r\n"),
            ("FLUSHALL x y", "-ERR syntax error\r\n"),
            ("MSET a 1 b 2 c 3", "+OK\r\n"),
            ("SELECT 1", "+OK\r\n"),
            ("MSET a 1 b 2", "+OK\r\n"),
            ("EXPIRE a 10", ":1\r\n"),
        ]);
        let d = t.srv.dirty;
        t.check(&[("FLUSHDB async", "+OK\r\n"), ("DBSIZE", ":0\r\n")]);
        assert_eq!(t.srv.dirty, d + 2);
        assert!(t.srv.dbs[1].expires.is_empty());
        t.check(&[("FLUSHDB SYNC", "+OK\r\n")]);
        assert_eq!(t.srv.dirty, d + 2);
        // Without save points (with them FLUSHALL saves and dirty restarts at 0).
        t.srv.config.save_points.clear();
        t.check(&[("FLUSHALL", "+OK\r\n"), ("SELECT 0", "+OK\r\n"), ("DBSIZE", ":0\r\n")]);
        assert_eq!(t.srv.dirty, d + 5);
        // A big value handed to the lazyfree thread.
        t.check(&[("MSET a 1 b 2", "+OK\r\n"), ("FLUSHALL ASYNC", "+OK\r\n"), ("KEYS *", "*0\r\n")]);
        let start = std::time::Instant::now();
        while t.srv.lazyfree.freed_objects() == 0 {
            assert!(start.elapsed().as_secs() < 5, "lazyfree thread never freed the flushed db");
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    #[test]
    fn object_subcommands() {
        let mut t = TestServer::new();
        t.check(&[
            ("OBJECT HELP", "*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+ENCODING <key>\r\n+    Return the kind of internal representation used in order to store the value\r\n+    associated with a <key>.\r\n+FREQ <key>\r\n+    Return the access frequency index of the <key>. The returned integer is\r\n+    proportional to the logarithm of the recent access frequency of the key.\r\n+IDLETIME <key>\r\n+    Return the idle time of the <key>, that is the approximated number of\r\n+    seconds elapsed since the last access to the key.\r\n+REFCOUNT <key>\r\n+    Return the number of references of the value associated with the specified\r\n+    <key>.\r\n+HELP\r\n+    Prints this help.\r\n"),
            ("OBJECT", "-ERR wrong number of arguments for 'object' command\r\n"),
            ("OBJECT FOO", "-ERR unknown subcommand 'FOO'. Try OBJECT HELP.\r\n"),
            ("OBJECT ENCODING", "-ERR wrong number of arguments for 'object|encoding' command\r\n"),
            ("OBJECT ENCODING a b", "-ERR wrong number of arguments for 'object|encoding' command\r\n"),
            ("OBJECT HELP x", "-ERR wrong number of arguments for 'object|help' command\r\n"),
            ("SET k 100", "+OK\r\n"),
            ("OBJECT REFCOUNT k", ":2147483647\r\n"),
            ("OBJECT ENCODING k", "$3\r\nint\r\n"),
            ("SET k2 10000", "+OK\r\n"),
            ("OBJECT REFCOUNT k2", ":1\r\n"),
            ("OBJECT ENCODING k2", "$3\r\nint\r\n"),
            ("SET k3 abc", "+OK\r\n"),
            ("OBJECT ENCODING k3", "$6\r\nembstr\r\n"),
            ("OBJECT REFCOUNT k3", ":1\r\n"),
            ("OBJECT FREQ k3", "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n"),
            ("OBJECT IDLETIME k3", ":0\r\n"),
            ("OBJECT ENCODING nokey", "$-1\r\n"),
            ("OBJECT FREQ nokey", "$-1\r\n"),
            ("OBJECT IDLETIME nokey", "$-1\r\n"),
            ("OBJECT REFCOUNT nokey", "$-1\r\n"),
            ("SET k -1", "+OK\r\n"),
            ("OBJECT REFCOUNT k", ":1\r\n"),
            ("APPEND k3 x", ":4\r\n"),
            ("OBJECT ENCODING k3", "$3\r\nraw\r\n"),
            ("SET k4 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "+OK\r\n"),
            ("OBJECT ENCODING k4", "$3\r\nraw\r\n"),
            ("SET k5 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "+OK\r\n"),
            ("OBJECT ENCODING k5", "$6\r\nembstr\r\n"),
        ]);
    }

    /// Sets the access clock of `key` to `secs` seconds ago.
    fn age(t: &mut TestServer, key: &[u8], secs: u32) {
        let e = t.srv.dbs[0].dict.get_entry_mut(key).unwrap();
        e.key.set_lru(lru_clock().wrapping_sub(secs) & crate::db::LRU_CLOCK_MAX);
    }

    fn idle(t: &mut TestServer, key: &str) -> u64 {
        t.text(&["OBJECT", "IDLETIME", key])[1..].trim().parse().unwrap()
    }

    #[test]
    fn introspection_does_not_touch_the_clock() {
        let mut t = TestServer::new();
        t.check(&[("SET k v", "+OK\r\n"), ("SET other v", "+OK\r\n")]);
        age(&mut t, b"k", 100);
        assert_eq!(idle_seconds(t.srv.dbs[0].dict.get_entry(b"k").unwrap().key.lru()).min(100), 100);
        for cmd in [
            &["TYPE", "k"][..],
            &["EXISTS", "k"],
            &["TTL", "k"],
            &["PTTL", "k"],
            &["OBJECT", "ENCODING", "k"],
            &["SCAN", "0"],
            &["KEYS", "*"],
        ] {
            t.run(cmd);
            let i = idle(&mut t, "k");
            assert!((100..=102).contains(&i), "{:?} touched the key: idle {}", cmd, i);
        }
        t.run(&["TOUCH", "k"]);
        assert!(idle(&mut t, "k") <= 1);
        age(&mut t, b"k", 100);
        t.run(&["GET", "k"]);
        assert!(idle(&mut t, "k") <= 1);
    }

    #[test]
    fn scan_arguments() {
        let mut t = TestServer::new();
        t.check(&[
            ("SET a 1", "+OK\r\n"),
            ("SCAN 0", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"),
            ("SCAN 0 COUNT 0", "-ERR syntax error\r\n"),
            ("SCAN 0 COUNT -1", "-ERR syntax error\r\n"),
            ("SCAN 0 COUNT x", "-ERR value is not an integer or out of range\r\n"),
            ("SCAN x", "-ERR invalid cursor\r\n"),
            ("SCAN \" 1\"", "-ERR invalid cursor\r\n"),
            ("SCAN 0x1", "-ERR invalid cursor\r\n"),
            ("SCAN 1.5", "-ERR invalid cursor\r\n"),
            ("SCAN 18446744073709551616", "-ERR invalid cursor\r\n"),
            ("SCAN +0", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"),
            ("SCAN -0", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"),
            ("SCAN \"\"", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"),
            ("SCAN 0 MATCH", "-ERR syntax error\r\n"),
            ("SCAN 0 FOO bar", "-ERR syntax error\r\n"),
            ("SCAN 0 MATCH a*", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"),
            ("SCAN 0 MATCH b*", "*2\r\n$1\r\n0\r\n*0\r\n"),
            ("SCAN 0 TYPE string", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"),
            ("SCAN 0 TYPE STRING", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"),
            ("SCAN 0 TYPE list", "*2\r\n$1\r\n0\r\n*0\r\n"),
            ("SCAN 0 count 5 count 10 match * type string", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"),
        ]);
        assert_eq!(super::parse_cursor(b"-1").unwrap(), u64::MAX);
        assert_eq!(super::parse_cursor(b"18446744073709551615").unwrap(), u64::MAX);
        assert!(super::parse_cursor(b"+").is_err());
        assert!(super::parse_cursor(b"- 1").is_err());
    }

    /// Parses a SCAN reply into (cursor, keys).
    fn scan_once(t: &mut TestServer, cursor: u64, count: usize) -> (u64, Vec<String>) {
        let reply = t.text(&["SCAN".to_string(), cursor.to_string(), "COUNT".into(), count.to_string()]);
        let lines: Vec<&str> = reply.split("\r\n").collect();
        assert_eq!(lines[0], "*2");
        let next = lines[2].parse().unwrap();
        let n: usize = lines[3][1..].parse().unwrap();
        let keys = (0..n).map(|i| lines[5 + 2 * i].to_string()).collect();
        (next, keys)
    }

    #[test]
    fn scan_returns_every_stable_key_while_the_table_resizes() {
        let mut t = TestServer::new();
        let stable: Vec<String> = (0..2000).map(|i| format!("stable:{}", i)).collect();
        for k in &stable {
            t.run(&["SET", k.as_str(), "1"]);
        }
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut round = 0usize;
        let mut churn = 0usize;
        let mut sizes = HashSet::new();
        // (rehashing, grown): scans ran while growing and while shrinking.
        let mut states = HashSet::new();
        loop {
            sizes.insert(t.srv.dbs[0].dict.buckets());
            states.insert((t.srv.dbs[0].dict.is_rehashing(), t.srv.dbs[0].len() > 10_000));
            let (next, keys) = scan_once(&mut t, cursor, 7);
            seen.extend(keys);
            cursor = next;
            round += 1;
            // Alternate between growing the table a lot and emptying it
            // again (so it shrinks), with incremental rehashing in between.
            match round % 60 {
                5 => {
                    for _ in 0..20_000 {
                        t.srv.dbs[0].add(format!("churn:{}", churn).as_bytes(), crate::types::value::Value::Int(1));
                        churn += 1;
                    }
                }
                30 => {
                    let victims: Vec<Vec<u8>> =
                        t.srv.dbs[0].dict.iter().map(|(k, _)| k.as_bytes().to_vec()).filter(|k| k.starts_with(b"churn:")).collect();
                    for k in victims {
                        t.srv.dbs[0].remove(&k);
                    }
                    // Finish the growth, then start shrinking.
                    while t.srv.dbs[0].dict.rehash(1000) {}
                    t.srv.dbs[0].dict.shrink_if_needed();
                }
                _ => {
                    t.srv.dbs[0].dict.rehash(10);
                }
            }
            if cursor == 0 {
                break;
            }
            assert!(round < 100_000, "scan does not terminate");
        }
        for k in &stable {
            assert!(seen.contains(k), "SCAN missed {}", k);
        }
        assert!(sizes.len() >= 3, "the table never resized mid-scan: {:?}", sizes);
        assert!(states.contains(&(true, true)) && states.contains(&(true, false)), "no scan while growing and shrinking: {:?}", states);
    }

    #[test]
    fn keys_glob() {
        let mut t = TestServer::new();
        t.check(&[("MSET hello 1 hallo 2 hxllo 3 hllo 4 heeeello 5", "+OK\r\n"), ("KEYS nothing*", "*0\r\n"), ("KEYS h\\*", "*0\r\n")]);
        // Order is the table's; compare as sets.
        let mut keys = |pattern: &str| -> Vec<String> {
            let reply = t.text(&["KEYS", pattern]);
            let mut v: Vec<String> = reply.split("\r\n").skip(2).step_by(2).filter(|s| !s.is_empty()).map(String::from).collect();
            v.sort();
            v
        };
        assert_eq!(keys("h[^e]llo"), ["hallo", "hxllo"]);
        assert_eq!(keys("h[a-e]llo"), ["hallo", "hello"]);
        assert_eq!(keys("h*llo"), ["hallo", "heeeello", "hello", "hllo", "hxllo"]);
        assert_eq!(keys("h?llo"), ["hallo", "hello", "hxllo"]);
        assert_eq!(keys("*"), ["hallo", "heeeello", "hello", "hllo", "hxllo"]);
    }

    /// What a command propagates instead of its argv, space-joined.
    fn propagated(t: &mut TestServer, cmd: &str) -> Option<String> {
        let (_, rewritten) = t.run_for_propagation(cmd);
        rewritten.map(|r| r.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect::<Vec<_>>().join(" "))
    }

    #[test]
    fn expire_propagates_absolute_deadlines() {
        let mut t = TestServer::new();
        t.check(&[("MSET a 1 b 2 c 3", "+OK\r\n")]);
        let before = crate::server::unix_ms();
        let p = propagated(&mut t, "EXPIRE a 100 NX").unwrap();
        let parts: Vec<&str> = p.split(' ').collect();
        assert_eq!((parts[0], parts[1], parts[3]), ("PEXPIREAT", "a", "NX"));
        let when: i64 = parts[2].parse().unwrap();
        assert!(when >= before + 100_000 && when <= crate::server::unix_ms() + 100_000);
        assert_eq!(t.srv.dbs[0].expire_of(b"a"), Some(when));
        assert_eq!(propagated(&mut t, "EXPIREAT a 32503680000").as_deref(), Some("PEXPIREAT a 32503680000000"));
        assert_eq!(propagated(&mut t, "PEXPIREAT a 32503680000001"), None);
        let p = propagated(&mut t, "PEXPIRE a 5000").unwrap();
        assert!(p.starts_with("PEXPIREAT a "), "{}", p);
        // A deadline in the past deletes, propagated per lazyfree-lazy-expire.
        assert_eq!(propagated(&mut t, "EXPIRE a -1").as_deref(), Some("DEL a"));
        t.srv.config.lazyfree_lazy_expire = true;
        assert_eq!(propagated(&mut t, "PEXPIREAT b 1").as_deref(), Some("UNLINK b"));
        assert!(t.srv.dbs[0].dict.get(b"a").is_none() && t.srv.dbs[0].dict.get(b"b").is_none());
    }

    fn wait_freed(t: &TestServer, n: u64) {
        let start = std::time::Instant::now();
        while t.srv.lazyfree.freed_objects() < n {
            assert!(start.elapsed().as_secs() < 5, "lazyfree thread freed {} of {}", t.srv.lazyfree.freed_objects(), n);
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    #[test]
    fn unlink_frees_big_values_in_the_background() {
        let mut t = TestServer::new();
        let big = "x".repeat(200_000);
        t.run(&["SET", "big", big.as_str()]);
        t.run(&["SET", "small", "1"]);
        t.check(&[("UNLINK big small", ":2\r\n")]);
        wait_freed(&t, 1);
        // DEL frees inline unless lazyfree-lazy-user-del.
        t.run(&["SET", "big", big.as_str()]);
        t.check(&[("DEL big", ":1\r\n")]);
        assert_eq!(t.srv.lazyfree.freed_objects() + t.srv.lazyfree.pending_objects(), 1);
        t.srv.config.lazyfree_lazy_user_del = true;
        t.run(&["SET", "big", big.as_str()]);
        t.check(&[("DEL big", ":1\r\n"), ("EXISTS big", ":0\r\n")]);
        wait_freed(&t, 2);
    }
}
