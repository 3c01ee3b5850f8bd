//! The Python face of torch.func's `jacrev`, `jacfwd`, `hessian`, `vjp` and `jvp`, and of
//! `torch.autograd.grad`: their signatures bound as Python binds them, the work done in
//! func/autodiff.rs. Registered as bare built-ins that modules.rs places in `torch.func` /
//! `torch.autograd`.
use std::collections::HashMap;

use super::args::Signature;
use super::builtins::{argnums, func_name};
use super::eval::call_value;
use crate::error::{Error, Result};
use crate::func::autodiff;
use crate::func::transforms::Argnums;
use crate::tensor::TensorRef;
use crate::value::{Function, FunctionKind, Kwargs, Value};

fn builtin(name: &str, f: impl Fn(&[Value], &Kwargs) -> Result<Value> + 'static) -> Value {
    Function::new(name, FunctionKind::Builtin, f)
}

fn flag(v: Option<Value>, name: &str, api: &str) -> Result<bool> {
    match v {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(b),
        Some(other) => Ok(super::ops::truthy(&other).map_err(|_| {
            Error::type_error("call::argument_type", format!("{api}(): argument '{name}' must be bool, not {}", other.type_name()))
        })?),
    }
}

/// The returned function takes positional arguments only (`wrapper_fn(*args)`), named as `f`
/// (functools.wraps).
fn positional_only(name: &str, kw: &Kwargs) -> Result<()> {
    match kw.first() {
        Some((k, _)) => Err(Error::type_error("call::unexpected_keyword", format!("{name}() got an unexpected keyword argument '{k}'"))),
        None => Ok(()),
    }
}

fn jacrev() -> Value {
    builtin("jacrev", |pos, kw| {
        let sig = Signature {
            qualname: "jacrev",
            positional: &["func", "argnums"],
            defaults: 1,
            vararg: false,
            kwonly: &[("has_aux", true), ("chunk_size", true), ("_preallocate_and_copy", true)],
            kwarg: false,
            implicit: 0,
        };
        let b = sig.bind(pos, kw)?;
        let f = b.positional[0].clone().unwrap_or(Value::None);
        let nums = argnums(&b.positional[1].clone().unwrap_or(Value::Int(0)))?;
        let has_aux = flag(b.kwonly[0].clone(), "has_aux", "jacrev")?;
        let chunk_size = match b.kwonly[1].clone() {
            None | Some(Value::None) => None,
            Some(Value::Int(c)) if c > 0 => Some(c),
            Some(Value::Int(_)) => return Err(Error::value("jacrev::chunk_size", "jacrev: `chunk_size` should be greater than 0.")),
            Some(other) => return Err(Error::type_error("call::argument_type", format!("jacrev(): chunk_size must be an int or None, not {}", other.type_name()))),
        };
        let name = func_name(&f);
        Ok(builtin(&name.clone(), move |pos, kw| {
            positional_only(&name, kw)?;
            let call = |p: &[Value], k: &Kwargs| call_value(&f, p, k);
            let (jac, aux) = autodiff::jacrev(&call, pos, &nums, has_aux, chunk_size)?;
            Ok(with_aux(jac, aux))
        }))
    })
}

fn with_aux(v: Value, aux: Option<Value>) -> Value {
    match aux {
        Some(a) => Value::tuple(vec![v, a]),
        None => v,
    }
}

fn jacfwd() -> Value {
    builtin("jacfwd", |pos, kw| {
        let sig = Signature {
            qualname: "jacfwd",
            positional: &["func", "argnums", "has_aux"],
            defaults: 2,
            vararg: false,
            kwonly: &[("randomness", true)],
            kwarg: false,
            implicit: 0,
        };
        let b = sig.bind(pos, kw)?;
        let f = b.positional[0].clone().unwrap_or(Value::None);
        let nums = match b.positional[1].clone() {
            Some(Value::None) => None,
            other => Some(argnums(&other.unwrap_or(Value::Int(0)))?),
        };
        let has_aux = flag(b.positional[2].clone(), "has_aux", "jacfwd")?;
        let randomness = match b.kwonly[0].clone() {
            None => "error".to_string(),
            Some(Value::Str(s)) => s.to_string(),
            Some(other) => other.py_str(),
        };
        let name = func_name(&f);
        Ok(builtin(&name.clone(), move |pos, kw| {
            positional_only(&name, kw)?;
            let call = |p: &[Value], k: &Kwargs| call_value(&f, p, k);
            let (jac, aux) = autodiff::jacfwd(&call, pos, nums.as_ref(), has_aux, &randomness)?;
            Ok(with_aux(jac, aux))
        }))
    })
}

