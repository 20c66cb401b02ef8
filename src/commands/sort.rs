//! SORT and SORT_RO; mirrors sort.c.
//!
//! The elements of a list, set (or sorted set) are loaded into a vector,
//! given a score (numeric) or a comparison string (ALPHA with BY), sorted,
//! cut by LIMIT, and replied or stored as a list. `BY pattern` and
//! `GET pattern` substitute each element for the first `*` of the pattern
//! and read that key (a string), or with `->field` a field of that hash;
//! `GET #` is the element itself. A BY pattern without `*` (conventionally
//! `nosort`) skips sorting: lists keep their order, and sets too except
//! when the result is stored, where they are sorted ALPHA so that replicas
//! and the AOF, which replay SORT itself, store the same list.

use super::errors::{CmdResult, ReplyError};
use super::keyspec::*;
use super::table::{acl, flag::*, Command};
use super::{args, Ctx};
use crate::db::keyspace::event;
use crate::server::Server;
use crate::types::list::List;
use crate::types::value::Value;
use crate::util::num::parse_i64_strict;
use std::cmp::Ordering;

const SORT_ACL: u32 = acl::SET | acl::SORTEDSET | acl::LIST | acl::DANGEROUS;
/// Redis's note on the key spec of the BY and GET patterns' keys.
const BY_GET_NOTES: &str =
    "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort";

pub const COMMANDS: &[Command] = &[
    Command::new("sort", -2, sort).flags(WRITE | DENYOOM).acl(SORT_ACL)
        .key_specs(&[
            key(1, RO | ACCESS),
            unknown(RO | ACCESS).notes(BY_GET_NOTES),
            unknown(OW | UPDATE).notes("For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array"),
        ])
        .getkeys(sort_keys)
        .doc("1.0.0", "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).", "Sort the elements in a list, set or sorted set")
        .args("key:key [BY pattern:pattern#1] [LIMIT offset_count:(offset:integer count:integer)] [GET pattern:pattern#1]... \
               [order:(ASC | DESC)] [sorting=ALPHA] [STORE destination:key]"),
    Command::new("sort_ro", -2, sort_ro).flags(READONLY).acl(SORT_ACL)
        .key_specs(&[key(1, RO | ACCESS), unknown(RO | ACCESS).notes(BY_GET_NOTES)])
        .getkeys(sort_ro_keys)
        .doc("7.0.0", "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).", "Sort the elements in a list, set or sorted set. Read-only variant of SORT.")
        .args("key:key [BY pattern:pattern#1] [LIMIT offset_count:(offset:integer count:integer)] [GET pattern:pattern#1]... \
               [order:(ASC | DESC)] [sorting=ALPHA]"),
];

/// The keys of SORT (sortGetKeys): the sorted key, and the last STORE
/// destination, which no key spec can locate. Options with arguments are
/// skipped the way Redis skips them (LIMIT 2, GET 1, BY 1).
fn sort_keys(argv: &[&[u8]]) -> Vec<KeyRef> {
    let mut keys = vec![KeyRef { pos: 1, flags: RO | ACCESS }];
    let mut store = None;
    let mut i = 2;
    while i < argv.len() {
        let a = argv[i];
        if args::is(a, "limit") {
            i += 2;
        } else if args::is(a, "get") || args::is(a, "by") {
            i += 1;
        } else if args::is(a, "store") && i + 1 < argv.len() {
            store = Some(KeyRef { pos: i + 1, flags: OW | UPDATE });
        }
        i += 1;
    }
    keys.extend(store);
    keys
}

/// SORT_RO's only key is the sorted one (sortROGetKeys).
fn sort_ro_keys(_argv: &[&[u8]]) -> Vec<KeyRef> {
    vec![KeyRef { pos: 1, flags: RO | ACCESS }]
}

/// SORT key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern
/// ...]] [ASC|DESC] [ALPHA] [STORE destination]: the sorted elements (or
/// what the GET patterns find for them); with STORE, the length of the
/// list stored at `destination`.
pub fn sort(ctx: &mut Ctx) -> CmdResult {
    sort_generic(ctx, false)
}

/// SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...]
/// [ASC|DESC] [ALPHA]: SORT without STORE, allowed on read-only replicas.
pub fn sort_ro(ctx: &mut Ctx) -> CmdResult {
    sort_generic(ctx, true)
}

/// The parsed options of a SORT.
struct SortOptions<'a> {
    desc: bool,
    alpha: bool,
    limit_start: i64,
    limit_count: i64,
    sortby: Option<&'a [u8]>,
    /// BY a pattern without '*': nothing to sort by.
    dontsort: bool,
    gets: Vec<&'a [u8]>,
    store: Option<&'a [u8]>,
}

fn parse_options<'a>(ctx: &Ctx<'a>, readonly: bool) -> Result<SortOptions<'a>, ReplyError> {
    let mut o = SortOptions {
        desc: false,
        alpha: false,
        limit_start: 0,
        limit_count: -1,
        sortby: None,
        dontsort: false,
        gets: Vec::new(),
        store: None,
    };
    let mut j = 2;
    while j < ctx.argc() {
        let a = ctx.arg(j);
        let left = ctx.argc() - j - 1;
        if args::is(a, "asc") {
            o.desc = false;
        } else if args::is(a, "desc") {
            o.desc = true;
        } else if args::is(a, "alpha") {
            o.alpha = true;
        } else if args::is(a, "limit") && left >= 2 {
            o.limit_start = args::int(ctx.arg(j + 1))?;
            o.limit_count = args::int(ctx.arg(j + 2))?;
            j += 2;
        } else if !readonly && args::is(a, "store") && left >= 1 {
            o.store = Some(ctx.arg(j + 1));
            j += 1;
        } else if args::is(a, "by") && left >= 1 {
            let p = ctx.arg(j + 1);
            o.sortby = Some(p);
            // strchr: the C string ends at the first NUL.
            o.dontsort = !c_str(p).contains(&b'*');
            j += 1;
        } else if args::is(a, "get") && left >= 1 {
            o.gets.push(ctx.arg(j + 1));
            j += 1;
        } else {
            return Err(ReplyError::syntax());
        }
        j += 1;
    }
    Ok(o)
}

/// The bytes before the first NUL (what C string functions see).
fn c_str(s: &[u8]) -> &[u8] {
    &s[..s.iter().position(|&b| b == 0).unwrap_or(s.len())]
}

/// lookupKeyByPattern: the value `pattern` leads to for element `subst`.
/// `#` is the element itself; otherwise the first `*` is replaced by the
/// element and the result names a string key, or with `->field` a field
/// of a hash key. Missing keys, other types and patterns without `*` give
/// None.
fn lookup_by_pattern(srv: &mut Server, db: usize, pattern: &[u8], subst: &[u8]) -> Option<Vec<u8>> {
    let cpat = c_str(pattern);
    if cpat == b"#" {
        return Some(subst.to_vec());
    }
    let star = cpat.iter().position(|&b| b == b'*')?;
    // A hash dereference: "->" after the '*', followed by a field name.
    let arrow = cpat[star + 1..].windows(2).position(|w| w == b"->").map(|i| star + 1 + i);
    let field = match arrow {
        Some(f) if f + 2 < cpat.len() => Some(&pattern[f + 2..]),
        _ => None,
    };
    let postfix_end = pattern.len() - field.map_or(0, |f| f.len() + 2);
    let mut key = Vec::with_capacity(pattern.len() + subst.len());
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(subst);
    key.extend_from_slice(&pattern[star + 1..postfix_end]);
    let val = srv.lookup_read(db, &key)?;
    match (field, val) {
        (Some(f), Value::Hash(h)) => h.get(f).map(|v| v.to_vec()),
        (None, v) if v.is_string() => {
            let mut buf = [0u8; 20];
            v.string_bytes(&mut buf).map(|b| b.to_vec())
        }
        _ => None,
    }
}

