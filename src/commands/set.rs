//! The set type's commands; mirrors t_set.c.

use super::errors::{CmdResult, ReplyError};
use super::keys::{parse_cursor, parse_scan_options, reply_scan, scan_walk, ScanOptions};
use super::keyspec::*;
use super::table::{acl, flag::*, Command};
use super::{args, Ctx};
use crate::db::keyspace::event;
use crate::net::reply::Reply;
use crate::server::Server;
use crate::types::set::{Member, Set};
use crate::types::value::Value;
use crate::util::glob::glob_match;
use crate::util::num::parse_i64_strict;

const S: u32 = acl::SET;

pub const COMMANDS: &[Command] = &[
    Command::new("sadd", -3, sadd).flags(WRITE | DENYOOM | FAST).acl(S).key_specs(&[key(1, RW | INSERT)]).group("set")
        .doc("1.0.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", "Add one or more members to a set")
        .history(&[("2.4.0", "Takes several members.")])
        .args("key:key member..."),
    Command::new("srem", -3, srem).flags(WRITE | FAST).acl(S).key_specs(&[key(1, RW | DELETE)]).group("set")
        .doc("1.0.0", "O(N) where N is the number of members to be removed.", "Remove one or more members from a set")
        .history(&[("2.4.0", "Takes several members.")])
        .args("key:key member..."),
    Command::new("smove", 4, smove).flags(WRITE | FAST).acl(S).key_specs(&[key(1, RW | ACCESS | DELETE), key(2, RW | INSERT)]).group("set")
        .doc("1.0.0", "O(1)", "Move a member from one set to another")
        .args("source:key destination:key member"),
    Command::new("sismember", 3, sismember).flags(READONLY | FAST).acl(S).key_specs(&[key(1, RO)]).group("set")
        .doc("1.0.0", "O(1)", "Determine if a given value is a member of a set")
        .args("key:key member"),
    Command::new("smismember", -3, smismember).flags(READONLY | FAST).acl(S).key_specs(&[key(1, RO | ACCESS)]).group("set")
        .doc("6.2.0", "O(N) where N is the number of elements being checked for membership", "Returns the membership associated with the given elements for a set")
        .args("key:key member..."),
    Command::new("scard", 2, scard).flags(READONLY | FAST).acl(S).key_specs(&[key(1, RO)]).group("set")
        .doc("1.0.0", "O(1)", "Get the number of members in a set")
        .args("key:key"),
    Command::new("smembers", 2, smembers).flags(READONLY).acl(S).key_specs(&[key(1, RO | ACCESS)]).group("set").tips(&["nondeterministic_output_order"])
        .doc("1.0.0", "O(N) where N is the set cardinality.", "Get all the members in a set")
        .args("key:key"),
    Command::new("spop", -2, spop).flags(WRITE | FAST).acl(S).key_specs(&[key(1, RW | ACCESS | DELETE)]).group("set").tips(&["nondeterministic_output"])
        .doc("1.0.0", "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.", "Remove and return one or multiple random members from a set")
        .history(&[("3.2.0", "Optional count.")])
        .args("key:key [count:integer@3.2.0]"),
    Command::new("srandmember", -2, srandmember).flags(READONLY).acl(S).key_specs(&[key(1, RO | ACCESS)]).group("set").tips(&["nondeterministic_output"])
        .doc("1.0.0", "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.", "Get one or multiple random members from a set")
        .history(&[("2.6.0", "Optional count.")])
        .args("key:key [count:integer@2.6.0]"),
    Command::new("sinter", -2, sinter).flags(READONLY).acl(S).key_specs(&[key(1, RO | ACCESS).range(-1, 1, 0)]).group("set").tips(&["nondeterministic_output_order"])
        .doc("1.0.0", "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", "Intersect multiple sets")
        .args("key:key..."),
    Command::new("sintercard", -3, sintercard).flags(READONLY).acl(S).key_specs(&[key(1, RO | ACCESS).keynum(0, 1, 1)]).getkeys(numkeys_keys::<0, 1, 2>).group("set")
        .doc("7.0.0", "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", "Intersect multiple sets and return the cardinality of the result")
        .args("numkeys:integer key:key... [LIMIT limit:integer]"),
    Command::new("sinterstore", -3, sinterstore).flags(WRITE | DENYOOM).acl(S).key_specs(&[key(1, RW | UPDATE), key(2, RO | ACCESS).range(-1, 1, 0)]).group("set")
        .doc("1.0.0", "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", "Intersect multiple sets and store the resulting set in a key")
        .args("destination:key key:key..."),
    Command::new("sunion", -2, sunion).flags(READONLY).acl(S).key_specs(&[key(1, RO | ACCESS).range(-1, 1, 0)]).group("set").tips(&["nondeterministic_output_order"])
        .doc("1.0.0", "O(N) where N is the total number of elements in all given sets.", "Add multiple sets")
        .args("key:key..."),
    Command::new("sunionstore", -3, sunionstore).flags(WRITE | DENYOOM).acl(S).key_specs(&[key(1, OW | UPDATE), key(2, RO | ACCESS).range(-1, 1, 0)]).group("set")
        .doc("1.0.0", "O(N) where N is the total number of elements in all given sets.", "Add multiple sets and store the resulting set in a key")
        .args("destination:key key:key..."),
    Command::new("sdiff", -2, sdiff).flags(READONLY).acl(S).key_specs(&[key(1, RO | ACCESS).range(-1, 1, 0)]).group("set").tips(&["nondeterministic_output_order"])
        .doc("1.0.0", "O(N) where N is the total number of elements in all given sets.", "Subtract multiple sets")
        .args("key:key..."),
    Command::new("sdiffstore", -3, sdiffstore).flags(WRITE | DENYOOM).acl(S).key_specs(&[key(1, OW | UPDATE), key(2, RO | ACCESS).range(-1, 1, 0)]).group("set")
        .doc("1.0.0", "O(N) where N is the total number of elements in all given sets.", "Subtract multiple sets and store the resulting set in a key")
        .args("destination:key key:key..."),
    Command::new("sscan", -3, sscan).flags(READONLY).acl(S).key_specs(&[key(1, RO | ACCESS)]).group("set").tips(&["nondeterministic_output"])
        .doc("2.8.0", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", "Incrementally iterate Set elements")
        .args("key:key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]"),
];

// ---------------------------------------------------------------------------
// Shared helpers

/// The set at `key` for reading: Ok(None) when missing, WRONGTYPE when the
/// key holds another type.
fn read_set<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Result<Option<&'a Set>, ReplyError> {
    srv.read_typed(db, key)
}

/// The set at `key` for writing: Ok(None) when missing, WRONGTYPE when the
/// key holds another type.
fn write_set<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Result<Option<&'a mut Set>, ReplyError> {
    srv.write_typed(db, key)
}

