//! The hash type's commands; mirrors t_hash.c.

use super::errors::{CmdResult, ReplyError};
use super::keys::{parse_cursor, parse_scan_options, ScanOptions};
use super::table::{acl, flag::*, Command};
use super::{args, Ctx};
use crate::db::keyspace::event;
use crate::net::reply::Reply;
use crate::server::Server;
use crate::types::hash::{Elem, Hash};
use crate::types::listpack::LpValue;
use crate::types::value::Value;
use crate::util::glob::glob_match;
use crate::util::num::{incr_long_double, parse_i64_strict, LdIncrError};

const H: u32 = acl::HASH;

pub const COMMANDS: &[Command] = &[
    Command::new("hset", -4, hset).flags(WRITE | DENYOOM | FAST).acl(H).keys(1, 1, 1).key_flags(&["RW", "update"]).group("hash")
        .doc("2.0.0", "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.", "Set the string value of a hash field"),
    Command::new("hsetnx", 4, hsetnx).flags(WRITE | DENYOOM | FAST).acl(H).keys(1, 1, 1).key_flags(&["RW", "insert"]).group("hash")
        .doc("2.0.0", "O(1)", "Set the value of a hash field, only if the field does not exist"),
    Command::new("hmset", -4, hmset).flags(WRITE | DENYOOM | FAST).acl(H).keys(1, 1, 1).key_flags(&["RW", "update"]).group("hash")
        .doc("2.0.0", "O(N) where N is the number of fields being set.", "Set multiple hash fields to multiple values"),
    Command::new("hget", 3, hget).flags(READONLY | FAST).acl(H).keys(1, 1, 1).key_flags(&["RO", "access"]).group("hash")
        .doc("2.0.0", "O(1)", "Get the value of a hash field"),
    Command::new("hmget", -3, hmget).flags(READONLY | FAST).acl(H).keys(1, 1, 1).key_flags(&["RO", "access"]).group("hash")
        .doc("2.0.0", "O(N) where N is the number of fields being requested.", "Get the values of all the given hash fields"),
    Command::new("hgetall", 2, hgetall).flags(READONLY).acl(H).keys(1, 1, 1).key_flags(&["RO", "access"]).group("hash").tips(&["nondeterministic_output_order"])
        .doc("2.0.0", "O(N) where N is the size of the hash.", "Get all the fields and values in a hash"),
    Command::new("hdel", -3, hdel).flags(WRITE | FAST).acl(H).keys(1, 1, 1).key_flags(&["RW", "delete"]).group("hash")
        .doc("2.0.0", "O(N) where N is the number of fields to be removed.", "Delete one or more hash fields"),
    Command::new("hlen", 2, hlen).flags(READONLY | FAST).acl(H).keys(1, 1, 1).key_flags(&["RO"]).group("hash")
        .doc("2.0.0", "O(1)", "Get the number of fields in a hash"),
    Command::new("hstrlen", 3, hstrlen).flags(READONLY | FAST).acl(H).keys(1, 1, 1).key_flags(&["RO"]).group("hash")
        .doc("3.2.0", "O(1)", "Get the length of the value of a hash field"),
    Command::new("hexists", 3, hexists).flags(READONLY | FAST).acl(H).keys(1, 1, 1).key_flags(&["RO"]).group("hash")
        .doc("2.0.0", "O(1)", "Determine if a hash field exists"),
    Command::new("hkeys", 2, hkeys).flags(READONLY).acl(H).keys(1, 1, 1).key_flags(&["RO", "access"]).group("hash").tips(&["nondeterministic_output_order"])
        .doc("2.0.0", "O(N) where N is the size of the hash.", "Get all the fields in a hash"),
    Command::new("hvals", 2, hvals).flags(READONLY).acl(H).keys(1, 1, 1).key_flags(&["RO", "access"]).group("hash").tips(&["nondeterministic_output_order"])
        .doc("2.0.0", "O(N) where N is the size of the hash.", "Get all the values in a hash"),
    Command::new("hincrby", 4, hincrby).flags(WRITE | DENYOOM | FAST).acl(H).keys(1, 1, 1).key_flags(&["RW", "access", "update"]).group("hash")
        .doc("2.0.0", "O(1)", "Increment the integer value of a hash field by the given number"),
    Command::new("hincrbyfloat", 4, hincrbyfloat).flags(WRITE | DENYOOM | FAST).acl(H).keys(1, 1, 1).key_flags(&["RW", "access", "update"]).group("hash")
        .doc("2.6.0", "O(1)", "Increment the float value of a hash field by the given amount"),
    Command::new("hrandfield", -2, hrandfield).flags(READONLY).acl(H).keys(1, 1, 1).key_flags(&["RO", "access"]).group("hash").tips(&["nondeterministic_output"])
        .doc("6.2.0", "O(N) where N is the number of fields returned", "Get one or multiple random fields from a hash"),
    Command::new("hscan", -3, hscan).flags(READONLY).acl(H).keys(1, 1, 1).key_flags(&["RO", "access"]).group("hash").tips(&["nondeterministic_output"])
        .doc("2.8.0", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", "Incrementally iterate hash fields and associated values"),
];

// ---------------------------------------------------------------------------
// Shared helpers

/// The hash at `key` for reading: Ok(None) when missing, WRONGTYPE when the
/// key holds another type.
fn read_hash<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Result<Option<&'a Hash>, ReplyError> {
    match srv.lookup_read(db, key) {
        None => Ok(None),
        Some(Value::Hash(h)) => Ok(Some(h)),
        Some(_) => Err(ReplyError::wrong_type()),
    }
}

