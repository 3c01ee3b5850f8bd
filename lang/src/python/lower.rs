//! Ruff's Python tree lowered into fcall's AST ([`crate::ast`]), spans kept. A construct fcall
//! does not run (`yield`, `async`, `match`, `:=`, ...) is an error here that names it.

use std::collections::HashMap;

use ruff_python_ast as py;
use ruff_text_size::{Ranged, TextRange};

use crate::ast::*;
use crate::diagnostics::Diagnostic;
use crate::span::Span;

use super::commands::{command_stmt, CommandLine};
use super::errors::SYNTAX;

/// How deep the lowered tree may nest (statements and expressions together); deeper input is
/// a SyntaxError rather than a stack overflow in the evaluator.
pub const MAX_NESTING: usize = 200;

/// The lowering of one input.
pub struct Lower<'a> {
    /// The original source (command text is read from it).
    pub src: &'a str,
    /// Command placeholders by start offset.
    pub commands: &'a HashMap<usize, CommandLine>,
    depth: usize,
}

type R<T> = Result<T, Diagnostic>;

fn span(r: TextRange) -> Span {
    Span::new(r.start().to_usize(), r.end().to_usize())
}

fn ident(i: &py::Identifier) -> Ident {
    Ident { name: i.id.as_str().to_string(), span: span(i.range) }
}

/// "fcall does not run X" for a construct outside the language.
pub fn unsupported(what: &str, at: Span, hint: &str) -> Diagnostic {
    Diagnostic::new("python::unsupported", format!("fcall does not run {what}"), at).with_hint(hint)
}

