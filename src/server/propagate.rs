//! Propagation of writes to the AOF and replicas, by execution unit;
//! mirrors alsoPropagate / propagatePendingCommands / propagateNow in
//! server.c.
//!
//! `Server::propagate` is called by `call()` for every write (with the
//! command's deterministic rewrite) and by the keyspace for side effects
//! such as lazy expiry. Inside a command (`nesting > 0`) the writes are
//! collected; when the outermost `call()` returns, the unit is flushed: one
//! write goes out as is, several (EXEC, a command that also expired keys,
//! a script) go out wrapped once in MULTI ... EXEC, so that a replica or an
//! AOF replay applies them atomically. Outside any command (active expiry
//! in cron) a write is flushed at once.
//!
//! `propagate_now` is the single sink: the AOF and replication attach
//! there, and declare themselves in `propagation_wanted` so that nothing
//! is copied while nobody listens.

use super::Server;

/// One propagated command: database and arguments.
pub type Op = (usize, Vec<Vec<u8>>);

#[derive(Default)]
pub struct Propagation {
    /// Writes of the current execution unit.
    pending: Vec<Op>,
    /// Depth of `call()`: the unit ends when it drops back to 0.
    pub nesting: u32,
    /// A tap on the flushed stream (tests; DEBUG-style inspection).
    pub capture: Option<Vec<Op>>,
}

impl Server {
    /// True when some consumer wants the write stream. The AOF
    /// (`appendonly`) and replication (attached replicas, backlog) add
    /// their conditions here.
    #[inline]
    pub fn propagation_wanted(&self) -> bool {
        self.propagation.capture.is_some()
    }

    /// Queues a write of the running execution unit (alsoPropagate).
    #[inline]
    pub fn propagate(&mut self, db: usize, argv: &[&[u8]]) {
        if !self.propagation_wanted() {
            return;
        }
        self.propagation.pending.push((db, argv.iter().map(|a| a.to_vec()).collect()));
        if self.propagation.nesting == 0 {
            self.flush_propagation();
        }
    }

    /// Ends an execution unit (propagatePendingCommands): several writes
    /// are wrapped in MULTI/EXEC, once.
    pub fn flush_propagation(&mut self) {
        if self.propagation.pending.is_empty() {
            return;
        }
        let ops = std::mem::take(&mut self.propagation.pending);
        let wrap = ops.len() > 1;
        let (first_db, last_db) = (ops[0].0, ops[ops.len() - 1].0);
        if wrap {
            self.propagate_now(first_db, vec![b"MULTI".to_vec()]);
        }
        for (db, argv) in ops {
            self.propagate_now(db, argv);
        }
        if wrap {
            self.propagate_now(last_db, vec![b"EXEC".to_vec()]);
        }
    }

    /// Sends one command to the AOF and the replicas (propagateNow): the
    /// attachment point of those modules.
    fn propagate_now(&mut self, db: usize, argv: Vec<Vec<u8>>) {
        if let Some(cap) = self.propagation.capture.as_mut() {
            cap.push((db, argv));
        }
    }
}
