//! Command dispatch: the gates every command passes in Redis's order
//! (processCommand) and `call`, the one place that owns side effects:
//! statistics, slow log, MONITOR, propagation. Mirrors server.c.
//!
//! One module per command family; each exports a `COMMANDS` table that
//! `build_table` gathers.

pub mod args;
pub mod argspec;
pub mod bitops;
pub mod client;
pub mod command;
pub mod config;
pub mod connection;
pub mod errors;
pub mod hash;
pub mod hll;
pub mod keys;
pub mod keyspec;
pub mod list;
pub mod multi;
pub mod persistence;
pub mod pubsub;
pub mod server;
pub mod set;
pub mod sort;
pub mod string;
pub mod table;
#[cfg(test)]
pub mod testing;
pub mod zset;

use crate::config::Protection;
use crate::net::client::{Client, ReplyMode};
use crate::net::resp::Argv;
use crate::server::Server;
pub use errors::{CmdResult, ReplyError};
use std::time::Instant;
use table::{flag, CommandTable};

/// What a handler sees: the server, the calling client (taken out of the
/// client slab while it runs) and the arguments.
pub struct Ctx<'a> {
    pub srv: &'a mut Server,
    pub c: &'a mut Client,
    pub argv: &'a Argv,
    /// Id of the running command in the command table.
    pub cmd_id: usize,
    /// What to propagate instead of argv (SET EX -> SET PXAT), if anything.
    pub rewritten: Option<Vec<Vec<u8>>>,
    /// Arguments shown as "(redacted)" in the slow log and MONITOR
    /// (passwords: AUTH, HELLO AUTH, CONFIG SET requirepass...).
    pub redacted: Vec<usize>,
}

impl<'a> Ctx<'a> {
    #[inline]
    pub fn arg(&self, i: usize) -> &'a [u8] {
        self.argv.get(i)
    }

    #[inline]
    pub fn argc(&self) -> usize {
        self.argv.len()
    }

    /// The selected database.
    #[inline]
    pub fn db(&self) -> usize {
        self.c.db
    }

    /// Arguments from `from` on.
    pub fn args_from(&self, from: usize) -> impl Iterator<Item = &'a [u8]> + 'a {
        let argv = self.argv;
        (from..argv.len()).map(move |i| argv.get(i))
    }

    /// Hides argument `i` from the slow log and MONITOR.
    pub fn redact(&mut self, i: usize) {
        self.redacted.push(i);
    }

    /// Propagates `args` instead of the command as received.
    pub fn rewrite_argv<T: AsRef<[u8]>>(&mut self, args: &[T]) {
        self.rewritten = Some(args.iter().map(|a| a.as_ref().to_vec()).collect());
    }

    /// Upper-case name of the running command's parent (for "Try X HELP.").
    pub fn cmd_name(&self) -> &'static str {
        self.srv.commands.cmd(self.cmd_id).name
    }
}

/// Every command family's table, in one registry.
pub fn build_table() -> CommandTable {
    CommandTable::build(&[
        connection::COMMANDS,
        string::COMMANDS,
        keys::COMMANDS,
        set::COMMANDS,
        hash::COMMANDS,
        sort::COMMANDS,
        list::COMMANDS,
        persistence::COMMANDS,
        hll::COMMANDS,
        bitops::COMMANDS,
        zset::COMMANDS,
        server::COMMANDS,
        client::COMMANDS,
        config::COMMANDS,
        command::COMMANDS,
        multi::COMMANDS,
        pubsub::COMMANDS,
    ])
}

/// Runs the command parsed into `c.argv`. Returns false when CLIENT PAUSE
/// postpones it (the argv stays in place for a later retry).
pub fn execute(srv: &mut Server, c: &mut Client) -> bool {
    if c.argv.is_empty() {
        return true;
    }
    if let Some(p) = srv.pause {
        if Instant::now() < p.until {
            let may_write = srv
                .commands
                .lookup(c.argv.get(0))
                .map(|id| {
                    let cmd = srv.commands.cmd(id);
                    // EXEC counts as a write when its queue holds one.
                    let queued = if cmd.name == "exec" { c.mstate.as_ref().map_or(0, |m| m.cmd_flags) } else { 0 };
                    (cmd.flags | queued) & (flag::WRITE | flag::MAY_REPLICATE) != 0
                })
                .unwrap_or(false);
            if !p.write_only || may_write {
                return false;
            }
        }
    }
    let argv = std::mem::take(&mut c.argv);
    // CLIENT REPLY OFF|SKIP: run the command, drop what it replied (unless
    // it switched replies back on).
    let mark = c.out.buf.len();
    let suppress = matches!(c.reply_mode, ReplyMode::Off | ReplyMode::Skip);
    process_command(srv, c, &argv);
    if suppress && c.reply_mode != ReplyMode::On {
        c.out.buf.truncate(mark.max(c.sent));
    }
    c.reply_mode = match c.reply_mode {
        ReplyMode::Skip => ReplyMode::On,
        ReplyMode::SkipNext => ReplyMode::Skip,
        m => m,
    };
    c.argv = argv;
    c.argv.clear();
    true
}

