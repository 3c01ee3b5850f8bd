//! `.pt` files as `torch.save` writes them and `torch.load` (weights_only=True, PyTorch's default)
//! reads them: a zip archive of `data.pkl` (a pickle whose tensors name storages by key) and one
//! record `data/<key>` per storage.
//!
//! Loading validates what a file declares before it is used: each storage's declared size
//! (elements × dtype width) must equal its record's size, each tensor is a view that libtorch
//! checks against a storage that cannot grow, and the pickle runs on [`super::unpickle`], which
//! executes nothing. Tensors that shared a storage when saved share one storage again, as
//! torch.load's do; the same tensor saved twice loads as one object.
use std::collections::HashMap;
use std::io::{Read, Write};
use std::rc::Rc;

use indexmap::IndexMap;
use tch::{Kind, Tensor};

use super::io::{LoadOptions, Restore};
use super::unpickle::{self, Storage, StorageSource, PV};
use crate::error::{Error, ExcType, Result};
use crate::tensor::{shim, TensorRef};
use crate::value::{DictRef, Seq, Value};

const MINIZ_SUFFIX: &str = ". This is an internal miniz error. If you are seeing this error, there is a high likelihood that your checkpoint file \
     is corrupted. This can happen if the checkpoint was not saved properly, was transferred incorrectly, or the file was modified after saving.";

const UNSAFE_MESSAGE: &str = "In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` from `False` to `True`. \
     Re-running `torch.load` with `weights_only` set to `False` will likely succeed, but it can result in arbitrary code execution. Do it only if \
     you got the file from a trusted source.";

const DOCS_MESSAGE: &str = "\n\nCheck the documentation of torch.load to learn more about types accepted by default with weights_only \
     https://pytorch.org/docs/stable/generated/torch.load.html.";

/// torch.load's `_get_wo_message`: how an UnpicklingError of the weights-only unpickler reads.
fn weights_only_message(message: &str) -> String {
    if message.contains("was not an allowed global by default.") {
        return format!(
            "Weights only load failed. This file can still be loaded, to do so you have two options, \x1b[1mdo those steps only if you trust \
             the source of the checkpoint\x1b[0m. \n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with `weights_only=True` please check \
             the recommended steps in the following error message.\n\tWeightsUnpickler error: {message}{DOCS_MESSAGE}"
        );
    }
    if message.contains(" must be ") && message.contains(" to load") {
        return format!("Weights only load failed. {message}\n {UNSAFE_MESSAGE}\n");
    }
    let mut m = format!("Weights only load failed. {UNSAFE_MESSAGE}\n");
    if !message.contains("is blocked") {
        m += "Please file an issue with the following so that we can make `weights_only=True` compatible with your use case: WeightsUnpickler error: ";
    }
    format!("{m}\n\n{message}{DOCS_MESSAGE}")
}

/// Runs the weights-only unpickler, its UnpicklingErrors worded as torch.load words them.
fn unpickle(data: &[u8], pos: &mut usize, source: &mut dyn StorageSource) -> Result<PV> {
    unpickle::load(data, pos, source).map_err(|mut e| {
        if e.exc == ExcType::UnpicklingError {
            e.message = weights_only_message(&e.message);
        }
        e
    })
}

fn stream_error(what: impl std::fmt::Display) -> Error {
    Error::runtime("load::zip", format!("PytorchStreamReader failed {what}{MINIZ_SUFFIX}"))
}

/// The records of a torch.save archive (PyTorchStreamReader's view: one top folder).
struct Archive<'a> {
    zip: zip::ZipArchive<std::io::Cursor<&'a [u8]>>,
    prefix: String,
    file_len: u64,
}

