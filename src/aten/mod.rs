//! torch's Python API bound from the operator schemas instead of one wrapper per op: every
//! `torch.X`, `Tensor.X`, `torch._C._nn.X`, `torch.linalg.X`, `torch.special.X`, `torch.fft.X`
//! that PyTorch's own code generator binds (signature.rs, from signatures.tsv), matched to an
//! overload as PyTorch's argument parser does (parse.rs) and called through libtorch's
//! dispatcher (stack.rs, csrc/ops.cpp), so autograd and torch.func's transforms see it as
//! they see torch's own call. Hand-written bindings (src/interp/) take precedence where fcall
//! needs to do more than call the op.
pub mod functional;
pub mod parse;
pub mod signature;
pub mod stack;

use std::rc::Rc;

use parse::Conv;
use signature::{Ns, Signature};
use stack::{Arg, Out};

use crate::error::{Error, ExcType, Result};
use crate::tensor::TensorRef;
use crate::value::{Function, FunctionKind, Kwargs, Value};

pub use signature::{lookup, names, Ns as Namespace};

fn to_arg(c: &Conv) -> Arg<'_> {
    match c {
        Conv::Default => Arg::Default,
        Conv::Bool(b) => Arg::Bool(*b),
        Conv::Int(i) => Arg::Int(*i),
        Conv::UInt(u) => Arg::UInt(*u),
        Conv::Double(d) => Arg::Double(*d),
        Conv::Complex(r, i) => Arg::Complex(*r, *i),
        Conv::Str(s) => Arg::Str(s),
        Conv::Tensor(t) => Arg::Tensor(t.tensor()),
        Conv::Number(Value::Bool(b)) => Arg::WrappedBool(*b),
        Conv::Number(Value::Int(i)) => Arg::WrappedInt(*i),
        Conv::Number(Value::Float(f)) => Arg::WrappedDouble(*f),
        Conv::Number(Value::Complex(r, i)) => Arg::WrappedComplex(*r, *i),
        Conv::Number(Value::BigInt(b)) => parse::unsigned_scalar(b).map_or(Arg::None, Arg::WrappedUInt),
        Conv::Number(_) => Arg::None,
        Conv::Device(t, i) => Arg::Device(*t, *i),
        Conv::Ints(v) => Arg::Ints(v.clone()),
        Conv::Doubles(v) => Arg::Doubles(v.clone()),
        Conv::Tensors(v) => Arg::Tensors(v.iter().map(|t| t.tensor()).collect()),
        Conv::OptTensors(v) => Arg::OptTensors(v.iter().map(|t| t.as_ref().map(|t| t.tensor())).collect()),
        Conv::Kind(k) => match crate::tensor::shim::scalar_type(*k) {
            Ok(code) => Arg::Int(code as i64),
            Err(_) => Arg::Default,
        },
    }
}

/// A Python number as a `Scalar` argument, with PyTorch's unpacking (ints past 64 bits are
/// uint64 Scalars up to 2**64, OverflowError past that); None for anything else.
pub fn scalar_arg(v: &Value) -> Result<Option<Arg<'static>>> {
    Ok(match v {
        Value::Bool(b) => Some(Arg::Bool(*b)),
        Value::Int(i) => Some(Arg::Int(*i)),
        Value::BigInt(b) => Some(Arg::UInt(parse::unsigned_scalar(b)?)),
        Value::Float(f) => Some(Arg::Double(*f)),
        _ => None,
    })
}

/// `t.fill_(number)` through `aten::fill_.Scalar`, so libtorch checks that the value fits the
/// dtype ("value cannot be converted to type int8_t without overflow") as in PyTorch. False
/// when `v` is not a number.
pub fn fill_scalar(t: &tch::Tensor, v: &Value) -> Result<bool> {
    let Some(arg) = scalar_arg(v)? else { return Ok(false) };
    stack::call("fill_", "Scalar", &[Arg::Tensor(t), arg])?;
    Ok(true)
}

fn out_value(o: Out, ty: &str) -> Value {
    match o {
        Out::None => Value::None,
        Out::Tensor(t) => Value::Tensor(TensorRef::new(t)),
        Out::Int(i) if ty == "ScalarType" => crate::tensor::shim::kind_of_scalar_type(i).map(Value::DType).unwrap_or(Value::Int(i)),
        Out::Int(i) => Value::Int(i),
        Out::Double(d) => Value::Float(d),
        Out::Bool(b) => Value::Bool(b),
        Out::Str(s) => Value::str(&s),
        Out::Tensors(ts) => Value::tuple(ts.into_iter().map(|t| t.map(|t| Value::Tensor(TensorRef::new(t))).unwrap_or(Value::None)).collect()),
        Out::Ints(v) => Value::list(v.into_iter().map(Value::Int).collect()),
        Out::Doubles(v) => Value::list(v.into_iter().map(Value::Float).collect()),
        Out::Bools(v) => Value::list(v.into_iter().map(Value::Bool).collect()),
    }
}