/// The gates, in Redis's order (processCommand): lookup, arity, protected
/// commands, authentication, no-multi, the RESP2 subscribed context; then
/// MULTI queueing or `call`. ACL, OOM, MISCONF and read-only-replica gates
/// take their places between no-multi and the subscribed context.
pub fn process_command(srv: &mut Server, c: &mut Client, argv: &Argv) {
    let name = argv.get(0);
    let Some(mut id) = srv.commands.lookup(name) else {
        let e = ReplyError::unknown_command(name, argv.iter().skip(1));
        reject(srv, c, None, e);
        return;
    };
    let parent = srv.commands.cmd(id);
    if !parent.subcommands.is_empty() && argv.len() >= 2 {
        match srv.commands.lookup_sub(id, argv.get(1)) {
            Some(sub) => id = sub,
            None => {
                let e = ReplyError::unknown_subcommand(argv.get(1), parent.name);
                reject(srv, c, None, e);
                return;
            }
        }
    }
    let cmd = srv.commands.cmd(id);
    let argc = argv.len() as i32;
    if (cmd.arity > 0 && argc != cmd.arity) || argc < -cmd.arity {
        let e = ReplyError::wrong_arity(srv.commands.full_name(id));
        reject(srv, c, Some(id), e);
        return;
    }
    if cmd.has(flag::PROTECTED) {
        let (setting, what, option) = if srv.commands.entries[id].2.map_or(cmd.name, |p| srv.commands.cmd(p).name) == "module" {
            (srv.config.enable_module_command, "MODULE", "enable-module-command")
        } else {
            (srv.config.enable_debug_command, "DEBUG", "enable-debug-command")
        };
        let allowed = match setting {
            Protection::Yes => true,
            Protection::Local => c.is_local(),
            Protection::No => false,
        };
        if !allowed {
            let e = ReplyError::protected_command(what, option);
            reject(srv, c, Some(id), e);
            return;
        }
    }
    if !c.authenticated && !cmd.has(flag::NO_AUTH) {
        reject(srv, c, Some(id), ReplyError::noauth());
        return;
    }
    if c.in_multi() && cmd.has(flag::NO_MULTI) {
        reject(srv, c, Some(id), ReplyError::not_allowed_in_multi());
        return;
    }
    // After a failed background save, writes (and PING, as in Redis) are
    // refused while stop-writes-on-bgsave-error is on.
    if srv.writes_denied_by_disk_error() && (cmd.has(flag::WRITE) || cmd.name == "ping") {
        reject(srv, c, Some(id), ReplyError::misconf());
        return;
    }
    // A RESP2 client in subscribed mode reads pushes only; RESP3 clients
    // can tell pushes from replies and may run anything.
    if c.out.resp == 2 && c.is_pubsub() && !pubsub::allowed_in_subscribed_context(top_level_name(srv, id)) {
        let e = ReplyError::subscribed_context(srv.commands.full_name(id));
        reject(srv, c, Some(id), e);
        return;
    }
    if srv.loading.is_some() && !cmd.has(flag::LOADING) {
        reject(srv, c, Some(id), ReplyError::loading());
        return;
    }
    if c.in_multi() && !multi::runs_inside_multi(top_level_name(srv, id)) {
        multi::queue(srv, c, argv, id);
        c.out.raw(b"+QUEUED\r\n");
        return;
    }
    call(srv, c, argv, id);
    // Clients blocked on keys this command (or EXEC, or a script) made
    // ready are served now that it has completed.
    if srv.blocking.has_ready_keys() {
        crate::server::blocking::handle_clients_blocked_on_keys(srv);
    }
    // Messages and WATCH invalidations addressed to this client while it
    // was out of the slab and not running its own command (serving the
    // clients it unblocked).
    if !srv.pubsub.deferred.is_empty() {
        srv.take_deferred_messages(c, None);
        srv.pubsub.deferred.clear();
    }
    if !srv.watches.dirty_out_of_slab.is_empty() {
        crate::server::watch::apply_deferred(srv, c);
        srv.watches.dirty_out_of_slab.clear();
    }
}

