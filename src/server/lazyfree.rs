//! Freeing big values off the reactor thread (UNLINK, FLUSHALL ASYNC,
//! lazyfree-lazy-*); mirrors lazyfree.c. The thread receives owned data and
//! never sees the dataset.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::Arc;

type Garbage = Box<dyn Send>;

pub struct LazyFree {
    tx: Option<Sender<Garbage>>,
    /// Objects handed over and not yet freed (INFO lazyfree_pending_objects).
    pending: Arc<AtomicU64>,
    freed: Arc<AtomicU64>,
}

impl LazyFree {
    pub fn start() -> LazyFree {
        let (tx, rx) = channel::<Garbage>();
        let pending = Arc::new(AtomicU64::new(0));
        let freed = Arc::new(AtomicU64::new(0));
        let (p, f) = (pending.clone(), freed.clone());
        let spawned = std::thread::Builder::new().name("lazyfree".into()).spawn(move || {
            crate::server::reactor::block_signals_in_this_thread();
            for garbage in rx {
                drop(garbage);
                p.fetch_sub(1, Ordering::Relaxed);
                f.fetch_add(1, Ordering::Relaxed);
            }
        });
        LazyFree { tx: spawned.ok().map(|_| tx), pending, freed }
    }

    /// Drops `x` on the lazyfree thread (or here, if the thread is gone).
    pub fn free<T: Send + 'static>(&self, x: T) {
        if let Some(tx) = &self.tx {
            self.pending.fetch_add(1, Ordering::Relaxed);
            if let Err(e) = tx.send(Box::new(x)) {
                self.pending.fetch_sub(1, Ordering::Relaxed);
                drop(e);
            }
        }
    }

    pub fn free_value(&self, v: crate::types::value::Value) {
        self.free(v);
    }

    pub fn pending_objects(&self) -> u64 {
        self.pending.load(Ordering::Relaxed)
    }

    pub fn freed_objects(&self) -> u64 {
        self.freed.load(Ordering::Relaxed)
    }
}
