//! The sorted set type's commands, blocking pops included; mirrors t_zset.c.
//!
//! Range commands share one body (`zrange_generic`, Redis's
//! zrangeGenericCommand) that turns a rank, score or lex range into a span
//! of ranks and emits it to the client or into a destination key. The
//! set-algebra commands share `zset_op_generic` (zunionInterDiffGenericCommand),
//! the pops `pop_generic` (genericZpopCommand). Blocking pops serve at once
//! when a key has members and propagate the non-blocking form (BZPOPMIN →
//! ZPOPMIN key, BZMPOP → ZPOPMIN key count); otherwise they block through
//! `server::blocking`, which runs them again when a key is signalled.

use super::errors::{CmdResult, ReplyError};
use super::keys::{parse_cursor, parse_scan_options, reply_scan, scan_walk, ScanOptions};
use super::keyspec::*;
use super::table::{acl, flag::*, Command};
use super::{args, Ctx};
use crate::db::keyspace::event;
use crate::net::reply::Reply;
use crate::server::blocking::{block_for_keys, parse_timeout};
use crate::server::Server;
use crate::types::listpack::LpValue;
use crate::types::set::{Member as SetMember, Set};
use crate::types::value::Value;
use crate::types::zset::{AddFlags, AddOutcome, LexBound, LexRange, Limits, Member, ScoreRange, ZSet};
use crate::util::glob::glob_match;
use crate::util::num::{parse_double_strtod, parse_i64_strict, parse_range_double};
use crate::util::rand::random_u64;
use std::collections::HashMap;

const Z: u32 = acl::SORTEDSET;

