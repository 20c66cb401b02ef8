//! Every fixed error text a client can receive, in one place. The texts are
//! byte-identical to Redis 7.0.15's; the first word is the error code that
//! INFO errorstats counts.

use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub struct ReplyError(pub Cow<'static, str>);

pub type CmdResult = Result<(), ReplyError>;

impl ReplyError {
    /// An "ERR ..." error with a computed text.
    pub fn err(text: impl Into<String>) -> ReplyError {
        ReplyError(Cow::Owned(format!("ERR {}", text.into())))
    }

    /// An error whose code is part of `text` ("BUSYKEY Target key name already exists.").
    pub fn coded(text: impl Into<String>) -> ReplyError {
        ReplyError(Cow::Owned(text.into()))
    }

    pub const fn fixed(text: &'static str) -> ReplyError {
        ReplyError(Cow::Borrowed(text))
    }

    pub fn text(&self) -> &str {
        &self.0
    }

    /// The error code errorstats counts: the first word.
    pub fn code(&self) -> &str {
        self.0.split(' ').next().unwrap_or("ERR")
    }

    pub fn wrong_type() -> Self {
        Self::fixed("WRONGTYPE Operation against a key holding the wrong kind of value")
    }
    pub fn not_integer() -> Self {
        Self::fixed("ERR value is not an integer or out of range")
    }
    pub fn not_float() -> Self {
        Self::fixed("ERR value is not a valid float")
    }
    pub fn syntax() -> Self {
        Self::fixed("ERR syntax error")
    }
    pub fn no_such_key() -> Self {
        Self::fixed("ERR no such key")
    }
    pub fn overflow() -> Self {
        Self::fixed("ERR increment or decrement would overflow")
    }
    pub fn nan_or_inf() -> Self {
        Self::fixed("ERR increment would produce NaN or Infinity")
    }
    pub fn db_out_of_range() -> Self {
        Self::fixed("ERR DB index is out of range")
    }
    pub fn invalid_db_index() -> Self {
        Self::fixed("ERR invalid DB index")
    }
    pub fn same_object() -> Self {
        Self::fixed("ERR source and destination objects are the same")
    }
    pub fn noauth() -> Self {
        Self::fixed("NOAUTH Authentication required.")
    }
    pub fn string_too_long() -> Self {
        Self::fixed("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
    }
    pub fn out_of_range() -> Self {
        Self::fixed("ERR value is out of range, must be positive")
    }
    pub fn timeout_not_float() -> Self {
        Self::fixed("ERR timeout is not a float or out of range")
    }
    pub fn timeout_negative() -> Self {
        Self::fixed("ERR timeout is negative")
    }
    pub fn index_out_of_range() -> Self {
        Self::fixed("ERR index out of range")
    }
    pub fn unblocked() -> Self {
        Self::fixed("UNBLOCKED client unblocked via CLIENT UNBLOCK")
    }
    pub fn wrong_arity(full_name: &str) -> Self {
        Self::err(format!("wrong number of arguments for '{}' command", full_name))
    }
    pub fn invalid_expire(cmd: &str) -> Self {
        Self::err(format!("invalid expire time in '{}' command", cmd))
    }
    pub fn unknown_subcommand(sub: &[u8], parent: &str) -> Self {
        Self::err(format!("unknown subcommand '{}'. Try {} HELP.", truncate_lossy(sub, 128), parent.to_ascii_uppercase()))
    }
    /// getIntFromObjectOrReply's range error (MOVE/COPY DB indexes).
    pub fn int_out_of_range() -> Self {
        Self::fixed("ERR value is out of range, value must between -2147483648 and 2147483647")
    }
    /// getRangeLongFromObjectOrReply's range error for a 64-bit argument.
    pub fn long_out_of_range(min: i64, max: i64) -> Self {
        Self::err(format!("value is out of range, value must between {} and {}", min, max))
    }
    pub fn numkeys_not_positive() -> Self {
        Self::fixed("ERR numkeys should be greater than 0")
    }
    pub fn numkeys_exceeds_args() -> Self {
        Self::fixed("ERR Number of keys can't be greater than number of args")
    }
    pub fn limit_negative() -> Self {
        Self::fixed("ERR LIMIT can't be negative")
    }
    pub fn invalid_cursor() -> Self {
        Self::fixed("ERR invalid cursor")
    }
    pub fn expire_nx_incompatible() -> Self {
        Self::fixed("ERR NX and XX, GT or LT options at the same time are not compatible")
    }
    pub fn expire_gt_lt_incompatible() -> Self {
        Self::fixed("ERR GT and LT options at the same time are not compatible")
    }
    /// "Unsupported option %s": the C format stops at the first NUL byte.
    pub fn unsupported_option(opt: &[u8]) -> Self {
        let end = opt.iter().position(|&b| b == 0).unwrap_or(opt.len());
        Self::err(format!("Unsupported option {}", String::from_utf8_lossy(&opt[..end])))
    }
    pub fn invalid_first_db_index() -> Self {
        Self::fixed("ERR invalid first DB index")
    }
    pub fn invalid_second_db_index() -> Self {
        Self::fixed("ERR invalid second DB index")
    }
    pub fn lfu_not_selected() -> Self {
        Self::fixed("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
    }
    pub fn lfu_selected() -> Self {
        Self::fixed("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
    }
    /// Writes refused after a failed background save (shared.bgsaveerr).
    pub fn misconf() -> Self {
        Self::fixed("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.")
    }
    pub fn bgsave_in_progress() -> Self {
        Self::fixed("ERR Background save already in progress")
    }
    /// shared.err: a bare "ERR" (SAVE that failed; the log says why).
    pub fn bare_err() -> Self {
        Self::fixed("ERR")
    }
    pub fn busy_key() -> Self {
        Self::fixed("BUSYKEY Target key name already exists.")
    }
    pub fn bad_dump_payload() -> Self {
        Self::fixed("ERR DUMP payload version or checksum are wrong")
    }
    pub fn bad_data_format() -> Self {
        Self::fixed("ERR Bad data format")
    }
    /// isHLLObjectOrReply: a string that is not an HLL.
    pub fn hll_wrong_type() -> Self {
        Self::fixed("WRONGTYPE Key is not a valid HyperLogLog string value.")
    }
    /// A sparse HLL whose runs do not cover the registers (invalid_hll_err).
    pub fn hll_corrupt() -> Self {
        Self::fixed("INVALIDOBJ Corrupted HLL object detected")
    }
    pub fn hll_not_sparse() -> Self {
        Self::fixed("ERR HLL encoding is not sparse")
    }
    pub fn key_does_not_exist() -> Self {
        Self::fixed("ERR The specified key does not exist")
    }
    /// getBitOffsetFromArgument (SETBIT, GETBIT, BITFIELD offsets).
    pub fn bit_offset() -> Self {
        Self::fixed("ERR bit offset is not an integer or out of range")
    }
    /// SETBIT's value argument.
    pub fn bit_value() -> Self {
        Self::fixed("ERR bit is not an integer or out of range")
    }
    /// BITPOS's bit argument.
    pub fn bit_argument() -> Self {
        Self::fixed("ERR The bit argument must be 1 or 0.")
    }
    pub fn bitfield_type() -> Self {
        Self::fixed("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
    }
    pub fn bitfield_overflow_type() -> Self {
        Self::fixed("ERR Invalid OVERFLOW type specified")
    }
    pub fn bitfield_ro_write() -> Self {
        Self::fixed("ERR BITFIELD_RO only supports the GET subcommand")
    }
    pub fn bitop_not_arity() -> Self {
        Self::fixed("ERR BITOP NOT must be called with a single source key.")
    }
    pub fn min_max_not_float() -> Self {
        Self::fixed("ERR min or max is not a float")
    }
    pub fn min_max_not_valid_string() -> Self {
        Self::fixed("ERR min or max not valid string range item")
    }
    pub fn zadd_nx_xx() -> Self {
        Self::fixed("ERR XX and NX options at the same time are not compatible")
    }
    pub fn zadd_gt_lt_nx() -> Self {
        Self::fixed("ERR GT, LT, and/or NX options at the same time are not compatible")
    }
    pub fn zadd_incr_pair() -> Self {
        Self::fixed("ERR INCR option supports a single increment-element pair")
    }
    pub fn score_nan() -> Self {
        Self::fixed("ERR resulting score is not a number (NaN)")
    }
    pub fn weight_not_float() -> Self {
        Self::fixed("ERR weight value is not a float")
    }
    pub fn limit_needs_by() -> Self {
        Self::fixed("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
    }
    pub fn withscores_bylex() -> Self {
        Self::fixed("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
    }
    pub fn debug_disabled() -> Self {
        Self::fixed("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.")
    }
}

/// Up to `max` bytes of `b` as text (Redis's "%.128s").
pub fn truncate_lossy(b: &[u8], max: usize) -> String {
    String::from_utf8_lossy(&b[..b.len().min(max)]).into_owned()
}
