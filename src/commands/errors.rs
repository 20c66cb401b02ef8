//! Every fixed error text a client can receive, in one place. The texts are
//! byte-identical to Redis 7.0.15's (CLIENT SETINFO's, a 7.2 command, are
//! 7.2's); the first word is the error code that INFO errorstats counts.
//!
//! A `ReplyError` is built only through the named constructors below, one
//! per text (several call sites with the same text share one), grouped by
//! the family of commands that sends it. Texts with a computed part (a
//! command name, a key, a number) take it as a parameter, so no call site
//! spells an error text.

use crate::types::hll::SelfTestFailure;
use std::borrow::Cow;
use std::fmt::Display;

/// An error reply's text, code included, as bytes: where Redis prints a
/// client's bytes into a text (an unknown command's name), they go back
/// exactly as sent, not as UTF-8.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyError(Cow<'static, [u8]>);

pub type CmdResult = Result<(), ReplyError>;

impl ReplyError {
    // -- Building blocks, private: every text goes through a named constructor.

    /// A fixed text, code included.
    const fn fixed(text: &'static str) -> ReplyError {
        ReplyError(Cow::Borrowed(text.as_bytes()))
    }

    /// An "ERR ..." error with a computed text.
    fn err(text: impl Display) -> ReplyError {
        ReplyError(Cow::Owned(format!("ERR {}", text).into_bytes()))
    }

    /// An "ERR ..." error made of our text and a client's bytes, in
    /// order (the bytes already cut as C would print them: `c_str`).
    fn err_bytes(parts: &[&[u8]]) -> ReplyError {
        let mut t = b"ERR ".to_vec();
        for p in parts {
            t.extend_from_slice(p);
        }
        ReplyError(Cow::Owned(t))
    }

    /// A computed text whose code is part of it ("EXECABORT ...").
    fn coded(text: Vec<u8>) -> ReplyError {
        ReplyError(Cow::Owned(text))
    }

    pub fn text(&self) -> &[u8] {
        &self.0
    }

    /// The error code errorstats counts: the first word.
    pub fn code(&self) -> &str {
        let word = self.0.split(|&b| b == b' ').next().unwrap_or(b"ERR");
        std::str::from_utf8(word).unwrap_or("ERR")
    }

    /// The error as a RESP line, for the few replies written straight to a
    /// connection that has no client yet (max clients, protected mode).
    pub fn resp_line(&self) -> Vec<u8> {
        [&b"-"[..], &self.0, b"\r\n"].concat()
    }

    // -- Argument parsing: numbers, options, counts.

