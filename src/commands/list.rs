//! The list type's commands, blocking ones included; mirrors t_list.c.
//!
//! Blocking commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) serve at
//! once when a key has data, exactly like their non-blocking forms, and
//! rewrite what they propagate to that form (BLPOP → LPOP, BLMOVE → LMOVE,
//! BLMPOP → LPOP key count). Otherwise they block through
//! `server::blocking::block_for_keys`; when a key becomes ready the same
//! handler runs again for the waiting client and takes the serving path.

use super::args;
use super::errors::{CmdResult, ReplyError};
use super::keyspec::*;
use super::table::{acl, flag::*, Command};
use super::Ctx;
use crate::db::keyspace::event;
use crate::net::reply::Reply;
use crate::server::blocking::{block_for_keys, parse_timeout};
use crate::server::Server;
use crate::types::list::{End, List};
use crate::types::listpack::{as_int, LpValue};
use crate::types::value::Value;
use crate::util::num::write_i64;

const L: u32 = acl::LIST;

pub const COMMANDS: &[Command] = &[
    Command::new("lpush", -3, lpush).flags(WRITE | DENYOOM | FAST).acl(L).key_specs(&[key(1, RW | INSERT)]).group("list")
        .doc("1.0.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", "Prepend one or multiple elements to a list")
        .history(&[("2.4.0", "Takes several elements.")])
        .args("key:key element..."),
    Command::new("rpush", -3, rpush).flags(WRITE | DENYOOM | FAST).acl(L).key_specs(&[key(1, RW | INSERT)]).group("list")
        .doc("1.0.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", "Append one or multiple elements to a list")
        .history(&[("2.4.0", "Takes several elements.")])
        .args("key:key element..."),
    Command::new("lpushx", -3, lpushx).flags(WRITE | DENYOOM | FAST).acl(L).key_specs(&[key(1, RW | INSERT)]).group("list")
        .doc("2.2.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", "Prepend an element to a list, only if the list exists")
        .history(&[("4.0.0", "Takes several elements.")])
        .args("key:key element..."),
    Command::new("rpushx", -3, rpushx).flags(WRITE | DENYOOM | FAST).acl(L).key_specs(&[key(1, RW | INSERT)]).group("list")
        .doc("2.2.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", "Append an element to a list, only if the list exists")
        .history(&[("4.0.0", "Takes several elements.")])
        .args("key:key element..."),
    Command::new("linsert", 5, linsert).flags(WRITE | DENYOOM).acl(L).key_specs(&[key(1, RW | INSERT)]).group("list")
        .doc("2.2.0", "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).", "Insert an element before or after another element in a list")
        .args("key:key where:(BEFORE | AFTER) pivot element"),
    Command::new("llen", 2, llen).flags(READONLY | FAST).acl(L).key_specs(&[key(1, RO)]).group("list")
        .doc("1.0.0", "O(1)", "Get the length of a list")
        .args("key:key"),
    Command::new("lindex", 3, lindex).flags(READONLY).acl(L).key_specs(&[key(1, RO | ACCESS)]).group("list")
        .doc("1.0.0", "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).", "Get an element from a list by its index")
        .args("key:key index:integer"),
    Command::new("lset", 4, lset).flags(WRITE | DENYOOM).acl(L).key_specs(&[key(1, RW | UPDATE)]).group("list")
        .doc("1.0.0", "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).", "Set the value of an element in a list by its index")
        .args("key:key index:integer element"),
    Command::new("lpop", -2, lpop).flags(WRITE | FAST).acl(L).key_specs(&[key(1, RW | ACCESS | DELETE)]).group("list")
        .doc("1.0.0", "O(N) where N is the number of elements returned", "Remove and get the first elements in a list")
        .history(&[("6.2.0", "Optional count.")])
        .args("key:key [count:integer@6.2.0]"),
    Command::new("rpop", -2, rpop).flags(WRITE | FAST).acl(L).key_specs(&[key(1, RW | ACCESS | DELETE)]).group("list")
        .doc("1.0.0", "O(N) where N is the number of elements returned", "Remove and get the last elements in a list")
        .history(&[("6.2.0", "Optional count.")])
        .args("key:key [count:integer@6.2.0]"),
    Command::new("lrange", 4, lrange).flags(READONLY).acl(L).key_specs(&[key(1, RO | ACCESS)]).group("list")
        .doc("1.0.0", "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.", "Get a range of elements from a list")
        .args("key:key start:integer stop:integer"),
    Command::new("ltrim", 4, ltrim).flags(WRITE).acl(L).key_specs(&[key(1, RW | DELETE)]).group("list")
        .doc("1.0.0", "O(N) where N is the number of elements to be removed by the operation.", "Trim a list to the specified range")
        .args("key:key start:integer stop:integer"),
    Command::new("lrem", 4, lrem).flags(WRITE).acl(L).key_specs(&[key(1, RW | DELETE)]).group("list")
        .doc("1.0.0", "O(N+M) where N is the length of the list and M is the number of elements removed.", "Remove elements from a list")
        .args("key:key count:integer element"),
    Command::new("lpos", -3, lpos).flags(READONLY).acl(L).key_specs(&[key(1, RO | ACCESS)]).group("list")
        .doc("6.0.6", "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.", "Return the index of matching elements on a list")
        .args("key:key element [RANK rank:integer] [COUNT num-matches:integer] [MAXLEN len:integer]"),
    Command::new("lmove", 5, lmove).flags(WRITE | DENYOOM).acl(L).key_specs(&[key(1, RW | ACCESS | DELETE), key(2, RW | INSERT)]).group("list")
        .doc("6.2.0", "O(1)", "Pop an element from a list, push it to another list and return it")
        .args("source:key destination:key wherefrom:(LEFT | RIGHT) whereto:(LEFT | RIGHT)"),
    Command::new("rpoplpush", 3, rpoplpush).flags(WRITE | DENYOOM).acl(L).key_specs(&[key(1, RW | ACCESS | DELETE), key(2, RW | INSERT)]).group("list")
        .doc("1.2.0", "O(1)", "Remove the last element in a list, prepend it to another list and return it")
        .deprecated("6.2.0", "`LMOVE` with the `RIGHT` and `LEFT` arguments")
        .args("source:key destination:key"),
    Command::new("lmpop", -4, lmpop).flags(WRITE).acl(L).key_specs(&[key(1, RW | ACCESS | DELETE).keynum(0, 1, 1)]).getkeys(numkeys_keys::<0, 1, 2>).group("list")
        .doc("7.0.0", "O(N+M) where N is the number of provided keys and M is the number of elements returned.", "Pop elements from a list")
        .args("numkeys:integer key:key... where:(LEFT | RIGHT) [COUNT count:integer]"),
    Command::new("blpop", -3, blpop).flags(WRITE | NOSCRIPT | BLOCKING).acl(L).key_specs(&[key(1, RW | ACCESS | DELETE).range(-2, 1, 0)]).group("list")
        .doc("2.0.0", "O(N) where N is the number of provided keys.", "Remove and get the first element in a list, or block until one is available")
        .history(&[("6.0.0", "The timeout is a double, not an integer.")])
        .args("key:key... timeout:double"),
    Command::new("brpop", -3, brpop).flags(WRITE | NOSCRIPT | BLOCKING).acl(L).key_specs(&[key(1, RW | ACCESS | DELETE).range(-2, 1, 0)]).group("list")
        .doc("2.0.0", "O(N) where N is the number of provided keys.", "Remove and get the last element in a list, or block until one is available")
        .history(&[("6.0.0", "The timeout is a double, not an integer.")])
        .args("key:key... timeout:double"),
    Command::new("blmove", 6, blmove).flags(WRITE | DENYOOM | NOSCRIPT | BLOCKING).acl(L).key_specs(&[key(1, RW | ACCESS | DELETE), key(2, RW | INSERT)]).group("list")
        .doc("6.2.0", "O(1)", "Pop an element from a list, push it to another list and return it; or block until one is available")
        .args("source:key destination:key wherefrom:(LEFT | RIGHT) whereto:(LEFT | RIGHT) timeout:double"),
    Command::new("brpoplpush", 4, brpoplpush).flags(WRITE | DENYOOM | NOSCRIPT | BLOCKING).acl(L).key_specs(&[key(1, RW | ACCESS | DELETE), key(2, RW | INSERT)]).group("list")
        .doc("2.2.0", "O(1)", "Pop an element from a list, push it to another list and return it; or block until one is available")
        .deprecated("6.2.0", "`BLMOVE` with the `RIGHT` and `LEFT` arguments")
        .history(&[("6.0.0", "The timeout is a double, not an integer.")])
        .args("source:key destination:key timeout:double"),
    Command::new("blmpop", -5, blmpop).flags(WRITE | BLOCKING).acl(L).key_specs(&[key(2, RW | ACCESS | DELETE).keynum(0, 1, 1)]).getkeys(numkeys_keys::<0, 2, 3>).group("list")
        .doc("7.0.0", "O(N+M) where N is the number of provided keys and M is the number of elements returned.", "Pop elements from a list, or block until one is available")
        .args("timeout:double numkeys:integer key:key... where:(LEFT | RIGHT) [COUNT count:integer]"),
];

