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
use super::table::{acl, flag::*, Command};
use super::{args, Ctx};
use crate::db::keyspace::event;
use crate::server::Server;
use crate::types::list::List;
use crate::types::value::Value;
use crate::util::num::parse_i64_strict;
use std::cmp::Ordering;

const SORT_ACL: u32 = acl::SET | acl::SORTEDSET | acl::LIST | acl::DANGEROUS;

pub const COMMANDS: &[Command] = &[
    Command::new("sort", -2, sort).flags(WRITE | DENYOOM).acl(SORT_ACL).custom_keys(1, 1, 1, sort_keys).key_flags(&["RO", "access"])
        .doc("1.0.0", "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).", "Sort the elements in a list, set or sorted set"),
    Command::new("sort_ro", -2, sort_ro).flags(READONLY).acl(SORT_ACL).custom_keys(1, 1, 1, sort_ro_keys).key_flags(&["RO", "access"])
        .doc("7.0.0", "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).", "Sort the elements in a list, set or sorted set. Read-only variant of SORT."),
];

/// Key positions of SORT (sortGetKeys): the sorted key, and the last
/// STORE destination. Options with arguments are skipped the way Redis
/// skips them (LIMIT 2, GET 1, BY 1).
fn sort_keys(argv: &[&[u8]]) -> Vec<usize> {
    let mut keys = vec![1];
    let mut store = None;
    let mut i = 2;
    while i < argv.len() {
        let a = argv[i];
        if args::is(a, "limit") {
            i += 2;
        } else if args::is(a, "get") || args::is(a, "by") {
            i += 1;
        } else if args::is(a, "store") && i + 1 < argv.len() {
            store = Some(i + 1);
        }
        i += 1;
    }
    keys.extend(store);
    keys
}

/// SORT_RO's only key is the sorted one.
fn sort_ro_keys(_argv: &[&[u8]]) -> Vec<usize> {
    vec![1]
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
    let mut o = SortOptions { desc: false, alpha: false, limit_start: 0, limit_count: -1, sortby: None, dontsort: false, gets: Vec::new(), store: None };
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
        // ZSETS: the sorted set's cardinality goes here when zsets land.
        Some(Value::ZSet(_)) => 0,
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
        Some(Value::ZSet(_)) => {
            // ZSETS: load the members here. With `dontsort`, load only the
            // LIMIT range in score order (reversed for DESC) and then set
            // `end -= start; start = 0` as for lists; otherwise load every
            // member (sort.c converts listpack zsets to skiplists first).
        }
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
        return Err(ReplyError::fixed("ERR One or more scores can't be converted into double"));
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
