//! The functional call: `[explain] call MODULE with DICTS (ARGS) [tie=..] [strict=..]`, an
//! expression (a statement on its own, or kept: `y = call model with p (x)`).

use super::expr::BP_UNARY;
use super::{PResult, Parser};
use crate::ast::{CallOption, CallOptionKind, Expr, ExprKind, FunctionalCall, Ident};
use crate::diagnostics::{codes, Diagnostic};
use crate::span::Span;
use crate::token::{Keyword, TokenKind};

const FORM: &str = "the form is `call MODULE with DICTS (ARGS)`, e.g. `call mod with a (x)`";

impl<'a> Parser<'a> {
    /// The current token is `call` (after `explain`, whose span is given).
    pub(crate) fn functional_call(&mut self, explain: Option<Span>) -> PResult<Expr> {
        // `call call call ...` nests without brackets: count it.
        self.nested(|p| p.functional_call_inner(explain))
    }

    fn functional_call_inner(&mut self, explain: Option<Span>) -> PResult<Expr> {
        let call_span = self.bump().span;
        let start = explain.unwrap_or(call_span);

        if self.at(&TokenKind::Kw(Keyword::With)) || self.at_stmt_end() {
            return Err(self.unexpected(
                codes::EXPECTED_EXPRESSION,
                "the module to call after `call`",
                Some(FORM.to_string()),
            ));
        }
        let module = self.postfix_expr(false)?;

        if self.eat(&TokenKind::Kw(Keyword::With)).is_none() {
            let hint = match &module.kind {
                ExprKind::Call { func, .. } => format!(
                    "name the dicts to swap in before the arguments: `call {} with a (...)`",
                    func.span.slice(self.src)
                ),
                _ => FORM.to_string(),
            };
            return Err(self.unexpected(
                codes::CALL_MISSING_WITH,
                "`with` after the module in `call`",
                Some(hint),
            ));
        }

        if self.at_stmt_end() || matches!(self.peek_kind(), TokenKind::RParen | TokenKind::RBracket)
        {
            return Err(self.unexpected(
                codes::CALL_MISSING_DICTS,
                "the dicts to swap in after `with`",
                Some(FORM.to_string()),
            ));
        }
        let dicts = self.postfix_expr(true)?;

        if !self.at(&TokenKind::LParen) {
            let operator = matches!(
                self.peek_kind(),
                TokenKind::Pipe
                    | TokenKind::Plus
                    | TokenKind::Minus
                    | TokenKind::Star
                    | TokenKind::Slash
                    | TokenKind::At
                    | TokenKind::Kw(Keyword::And | Keyword::Or)
            );
            let hint = match &dicts.kind {
                _ if operator => format!(
                    "the dicts are one name, tuple, dict literal or call; put an expression in \
                     parentheses: `with ({} ...) (x)`",
                    dicts.span.slice(self.src)
                ),
                ExprKind::Call { func, args } => format!(
                    "a `(` right after the dicts calls them: put a space before the argument list, `with {} ({})`",
                    func.span.slice(self.src),
                    args.iter().map(|a| a.span.slice(self.src)).collect::<Vec<_>>().join(", ")
                ),
                _ => "the arguments for forward follow the dicts in parentheses: `call mod with a (x)`; \
                      write `()` for none"
                    .to_string(),
            };
            return Err(self.unexpected(
                codes::CALL_MISSING_ARGS,
                "the argument list `(...)` after the dicts",
                Some(hint),
            ));
        }
        let (args, args_span) = self.call_args()?;

        let mut options: Vec<CallOption> = Vec::new();
        let mut end = args_span;
        while let TokenKind::Ident(name) = self.peek_kind() {
            if self.peek_nth(1).kind != TokenKind::Assign {
                break;
            }
            let name = Ident {
                name: name.clone(),
                span: self.bump().span,
            };
            self.bump();
            let Some(kind) = CallOptionKind::from_name(&name.name) else {
                return Err(self.fail(
                    Diagnostic::new(
                        codes::CALL_UNKNOWN_OPTION,
                        format!("unknown option `{}` for `call`", name.name),
                        name.span,
                    )
                    .with_hint(
                        "the options are `tie=` (tie_weights) and `strict=`; keyword arguments for forward \
                         go inside the parentheses: `(x, scale=2.0)`",
                    ),
                ));
            };
            let value = self.expr_bp(BP_UNARY)?;
            if let Some(prev) = options.iter().find(|o| o.kind == kind) {
                let d = Diagnostic::new(
                    codes::CALL_DUPLICATE_OPTION,
                    format!("option `{}` given twice", kind.as_str()),
                    name.span,
                )
                .with_label(prev.name.span, "first given here");
                self.report(d);
            }
            let span = name.span.to(value.span);
            end = span;
            options.push(CallOption {
                kind,
                name,
                value,
                span,
            });
        }

        // `call m with a (x), strict=true` at statement level: options take no commas.
        let in_brackets = self
            .open
            .last()
            .is_some_and(|(d, _)| *d != super::Delim::Block);
        if !in_brackets
            && self.at(&TokenKind::Comma)
            && matches!(&self.peek_nth(1).kind, TokenKind::Ident(n) if CallOptionKind::from_name(n).is_some())
            && self.peek_nth(2).kind == TokenKind::Assign
        {
            return Err(self.unexpected(
                codes::UNEXPECTED_TOKEN,
                "the end of the `call`",
                Some(
                    "options follow the argument list, separated by spaces: \
                      `call mod with a (x) tie=false strict=true`"
                        .to_string(),
                ),
            ));
        }

        let call = FunctionalCall {
            explain,
            call_span,
            module,
            dicts,
            args,
            args_span,
            options,
        };
        Ok(Expr {
            kind: ExprKind::FunctionalCall(Box::new(call)),
            span: start.to(end),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::ast::*;
    use crate::diagnostics::codes;
    use crate::parser::test_util::*;
    use crate::span::Span;

    fn fcall(src: &str) -> FunctionalCall {
        match stmt(src).kind {
            StmtKind::Expr(Expr {
                kind: ExprKind::FunctionalCall(c),
                ..
            }) => *c,
            StmtKind::Assign {
                value:
                    Expr {
                        kind: ExprKind::FunctionalCall(c),
                        ..
                    },
                ..
            } => *c,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn all_forms_of_the_page() {
        assert_eq!(
            sexpr("call mod with a (ones())"),
            "(fcall mod a (args (call ones)))"
        );
        assert_eq!(
            sexpr("call mod with a (zeros()) tie=false"),
            "(fcall mod a (args (call zeros)) tie=false)"
        );
        assert_eq!(
            sexpr("call mod with (a, b) (x)"),
            "(fcall mod (tuple a b) (args x))"
        );
        assert_eq!(
            sexpr("call mod with a (x, scale=2.0) strict=true"),
            "(fcall mod a (args x scale=2.0) strict=true)"
        );
        assert_eq!(
            sexpr("explain call mod with a (x)"),
            "(explain-fcall mod a (args x))"
        );
        assert_eq!(
            sexpr("call model with params(model) (x)"),
            "(fcall model (call params model) (args x))"
        );
        assert_eq!(
            sexpr("call m with {foo: t} ()"),
            "(fcall m (dict foo: t) (args))"
        );
        assert_eq!(
            sexpr("call m with detach(p) (x) tie=false strict=true"),
            "(fcall m (call detach p) (args x) tie=false strict=true)"
        );
        assert_eq!(
            sexpr("call m with a (x) tie_weights=false"),
            "(fcall m a (args x) tie=false)"
        );
        assert_eq!(
            sexpr("call model.enc with p.x (x)"),
            "(fcall (. model enc) (. p x) (args x))"
        );
        assert_eq!(
            sexpr("call seq[0] with a (x)"),
            "(fcall ([] seq 0) a (args x))"
        );
        assert_eq!(sexpr("call m with a (x) + 1"), "(+ (fcall m a (args x)) 1)");
    }

    #[test]
    fn kept_and_nested() {
        let c = fcall("y = call model with p (x)");
        assert_eq!(c.module.as_name(), Some("model"));
        assert_eq!(c.dicts.as_name(), Some("p"));
        assert!(c.explain.is_none());
        let StmtKind::Def(f) = stmt(
            "def loss(params, x, t) { y = call model with params (x); return mse_loss(y, t) }",
        )
        .kind
        else {
            panic!()
        };
        assert_eq!(f.body.stmts.len(), 2);
        assert_eq!(
            sexpr("f(call m with a (x), 2)"),
            "(call f (fcall m a (args x)) 2)"
        );
    }

    #[test]
    fn spans_and_options() {
        let c = fcall("explain call mod with a (x) tie=false");
        assert_eq!(c.explain, Some(Span::new(0, 7)));
        assert_eq!(c.call_span, Span::new(8, 12));
        assert_eq!(c.args_span, Span::new(24, 27));
        let tie = c.option(CallOptionKind::Tie).unwrap();
        assert_eq!(tie.span, Span::new(28, 37));
        assert!(c.option(CallOptionKind::Strict).is_none());
        let s = stmt("explain call mod with a (x) tie=false");
        assert_eq!(s.span, Span::new(0, 37));
    }

    #[test]
    fn bad_call_syntax() {
        assert_eq!(err_codes("call mod a (x)"), vec![codes::CALL_MISSING_WITH]);
        assert_eq!(err_codes("call mod (x)"), vec![codes::CALL_MISSING_WITH]);
        assert_eq!(err_codes("call mod with a"), vec![codes::CALL_MISSING_ARGS]);
        assert_eq!(
            err_codes("call mod with a(x)"),
            vec![codes::CALL_MISSING_ARGS]
        );
        assert_eq!(err_codes("call mod with"), vec![codes::CALL_MISSING_DICTS]);
        assert_eq!(
            err_codes("call with a (x)"),
            vec![codes::EXPECTED_EXPRESSION]
        );
        assert_eq!(err_codes("call"), vec![codes::EXPECTED_EXPRESSION]);
        assert_eq!(
            err_codes("call m with a (x) tied=false"),
            vec![codes::CALL_UNKNOWN_OPTION]
        );
        assert_eq!(
            err_codes("call m with a (x) tie=false tie=true"),
            vec![codes::CALL_DUPLICATE_OPTION]
        );
        let d = first_err("call m with a | b (x)");
        assert_eq!(d.code, codes::CALL_MISSING_ARGS);
        assert!(d.hint.unwrap().contains("`with (a ...) (x)`"));
        assert_eq!(
            sexpr("call m with (a | b) (x)"),
            "(fcall m (| a b) (args x))"
        );
        let d = first_err("call mod with a(x)");
        assert_eq!(
            d.hint.as_deref(),
            Some("a `(` right after the dicts calls them: put a space before the argument list, `with a (x)`")
        );
    }
}
