//! The HyperLogLog commands; mirrors the command half of hyperloglog.c.
//! The representation and algorithms live in `types::hll`; an HLL is an
//! ordinary string value whose bytes follow Redis's layout.

use super::errors::{CmdResult, ReplyError};
use super::keyspec::*;
use super::table::{acl, flag::*, Command};
use super::Ctx;
use crate::db::keyspace::event;
use crate::types::hll::{self, Corrupt, REGISTERS};
use crate::types::sds::Sds;
use crate::types::value::Value;

const H: u32 = acl::HYPERLOGLOG;

pub const COMMANDS: &[Command] = &[
    Command::new("pfadd", -2, pfadd).flags(WRITE | DENYOOM | FAST).acl(H).key_specs(&[key(1, RW | INSERT)]).group("hyperloglog")
        .doc("2.8.9", "O(1) to add every element.", "Adds the specified elements to the specified HyperLogLog.")
        .args("key:key [element...]"),
    Command::new("pfcount", -2, pfcount).flags(READONLY).acl(H)
        .key_specs(&[key(1, RW | ACCESS).range(-1, 1, 0).notes("RW because it may change the internal representation of the key, and propagate to replicas")])
        .group("hyperloglog")
        .doc("2.8.9", "O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.", "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).")
        .args("key:key..."),
    Command::new("pfmerge", -2, pfmerge).flags(WRITE | DENYOOM).acl(H).key_specs(&[key(1, RW | ACCESS | INSERT), key(2, RO | ACCESS).range(-1, 1, 0)]).group("hyperloglog")
        .doc("2.8.9", "O(N) to merge N HyperLogLogs, but with high constant times.", "Merge N different HyperLogLogs into a single one.")
        .args("destkey:key sourcekey:key..."),
    Command::new("pfdebug", 3, pfdebug).flags(WRITE | DENYOOM | ADMIN).acl(H).key_specs(&[key(2, RW | ACCESS)]).group("hyperloglog")
        .doc("2.8.9", "N/A", "Internal commands for debugging HyperLogLog values")
        .syscmd()
        .args("subcommand key:key"),
    Command::new("pfselftest", 1, pfselftest).flags(ADMIN).acl(H).group("hyperloglog")
        .doc("2.8.9", "N/A", "An internal command for testing HyperLogLog values")
        .syscmd(),
];

fn corrupt(_: Corrupt) -> ReplyError {
    ReplyError::hll_corrupt()
}

/// The bytes of a value that must be an HLL (isHLLObjectOrReply): another
/// type is the usual WRONGTYPE, a string that is not an HLL the HLL one.
fn hll_bytes(v: &Value) -> Result<&[u8], ReplyError> {
    match v {
        Value::Emb { .. } | Value::Int(_) => Err(ReplyError::hll_wrong_type()),
        Value::Str(s) if hll::is_valid(s.as_bytes()) => Ok(s.as_bytes()),
        Value::Str(_) => Err(ReplyError::hll_wrong_type()),
        _ => Err(ReplyError::wrong_type()),
    }
}

/// An HLL value for modification, as a raw string (dbUnshareStringValue).
fn hll_for_write(v: &mut Value) -> Result<&mut Sds, ReplyError> {
    hll_bytes(v)?;
    Ok(v.make_raw().expect("a string value"))
}

/// Adds every element to `s`; the number of registers changed.
fn add_all<'a>(s: &mut Sds, elements: impl Iterator<Item = &'a [u8]>, sparse_max: usize) -> Result<u64, Corrupt> {
    let mut updated = 0;
    for e in elements {
        updated += hll::add(s, e, sparse_max)? as u64;
    }
    if updated > 0 {
        hll::invalidate_cache(s.as_mut_bytes());
    }
    Ok(updated)
}

