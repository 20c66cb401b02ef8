//! The event loop: one mio `Poll` owning the listeners and every client
//! socket; mirrors ae.c plus the accept/read/write handlers of networking.c.
//!
//! Readiness is edge-triggered, so reads and writes loop until WouldBlock.
//! Replies are written directly before the loop sleeps; WRITABLE interest is
//! registered only while a socket could not take all of a reply.

use super::{unix_ms, Server, ShutdownRequest};
use crate::commands::ReplyError;
use crate::net::client::{Client, Conn};
use crate::net::resp::{Limits, Parsed};
use mio::net::{TcpListener, UnixListener};
use mio::{Events, Interest, Poll, Token};
use std::io::{self, ErrorKind};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::{Duration, Instant};

/// Listener tokens are below this; client tokens are slab index + offset.
const CLIENT_TOKEN_OFFSET: usize = 32;
const UNIX_LISTENER: usize = 16;
/// The read end of a BGSAVE child's info pipe: its hangup says the child
/// is exiting, so it is reaped then rather than at the next cron tick.
const CHILD_INFO: usize = 17;
/// Bytes asked for per read(2) (PROTO_IOBUF_LEN).
const READ_CHUNK: usize = 16 * 1024;
/// Reads per client per loop iteration before others get a turn.
const MAX_READS_PER_EVENT: usize = 16;
/// After a busy iteration the loop polls this many times without blocking
/// before it sleeps: under load the next requests are usually a few
/// microseconds away, and an empty epoll_wait is much cheaper than being
/// put to sleep and woken again (fewer context switches for us and for
/// the clients' side of the machine).
const SPIN_POLLS: u32 = 64;
/// Reply buffers above this capacity are released once written.
const REPLY_BUF_KEEP: usize = 64 * 1024;

static SHUTDOWN_SIGNAL: AtomicI32 = AtomicI32::new(0);
static SIGNALS_INSTALLED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_shutdown_signal(sig: libc::c_int) {
    // Only an atomic store: async-signal-safe.
    SHUTDOWN_SIGNAL.store(sig, Ordering::SeqCst);
}

