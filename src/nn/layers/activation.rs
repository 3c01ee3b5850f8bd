//! Pointwise layers and their kin: the activations of `torch.nn.modules.activation` (ReLU and
//! the other `inplace`-only ones, LeakyReLU, ELU, Softplus, Hardtanh, Softmax, LogSoftmax, GLU,
//! PReLU with its weight, ...), GELU, Identity, Dropout, Flatten and Unflatten. Number settings
//! are kept as Python gave them (`LeakyReLU(1)` prints `negative_slope=1`).
use std::rc::Rc;
use tch::{TchError, Tensor};

use super::{filled_parameter, input_arg, new_builtin, no_extra, ok_tensor, setting_str, slot};
use crate::error::{Error, ExcType, Result};
use crate::nn::{Module, ModuleImpl};
use crate::tensor::shim::{scalar_activation, ScalarActivation};
use crate::value::{Kwargs, Value};

const ACTIVATION: &str = "torch.nn.modules.activation";

fn tanh_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    ok_tensor(input_arg(m, a, k)?.tensor().f_tanh()?)
}
fn sigmoid_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    ok_tensor(input_arg(m, a, k)?.tensor().f_sigmoid()?)
}
fn gelu_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    let approximate = match m.getattr("approximate")? {
        Value::Str(s) => s.to_string(),
        _ => "none".to_string(),
    };
    ok_tensor(input_arg(m, a, k)?.tensor().f_gelu(&approximate)?)
}
fn identity_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    Ok(Value::Tensor(input_arg(m, a, k)?))
}

/// `nn.ReLU()`.
pub fn relu() -> Module {
    inplace_activation("ReLU", false).expect("ReLU is in the table")
}
/// `nn.Tanh()`.
pub fn tanh() -> Module {
    new_builtin("Tanh", ACTIVATION, tanh_forward, no_extra)
}
/// `nn.Sigmoid()`.
pub fn sigmoid() -> Module {
    new_builtin("Sigmoid", ACTIVATION, sigmoid_forward, no_extra)
}
/// `nn.GELU(approximate='none')`.
pub fn gelu(approximate: &str) -> Module {
    let m = new_builtin("GELU", ACTIVATION, gelu_forward, |m| match m.getattr("approximate") {
        Ok(Value::Str(s)) => format!("approximate={}", crate::value::py_str_repr(&s)),
        _ => String::new(),
    });
    m.set_setting("approximate", Value::str(approximate));
    m
}
/// `nn.Identity()`.
pub fn identity() -> Module {
    new_builtin("Identity", "torch.nn.modules.linear", identity_forward, no_extra)
}

/// `F.dropout`'s and `_DropoutNd.__init__`'s range check.
fn check_p(p: f64, shown: &str) -> Result<()> {
    if !(0.0..=1.0).contains(&p) {
        return Err(Error::value(
            "nn::dropout_p",
            format!("dropout probability has to be between 0 and 1, but got {shown}"),
        ));
    }
    Ok(())
}

/// `F.dropout(input, self.p, self.training, self.inplace)`: `at::dropout` draws its Bernoulli
/// mask from the global generator exactly as PyTorch does, and only in training mode.
fn dropout_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    let x = input_arg(m, a, k)?;
    let p = m.attr_f64("p")?;
    check_p(p, &setting_str(m, "p"))?;
    let training = m.training();
    if m.attr_bool("inplace")? {
        let _ = x.handle().f_dropout_(p, training)?;
        return Ok(Value::Tensor(x));
    }
    ok_tensor(x.tensor().f_dropout(p, training)?)
}

/// `nn.Dropout(p=0.5, inplace=False)`.
pub fn dropout(p: f64) -> Result<Module> {
    check_p(p, &crate::value::py_float_repr(p))?;
    let m = new_builtin("Dropout", "torch.nn.modules.dropout", dropout_forward, |m| {
        format!("p={}, inplace={}", setting_str(m, "p"), setting_str(m, "inplace"))
    });
    m.set_setting("p", Value::Float(p));
    m.set_setting("inplace", Value::Bool(false));
    Ok(m)
}

fn flatten_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    let x = input_arg(m, a, k)?;
    ok_tensor(x.tensor().f_flatten(m.attr_i64("start_dim")?, m.attr_i64("end_dim")?)?)
}

/// `nn.Flatten(start_dim=1, end_dim=-1)`.
pub fn flatten(start_dim: i64, end_dim: i64) -> Module {
    let m = new_builtin("Flatten", "torch.nn.modules.flatten", flatten_forward, |m| {
        format!("start_dim={}, end_dim={}", setting_str(m, "start_dim"), setting_str(m, "end_dim"))
    });
    m.set_setting("start_dim", Value::Int(start_dim));
    m.set_setting("end_dim", Value::Int(end_dim));
    m
}

