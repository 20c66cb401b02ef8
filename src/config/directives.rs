//! The directive table: one row per redis.conf directive of Redis 7.0
//! (the standardConfig list of config.c), with the rules to parse, print
//! and check its value.

use super::*;

/// Directive flags (config.c's *_CONFIG flags).
pub mod flag {
    /// Only settable at start-up.
    pub const IMMUTABLE: u32 = 1 << 0;
    /// CONFIG SET needs enable-protected-configs.
    pub const PROTECTED: u32 = 1 << 1;
    /// Listed by CONFIG GET only when asked by exact name.
    pub const HIDDEN: u32 = 1 << 2;
    /// Takes several arguments (CONFIG SET splits its value on spaces).
    pub const MULTI_ARG: u32 = 1 << 3;
    /// The value is a secret (redacted from logs).
    pub const SENSITIVE: u32 = 1 << 4;
    /// Refused while a dataset is loading.
    pub const DENY_LOADING: u32 = 1 << 5;
}

/// How an integer is written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Unit {
    Plain,
    /// Bytes, with k/kb/m/mb/g/gb suffixes accepted.
    Memory,
    /// Bytes, or a percentage ("10%", stored negated).
    MemoryOrPercent,
    Octal,
}

#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Bool,
    /// Bounds are inclusive; `unsigned` compares as C's unsigned types do.
    Num {
        min: i128,
        max: i128,
        unsigned: bool,
        unit: Unit,
    },
    /// Names and values; `flags` enums take several names OR-ed together.
    Enum {
        names: &'static [(&'static str, u32)],
        flags: bool,
    },
    /// `empty_is_null`: "" means unset (EMPTY_STRING_IS_NULL).
    Str {
        empty_is_null: bool,
        check: Option<StrCheck>,
    },
    Save,
    Bind,
    Obuf,
    Oom,
    Notify,
    ReplicaOf,
    Percentiles,
    Dir,
}

/// A string validator (Redis's is_valid_fn for strings).
pub type StrCheck = fn(&str) -> Result<(), &'static str>;

/// A value validator or not-yet-built guard.
pub type Gate = fn(&Value) -> Result<(), String>;

/// Where a directive's value lives.
#[derive(Clone, Copy)]
pub enum Slot {
    /// In `Config::generic`, under the directive's name.
    Generic,
    /// In a typed field of `Config`.
    Field(fn(&Config) -> Value, fn(&mut Config, Value)),
}

/// What CONFIG SET must do to the running server after a change; performed
/// by the CONFIG command (commands::config), which owns the server.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Effect {
    None,
    Hz,
    LogLevel,
    Notify,
    SlowlogMaxLen,
    Port,
    Bind,
    Maxclients,
}

#[derive(Clone, Copy)]
pub struct Directive {
    pub name: &'static str,
    pub alias: Option<&'static str>,
    pub flags: u32,
    pub kind: Kind,
    /// The default, written as CONFIG GET prints it.
    pub default: &'static str,
    pub slot: Slot,
    pub effect: Effect,
    /// Extra validation: Redis's is_valid functions, and the refusal of
    /// values that would switch on a feature ferrodis does not have yet.
    pub gate: Option<Gate>,
}

impl Directive {
    const fn new(name: &'static str, kind: Kind, default: &'static str) -> Directive {
        Directive { name, alias: None, flags: 0, kind, default, slot: Slot::Generic, effect: Effect::None, gate: None }
    }
    const fn alias(mut self, alias: &'static str) -> Directive {
        self.alias = Some(alias);
        self
    }
    const fn flags(mut self, flags: u32) -> Directive {
        self.flags |= flags;
        self
    }
    const fn at(mut self, slot: Slot) -> Directive {
        self.slot = slot;
        self
    }
    const fn effect(mut self, effect: Effect) -> Directive {
        self.effect = effect;
        self
    }
    const fn gate(mut self, gate: Gate) -> Directive {
        self.gate = Some(gate);
        self
    }

    pub fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }

    pub fn is_multi_arg(&self) -> bool {
        self.has(flag::MULTI_ARG)
    }

    /// The default in parsed form.
    pub fn default_value(&self) -> Value {
        if let Kind::ReplicaOf = self.kind {
            return Value::ReplicaOf(None);
        }
        let args = self.split_value(self.default);
        self.kind.parse(&args, &Value::Obuf(Default::default())).expect("directive default parses")
    }

    /// A CONFIG SET value as arguments: multi-argument directives split on
    /// single spaces (sdssplitlen), the others take it whole.
    pub fn split_value(&self, value: &str) -> Vec<String> {
        if !self.is_multi_arg() {
            return vec![value.to_string()];
        }
        if value.is_empty() {
            return Vec::new();
        }
        value.split(' ').map(|s| s.to_string()).collect()
    }
}

/// Looks a directive up by name or alias, case-insensitively.
pub fn lookup(name: &str) -> Option<&'static Directive> {
    DIRECTIVES.iter().find(|d| d.name.eq_ignore_ascii_case(name) || d.alias.is_some_and(|a| a.eq_ignore_ascii_case(name)))
}

const INT_MAX: i128 = i32::MAX as i128;
const INT_MIN: i128 = i32::MIN as i128;
const UINT_MAX: i128 = u32::MAX as i128;
const LONG_MAX: i128 = i64::MAX as i128;
const ULLONG_MAX: i128 = u64::MAX as i128;
const MB: i128 = 1024 * 1024;

