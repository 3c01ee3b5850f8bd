//! A fifth family of random fcall programs for the differential fuzzer: the nn.Module object
//! model. Built-in layers made with random arguments (their repr, state names and shapes, a
//! forward on a fitting input, train/eval), and sequences of attribute assignments and
//! registrations on a module (`Module.__setattr__`'s rules and errors: parameters, buffers
//! persistent or not, submodules, None, plain tensors over registered names, ties, dotted and
//! duplicate names), each followed by what PyTorch would list.
use std::fmt::Write;

use super::gen::Rng;

/// (constructor call, a fitting input) for a random built-in layer.
fn layer(r: &mut Rng) -> (String, String) {
    let n = 2 + r.below(3);
    let bias = if r.pct(30) { ", bias=false" } else { "" };
    match r.below(12) {
        0 => (format!("Linear({n}, {}{bias})", 1 + r.below(3)), format!("randn(2, {n})")),
        1 => (format!("Bilinear({n}, 2, 3{bias})"), format!("randn(2, {n}), randn(2, 2)")),
        2 => {
            let k = 1 + r.below(2);
            let extra = *r.pick(&["", ", stride=2", ", padding=1", ", padding=1, stride=2", ", dilation=2"]);
            (format!("Conv1d({n}, 2, {k}{extra}{bias})"), format!("randn(1, {n}, 6)"))
        }
        3 => {
            let k = *r.pick(&["1", "2", "(1, 2)"]);
            let extra = *r.pick(&["", ", stride=2", ", padding=1", ", groups=2"]);
            (format!("Conv2d(2, 4, {k}{extra}{bias})"), "randn(1, 2, 4, 4)".into())
        }
        4 => {
            let extra = *r.pick(&["", ", momentum=none", ", affine=false", ", track_running_stats=false", ", eps=0.001, momentum=0.5"]);
            (format!("BatchNorm1d({n}{extra})"), format!("randn(4, {n})"))
        }
        5 => {
            let extra = *r.pick(&["", ", momentum=0.2", ", affine=false"]);
            (format!("BatchNorm2d(2{extra})"), "randn(2, 2, 3, 3)".into())
        }
        6 => {
            let extra = *r.pick(&["", ", eps=0.001", ", elementwise_affine=false", ", bias=false"]);
            (format!("LayerNorm({n}{extra})"), format!("randn(3, {n})"))
        }
        7 => {
            let extra = *r.pick(&["", ", padding_idx=0", ", max_norm=1.0"]);
            (format!("Embedding(5, {n}{extra})"), "tensor([0, 3, 4])".into())
        }
        8 => (format!("Dropout({})", r.pick(&["0.5", "0.0", "0.25"])), format!("randn(3, {n})")),
        9 => (format!("GELU({})", r.pick(&["", "approximate=\"tanh\""])), format!("randn(3, {n})")),
        10 => (format!("Flatten({})", r.pick(&["", "0", "start_dim=1, end_dim=-1"])), "randn(2, 3, 2)".into()),
        _ => (format!("Sequential(Linear({n}, 3), {}, Linear(3, 2))", r.pick(&["ReLU()", "Tanh()", "Sigmoid()", "Identity()"])), format!("randn(2, {n})")),
    }
}

/// A value to assign to a module attribute.
fn value(r: &mut Rng) -> &'static str {
    *r.pick(&[
        "param(ones(2))",
        "param(zeros(2), requires_grad=false)",
        "buffer(ones(2))",
        "buffer(zeros(2), persistent=false)",
        "ones(2)",
        "none",
        "Linear(2, 2)",
        "ReLU()",
        "3",
        "\"text\"",
    ])
}

/// Program number `index` of the modules batch `seed`.
pub fn program(seed: u64, index: u64) -> String {
    let (mut r, mut out) = super::gen::start("modules", seed, index, 5_000_011, 0x30d_01e5);
    // Built-in layers.
    for i in 0..1 + r.below(3) {
        let (make, input) = layer(&mut r);
        let _ = writeln!(out, "l{i} = {make}");
        let _ = writeln!(out, "l{i}");
        if r.pct(50) {
            let _ = writeln!(out, "keys(state(l{i}))");
        } else {
            let _ = writeln!(out, "state(l{i})");
        }
        if r.pct(30) {
            let _ = writeln!(out, "l{i}.eval()");
        }
        let _ = writeln!(out, "l{i}({input})");
        if r.pct(40) {
            let _ = writeln!(out, "state(l{i})");
        }
    }
    // Assignments and registrations on an empty module.
    let _ = writeln!(out, "class Holder {{\n    def init() {{ self.base = param(ones(1)) }}\n    def forward(x) {{ return x }}\n}}\nm = Holder()");
    let names = ["a", "b", "c", "base"];
    for _ in 0..6 + r.below(8) {
        let name = *r.pick(&names);
        match r.below(8) {
            0..=3 => {
                let _ = writeln!(out, "m.{name} = {}", value(&mut r));
            }
            4 => {
                let persistent = if r.pct(40) { ", persistent=false" } else { "" };
                let v = *r.pick(&["ones(2)", "none", "param(ones(2))"]);
                let n = *r.pick(&["\"a\"", "\"b\"", "\"c\"", "\"x.y\"", "\"\"", "\"base\""]);
                let _ = writeln!(out, "m.register_buffer({n}, {v}{persistent})");
            }
            5 => {
                // A tie: a second name for a registered object.
                let other = *r.pick(&names);
                let _ = writeln!(out, "m.{name} = m.{other}");
            }
            6 => {
                let _ = writeln!(out, "m.{name}");
            }
            _ => {
                let _ = writeln!(out, "print(keys(params(m)), keys(buffers(m)), keys(state(m)))");
            }
        }
        if r.pct(35) {
            let _ = writeln!(out, "state(m, remove_duplicate=false)");
        }
    }
    let _ = writeln!(out, "m");
    let _ = writeln!(out, "print(keys(params(m, remove_duplicate=false)), keys(buffers(m)), keys(state(m)))");
    out
}
