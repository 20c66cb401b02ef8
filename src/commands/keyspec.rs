//! Key specifications: which arguments of a command are keys and how the
//! command uses them (COMMAND INFO `key_specs`). The legacy first/last/step
//! triple, the `movablekeys` flag and key extraction (COMMAND GETKEYS) are
//! all derived from them. Mirrors keySpec in server.h,
//! populateCommandLegacyRangeSpec in server.c and getKeysUsingKeySpecs and
//! the getkeys procs' helpers in db.c.
//!
//! A declaration lists its specs in argument order, each built from one of
//! three starts and at most one finder:
//!
//! ```text
//! key(1, RO | ACCESS)                     argv[1] is a key
//! key(1, OW | UPDATE).range(-1, 2, 0)     argv[1], argv[3]... to the end (MSET)
//! key(2, RO | ACCESS).keynum(0, 1, 1)     argv[2] is numkeys, the keys follow it
//! keyword("STORE", 6, OW | UPDATE)        the argument after a STORE searched from argv[6]
//! unknown(RO | ACCESS).notes("...")       keys no spec can locate (SORT's BY)
//! ```
//!
//! `key` and `keyword` find one key unless `.range` or `.keynum` says
//! otherwise; the numbers are Redis's (`range(lastkey, keystep, limit)`,
//! `keynum(keynumidx, firstkey, keystep)`, both relative to where the
//! search began).

/// Key-spec flags (CMD_KEY_*): one of RO/RW/OW/RM, then what is done to
/// the data, then the modifiers.
pub const RO: u32 = 1 << 0;
pub const RW: u32 = 1 << 1;
pub const OW: u32 = 1 << 2;
pub const RM: u32 = 1 << 3;
pub const ACCESS: u32 = 1 << 4;
pub const UPDATE: u32 = 1 << 5;
pub const INSERT: u32 = 1 << 6;
pub const DELETE: u32 = 1 << 7;
pub const NOT_KEY: u32 = 1 << 8;
pub const INCOMPLETE: u32 = 1 << 9;
pub const VARIABLE_FLAGS: u32 = 1 << 10;

/// Names in the order Redis prints them (addReplyFlagsForKeyArgs).
pub const FLAG_NAMES: &[(u32, &str)] = &[
    (RO, "RO"),
    (RW, "RW"),
    (OW, "OW"),
    (RM, "RM"),
    (ACCESS, "access"),
    (UPDATE, "update"),
    (INSERT, "insert"),
    (DELETE, "delete"),
    (NOT_KEY, "not_key"),
    (INCOMPLETE, "incomplete"),
    (VARIABLE_FLAGS, "variable_flags"),
];

/// Where the search for a spec's keys begins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BeginSearch {
    /// At this argument.
    Index(i32),
    /// After the first argument equal to `keyword` (case-insensitively),
    /// looking from `startfrom` towards the end, or from the end backwards
    /// when negative.
    Keyword {
        keyword: &'static str,
        startfrom: i32,
    },
    Unknown,
}

/// How the keys are found from where the search began.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindKeys {
    /// Keys up to `lastkey` (relative to the start; negative counts from
    /// the end of argv, or with `limit` > 0, -1 means 1/limit of what is
    /// left), every `keystep` arguments.
    Range {
        lastkey: i32,
        keystep: i32,
        limit: i32,
    },
    /// The argument at `keynumidx` (relative to the start) counts the
    /// keys, which begin at `firstkey` (relative to the start).
    Keynum {
        keynumidx: i32,
        firstkey: i32,
        keystep: i32,
    },
    Unknown,
}

/// One key specification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeySpec {
    pub flags: u32,
    pub begin_search: BeginSearch,
    pub find_keys: FindKeys,
    /// Redis's explanation, when it gives one (COMMAND INFO `notes`).
    pub notes: &'static str,
}

const ONE_KEY: FindKeys = FindKeys::Range { lastkey: 0, keystep: 1, limit: 0 };

/// A spec whose keys begin at argument `pos` (one key unless a finder follows).
pub const fn key(pos: i32, flags: u32) -> KeySpec {
    KeySpec { flags, begin_search: BeginSearch::Index(pos), find_keys: ONE_KEY, notes: "" }
}

/// A spec whose keys follow `keyword`, searched from `startfrom`.
pub const fn keyword(keyword: &'static str, startfrom: i32, flags: u32) -> KeySpec {
    KeySpec { flags, begin_search: BeginSearch::Keyword { keyword, startfrom }, find_keys: ONE_KEY, notes: "" }
}

