//! Python's statements beyond expressions and assignment: `try`/`except`/`else`/`finally`,
//! `raise` (with `from`, and bare inside `except`), `with` (the context-manager protocol:
//! `__enter__`/`__exit__`, which may suppress the exception), `del` (names, items, attributes
//! with `nn.Module.__delattr__`'s rules), `global`/`nonlocal`, and f-strings.
use std::rc::Rc;

use fcall_lang::ast::{Block, Expr, FStringPart, Ident, Target, TargetKind, TryStmt, WithItem};

use super::eval::{call_value, Ctx, Flow};
use super::exceptions;
use super::frame::{Decl, Frame};
use super::{members, ops};
use crate::error::{Error, ExcType, Result};
use crate::value::Value;

impl Ctx {
    /// `try:` ... `except` ... `else:` ... `finally:`.
    pub fn exec_try(&self, t: &TryStmt, frame: &Rc<Frame>) -> Result<Flow> {
        let outcome = match self.exec_block(&t.body, frame) {
            Ok(Flow::Normal) => match &t.orelse {
                Some(b) => self.exec_block(b, frame),
                None => Ok(Flow::Normal),
            },
            Ok(flow) => Ok(flow),
            Err(err) => self.handle(err, t, frame),
        };
        let Some(fin) = &t.finalbody else { return outcome };
        // `finally` runs in every case; an error or a return/break/continue in it wins.
        match self.exec_block(fin, frame)? {
            Flow::Normal => outcome,
            other => Ok(other),
        }
    }

    /// The first `except` clause that matches `err` runs; none: `err` goes on.
    fn handle(&self, mut err: Error, t: &TryStmt, frame: &Rc<Frame>) -> Result<Flow> {
        for h in &t.handlers {
            let hit = match &h.typ {
                None => true,
                Some(te) => {
                    let typ = self.eval(te, frame)?;
                    exceptions::matches(&err, &typ).map_err(|e| e.at(self.loc(te.span)))?
                }
            };
            if !hit {
                continue;
            }
            let obj = exceptions::object_of(&mut err);
            if let Some(n) = &h.name {
                frame.set(&n.name, obj);
            }
            let r = exceptions::handling(&err, || self.exec_block(&h.body, frame));
            // `except E as e:` ends with `del e`, as in Python.
            if let Some(n) = &h.name {
                frame.remove(&n.name);
            }
            return r;
        }
        Err(err)
    }

    /// `raise`, `raise exc`, `raise exc from cause`.
    pub fn exec_raise(&self, exc: Option<&Expr>, cause: Option<&Expr>, frame: &Rc<Frame>) -> Result<Flow> {
        let Some(exc) = exc else {
            return Err(exceptions::reraise());
        };
        let v = self.eval(exc, frame)?;
        let mut err = exceptions::error_from_value(v).map_err(|e| e.at(self.loc(exc.span)))?;
        if let Some(c) = cause {
            let cv = self.eval(c, frame)?;
            exceptions::set_cause(&mut err, cv).map_err(|e| e.at(self.loc(c.span)))?;
        }
        Err(err)
    }

    /// `with a as x, b: body`: each manager entered left to right, exited right to left.
    pub fn exec_with(&self, items: &[WithItem], body: &Block, frame: &Rc<Frame>) -> Result<Flow> {
        let Some((item, rest)) = items.split_first() else {
            return self.exec_block(body, frame);
        };
        let mgr = self.eval(&item.context, frame)?;
        let (enter, exit) = context_methods(self, &mgr).map_err(|e| e.at(self.loc(item.context.span)))?;
        let entered = call_value(&enter, &[], &Vec::new()).map_err(|e| e.at(self.loc(item.context.span)))?;
        let result = match &item.target {
            Some(t) => self.assign(t, entered, frame).and_then(|_| self.exec_with(rest, body, frame)),
            None => self.exec_with(rest, body, frame),
        };
        match result {
            Ok(flow) => {
                call_value(&exit, &[Value::None, Value::None, Value::None], &Vec::new()).map_err(|e| e.at(self.loc(item.context.span)))?;
                Ok(flow)
            }
            Err(mut err) => {
                let obj = exceptions::object_of(&mut err);
                let typ = obj.type_object();
                let suppress = exceptions::handling(&err, || call_value(&exit, &[typ, obj, Value::None], &Vec::new())).map_err(|e| e.at(self.loc(item.context.span)))?;
                if ops::truthy(&suppress)? {
                    Ok(Flow::Normal)
                } else {
                    Err(err)
                }
            }
        }
    }

