//! `torch.func.vjp`, `jvp`, `jacrev`, `jacfwd` and `hessian`, as torch/_functorch/
//! eager_transforms.py builds them: `vjp` on a functorch Grad layer (the returned `vjp_fn` runs
//! libtorch's autograd engine on the graph the layer recorded), `jvp` on a Jvp layer with
//! forward-mode dual tensors, `jacrev` as `vmap(vjp_fn)` over the standard basis of the
//! outputs, `jacfwd` as `vmap(jvp)` over the standard basis of the inputs, and `hessian` as
//! `jacfwd(jacrev(f))`. Pytrees and argnums follow transforms.rs. Checked against live PyTorch
//! 2.13 in tests/transforms.rs.
use std::cell::Cell;

use super::transforms::{
    create_differentiable, leaves, map_leaves, positions, split_aux, tensor_objects, treespec_repr, unwrap, unwrap_aux, vmap,
    wrap_arg, Argnums, Func, GradModeGuard, LayerGuard,
};
use crate::error::{Error, Result};
use crate::tensor::shim;
use crate::tensor::TensorRef;
use crate::value::{Kwargs, Value};

fn tensor_value(t: tch::Tensor) -> Value {
    Value::Tensor(TensorRef::new(t))
}

/// The tensor leaves of a pytree (callers have checked they are all tensors).
fn tensor_leaves(v: &Value) -> Vec<TensorRef> {
    let mut l = Vec::new();
    leaves(v, &mut l);
    l.into_iter().filter_map(|v| if let Value::Tensor(t) = v { Some(t) } else { None }).collect()
}

/// `tree_unflatten(values, spec)`: `spec`'s containers with its leaves replaced in order.
fn unflatten(spec: &Value, values: Vec<Value>) -> Result<Value> {
    let mut it = values.into_iter();
    map_leaves(spec, &mut |_| it.next().ok_or_else(|| Error::runtime("transform::unflatten", "too few leaves for the structure")))
}

/// Whether two pytrees have the same structure (`TreeSpec` equality: container types, lengths,
/// dict keys in order; every other value is a leaf).
fn same_structure(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Tuple(x), Value::Tuple(y)) | (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.borrow().iter().zip(y.borrow().iter()).all(|(a, b)| same_structure(a, b))
        }
        (Value::Dict(x), Value::Dict(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len() && x.iter().zip(y.iter()).all(|((ka, va), (kb, vb))| ka == kb && same_structure(va, vb))
        }
        (Value::Tuple(_) | Value::List(_) | Value::Dict(_), _) | (_, Value::Tuple(_) | Value::List(_) | Value::Dict(_)) => false,
        _ => true,
    }
}

/// `treespec_pprint(tree_structure(v))`: `(*, *)`, `[*]`, `{'a': *}`, `*`.
fn treespec_pprint(v: &Value) -> String {
    match v {
        Value::Tuple(items) => {
            let parts: Vec<String> = items.borrow().iter().map(treespec_pprint).collect();
            if parts.len() == 1 {
                format!("({},)", parts[0])
            } else {
                format!("({})", parts.join(", "))
            }
        }
        Value::List(items) => format!("[{}]", items.borrow().iter().map(treespec_pprint).collect::<Vec<_>>().join(", ")),
        Value::Dict(d) => format!(
            "{{{}}}",
            d.borrow().iter().map(|(k, v)| format!("{}: {}", crate::value::py_str_repr(k), treespec_pprint(v))).collect::<Vec<_>>().join(", ")
        ),
        _ => "*".into(),
    }
}

fn is_floating_or_complex(k: tch::Kind) -> bool {
    use tch::Kind::*;
    matches!(k, Half | Float | Double | BFloat16 | ComplexHalf | ComplexFloat | ComplexDouble | Float8e5m2 | Float8e4m3fn | Float8e5m2fnuz | Float8e4m3fnuz)
}

fn is_complex(k: tch::Kind) -> bool {
    matches!(k, tch::Kind::ComplexHalf | tch::Kind::ComplexFloat | tch::Kind::ComplexDouble)
}

