//! The torch.nn containers from the language: `ModuleDict({enc: m, dec: m2})` (a dict-like
//! submodule container whose keys are the children's names, so paths read `layers.enc.weight`),
//! `ModuleList([m, m2])`, and indexing, `in`, iteration and the dict methods of containers
//! (`Sequential` and `ModuleList` by position, `ModuleDict` by key), with torch.nn's errors;
//! `ParameterList([...])` (parameters `0`, `1`, ...; append/extend) and `ParameterDict({...})`
//! (parameters by key; the dict methods), a plain tensor entry becoming a Parameter.
use super::args::Args;
use crate::error::{Error, ExcType, Result};
use crate::nn::layers::container;
use crate::nn::Module;
use crate::value::{Kwargs, Value};

/// Sequential, ModuleList and its subclass ParametrizationList: children by position.
fn is_list(m: &Module) -> bool {
    is(m, "Sequential") || is(m, "ModuleList") || is(m, "ParametrizationList")
}

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
        // Any iterable (a dict or OrderedDict gives its keys, which are no Modules).
        Some(v) if matches!(v, Value::List(_) | Value::Tuple(_) | Value::Dict(_) | Value::Set(_) | Value::Str(_)) || super::pybuiltins::is_iterator(v) => {
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
    if let Some(r) = parameter_index(m, idx) {
        return Some(r);
    }
    if is(m, "ModuleDict") {
        let Value::Str(k) = idx else { return Some(Err(key_error(idx))) };
        let found = m.data().modules.get(&**k).cloned();
        return Some(match found {
            Some(c) => Ok(c.map(Value::Module).unwrap_or(Value::None)),
            None => Err(key_error(idx)),
        });
    }
    if is_list(m) {
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
    if let Some(r) = parameter_set_index(m, idx, v) {
        return Some(r);
    }
    if is(m, "ModuleDict") {
        let Value::Str(k) = idx else {
            return Some(Err(Error::type_error("nn::module_name", format!("module name should be a string. Got {}", idx.torch_typename()))));
        };
        return Some(as_module(v).and_then(|c| m.add_module(k, Some(c))));
    }
    if is_list(m) {
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
    if let Some(items) = parameter_iterate(m) {
        return Some(items);
    }
    if is(m, "ModuleDict") {
        return Some(m.data().modules.keys().map(|k| Value::str(k)).collect());
    }
    if is_list(m) {
        return Some(m.data().modules.values().flatten().cloned().map(Value::Module).collect());
    }
    None
}

/// `x in m`: a key of a ModuleDict, a module of a Sequential or ModuleList.
pub fn contains(m: &Module, x: &Value) -> Option<bool> {
    if is(m, "ParameterDict") {
        return Some(matches!(x, Value::Str(k) if container::parameter_dict_keys(m).iter().any(|key| key == &**k)));
    }
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

// ---------------------------------------------------------------- ParameterList / ParameterDict

/// A ParameterList's or ParameterDict's entry as torch stores it: a tensor that is not a
/// Parameter becomes one (`Parameter(value)`, requiring grad); other values stay as they are.
fn as_parameter(v: &Value) -> Result<Value> {
    match v {
        Value::Tensor(t) if !t.is_parameter() => Ok(Value::Tensor(crate::tensor::TensorRef::parameter(t.tensor(), true)?)),
        other => Ok(other.clone()),
    }
}

fn list_size(m: &Module) -> i64 {
    match m.data().attrs.get("_size") {
        Some(Value::Int(n)) => *n,
        _ => 0,
    }
}

/// `ParameterList.append(value)`.
fn parameter_list_append(m: &Module, v: &Value) -> Result<()> {
    let n = list_size(m);
    m.set_setting("_size", Value::Int(n + 1));
    m.setattr(&n.to_string(), as_parameter(v)?)
}

/// `ParameterDict[key] = value`.
fn parameter_dict_set(m: &Module, key: &str, v: &Value) -> Result<()> {
    let value = as_parameter(v)?;
    m.setattr(key, value)?;
    if let Some(Value::Dict(d)) = m.data().attrs.get("_keys").cloned() {
        d.insert(key, Value::None);
    }
    Ok(())
}

fn parameter_dict_update(m: &Module, values: &Value) -> Result<()> {
    let pairs: Vec<(Value, Value)> = match values {
        Value::Dict(d) => d.borrow().iter().map(|(k, v)| (Value::str(k), v.clone())).collect(),
        Value::Module(src) if is(src, "ParameterDict") => {
            container::parameter_dict_keys(src).into_iter().map(|k| (Value::str(&k), src.getattr(&k).unwrap_or(Value::None))).collect()
        }
        v if matches!(v, Value::List(_) | Value::Tuple(_)) || super::pybuiltins::is_iterator(v) => {
            let mut out = Vec::new();
            for (i, item) in super::members::iterate(v)?.iter().enumerate() {
                let pair = super::members::iterate(item).map_err(|_| {
                    Error::type_error("nn::parameterdict_update", format!("ParameterDict update sequence element #{i} should be Iterable; is{}", item.type_name()))
                })?;
                let [k, v] = &pair[..] else {
                    return Err(Error::value("nn::parameterdict_update", format!("ParameterDict update sequence element #{i} has length {}; 2 is required", pair.len())));
                };
                out.push((k.clone(), v.clone()));
            }
            out
        }
        other => {
            return Err(Error::type_error(
                "nn::parameterdict_update",
                format!("ParametersDict.update should be called with an iterable of key/value pairs, but got {}", other.torch_typename()),
            ))
        }
    };
    for (k, v) in pairs {
        let Value::Str(k) = k else {
            return Err(Error::type_error("nn::parameter_name", format!("attribute name should be a string. Got {}", k.torch_typename())));
        };
        parameter_dict_set(m, &k, &v)?;
    }
    Ok(())
}

/// `nn.ParameterList(values=None)`.
pub fn parameter_list(pos: &[Value], kw: &Kwargs) -> Result<Value> {
    let a = Args::bind("ParameterList.__init__", &["values"], 0, pos, kw)?;
    let m = container::parameter_list();
    if let Some(v) = a.get("values").filter(|v| !v.is_none()) {
        for item in super::members::iterate(v)? {
            parameter_list_append(&m, &item)?;
        }
    }
    Ok(Value::Module(m))
}

/// `nn.ParameterDict(parameters=None)`.
pub fn parameter_dict(pos: &[Value], kw: &Kwargs) -> Result<Value> {
    let a = Args::bind("ParameterDict.__init__", &["parameters"], 0, pos, kw)?;
    let m = container::parameter_dict();
    if let Some(v) = a.get("parameters").filter(|v| !v.is_none()) {
        parameter_dict_update(&m, v)?;
    }
    Ok(Value::Module(m))
}

/// `pl[i]`, `pd[key]` (`None` when `m` is neither).
pub fn parameter_index(m: &Module, idx: &Value) -> Option<Result<Value>> {
    if is(m, "ParameterDict") {
        let Value::Str(k) = idx else { return Some(Err(key_error(idx))) };
        return Some(m.getattr(k));
    }
    if is(m, "ParameterList") {
        let Value::Int(i) = idx else {
            return Some(Err(Error::type_error("eval::index_type", format!("'{}' object cannot be interpreted as an integer", idx.type_name()))));
        };
        let n = list_size(m);
        let j = if *i < 0 { i + n } else { *i };
        if j < 0 || j >= n {
            return Some(Err(Error::new(ExcType::IndexError, "nn::index_range", format!("index {i} is out of range"))));
        }
        return Some(m.getattr(&j.to_string()));
    }
    None
}

/// `pl[i] = v`, `pd[key] = v`.
pub fn parameter_set_index(m: &Module, idx: &Value, v: &Value) -> Option<Result<()>> {
    if is(m, "ParameterDict") {
        let Value::Str(k) = idx else {
            return Some(Err(Error::type_error("nn::parameter_name", format!("attribute name should be a string. Got {}", idx.torch_typename()))));
        };
        return Some(parameter_dict_set(m, k, v));
    }
    if is(m, "ParameterList") {
        let r = (|| {
            let Value::Int(i) = idx else {
                return Err(Error::type_error("eval::index_type", format!("'{}' object cannot be interpreted as an integer", idx.type_name())));
            };
            let n = list_size(m);
            let j = if *i < 0 { i + n } else { *i };
            if j < 0 || j >= n {
                return Err(Error::new(ExcType::IndexError, "nn::index_range", format!("index {i} is out of range")));
            }
            m.setattr(&j.to_string(), as_parameter(v)?)
        })();
        return Some(r);
    }
    None
}

/// `for p in pl` (the entries), `for k in pd` (the keys).
pub fn parameter_iterate(m: &Module) -> Option<Vec<Value>> {
    if is(m, "ParameterDict") {
        return Some(container::parameter_dict_keys(m).iter().map(|k| Value::str(k)).collect());
    }
    if is(m, "ParameterList") {
        return Some((0..list_size(m)).map(|i| m.getattr(&i.to_string()).unwrap_or(Value::None)).collect());
    }
    None
}

/// `len(m)` of a container: its entries.
pub fn len(m: &Module) -> Option<i64> {
    parameter_iterate(m).map(|v| v.len() as i64)
}

/// The methods of ParameterList and ParameterDict.
pub const PARAMETERLIST_METHODS: &[&str] = &["append", "extend"];
pub const PARAMETERDICT_METHODS: &[&str] = &["keys", "values", "items", "update", "pop", "get", "clear", "setdefault"];

/// Runs a ParameterList or ParameterDict method.
pub fn parameter_method(m: &Module, name: &str, q: &str, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    let entry = |k: &str| m.getattr(k).unwrap_or(Value::None);
    match name {
        "append" => {
            let a = Args::bind(q, &["value"], 1, pos, kw)?;
            parameter_list_append(m, &a.value("value"))?;
            Ok(Value::Module(m.clone()))
        }
        "extend" => {
            let a = Args::bind(q, &["values"], 1, pos, kw)?;
            let values = a.value("values");
            if !(matches!(values, Value::List(_) | Value::Tuple(_)) || super::pybuiltins::is_iterator(&values) || matches!(&values, Value::Module(s) if is(s, "ParameterList"))) {
                return Err(Error::type_error("nn::parameterlist_extend", format!("ParameterList.extend should be called with an iterable, but got {}", values.torch_typename())));
            }
            for v in super::members::iterate(&values)? {
                parameter_list_append(m, &v)?;
            }
            Ok(Value::Module(m.clone()))
        }
        "keys" | "values" | "items" | "clear" => {
            Args::bind(q, &[], 0, pos, kw)?;
            let keys = container::parameter_dict_keys(m);
            Ok(match name {
                "keys" => Value::list(keys.iter().map(|k| Value::str(k)).collect()),
                "values" => Value::list(keys.iter().map(|k| entry(k)).collect()),
                "items" => Value::list(keys.iter().map(|k| Value::tuple(vec![Value::str(k), entry(k)])).collect()),
                _ => {
                    for k in keys {
                        parameter_dict_del(m, &k)?;
                    }
                    Value::None
                }
            })
        }
        "update" => {
            let a = Args::bind(q, &["values"], 1, pos, kw)?;
            parameter_dict_update(m, &a.value("values"))?;
            Ok(Value::None)
        }
        "pop" => {
            let a = Args::bind(q, &["key"], 1, pos, kw)?;
            let key = a.value("key");
            let Value::Str(k) = &key else { return Err(key_error(&key)) };
            if !container::parameter_dict_keys(m).iter().any(|x| x == &**k) {
                return Err(key_error(&key));
            }
            let v = entry(k);
            parameter_dict_del(m, k)?;
            Ok(v)
        }
        "get" | "setdefault" => {
            let a = Args::bind(q, &["key", "default"], 1, pos, kw)?;
            let key = a.value("key");
            let Value::Str(k) = &key else { return Err(key_error(&key)) };
            if container::parameter_dict_keys(m).iter().any(|x| x == &**k) {
                return Ok(entry(k));
            }
            let default = a.get("default").cloned().unwrap_or(Value::None);
            if name == "setdefault" {
                parameter_dict_set(m, k, &default)?;
                return Ok(entry(k));
            }
            Ok(default)
        }
        _ => Err(Error::attribute("eval::no_attribute", format!("'{}' object has no attribute '{name}'", m.class_name()))),
    }
}

fn parameter_dict_del(m: &Module, key: &str) -> Result<()> {
    m.delattr(key)?;
    if let Some(Value::Dict(d)) = m.data().attrs.get("_keys").cloned() {
        d.borrow_mut().shift_remove(key);
    }
    Ok(())
}
