//! The command table: one declaration per command, read by dispatch,
//! COMMAND, ACL categories and key extraction; mirrors the command table of
//! server.c / commands.c.
//!
//! A declaration reads as one line:
//! `Command::new("get", 2, string::get).flags(READONLY | FAST)
//!     .key_specs(&[key(1, RO | ACCESS)]).group("string")
//!     .doc("1.0.0", "O(1)", "Returns the string value of a key.").args("key:key")`
//!
//! # Key specs
//!
//! `.key_specs(&[...])` lists where the keys are and how the command uses
//! them, one spec per group of keys, as Redis's `key_specs`; the builders
//! (`key`, `keyword`, `unknown`, `.range`, `.keynum`, `.notes`) and flags
//! (`RO | ACCESS`...) are in keyspec.rs. SMOVE's read `source` and
//! written `destination`:
//!
//! ```text
//! .key_specs(&[key(1, RW | ACCESS | DELETE), key(2, RW | INSERT)])
//! ```
//!
//! Everything else about keys is derived from the specs: COMMAND INFO's
//! legacy first/last/step and the `movablekeys` flag (at compile time),
//! and the keys COMMAND GETKEYS finds. Where the specs cannot locate every
//! key (SORT's STORE), cannot tell the flags (SET's GET) or a bad numkeys
//! makes them give up (ZUNIONSTORE), `.getkeys(f)` names the command's own
//! finder, as Redis's getkeys_proc.
//!
//! # The argument grammar of `.args`
//!
//! COMMAND DOCS reports each command's arguments as a tree (Redis's
//! `arguments`). A declaration writes that tree as one line close to the
//! command's syntax line, e.g. SET's:
//!
//! ```text
//! key:key value [condition:(NX | XX)@2.6.12] [GET@6.2.0]
//!     [expiration:(EX seconds:integer@2.6.12 | ... | KEEPTTL@6.0.0)]
//! ```
//!
//! - `name` is a string argument; `name:type` gives another type: `key`,
//!   `integer`, `double`, `pattern`, `unix-time` (or `string`). A name is
//!   a word that starts with a lower-case letter (`-`, `_`, `/` allowed);
//!   "double quotes" take any other name (`"ip:port"`).
//! - `TOKEN name` is an argument introduced by a token (`EX seconds:integer`).
//!   A token alone is a pure token named after it in lower case (`NX` is
//!   `nx`); `name=TOKEN` names it otherwise (`change=CH`), and never takes
//!   the next argument as its value. A token is any other word of
//!   upper-case letters, digits, `-` and `_` (`NX`, `0`); 'single quotes'
//!   take any other token (`'lib-name'`).
//! - `name:(a b c)` is a block of arguments, `name:(a | b | c)` a oneof of
//!   single arguments (an alternative of several arguments is a named
//!   block); a token can introduce either (`LIMIT offset_count:(...)`).
//! - `[x]` makes one argument optional. `x...` repeats it (`multiple`);
//!   `[TOKEN x]...` repeats it with its token each time (`multiple_token`).
//! - After an argument: `@7.0.0` the version that added it, `!2.8.12` the
//!   version that deprecated it, `#1` its key spec index (into
//!   `.key_specs`). Key arguments without `#` take one past the highest
//!   index used before them.
//!
//! Spaces separate items and are otherwise free, so long specs break across
//! lines with a string continuation (`\`), or inside a raw string where a
//! name needs double quotes (CLIENT KILL). Every declared spec is parsed by
//! a unit test; the parser is argspec.rs.
//!
//! Beside `.args`, COMMAND DOCS reads `.history(&[(version, change)])`
//! (the versions are Redis's, the texts our own), `.deprecated(since,
//! replaced_by)` and `.syscmd()` (doc flags `deprecated` and `syscmd`).

use super::errors::CmdResult;
use super::keyspec::{self, GetKeysProc, KeyRef, KeySpec};
use super::Ctx;

pub type Handler = fn(&mut Ctx) -> CmdResult;