fn install_signal_handlers() {
    if SIGNALS_INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    // SAFETY: the handler only stores to an atomic; SIGPIPE is ignored so
    // that writes to closed sockets return EPIPE instead of killing us.
    unsafe {
        let handler = on_shutdown_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::signal(libc::SIGTERM, handler);
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}

/// Keeps SIGTERM/SIGINT on the reactor thread, so that they interrupt its
/// epoll_wait instead of landing on a helper thread.
pub fn block_signals_in_this_thread() {
    // SAFETY: plain sigset manipulation on this thread's mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

pub struct Reactor {
    poll: Poll,
    tcp: Vec<TcpListener>,
    unix: Option<UnixListener>,
    /// The child whose info pipe is registered (CHILD_INFO).
    watched_child: Option<i32>,
}

/// Binds every address of `bind` on `port`. Addresses prefixed with '-' are
/// optional (skipped when unavailable), as in Redis.
pub fn bind_tcp(bind: &[String], port: u16, backlog: i32) -> io::Result<Vec<TcpListener>> {
    use socket2::{Domain, Protocol, Socket, Type};
    let mut out = Vec::new();
    for spec in bind {
        let (optional, addr) = match spec.strip_prefix('-') {
            Some(a) => (true, a),
            None => (false, spec.as_str()),
        };
        let ip: std::net::IpAddr = match addr {
            "*" | "0.0.0.0" => "0.0.0.0".parse().unwrap(),
            "::*" | "::" => "::".parse().unwrap(),
            a => match a.parse() {
                Ok(ip) => ip,
                Err(_) => {
                    if optional {
                        continue;
                    }
                    return Err(io::Error::new(ErrorKind::InvalidInput, format!("Invalid bind address '{}'", a)));
                }
            },
        };
        let sa = std::net::SocketAddr::new(ip, port);
        let attempt = (|| {
            let s = Socket::new(Domain::for_address(sa), Type::STREAM, Some(Protocol::TCP))?;
            s.set_reuse_address(true)?;
            if ip.is_ipv6() {
                s.set_only_v6(true)?;
            }
            s.bind(&sa.into())?;
            s.listen(backlog)?;
            s.set_nonblocking(true)?;
            Ok::<_, io::Error>(TcpListener::from_std(s.into()))
        })();
        match attempt {
            Ok(l) => out.push(l),
            Err(e) => {
                let unavailable =
                    matches!(e.raw_os_error(), Some(libc::EADDRNOTAVAIL) | Some(libc::EAFNOSUPPORT) | Some(libc::EPROTONOSUPPORT));
                if optional && unavailable {
                    continue;
                }
                log::warn!("Warning: Could not create server TCP listening socket {}:{}: {}", addr, port, e);
                return Err(e);
            }
        }
    }
    Ok(out)
}

impl Reactor {
    pub fn new(srv: &Server) -> io::Result<Reactor> {
        let poll = Poll::new()?;
        let mut tcp = Vec::new();
        if srv.config.port != 0 {
            tcp = bind_tcp(&srv.config.bind, srv.config.port, srv.config.tcp_backlog).inspect_err(|_| {
                log::warn!("Failed listening on port {} (TCP), aborting.", srv.config.port);
            })?;
        }
        for (i, l) in tcp.iter_mut().enumerate() {
            poll.registry().register(l, Token(i), Interest::READABLE)?;
        }
        let mut unix = None;
        if !srv.config.unixsocket.is_empty() {
            let path = &srv.config.unixsocket;
            let _ = std::fs::remove_file(path);
            let mut l = UnixListener::bind(path).inspect_err(|e| {
                log::warn!("Failed opening Unix socket: {}", e);
            })?;
            if srv.config.unixsocketperm != 0 {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(srv.config.unixsocketperm));
            }
            poll.registry().register(&mut l, Token(UNIX_LISTENER), Interest::READABLE)?;
            unix = Some(l);
        }
        Ok(Reactor { poll, tcp, unix, watched_child: None })
    }

    /// Runs until a shutdown completes.
    pub fn run(&mut self, srv: &mut Server) {
        install_signal_handlers();
        let mut events = Events::with_capacity(1024);
        let mut next_cron = Instant::now();
        // Non-blocking polls left before the loop may sleep (see SPIN_POLLS).
        let mut spin = 0u32;
        loop {
            let now = Instant::now();
            let mut timeout =
                if !srv.pending_reads.is_empty() || spin > 0 { Duration::ZERO } else { next_cron.saturating_duration_since(now) };
            // Wake up for the earliest blocked-client deadline too.
            if let Some(ms) = srv.blocking.ms_until_next_timeout(unix_ms()) {
                timeout = timeout.min(Duration::from_millis(ms));
            }
            self.watch_child(srv);
            if let Err(e) = self.poll.poll(&mut events, Some(timeout)) {
                if e.kind() != ErrorKind::Interrupted {
                    log::warn!("poll error: {}", e);
                }
            }
            srv.now_ms = unix_ms();
            spin = if events.is_empty() { spin.saturating_sub(1) } else { SPIN_POLLS };
            self.dispatch(srv, &events);
            if Instant::now() >= next_cron {
                srv.cron();
                next_cron = Instant::now() + Duration::from_micros(1_000_000 / srv.hz.max(1) as u64);
            }
            let sig = SHUTDOWN_SIGNAL.swap(0, Ordering::SeqCst);
            if sig != 0 {
                let name = if sig == libc::SIGINT { "SIGINT" } else { "SIGTERM" };
                log::warn!("Received {} scheduling shutdown...", name);
                if srv.shutdown.is_none() {
                    srv.shutdown = Some(ShutdownRequest::default());
                }
            }
            self.before_sleep(srv);
            if let Some(req) = srv.shutdown.take() {
                if srv.prepare_shutdown(req) {
                    self.finish_shutdown(srv);
                    return;
                }
            }
        }
    }

    /// Registers a new BGSAVE child's info pipe (closing the pipe when the
    /// child is reaped removes it from the poll by itself).
    fn watch_child(&mut self, srv: &Server) {
        if srv.rdb.child_pid == self.watched_child {
            return;
        }
        self.watched_child = srv.rdb.child_pid;
        if let Some(fd) = srv.rdb.child_info_fd {
            let _ = self.poll.registry().register(&mut mio::unix::SourceFd(&fd), Token(CHILD_INFO), Interest::READABLE);
        }
    }

    /// Accepts, reads (running commands) and writes for the ready events,
    /// then for clients that still have buffered input.
    fn dispatch(&mut self, srv: &mut Server, events: &Events) {
        for ev in events.iter() {
            let t = ev.token().0;
            if t < self.tcp.len() {
                self.accept_tcp(srv, t);
            } else if t == UNIX_LISTENER {
                self.accept_unix(srv);
            } else if t == CHILD_INFO {
                if ev.is_read_closed() {
                    srv.reap_exiting_child();
                }
            } else if t >= CLIENT_TOKEN_OFFSET {
                let idx = t - CLIENT_TOKEN_OFFSET;
                if ev.is_writable() {
                    self.write_client(srv, idx);
                }
                if ev.is_readable() || ev.is_read_closed() || ev.is_error() {
                    self.read_client(srv, idx);
                }
            }
        }
        // Clients that still had input (fairness cap, unpaused clients).
        if !srv.pending_reads.is_empty() {
            let pending = std::mem::take(&mut srv.pending_reads);
            for idx in pending {
                self.read_client(srv, idx);
            }
        }
    }

    /// One non-blocking turn of the loop while the dataset loads
    /// (processEventsWhileBlocked): clients connect and get answers,
    /// `-LOADING` for the commands that need the data.
    pub fn serve_while_loading(&mut self, srv: &mut Server) {
        let mut events = Events::with_capacity(256);
        if self.poll.poll(&mut events, Some(Duration::ZERO)).is_ok() {
            srv.now_ms = unix_ms();
            self.dispatch(srv, &events);
        }
        let writes = std::mem::take(&mut srv.pending_writes);
        for idx in writes {
            self.write_client(srv, idx);
        }
    }

    fn accept_tcp(&mut self, srv: &mut Server, li: usize) {
        loop {
            match self.tcp[li].accept() {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    if srv.config.tcp_keepalive > 0 {
                        let sock = socket2::SockRef::from(&stream);
                        let ka = socket2::TcpKeepalive::new().with_time(Duration::from_secs(srv.config.tcp_keepalive as u64));
                        let _ = sock.set_tcp_keepalive(&ka);
                    }
                    let local = stream.local_addr().map(|a| a.to_string()).unwrap_or_default();
                    let loopback = peer.ip().is_loopback();
                    self.register_client(srv, Conn::Tcp(stream), peer.to_string(), local, false, loopback);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    log::warn!("Accepting client connection: {}", e);
                    return;
                }
            }
        }
    }

    fn accept_unix(&mut self, srv: &mut Server) {
        loop {
            let Some(l) = self.unix.as_ref() else { return };
            match l.accept() {
                Ok((stream, _)) => {
                    let path = srv.config.unixsocket.clone();
                    self.register_client(srv, Conn::Unix(stream), path.clone(), path, true, true);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    log::warn!("Accepting client connection: {}", e);
                    return;
                }
            }
        }
    }

    fn register_client(&mut self, srv: &mut Server, mut conn: Conn, addr: String, laddr: String, is_unix: bool, local: bool) {
        srv.stats.total_connections_received += 1;
        if srv.clients.len() >= srv.config.maxclients {
            let _ = conn.write(&ReplyError::max_clients().resp_line());
            srv.stats.rejected_connections += 1;
            return;
        }
        if srv.config.protected_mode && srv.config.requirepass.is_none() && !local {
            let _ = conn.write(&ReplyError::protected_mode().resp_line());
            srv.stats.rejected_connections += 1;
            return;
        }
        let idx = srv.clients.vacant_index();
        let token = Token(idx + CLIENT_TOKEN_OFFSET);
        let reg = match &mut conn {
            Conn::Tcp(s) => self.poll.registry().register(s, token, Interest::READABLE),
            Conn::Unix(s) => self.poll.registry().register(s, token, Interest::READABLE),
            Conn::None => Ok(()),
        };
        if let Err(e) = reg {
            log::warn!("Error registering fd event for the new client: {}", e);
            srv.clients.release_unused(idx);
            return;
        }
        let id = srv.next_client_id;
        srv.next_client_id += 1;
        let mut c = Client::new(id, idx, conn, addr, laddr, is_unix);
        c.authenticated = srv.config.requirepass.is_none();
        log::debug!("Accepted {}", c.addr);
        srv.clients.insert(idx, Box::new(c));
    }

    /// Runs input already buffered (postponed or left by the fairness cap),
    /// then reads what the socket has, running each complete command as it
    /// is parsed.
    fn read_client(&mut self, srv: &mut Server, idx: usize) {
        let Some(mut c) = srv.clients.take(idx) else { return };
        let mut close = false;
        let mut drained = false;
        if c.qpos < c.qbuf.len() || c.postponed {
            process_input(srv, &mut c);
        }
        if !c.pause_blocked {
            for _ in 0..MAX_READS_PER_EVENT {
                if c.close_asap || c.close_after_reply {
                    drained = true;
                    break;
                }
                let (n, asked) = match read_into_client(&mut c) {
                    Ok((0, _)) => {
                        log::debug!("Client closed connection id={} addr={}", c.id, c.addr);
                        close = true;
                        break;
                    }
                    Ok(r) => r,
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        drained = true;
                        break;
                    }
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    Err(e) => {
                        log::debug!("Reading from client: {}", e);
                        close = true;
                        break;
                    }
                };
                srv.stats.total_net_input_bytes += n as u64;
                srv.stats.total_reads_processed += 1;
                c.tot_net_in += n as u64;
                c.last_interaction = Instant::now();
                if c.qbuf.len() - c.qpos + c.parser.big_arg_len() > srv.config.client_query_buffer_limit {
                    let head = &c.qbuf[c.qpos..(c.qpos + 64).min(c.qbuf.len())];
                    log::warn!(
                        "Closing client that reached max query buffer length: id={} addr={} (qbuf initial bytes: {:?})",
                        c.id,
                        c.addr,
                        String::from_utf8_lossy(head)
                    );
                    srv.stats.client_query_buffer_limit_disconnections += 1;
                    close = true;
                    break;
                }
                process_input(srv, &mut c);
                if c.pause_blocked {
                    drained = true;
                    break;
                }
                // A short read emptied the socket: the next arrival raises a
                // new edge, so skip the read(2) that would only say EAGAIN
                // (one syscall less per request at pipeline depth 1).
                if n < asked {
                    drained = true;
                    break;
                }
            }
        }
        if close {
            srv.clients.put_back(c);
            self.free_client(srv, idx);
            return;
        }
        if !drained && !c.pause_blocked {
            // Fairness cap reached before WouldBlock: continue next iteration.
            srv.pending_reads.push(idx);
        }
        if c.pending_output() > 0 || c.close_after_reply {
            srv.pending_writes.push(idx);
        }
        // A client whose own replies pile up (a big pipeline it does not
        // read) is held to its class's client-output-buffer-limit too.
        let big_output = c.pending_output() > crate::net::client::REPLY_CHUNK_BYTES;
        srv.clients.put_back(c);
        if big_output {
            srv.check_output_limits(idx);
        }
    }

    fn write_client(&mut self, srv: &mut Server, idx: usize) {
        let Some(c) = srv.clients.get_mut(idx) else { return };
        match write_pending(c) {
            Ok(n) => {
                srv.stats.total_net_output_bytes += n as u64;
                srv.stats.total_writes_processed += 1;
            }
            Err(_) => {
                self.free_client(srv, idx);
                return;
            }
        }
        let c = srv.clients.get_mut(idx).unwrap();
        let pending = c.pending_output() > 0;
        if pending != c.write_registered {
            let token = Token(idx + CLIENT_TOKEN_OFFSET);
            let interest = if pending { Interest::READABLE | Interest::WRITABLE } else { Interest::READABLE };
            let _ = match &mut c.conn {
                Conn::Tcp(s) => self.poll.registry().reregister(s, token, interest),
                Conn::Unix(s) => self.poll.registry().reregister(s, token, interest),
                Conn::None => Ok(()),
            };
            c.write_registered = pending;
        }
        if !pending && c.close_after_reply {
            self.free_client(srv, idx);
        }
    }

    /// Work before sleeping: write replies, close clients marked for it.
    fn before_sleep(&mut self, srv: &mut Server) {
        srv.active_expire_cycle_fast();
        if let Some(new) = srv.replace_tcp_listeners.take() {
            self.swap_tcp_listeners(new);
        }
        srv.handle_blocked_clients_timeout();
        // Writes can add more closes; closes never add writes.
        let writes = std::mem::take(&mut srv.pending_writes);
        for idx in writes {
            self.write_client(srv, idx);
        }
        let closes = std::mem::take(&mut srv.to_close);
        for idx in closes {
            if srv.clients.get(idx).is_some_and(|c| c.close_asap) {
                self.free_client(srv, idx);
            }
        }
    }

    /// Installs listeners bound by CONFIG SET port/bind (the command binds
    /// them first, so it can report failure; the old ones close here).
    fn swap_tcp_listeners(&mut self, new: Vec<TcpListener>) {
        for l in self.tcp.iter_mut() {
            let _ = self.poll.registry().deregister(l);
        }
        self.tcp = new;
        for (i, l) in self.tcp.iter_mut().enumerate() {
            if let Err(e) = self.poll.registry().register(l, Token(i), Interest::READABLE) {
                log::warn!("Failed to register listener: {}", e);
            }
        }
    }

    fn free_client(&mut self, srv: &mut Server, idx: usize) {
        let Some(mut c) = srv.clients.take(idx) else { return };
        let _ = match &mut c.conn {
            Conn::Tcp(s) => self.poll.registry().deregister(s),
            Conn::Unix(s) => self.poll.registry().deregister(s),
            Conn::None => Ok(()),
        };
        srv.monitors.retain(|&m| m != idx);
        if c.blocked {
            srv.blocking.remove_client(idx);
        }
        crate::server::watch::unwatch_all(srv, &mut c);
        crate::server::pubsub::forget_client(srv, &mut c);
        srv.clients.release(idx);
        drop(c);
    }

    fn finish_shutdown(&mut self, srv: &mut Server) {
        for i in 0..self.tcp.len() {
            let _ = self.poll.registry().deregister(&mut self.tcp[i]);
        }
        self.tcp.clear();
        if self.unix.take().is_some() {
            let _ = std::fs::remove_file(&srv.config.unixsocket);
        }
        // Flush what clients are owed (the SHUTDOWN caller gets no reply in
        // Redis; others may have pending output).
        let idxs: Vec<usize> = srv.clients.iter().map(|c| c.token).collect();
        for idx in idxs {
            if let Some(c) = srv.clients.get_mut(idx) {
                let _ = write_pending(c);
            }
        }
        if !srv.config.pidfile.is_empty() {
            let _ = std::fs::remove_file(&srv.config.pidfile);
        }
        log::warn!("{} is now ready to exit, bye bye...", "Redis");
    }
}

