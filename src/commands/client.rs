//! CLIENT and its subcommands: connection introspection and control
//! (ID, SETNAME, LIST, KILL, PAUSE, REPLY...); mirrors clientCommand in
//! networking.c.
//!
//! While a command runs its client is out of the slab (it is `ctx.c`), so
//! every walk over "all clients" here adds `ctx.c` explicitly.

use super::args;
use super::errors::{CmdResult, ReplyError};
use super::table::{acl, flag::*, Command};
use super::{reply_help, subcommand_syntax_error, Ctx};
use crate::net::client::{Client, ReplyMode};
use crate::server::Pause;
use std::time::{Duration, Instant};

const CONN: u32 = acl::CONNECTION;

pub const COMMANDS: &[Command] = &[Command::new("client", -2, container)
    .group("connection")
    .doc("2.4.0", "Depends on subcommand.", "A container for client connection commands.")
    .subcommands(&[
        Command::new("caching", 3, unsupported)
            .flags(NOSCRIPT | LOADING | STALE)
            .acl(CONN)
            .group("connection")
            .doc("6.0.0", "O(1)", "Instructs the server whether to track the keys in the next request.")
            .args("mode:(YES | NO)"),
        Command::new("getname", 2, getname).flags(NOSCRIPT | LOADING | STALE).acl(CONN).group("connection").doc(
            "2.6.9",
            "O(1)",
            "Returns the name of the connection.",
        ),
        Command::new("getredir", 2, getredir).flags(NOSCRIPT | LOADING | STALE).acl(CONN).group("connection").doc(
            "6.0.0",
            "O(1)",
            "Returns the client ID to which the connection's tracking notifications are redirected.",
        ),
        Command::new("help", 2, help).flags(LOADING | STALE).acl(CONN).group("connection").doc(
            "5.0.0",
            "O(1)",
            "Returns helpful text about the different subcommands.",
        ),
        Command::new("id", 2, id).flags(NOSCRIPT | LOADING | STALE).acl(CONN).group("connection").doc(
            "5.0.0",
            "O(1)",
            "Returns the unique client ID of the connection.",
        ),
        Command::new("info", 2, info)
            .flags(NOSCRIPT | LOADING | STALE)
            .acl(CONN)
            .group("connection")
            .tips(&["nondeterministic_output"])
            .doc("6.2.0", "O(1)", "Returns information about the connection."),
        Command::new("kill", -3, kill)
            .flags(ADMIN | NOSCRIPT | LOADING | STALE)
            .acl(CONN)
            .group("connection")
            .doc("2.4.0", "O(N) where N is the number of client connections", "Terminates open connections.")
            .history(&[
                ("2.8.12", "Filters given as name-value pairs."),
                ("2.8.12", "ID filter."),
                ("3.2.0", "TYPE master."),
                ("5.0.0", "TYPE replica, with slave kept as an alias."),
                ("6.2.0", "LADDR filter."),
            ])
            .args(
                r#"filter:("ip:port"!2.8.12
                         | new-format:([ID client-id:integer@2.8.12]
                                     | [TYPE normal_master_slave_pubsub:(NORMAL | MASTER@3.2.0 | SLAVE | REPLICA@5.0.0 | PUBSUB)@2.8.12]
                                     | [USER username] | [ADDR "ip:port"] | [LADDR "ip:port"@6.2.0] | [SKIPME yes/no])...)"#,
            ),
        Command::new("list", -2, list)
            .flags(ADMIN | NOSCRIPT | LOADING | STALE)
            .acl(CONN)
            .group("connection")
            .tips(&["nondeterministic_output"])
            .doc("2.4.0", "O(N) where N is the number of client connections", "Lists open connections.")
            .history(&[
                ("2.8.12", "id field."),
                ("5.0.0", "TYPE filter."),
                ("6.0.0", "user field."),
                ("6.2.0", "argv-mem, tot-mem, laddr and redir fields; ID filter."),
                ("7.0.0", "resp, multi-mem, rbs and rbp fields."),
                ("7.0.3", "ssub field."),
            ])
            .args("[TYPE normal_master_replica_pubsub:(NORMAL | MASTER | REPLICA | PUBSUB)@5.0.0] [ID id:(client-id:integer...)@6.2.0]"),
        Command::new("no-evict", 3, no_evict)
            .flags(ADMIN | NOSCRIPT | LOADING | STALE)
            .acl(CONN)
            .group("connection")
            .doc("7.0.0", "O(1)", "Sets the client eviction mode of the connection.")
            .args("enabled:(ON | OFF)"),
        Command::new("no-touch", 3, no_touch)
            .flags(NOSCRIPT | LOADING | STALE)
            .acl(CONN)
            .group("connection")
            .doc("7.2.0", "O(1)", "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.")
            .args("enabled:(ON | OFF)"),
        Command::new("pause", -3, pause)
            .flags(ADMIN | NOSCRIPT | LOADING | STALE)
            .acl(CONN)
            .group("connection")
            .doc("2.9.50", "O(1)", "Suspends commands processing.")
            .history(&[("6.2.0", "WRITE mode, chosen by the new mode argument.")])
            .args("timeout:integer [mode:(WRITE | ALL)@6.2.0]"),
        Command::new("reply", 3, reply)
            .flags(NOSCRIPT | LOADING | STALE)
            .acl(CONN)
            .group("connection")
            .doc("3.2.0", "O(1)", "Instructs the server whether to reply to commands.")
            .args("on_off_skip:(ON | OFF | SKIP)"),
        Command::new("setinfo", 4, setinfo)
            .flags(NOSCRIPT | LOADING | STALE)
            .acl(CONN)
            .group("connection")
            .doc("7.2.0", "O(1)", "Sets information specific to the client or connection.")
            .args("attr:('lib-name' libname | 'lib-ver' libver)"),
        Command::new("setname", 3, setname)
            .flags(NOSCRIPT | LOADING | STALE)
            .acl(CONN)
            .group("connection")
            .doc("2.6.9", "O(1)", "Sets the connection name.")
            .args("connection-name"),
        Command::new("trackinginfo", 2, trackinginfo).flags(NOSCRIPT | LOADING | STALE).acl(CONN).group("connection").doc(
            "6.2.0",
            "O(1)",
            "Returns information about server-assisted client-side caching for the connection.",
        ),
        Command::new("unblock", -3, unblock)
            .flags(ADMIN | NOSCRIPT | LOADING | STALE)
            .acl(CONN)
            .group("connection")
            .doc(
                "5.0.0",
                "O(log N) where N is the number of client connections",
                "Unblocks a client blocked by a blocking command from a different connection.",
            )
            .args("client-id:integer [timeout_error:(TIMEOUT | ERROR)]"),
        Command::new("unpause", 2, unpause).flags(ADMIN | NOSCRIPT | LOADING | STALE).acl(CONN).group("connection").doc(
            "6.2.0",
            "O(N) Where N is the number of paused clients",
            "Resumes processing of clients that were paused.",
        ),
    ])];