impl<'a> Archive<'a> {
    fn open(bytes: &'a [u8]) -> Result<Archive<'a>> {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| stream_error("reading zip archive: not a ZIP archive"))?;
        // PyTorchStreamReader names the archive by its first record's folder.
        let first = zip.by_index_raw(0).map(|f| f.name().to_string()).unwrap_or_default();
        let Some((prefix, _)) = first.split_once('/') else {
            return Err(Error::runtime("load::zip", format!("[enforce fail at inline_container.cc:180] . file in archive is not in a subdirectory: {first}")));
        };
        let a = Archive { prefix: prefix.to_string(), zip, file_len: bytes.len() as u64 };
        if !a.has("version") && !a.has(".data/version") {
            return Err(Error::runtime(
                "load::zip",
                "Expected hasRecord(\"version\") to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)",
            ));
        }
        Ok(a)
    }
    fn has(&self, name: &str) -> bool {
        let full = format!("{}/{name}", self.prefix);
        self.zip.file_names().any(|n| n == full)
    }
    /// The declared size of a record, or PyTorchStreamReader's "file not found".
    fn size(&mut self, name: &str) -> Result<u64> {
        let full = format!("{}/{name}", self.prefix);
        let f = self.zip.by_name(&full).map_err(|_| stream_error(format_args!("locating file {name}: file not found")))?;
        Ok(f.size())
    }
    /// A record's bytes. Its declared size is trusted only as far as the file can back it (a
    /// stored record lies in the file; deflate expands at most 1032:1), and memory for it is
    /// reserved fallibly (MemoryError, never an abort).
    fn read(&mut self, name: &str) -> Result<Vec<u8>> {
        let full = format!("{}/{name}", self.prefix);
        let file_len = self.file_len;
        let mut f = self.zip.by_name(&full).map_err(|_| stream_error(format_args!("locating file {name}: file not found")))?;
        let size = f.size();
        let bound = if f.compression() == zip::CompressionMethod::Stored { f.compressed_size().min(file_len) } else { f.compressed_size().saturating_mul(1032) };
        if size > bound {
            return Err(stream_error(format_args!("reading file {name}: corrupt record (declares {size} bytes)")));
        }
        let mut out = Vec::new();
        out.try_reserve_exact(size as usize).map_err(|_| Error::memory("load::record"))?;
        (&mut f).take(size).read_to_end(&mut out).map_err(|e| stream_error(format_args!("reading file {name}: {e}")))?;
        if out.len() as u64 != size {
            return Err(stream_error(format_args!("reading file {name}: unexpected end of data")));
        }
        Ok(out)
    }
}

/// torch.load's `persistent_load` over an archive: each storage key read once, with the dtype
/// of its first use (a later use under another dtype gets that first storage, as in PyTorch).
struct Storages<'a, 'b> {
    archive: &'b mut Archive<'a>,
    loaded: HashMap<String, Rc<Storage>>,
    big_endian: bool,
    opts: &'b LoadOptions,
}

/// Python's `type(x).__name__` for the messages of a malformed persistent id.
fn py_type(v: &PV) -> &'static str {
    match v {
        PV::None => "NoneType",
        PV::Bool(_) => "bool",
        PV::Int(_) | PV::BigInt(_) => "int",
        PV::Float(_) => "float",
        PV::Str(_) => "str",
        PV::Bytes(_) => "bytes",
        PV::Tuple(_) => "tuple",
        PV::List(_) => "list",
        PV::Dict(_) => "dict",
        PV::Global(unpickle::Global::DType(_)) => "dtype",
        PV::Global(_) => "type",
        PV::Storage(_) => "TypedStorage",
        PV::Tensor(_) => "Tensor",
        PV::Size(_) => "Size",
    }
}

