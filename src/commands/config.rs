//! CONFIG GET/SET/RESETSTAT/REWRITE/HELP; mirrors the command half of
//! config.c. Parsing, printing and rewriting live in `crate::config`; this
//! module adds what needs the running server: atomic multi-parameter SET
//! with rollback and the runtime effects of a change.

use super::errors::{CmdResult, ReplyError};
use super::table::{flag::*, Command};
use super::Ctx;
use crate::config::directives::{flag as cfg, Effect, Kind};
use crate::config::{lookup, Directive, Protection, SetMode, Value, DIRECTIVES};
use crate::server::Server;

const SUBCOMMANDS: &[Command] = &[
    Command::new("get", -3, get)
        .flags(ADMIN | NOSCRIPT | LOADING | STALE)
        .group("server")
        .doc(
            "2.0.0",
            "O(N) when N is the number of configuration parameters provided",
            "Returns the effective values of configuration parameters.",
        )
        .history(&[("7.0.0", "Takes several patterns.")])
        .args("parameter:(parameter)..."),
    Command::new("set", -4, set)
        .flags(ADMIN | NOSCRIPT | LOADING | STALE)
        .group("server")
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .doc("2.0.0", "O(N) when N is the number of configuration parameters provided", "Sets configuration parameters in-flight.")
        .history(&[("7.0.0", "Sets several parameters at once.")])
        .args("parameter_value:(parameter value)..."),
    Command::new("resetstat", 2, resetstat).flags(ADMIN | NOSCRIPT | LOADING | STALE).group("server").doc(
        "2.0.0",
        "O(1)",
        "Resets the server's statistics.",
    ),
    Command::new("rewrite", 2, rewrite).flags(ADMIN | NOSCRIPT | LOADING | STALE).group("server").doc(
        "2.8.0",
        "O(1)",
        "Persists the effective configuration to file.",
    ),
    Command::new("help", 2, help).flags(LOADING | STALE).group("server").doc(
        "5.0.0",
        "O(1)",
        "Returns helpful text about the different subcommands.",
    ),
];

pub const COMMANDS: &[Command] = &[Command::new("config", -2, container)
    .group("server")
    .doc("2.0.0", "Depends on subcommand.", "A container for server configuration commands.")
    .subcommands(SUBCOMMANDS)];

/// The container itself never runs: the dispatcher resolves a subcommand
/// or replies with the unknown-subcommand error.
fn container(ctx: &mut Ctx) -> CmdResult {
    Err(ReplyError::unknown_subcommand(ctx.arg(1), "config"))
}

fn has_glob(p: &[u8]) -> bool {
    p.iter().any(|b| matches!(b, b'*' | b'?' | b'['))
}

/// CONFIG GET parameter [parameter ...]: a map of every directive a name
/// or glob pattern matches (aliases included, hidden ones only by exact
/// name), each once.
pub fn get(ctx: &mut Ctx) -> CmdResult {
    let mut found: Vec<(String, &'static Directive)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for pat in ctx.args_from(2) {
        let text = String::from_utf8_lossy(pat).into_owned();
        if !has_glob(pat) {
            if seen.contains(&text.to_ascii_lowercase()) {
                continue;
            }
            if let Some(d) = lookup(&text) {
                seen.insert(text.to_ascii_lowercase());
                found.push((text, d));
            }
            continue;
        }
        for d in DIRECTIVES.iter().filter(|d| !d.has(cfg::HIDDEN)) {
            for name in std::iter::once(d.name).chain(d.alias) {
                if !seen.contains(name) && crate::util::glob::glob_match(pat, name.as_bytes(), true) {
                    seen.insert(name.to_string());
                    found.push((name.to_string(), d));
                }
            }
        }
    }
    let out = &mut ctx.c.out;
    out.map(found.len());
    for (name, d) in found {
        out.bulk(name.as_bytes());
        out.bulk(ctx.srv.config.get_string(d).as_bytes());
    }
    Ok(())
}

/// Whether protected configs / the DEBUG command may be used by this client.
fn allowed(p: Protection, c: &crate::net::client::Client) -> bool {
    match p {
        Protection::Yes => true,
        Protection::No => false,
        Protection::Local => c.is_unix || c.addr.starts_with("127.") || c.addr.starts_with("::1") || c.addr.starts_with("[::1]"),
    }
}

