//! Definitions: `def name(a, b=1) { ... }` (functions and methods) and
//! `class Name { def init(...) {...} def forward(x) {...} ... }`.

use super::{Delim, Failed, PResult, Parser};
use crate::ast::{ClassDef, FunctionDef, Ident, Param, Stmt, StmtKind};
use crate::diagnostics::{codes, Diagnostic};
use crate::span::Span;
use crate::token::{Keyword, TokenKind};

/// A parsed parameter list (see [`FunctionDef`]).
#[derive(Default)]
struct Params {
    params: Vec<Param>,
    vararg: Option<Ident>,
    kwonly: Vec<Param>,
    kwarg: Option<Ident>,
}

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
        let (ps, _) = self.delimited(Delim::Paren, "`,` or `)`", |p| p.params())?;
        let saved_loop = std::mem::replace(&mut self.in_loop, 0);
        self.in_def += 1;
        let body = self.block("function");
        self.in_def -= 1;
        self.in_loop = saved_loop;
        let body = body?;
        Ok(FunctionDef {
            decorators: Vec::new(),
            explicit_self: false,
            name,
            params: ps.params,
            vararg: ps.vararg,
            kwonly: ps.kwonly,
            kwarg: ps.kwarg,
            span: start.to(body.span),
            body,
        })
    }

    fn params(&mut self) -> PResult<Params> {
        let mut ps = Params::default();
        // Every name so far, for the duplicate check.
        let mut seen: Vec<Ident> = Vec::new();
        // After `*args` or a bare `*`: the span of that `*` while no keyword-only parameter followed.
        let mut star: Option<Span> = None;
        let mut bare_star: Option<Span> = None;
        let mut after_kwarg = false;
        while !self.at(&TokenKind::RParen) {
            if after_kwarg {
                let span = self.peek().span;
                self.report(
                    Diagnostic::new(codes::STAR_PARAMS, "arguments cannot follow var-keyword argument", span)
                        .with_hint("`**kwargs` comes last: def f(a, *args, b, **kwargs) { ... }"),
                );
            }
            if let Some(s) = self.eat(&TokenKind::StarStar) {
                let name = self.expect_name("a name after `**`")?;
                if let Some(b) = bare_star.take() {
                    self.bare_star_error(b);
                }
                self.check_duplicate(&seen, &name);
                seen.push(name.clone());
                let _ = s;
                ps.kwarg = Some(name);
                after_kwarg = true;
            } else if let Some(s) = self.eat(&TokenKind::Star) {
                if star.is_some() {
                    self.report(
                        Diagnostic::new(codes::STAR_PARAMS, "* argument may appear only once", s)
                            .with_hint("one `*args` (or one bare `*`) per def"),
                    );
                }
                star = Some(s);
                if matches!(self.peek_kind(), TokenKind::Ident(_)) {
                    let name = self.expect_name("a name after `*`")?;
                    self.check_duplicate(&seen, &name);
                    seen.push(name.clone());
                    ps.vararg = Some(name);
                } else {
                    bare_star = Some(s);
                }
            } else {
                let name = self.expect_name("a parameter name")?;
                let default = if self.eat(&TokenKind::Assign).is_some() { Some(self.expr()?) } else { None };
                let span = default.as_ref().map_or(name.span, |d| name.span.to(d.span));
                self.check_duplicate(&seen, &name);
                seen.push(name.clone());
                if star.is_some() {
                    bare_star = None;
                    ps.kwonly.push(Param { name, default, span });
                } else {
                    if default.is_none() && ps.params.iter().any(|p| p.default.is_some()) {
                        self.report(
                            Diagnostic::new(
                                codes::PARAM_ORDER,
                                format!("parameter `{}` without a default follows one with a default", name.name),
                                name.span,
                            )
                            .with_hint("put the parameters with defaults last (or make it keyword-only, after `*`)"),
                        );
                    }
                    ps.params.push(Param { name, default, span });
                }
            }
            if self.eat(&TokenKind::Comma).is_none() {
                break;
            }
        }
        if let Some(b) = bare_star {
            self.bare_star_error(b);
        }
        Ok(ps)
    }

    fn bare_star_error(&mut self, at: Span) {
        self.report(
            Diagnostic::new(codes::STAR_PARAMS, "named arguments must follow bare *", at)
                .with_hint("a bare `*` starts the keyword-only parameters: def f(a, *, b) { ... }"),
        );
    }

    fn check_duplicate(&mut self, seen: &[Ident], name: &Ident) {
        if let Some(prev) = seen.iter().find(|p| p.name == name.name) {
            let d = Diagnostic::new(codes::DUPLICATE_PARAM, format!("duplicate parameter `{}`", name.name), name.span)
                .with_label(prev.span, "first defined here");
            self.report(d);
        }
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
                bases: Vec::new(),
                attrs: Vec::new(),
                methods,
                span,
            }),
            span,
        })
    }

    /// `@property` (then newlines) then a `def`, in a class body; the current token is `@`.
    fn decorated_def(&mut self) -> PResult<FunctionDef> {
        let at = self.bump().span;
        let name = self.expect_name("a decorator name after `@`")?;
        if name.name != "property" {
            return Err(self.fail(
                Diagnostic::new(codes::DECORATOR, format!("unknown decorator `@{}`", name.name), at.to(name.span))
                    .with_hint("fcall classes know `@property` (a read-only attribute computed by a method)"),
            ));
        }
        let (i, t) = self.peek_past_newlines();
        if t.kind == TokenKind::Kw(Keyword::Def) {
            self.pos = i;
        }
        if !self.at(&TokenKind::Kw(Keyword::Def)) {
            return Err(self.unexpected(codes::DECORATOR, "`def` after `@property`", Some("write `@property def scale() { return self.w * 3 }`".into())));
        }
        let mut f = self.def()?;
        if !f.params.is_empty() || f.vararg.is_some() || !f.kwonly.is_empty() || f.kwarg.is_some() {
            let span = f.name.span;
            self.report(
                Diagnostic::new(codes::DECORATOR, format!("a property takes no parameters besides self: `{}`", f.name.name), span)
                    .with_hint(format!("write `@property def {}() {{ ... }}`", f.name.name)),
            );
        }
        let span = at.to(name.span);
        f.decorators.insert(0, crate::ast::Expr { kind: crate::ast::ExprKind::Name(name.name), span });
        f.span = at.to(f.span);
        Ok(f)
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
            let r = if self.at(&TokenKind::At) {
                self.decorated_def()
            } else if self.at(&TokenKind::Kw(Keyword::Def)) {
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
    fn variadic_and_keyword_only_params() {
        let StmtKind::Def(f) = stmt("def f(a, b=1, *args, c, d=2, **kwargs) { }").kind else { panic!() };
        assert_eq!(f.params.len(), 2);
        assert_eq!(f.vararg.as_ref().unwrap().name, "args");
        assert_eq!(f.kwonly.iter().map(|p| p.name.name.as_str()).collect::<Vec<_>>(), ["c", "d"]);
        assert!(f.kwonly[0].default.is_none() && f.kwonly[1].default.is_some());
        assert_eq!(f.kwarg.as_ref().unwrap().name, "kwargs");
        assert_eq!(f.param_names(), ["a", "b", "args", "c", "d", "kwargs"]);
        let StmtKind::Def(f) = stmt("def forward(inp, *, other_inp) { }").kind else { panic!() };
        assert!(f.vararg.is_none() && f.kwonly.len() == 1 && f.params.len() == 1);
        let StmtKind::Def(f) = stmt("def forward(*args, **kwargs) { }").kind else { panic!() };
        assert!(f.params.is_empty() && f.vararg.is_some() && f.kwarg.is_some());
        // A keyword-only parameter without a default may follow one with a default.
        let StmtKind::Def(f) = stmt("def f(a=1, *, b=2, c) { }").kind else { panic!() };
        assert_eq!(f.kwonly.len(), 2);
    }

    #[test]
    fn star_param_errors() {
        assert_eq!(err_codes("def f(*) {}"), vec![codes::STAR_PARAMS]);
        assert_eq!(err_codes("def f(*, **k) {}"), vec![codes::STAR_PARAMS]);
        assert_eq!(err_codes("def f(*a, *b) {}"), vec![codes::STAR_PARAMS]);
        assert_eq!(err_codes("def f(**k, a) {}"), vec![codes::STAR_PARAMS]);
        assert_eq!(err_codes("def f(a, *a) {}"), vec![codes::DUPLICATE_PARAM]);
        assert_eq!(err_codes("def f(a, **a) {}"), vec![codes::DUPLICATE_PARAM]);
        assert_eq!(err_codes("def f(**) {}"), vec![codes::EXPECTED_NAME]);
    }

    #[test]
    fn property_decorator() {
        let StmtKind::Class(c) = stmt("class P {\n    @property\n    def scale() { return self.w * 3 }\n    def forward(x) { return x * self.scale }\n}").kind else { panic!() };
        assert!(c.method("scale").unwrap().has_decorator("property"));
        assert!(!c.method("forward").unwrap().has_decorator("property"));
        assert_eq!(err_codes("class P { @staticmethod def f() { } }"), vec![codes::DECORATOR]);
        assert_eq!(err_codes("class P { @property def f(x) { } }"), vec![codes::DECORATOR]);
        assert_eq!(err_codes("class P { @property }"), vec![codes::DECORATOR]);
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
