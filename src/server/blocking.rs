//! Clients blocked on keys (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP,
//! BZPOPMIN, BZPOPMAX, BZMPOP; streams can hook in the same way); mirrors
//! blocked.c.
//!
//! The life of a blocked client:
//!
//! 1. A blocking command finds nothing to serve and calls [`block_for_keys`]:
//!    the client is queued on each key (first blocked, first served), its
//!    deadline is recorded, and `c.blocked` stops the reactor from running
//!    its further input.
//! 2. A write that may feed such a key calls [`Server::signal_key_as_ready`]
//!    (list pushes do; keyspace paths that create keys may too).
//! 3. After the top-level command completes (`process_command`, so after
//!    EXEC or a script as a whole), [`handle_clients_blocked_on_keys`] runs
//!    the blocked command again for each waiting client in FIFO order,
//!    through the ordinary `call()`. The handler now finds data, replies and
//!    rewrites what it propagates into the non-blocking form (BLPOP → LPOP,
//!    BLMOVE → LMOVE). If it would block again (the key was emptied by an
//!    earlier client), the client keeps its place and the key is done.
//! 4. Deadlines are checked in cron and before the reactor sleeps (the poll
//!    timeout includes the nearest deadline): the client gets the null array.
//! 5. CLIENT UNBLOCK ([`Server::unblock_client`]) and disconnection
//!    ([`Blocking::remove_client`]) end the wait early.

use crate::commands::{Ctx, ReplyError};
use crate::net::resp::Argv;
use crate::server::Server;
use crate::types::value::Value;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

/// What a blocked client waits for.
pub struct Blocked {
    pub client_id: u64,
    pub db: usize,
    pub keys: Vec<Vec<u8>>,
    /// Unix ms; 0 waits forever.
    pub deadline: i64,
    /// The blocking command, run again when a key becomes ready.
    pub argv: Argv,
    pub cmd_id: usize,
}

#[derive(Default)]
pub struct Blocking {
    /// Per database: key -> tokens of the clients waiting on it, in the
    /// order they blocked.
    by_key: Vec<HashMap<Vec<u8>, VecDeque<usize>>>,
    /// Client token -> its wait.
    clients: HashMap<usize, Blocked>,
    /// Keys signalled since the last serve, in signal order, deduplicated.
    ready: Vec<(usize, Vec<u8>)>,
    ready_set: HashSet<(usize, Vec<u8>)>,
    /// (deadline ms, token) of the clients that have a timeout.
    timeouts: BTreeSet<(i64, usize)>,
    /// Set by `block_for_keys` when the client re-running its command is
    /// already recorded: it keeps its place instead of queueing again.
    reprocessing: Option<usize>,
}

impl Blocking {
    /// Number of blocked clients (INFO blocked_clients).
    pub fn len(&self) -> usize {
        self.clients.len()
    }

    /// Keys of database `db` that clients are blocked on.
    pub fn keys_blocked_in(&self, db: usize) -> Vec<Vec<u8>> {
        self.by_key.get(db).map(|m| m.keys().cloned().collect()).unwrap_or_default()
    }

    /// Blocked clients that have a deadline (INFO clients_in_timeout_table).
    pub fn with_timeout(&self) -> usize {
        self.timeouts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clients.is_empty()
    }

    #[inline]
    pub fn has_ready_keys(&self) -> bool {
        !self.ready.is_empty()
    }

    /// The wait of the client at `token`, if it is blocked.
    pub fn get(&self, token: usize) -> Option<&Blocked> {
        self.clients.get(&token)
    }

    /// Tokens waiting on `key` in `db`, first to be served first.
    pub fn waiting_on(&self, db: usize, key: &[u8]) -> Vec<usize> {
        self.by_key.get(db).and_then(|m| m.get(key)).map(|q| q.iter().copied().collect()).unwrap_or_default()
    }

    /// Milliseconds until the nearest deadline (0 when one is due).
    pub fn ms_until_next_timeout(&self, now_ms: i64) -> Option<u64> {
        self.timeouts.first().map(|&(d, _)| (d - now_ms).max(0) as u64)
    }

    fn add(&mut self, token: usize, b: Blocked) {
        if self.by_key.len() <= b.db {
            self.by_key.resize_with(b.db + 1, HashMap::new);
        }
        for k in &b.keys {
            let q = self.by_key[b.db].entry(k.clone()).or_default();
            if !q.contains(&token) {
                q.push_back(token);
            }
        }
        if b.deadline > 0 {
            self.timeouts.insert((b.deadline, token));
        }
        self.clients.insert(token, b);
    }

