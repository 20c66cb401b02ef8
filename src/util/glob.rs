//! Redis glob-style pattern matching (KEYS, SCAN MATCH, CONFIG GET, PSUBSCRIBE);
//! mirrors stringmatchlen in util.c: `*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x`.
//!
//! Unlike the recursive original this matcher backtracks only to the last
//! `*`, so hostile patterns such as `*a*a*a*a*b` stay linear-ish instead of
//! exponential.

/// True when `string` matches `pattern`.
pub fn glob_match(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    let (mut p, mut s) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p < pattern.len() {
            match pattern[p] {
                b'*' => {
                    while p + 1 < pattern.len() && pattern[p + 1] == b'*' {
                        p += 1;
                    }
                    star = Some((p, s));
                    p += 1;
                    continue;
                }
                _ if s < string.len() => {
                    if let Some(np) = match_one(pattern, p, string[s], nocase) {
                        p = np;
                        s += 1;
                        continue;
                    }
                }
                _ => {}
            }
        } else if s == string.len() {
            return true;
        }
        // Mismatch: retry from the last star, consuming one more byte.
        match star {
            Some((sp, ss)) if ss < string.len() => {
                star = Some((sp, ss + 1));
                p = sp + 1;
                s = ss + 1;
            }
            _ => return false,
        }
    }
}

/// Matches one pattern element at `p` against byte `c`; returns the
/// position after the element on success.
fn match_one(pat: &[u8], p: usize, c: u8, nocase: bool) -> Option<usize> {
    let eq = |a: u8, b: u8| if nocase { a.eq_ignore_ascii_case(&b) } else { a == b };
    match pat[p] {
        b'?' => Some(p + 1),
        b'\\' if p + 1 < pat.len() => eq(pat[p + 1], c).then_some(p + 2),
        b'[' => {
            let mut i = p + 1;
            let not = i < pat.len() && pat[i] == b'^';
            if not {
                i += 1;
            }
            let mut matched = false;
            loop {
                if i >= pat.len() {
                    // Unterminated class: Redis treats the end as closing it.
                    i = pat.len();
                    break;
                }
                if pat[i] == b'\\' && i + 2 < pat.len() + 1 && i + 1 < pat.len() {
                    i += 1;
                    if eq(pat[i], c) {
                        matched = true;
                    }
                } else if pat[i] == b']' {
                    i += 1;
                    break;
                } else if i + 2 < pat.len() && pat[i + 1] == b'-' {
                    let (mut lo, mut hi) = (pat[i], pat[i + 2]);
                    if lo > hi {
                        std::mem::swap(&mut lo, &mut hi);
                    }
                    let (cl, lo2, hi2) =
                        if nocase { (c.to_ascii_lowercase(), lo.to_ascii_lowercase(), hi.to_ascii_lowercase()) } else { (c, lo, hi) };
                    if cl >= lo2 && cl <= hi2 {
                        matched = true;
                    }
                    i += 2;
                } else if eq(pat[i], c) {
                    matched = true;
                }
                i += 1;
            }
            if not {
                matched = !matched;
            }
            matched.then_some(i)
        }
        other => eq(other, c).then_some(p + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn patterns() {
        let cases: &[(&str, &str, bool)] = &[
            ("*", "anything", true),
            ("*", "", true),
            ("h?llo", "hello", true),
            ("h?llo", "hllo", false),
            ("h*llo", "heeeello", true),
            ("h[ae]llo", "hallo", true),
            ("h[ae]llo", "hillo", false),
            ("h[^e]llo", "hallo", true),
            ("h[^e]llo", "hello", false),
            ("h[a-b]llo", "hbllo", true),
            ("h[a-b]llo", "hcllo", false),
            ("h\\*llo", "h*llo", true),
            ("h\\*llo", "hallo", false),
            ("*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false),
            ("user:*", "user:1", true),
            ("user:*", "use", false),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
        ];
        for (p, s, want) in cases {
            assert_eq!(glob_match(p.as_bytes(), s.as_bytes(), false), *want, "{} ~ {}", p, s);
        }
        assert!(glob_match(b"HELLO", b"hello", true));
    }
}
