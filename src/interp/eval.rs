//! The evaluator: statements and expressions of the AST, on the engine's values. Errors carry
//! the location of the innermost expression that raised; `call` expressions record what the
//! functional call did so the statement can show it.
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};

use fcall_lang::ast::{
    Arg, Block, CallOptionKind, Expr, ExprKind, FunctionalCall, LogicalOp, Stmt, StmtKind, Target, TargetKind, UnaryOp, Unpack,
};
use fcall_lang::Span;

use super::frame::Frame;
use super::{members, ops};
use crate::error::{Error, ExcType, Location, Result};
use crate::func::{functional_call, CallOptions, CallRecord};
use crate::value::{DictRef, Kwargs, Value};

/// Set by a front end's Ctrl-C handler (or the kernel's interrupt); checked between operations.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// A functional call made by a statement, for the `call` display.
#[derive(Clone)]
pub struct CallShow {
    pub record: CallRecord,
    /// The values at the start of the call that the table may show.
    pub pre: crate::render::call_table::Then,
    pub explain: bool,
    /// `rows=all`: every name, not only those where something happened.
    pub rows: crate::render::call_table::Rows,
    pub result: Option<Value>,
    /// `draw call ...` / `step call ...`: the object diagram or the stepper.
    pub picture: Option<fcall_lang::ast::CallPicture>,
    /// The module and dicts as written in the call (the diagram's names).
    pub titles: crate::render::diagram::build::Titles,
}

/// State shared by the session and every function value it created.
pub struct Shared {
    pub globals: Rc<Frame>,
    pub builtins: RefCell<HashMap<String, Value>>,
    /// `sys.modules`: the module objects of this session (`imports.rs`).
    pub modules: RefCell<super::modules::Registry>,
    /// What `print` wrote during the current statement.
    pub out: RefCell<String>,
    pub sources: RefCell<Vec<Rc<str>>>,
    /// Functional calls made (at any depth) during the current top-level statement.
    pub calls: RefCell<Vec<CallShow>>,
    /// Nesting of `call`s: only the outermost are shown.
    pub call_depth: std::cell::Cell<u32>,
    /// Whether the current statement shows its call (then values before it are copied).
    pub snapshot_calls: std::cell::Cell<bool>,
    /// The renderings front ends want (a copy of the session's, for calls shown in bodies).
    pub targets: std::cell::Cell<super::output::Targets>,
    /// What commands inside bodies showed during the current top-level statement, in order.
    pub displays: RefCell<Vec<super::output::Display>>,
    /// `watch EXPR`: values recorded after top-level statements and loop iterations.
    pub watches: super::watch::Watches,
    /// The progress of a long top-level statement, when a front end shows it.
    pub progress: super::progress::Progress,
}

pub enum Flow {
    Normal,
    Return(Value),
    Break,
    Continue,
}

/// Evaluation context: the shared state and the source being run.
#[derive(Clone)]
pub struct Ctx {
    pub sh: Rc<Shared>,
    pub src: u32,
}

fn check_interrupt() -> Result<()> {
    if INTERRUPTED.swap(false, Ordering::SeqCst) {
        // Python's KeyboardInterrupt has no message; its traceback names the line it stopped at.
        return Err(Error::new(ExcType::KeyboardInterrupt, "eval::interrupted", "")
            .with_hint("stopped here; everything done before is kept, as in Python"));
    }
    Ok(())
}

impl Ctx {
    pub fn loc(&self, span: Span) -> Location {
        Location { source: self.src, start: span.start, end: span.end }
    }

    pub fn lookup(&self, name: &str, frame: &Rc<Frame>) -> Option<Value> {
        frame.get(name).or_else(|| {
            if frame.is_unbound_local(name) || !super::builtins::is_python_builtin(name) {
                None
            } else {
                self.sh.builtins.borrow().get(name).cloned()
            }
        })
    }

    pub fn exec_block(&self, block: &Block, frame: &Rc<Frame>) -> Result<Flow> {
        self.exec_stmts(&block.stmts, frame)
    }

