//! The string type's commands; mirrors t_string.c.

use super::args;
use super::errors::{CmdResult, ReplyError};
use super::keyspec::*;
use super::table::{acl, flag::*, Command};
use super::Ctx;
use crate::db::keyspace::event;
use crate::server::Server;
use crate::types::value::Value;
use crate::util::num::parse_i64_strict;

const S: u32 = acl::STRING;

pub const COMMANDS: &[Command] = &[
    Command::new("get", 2, get).flags(READONLY | FAST).acl(S).key_specs(&[key(1, RO | ACCESS)]).group("string")
        .doc("1.0.0", "O(1)", "Returns the string value of a key.")
        .args("key:key"),
    Command::new("set", -3, set).flags(WRITE | DENYOOM).acl(S)
        .key_specs(&[key(1, RW | ACCESS | UPDATE | VARIABLE_FLAGS).notes("RW and ACCESS due to the optional `GET` argument")])
        .getkeys(set_keys)
        .group("string")
        .doc("1.0.0", "O(1)", "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.")
        .history(&[
            ("2.6.12", "EX, PX, NX and XX options."),
            ("6.0.0", "KEEPTTL option."),
            ("6.2.0", "GET, EXAT and PXAT options."),
            ("7.0.0", "NX and GET may be combined."),
        ])
        .args("key:key value [condition:(NX | XX)@2.6.12] [GET@6.2.0] \
               [expiration:(EX seconds:integer@2.6.12 | PX milliseconds:integer@2.6.12 \
                          | EXAT unix-time-seconds:unix-time@6.2.0 | PXAT unix-time-milliseconds:unix-time@6.2.0 | KEEPTTL@6.0.0)]"),
    Command::new("setnx", 3, setnx).flags(WRITE | DENYOOM | FAST).acl(S).key_specs(&[key(1, OW | INSERT)]).group("string")
        .doc("1.0.0", "O(1)", "Set the string value of a key only when the key doesn't exist.")
        .args("key:key value"),
    Command::new("setex", 4, setex).flags(WRITE | DENYOOM).acl(S).key_specs(&[key(1, OW | UPDATE)]).group("string")
        .doc("2.0.0", "O(1)", "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.")
        .args("key:key seconds:integer value"),
    Command::new("psetex", 4, psetex).flags(WRITE | DENYOOM).acl(S).key_specs(&[key(1, OW | UPDATE)]).group("string")
        .doc("2.6.0", "O(1)", "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.")
        .args("key:key milliseconds:integer value"),
    Command::new("getset", 3, getset).flags(WRITE | DENYOOM | FAST).acl(S).key_specs(&[key(1, RW | ACCESS | UPDATE)]).group("string")
        .doc("1.0.0", "O(1)", "Returns the previous string value of a key after setting it to a new value.")
        .deprecated("6.2.0", "`SET` with the `!GET` argument")
        .args("key:key value"),
    Command::new("getdel", 2, getdel).flags(WRITE | FAST).acl(S).key_specs(&[key(1, RW | ACCESS | DELETE)]).group("string")
        .doc("6.2.0", "O(1)", "Returns the string value of a key after deleting the key.")
        .args("key:key"),
    Command::new("getex", -2, getex).flags(WRITE | FAST).acl(S)
        .key_specs(&[key(1, RW | ACCESS | UPDATE).notes("RW and UPDATE because it changes the TTL")])
        .group("string")
        .doc("6.2.0", "O(1)", "Returns the string value of a key after setting its expiration time.")
        .args("key:key [expiration:(EX seconds:integer | PX milliseconds:integer | EXAT unix-time-seconds:unix-time \
               | PXAT unix-time-milliseconds:unix-time | PERSIST)]"),
    Command::new("mget", -2, mget).flags(READONLY | FAST).acl(S).key_specs(&[key(1, RO | ACCESS).range(-1, 1, 0)]).group("string").tips(&["request_policy:multi_shard"])
        .doc("1.0.0", "O(N) where N is the number of keys to retrieve.", "Atomically returns the string values of one or more keys.")
        .args("key:key..."),
    Command::new("mset", -3, mset).flags(WRITE | DENYOOM).acl(S).key_specs(&[key(1, OW | UPDATE).range(-1, 2, 0)]).group("string").tips(&["request_policy:multi_shard", "response_policy:all_succeeded"])
        .doc("1.0.1", "O(N) where N is the number of keys to set.", "Atomically creates or modifies the string values of one or more keys.")
        .args("key_value:(key:key value)..."),
    Command::new("msetnx", -3, msetnx).flags(WRITE | DENYOOM).acl(S).key_specs(&[key(1, OW | INSERT).range(-1, 2, 0)]).group("string").tips(&["request_policy:multi_shard", "response_policy:agg_min"])
        .doc("1.0.1", "O(N) where N is the number of keys to set.", "Atomically modifies the string values of one or more keys only when all keys don't exist.")
        .args("key_value:(key:key value)..."),
    Command::new("append", 3, append).flags(WRITE | DENYOOM | FAST).acl(S).key_specs(&[key(1, RW | INSERT)]).group("string")
        .doc("2.0.0", "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.", "Appends a string to the value of a key. Creates the key if it doesn't exist.")
        .args("key:key value"),
    Command::new("strlen", 2, strlen).flags(READONLY | FAST).acl(S).key_specs(&[key(1, RO)]).group("string")
        .doc("2.2.0", "O(1)", "Returns the length of a string value.")
        .args("key:key"),
    Command::new("incr", 2, incr).flags(WRITE | DENYOOM | FAST).acl(S).key_specs(&[key(1, RW | ACCESS | UPDATE)]).group("string")
        .doc("1.0.0", "O(1)", "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.")
        .args("key:key"),
    Command::new("decr", 2, decr).flags(WRITE | DENYOOM | FAST).acl(S).key_specs(&[key(1, RW | ACCESS | UPDATE)]).group("string")
        .doc("1.0.0", "O(1)", "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.")
        .args("key:key"),
    Command::new("incrby", 3, incrby).flags(WRITE | DENYOOM | FAST).acl(S).key_specs(&[key(1, RW | ACCESS | UPDATE)]).group("string")
        .doc("1.0.0", "O(1)", "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.")
        .args("key:key increment:integer"),
    Command::new("decrby", 3, decrby).flags(WRITE | DENYOOM | FAST).acl(S).key_specs(&[key(1, RW | ACCESS | UPDATE)]).group("string")
        .doc("1.0.0", "O(1)", "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.")
        .args("key:key decrement:integer"),
    Command::new("incrbyfloat", 3, incrbyfloat).flags(WRITE | DENYOOM | FAST).acl(S).key_specs(&[key(1, RW | ACCESS | UPDATE)]).group("string")
        .doc("2.6.0", "O(1)", "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.")
        .args("key:key increment:double"),
    Command::new("getrange", 4, getrange).flags(READONLY).acl(S).key_specs(&[key(1, RO | ACCESS)]).group("string")
        .doc("2.4.0", "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.", "Returns a substring of the string stored at a key.")
        .args("key:key start:integer end:integer"),
    Command::new("substr", 4, getrange).flags(READONLY).acl(S).key_specs(&[key(1, RO | ACCESS)]).group("string")
        .doc("1.0.0", "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.", "Returns a substring from a string value.")
        .deprecated("2.0.0", "`GETRANGE`")
        .args("key:key start:integer end:integer"),
    Command::new("setrange", 4, setrange).flags(WRITE | DENYOOM).acl(S).key_specs(&[key(1, RW | UPDATE)]).group("string")
        .doc("2.2.0", "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.", "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.")
        .args("key:key offset:integer value"),
    Command::new("lcs", -3, lcs).flags(READONLY).acl(S).key_specs(&[key(1, RO | ACCESS).range(1, 1, 0)]).group("string")
        .doc("7.0.0", "O(N*M) where N and M are the lengths of s1 and s2, respectively", "Finds the longest common substring.")
        .args("key1:key key2:key#0 [LEN] [IDX] [MINMATCHLEN len:integer] [WITHMATCHLEN]"),
];

