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
        return Err(Error::new(ExcType::FileNotFoundError, "io::not_found", format!("[Errno 2] No such file or directory: '{path}'")));
    }
    let items = if is_pt(path) {
        shim::pickle_load_dict(path)?
    } else {
        read_safetensors(path)?
    };
    Ok(Value::Dict(DictRef::from_entries(items.into_iter().map(|(k, t)| (k, Value::Tensor(TensorRef::new(t)))).collect())))
}

/// The tensors of a safetensors file in the order of their data in the file, as
/// `safetensors.torch.load_file` returns them (tch's reader goes through a hash map).
fn read_safetensors(path: &str) -> Result<Vec<(String, tch::Tensor)>> {
    let read_error = |e: String| Error::new(ExcType::OSError, "io::read", e);
    let mut items = tch::Tensor::read_safetensors(path).map_err(|e| read_error(e.to_string()))?;
    let header = safetensors_header(path).ok_or_else(|| read_error(format!("{path}: not a safetensors header")))?;
    let offset = |name: &str| header.get(name).and_then(|info| info["data_offsets"][0].as_u64()).unwrap_or(u64::MAX);
    items.sort_by_cached_key(|(name, _)| offset(name));
    Ok(items)
}

/// A safetensors file's JSON header (an 8-byte little-endian length, then the JSON), read
/// without the tensor data.
fn safetensors_header(path: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).ok()?;
    let mut n = [0u8; 8];
    f.read_exact(&mut n).ok()?;
    let mut text = vec![0u8; usize::try_from(u64::from_le_bytes(n)).ok()?];
    f.read_exact(&mut text).ok()?;
    serde_json::from_slice(&text).ok()
}
