//! `cargo bench --bench tutorials`: the torch.func tutorials' hot calls, fcall against CPython +
//! PyTorch 2.13, side by side in one run, on the same Python source:
//!
//! - (ensemble) the "Model ensembling" tutorial's `vmap(fmodel)(params, buffers, minibatches)`:
//!   10 stacked SimpleMLPs (784-128-128-10) through `functional_call` on a meta base model,
//!   minibatches (10, 64, 1, 28, 28);
//! - (per-sample) the "Per-sample-gradients" tutorial's
//!   `vmap(grad(compute_loss), in_dims=(None, None, 0, 0))(params, buffers, data, targets)`: its
//!   SimpleCNN, 64 samples of 28 x 28.
//!
//! The target: fcall at least as fast per iteration as PyTorch (time ratio fcall / PyTorch <= 1).
//!
//! Then, in fcall alone, nanoGPT's `GPT` (repl/tests/check/nanogpt.py's classes, a
//! 4-layer 128-wide config, idx (4, 64)): `functional_call(model, params, (idx,))` against the
//! plain `model(idx)`, rounds interleaved; the target: within 5% of the plain forward.
//!
//! Both sides single-threaded (benches/common); each side runs its loop in rounds and the median
//! per-iteration time is reported. `--quick` runs fewer rounds.
mod common;

use common::{cpython_rounds, fcall_rounds, median, run_or_exit, Rounds};
use fcall::interp::Session;

const ENSEMBLE: &str = r#"
import copy
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import stack_module_state, functional_call, vmap
torch.manual_seed(0)

