//! `cargo bench --bench interpreter`: torch.func.functional_call in a Python loop, fcall's
//! interpreter against CPython + PyTorch 2.13, side by side in one run, on the same source:
//!
//! ```python
//! for _ in range(N):
//!     y = functional_call(model, params, (x,))
//! ```
//!
//! for (b) the 8 x [Linear(64, 64), ReLU] MLP with x (64, 64) and (c) 100 x Linear(16, 16)
//! (200 tensors) with x (4, 16). Both sides single-threaded; each side runs the loop in rounds
//! (CPython's in a subprocess first, then fcall's; benches/common) and the median per-call time
//! is reported, with the ratio CPython / fcall (the target: at least 1.5). `--quick` runs fewer
//! rounds.
//!
//! (i) is plain Python on small ints (`+ * % ^ << -=`, a comparison, a call): the cost of
//! Python's arbitrary-precision ints where every value fits 64 bits (src/pyint.rs's `i64` fast
//! path), reported without a target.
mod common;

use common::{cpython_rounds, fcall_rounds, run_or_exit};
use fcall::interp::Session;

const MODELS: &[(&str, &str, &str)] = &[
    (
        "b",
        "8 x [Linear(64, 64), ReLU], x (64, 64)",
        "layers = []\nfor _ in range(8):\n    layers.append(nn.Linear(64, 64))\n    layers.append(nn.ReLU())\nmodel = nn.Sequential(*layers)\nx = torch.randn(64, 64)\n",
    ),
    ("c", "100 x Linear(16, 16) (200 tensors), x (4, 16)", "model = nn.Sequential(*[nn.Linear(16, 16) for _ in range(100)])\nx = torch.randn(4, 16)\n"),
];

const PARAMS: &str = "params = {k: v.detach() for k, v in model.named_parameters()}\n";
const CALL: &str = "y = functional_call(model, params, (x,))";

/// (i): 100 iterations of small-int arithmetic per call.
const INT_SETUP: &str = "def work(m):\n    s = 0\n    for i in range(m):\n        s += i * 3 % 7\n        s = s ^ (i << 2)\n        if s > 1000000:\n            s -= 999983\n    return s\n";

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (rounds, n) = if quick { (5, 200) } else { (15, 1000) };
    tch::set_num_threads(1);
    println!("functional_call in a Python loop: fcall's interpreter vs CPython + PyTorch 2.13 ({rounds} rounds x {n} calls, 1 thread)");
    println!("{:<48} {:>14} {:>14} {:>10}   (wall clock; thread CPU time)", "model", "CPython µs", "fcall µs", "ratio");
    let mut all_ok = true;
    let cases = MODELS
        .iter()
        .map(|(key, desc, setup)| (*key, *desc, format!("torch.manual_seed(0)\n{setup}{PARAMS}"), CALL, true))
        .chain(std::iter::once(("i", "small ints: 100 x (+ * % ^ << > -=) in a def", INT_SETUP.to_string(), "y = work(100)", false)));
    for (key, desc, setup, stmt, targeted) in cases {
        let (p, pc) = cpython_rounds(&setup, stmt, rounds, n).medians();
        let mut s = Session::new();
        run_or_exit(&mut s, &setup, "setup");
        let (f, fc) = fcall_rounds(&mut s, stmt, rounds, n, true).medians();
        if targeted {
            all_ok &= p / f >= 1.5 && pc / fc >= 1.5;
        }
        println!("({key}) {desc:<44} {:>14.1} {:>14.1} {:>9.2}x", p * 1e6, f * 1e6, p / f);
        println!("    {:<44} {:>14.1} {:>14.1} {:>9.2}x   (CPU time)", "", pc * 1e6, fc * 1e6, pc / fc);
    }
    println!("target: fcall at least 1.5x faster per call on (b) and (c) (wall clock and CPU time): {}", if all_ok { "met" } else { "MISSED" });
}
