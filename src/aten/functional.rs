//! `torch.nn.functional`'s Python wrappers over a generated binding (torch/nn/functional.py):
//! their own signature and defaults (`dropout(input, p=0.5, training=True, inplace=False)`),
//! renamed arguments (`training` is the operator's `train`), and `inplace=True` choosing the
//! operator's in-place form (`silu_`), which returns the input object itself.
use std::rc::Rc;

use super::parse;
use super::signature::{Ns, Signature};
use crate::error::Result;
use crate::value::{Function, FunctionKind, Kwargs, Value};

/// (Python signature of the F function, namespace and binding it calls, renamed arguments).
const WRAPPERS: &[(&str, Ns, &str, &[(&str, &str)])] = &[
    ("dropout(Tensor input, double p=0.5, bool training=True, bool inplace=False)", Ns::Torch, "dropout", &[("training", "train")]),
    ("alpha_dropout(Tensor input, double p=0.5, bool training=False, bool inplace=False)", Ns::Torch, "alpha_dropout", &[("training", "train")]),
    ("silu(Tensor input, bool inplace=False)", Ns::Nn, "silu", &[]),
    ("mish(Tensor input, bool inplace=False)", Ns::Nn, "mish", &[]),
    ("relu6(Tensor input, bool inplace=False)", Ns::Nn, "relu6", &[]),
    ("hardswish(Tensor input, bool inplace=False)", Ns::Nn, "hardswish", &[]),
    ("hardsigmoid(Tensor input, bool inplace=False)", Ns::Nn, "hardsigmoid", &[]),
    ("elu(Tensor input, double alpha=1.0, bool inplace=False)", Ns::Nn, "elu", &[]),
    ("selu(Tensor input, bool inplace=False)", Ns::Torch, "selu", &[]),
    ("celu(Tensor input, double alpha=1.0, bool inplace=False)", Ns::Torch, "celu", &[]),
    ("leaky_relu(Tensor input, double negative_slope=0.01, bool inplace=False)", Ns::Nn, "leaky_relu", &[]),
    ("hardtanh(Tensor input, double min_val=-1.0, double max_val=1.0, bool inplace=False)", Ns::Nn, "hardtanh", &[]),
];

/// A default's text as a Python value (`0.5`, `True`, `-1`, `None`).
fn default_value(text: &str) -> Value {
    match text {
        "True" => Value::Bool(true),
        "False" => Value::Bool(false),
        "None" => Value::None,
        t => t.parse::<i64>().map(Value::Int).or_else(|_| t.parse::<f64>().map(Value::Float)).unwrap_or(Value::None),
    }
}

fn call(sig: &Signature, ns: Ns, op: &str, renames: &[(&str, &str)], pos: &[Value], kw: &Kwargs) -> Result<Value> {
    let b = parse::parse(sig, pos, kw, true)?.expect("raise mode returns a binding or an error");
    let mut inplace = false;
    let mut args: Kwargs = Vec::new();
    for (p, given) in sig.params.iter().zip(b.given) {
        let v = given.unwrap_or_else(|| p.default.as_deref().map(default_value).unwrap_or(Value::None));
        if p.name == "inplace" {
            inplace = matches!(v, Value::Bool(true));
            continue;
        }
        let name = renames.iter().find(|(f, _)| *f == p.name).map_or(p.name.as_str(), |(_, o)| o);
        args.push((name.to_string(), v));
    }
    let op = if inplace { format!("{op}_") } else { op.to_string() };
    super::call(ns, &op, None, &[], &args)
}

/// Every wrapper as (F name, function object).
pub fn wrappers() -> Vec<(String, Value)> {
    WRAPPERS
        .iter()
        .filter_map(|(python, ns, op, renames)| {
            let sig = Rc::new(Signature::new(python, &format!("{op}() -> Tensor"))?);
            let name = sig.name.clone();
            let (ns, op, renames) = (*ns, *op, *renames);
            let f = Function::new(name.clone(), FunctionKind::Builtin, move |pos, kw| call(&sig, ns, op, renames, pos, kw));
            Some((name, f))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_wrapper_parses_and_calls_a_binding() {
        assert_eq!(super::wrappers().len(), super::WRAPPERS.len());
        for (_, ns, op, _) in super::WRAPPERS {
            assert!(super::super::lookup(*ns, op).is_some(), "{op}");
            assert!(super::super::lookup(*ns, &format!("{op}_")).is_some(), "{op}_");
        }
    }
}
