//! Binding a Python call to one of a name's signatures, as torch's PythonArgParser does
//! (python_arg_parser.cpp): overloads tried in order, positional then keyword arguments
//! (with NumPy's aliases `axis`, `keepdims`, `x`), each value checked against its parameter
//! type (a 0-dim tensor may be a number, a single int an `int[2]`, `view(2, 3)` a list), and
//! PyTorch's TypeError wording where nothing fits.
use tch::Kind;

use super::signature::{PType, Param, Signature};
use crate::error::{Error, Result};
use crate::tensor::TensorRef;
use crate::value::{FunctionKind, Kwargs, Value};

/// A parameter's value after checking: what the stack gets.
pub enum Conv {
    /// Left out, or None: the schema's default (None where it has none).
    Default,
    Bool(bool),
    Int(i64),
    /// A Python int in [2**63, 2**64): a c10::Scalar of type UInt64, as PyTorch unpacks it.
    UInt(u64),
    Double(f64),
    /// A Python complex number where a Scalar (or complex) is expected.
    Complex(f64, f64),
    Str(String),
    Tensor(TensorRef),
    /// A number where a Tensor is expected (add, mul, ...): a wrapped-number tensor.
    Number(Value),
    Device(i32, i32),
    Ints(Vec<i64>),
    Doubles(Vec<f64>),
    Tensors(Vec<TensorRef>),
    OptTensors(Vec<Option<TensorRef>>),
    Kind(Kind),
}

/// Python's `torch.add` names: functions that take a number where a Tensor is expected.
const NUMBERS_AS_TENSORS: &[&str] = &[
    "add", "add_", "div", "div_", "divide", "divide_", "mul", "mul_", "multiply", "multiply_", "sub", "sub_", "subtract", "subtract_",
    "true_divide", "true_divide_", "to", "_to_copy", "copy_", "floor_divide", "floor_divide_",
];

/// NumPy's spellings a keyword may use instead (python_arg_parser.cpp).
fn numpy_names(name: &str) -> &'static [&'static str] {
    match name {
        "dim" => &["axis"],
        "keepdim" => &["keepdims"],
        "input" => &["x", "a", "x1"],
        "other" => &["x2"],
        _ => &[],
    }
}


fn is_integral(k: Kind) -> bool {
    matches!(k, Kind::Uint8 | Kind::Int8 | Kind::Int16 | Kind::Int | Kind::Int64)
}

/// A 0-dim tensor's value as a Python number (`Tensor.item()`).
fn item(t: &TensorRef) -> Result<Value> {
    let x = t.tensor();
    if let Some(parts) = crate::tensor::complex_parts(x) {
        let (re, im) = parts?;
        return Ok(Value::Complex(re[0], im[0]));
    }
    Ok(match t.kind() {
        Kind::Bool => Value::Bool(x.f_int64_value(&[])? != 0),
        k if is_integral(k) => Value::Int(x.f_int64_value(&[])?),
        _ => Value::Float(x.f_double_value(&[])?),
    })
}

/// The items of a list, tuple or torch.Size.
fn seq(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::List(s) | Value::Tuple(s) | Value::Size(s) => Some(s.to_vec()),
        _ => None,
    }
}

/// An int as a parameter of type int takes it: a Python int (not bool) or a 0-dim integer
/// tensor that does not require grad.
fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Tensor(t) if t.tensor().dim() == 0 && is_integral(t.kind()) && !t.requires_grad() => t.tensor().f_int64_value(&[]).ok(),
        _ => None,
    }
}

/// `torch.device`-like values: "cpu", "cuda:0", "meta", an int (a CUDA index).
pub fn device_of(v: &Value) -> Option<(i32, i32)> {
    let d = match v {
        Value::Str(s) => crate::tensor::Device::parse(s).ok()?,
        Value::Int(i) if *i >= 0 => crate::tensor::Device { ty: crate::tensor::device::CUDA, index: *i as i32 },
        other => crate::interp::device::of(other)?,
    };
    Some((d.ty, d.index))
}

/// The dtype a `dtype=` value names: a torch.dtype, or Python's `float`/`int`/`bool`/`complex`.
pub fn kind_of(v: &Value) -> Option<Kind> {
    match v {
        Value::DType(k) => Some(*k),
        Value::Function(f) if matches!(f.kind, FunctionKind::Builtin | FunctionKind::Class) => match f.name.as_str() {
            "float" => Some(Kind::Double),
            "int" => Some(Kind::Int64),
            "bool" => Some(Kind::Bool),
            "complex" => Some(Kind::ComplexDouble),
            _ => None,
        },
        _ => None,
    }
}

