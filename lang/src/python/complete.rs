//! Is this input complete? IPython's answer (`TransformerManager.check_complete`), shared by the
//! REPL (whether to read a `...` line) and the Jupyter kernel (`is_complete_reply`): open
//! brackets, an open triple-quoted string, a trailing `\`, a header ending in `:` or a block not
//! yet closed by a blank line ask for more; what cannot become valid is `Invalid`.

use super::parse_program;

/// Spaces of indentation per block level.
pub const INDENT_UNIT: usize = 4;

/// The answer of [`is_complete`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Completeness {
    /// Ready to run (it may still have errors, which running will show).
    Complete,
    /// More is needed: an open bracket or triple-quoted string, a trailing `\`, a header ending
    /// in `:`, or a block not yet closed by a blank line.
    Incomplete {
        /// The indentation IPython would offer for the next line, in spaces.
        indent: usize,
    },
    /// More lines cannot help (`)`, `x = `, an unterminated single-quoted string). Run it to
    /// show the error.
    Invalid,
}

/// What a scan of the text leaves open at its end.
struct Scan {
    /// Open brackets.
    open: usize,
    /// A closer without its opener, or one that does not match.
    unmatched: bool,
    /// Inside a triple-quoted string at the end.
    in_triple: bool,
    /// A single-quoted string not closed on its line.
    unterminated: bool,
}

fn scan(src: &str) -> Scan {
    let b = src.as_bytes();
    let mut s = Scan { open: 0, unmatched: false, in_triple: false, unterminated: false };
    let mut stack: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'#' | b'"' | b'\'' => {
                let (end, open) = super::skip_string_or_comment(b, i);
                match open {
                    Some(super::Open::Triple) => s.in_triple = true,
                    Some(super::Open::Single) => s.unterminated = true,
                    None => {}
                }
                i = end;
                continue;
            }
            b'(' | b'[' | b'{' => stack.push(c),
            b')' | b']' | b'}' => {
                if stack.pop() != Some(opener_of(c)) {
                    s.unmatched = true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    s.open = stack.len();
    s
}

fn indent_of(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ' || *c == '\t').map(|c| if c == '\t' { 8 } else { 1 }).sum()
}

/// The code of a line without a trailing comment (strings are not looked into: enough for
/// "does it end with `:`").
fn code_of(line: &str) -> &str {
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '#') => return line[..i].trim_end(),
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
    }
    line.trim_end()
}

/// Decide whether `src` is complete (see [`Completeness`]).
///
/// ```
/// use fcall_lang::{is_complete, Completeness};
/// assert_eq!(is_complete("x = 1"), Completeness::Complete);
/// assert_eq!(is_complete("if x:"), Completeness::Incomplete { indent: 4 });
/// assert_eq!(is_complete("if x:\n    y = 1"), Completeness::Incomplete { indent: 4 });
/// assert_eq!(is_complete("if x:\n    y = 1\n"), Completeness::Complete);
/// assert_eq!(is_complete("x = (1,"), Completeness::Incomplete { indent: 0 });
/// assert_eq!(is_complete(")"), Completeness::Invalid);
/// ```
pub fn is_complete(src: &str) -> Completeness {
    if src.trim().is_empty() {
        return Completeness::Complete;
    }
    // Command lines (`help"`, `call m with a (x)`) are judged as the parser sees them: replaced
    // by same-length placeholders.
    // (Input too deep for the parser is scanned as it is: parse_program refuses it anyway.)
    let prepared = if super::too_deep(src).is_none() { Some(super::commands::prepare(src)) } else { None };
    let src = prepared.as_ref().map_or(src, |p| p.source.as_str());
    let s = scan(src);
    let last_line = src.rsplit('\n').next().unwrap_or("");
    if s.unmatched {
        return Completeness::Invalid;
    }
    if s.in_triple {
        return Completeness::Incomplete { indent: 0 };
    }
    if s.unterminated {
        return Completeness::Invalid;
    }
    if s.open > 0 {
        let last_code = src.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
        return Completeness::Incomplete { indent: indent_of(last_code) };
    }
    if src.ends_with('\\') {
        return Completeness::Incomplete { indent: 0 };
    }
    // A trailing newline (a blank last line) closes every open block.
    if !src.ends_with('\n') {
        let code = code_of(last_line);
        if code.ends_with(':') {
            return Completeness::Incomplete { indent: indent_of(last_line) + INDENT_UNIT };
        }
        if code.trim_start().starts_with('@') {
            return Completeness::Incomplete { indent: indent_of(last_line) };
        }
        if src.contains('\n') && indent_of(last_line) > 0 && !code.trim().is_empty() {
            return Completeness::Incomplete { indent: indent_of(last_line) };
        }
    }
    match parse_program(src) {
        Ok(_) => Completeness::Complete,
        Err(d) if d.iter().all(|d| d.code.starts_with("python::syntax") || d.code.starts_with("python::indentation") || d.code.starts_with("python::tab")) => {
            Completeness::Invalid
        }
        // fcall's own errors (an unsupported construct, a command's arguments) show when run.
        Err(_) => Completeness::Complete,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Completeness::*;

    /// A command line is judged as the parser reads it (a proptest found `help"`: it parses
    /// as the command `help "`, so it cannot be Invalid).
    #[test]
    fn command_lines_agree_with_the_parser() {
        for src in ["help\"", "help call", "help\"\"\"\nx = 1\n", "class A:\n    help\"\"\"\n    x = 1\n"] {
            assert!(crate::python::parse_program(src).is_ok(), "{src}");
            assert_eq!(is_complete(src), Complete, "{src}");
        }
    }

    /// IPython 8's `check_complete` answers for the same inputs (recorded with the venv's
    /// IPython), except where fcall's command lines make an input valid.
    #[test]
    fn ipython_answers() {
        for (src, want) in [
            ("", Complete),
            ("x = 1", Complete),
            ("x = (1,", Incomplete { indent: 0 }),
            ("x = [1, [2,", Incomplete { indent: 0 }),
            ("if x:", Incomplete { indent: 4 }),
            ("if x:\n    y = 1", Incomplete { indent: 4 }),
            ("if x:\n    y = 1\n", Complete),
            ("if x:\n    y = 1\n\n", Complete),
            ("def f(x):\n    if x:", Incomplete { indent: 8 }),
            ("class A:\n    def f(self):\n        return 1\n", Complete),
            ("x = '''abc", Incomplete { indent: 0 }),
            ("s = \"abc", Invalid),
            ("x = 1 \\", Incomplete { indent: 0 }),
            (")", Invalid),
            ("f(]", Invalid),
            ("x = $ (", Incomplete { indent: 0 }),
            ("x = ", Invalid),
            ("@property", Incomplete { indent: 0 }),
            ("x = {", Incomplete { indent: 0 }),
            ("def f():\n    return (1,\n", Incomplete { indent: 4 }),
            // fcall's commands are complete statements (IPython: invalid).
            ("call mod with a (x)", Complete),
            ("show mod", Complete),
            ("for i in range(3):\n    show mod\n", Complete),
            ("%show mod", Complete),
        ] {
            assert_eq!(is_complete(src), want, "{src:?}");
        }
    }
}

/// The opening bracket that a closing one (`)`, `]`, `}`) closes.
pub(super) fn opener_of(closer: u8) -> u8 {
    match closer {
        b')' => b'(',
        b']' => b'[',
        _ => b'{',
    }
}
