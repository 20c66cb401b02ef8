//! Configuration: every redis.conf directive, from the file, the command
//! line and CONFIG SET; mirrors config.c.
//!
//! One table (`directives::DIRECTIVES`) declares each directive once: name,
//! alias, kind (bool, integer with units, enum, string, or a special
//! multi-argument form), default, flags (immutable, protected, hidden...),
//! where its value lives and which runtime effect CONFIG SET must trigger.
//! Loading a file, `--name value` arguments, CONFIG GET/SET/REWRITE all read
//! that table; nothing else knows a directive's spelling.
//!
//! Values the server reads are typed fields of [`Config`]; the rest are kept
//! generically in their parsed form so that CONFIG GET and CONFIG REWRITE
//! print them exactly as Redis does.

pub mod directives;
pub mod rewrite;
mod sha256;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use directives::{lookup, Directive, DIRECTIVES};

/// The Redis release whose behaviour (and FATAL banner) we reproduce.
const REDIS_VERSION: &str = crate::server::REDIS_VERSION;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LogLevel {
    Debug,
    Verbose,
    Notice,
    Warning,
    Nothing,
}

/// `enable-debug-command` / `enable-protected-configs` values.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Protection {
    No,
    Yes,
    Local,
}

/// `appendfsync` values.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AppendFsync {
    Always,
    Everysec,
    No,
}

/// `sanitize-dump-payload` values: when RDB and RESTORE payloads get the
/// deep checks (every entry, repeated fields) on top of the structural ones.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SanitizeDump {
    No,
    Yes,
    /// RESTORE from clients only; loading a file is not sanitized.
    Clients,
}

/// `supervised` values.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Supervised {
    No,
    Upstart,
    Systemd,
    Auto,
}

/// One `save <seconds> <changes>` point.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SavePoint {
    pub seconds: i64,
    pub changes: i64,
}

/// One class of `client-output-buffer-limit` (normal, replica, pubsub).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ObufLimit {
    pub hard: u64,
    pub soft: u64,
    pub soft_seconds: i64,
}

/// Client classes of `client-output-buffer-limit`, in Redis's order.
pub const OBUF_CLASSES: [&str; 3] = ["normal", "slave", "pubsub"];

/// Bits of `shutdown-on-sigint` / `shutdown-on-sigterm`.
pub mod shutdown_flag {
    pub const SAVE: u32 = 1;
    pub const NOSAVE: u32 = 2;
    pub const NOW: u32 = 4;
    pub const FORCE: u32 = 8;
}

/// A directive's value in parsed form.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Bool(bool),
    /// Integers; unsigned kinds keep their bits (maxmemory 2^64-1 is -1).
    Int(i64),
    /// An enum entry's value, or OR-ed bits for the flag enums.
    Enum(u32),
    /// None is the NULL of Redis's EMPTY_STRING_IS_NULL strings.
    Str(Option<String>),
    Save(Vec<SavePoint>),
    Bind(Vec<String>),
    Obuf([ObufLimit; 3]),
    Oom([i32; 3]),
    Notify(u32),
    ReplicaOf(Option<(String, u16)>),
    Percentiles(Vec<f64>),
}

