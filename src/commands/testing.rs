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

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.srv.config.dbfilename);
    }
}
