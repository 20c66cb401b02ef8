//! A command's argument grammar (`Command::args`, documented in table.rs)
//! parsed into the tree COMMAND DOCS reports; mirrors `redisCommandArg`
//! (server.h), the `arguments` of Redis's command JSON files.
//!
//! Specs are parsed when COMMAND DOCS asks, not at start-up: they are
//! small, the reply is rare, and a unit test parses every declared spec,
//! so a malformed one fails the build's tests instead of a client's call.

use std::borrow::Cow;
use std::fmt;

/// An argument's type, as COMMAND DOCS names it (ARG_TYPE_STR).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgType {
    String,
    Integer,
    Double,
    Key,
    Pattern,
    UnixTime,
    PureToken,
    OneOf,
    Block,
}

impl ArgType {
    pub fn name(self) -> &'static str {
        match self {
            ArgType::String => "string",
            ArgType::Integer => "integer",
            ArgType::Double => "double",
            ArgType::Key => "key",
            ArgType::Pattern => "pattern",
            ArgType::UnixTime => "unix-time",
            ArgType::PureToken => "pure-token",
            ArgType::OneOf => "oneof",
            ArgType::Block => "block",
        }
    }

    /// The types written after `name:`; the others follow from the shape
    /// (an upper-case word, a parenthesized group).
    fn from_annotation(word: &str) -> Option<ArgType> {
        [ArgType::String, ArgType::Integer, ArgType::Double, ArgType::Key, ArgType::Pattern, ArgType::UnixTime]
            .into_iter()
            .find(|t| t.name() == word)
    }
}

/// One argument of a command (or of a oneof/block), with the fields
/// COMMAND DOCS prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    pub name: Cow<'static, str>,
    pub kind: ArgType,
    pub key_spec_index: Option<u32>,
    pub token: Option<&'static str>,
    pub since: Option<&'static str>,
    pub deprecated_since: Option<&'static str>,
    pub optional: bool,
    pub multiple: bool,
    /// The token repeats with each value (`[GET pattern]...`).
    pub multiple_token: bool,
    /// The alternatives of a oneof, the parts of a block.
    pub args: Vec<Arg>,
}

impl Arg {
    fn new(name: Cow<'static, str>, kind: ArgType) -> Arg {
        Arg {
            name,
            kind,
            key_spec_index: None,
            token: None,
            since: None,
            deprecated_since: None,
            optional: false,
            multiple: false,
            multiple_token: false,
            args: Vec::new(),
        }
    }

    /// The flags COMMAND DOCS prints, in Redis's order.
    pub fn flags(&self) -> impl Iterator<Item = &'static str> {
        [(self.optional, "optional"), (self.multiple, "multiple"), (self.multiple_token, "multiple_token")]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, name)| name)
    }
}

/// Where and why a spec does not parse.
#[derive(Debug, PartialEq, Eq)]
pub struct SpecError {
    /// Byte offset in the spec.
    pub at: usize,
    pub what: &'static str,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "at byte {}: {}", self.at, self.what)
    }
}

