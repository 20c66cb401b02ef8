//! Running commands without sockets, for table-driven unit tests:
//! `let mut t = TestServer::new(); assert_eq!(t.run(&["SET", "k", "v"]), b"+OK\r\n");`
//! Every command goes through the real dispatcher (`process_command`), so
//! the gates, statistics and error texts are the production ones.

use crate::config::Config;
use crate::net::client::Client;
use crate::net::resp::Argv;
use crate::server::Server;

pub struct TestServer {
    pub srv: Server,
    pub client: Client,
}

impl Default for TestServer {
    fn default() -> Self {
        Self::new()
    }
}

impl TestServer {
    /// A server with enable-debug-command yes (like scripts/oracle.py's).
    pub fn new() -> TestServer {
        let mut config = Config::default();
        config.enable_debug_command = crate::config::Protection::Yes;
        Self::with_config(config)
    }

    pub fn with_config(mut config: Config) -> TestServer {
        // Snapshots (SAVE, FLUSHALL with save points) go to a private temp
        // file, never into the working directory.
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        config.dbfilename = std::env::temp_dir().join(format!("ferrodis-unit-{}-{}.rdb", std::process::id(), n)).display().to_string();
        let srv = Server::new(config);
        let mut client = Client::fake();
        client.id = 1;
        client.authenticated = srv.config.requirepass.is_none();
        TestServer { srv, client }
    }

    /// Runs one command and returns exactly the bytes it replied.
    pub fn run<T: AsRef<[u8]>>(&mut self, argv: &[T]) -> Vec<u8> {
        self.client.argv = Argv::from_slices(argv);
        let start = self.client.out.buf.len();
        assert!(super::execute(&mut self.srv, &mut self.client), "command was postponed");
        let out = self.client.out.buf[start..].to_vec();
        self.client.out.buf.truncate(start);
        out
    }

    /// Runs a command and returns its reply as text (for readable asserts).
    pub fn text<T: AsRef<[u8]>>(&mut self, argv: &[T]) -> String {
        String::from_utf8_lossy(&self.run(argv)).into_owned()
    }

    /// Runs a command's handler directly (no gates) and returns its reply
    /// and what it asked to propagate instead of its argv (None: the argv
    /// as received).
    pub fn run_for_propagation(&mut self, cmd: &str) -> (String, Option<Vec<Vec<u8>>>) {
        let argv = crate::net::resp::split_args(cmd.as_bytes()).expect("test command quoting");
        let argv = Argv::from_slices(&argv);
        let id = self.srv.commands.lookup(argv.get(0)).expect("known command");
        let handler = self.srv.commands.cmd(id).handler;
        self.srv.now_ms = crate::server::unix_ms();
        let start = self.client.out.buf.len();
        let mut ctx =
            super::Ctx { srv: &mut self.srv, c: &mut self.client, argv: &argv, cmd_id: id, rewritten: None, redacted: Vec::new() };
        if let Err(e) = handler(&mut ctx) {
            ctx.c.out.error(e.text());
        }
        let rewritten = ctx.rewritten.take();
        let reply = String::from_utf8_lossy(&self.client.out.buf[start..]).into_owned();
        self.client.out.buf.truncate(start);
        (reply, rewritten)
    }

    /// Runs commands given as whitespace-separated lines, checking each
    /// reply: `t.check(&[("SET k v", "+OK\r\n"), ("GET k", "$1\r\nv\r\n")])`.
    pub fn check(&mut self, cases: &[(&str, &str)]) {
        for (cmd, want) in cases {
            let argv = crate::net::resp::split_args(cmd.as_bytes()).expect("test command quoting");
            let got = self.text(&argv);
            assert_eq!(got, *want, "command: {}", cmd);
        }
    }
}

/// Several in-process clients sharing one server, each in the client slab
/// like a connected client, for tests where clients affect each other
/// (WATCH, PUBLISH, blocking): `m.run(0, "WATCH k"); m.run(1, "SET k v");`
pub struct MultiClients {
    pub srv: Server,
    pub tokens: Vec<usize>,
}

impl MultiClients {
    pub fn new(n: usize) -> MultiClients {
        let mut config = Config::default();
        config.enable_debug_command = crate::config::Protection::Yes;
        // No snapshots from unit tests (FLUSHALL saves when save points exist).
        config.save_points.clear();
        let mut srv = Server::new(config);
        let mut tokens = Vec::new();
        for i in 0..n {
            let idx = srv.clients.vacant_index();
            let mut c = Client::fake();
            c.id = i as u64 + 1;
            c.token = idx;
            srv.clients.insert(idx, Box::new(c));
            tokens.push(idx);
        }
        MultiClients { srv, tokens }
    }

    /// Runs one command (redis.conf quoting) as client `who`.
    pub fn run(&mut self, who: usize, cmd: &str) {
        let t = self.tokens[who];
        let mut c = self.srv.clients.take(t).expect("client in the slab");
        let argv = crate::net::resp::split_args(cmd.as_bytes()).expect("test command quoting");
        c.argv = Argv::from_slices(&argv);
        assert!(super::execute(&mut self.srv, &mut c), "command was postponed");
        self.srv.clients.put_back(c);
    }

    /// Everything client `who` has received since the last call.
    pub fn out(&mut self, who: usize) -> String {
        let c = self.srv.clients.get_mut(self.tokens[who]).expect("client in the slab");
        let s = String::from_utf8_lossy(&c.out.buf).into_owned();
        c.out.buf.clear();
        c.sent = 0;
        s
    }

    /// Is client `who` blocked (BLPOP, BZPOPMIN...)?
    pub fn blocked(&self, who: usize) -> bool {
        self.srv.clients.get(self.tokens[who]).expect("client in the slab").blocked
    }

    /// Runs a command as `who` and returns what `who` received.
    pub fn call(&mut self, who: usize, cmd: &str) -> String {
        self.run(who, cmd);
        self.out(who)
    }

    /// Runs (client, command, expected reply to that client) lines.
    pub fn check(&mut self, cases: &[(usize, &str, &str)]) {
        for (who, cmd, want) in cases {
            assert_eq!(self.call(*who, cmd), *want, "client {} command: {}", who, cmd);
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.srv.config.dbfilename);
    }
}