/// A set already looked up in this command (no statistics, no expiry).
fn peek_set<'a>(srv: &'a Server, db: usize, key: &[u8]) -> Option<&'a Set> {
    srv.peek_typed(db, key)
}

#[inline]
fn reply_member(out: &mut Reply, m: Member) {
    match m {
        Member::Int(n) => out.bulk_i64(n),
        Member::Bytes(b) => out.bulk(b),
    }
}

/// The closing trio of a set write: signal the key, fire `event`, count
/// `dirty` changes (SADD and SREM count one per member, as Redis does).
fn set_modified(srv: &mut Server, db: usize, key: &[u8], name: &str, dirty: u64) {
    srv.key_modified_by(db, key, event::SET, name, dirty);
}

/// Stores the result of a *STORE command at `dst` (setKey), or deletes
/// `dst` when the result is empty; replies with the result's size.
fn store_result(ctx: &mut Ctx, dst: &[u8], result: Set, name: &str) {
    let n = result.len();
    let n = ctx.srv.store_result(ctx.c.db, dst, Value::Set(Box::new(result)), n, event::SET, name);
    ctx.c.out.int(n as i64);
}

/// Looks every source key up for reading, in order, failing on the first
/// that is not a set (lookupKeyRead + checkType); returns how many are missing.
fn lookup_sources(srv: &mut Server, db: usize, keys: &[&[u8]]) -> Result<usize, ReplyError> {
    let mut missing = 0;
    for k in keys {
        if read_set(srv, db, k)?.is_none() {
            missing += 1;
        }
    }
    Ok(missing)
}

// ---------------------------------------------------------------------------
// SADD, SREM, SMOVE, SISMEMBER, SMISMEMBER, SCARD

/// SADD key member [member ...]: the number of members added.
pub fn sadd(ctx: &mut Ctx) -> CmdResult {
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let argv = ctx.argv;
    let members = (2..argv.len()).map(|i| argv.get(i));
    let max = ctx.srv.config.set_max_intset_entries;
    let added = match write_set(ctx.srv, db, key)? {
        Some(set) => members.filter(|m| set.add(m, max)).count(),
        None => {
            let mut set = Set::for_member(ctx.arg(2));
            let n = members.filter(|m| set.add(m, max)).count();
            ctx.srv.dbs[db].add(key, Value::Set(Box::new(set)));
            n
        }
    };
    if added > 0 {
        set_modified(ctx.srv, db, key, "sadd", added as u64);
    }
    ctx.c.out.int(added as i64);
    Ok(())
}

/// SREM key member [member ...]: the number of members removed; the key is
/// deleted when the set becomes empty.
pub fn srem(ctx: &mut Ctx) -> CmdResult {
    let n = ctx.srv.remove_elements::<Set>(ctx.c.db, ctx.arg(1), ctx.args_from(2), event::SET, "srem")?;
    ctx.c.out.int(n as i64);
    Ok(())
}

/// SMOVE source destination member: 1 if the member was moved (or is
/// already in `source` when source and destination are the same set).
pub fn smove(ctx: &mut Ctx) -> CmdResult {
    let db = ctx.c.db;
    let (src, dst, member) = (ctx.arg(1), ctx.arg(2), ctx.arg(3));
    // Both keys are looked up before anything is decided, as in Redis.
    let src_type = ctx.srv.lookup_write(db, src).map(|v| matches!(v, Value::Set(_)));
    let dst_type = ctx.srv.lookup_write(db, dst).map(|v| matches!(v, Value::Set(_)));
    let Some(src_is_set) = src_type else {
        ctx.c.out.int(0);
        return Ok(());
    };
    if !src_is_set || dst_type == Some(false) {
        return Err(ReplyError::wrong_type());
    }
    if src == dst {
        let is_member = peek_set(ctx.srv, db, src).is_some_and(|s| s.contains(member));
        ctx.c.out.int(is_member as i64);
        return Ok(());
    }
    let set = write_set(ctx.srv, db, src)?.expect("looked up above");
    if !set.remove(member) {
        ctx.c.out.int(0);
        return Ok(());
    }
    let emptied = set.is_empty();
    ctx.srv.notify_keyspace_event(event::SET, "srem", src, db);
    if emptied {
        ctx.srv.delete_emptied(db, src);
    }
    let max = ctx.srv.config.set_max_intset_entries;
    let added = match write_set(ctx.srv, db, dst)? {
        Some(set) => set.add(member, max),
        None => {
            let mut set = Set::for_member(member);
            set.add(member, max);
            ctx.srv.dbs[db].add(dst, Value::Set(Box::new(set)));
            true
        }
    };
    ctx.srv.signal_modified_key(db, src);
    ctx.srv.dirty += 1;
    if added {
        set_modified(ctx.srv, db, dst, "sadd", 1);
    }
    ctx.c.out.int(1);
    Ok(())
}

/// SISMEMBER key member: 1 or 0.
pub fn sismember(ctx: &mut Ctx) -> CmdResult {
    let member = ctx.arg(2);
    let found = read_set(ctx.srv, ctx.c.db, ctx.arg(1))?.is_some_and(|s| s.contains(member));
    ctx.c.out.int(found as i64);
    Ok(())
}

/// SMISMEMBER key member [member ...]: 1 or 0 for each member; a missing
/// key is an empty set.
pub fn smismember(ctx: &mut Ctx) -> CmdResult {
    let set = read_set(ctx.srv, ctx.c.db, ctx.arg(1))?;
    let out = &mut ctx.c.out;
    out.array(ctx.argv.len() - 2);
    for m in ctx.argv.iter().skip(2) {
        out.int(set.is_some_and(|s| s.contains(m)) as i64);
    }
    Ok(())
}

/// SCARD key: the number of members, 0 for a missing key.
pub fn scard(ctx: &mut Ctx) -> CmdResult {
    let n = read_set(ctx.srv, ctx.c.db, ctx.arg(1))?.map_or(0, |s| s.len());
    ctx.c.out.int(n as i64);
    Ok(())
}

// ---------------------------------------------------------------------------
// SPOP, SRANDMEMBER

/// SPOP key [count]: a random member removed (null when the key is
/// missing), or with a count a set of up to `count` removed members.
/// Propagated as SREM of the chosen members (DEL when all of them go), so
/// replicas and the AOF remove the same ones.
pub fn spop(ctx: &mut Ctx) -> CmdResult {
    match ctx.argc() {
        2 => {}
        3 => return spop_with_count(ctx),
        _ => return Err(ReplyError::syntax()),
    }
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let Some(set) = write_set(ctx.srv, db, key)? else {
        ctx.c.out.null();
        return Ok(());
    };
    let m = set.pop_random().expect("stored sets are never empty");
    let emptied = set.is_empty();
    ctx.srv.notify_keyspace_event(event::SET, "spop", key, db);
    ctx.rewrite_argv(&[&b"SREM"[..], key, &m]);
    ctx.c.out.bulk(&m);
    if emptied {
        ctx.srv.delete_emptied(db, key);
    }
    ctx.srv.signal_modified_key(db, key);
    ctx.srv.dirty += 1;
    Ok(())
}

