//! `cargo bench --bench call_display`: what showing a call costs on a model of more than 50M
//! parameters (a 3-block transformer with a tied 8192x1024 embedding, 52.5M parameters, 16
//! tokens), next to the same `functional_call` without the display, both run as statements of
//! one session with the kernel's renderings (text, HTML and the JSON record):
//!   plain:        `y = functional_call(model, params, (idx,))`   (no table, no output)
//!   plain_result: the same, then `y`      (the result as `y = call` shows it, JSON in full)
//!   shown:        `y = call model with params (idx)`   (the table and the result, as a notebook
//!                 shows them)
//! The table's cost is shown / plain_result. Against plain, the result's own rendering counts
//! too: LANGUAGE.md encodes a tensor value in JSON element by element, 131,072 numbers here
//! (2.5 MB), which takes longer than the forward pass on 16 tokens.
//!
//! Time: interleaved rounds in rotating order, one intra-op thread; a ratio is the median of the
//! per-round paired ratios, on thread CPU time and on wall time.
//! Memory: the peak resident size above the start of each phase (plain_result, shown) (VmHWM, reset through
//! /proc/self/clear_refs), the least of a few phases: a copy of any weight (the smallest large
//! one is 4 MiB, the largest 32 MiB) would show as that much more peak for the shown call.
//! Goal (issue 12): no parameter copied, at most 5% more time. Options: `--rounds N` (21).
use std::time::Instant;

use fcall::interp::{RunOptions, Session, Targets};

/// The GPT-shaped module the display's test shows too (tests/call_display.rs).
const GPT_CLASSES: &str = include_str!("../tests/common/gpt.py");

const SETUP: &str = "torch.manual_seed(0)
model = GPT(8192, 1024, 3)
params = {k: v.detach().clone() for k, v in model.named_parameters()}
params['steps'] = torch.zeros(())
idx = torch.randint(0, 8192, (1, 16))
n_params = sum(p.numel() for p in model.parameters())
";

const PLAIN: &str = "y = functional_call(model, params, (idx,))\n";
/// The same call with its result shown, as `y = call ...` shows it (`result:`, and in the JSON
/// record the full value that LANGUAGE.md asks for): the difference to SHOWN is the table alone.
const PLAIN_RESULT: &str = "y = functional_call(model, params, (idx,))\ny\n";
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
    run(&mut s, &format!("{GPT_CLASSES}{SETUP}"));
    let n_params = {
        let outs = s.run("n_params\n", RunOptions { keep_going: false });
        outs.last().and_then(|o| o.value.as_ref()).map(|v| v.py_repr()).unwrap_or_default()
    };
    let out_bytes = run(&mut s, SHOWN);
    run(&mut s, PLAIN);
    run(&mut s, PLAIN_RESULT);
    // Each round runs the three statements, in an order that rotates from round to round.
    let codes = [PLAIN, PLAIN_RESULT, SHOWN];
    let mut times: [Vec<(f64, f64)>; 3] = Default::default();
    for r in 0..rounds {
        for k in 0..3 {
            let i = (r + k) % 3;
            times[i].push(timed(&mut s, codes[i]));
        }
    }
    let [plain, plain_result, shown] = &times;
    let ratio = |base: &[(f64, f64)], f: fn(&(f64, f64)) -> f64| median(base.iter().zip(shown).map(|(p, q)| f(q) / f(p)).collect());
    let (cpu_ratio, wall_ratio) = (ratio(plain, |x| x.0), ratio(plain, |x| x.1));
    let (cpu_ratio_r, wall_ratio_r) = (ratio(plain_result, |x| x.0), ratio(plain_result, |x| x.1));
    let med = |v: &[(f64, f64)], f: fn(&(f64, f64)) -> f64| median(v.iter().map(f).collect()) * 1e3;
    let (mut mem_plain, mut mem_shown) = (u64::MAX, u64::MAX);
    for _ in 0..3 {
        mem_plain = mem_plain.min(peak_above_start(&mut s, PLAIN_RESULT, 2));
        mem_shown = mem_shown.min(peak_above_start(&mut s, SHOWN, 2));
    }
    let largest_weight_kib = 8192 * 1024 * 4 / 1024;
    let smallest_weight_kib = 1024 * 1024 * 4 / 1024;
    let yes = |ok: bool| if ok { "yes" } else { "NO" };
    println!("call_display: GPT(8192, 1024, 3), {n_params} parameters, 16 tokens, {rounds} rounds, 1 thread");
    println!("  functional_call, not shown   : cpu {:.1} ms  wall {:.1} ms (medians)", med(plain, |x| x.0), med(plain, |x| x.1));
    println!("  the same, its result shown   : cpu {:.1} ms  wall {:.1} ms", med(plain_result, |x| x.0), med(plain_result, |x| x.1));
    println!("  call, shown (text+html+json) : cpu {:.1} ms  wall {:.1} ms; output {} bytes", med(shown, |x| x.0), med(shown, |x| x.1), out_bytes);
    println!("  added by the table           : {:+.2}% cpu, {:+.2}% wall (shown / result shown; goal <= +5%)", (cpu_ratio_r - 1.0) * 100.0, (wall_ratio_r - 1.0) * 100.0);
    println!("  added by table and result    : {:+.2}% cpu, {:+.2}% wall (shown / not shown: the result's JSON is O(its size))", (cpu_ratio - 1.0) * 100.0, (wall_ratio - 1.0) * 100.0);
    println!("  peak memory above start      : {mem_plain} KiB result shown, {mem_shown} KiB call shown ({:+} KiB); a weight is {smallest_weight_kib}..{largest_weight_kib} KiB", mem_shown as i64 - mem_plain as i64);
    println!("  no parameter copied          : {}", yes(mem_shown <= mem_plain + smallest_weight_kib / 2));
    println!("  table: at most 5% more time  : {}", yes(cpu_ratio_r <= 1.05));
    println!("  table and result: at most 5% : {}", yes(cpu_ratio <= 1.05));
}