/// A pointwise activation whose only setting is `inplace=False`: the op, its in-place variant
/// and whether `extra_repr` shows `inplace=True` (Hardswish and Hardsigmoid have no extra_repr).
struct InplaceOnly {
    class: &'static str,
    op: fn(&Tensor) -> std::result::Result<Tensor, TchError>,
    op_: fn(&mut Tensor) -> std::result::Result<Tensor, TchError>,
    shows_inplace: bool,
}

const INPLACE_ONLY: &[InplaceOnly] = &[
    InplaceOnly { class: "ReLU", op: Tensor::f_relu, op_: Tensor::f_relu_, shows_inplace: true },
    InplaceOnly { class: "ReLU6", op: Tensor::f_relu6, op_: Tensor::f_relu6_, shows_inplace: true },
    InplaceOnly { class: "SiLU", op: Tensor::f_silu, op_: Tensor::f_silu_, shows_inplace: true },
    InplaceOnly { class: "Mish", op: Tensor::f_mish, op_: Tensor::f_mish_, shows_inplace: true },
    InplaceOnly { class: "Hardswish", op: Tensor::f_hardswish, op_: Tensor::f_hardswish_, shows_inplace: false },
    InplaceOnly { class: "Hardsigmoid", op: Tensor::f_hardsigmoid, op_: Tensor::f_hardsigmoid_, shows_inplace: false },
];

/// The class of an [`InplaceOnly`] activation.
struct InplaceOnlyImpl(&'static InplaceOnly);

impl ModuleImpl for InplaceOnlyImpl {
    fn type_path(&self) -> &str {
        ACTIVATION
    }
    fn forward(&self, m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
        let x = input_arg(m, args, kwargs)?;
        if m.attr_bool("inplace")? {
            let _ = (self.0.op_)(&mut x.handle())?;
            return Ok(Value::Tensor(x));
        }
        ok_tensor((self.0.op)(x.tensor())?)
    }
    fn extra_repr(&self, m: &Module) -> String {
        inplace_repr(m, self.0.shows_inplace, "")
    }
}

/// `'inplace=True' if self.inplace else ''` (with `prefix` before it when shown).
fn inplace_repr(m: &Module, shows: bool, prefix: &str) -> String {
    if shows && matches!(m.getattr("inplace"), Ok(Value::Bool(true))) {
        format!("{prefix}inplace=True")
    } else {
        String::new()
    }
}

/// The class names of the `inplace`-only activations (`nn.SiLU(inplace=False)`, ...).
pub fn inplace_only_classes() -> impl Iterator<Item = &'static str> {
    INPLACE_ONLY.iter().map(|a| a.class)
}

/// `nn.ReLU(inplace)`, `nn.ReLU6`, `nn.SiLU`, `nn.Mish`, `nn.Hardswish`, `nn.Hardsigmoid`.
pub fn inplace_activation(class: &str, inplace: bool) -> Result<Module> {
    let a = INPLACE_ONLY.iter().find(|a| a.class == class).ok_or_else(|| {
        Error::value("nn::unknown_activation", format!("{class} is not an inplace-only activation"))
    })?;
    let m = Module::new(a.class, Rc::new(InplaceOnlyImpl(a)));
    m.set_setting("inplace", Value::Bool(inplace));
    Ok(m)
}

/// A Python number setting as f64 for the functional `op`, where it is argument `position`:
/// anything else is the TypeError PyTorch's argument parser raises at forward.
fn number(m: &Module, op: &str, name: &str, position: usize) -> Result<f64> {
    match m.getattr(name)? {
        Value::Int(i) => Ok(i as f64),
        Value::Bool(b) => Ok(b as i64 as f64),
        Value::Float(f) => Ok(f),
        other => Err(Error::type_error(
            "nn::setting_type",
            format!("{op}(): argument '{name}' (position {position}) must be Number, not {}", other.type_name()),
        )),
    }
}

/// A number argument checked like Python's float coercion would be at use.
fn check_number(class: &str, name: &str, v: &Value) -> Result<()> {
    match v {
        Value::Int(_) | Value::Float(_) | Value::Bool(_) => Ok(()),
        other => Err(Error::type_error(
            "nn::setting_type",
            format!("{class}(): argument '{name}' must be a number, not {}", other.type_name()),
        )),
    }
}