/// The container itself never runs: the dispatcher resolves a subcommand
/// or replies with the arity / unknown-subcommand error first.
fn container(ctx: &mut Ctx) -> CmdResult {
    Err(ReplyError::unknown_subcommand(ctx.arg(1), "client"))
}

/// A subcommand whose feature is not built yet: CLIENT CACHING needs
/// client-side caching (CLIENT TRACKING); until then no client can be in
/// tracking mode, which is exactly Redis's error here.
fn unsupported(_ctx: &mut Ctx) -> CmdResult {
    Err(ReplyError::client_caching_without_tracking())
}

/// CLIENT HELP
fn help(ctx: &mut Ctx) -> CmdResult {
    reply_help(
        ctx,
        &[
            "CACHING (YES|NO)",
            "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
            "GETREDIR",
            "    Return the client ID we are redirecting to when tracking is enabled.",
            "GETNAME",
            "    Return the name of the current connection.",
            "ID",
            "    Return the ID of the current connection.",
            "INFO",
            "    Return information about the current client connection.",
            "KILL <ip:port>",
            "    Kill connection made from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Kill connections. Options are:",
            "    * ADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made from the specified address",
            "    * LADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made to specified local address",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Kill connections by type.",
            "    * USER <username>",
            "      Kill connections authenticated by <username>.",
            "    * SKIPME (YES|NO)",
            "      Skip killing current connection (default: yes).",
            "LIST [options ...]",
            "    Return information about client connections. Options:",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Return clients of specified type.",
            "UNPAUSE",
            "    Stop the current client pause, resuming traffic.",
            "PAUSE <timeout> [WRITE|ALL]",
            "    Suspend all, or just write, clients for <timeout> milliseconds.",
            "REPLY (ON|OFF|SKIP)",
            "    Control the replies sent to the current connection.",
            "SETNAME <name>",
            "    Assign the name <name> to the current connection.",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]",
            "    Unblock the specified blocked client.",
            "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
            "         [OPTIN] [OPTOUT] [NOLOOP]",
            "    Control server assisted client side caching.",
            "TRACKINGINFO",
            "    Report tracking status for the current connection.",
            "NO-EVICT (ON|OFF)",
            "    Protect current client connection from eviction.",
        ],
    );
    Ok(())
}

