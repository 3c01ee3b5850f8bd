//! torch.load's weights-only unpickler (`torch/_weights_only_unpickler.py`), opcode for opcode:
//! the same opcodes, the same allowed globals, the same errors. Nothing in a file is ever
//! executed: a GLOBAL names one of the entries of [`ALLOWED`] or the load fails, and REDUCE calls
//! only the rebuild functions fcall implements here. Every length a file declares is checked
//! against the bytes actually there before anything is allocated.
use std::cell::RefCell;
use std::rc::Rc;

use indexmap::IndexMap;
use tch::Kind;

use crate::error::{Error, ExcType, Result};
use crate::tensor::TensorRef;

/// What the unpickler's stack holds: Python's objects as the weights-only unpickler makes them.
#[derive(Clone)]
pub(crate) enum PV {
    None,
    Bool(bool),
    Int(i64),
    /// A LONG1 beyond int64 (the legacy format's magic number): its little-endian bytes.
    BigInt(Rc<[u8]>),
    Float(f64),
    Str(Rc<str>),
    /// SHORT_BINSTRING's bytes (the weights-only unpickler's encoding is "bytes").
    Bytes(Rc<[u8]>),
    Tuple(Rc<[PV]>),
    List(Rc<RefCell<Vec<PV>>>),
    Dict(Rc<PDict>),
    Global(Global),
    Storage(Rc<Storage>),
    Tensor(TensorRef),
    Size(Rc<[i64]>),
}

/// A dict or `collections.OrderedDict` (fcall keeps str keys only).
pub(crate) struct PDict {
    pub ordered: bool,
    pub items: RefCell<IndexMap<String, PV>>,
}

/// A storage as torch.load's `persistent_load` returns it: the record's bytes (a 1-D uint8
/// tensor over a non-resizable storage) and the dtype of its first use.
pub(crate) struct Storage {
    pub bytes: tch::Tensor,
    pub dtype: Kind,
    /// Where a legacy storage view begins in `bytes`, in elements of `dtype` (0 otherwise).
    pub elem_offset: i64,
}

/// The globals the weights-only unpickler allows, as fcall knows them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Global {
    OrderedDict,
    Parameter,
    Size,
    RebuildTensor,
    RebuildTensorV2,
    RebuildTensorV3,
    RebuildParameter,
    RebuildParameterWithState,
    RebuildFromTypeV2,
    TensorClass,
    /// `torch.FloatStorage` and the other legacy storage classes: their dtype.
    StorageType(Kind),
    /// `torch.storage.UntypedStorage`: bytes.
    UntypedStorage,
    DType(Kind),
    /// Allowed by PyTorch but not made by fcall (sparse, quantized, nested tensors, ...): an
    /// index into [`ALLOWED`].
    Unsupported(usize),
}

use Global as G;