    pub fn exec_stmts(&self, stmts: &[Stmt], frame: &Rc<Frame>) -> Result<Flow> {
        for s in stmts {
            match self.exec_stmt(s, frame)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    pub fn exec_stmt(&self, s: &Stmt, frame: &Rc<Frame>) -> Result<Flow> {
        check_interrupt().map_err(|e| e.at(self.loc(s.span)))?;
        let r = self.exec_stmt_inner(s, frame);
        // A shown call's forward looks at its swapped names between statements.
        crate::func::order::tick();
        r.map_err(|e| e.at(self.loc(s.span)))
    }

    fn exec_stmt_inner(&self, s: &Stmt, frame: &Rc<Frame>) -> Result<Flow> {
        match &s.kind {
            // A `call` command in a body shows each time it runs (a loop shows every iteration).
            StmtKind::Expr(e @ Expr { kind: ExprKind::FunctionalCall(_), .. }) => {
                let was = self.sh.snapshot_calls.replace(self.sh.call_depth.get() == 0);
                let before = self.sh.calls.borrow().len();
                let r = self.eval(e, frame);
                self.sh.snapshot_calls.set(was);
                let shown = self.sh.calls.borrow_mut().drain(before..).collect::<Vec<_>>();
                for mut c in shown {
                    if let Ok(v) = &r {
                        c.result = Some(v.clone());
                    }
                    let d = super::output::shown_call(&c, &self.sh.targets.get());
                    self.sh.displays.borrow_mut().push(d);
                }
                r?;
            }
            StmtKind::Expr(e) => {
                self.eval(e, frame)?;
            }
            StmtKind::Assign { target, value } => {
                let v = self.eval(value, frame)?;
                self.assign(target, v, frame)?;
            }
            StmtKind::AugAssign { target, op, value, .. } => {
                let rhs = self.eval(value, frame)?;
                let current = self.eval_target(target, frame)?;
                let new = members::augmented(*op, &current, &rhs)?;
                // In-place on a tensor (same object, as Python's `t += 1`): rebinding is then a no-op.
                self.assign(target, new, frame)?;
            }
            StmtKind::If(ifs) => {
                for b in &ifs.branches {
                    let c = self.eval(&b.cond, frame)?;
                    if ops::truthy(&c).map_err(|e| e.at(self.loc(b.cond.span)))? {
                        return self.exec_block(&b.body, frame);
                    }
                }
                if let Some(e) = &ifs.else_body {
                    return self.exec_block(e, frame);
                }
            }
            StmtKind::For { target, iter, body, orelse } => {
                let it = self.eval(iter, frame)?;
                // Iterators (`enumerate`, `map`, a class with `__next__`) are pulled one item
                // per turn, as Python does; other iterables are walked as a list.
                let mut items = super::statements::ForItems::new(&it).map_err(|e| e.at(self.loc(iter.span)))?;
                // The top-level loop's iterations are its progress (interp::progress).
                let counted = self.sh.progress.counts(s.span.start) && Rc::ptr_eq(frame, &self.sh.globals);
                if counted {
                    self.sh.progress.total(match &items {
                        super::statements::ForItems::Items(it) => Some(it.len()),
                        _ => None,
                    });
                }
                while let Some(item) = items.next().map_err(|e| e.at(self.loc(iter.span)))? {
                    check_interrupt().map_err(|e| e.at(self.loc(target.span)))?;
                    self.assign(target, item, frame)?;
                    let mark = self.sh.watches.mark();
                    let flow = self.exec_block(body, frame)?;
                    if counted {
                        self.sh.progress.tick();
                    }
                    if self.sh.watches.records_at(frame, &self.sh.globals) {
                        self.sh.watches.after_iteration(self, mark);
                    }
                    match flow {
                        Flow::Break => return Ok(Flow::Normal),
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        _ => {}
                    }
                }
                if let Some(e) = orelse {
                    return self.exec_block(e, frame);
                }
            }
            StmtKind::While { cond, body, orelse } => {
                loop {
                    check_interrupt().map_err(|e| e.at(self.loc(cond.span)))?;
                    let c = self.eval(cond, frame)?;
                    if !ops::truthy(&c)? {
                        break;
                    }
                    let mark = self.sh.watches.mark();
                    let flow = self.exec_block(body, frame)?;
                    if self.sh.watches.records_at(frame, &self.sh.globals) {
                        self.sh.watches.after_iteration(self, mark);
                    }
                    match flow {
                        Flow::Break => return Ok(Flow::Normal),
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        _ => {}
                    }
                }
                if let Some(e) = orelse {
                    return self.exec_block(e, frame);
                }
            }
            StmtKind::MultiAssign { targets, value } => {
                let v = self.eval(value, frame)?;
                for t in targets {
                    self.assign(t, v.clone(), frame)?;
                }
            }
            StmtKind::Pass => {}
            StmtKind::Assert { test, msg } => {
                let c = self.eval(test, frame)?;
                if !ops::truthy(&c)? {
                    // `AssertionError(msg)`: its args hold the message object itself.
                    let args = match msg {
                        Some(m) => vec![self.eval(m, frame)?],
                        None => Vec::new(),
                    };
                    let mut e = super::exceptions::new_error(ExcType::AssertionError, args);
                    e.code = "eval::assert";
                    return Err(e);
                }
            }
            StmtKind::Try(t) => return self.exec_try(t, frame),
            StmtKind::Raise { exc, cause } => return self.exec_raise(exc.as_ref(), cause.as_ref(), frame),
            StmtKind::With { items, body } => return self.exec_with(items, body, frame),
            StmtKind::Del(targets) => self.exec_del(targets, frame)?,
            StmtKind::Global(names) => self.declare(names, super::frame::Decl::Global, frame)?,
            StmtKind::Nonlocal(names) => self.declare(names, super::frame::Decl::Nonlocal, frame)?,
            StmtKind::Import(aliases) => self.exec_import(aliases, frame)?,
            StmtKind::ImportFrom { module, names } => self.exec_import_from(module, names, frame)?,
            StmtKind::Break => return Ok(Flow::Break),
            StmtKind::Continue => return Ok(Flow::Continue),
            StmtKind::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(e, frame)?,
                    None => Value::None,
                };
                return Ok(Flow::Return(v));
            }
            StmtKind::Def(def) => {
                let f = super::classes::define_function(self, def, frame)?;
                frame.set(&def.name.name, f);
            }
            StmtKind::Class(class) => {
                let c = super::classes::user_class(self, class, frame)?;
                frame.set(&class.name.name, c);
            }
            StmtKind::NoGrad(block) => {
                let _guard = tch::no_grad_guard();
                return self.exec_block(block, frame);
            }
            StmtKind::Block(block) => return self.exec_block(block, frame),
            StmtKind::Command(c) => match super::commands::in_body(self, c, frame)? {
                Some(shown) => self.sh.displays.borrow_mut().extend(shown),
                None => {
                    return Err(Error::new(ExcType::RuntimeError, "eval::command_in_body", format!("`{}` works only at top level", c.word()))
                        .with_hint("history, reset and export act on the whole session; seed, show, ties, help and call work anywhere"))
                }
            },
        }
        Ok(Flow::Normal)
    }

