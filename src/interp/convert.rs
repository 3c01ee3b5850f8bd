//! Moving tensors and modules between devices and dtypes, as PyTorch's hand-written bindings do
//! (python_variable_methods.cpp, `nn.Module.to`): `Tensor.to(device, dtype)`, `.to(dtype)`,
//! `.to(other)`, `.cpu()`, `.cuda()`, `.float()`/`.double()`/`.half()`/..., and `Module.to`,
//! `.cpu()`, `.cuda()`, `.double()`/`.float()`/`.half()`/`.bfloat16()`, `.to_empty(device=)`.
//! A conversion that changes nothing returns the same object; a CUDA request initialises CUDA
//! first, as Python's torch does, and so raises what PyTorch raises on a machine without it.
use std::rc::Rc;
use tch::{Kind, Tensor};

use super::args::Args;
use crate::aten::parse::{bind, Conv};
use crate::aten::signature::Signature;
use crate::aten::stack::{call, Arg, Out};
use crate::error::{Error, Result};
use crate::nn::Module;
use crate::tensor::{device, shim, Device, TensorRef};
use crate::value::{Function, FunctionKind, Kwargs, Value};

/// `Tensor.float()`, ...: the dtype each conversion method names.
const CONVERSIONS: &[(&str, Kind)] = &[
    ("float", Kind::Float),
    ("double", Kind::Double),
    ("half", Kind::Half),
    ("bfloat16", Kind::BFloat16),
    ("long", Kind::Int64),
    ("int", Kind::Int),
    ("short", Kind::Int16),
    ("char", Kind::Int8),
    ("byte", Kind::Uint8),
    ("bool", Kind::Bool),
    ("cfloat", Kind::ComplexFloat),
    ("cdouble", Kind::ComplexDouble),
];

/// The Tensor methods this module binds.
pub const TENSOR_METHODS: &[&str] =
    &["to", "cpu", "cuda", "float", "double", "half", "bfloat16", "long", "int", "short", "char", "byte", "bool", "cfloat", "cdouble"];

/// The schema the Python signatures below are bound against (their values are read by name).
const TO_SCHEMA: &str = "to.dtype_layout(Tensor(a) self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, bool non_blocking=False, bool copy=False, MemoryFormat? memory_format=None) -> Tensor(a)";

/// The Python signatures of `Tensor.to` (and `torch._C._nn._parse_to`), in PyTorch's order.
const TO: &[&str] = &[
    "to(Device? device=None, ScalarType? dtype=None, bool non_blocking=False, bool copy=False, *, MemoryFormat? memory_format=None)",
    "to(ScalarType dtype, bool non_blocking=False, bool copy=False, *, MemoryFormat? memory_format=None)",
    "to(Tensor tensor, bool non_blocking=False, bool copy=False, *, MemoryFormat? memory_format=None)",
];

fn signatures(python: &[&str]) -> Vec<Signature> {
    python.iter().filter_map(|p| Signature::new(p, TO_SCHEMA)).collect()
}

/// What a `to(...)` call asks for.
#[derive(Default)]
struct Target {
    device: Option<Device>,
    dtype: Option<Kind>,
    non_blocking: bool,
    copy: bool,
}

/// Binds `to(...)`'s arguments as PythonArgParser does (its TypeError where nothing fits).
fn parse_to(pos: &[Value], kw: &Kwargs) -> Result<Target> {
    let sigs = signatures(TO);
    let (sig, b) = bind(&sigs, pos, kw)?;
    let mut t = Target::default();
    for (p, v) in sig.params.iter().zip(&b.values) {
        match (p.name.as_str(), v) {
            ("device", Conv::Device(ty, index)) => t.device = Some(Device { ty: *ty, index: *index }),
            ("dtype", Conv::Kind(k)) => t.dtype = Some(*k),
            ("tensor", Conv::Tensor(o)) => {
                t.device = Some(o.device());
                t.dtype = Some(o.kind());
            }
            ("non_blocking", Conv::Bool(x)) => t.non_blocking = *x,
            ("copy", Conv::Bool(x)) => t.copy = *x,
            _ => {}
        }
    }
    Ok(t)
}

