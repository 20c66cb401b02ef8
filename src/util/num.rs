//! Number parsing and formatting with Redis's exact rules; mirrors util.c
//! (string2ll, string2d, ll2string, the %.17g double format).

/// Parses a canonical signed 64-bit integer as Redis's string2ll does: no
/// sign other than a leading '-', no leading zeros, no spaces, no overflow.
pub fn parse_i64_strict(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = match s[0] {
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !(b'1'..=b'9').contains(&digits[0]) {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    if neg {
        if v > (i64::MAX as u64) + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else if v > i64::MAX as u64 {
        None
    } else {
        Some(v as i64)
    }
}

/// Writes `n` in decimal into `buf`, returning the length (ll2string).
#[inline]
pub fn write_i64(n: i64, buf: &mut [u8; 20]) -> usize {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    let neg = n < 0;
    let mut v = n.unsigned_abs();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if neg {
        i -= 1;
        tmp[i] = b'-';
    }
    let len = tmp.len() - i;
    buf[..len].copy_from_slice(&tmp[i..]);
    len
}

/// Appends `n` in decimal to `out`.
#[inline]
pub fn push_i64(out: &mut Vec<u8>, n: i64) {
    let mut buf = [0u8; 20];
    let len = write_i64(n, &mut buf);
    out.extend_from_slice(&buf[..len]);
}

/// Appends `n` in decimal to `out`.
#[inline]
pub fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&tmp[i..]);
}

/// The common plain decimal (`-12.5`, `3`, at most 15 digits) as strtod
/// reads it, without the general parser: such a mantissa and power of ten
/// are exact doubles, so one division is correctly rounded (Clinger's fast
/// path). None for anything else (exponents, `inf`, long numbers), which
/// the caller hands to the general parser.
#[inline]
pub fn parse_plain_decimal(s: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
    let (neg, digits) = match s.first()? {
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut count = 0;
    let mut frac: Option<usize> = None;
    for (i, &c) in digits.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + (c - b'0') as u64;
                count += 1;
            }
            b'.' if frac.is_none() && i > 0 && i + 1 < digits.len() => frac = Some(digits.len() - i - 1),
            _ => return None,
        }
    }
    if count > 15 {
        return None;
    }
    let v = mantissa as f64 / POW10[frac.unwrap_or(0)];
    Some(if neg { -v } else { v })
}

