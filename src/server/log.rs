//! Logging in Redis's format: `pid:role dd Mon yyyy hh:mm:ss.mmm <level> message`,
//! to stdout when `logfile ""`, else appended to the file; mirrors
//! serverLog in server.c. Levels: warning `#`, notice `*`, verbose `-`,
//! debug `.`.

use crate::config::LogLevel;
use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};

/// Role letter of this process: M master, S replica, C forked child.
static ROLE: AtomicU8 = AtomicU8::new(b'M');

pub fn set_role(r: u8) {
    ROLE.store(r, Ordering::Relaxed);
}

fn to_filter(level: LogLevel) -> log::LevelFilter {
    match level {
        LogLevel::Debug => log::LevelFilter::Trace,
        LogLevel::Verbose => log::LevelFilter::Debug,
        LogLevel::Notice => log::LevelFilter::Info,
        LogLevel::Warning => log::LevelFilter::Warn,
        LogLevel::Nothing => log::LevelFilter::Off,
    }
}

/// Changes the level at runtime (CONFIG SET loglevel).
pub fn set_level(level: LogLevel) {
    log::set_max_level(to_filter(level));
}

/// "24 Nov 2026 04:08:20.123" in local time.
pub fn timestamp() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let secs = now.as_secs() as libc::time_t;
    // SAFETY: localtime_r writes into the tm we own; tzset is implied.
    let tm = unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&secs, &mut tm);
        tm
    };
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!(
        "{:02} {} {} {:02}:{:02}:{:02}.{:03}",
        tm.tm_mday,
        MONTHS[tm.tm_mon.clamp(0, 11) as usize],
        tm.tm_year + 1900,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        now.subsec_millis()
    )
}

/// Installs the logger. With a log file, lines are appended to it.
pub fn init(level: LogLevel, logfile: &str) -> std::io::Result<()> {
    let mut b = env_logger::Builder::new();
    b.filter_level(to_filter(level));
    b.format(|buf, record| {
        let c = match record.level() {
            log::Level::Error | log::Level::Warn => '#',
            log::Level::Info => '*',
            log::Level::Debug => '-',
            log::Level::Trace => '.',
        };
        writeln!(buf, "{}:{} {} {} {}", std::process::id(), ROLE.load(Ordering::Relaxed) as char, timestamp(), c, record.args())
    });
    if logfile.is_empty() {
        b.target(env_logger::Target::Stdout);
    } else {
        let f = std::fs::OpenOptions::new().create(true).append(true).open(logfile)?;
        b.target(env_logger::Target::Pipe(Box::new(f)));
    }
    let _ = b.try_init();
    log::set_max_level(to_filter(level));
    Ok(())
}

/// Writes a raw line (the start-up logo) to the log destination.
pub fn raw(logfile: &str, text: &str) {
    if logfile.is_empty() {
        let mut out = std::io::stdout();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    } else if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(logfile) {
        let _ = f.write_all(text.as_bytes());
    }
}
