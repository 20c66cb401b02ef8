//! Writing and reading `dir/dbfilename`: SAVE (rdbSave), BGSAVE by fork
//! (rdbSaveBackground and the child's side), reaping the child in cron
//! (checkChildrenDone, backgroundSaveDoneHandler), save points, the final
//! snapshot at shutdown, FLUSHALL's snapshot, and loading at start-up and
//! for DEBUG RELOAD (rdbLoad, loadDataFromDisk). Mirrors rdb.c and the
//! persistence parts of server.c.
//!
//! The child of a BGSAVE shares nothing with the parent but the
//! copy-on-write image of memory: it serialises the databases it sees,
//! fsyncs, renames, reports its copy-on-write size on a pipe and leaves
//! with `_exit`, never touching the reactor, other threads or the log
//! file's buffers beyond whole lines. While it runs the parent refrains
//! from resizing hash tables, so that the pages stay shared.

use super::rdb::{self, LoadConfig, LoadError, LoadErrorKind, LoadStats, SnapshotInfo};
use super::{strerror, BGSAVE_RETRY_DELAY};
use crate::db::Db;
use crate::server::{unix_ms, Server, ShutdownRequest};
use std::fs::File;
use std::io;
use std::time::Instant;

/// The server's working directory, for log messages (Redis's getcwd).
fn cwd() -> String {
    std::env::current_dir().map(|p| p.display().to_string()).unwrap_or_else(|_| "unknown".into())
}

/// Bytes between two fsyncs while a snapshot is written, with
/// rdb-save-incremental-fsync (REDIS_AUTOSYNC_BYTES): the kernel never
/// holds gigabytes of dirty pages that one final fsync would stall on.
const AUTOSYNC_BYTES: u64 = 4 * 1024 * 1024;

/// A file that fsyncs every AUTOSYNC_BYTES written (rioSetAutoSync).
struct AutoSync {
    f: File,
    every: Option<u64>,
    pending: u64,
}

impl io::Write for AutoSync {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.f.write(buf)?;
        if let Some(every) = self.every {
            self.pending += n as u64;
            if self.pending >= every {
                self.f.sync_data()?;
                self.pending = 0;
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.f.flush()
    }
}

/// Writes `dbs` to `filename` the way rdbSave does: into `temp-<pid>.rdb`,
/// fsync, rename over the target, fsync the directory. Logs failures in
/// Redis's words and leaves no temp file behind.
pub fn save_dbs_to_file(dbs: &[Db], info: &SnapshotInfo, filename: &str) -> Result<u64, SaveFailed> {
    // Beside the target (Redis: in the working directory, which is where
    // a dbfilename, always a base name, lives).
    let tmp = temp_file_for(filename, std::process::id() as i32);
    let f = match File::create(&tmp) {
        Ok(f) => f,
        Err(e) => {
            log::warn!("Failed opening the temp RDB file {} (in server root dir {}) for saving: {}", tmp, cwd(), strerror(&e));
            return Err(SaveFailed);
        }
    };
    let mut f = AutoSync { f, every: info.incremental_fsync.then_some(AUTOSYNC_BYTES), pending: 0 };
    let written = rdb::write_snapshot(&mut f, dbs, info)
        .map_err(|e| ("rdbSaveRio", e))
        .and_then(|n| f.f.sync_all().map(|_| n).map_err(|e| ("fsync", e)));
    let written = match written {
        Ok(n) => n,
        Err((op, e)) => {
            log::warn!("Write error saving DB on disk({}): {}", op, strerror(&e));
            drop(f);
            let _ = std::fs::remove_file(&tmp);
            return Err(SaveFailed);
        }
    };
    drop(f);
    if let Err(e) = std::fs::rename(&tmp, filename) {
        log::warn!(
            "Error moving temp DB file {} on the final destination {} (in server root dir {}): {}",
            tmp,
            filename,
            cwd(),
            strerror(&e)
        );
        let _ = std::fs::remove_file(&tmp);
        return Err(SaveFailed);
    }
    // Make the rename durable (fsyncFileDir).
    let dir = std::path::Path::new(filename).parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    log::info!("DB saved on disk");
    Ok(written)
}

/// A save that did not happen; why has been logged (Redis's C_ERR).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaveFailed;

/// `temp-<pid>.rdb` in the directory of `filename`.
fn temp_file_for(filename: &str, pid: i32) -> String {
    let name = format!("temp-{}.rdb", pid);
    match std::path::Path::new(filename).parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) => dir.join(name).display().to_string(),
        None => name,
    }
}