/// Command flags, as listed by COMMAND INFO.
pub mod flag {
    pub const WRITE: u32 = 1 << 0;
    pub const READONLY: u32 = 1 << 1;
    pub const DENYOOM: u32 = 1 << 2;
    pub const ADMIN: u32 = 1 << 3;
    pub const PUBSUB: u32 = 1 << 4;
    pub const NOSCRIPT: u32 = 1 << 5;
    pub const BLOCKING: u32 = 1 << 6;
    pub const LOADING: u32 = 1 << 7;
    pub const STALE: u32 = 1 << 8;
    pub const SKIP_MONITOR: u32 = 1 << 9;
    pub const SKIP_SLOWLOG: u32 = 1 << 10;
    pub const FAST: u32 = 1 << 11;
    pub const NO_AUTH: u32 = 1 << 12;
    pub const MAY_REPLICATE: u32 = 1 << 13;
    pub const NO_MULTI: u32 = 1 << 14;
    pub const MOVABLE_KEYS: u32 = 1 << 15;
    pub const ALLOW_BUSY: u32 = 1 << 16;
    pub const NO_MANDATORY_KEYS: u32 = 1 << 17;
    pub const SENTINEL: u32 = 1 << 18;
    pub const NO_ASYNC_LOADING: u32 = 1 << 19;
    pub const PROTECTED: u32 = 1 << 20;

    /// Names in the order Redis prints them (addReplyCommandFlags).
    pub const NAMES: &[(u32, &str)] = &[
        (WRITE, "write"),
        (READONLY, "readonly"),
        (DENYOOM, "denyoom"),
        (ADMIN, "admin"),
        (PUBSUB, "pubsub"),
        (NOSCRIPT, "noscript"),
        (BLOCKING, "blocking"),
        (LOADING, "loading"),
        (STALE, "stale"),
        (SKIP_MONITOR, "skip_monitor"),
        (SKIP_SLOWLOG, "skip_slowlog"),
        (FAST, "fast"),
        (NO_AUTH, "no_auth"),
        // may_replicate and sentinel are hidden on purpose, as in Redis.
        (NO_MANDATORY_KEYS, "no_mandatory_keys"),
        (NO_ASYNC_LOADING, "no_async_loading"),
        (NO_MULTI, "no_multi"),
        (MOVABLE_KEYS, "movablekeys"),
        (ALLOW_BUSY, "allow_busy"),
    ];
}

/// ACL categories.
pub mod acl {
    pub const KEYSPACE: u32 = 1 << 0;
    pub const READ: u32 = 1 << 1;
    pub const WRITE: u32 = 1 << 2;
    pub const SET: u32 = 1 << 3;
    pub const SORTEDSET: u32 = 1 << 4;
    pub const LIST: u32 = 1 << 5;
    pub const HASH: u32 = 1 << 6;
    pub const STRING: u32 = 1 << 7;
    pub const BITMAP: u32 = 1 << 8;
    pub const HYPERLOGLOG: u32 = 1 << 9;
    pub const GEO: u32 = 1 << 10;
    pub const STREAM: u32 = 1 << 11;
    pub const PUBSUB: u32 = 1 << 12;
    pub const ADMIN: u32 = 1 << 13;
    pub const FAST: u32 = 1 << 14;
    pub const SLOW: u32 = 1 << 15;
    pub const BLOCKING: u32 = 1 << 16;
    pub const DANGEROUS: u32 = 1 << 17;
    pub const CONNECTION: u32 = 1 << 18;
    pub const TRANSACTION: u32 = 1 << 19;
    pub const SCRIPTING: u32 = 1 << 20;

    pub const NAMES: &[(u32, &str)] = &[
        (KEYSPACE, "keyspace"),
        (READ, "read"),
        (WRITE, "write"),
        (SET, "set"),
        (SORTEDSET, "sortedset"),
        (LIST, "list"),
        (HASH, "hash"),
        (STRING, "string"),
        (BITMAP, "bitmap"),
        (HYPERLOGLOG, "hyperloglog"),
        (GEO, "geo"),
        (STREAM, "stream"),
        (PUBSUB, "pubsub"),
        (ADMIN, "admin"),
        (FAST, "fast"),
        (SLOW, "slow"),
        (BLOCKING, "blocking"),
        (DANGEROUS, "dangerous"),
        (CONNECTION, "connection"),
        (TRANSACTION, "transaction"),
        (SCRIPTING, "scripting"),
    ];
}