/// Parses a spec (see `Command::args` in table.rs) into its argument tree.
pub fn parse(spec: &'static str) -> Result<Vec<Arg>, SpecError> {
    let mut p = Parser { toks: lex(spec)?, pos: 0, end: spec.len(), next_key: 0 };
    let args = p.sequence()?;
    match p.peek() {
        None => Ok(args),
        Some(_) => Err(p.error("unbalanced ']', ')' or '|' outside a group")),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Open(u8),
    Close(u8),
    Bar,
    Ellipsis,
    Colon,
    Equals,
    /// `@7.0.0`
    Since(&'static str),
    /// `!2.8.12`
    Deprecated(&'static str),
    /// `#1`
    KeySpec(u32),
    /// A bare lower-case word or a "quoted" one.
    Name(&'static str),
    /// An upper-case word or a 'quoted' one.
    Token(&'static str),
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'/')
}

fn lex(spec: &'static str) -> Result<Vec<(usize, Tok)>, SpecError> {
    let s = spec.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    let err = |at, what| Err(SpecError { at, what });
    while i < s.len() {
        let start = i;
        let tok = match s[i] {
            b' ' | b'\t' | b'\n' => {
                i += 1;
                continue;
            }
            b @ (b'[' | b'(') => {
                i += 1;
                Tok::Open(b)
            }
            b @ (b']' | b')') => {
                i += 1;
                Tok::Close(b)
            }
            b'|' => {
                i += 1;
                Tok::Bar
            }
            b':' => {
                i += 1;
                Tok::Colon
            }
            b'=' => {
                i += 1;
                Tok::Equals
            }
            b'.' if s[i..].starts_with(b"...") => {
                i += 3;
                Tok::Ellipsis
            }
            q @ (b'"' | b'\'') => {
                let Some(len) = s[i + 1..].iter().position(|&b| b == q) else { return err(i, "unterminated quote") };
                if len == 0 {
                    return err(i, "empty quotes");
                }
                let text = &spec[i + 1..i + 1 + len];
                i += len + 2;
                if q == b'"' {
                    Tok::Name(text)
                } else {
                    Tok::Token(text)
                }
            }
            b @ (b'@' | b'!') => {
                // A version: digits and single dots ("7.0.0", stopping before a "...").
                i += 1;
                while i < s.len() && (s[i].is_ascii_digit() || (s[i] == b'.' && s.get(i + 1).is_some_and(u8::is_ascii_digit))) {
                    i += 1;
                }
                let version = &spec[start + 1..i];
                if version.split('.').count() != 3 || version.split('.').any(str::is_empty) {
                    return err(start, "a version is written x.y.z");
                }
                if b == b'@' {
                    Tok::Since(version)
                } else {
                    Tok::Deprecated(version)
                }
            }
            b'#' => {
                i += 1;
                while i < s.len() && s[i].is_ascii_digit() {
                    i += 1;
                }
                match spec[start + 1..i].parse() {
                    Ok(n) => Tok::KeySpec(n),
                    Err(_) => return err(start, "'#' takes a key spec index"),
                }
            }
            b if is_word_byte(b) => {
                while i < s.len() && is_word_byte(s[i]) {
                    i += 1;
                }
                let word = &spec[start..i];
                if word.as_bytes()[0].is_ascii_lowercase() {
                    Tok::Name(word)
                } else if word.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_') {
                    Tok::Token(word)
                } else {
                    return err(start, "a word is a lower-case name or an upper-case token (quote others)");
                }
            }
            _ => return err(i, "unexpected character"),
        };
        toks.push((start, tok));
    }
    Ok(toks)
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    end: usize,
    /// The index an unnumbered key argument takes: one past the highest so far.
    next_key: u32,
}

impl Parser {
    fn peek(&self) -> Option<Tok> {
        self.toks.get(self.pos).map(|t| t.1)
    }

    fn peek_at(&self, ahead: usize) -> Option<Tok> {
        self.toks.get(self.pos + ahead).map(|t| t.1)
    }

    fn error(&self, what: &'static str) -> SpecError {
        SpecError { at: self.toks.get(self.pos).map_or(self.end, |t| t.0), what }
    }

    fn expect(&mut self, tok: Tok, what: &'static str) -> Result<(), SpecError> {
        if self.peek() == Some(tok) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(what))
        }
    }

    /// Items up to a closing bracket, a '|' or the end.
    fn sequence(&mut self) -> Result<Vec<Arg>, SpecError> {
        let mut args = Vec::new();
        while let Some(tok) = self.peek() {
            if matches!(tok, Tok::Close(_) | Tok::Bar) {
                break;
            }
            args.push(self.item()?);
        }
        Ok(args)
    }

    /// `[element]`, `[element]...` or `element`.
    fn item(&mut self) -> Result<Arg, SpecError> {
        if self.peek() != Some(Tok::Open(b'[')) {
            return self.element();
        }
        self.pos += 1;
        let mut arg = self.element()?;
        self.expect(Tok::Close(b']'), "expected ']' (one argument per brackets: name a group for more)")?;
        arg.optional = true;
        if self.peek() == Some(Tok::Ellipsis) {
            if arg.token.is_none() || arg.multiple {
                return Err(self.error("'[...]...' repeats a token: the argument needs one, and no '...' of its own"));
            }
            self.pos += 1;
            arg.multiple = true;
            arg.multiple_token = true;
        }
        Ok(arg)
    }

    /// `TOKEN`, `name=TOKEN`, or `[TOKEN] name[:type]`, then annotations.
    fn element(&mut self) -> Result<Arg, SpecError> {
        let mut arg = match (self.peek(), self.peek_at(1)) {
            // A token binds to the name after it, unless that name is a `name=TOKEN` of its own.
            (Some(Tok::Token(token)), Some(Tok::Name(_))) if self.peek_at(2) != Some(Tok::Equals) => {
                self.pos += 1;
                let mut arg = self.named()?;
                arg.token = Some(token);
                arg
            }
            (Some(Tok::Token(token)), _) => {
                self.pos += 1;
                let mut arg = Arg::new(Cow::Owned(token.to_ascii_lowercase()), ArgType::PureToken);
                arg.token = Some(token);
                arg
            }
            (Some(Tok::Name(name)), Some(Tok::Equals)) => {
                self.pos += 2;
                let Some(Tok::Token(token)) = self.peek() else { return Err(self.error("'name=' is followed by a token")) };
                self.pos += 1;
                let mut arg = Arg::new(Cow::Borrowed(name), ArgType::PureToken);
                arg.token = Some(token);
                arg
            }
            (Some(Tok::Name(_)), _) => self.named()?,
            _ => return Err(self.error("expected an argument")),
        };
        self.annotations(&mut arg)?;
        Ok(arg)
    }

    /// `name`, `name:type` or `name:(group)`.
    fn named(&mut self) -> Result<Arg, SpecError> {
        let Some(Tok::Name(name)) = self.peek() else { return Err(self.error("expected a name")) };
        self.pos += 1;
        if self.peek() != Some(Tok::Colon) {
            return Ok(Arg::new(Cow::Borrowed(name), ArgType::String));
        }
        self.pos += 1;
        match self.peek() {
            Some(Tok::Open(b'(')) => {
                self.pos += 1;
                let (kind, args) = self.group()?;
                let mut arg = Arg::new(Cow::Borrowed(name), kind);
                arg.args = args;
                Ok(arg)
            }
            Some(Tok::Name(word)) => match ArgType::from_annotation(word) {
                Some(kind) => {
                    self.pos += 1;
                    Ok(Arg::new(Cow::Borrowed(name), kind))
                }
                None => Err(self.error("unknown type (string, integer, double, key, pattern, unix-time)")),
            },
            _ => Err(self.error("':' is followed by a type or a '(' group")),
        }
    }

    /// After '(': `a b c)` is a block, `a | b | c)` a oneof.
    fn group(&mut self) -> Result<(ArgType, Vec<Arg>), SpecError> {
        // Errors about the whole group point at its first argument.
        let first = self.error("");
        let at = |what| SpecError { what, ..first };
        let mut alternatives = vec![self.sequence()?];
        while self.peek() == Some(Tok::Bar) {
            self.pos += 1;
            alternatives.push(self.sequence()?);
        }
        self.expect(Tok::Close(b')'), "expected ')'")?;
        match alternatives.as_slice() {
            [parts] if parts.is_empty() => Err(at("empty group")),
            [_] => Ok((ArgType::Block, alternatives.remove(0))),
            _ if alternatives.iter().any(|alt| alt.len() != 1) => {
                Err(at("each alternative of a oneof is one argument (name a block for more)"))
            }
            _ => Ok((ArgType::OneOf, alternatives.into_iter().flatten().collect())),
        }
    }

    /// `...`, `@since`, `!deprecated-since`, `#key-spec-index`, each at most once.
    fn annotations(&mut self, arg: &mut Arg) -> Result<(), SpecError> {
        loop {
            match self.peek() {
                Some(Tok::Ellipsis) if !arg.multiple => arg.multiple = true,
                Some(Tok::Since(v)) if arg.since.is_none() => arg.since = Some(v),
                Some(Tok::Deprecated(v)) if arg.deprecated_since.is_none() => arg.deprecated_since = Some(v),
                Some(Tok::KeySpec(n)) if arg.key_spec_index.is_none() => {
                    if !matches!(arg.kind, ArgType::Key | ArgType::Pattern) {
                        return Err(self.error("only key and pattern arguments have a key spec index"));
                    }
                    arg.key_spec_index = Some(n);
                }
                Some(Tok::Ellipsis | Tok::Since(_) | Tok::Deprecated(_) | Tok::KeySpec(_)) => {
                    return Err(self.error("an annotation given twice"));
                }
                _ => break,
            }
            self.pos += 1;
        }
        if arg.kind == ArgType::Key && arg.key_spec_index.is_none() {
            arg.key_spec_index = Some(self.next_key);
        }
        if let Some(n) = arg.key_spec_index {
            self.next_key = self.next_key.max(n + 1);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Builders for expected trees.
    fn arg(name: &'static str, kind: ArgType) -> Arg {
        Arg::new(Cow::Borrowed(name), kind)
    }

    fn token(mut a: Arg, t: &'static str) -> Arg {
        a.token = Some(t);
        a
    }

    fn pure(t: &'static str) -> Arg {
        token(Arg::new(Cow::Owned(t.to_ascii_lowercase()), ArgType::PureToken), t)
    }

    fn since(mut a: Arg, v: &'static str) -> Arg {
        a.since = Some(v);
        a
    }

    fn optional(mut a: Arg) -> Arg {
        a.optional = true;
        a
    }

    fn multiple(mut a: Arg) -> Arg {
        a.multiple = true;
        a
    }

    fn key(name: &'static str, index: u32) -> Arg {
        let mut a = arg(name, ArgType::Key);
        a.key_spec_index = Some(index);
        a
    }

    fn group(name: &'static str, kind: ArgType, args: Vec<Arg>) -> Arg {
        let mut a = arg(name, kind);
        a.args = args;
        a
    }

    #[test]
    fn set_with_oneofs_tokens_and_versions() {
        let spec = "key:key value [condition:(NX | XX)@2.6.12] [GET@6.2.0] \
                    [expiration:(EX seconds:integer@2.6.12 | EXAT unix-time-seconds:unix-time@6.2.0 | KEEPTTL@6.0.0)]";
        assert_eq!(
            parse(spec).unwrap(),
            vec![
                key("key", 0),
                arg("value", ArgType::String),
                optional(since(group("condition", ArgType::OneOf, vec![pure("NX"), pure("XX")]), "2.6.12")),
                optional(since(pure("GET"), "6.2.0")),
                optional(group(
                    "expiration",
                    ArgType::OneOf,
                    vec![
                        since(token(arg("seconds", ArgType::Integer), "EX"), "2.6.12"),
                        since(token(arg("unix-time-seconds", ArgType::UnixTime), "EXAT"), "6.2.0"),
                        since(pure("KEEPTTL"), "6.0.0"),
                    ]
                )),
            ]
        );
    }

    #[test]
    fn blocks_multiple_and_named_pure_tokens() {
        // ZADD's shape: a repeated block, a pure token named apart from its token.
        assert_eq!(
            parse("key:key [change=CH@3.0.2] score_member:(score:double member)...").unwrap(),
            vec![
                key("key", 0),
                optional(since(token(arg("change", ArgType::PureToken), "CH"), "3.0.2")),
                multiple(group("score_member", ArgType::Block, vec![arg("score", ArgType::Double), arg("member", ArgType::String)])),
            ]
        );
        // A block with a token, nested in a oneof, inside an optional repeated oneof.
        let mut op = group(
            "operation",
            ArgType::OneOf,
            vec![
                token(
                    group("encoding_offset", ArgType::Block, vec![arg("encoding", ArgType::String), arg("offset", ArgType::Integer)]),
                    "GET",
                ),
                optional(token(group("wrap", ArgType::OneOf, vec![pure("WRAP"), pure("SAT")]), "OVERFLOW")),
            ],
        );
        op.optional = true;
        op.multiple = true;
        assert_eq!(
            parse("key:key [operation:(GET encoding_offset:(encoding offset:integer) | [OVERFLOW wrap:(WRAP | SAT)])...]").unwrap(),
            vec![key("key", 0), op]
        );
    }

    #[test]
    fn repeated_tokens_key_specs_and_quoted_words() {
        let mut get = token(arg("pattern", ArgType::Pattern), "GET");
        get.key_spec_index = Some(1);
        get.optional = true;
        get.multiple = true;
        get.multiple_token = true;
        let mut by = optional(token(arg("pattern", ArgType::Pattern), "BY"));
        by.key_spec_index = Some(1);
        // An unnumbered key takes one past the highest index so far.
        assert_eq!(
            parse("key:key [BY pattern:pattern#1] [GET pattern:pattern#1]... [STORE destination:key]").unwrap(),
            vec![key("key", 0), by, get, optional(token(key("destination", 2), "STORE"))]
        );
        assert_eq!(parse("key1:key key2:key#0").unwrap(), vec![key("key1", 0), key("key2", 0)]);
        let mut old = arg("ip:port", ArgType::String);
        old.deprecated_since = Some("2.8.12");
        assert_eq!(
            parse(r#"filter:("ip:port"!2.8.12 | 'lib-name' name)"#).unwrap(),
            vec![group("filter", ArgType::OneOf, vec![old, token(arg("name", ArgType::String), "lib-name")])]
        );
        assert_eq!(parse("").unwrap(), vec![]);
        assert_eq!(parse("[id:(client-id:integer...)]").unwrap()[0].args, vec![multiple(arg("client-id", ArgType::Integer))]);
    }

    #[test]
    fn malformed_specs_are_rejected() {
        for (spec, what) in [
            ("key:key [value", "expected ']' (one argument per brackets: name a group for more)"),
            ("[a b]", "expected ']' (one argument per brackets: name a group for more)"),
            ("a:(b c", "expected ')'"),
            ("a b)", "unbalanced ']', ')' or '|' outside a group"),
            ("a | b", "unbalanced ']', ')' or '|' outside a group"),
            ("a:()", "empty group"),
            ("a:(b c | d)", "each alternative of a oneof is one argument (name a block for more)"),
            ("a:int", "unknown type (string, integer, double, key, pattern, unix-time)"),
            ("a:", "':' is followed by a type or a '(' group"),
            ("[a]...", "'[...]...' repeats a token: the argument needs one, and no '...' of its own"),
            ("[GET a...]...", "'[...]...' repeats a token: the argument needs one, and no '...' of its own"),
            ("a@7.0", "a version is written x.y.z"),
            ("a@7.0.0@7.0.0", "an annotation given twice"),
            ("a#1", "only key and pattern arguments have a key spec index"),
            ("Foo", "a word is a lower-case name or an upper-case token (quote others)"),
            ("a 'b", "unterminated quote"),
            ("x= a", "'name=' is followed by a token"),
            ("a;", "unexpected character"),
            ("...", "expected an argument"),
        ] {
            assert_eq!(parse(spec).map_err(|e| e.what), Err(what), "{:?}", spec);
        }
        // A group's own errors point inside it, where its arguments start.
        assert_eq!(parse("x a:(b c | d) y").unwrap_err().at, 5);
        assert_eq!(
            parse("key:key [value").unwrap_err().to_string(),
            "at byte 14: expected ']' (one argument per brackets: name a group for more)"
        );
    }
}
