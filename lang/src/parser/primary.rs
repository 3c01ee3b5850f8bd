//! Primary expressions and postfixes: literals, names, parenthesised expressions and tuples,
//! lists, dict literals (bare, dotted or quoted keys), attribute access, call arguments
//! (positional then keyword), and indexing with slices and `...`.

use super::{Delim, PResult, Parser};
use crate::ast::{Arg, DictEntry, DictKey, Expr, ExprKind, Ident};
use crate::diagnostics::{codes, Diagnostic};
use crate::span::Span;
use crate::token::{Keyword, TokenKind};

impl<'a> Parser<'a> {
    /// A primary followed by any number of `.name`, `[index]` and `(args)`.
    ///
    /// With `call_dicts` (the dicts part of `call ... with DICTS (ARGS)`), a `(` is a call
    /// only when it touches what precedes it (`params(model)`); after a space it starts the
    /// functional call's own argument list (`with a (x)`).
    pub(crate) fn postfix_expr(&mut self, call_dicts: bool) -> PResult<Expr> {
        let mut e = self.primary()?;
        let mut chain = 0;
        loop {
            let tok = self.peek();
            match tok.kind {
                TokenKind::Dot => {
                    self.bump();
                    let attr = self.expect_attr_name("an attribute name after `.`")?;
                    e = Expr {
                        span: e.span.to(attr.span),
                        kind: ExprKind::Attribute {
                            value: Box::new(e),
                            attr,
                        },
                    };
                }
                TokenKind::LParen => {
                    if call_dicts && tok.span.start != self.prev_end() {
                        break;
                    }
                    let (args, span) = self.call_args()?;
                    e = Expr {
                        span: e.span.to(span),
                        kind: ExprKind::Call {
                            func: Box::new(e),
                            args,
                        },
                    };
                }
                TokenKind::LBracket => {
                    let (index, span) =
                        self.delimited(Delim::Bracket, "`,` or `]`", |p| p.subscript())?;
                    e = Expr {
                        span: e.span.to(span),
                        kind: ExprKind::Index {
                            value: Box::new(e),
                            index: Box::new(index),
                        },
                    };
                }
                _ => break,
            }
            chain += 1;
            self.check_chain(chain)?;
        }
        Ok(e)
    }

    /// A literal, name, `( )`, `[ ]`, `{ }` or `call` form.
    pub(crate) fn primary(&mut self) -> PResult<Expr> {
        let tok = self.peek();
        let span = tok.span;
        let kind = match &tok.kind {
            TokenKind::Int(v) => ExprKind::Int(*v),
            TokenKind::Float(v) => ExprKind::Float(*v),
            TokenKind::Str(s) => ExprKind::Str(s.clone()),
            TokenKind::Kw(Keyword::True) => ExprKind::Bool(true),
            TokenKind::Kw(Keyword::False) => ExprKind::Bool(false),
            TokenKind::Kw(Keyword::None) => ExprKind::None,
            TokenKind::Kw(Keyword::Call) => return self.functional_call(None),
            TokenKind::Ident(n) if n == "explain" && self.peek_nth(1).kind.is_kw(Keyword::Call) => {
                self.bump();
                return self.functional_call(Some(span));
            }
            TokenKind::Ident(n) => ExprKind::Name(n.clone()),
            TokenKind::LParen => return self.paren_or_tuple(),
            TokenKind::LBracket => {
                let (items, span) = self.delimited(Delim::Bracket, "`,` or `]`", |p| {
                    p.comma_items(&TokenKind::RBracket)
                })?;
                return Ok(Expr {
                    kind: ExprKind::List(items),
                    span,
                });
            }
            TokenKind::LBrace => return self.dict(),
            TokenKind::Ellipsis => {
                return Err(self.fail(
                    Diagnostic::new(
                        codes::EXPECTED_EXPRESSION,
                        "`...` can only appear inside an index",
                        span,
                    )
                    .with_hint("write it in an index, e.g. `x[..., 0]`"),
                ))
            }
            _ => return Err(self.unexpected(codes::EXPECTED_EXPRESSION, "an expression", None)),
        };
        self.bump();
        Ok(Expr { kind, span })
    }

    /// Expressions separated by commas (a trailing comma allowed) up to `close` (not eaten).
    fn comma_items(&mut self, close: &TokenKind) -> PResult<Vec<Expr>> {
        let mut items = Vec::new();
        while !self.at(close) {
            items.push(self.expr()?);
            if self.eat(&TokenKind::Comma).is_none() {
                break;
            }
        }
        Ok(items)
    }