    /// The current value of an assignment target (for `+=`).
    fn eval_target(&self, t: &Target, frame: &Rc<Frame>) -> Result<Value> {
        match &t.kind {
            TargetKind::Name(n) => self.lookup(n, frame).ok_or_else(|| self.name_error(n, frame)),
            TargetKind::Attribute { value, attr } => {
                let obj = self.eval(value, frame)?;
                members::getattr(self, &obj, &attr.name)
            }
            TargetKind::Index { value, index } => {
                let obj = self.eval(value, frame)?;
                let idx = self.eval(index, frame)?;
                members::index(&obj, &idx)
            }
            TargetKind::Tuple(_) | TargetKind::Starred(_) => Err(Error::new(ExcType::TypeError, "eval::aug_tuple", "illegal expression for augmented assignment")),
        }
    }

    pub fn assign(&self, t: &Target, v: Value, frame: &Rc<Frame>) -> Result<()> {
        let r = match &t.kind {
            TargetKind::Name(n) => {
                frame.set(n, v);
                Ok(())
            }
            TargetKind::Attribute { value, attr } => {
                let obj = self.eval(value, frame)?;
                members::setattr(&obj, &attr.name, v)
            }
            TargetKind::Index { value, index } => {
                let obj = self.eval(value, frame)?;
                let idx = self.eval(index, frame)?;
                members::set_index(&obj, &idx, v)
            }
            TargetKind::Starred(_) => Err(Error::new(ExcType::SyntaxError, "eval::starred_target", "starred assignment target must be in a list or tuple")),
            TargetKind::Tuple(targets) if targets.iter().any(|t| matches!(t.kind, TargetKind::Starred(_))) => {
                let items = members::iterate(&v)?;
                let star = targets.iter().position(|t| matches!(t.kind, TargetKind::Starred(_))).expect("a starred target");
                let after = targets.len() - star - 1;
                if items.len() < targets.len() - 1 {
                    return Err(Error::value(
                        "eval::unpack",
                        format!("not enough values to unpack (expected at least {}, got {})", targets.len() - 1, items.len()),
                    ));
                }
                let rest_end = items.len() - after;
                for (t, item) in targets[..star].iter().zip(items[..star].iter()) {
                    self.assign(t, item.clone(), frame)?;
                }
                let TargetKind::Starred(inner) = &targets[star].kind else { unreachable!("checked above") };
                self.assign(inner, Value::list(items[star..rest_end].to_vec()), frame)?;
                for (t, item) in targets[star + 1..].iter().zip(items[rest_end..].iter()) {
                    self.assign(t, item.clone(), frame)?;
                }
                Ok(())
            }
            TargetKind::Tuple(targets) => {
                let items = members::iterate(&v)?;
                if items.len() != targets.len() {
                    return Err(Error::value(
                        "eval::unpack",
                        if items.len() > targets.len() {
                            format!("too many values to unpack (expected {})", targets.len())
                        } else {
                            format!("not enough values to unpack (expected {}, got {})", targets.len(), items.len())
                        },
                    ));
                }
                for (t, item) in targets.iter().zip(items) {
                    self.assign(t, item, frame)?;
                }
                Ok(())
            }
        };
        r.map_err(|e| e.at(self.loc(t.span)))
    }

