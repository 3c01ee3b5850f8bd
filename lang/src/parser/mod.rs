//! The parser's core: the token cursor, newline handling inside brackets, the open-bracket
//! stack behind the unclosed/mismatched diagnostics, the depth guard (`parse::too_deep`),
//! error recovery, and the entry points [`parse_program`] and [`parse_expr`].
//!
//! The grammar itself is split by construct family: `stmt` (statements, assignment, blocks
//! and control flow), `defs` (`def` and `class`), `expr` (operators and precedence),
//! `primary` (literals, collections, postfix: attribute, index/slice, call arguments),
//! `call` (the `call ... with ...` form) and `command` (`seed`, `show`, `help`, ...).
//!
//! # Grammar
//!
//! ```text
//! program    = { sep } { stmt { sep } }            sep = NEWLINE | ";"
//! stmt       = if | for | while | def | class | "return" [exprlist] | "break" | "continue"
//!            | "no_grad" block | block | command | exprlist [ ("=" | AUGOP) exprlist ]
//! block      = "{" { sep } { stmt { sep } } "}"    (a "{" on the next line is accepted)
//! if         = "if" expr block { "else" "if" expr block } [ "else" block ]
//! for        = "for" postfix { "," postfix } "in" exprlist block
//! while      = "while" expr block
//! def        = "def" NAME "(" [ param { "," param } [","] ] ")" block     param = NAME ["=" expr]
//! class      = "class" NAME "{" { def | sep } "}"
//! command    = "seed" expr | "show" expr | "ties" expr | "help" [NAME | KEYWORD | STRING]
//!            | "history" | "reset" | "export" NAME expr
//! exprlist   = expr { "," expr } [","]             (two or more, or a trailing comma: a tuple)
//! expr       = Pratt: or < and < not < comparisons (chained) < "|" < "+ -" < "* / // % @"
//!              < unary "- +" < "**" (right assoc.) < postfix
//! postfix    = primary { "." NAME | "(" args ")" | "[" subscript "]" }
//! args       = [ arg { "," arg } [","] ]           arg = [NAME "="] expr, positional first
//! subscript  = item { "," item } [","]             item = "..." | expr | [expr] ":" [expr] [":" [expr]]
//! primary    = INT | FLOAT | STRING | "true" | "false" | "none" | NAME
//!            | "(" ")" | "(" expr ")" | "(" expr "," [ expr { "," expr } [","] ] ")"
//!            | "[" [ expr { "," expr } [","] ] "]" | "{" [ key ":" expr { "," key ":" expr } [","] ] "}"
//!            | ["explain"] "call" postfix "with" dicts "(" args ")" { OPTION "=" unary }
//! key        = NAME { "." NAME } | STRING          (never evaluated)
//! dicts      = postfix whose "(" calls only when touching what precedes it: `params(model) (x)`
//! OPTION     = "tie" | "tie_weights" | "strict"
//! ```
//!
//! Newlines end statements except inside `( )`, `[ ]` and dict literals. `explain`,
//! `no_grad` and the command words are names everywhere else (see `command`).

mod call;
mod command;
mod defs;
mod expr;
mod primary;
mod stmt;

pub use command::COMMAND_WORDS;

use crate::ast::{Expr, Ident, Program};
use crate::diagnostics::{codes, Diagnostic};
use crate::lexer::lex;
use crate::span::Span;
use crate::token::{Token, TokenKind};

/// How deep brackets, blocks and operator chains may nest before `parse::too_deep`.
/// Each bracket counts one level and so does the expression inside it; a block counts
/// [`BLOCK_WEIGHT`] (its statements need more stack); each link of an operator or postfix
/// chain counts one. So 33 blocks may nest (Python allows 20), or 49 brackets, and a sum may
/// have 100 terms. The AST is never deeper than this, so the evaluator may walk it
/// recursively (the parser needs under 1 MiB of stack even in a debug build).
pub const MAX_DEPTH: usize = 100;

/// How many levels of [`MAX_DEPTH`] one `{ }` block counts.
pub const BLOCK_WEIGHT: usize = 3;