/// Python's torch initialises a device's runtime before it makes a tensor there.
pub fn device_lazy_init(d: Device) -> Result<()> {
    if d.ty == device::CUDA {
        shim::cuda_lazy_init()?;
    }
    Ok(())
}

/// `dispatch_to`: `self.to(dtype, ...)` or `self.to(device, dtype, ...)` as Python's binding
/// calls them (self itself when nothing changes).
fn dispatch_to(x: &Tensor, t: &Target) -> Result<Tensor> {
    if let Some(d) = t.device {
        device_lazy_init(d)?;
    }
    let dtype = Arg::Int(shim::scalar_type(t.dtype.unwrap_or(x.kind()))? as i64);
    let (non_blocking, copy) = (Arg::Bool(t.non_blocking), Arg::Bool(t.copy));
    let out = match t.device {
        Some(d) => call("to", "device", &[Arg::Tensor(x), Arg::Device(d.ty, d.index), dtype, non_blocking, copy, Arg::Default])?,
        None => call("to", "dtype", &[Arg::Tensor(x), dtype, non_blocking, copy, Arg::Default])?,
    };
    match out.into_iter().next() {
        Some(Out::Tensor(r)) => Ok(r),
        _ => Err(Error::runtime("aten::return_type", "to() returned no tensor")),
    }
}

/// The result as a Python value: the same object when libtorch handed back the same tensor.
fn wrap(t: &TensorRef, out: Tensor) -> Value {
    if shim::impl_ptr(&out) == shim::impl_ptr(t.tensor()) {
        Value::Tensor(t.clone())
    } else {
        Value::Tensor(TensorRef::new(out))
    }
}

/// `t.name(...)` for the conversion methods.
fn tensor_call(t: &TensorRef, name: &str, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    let target = match name {
        "to" => parse_to(pos, kw)?,
        "cpu" => {
            bind(&signatures(&["cpu(*, MemoryFormat? memory_format=None)"]), pos, kw)?;
            Target { device: Some(Device::CPU), ..Target::default() }
        }
        "cuda" => {
            let sigs = signatures(&["cuda(Device? device=None, bool non_blocking=False, *, MemoryFormat? memory_format=None)"]);
            let (_, b) = bind(&sigs, pos, kw)?;
            let device = match b.values.first() {
                Some(Conv::Device(ty, index)) if *ty == device::CUDA => Device { ty: *ty, index: *index },
                Some(Conv::Device(ty, index)) => {
                    let d = Device { ty: *ty, index: *index };
                    return Err(Error::value("torch::device", format!("Invalid device, must be cuda device: {}", d.name())));
                }
                _ => Device { ty: device::CUDA, index: -1 },
            };
            let non_blocking = matches!(b.values.get(1), Some(Conv::Bool(true)));
            Target { device: Some(device), non_blocking, ..Target::default() }
        }
        _ => {
            let kind = CONVERSIONS.iter().find(|(n, _)| *n == name).map(|(_, k)| *k);
            let Some(kind) = kind else { return Err(Error::attribute("eval::no_attribute", format!("'Tensor' object has no attribute '{name}'"))) };
            bind(&signatures(&[&format!("{name}(*, MemoryFormat? memory_format=None)")]), pos, kw)?;
            Target { dtype: Some(kind), ..Target::default() }
        }
    };
    if target.device.is_none() && target.dtype.is_none() && !target.copy {
        return Ok(Value::Tensor(t.clone()));
    }
    Ok(wrap(t, dispatch_to(t.tensor(), &target)?))
}

/// `t.name` as a bound method, for the conversion methods.
pub fn tensor_method(t: &TensorRef, name: &str) -> Option<Value> {
    if !TENSOR_METHODS.contains(&name) {
        return None;
    }
    let (t, n): (TensorRef, Rc<str>) = (t.clone(), name.into());
    Some(Function::new(format!("Tensor.{name}"), FunctionKind::Method, move |pos, kw| tensor_call(&t, &n, pos, kw)))
}