/// SET's key (setGetKeys): read and written with GET, else overwritten;
/// the spec says both (variable_flags), so GETKEYSANDFLAGS asks here.
fn set_keys(argv: &[&[u8]]) -> Vec<KeyRef> {
    let get = argv.iter().skip(3).any(|a| args::is(a, "get"));
    vec![KeyRef { pos: 1, flags: if get { RW | ACCESS | UPDATE } else { OW | UPDATE } }]
}

/// The bytes of a string key for reading: Ok(None) when missing,
/// WRONGTYPE when the key holds another type.
fn read_string<'a>(srv: &'a mut Server, db: usize, key: &[u8], buf: &'a mut [u8; 20]) -> Result<Option<&'a [u8]>, ReplyError> {
    match srv.lookup_read(db, key) {
        None => Ok(None),
        Some(v) => v.string_bytes(buf).map(Some).ok_or_else(ReplyError::wrong_type),
    }
}

/// GET key
pub fn get(ctx: &mut Ctx) -> CmdResult {
    let mut buf = [0u8; 20];
    match read_string(ctx.srv, ctx.c.db, ctx.arg(1), &mut buf)? {
        Some(v) => ctx.c.out.bulk(v),
        None => ctx.c.out.null(),
    }
    Ok(())
}

/// When a SET-family expiry is expressed.
#[derive(Clone, Copy, PartialEq)]
enum ExpireUnit {
    Seconds,
    Millis,
}