/// An activation forward through the shim's number-argument ops.
fn scalar_forward(m: &Module, args: &[Value], kwargs: &Kwargs, act: ScalarActivation) -> Result<Value> {
    let x = input_arg(m, args, kwargs)?;
    let inplace = m.data().attrs.get("inplace").is_some_and(|v| matches!(v, Value::Bool(true)));
    let out = scalar_activation(x.tensor(), act, inplace)?;
    if inplace {
        return Ok(Value::Tensor(x));
    }
    ok_tensor(out)
}

fn leaky_relu_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    let act = ScalarActivation::LeakyRelu { negative_slope: number(m, "leaky_relu", "negative_slope", 2)? };
    scalar_forward(m, a, k, act)
}
fn elu_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    scalar_forward(m, a, k, ScalarActivation::Elu { alpha: number(m, "elu", "alpha", 2)? })
}
fn softplus_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    let (beta, threshold) = (number(m, "softplus", "beta", 2)?, number(m, "softplus", "threshold", 3)?);
    scalar_forward(m, a, k, ScalarActivation::Softplus { beta, threshold })
}
fn hardtanh_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    let (min_val, max_val) = (number(m, "hardtanh", "min_val", 2)?, number(m, "hardtanh", "max_val", 3)?);
    scalar_forward(m, a, k, ScalarActivation::Hardtanh { min_val, max_val })
}

/// `nn.LeakyReLU(negative_slope=0.01, inplace=False)` (a non-number fails at forward, as in PyTorch).
pub fn leaky_relu(negative_slope: Value, inplace: bool) -> Result<Module> {
    let m = new_builtin("LeakyReLU", ACTIVATION, leaky_relu_forward, |m| {
        format!("negative_slope={}{}", setting_str(m, "negative_slope"), inplace_repr(m, true, ", "))
    });
    m.set_setting("negative_slope", negative_slope);
    m.set_setting("inplace", Value::Bool(inplace));
    Ok(m)
}

/// `nn.ELU(alpha=1.0, inplace=False)`.
pub fn elu(alpha: Value, inplace: bool) -> Result<Module> {
    let m = new_builtin("ELU", ACTIVATION, elu_forward, |m| {
        format!("alpha={}{}", setting_str(m, "alpha"), inplace_repr(m, true, ", "))
    });
    m.set_setting("alpha", alpha);
    m.set_setting("inplace", Value::Bool(inplace));
    Ok(m)
}

/// `nn.Softplus(beta=1.0, threshold=20.0)`.
pub fn softplus(beta: Value, threshold: Value) -> Result<Module> {
    let m = new_builtin("Softplus", ACTIVATION, softplus_forward, |m| {
        format!("beta={}, threshold={}", setting_str(m, "beta"), setting_str(m, "threshold"))
    });
    m.set_setting("beta", beta);
    m.set_setting("threshold", threshold);
    Ok(m)
}

/// `nn.Hardtanh(min_val=-1.0, max_val=1.0, inplace=False)`, with `Hardtanh.__init__`'s check.
pub fn hardtanh(min_val: Value, max_val: Value, inplace: bool) -> Result<Module> {
    check_number("Hardtanh", "min_val", &min_val)?;
    check_number("Hardtanh", "max_val", &max_val)?;
    let as_f64 = |v: &Value| match v {
        Value::Int(i) => *i as f64,
        Value::Bool(b) => *b as i64 as f64,
        Value::Float(f) => *f,
        _ => f64::NAN,
    };
    if as_f64(&max_val) <= as_f64(&min_val) {
        return Err(Error::new(
            ExcType::AssertionError,
            "nn::hardtanh_range",
            format!("max_val ({}) must be greater than min_val ({})", max_val.py_str(), min_val.py_str()),
        ));
    }
    let m = new_builtin("Hardtanh", ACTIVATION, hardtanh_forward, |m| {
        format!("min_val={}, max_val={}{}", setting_str(m, "min_val"), setting_str(m, "max_val"), inplace_repr(m, true, ", "))
    });
    m.set_setting("min_val", min_val);
    m.set_setting("max_val", max_val);
    m.set_setting("inplace", Value::Bool(inplace));
    Ok(m)
}

fn softsign_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    // F.softsign: `input / (input.abs() + 1)`
    let x = input_arg(m, a, k)?;
    let x = x.tensor();
    ok_tensor(x.f_div(&x.f_abs()?.f_add_scalar(1i64)?)?)
}
fn tanhshrink_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    // F.tanhshrink: `input - input.tanh()`
    let x = input_arg(m, a, k)?;
    ok_tensor(x.tensor().f_sub(&x.tensor().f_tanh()?)?)
}

/// `nn.Softsign()`.
pub fn softsign() -> Module {
    new_builtin("Softsign", ACTIVATION, softsign_forward, no_extra)
}
/// `nn.Tanhshrink()`.
pub fn tanhshrink() -> Module {
    new_builtin("Tanhshrink", ACTIVATION, tanhshrink_forward, no_extra)
}