/// `error_if_complex(func_name, args, is_input)`.
fn error_if_complex(api: &str, v: &Value, is_input: bool) -> Result<()> {
    let mut l = Vec::new();
    leaves(v, &mut l);
    for (idx, leaf) in l.iter().enumerate() {
        if let Value::Tensor(t) = leaf {
            if is_complex(t.kind()) {
                let which = if is_input { "inputs" } else { "outputs" };
                return Err(Error::runtime(
                    "transform::complex",
                    format!("{api}: Expected all {which} to be real but received complex tensor at flattened input idx: {idx}"),
                ));
            }
        }
    }
    Ok(())
}

/// `assert_non_empty_tensor_output(flat_output, api)`.
fn check_tensor_output(flat: &[Value], api: &str) -> Result<()> {
    if flat.is_empty() || (flat.len() == 1 && flat[0].is_none()) {
        let shown = Value::list(flat.to_vec()).py_repr();
        return Err(Error::runtime(
            "transform::empty_output",
            format!("{api}: Expected f to be a function that has non-empty output (got output = {shown})"),
        ));
    }
    if let Some(o) = flat.iter().find(|o| !matches!(o, Value::Tensor(_))) {
        return Err(Error::runtime(
            "transform::output_type",
            format!("{api}: expected f(*primals) to return only tensors, got unsupported type {}", o.py_type_repr()),
        ));
    }
    Ok(())
}

/// `_slice_argnums(args, argnums, as_tuple)`: the differentiated arguments.
fn slice_argnums(args: &[Value], argnums: &Argnums, as_tuple: bool) -> Result<Value> {
    let pos = positions(argnums, args.len())?;
    Ok(match argnums {
        Argnums::One(_) if !as_tuple => args[pos[0]].clone(),
        _ => Value::tuple(pos.iter().map(|&p| args[p].clone()).collect()),
    })
}

/// What `vjp` returns besides the output: `vjp_fn(cotangents, retain_graph, create_graph)`.
pub struct VjpFn {
    /// The flat outputs of `f`, still this level's wrappers (the graph hangs off them).
    outputs: Vec<TensorRef>,
    out_spec: Value,
    /// The flat differentiated primals (wrappers) and their structure.
    diff: Vec<TensorRef>,
    diff_spec: Value,
}

impl VjpFn {
    /// `vjp_fn(cotangents, retain_graph=True, create_graph=None)`; `create_graph` None is
    /// `torch.is_grad_enabled()`.
    pub fn call(&self, cotangents: &Value, retain_graph: bool, create_graph: Option<bool>) -> Result<Value> {
        let create_graph = create_graph.unwrap_or_else(shim::grad_mode_enabled);
        if !same_structure(&self.out_spec, cotangents) {
            return Err(Error::runtime(
                "vjp::cotangents_structure",
                format!(
                    "Expected pytree structure of cotangents to be the same as pytree structure of outputs to the function. cotangents: {}, primal output: {}",
                    treespec_pprint(cotangents),
                    treespec_pprint(&self.out_spec)
                ),
            ));
        }
        let mut flat = Vec::new();
        leaves(cotangents, &mut flat);
        let result = autograd_grad_zeros(&self.outputs, &self.diff, Some(&flat), retain_graph, create_graph)?;
        unflatten(&self.diff_spec, result.into_iter().map(tensor_value).collect())
    }
}

/// functorch's `_autograd_grad`: only outputs that require grad take part; unused inputs (or no
/// differentiable output at all) give `zeros_like(input)`.
fn autograd_grad_zeros(outputs: &[TensorRef], inputs: &[TensorRef], grad_outputs: Option<&[Value]>, retain_graph: bool, create_graph: bool) -> Result<Vec<tch::Tensor>> {
    let mut outs: Vec<&tch::Tensor> = Vec::new();
    let mut gos: Vec<Option<&tch::Tensor>> = Vec::new();
    for (i, o) in outputs.iter().enumerate() {
        if !o.requires_grad() {
            continue;
        }
        outs.push(o.tensor());
        if let Some(g) = grad_outputs {
            gos.push(match &g[i] {
                Value::Tensor(t) => Some(t.tensor()),
                Value::None => None,
                other => {
                    return Err(Error::type_error(
                        "autograd::grad_outputs_type",
                        format!("grad_outputs must be Tensors or None, got {}", other.py_type_repr()),
                    ))
                }
            });
        }
    }
    if outs.is_empty() {
        return inputs.iter().map(|t| Ok(t.tensor().f_zeros_like()?)).collect();
    }
    let ins: Vec<&tch::Tensor> = inputs.iter().map(|t| t.tensor()).collect();
    let g = shim::autograd_grad_with(&outs, &ins, grad_outputs.map(|_| &gos[..]), Some(retain_graph), create_graph, true)?;
    g.into_iter().zip(inputs).map(|(g, t)| g.map(Ok).unwrap_or_else(|| Ok(t.tensor().f_zeros_like()?))).collect()
}

