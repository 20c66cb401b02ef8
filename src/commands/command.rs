//! COMMAND and its subcommands: everything they report is read from the
//! command table; mirrors commandCommand and friends in server.c.

use super::args;
use super::errors::{CmdResult, ReplyError};
use super::table::{acl, flag, flag::*, Command, CommandTable};
use super::Ctx;
use crate::net::reply::Reply;

const C: u32 = acl::CONNECTION;

pub const COMMANDS: &[Command] = &[Command::new("command", -1, command)
    .flags(LOADING | STALE)
    .acl(C)
    .group("server")
    .tips(&["nondeterministic_output_order"])
    .doc("2.8.13", "O(N) where N is the total number of Redis commands", "Returns detailed information about all commands.")
    .subcommands(&[
        Command::new("count", 2, count).flags(LOADING | STALE).acl(C).group("server").doc("2.8.13", "O(1)", "Returns a count of commands."),
        Command::new("list", -2, list).flags(LOADING | STALE).acl(C).group("server").tips(&["nondeterministic_output_order"]).doc(
            "7.0.0",
            "O(N) where N is the total number of Redis commands",
            "Returns a list of command names.",
        ),
        Command::new("info", -2, info).flags(LOADING | STALE).acl(C).group("server").tips(&["nondeterministic_output_order"]).doc(
            "2.8.13",
            "O(N) where N is the number of commands to look up",
            "Returns information about one, multiple or all commands.",
        ),
        Command::new("docs", -2, docs).flags(LOADING | STALE).acl(C).group("server").tips(&["nondeterministic_output_order"]).doc(
            "7.0.0",
            "O(N) where N is the number of commands to look up",
            "Returns documentary information about one, multiple or all commands.",
        ),
        Command::new("getkeys", -4, getkeys).flags(LOADING | STALE).acl(C).group("server").doc(
            "2.8.13",
            "O(N) where N is the number of arguments to the command",
            "Extracts the key names from an arbitrary command.",
        ),
        Command::new("getkeysandflags", -4, getkeysandflags).flags(LOADING | STALE).acl(C).group("server").doc(
            "7.0.0",
            "O(N) where N is the number of arguments to the command",
            "Extracts the key names and access flags for an arbitrary command.",
        ),
        Command::new("help", 2, help).flags(LOADING | STALE).acl(C).group("server").doc(
            "5.0.0",
            "O(1)",
            "Returns helpful text about the different subcommands.",
        ),
    ])];

/// COMMAND: information about every command.
pub fn command(ctx: &mut Ctx) -> CmdResult {
    let t = &ctx.srv.commands;
    let ids: Vec<usize> = t.top_level().collect();
    ctx.c.out.array(ids.len());
    for id in ids {
        write_info(&mut ctx.c.out, t, id);
    }
    Ok(())
}

/// COMMAND COUNT
pub fn count(ctx: &mut Ctx) -> CmdResult {
    let n = ctx.srv.commands.top_level().count();
    ctx.c.out.int(n as i64);
    Ok(())
}

/// COMMAND INFO [command-name ...]
pub fn info(ctx: &mut Ctx) -> CmdResult {
    if ctx.argc() == 2 {
        return command(ctx);
    }
    let t = &ctx.srv.commands;
    ctx.c.out.array(ctx.argc() - 2);
    for name in ctx.args_from(2) {
        match lookup_full(t, name) {
            Some(id) => write_info(&mut ctx.c.out, t, id),
            None => ctx.c.out.null(),
        }
    }
    Ok(())
}

/// Resolves "get" or "config|get".
fn lookup_full(t: &CommandTable, name: &[u8]) -> Option<usize> {
    match name.iter().position(|&b| b == b'|') {
        Some(p) => t.lookup_sub(t.lookup(&name[..p])?, &name[p + 1..]),
        None => t.lookup(name),
    }
}

fn write_flags(out: &mut Reply, names: &[(u32, &str)], bits: u32) {
    let set: Vec<&str> = names.iter().filter(|(b, _)| bits & b != 0).map(|(_, n)| *n).collect();
    out.set(set.len());
    for n in set {
        out.simple(n);
    }
}