/// A spec no rule can locate: COMMAND INFO shows it, key extraction needs
/// the command's own getkeys function.
pub const fn unknown(flags: u32) -> KeySpec {
    KeySpec { flags, begin_search: BeginSearch::Unknown, find_keys: FindKeys::Unknown, notes: "" }
}

impl KeySpec {
    pub const fn range(mut self, lastkey: i32, keystep: i32, limit: i32) -> KeySpec {
        self.find_keys = FindKeys::Range { lastkey, keystep, limit };
        self
    }

    pub const fn keynum(mut self, keynumidx: i32, firstkey: i32, keystep: i32) -> KeySpec {
        self.find_keys = FindKeys::Keynum { keynumidx, firstkey, keystep };
        self
    }

    pub const fn notes(mut self, notes: &'static str) -> KeySpec {
        self.notes = notes;
        self
    }
}

/// The (first, last, step) triple COMMAND reports for `specs`, and whether
/// the keys are movable (some key is not inside that range), computed at
/// compile time from the declaration (populateCommandLegacyRangeSpec).
/// `last` is absolute, negative counting from the end.
pub const fn legacy_range(specs: &[KeySpec]) -> ((i32, i32, i32), bool) {
    if specs.is_empty() {
        return ((0, 0, 0), false);
    }
    if specs.len() == 1 {
        // Exactly one plain spec: the legacy range is that spec, whatever its step.
        if let (BeginSearch::Index(pos), FindKeys::Range { lastkey, keystep, .. }) = (specs[0].begin_search, specs[0].find_keys) {
            let last = if lastkey >= 0 { pos + lastkey } else { lastkey };
            return ((pos, last, keystep), specs[0].flags & INCOMPLETE != 0);
        }
    }
    let (mut first, mut last, mut prev_last, mut movable) = (i32::MAX, 0i32, 0i32, false);
    let mut i = 0;
    while i < specs.len() {
        let spec = specs[i];
        i += 1;
        let (BeginSearch::Index(pos), FindKeys::Range { lastkey, keystep, .. }) = (spec.begin_search, spec.find_keys) else {
            movable = true;
            continue;
        };
        // Only consecutive single-step ranges join the legacy range.
        if keystep != 1 || (prev_last != 0 && prev_last != pos - 1) {
            movable = true;
            continue;
        }
        if spec.flags & INCOMPLETE != 0 {
            movable = true;
        }
        if pos < first {
            first = pos;
        }
        let abs_last = if lastkey >= 0 { lastkey + pos } else { lastkey };
        // Redis compares as unsigned, so a negative (from the end) last wins.
        if (abs_last as u32) > (last as u32) {
            last = abs_last;
        }
        prev_last = last;
    }
    if first == i32::MAX {
        return ((0, 0, 0), true);
    }
    ((first, last, 1), movable)
}

/// A key found in a command line: its index in argv and its spec's flags
/// (0 from the getkeys functions that do not tell).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyRef {
    pub pos: usize,
    pub flags: u32,
}

/// A command's own key finder, for keys its specs cannot locate (Redis's
/// getkeys_proc). Gets the full argv, command name first.
pub type GetKeysProc = fn(&[&[u8]]) -> Vec<KeyRef>;

/// The keys `specs` locate in `argv`, or None when a spec cannot be
/// followed (unknown, incomplete, numkeys not a count, out of bounds):
/// the caller then falls back to the command's getkeys function
/// (getKeysUsingKeySpecs). NOT_KEY specs are skipped.
pub fn keys_from_specs(specs: &[KeySpec], argv: &[&[u8]]) -> Option<Vec<KeyRef>> {
    let argc = argv.len() as i64;
    let mut keys = Vec::new();
    for spec in specs {
        if spec.flags & NOT_KEY != 0 {
            continue;
        }
        let mut first = match spec.begin_search {
            BeginSearch::Index(pos) => pos as i64,
            BeginSearch::Keyword { keyword, startfrom } => {
                let from = startfrom as i64;
                let found = if from > 0 {
                    (from..argc - 1).find(|&i| argv[i as usize].eq_ignore_ascii_case(keyword.as_bytes()))
                } else {
                    (2..=argc + from).rev().find(|&i| i < argc && argv[i as usize].eq_ignore_ascii_case(keyword.as_bytes()))
                };
                match found {
                    Some(i) => i + 1,
                    // No keyword, no keys from this spec.
                    None => continue,
                }
            }
            BeginSearch::Unknown => return None,
        };
        let (last, step) = match spec.find_keys {
            FindKeys::Range { lastkey, keystep, limit } => {
                let (lastkey, limit) = (lastkey as i64, limit as i64);
                let last = if lastkey >= 0 {
                    first + lastkey
                } else if limit == 0 {
                    argc + lastkey
                } else {
                    first + ((argc - first) / limit + lastkey)
                };
                (last, keystep as i64)
            }
            FindKeys::Keynum { keynumidx, firstkey, keystep } => {
                let at = first + keynumidx as i64;
                let numkeys = argv.get(at as usize).and_then(|a| crate::util::num::parse_i64_strict(a))?;
                if numkeys < 0 {
                    return None;
                }
                first += firstkey as i64;
                // Redis adds the count as a C int: 2^32+2 keys are 2.
                (first + numkeys as i32 as i64 - 1, keystep as i64)
            }
            FindKeys::Unknown => return None,
        };
        if last >= argc || last < first || first >= argc || step <= 0 {
            return None;
        }
        keys.extend((first..=last).step_by(step as usize).map(|i| KeyRef { pos: i as usize, flags: spec.flags }));
        if spec.flags & INCOMPLETE != 0 {
            return None;
        }
    }
    Some(keys)
}

