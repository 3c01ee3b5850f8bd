//! Readable text forms of the AST: [`dump`] (an indented tree with every span, used by the
//! golden tests and handy for `--dump-ast`) and [`sexpr`] (a compact one-line form of an
//! expression, without spans, used by the unit tests).

use crate::ast::*;
use crate::span::{LineIndex, Span};
use std::fmt::Write as _;

/// The program as an indented tree, one node per line, each with its `@start..end` span.
///
/// ```
/// let p = fcall_lang::parser::parse_program("y = call m with a (x) tie=false").unwrap();
/// assert_eq!(fcall_lang::dump(&p), "\
/// Program @0..31
///   Assign @0..31
///     target: Name y @0..1
///     value: FunctionalCall @4..31
///       module: Name m @9..10
///       dicts: Name a @16..17
///       args @18..21
///         Name x @19..20
///       option tie @22..31
///         Bool false @26..31
/// ");
/// ```
pub fn dump(program: &Program) -> String {
    Dumper {
        out: String::new(),
        lines: None,
    }
    .program(program)
}

/// Like [`dump`], with spans as 1-based `line:col` read in `src` (the parsed text):
/// `@2:5..12` on one line, `@2:5..4:2` across lines (the end is exclusive). Used by the
/// golden tests.
///
/// ```
/// let src = "x = 1\nshow x";
/// let p = fcall_lang::parse_program(src).unwrap();
/// assert_eq!(fcall_lang::dump::dump_with_lines(&p, src), "\
/// Program @1:1..2:7
///   Assign @1:1..6
///     target: Name x @1:1..2
///     value: Int 1 @1:5..6
///   Command show @2:1..7
///     Name x @2:6..7
/// ");
/// ```
pub fn dump_with_lines(program: &Program, src: &str) -> String {
    Dumper {
        out: String::new(),
        lines: Some(LineIndex::new(src)),
    }
    .program(program)
}

/// One statement as an indented tree (see [`dump`]).
pub fn dump_stmt(stmt: &Stmt) -> String {
    let mut d = Dumper {
        out: String::new(),
        lines: None,
    };
    d.stmt(0, "", stmt);
    d.out
}

/// One expression as an indented tree (see [`dump`]).
pub fn dump_expr(expr: &Expr) -> String {
    let mut d = Dumper {
        out: String::new(),
        lines: None,
    };
    d.expr(0, "", expr);
    d.out
}

struct Dumper<'s> {
    out: String,
    lines: Option<LineIndex<'s>>,
}