impl StorageSource for Storages<'_, '_> {
    fn persistent_load(&mut self, pid: &PV) -> Result<PV> {
        let PV::Tuple(t) = pid else {
            return Err(Error::new(ExcType::AssertionError, "load::pid", format!("saved_id must be a tuple, got {}", py_type(pid))));
        };
        let data = &t[1..];
        if data.len() != 4 {
            let m = if data.len() > 4 { "too many values to unpack (expected 4)".to_string() } else { format!("not enough values to unpack (expected 4, got {})", data.len()) };
            return Err(Error::value("load::pid", m));
        }
        if let Some(e) = unpickle::unsupported_global(&data[0]) {
            return Err(e);
        }
        let dtype = unpickle::storage_dtype(&data[0]).ok_or_else(|| Error::attribute("load::pid", format!("'{}' object has no attribute 'dtype'", py_type(&data[0]))))?;
        let key = storage_key(&data[1])?;
        if let Some(s) = self.loaded.get(&key) {
            return Ok(PV::Storage(s.clone()));
        }
        let PV::Int(numel) = data[3] else {
            return Err(Error::type_error("load::pid", format!("unsupported operand type(s) for *: '{}' and 'int'", py_type(&data[3]))));
        };
        let width = dtype.elt_size_in_bytes() as i128;
        let nbytes = numel as i128 * width;
        let name = format!("data/{key}");
        let size = self.archive.size(&name)?;
        if size as i128 != nbytes {
            return Err(Error::runtime(
                "load::record_size",
                format!("record size ({size} bytes) does not match expected size ({nbytes} bytes = {nbytes} elements * 1 bytes/element) for dtype Byte"),
            ));
        }
        let mut bytes = self.archive.read(&name)?;
        if self.big_endian && width > 1 {
            // `storage.byteswap(dtype)`: complex numbers swap each half.
            let unit = if matches!(dtype, Kind::ComplexFloat | Kind::ComplexDouble) { width as usize / 2 } else { width as usize };
            bytes.chunks_exact_mut(unit).for_each(|c| c.reverse());
        }
        // Read, then moved where map_location says (torch.load reads a record before restoring it).
        let bytes = match self.opts.restore(&location(&data[2])?)? {
            Restore::Cpu => shim::storage_from_bytes(&bytes)?,
            Restore::Meta => shim::meta_storage(nbytes as i64)?,
        };
        let storage = Rc::new(Storage { bytes, dtype, elem_offset: 0 });
        if nbytes > 0 {
            self.loaded.insert(key, storage.clone());
        }
        Ok(PV::Storage(storage))
    }
}

/// `torch.load(f)` of a zip archive's bytes.
pub(crate) fn load_zip(bytes: &[u8], opts: &LoadOptions) -> Result<Value> {
    let mut archive = Archive::open(bytes)?;
    if archive.has("constants.pkl") {
        return Err(Error::runtime("load::torchscript", format!("Cannot use ``weights_only=True`` with TorchScript archives passed to ``torch.load``. {UNSAFE_MESSAGE}")));
    }
    let pickle = archive.read("data.pkl")?;
    let big_endian = if archive.has("byteorder") {
        match archive.read("byteorder")?.as_slice() {
            b"little" => false,
            b"big" => true,
            other => return Err(Error::value("load::byteorder", format!("Unknown endianness type: {}", String::from_utf8_lossy(other)))),
        }
    } else {
        false
    };
    let mut storages = Storages { archive: &mut archive, loaded: HashMap::new(), big_endian, opts };
    let v = unpickle(&pickle, &mut 0, &mut storages)?;
    to_value(&v, &mut HashMap::new())
}