/// `torch.func.vjp(f, *primals, has_aux)` (argnums None) and jacrev's `_vjp_with_argnums`:
/// `(output, vjp_fn, aux)`.
pub fn vjp(f: Func, primals: &[Value], argnums: Option<&Argnums>, has_aux: bool) -> Result<(Value, VjpFn, Option<Value>)> {
    let originals = tensor_objects(primals, &Vec::new());
    let level = shim::grad_increment_nesting()?;
    let _layer = LayerGuard;
    let _grad = GradModeGuard::enable();
    let primals: Vec<Value> = primals.iter().map(|a| wrap_arg(a, level)).collect::<Result<_>>()?;
    let diff_spec = match argnums {
        None => Value::tuple(primals.clone()),
        Some(a) => slice_argnums(&primals, a, false)?,
    };
    let mut flat_diff = Vec::new();
    leaves(&diff_spec, &mut flat_diff);
    let diff: Vec<TensorRef> = flat_diff
        .iter()
        .map(|v| match v {
            Value::Tensor(t) => Ok(t.clone()),
            other => Err(Error::value("transform::not_a_tensor", format!("Thing passed to transform API must be Tensor, got {}", other.py_type_repr()))),
        })
        .collect::<Result<_>>()?;
    create_differentiable(&diff)?;
    let output = f(&primals, &Vec::new())?;
    let (output, aux) = if has_aux {
        let (o, a) = split_aux(output, "vjp(f, *primals)")?;
        (o, Some(unwrap_aux(&a, level, &originals)?))
    } else {
        (output, None)
    };
    let mut flat_out = Vec::new();
    leaves(&output, &mut flat_out);
    check_tensor_output(&flat_out, "vjp(f, *primals)")?;
    let results = unwrap(&output, level, &originals)?;
    let outputs = tensor_leaves(&output);
    if let Some(o) = outputs.iter().find(|o| !is_floating_or_complex(o.kind())) {
        return Err(Error::runtime(
            "vjp::output_dtype",
            format!(
                "vjp(f, ...): All outputs of f must be floating-point or complex Tensors, got Tensor with dtype torch.{}",
                crate::tensor::dtype_name(o.kind())
            ),
        ));
    }
    Ok((results, VjpFn { outputs, out_spec: output, diff, diff_spec }, aux))
}

thread_local! {
    /// eager_transforms.py's JVP_NESTING: only the outermost jvp enters a dual level.
    static JVP_NESTING: Cell<usize> = const { Cell::new(0) };
}

/// Pops the Jvp layer and counts the nesting down, on every exit path.
struct JvpNesting;
impl JvpNesting {
    fn enter() -> Result<(JvpNesting, i64)> {
        let level = shim::jvp_increment_nesting()?;
        JVP_NESTING.with(|n| n.set(n.get() + 1));
        Ok((JvpNesting, level))
    }
}
impl Drop for JvpNesting {
    fn drop(&mut self) {
        let _ = shim::decrement_nesting();
        JVP_NESTING.with(|n| n.set(n.get() - 1));
    }
}

/// `fwAD._set_fwd_grad_enabled(True)`, restored on exit.
struct FwdGradGuard(bool);
impl Drop for FwdGradGuard {
    fn drop(&mut self) {
        shim::set_fwd_grad_enabled(self.0);
    }
}

/// `fwAD.dual_level()`: exits the level on every exit path.
struct DualLevel(i64);
impl Drop for DualLevel {
    fn drop(&mut self) {
        let _ = shim::exit_dual_level(self.0);
    }
}

