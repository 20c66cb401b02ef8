//! Connection commands: PING, ECHO, QUIT, RESET, HELLO, AUTH, SELECT.

use super::args;
use super::errors::{CmdResult, ReplyError};
use super::table::{acl, flag::*, Command};
use super::Ctx;
use crate::net::client::ReplyMode;

pub const COMMANDS: &[Command] = &[
    Command::new("ping", -1, ping)
        .flags(FAST | SENTINEL)
        .acl(acl::CONNECTION)
        .group("connection")
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .doc("1.0.0", "O(1)", "Returns the server's liveliness response.")
        .args("[message]"),
    Command::new("echo", 2, echo)
        .flags(FAST | LOADING | STALE)
        .acl(acl::CONNECTION)
        .group("connection")
        .doc("1.0.0", "O(1)", "Returns the given string.")
        .args("message"),
    Command::new("quit", -1, quit)
        .flags(ALLOW_BUSY | NOSCRIPT | LOADING | STALE | FAST | NO_AUTH)
        .acl(acl::CONNECTION)
        .group("connection")
        .doc("1.0.0", "O(1)", "Closes the connection."),
    Command::new("reset", 1, reset)
        .flags(NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY)
        .acl(acl::CONNECTION)
        .group("connection")
        .doc("6.2.0", "O(1)", "Resets the connection."),
    Command::new("hello", -1, hello)
        .flags(NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | SENTINEL | ALLOW_BUSY)
        .acl(acl::CONNECTION)
        .group("connection")
        .doc("6.0.0", "O(1)", "Handshakes with the Redis server.")
        .history(&[("6.2.0", "The protocol version became optional: without arguments HELLO reports on the connection.")])
        .args("[arguments:(protover:integer [AUTH username_password:(username password)] [SETNAME clientname])]"),
    Command::new("auth", -2, auth)
        .flags(NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | SENTINEL | ALLOW_BUSY)
        .acl(acl::CONNECTION)
        .group("connection")
        .doc("1.0.0", "O(N) where N is the number of passwords defined for the user", "Authenticates the connection.")
        .history(&[("6.0.0", "A username, for ACL users.")])
        .args("[username@6.0.0] password"),
    Command::new("select", 2, select)
        .flags(LOADING | STALE | FAST)
        .acl(acl::CONNECTION)
        .group("connection")
        .doc("1.0.0", "O(1)", "Changes the selected database.")
        .args("index:integer"),
];

/// PING [message]: +PONG, or the message as a bulk string. A RESP2 client
/// in subscribed mode gets `["pong", message or ""]` instead.
pub fn ping(ctx: &mut Ctx) -> CmdResult {
    if ctx.argc() > 2 {
        return Err(ReplyError::wrong_arity("ping"));
    }
    if ctx.c.out.resp == 2 && ctx.c.is_pubsub() {
        let msg = if ctx.argc() == 2 { ctx.arg(1) } else { b"" };
        ctx.c.out.array(2);
        ctx.c.out.bulk(b"pong");
        ctx.c.out.bulk(msg);
        return Ok(());
    }
    match ctx.argc() {
        1 => ctx.c.out.raw(b"+PONG\r\n"),
        2 => ctx.c.out.bulk(ctx.arg(1)),
        _ => return Err(ReplyError::wrong_arity("ping")),
    }
    Ok(())
}

/// ECHO message
pub fn echo(ctx: &mut Ctx) -> CmdResult {
    ctx.c.out.bulk(ctx.arg(1));
    Ok(())
}

/// QUIT: +OK, then the connection is closed.
pub fn quit(ctx: &mut Ctx) -> CmdResult {
    ctx.c.out.ok();
    ctx.c.close_after_reply = true;
    Ok(())
}

/// RESET: back to a fresh connection's state, +RESET.
pub fn reset(ctx: &mut Ctx) -> CmdResult {
    let c = &mut *ctx.c;
    c.db = 0;
    c.out.resp = 2;
    c.name = None;
    c.reply_mode = ReplyMode::On;
    c.no_evict = false;
    c.no_touch = false;
    if c.monitor {
        c.monitor = false;
        let token = c.token;
        ctx.srv.monitors.retain(|&m| m != token);
    }
    c.authenticated = ctx.srv.config.requirepass.is_none();
    c.user = "default".into();
    super::multi::discard_transaction(ctx.srv, c);
    crate::server::pubsub::forget_client(ctx.srv, c);
    c.out.raw(b"+RESET\r\n");
    Ok(())
}

