//! Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH; mirrors multi.c.
//!
//! While a client is in MULTI, `process_command` runs the gates as usual,
//! then queues a copy of the arguments here and replies +QUEUED; a command
//! refused by a gate flags the transaction (`dirty_exec`) and EXEC aborts
//! it. EXEC runs the queue through the ordinary `call()` one command after
//! the other: nothing else runs in between (one thread), blocking commands
//! act as if they timed out (`deny_blocking`), writes are collected as one
//! execution unit and propagated wrapped in MULTI/EXEC once, and clients
//! blocked on keys the transaction fed are served after it.
//! The WATCH registry lives in `server::watch`.

use super::errors::{CmdResult, ReplyError};
use super::table::{acl, flag::*, Command};
use super::Ctx;
use crate::net::client::{Client, MultiState};
use crate::net::resp::Argv;
use crate::server::watch;
use crate::server::Server;

const T: u32 = acl::TRANSACTION;

pub const COMMANDS: &[Command] = &[
    Command::new("multi", 1, multi).flags(NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY).acl(T).group("transactions")
        .doc("1.2.0", "O(1)", "Mark the start of a transaction block"),
    Command::new("exec", 1, exec).flags(NOSCRIPT | LOADING | STALE | SKIP_SLOWLOG).acl(T).group("transactions")
        .doc("1.2.0", "Depends on commands in the transaction", "Execute all commands issued after MULTI"),
    Command::new("discard", 1, discard).flags(NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY).acl(T).group("transactions")
        .doc("2.0.0", "O(N), when N is the number of queued commands", "Discard all commands issued after MULTI"),
    Command::new("watch", -2, watch).flags(NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY).acl(T).keys(1, -1, 1).key_flags(&["RO"]).group("transactions")
        .doc("2.2.0", "O(1) for every key.", "Watch the given keys to determine execution of the MULTI/EXEC block"),
    Command::new("unwatch", 1, unwatch).flags(NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY).acl(T).group("transactions")
        .doc("2.2.0", "O(1)", "Forget about all watched keys"),
];

fn exec_without_multi() -> ReplyError {
    ReplyError::fixed("ERR EXEC without MULTI")
}

fn exec_abort_previous_errors() -> ReplyError {
    ReplyError::fixed("EXECABORT Transaction discarded because of previous errors.")
}

/// True for the commands that run at once instead of being queued inside
/// MULTI (processCommand's exception list).
pub fn runs_inside_multi(name: &str) -> bool {
    matches!(name, "exec" | "discard" | "multi" | "watch" | "quit" | "reset")
}

/// Queues a command inside MULTI (queueMultiCommand). Nothing is kept once
/// the transaction is bound to fail.
pub fn queue(srv: &Server, c: &mut Client, argv: &Argv, id: usize) {
    let dirty_cas = c.dirty_cas;
    let Some(m) = c.mstate.as_mut() else { return };
    if m.dirty_exec || dirty_cas {
        return;
    }
    let args: Vec<&[u8]> = argv.iter().collect();
    m.argv_mem += args.iter().map(|a| a.len() + std::mem::size_of::<usize>()).sum::<usize>();
    m.commands.push((Argv::from_slices(&args), id));
    m.cmd_flags |= srv.commands.cmd(id).flags;
}

/// Marks the transaction as failed because a command was refused while
/// queueing (flagTransaction).
pub fn flag_transaction(c: &mut Client) {
    if let Some(m) = c.mstate.as_mut() {
        m.dirty_exec = true;
    }
}

/// Leaves MULTI and forgets WATCHed keys (discardTransaction).
pub fn discard_transaction(srv: &mut Server, c: &mut Client) {
    c.mstate = None;
    c.dirty_cas = false;
    watch::unwatch_all(srv, c);
}

/// EXEC refused by a gate (execCommandAbort): the transaction is dropped
/// and the reason reported under EXECABORT.
pub fn exec_abort(srv: &mut Server, c: &mut Client, e: &ReplyError) {
    discard_transaction(srv, c);
    let e = ReplyError::coded(format!("EXECABORT Transaction discarded because of: {}", e.text()));
    super::reply_error(srv, c, &e);
}

/// MULTI: +OK; the following commands are queued until EXEC or DISCARD.
pub fn multi(ctx: &mut Ctx) -> CmdResult {
    if ctx.c.in_multi() {
        return Err(ReplyError::fixed("ERR MULTI calls can not be nested"));
    }
    ctx.c.mstate = Some(Box::default());
    ctx.c.out.ok();
    Ok(())
}

/// DISCARD: drops the queued commands and the WATCHes, +OK.
pub fn discard(ctx: &mut Ctx) -> CmdResult {
    if !ctx.c.in_multi() {
        return Err(ReplyError::fixed("ERR DISCARD without MULTI"));
    }
    discard_transaction(ctx.srv, ctx.c);
    ctx.c.out.ok();
    Ok(())
}

/// EXEC: an array with each queued command's reply; the null array when a
/// WATCHed key changed (or expired); EXECABORT when a command was refused
/// while queueing.
pub fn exec(ctx: &mut Ctx) -> CmdResult {
    if !ctx.c.in_multi() {
        return Err(exec_without_multi());
    }
    if watch::watched_key_expired(ctx.srv, ctx.c) {
        ctx.c.dirty_cas = true;
    }
    let dirty_exec = ctx.c.mstate.as_ref().is_some_and(|m| m.dirty_exec);
    if dirty_exec || ctx.c.dirty_cas {
        discard_transaction(ctx.srv, ctx.c);
        if dirty_exec {
            return Err(exec_abort_previous_errors());
        }
        ctx.c.out.null_array();
        return Ok(());
    }
    let old_deny = ctx.c.deny_blocking;
    ctx.c.deny_blocking = true;
    // Unwatch at once: a write inside the transaction must not flag it.
    watch::unwatch_all(ctx.srv, ctx.c);
    // The client stays in MULTI while the queue runs (CLIENT LIST shows
    // flags=x, SUBSCRIBE inside EXEC is allowed), as in Redis.
    let m: &mut MultiState = ctx.c.mstate.as_mut().expect("in MULTI");
    let commands = std::mem::take(&mut m.commands);
    m.executing = commands.len();
    ctx.c.out.array(commands.len());
    for (argv, id) in &commands {
        super::call(ctx.srv, ctx.c, argv, *id);
        debug_assert!(!ctx.c.blocked, "a command blocked inside EXEC");
    }
    if !old_deny {
        ctx.c.deny_blocking = false;
    }
    discard_transaction(ctx.srv, ctx.c);
    Ok(())
}

/// WATCH key [key ...]: EXEC will fail if any of the keys changes first.
pub fn watch(ctx: &mut Ctx) -> CmdResult {
    if ctx.c.in_multi() {
        return Err(ReplyError::fixed("ERR WATCH inside MULTI is not allowed"));
    }
    // No point in watching when the transaction already failed.
    if !ctx.c.dirty_cas {
        for key in ctx.args_from(1) {
            watch::watch_key(ctx.srv, ctx.c, key);
        }
    }
    ctx.c.out.ok();
    Ok(())
}

/// UNWATCH: forgets every WATCHed key, +OK.
pub fn unwatch(ctx: &mut Ctx) -> CmdResult {
    watch::unwatch_all(ctx.srv, ctx.c);
    ctx.c.dirty_cas = false;
    ctx.c.out.ok();
    Ok(())
}