/// Parses a double as Redis's string2d/strtod: no leading space, nothing
/// after the number, no NaN, no overflow to infinity (an explicit "inf" is
/// fine), no underflow to zero.
pub fn parse_f64(s: &[u8]) -> Option<f64> {
    if let Some(v) = parse_plain_decimal(s) {
        return Some(v);
    }
    if s.is_empty() || s[0].is_ascii_whitespace() {
        return None;
    }
    let text = std::str::from_utf8(s).ok()?;
    let v: f64 = text.parse().ok()?;
    if v.is_nan() {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    let explicit_inf = body == "inf" || body == "infinity";
    if v.is_infinite() && !explicit_inf {
        return None; // ERANGE overflow
    }
    if v == 0.0 && body.bytes().take_while(|c| *c != b'e').any(|c| (b'1'..=b'9').contains(&c)) {
        return None; // ERANGE underflow
    }
    Some(v)
}

/// Formats a double like C's "%.17g" (Redis 7.0's addReplyDouble and
/// the RDB/AOF textual form of doubles).
pub fn format_g17(d: f64) -> String {
    format_g(d, 17)
}

/// C's "%.{prec}g".
pub fn format_g(d: f64, prec: usize) -> String {
    // Integral values below 1e17 print as plain integers at 17 digits:
    // skip the general path (sorted set scores are mostly integers).
    if prec >= 17 && d != 0.0 && d.fract() == 0.0 && d.abs() < 1e17 {
        let mut buf = [0u8; 20];
        let len = write_i64(d as i64, &mut buf);
        return String::from_utf8_lossy(&buf[..len]).into_owned();
    }
    if d.is_nan() {
        return "nan".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if d == 0.0 {
        return if d.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    let prec = prec.max(1);
    let sci = format!("{:.*e}", prec - 1, d);
    let (mant, exp) = sci.split_once('e').unwrap();
    let exp: i32 = exp.parse().unwrap();
    if exp < -4 || exp >= prec as i32 {
        let mant = trim_fraction(mant);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{}{:02}", mant, sign, exp.abs())
    } else {
        let decimals = (prec as i32 - 1 - exp).max(0) as usize;
        trim_fraction(&format!("{:.*}", decimals, d)).to_string()
    }
}

fn trim_fraction(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// C's strtod over `s` up to its first NUL byte (C string semantics):
/// (value, bytes consumed, ERANGE set).
fn c_strtod(s: &[u8]) -> (f64, usize, bool) {
    let s = &s[..s.iter().position(|&b| b == 0).unwrap_or(s.len())];
    let mut stack = [0u8; 64];
    let heap: Vec<u8>;
    let ptr = if s.len() < stack.len() {
        stack[..s.len()].copy_from_slice(s);
        stack.as_ptr()
    } else {
        heap = [s, b"\0"].concat();
        heap.as_ptr()
    };
    let mut end: *mut libc::c_char = std::ptr::null_mut();
    // SAFETY: `ptr` points at a NUL-terminated copy of `s` that outlives
    // the call; strtod only reads up to the NUL and writes `end`, a pointer
    // into that copy, and errno, which is thread-local.
    let (v, erange, consumed) = unsafe {
        *libc::__errno_location() = 0;
        let v = libc::strtod(ptr as *const libc::c_char, &mut end);
        (v, *libc::__errno_location() == libc::ERANGE, end as usize - ptr as usize)
    };
    (v, consumed, erange)
}

/// A double argument as getDoubleFromObject reads it (ZADD scores,
/// WEIGHTS, ZINCRBY): strtod's syntax (hex and "inf" included), the whole
/// string, no leading space, no NaN, no overflow or underflow to zero.
pub fn parse_double_strtod(s: &[u8]) -> Option<f64> {
    if s.len() <= 20 {
        if let Some(n) = parse_i64_strict(s) {
            return Some(n as f64);
        }
    }
    if s.is_empty() || s[0].is_ascii_whitespace() || s[0] == 0x0b {
        return None;
    }
    let (v, consumed, erange) = c_strtod(s);
    if consumed != s.len() || v.is_nan() || (erange && (v.is_infinite() || v == 0.0)) {
        return None;
    }
    Some(v)
}

/// A score range bound as zslParseRange reads it: strtod up to the end of
/// the C string (leading spaces, "" as 0 and overflow to inf accepted), no NaN.
pub fn parse_range_double(s: &[u8]) -> Option<f64> {
    let (v, consumed, _) = c_strtod(s);
    let c_len = s.iter().position(|&b| b == 0).unwrap_or(s.len());
    if consumed != c_len || v.is_nan() {
        return None;
    }
    Some(v)
}

extern "C" {
    fn ferrodis_ld_incr(
        cur: *const u8,
        cur_len: usize,
        incr: *const u8,
        incr_len: usize,
        out: *mut u8,
        out_len: usize,
    ) -> std::os::raw::c_long;
}

/// Why a long double increment failed.
#[derive(Debug, PartialEq)]
pub enum LdIncrError {
    /// The stored value is not a float.
    BadValue,
    /// The increment is not a float.
    BadIncrement,
    /// The result is NaN or infinite.
    NanOrInf,
}

/// `cur + incr` in C's long double, printed as Redis prints it
/// (INCRBYFLOAT, HINCRBYFLOAT); `cur` None counts as 0.
pub fn incr_long_double(cur: Option<&[u8]>, incr: &[u8]) -> Result<Vec<u8>, LdIncrError> {
    let mut out = vec![0u8; 5 * 1024 + 32];
    let (cp, cl) = match cur {
        Some(c) => (c.as_ptr(), c.len()),
        None => (std::ptr::null(), 0),
    };
    // SAFETY: the shim reads exactly the given lengths and writes at most
    // out.len() bytes into `out`.
    let n = unsafe { ferrodis_ld_incr(cp, cl, incr.as_ptr(), incr.len(), out.as_mut_ptr(), out.len()) };
    match n {
        -1 => Err(LdIncrError::BadValue),
        -2 => Err(LdIncrError::BadIncrement),
        -3 => Err(LdIncrError::NanOrInf),
        n if n < 0 => Err(LdIncrError::NanOrInf),
        n => {
            out.truncate(n as usize);
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::rand::TestRng;

    #[test]
    fn plain_decimals_read_as_the_general_parser_reads_them() {
        let mut rng = TestRng(0x9e37_79b9_7f4a_7c15);
        let mut cases: Vec<String> = ["0", "-0", "1.5", "-12.25", "007", "0.1", "999999999999999", "123456789.012345", "3.14159"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for _ in 0..20_000 {
            let seed = rng.next();
            let digits = (seed % 15 + 1) as usize;
            let m = (seed >> 8) % 10u64.pow(digits as u32);
            let mut t = format!("{:0width$}", m, width = digits);
            let point = ((seed >> 4) % (digits as u64 + 1)) as usize;
            if point > 0 && point < digits {
                t.insert(point, '.');
            }
            if seed & 1 == 1 {
                t.insert(0, '-');
            }
            cases.push(t);
        }
        for t in &cases {
            let want: f64 = t.parse().unwrap();
            let got = parse_plain_decimal(t.as_bytes()).unwrap_or_else(|| panic!("{t} not taken"));
            assert_eq!(got.to_bits(), want.to_bits(), "{t}");
        }
        for t in ["", "-", "1e5", "inf", "1.", ".5", "+1", "1.2.3", "1234567890123456", "0x10", " 1"] {
            assert!(parse_plain_decimal(t.as_bytes()).is_none(), "{t}");
        }
    }

    #[test]
    fn strict_integers() {
        assert_eq!(parse_i64_strict(b"0"), Some(0));
        assert_eq!(parse_i64_strict(b"-1"), Some(-1));
        assert_eq!(parse_i64_strict(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64_strict(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [&b"9223372036854775808"[..], b"-0", b"01", b"+1", b" 1", b"1 ", b"", b"-", b"1a"] {
            assert_eq!(parse_i64_strict(bad), None, "{:?}", bad);
        }
    }

    #[test]
    fn itoa() {
        let mut b = [0u8; 20];
        for n in [0i64, 7, -7, 1234567890, i64::MAX, i64::MIN] {
            let l = write_i64(n, &mut b);
            assert_eq!(&b[..l], n.to_string().as_bytes());
        }
    }

    #[test]
    fn doubles() {
        assert_eq!(parse_f64(b"1.5"), Some(1.5));
        assert_eq!(parse_f64(b"inf"), Some(f64::INFINITY));
        assert_eq!(parse_f64(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_f64(b"1e400"), None);
        assert_eq!(parse_f64(b"1e-400"), None);
        assert_eq!(parse_f64(b"nan"), None);
        assert_eq!(parse_f64(b" 1"), None);
        assert_eq!(parse_f64(b"1x"), None);
        assert_eq!(format_g17(1.1), "1.1000000000000001");
        assert_eq!(format_g17(1.5), "1.5");
        assert_eq!(format_g17(100.0), "100");
        assert_eq!(format_g17(1e20), "1e+20");
        assert_eq!(format_g17(0.0001), "0.0001");
        assert_eq!(format_g17(0.00001), "1.0000000000000001e-05");
        assert_eq!(format_g17(-3.0), "-3");
        assert_eq!(format_g17(1e16), "10000000000000000");
        assert_eq!(format_g17(1e17), "1e+17");
        assert_eq!(format_g17(4503599627370496.0), "4503599627370496");
        assert_eq!(parse_double_strtod(b"0x10"), Some(16.0));
        assert_eq!(parse_double_strtod(b"1e400"), None);
        assert_eq!(parse_double_strtod(b" 1"), None);
        assert_eq!(parse_double_strtod(b"nan"), None);
        assert_eq!(parse_double_strtod(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_double_strtod(b"1\x00"), None);
        assert_eq!(parse_range_double(b""), Some(0.0));
        assert_eq!(parse_range_double(b" 1"), Some(1.0));
        assert_eq!(parse_range_double(b"1e400"), Some(f64::INFINITY));
        assert_eq!(parse_range_double(b"1\x00x"), Some(1.0));
        assert_eq!(parse_range_double(b"1x"), None);
        // Redis's long double results, byte for byte.
        assert_eq!(incr_long_double(Some(b"10.6"), b"5.0e3").unwrap(), b"5010.60000000000000009");
        assert_eq!(incr_long_double(Some(b"10.5"), b"0.1").unwrap(), b"10.6");
        assert_eq!(incr_long_double(None, b"5").unwrap(), b"5");
        assert_eq!(incr_long_double(Some(b"1"), b"-1").unwrap(), b"0");
        assert_eq!(incr_long_double(Some(b"abc"), b"1"), Err(LdIncrError::BadValue));
        assert_eq!(incr_long_double(Some(b"1"), b" 1"), Err(LdIncrError::BadIncrement));
        assert_eq!(incr_long_double(Some(b"1"), b"inf"), Err(LdIncrError::NanOrInf));
    }
}