/// Why an int list did not fit: the failing element's index.
struct BadElement(usize);

fn int_list(v: &Value, size: usize) -> std::result::Result<Option<Vec<i64>>, BadElement> {
    if let Some(items) = seq(v) {
        // PyTorch checks the first element; the others fail when unpacked.
        if let Some(first) = items.first() {
            if int_of(first).is_none() {
                return Err(BadElement(0));
            }
        }
        let mut out = Vec::with_capacity(items.len());
        for (i, x) in items.iter().enumerate() {
            out.push(int_of(x).ok_or(BadElement(i))?);
        }
        return Ok(Some(out));
    }
    if size > 0 {
        // A single int fits `int[N]`; past 64 bits it fails when unpacked.
        if matches!(v, Value::BigInt(_)) {
            return Err(BadElement(usize::MAX));
        }
        if let Some(i) = int_of(v) {
            return Ok(Some(vec![i; size]));
        }
    }
    Ok(None)
}

/// A Python int past int64 as PyTorch's argument parser unpacks it into a Scalar (after
/// `PyLong_AsLongLongAndOverflow` overflows, `PyLong_AsUnsignedLongLong`): uint64 below 2**64,
/// else OverflowError with CPython's words.
pub fn unsigned_scalar(v: &num_bigint::BigInt) -> Result<u64> {
    use num_traits::{Signed, ToPrimitive};
    if v.is_negative() {
        return Err(Error::new(crate::error::ExcType::OverflowError, "torch::scalar_overflow", "can't convert negative int to unsigned"));
    }
    v.to_u64().ok_or_else(|| Error::new(crate::error::ExcType::OverflowError, "torch::scalar_overflow", "int too big to convert"))
}

/// `THPUtils_unpackLong`'s error for an int past 64 bits where an int64 is wanted.
pub fn long_overflow() -> Error {
    Error::value("torch::unpack_long", "Overflow when unpacking long long")
}

