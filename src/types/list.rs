//! The list type: a quicklist, a deque of listpack nodes; mirrors
//! quicklist.c (Redis 7.0) and the listType* helpers of t_list.c.
//!
//! Each node is a byte-exact listpack, so RDB dumps can write the nodes as
//! they are (RDB_TYPE_LIST_QUICKLIST_2, container "packed"). Nodes fill up
//! under `list-max-listpack-size` exactly as Redis decides it
//! (`_quicklistNodeAllowInsert`): a negative fill limits a node's bytes to
//! 4/8/16/32/64 KB, a positive fill limits its element count (within an 8 KB
//! safety limit). Pushes and pops at both ends are O(1); an index is reached
//! by walking node headers from the nearer end.
//!
//! Redis 7.0 reports `quicklist` from OBJECT ENCODING for every list (the
//! listpack encoding for small lists arrived in 7.2), and so do we.
//! Not implemented: LZF compression of interior nodes (`list-compress-depth`
//! is kept per list but nodes stay raw) and "plain" nodes for elements of
//! 1 GB or more (they are stored in a listpack of their own size class).

use super::listpack::{as_int, Listpack, LpValue};
use std::collections::VecDeque;

/// Byte limits for fill -1..-5 (optimization_level).
const OPTIMIZATION_LEVEL: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
/// Largest node for count-limited fills (SIZE_SAFETY_LIMIT).
const SIZE_SAFETY_LIMIT: usize = 8192;
/// Overestimate of one entry's overhead (SIZE_ESTIMATE_OVERHEAD).
const SIZE_ESTIMATE_OVERHEAD: usize = 8;
/// Largest positive fill (FILL_MAX).
const FILL_MAX: i64 = (1 << 15) - 1;
/// Largest compress depth (COMPRESS_MAX).
const COMPRESS_MAX: i64 = (1 << 16) - 1;

/// Which end of a list (LIST_HEAD / LIST_TAIL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    Head,
    Tail,
}

impl End {
    pub fn opposite(self) -> End {
        match self {
            End::Head => End::Tail,
            End::Tail => End::Head,
        }
    }
}

#[derive(Clone, Debug)]
pub struct List {
    nodes: VecDeque<Listpack>,
    len: usize,
    fill: i16,
    compress: u16,
}

impl Default for List {
    fn default() -> Self {
        List::new(-2, 0)
    }
}

/// _quicklistNodeSizeMeetsOptimizationRequirement
#[inline]
fn size_meets_optimization(sz: usize, fill: i16) -> bool {
    if fill >= 0 {
        return false;
    }
    let offset = (-(fill as i32) - 1) as usize;
    offset < OPTIMIZATION_LEVEL.len() && sz <= OPTIMIZATION_LEVEL[offset]
}

/// _quicklistNodeAllowInsert: may an element of `sz` bytes join `node`?
#[inline]
fn allow_insert(node: &Listpack, fill: i16, sz: usize) -> bool {
    let new_sz = node.size() + sz + SIZE_ESTIMATE_OVERHEAD;
    if size_meets_optimization(new_sz, fill) {
        true
    } else if new_sz > SIZE_SAFETY_LIMIT {
        false
    } else {
        (node.len() as i64) < fill as i64
    }
}

/// _quicklistNodeAllowMerge
fn allow_merge(a: &Listpack, b: &Listpack, fill: i16) -> bool {
    // Approximate merged size (one header and terminator less).
    let merge_sz = (a.size() + b.size()).saturating_sub(11);
    if size_meets_optimization(merge_sz, fill) {
        true
    } else if merge_sz > SIZE_SAFETY_LIMIT {
        false
    } else {
        (a.len() + b.len()) as i64 <= fill as i64
    }
}

impl List {
    /// An empty list with the given `list-max-listpack-size` and
    /// `list-compress-depth` (clamped as quicklistSetOptions does).
    pub fn new(fill: i64, compress: i64) -> List {
        List { nodes: VecDeque::new(), len: 0, fill: fill.clamp(-5, FILL_MAX) as i16, compress: compress.clamp(0, COMPRESS_MAX) as u16 }
    }

    /// OBJECT ENCODING name: Redis 7.0 lists are always quicklists.
    pub fn encoding(&self) -> &'static str {
        "quicklist"
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The fill this list was created with (DEBUG OBJECT ql_listpack_max).
    pub fn fill(&self) -> i64 {
        self.fill as i64
    }

    pub fn compress_depth(&self) -> i64 {
        self.compress as i64
    }

