//! A connected client: its socket, query buffer, parser state, reply buffer
//! and the per-connection settings commands change; mirrors the client
//! struct of server.h and its life cycle in networking.c.

use super::reply::Reply;
use super::resp::{Argv, Parser};
use std::collections::HashSet;
use std::time::Instant;

/// Output buffered in the fixed reply buffer before Redis starts its reply
/// list (PROTO_REPLY_CHUNK_BYTES): CLIENT LIST `obl` counts up to this,
/// `oll`/`omem` what lies beyond.
pub const REPLY_CHUNK_BYTES: usize = 16 * 1024;

/// A transaction being queued (multiState in server.h).
#[derive(Default)]
pub struct MultiState {
    /// Queued commands: a compact copy of the argv and the command id.
    pub commands: Vec<(Argv, usize)>,
    /// Union of the queued commands' flags (EXEC under CLIENT PAUSE WRITE).
    pub cmd_flags: u32,
    /// A command was refused while queueing: EXEC aborts (CLIENT_DIRTY_EXEC).
    pub dirty_exec: bool,
    /// Bytes of the queued arguments plus a pointer per argument
    /// (CLIENT LIST multi-mem).
    pub argv_mem: usize,
    /// Number of commands EXEC is running (the queue is moved out while
    /// they run; CLIENT LIST still reports it).
    pub executing: usize,
}

/// What a client is subscribed to (the pubsub_* dicts of the client struct).
#[derive(Default)]
pub struct Subscriptions {
    pub channels: HashSet<Vec<u8>>,
    /// In subscription order: PUNSUBSCRIBE without arguments walks them so.
    pub patterns: Vec<Vec<u8>>,
    pub shard_channels: HashSet<Vec<u8>>,
}

impl Subscriptions {
    /// Channels plus patterns: the count subscribe replies carry.
    pub fn count(&self) -> usize {
        self.channels.len() + self.patterns.len()
    }

    pub fn total(&self) -> usize {
        self.count() + self.shard_channels.len()
    }
}

/// The socket of a client; fake clients (scripts, AOF loading) have none.
pub enum Conn {
    Tcp(mio::net::TcpStream),
    Unix(mio::net::UnixStream),
    None,
}

impl Conn {
    pub fn fd(&self) -> i32 {
        use std::os::fd::AsRawFd;
        match self {
            Conn::Tcp(s) => s.as_raw_fd(),
            Conn::Unix(s) => s.as_raw_fd(),
            Conn::None => -1,
        }
    }

    pub fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::io::Read;
        match self {
            Conn::Tcp(s) => s.read(buf),
            Conn::Unix(s) => s.read(buf),
            Conn::None => Ok(0),
        }
    }

    /// Reads at most `max` bytes, appending them to `buf` without zeroing
    /// its spare capacity first (a memset of the read buffer per read(2)
    /// would cost more than the parsing).
    pub fn read_append(&mut self, buf: &mut Vec<u8>, max: usize) -> std::io::Result<usize> {
        let fd = self.fd();
        if fd < 0 {
            return Ok(0);
        }
        buf.reserve(max);
        let len = buf.len();
        let room = (buf.capacity() - len).min(max.max(1));
        // SAFETY: the kernel writes at most `room` bytes into the spare
        // capacity we reserved; set_len only covers what it wrote.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().add(len) as *mut libc::c_void, room) };
        if n < 0 {
            return Err(std::io::Error::last_os_error());
        }
        unsafe { buf.set_len(len + n as usize) };
        Ok(n as usize)
    }

    pub fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use std::io::Write;
        match self {
            Conn::Tcp(s) => s.write(buf),
            Conn::Unix(s) => s.write(buf),
            Conn::None => Ok(buf.len()),
        }
    }
}

/// CLIENT REPLY modes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ReplyMode {
    On,
    Off,
    /// Skip the reply of the next command only.
    SkipNext,
    /// Currently skipping (set from SkipNext while that command runs).
    Skip,
}

