//! `nn.Linear` and `nn.Bilinear`: weight `(out, in)` / `(out, in1, in2)`, optional bias,
//! initialised with the same RNG calls as their `reset_parameters`.
use super::{
    attr_is_not_none, fan_in_bound, input_arg, kaiming_uniform_bound, new_builtin, ok_tensor, py_bool, setting_str, slot, tensor_args,
    uniform_parameter,
};
use crate::error::{Error, Result};
use crate::nn::Module;
use crate::value::{Kwargs, Value};

const PATH: &str = "torch.nn.modules.linear";

/// `nn.Linear(in_features, out_features, bias=True)`.
pub fn linear(in_features: i64, out_features: i64, bias: bool) -> Result<Module> {
    let m = new_builtin("Linear", PATH, linear_forward, linear_repr);
    m.set_setting("in_features", Value::Int(in_features));
    m.set_setting("out_features", Value::Int(out_features));
    m.register_parameter("weight", Some(uniform_parameter(&[out_features, in_features], kaiming_uniform_bound(in_features))?))?;
    let b = if bias { Some(uniform_parameter(&[out_features], fan_in_bound(in_features))?) } else { None };
    m.register_parameter("bias", b)?;
    Ok(m)
}

fn linear_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    let x = input_arg(m, args, kwargs)?;
    let w = slot(m, "weight")?;
    let b = m.tensor_attr("bias")?;
    ok_tensor(x.tensor().f_linear(w.tensor(), b.as_ref().map(|b| b.tensor()))?)
}

fn linear_repr(m: &Module) -> String {
    format!(
        "in_features={}, out_features={}, bias={}",
        setting_str(m, "in_features"),
        setting_str(m, "out_features"),
        py_bool(attr_is_not_none(m, "bias"))
    )
}

/// `nn.Bilinear(in1_features, in2_features, out_features, bias=True)`: weight
/// `(out, in1, in2)` and bias both `uniform_(-1/sqrt(in1), 1/sqrt(in1))`, weight first.
pub fn bilinear(in1_features: i64, in2_features: i64, out_features: i64, bias: bool) -> Result<Module> {
    if in1_features <= 0 {
        return Err(Error::value(
            "nn::bilinear_in1_features",
            format!("in1_features must be > 0, but got (in1_features={in1_features})"),
        ));
    }
    let m = new_builtin("Bilinear", PATH, bilinear_forward, bilinear_repr);
    m.set_setting("in1_features", Value::Int(in1_features));
    m.set_setting("in2_features", Value::Int(in2_features));
    m.set_setting("out_features", Value::Int(out_features));
    let bound = 1.0 / (in1_features as f64).sqrt();
    m.register_parameter("weight", Some(uniform_parameter(&[out_features, in1_features, in2_features], bound)?))?;
    let b = if bias { Some(uniform_parameter(&[out_features], bound)?) } else { None };
    m.register_parameter("bias", b)?;
    Ok(m)
}

fn bilinear_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    let xs = tensor_args(m, args, kwargs, &["input1", "input2"])?;
    let w = slot(m, "weight")?;
    let b = m.tensor_attr("bias")?;
    ok_tensor(tch::Tensor::f_bilinear(xs[0].tensor(), xs[1].tensor(), w.tensor(), b.as_ref().map(|b| b.tensor()))?)
}

fn bilinear_repr(m: &Module) -> String {
    format!(
        "in1_features={}, in2_features={}, out_features={}, bias={}",
        setting_str(m, "in1_features"),
        setting_str(m, "in2_features"),
        setting_str(m, "out_features"),
        py_bool(attr_is_not_none(m, "bias"))
    )
}