    /// `del a, b[k], c.attr`.
    pub fn exec_del(&self, targets: &[Target], frame: &Rc<Frame>) -> Result<()> {
        for t in targets {
            self.del_target(t, frame).map_err(|e| e.at(self.loc(t.span)))?;
        }
        Ok(())
    }

    fn del_target(&self, t: &Target, frame: &Rc<Frame>) -> Result<()> {
        match &t.kind {
            TargetKind::Name(n) => {
                if frame.remove(n).is_some() {
                    return Ok(());
                }
                // In a function, `del x` makes `x` local: unbound there, whatever the globals hold.
                if frame.is_root() || frame.decl(n) == Some(Decl::Global) {
                    Err(super::eval::name_error(n))
                } else {
                    Err(unbound_local(n))
                }
            }
            TargetKind::Attribute { value, attr } => {
                let obj = self.eval(value, frame)?;
                delattr(&obj, &attr.name).map_err(|e| e.at(self.loc(attr.span)))
            }
            TargetKind::Index { value, index } => {
                let obj = self.eval(value, frame)?;
                let idx = self.eval(index, frame)?;
                delitem(&obj, &idx)
            }
            TargetKind::Tuple(ts) => {
                for t in ts {
                    self.del_target(t, frame)?;
                }
                Ok(())
            }
            TargetKind::Starred(_) => Err(Error::new(ExcType::SyntaxError, "eval::del_starred", "cannot delete starred")),
        }
    }

    /// `global a, b` / `nonlocal a, b`.
    pub fn declare(&self, names: &[Ident], decl: Decl, frame: &Rc<Frame>) -> Result<()> {
        for n in names {
            if decl == Decl::Nonlocal {
                if frame.is_root() {
                    return Err(Error::new(ExcType::SyntaxError, "eval::nonlocal_module", "nonlocal declaration not allowed at module level").at(self.loc(n.span)));
                }
                if frame.enclosing_binding(&n.name).is_none() {
                    return Err(Error::new(ExcType::SyntaxError, "eval::nonlocal_binding", format!("no binding for nonlocal '{}' found", n.name)).at(self.loc(n.span)));
                }
            }
            if frame.is_root() {
                continue;
            }
            // A name bound before its declaration keeps that value where the name now lives.
            let local = if frame.decl(&n.name).is_none() { frame.remove(&n.name) } else { None };
            frame.declare(&n.name, decl);
            if let Some(v) = local {
                frame.set(&n.name, v);
            }
        }
        Ok(())
    }

    /// An f-string's text.
    pub fn eval_fstring(&self, parts: &[FStringPart], frame: &Rc<Frame>) -> Result<String> {
        let mut out = String::new();
        for p in parts {
            match p {
                FStringPart::Literal(s) => out.push_str(s),
                FStringPart::Field { expr, conversion, spec, debug } => {
                    let v = self.eval(expr, frame)?;
                    let spec_text = self.eval_fstring(spec, frame)?;
                    // `{x=}` shows the repr unless a conversion or a format spec is given.
                    let conversion = match (conversion, debug) {
                        (None, Some(_)) if spec.is_empty() => Some('r'),
                        (c, _) => *c,
                    };
                    if let Some(d) = debug {
                        out.push_str(d);
                    }
                    out.push_str(&super::format::convert_and_format(&v, conversion, &spec_text).map_err(|e| e.at(self.loc(expr.span)))?);
                }
            }
        }
        Ok(out)
    }
}