class SimpleMLP(nn.Module):
    def __init__(self):
        super(SimpleMLP, self).__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 128)
        self.fc3 = nn.Linear(128, 10)

    def forward(self, x):
        x = x.flatten(1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.fc2(x)
        x = F.relu(x)
        x = self.fc3(x)
        return x

device = 'cpu'
num_models = 10
data = torch.randn(100, 64, 1, 28, 28, device=device)
models = [SimpleMLP().to(device) for _ in range(num_models)]
minibatches = data[:num_models]
params, buffers = stack_module_state(models)
base_model = copy.deepcopy(models[0])
base_model = base_model.to('meta')

def fmodel(params, buffers, x):
    return functional_call(base_model, (params, buffers), (x,))
"#;

const PER_SAMPLE: &str = r#"
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, vmap, grad
torch.manual_seed(0)

class SimpleCNN(nn.Module):
    def __init__(self):
        super(SimpleCNN, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output

def loss_fn(predictions, targets):
    return F.nll_loss(predictions, targets)

device = 'cpu'
batch_size = 64
data = torch.randn(batch_size, 1, 28, 28, device=device)
targets = torch.randint(10, (64,), device=device)
model = SimpleCNN().to(device=device)
params = {k: v.detach() for k, v in model.named_parameters()}
buffers = {k: v.detach() for k, v in model.named_buffers()}

def compute_loss(params, buffers, sample, target):
    batch = sample.unsqueeze(0)
    targets = target.unsqueeze(0)
    predictions = functional_call(model, (params, buffers), (batch,))
    loss = loss_fn(predictions, targets)
    return loss

ft_compute_grad = grad(compute_loss)
ft_compute_sample_grad = vmap(ft_compute_grad, in_dims=(None, None, 0, 0))
"#;

/// (key, description, setup, the statement timed, iterations per round (quick, full)).
const CASES: &[(&str, &str, &str, &str, (usize, usize))] = &[
    ("ensemble", "vmap over 10 stacked MLPs (784-128-128-10)", ENSEMBLE, "y = vmap(fmodel)(params, buffers, minibatches)", (20, 100)),
    (
        "per-sample",
        "per-sample grads, SimpleCNN, 64 x 28 x 28",
        PER_SAMPLE,
        "g = ft_compute_sample_grad(params, buffers, data, targets)",
        (2, 5),
    ),
];

/// nanoGPT's model classes (everything before the usage section of the check script).
fn nanogpt_classes() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/repl/tests/check/nanogpt.py");
    let src = std::fs::read_to_string(path).expect("repl/tests/check/nanogpt.py");
    let end = src.find("# --- usage").expect("the usage marker");
    src[..end].to_string()
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 5 } else { 15 };
    tch::set_num_threads(1);
    println!("torch.func tutorials: fcall vs CPython + PyTorch 2.13 ({rounds} rounds, 1 thread)");
    println!("{:<52} {:>12} {:>12} {:>15}", "per iteration", "CPython ms", "fcall ms", "fcall/PyTorch");
    let mut all_ok = true;
    for (key, desc, setup, stmt, (nq, nf)) in CASES {
        let n = if quick { *nq } else { *nf };
        let (p, pc) = cpython_rounds(setup, stmt, rounds, n).medians();
        let mut s = Session::new();
        run_or_exit(&mut s, setup, "setup");
        let (f, fc) = fcall_rounds(&mut s, stmt, rounds, n, true).medians();
        all_ok &= f / p <= 1.0 && fc / pc <= 1.0;
        println!("({key}) {desc:<44} {:>12.3} {:>12.3} {:>15.3}", p * 1e3, f * 1e3, f / p);
        println!("    {:<48} {:>12.3} {:>12.3} {:>15.3}  (CPU time)", "", pc * 1e3, fc * 1e3, fc / pc);
    }
    println!(
        "target: fcall at least as fast as PyTorch on both, wall clock and CPU time (fcall/PyTorch <= 1): {}",
        if all_ok { "met" } else { "MISSED" }
    );

    // nanoGPT in fcall: functional_call against the plain forward, rounds interleaved.
    let mut s = Session::new();
    let setup = format!(
        "{}\ntorch.manual_seed(0)\nconfig = GPTConfig(block_size=64, vocab_size=512, n_layer=4, n_head=4, n_embd=128)\nmodel = GPT(config)\nmodel.eval()\nidx = torch.randint(0, 512, (4, 64))\nparams = {{k: v.detach() for k, v in model.named_parameters()}}\n",
        nanogpt_classes()
    );
    run_or_exit(&mut s, &setup, "nanoGPT setup");
    let n = if quick { 20 } else { 100 };
    let both = [("plain", "y = model(idx)"), ("fc", "y = functional_call(model, params, (idx,))")];
    for (_, stmt) in &both {
        fcall_rounds(&mut s, stmt, 1, n, false);
    }
    let (mut plain, mut fc) = (Rounds::default(), Rounds::default());
    for r in 0..rounds {
        let order: Vec<_> = if r % 2 == 0 { both.iter().collect() } else { both.iter().rev().collect() };
        for (which, stmt) in order {
            let t = fcall_rounds(&mut s, stmt, 1, n, false);
            let into = if *which == "plain" { &mut plain } else { &mut fc };
            into.wall.extend(t.wall);
            into.cpu.extend(t.cpu);
        }
    }
    // Medians of the per-round paired ratios (functional_call / plain).
    let paired = |f: &[f64], p: &[f64]| median(f.iter().zip(p).map(|(f, p)| f / p).collect());
    let (r, rc) = (paired(&fc.wall, &plain.wall), paired(&fc.cpu, &plain.cpu));
    let ((p, pc), (f, fcpu)) = (plain.medians(), fc.medians());
    println!("nanoGPT (4 layers, n_embd 128, idx (4, 64)) in fcall: plain forward {:.3} ms, functional_call {:.3} ms, ratio {:.3}", p * 1e3, f * 1e3, r);
    println!("    CPU time: plain forward {:.3} ms, functional_call {:.3} ms, ratio {:.3}", pc * 1e3, fcpu * 1e3, rc);
    println!("target: functional_call within 5% of the plain forward (wall clock and CPU time): {}", if r <= 1.05 && rc <= 1.05 { "met" } else { "MISSED" });
}
