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
use super::keyspec::*;
use super::table::{acl, flag::*, Command};
use super::Ctx;
use crate::net::client::{Client, MultiState};
use crate::net::resp::Argv;
use crate::server::watch;
use crate::server::Server;

const T: u32 = acl::TRANSACTION;

pub const COMMANDS: &[Command] = &[
    Command::new("multi", 1, multi).flags(NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY).acl(T).group("transactions").doc(
        "1.2.0",
        "O(1)",
        "Mark the start of a transaction block",
    ),
    Command::new("exec", 1, exec).flags(NOSCRIPT | LOADING | STALE | SKIP_SLOWLOG).acl(T).group("transactions").doc(
        "1.2.0",
        "Depends on commands in the transaction",
        "Execute all commands issued after MULTI",
    ),
    Command::new("discard", 1, discard).flags(NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY).acl(T).group("transactions").doc(
        "2.0.0",
        "O(N), when N is the number of queued commands",
        "Discard all commands issued after MULTI",
    ),
    Command::new("watch", -2, watch)
        .flags(NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY)
        .acl(T)
        .key_specs(&[key(1, RO).range(-1, 1, 0)])
        .group("transactions")
        .doc("2.2.0", "O(1) for every key.", "Watch the given keys to determine execution of the MULTI/EXEC block")
        .args("key:key..."),
    Command::new("unwatch", 1, unwatch).flags(NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY).acl(T).group("transactions").doc(
        "2.2.0",
        "O(1)",
        "Forget about all watched keys",
    ),
];

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
    super::reply_error(srv, c, &ReplyError::exec_abort(e));
}

/// MULTI: +OK; the following commands are queued until EXEC or DISCARD.
pub fn multi(ctx: &mut Ctx) -> CmdResult {
    if ctx.c.in_multi() {
        return Err(ReplyError::multi_nested());
    }
    ctx.c.mstate = Some(Box::default());
    ctx.c.out.ok();
    Ok(())
}