/// `fwAD.make_dual(p, t)` with its dtype checks.
fn make_dual(p: &TensorRef, t: &TensorRef) -> Result<TensorRef> {
    for (what, x) in [("primal", p), ("tangent", t)] {
        if !is_floating_or_complex(x.kind()) {
            return Err(Error::value(
                "jvp::dtype",
                format!("Expected {what} to be floating point or complex, but got: torch.{}", crate::tensor::dtype_name(x.kind())),
            ));
        }
    }
    Ok(TensorRef::new(shim::make_dual(p.tensor(), t.tensor(), 0)?))
}

const JVP_STR: &str = "jvp(f, primals, tangents)";

/// `assert_non_empty_list_of_tensors(flat, jvp_str, argname)`.
fn check_tensor_list(flat: &[Value], argname: &str) -> Result<Vec<TensorRef>> {
    if flat.is_empty() {
        return Err(Error::runtime("jvp::empty", format!("{JVP_STR}: Expected {argname} to contain at least one Tensor.")));
    }
    flat.iter()
        .map(|v| match v {
            Value::Tensor(t) => Ok(t.clone()),
            other => Err(Error::runtime("jvp::not_tensor", format!("{JVP_STR}: Expected {argname} to only contain Tensors, got {}", other.py_type_repr()))),
        })
        .collect()
}

/// `torch.func.jvp(f, primals, tangents, strict, has_aux)` (argnums None) and jacfwd's
/// `_jvp_with_argnums`: `(output, jvp_out, aux)`.
pub fn jvp(f: Func, primals: &Value, tangents: &Value, argnums: Option<&Argnums>, strict: bool, has_aux: bool) -> Result<(Value, Value, Option<Value>)> {
    let Value::Tuple(items) = primals else {
        return Err(Error::runtime("jvp::primals_type", format!("{JVP_STR}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals).")));
    };
    let args: Vec<Value> = items.to_vec();
    let diff_args = match argnums {
        None => primals.clone(),
        Some(a) => slice_argnums(&args, a, true)?,
    };
    if !same_structure(&diff_args, tangents) {
        return Err(Error::runtime(
            "jvp::structure",
            format!(
                "{JVP_STR}: Expected primals and tangents to have the same python structure. For example, if primals is a tuple of 3 tensors, tangents also must be. Got primals with structure {} and tangents with structure {}",
                treespec_repr(&diff_args, 0),
                treespec_repr(tangents, 0)
            ),
        ));
    }
    let (mut fp, mut ft) = (Vec::new(), Vec::new());
    leaves(&diff_args, &mut fp);
    leaves(tangents, &mut ft);
    let flat_primals = check_tensor_list(&fp, "primals")?;
    let flat_tangents = check_tensor_list(&ft, "tangents")?;
    let originals = tensor_objects(&args, &Vec::new());

    let (_nesting, level) = JvpNesting::enter()?;
    let _fwd = FwdGradGuard(shim::fwd_grad_enabled());
    shim::set_fwd_grad_enabled(true);
    let _dual = if JVP_NESTING.with(|n| n.get()) == 1 { Some(DualLevel(shim::enter_dual_level()?)) } else { None };
    let duals: Vec<Value> = flat_primals.iter().zip(&flat_tangents).map(|(p, t)| Ok(Value::Tensor(make_dual(p, t)?))).collect::<Result<_>>()?;
    let duals = unflatten(&diff_args, duals)?;
    let call_args: Vec<Value> = match argnums {
        None => match &duals {
            Value::Tuple(d) => d.to_vec(),
            _ => unreachable!("primals are a tuple"),
        },
        Some(a) => {
            // _replace_args: the differentiated positions get their duals, the rest is wrapped.
            let pos = positions(a, args.len())?;
            let Value::Tuple(d) = &duals else { unreachable!("sliced argnums are a tuple") };
            let d = d.to_vec();
            args.iter()
                .enumerate()
                .map(|(i, x)| match pos.iter().position(|&p| p == i) {
                    Some(k) => Ok(d[k].clone()),
                    None => wrap_arg(x, level),
                })
                .collect::<Result<_>>()?
        }
    };
    let result = f(&call_args, &Vec::new())?;
    let (result, aux) = if has_aux {
        let (o, a) = split_aux(result, JVP_STR)?;
        (o, Some(unwrap_aux(&a, level, &originals)?))
    } else {
        (result, None)
    };
    let mut flat = Vec::new();
    leaves(&result, &mut flat);
    check_tensor_output(&flat, JVP_STR)?;
    let (mut primals_out, mut tangents_out) = (Vec::new(), Vec::new());
    for dual in tensor_leaves(&result) {
        let (p, t) = shim::unpack_dual(dual.tensor(), 0)?;
        let t = match t {
            Some(t) => t,
            None if strict => {
                return Err(Error::runtime(
                    "jvp::strict",
                    "jvp(f, primals, tangents, strict=True): The output of f is independent of the inputs. This is not allowed with strict=True.",
                ))
            }
            None => p.f_zeros_like()?,
        };
        primals_out.push(unwrap(&tensor_value(p), level, &originals)?);
        tangents_out.push(unwrap(&tensor_value(t), level, &originals)?);
    }
    Ok((unflatten(&result, primals_out)?, unflatten(&result, tangents_out)?, aux))
}