/// The hash at `key` for writing, created empty when missing
/// (hashTypeLookupWriteOrCreate); WRONGTYPE when the key holds another type.
fn write_or_create<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Result<&'a mut Hash, ReplyError> {
    match srv.lookup_write(db, key) {
        None => {}
        Some(Value::Hash(_)) => {}
        Some(_) => return Err(ReplyError::wrong_type()),
    }
    if !srv.dbs[db].dict.contains_key(key) {
        srv.db_add(db, key, Value::Hash(Box::default()));
    }
    match srv.dbs[db].dict.get_mut(key) {
        Some(Value::Hash(h)) => Ok(h),
        _ => unreachable!("hash looked up or created above"),
    }
}

/// The hash at `key` for writing: Ok(None) when missing.
fn write_hash<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Result<Option<&'a mut Hash>, ReplyError> {
    match srv.lookup_write(db, key) {
        None => Ok(None),
        Some(Value::Hash(h)) => Ok(Some(h)),
        Some(_) => Err(ReplyError::wrong_type()),
    }
}

/// A hash already looked up in this command (no statistics, no expiry).
fn peek_hash<'a>(srv: &'a Server, db: usize, key: &[u8]) -> Option<&'a Hash> {
    match srv.dbs[db].dict.get(key) {
        Some(Value::Hash(h)) => Some(h),
        _ => None,
    }
}

/// The thresholds a write converts at: (hash-max-listpack-entries,
/// hash-max-listpack-value).
fn limits(srv: &Server) -> (usize, usize) {
    (srv.config.hash_max_listpack_entries as usize, srv.config.hash_max_listpack_value as usize)
}

#[inline]
fn reply_elem(out: &mut Reply, e: Elem) {
    match e {
        LpValue::Str(s) => out.bulk(s),
        LpValue::Int(n) => out.bulk_i64(n),
    }
}

/// A pair of an HRANDFIELD WITHVALUES reply: RESP3 nests each pair in an
/// array of two, RESP2 flattens.
#[inline]
fn reply_pair(out: &mut Reply, k: Elem, v: Elem) {
    if out.resp >= 3 {
        out.array(2);
    }
    reply_elem(out, k);
    reply_elem(out, v);
}

// ---------------------------------------------------------------------------
// HSET, HMSET, HSETNX, HDEL

/// The shared body of HSET and HMSET (hsetCommand): sets every pair, after
/// converting to a hashtable first when an argument is too long. Returns
/// how many fields were new.
fn hset_generic(ctx: &mut Ctx) -> Result<usize, ReplyError> {
    if ctx.argc() % 2 == 1 {
        return Err(ReplyError::wrong_arity(ctx.cmd_name()));
    }
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let (max_entries, max_value) = limits(ctx.srv);
    let argv = ctx.argv;
    let h = write_or_create(ctx.srv, db, key)?;
    h.try_conversion((2..argv.len()).map(|i| argv.get(i)), max_value);
    let mut created = 0;
    for i in (2..argv.len()).step_by(2) {
        created += h.set(argv.get(i), argv.get(i + 1), max_entries, max_value) as usize;
    }
    ctx.srv.signal_modified_key(db, key);
    ctx.srv.notify_keyspace_event(event::HASH, "hset", key, db);
    ctx.srv.dirty += ((argv.len() - 2) / 2) as u64;
    Ok(created)
}

