//! Short text for a tensor in a table cell: small tensors by value, larger ones by shape, dtype
//! and statistics computed in libtorch (a reduction, never a copy of the tensor), and the largest
//! ones (more than [`STATS_MAX`] elements) by shape, dtype and their first and last three
//! elements, the corners PyTorch's printing keeps when it abbreviates: statistics would read the
//! whole tensor (an embedding of 8M elements takes longer than a forward pass on 16 tokens), the
//! corners read six numbers. So a 100M-parameter model is summarised without duplicating or
//! reading its memory.
use tch::Kind;

use crate::tensor::{dtype_name, to_f64_vec, torch_scalar, TensorRef};
use crate::value::Value;

/// Tensors with at most this many elements are shown by value.
pub const SMALL: usize = 6;
/// Tensors with at most this many elements show their mean and standard deviation (one pass
/// over 64K elements: about 0.3 ms on one core); larger ones show their corners.
pub const STATS_MAX: usize = 1 << 16;
/// Elements shown at each end of a large tensor (PyTorch's `edgeitems`).
const EDGE: usize = 3;

/// A value of a small tensor: Python's float spelling, rounded as PyTorch prints (4 decimals,
/// or scientific notation with 4 below 1e-4 and from 1e8).
fn number(v: f64, floating: bool) -> String {
    if !floating {
        return format!("{}", v as i64);
    }
    if !v.is_finite() {
        return torch_scalar(v);
    }
    if v == v.trunc() && v.abs() < 1e8 {
        return format!("{v:.1}");
    }
    if v.abs() >= 1e-4 && v.abs() < 1e8 {
        let s = format!("{v:.4}");
        let s = s.trim_end_matches('0');
        return if s.ends_with('.') { format!("{s}0") } else { s.to_string() };
    }
    torch_scalar(v)
}

/// A complex value as Python's repr spells it: `1j`, `(1+1j)`, `(0.5-2j)`.
fn complex_number(re: f64, im: f64) -> String {
    let part = |v: f64| {
        let s = number(v, true);
        s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
    };
    if re == 0.0 && !re.is_sign_negative() {
        return format!("{}j", part(im));
    }
    let i = part(im);
    let sign = if i.starts_with('-') { "" } else { "+" };
    format!("({}{sign}{i}j)", part(re))
}

/// Cells laid out by shape: `[a, b]`, `[[a], [b]]`.
fn nested_text(cells: &[String], shape: &[i64]) -> String {
    if shape.is_empty() {
        return cells.first().cloned().unwrap_or_default();
    }
    let n = shape[0] as usize;
    let inner: usize = shape[1..].iter().product::<i64>() as usize;
    let parts: Vec<String> = (0..n).map(|i| nested_text(&cells[i * inner..(i + 1) * inner], &shape[1..])).collect();
    format!("[{}]", parts.join(", "))
}

fn shape_text(shape: &[i64]) -> String {
    format!("[{}]", shape.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", "))
}

/// `0.5`, `[0.5, 0.25]`, `[[1.0], [2.0]]` for small tensors; `float32[64, 64] mean=0.01 std=0.3` else.
pub fn summarize(t: &TensorRef) -> String {
    let shape = t.shape();
    let kind = t.kind();
    let floating = matches!(kind, Kind::Float | Kind::Double | Kind::Half | Kind::BFloat16);
    let dtype = if kind == Kind::Float { String::new() } else { format!(" {}", dtype_name(kind)) };
    if t.numel() <= SMALL {
        if let Some(parts) = crate::tensor::complex_parts(t.tensor()) {
            let Ok((re, im)) = parts else { return format!("{}{}", shape_text(&shape), dtype) };
            let cells: Vec<String> = re.iter().zip(&im).map(|(r, i)| complex_number(*r, *i)).collect();
            return format!("{}{dtype}", nested_text(&cells, &shape));
        }
        let Ok(values) = to_f64_vec(t.tensor()) else { return format!("{}{}", shape_text(&shape), dtype) };
        let text = nested(&values, &shape, floating);
        return format!("{text}{dtype}");
    }
    if t.numel() > STATS_MAX {
        return format!("{}{} {}", dtype_name(kind), shape_text(&shape), corners(t, floating));
    }
    let key = (t.id(), t.version());
    if let Some(s) = MEMO.with(|m| m.borrow().as_ref().and_then(|m| m.get(&key).cloned())) {
        return s;
    }
    let stats = if floating {
        // One pass over the tensor (Welford): std and mean together.
        let sm = t.tensor().f_detach().and_then(|d| d.f_std_mean(true));
        let value = |x: &tch::Tensor| x.f_double_value(&[]).ok();
        match sm.as_ref().ok().map(|(s, m)| (value(m), value(s))) {
            Some((Some(m), Some(s))) => format!(" mean={} std={}", torch_scalar(m), torch_scalar(s)),
            _ => String::new(),
        }
    } else {
        String::new()
    };
    let text = format!("{}{}{}", dtype_name(kind), shape_text(&shape), stats);
    MEMO.with(|m| {
        if let Some(m) = m.borrow_mut().as_mut() {
            m.insert(key, text.clone());
        }
    });
    text
}

