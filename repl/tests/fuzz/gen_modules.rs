//! A fifth family of random fcall programs for the differential fuzzer: the nn.Module object
//! model. Built-in layers made with random arguments (their repr, state names and shapes, a
//! forward on a fitting input, train/eval), and sequences of attribute assignments and
//! registrations on a module (`Module.__setattr__`'s rules and errors: parameters, buffers
//! persistent or not, submodules, None, plain tensors over registered names, ties, dotted and
//! duplicate names), each followed by what PyTorch would list.
use std::fmt::Write;

use super::gen::{self, Rng};

/// (constructor call, a fitting input) for a random built-in layer.
fn layer(r: &mut Rng) -> (String, String) {
    let n = 2 + r.below(3);
    let bias = if r.pct(30) { ", bias=False" } else { "" };
    match r.below(12) {
        0 => (format!("nn.Linear({n}, {}{bias})", 1 + r.below(3)), format!("torch.randn(2, {n})")),
        1 => (format!("nn.Bilinear({n}, 2, 3{bias})"), format!("torch.randn(2, {n}), torch.randn(2, 2)")),
        2 => {
            let k = 1 + r.below(2);
            let extra = *r.pick(&["", ", stride=2", ", padding=1", ", padding=1, stride=2", ", dilation=2"]);
            (format!("nn.Conv1d({n}, 2, {k}{extra}{bias})"), format!("torch.randn(1, {n}, 6)"))
        }
        3 => {
            let k = *r.pick(&["1", "2", "(1, 2)"]);
            let extra = *r.pick(&["", ", stride=2", ", padding=1", ", groups=2"]);
            (format!("nn.Conv2d(2, 4, {k}{extra}{bias})"), "torch.randn(1, 2, 4, 4)".into())
        }
        4 => {
            let extra = *r.pick(&["", ", momentum=None", ", affine=False", ", track_running_stats=False", ", eps=0.001, momentum=0.5"]);
            (format!("nn.BatchNorm1d({n}{extra})"), format!("torch.randn(4, {n})"))
        }
        5 => {
            let extra = *r.pick(&["", ", momentum=0.2", ", affine=False"]);
            (format!("nn.BatchNorm2d(2{extra})"), "torch.randn(2, 2, 3, 3)".into())
        }
        6 => {
            let extra = *r.pick(&["", ", eps=0.001", ", elementwise_affine=False", ", bias=False"]);
            (format!("nn.LayerNorm({n}{extra})"), format!("torch.randn(3, {n})"))
        }
        7 => {
            let extra = *r.pick(&["", ", padding_idx=0", ", max_norm=1.0"]);
            (format!("nn.Embedding(5, {n}{extra})"), "torch.tensor([0, 3, 4])".into())
        }
        8 => (format!("nn.Dropout({})", r.pick(&["0.5", "0.0", "0.25"])), format!("torch.randn(3, {n})")),
        9 => (format!("nn.GELU({})", r.pick(&["", "approximate=\"tanh\""])), format!("torch.randn(3, {n})")),
        10 => (format!("nn.Flatten({})", r.pick(&["", "0", "start_dim=1, end_dim=-1"])), "torch.randn(2, 3, 2)".into()),
        _ => (
            format!("nn.Sequential(nn.Linear({n}, 3), {}, nn.Linear(3, 2))", r.pick(&["nn.ReLU()", "nn.Tanh()", "nn.Sigmoid()", "nn.Identity()"])),
            format!("torch.randn(2, {n})"),
        ),
    }
}

/// A value to assign to a module attribute.
fn value(r: &mut Rng) -> &'static str {
    *r.pick(&[
        "nn.Parameter(torch.ones(2))",
        "nn.Parameter(torch.zeros(2), requires_grad=False)",
        "nn.Buffer(torch.ones(2))",
        "nn.Buffer(torch.zeros(2), persistent=False)",
        "torch.ones(2)",
        "None",
        "nn.Linear(2, 2)",
        "nn.ReLU()",
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
            let _ = writeln!(out, "{}", gen::keys("state", &format!("l{i}"), true));
        } else {
            let _ = writeln!(out, "{}", gen::state(&format!("l{i}"), true));
        }
        if r.pct(30) {
            let _ = writeln!(out, "l{i}.eval()");
        }
        let _ = writeln!(out, "l{i}({input})");
        if r.pct(40) {
            let _ = writeln!(out, "{}", gen::state(&format!("l{i}"), true));
        }
    }
    // Assignments and registrations on an empty module.
    let _ = writeln!(
        out,
        "class Holder(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.base = nn.Parameter(torch.ones(1))\n    def forward(self, x):\n        return x\nm = Holder()"
    );
    let names = ["a", "b", "c", "base"];
    for _ in 0..6 + r.below(8) {
        let name = *r.pick(&names);
        match r.below(8) {
            0..=3 => {
                let _ = writeln!(out, "m.{name} = {}", value(&mut r));
            }
            4 => {
                let persistent = if r.pct(40) { ", persistent=False" } else { "" };
                let v = *r.pick(&["torch.ones(2)", "None", "nn.Parameter(torch.ones(2))"]);
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
                let _ = writeln!(out, "print({}, {}, {})", gen::keys("params", "m", true), gen::keys("buffers", "m", true), gen::keys("state", "m", true));
            }
        }
        if r.pct(35) {
            let _ = writeln!(out, "{}", gen::state("m", false));
        }
    }
    let _ = writeln!(out, "m");
    let _ = writeln!(out, "print({}, {}, {})", gen::keys("params", "m", false), gen::keys("buffers", "m", true), gen::keys("state", "m", true));
    out
}
