//! Persistence: RDB snapshots (the format in `rdb`, with `lzf` and
//! `crc64`; SAVE, BGSAVE by fork, save points and loading in `save`).
//! Mirrors rdb.c and the persistence parts of server.c. The AOF joins
//! here later.

pub mod crc64;
pub mod lzf;
pub mod rdb;
pub mod save;

/// Seconds to wait after a failed background save before save points
/// may trigger another one (CONFIG_BGSAVE_RETRY_DELAY).
pub const BGSAVE_RETRY_DELAY: i64 = 5;

/// Snapshot bookkeeping (the rdb_* and lastbgsave_* fields of
/// redisServer), read by INFO persistence and the MISCONF gate.
#[derive(Debug)]
pub struct RdbState {
    /// Pid of the BGSAVE child, when `srv.child_pid` is a snapshot child.
    pub child_pid: Option<i32>,
    /// Read end of the pipe the child reports its copy-on-write size on.
    pub child_info_fd: Option<i32>,
    /// `dirty` when the running BGSAVE forked (dirty_before_bgsave).
    pub dirty_before_bgsave: u64,
    /// Unix seconds the running BGSAVE started (rdb_save_time_start).
    pub save_time_start: Option<i64>,
    /// Duration of the last BGSAVE in seconds, -1 before the first.
    pub save_time_last: i64,
    /// Unix seconds of the last BGSAVE attempt (lastbgsave_try).
    pub lastbgsave_try: i64,
    /// Whether the last background save succeeded (lastbgsave_status).
    pub lastbgsave_ok: bool,
    /// BGSAVE SCHEDULE asked for a save once no child runs.
    pub bgsave_scheduled: bool,
    /// rdb_saves
    pub saves: u64,
    /// Bytes the last child dirtied (rdb_last_cow_size).
    pub last_cow_size: u64,
    /// rdb_last_load_keys_loaded / rdb_last_load_keys_expired.
    pub last_load: rdb::LoadStats,
}

impl Default for RdbState {
    fn default() -> Self {
        RdbState {
            child_pid: None,
            child_info_fd: None,
            dirty_before_bgsave: 0,
            save_time_start: None,
            save_time_last: -1,
            lastbgsave_try: 0,
            lastbgsave_ok: true,
            bgsave_scheduled: false,
            saves: 0,
            last_cow_size: 0,
            last_load: rdb::LoadStats::default(),
        }
    }
}

/// strerror(3) text of an I/O error, as Redis logs it ("Permission denied").
pub fn strerror(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(code) => {
            // SAFETY: strerror returns a pointer to a static (or
            // thread-local) NUL-terminated message for any code.
            let msg = unsafe { std::ffi::CStr::from_ptr(libc::strerror(code)) };
            msg.to_string_lossy().into_owned()
        }
        None => e.to_string(),
    }
}