/// After this many diagnostics the parser stops.
pub const MAX_ERRORS: usize = 20;

/// Parse a whole input (script, REPL entry, notebook cell). Nothing runs: either every
/// statement parsed, or all the diagnostics found (lexical errors alone if there are any).
pub fn parse_program(src: &str) -> Result<Program, Vec<Diagnostic>> {
    let lexed = lex(src);
    if !lexed.diagnostics.is_empty() {
        return Err(lexed.diagnostics);
    }
    let mut p = Parser::new(src, &lexed.tokens);
    let stmts = p.stmt_list(false).unwrap_or_default();
    if p.diags.is_empty() {
        Ok(Program {
            stmts,
            span: Span::new(0, src.len()),
        })
    } else {
        Err(p.diags)
    }
}

/// Parse one expression (the whole input, blank lines around it allowed).
pub fn parse_expr(src: &str) -> Result<Expr, Vec<Diagnostic>> {
    let lexed = lex(src);
    if !lexed.diagnostics.is_empty() {
        return Err(lexed.diagnostics);
    }
    let mut p = Parser::new(src, &lexed.tokens);
    p.nl_skip = 1;
    let result = p.expr();
    if let Ok(e) = result {
        if p.at(&TokenKind::Eof) {
            return Ok(e);
        }
        let _ = p.unexpected(codes::UNEXPECTED_TOKEN, "the end of the expression", None);
    }
    Err(p.diags)
}

/// A parse step failed; its diagnostic has already been recorded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Failed;

pub(crate) type PResult<T> = Result<T, Failed>;

/// The bracket kinds the parser tracks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Delim {
    /// `( )`: newlines inside are ignored.
    Paren,
    /// `[ ]`: newlines inside are ignored.
    Bracket,
    /// `{ }` of a dict literal: newlines inside are ignored.
    Dict,
    /// `{ }` of a block: newlines end statements.
    Block,
}

impl Delim {
    fn open(self) -> TokenKind {
        match self {
            Delim::Paren => TokenKind::LParen,
            Delim::Bracket => TokenKind::LBracket,
            Delim::Dict | Delim::Block => TokenKind::LBrace,
        }
    }

    fn close(self) -> TokenKind {
        match self {
            Delim::Paren => TokenKind::RParen,
            Delim::Bracket => TokenKind::RBracket,
            Delim::Dict | Delim::Block => TokenKind::RBrace,
        }
    }
}