/// Checks a password against requirepass (the default user).
fn check_password(ctx: &mut Ctx, user: &[u8], pass: &[u8]) -> CmdResult {
    let ok = match &ctx.srv.config.requirepass {
        None => user == b"default",
        Some(p) => user == b"default" && p.as_slice() == pass,
    };
    if ok {
        ctx.c.authenticated = true;
        Ok(())
    } else {
        Err(ReplyError::wrong_pass())
    }
}

/// AUTH [username] password
pub fn auth(ctx: &mut Ctx) -> CmdResult {
    if ctx.argc() > 3 {
        return Err(ReplyError::syntax());
    }
    if ctx.argc() == 2 && ctx.srv.config.requirepass.is_none() {
        return Err(ReplyError::auth_without_password());
    }
    for i in 1..ctx.argc() {
        ctx.redact(i);
    }
    let (user, pass) = if ctx.argc() == 2 { (&b"default"[..], ctx.arg(1)) } else { (ctx.arg(1), ctx.arg(2)) };
    check_password(ctx, user, pass)?;
    ctx.c.out.ok();
    Ok(())
}

/// HELLO [protover [AUTH username password] [SETNAME clientname]]
pub fn hello(ctx: &mut Ctx) -> CmdResult {
    let mut ver = None;
    let mut i = 1;
    if ctx.argc() >= 2 {
        let v = args::int(ctx.arg(1)).map_err(|_| ReplyError::protocol_version_not_integer())?;
        if !(2..=3).contains(&v) {
            return Err(ReplyError::noproto());
        }
        ver = Some(v as u8);
        i = 2;
    }
    let mut setname = None;
    while i < ctx.argc() {
        let more = ctx.argc() - i - 1;
        if args::is(ctx.arg(i), "auth") && more >= 2 {
            ctx.redact(i + 1);
            ctx.redact(i + 2);
            let (u, p) = (ctx.arg(i + 1), ctx.arg(i + 2));
            check_password(ctx, u, p)?;
            i += 3;
        } else if args::is(ctx.arg(i), "setname") && more >= 1 {
            let name = ctx.arg(i + 1);
            super::client_name_valid(name)?;
            setname = Some(name);
            i += 2;
        } else {
            return Err(ReplyError::hello_syntax(ctx.arg(i)));
        }
    }
    if !ctx.c.authenticated {
        return Err(ReplyError::hello_noauth());
    }
    if let Some(name) = setname {
        ctx.c.name = if name.is_empty() { None } else { Some(name.to_vec()) };
    }
    if let Some(v) = ver {
        ctx.c.out.resp = v;
    }
    let out = &mut ctx.c.out;
    out.map(7);
    out.bulk(b"server");
    out.bulk(b"redis");
    out.bulk(b"version");
    out.bulk(crate::server::REDIS_VERSION.as_bytes());
    out.bulk(b"proto");
    out.int(out.resp as i64);
    out.bulk(b"id");
    out.int(ctx.c.id as i64);
    let out = &mut ctx.c.out;
    out.bulk(b"mode");
    out.bulk(b"standalone");
    out.bulk(b"role");
    out.bulk(b"master");
    out.bulk(b"modules");
    out.array(0);
    Ok(())
}

/// SELECT index
pub fn select(ctx: &mut Ctx) -> CmdResult {
    ctx.c.db = args::db_index(ctx.arg(1), ctx.srv.dbs.len())?;
    ctx.c.out.ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::TestServer;

    #[test]
    fn passwords_are_redacted_in_the_slow_log() {
        let mut t = TestServer::new();
        t.srv.config.slowlog_log_slower_than = 0;
        t.check(&[("CONFIG SET requirepass abc", "+OK\r\n"), ("AUTH abc", "+OK\r\n")]);
        let log = t.text(&["SLOWLOG", "GET", "2"]);
        assert!(log.contains("$4\r\nAUTH\r\n$10\r\n(redacted)\r\n"), "{}", log);
        assert!(log.contains("$11\r\nrequirepass\r\n$10\r\n(redacted)\r\n"), "{}", log);
        assert!(!log.contains("abc"), "{}", log);
    }
}
