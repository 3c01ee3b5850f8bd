//! Python's own words for input it rejects: ruff's parse errors turned into CPython 3.11's
//! SyntaxError / IndentationError / TabError messages, at the place CPython points to.
//! (`lang/tests/python_errors.rs` checks them against CPython's `compile`.)

use ruff_python_ast::token::TokenKind;
use ruff_python_parser::{InterpolatedStringErrorType, LexicalErrorType, ParseError, ParseErrorType, UnsupportedSyntaxError};
use ruff_text_size::TextRange;

use crate::diagnostics::Diagnostic;
use crate::span::{LineIndex, Span};

/// Diagnostic code of a SyntaxError.
pub const SYNTAX: &str = "python::syntax";
/// Diagnostic code of an IndentationError.
pub const INDENTATION: &str = "python::indentation";
/// Diagnostic code of a TabError.
pub const TAB: &str = "python::tab";

fn span(r: TextRange) -> Span {
    Span::new(r.start().to_usize(), r.end().to_usize())
}

fn syntax(message: impl Into<String>, at: Span) -> Diagnostic {
    Diagnostic::new(SYNTAX, message, at)
}

/// Grammar newer than Python 3.11, by ruff's description of it (its kinds are not public), and
/// how CPython 3.11 rejects it: the message and where it points.
const NEWER_GRAMMAR: &[(&str, &str, NewerAt)] = &[
    // 3.11's tokenizer ends a one-line f-string at the line break inside its braces.
    ("Cannot use line breaks in non-triple-quoted f-string", "unterminated string literal", NewerAt::StringStart),
    ("Cannot reuse outer quote character in f-strings", "f-string: expecting '}'", NewerAt::AfterStart),
    ("Cannot use an escape sequence (backslash) in f-strings", "f-string expression part cannot include a backslash", NewerAt::StringEnd),
    ("Cannot use comments in f-strings", "f-string expression part cannot include '#'", NewerAt::StringEnd),
    ("Cannot use type parameter lists", "expected '('", NewerAt::Start),
    ("Cannot use `type` alias statement", "invalid syntax", NewerAt::SecondToken),
];

/// Where CPython 3.11 points for a [`NEWER_GRAMMAR`] row.
#[derive(Clone, Copy)]
enum NewerAt {
    Start,
    AfterStart,
    SecondToken,
    /// The f-string's first character (its prefix).
    StringStart,
    /// Just past the f-string.
    StringEnd,
}

/// Grammar newer than Python 3.11 (ruff parses it; CPython 3.11 does not), in 3.11's words.
pub fn newer_python(src: &str, e: &UnsupportedSyntaxError, tokens: &[(TokenKind, TextRange)]) -> Diagnostic {
    let at = span(e.range);
    let ruff = e.to_string();
    let (msg, place) = NEWER_GRAMMAR.iter().find(|(r, _, _)| ruff.starts_with(r)).map_or(("invalid syntax", NewerAt::Start), |(_, m, p)| (*m, *p));
    // The outermost f-string around the error.
    let string = || {
        let (mut depth, mut start, mut end) = (0usize, at.start, at.end);
        for (k, r) in tokens {
            let r = span(*r);
            match k {
                TokenKind::FStringStart => {
                    if depth == 0 {
                        start = r.start;
                    }
                    depth += 1;
                }
                TokenKind::FStringEnd => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 && start <= at.start && r.end >= at.start {
                        end = r.end;
                        break;
                    }
                }
                _ => {}
            }
        }
        (start, end)
    };
    let pos = match place {
        NewerAt::Start => at.start,
        NewerAt::AfterStart => at.start + 1,
        NewerAt::SecondToken => tokens.iter().map(|(_, r)| r.start().to_usize()).find(|s| *s > at.start).unwrap_or(at.start),
        NewerAt::StringStart => string().0,
        NewerAt::StringEnd => string().1,
    }
    .min(src.len());
    let msg = match place {
        NewerAt::StringStart => format!("{msg} (detected at line {})", LineIndex::new(src).line_col(pos).line),
        _ => msg.to_string(),
    };
    syntax(msg, Span::new(pos, pos)).with_hint("this is newer Python than 3.11, the version fcall follows")
}