pub const COMMANDS: &[Command] = &[
    Command::new("zadd", -4, zadd).flags(WRITE | DENYOOM | FAST).acl(Z).key_specs(&[key(1, RW | UPDATE)]).group("sorted-set")
        .doc("1.2.0", "O(log(N)) for each item added, where N is the number of elements in the sorted set.", "Add one or more members to a sorted set, or update its score if it already exists")
        .history(&[
            ("2.4.0", "Takes several score-member pairs."),
            ("3.0.2", "XX, NX, CH and INCR options."),
            ("6.2.0", "GT and LT options."),
        ])
        .args("key:key [condition:(NX | XX)@3.0.2] [comparison:(GT | LT)@6.2.0] [change=CH@3.0.2] \
               [increment=INCR@3.0.2] score_member:(score:double member)..."),
    Command::new("zincrby", 4, zincrby).flags(WRITE | DENYOOM | FAST).acl(Z).key_specs(&[key(1, RW | ACCESS | UPDATE)]).group("sorted-set")
        .doc("1.2.0", "O(log(N)) where N is the number of elements in the sorted set.", "Increment the score of a member in a sorted set")
        .args("key:key increment:integer member"),
    Command::new("zrem", -3, zrem).flags(WRITE | FAST).acl(Z).key_specs(&[key(1, RW | DELETE)]).group("sorted-set")
        .doc("1.2.0", "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.", "Remove one or more members from a sorted set")
        .history(&[("2.4.0", "Takes several members.")])
        .args("key:key member..."),
    Command::new("zremrangebyrank", 4, zremrangebyrank).flags(WRITE).acl(Z).key_specs(&[key(1, RW | DELETE)]).group("sorted-set")
        .doc("2.0.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", "Remove all members in a sorted set within the given indexes")
        .args("key:key start:integer stop:integer"),
    Command::new("zremrangebyscore", 4, zremrangebyscore).flags(WRITE).acl(Z).key_specs(&[key(1, RW | DELETE)]).group("sorted-set")
        .doc("1.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", "Remove all members in a sorted set within the given scores")
        .args("key:key min:double max:double"),
    Command::new("zremrangebylex", 4, zremrangebylex).flags(WRITE).acl(Z).key_specs(&[key(1, RW | DELETE)]).group("sorted-set")
        .doc("2.8.9", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", "Remove all members in a sorted set between the given lexicographical range")
        .args("key:key min max"),
    Command::new("zunionstore", -4, zunionstore).flags(WRITE | DENYOOM).acl(Z).key_specs(&[key(1, OW | UPDATE), key(2, RO | ACCESS).keynum(0, 1, 1)]).getkeys(numkeys_keys::<1, 2, 3>).group("sorted-set")
        .doc("2.0.0", "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", "Add multiple sorted sets and store the resulting sorted set in a new key")
        .args("destination:key numkeys:integer key:key... [WEIGHTS weight:integer...] [AGGREGATE aggregate:(SUM | MIN | MAX)]"),
    Command::new("zinterstore", -4, zinterstore).flags(WRITE | DENYOOM).acl(Z).key_specs(&[key(1, OW | UPDATE), key(2, RO | ACCESS).keynum(0, 1, 1)]).getkeys(numkeys_keys::<1, 2, 3>).group("sorted-set")
        .doc("2.0.0", "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.", "Intersect multiple sorted sets and store the resulting sorted set in a new key")
        .args("destination:key numkeys:integer key:key... [WEIGHTS weight:integer...] [AGGREGATE aggregate:(SUM | MIN | MAX)]"),
    Command::new("zdiffstore", -4, zdiffstore).flags(WRITE | DENYOOM).acl(Z).key_specs(&[key(1, OW | UPDATE), key(2, RO | ACCESS).keynum(0, 1, 1)]).getkeys(numkeys_keys::<1, 2, 3>).group("sorted-set")
        .doc("6.2.0", "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.", "Subtract multiple sorted sets and store the resulting sorted set in a new key")
        .args("destination:key numkeys:integer key:key..."),
    Command::new("zunion", -3, zunion).flags(READONLY).acl(Z).key_specs(&[key(1, RO | ACCESS).keynum(0, 1, 1)]).getkeys(numkeys_keys::<0, 1, 2>).group("sorted-set")
        .doc("6.2.0", "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", "Add multiple sorted sets")
        .args("numkeys:integer key:key... [WEIGHTS weight:integer...] [AGGREGATE aggregate:(SUM | MIN | MAX)] [WITHSCORES]"),
    Command::new("zinter", -3, zinter).flags(READONLY).acl(Z).key_specs(&[key(1, RO | ACCESS).keynum(0, 1, 1)]).getkeys(numkeys_keys::<0, 1, 2>).group("sorted-set")
        .doc("6.2.0", "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.", "Intersect multiple sorted sets")
        .args("numkeys:integer key:key... [WEIGHTS weight:integer...] [AGGREGATE aggregate:(SUM | MIN | MAX)] [WITHSCORES]"),
    Command::new("zintercard", -3, zintercard).flags(READONLY).acl(Z).key_specs(&[key(1, RO | ACCESS).keynum(0, 1, 1)]).getkeys(numkeys_keys::<0, 1, 2>).group("sorted-set")
        .doc("7.0.0", "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.", "Intersect multiple sorted sets and return the cardinality of the result")
        .args("numkeys:integer key:key... [LIMIT limit:integer]"),
    Command::new("zdiff", -3, zdiff).flags(READONLY).acl(Z).key_specs(&[key(1, RO | ACCESS).keynum(0, 1, 1)]).getkeys(numkeys_keys::<0, 1, 2>).group("sorted-set")
        .doc("6.2.0", "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.", "Subtract multiple sorted sets")
        .args("numkeys:integer key:key... [WITHSCORES]"),
    Command::new("zrange", -4, zrange).flags(READONLY).acl(Z).key_specs(&[key(1, RO | ACCESS)]).group("sorted-set")
        .doc("1.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.", "Return a range of members in a sorted set")
        .history(&[("6.2.0", "REV, BYSCORE, BYLEX and LIMIT options.")])
        .args("key:key start stop [sortby:(BYSCORE | BYLEX)@6.2.0] [REV@6.2.0] \
               [LIMIT offset_count:(offset:integer count:integer)@6.2.0] [WITHSCORES]"),
    Command::new("zrangestore", -5, zrangestore).flags(WRITE | DENYOOM).acl(Z).key_specs(&[key(1, OW | UPDATE), key(2, RO | ACCESS)]).group("sorted-set")
        .doc("6.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.", "Store a range of members from sorted set into another key")
        .args("dst:key src:key min max [sortby:(BYSCORE | BYLEX)] [REV] [LIMIT offset_count:(offset:integer count:integer)]"),
    Command::new("zrangebyscore", -4, zrangebyscore).flags(READONLY).acl(Z).key_specs(&[key(1, RO | ACCESS)]).group("sorted-set")
        .doc("1.0.5", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", "Return a range of members in a sorted set, by score")
        .deprecated("6.2.0", "`ZRANGE` with the `BYSCORE` argument")
        .history(&[("2.0.0", "WITHSCORES option.")])
        .args("key:key min:double max:double [WITHSCORES@2.0.0] [LIMIT offset_count:(offset:integer count:integer)]"),
    Command::new("zrevrangebyscore", -4, zrevrangebyscore).flags(READONLY).acl(Z).key_specs(&[key(1, RO | ACCESS)]).group("sorted-set")
        .doc("2.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", "Return a range of members in a sorted set, by score, with scores ordered from high to low")
        .deprecated("6.2.0", "`ZRANGE` with the `REV` and `BYSCORE` arguments")
        .history(&[("2.1.6", "Exclusive min and max.")])
        .args("key:key max:double min:double [WITHSCORES] [LIMIT offset_count:(offset:integer count:integer)]"),
    Command::new("zrangebylex", -4, zrangebylex).flags(READONLY).acl(Z).key_specs(&[key(1, RO | ACCESS)]).group("sorted-set")
        .doc("2.8.9", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", "Return a range of members in a sorted set, by lexicographical range")
        .deprecated("6.2.0", "`ZRANGE` with the `BYLEX` argument")
        .args("key:key min max [LIMIT offset_count:(offset:integer count:integer)]"),
    Command::new("zrevrangebylex", -4, zrevrangebylex).flags(READONLY).acl(Z).key_specs(&[key(1, RO | ACCESS)]).group("sorted-set")
        .doc("2.8.9", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.")
        .deprecated("6.2.0", "`ZRANGE` with the `REV` and `BYLEX` arguments")
        .args("key:key max min [LIMIT offset_count:(offset:integer count:integer)]"),
    Command::new("zcount", 4, zcount).flags(READONLY | FAST).acl(Z).key_specs(&[key(1, RO | ACCESS)]).group("sorted-set")
        .doc("2.0.0", "O(log(N)) with N being the number of elements in the sorted set.", "Count the members in a sorted set with scores within the given values")
        .args("key:key min:double max:double"),
    Command::new("zlexcount", 4, zlexcount).flags(READONLY | FAST).acl(Z).key_specs(&[key(1, RO | ACCESS)]).group("sorted-set")
        .doc("2.8.9", "O(log(N)) with N being the number of elements in the sorted set.", "Count the number of members in a sorted set between a given lexicographical range")
        .args("key:key min max"),
    Command::new("zrevrange", -4, zrevrange).flags(READONLY).acl(Z).key_specs(&[key(1, RO | ACCESS)]).group("sorted-set")
        .doc("1.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.", "Return a range of members in a sorted set, by index, with scores ordered from high to low")
        .deprecated("6.2.0", "`ZRANGE` with the `REV` argument")
        .args("key:key start:integer stop:integer [WITHSCORES]"),
    Command::new("zcard", 2, zcard).flags(READONLY | FAST).acl(Z).key_specs(&[key(1, RO)]).group("sorted-set")
        .doc("1.2.0", "O(1)", "Get the number of members in a sorted set")
        .args("key:key"),
    Command::new("zscore", 3, zscore).flags(READONLY | FAST).acl(Z).key_specs(&[key(1, RO | ACCESS)]).group("sorted-set")
        .doc("1.2.0", "O(1)", "Get the score associated with the given member in a sorted set")
        .args("key:key member"),
    Command::new("zmscore", -3, zmscore).flags(READONLY | FAST).acl(Z).key_specs(&[key(1, RO | ACCESS)]).group("sorted-set")
        .doc("6.2.0", "O(N) where N is the number of members being requested.", "Get the score associated with the given members in a sorted set")
        .args("key:key member..."),
    Command::new("zrank", 3, zrank).flags(READONLY | FAST).acl(Z).key_specs(&[key(1, RO | ACCESS)]).group("sorted-set")
        .doc("2.0.0", "O(log(N))", "Determine the index of a member in a sorted set")
        .args("key:key member"),
    Command::new("zrevrank", 3, zrevrank).flags(READONLY | FAST).acl(Z).key_specs(&[key(1, RO | ACCESS)]).group("sorted-set")
        .doc("2.0.0", "O(log(N))", "Determine the index of a member in a sorted set, with scores ordered from high to low")
        .args("key:key member"),
    Command::new("zscan", -3, zscan).flags(READONLY).acl(Z).key_specs(&[key(1, RO | ACCESS)]).group("sorted-set").tips(&["nondeterministic_output"])
        .doc("2.8.0", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", "Incrementally iterate sorted sets elements and associated scores")
        .args("key:key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]"),
    Command::new("zpopmin", -2, zpopmin).flags(WRITE | FAST).acl(Z).key_specs(&[key(1, RW | ACCESS | DELETE)]).group("sorted-set")
        .doc("5.0.0", "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.", "Remove and return members with the lowest scores in a sorted set")
        .args("key:key [count:integer]"),
    Command::new("zpopmax", -2, zpopmax).flags(WRITE | FAST).acl(Z).key_specs(&[key(1, RW | ACCESS | DELETE)]).group("sorted-set")
        .doc("5.0.0", "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.", "Remove and return members with the highest scores in a sorted set")
        .args("key:key [count:integer]"),
    Command::new("zmpop", -4, zmpop).flags(WRITE).acl(Z).key_specs(&[key(1, RW | ACCESS | DELETE).keynum(0, 1, 1)]).getkeys(numkeys_keys::<0, 1, 2>).group("sorted-set")
        .doc("7.0.0", "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", "Remove and return members with scores in a sorted set")
        .args("numkeys:integer key:key... where:(MIN | MAX) [COUNT count:integer]"),
    Command::new("bzpopmin", -3, bzpopmin).flags(WRITE | NOSCRIPT | BLOCKING | FAST).acl(Z).key_specs(&[key(1, RW | ACCESS | DELETE).range(-2, 1, 0)]).group("sorted-set")
        .doc("5.0.0", "O(log(N)) with N being the number of elements in the sorted set.", "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available")
        .history(&[("6.0.0", "The timeout is a double, not an integer.")])
        .args("key:key... timeout:double"),
    Command::new("bzpopmax", -3, bzpopmax).flags(WRITE | NOSCRIPT | BLOCKING | FAST).acl(Z).key_specs(&[key(1, RW | ACCESS | DELETE).range(-2, 1, 0)]).group("sorted-set")
        .doc("5.0.0", "O(log(N)) with N being the number of elements in the sorted set.", "Remove and return the member with the highest score from one or more sorted sets, or block until one is available")
        .history(&[("6.0.0", "The timeout is a double, not an integer.")])
        .args("key:key... timeout:double"),
    Command::new("bzmpop", -5, bzmpop).flags(WRITE | BLOCKING).acl(Z).key_specs(&[key(2, RW | ACCESS | DELETE).keynum(0, 1, 1)]).getkeys(numkeys_keys::<0, 2, 3>).group("sorted-set")
        .doc("7.0.0", "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", "Remove and return members with scores in a sorted set or block until one is available")
        .args("timeout:double numkeys:integer key:key... where:(MIN | MAX) [COUNT count:integer]"),
    Command::new("zrandmember", -2, zrandmember).flags(READONLY).acl(Z).key_specs(&[key(1, RO | ACCESS)]).group("sorted-set").tips(&["nondeterministic_output"])
        .doc("6.2.0", "O(N) where N is the number of elements returned", "Get one or multiple random elements from a sorted set")
        .args("key:key [options:(count:integer [WITHSCORES])]"),
];

// ---------------------------------------------------------------------------
// Shared helpers

fn limits(srv: &Server) -> Limits {
    Limits { entries: srv.config.zset_max_listpack_entries, value: srv.config.zset_max_listpack_value }
}

/// The sorted set at `key` for reading: Ok(None) when missing, WRONGTYPE
/// for other types.
fn read_zset<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Result<Option<&'a ZSet>, ReplyError> {
    srv.read_typed(db, key)
}

/// The sorted set at `key` for writing.
fn write_zset<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Result<Option<&'a mut ZSet>, ReplyError> {
    srv.write_typed(db, key)
}

/// A sorted set already looked up in this command (no side effects).
fn peek_zset<'a>(srv: &'a Server, db: usize, key: &[u8]) -> Option<&'a ZSet> {
    srv.peek_typed(db, key)
}

fn peek_zset_mut<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> &'a mut ZSet {
    match srv.dbs[db].dict.get_mut(key) {
        Some(Value::ZSet(z)) => z,
        _ => unreachable!("sorted set looked up above"),
    }
}

