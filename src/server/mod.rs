//! The server state: databases, clients, the command registry, statistics;
//! mirrors the redisServer struct of server.h. The event loop is in
//! `reactor`, periodic work in `cron`, INFO in `info`.

pub mod blocking;
pub mod cron;
pub mod info;
pub mod latency;
pub mod lazyfree;
pub mod log;
pub mod propagate;
pub mod pubsub;
pub mod reactor;
pub mod slowlog;
pub mod start;
pub mod watch;

use crate::commands::table::CommandTable;
use crate::config::Config;
use crate::db::Db;
use crate::net::client::Client;
use std::collections::HashMap;
use std::time::Instant;

/// Redis version we are compatible with (INFO redis_version, HELLO).
pub const REDIS_VERSION: &str = "7.0.15";
pub const FERRODIS_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Milliseconds since the unix epoch.
pub fn unix_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Microseconds since the unix epoch (one clock_gettime, no conversions).
#[inline]
pub fn unix_us() -> i64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut ts) };
    ts.tv_sec * 1_000_000 + ts.tv_nsec / 1000
}

/// Server-wide counters INFO reports (the stat_* fields of redisServer).
/// Counters of features not built yet stay at zero, which is what Redis
/// reports while those features are idle; their modules bump them.
pub struct Stats {
    pub total_connections_received: u64,
    pub total_commands_processed: u64,
    pub total_net_input_bytes: u64,
    pub total_net_output_bytes: u64,
    pub total_net_repl_input_bytes: u64,
    pub total_net_repl_output_bytes: u64,
    pub rejected_connections: u64,
    pub sync_full: u64,
    pub sync_partial_ok: u64,
    pub sync_partial_err: u64,
    pub expired_keys: u64,
    /// Percentage of keys probably expired but not yet reclaimed, as
    /// estimated by the active expiry cycle (expired_stale_perc).
    pub expired_stale_perc: f64,
    pub expired_time_cap_reached_count: u64,
    pub expire_cycle_cpu_milliseconds: u64,
    pub evicted_keys: u64,
    pub evicted_clients: u64,
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    /// Duration of the last fork in microseconds.
    pub latest_fork_usec: u64,
    pub total_forks: u64,
    pub unexpected_error_replies: u64,
    pub total_error_replies: u64,
    pub dump_payload_sanitizations: u64,
    pub total_reads_processed: u64,
    pub total_writes_processed: u64,
    pub client_query_buffer_limit_disconnections: u64,
    /// error code -> count (INFO errorstats).
    pub errors: HashMap<String, u64>,
    /// used_memory when the server state was built (used_memory_startup).
    pub used_memory_startup: usize,
    /// Per-command latency histograms, by command id (INFO latencystats).
    pub latency: Vec<Option<Box<latency::Histogram>>>,
    /// Samples of commands/sec for instantaneous_ops_per_sec.
    pub ops_samples: [u64; 16],
    pub ops_sample_idx: usize,
    pub last_sample_time: Option<Instant>,
    pub last_sample_cmds: u64,
    pub net_in_samples: [u64; 16],
    pub net_out_samples: [u64; 16],
    pub last_sample_net_in: u64,
    pub last_sample_net_out: u64,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            total_connections_received: 0,
            total_commands_processed: 0,
            total_net_input_bytes: 0,
            total_net_output_bytes: 0,
            total_net_repl_input_bytes: 0,
            total_net_repl_output_bytes: 0,
            rejected_connections: 0,
            sync_full: 0,
            sync_partial_ok: 0,
            sync_partial_err: 0,
            expired_keys: 0,
            expired_stale_perc: 0.0,
            expired_time_cap_reached_count: 0,
            expire_cycle_cpu_milliseconds: 0,
            evicted_keys: 0,
            evicted_clients: 0,
            keyspace_hits: 0,
            keyspace_misses: 0,
            latest_fork_usec: 0,
            total_forks: 0,
            unexpected_error_replies: 0,
            total_error_replies: 0,
            dump_payload_sanitizations: 0,
            total_reads_processed: 0,
            total_writes_processed: 0,
            client_query_buffer_limit_disconnections: 0,
            errors: HashMap::new(),
            used_memory_startup: crate::alloc::used_memory(),
            latency: Vec::new(),
            ops_samples: [0; 16],
            ops_sample_idx: 0,
            last_sample_time: None,
            last_sample_cmds: 0,
            net_in_samples: [0; 16],
            net_out_samples: [0; 16],
            last_sample_net_in: 0,
            last_sample_net_out: 0,
        }
    }
}

