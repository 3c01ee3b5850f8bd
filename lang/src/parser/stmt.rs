//! Statements: statement lists with error recovery, statement dispatch, expression
//! statements, assignment / augmented assignment and their targets, blocks and control flow
//! (`if` / `else if` / `else`, `for`, `while`, `break`, `continue`, `return`, `no_grad`).

use super::{Delim, Failed, PResult, Parser};
use crate::ast::{
    BinOp, Block, Expr, ExprKind, IfBranch, IfStmt, Stmt, StmtKind, Target, TargetKind,
};
use crate::diagnostics::{codes, Diagnostic};
use crate::token::{Keyword, TokenKind};

impl<'a> Parser<'a> {
    /// Statements up to the end of the input (top level) or up to the `}` closing the block
    /// (`in_block`; the `}` is left for the caller). Errors are recorded and the parser goes
    /// on with the next statement.
    pub(crate) fn stmt_list(&mut self, in_block: bool) -> PResult<Vec<Stmt>> {
        let mut stmts = Vec::new();
        let base_open = self.open.len();
        loop {
            if self.fatal {
                return Err(Failed);
            }
            match self.peek_kind() {
                TokenKind::Newline | TokenKind::Semi => {
                    self.bump();
                    continue;
                }
                TokenKind::Eof if in_block => {
                    return Err(self.unexpected(codes::UNEXPECTED_TOKEN, "`}`", None));
                }
                TokenKind::Eof => break,
                TokenKind::RBrace if in_block => break,
                _ => {}
            }
            let before = self.pos;
            let result = self
                .statement()
                .and_then(|s| self.end_of_statement(&s).map(|()| s));
            match result {
                Ok(s) => stmts.push(s),
                Err(Failed) => {
                    if self.fatal {
                        return Err(Failed);
                    }
                    self.sync(base_open);
                    if self.pos == before {
                        self.bump();
                    }
                }
            }
        }
        Ok(stmts)
    }

    /// After a statement: a newline, `;`, `}` or the end of the input must follow, except
    /// after a statement that ends with a block (`def f() {} def g() {}` is fine).
    fn end_of_statement(&mut self, s: &Stmt) -> PResult<()> {
        let ends_with_block = matches!(
            s.kind,
            StmtKind::Def(_)
                | StmtKind::Class(_)
                | StmtKind::If(_)
                | StmtKind::For { .. }
                | StmtKind::While { .. }
                | StmtKind::NoGrad(_)
                | StmtKind::Block(_)
        );
        if self.at_stmt_end() && !(self.open.is_empty() && self.at(&TokenKind::RBrace)) {
            return Ok(());
        }
        if ends_with_block
            && !matches!(
                self.peek_kind(),
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace
            )
        {
            return Ok(());
        }
        let hint = match self.peek_kind() {
            TokenKind::Colon => "blocks use braces, not `:`: `if x { ... }`".to_string(),
            _ => "statements end at a newline or `;`".to_string(),
        };
        Err(self.unexpected(
            codes::EXPECTED_STATEMENT_END,
            "the end of the statement",
            Some(hint),
        ))
    }

    /// One statement.
    pub(crate) fn statement(&mut self) -> PResult<Stmt> {
        let tok = self.peek();
        match &tok.kind {
            TokenKind::Kw(Keyword::If) => self.if_stmt(),
            TokenKind::Kw(Keyword::For) => self.for_stmt(),
            TokenKind::Kw(Keyword::While) => self.while_stmt(),
            TokenKind::Kw(Keyword::Def) => {
                let f = self.def()?;
                Ok(Stmt {
                    span: f.span,
                    kind: StmtKind::Def(f),
                })
            }
            TokenKind::Kw(Keyword::Class) => self.class_def(),
            TokenKind::Kw(Keyword::Return) => self.return_stmt(),
            TokenKind::Kw(k @ (Keyword::Break | Keyword::Continue)) => {
                let span = self.bump().span;
                if self.in_loop == 0 {
                    self.report(Diagnostic::new(
                        codes::BREAK_OUTSIDE_LOOP,
                        format!("`{}` outside a loop", k.as_str()),
                        span,
                    ));
                }
                let kind = if *k == Keyword::Break {
                    StmtKind::Break
                } else {
                    StmtKind::Continue
                };
                Ok(Stmt { kind, span })
            }
            TokenKind::Kw(Keyword::Else) => Err(self.fail(
                Diagnostic::new(
                    codes::ELSE_WITHOUT_IF,
                    "`else` without an `if` before it",
                    tok.span,
                )
                .with_hint("`else` follows the `}` that closes the `if` block: `} else {`"),
            )),
            TokenKind::Ident(w) if w == "elif" && self.word_takes_operand() => Err(self.fail(
                Diagnostic::new(codes::ELIF, "`elif` is written `else if` here", tok.span)
                    .with_hint("write `} else if cond {`"),
            )),
            TokenKind::Ident(w) if w == "no_grad" && self.peek_nth(1).kind == TokenKind::LBrace => {
                let start = self.bump().span;
                let body = self.block("`no_grad`")?;
                Ok(Stmt {
                    span: start.to(body.span),
                    kind: StmtKind::NoGrad(body),
                })
            }
            TokenKind::Ident(w) if self.is_command(w) => self.command(),
            TokenKind::LBrace if !self.brace_starts_dict() => {
                let body = self.block("block")?;
                Ok(Stmt {
                    span: body.span,
                    kind: StmtKind::Block(body),
                })
            }
            _ => self.simple_statement(),
        }
    }

