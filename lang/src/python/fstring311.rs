//! Python 3.11's f-string rules that PEP 701 (3.12, the grammar ruff parses) dropped: no
//! backslash and no `#` in an f-string's expression part. In 3.11 an f-string is one STRING token,
//! lexed like any string, and its braces are scanned only when the parser builds the string atom
//! (`string_parser.c`, `fstring_find_literal` / `fstring_find_expr`), so ruff's tokens (which
//! read `#` inside braces as a comment) cannot say it; this module scans the source as 3.11 does.
//!
//! CPython raises the error at the token after the whole run of adjacent strings (the parser's
//! lookahead when the atom's action runs): the next operator or name, or the line's NEWLINE token
//! (which starts at a trailing comment when there is one).

use super::skip_string_or_comment;
use crate::diagnostics::Diagnostic;
use crate::span::Span;

const BACKSLASH: &str = "f-string expression part cannot include a backslash";
const HASH: &str = "f-string expression part cannot include '#'";

/// What scanning one f-string found first.
enum Scan {
    Ok,
    /// A backslash or `#` in an expression part: the message.
    Bad(&'static str),
    /// Some other error CPython reports first (fcall's usual path words it).
    Other,
}

/// The first f-string that 3.11 rejects for a backslash or `#` in its braces, when no other
/// error of the same string run comes first: where its run of strings starts (to order it
/// against other errors) and CPython's SyntaxError at the token after the run.
pub fn bad_expression_part(src: &str) -> Option<(usize, Diagnostic)> {
    let b = src.as_bytes();
    let mut brackets: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'#' => i = skip_string_or_comment(b, i).0,
            b'\\' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'(' | b'[' | b'{' => {
                brackets.push(c);
                i += 1;
            }
            b')' | b']' | b'}' => {
                // 3.11's tokenizer stops at an unmatched closer before any later string.
                if brackets.pop() != Some(super::complete::opener_of(c)) {
                    return None;
                }
                i += 1;
            }
            _ => match string_at(b, i) {
                Some(_) => {
                    let start = i;
                    let mut first: Option<Scan> = None;
                    let mut bytes_mode = None;
                    // The run of adjacent strings, and the token after it.
                    loop {
                        let (prefix, quote) = string_at(b, i)?;
                        let (end, open) = skip_string_or_comment(b, quote);
                        if open.is_some() {
                            return None;
                        }
                        if first.is_none() {
                            let p = prefix.to_ascii_lowercase();
                            let bytes = p.contains('b');
                            if *bytes_mode.get_or_insert(bytes) != bytes {
                                first = Some(Scan::Other); // "cannot mix bytes and nonbytes literals"
                            } else if p.contains('f') {
                                let q = if end - quote >= 6 && b[quote + 1] == b[quote] && b[quote + 2] == b[quote] { 3 } else { 1 };
                                match fstring(&b[quote + q..end - q], p.contains('r')) {
                                    Scan::Ok => {}
                                    s => first = Some(s),
                                }
                            }
                        }
                        i = next_token(b, end, !brackets.is_empty());
                        if string_at(b, i).is_none() {
                            break;
                        }
                    }
                    // The run ends the input inside brackets: 3.11's tokenizer reports the
                    // unclosed bracket before the parser sees the string.
                    if i >= b.len() && !brackets.is_empty() {
                        return None;
                    }
                    match first {
                        Some(Scan::Bad(msg)) => return Some((start, Diagnostic::new(super::errors::SYNTAX, msg, Span::point(i.min(b.len()))))),
                        Some(_) => return None,
                        None => {}
                    }
                }
                None if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
                    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80) {
                        i += 1;
                    }
                }
                None => i += 1,
            },
        }
    }
    None
}

/// A string token starting at `i` (at its prefix or quote): its prefix and the quote's offset.
fn string_at(b: &[u8], i: usize) -> Option<(&str, usize)> {
    let mut q = i;
    while q < b.len() && b[q].is_ascii_alphabetic() && q - i < 2 {
        q += 1;
    }
    if q >= b.len() || !matches!(b[q], b'\'' | b'"') {
        return None;
    }
    let prefix = std::str::from_utf8(&b[i..q]).ok()?;
    // A name before a string (`x'a'`) is not a prefix; 3.11's prefixes.
    const PREFIXES: &[&str] = &["", "r", "u", "b", "br", "rb", "f", "fr", "rf"];
    PREFIXES.contains(&prefix.to_ascii_lowercase().as_str()).then_some((prefix, q))
}

