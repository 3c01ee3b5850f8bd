//! `repr(tensor)` as PyTorch 2.13 prints it (torch/_tensor_str.py with default print options):
//! int mode, fixed 4 decimals or scientific notation, line width 80, summarised above 1000
//! elements. Error messages embed it (`submodule `l1.weight`: Parameter containing: ...`).
use tch::{Kind, Tensor};

use super::{dtype_name, to_f64_vec, TensorRef};

const PRECISION: usize = 4;
const LINEWIDTH: usize = 80;
pub const THRESHOLD: usize = 1000;
const EDGEITEMS: usize = 3;

/// `torch.typename(t)`: `torch.FloatTensor`, `torch.LongTensor`, ...
pub fn torch_typename(t: &TensorRef) -> String {
    let base = match t.kind() {
        Kind::Float => "FloatTensor",
        Kind::Double => "DoubleTensor",
        Kind::Half => "HalfTensor",
        Kind::BFloat16 => "BFloat16Tensor",
        Kind::Int64 => "LongTensor",
        Kind::Int => "IntTensor",
        Kind::Int16 => "ShortTensor",
        Kind::Int8 => "CharTensor",
        Kind::Uint8 => "ByteTensor",
        Kind::Bool => "BoolTensor",
        _ => "Tensor",
    };
    if t.device().ty == super::device::CUDA {
        format!("torch.cuda.{base}")
    } else {
        format!("torch.{base}")
    }
}

/// `repr(t)` / `str(t)` for a tensor object, Parameter prefix included. Read as
/// `Tensor.__repr__` reads: functorch layers skipped and grad off.
pub fn tensor_repr(t: &TensorRef) -> String {
    let _plain = super::shim::DisableFuncTorch::new();
    let s = repr_of(t.tensor());
    if t.is_parameter() {
        format!("Parameter containing:\n{s}")
    } else {
        s
    }
}

/// The repr of a tensor, or of the functorch wrapper around one.
fn repr_of(t: &Tensor) -> String {
    match super::shim::functorch_wrapper(t) {
        Some((wrapper, inner)) => wrapper_repr(&wrapper, &inner),
        None => plain_repr(t),
    }
}

/// A tensor inside grad or vmap (or leaked out of one), as `_functorch_wrapper_str_intern`
/// writes it: the wrapper, its level, and the inner tensor's repr indented by 4.
fn wrapper_repr(wrapper: &super::shim::Wrapper, inner: &Tensor) -> String {
    use super::shim::Wrapper;
    let value: Vec<String> = repr_of(inner).lines().map(|l| format!("    {l}")).collect();
    let value = value.join("\n");
    match wrapper {
        Wrapper::Batched { level, bdim } => format!("BatchedTensor(lvl={level}, bdim={bdim}, value=\n{value}\n)"),
        Wrapper::GradTracking { level } => format!("GradTrackingTensor(lvl={level}, value=\n{value}\n)"),
    }
}

fn plain_repr(t: &Tensor) -> String {
    let mut suffixes = Vec::new();
    let kind = t.kind();
    let shape = t.size();
    // Note [Print tensor device]: shown when it is not the default device (cpu).
    let device = super::device_of(t);
    if device.ty != super::device::CPU {
        suffixes.push(format!("device='{}'", device.name()));
    }
    let body = if device.ty == super::device::META {
        // No data to show: `...`, the size, and the dtype unless it is the default one.
        let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
        suffixes.push(format!("size=({}{})", dims.join(", "), if dims.len() == 1 { "," } else { "" }));
        if kind != Kind::Float {
            suffixes.push(format!("dtype=torch.{}", dtype_name(kind)));
        }
        "...".to_string()
    } else {
        tensor_body(t)
    };
    if device.ty != super::device::META && t.numel() == 0 && shape.len() != 1 {
        let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
        suffixes.push(format!("size=({}{})", dims.join(", "), if dims.len() == 1 { "," } else { "" }));
    }
    // The default dtype, the default complex dtype, int64 and bool go without a suffix.
    if device.ty != super::device::META && !matches!(kind, Kind::Float | Kind::ComplexFloat | Kind::Int64 | Kind::Bool) {
        suffixes.push(format!("dtype=torch.{}", dtype_name(kind)));
    }
    if let Some(name) = super::shim::grad_fn_name(t) {
        suffixes.push(format!("grad_fn=<{name}>"));
    } else if t.requires_grad() {
        suffixes.push("requires_grad=True".to_string());
    }
    add_suffixes(format!("tensor({body}"), &suffixes, "tensor(".len())
}

