//! User functions (`def`): parameters (`*args`, keyword-only, `**kwargs` included) bound as
//! Python binds them, defaults evaluated at
//! definition, a new frame per call chained to the defining frame, Python's recursion limit ([`crate::stack`]).
use std::rc::{Rc, Weak};

use fcall_lang::ast::FunctionDef;

use super::args::Signature;
use super::eval::{Ctx, Flow, Shared};
use super::frame::Frame;
use crate::error::{Error, Result};
use crate::value::{DictRef, FnParams, Function, Kwargs, ParamInfo, ParamKind, Value};

thread_local! {
    /// The user functions running now, innermost last, with their frames (zero-argument
    /// `super()` reads `__class__` and the first argument from the innermost).
    static STACK: std::cell::RefCell<Vec<(Rc<FunctionDef>, Rc<Frame>)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The innermost user function running now, and its frame.
pub fn current() -> Option<(Rc<FunctionDef>, Rc<Frame>)> {
    STACK.with(|s| s.borrow().last().cloned())
}

/// A function body ready to run: its definition, evaluated defaults and defining frame.
pub struct Callable {
    pub def: Rc<FunctionDef>,
    /// Defaults of the positional parameters (`None`: no default).
    pub defaults: Vec<Option<Value>>,
    /// Defaults of the keyword-only parameters.
    pub kw_defaults: Vec<Option<Value>>,
    pub closure: Rc<Frame>,
    pub sh: Weak<Shared>,
    pub src: u32,
    /// The names the body binds (its locals, as Python's compiler finds them).
    pub locals: Rc<std::collections::HashSet<String>>,
}

impl Callable {
    pub fn new(ctx: &Ctx, def: &FunctionDef, frame: &Rc<Frame>) -> Result<Callable> {
        let eval = |ps: &[fcall_lang::ast::Param]| {
            ps.iter().map(|p| p.default.as_ref().map(|d| ctx.eval(d, frame)).transpose()).collect::<Result<Vec<_>>>()
        };
        let defaults = eval(&def.params)?;
        let kw_defaults = eval(&def.kwonly)?;
        let locals = Rc::new(super::statements::local_names(def));
        Ok(Callable { def: Rc::new(def.clone()), defaults, kw_defaults, closure: frame.clone(), sh: Rc::downgrade(&ctx.sh), src: ctx.src, locals })
    }

    /// The parameters as `inspect.signature` lists them: positional ones, `*args`, keyword-only
    /// ones, `**kwargs`.
    pub fn params(&self) -> FnParams {
        let def = &self.def;
        let mut out: Vec<ParamInfo> = def
            .params
            .iter()
            .zip(&self.defaults)
            .enumerate()
            .map(|(i, (p, d))| {
                let kind = if i < def.posonly { ParamKind::PositionalOnly } else { ParamKind::PositionalOrKeyword };
                ParamInfo { name: p.name.name.clone(), kind, default: d.clone() }
            })
            .collect();
        if let Some(v) = &def.vararg {
            out.push(ParamInfo { name: v.name.clone(), kind: ParamKind::VarPositional, default: None });
        }
        out.extend(
            def.kwonly
                .iter()
                .zip(&self.kw_defaults)
                .map(|(p, d)| ParamInfo { name: p.name.name.clone(), kind: ParamKind::KeywordOnly, default: d.clone() }),
        );
        if let Some(k) = &def.kwarg {
            out.push(ParamInfo { name: k.name.clone(), kind: ParamKind::VarKeyword, default: None });
        }
        FnParams { params: out, annotated: def.annotated }
    }

    /// Runs the body with `self` bound (methods) and the arguments bound to the parameters.
    pub fn invoke(&self, self_value: Option<Value>, qualname: &str, pos: &[Value], kw: &Kwargs) -> Result<Value> {
        // Python's methods name `self` as their first parameter: it is bound as a positional
        // argument.
        let with_self;
        let (self_value, pos) = match self_value {
            Some(s) if self.def.explicit_self => {
                with_self = std::iter::once(s).chain(pos.iter().cloned()).collect::<Vec<_>>();
                (None, &with_self[..])
            }
            other => (other, pos),
        };
        let sh = self.sh.upgrade().ok_or_else(|| Error::runtime("eval::session_gone", "the session that defined this function was reset"))?;
        let ctx = Ctx { sh, src: self.src };
        let def = &self.def;
        let names: Vec<&str> = def.params.iter().map(|p| p.name.name.as_str()).collect();
        let kwonly: Vec<(&str, bool)> = def.kwonly.iter().map(|p| (p.name.name.as_str(), p.default.is_some())).collect();
        let sig = Signature {
            qualname,
            positional: &names,
            defaults: self.defaults.iter().filter(|d| d.is_some()).count(),
            vararg: def.vararg.is_some(),
            kwonly: &kwonly,
            kwarg: def.kwarg.is_some(),
            implicit: self_value.is_some() as usize,
        };
        let bound = sig.bind(pos, kw)?;
        let frame = Frame::function(&self.closure, self.locals.clone());
        if let Some(s) = self_value {
            frame.set("self", s);
        }
        for (i, n) in names.iter().enumerate() {
            let v = bound.positional[i].clone().or_else(|| self.defaults[i].clone()).unwrap_or(Value::None);
            frame.set(n, v);
        }
        if let Some(v) = &def.vararg {
            frame.set(&v.name, Value::tuple(bound.varargs));
        }
        for (i, (n, _)) in kwonly.iter().enumerate() {
            let v = bound.kwonly[i].clone().or_else(|| self.kw_defaults[i].clone()).unwrap_or(Value::None);
            frame.set(n, v);
        }
        if let Some(k) = &def.kwarg {
            let d = DictRef::new();
            for (name, v) in bound.kwargs {
                d.insert(name, v);
            }
            frame.set(&k.name, Value::Dict(d));
        }
        let frames = crate::stack::enter(1, "")?;
        STACK.with(|s| s.borrow_mut().push((self.def.clone(), frame.clone())));
        let r = ctx.exec_block(&self.def.body, &frame);
        STACK.with(|s| s.borrow_mut().pop());
        drop(frames);
        match r.map_err(|e| e.in_function(qualname))? {
            Flow::Return(v) => Ok(v),
            _ => Ok(Value::None),
        }
    }
}

/// `def name(...) { ... }` as a function value.
pub fn user_function(ctx: &Ctx, def: &FunctionDef, frame: &Rc<Frame>) -> Result<Value> {
    let c = Callable::new(ctx, def, frame)?;
    let name = def.name.name.clone();
    let qual = name.clone();
    let params = c.params();
    Ok(Function::with_params(name, params, move |pos, kw| c.invoke(None, &qual, pos, kw)))
}

/// The lines under an error that say which user functions it came out of, innermost first:
/// `in Half.forward, line 6, called from line 12` (a run of identical lines, as in deep
/// recursion, is shown once with a count).
pub fn trace_text(e: &Error, line_of: &dyn Fn(crate::error::Location) -> usize) -> String {
    let line = |loc: Option<crate::error::Location>| -> Option<usize> { Some(line_of(loc?)) };
    let mut lines: Vec<String> = Vec::new();
    let mut inner = e.location;
    for f in &e.trace {
        let mut s = format!("in {}", f.function);
        if let Some(l) = line(inner) {
            s.push_str(&format!(", line {l}"));
        }
        if let Some(l) = line(f.called_from) {
            s.push_str(&format!(", called from line {l}"));
        }
        lines.push(s);
        inner = f.called_from;
    }
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let mut j = i + 1;
        while j < lines.len() && lines[j] == lines[i] {
            j += 1;
        }
        out.push_str(&format!("\n  {}", lines[i]));
        if j - i > 1 {
            out.push_str(&format!("\n  [previous line repeated {} more times]", j - i - 1));
        }
        i = j;
    }
    out
}
