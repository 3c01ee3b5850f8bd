//! `torch.nn.init`: the in-place initialisers models call on their parameters (nanoGPT's
//! `_init_weights`). As in torch, each fills the tensor under `no_grad` and returns it.
use super::args::Args;
use crate::error::{Error, Result};
use crate::value::{Function, FunctionKind, Kwargs, Namespace, Value};

/// (name, parameter names after `tensor`, their defaults, the Tensor method torch calls).
const INITS: &[(&str, &[&str], &[f64], &str)] = &[
    ("normal_", &["mean", "std"], &[0.0, 1.0], "normal_"),
    ("uniform_", &["a", "b"], &[0.0, 1.0], "uniform_"),
    ("constant_", &["val"], &[f64::NAN], "fill_"),
    ("zeros_", &[], &[], "zero_"),
    ("ones_", &[], &[], "fill_"),
];

fn init(name: &'static str, params: &'static [&'static str], defaults: &'static [f64], method: &str, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    let mut names = vec!["tensor"];
    names.extend_from_slice(params);
    let required = if name == "constant_" { 2 } else { 1 };
    let a = Args::bind(name, &names, required, pos, kw)?;
    let t = match a.value("tensor") {
        Value::Tensor(t) => t,
        // torch calls the Tensor method on whatever it was given.
        other => return Err(Error::attribute("eval::no_attribute", format!("'{}' object has no attribute '{method}'", other.type_name()))),
    };
    let v: Vec<f64> = params.iter().zip(defaults).map(|(p, d)| a.float(p, *d)).collect::<Result<_>>()?;
    let mut h = t.handle();
    tch::no_grad(|| -> Result<()> {
        let _ = match name {
            "normal_" => h.f_normal_(v[0], v[1])?,
            "uniform_" => h.f_uniform_(v[0], v[1])?,
            "constant_" => h.f_fill_(v[0])?,
            "zeros_" => h.f_zero_()?,
            _ => h.f_fill_(1.0)?,
        };
        Ok(())
    })?;
    Ok(Value::Tensor(t))
}

/// torch.nn.init.calculate_gain.
fn gain(nonlinearity: &str, a: f64) -> Result<f64> {
    Ok(match nonlinearity {
        "linear" | "conv1d" | "conv2d" | "conv3d" | "conv_transpose1d" | "conv_transpose2d" | "conv_transpose3d" | "sigmoid" => 1.0,
        "tanh" => 5.0 / 3.0,
        "relu" => 2f64.sqrt(),
        "leaky_relu" => (2.0 / (1.0 + a * a)).sqrt(),
        "selu" => 0.75,
        other => return Err(Error::value("nn::init_nonlinearity", format!("Unsupported nonlinearity {other}"))),
    })
}

/// `kaiming_normal_` / `kaiming_uniform_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu')`.
fn kaiming(name: &'static str, pos: &[Value], kw: &Kwargs) -> Result<Value> {
    let a = Args::bind(name, &["tensor", "a", "mode", "nonlinearity", "generator"], 1, pos, kw)?;
    let t = match a.value("tensor") {
        Value::Tensor(t) => t,
        other => return Err(Error::attribute("eval::no_attribute", format!("'{}' object has no attribute 'dim'", other.type_name()))),
    };
    let shape = t.shape();
    if shape.len() < 2 {
        return Err(Error::value("nn::init_fan", "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"));
    }
    let receptive: i64 = shape[2..].iter().product();
    let mode = a.string("mode", "fan_in")?;
    let fan = match mode.as_str() {
        "fan_in" => shape[1] * receptive,
        "fan_out" => shape[0] * receptive,
        other => return Err(Error::value("nn::init_mode", format!("Mode {other} not supported, please use one of ['fan_in', 'fan_out']"))),
    };
    let std = gain(&a.string("nonlinearity", "leaky_relu")?, a.float("a", 0.0)?)? / (fan as f64).sqrt();
    let mut h = t.handle();
    tch::no_grad(|| -> Result<()> {
        let _ = if name == "kaiming_normal_" { h.f_normal_(0.0, std)? } else { h.f_uniform_(-(3f64.sqrt()) * std, 3f64.sqrt() * std)? };
        Ok(())
    })?;
    Ok(Value::Tensor(t))
}

/// Fills the `torch.nn.init` module.
pub fn add(ns: &Namespace) {
    for (name, params, defaults, method) in INITS {
        let (name, params, defaults, method): (&'static str, &'static [&'static str], &'static [f64], &'static str) = (name, params, defaults, method);
        ns.set(name, Function::new(format!("torch.nn.init.{name}"), FunctionKind::Builtin, move |pos, kw| init(name, params, defaults, method, pos, kw)));
    }
    for name in ["kaiming_normal_", "kaiming_uniform_"] {
        ns.set(name, Function::new(format!("torch.nn.init.{name}"), FunctionKind::Builtin, move |pos, kw| kaiming(name, pos, kw)));
    }
}