#[inline]
fn reply_member(out: &mut Reply, m: Member) {
    match m {
        LpValue::Int(n) => out.bulk_i64(n),
        LpValue::Str(b) => out.bulk(b),
    }
}

/// Replies with a member and, optionally, its score; RESP3 nests the pair.
#[inline]
fn reply_pair(out: &mut Reply, m: Member, score: f64, withscores: bool) {
    if withscores && out.resp > 2 {
        out.array(2);
    }
    reply_member(out, m);
    if withscores {
        out.double(score);
    }
}

/// The array header of `n` results (flat pairs in RESP2 with scores).
fn reply_results_len(out: &mut Reply, n: usize, withscores: bool) {
    out.array(if withscores && out.resp == 2 { n * 2 } else { n });
}

/// The closing trio of a sorted set write.
fn zset_modified(srv: &mut Server, db: usize, key: &[u8], name: &str, dirty: u64) {
    srv.key_modified_by(db, key, event::ZSET, name, dirty);
}

/// Stores `result` at `dst` (setKey) and replies with its size, or
/// deletes `dst` and replies 0 when it is empty.
fn store_result(ctx: &mut Ctx, dst: &[u8], result: ZSet, name: &str) {
    let n = result.len();
    let n = ctx.srv.store_result(ctx.c.db, dst, Value::ZSet(Box::new(result)), n, event::ZSET, name);
    ctx.c.out.int(n as i64);
}

/// A long argument (getLongFromObjectOrReply).
fn long_arg(arg: &[u8]) -> Result<i64, ReplyError> {
    args::int(arg)
}

/// One bound of a score range: `(` makes it exclusive.
fn parse_score_bound(b: &[u8]) -> Option<(f64, bool)> {
    match b.first() {
        Some(b'(') => parse_range_double(&b[1..]).map(|v| (v, true)),
        _ => parse_range_double(b).map(|v| (v, false)),
    }
}

/// zslParseRange.
pub fn parse_score_range(min: &[u8], max: &[u8]) -> Result<ScoreRange, ReplyError> {
    match (parse_score_bound(min), parse_score_bound(max)) {
        (Some((min, minex)), Some((max, maxex))) => Ok(ScoreRange { min, max, minex, maxex }),
        _ => Err(ReplyError::min_max_not_float()),
    }
}

/// zslParseLexRangeItem: `-`, `+`, `[value` or `(value`.
fn parse_lex_bound(b: &[u8]) -> Option<LexBound> {
    // The C code looks at the second byte of a NUL-terminated string.
    let alone = b.len() == 1 || b.get(1) == Some(&0);
    match b.first()? {
        b'+' if alone => Some(LexBound::Max),
        b'-' if alone => Some(LexBound::Min),
        b'(' => Some(LexBound::Excl(b[1..].to_vec())),
        b'[' => Some(LexBound::Incl(b[1..].to_vec())),
        _ => None,
    }
}

/// zslParseLexRange.
pub fn parse_lex_range(min: &[u8], max: &[u8]) -> Result<LexRange, ReplyError> {
    match (parse_lex_bound(min), parse_lex_bound(max)) {
        (Some(min), Some(max)) => Ok(LexRange { min, max }),
        _ => Err(ReplyError::min_max_not_valid_string()),
    }
}

// ---------------------------------------------------------------------------
// ZADD, ZINCRBY, ZREM

