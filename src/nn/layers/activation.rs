//! Parameter-free layers: ReLU, Tanh, Sigmoid, GELU, Identity, Dropout, Flatten.
use super::{input_arg, new_builtin, no_extra, ok_tensor, setting_str};
use crate::error::{Error, Result};
use crate::nn::Module;
use crate::value::{Kwargs, Value};

const ACTIVATION: &str = "torch.nn.modules.activation";

fn relu_forward(m: &Module, a: &[Value], k: &Kwargs) -> Result<Value> {
    ok_tensor(input_arg(m, a, k)?.tensor().f_relu()?)
}
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
    new_builtin("ReLU", ACTIVATION, relu_forward, no_extra)
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
