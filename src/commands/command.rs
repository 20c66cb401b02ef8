//! COMMAND and its subcommands: everything they report is read from the
//! command table; mirrors commandCommand and friends in server.c.

use super::args;
use super::argspec::{self, Arg, ArgType};
use super::errors::{CmdResult, ReplyError};
use super::keyspec::{self, BeginSearch, FindKeys, KeyRef, KeySpec};
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
        Command::new("list", -2, list)
            .flags(LOADING | STALE)
            .acl(C)
            .group("server")
            .tips(&["nondeterministic_output_order"])
            .doc("7.0.0", "O(N) where N is the total number of Redis commands", "Returns a list of command names.")
            .args("[FILTERBY filterby:(MODULE module-name | ACLCAT category | PATTERN pattern:pattern)]"),
        Command::new("info", -2, info)
            .flags(LOADING | STALE)
            .acl(C)
            .group("server")
            .tips(&["nondeterministic_output_order"])
            .doc("2.8.13", "O(N) where N is the number of commands to look up", "Returns information about one, multiple or all commands.")
            .history(&[("7.0.0", "Without names, reports every command.")])
            .args("[command-name...]"),
        Command::new("docs", -2, docs)
            .flags(LOADING | STALE)
            .acl(C)
            .group("server")
            .tips(&["nondeterministic_output_order"])
            .doc(
                "7.0.0",
                "O(N) where N is the number of commands to look up",
                "Returns documentary information about one, multiple or all commands.",
            )
            .args("[command-name...]"),
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
    let (first, last, step) = cmd.legacy_range;
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
    out.set(cmd.key_specs.len());
    for spec in cmd.key_specs {
        write_key_spec(out, spec);
    }
    // An empty set without subcommands, an array with (addReplyCommandSubCommands).
    let subs: Vec<usize> = t.entries.iter().enumerate().filter(|(_, e)| e.2 == Some(id)).map(|(i, _)| i).collect();
    if subs.is_empty() {
        out.set(0);
    } else {
        out.array(subs.len());
    }
    for s in subs {
        write_info(out, t, s);
    }
}

/// One key spec as a map (addReplyCommandKeySpecs).
fn write_key_spec(out: &mut Reply, spec: &KeySpec) {
    out.map(if spec.notes.is_empty() { 3 } else { 4 });
    if !spec.notes.is_empty() {
        out.bulk(b"notes");
        out.bulk(spec.notes.as_bytes());
    }
    out.bulk(b"flags");
    write_flags(out, keyspec::FLAG_NAMES, spec.flags);
    out.bulk(b"begin_search");
    out.map(2);
    out.bulk(b"type");
    match spec.begin_search {
        BeginSearch::Index(pos) => {
            out.bulk(b"index");
            out.bulk(b"spec");
            out.map(1);
            out.bulk(b"index");
            out.int(pos as i64);
        }
        BeginSearch::Keyword { keyword, startfrom } => {
            out.bulk(b"keyword");
            out.bulk(b"spec");
            out.map(2);
            out.bulk(b"keyword");
            out.bulk(keyword.as_bytes());
            out.bulk(b"startfrom");
            out.int(startfrom as i64);
        }
        BeginSearch::Unknown => {
            out.bulk(b"unknown");
            out.bulk(b"spec");
            out.map(0);
        }
    }
    out.bulk(b"find_keys");
    out.map(2);
    out.bulk(b"type");
    let fields = match spec.find_keys {
        FindKeys::Range { lastkey, keystep, limit } => ("range", [("lastkey", lastkey), ("keystep", keystep), ("limit", limit)]),
        FindKeys::Keynum { keynumidx, firstkey, keystep } => {
            ("keynum", [("keynumidx", keynumidx), ("firstkey", firstkey), ("keystep", keystep)])
        }
        FindKeys::Unknown => {
            out.bulk(b"unknown");
            out.bulk(b"spec");
            out.map(0);
            return;
        }
    };
    out.bulk(fields.0.as_bytes());
    out.bulk(b"spec");
    out.map(3);
    for (name, value) in fields.1 {
        out.bulk(name.as_bytes());
        out.int(value as i64);
    }
}