impl Kind {
    /// Parses arguments into a value; the error is Redis's text. `current`
    /// is the value now in place (client-output-buffer-limit changes only
    /// the classes it names).
    pub fn parse(&self, args: &[String], current: &Value) -> Result<Value, String> {
        let one = || -> Result<&str, String> {
            match args {
                [a] => Ok(a.as_str()),
                _ => Err("wrong number of arguments".to_string()),
            }
        };
        match *self {
            Kind::Bool => match one()?.to_ascii_lowercase().as_str() {
                "yes" => Ok(Value::Bool(true)),
                "no" => Ok(Value::Bool(false)),
                _ => Err("argument must be 'yes' or 'no'".into()),
            },
            Kind::Num { min, max, unsigned, unit } => parse_num(one()?, min, max, unsigned, unit).map(Value::Int),
            Kind::Enum { names, flags } => {
                let bad = || {
                    let list: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
                    format!("argument(s) must be one of the following: {}", list.join(", "))
                };
                if args.is_empty() || (!flags && args.len() != 1) {
                    return Err(bad());
                }
                let mut v = 0;
                for a in args {
                    match names.iter().find(|(n, _)| n.eq_ignore_ascii_case(a)) {
                        Some((_, val)) => v |= val,
                        None => return Err(bad()),
                    }
                }
                Ok(Value::Enum(v))
            }
            Kind::Str { empty_is_null, check } => {
                let s = one()?;
                if let Some(check) = check {
                    check(s)?;
                }
                Ok(Value::Str(if empty_is_null && s.is_empty() { None } else { Some(s.to_string()) }))
            }
            Kind::Dir => Ok(Value::Str(Some(one()?.to_string()))),
            Kind::Save => {
                let args = if args.len() == 1 && args[0].is_empty() { &[][..] } else { args };
                let bad = || "Invalid save parameters".to_string();
                if !args.len().is_multiple_of(2) {
                    return Err(bad());
                }
                let mut points = Vec::new();
                for pair in args.chunks(2) {
                    let (seconds, _) = strtoll_full(&pair[0], 10).ok_or_else(bad)?;
                    let (changes, _) = strtoll_full(&pair[1], 10).ok_or_else(bad)?;
                    if seconds < 1 || changes < 0 {
                        return Err(bad());
                    }
                    points.push(SavePoint { seconds, changes });
                }
                Ok(Value::Save(points))
            }
            Kind::Bind => {
                if args.len() > 16 {
                    return Err("Too many bind addresses specified.".into());
                }
                if args.len() == 1 && args[0].is_empty() {
                    return Ok(Value::Bind(Vec::new()));
                }
                Ok(Value::Bind(args.to_vec()))
            }
            Kind::Obuf => {
                if !args.len().is_multiple_of(4) {
                    return Err("Wrong number of arguments in buffer limit configuration.".into());
                }
                let mut limits = match current {
                    Value::Obuf(l) => *l,
                    _ => Default::default(),
                };
                let mut new = limits;
                for g in args.chunks(4) {
                    let class = match g[0].to_ascii_lowercase().as_str() {
                        "normal" => 0,
                        "slave" | "replica" => 1,
                        "pubsub" => 2,
                        _ => return Err("Invalid client class specified in buffer limit configuration.".into()),
                    };
                    let bad = || "Error in hard, soft or soft_seconds setting in buffer limit configuration.".to_string();
                    let hard = parse_memory(&g[1]).ok_or_else(bad)?;
                    let soft = parse_memory(&g[2]).ok_or_else(bad)?;
                    let (secs, _) = strtoll_full(&g[3], 10).ok_or_else(bad)?;
                    if secs < 0 {
                        return Err(bad());
                    }
                    new[class] = ObufLimit { hard, soft, soft_seconds: secs };
                }
                limits = new;
                Ok(Value::Obuf(limits))
            }
            Kind::Oom => {
                if args.len() != 3 {
                    return Err("wrong number of arguments".into());
                }
                let mut v = [0i32; 3];
                for (i, a) in args.iter().enumerate() {
                    match strtoll_full(a, 10) {
                        Some((n, _)) if (-2000..=2000).contains(&n) => v[i] = n as i32,
                        _ => return Err("Invalid oom-score-adj-values, elements must be between -2000 and 2000.".into()),
                    }
                }
                Ok(Value::Oom(v))
            }
            Kind::Notify => keyspace_events_from_str(one()?)
                .map(Value::Notify)
                .ok_or_else(|| "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".into()),
            Kind::ReplicaOf => {
                if args.len() != 2 {
                    return Err("wrong number of arguments".into());
                }
                if args[0].eq_ignore_ascii_case("no") && args[1].eq_ignore_ascii_case("one") {
                    return Ok(Value::ReplicaOf(None));
                }
                match strtoll_full(&args[1], 10) {
                    Some((p, false)) if (0..=65535).contains(&p) => Ok(Value::ReplicaOf(Some((args[0].clone(), p as u16)))),
                    _ => Err("Invalid master port".into()),
                }
            }
            Kind::Percentiles => {
                let args = if args.len() == 1 && args[0].is_empty() { &[][..] } else { args };
                let mut out = Vec::new();
                for a in args {
                    let p = crate::util::num::parse_f64(a.as_bytes())
                        .ok_or_else(|| "Invalid latency-tracking-info-percentiles parameters".to_string())?;
                    if !(0.0..=100.0).contains(&p) {
                        return Err("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]".into());
                    }
                    out.push(p);
                }
                Ok(Value::Percentiles(out))
            }
        }
    }

