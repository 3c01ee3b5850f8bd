//! A second family of random fcall programs for the differential fuzzer: parametrizations
//! (torch.nn.utils.parametrize, SEMANTICS.md §7) in functional calls.
//!
//! Each program parametrizes a parameter (and sometimes a buffer) of a Linear or of a user
//! module's submodule with one or two stacked parametrizations (with a lossless, a lossy or no
//! right_inverse), then calls with dicts that name the tensor by its regular name (the property:
//! right_inverse on the way in and out), by its `parametrizations.NAME.original` path, by both,
//! with None, with extra keys, several dicts, tie and strict both ways, grad over either name,
//! plain assignments through the property, and records the dicts, the parametrized values and
//! the originals after every step.
use std::fmt::Write;

use super::gen::{self, Rng};

/// (class name, class text). Each maps 2x2 matrices to 2x2 matrices.
const PARAMETRIZATIONS: [(&str, &str); 6] = [
    (
        "Sym",
        "class Sym(nn.Module):\n    def forward(self, X):\n        return X.triu() + X.triu(1).transpose(-1, -2)\n    def right_inverse(self, A):\n        return A.triu()\n",
    ),
    ("SymNoInverse", "class SymNoInverse(nn.Module):\n    def forward(self, X):\n        return X.triu() + X.triu(1).transpose(-1, -2)\n"),
    // Lossy round trip: right_inverse(forward(X)) = clamp(X).
    (
        "ClampPos",
        "class ClampPos(nn.Module):\n    def forward(self, X):\n        return X.clamp(min=0)\n    def right_inverse(self, Y):\n        return Y\n",
    ),
    ("Scale", "class Scale(nn.Module):\n    def forward(self, X):\n        return X * 2\n    def right_inverse(self, Y):\n        return Y / 2\n"),
    ("Neg", "class Neg(nn.Module):\n    def forward(self, X):\n        return -X\n    def right_inverse(self, Y):\n        return -Y\n"),
    // Forward writes nothing; right_inverse returns a new tensor of another layout.
    (
        "Shift",
        "class Shift(nn.Module):\n    def forward(self, X):\n        return X + 1\n    def right_inverse(self, Y):\n        return (Y - 1).t().contiguous().t()\n",
    ),
];

fn mat(r: &mut Rng) -> String {
    format!("torch.tensor([[{}, {}], [{}, {}]])", r.num(), r.num(), r.num(), r.num())
}

/// The module `m` and the names of its parametrized tensors, as (regular name, original path).
struct Target {
    /// `m.` path of the module that owns the parametrized tensor ("" for m itself).
    owner: &'static str,
    /// Regular names that carry a parametrization.
    names: Vec<&'static str>,
    /// Other state keys of m (not parametrized).
    others: Vec<String>,
}

impl Target {
    fn regular(&self, name: &str) -> String {
        if self.owner.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.owner)
        }
    }
    fn original(&self, name: &str) -> String {
        let p = format!("parametrizations.{name}.original");
        if self.owner.is_empty() {
            p
        } else {
            format!("{}.{p}", self.owner)
        }
    }
    fn attr(&self, name: &str) -> String {
        if self.owner.is_empty() {
            format!("m.{name}")
        } else {
            format!("m.{}.{name}", self.owner)
        }
    }
}

fn quoted(k: &str) -> String {
    format!("\"{k}\"")
}

/// A dict over the target's names: each parametrized name by its regular name, its original
/// path, both, or not at all; sometimes the other keys, None, an extra key.
fn dict_lit(r: &mut Rng, t: &Target) -> String {
    let mut items = Vec::new();
    for n in &t.names {
        match r.below(6) {
            0 | 1 => items.push(format!("{}: {}", quoted(&t.regular(n)), mat(r))),
            2 | 3 => items.push(format!("{}: {}", quoted(&t.original(n)), mat(r))),
            4 if r.pct(50) => {
                items.push(format!("{}: {}", quoted(&t.regular(n)), mat(r)));
                items.push(format!("{}: {}", quoted(&t.original(n)), mat(r)));
            }
            _ => {}
        }
    }
    if r.pct(10) {
        if let Some(n) = t.names.first() {
            let k = if r.pct(50) { t.regular(n) } else { t.original(n) };
            items.push(format!("{}: None", quoted(&k)));
        }
    }
    for k in &t.others {
        if r.pct(35) {
            items.push(format!("{}: {}", quoted(k), r.vec2()));
        }
    }
    if r.pct(10) {
        items.push(format!("\"extra\": {}", r.vec2()));
    }
    format!("{{{}}}", items.join(", "))
}

/// functional_call's keyword arguments (see gen.rs).
fn flags(r: &mut Rng) -> String {
    let mut f = String::new();
    if r.pct(30) {
        f.push_str(", tie_weights=False");
    }
    match r.below(4) {
        0 => f.push_str(", strict=True"),
        1 => f.push_str(", strict=False"),
        _ => {}
    }
    f
}

/// What the program shows after each step: the parametrized values and their originals.
fn record(r: &mut Rng, out: &mut String, t: &Target) {
    for n in &t.names {
        if r.pct(60) {
            let _ = writeln!(out, "{}", t.attr(n));
        }
        let _ = writeln!(out, "{}.parametrizations.{n}.original", if t.owner.is_empty() { "m".to_string() } else { format!("m.{}", t.owner) });
    }
    if r.pct(30) {
        let _ = writeln!(out, "{}", gen::state("m", true));
    }
}