/// HSET key field value [field value ...]: the number of fields created.
pub fn hset(ctx: &mut Ctx) -> CmdResult {
    let created = hset_generic(ctx)?;
    ctx.c.out.int(created as i64);
    Ok(())
}

/// HMSET key field value [field value ...]: OK (deprecated form of HSET).
pub fn hmset(ctx: &mut Ctx) -> CmdResult {
    hset_generic(ctx)?;
    ctx.c.out.ok();
    Ok(())
}

/// HSETNX key field value: 1 if the field was set, 0 if it existed.
pub fn hsetnx(ctx: &mut Ctx) -> CmdResult {
    let db = ctx.c.db;
    let (key, field, value) = (ctx.arg(1), ctx.arg(2), ctx.arg(3));
    let (max_entries, max_value) = limits(ctx.srv);
    let h = write_or_create(ctx.srv, db, key)?;
    if h.contains(field) {
        ctx.c.out.int(0);
        return Ok(());
    }
    h.try_conversion([field, value], max_value);
    h.set(field, value, max_entries, max_value);
    ctx.srv.key_modified(db, key, event::HASH, "hset");
    ctx.c.out.int(1);
    Ok(())
}

/// HDEL key field [field ...]: the number of fields removed; the key is
/// deleted when the hash becomes empty.
pub fn hdel(ctx: &mut Ctx) -> CmdResult {
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let Some(h) = write_hash(ctx.srv, db, key)? else {
        ctx.c.out.int(0);
        return Ok(());
    };
    let mut deleted = 0;
    for f in ctx.argv.iter().skip(2) {
        if h.remove(f) {
            deleted += 1;
            if h.is_empty() {
                break;
            }
        }
    }
    if deleted > 0 {
        let emptied = h.is_empty();
        if emptied {
            ctx.srv.delete_key(db, key, false);
        }
        ctx.srv.signal_modified_key(db, key);
        ctx.srv.notify_keyspace_event(event::HASH, "hdel", key, db);
        if emptied {
            ctx.srv.notify_keyspace_event(event::GENERIC, "del", key, db);
        }
        ctx.srv.dirty += deleted;
    }
    ctx.c.out.int(deleted as i64);
    Ok(())
}

// ---------------------------------------------------------------------------
// HGET, HMGET, HLEN, HSTRLEN, HEXISTS

/// HGET key field: the value, or null.
pub fn hget(ctx: &mut Ctx) -> CmdResult {
    let (key, field) = (ctx.arg(1), ctx.arg(2));
    let out = &mut ctx.c.out;
    match read_hash(ctx.srv, ctx.c.db, key)?.and_then(|h| h.get(field)) {
        Some(v) => reply_elem(out, v),
        None => out.null(),
    }
    Ok(())
}

/// HMGET key field [field ...]: a value or null per field; a missing key
/// is an empty hash.
pub fn hmget(ctx: &mut Ctx) -> CmdResult {
    let h = read_hash(ctx.srv, ctx.c.db, ctx.arg(1))?;
    let out = &mut ctx.c.out;
    out.array(ctx.argv.len() - 2);
    for f in ctx.argv.iter().skip(2) {
        match h.and_then(|h| h.get(f)) {
            Some(v) => reply_elem(out, v),
            None => out.null(),
        }
    }
    Ok(())
}

/// HLEN key: the number of fields, 0 for a missing key.
pub fn hlen(ctx: &mut Ctx) -> CmdResult {
    let n = read_hash(ctx.srv, ctx.c.db, ctx.arg(1))?.map_or(0, |h| h.len());
    ctx.c.out.int(n as i64);
    Ok(())
}

/// HSTRLEN key field: the length of the value, 0 when missing.
pub fn hstrlen(ctx: &mut Ctx) -> CmdResult {
    let field = ctx.arg(2);
    let n = read_hash(ctx.srv, ctx.c.db, ctx.arg(1))?.and_then(|h| h.get(field)).map_or(0, |v| v.str_len());
    ctx.c.out.int(n as i64);
    Ok(())
}

/// HEXISTS key field: 1 or 0.
pub fn hexists(ctx: &mut Ctx) -> CmdResult {
    let field = ctx.arg(2);
    let found = read_hash(ctx.srv, ctx.c.db, ctx.arg(1))?.is_some_and(|h| h.contains(field));
    ctx.c.out.int(found as i64);
    Ok(())
}