/// Every global `torch.serialization`'s weights-only unpickler allows (PyTorch 2.13's
/// `_get_allowed_globals()`), with what fcall makes of it.
const ALLOWED: &[(&str, Option<Global>)] = &[
    ("collections.OrderedDict", Some(G::OrderedDict)),
    ("collections.Counter", None),
    ("torch.nn.parameter.Parameter", Some(G::Parameter)),
    ("torch.serialization._get_layout", None),
    ("torch.Size", Some(G::Size)),
    ("torch.Tensor", Some(G::TensorClass)),
    ("torch.device", None),
    ("_codecs.encode", None),
    ("builtins.bytearray", None),
    ("builtins.set", None),
    ("builtins.complex", None),
    ("torch._utils._rebuild_tensor", Some(G::RebuildTensor)),
    ("torch._utils._rebuild_tensor_v2", Some(G::RebuildTensorV2)),
    ("torch._utils._rebuild_tensor_v3", Some(G::RebuildTensorV3)),
    ("torch._utils._rebuild_parameter", Some(G::RebuildParameter)),
    ("torch._utils._rebuild_parameter_with_state", Some(G::RebuildParameterWithState)),
    ("torch._tensor._rebuild_from_type_v2", Some(G::RebuildFromTypeV2)),
    ("torch._utils._rebuild_qtensor", None),
    ("torch._utils._rebuild_sparse_tensor", None),
    ("torch._utils._rebuild_meta_tensor_no_storage", None),
    ("torch._utils._rebuild_nested_tensor", None),
    ("torch._utils._rebuild_wrapper_subclass", None),
    ("torch._utils._rebuild_device_tensor_from_numpy", None),
    ("torch._utils._rebuild_device_tensor_from_cpu_tensor", None),
    ("torch.storage.TypedStorage", None),
    ("torch.storage.UntypedStorage", Some(G::UntypedStorage)),
    ("torch.FloatStorage", Some(G::StorageType(Kind::Float))),
    ("torch.DoubleStorage", Some(G::StorageType(Kind::Double))),
    ("torch.HalfStorage", Some(G::StorageType(Kind::Half))),
    ("torch.BFloat16Storage", Some(G::StorageType(Kind::BFloat16))),
    ("torch.LongStorage", Some(G::StorageType(Kind::Int64))),
    ("torch.IntStorage", Some(G::StorageType(Kind::Int))),
    ("torch.ShortStorage", Some(G::StorageType(Kind::Int16))),
    ("torch.CharStorage", Some(G::StorageType(Kind::Int8))),
    ("torch.ByteStorage", Some(G::StorageType(Kind::Uint8))),
    ("torch.BoolStorage", Some(G::StorageType(Kind::Bool))),
    ("torch.ComplexFloatStorage", Some(G::StorageType(Kind::ComplexFloat))),
    ("torch.ComplexDoubleStorage", Some(G::StorageType(Kind::ComplexDouble))),
    ("torch.QInt32Storage", None),
    ("torch.QInt8Storage", None),
    ("torch.QUInt2x4Storage", None),
    ("torch.QUInt4x2Storage", None),
    ("torch.QUInt8Storage", None),
    ("torch.float32", Some(G::DType(Kind::Float))),
    ("torch.float64", Some(G::DType(Kind::Double))),
    ("torch.float16", Some(G::DType(Kind::Half))),
    ("torch.bfloat16", Some(G::DType(Kind::BFloat16))),
    ("torch.int64", Some(G::DType(Kind::Int64))),
    ("torch.int32", Some(G::DType(Kind::Int))),
    ("torch.int16", Some(G::DType(Kind::Int16))),
    ("torch.int8", Some(G::DType(Kind::Int8))),
    ("torch.uint8", Some(G::DType(Kind::Uint8))),
    ("torch.bool", Some(G::DType(Kind::Bool))),
    ("torch.complex64", Some(G::DType(Kind::ComplexFloat))),
    ("torch.complex128", Some(G::DType(Kind::ComplexDouble))),
];

/// The allowed globals that only name a family (`torch.cuda.FloatTensor`, `torch.float8_*`,
/// `torch.uint16`, the quantization schemes): allowed by PyTorch, not made by fcall.
fn allowed_family(path: &str) -> bool {
    const DTYPES: &[&str] = &[
        "complex32", "float4_e2m1fn_x2", "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu", "qint32", "qint8",
        "quint2x4", "quint4x2", "quint8", "bits16", "bits1x8", "bits2x4", "bits4x2", "bits8", "uint16", "uint32", "uint64", "per_channel_affine",
        "per_channel_affine_float_qparams", "per_channel_symmetric", "per_tensor_affine", "per_tensor_symmetric",
    ];
    let Some(name) = path.strip_prefix("torch.") else { return false };
    if DTYPES.contains(&name) {
        return true;
    }
    if let Some(n) = name.strip_prefix("uint").or_else(|| name.strip_prefix("int")) {
        return matches!(n, "1" | "2" | "3" | "4" | "5" | "6" | "7");
    }
    let class = name.strip_prefix("cuda.").unwrap_or(name);
    let class = class.strip_prefix("sparse.").unwrap_or(class);
    const TENSORS: &[&str] = &["BFloat16", "Bool", "Byte", "Char", "Double", "Float", "Half", "Int", "Long", "Short", "ComplexDouble", "ComplexFloat"];
    class.strip_suffix("Tensor").or_else(|| class.strip_suffix("Storage")).is_some_and(|t| TENSORS.contains(&t))
}

