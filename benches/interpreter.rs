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
//! (the rounds of the two sides interleaved) and the median per-call time is reported, with
//! the ratio CPython / fcall (the target: at least 1.5). `--quick` runs fewer rounds.
//!
//! (i) is plain Python on small ints (`+ * % ^ << -=`, a comparison, a call): the cost of
//! Python's arbitrary-precision ints where every value fits 64 bits (src/pyint.rs's `i64` fast
//! path), reported without a target.
use std::process::Command;
use std::time::Instant;

use fcall::interp::{RunOptions, Session};

const MODELS: &[(&str, &str, &str)] = &[
    (
        "b",
        "8 x [Linear(64, 64), ReLU], x (64, 64)",
        "layers = []\nfor _ in range(8):\n    layers.append(nn.Linear(64, 64))\n    layers.append(nn.ReLU())\nmodel = nn.Sequential(*layers)\nx = torch.randn(64, 64)\n",
    ),
    ("c", "100 x Linear(16, 16) (200 tensors), x (4, 16)", "model = nn.Sequential(*[nn.Linear(16, 16) for _ in range(100)])\nx = torch.randn(4, 16)\n"),
];

const PARAMS: &str = "params = {k: v.detach() for k, v in model.named_parameters()}\n";

fn loop_src(n: usize) -> String {
    format!("for _ in range({n}):\n    y = functional_call(model, params, (x,))\n")
}

/// (i): 100 iterations of small-int arithmetic per call.
const INT_SETUP: &str = "def work(m):\n    s = 0\n    for i in range(m):\n        s += i * 3 % 7\n        s = s ^ (i << 2)\n        if s > 1000000:\n            s -= 999983\n    return s\n";

fn int_loop_src(n: usize) -> String {
    format!("for _ in range({n}):\n    y = work(100)\n")
}

/// The CPython side: the same setup and loop, timed round by round; prints one number per line
/// (seconds per call of each round).
const PY: &str = r#"
import sys, time, math
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call
torch.set_num_threads(1)
torch.manual_seed(0)
setup, loop, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
n = int(sys.argv[4])
g = {"torch": torch, "nn": nn, "F": F, "math": math, "functional_call": functional_call}
exec(setup, g)
code = compile(loop, "<loop>", "exec")
exec(code, g)  # warm-up
for _ in range(rounds):
    t0 = time.perf_counter()
    exec(code, g)
    print((time.perf_counter() - t0) / n, flush=True)
"#;

fn python() -> String {
    std::env::var("FCALL_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).expect("times are numbers"));
    xs[xs.len() / 2]
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (rounds, n) = if quick { (5, 200) } else { (15, 1000) };
    tch::set_num_threads(1);
    println!("functional_call in a Python loop: fcall's interpreter vs CPython + PyTorch 2.13 ({rounds} rounds x {n} calls, 1 thread)");
    println!("{:<48} {:>14} {:>14} {:>10}", "model", "CPython µs", "fcall µs", "ratio");
    let mut all_ok = true;
    let cases = MODELS
        .iter()
        .map(|(key, desc, setup)| (*key, *desc, format!("torch.manual_seed(0)\n{setup}{PARAMS}"), loop_src(n), true))
        .chain(std::iter::once(("i", "small ints: 100 x (+ * % ^ << > -=) in a def", INT_SETUP.to_string(), int_loop_src(n), false)));
    for (key, desc, setup, lp, targeted) in cases {
        let py = Command::new(python()).args(["-c", PY, &setup, &lp, &rounds.to_string(), &n.to_string()]).output().expect("CPython runs");
        if !py.status.success() {
            eprintln!("CPython failed: {}", String::from_utf8_lossy(&py.stderr));
            std::process::exit(1);
        }
        let py_times: Vec<f64> = String::from_utf8_lossy(&py.stdout).lines().filter_map(|l| l.trim().parse().ok()).collect();
        let mut s = Session::new();
        let fail = |outs: &[fcall::interp::StmtOutput]| outs.iter().find(|o| o.kind == fcall::interp::OutKind::Error).map(|o| o.text().to_string());
        let outs = s.run(&setup, RunOptions::default());
        if let Some(e) = fail(&outs) {
            eprintln!("fcall setup failed: {e}");
            std::process::exit(1);
        }
        let _ = s.run(&lp, RunOptions::default());
        let mut fc_times = Vec::new();
        for _ in 0..rounds {
            let t0 = Instant::now();
            let outs = s.run(&lp, RunOptions::default());
            fc_times.push(t0.elapsed().as_secs_f64() / n as f64);
            if let Some(e) = fail(&outs) {
                eprintln!("fcall loop failed: {e}");
                std::process::exit(1);
            }
        }
        let (p, f) = (median(py_times), median(fc_times));
        let ratio = p / f;
        if targeted {
            all_ok &= ratio >= 1.5;
        }
        println!("({key}) {desc:<44} {:>14.1} {:>14.1} {:>9.2}x", p * 1e6, f * 1e6, ratio);
    }
    println!("target: fcall at least 1.5x faster per call on (b) and (c): {}", if all_ok { "met" } else { "MISSED" });
}
