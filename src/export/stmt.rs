//! fcall statements (and classes) as Python statements.
use fcall_lang::ast::{Block, ClassDef, Command, ExprKind, FunctionDef, Stmt, StmtKind, Target, TargetKind};

use super::expr::{bind, expr, functional_call, in_scope, index_target};
use super::ExportError;

pub struct Out {
    pub lines: Vec<String>,
}

impl Out {
    pub fn line(&mut self, indent: usize, s: impl AsRef<str>) {
        for l in s.as_ref().lines() {
            self.lines.push(format!("{}{}", "    ".repeat(indent), l));
        }
    }
}

pub fn target(t: &Target) -> Result<String, ExportError> {
    Ok(match &t.kind {
        TargetKind::Name(n) => bind(n, t.span)?,
        TargetKind::Starred(inner) => format!("*{}", target(inner)?),
        TargetKind::Attribute { attr, .. } if attr.name.starts_with(|c: char| c.is_ascii_digit()) => {
            return Err(ExportError::new(format!("an assignment to the numbered child '.{}'", attr.name), t.span))
        }
        TargetKind::Attribute { value, attr } => super::expr::attribute(&expr(value)?, &attr.name),
        TargetKind::Index { value, index } => format!("{}[{}]", expr(value)?, index_target(index)?),
        TargetKind::Tuple(items) => {
            let parts = items.iter().map(target).collect::<Result<Vec<_>, _>>()?;
            if parts.len() == 1 {
                format!("({},)", parts[0])
            } else {
                format!("({})", parts.join(", "))
            }
        }
    })
}

pub fn block(out: &mut Out, indent: usize, b: &Block) -> Result<(), ExportError> {
    let before = out.lines.len();
    for s in &b.stmts {
        stmt(out, indent, s, false)?;
    }
    if out.lines.len() == before {
        out.line(indent, "pass");
    }
    Ok(())
}

fn def(out: &mut Out, indent: usize, f: &FunctionDef, method: bool) -> Result<(), ExportError> {
    let is_init = method && f.name.name == "init";
    let name = match (is_init, method) {
        (true, _) => "__init__".to_string(),
        (false, true) => f.name.name.clone(),
        (false, false) => bind(&f.name.name, f.name.span)?,
    };
    // Defaults are evaluated where the def is; the body sees its parameters (and `self`).
    let mut params = Vec::new();
    if method {
        params.push("self".to_string());
    }
    let param = |p: &fcall_lang::ast::Param| -> Result<String, ExportError> {
        Ok(match &p.default {
            Some(d) => format!("{}={}", super::expr::user_name(&p.name.name), expr(d)?),
            None => super::expr::user_name(&p.name.name),
        })
    };
    for p in &f.params {
        params.push(param(p)?);
    }
    match &f.vararg {
        Some(v) => params.push(format!("*{}", super::expr::user_name(&v.name))),
        None if !f.kwonly.is_empty() => params.push("*".into()),
        None => {}
    }
    for p in &f.kwonly {
        params.push(param(p)?);
    }
    if let Some(k) = &f.kwarg {
        params.push(format!("**{}", super::expr::user_name(&k.name)));
    }
    let mut names = f.param_names();
    if method {
        names.push("self");
    }
    for d in &f.decorators {
        out.line(indent, format!("@{}", d.dotted_name().unwrap_or_default()));
    }
    out.line(indent, format!("def {name}({}):", params.join(", ")));
    in_scope(&names, || def_body(out, indent, f, is_init))
}

fn def_body(out: &mut Out, indent: usize, f: &FunctionDef, is_init: bool) -> Result<(), ExportError> {
    // fcall's `**kwargs` is an fcall dict (`kwargs.a` reads an entry).
    if let Some(k) = &f.kwarg {
        let k = super::expr::user_name(&k.name);
        out.line(indent + 1, format!("{k} = FDict({k})"));
    }
    if is_init {
        out.line(indent + 1, "super().__init__()");
        for s in &f.body.stmts {
            stmt(out, indent + 1, s, false)?;
        }
        Ok(())
    } else {
        block(out, indent + 1, &f.body)
    }
}

fn class(out: &mut Out, indent: usize, c: &ClassDef) -> Result<(), ExportError> {
    out.line(indent, format!("class {}(nn.Module):", bind(&c.name.name, c.name.span)?));
    if c.methods.is_empty() {
        out.line(indent + 1, "pass");
    }
    for (i, m) in c.methods.iter().enumerate() {
        if i > 0 {
            out.line(0, "");
        }
        def(out, indent + 1, m, true)?;
    }
    Ok(())
}