    /// `(e)` (its span widened to the parentheses), `()`, `(e,)`, `(a, b)`.
    fn paren_or_tuple(&mut self) -> PResult<Expr> {
        let ((mut items, tuple), span) = self.delimited(Delim::Paren, "`,` or `)`", |p| {
            if p.at(&TokenKind::RParen) {
                return Ok((Vec::new(), true));
            }
            let first = p.expr()?;
            if !p.at(&TokenKind::Comma) {
                return Ok((vec![first], false));
            }
            p.bump();
            let mut items = vec![first];
            items.extend(p.comma_items(&TokenKind::RParen)?);
            Ok((items, true))
        })?;
        if tuple {
            return Ok(Expr {
                kind: ExprKind::Tuple(items),
                span,
            });
        }
        let mut e = items.remove(0);
        e.span = span;
        Ok(e)
    }

    /// `{key: value, ...}`; the current token is `{`.
    fn dict(&mut self) -> PResult<Expr> {
        let (entries, span) = self.delimited(Delim::Dict, "`,` or `}`", |p| {
            let mut entries = Vec::new();
            while !p.at(&TokenKind::RBrace) {
                let key_expr = p.expr()?;
                let key = p.dict_key(key_expr)?;
                if p.eat(&TokenKind::Colon).is_none() {
                    return Err(p.unexpected(
                        codes::UNEXPECTED_TOKEN,
                        "`:` after the dict key",
                        Some("a dict entry is `key: value`".into()),
                    ));
                }
                let value = p.expr()?;
                entries.push(DictEntry {
                    span: key.span.to(value.span),
                    key,
                    value,
                });
                if p.eat(&TokenKind::Comma).is_none() {
                    break;
                }
            }
            Ok(entries)
        })?;
        Ok(Expr {
            kind: ExprKind::Dict(entries),
            span,
        })
    }

    /// A dict key: a string, a name, or a dotted name (`lin.weight`), never evaluated.
    fn dict_key(&mut self, e: Expr) -> PResult<DictKey> {
        if let ExprKind::Str(s) = &e.kind {
            return Ok(DictKey {
                name: s.clone(),
                quoted: true,
                span: e.span,
            });
        }
        if let Some(name) = dotted_name(&e) {
            return Ok(DictKey {
                name,
                quoted: false,
                span: e.span,
            });
        }
        let text = e.span.slice(self.src);
        let hint = if text.is_empty() || text.contains('"') || text.contains('\n') {
            "keys are names or strings: `{foo: t, \"lin.weight\": w}`".to_string()
        } else {
            format!("keys are names or strings (never evaluated); write it in quotes: \"{text}\"")
        };
        Err(self.fail(
            Diagnostic::new(
                codes::DICT_KEY,
                "a dict key must be a name or a string",
                e.span,
            )
            .with_hint(hint),
        ))
    }

    /// `(args)`: positional arguments, then `name=value` keyword arguments.
    pub(crate) fn call_args(&mut self) -> PResult<(Vec<Arg>, Span)> {
        self.delimited(Delim::Paren, "`,` or `)`", |p| {
            let mut args: Vec<Arg> = Vec::new();
            while !p.at(&TokenKind::RParen) {
                let keyword = match &p.peek().kind {
                    TokenKind::Ident(n) if p.peek_nth(1).kind == TokenKind::Assign => {
                        let span = p.bump().span;
                        p.bump();
                        Some(Ident {
                            name: n.clone(),
                            span,
                        })
                    }
                    _ => None,
                };
                let value = p.expr()?;
                let span = keyword
                    .as_ref()
                    .map_or(value.span, |k| k.span.to(value.span));
                match &keyword {
                    None => {
                        if let Some(kw) = args.iter().find_map(|a| a.name.as_ref()) {
                            let d = Diagnostic::new(
                                codes::POSITIONAL_AFTER_KEYWORD,
                                "positional argument after a keyword argument",
                                span,
                            )
                            .with_label(kw.span, "keyword argument here")
                            .with_hint("put positional arguments before keyword arguments");
                            p.report(d);
                        }
                    }
                    Some(k) => {
                        if let Some(prev) = args
                            .iter()
                            .filter_map(|a| a.name.as_ref())
                            .find(|n| n.name == k.name)
                        {
                            let d = Diagnostic::new(
                                codes::DUPLICATE_KEYWORD,
                                format!("keyword argument `{}` given twice", k.name),
                                k.span,
                            )
                            .with_label(prev.span, "first given here");
                            p.report(d);
                        }
                    }
                }
                args.push(Arg {
                    name: keyword,
                    unpack: Default::default(),
                    value,
                    span,
                });
                if p.eat(&TokenKind::Comma).is_none() {
                    break;
                }
            }
            Ok(args)
        })
    }

