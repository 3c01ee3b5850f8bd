//! `torch.func.grad`, `grad_and_value` and `vmap`, on the same C++ functorch layers that
//! Python's torch.func pushes (a Grad or Vmap dynamic layer, TensorWrappers, BatchedTensors),
//! so results, `grad_fn`s and errors (e.g. an in-place `set_` on a captured tensor, BatchNorm's
//! batching rule) are PyTorch's own. Arguments are pytrees of values: tensors are leaves, dicts,
//! lists and tuples are rebuilt as new containers, anything else passes through. Plus
//! `stack_module_state` (torch/_functorch/functional_call.py) for ensembles under `vmap`.
//! Checked against live PyTorch 2.13 in tests/transforms.rs.
//!
//! Inside `f`, tensors made from data must be made with `shim::tensor_from_data` (lifted as
//! Python's `torch.tensor` is): tch's from-data constructors fail under a grad layer.
use indexmap::IndexMap;

use crate::error::{Error, Result};
use crate::nn::Module;
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
pub(crate) fn map_tensors(v: &Value, f: &mut dyn FnMut(&TensorRef) -> Result<Value>) -> Result<Value> {
    Ok(match v {
        Value::Tensor(t) => f(t)?,
        Value::Dict(d) => {
            let mut out = IndexMap::new();
            for (k, x) in d.borrow().iter() {
                out.insert(k.clone(), map_tensors(x, f)?);
            }
            Value::Dict(DictRef::from_entries(out))
        }
        Value::List(items) => Value::list(items.borrow().iter().map(|x| map_tensors(x, f)).collect::<Result<_>>()?),
        Value::Tuple(items) => same_tuple(items, items.borrow().iter().map(|x| map_tensors(x, f)).collect::<Result<_>>()?),
        other => other.clone(),
    })
}

/// A tuple node rebuilt with new children, of its own type: pytree rebuilds a
/// `torch.return_types` structseq (`max`'s `values`/`indices`) as one, not as a plain tuple.
fn same_tuple(node: &crate::value::Seq, items: Vec<Value>) -> Value {
    match node.structseq() {
        Some(ty) => Value::structseq(ty.clone(), items),
        None => Value::tuple(items),
    }
}

/// Every leaf of a pytree, in order.
pub(crate) fn leaves(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Dict(d) => d.borrow().values().for_each(|x| leaves(x, out)),
        Value::List(items) | Value::Tuple(items) => items.borrow().iter().for_each(|x| leaves(x, out)),
        other => out.push(other.clone()),
    }
}

/// Pops the functorch layer on every exit path.
pub(crate) struct LayerGuard;
impl Drop for LayerGuard {
    fn drop(&mut self) {
        let _ = shim::decrement_nesting();
    }
}