    /// `{` at statement start: a dict literal when followed by `}` or by `key :`.
    fn brace_starts_dict(&self) -> bool {
        let mut i = 1;
        let next_non_nl = |i: &mut usize| loop {
            let k = &self.peek_nth_raw(*i).kind;
            *i += 1;
            if *k != TokenKind::Newline {
                return k.clone();
            }
        };
        match next_non_nl(&mut i) {
            TokenKind::RBrace => true,
            TokenKind::Str(_) | TokenKind::Int(_) | TokenKind::Float(_) => {
                next_non_nl(&mut i) == TokenKind::Colon
            }
            TokenKind::Ident(_) => loop {
                match next_non_nl(&mut i) {
                    TokenKind::Colon => break true,
                    TokenKind::Dot => {
                        if !matches!(next_non_nl(&mut i), TokenKind::Ident(_)) {
                            break false;
                        }
                    }
                    _ => break false,
                }
            },
            _ => false,
        }
    }

    /// An expression statement, an assignment or an augmented assignment.
    fn simple_statement(&mut self) -> PResult<Stmt> {
        let first = self.expr_list()?;
        let aug = match self.peek_kind() {
            TokenKind::Assign => {
                self.bump();
                let target = self.target_from(first, false)?;
                let value = self.expr_list()?;
                let span = target.span.to(value.span);
                return Ok(Stmt {
                    kind: StmtKind::Assign { target, value },
                    span,
                });
            }
            TokenKind::PlusEq => BinOp::Add,
            TokenKind::MinusEq => BinOp::Sub,
            TokenKind::StarEq => BinOp::Mul,
            TokenKind::SlashEq => BinOp::Div,
            TokenKind::SlashSlashEq => BinOp::FloorDiv,
            TokenKind::PercentEq => BinOp::Mod,
            TokenKind::AtEq => BinOp::MatMul,
            TokenKind::StarStarEq => BinOp::Pow,
            TokenKind::PipeEq => BinOp::BitOr,
            _ => {
                let span = first.span;
                return Ok(Stmt {
                    kind: StmtKind::Expr(first),
                    span,
                });
            }
        };
        let op_span = self.bump().span;
        let target = self.target_from(first, true)?;
        let value = self.expr_list()?;
        let span = target.span.to(value.span);
        Ok(Stmt {
            kind: StmtKind::AugAssign {
                target,
                op: aug,
                op_span,
                value,
            },
            span,
        })
    }

    /// Turn a parsed left-hand side into an assignment target.
    pub(crate) fn target_from(&mut self, e: Expr, augmented: bool) -> PResult<Target> {
        let span = e.span;
        let kind = match e.kind {
            ExprKind::Name(n) => TargetKind::Name(n),
            ExprKind::Attribute { value, attr } => TargetKind::Attribute { value, attr },
            ExprKind::Index { value, index } => TargetKind::Index { value, index },
            ExprKind::Tuple(items) | ExprKind::List(items) if !augmented && !items.is_empty() => {
                let targets = items
                    .into_iter()
                    .map(|i| self.target_from(i, false))
                    .collect::<PResult<Vec<_>>>()?;
                TargetKind::Tuple(targets)
            }
            other => {
                let what = describe_expr(&other);
                let (code, hint) = if augmented {
                    (
                        codes::INVALID_AUG_TARGET,
                        "an augmented assignment updates a name, `obj.attr` or `obj[key]`",
                    )
                } else {
                    (
                        codes::INVALID_ASSIGN_TARGET,
                        "assign to a name, `obj.attr`, `obj[key]`, or names separated by commas",
                    )
                };
                return Err(self.fail(
                    Diagnostic::new(code, format!("cannot assign to {what}"), span).with_hint(hint),
                ));
            }
        };
        Ok(Target { kind, span })
    }

