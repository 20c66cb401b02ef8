//! Snapshot commands: SAVE, BGSAVE (rdb.c), DUMP, RESTORE (cluster.c) and
//! DEBUG RELOAD (debug.c). The work itself is in `persistence`.

use super::args;
use super::errors::{CmdResult, ReplyError};
use super::keyspec::*;
use super::table::{acl, flag::*, Command};
use super::Ctx;
use crate::config::SanitizeDump;
use crate::db::keyspace::event;
use crate::persistence::rdb::{self, LoadConfig, LoadStats};
use crate::persistence::save::LoadFailure;

const K: u32 = acl::KEYSPACE;

pub const COMMANDS: &[Command] = &[
    Command::new("save", 1, save).flags(ADMIN | NOSCRIPT | NO_ASYNC_LOADING | NO_MULTI).group("server")
        .doc("1.0.0", "O(N) where N is the total number of keys in all databases", "Synchronously save the dataset to disk"),
    Command::new("bgsave", -1, bgsave).flags(ADMIN | NOSCRIPT | NO_ASYNC_LOADING).group("server")
        .doc("1.0.0", "O(1)", "Asynchronously save the dataset to disk")
        .history(&[("3.2.2", "SCHEDULE option.")])
        .args("[SCHEDULE@3.2.2]"),
    Command::new("dump", 2, dump).flags(READONLY).acl(K).key_specs(&[key(1, RO | ACCESS)]).tips(&["nondeterministic_output"])
        .doc("2.6.0", "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).", "Return a serialized version of the value stored at the specified key.")
        .args("key:key"),
    Command::new("restore", -4, restore).flags(WRITE | DENYOOM).acl(K | acl::DANGEROUS).key_specs(&[key(1, OW | UPDATE)])
        .doc("2.6.0", "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).", "Create a key using the provided serialized value, previously obtained using DUMP.")
        .history(&[("3.0.0", "REPLACE option."), ("5.0.0", "ABSTTL option."), ("5.0.0", "IDLETIME and FREQ options.")])
        .args("key:key ttl:integer serialized-value [REPLACE@3.0.0] [ABSTTL@5.0.0] [IDLETIME seconds:integer@5.0.0] \
               [FREQ frequency:integer@5.0.0]"),
];

/// SAVE: writes the snapshot synchronously; +OK, or a bare -ERR when it
/// failed (the log says why).
pub fn save(ctx: &mut Ctx) -> CmdResult {
    if ctx.srv.rdb.child_pid.is_some() {
        return Err(ReplyError::bgsave_in_progress());
    }
    ctx.srv.rdb.saves += 1;
    ctx.srv.rdb_save().map_err(|_| ReplyError::bare_err())?;
    ctx.c.out.ok();
    Ok(())
}

/// BGSAVE [SCHEDULE]: forks a child that writes the snapshot. With
/// SCHEDULE, a save that cannot start now (another child runs) starts as
/// soon as it can.
pub fn bgsave(ctx: &mut Ctx) -> CmdResult {
    let schedule = match ctx.argc() {
        1 => false,
        2 if args::is(ctx.arg(1), "schedule") => true,
        _ => return Err(ReplyError::syntax()),
    };
    let srv = &mut *ctx.srv;
    if srv.rdb.child_pid.is_some() {
        return Err(ReplyError::bgsave_in_progress());
    }
    if srv.has_active_child() {
        if !schedule {
            return Err(ReplyError::bgsave_child_active());
        }
        srv.rdb.bgsave_scheduled = true;
        ctx.c.out.simple("Background saving scheduled");
        return Ok(());
    }
    srv.rdb_save_background().map_err(|_| ReplyError::bare_err())?;
    ctx.c.out.simple("Background saving started");
    Ok(())
}

/// DUMP key: the value serialised in RDB format with the RDB version and
/// a CRC-64 (createDumpPayload); nil when the key does not exist.
pub fn dump(ctx: &mut Ctx) -> CmdResult {
    let Some(v) = ctx.srv.lookup_read(ctx.c.db, ctx.arg(1)) else {
        ctx.c.out.null();
        return Ok(());
    };
    let payload = rdb::dump_payload(v);
    ctx.c.out.bulk(&payload);
    Ok(())
}

/// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds]
/// [FREQ frequency]: creates `key` from a DUMP payload (ours or Redis's);
/// `ttl` in milliseconds, 0 for none, absolute with ABSTTL.
pub fn restore(ctx: &mut Ctx) -> CmdResult {
    let mut replace = false;
    let mut absttl = false;
    let mut idle: Option<i64> = None;
    let mut freq: Option<i64> = None;
    let mut j = 4;
    while j < ctx.argc() {
        let a = ctx.arg(j);
        let more = ctx.argc() - j - 1;
        if args::is(a, "replace") {
            replace = true;
        } else if args::is(a, "absttl") {
            absttl = true;
        } else if args::is(a, "idletime") && more >= 1 && freq.is_none() {
            let v = args::int(ctx.arg(j + 1))?;
            if v < 0 {
                return Err(ReplyError::restore_invalid_idletime());
            }
            idle = Some(v);
            j += 1;
        } else if args::is(a, "freq") && more >= 1 && idle.is_none() {
            let v = args::int(ctx.arg(j + 1))?;
            if !(0..=255).contains(&v) {
                return Err(ReplyError::restore_invalid_freq());
            }
            freq = Some(v);
            j += 1;
        } else {
            return Err(ReplyError::syntax());
        }
        j += 1;
    }
    let db = ctx.c.db;
    let key = ctx.arg(1);
    if !replace && ctx.srv.lookup_write(db, key).is_some() {
        return Err(ReplyError::busy_key());
    }
    let mut ttl = args::int(ctx.arg(2))?;
    if ttl < 0 {
        return Err(ReplyError::restore_invalid_ttl());
    }
    let payload = ctx.arg(3);
    if rdb::verify_dump_payload(payload).is_none() {
        return Err(ReplyError::bad_dump_payload());
    }
    let mut cfg = LoadConfig::from_config(&ctx.srv.config, ctx.srv.now_ms);
    cfg.log_aux = false;
    // "clients" sanitizes what clients send, not what a file holds.
    cfg.deep_sanitize = ctx.srv.config.sanitize_dump_payload != SanitizeDump::No;
    let mut stats = LoadStats::default();
    let loaded = rdb::load_dump_payload(payload, &cfg, &mut stats);
    ctx.srv.stats.dump_payload_sanitizations += stats.sanitizations;
    let val = match loaded {
        Ok(Some(v)) => v,
        Ok(None) => return Err(ReplyError::bad_data_format()),
        Err(e) => {
            log::debug!("{}", e.report());
            return Err(ReplyError::bad_data_format());
        }
    };
    let deleted = replace && ctx.srv.delete_key(db, key, false);
    if ttl != 0 && !absttl {
        ttl = ttl.saturating_add(ctx.srv.now_ms);
    }
    if ttl != 0 && ttl <= ctx.srv.now_ms {
        // Already expired: the key is just gone (checkAlreadyExpired).
        if deleted {
            let lazy = ctx.srv.config.lazyfree_lazy_server_del;
            ctx.rewrite_argv(&[if lazy { &b"UNLINK"[..] } else { &b"DEL"[..] }, key]);
            ctx.srv.key_modified(db, key, event::GENERIC, "del");
        }
        ctx.c.out.ok();
        return Ok(());
    }
    ctx.srv.db_add(db, key, val);
    if ttl != 0 {
        ctx.srv.dbs[db].set_expire(key, ttl);
        if !absttl {
            // Propagate the deadline as an absolute time.
            let mut argv: Vec<Vec<u8>> = ctx.args_from(0).map(|a| a.to_vec()).collect();
            argv[2] = ttl.to_string().into_bytes();
            argv.push(b"ABSTTL".to_vec());
            ctx.rewrite_argv(&argv);
        }
    }
    if let Some(idle) = idle {
        // objectSetLRUOrLFU: the access clock `idle` seconds ago. (FREQ
        // applies under an LFU policy, which ferrodis does not have yet.)
        let clock = crate::db::lru_clock() as i64;
        let max = crate::db::LRU_CLOCK_MAX as i64;
        let abs = clock - idle;
        let lru = if abs < 0 { (clock + max / 2) % max } else { abs };
        if let Some(e) = ctx.srv.dbs[db].dict.get_entry_mut(key) {
            e.key.set_lru(lru as u32);
        }
    }
    ctx.srv.key_modified(db, key, event::GENERIC, "restore");
    ctx.c.out.ok();
    Ok(())
}

/// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: saves the dataset, empties
/// it and loads the file back. A file that fails to load leaves the data
/// as it was (Redis exits instead).
pub fn debug_reload(ctx: &mut Ctx) -> CmdResult {
    let (mut merge, mut flush, mut save) = (false, true, true);
    for a in ctx.args_from(2) {
        if args::is(a, "merge") {
            merge = true;
        } else if args::is(a, "noflush") {
            flush = false;
        } else if args::is(a, "nosave") {
            save = false;
        } else {
            return Err(ReplyError::debug_reload_options());
        }
    }
    if save && ctx.srv.rdb_save().is_err() {
        return Err(ReplyError::bare_err());
    }
    // Without NOFLUSH the loaded file replaces everything; with NOFLUSH the
    // file is added to the data (keys in both need MERGE, else they are
    // duplicates and the load fails).
    let result = if flush { ctx.srv.rdb_load() } else { ctx.srv.rdb_load_noflush(merge) };
    match result {
        Ok(_) => {
            log::warn!("DB reloaded by DEBUG RELOAD");
            ctx.c.out.ok();
            Ok(())
        }
        Err(f) => {
            if let LoadFailure::Load(e) = &f {
                log::warn!("{}", e.report());
            } else {
                f.log();
            }
            Err(ReplyError::debug_reload_failed())
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::TestServer;

    // Expected bytes taken from redis-server 7.0.15 (scripts/oracle.py).

    #[test]
    fn dump_matches_redis() {
        let mut t = TestServer::new();
        t.check(&[("SET s hello", "+OK\r\n"), ("DUMP nokey", "$-1\r\n")]);
        assert_eq!(t.run(&["DUMP", "s"]), b"$17\r\n\x00\x05hello\x0a\x00\x63\x72\xdf\x76\x65\x34\x20\x0a\r\n");
    }
}
