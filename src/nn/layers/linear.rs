//! `nn.Linear` (and `nn.Bilinear`): weight `(out, in)`, optional bias, Kaiming-uniform init.
use super::{input_arg, kaiming_uniform_bound, fan_in_bound, new_builtin, ok_tensor, py_bool, slot, uniform_parameter};
use crate::error::Result;
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
    let has_bias = matches!(m.data().parameters.get("bias"), Some(Some(_)));
    format!(
        "in_features={}, out_features={}, bias={}",
        m.attr_i64("in_features").unwrap_or(0),
        m.attr_i64("out_features").unwrap_or(0),
        py_bool(has_bias)
    )
}
