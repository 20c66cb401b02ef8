//! INFO: the sections and field names Redis 7.0 reports, in its order;
//! mirrors genRedisInfoString in server.c.
//!
//! Fields of features that are not built yet (persistence, replication,
//! scripting, pub/sub, tracking...) report what Redis reports while that
//! feature is idle; their modules replace the constants with live values.

use super::{Server, FERRODIS_VERSION, REDIS_VERSION};
use std::fmt::Write;

/// Every section, in the order Redis prints them.
const SECTIONS: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "modules",
    "commandstats",
    "errorstats",
    "latencystats",
    "cluster",
    "keyspace",
];

/// What `INFO` and `INFO default` print (module_list is "# Modules").
const DEFAULT_SECTIONS: &[&str] =
    &["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "errorstats", "cluster", "keyspace"];

/// The sections an INFO argument list selects (genInfoSectionDict): the
/// union of named sections, `default`, `all` (everything but module
/// generated sections) and `everything`. No argument means `default`.
pub fn selected_sections(args: &[String]) -> Vec<&'static str> {
    let mut want: Vec<&'static str> = Vec::new();
    let add = |want: &mut Vec<&'static str>, s: &'static str| {
        if !want.contains(&s) {
            want.push(s);
        }
    };
    if args.is_empty() {
        return DEFAULT_SECTIONS.to_vec();
    }
    for a in args {
        let a = a.to_ascii_lowercase();
        match a.as_str() {
            "default" => DEFAULT_SECTIONS.iter().for_each(|s| add(&mut want, s)),
            "all" | "everything" => SECTIONS.iter().for_each(|s| add(&mut want, s)),
            "module_list" => add(&mut want, "modules"),
            other => {
                if let Some(s) = SECTIONS.iter().find(|s| **s == other) {
                    add(&mut want, s);
                }
            }
        }
    }
    SECTIONS.iter().copied().filter(|s| want.contains(s)).collect()
}

/// Redis's bytesToHuman: "967.21K", "6.39M", "200B".
pub fn bytes_to_human(n: u64) -> String {
    const K: f64 = 1024.0;
    let d = n as f64;
    if n < 1024 {
        format!("{}B", n)
    } else if d < K * K {
        format!("{:.2}K", d / K)
    } else if d < K * K * K {
        format!("{:.2}M", d / (K * K))
    } else if d < K * K * K * K {
        format!("{:.2}G", d / (K * K * K))
    } else if d < K * K * K * K * K {
        format!("{:.2}T", d / (K * K * K * K))
    } else if d < K * K * K * K * K * K {
        format!("{:.2}P", d / (K * K * K * K * K))
    } else {
        format!("{}B", n)
    }
}

/// The LRU clock: seconds, 24 bits (LRU_CLOCK_RESOLUTION is 1000 ms).
pub fn lru_clock() -> u64 {
    crate::db::lru_clock() as u64
}

/// "sysname release machine" from uname(2), as Redis prints `os`.
fn os_name() -> String {
    // SAFETY: uname only writes into the zeroed struct we pass.
    unsafe {
        let mut u: libc::utsname = std::mem::zeroed();
        if libc::uname(&mut u) != 0 {
            return std::env::consts::OS.to_string();
        }
        let f = |b: &[libc::c_char]| std::ffi::CStr::from_ptr(b.as_ptr()).to_string_lossy().into_owned();
        format!("{} {} {}", f(&u.sysname), f(&u.release), f(&u.machine))
    }
}

/// Physical memory of the machine (total_system_memory).
fn total_system_memory() -> u64 {
    // SAFETY: sysconf has no memory-safety preconditions.
    let (pages, page) = unsafe { (libc::sysconf(libc::_SC_PHYS_PAGES), libc::sysconf(libc::_SC_PAGESIZE)) };
    if pages <= 0 || page <= 0 {
        return 0;
    }
    pages as u64 * page as u64
}

/// (system, user) CPU seconds for `who` (RUSAGE_SELF, _CHILDREN, _THREAD).
fn cpu_usage(who: libc::c_int) -> (String, String) {
    // SAFETY: getrusage fills the zeroed struct we pass.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(who, &mut ru);
        ru
    };
    let tv = |t: libc::timeval| format!("{}.{:06}", t.tv_sec, t.tv_usec);
    (tv(ru.ru_stime), tv(ru.ru_utime))
}