/// Name of the top-level command `id` belongs to ("client" for client|list).
fn top_level_name(srv: &Server, id: usize) -> &'static str {
    let top = srv.commands.entries[id].2.unwrap_or(id);
    srv.commands.cmd(top).name
}

/// Replies with an error for a command refused before it ran
/// (rejectCommand): inside MULTI the transaction is flagged, and a
/// refused EXEC aborts it.
fn reject(srv: &mut Server, c: &mut Client, id: Option<usize>, e: ReplyError) {
    multi::flag_transaction(c);
    if let Some(id) = id {
        srv.commands.stats[id].rejected_calls += 1;
        if srv.commands.entries[id].2.is_none() && srv.commands.cmd(id).name == "exec" {
            multi::exec_abort(srv, c, &e);
            return;
        }
    }
    reply_error(srv, c, &e);
}

pub fn reply_error(srv: &mut Server, c: &mut Client, e: &ReplyError) {
    count_error_reply(srv, e);
    c.out.error(e.text());
}

/// The error statistics of one error reply (total_error_replies and
/// INFO errorstats, by the reply's code).
pub fn count_error_reply(srv: &mut Server, e: &ReplyError) {
    srv.stats.total_error_replies += 1;
    *srv.stats.errors.entry(e.code().to_string()).or_insert(0) += 1;
}

/// Runs a command that passed the gates (call() in server.c). Calls nest
/// (EXEC, scripts): the writes of the outermost call form one execution
/// unit, propagated when it returns.
pub fn call(srv: &mut Server, c: &mut Client, argv: &Argv, id: usize) {
    srv.propagation.nesting += 1;
    call_inner(srv, c, argv, id);
    srv.propagation.nesting -= 1;
    if srv.propagation.nesting == 0 {
        srv.flush_propagation();
    }
}

fn call_inner(srv: &mut Server, c: &mut Client, argv: &Argv, id: usize) {
    // Set before running, as Redis's c->lastcmd: a client that blocks shows
    // its blocking command in CLIENT LIST.
    c.last_cmd = srv.commands.full_name(id);
    let dirty_before = srv.dirty;
    let reply_mark = c.out.buf.len();
    // One clock read gives both the command's notion of "now" and the
    // start of its duration measurement.
    let start_us = crate::server::unix_us();
    srv.now_ms = start_us / 1000;
    let cmd = srv.commands.cmd(id);
    srv.no_touch = c.no_touch;
    let mut ctx = Ctx { srv, c, argv, cmd_id: id, rewritten: None, redacted: Vec::new() };
    let result = (cmd.handler)(&mut ctx);
    let rewritten = ctx.rewritten.take();
    let redacted = std::mem::take(&mut ctx.redacted);
    srv.no_touch = false;
    // Keys added by a command that fired no event of its own.
    if srv.notify_flags & crate::db::keyspace::event::NEW != 0 {
        srv.fire_new_key_events();
    }
    // What the command did to its own client while out of the slab: pushes
    // it published to itself (RESP3), WATCHed keys it modified.
    if !srv.pubsub.deferred.is_empty() {
        srv.take_deferred_messages(c, Some(reply_mark));
    }
    if !srv.watches.dirty_out_of_slab.is_empty() {
        crate::server::watch::apply_deferred(srv, c);
    }
    let duration = (crate::server::unix_us() - start_us).max(0) as u64;
    if let Err(e) = &result {
        srv.commands.stats[id].failed_calls += 1;
        reply_error(srv, c, e);
    }
    if c.blocked {
        // Counted when it is served, times out or is unblocked (as Redis's
        // updateStatsOnUnblock), so that a blocking call counts once.
        return;
    }
    let stats = &mut srv.commands.stats[id];
    stats.calls += 1;
    stats.usec += duration;
    srv.stats.record_latency(id, duration);
    srv.stats.total_commands_processed += 1;
    c.tot_cmds += 1;

    let args: Vec<&[u8]>;
    let need_args = !srv.monitors.is_empty()
        || (srv.config.slowlog_log_slower_than >= 0
            && duration as i64 >= srv.config.slowlog_log_slower_than
            && !cmd.has(flag::SKIP_SLOWLOG))
        || srv.dirty != dirty_before;
    if !need_args {
        return;
    }
    args = argv.iter().enumerate().map(|(i, a)| if redacted.contains(&i) { &b"(redacted)"[..] } else { a }).collect();
    if srv.config.slowlog_log_slower_than >= 0 && duration as i64 >= srv.config.slowlog_log_slower_than && !cmd.has(flag::SKIP_SLOWLOG) {
        let name = c.name.clone().unwrap_or_default();
        let max = srv.config.slowlog_max_len;
        let peer = if c.is_unix { format!("{}:0", c.laddr) } else { c.addr.clone() };
        srv.slowlog.push(&args, duration, &peer, &name, max);
    }
    if !srv.monitors.is_empty() && !cmd.has(flag::SKIP_MONITOR | flag::ADMIN) {
        feed_monitors(srv, c, &args);
    }
    // As Redis's call(): whatever made the dataset dirty is propagated,
    // even a read-only command (PFCOUNT writing its cache back).
    // Any command that changed data is propagated (PFCOUNT may write its
    // cache), except EXEC: its commands were propagated one by one, and the
    // transaction is wrapped once when the execution unit ends.
    if srv.dirty != dirty_before && cmd.name != "exec" {
        match &rewritten {
            Some(r) => {
                let r: Vec<&[u8]> = r.iter().map(|a| a.as_slice()).collect();
                srv.propagate(c.db, &r);
            }
            None => {
                // The real arguments, not the redacted ones shown above.
                let original: Vec<&[u8]> = argv.iter().collect();
                srv.propagate(c.db, &original);
            }
        }
    }
}

