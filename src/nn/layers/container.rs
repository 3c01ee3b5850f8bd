//! Containers: `Sequential` (children `0`, `1`, ...; forward chains them), `ModuleList` and
//! `ModuleDict` (no forward of their own, as in torch.nn).
use super::{new_builtin, no_extra};
use crate::error::Result;
use crate::nn::module::missing_forward;
use crate::nn::Module;
use crate::value::{Kwargs, Value};

const PATH: &str = "torch.nn.modules.container";

fn sequential_forward(m: &Module, args: &[Value], kwargs: &Kwargs) -> Result<Value> {
    let children: Vec<Module> = m.data().modules.values().flatten().cloned().collect();
    let mut it = children.into_iter();
    let Some(first) = it.next() else {
        return match args {
            [x] => Ok(x.clone()),
            _ => super::input_arg(m, args, kwargs).map(Value::Tensor),
        };
    };
    let mut x = first.call(args, kwargs)?;
    for c in it {
        x = c.call(&[x], &Vec::new())?;
    }
    Ok(x)
}

fn no_forward(m: &Module, _: &[Value], _: &Kwargs) -> Result<Value> {
    Err(missing_forward(m))
}

/// `nn.Sequential(*modules)`.
pub fn sequential(modules: Vec<Module>) -> Result<Module> {
    sequential_named(modules.into_iter().enumerate().map(|(i, c)| (i.to_string(), c)).collect())
}

/// `nn.Sequential(OrderedDict([(name, module), ...]))`: children named by the keys.
pub fn sequential_named(modules: Vec<(String, Module)>) -> Result<Module> {
    let m = new_builtin("Sequential", PATH, sequential_forward, no_extra);
    for (k, c) in modules {
        m.add_module(&k, Some(c))?;
    }
    Ok(m)
}

/// `Sequential.append(module)`: the next index.
pub fn append(seq: &Module, module: Module) -> Result<()> {
    let n = seq.data().modules.len();
    seq.add_module(&n.to_string(), Some(module))
}

/// `nn.ModuleList(modules)`.
pub fn module_list(modules: Vec<Module>) -> Result<Module> {
    let m = new_builtin("ModuleList", PATH, no_forward, no_extra);
    for (i, c) in modules.into_iter().enumerate() {
        m.add_module(&i.to_string(), Some(c))?;
    }
    Ok(m)
}

/// `nn.ModuleDict()`.
pub fn module_dict() -> Module {
    new_builtin("ModuleDict", PATH, no_forward, no_extra)
}

/// `ParameterList.extra_repr`: `  (0): Parameter containing: [torch.float32 of size 2x3]`.
fn parameter_list_repr(m: &Module) -> String {
    let n = match m.data().attrs.get("_size") {
        Some(Value::Int(n)) => *n,
        _ => 0,
    };
    (0..n)
        .map(|k| {
            let v = m.getattr(&k.to_string()).unwrap_or(Value::None);
            format!("  ({k}): {}", entry_repr(&v, |t| format!("torch.{}", crate::tensor::dtype_name(t.tensor().kind()))))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `ParameterDict.extra_repr`: `  (a): Parameter containing: [torch.FloatTensor of size 2]`.
fn parameter_dict_repr(m: &Module) -> String {
    let keys: Vec<String> = parameter_dict_keys(m);
    keys.iter()
        .map(|k| {
            let v = m.getattr(k).unwrap_or(Value::None);
            format!("  ({k}): {}", entry_repr(&v, |t| crate::tensor::torch_typename(t)))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn entry_repr(v: &Value, dtype: impl Fn(&crate::tensor::TensorRef) -> String) -> String {
    match v {
        Value::Tensor(t) => {
            let size = t.shape().iter().map(i64::to_string).collect::<Vec<_>>().join("x");
            format!("{} containing: [{} of size {size}]", if t.is_parameter() { "Parameter" } else { "Tensor" }, dtype(t))
        }
        other => format!("Object of type: {}", other.type_name()),
    }
}

/// `nn.ParameterList()`: entries named `0`, `1`, ... (their count in `_size`).
pub fn parameter_list() -> Module {
    let m = new_builtin("ParameterList", PATH, no_forward, parameter_list_repr);
    m.set_setting("_size", Value::Int(0));
    m
}

/// `nn.ParameterDict()`: entries by key (their order in `_keys`).
pub fn parameter_dict() -> Module {
    let m = new_builtin("ParameterDict", PATH, no_forward, parameter_dict_repr);
    m.set_setting("_keys", Value::Dict(crate::value::DictRef::new()));
    m
}

/// A ParameterDict's keys, in order.
pub fn parameter_dict_keys(m: &Module) -> Vec<String> {
    match m.data().attrs.get("_keys") {
        Some(Value::Dict(d)) => d.borrow().keys().cloned().collect(),
        _ => Vec::new(),
    }
}