/// One statement; `top` marks a top-level one (its value goes into the record `_s`).
pub fn stmt(out: &mut Out, indent: usize, s: &Stmt, top: bool) -> Result<(), ExportError> {
    match &s.kind {
        StmtKind::MultiAssign { .. } | StmtKind::Pass | StmtKind::Del(_) | StmtKind::Raise { .. } | StmtKind::Assert { .. } | StmtKind::Try(_)
        | StmtKind::With { .. } | StmtKind::Global(_) | StmtKind::Nonlocal(_) | StmtKind::Import(_) | StmtKind::ImportFrom { .. } => {
            return Err(ExportError::new("this Python statement (the brace-dialect exporter)".to_string(), s.span))
        }
        StmtKind::Expr(e) => {
            let code = expr(e)?;
            if top {
                // `functional_call(...)` written out shows as a call too, as fcall shows it.
                let documented_form = matches!(&e.kind, ExprKind::Call { func, .. }
                    if func.dotted_name().is_some_and(|n| n == "functional_call" || n.ends_with(".functional_call")));
                match &e.kind {
                    ExprKind::FunctionalCall(_) => out.line(indent, format!("_s.call({code})")),
                    _ if documented_form => out.line(indent, format!("_s.call({code})")),
                    _ => out.line(indent, format!("_s.value({code})")),
                }
            } else {
                out.line(indent, code);
            }
        }
        StmtKind::Assign { target: t, value } => {
            let v = match (&value.kind, top) {
                (ExprKind::FunctionalCall(c), true) => format!("_s.call({})", functional_call(c)?),
                _ => expr(value)?,
            };
            out.line(indent, format!("{} = {v}", target(t)?));
        }
        StmtKind::AugAssign { target: t, op, value, .. } => out.line(indent, format!("{} {}= {}", target(t)?, op.as_str(), expr(value)?)),
        StmtKind::If(i) => {
            for (k, b) in i.branches.iter().enumerate() {
                out.line(indent, format!("{} {}:", if k == 0 { "if" } else { "elif" }, expr(&b.cond)?));
                block(out, indent + 1, &b.body)?;
            }
            if let Some(e) = &i.else_body {
                out.line(indent, "else:");
                block(out, indent + 1, e)?;
            }
        }
        StmtKind::For { target: t, iter, body, .. } => {
            out.line(indent, format!("for {} in {}:", target(t)?, expr(iter)?));
            block(out, indent + 1, body)?;
        }
        StmtKind::While { cond, body, .. } => {
            out.line(indent, format!("while {}:", expr(cond)?));
            block(out, indent + 1, body)?;
        }
        StmtKind::Break => out.line(indent, "break"),
        StmtKind::Continue => out.line(indent, "continue"),
        StmtKind::Return(v) => match v {
            Some(v) => out.line(indent, format!("return {}", expr(v)?)),
            None => out.line(indent, "return"),
        },
        StmtKind::Def(f) => def(out, indent, f, false)?,
        StmtKind::Class(c) => class(out, indent, c)?,
        StmtKind::NoGrad(b) => {
            out.line(indent, "with torch.no_grad():");
            block(out, indent + 1, b)?;
        }
        StmtKind::Block(b) => {
            for s in &b.stmts {
                stmt(out, indent, s, false)?;
            }
            if b.stmts.is_empty() {
                out.line(indent, "pass");
            }
        }
        StmtKind::Command(c) => match c {
            Command::Seed(e) => out.line(indent, format!("torch.manual_seed({})", expr(e)?)),
            Command::Show(e) | Command::Ties(e) => {
                // fcall's module / dict / tensor view has no PyTorch counterpart: the value is
                // evaluated (so an error is the same) and nothing is printed.
                out.line(indent, format!("{}  # {} (fcall's view; nothing printed)", expr(e)?, c.word()));
            }
            Command::Help(_) | Command::History | Command::Export { .. } => out.line(indent, format!("pass  # {} (an fcall command)", c.word())),
            Command::Reset => {
                super::expr::reset_scopes();
                out.line(indent, "_reset(globals())  # reset");
            }
        },
    }
    Ok(())
}
