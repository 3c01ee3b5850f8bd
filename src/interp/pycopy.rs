//! Python's `copy` module: `copy.copy` and `copy.deepcopy` of fcall's values, with PyTorch's
//! `Tensor.__deepcopy__` / `Parameter.__deepcopy__` rules (new storage, `requires_grad` kept,
//! graph leaves only; one copy per object through the memo, so shared tensors stay shared).
use std::collections::HashMap;

use super::args::Args;
use super::copy::detached_copy;
use crate::error::{Error, ExcType, Result};
use crate::tensor::TensorRef;
use crate::value::{Function, FunctionKind, Namespace, Value};

/// The copies made so far, by the original object (Python's `memo`): a tensor by its object
/// id, a container by its address.
type Memo = HashMap<(bool, usize), Value>;

fn tensor_ptr(t: &TensorRef) -> (bool, usize) {
    (true, t.id() as usize)
}

fn container_key(v: &Value) -> Option<(bool, usize)> {
    v.container_ptr().map(|p| (false, p))
}

fn deep_tensor(t: &TensorRef, memo: &mut Memo) -> Result<Value> {
    if let Some(v) = memo.get(&tensor_ptr(t)) {
        return Ok(v.clone());
    }
    if t.is_parameter() {
        // Parameter.__deepcopy__: type(self)(self.data.clone(), self.requires_grad).
        let c = TensorRef::parameter(&detached_copy(t.tensor())?, t.requires_grad())?;
        let v = Value::Tensor(c);
        memo.insert(tensor_ptr(t), v.clone());
        return Ok(v);
    }
    if t.grad_fn_name().is_some() {
        return Err(Error::runtime(
            "copy::not_a_leaf",
            "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment.  If you were attempting to deepcopy a module, this may be because of a torch.nn.utils.weight_norm usage, see https://github.com/pytorch/pytorch/pull/103001",
        ));
    }
    if t.grad().is_some() {
        return Err(Error::new(ExcType::NotImplementedError, "copy::grad", "copy.deepcopy of a tensor that has a .grad is not supported by fcall yet")
            .with_hint("t.detach().clone() copies the values without the grad"));
    }
    let data = detached_copy(t.tensor())?;
    let c = match t.buffer_mark() {
        Some(persistent) => TensorRef::buffer(&data, persistent)?,
        None => TensorRef::new(data),
    };
    c.requires_grad_(t.requires_grad())?;
    let v = Value::Tensor(c);
    memo.insert(tensor_ptr(t), v.clone());
    Ok(v)
}

/// `copy.deepcopy(x)` for the engine's own callers (`nn.TransformerEncoder`'s clones).
pub(crate) fn deepcopy(v: &Value) -> Result<Value> {
    deep(v, &mut Memo::new())
}