/// Restores grad mode on every exit path.
pub(crate) struct GradModeGuard(bool);
impl GradModeGuard {
    pub(crate) fn enable() -> GradModeGuard {
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

pub(crate) fn wrap_arg(v: &Value, level: i64) -> Result<Value> {
    map_tensors(v, &mut |t| Ok(Value::Tensor(TensorRef::new(shim::wrap_for_grad(t.tensor(), level)?))))
}

/// `_undo_create_differentiable`: unwraps this level's TensorWrappers. Python keeps one object
/// per TensorImpl, so a result that is not a wrapper of this level is the very object `f`
/// returned, and a wrapper around a caller's tensor unwraps to the caller's object (a Parameter
/// stays a Parameter, `value is arg`); only fresh tensors are new objects.
pub(crate) fn unwrap(v: &Value, level: i64, originals: &[TensorRef]) -> Result<Value> {
    map_tensors(v, &mut |t| {
        let raw = shim::unwrap_for_grad(t.tensor(), level)?;
        let p = shim::impl_ptr(&raw);
        if p == shim::impl_ptr(t.tensor()) {
            return Ok(Value::Tensor(t.clone()));
        }
        Ok(Value::Tensor(match originals.iter().find(|o| shim::impl_ptr(o.tensor()) == p) {
            Some(o) => o.clone(),
            None => TensorRef::new(raw),
        }))
    })
}

/// Every tensor object of the caller's arguments, before wrapping.
pub(crate) fn tensor_objects(args: &[Value], kwargs: &Kwargs) -> Vec<TensorRef> {
    let mut l = Vec::new();
    args.iter().chain(kwargs.iter().map(|(_, v)| v)).for_each(|v| leaves(v, &mut l));
    l.into_iter().filter_map(|v| if let Value::Tensor(t) = v { Some(t) } else { None }).collect()
}

/// `_slice_argnums`: every argnum wrapped (`Got argnum=...`), then a tuple must be non-empty
/// and without repeats (checked on the wrapped values, as Python does).
pub(crate) fn positions(argnums: &Argnums, n: usize) -> Result<Vec<usize>> {
    let list = match argnums {
        Argnums::One(i) => vec![*i],
        Argnums::Many(v) => v.clone(),
    };
    let wrapped: Vec<usize> = list
        .iter()
        .map(|&i| {
            let j = if i < 0 { i + n as i64 } else { i };
            if j < 0 || j >= n as i64 {
                Err(Error::runtime("transform::argnums", format!("Got argnum={i}, but only {n} positional inputs")))
            } else {
                Ok(j as usize)
            }
        })
        .collect::<Result<_>>()?;
    if let Argnums::Many(_) = argnums {
        if wrapped.is_empty() {
            return Err(Error::runtime("transform::argnums_empty", "argnums must be non-empty"));
        }
        let mut seen = std::collections::HashSet::new();
        if !wrapped.iter().all(|p| seen.insert(*p)) {
            let tuple = Value::tuple(wrapped.iter().map(|&p| Value::Int(p as i64)).collect());
            return Err(Error::runtime("transform::argnums_unique", format!("argnums elements must be unique, got {}", tuple.py_repr())));
        }
    }
    Ok(wrapped)
}

/// `torch.func.grad_and_value(f, argnums)(*args, **kwargs)` → `(grads, value)`.
pub fn grad_and_value(f: Func, args: &[Value], kwargs: &Kwargs, argnums: &Argnums) -> Result<(Value, Value)> {
    let (g, v, _) = grad_and_value_aux(f, args, kwargs, argnums, false)?;
    Ok((g, v))
}

/// `_create_differentiable`: `requires_grad_()` on every differentiated tensor, allowed inside
/// the transform; Python's Tensor.requires_grad_() checks the dtype itself, with its own message.
pub(crate) fn create_differentiable(diff: &[TensorRef]) -> Result<()> {
    let prev = shim::set_inplace_requires_grad_allowed(true);
    let set = diff.iter().try_for_each(|t| {
        use tch::Kind::*;
        if !matches!(
            t.kind(),
            Half | Float | Double | BFloat16 | ComplexHalf | ComplexFloat | ComplexDouble | Float8e5m2 | Float8e4m3fn | Float8e5m2fnuz
                | Float8e4m3fnuz
        ) {
            return Err(Error::runtime("transform::requires_grad_dtype", "only Tensors of floating point dtype can require gradients"));
        }
        t.handle().f_requires_grad_(true).map(|_| ()).map_err(Error::from)
    });
    shim::set_inplace_requires_grad_allowed(prev);
    set
}

/// `_undo_create_differentiable(aux, level)`: every leaf must be a tensor.
pub(crate) fn unwrap_aux(aux: &Value, level: i64, originals: &[TensorRef]) -> Result<Value> {
    map_leaves(aux, &mut |leaf| match leaf {
        Value::Tensor(_) => unwrap(leaf, level, originals),
        other => Err(Error::runtime("transform::aux_type", format!("Expected tensors, got unsupported type {}", other.py_type_repr()))),
    })
}

/// `has_aux=True`: f's output must be a pair `(output, aux)`.
pub(crate) fn split_aux(output: Value, api: &str) -> Result<(Value, Value)> {
    match &output {
        Value::Tuple(items) if items.len() == 2 => {
            let items = items.borrow();
            Ok((items[0].clone(), items[1].clone()))
        }
        _ => Err(Error::runtime(
            "transform::aux_output",
            format!("{api}: output of function f should be a tuple: (output, aux) if has_aux is True"),
        )),
    }
}

/// `grad_and_value(f, argnums, has_aux)(*args, **kwargs)` → `(grads, value, aux)`.
pub fn grad_and_value_aux(f: Func, args: &[Value], kwargs: &Kwargs, argnums: &Argnums, has_aux: bool) -> Result<(Value, Value, Option<Value>)> {
    let originals = tensor_objects(args, kwargs);
    let level = shim::grad_increment_nesting()?;
    let _layer = LayerGuard;
    let _grad = GradModeGuard::enable();
    let args: Vec<Value> = args.iter().map(|a| wrap_arg(a, level)).collect::<Result<_>>()?;
    let kwargs: Kwargs = kwargs.iter().map(|(k, v)| Ok((k.clone(), wrap_arg(v, level)?))).collect::<Result<_>>()?;
    let diff_positions = positions(argnums, args.len())?;
    create_differentiable(&diff_tensors(&args, &diff_positions)?)?;
    let output = f(&args, &kwargs)?;
    let (output, aux) = if has_aux {
        let (o, a) = split_aux(output, "grad_and_value(f)(*args)")?;
        (o, Some(a))
    } else {
        (output, None)
    };
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
    // Python flattens the differentiated arguments again only now: `f` may have changed their
    // containers (functional_call writes a rebound buffer back into the dict it was given), and
    // the gradient is then taken with respect to the value the dict holds at the end.
    let diff = diff_tensors(&args, &diff_positions)?;
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
    let grad_input = unwrap(&grad_input, level, &originals)?;
    let output = unwrap(&output, level, &originals)?;
    let aux = aux.map(|a| unwrap_aux(&a, level, &originals)).transpose()?;
    Ok((grad_input, output, aux))
}

/// The tensor leaves of the differentiated arguments (`tree_flatten(diff_args)`), in order.
pub(crate) fn diff_tensors(args: &[Value], positions: &[usize]) -> Result<Vec<TensorRef>> {
    let mut diff_leaves = Vec::new();
    for &p in positions {
        leaves(&args[p], &mut diff_leaves);
    }
    diff_leaves
        .iter()
        .map(|v| match v {
            Value::Tensor(t) => Ok(t.clone()),
            other => Err(Error::value(
                "transform::not_a_tensor",
                format!("Thing passed to transform API must be Tensor, got {}", other.py_type_repr()),
            )),
        })
        .collect()
}

/// `torch.func.grad(f, argnums)(*args, **kwargs)`.
pub fn grad(f: Func, args: &[Value], kwargs: &Kwargs, argnums: &Argnums) -> Result<Value> {
    Ok(grad_and_value(f, args, kwargs, argnums)?.0)
}


/// `repr(tree_flatten(v)[1])`: torch.utils._pytree's TreeSpec repr (tuples, `torch.return_types`
/// structseqs (named by their type: `sort`), lists and dicts are nodes; everything else, None
/// included, is a leaf `*`).
pub(crate) fn treespec_repr(v: &Value, indent: usize) -> String {
    let (ty, context, children): (&str, String, Vec<Value>) = match v {
        Value::Tuple(items) => (items.structseq().map_or("tuple", |t| t.name.as_str()), "None".into(), items.to_vec()),
        Value::List(items) => ("list", "None".into(), items.to_vec()),
        Value::Dict(d) => {
            let d = d.borrow();
            let keys: Vec<String> = d.keys().map(|k| crate::value::py_str_repr(k)).collect();
            ("dict", format!("[{}]", keys.join(", ")), d.values().cloned().collect())
        }
        _ => return "*".into(),
    };
    let mut s = format!("TreeSpec({ty}, {context}, [");
    if let Some((first, rest)) = children.split_first() {
        let indent = indent + 2;
        s.push_str(&treespec_repr(first, indent));
        if !rest.is_empty() {
            s.push(',');
        }
        let rest: Vec<String> = rest.iter().map(|c| format!("\n{}{}", " ".repeat(indent), treespec_repr(c, indent))).collect();
        s.push_str(&rest.join(","));
    }
    s.push_str("])");
    s
}

fn num_leaves(v: &Value) -> usize {
    let mut l = Vec::new();
    leaves(v, &mut l);
    l.len()
}

/// `_broadcast_to_and_flatten(prefix, tree_structure(tree))`: one entry of `prefix` per leaf of
/// `tree`, or `Err` where the structures do not match. Containers must be of the same type; a
/// dict's keys must be the same set, and (PyTorch 2.13's order) the entries follow the PREFIX
/// dict's key order, while the leaves they are zipped with follow the tree's own order.
fn broadcast_prefix(prefix: &Value, tree: &Value, out: &mut Vec<Value>) -> std::result::Result<(), ()> {
    match (prefix, tree) {
        (Value::Tuple(ps), Value::Tuple(ts)) | (Value::List(ps), Value::List(ts)) => {
            // Nodes of one type only: a plain tuple is no prefix of a structseq.
            if ps.len() != ts.len() || ps.structseq() != ts.structseq() {
                return Err(());
            }
            ps.borrow().iter().zip(ts.borrow().iter()).try_for_each(|(p, t)| broadcast_prefix(p, t, out))
        }
        (Value::Dict(pd), Value::Dict(td)) => {
            let (pd, td) = (pd.borrow(), td.borrow());
            if pd.len() != td.len() || pd.keys().any(|k| !td.contains_key(k)) {
                return Err(());
            }
            pd.iter().try_for_each(|(k, p)| broadcast_prefix(p, &td[k], out))
        }
        (Value::Tuple(_) | Value::List(_) | Value::Dict(_), _) => Err(()),
        (leaf, tree) => {
            out.extend(std::iter::repeat_n(leaf.clone(), num_leaves(tree)));
            Ok(())
        }
    }
}

/// Rebuilds a pytree with every leaf mapped, in order.
pub(crate) fn map_leaves(v: &Value, f: &mut dyn FnMut(&Value) -> Result<Value>) -> Result<Value> {
    Ok(match v {
        Value::Dict(d) => {
            let mut out = IndexMap::new();
            for (k, x) in d.borrow().iter() {
                out.insert(k.clone(), map_leaves(x, f)?);
            }
            Value::Dict(DictRef::from_entries(out))
        }
        Value::List(items) => Value::list(items.borrow().iter().map(|x| map_leaves(x, f)).collect::<Result<_>>()?),
        Value::Tuple(items) => same_tuple(items, items.borrow().iter().map(|x| map_leaves(x, f)).collect::<Result<_>>()?),
        leaf => f(leaf)?,
    })
}

/// An int dimension as Python sees it (`bool` is an `int`).
fn int_dim(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Bool(b) => Some(*b as i64),
        _ => None,
    }
}

/// `torch.func.vmap(f, in_dims, out_dims, randomness)(*args, **kwargs)`; `name` is `f.__name__`.
/// Checks, their order and messages are vmap_impl's (`_check_randomness_arg` runs first, when
/// Python's `vmap(...)` is called); kwargs are passed through unbatched.
pub fn vmap(f: Func, name: &str, args: &[Value], kwargs: &Kwargs, in_dims: &Value, out_dims: &Value, randomness: &str) -> Result<Value> {
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
    // _check_out_dims_is_int_or_int_pytree
    if int_dim(out_dims).is_none() {
        let mut l = Vec::new();
        leaves(out_dims, &mut l);
        if l.iter().any(|d| int_dim(d).is_none() && !d.is_none()) {
            return Err(Error::value(
                "vmap::out_dims_type",
                format!(
                    "vmap({name}, ..., out_dims={}): `out_dims` must be an int, None or a python collection of ints representing where in the outputs the vmapped dimension should appear.",
                    out_dims.py_str()
                ),
            ));
        }
    }
    // _process_batched_inputs
    let in_dims_text = in_dims.py_str();
    if int_dim(in_dims).is_none() && !matches!(in_dims, Value::Tuple(_)) {
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
    if broadcast_prefix(in_dims, &args_tree, &mut flat_dims).is_err() {
        return Err(Error::value(
            "vmap::in_dims_structure",
            format!(
                "vmap({name}, in_dims={in_dims_text}, ...)(<inputs>): in_dims is not compatible with the structure of `inputs`. in_dims has structure {} but inputs has structure {}.",
                treespec_repr(in_dims, 0),
                treespec_repr(&args_tree, 0)
            ),
        ));
    }
    let mut flat_args = Vec::new();
    leaves(&args_tree, &mut flat_args);
    let mut dims: Vec<Option<i64>> = Vec::with_capacity(flat_args.len());
    for (arg, in_dim) in flat_args.iter().zip(&flat_dims) {
        if in_dim.is_none() {
            dims.push(None);
            continue;
        }
        let Some(d) = int_dim(in_dim) else {
            return Err(Error::value(
                "vmap::in_dim_type",
                format!(
                    "vmap({name}, in_dims={in_dims_text}, ...)(<inputs>): Got in_dim={} for an input but in_dim must be either an integer dimension or None.",
                    in_dim.py_str()
                ),
            ));
        };
        let Value::Tensor(t) = arg else {
            return Err(Error::value(
                "vmap::not_a_tensor",
                format!(
                    "vmap({name}, in_dims={in_dims_text}, ...)(<inputs>): Got in_dim={} for an input but the input is of type {}. We cannot vmap over non-Tensor arguments, please use None as the respective in_dim",
                    in_dim.py_str(),
                    arg.py_type_repr()
                ),
            ));
        };
        let nd = t.tensor().dim() as i64;
        if d < -nd || d >= nd {
            return Err(Error::value(
                "vmap::in_dim_range",
                format!(
                    "vmap({name}, in_dims={in_dims_text}, ...)(<inputs>): Got in_dim={} for some input, but that input is a Tensor of dimensionality {nd} so expected in_dim to satisfy -{nd} <= in_dim < {nd}.",
                    in_dim.py_str()
                ),
            ));
        }
        dims.push(Some(if d < 0 { d.rem_euclid(nd) } else { d }));
    }
    // _validate_and_get_batch_size
    let mut sizes = Vec::new();
    for ((arg, d), in_dim) in flat_args.iter().zip(&dims).zip(&flat_dims) {
        let (Some(d), Value::Tensor(t)) = (d, arg) else { continue };
        if matches!(in_dim, Value::Bool(_)) {
            return Err(Error::type_error("vmap::bool_in_dim", "size(): argument 'dim' (position 1) must be int, not bool"));
        }
        sizes.push(t.shape()[*d as usize]);
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
    // _flat_vmap
    let level = shim::vmap_increment_nesting(batch_size, randomness_code)?;
    let _layer = LayerGuard;
    let mut dims_iter = dims.into_iter();
    let batched = map_leaves(&args_tree, &mut |leaf| {
        Ok(match (dims_iter.next().flatten(), leaf) {
            (Some(d), Value::Tensor(t)) => Value::Tensor(TensorRef::new(shim::add_batch_dim(t.tensor(), d, level)?)),
            _ => leaf.clone(),
        })
    })?;
    let Value::Tuple(batched_args) = batched else { unreachable!("args are a tuple") };
    let output = f(&batched_args.borrow(), kwargs)?;
    // _unwrap_batched
    let incompatible = || {
        Error::value(
            "vmap::out_dims_structure",
            format!(
                "vmap({name}, ..., out_dims={})(<inputs>): out_dims is not compatible with the structure of `outputs`. out_dims has structure {} but outputs has structure {}.",
                out_dims.py_str(),
                treespec_repr(out_dims, 0),
                treespec_repr(&output, 0)
            ),
        )
    };
    let mut flat_out_dims = Vec::new();
    if matches!(output, Value::Tensor(_)) {
        match out_dims {
            Value::Tuple(t) if t.len() == 1 => flat_out_dims.push(t.borrow()[0].clone()),
            d if int_dim(d).is_some() || d.is_none() => flat_out_dims.push(d.clone()),
            _ => return Err(incompatible()),
        }
    } else if broadcast_prefix(out_dims, &output, &mut flat_out_dims).is_err() {
        return Err(incompatible());
    }
    let mut out_dims_iter = flat_out_dims.into_iter();
    map_leaves(&output, &mut |out| {
        let out_dim = out_dims_iter.next().unwrap_or(Value::None);
        if out_dim.is_none() {
            if let Value::Tensor(t) = out {
                if shim::is_batched(t.tensor()) {
                    return Err(Error::value(
                        "vmap::batched_output",
                        format!("vmap({name}, ...): `{name}` can not return a BatchedTensor when out_dim is None"),
                    ));
                }
            }
            return Ok(out.clone());
        }
        let Value::Tensor(t) = out else {
            return Err(Error::value(
                "vmap::output_not_tensor",
                format!(
                    "vmap({name}, ...): `{name}` must only return Tensors, got type {}. Did you mean to set out_dims= to None for output?",
                    out.py_type_repr()
                ),
            ));
        };
        let Some(d) = int_dim(&out_dim) else {
            return Err(Error::type_error(
                "vmap::out_dim_type",
                format!("_remove_batch_dim(): incompatible function arguments (out_dim={})", out_dim.py_repr()),
            ));
        };
        Ok(Value::Tensor(TensorRef::new(shim::remove_batch_dim(t.tensor(), level, batch_size, d)?)))
    })
}

/// `torch.func.stack_module_state(models)` → `(params, buffers)`: every parameter / buffer of
/// the models stacked along a new dim 0, keyed (and ordered) by the first model's
/// `named_parameters()` / `named_buffers()`. Stacked tensors whose sources all require grad are
/// new leaves (`stack(...).detach().requires_grad_()`), unrelated to the models' tensors.
pub fn stack_module_state(models: &[Module]) -> Result<(DictRef, DictRef)> {
    let Some(first) = models.first() else {
        return Err(Error::runtime("stack_module_state::empty", "stack_module_state: Expected at least one model, got 0."));
    };
    let training = first.training();
    if models.iter().any(|m| m.training() != training) {
        return Err(Error::runtime(
            "stack_module_state::mode",
            "stack_module_state: Expected all models to have the same training/eval mode.",
        ));
    }
    let class = first.qualified_class_name();
    if models.iter().any(|m| m.qualified_class_name() != class) {
        return Err(Error::runtime("stack_module_state::class", "stack_module_state: Expected all models to be of the same class."));
    }
    let stack = |all: Vec<Vec<(String, TensorRef)>>| -> Result<DictRef> {
        let all: Vec<IndexMap<String, TensorRef>> = all.into_iter().map(|v| v.into_iter().collect()).collect();
        let out = DictRef::new();
        for k in all[0].keys() {
            let tensors: Vec<&TensorRef> =
                all.iter().map(|m| m.get(k).ok_or_else(|| Error::key("stack_module_state::missing_key", k.as_str()))).collect::<Result<_>>()?;
            out.insert(k.as_str(), Value::Tensor(construct_stacked_leaf(&tensors, k)?));
        }
        Ok(out)
    };
    let params = stack(models.iter().map(|m| m.named_parameters()).collect::<Result<_>>()?)?;
    let buffers = stack(models.iter().map(|m| m.named_buffers()).collect::<Result<_>>()?)?;
    Ok((params, buffers))
}

/// functional_call.py's `construct_stacked_leaf`.
fn construct_stacked_leaf(tensors: &[&TensorRef], name: &str) -> Result<TensorRef> {
    let all = tensors.iter().all(|t| t.requires_grad());
    let none = tensors.iter().all(|t| !t.requires_grad());
    if !all && !none {
        return Err(Error::runtime(
            "stack_module_state::requires_grad",
            format!("Expected {name} from each model to have the same .requires_grad"),
        ));
    }
    let raw: Vec<&tch::Tensor> = tensors.iter().map(|t| t.tensor()).collect();
    let mut result = tch::Tensor::f_stack(&raw, 0)?;
    if all {
        result = result.f_detach()?.f_set_requires_grad(true)?;
    }
    Ok(TensorRef::new(result))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::shim::tensor_from_data;

    fn bytes(v: &[f32]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_ne_bytes()).collect()
    }

    /// `grad(lambda x: (x * torch.tensor([2.0, 3.0])).sum())(torch.tensor([1.0, 1.0]))` is
    /// `[2., 3.]`: a tensor made from data inside the transform (shim::tensor_from_data, as
    /// Python's torch.tensor) works; tch's from-data constructors do not under grad.
    #[test]
    fn tensor_from_data_inside_grad() {
        let x = Value::Tensor(TensorRef::new(tensor_from_data(&bytes(&[1.0, 1.0]), &[2], tch::Kind::Float).unwrap()));
        let f = |a: &[Value], _: &Kwargs| -> Result<Value> {
            let c = tensor_from_data(&bytes(&[2.0, 3.0]), &[2], tch::Kind::Float)?;
            let x = a[0].as_tensor().unwrap().tensor();
            Ok(Value::Tensor(TensorRef::new(x.f_mul(&c)?.f_sum(None)?)))
        };
        let g = grad(&f, &[x.clone()], &Vec::new(), &Argnums::One(0)).unwrap();
        let g = g.as_tensor().unwrap();
        assert_eq!(crate::tensor::to_f64_vec(g.tensor()).unwrap(), vec![2.0, 3.0]);
        assert!(g.grad_fn_name().is_none() && !g.requires_grad());
        // tch's own constructor fails inside grad (what fcall::tensor::from_f32 uses today).
        let f_tch = |_: &[Value], _: &Kwargs| -> Result<Value> {
            let c = tch::Tensor::f_from_data_size(&bytes(&[2.0]), &[], tch::Kind::Float)?;
            Ok(Value::Tensor(TensorRef::new(c)))
        };
        let Err(e) = grad(&f_tch, &[x.clone()], &Vec::new(), &Argnums::One(0)) else { panic!("tch's constructor worked under grad") };
        assert!(e.message.contains("doesn't have storage"), "{}", e.message);
    }

    /// BatchNorm's `num_batches_tracked.add_(1)` under grad, with the `1` made by
    /// shim::tensor_from_data (what norm.rs needs instead of `Tensor::from(1i64)`): on a counter
    /// passed in (wrapped) it writes through to the caller's tensor; on a captured counter the
    /// grad transform raises PyTorch's exact error.
    #[test]
    fn counter_add_inside_grad() {
        let one = || tensor_from_data(&1i64.to_ne_bytes(), &[], tch::Kind::Int64);
        let x = Value::Tensor(TensorRef::new(tensor_from_data(&bytes(&[1.0, 2.0]), &[2], tch::Kind::Float).unwrap()));
        let counter = TensorRef::new(tensor_from_data(&0i64.to_ne_bytes(), &[], tch::Kind::Int64).unwrap());
        let passed = |a: &[Value], _: &Kwargs| -> Result<Value> {
            let _ = a[1].as_tensor().unwrap().handle().f_add_(&one()?)?;
            Ok(Value::Tensor(TensorRef::new(a[0].as_tensor().unwrap().tensor().f_sum(None)?)))
        };
        grad(&passed, &[x.clone(), Value::Tensor(counter.clone())], &Vec::new(), &Argnums::One(0)).unwrap();
        assert_eq!(counter.tensor().int64_value(&[]), 1);
        let captured = |a: &[Value], _: &Kwargs| -> Result<Value> {
            let _ = counter.handle().f_add_(&one()?)?;
            Ok(Value::Tensor(TensorRef::new(a[0].as_tensor().unwrap().tensor().f_sum(None)?)))
        };
        let Err(e) = grad(&captured, &[x], &Vec::new(), &Argnums::One(0)) else { panic!("a captured tensor was mutated") };
        assert_eq!(
            e.message,
            "During a grad (vjp, jvp, grad, etc) transform, the function provided attempted to call in-place operation \
             (aten::add_.Tensor) that would mutate a captured Tensor. This is not supported; please rewrite the function being \
             transformed to explicitly accept the mutated Tensor(s) as inputs."
        );
        assert_eq!(counter.tensor().int64_value(&[]), 1);
    }
}