    /// Number of nodes (DEBUG OBJECT ql_nodes).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The nodes, head first (RDB dumps write each listpack verbatim).
    pub fn nodes(&self) -> impl Iterator<Item = &Listpack> {
        self.nodes.iter()
    }

    /// Appends a whole node (RDB loading: quicklistAppendListpack). Empty
    /// listpacks are skipped, as Redis does.
    pub fn append_node(&mut self, lp: Listpack) {
        let n = lp.len();
        if n > 0 {
            self.len += n;
            self.nodes.push_back(lp);
        }
    }

    /// Heap bytes owned (MEMORY USAGE).
    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<List>()
            + self.nodes.capacity() * std::mem::size_of::<Listpack>()
            + self.nodes.iter().map(|n| n.alloc_size()).sum::<usize>()
    }

    /// Pushes `ele` at `end` (quicklistPushHead / quicklistPushTail).
    pub fn push(&mut self, end: End, ele: &[u8]) {
        let fill = self.fill;
        if self.nodes.capacity() == 0 {
            // Most lists are one node: VecDeque would start with room for four.
            self.nodes.reserve_exact(1);
        }
        match end {
            End::Head => match self.nodes.front_mut() {
                Some(n) if allow_insert(n, fill, ele.len()) => n.prepend(ele),
                _ => {
                    let mut n = Listpack::new();
                    n.append(ele);
                    self.nodes.push_front(n);
                }
            },
            End::Tail => match self.nodes.back_mut() {
                Some(n) if allow_insert(n, fill, ele.len()) => n.append(ele),
                _ => {
                    let mut n = Listpack::new();
                    n.append(ele);
                    self.nodes.push_back(n);
                }
            },
        }
        self.len += 1;
    }

    /// Pops the element at `end`.
    pub fn pop(&mut self, end: End) -> Option<Vec<u8>> {
        let node = match end {
            End::Head => self.nodes.front_mut()?,
            End::Tail => self.nodes.back_mut()?,
        };
        let p = match end {
            End::Head => node.first(),
            End::Tail => node.last(),
        }
        .expect("quicklist: empty node");
        let v = node.get(p).to_vec();
        node.delete(p);
        if node.is_empty() {
            match end {
                End::Head => self.nodes.pop_front(),
                End::Tail => self.nodes.pop_back(),
            };
        }
        self.len -= 1;
        Some(v)
    }

    /// Resolves a (possibly negative) index to a position from the head.
    #[inline]
    pub fn resolve(&self, index: i64) -> Option<usize> {
        let len = self.len as i64;
        let i = if index < 0 { len + index } else { index };
        if i < 0 || i >= len {
            None
        } else {
            Some(i as usize)
        }
    }

    /// (node, element offset in node) of element `i`, walking node
    /// headers from the nearer end.
    fn locate(&self, i: usize) -> (usize, usize) {
        debug_assert!(i < self.len);
        if i < self.len / 2 {
            let mut acc = 0;
            for (ni, n) in self.nodes.iter().enumerate() {
                let c = n.len();
                if i < acc + c {
                    return (ni, i - acc);
                }
                acc += c;
            }
        } else {
            let mut acc = self.len;
            for (ni, n) in self.nodes.iter().enumerate().rev() {
                let c = n.len();
                acc -= c;
                if i >= acc {
                    return (ni, i - acc);
                }
            }
        }
        unreachable!("quicklist: index within length")
    }

    /// The element at `index`, negative counting from the tail (LINDEX).
    pub fn get(&self, index: i64) -> Option<LpValue<'_>> {
        let i = self.resolve(index)?;
        let (ni, off) = self.locate(i);
        let n = &self.nodes[ni];
        Some(n.get(n.seek(off as i64)?))
    }

    /// Replaces the element at `index` (LSET). False when out of range.
    pub fn set(&mut self, index: i64, ele: &[u8]) -> bool {
        let Some(i) = self.resolve(index) else { return false };
        let (ni, off) = self.locate(i);
        let n = &mut self.nodes[ni];
        let p = n.seek(off as i64).expect("quicklist: offset within node");
        n.replace(p, ele);
        true
    }

    /// Iterates from element `start` towards the tail.
    pub fn iter_from(&self, start: usize) -> Iter<'_> {
        if start >= self.len {
            return Iter { list: self, node: self.nodes.len(), pos: None, forward: true };
        }
        let (ni, off) = self.locate(start);
        let pos = self.nodes[ni].seek(off as i64);
        Iter { list: self, node: ni, pos, forward: true }
    }

    /// Iterates from element `start` (an index from the head) towards the head.
    pub fn iter_rev_from(&self, start: usize) -> Iter<'_> {
        if start >= self.len {
            return Iter { list: self, node: 0, pos: None, forward: false };
        }
        let (ni, off) = self.locate(start);
        let pos = self.nodes[ni].seek(off as i64);
        Iter { list: self, node: ni, pos, forward: false }
    }

    pub fn iter(&self) -> Iter<'_> {
        self.iter_from(0)
    }

    /// Inserts `ele` before or after element `i` (LINSERT; _quicklistInsert).
    pub fn insert_at(&mut self, i: usize, after: bool, ele: &[u8]) {
        let fill = self.fill;
        let sz = ele.len();
        let (ni, off) = self.locate(i);
        let count = self.nodes[ni].len();
        let full = !allow_insert(&self.nodes[ni], fill, sz);
        let at_tail = after && off == count - 1;
        let at_head = !after && off == 0;
        let avail_next = at_tail && ni + 1 < self.nodes.len() && allow_insert(&self.nodes[ni + 1], fill, sz);
        let avail_prev = at_head && ni > 0 && allow_insert(&self.nodes[ni - 1], fill, sz);
        self.len += 1;
        if !full {
            let n = &mut self.nodes[ni];
            let p = n.seek(off as i64).unwrap();
            if after {
                n.insert_after(p, ele);
            } else {
                n.insert_before(Some(p), ele);
            }
        } else if at_tail && avail_next {
            self.nodes[ni + 1].prepend(ele);
        } else if at_head && avail_prev {
            self.nodes[ni - 1].append(ele);
        } else if at_tail || at_head {
            let mut n = Listpack::new();
            n.append(ele);
            self.nodes.insert(if after { ni + 1 } else { ni }, n);
        } else {
            // Split the full node around the pivot, put the element in the
            // new half, then merge what can be merged.
            let node = &mut self.nodes[ni];
            let center;
            if after {
                let p = node.seek(off as i64 + 1).unwrap();
                let mut tail = node.split_off(p);
                tail.prepend(ele);
                self.nodes.insert(ni + 1, tail);
                center = ni;
            } else {
                let p = node.seek(off as i64).unwrap();
                let mut head = std::mem::take(node);
                let rest = head.split_off(p);
                *node = rest;
                head.append(ele);
                self.nodes.insert(ni, head);
                center = ni + 1;
            }
            self.merge_around(center);
        }
    }

    /// _quicklistMergeNodes around node `center`.
    fn merge_around(&mut self, mut center: usize) {
        let fill = self.fill;
        // prev_prev + prev
        if center >= 2 && allow_merge(&self.nodes[center - 1], &self.nodes[center - 2], fill) {
            self.merge_pair(center - 2);
            center -= 1;
        }
        // next + next_next
        if center + 2 < self.nodes.len() && allow_merge(&self.nodes[center + 1], &self.nodes[center + 2], fill) {
            self.merge_pair(center + 1);
        }
        // prev + center
        let target = if center >= 1 && allow_merge(&self.nodes[center], &self.nodes[center - 1], fill) {
            self.merge_pair(center - 1);
            center - 1
        } else {
            center
        };
        if target + 1 < self.nodes.len() && allow_merge(&self.nodes[target], &self.nodes[target + 1], fill) {
            self.merge_pair(target);
        }
    }

    /// Merges node `i + 1` into node `i`.
    fn merge_pair(&mut self, i: usize) {
        let b = self.nodes.remove(i + 1).unwrap();
        self.nodes[i].merge(&b);
    }

    /// Deletes `count` elements starting at element `start` (quicklistDelRange).
    pub fn delete_range(&mut self, start: usize, count: usize) {
        if count == 0 || start >= self.len {
            return;
        }
        let mut left = count.min(self.len - start);
        let (mut ni, mut off) = self.locate(start);
        self.len -= left;
        while left > 0 {
            let n = self.nodes[ni].len();
            let take = left.min(n - off);
            if off == 0 && take == n {
                self.nodes.remove(ni);
            } else {
                let node = &mut self.nodes[ni];
                let p = node.seek(off as i64).unwrap();
                node.delete_range_at(p, take);
                ni += 1;
            }
            left -= take;
            off = 0;
        }
    }

    /// Removes elements equal to `ele`: up to `count` from the head when
    /// positive, up to -`count` from the tail when negative, all when zero
    /// (LREM). Returns how many were removed.
    pub fn remove_matching(&mut self, ele: &[u8], count: i64) -> usize {
        let ele_int = as_int(ele);
        let limit = if count == 0 { usize::MAX } else { count.unsigned_abs() as usize };
        let mut removed = 0;
        let order: Vec<usize> = if count >= 0 { (0..self.nodes.len()).collect() } else { (0..self.nodes.len()).rev().collect() };
        for ni in order {
            if removed >= limit {
                break;
            }
            let node = &mut self.nodes[ni];
            if count >= 0 {
                let mut p = node.first();
                while let Some(q) = p {
                    if removed < limit && node.get(q).eq_bytes(ele, ele_int) {
                        p = node.delete(q);
                        removed += 1;
                    } else {
                        p = node.next(q);
                    }
                }
            } else {
                let mut p = node.last();
                while let Some(q) = p {
                    if removed < limit && node.get(q).eq_bytes(ele, ele_int) {
                        node.delete(q);
                        removed += 1;
                    }
                    p = node.prev(q);
                }
            }
        }
        if removed > 0 {
            self.nodes.retain(|n| !n.is_empty());
            self.len -= removed;
        }
        removed
    }
}