/// torch.load's legacy format (torch.save before PyTorch 1.6, or with
/// `_use_new_zipfile_serialization=False`): pickles of a magic number, the protocol version and
/// the system's info, then the object (storages named by key), then the list of storage keys,
/// then each storage's data as an int64 element count and the bytes. Anything else that is not
/// a zip archive fails in the first pickle, as in torch.load.
pub(crate) fn load_legacy(bytes: &[u8], opts: &LoadOptions) -> Result<Value> {
    struct NoStorages;
    impl StorageSource for NoStorages {
        fn persistent_load(&mut self, _: &PV) -> Result<PV> {
            Err(unpickle::unpickling("unsupported persistent id encountered"))
        }
    }
    let mut pos = 0;
    let magic = unpickle(bytes, &mut pos, &mut NoStorages)?;
    // 0x1950a86a20f9469cfc6c, as LONG1 writes it.
    const MAGIC: [u8; 10] = [108, 252, 156, 70, 249, 32, 106, 168, 80, 25];
    if !matches!(&magic, PV::BigInt(b) if **b == MAGIC[..]) {
        return Err(Error::runtime("load::magic", "Invalid magic number; corrupt file?"));
    }
    match unpickle(bytes, &mut pos, &mut NoStorages)? {
        PV::Int(1001) => {}
        PV::Int(other) => return Err(Error::runtime("load::protocol", format!("Invalid protocol version: {other}"))),
        _ => return Err(Error::runtime("load::protocol", "Invalid protocol version")),
    }
    let _sys_info = unpickle(bytes, &mut pos, &mut NoStorages)?;
    let mut storages = LegacyStorages { loaded: HashMap::new(), available: bytes.len() - pos, opts, meta: Vec::new() };
    let result = unpickle(bytes, &mut pos, &mut storages)?;
    let keys = unpickle(bytes, &mut pos, &mut NoStorages)?;
    let PV::List(keys) = keys else {
        return Err(Error::type_error("load::keys", format!("'{}' object is not iterable", py_type(&keys))));
    };
    let eof = |n: usize| Error::runtime("load::eof", format!("unexpected EOF, expected {n} more bytes. The file might be corrupted."));
    for key in keys.borrow().iter() {
        let key = storage_key(key)?;
        let storage = storages.loaded.get(&key).ok_or_else(|| Error::new(ExcType::AssertionError, "load::key", ""))?;
        let head = bytes.get(pos..pos + 8).ok_or_else(|| eof(pos + 8 - bytes.len()))?;
        let count = i64::from_le_bytes(head.try_into().expect("8 bytes"));
        pos += 8;
        let nbytes = storage.bytes.size()[0];
        let width = storage.dtype.elt_size_in_bytes() as i64;
        if count.checked_mul(width) != Some(nbytes) {
            // PyTorch's own words, its format string unfilled and the numbers after it.
            return Err(Error::runtime("load::size", format!("storage has wrong byte size: expected %ld got %ld{}{nbytes}", count.wrapping_mul(width))));
        }
        let data = bytes.get(pos..pos + nbytes as usize).ok_or_else(|| eof(pos + nbytes as usize - bytes.len()))?;
        pos += nbytes as usize;
        if nbytes > 0 && !storages.meta.contains(&key) {
            let src = shim::tensor_from_data(data, &[nbytes], Kind::Uint8)?;
            storage.bytes.shallow_clone().f_copy_(&src).map_err(Error::torch)?;
        }
    }
    to_value(&result, &mut HashMap::new())
}

/// A storage's location tag (`'cpu'`, `'cuda:0'`), as `restore_location` receives it.
fn location(v: &PV) -> Result<String> {
    match v {
        PV::Str(s) => Ok(s.to_string()),
        other => Err(Error::type_error("load::location", format!("expected string or bytes-like object, got '{}'", py_type(other)))),
    }
}

fn storage_key(v: &PV) -> Result<String> {
    match v {
        PV::Str(s) => Ok(s.to_string()),
        PV::Bytes(b) => Ok(String::from_utf8_lossy(b).into_owned()),
        PV::Int(i) => Ok(i.to_string()),
        other => Err(Error::type_error("load::pid", format!("storage key must be str, not {}", py_type(other)))),
    }
}

/// The legacy format's `persistent_load`: a storage is made when first named and filled after
/// the object's pickle; what it declares must fit in the bytes left in the file.
struct LegacyStorages<'o> {
    loaded: HashMap<String, Rc<Storage>>,
    available: usize,
    opts: &'o LoadOptions,
    /// The keys of storages restored to the meta device (their data is skipped).
    meta: Vec<String>,
}