/// Private_Dirty of this process in bytes (zmalloc_get_private_dirty):
/// in a forked child, the pages copy-on-write had to duplicate.
fn private_dirty_bytes() -> u64 {
    let text = std::fs::read_to_string("/proc/self/smaps_rollup").unwrap_or_default();
    text.lines().filter(|l| l.starts_with("Private_Dirty:")).filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok()).sum::<u64>()
        * 1024
}

/// What the reaped child reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ChildExit {
    Code(i32),
    Signal(i32),
}

impl Server {
    fn snapshot_info(&self) -> SnapshotInfo {
        SnapshotInfo {
            ctime: unix_ms() / 1000,
            used_mem: crate::alloc::used_memory(),
            compress: self.config.rdbcompression,
            checksum: self.config.rdbchecksum,
            incremental_fsync: self.config.rdb_save_incremental_fsync,
        }
    }

    /// rdbSave: a synchronous snapshot. On success `dirty` restarts at 0
    /// and LASTSAVE moves.
    pub fn rdb_save(&mut self) -> Result<(), SaveFailed> {
        let info = self.snapshot_info();
        save_dbs_to_file(&self.dbs, &info, &self.config.dbfilename)?;
        self.dirty = 0;
        self.lastsave = unix_ms() / 1000;
        self.rdb.lastbgsave_ok = true;
        Ok(())
    }