/// CLIENT ID: the connection's unique, never reused id.
fn id(ctx: &mut Ctx) -> CmdResult {
    ctx.c.out.int(ctx.c.id as i64);
    Ok(())
}

/// CLIENT GETNAME: the name, or null when none was set.
fn getname(ctx: &mut Ctx) -> CmdResult {
    match &ctx.c.name {
        Some(n) => ctx.c.out.bulk(n),
        None => ctx.c.out.null(),
    }
    Ok(())
}

/// CLIENT SETNAME name: an empty name removes it.
fn setname(ctx: &mut Ctx) -> CmdResult {
    let name = ctx.arg(2);
    super::client_name_valid(name)?;
    ctx.c.name = if name.is_empty() { None } else { Some(name.to_vec()) };
    ctx.c.out.ok();
    Ok(())
}

/// CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2; client libraries send
/// it on every connect). An empty value clears the attribute.
fn setinfo(ctx: &mut Ctx) -> CmdResult {
    let attr = ctx.arg(2);
    let val = ctx.arg(3);
    let is_name = args::is(attr, "lib-name");
    if !is_name && !args::is(attr, "lib-ver") {
        return Err(ReplyError::client_info_unknown(attr));
    }
    if val.iter().any(|&b| !(b'!'..=b'~').contains(&b)) {
        return Err(ReplyError::client_info_invalid(attr));
    }
    let v = if val.is_empty() { None } else { Some(val.to_vec()) };
    if is_name {
        ctx.c.lib_name = v;
    } else {
        ctx.c.lib_ver = v;
    }
    ctx.c.out.ok();
    Ok(())
}

/// The client types CLIENT LIST TYPE and CLIENT KILL TYPE filter on
/// (getClientTypeByName).
#[derive(Clone, Copy, PartialEq, Eq)]
enum ClientType {
    Normal,
    Replica,
    PubSub,
    Master,
}

fn client_type_by_name(name: &[u8]) -> Result<ClientType, ReplyError> {
    if args::is(name, "normal") {
        Ok(ClientType::Normal)
    } else if args::is(name, "slave") || args::is(name, "replica") {
        Ok(ClientType::Replica)
    } else if args::is(name, "pubsub") {
        Ok(ClientType::PubSub)
    } else if args::is(name, "master") {
        Ok(ClientType::Master)
    } else {
        Err(ReplyError::unknown_client_type(name))
    }
}

/// getClientType. Replication is not built yet, so every other connection
/// is a normal client (MONITOR clients are normal in Redis too); that
/// module extends this when its client flags exist.
fn client_type(c: &Client) -> ClientType {
    if c.is_pubsub() {
        ClientType::PubSub
    } else {
        ClientType::Normal
    }
}

/// Every client, the caller included, in id order (Redis keeps its client
/// list in creation order, i.e. by id).
fn all_clients<'a>(ctx: &'a Ctx) -> Vec<&'a Client> {
    let mut v: Vec<&Client> = ctx.srv.clients.iter().collect();
    v.push(&*ctx.c);
    v.sort_by_key(|c| c.id);
    v
}