/// The shared body of ZADD and ZINCRBY (zaddGenericCommand).
fn zadd_generic(ctx: &mut Ctx, incr_cmd: bool) -> CmdResult {
    let mut flags = AddFlags { incr: incr_cmd, ..AddFlags::default() };
    let mut ch = false;
    let mut idx = 2;
    if !incr_cmd {
        while idx < ctx.argc() {
            let a = ctx.arg(idx);
            if args::is(a, "nx") {
                flags.nx = true;
            } else if args::is(a, "xx") {
                flags.xx = true;
            } else if args::is(a, "ch") {
                ch = true;
            } else if args::is(a, "incr") {
                flags.incr = true;
            } else if args::is(a, "gt") {
                flags.gt = true;
            } else if args::is(a, "lt") {
                flags.lt = true;
            } else {
                break;
            }
            idx += 1;
        }
    }
    let elements = ctx.argc() - idx;
    if !elements.is_multiple_of(2) || elements == 0 {
        return Err(ReplyError::syntax());
    }
    let elements = elements / 2;
    if flags.nx && flags.xx {
        return Err(ReplyError::zadd_nx_xx());
    }
    // Redis's test, as written in t_zset.c.
    #[allow(clippy::nonminimal_bool)]
    if (flags.gt && flags.nx) || (flags.lt && flags.nx) || (flags.gt && flags.lt) {
        return Err(ReplyError::zadd_gt_lt_nx());
    }
    if flags.incr && elements > 1 {
        return Err(ReplyError::zadd_incr_pair());
    }
    let mut scores = Vec::with_capacity(elements);
    for j in 0..elements {
        scores.push(parse_double_strtod(ctx.arg(idx + 2 * j)).ok_or_else(ReplyError::not_float)?);
    }

    let db = ctx.c.db;
    let key = ctx.arg(1);
    let lim = limits(ctx.srv);
    if write_zset(ctx.srv, db, key)?.is_none() {
        if flags.xx {
            if flags.incr {
                ctx.c.out.null();
            } else {
                ctx.c.out.int(0);
            }
            return Ok(());
        }
        let z = ZSet::for_first_member(ctx.arg(idx + 1).len(), lim);
        ctx.srv.db_add(db, key, Value::ZSet(Box::new(z)));
    }
    let argv = ctx.argv;
    let z = peek_zset_mut(ctx.srv, db, key);
    let (mut added, mut updated, mut processed) = (0u64, 0u64, 0u64);
    let mut last = 0.0;
    let mut nan = false;
    for (j, &score) in scores.iter().enumerate() {
        match z.add(score, argv.get(idx + 2 * j + 1), flags, lim) {
            AddOutcome::Added(s) => {
                added += 1;
                processed += 1;
                last = s;
            }
            AddOutcome::Updated(s) => {
                updated += 1;
                processed += 1;
                last = s;
            }
            AddOutcome::Unchanged(s) => {
                processed += 1;
                last = s;
            }
            AddOutcome::Nop => {}
            AddOutcome::Nan => {
                nan = true;
                break;
            }
        }
    }
    if added + updated > 0 {
        zset_modified(ctx.srv, db, key, if flags.incr { "zincr" } else { "zadd" }, 0);
    }
    if nan {
        return Err(ReplyError::score_nan());
    }
    ctx.srv.dirty += added + updated;
    if flags.incr {
        if processed > 0 {
            ctx.c.out.double(last);
        } else {
            ctx.c.out.null();
        }
    } else {
        ctx.c.out.int((if ch { added + updated } else { added }) as i64);
    }
    Ok(())
}

/// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]:
/// the number of members added (or changed with CH); with INCR the new
/// score, or null when the operation was not performed.
pub fn zadd(ctx: &mut Ctx) -> CmdResult {
    zadd_generic(ctx, false)
}

/// ZINCRBY key increment member: the member's new score.
pub fn zincrby(ctx: &mut Ctx) -> CmdResult {
    zadd_generic(ctx, true)
}

/// ZREM key member [member ...]: the number of members removed.
pub fn zrem(ctx: &mut Ctx) -> CmdResult {
    let n = ctx.srv.remove_elements::<ZSet>(ctx.c.db, ctx.arg(1), ctx.args_from(2), event::ZSET, "zrem")?;
    ctx.c.out.int(n as i64);
    Ok(())
}

// ---------------------------------------------------------------------------
// ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX

enum RemRange {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange),
}

/// The shared body of the ZREMRANGEBY* commands (zremrangeGenericCommand):
/// the range is parsed before the key is looked up.
fn zremrange_generic(ctx: &mut Ctx, kind: u8) -> CmdResult {
    let (min, max) = (ctx.arg(2), ctx.arg(3));
    let range = match kind {
        b'r' => RemRange::Rank(long_arg(min)?, long_arg(max)?),
        b's' => RemRange::Score(parse_score_range(min, max)?),
        _ => RemRange::Lex(parse_lex_range(min, max)?),
    };
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let Some(z) = write_zset(ctx.srv, db, key)? else {
        ctx.c.out.int(0);
        return Ok(());
    };
    let (start, end) = match &range {
        RemRange::Rank(start, end) => {
            let llen = z.len() as i64;
            let (mut start, mut end) = (*start, *end);
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
                ctx.c.out.int(0);
                return Ok(());
            }
            if end >= llen {
                end = llen - 1;
            }
            (start as usize, end as usize + 1)
        }
        RemRange::Score(r) => z.score_range(r),
        RemRange::Lex(r) => z.lex_range(r),
    };
    let deleted = z.delete_rank_range(start, end - start);
    let emptied = z.is_empty();
    if deleted > 0 {
        let name = match kind {
            b'r' => "zremrangebyrank",
            b's' => "zremrangebyscore",
            _ => "zremrangebylex",
        };
        ctx.srv.notify_keyspace_event(event::ZSET, name, key, db);
        if emptied {
            ctx.srv.delete_emptied(db, key);
        }
        ctx.srv.signal_modified_key(db, key);
        ctx.srv.dirty += deleted as u64;
    }
    ctx.c.out.int(deleted as i64);
    Ok(())
}

/// ZREMRANGEBYRANK key start stop: the number of members removed.
pub fn zremrangebyrank(ctx: &mut Ctx) -> CmdResult {
    zremrange_generic(ctx, b'r')
}

/// ZREMRANGEBYSCORE key min max: the number of members removed.
pub fn zremrangebyscore(ctx: &mut Ctx) -> CmdResult {
    zremrange_generic(ctx, b's')
}

/// ZREMRANGEBYLEX key min max: the number of members removed.
pub fn zremrangebylex(ctx: &mut Ctx) -> CmdResult {
    zremrange_generic(ctx, b'l')
}

// ---------------------------------------------------------------------------
// ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD

#[derive(Clone, Copy, PartialEq)]
enum SetOp {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy, PartialEq)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