/// A cursor over a list's elements in one direction.
pub struct Iter<'a> {
    list: &'a List,
    node: usize,
    pos: Option<usize>,
    forward: bool,
}

impl<'a> Iterator for Iter<'a> {
    type Item = LpValue<'a>;
    #[inline]
    fn next(&mut self) -> Option<LpValue<'a>> {
        let nodes = &self.list.nodes;
        let p = self.pos?;
        let n = &nodes[self.node];
        let v = n.get(p);
        if self.forward {
            self.pos = n.next(p);
            if self.pos.is_none() && self.node + 1 < nodes.len() {
                self.node += 1;
                self.pos = nodes[self.node].first();
            }
        } else {
            self.pos = n.prev(p);
            if self.pos.is_none() && self.node > 0 {
                self.node -= 1;
                self.pos = nodes[self.node].last();
            }
        }
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::rand::TestRng;

    fn items(l: &List) -> Vec<Vec<u8>> {
        l.iter().map(|v| v.to_vec()).collect()
    }

    fn check_invariants(l: &List) {
        let total: usize = l.nodes.iter().map(|n| n.len()).sum();
        assert_eq!(total, l.len);
        assert!(l.nodes.iter().all(|n| !n.is_empty()));
        for n in &l.nodes {
            Listpack::validate(n.bytes()).unwrap();
        }
    }

