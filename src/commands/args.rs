//! Argument parsing helpers that produce Redis's exact errors.

use super::errors::ReplyError;
use crate::util::num::{parse_f64, parse_i64_strict};

/// An integer argument (getLongLongFromObjectOrReply).
pub fn int(arg: &[u8]) -> Result<i64, ReplyError> {
    parse_i64_strict(arg).ok_or_else(ReplyError::not_integer)
}

/// A float argument (getDoubleFromObjectOrReply).
pub fn float(arg: &[u8]) -> Result<f64, ReplyError> {
    parse_f64(arg).ok_or_else(ReplyError::not_float)
}

/// A non-negative integer no larger than `max`, with Redis's range error.
pub fn positive(arg: &[u8], max: i64) -> Result<i64, ReplyError> {
    let n = int(arg)?;
    if n < 0 || n > max {
        return Err(ReplyError::not_positive());
    }
    Ok(n)
}

/// A long in [min, max] (getRangeLongFromObjectOrReply with a message):
/// `err` for both a non-integer and an out-of-range value.
pub fn range_long(arg: &[u8], min: i64, max: i64, err: fn() -> ReplyError) -> Result<i64, ReplyError> {
    match parse_i64_strict(arg) {
        Some(n) if n >= min && n <= max => Ok(n),
        _ => Err(err()),
    }
}

/// A C `int` argument (getIntFromObjectOrReply): Redis's integer error when
/// it is not a number, its range error when it does not fit 32 bits.
pub fn c_int(arg: &[u8]) -> Result<i64, ReplyError> {
    let n = int(arg)?;
    if n < i32::MIN as i64 || n > i32::MAX as i64 {
        return Err(ReplyError::int_out_of_range());
    }
    Ok(n)
}

/// A database index of SELECT, MOVE and COPY: a C int, then selectDb's
/// range check against the `dbs` databases.
pub fn db_index(arg: &[u8], dbs: usize) -> Result<usize, ReplyError> {
    let n = c_int(arg)?;
    if n < 0 || n as usize >= dbs {
        return Err(ReplyError::db_out_of_range());
    }
    Ok(n as usize)
}

/// Case-insensitive keyword comparison.
#[inline]
pub fn is(arg: &[u8], keyword: &str) -> bool {
    arg.eq_ignore_ascii_case(keyword.as_bytes())
}
