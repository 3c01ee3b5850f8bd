//! `collections.namedtuple(typename, field_names, *, defaults=None)`: a tuple subclass whose
//! items are also attributes (`p.x`), shown as CPython shows it (`Point(x=1, y=2)`), equal to
//! the plain tuple of its items, with `_fields`, `_replace(**kw)` and `_asdict()`. Its values
//! are structseq tuples (value.rs) marked `namedtuple`, so torch.func treats them as pytree
//! nodes and rebuilds them, as torch.utils._pytree does for namedtuples.
use super::members;
use crate::error::{Error, Result};
use crate::value::{DictRef, Function, FunctionKind, Kwargs, Seq, StructSeqType, Value};
use std::rc::Rc;

/// The members of a namedtuple value (besides its fields and the tuple methods).
pub const METHODS: &[&str] = &["_fields", "_replace", "_asdict"];

/// `collections.namedtuple`.
pub fn factory() -> Value {
    Function::new("namedtuple", FunctionKind::Builtin, |pos, kw| {
        let mut typename = pos.first().cloned();
        let mut field_names = pos.get(1).cloned();
        let mut defaults = Value::None;
        if pos.len() > 2 {
            return Err(Error::type_error("call::too_many_arguments", format!("namedtuple() takes 2 positional arguments but {} were given", pos.len())));
        }
        for (k, v) in kw {
            match k.as_str() {
                "typename" if typename.is_none() => typename = Some(v.clone()),
                "field_names" if field_names.is_none() => field_names = Some(v.clone()),
                "defaults" => defaults = v.clone(),
                "rename" | "module" => {}
                "typename" | "field_names" => return Err(Error::type_error("call::duplicate_argument", format!("namedtuple() got multiple values for argument '{k}'"))),
                _ => return Err(Error::type_error("call::unexpected_keyword", format!("namedtuple() got an unexpected keyword argument '{k}'"))),
            }
        }
        let missing: Vec<&str> = [("typename", &typename), ("field_names", &field_names)].iter().filter(|(_, v)| v.is_none()).map(|(n, _)| *n).collect();
        if !missing.is_empty() {
            let names = missing.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(" and ");
            let s = if missing.len() == 1 { "" } else { "s" };
            return Err(Error::type_error("call::missing_argument", format!("namedtuple() missing {} required positional argument{s}: {names}", missing.len())));
        }
        let Some(Value::Str(name)) = typename else {
            return Err(Error::type_error("call::argument_type", "namedtuple() typename must be a str"));
        };
        let fields = field_list(&field_names.expect("checked"))?;
        let defaults = match defaults {
            Value::None => Vec::new(),
            v => members::iterate(&v)?,
        };
        build(&name, fields, defaults)
    })
}