    pub fn eval(&self, e: &Expr, frame: &Rc<Frame>) -> Result<Value> {
        // Built-ins that call back into Python (`sorted(key=...)`, `map`, hooks) recurse without
        // a Python frame: the stack itself is the limit there.
        crate::stack::check("").and_then(|_| self.eval_inner(e, frame)).map_err(|err| err.at(self.loc(e.span)))
    }

    fn eval_inner(&self, e: &Expr, frame: &Rc<Frame>) -> Result<Value> {
        Ok(match &e.kind {
            ExprKind::Int(i) => Value::Int(*i),
            ExprKind::BigInt { digits, radix } => crate::pyint::parse_digits(digits, *radix)?.unwrap_or(Value::None),
            ExprKind::Float(f) => Value::Float(*f),
            ExprKind::Imag(f) => Value::Complex(0.0, *f),
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::None => Value::None,
            ExprKind::Str(s) => Value::str(s),
            ExprKind::Name(n) => match self.lookup(n, frame) {
                Some(v) => v,
                None if frame.is_unbound_local(n) => return Err(super::statements::unbound_local(n)),
                None => return Err(self.name_error(n, frame)),
            },
            ExprKind::List(items) => Value::list(self.eval_items(items, frame)?),
            ExprKind::Tuple(items) => Value::tuple(self.eval_items(items, frame)?),
            ExprKind::DictDisplay(items) => {
                let d = DictRef::new();
                for it in items {
                    let v = self.eval(&it.value, frame)?;
                    match &it.key {
                        Some(k) => {
                            let key = self.eval(k, frame)?;
                            d.insert(dict_key(&key).map_err(|e| e.at(self.loc(k.span)))?, v);
                        }
                        None => {
                            let Value::Dict(m) = &v else {
                                return Err(Error::type_error("eval::dict_unpack", format!("'{}' object is not a mapping", v.type_name())).at(self.loc(it.value.span)));
                            };
                            for (k, x) in m.items() {
                                d.insert(k, x);
                            }
                        }
                    }
                }
                Value::Dict(d)
            }
            ExprKind::IfExp { test, body, orelse } => {
                let c = self.eval(test, frame)?;
                if ops::truthy(&c)? {
                    self.eval(body, frame)?
                } else {
                    self.eval(orelse, frame)?
                }
            }
            ExprKind::Lambda(def) => super::functions::user_function(self, def, frame)?,
            ExprKind::Comp(c) => super::comprehension::eval(self, c, frame)?,
            ExprKind::Starred(_) => return Err(Error::new(ExcType::SyntaxError, "eval::starred", "can't use starred expression here")),
            ExprKind::FString(parts) => Value::str(&self.eval_fstring(parts, frame)?),
            ExprKind::Set(items) => {
                let vals = self.eval_items(items, frame)?;
                super::sets::display(items, vals)?
            }
            ExprKind::Dict(entries) => {
                let d = DictRef::new();
                for en in entries {
                    let v = self.eval(&en.value, frame)?;
                    d.insert(en.key.name.clone(), v);
                }
                Value::Dict(d)
            }
            ExprKind::Unary { op, operand, .. } => {
                let v = self.eval(operand, frame)?;
                match op {
                    UnaryOp::Neg => ops::negate(&v)?,
                    UnaryOp::Pos => v,
                    UnaryOp::Not => Value::Bool(!ops::truthy(&v)?),
                    UnaryOp::Invert => ops::invert(&v)?,
                }
            }
            ExprKind::Binary { op, op_span, lhs, rhs } => {
                let a = self.eval(lhs, frame)?;
                let b = self.eval(rhs, frame)?;
                ops::binary(*op, &a, &b).map_err(|e| e.at(self.loc(*op_span)))?
            }
            ExprKind::Logical { op, lhs, rhs, .. } => {
                let a = self.eval(lhs, frame)?;
                let t = ops::truthy(&a)?;
                match (op, t) {
                    (LogicalOp::And, false) | (LogicalOp::Or, true) => a,
                    _ => self.eval(rhs, frame)?,
                }
            }
            ExprKind::Compare { first, rest } => {
                let mut left = self.eval(first, frame)?;
                let mut result = Value::Bool(true);
                for c in rest {
                    let right = self.eval(&c.rhs, frame)?;
                    result = ops::compare(c.op, &left, &right).map_err(|e| e.at(self.loc(c.op_span)))?;
                    if rest.len() > 1 && !ops::truthy(&result)? {
                        return Ok(result);
                    }
                    left = right;
                }
                result
            }
            ExprKind::Attribute { value, attr } => {
                let obj = self.eval(value, frame)?;
                members::getattr(self, &obj, &attr.name).map_err(|e| e.at(self.loc(attr.span)))?
            }
            ExprKind::Index { value, index } => {
                let obj = self.eval(value, frame)?;
                let idx = self.eval(index, frame)?;
                members::index(&obj, &idx)?
            }
            ExprKind::Slice { lower, upper, step } => {
                let part = |p: &Option<Box<Expr>>| -> Result<Value> {
                    match p {
                        Some(x) => self.eval(x, frame),
                        None => Ok(Value::None),
                    }
                };
                members::slice_value(part(lower)?, part(upper)?, part(step)?)
            }
            ExprKind::Ellipsis => members::ellipsis(),
            ExprKind::Call { func, args } => {
                let f = self.eval(func, frame)?;
                let (pos, kw) = self.eval_args(args, frame)?;
                call_value(&f, &pos, &kw)?
            }
            ExprKind::FunctionalCall(fc) => self.functional_call(fc, frame)?,
        })
    }