/// One command's COMMAND INFO entry (addReplyCommandInfo).
fn write_info(out: &mut Reply, t: &CommandTable, id: usize) {
    let cmd = t.cmd(id);
    let (first, last, step) = cmd.key_range();
    out.array(10);
    out.bulk(t.full_name(id).as_bytes());
    out.int(cmd.arity as i64);
    write_flags(out, flag::NAMES, cmd.flags);
    out.int(first as i64);
    out.int(last as i64);
    out.int(step as i64);
    let cats: Vec<String> = acl::NAMES.iter().filter(|(b, _)| cmd.acl_categories() & b != 0).map(|(_, n)| format!("@{}", n)).collect();
    out.set(cats.len());
    for c in &cats {
        out.simple(c);
    }
    out.set(cmd.tips.len());
    for tip in cmd.tips {
        out.bulk(tip.as_bytes());
    }
    // Key specs, from the legacy range (begin at index, find by range).
    if first > 0 {
        out.array(1);
        out.map(3);
        out.bulk(b"flags");
        let kf = cmd.key_spec_flags();
        out.set(kf.len());
        for f in kf {
            out.simple(f);
        }
        out.bulk(b"begin_search");
        out.map(2);
        out.bulk(b"type");
        out.bulk(b"index");
        out.bulk(b"spec");
        out.map(1);
        out.bulk(b"index");
        out.int(first as i64);
        out.bulk(b"find_keys");
        out.map(2);
        out.bulk(b"type");
        out.bulk(b"range");
        out.bulk(b"spec");
        out.map(3);
        out.bulk(b"lastkey");
        out.int(if last < 0 { last as i64 } else { (last - first) as i64 });
        out.bulk(b"keystep");
        out.int(step as i64);
        out.bulk(b"limit");
        out.int(0);
    } else {
        out.array(0);
    }
    let subs: Vec<usize> = t.entries.iter().enumerate().filter(|(_, e)| e.2 == Some(id)).map(|(i, _)| i).collect();
    out.array(subs.len());
    for s in subs {
        write_info(out, t, s);
    }
}

/// One command's COMMAND DOCS entry.
fn write_docs(out: &mut Reply, t: &CommandTable, id: usize) {
    let cmd = t.cmd(id);
    let subs: Vec<usize> = t.entries.iter().enumerate().filter(|(_, e)| e.2 == Some(id)).map(|(i, _)| i).collect();
    out.map(4 + !subs.is_empty() as usize);
    out.bulk(b"summary");
    out.bulk(cmd.summary.as_bytes());
    out.bulk(b"since");
    out.bulk(cmd.since.as_bytes());
    out.bulk(b"group");
    out.bulk(cmd.group.as_bytes());
    out.bulk(b"complexity");
    out.bulk(cmd.complexity.as_bytes());
    if !subs.is_empty() {
        out.bulk(b"subcommands");
        out.map(subs.len());
        for s in subs {
            out.bulk(t.full_name(s).as_bytes());
            write_docs(out, t, s);
        }
    }
}

/// COMMAND DOCS [command-name ...]
pub fn docs(ctx: &mut Ctx) -> CmdResult {
    let t = &ctx.srv.commands;
    let ids: Vec<usize> =
        if ctx.argc() == 2 { t.top_level().collect() } else { ctx.args_from(2).filter_map(|n| lookup_full(t, n)).collect() };
    ctx.c.out.map(ids.len());
    for id in ids {
        ctx.c.out.bulk(t.full_name(id).as_bytes());
        write_docs(&mut ctx.c.out, t, id);
    }
    Ok(())
}

/// COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]
pub fn list(ctx: &mut Ctx) -> CmdResult {
    let t = &ctx.srv.commands;
    let filter: Box<dyn Fn(usize) -> bool> = match ctx.argc() {
        2 => Box::new(|_| true),
        5 if args::is(ctx.arg(2), "filterby") => {
            let (kind, val) = (ctx.arg(3), ctx.arg(4));
            if args::is(kind, "module") {
                Box::new(|_| false)
            } else if args::is(kind, "aclcat") {
                let bit = acl::NAMES.iter().find(|(_, n)| n.as_bytes().eq_ignore_ascii_case(val)).map(|(b, _)| *b).unwrap_or(0);
                Box::new(move |id| t.cmd(id).acl_categories() & bit != 0)
            } else if args::is(kind, "pattern") {
                Box::new(move |id| crate::util::glob::glob_match(val, t.full_name(id).as_bytes(), true))
            } else {
                return Err(ReplyError::syntax());
            }
        }
        _ => return Err(ReplyError::syntax()),
    };
    let names: Vec<&str> = (0..t.entries.len()).filter(|&id| filter(id)).map(|id| t.full_name(id)).collect();
    ctx.c.out.array(names.len());
    for n in names {
        ctx.c.out.bulk(n.as_bytes());
    }
    Ok(())
}

