//! Python 3.11 source to fcall's AST: the one module that knows the parser crate
//! (ruff_python_parser / ruff_python_ast, `=0.0.10`). Swapping or upgrading the parser touches
//! only this folder: [`commands`] finds fcall's command lines, [`errors`] words what Python
//! rejects as CPython does, [`lower`] turns ruff's tree into [`crate::ast`].

pub mod commands;
pub mod complete;
pub mod errors;
mod fstring311;
pub mod lower;

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::PythonVersion;
use ruff_python_parser::{parse_unchecked, Mode, ParseOptions, Parsed};
use ruff_text_size::{Ranged, TextRange};


use crate::ast::Program;
use crate::diagnostics::Diagnostic;
use crate::span::Span;

/// Python 3.11's keywords (`keyword.kwlist`), for completion and highlighting.
pub const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else",
    "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
    "return", "try", "while", "with", "yield",
];

/// How deep brackets may nest (CPython's tokenizer limit, "too many nested parentheses").
pub const MAX_BRACKETS: usize = 200;
/// How many prefix operators may follow each other (`- - - x`), so parsing never runs out of
/// stack.
pub const MAX_PREFIX_RUN: usize = 200;
/// How many operators, attribute dots, calls/subscripts and `and`/`or`/`if`/`lambda` one
/// statement may hold: each can nest the tree one level deeper (`a + a + ...`, `x.a.a...`,
/// `f()()...`), and ruff's tree is built and dropped recursively. CPython's own compiler gives
/// up on such chains too ("maximum recursion depth exceeded during compilation").
pub const MAX_CHAIN: usize = 3000;

/// Parses `src` (Python, with fcall's command lines) into a [`Program`]; nothing runs. On
/// failure, the first error as CPython reports it (SyntaxError, IndentationError, TabError,
/// or fcall's "does not run" for constructs outside the language).
pub fn parse_program(src: &str) -> Result<Program, Vec<Diagnostic>> {
    if let Some(d) = too_deep(src) {
        return Err(vec![d]);
    }
    let prepared = commands::prepare(src);
    let parsed = parse_py311(&prepared.source);
    if let Some(first) = parsed.errors().iter().min_by_key(|e| e.location.start()) {
        let tokens: Vec<(TokenKind, TextRange)> = parsed.tokens().iter().map(|t| t.as_tuple()).collect();
        let d = errors::brackets(src, &tokens)
            .or_else(|| errors::python2_statement(src, first.location.start().to_usize()))
            .unwrap_or_else(|| errors::diagnostic(src, first));
        return Err(vec![fstring_first(src, first.location.start().to_usize(), d, || errors::diagnostic(src, first))]);
    }
    if let Some(first) = parsed.unsupported_syntax_errors().iter().min_by_key(|e| e.range.start()) {
        let tokens: Vec<(TokenKind, TextRange)> = parsed.tokens().iter().map(|t| t.as_tuple()).collect();
        let d = errors::newer_python(src, first, &tokens);
        return Err(vec![fstring_first(src, first.range.start().to_usize(), d.clone(), || d)]);
    }
    let module = match parsed.into_syntax() {
        ruff_python_ast::Mod::Module(m) => m,
        ruff_python_ast::Mod::Expression(e) => {
            return Err(vec![Diagnostic::new(errors::SYNTAX, "expected a module", Span::new(e.range().start().to_usize(), e.range().end().to_usize()))])
        }
    };
    let mut lower = lower::Lower::new(src, &prepared.commands);
    let stmts = lower.stmts(&module.body).map_err(|d| vec![d])?;
    Ok(Program { stmts, span: Span::new(0, src.len()) })
}

/// `d`, or 3.11's error for a backslash or `#` in an f-string's braces when CPython's parser
/// meets that f-string first: it starts no later than ruff's first error (`first`, which such an
/// f-string causes: ruff reads the `#` as a comment that hides the closing brace).
/// An earlier error wins; then a bracket "never closed" inside that f-string is ruff's misreading,
/// and ruff's own first error (`plain`) is the one to report.
fn fstring_first(src: &str, first: usize, d: Diagnostic, plain: impl FnOnce() -> Diagnostic) -> Diagnostic {
    match fstring311::bad_expression_part(src) {
        Some((start, f)) if start <= first => f.with_hint("this is newer Python than 3.11, the version fcall follows"),
        Some((start, _)) if d.message.ends_with("was never closed") && d.span.start >= start => plain(),
        _ => d,
    }
}