    /// A value as CONFIG GET prints it.
    pub fn format(&self, v: &Value) -> String {
        match (self, v) {
            (Kind::Bool, Value::Bool(b)) => if *b { "yes" } else { "no" }.into(),
            (Kind::Num { unit, .. }, Value::Int(n)) => match unit {
                Unit::MemoryOrPercent if *n < 0 => format!("{}%", -n),
                Unit::Memory | Unit::MemoryOrPercent => (*n as u64).to_string(),
                Unit::Octal => format!("{:o}", n),
                Unit::Plain => n.to_string(),
            },
            (Kind::Enum { names, flags }, Value::Enum(e)) => enum_name(names, *flags, *e),
            (Kind::Str { .. } | Kind::Dir, Value::Str(s)) => s.clone().unwrap_or_default(),
            (Kind::Save, Value::Save(points)) => {
                points.iter().map(|p| format!("{} {}", p.seconds, p.changes)).collect::<Vec<_>>().join(" ")
            }
            (Kind::Bind, Value::Bind(addrs)) => addrs.join(" "),
            (Kind::Obuf, Value::Obuf(l)) => (0..3)
                .map(|i| format!("{} {} {} {}", OBUF_CLASSES[i], l[i].hard, l[i].soft, l[i].soft_seconds))
                .collect::<Vec<_>>()
                .join(" "),
            (Kind::Oom, Value::Oom(v)) => format!("{} {} {}", v[0], v[1], v[2]),
            (Kind::Notify, Value::Notify(f)) => keyspace_events_to_str(*f),
            (Kind::ReplicaOf, Value::ReplicaOf(r)) => r.as_ref().map(|(h, p)| format!("{} {}", h, p)).unwrap_or_default(),
            (Kind::Percentiles, Value::Percentiles(p)) => p.iter().map(|f| trim_double(*f)).collect::<Vec<_>>().join(" "),
            _ => String::new(),
        }
    }
}

/// An enum value's name(s) (configEnumGetName): "unknown" when none fits.
pub fn enum_name(names: &[(&str, u32)], flags: bool, v: u32) -> String {
    if flags && v != 0 {
        let parts: Vec<&str> = names.iter().filter(|(_, f)| *f != 0 && v & f == *f).map(|(n, _)| *n).collect();
        return parts.join(" ");
    }
    names.iter().find(|(_, x)| *x == v).map(|(n, _)| n.to_string()).unwrap_or_else(|| "unknown".into())
}

/// "%f" without trailing zeros (trimDoubleString): 99.9, 50.
fn trim_double(f: f64) -> String {
    let s = format!("{:.6}", f);
    let s = s.trim_end_matches('0');
    s.trim_end_matches('.').to_string()
}

/// numericParseString + numericBoundaryCheck.
fn parse_num(s: &str, min: i128, max: i128, unsigned: bool, unit: Unit) -> Result<i64, String> {
    let parsed: Option<i64> = match unit {
        Unit::Plain => crate::util::num::parse_i64_strict(s.as_bytes()),
        Unit::Memory => parse_memory(s).map(|v| v as i64),
        Unit::MemoryOrPercent => parse_memory(s).map(|v| v as i64).or_else(|| {
            let digits = s.strip_suffix('%').filter(|_| s.len() > 1)?;
            let p = crate::util::num::parse_i64_strict(digits.as_bytes())?;
            (p >= 0).then_some(-p)
        }),
        Unit::Octal => match strtoll_full(s, 8) {
            Some((v, false)) => Some(v),
            _ => None,
        },
    };
    let ll = parsed.ok_or_else(|| {
        match unit {
            Unit::MemoryOrPercent => "argument must be a memory or percent value",
            Unit::Memory => "argument must be a memory value",
            Unit::Octal => "argument couldn't be parsed as an octal number",
            Unit::Plain => "argument couldn't be parsed into an integer",
        }
        .to_string()
    })?;
    let between = || {
        if unit == Unit::Octal {
            format!("argument must be between {:o} and {:o} inclusive", min, max)
        } else {
            format!("argument must be between {} and {} inclusive", min, max)
        }
    };
    if unsigned {
        let u = ll as u64 as i128;
        if u > max || u < min {
            return Err(between());
        }
    } else if unit == Unit::MemoryOrPercent && ll < 0 {
        if (ll as i128) < min {
            return Err(format!("percentage argument must be less or equal to {}", -min));
        }
    } else if (ll as i128) > max || (ll as i128) < min {
        return Err(between());
    }
    Ok(ll)
}

// ---- Kind constructors --------------------------------------------------

