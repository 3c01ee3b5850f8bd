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
    let m = new_builtin("Sequential", PATH, sequential_forward, no_extra);
    for (i, c) in modules.into_iter().enumerate() {
        m.add_module(&i.to_string(), Some(c))?;
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