/// Program number `index` of the parametrization batch `seed`.
pub fn program(seed: u64, index: u64) -> String {
    let (mut r, mut out) = super::gen::start("parametrizations", seed, index, 2_000_029, 0x5eed_9a7a);
    // Which parametrizations (one or two stacked on the first name; maybe one on a second).
    let n_classes = PARAMETRIZATIONS.len();
    let first = r.below(n_classes);
    let stacked = r.pct(25).then(|| r.below(n_classes));
    let on_second = r.pct(30).then(|| r.below(n_classes));
    let mut used: Vec<usize> = [Some(first), stacked, on_second].into_iter().flatten().collect();
    used.sort_unstable();
    used.dedup();
    for &i in &used {
        out.push_str(PARAMETRIZATIONS[i].1);
    }
    // The module.
    let t = if r.pct(50) {
        let bias = r.pct(50);
        let _ = writeln!(out, "m = nn.Linear(2, 2, bias={})", if bias { "True" } else { "False" });
        let _ = writeln!(out, "with torch.no_grad():\n    m.weight.copy_({})", mat(&mut r));
        let mut others = Vec::new();
        if bias {
            others.push("bias".to_string());
        }
        Target { owner: "", names: vec!["weight"], others }
    } else {
        let ret = *r.pick(&["self.inner(x) + self.c", "self.inner(x) * self.c + self.inner.w.sum()", "(x @ self.inner.m) + self.c"]);
        let write = match r.below(3) {
            0 => "        self.c.add_(1)\n",
            1 => "        self.c = self.c * 2\n",
            _ => "",
        };
        let _ = write!(
            out,
            "class Inner(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.w = nn.Parameter({})\n        self.m = nn.Buffer({})\n    def forward(self, x):\n        return x @ self.w + x @ self.m\n",
            mat(&mut r),
            mat(&mut r)
        );
        let _ = write!(
            out,
            "class Outer(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.inner = Inner()\n        self.c = nn.Buffer({})\n    def forward(self, x):\n{write}        return {ret}\nm = Outer()\n",
            r.vec2()
        );
        Target { owner: "inner", names: vec!["w", "m"], others: vec!["c".to_string()] }
    };
    let p0 = t.names[0];
    let owner_expr = if t.owner.is_empty() { "m".to_string() } else { format!("m.{}", t.owner) };
    let _ = writeln!(out, "nn.utils.parametrize.register_parametrization({owner_expr}, \"{p0}\", {}())", PARAMETRIZATIONS[first].0);
    if let Some(s) = stacked {
        let _ = writeln!(out, "nn.utils.parametrize.register_parametrization({owner_expr}, \"{p0}\", {}())", PARAMETRIZATIONS[s].0);
    }
    let mut names = vec![p0];
    if let (Some(s), Some(&p1)) = (on_second, t.names.get(1)) {
        let _ = writeln!(out, "nn.utils.parametrize.register_parametrization({owner_expr}, \"{p1}\", {}())", PARAMETRIZATIONS[s].0);
        names.push(p1);
    } else if let Some(&p1) = t.names.get(1) {
        // Not parametrized: an ordinary key.
        let _ = p1;
    }
    let others: Vec<String> = t.others.iter().cloned().chain(t.names.iter().filter(|n| !names.contains(n)).map(|n| t.regular(n))).collect();
    let t = Target { owner: t.owner, names, others };
    let _ = writeln!(out, "{}", gen::keys("state", "m", true));
    let _ = writeln!(out, "x = {}", if r.pct(50) { "torch.tensor([[1.0, -1.0]])".to_string() } else { format!("torch.tensor([[{}, {}]])", r.num(), r.num()) });
    let ndicts = 1 + r.below(2);
    for i in 0..ndicts {
        let _ = writeln!(out, "d{i} = {}", dict_lit(&mut r, &t));
    }
    record(&mut r, &mut out, &t);
    for _ in 0..2 + r.below(4) {
        match r.below(10) {
            0..=4 => {
                let i = r.below(ndicts);
                let _ = writeln!(out, "{}", gen::functional_call("m", &format!("d{i}"), "x", &flags(&mut r)));
                let _ = writeln!(out, "d{i}");
            }
            5 => {
                let _ = writeln!(out, "{}", gen::functional_call("m", &format!("(d0, d{})", ndicts - 1), "x", &flags(&mut r)));
            }
            6..=7 => {
                let n = *r.pick(&t.names);
                let key = if r.pct(60) { t.original(n) } else { t.regular(n) };
                let _ = writeln!(out, "def loss(p, x):\n    return {}.sum()", gen::functional_call("m", "p", "x", &flags(&mut r)));
                let _ = writeln!(out, "grad(loss)({{{}: {}}}, x)", quoted(&key), mat(&mut r));
            }
            8 => {
                // Assignment through the property: right_inverse, then original.set_.
                let n = *r.pick(&t.names);
                let _ = writeln!(out, "{} = {}", t.attr(n), mat(&mut r));
            }
            _ => {
                let _ = writeln!(out, "m(x)");
            }
        }
        record(&mut r, &mut out, &t);
    }
    for i in 0..ndicts {
        let _ = writeln!(out, "d{i}");
    }
    let _ = writeln!(out, "{}", gen::state("m", true));
    out
}
