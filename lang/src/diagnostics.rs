//! Diagnostics: an error with a stable code, a message, a span, an optional hint and extra
//! labelled spans, and its rendering against the source (line, caret underline, hint), in
//! plain text or with ANSI colour. The stable codes of the front end are in [`codes`].

use crate::span::{LineIndex, Span};
use std::fmt;
use std::fmt::Write as _;

/// A secondary span with a short note ("unclosed `{` opened here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say next to it.
    pub message: String,
}

/// An error in the user's input, found before anything runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable machine-readable code, e.g. `"parse::unclosed_brace"` (see [`codes`]).
    pub code: &'static str,
    /// One-line description, lower case, no trailing period.
    pub message: String,
    /// The primary span (underlined with `^`).
    pub span: Span,
    /// An optional one-line suggestion.
    pub hint: Option<String>,
    /// Secondary spans (underlined with `-`) with notes.
    pub labels: Vec<Label>,
}

impl Diagnostic {
    /// A diagnostic with no hint and no labels.
    pub fn new(code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            span,
            hint: None,
            labels: Vec::new(),
        }
    }

    /// Add (or replace) the hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Add a secondary label.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// The Python exception class of a Python front-end diagnostic: `SyntaxError`,
    /// `IndentationError` or `TabError` (`None` for the retired brace dialect's diagnostics).
    pub fn python_class(&self) -> Option<&'static str> {
        match self.code {
            "python::indentation" => Some("IndentationError"),
            "python::tab" => Some("TabError"),
            c if c.starts_with("python::") => Some("SyntaxError"),
            _ => None,
        }
    }

    /// Render against `source`; see [`render`].
    pub fn render(&self, source: &str, color: bool) -> String {
        render(source, self, color)
    }
}

impl fmt::Display for Diagnostic {
    /// `error[code]: message` (without the source; use [`render`] for the full picture).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error[{}]: {}", self.code, self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// The stable diagnostic codes of the lexer and parser.
pub mod codes {
    /// A string with no closing quote before the end of the input.
    pub const UNTERMINATED_STRING: &str = "lex::unterminated_string";
    /// An unknown `\x` escape in a string.
    pub const BAD_ESCAPE: &str = "lex::bad_escape";
    /// A character that starts no token (`$`, `!`, `&`, ...).
    pub const UNEXPECTED_CHAR: &str = "lex::unexpected_char";
    /// A malformed number (`2x`, `1e`).
    pub const BAD_NUMBER: &str = "lex::bad_number";
    /// An integer literal that does not fit in 64 bits.
    pub const INT_TOO_LARGE: &str = "lex::int_too_large";