/// PFADD key [element [element ...]]: 1 if a register changed (or the key
/// was created), else 0.
pub fn pfadd(ctx: &mut Ctx) -> CmdResult {
    let db = ctx.c.db;
    let key = ctx.arg(1);
    let elements = ctx.args_from(2);
    let sparse_max = ctx.srv.config.hll_sparse_max_bytes;
    let updated = match ctx.srv.lookup_write(db, key) {
        Some(v) => add_all(hll_for_write(v)?, elements, sparse_max).map_err(corrupt)?,
        None => {
            let mut s = hll::new_sparse();
            let n = add_all(&mut s, elements, sparse_max).map_err(corrupt)?;
            // Created counts as updated, so the cache reads as stale even
            // with no elements (the bytes GET shows are Redis's).
            hll::invalidate_cache(s.as_mut_bytes());
            ctx.srv.db_add(db, key, Value::raw_string(s));
            n + 1
        }
    };
    if updated > 0 {
        ctx.srv.key_modified(db, key, event::STRING, "pfadd");
        ctx.srv.dirty += updated - 1;
    }
    ctx.c.out.int((updated > 0) as i64);
    Ok(())
}

/// PFCOUNT key [key ...]: the estimated cardinality of one HLL (served
/// from, or written back to, its cache) or of the union of several
/// (computed without modifying them).
pub fn pfcount(ctx: &mut Ctx) -> CmdResult {
    let db = ctx.c.db;
    if ctx.argc() > 2 {
        let mut max = [0u8; REGISTERS];
        for key in ctx.args_from(1) {
            let Some(v) = ctx.srv.lookup_read(db, key) else { continue };
            hll::merge_into(&mut max, hll_bytes(v)?).map_err(corrupt)?;
        }
        ctx.c.out.int(hll::count_raw(&max) as i64);
        return Ok(());
    }
    let key = ctx.arg(1);
    let Some(v) = ctx.srv.lookup_read(db, key) else {
        ctx.c.out.int(0);
        return Ok(());
    };
    let bytes = hll_bytes(v)?;
    // The common case: a valid cache on a value that is already raw needs
    // no write access.
    if let (Some(card), true) = (hll::cached_card(bytes), v.encoding() == "raw") {
        ctx.c.out.int(card as i64);
        return Ok(());
    }
    let v = ctx.srv.dbs[db].dict.get_mut(key).expect("key just looked up");
    let s = v.make_raw().expect("a string value");
    let card = match hll::cached_card(s.as_bytes()) {
        Some(card) => card,
        None => {
            let card = hll::count(s.as_bytes()).map_err(corrupt)?;
            hll::set_cached_card(s.as_mut_bytes(), card);
            // Read-only, yet it changed the string: Redis propagates it.
            ctx.srv.signal_modified_key(db, key);
            ctx.srv.dirty += 1;
            card
        }
    };
    ctx.c.out.int(card as i64);
    Ok(())
}

/// PFMERGE destkey [sourcekey [sourcekey ...]]: destkey becomes the union
/// of itself and the sources.
pub fn pfmerge(ctx: &mut Ctx) -> CmdResult {
    let db = ctx.c.db;
    let mut max = [0u8; REGISTERS];
    let mut use_dense = false;
    for key in ctx.args_from(1) {
        let Some(v) = ctx.srv.lookup_read(db, key) else { continue };
        let bytes = hll_bytes(v)?;
        use_dense |= hll::encoding(bytes) == hll::DENSE;
        hll::merge_into(&mut max, bytes).map_err(corrupt)?;
    }
    let dest = ctx.arg(1);
    let sparse_max = ctx.srv.config.hll_sparse_max_bytes;
    let fill = |s: &mut Sds| -> Result<(), Corrupt> {
        if use_dense {
            hll::sparse_to_dense(s)?;
        }
        for (i, &m) in max.iter().enumerate() {
            if m != 0 {
                // As Redis, a failure setting one register is not reported.
                let _ = hll::set(s, i, m, sparse_max);
            }
        }
        hll::invalidate_cache(s.as_mut_bytes());
        Ok(())
    };
    match ctx.srv.lookup_write(db, dest) {
        // Already validated as a source.
        Some(v) => fill(v.make_raw().expect("a string value")).map_err(corrupt)?,
        None => {
            let mut s = hll::new_sparse();
            fill(&mut s).map_err(corrupt)?;
            ctx.srv.db_add(db, dest, Value::raw_string(s));
        }
    }
    // A PFADD event: in effect a mass add of elements.
    ctx.srv.key_modified(db, dest, event::STRING, "pfadd");
    ctx.c.out.ok();
    Ok(())
}

/// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key
pub fn pfdebug(ctx: &mut Ctx) -> CmdResult {
    let db = ctx.c.db;
    let sub = ctx.arg(1);
    let Some(v) = ctx.srv.lookup_write(db, ctx.arg(2)) else {
        return Err(ReplyError::key_does_not_exist());
    };
    let s = hll_for_write(v)?;
    let sparse = hll::encoding(s.as_bytes()) == hll::SPARSE;
    let is = |name: &str| sub.eq_ignore_ascii_case(name.as_bytes());
    if is("getreg") {
        if sparse {
            hll::sparse_to_dense(s).map_err(corrupt)?;
        }
        let regs = &s.as_bytes()[hll::HDR_SIZE..];
        let out = &mut ctx.c.out;
        out.array(REGISTERS);
        for i in 0..REGISTERS {
            out.int(hll::get_register(regs, i) as i64);
        }
        // Force propagation of the encoding change.
        ctx.srv.dirty += sparse as u64;
    } else if is("decode") {
        if !sparse {
            return Err(ReplyError::hll_not_sparse());
        }
        let text = hll::decode_sparse(s.as_bytes());
        ctx.c.out.bulk(text.as_bytes());
    } else if is("encoding") {
        ctx.c.out.simple(if sparse { "sparse" } else { "dense" });
    } else if is("todense") {
        if sparse {
            hll::sparse_to_dense(s).map_err(corrupt)?;
        }
        ctx.srv.dirty += sparse as u64;
        ctx.c.out.int(sparse as i64);
    } else {
        return Err(ReplyError::pfdebug_unknown_subcommand(sub));
    }
    Ok(())
}

