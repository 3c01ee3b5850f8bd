//! The torch.nn containers from the language: `ModuleDict({enc: m, dec: m2})` (a dict-like
//! submodule container whose keys are the children's names, so paths read `layers.enc.weight`),
//! `ModuleList([m, m2])`, and indexing, `in`, iteration and the dict methods of containers
//! (`Sequential` and `ModuleList` by position, `ModuleDict` by key), with torch.nn's errors.
use super::args::Args;
use crate::error::{Error, ExcType, Result};
use crate::nn::layers::container;
use crate::nn::Module;
use crate::value::{Kwargs, Value};

/// Whether `m` is a built-in container of this class.
pub fn is(m: &Module, class: &str) -> bool {
    m.class_name() == class && m.qualified_class_name().starts_with("torch.nn.")
}

fn as_module(v: &Value) -> Result<Module> {
    match v {
        Value::Module(m) => Ok(m.clone()),
        other => Err(Error::type_error("nn::not_a_module", format!("{} is not a Module subclass", other.torch_typename()))),
    }
}

/// `ModuleDict.update(modules)`: a dict (in its order) or an iterable of (key, module) pairs.
pub fn update(md: &Module, modules: &Value) -> Result<()> {
    match modules {
        Value::Dict(d) => {
            let items: Vec<(String, Value)> = d.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            for (k, v) in items {
                md.add_module(&k, Some(as_module(&v)?))?;
            }
            Ok(())
        }
        Value::Module(src) if is(src, "ModuleDict") => {
            let items: Vec<(String, Option<Module>)> = src.data().modules.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            for (k, v) in items {
                md.add_module(&k, v)?;
            }
            Ok(())
        }
        // A list, a tuple, or an iterator (a generator expression).
        v if matches!(v, Value::List(_) | Value::Tuple(_)) || super::pybuiltins::is_iterator(v) => {
            for (i, item) in super::members::iterate(modules)?.iter().enumerate() {
                let pair = super::members::iterate(item).map_err(|_| {
                    Error::type_error(
                        "nn::moduledict_update",
                        format!("ModuleDict update sequence element #{i} should be Iterable; is{}", item.type_name()),
                    )
                })?;
                let [k, v] = &pair[..] else {
                    return Err(Error::value(
                        "nn::moduledict_update",
                        format!("ModuleDict update sequence element #{i} has length {}; 2 is required", pair.len()),
                    ));
                };
                let Value::Str(k) = k else {
                    return Err(Error::type_error("nn::module_name", format!("module name should be a string. Got {}", k.torch_typename())));
                };
                md.add_module(k, Some(as_module(v)?))?;
            }
            Ok(())
        }
        other => Err(Error::type_error(
            "nn::moduledict_update",
            format!("ModuleDict.update should be called with an iterable of key/value pairs, but got {}", other.torch_typename()),
        )),
    }
}

/// `nn.ModuleDict(modules=None)`.
pub fn module_dict(pos: &[Value], kw: &Kwargs) -> Result<Value> {
    let a = Args::bind("ModuleDict.__init__", &["modules"], 0, pos, kw)?;
    let md = container::module_dict();
    match a.get("modules") {
        None | Some(Value::None) => {}
        Some(v) => update(&md, v)?,
    }
    Ok(Value::Module(md))
}

/// `nn.ModuleList(modules=None)`.
pub fn module_list(pos: &[Value], kw: &Kwargs) -> Result<Value> {
    let a = Args::bind("ModuleList.__init__", &["modules"], 0, pos, kw)?;
    let items = match a.get("modules") {
        None | Some(Value::None) => Vec::new(),
        Some(v) if matches!(v, Value::List(_) | Value::Tuple(_)) || super::pybuiltins::is_iterator(v) => {
            super::members::iterate(v)?.iter().map(as_module).collect::<Result<_>>()?
        }
        Some(other) => {
            return Err(Error::type_error(
                "nn::modulelist_extend",
                format!("ModuleList.extend should be called with an iterable, but got {}", other.torch_typename()),
            ))
        }
    };
    Ok(Value::Module(container::module_list(items)?))
}