/// The address a client connected from, as CLIENT LIST prints it
/// (getClientPeerId): "ip:port", or "<unixsocket>:0".
fn peer_id(c: &Client) -> String {
    if c.is_unix {
        format!("{}:0", c.laddr)
    } else {
        c.addr.clone()
    }
}

/// The local address of a client's socket (getClientSockname).
fn sock_name(c: &Client) -> String {
    if c.is_unix {
        format!("{}:0", c.laddr)
    } else {
        c.laddr.clone()
    }
}

/// CLIENT INFO: the caller's CLIENT LIST line.
fn info(ctx: &mut Ctx) -> CmdResult {
    let mut s = ctx.c.info_line(Instant::now());
    s.push('\n');
    ctx.c.out.verbatim(s.as_bytes(), "txt");
    Ok(())
}

/// CLIENT LIST [TYPE type] | [ID id [id ...]]: one line per client.
fn list(ctx: &mut Ctx) -> CmdResult {
    let now = Instant::now();
    let mut out = String::new();
    if ctx.argc() == 4 && args::is(ctx.arg(2), "type") {
        let ty = client_type_by_name(ctx.arg(3))?;
        for c in all_clients(ctx).into_iter().filter(|c| client_type(c) == ty) {
            out.push_str(&c.info_line(now));
            out.push('\n');
        }
    } else if ctx.argc() > 3 && args::is(ctx.arg(2), "id") {
        // Parse every id first: one bad id fails the whole command.
        let mut ids = Vec::with_capacity(ctx.argc() - 3);
        for a in ctx.args_from(3) {
            ids.push(crate::util::num::parse_i64_strict(a).ok_or_else(ReplyError::invalid_client_id)?);
        }
        let clients = all_clients(ctx);
        for id in ids {
            if let Some(c) = clients.iter().find(|c| c.id as i64 == id) {
                out.push_str(&c.info_line(now));
                out.push('\n');
            }
        }
    } else if ctx.argc() != 2 {
        return Err(ReplyError::syntax());
    } else {
        for c in all_clients(ctx) {
            out.push_str(&c.info_line(now));
            out.push('\n');
        }
    }
    ctx.c.out.verbatim(out.as_bytes(), "txt");
    Ok(())
}

/// The filters of CLIENT KILL; every given one must match.
#[derive(Default)]
struct KillFilter {
    addr: Option<Vec<u8>>,
    laddr: Option<Vec<u8>>,
    user: Option<Vec<u8>>,
    ty: Option<ClientType>,
    id: Option<u64>,
    /// Seconds: clients connected longer than this match (Redis 7.4).
    max_age: Option<u64>,
    skip_me: bool,
}

impl KillFilter {
    fn matches(&self, c: &Client, now: Instant) -> bool {
        if self.addr.as_ref().is_some_and(|a| a.as_slice() != peer_id(c).as_bytes()) {
            return false;
        }
        if self.laddr.as_ref().is_some_and(|a| a.as_slice() != sock_name(c).as_bytes()) {
            return false;
        }
        if self.ty.is_some_and(|t| t != client_type(c)) {
            return false;
        }
        if self.id.is_some_and(|id| id != c.id) {
            return false;
        }
        if self.user.as_ref().is_some_and(|u| u.as_slice() != c.user.as_bytes()) {
            return false;
        }
        if self.max_age.is_some_and(|age| now.duration_since(c.created).as_secs() <= age) {
            return false;
        }
        true
    }
}