    /// rdbSaveBackground: forks a child that writes the snapshot. Err when
    /// a child already runs or fork failed (logged).
    pub fn rdb_save_background(&mut self) -> Result<i32, SaveFailed> {
        if self.has_active_child() {
            return Err(SaveFailed);
        }
        self.rdb.saves += 1;
        self.rdb.dirty_before_bgsave = self.dirty;
        self.rdb.lastbgsave_try = unix_ms() / 1000;
        let info = self.snapshot_info();
        let mut fds = [-1i32; 2];
        // SAFETY: pipe2 writes two descriptors into the array we own.
        let piped = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } == 0;
        let start = Instant::now();
        // SAFETY: the child only serialises its copy of the databases,
        // writes a file and a pipe, and leaves with _exit: it never
        // returns into the reactor or touches other threads' state.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            self.bgsave_child(&info, if piped { fds[1] } else { -1 });
        }
        if piped {
            // SAFETY: closing our copy of the write end, which we own.
            unsafe { libc::close(fds[1]) };
        }
        if pid == -1 {
            let e = io::Error::last_os_error();
            if piped {
                // SAFETY: the read end is ours and no longer needed.
                unsafe { libc::close(fds[0]) };
            }
            self.rdb.lastbgsave_ok = false;
            log::warn!("Can't save in background: fork: {}", strerror(&e));
            return Err(SaveFailed);
        }
        self.stats.latest_fork_usec = start.elapsed().as_micros() as u64;
        self.stats.total_forks += 1;
        log::info!("Background saving started by pid {}", pid);
        self.rdb.save_time_start = Some(unix_ms() / 1000);
        self.rdb.child_pid = Some(pid);
        self.rdb.child_info_fd = piped.then_some(fds[0]);
        self.child_pid = Some(pid);
        crate::db::dict::set_resize_allowed(false);
        Ok(pid)
    }

    /// The child's whole life: write the snapshot, report, `_exit`.
    fn bgsave_child(&self, info: &SnapshotInfo, info_fd: i32) -> ! {
        // SAFETY: resetting signal dispositions in the single-threaded
        // child; SIGUSR1 (killRDBChild) and SIGTERM simply end it.
        unsafe {
            libc::signal(libc::SIGTERM, libc::SIG_DFL);
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            libc::signal(libc::SIGUSR1, libc::SIG_DFL);
        }
        crate::server::log::set_role(b'C');
        let ok = save_dbs_to_file(&self.dbs, info, &self.config.dbfilename).is_ok();
        if ok {
            let cow = private_dirty_bytes();
            let mb = cow / (1024 * 1024);
            log::info!("Fork CoW for RDB: current {} MB, peak {} MB, average {} MB", mb, mb, mb);
            if info_fd >= 0 {
                let b = cow.to_le_bytes();
                // SAFETY: writing 8 bytes from a local buffer to our pipe.
                unsafe { libc::write(info_fd, b.as_ptr() as *const libc::c_void, b.len()) };
            }
        }
        // SAFETY: _exit skips atexit handlers and destructors, which belong
        // to the parent (exitFromChild).
        unsafe { libc::_exit(if ok { 0 } else { 1 }) }
    }

    /// checkChildrenDone: reaps a finished BGSAVE child (from cron).
    pub fn check_children_done(&mut self) {
        let Some(pid) = self.rdb.child_pid else { return };
        let mut status = 0;
        // SAFETY: waitpid on our own child, without blocking.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if r == 0 {
            return;
        }
        let exit = if r == -1 {
            let e = io::Error::last_os_error();
            log::warn!("waitpid() returned an error: {}. child_type: RDB, child_pid = {}", strerror(&e), pid);
            ChildExit::Code(-1)
        } else if libc::WIFEXITED(status) {
            ChildExit::Code(libc::WEXITSTATUS(status))
        } else if libc::WIFSIGNALED(status) {
            ChildExit::Signal(libc::WTERMSIG(status))
        } else {
            return;
        };
        self.background_save_done(pid, exit);
    }

    /// The child closed its info pipe (the reactor saw the hangup), so it is
    /// exiting and becomes reapable within microseconds: a few tries, then
    /// cron's regular check takes over.
    pub fn reap_exiting_child(&mut self) {
        for _ in 0..100 {
            self.check_children_done();
            if self.rdb.child_pid.is_none() {
                return;
            }
            std::thread::yield_now();
        }
    }

    /// backgroundSaveDoneHandler: the result of a reaped child.
    fn background_save_done(&mut self, pid: i32, exit: ChildExit) {
        match exit {
            ChildExit::Code(0) => {
                log::info!("Background saving terminated with success");
                self.dirty = self.dirty.saturating_sub(self.rdb.dirty_before_bgsave);
                self.lastsave = unix_ms() / 1000;
                self.rdb.lastbgsave_ok = true;
                self.receive_child_info();
            }
            ChildExit::Code(_) => {
                log::warn!("Background saving error");
                self.rdb.lastbgsave_ok = false;
            }
            ChildExit::Signal(sig) => {
                log::warn!("Background saving terminated by signal {}", sig);
                let _ = std::fs::remove_file(temp_file_for(&self.config.dbfilename, pid));
                // SIGUSR1 is how we stop a child on purpose: not an error.
                if sig != libc::SIGUSR1 {
                    self.rdb.lastbgsave_ok = false;
                }
            }
        }
        if let Some(fd) = self.rdb.child_info_fd.take() {
            // SAFETY: the read end is ours; nothing else uses it.
            unsafe { libc::close(fd) };
        }
        let now = unix_ms() / 1000;
        self.rdb.save_time_last = self.rdb.save_time_start.take().map_or(-1, |s| now - s);
        self.rdb.child_pid = None;
        self.child_pid = None;
        crate::db::dict::set_resize_allowed(true);
    }

    /// receiveChildInfo: the child's copy-on-write size, if it sent one.
    fn receive_child_info(&mut self) {
        let Some(fd) = self.rdb.child_info_fd else { return };
        let mut b = [0u8; 8];
        // SAFETY: reading into a local buffer from our pipe; the child has
        // exited, so this cannot block.
        let n = unsafe { libc::read(fd, b.as_mut_ptr() as *mut libc::c_void, b.len()) };
        if n == 8 {
            self.rdb.last_cow_size = u64::from_le_bytes(b);
        }
    }

    /// killRDBChild: stops a running BGSAVE (SIGUSR1, which is not an
    /// error) and reaps it at once, so that no late rename can overwrite
    /// a snapshot taken after this point.
    pub fn kill_rdb_child(&mut self) {
        let Some(pid) = self.rdb.child_pid else { return };
        let mut status = 0;
        // SAFETY: signalling and reaping our own child.
        let r = unsafe {
            libc::kill(pid, libc::SIGUSR1);
            libc::waitpid(pid, &mut status, 0)
        };
        let exit =
            if r == pid && libc::WIFEXITED(status) { ChildExit::Code(libc::WEXITSTATUS(status)) } else { ChildExit::Signal(libc::SIGUSR1) };
        self.background_save_done(pid, exit);
    }

    /// The persistence part of serverCron: reap a finished child, else
    /// start a BGSAVE when a save point is reached or one was scheduled.
    pub fn persistence_cron(&mut self) {
        let now = unix_ms() / 1000;
        if self.rdb.child_pid.is_some() {
            self.check_children_done();
        } else if !self.has_active_child() {
            let retry_ok = now - self.rdb.lastbgsave_try > BGSAVE_RETRY_DELAY || self.rdb.lastbgsave_ok;
            let due = self
                .config
                .save_points
                .iter()
                .find(|sp| self.dirty as i64 >= sp.changes && now - self.lastsave > sp.seconds && retry_ok)
                .copied();
            if let Some(sp) = due {
                log::info!("{} changes in {} seconds. Saving...", sp.changes, sp.seconds);
                let _ = self.rdb_save_background();
            }
        }
        let retry_ok = now - self.rdb.lastbgsave_try > BGSAVE_RETRY_DELAY || self.rdb.lastbgsave_ok;
        if !self.has_active_child() && self.rdb.bgsave_scheduled && retry_ok && self.rdb_save_background().is_ok() {
            self.rdb.bgsave_scheduled = false;
        }
    }

    /// writeCommandsDeniedByDiskError for RDB: the last background save
    /// failed, save points exist and stop-writes-on-bgsave-error is on.
    pub fn writes_denied_by_disk_error(&self) -> bool {
        self.config.stop_writes_on_bgsave_error && !self.config.save_points.is_empty() && !self.rdb.lastbgsave_ok
    }

    /// The snapshot side of FLUSHALL (flushAllDataAndResetRDB): stop a
    /// running BGSAVE (it would resurrect the old data) and, when save
    /// points are configured, write the now empty dataset.
    pub fn flushall_reset_rdb(&mut self) {
        if self.rdb.child_pid.is_some() {
            self.kill_rdb_child();
        }
        if !self.config.save_points.is_empty() {
            let _ = self.rdb_save();
        }
    }

    /// The snapshot side of finishShutdown: kill a BGSAVE child and write
    /// a final snapshot when save points exist (unless NOSAVE) or SAVE was
    /// asked for. False when saving failed and FORCE was not given: the
    /// server then keeps running.
    pub fn shutdown_save(&mut self, req: &ShutdownRequest) -> bool {
        if self.rdb.child_pid.is_some() {
            log::warn!("There is a child saving an .rdb. Killing it!");
            self.kill_rdb_child();
        }
        if (!self.config.save_points.is_empty() && !req.nosave) || req.save {
            log::info!("Saving the final RDB snapshot before exiting.");
            if self.rdb_save().is_err() {
                if req.force {
                    log::warn!("Error trying to save the DB. Exit anyway.");
                } else {
                    log::warn!("Error trying to save the DB, can't exit.");
                    return false;
                }
            }
        }
        true
    }

    /// rdbLoad of `dbfilename` into fresh databases that replace the
    /// current ones only when the whole file loaded. Ok(None) when the
    /// file does not exist.
    pub fn rdb_load(&mut self) -> Result<Option<LoadStats>, LoadFailure> {
        self.rdb_load_mode(None)
    }

    /// Like `rdb_load`, adding the file's keys to the current data (DEBUG
    /// RELOAD NOFLUSH). A key present in both is a duplicate and fails the
    /// load, unless `merge` lets the file's value win (MERGE).
    pub fn rdb_load_noflush(&mut self, merge: bool) -> Result<Option<LoadStats>, LoadFailure> {
        self.rdb_load_mode(Some(merge))
    }

    /// Replaces the live databases with freshly loaded ones; the old data
    /// is freed on the lazyfree thread.
    fn install_loaded_dbs(&mut self, dbs: Vec<Db>) {
        for (i, fresh) in dbs.into_iter().enumerate() {
            let mut old = std::mem::replace(&mut self.dbs[i], fresh);
            if !old.is_empty() {
                self.lazyfree.free(old.take_all());
            }
        }
    }

    fn rdb_load_mode(&mut self, add: Option<bool>) -> Result<Option<LoadStats>, LoadFailure> {
        let file = match File::open(&self.config.dbfilename) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(LoadFailure::Open(e)),
        };
        let cfg = LoadConfig::from_config(&self.config, unix_ms());
        let mut dbs: Vec<Db> = (0..self.dbs.len()).map(Db::new).collect();
        let stats = rdb::load_snapshot(file, &mut dbs, &cfg).map_err(LoadFailure::Load)?;
        if let Some(merge) = add {
            if !merge {
                for (i, fresh) in dbs.iter().enumerate() {
                    if let Some((k, _)) = fresh.dict.iter().find(|(k, _)| self.dbs[i].dict.contains_key(k.as_bytes())) {
                        return Err(LoadFailure::Load(LoadError {
                            kind: LoadErrorKind::Corrupt,
                            offset: 0,
                            line: line!(),
                            reason: format!("RDB has duplicated key '{}' in DB {}", String::from_utf8_lossy(k.as_bytes()), i),
                        }));
                    }
                }
            }
            for (i, mut fresh) in dbs.into_iter().enumerate() {
                let keys: Vec<Vec<u8>> = fresh.dict.iter().map(|(k, _)| k.as_bytes().to_vec()).collect();
                for k in keys {
                    let when = fresh.expire_of(&k);
                    let (key, val) = fresh.dict.remove(&k).expect("key listed above");
                    self.dbs[i].remove(&k);
                    self.dbs[i].dict.insert_new(key, val);
                    if let Some(w) = when {
                        self.dbs[i].set_expire(&k, w);
                    }
                }
            }
        } else {
            self.install_loaded_dbs(dbs);
        }
        self.rdb.last_load = stats;
        self.stats.dump_payload_sanitizations += stats.sanitizations;
        log_loaded(&stats);
        Ok(Some(stats))
    }
}