/// `_add_suffixes`: each suffix after `, `, or on a new line indented under the values when the
/// line would pass 80 columns (with PyTorch's own count of the last line's length).
fn add_suffixes(mut s: String, suffixes: &[String], indent: usize) -> String {
    const LINEWIDTH: usize = 80;
    // `len(tensor_str) - tensor_str.rfind("\n") + 1` (rfind is -1 without a newline).
    let chars = s.chars().count();
    let mut last_line_len = match s.rfind('\n') {
        Some(at) => chars - s[..at].chars().count() + 1,
        None => chars + 2,
    };
    for suffix in suffixes {
        let n = suffix.chars().count();
        if last_line_len + n + 2 > LINEWIDTH {
            s.push_str(",\n");
            s.push_str(&" ".repeat(indent));
            last_line_len = indent + n;
        } else {
            s.push_str(", ");
            last_line_len += n + 2;
        }
        s.push_str(suffix);
    }
    s.push(')');
    s
}

struct Formatter {
    floating: bool,
    boolean: bool,
    int_mode: bool,
    sci_mode: bool,
    width: usize,
}

impl Formatter {
    fn new(values: &[f64], floating: bool, boolean: bool) -> Formatter {
        let mut f = Formatter { floating, boolean, int_mode: true, sci_mode: false, width: 1 };
        if boolean {
            f.width = values.iter().map(|v| if *v != 0.0 { 4 } else { 5 }).max().unwrap_or(1);
            return f;
        }
        if !floating {
            f.width = values.iter().map(|v| format!("{}", *v as i64).len()).max().unwrap_or(1);
            return f;
        }
        // As `_Formatter.__init__`: modes and width come from the nonzero finite values only
        // (none: width 1, no padding at all).
        let nz: Vec<f64> = values.iter().copied().filter(|v| v.is_finite() && *v != 0.0).collect();
        if nz.is_empty() {
            return f;
        }
        let abs: Vec<f64> = nz.iter().map(|v| v.abs()).collect();
        let min = abs.iter().cloned().fold(f64::INFINITY, f64::min);
        let max = abs.iter().cloned().fold(0.0, f64::max);
        f.int_mode = nz.iter().all(|v| v.ceil() == *v);
        f.sci_mode = if f.int_mode {
            max / min > 1000.0 || max > 1e8
        } else {
            max / min > 1000.0 || max > 1e8 || min < 1e-4
        };
        f.width = nz.iter().map(|v| f.format_raw(*v).len()).max().unwrap_or(1).max(1);
        f
    }

    fn format_raw(&self, v: f64) -> String {
        if self.boolean {
            return if v != 0.0 { "True".into() } else { "False".into() };
        }
        if !self.floating {
            return format!("{}", v as i64);
        }
        if v.is_nan() {
            return "nan".into();
        }
        if v.is_infinite() {
            return if v > 0.0 { "inf".into() } else { "-inf".into() };
        }
        if self.sci_mode {
            py_sci(v, PRECISION)
        } else if self.int_mode {
            format!("{v:.0}.")
        } else {
            format!("{v:.PRECISION$}")
        }
    }

    fn format(&self, v: f64) -> String {
        let s = self.format_raw(v);
        format!("{}{}", " ".repeat(self.width.saturating_sub(s.len())), s)
    }
}

