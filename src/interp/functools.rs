//! Python's `functools`: `partial` (a class whose instances call `func(*args, *more,
//! **{**keywords, **more_kw})`, with CPython's `func`/`args`/`keywords` attributes, its repr
//! `functools.partial(<function f at 0x...>, 1, k=2)` and nested partials flattened) and `reduce`.
use indexmap::IndexMap;
use std::cell::RefCell;
use std::rc::Rc;

use super::eval::call_value;
use crate::error::{Error, Result};
use crate::object::{Class, Object};
use crate::value::{DictRef, Function, FunctionKind, Kwargs, Namespace, Value};

thread_local! {
    static PARTIAL: RefCell<Option<Rc<Class>>> = const { RefCell::new(None) };
}

fn method(name: &str, f: impl Fn(&Rc<Object>, &[Value], &Kwargs) -> Result<Value> + 'static) -> Value {
    Function::new(name, FunctionKind::User, move |pos, kw| match pos.split_first() {
        Some((Value::Object(o), rest)) => f(o, rest, kw),
        _ => Err(Error::type_error("call::missing_argument", "descriptor requires a 'functools.partial' object")),
    })
}

fn is_callable(v: &Value) -> bool {
    match v {
        Value::Function(f) => !matches!(f.kind, FunctionKind::Typing),
        Value::Module(_) | Value::Class(_) => true,
        Value::Object(o) => o.class.find("__call__").is_some(),
        _ => false,
    }
}

fn is_partial(o: &Object) -> bool {
    PARTIAL.with(|p| p.borrow().as_ref().is_some_and(|c| Rc::ptr_eq(c, &o.class)))
}

/// (func, args, keywords) of a partial.
fn parts(o: &Object) -> (Value, Vec<Value>, Vec<(String, Value)>) {
    let func = o.get("func").unwrap_or(Value::None);
    let args = match o.get("args") {
        Some(Value::Tuple(t)) => t.to_vec(),
        _ => Vec::new(),
    };
    let keywords = match o.get("keywords") {
        Some(Value::Dict(d)) => d.items(),
        _ => Vec::new(),
    };
    (func, args, keywords)
}

/// `partial.__new__(func, *args, **keywords)`, on a fresh instance.
fn init(o: &Object, pos: &[Value], kw: &Kwargs) -> Result<()> {
    let Some((func, rest)) = pos.split_first() else {
        return Err(Error::type_error("call::missing_argument", "type 'partial' takes at least one argument"));
    };
    if !is_callable(func) {
        return Err(Error::type_error("call::argument_type", "the first argument must be callable"));
    }
    let (mut func, mut args, mut keywords) = (func.clone(), Vec::new(), IndexMap::new());
    // A partial of a partial is flattened into one.
    if let Value::Object(inner) = &func {
        if is_partial(inner) {
            let (f, a, k) = parts(inner);
            (func, args) = (f, a);
            keywords.extend(k);
        }
    }
    args.extend(rest.iter().cloned());
    keywords.extend(kw.iter().cloned());
    let mut d = o.dict.borrow_mut();
    d.insert("func".into(), func);
    d.insert("args".into(), Value::tuple(args));
    d.insert("keywords".into(), Value::Dict(DictRef::from_entries(keywords)));
    Ok(())
}

/// The class `functools.partial`.
fn partial_class() -> Rc<Class> {
    PARTIAL.with(|c| {
        if let Some(k) = c.borrow().as_ref() {
            return k.clone();
        }
        let mut dict = IndexMap::new();
        dict.insert("__init__".into(), method("partial.__init__", |o, pos, kw| init(o, pos, kw).map(|_| Value::None)));
        dict.insert(
            "__call__".into(),
            method("partial.__call__", |o, pos, kw| {
                let (func, mut args, keywords) = parts(o);
                args.extend(pos.iter().cloned());
                let mut merged: IndexMap<String, Value> = keywords.into_iter().collect();
                merged.extend(kw.iter().cloned());
                call_value(&func, &args, &merged.into_iter().collect())
            }),
        );
        dict.insert(
            "__repr__".into(),
            method("partial.__repr__", |o, _, _| {
                let (func, args, keywords) = parts(o);
                let mut shown = vec![crate::object::try_repr(&func)?];
                for a in &args {
                    shown.push(crate::object::try_repr(a)?);
                }
                for (k, v) in &keywords {
                    shown.push(format!("{k}={}", crate::object::try_repr(v)?));
                }
                Ok(Value::str(&format!("functools.partial({})", shown.join(", "))))
            }),
        );
        let class = Class::library("partial", "functools", dict);
        *c.borrow_mut() = Some(class.clone());
        class
    })
}

/// `functools.reduce(function, iterable[, initial])`.
fn reduce(pos: &[Value], kw: &Kwargs) -> Result<Value> {
    if !kw.is_empty() {
        return Err(Error::type_error("call::unexpected_keyword", "reduce() takes no keyword arguments"));
    }
    if !(2..=3).contains(&pos.len()) {
        return Err(Error::type_error("call::argument_count", format!("reduce expected at least 2 arguments, got {}", pos.len())));
    }
    let items = super::members::iterate(&pos[1])
        .map_err(|_| Error::type_error("eval::not_iterable", format!("reduce() arg 2 must support iteration")))?;
    let mut items = items.into_iter();
    let mut acc = match pos.get(2) {
        Some(v) => v.clone(),
        None => items.next().ok_or_else(|| Error::type_error("eval::empty_reduce", "reduce() of empty iterable with no initial value"))?,
    };
    for x in items {
        acc = call_value(&pos[0], &[acc, x], &Vec::new())?;
    }
    Ok(acc)
}

/// Fills the module `functools`.
pub fn add(ns: &Namespace) {
    ns.set("partial", Value::Class(partial_class()));
    ns.set("reduce", Function::new("reduce", FunctionKind::Builtin, reduce));
}