    #[test]
    fn node_fill_matches_redis_at_the_size_limit() {
        // redis-server 7.0.15, list-max-listpack-size -2: 681 ten-byte
        // elements fit one node (8179 bytes), the 682nd opens a second node.
        let mut l = List::new(-2, 0);
        for _ in 0..681 {
            l.push(End::Tail, b"aaaaaaaaaa");
        }
        assert_eq!(l.node_count(), 1);
        assert_eq!(l.nodes[0].size(), 8179);
        l.push(End::Tail, b"aaaaaaaaaa");
        assert_eq!(l.node_count(), 2);
        l.push(End::Tail, b"aaaaaaaaaa");
        assert_eq!(l.node_count(), 2);
    }

    #[test]
    fn node_fill_by_count() {
        for fill in [1i64, 2, 5, 128] {
            let mut l = List::new(fill, 0);
            for i in 0..(fill * 3) {
                l.push(End::Tail, i.to_string().as_bytes());
            }
            assert_eq!(l.node_count(), 3, "fill {}", fill);
            l.push(End::Head, b"x");
            assert_eq!(l.node_count(), 4);
            check_invariants(&l);
        }
        // Count-limited nodes still respect the 8 KB safety limit.
        let mut l = List::new(1000, 0);
        for _ in 0..10 {
            l.push(End::Tail, &[b'z'; 2000]);
        }
        assert_eq!(l.node_count(), 3);
        // Each size level.
        for (fill, bytes) in [(-1i64, 4096usize), (-3, 16384), (-4, 32768), (-5, 65536)] {
            let mut l = List::new(fill, 0);
            for _ in 0..bytes {
                l.push(End::Tail, b"aaaaaaaaaa");
            }
            assert!(l.nodes.iter().all(|n| n.size() <= bytes));
            assert!(l.nodes[0].size() + 10 + SIZE_ESTIMATE_OVERHEAD > bytes);
        }
    }