impl StorageSource for LegacyStorages<'_> {
    fn persistent_load(&mut self, pid: &PV) -> Result<PV> {
        let PV::Tuple(t) = pid else {
            return Err(unpickle::unpickling("persistent_load id must be tuple"));
        };
        let data = &t[1..];
        if data.len() != 5 {
            let m = if data.len() > 5 { "too many values to unpack (expected 5)".to_string() } else { format!("not enough values to unpack (expected 5, got {})", data.len()) };
            return Err(Error::value("load::pid", m));
        }
        if let Some(e) = unpickle::unsupported_global(&data[0]) {
            return Err(e);
        }
        let dtype = unpickle::storage_dtype(&data[0]).ok_or_else(|| Error::attribute("load::pid", format!("'{}' object has no attribute 'dtype'", py_type(&data[0]))))?;
        let root = storage_key(&data[1])?;
        let PV::Int(numel) = data[3] else {
            return Err(Error::type_error("load::pid", format!("unsupported operand type(s) for *: '{}' and 'int'", py_type(&data[3]))));
        };
        let width = dtype.elt_size_in_bytes() as i64;
        let storage = match self.loaded.get(&root) {
            Some(s) => s.clone(),
            None => {
                let nbytes = numel.checked_mul(width).filter(|n| *n >= 0).ok_or_else(|| Error::runtime("load::size", format!("Storage size calculation overflowed with sizes=[{numel}]")))?;
                if nbytes as u64 > self.available as u64 {
                    return Err(Error::runtime("load::eof", format!("unexpected EOF, expected {} more bytes. The file might be corrupted.", nbytes as u64 - self.available as u64)));
                }
                self.available -= nbytes as usize;
                let bytes = match self.opts.restore(&location(&data[2])?)? {
                    Restore::Cpu => shim::storage_from_bytes(&vec![0u8; nbytes as usize])?,
                    Restore::Meta => {
                        self.meta.push(root.clone());
                        shim::meta_storage(nbytes)?
                    }
                };
                let s = Rc::new(Storage { bytes, dtype, elem_offset: 0 });
                self.loaded.insert(root.clone(), s.clone());
                s
            }
        };
        match &data[4] {
            PV::None => Ok(PV::Storage(storage)),
            PV::Tuple(view) if view.len() == 3 => {
                let (PV::Int(offset), PV::Int(size)) = (&view[1], &view[2]) else {
                    return Err(Error::type_error("load::view", "a storage view's offset and size must be ints"));
                };
                let total = storage.bytes.size()[0] / width.max(1);
                if *offset < 0 || *size < 0 || offset.saturating_add(*size) > total {
                    return Err(Error::runtime("load::view", format!("a storage view ({offset}, {size}) lies outside its storage of {total} elements")));
                }
                Ok(PV::Storage(Rc::new(Storage { bytes: storage.bytes.shallow_clone(), dtype: storage.dtype, elem_offset: storage.elem_offset + offset })))
            }
            other => Err(Error::type_error("load::view", format!("cannot unpack non-iterable {} object", py_type(other)))),
        }
    }
}

/// A loaded object as an fcall value; lists and dicts met twice stay one object.
fn to_value(v: &PV, seen: &mut HashMap<usize, Value>) -> Result<Value> {
    crate::stack::check("while loading an object")?;
    Ok(match v {
        PV::None => Value::None,
        PV::Bool(b) => Value::Bool(*b),
        PV::Int(i) => Value::Int(*i),
        PV::BigInt(_) => return Err(Error::new(ExcType::OverflowError, "load::bigint", "Python int too large to convert to C long")),
        PV::Float(f) => Value::Float(*f),
        PV::Str(s) => Value::Str(s.clone()),
        PV::Tensor(t) => Value::Tensor(t.clone()),
        PV::Size(s) => Value::size(&s[..]),
        PV::Tuple(items) => Value::tuple(items.iter().map(|x| to_value(x, seen)).collect::<Result<_>>()?),
        PV::List(l) => {
            let key = Rc::as_ptr(l) as usize;
            if let Some(v) = seen.get(&key) {
                return Ok(v.clone());
            }
            let seq = Seq::new(Vec::new());
            seen.insert(key, Value::List(seq.clone()));
            let items = l.borrow().iter().map(|x| to_value(x, seen)).collect::<Result<Vec<_>>>()?;
            seq.borrow_mut().extend(items);
            Value::List(seq)
        }
        PV::Dict(d) => {
            let key = Rc::as_ptr(d) as usize;
            if let Some(v) = seen.get(&key) {
                return Ok(v.clone());
            }
            let out = DictRef::new();
            if d.ordered {
                out.set_ordered();
            }
            seen.insert(key, Value::Dict(out.clone()));
            let entries: Vec<(String, PV)> = d.items.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            for (k, x) in entries {
                let x = to_value(&x, seen)?;
                out.insert(k, x);
            }
            Value::Dict(out)
        }
        PV::Global(unpickle::Global::DType(k)) => Value::DType(*k),
        PV::Bytes(_) => return Err(Error::new(ExcType::NotImplementedError, "load::bytes", "fcall does not load bytes objects from .pt files")),
        PV::Storage(_) | PV::Global(_) => return Err(Error::new(ExcType::NotImplementedError, "load::object", "fcall loads tensors, containers, numbers and strings from .pt files")),
    })
}