/// Checks `v` against `p`; Some(converted) when it fits.
fn check(fname: &str, p: &Param, v: &Value, numbers_as_tensors: bool) -> std::result::Result<Option<Conv>, Error> {
    let number = |v: &Value| -> Result<Option<Conv>> {
        Ok(match v {
            Value::Bool(b) => Some(Conv::Bool(*b)),
            Value::Int(i) => Some(Conv::Int(*i)),
            Value::BigInt(b) => Some(Conv::UInt(unsigned_scalar(b)?)),
            Value::Float(f) => Some(Conv::Double(*f)),
            Value::Complex(r, i) => Some(Conv::Complex(*r, *i)),
            _ => None,
        })
    };
    Ok(match p.ty {
        PType::Tensor => match v {
            Value::Tensor(t) => Some(Conv::Tensor(t.clone())),
            Value::BigInt(b) if numbers_as_tensors => {
                unsigned_scalar(b)?;
                Some(Conv::Number(v.clone()))
            }
            Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Complex(..) if numbers_as_tensors => Some(Conv::Number(v.clone())),
            _ => None,
        },
        PType::Scalar | PType::Complex => match v {
            Value::Tensor(t) if t.tensor().dim() == 0 && !t.requires_grad() => number(&item(t)?)?,
            other => number(other)?,
        },
        PType::Double => match v {
            Value::Bool(b) => Some(Conv::Double(*b as i64 as f64)),
            Value::Int(i) => Some(Conv::Double(*i as f64)),
            Value::BigInt(b) => Some(Conv::Double(crate::pyint::big_to_f64(b)?)),
            Value::Float(f) => Some(Conv::Double(*f)),
            Value::Tensor(t) if t.tensor().dim() == 0 && !t.requires_grad() => Some(Conv::Double(t.tensor().f_double_value(&[])?)),
            _ => None,
        },
        PType::Int | PType::SymInt if matches!(v, Value::BigInt(_)) => return Err(long_overflow()),
        PType::Int | PType::SymInt => int_of(v).map(Conv::Int),
        PType::Bool => match v {
            Value::Bool(b) => Some(Conv::Bool(*b)),
            _ => None,
        },
        PType::String => match v {
            Value::Str(s) => Some(Conv::Str(s.to_string())),
            _ => None,
        },
        PType::ScalarType => kind_of(v).map(Conv::Kind),
        // Any str fits a Device parameter; a bad one is c10's RuntimeError when it is read.
        PType::Device => match v {
            Value::Str(s) => {
                let d = crate::tensor::Device::parse(s)?;
                Some(Conv::Device(d.ty, d.index))
            }
            _ => device_of(v).map(|(t, i)| Conv::Device(t, i)),
        },
        PType::IntList | PType::SymIntList => match int_list(v, p.size) {
            Ok(l) => l.map(Conv::Ints),
            Err(BadElement(usize::MAX)) => return Err(long_overflow()),
            Err(BadElement(i)) if matches!(seq(v).unwrap_or_default().get(i), Some(Value::BigInt(_))) => {
                return Err(unpack_error(fname, p, i, &seq(v).unwrap_or_default()[i]))
            }
            Err(BadElement(0)) => None,
            // The first element decides the match; a later one fails when unpacked.
            Err(BadElement(i)) => return Err(unpack_error(fname, p, i, &seq(v).unwrap_or_default()[i])),
        },
        PType::FloatList => match seq(v) {
            Some(items) => items
                .iter()
                .map(|x| match x {
                    Value::Int(i) => Some(*i as f64),
                    Value::BigInt(b) => crate::pyint::big_to_f64(b).ok(),
                    Value::Float(f) => Some(*f),
                    _ => None,
                })
                .collect::<Option<Vec<f64>>>()
                .map(Conv::Doubles),
            None => None,
        },
        PType::TensorList => match seq(v) {
            Some(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, x) in items.iter().enumerate() {
                    match x {
                        Value::Tensor(t) => out.push(t.clone()),
                        other => {
                            return Err(Error::type_error(
                                "torch::argument_type",
                                format!("expected Tensor as element {i} in argument 0, but got {}", other.type_name()),
                            ))
                        }
                    }
                }
                Some(Conv::Tensors(out))
            }
            None => None,
        },
        PType::OptTensorList => match seq(v) {
            Some(items) => items
                .iter()
                .map(|x| match x {
                    Value::Tensor(t) => Some(Some(t.clone())),
                    Value::None => Some(None),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
                .map(Conv::OptTensors),
            None => None,
        },
        // Objects fcall does not have (generators, layouts, memory formats, streams, named
        // dimensions): only their None fits.
        PType::Generator | PType::Layout | PType::MemoryFormat | PType::Dimname | PType::DimnameList | PType::ScalarList | PType::Stream => None,
    })
}

fn unpack_error(fname: &str, p: &Param, i: usize, bad: &Value) -> Error {
    if matches!(bad, Value::BigInt(_)) {
        return type_error(format!("{fname}(): argument '{}' failed to unpack the object at pos {} with error \"Overflow when unpacking long long", p.name, i + 1));
    }
    type_error(format!(
        "{fname}(): argument '{}' failed to unpack the object at pos {} with error \"type must be tuple of ints,but got {}\"",
        p.name,
        i + 1,
        bad.type_name()
    ))
}

/// The values bound to a signature's parameters, in its order.
pub struct Bound {
    pub values: Vec<Conv>,
    /// The Python value given for each parameter (for in-place returns and `requires_grad`).
    pub given: Vec<Option<Value>>,
}

fn type_error(m: String) -> Error {
    Error::type_error("torch::arguments", m)
}

/// Binds `pos`/`kw` to `sig`; with `raise`, the first mismatch is PyTorch's TypeError, else None.
pub fn parse(sig: &Signature, pos: &[Value], kw: &Kwargs, raise: bool) -> Result<Option<Bound>> {
    let numbers_as_tensors = NUMBERS_AS_TENSORS.contains(&sig.name.as_str());
    let nargs = pos.len();
    let varargs_list = sig.max_pos_args == 1 && matches!(sig.params.first().map(|p| p.ty), Some(PType::IntList | PType::SymIntList));
    if nargs > sig.max_pos_args && !varargs_list {
        return if raise { Err(extra_args(sig, nargs)) } else { Ok(None) };
    }
    let mut remaining = kw.len();
    let mut arg_pos = 0;
    let mut values = Vec::with_capacity(sig.params.len());
    let mut given = Vec::with_capacity(sig.params.len());
    for (i, p) in sig.params.iter().enumerate() {
        let mut is_kwd = false;
        let obj = if arg_pos < nargs {
            if p.keyword_only {
                return if raise { Err(extra_args(sig, nargs)) } else { Ok(None) };
            }
            Some(pos[arg_pos].clone())
        } else {
            is_kwd = true;
            std::iter::once(p.name.as_str())
                .chain(numpy_names(&p.name).iter().copied())
                .find_map(|n| kw.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()))
        };
        let varargs_ok = varargs_list && arg_pos == 0 && !is_kwd;
        match &obj {
            None if p.optional => values.push(Conv::Default),
            Some(Value::None) if p.allow_none => values.push(Conv::Default),
            None => return if raise { Err(missing_args(sig, i)) } else { Ok(None) },
            Some(v) => match check(&sig.name, p, v, numbers_as_tensors)? {
                Some(c) => values.push(c),
                None if varargs_ok && (int_of(v).is_some() || matches!(v, Value::BigInt(_))) => {
                    // `x.view(2, 3)`: every positional argument is the list.
                    let mut ints = Vec::with_capacity(nargs);
                    for (i, x) in pos.iter().enumerate() {
                        ints.push(int_of(x).ok_or_else(|| unpack_error(&sig.name, p, i, x))?);
                    }
                    values.push(Conv::Ints(ints));
                    given.push(obj.clone());
                    arg_pos = nargs;
                    continue;
                }
                None if !raise => return Ok(None),
                None => return Err(wrong_type(sig, p, v, pos, is_kwd, arg_pos, varargs_ok)),
            },
        }
        given.push(obj.clone());
        if !is_kwd {
            arg_pos += 1;
        } else if obj.is_some() {
            remaining -= 1;
        }
    }
    if remaining > 0 {
        return if raise { Err(extra_kwargs(sig, kw, nargs)) } else { Ok(None) };
    }
    Ok(Some(Bound { values, given }))
}