/// The "Done loading RDB" line, as Redis prints it.
fn log_loaded(stats: &LoadStats) {
    if stats.empty_keys_skipped > 0 {
        log::info!(
            "Done loading RDB, keys loaded: {}, keys expired: {}, empty keys skipped: {}.",
            stats.keys_loaded,
            stats.keys_expired,
            stats.empty_keys_skipped
        );
    } else {
        log::info!("Done loading RDB, keys loaded: {}, keys expired: {}.", stats.keys_loaded, stats.keys_expired);
    }
}

/// Why `rdb_load` failed.
#[derive(Debug)]
pub enum LoadFailure {
    /// The file exists but could not be opened.
    Open(io::Error),
    Load(LoadError),
}

impl LoadFailure {
    /// Logs the failure the way Redis does before it exits.
    pub fn log(&self) {
        match self {
            LoadFailure::Open(e) => log::warn!("Fatal error loading the DB: {}. Exiting.", strerror(e)),
            LoadFailure::Load(e) => match e.kind {
                LoadErrorKind::Fatal => {
                    log::warn!("{}", e.reason);
                    if !e.reason.starts_with("FATAL") {
                        log::warn!("Fatal error loading the DB: Invalid argument. Exiting.");
                    }
                }
                LoadErrorKind::Eof => {
                    log::warn!("Short read or OOM loading DB. Unrecoverable error, aborting now.");
                    log::warn!("{}", e.report());
                    log::warn!("Terminating server after rdb file reading failure.");
                }
                _ => {
                    log::warn!("{}", e.report());
                    log::warn!("Terminating server after rdb file reading failure.");
                }
            },
        }
    }
}

