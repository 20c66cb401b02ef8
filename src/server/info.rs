//! INFO: the sections and field names Redis reports; mirrors genRedisInfoString.

use super::Server;
use std::fmt::Write;

impl Server {
    /// The INFO text for the requested sections ("default" when empty).
    pub fn info_string(&self, sections: &[String]) -> String {
        let mut out = String::new();
        let all = sections.iter().any(|s| s == "all" || s == "everything");
        let want = |name: &str, default: bool| -> bool {
            if sections.is_empty() || sections.iter().any(|s| s == "default") {
                return default;
            }
            all && name != "commandstats" && name != "errorstats" || sections.iter().any(|s| s == name || (s == "everything"))
        };
        if want("server", true) {
            let _ = write!(
                out,
                "# Server\r\nredis_version:{}\r\nserver_name:ferrodis\r\nferrodis_version:{}\r\nredis_mode:standalone\r\nos:{}\r\narch_bits:64\r\nprocess_id:{}\r\ntcp_port:{}\r\nuptime_in_seconds:{}\r\nuptime_in_days:{}\r\nhz:{}\r\nexecutable:{}\r\nconfig_file:{}\r\n",
                super::REDIS_VERSION,
                super::FERRODIS_VERSION,
                std::env::consts::OS,
                std::process::id(),
                self.config.port,
                self.uptime_secs(),
                self.uptime_secs() / 86400,
                self.hz,
                self.executable,
                self.config.config_file.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
            );
        }
        if want("clients", true) {
            if !out.is_empty() {
                out.push_str("\r\n");
            }
            let _ = write!(out, "# Clients\r\nconnected_clients:{}\r\nblocked_clients:{}\r\n", self.clients.len(), self.blocked_clients());
        }
        if want("memory", true) {
            if !out.is_empty() {
                out.push_str("\r\n");
            }
            let used = crate::alloc::used_memory();
            let _ = write!(out, "# Memory\r\nused_memory:{}\r\nused_memory_rss:{}\r\nused_memory_peak:{}\r\nmaxmemory:{}\r\n", used, crate::alloc::rss_bytes(), self.used_memory_peak.max(used), self.config.maxmemory);
        }
        if want("stats", true) {
            if !out.is_empty() {
                out.push_str("\r\n");
            }
            let s = &self.stats;
            let _ = write!(
                out,
                "# Stats\r\ntotal_connections_received:{}\r\ntotal_commands_processed:{}\r\nexpired_keys:{}\r\nkeyspace_hits:{}\r\nkeyspace_misses:{}\r\ntotal_error_replies:{}\r\n",
                s.total_connections_received, s.total_commands_processed, s.expired_keys, s.keyspace_hits, s.keyspace_misses, s.total_error_replies
            );
        }
        if want("keyspace", true) {
            if !out.is_empty() {
                out.push_str("\r\n");
            }
            out.push_str("# Keyspace\r\n");
            for db in &self.dbs {
                if !db.is_empty() {
                    let _ = write!(out, "db{}:keys={},expires={},avg_ttl={}\r\n", db.id, db.len(), db.expires.len(), db.avg_ttl);
                }
            }
        }
        out
    }
}