/// The keys of `CMD [destkey] numkeys key [key ...] ...` when its specs
/// could not be followed (genericGetKeys): numkeys is read like C's atoi,
/// the store key comes last, and the flags are left out. `STORE` is the
/// destination's index (0: none), `COUNT` numkeys' and `FIRST` the first
/// key's.
pub fn numkeys_keys<const STORE: usize, const COUNT: usize, const FIRST: usize>(argv: &[&[u8]]) -> Vec<KeyRef> {
    let num = argv.get(COUNT).map_or(0, |a| atoi(a));
    if num < 1 || num > argv.len().saturating_sub(FIRST) as i64 {
        return Vec::new();
    }
    let mut keys: Vec<KeyRef> = (0..num as usize).map(|i| KeyRef { pos: FIRST + i, flags: 0 }).collect();
    if STORE > 0 {
        keys.push(KeyRef { pos: STORE, flags: 0 });
    }
    keys
}

/// C's atoi as glibc does it on 64-bit: strtol (blanks, sign, digits up
/// to the first other byte, saturating) truncated to an int.
fn atoi(s: &[u8]) -> i64 {
    let s = &s[s.iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')).count()..];
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut n: i64 = 0;
    for &b in digits.iter().take_while(|b| b.is_ascii_digit()) {
        let d = (b - b'0') as i64;
        n = if neg { n.saturating_mul(10).saturating_sub(d) } else { n.saturating_mul(10).saturating_add(d) };
    }
    n as i32 as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(line: &str) -> Vec<&[u8]> {
        line.split(' ').map(str::as_bytes).collect()
    }

    fn positions(specs: &[KeySpec], line: &str) -> Option<Vec<usize>> {
        keys_from_specs(specs, &argv(line)).map(|keys| keys.iter().map(|k| k.pos).collect())
    }

    #[test]
    fn legacy_range_matches_redis() {
        // (specs, (first, last, step), movablekeys) as redis-server 7.0.15 reports them.
        type Case<'a> = (&'a [KeySpec], (i32, i32, i32), bool);
        let cases: &[Case] = &[
            (&[], (0, 0, 0), false),
            (&[key(1, RO | ACCESS)], (1, 1, 1), false),
            (&[key(1, OW | UPDATE).range(-1, 2, 0)], (1, -1, 2), false),
            (&[key(1, RW | ACCESS | DELETE).range(-2, 1, 0)], (1, -2, 1), false),
            // SMOVE: two consecutive single keys.
            (&[key(1, RW | ACCESS | DELETE), key(2, RW | INSERT)], (1, 2, 1), false),
            // SINTERSTORE: a destination then the rest.
            (&[key(1, OW | UPDATE), key(2, RO | ACCESS).range(-1, 1, 0)], (1, -1, 1), false),
            // ZUNIONSTORE: the keynum part is movable.
            (&[key(1, OW | UPDATE), key(2, RO | ACCESS).keynum(0, 1, 1)], (1, 1, 1), true),
            // LMPOP: nothing fixed at all.
            (&[key(1, RW | ACCESS | DELETE).keynum(0, 1, 1)], (0, 0, 0), true),
            // SORT: a fixed key and two unknown ones.
            (&[key(1, RO | ACCESS), unknown(RO | ACCESS), unknown(OW | UPDATE)], (1, 1, 1), true),
            // BITOP: destination at 2, sources from 3.
            (&[key(2, OW | UPDATE), key(3, RO | ACCESS).range(-1, 1, 0)], (2, -1, 1), false),
            // Not consecutive: only the first range counts.
            (&[key(1, RO | ACCESS), key(3, RO | ACCESS)], (1, 1, 1), true),
            // One incomplete plain spec is movable.
            (&[key(1, RO | ACCESS | INCOMPLETE)], (1, 1, 1), true),
        ];
        for (specs, range, movable) in cases {
            assert_eq!(legacy_range(specs), (*range, *movable), "{:?}", specs);
        }
    }

    #[test]
    fn keys_follow_the_specs() {
        let smove = [key(1, RW | ACCESS | DELETE), key(2, RW | INSERT)];
        assert_eq!(
            keys_from_specs(&smove, &argv("smove a b m")),
            Some(vec![KeyRef { pos: 1, flags: RW | ACCESS | DELETE }, KeyRef { pos: 2, flags: RW | INSERT }])
        );
        let mset = [key(1, OW | UPDATE).range(-1, 2, 0)];
        assert_eq!(positions(&mset, "mset a 1 b 2"), Some(vec![1, 3]));
        // An odd count still steps by two: Redis reports the dangling value.
        assert_eq!(positions(&mset, "mset a 1 b"), Some(vec![1, 3]));
        let blpop = [key(1, RW | ACCESS | DELETE).range(-2, 1, 0)];
        assert_eq!(positions(&blpop, "blpop a b 0"), Some(vec![1, 2]));
        let zunionstore = [key(1, OW | UPDATE), key(2, RO | ACCESS).keynum(0, 1, 1)];
        assert_eq!(positions(&zunionstore, "zunionstore d 2 a b weights 1 2"), Some(vec![1, 3, 4]));
        assert_eq!(positions(&zunionstore, "zunionstore d 4294967298 a b"), Some(vec![1, 3, 4]));
        for bad in [
            "zunionstore d 3 a b",
            "zunionstore d 4294967295 a",
            "zunionstore d 0 a",
            "zunionstore d -1 a",
            "zunionstore d x a",
            "zunionstore d 2abc a b",
        ] {
            assert_eq!(positions(&zunionstore, bad), None, "{}", bad);
        }
        let blmpop = [key(2, RW | ACCESS | DELETE).keynum(0, 1, 1)];
        assert_eq!(positions(&blmpop, "blmpop 0 2 a b left"), Some(vec![3, 4]));
        // XREAD-style keyword with a limit: half of what follows STREAMS.
        let xread = [keyword("STREAMS", 1, RO | ACCESS).range(-1, 1, 2)];
        assert_eq!(positions(&xread, "xread count 2 streams a b 0 0"), Some(vec![4, 5]));
        assert_eq!(positions(&xread, "xread count 2"), Some(vec![]));
        // A keyword searched backwards (MIGRATE's KEYS).
        let keys = [keyword("KEYS", -2, RW | ACCESS | DELETE).range(-1, 1, 0)];
        assert_eq!(positions(&keys, "migrate h p \"\" 0 5 KEYS a b"), Some(vec![7, 8]));
        // Unknown and incomplete specs send the caller to the getkeys function.
        assert_eq!(positions(&[key(1, RO | ACCESS), unknown(OW | UPDATE)], "sort a"), None);
        assert_eq!(positions(&[key(1, RO | ACCESS | INCOMPLETE)], "x a"), None);
        // NOT_KEY specs are skipped.
        assert_eq!(positions(&[key(1, RO | NOT_KEY), key(2, RO)], "x a b"), Some(vec![2]));
        // Past the end of argv.
        assert_eq!(positions(&[key(2, RO)], "x a"), None);
    }

    #[test]
    fn numkeys_fallback_reads_like_atoi() {
        let pos = |keys: Vec<KeyRef>| keys.iter().map(|k| (k.pos, k.flags)).collect::<Vec<_>>();
        assert_eq!(pos(numkeys_keys::<1, 2, 3>(&argv("zunionstore d 2abc a b"))), vec![(3, 0), (4, 0), (1, 0)]);
        assert_eq!(pos(numkeys_keys::<0, 1, 2>(&argv("zunion 2 a b"))), vec![(2, 0), (3, 0)]);
        assert_eq!(pos(numkeys_keys::<0, 1, 2>(&argv("zunion 3 a b"))), vec![]);
        assert_eq!(pos(numkeys_keys::<0, 1, 2>(&argv("zunion 0 a"))), vec![]);
        assert_eq!(pos(numkeys_keys::<0, 1, 2>(&argv("zunion x a"))), vec![]);
        assert_eq!(pos(numkeys_keys::<0, 2, 3>(&argv("blmpop 0"))), vec![]);
        assert_eq!(atoi(b" -12x"), -12);
        assert_eq!(atoi(b"+7"), 7);
        // strtol saturates, the int truncates.
        assert_eq!(atoi(b"99999999999999999999999"), -1);
        assert_eq!(atoi(b"4294967298"), 2);
    }
}