/// The score of a BY value or element in a numeric sort: what C's strtod
/// makes of it, None when it is not entirely a number, overflows or
/// underflows (ERANGE), or is NaN. An empty string is 0, as in Redis.
fn sort_score(s: &[u8]) -> Option<f64> {
    if let Some(n) = parse_i64_strict(s) {
        return Some(n as f64);
    }
    let mut buf = c_str(s).to_vec();
    buf.push(0);
    let start = buf.as_ptr() as *const libc::c_char;
    let mut end: *mut libc::c_char = std::ptr::null_mut();
    // SAFETY: `buf` is NUL-terminated and outlives the call; strtod only
    // reads up to the terminator and stores a pointer into `buf` in `end`.
    // errno is thread-local and only read back right after the call.
    let (v, consumed_all, erange) = unsafe {
        *libc::__errno_location() = 0;
        let v = libc::strtod(start, &mut end);
        let erange = *libc::__errno_location() == libc::ERANGE;
        (v, *end == 0, erange)
    };
    if !consumed_all || erange || v.is_nan() {
        return None;
    }
    Some(v)
}

/// One element of the sort vector (redisSortObject).
struct SortItem {
    obj: Vec<u8>,
    score: f64,
    /// ALPHA with BY: the value found for the element; None when missing.
    cmp: Option<Vec<u8>>,
}

impl SortItem {
    fn new(obj: Vec<u8>) -> SortItem {
        SortItem { obj, score: 0.0, cmp: None }
    }
}

/// strcoll under the C/C.UTF-8 locale Redis runs with: byte order up to the
/// first NUL.
fn collate(a: &[u8], b: &[u8]) -> Ordering {
    c_str(a).cmp(c_str(b))
}

/// sortCompare.
fn compare(a: &SortItem, b: &SortItem, alpha: bool, bypattern: bool, store: bool) -> Ordering {
    if !alpha {
        // Equal scores fall back to the elements, so the order is total.
        return a.score.partial_cmp(&b.score).unwrap_or(Ordering::Equal).then_with(|| a.obj.cmp(&b.obj));
    }
    if bypattern {
        match (&a.cmp, &b.cmp) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => {
                if store {
                    x.cmp(y)
                } else {
                    collate(x, y)
                }
            }
        }
    } else if store {
        a.obj.cmp(&b.obj)
    } else {
        collate(&a.obj, &b.obj)
    }
}

