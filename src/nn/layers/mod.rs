//! Built-in `torch.nn` layers with torch.nn's names, parameter/buffer names and shapes,
//! defaults, initialisation (same RNG calls, so `seed` gives PyTorch's values) and forward.
//! Non-tensor settings live in the module's `__dict__`, as in PyTorch.
pub mod activation;
pub mod attention;
pub(crate) mod bind;
pub mod container;
pub mod conv;
pub mod embedding;
pub mod linear;
pub mod norm;
pub mod pooling;
pub mod upsampling;
pub mod rnn;
pub mod transformer;

use std::rc::Rc;
use tch::Tensor;

use super::{Module, ModuleImpl};
use crate::error::{Error, Result};
use crate::tensor::TensorRef;
use crate::value::{Kwargs, Value};

pub use activation::{
    dropout, elu, flatten, gelu, glu, hardtanh, identity, inplace_activation, leaky_relu, log_softmax, prelu, relu, sigmoid, softmax,
    softplus, softsign, tanh, tanhshrink, unflatten,
};
pub use container::{module_dict, module_list, parameter_dict, parameter_list, sequential, sequential_named};
pub use conv::{conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, ConvOptions, ConvPadding};
pub use embedding::embedding;
pub use linear::{bilinear, linear};
pub use norm::{
    batch_norm1d, batch_norm2d, batch_norm3d, group_norm, instance_norm1d, instance_norm2d, instance_norm_options, layer_norm, rms_norm,
    BatchNormOptions,
};
pub use pooling::{adaptive_pool, avg_pool1d, avg_pool2d, max_pool};
pub use upsampling::{interpolate, upsample};
pub use attention::{multihead_attention, MhaOptions};
pub use rnn::{gru, lstm, rnn, RnnMode, RnnOptions};
pub use transformer::{transformer_encoder, transformer_encoder_layer, Activation, EncoderLayerOptions};

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
/// A zero-element tensor is left as it is (`init.kaiming_uniform_` returns early; `uniform_`
/// on it draws nothing), so `Linear(0, 3)` builds as in PyTorch.
pub(crate) fn uniform_parameter(shape: &[i64], bound: f64) -> Result<TensorRef> {
    let mut t = Tensor::f_empty(shape, (tch::Kind::Float, tch::Device::Cpu))?;
    if t.numel() > 0 {
        let _ng = tch::no_grad_guard();
        let _ = t.f_uniform_(-bound, bound)?;
    }
    TensorRef::parameter(&t, true)
}

/// `Parameter(empty(shape))` filled by `init.normal_` (mean 0, std 1), consuming the RNG like it.
pub(crate) fn normal_parameter(shape: &[i64]) -> Result<TensorRef> {
    let mut t = Tensor::f_empty(shape, (tch::Kind::Float, tch::Device::Cpu))?;
    if t.numel() > 0 {
        let _ng = tch::no_grad_guard();
        let _ = t.f_normal_(0.0, 1.0)?;
    }
    TensorRef::parameter(&t, true)
}

/// `Parameter(empty(shape))` filled by `init.ones_` / `init.zeros_` (no RNG).
pub(crate) fn filled_parameter(shape: &[i64], value: f64) -> Result<TensorRef> {
    let t = crate::tensor::full(shape, value, tch::Kind::Float)?;
    TensorRef::parameter(&t, true)
}

/// `str(self.<name>)`, as `extra_repr`'s `"{name}".format(**self.__dict__)` prints a setting.
pub(crate) fn setting_str(m: &Module, name: &str) -> String {
    m.getattr(name).map(|v| v.py_str()).unwrap_or_default()
}

/// `self.<name> is not None` for `extra_repr` (`bias=...`): reads a registry slot without
/// marking it read, and falls back to `getattr` (a parametrized `bias` is a property).
pub(crate) fn attr_is_not_none(m: &Module, name: &str) -> bool {
    {
        let d = m.data();
        if !d.properties.contains_key(name) && !d.attrs.contains_key(name) {
            if let Some(s) = d.parameters.get(name).or_else(|| d.buffers.get(name)) {
                return s.is_some();
            }
        }
    }
    m.getattr(name).map(|v| !v.is_none()).unwrap_or(false)
}

