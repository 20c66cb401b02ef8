//! Start-up and process behaviour: configuration, daemonize, pidfile, the
//! log banner, binding, then the event loop; mirrors main() in server.c.

use super::reactor::Reactor;
use super::Server;
use crate::config::{Config, Supervised};

const LOGO: &str = r#"
                _._                                                  
           _.-``__ ''-._                                             
      _.-``    `.  `_.  ''-._           Redis {version} (00000000/0) 64 bit
  .-`` .-```.  ```\/    _.,_ ''-._                                  
 (    '      ,       .-`  | `,    )     Running in standalone mode
 |`-._`-...-` __...-.``-._|'` _.-'|     Port: {port}
 |    `-._   `._    /     _.-'    |     PID: {pid}
  `-._    `-._  `-./  _.-'    _.-'                                   
 |`-._`-._    `-.__.-'    _.-'_.-'|                                  
 |    `-._`-._        _.-'_.-'    |           ferrodis {fversion}
  `-._    `-._`-.__.-'_.-'    _.-'                                   
 |`-._`-._    `-.__.-'    _.-'_.-'|                                  
 |    `-._`-._        _.-'_.-'    |                                  
  `-._    `-._`-.__.-'_.-'    _.-'                                   
      `-._    `-.__.-'    _.-'                                       
          `-._        _.-'                                           
              `-.__.-'                                               

"#;

/// Runs the server with `redis-server`-style arguments; returns the exit code.
pub fn run(args: &[String]) -> i32 {
    crate::util::hash::seed_from_os();
    let mut config = match Config::from_args(args) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("{}", msg);
            return 1;
        }
    };
    let supervised = supervision(config.supervised);
    if config.daemonize && supervised == Supervised::No {
        daemonize();
    }
    if config.daemonize && config.pidfile.is_empty() {
        // As Redis: a daemon always writes a pidfile, and CONFIG GET shows it.
        config.pidfile = "/var/run/redis.pid".into();
    }
    if let Err(e) = super::log::init(config.loglevel, &config.logfile) {
        eprintln!("Can't open the log file: {}", e);
        return 1;
    }
    super::log::set_role(b'C');
    let pid = std::process::id();
    log::warn!("oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
    log::warn!("Redis version={}, bits=64, commit=00000000, modified=0, pid={}, just started", super::REDIS_VERSION, pid);
    if config.config_file.is_none() {
        log::warn!(
            "Warning: no config file specified, using the default config. In order to specify a config file use {} /path/to/redis.conf",
            std::env::args().next().unwrap_or_default()
        );
    } else {
        log::warn!("Configuration loaded");
    }
    match supervised {
        Supervised::Systemd => log::warn!("supervised by systemd. Please make sure you set appropriate values for TimeoutStartSec and TimeoutStopSec in your service unit."),
        Supervised::Upstart => log::warn!("supervised by upstart, will stop to signal readiness."),
        _ => {}
    }
    super::log::set_role(b'M');
    let show_logo = config.always_show_logo || (config.logfile.is_empty() && is_tty());
    if show_logo {
        let text = LOGO
            .replace("{version}", super::REDIS_VERSION)
            .replace("{fversion}", super::FERRODIS_VERSION)
            .replace("{port}", &config.port.to_string())
            .replace("{pid}", &pid.to_string());
        super::log::raw(&config.logfile, &text);
    } else {
        log::info!("Running mode=standalone, port={}.", config.port);
    }
    let mut srv = Server::new(config);
    let mut reactor = match Reactor::new(&srv) {
        Ok(r) => r,
        Err(_) => return 1,
    };
    if !srv.config.pidfile.is_empty() || srv.config.daemonize {
        let path = if srv.config.pidfile.is_empty() { "/var/run/redis.pid".to_string() } else { srv.config.pidfile.clone() };
        if std::fs::write(&path, format!("{}\n", pid)).is_err() {
            log::warn!("Failed to write PID file: {}", path);
        }
    }
    log::warn!("Server initialized");
    if !crate::persistence::save::load_data_from_disk_serving(&mut srv, &mut |srv| reactor.serve_while_loading(srv)) {
        return 1;
    }
    log::info!("Ready to accept connections");
    notify_ready(supervised);
    reactor.run(&mut srv);
    0
}

fn is_tty() -> bool {
    // SAFETY: isatty only inspects the descriptor.
    unsafe { libc::isatty(1) == 1 }
}

/// Detaches from the terminal as Redis does: fork, the parent exits, the
/// child starts a new session and points stdio at /dev/null.
fn daemonize() {
    // SAFETY: called before any thread is started; the parent exits at once.
    unsafe {
        match libc::fork() {
            -1 => return,
            0 => {}
            _ => libc::_exit(0),
        }
        libc::setsid();
        let fd = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR, 0);
        if fd != -1 {
            libc::dup2(fd, 0);
            libc::dup2(fd, 1);
            libc::dup2(fd, 2);
            if fd > 2 {
                libc::close(fd);
            }
        }
    }
}

/// Which supervisor to talk to (redisIsSupervised): `auto` picks upstart or
/// systemd from the environment; a mode whose environment is missing is
/// reported and ignored.
fn supervision(mode: Supervised) -> Supervised {
    let upstart = std::env::var_os("UPSTART_JOB").is_some();
    let systemd = std::env::var_os("NOTIFY_SOCKET").is_some();
    match mode {
        Supervised::Auto if upstart => Supervised::Upstart,
        Supervised::Auto if systemd => Supervised::Systemd,
        Supervised::Upstart if !upstart => {
            eprintln!("upstart supervision requested, but UPSTART_JOB not found!");
            Supervised::No
        }
        Supervised::Systemd if !systemd => {
            eprintln!("systemd supervision requested or auto-detected, but NOTIFY_SOCKET environment variable not found!");
            Supervised::No
        }
        Supervised::Auto => Supervised::No,
        m => m,
    }
}

/// Tells the supervisor the server is ready: systemd gets READY=1 on its
/// notify socket, upstart sees the process stop itself.
fn notify_ready(supervised: Supervised) {
    match supervised {
        Supervised::Systemd => {
            let Some(path) = std::env::var_os("NOTIFY_SOCKET") else { return };
            let msg = b"STATUS=Ready to accept connections\nREADY=1\n";
            let sent = if let Some(abstract_name) = path.to_str().and_then(|p| p.strip_prefix('@')) {
                use std::os::linux::net::SocketAddrExt;
                std::os::unix::net::SocketAddr::from_abstract_name(abstract_name.as_bytes())
                    .and_then(|addr| std::os::unix::net::UnixDatagram::unbound()?.send_to_addr(msg, &addr))
            } else {
                std::os::unix::net::UnixDatagram::unbound().and_then(|s| s.send_to(msg, &path))
            };
            if let Err(e) = sent {
                log::warn!("Can't send notification to systemd: {}", e);
            }
        }
        Supervised::Upstart => {
            std::env::remove_var("UPSTART_JOB");
            // SAFETY: raising SIGSTOP on ourselves is how upstart's
            // "expect stop" learns we are ready; it resumes us.
            unsafe {
                libc::raise(libc::SIGSTOP);
            }
        }
        _ => {}
    }
}