pub struct Command {
    /// Lower-case name ("get", or "get" under parent "config").
    pub name: &'static str,
    /// Redis's convention: N exact, -N at least N (the name counts).
    pub arity: i32,
    pub flags: u32,
    /// Categories declared explicitly; implicit ones are added by `acl_categories`.
    pub acl: u32,
    /// Where the keys are and how they are used, in argument order.
    pub key_specs: &'static [KeySpec],
    /// (first, last, step) as COMMAND reports them, derived from `key_specs`.
    pub legacy_range: (i32, i32, i32),
    /// The command's own key finder, for what its specs cannot say.
    pub getkeys: Option<GetKeysProc>,
    pub handler: Handler,
    pub group: &'static str,
    pub since: &'static str,
    /// Empty when Redis reports none (MONITOR).
    pub complexity: &'static str,
    pub summary: &'static str,
    pub subcommands: &'static [Command],
    /// Command tips (COMMAND INFO), e.g. "nondeterministic_output".
    pub tips: &'static [&'static str],
    /// The arguments in the grammar above (COMMAND DOCS `arguments`).
    pub args: &'static str,
    /// What changed in which version, oldest first (COMMAND DOCS `history`).
    pub history: &'static [(&'static str, &'static str)],
    /// Deprecated: (since which version, what replaces it).
    pub deprecated: Option<(&'static str, &'static str)>,
    /// Internal to Redis's own tools, not for users (doc flag `syscmd`).
    pub syscmd: bool,
}

