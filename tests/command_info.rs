//! Tests for COMMAND INFO, COMMAND GETKEYS and COMMAND GETKEYSANDFLAGS
//! against the real redis-server 7.0.15: for every command and subcommand
//! ferrodis lists, in RESP2 and RESP3, the COMMAND INFO entry (arity,
//! flags, legacy key range, ACL categories, tips, key specs) must be
//! Redis's; and a table of representative command lines must get the same
//! keys, flags and errors.

mod common;

use common::{command_list, connect_resp as connect, esc, parse, Raw, RealRedis, Server, NEWER_THAN_7_0, V};

/// Subcommands of commands ferrodis has that it does not implement yet:
/// left out of Redis's subcommand list before comparing it.
const NOT_IN_FERRODIS_YET: &[&str] = &["client|tracking"];

/// COMMAND INFO for one name: the entry, or None when the server does
/// not know the command.
fn info(raw: &mut Raw, name: &str) -> Option<V> {
    let reply = raw.call(&["COMMAND", "INFO", name]);
    match parse(&reply, &mut 0) {
        V::Array(mut entries) if entries.len() == 1 => match entries.pop() {
            Some(V::Null) => None,
            entry => entry,
        },
        other => panic!("COMMAND INFO {}: {:?}", name, other),
    }
}

/// Drops the subcommands only one side has from an entry's subcommand
/// list (its tenth field) and sorts the rest by name: Redis lists them in
/// the order of a randomly seeded hash table.
fn normalize_subcommands(entry: &mut V) {
    let V::Array(fields) = entry else { panic!("entry: {:?}", entry) };
    assert_eq!(fields.len(), 10, "entry: {:?}", fields);
    let (V::Set(subs) | V::Array(subs)) = &mut fields[9] else { panic!("subcommands: {:?}", fields[9]) };
    let name = |sub: &V| match sub {
        V::Array(f) => match &f[0] {
            V::Bulk(name) => name.clone(),
            other => panic!("subcommand name: {:?}", other),
        },
        other => panic!("subcommand: {:?}", other),
    };
    subs.retain(|sub| !NEWER_THAN_7_0.contains(&name(sub).as_str()) && !NOT_IN_FERRODIS_YET.contains(&name(sub).as_str()));
    subs.sort_by_key(name);
}

#[test]
fn command_info_matches_redis_for_every_command() {
    let ours = Server::start();
    let redis = RealRedis::start();
    let names = command_list(ours.port());
    assert!(names.len() > 200, "COMMAND LIST has {} names", names.len());
    common::compare_every_command(ours.port(), redis.port(), &names, info, normalize_subcommands);
    for name in NOT_IN_FERRODIS_YET {
        assert!(!names.contains(&name.to_string()), "ferrodis has {} now: compare it", name);
        assert!(info(&mut Raw::connect(redis.port()), name).is_some(), "redis-server has no {}", name);
    }
}

#[test]
fn command_info_without_names_lists_every_top_level_command() {
    let ours = Server::start();
    let mut raw = connect(ours.port(), 3);
    let count = raw.call_int(&["COMMAND", "COUNT"]);
    for all in [raw.call(&["COMMAND", "INFO"]), raw.call(&["COMMAND"])] {
        let V::Array(entries) = parse(&all, &mut 0) else { panic!("not an array: {}", esc(&all)) };
        assert_eq!(entries.len() as i64, count);
    }
    // Unknown names answer null in place, known ones in order.
    let reply = raw.call(&["COMMAND", "INFO", "get", "nosuch", "config|get"]);
    let V::Array(entries) = parse(&reply, &mut 0) else { panic!("{}", esc(&reply)) };
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[1], V::Null);
    assert!(matches!(&entries[2], V::Array(f) if f[0] == V::Bulk("config|get".into())));
}

