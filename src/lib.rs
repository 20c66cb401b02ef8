//! ferrodis: a Redis-compatible in-memory data store, a drop-in replacement
//! for `redis-server`.
//!
//! A tour, in the order the layers stack:
//!
//! * `server::reactor` — the event loop: one mio `Poll` thread accepts
//!   clients, reads requests, runs them, writes replies. `server::cron`
//!   runs periodic work (expiry, rehashing, timeouts) at `hz`.
//!   `server::pubsub` delivers Pub/Sub messages and enforces output buffer
//!   limits, `server::watch` keeps the WATCH registry, and
//!   `server::propagate` groups each execution unit's writes for the AOF
//!   and replicas (MULTI/EXEC wrapping).
//! * `net` — a client's connection state, the incremental RESP/inline
//!   request parser (`net::resp`) and the RESP2/RESP3 reply writer
//!   (`net::reply`).
//! * `commands` — the command table (`commands::table`): one declaration
//!   per command drives dispatch, COMMAND (with each command's argument
//!   grammar, `commands::argspec`) and ACL categories;
//!   `commands::call` owns side effects. One module per command family.
//! * `db` — a database: the incrementally rehashed dict (`db::dict`), the
//!   expires table, lazy and active expiry, keyspace side effects.
//! * `types` — value encodings, sized for memory per key.
//! * `config` — every redis.conf directive, from the file, the command line
//!   and CONFIG SET.
//! * `persistence` — RDB snapshots: the format (`persistence::rdb`), SAVE
//!   and BGSAVE by fork, save points, loading at start-up (`persistence::save`).

pub mod alloc;
pub mod commands;
pub mod config;
pub mod db;
pub mod net;
pub mod persistence;
pub mod server;
pub mod types;
pub mod util;