/// One command's COMMAND DOCS entry (addReplyCommandDocs): the fields in
/// Redis's order, each only when the command has it.
fn write_docs(out: &mut Reply, t: &CommandTable, id: usize) {
    let cmd = t.cmd(id);
    let subs: Vec<usize> = t.entries.iter().enumerate().filter(|(_, e)| e.2 == Some(id)).map(|(i, _)| i).collect();
    // Every declared spec parses (table_invariants checks them all); a
    // broken one would only lose its arguments, never fail the call.
    let args = argspec::parse(cmd.args).unwrap_or_default();
    let fields = [
        !cmd.summary.is_empty(),
        true, // since
        true, // group
        !cmd.complexity.is_empty(),
        cmd.deprecated.is_some() || cmd.syscmd, // doc_flags
        cmd.deprecated.is_some(),               // deprecated_since
        cmd.deprecated.is_some(),               // replaced_by
        !cmd.history.is_empty(),
        !args.is_empty(),
        !subs.is_empty(),
    ];
    out.map(fields.iter().filter(|&&f| f).count());
    if !cmd.summary.is_empty() {
        out.bulk(b"summary");
        out.bulk(cmd.summary.as_bytes());
    }
    out.bulk(b"since");
    out.bulk(cmd.since.as_bytes());
    out.bulk(b"group");
    out.bulk(cmd.group.as_bytes());
    if !cmd.complexity.is_empty() {
        out.bulk(b"complexity");
        out.bulk(cmd.complexity.as_bytes());
    }
    if cmd.deprecated.is_some() || cmd.syscmd {
        out.bulk(b"doc_flags");
        out.set(cmd.deprecated.is_some() as usize + cmd.syscmd as usize);
        if cmd.deprecated.is_some() {
            out.simple("deprecated");
        }
        if cmd.syscmd {
            out.simple("syscmd");
        }
    }
    if let Some((since, replaced_by)) = cmd.deprecated {
        out.bulk(b"deprecated_since");
        out.bulk(since.as_bytes());
        out.bulk(b"replaced_by");
        out.bulk(replaced_by.as_bytes());
    }
    if !cmd.history.is_empty() {
        out.bulk(b"history");
        out.set(cmd.history.len());
        for (version, change) in cmd.history {
            out.array(2);
            out.bulk(version.as_bytes());
            out.bulk(change.as_bytes());
        }
    }
    if !args.is_empty() {
        out.bulk(b"arguments");
        write_args(out, &args);
    }
    if !subs.is_empty() {
        out.bulk(b"subcommands");
        out.map(subs.len());
        for s in subs {
            out.bulk(t.full_name(s).as_bytes());
            write_docs(out, t, s);
        }
    }
}