/// Sends `args` to every MONITOR client in Redis's format:
/// `+1339518083.107412 [0 127.0.0.1:60866] "keys" "*"`.
fn feed_monitors(srv: &mut Server, c: &Client, args: &[&[u8]]) {
    let now = crate::server::unix_us();
    let who = if c.is_unix {
        format!("unix:{}", c.laddr)
    } else if c.id == u64::MAX {
        "lua".to_string()
    } else {
        c.addr.clone()
    };
    let mut line = format!("+{}.{:06} [{} {}]", now / 1_000_000, now % 1_000_000, c.db, who).into_bytes();
    for a in args {
        line.push(b' ');
        line.extend_from_slice(&repr(a));
    }
    line.extend_from_slice(b"\r\n");
    let monitors = srv.monitors.clone();
    for m in monitors {
        if let Some(mc) = srv.clients.get_mut(m) {
            mc.out.raw(&line);
            srv.pending_writes.push(m);
        }
    }
}

/// Quoted, escaped form of a byte string (sdscatrepr).
pub fn repr(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + 2);
    out.push(b'"');
    for &b in s {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x07 => out.extend_from_slice(b"\\a"),
            0x08 => out.extend_from_slice(b"\\b"),
            b if b.is_ascii_graphic() || b == b' ' => out.push(b),
            b => out.extend_from_slice(format!("\\x{:02x}", b).as_bytes()),
        }
    }
    out.push(b'"');
    out
}

/// Client names may not contain spaces or newlines (CLIENT SETNAME, HELLO).
pub fn client_name_valid(name: &[u8]) -> CmdResult {
    if name.iter().any(|&b| b < b'!' || b > b'~') {
        return Err(ReplyError::client_name_invalid());
    }
    Ok(())
}

/// Upper-case name of the command a subcommand belongs to ("CLIENT").
pub fn parent_name(ctx: &Ctx) -> String {
    let id = ctx.srv.commands.entries[ctx.cmd_id].2.unwrap_or(ctx.cmd_id);
    ctx.srv.commands.cmd(id).name.to_ascii_uppercase()
}

/// Redis's "unknown subcommand or wrong number of arguments" error
/// (addReplySubcommandSyntaxError): the subcommand as the client typed it.
pub fn subcommand_syntax_error(ctx: &Ctx) -> ReplyError {
    ReplyError::subcommand_syntax(ctx.arg(1), &parent_name(ctx))
}

/// Replies with a HELP text in Redis's layout (addReplyHelp): a header
/// line, the given lines, then the HELP entry; all as simple strings.
pub fn reply_help(ctx: &mut Ctx, lines: &[&str]) {
    let name = parent_name(ctx);
    let out = &mut ctx.c.out;
    out.array(lines.len() + 3);
    out.simple(&format!("{} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", name));
    for l in lines {
        out.simple(l);
    }
    out.simple("HELP");
    out.simple("    Prints this help.");
}