impl Command {
    pub const fn new(name: &'static str, arity: i32, handler: Handler) -> Command {
        Command {
            name,
            arity,
            flags: 0,
            acl: 0,
            key_specs: &[],
            legacy_range: (0, 0, 0),
            getkeys: None,
            handler,
            group: "generic",
            since: "1.0.0",
            complexity: "O(1)",
            summary: "",
            subcommands: &[],
            tips: &[],
            args: "",
            history: &[],
            deprecated: None,
            syscmd: false,
        }
    }
    pub const fn tips(mut self, t: &'static [&'static str]) -> Command {
        self.tips = t;
        self
    }
    /// Adds flags (added, not replaced: `.key_specs` may have set `movablekeys`).
    pub const fn flags(mut self, flags: u32) -> Command {
        self.flags |= flags;
        self
    }
    pub const fn acl(mut self, acl: u32) -> Command {
        self.acl = acl;
        self
    }
    /// The key specs (keyspec.rs); the legacy range and `movablekeys`
    /// follow from them at compile time.
    pub const fn key_specs(mut self, specs: &'static [KeySpec]) -> Command {
        let (range, movable) = keyspec::legacy_range(specs);
        self.key_specs = specs;
        self.legacy_range = range;
        if movable {
            self.flags |= flag::MOVABLE_KEYS;
        }
        self
    }
    /// The function that finds the keys when the specs cannot (SORT's
    /// STORE) or cannot tell the flags (SET's GET).
    pub const fn getkeys(mut self, f: GetKeysProc) -> Command {
        self.getkeys = Some(f);
        self
    }
    pub const fn group(mut self, group: &'static str) -> Command {
        self.group = group;
        self
    }
    pub const fn doc(mut self, since: &'static str, complexity: &'static str, summary: &'static str) -> Command {
        self.since = since;
        self.complexity = complexity;
        self.summary = summary;
        self
    }
    pub const fn subcommands(mut self, subs: &'static [Command]) -> Command {
        self.subcommands = subs;
        self
    }
    /// The arguments, in the grammar of the module docs.
    pub const fn args(mut self, spec: &'static str) -> Command {
        self.args = spec;
        self
    }
    /// (version, what changed), oldest first.
    pub const fn history(mut self, history: &'static [(&'static str, &'static str)]) -> Command {
        self.history = history;
        self
    }
    pub const fn deprecated(mut self, since: &'static str, replaced_by: &'static str) -> Command {
        self.deprecated = Some((since, replaced_by));
        self
    }
    pub const fn syscmd(mut self) -> Command {
        self.syscmd = true;
        self
    }

    pub fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }

    /// Explicit categories plus the ones Redis derives from the flags
    /// (setImplicitACLCategories).
    pub fn acl_categories(&self) -> u32 {
        let mut c = self.acl;
        if self.has(flag::WRITE) {
            c |= acl::WRITE;
        }
        if self.has(flag::READONLY) && c & acl::SCRIPTING == 0 {
            c |= acl::READ;
        }
        if self.has(flag::ADMIN) {
            c |= acl::ADMIN | acl::DANGEROUS;
        }
        if self.has(flag::PUBSUB) {
            c |= acl::PUBSUB;
        }
        if self.has(flag::FAST) {
            c |= acl::FAST;
        }
        if self.has(flag::BLOCKING) {
            c |= acl::BLOCKING;
        }
        if c & acl::FAST == 0 {
            c |= acl::SLOW;
        }
        c
    }

    /// Whether COMMAND GETKEYS can find keys in it (doesCommandHaveKeys).
    pub fn has_keys(&self) -> bool {
        self.getkeys.is_some() || self.key_specs.iter().any(|s| s.flags & keyspec::NOT_KEY == 0)
    }

    /// The keys in `argv` (the command name first), with their flags
    /// (getKeysFromCommandWithSpecs): from the specs when they can be
    /// followed and their flags hold for every call, else from the
    /// command's getkeys function. Empty when neither finds any.
    pub fn keys_in(&self, argv: &[&[u8]]) -> Vec<KeyRef> {
        let has_spec = self.key_specs.iter().any(|s| s.flags & keyspec::NOT_KEY == 0);
        let variable_flags = self.key_specs.iter().any(|s| s.flags & keyspec::VARIABLE_FLAGS != 0);
        if has_spec && !variable_flags {
            if let Some(keys) = keyspec::keys_from_specs(self.key_specs, argv) {
                return keys;
            }
        }
        self.getkeys.map_or_else(Vec::new, |f| f(argv))
    }
}

/// Per-command statistics (INFO commandstats).
#[derive(Default, Clone)]
pub struct CommandStats {
    pub calls: u64,
    pub usec: u64,
    pub rejected_calls: u64,
    pub failed_calls: u64,
}

/// Name -> id, open addressing over lower-case names: command lookup runs
/// once per command, so it avoids SipHash and allocation.
struct NameIndex {
    slots: Vec<Option<(Box<[u8]>, usize)>>,
}

impl NameIndex {
    fn with_capacity(n: usize) -> NameIndex {
        NameIndex { slots: vec![None; (n * 4).next_power_of_two().max(64)] }
    }

    fn insert(&mut self, name: &[u8], id: usize) {
        let mask = self.slots.len() - 1;
        let mut i = crate::util::hash::hash_bytes(name) as usize & mask;
        while let Some((n, _)) = &self.slots[i] {
            if &**n == name {
                break;
            }
            i = (i + 1) & mask;
        }
        self.slots[i] = Some((name.into(), id));
    }

    fn entries(&self) -> Vec<(Box<[u8]>, usize)> {
        self.slots.iter().flatten().cloned().collect()
    }

    #[inline]
    fn get(&self, lower: &[u8]) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut i = crate::util::hash::hash_bytes(lower) as usize & mask;
        loop {
            match &self.slots[i] {
                None => return None,
                Some((n, id)) if &**n == lower => return Some(*id),
                _ => i = (i + 1) & mask,
            }
        }
    }
}