// ---- torch.save ----

/// A pickle as torch.save writes it (protocol 2), with its storages gathered.
struct Pickler {
    out: Vec<u8>,
    memo: HashMap<u64, u32>,
    containers: HashMap<usize, u32>,
    lists: Vec<(Seq, u32)>,
    /// Storage key by the storage's first byte's address: (key, dtype, the storage's bytes).
    storages: IndexMap<usize, (String, Kind, Tensor)>,
}

/// The legacy storage class torch.save names for a dtype.
fn storage_class(k: Kind) -> Result<&'static str> {
    Ok(match k {
        Kind::Float => "FloatStorage",
        Kind::Double => "DoubleStorage",
        Kind::Half => "HalfStorage",
        Kind::BFloat16 => "BFloat16Storage",
        Kind::Int64 => "LongStorage",
        Kind::Int => "IntStorage",
        Kind::Int16 => "ShortStorage",
        Kind::Int8 => "CharStorage",
        Kind::Uint8 => "ByteStorage",
        Kind::Bool => "BoolStorage",
        Kind::ComplexFloat => "ComplexFloatStorage",
        Kind::ComplexDouble => "ComplexDoubleStorage",
        other => return Err(Error::type_error("save::dtype", format!("fcall cannot save tensors of dtype {other:?}"))),
    })
}

impl Pickler {
    fn op(&mut self, b: &[u8]) {
        self.out.extend_from_slice(b);
    }
    fn global(&mut self, module: &str, name: &str) {
        self.op(format!("c{module}\n{name}\n").as_bytes());
    }
    fn put(&mut self) -> u32 {
        let i = (self.memo.len() + self.containers.len() + self.lists.len()) as u32;
        if i < 256 {
            self.op(&[b'q', i as u8]);
        } else {
            self.op(&[b'r']);
            self.op(&i.to_le_bytes());
        }
        i
    }
    fn get(&mut self, i: u32) {
        if i < 256 {
            self.op(&[b'h', i as u8]);
        } else {
            self.op(&[b'j']);
            self.op(&i.to_le_bytes());
        }
    }
    fn int(&mut self, i: i64) {
        if (0..256).contains(&i) {
            self.op(&[b'K', i as u8]);
        } else if (0..65536).contains(&i) {
            self.op(&[b'M']);
            self.op(&(i as u16).to_le_bytes());
        } else if i32::try_from(i).is_ok() {
            self.op(&[b'J']);
            self.op(&(i as i32).to_le_bytes());
        } else {
            self.op(&[0x8a, 8]);
            self.op(&i.to_le_bytes());
        }
    }
    fn str(&mut self, s: &str) {
        self.op(&[b'X']);
        self.op(&(s.len() as u32).to_le_bytes());
        self.op(s.as_bytes());
    }
    fn ints(&mut self, xs: &[i64]) {
        match xs.len() {
            0 => self.op(b")"),
            1..=3 => {
                xs.iter().for_each(|x| self.int(*x));
                self.op(&[0x84 + xs.len() as u8]);
            }
            _ => {
                self.op(b"(");
                xs.iter().for_each(|x| self.int(*x));
                self.op(b"t");
            }
        }
    }
    fn empty_ordered_dict(&mut self) {
        self.global("collections", "OrderedDict");
        self.op(b")R");
    }

