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

    pub fn with_config(config: Config) -> TestServer {
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
        let mut ctx = super::Ctx { srv: &mut self.srv, c: &mut self.client, argv: &argv, cmd_id: id, rewritten: None, redacted: Vec::new() };
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