/// zunionInterAggregate.
#[inline]
fn aggregate(target: &mut f64, val: f64, how: Aggregate) {
    match how {
        Aggregate::Sum => {
            *target += val;
            // The result of adding two doubles is NaN when one is +inf and
            // the other is -inf: Redis makes it zero.
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggregate::Min => {
            if val < *target {
                *target = val;
            }
        }
        Aggregate::Max => {
            if val > *target {
                *target = val;
            }
        }
    }
}

/// An input of the set algebra: a sorted set, or a set whose members
/// score 1.
#[derive(Clone, Copy)]
enum Src<'a> {
    Missing,
    Z(&'a ZSet),
    S(&'a Set),
}

impl<'a> Src<'a> {
    fn len(&self) -> usize {
        match self {
            Src::Missing => 0,
            Src::Z(z) => z.len(),
            Src::S(s) => s.len(),
        }
    }

    fn score(&self, m: &[u8]) -> Option<f64> {
        match self {
            Src::Missing => None,
            Src::Z(z) => z.score(m),
            Src::S(s) => s.contains(m).then_some(1.0),
        }
    }

    fn for_each(&self, mut f: impl FnMut(&[u8], f64)) {
        let mut buf = [0u8; 20];
        match self {
            Src::Missing => {}
            Src::Z(z) => z.for_each(|m, s| f(m.as_bytes(&mut buf), s)),
            Src::S(s) => s.iter().for_each(|m: SetMember| f(m.bytes(&mut buf), 1.0)),
        }
    }

    fn same(&self, other: &Src) -> bool {
        match (self, other) {
            (Src::Z(a), Src::Z(b)) => std::ptr::eq(*a, *b),
            (Src::S(a), Src::S(b)) => std::ptr::eq(*a, *b),
            _ => false,
        }
    }
}

/// zunionInterDiffGenericCommand: `dst` for the STORE forms, `numkeys_at`
/// the index of numkeys, `card_only` for ZINTERCARD.
fn zset_op_generic(ctx: &mut Ctx, dst: Option<&[u8]>, numkeys_at: usize, op: SetOp, card_only: bool) -> CmdResult {
    let setnum = long_arg(ctx.arg(numkeys_at))?;
    if setnum < 1 {
        return Err(ReplyError::zset_op_no_keys(ctx.srv.commands.full_name(ctx.cmd_id)));
    }
    if setnum > (ctx.argc() - (numkeys_at + 1)) as i64 {
        return Err(ReplyError::syntax());
    }
    let setnum = setnum as usize;
    let db = ctx.c.db;
    let keys: Vec<&[u8]> = ctx.args_from(numkeys_at + 1).take(setnum).collect();
    for k in &keys {
        let v = if dst.is_some() { ctx.srv.lookup_write(db, k).map(|v| &*v) } else { ctx.srv.lookup_read(db, k) };
        if let Some(v) = v {
            if !matches!(v, Value::ZSet(_) | Value::Set(_)) {
                return Err(ReplyError::wrong_type());
            }
        }
    }
    let mut weights = vec![1.0f64; setnum];
    let mut how = Aggregate::Sum;
    let mut withscores = false;
    let mut limit = 0usize;
    let mut j = numkeys_at + 1 + setnum;
    while j < ctx.argc() {
        let remaining = ctx.argc() - j;
        let a = ctx.arg(j);
        if op != SetOp::Diff && !card_only && remaining > setnum && args::is(a, "weights") {
            j += 1;
            for w in weights.iter_mut() {
                *w = parse_double_strtod(ctx.arg(j)).ok_or_else(ReplyError::weight_not_float)?;
                j += 1;
            }
        } else if op != SetOp::Diff && !card_only && remaining >= 2 && args::is(a, "aggregate") {
            let v = ctx.arg(j + 1);
            how = if args::is(v, "sum") {
                Aggregate::Sum
            } else if args::is(v, "min") {
                Aggregate::Min
            } else if args::is(v, "max") {
                Aggregate::Max
            } else {
                return Err(ReplyError::syntax());
            };
            j += 2;
        } else if dst.is_none() && !card_only && args::is(a, "withscores") {
            withscores = true;
            j += 1;
        } else if card_only && remaining >= 2 && args::is(a, "limit") {
            limit = match parse_i64_strict(ctx.arg(j + 1)) {
                Some(n) if n >= 0 => n as usize,
                _ => return Err(ReplyError::limit_negative()),
            };
            j += 2;
        } else {
            return Err(ReplyError::syntax());
        }
    }

    let srv: &Server = ctx.srv;
    let mut src: Vec<(Src, f64)> = keys
        .iter()
        .zip(&weights)
        .map(|(k, &w)| {
            let s = match srv.dbs[db].dict.get(k) {
                Some(Value::ZSet(z)) => Src::Z(z),
                Some(Value::Set(s)) => Src::S(s),
                _ => Src::Missing,
            };
            (s, w)
        })
        .collect();
    if op != SetOp::Diff {
        // Smallest first (a stable sort, as glibc's qsort merge sort).
        src.sort_by_key(|(s, _)| s.len());
    }

    let mut result: Vec<(Vec<u8>, f64)> = Vec::new();
    let mut cardinality = 0usize;
    match op {
        SetOp::Inter => {
            let (first, w0) = src[0];
            first.for_each(|m, s| {
                if card_only && limit > 0 && cardinality >= limit {
                    return;
                }
                let mut score = w0 * s;
                if score.is_nan() {
                    score = 0.0;
                }
                for (other, w) in &src[1..] {
                    let v = if other.same(&first) { Some(s) } else { other.score(m) };
                    match v {
                        Some(v) => aggregate(&mut score, v * w, how),
                        None => return,
                    }
                }
                if card_only {
                    cardinality += 1;
                } else {
                    result.push((m.to_vec(), score));
                }
            });
        }
        SetOp::Union => {
            let mut acc: HashMap<Vec<u8>, f64> = HashMap::with_capacity(src.last().map_or(0, |(s, _)| s.len()));
            for (s, w) in &src {
                s.for_each(|m, sc| {
                    let mut score = w * sc;
                    if score.is_nan() {
                        score = 0.0;
                    }
                    match acc.get_mut(m) {
                        Some(t) => aggregate(t, score, how),
                        None => {
                            acc.insert(m.to_vec(), score);
                        }
                    }
                });
            }
            result = acc.into_iter().collect();
        }
        SetOp::Diff => {
            let (first, _) = src[0];
            first.for_each(|m, s| {
                if !src[1..].iter().any(|(o, _)| o.score(m).is_some()) {
                    result.push((m.to_vec(), s));
                }
            });
        }
    }

    if card_only {
        ctx.c.out.int(cardinality as i64);
        return Ok(());
    }
    result.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal).then_with(|| a.0.cmp(&b.0)));
    match dst {
        Some(dst) => {
            let z = ZSet::from_pairs(result, limits(ctx.srv));
            let name = match op {
                SetOp::Union => "zunionstore",
                SetOp::Inter => "zinterstore",
                SetOp::Diff => "zdiffstore",
            };
            store_result(ctx, dst, z, name);
        }
        None => {
            let out = &mut ctx.c.out;
            reply_results_len(out, result.len(), withscores);
            for (m, s) in &result {
                reply_pair(out, LpValue::Str(m), *s, withscores);
            }
        }
    }
    Ok(())
}

/// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight ...]
/// [AGGREGATE SUM|MIN|MAX]: the size of the stored union.
pub fn zunionstore(ctx: &mut Ctx) -> CmdResult {
    zset_op_generic(ctx, Some(ctx.arg(1)), 2, SetOp::Union, false)
}

/// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS ...] [AGGREGATE ...]
pub fn zinterstore(ctx: &mut Ctx) -> CmdResult {
    zset_op_generic(ctx, Some(ctx.arg(1)), 2, SetOp::Inter, false)
}

/// ZDIFFSTORE destination numkeys key [key ...]
pub fn zdiffstore(ctx: &mut Ctx) -> CmdResult {
    zset_op_generic(ctx, Some(ctx.arg(1)), 2, SetOp::Diff, false)
}

/// ZUNION numkeys key [key ...] [WEIGHTS ...] [AGGREGATE ...] [WITHSCORES]
pub fn zunion(ctx: &mut Ctx) -> CmdResult {
    zset_op_generic(ctx, None, 1, SetOp::Union, false)
}