pub fn unbound_local(n: &str) -> Error {
    Error::new(ExcType::UnboundLocalError, "eval::unbound_local", format!("cannot access local variable '{n}' where it is not associated with a value"))
}

/// `mgr.__enter__` and `mgr.__exit__`, with CPython 3.11's TypeError when either is missing.
fn context_methods(ctx: &Ctx, mgr: &Value) -> Result<(Value, Value)> {
    let get = |name: &str| match members::getattr(ctx, mgr, name) {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.exc == ExcType::AttributeError => Ok(None),
        Err(e) => Err(e),
    };
    let protocol = |extra: &str| Error::type_error("eval::not_a_context_manager", format!("'{}' object does not support the context manager protocol{extra}", mgr.type_name()));
    let Some(enter) = get("__enter__")? else {
        return Err(protocol(""));
    };
    let Some(exit) = get("__exit__")? else {
        return Err(protocol(" (missed __exit__ method)"));
    };
    Ok((enter, exit))
}

/// `del obj.name`.
pub fn delattr(obj: &Value, name: &str) -> Result<()> {
    let no_attr = || Error::attribute("eval::no_attribute", format!("'{}' object has no attribute '{name}'", obj.type_name()));
    match obj {
        Value::Module(m) => m.delattr(name),
        Value::Object(o) => super::classes::del_object_attr(o, name),
        Value::Class(c) => {
            if c.module == "builtins" {
                return Err(Error::type_error("class::builtin_setattr", format!("cannot set '{name}' attribute of immutable type '{}'", c.name)));
            }
            match c.dict.borrow_mut().shift_remove(name) {
                Some(_) => Ok(()),
                None => Err(Error::attribute("eval::no_attribute", format!("type object '{}' has no attribute '{name}'", c.name))),
            }
        }
        Value::Namespace(ns) => match ns.attrs.borrow_mut().shift_remove(name) {
            Some(_) => Ok(()),
            None => Err(Error::attribute("eval::no_attribute", format!("'module' object has no attribute '{name}'"))),
        },
        Value::Tensor(t) if name == "grad" => {
            crate::tensor::shim::clear_grad(t.tensor());
            Ok(())
        }
        Value::Tensor(_) => Err(Error::attribute("eval::no_attribute", format!("'{}' object has no attribute '{name}'", if obj.torch_typename().ends_with("Parameter") { "Parameter" } else { "Tensor" }))),
        _ => Err(no_attr()),
    }
}

/// `del obj[idx]`.
pub fn delitem(obj: &Value, idx: &Value) -> Result<()> {
    if let Some(r) = crate::object::call_dunder(obj, "__delitem__", std::slice::from_ref(idx)) {
        return r.map(|_| ());
    }
    match obj {
        Value::Dict(d) => {
            let Value::Str(k) = idx else {
                return Err(Error::key("eval::key_error", idx.py_repr()));
            };
            match d.borrow_mut().shift_remove(&**k) {
                Some(_) => Ok(()),
                None => Err(Error::key("eval::key_error", k.to_string())),
            }
        }
        Value::List(items) => {
            let n = items.len();
            if let Some((lo, hi, st)) = members::as_slice(idx) {
                let mut gone = members::seq_slice(n, &lo, &hi, &st)?;
                gone.sort_unstable();
                let mut v = items.borrow_mut();
                for i in gone.into_iter().rev() {
                    v.remove(i);
                }
                return Ok(());
            }
            let i = match idx {
                Value::Int(i) => *i,
                Value::Bool(b) => *b as i64,
                other => return Err(Error::type_error("eval::index_type", format!("list indices must be integers or slices, not {}", other.type_name()))),
            };
            let j = if i < 0 { i + n as i64 } else { i };
            if j < 0 || j >= n as i64 {
                return Err(Error::new(ExcType::IndexError, "eval::index_range", "list assignment index out of range"));
            }
            items.borrow_mut().remove(j as usize);
            Ok(())
        }
        Value::Module(m) => del_module_item(m, idx),
        Value::Tensor(_) => Err(Error::type_error("eval::item_deletion", "Tensor does not support deleting items")),
        other => Err(Error::type_error("eval::item_deletion", format!("'{}' object doesn't support item deletion", other.type_name()))),
    }
}