const fn boolean(name: &'static str, default: &'static str) -> Directive {
    Directive::new(name, Kind::Bool, default)
}
const fn int(name: &'static str, min: i128, max: i128, default: &'static str) -> Directive {
    Directive::new(name, Kind::Num { min, max, unsigned: false, unit: Unit::Plain }, default)
}
const fn uint(name: &'static str, min: i128, max: i128, default: &'static str) -> Directive {
    Directive::new(name, Kind::Num { min, max, unsigned: true, unit: Unit::Plain }, default)
}
const fn mem(name: &'static str, min: i128, max: i128, unsigned: bool, default: &'static str) -> Directive {
    Directive::new(name, Kind::Num { min, max, unsigned, unit: Unit::Memory }, default)
}
const fn enumeration(name: &'static str, names: &'static [(&'static str, u32)], default: &'static str) -> Directive {
    Directive::new(name, Kind::Enum { names, flags: false }, default)
}
/// A string whose "" means unset.
const fn nullable(name: &'static str) -> Directive {
    Directive::new(name, Kind::Str { empty_is_null: true, check: None }, "")
}
const fn string(name: &'static str, default: &'static str) -> Directive {
    Directive::new(name, Kind::Str { empty_is_null: false, check: None }, default)
}
const fn checked_string(name: &'static str, default: &'static str, check: StrCheck) -> Directive {
    Directive::new(name, Kind::Str { empty_is_null: false, check: Some(check) }, default)
}

// ---- Typed fields -------------------------------------------------------

macro_rules! num {
    ($f:ident) => {
        Slot::Field(|c| Value::Int(c.$f as i64), |c, v| c.$f = v.int() as _)
    };
}
macro_rules! yes {
    ($f:ident) => {
        Slot::Field(|c| Value::Bool(c.$f), |c, v| c.$f = v.bool())
    };
}
macro_rules! text {
    ($f:ident) => {
        Slot::Field(|c| Value::Str(Some(c.$f.clone())), |c, v| c.$f = v.text())
    };
}
macro_rules! protection {
    ($f:ident) => {
        Slot::Field(
            |c| {
                Value::Enum(match c.$f {
                    Protection::No => 0,
                    Protection::Yes => 1,
                    Protection::Local => 2,
                })
            },
            |c, v| {
                c.$f = match v.enum_val() {
                    1 => Protection::Yes,
                    2 => Protection::Local,
                    _ => Protection::No,
                }
            },
        )
    };
}
macro_rules! secret {
    ($f:ident) => {
        Slot::Field(
            |c| Value::Str(c.$f.as_ref().map(|p| String::from_utf8_lossy(p).into_owned())),
            |c, v| {
                c.$f = match v {
                    Value::Str(Some(s)) => Some(s.into_bytes()),
                    _ => None,
                }
            },
        )
    };
}

// ---- Enumerations -------------------------------------------------------

const LOGLEVELS: &[(&str, u32)] = &[("debug", 0), ("verbose", 1), ("notice", 2), ("warning", 3)];
const SUPERVISED: &[(&str, u32)] = &[("upstart", 0), ("systemd", 1), ("auto", 2), ("no", 3)];
const SYSLOG_FACILITY: &[(&str, u32)] =
    &[("user", 0), ("local0", 1), ("local1", 2), ("local2", 3), ("local3", 4), ("local4", 5), ("local5", 6), ("local6", 7), ("local7", 8)];
const DISKLESS_LOAD: &[(&str, u32)] = &[("disabled", 0), ("on-empty-db", 1), ("swapdb", 2)];
const MAXMEMORY_POLICY: &[(&str, u32)] = &[
    ("volatile-lru", 0),
    ("volatile-lfu", 1),
    ("volatile-random", 2),
    ("volatile-ttl", 3),
    ("allkeys-lru", 4),
    ("allkeys-lfu", 5),
    ("allkeys-random", 6),
    ("noeviction", 7),
];
const APPENDFSYNC: &[(&str, u32)] = &[("everysec", 0), ("always", 1), ("no", 2)];
const OOM_SCORE_ADJ: &[(&str, u32)] = &[("no", 0), ("yes", 1), ("relative", 1), ("absolute", 2)];
const ACL_PUBSUB_DEFAULT: &[(&str, u32)] = &[("allchannels", 1), ("resetchannels", 0)];
const SANITIZE_DUMP: &[(&str, u32)] = &[("no", 0), ("yes", 1), ("clients", 2)];
const PROTECTED_ACTION: &[(&str, u32)] = &[("no", 0), ("yes", 1), ("local", 2)];
const ENDPOINT_TYPE: &[(&str, u32)] = &[("ip", 0), ("hostname", 1), ("unknown-endpoint", 2)];
const PROPAGATION_ERROR: &[(&str, u32)] = &[("ignore", 0), ("panic", 1), ("panic-on-replicas", 2)];
const SHUTDOWN_ON_SIG: &[(&str, u32)] = &[
    ("default", 0),
    ("save", shutdown_flag::SAVE),
    ("nosave", shutdown_flag::NOSAVE),
    ("now", shutdown_flag::NOW),
    ("force", shutdown_flag::FORCE),
];
const TLS_AUTH_CLIENTS: &[(&str, u32)] = &[("no", 0), ("yes", 1), ("optional", 2)];

const fn shutdown_on(name: &'static str) -> Directive {
    Directive::new(name, Kind::Enum { names: SHUTDOWN_ON_SIG, flags: true }, "default").flags(flag::MULTI_ARG).gate(valid_shutdown_flags)
}

// ---- Validation and not-yet-built features ------------------------------

fn valid_shutdown_flags(v: &Value) -> Result<(), String> {
    let f = v.enum_val();
    if f & shutdown_flag::SAVE != 0 && f & shutdown_flag::NOSAVE != 0 {
        return Err("shutdown options SAVE and NOSAVE can't be used simultaneously".into());
    }
    Ok(())
}

fn base_name(what: &'static str) -> impl Fn(&str) -> Result<(), &'static str> {
    move |s: &str| if s.contains('/') { Err(what) } else { Ok(()) }
}

fn valid_dbfilename(s: &str) -> Result<(), &'static str> {
    base_name("dbfilename can't be a path, just a filename")(s)
}

fn valid_appendfilename(s: &str) -> Result<(), &'static str> {
    if s.is_empty() {
        return Err("appendfilename can't be empty");
    }
    base_name("appendfilename can't be a path, just a filename")(s)
}

fn valid_appenddirname(s: &str) -> Result<(), &'static str> {
    if s.is_empty() {
        return Err("appenddirname can't be empty");
    }
    base_name("appenddirname can't be a path, just a dirname")(s)
}

fn valid_hostname(s: &str) -> Result<(), &'static str> {
    if s.len() >= 256 {
        return Err("Hostnames must be less than 256 characters");
    }
    if !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.') {
        return Err("Hostnames may only contain alphanumeric characters, hyphens or dots");
    }
    Ok(())
}

fn valid_proc_title(s: &str) -> Result<(), &'static str> {
    const VARS: &[&str] = &["{title}", "{listen-addr}", "{server-mode}", "{port}", "{tls-port}", "{unixsocket}", "{config-file}"];
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        let tail = &rest[i..];
        match VARS.iter().find(|v| tail.starts_with(**v)) {
            Some(v) => rest = &tail[v.len()..],
            None => return Err("template format is invalid or contains unknown variables"),
        }
    }
    // The title must still start with the executable name.
    if !s.contains("{title}") || s.trim() != s {
        return Err("template format is invalid or contains unknown variables");
    }
    Ok(())
}