fn wrong_type(sig: &Signature, p: &Param, v: &Value, pos: &[Value], is_kwd: bool, arg_pos: usize, varargs_ok: bool) -> Error {
    let name = &sig.name;
    if is_kwd {
        return type_error(format!("{name}(): argument '{}' must be {}, not {}", p.name, p.ty.shown(), v.type_name()));
    }
    if matches!(p.ty, PType::IntList | PType::SymIntList) {
        let items = seq(v).or_else(|| varargs_ok.then(|| pos.to_vec()));
        if let Some(items) = items {
            if let Some((i, bad)) = items.iter().enumerate().find(|(_, x)| int_of(x).is_none()) {
                return type_error(format!(
                    "{name}(): argument '{}' (position {}) must be {}, but found element of type {} at pos {i}",
                    p.name,
                    arg_pos + 1,
                    p.ty.shown(),
                    bad.type_name()
                ));
            }
        }
    }
    type_error(format!("{name}(): argument '{}' (position {}) must be {}, not {}", p.name, arg_pos + 1, p.ty.shown(), v.type_name()))
}

fn extra_args(sig: &Signature, nargs: usize) -> Error {
    let (name, max, min) = (&sig.name, sig.max_pos_args, sig.min_args);
    if min != max {
        return type_error(format!("{name}() takes from {min} to {max} positional arguments but {nargs} were given"));
    }
    type_error(format!(
        "{name}() takes {max} positional argument{} but {nargs} {} given",
        if max == 1 { "" } else { "s" },
        if nargs == 1 { "was" } else { "were" }
    ))
}

fn missing_args(sig: &Signature, idx: usize) -> Error {
    let missing: Vec<String> = sig.params[idx..].iter().filter(|p| !p.optional).map(|p| format!("\"{}\"", p.name)).collect();
    // PyTorch's own wording: "argument" pluralised when exactly one is missing.
    type_error(format!(
        "{}() missing {} required positional argument{}: {}",
        sig.name,
        missing.len(),
        if missing.len() == 1 { "s" } else { "" },
        missing.join(", ")
    ))
}