/// SPOP key count (spopWithCountCommand).
fn spop_with_count(ctx: &mut Ctx) -> CmdResult {
    // getPositiveLongFromObjectOrReply: any non-integer is "out of range" too.
    let count = match parse_i64_strict(ctx.arg(2)) {
        Some(n) if n >= 0 => n as u64,
        _ => return Err(ReplyError::not_positive()),
    };
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let max = ctx.srv.config.set_max_intset_entries;
    let Some(set) = write_set(ctx.srv, db, key)? else {
        ctx.c.out.set(0);
        return Ok(());
    };
    if count == 0 {
        ctx.c.out.set(0);
        return Ok(());
    }
    let size = set.len();
    if count >= size as u64 {
        // The whole set goes: reply with it and delete the key.
        let out = &mut ctx.c.out;
        out.set(size);
        set.iter().for_each(|m| reply_member(out, m));
        ctx.srv.notify_keyspace_event(event::SET, "spop", key, db);
        ctx.srv.dirty += size as u64;
        ctx.srv.delete_emptied(db, key);
        ctx.rewrite_argv(&[&b"DEL"[..], key]);
        ctx.srv.signal_modified_key(db, key);
        return Ok(());
    }
    let popped = set.pop_many(count as usize, max);
    ctx.srv.notify_keyspace_event(event::SET, "spop", key, db);
    ctx.srv.dirty += count;
    ctx.c.out.set(popped.len());
    for m in &popped {
        ctx.c.out.bulk(m);
    }
    // Redis propagates one SREM per member; one SREM with all of them has
    // the same effect on the replica and in the AOF.
    let mut srem: Vec<&[u8]> = Vec::with_capacity(popped.len() + 2);
    srem.push(b"SREM");
    srem.push(key);
    srem.extend(popped.iter().map(|m| m.as_slice()));
    ctx.rewrite_argv(&srem);
    ctx.srv.signal_modified_key(db, key);
    Ok(())
}

/// SRANDMEMBER key [count]: a random member (null when the key is
/// missing); with a positive count up to `count` distinct members, with a
/// negative count exactly |count| members that may repeat.
pub fn srandmember(ctx: &mut Ctx) -> CmdResult {
    match ctx.argc() {
        2 => {}
        3 => return srandmember_with_count(ctx),
        _ => return Err(ReplyError::syntax()),
    }
    match read_set(ctx.srv, ctx.c.db, ctx.arg(1))? {
        Some(set) => reply_member(&mut ctx.c.out, set.random().expect("stored sets are never empty")),
        None => ctx.c.out.null(),
    }
    Ok(())
}

/// SRANDMEMBER key count (srandmemberWithCountCommand).
fn srandmember_with_count(ctx: &mut Ctx) -> CmdResult {
    let l = args::int(ctx.arg(2))?;
    if l == i64::MIN {
        return Err(ReplyError::long_out_of_range(-i64::MAX, i64::MAX));
    }
    let (count, unique) = (l.unsigned_abs() as usize, l >= 0);
    let Some(set) = read_set(ctx.srv, ctx.c.db, ctx.arg(1))? else {
        ctx.c.out.array(0);
        return Ok(());
    };
    let out = &mut ctx.c.out;
    let size = set.len();
    if count == 0 {
        out.array(0);
    } else if !unique || count == 1 {
        // Independent draws, repeats allowed.
        out.array(count);
        for _ in 0..count {
            reply_member(out, set.random().expect("stored sets are never empty"));
        }
    } else if count >= size {
        out.array(size);
        set.iter().for_each(|m| reply_member(out, m));
    } else {
        let picked = set.random_distinct(count);
        out.array(picked.len());
        picked.into_iter().for_each(|m| reply_member(out, m));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// SINTER, SMEMBERS, SINTERCARD, SINTERSTORE

/// What sinter_generic produces.
enum InterMode<'a> {
    Reply,
    Store(&'a [u8]),
    /// SINTERCARD: only the size, stopping at `limit` (0: no limit).
    Cardinality(usize),
}

/// The shared body of SINTER, SMEMBERS, SINTERCARD and SINTERSTORE
/// (sinterGenericCommand): walk the smallest set and keep the members every
/// other set has.
fn sinter_generic(ctx: &mut Ctx, keys: &[&[u8]], mode: InterMode) -> CmdResult {
    let db = ctx.c.db;
    if lookup_sources(ctx.srv, db, keys)? > 0 {
        // An intersection with an empty set is empty.
        match mode {
            InterMode::Store(dst) => store_result(ctx, dst, Set::new(), "sinterstore"),
            InterMode::Cardinality(_) => ctx.c.out.int(0),
            InterMode::Reply => ctx.c.out.set(0),
        }
        return Ok(());
    }
    let srv: &Server = ctx.srv;
    let mut sets: Vec<&Set> = keys.iter().map(|k| peek_set(srv, db, k).expect("looked up above")).collect();
    sets.sort_by_key(|s| s.len());
    let (first, rest) = (sets[0], &sets[1..]);
    let in_all = |m: Member| rest.iter().all(|s| std::ptr::eq(*s, first) || s.contains_member(m));
    match mode {
        InterMode::Reply => {
            let found: Vec<Member> = first.iter().filter(|m| in_all(*m)).collect();
            let out = &mut ctx.c.out;
            out.set(found.len());
            found.into_iter().for_each(|m| reply_member(out, m));
        }
        InterMode::Cardinality(limit) => {
            let mut n = 0;
            for m in first.iter() {
                if in_all(m) {
                    n += 1;
                    if limit > 0 && n >= limit {
                        break;
                    }
                }
            }
            ctx.c.out.int(n as i64);
        }
        InterMode::Store(dst) => {
            let max = srv.config.set_max_intset_entries;
            let mut result = Set::new();
            for m in first.iter().filter(|m| in_all(*m)) {
                result.add_member(m, max);
            }
            store_result(ctx, dst, result, "sinterstore");
        }
    }
    Ok(())
}

/// The arguments from `from` on, as keys.
fn keys_from<'a>(ctx: &Ctx<'a>, from: usize) -> Vec<&'a [u8]> {
    ctx.args_from(from).collect()
}

/// SINTER key [key ...]: the members common to every set.
pub fn sinter(ctx: &mut Ctx) -> CmdResult {
    let keys = keys_from(ctx, 1);
    sinter_generic(ctx, &keys, InterMode::Reply)
}

/// SMEMBERS key: every member (Redis 7.0 serves it as a one-key SINTER).
pub fn smembers(ctx: &mut Ctx) -> CmdResult {
    let keys = keys_from(ctx, 1);
    sinter_generic(ctx, &keys, InterMode::Reply)
}