    /// A comma-separated expression list: one expression, or an unparenthesised tuple
    /// (`x = 1, 2`, `a, b = f()`, `return a, b`).
    pub(crate) fn expr_list(&mut self) -> PResult<Expr> {
        let first = self.expr()?;
        if !self.at(&TokenKind::Comma) {
            return Ok(first);
        }
        let mut span = first.span;
        let mut items = vec![first];
        while let Some(comma) = self.eat(&TokenKind::Comma) {
            span = span.to(comma);
            if !self.starts_expr() {
                break;
            }
            let e = self.expr()?;
            span = span.to(e.span);
            items.push(e);
        }
        Ok(Expr {
            kind: ExprKind::Tuple(items),
            span,
        })
    }

    /// Whether the current token can start an expression.
    pub(crate) fn starts_expr(&self) -> bool {
        matches!(
            self.peek_kind(),
            TokenKind::Int(_)
                | TokenKind::Float(_)
                | TokenKind::Str(_)
                | TokenKind::Ident(_)
                | TokenKind::Kw(
                    Keyword::True | Keyword::False | Keyword::None | Keyword::Not | Keyword::Call
                )
                | TokenKind::LParen
                | TokenKind::LBracket
                | TokenKind::LBrace
                | TokenKind::Minus
                | TokenKind::Plus
        )
    }

    /// `{ statements }`; `what` names the construct for the error when the `{` is missing.
    /// A `{` on the line after the header is accepted.
    pub(crate) fn block(&mut self, what: &str) -> PResult<Block> {
        if !self.at(&TokenKind::LBrace) {
            let (i, t) = self.peek_past_newlines();
            if t.kind == TokenKind::LBrace {
                self.pos = i;
            } else {
                let hint = if self.at(&TokenKind::Colon) {
                    "blocks use braces, not `:`: `if x { ... }`"
                } else {
                    "write the body in braces: `{ ... }`"
                };
                return Err(self.unexpected(
                    codes::EXPECTED_BLOCK,
                    &format!("`{{` to start the {what} body"),
                    Some(hint.to_string()),
                ));
            }
        }
        let (stmts, span) = self.delimited(Delim::Block, "`}`", |p| p.stmt_list(true))?;
        Ok(Block { stmts, span })
    }

    /// A loop body: `break` and `continue` are allowed inside.
    fn loop_body(&mut self, what: &str) -> PResult<Block> {
        self.in_loop += 1;
        let r = self.block(what);
        self.in_loop -= 1;
        r
    }

    fn if_stmt(&mut self) -> PResult<Stmt> {
        let start = self.bump().span;
        let cond = self.expr()?;
        let body = self.block("`if`")?;
        let mut branches = vec![IfBranch {
            span: start.to(body.span),
            cond,
            body,
        }];
        let mut else_body = None;
        let mut end = branches[0].span;
        loop {
            let (i, t) = self.peek_past_newlines();
            if !t.kind.is_kw(Keyword::Else) {
                break;
            }
            self.pos = i + 1;
            if let Some(if_span) = self.eat(&TokenKind::Kw(Keyword::If)) {
                let cond = self.expr()?;
                let body = self.block("`else if`")?;
                end = body.span;
                branches.push(IfBranch {
                    span: if_span.to(body.span),
                    cond,
                    body,
                });
            } else {
                let body = self.block("`else`")?;
                end = body.span;
                else_body = Some(body);
                break;
            }
        }
        Ok(Stmt {
            kind: StmtKind::If(IfStmt {
                branches,
                else_body,
            }),
            span: start.to(end),
        })
    }

    fn for_stmt(&mut self) -> PResult<Stmt> {
        let start = self.bump().span;
        // The loop variables are postfix expressions, so that `in` is not read as a comparison.
        let first = self.postfix_expr(false)?;
        let mut span = first.span;
        let mut items = vec![first];
        while self.eat(&TokenKind::Comma).is_some() {
            if self.at(&TokenKind::Kw(Keyword::In)) {
                break;
            }
            let e = self.postfix_expr(false)?;
            span = span.to(e.span);
            items.push(e);
        }
        let lhs = if items.len() == 1 {
            items.remove(0)
        } else {
            Expr {
                kind: ExprKind::Tuple(items),
                span,
            }
        };
        let target = self.target_from(lhs, false)?;
        if self.eat(&TokenKind::Kw(Keyword::In)).is_none() {
            return Err(self.unexpected(
                codes::UNEXPECTED_TOKEN,
                "`in` after the loop variable",
                Some("write `for i in range(n) { ... }`".to_string()),
            ));
        }
        let iter = self.expr_list()?;
        let body = self.loop_body("`for`")?;
        Ok(Stmt {
            span: start.to(body.span),
            kind: StmtKind::For { target, iter, body, orelse: None },
        })
    }