/// Command lines for COMMAND GETKEYS and GETKEYSANDFLAGS: keys in fixed
/// places, ranges with steps, keynum counts good and bad, SORT's STORE,
/// variable flags, subcommands, and every error.
const GETKEYS_CASES: &[&str] = &[
    // One key, two keys, ranges.
    "get a",
    "GET a",
    "set a b",
    "set a b get",
    "set a b nx GET ex 10",
    "set a b getx",
    "append a b",
    "smove a b m",
    "lmove a b left right",
    "blmove a b left right 0",
    "rpoplpush a b",
    "brpoplpush a b 0",
    "rename a b",
    "renamenx a b",
    "copy a b",
    "copy a b db 1 replace",
    "mget a b c",
    "mset a 1 b 2",
    "mset a 1 b",
    "msetnx a 1 b 2",
    "del a b",
    "unlink a",
    "exists a a",
    "touch a b",
    "watch a b",
    "blpop a b 0",
    "brpop a 0",
    "bzpopmin a b 0",
    "bzpopmax a 0",
    "sinterstore d a b",
    "sunionstore d a",
    "sdiffstore d a b c",
    "sinter a b",
    "pfadd a x",
    "pfcount a b",
    "pfmerge d a b",
    "pfdebug getreg a",
    "bitop and d a b",
    "bitop not d a",
    "bitcount a 0 1",
    "getex a ex 1",
    "getdel a",
    "lcs a b",
    "lcs a b len",
    "restore a 0 payload replace",
    "dump a",
    "expire a 10",
    "move a 1",
    "hset h f v",
    "zadd z 1 m",
    "zrangestore d s 0 -1",
    "memory usage a",
    "memory usage a samples 5",
    "MEMORY USAGE a",
    "object encoding a",
    "object freq a",
    "object idletime a",
    "object refcount a",
    // SORT: the sorted key, and the last STORE not eaten by an option.
    "sort a",
    "sort a by w_* get # get o_* store dst",
    "sort a limit 0 1 store d",
    "sort a store d1 store d2",
    "sort a get store",
    "sort a by store",
    "sort a STORE",
    "sort a Store d",
    "sort_ro a by x get y",
    // Keynum: good counts, and bad ones falling back to atoi.
    "zunionstore d 2 a b weights 1 2",
    "zunionstore d 2abc a b",
    "zunionstore d 3 a b",
    "zunionstore d 0 a",
    "zunionstore d -1 a",
    "zunionstore d x a",
    "zinterstore d 1 a aggregate max",
    "zdiffstore d 2 a b",
    "zunion 2 a b withscores",
    "zunion 4294967298 a b",
    "zunion 99999999999999999999999 a b",
    "zinter 1 a",
    "zinter 0 a",
    "zdiff 2 a b",
    "zintercard 2 a b limit 1",
    "zintercard 1abc a",
    "sintercard 2 a b",
    "sintercard 5 a b",
    "lmpop 2 a b left count 1",
    "lmpop 0 a left",
    "lmpop 3 a b left",
    "lmpop 2abc a b left",
    "blmpop 0 2 a b left",
    "blmpop 0 x a left",
    "zmpop 1 a min",
    "zmpop 2abc a b min",
    "bzmpop 1 2 a b max",
    // BITFIELD: read-only only when every operation is a complete GET.
    "bitfield a get u8 0",
    "bitfield a overflow sat get u8 0",
    "bitfield a set u8 0 1",
    "bitfield a incrby u8 0 1",
    "bitfield a get u8 0 set u8 0 1",
    "bitfield a get u8",
    "bitfield a",
    "bitfield_ro a get u8 0",
    // Shard channels are not keys.
    "spublish ch msg",
    "ssubscribe a b",
    "sunsubscribe a",
    // Errors.
    "nosuch a",
    "ping a",
    "ping a b",
    "config get a",
    "config get",
    "config nosuch a",
    "object nosuch a",
    "object help",
    "command info",
    "set a",
    "mset a",
    "get a b",
    "smove a b",
    "bitop and",
    "memory usage",
    "object encoding",
    "zunion 1",
    "lmpop 1 a",
    "blmpop 0 1 a",
    "sort",
    "get",
];

/// Cases whose arguments have spaces: numkeys with a leading blank (atoi
/// skips it, the spec's strict parse does not).
const GETKEYS_SPACED_CASES: &[&[&str]] = &[&["sintercard", " 2", "a", "b"], &["zunionstore", "d", " 1", "a"]];

#[test]
fn getkeys_and_getkeysandflags_match_redis() {
    let ours = Server::start();
    let redis = RealRedis::start();
    let mut mismatches = Vec::new();
    for resp in [2, 3] {
        let (mut a, mut b) = (connect(ours.port(), resp), connect(redis.port(), resp));
        let cases =
            GETKEYS_CASES.iter().map(|case| case.split(' ').collect::<Vec<_>>()).chain(GETKEYS_SPACED_CASES.iter().map(|c| c.to_vec()));
        for words in cases {
            for sub in ["GETKEYS", "GETKEYSANDFLAGS"] {
                let line = [&["COMMAND", sub][..], &words].concat();
                let (mine, theirs) = (a.call(&line), b.call(&line));
                if mine != theirs {
                    mismatches.push(format!("RESP{} {:?}:\n  ours:  {}\n  redis: {}", resp, line, esc(&mine), esc(&theirs)));
                }
            }
        }
    }
    assert!(mismatches.is_empty(), "{} replies differ:\n{}", mismatches.len(), mismatches.join("\n"));
}
