//! Values as JSON, exactly as shared/LANGUAGE.md's "Machine-readable output" and
//! conformance/cases.py encode them: tensors as `{"type", "value", "shape", "dtype",
//! "requires_grad", "grad_fn", "id"}`, dicts as `{"type": "dict", "entries": {...}}`,
//! NaN and infinities as strings, errors with PyTorch's type and message and our code.
use serde_json::{json, Map, Value as Json};

use crate::error::Error;
use crate::tensor::{dtype_name, to_f64_vec, TensorRef};
use crate::value::Value;

fn number(v: f64, integral: bool) -> Json {
    if v.is_nan() {
        return json!("nan");
    }
    if v.is_infinite() {
        return json!(if v > 0.0 { "inf" } else { "-inf" });
    }
    if integral {
        Json::from(v as i64)
    } else {
        Json::from(v)
    }
}

fn nest(values: &[f64], shape: &[i64], kind: tch::Kind) -> Json {
    let integral = !matches!(kind, tch::Kind::Float | tch::Kind::Double | tch::Kind::Half | tch::Kind::BFloat16);
    let boolean = kind == tch::Kind::Bool;
    if shape.is_empty() {
        let v = values.first().copied().unwrap_or(0.0);
        return if boolean { json!(v != 0.0) } else { number(v, integral) };
    }
    let n = shape[0] as usize;
    let inner: usize = shape[1..].iter().product::<i64>() as usize;
    Json::Array((0..n).map(|i| nest(&values[i * inner..(i + 1) * inner], &shape[1..], kind)).collect())
}

/// A complex tensor's values as the runner encodes `tolist()`'s complex numbers:
/// `{"real": r, "imag": i}` at every leaf.
fn nest_complex(re: &[f64], im: &[f64], shape: &[i64]) -> Json {
    if shape.is_empty() {
        let part = |v: &[f64]| number(v.first().copied().unwrap_or(0.0), false);
        return json!({"real": part(re), "imag": part(im)});
    }
    let n = shape[0] as usize;
    let inner: usize = shape[1..].iter().product::<i64>() as usize;
    Json::Array((0..n).map(|i| nest_complex(&re[i * inner..(i + 1) * inner], &im[i * inner..(i + 1) * inner], &shape[1..])).collect())
}

/// A tensor as cases.py's `enc_tensor`, plus its object id.
pub fn tensor(t: &TensorRef) -> Json {
    let shape = t.shape();
    let value = match crate::tensor::complex_parts(t.tensor()) {
        Some(Ok((re, im))) => nest_complex(&re, &im, &shape),
        Some(Err(_)) => json!(null),
        None => nest(&to_f64_vec(t.tensor()).unwrap_or_default(), &shape, t.kind()),
    };
    json!({
        "type": t.type_name(),
        "value": value,
        "shape": shape,
        "dtype": dtype_name(t.kind()),
        "requires_grad": t.requires_grad(),
        "grad_fn": t.grad_fn_name(),
        "id": t.id(),
    })
}

/// Any value. A list or dict that holds itself shows `"[...]"` / `"{...}"` where it recurs.
pub fn value(v: &Value) -> Json {
    if let Some(ptr) = v.container_ptr() {
        let shown = if matches!(v, Value::Dict(_)) { "{...}" } else { "[...]" };
        return crate::value::guard_recursion(ptr, || value_inner(v)).unwrap_or_else(|| json!(shown));
    }
    value_inner(v)
}

fn value_inner(v: &Value) -> Json {
    match v {
        Value::None => Json::Null,
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        // Past 64 bits, JSON's number as a reader's double holds it (its repr past a double's range).
        Value::BigInt(b) => crate::pyint::big_to_f64(b).map(|f| json!(f)).unwrap_or_else(|_| json!(v.py_repr())),
        Value::Float(f) => number(*f, false),
        // As the runner's `_num` encodes a complex number: its two parts.
        Value::Complex(r, i) => json!({"real": number(*r, false), "imag": number(*i, false)}),
        Value::Str(s) => json!(s.to_string()),
        Value::Tensor(t) => tensor(t),
        Value::Module(m) => json!({"type": "Module", "class": m.class_name(), "id": m.id(), "repr": m.repr()}),
        Value::Dict(d) => {
            let mut entries = Map::new();
            for (k, x) in d.borrow().iter() {
                entries.insert(k.clone(), value(x));
            }
            json!({"type": "dict", "id": d.id(), "entries": entries})
        }
        Value::List(items) | Value::Tuple(items) | Value::Size(items) => Json::Array(items.borrow().iter().map(value).collect()),
        // As the export's `_enc` writes them: `str(dtype)` ("torch.float64"), `repr(module)`.
        Value::Function(_) | Value::Namespace(_) | Value::DType(_) | Value::Class(_) | Value::Object(_) | Value::Set(_) => json!(v.py_repr()),
    }
}

/// An error: PyTorch's exception type and message, our stable code, the hint and a known bug.
pub fn error(e: &Error) -> Json {
    let mut m = Map::new();
    m.insert("type".into(), json!(e.type_name()));
    m.insert("message".into(), json!(e.message));
    m.insert("code".into(), json!(e.code));
    if let Some(k) = &e.key_arg {
        m.insert("key_arg".into(), json!(k));
    }
    if let Some(h) = &e.hint {
        m.insert("hint".into(), json!(h));
    }
    if let Some(b) = &e.known_bug {
        m.insert("known_bug".into(), json!({"summary": b.summary, "upstream": b.upstream}));
    }
    Json::Object(m)
}