    fn while_stmt(&mut self) -> PResult<Stmt> {
        let start = self.bump().span;
        let cond = self.expr()?;
        let body = self.loop_body("`while`")?;
        Ok(Stmt {
            span: start.to(body.span),
            kind: StmtKind::While { cond, body, orelse: None },
        })
    }

    fn return_stmt(&mut self) -> PResult<Stmt> {
        let start = self.bump().span;
        if self.in_def == 0 {
            self.report(
                Diagnostic::new(codes::RETURN_OUTSIDE_DEF, "`return` outside a function", start)
                    .with_hint("`return` belongs in a `def` body; at top level, a bare expression shows its value"),
            );
        }
        if self.at_stmt_end() {
            return Ok(Stmt {
                kind: StmtKind::Return(None),
                span: start,
            });
        }
        let value = self.expr_list()?;
        Ok(Stmt {
            span: start.to(value.span),
            kind: StmtKind::Return(Some(value)),
        })
    }
}

/// How an error message names an expression that cannot be assigned to.
fn describe_expr(k: &ExprKind) -> &'static str {
    match k {
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Bool(_)
        | ExprKind::None
        | ExprKind::Str(_) => "a literal",
        ExprKind::Call { .. } => "a function call",
        ExprKind::FunctionalCall(_) => "a `call` expression",
        ExprKind::Binary { .. } | ExprKind::Unary { .. } | ExprKind::Logical { .. } => {
            "an operator expression"
        }
        ExprKind::Compare { .. } => "a comparison (use `==` to compare, `=` to assign)",
        ExprKind::Dict(_) => "a dict literal",
        ExprKind::Tuple(_) | ExprKind::List(_) => "an empty tuple or list",
        _ => "this expression",
    }
}

#[cfg(test)]
mod tests {
    use crate::ast::*;
    use crate::diagnostics::codes;
    use crate::dump::sexpr;
    use crate::parser::test_util::*;

    #[test]
    fn statements_end_at_newline_or_semicolon() {
        let s = stmts("x = 1; y = 2\n\n  z = x\n# c\n;;");
        assert_eq!(s.len(), 3);
        assert_eq!(s[2].span, crate::span::Span::new(16, 21));
    }

    #[test]
    fn assignment_forms() {
        let StmtKind::Assign { target, value } = stmt("self.foo = param(ones())").kind else {
            panic!()
        };
        assert!(
            matches!(target.kind, TargetKind::Attribute { ref attr, .. } if attr.name == "foo")
        );
        assert_eq!(sexpr(&value), "(call param (call ones))");
        let StmtKind::Assign { target, .. } = stmt("a[\"k\"] = t").kind else {
            panic!()
        };
        assert!(matches!(target.kind, TargetKind::Index { .. }));
        let StmtKind::Assign { target, value } = stmt("g, v = grad_and_value(loss)(p, x, t)").kind
        else {
            panic!()
        };
        assert!(matches!(target.kind, TargetKind::Tuple(ref t) if t.len() == 2));
        assert_eq!(sexpr(&value), "(call (call grad_and_value loss) p x t)");
        let StmtKind::Assign { value, .. } = stmt("x = 1, 2").kind else {
            panic!()
        };
        assert_eq!(sexpr(&value), "(tuple 1 2)");
    }

    #[test]
    fn augmented_assignment() {
        for (src, op) in [
            ("t += 1", BinOp::Add),
            ("t -= 1", BinOp::Sub),
            ("t *= 2", BinOp::Mul),
            ("t @= w", BinOp::MatMul),
            ("d |= e", BinOp::BitOr),
            ("t **= 2", BinOp::Pow),
        ] {
            let StmtKind::AugAssign { op: got, .. } = stmt(src).kind else {
                panic!("{src}")
            };
            assert_eq!(got, op, "{src}");
        }
        let StmtKind::AugAssign { target, .. } = stmt("self.b[0] /= 2").kind else {
            panic!()
        };
        assert!(matches!(target.kind, TargetKind::Index { .. }));
        assert_eq!(err_codes("a, b += 1"), vec![codes::INVALID_AUG_TARGET]);
        assert_eq!(err_codes("f(x) = 1"), vec![codes::INVALID_ASSIGN_TARGET]);
        assert_eq!(err_codes("1 = x"), vec![codes::INVALID_ASSIGN_TARGET]);
    }