// ---------------------------------------------------------------------------
// HGETALL, HKEYS, HVALS

/// The shared body of HGETALL, HKEYS and HVALS (genericHgetallCommand):
/// fields and values make a map, either alone a flat array.
fn hgetall_generic(ctx: &mut Ctx, fields: bool, values: bool) -> CmdResult {
    let h = read_hash(ctx.srv, ctx.c.db, ctx.arg(1))?;
    let out = &mut ctx.c.out;
    let n = h.map_or(0, |h| h.len());
    if fields && values {
        out.map(n);
    } else {
        out.array(n);
    }
    for (k, v) in h.into_iter().flat_map(|h| h.iter()) {
        if fields {
            reply_elem(out, k);
        }
        if values {
            reply_elem(out, v);
        }
    }
    Ok(())
}

/// HGETALL key: every field and value (a map in RESP3).
pub fn hgetall(ctx: &mut Ctx) -> CmdResult {
    hgetall_generic(ctx, true, true)
}

/// HKEYS key: every field.
pub fn hkeys(ctx: &mut Ctx) -> CmdResult {
    hgetall_generic(ctx, true, false)
}

/// HVALS key: every value.
pub fn hvals(ctx: &mut Ctx) -> CmdResult {
    hgetall_generic(ctx, false, true)
}

// ---------------------------------------------------------------------------
// HINCRBY, HINCRBYFLOAT

/// HINCRBY key field increment: the new value. A missing field counts as 0.
pub fn hincrby(ctx: &mut Ctx) -> CmdResult {
    let incr = args::int(ctx.arg(3))?;
    let db = ctx.c.db;
    let (key, field) = (ctx.arg(1), ctx.arg(2));
    let (max_entries, max_value) = limits(ctx.srv);
    let h = write_or_create(ctx.srv, db, key)?;
    let old = match h.get(field) {
        None => 0,
        Some(LpValue::Int(n)) => n,
        Some(LpValue::Str(s)) => parse_i64_strict(s).ok_or_else(|| ReplyError::fixed("ERR hash value is not an integer"))?,
    };
    let new = old.checked_add(incr).ok_or_else(ReplyError::overflow)?;
    let mut buf = [0u8; 20];
    let len = crate::util::num::write_i64(new, &mut buf);
    h.set(field, &buf[..len], max_entries, max_value);
    ctx.c.out.int(new);
    ctx.srv.key_modified(db, key, event::HASH, "hincrby");
    Ok(())
}

/// HINCRBYFLOAT key field increment: the new value as a bulk string,
/// computed in long double as Redis does; propagated as HSET with the
/// result so that replicas and the AOF do not redo float arithmetic.
pub fn hincrbyfloat(ctx: &mut Ctx) -> CmdResult {
    // The increment alone: a bad float, or NaN/infinity, fails first.
    match incr_long_double(None, ctx.arg(3)) {
        Ok(_) => {}
        Err(LdIncrError::NanOrInf) => return Err(ReplyError::fixed("ERR value is NaN or Infinity")),
        Err(_) => return Err(ReplyError::not_float()),
    }
    let db = ctx.c.db;
    let (key, field, incr) = (ctx.arg(1), ctx.arg(2), ctx.arg(3));
    let (max_entries, max_value) = limits(ctx.srv);
    let h = write_or_create(ctx.srv, db, key)?;
    let cur = h.get(field).map(|v| v.to_vec());
    let text = incr_long_double(cur.as_deref(), incr).map_err(|e| match e {
        LdIncrError::BadValue => ReplyError::fixed("ERR hash value is not a float"),
        LdIncrError::BadIncrement => ReplyError::not_float(),
        LdIncrError::NanOrInf => ReplyError::nan_or_inf(),
    })?;
    h.set(field, &text, max_entries, max_value);
    ctx.c.out.bulk(&text);
    ctx.srv.key_modified(db, key, event::HASH, "hincrbyfloat");
    ctx.rewrite_argv(&[&b"HSET"[..], key, field, &text]);
    Ok(())
}

// ---------------------------------------------------------------------------
// HRANDFIELD