/// `del seq[i]` / `del ml[i]` (the rest renumbered, as PyTorch does) and `del md[key]`.
fn del_module_item(m: &crate::nn::Module, idx: &Value) -> Result<()> {
    let class = m.class_name();
    if super::containers::is(m, "ModuleDict") {
        let Value::Str(k) = idx else {
            return Err(Error::key("nn::moduledict_key", idx.py_repr()));
        };
        let removed = m.data_mut().modules.shift_remove(&**k);
        return match removed {
            Some(_) => {
                crate::nn::module::bump_structure();
                Ok(())
            }
            None => Err(Error::key("nn::moduledict_key", k.to_string())),
        };
    }
    if !(super::containers::is(m, "Sequential") || super::containers::is(m, "ModuleList")) {
        return Err(Error::attribute("eval::item_deletion", "__delitem__"));
    }
    let keys: Vec<String> = m.data().modules.keys().cloned().collect();
    let n = keys.len();
    let gone: Vec<usize> = match members::as_slice(idx) {
        Some((lo, hi, st)) => members::seq_slice(n, &lo, &hi, &st)?,
        None => {
            let Value::Int(i) = idx else {
                return Err(Error::type_error("eval::index_type", format!("'{}' object cannot be interpreted as an integer", idx.type_name())));
            };
            let j = if *i < 0 { i + n as i64 } else { *i };
            if j < 0 || j >= n as i64 {
                return Err(Error::new(ExcType::IndexError, "nn::index_range", format!("index {i} is out of range")));
            }
            vec![j as usize]
        }
    };
    {
        let mut d = m.data_mut();
        for i in &gone {
            d.modules.shift_remove(&keys[*i]);
        }
        // Keep the numbering 0, 1, 2, ...
        let rest: Vec<_> = std::mem::take(&mut d.modules).into_iter().map(|(_, v)| v).collect();
        for (i, v) in rest.into_iter().enumerate() {
            d.modules.insert(i.to_string(), v);
        }
    }
    let _ = class;
    crate::nn::module::bump_structure();
    Ok(())
}

/// The items of a `for` loop: pulled from an iterator one by one, or a list walked.
pub enum ForItems {
    Items(std::vec::IntoIter<Value>),
    /// One of fcall's iterators.
    Builtin(Value),
    /// A user iterator's bound `__next__`.
    Next(Value),
}

impl ForItems {
    pub fn new(v: &Value) -> Result<ForItems> {
        if super::pybuiltins::is_iterator(v) {
            return Ok(ForItems::Builtin(v.clone()));
        }
        if crate::object::user_class_of(v).is_some_and(|c| c.find("__iter__").is_some()) {
            let it = crate::object::call_dunder(v, "__iter__", &[]).unwrap_or(Ok(Value::None))?;
            if super::pybuiltins::is_iterator(&it) {
                return Ok(ForItems::Builtin(it));
            }
            if let Some(cls) = crate::object::user_class_of(&it) {
                if let Some((f, _)) = cls.find("__next__") {
                    return Ok(ForItems::Next(crate::object::bind(f, &it, &cls)?));
                }
            }
            return Ok(ForItems::Items(members::iterate(&it)?.into_iter()));
        }
        Ok(ForItems::Items(members::iterate(v)?.into_iter()))
    }

    pub fn next(&mut self) -> Result<Option<Value>> {
        match self {
            ForItems::Items(it) => Ok(it.next()),
            ForItems::Builtin(it) => super::pybuiltins::advance(it),
            ForItems::Next(f) => match call_value(f, &[], &Vec::new()) {
                Ok(v) => Ok(Some(v)),
                Err(e) if e.exc == ExcType::StopIteration => Ok(None),
                Err(e) => Err(e),
            },
        }
    }
}