    /// Inside `[ ]`: one index item, or several separated by commas (a tuple).
    fn subscript(&mut self) -> PResult<Expr> {
        let first = self.index_item()?;
        if !self.at(&TokenKind::Comma) {
            return Ok(first);
        }
        let mut span = first.span;
        let mut items = vec![first];
        while let Some(c) = self.eat(&TokenKind::Comma) {
            span = span.to(c);
            if self.at(&TokenKind::RBracket) {
                break;
            }
            let e = self.index_item()?;
            span = span.to(e.span);
            items.push(e);
        }
        Ok(Expr {
            kind: ExprKind::Tuple(items),
            span,
        })
    }

    /// `e`, `...`, or a slice `lower:upper:step` with any part left out.
    fn index_item(&mut self) -> PResult<Expr> {
        if let Some(span) = self.eat(&TokenKind::Ellipsis) {
            return Ok(Expr {
                kind: ExprKind::Ellipsis,
                span,
            });
        }
        let start = self.peek().span.start;
        let lower = if self.at(&TokenKind::Colon) {
            None
        } else {
            Some(self.expr()?)
        };
        let Some(colon) = self.eat(&TokenKind::Colon) else {
            // `lower` is Some: the token was not a colon.
            return Ok(lower.expect("an index expression"));
        };
        let mut end = colon.end;
        let upper = self.slice_part(&mut end)?;
        let step = if let Some(c2) = self.eat(&TokenKind::Colon) {
            end = c2.end;
            self.slice_part(&mut end)?
        } else {
            None
        };
        Ok(Expr {
            kind: ExprKind::Slice {
                lower: lower.map(Box::new),
                upper,
                step,
            },
            span: Span::new(start, end),
        })
    }

    fn slice_part(&mut self, end: &mut usize) -> PResult<Option<Box<Expr>>> {
        if matches!(
            self.peek_kind(),
            TokenKind::Colon | TokenKind::Comma | TokenKind::RBracket
        ) {
            return Ok(None);
        }
        let e = self.expr()?;
        *end = e.span.end;
        Ok(Some(Box::new(e)))
    }
}

