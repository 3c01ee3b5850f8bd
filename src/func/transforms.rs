//! `torch.func.grad`, `grad_and_value` and `vmap`, on the same C++ functorch layers that
//! Python's torch.func pushes (a Grad or Vmap dynamic layer, TensorWrappers, BatchedTensors),
//! so results, `grad_fn`s and errors (e.g. an in-place `set_` on a captured tensor, BatchNorm's
//! batching rule) are PyTorch's own. Arguments are pytrees of values: tensors are leaves, dicts,
//! lists and tuples are rebuilt as new containers, anything else passes through.
use indexmap::IndexMap;
use std::rc::Rc;

use crate::error::{Error, Result};
use crate::tensor::shim;
use crate::tensor::TensorRef;
use crate::value::{DictRef, Kwargs, Value};

/// The function a transform wraps: `f(*args, **kwargs)`.
pub type Func<'a> = &'a dyn Fn(&[Value], &Kwargs) -> Result<Value>;

/// `argnums`: one position (results unwrapped) or several (results as a tuple).
#[derive(Clone, Debug)]
pub enum Argnums {
    One(i64),
    Many(Vec<i64>),
}

/// Rebuilds a pytree with every tensor leaf mapped.
fn map_tensors(v: &Value, f: &mut dyn FnMut(&TensorRef) -> Result<Value>) -> Result<Value> {
    Ok(match v {
        Value::Tensor(t) => f(t)?,
        Value::Dict(d) => {
            let mut out = IndexMap::new();
            for (k, x) in d.borrow().iter() {
                out.insert(k.clone(), map_tensors(x, f)?);
            }
            Value::Dict(DictRef::from_entries(out))
        }
        Value::List(items) => Value::List(Rc::new(items.iter().map(|x| map_tensors(x, f)).collect::<Result<_>>()?)),
        Value::Tuple(items) => Value::Tuple(Rc::new(items.iter().map(|x| map_tensors(x, f)).collect::<Result<_>>()?)),
        other => other.clone(),
    })
}

/// Every leaf of a pytree, in order.
fn leaves(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Dict(d) => d.borrow().values().for_each(|x| leaves(x, out)),
        Value::List(items) | Value::Tuple(items) => items.iter().for_each(|x| leaves(x, out)),
        other => out.push(other.clone()),
    }
}

/// Pops the functorch layer on every exit path.
struct LayerGuard;
impl Drop for LayerGuard {
    fn drop(&mut self) {
        let _ = shim::decrement_nesting();
    }
}

/// Restores grad mode on every exit path.
struct GradModeGuard(bool);
impl GradModeGuard {
    fn enable() -> GradModeGuard {
        let prev = shim::grad_mode_enabled();
        shim::set_grad_mode(true);
        GradModeGuard(prev)
    }
}
impl Drop for GradModeGuard {
    fn drop(&mut self) {
        shim::set_grad_mode(self.0);
    }
}

fn wrap_arg(v: &Value, level: i64) -> Result<Value> {
    map_tensors(v, &mut |t| Ok(Value::Tensor(TensorRef::new(shim::wrap_for_grad(t.tensor(), level)?))))
}

fn unwrap(v: &Value, level: i64) -> Result<Value> {
    map_tensors(v, &mut |t| Ok(Value::Tensor(TensorRef::new(shim::unwrap_for_grad(t.tensor(), level)?))))
}

fn positions(argnums: &Argnums, n: usize) -> Result<Vec<usize>> {
    let list = match argnums {
        Argnums::One(i) => vec![*i],
        Argnums::Many(v) => v.clone(),
    };
    list.iter()
        .map(|&i| {
            let j = if i < 0 { i + n as i64 } else { i };
            if j < 0 || j >= n as i64 {
                Err(Error::runtime(
                    "transform::argnums",
                    format!("Got argnum={i}, but only {n} positional inputs"),
                ))
            } else {
                Ok(j as usize)
            }
        })
        .collect()
}

