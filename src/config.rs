//! Configuration: the typed settings the server reads; mirrors config.c.
//!
//! (Bootstrap version: a handful of directives from the command line. The
//! table-driven version covering every redis.conf directive replaces it.)

use std::path::PathBuf;

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

#[derive(Clone, Debug)]
pub struct Config {
    pub config_file: Option<PathBuf>,
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
    pub proto_max_bulk_len: i64,
    pub client_query_buffer_limit: usize,
    pub databases: usize,
    pub daemonize: bool,
    pub pidfile: String,
    pub logfile: String,
    pub loglevel: LogLevel,
    pub dir: String,
    pub always_show_logo: bool,
    pub slowlog_log_slower_than: i64,
    pub slowlog_max_len: usize,
    pub enable_debug_command: Protection,
    pub enable_module_command: Protection,
    pub activerehashing: bool,
    pub lazyfree_lazy_user_flush: bool,
    pub lazyfree_lazy_user_del: bool,
    pub lazyfree_lazy_expire: bool,
    pub lazyfree_lazy_server_del: bool,
    pub maxmemory: u64,
    /// list-max-listpack-size (alias list-max-ziplist-size): node fill of new lists.
    pub list_max_listpack_size: i64,
    /// list-compress-depth: kept per list; node compression is not implemented.
    pub list_compress_depth: i64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            config_file: None,
            port: 6379,
            bind: vec!["*".into(), "-::*".into()],
            unixsocket: String::new(),
            unixsocketperm: 0,
            tcp_backlog: 511,
            tcp_keepalive: 300,
            timeout: 0,
            maxclients: 10000,
            protected_mode: true,
            requirepass: None,
            hz: 10,
            proto_max_bulk_len: 512 * 1024 * 1024,
            client_query_buffer_limit: 1024 * 1024 * 1024,
            databases: 16,
            daemonize: false,
            pidfile: String::new(),
            logfile: String::new(),
            loglevel: LogLevel::Notice,
            dir: ".".into(),
            always_show_logo: false,
            slowlog_log_slower_than: 10000,
            slowlog_max_len: 128,
            enable_debug_command: Protection::No,
            enable_module_command: Protection::No,
            activerehashing: true,
            lazyfree_lazy_user_flush: false,
            lazyfree_lazy_user_del: false,
            lazyfree_lazy_expire: false,
            lazyfree_lazy_server_del: false,
            maxmemory: 0,
            list_max_listpack_size: -2,
            list_compress_depth: 0,
        }
    }
}

impl Config {
    /// Builds the configuration from `redis-server`-style arguments.
    pub fn from_args(args: &[String]) -> Result<Config, String> {
        let mut c = Config::default();
        let mut i = 0;
        while i < args.len() {
            let name = args[i].trim_start_matches("--").to_ascii_lowercase();
            let mut vals = Vec::new();
            i += 1;
            while i < args.len() && !args[i].starts_with("--") {
                vals.push(args[i].clone());
                i += 1;
            }
            let v = vals.first().cloned().unwrap_or_default();
            match name.as_str() {
                "port" => c.port = v.parse().map_err(|_| "bad port")?,
                "bind" => c.bind = vals,
                "dir" => c.dir = v,
                "requirepass" => c.requirepass = if v.is_empty() { None } else { Some(v.into_bytes()) },
                "databases" => c.databases = v.parse().map_err(|_| "bad databases")?,
                "hz" => c.hz = v.parse().map_err(|_| "bad hz")?,
                "list-max-listpack-size" | "list-max-ziplist-size" => c.list_max_listpack_size = v.parse().map_err(|_| "bad list-max-listpack-size")?,
                "list-compress-depth" => c.list_compress_depth = v.parse().map_err(|_| "bad list-compress-depth")?,
                "enable-debug-command" => {
                    c.enable_debug_command = match v.as_str() {
                        "yes" => Protection::Yes,
                        "local" => Protection::Local,
                        _ => Protection::No,
                    }
                }
                _ => {}
            }
        }
        Ok(c)
    }
}