    pub fn syntax() -> Self {
        Self::fixed("ERR syntax error")
    }
    pub fn not_integer() -> Self {
        Self::fixed("ERR value is not an integer or out of range")
    }
    pub fn not_float() -> Self {
        Self::fixed("ERR value is not a valid float")
    }
    pub fn not_positive() -> Self {
        Self::fixed("ERR value is out of range, must be positive")
    }
    /// A count whose doubled value would overflow (HRANDFIELD/ZRANDMEMBER
    /// with WITHVALUES/WITHSCORES).
    pub fn value_out_of_range() -> Self {
        Self::fixed("ERR value is out of range")
    }
    /// getIntFromObjectOrReply's range error (MOVE/COPY DB indexes).
    pub fn int_out_of_range() -> Self {
        Self::fixed("ERR value is out of range, value must between -2147483648 and 2147483647")
    }
    /// getRangeLongFromObjectOrReply's range error for a 64-bit argument.
    pub fn long_out_of_range(min: i64, max: i64) -> Self {
        Self::err(format_args!("value is out of range, value must between {} and {}", min, max))
    }
    pub fn overflow() -> Self {
        Self::fixed("ERR increment or decrement would overflow")
    }
    /// DECRBY's decrement that cannot be negated.
    pub fn decrement_overflow() -> Self {
        Self::fixed("ERR decrement would overflow")
    }
    pub fn nan_or_inf() -> Self {
        Self::fixed("ERR increment would produce NaN or Infinity")
    }
    /// An increment that is itself NaN or infinite (HINCRBYFLOAT).
    pub fn value_nan_or_inf() -> Self {
        Self::fixed("ERR value is NaN or Infinity")
    }
    pub fn string_too_long() -> Self {
        Self::fixed("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
    }
    pub fn index_out_of_range() -> Self {
        Self::fixed("ERR index out of range")
    }
    pub fn timeout_not_float() -> Self {
        Self::fixed("ERR timeout is not a float or out of range")
    }
    pub fn timeout_not_integer() -> Self {
        Self::fixed("ERR timeout is not an integer or out of range")
    }
    pub fn timeout_negative() -> Self {
        Self::fixed("ERR timeout is negative")
    }
    pub fn numkeys_not_positive() -> Self {
        Self::fixed("ERR numkeys should be greater than 0")
    }
    pub fn numkeys_exceeds_args() -> Self {
        Self::fixed("ERR Number of keys can't be greater than number of args")
    }
    /// The COUNT of the blocking and non-blocking MPOP forms.
    pub fn count_not_positive() -> Self {
        Self::fixed("ERR count should be greater than 0")
    }
    /// SLOWLOG GET's count.
    pub fn count_below_minus_one() -> Self {
        Self::fixed("ERR count should be greater than or equal to -1")
    }
    pub fn limit_negative() -> Self {
        Self::fixed("ERR LIMIT can't be negative")
    }
    pub fn invalid_cursor() -> Self {
        Self::fixed("ERR invalid cursor")
    }
    /// "Unsupported option %s": the C format stops at the first NUL byte.
    pub fn unsupported_option(opt: &[u8]) -> Self {
        Self::err_bytes(&[b"Unsupported option ", c_str(opt, usize::MAX)])
    }

    // -- Command lookup and the dispatcher's gates (processCommand).

    pub fn unknown_command<'a>(name: &[u8], args: impl Iterator<Item = &'a [u8]>) -> Self {
        // At most 128 bytes of arguments, each quoted and followed by a space.
        let mut shown = Vec::new();
        for a in args {
            if shown.len() >= 128 {
                break;
            }
            let room = 128 - shown.len();
            shown.extend_from_slice(&[&b"'"[..], c_str(a, room), b"' "].concat());
        }
        Self::err_bytes(&[b"unknown command '", c_str(name, 128), b"', with args beginning with: ", &shown])
    }
    /// `parent` is the container's name ("client"); shown upper-cased.
    pub fn unknown_subcommand(sub: &[u8], parent: &str) -> Self {
        Self::err_bytes(&[b"unknown subcommand '", c_str(sub, 128), b"'. Try ", parent.to_ascii_uppercase().as_bytes(), b" HELP."])
    }
    /// addReplySubcommandSyntaxError: the subcommand as the client typed it.
    pub fn subcommand_syntax(sub: &[u8], parent: &str) -> Self {
        Self::err_bytes(&[
            b"unknown subcommand or wrong number of arguments for '",
            c_str(sub, 128),
            b"'. Try ",
            parent.to_ascii_uppercase().as_bytes(),
            b" HELP.",
        ])
    }
    pub fn wrong_arity(full_name: &str) -> Self {
        Self::err(format_args!("wrong number of arguments for '{}' command", full_name))
    }
    /// A DEBUG or MODULE command refused by enable-debug-command or
    /// enable-module-command (`what` "DEBUG", `option` its config name).
    pub fn protected_command(what: &str, option: &str) -> Self {
        Self::err(format_args!(
            "{} command not allowed. If the {} option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.",
            what, option
        ))
    }
    pub fn noauth() -> Self {
        Self::fixed("NOAUTH Authentication required.")
    }
    pub fn not_allowed_in_multi() -> Self {
        Self::fixed("ERR Command not allowed inside a transaction")
    }
    /// A RESP2 client in subscribed mode ran something else.
    pub fn subscribed_context(full_name: &str) -> Self {
        Self::err(format_args!(
            "Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
            full_name
        ))
    }
    pub fn loading() -> Self {
        Self::fixed("LOADING Redis is loading the dataset in memory")
    }
    /// Writes refused after a failed background save (shared.bgsaveerr).
    pub fn misconf() -> Self {
        Self::fixed("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.")
    }

    // -- Network: replies written before or instead of a command.