impl Stats {
    /// Records one run of command `id` that took `usec` microseconds
    /// (updateCommandLatencyHistogram; Redis records nanoseconds).
    pub fn record_latency(&mut self, id: usize, usec: u64) {
        if self.latency.len() <= id {
            self.latency.resize_with(id + 1, || None);
        }
        self.latency[id].get_or_insert_with(Default::default).record(usec.saturating_mul(1000));
    }

    /// CONFIG RESETSTAT: zeroes the counters, keeps the start-up figures.
    pub fn reset(&mut self) {
        let startup = self.used_memory_startup;
        *self = Stats::default();
        self.used_memory_startup = startup;
    }
}

/// A client slab: stable indexes (mio tokens), O(1) insert and remove.
#[derive(Default)]
pub struct Clients {
    slots: Vec<Option<Box<Client>>>,
    free: Vec<usize>,
    count: usize,
}

impl Clients {
    pub fn vacant_index(&mut self) -> usize {
        match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(None);
                self.slots.len() - 1
            }
        }
    }

    /// Stores a client at the index it was created with.
    pub fn insert(&mut self, idx: usize, c: Box<Client>) {
        debug_assert!(self.slots[idx].is_none());
        self.slots[idx] = Some(c);
        self.count += 1;
    }

    /// Takes a client out while one of its commands runs; `put_back` returns it.
    pub fn take(&mut self, idx: usize) -> Option<Box<Client>> {
        self.slots.get_mut(idx)?.take()
    }

    pub fn put_back(&mut self, c: Box<Client>) {
        let idx = c.token;
        self.slots[idx] = Some(c);
    }

    /// Gives back an index from `vacant_index` that was not used.
    pub fn release_unused(&mut self, idx: usize) {
        self.free.push(idx);
    }

    /// Forgets a client for good (after `take`).
    pub fn release(&mut self, idx: usize) {
        self.count -= 1;
        self.free.push(idx);
    }

    pub fn get(&self, idx: usize) -> Option<&Client> {
        self.slots.get(idx)?.as_deref()
    }

    pub fn get_mut(&mut self, idx: usize) -> Option<&mut Client> {
        self.slots.get_mut(idx)?.as_deref_mut()
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &Client> {
        self.slots.iter().filter_map(|s| s.as_deref())
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Client> {
        self.slots.iter_mut().filter_map(|s| s.as_deref_mut())
    }
}

/// What SHUTDOWN or a signal asked for.
#[derive(Clone, Copy, Debug, Default)]
pub struct ShutdownRequest {
    pub nosave: bool,
    pub save: bool,
    pub now: bool,
    pub force: bool,
    /// The client that sent SHUTDOWN (it gets the error if saving fails).
    pub client: Option<usize>,
}

/// Progress of the start-up load (INFO loading_*), while it runs.
#[derive(Clone, Copy, Debug)]
pub struct Loading {
    pub start_unix: i64,
    pub started: Instant,
    pub total_bytes: u64,
    pub loaded_bytes: u64,
}

/// CLIENT PAUSE state.
#[derive(Clone, Copy, Debug)]
pub struct Pause {
    pub until: Instant,
    /// WRITE mode pauses only commands that may write.
    pub write_only: bool,
}

pub struct Server {
    pub config: Config,
    pub dbs: Vec<Db>,
    pub clients: Clients,
    pub next_client_id: u64,
    pub commands: CommandTable,
    pub stats: Stats,
    /// Changes since the last save (rdb_changes_since_last_save).
    pub dirty: u64,
    /// The time commands see, fixed at the start of each command so that a
    /// command observes one consistent clock (server.mstime).
    pub now_ms: i64,
    pub start_time: Instant,
    pub start_unix: i64,
    pub run_id: String,
    pub hz: u32,
    pub cronloops: u64,
    pub slowlog: slowlog::Slowlog,
    /// Tokens of clients with output to write before the loop sleeps.
    pub pending_writes: Vec<usize>,
    /// Tokens of clients with unparsed input left (read fairness, unpause).
    pub pending_reads: Vec<usize>,
    /// Tokens of clients to close before the loop sleeps.
    pub to_close: Vec<usize>,
    /// Ids of clients in MONITOR mode.
    pub monitors: Vec<usize>,
    pub shutdown: Option<ShutdownRequest>,
    pub pause: Option<Pause>,
    pub lazyfree: lazyfree::LazyFree,
    /// Keyspace event classes enabled by notify-keyspace-events.
    pub notify_flags: u32,
    pub active_expire_enabled: bool,
    pub expire_next_db: usize,
    /// The last active expiry cycle ran out of time (the fast cycle runs).
    pub expire_hit_time_cap: bool,
    pub last_fast_expire: Option<Instant>,
    /// Unix seconds of the last successful save (LASTSAVE).
    pub lastsave: i64,
    /// Peak of used memory (INFO used_memory_peak).
    pub used_memory_peak: usize,
    pub executable: String,
    /// The running command's client asked for CLIENT NO-TOUCH.
    pub no_touch: bool,
    /// Listeners bound by CONFIG SET port/bind, installed by the reactor
    /// before it sleeps.
    pub replace_tcp_listeners: Option<Vec<mio::net::TcpListener>>,
    /// Pid of the forked child (snapshot, AOF rewrite), if one runs.
    pub child_pid: Option<i32>,
    /// Replication id of the current history (INFO master_replid), and the
    /// previous one with the offset where it ended (master_replid2,
    /// second_repl_offset: all zeros and -1 when there is none).
    pub master_replid: String,
    pub master_replid2: String,
    pub second_repl_offset: i64,
    /// Clients blocked on keys and keys that became ready (blocking.rs).
    pub blocking: blocking::Blocking,
    /// Pub/Sub channels, patterns and shard channels (pubsub.rs).
    pub pubsub: pubsub::PubSub,
    /// WATCHed keys (watch.rs).
    pub watches: watch::Watches,
    /// Writes of the running execution unit, waiting to be propagated
    /// (propagate.rs).
    pub propagation: propagate::Propagation,
    /// Snapshot bookkeeping: BGSAVE child, last save status, load counters.
    pub rdb: crate::persistence::RdbState,
    /// Set while the dataset is being loaded at start-up (-LOADING).
    pub loading: Option<Loading>,
}

impl Server {
    pub fn new(config: Config) -> Server {
        let hz = config.hz.clamp(1, 500);
        let notify_flags = config.notify_keyspace_events;
        let dbs = (0..config.databases).map(Db::new).collect();
        let now = unix_ms();
        crate::db::update_lru_clock(now);
        let mut commands = crate::commands::build_table();
        for (old, new) in &config.renamed_commands {
            // Validated while loading the configuration.
            let _ = commands.rename(old, new);
        }
        let mut srv = Server {
            config,
            dbs,
            clients: Clients::default(),
            next_client_id: 1,
            commands,
            stats: Stats::default(),
            dirty: 0,
            now_ms: now,
            start_time: Instant::now(),
            start_unix: now / 1000,
            run_id: crate::util::rand::random_hex40(),
            hz,
            cronloops: 0,
            slowlog: slowlog::Slowlog::default(),
            pending_writes: Vec::new(),
            pending_reads: Vec::new(),
            to_close: Vec::new(),
            monitors: Vec::new(),
            shutdown: None,
            pause: None,
            lazyfree: lazyfree::LazyFree::start(),
            notify_flags,
            active_expire_enabled: true,
            expire_next_db: 0,
            expire_hit_time_cap: false,
            last_fast_expire: None,
            lastsave: now / 1000,
            used_memory_peak: 0,
            executable: std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_default(),
            no_touch: false,
            child_pid: None,
            replace_tcp_listeners: None,
            master_replid: crate::util::rand::random_hex40(),
            master_replid2: "0".repeat(40),
            second_repl_offset: -1,
            blocking: blocking::Blocking::default(),
            pubsub: pubsub::PubSub::default(),
            watches: watch::Watches::default(),
            propagation: propagate::Propagation::default(),
            rdb: crate::persistence::RdbState::default(),
            loading: None,
        };
        srv.set_notify_flags(notify_flags);
        srv
    }

    /// Marks a client for closing before the loop sleeps.
    pub fn close_client_async(&mut self, token: usize) {
        if let Some(c) = self.clients.get_mut(token) {
            if !c.close_asap {
                c.close_asap = true;
                self.to_close.push(token);
            }
        }
    }

    /// True while a forked child holds a copy-on-write image: the parent
    /// then avoids writes that only bookkeeping needs (access clocks, resizes).
    #[inline]
    pub fn has_active_child(&self) -> bool {
        self.child_pid.is_some()
    }

    pub fn uptime_secs(&self) -> u64 {
        self.start_time.elapsed().as_secs()
    }
}