/// Reads once from the socket into the query buffer, or straight into a big
/// argument's buffer when one is being received.
/// Returns the bytes read and how many were asked for: a short read means
/// the socket had nothing more at that moment.
fn read_into_client(c: &mut Client) -> io::Result<(usize, usize)> {
    if let Some((big, left)) = c.parser.big_arg_room() {
        return c.conn.read_append(big, left).map(|n| (n, left));
    }
    if c.qpos == c.qbuf.len() {
        c.qbuf.clear();
        c.qpos = 0;
    }
    let room = (c.qbuf.capacity() - c.qbuf.len()).max(READ_CHUNK);
    c.conn.read_append(&mut c.qbuf, room).map(|n| (n, room))
}

/// Parses and runs every complete command in the query buffer. Stops at a
/// command postponed by CLIENT PAUSE.
pub fn process_input(srv: &mut Server, c: &mut Client) {
    c.pause_blocked = false;
    loop {
        if c.close_after_reply || c.close_asap || c.blocked {
            break;
        }
        if !c.postponed {
            let limits = Limits { max_bulk_len: srv.config.proto_max_bulk_len, authenticated: c.authenticated };
            match c.parser.parse(&c.qbuf, &mut c.qpos, &mut c.argv, limits) {
                Ok(Parsed::Command) => {}
                Ok(Parsed::Incomplete) => break,
                Err(e) => {
                    log::debug!("Protocol error ({}) from client: id={} addr={}", String::from_utf8_lossy(e.text()), c.id, c.addr);
                    crate::commands::reply_error(srv, c, &e);
                    c.close_after_reply = true;
                    break;
                }
            }
        }
        if !crate::commands::execute(srv, c) {
            // Postponed by CLIENT PAUSE: the argv is kept for later.
            c.postponed = true;
            c.pause_blocked = true;
            break;
        }
        c.postponed = false;
        // Replies piling up in a pipeline are held to the client's
        // output buffer limit as they are produced, not after the batch.
        if c.pending_output() > crate::net::client::REPLY_CHUNK_BYTES && crate::server::pubsub::output_limit_reached(&srv.config, c) {
            crate::server::pubsub::close_for_output_limit(c);
            srv.to_close.push(c.token);
            break;
        }
    }
    // Drop parsed bytes so the buffer holds only the unparsed tail.
    if c.qpos > 0 {
        if c.qpos >= c.qbuf.len() {
            c.qbuf.clear();
            if c.qbuf.capacity() > 4 * READ_CHUNK && c.parser.is_idle() {
                c.qbuf = Vec::new();
            }
        } else {
            c.qbuf.drain(..c.qpos);
        }
        c.qpos = 0;
    }
}