    /// A connection over maxclients, refused at accept.
    pub fn max_clients() -> Self {
        Self::fixed("ERR max number of clients reached")
    }
    /// A non-loopback connection refused by protected mode.
    pub fn protected_mode() -> Self {
        Self::fixed("DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.")
    }
    pub fn protocol_too_big_mbulk_count() -> Self {
        Self::fixed("ERR Protocol error: too big mbulk count string")
    }
    pub fn protocol_invalid_multibulk_length() -> Self {
        Self::fixed("ERR Protocol error: invalid multibulk length")
    }
    pub fn protocol_unauthenticated_multibulk_length() -> Self {
        Self::fixed("ERR Protocol error: unauthenticated multibulk length")
    }
    pub fn protocol_too_big_bulk_count() -> Self {
        Self::fixed("ERR Protocol error: too big bulk count string")
    }
    pub fn protocol_expected_dollar(got: u8) -> Self {
        Self::err_bytes(&[b"Protocol error: expected '$', got '", &[got], b"'"])
    }
    pub fn protocol_invalid_bulk_length() -> Self {
        Self::fixed("ERR Protocol error: invalid bulk length")
    }
    pub fn protocol_unauthenticated_bulk_length() -> Self {
        Self::fixed("ERR Protocol error: unauthenticated bulk length")
    }
    pub fn protocol_too_big_inline() -> Self {
        Self::fixed("ERR Protocol error: too big inline request")
    }
    pub fn protocol_unbalanced_quotes() -> Self {
        Self::fixed("ERR Protocol error: unbalanced quotes in request")
    }

    // -- Connection: AUTH, HELLO, client names.