/// sortCommandGeneric.
fn sort_generic(ctx: &mut Ctx, readonly: bool) -> CmdResult {
    let mut o = parse_options(ctx, readonly)?;
    let db = ctx.c.db;
    let key = ctx.arg(1);

    // The key to sort: a list, set or sorted set; missing is an empty list.
    let sortval = ctx.srv.lookup_read(db, key);
    if sortval.is_some_and(|v| !matches!(v, Value::List(_) | Value::Set(_) | Value::ZSet(_))) {
        return Err(ReplyError::wrong_type());
    }
    let is_set = matches!(sortval, Some(Value::Set(_)));

    // Sets have no order of their own: a stored result is sorted so that
    // every server replaying this SORT stores the same list.
    // (Scripts force this too in Redis; it hooks in here with scripting.)
    if o.dontsort && is_set && o.store.is_some() {
        o.dontsort = false;
        o.alpha = true;
        o.sortby = None;
    }

    let len = match sortval {
        None => 0,
        Some(Value::List(l)) => l.len(),
        Some(Value::Set(s)) => s.len(),
        Some(Value::ZSet(z)) => z.len(),
        Some(_) => unreachable!("type checked above"),
    } as i64;

    // LIMIT sanity checks, exactly as sort.c does them.
    let mut start = o.limit_start.max(0);
    let mut end = if o.limit_count < 0 { len - 1 } else { start.saturating_add(o.limit_count) - 1 };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    if end >= len {
        end = len - 1;
    }

    // Load the vector. Ordered types with nothing to sort load only the
    // LIMIT range, in the requested direction.
    let mut vector: Vec<SortItem> = Vec::new();
    // An empty range must not fall through to loading the whole list.
    #[allow(clippy::collapsible_match)]
    match sortval {
        None => {}
        Some(Value::List(l)) if o.dontsort => {
            if end >= start {
                let n = (end - start + 1) as usize;
                if o.desc {
                    let from = (len - start - 1) as usize;
                    vector.extend(l.iter_rev_from(from).take(n).map(|e| SortItem::new(e.to_vec())));
                } else {
                    vector.extend(l.iter_from(start as usize).take(n).map(|e| SortItem::new(e.to_vec())));
                }
                end -= start;
                start = 0;
            }
        }
        Some(Value::List(l)) => vector.extend(l.iter().map(|e| SortItem::new(e.to_vec()))),
        Some(Value::Set(s)) => vector.extend(s.iter().map(|m| SortItem::new(m.to_vec()))),
        // With `dontsort` a sorted set keeps its own order: only the LIMIT
        // range is loaded, in score order (reversed for DESC), as sort.c does.
        Some(Value::ZSet(z)) if o.dontsort => {
            if end >= start {
                let n = (end - start + 1) as usize;
                vector.extend(z.iter_from(start as usize, o.desc).take(n).map(|(m, _)| SortItem::new(m.to_vec())));
                end -= start;
                start = 0;
            }
        }
        Some(Value::ZSet(z)) => vector.extend(z.iter().map(|(m, _)| SortItem::new(m.to_vec()))),
        Some(_) => unreachable!("type checked above"),
    }

    // Scores or comparison strings, then sort.
    let mut conversion_error = false;
    if !o.dontsort {
        for item in vector.iter_mut() {
            let byval = match o.sortby {
                Some(p) => match lookup_by_pattern(ctx.srv, db, p, &item.obj) {
                    Some(v) => v,
                    None => continue,
                },
                None => {
                    if !o.alpha {
                        match sort_score(&item.obj) {
                            Some(s) => item.score = s,
                            None => conversion_error = true,
                        }
                    }
                    continue;
                }
            };
            if o.alpha {
                item.cmp = Some(byval);
            } else {
                match sort_score(&byval) {
                    Some(s) => item.score = s,
                    None => conversion_error = true,
                }
            }
        }
        let (alpha, bypattern, store, desc) = (o.alpha, o.sortby.is_some(), o.store.is_some(), o.desc);
        vector.sort_by(|a, b| {
            let c = compare(a, b, alpha, bypattern, store);
            if desc {
                c.reverse()
            } else {
                c
            }
        });
    }

    let selected = if end >= start { (end - start + 1) as usize } else { 0 };
    let outputlen = if o.gets.is_empty() { selected } else { o.gets.len() * selected };
    if conversion_error {
        return Err(ReplyError::sort_score_not_double());
    }
    let range = if selected > 0 { &vector[start as usize..=end as usize] } else { &vector[..0] };

    let Some(dst) = o.store else {
        ctx.c.out.array(outputlen);
        for item in range {
            if o.gets.is_empty() {
                ctx.c.out.bulk(&item.obj);
            }
            for p in &o.gets {
                match lookup_by_pattern(ctx.srv, db, p, &item.obj) {
                    Some(v) => ctx.c.out.bulk(&v),
                    None => ctx.c.out.null(),
                }
            }
        }
        return Ok(());
    };

    // STORE: the result becomes a list (GET misses store empty strings).
    let mut list = List::new(ctx.srv.config.list_max_listpack_size as i64, ctx.srv.config.list_compress_depth as i64);
    for item in range {
        if o.gets.is_empty() {
            list.push(crate::types::list::End::Tail, &item.obj);
        }
        for p in &o.gets {
            let v = lookup_by_pattern(ctx.srv, db, p, &item.obj).unwrap_or_default();
            list.push(crate::types::list::End::Tail, &v);
        }
    }
    if outputlen > 0 {
        // setKey: overwrite (dropping any TTL) or add, waking BLPOP & co.
        if ctx.srv.key_exists(db, dst) {
            let lazy = ctx.srv.config.lazyfree_lazy_server_del;
            if let Some(old) = ctx.srv.dbs[db].set(dst, Value::List(Box::new(list)), false) {
                ctx.srv.free_value(old, lazy);
            }
        } else {
            ctx.srv.db_add(db, dst, Value::List(Box::new(list)));
        }
        ctx.srv.signal_modified_key(db, dst);
        ctx.srv.notify_keyspace_event(event::LIST, "sortstore", dst, db);
        ctx.srv.dirty += outputlen as u64;
    } else if ctx.srv.delete_key(db, dst, ctx.srv.config.lazyfree_lazy_server_del) {
        ctx.srv.key_modified(db, dst, event::GENERIC, "del");
    }
    ctx.c.out.int(outputlen as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::TestServer;

    // Expected bytes in every table below come from redis-server 7.0.15
    // (scripts/oracle.py).
    #[test]
    fn sorting_lists() {
        let mut t = TestServer::new();
        t.check(&[
            ("RPUSH l 3 1 2 10 -5 2.5", ":6\r\n"),
            ("SORT l", "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$1\r\n2\r\n$3\r\n2.5\r\n$1\r\n3\r\n$2\r\n10\r\n"),
            ("SORT l DESC", "*6\r\n$2\r\n10\r\n$1\r\n3\r\n$3\r\n2.5\r\n$1\r\n2\r\n$1\r\n1\r\n$2\r\n-5\r\n"),
            ("SORT l ALPHA", "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$2\r\n10\r\n$1\r\n2\r\n$3\r\n2.5\r\n$1\r\n3\r\n"),
            ("SORT l ALPHA DESC", "*6\r\n$1\r\n3\r\n$3\r\n2.5\r\n$1\r\n2\r\n$2\r\n10\r\n$1\r\n1\r\n$2\r\n-5\r\n"),
            ("SORT l LIMIT 1 2", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
            ("SORT l LIMIT -5 2", "*2\r\n$2\r\n-5\r\n$1\r\n1\r\n"),
            ("SORT l LIMIT 4 100", "*2\r\n$1\r\n3\r\n$2\r\n10\r\n"),
            ("SORT l LIMIT 10 2", "*0\r\n"),
            ("SORT l LIMIT 0 0", "*0\r\n"),
            ("SORT l LIMIT 0 -1", "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$1\r\n2\r\n$3\r\n2.5\r\n$1\r\n3\r\n$2\r\n10\r\n"),
            ("SORT l ASC DESC ASC", "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$1\r\n2\r\n$3\r\n2.5\r\n$1\r\n3\r\n$2\r\n10\r\n"),
            ("SORT l LIMIT 1", "-ERR syntax error\r\n"),
            ("SORT l LIMIT", "-ERR syntax error\r\n"),
            ("SORT l LIMIT x 2", "-ERR value is not an integer or out of range\r\n"),
            ("SORT l LIMIT 1 9223372036854775808", "-ERR value is not an integer or out of range\r\n"),
            ("SORT l FOO", "-ERR syntax error\r\n"),
            ("SORT l BY", "-ERR syntax error\r\n"),
            ("SORT l GET", "-ERR syntax error\r\n"),
            ("SORT l STORE", "-ERR syntax error\r\n"),
            ("SORT_RO l STORE d", "-ERR syntax error\r\n"),
            ("SORT_RO l", "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$1\r\n2\r\n$3\r\n2.5\r\n$1\r\n3\r\n$2\r\n10\r\n"),
            ("SORT nokey", "*0\r\n"),
            ("SORT nokey STORE d", ":0\r\n"),
            ("SORT", "-ERR wrong number of arguments for 'sort' command\r\n"),
            ("SORT l BY nosort", "*6\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n$2\r\n10\r\n$2\r\n-5\r\n$3\r\n2.5\r\n"),
            ("SORT l BY nosort DESC", "*6\r\n$3\r\n2.5\r\n$2\r\n-5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n"),
            ("SORT l BY nosort LIMIT 1 3", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$2\r\n10\r\n"),
            ("SORT l BY nosort LIMIT 1 3 DESC", "*3\r\n$2\r\n-5\r\n$2\r\n10\r\n$1\r\n2\r\n"),
            ("SORT l LIMIT 1 9223372036854775807", "*5\r\n$1\r\n1\r\n$1\r\n2\r\n$3\r\n2.5\r\n$1\r\n3\r\n$2\r\n10\r\n"),
        ]);
    }

    #[test]
    fn by_and_get_patterns() {
        let mut t = TestServer::new();
        t.check(&[
            ("RPUSH l 3 1 2 10 -5 2.5", ":6\r\n"),
            ("SET w_3 30", "+OK\r\n"),
            ("SET w_1 100", "+OK\r\n"),
            ("SET w_2 x", "+OK\r\n"),
            ("SORT l BY w_*", "-ERR One or more scores can't be converted into double\r\n"),
            ("SET w_2 20", "+OK\r\n"),
            ("SORT l BY w_*", "*6\r\n$2\r\n-5\r\n$2\r\n10\r\n$3\r\n2.5\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n1\r\n"),
            ("SORT l BY w_* DESC", "*6\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n2\r\n$3\r\n2.5\r\n$2\r\n10\r\n$2\r\n-5\r\n"),
            ("SORT l BY w_* ALPHA", "*6\r\n$2\r\n10\r\n$2\r\n-5\r\n$3\r\n2.5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
            ("SORT l BY w_* GET # GET w_*", "*12\r\n$2\r\n-5\r\n$-1\r\n$2\r\n10\r\n$-1\r\n$3\r\n2.5\r\n$-1\r\n$1\r\n2\r\n$2\r\n20\r\n$1\r\n3\r\n$2\r\n30\r\n$1\r\n1\r\n$3\r\n100\r\n"),
            ("SORT l BY w_* GET w_* LIMIT 1 1", "*1\r\n$-1\r\n"),
            ("SORT l BY nosort GET w_* LIMIT 0 2", "*2\r\n$2\r\n30\r\n$3\r\n100\r\n"),
            ("HSET o_1 name one age 9", ":2\r\n"),
            ("HSET o_2 name two age 30", ":2\r\n"),
            ("HSET o_3 name three", ":1\r\n"),
            ("SORT l BY o_*->age GET o_*->name GET #", "*12\r\n$-1\r\n$2\r\n-5\r\n$-1\r\n$2\r\n10\r\n$-1\r\n$3\r\n2.5\r\n$5\r\nthree\r\n$1\r\n3\r\n$3\r\none\r\n$1\r\n1\r\n$3\r\ntwo\r\n$1\r\n2\r\n"),
            ("SORT l BY o_*->age ALPHA GET o_*->name", "*6\r\n$5\r\nthree\r\n$-1\r\n$-1\r\n$-1\r\n$3\r\ntwo\r\n$3\r\none\r\n"),
            ("SORT l GET o_*->", "*6\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n"),
            ("SORT l GET o_", "*6\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n"),
            ("SORT l GET #x", "*6\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n"),
            ("SET str x", "+OK\r\n"),
            ("SORT str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("SORT_RO str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("SORT l GET str", "*6\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n"),
            ("SORT l BY str*", "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$2\r\n10\r\n$1\r\n2\r\n$3\r\n2.5\r\n$1\r\n3\r\n"),
            ("HSET hh a 1", ":1\r\n"),
            ("SORT hh", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ]);
    }

    #[test]
    fn store() {
        let mut t = TestServer::new();
        t.check(&[
            ("RPUSH l 3 1 2 10 -5 2.5", ":6\r\n"),
            ("HSET o_1 name one age 9", ":2\r\n"),
            ("HSET o_2 name two age 30", ":2\r\n"),
            ("HSET o_3 name three", ":1\r\n"),
            ("SORT l BY o_*->age STORE dst", ":6\r\n"),
            ("LRANGE dst 0 -1", "*6\r\n$2\r\n-5\r\n$2\r\n10\r\n$3\r\n2.5\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n"),
            ("SORT l BY o_*->age GET o_*->name STORE dst", ":6\r\n"),
            ("LRANGE dst 0 -1", "*6\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n$5\r\nthree\r\n$3\r\none\r\n$3\r\ntwo\r\n"),
            ("TYPE dst", "+list\r\n"),
            ("SORT l LIMIT 0 0 STORE dst", ":0\r\n"),
            ("EXISTS dst", ":0\r\n"),
            ("SET k 1", "+OK\r\n"),
            ("EXPIRE k 100", ":1\r\n"),
            ("RPUSH l2 b a", ":2\r\n"),
            ("SORT l2 ALPHA STORE k", ":2\r\n"),
            ("TTL k", ":-1\r\n"),
            ("SORT l2 by nosort STORE l2", ":2\r\n"),
            ("LRANGE l2 0 -1", "*2\r\n$1\r\nb\r\n$1\r\na\r\n"),
            ("COMMAND GETKEYS SORT a STORE b", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
            ("COMMAND GETKEYS SORT a STORE b STORE c", "*2\r\n$1\r\na\r\n$1\r\nc\r\n"),
            ("COMMAND GETKEYS SORT a LIMIT store x GET store STORE", "*1\r\n$1\r\na\r\n"),
            ("COMMAND GETKEYS SORT_RO a BY x", "*1\r\n$1\r\na\r\n"),
            ("COMMAND GETKEYS SORT a BY store STORE d", "*2\r\n$1\r\na\r\n$1\r\nd\r\n"),
        ]);
    }

    #[test]
    fn sorting_sets() {
        let mut t = TestServer::new();
        t.check(&[
            ("SADD s 30 1 2 -4", ":4\r\n"),
            ("SORT s", "*4\r\n$2\r\n-4\r\n$1\r\n1\r\n$1\r\n2\r\n$2\r\n30\r\n"),
            ("SORT s DESC LIMIT 1 2", "*2\r\n$1\r\n2\r\n$1\r\n1\r\n"),
            ("SORT s BY nosort", "*4\r\n$2\r\n-4\r\n$1\r\n1\r\n$1\r\n2\r\n$2\r\n30\r\n"),
            ("SORT s BY nosort DESC", "*4\r\n$2\r\n-4\r\n$1\r\n1\r\n$1\r\n2\r\n$2\r\n30\r\n"),
            ("SORT s ALPHA", "*4\r\n$2\r\n-4\r\n$1\r\n1\r\n$1\r\n2\r\n$2\r\n30\r\n"),
            ("SORT s BY nosort STORE d", ":4\r\n"),
            ("LRANGE d 0 -1", "*4\r\n$2\r\n-4\r\n$1\r\n1\r\n$1\r\n2\r\n$2\r\n30\r\n"),
            ("SADD t c a b", ":3\r\n"),
            ("SORT t", "-ERR One or more scores can't be converted into double\r\n"),
            ("SORT t ALPHA", "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
            // Stored, a set is sorted even BY nosort.
            ("SORT t BY nosort STORE d DESC", ":3\r\n"),
            ("LRANGE d 0 -1", "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"),
            ("SORT t BY nosort ALPHA STORE d LIMIT 1 1", ":1\r\n"),
            ("LRANGE d 0 -1", "*1\r\n$1\r\nb\r\n"),
        ]);
    }

    /// Scores are what C's strtod makes of the whole string.
    #[test]
    fn numeric_scores_follow_strtod() {
        let mut t = TestServer::new();
        t.check(&[
            ("RPUSH x 0x10 \" 5\" 1e3 \"\" -inf inf", ":6\r\n"),
            ("SORT x", "*6\r\n$4\r\n-inf\r\n$0\r\n\r\n$2\r\n 5\r\n$4\r\n0x10\r\n$3\r\n1e3\r\n$3\r\ninf\r\n"),
            ("SORT x BY nosort LIMIT -1 -1 DESC", "*6\r\n$3\r\ninf\r\n$4\r\n-inf\r\n$0\r\n\r\n$3\r\n1e3\r\n$2\r\n 5\r\n$4\r\n0x10\r\n"),
            ("RPUSH y 1e-400", ":1\r\n"),
            ("SORT y", "-ERR One or more scores can't be converted into double\r\n"),
            ("RPUSH z \"1 \"", ":1\r\n"),
            ("SORT z", "-ERR One or more scores can't be converted into double\r\n"),
            ("RPUSH n nan", ":1\r\n"),
            ("SORT n", "-ERR One or more scores can't be converted into double\r\n"),
            ("SORT n BY nosort", "*1\r\n$3\r\nnan\r\n"),
            ("SORT n ALPHA", "*1\r\n$3\r\nnan\r\n"),
        ]);
    }

    #[test]
    fn store_propagates_verbatim_and_counts_dirty() {
        let mut t = TestServer::new();
        t.check(&[("RPUSH l 3 1 2", ":3\r\n"), ("SET w_1 5", "+OK\r\n")]);
        let d0 = t.srv.dirty;
        t.check(&[("SORT l", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"), ("SORT nokey STORE d", ":0\r\n")]);
        assert_eq!(t.srv.dirty, d0);
        t.check(&[("SORT l GET # GET w_* STORE d", ":6\r\n")]);
        assert_eq!(t.srv.dirty, d0 + 6);
        t.check(&[("SORT nokey STORE d", ":0\r\n"), ("EXISTS d", ":0\r\n")]);
        assert_eq!(t.srv.dirty, d0 + 7);
    }

    /// A million elements sort in O(n log n), with and without BY.
    #[test]
    fn a_million_elements() {
        let mut t = TestServer::new();
        for chunk in 0..100 {
            let mut argv = vec!["RPUSH".to_string(), "big".into()];
            argv.extend((chunk * 10_000..(chunk + 1) * 10_000).rev().map(|i| (999_999 - i).to_string()));
            t.run(&argv);
        }
        t.check(&[("SORT big LIMIT 0 3", "*3\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\n2\r\n")]);
        t.check(&[("SORT big LIMIT 0 2 DESC", "*2\r\n$6\r\n999999\r\n$6\r\n999998\r\n")]);
        t.check(&[("SORT big ALPHA LIMIT 0 3", "*3\r\n$1\r\n0\r\n$1\r\n1\r\n$2\r\n10\r\n")]);
        t.check(&[("SORT big STORE sorted", ":1000000\r\n"), ("LINDEX sorted 500000", "$6\r\n500000\r\n")]);
    }
}

#[cfg(test)]
mod zset_tests {
    use crate::commands::testing::TestServer;

    // Bytes from redis-server 7.0.15.
    #[test]
    fn sort_over_sorted_sets() {
        let mut t = TestServer::new();
        t.check(&[
            ("ZADD z 3 c 1 a 2 b 10 x", ":4\r\n"),
            ("SORT z", "-ERR One or more scores can't be converted into double\r\n"),
            ("SORT z BY nosort", "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nx\r\n"),
            ("SORT z BY nosort DESC", "*4\r\n$1\r\nx\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"),
            ("SORT z BY nosort LIMIT 1 2", "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"),
            ("SORT z BY nosort DESC LIMIT 1 2", "*2\r\n$1\r\nc\r\n$1\r\nb\r\n"),
            ("SORT z ALPHA DESC", "*4\r\n$1\r\nx\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"),
            ("SORT z BY nosort LIMIT 5 2", "*0\r\n"),
        ]);
    }
}
