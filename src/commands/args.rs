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
        return Err(ReplyError::out_of_range());
    }
    Ok(n)
}

/// Case-insensitive keyword comparison.
#[inline]
pub fn is(arg: &[u8], keyword: &str) -> bool {
    arg.eq_ignore_ascii_case(keyword.as_bytes())
}