/// The key positions of the command in argv[2..] (COMMAND GETKEYS).
fn keys_of(ctx: &Ctx) -> Result<(usize, Vec<usize>), ReplyError> {
    let t = &ctx.srv.commands;
    let inner: Vec<&[u8]> = ctx.args_from(2).collect();
    let mut id = t.lookup(inner[0]).ok_or_else(ReplyError::invalid_command_specified)?;
    if !t.cmd(id).subcommands.is_empty() && inner.len() >= 2 {
        id = t.lookup_sub(id, inner[1]).ok_or_else(ReplyError::invalid_command_specified)?;
    }
    let cmd = t.cmd(id);
    let argc = inner.len() as i32;
    if (cmd.arity > 0 && cmd.arity != argc) || argc < -cmd.arity {
        return Err(ReplyError::getkeys_wrong_arity());
    }
    let keys = cmd.key_positions(&inner);
    if keys.is_empty() {
        return Err(ReplyError::getkeys_no_keys());
    }
    Ok((id, keys))
}

/// COMMAND GETKEYS command [arg ...]
pub fn getkeys(ctx: &mut Ctx) -> CmdResult {
    let (_, keys) = keys_of(ctx)?;
    ctx.c.out.array(keys.len());
    for k in keys {
        ctx.c.out.bulk(ctx.arg(k + 2));
    }
    Ok(())
}

/// COMMAND GETKEYSANDFLAGS command [arg ...]
pub fn getkeysandflags(ctx: &mut Ctx) -> CmdResult {
    let (id, keys) = keys_of(ctx)?;
    let kf = ctx.srv.commands.cmd(id).key_spec_flags();
    ctx.c.out.array(keys.len());
    for k in keys {
        ctx.c.out.array(2);
        ctx.c.out.bulk(ctx.arg(k + 2));
        ctx.c.out.set(kf.len());
        for f in kf {
            ctx.c.out.simple(f);
        }
    }
    Ok(())
}

/// COMMAND HELP
pub fn help(ctx: &mut Ctx) -> CmdResult {
    super::reply_help(
        ctx,
        &[
            "(no subcommand)",
            "    Return details about all Redis commands.",
            "COUNT",
            "    Return the total number of commands in this Redis server.",
            "LIST",
            "    Return a list of all commands in this Redis server.",
            "INFO [<command-name> ...]",
            "    Return details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "DOCS [<command-name> ...]",
            "    Return documentation details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "GETKEYS <full-command>",
            "    Return the keys from a full Redis command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys and the access flags from a full Redis command.",
        ],
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::TestServer;

    #[test]
    fn command_info_get_matches_redis() {
        let mut t = TestServer::new();
        // Bytes from redis-server 7.0.15.
        t.check(&[
            ("COMMAND INFO get", "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
            ("COMMAND INFO nosuch", "*1\r\n$-1\r\n"),
            ("COMMAND GETKEYS set a b", "*1\r\n$1\r\na\r\n"),
            ("COMMAND GETKEYSANDFLAGS get a", "*1\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n"),
            ("COMMAND GETKEYS set a", "-ERR Invalid number of arguments specified for command\r\n"),
            ("COMMAND GETKEYS get", "-ERR wrong number of arguments for 'command|getkeys' command\r\n"),
            ("COMMAND LIST FILTERBY foo bar", "-ERR syntax error\r\n"),
            ("COMMAND LIST FILTERBY PATTERN xx*", "*0\r\n"),
            ("COMMAND DOCS nosuch", "*0\r\n"),
        ]);
        assert!(t.text(&["COMMAND", "HELP"]).starts_with("*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"));
    }

    #[test]
    fn table_invariants() {
        let t = crate::commands::build_table();
        let mut names = std::collections::HashSet::new();
        for (id, (cmd, full, _)) in t.entries.iter().enumerate() {
            assert!(names.insert(*full), "duplicate command {}", full);
            assert_ne!(cmd.arity, 0, "{} has arity 0", full);
            assert_eq!(cmd.name, cmd.name.to_ascii_lowercase(), "{} not lower-case", full);
            assert!(!(cmd.has(super::flag::WRITE) && cmd.has(super::flag::READONLY)), "{} both write and readonly", full);
            let (first, last, step) = cmd.key_range();
            if first > 0 {
                assert!(step > 0, "{} key step", full);
                assert!(last < 0 || last >= first, "{} key range", full);
                assert!(cmd.arity < 0 || first < cmd.arity, "{} first key beyond arity", full);
            }
            assert!(!cmd.summary.is_empty(), "{} has no summary", full);
            let _ = id;
        }
    }
}
