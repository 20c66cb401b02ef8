//! The hash type's commands; mirrors t_hash.c.

use super::errors::{CmdResult, ReplyError};
use super::keys::{parse_cursor, parse_scan_options, reply_scan, scan_walk, ScanOptions};
use super::keyspec::*;
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
    Command::new("hset", -4, hset).flags(WRITE | DENYOOM | FAST).acl(H).key_specs(&[key(1, RW | UPDATE)]).group("hash")
        .doc("2.0.0", "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.", "Set the string value of a hash field")
        .history(&[("4.0.0", "Takes several field-value pairs.")])
        .args("key:key field_value:(field value)..."),
    Command::new("hsetnx", 4, hsetnx).flags(WRITE | DENYOOM | FAST).acl(H).key_specs(&[key(1, RW | INSERT)]).group("hash")
        .doc("2.0.0", "O(1)", "Set the value of a hash field, only if the field does not exist")
        .args("key:key field value"),
    Command::new("hmset", -4, hmset).flags(WRITE | DENYOOM | FAST).acl(H).key_specs(&[key(1, RW | UPDATE)]).group("hash")
        .doc("2.0.0", "O(N) where N is the number of fields being set.", "Set multiple hash fields to multiple values")
        .deprecated("4.0.0", "`HSET` with multiple field-value pairs")
        .args("key:key field_value:(field value)..."),
    Command::new("hget", 3, hget).flags(READONLY | FAST).acl(H).key_specs(&[key(1, RO | ACCESS)]).group("hash")
        .doc("2.0.0", "O(1)", "Get the value of a hash field")
        .args("key:key field"),
    Command::new("hmget", -3, hmget).flags(READONLY | FAST).acl(H).key_specs(&[key(1, RO | ACCESS)]).group("hash")
        .doc("2.0.0", "O(N) where N is the number of fields being requested.", "Get the values of all the given hash fields")
        .args("key:key field..."),
    Command::new("hgetall", 2, hgetall).flags(READONLY).acl(H).key_specs(&[key(1, RO | ACCESS)]).group("hash").tips(&["nondeterministic_output_order"])
        .doc("2.0.0", "O(N) where N is the size of the hash.", "Get all the fields and values in a hash")
        .args("key:key"),
    Command::new("hdel", -3, hdel).flags(WRITE | FAST).acl(H).key_specs(&[key(1, RW | DELETE)]).group("hash")
        .doc("2.0.0", "O(N) where N is the number of fields to be removed.", "Delete one or more hash fields")
        .history(&[("2.4.0", "Takes several fields.")])
        .args("key:key field..."),
    Command::new("hlen", 2, hlen).flags(READONLY | FAST).acl(H).key_specs(&[key(1, RO)]).group("hash")
        .doc("2.0.0", "O(1)", "Get the number of fields in a hash")
        .args("key:key"),
    Command::new("hstrlen", 3, hstrlen).flags(READONLY | FAST).acl(H).key_specs(&[key(1, RO)]).group("hash")
        .doc("3.2.0", "O(1)", "Get the length of the value of a hash field")
        .args("key:key field"),
    Command::new("hexists", 3, hexists).flags(READONLY | FAST).acl(H).key_specs(&[key(1, RO)]).group("hash")
        .doc("2.0.0", "O(1)", "Determine if a hash field exists")
        .args("key:key field"),
    Command::new("hkeys", 2, hkeys).flags(READONLY).acl(H).key_specs(&[key(1, RO | ACCESS)]).group("hash").tips(&["nondeterministic_output_order"])
        .doc("2.0.0", "O(N) where N is the size of the hash.", "Get all the fields in a hash")
        .args("key:key"),
    Command::new("hvals", 2, hvals).flags(READONLY).acl(H).key_specs(&[key(1, RO | ACCESS)]).group("hash").tips(&["nondeterministic_output_order"])
        .doc("2.0.0", "O(N) where N is the size of the hash.", "Get all the values in a hash")
        .args("key:key"),
    Command::new("hincrby", 4, hincrby).flags(WRITE | DENYOOM | FAST).acl(H).key_specs(&[key(1, RW | ACCESS | UPDATE)]).group("hash")
        .doc("2.0.0", "O(1)", "Increment the integer value of a hash field by the given number")
        .args("key:key field increment:integer"),
    Command::new("hincrbyfloat", 4, hincrbyfloat).flags(WRITE | DENYOOM | FAST).acl(H).key_specs(&[key(1, RW | ACCESS | UPDATE)]).group("hash")
        .doc("2.6.0", "O(1)", "Increment the float value of a hash field by the given amount")
        .args("key:key field increment:double"),
    Command::new("hrandfield", -2, hrandfield).flags(READONLY).acl(H).key_specs(&[key(1, RO | ACCESS)]).group("hash").tips(&["nondeterministic_output"])
        .doc("6.2.0", "O(N) where N is the number of fields returned", "Get one or multiple random fields from a hash")
        .args("key:key [options:(count:integer [WITHVALUES])]"),
    Command::new("hscan", -3, hscan).flags(READONLY).acl(H).key_specs(&[key(1, RO | ACCESS)]).group("hash").tips(&["nondeterministic_output"])
        .doc("2.8.0", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", "Incrementally iterate hash fields and associated values")
        .args("key:key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]"),
];

