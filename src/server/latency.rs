//! Per-command latency histograms for INFO latencystats: an HDR histogram
//! with the layout Redis uses (hdr_histogram with lowest value 1, highest
//! 1e9 ns, 2 significant figures), so that the reported percentiles are
//! the same bucket bounds Redis prints.

use std::collections::BTreeMap;

const MIN_VALUE: u64 = 1;
const MAX_VALUE: u64 = 1_000_000_000;
/// 2 significant figures: 256 sub-buckets, half of them per bucket above the first.
const SUB_BUCKET_HALF_MAGNITUDE: u32 = 7;

/// Counts per equivalence range, keyed by the range's lowest value.
#[derive(Default)]
pub struct Histogram {
    counts: BTreeMap<u64, u64>,
    total: u64,
}

/// (lowest, highest) value of the range `v` falls in.
fn range_of(v: u64) -> (u64, u64) {
    let bucket = (63 - (v | 255).leading_zeros()).saturating_sub(SUB_BUCKET_HALF_MAGNITUDE);
    let lowest = (v >> bucket) << bucket;
    (lowest, lowest + (1 << bucket) - 1)
}

impl Histogram {
    pub fn record(&mut self, ns: u64) {
        let v = ns.clamp(MIN_VALUE, MAX_VALUE);
        *self.counts.entry(range_of(v).0).or_insert(0) += 1;
        self.total += 1;
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    /// hdr_value_at_percentile: the highest value equivalent to the value
    /// at which the cumulative count reaches the percentile.
    pub fn value_at_percentile(&self, p: f64) -> u64 {
        let p = p.min(100.0);
        let want = ((p / 100.0 * self.total as f64 + 0.5) as u64).max(1);
        let mut seen = 0;
        for (&lowest, &n) in &self.counts {
            seen += n;
            if seen >= want {
                return if p == 0.0 { lowest } else { range_of(lowest).1 };
            }
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // From redis-server 7.0.15: a single 12 µs call reports p50=12.031,
    // a single 5 µs call p50=5.023 (microseconds, %.3f of ns / 1000).
    #[test]
    fn percentiles_use_redis_bucket_bounds() {
        let mut h = Histogram::default();
        h.record(12_000);
        assert_eq!(h.value_at_percentile(50.0), 12_031);
        let mut h = Histogram::default();
        h.record(5_000);
        assert_eq!(h.value_at_percentile(99.9), 5_023);
        let mut h = Histogram::default();
        h.record(0);
        assert_eq!(h.value_at_percentile(50.0), 1);
        let mut h = Histogram::default();
        for v in 1..=100u64 {
            h.record(v * 1000);
        }
        assert_eq!(h.total(), 100);
        assert_eq!(h.value_at_percentile(50.0), range_of(50_000).1);
        assert_eq!(h.value_at_percentile(99.0), range_of(99_000).1);
    }
}
