//! Tests for COMMAND DOCS against the real redis-server 7.0.15: for every
//! command and subcommand ferrodis lists, in RESP2 and RESP3, the entry
//! must be Redis's — same fields in the same order, same argument trees,
//! same history versions — except the prose we write in our own words
//! (summaries and history texts).

mod common;

use common::{command_list, connect_resp as connect, parse, Raw, RealRedis, Server, V};

/// The (key, value) pairs of a map: a RESP3 map or a RESP2 flat array.
fn pairs(v: &mut V) -> Vec<(&V, &mut V)> {
    match v {
        V::Map(p) => p.iter_mut().map(|(k, v)| (&*k, v)).collect(),
        V::Array(flat) => {
            assert!(flat.len() % 2 == 0, "odd map length: {:?}", flat);
            flat.chunks_exact_mut(2)
                .map(|kv| {
                    let (k, v) = kv.split_at_mut(1);
                    (&k[0], &mut v[0])
                })
                .collect()
        }
        other => panic!("not a map: {:?}", other),
    }
}

/// Blanks out our own words in one command's entry; a parent's
/// subcommands are compared one by one, so only their presence counts here.
fn normalize_entry(entry: &mut V) {
    for (k, v) in pairs(entry) {
        match k {
            V::Bulk(k) if k == "summary" => *v = V::Prose,
            V::Bulk(k) if k == "subcommands" => *v = V::Prose,
            V::Bulk(k) if k == "history" => {
                let (V::Set(items) | V::Array(items)) = v else { panic!("history: {:?}", v) };
                for item in items {
                    let V::Array(version_text) = item else { panic!("history item: {:?}", item) };
                    assert_eq!(version_text.len(), 2, "history item: {:?}", version_text);
                    version_text[1] = V::Prose;
                }
            }
            _ => {}
        }
    }
}

/// COMMAND DOCS for one name: the entry, normalized, or None when the
/// server does not know the command.
fn docs(raw: &mut Raw, name: &str) -> Option<V> {
    let reply = raw.call(&["COMMAND", "DOCS", name]);
    let mut top = parse(&reply, &mut 0);
    let mut found = pairs(&mut top).into_iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>();
    assert!(found.len() <= 1, "{}: {} entries", name, found.len());
    let (k, mut entry) = found.pop()?;
    assert_eq!(k, V::Bulk(name.to_string()));
    normalize_entry(&mut entry);
    Some(entry)
}

#[test]
fn command_docs_match_redis_for_every_command() {
    let ours = Server::start();
    let redis = RealRedis::start();
    let names = command_list(ours.port());
    assert!(names.len() > 200, "COMMAND LIST has {} names", names.len());
    common::compare_every_command(ours.port(), redis.port(), &names, docs, |_| {});
}

#[test]
fn command_docs_without_names_lists_every_top_level_command() {
    let ours = Server::start();
    let mut raw = connect(ours.port(), 3);
    let count = raw.call_int(&["COMMAND", "COUNT"]);
    let V::Map(all) = parse(&raw.call(&["COMMAND", "DOCS"]), &mut 0) else { panic!("not a map") };
    assert_eq!(all.len() as i64, count);
    // Subcommands come nested under their parent, as in Redis.
    let (_, client) = all.iter().find(|(k, _)| *k == V::Bulk("client".into())).expect("client");
    let V::Map(fields) = client else { panic!("client: {:?}", client) };
    let (_, V::Map(subs)) = fields.iter().find(|(k, _)| *k == V::Bulk("subcommands".into())).expect("subcommands") else {
        panic!("subcommands not a map")
    };
    assert!(subs.iter().any(|(k, _)| *k == V::Bulk("client|list".into())));
}