/// A `'static` copy of a subcommand's full name ("config|get"): names
/// are made once per process however many tables are built, so clients
/// can keep `&'static str` names without copying them per command.
fn intern(name: String) -> &'static str {
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<std::collections::HashSet<&'static str>>> = OnceLock::new();
    let mut set = NAMES.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&n) = set.get(name.as_str()) {
        return n;
    }
    let leaked: &'static str = Box::leak(name.into_boxed_str());
    set.insert(leaked);
    leaked
}

/// The registry built from the declarations at start-up: ids, fast lookup
/// by name, statistics.
pub struct CommandTable {
    /// Every command and subcommand, with its full name ("config|get").
    pub entries: Vec<(&'static Command, &'static str, Option<usize>)>,
    /// Top-level commands only: "config|get" is not a command a client
    /// can send (Redis keeps subcommands in their parent's own table).
    by_name: NameIndex,
    /// Subcommands by full name.
    subs: NameIndex,
    pub stats: Vec<CommandStats>,
}

impl CommandTable {
    pub fn build(families: &[&'static [Command]]) -> CommandTable {
        let total: usize = families.iter().map(|f| f.iter().map(|c| 1 + c.subcommands.len()).sum::<usize>()).sum();
        let mut t = CommandTable {
            entries: Vec::new(),
            by_name: NameIndex::with_capacity(total),
            subs: NameIndex::with_capacity(total),
            stats: Vec::new(),
        };
        for fam in families {
            for cmd in fam.iter() {
                let id = t.entries.len();
                t.entries.push((cmd, cmd.name, None));
                t.by_name.insert(cmd.name.as_bytes(), id);
                for sub in cmd.subcommands {
                    let full = intern(format!("{}|{}", cmd.name, sub.name));
                    t.subs.insert(full.as_bytes(), t.entries.len());
                    t.entries.push((sub, full, Some(id)));
                }
            }
        }
        t.stats = vec![CommandStats::default(); t.entries.len()];
        t
    }

    /// Looks a command name up, case-insensitively.
    #[inline]
    pub fn lookup(&self, name: &[u8]) -> Option<usize> {
        if name.len() > 32 {
            return None;
        }
        let mut buf = [0u8; 32];
        let lower = &mut buf[..name.len()];
        lower.copy_from_slice(name);
        lower.make_ascii_lowercase();
        self.by_name.get(lower)
    }

    /// Looks up `parent|sub`.
    pub fn lookup_sub(&self, parent: usize, sub: &[u8]) -> Option<usize> {
        let mut full = self.entries[parent].1.as_bytes().to_vec();
        full.push(b'|');
        full.extend(sub.iter().map(|b| b.to_ascii_lowercase()));
        self.subs.get(&full)
    }

    /// rename-command: `old` answers to `new` from now on; an empty `new`
    /// disables it. Subcommands keep their full names ("config|get").
    pub fn rename(&mut self, old: &str, new: &str) -> Result<(), String> {
        let old = old.to_ascii_lowercase();
        let id = self.lookup(old.as_bytes()).ok_or_else(|| "No such command in rename-command".to_string())?;
        let new = new.to_ascii_lowercase();
        if !new.is_empty() && self.lookup(new.as_bytes()).is_some() {
            return Err("Target command name already exists".into());
        }
        let mut names = self.by_name.entries();
        names.retain(|(n, _)| &**n != old.as_bytes());
        let mut index = NameIndex::with_capacity(names.len() + 1);
        for (n, i) in names {
            index.insert(&n, i);
        }
        if !new.is_empty() {
            index.insert(new.as_bytes(), id);
        }
        self.by_name = index;
        Ok(())
    }

    pub fn cmd(&self, id: usize) -> &'static Command {
        self.entries[id].0
    }

    pub fn full_name(&self, id: usize) -> &'static str {
        self.entries[id].1
    }

    /// Top-level commands only.
    pub fn top_level(&self) -> impl Iterator<Item = usize> + '_ {
        self.entries.iter().enumerate().filter(|(_, e)| e.2.is_none()).map(|(i, _)| i)
    }

    pub fn reset_stats(&mut self) {
        for s in &mut self.stats {
            *s = CommandStats::default();
        }
    }
}