// ---------------------------------------------------------------------------
// Shared helpers

/// A new, empty list with the configured node fill.
fn new_list(srv: &Server) -> List {
    List::new(srv.config.list_max_listpack_size as i64, srv.config.list_compress_depth as i64)
}

/// A list key for reading: Ok(None) when missing, WRONGTYPE for other types.
fn read_list<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Result<Option<&'a List>, ReplyError> {
    srv.read_typed(db, key)
}

/// A list key for writing: Ok(None) when missing, WRONGTYPE for other types.
fn write_list<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Result<Option<&'a mut List>, ReplyError> {
    srv.write_typed(db, key)
}

/// Replies with one element as a bulk string.
#[inline]
fn reply_elem(out: &mut Reply, v: LpValue) {
    match v {
        LpValue::Str(s) => out.bulk(s),
        LpValue::Int(n) => {
            let mut b = [0u8; 20];
            let l = write_i64(n, &mut b);
            out.bulk(&b[..l]);
        }
    }
}

/// LEFT | RIGHT (getListPositionFromObjectOrReply).
fn parse_end(arg: &[u8]) -> Result<End, ReplyError> {
    if args::is(arg, "left") {
        Ok(End::Head)
    } else if args::is(arg, "right") {
        Ok(End::Tail)
    } else {
        Err(ReplyError::syntax())
    }
}

fn pop_event(end: End) -> &'static str {
    match end {
        End::Head => "lpop",
        End::Tail => "rpop",
    }
}

fn push_event(end: End) -> &'static str {
    match end {
        End::Head => "lpush",
        End::Tail => "rpush",
    }
}

/// Deletes `key` if its list became empty, with the "del" event.
fn delete_if_empty(srv: &mut Server, db: usize, key: &[u8]) -> bool {
    let empty = matches!(srv.dbs[db].dict.get(key), Some(Value::List(l)) if l.is_empty());
    if empty {
        srv.delete_key(db, key, false);
        srv.notify_keyspace_event(event::GENERIC, "del", key, db);
    }
    empty
}

// ---------------------------------------------------------------------------
// Pushes

/// The shared body of LPUSH, RPUSH, LPUSHX, RPUSHX (pushGenericCommand).
fn push_generic(ctx: &mut Ctx, end: End, xx: bool) -> CmdResult {
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let argv = ctx.argv;
    let pushed = ctx.argc() - 2;
    let mut created = false;
    let len = match write_list(ctx.srv, db, key)? {
        Some(l) => {
            for ele in argv.iter().skip(2) {
                l.push(end, ele);
            }
            l.len()
        }
        None if xx => {
            ctx.c.out.int(0);
            return Ok(());
        }
        None => {
            let mut l = new_list(ctx.srv);
            for ele in argv.iter().skip(2) {
                l.push(end, ele);
            }
            let len = l.len();
            ctx.srv.dbs[db].add(key, Value::List(Box::new(l)));
            created = true;
            len
        }
    };
    if created {
        ctx.srv.signal_key_as_ready(db, key);
    }
    ctx.c.out.int(len as i64);
    ctx.srv.key_modified(db, key, event::LIST, push_event(end));
    ctx.srv.dirty += pushed as u64 - 1;
    Ok(())
}

/// LPUSH key element [element ...]: the new length.
pub fn lpush(ctx: &mut Ctx) -> CmdResult {
    push_generic(ctx, End::Head, false)
}

/// RPUSH key element [element ...]: the new length.
pub fn rpush(ctx: &mut Ctx) -> CmdResult {
    push_generic(ctx, End::Tail, false)
}

/// LPUSHX key element [element ...]: the new length, 0 when the key is missing.
pub fn lpushx(ctx: &mut Ctx) -> CmdResult {
    push_generic(ctx, End::Head, true)
}

/// RPUSHX key element [element ...]: the new length, 0 when the key is missing.
pub fn rpushx(ctx: &mut Ctx) -> CmdResult {
    push_generic(ctx, End::Tail, true)
}