pub struct Client {
    pub id: u64,
    /// Slab index / mio token.
    pub token: usize,
    pub conn: Conn,
    /// "ip:port" of the peer, "/path:0" style for unix sockets.
    pub addr: String,
    pub laddr: String,
    pub is_unix: bool,
    pub name: Option<Vec<u8>>,
    pub lib_name: Option<Vec<u8>>,
    pub lib_ver: Option<Vec<u8>>,
    /// Selected database.
    pub db: usize,
    pub authenticated: bool,
    pub user: String,

    pub qbuf: Vec<u8>,
    /// Bytes of `qbuf` already parsed.
    pub qpos: usize,
    pub parser: Parser,
    pub argv: Argv,

    pub out: Reply,
    /// Bytes of `out` already written to the socket.
    pub sent: usize,
    /// WRITABLE interest is registered (the socket was full).
    pub write_registered: bool,
    pub reply_mode: ReplyMode,

    /// Close once the pending reply is written (QUIT, protocol errors).
    pub close_after_reply: bool,
    /// Close at the next opportunity, dropping output (CLIENT KILL).
    pub close_asap: bool,
    pub monitor: bool,
    /// The parsed command in `argv` waits for CLIENT PAUSE to end.
    pub postponed: bool,
    /// Input processing stopped because of CLIENT PAUSE.
    pub pause_blocked: bool,
    pub no_evict: bool,
    pub no_touch: bool,
    /// Blocked on keys (BLPOP...): input is not processed until unblocked.
    pub blocked: bool,
    /// Blocking commands act as if they timed out at once (inside MULTI/EXEC,
    /// scripts): CLIENT_DENY_BLOCKING.
    pub deny_blocking: bool,

    /// Inside MULTI: the queued transaction.
    pub mstate: Option<Box<MultiState>>,
    /// A WATCHed key was modified: EXEC fails (CLIENT_DIRTY_CAS).
    pub dirty_cas: bool,
    /// (db, key) of each WATCHed key; the server's registry holds the rest.
    pub watched: Vec<(usize, Vec<u8>)>,
    /// Pub/Sub subscriptions; None until the first SUBSCRIBE.
    pub subs: Option<Box<Subscriptions>>,
    /// When the output buffer first went over the soft limit
    /// (obuf_soft_limit_reached_time).
    pub obuf_soft_since: Option<Instant>,

    pub created: Instant,
    pub last_interaction: Instant,
    /// Full name of the last command run ("client|list").
    pub last_cmd: &'static str,
    pub tot_net_in: u64,
    pub tot_net_out: u64,
    pub tot_cmds: u64,
}

impl Client {
    pub fn new(id: u64, token: usize, conn: Conn, addr: String, laddr: String, is_unix: bool) -> Client {
        let now = Instant::now();
        Client {
            id,
            token,
            conn,
            addr,
            laddr,
            is_unix,
            name: None,
            lib_name: None,
            lib_ver: None,
            db: 0,
            authenticated: false,
            user: "default".to_string(),
            qbuf: Vec::new(),
            qpos: 0,
            parser: Parser::default(),
            argv: Argv::new(),
            out: Reply::new(),
            sent: 0,
            write_registered: false,
            reply_mode: ReplyMode::On,
            close_after_reply: false,
            close_asap: false,
            monitor: false,
            postponed: false,
            pause_blocked: false,
            no_evict: false,
            no_touch: false,
            blocked: false,
            deny_blocking: false,
            mstate: None,
            dirty_cas: false,
            watched: Vec::new(),
            subs: None,
            obuf_soft_since: None,
            created: now,
            last_interaction: now,
            last_cmd: "NULL",
            tot_net_in: 0,
            tot_net_out: 0,
            tot_cmds: 0,
        }
    }

    /// A client with no socket, used to run commands on the server's behalf.
    pub fn fake() -> Client {
        let mut c = Client::new(u64::MAX, usize::MAX, Conn::None, String::new(), String::new(), false);
        c.authenticated = true;
        c
    }

    /// A unix-socket or loopback connection (enable-debug-command local).
    pub fn is_local(&self) -> bool {
        if self.is_unix || matches!(self.conn, Conn::None) {
            return true;
        }
        match self.addr.parse::<std::net::SocketAddr>() {
            Ok(a) => a.ip().is_loopback(),
            Err(_) => false,
        }
    }