fn hessian() -> Value {
    builtin("hessian", |pos, kw| {
        let sig = Signature { qualname: "hessian", positional: &["func", "argnums"], defaults: 1, vararg: false, kwonly: &[], kwarg: false, implicit: 0 };
        let b = sig.bind(pos, kw)?;
        let f = b.positional[0].clone().unwrap_or(Value::None);
        let nums: Argnums = argnums(&b.positional[1].clone().unwrap_or(Value::Int(0)))?;
        let name = func_name(&f);
        Ok(builtin(&name.clone(), move |pos, kw| {
            positional_only(&name, kw)?;
            let call = |p: &[Value], k: &Kwargs| call_value(&f, p, k);
            autodiff::hessian(&call, pos, &nums)
        }))
    })
}

/// `vjp(func, *primals, has_aux=False)` → `(output, vjp_fn)` or `(output, vjp_fn, aux)`.
fn vjp() -> Value {
    builtin("vjp", |pos, kw| {
        let sig = Signature { qualname: "vjp", positional: &["func"], defaults: 0, vararg: true, kwonly: &[("has_aux", true)], kwarg: false, implicit: 0 };
        let b = sig.bind(pos, kw)?;
        let f = b.positional[0].clone().unwrap_or(Value::None);
        let has_aux = flag(b.kwonly[0].clone(), "has_aux", "vjp")?;
        let call = |p: &[Value], k: &Kwargs| call_value(&f, p, k);
        let (out, vjp_fn, aux) = autodiff::vjp(&call, &b.varargs, None, has_aux)?;
        let vjp_fn = std::rc::Rc::new(vjp_fn);
        let wrapper = builtin("_vjp_with_argnums.<locals>.wrapper", move |pos, kw| {
            let sig = Signature {
                qualname: "_vjp_with_argnums.<locals>.wrapper",
                positional: &["cotangents", "retain_graph", "create_graph"],
                defaults: 2,
                vararg: false,
                kwonly: &[],
                kwarg: false,
                implicit: 0,
            };
            let b = sig.bind(pos, kw)?;
            let retain = match b.positional[1].clone() {
                None => true,
                Some(v) => super::ops::truthy(&v)?,
            };
            let create = match b.positional[2].clone() {
                None | Some(Value::None) => None,
                Some(v) => Some(super::ops::truthy(&v)?),
            };
            vjp_fn.call(&b.positional[0].clone().unwrap_or(Value::None), retain, create)
        });
        let mut items = vec![out, wrapper];
        items.extend(aux);
        Ok(Value::tuple(items))
    })
}

/// `jvp(func, primals, tangents, *, strict=False, has_aux=False)` → `(output, jvp_out)` or
/// `(output, jvp_out, aux)`.
fn jvp() -> Value {
    builtin("jvp", |pos, kw| {
        let sig = Signature {
            qualname: "jvp",
            positional: &["func", "primals", "tangents"],
            defaults: 0,
            vararg: false,
            kwonly: &[("strict", true), ("has_aux", true)],
            kwarg: false,
            implicit: 0,
        };
        let b = sig.bind(pos, kw)?;
        let f = b.positional[0].clone().unwrap_or(Value::None);
        let strict = flag(b.kwonly[0].clone(), "strict", "jvp")?;
        let has_aux = flag(b.kwonly[1].clone(), "has_aux", "jvp")?;
        let call = |p: &[Value], k: &Kwargs| call_value(&f, p, k);
        let primals = b.positional[1].clone().unwrap_or(Value::None);
        let tangents = b.positional[2].clone().unwrap_or(Value::None);
        let (out, jvp_out, aux) = autodiff::jvp(&call, &primals, &tangents, None, strict, has_aux)?;
        let mut items = vec![out, jvp_out];
        items.extend(aux);
        Ok(Value::tuple(items))
    })
}