/// An argument tree (addReplyCommandArgList).
fn write_args(out: &mut Reply, args: &[Arg]) {
    out.array(args.len());
    for arg in args {
        let flags = arg.flags().count();
        let nested = matches!(arg.kind, ArgType::OneOf | ArgType::Block);
        let optional_fields =
            [arg.key_spec_index.is_some(), arg.token.is_some(), arg.since.is_some(), arg.deprecated_since.is_some(), flags > 0, nested];
        out.map(2 + optional_fields.iter().filter(|&&f| f).count());
        out.bulk(b"name");
        out.bulk(arg.name.as_bytes());
        out.bulk(b"type");
        out.bulk(arg.kind.name().as_bytes());
        if let Some(index) = arg.key_spec_index {
            out.bulk(b"key_spec_index");
            out.int(index as i64);
        }
        if let Some(token) = arg.token {
            out.bulk(b"token");
            out.bulk(token.as_bytes());
        }
        if let Some(since) = arg.since {
            out.bulk(b"since");
            out.bulk(since.as_bytes());
        }
        if let Some(version) = arg.deprecated_since {
            out.bulk(b"deprecated_since");
            out.bulk(version.as_bytes());
        }
        if flags > 0 {
            out.bulk(b"flags");
            out.set(flags);
            for f in arg.flags() {
                out.simple(f);
            }
        }
        if nested {
            out.bulk(b"arguments");
            write_args(out, &arg.args);
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

/// The keys of the command in argv[2..], positions relative to it
/// (getKeysSubcommandImpl): the command must exist, have keys and get
/// its arity right, in that order.
fn keys_of(ctx: &Ctx) -> Result<Vec<KeyRef>, ReplyError> {
    let t = &ctx.srv.commands;
    let inner: Vec<&[u8]> = ctx.args_from(2).collect();
    let mut id = t.lookup(inner[0]).ok_or_else(ReplyError::invalid_command_specified)?;
    if !t.cmd(id).subcommands.is_empty() && inner.len() >= 2 {
        id = t.lookup_sub(id, inner[1]).ok_or_else(ReplyError::invalid_command_specified)?;
    }
    let cmd = t.cmd(id);
    if !cmd.has_keys() {
        return Err(ReplyError::getkeys_no_keys());
    }
    let argc = inner.len() as i32;
    if (cmd.arity > 0 && cmd.arity != argc) || argc < -cmd.arity {
        return Err(ReplyError::getkeys_wrong_arity());
    }
    let keys = cmd.keys_in(&inner);
    if keys.is_empty() && !cmd.has(flag::NO_MANDATORY_KEYS) {
        return Err(ReplyError::getkeys_invalid_arguments());
    }
    Ok(keys)
}

/// COMMAND GETKEYS command [arg ...]
pub fn getkeys(ctx: &mut Ctx) -> CmdResult {
    let keys = keys_of(ctx)?;
    ctx.c.out.array(keys.len());
    for k in keys {
        ctx.c.out.bulk(ctx.arg(k.pos + 2));
    }
    Ok(())
}

/// COMMAND GETKEYSANDFLAGS command [arg ...]
pub fn getkeysandflags(ctx: &mut Ctx) -> CmdResult {
    let keys = keys_of(ctx)?;
    ctx.c.out.array(keys.len());
    for k in keys {
        ctx.c.out.array(2);
        ctx.c.out.bulk(ctx.arg(k.pos + 2));
        write_flags(&mut ctx.c.out, keyspec::FLAG_NAMES, k.flags);
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
    fn key_specs_and_getkeys_match_redis() {
        let mut t = TestServer::new();
        // Bytes from redis-server 7.0.15.
        t.check(&[
            // Two specs; the legacy range joins them.
            ("COMMAND INFO smove", "*1\r\n*10\r\n$5\r\nsmove\r\n:4\r\n*2\r\n+write\r\n+fast\r\n:1\r\n:2\r\n:1\r\n*3\r\n+@write\r\n+@set\r\n+@fast\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+insert\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
            // A keynum spec: no legacy range, movablekeys.
            ("COMMAND INFO lmpop", "*1\r\n*10\r\n$5\r\nlmpop\r\n:-4\r\n*2\r\n+write\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@write\r\n+@list\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n"),
            ("COMMAND GETKEYSANDFLAGS sort a by x store b", "*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+OW\r\n+update\r\n"),
            ("COMMAND GETKEYSANDFLAGS zunionstore d 2 a b", "*3\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n"),
            // A numkeys the spec rejects: the fallback reads it like atoi, without flags.
            ("COMMAND GETKEYSANDFLAGS zunionstore d 2abc a b", "*3\r\n*2\r\n$1\r\na\r\n*0\r\n*2\r\n$1\r\nb\r\n*0\r\n*2\r\n$1\r\nd\r\n*0\r\n"),
            ("COMMAND GETKEYS zinter 0 a", "-ERR Invalid arguments specified for command\r\n"),
            // Variable flags come from the command's own finder.
            ("COMMAND GETKEYSANDFLAGS set a b get", "*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+update\r\n"),
            ("COMMAND GETKEYSANDFLAGS set a b", "*1\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n"),
            ("COMMAND GETKEYSANDFLAGS bitfield a get u8 0", "*1\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n"),
            ("COMMAND GETKEYS mset a 1 b", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
            // No keys is checked before the arity; shard channels are not keys.
            ("COMMAND GETKEYS config get", "-ERR The command has no key arguments\r\n"),
            ("COMMAND GETKEYS spublish ch m", "-ERR The command has no key arguments\r\n"),
        ]);
        t.run(&["HELLO", "3"]);
        t.check(&[("COMMAND GETKEYSANDFLAGS lmpop 1 a left", "*1\r\n*2\r\n$1\r\na\r\n~3\r\n+RW\r\n+access\r\n+delete\r\n")]);
    }

    /// The reply from `from` on: what follows our own prose (summary,
    /// history texts) must be Redis's bytes.
    fn tail(reply: String, from: &str) -> String {
        let at = reply.find(from).unwrap_or_else(|| panic!("no {:?} in {:?}", from, reply));
        reply[at..].to_string()
    }

    #[test]
    fn command_docs_match_redis() {
        let mut t = TestServer::new();
        // Bytes from redis-server 7.0.15. RESP2: doc flags and deprecation.
        let getset = t.text(&["COMMAND", "DOCS", "getset"]);
        assert!(getset.starts_with("*2\r\n$6\r\ngetset\r\n*16\r\n$7\r\nsummary\r\n"), "{:?}", getset);
        assert_eq!(
            tail(getset, "$9\r\ndoc_flags"),
            "$9\r\ndoc_flags\r\n*1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n$30\r\n`SET` with the `!GET` argument\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n"
        );
        t.run(&["HELLO", "3"]);
        // RESP3: key spec indexes, a block with a token, a repeated token, a named pure token.
        let sort = t.text(&["COMMAND", "DOCS", "sort"]);
        assert!(sort.starts_with("%1\r\n$4\r\nsort\r\n%5\r\n$7\r\nsummary\r\n"), "{:?}", sort);
        assert_eq!(
            tail(sort, "$9\r\narguments"),
            "$9\r\narguments\r\n*7\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%5\r\n$4\r\nname\r\n$7\r\npattern\r\n$4\r\ntype\r\n$7\r\npattern\r\n$14\r\nkey_spec_index\r\n:1\r\n$5\r\ntoken\r\n$2\r\nBY\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$12\r\noffset_count\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$5\r\nLIMIT\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%2\r\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n%2\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n%5\r\n$4\r\nname\r\n$7\r\npattern\r\n$4\r\ntype\r\n$7\r\npattern\r\n$14\r\nkey_spec_index\r\n:1\r\n$5\r\ntoken\r\n$3\r\nGET\r\n$5\r\nflags\r\n~3\r\n+optional\r\n+multiple\r\n+multiple_token\r\n%4\r\n$4\r\nname\r\n$5\r\norder\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$3\r\nasc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nASC\r\n%3\r\n$4\r\nname\r\n$4\r\ndesc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$4\r\nDESC\r\n%4\r\n$4\r\nname\r\n$7\r\nsorting\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$5\r\nALPHA\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$11\r\ndestination\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:2\r\n$5\r\ntoken\r\n$5\r\nSTORE\r\n$5\r\nflags\r\n~1\r\n+optional\r\n"
        );
        // History: a set of [version, text] pairs; the texts are our own.
        let set = t.text(&["COMMAND", "DOCS", "set"]);
        assert!(tail(set.clone(), "$7\r\nhistory").starts_with("$7\r\nhistory\r\n~4\r\n*2\r\n$6\r\n2.6.12\r\n"), "{:?}", set);
        assert!(set.starts_with("%1\r\n$3\r\nset\r\n%6\r\n"), "{:?}", set);
        // MONITOR has no complexity; containers no arguments.
        assert!(t.text(&["COMMAND", "DOCS", "monitor"]).starts_with("%1\r\n$7\r\nmonitor\r\n%3\r\n"));
    }

    fn key_spec_indexes(args: &[super::Arg], out: &mut Vec<u32>) {
        for arg in args {
            out.extend(arg.key_spec_index);
            key_spec_indexes(&arg.args, out);
        }
    }

    #[test]
    fn table_invariants() {
        use super::keyspec::{BeginSearch, FindKeys};
        let t = crate::commands::build_table();
        let mut names = std::collections::HashSet::new();
        for (cmd, full, _) in t.entries.iter() {
            assert!(names.insert(*full), "duplicate command {}", full);
            assert_ne!(cmd.arity, 0, "{} has arity 0", full);
            assert_eq!(cmd.name, cmd.name.to_ascii_lowercase(), "{} not lower-case", full);
            assert!(!(cmd.has(super::flag::WRITE) && cmd.has(super::flag::READONLY)), "{} both write and readonly", full);
            let (first, last, step) = cmd.legacy_range;
            if first > 0 {
                assert!(step > 0, "{} key step", full);
                assert!(last < 0 || last >= first, "{} key range", full);
                assert!(cmd.arity < 0 || first < cmd.arity, "{} first key beyond arity", full);
            }
            for spec in cmd.key_specs {
                let access = spec.flags & (super::keyspec::RO | super::keyspec::RW | super::keyspec::OW | super::keyspec::RM);
                assert!(access.count_ones() <= 1, "{}: at most one of RO, RW, OW, RM in {:?}", full, spec);
                match spec.begin_search {
                    BeginSearch::Index(pos) => assert!(pos > 0 && (cmd.arity < 0 || pos < cmd.arity), "{}: begins at {}", full, pos),
                    BeginSearch::Keyword { keyword, startfrom } => assert!(!keyword.is_empty() && startfrom != 0, "{}: {:?}", full, spec),
                    BeginSearch::Unknown => assert!(cmd.getkeys.is_some(), "{}: an unknown spec needs a getkeys function", full),
                }
                match spec.find_keys {
                    FindKeys::Range { lastkey, keystep, limit } => {
                        assert!(keystep > 0 && limit >= 0 && (limit == 0 || lastkey == -1), "{}: {:?}", full, spec)
                    }
                    FindKeys::Keynum { keynumidx, firstkey, keystep } => {
                        assert!(keynumidx >= 0 && firstkey > keynumidx && keystep > 0, "{}: {:?}", full, spec);
                        assert!(cmd.getkeys.is_some(), "{}: a keynum spec needs a getkeys function for a bad numkeys", full);
                    }
                    FindKeys::Unknown => assert_eq!(spec.begin_search, BeginSearch::Unknown, "{}", full),
                }
            }
            assert!(!cmd.summary.is_empty(), "{} has no summary", full);
            let args =
                super::argspec::parse(cmd.args).unwrap_or_else(|e| panic!("{}: malformed argument spec {}: {:?}", full, e, cmd.args));
            // Every key argument points at a key spec (not the other way round:
            // shard channels are keys to Redis's cluster, not arguments of type key).
            let mut indexes = Vec::new();
            key_spec_indexes(&args, &mut indexes);
            for i in indexes {
                assert!((i as usize) < cmd.key_specs.len(), "{}: key_spec_index {} of {} specs", full, i, cmd.key_specs.len());
            }
            let version =
                |v: &str| v.split('.').count() == 3 && v.split('.').all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            for (v, text) in cmd.history {
                assert!(version(v) && !text.is_empty(), "{}: history entry {:?}", full, (v, text));
            }
            assert!(cmd.deprecated.is_none_or(|(v, by)| version(v) && !by.is_empty()), "{}: deprecation", full);
        }
    }
}