/// Memory figures shared by INFO memory and MEMORY STATS.
pub struct MemoryFigures {
    pub used: u64,
    pub rss: u64,
    pub peak: u64,
    pub startup: u64,
    pub clients_normal: u64,
    /// (db id, main table overhead, expires table overhead) for non-empty dbs.
    pub db_overheads: Vec<(usize, u64, u64)>,
    pub overhead: u64,
    pub dataset: u64,
    pub keys: u64,
}

impl Server {
    /// Where the memory goes, the way Redis splits it (getMemoryOverheadData):
    /// start-up memory, client buffers and keyspace tables are overhead,
    /// the rest is the dataset.
    pub fn memory_figures(&self) -> MemoryFigures {
        let used = crate::alloc::used_memory() as u64;
        let rss = crate::alloc::rss_bytes() as u64;
        let peak = (self.used_memory_peak as u64).max(used);
        let startup = self.stats.used_memory_startup as u64;
        let clients_normal: u64 = self.clients.iter().map(|c| c.memory_usage() as u64).sum();
        let mut db_overheads = Vec::new();
        let mut keys = 0;
        for db in &self.dbs {
            if db.is_empty() {
                continue;
            }
            keys += db.len() as u64;
            // A bucket is one pointer; an entry's chain link is overhead, its
            // key and value are data. An expires entry (key copy, deadline,
            // link) is all overhead.
            let main = db.dict.buckets() as u64 * 8 + db.len() as u64 * 8;
            let expires = db.expires.buckets() as u64 * 8 + db.expires.len() as u64 * 40;
            db_overheads.push((db.id, main, expires));
        }
        let overhead = startup + clients_normal + db_overheads.iter().map(|(_, m, e)| m + e).sum::<u64>();
        let dataset = used.saturating_sub(overhead);
        MemoryFigures { used, rss, peak, startup, clients_normal, db_overheads, overhead, dataset, keys }
    }

    /// The INFO text for the requested sections (lower-case names; empty
    /// means "default").
    pub fn info_string(&self, args: &[String]) -> String {
        let mut out = String::new();
        for section in selected_sections(args) {
            if !out.is_empty() {
                out.push_str("\r\n");
            }
            match section {
                "server" => self.info_server(&mut out),
                "clients" => self.info_clients(&mut out),
                "memory" => self.info_memory(&mut out),
                "persistence" => self.info_persistence(&mut out),
                "stats" => self.info_stats(&mut out),
                "replication" => self.info_replication(&mut out),
                "cpu" => self.info_cpu(&mut out),
                "modules" => out.push_str("# Modules\r\n"),
                "commandstats" => self.info_commandstats(&mut out),
                "errorstats" => self.info_errorstats(&mut out),
                "latencystats" => self.info_latencystats(&mut out),
                "cluster" => out.push_str("# Cluster\r\ncluster_enabled:0\r\n"),
                "keyspace" => self.info_keyspace(&mut out),
                _ => {}
            }
        }
        out
    }

    fn info_server(&self, out: &mut String) {
        let uptime = self.uptime_secs();
        let _ = write!(
            out,
            "# Server\r\n\
             redis_version:{}\r\n\
             server_name:ferrodis\r\n\
             ferrodis_version:{}\r\n\
             redis_git_sha1:00000000\r\n\
             redis_git_dirty:0\r\n\
             redis_build_id:{}\r\n\
             redis_mode:standalone\r\n\
             os:{}\r\n\
             arch_bits:{}\r\n\
             monotonic_clock:POSIX clock_gettime\r\n\
             multiplexing_api:epoll\r\n\
             atomicvar_api:c11-builtin\r\n\
             gcc_version:0.0.0\r\n\
             process_id:{}\r\n\
             process_supervised:no\r\n\
             run_id:{}\r\n\
             tcp_port:{}\r\n\
             server_time_usec:{}\r\n\
             uptime_in_seconds:{}\r\n\
             uptime_in_days:{}\r\n\
             hz:{}\r\n\
             configured_hz:{}\r\n\
             lru_clock:{}\r\n\
             executable:{}\r\n\
             config_file:{}\r\n\
             io_threads_active:0\r\n",
            REDIS_VERSION,
            FERRODIS_VERSION,
            build_id(),
            os_name(),
            usize::BITS,
            std::process::id(),
            self.run_id,
            self.config.port,
            super::unix_us(),
            uptime,
            uptime / 86400,
            self.hz,
            self.config.hz,
            lru_clock(),
            self.executable,
            self.config.config_file.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
        );
    }