/// A tensor or a sequence of tensors, as a list (`outputs` / `inputs` of autograd.grad).
fn tensors_of(v: &Value, what: &str) -> Result<Vec<TensorRef>> {
    let items = match v {
        Value::Tensor(t) => return Ok(vec![t.clone()]),
        Value::Dict(d) => d.borrow().values().cloned().collect(),
        other => super::members::iterate(other)?,
    };
    items
        .into_iter()
        .map(|x| match x {
            Value::Tensor(t) => Ok(t),
            other => Err(Error::type_error("autograd::grad_type", format!("{what} must be Tensors, not {}", other.type_name()))),
        })
        .collect()
}

/// `torch.autograd.grad(outputs, inputs, grad_outputs=None, retain_graph=None,
/// create_graph=False, only_inputs=True, allow_unused=None, is_grads_batched=False,
/// materialize_grads=False)`.
fn autograd_grad() -> Value {
    builtin("grad", |pos, kw| {
        let sig = Signature {
            qualname: "grad",
            positional: &[
                "outputs",
                "inputs",
                "grad_outputs",
                "retain_graph",
                "create_graph",
                "only_inputs",
                "allow_unused",
                "is_grads_batched",
                "materialize_grads",
            ],
            defaults: 7,
            vararg: false,
            kwonly: &[],
            kwarg: false,
            implicit: 0,
        };
        let b = sig.bind(pos, kw)?;
        let arg = |i: usize| b.positional[i].clone().unwrap_or(Value::None);
        let truth = |i: usize, default: bool| -> Result<bool> {
            match &b.positional[i] {
                None | Some(Value::None) => Ok(default),
                Some(v) => super::ops::truthy(v),
            }
        };
        let materialize = truth(8, false)?;
        let allow_unused = match &b.positional[6] {
            None | Some(Value::None) => materialize,
            Some(v) => {
                let a = super::ops::truthy(v)?;
                if materialize && !a {
                    return Err(Error::value(
                        "autograd::materialize",
                        "Expected allow_unused to be True or not passed when materialize_grads=True, but got: allow_unused=False.",
                    ));
                }
                a
            }
        };
        if truth(7, false)? {
            return Err(Error::new(crate::error::ExcType::NotImplementedError, "autograd::batched", "torch.autograd.grad(is_grads_batched=True) is not supported by fcall yet"));
        }
        let outputs = tensors_of(&arg(0), "outputs")?;
        let inputs_value = arg(1);
        let inputs = tensors_of(&inputs_value, "inputs")?;
        if inputs.is_empty() {
            return Err(Error::runtime("autograd::no_inputs", "`inputs` argument to `grad()` cannot be empty."));
        }
        let grad_outputs: Option<Vec<Value>> = match arg(2) {
            Value::None => None,
            Value::Tensor(t) => Some(vec![Value::Tensor(t)]),
            other => Some(super::members::iterate(&other)?),
        };
        let create_graph = truth(4, false)?;
        let retain_graph = match &b.positional[3] {
            None | Some(Value::None) => None,
            Some(v) => Some(super::ops::truthy(v)?),
        };
        let result = autodiff::autograd_grad(&outputs, &inputs, grad_outputs.as_deref(), retain_graph, create_graph, allow_unused)?;
        let result: Vec<Value> = result
            .into_iter()
            .zip(&inputs)
            .map(|(g, inp)| match g {
                Some(g) => Ok(Value::Tensor(g)),
                None if materialize => {
                    let z = inp.tensor().f_zeros_like()?;
                    Ok(Value::Tensor(TensorRef::new(if create_graph { z.f_set_requires_grad(true)? } else { z })))
                }
                None => Ok(Value::None),
            })
            .collect::<Result<_>>()?;
        Ok(match inputs_value {
            Value::Dict(d) => {
                let out = crate::value::DictRef::new();
                for (k, v) in d.borrow().keys().zip(result) {
                    out.insert(k.as_str(), v);
                }
                Value::Dict(out)
            }
            _ => Value::tuple(result),
        })
    })
}

/// Adds the bare built-ins `jacrev`, `jacfwd`, `hessian`, `vjp`, `jvp` and `autograd.grad`.
pub fn add(out: &mut HashMap<String, Value>) {
    out.insert("jacrev".into(), jacrev());
    out.insert("jacfwd".into(), jacfwd());
    out.insert("hessian".into(), hessian());
    out.insert("vjp".into(), vjp());
    out.insert("jvp".into(), jvp());
    out.insert("autograd.grad".into(), autograd_grad());
}