// ---------------------------------------------------------------------------
// Shared helpers

/// The hash at `key` for reading: Ok(None) when missing, WRONGTYPE when the
/// key holds another type.
fn read_hash<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Result<Option<&'a Hash>, ReplyError> {
    srv.read_typed(db, key)
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

/// A hash already looked up in this command (no statistics, no expiry).
fn peek_hash<'a>(srv: &'a Server, db: usize, key: &[u8]) -> Option<&'a Hash> {
    srv.peek_typed(db, key)
}

/// The thresholds a write converts at: (hash-max-listpack-entries,
/// hash-max-listpack-value).
fn limits(srv: &Server) -> (usize, usize) {
    (srv.config.hash_max_listpack_entries, srv.config.hash_max_listpack_value)
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
    let n = ctx.srv.remove_elements::<Hash>(ctx.c.db, ctx.arg(1), ctx.args_from(2), event::HASH, "hdel")?;
    ctx.c.out.int(n as i64);
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
        Some(LpValue::Str(s)) => parse_i64_strict(s).ok_or_else(ReplyError::hash_value_not_integer)?,
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
        Err(LdIncrError::NanOrInf) => return Err(ReplyError::value_nan_or_inf()),
        Err(_) => return Err(ReplyError::not_float()),
    }
    let db = ctx.c.db;
    let (key, field, incr) = (ctx.arg(1), ctx.arg(2), ctx.arg(3));
    let (max_entries, max_value) = limits(ctx.srv);
    let h = write_or_create(ctx.srv, db, key)?;
    let cur = h.get(field).map(|v| v.to_vec());
    let text = incr_long_double(cur.as_deref(), incr).map_err(|e| match e {
        LdIncrError::BadValue => ReplyError::hash_value_not_float(),
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
            return Err(ReplyError::value_out_of_range());
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
        reply_scan(&mut ctx.c.out, 0, &[]);
        return Ok(());
    }
    // Options are parsed once the key is known to be a hash, as in Redis.
    let ScanOptions { count, pattern, .. } = parse_scan_options(ctx, 3, false)?;
    let h = peek_hash(ctx.srv, db, key).expect("looked up above");
    let mut found: Vec<Vec<u8>> = Vec::new();
    // Fields and values both count towards COUNT, as in Redis.
    cursor = scan_walk(cursor, count, |c| {
        let mut seen = 0;
        let next = h.scan(c, |k, v| {
            seen += 2;
            let mut buf = [0u8; 20];
            let kb = k.as_bytes(&mut buf);
            if pattern.is_none_or(|p| glob_match(p, kb, false)) {
                found.push(kb.to_vec());
                found.push(v.to_vec());
            }
        });
        (next, seen)
    });
    reply_scan(&mut ctx.c.out, cursor, &found);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::TestServer;
    use std::collections::BTreeSet;

    const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

    // Expected bytes in every table below come from redis-server 7.0.15
    // (scripts/oracle.py).
    #[test]
    fn set_get_delete_fields() {
        let mut t = TestServer::new();
        t.check(&[
            ("HSET h a 1 b 2 c 3", ":3\r\n"),
            ("HSET h a 10 d 4", ":1\r\n"),
            ("HGET h a", "$2\r\n10\r\n"),
            ("HGET h zz", "$-1\r\n"),
            ("HGET nokey a", "$-1\r\n"),
            ("HMGET h a zz d", "*3\r\n$2\r\n10\r\n$-1\r\n$1\r\n4\r\n"),
            ("HMGET nokey a b", "*2\r\n$-1\r\n$-1\r\n"),
            ("HLEN h", ":4\r\n"),
            ("HLEN nokey", ":0\r\n"),
            ("HSTRLEN h a", ":2\r\n"),
            ("HSTRLEN h zz", ":0\r\n"),
            ("HSTRLEN nokey a", ":0\r\n"),
            ("HEXISTS h a", ":1\r\n"),
            ("HEXISTS h zz", ":0\r\n"),
            ("HGETALL h", "*8\r\n$1\r\na\r\n$2\r\n10\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"),
            ("HKEYS h", "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"),
            ("HVALS h", "*4\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
            ("HGETALL nokey", "*0\r\n"),
            ("HKEYS nokey", "*0\r\n"),
            ("HVALS nokey", "*0\r\n"),
            ("OBJECT ENCODING h", "$8\r\nlistpack\r\n"),
            ("HDEL h a zz b", ":2\r\n"),
            ("HDEL nokey a", ":0\r\n"),
            ("HDEL h c d", ":2\r\n"),
            ("EXISTS h", ":0\r\n"),
            ("HSETNX h a 1", ":1\r\n"),
            ("HSETNX h a 2", ":0\r\n"),
            ("HGET h a", "$1\r\n1\r\n"),
            ("HMSET h b 2 c 3", "+OK\r\n"),
            ("HGETALL h", "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
            ("HSET e \"\" \"\"", ":1\r\n"),
            ("HGETALL e", "*2\r\n$0\r\n\r\n$0\r\n\r\n"),
            ("TYPE e", "+hash\r\n"),
            ("HSET h", "-ERR wrong number of arguments for 'hset' command\r\n"),
            ("HSET h3 a b c", "-ERR wrong number of arguments for 'hset' command\r\n"),
            ("HMSET h3 a", "-ERR wrong number of arguments for 'hmset' command\r\n"),
            ("EXISTS h3", ":0\r\n"),
            ("HGET h", "-ERR wrong number of arguments for 'hget' command\r\n"),
            ("HMGET h", "-ERR wrong number of arguments for 'hmget' command\r\n"),
            ("HDEL h", "-ERR wrong number of arguments for 'hdel' command\r\n"),
            ("HSETNX h a", "-ERR wrong number of arguments for 'hsetnx' command\r\n"),
            ("HLEN", "-ERR wrong number of arguments for 'hlen' command\r\n"),
        ]);
    }

    #[test]
    fn increments() {
        let mut t = TestServer::new();
        t.check(&[
            ("HSET h a 1", ":1\r\n"),
            ("HINCRBY h n 5", ":5\r\n"),
            ("HINCRBY h n -7", ":-2\r\n"),
            ("HINCRBY h n abc", "-ERR value is not an integer or out of range\r\n"),
            ("HINCRBY h a 9223372036854775807", "-ERR increment or decrement would overflow\r\n"),
            ("HSET h m -9223372036854775808", ":1\r\n"),
            ("HINCRBY h m -1", "-ERR increment or decrement would overflow\r\n"),
            ("HSET h s 01", ":1\r\n"),
            ("HINCRBY h s 1", "-ERR hash value is not an integer\r\n"),
            ("HINCRBYFLOAT h fl 10.5", "$4\r\n10.5\r\n"),
            ("HINCRBYFLOAT h fl 0.1", "$4\r\n10.6\r\n"),
            ("HINCRBYFLOAT h fl -5.0e3", "$23\r\n-4989.39999999999999991\r\n"),
            ("HINCRBYFLOAT h n 1.5", "$4\r\n-0.5\r\n"),
            ("HSET h n2 9223372036854775807", ":1\r\n"),
            ("HINCRBYFLOAT h n2 1", "$19\r\n9223372036854775808\r\n"),
            ("HINCRBYFLOAT h y nan", "-ERR value is not a valid float\r\n"),
            ("HINCRBYFLOAT h y \" 1\"", "-ERR value is not a valid float\r\n"),
            ("HINCRBYFLOAT h y 1abc", "-ERR value is not a valid float\r\n"),
            ("HINCRBYFLOAT h x inf", "-ERR value is NaN or Infinity\r\n"),
            ("HINCRBYFLOAT h x abc", "-ERR value is not a valid float\r\n"),
            ("HSET h f2 \" 1\"", ":1\r\n"),
            ("HINCRBYFLOAT h f2 1", "-ERR hash value is not a float\r\n"),
            ("HINCRBYFLOAT nk f 1.5", "$3\r\n1.5\r\n"),
            ("HGETALL nk", "*2\r\n$1\r\nf\r\n$3\r\n1.5\r\n"),
            ("OBJECT ENCODING h", "$8\r\nlistpack\r\n"),
            // A result longer than hash-max-listpack-value converts.
            ("HINCRBYFLOAT h f3 1e308", "$308\r\n99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048\r\n"),
            ("OBJECT ENCODING h", "$9\r\nhashtable\r\n"),
            ("HINCRBY h n2 1", "-ERR hash value is not an integer\r\n"),
            ("HINCRBY h m 1", ":-9223372036854775807\r\n"),
        ]);
        // Near the long double maximum: the first increment fits (a
        // 4933-digit number), the second overflows and changes nothing.
        let max = "1.18973149535723176502e+4932";
        assert!(t.text(&["HINCRBYFLOAT", "h", "x", max]).starts_with("$4933\r\n11897314953572317650212638530309702051690633222946242004403237338917370055229707226164102903365288828535456978074955773144274431536702884341981255738537436786735932007069732632019159182829615243655295106467910866143117906321697788388961347865606003991487534332114549111600886798451548665128523401497730376000"));
        t.check(&[("HINCRBYFLOAT h x 1e4932", "-ERR increment would produce NaN or Infinity\r\n"), ("HSTRLEN h x", ":4933\r\n")]);
    }

    #[test]
    fn every_command_checks_the_type() {
        let mut t = TestServer::new();
        t.check(&[("SET str x", "+OK\r\n")]);
        for cmd in [
            "HSET str a 1",
            "HMSET str a 1",
            "HSETNX str a 1",
            "HGET str a",
            "HMGET str a",
            "HGETALL str",
            "HKEYS str",
            "HVALS str",
            "HDEL str a",
            "HLEN str",
            "HSTRLEN str a",
            "HEXISTS str a",
            "HINCRBY str a 1",
            "HINCRBYFLOAT str a 1",
            "HRANDFIELD str",
            "HRANDFIELD str 2",
            "HRANDFIELD str -2 WITHVALUES",
            "HSCAN str 0",
            "HSCAN str 0 FOO",
        ] {
            t.check(&[(cmd, WRONGTYPE)]);
        }
        t.check(&[
            ("HINCRBY str a x", "-ERR value is not an integer or out of range\r\n"),
            ("HINCRBYFLOAT str a x", "-ERR value is not a valid float\r\n"),
            ("HRANDFIELD str x", "-ERR value is not an integer or out of range\r\n"),
            ("HSCAN str x", "-ERR invalid cursor\r\n"),
            ("GET str", "$1\r\nx\r\n"),
        ]);
    }

    /// HSET of `n` fields `f0`.. with short values, one command.
    fn hset_range(t: &mut TestServer, key: &str, from: usize, n: usize) -> String {
        let mut argv = vec!["HSET".to_string(), key.to_string()];
        for i in from..from + n {
            argv.push(format!("f{}", i));
            argv.push("v".into());
        }
        t.text(&argv)
    }

    fn encoding(t: &mut TestServer, key: &str) -> String {
        t.text(&["OBJECT", "ENCODING", key])
    }

    const LISTPACK: &str = "$8\r\nlistpack\r\n";
    const HASHTABLE: &str = "$9\r\nhashtable\r\n";

    /// Redis 7.0.15 starts with hash-max-listpack-entries 512 (its
    /// redis.conf and its built-in default agree).
    #[test]
    fn entries_threshold_511_512_513() {
        let mut t = TestServer::new();
        t.check(&[("CONFIG GET hash-max-listpack-entries", "*2\r\n$25\r\nhash-max-listpack-entries\r\n$3\r\n512\r\n")]);
        assert_eq!(hset_range(&mut t, "h", 0, 511), ":511\r\n");
        assert_eq!(encoding(&mut t, "h"), LISTPACK);
        assert_eq!(hset_range(&mut t, "h", 511, 1), ":1\r\n");
        assert_eq!(encoding(&mut t, "h"), LISTPACK);
        assert_eq!(hset_range(&mut t, "h", 0, 1), ":0\r\n");
        assert_eq!(encoding(&mut t, "h"), LISTPACK);
        assert_eq!(hset_range(&mut t, "h", 512, 1), ":1\r\n");
        assert_eq!(encoding(&mut t, "h"), HASHTABLE);
        t.check(&[("HLEN h", ":513\r\n"), ("HDEL h f0 f1 f2", ":3\r\n"), ("OBJECT ENCODING h", HASHTABLE)]);
        assert_eq!(hset_range(&mut t, "big", 0, 513), ":513\r\n");
        assert_eq!(encoding(&mut t, "big"), HASHTABLE);
    }

    /// The thresholds after CONFIG SET: 127/128/129 entries, 63/64/65-byte
    /// values and fields; hashes already stored keep their encoding.
    #[test]
    fn thresholds_after_config_set() {
        let mut t = TestServer::new();
        assert_eq!(hset_range(&mut t, "old", 0, 200), ":200\r\n");
        t.check(&[("CONFIG SET hash-max-listpack-entries 128", "+OK\r\n"), ("OBJECT ENCODING old", LISTPACK)]);
        assert_eq!(hset_range(&mut t, "h", 0, 127), ":127\r\n");
        assert_eq!(encoding(&mut t, "h"), LISTPACK);
        assert_eq!(hset_range(&mut t, "h", 127, 1), ":1\r\n");
        assert_eq!(encoding(&mut t, "h"), LISTPACK);
        assert_eq!(hset_range(&mut t, "h", 128, 1), ":1\r\n");
        assert_eq!(encoding(&mut t, "h"), HASHTABLE);
        // The old hash converts on its next add.
        assert_eq!(hset_range(&mut t, "old", 0, 1), ":0\r\n");
        assert_eq!(encoding(&mut t, "old"), LISTPACK);
        assert_eq!(hset_range(&mut t, "old", 200, 1), ":1\r\n");
        assert_eq!(encoding(&mut t, "old"), HASHTABLE);

        let x = |n: usize| "x".repeat(n);
        for (n, want) in [(63, LISTPACK), (64, LISTPACK), (65, HASHTABLE)] {
            t.run(&["HSET", "v", "f", &x(n)]);
            assert_eq!(encoding(&mut t, "v"), want, "value of {} bytes", n);
            t.run(&["HSET", "k", &x(n), "v"]);
            assert_eq!(encoding(&mut t, "k"), want, "field of {} bytes", n);
        }
        // HSETNX converts only when it sets; HINCRBYFLOAT by the result.
        t.check(&[("DEL v k", ":2\r\n"), ("HSET v a b", ":1\r\n")]);
        t.run(&["HSETNX", "v", "a", &x(65)]);
        assert_eq!(encoding(&mut t, "v"), LISTPACK);
        t.run(&["HSETNX", "v", &x(65), "1"]);
        assert_eq!(encoding(&mut t, "v"), HASHTABLE);
        // One long argument converts before anything is set, even a value
        // that is then overwritten by a short one.
        t.run(&["HSET", "w", "a", &x(65), "a", "short"]);
        assert_eq!(encoding(&mut t, "w"), HASHTABLE);
        t.check(&[
            ("CONFIG SET hash-max-listpack-value 3", "+OK\r\n"),
            ("HSET n a 1", ":1\r\n"),
            ("HINCRBY n a 999", ":1000\r\n"),
            ("OBJECT ENCODING n", HASHTABLE),
            ("CONFIG SET hash-max-listpack-entries 0", "+OK\r\n"),
            ("HSET z a 1", ":1\r\n"),
            ("OBJECT ENCODING z", HASHTABLE),
        ]);
    }

    #[test]
    fn resp3_shapes() {
        let mut t = TestServer::new();
        t.client.out.resp = 3;
        t.check(&[
            ("HSET h a 1 b 2", ":2\r\n"),
            ("HGETALL h", "%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("HGETALL nokey", "%0\r\n"),
            ("HKEYS h", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
            ("HRANDFIELD h 2 WITHVALUES", "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("HRANDFIELD nokey", "_\r\n"),
            ("HRANDFIELD nokey 1", "*0\r\n"),
            ("HRANDFIELD nokey 1 withvalues", "*0\r\n"),
            ("HGET h zz", "_\r\n"),
            ("HMGET h a zz", "*2\r\n$1\r\n1\r\n_\r\n"),
            ("HSCAN h 0", "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("HINCRBYFLOAT h a 1.5", "$3\r\n2.5\r\n"),
            ("HSET one a 1", ":1\r\n"),
            ("HRANDFIELD one -2 WITHVALUES", "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("HRANDFIELD one -2", "*2\r\n$1\r\na\r\n$1\r\na\r\n"),
        ]);
        // The same shapes in a hashtable.
        t.check(&[("CONFIG SET hash-max-listpack-entries 0", "+OK\r\n"), ("HSET t a 1", ":1\r\n"), ("OBJECT ENCODING t", HASHTABLE)]);
        t.check(&[
            ("HGETALL t", "%1\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("HRANDFIELD t -2 WITHVALUES", "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("HRANDFIELD t 5 WITHVALUES", "*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
        ]);
    }

    #[test]
    fn hrandfield_arguments() {
        let mut t = TestServer::new();
        t.check(&[
            ("HSET h a 1 b 2 c 3", ":3\r\n"),
            ("HRANDFIELD h 3", "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
            ("HRANDFIELD h 5 WITHVALUES", "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
            ("HRANDFIELD h 0", "*0\r\n"),
            ("HRANDFIELD h 0 withvalues", "*0\r\n"),
            ("HRANDFIELD nokey 3 withvalues", "*0\r\n"),
            ("HRANDFIELD nokey 0", "*0\r\n"),
            ("HRANDFIELD nokey", "$-1\r\n"),
            ("HRANDFIELD h 1 2", "-ERR syntax error\r\n"),
            ("HRANDFIELD h 1 withvalues x", "-ERR syntax error\r\n"),
            ("HRANDFIELD h 1 foo", "-ERR syntax error\r\n"),
            ("HRANDFIELD h abc", "-ERR value is not an integer or out of range\r\n"),
            (
                "HRANDFIELD h -9223372036854775808",
                "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
            ),
            (
                "HRANDFIELD nokey -9223372036854775808",
                "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
            ),
            ("HRANDFIELD h 4611686018427387904 withvalues", "-ERR value is out of range\r\n"),
            ("HRANDFIELD h -4611686018427387904 withvalues", "-ERR value is out of range\r\n"),
            ("HRANDFIELD h 4611686018427387903 withvalues", "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
        ]);
    }

    /// Parses a flat RESP2 array of bulk strings.
    fn bulks(reply: &str) -> Vec<String> {
        let mut lines = reply.split("\r\n");
        let n: usize = lines.next().unwrap()[1..].parse().unwrap();
        (0..n)
            .map(|_| {
                lines.next();
                lines.next().unwrap().to_string()
            })
            .collect()
    }

    #[test]
    fn random_fields_belong_to_the_hash() {
        for max_entries in ["512", "0"] {
            let mut t = TestServer::new();
            t.run(&["CONFIG", "SET", "hash-max-listpack-entries", max_entries]);
            let mut argv = vec!["HSET".to_string(), "h".into()];
            for i in 0..100 {
                argv.push(format!("f{}", i));
                argv.push(format!("v{}", i));
            }
            t.run(&argv);
            for count in [1i64, 2, 20, 40, 99, 100, 150, -1, -5, -3000] {
                let got = bulks(&t.text(&["HRANDFIELD", "h", &count.to_string(), "WITHVALUES"]));
                let want = if count < 0 { count.unsigned_abs() as usize } else { (count as usize).min(100) };
                assert_eq!(got.len(), 2 * want, "HRANDFIELD h {} WITHVALUES", count);
                for pair in got.chunks(2) {
                    assert_eq!(pair[1], format!("v{}", &pair[0][1..]));
                }
                let fields: BTreeSet<&String> = got.iter().step_by(2).collect();
                if count > 0 {
                    assert_eq!(fields.len(), want, "repeats for count {}", count);
                }
                let plain = bulks(&t.text(&["HRANDFIELD", "h", &count.to_string()]));
                assert_eq!(plain.len(), want);
                assert!(plain.iter().all(|f| f.starts_with('f')));
            }
            let one = t.text(&["HRANDFIELD", "h"]);
            assert!(one.split("\r\n").nth(1).unwrap().starts_with('f'));
        }
    }

    #[test]
    fn hscan_arguments_and_small_hashes() {
        let mut t = TestServer::new();
        t.check(&[
            ("HSET h a 1 b 2 c 3", ":3\r\n"),
            ("HSCAN h 0", "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
            ("HSCAN h x", "-ERR invalid cursor\r\n"),
            ("HSCAN nokey x", "-ERR invalid cursor\r\n"),
            ("HSCAN nokey 0 FOO", "*2\r\n$1\r\n0\r\n*0\r\n"),
            ("HSCAN h 0 FOO", "-ERR syntax error\r\n"),
            ("HSCAN h 0 COUNT x", "-ERR value is not an integer or out of range\r\n"),
            ("HSCAN h 0 COUNT 0", "-ERR syntax error\r\n"),
            ("HSCAN h 0 MATCH", "-ERR syntax error\r\n"),
            ("HSCAN h 0 TYPE string", "-ERR syntax error\r\n"),
            ("HSCAN h 0 MATCH b*", "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("HSCAN h 123 MATCH *", "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
            ("HSCAN", "-ERR wrong number of arguments for 'hscan' command\r\n"),
        ]);
    }

    /// A full HSCAN of a hashtable returns every field that stays for the
    /// whole iteration, with its value, while fields come and go.
    #[test]
    fn hscan_returns_every_stable_field_across_resizes() {
        let mut t = TestServer::new();
        let mut argv = vec!["HSET".to_string(), "h".into()];
        for i in 0..1000 {
            argv.push(format!("stable:{}", i));
            argv.push(format!("v{}", i));
        }
        t.run(&argv);
        let mut seen = BTreeSet::new();
        let (mut cursor, mut round) = ("0".to_string(), 0);
        loop {
            let reply = t.text(&["HSCAN", "h", &cursor, "COUNT", "7", "MATCH", "stable:*"]);
            let mut lines = reply.split("\r\n").skip(2);
            cursor = lines.next().unwrap().to_string();
            let n: usize = lines.next().unwrap()[1..].parse().unwrap();
            for _ in 0..n / 2 {
                lines.next();
                let f = lines.next().unwrap().to_string();
                lines.next();
                let v = lines.next().unwrap().to_string();
                assert_eq!(v, format!("v{}", &f["stable:".len()..]));
                seen.insert(f);
            }
            round += 1;
            if round == 20 {
                let mut add = vec!["HSET".to_string(), "h".into()];
                for i in 0..20_000 {
                    add.push(format!("tmp:{}", i));
                    add.push("x".into());
                }
                t.run(&add);
            }
            if round == 60 {
                let mut rem = vec!["HDEL".to_string(), "h".into()];
                rem.extend((0..20_000).map(|i| format!("tmp:{}", i)));
                t.run(&rem);
            }
            if cursor == "0" {
                break;
            }
            assert!(round < 100_000, "HSCAN does not terminate");
        }
        assert_eq!(seen.len(), 1000);
    }

    #[test]
    fn digest_matches_redis_in_both_encodings() {
        let mut t = TestServer::new();
        t.check(&[
            ("HSET h a 1 b 2 c 3", ":3\r\n"),
            ("DEBUG DIGEST-VALUE h", "*1\r\n+b60c36e529712296d694f27b5914cbe84950995e\r\n"),
            ("HSET h d 4", ":1\r\n"),
            ("DEBUG DIGEST-VALUE h", "*1\r\n+2daeebd945fbd240bcf21fa56368a81921bc7cf1\r\n"),
            ("CONFIG SET hash-max-listpack-entries 2", "+OK\r\n"),
            ("HSET h2 a 1 b 2 c 3 d 4", ":4\r\n"),
            ("OBJECT ENCODING h2", HASHTABLE),
            ("DEBUG DIGEST-VALUE h2", "*1\r\n+2daeebd945fbd240bcf21fa56368a81921bc7cf1\r\n"),
            ("HSET h3 x 1", ":1\r\n"),
            ("HSET h3 xx 12345678901234567890123", ":1\r\n"),
            ("DEBUG DIGEST-VALUE h3", "*1\r\n+4731cfc2c91ac7e381ed85c45049e780932bd531\r\n"),
        ]);
    }

    /// COPY and RENAME keep the encoding; copies are independent.
    #[test]
    fn copies_are_independent() {
        let mut t = TestServer::new();
        t.check(&[
            ("HSET h a 1", ":1\r\n"),
            ("COPY h h2", ":1\r\n"),
            ("HSET h2 b 2", ":1\r\n"),
            ("HLEN h", ":1\r\n"),
            ("CONFIG SET hash-max-listpack-entries 1", "+OK\r\n"),
            ("HSET h b 2", ":1\r\n"),
            ("OBJECT ENCODING h", HASHTABLE),
            ("COPY h h3", ":1\r\n"),
            ("OBJECT ENCODING h3", HASHTABLE),
            ("HDEL h a", ":1\r\n"),
            ("HGET h3 a", "$1\r\n1\r\n"),
            ("RENAME h3 h4", "+OK\r\n"),
            ("HGETALL h4", "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"),
        ]);
    }

    /// A command's reply and what it propagates instead of its argv.
    fn propagated(t: &mut TestServer, cmd: &str) -> (String, Option<Vec<String>>) {
        let (reply, rewritten) = t.run_for_propagation(cmd);
        (reply, rewritten.map(|r| r.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect()))
    }

    #[test]
    fn hincrbyfloat_propagates_as_hset() {
        let mut t = TestServer::new();
        let (reply, prop) = propagated(&mut t, "HINCRBYFLOAT h f 10.5");
        assert_eq!(reply, "$4\r\n10.5\r\n");
        assert_eq!(prop.unwrap(), ["HSET", "h", "f", "10.5"]);
        let (_, prop) = propagated(&mut t, "HINCRBYFLOAT h f 0.1");
        assert_eq!(prop.unwrap(), ["HSET", "h", "f", "10.6"]);
        assert_eq!(propagated(&mut t, "HINCRBY h n 3").1, None);
    }

    #[test]
    fn dirty_counts_like_redis() {
        let mut t = TestServer::new();
        let d0 = t.srv.dirty;
        t.check(&[("HSET h a 1 b 2 a 3", ":2\r\n")]);
        assert_eq!(t.srv.dirty - d0, 3);
        t.check(&[("HSET h a 1", ":0\r\n"), ("HSETNX h a 1", ":0\r\n"), ("HDEL h x", ":0\r\n")]);
        assert_eq!(t.srv.dirty - d0, 4);
        t.check(&[("HDEL h a b", ":2\r\n"), ("EXISTS h", ":0\r\n")]);
        assert_eq!(t.srv.dirty - d0, 6);
        t.check(&[("HINCRBY h a 1", ":1\r\n"), ("HINCRBYFLOAT h a 1", "$1\r\n2\r\n"), ("HSETNX h b 1", ":1\r\n")]);
        assert_eq!(t.srv.dirty - d0, 9);
    }

    /// A million fields: setting, reading, scanning and deleting stay
    /// linear (this runs unoptimised, so anything quadratic would hang).
    #[test]
    fn a_million_fields() {
        let mut t = TestServer::new();
        for chunk in 0..100 {
            let mut argv = vec!["HSET".to_string(), "big".into()];
            for i in chunk * 10_000..(chunk + 1) * 10_000 {
                argv.push(format!("field:{:08}", i));
                argv.push(i.to_string());
            }
            assert_eq!(t.text(&argv), ":10000\r\n");
        }
        t.check(&[("HLEN big", ":1000000\r\n"), ("OBJECT ENCODING big", HASHTABLE)]);
        t.check(&[("HGET big field:00123456", "$6\r\n123456\r\n"), ("HINCRBY big field:00000007 1", ":8\r\n")]);
        assert!(t.text(&["HGETALL", "big"]).starts_with("*2000000\r\n"));
        assert_eq!(bulks(&t.text(&["HRANDFIELD", "big", "1000", "WITHVALUES"])).len(), 2000);
        assert_eq!(bulks(&t.text(&["HRANDFIELD", "big", "-1000"])).len(), 1000);
        assert_eq!(bulks(&t.text(&["HRANDFIELD", "big", "500000"])).len(), 500_000);
        let mut cursor = "0".to_string();
        let mut n = 0;
        loop {
            let reply = t.text(&["HSCAN", "big", &cursor, "COUNT", "1000"]);
            let mut lines = reply.split("\r\n").skip(2);
            cursor = lines.next().unwrap().to_string();
            n += lines.next().unwrap()[1..].parse::<usize>().unwrap() / 2;
            if cursor == "0" {
                break;
            }
        }
        assert!(n >= 1_000_000);
        for chunk in 0..100 {
            let mut argv = vec!["HDEL".to_string(), "big".into()];
            argv.extend((chunk * 10_000..(chunk + 1) * 10_000).map(|i| format!("field:{:08}", i)));
            assert_eq!(t.text(&argv), ":10000\r\n");
        }
        t.check(&[("EXISTS big", ":0\r\n")]);
    }
}