/// LINSERT key BEFORE|AFTER pivot element: the new length, -1 when the
/// pivot is not found, 0 when the key is missing.
pub fn linsert(ctx: &mut Ctx) -> CmdResult {
    let after = if args::is(ctx.arg(2), "after") {
        true
    } else if args::is(ctx.arg(2), "before") {
        false
    } else {
        return Err(ReplyError::syntax());
    };
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let (pivot, ele) = (ctx.arg(3), ctx.arg(4));
    let Some(l) = write_list(ctx.srv, db, key)? else {
        ctx.c.out.int(0);
        return Ok(());
    };
    let pivot_int = as_int(pivot);
    let Some(at) = l.iter().position(|v| v.eq_bytes(pivot, pivot_int)) else {
        ctx.c.out.int(-1);
        return Ok(());
    };
    l.insert_at(at, after, ele);
    let len = l.len();
    ctx.srv.key_modified(db, key, event::LIST, "linsert");
    ctx.c.out.int(len as i64);
    Ok(())
}

// ---------------------------------------------------------------------------
// Reads

/// LLEN key
pub fn llen(ctx: &mut Ctx) -> CmdResult {
    let n = read_list(ctx.srv, ctx.c.db, ctx.arg(1))?.map_or(0, |l| l.len());
    ctx.c.out.int(n as i64);
    Ok(())
}

/// LINDEX key index: the element, or null when out of range.
pub fn lindex(ctx: &mut Ctx) -> CmdResult {
    let index_arg = ctx.arg(2);
    let Some(l) = read_list(ctx.srv, ctx.c.db, ctx.arg(1))? else {
        ctx.c.out.null();
        return Ok(());
    };
    let index = args::int(index_arg)?;
    match l.get(index) {
        Some(v) => reply_elem(&mut ctx.c.out, v),
        None => ctx.c.out.null(),
    }
    Ok(())
}

/// LRANGE key start stop: inclusive, negative indexes count from the tail.
pub fn lrange(ctx: &mut Ctx) -> CmdResult {
    let start = args::int(ctx.arg(2))?;
    let end = args::int(ctx.arg(3))?;
    let Some(l) = read_list(ctx.srv, ctx.c.db, ctx.arg(1))? else {
        ctx.c.out.array(0);
        return Ok(());
    };
    let Some((start, n)) = clamp_range(start, end, l.len()) else {
        ctx.c.out.array(0);
        return Ok(());
    };
    let out = &mut ctx.c.out;
    out.array(n);
    for v in l.iter_from(start).take(n) {
        reply_elem(out, v);
    }
    Ok(())
}

/// LRANGE's index arithmetic: (first index, count), None when empty.
fn clamp_range(mut start: i64, mut end: i64, len: usize) -> Option<(usize, usize)> {
    let llen = len as i64;
    if start < 0 {
        start += llen;
    }
    if end < 0 {
        end += llen;
    }
    if start < 0 {
        start = 0;
    }
    if start > end || start >= llen {
        return None;
    }
    if end >= llen {
        end = llen - 1;
    }
    Some((start as usize, (end - start + 1) as usize))
}

/// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
pub fn lpos(ctx: &mut Ctx) -> CmdResult {
    let (mut rank, mut count, mut maxlen) = (1i64, -1i64, 0i64);
    let mut j = 3;
    while j < ctx.argc() {
        let opt = ctx.arg(j);
        let more = j + 1 < ctx.argc();
        if args::is(opt, "rank") && more {
            j += 1;
            rank = args::int(ctx.arg(j))?;
            if rank == 0 {
                return Err(ReplyError::lpos_rank_zero());
            }
        } else if args::is(opt, "count") && more {
            j += 1;
            count = args::range_long(ctx.arg(j), 0, i64::MAX, ReplyError::lpos_count_negative)?;
        } else if args::is(opt, "maxlen") && more {
            j += 1;
            maxlen = args::range_long(ctx.arg(j), 0, i64::MAX, ReplyError::lpos_maxlen_negative)?;
        } else {
            return Err(ReplyError::syntax());
        }
        j += 1;
    }
    // A negative rank searches from the tail (LONG_MIN stays negative, as in C).
    let from_tail = rank < 0;
    if from_tail {
        rank = rank.wrapping_neg();
    }
    let ele = ctx.arg(2);
    let Some(l) = read_list(ctx.srv, ctx.c.db, ctx.arg(1))? else {
        if count != -1 {
            ctx.c.out.array(0);
        } else {
            ctx.c.out.null();
        }
        return Ok(());
    };
    let ele_int = as_int(ele);
    let llen = l.len() as i64;
    let iter = if from_tail { l.iter_rev_from(l.len().saturating_sub(1)) } else { l.iter() };
    let out = &mut ctx.c.out;
    let deferred = if count != -1 { Some(out.deferred()) } else { None };
    let (mut matches, mut found, mut arraylen) = (0i64, None, 0usize);
    for (index, v) in iter.enumerate() {
        let index = index as i64;
        if maxlen != 0 && index >= maxlen {
            break;
        }
        if v.eq_bytes(ele, ele_int) {
            matches += 1;
            let at = if from_tail { llen - index - 1 } else { index };
            if matches >= rank {
                if deferred.is_some() {
                    arraylen += 1;
                    out.int(at);
                    if count != 0 && matches - rank + 1 >= count {
                        break;
                    }
                } else {
                    found = Some(at);
                    break;
                }
            }
        }
    }
    match deferred {
        Some(d) => out.set_deferred_array(d, arraylen),
        None => match found {
            Some(i) => out.int(i),
            None => out.null(),
        },
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Writes in place

/// LSET key index element
pub fn lset(ctx: &mut Ctx) -> CmdResult {
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let (index_arg, ele) = (ctx.arg(2), ctx.arg(3));
    let Some(l) = write_list(ctx.srv, db, key)? else {
        return Err(ReplyError::no_such_key());
    };
    let index = args::int(index_arg)?;
    if !l.set(index, ele) {
        return Err(ReplyError::index_out_of_range());
    }
    ctx.c.out.ok();
    ctx.srv.key_modified(db, key, event::LIST, "lset");
    Ok(())
}

/// LTRIM key start stop
pub fn ltrim(ctx: &mut Ctx) -> CmdResult {
    let start = args::int(ctx.arg(2))?;
    let end = args::int(ctx.arg(3))?;
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let Some(l) = write_list(ctx.srv, db, key)? else {
        ctx.c.out.ok();
        return Ok(());
    };
    let llen = l.len();
    let (ltrim, rtrim) = match clamp_range(start, end, llen) {
        None => (llen, 0),
        Some((s, n)) => (s, llen - s - n),
    };
    l.delete_range(0, ltrim);
    let left = l.len();
    l.delete_range(left - rtrim, rtrim);
    ctx.srv.notify_keyspace_event(event::LIST, "ltrim", key, db);
    delete_if_empty(ctx.srv, db, key);
    ctx.srv.signal_modified_key(db, key);
    ctx.srv.dirty += (ltrim + rtrim) as u64;
    ctx.c.out.ok();
    Ok(())
}

/// LREM key count element: removes up to |count| matches (from the tail
/// when negative, all when 0); the number removed.
pub fn lrem(ctx: &mut Ctx) -> CmdResult {
    let count = args::int(ctx.arg(2))?;
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let ele = ctx.arg(3);
    let Some(l) = write_list(ctx.srv, db, key)? else {
        ctx.c.out.int(0);
        return Ok(());
    };
    let removed = l.remove_matching(ele, count);
    if removed > 0 {
        ctx.srv.notify_keyspace_event(event::LIST, "lrem", key, db);
        delete_if_empty(ctx.srv, db, key);
        ctx.srv.signal_modified_key(db, key);
        ctx.srv.dirty += removed as u64;
    }
    ctx.c.out.int(removed as i64);
    Ok(())
}

// ---------------------------------------------------------------------------
// Pops

/// Pops `count` elements from `key`'s list at `end`, replying with them as
/// an array (optionally preceded by the key, as LMPOP/BLMPOP do), then the
/// closing trio (listPopRangeAndReplyWithKey). The list must be non-empty.
fn pop_range_reply(ctx: &mut Ctx, key: &[u8], end: End, count: usize, with_key: bool) -> usize {
    let db = ctx.c.db;
    let Some(Value::List(l)) = ctx.srv.dbs[db].dict.get_mut(key) else { unreachable!("pop from a list") };
    let len = l.len();
    let n = count.min(len);
    let out = &mut ctx.c.out;
    if with_key {
        out.array(2);
        out.bulk(key);
    }
    out.array(n);
    match end {
        End::Head => {
            for v in l.iter().take(n) {
                reply_elem(out, v);
            }
            l.delete_range(0, n);
        }
        End::Tail => {
            for v in l.iter_rev_from(len - 1).take(n) {
                reply_elem(out, v);
            }
            l.delete_range(len - n, n);
        }
    }
    ctx.srv.notify_keyspace_event(event::LIST, pop_event(end), key, db);
    delete_if_empty(ctx.srv, db, key);
    ctx.srv.signal_modified_key(db, key);
    ctx.srv.dirty += n as u64;
    n
}

/// Pops one element from a non-empty list with the closing trio.
fn pop_one(srv: &mut Server, db: usize, key: &[u8], end: End) -> Vec<u8> {
    let Some(Value::List(l)) = srv.dbs[db].dict.get_mut(key) else { unreachable!("pop from a list") };
    let v = l.pop(end).expect("non-empty list");
    srv.notify_keyspace_event(event::LIST, pop_event(end), key, db);
    delete_if_empty(srv, db, key);
    srv.signal_modified_key(db, key);
    srv.dirty += 1;
    v
}

/// The shared body of LPOP and RPOP (popGenericCommand).
fn pop_generic(ctx: &mut Ctx, end: End) -> CmdResult {
    if ctx.argc() > 3 {
        return Err(ReplyError::wrong_arity(if end == End::Head { "lpop" } else { "rpop" }));
    }
    let count = if ctx.argc() == 3 { Some(args::range_long(ctx.arg(2), 0, i64::MAX, ReplyError::not_positive)? as usize) } else { None };
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let Some(l) = write_list(ctx.srv, db, key)? else {
        if count.is_some() {
            ctx.c.out.null_array();
        } else {
            ctx.c.out.null();
        }
        return Ok(());
    };
    if l.is_empty() {
        ctx.c.out.null();
        return Ok(());
    }
    match count {
        Some(0) => ctx.c.out.array(0),
        Some(n) => {
            pop_range_reply(ctx, key, end, n, false);
        }
        None => {
            let v = pop_one(ctx.srv, db, key, end);
            ctx.c.out.bulk(&v);
        }
    }
    Ok(())
}

/// LPOP key [count]: one element (bulk), or up to count elements (array).
pub fn lpop(ctx: &mut Ctx) -> CmdResult {
    pop_generic(ctx, End::Head)
}

/// RPOP key [count]: one element (bulk), or up to count elements (array).
pub fn rpop(ctx: &mut Ctx) -> CmdResult {
    pop_generic(ctx, End::Tail)
}

/// Parses `numkeys key [key ...] LEFT|RIGHT [COUNT count]` starting at
/// argv[`at`]: (first key index, number of keys, end, count).
fn parse_mpop(ctx: &Ctx, at: usize) -> Result<(usize, usize, End, usize), ReplyError> {
    let numkeys = args::range_long(ctx.arg(at), 1, i64::MAX, ReplyError::numkeys_not_positive)?;
    let where_idx = (at as u64).saturating_add(numkeys as u64).saturating_add(1);
    if where_idx >= ctx.argc() as u64 {
        return Err(ReplyError::syntax());
    }
    let where_idx = where_idx as usize;
    let end = parse_end(ctx.arg(where_idx))?;
    let mut count = None;
    let mut j = where_idx + 1;
    while j < ctx.argc() {
        if count.is_none() && args::is(ctx.arg(j), "count") && j + 1 < ctx.argc() {
            j += 1;
            count = Some(args::range_long(ctx.arg(j), 1, i64::MAX, ReplyError::count_not_positive)? as usize);
        } else {
            return Err(ReplyError::syntax());
        }
        j += 1;
    }
    Ok((at + 1, numkeys as usize, end, count.unwrap_or(1)))
}

/// Serves a [B]LMPOP from the first non-empty list among the keys:
/// true when one was found (mpopGenericCommand).
fn mpop_serve(ctx: &mut Ctx, first: usize, numkeys: usize, end: End, count: usize) -> Result<bool, ReplyError> {
    let db = ctx.c.db;
    for j in first..first + numkeys {
        let key = ctx.arg(j);
        let len = match write_list(ctx.srv, db, key)? {
            Some(l) if !l.is_empty() => l.len(),
            _ => continue,
        };
        pop_range_reply(ctx, key, end, count, true);
        // Propagated as [LR]POP key count.
        let n = count.min(len).to_string();
        let cmd: &[u8] = if end == End::Head { b"LPOP" } else { b"RPOP" };
        ctx.rewrite_argv(&[cmd, key, n.as_bytes()]);
        return Ok(true);
    }
    Ok(false)
}

/// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: [key, [elements]]
/// from the first non-empty list, or a null array.
pub fn lmpop(ctx: &mut Ctx) -> CmdResult {
    let (first, numkeys, end, count) = parse_mpop(ctx, 1)?;
    if !mpop_serve(ctx, first, numkeys, end, count)? {
        ctx.c.out.null_array();
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Moves

/// Pops from `src` at `from` and pushes to `dst` at `to`, replying with the
/// element (lmoveGenericCommand + lmoveHandlePush). `Ok(false)` when the
/// source is missing (nothing replied).
fn lmove_generic(ctx: &mut Ctx, src: &[u8], dst: &[u8], from: End, to: End) -> Result<bool, ReplyError> {
    let db = ctx.c.db;
    let Some(l) = write_list(ctx.srv, db, src)? else {
        return Ok(false);
    };
    if l.is_empty() {
        ctx.c.out.null();
        return Ok(true);
    }
    let dst_exists = write_list(ctx.srv, db, dst)?.is_some();
    let Some(Value::List(l)) = ctx.srv.dbs[db].dict.get_mut(src) else { unreachable!() };
    let v = l.pop(from).expect("non-empty list");
    // Push first: with src == dst the list must not be deleted in between.
    if !dst_exists {
        let l = new_list(ctx.srv);
        ctx.srv.dbs[db].add(dst, Value::List(Box::new(l)));
        ctx.srv.signal_key_as_ready(db, dst);
    }
    ctx.srv.signal_modified_key(db, dst);
    let Some(Value::List(d)) = ctx.srv.dbs[db].dict.get_mut(dst) else { unreachable!() };
    d.push(to, &v);
    ctx.srv.notify_keyspace_event(event::LIST, push_event(to), dst, db);
    ctx.c.out.bulk(&v);
    ctx.srv.notify_keyspace_event(event::LIST, pop_event(from), src, db);
    delete_if_empty(ctx.srv, db, src);
    ctx.srv.signal_modified_key(db, src);
    ctx.srv.dirty += 1;
    Ok(true)
}

/// LMOVE source destination LEFT|RIGHT LEFT|RIGHT: the moved element, or
/// null when the source is empty.
pub fn lmove(ctx: &mut Ctx) -> CmdResult {
    let from = parse_end(ctx.arg(3))?;
    let to = parse_end(ctx.arg(4))?;
    if !lmove_generic(ctx, ctx.arg(1), ctx.arg(2), from, to)? {
        ctx.c.out.null();
    }
    Ok(())
}

/// RPOPLPUSH source destination (LMOVE source destination RIGHT LEFT).
pub fn rpoplpush(ctx: &mut Ctx) -> CmdResult {
    if !lmove_generic(ctx, ctx.arg(1), ctx.arg(2), End::Tail, End::Head)? {
        ctx.c.out.null();
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Blocking

/// The shared body of BLPOP, BRPOP and BLMPOP (blockingPopGenericCommand):
/// serve from the first non-empty key, else block on all of them. `count`
/// is Some for BLMPOP (nested reply, LPOP key count propagated).
fn blocking_pop_generic(ctx: &mut Ctx, first: usize, numkeys: usize, end: End, count: Option<usize>, deadline: i64) -> CmdResult {
    let db = ctx.c.db;
    for j in first..first + numkeys {
        let key = ctx.arg(j);
        let len = match write_list(ctx.srv, db, key)? {
            Some(l) if !l.is_empty() => l.len(),
            _ => continue,
        };
        let cmd: &[u8] = if end == End::Head { b"LPOP" } else { b"RPOP" };
        match count {
            Some(n) => {
                pop_range_reply(ctx, key, end, n, true);
                let n = n.min(len).to_string();
                ctx.rewrite_argv(&[cmd, key, n.as_bytes()]);
            }
            None => {
                let v = pop_one(ctx.srv, db, key, end);
                ctx.c.out.array(2);
                ctx.c.out.bulk(key);
                ctx.c.out.bulk(&v);
                ctx.rewrite_argv(&[cmd, key]);
            }
        }
        return Ok(());
    }
    // Not allowed to block (MULTI, scripts): behave as an immediate timeout.
    if ctx.c.deny_blocking {
        ctx.c.out.null_array();
        return Ok(());
    }
    let keys = (first..first + numkeys).map(|j| ctx.arg(j).to_vec()).collect();
    block_for_keys(ctx, keys, deadline);
    Ok(())
}

/// BLPOP key [key ...] timeout: [key, element], or a null array on timeout.
pub fn blpop(ctx: &mut Ctx) -> CmdResult {
    let deadline = parse_timeout(ctx.arg(ctx.argc() - 1), ctx.srv.now_ms)?;
    blocking_pop_generic(ctx, 1, ctx.argc() - 2, End::Head, None, deadline)
}

/// BRPOP key [key ...] timeout: [key, element], or a null array on timeout.
pub fn brpop(ctx: &mut Ctx) -> CmdResult {
    let deadline = parse_timeout(ctx.arg(ctx.argc() - 1), ctx.srv.now_ms)?;
    blocking_pop_generic(ctx, 1, ctx.argc() - 2, End::Tail, None, deadline)
}

/// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
pub fn blmpop(ctx: &mut Ctx) -> CmdResult {
    let (first, numkeys, end, count) = parse_mpop(ctx, 2)?;
    let deadline = parse_timeout(ctx.arg(1), ctx.srv.now_ms)?;
    blocking_pop_generic(ctx, first, numkeys, end, Some(count), deadline)
}

/// The shared body of BLMOVE and BRPOPLPUSH (blmoveGenericCommand).
fn blmove_generic(ctx: &mut Ctx, from: End, to: End, deadline: i64) -> CmdResult {
    let (src, dst) = (ctx.arg(1), ctx.arg(2));
    if write_list(ctx.srv, ctx.c.db, src)?.is_none() {
        if ctx.c.deny_blocking {
            // Inside MULTI: a null bulk, unlike BLPOP's null array.
            ctx.c.out.null();
            return Ok(());
        }
        block_for_keys(ctx, vec![src.to_vec()], deadline);
        return Ok(());
    }
    lmove_generic(ctx, src, dst, from, to)?;
    if ctx.argc() == 6 {
        ctx.rewrite_argv(&[&b"LMOVE"[..], src, dst, ctx.arg(3), ctx.arg(4)]);
    } else {
        ctx.rewrite_argv(&[&b"RPOPLPUSH"[..], src, dst]);
    }
    Ok(())
}

/// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout: the moved
/// element, or a null array on timeout.
pub fn blmove(ctx: &mut Ctx) -> CmdResult {
    let from = parse_end(ctx.arg(3))?;
    let to = parse_end(ctx.arg(4))?;
    let deadline = parse_timeout(ctx.arg(5), ctx.srv.now_ms)?;
    blmove_generic(ctx, from, to, deadline)
}

/// BRPOPLPUSH source destination timeout
pub fn brpoplpush(ctx: &mut Ctx) -> CmdResult {
    let deadline = parse_timeout(ctx.arg(3), ctx.srv.now_ms)?;
    blmove_generic(ctx, End::Tail, End::Head, deadline)
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::TestServer;
    use crate::types::value::Value;

    // Expected bytes taken from redis-server 7.0.15 (scripts/oracle.py).
    #[test]
    fn push_read_modify_pop() {
        let mut t = TestServer::new();
        t.check(&[
            ("RPUSH l a 1 -1 1000 hello", ":5\r\n"),
            ("LRANGE l 0 -1", "*5\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\n-1\r\n$4\r\n1000\r\n$5\r\nhello\r\n"),
            ("LPUSH l x y", ":7\r\n"),
            ("LLEN l", ":7\r\n"),
            ("LINDEX l 0", "$1\r\ny\r\n"),
            ("LINDEX l -1", "$5\r\nhello\r\n"),
            ("LINDEX l 100", "$-1\r\n"),
            ("LINDEX l abc", "-ERR value is not an integer or out of range\r\n"),
            ("LINDEX nokey abc", "$-1\r\n"),
            ("LRANGE l 2 3", "*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("LRANGE l -3 -1", "*3\r\n$2\r\n-1\r\n$4\r\n1000\r\n$5\r\nhello\r\n"),
            ("LRANGE l -100 100", "*7\r\n$1\r\ny\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\n-1\r\n$4\r\n1000\r\n$5\r\nhello\r\n"),
            ("LRANGE l 5 2", "*0\r\n"),
            ("LRANGE l 10 20", "*0\r\n"),
            ("LRANGE nokey 0 -1", "*0\r\n"),
            ("LRANGE l a 1", "-ERR value is not an integer or out of range\r\n"),
            ("LPUSHX nokey a", ":0\r\n"),
            ("RPUSHX nokey a", ":0\r\n"),
            ("LPUSHX l p", ":8\r\n"),
            ("RPUSHX l q r", ":10\r\n"),
            ("EXISTS nokey", ":0\r\n"),
            ("LSET l 0 new", "+OK\r\n"),
            ("LSET l -1 9999", "+OK\r\n"),
            ("LSET l 100 x", "-ERR index out of range\r\n"),
            ("LSET nokey 0 x", "-ERR no such key\r\n"),
            ("LRANGE l 0 -1", "*10\r\n$3\r\nnew\r\n$1\r\ny\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\n-1\r\n$4\r\n1000\r\n$5\r\nhello\r\n$1\r\nq\r\n$4\r\n9999\r\n"),
            ("LINSERT l BEFORE 1000 ins", ":11\r\n"),
            ("LINSERT l after 9999 tail", ":12\r\n"),
            ("LINSERT l BEFORE nothere x", ":-1\r\n"),
            ("LINSERT nokey BEFORE a x", ":0\r\n"),
            ("LINSERT l MIDDLE a x", "-ERR syntax error\r\n"),
            ("LRANGE l 0 -1", "*12\r\n$3\r\nnew\r\n$1\r\ny\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\n-1\r\n$3\r\nins\r\n$4\r\n1000\r\n$5\r\nhello\r\n$1\r\nq\r\n$4\r\n9999\r\n$4\r\ntail\r\n"),
            ("LPOP l", "$3\r\nnew\r\n"),
            ("RPOP l", "$4\r\ntail\r\n"),
            ("LPOP l 2", "*2\r\n$1\r\ny\r\n$1\r\nx\r\n"),
            ("RPOP l 2", "*2\r\n$4\r\n9999\r\n$1\r\nq\r\n"),
            ("LPOP l 0", "*0\r\n"),
            ("LRANGE l 0 -1", "*6\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\n-1\r\n$3\r\nins\r\n$4\r\n1000\r\n$5\r\nhello\r\n"),
            ("LPOP nokey", "$-1\r\n"),
            ("LPOP nokey 2", "*-1\r\n"),
            ("LPOP l -1", "-ERR value is out of range, must be positive\r\n"),
            ("RPOP l 100", "*6\r\n$5\r\nhello\r\n$4\r\n1000\r\n$3\r\nins\r\n$2\r\n-1\r\n$1\r\n1\r\n$1\r\na\r\n"),
            ("EXISTS l", ":0\r\n"),
            ("RPUSH r a b c a b c a", ":7\r\n"),
            ("LREM r 2 a", ":2\r\n"),
            ("LRANGE r 0 -1", "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n"),
            ("LREM r -1 c", ":1\r\n"),
            ("LRANGE r 0 -1", "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"),
            ("LREM r 0 b", ":2\r\n"),
            ("LRANGE r 0 -1", "*2\r\n$1\r\nc\r\n$1\r\na\r\n"),
            ("LREM r 0 zz", ":0\r\n"),
            ("LREM r x a", "-ERR value is not an integer or out of range\r\n"),
            ("LREM nokey 0 a", ":0\r\n"),
            ("LREM r 0 a", ":1\r\n"),
            ("LREM r 0 c", ":1\r\n"),
            ("EXISTS r", ":0\r\n"),
            ("RPUSH t 1 2 3 4 5 6 7 8 9", ":9\r\n"),
            ("LTRIM t 1 -2", "+OK\r\n"),
            ("LRANGE t 0 -1", "*7\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n"),
            ("LTRIM t -3 100", "+OK\r\n"),
            ("LRANGE t 0 -1", "*3\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n"),
            ("LTRIM t 5 1", "+OK\r\n"),
            ("EXISTS t", ":0\r\n"),
            ("LTRIM nokey 0 1", "+OK\r\n"),
            ("LTRIM t a b", "-ERR value is not an integer or out of range\r\n"),
            ("SET s str", "+OK\r\n"),
            ("LPUSH s a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("RPUSH s a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("LPUSHX s a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("LLEN s", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("LRANGE s 0 -1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("LINDEX s 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("LSET s 0 a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("LPOP s", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("RPOP s 2", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("LREM s 0 a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("LTRIM s 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("LINSERT s BEFORE a b", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("LPOS s a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("LMOVE s d LEFT LEFT", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("LMPOP 1 s LEFT", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("BLPOP s 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("BLMOVE s d LEFT LEFT 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("BLMPOP 0 1 s LEFT", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("RPOPLPUSH s d", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ]);
    }

    #[test]
    fn lpos_lmove_lmpop_and_blocking_forms_with_data() {
        let mut t = TestServer::new();
        t.check(&[
            ("RPUSH p a b c 1 2 3 c c", ":8\r\n"),
            ("LPOS p c", ":2\r\n"),
            ("LPOS p c RANK 2", ":6\r\n"),
            ("LPOS p c RANK -1", ":7\r\n"),
            ("LPOS p c RANK -2", ":6\r\n"),
            ("LPOS p c COUNT 0", "*3\r\n:2\r\n:6\r\n:7\r\n"),
            ("LPOS p c COUNT 2", "*2\r\n:2\r\n:6\r\n"),
            ("LPOS p c COUNT 0 RANK -1", "*3\r\n:7\r\n:6\r\n:2\r\n"),
            ("LPOS p c COUNT 0 MAXLEN 3", "*1\r\n:2\r\n"),
            ("LPOS p c MAXLEN 2", "$-1\r\n"),
            ("LPOS p 3", ":5\r\n"),
            ("LPOS p 3 COUNT 1", "*1\r\n:5\r\n"),
            ("LPOS p zz", "$-1\r\n"),
            ("LPOS p zz COUNT 1", "*0\r\n"),
            ("LPOS p c RANK 10", "$-1\r\n"),
            ("LPOS p c RANK 0", "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
            ("LPOS p c COUNT -1", "-ERR COUNT can't be negative\r\n"),
            ("LPOS p c MAXLEN x", "-ERR MAXLEN can't be negative\r\n"),
            ("LPOS p c RANK x", "-ERR value is not an integer or out of range\r\n"),
            ("LPOS p c FOO 1", "-ERR syntax error\r\n"),
            ("LPOS p c RANK -9223372036854775808", ":7\r\n"),
            ("LPOS nokey c", "$-1\r\n"),
            ("LPOS nokey c COUNT 0", "*0\r\n"),
            ("RPUSH src 1 2 3", ":3\r\n"),
            ("LMOVE src dst LEFT RIGHT", "$1\r\n1\r\n"),
            ("LMOVE src dst RIGHT LEFT", "$1\r\n3\r\n"),
            ("LRANGE dst 0 -1", "*2\r\n$1\r\n3\r\n$1\r\n1\r\n"),
            ("LMOVE src src LEFT RIGHT", "$1\r\n2\r\n"),
            ("LRANGE src 0 -1", "*1\r\n$1\r\n2\r\n"),
            ("RPOPLPUSH src dst", "$1\r\n2\r\n"),
            ("LRANGE dst 0 -1", "*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n1\r\n"),
            ("EXISTS src", ":0\r\n"),
            ("RPOPLPUSH src dst", "$-1\r\n"),
            ("LMOVE src dst LEFT RIGHT", "$-1\r\n"),
            ("LMOVE dst dst left right", "$1\r\n2\r\n"),
            ("LRANGE dst 0 -1", "*3\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n"),
            ("LMOVE dst src UP LEFT", "-ERR syntax error\r\n"),
            ("SET str x", "+OK\r\n"),
            ("LMOVE dst str LEFT LEFT", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("LRANGE dst 0 -1", "*3\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n"),
            ("RPUSH m1 a b c", ":3\r\n"),
            ("RPUSH m2 d e", ":2\r\n"),
            ("LMPOP 2 nokey m1 LEFT", "*2\r\n$2\r\nm1\r\n*1\r\n$1\r\na\r\n"),
            ("LMPOP 2 nokey m1 RIGHT COUNT 10", "*2\r\n$2\r\nm1\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n"),
            ("LMPOP 2 nokey m1 RIGHT COUNT 10", "*-1\r\n"),
            ("LMPOP 2 m1 m2 LEFT COUNT 1", "*2\r\n$2\r\nm2\r\n*1\r\n$1\r\nd\r\n"),
            ("LMPOP 1 nokey LEFT", "*-1\r\n"),
            ("LMPOP 0 m2 LEFT", "-ERR numkeys should be greater than 0\r\n"),
            ("LMPOP -1 m2 LEFT", "-ERR numkeys should be greater than 0\r\n"),
            ("LMPOP a m2 LEFT", "-ERR numkeys should be greater than 0\r\n"),
            ("LMPOP 1 m2 LEFT COUNT", "-ERR syntax error\r\n"),
            ("LMPOP 1 m2 LEFT COUNT -1", "-ERR count should be greater than 0\r\n"),
            ("LMPOP 1 m2 LEFT COUNT a", "-ERR count should be greater than 0\r\n"),
            ("LMPOP 1 m2 LEFT foo", "-ERR syntax error\r\n"),
            ("LMPOP 3 m2 LEFT", "-ERR syntax error\r\n"),
            ("LMPOP 1 str LEFT", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("LMPOP 2 m2 str LEFT", "*2\r\n$2\r\nm2\r\n*1\r\n$1\r\ne\r\n"),
            ("RPUSH b1 x y", ":2\r\n"),
            ("BLPOP nokey b1 0", "*2\r\n$2\r\nb1\r\n$1\r\nx\r\n"),
            ("BRPOP b1 0", "*2\r\n$2\r\nb1\r\n$1\r\ny\r\n"),
            ("BLPOP b1 -1", "-ERR timeout is negative\r\n"),
            ("BLPOP b1 abc", "-ERR timeout is not a float or out of range\r\n"),
            ("BRPOPLPUSH nokey2 b1 -1", "-ERR timeout is negative\r\n"),
            ("BLMOVE nokey2 b1 LEFT LEFT -1", "-ERR timeout is negative\r\n"),
            ("BLMOVE nokey2 b1 LEFT XX 0", "-ERR syntax error\r\n"),
            ("BLMPOP 0 0 b1 LEFT", "-ERR numkeys should be greater than 0\r\n"),
            ("BLMPOP -1 1 b1 LEFT", "-ERR timeout is negative\r\n"),
            ("BLMPOP 0 1 b1 UP", "-ERR syntax error\r\n"),
            ("RPUSH b2 1 2 3", ":3\r\n"),
            ("BLMPOP 0 1 b2 RIGHT COUNT 2", "*2\r\n$2\r\nb2\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n"),
            ("BLMOVE b2 b3 LEFT LEFT 0", "$1\r\n1\r\n"),
            ("BRPOPLPUSH b3 b4 0", "$1\r\n1\r\n"),
            ("LRANGE b4 0 -1", "*1\r\n$1\r\n1\r\n"),
            ("OBJECT ENCODING b4", "$9\r\nquicklist\r\n"),
            ("LPUSH", "-ERR wrong number of arguments for 'lpush' command\r\n"),
            ("RPUSH l", "-ERR wrong number of arguments for 'rpush' command\r\n"),
            ("LPOP", "-ERR wrong number of arguments for 'lpop' command\r\n"),
            ("LINSERT l a b", "-ERR wrong number of arguments for 'linsert' command\r\n"),
            ("LMOVE a b c", "-ERR wrong number of arguments for 'lmove' command\r\n"),
            ("BLPOP a", "-ERR wrong number of arguments for 'blpop' command\r\n"),
        ]);
    }

    #[test]
    fn resp3_nulls() {
        let mut t = TestServer::new();
        t.client.out.resp = 3;
        // Not allowed to block (as inside MULTI): the timeout reply at once.
        t.client.deny_blocking = true;
        t.check(&[
            ("LPOP nokey 2", "_\r\n"),
            ("LPOP nokey", "_\r\n"),
            ("LMPOP 1 nokey LEFT", "_\r\n"),
            ("LPOS nokey a", "_\r\n"),
            ("LINDEX nokey 0", "_\r\n"),
            ("RPUSH k a", ":1\r\n"),
            ("LPOP k 1", "*1\r\n$1\r\na\r\n"),
            ("BLPOP k 0.01", "_\r\n"),
            ("BLMOVE k a LEFT LEFT 0.01", "_\r\n"),
            ("LPOP k", "_\r\n"),
        ]);
    }

    fn node_count(t: &TestServer, key: &[u8]) -> usize {
        match t.srv.dbs[0].dict.get(key) {
            Some(Value::List(l)) => l.node_count(),
            _ => panic!("not a list"),
        }
    }

    #[test]
    fn encoding_and_node_fill_at_the_thresholds() {
        // redis-server 7.0.15 reports "quicklist" for every list, and with
        // list-max-listpack-size -2 puts 681 ten-byte elements in one node.
        let mut t = TestServer::new();
        let ten = "aaaaaaaaaa";
        for (n, nodes) in [(680usize, 1usize), (681, 1), (682, 2)] {
            let key = format!("l{}", n);
            let mut argv = vec!["RPUSH".to_string(), key.clone()];
            argv.extend(std::iter::repeat_n(ten.to_string(), n));
            assert_eq!(t.text(&argv), format!(":{}\r\n", n));
            assert_eq!(t.text(&["OBJECT", "ENCODING", &key]), "$9\r\nquicklist\r\n");
            assert_eq!(node_count(&t, key.as_bytes()), nodes, "{} elements", n);
        }
        // A count limit: one below, at and one above 4 per node. Existing
        // lists keep the fill they were created with, as in Redis.
        t.srv.config.list_max_listpack_size = 4;
        for (n, nodes) in [(3usize, 1usize), (4, 1), (5, 2)] {
            let key = format!("c{}", n);
            let mut argv = vec!["RPUSH".to_string(), key.clone()];
            argv.extend((0..n).map(|i| i.to_string()));
            t.text(&argv);
            assert_eq!(node_count(&t, key.as_bytes()), nodes, "{} elements", n);
            assert_eq!(t.text(&["OBJECT", "ENCODING", &key]), "$9\r\nquicklist\r\n");
        }
        t.text(&["RPUSH", "l681", ten]);
        assert_eq!(node_count(&t, b"l681"), 2);
        t.text(&["RPUSH", "l680", ten]);
        assert_eq!(node_count(&t, b"l680"), 1);
        // Popping back below the threshold empties the extra node.
        t.text(&["RPOP", "c5"]);
        assert_eq!(node_count(&t, b"c5"), 1);
    }

    #[test]
    fn big_lists_are_linear() {
        let mut t = TestServer::new();
        let n = 1_000_000;
        let chunk: Vec<String> = (0..10_000).map(|i| format!("e{}", i)).collect();
        for _ in 0..n / chunk.len() {
            let mut argv = vec!["RPUSH".to_string(), "big".to_string()];
            argv.extend(chunk.iter().cloned());
            t.run(&argv);
        }
        assert_eq!(t.text(&["LLEN", "big"]), ":1000000\r\n");
        let start = std::time::Instant::now();
        let out = t.run(&["LRANGE", "big", "0", "-1"]);
        assert!(out.starts_with(b"*1000000\r\n$2\r\ne0\r\n"));
        assert!(out.ends_with(b"$5\r\ne9999\r\n"));
        assert_eq!(t.text(&["LINDEX", "big", "500000"]), "$2\r\ne0\r\n");
        assert_eq!(t.text(&["LINDEX", "big", "-1"]), "$5\r\ne9999\r\n");
        assert_eq!(t.text(&["LTRIM", "big", "1000", "-1001"]), "+OK\r\n");
        assert_eq!(t.text(&["LLEN", "big"]), ":998000\r\n");
        assert_eq!(t.text(&["LREM", "big", "0", "e5"]), ":99\r\n");
        t.run(&["LPOP", "big", "500000"]);
        assert_eq!(t.text(&["LLEN", "big"]), ":497901\r\n");
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn pops_propagate_their_non_blocking_form() {
        let mut t = TestServer::new();
        t.check(&[("RPUSH a 1 2 3", ":3\r\n")]);
        let dirty = t.srv.dirty;
        t.check(&[("BLPOP none a 0", "*2\r\n$1\r\na\r\n$1\r\n1\r\n")]);
        assert_eq!(t.srv.dirty, dirty + 1);
        t.check(&[("BLMOVE a b RIGHT LEFT 0", "$1\r\n3\r\n")]);
        t.check(&[("BLMPOP 0 1 a LEFT COUNT 5", "*2\r\n$1\r\na\r\n*1\r\n$1\r\n2\r\n")]);
        // What each propagates instead of itself.
        fn rewritten(t: &mut TestServer, cmd: &str) -> Vec<Vec<u8>> {
            t.run_for_propagation(cmd).1.unwrap_or_default()
        }
        let mut ctx_argv = |cmd: &str| rewritten(&mut t, cmd);
        assert_eq!(ctx_argv("RPUSH q x y z w"), Vec::<Vec<u8>>::new());
        assert_eq!(ctx_argv("BRPOP q 0"), vec![b"RPOP".to_vec(), b"q".to_vec()]);
        assert_eq!(
            ctx_argv("BLMOVE q d LEFT RIGHT 0"),
            vec![b"LMOVE".to_vec(), b"q".to_vec(), b"d".to_vec(), b"LEFT".to_vec(), b"RIGHT".to_vec()]
        );
        assert_eq!(ctx_argv("BRPOPLPUSH q d 0"), vec![b"RPOPLPUSH".to_vec(), b"q".to_vec(), b"d".to_vec()]);
        assert_eq!(ctx_argv("LMPOP 1 d RIGHT COUNT 9"), vec![b"RPOP".to_vec(), b"d".to_vec(), b"2".to_vec()]);
    }
}