/// The global of `module.name`, or the weights-only unpickler's refusal.
fn find_global(module: &str, name: &str) -> Result<Global> {
    let full = format!("{module}.{name}");
    if ["sys", "os", "posix", "nt"].contains(&module) {
        return Err(unpickling(format!("Trying to load unsupported GLOBAL {full} whose module {module} is blocked.")));
    }
    if let Some(i) = ALLOWED.iter().position(|(n, _)| *n == full) {
        return Ok(ALLOWED[i].1.unwrap_or(G::Unsupported(i)));
    }
    if allowed_family(&full) {
        return Ok(G::Unsupported(usize::MAX));
    }
    // PyTorch names builtins without their module (`eval`), or `builtins` alone.
    let shown = match full.strip_prefix("builtins") {
        Some(rest) if rest.is_empty() => "builtins".to_string(),
        Some(rest) if rest.starts_with('.') => rest[1..].to_string(),
        _ => full.clone(),
    };
    Err(unpickling(format!(
        "Unsupported global: GLOBAL {shown} was not an allowed global by default. Please use \
         `torch.serialization.add_safe_globals([{shown}])` or the `torch.serialization.safe_globals([{shown}])` \
         context manager to allowlist this global if you trust this class/function."
    )))
}

pub(crate) fn unpickling(msg: impl Into<String>) -> Error {
    Error::new(ExcType::UnpicklingError, "load::unpickling", msg)
}

/// Python's repr of a global, as the weights-only unpickler's messages show it.
fn global_repr(g: Global) -> String {
    match g {
        G::OrderedDict => "<class 'collections.OrderedDict'>".into(),
        G::Parameter => "<class 'torch.nn.parameter.Parameter'>".into(),
        G::Size => "<class 'torch.Size'>".into(),
        G::TensorClass => "<class 'torch.Tensor'>".into(),
        G::Unsupported(i) if i < ALLOWED.len() => ALLOWED[i].0.into(),
        other => format!("{other:?}"),
    }
}

/// Python's `type(x)` of a stack value, as the unpickler's messages show it.
fn type_repr(v: &PV) -> &'static str {
    match v {
        PV::None => "<class 'NoneType'>",
        PV::Bool(_) => "<class 'bool'>",
        PV::Int(_) | PV::BigInt(_) => "<class 'int'>",
        PV::Float(_) => "<class 'float'>",
        PV::Str(_) => "<class 'str'>",
        PV::Bytes(_) => "<class 'bytes'>",
        PV::Tuple(_) => "<class 'tuple'>",
        PV::List(_) => "<class 'list'>",
        PV::Dict(d) if d.ordered => "<class 'collections.OrderedDict'>",
        PV::Dict(_) => "<class 'dict'>",
        PV::Global(G::DType(_)) => "<class 'torch.dtype'>",
        PV::Global(_) => "<class 'type'>",
        PV::Storage(_) => "<class 'torch.storage.TypedStorage'>",
        PV::Tensor(t) if t.is_parameter() => "<class 'torch.nn.parameter.Parameter'>",
        PV::Tensor(_) => "<class 'torch.Tensor'>",
        PV::Size(_) => "<class 'torch.Size'>",
    }
}

/// Where storages come from: torch.load's `persistent_load` over the archive's records.
pub(crate) trait StorageSource {
    fn persistent_load(&mut self, pid: &PV) -> Result<PV>;
}

/// At most this many MARKs open at once and values on the stack: a file cannot make the
/// unpickler's own bookkeeping grow without bound (CPython's recursion is not involved here,
/// but memory is).
const MAX_STACK: usize = 10_000_000;

/// The bytes of one pickle, read as `io.BytesIO` reads: a short read returns what is there.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn read(&mut self, n: usize) -> &'a [u8] {
        let end = self.pos.saturating_add(n).min(self.data.len());
        let s = &self.data[self.pos..end];
        self.pos = end;
        s
    }
    /// `struct.unpack` of exactly n bytes, or struct's error.
    fn exact(&mut self, n: usize) -> Result<&'a [u8]> {
        let s = self.read(n);
        if s.len() != n {
            return Err(Error::new(ExcType::Exception, "load::struct", format!("unpack requires a buffer of {n} bytes")));
        }
        Ok(s)
    }
    /// `read(1)[0]`: IndexError at the end.
    fn byte(&mut self) -> Result<u8> {
        self.read(1).first().copied().ok_or_else(|| Error::new(ExcType::IndexError, "load::index", "index out of range"))
    }
    fn readline(&mut self) -> &'a [u8] {
        let rest = &self.data[self.pos..];
        let n = rest.iter().position(|b| *b == b'\n').map_or(rest.len(), |i| i + 1);
        self.read(n)
    }
}