#[derive(Default)]
struct SetOptions {
    nx: bool,
    xx: bool,
    get: bool,
    keepttl: bool,
    /// (value argument, unit, absolute?)
    expire: Option<(usize, bool, bool)>,
    persist: bool,
}

/// Parses SET/GETEX options (parseExtendedStringArgumentsOrReply).
fn parse_set_options(ctx: &Ctx, from: usize, getex: bool) -> Result<SetOptions, ReplyError> {
    let mut o = SetOptions::default();
    let mut i = from;
    while i < ctx.argc() {
        let a = ctx.arg(i);
        let has_next = i + 1 < ctx.argc();
        let expire_set = o.expire.is_some();
        if !getex && args::is(a, "nx") && !o.xx {
            o.nx = true;
        } else if !getex && args::is(a, "xx") && !o.nx {
            o.xx = true;
        } else if !getex && args::is(a, "get") {
            o.get = true;
        } else if !getex && args::is(a, "keepttl") && !o.persist && !expire_set {
            o.keepttl = true;
        } else if getex && args::is(a, "persist") && !expire_set && !o.keepttl {
            o.persist = true;
        } else if has_next
            && !o.keepttl
            && !o.persist
            && (args::is(a, "ex") || args::is(a, "px") || args::is(a, "exat") || args::is(a, "pxat"))
            // The same option again is fine (the last value wins); another
            // expire option is not.
            && o.expire.is_none_or(|(_, secs, abs)| {
                (secs, abs) == (args::is(a, "ex") || args::is(a, "exat"), args::is(a, "exat") || args::is(a, "pxat"))
            })
        {
            let secs = args::is(a, "ex") || args::is(a, "exat");
            let abs = args::is(a, "exat") || args::is(a, "pxat");
            o.expire = Some((i + 1, secs, abs));
            i += 1;
        } else {
            return Err(ReplyError::syntax());
        }
        i += 1;
    }
    Ok(o)
}

/// Turns an expire argument into an absolute unix-ms deadline, with
/// Redis's validity checks (getExpireMillisecondsOrReply).
fn expire_deadline(ctx: &Ctx, arg: &[u8], unit: ExpireUnit, absolute: bool, cmd: &str) -> Result<i64, ReplyError> {
    let n = args::int(arg)?;
    if n <= 0 || (unit == ExpireUnit::Seconds && n > i64::MAX / 1000) {
        return Err(ReplyError::invalid_expire(cmd));
    }
    let ms = if unit == ExpireUnit::Seconds { n * 1000 } else { n };
    if absolute {
        return Ok(ms);
    }
    ms.checked_add(ctx.srv.now_ms).ok_or_else(|| ReplyError::invalid_expire(cmd))
}

/// The shared body of SET, SETNX, SETEX and PSETEX (setGenericCommand).
fn set_generic(ctx: &mut Ctx, o: &SetOptions, expire: Option<i64>, nx_reply_int: bool) -> CmdResult {
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let mut old: Option<Option<Vec<u8>>> = None;
    if o.get {
        let mut buf = [0u8; 20];
        let cur = match ctx.srv.lookup_read(db, key) {
            None => None,
            Some(v) => Some(v.string_bytes(&mut buf).ok_or_else(ReplyError::wrong_type)?.to_vec()),
        };
        old = Some(cur);
    }
    // Only NX/XX need to know whether the key exists; otherwise just expire
    // it if due, so the overwrite below starts from a clean slate.
    let exists = if o.nx || o.xx {
        ctx.srv.key_exists(db, key)
    } else {
        ctx.srv.expire_if_needed(db, key);
        false
    };
    if (o.nx && exists) || (o.xx && !exists) {
        match old {
            Some(Some(v)) => ctx.c.out.bulk(&v),
            Some(None) => ctx.c.out.null(),
            None if nx_reply_int => ctx.c.out.int(0),
            None => ctx.c.out.null(),
        }
        return Ok(());
    }
    let val = Value::from_bytes(ctx.arg(2));
    if let Some(old) = ctx.srv.dbs[db].set(key, val, o.keepttl) {
        ctx.srv.free_value(old, ctx.srv.config.lazyfree_lazy_server_del);
    }
    ctx.srv.key_modified(db, key, event::STRING, "set");
    if let Some(when) = expire {
        ctx.srv.dbs[db].set_expire(key, when);
        ctx.srv.notify_keyspace_event(event::GENERIC, "expire", key, db);
        // Propagate a relative expire as an absolute one.
        let pxat = when.to_string();
        ctx.rewrite_argv(&[&b"SET"[..], key, ctx.arg(2), b"PXAT", pxat.as_bytes()]);
    }
    match old {
        Some(Some(v)) => ctx.c.out.bulk(&v),
        Some(None) => ctx.c.out.null(),
        None if nx_reply_int => ctx.c.out.int(1),
        None => ctx.c.out.ok(),
    }
    Ok(())
}

/// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds |
/// EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
pub fn set(ctx: &mut Ctx) -> CmdResult {
    let o = parse_set_options(ctx, 3, false)?;
    let expire = match o.expire {
        Some((i, secs, abs)) => {
            let unit = if secs { ExpireUnit::Seconds } else { ExpireUnit::Millis };
            let when = expire_deadline(ctx, ctx.arg(i), unit, abs, "set")?;
            // SET ... PXAT needs no rewrite; everything else becomes PXAT.
            if abs && !secs {
                Some((when, false))
            } else {
                Some((when, true))
            }
        }
        None => None,
    };
    set_generic(ctx, &o, expire.map(|e| e.0), false)?;
    if let Some((_, false)) = expire {
        ctx.rewritten = None;
    }
    Ok(())
}

/// SETNX key value: 1 if set, 0 if the key existed.
pub fn setnx(ctx: &mut Ctx) -> CmdResult {
    let o = SetOptions { nx: true, ..Default::default() };
    set_generic(ctx, &o, None, true)
}

/// SETEX key seconds value
pub fn setex(ctx: &mut Ctx) -> CmdResult {
    setex_generic(ctx, ExpireUnit::Seconds, "setex")
}

/// PSETEX key milliseconds value
pub fn psetex(ctx: &mut Ctx) -> CmdResult {
    setex_generic(ctx, ExpireUnit::Millis, "psetex")
}

fn setex_generic(ctx: &mut Ctx, unit: ExpireUnit, cmd: &str) -> CmdResult {
    let when = expire_deadline(ctx, ctx.arg(2), unit, false, cmd)?;
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let val = Value::from_bytes(ctx.arg(3));
    ctx.srv.expire_if_needed(db, key);
    ctx.srv.dbs[db].set(key, val, false);
    ctx.srv.dbs[db].set_expire(key, when);
    ctx.srv.key_modified(db, key, event::STRING, "set");
    ctx.srv.notify_keyspace_event(event::GENERIC, "expire", key, db);
    let pxat = when.to_string();
    ctx.rewrite_argv(&[&b"SET"[..], key, ctx.arg(3), b"PXAT", pxat.as_bytes()]);
    ctx.c.out.ok();
    Ok(())
}

/// GETSET key value: the old value, then SET (propagated as SET).
pub fn getset(ctx: &mut Ctx) -> CmdResult {
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let mut buf = [0u8; 20];
    let old = read_string(ctx.srv, db, key, &mut buf)?.map(|v| v.to_vec());
    let val = ctx.arg(2);
    ctx.srv.dbs[db].set(key, Value::from_bytes(val), false);
    ctx.srv.key_modified(db, key, event::STRING, "set");
    ctx.rewrite_argv(&[&b"SET"[..], key, val]);
    match old {
        Some(v) => ctx.c.out.bulk(&v),
        None => ctx.c.out.null(),
    }
    Ok(())
}

/// GETDEL key: the value, and the key is deleted (propagated as DEL).
pub fn getdel(ctx: &mut Ctx) -> CmdResult {
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let mut buf = [0u8; 20];
    let Some(v) = read_string(ctx.srv, db, key, &mut buf)? else {
        ctx.c.out.null();
        return Ok(());
    };
    ctx.c.out.bulk(v);
    ctx.srv.delete_key(db, key, false);
    ctx.srv.key_modified(db, key, event::GENERIC, "del");
    ctx.rewrite_argv(&[&b"DEL"[..], key]);
    Ok(())
}

/// GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
/// PXAT unix-time-milliseconds | PERSIST]
pub fn getex(ctx: &mut Ctx) -> CmdResult {
    let o = parse_set_options(ctx, 2, true)?;
    let db = ctx.c.db;
    let key = ctx.arg(1);
    // Redis checks the key (missing: nil, wrong type) before it validates
    // the expire value.
    let mut buf = [0u8; 20];
    let Some(v) = read_string(ctx.srv, db, key, &mut buf)?.map(|v| v.to_vec()) else {
        ctx.c.out.null();
        return Ok(());
    };
    let expire = match o.expire {
        Some((i, secs, abs)) => {
            let unit = if secs { ExpireUnit::Seconds } else { ExpireUnit::Millis };
            Some((expire_deadline(ctx, ctx.arg(i), unit, abs, "getex")?, abs))
        }
        None => None,
    };
    ctx.c.out.bulk(&v);
    match expire {
        Some((when, true)) if when <= ctx.srv.now_ms => {
            // An absolute deadline already in the past deletes the key.
            let lazy = ctx.srv.config.lazyfree_lazy_expire;
            ctx.srv.delete_key(db, key, lazy);
            ctx.srv.key_modified(db, key, event::GENERIC, "del");
            ctx.rewrite_argv(&[if lazy { &b"UNLINK"[..] } else { b"DEL" }, key]);
        }
        Some((when, _)) => {
            ctx.srv.dbs[db].set_expire(key, when);
            ctx.srv.key_modified(db, key, event::GENERIC, "expire");
            let w = when.to_string();
            ctx.rewrite_argv(&[&b"PEXPIREAT"[..], key, w.as_bytes()]);
        }
        None if o.persist => {
            if ctx.srv.dbs[db].remove_expire(key) {
                ctx.srv.key_modified(db, key, event::GENERIC, "persist");
                ctx.rewrite_argv(&[&b"PERSIST"[..], key]);
            }
        }
        None => {}
    }
    Ok(())
}

/// MGET key [key ...]: nulls for missing keys and non-strings.
pub fn mget(ctx: &mut Ctx) -> CmdResult {
    let db = ctx.c.db;
    ctx.c.out.array(ctx.argc() - 1);
    for key in ctx.args_from(1) {
        let mut buf = [0u8; 20];
        match ctx.srv.lookup_read(db, key).and_then(|v| v.string_bytes(&mut buf)) {
            Some(v) => ctx.c.out.bulk(v),
            None => ctx.c.out.null(),
        }
    }
    Ok(())
}

fn mset_generic(ctx: &mut Ctx, nx: bool) -> CmdResult {
    if ctx.argc() % 2 == 0 {
        return Err(ReplyError::wrong_arity(if nx { "msetnx" } else { "mset" }));
    }
    let db = ctx.c.db;
    if nx {
        for i in (1..ctx.argc()).step_by(2) {
            if ctx.srv.key_exists(db, ctx.arg(i)) {
                ctx.c.out.int(0);
                return Ok(());
            }
        }
    }
    for i in (1..ctx.argc()).step_by(2) {
        let key = ctx.arg(i);
        ctx.srv.expire_if_needed(db, key);
        let val = ctx.arg(i + 1);
        ctx.srv.dbs[db].set(key, Value::from_bytes(val), false);
        ctx.srv.key_modified(db, key, event::STRING, "set");
    }
    if nx {
        ctx.c.out.int(1);
    } else {
        ctx.c.out.ok();
    }
    Ok(())
}

/// MSET key value [key value ...]
pub fn mset(ctx: &mut Ctx) -> CmdResult {
    mset_generic(ctx, false)
}

/// MSETNX key value [key value ...]: 1 if all were set, 0 if any existed.
pub fn msetnx(ctx: &mut Ctx) -> CmdResult {
    mset_generic(ctx, true)
}

/// APPEND key value: the new length.
pub fn append(ctx: &mut Ctx) -> CmdResult {
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let add = ctx.arg(2);
    let proto_max = ctx.srv.config.proto_max_bulk_len;
    let new_len = match ctx.srv.lookup_write(db, key) {
        None => {
            ctx.srv.dbs[db].add(key, Value::from_bytes(add));
            add.len()
        }
        Some(v) => {
            let cur = v.string_len().ok_or_else(ReplyError::wrong_type)?;
            let total = (cur + add.len()) as u64;
            if total > proto_max as u64 || total > crate::types::sds::MAX_LEN as u64 {
                return Err(ReplyError::string_too_long());
            }
            let s = v.make_raw().unwrap();
            s.extend_from_slice(add);
            s.len()
        }
    };
    ctx.srv.key_modified(db, key, event::STRING, "append");
    ctx.c.out.int(new_len as i64);
    Ok(())
}

/// STRLEN key
pub fn strlen(ctx: &mut Ctx) -> CmdResult {
    let len = match ctx.srv.lookup_read(ctx.c.db, ctx.arg(1)) {
        None => 0,
        Some(v) => v.string_len().ok_or_else(ReplyError::wrong_type)?,
    };
    ctx.c.out.int(len as i64);
    Ok(())
}