/// HRANDFIELD key [count [WITHVALUES]]: a random field (null when the key
/// is missing); with a positive count up to `count` distinct fields, with
/// a negative count exactly |count| fields that may repeat; WITHVALUES
/// adds each field's value (pairs nested in RESP3).
pub fn hrandfield(ctx: &mut Ctx) -> CmdResult {
    if ctx.argc() >= 3 {
        let l = args::int(ctx.arg(2))?;
        if l == i64::MIN {
            return Err(ReplyError::long_out_of_range(-i64::MAX, i64::MAX));
        }
        if ctx.argc() > 4 || (ctx.argc() == 4 && !args::is(ctx.arg(3), "withvalues")) {
            return Err(ReplyError::syntax());
        }
        let withvalues = ctx.argc() == 4;
        if withvalues && !(-i64::MAX / 2..=i64::MAX / 2).contains(&l) {
            return Err(ReplyError::fixed("ERR value is out of range"));
        }
        return hrandfield_with_count(ctx, l, withvalues);
    }
    match read_hash(ctx.srv, ctx.c.db, ctx.arg(1))? {
        Some(h) => reply_elem(&mut ctx.c.out, h.random().expect("stored hashes are never empty").0),
        None => ctx.c.out.null(),
    }
    Ok(())
}

/// HRANDFIELD key count [WITHVALUES] (hrandfieldWithCountCommand).
fn hrandfield_with_count(ctx: &mut Ctx, l: i64, withvalues: bool) -> CmdResult {
    let Some(h) = read_hash(ctx.srv, ctx.c.db, ctx.arg(1))? else {
        ctx.c.out.array(0);
        return Ok(());
    };
    let (count, unique) = (l.unsigned_abs() as usize, l >= 0);
    let out = &mut ctx.c.out;
    if count == 0 {
        out.array(0);
        return Ok(());
    }
    let flat = withvalues && out.resp == 2;
    let emit = |out: &mut Reply, k: Elem, v: Elem| {
        if withvalues {
            reply_pair(out, k, v);
        } else {
            reply_elem(out, k);
        }
    };
    // Case 1: independent draws, repeats allowed.
    if !unique || count == 1 {
        out.array(if flat { count * 2 } else { count });
        h.random_pairs(count, |k, v| emit(out, k, v));
        return Ok(());
    }
    let size = h.len();
    let n = count.min(size);
    out.array(if flat { n * 2 } else { n });
    if count >= size {
        // Case 2: the whole hash.
        h.iter().for_each(|(k, v)| emit(out, k, v));
    } else {
        // Cases 2.5, 3 and 4: distinct random fields.
        h.random_distinct(count).into_iter().for_each(|(k, v)| emit(out, k, v));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// HSCAN

/// HSCAN key cursor [MATCH pattern] [COUNT count]: [next cursor, [field,
/// value, ...]]. A listpack is returned whole with cursor 0; a hashtable
/// is walked with SCAN's reverse-binary cursor, so every field present for
/// the whole iteration is returned at least once. MATCH applies to fields.
pub fn hscan(ctx: &mut Ctx) -> CmdResult {
    let mut cursor = parse_cursor(ctx.arg(2))?;
    let db = ctx.c.db;
    let key = ctx.arg(1);
    if read_hash(ctx.srv, db, key)?.is_none() {
        let out = &mut ctx.c.out;
        out.array(2);
        out.bulk(b"0");
        out.array(0);
        return Ok(());
    }
    // Options are parsed once the key is known to be a hash, as in Redis.
    let ScanOptions { count, pattern, .. } = parse_scan_options(ctx, 3, false)?;
    let h = peek_hash(ctx.srv, db, key).expect("looked up above");
    let mut found: Vec<Vec<u8>> = Vec::new();
    // Visit buckets until COUNT elements (fields and values both count, as
    // in Redis) were seen, or 10*COUNT buckets.
    let mut seen = 0usize;
    let mut max_iterations = count.saturating_mul(10);
    loop {
        cursor = h.scan(cursor, |k, v| {
            seen += 2;
            let mut buf = [0u8; 20];
            let kb = k.as_bytes(&mut buf);
            if pattern.is_none_or(|p| glob_match(p, kb, false)) {
                found.push(kb.to_vec());
                found.push(v.to_vec());
            }
        });
        if cursor == 0 || max_iterations == 0 || seen as i64 >= count {
            break;
        }
        max_iterations -= 1;
    }
    let out = &mut ctx.c.out;
    out.array(2);
    out.bulk(cursor.to_string().as_bytes());
    out.array(found.len());
    for e in &found {
        out.bulk(e);
    }
    Ok(())
}
