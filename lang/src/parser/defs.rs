//! Definitions: `def name(a, b=1) { ... }` (functions and methods) and
//! `class Name { def init(...) {...} def forward(x) {...} ... }`.

use super::{Delim, Failed, PResult, Parser};
use crate::ast::{ClassDef, FunctionDef, Param, Stmt, StmtKind};
use crate::diagnostics::{codes, Diagnostic};
use crate::token::{Keyword, TokenKind};

impl<'a> Parser<'a> {
    /// `def name(params) { body }`; the current token is `def`.
    pub(crate) fn def(&mut self) -> PResult<FunctionDef> {
        let start = self.bump().span;
        let name = self.expect_name("a function name after `def`")?;
        if !self.at(&TokenKind::LParen) {
            return Err(self.unexpected(
                codes::UNEXPECTED_TOKEN,
                "`(` and the parameter list",
                Some(format!("write `def {}(a, b=1) {{ ... }}`", name.name)),
            ));
        }
        let (params, _) = self.delimited(Delim::Paren, "`,` or `)`", |p| p.params())?;
        let saved_loop = std::mem::replace(&mut self.in_loop, 0);
        self.in_def += 1;
        let body = self.block("function");
        self.in_def -= 1;
        self.in_loop = saved_loop;
        let body = body?;
        Ok(FunctionDef {
            name,
            params,
            span: start.to(body.span),
            body,
        })
    }

    fn params(&mut self) -> PResult<Vec<Param>> {
        let mut params: Vec<Param> = Vec::new();
        while !self.at(&TokenKind::RParen) {
            let name = self.expect_name("a parameter name")?;
            let default = if self.eat(&TokenKind::Assign).is_some() {
                Some(self.expr()?)
            } else {
                None
            };
            let span = default.as_ref().map_or(name.span, |d| name.span.to(d.span));
            if let Some(prev) = params.iter().find(|p| p.name.name == name.name) {
                let d = Diagnostic::new(
                    codes::DUPLICATE_PARAM,
                    format!("duplicate parameter `{}`", name.name),
                    name.span,
                )
                .with_label(prev.name.span, "first defined here");
                self.report(d);
            } else if default.is_none() && params.iter().any(|p| p.default.is_some()) {
                self.report(
                    Diagnostic::new(
                        codes::PARAM_ORDER,
                        format!(
                            "parameter `{}` without a default follows one with a default",
                            name.name
                        ),
                        name.span,
                    )
                    .with_hint("put the parameters with defaults last"),
                );
            }
            params.push(Param {
                name,
                default,
                span,
            });
            if self.eat(&TokenKind::Comma).is_none() {
                break;
            }
        }
        Ok(params)
    }

    /// `class Name { def ... }`; the current token is `class`.
    pub(crate) fn class_def(&mut self) -> PResult<Stmt> {
        let start = self.bump().span;
        let name = self.expect_name("a class name after `class`")?;
        if self.at(&TokenKind::LParen) {
            let span = self.peek().span;
            return Err(self.fail(
                Diagnostic::new(codes::CLASS_BASES, "a class lists no base classes", span)
                    .with_hint(format!(
                        "every class is an nn.Module: write `class {} {{ ... }}`",
                        name.name
                    )),
            ));
        }
        if !self.at(&TokenKind::LBrace) {
            let (i, t) = self.peek_past_newlines();
            if t.kind != TokenKind::LBrace {
                return Err(self.unexpected(
                    codes::EXPECTED_BLOCK,
                    "`{` to start the class body",
                    Some(format!(
                        "write `class {} {{ def init() {{ ... }} def forward(x) {{ ... }} }}`",
                        name.name
                    )),
                ));
            }
            self.pos = i;
        }
        // Methods are functions of their own: no loop around them.
        let saved_loop = std::mem::replace(&mut self.in_loop, 0);
        let r = self.delimited(Delim::Block, "`}`", |p| p.class_body());
        self.in_loop = saved_loop;
        let (methods, body_span) = r?;
        let span = start.to(body_span);
        Ok(Stmt {
            kind: StmtKind::Class(ClassDef {
                name,
                methods,
                span,
            }),
            span,
        })
    }

