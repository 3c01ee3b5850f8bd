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

/// torch.load's keyword arguments as fcall takes them. fcall's loader is always the weights-only
/// unpickler (it never runs code from a file): `weights_only=False` (or a `pickle_module`, which
/// turns the default off) loads exactly what `weights_only=True` loads, and a file that needs
/// other globals fails with PyTorch's weights-only error either way.
pub struct LoadOptions {
    map_location: Value,
    mmap: bool,
    /// Whether the caller asked for `weights_only=False` (for the hint on a refused global).
    unsafe_asked: bool,
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions { map_location: Value::None, mmap: false, unsafe_asked: false }
    }
}

/// Where a storage goes once loaded: fcall has the CPU and the meta device.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Restore {
    Cpu,
    Meta,
}

/// `_package_registry`'s deserializers for devices this machine lacks: (tag type, message).
const ABSENT_DEVICES: &[(&str, &str)] = &[
    ("cuda", "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False."),
    ("xpu", "Attempting to deserialize object on a XPU device but torch.xpu.is_available() is False."),
    ("hpu", "The HPU device module is not registered."),
    ("privateuseone", "The PRIVATEUSEONE device module is not registered."),
];
const CPU_HINT: &str = " If you are running on a CPU-only machine, please use torch.load with map_location=torch.device('cpu') to map your storages to the CPU.";

impl LoadOptions {
    /// From `torch.load(f, map_location=None, pickle_module=None, *, weights_only=None,
    /// mmap=None, **pickle_load_args)`.
    pub fn new(map_location: Value, pickle_module: Value, weights_only: Value, mmap: Value) -> Result<LoadOptions> {
        let truth = super::ops::truthy;
        // `_default_to_weights_only`: on unless a pickle_module is given.
        let weights_only = if matches!(weights_only, Value::None) { matches!(pickle_module, Value::None) } else { truth(&weights_only)? };
        if weights_only && !matches!(pickle_module, Value::None) {
            return Err(Error::runtime("load::pickle_module", "Can not safely load weights when explicit pickle_module is specified"));
        }
        Ok(LoadOptions { map_location, mmap: truth(&mmap)?, unsafe_asked: !weights_only })
    }

    /// `restore_location(storage, location)` for a storage saved with the tag `location`.
    pub(crate) fn restore(&self, location: &str) -> Result<Restore> {
        let target = match &self.map_location {
            Value::None => location.to_string(),
            Value::Str(s) => s.to_string(),
            Value::Dict(d) => match d.get(location) {
                None => location.to_string(),
                Some(Value::Str(s)) => s.to_string(),
                Some(other) => {
                    let ty = if super::device::of(&other).is_some() { "torch.device".to_string() } else { other.type_name() };
                    return Err(Error::type_error("load::map_location", format!("expected string or bytes-like object, got '{ty}'")));
                }
            },
            other => match super::device::of(other) {
                Some(d) => d.name(),
                None if matches!(other, Value::Function(_) | Value::Class(_) | Value::Module(_) | Value::Object(_)) => {
                    return Err(Error::new(ExcType::NotImplementedError, "load::map_location", "fcall's torch.load takes map_location as a str, a torch.device or a dict of them, not a function")
                        .with_hint("fcall has no storage objects to pass to a function: map_location='cpu' (or 'meta') does what `lambda storage, loc: storage` does"))
                }
                None => return Err(Error::type_error("load::map_location", format!("'{}' object is not callable", other.type_name()))),
            },
        };
        match target.as_str() {
            "cpu" => return Ok(Restore::Cpu),
            "meta" => return Ok(Restore::Meta),
            "mps" => return Err(Error::runtime("load::location", "torch.UntypedStorage(): Storage device not recognized: mps")),
            _ => {}
        }
        let ty = target.split(':').next().unwrap_or("");
        let indexed = target.split_once(':').is_none_or(|(_, i)| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()));
        if let Some((_, m)) = ABSENT_DEVICES.iter().find(|(t, _)| *t == ty) {
            if !indexed {
                return Err(Error::runtime("load::location", format!("Invalid device string: '{target}'")));
            }
            return Err(Error::runtime("load::location", format!("{m}{CPU_HINT}")));
        }
        Err(Error::runtime("load::location", format!("don't know how to restore data location of torch.storage.UntypedStorage (tagged with {target})")))
    }

    /// A weights-only refusal, with what `weights_only=False` means in fcall when it was asked.
    pub(crate) fn refusal(&self, e: Error) -> Error {
        if self.unsafe_asked && e.exc == ExcType::UnpicklingError {
            e.with_hint("fcall never runs code from a file: weights_only=False loads what weights_only=True loads, and this file needs more")
        } else {
            e
        }
    }
}

pub fn load(path: &str, opts: &LoadOptions) -> Result<Value> {
    let bytes = read_input(path)?;
    if path.ends_with(".safetensors") || (!is_pt(path) && !bytes.starts_with(b"PK\x03\x04") && looks_like_safetensors(&bytes)) {
        let items = read_safetensors(&bytes)?;
        return Ok(Value::Dict(DictRef::from_entries(items.into_iter().map(|(k, t)| (k, Value::Tensor(TensorRef::new(t)))).collect())));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        ptfile::load_zip(&bytes, opts).map_err(|e| opts.refusal(e))
    } else if opts.mmap {
        Err(Error::runtime(
            "load::mmap",
            format!("mmap can only be used with files saved with `torch.save({path}, _use_new_zipfile_serialization=True), please torch.save your checkpoint with this option in order to use mmap."),
        ))
    } else {
        ptfile::load_legacy(&bytes, opts).map_err(|e| opts.refusal(e))
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