/// A namedtuple class `name` with these fields, the last `defaults.len()` of them defaulted.
pub fn build(name: &str, fields: Vec<String>, defaults: Vec<Value>) -> Result<Value> {
    for n in std::iter::once(name.to_string()).chain(fields.iter().cloned()) {
        if !is_identifier(&n) {
            return Err(Error::value("namedtuple::names", format!("Type names and field names must be valid identifiers: {}", Value::str(&n).py_repr())));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for f in &fields {
        if f.starts_with('_') {
            return Err(Error::value("namedtuple::names", format!("Field names cannot start with an underscore: {}", Value::str(f).py_repr())));
        }
        if !seen.insert(f.clone()) {
            return Err(Error::value("namedtuple::names", format!("Encountered duplicate field name: {}", Value::str(f).py_repr())));
        }
    }
    if defaults.len() > fields.len() {
        return Err(Error::type_error("namedtuple::defaults", "Got more default values than field names"));
    }
    let ty = Rc::new(StructSeqType { name: name.to_string(), fields, namedtuple: true });
    Ok(class(ty, defaults))
}

/// `typing.NamedTuple`: the base of `class P(NamedTuple): x: int` (classes.rs), and callable
/// as `NamedTuple("P", [("x", int), ("y", int)])`.
pub fn typing_named_tuple() -> Value {
    Function::new("typing.NamedTuple", FunctionKind::Class, |pos, kw| {
        if pos.len() != 2 || !kw.is_empty() {
            return Err(Error::type_error("call::argument_count", "fcall's NamedTuple() takes a type name and a list of (name, type) pairs"));
        }
        let Value::Str(name) = &pos[0] else {
            return Err(Error::type_error("call::argument_type", "NamedTuple() typename must be a str"));
        };
        let mut fields = Vec::new();
        for pair in members::iterate(&pos[1])? {
            match &members::iterate(&pair)?[..] {
                [Value::Str(f), _] => fields.push(f.to_string()),
                _ => return Err(Error::type_error("namedtuple::fields", "NamedTuple('Name', [(f0, t0), (f1, t1), ...]); each t must be a type")),
            }
        }
        build(name, fields, Vec::new())
    })
}

/// Whether `v` is `typing.NamedTuple`.
pub fn is_typing_named_tuple(v: &Value) -> bool {
    matches!(v, Value::Function(f) if f.name == "typing.NamedTuple" && f.kind == FunctionKind::Class)
}

/// Field names from a list/tuple of str or one str separated by spaces and/or commas.
fn field_list(v: &Value) -> Result<Vec<String>> {
    match v {
        Value::Str(s) => Ok(s.replace(',', " ").split_whitespace().map(str::to_string).collect()),
        other => members::iterate(other)?
            .into_iter()
            .map(|f| match f {
                Value::Str(s) => Ok(s.to_string()),
                other => Err(Error::type_error("namedtuple::names", format!("Type names and field names must be strings, not {}", other.type_name()))),
            })
            .collect(),
    }
}

fn is_identifier(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f == '_' || f.is_alphabetic()) && c.all(|ch| ch == '_' || ch.is_alphanumeric())
}

/// `', '.join` with CPython's "and" for missing-argument lists: `'x'`, `'x' and 'y'`, `'x', 'y', and 'z'`.
fn and_list(names: &[String]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match q.len() {
        0 | 1 => q.join(""),
        2 => format!("{} and {}", q[0], q[1]),
        n => format!("{}, and {}", q[..n - 1].join(", "), q[n - 1]),
    }
}

/// The class: calling it binds its fields as `Point.__new__(_cls, x, y)` does.
fn class(ty: Rc<StructSeqType>, defaults: Vec<Value>) -> Value {
    let qual = format!("__main__.{}", ty.name);
    Function::new(qual, FunctionKind::Class, move |pos, kw| {
        let n = ty.fields.len();
        let q = format!("{}.__new__()", ty.name);
        if pos.len() > n {
            return Err(Error::type_error("call::too_many_arguments", format!("{q} takes {} positional arguments but {} were given", n + 1, pos.len() + 1)));
        }
        let mut slots: Vec<Option<Value>> = pos.iter().cloned().map(Some).chain(std::iter::repeat(None)).take(n).collect();
        for (k, v) in kw {
            let Some(i) = ty.fields.iter().position(|f| f == k) else {
                return Err(Error::type_error("call::unexpected_keyword", format!("{q} got an unexpected keyword argument '{k}'")));
            };
            if slots[i].is_some() {
                return Err(Error::type_error("call::duplicate_argument", format!("{q} got multiple values for argument '{k}'")));
            }
            slots[i] = Some(v.clone());
        }
        let first_default = n - defaults.len();
        for (i, slot) in slots.iter_mut().enumerate() {
            if slot.is_none() && i >= first_default {
                *slot = Some(defaults[i - first_default].clone());
            }
        }
        let missing: Vec<String> = slots.iter().zip(&ty.fields).filter(|(s, _)| s.is_none()).map(|(_, f)| f.clone()).collect();
        if !missing.is_empty() {
            let s = if missing.len() == 1 { "" } else { "s" };
            return Err(Error::type_error("call::missing_argument", format!("{q} missing {} required positional argument{s}: {}", missing.len(), and_list(&missing))));
        }
        Ok(Value::structseq(ty.clone(), slots.into_iter().map(|s| s.expect("checked")).collect()))
    })
}

/// `p._fields`, `p._replace`, `p._asdict` of a namedtuple value.
pub fn attr(items: &Seq, name: &str) -> Value {
    let ty = items.structseq().expect("a namedtuple").clone();
    match name {
        "_fields" => Value::tuple(ty.fields.iter().map(|f| Value::str(f)).collect()),
        "_asdict" => {
            let items = items.clone();
            Function::new(format!("{}._asdict", ty.name), FunctionKind::Method, move |pos, kw| {
                no_args("_asdict", pos, kw)?;
                Ok(Value::Dict(DictRef::from_entries(ty.fields.iter().cloned().zip(items.to_vec()).collect())))
            })
        }
        _ => {
            let items = items.clone();
            Function::new(format!("{}._replace", ty.name), FunctionKind::Method, move |pos, kw: &Kwargs| {
                if !pos.is_empty() {
                    return Err(Error::type_error("call::too_many_arguments", format!("{}._replace() takes 1 positional argument but {} were given", ty.name, pos.len() + 1)));
                }
                let mut out = items.to_vec();
                let mut unknown = Vec::new();
                for (k, v) in kw {
                    match ty.fields.iter().position(|f| f == k) {
                        Some(i) => out[i] = v.clone(),
                        None => unknown.push(Value::str(k)),
                    }
                }
                if !unknown.is_empty() {
                    return Err(Error::value("namedtuple::replace", format!("Got unexpected field names: {}", Value::list(unknown).py_repr())));
                }
                Ok(Value::structseq(ty.clone(), out))
            })
        }
    }
}

fn no_args(name: &str, pos: &[Value], kw: &Kwargs) -> Result<()> {
    if !pos.is_empty() || !kw.is_empty() {
        return Err(Error::type_error("call::too_many_arguments", format!("{name}() takes 1 positional argument but {} were given", pos.len() + 1)));
    }
    Ok(())
}