/// Runs the bound signature: the schema's arguments from the Python parameters (`input` is
/// the schema's `self`; a method's `self` is the tensor), then the returns as Python values.
fn run(sig: &Signature, b: parse::Bound, this: Option<&Value>) -> Result<Value> {
    let param = |name: &str| sig.params.iter().position(|p| p.name == name || (name == "self" && p.name == "input"));
    if let Some(i) = param("out") {
        if b.given[i].as_ref().is_some_and(|v| !matches!(v, Value::None)) {
            return Err(Error::new(ExcType::NotImplementedError, "torch::out", format!("{}(): fcall does not support out=", sig.name))
                .with_hint("assign the result instead: y = torch.op(...)"));
        }
    }
    let self_conv = match this {
        Some(Value::Tensor(t)) => Some(Conv::Tensor(t.clone())),
        _ => None,
    };
    let args: Vec<Arg> = sig
        .target
        .args
        .iter()
        .map(|name| match (name.as_str(), &self_conv) {
            ("self", Some(s)) => to_arg(s),
            _ => param(name).map(|i| to_arg(&b.values[i])).unwrap_or(Arg::Default),
        })
        .collect();
    // Python's torch initialises CUDA before it makes a tensor there (its error where there is none).
    for a in &args {
        if let Arg::Device(ty, index) = a {
            crate::interp::convert::device_lazy_init(crate::tensor::Device { ty: *ty, index: *index })?;
        }
    }
    let outs = stack::call(&sig.target.name, &sig.target.overload, &args)?;
    // An argument written in place and returned (`x.add_(y)`) is the same Python object.
    let written = |ret: &signature::Ret| -> Option<Value> {
        let alias = ret.writes.as_ref()?;
        let (_, arg) = sig.written.iter().find(|(a, _)| a == alias)?;
        if arg == "self" {
            if let Some(t) = this {
                return Some(t.clone());
            }
        }
        param(arg).and_then(|i| b.given[i].clone())
    };
    let mut values: Vec<Value> = outs
        .into_iter()
        .zip(sig.target.returns.iter())
        .map(|(o, r)| written(r).unwrap_or_else(|| out_value(o, &r.ty)))
        .collect();
    let result = match values.len() {
        0 => Value::None,
        1 => values.remove(0),
        _ => match structseq(&sig.target) {
            Some(ty) => Value::structseq(ty, values),
            None => Value::tuple(values),
        },
    };
    if let Some(i) = param("requires_grad") {
        if matches!(b.given[i], Some(Value::Bool(true))) {
            if let Value::Tensor(t) = &result {
                t.requires_grad_(true)?;
            }
        }
    }
    Ok(result)
}

/// The `torch.return_types.<op>` type of an operator whose results are all named
/// (`max.dim -> (Tensor values, Tensor indices)`), as torch's generated bindings return them;
/// unnamed results (`var_mean`) stay a plain tuple.
fn structseq(target: &signature::Target) -> Option<Rc<crate::value::StructSeqType>> {
    let fields = target.returns.iter().map(|r| r.name.clone()).collect::<Option<Vec<String>>>()?;
    Some(Rc::new(crate::value::StructSeqType { name: target.name.clone(), fields, namedtuple: false }))
}

/// torch's Python functions (torch/functional.py) that take their tensors as separate
/// arguments where the operator takes one list: `einsum(eq, a, b)`, `broadcast_tensors(a, b)`.
/// (name, how many leading arguments stay as they are).
const VARIADIC_TENSORS: &[(&str, usize)] = &[("einsum", 1), ("broadcast_tensors", 0), ("meshgrid", 0), ("block_diag", 0), ("cartesian_prod", 0)];

/// The positional arguments as the operator takes them (see [`VARIADIC_TENSORS`]).
fn packed(ns: Ns, name: &str, pos: &[Value]) -> Option<Vec<Value>> {
    let (_, keep) = VARIADIC_TENSORS.iter().find(|(n, _)| ns == Ns::Torch && *n == name)?;
    let rest = pos.get(*keep..)?;
    // `einsum(eq, [a, b])` is also accepted as written.
    if rest.len() == 1 && matches!(rest[0], Value::List(_) | Value::Tuple(_)) {
        return None;
    }
    let mut out = pos[..*keep].to_vec();
    out.push(Value::list(rest.to_vec()));
    Some(out)
}

/// Calls `ns.name` (a method when `this` is the tensor) with Python arguments.
pub fn call(ns: Ns, name: &str, this: Option<&Value>, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    // `nonzero(as_tuple=True)` is another operator (torch's hand-written binding).
    if name == "nonzero" && kw.iter().any(|(k, v)| k == "as_tuple" && matches!(v, Value::Bool(true))) {
        let rest: Kwargs = kw.iter().filter(|(k, _)| k != "as_tuple").cloned().collect();
        return call(ns, "_nonzero_as_tuple", this, pos, &rest);
    }
    let sigs = lookup(ns, name).ok_or_else(|| Error::attribute("eval::no_attribute", format!("torch has no binding named '{name}'")))?;
    let packed = packed(ns, name, pos);
    let (sig, bound) = parse::bind(&sigs, packed.as_deref().unwrap_or(pos), kw)?;
    run(sig, bound, this)
}

/// `torch.name` (and the other namespaces) as a function object, when torch binds it.
pub fn function(ns: Ns, name: &str) -> Option<Value> {
    lookup(ns, name)?;
    let n: Rc<str> = name.into();
    Some(Function::new(name, FunctionKind::Builtin, move |pos, kw| call(ns, &n, None, pos, kw)))
}

/// `t.name` as a bound method, when torch has such a Tensor method.
pub fn method(t: &TensorRef, name: &str) -> Option<Value> {
    lookup(Ns::Tensor, name)?;
    let this = Value::Tensor(t.clone());
    let n: Rc<str> = name.into();
    let t = t.clone();
    Some(Function::new(format!("Tensor.{name}"), FunctionKind::Method, move |pos, kw| {
        // A method that hands back the same libtorch tensor (`x.contiguous()` of a contiguous
        // one) returns the same object, as THPVariable_Wrap does.
        Ok(match call(Ns::Tensor, &n, Some(&this), pos, kw)? {
            Value::Tensor(r) if !r.is(&t) && crate::tensor::same_impl(&r, &t) => this.clone(),
            other => other,
        })
    }))
}