    /// Forgets the wait of `token` (unblocked, timed out or disconnected).
    pub fn remove_client(&mut self, token: usize) -> Option<Blocked> {
        let b = self.clients.remove(&token)?;
        if let Some(m) = self.by_key.get_mut(b.db) {
            for k in &b.keys {
                if let Some(q) = m.get_mut(k.as_slice()) {
                    q.retain(|&t| t != token);
                    if q.is_empty() {
                        m.remove(k.as_slice());
                    }
                }
            }
        }
        if b.deadline > 0 {
            self.timeouts.remove(&(b.deadline, token));
        }
        Some(b)
    }

    /// Records that `key` may now serve waiting clients (signalKeyAsReady).
    #[inline]
    pub fn signal(&mut self, db: usize, key: &[u8]) {
        if self.clients.is_empty() {
            return;
        }
        let waiting = self.by_key.get(db).is_some_and(|m| m.contains_key(key));
        if waiting && self.ready_set.insert((db, key.to_vec())) {
            self.ready.push((db, key.to_vec()));
        }
    }
}

/// Blocks the calling client on `keys` until `deadline` (unix ms, 0 =
/// forever): the handler then returns without a reply. When the command is
/// being run again for a client that is still waiting, the client simply
/// stays blocked where it was.
pub fn block_for_keys(ctx: &mut Ctx, keys: Vec<Vec<u8>>, deadline: i64) {
    let token = ctx.c.token;
    ctx.c.blocked = true;
    let bl = &mut ctx.srv.blocking;
    if bl.reprocessing == Some(token) && bl.clients.contains_key(&token) {
        return;
    }
    let b = Blocked { client_id: ctx.c.id, db: ctx.c.db, keys, deadline, argv: ctx.argv.clone(), cmd_id: ctx.cmd_id };
    bl.add(token, b);
}

/// Parses a blocking timeout in seconds (getTimeoutFromObjectOrReply with
/// UNIT_SECONDS): a long double as strtold reads it, times 1000 rounded up;
/// 0 means forever. Returns the absolute deadline in unix ms, or 0.
pub fn parse_timeout(arg: &[u8], now_ms: i64) -> Result<i64, ReplyError> {
    let secs = parse_long_double(arg).ok_or_else(ReplyError::timeout_not_float)?;
    let ms = (secs * 1000.0).ceil();
    // Redis converts with a C cast: out-of-range values (and inf) become
    // LLONG_MIN on x86-64 and are reported as negative.
    if ms.is_nan() || !(0.0..9.223_372_036_854_776e18).contains(&ms) {
        return Err(ReplyError::timeout_negative());
    }
    let ms = ms as i64;
    if ms == 0 {
        return Ok(0);
    }
    Ok(ms.saturating_add(now_ms))
}

/// string2ld: strtold's syntax (decimal, hex, inf), nothing around it, no NaN.
fn parse_long_double(arg: &[u8]) -> Option<f64> {
    if arg.is_empty() || arg.len() >= 5 * 1024 || arg[0].is_ascii_whitespace() || arg.contains(&0) {
        return None;
    }
    let s = std::ffi::CString::new(arg).ok()?;
    let mut end: *mut libc::c_char = std::ptr::null_mut();
    // SAFETY: `s` is NUL-terminated and outlives the call; strtod writes
    // only `end`, a pointer into `s`.
    let v = unsafe {
        *libc::__errno_location() = 0;
        libc::strtod(s.as_ptr(), &mut end)
    };
    let errno = unsafe { *libc::__errno_location() };
    let consumed = end as usize - s.as_ptr() as usize;
    if consumed != arg.len() || v.is_nan() {
        return None;
    }
    if errno == libc::ERANGE && v == 0.0 {
        // Below a double's range but within a long double's: a tiny
        // positive (or negative) timeout, as Redis would see it.
        return Some(if arg[0] == b'-' { -f64::MIN_POSITIVE } else { f64::MIN_POSITIVE });
    }
    Some(v)
}

impl Server {
    /// Notes that `key` may serve blocked clients (signalKeyAsReady). Cheap
    /// when nobody is blocked.
    #[inline]
    pub fn signal_key_as_ready(&mut self, db: usize, key: &[u8]) {
        self.blocking.signal(db, key);
    }

    /// INFO blocked_clients.
    pub fn blocked_clients(&self) -> usize {
        self.blocking.len()
    }