/// CLIENT KILL ip:port
/// CLIENT KILL [ID id] [TYPE type] [USER user] [ADDR ip:port] [LADDR ip:port]
///             [SKIPME yes|no] [MAXAGE seconds]
///
/// The old form replies +OK or "No such client" and may kill the caller;
/// the filter form replies the number killed and skips the caller unless
/// SKIPME no. The caller is closed only after its reply is written.
fn kill(ctx: &mut Ctx) -> CmdResult {
    let old_form = ctx.argc() == 3;
    let mut f = KillFilter::default();
    if old_form {
        f.addr = Some(ctx.arg(2).to_vec());
    } else {
        f.skip_me = true;
        let mut i = 2;
        while i < ctx.argc() {
            let opt = ctx.arg(i);
            if i + 1 >= ctx.argc() {
                return Err(ReplyError::syntax());
            }
            let val = ctx.arg(i + 1);
            if args::is(opt, "id") {
                let n = crate::util::num::parse_i64_strict(val).filter(|&n| n > 0);
                f.id = Some(n.ok_or_else(ReplyError::client_id_not_positive)? as u64);
            } else if args::is(opt, "type") {
                f.ty = Some(client_type_by_name(val)?);
            } else if args::is(opt, "addr") {
                f.addr = Some(val.to_vec());
            } else if args::is(opt, "laddr") {
                f.laddr = Some(val.to_vec());
            } else if args::is(opt, "user") {
                // ACL users come with the ACL module; "default" is the only one.
                if val != b"default" {
                    return Err(ReplyError::no_such_user(val));
                }
                f.user = Some(val.to_vec());
            } else if args::is(opt, "skipme") {
                if args::is(val, "yes") {
                    f.skip_me = true;
                } else if args::is(val, "no") {
                    f.skip_me = false;
                } else {
                    return Err(ReplyError::syntax());
                }
            } else if args::is(opt, "maxage") {
                let n = args::int(val)?;
                f.max_age = if n > 0 { Some(n as u64) } else { None };
            } else {
                return Err(ReplyError::syntax());
            }
            i += 2;
        }
    }

    let now = Instant::now();
    let victims: Vec<usize> = ctx.srv.clients.iter().filter(|c| f.matches(c, now)).map(|c| c.token).collect();
    let mut killed = victims.len();
    for token in victims {
        ctx.srv.close_client_async(token);
    }
    let kill_me = !f.skip_me && f.matches(ctx.c, now);
    if kill_me {
        killed += 1;
    }
    if old_form {
        if killed == 0 {
            return Err(ReplyError::no_such_client());
        }
        ctx.c.out.ok();
    } else {
        ctx.c.out.int(killed as i64);
    }
    // Flagged after the reply is queued, so the caller still receives it.
    if kill_me {
        ctx.c.close_after_reply = true;
    }
    Ok(())
}

/// CLIENT PAUSE timeout [WRITE|ALL]: stops serving clients (or only their
/// writes) for `timeout` milliseconds. A second pause keeps the later end
/// and the stricter mode, as pauseClients does.
fn pause(ctx: &mut Ctx) -> CmdResult {
    if ctx.argc() > 4 {
        return Err(subcommand_syntax_error(ctx));
    }
    let mut write_only = false;
    if ctx.argc() == 4 {
        if args::is(ctx.arg(3), "write") {
            write_only = true;
        } else if !args::is(ctx.arg(3), "all") {
            return Err(ReplyError::client_pause_mode());
        }
    }
    let ms = crate::util::num::parse_i64_strict(ctx.arg(2)).ok_or_else(ReplyError::timeout_not_integer)?;
    if ms < 0 {
        return Err(ReplyError::timeout_negative());
    }
    let until = Instant::now() + Duration::from_millis(ms as u64);
    let p = match ctx.srv.pause {
        Some(old) if Instant::now() < old.until => Pause { until: old.until.max(until), write_only: old.write_only && write_only },
        _ => Pause { until, write_only },
    };
    ctx.srv.pause = Some(p);
    ctx.c.out.ok();
    Ok(())
}

/// CLIENT UNPAUSE: ends a CLIENT PAUSE now.
fn unpause(ctx: &mut Ctx) -> CmdResult {
    ctx.srv.unpause();
    ctx.c.out.ok();
    Ok(())
}

/// CLIENT REPLY ON|OFF|SKIP. `execute()` applies the mode: OFF and SKIP
/// themselves reply nothing, ON replies +OK.
fn reply(ctx: &mut Ctx) -> CmdResult {
    let mode = ctx.arg(2);
    if args::is(mode, "on") {
        ctx.c.reply_mode = ReplyMode::On;
        ctx.c.out.ok();
    } else if args::is(mode, "off") {
        ctx.c.reply_mode = ReplyMode::Off;
    } else if args::is(mode, "skip") {
        if ctx.c.reply_mode != ReplyMode::Off {
            ctx.c.reply_mode = ReplyMode::SkipNext;
        }
    } else {
        return Err(ReplyError::syntax());
    }
    Ok(())
}

