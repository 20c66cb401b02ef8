//! Per-command latency histograms for INFO latencystats: an HDR histogram
//! with the layout Redis uses (hdr_histogram with lowest value 1, highest
//! 1e9 ns, 2 significant figures), so that the reported percentiles are
//! the same bucket bounds Redis prints.

const MIN_VALUE: u64 = 1;
const MAX_VALUE: u64 = 1_000_000_000;
/// 2 significant figures: 256 sub-buckets, half of them per bucket above the first.
const SUB_BUCKET_HALF_MAGNITUDE: u32 = 7;

/// Equivalence ranges between MIN_VALUE and MAX_VALUE: 256 in the first
/// bucket, 128 in each of the 22 after it.
const SLOTS: usize = 256 + 22 * 128;

/// Counts per equivalence range, in value order (one array slot per
/// range, so recording a command's latency is an index and an add).
pub struct Histogram {
    counts: Box<[u64]>,
    total: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram { counts: vec![0; SLOTS].into_boxed_slice(), total: 0 }
    }
}

/// The slot of value `v` (within MIN_VALUE..=MAX_VALUE).
#[inline]
fn slot_of(v: u64) -> usize {
    let bucket = (63 - (v | 255).leading_zeros()).saturating_sub(SUB_BUCKET_HALF_MAGNITUDE);
    if bucket == 0 {
        v as usize
    } else {
        256 + (bucket as usize - 1) * 128 + ((v >> bucket) as usize - 128)
    }
}

/// The lowest value of slot `i` (the inverse of slot_of).
fn lowest_of_slot(i: usize) -> u64 {
    if i < 256 {
        i as u64
    } else {
        let bucket = (i - 256) / 128 + 1;
        let sub = (i - 256) % 128 + 128;
        (sub as u64) << bucket
    }
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
        self.counts[slot_of(v)] += 1;
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
        for (i, &n) in self.counts.iter().enumerate() {
            if n == 0 {
                continue;
            }
            let lowest = lowest_of_slot(i);
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

    #[test]
    fn slots_follow_value_order_and_invert() {
        let mut prev = 0;
        for v in (1..2_000_000u64).step_by(7).chain([MAX_VALUE]) {
            let i = slot_of(v);
            assert!(i < SLOTS, "{}", v);
            assert!(i >= prev);
            prev = i;
            assert_eq!(lowest_of_slot(i), range_of(v).0, "{}", v);
        }
    }
}