/// A tuple-of-ints setting (`stride`, `kernel_size`); a bare int reads as a 1-tuple.
pub(crate) fn attr_ints(m: &Module, name: &str) -> Result<Vec<i64>> {
    let bad = |what: String| {
        Error::type_error("nn::setting_type", format!("{name} is {what}, a tuple of ints was expected"))
    };
    match m.getattr(name)? {
        Value::Int(i) => Ok(vec![i]),
        Value::Tuple(items) | Value::List(items) => items
            .borrow().iter()
            .map(|v| match v {
                Value::Int(i) => Ok(*i),
                other => Err(bad(format!("a sequence holding {}", other.type_name()))),
            })
            .collect(),
        other => Err(bad(other.type_name())),
    }
}

/// A tuple of ints as a `Value` (Python's `(1, 1)`).
pub(crate) fn ints_value(v: &[i64]) -> Value {
    Value::tuple(v.iter().map(|&i| Value::Int(i)).collect())
}

/// `torch.Size([2, 3])`, as PyTorch's messages print a shape.
/// A Python tuple of ints as Python prints it: `(2, 3, 4)`, `(5,)`.
pub(crate) fn py_tuple(v: &[i64]) -> String {
    let items: Vec<String> = v.iter().map(i64::to_string).collect();
    if items.len() == 1 {
        format!("({},)", items[0])
    } else {
        format!("({})", items.join(", "))
    }
}

pub(crate) fn torch_size(shape: &[i64]) -> String {
    let dims: Vec<String> = shape.iter().map(i64::to_string).collect();
    format!("torch.Size([{}])", dims.join(", "))
}

/// Python's list of names in a "missing N required positional arguments" message.
fn py_name_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        2 => format!("{} and {}", quoted[0], quoted[1]),
        n => format!("{}, and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// The arguments of a built-in forward `forward(self, *names)` whose first `required` names
/// have no default, bound from positions and keywords with Python's errors for arity,
/// duplicates and unknown keywords; an argument not given is None.
pub(crate) fn forward_args(m: &Module, args: &[Value], kwargs: &Kwargs, names: &[&str], required: usize) -> Result<Vec<Option<Value>>> {
    let class = m.class_name();
    if args.len() > names.len() {
        let takes = if required == names.len() {
            format!("{} positional arguments", names.len() + 1)
        } else {
            format!("from {} to {} positional arguments", required + 1, names.len() + 1)
        };
        return Err(Error::type_error(
            "call::too_many_arguments",
            format!("{class}.forward() takes {takes} but {} were given", args.len() + 1),
        ));
    }
    let mut bound: Vec<Option<Value>> = args.iter().cloned().map(Some).collect();
    bound.resize(names.len(), None);
    for (k, v) in kwargs {
        match names.iter().position(|n| n == k) {
            None => {
                return Err(Error::type_error(
                    "call::unexpected_keyword",
                    format!("{class}.forward() got an unexpected keyword argument '{k}'"),
                ))
            }
            Some(i) if bound[i].is_some() => {
                return Err(Error::type_error(
                    "call::multiple_values",
                    format!("{class}.forward() got multiple values for argument '{k}'"),
                ))
            }
            Some(i) => bound[i] = Some(v.clone()),
        }
    }
    let missing: Vec<&str> =
        names[..required].iter().zip(&bound).filter(|(_, b)| b.is_none()).map(|(n, _)| *n).collect();
    if !missing.is_empty() {
        let plural = if missing.len() == 1 { "argument" } else { "arguments" };
        return Err(Error::type_error(
            "call::missing_argument",
            format!(
                "{class}.forward() missing {} required positional {plural}: {}",
                missing.len(),
                py_name_list(&missing)
            ),
        ));
    }
    Ok(bound)
}

/// A forward argument that must be a tensor.
pub(crate) fn tensor_value(m: &Module, name: &str, v: Value) -> Result<TensorRef> {
    match v {
        Value::Tensor(t) => Ok(t),
        other => Err(Error::type_error(
            "call::argument_type",
            format!("{}.forward(): {name} must be a Tensor, not {}", m.class_name(), other.type_name()),
        )),
    }
}

/// The tensor arguments `names` of a built-in forward (`forward(self, input1, input2)`).
pub(crate) fn tensor_args(m: &Module, args: &[Value], kwargs: &Kwargs, names: &[&str]) -> Result<Vec<TensorRef>> {
    forward_args(m, args, kwargs, names, names.len())?
        .into_iter()
        .flatten()
        .zip(names)
        .map(|(v, name)| tensor_value(m, name, v))
        .collect()
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