/// `copy.deepcopy(x, memo)`.
fn deep(v: &Value, memo: &mut Memo) -> Result<Value> {
    if let Some(p) = container_key(v) {
        if let Some(c) = memo.get(&p) {
            return Ok(c.clone());
        }
    }
    // CPython's frames for one level: `deepcopy` and `_deepcopy_list` / `_deepcopy_dict`, and
    // the generator `_deepcopy_tuple` runs too (RecursionError past 498 nested lists, 332 tuples).
    let frames = match v {
        Value::List(_) | Value::Dict(_) => 2,
        Value::Tuple(_) | Value::Size(_) => 3,
        _ => 0,
    };
    let _frames = if frames > 0 { Some(crate::stack::enter(frames, "while calling a Python object")?) } else { None };
    Ok(match v {
        Value::None | Value::Bool(_) | Value::Int(_) | Value::BigInt(_) | Value::Float(_) | Value::Complex(..) | Value::Str(_) | Value::DType(_) | Value::Function(_) => v.clone(),
        Value::Tensor(t) => deep_tensor(t, memo)?,
        Value::List(items) => {
            let out = Value::list(Vec::new());
            memo.insert((false, v.container_ptr().unwrap_or(0)), out.clone());
            let copied = items.to_vec().iter().map(|x| deep(x, memo)).collect::<Result<Vec<_>>>()?;
            if let Value::List(o) = &out {
                *o.borrow_mut() = copied;
            }
            out
        }
        Value::Tuple(items) | Value::Size(items) => {
            let originals = items.to_vec();
            let copied = originals.iter().map(|x| deep(x, memo)).collect::<Result<Vec<_>>>()?;
            // A tuple whose items all copy to themselves is itself (CPython's _deepcopy_tuple).
            if originals.iter().zip(&copied).all(|(a, b)| a.is(b) || (a.container_ptr().is_none() && !matches!(a, Value::Tensor(_)))) {
                v.clone()
            } else if matches!(v, Value::Size(_)) {
                Value::Size(crate::value::Seq::new(copied))
            } else {
                Value::tuple(copied)
            }
        }
        Value::Dict(d) => {
            let out = d.copy_with(Default::default());
            memo.insert((false, v.container_ptr().unwrap_or(0)), Value::Dict(out.clone()));
            let entries: Vec<(String, Value)> = d.borrow().iter().map(|(k, x)| (k.clone(), x.clone())).collect();
            for (k, x) in entries {
                let c = deep(&x, memo)?;
                out.insert(k, c);
            }
            Value::Dict(out)
        }
        Value::Module(m) => deep_module(m, memo)?,
        Value::Namespace(_) => return Err(Error::type_error("copy::module_object", "cannot pickle 'module' object")),
        Value::Class(_) => v.clone(),
        // A set's members are hashable values: a new set object with the same members.
        Value::Set(s) => Value::Set(crate::pyset::SetRef::new(s.borrow().clone())),
        Value::Object(o) if o.kind() != crate::object::Special::User => v.clone(),
        Value::Object(o) => {
            // A new instance of the class with a deep copy of the instance `__dict__`.
            let key = (false, std::rc::Rc::as_ptr(o) as *const u8 as usize);
            if let Some(c) = memo.get(&key) {
                return Ok(c.clone());
            }
            let new = std::rc::Rc::new(crate::object::Object::new(o.class.clone()));
            memo.insert(key, Value::Object(new.clone()));
            let entries: Vec<(String, Value)> = o.dict.borrow().iter().map(|(k, x)| (k.clone(), x.clone())).collect();
            for (k, x) in entries {
                let c = deep(&x, memo)?;
                new.dict.borrow_mut().insert(k, c);
            }
            Value::Object(new)
        }
    })
}

