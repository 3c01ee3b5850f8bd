//! A fourth family of random fcall programs for the differential fuzzer: tensor values as a
//! user sees them. Tensors of several shapes, dtypes and magnitudes (tiny, huge, integral,
//! negative zero, nan and inf from log and division), the expression operators, indexing and
//! slicing, reductions and element-wise methods, in-place writes through views (the version
//! counter), dtype conversions, autograd (grad_fn names, backward, .grad), and how each result
//! prints (`print`, `repr`, bare expressions), including PyTorch's errors for bad shapes and
//! dtypes.
use std::fmt::Write;

use super::gen::Rng;

/// One element literal; `style` picks the magnitude family so a tensor's values print in one
/// of PyTorch's modes (fixed, integral, scientific).
fn element(r: &mut Rng, style: usize) -> String {
    match style {
        // Small halves: fixed point.
        0 => r.num(),
        // Integral floats.
        1 => format!("{}.0", r.below(20) as i64 - 10),
        // Wide magnitudes: scientific mode.
        2 => (*r.pick(&["1e-05", "0.00012", "12345.678", "100000.0", "1e9", "-3.5e-7", "0.5", "-2.0", "7.25"])).to_string(),
        // Ints (int64 tensors).
        _ => format!("{}", r.below(12) as i64 - 5),
    }
}

/// A tensor literal of `shape` (list of dims).
fn literal(r: &mut Rng, shape: &[usize], style: usize) -> String {
    match shape {
        [] => element(r, style),
        [n, rest @ ..] => {
            let items: Vec<String> = (0..*n).map(|_| literal(r, rest, style)).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

const SHAPES: [&[usize]; 5] = [&[], &[3], &[2, 3], &[3, 2], &[1, 3]];

/// Expressions over the variables `a`, `b`, `c` (tensors) and `w` (requires grad).
fn expression(r: &mut Rng) -> String {
    let v = *r.pick(&["a", "b", "c"]);
    let u = *r.pick(&["a", "b", "c"]);
    match r.below(36) {
        0 => format!("{v} + {u}"),
        1 => format!("{v} - {u} * 2"),
        2 => format!("{v} * {}", r.num()),
        3 => format!("{v} / {u}"),
        4 => format!("{v} @ {u}"),
        5 => format!("{v} @ {u}.t()"),
        6 => format!("{v} ** 2"),
        7 => format!("-{v}"),
        8 => format!("{v} > {u}"),
        9 => format!("{v}[0]"),
        10 => format!("{v}[:, 1]"),
        11 => format!("{v}[-1]"),
        12 => format!("{v}.sum()"),
        13 => format!("{v}.sum(0)"),
        14 => format!("{v}.mean()"),
        15 => format!("{v}.softmax(-1)"),
        16 => format!("{v}.log()"),
        17 => format!("{v}.exp()"),
        18 => format!("{v}.sqrt()"),
        19 => format!("{v}.clamp(min=0)"),
        20 => format!("{v}.max()"),
        21 => format!("{v}.argmax()"),
        22 => format!("{v}.norm()"),
        23 => format!("{v}.std()"),
        24 => format!("{v}.cumsum(0)"),
        25 => format!("{v}.prod()"),
        26 => format!("{v}.reshape(-1)"),
        27 => format!("{v}.long()"),
        28 => format!("{v}.double() / 3"),
        29 => format!("{v}.tolist()"),
        30 => format!("{v}.item()"),
        31 => format!("{v}.shape"),
        32 => format!("({v} > 0).all()"),
        33 => format!("{v}.unsqueeze(0).shape"),
        34 => format!("{v}.float() / 0"),
        _ => format!("{v}.abs().round()"),
    }
}

/// Program number `index` of the values batch `seed`.
pub fn program(seed: u64, index: u64) -> String {
    let (mut r, mut out) = super::gen::start("values", seed, index, 4_000_037, 0x7a1_0e55);
    for v in ["a", "b", "c"] {
        let shape = *r.pick(&SHAPES);
        let style = r.below(4);
        let lit = literal(&mut r, shape, style);
        let dtype = if style != 3 && r.pct(15) { ", dtype=torch.float64" } else { "" };
        let _ = writeln!(out, "{v} = torch.tensor({lit}{dtype})");
    }
    let _ = writeln!(out, "w = torch.tensor({}, requires_grad=True)", literal(&mut r, &[2, 3], 0));
    for _ in 0..10 + r.below(10) {
        match r.below(12) {
            0..=4 => {
                let _ = writeln!(out, "{}", expression(&mut r));
            }
            5 => {
                let _ = writeln!(out, "print({})", expression(&mut r));
            }
            6 => {
                let _ = writeln!(out, "repr({})", expression(&mut r));
            }
            7 => {
                // A view, an in-place write through it, and what both show.
                let v = *r.pick(&["a", "b", "c"]);
                let op = *r.pick(&["add_(1)", "mul_(-2)", "zero_()", "clamp_(min=0)", "fill_(3)"]);
                let _ = writeln!(out, "view = {v}[0]");
                let _ = writeln!(out, "view.{op}");
                let _ = writeln!(out, "print({v}, view)");
            }
            8 => {
                // Autograd through an expression of w.
                let f = *r.pick(&["(w * 2).sum()", "(w ** 2).mean()", "w.exp().sum()", "(w @ w.t()).sum()", "w.softmax(-1)[0, 0]", "w.relu().sum()"]);
                let _ = writeln!(out, "y = {f}");
                let _ = writeln!(out, "y");
                let _ = writeln!(out, "y.grad_fn.name()");
                let _ = writeln!(out, "y.backward()");
                let _ = writeln!(out, "w.grad");
            }
            9 => {
                let v = *r.pick(&["a", "b", "c"]);
                let _ = writeln!(out, "{v} = {}", expression(&mut r));
            }
            10 => {
                let v = *r.pick(&["a", "b", "c"]);
                let _ = writeln!(out, "print({v}.dtype, {v}.shape, {v})");
            }
            _ => {
                let v = *r.pick(&["a", "b", "c"]);
                let _ = writeln!(out, "{v} += {}", r.num());
            }
        }
    }
    let _ = writeln!(out, "print(a, b, c, w)");
    out
}
