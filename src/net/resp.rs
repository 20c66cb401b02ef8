//! The request parser: RESP multibulk and inline commands, incremental;
//! mirrors processMultibulkBuffer / processInlineBuffer in networking.c.
//!
//! The parser keeps its progress (arguments still expected, length of the
//! bulk being read) between reads, so a command that trickles in over many
//! reads is never re-parsed from the start. An argument of 32 KB or more is
//! read straight into its own buffer (see `Parser::big_arg_room`), which
//! then becomes the stored value without another copy.

use crate::commands::ReplyError;

/// Arguments of 32 KB and more get their own buffer (PROTO_MBULK_BIG_ARG).
pub const BIG_ARG: usize = 32 * 1024;
/// Longest inline request or length line (PROTO_INLINE_MAX_SIZE).
const INLINE_MAX: usize = 64 * 1024;

/// A command's arguments. Slots keep their allocations between commands,
/// so steady-state parsing allocates nothing.
#[derive(Default, Clone)]
pub struct Argv {
    items: Vec<Vec<u8>>,
    len: usize,
}

impl Argv {
    pub fn new() -> Argv {
        Argv::default()
    }

    pub fn from_slices<T: AsRef<[u8]>>(args: &[T]) -> Argv {
        let mut a = Argv::new();
        for x in args {
            a.push_slice(x.as_ref());
        }
        a
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    pub fn get(&self, i: usize) -> &[u8] {
        &self.items[..self.len][i]
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.items[..self.len].iter().map(|v| v.as_slice())
    }

    pub fn clear(&mut self) {
        // Drop buffers that grew big so one large command does not pin memory.
        for v in &mut self.items[..self.len] {
            if v.capacity() > BIG_ARG {
                *v = Vec::new();
            }
        }
        self.len = 0;
    }

    pub fn push_slice(&mut self, bytes: &[u8]) {
        if self.len == self.items.len() {
            self.items.push(Vec::new());
        }
        let slot = &mut self.items[self.len];
        slot.clear();
        slot.extend_from_slice(bytes);
        self.len += 1;
    }

    pub fn push_owned(&mut self, bytes: Vec<u8>) {
        if self.len == self.items.len() {
            self.items.push(bytes);
        } else {
            self.items[self.len] = bytes;
        }
        self.len += 1;
    }

    /// Moves argument `i` out (leaving it empty): lets SET keep a big value
    /// without copying it.
    pub fn take(&mut self, i: usize) -> Vec<u8> {
        std::mem::take(&mut self.items[..self.len][i])
    }

    pub fn to_vecs(&self) -> Vec<Vec<u8>> {
        self.iter().map(|a| a.to_vec()).collect()
    }

    /// Bytes held by the arguments (CLIENT LIST argv-mem).
    pub fn mem(&self) -> usize {
        self.iter().map(|a| a.len()).sum()
    }
}

/// Limits the parser enforces for one client.
#[derive(Clone, Copy)]
pub struct Limits {
    pub max_bulk_len: i64,
    /// Unauthenticated clients may only send small requests.
    pub authenticated: bool,
}

#[derive(Default)]
pub struct Parser {
    /// Arguments still expected in the current multibulk request.
    multibulk_left: i64,
    /// Length of the bulk being read, when its header was seen.
    bulk_len: Option<usize>,
    in_multibulk: bool,
    /// The big argument being filled directly by reads.
    big: Option<Vec<u8>>,
}

enum Step {
    Done(Parsed),
    /// An empty request was consumed; go on parsing.
    Skip,
}

pub enum Parsed {
    /// A full command is in the Argv.
    Command,
    /// More bytes are needed.
    Incomplete,
}

impl Parser {
    /// True when no request is partially parsed.
    pub fn is_idle(&self) -> bool {
        !self.in_multibulk && self.big.is_none()
    }

    /// When a big argument is being read: the buffer to read into and how
    /// many bytes it still needs (the argument and its CRLF).
    pub fn big_arg_room(&mut self) -> Option<(&mut Vec<u8>, usize)> {
        let need = self.bulk_len? + 2;
        let big = self.big.as_mut()?;
        let left = need - big.len();
        Some((big, left))
    }