    fn info_clients(&self, out: &mut String) {
        let max_in = self.clients.iter().map(|c| c.qbuf.capacity()).max().unwrap_or(0);
        let max_out = self.clients.iter().map(|c| c.pending_output()).max().unwrap_or(0);
        let _ = write!(
            out,
            "# Clients\r\n\
             connected_clients:{}\r\n\
             cluster_connections:0\r\n\
             maxclients:{}\r\n\
             client_recent_max_input_buffer:{}\r\n\
             client_recent_max_output_buffer:{}\r\n\
             blocked_clients:{}\r\n\
             tracking_clients:0\r\n\
             clients_in_timeout_table:{}\r\n",
            self.clients.len(),
            self.config.maxclients,
            max_in,
            max_out,
            self.blocked_clients(),
            self.blocking.with_timeout(),
        );
    }

    fn info_memory(&self, out: &mut String) {
        let m = self.memory_figures();
        let total_sys = total_system_memory();
        let perc = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 * 100.0 / b as f64 };
        let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let net = m.used.saturating_sub(m.startup);
        // The allocator's own view (active/resident pages) is not exposed by
        // our jemalloc build: what it handed out is `used`, what is resident
        // is the process RSS.
        let (alloc_allocated, alloc_active, alloc_resident) = (m.used, m.used, m.rss);
        let maxmemory = self.config.maxmemory;
        let _ = write!(
            out,
            "# Memory\r\n\
             used_memory:{used}\r\n\
             used_memory_human:{used_h}\r\n\
             used_memory_rss:{rss}\r\n\
             used_memory_rss_human:{rss_h}\r\n\
             used_memory_peak:{peak}\r\n\
             used_memory_peak_human:{peak_h}\r\n\
             used_memory_peak_perc:{peak_perc:.2}%\r\n\
             used_memory_overhead:{overhead}\r\n\
             used_memory_startup:{startup}\r\n\
             used_memory_dataset:{dataset}\r\n\
             used_memory_dataset_perc:{dataset_perc:.2}%\r\n\
             allocator_allocated:{aa}\r\n\
             allocator_active:{ac}\r\n\
             allocator_resident:{ar}\r\n\
             total_system_memory:{sys}\r\n\
             total_system_memory_human:{sys_h}\r\n\
             used_memory_lua:0\r\n\
             used_memory_vm_eval:0\r\n\
             used_memory_lua_human:0B\r\n\
             used_memory_scripts_eval:0\r\n\
             number_of_cached_scripts:0\r\n\
             number_of_functions:0\r\n\
             number_of_libraries:0\r\n\
             used_memory_vm_functions:0\r\n\
             used_memory_vm_total:0\r\n\
             used_memory_vm_total_human:0B\r\n\
             used_memory_functions:0\r\n\
             used_memory_scripts:0\r\n\
             used_memory_scripts_human:0B\r\n\
             maxmemory:{maxmemory}\r\n\
             maxmemory_human:{maxmemory_h}\r\n\
             maxmemory_policy:noeviction\r\n\
             allocator_frag_ratio:{afr:.2}\r\n\
             allocator_frag_bytes:{afb}\r\n\
             allocator_rss_ratio:{arr:.2}\r\n\
             allocator_rss_bytes:{arb}\r\n\
             rss_overhead_ratio:{ror:.2}\r\n\
             rss_overhead_bytes:{rob}\r\n\
             mem_fragmentation_ratio:{mfr:.2}\r\n\
             mem_fragmentation_bytes:{mfb}\r\n\
             mem_not_counted_for_evict:0\r\n\
             mem_replication_backlog:0\r\n\
             mem_total_replication_buffers:0\r\n\
             mem_clients_slaves:0\r\n\
             mem_clients_normal:{clients}\r\n\
             mem_cluster_links:0\r\n\
             mem_aof_buffer:0\r\n\
             mem_allocator:jemalloc-5.3.0\r\n\
             active_defrag_running:0\r\n\
             lazyfree_pending_objects:{lazy_pending}\r\n\
             lazyfreed_objects:{lazy_freed}\r\n",
            used = m.used,
            used_h = bytes_to_human(m.used),
            rss = m.rss,
            rss_h = bytes_to_human(m.rss),
            peak = m.peak,
            peak_h = bytes_to_human(m.peak),
            peak_perc = perc(m.used, m.peak),
            overhead = m.overhead,
            startup = m.startup,
            dataset = m.dataset,
            dataset_perc = perc(m.dataset, net),
            aa = alloc_allocated,
            ac = alloc_active,
            ar = alloc_resident,
            sys = total_sys,
            sys_h = bytes_to_human(total_sys),
            maxmemory = maxmemory,
            maxmemory_h = bytes_to_human(maxmemory),
            afr = ratio(alloc_active, alloc_allocated),
            afb = alloc_active as i64 - alloc_allocated as i64,
            arr = ratio(alloc_resident, alloc_active),
            arb = alloc_resident as i64 - alloc_active as i64,
            ror = ratio(m.rss, alloc_resident),
            rob = m.rss as i64 - alloc_resident as i64,
            mfr = ratio(m.rss, m.used),
            mfb = m.rss as i64 - m.used as i64,
            clients = m.clients_normal,
            lazy_pending = self.lazyfree.pending_objects(),
            lazy_freed = self.lazyfree.freed_objects(),
        );
    }

    fn info_persistence(&self, out: &mut String) {
        let _ = write!(
            out,
            "# Persistence\r\n\
             loading:{}\r\n\
             async_loading:0\r\n\
             current_cow_peak:0\r\n\
             current_cow_size:0\r\n\
             current_cow_size_age:0\r\n\
             current_fork_perc:0.00\r\n\
             current_save_keys_processed:0\r\n\
             current_save_keys_total:0\r\n\
             rdb_changes_since_last_save:{}\r\n\
             rdb_bgsave_in_progress:{}\r\n\
             rdb_last_save_time:{}\r\n\
             rdb_last_bgsave_status:{}\r\n\
             rdb_last_bgsave_time_sec:{}\r\n\
             rdb_current_bgsave_time_sec:{}\r\n\
             rdb_saves:{}\r\n\
             rdb_last_cow_size:{}\r\n\
             rdb_last_load_keys_expired:{}\r\n\
             rdb_last_load_keys_loaded:{}\r\n\
             aof_enabled:0\r\n\
             aof_rewrite_in_progress:0\r\n\
             aof_rewrite_scheduled:0\r\n\
             aof_last_rewrite_time_sec:-1\r\n\
             aof_current_rewrite_time_sec:-1\r\n\
             aof_last_bgrewrite_status:ok\r\n\
             aof_rewrites:0\r\n\
             aof_rewrites_consecutive_failures:0\r\n\
             aof_last_write_status:ok\r\n\
             aof_last_cow_size:0\r\n\
             module_fork_in_progress:0\r\n\
             module_fork_last_cow_size:0\r\n",
            self.loading.is_some() as u8,
            self.dirty,
            self.rdb.child_pid.is_some() as u8,
            self.lastsave,
            if self.rdb.lastbgsave_ok { "ok" } else { "err" },
            self.rdb.save_time_last,
            self.rdb.save_time_start.map_or(-1, |s| crate::server::unix_ms() / 1000 - s),
            self.rdb.saves,
            self.rdb.last_cow_size,
            self.rdb.last_load.keys_expired,
            self.rdb.last_load.keys_loaded,
        );
        // Progress of a load in progress, as Redis appends it.
        if let Some(l) = &self.loading {
            let elapsed = l.started.elapsed().as_secs_f64();
            let perc = if l.total_bytes > 0 { l.loaded_bytes as f64 * 100.0 / l.total_bytes as f64 } else { 0.0 };
            let eta = if l.loaded_bytes > 0 && elapsed > 0.0 {
                ((l.total_bytes.saturating_sub(l.loaded_bytes)) as f64 / (l.loaded_bytes as f64 / elapsed)) as i64
            } else {
                1
            };
            let _ = write!(
                out,
                "loading_start_time:{}\r\nloading_total_bytes:{}\r\nloading_rdb_used_mem:0\r\nloading_loaded_bytes:{}\r\nloading_loaded_perc:{:.2}\r\nloading_eta_seconds:{}\r\n",
                l.start_unix, l.total_bytes, l.loaded_bytes, perc, eta
            );
        }
    }

    fn info_stats(&self, out: &mut String) {
        let s = &self.stats;
        let avg = |v: &[u64; 16]| v.iter().sum::<u64>() / v.len() as u64;
        let kbps = |v: &[u64; 16]| v.iter().sum::<u64>() as f64 / v.len() as f64 / 1024.0;
        let _ = write!(
            out,
            "# Stats\r\n\
             total_connections_received:{}\r\n\
             total_commands_processed:{}\r\n\
             instantaneous_ops_per_sec:{}\r\n\
             total_net_input_bytes:{}\r\n\
             total_net_output_bytes:{}\r\n\
             total_net_repl_input_bytes:{}\r\n\
             total_net_repl_output_bytes:{}\r\n\
             instantaneous_input_kbps:{:.2}\r\n\
             instantaneous_output_kbps:{:.2}\r\n\
             instantaneous_input_repl_kbps:0.00\r\n\
             instantaneous_output_repl_kbps:0.00\r\n\
             rejected_connections:{}\r\n\
             sync_full:{}\r\n\
             sync_partial_ok:{}\r\n\
             sync_partial_err:{}\r\n\
             expired_keys:{}\r\n\
             expired_stale_perc:{:.2}\r\n\
             expired_time_cap_reached_count:{}\r\n\
             expire_cycle_cpu_milliseconds:{}\r\n\
             evicted_keys:{}\r\n\
             evicted_clients:{}\r\n\
             total_eviction_exceeded_time:0\r\n\
             current_eviction_exceeded_time:0\r\n\
             keyspace_hits:{}\r\n\
             keyspace_misses:{}\r\n\
             pubsub_channels:{}\r\n\
             pubsub_patterns:{}\r\n\
             pubsubshard_channels:{}\r\n\
             latest_fork_usec:{}\r\n\
             total_forks:{}\r\n\
             migrate_cached_sockets:0\r\n\
             slave_expires_tracked_keys:0\r\n\
             active_defrag_hits:0\r\n\
             active_defrag_misses:0\r\n\
             active_defrag_key_hits:0\r\n\
             active_defrag_key_misses:0\r\n\
             total_active_defrag_time:0\r\n\
             current_active_defrag_time:0\r\n\
             tracking_total_keys:0\r\n\
             tracking_total_items:0\r\n\
             tracking_total_prefixes:0\r\n\
             unexpected_error_replies:{}\r\n\
             total_error_replies:{}\r\n\
             dump_payload_sanitizations:{}\r\n\
             total_reads_processed:{}\r\n\
             total_writes_processed:{}\r\n\
             io_threaded_reads_processed:0\r\n\
             io_threaded_writes_processed:0\r\n\
             reply_buffer_shrinks:0\r\n\
             reply_buffer_expands:0\r\n",
            s.total_connections_received,
            s.total_commands_processed,
            avg(&s.ops_samples),
            s.total_net_input_bytes,
            s.total_net_output_bytes,
            s.total_net_repl_input_bytes,
            s.total_net_repl_output_bytes,
            kbps(&s.net_in_samples),
            kbps(&s.net_out_samples),
            s.rejected_connections,
            s.sync_full,
            s.sync_partial_ok,
            s.sync_partial_err,
            s.expired_keys,
            s.expired_stale_perc,
            s.expired_time_cap_reached_count,
            s.expire_cycle_cpu_milliseconds,
            s.evicted_keys,
            s.evicted_clients,
            s.keyspace_hits,
            s.keyspace_misses,
            self.pubsub.len(crate::server::pubsub::Kind::Channel),
            self.pubsub.len(crate::server::pubsub::Kind::Pattern),
            self.pubsub.len(crate::server::pubsub::Kind::Shard),
            s.latest_fork_usec,
            s.total_forks,
            s.unexpected_error_replies,
            s.total_error_replies,
            s.dump_payload_sanitizations,
            s.total_reads_processed,
            s.total_writes_processed,
        );
    }

    fn info_replication(&self, out: &mut String) {
        let _ = write!(
            out,
            "# Replication\r\n\
             role:master\r\n\
             connected_slaves:0\r\n\
             master_failover_state:no-failover\r\n\
             master_replid:{}\r\n\
             master_replid2:{}\r\n\
             master_repl_offset:0\r\n\
             second_repl_offset:{}\r\n\
             repl_backlog_active:0\r\n\
             repl_backlog_size:1048576\r\n\
             repl_backlog_first_byte_offset:0\r\n\
             repl_backlog_histlen:0\r\n",
            self.master_replid, self.master_replid2, self.second_repl_offset,
        );
    }

    fn info_cpu(&self, out: &mut String) {
        let (sys, user) = cpu_usage(libc::RUSAGE_SELF);
        let (csys, cuser) = cpu_usage(libc::RUSAGE_CHILDREN);
        let (msys, muser) = cpu_usage(libc::RUSAGE_THREAD);
        let _ = write!(
            out,
            "# CPU\r\n\
             used_cpu_sys:{}\r\n\
             used_cpu_user:{}\r\n\
             used_cpu_sys_children:{}\r\n\
             used_cpu_user_children:{}\r\n\
             used_cpu_sys_main_thread:{}\r\n\
             used_cpu_user_main_thread:{}\r\n",
            sys, user, csys, cuser, msys, muser
        );
    }

    /// cmdstat_<name>:calls=..,usec=..,usec_per_call=..,rejected_calls=..,failed_calls=..
    /// for every command (subcommands as "client|list") that was called,
    /// rejected or failed.
    fn info_commandstats(&self, out: &mut String) {
        out.push_str("# Commandstats\r\n");
        let t = &self.commands;
        for (id, st) in t.stats.iter().enumerate() {
            if st.calls == 0 && st.failed_calls == 0 && st.rejected_calls == 0 {
                continue;
            }
            let per_call = if st.calls == 0 { 0.0 } else { st.usec as f64 / st.calls as f64 };
            let _ = write!(
                out,
                "cmdstat_{}:calls={},usec={},usec_per_call={:.2},rejected_calls={},failed_calls={}\r\n",
                t.full_name(id),
                st.calls,
                st.usec,
                per_call,
                st.rejected_calls,
                st.failed_calls
            );
        }
    }

    /// errorstat_<CODE>:count=.. in the code's byte order (Redis keeps them
    /// in a radix tree).
    fn info_errorstats(&self, out: &mut String) {
        out.push_str("# Errorstats\r\n");
        let mut codes: Vec<(&String, &u64)> = self.stats.errors.iter().collect();
        codes.sort();
        for (code, count) in codes {
            let _ = write!(out, "errorstat_{}:count={}\r\n", code, count);
        }
    }

    /// latency_percentiles_usec_<name>:p50=..,p99=..,p99.9=.. for every
    /// command with recorded latencies (latency-tracking-info-percentiles
    /// default "50 99 99.9").
    fn info_latencystats(&self, out: &mut String) {
        out.push_str("# Latencystats\r\n");
        for (id, h) in self.stats.latency.iter().enumerate() {
            let Some(h) = h.as_deref().filter(|h| h.total() > 0) else { continue };
            let _ = write!(out, "latency_percentiles_usec_{}:", self.commands.full_name(id));
            for (i, (name, p)) in [("p50", 50.0), ("p99", 99.0), ("p99.9", 99.9)].iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{}={:.3}", name, h.value_at_percentile(*p) as f64 / 1000.0);
            }
            out.push_str("\r\n");
        }
    }

    fn info_keyspace(&self, out: &mut String) {
        out.push_str("# Keyspace\r\n");
        for db in &self.dbs {
            if !db.is_empty() {
                let _ = write!(out, "db{}:keys={},expires={},avg_ttl={}\r\n", db.id, db.len(), db.expires.len(), db.avg_ttl);
            }
        }
    }
}

