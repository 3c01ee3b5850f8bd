//! Parameter-free layers: ReLU, Tanh, Sigmoid, GELU, Identity (and later Dropout, Flatten).
use super::{input_arg, new_builtin, no_extra, ok_tensor};
use crate::error::Result;
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