    #[test]
    fn if_else_chain() {
        let s = stmt("if a { x } else if b { y } else if c { z } else { w }");
        let StmtKind::If(i) = s.kind else { panic!() };
        assert_eq!(i.branches.len(), 3);
        assert!(i.else_body.is_some());
        // `else` may also start the line after the `}`.
        let StmtKind::If(i) = stmt("if a {\n  x\n}\nelse {\n  y\n}").kind else {
            panic!()
        };
        assert_eq!(i.branches.len(), 1);
        assert_eq!(i.else_body.unwrap().stmts.len(), 1);
        assert_eq!(stmts("if a { x }\ny").len(), 2);
        assert_eq!(err_codes("else { x }"), vec![codes::ELSE_WITHOUT_IF]);
        assert_eq!(err_codes("if a { x } elif b { y }"), vec![codes::ELIF]);
        assert_eq!(err_codes("if a: x"), vec![codes::EXPECTED_BLOCK]);
    }

    #[test]
    fn loops() {
        let StmtKind::For { target, iter, body, .. } =
            stmt("for i in range(n) { t += i; if i > 2 { break } }").kind
        else {
            panic!()
        };
        assert!(matches!(target.kind, TargetKind::Name(ref n) if n == "i"));
        assert_eq!(sexpr(&iter), "(call range n)");
        assert_eq!(body.stmts.len(), 2);
        let StmtKind::For { target, .. } = stmt("for k, v in items(a) {}").kind else {
            panic!()
        };
        assert!(matches!(target.kind, TargetKind::Tuple(ref t) if t.len() == 2));
        assert!(matches!(
            stmt("while x < 3 { x += 1; continue }").kind,
            StmtKind::While { .. }
        ));
        assert_eq!(err_codes("break"), vec![codes::BREAK_OUTSIDE_LOOP]);
        assert_eq!(
            err_codes("for i in x { def f() { continue } }"),
            vec![codes::BREAK_OUTSIDE_LOOP]
        );
        assert_eq!(
            err_codes("for 1 in x {}"),
            vec![codes::INVALID_ASSIGN_TARGET]
        );
        assert_eq!(
            err_codes("for i range(3) {}"),
            vec![codes::UNEXPECTED_TOKEN]
        );
    }

    #[test]
    fn no_grad_and_blocks() {
        let StmtKind::NoGrad(b) = stmt("no_grad { p = p - 0.1 * g }").kind else {
            panic!()
        };
        assert_eq!(b.stmts.len(), 1);
        assert!(matches!(stmt("no_grad = 1").kind, StmtKind::Assign { .. }));
        assert!(matches!(stmt("{ x = 1\n y }").kind, StmtKind::Block(ref b) if b.stmts.len() == 2));
        // `{` at statement start followed by `key:` or `}` is a dict literal, shown as a value.
        for src in [
            "{foo: t}",
            "{}",
            "{\"lin.weight\": w}",
            "{lin.weight: w}",
            "{\n  foo: 1,\n}",
        ] {
            let StmtKind::Expr(e) = stmt(src).kind else {
                panic!("{src}")
            };
            assert!(matches!(e.kind, ExprKind::Dict(_)), "{src}");
        }
    }

    #[test]
    fn return_forms() {
        let StmtKind::Def(f) = stmt("def f(a) { if a { return } return a, 1 }").kind else {
            panic!()
        };
        let StmtKind::If(i) = &f.body.stmts[0].kind else {
            panic!()
        };
        assert!(matches!(
            i.branches[0].body.stmts[0].kind,
            StmtKind::Return(None)
        ));
        let StmtKind::Return(Some(v)) = &f.body.stmts[1].kind else {
            panic!()
        };
        assert_eq!(sexpr(v), "(tuple a 1)");
        assert_eq!(err_codes("return 1"), vec![codes::RETURN_OUTSIDE_DEF]);
    }

    #[test]
    fn statement_end_required() {
        assert_eq!(
            err_codes("x = 1 y = 2"),
            vec![codes::EXPECTED_STATEMENT_END]
        );
        // Statements ending in a block need no separator.
        assert_eq!(stmts("def f() {} def g() {} x").len(), 3);
        // Recovery: each bad statement is reported, good ones in between are fine.
        assert_eq!(
            err_codes("x = )\ny = 1\nz = (1 2)\n"),
            vec![codes::UNMATCHED_CLOSE, codes::UNEXPECTED_TOKEN]
        );
    }
}
