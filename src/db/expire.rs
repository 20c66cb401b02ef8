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
    /// The slow cycle, from cron: up to 25% of a cron period.
    pub fn active_expire_cycle(&mut self) {
        let budget = Duration::from_micros(SLOW_TIME_PERC * 1_000_000 / 100 / self.hz.max(1) as u64);
        self.expire_hit_time_cap = self.active_expire_cycle_for(budget);
    }

    /// The fast cycle, before the loop sleeps: 1 ms at most, at most every
    /// 2 ms, and only while the previous cycle ran out of time (so a mass
    /// expiry is reclaimed between client events, not only at cron ticks).
    pub fn active_expire_cycle_fast(&mut self) {
        if !self.expire_hit_time_cap {
            return;
        }
        let now = std::time::Instant::now();
        if self.last_fast_expire.is_some_and(|t| now.duration_since(t) < Duration::from_millis(2)) {
            return;
        }
        self.last_fast_expire = Some(now);
        self.expire_hit_time_cap = self.active_expire_cycle_for(Duration::from_micros(1000));
    }

    /// Runs expiry for up to `budget`; true when it stopped because the
    /// budget ran out.
    fn active_expire_cycle_for(&mut self, budget: Duration) -> bool {
        if !self.active_expire_enabled {
            return false;
        }
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
                    return true;
                }
                // Repeat while the sample was mostly stale, or empty (a sparse
                // table after a mass expiry: keep walking, the time budget
                // bounds it). Stop after a full pass over the table.
                if cursor == 0 || (sampled > 0 && expired * 100 / sampled <= ACCEPTABLE_STALE_PERCENT) {
                    break;
                }
            }
        }
        self.expire_next_db = (self.expire_next_db + 1) % dbs.max(1);
        false
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::server::{unix_ms, Server};
    use crate::types::value::Value;
    use std::time::{Duration, Instant};

    #[test]
    fn a_hundred_thousand_keys_expire_in_bounded_cycles() {
        let mut srv = Server::new(Config::default());
        let now = unix_ms();
        for i in 0..100_000 {
            let k = format!("volatile:{}", i);
            srv.dbs[0].add(k.as_bytes(), Value::Int(i));
            srv.dbs[0].set_expire(k.as_bytes(), now + 1);
        }
        // Keys that must survive: without TTL, and with a long one, in two dbs.
        for i in 0..1000 {
            let k = format!("kept:{}", i);
            srv.dbs[0].add(k.as_bytes(), Value::Int(i));
            let k = format!("later:{}", i);
            srv.dbs[0].add(k.as_bytes(), Value::Int(i));
            srv.dbs[0].set_expire(k.as_bytes(), now + 3_600_000);
        }
        for i in 0..5000 {
            let k = format!("volatile:{}", i);
            srv.dbs[3].add(k.as_bytes(), Value::Int(i));
            srv.dbs[3].set_expire(k.as_bytes(), now + 1);
        }
        std::thread::sleep(Duration::from_millis(5));
        let budget = Duration::from_micros(25 * 1_000_000 / 100 / srv.hz as u64);
        let mut calls = 0;
        let mut worst = Duration::ZERO;
        while srv.dbs[0].expires.len() > 1000 || !srv.dbs[3].expires.is_empty() {
            let start = Instant::now();
            srv.active_expire_cycle();
            let took = start.elapsed();
            worst = worst.max(took);
            assert!(took < Duration::from_millis(150), "one cycle took {:?} (budget {:?})", took, budget);
            calls += 1;
            assert!(calls < 5000, "active expiry makes no progress");
        }
        assert!(calls > 1, "expected several bounded cycles, not one");
        assert_eq!(srv.stats.expired_keys, 105_000);
        assert_eq!(srv.dbs[0].len(), 2000);
        assert!(srv.dbs[3].is_empty());
        assert!(srv.dbs[0].dict.get(b"kept:7").is_some());
        assert!(srv.dbs[0].expire_of(b"later:7").is_some());
        eprintln!("{} cycles, worst {:?}", calls, worst);
    }

    #[test]
    fn keys_without_due_deadlines_stay() {
        let mut srv = Server::new(Config::default());
        let now = unix_ms();
        for i in 0..100 {
            let k = format!("k:{}", i);
            srv.dbs[0].add(k.as_bytes(), Value::Int(i));
            srv.dbs[0].set_expire(k.as_bytes(), now + 60_000);
        }
        srv.active_expire_cycle();
        assert_eq!(srv.dbs[0].len(), 100);
        assert!(srv.dbs[0].avg_ttl > 50_000, "avg_ttl {}", srv.dbs[0].avg_ttl);
    }
}