/// SINTERCARD numkeys key [key ...] [LIMIT limit]: the size of the
/// intersection, counting stops at `limit` (0 means no limit).
pub fn sintercard(ctx: &mut Ctx) -> CmdResult {
    let numkeys = match parse_i64_strict(ctx.arg(1)) {
        Some(n) if n >= 1 => n as u64,
        _ => return Err(ReplyError::numkeys_not_positive()),
    };
    if numkeys > (ctx.argc() - 2) as u64 {
        return Err(ReplyError::numkeys_exceeds_args());
    }
    let numkeys = numkeys as usize;
    let mut limit = 0usize;
    let mut i = 2 + numkeys;
    while i < ctx.argc() {
        if args::is(ctx.arg(i), "limit") && i + 1 < ctx.argc() {
            limit = match parse_i64_strict(ctx.arg(i + 1)) {
                Some(n) if n >= 0 => n as usize,
                _ => return Err(ReplyError::limit_negative()),
            };
            i += 2;
        } else {
            return Err(ReplyError::syntax());
        }
    }
    let keys: Vec<&[u8]> = ctx.args_from(2).take(numkeys).collect();
    sinter_generic(ctx, &keys, InterMode::Cardinality(limit))
}

/// SINTERSTORE destination key [key ...]: stores the intersection and
/// replies with its size; an empty result deletes `destination`.
pub fn sinterstore(ctx: &mut Ctx) -> CmdResult {
    let (dst, keys) = (ctx.arg(1), keys_from(ctx, 2));
    sinter_generic(ctx, &keys, InterMode::Store(dst))
}

// ---------------------------------------------------------------------------
// SUNION, SDIFF and their STORE variants

#[derive(Clone, Copy, PartialEq)]
enum SetOp {
    Union,
    Diff,
}

/// The shared body of SUNION, SDIFF and their STORE variants
/// (sunionDiffGenericCommand). The result is built as a set (an intset
/// while it can be), then replied or stored.
fn sunion_diff_generic(ctx: &mut Ctx, keys: &[&[u8]], dst: Option<&[u8]>, op: SetOp) -> CmdResult {
    let db = ctx.c.db;
    lookup_sources(ctx.srv, db, keys)?;
    let srv: &Server = ctx.srv;
    let max = srv.config.set_max_intset_entries;
    let mut sets: Vec<Option<&Set>> = keys.iter().map(|k| peek_set(srv, db, k)).collect();
    let mut result = Set::new();
    match (op, sets[0]) {
        (SetOp::Union, _) => {
            for s in sets.iter().flatten() {
                s.iter().for_each(|m| {
                    result.add_member(m, max);
                });
            }
        }
        (SetOp::Diff, None) => {}
        (SetOp::Diff, Some(first)) => {
            // Algorithm 1 is O(N*M), N the first set's size and M the number
            // of sets; algorithm 2 is O(total size). Redis picks by estimated
            // work, favouring the first (better constants).
            let present = sets.iter().flatten();
            let algo_one_work = present.clone().count() * first.len() / 2;
            let algo_two_work: usize = present.map(|s| s.len()).sum();
            if algo_one_work <= algo_two_work {
                // Bigger sets first: an excluded member is found sooner.
                sets[1..].sort_by_key(|s| std::cmp::Reverse(s.map_or(0, |s| s.len())));
                for m in first.iter() {
                    let excluded = sets[1..].iter().flatten().any(|s| std::ptr::eq(*s, first) || s.contains_member(m));
                    if !excluded {
                        result.add_member(m, max);
                    }
                }
            } else {
                first.iter().for_each(|m| {
                    result.add_member(m, max);
                });
                for s in sets[1..].iter().flatten() {
                    if result.is_empty() {
                        break;
                    }
                    s.iter().for_each(|m| {
                        result.remove_member(m);
                    });
                }
            }
        }
    }
    match dst {
        None => {
            let out = &mut ctx.c.out;
            out.set(result.len());
            result.iter().for_each(|m| reply_member(out, m));
        }
        Some(dst) => store_result(ctx, dst, result, if op == SetOp::Union { "sunionstore" } else { "sdiffstore" }),
    }
    Ok(())
}

/// SUNION key [key ...]: the members of any of the sets.
pub fn sunion(ctx: &mut Ctx) -> CmdResult {
    let keys = keys_from(ctx, 1);
    sunion_diff_generic(ctx, &keys, None, SetOp::Union)
}

/// SUNIONSTORE destination key [key ...]: stores the union, replies with its size.
pub fn sunionstore(ctx: &mut Ctx) -> CmdResult {
    let (dst, keys) = (ctx.arg(1), keys_from(ctx, 2));
    sunion_diff_generic(ctx, &keys, Some(dst), SetOp::Union)
}

/// SDIFF key [key ...]: the members of the first set that no other set has.
pub fn sdiff(ctx: &mut Ctx) -> CmdResult {
    let keys = keys_from(ctx, 1);
    sunion_diff_generic(ctx, &keys, None, SetOp::Diff)
}

/// SDIFFSTORE destination key [key ...]: stores the difference, replies with its size.
pub fn sdiffstore(ctx: &mut Ctx) -> CmdResult {
    let (dst, keys) = (ctx.arg(1), keys_from(ctx, 2));
    sunion_diff_generic(ctx, &keys, Some(dst), SetOp::Diff)
}

// ---------------------------------------------------------------------------
// SSCAN

