//! `torch.no_grad`, `torch.enable_grad`, `torch.set_grad_enabled`, `torch.inference_mode`
//! (also under `torch.autograd`), `torch.is_grad_enabled`, `torch.is_inference_mode_enabled`:
//! classes whose instances are context managers (`with torch.no_grad():`) and decorators
//! (`@torch.no_grad()`, `@torch.no_grad`), with PyTorch's instance attributes (`prev`, `mode`).
use indexmap::IndexMap;
use std::cell::RefCell;
use std::rc::Rc;

use super::eval::call_value;
use super::modules::Registry;
use crate::error::{Error, Result};
use crate::object::{Class, Object};
use crate::tensor::shim;
use crate::value::{Function, FunctionKind, Kwargs, Value};

const MODULE: &str = "torch.autograd.grad_mode";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    NoGrad,
    EnableGrad,
    SetGradEnabled,
    InferenceMode,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::NoGrad => "no_grad",
            Kind::EnableGrad => "enable_grad",
            Kind::SetGradEnabled => "set_grad_enabled",
            Kind::InferenceMode => "inference_mode",
        }
    }
}

thread_local! {
    /// The classes of the instances, one per kind.
    static CLASSES: RefCell<Vec<(u8, Rc<Class>)>> = const { RefCell::new(Vec::new()) };
    /// The inference-mode guards entered by `with`, innermost last.
    static GUARDS: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

fn attr(this: &Value, name: &str) -> Option<Value> {
    match this {
        Value::Object(o) => o.get(name),
        _ => None,
    }
}

fn set_attr(this: &Value, name: &str, v: Value) {
    if let Value::Object(o) = this {
        o.dict.borrow_mut().insert(name.into(), v);
    }
}

fn flag(v: Option<Value>, default: bool) -> bool {
    match v {
        Some(Value::Bool(b)) => b,
        _ => default,
    }
}

fn enter(kind: Kind, this: &Value) {
    match kind {
        Kind::NoGrad | Kind::EnableGrad => {
            set_attr(this, "prev", Value::Bool(shim::grad_mode_enabled()));
            shim::set_grad_mode(kind == Kind::EnableGrad);
        }
        Kind::SetGradEnabled => shim::set_grad_mode(flag(attr(this, "mode"), true)),
        Kind::InferenceMode => {
            let g = shim::inference_mode_enter(flag(attr(this, "mode"), true));
            GUARDS.with(|s| s.borrow_mut().push(g));
        }
    }
}

fn exit(kind: Kind, this: &Value) {
    match kind {
        Kind::NoGrad | Kind::EnableGrad | Kind::SetGradEnabled => shim::set_grad_mode(flag(attr(this, "prev"), true)),
        Kind::InferenceMode => {
            if let Some(g) = GUARDS.with(|s| s.borrow_mut().pop()) {
                shim::inference_mode_exit(g);
            }
        }
    }
}

/// A method taking `self` first (so it binds when read through an instance).
fn method(name: String, f: impl Fn(&Value, &[Value]) -> Result<Value> + 'static) -> Value {
    Function::new(name, FunctionKind::User, move |pos, _kw| match pos.split_first() {
        Some((this, rest)) => f(this, rest),
        None => Err(Error::type_error("call::missing_argument", "missing 1 required positional argument: 'self'")),
    })
}

fn class_of(kind: Kind) -> Rc<Class> {
    CLASSES.with(|c| {
        if let Some((_, k)) = c.borrow().iter().find(|(k, _)| *k == kind as u8) {
            return k.clone();
        }
        let mut dict = IndexMap::new();
        let n = kind.name();
        dict.insert(
            "__enter__".into(),
            method(format!("{n}.__enter__"), move |this, _| {
                enter(kind, this);
                Ok(Value::None)
            }),
        );
        dict.insert(
            "__exit__".into(),
            method(format!("{n}.__exit__"), move |this, _| {
                exit(kind, this);
                Ok(Value::None)
            }),
        );
        dict.insert("clone".into(), method(format!("{n}.clone"), move |this, _| Ok(instance(kind, flag(attr(this, "mode"), true)))));
        dict.insert("__call__".into(), method(format!("{n}.__call__"), move |this, args| decorate(kind, this, args.first().cloned().unwrap_or(Value::None))));
        let class = Class::library(n, MODULE, dict);
        c.borrow_mut().push((kind as u8, class.clone()));
        class
    })
}

/// A new instance, with the attributes PyTorch's `__init__` sets.
fn instance(kind: Kind, mode: bool) -> Value {
    let o = Object::new(class_of(kind));
    match kind {
        Kind::NoGrad => {
            o.dict.borrow_mut().insert("prev".into(), Value::Bool(false));
        }
        Kind::EnableGrad => {}
        Kind::SetGradEnabled => {
            let prev = shim::grad_mode_enabled();
            shim::set_grad_mode(mode);
            o.dict.borrow_mut().insert("prev".into(), Value::Bool(prev));
            o.dict.borrow_mut().insert("mode".into(), Value::Bool(mode));
        }
        Kind::InferenceMode => {
            o.dict.borrow_mut().insert("mode".into(), Value::Bool(mode));
        }
    }
    Value::Object(Rc::new(o))
}

/// `ctx(func)`: `func` run inside a fresh copy of the context on every call.
fn decorate(kind: Kind, this: &Value, func: Value) -> Result<Value> {
    let name = match &func {
        Value::Function(f) => f.name.clone(),
        other if matches!(other, Value::Module(_) | Value::Object(_) | Value::Class(_)) => other.type_name(),
        other => return Err(Error::type_error("eval::not_callable", format!("'{}' object is not callable", other.type_name()))),
    };
    let mode = flag(attr(this, "mode"), true);
    Ok(Function::new(name, FunctionKind::User, move |pos, kw| {
        let ctx = match kind {
            // set_grad_enabled's copy must not switch the mode when it is made.
            Kind::SetGradEnabled => {
                let o = Object::new(class_of(kind));
                o.dict.borrow_mut().insert("mode".into(), Value::Bool(mode));
                o.dict.borrow_mut().insert("prev".into(), Value::Bool(shim::grad_mode_enabled()));
                Value::Object(Rc::new(o))
            }
            k => instance(k, mode),
        };
        enter(kind, &ctx);
        let r = call_value(&func, pos, kw);
        exit(kind, &ctx);
        r
    }))
}

fn is_callable(v: &Value) -> bool {
    matches!(v, Value::Function(_) | Value::Module(_) | Value::Class(_)) || matches!(v, Value::Object(_))
}

/// The class object `torch.<name>`: calling it makes an instance (or, given a function,
/// decorates it, as `@torch.no_grad` without parentheses does).
fn class_value(kind: Kind) -> Value {
    let q = format!("{MODULE}.{}", kind.name());
    Function::new(q, FunctionKind::Class, move |pos: &[Value], kw: &Kwargs| {
        let n = kind.name();
        let arg = |i: usize, key: &str| pos.get(i).cloned().or_else(|| kw.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()));
        if let Some((k, _)) = kw.iter().find(|(k, _)| !matches!((kind, k.as_str()), (Kind::NoGrad | Kind::EnableGrad, "orig_func") | (Kind::SetGradEnabled, "mode") | (Kind::InferenceMode, "mode_or_orig_func"))) {
            return Err(Error::type_error("call::unexpected_keyword", format!("{n}.__new__() got an unexpected keyword argument '{k}'")));
        }
        match kind {
            Kind::NoGrad | Kind::EnableGrad => match arg(0, "orig_func") {
                None | Some(Value::None) => Ok(instance(kind, true)),
                Some(f) => decorate(kind, &instance(kind, true), f),
            },
            Kind::SetGradEnabled => match arg(0, "mode") {
                Some(Value::Bool(b)) => Ok(instance(kind, b)),
                Some(other) => Err(Error::type_error("call::argument_type", format!("enabled must be a bool (got {})", other.type_name()))),
                None => Err(Error::type_error("call::missing_argument", "set_grad_enabled.__init__() missing 1 required positional argument: 'mode'")),
            },
            Kind::InferenceMode => match arg(0, "mode_or_orig_func") {
                None => Ok(instance(kind, true)),
                Some(Value::Bool(b)) => Ok(instance(kind, b)),
                Some(f) if is_callable(&f) => decorate(kind, &instance(kind, true), f),
                Some(other) => Err(Error::type_error("call::argument_type", format!("inference_mode(): mode must be a bool, not {}", other.type_name()))),
            },
        }
    })
}