    fn class_body(&mut self) -> PResult<Vec<FunctionDef>> {
        let mut methods = Vec::new();
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
                TokenKind::RBrace => break,
                TokenKind::Eof => {
                    return Err(self.unexpected(codes::UNEXPECTED_TOKEN, "`}`", None))
                }
                _ => {}
            }
            let before = self.pos;
            let r = if self.at(&TokenKind::Kw(Keyword::Def)) {
                self.def()
            } else {
                Err(self.unexpected(
                    codes::CLASS_MEMBER,
                    "`def` in a class body",
                    Some("a class body holds methods only; set attributes in `def init() { self.foo = ... }`".into()),
                ))
            };
            match r {
                Ok(m) => methods.push(m),
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
        Ok(methods)
    }
}

#[cfg(test)]
mod tests {
    use crate::ast::*;
    use crate::diagnostics::codes;
    use crate::dump::sexpr;
    use crate::parser::test_util::*;

    #[test]
    fn def_with_defaults() {
        let StmtKind::Def(f) = stmt("def f(a, b=1) { y = a + b\n return y }").kind else {
            panic!()
        };
        assert_eq!(f.name.name, "f");
        assert_eq!(f.params.len(), 2);
        assert!(f.params[0].default.is_none());
        assert_eq!(sexpr(f.params[1].default.as_ref().unwrap()), "1");
        assert_eq!(f.body.stmts.len(), 2);
        let StmtKind::Def(f) = stmt("def g(\n  a,\n  b,\n) {}").kind else {
            panic!()
        };
        assert_eq!(f.params.len(), 2);
    }

    #[test]
    fn def_errors() {
        assert_eq!(err_codes("def f(a, a) {}"), vec![codes::DUPLICATE_PARAM]);
        assert_eq!(err_codes("def f(a=1, b) {}"), vec![codes::PARAM_ORDER]);
        assert_eq!(err_codes("def (a) {}"), vec![codes::EXPECTED_NAME]);
        assert_eq!(err_codes("def if() {}"), vec![codes::EXPECTED_NAME]);
        assert_eq!(err_codes("def f {}"), vec![codes::UNEXPECTED_TOKEN]);
        assert_eq!(err_codes("def f(x): return x"), vec![codes::EXPECTED_BLOCK]);
    }

    #[test]
    fn class_with_methods() {
        let src = "class Foo {\n    def init() { self.register_buffer(\"foo\", zeros()) }\n    def forward(x) {\n        self.foo.add_(1)\n        return x + self.foo\n    }\n}";
        let StmtKind::Class(c) = stmt(src).kind else {
            panic!()
        };
        assert_eq!(c.name.name, "Foo");
        assert_eq!(c.methods.len(), 2);
        assert!(
            c.method("forward").is_some() && c.method("init").is_some() && c.method("x").is_none()
        );
        // One line, no separators.
        let StmtKind::Class(c) = stmt(
            "class P { def forward(X) { return X + X.t() } def right_inverse(A) { return A } }",
        )
        .kind
        else {
            panic!()
        };
        assert_eq!(c.methods.len(), 2);
    }

    #[test]
    fn class_errors() {
        assert_eq!(err_codes("class Foo(Module) {}"), vec![codes::CLASS_BASES]);
        assert_eq!(err_codes("class Foo { x = 1 }"), vec![codes::CLASS_MEMBER]);
        assert_eq!(
            err_codes("class Foo { x = 1\n def f() { } y }"),
            vec![codes::CLASS_MEMBER, codes::CLASS_MEMBER]
        );
        assert_eq!(err_codes("class { }"), vec![codes::EXPECTED_NAME]);
        assert_eq!(err_codes("class Foo"), vec![codes::EXPECTED_BLOCK]);
        assert_eq!(err_codes("def f(a)"), vec![codes::EXPECTED_BLOCK]);
        assert_eq!(err_codes("x ="), vec![codes::EXPECTED_EXPRESSION]);
    }
}
