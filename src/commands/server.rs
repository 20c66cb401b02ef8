//! Server commands: INFO, DBSIZE, TIME, SHUTDOWN; mirrors the server
//! commands of server.c.

use super::args;
use super::errors::{CmdResult, ReplyError};
use super::table::{acl, flag::*, Command};
use super::Ctx;
use crate::server::ShutdownRequest;

pub const COMMANDS: &[Command] = &[
    Command::new("info", -1, info).flags(LOADING | STALE | SENTINEL).acl(acl::DANGEROUS).group("server")
        .doc("1.0.0", "O(1)", "Returns information and statistics about the server."),
    Command::new("dbsize", 1, dbsize).flags(READONLY | FAST).acl(acl::KEYSPACE).group("server")
        .doc("1.0.0", "O(1)", "Returns the number of keys in the database."),
    Command::new("time", 1, time).flags(LOADING | STALE | FAST).group("server")
        .doc("2.6.0", "O(1)", "Returns the server time."),
    Command::new("shutdown", -1, shutdown).flags(ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | SENTINEL | ALLOW_BUSY).group("server")
        .doc("1.0.0", "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)", "Synchronously saves the database(s) to disk and shuts down the Redis server."),
];

/// INFO [section [section ...]]
pub fn info(ctx: &mut Ctx) -> CmdResult {
    let sections: Vec<String> = ctx.args_from(1).map(|a| String::from_utf8_lossy(a).to_ascii_lowercase()).collect();
    let text = ctx.srv.info_string(&sections);
    ctx.c.out.verbatim(text.as_bytes(), "txt");
    Ok(())
}

/// DBSIZE
pub fn dbsize(ctx: &mut Ctx) -> CmdResult {
    ctx.c.out.int(ctx.srv.dbs[ctx.c.db].len() as i64);
    Ok(())
}

/// TIME: [unix seconds, microseconds] as bulk strings.
pub fn time(ctx: &mut Ctx) -> CmdResult {
    let us = crate::server::unix_us();
    ctx.c.out.array(2);
    ctx.c.out.bulk_i64(us / 1_000_000);
    ctx.c.out.bulk_i64(us % 1_000_000);
    Ok(())
}

/// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
pub fn shutdown(ctx: &mut Ctx) -> CmdResult {
    let mut req = ShutdownRequest::default();
    let mut abort = false;
    for a in ctx.args_from(1) {
        if args::is(a, "nosave") {
            req.nosave = true;
        } else if args::is(a, "save") {
            req.save = true;
        } else if args::is(a, "now") {
            req.now = true;
        } else if args::is(a, "force") {
            req.force = true;
        } else if args::is(a, "abort") {
            abort = true;
        } else {
            return Err(ReplyError::syntax());
        }
    }
    if (abort && ctx.argc() != 2) || (req.nosave && req.save) {
        return Err(ReplyError::syntax());
    }
    if abort {
        return Err(ReplyError::fixed("ERR No shutdown in progress."));
    }
    ctx.srv.shutdown = Some(req);
    Ok(())
}
