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
        // `self[0](self.original)`, or `self[0](*originals)` when right_inverse gave several.
        let ntensors = match m.data().attrs.get("ntensors") {
            Some(Value::Int(n)) if !matches!(m.data().attrs.get("is_tensor"), Some(Value::Bool(true))) => Some(*n),
            _ => None,
        };
        if let Some(n) = ntensors {
            let originals = (0..n).map(|i| m.getattr(&format!("original{i}"))).collect::<Result<Vec<_>>>()?;
            let first = m.data().modules.get("0").cloned().flatten();
            let mut x = match first {
                Some(p) => p.call(&originals, &Vec::new())?,
                None => return Err(Error::value("parametrize::empty", "ParametrizationList requires one or more modules.")),
            };
            let mut i = 1;
            while let Some(Some(p)) = m.data().modules.get(&i.to_string()).cloned() {
                x = p.call(&[x], &Vec::new())?;
                i += 1;
            }
            return Ok(x);
        }
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
    register_parametrization_with(module, tensor_name, parametrization, false)
}

/// The shape and dtype of a tensor, as the consistency checks print them.
fn shape_dtype(t: &TensorRef) -> (String, String) {
    (crate::nn::layers::torch_size(&t.shape()), format!("torch.{}", crate::tensor::dtype_name(t.kind())))
}

/// A parametrization's output must be a tensor (`A parametrization must return a tensor`).
fn must_be_tensor(v: Value, what: &str) -> Result<TensorRef> {
    match v {
        Value::Tensor(t) => Ok(t),
        other => Err(Error::value("parametrize::not_tensor", format!("{what}. Got {}{}", other.type_name(), if what.ends_with("tensor") { "." } else { "" }))),
    }
}