/// SSCAN key cursor [MATCH pattern] [COUNT count]: [next cursor, [members]].
/// An intset is returned whole with cursor 0; a hashtable is walked with
/// SCAN's reverse-binary cursor, so every member present for the whole
/// iteration is returned at least once.
pub fn sscan(ctx: &mut Ctx) -> CmdResult {
    let mut cursor = parse_cursor(ctx.arg(2))?;
    let db = ctx.c.db;
    let key = ctx.arg(1);
    if read_set(ctx.srv, db, key)?.is_none() {
        reply_scan(&mut ctx.c.out, 0, &[]);
        return Ok(());
    }
    let ScanOptions { count, pattern, .. } = parse_scan_options(ctx, 3, false)?;
    let set = peek_set(ctx.srv, db, key).expect("looked up above");
    let mut found: Vec<Vec<u8>> = Vec::new();
    cursor = scan_walk(cursor, count, |c| {
        let mut seen = 0;
        let next = set.scan(c, |m: Member| {
            seen += 1;
            let mut buf = [0u8; 20];
            let b = m.bytes(&mut buf);
            if pattern.is_none_or(|p| glob_match(p, b, false)) {
                found.push(b.to_vec());
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

    // Expected bytes in every table below come from redis-server 7.0.15.
    #[test]
    fn add_remove_members() {
        let mut t = TestServer::new();
        t.check(&[
            ("SADD s 3 1 2 1", ":3\r\n"),
            ("SADD s 2", ":0\r\n"),
            ("SMEMBERS s", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
            ("OBJECT ENCODING s", "$6\r\nintset\r\n"),
            ("SCARD s", ":3\r\n"),
            ("SISMEMBER s 2", ":1\r\n"),
            ("SISMEMBER s 02", ":0\r\n"),
            ("SISMEMBER s x", ":0\r\n"),
            ("SMISMEMBER s 1 x 3", "*3\r\n:1\r\n:0\r\n:1\r\n"),
            ("SREM s 2 9 x", ":1\r\n"),
            ("SMEMBERS s", "*2\r\n$1\r\n1\r\n$1\r\n3\r\n"),
            ("SADD s -5 100000 a", ":3\r\n"),
            ("OBJECT ENCODING s", "$9\r\nhashtable\r\n"),
            ("SCARD s", ":5\r\n"),
            ("SREM s 1 3 -5 100000 a b", ":5\r\n"),
            ("EXISTS s", ":0\r\n"),
            ("SREM s a", ":0\r\n"),
            ("SADD h a", ":1\r\n"),
            ("OBJECT ENCODING h", "$9\r\nhashtable\r\n"),
            ("SADD n 9223372036854775807 -9223372036854775808", ":2\r\n"),
            ("SMEMBERS n", "*2\r\n$20\r\n-9223372036854775808\r\n$19\r\n9223372036854775807\r\n"),
            ("OBJECT ENCODING n", "$6\r\nintset\r\n"),
            ("SADD n 9223372036854775808", ":1\r\n"),
            ("OBJECT ENCODING n", "$9\r\nhashtable\r\n"),
            ("SADD z 0 -0", ":2\r\n"),
            ("OBJECT ENCODING z", "$9\r\nhashtable\r\n"),
            ("SADD e \"\"", ":1\r\n"),
            ("SMEMBERS e", "*1\r\n$0\r\n\r\n"),
            ("TYPE e", "+set\r\n"),
            ("SMEMBERS nokey", "*0\r\n"),
            ("SCARD nokey", ":0\r\n"),
            ("SISMEMBER nokey 1", ":0\r\n"),
            ("SMISMEMBER nokey 1 2", "*2\r\n:0\r\n:0\r\n"),
            ("SADD s", "-ERR wrong number of arguments for 'sadd' command\r\n"),
            ("SREM s", "-ERR wrong number of arguments for 'srem' command\r\n"),
            ("SISMEMBER s", "-ERR wrong number of arguments for 'sismember' command\r\n"),
            ("SMISMEMBER s", "-ERR wrong number of arguments for 'smismember' command\r\n"),
            ("SMEMBERS a b", "-ERR wrong number of arguments for 'smembers' command\r\n"),
        ]);
    }

    #[test]
    fn every_command_checks_the_type() {
        let mut t = TestServer::new();
        t.check(&[("SET str x", "+OK\r\n"), ("SADD s 1 2 3", ":3\r\n")]);
        for cmd in [
            "SADD str 1",
            "SREM str 1",
            "SISMEMBER str 1",
            "SMISMEMBER str 1",
            "SCARD str",
            "SMEMBERS str",
            "SPOP str",
            "SPOP str 2",
            "SRANDMEMBER str",
            "SRANDMEMBER str 2",
            "SINTER s str",
            "SINTER nokey str",
            "SINTERCARD 2 nokey str",
            "SINTERSTORE d nokey str",
            "SUNION nokey str",
            "SUNIONSTORE d s str",
            "SDIFF nokey str",
            "SDIFFSTORE d s str",
            "SMOVE str s 1",
            "SMOVE s str 1",
            "SSCAN str 0",
            "SSCAN str 0 FOO",
        ] {
            t.check(&[(cmd, WRONGTYPE)]);
        }
        t.check(&[
            ("SMOVE nokey str 1", ":0\r\n"),
            ("SSCAN str x", "-ERR invalid cursor\r\n"),
            ("GET str", "$1\r\nx\r\n"),
            ("EXISTS d", ":0\r\n"),
        ]);
    }

    /// SADD of `n` integers from `from` on, one command.
    fn sadd_range(t: &mut TestServer, key: &str, from: usize, n: usize) -> String {
        let mut argv = vec!["SADD".to_string(), key.to_string()];
        argv.extend((from..from + n).map(|i| i.to_string()));
        t.text(&argv)
    }

    #[test]
    fn intset_threshold_511_512_513() {
        let mut t = TestServer::new();
        assert_eq!(sadd_range(&mut t, "s", 0, 511), ":511\r\n");
        t.check(&[("OBJECT ENCODING s", "$6\r\nintset\r\n")]);
        assert_eq!(sadd_range(&mut t, "s", 511, 1), ":1\r\n");
        t.check(&[("OBJECT ENCODING s", "$6\r\nintset\r\n"), ("SADD s 0", ":0\r\n"), ("OBJECT ENCODING s", "$6\r\nintset\r\n")]);
        assert_eq!(sadd_range(&mut t, "s", 512, 1), ":1\r\n");
        t.check(&[("OBJECT ENCODING s", "$9\r\nhashtable\r\n"), ("SCARD s", ":513\r\n")]);
        // One command over the threshold: Redis checks after each add.
        assert_eq!(sadd_range(&mut t, "t", 0, 513), ":513\r\n");
        t.check(&[("OBJECT ENCODING t", "$9\r\nhashtable\r\n")]);
        assert_eq!(sadd_range(&mut t, "u", 0, 512), ":512\r\n");
        t.check(&[
            ("OBJECT ENCODING u", "$6\r\nintset\r\n"),
            ("SADD u x", ":1\r\n"),
            ("OBJECT ENCODING u", "$9\r\nhashtable\r\n"),
            // Removing never converts back.
            ("SREM u x", ":1\r\n"),
            ("OBJECT ENCODING u", "$9\r\nhashtable\r\n"),
        ]);
    }

    /// CONFIG SET set-max-intset-entries affects the next add, never the
    /// sets already stored.
    #[test]
    fn intset_threshold_after_config_change() {
        let mut t = TestServer::new();
        t.check(&[("SADD s 1 2 3 4", ":4\r\n")]);
        t.srv.config.set_max_intset_entries = 2;
        t.check(&[
            ("OBJECT ENCODING s", "$6\r\nintset\r\n"),
            ("SADD s 1", ":0\r\n"),
            ("OBJECT ENCODING s", "$6\r\nintset\r\n"),
            ("SREM s 1", ":1\r\n"),
            ("OBJECT ENCODING s", "$6\r\nintset\r\n"),
            ("SADD s 1", ":1\r\n"),
            ("OBJECT ENCODING s", "$9\r\nhashtable\r\n"),
            ("SADD t 1 2", ":2\r\n"),
            ("OBJECT ENCODING t", "$6\r\nintset\r\n"),
            ("SADD t 3", ":1\r\n"),
            ("OBJECT ENCODING t", "$9\r\nhashtable\r\n"),
            ("SADD u 1 2 3", ":3\r\n"),
            ("SINTERSTORE v u u", ":3\r\n"),
            ("OBJECT ENCODING v", "$9\r\nhashtable\r\n"),
            ("SADD w 1", ":1\r\n"),
            ("SINTERSTORE v w", ":1\r\n"),
            ("OBJECT ENCODING v", "$6\r\nintset\r\n"),
        ]);
        t.srv.config.set_max_intset_entries = 0;
        t.check(&[
            ("SADD x 1", ":1\r\n"),
            ("OBJECT ENCODING x", "$9\r\nhashtable\r\n"),
            ("SMOVE w y 1", ":1\r\n"),
            ("OBJECT ENCODING y", "$9\r\nhashtable\r\n"),
            ("EXISTS w", ":0\r\n"),
        ]);
    }

    #[test]
    fn intersections_unions_differences() {
        let mut t = TestServer::new();
        t.check(&[
            ("SADD a 1 2 3 4", ":4\r\n"),
            ("SADD b 3 4 5", ":3\r\n"),
            ("SADD c 4 x", ":2\r\n"),
            ("SINTER a b", "*2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
            ("SINTER a b c", "*1\r\n$1\r\n4\r\n"),
            ("SINTER a nokey", "*0\r\n"),
            ("SINTER a a", "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
            ("SINTERSTORE d a b", ":2\r\n"),
            ("OBJECT ENCODING d", "$6\r\nintset\r\n"),
            ("SMEMBERS d", "*2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
            ("SINTERSTORE d2 a c", ":1\r\n"),
            ("OBJECT ENCODING d2", "$6\r\nintset\r\n"),
            ("SINTERSTORE d a nokey", ":0\r\n"),
            ("EXISTS d", ":0\r\n"),
            ("SINTERSTORE d c x", ":0\r\n"),
            ("SUNION a b", "*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n"),
            ("SUNIONSTORE u a b", ":5\r\n"),
            ("OBJECT ENCODING u", "$6\r\nintset\r\n"),
            ("SUNIONSTORE u2 a c", ":5\r\n"),
            ("OBJECT ENCODING u2", "$9\r\nhashtable\r\n"),
            ("SDIFF a b", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
            ("SDIFF a b c", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
            ("SDIFF a nokey b", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
            ("SDIFF nokey a", "*0\r\n"),
            ("SDIFF a a", "*0\r\n"),
            ("SDIFFSTORE df c a", ":1\r\n"),
            ("OBJECT ENCODING df", "$9\r\nhashtable\r\n"),
            ("SMEMBERS df", "*1\r\n$1\r\nx\r\n"),
            ("SDIFFSTORE df a a", ":0\r\n"),
            ("EXISTS df", ":0\r\n"),
            // A store overwrites any type and clears the TTL.
            ("SET str v", "+OK\r\n"),
            ("EXPIRE str 100", ":1\r\n"),
            ("SUNIONSTORE str a", ":4\r\n"),
            ("TTL str", ":-1\r\n"),
            ("TYPE str", "+set\r\n"),
            ("SINTERCARD 2 a b", ":2\r\n"),
            ("SINTERCARD 3 a b c", ":1\r\n"),
            ("SINTERCARD 2 a nokey", ":0\r\n"),
            ("SINTERCARD 1 a LIMIT 3", ":3\r\n"),
            ("SUNION nokey", "*0\r\n"),
            ("SUNIONSTORE u nokey", ":0\r\n"),
            ("EXISTS u", ":0\r\n"),
            // The destination may be a source.
            ("SINTERSTORE a a b", ":2\r\n"),
            ("SMEMBERS a", "*2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
        ]);
    }

    /// Generic keyspace commands carry sets along with their encoding.
    #[test]
    fn copy_rename_type() {
        let mut t = TestServer::new();
        t.check(&[
            ("SADD s 1 2 3", ":3\r\n"),
            ("SADD h a b", ":2\r\n"),
            ("COPY s s2", ":1\r\n"),
            ("OBJECT ENCODING s2", "$6\r\nintset\r\n"),
            ("SMEMBERS s2", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
            ("COPY h h2", ":1\r\n"),
            ("OBJECT ENCODING h2", "$9\r\nhashtable\r\n"),
            ("SCARD h2", ":2\r\n"),
            ("RENAME h2 h3", "+OK\r\n"),
            ("SISMEMBER h3 a", ":1\r\n"),
            ("TYPE h3", "+set\r\n"),
            // The copy is independent of the original.
            ("SREM h a", ":1\r\n"),
            ("SISMEMBER h3 a", ":1\r\n"),
        ]);
    }

    /// Both SDIFF algorithms (picked by estimated work) give the same set.
    #[test]
    fn sdiff_algorithms_agree() {
        let mut t = TestServer::new();
        let big: Vec<String> = (0..200).map(|i| format!("m{}", i)).collect();
        let mut argv = vec!["SADD".to_string(), "big".into()];
        argv.extend(big.iter().cloned());
        t.run(&argv);
        t.check(&[("SADD small m1 m2 x", ":3\r\n")]);
        // small - big: algorithm 1; big - small - small: algorithm 2.
        t.check(&[("SDIFF small big", "*1\r\n$1\r\nx\r\n")]);
        t.check(&[("SDIFFSTORE r big small small nokey", ":198\r\n"), ("SISMEMBER r m1", ":0\r\n"), ("SISMEMBER r m3", ":1\r\n")]);
        t.check(&[("SDIFFSTORE r2 big small", ":198\r\n"), ("SDIFFSTORE r3 big big", ":0\r\n")]);
    }

    #[test]
    fn sintercard_arguments() {
        let mut t = TestServer::new();
        t.check(&[
            ("SADD s 1 2 3", ":3\r\n"),
            ("SINTERCARD 0 a", "-ERR numkeys should be greater than 0\r\n"),
            ("SINTERCARD abc a", "-ERR numkeys should be greater than 0\r\n"),
            ("SINTERCARD -1 a", "-ERR numkeys should be greater than 0\r\n"),
            ("SINTERCARD 9223372036854775808 s", "-ERR numkeys should be greater than 0\r\n"),
            ("SINTERCARD 2 a", "-ERR Number of keys can't be greater than number of args\r\n"),
            ("SINTERCARD 1 s LIMIT -1", "-ERR LIMIT can't be negative\r\n"),
            ("SINTERCARD 1 s LIMIT x", "-ERR LIMIT can't be negative\r\n"),
            ("SINTERCARD 1 s LIMIT", "-ERR syntax error\r\n"),
            ("SINTERCARD 1 s FOO", "-ERR syntax error\r\n"),
            ("SINTERCARD 1 s LIMIT 2", ":2\r\n"),
            ("SINTERCARD 1 s LIMIT 0", ":3\r\n"),
            ("SINTERCARD 1 s limit 1 limit 2", ":2\r\n"),
            ("COMMAND GETKEYS SINTERCARD 2 a b LIMIT 1", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
        ]);
    }

    #[test]
    fn smove_semantics() {
        let mut t = TestServer::new();
        t.check(&[
            ("SADD src 1 a", ":2\r\n"),
            ("SADD dst 2", ":1\r\n"),
            ("SMOVE src dst a", ":1\r\n"),
            ("OBJECT ENCODING dst", "$9\r\nhashtable\r\n"),
            ("SMEMBERS src", "*1\r\n$1\r\n1\r\n"),
            ("SMOVE src dst 9", ":0\r\n"),
            ("SMOVE src new 1", ":1\r\n"),
            ("EXISTS src", ":0\r\n"),
            ("OBJECT ENCODING new", "$6\r\nintset\r\n"),
            ("SMEMBERS new", "*1\r\n$1\r\n1\r\n"),
            ("SADD new 2", ":1\r\n"),
            ("SMOVE new dst 2", ":1\r\n"),
            ("EXISTS new", ":1\r\n"),
            ("SCARD dst", ":2\r\n"),
            ("SMOVE new new 1", ":1\r\n"),
            ("SMOVE new new 9", ":0\r\n"),
            ("SCARD new", ":1\r\n"),
            ("SMOVE", "-ERR wrong number of arguments for 'smove' command\r\n"),
        ]);
    }

    #[test]
    fn spop_and_srandmember_counts() {
        let mut t = TestServer::new();
        t.check(&[
            (
                "SRANDMEMBER s -9223372036854775808",
                "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
            ),
            ("SADD s 1 2 3", ":3\r\n"),
            ("SRANDMEMBER s abc", "-ERR value is not an integer or out of range\r\n"),
            ("SRANDMEMBER s 1 2", "-ERR syntax error\r\n"),
            ("SRANDMEMBER s 3", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
            ("SRANDMEMBER s 10", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
            ("SRANDMEMBER s 0", "*0\r\n"),
            ("SPOP s -1", "-ERR value is out of range, must be positive\r\n"),
            ("SPOP s abc", "-ERR value is out of range, must be positive\r\n"),
            ("SPOP s 1 2", "-ERR syntax error\r\n"),
            ("SPOP nokey -1", "-ERR value is out of range, must be positive\r\n"),
            ("SPOP nokey 0", "*0\r\n"),
            ("SPOP nokey", "$-1\r\n"),
            ("SPOP nokey 5", "*0\r\n"),
            ("SRANDMEMBER nokey", "$-1\r\n"),
            ("SRANDMEMBER nokey 5", "*0\r\n"),
            ("SRANDMEMBER nokey -5", "*0\r\n"),
            ("SPOP s 0", "*0\r\n"),
            ("SPOP s 3", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
            ("EXISTS s", ":0\r\n"),
            ("SADD s 5", ":1\r\n"),
            ("SPOP s", "$1\r\n5\r\n"),
            ("EXISTS s", ":0\r\n"),
            ("SADD s 1 2 3", ":3\r\n"),
            ("SPOP s 10", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        ]);
    }

    /// Parses a flat RESP array of bulk strings.
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
    fn random_members_belong_to_the_set() {
        let mut t = TestServer::new();
        for (key, members) in
            [("ints", (0..100).map(|i| i.to_string()).collect::<Vec<_>>()), ("strs", (0..100).map(|i| format!("m{}", i)).collect())]
        {
            let mut argv = vec!["SADD".to_string(), key.into()];
            argv.extend(members.iter().cloned());
            t.run(&argv);
            let all: BTreeSet<String> = members.into_iter().collect();
            for count in [1i64, 2, 20, 40, 99, 100, 150, -1, -5, -300] {
                let got = bulks(&t.text(&["SRANDMEMBER", key, &count.to_string()]));
                let want_len = if count < 0 { count.unsigned_abs() as usize } else { (count as usize).min(100) };
                assert_eq!(got.len(), want_len, "SRANDMEMBER {} {}", key, count);
                assert!(got.iter().all(|m| all.contains(m)));
                if count > 0 {
                    assert_eq!(got.iter().collect::<BTreeSet<_>>().len(), got.len(), "repeats for count {}", count);
                }
            }
            let one = t.text(&["SRANDMEMBER", key]);
            assert!(all.contains(one.split("\r\n").nth(1).unwrap()));
            // SPOP: few (pick and remove), then most (rebuild the survivors).
            let mut left = all.clone();
            for count in [3usize, 80] {
                let got = bulks(&t.text(&["SPOP", key, &count.to_string()]));
                assert_eq!(got.len(), count);
                for m in &got {
                    assert!(left.remove(m), "{} popped twice or never there", m);
                }
                assert_eq!(t.text(&["SCARD", key]), format!(":{}\r\n", left.len()));
            }
            let rest: BTreeSet<String> = bulks(&t.text(&["SMEMBERS", key])).into_iter().collect();
            assert_eq!(rest, left);
        }
        // The survivors of an SPOP that takes most of a hashtable of
        // integers are rebuilt as an intset, as in Redis.
        t.check(&[("OBJECT ENCODING ints", "$6\r\nintset\r\n"), ("OBJECT ENCODING strs", "$9\r\nhashtable\r\n")]);
    }

    #[test]
    fn resp3_replies_are_sets() {
        let mut t = TestServer::new();
        t.client.out.resp = 3;
        t.check(&[
            ("SADD s 1 2 3", ":3\r\n"),
            ("SMEMBERS s", "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
            ("SMEMBERS nokey", "~0\r\n"),
            ("SRANDMEMBER s 3", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
            ("SPOP nokey 2", "~0\r\n"),
            ("SINTER s nokey", "~0\r\n"),
            ("SUNION s", "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
            ("SDIFF s s", "~0\r\n"),
            ("SPOP s 0", "~0\r\n"),
            ("SPOP s 3", "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
            ("SPOP nokey", "_\r\n"),
            ("SRANDMEMBER nokey", "_\r\n"),
            ("SRANDMEMBER nokey 2", "*0\r\n"),
            ("SSCAN nokey 0", "*2\r\n$1\r\n0\r\n*0\r\n"),
        ]);
    }

    #[test]
    fn sscan_arguments_and_small_sets() {
        let mut t = TestServer::new();
        t.check(&[
            ("SADD s 1 2 3", ":3\r\n"),
            ("SSCAN s 0", "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
            ("SSCAN s x", "-ERR invalid cursor\r\n"),
            ("SSCAN nokey x", "-ERR invalid cursor\r\n"),
            ("SSCAN nokey 0 FOO", "*2\r\n$1\r\n0\r\n*0\r\n"),
            ("SSCAN s 0 FOO", "-ERR syntax error\r\n"),
            ("SSCAN s 0 COUNT 0", "-ERR syntax error\r\n"),
            ("SSCAN s 0 COUNT x", "-ERR value is not an integer or out of range\r\n"),
            ("SSCAN s 0 COUNT", "-ERR syntax error\r\n"),
            ("SSCAN s 0 MATCH", "-ERR syntax error\r\n"),
            ("SSCAN s 0 TYPE string", "-ERR syntax error\r\n"),
            ("SSCAN s 0 MATCH 1*", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\n1\r\n"),
            ("SSCAN s 123 MATCH *", "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
            ("SADD big 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20", ":20\r\n"),
            (
                "SSCAN big 0 COUNT 2 MATCH 1*",
                "*2\r\n$1\r\n0\r\n*11\r\n$1\r\n1\r\n$2\r\n10\r\n$2\r\n11\r\n$2\r\n12\r\n$2\r\n13\r\n$2\r\n14\r\n$2\r\n15\r\n$2\r\n16\r\n$2\r\n17\r\n$2\r\n18\r\n$2\r\n19\r\n",
            ),
            ("SSCAN", "-ERR wrong number of arguments for 'sscan' command\r\n"),
        ]);
    }

    /// A full SSCAN of a hashtable returns every member that stays for the
    /// whole iteration, while members are added and removed in between.
    #[test]
    fn sscan_returns_every_stable_member_across_resizes() {
        let mut t = TestServer::new();
        let mut argv = vec!["SADD".to_string(), "s".into()];
        argv.extend((0..1000).map(|i| format!("stable:{}", i)));
        t.run(&argv);
        let mut seen = BTreeSet::new();
        let (mut cursor, mut round) = ("0".to_string(), 0);
        loop {
            let reply = t.text(&["SSCAN", "s", &cursor, "COUNT", "7", "MATCH", "stable:*"]);
            let mut lines = reply.split("\r\n").skip(2);
            cursor = lines.next().unwrap().to_string();
            let n: usize = lines.next().unwrap()[1..].parse().unwrap();
            for _ in 0..n {
                lines.next();
                seen.insert(lines.next().unwrap().to_string());
            }
            round += 1;
            if round == 20 {
                let mut add = vec!["SADD".to_string(), "s".into()];
                add.extend((0..20_000).map(|i| format!("tmp:{}", i)));
                t.run(&add);
            }
            if round == 60 {
                let mut rem = vec!["SREM".to_string(), "s".into()];
                rem.extend((0..20_000).map(|i| format!("tmp:{}", i)));
                t.run(&rem);
            }
            if cursor == "0" {
                break;
            }
            assert!(round < 100_000, "SSCAN does not terminate");
        }
        assert_eq!(seen.len(), 1000);
    }

    /// A command's reply and what it propagates instead of its argv.
    fn propagated(t: &mut TestServer, cmd: &str) -> (String, Option<Vec<String>>) {
        let (reply, rewritten) = t.run_for_propagation(cmd);
        (reply, rewritten.map(|r| r.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect()))
    }

    #[test]
    fn spop_propagates_as_srem() {
        let mut t = TestServer::new();
        t.check(&[("SADD s a b c d e f g h i j", ":10\r\n")]);
        let (reply, prop) = propagated(&mut t, "SPOP s");
        let prop = prop.unwrap();
        assert_eq!((prop[0].as_str(), prop[1].as_str(), prop.len()), ("SREM", "s", 3));
        assert_eq!(reply, format!("$1\r\n{}\r\n", prop[2]));
        // With a count: one SREM carrying every popped member, both strategies.
        for count in [2usize, 6] {
            let (reply, prop) = propagated(&mut t, &format!("SPOP s {}", count));
            let prop = prop.unwrap();
            assert_eq!((prop[0].as_str(), prop[1].as_str(), prop.len()), ("SREM", "s", count + 2));
            let mut popped = bulks(&reply);
            popped.sort();
            let mut srem = prop[2..].to_vec();
            srem.sort();
            assert_eq!(popped, srem);
            for m in &srem {
                assert_eq!(t.text(&["SISMEMBER", "s", m]), ":0\r\n");
            }
        }
        // Everything left: DEL.
        let (_, prop) = propagated(&mut t, "SPOP s 100");
        assert_eq!(prop.unwrap(), ["DEL", "s"]);
        t.check(&[("EXISTS s", ":0\r\n")]);
        // Nothing popped, nothing rewritten (and nothing dirty to propagate).
        let dirty = t.srv.dirty;
        assert_eq!(propagated(&mut t, "SPOP s 3"), ("*0\r\n".to_string(), None));
        assert_eq!(t.srv.dirty, dirty);
    }

    #[test]
    fn dirty_counts_like_redis() {
        let mut t = TestServer::new();
        let d0 = t.srv.dirty;
        t.check(&[("SADD s a b c", ":3\r\n")]);
        assert_eq!(t.srv.dirty - d0, 3);
        t.check(&[("SADD s a", ":0\r\n"), ("SREM s x", ":0\r\n")]);
        assert_eq!(t.srv.dirty - d0, 3);
        t.check(&[("SREM s a b", ":2\r\n")]);
        assert_eq!(t.srv.dirty - d0, 5);
        t.check(&[("SMOVE s t c", ":1\r\n")]);
        assert_eq!(t.srv.dirty - d0, 7);
    }

    /// A million members: adding, reading, set algebra and popping stay
    /// linear (this runs unoptimised, so anything quadratic would hang).
    #[test]
    fn a_million_members() {
        let mut t = TestServer::new();
        for chunk in 0..100 {
            let mut argv = vec!["SADD".to_string(), "big".into()];
            argv.extend((chunk * 10_000..(chunk + 1) * 10_000).map(|i| format!("member:{:08}", i)));
            assert_eq!(t.text(&argv), ":10000\r\n");
        }
        t.check(&[("SCARD big", ":1000000\r\n"), ("OBJECT ENCODING big", "$9\r\nhashtable\r\n")]);
        t.check(&[("SISMEMBER big member:00123456", ":1\r\n"), ("SADD small member:00000001 member:00999999 nope", ":3\r\n")]);
        t.check(&[("SINTERCARD 2 big small", ":2\r\n"), ("SDIFFSTORE d small big", ":1\r\n")]);
        t.check(&[("SUNIONSTORE copy big", ":1000000\r\n"), ("SINTERCARD 2 big copy LIMIT 10", ":10\r\n")]);
        assert_eq!(bulks(&t.text(&["SPOP", "copy", "500000"])).len(), 500_000);
        assert_eq!(bulks(&t.text(&["SPOP", "copy", "499990"])).len(), 499_990);
        t.check(&[("SCARD copy", ":10\r\n")]);
        assert_eq!(bulks(&t.text(&["SRANDMEMBER", "big", "1000"])).len(), 1000);
        assert!(t.text(&["SMEMBERS", "big"]).starts_with("*1000000\r\n"));
        t.check(&[("DEL big copy", ":2\r\n")]);
    }
}