/// A stable id of this build (redis_build_id is a hash of the build).
fn build_id() -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in FERRODIS_VERSION.bytes().chain(REDIS_VERSION.bytes()) {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:x}", h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testing::TestServer;

    fn headers(text: &str) -> Vec<&str> {
        text.lines().filter(|l| l.starts_with('#')).collect()
    }

    #[test]
    fn section_selection_matches_redis() {
        let mut t = TestServer::new();
        let default = t.text(&["INFO"]);
        assert_eq!(
            headers(&default),
            [
                "# Server",
                "# Clients",
                "# Memory",
                "# Persistence",
                "# Stats",
                "# Replication",
                "# CPU",
                "# Modules",
                "# Errorstats",
                "# Cluster",
                "# Keyspace"
            ]
        );
        assert_eq!(headers(&t.text(&["INFO", "default"])), headers(&default));
        let all = [
            "# Server",
            "# Clients",
            "# Memory",
            "# Persistence",
            "# Stats",
            "# Replication",
            "# CPU",
            "# Modules",
            "# Commandstats",
            "# Errorstats",
            "# Latencystats",
            "# Cluster",
            "# Keyspace",
        ];
        assert_eq!(headers(&t.text(&["INFO", "all"])), all);
        assert_eq!(headers(&t.text(&["INFO", "EVERYTHING"])), all);
        // Named sections come out in Redis's order, whatever the argument order.
        assert_eq!(headers(&t.text(&["INFO", "CPU", "server"])), ["# Server", "# CPU"]);
        assert_eq!(headers(&t.text(&["INFO", "default", "commandstats"])).len(), 12);
    }

    // Expected bytes from redis-server 7.0.15 (scripts/oracle.py).
    #[test]
    fn exact_small_sections() {
        let mut t = TestServer::new();
        t.check(&[
            ("INFO errorstats cluster", "$46\r\n# Errorstats\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n"),
            ("INFO nosuch", "$0\r\n\r\n"),
            ("INFO keyspace", "$12\r\n# Keyspace\r\n\r\n"),
            ("SET a 1", "+OK\r\n"),
            ("INFO keyspace", "$44\r\n# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n\r\n"),
            ("FOO", "-ERR unknown command 'FOO', with args beginning with: \r\n"),
            ("INFO errorstats", "$37\r\n# Errorstats\r\nerrorstat_ERR:count=1\r\n\r\n"),
            ("INFO modules cluster", "$43\r\n# Modules\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n"),
            ("INFO cluster errorstats", "$69\r\n# Errorstats\r\nerrorstat_ERR:count=1\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n"),
        ]);
    }

    #[test]
    fn field_names_match_redis() {
        // Field lists of `redis-cli info everything` from redis-server 7.0.15,
        // with ferrodis's two identity fields after redis_version.
        let mut t = TestServer::new();
        t.run(&["GET", "x"]);
        let text = t.text(&["INFO", "everything"]);
        let names: Vec<&str> = text.lines().filter_map(|l| l.split_once(':').map(|(k, _)| k)).collect();
        let want_server = "redis_version server_name ferrodis_version redis_git_sha1 redis_git_dirty redis_build_id redis_mode os arch_bits monotonic_clock multiplexing_api atomicvar_api gcc_version process_id process_supervised run_id tcp_port server_time_usec uptime_in_seconds uptime_in_days hz configured_hz lru_clock executable config_file io_threads_active";
        let want_clients = "connected_clients cluster_connections maxclients client_recent_max_input_buffer client_recent_max_output_buffer blocked_clients tracking_clients clients_in_timeout_table";
        let want_memory = "used_memory used_memory_human used_memory_rss used_memory_rss_human used_memory_peak used_memory_peak_human used_memory_peak_perc used_memory_overhead used_memory_startup used_memory_dataset used_memory_dataset_perc allocator_allocated allocator_active allocator_resident total_system_memory total_system_memory_human used_memory_lua used_memory_vm_eval used_memory_lua_human used_memory_scripts_eval number_of_cached_scripts number_of_functions number_of_libraries used_memory_vm_functions used_memory_vm_total used_memory_vm_total_human used_memory_functions used_memory_scripts used_memory_scripts_human maxmemory maxmemory_human maxmemory_policy allocator_frag_ratio allocator_frag_bytes allocator_rss_ratio allocator_rss_bytes rss_overhead_ratio rss_overhead_bytes mem_fragmentation_ratio mem_fragmentation_bytes mem_not_counted_for_evict mem_replication_backlog mem_total_replication_buffers mem_clients_slaves mem_clients_normal mem_cluster_links mem_aof_buffer mem_allocator active_defrag_running lazyfree_pending_objects lazyfreed_objects";
        let want_persistence = "loading async_loading current_cow_peak current_cow_size current_cow_size_age current_fork_perc current_save_keys_processed current_save_keys_total rdb_changes_since_last_save rdb_bgsave_in_progress rdb_last_save_time rdb_last_bgsave_status rdb_last_bgsave_time_sec rdb_current_bgsave_time_sec rdb_saves rdb_last_cow_size rdb_last_load_keys_expired rdb_last_load_keys_loaded aof_enabled aof_rewrite_in_progress aof_rewrite_scheduled aof_last_rewrite_time_sec aof_current_rewrite_time_sec aof_last_bgrewrite_status aof_rewrites aof_rewrites_consecutive_failures aof_last_write_status aof_last_cow_size module_fork_in_progress module_fork_last_cow_size";
        let want_stats = "total_connections_received total_commands_processed instantaneous_ops_per_sec total_net_input_bytes total_net_output_bytes total_net_repl_input_bytes total_net_repl_output_bytes instantaneous_input_kbps instantaneous_output_kbps instantaneous_input_repl_kbps instantaneous_output_repl_kbps rejected_connections sync_full sync_partial_ok sync_partial_err expired_keys expired_stale_perc expired_time_cap_reached_count expire_cycle_cpu_milliseconds evicted_keys evicted_clients total_eviction_exceeded_time current_eviction_exceeded_time keyspace_hits keyspace_misses pubsub_channels pubsub_patterns pubsubshard_channels latest_fork_usec total_forks migrate_cached_sockets slave_expires_tracked_keys active_defrag_hits active_defrag_misses active_defrag_key_hits active_defrag_key_misses total_active_defrag_time current_active_defrag_time tracking_total_keys tracking_total_items tracking_total_prefixes unexpected_error_replies total_error_replies dump_payload_sanitizations total_reads_processed total_writes_processed io_threaded_reads_processed io_threaded_writes_processed reply_buffer_shrinks reply_buffer_expands";
        let want_repl = "role connected_slaves master_failover_state master_replid master_replid2 master_repl_offset second_repl_offset repl_backlog_active repl_backlog_size repl_backlog_first_byte_offset repl_backlog_histlen";
        let want_cpu =
            "used_cpu_sys used_cpu_user used_cpu_sys_children used_cpu_user_children used_cpu_sys_main_thread used_cpu_user_main_thread";
        let want: Vec<&str> = [want_server, want_clients, want_memory, want_persistence, want_stats, want_repl, want_cpu]
            .iter()
            .flat_map(|s| s.split(' '))
            .chain(["cmdstat_get", "latency_percentiles_usec_get", "cluster_enabled"])
            .collect();
        // Skip the RESP header line (no ':' in it) and compare in order.
        assert_eq!(names, want);
        assert!(text.contains("\r\ncmdstat_get:calls=1,usec="), "{}", text);
        assert!(text.contains(",rejected_calls=0,failed_calls=0\r\n"));
        assert!(text.contains("\r\nrole:master\r\n"));
        assert!(text.contains("\r\n# Latencystats\r\nlatency_percentiles_usec_get:p50="), "{}", text);
        assert!(text.contains(",p99=") && text.contains(",p99.9="));
        assert!(text.contains("\r\nmaster_replid2:0000000000000000000000000000000000000000\r\n"));
    }

    #[test]
    fn human_sizes_as_redis() {
        assert_eq!(bytes_to_human(200), "200B");
        assert_eq!(bytes_to_human(990424), "967.21K");
        assert_eq!(bytes_to_human(6701056), "6.39M");
        assert_eq!(bytes_to_human(25276063744), "23.54G");
    }
}
