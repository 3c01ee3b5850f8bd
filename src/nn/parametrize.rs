//! `torch.nn.utils.parametrize`: `register_parametrization` moves the tensor to
//! `parametrizations.<name>.original`, renames the class `Parametrized<Class>` and installs a
//! property `<name>` whose getter computes the parametrization and whose setter runs
//! `right_inverse` and writes `original` in place with `set_` (SEMANTICS.md §7).
use std::rc::Rc;

use super::layers::container::module_dict;
use super::module::{bump_structure, ModuleImpl, Property};
use super::Module;
use crate::error::{Error, Result};
use crate::tensor::TensorRef;
use crate::value::{Kwargs, Value};

const PARAMETRIZE_PATH: &str = "torch.nn.utils.parametrize";

/// `ParametrizationList`: children `0`, `1`, ... applied in order to `original`.
struct ParametrizationList;

impl ModuleImpl for ParametrizationList {
    fn type_path(&self) -> &str {
        PARAMETRIZE_PATH
    }
    fn forward(&self, m: &Module, _args: &[Value], _kwargs: &Kwargs) -> Result<Value> {
        let mut x = m.getattr("original")?;
        let mut i = 0;
        while let Some(Some(p)) = m.data().modules.get(&i.to_string()).cloned() {
            x = p.call(&[x], &Vec::new())?;
            i += 1;
        }
        Ok(x)
    }
}

/// `is_parametrized(module, tensor_name)`.
pub fn is_parametrized(module: &Module, tensor_name: Option<&str>) -> bool {
    let Some(Some(p)) = module.data().modules.get("parametrizations").cloned() else { return false };
    match tensor_name {
        None => !p.data().modules.is_empty(),
        Some(n) => p.data().modules.contains_key(n),
    }
}

/// `register_parametrization(module, tensor_name, parametrization)`.
pub fn register_parametrization(module: &Module, tensor_name: &str, parametrization: &Module) -> Result<()> {
    parametrization.train(module.training())?;
    if is_parametrized(module, Some(tensor_name)) {
        let list = parametrizations_of(module, tensor_name)?;
        let n = list.data().modules.len();
        list.add_module(&n.to_string(), Some(parametrization.clone()))?;
        return Ok(());
    }
    let registered = {
        let d = module.data();
        d.parameters.get(tensor_name).or_else(|| d.buffers.get(tensor_name)).cloned()
    };
    let Some(Some(original)) = registered else {
        return Err(Error::value(
            "parametrize::no_tensor",
            format!(
                "Module '{}' does not have a parameter, a buffer, or a parametrized element with name '{tensor_name}'",
                module.repr()
            ),
        ));
    };
    // ParametrizationList.__init__: original.set_(right_inverse(original)) where defined.
    let list = Module::new("ParametrizationList", Rc::new(ParametrizationList));
    list.add_module("0", Some(parametrization.clone()))?;
    {
        let _ng = tch::no_grad_guard();
        let mut new = Value::Tensor(original.clone());
        if let Some(r) = parametrization.imp().right_inverse(parametrization, &new) {
            new = r?;
        }
        let Value::Tensor(new) = new else {
            return Err(Error::value("parametrize::right_inverse_type", "'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...)."));
        };
        if new.kind() != original.kind() {
            return Err(Error::value(
                "parametrize::dtype",
                "When `right_inverse` outputs one tensor, it may not change the dtype.",
            ));
        }
        let _ = original.handle().f_set_source_tensor_(new.tensor())?;
    }
    if original.is_parameter() {
        list.register_parameter("original", Some(original))?;
    } else {
        list.register_buffer("original", Some(original), true)?;
    }
    module.delattr(tensor_name)?;
    let dict = match module.data().modules.get("parametrizations").cloned() {
        Some(Some(d)) => Some(d),
        _ => None,
    };
    let dict = match dict {
        Some(d) => d,
        None => {
            let d = module_dict();
            module.add_module("parametrizations", Some(d.clone()))?;
            let mut md = module.data_mut();
            if !md.class_name.starts_with("Parametrized") {
                md.class_name = format!("Parametrized{}", md.class_name);
                md.class_module = PARAMETRIZE_PATH.to_string();
            }
            d
        }
    };
    dict.add_module(tensor_name, Some(list))?;
    module.add_property(tensor_name, Property::Parametrization);
    bump_structure();
    Ok(())
}

fn parametrizations_of(module: &Module, tensor_name: &str) -> Result<Module> {
    module.getattr("parametrizations")?.as_module().cloned().and_then(|d| d.data().modules.get(tensor_name).cloned().flatten()).ok_or_else(
        || Error::attribute("parametrize::missing", format!("'{}' object has no attribute '{tensor_name}'", module.class_name())),
    )
}

/// The property getter: `parametrizations[name]()`.
pub(crate) fn get_parametrized(module: &Module, tensor_name: &str) -> Result<Value> {
    let list = parametrizations_of(module, tensor_name)?;
    list.call(&[], &Vec::new())
}

/// The property setter: `parametrizations[name].right_inverse(value)`.
pub(crate) fn set_parametrized(module: &Module, tensor_name: &str, value: Value) -> Result<()> {
    let list = parametrizations_of(module, tensor_name)?;
    let _ng = tch::no_grad_guard();
    let n = list.data().modules.len();
    let mut value = value;
    for i in (0..n).rev() {
        let Some(Some(p)) = list.data().modules.get(&i.to_string()).cloned() else { continue };
        match p.imp().right_inverse(&p, &value) {
            Some(r) => value = r?,
            None => {
                return Err(Error::runtime(
                    "parametrize::no_right_inverse",
                    format!("parametrization {} does not implement right_inverse.", p.class_name()),
                )
                .with_hint("pass the tensor under its `parametrizations.<name>.original` key, or give the parametrization a right_inverse"))
            }
        }
    }
    let Value::Tensor(value) = value else {
        return Err(Error::value(
            "parametrize::right_inverse_type",
            format!("`right_inverse` should return a tensor. Got {}", value.type_name()),
        ));
    };
    let original = match list.getattr("original")? {
        Value::Tensor(t) => t,
        // `value.dtype != self.original.dtype` with `original` None (swapped out by a call).
        other => {
            return Err(Error::attribute("parametrize::original_none", format!("'{}' object has no attribute 'dtype'", other.type_name()))
                .with_hint("`original` holds no tensor here (a dict gave it none): give it a tensor, or leave its key out"))
        }
    };
    if value.kind() != original.kind() {
        return Err(Error::value(
            "parametrize::dtype",
            format!(
                "The tensor returned by `right_inverse` has dtype {} while `original` has dtype {}",
                crate::tensor::dtype_name(value.kind()),
                crate::tensor::dtype_name(original.kind())
            ),
        ));
    }
    let _ = original.handle().f_set_source_tensor_(value.tensor())?;
    Ok(())
}

/// The tensor object registered as `original` for `tensor_name` (for records and display).
pub fn original_of(module: &Module, tensor_name: &str) -> Option<TensorRef> {
    let list = parametrizations_of(module, tensor_name).ok()?;
    let d = list.data();
    d.parameters.get("original").or_else(|| d.buffers.get("original")).cloned().flatten()
}