/// `[a, b, c, ..., x, y, z]`: the first and last [`EDGE`] elements in PyTorch's printing order
/// (row-major), each read by index; `[...]` where they cannot be read (a meta tensor).
fn corners(t: &TensorRef, floating: bool) -> String {
    let shape = t.shape();
    let n = t.numel();
    let _guard = tch::no_grad_guard();
    let at = |flat: usize| -> Option<String> {
        let mut idx = vec![0i64; shape.len()];
        let mut rest = flat as i64;
        for (d, size) in shape.iter().enumerate().rev() {
            idx[d] = rest % size;
            rest /= size;
        }
        t.tensor().f_double_value(&idx).ok().map(|v| number(v, floating))
    };
    let head: Option<Vec<String>> = (0..EDGE).map(at).collect();
    let tail: Option<Vec<String>> = (n - EDGE..n).map(at).collect();
    match (head, tail) {
        (Some(h), Some(t)) => format!("[{}, ..., {}]", h.join(", "), t.join(", ")),
        _ => "[...]".into(),
    }
}

thread_local! {
    static MEMO: std::cell::RefCell<Option<std::collections::HashMap<(u64, i64), String>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with each large tensor's statistics computed once: a statement's renderings (text,
/// HTML, the JSON record) show the same tensors, and nothing writes them in between.
pub fn memo<R>(f: impl FnOnce() -> R) -> R {
    let outer = MEMO.with(|m| {
        let mut m = m.borrow_mut();
        let outer = m.is_some();
        if !outer {
            *m = Some(Default::default());
        }
        outer
    });
    let out = f();
    if !outer {
        MEMO.with(|m| *m.borrow_mut() = None);
    }
    out
}

fn nested(values: &[f64], shape: &[i64], floating: bool) -> String {
    if shape.is_empty() {
        return values.first().map(|v| number(*v, floating)).unwrap_or_default();
    }
    let n = shape[0] as usize;
    let inner: usize = shape[1..].iter().product::<i64>() as usize;
    let parts: Vec<String> = (0..n).map(|i| nested(&values[i * inner..(i + 1) * inner], &shape[1..], floating)).collect();
    format!("[{}]", parts.join(", "))
}

/// A value in a cell: tensors summarised with their `#id`, other values by repr.
pub fn summarize_value(v: &Value) -> String {
    match v {
        Value::Tensor(t) => format!("{} #{}", summarize(t), t.id()),
        Value::None => "None".into(),
        other => other.py_repr(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::from_f32;

    #[test]
    fn small_by_value_large_by_statistics() {
        let s = TensorRef::new(from_f32(&[0.5, 0.25], &[2]).unwrap());
        assert_eq!(summarize(&s), "[0.5, 0.25]");
        let z = TensorRef::new(from_f32(&[0.0], &[]).unwrap());
        assert_eq!(summarize(&z), "0.0");
        let big = TensorRef::new(from_f32(&[1.0; 64], &[8, 8]).unwrap());
        assert_eq!(summarize(&big), "float32[8, 8] mean=1. std=0.");
        let tiny = TensorRef::new(from_f32(&[1.0052609695776482e-06; 2], &[2]).unwrap());
        assert_eq!(summarize(&tiny), "[1.0053e-06, 1.0053e-06]");
        let mut v = vec![0.0f32; 10];
        v[0] = 1e-5;
        let spread = TensorRef::new(from_f32(&v, &[10]).unwrap());
        // PyTorch: torch.tensor(1e-6) and the std of this tensor print as 1.0000e-06, 3.1623e-06.
        assert_eq!(summarize(&spread), "float32[10] mean=1.0000e-06 std=3.1623e-06");
        // Above STATS_MAX elements: the corners PyTorch prints, row-major, nothing else read.
        let values: Vec<f32> = (0..(STATS_MAX + 4) as i64).map(|i| i as f32 / 4.0).collect();
        let n = values.len() as i64;
        let large = TensorRef::new(from_f32(&values, &[n / 4, 4]).unwrap());
        assert_eq!(summarize(&large), format!("float32[{}, 4] [0.0, 0.25, 0.5, ..., {}, {}, {}]", n / 4, number((n - 3) as f64 / 4.0, true), number((n - 2) as f64 / 4.0, true), number((n - 1) as f64 / 4.0, true)));
        assert!(summarize(&large).ends_with("16384.25, 16384.5, 16384.75]"), "{}", summarize(&large));
    }
}