/// ZINTER numkeys key [key ...] [WEIGHTS ...] [AGGREGATE ...] [WITHSCORES]
pub fn zinter(ctx: &mut Ctx) -> CmdResult {
    zset_op_generic(ctx, None, 1, SetOp::Inter, false)
}

/// ZDIFF numkeys key [key ...] [WITHSCORES]
pub fn zdiff(ctx: &mut Ctx) -> CmdResult {
    zset_op_generic(ctx, None, 1, SetOp::Diff, false)
}

/// ZINTERCARD numkeys key [key ...] [LIMIT limit]: the size of the
/// intersection; counting stops at `limit` (0: no limit).
pub fn zintercard(ctx: &mut Ctx) -> CmdResult {
    zset_op_generic(ctx, None, 1, SetOp::Inter, true)
}

// ---------------------------------------------------------------------------
// ZRANGE and friends

#[derive(Clone, Copy, PartialEq)]
enum RangeType {
    Auto,
    Rank,
    Score,
    Lex,
}

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    Auto,
    Forward,
    Reverse,
}

enum Range {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange),
}

/// zrangeGenericCommand: the source key is argv[`first`], followed by the
/// range; `dst` for ZRANGESTORE.
fn zrange_generic(ctx: &mut Ctx, first: usize, dst: Option<&[u8]>, mut rt: RangeType, mut dir: Direction) -> CmdResult {
    let key = ctx.arg(first);
    let (mut minidx, mut maxidx) = (first + 1, first + 2);
    let mut withscores = false;
    let (mut offset, mut limit) = (0i64, -1i64);
    let mut j = first + 3;
    while j < ctx.argc() {
        let left = ctx.argc() - j - 1;
        let a = ctx.arg(j);
        if dst.is_none() && args::is(a, "withscores") {
            withscores = true;
        } else if args::is(a, "limit") && left >= 2 {
            offset = long_arg(ctx.arg(j + 1))?;
            limit = long_arg(ctx.arg(j + 2))?;
            j += 2;
        } else if dir == Direction::Auto && args::is(a, "rev") {
            dir = Direction::Reverse;
        } else if rt == RangeType::Auto && args::is(a, "bylex") {
            rt = RangeType::Lex;
        } else if rt == RangeType::Auto && args::is(a, "byscore") {
            rt = RangeType::Score;
        } else {
            return Err(ReplyError::syntax());
        }
        j += 1;
    }
    if dir == Direction::Auto {
        dir = Direction::Forward;
    }
    if rt == RangeType::Auto {
        rt = RangeType::Rank;
    }
    if limit != -1 && rt == RangeType::Rank {
        return Err(ReplyError::limit_needs_by());
    }
    if withscores && rt == RangeType::Lex {
        return Err(ReplyError::withscores_bylex());
    }
    let rev = dir == Direction::Reverse;
    if rev && rt != RangeType::Rank {
        std::mem::swap(&mut minidx, &mut maxidx);
    }
    let range = match rt {
        RangeType::Score => Range::Score(parse_score_range(ctx.arg(minidx), ctx.arg(maxidx))?),
        RangeType::Lex => Range::Lex(parse_lex_range(ctx.arg(minidx), ctx.arg(maxidx))?),
        _ => Range::Rank(long_arg(ctx.arg(minidx))?, long_arg(ctx.arg(maxidx))?),
    };

    let db = ctx.c.db;
    let lim = limits(ctx.srv);
    let Some(z) = read_zset(ctx.srv, db, key)? else {
        match dst {
            Some(dst) => store_result(ctx, dst, ZSet::new(), "zrangestore"),
            None => ctx.c.out.array(0),
        }
        return Ok(());
    };
    let len = z.len();
    // The span as (first rank visited in the direction of travel, count).
    let (start, count) = match range {
        Range::Rank(mut s, mut e) => {
            let llen = len as i64;
            if s < 0 {
                s += llen;
            }
            if e < 0 {
                e += llen;
            }
            if s < 0 {
                s = 0;
            }
            if s > e || s >= llen {
                (0, 0)
            } else {
                if e >= llen {
                    e = llen - 1;
                }
                (s as usize, (e - s + 1) as usize)
            }
        }
        Range::Score(_) | Range::Lex(_) => {
            let (lo, hi) = match &range {
                Range::Score(r) => z.score_range(r),
                Range::Lex(r) => z.lex_range(r),
                Range::Rank(..) => unreachable!(),
            };
            // A negative offset skips everything; a negative limit is none.
            if offset < 0 || offset as u64 >= (hi - lo) as u64 {
                (0, 0)
            } else {
                let n = hi - lo - offset as usize;
                let n = if limit >= 0 { n.min(limit as usize) } else { n };
                let from = if rev { len - hi } else { lo };
                (from + offset as usize, n)
            }
        }
    };
    let items = z.iter_from(start, rev).take(count);
    match dst {
        None => {
            let out = &mut ctx.c.out;
            reply_results_len(out, count, withscores);
            for (m, s) in items {
                reply_pair(out, m, s, withscores);
            }
        }
        Some(dst) => {
            // zsetTypeCreate with the length when it is known up front (a
            // rank range), else a listpack that converts as it grows. It
            // shows: a listpack writes -0 as "0", a skiplist keeps -0.
            let hint = if rt == RangeType::Rank { count } else { 0 };
            let mut result = if hint <= lim.entries { ZSet::new() } else { ZSet::new_skiplist() };
            for (m, s) in items {
                let mut buf = [0u8; 20];
                result.insert_new(m.as_bytes(&mut buf), s, lim);
            }
            store_result(ctx, dst, result, "zrangestore");
        }
    }
    Ok(())
}

/// ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
pub fn zrange(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, 1, None, RangeType::Auto, Direction::Auto)
}

/// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]:
/// the number of members stored.
pub fn zrangestore(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, 2, Some(ctx.arg(1)), RangeType::Auto, Direction::Auto)
}

/// ZREVRANGE key start stop [WITHSCORES]
pub fn zrevrange(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, 1, None, RangeType::Rank, Direction::Reverse)
}

/// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
pub fn zrangebyscore(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, 1, None, RangeType::Score, Direction::Forward)
}

/// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
pub fn zrevrangebyscore(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, 1, None, RangeType::Score, Direction::Reverse)
}

/// ZRANGEBYLEX key min max [LIMIT offset count]
pub fn zrangebylex(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, 1, None, RangeType::Lex, Direction::Forward)
}

/// ZREVRANGEBYLEX key max min [LIMIT offset count]
pub fn zrevrangebylex(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, 1, None, RangeType::Lex, Direction::Reverse)
}

/// ZCOUNT key min max: the number of members with a score in the range.
pub fn zcount(ctx: &mut Ctx) -> CmdResult {
    let r = parse_score_range(ctx.arg(2), ctx.arg(3))?;
    let n = read_zset(ctx.srv, ctx.c.db, ctx.arg(1))?.map_or(0, |z| {
        let (lo, hi) = z.score_range(&r);
        hi - lo
    });
    ctx.c.out.int(n as i64);
    Ok(())
}