fn not_built(what: &str) -> String {
    format!("{} is not supported by ferrodis yet", what)
}

fn no_aof(v: &Value) -> Result<(), String> {
    if v.bool() {
        return Err(not_built("the append only file (appendonly yes)"));
    }
    Ok(())
}

fn no_replication(v: &Value) -> Result<(), String> {
    if matches!(v, Value::ReplicaOf(Some(_))) {
        return Err(not_built("replication (replicaof)"));
    }
    Ok(())
}

fn no_min_replicas(v: &Value) -> Result<(), String> {
    if v.int() > 0 {
        return Err(not_built("replication (min-replicas-to-write)"));
    }
    Ok(())
}

fn no_cluster(v: &Value) -> Result<(), String> {
    if v.bool() {
        return Err(not_built("cluster mode (cluster-enabled yes)"));
    }
    Ok(())
}

fn no_eviction(v: &Value) -> Result<(), String> {
    if v.int() != 0 {
        return Err(not_built("eviction (maxmemory above 0)"));
    }
    Ok(())
}

fn no_client_eviction(v: &Value) -> Result<(), String> {
    if v.int() != 0 {
        return Err(not_built("client eviction (maxmemory-clients above 0)"));
    }
    Ok(())
}

fn no_aclfile(v: &Value) -> Result<(), String> {
    if !v.text().is_empty() {
        return Err(not_built("ACL files (aclfile)"));
    }
    Ok(())
}

fn no_tls(v: &Value) -> Result<(), String> {
    if v.int() != 0 {
        return Err(not_built("TLS (tls-port)"));
    }
    Ok(())
}

fn no_syslog(v: &Value) -> Result<(), String> {
    if v.bool() {
        return Err(not_built("logging to syslog (syslog-enabled yes)"));
    }
    Ok(())
}

fn no_oom_score_adj(v: &Value) -> Result<(), String> {
    if v.enum_val() != 0 {
        return Err(not_built("setting the OOM score (oom-score-adj)"));
    }
    Ok(())
}

fn no_defrag(v: &Value) -> Result<(), String> {
    if v.bool() {
        // Redis's own text when built without the defrag-capable jemalloc.
        return Err("Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution".into());
    }
    Ok(())
}

use flag::*;