/// One float as PyTorch prints `torch.tensor(v)` inside `tensor(...)`: `0.1333`, `12.8000`,
/// `1.0053e-06`, `0.`, `inf`.
pub fn torch_scalar(v: f64) -> String {
    Formatter::new(&[v], true, false).format_raw(v)
}

/// Python's `'{:.Ne}'.format(v)`: mantissa, `e`, sign, at least two exponent digits.
fn py_sci(v: f64, precision: usize) -> String {
    let s = format!("{v:.precision$e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let (sign, digits) = match exp.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exp),
    };
    format!("{mant}e{sign}{digits:0>2}")
}

fn tensor_body(t: &Tensor) -> String {
    let shape = t.size();
    let numel = t.numel();
    if numel == 0 {
        return "[]".into();
    }
    let kind = t.kind();
    let floating = matches!(kind, Kind::Float | Kind::Double | Kind::Half | Kind::BFloat16);
    let boolean = kind == Kind::Bool;
    // Above 1000 elements only the edges are read (`get_summarized_data`): an expanded
    // 10**6 x 10**6 tensor prints from its 36 corner values, never materialised.
    let summarize = numel > THRESHOLD;
    let (data, cut) = if summarize {
        match summarized_data(t, &shape) {
            Ok(d) => d,
            Err(_) => return "<unprintable>".into(),
        }
    } else {
        (t.shallow_clone(), vec![false; shape.len()])
    };
    let complex = matches!(kind, Kind::ComplexHalf | Kind::ComplexFloat | Kind::ComplexDouble);
    let cells = match if complex { complex_cells(&data) } else { cells_of(&data, floating, boolean) } {
        Ok(c) => c,
        Err(_) => return "<unprintable>".into(),
    };
    let strides = contiguous_strides(&data.size());
    format_dim(&cells, &data.size(), &strides, 0, 0, 7, &cut)
}

/// The printed values, padded to one width (PyTorch's `_Formatter`); integer tensors are read
/// as int64, so every value prints exactly (`9007199254740993`).
struct Cells {
    text: Vec<String>,
    width: usize,
}

fn cells_of(data: &Tensor, floating: bool, boolean: bool) -> crate::error::Result<Cells> {
    if !floating && !boolean {
        let flat = data.f_detach()?.f_to_kind(Kind::Int64)?.f_contiguous()?.f_view([-1])?;
        let n = flat.numel();
        let mut ints = vec![0i64; n];
        flat.f_copy_data(&mut ints, n)?;
        let raw: Vec<String> = ints.iter().map(|i| i.to_string()).collect();
        let width = raw.iter().map(|s| s.len()).max().unwrap_or(1);
        let text = raw.into_iter().map(|s| format!("{}{s}", " ".repeat(width - s.len()))).collect();
        return Ok(Cells { text, width });
    }
    let values = to_f64_vec(data)?;
    let fmt = Formatter::new(&values, floating, boolean);
    Ok(Cells { text: values.iter().map(|v| fmt.format(*v)).collect(), width: fmt.width })
}

/// A complex tensor's cells (`_tensor_str`'s two formatters): the real parts with a formatter
/// of their own, then the imaginary parts with theirs and a `j`, joined by their own sign or a
/// `+` (`1.5410+0.5684j`, `-0.2934-1.0845j`); a line holds as many as fit both widths plus `j`.
fn complex_cells(data: &Tensor) -> crate::error::Result<Cells> {
    let data = data.f_detach()?.f_resolve_conj()?;
    let (re, im) = (to_f64_vec(&data.f_real()?)?, to_f64_vec(&data.f_imag()?)?);
    let (fr, fi) = (Formatter::new(&re, true, false), Formatter::new(&im, true, false));
    let text = re
        .iter()
        .zip(&im)
        .map(|(r, i)| {
            let imag = format!("{}j", fi.format(*i));
            let imag = imag.trim_start();
            let sep = if imag.starts_with('+') || imag.starts_with('-') { "" } else { "+" };
            format!("{}{sep}{imag}", fr.format(*r))
        })
        .collect();
    Ok(Cells { text, width: fr.width + fi.width + 1 })
}