    pub fn wrong_pass() -> Self {
        Self::fixed("WRONGPASS invalid username-password pair or user is disabled.")
    }
    pub fn auth_without_password() -> Self {
        Self::fixed(
            "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
        )
    }
    pub fn protocol_version_not_integer() -> Self {
        Self::fixed("ERR Protocol version is not an integer or out of range")
    }
    pub fn noproto() -> Self {
        Self::fixed("NOPROTO unsupported protocol version")
    }
    pub fn hello_syntax(opt: &[u8]) -> Self {
        Self::err_bytes(&[b"Syntax error in HELLO option '", c_str(opt, usize::MAX), b"'"])
    }
    pub fn hello_noauth() -> Self {
        Self::fixed("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
    }
    /// CLIENT SETNAME and HELLO SETNAME.
    pub fn client_name_invalid() -> Self {
        Self::fixed("ERR Client names cannot contain spaces, newlines or special characters.")
    }

    // -- CLIENT.

    pub fn client_caching_without_tracking() -> Self {
        Self::fixed("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")
    }
    /// CLIENT SETINFO with an attribute other than LIB-NAME / LIB-VER.
    pub fn client_info_unknown(attr: &[u8]) -> Self {
        Self::err_bytes(&[b"Unrecognized option '", c_str(attr, usize::MAX), b"'"])
    }
    /// CLIENT SETINFO with a value holding spaces or special characters.
    pub fn client_info_invalid(attr: &[u8]) -> Self {
        Self::err_bytes(&[c_str(attr, usize::MAX), b" cannot contain spaces, newlines or special characters."])
    }
    pub fn unknown_client_type(name: &[u8]) -> Self {
        Self::err_bytes(&[b"Unknown client type '", c_str(name, usize::MAX), b"'"])
    }
    pub fn invalid_client_id() -> Self {
        Self::fixed("ERR Invalid client ID")
    }
    pub fn client_id_not_positive() -> Self {
        Self::fixed("ERR client-id should be greater than 0")
    }
    pub fn no_such_user(name: &[u8]) -> Self {
        Self::err_bytes(&[b"No such user '", c_str(name, usize::MAX), b"'"])
    }
    pub fn no_such_client() -> Self {
        Self::fixed("ERR No such client")
    }
    pub fn client_pause_mode() -> Self {
        Self::fixed("ERR CLIENT PAUSE mode must be WRITE or ALL")
    }
    pub fn client_unblock_reason() -> Self {
        Self::fixed("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
    }
    /// What a blocked client gets from CLIENT UNBLOCK ... ERROR.
    pub fn unblocked() -> Self {
        Self::fixed("UNBLOCKED client unblocked via CLIENT UNBLOCK")
    }

    // -- Transactions.

    pub fn multi_nested() -> Self {
        Self::fixed("ERR MULTI calls can not be nested")
    }
    pub fn exec_without_multi() -> Self {
        Self::fixed("ERR EXEC without MULTI")
    }
    pub fn discard_without_multi() -> Self {
        Self::fixed("ERR DISCARD without MULTI")
    }
    pub fn watch_inside_multi() -> Self {
        Self::fixed("ERR WATCH inside MULTI is not allowed")
    }
    pub fn exec_abort_previous_errors() -> Self {
        Self::fixed("EXECABORT Transaction discarded because of previous errors.")
    }
    /// EXEC refused by a gate (execCommandAbort): the reason is `cause`
    /// without its ERR code (other codes stay).
    pub fn exec_abort(cause: &ReplyError) -> Self {
        let reason = cause.text().strip_prefix(b"ERR ").unwrap_or(cause.text());
        Self::coded([&b"EXECABORT Transaction discarded because of: "[..], reason].concat())
    }

    // -- Pub/Sub.

    /// SUBSCRIBE and friends from a client that expects one reply per
    /// command (`verb` as typed in the table: "subscribe").
    pub fn deny_blocking_subscribe(verb: &str) -> Self {
        Self::err(format_args!("{} isn't allowed for a DENY BLOCKING client", verb.to_ascii_uppercase()))
    }

    // -- Keyspace: types, keys, databases, expiry.

    pub fn wrong_type() -> Self {
        Self::fixed("WRONGTYPE Operation against a key holding the wrong kind of value")
    }
    pub fn no_such_key() -> Self {
        Self::fixed("ERR no such key")
    }
    pub fn key_does_not_exist() -> Self {
        Self::fixed("ERR The specified key does not exist")
    }
    pub fn same_object() -> Self {
        Self::fixed("ERR source and destination objects are the same")
    }
    pub fn busy_key() -> Self {
        Self::fixed("BUSYKEY Target key name already exists.")
    }
    pub fn db_out_of_range() -> Self {
        Self::fixed("ERR DB index is out of range")
    }
    pub fn invalid_first_db_index() -> Self {
        Self::fixed("ERR invalid first DB index")
    }
    pub fn invalid_second_db_index() -> Self {
        Self::fixed("ERR invalid second DB index")
    }
    pub fn invalid_expire(cmd: &str) -> Self {
        Self::err(format_args!("invalid expire time in '{}' command", cmd))
    }
    pub fn expire_nx_incompatible() -> Self {
        Self::fixed("ERR NX and XX, GT or LT options at the same time are not compatible")
    }
    pub fn expire_gt_lt_incompatible() -> Self {
        Self::fixed("ERR GT and LT options at the same time are not compatible")
    }
    pub fn lfu_not_selected() -> Self {
        Self::fixed("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
    }
    pub fn lfu_selected() -> Self {
        Self::fixed("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
    }

    // -- Strings.

    /// SETRANGE with a negative offset.
    pub fn offset_out_of_range() -> Self {
        Self::fixed("ERR offset is out of range")
    }
    pub fn lcs_not_strings() -> Self {
        Self::fixed("ERR The specified keys must contain string values")
    }
    pub fn lcs_len_and_idx() -> Self {
        Self::fixed("ERR If you want both the length and indexes, please just use IDX.")
    }
    pub fn lcs_string_too_long() -> Self {
        Self::fixed("ERR String too long for LCS")
    }
    pub fn lcs_out_of_memory() -> Self {
        Self::fixed("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
    }

    // -- Bit operations.

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

    // -- HyperLogLog.

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
    /// "Unknown PFDEBUG subcommand '%s'": the C format stops at a NUL byte.
    pub fn pfdebug_unknown_subcommand(sub: &[u8]) -> Self {
        Self::err_bytes(&[b"Unknown PFDEBUG subcommand '", c_str(sub, usize::MAX), b"'"])
    }
    /// PFSELFTEST's TESTFAILED replies (pfselftestCommand).
    pub fn hll_self_test_failed(f: SelfTestFailure) -> Self {
        match f {
            SelfTestFailure::Register { index, expected, got } => {
                Self::coded(format!("TESTFAILED Register {} should be {} but is {}", index, expected, got).into_bytes())
            }
            SelfTestFailure::SparseCorrupted => Self::fixed("TESTFAILED corrupted sparse HLL"),
            SelfTestFailure::SparseNotUsed => Self::fixed("TESTFAILED sparse encoding not used"),
            SelfTestFailure::DenseSparseDisagree => Self::fixed("TESTFAILED dense/sparse disagree"),
            SelfTestFailure::TooBigError { card, abserr } => {
                Self::coded(format!("TESTFAILED Too big error. card:{} abserr:{}", card, abserr).into_bytes())
            }
        }
    }

    // -- Hashes.

    pub fn hash_value_not_integer() -> Self {
        Self::fixed("ERR hash value is not an integer")
    }
    pub fn hash_value_not_float() -> Self {
        Self::fixed("ERR hash value is not a float")
    }

    // -- Lists.

    pub fn lpos_rank_zero() -> Self {
        Self::fixed("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
    }
    pub fn lpos_count_negative() -> Self {
        Self::fixed("ERR COUNT can't be negative")
    }
    pub fn lpos_maxlen_negative() -> Self {
        Self::fixed("ERR MAXLEN can't be negative")
    }

    // -- Sorted sets.

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
    /// ZUNION/ZINTER/ZDIFF (and their STORE forms) with numkeys < 1.
    pub fn zset_op_no_keys(full_name: &str) -> Self {
        Self::err(format_args!("at least 1 input key is needed for '{}' command", full_name))
    }

    // -- SORT.

    pub fn sort_score_not_double() -> Self {
        Self::fixed("ERR One or more scores can't be converted into double")
    }

    // -- COMMAND GETKEYS.

    pub fn invalid_command_specified() -> Self {
        Self::fixed("ERR Invalid command specified")
    }
    pub fn getkeys_wrong_arity() -> Self {
        Self::fixed("ERR Invalid number of arguments specified for command")
    }
    pub fn getkeys_no_keys() -> Self {
        Self::fixed("ERR The command has no key arguments")
    }
    pub fn getkeys_invalid_arguments() -> Self {
        Self::fixed("ERR Invalid arguments specified for command")
    }

    // -- Persistence: SAVE, BGSAVE, DUMP, RESTORE, DEBUG RELOAD.

    /// shared.err: a bare "ERR" (SAVE that failed; the log says why).
    pub fn bare_err() -> Self {
        Self::fixed("ERR")
    }
    pub fn bgsave_in_progress() -> Self {
        Self::fixed("ERR Background save already in progress")
    }
    pub fn bgsave_child_active() -> Self {
        Self::fixed("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.")
    }
    pub fn bad_dump_payload() -> Self {
        Self::fixed("ERR DUMP payload version or checksum are wrong")
    }
    pub fn bad_data_format() -> Self {
        Self::fixed("ERR Bad data format")
    }
    pub fn restore_invalid_idletime() -> Self {
        Self::fixed("ERR Invalid IDLETIME value, must be >= 0")
    }
    pub fn restore_invalid_freq() -> Self {
        Self::fixed("ERR Invalid FREQ value, must be >= 0 and <= 255")
    }
    pub fn restore_invalid_ttl() -> Self {
        Self::fixed("ERR Invalid TTL value, must be >= 0")
    }
    pub fn debug_reload_options() -> Self {
        Self::fixed("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.")
    }
    pub fn debug_reload_failed() -> Self {
        Self::fixed("ERR Error trying to load the RDB dump")
    }

    // -- Server: SHUTDOWN, DEBUG.

    pub fn no_shutdown_in_progress() -> Self {
        Self::fixed("ERR No shutdown in progress.")
    }
    /// The final save failed, so the server keeps running.
    pub fn shutdown_failed() -> Self {
        Self::fixed("ERR Errors trying to SHUTDOWN. Check logs.")
    }
    pub fn debug_not_listpack() -> Self {
        Self::fixed("ERR Not a listpack encoded object.")
    }
    /// DEBUG QUICKLIST-PACKED-THRESHOLD's size.
    pub fn debug_memory_value() -> Self {
        Self::fixed("ERR argument must be a memory value bigger than 1 and smaller than 4gb")
    }
    pub fn debug_protocol_resp2() -> Self {
        Self::fixed("ERR RESP2 is not supported by this command")
    }
    pub fn debug_protocol_type() -> Self {
        Self::fixed("ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false")
    }

    // -- CONFIG.

    pub fn config_set_unknown(name: &str) -> Self {
        Self::err(format_args!("Unknown option or number of arguments for CONFIG SET - '{}'", name))
    }
    /// `why` is the config layer's reason, the same one a bad line in
    /// redis.conf is reported with.
    pub fn config_set_failed(name: &str, why: &str) -> Self {
        Self::err(format_args!("CONFIG SET failed (possibly related to argument '{}') - {}", name, why))
    }
    pub fn config_set_immutable(name: &str) -> Self {
        Self::config_set_failed(name, "can't set immutable config")
    }
    pub fn config_set_protected(name: &str) -> Self {
        Self::config_set_failed(name, "can't set protected config")
    }
    pub fn config_set_duplicate(name: &str) -> Self {
        Self::config_set_failed(name, "duplicate parameter")
    }
    pub fn no_config_file() -> Self {
        Self::fixed("ERR The server is running without a config file")
    }
    pub fn config_rewrite_failed(why: &str) -> Self {
        Self::err(format_args!("Rewriting config file: {}", why))
    }
}

/// `b` as C's "%s" (or "%.128s" with `max` 128) prints it: up to its first
/// NUL byte, then at most `max` bytes.
fn c_str(b: &[u8], max: usize) -> &[u8] {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    &b[..end.min(max)]
}