/// Parses as Python 3.11 does: ruff parses newer grammar too (PEP 701 f-strings, `type`
/// aliases, ...) and lists it in `unsupported_syntax_errors`, which CPython 3.11 rejects.
pub(crate) fn parse_py311(src: &str) -> Parsed<ruff_python_ast::Mod> {
    parse_unchecked(src, ParseOptions::from(Mode::Module).with_target_version(PythonVersion::PY311))
}

/// Where the comment or string literal starting at `b[i]` (`#`, `'` or `"`) ends: the offset
/// after it, and `Some(Open)` when a string is left open (at the end of its line, or of the
/// input for a triple-quoted one). A character scan shared by the depth check and
/// [`complete::is_complete`], neither of which may run the parser first.
pub(crate) fn skip_string_or_comment(b: &[u8], mut i: usize) -> (usize, Option<Open>) {
    let c = b[i];
    if c == b'#' {
        while i < b.len() && b[i] != b'\n' {
            i += 1;
        }
        return (i, None);
    }
    let triple = b.len() >= i + 3 && b[i + 1] == c && b[i + 2] == c;
    let q = if triple { 3 } else { 1 };
    i += q;
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == c && (!triple || (b.len() >= i + 3 && b[i + 1] == c && b[i + 2] == c)) {
            return (i + q, None);
        }
        if b[i] == b'\n' && !triple {
            break;
        }
        i += 1;
    }
    (i.min(b.len()), Some(if triple { Open::Triple } else { Open::Single }))
}

/// A string literal left open by [`skip_string_or_comment`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Open {
    /// `'abc` (ends at its line).
    Single,
    /// `"""abc` (runs to the end of the input).
    Triple,
}

/// Input nested deeper than fcall parses safely: brackets past [`MAX_BRACKETS`], runs of prefix
/// operators (`- + ~ not`) past [`MAX_PREFIX_RUN`]. A character scan that skips strings and
/// comments, so that the parser itself never recurses that deep.
pub(crate) fn too_deep(src: &str) -> Option<Diagnostic> {
    let b = src.as_bytes();
    let (mut i, mut depth, mut run, mut chain) = (0usize, 0usize, 0usize, 0usize);
    let word_at = |i: usize, w: &str| {
        src[i..].starts_with(w)
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
            && b.get(i + w.len()).is_none_or(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
    };
    while i < b.len() {
        let c = b[i];
        if c == b'\n' && depth == 0 && !(i > 0 && b[i - 1] == b'\\') {
            chain = 0;
        }
        // Number literals (`-1.5` in a long list of data) nest nothing.
        let digit_after = b.get(i + 1).is_some_and(u8::is_ascii_digit);
        let in_number = c == b'.' && (digit_after || (i > 0 && b[i - 1].is_ascii_digit()));
        let sign = matches!(c, b'+' | b'-') && digit_after && src[..i].trim_end().ends_with([',', '(', '[', '{', '=', ':']);
        let chained = (matches!(c, b'+' | b'-' | b'*' | b'/' | b'%' | b'@' | b'&' | b'|' | b'^' | b'.' | b'(' | b'[' | b'~') && !in_number && !sign)
            || (c.is_ascii_lowercase() && ["and", "or", "if", "lambda", "not"].iter().any(|w| word_at(i, w)));
        if chained {
            chain += 1;
            if chain > MAX_CHAIN {
                return Some(
                    Diagnostic::new(errors::SYNTAX, "too many nested expressions", Span::new(i, i + 1))
                        .with_hint(format!("fcall takes at most {MAX_CHAIN} operators in one statement; split it into steps")),
                );
            }
        }
        match c {
            b'#' | b'"' | b'\'' => {
                i = skip_string_or_comment(b, i).0;
                run = 0;
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_BRACKETS {
                    return Some(Diagnostic::new(errors::SYNTAX, "too many nested parentheses", Span::new(i, i + 1)));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        let prefix = matches!(c, b'-' | b'+' | b'~') || (c == b'n' && src[i..].starts_with("not ") && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')));
        if prefix {
            run += 1;
            if run > MAX_PREFIX_RUN {
                return Some(Diagnostic::new(errors::SYNTAX, "too many nested expressions", Span::new(i, i + 1)).with_hint("split it into steps"));
            }
            i += if c == b'n' { 3 } else { 1 };
            continue;
        } else if !c.is_ascii_whitespace() && c != b'(' {
            run = 0;
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_chains_are_refused_but_long_data_is_not() {
        let chain = format!("x = {}", vec!["a"; MAX_CHAIN + 2].join(" + "));
        assert_eq!(parse_program(&chain).unwrap_err()[0].message, "too many nested expressions");
        let data = format!("x = [{}]", (0..20_000).map(|i| format!("-{i}.5")).collect::<Vec<_>>().join(", "));
        assert!(parse_program(&data).is_ok());
    }
}
