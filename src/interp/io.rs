//! `save(d, path)` and `load(path)`: dicts of tensors as safetensors files, or as `.pt` files
//! that `torch.save` / `torch.load` read and write.
use crate::error::{Error, ExcType, Result};
use crate::tensor::{shim, TensorRef};
use crate::value::{DictRef, Value};

fn is_pt(path: &str) -> bool {
    path.ends_with(".pt") || path.ends_with(".pth")
}

pub fn save(obj: &Value, path: &str) -> Result<()> {
    let items: Vec<(String, TensorRef)> = match obj {
        Value::Dict(d) => d
            .borrow()
            .iter()
            .map(|(k, v)| match v {
                Value::Tensor(t) => Ok((k.clone(), t.clone())),
                other => Err(Error::type_error("io::not_a_tensor", format!("save() writes dicts of tensors; '{k}' is {}", other.type_name()))),
            })
            .collect::<Result<_>>()?,
        Value::Module(m) => m.state_dict(false)?.into_iter().collect(),
        other => return Err(Error::type_error("io::save_type", format!("save() takes a dict of tensors or a module, not {}", other.type_name()))),
    };
    let detached: Vec<(String, tch::Tensor)> = items.iter().map(|(k, t)| Ok((k.clone(), t.tensor().f_detach()?.f_contiguous()?))).collect::<Result<_>>()?;
    if is_pt(path) {
        let refs: Vec<(String, &tch::Tensor)> = detached.iter().map(|(k, t)| (k.clone(), t)).collect();
        shim::pickle_save_dict(path, &refs)
    } else {
        let refs: Vec<(&str, &tch::Tensor)> = detached.iter().map(|(k, t)| (k.as_str(), t)).collect();
        tch::Tensor::write_safetensors(&refs, path).map_err(|e| Error::new(ExcType::OSError, "io::write", e.to_string()))
    }
}

pub fn load(path: &str) -> Result<Value> {
    if !std::path::Path::new(path).exists() {
        return Err(Error::new(ExcType::OSError, "io::not_found", format!("[Errno 2] No such file or directory: '{path}'")));
    }
    let items = if is_pt(path) {
        shim::pickle_load_dict(path)?
    } else {
        tch::Tensor::read_safetensors(path).map_err(|e| Error::new(ExcType::OSError, "io::read", e.to_string()))?
    };
    Ok(Value::Dict(DictRef::from_entries(items.into_iter().map(|(k, t)| (k, Value::Tensor(TensorRef::new(t)))).collect())))
}