impl Value {
    pub fn bool(&self) -> bool {
        matches!(self, Value::Bool(true))
    }
    pub fn int(&self) -> i64 {
        match self {
            Value::Int(n) => *n,
            _ => 0,
        }
    }
    pub fn enum_val(&self) -> u32 {
        match self {
            Value::Enum(n) => *n,
            _ => 0,
        }
    }
    /// The string, "" for NULL.
    pub fn text(&self) -> String {
        match self {
            Value::Str(Some(s)) => s.clone(),
            _ => String::new(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub config_file: Option<PathBuf>,
    /// rename-command lines, in order: (old name, new name or "" to disable).
    pub renamed_commands: Vec<(String, String)>,
    pub port: u16,
    pub bind: Vec<String>,
    pub unixsocket: String,
    pub unixsocketperm: u32,
    pub tcp_backlog: i32,
    pub tcp_keepalive: u32,
    pub timeout: u64,
    pub maxclients: usize,
    pub protected_mode: bool,
    pub requirepass: Option<Vec<u8>>,
    pub hz: u32,
    pub dynamic_hz: bool,
    pub proto_max_bulk_len: i64,
    pub client_query_buffer_limit: usize,
    pub client_output_buffer_limits: [ObufLimit; 3],
    pub databases: usize,
    pub daemonize: bool,
    pub supervised: Supervised,
    pub pidfile: String,
    pub logfile: String,
    pub loglevel: LogLevel,
    pub dir: String,
    pub always_show_logo: bool,
    pub slowlog_log_slower_than: i64,
    pub slowlog_max_len: usize,
    pub latency_monitor_threshold: i64,
    pub enable_debug_command: Protection,
    pub enable_protected_configs: Protection,
    pub enable_module_command: Protection,
    pub activerehashing: bool,
    pub active_expire_effort: i32,
    pub lazyfree_lazy_eviction: bool,
    pub lazyfree_lazy_user_flush: bool,
    pub lazyfree_lazy_user_del: bool,
    pub lazyfree_lazy_expire: bool,
    pub lazyfree_lazy_server_del: bool,
    pub maxmemory: u64,
    /// notify-keyspace-events as `db::keyspace::event` bits.
    pub notify_keyspace_events: u32,
    pub busy_reply_threshold: i64,
    pub tracking_table_max_keys: usize,
    pub shutdown_timeout: i32,
    pub shutdown_on_sigint: u32,
    pub shutdown_on_sigterm: u32,
    // RDB
    pub save_points: Vec<SavePoint>,
    pub dbfilename: String,
    pub rdbcompression: bool,
    pub rdbchecksum: bool,
    pub sanitize_dump_payload: SanitizeDump,
    pub stop_writes_on_bgsave_error: bool,
    pub rdb_del_sync_files: bool,
    pub rdb_save_incremental_fsync: bool,
    // AOF
    pub appendonly: bool,
    pub appendfilename: String,
    pub appenddirname: String,
    pub appendfsync: AppendFsync,
    pub no_appendfsync_on_rewrite: bool,
    pub auto_aof_rewrite_percentage: i32,
    pub auto_aof_rewrite_min_size: i64,
    pub aof_load_truncated: bool,
    pub aof_use_rdb_preamble: bool,
    pub aof_timestamp_enabled: bool,
    pub aof_rewrite_incremental_fsync: bool,
    // Encodings
    pub hash_max_listpack_entries: usize,
    pub hash_max_listpack_value: usize,
    pub list_max_listpack_size: i32,
    pub list_compress_depth: i32,
    pub set_max_intset_entries: usize,
    pub zset_max_listpack_entries: usize,
    pub zset_max_listpack_value: usize,
    pub hll_sparse_max_bytes: usize,
    pub stream_node_max_bytes: usize,
    pub stream_node_max_entries: i64,
    // Replication
    pub replicaof: Option<(String, u16)>,
    pub masterauth: Option<Vec<u8>>,
    pub masteruser: String,
    pub replica_read_only: bool,
    pub replica_serve_stale_data: bool,
    pub replica_lazy_flush: bool,
    pub repl_backlog_size: i64,
    pub repl_backlog_ttl: i64,
    pub repl_timeout: i32,
    pub repl_ping_replica_period: i32,
    pub repl_diskless_sync: bool,
    pub repl_diskless_sync_delay: i32,
    pub replica_priority: i32,
    pub min_replicas_to_write: i32,
    pub min_replicas_max_lag: i32,
    /// Directives the server does not read yet, by canonical name.
    pub generic: BTreeMap<&'static str, Value>,
}

impl Default for Config {
    fn default() -> Self {
        let mut c = Config {
            config_file: None,
            renamed_commands: Vec::new(),
            port: 0,
            bind: Vec::new(),
            unixsocket: String::new(),
            unixsocketperm: 0,
            tcp_backlog: 0,
            tcp_keepalive: 0,
            timeout: 0,
            maxclients: 0,
            protected_mode: false,
            requirepass: None,
            hz: 0,
            dynamic_hz: false,
            proto_max_bulk_len: 0,
            client_query_buffer_limit: 0,
            client_output_buffer_limits: Default::default(),
            databases: 0,
            daemonize: false,
            supervised: Supervised::No,
            pidfile: String::new(),
            logfile: String::new(),
            loglevel: LogLevel::Notice,
            dir: ".".into(),
            always_show_logo: false,
            slowlog_log_slower_than: 0,
            slowlog_max_len: 0,
            latency_monitor_threshold: 0,
            enable_debug_command: Protection::No,
            enable_protected_configs: Protection::No,
            enable_module_command: Protection::No,
            activerehashing: false,
            active_expire_effort: 0,
            lazyfree_lazy_eviction: false,
            lazyfree_lazy_user_flush: false,
            lazyfree_lazy_user_del: false,
            lazyfree_lazy_expire: false,
            lazyfree_lazy_server_del: false,
            maxmemory: 0,
            notify_keyspace_events: 0,
            busy_reply_threshold: 0,
            tracking_table_max_keys: 0,
            shutdown_timeout: 0,
            shutdown_on_sigint: 0,
            shutdown_on_sigterm: 0,
            save_points: Vec::new(),
            dbfilename: String::new(),
            rdbcompression: false,
            rdbchecksum: false,
            sanitize_dump_payload: SanitizeDump::No,
            stop_writes_on_bgsave_error: false,
            rdb_del_sync_files: false,
            rdb_save_incremental_fsync: false,
            appendonly: false,
            appendfilename: String::new(),
            appenddirname: String::new(),
            appendfsync: AppendFsync::Everysec,
            no_appendfsync_on_rewrite: false,
            auto_aof_rewrite_percentage: 0,
            auto_aof_rewrite_min_size: 0,
            aof_load_truncated: false,
            aof_use_rdb_preamble: false,
            aof_timestamp_enabled: false,
            aof_rewrite_incremental_fsync: false,
            hash_max_listpack_entries: 0,
            hash_max_listpack_value: 0,
            list_max_listpack_size: 0,
            list_compress_depth: 0,
            set_max_intset_entries: 0,
            zset_max_listpack_entries: 0,
            zset_max_listpack_value: 0,
            hll_sparse_max_bytes: 0,
            stream_node_max_bytes: 0,
            stream_node_max_entries: 0,
            replicaof: None,
            masterauth: None,
            masteruser: String::new(),
            replica_read_only: false,
            replica_serve_stale_data: false,
            replica_lazy_flush: false,
            repl_backlog_size: 0,
            repl_backlog_ttl: 0,
            repl_timeout: 0,
            repl_ping_replica_period: 0,
            repl_diskless_sync: false,
            repl_diskless_sync_delay: 0,
            replica_priority: 0,
            min_replicas_to_write: 0,
            min_replicas_max_lag: 0,
            generic: BTreeMap::new(),
        };
        // Every default comes from the table, so that the table is the only
        // place a default is written down.
        for d in DIRECTIVES {
            let v = d.default_value();
            c.put(d, v);
        }
        c
    }
}

/// How a value is being set: while reading the configuration at start-up,
/// or by CONFIG SET.
pub struct SetMode<'a> {
    /// True while reading a file or the command line.
    pub loading: bool,
    /// Whether `dir` really changes the working directory (off in tests).
    pub chdir: bool,
    /// Set once the first `save` line of the configuration replaced the
    /// default save points; later lines add to them.
    pub save_loaded: &'a mut bool,
}

impl Config {
    /// Builds the configuration from `redis-server`-style arguments:
    /// `[configfile|-] [--directive value ...] [-]`. The error is the text
    /// Redis prints before exiting with status 1.
    pub fn from_args(args: &[String]) -> Result<Config, String> {
        let mut c = Config::default();
        let cl = CommandLine::parse(args);
        let mut content = String::new();
        if let Some(file) = &cl.config_file {
            let abs = absolute_path(file);
            content.push_str(&read_config_source(&abs)?);
            c.config_file = Some(PathBuf::from(abs));
        }
        if cl.from_stdin {
            println!("{}", log_line("Reading config from stdin"));
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut s);
            content.push_str(&s);
        }
        if !cl.options.is_empty() {
            content.push('\n');
            content.push_str(&cl.options);
        }
        let mut loader = Loader { chdir: true, check_logfile: true, save_loaded: false, default_user: None };
        loader.load_string(&mut c, &content)?;
        loader.finish(&mut c)?;
        Ok(c)
    }

    /// Parses configuration text (the contents of a redis.conf) on top of
    /// the defaults, without touching the working directory or the log
    /// file: for tests and tools.
    pub fn from_str_no_side_effects(text: &str) -> Result<Config, String> {
        let mut c = Config::default();
        let mut loader = Loader { chdir: false, check_logfile: false, save_loaded: false, default_user: None };
        loader.load_string(&mut c, text)?;
        loader.finish(&mut c)?;
        Ok(c)
    }

    /// The value of a directive in parsed form.
    pub fn value(&self, d: &Directive) -> Value {
        let v = match d.slot {
            directives::Slot::Generic => self.generic.get(d.name).cloned().unwrap_or_else(|| d.default_value()),
            directives::Slot::Field(get, _) => get(self),
        };
        // Typed string fields hold "" for unset.
        match (d.kind, v) {
            (directives::Kind::Str { empty_is_null: true, .. }, Value::Str(Some(s))) if s.is_empty() => Value::Str(None),
            (_, v) => v,
        }
    }

    /// Stores a parsed value (no validation).
    pub fn put(&mut self, d: &Directive, v: Value) {
        match d.slot {
            directives::Slot::Generic => {
                self.generic.insert(d.name, v);
            }
            directives::Slot::Field(_, set) => set(self, v),
        }
    }

    /// A directive's value as CONFIG GET prints it.
    pub fn get_string(&self, d: &Directive) -> String {
        if let directives::Kind::Dir = d.kind {
            return current_dir();
        }
        d.kind.format(&self.value(d))
    }

    /// Parses `args` for `d`, checks it, stores it. Returns Ok(false) when
    /// the value did not change (Redis then skips the apply step).
    pub fn set(&mut self, d: &Directive, args: &[String], mode: &mut SetMode) -> Result<bool, String> {
        let mut v = d.kind.parse(args, &self.value(d))?;
        if let Some(gate) = d.gate {
            gate(&v)?;
        }
        if let directives::Kind::Save = d.kind {
            // The first save line of a file replaces the defaults; the
            // following ones add to it. CONFIG SET replaces.
            if mode.loading {
                if *mode.save_loaded {
                    if let (Value::Save(old), Value::Save(new)) = (self.value(d), &v) {
                        let mut all = old;
                        all.extend_from_slice(new);
                        v = Value::Save(all);
                    }
                }
                *mode.save_loaded = true;
            }
        }
        if let directives::Kind::Dir = d.kind {
            let dir = v.text();
            if mode.chdir {
                std::env::set_current_dir(&dir).map_err(|e| strerror(&e))?;
            }
            self.dir = dir;
            return Ok(true);
        }
        if self.value(d) == v {
            return Ok(false);
        }
        self.put(d, v);
        if d.name == "hz" {
            // Redis accepts any hz but clamps it (updateHZ).
            self.hz = self.hz.clamp(1, 500);
        }
        Ok(true)
    }
}

/// What the command line holds once split the way redis-server splits it.
#[derive(Debug, Default, PartialEq)]
pub struct CommandLine {
    pub config_file: Option<String>,
    pub from_stdin: bool,
    /// The `--name value` groups as config lines, values quoted.
    pub options: String,
}

impl CommandLine {
    /// Redis's rules (main() in server.c): an optional first argument not
    /// starting with '-' is the config file; a lone "-" first or last reads
    /// stdin; `--name` starts a line; following arguments are its values,
    /// quoted; `--save` directly followed by another `--name` (or last)
    /// means `save ""`.
    pub fn parse(args: &[String]) -> CommandLine {
        let mut cl = CommandLine::default();
        let mut j = 0;
        if let Some(first) = args.first() {
            if !first.starts_with('-') {
                cl.config_file = Some(first.clone());
                j = 1;
            }
        }
        let mut options = String::new();
        let mut handled_last = true;
        let n = args.len();
        while j < n {
            let a = &args[j];
            if a == "-" && (j == 0 || j == n - 1) {
                cl.from_stdin = true;
            } else if handled_last && a.starts_with("--") {
                if !options.is_empty() {
                    options.push('\n');
                }
                options.push_str(&a[2..]);
                options.push(' ');
                let words = crate::net::resp::split_args(a.as_bytes()).map(|w| w.len()).unwrap_or(0);
                if words == 1 {
                    handled_last = false;
                    let next_is_option = j != n - 1 && args[j + 1].starts_with("--");
                    if a.eq_ignore_ascii_case("--save") && (next_is_option || j == n - 1) {
                        options.push_str("\"\"");
                        handled_last = true;
                    } else if a.eq_ignore_ascii_case("--sentinel") && (next_is_option || j == n - 1) {
                        handled_last = true;
                    }
                } else {
                    handled_last = true;
                }
            } else {
                options.push_str(&String::from_utf8_lossy(&crate::commands::repr(a.as_bytes())));
                options.push(' ');
                handled_last = true;
            }
            j += 1;
        }
        cl.options = options;
        cl
    }
}

/// State kept while reading configuration text (and the files it includes).
struct Loader {
    chdir: bool,
    check_logfile: bool,
    save_loaded: bool,
    /// The last `user default ...` line: the error to give if its password
    /// disagrees with requirepass, and the password it sets.
    default_user: Option<(String, DefaultUserPass)>,
}

/// The password part of a `user default` line.
#[derive(Clone, Debug, PartialEq)]
enum DefaultUserPass {
    None,
    Plain(String),
    Sha256(String),
}

/// Recognises `user default on <nopass|>pw|#hash> ~* &* +@all`, the only
/// ACL user ferrodis can represent (the default user, all permissions).
fn default_user_password(args: &[String]) -> Option<DefaultUserPass> {
    if args[0] != "default" {
        return None;
    }
    let mut pass = None;
    let mut on = false;
    let (mut keys, mut channels, mut commands) = (false, false, false);
    for a in &args[1..] {
        match a.as_str() {
            "on" => on = true,
            "~*" | "allkeys" => keys = true,
            "&*" | "allchannels" => channels = true,
            "+@all" | "allcommands" => commands = true,
            "nopass" => pass = Some(DefaultUserPass::None),
            p if p.starts_with('>') => pass = Some(DefaultUserPass::Plain(p[1..].to_string())),
            p if p.starts_with('#') && p.len() == 65 => pass = Some(DefaultUserPass::Sha256(p[1..].to_ascii_lowercase())),
            _ => return None,
        }
    }
    if on && keys && channels && commands {
        pass
    } else {
        None
    }
}

/// Directives Redis 7.0 still accepts in a file and ignores.
const DEPRECATED: &[&str] = &["list-max-ziplist-entries", "list-max-ziplist-value", "lua-replicate-commands"];

impl Loader {
    /// loadServerConfigFromString: one directive per line, comments and
    /// blank lines skipped, the first error fatal.
    fn load_string(&mut self, c: &mut Config, text: &str) -> Result<(), String> {
        let lines: Vec<&str> = text.split('\n').collect();
        for (i, raw) in lines.iter().enumerate() {
            let line = raw.trim_matches(|ch| matches!(ch, ' ' | '\t' | '\r' | '\n'));
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fatal = |err: &str| fatal_at(i + 1, line, err);
            let Some(argv) = crate::net::resp::split_args(line.as_bytes()) else {
                return Err(fatal("Unbalanced quotes in configuration line"));
            };
            if argv.is_empty() {
                continue;
            }
            let argv: Vec<String> = argv.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect();
            let name = argv[0].to_ascii_lowercase();
            let argc = argv.len();
            if let Some(d) = lookup(&name) {
                if !d.is_multi_arg() && argc != 2 {
                    return Err(fatal("wrong number of arguments"));
                }
                let mut mode = SetMode { loading: true, chdir: self.chdir, save_loaded: &mut self.save_loaded };
                c.set(d, &argv[1..], &mut mode).map_err(|e| fatal(&e))?;
                continue;
            }
            if DEPRECATED.contains(&name.as_str()) && argc == 2 {
                continue;
            }
            match name.as_str() {
                "include" if argc == 2 => self.include(c, &argv[1])?,
                "rename-command" if argc == 3 => {
                    // Checked against the real table now, applied when the
                    // server builds its table (Server::new).
                    let mut table = crate::commands::build_table();
                    for (old, new) in &c.renamed_commands {
                        let _ = table.rename(old, new);
                    }
                    table.rename(&argv[1], &argv[2]).map_err(|e| fatal(&e))?;
                    c.renamed_commands.push((argv[1].clone(), argv[2].clone()));
                }
                "user" if argc >= 2 => match default_user_password(&argv[1..]) {
                    // The line CONFIG REWRITE writes for the default user.
                    Some(p) => self.default_user = Some((fatal("the default user's password (#hash) does not match requirepass"), p)),
                    None => return Err(fatal("ACL users are not supported by ferrodis yet: use requirepass for the default user")),
                },
                "loadmodule" if argc >= 2 => {
                    return Err(fatal("modules are not supported by ferrodis: loadmodule cannot be honoured"));
                }
                "sentinel" => {
                    if argc != 1 {
                        return Err(fatal("sentinel directive while not in sentinel mode"));
                    }
                }
                _ if name.contains('.') => {
                    if argc != 2 {
                        return Err(fatal("Module config specified without value"));
                    }
                    return Err(fatal("module configuration is not supported by ferrodis: there is no module system"));
                }
                _ => return Err(fatal("Bad directive or wrong number of arguments")),
            }
        }
        Ok(())
    }