/// `_chunked_standard_basis_for_(tensors, numels, chunk_size)`: per chunk, one basis tensor per
/// input of shape `(chunk_numel, *tensor.shape)`, together one row of the identity per element.
fn standard_basis(tensors: &[TensorRef], chunk_size: Option<i64>) -> Result<Vec<Vec<tch::Tensor>>> {
    let numels: Vec<i64> = tensors.iter().map(|t| t.numel() as i64).collect();
    let total: i64 = numels.iter().sum();
    let (chunk_size, chunk_numels) = match chunk_size {
        Some(c) if c > 0 && c < total => {
            let mut v = vec![c; (total / c) as usize];
            if total % c != 0 {
                v.push(total % c);
            }
            (c, v)
        }
        _ => (total, vec![total]),
    };
    let mut starts = Vec::new();
    let mut start = 0i64;
    for n in &numels {
        starts.push(start);
        start -= n;
    }
    let mut out = Vec::new();
    for (chunk_idx, &chunk_numel) in chunk_numels.iter().enumerate() {
        let mut chunk = Vec::new();
        for ((t, &n), &s) in tensors.iter().zip(&numels).zip(&starts) {
            let z = t.tensor().f_new_zeros([chunk_numel, n], (t.kind(), crate::tensor::tch_device(t.tensor())?))?;
            let one = shim::number_tensor(shim::Number::Int(1), t.kind(), crate::tensor::tch_device(t.tensor())?)?;
            let _ = z.f_diagonal(s + chunk_idx as i64 * chunk_size, 0, 1)?.f_fill_tensor_(&one)?;
            let mut shape = vec![chunk_numel];
            shape.extend(t.shape());
            chunk.push(z.f_view(&shape[..])?);
        }
        out.push(chunk);
    }
    Ok(out)
}