/// Brackets first, as CPython's tokenizer checks them: an unmatched or mismatched closer, or an
/// opener never closed.
pub fn brackets(src: &str, tokens: &[(TokenKind, TextRange)]) -> Option<Diagnostic> {
    let index = LineIndex::new(src);
    let mut open: Vec<(char, Span)> = Vec::new();
    for (k, r) in tokens {
        let s = span(*r);
        let c = match k {
            TokenKind::Lpar => '(',
            TokenKind::Lsqb => '[',
            TokenKind::Lbrace => '{',
            TokenKind::Rpar => ')',
            TokenKind::Rsqb => ']',
            TokenKind::Rbrace => '}',
            _ => continue,
        };
        if matches!(c, '(' | '[' | '{') {
            open.push((c, s));
            continue;
        }
        let want = match c {
            ')' => '(',
            ']' => '[',
            _ => '{',
        };
        match open.pop() {
            None => return Some(syntax(format!("unmatched '{c}'"), s)),
            Some((o, os)) if o != want => {
                let (ol, cl) = (index.line_col(os.start).line, index.line_col(s.start).line);
                let msg = if ol == cl {
                    format!("closing parenthesis '{c}' does not match opening parenthesis '{o}'")
                } else {
                    format!("closing parenthesis '{c}' does not match opening parenthesis '{o}' on line {ol}")
                };
                return Some(syntax(msg, s).with_label(os, "opened here"));
            }
            Some(_) => {}
        }
    }
    open.first().map(|(o, s)| syntax(format!("'{o}' was never closed"), *s).with_hint("close it, or finish the input"))
}

/// The header keyword of the compound statement that starts at `at` (for "expected an indented
/// block after 'if' statement on line 1").
fn block_owner(src: &str, index: &LineIndex, at: usize) -> Option<String> {
    // The last non-blank, non-comment line before `at` that ends with `:`.
    let line = index.line_col(at).line;
    for l in (1..line).rev() {
        let text = index.line_text(l);
        let t = text.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let word: String = t.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let what = match word.as_str() {
            "def" => "function definition".to_string(),
            "class" => "class definition".to_string(),
            "async" => "function definition".to_string(),
            "if" | "elif" | "else" | "for" | "while" | "with" | "try" | "except" | "finally" => format!("'{word}' statement"),
            _ => return None,
        };
        let _ = src;
        return Some(format!("expected an indented block after {what} on line {l}"));
    }
    None
}

/// Whether a line's indentation mixes tabs and spaces inconsistently with the lines before it.
fn tab_mix(src: &str, line: usize) -> bool {
    let index = LineIndex::new(src);
    let indent = |l: usize| -> String { index.line_text(l).chars().take_while(|c| *c == ' ' || *c == '\t').collect() };
    let here = indent(line);
    (1..line).any(|l| {
        let there = indent(l);
        !there.is_empty() && ((here.contains('\t') && there.contains(' ') && !there.contains('\t')) || (here.contains(' ') && there.contains('\t') && !here.contains('\t')))
    })
}