    /// `include path`: the path (or glob pattern) is read as it stands,
    /// relative to the current directory, which an earlier `dir` may have
    /// changed, exactly as Redis does.
    fn include(&mut self, c: &mut Config, path: &str) -> Result<(), String> {
        let text = read_config_source(path)?;
        self.load_string(c, &text)
    }

    /// The checks Redis runs once everything is read.
    fn finish(&self, c: &mut Config) -> Result<(), String> {
        // ACL users are loaded after the file, so their password wins.
        match &self.default_user {
            None => {}
            Some((_, DefaultUserPass::None)) => c.requirepass = None,
            Some((_, DefaultUserPass::Plain(p))) => c.requirepass = Some(p.clone().into_bytes()),
            Some((err, DefaultUserPass::Sha256(h))) if c.requirepass.as_ref().map(|p| sha256::hex(p)).as_ref() != Some(h) => {
                return Err(err.clone());
            }
            Some(_) => {}
        }
        if self.check_logfile && !c.logfile.is_empty() {
            if let Err(e) = std::fs::OpenOptions::new().append(true).create(true).open(&c.logfile) {
                return Err(fatal_banner(&format!("Can't open the log file: {}", strerror(&e))));
            }
        }
        Ok(())
    }
}

/// Reads a config file, or every file a glob pattern matches (none is not
/// an error then); Redis's loadServerConfig.
fn read_config_source(path: &str) -> Result<String, String> {
    let cant_open = |p: &str, e: &std::io::Error| log_line(&format!("Fatal error, can't open config file '{}': {}", p, strerror(e)));
    if path.contains(['*', '?', '[']) {
        let mut out = String::new();
        for p in glob_paths(path) {
            let bytes = std::fs::read(&p).map_err(|e| cant_open(&p, &e))?;
            out.push_str(&String::from_utf8_lossy(&bytes));
        }
        return Ok(out);
    }
    let bytes = std::fs::read(path).map_err(|e| cant_open(path, &e))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Files matching a glob pattern, sorted (glob(3) without flags).
fn glob_paths(pattern: &str) -> Vec<String> {
    let c = match std::ffi::CString::new(pattern) {
        Ok(c) => c,
        Err(_) => return Vec::new(),
    };
    let mut out = Vec::new();
    // SAFETY: glob fills the zeroed glob_t we own; we read gl_pathc entries
    // of gl_pathv and release it with globfree.
    unsafe {
        let mut g: libc::glob_t = std::mem::zeroed();
        if libc::glob(c.as_ptr(), 0, None, &mut g) == 0 {
            for i in 0..g.gl_pathc {
                let p = *g.gl_pathv.add(i);
                out.push(std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned());
            }
        }
        libc::globfree(&mut g);
    }
    out
}

/// Redis's getAbsolutePath: relative to the current directory.
fn absolute_path(p: &str) -> String {
    let path = std::path::Path::new(p);
    if path.is_absolute() {
        return p.to_string();
    }
    match std::env::current_dir() {
        Ok(cwd) => cwd.join(path).display().to_string(),
        Err(_) => p.to_string(),
    }
}

/// getcwd(), as CONFIG GET dir and CONFIG REWRITE report it.
pub fn current_dir() -> String {
    std::env::current_dir().map(|p| p.display().to_string()).unwrap_or_default()
}

/// The text strerror() gives for an I/O error ("No such file or directory").
pub fn strerror(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// A line in Redis's log format for messages printed before logging starts.
fn log_line(msg: &str) -> String {
    format!("{}:C {} # {}", std::process::id(), crate::server::log::timestamp(), msg)
}

fn fatal_banner(err: &str) -> String {
    format!("\n*** FATAL CONFIG FILE ERROR (Redis {}) ***\n{}", REDIS_VERSION, err)
}

/// The block Redis prints for a bad configuration line.
fn fatal_at(linenum: usize, line: &str, err: &str) -> String {
    format!(
        "\n*** FATAL CONFIG FILE ERROR (Redis {}) ***\nReading the configuration file, at line {}\n>>> '{}'\n{}",
        REDIS_VERSION, linenum, line, err
    )
}

/// Parses Redis's memory notation (memtoull): digits then an optional
/// unit b, k (1000), kb (1024), m, mb, g, gb, case-insensitive.
pub fn parse_memory(s: &str) -> Option<u64> {
    if s.starts_with('-') {
        return None;
    }
    let digits_end = s.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(digits_end);
    let mul: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    // strtoull: no digits gives 0; too many saturates.
    let val: u64 = if num.is_empty() { 0 } else { num.parse().unwrap_or(u64::MAX) };
    val.checked_mul(mul)
}

/// C strtoll semantics with the "whole string consumed" check Redis adds:
/// leading blanks and a sign allowed; "" is 0. Returns (value, overflowed).
pub fn strtoll_full(s: &str, radix: u32) -> Option<(i64, bool)> {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let end = digits.bytes().position(|b| !(b as char).is_digit(radix)).unwrap_or(digits.len());
    if end == 0 {
        // No conversion: endptr is the start of the string.
        return if s.is_empty() { Some((0, false)) } else { None };
    }
    if end != digits.len() {
        return None;
    }
    let mut v: i128 = 0;
    let mut overflow = false;
    for b in digits.bytes() {
        v = v * radix as i128 + (b as char).to_digit(radix).unwrap() as i128;
        if v > i64::MAX as i128 + 1 {
            overflow = true;
            v = i64::MAX as i128 + 1;
        }
    }
    let v = if neg { -v } else { v };
    let clamped = v.clamp(i64::MIN as i128, i64::MAX as i128);
    Some((clamped as i64, overflow || clamped != v))
}

/// notify-keyspace-events letters to `event` bits (keyspaceEventsStringToFlags).
pub fn keyspace_events_from_str(s: &str) -> Option<u32> {
    use crate::db::keyspace::event::*;
    let mut flags = 0;
    for ch in s.chars() {
        flags |= match ch {
            'A' => ALL,
            'g' => GENERIC,
            '$' => STRING,
            'l' => LIST,
            's' => SET,
            'h' => HASH,
            'z' => ZSET,
            'x' => EXPIRED,
            'e' => EVICTED,
            'K' => KEYSPACE,
            'E' => KEYEVENT,
            't' => STREAM,
            'm' => KEY_MISS,
            'd' => MODULE,
            'n' => NEW,
            _ => return None,
        };
    }
    Some(flags)
}

/// `event` bits to letters (keyspaceEventsFlagsToString).
pub fn keyspace_events_to_str(flags: u32) -> String {
    use crate::db::keyspace::event::*;
    let mut s = String::new();
    if flags & ALL == ALL {
        s.push('A');
    } else {
        for (bit, ch) in [
            (GENERIC, 'g'),
            (STRING, '$'),
            (LIST, 'l'),
            (SET, 's'),
            (HASH, 'h'),
            (ZSET, 'z'),
            (EXPIRED, 'x'),
            (EVICTED, 'e'),
            (STREAM, 't'),
            (MODULE, 'd'),
            (NEW, 'n'),
        ] {
            if flags & bit != 0 {
                s.push(ch);
            }
        }
    }
    for (bit, ch) in [(KEYSPACE, 'K'), (KEYEVENT, 'E'), (KEY_MISS, 'm')] {
        if flags & bit != 0 {
            s.push(ch);
        }
    }
    s
}

/// Every class 'A' stands for (NOTIFY_ALL).
const ALL: u32 = {
    use crate::db::keyspace::event::*;
    GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE
};

#[cfg(test)]
mod tests;