impl<'a> Lower<'a> {
    /// A lowering of `src` with its command lines.
    pub fn new(src: &'a str, commands: &'a HashMap<usize, CommandLine>) -> Lower<'a> {
        Lower { src, commands, depth: 0 }
    }

    fn deeper<T>(&mut self, at: Span, f: impl FnOnce(&mut Self) -> R<T>) -> R<T> {
        if self.depth >= MAX_NESTING {
            return Err(Diagnostic::new(SYNTAX, "too many nested expressions and blocks", at)
                .with_hint(format!("fcall nests at most {MAX_NESTING} levels; split it into steps")));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    /// A suite of statements.
    pub fn stmts(&mut self, body: &[py::Stmt]) -> R<Vec<Stmt>> {
        body.iter().map(|s| self.stmt(s)).collect()
    }

    fn block(&mut self, body: &[py::Stmt], at: Span) -> R<Block> {
        let stmts = self.stmts(body)?;
        let span = match (body.first(), body.last()) {
            (Some(a), Some(b)) => Span::new(a.start().to_usize(), b.end().to_usize()),
            _ => at,
        };
        Ok(Block { stmts, span })
    }

    fn opt_block(&mut self, body: &[py::Stmt], at: Span) -> R<Option<Block>> {
        if body.is_empty() {
            Ok(None)
        } else {
            self.block(body, at).map(Some)
        }
    }

    /// The command line whose placeholder is `e`, if it is one.
    fn command_at(&self, e: &py::Expr) -> Option<&'a CommandLine> {
        self.commands.get(&e.start().to_usize())
    }

    /// One statement.
    pub fn stmt(&mut self, s: &py::Stmt) -> R<Stmt> {
        let at = span(s.range());
        self.deeper(at, |l| l.stmt_inner(s, at))
    }

    fn stmt_inner(&mut self, s: &py::Stmt, at: Span) -> R<Stmt> {
        let kind = match s {
            py::Stmt::Expr(e) => {
                if let Some(cmd) = self.command_at(&e.value) {
                    return command_stmt(self, cmd, at);
                }
                // `help`, `history`, `reset`, `watch`, `unwatch` alone are commands (as names
                // they would be undefined, or Python's interactive helper).
                if let py::Expr::Name(n) = &*e.value {
                    let word = n.id.as_str();
                    if matches!(word, "help" | "history" | "reset" | "watch" | "unwatch") {
                        let command = match word {
                            "help" => Command::Help(None),
                            "history" => Command::History,
                            "watch" => Command::Watch(None),
                            "unwatch" => Command::Unwatch(None),
                            _ => Command::Reset,
                        };
                        return Ok(Stmt { kind: StmtKind::Command(command), span: at });
                    }
                }
                StmtKind::Expr(self.expr(&e.value)?)
            }
            py::Stmt::Assign(a) => {
                let value = self.value_or_command(&a.value)?;
                let mut targets = a.targets.iter().map(|t| self.target(t)).collect::<R<Vec<_>>>()?;
                if targets.len() == 1 {
                    StmtKind::Assign { target: targets.remove(0), value }
                } else {
                    StmtKind::MultiAssign { targets, value }
                }
            }
            py::Stmt::AnnAssign(a) => match &a.value {
                Some(v) => StmtKind::Assign { target: self.target(&a.target)?, value: self.expr(v)? },
                None => StmtKind::Pass,
            },
            py::Stmt::AugAssign(a) => StmtKind::AugAssign {
                target: self.target(&a.target)?,
                op: binop(a.op),
                op_span: Span::new(a.target.end().to_usize(), a.value.start().to_usize()),
                value: self.expr(&a.value)?,
            },
            py::Stmt::If(i) => {
                let mut branches = vec![IfBranch { cond: self.expr(&i.test)?, body: self.block(&i.body, at)?, span: at }];
                let mut else_body = None;
                for c in &i.elif_else_clauses {
                    let cs = span(c.range);
                    match &c.test {
                        Some(t) => branches.push(IfBranch { cond: self.expr(t)?, body: self.block(&c.body, cs)?, span: cs }),
                        None => else_body = Some(self.block(&c.body, cs)?),
                    }
                }
                StmtKind::If(IfStmt { branches, else_body })
            }
            py::Stmt::For(f) => {
                if f.is_async {
                    return Err(unsupported("`async for`", at, "write a plain `for` loop"));
                }
                StmtKind::For { target: self.target(&f.target)?, iter: self.expr(&f.iter)?, body: self.block(&f.body, at)?, orelse: self.opt_block(&f.orelse, at)? }
            }
            py::Stmt::While(w) => StmtKind::While { cond: self.expr(&w.test)?, body: self.block(&w.body, at)?, orelse: self.opt_block(&w.orelse, at)? },
            py::Stmt::Break(_) => StmtKind::Break,
            py::Stmt::Continue(_) => StmtKind::Continue,
            py::Stmt::Pass(_) => StmtKind::Pass,
            py::Stmt::Return(r) => StmtKind::Return(r.value.as_deref().map(|v| self.expr(v)).transpose()?),
            py::Stmt::FunctionDef(f) => {
                if f.is_async {
                    return Err(unsupported("`async def`", at, "write a plain `def`"));
                }
                StmtKind::Def(self.function(f, false)?)
            }
            py::Stmt::ClassDef(c) => StmtKind::Class(self.class(c, at)?),
            py::Stmt::Delete(d) => StmtKind::Del(d.targets.iter().map(|t| self.target(t)).collect::<R<_>>()?),
            py::Stmt::Raise(r) => StmtKind::Raise {
                exc: r.exc.as_deref().map(|e| self.expr(e)).transpose()?,
                cause: r.cause.as_deref().map(|e| self.expr(e)).transpose()?,
            },
            py::Stmt::Assert(a) => StmtKind::Assert { test: self.expr(&a.test)?, msg: a.msg.as_deref().map(|e| self.expr(e)).transpose()? },
            py::Stmt::Try(t) => {
                if t.is_star {
                    return Err(unsupported("`except*`", at, "use a plain `except`"));
                }
                let mut handlers = Vec::new();
                for h in &t.handlers {
                    let py::ExceptHandler::ExceptHandler(h) = h;
                    let hs = span(h.range);
                    handlers.push(ExceptHandler {
                        typ: h.type_.as_deref().map(|e| self.expr(e)).transpose()?,
                        name: h.name.as_ref().map(ident),
                        body: self.block(&h.body, hs)?,
                        span: hs,
                    });
                }
                StmtKind::Try(Box::new(TryStmt {
                    body: self.block(&t.body, at)?,
                    handlers,
                    orelse: self.opt_block(&t.orelse, at)?,
                    finalbody: self.opt_block(&t.finalbody, at)?,
                }))
            }
            py::Stmt::With(w) => {
                if w.is_async {
                    return Err(unsupported("`async with`", at, "write a plain `with`"));
                }
                let items = w
                    .items
                    .iter()
                    .map(|i| Ok(WithItem { context: self.expr(&i.context_expr)?, target: i.optional_vars.as_deref().map(|t| self.target(t)).transpose()? }))
                    .collect::<R<Vec<_>>>()?;
                StmtKind::With { items, body: self.block(&w.body, at)? }
            }
            py::Stmt::Global(g) => StmtKind::Global(g.names.iter().map(ident).collect()),
            py::Stmt::Nonlocal(n) => StmtKind::Nonlocal(n.names.iter().map(ident).collect()),
            py::Stmt::Import(i) => StmtKind::Import(i.names.iter().map(alias).collect()),
            py::Stmt::ImportFrom(i) => {
                let module = format!("{}{}", ".".repeat(i.level as usize), i.module.as_ref().map(|m| m.id.as_str()).unwrap_or(""));
                StmtKind::ImportFrom { module, names: i.names.iter().map(alias).collect() }
            }
            py::Stmt::Match(_) => return Err(unsupported("`match` statements", at, "write it with if/elif")),
            py::Stmt::TypeAlias(_) => return Err(unsupported("`type` aliases", at, "assign the type to a name")),
            py::Stmt::IpyEscapeCommand(_) => return Err(unsupported("this IPython escape", at, "fcall's commands: see `help`")),
        };
        Ok(Stmt { kind, span: at })
    }

    /// The right side of `=`: an expression, or a `call` command (`y = call m with a (x)`).
    fn value_or_command(&mut self, e: &py::Expr) -> R<Expr> {
        if let Some(cmd) = self.command_at(e) {
            let stmt = command_stmt(self, cmd, span(e.range()))?;
            return match stmt.kind {
                StmtKind::Expr(e) => Ok(e),
                _ => Err(Diagnostic::new(SYNTAX, "only `call` gives a value to assign", span(e.range())).with_hint("y = call mod with a (x)")),
            };
        }
        self.expr(e)
    }

    fn function(&mut self, f: &py::StmtFunctionDef, method: bool) -> R<FunctionDef> {
        let at = span(f.range);
        let decorators = f.decorator_list.iter().map(|d| self.expr(&d.expression)).collect::<R<Vec<_>>>()?;
        let p = &f.parameters;
        let mut params: Vec<Param> = Vec::new();
        for a in p.posonlyargs.iter().chain(p.args.iter()) {
            params.push(self.param(a)?);
        }
        let kwonly = p.kwonlyargs.iter().map(|a| self.param(a)).collect::<R<Vec<_>>>()?;
        let body = self.block(&f.body, at)?;
        let annotated = f.returns.is_some()
            || p.posonlyargs.iter().chain(p.args.iter()).chain(p.kwonlyargs.iter()).any(|a| a.parameter.annotation.is_some())
            || p.vararg.iter().chain(p.kwarg.iter()).any(|v| v.annotation.is_some());
        let is_static = decorators.iter().any(|d| d.dotted_name().as_deref() == Some("staticmethod"));
        Ok(FunctionDef {
            decorators,
            explicit_self: method && !is_static,
            name: ident(&f.name),
            params,
            posonly: p.posonlyargs.len(),
            annotated,
            vararg: p.vararg.as_ref().map(|v| ident(&v.name)),
            kwonly,
            kwarg: p.kwarg.as_ref().map(|v| ident(&v.name)),
            body,
            span: at,
        })
    }

    fn param(&mut self, a: &py::ParameterWithDefault) -> R<Param> {
        Ok(Param { name: ident(&a.parameter.name), default: a.default.as_deref().map(|d| self.expr(d)).transpose()?, span: span(a.range) })
    }

    fn class(&mut self, c: &py::StmtClassDef, at: Span) -> R<ClassDef> {
        let decorators = c.decorator_list.iter().map(|d| self.expr(&d.expression)).collect::<R<Vec<_>>>()?;
        let mut bases = Vec::new();
        if let Some(args) = &c.arguments {
            if let Some(k) = args.keywords.first() {
                return Err(unsupported("class keywords (metaclass=...)", span(k.range), "fcall classes take base classes only"));
            }
            for b in args.args.iter() {
                bases.push(self.expr(b)?);
            }
        }
        let mut methods = Vec::new();
        let mut attrs = Vec::new();
        let mut annotations = Vec::new();
        for s in &c.body {
            if let py::Stmt::AnnAssign(a) = s {
                if let py::Expr::Name(n) = a.target.as_ref() {
                    annotations.push((Ident { name: n.id.as_str().to_string(), span: span(n.range) }, self.expr(&a.annotation)?));
                }
            }
            match s {
                py::Stmt::FunctionDef(f) if !f.is_async => methods.push(self.function(f, true)?),
                other => attrs.push(self.stmt(other)?),
            }
        }
        Ok(ClassDef { decorators, name: ident(&c.name), bases, attrs, methods, annotations, span: at })
    }

    /// An assignment, `for`, `with ... as`, comprehension or `del` target.
    pub fn target(&mut self, e: &py::Expr) -> R<Target> {
        let at = span(e.range());
        let kind = match e {
            py::Expr::Name(n) => TargetKind::Name(n.id.as_str().to_string()),
            py::Expr::Attribute(a) => TargetKind::Attribute { value: Box::new(self.expr(&a.value)?), attr: ident(&a.attr) },
            py::Expr::Subscript(s) => TargetKind::Index { value: Box::new(self.expr(&s.value)?), index: Box::new(self.expr(&s.slice)?) },
            py::Expr::Tuple(t) => TargetKind::Tuple(t.elts.iter().map(|x| self.target(x)).collect::<R<_>>()?),
            py::Expr::List(t) => TargetKind::Tuple(t.elts.iter().map(|x| self.target(x)).collect::<R<_>>()?),
            py::Expr::Starred(s) => TargetKind::Starred(Box::new(self.target(&s.value)?)),
            _ => return Err(Diagnostic::new(SYNTAX, "cannot assign to expression", at)),
        };
        Ok(Target { kind, span: at })
    }

    /// One expression.
    pub fn expr(&mut self, e: &py::Expr) -> R<Expr> {
        let at = span(e.range());
        self.deeper(at, |l| l.expr_inner(e, at))
    }

    fn exprs(&mut self, es: &[py::Expr]) -> R<Vec<Expr>> {
        es.iter().map(|e| self.expr(e)).collect()
    }

    fn expr_inner(&mut self, e: &py::Expr, at: Span) -> R<Expr> {
        let kind = match e {
            py::Expr::BoolOp(b) => {
                let op = match b.op {
                    py::BoolOp::And => LogicalOp::And,
                    py::BoolOp::Or => LogicalOp::Or,
                };
                if b.values.len() > MAX_NESTING {
                    return Err(Diagnostic::new(SYNTAX, "too many nested expressions and blocks", at)
                        .with_hint(format!("fcall nests at most {MAX_NESTING} levels; split it into steps")));
                }
                let mut it = b.values.iter();
                let first = it.next().expect("a bool op has operands");
                let mut acc = self.expr(first)?;
                for v in it {
                    let rhs = self.expr(v)?;
                    let span = acc.span.to(rhs.span);
                    let op_span = Span::new(acc.span.end, rhs.span.start);
                    acc = Expr { kind: ExprKind::Logical { op, op_span, lhs: Box::new(acc), rhs: Box::new(rhs) }, span };
                }
                return Ok(Expr { span: at, ..acc });
            }
            py::Expr::Named(_) => return Err(unsupported("the walrus operator `:=`", at, "assign on a line of its own")),
            py::Expr::BinOp(b) => ExprKind::Binary {
                op: binop(b.op),
                op_span: Span::new(b.left.end().to_usize(), b.right.start().to_usize()),
                lhs: Box::new(self.expr(&b.left)?),
                rhs: Box::new(self.expr(&b.right)?),
            },
            py::Expr::UnaryOp(u) => ExprKind::Unary {
                op: match u.op {
                    py::UnaryOp::Not => UnaryOp::Not,
                    py::UnaryOp::USub => UnaryOp::Neg,
                    py::UnaryOp::UAdd => UnaryOp::Pos,
                    py::UnaryOp::Invert => UnaryOp::Invert,
                },
                op_span: Span::new(at.start, u.operand.start().to_usize()),
                operand: Box::new(self.expr(&u.operand)?),
            },
            py::Expr::Lambda(l) => {
                let mut params = Vec::new();
                let (mut vararg, mut kwonly, mut kwarg, mut posonly) = (None, Vec::new(), None, 0);
                if let Some(p) = &l.parameters {
                    posonly = p.posonlyargs.len();
                    for a in p.posonlyargs.iter().chain(p.args.iter()) {
                        params.push(self.param(a)?);
                    }
                    kwonly = p.kwonlyargs.iter().map(|a| self.param(a)).collect::<R<Vec<_>>>()?;
                    vararg = p.vararg.as_ref().map(|v| ident(&v.name));
                    kwarg = p.kwarg.as_ref().map(|v| ident(&v.name));
                }
                let body = self.expr(&l.body)?;
                let bs = body.span;
                ExprKind::Lambda(Box::new(FunctionDef {
                    decorators: Vec::new(),
                    explicit_self: false,
                    name: Ident { name: "<lambda>".into(), span: at },
                    params,
                    posonly,
                    annotated: false,
                    vararg,
                    kwonly,
                    kwarg,
                    body: Block { stmts: vec![Stmt { kind: StmtKind::Return(Some(body)), span: bs }], span: bs },
                    span: at,
                }))
            }
            py::Expr::If(i) => ExprKind::IfExp { test: Box::new(self.expr(&i.test)?), body: Box::new(self.expr(&i.body)?), orelse: Box::new(self.expr(&i.orelse)?) },
            py::Expr::Dict(d) => ExprKind::DictDisplay(
                d.items.iter().map(|it| Ok(DictItem { key: it.key.as_ref().map(|k| self.expr(k)).transpose()?, value: self.expr(&it.value)? })).collect::<R<_>>()?,
            ),
            py::Expr::Set(s) => ExprKind::Set(self.exprs(&s.elts)?),
            py::Expr::ListComp(c) => self.comp(CompKind::List, &c.elt, None, &c.generators)?,
            py::Expr::SetComp(c) => self.comp(CompKind::Set, &c.elt, None, &c.generators)?,
            py::Expr::Generator(c) => self.comp(CompKind::Generator, &c.elt, None, &c.generators)?,
            py::Expr::DictComp(c) => match &c.key {
                Some(k) => self.comp(CompKind::Dict, k, Some(&c.value), &c.generators)?,
                None => return Err(Diagnostic::new(SYNTAX, "dict unpacking cannot be used in dict comprehension", at)),
            },
            py::Expr::Await(_) => return Err(unsupported("`await`", at, "fcall runs no coroutines")),
            py::Expr::Yield(_) | py::Expr::YieldFrom(_) => return Err(unsupported("generators (`yield`)", at, "build and return a list instead")),
            py::Expr::Compare(c) => {
                let first = Box::new(self.expr(&c.left)?);
                let mut rest = Vec::new();
                let mut prev_end = c.left.end().to_usize();
                for (op, rhs) in c.ops.iter().zip(c.comparators.iter()) {
                    let rhs_e = self.expr(rhs)?;
                    rest.push(Comparison { op: cmpop(*op), op_span: Span::new(prev_end, rhs.start().to_usize()), rhs: rhs_e });
                    prev_end = rhs.end().to_usize();
                }
                ExprKind::Compare { first, rest }
            }
            py::Expr::Call(c) => {
                let func = Box::new(self.expr(&c.func)?);
                ExprKind::Call { func, args: self.arguments(&c.arguments)? }
            }
            py::Expr::FString(f) => ExprKind::FString(self.fstring(f)?),
            py::Expr::TString(_) => return Err(unsupported("template strings (t-strings)", at, "use an f-string")),
            py::Expr::StringLiteral(s) => ExprKind::Str(s.value.to_str().to_string()),
            py::Expr::BytesLiteral(_) => return Err(unsupported("bytes literals", at, "use a str")),
            py::Expr::NumberLiteral(n) => match &n.value {
                py::Number::Int(i) => match i.as_i64() {
                    Some(v) => ExprKind::Int(v),
                    None => big_int_literal(&i.to_string(), at)?,
                },
                py::Number::Float(f) => ExprKind::Float(*f),
                py::Number::Complex { imag, .. } => ExprKind::Imag(*imag),
            },
            py::Expr::BooleanLiteral(b) => ExprKind::Bool(b.value),
            py::Expr::NoneLiteral(_) => ExprKind::None,
            py::Expr::EllipsisLiteral(_) => ExprKind::Ellipsis,
            py::Expr::Attribute(a) => ExprKind::Attribute { value: Box::new(self.expr(&a.value)?), attr: ident(&a.attr) },
            py::Expr::Subscript(s) => ExprKind::Index { value: Box::new(self.expr(&s.value)?), index: Box::new(self.expr(&s.slice)?) },
            py::Expr::Starred(s) => ExprKind::Starred(Box::new(self.expr(&s.value)?)),
            py::Expr::Name(n) => ExprKind::Name(n.id.as_str().to_string()),
            py::Expr::List(l) => ExprKind::List(self.exprs(&l.elts)?),
            py::Expr::Tuple(t) => ExprKind::Tuple(self.exprs(&t.elts)?),
            py::Expr::Slice(s) => ExprKind::Slice {
                lower: s.lower.as_deref().map(|x| self.expr(x).map(Box::new)).transpose()?,
                upper: s.upper.as_deref().map(|x| self.expr(x).map(Box::new)).transpose()?,
                step: s.step.as_deref().map(|x| self.expr(x).map(Box::new)).transpose()?,
            },
            py::Expr::IpyEscapeCommand(_) => return Err(unsupported("this IPython escape", at, "fcall's commands: see `help`")),
        };
        Ok(Expr { kind, span: at })
    }

    /// A call's arguments, in source order.
    pub fn arguments(&mut self, a: &py::Arguments) -> R<Vec<Arg>> {
        let mut out = Vec::new();
        for item in a.iter_source_order() {
            match item {
                py::ArgOrKeyword::Arg(e) => {
                    let at = span(e.range());
                    if let py::Expr::Starred(s) = e {
                        out.push(Arg { name: None, unpack: Unpack::Star, value: self.expr(&s.value)?, span: at });
                    } else {
                        out.push(Arg { name: None, unpack: Unpack::No, value: self.expr(e)?, span: at });
                    }
                }
                py::ArgOrKeyword::Keyword(k) => {
                    let at = span(k.range);
                    let value = self.expr(&k.value)?;
                    match &k.arg {
                        Some(n) => out.push(Arg { name: Some(ident(n)), unpack: Unpack::No, value, span: at }),
                        None => out.push(Arg { name: None, unpack: Unpack::DoubleStar, value, span: at }),
                    }
                }
            }
        }
        Ok(out)
    }

    fn comp(&mut self, kind: CompKind, elt: &py::Expr, value: Option<&py::Expr>, gens: &[py::Comprehension]) -> R<ExprKind> {
        let mut generators = Vec::new();
        for g in gens {
            if g.is_async {
                return Err(unsupported("`async for` in a comprehension", span(g.range), "use a plain `for`"));
            }
            generators.push(CompFor { target: self.target(&g.target)?, iter: self.expr(&g.iter)?, ifs: self.exprs(&g.ifs)? });
        }
        let elt = self.expr(elt)?;
        let value = value.map(|v| self.expr(v)).transpose()?;
        Ok(ExprKind::Comp(Box::new(Comprehension { kind, elt, value, generators })))
    }

    fn fstring(&mut self, f: &py::ExprFString) -> R<Vec<FStringPart>> {
        let mut parts = Vec::new();
        for part in f.value.iter() {
            match part {
                py::FStringPart::Literal(s) => parts.push(FStringPart::Literal(s.value.to_string())),
                py::FStringPart::FString(fs) => self.interpolated(&fs.elements, &mut parts)?,
            }
        }
        Ok(parts)
    }

    fn interpolated(&mut self, elements: &py::InterpolatedStringElements, parts: &mut Vec<FStringPart>) -> R<()> {
        for el in elements.iter() {
            match el {
                py::InterpolatedStringElement::Literal(l) => parts.push(FStringPart::Literal(l.value.to_string())),
                py::InterpolatedStringElement::Interpolation(i) => {
                    let expr = Box::new(self.expr(&i.expression)?);
                    let conversion = i.conversion.to_byte().map(|b| b as char);
                    let mut spec = Vec::new();
                    if let Some(fs) = &i.format_spec {
                        self.interpolated(&fs.elements, &mut spec)?;
                    }
                    let debug = i.debug_text.as_ref().map(|d| {
                        let src = &self.src[i.expression.start().to_usize()..i.expression.end().to_usize()];
                        format!("{}{}{}", d.leading(), src, d.trailing())
                    });
                    parts.push(FStringPart::Field { expr, conversion, spec, debug });
                }
            }
        }
        Ok(())
    }
}

