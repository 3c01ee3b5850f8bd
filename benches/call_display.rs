//! `cargo bench --bench call_display`: what showing a call costs on a model of more than 50M
//! parameters (a 3-block transformer with a tied 8192x1024 embedding, 52.5M parameters, 16
//! tokens), next to the same `functional_call` without the display, both run as statements of
//! one session with the kernel's renderings (text, HTML and the JSON record):
//!   plain: `y = functional_call(model, params, (idx,))`   (no table)
//!   shown: `y = call model with params (idx)`             (the table, as a notebook shows it)
//!
//! Time: interleaved rounds in alternating order, one intra-op thread; the ratio is the median of
//! the per-round paired ratios (shown / plain), on thread CPU time and on wall time.
//! Memory: the peak resident size above the start of each phase (VmHWM, reset through
//! /proc/self/clear_refs), the least of a few phases: a copy of any weight (the smallest large
//! one is 4 MiB, the largest 32 MiB) would show as that much more peak for the shown call.
//! Goal (issue 12): no parameter copied, at most 5% more time. Options: `--rounds N` (21).
use std::time::Instant;

use fcall::interp::{RunOptions, Session, Targets};

const MODEL: &str = "import torch
import torch.nn as nn
from torch.func import functional_call
class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(3 * d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.out = nn.Linear(4 * d, d)
    def forward(self, x):
        x = x + self.proj(self.qkv(self.ln1(x)))
        return x + self.out(torch.relu(self.fc(self.ln2(x))))
class GPT(nn.Module):
    def __init__(self, vocab, d, n):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(64, d)
        self.h = nn.ModuleList([Block(d) for _ in range(n)])
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)
        self.head.weight = self.wte.weight
        self.register_buffer('steps', torch.zeros(()))
    def forward(self, idx):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[-1]))
        for b in self.h:
            x = b(x)
        self.steps.add_(1)
        return self.head(self.ln_f(x))
torch.manual_seed(0)
model = GPT(8192, 1024, 3)
params = {k: v.detach().clone() for k, v in model.named_parameters()}
params['steps'] = torch.zeros(())
idx = torch.randint(0, 8192, (1, 16))
n_params = sum(p.numel() for p in model.parameters())
";

const PLAIN: &str = "y = functional_call(model, params, (idx,))\n";
const SHOWN: &str = "y = call model with params (idx)\n";

#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}
extern "C" {
    fn clock_gettime(clk: i32, ts: *mut Timespec) -> i32;
}

fn thread_cpu_s() -> f64 {
    let mut ts = Timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec into the pointer we pass (3: this thread's CPU).
    unsafe { clock_gettime(3, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

fn status_kib(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn run(s: &mut Session, code: &str) -> usize {
    let outs = s.run(code, RunOptions { keep_going: false });
    if let Some(o) = outs.iter().find(|o| o.failure.is_some()) {
        panic!("{code}: {}", o.text());
    }
    outs.iter().map(|o| o.text().len() + o.json().to_string().len()).sum()
}

/// (thread CPU s, wall s) of one statement.
fn timed(s: &mut Session, code: &str) -> (f64, f64) {
    let (c0, t0) = (thread_cpu_s(), Instant::now());
    run(s, code);
    (thread_cpu_s() - c0, t0.elapsed().as_secs_f64())
}

/// The peak resident size above the phase's start, in KiB, over `n` runs of `code`.
fn peak_above_start(s: &mut Session, code: &str, n: usize) -> u64 {
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let base = status_kib("VmRSS:");
    for _ in 0..n {
        run(s, code);
    }
    if !reset {
        return u64::MAX;
    }
    status_kib("VmHWM:").saturating_sub(base)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds = args.iter().position(|a| a == "--rounds").and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(21usize);
    tch::set_num_threads(1);
    let mut s = Session::new();
    s.targets = Targets { width: 100, text: true, color: false, html: true, json: true };
    run(&mut s, MODEL);
    let n_params = {
        let outs = s.run("n_params\n", RunOptions { keep_going: false });
        outs.last().and_then(|o| o.value.as_ref()).map(|v| v.py_repr()).unwrap_or_default()
    };
    let out_bytes = run(&mut s, SHOWN);
    run(&mut s, PLAIN);
    let (mut plain, mut shown) = (Vec::new(), Vec::new());
    for r in 0..rounds {
        let (p, q) = if r % 2 == 0 {
            let p = timed(&mut s, PLAIN);
            (p, timed(&mut s, SHOWN))
        } else {
            let q = timed(&mut s, SHOWN);
            (timed(&mut s, PLAIN), q)
        };
        plain.push(p);
        shown.push(q);
    }
    let ratio = |f: fn(&(f64, f64)) -> f64| median(plain.iter().zip(&shown).map(|(p, q)| f(q) / f(p)).collect());
    let (cpu_ratio, wall_ratio) = (ratio(|x| x.0), ratio(|x| x.1));
    let med = |v: &[(f64, f64)], f: fn(&(f64, f64)) -> f64| median(v.iter().map(f).collect()) * 1e3;
    let (mut mem_plain, mut mem_shown) = (u64::MAX, u64::MAX);
    for _ in 0..3 {
        mem_plain = mem_plain.min(peak_above_start(&mut s, PLAIN, 2));
        mem_shown = mem_shown.min(peak_above_start(&mut s, SHOWN, 2));
    }
    let largest_weight_kib = 8192 * 1024 * 4 / 1024;
    let smallest_weight_kib = 1024 * 1024 * 4 / 1024;
    println!("call_display: GPT(8192, 1024, 3), {n_params} parameters, 16 tokens, {rounds} rounds, 1 thread");
    println!("  functional_call, not shown : cpu {:.1} ms  wall {:.1} ms (medians)", med(&plain, |x| x.0), med(&plain, |x| x.1));
    println!("  call, shown (text+html+json): cpu {:.1} ms  wall {:.1} ms; output {} bytes", med(&shown, |x| x.0), med(&shown, |x| x.1), out_bytes);
    println!("  time added by the display  : {:+.2}% cpu, {:+.2}% wall (median paired ratio; goal <= +5%)", (cpu_ratio - 1.0) * 100.0, (wall_ratio - 1.0) * 100.0);
    println!("  peak memory above start    : {mem_plain} KiB not shown, {mem_shown} KiB shown ({:+} KiB); a weight is {smallest_weight_kib}..{largest_weight_kib} KiB", mem_shown as i64 - mem_plain as i64);
    let no_copy = mem_shown <= mem_plain + smallest_weight_kib / 2;
    println!("  no parameter copied        : {}", if no_copy { "yes" } else { "NO" });
    println!("  at most 5% more time       : {}", if cpu_ratio <= 1.05 { "yes" } else { "NO" });
}