/// `F._get_softmax_dim`: the implicit `dim` of `Softmax()` / `LogSoftmax()`.
fn softmax_dim(m: &Module, ndim: usize) -> Result<i64> {
    match m.getattr("dim")? {
        Value::None => Ok(if matches!(ndim, 0 | 1 | 3) { 0 } else { 1 }),
        _ => m.attr_i64("dim"),
    }
}
fn softmax_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    let x = input_arg(m, a, k)?;
    ok_tensor(x.tensor().f_softmax(softmax_dim(m, x.tensor().dim())?, None::<tch::Kind>)?)
}
fn log_softmax_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    let x = input_arg(m, a, k)?;
    ok_tensor(x.tensor().f_log_softmax(softmax_dim(m, x.tensor().dim())?, None::<tch::Kind>)?)
}
fn dim_repr(m: &Module) -> String {
    format!("dim={}", setting_str(m, "dim"))
}

/// `nn.Softmax(dim=None)`.
pub fn softmax(dim: Option<i64>) -> Module {
    let m = new_builtin("Softmax", ACTIVATION, softmax_forward, dim_repr);
    m.set_setting("dim", dim.map(Value::Int).unwrap_or(Value::None));
    m
}
/// `nn.LogSoftmax(dim=None)`.
pub fn log_softmax(dim: Option<i64>) -> Module {
    let m = new_builtin("LogSoftmax", ACTIVATION, log_softmax_forward, dim_repr);
    m.set_setting("dim", dim.map(Value::Int).unwrap_or(Value::None));
    m
}

fn glu_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    let x = input_arg(m, a, k)?;
    if x.tensor().dim() == 0 {
        return Err(Error::runtime("nn::glu_scalar", "glu does not support scalars because halving size must be even"));
    }
    ok_tensor(x.tensor().f_glu(m.attr_i64("dim")?)?)
}

/// `nn.GLU(dim=-1)`.
pub fn glu(dim: i64) -> Module {
    let m = new_builtin("GLU", ACTIVATION, glu_forward, dim_repr);
    m.set_setting("dim", Value::Int(dim));
    m
}

fn prelu_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    let x = input_arg(m, a, k)?;
    ok_tensor(x.tensor().f_prelu(slot(m, "weight")?.tensor())?)
}

/// `nn.PReLU(num_parameters=1, init=0.25)`: weight `(num_parameters,)` filled with `init`.
pub fn prelu(num_parameters: i64, init: Value) -> Result<Module> {
    check_number("PReLU", "init", &init)?;
    let fill = match &init {
        Value::Int(i) => *i as f64,
        Value::Bool(b) => *b as i64 as f64,
        Value::Float(f) => *f,
        _ => 0.0,
    };
    let m = new_builtin("PReLU", ACTIVATION, prelu_forward, |m| format!("num_parameters={}", setting_str(m, "num_parameters")));
    m.set_setting("num_parameters", Value::Int(num_parameters));
    m.set_setting("init", init);
    m.register_parameter("weight", Some(filled_parameter(&[num_parameters], fill)?))?;
    Ok(m)
}

fn unflatten_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    let x = input_arg(m, a, k)?;
    let sizes = super::attr_ints(m, "unflattened_size")?;
    ok_tensor(x.tensor().f_unflatten(m.attr_i64("dim")?, sizes.as_slice())?)
}

/// `nn.Unflatten(dim, unflattened_size)`, with `_require_tuple_int`'s TypeErrors; the size is
/// kept as given (a tuple, a list or a torch.Size).
pub fn unflatten(dim: i64, unflattened_size: Value) -> Result<Module> {
    match &unflattened_size {
        Value::Tuple(items) | Value::List(items) | Value::Size(items) => {
            for (i, v) in items.borrow().iter().enumerate() {
                if !matches!(v, Value::Int(_) | Value::Bool(_)) {
                    return Err(Error::type_error(
                        "nn::unflatten_size",
                        format!("unflattened_size must be tuple of ints, but found element of type {} at pos {i}", v.type_name()),
                    ));
                }
            }
        }
        other => {
            return Err(Error::type_error(
                "nn::unflatten_size",
                format!("unflattened_size must be a tuple of ints, but found type {}", other.type_name()),
            ))
        }
    }
    let m = new_builtin("Unflatten", "torch.nn.modules.flatten", unflatten_forward, |m| {
        format!("dim={}, unflattened_size={}", setting_str(m, "dim"), setting_str(m, "unflattened_size"))
    });
    m.set_setting("dim", Value::Int(dim));
    m.set_setting("unflattened_size", unflattened_size);
    Ok(m)
}