    fn value(&mut self, v: &Value) -> Result<()> {
        let _frame = crate::stack::enter(1, "while pickling an object")?;
        match v {
            Value::None => self.op(b"N"),
            Value::Bool(b) => self.op(if *b { b"\x88" } else { b"\x89" }),
            Value::Int(i) => self.int(*i),
            Value::Float(f) => {
                self.op(b"G");
                self.op(&f.to_be_bytes());
            }
            Value::Str(s) => self.str(s),
            Value::Tensor(t) => self.tensor(t)?,
            Value::Tuple(items) | Value::Size(items) => {
                let items = items.borrow().clone();
                if matches!(v, Value::Size(_)) {
                    self.global("torch", "Size");
                }
                match items.len() {
                    0 => self.op(b")"),
                    n @ 1..=3 => {
                        for x in &items {
                            self.value(x)?;
                        }
                        self.op(&[0x84 + n as u8]);
                    }
                    _ => {
                        self.op(b"(");
                        for x in &items {
                            self.value(x)?;
                        }
                        self.op(b"t");
                    }
                }
                if matches!(v, Value::Size(_)) {
                    self.op(b"\x85R");
                }
            }
            Value::List(items) => {
                if let Some(&(_, i)) = self.lists.iter().find(|(s, _)| s.is(items)) {
                    self.get(i);
                } else {
                    self.op(b"]");
                    let i = self.put();
                    self.lists.push((items.clone(), i));
                    let items = items.borrow().clone();
                    if !items.is_empty() {
                        self.op(b"(");
                        for x in &items {
                            self.value(x)?;
                        }
                        self.op(b"e");
                    }
                }
            }
            Value::Dict(d) => {
                let key = d.id() as usize;
                if let Some(&i) = self.containers.get(&key) {
                    self.get(i);
                } else {
                    if d.is_ordered() {
                        self.empty_ordered_dict();
                    } else {
                        self.op(b"}");
                    }
                    let i = self.put();
                    self.containers.insert(key, i);
                    let entries: Vec<(String, Value)> = d.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    self.items(&entries)?;
                }
            }
            Value::Module(m) => {
                // fcall's save(model) writes the model's state dict (an OrderedDict).
                let sd: Vec<(String, Value)> = m.state_dict(false)?.into_iter().map(|(k, t)| (k, Value::Tensor(t))).collect();
                self.empty_ordered_dict();
                self.put();
                self.items(&sd)?;
            }
            Value::DType(k) => {
                self.global("torch", crate::tensor::dtype_name(*k));
            }
            other => return Err(Error::type_error("save::type", format!("fcall cannot save '{}' objects", other.type_name()))),
        }
        Ok(())
    }

    fn items(&mut self, entries: &[(String, Value)]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        self.op(b"(");
        for (k, v) in entries {
            self.str(k);
            self.value(v)?;
        }
        self.op(b"u");
        Ok(())
    }

    /// `Tensor.__reduce_ex__`: `_rebuild_tensor_v2(storage, offset, size, stride,
    /// requires_grad, OrderedDict())`, inside `_rebuild_parameter` for a Parameter.
    fn tensor(&mut self, t: &TensorRef) -> Result<()> {
        if let Some(&i) = self.memo.get(&t.id()) {
            self.get(i);
            return Ok(());
        }
        let x = t.tensor();
        let kind = x.kind();
        let class = storage_class(kind)?;
        let bytes = shim::storage_bytes(x)?;
        let nbytes = bytes.size()[0];
        let base = shim::data_ptr(&bytes).ok_or_else(|| Error::runtime("save::storage", "Cannot access storage of a tensor without one (a functorch wrapper)"))?;
        let key = if nbytes == 0 {
            let k = format!("{}", self.storages.len());
            self.storages.insert(usize::MAX - self.storages.len(), (k.clone(), kind, bytes));
            k
        } else if let Some((k, dtype, _)) = self.storages.get(&base) {
            if *dtype != kind {
                return Err(Error::runtime("save::dtypes", "Cannot save multiple tensors or storages that view the same data as different types"));
            }
            k.clone()
        } else {
            let k = format!("{}", self.storages.len());
            self.storages.insert(base, (k.clone(), kind, bytes));
            k
        };
        let width = kind.elt_size_in_bytes() as i64;
        let param = t.is_parameter();
        if param {
            self.global("torch._utils", "_rebuild_parameter");
        }
        self.global("torch._utils", "_rebuild_tensor_v2");
        self.op(b"((");
        self.str("storage");
        self.global("torch", class);
        self.str(&key);
        self.str("cpu");
        self.int(nbytes / width);
        self.op(b"tQ");
        self.int(x.storage_offset());
        self.ints(&x.size());
        self.ints(&x.stride());
        let rg = t.requires_grad();
        self.op(if rg && !param { b"\x88" } else { b"\x89" });
        self.empty_ordered_dict();
        self.op(b"tR");
        if param {
            self.op(if rg { b"\x88" } else { b"\x89" });
            self.empty_ordered_dict();
            self.op(b"\x87R");
        }
        let i = self.put();
        self.memo.insert(t.id(), i);
        Ok(())
    }
}