/// Adds the grad-mode classes and queries to `torch` and `torch.autograd`.
pub fn add(reg: &Registry) {
    let values: Vec<(&str, Value)> = vec![
        ("no_grad", class_value(Kind::NoGrad)),
        ("enable_grad", class_value(Kind::EnableGrad)),
        ("set_grad_enabled", class_value(Kind::SetGradEnabled)),
        ("inference_mode", class_value(Kind::InferenceMode)),
    ];
    let is_grad = Function::new("is_grad_enabled", FunctionKind::Builtin, |pos, kw| {
        super::args::Args::bind("is_grad_enabled", &[], 0, pos, kw)?;
        Ok(Value::Bool(shim::grad_mode_enabled()))
    });
    let is_inference = Function::new("is_inference_mode_enabled", FunctionKind::Builtin, |pos, kw| {
        super::args::Args::bind("is_inference_mode_enabled", &[], 0, pos, kw)?;
        Ok(Value::Bool(shim::inference_mode_enabled()))
    });
    for module in ["torch", "torch.autograd"] {
        if let Some(ns) = reg.get(module) {
            for (name, v) in &values {
                ns.set(name, v.clone());
            }
        }
    }
    if let Some(torch) = reg.get("torch") {
        torch.set("is_grad_enabled", is_grad);
        torch.set("is_inference_mode_enabled", is_inference);
    }
}
