//! Active expiry: reclaims keys whose TTL passed but that nobody touches;
//! mirrors activeExpireCycle in expire.c.
//!
//! Each cron tick walks the expires dict of each database with a scan
//! cursor, sampling about 20 keys per round and deleting the due ones. It
//! repeats a database while more than 10% of a sample was stale, and stops
//! when its time budget (25% of a cron period) is spent, so a million keys
//! expiring together are reclaimed over several ticks without stalling
//! clients.

use crate::server::Server;
use std::time::{Duration, Instant};

const KEYS_PER_LOOP: usize = 20;
const ACCEPTABLE_STALE_PERCENT: usize = 10;
/// Share of each cron period active expiry may use, in percent.
const SLOW_TIME_PERC: u64 = 25;

impl Server {
    pub fn active_expire_cycle(&mut self) {
        if !self.active_expire_enabled {
            return;
        }
        let budget = Duration::from_micros(SLOW_TIME_PERC * 1_000_000 / 100 / self.hz.max(1) as u64);
        let start = Instant::now();
        let dbs = self.dbs.len();
        let mut keys_due = Vec::with_capacity(KEYS_PER_LOOP);
        for i in 0..dbs {
            let db = (self.expire_next_db + i) % dbs;
            loop {
                if self.dbs[db].expires.is_empty() {
                    self.dbs[db].avg_ttl = 0;
                    break;
                }
                self.now_ms = crate::server::unix_ms();
                let now = self.now_ms;
                let mut sampled = 0usize;
                let mut ttl_sum: i64 = 0;
                let mut buckets = 0usize;
                keys_due.clear();
                let d = &mut self.dbs[db];
                let mut cursor = d.expires_cursor;
                loop {
                    cursor = d.expires.scan(cursor, |k, &when| {
                        sampled += 1;
                        if when <= now {
                            keys_due.push(k.as_bytes().to_vec());
                        } else {
                            ttl_sum += when - now;
                        }
                    });
                    buckets += 1;
                    if cursor == 0 || sampled >= KEYS_PER_LOOP || buckets >= KEYS_PER_LOOP * 20 {
                        break;
                    }
                }
                d.expires_cursor = cursor;
                let live = sampled - keys_due.len();
                if live > 0 {
                    let avg = ttl_sum / live as i64;
                    // Running average as Redis keeps it: 2% of the new sample.
                    d.avg_ttl = if d.avg_ttl == 0 { avg } else { (d.avg_ttl / 50) * 49 + avg / 50 };
                }
                let expired = keys_due.len();
                for key in keys_due.drain(..) {
                    // The sample may be stale by now; re-check before deleting.
                    if self.dbs[db].is_expired(&key, now) {
                        self.delete_expired_key(db, &key);
                    }
                }
                if start.elapsed() >= budget {
                    self.stats.expired_time_cap_reached_count += 1;
                    self.expire_next_db = db;
                    return;
                }
                if sampled == 0 || expired * 100 / sampled <= ACCEPTABLE_STALE_PERCENT || cursor == 0 {
                    break;
                }
            }
        }
        self.expire_next_db = (self.expire_next_db + 1) % dbs.max(1);
    }
}