/// loadDataFromDisk at start-up: false when the server must exit(1).
/// The start-up load, serving clients meanwhile: every 2 MB of file
/// `serve` runs the reactor once without blocking, and commands not flagged
/// `loading` get `-LOADING` (Redis's processEventsWhileBlocked). The file
/// loads into fresh databases that replace the (empty) live ones at the end.
pub fn load_data_from_disk_serving(srv: &mut Server, serve: &mut dyn FnMut(&mut Server)) -> bool {
    let start = Instant::now();
    let file = match File::open(&srv.config.dbfilename) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return true,
        Err(e) => {
            LoadFailure::Open(e).log();
            return false;
        }
    };
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let cfg = LoadConfig::from_config(&srv.config, unix_ms());
    let mut dbs: Vec<Db> = (0..srv.dbs.len()).map(Db::new).collect();
    srv.loading = Some(crate::server::Loading { start_unix: unix_ms() / 1000, started: start, total_bytes: total, loaded_bytes: 0 });
    let result = rdb::load_snapshot_progress(file, &mut dbs, &cfg, &mut |offset| {
        if let Some(l) = srv.loading.as_mut() {
            l.loaded_bytes = offset;
        }
        serve(srv);
    });
    srv.loading = None;
    match result {
        Ok(stats) => {
            srv.install_loaded_dbs(dbs);
            srv.rdb.last_load = stats;
            srv.stats.dump_payload_sanitizations += stats.sanitizations;
            log_loaded(&stats);
            log::info!("DB loaded from disk: {:.3} seconds", start.elapsed().as_secs_f64());
            true
        }
        Err(e) => {
            LoadFailure::Load(e).log();
            false
        }
    }
}