    /// Parses at most one command from `buf[*pos..]`, advancing `pos` past
    /// what it consumed. On error the connection is closed after the reply.
    pub fn parse(&mut self, buf: &[u8], pos: &mut usize, argv: &mut Argv, limits: Limits) -> Result<Parsed, ReplyError> {
        loop {
            match self.parse_step(buf, pos, argv, limits)? {
                Step::Skip => continue,
                Step::Done(p) => return Ok(p),
            }
        }
    }

    fn parse_step(&mut self, buf: &[u8], pos: &mut usize, argv: &mut Argv, limits: Limits) -> Result<Step, ReplyError> {
        use Parsed::*;
        if !self.in_multibulk {
            if *pos >= buf.len() {
                return Ok(Step::Done(Incomplete));
            }
            if buf[*pos] != b'*' {
                return self.parse_inline(buf, pos, argv);
            }
            // A multibulk header: *<count>\r\n
            let Some(nl) = memchr(b'\r', &buf[*pos..]) else {
                if buf.len() - *pos > INLINE_MAX {
                    return Err(ReplyError::protocol_too_big_mbulk_count());
                }
                return Ok(Step::Done(Incomplete));
            };
            if *pos + nl + 1 >= buf.len() {
                return Ok(Step::Done(Incomplete));
            }
            let count = parse_len(&buf[*pos + 1..*pos + nl]);
            let count = match count {
                Some(n) if n <= i32::MAX as i64 => n,
                _ => return Err(ReplyError::protocol_invalid_multibulk_length()),
            };
            if count > 10 && !limits.authenticated {
                return Err(ReplyError::protocol_unauthenticated_multibulk_length());
            }
            *pos += nl + 2;
            argv.clear();
            if count <= 0 {
                // "*0" and "*-1" are empty requests, silently skipped.
                return Ok(Step::Skip);
            }
            self.multibulk_left = count;
            self.in_multibulk = true;
            self.bulk_len = None;
        }
        while self.multibulk_left > 0 {
            if let Some(big) = self.big.as_mut() {
                let need = self.bulk_len.unwrap() + 2;
                let take = (need - big.len()).min(buf.len() - *pos);
                big.extend_from_slice(&buf[*pos..*pos + take]);
                *pos += take;
                if big.len() < need {
                    return Ok(Step::Done(Incomplete));
                }
                let mut big = self.big.take().unwrap();
                big.truncate(need - 2);
                argv.push_owned(big);
                self.bulk_len = None;
                self.multibulk_left -= 1;
                continue;
            }
            if self.bulk_len.is_none() {
                let Some(nl) = memchr(b'\r', &buf[*pos..]) else {
                    if buf.len() - *pos > INLINE_MAX {
                        return Err(ReplyError::protocol_too_big_bulk_count());
                    }
                    return Ok(Step::Done(Incomplete));
                };
                if *pos + nl + 1 >= buf.len() {
                    return Ok(Step::Done(Incomplete));
                }
                if buf[*pos] != b'$' {
                    return Err(ReplyError::protocol_expected_dollar(buf[*pos]));
                }
                let len = match parse_len(&buf[*pos + 1..*pos + nl]) {
                    Some(n) if n >= 0 && n <= limits.max_bulk_len => n as usize,
                    _ => return Err(ReplyError::protocol_invalid_bulk_length()),
                };
                if len > 16384 && !limits.authenticated {
                    return Err(ReplyError::protocol_unauthenticated_bulk_length());
                }
                *pos += nl + 2;
                self.bulk_len = Some(len);
                if len >= BIG_ARG && buf.len() - *pos < len + 2 {
                    // Read the rest straight into the argument's own buffer.
                    let mut big = Vec::with_capacity(len + 2);
                    let have = buf.len() - *pos;
                    big.extend_from_slice(&buf[*pos..]);
                    *pos += have;
                    self.big = Some(big);
                    return Ok(Step::Done(Incomplete));
                }
            }
            let len = self.bulk_len.unwrap();
            if buf.len() - *pos < len + 2 {
                return Ok(Step::Done(Incomplete));
            }
            argv.push_slice(&buf[*pos..*pos + len]);
            *pos += len + 2;
            self.bulk_len = None;
            self.multibulk_left -= 1;
        }
        self.in_multibulk = false;
        Ok(Step::Done(Command))
    }