/// `a`, `a.b.c` as the string "a.b.c"; anything else is not a dotted name.
fn dotted_name(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Name(n) => Some(n.clone()),
        ExprKind::Attribute { value, attr } => {
            Some(format!("{}.{}", dotted_name(value)?, attr.name))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::ast::*;
    use crate::diagnostics::codes;
    use crate::parser::test_util::*;

    #[test]
    fn digit_attributes_are_paths_through_sequential_children() {
        let a = sexpr("model.0.weight");
        assert!(a.contains('0') && a.contains("weight") && !a.contains("0.0"), "{a}");
        assert_eq!(sexpr("model.0.weight"), sexpr("model.k.weight").replace(" k", " 0").replace(".k", ".0"));
        assert_eq!(sexpr(".5"), "0.5");
        assert_eq!(sexpr("x + .5"), sexpr("x + 0.5"));
    }

    #[test]
    fn literals() {
        assert_eq!(sexpr("1"), "1");
        assert_eq!(sexpr("2.5"), "2.5");
        assert_eq!(sexpr("1e-3"), "0.001");
        assert_eq!(sexpr("true"), "true");
        assert_eq!(sexpr("false"), "false");
        assert_eq!(sexpr("none"), "none");
        assert_eq!(sexpr(r#""a\"b\n""#), r#""a\"b\n""#);
        assert_eq!(sexpr("[1, 2]"), "(list 1 2)");
        assert_eq!(sexpr("[]"), "(list)");
        assert_eq!(sexpr("[1,\n 2,\n]"), "(list 1 2)");
        assert_eq!(sexpr("(x,)"), "(tuple x)");
        assert_eq!(sexpr("(x, y)"), "(tuple x y)");
        assert_eq!(sexpr("()"), "(tuple)");
        assert_eq!(sexpr("(x)"), "x");
        assert_eq!(
            sexpr("tensor([[1, 2], [3, 4]])"),
            "(call tensor (list (list 1 2) (list 3 4)))"
        );
    }

    #[test]
    fn dicts() {
        assert_eq!(
            sexpr("{foo: t, \"lin.weight\": w}"),
            "(dict foo: t \"lin.weight\": w)"
        );
        assert_eq!(sexpr("{lin.weight: w, }"), "(dict lin.weight: w)");
        assert_eq!(sexpr("{}"), "(dict)");
        assert_eq!(
            sexpr("{\n  a: zeros(),\n  b: 1\n}"),
            "(dict a: (call zeros) b: 1)"
        );
        let ExprKind::Dict(entries) = expr("{foo: t, \"x\": u}").kind else {
            panic!()
        };
        assert!(!entries[0].key.quoted && entries[1].key.quoted);
        assert_eq!(entries[1].key.span, crate::span::Span::new(9, 12));
        assert_eq!(err_codes("a = {1: x}"), vec![codes::DICT_KEY]);
        assert_eq!(err_codes("a = {f(x): x}"), vec![codes::DICT_KEY]);
        assert_eq!(err_codes("a = {x}"), vec![codes::UNEXPECTED_TOKEN]);
        let d = first_err("a = {0.weight: w}");
        assert_eq!(
            d.hint.as_deref(),
            Some("keys are names or strings (never evaluated); write it in quotes: \"0.weight\"")
        );
    }

    #[test]
    fn calls_attributes_methods() {
        assert_eq!(
            sexpr("Linear(3, 3, bias=false)"),
            "(call Linear 3 3 bias=false)"
        );
        assert_eq!(sexpr("x.sum()"), "(call (. x sum))");
        assert_eq!(
            sexpr("x.reshape(2, 6).t()"),
            "(call (. (call (. x reshape) 2 6) t))"
        );
        assert_eq!(sexpr("self.foo.add_(1)"), "(call (. (. self foo) add_) 1)");
        assert_eq!(sexpr("a.foo"), "(. a foo)");
        assert_eq!(
            sexpr("functional_call(mod, a, (x,), tie_weights=false, strict=false)"),
            "(call functional_call mod a (tuple x) tie_weights=false strict=false)"
        );
        assert_eq!(
            sexpr("grad(loss, argnums=(0, 1))(p, b, x)"),
            "(call (call grad loss argnums=(tuple 0 1)) p b x)"
        );
        assert_eq!(
            sexpr("vmap(f, in_dims=(none, 0, 0))(p, xs, ys)"),
            "(call (call vmap f in_dims=(tuple none 0 0)) p xs ys)"
        );
        assert_eq!(sexpr("f(\n  a,\n  b=1,\n)"), "(call f a b=1)");
        assert_eq!(
            err_codes("f(a=1, b)"),
            vec![codes::POSITIONAL_AFTER_KEYWORD]
        );
        assert_eq!(err_codes("f(a=1, a=2)"), vec![codes::DUPLICATE_KEYWORD]);
        assert_eq!(err_codes("x.(y)"), vec![codes::EXPECTED_NAME]);
        assert_eq!(err_codes("x.if"), vec![codes::EXPECTED_NAME]);
    }

    #[test]
    fn indexing_and_slicing() {
        assert_eq!(sexpr("x[0]"), "([] x 0)");
        assert_eq!(sexpr("a[\"lin.weight\"]"), "([] a \"lin.weight\")");
        assert_eq!(sexpr("x[:, 1]"), "([] x (tuple (slice _ _ _) 1))");
        assert_eq!(sexpr("x[1:3]"), "([] x (slice 1 3 _))");
        assert_eq!(sexpr("x[::2]"), "([] x (slice _ _ 2))");
        assert_eq!(sexpr("x[1:]"), "([] x (slice 1 _ _))");
        assert_eq!(sexpr("x[:-1]"), "([] x (slice _ (neg 1) _))");
        assert_eq!(sexpr("x[..., 0]"), "([] x (tuple ... 0))");
        assert_eq!(sexpr("x[0,]"), "([] x (tuple 0))");
        assert_eq!(sexpr("x[0][1]"), "([] ([] x 0) 1)");
        let ExprKind::Index { index, .. } = expr("x[1:3]").kind else {
            panic!()
        };
        assert_eq!(index.span, crate::span::Span::new(2, 5));
        assert_eq!(err_codes("x = ..."), vec![codes::EXPECTED_EXPRESSION]);
        assert_eq!(err_codes("x[]"), vec![codes::EXPECTED_EXPRESSION]);
    }
}