/// The shared body of INCR, DECR, INCRBY, DECRBY (incrDecrCommand).
fn incr_by(ctx: &mut Ctx, by: i64) -> CmdResult {
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let result = match ctx.srv.lookup_write(db, key) {
        None => {
            ctx.srv.dbs[db].add(key, Value::Int(by));
            by
        }
        Some(v) => {
            let cur = match &*v {
                Value::Int(n) => *n,
                other => {
                    let mut buf = [0u8; 20];
                    let bytes = other.string_bytes(&mut buf).ok_or_else(ReplyError::wrong_type)?;
                    parse_i64_strict(bytes).ok_or_else(ReplyError::not_integer)?
                }
            };
            let n = cur.checked_add(by).ok_or_else(ReplyError::overflow)?;
            *v = Value::Int(n);
            n
        }
    };
    ctx.srv.key_modified(db, key, event::STRING, "incrby");
    ctx.c.out.int(result);
    Ok(())
}

/// INCR key
pub fn incr(ctx: &mut Ctx) -> CmdResult {
    incr_by(ctx, 1)
}

/// DECR key
pub fn decr(ctx: &mut Ctx) -> CmdResult {
    incr_by(ctx, -1)
}

/// INCRBY key increment
pub fn incrby(ctx: &mut Ctx) -> CmdResult {
    let by = args::int(ctx.arg(2))?;
    incr_by(ctx, by)
}

/// DECRBY key decrement
pub fn decrby(ctx: &mut Ctx) -> CmdResult {
    let by = args::int(ctx.arg(2))?;
    if by == i64::MIN {
        return Err(ReplyError::decrement_overflow());
    }
    incr_by(ctx, -by)
}

/// INCRBYFLOAT key increment: the new value as a bulk string; propagated
/// as SET ... KEEPTTL so replicas do not redo float arithmetic.
pub fn incrbyfloat(ctx: &mut Ctx) -> CmdResult {
    use crate::util::num::{incr_long_double, LdIncrError};
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let mut buf = [0u8; 20];
    let cur = match ctx.srv.lookup_write(db, key) {
        None => None,
        Some(v) => Some(v.string_bytes(&mut buf).ok_or_else(ReplyError::wrong_type)?.to_vec()),
    };
    let text = incr_long_double(cur.as_deref(), ctx.arg(2)).map_err(|e| match e {
        LdIncrError::BadValue | LdIncrError::BadIncrement => ReplyError::not_float(),
        LdIncrError::NanOrInf => ReplyError::nan_or_inf(),
    })?;
    ctx.srv.dbs[db].set(key, Value::from_bytes(&text), true);
    ctx.srv.key_modified(db, key, event::STRING, "incrbyfloat");
    ctx.rewrite_argv(&[&b"SET"[..], key, &text, b"KEEPTTL"]);
    ctx.c.out.bulk(&text);
    Ok(())
}

/// GETRANGE key start end (and the old SUBSTR): inclusive, negative
/// offsets count from the end.
pub fn getrange(ctx: &mut Ctx) -> CmdResult {
    let mut start = args::int(ctx.arg(2))?;
    let mut end = args::int(ctx.arg(3))?;
    let mut buf = [0u8; 20];
    let Some(s) = read_string(ctx.srv, ctx.c.db, ctx.arg(1), &mut buf)? else {
        ctx.c.out.bulk(b"");
        return Ok(());
    };
    let len = s.len() as i64;
    if start < 0 && end < 0 && start > end {
        ctx.c.out.bulk(b"");
        return Ok(());
    }
    if start < 0 {
        start += len;
    }
    if end < 0 {
        end += len;
    }
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if start > end || len == 0 {
        ctx.c.out.bulk(b"");
    } else {
        ctx.c.out.bulk(&s[start as usize..=end as usize]);
    }
    Ok(())
}