/// Parses the ON|OFF argument of NO-EVICT / NO-TOUCH.
fn on_off(arg: &[u8]) -> Result<bool, ReplyError> {
    if args::is(arg, "on") {
        Ok(true)
    } else if args::is(arg, "off") {
        Ok(false)
    } else {
        Err(ReplyError::syntax())
    }
}

/// CLIENT NO-EVICT ON|OFF: exempts the connection from client eviction.
fn no_evict(ctx: &mut Ctx) -> CmdResult {
    ctx.c.no_evict = on_off(ctx.arg(2))?;
    ctx.c.out.ok();
    Ok(())
}

/// CLIENT NO-TOUCH ON|OFF (Redis 7.2): the connection's reads do not
/// change the LRU/LFU of the keys they touch.
fn no_touch(ctx: &mut Ctx) -> CmdResult {
    ctx.c.no_touch = on_off(ctx.arg(2))?;
    ctx.c.out.ok();
    Ok(())
}

/// CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 if the client was blocked and got
/// unblocked, else 0. No command can block yet (blocking arrives with the
/// list commands, BLPOP and friends), so no client is ever blocked and the
/// answer is Redis's answer for a client that is not blocked: 0.
fn unblock(ctx: &mut Ctx) -> CmdResult {
    if ctx.argc() > 4 {
        return Err(subcommand_syntax_error(ctx));
    }
    if ctx.argc() == 4 && !args::is(ctx.arg(3), "timeout") && !args::is(ctx.arg(3), "error") {
        return Err(ReplyError::client_unblock_reason());
    }
    let id = args::int(ctx.arg(2))?;
    let error = ctx.argc() == 4 && args::is(ctx.arg(3), "error");
    // The caller itself is never blocked (it is running this command).
    let done = id >= 0 && id as u64 != ctx.c.id && ctx.srv.unblock_client(id as u64, error);
    ctx.c.out.int(done as i64);
    Ok(())
}

/// CLIENT GETREDIR: -1, tracking is not enabled (client-side caching is
/// not built, so it never is).
fn getredir(ctx: &mut Ctx) -> CmdResult {
    ctx.c.out.int(-1);
    Ok(())
}