/// DISCARD: drops the queued commands and the WATCHes, +OK.
pub fn discard(ctx: &mut Ctx) -> CmdResult {
    if !ctx.c.in_multi() {
        return Err(ReplyError::discard_without_multi());
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
        return Err(ReplyError::exec_without_multi());
    }
    if watch::watched_key_expired(ctx.srv, ctx.c) {
        ctx.c.dirty_cas = true;
    }
    let dirty_exec = ctx.c.mstate.as_ref().is_some_and(|m| m.dirty_exec);
    if dirty_exec || ctx.c.dirty_cas {
        discard_transaction(ctx.srv, ctx.c);
        if dirty_exec {
            return Err(ReplyError::exec_abort_previous_errors());
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
        return Err(ReplyError::watch_inside_multi());
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

#[cfg(test)]
mod tests {
    use crate::commands::testing::{MultiClients, TestServer};

    /// Expected bytes from redis-server 7.0.15 (scripts/oracle.py).
    #[test]
    fn queueing_errors_and_nesting() {
        let mut t = TestServer::new();
        t.check(&[
            ("MULTI", "+OK\r\n"),
            ("MULTI", "-ERR MULTI calls can not be nested\r\n"),
            ("SET a 1", "+QUEUED\r\n"),
            ("EXEC", "*1\r\n+OK\r\n"),
            ("EXEC", "-ERR EXEC without MULTI\r\n"),
            ("DISCARD", "-ERR DISCARD without MULTI\r\n"),
            ("MULTI", "+OK\r\n"),
            ("WATCH x", "-ERR WATCH inside MULTI is not allowed\r\n"),
            ("SET a 2", "+QUEUED\r\n"),
            ("EXEC", "*1\r\n+OK\r\n"),
            ("MULTI", "+OK\r\n"),
            ("SET a 2", "+QUEUED\r\n"),
            ("FOO", "-ERR unknown command 'FOO', with args beginning with: \r\n"),
            ("EXEC", "-EXECABORT Transaction discarded because of previous errors.\r\n"),
            ("MULTI", "+OK\r\n"),
            ("SET a", "-ERR wrong number of arguments for 'set' command\r\n"),
            ("GET a", "+QUEUED\r\n"),
            ("EXEC", "-EXECABORT Transaction discarded because of previous errors.\r\n"),
            ("MULTI", "+OK\r\n"),
            ("EXEC x", "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n"),
            ("EXEC", "-ERR EXEC without MULTI\r\n"),
            ("MULTI", "+OK\r\n"),
            ("DISCARD x", "-ERR wrong number of arguments for 'discard' command\r\n"),
            ("EXEC", "-EXECABORT Transaction discarded because of previous errors.\r\n"),
            ("MULTI", "+OK\r\n"),
            ("SHUTDOWN", "-ERR Command not allowed inside a transaction\r\n"),
            ("DISCARD", "+OK\r\n"),
            ("GET a", "$1\r\n2\r\n"),
        ]);
    }

    #[test]
    fn runtime_errors_do_not_abort_the_others() {
        let mut t = TestServer::new();
        t.check(&[
            ("SET k v", "+OK\r\n"),
            ("MULTI", "+OK\r\n"),
            ("INCR k", "+QUEUED\r\n"),
            ("SET x 1", "+QUEUED\r\n"),
            ("LPUSH k a", "+QUEUED\r\n"),
            ("EXEC", "*3\r\n-ERR value is not an integer or out of range\r\n+OK\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("MULTI", "+OK\r\n"),
            ("BLPOP l 0", "+QUEUED\r\n"),
            ("EXEC", "*1\r\n*-1\r\n"),
            ("MULTI", "+OK\r\n"),
            ("EXEC", "*0\r\n"),
            ("MULTI", "+OK\r\n"),
            ("SUBSCRIBE ch", "+QUEUED\r\n"),
            ("EXEC", "*1\r\n*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"),
            ("UNWATCH", "-ERR Can't execute 'unwatch': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"),
            ("MULTI", "-ERR Can't execute 'multi': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"),
            ("EXEC", "-EXECABORT Transaction discarded because of: Can't execute 'exec': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"),
            ("CLIENT LIST", "-ERR Can't execute 'client|list': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"),
            ("RESET", "+RESET\r\n"),
            ("GET x", "$1\r\n1\r\n"),
        ]);
    }

    #[test]
    fn client_list_fields_inside_exec() {
        let mut t = TestServer::new();
        t.check(&[("MULTI", "+OK\r\n"), ("SET a 1", "+QUEUED\r\n"), ("SET b 2", "+QUEUED\r\n"), ("CLIENT INFO", "+QUEUED\r\n")]);
        let r = t.text(&["EXEC"]);
        assert!(r.contains(" flags=x db=0 sub=0 psub=0 ssub=0 multi=3 "), "{}", r);
        // Redis counts each argument's bytes plus a pointer (84 here).
        assert!(r.contains(" multi-mem=84 "), "{}", r);
        let r = t.text(&["CLIENT", "INFO"]);
        assert!(r.contains(" flags=N ") && r.contains(" multi=-1 ") && r.contains(" multi-mem=0 "), "{}", r);
    }

    #[test]
    fn watch_by_the_same_client_and_by_others() {
        let mut m = MultiClients::new(2);
        m.check(&[
            (0, "SET k v", "+OK\r\n"),
            (0, "WATCH k", "+OK\r\n"),
            (0, "SET k w", "+OK\r\n"),
            (0, "MULTI", "+OK\r\n"),
            (0, "GET k", "+QUEUED\r\n"),
            (0, "EXEC", "*-1\r\n"),
            // Another client's write.
            (0, "WATCH k other", "+OK\r\n"),
            (1, "APPEND k x", ":2\r\n"),
            (0, "MULTI", "+OK\r\n"),
            (0, "SET k mine", "+QUEUED\r\n"),
            (0, "EXEC", "*-1\r\n"),
            (0, "GET k", "$2\r\nwx\r\n"),
            // A write to an unwatched key, or a no-op, changes nothing.
            (0, "WATCH k", "+OK\r\n"),
            (1, "SET unrelated 1", "+OK\r\n"),
            (1, "DEL missing", ":0\r\n"),
            (1, "PERSIST k", ":0\r\n"),
            (0, "MULTI", "+OK\r\n"),
            (0, "SET k mine", "+QUEUED\r\n"),
            (0, "EXEC", "*1\r\n+OK\r\n"),
            // UNWATCH clears a dirty state; DISCARD unwatches.
            (0, "WATCH k", "+OK\r\n"),
            (1, "DEL k", ":1\r\n"),
            (0, "UNWATCH", "+OK\r\n"),
            (0, "MULTI", "+OK\r\n"),
            (0, "EXEC", "*0\r\n"),
            (0, "WATCH k", "+OK\r\n"),
            (0, "MULTI", "+OK\r\n"),
            (0, "DISCARD", "+OK\r\n"),
            (1, "SET k again", "+OK\r\n"),
            (0, "MULTI", "+OK\r\n"),
            (0, "EXEC", "*0\r\n"),
        ]);
        assert!(m.srv.watches.is_empty());
    }

    #[test]
    fn client_list_flags_dirty_cas() {
        let mut m = MultiClients::new(2);
        m.run(0, "WATCH k");
        m.run(1, "SET k 1");
        m.run(0, "MULTI");
        m.out(0);
        let r = m.call(0, "CLIENT INFO");
        assert_eq!(r, "+QUEUED\r\n");
        m.run(0, "DISCARD");
        m.out(0);
        m.run(0, "WATCH k");
        m.run(1, "SET k 2");
        let r = m.call(0, "CLIENT INFO");
        assert!(r.contains(" flags=d "), "{}", r);
    }

    /// Every kind of change invalidates: RENAME onto the key, RESTORE,
    /// FLUSHDB, SWAPDB (as 7.0.15: only keys that exist on either side),
    /// expiry; FLUSHALL leaves a watched missing key alone.
    #[test]
    fn invalidation_by_keyspace_changes() {
        let mut m = MultiClients::new(2);
        let fails = |m: &mut MultiClients, setup: &[&str], change: &str| {
            for s in setup {
                m.run(1, s);
            }
            m.out(1);
            m.run(0, "WATCH k");
            m.run(1, change);
            m.out(1);
            m.run(0, "MULTI");
            m.out(0);
            m.call(0, "EXEC")
        };
        assert_eq!(fails(&mut m, &["SET src 1"], "RENAME src k"), "*-1\r\n");
        assert_eq!(fails(&mut m, &["SET k 1"], "EXPIRE k 100"), "*-1\r\n");
        assert_eq!(fails(&mut m, &["SET k 1"], "FLUSHDB"), "*-1\r\n");
        assert_eq!(fails(&mut m, &["FLUSHALL"], "FLUSHALL"), "*0\r\n");
        assert_eq!(fails(&mut m, &["FLUSHALL"], "SWAPDB 0 1"), "*0\r\n");
        assert_eq!(fails(&mut m, &["FLUSHALL", "SELECT 1", "SET k 1", "SELECT 0"], "SWAPDB 0 1"), "*-1\r\n");
        m.run(1, "SELECT 0");
        assert_eq!(fails(&mut m, &["FLUSHALL", "SET k 1"], "SWAPDB 0 1"), "*-1\r\n");
        assert_eq!(fails(&mut m, &["FLUSHALL", "SET k v"], "MOVE k 1"), "*-1\r\n");
        assert_eq!(fails(&mut m, &["FLUSHALL", "SET k v"], "LPUSH x 1"), "*0\r\n");
        assert_eq!(fails(&mut m, &["FLUSHALL", "SET k v"], "SADD k2 1"), "*0\r\n");
        assert_eq!(fails(&mut m, &["FLUSHALL", "RPUSH k a"], "LPOP k"), "*-1\r\n");
        assert_eq!(fails(&mut m, &["FLUSHALL", "SADD k a"], "SREM k a"), "*-1\r\n");
        assert_eq!(fails(&mut m, &["FLUSHALL", "SET k v"], "SET k v KEEPTTL"), "*-1\r\n");
    }

    /// Redis 7.0.15: a watched key that expires fails EXEC even if nobody
    /// touched it; a key that was already expired when watched does not.
    #[test]
    fn watch_and_expiry() {
        let mut t = TestServer::new();
        t.check(&[("DEBUG SET-ACTIVE-EXPIRE 0", "+OK\r\n"), ("SET k v PX 30", "+OK\r\n"), ("WATCH k", "+OK\r\n")]);
        std::thread::sleep(std::time::Duration::from_millis(50));
        t.check(&[("MULTI", "+OK\r\n"), ("PING", "+QUEUED\r\n"), ("EXEC", "*-1\r\n")]);
        t.check(&[("SET k v PX 10", "+OK\r\n")]);
        std::thread::sleep(std::time::Duration::from_millis(30));
        t.check(&[
            ("WATCH k", "+OK\r\n"),
            ("GET k", "$-1\r\n"),
            ("MULTI", "+OK\r\n"),
            ("PING", "+QUEUED\r\n"),
            ("EXEC", "*1\r\n+PONG\r\n"),
        ]);
        t.check(&[("SET e v PX 10", "+OK\r\n")]);
        std::thread::sleep(std::time::Duration::from_millis(30));
        t.check(&[("WATCH e", "+OK\r\n"), ("MULTI", "+OK\r\n"), ("PING", "+QUEUED\r\n"), ("EXEC", "*1\r\n+PONG\r\n")]);
        // Active expiry of a live watched key is a change.
        t.check(&[("SET a v PX 10", "+OK\r\n"), ("WATCH a", "+OK\r\n")]);
        std::thread::sleep(std::time::Duration::from_millis(30));
        t.srv.now_ms = crate::server::unix_ms();
        t.srv.delete_expired_key(0, b"a");
        t.check(&[("MULTI", "+OK\r\n"), ("PING", "+QUEUED\r\n"), ("EXEC", "*-1\r\n")]);
    }

    /// A writing transaction is propagated once, wrapped in MULTI/EXEC;
    /// one write alone goes unwrapped; reads and failed writes not at all.
    #[test]
    fn propagation_wraps_the_transaction_once() {
        let mut t = TestServer::new();
        t.srv.propagation.capture = Some(Vec::new());
        t.run(&["MULTI"]);
        t.run(&["SET", "a", "1", "EX", "100"]);
        t.run(&["GET", "a"]);
        t.run(&["INCR", "a"]);
        t.run(&["INCR", "nope", "extra"]);
        t.run(&["EXEC"]);
        t.run(&["MULTI"]);
        t.run(&["INCR", "a"]);
        t.run(&["GET", "a"]);
        t.run(&["EXEC"]);
        t.run(&["MULTI"]);
        t.run(&["GET", "a"]);
        t.run(&["EXEC"]);
        t.run(&["MULTI"]);
        t.run(&["SET", "b", "1"]);
        t.run(&["LPUSH", "b", "x"]);
        t.run(&["SET", "c", "1"]);
        t.run(&["EXEC"]);
        let got: Vec<String> = t
            .srv
            .propagation
            .capture
            .take()
            .unwrap()
            .into_iter()
            .map(|(_, argv)| argv.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect::<Vec<_>>().join(" "))
            .collect();
        // The first transaction was aborted (wrong arity at queue time);
        // the LPUSH failed at run time and changed nothing.
        assert_eq!(got, ["INCR a", "MULTI", "SET b 1", "SET c 1", "EXEC"]);
    }

    #[test]
    fn propagation_of_set_ex_inside_exec_uses_the_rewrite() {
        let mut t = TestServer::new();
        t.srv.propagation.capture = Some(Vec::new());
        t.check(&[("MULTI", "+OK\r\n"), ("SET a 1 EX 100", "+QUEUED\r\n"), ("INCR n", "+QUEUED\r\n"), ("EXEC", "*2\r\n+OK\r\n:1\r\n")]);
        let got = t.srv.propagation.capture.take().unwrap();
        assert_eq!(got.len(), 4);
        assert_eq!(got[0].1, vec![b"MULTI".to_vec()]);
        assert_eq!(got[1].1[0].to_ascii_uppercase(), b"SET");
        assert!(got[1].1.iter().any(|a| a.eq_ignore_ascii_case(b"PXAT")), "{:?}", got[1].1);
        assert_eq!(got[3].1, vec![b"EXEC".to_vec()]);
    }

    /// Clients blocked on a list the transaction fills are served after
    /// EXEC, not in the middle of it.
    #[test]
    fn blocked_clients_served_after_exec() {
        let mut m = MultiClients::new(2);
        m.run(1, "BLPOP q 0");
        m.check(&[
            (0, "MULTI", "+OK\r\n"),
            (0, "RPUSH q a", "+QUEUED\r\n"),
            (0, "LLEN q", "+QUEUED\r\n"),
            (0, "RPUSH q b", "+QUEUED\r\n"),
            (0, "EXEC", "*3\r\n:1\r\n:1\r\n:2\r\n"),
        ]);
        assert_eq!(m.out(1), "*2\r\n$1\r\nq\r\n$1\r\na\r\n");
        m.check(&[(0, "LRANGE q 0 -1", "*1\r\n$1\r\nb\r\n")]);
    }
}