    #[test]
    fn push_pop_index_both_ends() {
        let mut l = List::new(4, 0);
        for i in 0..50 {
            l.push(End::Tail, i.to_string().as_bytes());
            l.push(End::Head, format!("h{}", i).as_bytes());
        }
        assert_eq!(l.len(), 100);
        assert_eq!(l.get(0).unwrap().to_vec(), b"h49");
        assert_eq!(l.get(-1).unwrap().to_vec(), b"49");
        assert_eq!(l.get(50).unwrap().to_vec(), b"0");
        assert_eq!(l.get(-100).unwrap().to_vec(), b"h49");
        assert!(l.get(100).is_none());
        assert!(l.get(-101).is_none());
        for i in 0..100 {
            let want = if i < 50 { format!("h{}", 49 - i) } else { format!("{}", i - 50) };
            assert_eq!(l.get(i).unwrap().to_vec(), want.as_bytes());
        }
        let back: Vec<Vec<u8>> = l.iter_rev_from(99).map(|v| v.to_vec()).collect();
        let mut fwd = items(&l);
        fwd.reverse();
        assert_eq!(back, fwd);
        assert_eq!(l.pop(End::Head).unwrap(), b"h49");
        assert_eq!(l.pop(End::Tail).unwrap(), b"49");
        while l.pop(End::Tail).is_some() {}
        assert_eq!(l.len(), 0);
        assert_eq!(l.node_count(), 0);
    }

    #[test]
    fn insert_splits_and_merges_like_a_model() {
        let mut rng = TestRng(42u64);
        let mut rnd = || rng.next();
        for fill in [-2i64, -1, 3, 8] {
            let mut l = List::new(fill, 0);
            let mut model: Vec<Vec<u8>> = Vec::new();
            for step in 0..4000 {
                let ele = if rnd() % 3 == 0 { vec![b'v'; (rnd() % 300) as usize] } else { (step as i64 - 2000).to_string().into_bytes() };
                match rnd() % 7 {
                    0 => {
                        l.push(End::Head, &ele);
                        model.insert(0, ele);
                    }
                    1 | 2 => {
                        l.push(End::Tail, &ele);
                        model.push(ele);
                    }
                    3 if !model.is_empty() => {
                        let i = (rnd() % model.len() as u64) as usize;
                        let after = rnd() % 2 == 0;
                        l.insert_at(i, after, &ele);
                        model.insert(if after { i + 1 } else { i }, ele);
                    }
                    4 if !model.is_empty() => {
                        let i = (rnd() % model.len() as u64) as usize;
                        l.set(i as i64, &ele);
                        model[i] = ele;
                    }
                    5 if !model.is_empty() => {
                        let start = (rnd() % model.len() as u64) as usize;
                        let n = (rnd() % 20) as usize;
                        l.delete_range(start, n);
                        let end = (start + n).min(model.len());
                        model.drain(start..end);
                    }
                    _ => {
                        let end = if rnd() % 2 == 0 { End::Head } else { End::Tail };
                        let got = l.pop(end);
                        let want = if model.is_empty() {
                            None
                        } else if end == End::Head {
                            Some(model.remove(0))
                        } else {
                            model.pop()
                        };
                        assert_eq!(got, want);
                    }
                }
            }
            check_invariants(&l);
            assert_eq!(items(&l), model);
        }
    }

    #[test]
    fn remove_matching_both_directions() {
        let mut l = List::new(3, 0);
        for e in ["a", "1", "b", "1", "a", "01", "1", "a"] {
            l.push(End::Tail, e.as_bytes());
        }
        assert_eq!(l.remove_matching(b"1", -2), 2);
        assert_eq!(items(&l), ["a", "1", "b", "a", "01", "a"].map(|s| s.as_bytes().to_vec()));
        assert_eq!(l.remove_matching(b"a", 1), 1);
        assert_eq!(l.remove_matching(b"a", 0), 2);
        assert_eq!(items(&l), ["1", "b", "01"].map(|s| s.as_bytes().to_vec()));
        check_invariants(&l);
    }

    #[test]
    fn memory_per_small_element_is_listpack_sized() {
        let mut l = List::default();
        for i in 0..100_000 {
            l.push(End::Tail, format!("v{}", i % 1000).as_bytes());
        }
        // "vNNN" costs 1 + 4 + 1 bytes in a listpack; nodes add a few more.
        let per = l.mem_usage() as f64 / l.len() as f64;
        assert!(per < 7.0, "{} bytes per element", per);
    }
}