/// CPython's message for ruff's `e`.
pub fn diagnostic(src: &str, e: &ParseError) -> Diagnostic {
    let at = span(e.location);
    let index = LineIndex::new(src);
    let text = &src[at.start.min(src.len())..at.end.min(src.len())];
    let line = index.line_col(at.start.min(src.len())).line;
    let line_span = index.line_span(line);
    let line_text = index.line_text(line);
    // Python's indentation: spaces, tabs and form feeds (not every Unicode space).
    let indent = line_text.len() - line_text.trim_start_matches([' ', '\t', '\x0c']).len();
    let rest_of_line_blank = src[at.start.min(src.len())..].split('\n').next().is_none_or(|r| r.trim().is_empty() || r.trim_start().starts_with('#'));
    match &e.error {
        ParseErrorType::Lexical(LexicalErrorType::UnclosedStringError) if text.trim_start_matches(|c: char| c.is_ascii_alphabetic()).starts_with("\"\"\"")
            || text.trim_start_matches(|c: char| c.is_ascii_alphabetic()).starts_with("'''") => {
            let last = index.line_col(src.trim_end_matches(['\n', '\r']).len()).line;
            syntax(format!("unterminated triple-quoted string literal (detected at line {last})"), at)
        }
        ParseErrorType::Lexical(LexicalErrorType::UnclosedStringError)
        | ParseErrorType::FStringError(InterpolatedStringErrorType::UnterminatedString)
        | ParseErrorType::Lexical(LexicalErrorType::FStringError(InterpolatedStringErrorType::UnterminatedString)) => {
            syntax(format!("unterminated string literal (detected at line {line})"), at)
        }
        ParseErrorType::Lexical(LexicalErrorType::OtherError(m)) if m.contains("decimal") => {
            let digits = text.trim_start();
            if digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
                syntax("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", at)
            } else {
                syntax("invalid decimal literal", at)
            }
        }
        ParseErrorType::SimpleStatementsOnSameLine
            if at.start > 0 && src.as_bytes()[at.start - 1].is_ascii_digit() && text.starts_with(|c: char| c.is_ascii_alphabetic()) =>
        {
            let start = src[..at.start]
                .char_indices()
                .rev()
                .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '.' || *c == '_'))
                .map_or(0, |(i, c)| i + c.len_utf8());
            syntax("invalid decimal literal", Span::point(start))
        }
        ParseErrorType::OtherError(m) if m.starts_with("Expected `except` or `finally`") => {
            let end = src[..at.start].trim_end().len();
            syntax("expected 'except' or 'finally' block", Span::point(end))
        }
        ParseErrorType::ExpectedToken { expected: TokenKind::Else, .. } => {
            let upto = &src[line_span.start..at.start.max(line_span.start)];
            let start = match upto.rfind(" if ") {
                Some(i) => {
                    let head = &upto[..i];
                    let cut = head.rfind(['=', '(', ',', '[', '{', ':']).map_or(0, |j| j + 1);
                    let cut = if let Some(r) = head.rfind("return ") { cut.max(r + 7) } else { cut };
                    line_span.start + cut + (head[cut..].len() - head[cut..].trim_start().len())
                }
                None => at.start,
            };
            syntax("expected 'else' after 'if' expression", Span::point(start))
        }
        ParseErrorType::ExpectedToken { expected: TokenKind::Comma, found }
            if matches!(
                found,
                TokenKind::PlusEqual | TokenKind::MinusEqual | TokenKind::StarEqual | TokenKind::SlashEqual | TokenKind::DoubleSlashEqual
                    | TokenKind::PercentEqual | TokenKind::AtEqual | TokenKind::DoubleStarEqual | TokenKind::AmperEqual | TokenKind::VbarEqual
                    | TokenKind::CircumflexEqual | TokenKind::LeftShiftEqual | TokenKind::RightShiftEqual
            ) =>
        {
            syntax("'tuple' is an illegal expression for augmented assignment", Span::point(line_span.start + indent))
        }
        ParseErrorType::ExpectedToken { expected: TokenKind::Colon, found: TokenKind::Rbrace | TokenKind::Comma } => {
            let before = src[..at.start].trim_end();
            let key_start = before.rfind(|c: char| !(c.is_alphanumeric() || "_.'\"".contains(c))).map_or(0, |i| i + 1);
            syntax("':' expected after dictionary key", Span::point(key_start))
        }
        ParseErrorType::ExpectedToken { expected: TokenKind::Colon, .. } if !rest_of_line_blank => syntax("invalid syntax", at),
        ParseErrorType::FStringError(InterpolatedStringErrorType::UnterminatedTripleQuotedString)
        | ParseErrorType::Lexical(LexicalErrorType::FStringError(InterpolatedStringErrorType::UnterminatedTripleQuotedString)) => {
            let last = index.line_count();
            syntax(format!("unterminated triple-quoted string literal (detected at line {last})"), at)
        }
        ParseErrorType::Lexical(LexicalErrorType::IndentationError) => {
            if tab_mix(src, line) {
                Diagnostic::new(TAB, "inconsistent use of tabs and spaces in indentation", at)
            } else {
                Diagnostic::new(INDENTATION, "unindent does not match any outer indentation level", Span::point(line_span.start + line_text.trim_end().len()))
                    .with_hint("indent it as deep as the block it belongs to")
            }
        }
        ParseErrorType::UnexpectedIndentation => {
            if tab_mix(src, line) {
                Diagnostic::new(TAB, "inconsistent use of tabs and spaces in indentation", at)
            } else {
                Diagnostic::new(INDENTATION, "unexpected indent", Span::point(line_span.start + indent.saturating_sub(1))).with_hint("this line is indented but no block (`:`) opens here")
            }
        }
        ParseErrorType::ExpectedToken { expected: TokenKind::Colon, .. } => syntax("expected ':'", at),
        ParseErrorType::ExpectedToken { expected: TokenKind::Indent, .. } | ParseErrorType::OtherError(_)
            if matches!(&e.error, ParseErrorType::ExpectedToken { .. }) || format!("{}", e.error).contains("indented block") =>
        {
            match block_owner(src, &index, at.start) {
                Some(msg) => Diagnostic::new(INDENTATION, msg, at).with_hint("indent the block's statements (4 spaces)"),
                None => syntax("invalid syntax", at),
            }
        }
        ParseErrorType::NonDefaultParamAfterDefaultParam => syntax("non-default argument follows default argument", at),
        ParseErrorType::PositionalAfterKeywordArgument => syntax("positional argument follows keyword argument", at),
        ParseErrorType::PositionalAfterKeywordUnpacking => syntax("positional argument follows keyword argument unpacking", at),
        ParseErrorType::InvalidArgumentUnpackingOrder => syntax("iterable argument unpacking follows keyword argument unpacking", at),
        ParseErrorType::UnparenthesizedGeneratorExpression => syntax("Generator expression must be parenthesized", at),
        ParseErrorType::ExpectedKeywordParam => syntax("named arguments must follow bare *", at),
        ParseErrorType::InvalidAssignmentTarget => {
            let what = target_kind(text);
            syntax(format!("cannot assign to {what} here. Maybe you meant '==' instead of '='?"), at)
        }
        ParseErrorType::InvalidAugmentedAssignmentTarget => {
            let what = if text.contains(',') { "tuple" } else { "expression" };
            syntax(format!("'{what}' is an illegal expression for augmented assignment"), at)
        }
        ParseErrorType::InvalidDeleteTarget => syntax(format!("cannot delete {}", target_kind(text)), at),
        _ => syntax("invalid syntax", at),
    }
}