/// The local names of a function, as CPython's symbol table finds them: its parameters and every
/// name its body binds (assignment, `for`, `with ... as`, `except ... as`, `del`, `def`,
/// `class`, `import`), not inside nested functions, classes or comprehensions, less the names
/// it declares `global` or `nonlocal`.
pub fn local_names(def: &fcall_lang::ast::FunctionDef) -> std::collections::HashSet<String> {
    use fcall_lang::ast::{Stmt, StmtKind};
    fn target(t: &Target, out: &mut std::collections::HashSet<String>) {
        match &t.kind {
            TargetKind::Name(n) => {
                out.insert(n.clone());
            }
            TargetKind::Tuple(ts) => ts.iter().for_each(|t| target(t, out)),
            TargetKind::Starred(t) => target(t, out),
            TargetKind::Attribute { .. } | TargetKind::Index { .. } => {}
        }
    }
    fn block(stmts: &[Stmt], out: &mut std::collections::HashSet<String>, declared: &mut std::collections::HashSet<String>) {
        for s in stmts {
            match &s.kind {
                StmtKind::Assign { target: t, .. } | StmtKind::AugAssign { target: t, .. } => target(t, out),
                StmtKind::MultiAssign { targets, .. } => targets.iter().for_each(|t| target(t, out)),
                StmtKind::For { target: t, body, orelse, .. } => {
                    target(t, out);
                    block(&body.stmts, out, declared);
                    if let Some(b) = orelse {
                        block(&b.stmts, out, declared);
                    }
                }
                StmtKind::While { body, orelse, .. } => {
                    block(&body.stmts, out, declared);
                    if let Some(b) = orelse {
                        block(&b.stmts, out, declared);
                    }
                }
                StmtKind::If(ifs) => {
                    for b in &ifs.branches {
                        block(&b.body.stmts, out, declared);
                    }
                    if let Some(b) = &ifs.else_body {
                        block(&b.stmts, out, declared);
                    }
                }
                StmtKind::Try(t) => {
                    block(&t.body.stmts, out, declared);
                    for h in &t.handlers {
                        if let Some(n) = &h.name {
                            out.insert(n.name.clone());
                        }
                        block(&h.body.stmts, out, declared);
                    }
                    for b in [&t.orelse, &t.finalbody].into_iter().flatten() {
                        block(&b.stmts, out, declared);
                    }
                }
                StmtKind::With { items, body } => {
                    for i in items {
                        if let Some(t) = &i.target {
                            target(t, out);
                        }
                    }
                    block(&body.stmts, out, declared);
                }
                StmtKind::NoGrad(b) | StmtKind::Block(b) => block(&b.stmts, out, declared),
                StmtKind::Del(ts) => ts.iter().for_each(|t| target(t, out)),
                StmtKind::Def(d) => {
                    out.insert(d.name.name.clone());
                }
                StmtKind::Class(c) => {
                    out.insert(c.name.name.clone());
                }
                StmtKind::Import(names) => {
                    for a in names {
                        let bound = a.asname.as_ref().map(|i| i.name.clone()).unwrap_or_else(|| a.name.split('.').next().unwrap_or(&a.name).to_string());
                        out.insert(bound);
                    }
                }
                StmtKind::ImportFrom { names, .. } => {
                    for a in names.iter().filter(|a| a.name != "*") {
                        out.insert(a.asname.as_ref().map(|i| i.name.clone()).unwrap_or_else(|| a.name.clone()));
                    }
                }
                StmtKind::Global(ns) | StmtKind::Nonlocal(ns) => {
                    declared.extend(ns.iter().map(|i| i.name.clone()));
                }
                _ => {}
            }
        }
    }
    let mut out: std::collections::HashSet<String> = def.param_names().into_iter().map(String::from).collect();
    let mut declared = std::collections::HashSet::new();
    block(&def.body.stmts, &mut out, &mut declared);
    for d in &declared {
        out.remove(d);
    }
    out
}