/// SETRANGE key offset value: the new length.
pub fn setrange(ctx: &mut Ctx) -> CmdResult {
    let offset = args::int(ctx.arg(2))?;
    if offset < 0 {
        return Err(ReplyError::offset_out_of_range());
    }
    let offset = offset as u64;
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let val = ctx.arg(3);
    let proto_max = ctx.srv.config.proto_max_bulk_len as u64;
    let too_long = |total: u64| total > proto_max || total > crate::types::sds::MAX_LEN as u64;
    let new_len = match ctx.srv.lookup_write(db, key) {
        None => {
            if val.is_empty() {
                ctx.c.out.int(0);
                return Ok(());
            }
            if too_long(offset + val.len() as u64) {
                return Err(ReplyError::string_too_long());
            }
            let mut s = crate::types::sds::Sds::with_capacity(b"", offset as usize + val.len());
            s.resize_zeroed(offset as usize);
            s.extend_from_slice(val);
            let len = s.len();
            ctx.srv.dbs[db].add(key, Value::raw_string(s));
            len
        }
        Some(v) => {
            let cur = v.string_len().ok_or_else(ReplyError::wrong_type)?;
            if val.is_empty() {
                ctx.c.out.int(cur as i64);
                return Ok(());
            }
            if too_long(offset + val.len() as u64) {
                return Err(ReplyError::string_too_long());
            }
            let s = v.make_raw().unwrap();
            let end = offset as usize + val.len();
            if end > s.len() {
                s.resize_zeroed(end);
            }
            s.as_mut_bytes()[offset as usize..end].copy_from_slice(val);
            s.len()
        }
    };
    ctx.srv.key_modified(db, key, event::STRING, "setrange");
    ctx.c.out.int(new_len as i64);
    Ok(())
}