fn u32le(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// The weights-only unpickler's `load()` of the pickle at `*pos`; `*pos` moves past its STOP.
pub(crate) fn load(data: &[u8], pos: &mut usize, source: &mut dyn StorageSource) -> Result<PV> {
    let mut r = Reader { data, pos: *pos };
    let mut memo: std::collections::HashMap<u32, PV> = std::collections::HashMap::new();
    let mut metastack: Vec<Vec<PV>> = Vec::new();
    let mut stack: Vec<PV> = Vec::new();
    let pop_empty = || Error::new(ExcType::IndexError, "load::pop", "pop from empty list");
    let no_top = || Error::new(ExcType::IndexError, "load::index", "list index out of range");
    loop {
        if stack.len() + metastack.len() > MAX_STACK {
            return Err(Error::new(ExcType::MemoryError, "load::stack", ""));
        }
        let Some(&key) = r.read(1).first() else {
            return Err(Error::new(ExcType::EOFError, "load::eof", ""));
        };
        match key {
            b'c' => {
                let module = String::from_utf8_lossy(line_body(r.readline())).into_owned();
                let name = String::from_utf8_lossy(line_body(r.readline())).into_owned();
                let (module, name) = py2_name(&module, &name);
                stack.push(PV::Global(find_global(&module, &name)?));
            }
            b'\x81' => {
                // NEWOBJ
                let args = stack.pop().ok_or_else(pop_empty)?;
                let cls = stack.pop().ok_or_else(pop_empty)?;
                match cls {
                    PV::Global(G::Parameter) => stack.push(call(G::Parameter, &args, source)?),
                    PV::Global(g) => return Err(unsupported(g)),
                    other => return Err(unpickling(format!("Can only create new object for nn.Parameter or classes allowlisted via `add_safe_globals` but got {}", repr_of(&other)))),
                }
            }
            b'R' => {
                let args = stack.pop().ok_or_else(pop_empty)?;
                let func = stack.last().ok_or_else(no_top)?.clone();
                let PV::Global(g) = func else {
                    return Err(unpickling(format!("Trying to call reduce for unrecognized function {}", repr_of(&func))));
                };
                let result = call(g, &args, source)?;
                *stack.last_mut().expect("checked above") = result;
            }
            b'b' => {
                let state = stack.pop().ok_or_else(pop_empty)?;
                let inst = stack.last().ok_or_else(no_top)?;
                match inst {
                    // `OrderedDict.__dict__.update(state)`: a state dict's `_metadata`, which
                    // fcall's dicts do not keep.
                    PV::Dict(d) if d.ordered => {}
                    PV::Tensor(t) if t.is_parameter() => {}
                    other => {
                        return Err(unpickling(format!("Can only build Tensor, Parameter, OrderedDict or types allowlisted via `add_safe_globals`, but got {}", type_repr(other))));
                    }
                }
                let _ = state;
            }
            b'a' => {
                let item = stack.pop().ok_or_else(pop_empty)?;
                match stack.last() {
                    Some(PV::List(l)) => l.borrow_mut().push(item),
                    Some(other) => return Err(unpickling(format!("Can only append to lists, but got {}", type_repr(other)))),
                    None => return Err(no_top()),
                }
            }
            b'e' => {
                let items = pop_mark(&mut stack, &mut metastack)?;
                match stack.last() {
                    Some(PV::List(l)) => l.borrow_mut().extend(items),
                    Some(other) => return Err(unpickling(format!("Can only extend lists, but got {}", type_repr(other)))),
                    None => return Err(no_top()),
                }
            }
            b's' => {
                let v = stack.pop().ok_or_else(pop_empty)?;
                let k = stack.pop().ok_or_else(pop_empty)?;
                set_items(stack.last(), "SETITEM", vec![k, v])?;
            }
            b'u' => {
                let items = pop_mark(&mut stack, &mut metastack)?;
                set_items(stack.last(), "SETITEMS", items)?;
            }
            b'(' => metastack.push(std::mem::take(&mut stack)),
            b't' => {
                let items = pop_mark(&mut stack, &mut metastack)?;
                stack.push(PV::Tuple(items.into()));
            }
            b'\x85' | b'\x86' | b'\x87' => {
                let n = (key - 0x84) as usize;
                if stack.len() < n {
                    return Err(Error::new(ExcType::IndexError, "load::index", "list index out of range"));
                }
                let items = stack.split_off(stack.len() - n);
                stack.push(PV::Tuple(items.into()));
            }
            b'N' => stack.push(PV::None),
            b'\x89' => stack.push(PV::Bool(false)),
            b'\x88' => stack.push(PV::Bool(true)),
            b')' => stack.push(PV::Tuple(Rc::from(Vec::new()))),
            b']' => stack.push(PV::List(Rc::new(RefCell::new(Vec::new())))),
            b'}' => stack.push(PV::Dict(Rc::new(PDict { ordered: false, items: RefCell::new(IndexMap::new()) }))),
            b'\x8f' => return Err(Error::new(ExcType::NotImplementedError, "load::set", "fcall does not load sets from .pt files")),
            b'J' => stack.push(PV::Int(i32::from_le_bytes(r.exact(4)?.try_into().expect("4 bytes")) as i64)),
            b'K' => stack.push(PV::Int(r.byte()? as i64)),
            b'M' => stack.push(PV::Int(u16::from_le_bytes(r.exact(2)?.try_into().expect("2 bytes")) as i64)),
            b'G' => stack.push(PV::Float(f64::from_be_bytes(r.exact(8)?.try_into().expect("8 bytes")))),
            b'X' => {
                let n = u32le(r.exact(4)?) as usize;
                // A declared length reads only the bytes that are there (BytesIO's short read).
                let s = r.read(n);
                let text = std::str::from_utf8(s).map_err(|e| {
                    Error::new(
                        ExcType::ValueError,
                        "load::utf8",
                        format!("'utf-8' codec can't decode byte 0x{:02x} in position {}: invalid start byte", s[e.valid_up_to()], e.valid_up_to()),
                    )
                })?;
                stack.push(PV::Str(Rc::from(text)));
            }
            b'U' => {
                let n = r.byte()? as usize;
                stack.push(PV::Bytes(Rc::from(r.read(n))));
            }
            b'Q' => {
                let pid = stack.pop().ok_or_else(pop_empty)?;
                match &pid {
                    PV::Tuple(t) => {
                        if let Some(first) = t.first() {
                            let is_storage = matches!(first, PV::Str(s) if &**s == "storage") || matches!(first, PV::Bytes(b) if &**b == b"storage");
                            if !is_storage {
                                return Err(unpickling(format!("Only persistent_load of storage is allowed, but got {}", type_repr(first))));
                            }
                        }
                    }
                    PV::Int(_) => {}
                    other => return Err(unpickling(format!("persistent_load id must be tuple or int, but got {}", type_repr(other)))),
                }
                stack.push(source.persistent_load(&pid)?);
            }
            b'h' | b'j' => {
                let idx = if key == b'h' { r.byte()? as u32 } else { u32le(r.exact(4)?) };
                let v = memo.get(&idx).cloned().ok_or_else(|| Error::new(ExcType::KeyError, "load::memo", idx.to_string()))?;
                stack.push(v);
            }
            b'q' | b'r' => {
                let idx = if key == b'q' { r.byte()? as u32 } else { u32le(r.exact(4)?) };
                let top = stack.last().ok_or_else(|| Error::new(ExcType::IndexError, "load::index", "list index out of range"))?;
                memo.insert(idx, top.clone());
            }
            b'\x8a' => {
                let n = r.byte()? as usize;
                let bytes = r.read(n);
                stack.push(decode_long(bytes));
            }
            b'\x80' => {
                // PROTO: PyTorch warns for protocols other than 2 and reads on.
                r.byte()?;
            }
            b'.' => {
                *pos = r.pos;
                return stack.pop().ok_or_else(pop_empty);
            }
            other => return Err(unpickling(format!("Unsupported operand {other}"))),
        }
    }
}

/// `readline()[:-1]`: the line without its last byte (the newline, if the line has one).
fn line_body(line: &[u8]) -> &[u8] {
    &line[..line.len().saturating_sub(1)]
}

/// Python 2 names the pickle module maps (`__builtin__` is `builtins`).
fn py2_name(module: &str, name: &str) -> (String, String) {
    match module {
        "__builtin__" => ("builtins".into(), name.into()),
        "copy_reg" => ("copyreg".into(), name.into()),
        _ => (module.into(), name.into()),
    }
}

fn decode_long(b: &[u8]) -> PV {
    if b.is_empty() {
        return PV::Int(0);
    }
    if b.len() <= 8 {
        let neg = b[b.len() - 1] & 0x80 != 0;
        let mut buf = [if neg { 0xff } else { 0 }; 8];
        buf[..b.len()].copy_from_slice(b);
        return PV::Int(i64::from_le_bytes(buf));
    }
    PV::BigInt(Rc::from(b))
}

fn pop_mark(stack: &mut Vec<PV>, metastack: &mut Vec<Vec<PV>>) -> Result<Vec<PV>> {
    let outer = metastack.pop().ok_or_else(|| Error::new(ExcType::IndexError, "load::pop", "pop from empty list"))?;
    Ok(std::mem::replace(stack, outer))
}

fn set_items(target: Option<&PV>, opcode: &str, items: Vec<PV>) -> Result<()> {
    let d = match target {
        Some(PV::Dict(d)) => d,
        Some(other) => {
            return Err(unpickling(format!("Can only {opcode} for dict, collections.OrderedDict, collections.Counter, but got {}", type_repr(other))));
        }
        None => return Err(Error::new(ExcType::IndexError, "load::index", "list index out of range")),
    };
    let mut it = items.into_iter();
    while let Some(k) = it.next() {
        let Some(v) = it.next() else {
            return Err(Error::new(ExcType::IndexError, "load::index", "list index out of range"));
        };
        let PV::Str(k) = k else {
            return Err(Error::new(ExcType::NotImplementedError, "load::key", format!("fcall loads dicts with str keys only, not {}", type_repr(&k))));
        };
        d.items.borrow_mut().insert(k.to_string(), v);
    }
    Ok(())
}

fn repr_of(v: &PV) -> String {
    match v {
        PV::Global(g) => global_repr(*g),
        PV::None => "None".into(),
        PV::Int(i) => i.to_string(),
        PV::Str(s) => format!("'{s}'"),
        other => type_repr(other).into(),
    }
}

fn unsupported(g: Global) -> Error {
    let name = match g {
        G::Unsupported(i) if i < ALLOWED.len() => ALLOWED[i].0.to_string(),
        other => format!("{other:?}"),
    };
    Error::new(ExcType::NotImplementedError, "load::unsupported", format!("fcall does not load {name} from .pt files"))
}

fn tuple_args<'a>(args: &'a PV, what: &str) -> Result<&'a [PV]> {
    match args {
        PV::Tuple(t) => Ok(t),
        other => Err(Error::type_error("load::args", format!("{what}() argument after * must be an iterable, not {}", type_repr(other).trim_start_matches("<class '").trim_end_matches("'>")))),
    }
}

