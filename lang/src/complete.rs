//! Is this input complete? The one check shared by the REPL (whether to read a continuation
//! line) and the Jupyter kernel (`is_complete_request`). It runs the real lexer, so brackets
//! inside strings and comments do not count.

use crate::diagnostics::codes;
use crate::lexer::lex;
use crate::token::TokenKind;

/// Spaces of indentation suggested per open bracket.
pub const INDENT_UNIT: usize = 4;

/// The answer of [`is_complete`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Completeness {
    /// Ready to run (it may still have errors, which running will show).
    Complete,
    /// A `{`, `(` or `[` is open, or a string is unterminated: read another line.
    Incomplete {
        /// Suggested indentation of the next line, in spaces ([`INDENT_UNIT`] per open
        /// bracket; 0 inside an unterminated string).
        indent: usize,
    },
    /// More lines cannot help: a closer without its opener (`)`, `(]`) or a character that
    /// starts no token. Run it to show the error.
    Invalid,
}

/// Decide whether `src` is complete (see [`Completeness`]).
///
/// ```
/// use fcall_lang::{complete::is_complete, Completeness};
/// assert_eq!(is_complete("x = 1"), Completeness::Complete);
/// assert_eq!(is_complete("def f(x) {"), Completeness::Incomplete { indent: 4 });
/// assert_eq!(is_complete("s = \"{"), Completeness::Incomplete { indent: 0 });
/// assert_eq!(is_complete("x = 1 }"), Completeness::Invalid);
/// ```
pub fn is_complete(src: &str) -> Completeness {
    let lexed = lex(src);
    let mut open: Vec<TokenKind> = Vec::new();
    for t in &lexed.tokens {
        match t.kind {
            TokenKind::LParen => open.push(TokenKind::RParen),
            TokenKind::LBracket => open.push(TokenKind::RBracket),
            TokenKind::LBrace => open.push(TokenKind::RBrace),
            TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace
                if open.pop().as_ref() != Some(&t.kind) =>
            {
                return Completeness::Invalid;
            }
            _ => {}
        }
    }
    let mut unterminated = false;
    for d in &lexed.diagnostics {
        if d.code == codes::UNTERMINATED_STRING {
            unterminated = true;
        } else if d.code == codes::UNEXPECTED_CHAR {
            return Completeness::Invalid;
        }
        // Other lexical errors (a bad escape, a bad number) are shown when it runs; they do
        // not decide whether more lines are needed.
    }
    if unterminated {
        Completeness::Incomplete { indent: 0 }
    } else if !open.is_empty() {
        Completeness::Incomplete {
            indent: INDENT_UNIT * open.len(),
        }
    } else {
        Completeness::Complete
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Completeness::*;

    #[test]
    fn complete_inputs() {
        for src in [
            "",
            "   \n",
            "x = 1",
            "def f() { return 1 }",
            "# a { comment",
            "s = \"{ ( [\"",
            "x = 1\n",
            "call m with a (x) tie=false",
        ] {
            assert_eq!(is_complete(src), Complete, "{src:?}");
        }
    }

    #[test]
    fn open_brackets_and_strings() {
        assert_eq!(is_complete("class Foo {"), Incomplete { indent: 4 });
        assert_eq!(
            is_complete("class Foo {\n  def forward(x) {"),
            Incomplete { indent: 8 }
        );
        assert_eq!(is_complete("x = f(1,"), Incomplete { indent: 4 });
        assert_eq!(is_complete("x = [1, [2,"), Incomplete { indent: 8 });
        assert_eq!(is_complete("a = {foo: t,"), Incomplete { indent: 4 });
        assert_eq!(is_complete("x = \"abc"), Incomplete { indent: 0 });
        assert_eq!(is_complete("x = \"a\nb"), Incomplete { indent: 0 });
        assert_eq!(is_complete("f(# ) is a comment"), Incomplete { indent: 4 });
        assert_eq!(is_complete("f(\")\""), Incomplete { indent: 4 });
    }

    #[test]
    fn invalid_inputs() {
        assert_eq!(is_complete(")"), Invalid);
        assert_eq!(is_complete("f(]"), Invalid);
        assert_eq!(is_complete("{ ) }"), Invalid);
        assert_eq!(is_complete("x = $ ("), Invalid);
        // A bad escape is a plain error, shown when run.
        assert_eq!(is_complete("\"\\q\""), Complete);
    }
}