/// `copy.deepcopy(module)`: Python copies the instance `__dict__` through the memo, so the copy
/// is a new object of the same class whose parameters, buffers and submodules are copies (a
/// tensor or submodule registered twice is copied once: ties stay ties), whose settings and
/// plain attributes are deep copies, and whose hooks are the same functions.
fn deep_module(m: &crate::nn::Module, memo: &mut Memo) -> Result<Value> {
    let key = (false, std::rc::Rc::as_ptr(&m.0) as *const u8 as usize);
    if let Some(c) = memo.get(&key) {
        return Ok(c.clone());
    }
    let (params, buffers, modules, attrs) = {
        let d = m.data();
        (d.parameters.clone(), d.buffers.clone(), d.modules.clone(), d.attrs.clone())
    };
    let data = {
        let d = m.data();
        crate::nn::module::ModuleData {
            class_name: d.class_name.clone(),
            class_module: d.class_module.clone(),
            parameters: Default::default(),
            buffers: Default::default(),
            non_persistent_buffers: d.non_persistent_buffers.clone(),
            modules: Default::default(),
            attrs: Default::default(),
            properties: d.properties.clone(),
            forward_pre_hooks: d.forward_pre_hooks.clone(),
            forward_hooks: d.forward_hooks.clone(),
            fc_cache: None,
            fc_plan: None,
            initialized: d.initialized,
        }
    };
    let copy = m.new_like(data);
    memo.insert(key, Value::Module(copy.clone()));
    let tensor = |t: &Option<TensorRef>, memo: &mut Memo| -> Result<Option<TensorRef>> {
        match t {
            None => Ok(None),
            Some(t) => match deep_tensor(t, memo)? {
                Value::Tensor(c) => Ok(Some(c)),
                _ => unreachable!("a tensor copies to a tensor"),
            },
        }
    };
    let params = params.iter().map(|(k, t)| Ok((k.clone(), tensor(t, memo)?))).collect::<Result<Vec<_>>>()?;
    let buffers = buffers.iter().map(|(k, t)| Ok((k.clone(), tensor(t, memo)?))).collect::<Result<Vec<_>>>()?;
    let mut subs = Vec::new();
    for (k, sub) in &modules {
        subs.push((
            k.clone(),
            match sub {
                None => None,
                Some(s) => match deep_module(s, memo)? {
                    Value::Module(c) => Some(c),
                    _ => unreachable!("a module copies to a module"),
                },
            },
        ));
    }
    let attrs = attrs.iter().map(|(k, x)| Ok((k.clone(), deep(x, memo)?))).collect::<Result<Vec<_>>>()?;
    {
        let mut d = copy.data_mut();
        d.parameters = params.into_iter().collect();
        d.buffers = buffers.into_iter().collect();
        d.modules = subs.into_iter().collect();
        d.attrs = attrs.into_iter().collect();
    }
    crate::nn::module::bump_structure();
    Ok(Value::Module(copy))
}

/// `copy.copy(x)`: a new container with the same items; a tensor is a new object on the same
/// storage (as PyTorch's reduce-and-rebuild gives).
fn shallow(v: &Value) -> Result<Value> {
    Ok(match v {
        Value::List(items) => Value::list(items.to_vec()),
        Value::Dict(d) => Value::Dict(d.copy_with(d.borrow().clone())),
        Value::Tensor(t) => {
            let data = t.tensor().f_detach()?;
            if t.is_parameter() {
                Value::Tensor(TensorRef::parameter(&data, t.requires_grad())?)
            } else {
                let c = match t.buffer_mark() {
                    Some(p) => TensorRef::buffer(&data, p)?,
                    None => TensorRef::new(data),
                };
                c.requires_grad_(t.requires_grad())?;
                Value::Tensor(c)
            }
        }
        Value::Module(_) => {
            return Err(Error::new(ExcType::NotImplementedError, "copy::module", "copy.copy of a module is not supported by fcall yet")
                .with_hint("a shallow copy of a module shares its parameter registries with the original in PyTorch"))
        }
        Value::Namespace(_) => return Err(Error::type_error("copy::module_object", "cannot pickle 'module' object")),
        Value::Object(o) if o.kind() == crate::object::Special::User => {
            let new = crate::object::Object::new(o.class.clone());
            *new.dict.borrow_mut() = o.dict.borrow().clone();
            Value::Object(std::rc::Rc::new(new))
        }
        other => other.clone(),
    })
}

/// Fills the `copy` module.
pub fn add(ns: &Namespace) {
    ns.set(
        "deepcopy",
        Function::new("deepcopy", FunctionKind::User, |pos, kw| {
            let a = Args::bind("deepcopy", &["x", "memo", "_nil"], 1, pos, kw)?;
            if !matches!(a.get("memo"), None | Some(Value::None)) {
                return Err(Error::new(ExcType::NotImplementedError, "copy::memo", "copy.deepcopy(x, memo) with a memo dict is not supported by fcall yet"));
            }
            deep(&a.value("x"), &mut Memo::new())
        }),
    );
    ns.set(
        "copy",
        Function::new("copy", FunctionKind::User, |pos, kw| {
            let a = Args::bind("copy", &["x"], 1, pos, kw)?;
            shallow(&a.value("x"))
        }),
    );
}
