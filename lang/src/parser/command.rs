//! Commands: `seed 0`, `show mod`, `ties mod`, `help`, `help call`, `history`, `reset`,
//! `export python "session.py"`.
//!
//! Command words are not reserved: a word is a command only at the start of a statement and
//! only when what follows cannot continue an expression. So `show x` is a command while
//! `show = 1`, `show.x` and `show(x)` (no space before `(`) are ordinary expressions;
//! `help`, `history` and `reset` alone on their statement are commands; `seed`, `show` and
//! `ties` alone are commands missing their argument (`parse::command_argument`).
//! A `-` after the word continues an expression: `seed -1` is `seed - 1`; write `seed (-1)`.

use super::{PResult, Parser};
use crate::ast::{Command, Ident, Stmt, StmtKind};
use crate::diagnostics::{codes, Diagnostic};
use crate::token::{Keyword, TokenKind};

/// The command words.
pub const COMMAND_WORDS: [&str; 7] = ["seed", "show", "ties", "help", "history", "reset", "export"];

impl<'a> Parser<'a> {
    /// Whether the current name `word` starts a command here.
    pub(crate) fn is_command(&self, word: &str) -> bool {
        let next = &self.peek_nth_raw(1).kind;
        let alone = matches!(
            next,
            TokenKind::Newline | TokenKind::Semi | TokenKind::Eof | TokenKind::RBrace
        );
        match word {
            // Alone, they are commands missing their argument (reported by `command`).
            "seed" | "show" | "ties" => alone || self.word_takes_operand(),
            "help" => {
                alone
                    || matches!(
                        next,
                        TokenKind::Ident(_) | TokenKind::Kw(_) | TokenKind::Str(_)
                    )
            }
            "history" | "reset" => alone,
            "export" => matches!(next, TokenKind::Ident(_)),
            _ => false,
        }
    }

    /// Whether the token after the current name starts an operand rather than continuing an
    /// expression: a name, literal, keyword literal, `call`, `not`, `{`, or `(` / `[` after a
    /// space (`show (a | b)`; `show(a)` is a call of a function named `show`).
    pub(crate) fn word_takes_operand(&self) -> bool {
        let word = self.peek();
        let next = self.peek_nth_raw(1);
        match &next.kind {
            TokenKind::Ident(_)
            | TokenKind::Int(_)
            | TokenKind::Float(_)
            | TokenKind::Str(_)
            | TokenKind::LBrace => true,
            TokenKind::Kw(k) => matches!(
                k,
                Keyword::True | Keyword::False | Keyword::None | Keyword::Call | Keyword::Not
            ),
            TokenKind::LParen | TokenKind::LBracket => next.span.start > word.span.end,
            _ => false,
        }
    }

    /// The current token is a command word and [`Parser::is_command`] said yes.
    pub(crate) fn command(&mut self) -> PResult<Stmt> {
        let word_tok = self.bump();
        let TokenKind::Ident(word) = &word_tok.kind else {
            unreachable!("command() at a name")
        };
        let start = word_tok.span;
        if matches!(word.as_str(), "seed" | "show" | "ties") && self.at_stmt_end() {
            let example = match word.as_str() {
                "seed" => "seed 0",
                "show" => "show mod",
                _ => "ties mod",
            };
            return Err(self.fail(
                Diagnostic::new(
                    codes::COMMAND_ARGUMENT,
                    format!("`{word}` needs an argument"),
                    start,
                )
                .with_hint(format!("for example `{example}`")),
            ));
        }
        let cmd = match word.as_str() {
            "seed" => Command::Seed(self.expr()?),
            "show" => Command::Show(self.expr()?),
            "ties" => Command::Ties(self.expr()?),
            "history" => Command::History,
            "reset" => Command::Reset,
            "help" => {
                let topic = match &self.peek_kind() {
                    TokenKind::Ident(n) | TokenKind::Str(n) => Some(n.clone()),
                    TokenKind::Kw(k) => Some(k.as_str().to_string()),
                    _ => None,
                };
                Command::Help(topic.map(|name| Ident {
                    name,
                    span: self.bump().span,
                }))
            }
            "export" => {
                let format = self.expect_name("the export format (`python`)")?;
                if self.at_stmt_end() {
                    return Err(self.unexpected(
                        codes::EXPORT_SYNTAX,
                        "the file to write",
                        Some(format!("write `export {} \"session.py\"`", format.name)),
                    ));
                }
                let path = self.expr()?;
                Command::Export { format, path }
            }
            other => unreachable!("not a command word: {other}"),
        };
        let end = self.prev_end();
        Ok(Stmt {
            kind: StmtKind::Command(cmd),
            span: start.to(crate::span::Span::point(end)),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::ast::*;
    use crate::diagnostics::codes;
    use crate::dump::sexpr;
    use crate::parser::test_util::*;

    fn cmd(src: &str) -> Command {
        match stmt(src).kind {
            StmtKind::Command(c) => c,
            other => panic!("{src}: {other:?}"),
        }
    }

    #[test]
    fn each_command() {
        assert!(matches!(cmd("seed 0"), Command::Seed(ref e) if sexpr(e) == "0"));
        assert!(matches!(cmd("show mod"), Command::Show(ref e) if sexpr(e) == "mod"));
        assert!(matches!(cmd("show p[\"lin.weight\"]"), Command::Show(_)));
        assert!(matches!(cmd("show (a | b)"), Command::Show(ref e) if sexpr(e) == "(| a b)"));
        assert!(matches!(cmd("ties mod"), Command::Ties(_)));
        assert!(matches!(cmd("help"), Command::Help(None)));
        assert!(matches!(cmd("help call"), Command::Help(Some(ref t)) if t.name == "call"));
        assert!(matches!(cmd("help grad"), Command::Help(Some(ref t)) if t.name == "grad"));
        assert!(matches!(cmd("history"), Command::History));
        assert!(matches!(cmd("reset"), Command::Reset));
        let Command::Export { format, path } = cmd("export python \"session.py\"") else {
            panic!()
        };
        assert_eq!(format.name, "python");
        assert_eq!(sexpr(&path), "\"session.py\"");
        assert_eq!(
            stmt("export python \"session.py\"").span,
            crate::span::Span::new(0, 26)
        );
        assert_eq!(stmt("help call").span, crate::span::Span::new(0, 9));
    }

    #[test]
    fn command_words_are_names_elsewhere() {
        assert!(matches!(stmt("show = 1").kind, StmtKind::Assign { .. }));
        assert!(matches!(stmt("seed(0)").kind, StmtKind::Expr(_)));
        assert!(matches!(stmt("history.x").kind, StmtKind::Expr(_)));
        assert!(matches!(stmt("reset(model)").kind, StmtKind::Expr(_)));
        assert!(matches!(stmt("x = show").kind, StmtKind::Assign { .. }));
        let StmtKind::Def(f) = stmt("def f() { show x; seed 1 }").kind else {
            panic!()
        };
        assert!(f
            .body
            .stmts
            .iter()
            .all(|s| matches!(s.kind, StmtKind::Command(_))));
    }

    #[test]
    fn command_errors() {
        assert_eq!(err_codes("export python"), vec![codes::EXPORT_SYNTAX]);
        assert_eq!(err_codes("show"), vec![codes::COMMAND_ARGUMENT]);
        assert_eq!(err_codes("if x { seed }"), vec![codes::COMMAND_ARGUMENT]);
        assert_eq!(err_codes("seed 0 1"), vec![codes::EXPECTED_STATEMENT_END]);
        assert_eq!(
            err_codes("help call me"),
            vec![codes::EXPECTED_STATEMENT_END]
        );
    }
}
