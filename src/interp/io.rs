//! `save(d, path)` and `load(path)`: `.pt` files as torch.save / torch.load read and write them
//! (src/interp/ptfile.rs), or safetensors files. Which one: torch.load's rule (a `.safetensors`
//! path is safetensors, a zip archive is a `.pt`), then the extension. A path is opened only if
//! it is a regular file; a device is read no further than its first bytes, a FIFO not at all.
use std::io::Read;

use super::ptfile;
use crate::error::{Error, ExcType, Result};
use crate::tensor::{shim, TensorRef};
use crate::value::{DictRef, Value};

fn is_pt(path: &str) -> bool {
    path.ends_with(".pt") || path.ends_with(".pth")
}

pub fn save(obj: &Value, path: &str) -> Result<()> {
    if is_pt(path) {
        return ptfile::save(obj, path);
    }
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
    let refs: Vec<(&str, &tch::Tensor)> = detached.iter().map(|(k, t)| (k.as_str(), t)).collect();
    tch::Tensor::write_safetensors(&refs, path).map_err(|e| Error::new(ExcType::OSError, "io::write", e.to_string()))
}

/// How much of a device (`/dev/zero`) is read: enough for any header, never the whole stream.
const DEVICE_PREFIX: u64 = 1 << 16;

/// The bytes of `path` as Python's `open(path, "rb")` + torch.load would see them, with
/// Python's errors: a directory is IsADirectoryError, a FIFO is not seekable (torch.load seeks
/// first) and is refused before it could block, a device yields only its first bytes.
fn read_input(path: &str) -> Result<Vec<u8>> {
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let meta = std::fs::metadata(path).map_err(|e| ptfile::os_error(&e, path))?;
    let ft = meta.file_type();
    if ft.is_dir() {
        return Err(Error::new(ExcType::IsADirectoryError, "io::dir", format!("[Errno 21] Is a directory: {}", crate::value::py_str_repr(path))));
    }
    if ft.is_fifo() || ft.is_socket() {
        return Err(Error::new(ExcType::OSError, "io::seek", "[Errno 29] Illegal seek"));
    }
    // O_NONBLOCK: opening never waits (a FIFO swapped in since the check, a terminal).
    let file = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path).map_err(|e| ptfile::os_error(&e, path))?;
    let meta = file.metadata().map_err(|e| ptfile::os_error(&e, path))?;
    let limit = if meta.file_type().is_file() { meta.len() } else { DEVICE_PREFIX };
    let mut out = Vec::new();
    out.try_reserve_exact(limit as usize).map_err(|_| Error::memory("io::read"))?;
    match file.take(limit).read_to_end(&mut out) {
        Ok(_) => Ok(out),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Ok(out),
        Err(e) => Err(ptfile::os_error(&e, path)),
    }
}

/// Whether bytes begin like a safetensors file: a little-endian header length that fits, then `{`.
fn looks_like_safetensors(b: &[u8]) -> bool {
    b.len() > 8 && u64::from_le_bytes(b[..8].try_into().expect("8 bytes")) <= (b.len() - 8) as u64 && b[8] == b'{'
}

pub fn load(path: &str) -> Result<Value> {
    let bytes = read_input(path)?;
    if path.ends_with(".safetensors") || (!is_pt(path) && !bytes.starts_with(b"PK\x03\x04") && looks_like_safetensors(&bytes)) {
        let items = read_safetensors(&bytes)?;
        return Ok(Value::Dict(DictRef::from_entries(items.into_iter().map(|(k, t)| (k, Value::Tensor(TensorRef::new(t)))).collect())));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        ptfile::load_zip(&bytes)
    } else {
        ptfile::load_legacy(&bytes)
    }
}

/// The tensors of a safetensors file in the order of their data in the file, as
/// `safetensors.torch.load_file` returns them.
fn read_safetensors(bytes: &[u8]) -> Result<Vec<(String, tch::Tensor)>> {
    use safetensors::tensor::Dtype;
    let st = safetensors::SafeTensors::deserialize(bytes).map_err(|e| safetensor_error(&e, bytes))?;
    let mut items = Vec::new();
    for (name, view) in st.tensors() {
        let kind = match view.dtype() {
            Dtype::BOOL => tch::Kind::Bool,
            Dtype::U8 => tch::Kind::Uint8,
            Dtype::I8 => tch::Kind::Int8,
            Dtype::I16 => tch::Kind::Int16,
            Dtype::I32 => tch::Kind::Int,
            Dtype::I64 => tch::Kind::Int64,
            Dtype::F16 => tch::Kind::Half,
            Dtype::BF16 => tch::Kind::BFloat16,
            Dtype::F32 => tch::Kind::Float,
            Dtype::F64 => tch::Kind::Double,
            other => return Err(Error::type_error("io::dtype", format!("fcall does not load {other:?} tensors"))),
        };
        let shape: Vec<i64> = view.shape().iter().map(|d| *d as i64).collect();
        let offset = view.data().as_ptr() as usize - bytes.as_ptr() as usize;
        items.push((offset, name, shim::tensor_from_data(view.data(), &shape, kind)?));
    }
    items.sort_by_key(|(offset, _, _)| *offset);
    Ok(items.into_iter().map(|(_, n, t)| (n, t)).collect())
}

/// safetensors' own words for a malformed file (`SafetensorError: Error while deserializing
/// header: header too large`), as the Python package raises them.
fn safetensor_error(e: &safetensors::SafeTensorError, bytes: &[u8]) -> Error {
    use safetensors::SafeTensorError as E;
    let what = match e {
        E::InvalidHeader => "invalid UTF-8 in header".to_string(),
        E::InvalidHeaderStart => "invalid start character in header, must be `{`".to_string(),
        E::InvalidHeaderDeserialization => {
            // The header's JSON error, as serde_json words it.
            let n = bytes.get(..8).map_or(0, |b| u64::from_le_bytes(b.try_into().expect("8 bytes")) as usize);
            let detail = bytes.get(8..8usize.saturating_add(n)).and_then(|h| serde_json::from_slice::<serde_json::Value>(h).err()).map(|e| e.to_string());
            format!("invalid JSON in header: {}", detail.unwrap_or_default())
        }
        E::HeaderTooLarge => "header too large".to_string(),
        E::HeaderTooSmall => "header too small".to_string(),
        E::InvalidHeaderLength => "invalid header length".to_string(),
        E::TensorNotFound(name) => format!("tensor `{name}` not found"),
        E::TensorInvalidInfo => "invalid shape, data type, or offset for tensor".to_string(),
        E::InvalidOffset(name) => format!("invalid offset for tensor `{name}`"),
        E::MetadataIncompleteBuffer => "incomplete metadata, file not fully covered".to_string(),
        E::ValidationOverflow => "overflow computing buffer size from shape and/or element type".to_string(),
        E::IoError(e) => format!("I/O error: {e}"),
        E::JsonError(e) => format!("JSON error: {e}"),
        E::InvalidTensorView(dtype, shape, n) => format!("tensor of type {dtype:?} and shape {shape:?} can't be created from {n} bytes"),
    };
    Error::new(ExcType::SafetensorError, "io::safetensors", format!("Error while deserializing header: {what}"))
}