    pub fn eval_args(&self, args: &[Arg], frame: &Rc<Frame>) -> Result<(Vec<Value>, Kwargs)> {
        let mut pos = Vec::new();
        let mut kw: Kwargs = Vec::new();
        for a in args {
            let v = self.eval(&a.value, frame)?;
            match (&a.name, a.unpack) {
                (Some(n), _) => kw.push((n.name.clone(), v)),
                (None, Unpack::No) => pos.push(v),
                (None, Unpack::Star) => pos.extend(members::iterate(&v).map_err(|_| {
                    Error::type_error("eval::star_arg", format!("argument after * must be an iterable, not {}", v.type_name())).at(self.loc(a.value.span))
                })?),
                (None, Unpack::DoubleStar) => {
                    let Value::Dict(d) = &v else {
                        return Err(Error::type_error("eval::double_star_arg", format!("argument after ** must be a mapping, not {}", v.type_name())).at(self.loc(a.value.span)));
                    };
                    for (k, x) in d.items() {
                        if kw.iter().any(|(n, _)| *n == k) {
                            return Err(Error::type_error("eval::repeated_keyword", format!("got multiple values for keyword argument '{k}'")).at(self.loc(a.span)));
                        }
                        kw.push((k, x));
                    }
                }
            }
        }
        Ok((pos, kw))
    }