fn is_float_or_complex(k: Kind) -> bool {
    matches!(k, Kind::Float | Kind::Double | Kind::Half | Kind::BFloat16 | Kind::ComplexHalf | Kind::ComplexFloat | Kind::ComplexDouble)
}

/// `module.name(...)` for the conversion methods: `_apply` of the tensor conversion; returns
/// the module.
pub fn module_call(m: &Module, name: &str, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    let q = format!("{}.{name}", m.class_name());
    let mut recurse = true;
    let f: Box<dyn Fn(&Tensor) -> Result<Tensor>> = match name {
        "to" => {
            let t = parse_to(pos, kw)?;
            if let Some(k) = t.dtype.filter(|k| !is_float_or_complex(*k)) {
                return Err(Error::type_error(
                    "nn::to_dtype",
                    format!("nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.{}", crate::tensor::dtype_name(k)),
                ));
            }
            Box::new(move |x| {
                let dtype = t.dtype.filter(|_| is_float_or_complex(x.kind()));
                dispatch_to(x, &Target { device: t.device, dtype, non_blocking: t.non_blocking, copy: false })
            })
        }
        "cpu" => {
            Args::bind(&q, &[], 0, pos, kw)?;
            Box::new(|x| dispatch_to(x, &Target { device: Some(Device::CPU), ..Target::default() }))
        }
        "cuda" => {
            let a = Args::bind(&q, &["device"], 0, pos, kw)?;
            let device = match a.get("device") {
                None | Some(Value::None) => Device { ty: device::CUDA, index: -1 },
                Some(v) => {
                    let (ty, index) = crate::aten::parse::device_of(v).ok_or_else(|| {
                        Error::type_error("call::argument_type", format!("cuda(): argument 'device' (position 1) must be torch.device, not {}", v.type_name()))
                    })?;
                    Device { ty, index }
                }
            };
            Box::new(move |x| dispatch_to(x, &Target { device: Some(device), ..Target::default() }))
        }
        "to_empty" => {
            let a = Args::bind(&q, &["device", "recurse"], 0, &[], kw)?;
            if !pos.is_empty() {
                return Err(Error::type_error("call::too_many_arguments", format!("Module.to_empty() takes 1 positional argument but {} were given", pos.len() + 1)));
            }
            let Some(dv) = a.get("device").cloned() else {
                return Err(Error::type_error("call::missing_argument", "Module.to_empty() missing 1 required keyword-only argument: 'device'"));
            };
            recurse = a.boolean("recurse", true)?;
            let device = match &dv {
                Value::None => None,
                v => {
                    let (ty, index) = crate::aten::parse::device_of(v).ok_or_else(|| {
                        Error::type_error("call::argument_type", format!("empty_like(): argument 'device' must be torch.device, not {}", v.type_name()))
                    })?;
                    Some(Device { ty, index })
                }
            };
            Box::new(move |x| empty_like(x, device))
        }
        _ => {
            Args::bind(&q, &[], 0, pos, kw)?;
            let kind = CONVERSIONS.iter().find(|(n, _)| *n == name).map(|(_, k)| *k).unwrap_or(Kind::Float);
            Box::new(move |x| {
                if matches!(x.kind(), Kind::Float | Kind::Double | Kind::Half | Kind::BFloat16) {
                    dispatch_to(x, &Target { dtype: Some(kind), ..Target::default() })
                } else {
                    Ok(x.shallow_clone())
                }
            })
        }
    };
    crate::nn::apply::apply(m, &*f, recurse)?;
    Ok(Value::Module(m.clone()))
}

/// `torch.empty_like(x, device=device)`.
fn empty_like(x: &Tensor, device: Option<Device>) -> Result<Tensor> {
    if let Some(d) = device {
        device_lazy_init(d)?;
    }
    let device = device.map_or(Arg::Default, |d| Arg::Device(d.ty, d.index));
    let args = [Arg::Tensor(x), Arg::Default, Arg::Default, device, Arg::Default, Arg::Default];
    match call("empty_like", "", &args)?.into_iter().next() {
        Some(Out::Tensor(r)) => Ok(r),
        _ => Err(Error::runtime("aten::return_type", "empty_like() returned no tensor")),
    }
}