fn ints(v: &PV, what: &str) -> Result<Vec<i64>> {
    let items: Vec<PV> = match v {
        PV::Tuple(t) => t.to_vec(),
        PV::List(l) => l.borrow().clone(),
        PV::Size(s) => return Ok(s.to_vec()),
        other => return Err(Error::type_error("load::ints", format!("{what} must be a tuple of ints, not {}", type_repr(other)))),
    };
    items
        .into_iter()
        .map(|x| match x {
            PV::Int(i) => Ok(i),
            other => Err(Error::type_error("load::ints", format!("{what} must be a tuple of ints, but found {}", type_repr(&other)))),
        })
        .collect()
}

fn int(v: &PV, what: &str) -> Result<i64> {
    match v {
        PV::Int(i) => Ok(*i),
        other => Err(Error::type_error("load::int", format!("{what} must be int, not {}", type_repr(other)))),
    }
}

fn truth(v: &PV) -> bool {
    match v {
        PV::Bool(b) => *b,
        PV::Int(i) => *i != 0,
        PV::None => false,
        _ => true,
    }
}

/// REDUCE / NEWOBJ of an allowed global.
fn call(g: Global, args: &PV, _source: &mut dyn StorageSource) -> Result<PV> {
    let name = global_repr(g);
    let a = tuple_args(args, &name)?;
    match g {
        G::OrderedDict if a.is_empty() => Ok(PV::Dict(Rc::new(PDict { ordered: true, items: RefCell::new(IndexMap::new()) }))),
        G::Size => Ok(PV::Size(match a.first() {
            Some(v) => ints(v, "torch.Size")?.into(),
            None => Rc::from(Vec::new()),
        })),
        // `_rebuild_tensor(storage, storage_offset, size, stride)` and v2's requires_grad,
        // backward_hooks (an empty OrderedDict for every tensor torch.save writes).
        G::RebuildTensor | G::RebuildTensorV2 | G::RebuildTensorV3 => {
            let need = match g {
                G::RebuildTensor => 4,
                G::RebuildTensorV2 => 6,
                _ => 7,
            };
            if a.len() < need {
                return Err(Error::type_error("load::args", format!("{}() missing required positional arguments", name)));
            }
            let PV::Storage(st) = &a[0] else {
                return Err(Error::attribute("load::storage", format!("'{}' object has no attribute '_untyped_storage'", type_repr(&a[0]).trim_start_matches("<class '").trim_end_matches("'>"))));
            };
            let dtype = match g {
                G::RebuildTensorV3 => match &a[6] {
                    PV::Global(G::DType(k)) => *k,
                    other => return Err(Error::type_error("load::dtype", format!("dtype must be torch.dtype, not {}", type_repr(other)))),
                },
                _ => st.dtype,
            };
            let offset = int(&a[1], "storage_offset")?.saturating_add(st.elem_offset);
            let size = ints(&a[2], "size")?;
            let stride = ints(&a[3], "stride")?;
            let t = crate::tensor::shim::tensor_on_storage(&st.bytes, dtype, offset, &size, &stride)?;
            let t = TensorRef::new(t);
            if g != G::RebuildTensor && truth(&a[4]) {
                t.requires_grad_(true)?;
            }
            Ok(PV::Tensor(t))
        }
        // `_rebuild_parameter(data, requires_grad, backward_hooks)` and `Parameter(data,
        // requires_grad)`.
        G::RebuildParameter | G::RebuildParameterWithState | G::Parameter => {
            let Some(PV::Tensor(data)) = a.first() else {
                return Err(Error::type_error("load::parameter", "Parameter's data must be a tensor"));
            };
            let requires_grad = a.get(1).map_or(true, truth);
            Ok(PV::Tensor(TensorRef::parameter(data.tensor(), requires_grad)?))
        }
        // `_rebuild_from_type_v2(func, new_type, args, state)`: a plain Tensor or Parameter
        // with no attributes is `func(*args)`.
        G::RebuildFromTypeV2 => {
            if a.len() != 4 {
                return Err(Error::type_error("load::args", "_rebuild_from_type_v2() takes 4 arguments"));
            }
            let PV::Global(f) = &a[0] else { return Err(unpickling(format!("Trying to call reduce for unrecognized function {}", repr_of(&a[0])))) };
            let ret = call(*f, &a[2], _source)?;
            let empty_state = match &a[3] {
                PV::Dict(d) => d.items.borrow().is_empty(),
                PV::None => true,
                _ => false,
            };
            match (&a[1], empty_state) {
                (PV::Global(G::TensorClass), true) => Ok(ret),
                (PV::Global(G::Parameter), true) => Ok(ret),
                _ => Err(Error::new(ExcType::NotImplementedError, "load::subclass", "fcall does not load tensor subclasses or tensors with attributes from .pt files")),
            }
        }
        other => Err(unsupported(other)),
    }
}

/// The dtype a storage class names (`torch.FloatStorage` → float32; UntypedStorage → uint8).
pub(crate) fn storage_dtype(v: &PV) -> Option<Kind> {
    match v {
        PV::Global(G::StorageType(k)) => Some(*k),
        PV::Global(G::UntypedStorage) => Some(Kind::Uint8),
        _ => None,
    }
}

/// Whether a storage class is one fcall knows by name but does not make (quantized storages).
pub(crate) fn unsupported_global(v: &PV) -> Option<Error> {
    match v {
        PV::Global(g @ G::Unsupported(_)) => Some(unsupported(*g)),
        _ => None,
    }
}