fn extra_kwargs(sig: &Signature, kw: &Kwargs, nargs: usize) -> Error {
    for (k, _) in kw {
        let idx = sig.params.iter().position(|p| &p.name == k || numpy_names(&p.name).contains(&k.as_str()));
        match idx {
            None => return type_error(format!("{}() got an unexpected keyword argument '{k}'", sig.name)),
            Some(i) if i < nargs => return type_error(format!("{}() got multiple values for argument '{k}'", sig.name)),
            _ => {}
        }
    }
    type_error("invalid keyword arguments".into())
}

/// `(Tensor, str)` / `(Tensor, dim=int)`: how PyTorch describes the arguments it got.
fn described(v: &Value) -> String {
    match v {
        Value::List(_) | Value::Tuple(_) => {
            let items = seq(v).unwrap_or_default();
            let inner: Vec<String> = items.iter().map(|x| x.type_name()).collect();
            if matches!(v, Value::Tuple(_)) {
                format!("tuple of ({}{})", inner.join(", "), if inner.len() == 1 { "," } else { "" })
            } else {
                format!("list of [{}]", inner.join(", "))
            }
        }
        other => other.type_name(),
    }
}

/// "name() received an invalid combination of arguments - got (...), but expected one of: ...".
fn invalid_combination(name: &str, sigs: &[Signature], pos: &[Value], kw: &Kwargs) -> Error {
    let mut got: Vec<String> = pos.iter().map(|v| v.type_name()).collect();
    got.extend(kw.iter().map(|(k, v)| format!("{k}={}", v.type_name())));
    // PyTorch's _formattedArgDesc leaves a ", " after keyword arguments when there are no others.
    let tail = if pos.is_empty() && !kw.is_empty() { ", " } else { "" };
    let mut m = format!("{name}() received an invalid combination of arguments - got ({}{tail}), but expected one of:\n", got.join(", "));
    for s in sigs {
        m.push_str(&format!(" * {}\n", s.shown()));
        // invalid_arguments.cpp reads the listed option back: its pieces are the parameters
        // and the "*" marker, and only a piece without a default has a type it can match.
        let mut pieces: Vec<Option<&Param>> = Vec::new();
        for p in &s.params {
            if p.keyword_only && !pieces.iter().any(|x| x.is_none()) {
                pieces.push(None);
            }
            pieces.push(Some(p));
        }
        if pos.len() + kw.len() != pieces.len() {
            continue;
        }
        let start = pieces.len().saturating_sub(kw.len());
        let unmatched: Vec<&str> = kw
            .iter()
            .filter(|(k, _)| !pieces[start..].iter().any(|p| p.is_some_and(|p| &p.name == k)))
            .map(|(k, _)| k.as_str())
            .collect();
        if !unmatched.is_empty() {
            m.push_str(&format!("      didn't match because some of the keywords were incorrect: {}\n", unmatched.join(", ")));
            continue;
        }
        let fits = |p: Option<&&Param>, v: &Value| p.is_some_and(|p| p.default.is_none() && matches!(check(name, p, v, false), Ok(Some(_))));
        let mut marks = Vec::new();
        for (i, v) in pos.iter().enumerate() {
            let d = described(v);
            marks.push(if fits(pieces[i].as_ref(), v) { d } else { format!("!{d}!") });
        }
        for (k, v) in kw {
            let p = s.params.iter().find(|p| &p.name == k);
            let d = format!("{k}={}", described(v));
            marks.push(if fits(p.as_ref(), v) { d } else { format!("!{d}!") });
        }
        m.push_str(&format!("      didn't match because some of the arguments have invalid types: ({})\n", marks.join(", ")));
    }
    type_error(m)
}

/// Binds a call to the first signature that fits, as PythonArgParser::raw_parse does.
pub fn bind<'s>(sigs: &'s [Signature], pos: &[Value], kw: &Kwargs) -> Result<(&'s Signature, Bound)> {
    if sigs.len() == 1 {
        let b = parse(&sigs[0], pos, kw, true)?.expect("raise mode returns a binding or an error");
        return Ok((&sigs[0], b));
    }
    for s in sigs {
        if let Some(b) = parse(s, pos, kw, false)? {
            return Ok((s, b));
        }
    }
    let n = pos.len() + kw.len();
    let plausible: Vec<&Signature> = sigs.iter().filter(|s| n >= s.min_args && n <= s.max_args).collect();
    if plausible.len() == 1 {
        parse(plausible[0], pos, kw, true)?;
    }
    Err(invalid_combination(&sigs[0].name, sigs, pos, kw))
}