/// `torch.func.grad_and_value(f, argnums)(*args, **kwargs)` → `(grads, value)`.
pub fn grad_and_value(f: Func, args: &[Value], kwargs: &Kwargs, argnums: &Argnums) -> Result<(Value, Value)> {
    let level = shim::grad_increment_nesting()?;
    let _layer = LayerGuard;
    let _grad = GradModeGuard::enable();
    let args: Vec<Value> = args.iter().map(|a| wrap_arg(a, level)).collect::<Result<_>>()?;
    let kwargs: Kwargs = kwargs.iter().map(|(k, v)| Ok((k.clone(), wrap_arg(v, level)?))).collect::<Result<_>>()?;
    let diff_positions = positions(argnums, args.len())?;
    let mut diff_leaves = Vec::new();
    for &p in &diff_positions {
        leaves(&args[p], &mut diff_leaves);
    }
    let diff: Vec<TensorRef> = diff_leaves
        .iter()
        .map(|v| match v {
            Value::Tensor(t) => Ok(t.clone()),
            other => Err(Error::value(
                "transform::not_a_tensor",
                format!("Thing passed to transform API must be Tensor, got {}", other.py_type_repr()),
            )),
        })
        .collect::<Result<_>>()?;
    {
        let prev = shim::set_inplace_requires_grad_allowed(true);
        let set = diff.iter().try_for_each(|t| t.handle().f_requires_grad_(true).map(|_| ()));
        shim::set_inplace_requires_grad_allowed(prev);
        set?;
    }
    let output = f(&args, &kwargs)?;
    let Value::Tensor(out) = &output else {
        return Err(Error::runtime(
            "transform::output_not_tensor",
            format!("grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got {}", output.py_type_repr()),
        ));
    };
    if out.tensor().dim() != 0 {
        return Err(Error::runtime(
            "transform::output_not_scalar",
            format!(
                "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with {} dims. \
                 Maybe you wanted to use the vjp or jacrev APIs instead?",
                out.tensor().dim()
            ),
        ));
    }
    let grads: Vec<tch::Tensor> = if out.requires_grad() {
        let inputs: Vec<&tch::Tensor> = diff.iter().map(|t| t.tensor()).collect();
        let g = shim::autograd_grad(&[out.tensor()], &inputs, true)?;
        g.into_iter().zip(&diff).map(|(g, t)| g.map(Ok).unwrap_or_else(|| t.tensor().f_zeros_like())).collect::<std::result::Result<_, _>>()?
    } else {
        diff.iter().map(|t| t.tensor().f_zeros_like()).collect::<std::result::Result<_, _>>()?
    };
    // Rebuild the structure of the differentiated arguments with the gradients as leaves.
    let mut it = grads.into_iter();
    let mut rebuild = |v: &Value| map_tensors(v, &mut |_| Ok(Value::Tensor(TensorRef::new(it.next().expect("one gradient per leaf")))));
    let grad_input = match argnums {
        Argnums::One(_) => rebuild(&args[diff_positions[0]])?,
        Argnums::Many(_) => Value::tuple(diff_positions.iter().map(|&p| rebuild(&args[p])).collect::<Result<_>>()?),
    };
    let grad_input = unwrap(&grad_input, level)?;
    let output = unwrap(&output, level)?;
    Ok((grad_input, output))
}

/// `torch.func.grad(f, argnums)(*args, **kwargs)`.
pub fn grad(f: Func, args: &[Value], kwargs: &Kwargs, argnums: &Argnums) -> Result<Value> {
    Ok(grad_and_value(f, args, kwargs, argnums)?.0)
}

/// `in_dims` / `out_dims`: an int or None for a whole subtree, or a tuple/dict matching it.
fn broadcast_dims(dims: &Value, tree: &Value, out: &mut Vec<Option<i64>>) -> std::result::Result<(), ()> {
    match dims {
        Value::None => {
            let mut l = Vec::new();
            leaves(tree, &mut l);
            out.extend(l.iter().map(|_| None));
            Ok(())
        }
        Value::Int(i) => {
            let mut l = Vec::new();
            leaves(tree, &mut l);
            out.extend(l.iter().map(|_| Some(*i)));
            Ok(())
        }
        Value::Tuple(ds) | Value::List(ds) => match tree {
            Value::Tuple(ts) | Value::List(ts) if ts.len() == ds.len() => {
                ds.iter().zip(ts.iter()).try_for_each(|(d, t)| broadcast_dims(d, t, out))
            }
            _ => Err(()),
        },
        Value::Dict(dd) => match tree {
            Value::Dict(td) => {
                let (dd, td) = (dd.borrow(), td.borrow());
                if dd.len() != td.len() {
                    return Err(());
                }
                for (k, t) in td.iter() {
                    let d = dd.get(k).ok_or(())?;
                    broadcast_dims(d, t, out)?;
                }
                Ok(())
            }
            _ => Err(()),
        },
        _ => Err(()),
    }
}