/// Where the next token after offset `i` starts, as 3.11's tokenizer hands it to the parser:
/// blanks, line continuations and (inside brackets) comments and line breaks are skipped; outside
/// brackets a comment begins the NEWLINE token.
fn next_token(b: &[u8], mut i: usize, in_brackets: bool) -> usize {
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\x0c' => i += 1,
            b'\\' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'\\' if b.get(i + 1) == Some(&b'\r') => i += if b.get(i + 2) == Some(&b'\n') { 3 } else { 2 },
            b'#' if in_brackets => i = skip_string_or_comment(b, i).0,
            b'\n' | b'\r' if in_brackets => i += 1,
            _ => break,
        }
    }
    i
}

/// Scans an f-string's body (between its quotes) as 3.11's `_PyPegen_FstringParser_ConcatFstring`
/// does, up to its first error.
fn fstring(body: &[u8], raw: bool) -> Scan {
    let mut i = 0;
    parts(body, &mut i, raw, 0)
}

/// Literals and expressions until the end of the body (level 0) or the `}` closing a format spec.
fn parts(body: &[u8], i: &mut usize, raw: bool, level: u8) -> Scan {
    loop {
        match literal(body, i, raw, level) {
            None => return Scan::Other, // "single '}' is not allowed"
            Some(true) => continue,
            Some(false) => {}
        }
        if *i >= body.len() || body[*i] == b'}' {
            break;
        }
        match expression(body, i, raw, level) {
            Scan::Ok => {}
            s => return s,
        }
    }
    if level > 0 && body.get(*i) != Some(&b'}') {
        return Scan::Other; // "expecting '}'"
    }
    Scan::Ok
}

/// `fstring_find_literal`: skips a literal part. `Some(true)` at a doubled brace (scan on),
/// `Some(false)` at a `{`, a `}` or the end, `None` at a single `}` on the top level.
fn literal(body: &[u8], i: &mut usize, raw: bool, level: u8) -> Option<bool> {
    let end = body.len();
    let mut s = *i;
    while s < end {
        let mut ch = body[s];
        s += 1;
        if !raw && ch == b'\\' && s < end {
            ch = body[s];
            s += 1;
            if ch == b'N' {
                // `\N{NAME}`: its braces are no expression.
                if s < end {
                    s += 1;
                    if body[s - 1] == b'{' {
                        while s < end {
                            s += 1;
                            if body[s - 1] == b'}' {
                                break;
                            }
                        }
                    }
                }
                continue;
            }
        }
        if ch == b'{' || ch == b'}' {
            if level == 0 {
                if s < end && body[s] == ch {
                    *i = s + 1;
                    return Some(true);
                }
                if ch == b'}' {
                    return None;
                }
            }
            s -= 1;
            break;
        }
    }
    *i = s;
    Some(false)
}