    /// Ends the wait of the client at `token` and lets it run its pending input.
    fn finish_unblock(&mut self, token: usize) {
        self.blocking.remove_client(token);
        if let Some(c) = self.clients.get_mut(token) {
            c.blocked = false;
            self.pending_writes.push(token);
            self.pending_reads.push(token);
        }
    }

    /// Replies to a blocked client as if its timeout fired
    /// (replyToBlockedClientTimedOut) and unblocks it.
    fn unblock_timed_out(&mut self, token: usize) {
        let Some(b) = self.blocking.get(token) else { return };
        let cmd_id = b.cmd_id;
        if let Some(c) = self.clients.get_mut(token) {
            c.out.null_array();
        }
        self.commands.stats[cmd_id].calls += 1;
        self.stats.total_commands_processed += 1;
        self.finish_unblock(token);
    }

    /// Times out blocked clients whose deadline passed.
    pub fn handle_blocked_clients_timeout(&mut self) {
        if self.blocking.timeouts.is_empty() {
            return;
        }
        let now = super::unix_ms();
        while let Some(&(deadline, token)) = self.blocking.timeouts.first() {
            if deadline > now {
                break;
            }
            self.blocking.timeouts.pop_first();
            self.unblock_timed_out(token);
        }
    }

    /// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends the wait of the blocked
    /// client `id` as if it timed out, or with an UNBLOCKED error. False
    /// when no such client is blocked.
    pub fn unblock_client(&mut self, id: u64, error: bool) -> bool {
        let Some((&token, b)) = self.blocking.clients.iter().find(|(_, b)| b.client_id == id) else {
            return false;
        };
        if !error {
            self.unblock_timed_out(token);
            return true;
        }
        let cmd_id = b.cmd_id;
        if let Some(mut c) = self.clients.take(token) {
            let e = ReplyError::unblocked();
            crate::commands::reply_error(self, &mut c, &e);
            self.clients.put_back(c);
        }
        self.commands.stats[cmd_id].calls += 1;
        self.commands.stats[cmd_id].failed_calls += 1;
        self.stats.total_commands_processed += 1;
        self.finish_unblock(token);
        true
    }
}

/// Serves the clients blocked on keys that became ready, until no key is
/// left (serving BLMOVE pushes to its destination, which may feed others);
/// handleClientsBlockedOnKeys.
pub fn handle_clients_blocked_on_keys(srv: &mut Server) {
    while !srv.blocking.ready.is_empty() {
        let ready = std::mem::take(&mut srv.blocking.ready);
        srv.blocking.ready_set.clear();
        for (db, key) in ready {
            serve_key(srv, db, &key);
        }
    }
}