    /// Bytes held by a big argument still being received (they count
    /// against client-query-buffer-limit like the query buffer does).
    pub fn big_arg_len(&self) -> usize {
        self.big.as_ref().map_or(0, |b| b.len())
    }

    /// Called after the reactor read directly into the big-argument buffer.
    pub fn big_arg_complete(&self) -> bool {
        match (&self.big, self.bulk_len) {
            (Some(b), Some(len)) => b.len() >= len + 2,
            _ => false,
        }
    }

    fn parse_inline(&mut self, buf: &[u8], pos: &mut usize, argv: &mut Argv) -> Result<Step, ReplyError> {
        // Redis finds the newline with strchr, which stops at a NUL: a NUL
        // before the newline means "no complete line yet".
        let rest = &buf[*pos..];
        let nl = memchr(b'\n', rest).filter(|&nl| memchr(0, &rest[..nl]).is_none());
        let Some(nl) = nl else {
            if buf.len() - *pos > INLINE_MAX {
                return Err(ReplyError::protocol_too_big_inline());
            }
            return Ok(Step::Done(Parsed::Incomplete));
        };
        let mut line = &buf[*pos..*pos + nl];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        *pos += nl + 1;
        argv.clear();
        if !line.iter().any(|&b| b == b'"' || b == b'\'') {
            // No quoting: split on whitespace straight into the argv slots.
            for tok in line.split(|&b| is_space(b) || b == 0).filter(|t| !t.is_empty()) {
                argv.push_slice(tok);
            }
        } else {
            let args = split_args(line).ok_or_else(ReplyError::protocol_unbalanced_quotes)?;
            for a in args {
                argv.push_owned(a);
            }
        }
        if argv.is_empty() {
            return Ok(Step::Skip);
        }
        Ok(Step::Done(Parsed::Command))
    }
}

#[inline]
fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

/// A length field: like string2ll (optional '-', digits, no overflow).
fn parse_len(s: &[u8]) -> Option<i64> {
    crate::util::num::parse_i64_strict(s)
}

/// Splits an inline request or a config line into arguments with Redis's
/// quoting rules (sdssplitargs): "double quotes" with \n \r \t \b \a \\ \"
/// and \xHH escapes, 'single quotes' with \' only. A closing quote must be
/// followed by a space or the end. None means unbalanced quotes.
pub fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut args = Vec::new();
    let mut i = 0;
    // sdssplitargs works on a C string: a NUL ends the line.
    let n = memchr(0, line).unwrap_or(line.len());
    loop {
        while i < n && (line[i] == b' ' || line[i] == b'\t' || line[i] == b'\n' || line[i] == b'\r' || line[i] == 0x0b || line[i] == 0x0c) {
            i += 1;
        }
        if i >= n {
            return Some(args);
        }
        let mut cur = Vec::new();
        let mut in_dq = false;
        let mut in_sq = false;
        loop {
            if in_dq {
                if i >= n {
                    return None;
                }
                if line[i] == b'\\'
                    && i + 3 < n
                    && line[i + 1] == b'x'
                    && line[i + 2].is_ascii_hexdigit()
                    && line[i + 3].is_ascii_hexdigit()
                {
                    let hex = |c: u8| (c as char).to_digit(16).unwrap() as u8;
                    cur.push(hex(line[i + 2]) * 16 + hex(line[i + 3]));
                    i += 3;
                } else if line[i] == b'\\' && i + 1 < n {
                    i += 1;
                    cur.push(match line[i] {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        c => c,
                    });
                } else if line[i] == b'"' {
                    if i + 1 < n && !is_space(line[i + 1]) {
                        return None;
                    }
                    i += 1;
                    break;
                } else {
                    cur.push(line[i]);
                }
            } else if in_sq {
                if i >= n {
                    return None;
                }
                if line[i] == b'\\' && i + 1 < n && line[i + 1] == b'\'' {
                    i += 1;
                    cur.push(b'\'');
                } else if line[i] == b'\'' {
                    if i + 1 < n && !is_space(line[i + 1]) {
                        return None;
                    }
                    i += 1;
                    break;
                } else {
                    cur.push(line[i]);
                }
            } else {
                if i >= n {
                    break;
                }
                match line[i] {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => break,
                    b'"' => in_dq = true,
                    b'\'' => in_sq = true,
                    c => cur.push(c),
                }
            }
            i += 1;
        }
        args.push(cur);
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::rand::TestRng;

    const LIM: Limits = Limits { max_bulk_len: 512 * 1024 * 1024, authenticated: true };

    fn parse_all(input: &[u8]) -> Result<Vec<Vec<Vec<u8>>>, String> {
        let mut p = Parser::default();
        let mut argv = Argv::new();
        let mut pos = 0;
        let mut out = Vec::new();
        loop {
            // The tables below give the text after the ERR code.
            let parsed = p.parse(input, &mut pos, &mut argv, LIM);
            match parsed.map_err(|e| String::from_utf8_lossy(e.text().strip_prefix(b"ERR ").expect("an ERR error")).into_owned())? {
                Parsed::Command => out.push(argv.to_vecs()),
                Parsed::Incomplete => return Ok(out),
            }
        }
    }

    #[test]
    fn multibulk_and_inline() {
        let cmds = parse_all(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\nset a \"b c\"\r\n*0\r\n").unwrap();
        assert_eq!(cmds.len(), 3);
        assert_eq!(cmds[0], vec![b"GET".to_vec(), b"k".to_vec()]);
        assert_eq!(cmds[1], vec![b"PING".to_vec()]);
        assert_eq!(cmds[2], vec![b"set".to_vec(), b"a".to_vec(), b"b c".to_vec()]);
    }

    #[test]
    fn byte_by_byte_arrival() {
        let input = b"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
        let mut p = Parser::default();
        let mut argv = Argv::new();
        let mut buf = Vec::new();
        let mut pos = 0;
        let mut done = 0;
        for &b in input.iter() {
            buf.push(b);
            if let Parsed::Command = p.parse(&buf, &mut pos, &mut argv, LIM).unwrap() {
                done += 1;
            }
        }
        assert_eq!(done, 1);
        assert_eq!(argv.get(2), b"value");
    }

    #[test]
    fn big_argument_uses_own_buffer() {
        let val = vec![b'x'; BIG_ARG * 2];
        let mut input = format!("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n${}\r\n", val.len()).into_bytes();
        input.extend_from_slice(&val[..100]);
        let mut p = Parser::default();
        let mut argv = Argv::new();
        let mut pos = 0;
        assert!(matches!(p.parse(&input, &mut pos, &mut argv, LIM).unwrap(), Parsed::Incomplete));
        assert_eq!(pos, input.len());
        let (big, left) = p.big_arg_room().unwrap();
        assert_eq!(left, val.len() - 100 + 2);
        big.extend_from_slice(&val[100..]);
        big.extend_from_slice(b"\r\n");
        assert!(p.big_arg_complete());
        let mut pos = 0;
        assert!(matches!(p.parse(b"", &mut pos, &mut argv, LIM).unwrap(), Parsed::Command));
        assert_eq!(argv.get(2).len(), val.len());
    }

    #[test]
    fn protocol_errors_match_redis() {
        let cases: &[(&[u8], &str)] = &[
            (b"*x\r\n", "Protocol error: invalid multibulk length"),
            (b"*3000000000\r\n", "Protocol error: invalid multibulk length"),
            (b"*1\r\n$-5\r\n", "Protocol error: invalid bulk length"),
            (b"*1\r\nfoo\r\n", "Protocol error: expected '$', got 'f'"),
            (b"set \"a\r\n", "Protocol error: unbalanced quotes in request"),
            (b"*1\r\n$600000000\r\n", "Protocol error: invalid bulk length"),
        ];
        for (input, want) in cases {
            assert_eq!(parse_all(input).unwrap_err(), *want, "{:?}", String::from_utf8_lossy(input));
        }
        let long = vec![b'a'; INLINE_MAX + 1];
        assert_eq!(parse_all(&long).unwrap_err(), "Protocol error: too big inline request");
    }

    #[test]
    fn split_args_quoting() {
        let a = split_args(b"set k \"a\\x41\\n\" 'it\\'s'").unwrap();
        assert_eq!(a, vec![b"set".to_vec(), b"k".to_vec(), b"aA\n".to_vec(), b"it's".to_vec()]);
        assert!(split_args(b"\"abc\"def").is_none());
        assert!(split_args(b"'abc").is_none());
        assert_eq!(split_args(b"  ").unwrap().len(), 0);
        assert_eq!(split_args(b"\"\"").unwrap(), vec![Vec::<u8>::new()]);
        // A NUL ends the line (C string), and used to loop forever.
        assert_eq!(split_args(b"ab\0c d").unwrap(), vec![b"ab".to_vec()]);
        assert_eq!(split_args(b"\0\x01").unwrap().len(), 0);
        assert!(split_args(b"\"a\0\"").is_none());
    }

    #[test]
    fn random_input_never_panics() {
        // A cheap deterministic fuzz: random bytes biased towards protocol
        // characters, cut at random places.
        let alphabet = b"*$\r\n0123456789-abc \"'\\x";
        let mut rng = TestRng(0x1234_5678);
        for _ in 0..20_000 {
            let mut input = Vec::new();
            let seed = rng.next();
            let len = (seed % 64) as usize;
            for j in 0..len {
                let r = seed.rotate_left(j as u32 * 7) ^ (j as u64 * 0x9e37);
                input.push(alphabet[(r % alphabet.len() as u64) as usize]);
            }
            let _ = parse_all(&input);
        }
    }

    /// Property: any sequence of well-formed commands, delivered in
    /// arbitrary chunks (including big arguments that take the direct-read
    /// path), parses back to exactly the commands sent.
    #[test]
    fn chunked_delivery_round_trips() {
        let mut rng = TestRng(0x9e37_79b9_7f4a_7c15);
        let mut rnd = || rng.next();
        for _round in 0..200 {
            let mut cmds: Vec<Vec<Vec<u8>>> = Vec::new();
            let mut wire = Vec::new();
            for _ in 0..(1 + rnd() % 8) {
                let argc = 1 + (rnd() % 5) as usize;
                let mut cmd = Vec::new();
                wire.extend_from_slice(format!("*{}\r\n", argc).as_bytes());
                for _ in 0..argc {
                    let len = match rnd() % 10 {
                        0 => BIG_ARG + (rnd() % 1000) as usize,
                        1 => 0,
                        _ => (rnd() % 40) as usize,
                    };
                    let arg: Vec<u8> = (0..len).map(|_| (rnd() % 256) as u8).collect();
                    wire.extend_from_slice(format!("${}\r\n", len).as_bytes());
                    wire.extend_from_slice(&arg);
                    wire.extend_from_slice(b"\r\n");
                    cmd.push(arg);
                }
                cmds.push(cmd);
            }
            // Deliver in random chunks, the way the reactor does: unparsed
            // bytes stay in the buffer, big arguments are filled directly.
            let mut p = Parser::default();
            let mut argv = Argv::new();
            let mut buf: Vec<u8> = Vec::new();
            let mut got = Vec::new();
            let mut sent = 0;
            while sent < wire.len() {
                let n = (1 + (rnd() % 3000) as usize).min(wire.len() - sent);
                let mut chunk = &wire[sent..sent + n];
                sent += n;
                if let Some((big, left)) = p.big_arg_room() {
                    let take = left.min(chunk.len());
                    big.extend_from_slice(&chunk[..take]);
                    chunk = &chunk[take..];
                }
                buf.extend_from_slice(chunk);
                let mut pos = 0;
                loop {
                    match p.parse(&buf, &mut pos, &mut argv, LIM).unwrap() {
                        Parsed::Command => got.push(argv.to_vecs()),
                        Parsed::Incomplete => break,
                    }
                }
                buf.drain(..pos);
            }
            assert_eq!(got, cmds);
        }
    }
}