/// `fstring_find_expr`: one `{...}` part from its `{`.
fn expression(body: &[u8], i: &mut usize, raw: bool, level: u8) -> Scan {
    if level >= 2 {
        return Scan::Other; // "expressions nested too deeply"
    }
    let end = body.len();
    *i += 1;
    let start = *i;
    let (mut quote, mut triple) = (0u8, false);
    let mut stack: Vec<u8> = Vec::new();
    while *i < end {
        let ch = body[*i];
        if ch == b'\\' {
            return Scan::Bad(BACKSLASH);
        }
        if quote != 0 {
            if ch == quote {
                if triple {
                    if *i + 2 < end && body[*i + 1] == ch && body[*i + 2] == ch {
                        *i += 2;
                        quote = 0;
                    }
                } else {
                    quote = 0;
                }
            }
            *i += 1;
            continue;
        }
        match ch {
            b'\'' | b'"' => {
                triple = *i + 2 < end && body[*i + 1] == ch && body[*i + 2] == ch;
                if triple {
                    *i += 2;
                }
                quote = ch;
            }
            b'[' | b'{' | b'(' => {
                if stack.len() >= 200 {
                    return Scan::Other; // "too many nested parenthesis"
                }
                stack.push(ch);
            }
            b'#' => return Scan::Bad(HASH),
            b'!' | b':' | b'}' | b'=' | b'>' | b'<' if stack.is_empty() => {
                if *i + 1 < end && body[*i + 1] == b'=' && matches!(ch, b'!' | b'=' | b'<' | b'>') {
                    *i += 2;
                    continue;
                }
                if !matches!(ch, b'>' | b'<') {
                    break;
                }
            }
            b']' | b'}' | b')' => {
                let open = match stack.pop() {
                    Some(o) => o,
                    None => return Scan::Other, // "unmatched"
                };
                if !matches!((open, ch), (b'(', b')') | (b'[', b']') | (b'{', b'}')) {
                    return Scan::Other;
                }
            }
            _ => {}
        }
        *i += 1;
    }
    if quote != 0 || !stack.is_empty() || *i >= end {
        return Scan::Other;
    }
    // 3.11 compiles the expression (in parentheses) before reading `=`, `!` and the format spec.
    let text = String::from_utf8_lossy(&body[start..*i]);
    if text.trim_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']).is_empty() || !compiles(&text) {
        return Scan::Other;
    }
    if body[*i] == b'=' {
        *i += 1;
        while *i < end && matches!(body[*i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c') {
            *i += 1;
        }
    }
    if *i < end && body[*i] == b'!' {
        *i += 1;
        if *i >= end || !matches!(body[*i], b's' | b'r' | b'a') {
            return Scan::Other;
        }
        *i += 1;
    }
    if *i < end && body[*i] == b':' {
        *i += 1;
        if *i >= end {
            return Scan::Other;
        }
        match parts(body, i, raw, level + 1) {
            Scan::Ok => {}
            s => return s,
        }
    }
    if *i >= end || body[*i] != b'}' {
        return Scan::Other; // "expecting '}'"
    }
    *i += 1;
    Scan::Ok
}

/// Whether an f-string's expression part parses as 3.11 parses it, `(` text `)`.
fn compiles(text: &str) -> bool {
    use ruff_python_ast::PythonVersion;
    use ruff_python_parser::{parse_unchecked, Mode, ParseOptions};
    let parsed = parse_unchecked(&format!("({text})"), ParseOptions::from(Mode::Expression).with_target_version(PythonVersion::PY311));
    parsed.errors().is_empty() && parsed.unsupported_syntax_errors().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(src: &str) -> Option<(&'static str, usize)> {
        bad_expression_part(src).map(|(_, d)| (if d.message.contains('#') { "#" } else { "\\" }, d.span.start))
    }

    #[test]
    fn finds_the_token_after_the_string_run() {
        assert_eq!(at("x = f'{a#}' + 1\n"), Some(("#", 12)));
        assert_eq!(at("x = f'{a\\n}'\n"), Some(("\\", 12)));
        assert_eq!(at("x = f'{a#}'  # c\n"), Some(("#", 13)));
        assert_eq!(at("x = (f'{a#}' # c\n  )\n"), Some(("#", 19)));
        assert_eq!(at("x = f'{a#}' 'b' f'{c\\d}'\n"), Some(("#", 24)));
        assert_eq!(at("x = f'{a:{b#}}'\n"), Some(("#", 15)));
        assert_eq!(at("x = f'{{{c#}'\n"), Some(("#", 13)));
    }

    #[test]
    fn leaves_other_errors_and_valid_strings_alone() {
        assert_eq!(at("x = f'{\"#\"}'\n"), None);
        assert_eq!(at("x = f'{a b}' f'{c#}'\n"), None);
        assert_eq!(at("x = f'{a!x}' f'{c#}'\n"), None);
        assert_eq!(at("x = f'{}' f'{c#}'\n"), None);
        assert_eq!(at("x = b'a' f'{c#}'\n"), None);
        assert_eq!(at("x = f'{c=#}'\n"), None);
        assert_eq!(at("x = '{a#}' + r'\\'\n"), None);
        assert_eq!(at("# f'{a#}'\n"), None);
        assert_eq!(at("x = (1,\nf'{a#}'\n"), None);
    }
}