impl Dumper<'_> {
    fn program(mut self, program: &Program) -> String {
        let sp = self.at(program.span);
        self.line(0, "", &format!("Program {sp}"));
        for s in &program.stmts {
            self.stmt(1, "", s);
        }
        self.out
    }

    fn at(&self, span: Span) -> String {
        match &self.lines {
            None => format!("@{}..{}", span.start, span.end),
            Some(ix) => {
                let (a, b) = (ix.line_col(span.start), ix.line_col(span.end));
                if a.line == b.line {
                    format!("@{}:{}..{}", a.line, a.col, b.col)
                } else {
                    format!("@{a}..{b}")
                }
            }
        }
    }

    fn line(&mut self, depth: usize, label: &str, text: &str) {
        let _ = writeln!(self.out, "{:width$}{label}{text}", "", width = depth * 2);
    }

    fn block(&mut self, depth: usize, label: &str, b: &Block) {
        self.line(depth, label, &format!("Block {}", self.at(b.span)));
        for s in &b.stmts {
            self.stmt(depth + 1, "", s);
        }
    }

    fn stmt(&mut self, depth: usize, label: &str, s: &Stmt) {
        let sp = self.at(s.span);
        let d = depth + 1;
        match &s.kind {
            StmtKind::MultiAssign { .. } | StmtKind::Pass | StmtKind::Del(_) | StmtKind::Raise { .. } | StmtKind::Assert { .. }
            | StmtKind::Try(_) | StmtKind::With { .. } | StmtKind::Global(_) | StmtKind::Nonlocal(_) | StmtKind::Import(_)
            | StmtKind::ImportFrom { .. } => self.line(depth, label, &format!("{:?} {sp}", s.kind)),
            StmtKind::Expr(e) => {
                self.line(depth, label, &format!("Expr {sp}"));
                self.expr(d, "", e);
            }
            StmtKind::Assign { target, value } => {
                self.line(depth, label, &format!("Assign {sp}"));
                self.target(d, "target: ", target);
                self.expr(d, "value: ", value);
            }
            StmtKind::AugAssign {
                target, op, value, ..
            } => {
                self.line(depth, label, &format!("AugAssign {}= {sp}", op.as_str()));
                self.target(d, "target: ", target);
                self.expr(d, "value: ", value);
            }
            StmtKind::If(i) => {
                self.line(depth, label, &format!("If {sp}"));
                for b in &i.branches {
                    self.line(d, "", &format!("branch {}", self.at(b.span)));
                    self.expr(d + 1, "cond: ", &b.cond);
                    self.block(d + 1, "body: ", &b.body);
                }
                if let Some(e) = &i.else_body {
                    self.block(d, "else: ", e);
                }
            }
            StmtKind::For { target, iter, body, .. } => {
                self.line(depth, label, &format!("For {sp}"));
                self.target(d, "target: ", target);
                self.expr(d, "iter: ", iter);
                self.block(d, "body: ", body);
            }
            StmtKind::While { cond, body, .. } => {
                self.line(depth, label, &format!("While {sp}"));
                self.expr(d, "cond: ", cond);
                self.block(d, "body: ", body);
            }
            StmtKind::Break => self.line(depth, label, &format!("Break {sp}")),
            StmtKind::Continue => self.line(depth, label, &format!("Continue {sp}")),
            StmtKind::Return(v) => {
                self.line(depth, label, &format!("Return {sp}"));
                if let Some(v) = v {
                    self.expr(d, "", v);
                }
            }
            StmtKind::Def(f) => self.def(depth, label, f),
            StmtKind::Class(c) => {
                self.line(depth, label, &format!("Class {} {sp}", c.name.name));
                for m in &c.methods {
                    self.def(d, "", m);
                }
            }
            StmtKind::NoGrad(b) => {
                self.line(depth, label, &format!("NoGrad {sp}"));
                self.block(d, "body: ", b);
            }
            StmtKind::Block(b) => self.block(depth, label, b),
            StmtKind::Command(c) => match c {
                Command::Seed(e) | Command::Show(e) | Command::Ties(e) => {
                    self.line(depth, label, &format!("Command {} {sp}", c.word()));
                    self.expr(d, "", e);
                }
                Command::Help(Some(topic)) => {
                    self.line(depth, label, &format!("Command help {sp}"));
                    self.line(
                        d,
                        "topic: ",
                        &format!("{} {}", topic.name, self.at(topic.span)),
                    );
                }
                Command::Help(None) | Command::History | Command::Reset => {
                    self.line(depth, label, &format!("Command {} {sp}", c.word()));
                }
                Command::Export { format, path } => {
                    self.line(depth, label, &format!("Command export {sp}"));
                    self.line(
                        d,
                        "format: ",
                        &format!("{} {}", format.name, self.at(format.span)),
                    );
                    self.expr(d, "path: ", path);
                }
            },
        }
    }

    fn def(&mut self, depth: usize, label: &str, f: &FunctionDef) {
        self.line(
            depth,
            label,
            &format!("Def {} {}", f.name.name, self.at(f.span)),
        );
        for d in &f.decorators {
            self.line(depth + 1, "", &format!("Decorator @{} {}", d.dotted_name().unwrap_or_default(), self.at(d.span)));
        }
        for p in &f.params {
            self.line(
                depth + 1,
                "",
                &format!("Param {} {}", p.name.name, self.at(p.span)),
            );
            if let Some(dv) = &p.default {
                self.expr(depth + 2, "default: ", dv);
            }
        }
        if let Some(v) = &f.vararg {
            self.line(depth + 1, "", &format!("VarArgs *{} {}", v.name, self.at(v.span)));
        }
        for p in &f.kwonly {
            self.line(depth + 1, "", &format!("KwOnly {} {}", p.name.name, self.at(p.span)));
            if let Some(dv) = &p.default {
                self.expr(depth + 2, "default: ", dv);
            }
        }
        if let Some(k) = &f.kwarg {
            self.line(depth + 1, "", &format!("VarKeywords **{} {}", k.name, self.at(k.span)));
        }
        self.block(depth + 1, "body: ", &f.body);
    }

    fn target(&mut self, depth: usize, label: &str, t: &Target) {
        let sp = self.at(t.span);
        match &t.kind {
            TargetKind::Name(n) => self.line(depth, label, &format!("Name {n} {sp}")),
            TargetKind::Starred(t) => self.target(depth, label, t),
            TargetKind::Attribute { value, attr } => {
                self.line(depth, label, &format!("Attribute .{} {sp}", attr.name));
                self.expr(depth + 1, "value: ", value);
            }
            TargetKind::Index { value, index } => {
                self.line(depth, label, &format!("Index {sp}"));
                self.expr(depth + 1, "value: ", value);
                self.expr(depth + 1, "index: ", index);
            }
            TargetKind::Tuple(items) => {
                self.line(depth, label, &format!("Tuple {sp}"));
                for i in items {
                    self.target(depth + 1, "", i);
                }
            }
        }
    }

    fn args(&mut self, depth: usize, args: &[Arg]) {
        for a in args {
            match &a.name {
                Some(n) => self.expr(depth, &format!("{}=", n.name), &a.value),
                None => self.expr(depth, "", &a.value),
            }
        }
    }

    fn expr(&mut self, depth: usize, label: &str, e: &Expr) {
        let sp = self.at(e.span);
        let d = depth + 1;
        match &e.kind {
            ExprKind::DictDisplay(_) | ExprKind::Set(_) | ExprKind::Starred(_) | ExprKind::IfExp { .. } | ExprKind::Lambda(_)
            | ExprKind::Comp(_) | ExprKind::FString(_) => self.line(depth, label, &format!("{:?} {sp}", e.kind)),
            ExprKind::Int(v) => self.line(depth, label, &format!("Int {v} {sp}")),
            ExprKind::Float(v) => self.line(depth, label, &format!("Float {v:?} {sp}")),
            ExprKind::Bool(v) => self.line(depth, label, &format!("Bool {v} {sp}")),
            ExprKind::None => self.line(depth, label, &format!("None {sp}")),
            ExprKind::Str(s) => self.line(depth, label, &format!("Str {s:?} {sp}")),
            ExprKind::Name(n) => self.line(depth, label, &format!("Name {n} {sp}")),
            ExprKind::Ellipsis => self.line(depth, label, &format!("Ellipsis {sp}")),
            ExprKind::List(items) | ExprKind::Tuple(items) => {
                let kind = if matches!(e.kind, ExprKind::List(_)) {
                    "List"
                } else {
                    "Tuple"
                };
                self.line(depth, label, &format!("{kind} {sp}"));
                for i in items {
                    self.expr(d, "", i);
                }
            }
            ExprKind::Dict(entries) => {
                self.line(depth, label, &format!("Dict {sp}"));
                for en in entries {
                    let q = if en.key.quoted {
                        format!("{:?}", en.key.name)
                    } else {
                        en.key.name.clone()
                    };
                    self.expr(d, &format!("{q}: "), &en.value);
                }
            }
            ExprKind::Unary { op, operand, .. } => {
                self.line(depth, label, &format!("Unary {} {sp}", op.as_str()));
                self.expr(d, "", operand);
            }
            ExprKind::Binary { op, lhs, rhs, .. } => {
                self.line(depth, label, &format!("Binary {} {sp}", op.as_str()));
                self.expr(d, "", lhs);
                self.expr(d, "", rhs);
            }
            ExprKind::Logical { op, lhs, rhs, .. } => {
                self.line(depth, label, &format!("Logical {} {sp}", op.as_str()));
                self.expr(d, "", lhs);
                self.expr(d, "", rhs);
            }
            ExprKind::Compare { first, rest } => {
                self.line(depth, label, &format!("Compare {sp}"));
                self.expr(d, "", first);
                for c in rest {
                    self.expr(d, &format!("{} ", c.op.as_str()), &c.rhs);
                }
            }
            ExprKind::Attribute { value, attr } => {
                self.line(depth, label, &format!("Attribute .{} {sp}", attr.name));
                self.expr(d, "", value);
            }
            ExprKind::Index { value, index } => {
                self.line(depth, label, &format!("Index {sp}"));
                self.expr(d, "value: ", value);
                self.expr(d, "index: ", index);
            }
            ExprKind::Slice { lower, upper, step } => {
                self.line(depth, label, &format!("Slice {sp}"));
                for (name, part) in [("lower: ", lower), ("upper: ", upper), ("step: ", step)] {
                    if let Some(p) = part {
                        self.expr(d, name, p);
                    }
                }
            }
            ExprKind::Call { func, args } => {
                self.line(depth, label, &format!("Call {sp}"));
                self.expr(d, "func: ", func);
                self.args(d, args);
            }
            ExprKind::FunctionalCall(c) => {
                let explain = if c.explain.is_some() { " explain" } else { "" };
                self.line(depth, label, &format!("FunctionalCall{explain} {sp}"));
                self.expr(d, "module: ", &c.module);
                self.expr(d, "dicts: ", &c.dicts);
                self.line(d, "", &format!("args {}", self.at(c.args_span)));
                self.args(d + 1, &c.args);
                for o in &c.options {
                    self.line(
                        d,
                        "",
                        &format!("option {} {}", o.kind.as_str(), self.at(o.span)),
                    );
                    self.expr(d + 1, "", &o.value);
                }
            }
        }
    }
}