    /// The items of a list or tuple display, with `*xs` spliced in.
    fn eval_items(&self, items: &[Expr], frame: &Rc<Frame>) -> Result<Vec<Value>> {
        let mut out = Vec::with_capacity(items.len());
        for x in items {
            match &x.kind {
                ExprKind::Starred(inner) => {
                    let v = self.eval(inner, frame)?;
                    out.extend(members::iterate(&v).map_err(|e| e.at(self.loc(inner.span)))?);
                }
                _ => out.push(self.eval(x, frame)?),
            }
        }
        Ok(out)
    }

    fn functional_call(&self, fc: &FunctionalCall, frame: &Rc<Frame>) -> Result<Value> {
        let module = self.eval(&fc.module, frame)?;
        let Value::Module(m) = &module else {
            return Err(Error::type_error(
                "call::not_a_module",
                format!("'{}' object is not a module: `call` needs an nn.Module", module.type_name()),
            )
            .with_hint("call MODULE with DICTS (ARGS)")
            .at(self.loc(fc.module.span)));
        };
        let dicts = self.eval(&fc.dicts, frame)?;
        let (pos, kw) = self.eval_args(&fc.args, frame)?;
        let mut opts = CallOptions::default();
        let mut rows = crate::render::call_table::Rows::default();
        for o in &fc.options {
            if o.kind == CallOptionKind::Rows {
                rows = call_rows_option(&o.value).map_err(|e| e.at(self.loc(o.value.span)))?;
                continue;
            }
            let v = self.eval(&o.value, frame)?;
            let Value::Bool(b) = v else {
                return Err(Error::type_error(
                    "call::option_type",
                    format!("{}= must be true or false, not {}", o.kind.as_str(), v.type_name()),
                )
                .at(self.loc(o.value.span)));
            };
            match o.kind {
                CallOptionKind::Tie => opts.tie_weights = b,
                CallOptionKind::Strict => opts.strict = b,
                CallOptionKind::Rows => {}
            }
        }
        let shown = self.sh.calls.borrow().len();
        let out = recorded_call(&self.sh, m, &dicts, &Value::tuple(pos), &kw, opts, fc.explain.is_some())
            .map_err(|e| e.at(self.loc(fc.call_span.to(fc.args_span))));
        if let Some(c) = self.sh.calls.borrow_mut().get_mut(shown) {
            c.rows = rows;
            c.picture = fc.picture.map(|p| p.0);
            c.titles = self.call_titles(fc);
        }
        out
    }