/// Python's OSError for an I/O error on `path` (`[Errno 2] No such file or directory: 'x'`).
pub(crate) fn os_error(e: &std::io::Error, path: &str) -> Error {
    let Some(code) = e.raw_os_error() else {
        return Error::new(ExcType::OSError, "io::os", e.to_string());
    };
    let exc = match code {
        libc::ENOENT => ExcType::FileNotFoundError,
        libc::EISDIR => ExcType::IsADirectoryError,
        _ => ExcType::OSError,
    };
    // SAFETY: strerror returns a static NUL-terminated string for any errno.
    let text = unsafe { std::ffi::CStr::from_ptr(libc::strerror(code)) }.to_string_lossy().into_owned();
    Error::new(exc, "io::os", format!("[Errno {code}] {text}: {}", crate::value::py_str_repr(path)))
}

/// `torch.save(obj, path)`: the archive torch.save writes (records aligned to 64 bytes).
pub(crate) fn save(obj: &Value, path: &str) -> Result<()> {
    let mut p = Pickler { out: b"\x80\x02".to_vec(), memo: HashMap::new(), containers: HashMap::new(), storages: IndexMap::new(), lists: Vec::new() };
    p.value(obj)?;
    p.op(b".");
    let stem = std::path::Path::new(path).file_stem().and_then(|s| s.to_str()).filter(|s| !s.is_empty()).unwrap_or("archive");
    let file = std::fs::File::create(path).map_err(|e| os_error(&e, path))?;
    let write_err = |e: zip::result::ZipError| Error::runtime("save::zip", format!("PytorchStreamWriter failed writing file: {e}"));
    let mut z = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let record = |z: &mut zip::ZipWriter<_>, name: &str, data: &[u8]| -> Result<()> {
        let opts = zip::write::FileOptions::default().compression_method(zip::CompressionMethod::Stored).large_file(data.len() as u64 >= u32::MAX as u64);
        z.start_file_aligned(format!("{stem}/{name}"), opts, 64).map_err(write_err)?;
        z.write_all(data).map_err(|e| os_error(&e, path))
    };
    record(&mut z, "data.pkl", &p.out)?;
    record(&mut z, ".format_version", b"1")?;
    record(&mut z, ".storage_alignment", b"64")?;
    record(&mut z, "byteorder", b"little")?;
    for (key, _, bytes) in p.storages.values() {
        let n = bytes.size()[0] as usize;
        let mut buf = Vec::new();
        buf.try_reserve_exact(n).map_err(|_| Error::memory("save::storage"))?;
        buf.resize(n, 0);
        if n > 0 {
            bytes.f_to_device(tch::Device::Cpu).map_err(Error::torch)?.copy_data_u8(&mut buf, n);
        }
        record(&mut z, &format!("data/{key}"), &buf)?;
    }
    record(&mut z, "version", b"3\n")?;
    record(&mut z, ".data/serialization_id", serialization_id().as_bytes())?;
    z.finish().map_err(write_err)?.flush().map_err(|e| os_error(&e, path))?;
    Ok(())
}

/// torch.save's 40-digit archive id (random in PyTorch; here from the clock and the process).
fn serialization_id() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let a = nanos ^ ((std::process::id() as u128) << 64);
    format!("{:020}{:020}", (a % 10u128.pow(20)) as u64, ((a >> 64) as u64 ^ 0x9e37_79b9_7f4a_7c15) % 10u64.pow(19))
}