/// `register_parametrization(..., unsafe=unsafe_)`: without `unsafe`, PyTorch's consistency
/// checks run, and with them the parametrization's forward (once at the first registration,
/// `Z = self()`; on a second one, `parametrization(module.<name>)`).
pub fn register_parametrization_with(module: &Module, tensor_name: &str, parametrization: &Module, unsafe_: bool) -> Result<()> {
    parametrization.train(module.training())?;
    if is_parametrized(module, Some(tensor_name)) {
        let list = parametrizations_of(module, tensor_name)?;
        if !unsafe_ {
            let y = must_be_tensor(module.getattr(tensor_name)?, "A parametrization must return a tensor")?;
            let x = must_be_tensor(parametrization.call(&[Value::Tensor(y.clone())], &Vec::new())?, "A parametrization must return a tensor")?;
            let ((ys, yd), (xs, xd)) = (shape_dtype(&y), shape_dtype(&x));
            let m = format!("module.{tensor_name}");
            if xd != yd {
                return Err(Error::value("parametrize::dtype", format!("Registering a parametrization may not change the dtype of the tensor, unless the `unsafe` flag is enabled.\n{m}.dtype: {yd}\nparametrization({m}).dtype: {xd}")));
            }
            if xs != ys {
                return Err(Error::value("parametrize::shape", format!("Registering a parametrization may not change the shape of the tensor, unless the `unsafe` flag is enabled.\n{m}.shape: {ys}\nparametrization({m}).shape: {xs}")));
            }
            if let Some(z) = parametrization.imp().right_inverse(parametrization, &Value::Tensor(x)) {
                let z = must_be_tensor(z?, "parametrization.right_inverse must return a tensor")?;
                let (zs, zd) = shape_dtype(&z);
                if zd != yd {
                    return Err(Error::value("parametrize::dtype", format!("The tensor returned by parametrization.right_inverse must have the same dtype as {m}, unless the `unsafe` flag is enabled.\n{m}.dtype: {yd}\nreturned dtype: {zd}")));
                }
                if zs != ys {
                    return Err(Error::value("parametrize::shape", format!("The tensor returned by parametrization.right_inverse must have the same shape as {m}, unless the `unsafe` flag is enabled.\n{m}.shape: {ys}\nreturned shape: {zs}")));
                }
            }
        }
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
    // ParametrizationList.__init__: original.set_(right_inverse(original)) where defined; a
    // right_inverse that raises NotImplementedError counts as the identity (orthogonal's
    // matrix_exp and cayley maps without use_trivialization).
    let check = if unsafe_ { None } else { Some(shape_dtype(&original)) };
    let list = Module::new("ParametrizationList", Rc::new(ParametrizationList));
    list.set_setting("unsafe", Value::Bool(unsafe_));
    list.add_module("0", Some(parametrization.clone()))?;
    {
        let _ng = tch::no_grad_guard();
        let mut new = Value::Tensor(original.clone());
        match parametrization.imp().right_inverse(parametrization, &new) {
            Some(Err(e)) if e.exc == crate::error::ExcType::NotImplementedError => {}
            Some(r) => new = r?,
            None => {}
        }
        if let Value::Tuple(items) | Value::List(items) = &new {
            return register_originals(module, tensor_name, list, &original, &items.to_vec(), check);
        }
        let Value::Tensor(new) = new else {
            return Err(Error::value(
                "parametrize::right_inverse_type",
                format!("'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got {}", new.type_name()),
            ));
        };
        if new.kind() != original.kind() {
            return Err(Error::value(
                "parametrize::dtype",
                "When `right_inverse` outputs one tensor, it may not change the dtype.",
            ));
        }
        let _ = original.handle().f_set_source_tensor_(new.tensor())?;
    }
    list.set_setting("is_tensor", Value::Bool(true));
    list.set_setting("ntensors", Value::Int(1));
    if original.is_parameter() {
        list.register_parameter("original", Some(original))?;
    } else {
        list.register_buffer("original", Some(original), true)?;
    }
    install(module, tensor_name, list, check)
}

/// `ParametrizationList.__init__` when `right_inverse` gave a sequence: `original0`,
/// `original1`, ... (Parameters if the tensor was one, with its `requires_grad`).
fn register_originals(module: &Module, tensor_name: &str, list: Module, original: &TensorRef, items: &[Value], check: Option<(String, String)>) -> Result<()> {
    list.set_setting("is_tensor", Value::Bool(false));
    list.set_setting("ntensors", Value::Int(items.len() as i64));
    for (i, item) in items.iter().enumerate() {
        let Value::Tensor(t) = item else {
            return Err(Error::value(
                "parametrize::right_inverse_type",
                format!("'right_inverse' must return a Tensor or a reference-type opaque. Got element {i} of the sequence with type {}.", item.type_name()),
            ));
        };
        let name = format!("original{i}");
        if original.is_parameter() {
            list.register_parameter(&name, Some(TensorRef::parameter(t.tensor(), original.requires_grad())?))?;
        } else {
            t.requires_grad_(original.requires_grad())?;
            list.register_buffer(&name, Some(t.clone()), true)?;
        }
    }
    install(module, tensor_name, list, check)
}

/// The rest of `register_parametrization` once the list holds its originals: the tensor
/// leaves the module, `parametrizations.<name>` and the property come in.
/// `check`: the unparametrized shape and dtype, for the consistency check `Z = self()` that
/// runs unless `unsafe`.
fn install(module: &Module, tensor_name: &str, list: Module, check: Option<(String, String)>) -> Result<()> {
    if let Some((shape, dtype)) = check {
        let z = must_be_tensor(list.call(&[], &Vec::new())?, "A parametrization must return a tensor")?;
        let (zs, zd) = shape_dtype(&z);
        if zd != dtype {
            return Err(Error::value("parametrize::dtype", format!("Registering a parametrization may not change the dtype of the tensor, unless `unsafe` flag is enabled.\nunparametrized dtype: {dtype}\nparametrized dtype: {zd}")));
        }
        if zs != shape {
            return Err(Error::value("parametrize::shape", format!("Registering a parametrization may not change the shape of the tensor, unless `unsafe` flag is enabled.\nunparametrized shape: {shape}\nparametrized shape: {zs}")));
        }
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

thread_local! {
    /// `parametrize._cache_enabled`: how many `cached()` blocks are open.
    static CACHE_ENABLED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// `parametrize._cache`: `(id(module), tensor_name)` -> the value computed in the block.
    static CACHE: std::cell::RefCell<std::collections::HashMap<(u64, String), Value>> = std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Entering `with parametrize.cached():`.
pub fn enter_cached() {
    CACHE_ENABLED.with(|c| c.set(c.get() + 1));
}

/// Leaving it: the cache empties when the outermost block ends.
pub fn exit_cached() {
    let left = CACHE_ENABLED.with(|c| {
        let n = c.get().saturating_sub(1);
        c.set(n);
        n
    });
    if left == 0 {
        CACHE.with(|c| c.borrow_mut().clear());
    }
}

/// The property getter: `parametrizations[name]()`, through the cache inside `cached()`.
pub(crate) fn get_parametrized(module: &Module, tensor_name: &str) -> Result<Value> {
    let list = parametrizations_of(module, tensor_name)?;
    if CACHE_ENABLED.with(|c| c.get()) == 0 {
        return list.call(&[], &Vec::new());
    }
    let key = (module.id(), tensor_name.to_string());
    if let Some(v) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return Ok(v);
    }
    let v = list.call(&[], &Vec::new())?;
    CACHE.with(|c| c.borrow_mut().insert(key, v.clone()));
    Ok(v)
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
    if matches!(list.data().attrs.get("is_tensor"), Some(Value::Bool(false))) {
        return set_originals(&list, &value);
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

/// `ParametrizationList.right_inverse` with several originals: each `original{i}.set_(value[i])`.
fn set_originals(list: &Module, value: &Value) -> Result<()> {
    let items = match value {
        Value::Tuple(s) | Value::List(s) => s.to_vec(),
        other => {
            return Err(Error::value(
                "parametrize::right_inverse_type",
                format!("'right_inverse' must return a sequence of tensors. Got {}.", other.type_name()),
            ))
        }
    };
    let n = list.attr_i64("ntensors")?;
    if items.len() as i64 != n {
        return Err(Error::value(
            "parametrize::right_inverse_len",
            format!("'right_inverse' must return a sequence of tensors of length {n}. Got a sequence of length {}.", items.len()),
        ));
    }
    for (i, item) in items.iter().enumerate() {
        let Value::Tensor(t) = item else { continue };
        let Value::Tensor(orig) = list.getattr(&format!("original{i}"))? else { continue };
        if orig.kind() != t.kind() {
            return Err(Error::value(
                "parametrize::dtype",
                format!(
                    "Tensor {i} returned by `right_inverse` has dtype {} while `original{i}` has dtype {}",
                    crate::tensor::dtype_name(t.kind()),
                    crate::tensor::dtype_name(orig.kind())
                ),
            ));
        }
        let _ = orig.handle().f_set_source_tensor_(t.tensor())?;
    }
    Ok(())
}

/// `remove_parametrizations(module, tensor_name, leave_parametrized=True)`: the tensor goes
/// back into the module (the `original` object itself, set to the parametrized value when
/// `leave_parametrized`), and the class name with the last parametrization.
pub fn remove_parametrizations(module: &Module, tensor_name: &str, leave_parametrized: bool) -> Result<()> {
    if !is_parametrized(module, Some(tensor_name)) {
        return Err(Error::value("parametrize::not_parametrized", format!("Module {} does not have a parametrization on {tensor_name}", module.repr())));
    }
    let list = parametrizations_of(module, tensor_name)?;
    let is_tensor = matches!(list.data().attrs.get("is_tensor"), Some(Value::Bool(true)));
    let original = if is_tensor {
        let original = list.tensor_attr("original")?.ok_or_else(|| Error::attribute("parametrize::original_none", "original is None"))?;
        if leave_parametrized {
            let _ng = tch::no_grad_guard();
            let Value::Tensor(t) = module.getattr(tensor_name)? else {
                return Err(Error::value("parametrize::not_tensor", "A parametrization must return a tensor"));
            };
            let _ = original.handle().f_set_source_tensor_(t.tensor())?;
        }
        original
    } else {
        if !leave_parametrized {
            return Err(Error::value(
                "parametrize::leave_unparametrized",
                "Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized in terms of a sequence of tensors.",
            ));
        }
        let Value::Tensor(t) = module.getattr(tensor_name)? else {
            return Err(Error::value("parametrize::not_tensor", "A parametrization must return a tensor"));
        };
        if t.requires_grad() {
            TensorRef::parameter(t.tensor(), true)?
        } else {
            TensorRef::new(t.tensor().f_detach()?)
        }
    };
    module.data_mut().properties.shift_remove(tensor_name);
    let dict = module.getattr("parametrizations")?.as_module().cloned();
    if let Some(d) = &dict {
        d.delattr(tensor_name)?;
    }
    if original.is_parameter() {
        module.register_parameter(tensor_name, Some(original))?;
    } else {
        module.register_buffer(tensor_name, Some(original), true)?;
    }
    if !is_parametrized(module, None) {
        module.delattr("parametrizations")?;
        let path = module.imp().type_path().to_string();
        let mut md = module.data_mut();
        if let Some(name) = md.class_name.strip_prefix("Parametrized").map(str::to_string) {
            md.class_name = name;
            md.class_module = path;
        }
    }
    bump_structure();
    Ok(())
}