pub fn load_data_from_disk(srv: &mut Server) -> bool {
    let start = Instant::now();
    match srv.rdb_load() {
        Ok(None) => true,
        Ok(Some(_)) => {
            log::info!("DB loaded from disk: {:.3} seconds", start.elapsed().as_secs_f64());
            true
        }
        Err(f) => {
            f.log();
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, SavePoint};
    use crate::types::value::Value;

    /// A server whose dbfilename lives in a fresh temp directory.
    fn server_in_tempdir(tag: &str) -> (Server, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("ferrodis-save-{}-{}", tag, std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let c = Config { dbfilename: dir.join("dump.rdb").display().to_string(), ..Default::default() };
        (Server::new(c), dir)
    }

    #[test]
    fn save_and_load_replace_the_dataset() {
        let (mut srv, dir) = server_in_tempdir("sl");
        srv.dbs[0].add(b"a", Value::Int(1));
        srv.dbs[3].add(b"b", Value::from_bytes(b"hello"));
        srv.dbs[3].set_expire(b"b", unix_ms() + 100_000);
        srv.dirty = 5;
        srv.rdb_save().unwrap();
        assert_eq!(srv.dirty, 0);
        assert!(!dir.join(format!("temp-{}.rdb", std::process::id())).exists());
        srv.dbs[0].add(b"extra", Value::Int(2));
        let stats = srv.rdb_load().unwrap().unwrap();
        assert_eq!(stats.keys_loaded, 2);
        assert!(srv.dbs[0].dict.get(b"extra").is_none());
        assert!(srv.dbs[3].expire_of(b"b").is_some());
        // NOFLUSH without MERGE: keys in both are duplicates; nothing changes.
        srv.dbs[0].add(b"extra", Value::Int(2));
        assert!(srv.rdb_load_noflush(false).is_err());
        assert_eq!(srv.dbs[0].len(), 2);
        // MERGE keeps keys the file does not have.
        srv.rdb_load_noflush(true).unwrap();
        assert!(srv.dbs[0].dict.get(b"extra").is_some());
        assert!(srv.dbs[0].dict.get(b"a").is_some());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn bgsave_forks_and_is_reaped() {
        let (mut srv, dir) = server_in_tempdir("bg");
        for i in 0..1000 {
            srv.dbs[0].add(format!("k{}", i).as_bytes(), Value::Int(i));
        }
        srv.dirty = 1000;
        let pid = srv.rdb_save_background().unwrap();
        assert!(pid > 0 && srv.has_active_child());
        assert!(srv.rdb_save_background().is_err(), "one child at a time");
        srv.dirty += 3; // writes while the child runs
        let deadline = Instant::now() + std::time::Duration::from_secs(10);
        while srv.rdb.child_pid.is_some() {
            assert!(Instant::now() < deadline, "child never finished");
            std::thread::sleep(std::time::Duration::from_millis(5));
            srv.check_children_done();
        }
        assert!(srv.rdb.lastbgsave_ok);
        assert_eq!(srv.dirty, 3, "only the changes made after the fork remain");
        assert!(srv.rdb.save_time_last >= 0);
        let stats = srv.rdb_load().unwrap().unwrap();
        assert_eq!(stats.keys_loaded, 1000);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn failed_save_sets_misconf_only_with_save_points() {
        let (mut srv, dir) = server_in_tempdir("fail");
        srv.config.dbfilename = "/nonexistent-dir/x/dump.rdb".into();
        srv.config.stop_writes_on_bgsave_error = true;
        srv.config.save_points.clear();
        srv.rdb_save_background().unwrap();
        while srv.rdb.child_pid.is_some() {
            std::thread::sleep(std::time::Duration::from_millis(5));
            srv.check_children_done();
        }
        assert!(!srv.rdb.lastbgsave_ok);
        assert!(!srv.writes_denied_by_disk_error());
        srv.config.save_points = vec![SavePoint { seconds: 3600, changes: 1 }];
        assert!(srv.writes_denied_by_disk_error());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