pub(crate) struct Parser<'a> {
    src: &'a str,
    tokens: &'a [Token],
    pos: usize,
    /// > 0 inside `( )`, `[ ]` and dict literals: newlines are skipped.
    nl_skip: u32,
    depth: usize,
    /// Open brackets and blocks, innermost last, with the opener's span.
    open: Vec<(Delim, Span)>,
    /// The open brackets when the last diagnostic was recorded (error recovery starts there).
    err_open: Vec<Delim>,
    diags: Vec<Diagnostic>,
    /// Stop everything: too deep, too many errors, or an error at the end of the input.
    fatal: bool,
    in_def: usize,
    in_loop: usize,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, tokens: &'a [Token]) -> Parser<'a> {
        Parser {
            src,
            tokens,
            pos: 0,
            nl_skip: 0,
            depth: 0,
            open: Vec::new(),
            err_open: Vec::new(),
            diags: Vec::new(),
            fatal: false,
            in_def: 0,
            in_loop: 0,
        }
    }

    // ---- cursor -------------------------------------------------------------------------

    /// Index of the current token (newlines skipped inside brackets).
    fn index_of(&self, mut i: usize) -> usize {
        let last = self.tokens.len() - 1;
        i = i.min(last);
        if self.nl_skip > 0 {
            while i < last && self.tokens[i].kind == TokenKind::Newline {
                i += 1;
            }
        }
        i
    }

    fn peek(&self) -> &'a Token {
        &self.tokens[self.index_of(self.pos)]
    }

    fn peek_kind(&self) -> &'a TokenKind {
        &self.peek().kind
    }

    /// The token `n` places after the current one (0 is the current one).
    fn peek_nth(&self, n: usize) -> &'a Token {
        let mut i = self.index_of(self.pos);
        for _ in 0..n {
            i = self.index_of(i + 1);
        }
        &self.tokens[i]
    }

    /// The token `n` places after the current one, newlines included.
    fn peek_nth_raw(&self, n: usize) -> &'a Token {
        let i = (self.index_of(self.pos) + n).min(self.tokens.len() - 1);
        &self.tokens[i]
    }

    /// The next token that is not a newline, and its index, whatever the mode.
    fn peek_past_newlines(&self) -> (usize, &'a Token) {
        let last = self.tokens.len() - 1;
        let mut i = self.pos.min(last);
        while i < last && self.tokens[i].kind == TokenKind::Newline {
            i += 1;
        }
        (i, &self.tokens[i])
    }

    fn bump(&mut self) -> &'a Token {
        let i = self.index_of(self.pos);
        let tok = &self.tokens[i];
        if tok.kind != TokenKind::Eof {
            self.pos = i + 1;
        } else {
            self.pos = i;
        }
        tok
    }

    /// End of the last consumed token.
    fn prev_end(&self) -> usize {
        let mut i = self.pos;
        while i > 0 {
            i -= 1;
            if self.tokens[i].kind != TokenKind::Newline {
                return self.tokens[i].span.end;
            }
        }
        0
    }

    fn at(&self, kind: &TokenKind) -> bool {
        self.peek_kind() == kind
    }

    fn eat(&mut self, kind: &TokenKind) -> Option<Span> {
        if self.at(kind) {
            Some(self.bump().span)
        } else {
            None
        }
    }

    /// At a newline, `;`, `}` or the end of the input.
    fn at_stmt_end(&self) -> bool {
        matches!(
            self.peek_kind(),
            TokenKind::Newline | TokenKind::Semi | TokenKind::RBrace | TokenKind::Eof
        )
    }

    // ---- diagnostics --------------------------------------------------------------------

    /// Record a diagnostic (the caller goes on or fails).
    fn report(&mut self, d: Diagnostic) {
        self.err_open.clear();
        self.err_open.extend(self.open.iter().map(|&(d, _)| d));
        if self.diags.len() < MAX_ERRORS {
            self.diags.push(d);
        }
        if self.diags.len() >= MAX_ERRORS {
            self.fatal = true;
        }
    }

    /// Record a diagnostic and fail.
    fn fail(&mut self, d: Diagnostic) -> Failed {
        if self.peek_kind() == &TokenKind::Eof {
            self.fatal = true;
        }
        self.report(d);
        Failed
    }

    /// Fail at the current token: "expected {expected}, found {token}". At the end of the
    /// input with a bracket open this is that bracket's `unclosed` error; at a closer that does
    /// not match the open bracket it is `mismatched_close` / `unmatched_close`.
    fn unexpected(&mut self, code: &'static str, expected: &str, hint: Option<String>) -> Failed {
        let tok = self.peek();
        let found = tok.kind.describe();
        let d = match &tok.kind {
            TokenKind::Eof => match self.open.last() {
                Some(&(delim, open_span)) => unclosed(delim, open_span, tok.span),
                None => {
                    // A specific code says more than "the input ended"; keep it.
                    let code = if code == codes::UNEXPECTED_TOKEN {
                        codes::UNEXPECTED_EOF
                    } else {
                        code
                    };
                    let d = Diagnostic::new(
                        code,
                        format!("expected {expected}, but the input ended"),
                        tok.span,
                    );
                    match hint {
                        Some(h) => d.with_hint(h),
                        None => d,
                    }
                }
            },
            TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace
                if self.open.last().is_none_or(|(d, _)| d.close() != tok.kind) =>
            {
                match self.open.last() {
                    None => Diagnostic::new(
                        codes::UNMATCHED_CLOSE,
                        format!("unmatched {found}"),
                        tok.span,
                    )
                    .with_hint("nothing is open here: remove it, or add the opening bracket"),
                    Some(&(delim, open_span)) => Diagnostic::new(
                        codes::MISMATCHED_CLOSE,
                        format!(
                            "{found} does not close the {} opened before it",
                            delim.open().describe()
                        ),
                        tok.span,
                    )
                    .with_label(open_span, "opened here")
                    .with_hint(format!("close it with {} first", delim.close().describe())),
                }
            }
            _ => {
                let d = Diagnostic::new(
                    code,
                    format!("expected {expected}, found {found}"),
                    tok.span,
                );
                match hint {
                    Some(h) => d.with_hint(h),
                    None => d,
                }
            }
        };
        self.fail(d)
    }

    fn too_deep(&mut self) -> Failed {
        let span = self.peek().span;
        self.fatal = true;
        self.report(
            Diagnostic::new(codes::TOO_DEEP, "nesting too deep", span)
                .with_hint("split it up: intermediate variables, or smaller functions"),
        );
        Failed
    }

    // ---- structure helpers --------------------------------------------------------------

    /// Run `f` one nesting level deeper (fails with `parse::too_deep` past [`MAX_DEPTH`]).
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        self.nested_by(1, f)
    }

    /// Like [`Parser::nested`], counting `weight` levels.
    fn nested_by<T>(
        &mut self,
        weight: usize,
        f: impl FnOnce(&mut Self) -> PResult<T>,
    ) -> PResult<T> {
        if self.fatal {
            return Err(Failed);
        }
        if self.depth + weight > MAX_DEPTH {
            return Err(self.too_deep());
        }
        self.depth += weight;
        let r = f(self);
        self.depth -= weight;
        r
    }

    /// Check a chain (operators, postfixes) that nests its result `extra` levels deeper.
    fn check_chain(&mut self, extra: usize) -> PResult<()> {
        if self.depth + extra > MAX_DEPTH {
            Err(self.too_deep())
        } else {
            Ok(())
        }
    }

    /// Parse `open f close`. The current token must be the opener. Newlines are skipped
    /// inside `( )`, `[ ]` and dicts, and end statements inside blocks. `closing` names what
    /// may come before the closer, for the error message ("`,` or `)`").
    fn delimited<T>(
        &mut self,
        delim: Delim,
        closing: &str,
        f: impl FnOnce(&mut Self) -> PResult<T>,
    ) -> PResult<(T, Span)> {
        let weight = if delim == Delim::Block {
            BLOCK_WEIGHT
        } else {
            1
        };
        self.nested_by(weight, |p| {
            let open_span = match p.eat(&delim.open()) {
                Some(s) => s,
                None => {
                    return Err(p.unexpected(
                        codes::UNEXPECTED_TOKEN,
                        &delim.open().describe(),
                        None,
                    ))
                }
            };
            let saved_nl = p.nl_skip;
            let saved_open = p.open.len();
            p.nl_skip = if delim == Delim::Block {
                0
            } else {
                saved_nl + 1
            };
            p.open.push((delim, open_span));
            let r = f(p).and_then(|v| match p.eat(&delim.close()) {
                Some(close) => Ok((v, open_span.to(close))),
                None => Err(p.unexpected(codes::UNEXPECTED_TOKEN, closing, None)),
            });
            p.open.truncate(saved_open);
            p.nl_skip = saved_nl;
            r
        })
    }

    /// Expect a name; `what` says which ("a function name after `def`").
    /// An attribute name after `.`: a name, or digits (`model.0.weight`: a Sequential child).
    pub(crate) fn expect_attr_name(&mut self, what: &str) -> PResult<Ident> {
        if let TokenKind::Int(n) = self.peek_kind() {
            if *n >= 0 {
                let name = n.to_string();
                let span = self.bump().span;
                return Ok(Ident { name, span });
            }
        }
        self.expect_name(what)
    }

    fn expect_name(&mut self, what: &str) -> PResult<Ident> {
        match self.peek_kind() {
            TokenKind::Ident(name) => {
                let span = self.bump().span;
                Ok(Ident {
                    name: name.clone(),
                    span,
                })
            }
            TokenKind::Kw(k) => {
                let hint = format!("`{}` is a reserved word; choose another name", k.as_str());
                Err(self.unexpected(codes::EXPECTED_NAME, what, Some(hint)))
            }
            _ => Err(self.unexpected(codes::EXPECTED_NAME, what, None)),
        }
    }

    /// After an error in a statement of the list whose block has `base_open` brackets open
    /// outside it: skip to the end of that statement, that is to a newline or `;` outside the
    /// brackets open at the error, or to the `}` closing the current block (left in place).
    /// A closer matching an outer bracket closes the inner ones too (`f(x, [1)` ends at `)`).
    fn sync(&mut self, base_open: usize) {
        let mut stack: Vec<TokenKind> = self
            .err_open
            .iter()
            .skip(base_open)
            .map(|d| d.close())
            .collect();
        loop {
            let kind = &self.tokens[self.pos.min(self.tokens.len() - 1)].kind;
            match kind {
                TokenKind::Eof => break,
                TokenKind::Newline | TokenKind::Semi | TokenKind::RBrace if stack.is_empty() => {
                    break
                }
                TokenKind::LParen => stack.push(TokenKind::RParen),
                TokenKind::LBracket => stack.push(TokenKind::RBracket),
                TokenKind::LBrace => stack.push(TokenKind::RBrace),
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => {
                    match stack.iter().rposition(|c| c == kind) {
                        Some(i) => stack.truncate(i),
                        // A `}` that closes nothing opened in this statement closes the block.
                        None if *kind == TokenKind::RBrace => break,
                        None => {}
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
    }
}

/// The `unclosed` diagnostic for an opener never closed before the end of the input.
fn unclosed(delim: Delim, open_span: Span, eof: Span) -> Diagnostic {
    let (code, what, hint) = match delim {
        Delim::Paren => (codes::UNCLOSED_PAREN, "`(`", "add the missing `)`"),
        Delim::Bracket => (codes::UNCLOSED_BRACKET, "`[`", "add the missing `]`"),
        Delim::Dict => (
            codes::UNCLOSED_BRACE,
            "`{`",
            "add the missing `}` to close the dict",
        ),
        Delim::Block => (
            codes::UNCLOSED_BRACE,
            "`{`",
            "add the missing `}` to close the block",
        ),
    };
    Diagnostic::new(
        code,
        format!("unclosed {what}: this {what} is never closed"),
        open_span,
    )
    .with_label(eof, "the input ends here")
    .with_hint(hint)
}

#[cfg(test)]
pub(crate) mod test_util {
    use crate::ast::{Expr, Stmt};
    use crate::diagnostics::Diagnostic;

    /// Parse a program, panicking with the rendered diagnostics on failure.
    pub fn stmts(src: &str) -> Vec<Stmt> {
        match super::parse_program(src) {
            Ok(p) => p.stmts,
            Err(d) => panic!("{}", crate::diagnostics::render_all(src, &d, false)),
        }
    }

    /// Parse one statement.
    pub fn stmt(src: &str) -> Stmt {
        let mut s = stmts(src);
        assert_eq!(s.len(), 1, "{s:?}");
        s.remove(0)
    }

    /// Parse an expression and print it compactly.
    pub fn sexpr(src: &str) -> String {
        match super::parse_expr(src) {
            Ok(e) => crate::dump::sexpr(&e),
            Err(d) => panic!("{}", crate::diagnostics::render_all(src, &d, false)),
        }
    }

    /// Parse one expression.
    pub fn expr(src: &str) -> Expr {
        super::parse_expr(src)
            .unwrap_or_else(|d| panic!("{}", crate::diagnostics::render_all(src, &d, false)))
    }

    /// The codes of the diagnostics of a failing program.
    pub fn err_codes(src: &str) -> Vec<&'static str> {
        match super::parse_program(src) {
            Ok(p) => panic!("expected an error for {src:?}, got {p:?}"),
            Err(d) => d.iter().map(|d: &Diagnostic| d.code).collect(),
        }
    }

    /// The first diagnostic of a failing program.
    pub fn first_err(src: &str) -> Diagnostic {
        match super::parse_program(src) {
            Ok(p) => panic!("expected an error for {src:?}, got {p:?}"),
            Err(mut d) => d.remove(0),
        }
    }
}