/// `torch.func.jacrev(f, argnums, has_aux=..., chunk_size=...)(*args)` → jacobian (and aux).
pub fn jacrev(f: Func, args: &[Value], argnums: &Argnums, has_aux: bool, chunk_size: Option<i64>) -> Result<(Value, Option<Value>)> {
    error_if_complex("jacrev", &Value::tuple(args.to_vec()), true)?;
    let (output, vjp_fn, aux) = vjp(f, args, Some(argnums), has_aux)?;
    error_if_complex("jacrev", &output, false)?;
    let flat_output = tensor_leaves(&output);
    let numels: Vec<i64> = flat_output.iter().map(|t| t.numel() as i64).collect();
    let primals = slice_argnums(args, argnums, true)?;
    let flat_primals = tensor_leaves(&primals);
    let mut chunked: Vec<Vec<tch::Tensor>> = Vec::new();
    for chunk in standard_basis(&flat_output, chunk_size)? {
        let one_by_one = chunk_size == Some(1);
        let chunk: Vec<Value> =
            chunk.into_iter().map(|t| Ok(tensor_value(if one_by_one { t.f_squeeze_dim(0)? } else { t }))).collect::<Result<_>>()?;
        let basis = unflatten(&output, chunk)?;
        let result = if one_by_one {
            vjp_fn.call(&basis, true, None)?
        } else {
            let call = |a: &[Value], _: &Kwargs| vjp_fn.call(&a[0], true, None);
            vmap(&call, "wrapper", &[basis], &Vec::new(), &Value::Int(0), &Value::Int(0), "error")?
        };
        let flat = tensor_leaves(&result);
        chunked.push(
            flat.iter()
                .map(|t| Ok(if one_by_one { t.tensor().f_unsqueeze(0)? } else { t.tensor().shallow_clone() }))
                .collect::<Result<_>>()?,
        );
    }
    let per_input: Vec<tch::Tensor> = if chunked.len() == 1 {
        chunked.pop().expect("one chunk")
    } else {
        (0..flat_primals.len())
            .map(|i| {
                let parts: Vec<&tch::Tensor> = chunked.iter().map(|c| &c[i]).collect();
                Ok(tch::Tensor::f_cat(&parts, 0)?)
            })
            .collect::<Result<_>>()?
    };
    // Split each input's stacked jacobian by output, then regroup output-major.
    let mut per_output: Vec<Vec<Value>> = vec![Vec::new(); flat_output.len()];
    for (result, primal) in per_input.iter().zip(&flat_primals) {
        let splits = result.f_split_with_sizes(&numels[..], 0)?;
        for ((split, out), slot) in splits.iter().zip(&flat_output).zip(per_output.iter_mut()) {
            let mut shape = out.shape();
            shape.extend(primal.shape());
            slot.push(tensor_value(split.f_view(&shape[..])?));
        }
    }
    let flat_output_input: Vec<Value> = per_output
        .into_iter()
        .map(|ins| {
            let v = unflatten(&primals, ins)?;
            Ok(match (argnums, v) {
                (Argnums::One(_), Value::Tuple(t)) => t.borrow()[0].clone(),
                (_, v) => v,
            })
        })
        .collect::<Result<_>>()?;
    Ok((unflatten(&output, flat_output_input)?, aux))
}

/// `torch.func.jacfwd(f, argnums, has_aux, randomness=...)(*args)` → jacobian (and aux).
/// `argnums` None: every argument.
pub fn jacfwd(f: Func, args: &[Value], argnums: Option<&Argnums>, has_aux: bool, randomness: &str) -> Result<(Value, Option<Value>)> {
    error_if_complex("jacfwd", &Value::tuple(args.to_vec()), true)?;
    let primals = match argnums {
        None => Value::tuple(args.to_vec()),
        Some(a) => slice_argnums(args, a, true)?,
    };
    let mut fp = Vec::new();
    leaves(&primals, &mut fp);
    // `p.numel()` on each flattened primal: only tensors have one.
    let flat_primals: Vec<TensorRef> = fp
        .iter()
        .map(|v| match v {
            Value::Tensor(t) => Ok(t.clone()),
            other => Err(Error::attribute("eval::no_attribute", format!("'{}' object has no attribute 'numel'", other.type_name()))),
        })
        .collect::<Result<_>>()?;
    let numels: Vec<i64> = flat_primals.iter().map(|t| t.numel() as i64).collect();
    let basis = standard_basis(&flat_primals, None)?.pop().expect("one chunk");
    let basis = unflatten(&primals, basis.into_iter().map(tensor_value).collect())?;
    let push_jvp = |a: &[Value], _: &Kwargs| -> Result<Value> {
        let (out, jvp_out, aux) = jvp(f, &Value::tuple(args.to_vec()), &a[0], argnums, false, has_aux)?;
        error_if_complex("jacfwd", &out, false)?;
        Ok(match aux {
            Some(aux) => Value::tuple(vec![jvp_out, aux]),
            None => jvp_out,
        })
    };
    let results = vmap(&push_jvp, "push_jvp", &[basis], &Vec::new(), &Value::Int(0), &Value::Int(0), randomness)?;
    let (results, aux) = if has_aux {
        let Value::Tuple(r) = &results else { unreachable!("push_jvp returns a pair") };
        let r = r.to_vec();
        let aux = map_leaves(&r[1], &mut |leaf| match leaf {
            Value::Tensor(t) => Ok(tensor_value(t.tensor().f_select(0, 0)?)),
            other => Ok(other.clone()),
        })?;
        (r[0].clone(), Some(aux))
    } else {
        (results, None)
    };
    let jac_outs: Vec<Value> = tensor_leaves(&results)
        .iter()
        .map(|jac_out| {
            let moved = jac_out.tensor().f_movedim(&[0i64][..], &[-1i64][..])?;
            let parts = moved.f_split_with_sizes(&numels[..], -1)?;
            let ins: Vec<Value> = parts
                .into_iter()
                .zip(&flat_primals)
                .map(|(part, primal)| {
                    let shape = primal.shape();
                    Ok(tensor_value(if shape.is_empty() { part.f_squeeze_dim(-1)? } else { part.f_unflatten(-1, &shape[..])? }))
                })
                .collect::<Result<_>>()?;
            let v = unflatten(&primals, ins)?;
            Ok(match (argnums, v) {
                (Some(Argnums::One(_)), Value::Tuple(t)) => t.borrow()[0].clone(),
                (_, v) => v,
            })
        })
        .collect::<Result<_>>()?;
    Ok((unflatten(&results, jac_outs)?, aux))
}

