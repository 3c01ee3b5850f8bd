//! Built-in `torch.nn` layers with torch.nn's names, parameter/buffer names and shapes,
//! defaults, initialisation (same RNG calls, so `seed` gives PyTorch's values) and forward.
//! Non-tensor settings live in the module's `__dict__`, as in PyTorch.
pub mod activation;
pub mod container;
pub mod linear;

use std::rc::Rc;
use tch::Tensor;

use super::{Module, ModuleImpl};
use crate::error::{Error, Result};
use crate::tensor::TensorRef;
use crate::value::{Kwargs, Value};

pub use activation::{gelu, identity, relu, sigmoid, tanh};
pub use container::{module_dict, module_list, sequential};
pub use linear::linear;

type ForwardFnPtr = fn(&Module, &[Value], &Kwargs) -> Result<Value>;
type ExtraReprFn = fn(&Module) -> String;

/// A built-in class: where torch.nn defines it, its forward and its `extra_repr`.
pub(crate) struct Builtin {
    pub path: &'static str,
    pub forward: ForwardFnPtr,
    pub extra_repr: ExtraReprFn,
}

impl ModuleImpl for Builtin {
    fn type_path(&self) -> &str {
        self.path
    }
    fn forward(&self, m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
        (self.forward)(m, args, kwargs)
    }
    fn extra_repr(&self, m: &Module) -> String {
        (self.extra_repr)(m)
    }
}

pub(crate) fn new_builtin(class: &str, path: &'static str, forward: ForwardFnPtr, extra_repr: ExtraReprFn) -> Module {
    Module::new(class, Rc::new(Builtin { path, forward, extra_repr }))
}

pub(crate) fn no_extra(_: &Module) -> String {
    String::new()
}

/// The single tensor argument `input` of a built-in forward, with Python's arity errors.
pub(crate) fn input_arg(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<TensorRef> {
    let class = m.class_name();
    let v = match (args.len(), kwargs.iter().find(|(k, _)| k == "input")) {
        (1, None) => args[0].clone(),
        (0, Some((_, v))) => v.clone(),
        (0, None) => {
            return Err(Error::type_error(
                "call::missing_argument",
                format!("{class}.forward() missing 1 required positional argument: 'input'"),
            ))
        }
        (n, _) => {
            return Err(Error::type_error(
                "call::too_many_arguments",
                format!("{class}.forward() takes 2 positional arguments but {} were given", n + 1),
            ))
        }
    };
    if let Some((k, _)) = kwargs.iter().find(|(k, _)| k != "input") {
        return Err(Error::type_error(
            "call::unexpected_keyword",
            format!("{class}.forward() got an unexpected keyword argument '{k}'"),
        ));
    }
    match v {
        Value::Tensor(t) => Ok(t),
        other => Err(Error::type_error(
            "call::argument_type",
            format!("{class}.forward(): input must be a Tensor, not {}", other.type_name()),
        )),
    }
}

/// A required tensor slot (`self.weight`) for a built-in forward.
pub(crate) fn slot(m: &Module, name: &str) -> Result<TensorRef> {
    m.tensor_attr(name)?.ok_or_else(|| {
        Error::type_error(
            "nn::slot_none",
            format!("{}.{name} is None, but the forward needs a tensor", m.class_name()),
        )
    })
}

/// `Parameter(empty(shape).uniform_(-bound, bound))`, consuming the RNG as torch.nn.init does.
pub(crate) fn uniform_parameter(shape: &[i64], bound: f64) -> Result<TensorRef> {
    let mut t = Tensor::f_empty(shape, (tch::Kind::Float, tch::Device::Cpu))?;
    let _ng = tch::no_grad_guard();
    let _ = t.f_uniform_(-bound, bound)?;
    TensorRef::parameter(&t, true)
}

/// `init.kaiming_uniform_(w, a=math.sqrt(5))`'s bound: `sqrt(3) * gain / sqrt(fan_in)`.
pub(crate) fn kaiming_uniform_bound(fan_in: i64) -> f64 {
    let a = 5f64.sqrt();
    let gain = (2.0 / (1.0 + a * a)).sqrt();
    let std = gain / (fan_in as f64).sqrt();
    3f64.sqrt() * std
}

/// `1 / math.sqrt(fan_in) if fan_in > 0 else 0`.
pub(crate) fn fan_in_bound(fan_in: i64) -> f64 {
    if fan_in > 0 {
        1.0 / (fan_in as f64).sqrt()
    } else {
        0.0
    }
}

pub(crate) fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

pub(crate) fn ok_tensor(t: Tensor) -> Result<Value> {
    Ok(Value::Tensor(TensorRef::new(t)))
}