    /// A `{` never closed.
    pub const UNCLOSED_BRACE: &str = "parse::unclosed_brace";
    /// A `(` never closed.
    pub const UNCLOSED_PAREN: &str = "parse::unclosed_paren";
    /// A `[` never closed.
    pub const UNCLOSED_BRACKET: &str = "parse::unclosed_bracket";
    /// A closer that does not match the opener (`(]`).
    pub const MISMATCHED_CLOSE: &str = "parse::mismatched_close";
    /// A closer with no opener.
    pub const UNMATCHED_CLOSE: &str = "parse::unmatched_close";
    /// Some other token where it cannot be.
    pub const UNEXPECTED_TOKEN: &str = "parse::unexpected_token";
    /// The input ended in the middle of a statement.
    pub const UNEXPECTED_EOF: &str = "parse::unexpected_eof";
    /// Something that is not an expression where one is needed.
    pub const EXPECTED_EXPRESSION: &str = "parse::expected_expression";
    /// A statement followed by more on the same line without `;`.
    pub const EXPECTED_STATEMENT_END: &str = "parse::expected_statement_end";
    /// A missing `{` after `if`, `for`, `def`, ...
    pub const EXPECTED_BLOCK: &str = "parse::expected_block";
    /// A missing name (after `def`, `class`, `.`, ...).
    pub const EXPECTED_NAME: &str = "parse::expected_name";
    /// The left side of `=` is not a name, attribute, index or tuple of those.
    pub const INVALID_ASSIGN_TARGET: &str = "parse::invalid_assign_target";
    /// The left side of `+=` (etc.) is not a name, attribute or index.
    pub const INVALID_AUG_TARGET: &str = "parse::invalid_aug_target";
    /// A dict literal key that is neither a name nor a string.
    pub const DICT_KEY: &str = "parse::dict_key";
    /// `call MOD` not followed by `with`.
    pub const CALL_MISSING_WITH: &str = "parse::call_missing_with";
    /// `call MOD with DICTS` not followed by a parenthesised argument list.
    pub const CALL_MISSING_ARGS: &str = "parse::call_missing_args";
    /// `call MOD with` not followed by the dicts.
    pub const CALL_MISSING_DICTS: &str = "parse::call_missing_dicts";
    /// An option after a `call` other than `tie=` / `strict=`.
    pub const CALL_UNKNOWN_OPTION: &str = "parse::call_unknown_option";
    /// The same `call` option given twice.
    pub const CALL_DUPLICATE_OPTION: &str = "parse::call_duplicate_option";
    /// A positional argument after a keyword argument.
    pub const POSITIONAL_AFTER_KEYWORD: &str = "parse::positional_after_keyword";
    /// The same keyword argument given twice.
    pub const DUPLICATE_KEYWORD: &str = "parse::duplicate_keyword";
    /// Two parameters of one `def` with the same name.
    pub const DUPLICATE_PARAM: &str = "parse::duplicate_param";
    /// A parameter without a default after one with a default.
    pub const PARAM_ORDER: &str = "parse::param_order";
    /// `*` / `**` misused in a parameter list (`*` twice, a bare `*` with nothing after it,
    /// a parameter after `**kwargs`).
    pub const STAR_PARAMS: &str = "parse::star_params";
    /// A decorator other than `@property`, or one not followed by a method.
    pub const DECORATOR: &str = "parse::decorator";
    /// Something other than `def` inside a `class` body.
    pub const CLASS_MEMBER: &str = "parse::class_member";
    /// `class Foo(Base)`: classes take no base list.
    pub const CLASS_BASES: &str = "parse::class_bases";
    /// `else` with no `if` before it.
    pub const ELSE_WITHOUT_IF: &str = "parse::else_without_if";
    /// Python's `elif`.
    pub const ELIF: &str = "parse::elif";
    /// `return` outside a `def`.
    pub const RETURN_OUTSIDE_DEF: &str = "parse::return_outside_def";
    /// `break` / `continue` outside a loop.
    pub const BREAK_OUTSIDE_LOOP: &str = "parse::break_outside_loop";
    /// `seed`, `show` or `ties` with nothing after it.
    pub const COMMAND_ARGUMENT: &str = "parse::command_argument";
    /// `export` without a format and a path.
    pub const EXPORT_SYNTAX: &str = "parse::export_syntax";
    /// Nesting deeper than the parser allows.
    pub const TOO_DEEP: &str = "parse::too_deep";
}

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

const ERROR: &str = "1;31";
const GUTTER: &str = "1;34";
const PRIMARY: &str = "1;31";
const SECONDARY: &str = "1;34";
const HINT: &str = "1;36";
const BOLD: &str = "1";

/// Render `diag` against `source` (the same text the spans point into):
///
/// ```text
/// error[parse::unclosed_brace]: unclosed `{`
///  --> 1:9
///   |
/// 1 | def f() {
///   |         ^
/// 2 |     x = 1
///   |          - the input ends here
///   = hint: close the block with `}`
/// ```
///
/// With `color`, ANSI escapes colour the header, gutter, underlines and hint.
pub fn render(source: &str, diag: &Diagnostic, color: bool) -> String {
    render_named(None, source, diag, color)
}

/// Like [`render`], with a file name in the `-->` line (`--> demo.fc:1:9`).
pub fn render_named(name: Option<&str>, source: &str, diag: &Diagnostic, color: bool) -> String {
    render_indexed(name, &LineIndex::new(source), diag, color)
}

/// Like [`render_named`], on an index of the source made once (many errors in one big source).
pub fn render_indexed(name: Option<&str>, ix: &LineIndex, diag: &Diagnostic, color: bool) -> String {
    let st = Style { on: color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{}",
        st.paint(ERROR, &format!("error[{}]", diag.code)),
        st.paint(BOLD, &format!(": {}{}", diag.python_class().map(|c| format!("{c}: ")).unwrap_or_default(), diag.message))
    );

    // Every span to show: the primary one first, then the labels.
    let mut marks: Vec<(Span, bool, &str)> = vec![(diag.span, true, "")];
    marks.extend(
        diag.labels
            .iter()
            .map(|l| (l.span, false, l.message.as_str())),
    );
    let mut lines: Vec<usize> = marks.iter().map(|(s, _, _)| ix.line_of(s.start)).collect();
    lines.sort_unstable();
    lines.dedup();
    let width = lines.last().copied().unwrap_or(1).to_string().len();
    let pad = " ".repeat(width);
    let bar = st.paint(GUTTER, "|");

    let pos = ix.line_col(diag.span.start);
    let loc = match name {
        Some(n) => format!("{n}:{pos}"),
        None => pos.to_string(),
    };
    let _ = writeln!(out, "{pad}{} {loc}", st.paint(GUTTER, "-->"));
    let _ = writeln!(out, "{pad} {bar}");
    let mut prev: Option<usize> = None;
    for &line in &lines {
        if let Some(p) = prev {
            if line > p + 1 {
                let _ = writeln!(out, "{}", st.paint(GUTTER, &format!("{:width$}", "...")));
            }
        }
        prev = Some(line);
        let text: String = ix
            .line_text(line)
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let num = st.paint(GUTTER, &format!("{line:>width$}"));
        if text.is_empty() {
            let _ = writeln!(out, "{num} {bar}");
        } else {
            let _ = writeln!(out, "{num} {bar} {text}");
        }
        let line_span = ix.line_span(line);
        let line_chars = text.chars().count();
        for &(span, primary, message) in &marks {
            if ix.line_of(span.start) != line {
                continue;
            }
            let col = ix.line_col(span.start).col - 1;
            let end_col = if span.end <= line_span.end {
                ix.line_col(span.end).col - 1
            } else {
                line_chars.max(col + 1)
            };
            let n = end_col.saturating_sub(col).max(1);
            let (ch, style) = if primary {
                ('^', PRIMARY)
            } else {
                ('-', SECONDARY)
            };
            let underline: String = std::iter::repeat_n(ch, n).collect();
            let mut row = format!(
                "{pad} {bar} {}{}",
                " ".repeat(col),
                st.paint(style, &underline)
            );
            if !message.is_empty() {
                row.push(' ');
                row.push_str(&st.paint(style, message));
            }
            let _ = writeln!(out, "{row}");
        }
    }
    if let Some(h) = &diag.hint {
        let _ = writeln!(
            out,
            "{pad} {} {}",
            st.paint(GUTTER, "="),
            st.paint(HINT, &format!("hint: {h}"))
        );
    }
    out
}

/// Render several diagnostics, separated by blank lines.
pub fn render_all(source: &str, diags: &[Diagnostic], color: bool) -> String {
    diags
        .iter()
        .map(|d| render(source, d, color))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_hint_and_label() {
        let src = "def f() {\n    x = 1\n";
        let d = Diagnostic::new(codes::UNCLOSED_BRACE, "unclosed `{`", Span::new(8, 9))
            .with_hint("close the block with `}`")
            .with_label(Span::point(19), "the input ends here");
        let expected = "\
error[parse::unclosed_brace]: unclosed `{`
 --> 1:9
  |
1 | def f() {
  |         ^
2 |     x = 1
  |          - the input ends here
  = hint: close the block with `}`
";
        assert_eq!(render(src, &d, false), expected);
    }

    #[test]
    fn renders_gap_and_multiline_span_and_name() {
        let src = "a\nb\nc\nd \"xy\nz";
        let d = Diagnostic::new("x::y", "m", Span::new(8, 12)).with_label(Span::new(0, 1), "here");
        let r = render_named(Some("t.fc"), src, &d, false);
        assert!(r.contains(" --> t.fc:4:3\n"), "{r}");
        assert!(
            r.contains("1 | a\n  | - here\n...\n4 | d \"xy\n  |   ^^^\n"),
            "{r}"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let d = Diagnostic::new("x::y", "m", Span::new(0, 1));
        assert!(!render("a", &d, false).contains('\x1b'));
        assert!(render("a", &d, true).contains("\x1b[1;31m"));
        assert_eq!(d.to_string(), "error[x::y]: m");
    }
}