    /// The module and dicts of a call as written (`mod`, `a`), for its diagram.
    fn call_titles(&self, fc: &FunctionalCall) -> crate::render::diagram::build::Titles {
        let src = self.sh.sources.borrow().get(self.src as usize).cloned().unwrap_or_else(|| Rc::from(""));
        // A long expression is left to the diagram's default name (`dict1`, the class name).
        let text = |e: &Expr| Some(src.get(e.span.start..e.span.end).unwrap_or("").trim().to_string()).filter(|t| t.chars().count() <= 24).unwrap_or_default();
        let dicts = match &fc.dicts.kind {
            ExprKind::Tuple(items) | ExprKind::List(items) => items.iter().map(text).collect(),
            _ => vec![text(&fc.dicts)],
        };
        crate::render::diagram::build::Titles { module: text(&fc.module), dicts }
    }
}

/// `torch.func.functional_call` with its record kept for the statement's display: the `call`
/// command and the documentation's own form (`functional_call(mod, a, (x,))` as a top-level
/// expression) both come here. Only the outermost call of a statement is recorded; values
/// "before" are copied only when the statement shows its call.
pub fn recorded_call(sh: &Shared, m: &crate::nn::Module, dicts: &Value, args: &Value, kw: &Kwargs, opts: CallOptions, explain: bool) -> Result<Value> {
    let depth = sh.call_depth.get();
    if depth > 0 || !sh.snapshot_calls.get() {
        // Not shown (inside a forward, or a statement that shows no call, such as a training
        // loop): nothing to keep, so nothing accumulates over a long loop.
        sh.call_depth.set(depth + 1);
        let out = functional_call(m, dicts, args, kw, opts);
        sh.call_depth.set(depth);
        return out.result;
    }
    let before = super::snapshot::take(dicts);
    sh.call_depth.set(depth + 1);
    let out = crate::func::watch::compare_by_value(|| functional_call(m, dicts, args, kw, opts));
    sh.call_depth.set(depth);
    let pre = super::snapshot::settle(before, &out.record);
    let rows = crate::render::call_table::Rows::default();
    sh.calls.borrow_mut().push(CallShow {
        record: out.record,
        pre,
        explain,
        rows,
        result: out.result.as_ref().ok().cloned(),
        picture: None,
        titles: Default::default(),
    });
    out.result
}

/// `rows=all` (every name) or `rows=changed` (the default: where something happened).
fn call_rows_option(v: &Expr) -> Result<crate::render::call_table::Rows> {
    use crate::render::call_table::Rows;
    let word = match &v.kind {
        ExprKind::Name(n) => n.as_str(),
        ExprKind::Str(s) => s.as_str(),
        _ => "",
    };
    match word {
        "all" => Ok(Rows::All),
        "changed" => Ok(Rows::Compact),
        _ => Err(Error::value("call::rows_option", "rows= is all (every name) or changed (the names where something happened)")
            .with_hint("call mod with a (x) rows=all")),
    }
}

/// A dict key: fcall's dicts are keyed by strings (state dicts, keyword arguments).
pub fn dict_key(v: &Value) -> Result<String> {
    match v {
        Value::Str(s) => Ok(s.to_string()),
        other => Err(Error::type_error("eval::dict_key", format!("fcall dicts take str keys, not {}", other.type_name()))
            .with_hint("state dicts are keyed by parameter names such as \"lin.weight\"")),
    }
}

pub fn name_error(n: &str) -> Error {
    Error::new(ExcType::NameError, "eval::name_error", format!("name '{n}' is not defined"))
        .with_hint("define it first (x = ...), or see `help` for the built-in names")
}

/// Calls any callable value.
pub fn call_value(f: &Value, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    match f {
        Value::Function(func) if matches!(func.kind, crate::value::FunctionKind::Handle(_)) => {
            Err(Error::type_error("eval::not_callable", "'RemovableHandle' object is not callable").with_hint("h.remove() removes the hook"))
        }
        Value::Function(func) => (func.call)(pos, kw),
        Value::Module(m) => m.call(pos, kw),
        Value::Class(c) if super::exceptions::is_exception_class(c) => super::exceptions::instantiate(c, pos, kw),
        Value::Class(c) => super::classes::instantiate(c, pos, kw),
        Value::Object(o) => super::classes::call_object(o, pos, kw),
        other => Err(Error::type_error("eval::not_callable", format!("'{}' object is not callable", other.type_name()))),
    }
}