fn alias(a: &py::Alias) -> Alias {
    Alias { name: a.name.id.as_str().to_string(), asname: a.asname.as_ref().map(ident), span: span(a.range) }
}

fn binop(op: py::Operator) -> BinOp {
    match op {
        py::Operator::Add => BinOp::Add,
        py::Operator::Sub => BinOp::Sub,
        py::Operator::Mult => BinOp::Mul,
        py::Operator::MatMult => BinOp::MatMul,
        py::Operator::Div => BinOp::Div,
        py::Operator::Mod => BinOp::Mod,
        py::Operator::Pow => BinOp::Pow,
        py::Operator::LShift => BinOp::LShift,
        py::Operator::RShift => BinOp::RShift,
        py::Operator::BitOr => BinOp::BitOr,
        py::Operator::BitXor => BinOp::BitXor,
        py::Operator::BitAnd => BinOp::BitAnd,
        py::Operator::FloorDiv => BinOp::FloorDiv,
    }
}

fn cmpop(op: py::CmpOp) -> CmpOp {
    match op {
        py::CmpOp::Eq => CmpOp::Eq,
        py::CmpOp::NotEq => CmpOp::NotEq,
        py::CmpOp::Lt => CmpOp::Lt,
        py::CmpOp::LtE => CmpOp::Le,
        py::CmpOp::Gt => CmpOp::Gt,
        py::CmpOp::GtE => CmpOp::Ge,
        py::CmpOp::Is => CmpOp::Is,
        py::CmpOp::IsNot => CmpOp::IsNot,
        py::CmpOp::In => CmpOp::In,
        py::CmpOp::NotIn => CmpOp::NotIn,
    }
}

/// CPython's `sys.get_int_max_str_digits()` default: a longer decimal literal is a SyntaxError.
const MAX_STR_DIGITS: usize = 4300;

/// An int literal past 64 bits, as the parser gives it (decimal digits, or the whole token for
/// `0x` / `0o` / `0b`).
fn big_int_literal(text: &str, at: Span) -> Result<ExprKind, Diagnostic> {
    let lower = text.to_ascii_lowercase();
    let (radix, digits) = match lower.get(..2) {
        Some("0x") => (16, &lower[2..]),
        Some("0o") => (8, &lower[2..]),
        Some("0b") => (2, &lower[2..]),
        _ => (10, &lower[..]),
    };
    let digits: String = digits.chars().filter(|c| *c != '_').collect();
    if radix == 10 && digits.len() > MAX_STR_DIGITS {
        return Err(Diagnostic::new(
            SYNTAX,
            format!(
                "Exceeds the limit ({MAX_STR_DIGITS} digits) for integer string conversion: value has {} digits; use sys.set_int_max_str_digits() to increase the limit - Consider hexadecimal for huge integer literals to avoid decimal conversion limits.",
                digits.len()
            ),
            at,
        ));
    }
    Ok(ExprKind::BigInt { digits, radix })
}