fn children(m: &Module) -> Vec<(String, Option<Module>)> {
    m.data().modules.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn key_error(idx: &Value) -> Error {
    let mut e = Error::new(ExcType::KeyError, "nn::moduledict_key", idx.py_repr());
    if let Value::Str(s) = idx {
        e.key_arg = Some(s.to_string());
    }
    e
}

/// `m[idx]` on a container; `None` when `m` is not one.
pub fn index(m: &Module, idx: &Value) -> Option<Result<Value>> {
    if is(m, "ModuleDict") {
        let Value::Str(k) = idx else { return Some(Err(key_error(idx))) };
        let found = m.data().modules.get(&**k).cloned();
        return Some(match found {
            Some(c) => Ok(c.map(Value::Module).unwrap_or(Value::None)),
            None => Err(key_error(idx)),
        });
    }
    if is(m, "Sequential") || is(m, "ModuleList") {
        let Value::Int(i) = idx else {
            return Some(Err(Error::type_error("eval::index_type", format!("'{}' object cannot be interpreted as an integer", idx.type_name()))));
        };
        let items = children(m);
        let n = items.len() as i64;
        let j = if *i < 0 { i + n } else { *i };
        if j < 0 || j >= n {
            return Some(Err(Error::new(ExcType::IndexError, "nn::index_range", format!("index {i} is out of range"))));
        }
        return Some(Ok(items[j as usize].1.clone().map(Value::Module).unwrap_or(Value::None)));
    }
    None
}

/// `m[idx] = v` on a container; `None` when `m` is not one.
pub fn set_index(m: &Module, idx: &Value, v: &Value) -> Option<Result<()>> {
    if is(m, "ModuleDict") {
        let Value::Str(k) = idx else {
            return Some(Err(Error::type_error("nn::module_name", format!("module name should be a string. Got {}", idx.torch_typename()))));
        };
        return Some(as_module(v).and_then(|c| m.add_module(k, Some(c))));
    }
    if is(m, "Sequential") || is(m, "ModuleList") {
        let r = (|| {
            let Value::Int(i) = idx else {
                return Err(Error::type_error("eval::index_type", format!("'{}' object cannot be interpreted as an integer", idx.type_name())));
            };
            let items = children(m);
            let n = items.len() as i64;
            let j = if *i < 0 { i + n } else { *i };
            if j < 0 || j >= n {
                return Err(Error::new(ExcType::IndexError, "nn::index_range", format!("index {i} is out of range")));
            }
            m.setattr(&items[j as usize].0, Value::Module(as_module(v)?))
        })();
        return Some(r);
    }
    None
}

/// `for x in m`: a ModuleDict's keys, a Sequential's or ModuleList's modules.
pub fn iterate(m: &Module) -> Option<Vec<Value>> {
    if is(m, "ModuleDict") {
        return Some(m.data().modules.keys().map(|k| Value::str(k)).collect());
    }
    if is(m, "Sequential") || is(m, "ModuleList") {
        return Some(m.data().modules.values().flatten().cloned().map(Value::Module).collect());
    }
    None
}

/// `x in m`: a key of a ModuleDict, a module of a Sequential or ModuleList.
pub fn contains(m: &Module, x: &Value) -> Option<bool> {
    if is(m, "ModuleDict") {
        return Some(matches!(x, Value::Str(k) if m.data().modules.contains_key(&**k)));
    }
    iterate(m).map(|items| items.iter().any(|v| v.is(x)))
}

/// The dict methods of a ModuleDict: `keys values items update pop clear`.
pub const MODULEDICT_METHODS: &[&str] = &["keys", "values", "items", "update", "pop", "clear"];

/// Runs a ModuleDict method (`keys`, `values`, `items` give lists).
pub fn moduledict_method(m: &Module, name: &str, q: &str, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    let module = |c: Option<Module>| c.map(Value::Module).unwrap_or(Value::None);
    match name {
        "keys" | "values" | "items" | "clear" => {
            Args::bind(q, &[], 0, pos, kw)?;
            let items = children(m);
            Ok(match name {
                "keys" => Value::list(items.into_iter().map(|(k, _)| Value::str(&k)).collect()),
                "values" => Value::list(items.into_iter().map(|(_, c)| module(c)).collect()),
                "items" => Value::list(items.into_iter().map(|(k, c)| Value::tuple(vec![Value::str(&k), module(c)])).collect()),
                _ => {
                    for (k, _) in items {
                        m.delattr(&k)?;
                    }
                    Value::None
                }
            })
        }
        "update" => {
            let a = Args::bind(q, &["modules"], 1, pos, kw)?;
            update(m, &a.value("modules"))?;
            Ok(Value::None)
        }
        "pop" => {
            let a = Args::bind(q, &["key"], 1, pos, kw)?;
            let key = a.value("key");
            let v = index(m, &key).unwrap_or_else(|| Err(key_error(&key)))?;
            if let Value::Str(k) = &key {
                m.delattr(k)?;
            }
            Ok(v)
        }
        _ => Err(Error::attribute("eval::no_attribute", format!("'ModuleDict' object has no attribute '{name}'"))),
    }
}