/// `torch.func.vmap(f, in_dims, out_dims, randomness)(*args, **kwargs)`; `name` is `f.__name__`.
pub fn vmap(f: Func, name: &str, args: &[Value], kwargs: &Kwargs, in_dims: &Value, out_dims: &Value, randomness: &str) -> Result<Value> {
    let in_dims_text = in_dims.py_repr();
    if !matches!(in_dims, Value::Int(_) | Value::Tuple(_)) {
        return Err(Error::value(
            "vmap::in_dims_type",
            format!(
                "vmap({name}, in_dims={in_dims_text}, ...)(<inputs>): expected `in_dims` to be int or a (potentially nested) tuple matching the structure of inputs, got: {}.",
                in_dims.py_type_repr()
            ),
        ));
    }
    if args.is_empty() {
        return Err(Error::value(
            "vmap::no_inputs",
            format!("vmap({name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you are trying to vmap over a function with no inputs. The latter is unsupported."),
        ));
    }
    let args_tree = Value::tuple(args.to_vec());
    let mut flat_dims = Vec::new();
    if broadcast_dims(in_dims, &args_tree, &mut flat_dims).is_err() {
        return Err(Error::value(
            "vmap::in_dims_structure",
            format!("vmap({name}, in_dims={in_dims_text}, ...)(<inputs>): in_dims is not compatible with the structure of `inputs`."),
        ));
    }
    let mut flat_args = Vec::new();
    leaves(&args_tree, &mut flat_args);
    let mut sizes = Vec::new();
    for (arg, dim) in flat_args.iter().zip(flat_dims.iter_mut()) {
        let Some(d) = *dim else { continue };
        let Value::Tensor(t) = arg else {
            return Err(Error::value(
                "vmap::not_a_tensor",
                format!(
                    "vmap({name}, in_dims={in_dims_text}, ...)(<inputs>): Got in_dim={d} for an input but the input is of type {}. We cannot vmap over non-Tensor arguments, please use None as the respective in_dim",
                    arg.py_type_repr()
                ),
            ));
        };
        let nd = t.tensor().dim() as i64;
        if d < -nd || d >= nd {
            return Err(Error::value(
                "vmap::in_dim_range",
                format!(
                    "vmap({name}, in_dims={in_dims_text}, ...)(<inputs>): Got in_dim={d} for some input, but that input is a Tensor of dimensionality {nd} so expected in_dim to satisfy -{nd} <= in_dim < {nd}."
                ),
            ));
        }
        let d = if d < 0 { d.rem_euclid(nd) } else { d };
        *dim = Some(d);
        sizes.push(t.shape()[d as usize]);
    }
    if sizes.is_empty() {
        return Err(Error::value("vmap::nothing_mapped", "vmap: Expected at least one Tensor to vmap over"));
    }
    if sizes.iter().any(|s| *s != sizes[0]) {
        let list: Vec<String> = sizes.iter().map(|s| s.to_string()).collect();
        return Err(Error::value(
            "vmap::batch_size",
            format!("vmap: Expected all tensors to have the same size in the mapped dimension, got sizes [{}] for the mapped dimension", list.join(", ")),
        ));
    }
    let batch_size = sizes[0];
    let randomness_code = match randomness {
        "error" => 0,
        "same" => 1,
        "different" => 2,
        other => {
            return Err(Error::runtime(
                "vmap::randomness",
                format!("Only allowed values for randomness are 'error', 'different', or 'same'. Got {other}"),
            ))
        }
    };
    let level = shim::vmap_increment_nesting(batch_size, randomness_code)?;
    let _layer = LayerGuard;
    let mut dims = flat_dims.into_iter();
    let batched = map_tensors(&args_tree, &mut |t| {
        Ok(Value::Tensor(match dims.next().flatten() {
            Some(d) => TensorRef::new(shim::add_batch_dim(t.tensor(), d, level)?),
            None => t.clone(),
        }))
    })?;
    let Value::Tuple(batched_args) = batched else { unreachable!("args are a tuple") };
    let output = f(&batched_args, kwargs)?;
    let mut out_flat = Vec::new();
    let single_tensor = matches!(output, Value::Tensor(_));
    let compatible = if single_tensor {
        match out_dims {
            Value::Int(i) => {
                out_flat.push(Some(*i));
                true
            }
            Value::None => {
                out_flat.push(None);
                true
            }
            Value::Tuple(t) if t.len() == 1 => broadcast_dims(&t[0], &output, &mut out_flat).is_ok(),
            _ => false,
        }
    } else {
        broadcast_dims(out_dims, &output, &mut out_flat).is_ok()
    };
    if !compatible {
        return Err(Error::value(
            "vmap::out_dims_structure",
            format!("vmap({name}, ..., out_dims={})(<inputs>): out_dims is not compatible with the structure of `outputs`.", out_dims.py_repr()),
        ));
    }
    let mut flat_out = Vec::new();
    leaves(&output, &mut flat_out);
    for (o, d) in flat_out.iter().zip(&out_flat) {
        if d.is_some() && !matches!(o, Value::Tensor(_)) {
            return Err(Error::value(
                "vmap::output_not_tensor",
                format!(
                    "vmap({name}, ...): `{name}` must only return Tensors, got type {}. Did you mean to set out_dims= to None for output?",
                    o.py_type_repr()
                ),
            ));
        }
    }
    let mut out_dims_iter = out_flat.into_iter();
    map_tensors(&output, &mut |t| {
        Ok(Value::Tensor(match out_dims_iter.next().flatten() {
            Some(d) => {
                let nd = t.tensor().dim() as i64 + 1;
                let d = if d < 0 { d.rem_euclid(nd) } else { d };
                TensorRef::new(shim::remove_batch_dim(t.tensor(), level, batch_size, d)?)
            }
            None => t.clone(),
        }))
    })
}