    /// Reply bytes not yet written.
    pub fn pending_output(&self) -> usize {
        self.out.buf.len() - self.sent
    }

    /// Inside MULTI (CLIENT_MULTI).
    #[inline]
    pub fn in_multi(&self) -> bool {
        self.mstate.is_some()
    }

    /// Subscribed to anything (CLIENT_PUBSUB).
    #[inline]
    pub fn is_pubsub(&self) -> bool {
        self.subs.as_ref().is_some_and(|s| s.total() > 0)
    }

    /// Output memory beyond the fixed reply buffer, as Redis counts its
    /// reply list (getClientOutputBufferMemoryUsage): what the
    /// client-output-buffer-limit classes are checked against.
    pub fn output_memory(&self) -> usize {
        self.pending_output().saturating_sub(REPLY_CHUNK_BYTES)
    }

    /// The CLIENT LIST / CLIENT INFO line (without the trailing newline),
    /// field for field as Redis 7.0 prints it (getClientInfoString). 7.0
    /// has no lib-name/lib-ver fields (7.2 appends them after `resp`), so
    /// CLIENT SETINFO values are kept but not printed.
    pub fn info_line(&self, now: Instant) -> String {
        // Flag letters in Redis's order. Replicas (S), masters (M),
        // tracking (t/R/B) and READONLY (r) join here as those features land.
        let mut flags = String::new();
        if self.monitor {
            flags.push('O');
        }
        if self.is_pubsub() {
            flags.push('P');
        }
        if self.in_multi() {
            flags.push('x');
        }
        if self.blocked {
            flags.push('b');
        }
        if self.dirty_cas {
            flags.push('d');
        }
        if self.close_after_reply {
            flags.push('c');
        }
        if self.close_asap {
            flags.push('A');
        }
        if self.is_unix {
            flags.push('U');
        }
        if self.no_evict {
            flags.push('e');
        }
        if self.no_touch {
            flags.push('T');
        }
        if flags.is_empty() {
            flags.push('N');
        }
        let name = self.name.as_deref().map(String::from_utf8_lossy).unwrap_or_default();
        let events = if self.write_registered { "rw" } else { "r" };
        // Unix socket clients show the socket path with ":0" for both ends.
        let (addr, laddr) =
            if self.is_unix { (format!("{}:0", self.laddr), format!("{}:0", self.laddr)) } else { (self.addr.clone(), self.laddr.clone()) };
        format!(
            "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub={} psub={} ssub={} multi={} qbuf={} qbuf-free={} argv-mem={} multi-mem={} rbs={} rbp={} obl={} oll={} omem={} tot-mem={} events={} cmd={} user={} redir=-1 resp={}",
            self.id,
            addr,
            laddr,
            self.conn.fd(),
            name,
            now.duration_since(self.created).as_secs(),
            now.duration_since(self.last_interaction).as_secs(),
            flags,
            self.db,
            self.subs.as_ref().map_or(0, |s| s.channels.len()),
            self.subs.as_ref().map_or(0, |s| s.patterns.len()),
            self.subs.as_ref().map_or(0, |s| s.shard_channels.len()),
            self.mstate.as_ref().map_or(-1, |m| m.commands.len().max(m.executing) as i64),
            // Redis counts the whole query buffer, including the command
            // being run (it is trimmed after the batch is processed).
            self.qbuf.len(),
            self.qbuf.capacity() - self.qbuf.len(),
            self.argv.mem(),
            self.mstate.as_ref().map_or(0, |m| m.argv_mem),
            self.out.buf.capacity(),
            self.out.buf.len(),
            self.pending_output().min(REPLY_CHUNK_BYTES),
            self.output_memory().div_ceil(REPLY_CHUNK_BYTES),
            self.output_memory(),
            self.memory_usage(),
            events,
            self.last_cmd,
            self.user,
            self.out.resp,
        )
    }

    /// Bytes this client holds in buffers (CLIENT LIST tot-mem).
    pub fn memory_usage(&self) -> usize {
        std::mem::size_of::<Client>() + self.qbuf.capacity() + self.out.buf.capacity() + self.argv.mem()
    }
}
