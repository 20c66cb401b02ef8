//! Periodic work at `hz` times a second; mirrors serverCron and
//! databasesCron in server.c.

use super::Server;
use std::time::Instant;

impl Server {
    pub fn cron(&mut self) {
        self.cronloops += 1;
        self.now_ms = super::unix_ms();
        crate::db::update_lru_clock(self.now_ms);
        self.sample_stats();
        self.close_timed_out_clients();
        self.handle_blocked_clients_timeout();
        self.end_pause_if_due();
        self.active_expire_cycle();
        self.databases_cron();
        self.persistence_cron();
        let used = crate::alloc::used_memory();
        if used > self.used_memory_peak {
            self.used_memory_peak = used;
        }
    }

    /// instantaneous_ops_per_sec and friends: one sample every 100 ms.
    fn sample_stats(&mut self) {
        let now = Instant::now();
        let st = &mut self.stats;
        let Some(last) = st.last_sample_time else {
            st.last_sample_time = Some(now);
            st.last_sample_cmds = st.total_commands_processed;
            st.last_sample_net_in = st.total_net_input_bytes;
            st.last_sample_net_out = st.total_net_output_bytes;
            return;
        };
        let elapsed_ms = now.duration_since(last).as_millis() as u64;
        if elapsed_ms < 100 {
            return;
        }
        let per_sec = |delta: u64| delta * 1000 / elapsed_ms.max(1);
        let i = st.ops_sample_idx;
        st.ops_samples[i] = per_sec(st.total_commands_processed - st.last_sample_cmds);
        st.net_in_samples[i] = per_sec(st.total_net_input_bytes - st.last_sample_net_in);
        st.net_out_samples[i] = per_sec(st.total_net_output_bytes - st.last_sample_net_out);
        st.ops_sample_idx = (i + 1) % st.ops_samples.len();
        st.last_sample_time = Some(now);
        st.last_sample_cmds = st.total_commands_processed;
        st.last_sample_net_in = st.total_net_input_bytes;
        st.last_sample_net_out = st.total_net_output_bytes;
    }

    /// Closes clients idle longer than `timeout` seconds (clientsCronHandleTimeout).
    fn close_timed_out_clients(&mut self) {
        let timeout = self.config.timeout;
        if timeout == 0 {
            return;
        }
        let now = Instant::now();
        let idle: Vec<usize> = self
            .clients
            .iter()
            .filter(|c| !c.monitor && !c.blocked && !c.is_pubsub() && now.duration_since(c.last_interaction).as_secs() > timeout)
            .map(|c| c.token)
            .collect();
        for idx in idle {
            log::debug!("Closing idle client");
            self.close_client_async(idx);
        }
    }

    /// Lifts an expired CLIENT PAUSE and lets paused clients run again.
    pub fn end_pause_if_due(&mut self) {
        if let Some(p) = self.pause {
            if Instant::now() >= p.until {
                self.unpause();
            }
        }
    }

    pub fn unpause(&mut self) {
        self.pause = None;
        let paused: Vec<usize> = self.clients.iter().filter(|c| c.pause_blocked).map(|c| c.token).collect();
        self.pending_reads.extend(paused);
    }

    /// Incremental rehashing and shrinking of the keyspace tables.
    fn databases_cron(&mut self) {
        for db in &mut self.dbs {
            db.dict.shrink_if_needed();
            db.expires.shrink_if_needed();
        }
        if self.config.activerehashing {
            for db in &mut self.dbs {
                if db.dict.is_rehashing() {
                    db.dict.rehash_for(1);
                    break;
                }
                if db.expires.is_rehashing() {
                    db.expires.rehash_for(1);
                    break;
                }
            }
        }
    }
}