/// Writes as much pending output as the socket takes. Returns the bytes
/// written, or an error when the connection is gone.
pub fn write_pending(c: &mut Client) -> io::Result<usize> {
    let mut total = 0;
    while c.sent < c.out.buf.len() {
        match c.conn.write(&c.out.buf[c.sent..]) {
            Ok(0) => return Err(io::Error::new(ErrorKind::WriteZero, "write zero")),
            Ok(n) => {
                c.sent += n;
                total += n;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    c.tot_net_out += total as u64;
    if c.sent == c.out.buf.len() {
        c.out.buf.clear();
        c.sent = 0;
        if c.out.buf.capacity() > REPLY_BUF_KEEP {
            c.out.buf = Vec::with_capacity(256);
        }
    }
    Ok(total)
}

impl Server {
    /// Decides whether the shutdown can proceed now (prepareForShutdown,
    /// finishShutdown): the final snapshot must be written first. When it
    /// fails (and FORCE was not given) the server keeps running and the
    /// SHUTDOWN caller gets Redis's error.
    pub fn prepare_shutdown(&mut self, req: ShutdownRequest) -> bool {
        log::warn!("User requested shutdown...");
        if self.shutdown_save(&req) {
            return true;
        }
        log::warn!("Errors trying to shut down the server. Check the logs for more information.");
        if let Some(token) = req.client {
            let e = ReplyError::shutdown_failed();
            crate::commands::count_error_reply(self, &e);
            if let Some(c) = self.clients.get_mut(token) {
                c.out.error(e.text());
                self.pending_writes.push(token);
            }
        }
        false
    }
}