/// CONFIG SET parameter value [parameter value ...]: all or nothing. Every
/// name is checked first, then every value is set, then the runtime effects
/// run; any failure puts every old value back.
pub fn set(ctx: &mut Ctx) -> CmdResult {
    if !ctx.argc().is_multiple_of(2) {
        return Err(ReplyError::syntax());
    }
    let mut unknown: Option<String> = None;
    let mut failed: Option<ReplyError> = None;
    let mut targets: Vec<(&'static Directive, String, String)> = Vec::new();
    for i in (2..ctx.argc()).step_by(2) {
        let given = String::from_utf8_lossy(ctx.arg(i)).into_owned();
        let Some(d) = lookup(&given) else {
            unknown.get_or_insert(given);
            continue;
        };
        if d.has(cfg::SENSITIVE) {
            ctx.redact(i + 1);
        }
        if unknown.is_some() || failed.is_some() {
            continue;
        }
        if d.has(cfg::IMMUTABLE) || (d.has(cfg::PROTECTED) && !allowed(ctx.srv.config.enable_protected_configs, ctx.c)) {
            failed = Some(if d.has(cfg::IMMUTABLE) {
                ReplyError::config_set_immutable(&given)
            } else {
                ReplyError::config_set_protected(&given)
            });
            continue;
        }
        if targets.iter().any(|(t, _, _)| std::ptr::eq(*t, d)) {
            failed = Some(ReplyError::config_set_duplicate(&given));
            continue;
        }
        // Errors name the entry the way Redis registered it: the alias
        // when the alias was used.
        let entry = if d.alias.is_some_and(|a| a.eq_ignore_ascii_case(&given)) { d.alias.unwrap() } else { d.name };
        targets.push((d, entry.to_string(), String::from_utf8_lossy(ctx.arg(i + 1)).into_owned()));
    }
    if let Some(name) = unknown {
        return Err(ReplyError::config_set_unknown(&name));
    }
    if let Some(e) = failed {
        return Err(e);
    }

    let srv = &mut *ctx.srv;
    let old: Vec<Value> = targets.iter().map(|(d, _, _)| srv.config.value(d)).collect();
    let mut effects: Vec<(Effect, usize)> = Vec::new();
    let mut save_loaded = false;
    for (i, (d, entry, value)) in targets.iter().enumerate() {
        let mut mode = SetMode { loading: false, chdir: true, save_loaded: &mut save_loaded };
        match srv.config.set(d, &d.split_value(value), &mut mode) {
            Ok(true) => {
                if d.effect != Effect::None && !effects.iter().any(|(e, _)| *e == d.effect) {
                    effects.push((d.effect, i));
                }
            }
            Ok(false) => {}
            Err(why) => {
                restore(srv, &targets[..=i], &old);
                return Err(ReplyError::config_set_failed(entry, &why));
            }
        }
    }
    for &(effect, i) in &effects {
        if let Err(why) = apply(srv, effect) {
            log::warn!("Failed applying new configuration. Possibly related to new {} setting. Restoring previous settings.", targets[i].1);
            restore(srv, &targets, &old);
            // The old listeners are still in place: drop any new ones.
            srv.replace_tcp_listeners = None;
            for &(e, _) in &effects {
                if !matches!(e, Effect::Port | Effect::Bind) {
                    let _ = apply(srv, e);
                }
            }
            return Err(ReplyError::config_set_failed(&targets[i].1, &why));
        }
    }
    ctx.c.out.ok();
    Ok(())
}

/// Puts the old values back after a failed CONFIG SET.
fn restore(srv: &mut Server, targets: &[(&'static Directive, String, String)], old: &[Value]) {
    for ((d, _, _), v) in targets.iter().zip(old) {
        if let (Kind::Dir, Value::Str(Some(dir))) = (d.kind, v) {
            let _ = std::env::set_current_dir(dir);
        }
        srv.config.put(d, v.clone());
    }
}

/// Makes the running server follow a configuration change.
fn apply(srv: &mut Server, effect: Effect) -> Result<(), String> {
    match effect {
        Effect::None => {}
        Effect::Hz => srv.hz = srv.config.hz,
        Effect::LogLevel => crate::server::log::set_level(srv.config.loglevel),
        Effect::Notify => srv.set_notify_flags(srv.config.notify_keyspace_events),
        Effect::SlowlogMaxLen => srv.slowlog.trim(srv.config.slowlog_max_len),
        Effect::Maxclients => adjust_open_files_limit(srv.config.maxclients)?,
        // Bind the new listeners here, so a failure is the command's error;
        // the reactor swaps them in (closing the old ones) before it sleeps.
        Effect::Port | Effect::Bind => {
            let (bind, port) = (&srv.config.bind, srv.config.port);
            let new = if port == 0 { Ok(Vec::new()) } else { crate::server::reactor::bind_tcp(bind, port, srv.config.tcp_backlog) };
            match new {
                Ok(listeners) => {
                    srv.replace_tcp_listeners = Some(listeners);
                }
                Err(e) => {
                    log::warn!("Failed to listen on {:?} port {}: {}", bind, port, e);
                    return Err(if effect == Effect::Port {
                        "Unable to listen on this port. Check server logs.".into()
                    } else {
                        "Failed to bind to specified addresses.".into()
                    });
                }
            }
        }
    }
    Ok(())
}

/// Descriptors Redis keeps for itself beyond maxclients (CONFIG_MIN_RESERVED_FDS).
const RESERVED_FDS: u64 = 32;

/// Raises RLIMIT_NOFILE so that `maxclients` clients fit, as
/// adjustOpenFilesLimit does; fails with Redis's text when it cannot.
fn adjust_open_files_limit(maxclients: usize) -> Result<(), String> {
    let need = maxclients as u64 + RESERVED_FDS;
    // SAFETY: getrlimit/setrlimit only read and write the struct we own.
    unsafe {
        let mut lim: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return Ok(());
        }
        if lim.rlim_cur as u64 >= need {
            return Ok(());
        }
        let mut want = lim;
        want.rlim_cur = need as libc::rlim_t;
        if want.rlim_max < want.rlim_cur {
            want.rlim_max = want.rlim_cur;
        }
        if libc::setrlimit(libc::RLIMIT_NOFILE, &want) == 0 {
            return Ok(());
        }
        let best = (lim.rlim_max as u64).max(lim.rlim_cur as u64);
        if best > lim.rlim_cur as u64 {
            want.rlim_cur = lim.rlim_max;
            want.rlim_max = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &want);
        }
        Err(format!(
            "The operating system is not able to handle the specified number of clients, try with {}",
            best.saturating_sub(RESERVED_FDS)
        ))
    }
}

/// CONFIG RESETSTAT: zero INFO's statistics, command and error counters.
/// The slow log is kept (SLOWLOG RESET clears it).
pub fn resetstat(ctx: &mut Ctx) -> CmdResult {
    ctx.srv.stats = Default::default();
    ctx.srv.commands.reset_stats();
    ctx.c.out.ok();
    Ok(())
}

/// CONFIG REWRITE: write the running configuration back to the file the
/// server was started with.
pub fn rewrite(ctx: &mut Ctx) -> CmdResult {
    let Some(path) = ctx.srv.config.config_file.clone() else {
        return Err(ReplyError::no_config_file());
    };
    match crate::config::rewrite::rewrite_config(&ctx.srv.config, &path) {
        Ok(()) => {
            log::warn!("CONFIG REWRITE executed with success.");
            ctx.c.out.ok();
            Ok(())
        }
        Err(e) => {
            let why = crate::config::strerror(&e);
            log::warn!("CONFIG REWRITE failed: {}", why);
            Err(ReplyError::config_rewrite_failed(&why))
        }
    }
}

/// CONFIG HELP
pub fn help(ctx: &mut Ctx) -> CmdResult {
    const LINES: &[&str] = &[
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        "HELP",
        "    Prints this help.",
    ];
    ctx.c.out.array(LINES.len());
    for l in LINES {
        ctx.c.out.simple(l);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