/// `torch.func.hessian(f, argnums)(*args)` = `jacfwd(jacrev(f, argnums), argnums)(*args)`.
pub fn hessian(f: Func, args: &[Value], argnums: &Argnums) -> Result<Value> {
    let inner = |a: &[Value], _: &Kwargs| jacrev(f, a, argnums, false, None).map(|(j, _)| j);
    Ok(jacfwd(&inner, args, Some(argnums), false, "error")?.0)
}

/// `torch.autograd.grad(outputs, inputs, grad_outputs, retain_graph, create_graph,
/// allow_unused)`: a tuple with one entry per input (None for an unused one, with
/// `allow_unused`). Python's `_make_grads` checks come first.
pub fn autograd_grad(
    outputs: &[TensorRef],
    inputs: &[TensorRef],
    grad_outputs: Option<&[Value]>,
    retain_graph: Option<bool>,
    create_graph: bool,
    allow_unused: bool,
) -> Result<Vec<Option<TensorRef>>> {
    let mut gos: Vec<Option<&tch::Tensor>> = Vec::new();
    if let Some(g) = grad_outputs {
        if g.len() != outputs.len() {
            return Err(Error::runtime(
                "autograd::grad_outputs_len",
                format!("grad requires one grad_output per output: got {} grad_outputs and {} outputs", g.len(), outputs.len()),
            ));
        }
        for (i, (go, out)) in g.iter().zip(outputs).enumerate() {
            match go {
                Value::Tensor(t) => {
                    if t.shape() != out.shape() {
                        return Err(Error::runtime(
                            "autograd::grad_shape",
                            format!(
                                "Mismatch in shape: grad_output[{i}] has a shape of {} and output[{i}] has a shape of {}.",
                                Value::size(&t.shape()).py_repr(),
                                Value::size(&out.shape()).py_repr()
                            ),
                        ));
                    }
                    gos.push(Some(t.tensor()));
                }
                Value::None => gos.push(None),
                other => {
                    return Err(Error::type_error(
                        "autograd::grad_outputs_type",
                        format!("gradients can be either Tensors or None, but got {}", other.type_name()),
                    ))
                }
            }
        }
    } else {
        gos = vec![None; outputs.len()];
    }
    for (go, out) in gos.iter().zip(outputs) {
        if go.is_none() && out.requires_grad() && out.numel() != 1 {
            return Err(Error::runtime("autograd::implicit_grad", "grad can be implicitly created only for scalar outputs"));
        }
    }
    let outs: Vec<&tch::Tensor> = outputs.iter().map(|t| t.tensor()).collect();
    let ins: Vec<&tch::Tensor> = inputs.iter().map(|t| t.tensor()).collect();
    // Python's engine (python_engine.cpp) words the unused-input error itself.
    let g = shim::autograd_grad_with(&outs, &ins, Some(&gos), retain_graph, create_graph, true)?;
    if let Some(i) = g.iter().position(|g| g.is_none()).filter(|_| !allow_unused) {
        return Err(Error::runtime(
            "autograd::unused",
            format!("The differentiated Tensor at index {i} appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior."),
        ));
    }
    Ok(g.into_iter().map(|g| g.map(TensorRef::new)).collect())
}
