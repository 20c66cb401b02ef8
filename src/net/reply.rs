//! The reply writer: every byte a client receives is appended here; mirrors
//! the addReply* family of networking.c.
//!
//! It knows the connection's protocol, so handlers call `map`, `null`,
//! `double`, `boolean` once and RESP2 clients get the RESP2 form (flat
//! arrays, `$-1`, bulk strings, `:1`) while RESP3 clients get the typed form.

use crate::util::num::{format_g17, push_i64, push_u64};

pub struct Reply {
    pub buf: Vec<u8>,
    /// 2 or 3.
    pub resp: u8,
}

/// Writes `n` in decimal at the start of `out`, returning the digit count;
/// lengths below 100 (most of them) take no loop.
#[inline]
fn write_len(out: &mut [u8], n: usize) -> usize {
    if n < 10 {
        out[0] = b'0' + n as u8;
        1
    } else if n < 100 {
        out[0] = b'0' + (n / 10) as u8;
        out[1] = b'0' + (n % 10) as u8;
        2
    } else {
        let mut tmp = [0u8; 20];
        let mut i = tmp.len();
        let mut v = n;
        while v > 0 {
            i -= 1;
            tmp[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        let len = tmp.len() - i;
        out[..len].copy_from_slice(&tmp[i..]);
        len
    }
}

/// A placeholder for an aggregate length known only after its elements are
/// written (`deferred` / `set_deferred_*`).
#[must_use]
pub struct Deferred(usize);

impl Default for Reply {
    fn default() -> Self {
        Reply::new()
    }
}

impl Reply {
    pub fn new() -> Reply {
        Reply { buf: Vec::with_capacity(256), resp: 2 }
    }

    #[inline]
    pub fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    #[inline]
    pub fn ok(&mut self) {
        self.raw(b"+OK\r\n");
    }

    /// `+text`: text must not contain CR or LF.
    pub fn simple(&mut self, text: &str) {
        self.buf.push(b'+');
        self.raw(text.as_bytes());
        self.raw(b"\r\n");
    }

    /// `-text`: the whole error line, code included ("ERR syntax error").
    /// Newlines would break the protocol; Redis turns them into spaces.
    pub fn error(&mut self, text: &[u8]) {
        self.buf.push(b'-');
        for &b in text {
            self.buf.push(if b == b'\r' || b == b'\n' { b' ' } else { b });
        }
        self.raw(b"\r\n");
    }

    #[inline]
    pub fn int(&mut self, n: i64) {
        self.buf.push(b':');
        push_i64(&mut self.buf, n);
        self.raw(b"\r\n");
    }

    #[inline]
    pub fn bulk(&mut self, bytes: &[u8]) {
        // Header built on the stack, then three copies into one reserved
        // region: this is the hottest reply shape (GET, LRANGE, ...).
        let mut hdr = [0u8; 24];
        hdr[0] = b'$';
        let n = write_len(&mut hdr[1..], bytes.len());
        hdr[1 + n] = b'\r';
        hdr[2 + n] = b'\n';
        self.buf.reserve(3 + n + bytes.len() + 2);
        self.buf.extend_from_slice(&hdr[..3 + n]);
        self.buf.extend_from_slice(bytes);
        self.buf.extend_from_slice(b"\r\n");
    }

    pub fn bulk_str(&mut self, s: &str) {
        self.bulk(s.as_bytes());
    }

    /// An integer sent as a bulk string (e.g. INCRBYFLOAT results, CONFIG GET).
    pub fn bulk_i64(&mut self, n: i64) {
        let mut b = [0u8; 20];
        let len = crate::util::num::write_i64(n, &mut b);
        self.bulk(&b[..len]);
    }

    /// The null bulk string / RESP3 null.
    #[inline]
    pub fn null(&mut self) {
        if self.resp >= 3 {
            self.raw(b"_\r\n");
        } else {
            self.raw(b"$-1\r\n");
        }
    }

    /// The null array (EXEC after a WATCH failure, BLPOP timeout).
    pub fn null_array(&mut self) {
        if self.resp >= 3 {
            self.raw(b"_\r\n");
        } else {
            self.raw(b"*-1\r\n");
        }
    }

    fn aggregate(&mut self, prefix: u8, n: usize) {
        self.buf.push(prefix);
        push_u64(&mut self.buf, n as u64);
        self.raw(b"\r\n");
    }

    #[inline]
    pub fn array(&mut self, n: usize) {
        self.aggregate(b'*', n);
    }

    /// A map of `n` pairs; RESP2 gets a flat array of 2n elements.
    pub fn map(&mut self, n: usize) {
        if self.resp >= 3 {
            self.aggregate(b'%', n);
        } else {
            self.aggregate(b'*', n * 2);
        }
    }

    /// A set of `n` elements; RESP2 gets an array.
    pub fn set(&mut self, n: usize) {
        if self.resp >= 3 {
            self.aggregate(b'~', n);
        } else {
            self.aggregate(b'*', n);
        }
    }

    /// An out-of-band push message (pub/sub, invalidation); RESP2 gets an array.
    pub fn push(&mut self, n: usize) {
        if self.resp >= 3 {
            self.aggregate(b'>', n);
        } else {
            self.aggregate(b'*', n);
        }
    }

    /// A double: RESP3 `,` type, RESP2 a bulk string in Redis's format.
    pub fn double(&mut self, d: f64) {
        let text = format_g17(d);
        if self.resp >= 3 {
            self.buf.push(b',');
            self.raw(text.as_bytes());
            self.raw(b"\r\n");
        } else {
            self.bulk(text.as_bytes());
        }
    }

    /// A boolean: RESP3 `#t`/`#f`, RESP2 `:1`/`:0`.
    pub fn boolean(&mut self, b: bool) {
        if self.resp >= 3 {
            self.raw(if b { b"#t\r\n" } else { b"#f\r\n" });
        } else {
            self.raw(if b { b":1\r\n" } else { b":0\r\n" });
        }
    }

    /// Verbatim text (INFO, CLIENT LIST): RESP3 `=` with a 3-letter format,
    /// RESP2 a bulk string.
    pub fn verbatim(&mut self, text: &[u8], format: &str) {
        if self.resp >= 3 {
            self.buf.push(b'=');
            push_u64(&mut self.buf, (text.len() + 4) as u64);
            self.raw(b"\r\n");
            self.raw(format.as_bytes());
            self.buf.push(b':');
            self.raw(text);
            self.raw(b"\r\n");
        } else {
            self.bulk(text);
        }
    }

    /// Reserves the place of an aggregate header whose length is not known yet.
    pub fn deferred(&mut self) -> Deferred {
        Deferred(self.buf.len())
    }

    fn fill_deferred(&mut self, d: Deferred, prefix: u8, n: usize) {
        let mut header = Vec::with_capacity(24);
        header.push(prefix);
        push_u64(&mut header, n as u64);
        header.extend_from_slice(b"\r\n");
        self.buf.splice(d.0..d.0, header);
    }

    pub fn set_deferred_array(&mut self, d: Deferred, n: usize) {
        self.fill_deferred(d, b'*', n);
    }

    pub fn set_deferred_map(&mut self, d: Deferred, pairs: usize) {
        if self.resp >= 3 {
            self.fill_deferred(d, b'%', pairs);
        } else {
            self.fill_deferred(d, b'*', pairs * 2);
        }
    }

    pub fn set_deferred_set(&mut self, d: Deferred, n: usize) {
        let prefix = if self.resp >= 3 { b'~' } else { b'*' };
        self.fill_deferred(d, prefix, n);
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resp2_and_resp3_forms() {
        let mut r2 = Reply::new();
        let mut r3 = Reply::new();
        r3.resp = 3;
        for r in [&mut r2, &mut r3] {
            r.map(1);
            r.bulk(b"k");
            r.double(1.5);
            r.null();
            r.boolean(true);
        }
        assert_eq!(r2.buf, b"*2\r\n$1\r\nk\r\n$3\r\n1.5\r\n$-1\r\n:1\r\n");
        assert_eq!(r3.buf, b"%1\r\n$1\r\nk\r\n,1.5\r\n_\r\n#t\r\n");
    }

    #[test]
    fn deferred_lengths() {
        let mut r = Reply::new();
        r.bulk(b"before");
        let d = r.deferred();
        r.int(1);
        r.int(2);
        r.set_deferred_array(d, 2);
        assert_eq!(r.buf, b"$6\r\nbefore\r\n*2\r\n:1\r\n:2\r\n");
    }

    #[test]
    fn bulk_lengths_at_digit_boundaries() {
        for len in [0usize, 9, 10, 99, 100, 12345] {
            let mut r = Reply::new();
            let data = vec![b'x'; len];
            r.bulk(&data);
            let mut want = format!("${}\r\n", len).into_bytes();
            want.extend_from_slice(&data);
            want.extend_from_slice(b"\r\n");
            assert_eq!(r.buf, want);
        }
    }
}
