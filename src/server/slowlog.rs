//! The slow log: commands slower than slowlog-log-slower-than microseconds;
//! mirrors slowlog.c.

use std::collections::VecDeque;

/// Arguments kept per entry and bytes kept per argument, as Redis.
const MAX_ARGC: usize = 32;
const MAX_ARG_LEN: usize = 128;

pub struct Entry {
    pub id: u64,
    pub time: i64,
    pub duration_us: u64,
    pub args: Vec<Vec<u8>>,
    pub peer: String,
    pub name: Vec<u8>,
}

#[derive(Default)]
pub struct Slowlog {
    pub entries: VecDeque<Entry>,
    pub next_id: u64,
}

impl Slowlog {
    pub fn push(&mut self, argv: &[&[u8]], duration_us: u64, peer: &str, name: &[u8], max_len: usize) {
        let argc = argv.len().min(MAX_ARGC);
        let mut args = Vec::with_capacity(argc);
        for (i, a) in argv.iter().take(argc).enumerate() {
            if i == MAX_ARGC - 1 && argv.len() > MAX_ARGC {
                args.push(format!("... ({} more arguments)", argv.len() - MAX_ARGC + 1).into_bytes());
            } else if a.len() > MAX_ARG_LEN {
                let mut s = a[..MAX_ARG_LEN].to_vec();
                s.extend_from_slice(format!("... ({} more bytes)", a.len() - MAX_ARG_LEN).as_bytes());
                args.push(s);
            } else {
                args.push(a.to_vec());
            }
        }
        self.entries.push_front(Entry {
            id: self.next_id,
            time: crate::server::unix_ms() / 1000,
            duration_us,
            args,
            peer: peer.to_string(),
            name: name.to_vec(),
        });
        self.next_id += 1;
        self.trim(max_len);
    }

    pub fn trim(&mut self, max_len: usize) {
        while self.entries.len() > max_len {
            self.entries.pop_back();
        }
    }
}