/// ZLEXCOUNT key min max: the number of members in the lex range.
pub fn zlexcount(ctx: &mut Ctx) -> CmdResult {
    let r = parse_lex_range(ctx.arg(2), ctx.arg(3))?;
    let n = read_zset(ctx.srv, ctx.c.db, ctx.arg(1))?.map_or(0, |z| {
        let (lo, hi) = z.lex_range(&r);
        hi - lo
    });
    ctx.c.out.int(n as i64);
    Ok(())
}

// ---------------------------------------------------------------------------
// ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK

/// ZCARD key: the number of members, 0 for a missing key.
pub fn zcard(ctx: &mut Ctx) -> CmdResult {
    let n = read_zset(ctx.srv, ctx.c.db, ctx.arg(1))?.map_or(0, |z| z.len());
    ctx.c.out.int(n as i64);
    Ok(())
}

/// ZSCORE key member: the score, or null.
pub fn zscore(ctx: &mut Ctx) -> CmdResult {
    let m = ctx.arg(2);
    match read_zset(ctx.srv, ctx.c.db, ctx.arg(1))?.and_then(|z| z.score(m)) {
        Some(s) => ctx.c.out.double(s),
        None => ctx.c.out.null(),
    }
    Ok(())
}

/// ZMSCORE key member [member ...]: each member's score or null.
pub fn zmscore(ctx: &mut Ctx) -> CmdResult {
    let z = read_zset(ctx.srv, ctx.c.db, ctx.arg(1))?;
    let out = &mut ctx.c.out;
    out.array(ctx.argv.len() - 2);
    for m in ctx.argv.iter().skip(2) {
        match z.and_then(|z| z.score(m)) {
            Some(s) => out.double(s),
            None => out.null(),
        }
    }
    Ok(())
}

fn rank_generic(ctx: &mut Ctx, rev: bool) -> CmdResult {
    let m = ctx.arg(2);
    match read_zset(ctx.srv, ctx.c.db, ctx.arg(1))?.and_then(|z| z.rank(m, rev)) {
        Some(r) => ctx.c.out.int(r as i64),
        None => ctx.c.out.null(),
    }
    Ok(())
}

/// ZRANK key member: the 0-based rank by ascending score, or null.
pub fn zrank(ctx: &mut Ctx) -> CmdResult {
    rank_generic(ctx, false)
}

/// ZREVRANK key member: the 0-based rank by descending score, or null.
pub fn zrevrank(ctx: &mut Ctx) -> CmdResult {
    rank_generic(ctx, true)
}

// ---------------------------------------------------------------------------
// ZSCAN

/// ZSCAN key cursor [MATCH pattern] [COUNT count]: [next cursor, [member,
/// score, ...]]. A listpack is returned whole with cursor 0; the skiplist
/// encoding is walked with SCAN's reverse-binary cursor.
pub fn zscan(ctx: &mut Ctx) -> CmdResult {
    let mut cursor = parse_cursor(ctx.arg(2))?;
    let db = ctx.c.db;
    let key = ctx.arg(1);
    if read_zset(ctx.srv, db, key)?.is_none() {
        reply_scan(&mut ctx.c.out, 0, &[]);
        return Ok(());
    }
    let ScanOptions { count, pattern, .. } = parse_scan_options(ctx, 3, false)?;
    let z = peek_zset(ctx.srv, db, key).expect("looked up above");
    let mut found: Vec<Vec<u8>> = Vec::new();
    // Redis counts the reply items collected so far, two per member, and
    // filters by pattern only afterwards.
    cursor = scan_walk(cursor, count, |c| {
        let mut seen = 0;
        let next = z.scan(c, |m, s| {
            seen += 2;
            let mut buf = [0u8; 20];
            let b = m.as_bytes(&mut buf);
            if pattern.is_none_or(|p| glob_match(p, b, false)) {
                found.push(b.to_vec());
                found.push(crate::util::num::format_g17(s).into_bytes());
            }
        });
        (next, seen)
    });
    reply_scan(&mut ctx.c.out, cursor, &found);
    Ok(())
}

// ---------------------------------------------------------------------------
// ZPOPMIN, ZPOPMAX, ZMPOP and the blocking forms

/// genericZpopCommand: pops up to `count` members (None: a single pop,
/// flat reply) from the first non-empty sorted set among `keys`.
/// `emit_key` prefixes the key (BZPOP*, [B]ZMPOP); `nested` uses [member,
/// score] pairs. Returns the key served, if any.
fn pop_generic(
    ctx: &mut Ctx,
    keys: &[&[u8]],
    max: bool,
    emit_key: bool,
    count: Option<usize>,
    nested: bool,
    nil_when_empty: bool,
) -> Result<Option<usize>, ReplyError> {
    let db = ctx.c.db;
    let mut found = None;
    for (i, k) in keys.iter().enumerate() {
        if write_zset(ctx.srv, db, k)?.is_some() {
            found = Some(i);
            break;
        }
    }
    let Some(i) = found else {
        if nil_when_empty {
            ctx.c.out.null_array();
        } else {
            ctx.c.out.array(0);
        }
        return Ok(None);
    };
    if count == Some(0) {
        ctx.c.out.array(0);
        return Ok(None);
    }
    let key = keys[i];
    let z = peek_zset_mut(ctx.srv, db, key);
    let n = count.unwrap_or(1).min(z.len());
    let out = &mut ctx.c.out;
    match (nested, emit_key) {
        (false, false) => out.array(n * 2),
        (true, false) => out.array(n),
        (false, true) => {
            out.array(n * 2 + 1);
            out.bulk(key);
        }
        (true, true) => {
            out.array(2);
            out.bulk(key);
            out.array(n);
        }
    }
    for _ in 0..n {
        let (m, s) = z.pop(max).expect("non-empty sorted set");
        if nested {
            out.array(2);
        }
        out.bulk(&m);
        out.double(s);
    }
    let emptied = z.is_empty();
    ctx.srv.dirty += n as u64;
    ctx.srv.notify_keyspace_event(event::ZSET, if max { "zpopmax" } else { "zpopmin" }, key, db);
    ctx.srv.signal_modified_key(db, key);
    if emptied {
        ctx.srv.delete_emptied(db, key);
    }
    Ok(Some(i))
}

/// ZPOPMIN/ZPOPMAX key [count] (zpopMinMaxCommand).
fn zpop_command(ctx: &mut Ctx, max: bool) -> CmdResult {
    if ctx.argc() > 3 {
        return Err(ReplyError::syntax());
    }
    let count = if ctx.argc() == 3 { Some(args::range_long(ctx.arg(2), 0, i64::MAX, ReplyError::not_positive)? as usize) } else { None };
    let nested = ctx.c.out.resp > 2 && count.is_some();
    let key = ctx.arg(1);
    pop_generic(ctx, &[key], max, false, count, nested, false)?;
    Ok(())
}

/// ZPOPMIN key [count]: the lowest-scored members with their scores.
pub fn zpopmin(ctx: &mut Ctx) -> CmdResult {
    zpop_command(ctx, false)
}

/// ZPOPMAX key [count]: the highest-scored members with their scores.
pub fn zpopmax(ctx: &mut Ctx) -> CmdResult {
    zpop_command(ctx, true)
}