/// Every directive of Redis 7.0.15, in config.c's order.
pub static DIRECTIVES: &[Directive] = &[
    // Booleans
    boolean("rdbchecksum", "yes").flags(IMMUTABLE).at(yes!(rdbchecksum)),
    boolean("daemonize", "no").flags(IMMUTABLE).at(yes!(daemonize)),
    boolean("io-threads-do-reads", "no").flags(IMMUTABLE),
    boolean("always-show-logo", "no").flags(IMMUTABLE).at(yes!(always_show_logo)),
    boolean("protected-mode", "yes").at(yes!(protected_mode)),
    boolean("rdbcompression", "yes").at(yes!(rdbcompression)),
    boolean("rdb-del-sync-files", "no").at(yes!(rdb_del_sync_files)),
    boolean("activerehashing", "yes").at(yes!(activerehashing)),
    boolean("stop-writes-on-bgsave-error", "yes").at(yes!(stop_writes_on_bgsave_error)),
    boolean("set-proc-title", "yes").flags(IMMUTABLE),
    boolean("dynamic-hz", "yes").at(yes!(dynamic_hz)),
    boolean("lazyfree-lazy-eviction", "no").at(yes!(lazyfree_lazy_eviction)),
    boolean("lazyfree-lazy-expire", "no").at(yes!(lazyfree_lazy_expire)),
    boolean("lazyfree-lazy-server-del", "no").at(yes!(lazyfree_lazy_server_del)),
    boolean("lazyfree-lazy-user-del", "no").at(yes!(lazyfree_lazy_user_del)),
    boolean("lazyfree-lazy-user-flush", "no").at(yes!(lazyfree_lazy_user_flush)),
    boolean("repl-disable-tcp-nodelay", "no"),
    boolean("repl-diskless-sync", "yes").at(yes!(repl_diskless_sync)),
    boolean("aof-rewrite-incremental-fsync", "yes").at(yes!(aof_rewrite_incremental_fsync)),
    boolean("no-appendfsync-on-rewrite", "no").at(yes!(no_appendfsync_on_rewrite)),
    boolean("cluster-require-full-coverage", "yes"),
    boolean("rdb-save-incremental-fsync", "yes").at(yes!(rdb_save_incremental_fsync)),
    boolean("aof-load-truncated", "yes").at(yes!(aof_load_truncated)),
    boolean("aof-use-rdb-preamble", "yes").at(yes!(aof_use_rdb_preamble)),
    boolean("aof-timestamp-enabled", "no").at(yes!(aof_timestamp_enabled)),
    boolean("cluster-replica-no-failover", "no").alias("cluster-slave-no-failover"),
    boolean("replica-lazy-flush", "no").alias("slave-lazy-flush").at(yes!(replica_lazy_flush)),
    boolean("replica-serve-stale-data", "yes").alias("slave-serve-stale-data").at(yes!(replica_serve_stale_data)),
    boolean("replica-read-only", "yes").alias("slave-read-only").at(yes!(replica_read_only)),
    boolean("replica-ignore-maxmemory", "yes").alias("slave-ignore-maxmemory"),
    boolean("jemalloc-bg-thread", "yes"),
    boolean("activedefrag", "no").gate(no_defrag),
    boolean("syslog-enabled", "no").flags(IMMUTABLE).gate(no_syslog),
    boolean("cluster-enabled", "no").flags(IMMUTABLE).gate(no_cluster),
    boolean("appendonly", "no").flags(DENY_LOADING).at(yes!(appendonly)).gate(no_aof),
    boolean("cluster-allow-reads-when-down", "no"),
    boolean("cluster-allow-pubsubshard-when-down", "yes"),
    boolean("crash-log-enabled", "yes"),
    boolean("crash-memcheck-enabled", "yes"),
    boolean("use-exit-on-panic", "no").flags(HIDDEN),
    boolean("disable-thp", "yes").flags(IMMUTABLE),
    boolean("cluster-allow-replica-migration", "yes"),
    boolean("replica-announced", "yes"),
    boolean("latency-tracking", "yes"),
    boolean("aof-disable-auto-gc", "no"),
    boolean("replica-ignore-disk-write-errors", "no"),
    // Strings
    string("aclfile", "").flags(IMMUTABLE).gate(no_aclfile),
    nullable("unixsocket").flags(IMMUTABLE).at(text!(unixsocket)),
    nullable("pidfile").flags(IMMUTABLE).at(text!(pidfile)),
    nullable("replica-announce-ip").alias("slave-announce-ip"),
    nullable("masteruser").flags(SENSITIVE).at(text!(masteruser)),
    nullable("cluster-announce-ip"),
    string("cluster-config-file", "nodes.conf").flags(IMMUTABLE),
    Directive::new("cluster-announce-hostname", Kind::Str { empty_is_null: true, check: Some(valid_hostname) }, ""),
    string("syslog-ident", "redis").flags(IMMUTABLE),
    checked_string("dbfilename", "dump.rdb", valid_dbfilename).flags(PROTECTED).at(text!(dbfilename)),
    checked_string("appendfilename", "appendonly.aof", valid_appendfilename).flags(IMMUTABLE).at(text!(appendfilename)),
    checked_string("appenddirname", "appendonlydir", valid_appenddirname).flags(IMMUTABLE).at(text!(appenddirname)),
    nullable("server_cpulist").flags(IMMUTABLE),
    nullable("bio_cpulist").flags(IMMUTABLE),
    nullable("aof_rewrite_cpulist").flags(IMMUTABLE),
    nullable("bgsave_cpulist").flags(IMMUTABLE),
    string("ignore-warnings", ""),
    checked_string("proc-title-template", "{title} {listen-addr} {server-mode}", valid_proc_title),
    nullable("bind-source-addr"),
    string("logfile", "").flags(IMMUTABLE).at(text!(logfile)),
    nullable("masterauth").flags(SENSITIVE).at(secret!(masterauth)),
    nullable("requirepass").flags(SENSITIVE).at(secret!(requirepass)),
    // Enumerations
    enumeration("supervised", SUPERVISED, "no").flags(IMMUTABLE).at(Slot::Field(
        |c| {
            Value::Enum(match c.supervised {
                Supervised::Upstart => 0,
                Supervised::Systemd => 1,
                Supervised::Auto => 2,
                Supervised::No => 3,
            })
        },
        |c, v| {
            c.supervised = match v.enum_val() {
                0 => Supervised::Upstart,
                1 => Supervised::Systemd,
                2 => Supervised::Auto,
                _ => Supervised::No,
            }
        },
    )),
    enumeration("syslog-facility", SYSLOG_FACILITY, "local0").flags(IMMUTABLE),
    enumeration("repl-diskless-load", DISKLESS_LOAD, "disabled").flags(DENY_LOADING),
    enumeration("loglevel", LOGLEVELS, "notice").effect(Effect::LogLevel).at(Slot::Field(
        |c| {
            Value::Enum(match c.loglevel {
                LogLevel::Debug => 0,
                LogLevel::Verbose => 1,
                LogLevel::Notice => 2,
                LogLevel::Warning | LogLevel::Nothing => 3,
            })
        },
        |c, v| {
            c.loglevel = match v.enum_val() {
                0 => LogLevel::Debug,
                1 => LogLevel::Verbose,
                2 => LogLevel::Notice,
                _ => LogLevel::Warning,
            }
        },
    )),
    enumeration("maxmemory-policy", MAXMEMORY_POLICY, "noeviction"),
    enumeration("appendfsync", APPENDFSYNC, "everysec").at(Slot::Field(
        |c| {
            Value::Enum(match c.appendfsync {
                AppendFsync::Everysec => 0,
                AppendFsync::Always => 1,
                AppendFsync::No => 2,
            })
        },
        |c, v| {
            c.appendfsync = match v.enum_val() {
                1 => AppendFsync::Always,
                2 => AppendFsync::No,
                _ => AppendFsync::Everysec,
            }
        },
    )),
    enumeration("oom-score-adj", OOM_SCORE_ADJ, "no").gate(no_oom_score_adj),
    enumeration("acl-pubsub-default", ACL_PUBSUB_DEFAULT, "resetchannels"),
    enumeration("sanitize-dump-payload", SANITIZE_DUMP, "no").at(Slot::Field(
        |c| {
            Value::Enum(match c.sanitize_dump_payload {
                SanitizeDump::No => 0,
                SanitizeDump::Yes => 1,
                SanitizeDump::Clients => 2,
            })
        },
        |c, v| {
            c.sanitize_dump_payload = match v.enum_val() {
                1 => SanitizeDump::Yes,
                2 => SanitizeDump::Clients,
                _ => SanitizeDump::No,
            }
        },
    )),
    enumeration("enable-protected-configs", PROTECTED_ACTION, "no").flags(IMMUTABLE).at(protection!(enable_protected_configs)),
    enumeration("enable-debug-command", PROTECTED_ACTION, "no").flags(IMMUTABLE).at(protection!(enable_debug_command)),
    enumeration("enable-module-command", PROTECTED_ACTION, "no").flags(IMMUTABLE).at(protection!(enable_module_command)),
    enumeration("cluster-preferred-endpoint-type", ENDPOINT_TYPE, "ip"),
    enumeration("propagation-error-behavior", PROPAGATION_ERROR, "ignore"),
    shutdown_on("shutdown-on-sigint").at(num_enum_sigint()),
    shutdown_on("shutdown-on-sigterm").at(num_enum_sigterm()),
    // Integers
    int("databases", 1, INT_MAX, "16").flags(IMMUTABLE).at(num!(databases)),
    int("port", 0, 65535, "6379").effect(Effect::Port).at(num!(port)),
    int("io-threads", 1, 128, "1").flags(IMMUTABLE),
    int("auto-aof-rewrite-percentage", 0, INT_MAX, "100").at(num!(auto_aof_rewrite_percentage)),
    int("cluster-replica-validity-factor", 0, INT_MAX, "10").alias("cluster-slave-validity-factor"),
    int("list-max-listpack-size", INT_MIN, INT_MAX, "-2").alias("list-max-ziplist-size").at(num!(list_max_listpack_size)),
    int("tcp-keepalive", 0, INT_MAX, "300").at(num!(tcp_keepalive)),
    int("cluster-migration-barrier", 0, INT_MAX, "1"),
    int("active-defrag-cycle-min", 1, 99, "1"),
    int("active-defrag-cycle-max", 1, 99, "25"),
    int("active-defrag-threshold-lower", 0, 1000, "10"),
    int("active-defrag-threshold-upper", 0, 1000, "100"),
    int("lfu-log-factor", 0, INT_MAX, "10"),
    int("lfu-decay-time", 0, INT_MAX, "1"),
    int("replica-priority", 0, INT_MAX, "100").alias("slave-priority").at(num!(replica_priority)),
    int("repl-diskless-sync-delay", 0, INT_MAX, "5").at(num!(repl_diskless_sync_delay)),
    int("maxmemory-samples", 1, INT_MAX, "5"),
    int("maxmemory-eviction-tenacity", 0, 100, "10"),
    int("timeout", 0, INT_MAX, "0").at(num!(timeout)),
    int("replica-announce-port", 0, 65535, "0").alias("slave-announce-port"),
    int("tcp-backlog", 0, INT_MAX, "511").flags(IMMUTABLE).at(num!(tcp_backlog)),
    int("cluster-port", 0, 65535, "0").flags(IMMUTABLE),
    int("cluster-announce-bus-port", 0, 65535, "0"),
    int("cluster-announce-port", 0, 65535, "0"),
    int("cluster-announce-tls-port", 0, 65535, "0"),
    int("repl-timeout", 1, INT_MAX, "60").at(num!(repl_timeout)),
    int("repl-ping-replica-period", 1, INT_MAX, "10").alias("repl-ping-slave-period").at(num!(repl_ping_replica_period)),
    int("list-compress-depth", 0, INT_MAX, "0").at(num!(list_compress_depth)),
    int("rdb-key-save-delay", INT_MIN, INT_MAX, "0").flags(HIDDEN),
    int("key-load-delay", INT_MIN, INT_MAX, "0").flags(HIDDEN),
    int("active-expire-effort", 1, 10, "1").at(num!(active_expire_effort)),
    int("hz", 0, INT_MAX, "10").effect(Effect::Hz).at(num!(hz)),
    int("min-replicas-to-write", 0, INT_MAX, "0").alias("min-slaves-to-write").at(num!(min_replicas_to_write)).gate(no_min_replicas),
    int("min-replicas-max-lag", 0, INT_MAX, "10").alias("min-slaves-max-lag").at(num!(min_replicas_max_lag)),
    int("watchdog-period", 0, INT_MAX, "0").flags(HIDDEN),
    int("shutdown-timeout", 0, INT_MAX, "10").at(num!(shutdown_timeout)),
    int("repl-diskless-sync-max-replicas", 0, INT_MAX, "0"),
    uint("maxclients", 1, UINT_MAX, "10000").effect(Effect::Maxclients).at(num!(maxclients)),
    Directive::new("unixsocketperm", Kind::Num { min: 0, max: 0o777, unsigned: true, unit: Unit::Octal }, "0")
        .flags(IMMUTABLE)
        .at(num!(unixsocketperm)),
    uint("socket-mark-id", 0, UINT_MAX, "0").flags(IMMUTABLE),
    int("active-defrag-max-scan-fields", 1, LONG_MAX, "1000"),
    int("slowlog-max-len", 0, LONG_MAX, "128").effect(Effect::SlowlogMaxLen).at(num!(slowlog_max_len)),
    int("acllog-max-len", 0, LONG_MAX, "128"),
    int("busy-reply-threshold", 0, LONG_MAX, "5000").alias("lua-time-limit").at(num!(busy_reply_threshold)),
    int("cluster-node-timeout", 0, LONG_MAX, "15000"),
    int("slowlog-log-slower-than", -1, LONG_MAX, "10000").at(num!(slowlog_log_slower_than)),
    int("latency-monitor-threshold", 0, LONG_MAX, "0").at(num!(latency_monitor_threshold)),
    mem("proto-max-bulk-len", MB, LONG_MAX, false, "536870912").at(num!(proto_max_bulk_len)),
    int("stream-node-max-entries", 0, LONG_MAX, "100").at(num!(stream_node_max_entries)),
    mem("repl-backlog-size", 1, LONG_MAX, false, "1048576").at(num!(repl_backlog_size)),
    mem("maxmemory", 0, ULLONG_MAX, true, "0").at(num!(maxmemory)).gate(no_eviction),
    mem("cluster-link-sendbuf-limit", 0, ULLONG_MAX, true, "0"),
    uint("hash-max-listpack-entries", 0, LONG_MAX, "512").alias("hash-max-ziplist-entries").at(num!(hash_max_listpack_entries)),
    uint("set-max-intset-entries", 0, LONG_MAX, "512").at(num!(set_max_intset_entries)),
    uint("zset-max-listpack-entries", 0, LONG_MAX, "128").alias("zset-max-ziplist-entries").at(num!(zset_max_listpack_entries)),
    mem("active-defrag-ignore-bytes", 1, LONG_MAX, true, "104857600"),
    mem("hash-max-listpack-value", 0, LONG_MAX, true, "64").alias("hash-max-ziplist-value").at(num!(hash_max_listpack_value)),
    mem("stream-node-max-bytes", 0, LONG_MAX, true, "4096").at(num!(stream_node_max_bytes)),
    mem("zset-max-listpack-value", 0, LONG_MAX, true, "64").alias("zset-max-ziplist-value").at(num!(zset_max_listpack_value)),
    mem("hll-sparse-max-bytes", 0, LONG_MAX, true, "3000").at(num!(hll_sparse_max_bytes)),
    uint("tracking-table-max-keys", 0, LONG_MAX, "1000000").at(num!(tracking_table_max_keys)),
    mem("client-query-buffer-limit", MB, LONG_MAX, true, "1073741824").at(num!(client_query_buffer_limit)),
    Directive::new("maxmemory-clients", Kind::Num { min: -100, max: LONG_MAX, unsigned: false, unit: Unit::MemoryOrPercent }, "0")
        .gate(no_client_eviction),
    int("repl-backlog-ttl", 0, LONG_MAX, "3600").at(num!(repl_backlog_ttl)),
    mem("auto-aof-rewrite-min-size", 0, LONG_MAX, false, "67108864").at(num!(auto_aof_rewrite_min_size)),
    int("loading-process-events-interval-bytes", 1024, INT_MAX, "2097152").flags(HIDDEN),
    // TLS (Debian builds Redis with TLS, so these exist there)
    int("tls-port", 0, 65535, "0").gate(no_tls),
    int("tls-session-cache-size", 0, INT_MAX, "20480"),
    int("tls-session-cache-timeout", 0, INT_MAX, "300"),
    boolean("tls-cluster", "no"),
    boolean("tls-replication", "no"),
    enumeration("tls-auth-clients", TLS_AUTH_CLIENTS, "yes"),
    boolean("tls-prefer-server-ciphers", "no"),
    boolean("tls-session-caching", "yes"),
    nullable("tls-cert-file"),
    nullable("tls-key-file"),
    nullable("tls-key-file-pass").flags(SENSITIVE),
    nullable("tls-client-cert-file"),
    nullable("tls-client-key-file"),
    nullable("tls-client-key-file-pass").flags(SENSITIVE),
    nullable("tls-dh-params-file"),
    nullable("tls-ca-cert-file"),
    nullable("tls-ca-cert-dir"),
    nullable("tls-protocols"),
    nullable("tls-ciphers"),
    nullable("tls-ciphersuites"),
    // Special forms
    Directive::new("dir", Kind::Dir, ".").flags(PROTECTED | DENY_LOADING).at(text!(dir)),
    Directive::new("save", Kind::Save, "3600 1 300 100 60 10000").flags(MULTI_ARG).at(Slot::Field(
        |c| Value::Save(c.save_points.clone()),
        |c, v| {
            if let Value::Save(p) = v {
                c.save_points = p
            }
        },
    )),
    Directive::new("client-output-buffer-limit", Kind::Obuf, "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60")
        .flags(MULTI_ARG)
        .at(Slot::Field(
            |c| Value::Obuf(c.client_output_buffer_limits),
            |c, v| {
                if let Value::Obuf(l) = v {
                    c.client_output_buffer_limits = l
                }
            },
        )),
    Directive::new("oom-score-adj-values", Kind::Oom, "0 200 800").flags(MULTI_ARG),
    Directive::new("notify-keyspace-events", Kind::Notify, "").effect(Effect::Notify).at(Slot::Field(
        |c| Value::Notify(c.notify_keyspace_events),
        |c, v| {
            if let Value::Notify(f) = v {
                c.notify_keyspace_events = f
            }
        },
    )),
    Directive::new("bind", Kind::Bind, "* -::*").flags(MULTI_ARG).effect(Effect::Bind).at(Slot::Field(
        |c| Value::Bind(c.bind.clone()),
        |c, v| {
            if let Value::Bind(b) = v {
                c.bind = b
            }
        },
    )),
    Directive::new("replicaof", Kind::ReplicaOf, "").alias("slaveof").flags(IMMUTABLE | MULTI_ARG).gate(no_replication).at(Slot::Field(
        |c| Value::ReplicaOf(c.replicaof.clone()),
        |c, v| {
            if let Value::ReplicaOf(r) = v {
                c.replicaof = r
            }
        },
    )),
    Directive::new("latency-tracking-info-percentiles", Kind::Percentiles, "50 99 99.9").flags(MULTI_ARG),
];

const fn num_enum_sigint() -> Slot {
    Slot::Field(|c| Value::Enum(c.shutdown_on_sigint), |c, v| c.shutdown_on_sigint = v.enum_val())
}

const fn num_enum_sigterm() -> Slot {
    Slot::Field(|c| Value::Enum(c.shutdown_on_sigterm), |c, v| c.shutdown_on_sigterm = v.enum_val())
}