/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]
pub fn lcs(ctx: &mut Ctx) -> CmdResult {
    let db = ctx.c.db;
    let (k1, k2) = (ctx.arg(1), ctx.arg(2));
    let srv = &mut *ctx.srv;
    let mut fetch = |key: &[u8]| -> Result<Vec<u8>, ReplyError> {
        let mut buf = [0u8; 20];
        match srv.lookup_read(db, key) {
            None => Ok(Vec::new()),
            Some(v) => v.string_bytes(&mut buf).map(|b| b.to_vec()).ok_or_else(ReplyError::lcs_not_strings),
        }
    };
    let a = fetch(k1)?;
    let b = fetch(k2)?;
    let (mut getlen, mut getidx, mut withmatchlen, mut minmatchlen) = (false, false, false, 0i64);
    let mut i = 3;
    while i < ctx.argc() {
        let opt = ctx.arg(i);
        if args::is(opt, "idx") {
            getidx = true;
        } else if args::is(opt, "len") {
            getlen = true;
        } else if args::is(opt, "withmatchlen") {
            withmatchlen = true;
        } else if args::is(opt, "minmatchlen") && i + 1 < ctx.argc() {
            minmatchlen = args::int(ctx.arg(i + 1))?.max(0);
            i += 1;
        } else {
            return Err(ReplyError::syntax());
        }
        i += 1;
    }
    if getidx && getlen {
        return Err(ReplyError::lcs_len_and_idx());
    }
    if a.len() >= u32::MAX as usize - 1 || b.len() >= u32::MAX as usize - 1 {
        return Err(ReplyError::lcs_string_too_long());
    }
    let (alen, blen) = (a.len(), b.len());
    let cells = (alen as u64 + 1) * (blen as u64 + 1);
    let bytes = cells.saturating_mul(4);
    let mut dp: Vec<u32> = Vec::new();
    if bytes > ctx.srv.config.proto_max_bulk_len as u64 || dp.try_reserve_exact(cells as usize).is_err() {
        return Err(ReplyError::lcs_out_of_memory());
    }
    dp.resize(cells as usize, 0);
    let w = blen + 1;
    for i in 1..=alen {
        for j in 1..=blen {
            dp[i * w + j] = if a[i - 1] == b[j - 1] { dp[(i - 1) * w + j - 1] + 1 } else { dp[(i - 1) * w + j].max(dp[i * w + j - 1]) };
        }
    }
    let total = dp[alen * w + blen];
    let out = &mut ctx.c.out;
    let computelcs = getidx || !getlen;
    let mut result = vec![0u8; total as usize];
    let mut idx = total as usize;
    let mut deferred = None;
    if getidx {
        out.map(2);
        out.bulk(b"matches");
        deferred = Some(out.deferred());
    }
    let (mut arange_start, mut arange_end, mut brange_start, mut brange_end) = (alen, 0usize, 0usize, 0usize);
    let mut emitted = 0;
    let (mut i, mut j) = (alen, blen);
    while computelcs && i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            result[idx - 1] = a[i - 1];
            if arange_start == alen {
                arange_start = i - 1;
                arange_end = i - 1;
                brange_start = j - 1;
                brange_end = j - 1;
            } else if arange_start == i && brange_start == j {
                arange_start -= 1;
                brange_start -= 1;
            } else {
                emit = true;
            }
            if arange_start == 0 || brange_start == 0 {
                emit = true;
            }
            idx -= 1;
            i -= 1;
            j -= 1;
        } else {
            if dp[(i - 1) * w + j] > dp[i * w + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            if arange_start != alen {
                emit = true;
            }
        }
        let match_len = arange_end as i64 - arange_start as i64 + 1;
        if emit {
            if (minmatchlen == 0 || match_len >= minmatchlen) && deferred.is_some() {
                out.array(2 + withmatchlen as usize);
                out.array(2);
                out.int(arange_start as i64);
                out.int(arange_end as i64);
                out.array(2);
                out.int(brange_start as i64);
                out.int(brange_end as i64);
                if withmatchlen {
                    out.int(match_len);
                }
                emitted += 1;
            }
            arange_start = alen;
        }
    }
    if let Some(d) = deferred {
        out.set_deferred_array(d, emitted);
        out.bulk(b"len");
        out.int(total as i64);
    } else if getlen {
        out.int(total as i64);
    } else {
        out.bulk(&result);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::TestServer;

    // Expected bytes taken from redis-server 7.0.15.
    #[test]
    fn strings_basic() {
        let mut t = TestServer::new();
        t.check(&[
            ("SET k v", "+OK\r\n"),
            ("GET k", "$1\r\nv\r\n"),
            ("GET nokey", "$-1\r\n"),
            ("SET k v2 NX", "$-1\r\n"),
            ("SET k v3 XX GET", "$1\r\nv\r\n"),
            ("SET k v NX XX", "-ERR syntax error\r\n"),
            ("SET k v EX 0", "-ERR invalid expire time in 'set' command\r\n"),
            ("SET k v EX abc", "-ERR value is not an integer or out of range\r\n"),
            ("SET k v KEEPTTL EX 10", "-ERR syntax error\r\n"),
            ("SETNX k x", ":0\r\n"),
            ("SETNX k2 x", ":1\r\n"),
            ("APPEND k2 yz", ":3\r\n"),
            ("STRLEN k2", ":3\r\n"),
            ("GETRANGE k2 0 -2", "$2\r\nxy\r\n"),
            ("GETRANGE k2 -1 -5", "$0\r\n\r\n"),
            ("SETRANGE k2 5 ab", ":7\r\n"),
            ("GET k2", "$7\r\nxyz\0\0ab\r\n"),
            ("SETRANGE k2 -1 ab", "-ERR offset is out of range\r\n"),
            ("MSET a 1 b 2", "+OK\r\n"),
            ("MSET a 1 b", "-ERR wrong number of arguments for 'mset' command\r\n"),
            ("MGET a b nokey", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n"),
            ("MSETNX a 1 c 3", ":0\r\n"),
            ("GETDEL a", "$1\r\n1\r\n"),
            ("GETDEL a", "$-1\r\n"),
            ("GETSET b 5", "$1\r\n2\r\n"),
        ]);
    }

    #[test]
    fn counters() {
        let mut t = TestServer::new();
        t.check(&[
            ("INCR n", ":1\r\n"),
            ("INCRBY n 10", ":11\r\n"),
            ("DECRBY n 20", ":-9\r\n"),
            ("DECR n", ":-10\r\n"),
            ("SET n 9223372036854775807", "+OK\r\n"),
            ("INCR n", "-ERR increment or decrement would overflow\r\n"),
            ("SET s abc", "+OK\r\n"),
            ("INCR s", "-ERR value is not an integer or out of range\r\n"),
            ("INCRBY n x", "-ERR value is not an integer or out of range\r\n"),
            ("DECRBY n -9223372036854775808", "-ERR decrement would overflow\r\n"),
            ("SET f 10.5", "+OK\r\n"),
            ("INCRBYFLOAT f 0.1", "$4\r\n10.6\r\n"),
            ("INCRBYFLOAT f abc", "-ERR value is not a valid float\r\n"),
            ("INCRBYFLOAT s 1", "-ERR value is not a valid float\r\n"),
            ("INCRBYFLOAT f inf", "-ERR increment would produce NaN or Infinity\r\n"),
            ("INCRBYFLOAT g 5", "$1\r\n5\r\n"),
            ("INCRBYFLOAT g 5.0e3", "$4\r\n5005\r\n"),
        ]);
    }

    #[test]
    fn lcs_like_redis() {
        let mut t = TestServer::new();
        t.check(&[
            ("MSET key1 ohmytext key2 mynewtext", "+OK\r\n"),
            ("LCS key1 key2", "$6\r\nmytext\r\n"),
            ("LCS key1 key2 LEN", ":6\r\n"),
            (
                "LCS key1 key2 IDX",
                "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n",
            ),
            (
                "LCS key1 key2 IDX MINMATCHLEN 4 WITHMATCHLEN",
                "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n",
            ),
            ("LCS key1 key2 LEN IDX", "-ERR If you want both the length and indexes, please just use IDX.\r\n"),
        ]);
    }
}