/// CPython's name for an expression that cannot be assigned to.
fn target_kind(text: &str) -> &'static str {
    let t = text.trim();
    if t.ends_with(')') && !t.starts_with('(') {
        "function call"
    } else if t.starts_with(|c: char| c.is_ascii_digit() || c == '"' || c == '\'') || matches!(t, "True" | "False" | "None") {
        "literal"
    } else {
        "expression"
    }
}

/// Python 2's `print "x"` / `exec "x"`: CPython's special message, when the first error is on
/// such a line.
pub fn python2_statement(src: &str, at: usize) -> Option<Diagnostic> {
    let index = LineIndex::new(src);
    let line = index.line_col(at.min(src.len())).line;
    let ls = index.line_span(line);
    let text = index.line_text(line);
    let trimmed = text.trim_start();
    for word in ["print", "exec"] {
        if let Some(rest) = trimmed.strip_prefix(word) {
            let next = rest.chars().next();
            if next.is_some_and(|c| c == ' ') && rest.trim_start().starts_with(|c: char| c.is_alphanumeric() || c == '"' || c == '\'') {
                let start = ls.start + (text.len() - trimmed.len());
                return Some(syntax(format!("Missing parentheses in call to '{word}'. Did you mean {word}(...)?"), Span::new(start, start + word.len())));
            }
        }
    }
    None
}