/// blockingGenericZpopCommand: serve from the first non-empty key, else
/// block. `count` is Some for BZMPOP (nested reply, null array when empty).
fn blocking_pop_generic(ctx: &mut Ctx, keys: Vec<&[u8]>, max: bool, count: Option<usize>, deadline: i64) -> CmdResult {
    let db = ctx.c.db;
    for k in &keys {
        if write_zset(ctx.srv, db, k)?.is_none() {
            continue;
        }
        let nested = count.is_some();
        pop_generic(ctx, &[k], max, true, count, nested, nested)?;
        let cmd: &[u8] = if max { b"ZPOPMAX" } else { b"ZPOPMIN" };
        match count {
            None => ctx.rewrite_argv(&[cmd, k]),
            Some(n) => ctx.rewrite_argv(&[cmd, k, n.to_string().as_bytes()]),
        }
        return Ok(());
    }
    // Not allowed to block (MULTI, scripts): an immediate timeout.
    if ctx.c.deny_blocking {
        ctx.c.out.null_array();
        return Ok(());
    }
    block_for_keys(ctx, keys.iter().map(|k| k.to_vec()).collect(), deadline);
    Ok(())
}

/// BZPOPMIN key [key ...] timeout: [key, member, score], or a null array
/// on timeout.
pub fn bzpopmin(ctx: &mut Ctx) -> CmdResult {
    let deadline = parse_timeout(ctx.arg(ctx.argc() - 1), ctx.srv.now_ms)?;
    let keys = ctx.args_from(1).take(ctx.argc() - 2).collect();
    blocking_pop_generic(ctx, keys, false, None, deadline)
}

/// BZPOPMAX key [key ...] timeout: [key, member, score], or a null array
/// on timeout.
pub fn bzpopmax(ctx: &mut Ctx) -> CmdResult {
    let deadline = parse_timeout(ctx.arg(ctx.argc() - 1), ctx.srv.now_ms)?;
    let keys = ctx.args_from(1).take(ctx.argc() - 2).collect();
    blocking_pop_generic(ctx, keys, true, None, deadline)
}

/// Parses `numkeys key [key ...] MIN|MAX [COUNT count]` at argv[`at`]
/// (zmpopGenericCommand): (keys, max, count).
fn parse_mpop<'a>(ctx: &Ctx<'a>, at: usize) -> Result<(Vec<&'a [u8]>, bool, usize), ReplyError> {
    let numkeys = args::range_long(ctx.arg(at), 1, i64::MAX, ReplyError::numkeys_not_positive)?;
    let where_idx = (at as u64).saturating_add(numkeys as u64).saturating_add(1);
    if where_idx >= ctx.argc() as u64 {
        return Err(ReplyError::syntax());
    }
    let where_idx = where_idx as usize;
    let w = ctx.arg(where_idx);
    let max = if args::is(w, "min") {
        false
    } else if args::is(w, "max") {
        true
    } else {
        return Err(ReplyError::syntax());
    };
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
    Ok((ctx.args_from(at + 1).take(numkeys as usize).collect(), max, count.unwrap_or(1)))
}

/// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: [key, [[member,
/// score] ...]] from the first non-empty sorted set, or a null array.
/// Propagated as ZPOPMIN/ZPOPMAX key count.
pub fn zmpop(ctx: &mut Ctx) -> CmdResult {
    let (keys, max, count) = parse_mpop(ctx, 1)?;
    if let Some(i) = pop_generic(ctx, &keys, max, true, Some(count), true, true)? {
        let cmd: &[u8] = if max { b"ZPOPMAX" } else { b"ZPOPMIN" };
        ctx.rewrite_argv(&[cmd, keys[i], count.to_string().as_bytes()]);
    }
    Ok(())
}

/// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
pub fn bzmpop(ctx: &mut Ctx) -> CmdResult {
    let (keys, max, count) = parse_mpop(ctx, 2)?;
    let deadline = parse_timeout(ctx.arg(1), ctx.srv.now_ms)?;
    blocking_pop_generic(ctx, keys, max, Some(count), deadline)
}

// ---------------------------------------------------------------------------
// ZRANDMEMBER

/// ZRANDMEMBER key [count [WITHSCORES]]: a random member; with a positive
/// count up to `count` distinct members, with a negative count exactly
/// |count| members that may repeat.
pub fn zrandmember(ctx: &mut Ctx) -> CmdResult {
    if ctx.argc() >= 3 {
        let l = long_arg(ctx.arg(2))?;
        if l == i64::MIN {
            return Err(ReplyError::long_out_of_range(-i64::MAX, i64::MAX));
        }
        let withscores = match ctx.argc() {
            3 => false,
            4 if args::is(ctx.arg(3), "withscores") => {
                if !(-i64::MAX / 2..=i64::MAX / 2).contains(&l) {
                    return Err(ReplyError::value_out_of_range());
                }
                true
            }
            _ => return Err(ReplyError::syntax()),
        };
        return zrandmember_with_count(ctx, l, withscores);
    }
    match read_zset(ctx.srv, ctx.c.db, ctx.arg(1))? {
        Some(z) => reply_member(&mut ctx.c.out, z.random().expect("stored sorted sets are never empty").0),
        None => ctx.c.out.null(),
    }
    Ok(())
}

/// zrandmemberWithCountCommand.
fn zrandmember_with_count(ctx: &mut Ctx, l: i64, withscores: bool) -> CmdResult {
    let Some(z) = read_zset(ctx.srv, ctx.c.db, ctx.arg(1))? else {
        ctx.c.out.array(0);
        return Ok(());
    };
    let out = &mut ctx.c.out;
    let size = z.len();
    let (count, unique) = (l.unsigned_abs() as usize, l >= 0);
    if count == 0 {
        out.array(0);
        return Ok(());
    }
    // Case 1: repeats allowed (or a single member): independent draws.
    if !unique || count == 1 {
        reply_results_len(out, count, withscores);
        for _ in 0..count {
            let (m, s) = z.random().expect("stored sorted sets are never empty");
            reply_pair(out, m, s, withscores);
        }
        return Ok(());
    }
    // Case 2: the whole set, from the highest score down (Redis walks it
    // with the zui iterator, which goes backwards).
    if count >= size {
        reply_results_len(out, size, withscores);
        for (m, s) in z.iter_from(0, true) {
            reply_pair(out, m, s, withscores);
        }
        return Ok(());
    }
    // Cases 3 and 4: `count` distinct members in random order.
    let ranks: Vec<usize> = if count * 3 > size {
        let mut all: Vec<usize> = (0..size).collect();
        for i in 0..count {
            let j = i + (random_u64() % (size - i) as u64) as usize;
            all.swap(i, j);
        }
        all.truncate(count);
        all
    } else {
        let mut seen = std::collections::HashSet::with_capacity(count);
        let mut picked = Vec::with_capacity(count);
        while picked.len() < count {
            let r = (random_u64() % size as u64) as usize;
            if seen.insert(r) {
                picked.push(r);
            }
        }
        picked
    };
    reply_results_len(out, count, withscores);
    for r in ranks {
        let (m, s) = z.at_rank(r).expect("rank within the set");
        reply_pair(out, m, s, withscores);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