/// PFSELFTEST: checks the register access and the estimator on 10M
/// elements (slow: seconds).
pub fn pfselftest(ctx: &mut Ctx) -> CmdResult {
    let sparse_max = ctx.srv.config.hll_sparse_max_bytes;
    match hll::self_test(sparse_max, || (crate::util::rand::random_u64() >> 33) as u32) {
        Ok(()) => ctx.c.out.ok(),
        Err(failure) => return Err(ReplyError::hll_self_test_failed(failure)),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::TestServer;

    // Expected bytes taken from redis-server 7.0.15 (scripts/oracle.py).
    #[test]
    fn pfadd_pfcount_pfmerge() {
        let mut t = TestServer::new();
        t.check(&[
            ("PFADD h a b c d e f g", ":1\r\n"),
            ("PFADD h a", ":0\r\n"),
            ("PFADD h", ":0\r\n"),
            ("PFADD new", ":1\r\n"),
            ("PFCOUNT new", ":0\r\n"),
            ("PFCOUNT h", ":7\r\n"),
            ("PFCOUNT h nokey", ":7\r\n"),
            ("PFCOUNT nokey", ":0\r\n"),
            ("PFDEBUG ENCODING h", "+sparse\r\n"),
            ("PFDEBUG DECODE h", "$93\r\nZ:1646 v:1,1 Z:5645 v:1,1 Z:1085 v:2,1 z:57 v:1,1 Z:4274 v:2,1 Z:2445 v:1,1 Z:622 v:1,1 Z:603\r\n"),
            ("OBJECT ENCODING new", "$3\r\nraw\r\n"),
            ("STRLEN h", ":38\r\n"),
            ("PFADD h2 x y z a", ":1\r\n"),
            ("PFMERGE dst h h2", "+OK\r\n"),
            ("PFCOUNT dst", ":10\r\n"),
            ("PFCOUNT h h2", ":10\r\n"),
            ("PFDEBUG DECODE dst", "$127\r\nZ:1646 v:1,1 Z:5645 v:1,1 Z:1085 v:2,1 z:57 v:1,1 Z:144 v:1,1 Z:4129 v:2,1 Z:2220 v:3,1 Z:224 v:1,1 Z:622 v:1,1 Z:593 v:2,1 z:9\r\n"),
            ("PFDEBUG TODENSE dst", ":1\r\n"),
            ("PFDEBUG TODENSE dst", ":0\r\n"),
            ("PFDEBUG ENCODING dst", "+dense\r\n"),
            ("PFDEBUG DECODE dst", "-ERR HLL encoding is not sparse\r\n"),
            ("STRLEN dst", ":12304\r\n"),
            ("PFCOUNT dst", ":10\r\n"),
            ("PFMERGE dst2 dst h", "+OK\r\n"),
            ("PFDEBUG ENCODING dst2", "+dense\r\n"),
            ("PFCOUNT dst2", ":10\r\n"),
            ("PFMERGE nokey2", "+OK\r\n"),
            ("EXISTS nokey2", ":1\r\n"),
        ]);
        // Binary replies, compared as bytes.
        assert_eq!(t.run(&["GET", "new"]), b"$18\r\nHYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff\r\n");
        assert_eq!(t.run(&["GET", "nokey2"]), b"$18\r\nHYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff\r\n");
    }

    #[test]
    fn wrong_types_and_errors() {
        let mut t = TestServer::new();
        t.check(&[
            ("PFADD h a b c", ":1\r\n"),
            ("SET s foo", "+OK\r\n"),
            ("PFADD s a", "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
            ("PFCOUNT s", "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
            ("PFCOUNT h s", "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
            ("PFMERGE s h", "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
            ("LPUSH l a", ":1\r\n"),
            ("PFADD l a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("PFCOUNT l", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("PFCOUNT h l", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("PFDEBUG GETREG nokey", "-ERR The specified key does not exist\r\n"),
            ("PFDEBUG foo h", "-ERR Unknown PFDEBUG subcommand 'foo'\r\n"),
            ("PFDEBUG ENCODING s", "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
            ("PFADD", "-ERR wrong number of arguments for 'pfadd' command\r\n"),
            ("PFDEBUG decode", "-ERR wrong number of arguments for 'pfdebug' command\r\n"),
            ("PFSELFTEST x", "-ERR wrong number of arguments for 'pfselftest' command\r\n"),
        ]);
    }

    #[test]
    fn corrupt_and_handmade_values() {
        let mut t = TestServer::new();
        t.check(&[
            // A sparse HLL covering only 16129 registers, with a valid cache.
            (r#"SET bad "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\x00""#, "+OK\r\n"),
            ("PFCOUNT bad", ":0\r\n"),
            ("PFADD bad foo", ":1\r\n"),
            ("PFCOUNT bad bad", "-INVALIDOBJ Corrupted HLL object detected\r\n"),
            ("PFMERGE x bad", "-INVALIDOBJ Corrupted HLL object detected\r\n"),
            ("PFDEBUG GETREG bad", "-INVALIDOBJ Corrupted HLL object detected\r\n"),
            ("PFDEBUG DECODE bad", "$19\r\nZ:7348 v:5,1 Z:8780\r\n"),
            ("OBJECT ENCODING bad", "$3\r\nraw\r\n"),
            ("PFDEBUG TODENSE bad", "-INVALIDOBJ Corrupted HLL object detected\r\n"),
            ("PFDEBUG ENCODING bad", "+sparse\r\n"),
            (r#"SET bad2 "HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff""#, "+OK\r\n"),
            ("PFCOUNT bad2", "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
            (r#"SET bad3 "HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff""#, "+OK\r\n"),
            ("PFCOUNT bad3", "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
            (r#"SET ok "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff""#, "+OK\r\n"),
            ("OBJECT ENCODING ok", "$6\r\nembstr\r\n"),
            ("PFCOUNT ok", ":0\r\n"),
            ("OBJECT ENCODING ok", "$3\r\nraw\r\n"),
            (r#"SET cached "HYLL\x01\x00\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00\x7f\xff""#, "+OK\r\n"),
            ("PFCOUNT cached", ":5\r\n"),
            (r#"SET over "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff\x80""#, "+OK\r\n"),
            ("PFCOUNT over", "-INVALIDOBJ Corrupted HLL object detected\r\n"),
            ("PFADD over a", ":1\r\n"),
            ("PFDEBUG DECODE over", "$26\r\nZ:12711 v:2,1 Z:3672 v:1,1\r\n"),
            (r#"SET short "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00""#, "+OK\r\n"),
            ("PFCOUNT short", "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
            (r#"SET empty "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80""#, "+OK\r\n"),
            ("PFCOUNT empty", "-INVALIDOBJ Corrupted HLL object detected\r\n"),
            ("PFADD empty a", "-INVALIDOBJ Corrupted HLL object detected\r\n"),
        ]);
    }
}