/// An expression in one line, without spans: `(+ a (* b c))`, `(call f x bias=false)`,
/// `(. x sum)`, `([] x (slice 1 3 _))`, `(fcall mod a (args x) tie=false)`.
pub fn sexpr(e: &Expr) -> String {
    let list = |head: &str, items: &[Expr]| {
        let mut s = format!("({head}");
        for i in items {
            s.push(' ');
            s.push_str(&sexpr(i));
        }
        s.push(')');
        s
    };
    let args = |s: &mut String, args: &[Arg]| {
        for a in args {
            s.push(' ');
            if let Some(n) = &a.name {
                s.push_str(&n.name);
                s.push('=');
            }
            s.push_str(&sexpr(&a.value));
        }
    };
    let opt = |o: &Option<Box<Expr>>| o.as_ref().map_or("_".to_string(), |e| sexpr(e));
    match &e.kind {
        ExprKind::DictDisplay(_) | ExprKind::Set(_) | ExprKind::Starred(_) | ExprKind::IfExp { .. } | ExprKind::Lambda(_)
        | ExprKind::Comp(_) | ExprKind::FString(_) => format!("{:?}", e.kind),
        ExprKind::Int(v) => v.to_string(),
        ExprKind::Float(v) => format!("{v:?}"),
        ExprKind::Bool(v) => v.to_string(),
        ExprKind::None => "none".to_string(),
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::Name(n) => n.clone(),
        ExprKind::Ellipsis => "...".to_string(),
        ExprKind::List(items) => list("list", items),
        ExprKind::Tuple(items) => list("tuple", items),
        ExprKind::Dict(entries) => {
            let mut s = "(dict".to_string();
            for en in entries {
                let k = if en.key.quoted {
                    format!("{:?}", en.key.name)
                } else {
                    en.key.name.clone()
                };
                let _ = write!(s, " {k}: {}", sexpr(&en.value));
            }
            s.push(')');
            s
        }
        ExprKind::Unary { op, operand, .. } => {
            let name = match op {
                UnaryOp::Neg => "neg",
                UnaryOp::Pos => "pos",
                UnaryOp::Not => "not",
                UnaryOp::Invert => "invert",
            };
            format!("({name} {})", sexpr(operand))
        }
        ExprKind::Binary { op, lhs, rhs, .. } => {
            format!("({} {} {})", op.as_str(), sexpr(lhs), sexpr(rhs))
        }
        ExprKind::Logical { op, lhs, rhs, .. } => {
            format!("({} {} {})", op.as_str(), sexpr(lhs), sexpr(rhs))
        }
        ExprKind::Compare { first, rest } => {
            let mut s = format!(
                "({} {}",
                rest[0].op.as_str().replace(' ', "-"),
                sexpr(first)
            );
            for (i, c) in rest.iter().enumerate() {
                if i > 0 {
                    let _ = write!(s, " {}", c.op.as_str().replace(' ', "-"));
                }
                let _ = write!(s, " {}", sexpr(&c.rhs));
            }
            s.push(')');
            s
        }
        ExprKind::Attribute { value, attr } => format!("(. {} {})", sexpr(value), attr.name),
        ExprKind::Index { value, index } => format!("([] {} {})", sexpr(value), sexpr(index)),
        ExprKind::Slice { lower, upper, step } => {
            format!("(slice {} {} {})", opt(lower), opt(upper), opt(step))
        }
        ExprKind::Call { func, args: a } => {
            let mut s = format!("(call {}", sexpr(func));
            args(&mut s, a);
            s.push(')');
            s
        }
        ExprKind::FunctionalCall(c) => {
            let head = if c.explain.is_some() {
                "explain-fcall"
            } else {
                "fcall"
            };
            let mut s = format!("({head} {} {} (args", sexpr(&c.module), sexpr(&c.dicts));
            args(&mut s, &c.args);
            s.push(')');
            for o in &c.options {
                let _ = write!(s, " {}={}", o.kind.as_str(), sexpr(&o.value));
            }
            s.push(')');
            s
        }
    }
}