fn contiguous_strides(shape: &[i64]) -> Vec<usize> {
    let mut strides = vec![1usize; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        strides[i] = strides[i + 1] * shape[i + 1] as usize;
    }
    strides
}

/// `_tensor_str.get_summarized_data`: along every dimension longer than 6, its first and last
/// three entries; with which dimensions were cut (they print `...`). One strided view reads every
/// corner (a cut dimension becomes two: its two edges, then three entries each), so only the
/// printed values are ever copied: an expanded 10**5 x 10**5 x 10**5 tensor reads 216.
fn summarized_data(t: &Tensor, shape: &[i64]) -> crate::error::Result<(Tensor, Vec<bool>)> {
    let e = EDGEITEMS as i64;
    let strides = t.stride();
    let (mut size, mut stride, mut out, mut cut) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (&n, &s) in shape.iter().zip(&strides) {
        if n > 2 * e {
            size.extend([2, e]);
            stride.extend([(n - e) * s, s]);
            out.push(2 * e);
            cut.push(true);
        } else {
            size.push(n);
            stride.push(s);
            out.push(n);
            cut.push(false);
        }
    }
    let data = t.f_detach()?.f_as_strided(&size[..], &stride[..], None)?.f_contiguous()?.f_reshape(&out[..])?;
    Ok((data, cut))
}

/// Lays out the (summarized) cells of `shape` at dimension `d`, `...` after the first three
/// entries of a cut dimension.
fn format_dim(cells: &Cells, shape: &[i64], strides: &[usize], d: usize, off: usize, indent: usize, cut: &[bool]) -> String {
    let dims = shape.len() - d;
    if dims == 0 {
        return cells.text[off].clone();
    }
    let n = shape[d] as usize;
    if dims == 1 {
        let mut items: Vec<&str> = Vec::new();
        for i in 0..n {
            if cut[d] && i == EDGEITEMS {
                items.push(" ...");
            }
            items.push(&cells.text[off + i * strides[d]]);
        }
        let per_line = ((LINEWIDTH.saturating_sub(indent)) / (cells.width + 2)).max(1);
        let lines: Vec<String> = items.chunks(per_line).map(|c| c.join(", ")).collect();
        return format!("[{}]", lines.join(&format!(",\n{}", " ".repeat(indent + 1))));
    }
    let mut parts = Vec::new();
    for i in 0..n {
        if cut[d] && i == EDGEITEMS {
            parts.push("...".to_string());
        }
        parts.push(format_dim(cells, shape, strides, d + 1, off + i * strides[d], indent + 1, cut));
    }
    let sep = format!(",{}{}", "\n".repeat(dims - 1), " ".repeat(indent + 1));
    format!("[{}]", parts.join(&sep))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repr(values: &[f32], shape: &[i64]) -> String {
        tensor_repr(&TensorRef::new(super::super::from_f32(values, shape).unwrap()))
    }

    #[test]
    fn scalars_and_vectors_print_like_pytorch() {
        assert_eq!(repr(&[1.0], &[]), "tensor(1.)");
        assert_eq!(repr(&[0.5], &[]), "tensor(0.5000)");
        assert_eq!(repr(&[0.5, 0.25], &[2]), "tensor([0.5000, 0.2500])");
        assert_eq!(repr(&[1.0, -2.0, 3.0, 4.0], &[2, 2]), "tensor([[ 1., -2.],\n        [ 3.,  4.]])");
        assert_eq!(repr(&[1e-5, 1.0], &[2]), "tensor([1.0000e-05, 1.0000e+00])");
    }

    #[test]
    fn parameter_repr_has_prefix_and_requires_grad() {
        let t = super::super::from_f32(&[0.5], &[1, 1]).unwrap();
        let p = TensorRef::parameter(&t, true).unwrap();
        assert_eq!(tensor_repr(&p), "Parameter containing:\ntensor([[0.5000]], requires_grad=True)");
    }
}