/// Serves the clients waiting on one ready key, first blocked first.
fn serve_key(srv: &mut Server, db: usize, key: &[u8]) {
    for token in srv.blocking.waiting_on(db, key) {
        let Some(b) = srv.blocking.get(token) else { continue };
        let (argv, cmd_id) = (b.argv.clone(), b.cmd_id);
        // Only a list serves list waiters, a sorted set sorted-set waiters;
        // a key overwritten with another type (or deleted) leaves them
        // waiting, as in Redis 7.0.
        let wants_zset = srv.commands.cmd(cmd_id).group == "sorted-set";
        let serves = srv.lookup_write(db, key).is_some_and(|v| match v {
            Value::List(_) => !wants_zset,
            Value::ZSet(_) => wants_zset,
            _ => false,
        });
        if !serves {
            continue;
        }
        let Some(mut c) = srv.clients.take(token) else { continue };
        c.blocked = false;
        srv.blocking.reprocessing = Some(token);
        crate::commands::call(srv, &mut c, &argv, cmd_id);
        srv.blocking.reprocessing = None;
        let still_blocked = c.blocked;
        srv.clients.put_back(c);
        if still_blocked {
            // The key ran dry before this client's turn: it keeps its place.
            return;
        }
        srv.finish_unblock(token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testing::MultiClients;

    #[test]
    fn first_blocked_first_served() {
        let mut m = MultiClients::new(4);
        m.run(0, "BLPOP q 0");
        m.run(1, "BRPOP q other 0");
        m.run(2, "BLPOP q 0");
        assert!(m.blocked(0) && m.blocked(1) && m.blocked(2));
        assert_eq!(m.srv.blocked_clients(), 3);
        assert_eq!(m.out(0), "");
        m.run(3, "RPUSH q a b");
        assert_eq!(m.out(3), ":2\r\n");
        assert_eq!(m.out(0), "*2\r\n$1\r\nq\r\n$1\r\na\r\n");
        assert_eq!(m.out(1), "*2\r\n$1\r\nq\r\n$1\r\nb\r\n");
        assert_eq!(m.out(2), "");
        assert!(m.blocked(2) && !m.blocked(0) && !m.blocked(1));
        assert_eq!(m.srv.blocked_clients(), 1);
        // The served client left every queue, including "other".
        assert!(m.srv.blocking.waiting_on(0, b"other").is_empty());
        m.run(3, "LPUSH q c");
        assert_eq!(m.out(3), ":1\r\n");
        assert_eq!(m.out(2), "*2\r\n$1\r\nq\r\n$1\r\nc\r\n");
        assert_eq!(m.srv.blocked_clients(), 0);
        m.run(3, "EXISTS q");
        assert_eq!(m.out(3), ":0\r\n");
    }

    #[test]
    fn blmove_chains_to_clients_waiting_on_the_destination() {
        let mut m = MultiClients::new(3);
        m.run(0, "BLMOVE src dst RIGHT LEFT 0");
        m.run(1, "BLPOP dst 0");
        m.run(2, "RPUSH src x");
        assert_eq!(m.out(2), ":1\r\n");
        assert_eq!(m.out(0), "$1\r\nx\r\n");
        assert_eq!(m.out(1), "*2\r\n$3\r\ndst\r\n$1\r\nx\r\n");
        m.run(2, "EXISTS src dst");
        assert_eq!(m.out(2), ":0\r\n");
    }

    #[test]
    fn wrong_type_overwrite_keeps_waiting_then_unblock() {
        let mut m = MultiClients::new(2);
        m.run(0, "BLPOP k 0");
        m.run(1, "SET k v");
        m.srv.signal_key_as_ready(0, b"k");
        m.run(1, "PING");
        assert!(m.blocked(0));
        assert_eq!(m.out(0), "");
        assert!(m.srv.unblock_client(1, true));
        assert_eq!(m.out(0), "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
        assert!(!m.srv.unblock_client(1, true));
        m.run(0, "BLPOP k2 0");
        assert!(m.srv.unblock_client(1, false));
        assert_eq!(m.out(0), "*-1\r\n");
    }

    #[test]
    fn timeouts_reply_null_array() {
        let mut m = MultiClients::new(2);
        m.run(0, "BLPOP k 0.05");
        m.run(1, "HELLO 3");
        m.out(1);
        assert!(m.blocked(0));
        let d = m.srv.blocking.ms_until_next_timeout(super::super::unix_ms()).unwrap();
        assert!(d <= 50);
        std::thread::sleep(std::time::Duration::from_millis(60));
        m.srv.handle_blocked_clients_timeout();
        assert_eq!(m.out(0), "*-1\r\n");
        assert!(!m.blocked(0));
        assert_eq!(m.srv.commands.stats[m.srv.commands.lookup(b"blpop").unwrap()].calls, 1);
    }

    #[test]
    fn deny_blocking_acts_as_timeout() {
        let mut m = MultiClients::new(1);
        m.srv.clients.get_mut(m.tokens[0]).unwrap().deny_blocking = true;
        m.run(0, "BLPOP k 0");
        assert_eq!(m.out(0), "*-1\r\n");
        m.run(0, "BLMOVE a b LEFT LEFT 0");
        assert_eq!(m.out(0), "$-1\r\n");
        m.run(0, "BLMPOP 0 1 a LEFT");
        assert_eq!(m.out(0), "*-1\r\n");
        assert!(!m.blocked(0));
    }

    #[test]
    fn timeout_parsing_like_redis() {
        let now = 1_000_000;
        assert_eq!(parse_timeout(b"0", now), Ok(0));
        assert_eq!(parse_timeout(b"-0", now), Ok(0));
        assert_eq!(parse_timeout(b"1.5", now), Ok(now + 1500));
        assert_eq!(parse_timeout(b"0x10", now), Ok(now + 16000));
        assert_eq!(parse_timeout(b"1e-9", now), Ok(now + 1));
        assert_eq!(parse_timeout(b"1e-400", now), Ok(now + 1));
        let neg = Err(ReplyError::timeout_negative());
        assert_eq!(parse_timeout(b"-1", now), neg);
        assert_eq!(parse_timeout(b"1e30", now), neg);
        assert_eq!(parse_timeout(b"inf", now), neg);
        let nf = Err(ReplyError::timeout_not_float());
        for bad in [&b"abc"[..], b"nan", b"", b" 1", b"1 "] {
            assert_eq!(parse_timeout(bad, now), nf, "{:?}", bad);
        }
    }
}