/// CLIENT TRACKINGINFO: tracking is off (see getredir).
fn trackinginfo(ctx: &mut Ctx) -> CmdResult {
    let out = &mut ctx.c.out;
    out.map(3);
    out.bulk(b"flags");
    out.set(1);
    out.bulk(b"off");
    out.bulk(b"redirect");
    out.int(-1);
    out.bulk(b"prefixes");
    out.array(0);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::TestServer;

    // Expected bytes from redis-server 7.0.15 (scripts/oracle.py).
    #[test]
    fn names_and_ids() {
        let mut t = TestServer::new();
        t.check(&[
            ("CLIENT", "-ERR wrong number of arguments for 'client' command\r\n"),
            ("CLIENT FOO", "-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n"),
            ("CLIENT ID x", "-ERR wrong number of arguments for 'client|id' command\r\n"),
            ("CLIENT ID", ":1\r\n"),
            ("CLIENT GETNAME", "$-1\r\n"),
            ("CLIENT SETNAME", "-ERR wrong number of arguments for 'client|setname' command\r\n"),
            ("CLIENT SETNAME \"a b\"", "-ERR Client names cannot contain spaces, newlines or special characters.\r\n"),
            ("CLIENT SETNAME foo", "+OK\r\n"),
            ("CLIENT GETNAME", "$3\r\nfoo\r\n"),
            ("CLIENT SETNAME \"\"", "+OK\r\n"),
            ("CLIENT GETNAME", "$-1\r\n"),
            ("CLIENT NO-EVICT on", "+OK\r\n"),
            ("CLIENT NO-EVICT x", "-ERR syntax error\r\n"),
            ("CLIENT NO-EVICT off", "+OK\r\n"),
            ("CLIENT NO-EVICT", "-ERR wrong number of arguments for 'client|no-evict' command\r\n"),
            ("CLIENT GETREDIR", ":-1\r\n"),
            ("CLIENT TRACKINGINFO", "*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n"),
            (
                "CLIENT CACHING yes",
                "-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled\r\n",
            ),
        ]);
        assert!(t
            .text(&["CLIENT", "HELP"])
            .starts_with("*48\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CACHING (YES|NO)\r\n"));
        assert!(t.text(&["CLIENT", "HELP"]).ends_with(
            "+NO-EVICT (ON|OFF)\r\n+    Protect current client connection from eviction.\r\n+HELP\r\n+    Prints this help.\r\n"
        ));
    }

    // SETINFO and NO-TOUCH are Redis 7.2 (texts from its networking.c).
    #[test]
    fn setinfo_and_no_touch() {
        let mut t = TestServer::new();
        t.check(&[
            ("CLIENT SETINFO lib-name redis-py", "+OK\r\n"),
            ("CLIENT SETINFO LIB-VER 5.0.1", "+OK\r\n"),
            ("CLIENT SETINFO lib-name \"a b\"", "-ERR lib-name cannot contain spaces, newlines or special characters.\r\n"),
            ("CLIENT SETINFO foo x", "-ERR Unrecognized option 'foo'\r\n"),
            ("CLIENT SETINFO lib-name", "-ERR wrong number of arguments for 'client|setinfo' command\r\n"),
            ("CLIENT NO-TOUCH on", "+OK\r\n"),
            ("CLIENT NO-TOUCH x", "-ERR syntax error\r\n"),
        ]);
        assert_eq!(t.client.lib_name.as_deref(), Some(&b"redis-py"[..]));
        assert_eq!(t.client.lib_ver.as_deref(), Some(&b"5.0.1"[..]));
        assert!(t.client.no_touch);
    }

    #[test]
    fn pause_unblock_reply_errors() {
        let mut t = TestServer::new();
        t.check(&[
            ("CLIENT UNBLOCK 5", ":0\r\n"),
            ("CLIENT UNBLOCK x", "-ERR value is not an integer or out of range\r\n"),
            ("CLIENT UNBLOCK 5 error", ":0\r\n"),
            ("CLIENT UNBLOCK 5 foo", "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n"),
            ("CLIENT UNBLOCK x foo", "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n"),
            ("CLIENT unblock 1 2 3", "-ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.\r\n"),
            ("CLIENT PAUSE", "-ERR wrong number of arguments for 'client|pause' command\r\n"),
            ("CLIENT PAUSE x", "-ERR timeout is not an integer or out of range\r\n"),
            ("CLIENT PAUSE -1", "-ERR timeout is negative\r\n"),
            ("CLIENT PAUSE 10 foo", "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n"),
            ("CLIENT pause 10 all x", "-ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.\r\n"),
            ("CLIENT UNPAUSE x", "-ERR wrong number of arguments for 'client|unpause' command\r\n"),
            ("CLIENT REPLY x", "-ERR syntax error\r\n"),
            ("CLIENT REPLY on", "+OK\r\n"),
        ]);
    }

    #[test]
    fn pause_sets_server_state() {
        let mut t = TestServer::new();
        t.check(&[("CLIENT PAUSE 100000 write", "+OK\r\n")]);
        assert!(t.srv.pause.is_some_and(|p| p.write_only));
        // Only writes wait: CLIENT UNPAUSE is not one.
        t.check(&[("CLIENT UNPAUSE", "+OK\r\n")]);
        assert!(t.srv.pause.is_none());
        t.check(&[("CLIENT PAUSE 100000 write", "+OK\r\n")]);
        // A stricter pause wins; the later end is kept.
        t.check(&[("CLIENT PAUSE 10 all", "+OK\r\n")]);
        let p = t.srv.pause.unwrap();
        assert!(!p.write_only && p.until > std::time::Instant::now() + std::time::Duration::from_secs(50));
        // Now everything waits, CLIENT UNPAUSE included (as in Redis).
        t.client.argv = crate::net::resp::Argv::from_slices(&["CLIENT", "UNPAUSE"]);
        assert!(!crate::commands::execute(&mut t.srv, &mut t.client));
    }

    #[test]
    fn reply_modes() {
        let mut t = TestServer::new();
        t.check(&[
            ("CLIENT REPLY OFF", ""),
            ("PING", ""),
            ("CLIENT REPLY SKIP", ""),
            ("CLIENT REPLY ON", "+OK\r\n"),
            ("CLIENT REPLY SKIP", ""),
            ("PING", ""),
            ("PING", "+PONG\r\n"),
        ]);
    }

    #[test]
    fn kill_errors() {
        let mut t = TestServer::new();
        t.check(&[
            ("CLIENT KILL", "-ERR wrong number of arguments for 'client|kill' command\r\n"),
            ("CLIENT KILL 1.2.3.4:5", "-ERR No such client\r\n"),
            ("CLIENT KILL foo", "-ERR No such client\r\n"),
            ("CLIENT KILL id", "-ERR No such client\r\n"),
            ("CLIENT KILL id x", "-ERR client-id should be greater than 0\r\n"),
            ("CLIENT KILL id -5", "-ERR client-id should be greater than 0\r\n"),
            ("CLIENT KILL id 0", "-ERR client-id should be greater than 0\r\n"),
            ("CLIENT KILL id 999", ":0\r\n"),
            ("CLIENT KILL id 1 type", "-ERR syntax error\r\n"),
            ("CLIENT KILL type foo", "-ERR Unknown client type 'foo'\r\n"),
            ("CLIENT KILL type normal skipme yes", ":0\r\n"),
            ("CLIENT KILL type master", ":0\r\n"),
            ("CLIENT KILL type slave", ":0\r\n"),
            ("CLIENT KILL type replica", ":0\r\n"),
            ("CLIENT KILL type pubsub", ":0\r\n"),
            ("CLIENT KILL skipme foo", "-ERR syntax error\r\n"),
            ("CLIENT KILL user nobody", "-ERR No such user 'nobody'\r\n"),
            ("CLIENT KILL user default skipme yes", ":0\r\n"),
            ("CLIENT KILL addr 1.1.1.1:1", ":0\r\n"),
            ("CLIENT KILL laddr 1.1.1.1:1", ":0\r\n"),
            ("CLIENT KILL id 1 id 2", ":0\r\n"),
        ]);
        assert!(!t.client.close_after_reply);
        // Killing itself: the reply still goes out, then the connection closes.
        t.check(&[("CLIENT KILL id 1 skipme no", ":1\r\n")]);
        assert!(t.client.close_after_reply);
    }

    #[test]
    fn list_and_info() {
        let mut t = TestServer::new();
        t.check(&[
            ("CLIENT LIST type foo", "-ERR Unknown client type 'foo'\r\n"),
            ("CLIENT LIST foo", "-ERR syntax error\r\n"),
            ("CLIENT LIST id x", "-ERR Invalid client ID\r\n"),
            ("CLIENT LIST id 1 x", "-ERR Invalid client ID\r\n"),
            ("CLIENT LIST id 999", "$0\r\n\r\n"),
            ("CLIENT LIST type pubsub", "$0\r\n\r\n"),
            ("CLIENT LIST id", "-ERR syntax error\r\n"),
            ("CLIENT INFO x", "-ERR wrong number of arguments for 'client|info' command\r\n"),
        ]);
        let list = t.text(&["CLIENT", "LIST"]);
        let body = list.split_once("\r\n").unwrap().1;
        assert!(body.starts_with("id=1 addr= laddr= fd=-1 name= age=0 idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf="), "{}", body);
        assert!(body.ends_with(" events=r cmd=client|list user=default redir=-1 resp=2\n\r\n"), "{}", body);
        let info = t.text(&["CLIENT", "INFO"]);
        assert!(info.contains(" cmd=client|info "), "{}", info);
        assert_eq!(t.text(&["CLIENT", "LIST", "ID", "1", "1"]).matches("id=1 ").count(), 2);
    }
}
