//! `cargo bench --bench functional_call`: the engine's `functional_call` overhead next to
//! PyTorch's, on the five anchor models of `shared/reference/perf-anchors.md` §1.
//!
//! One run times both sides. It first starts the Python half (`benches/pytorch_side.py`, with
//! the Python the build found torch in). That half times PyTorch 2.13's plain forward and
//! `torch.func.functional_call` and prints every round's timings as JSON. This file then times
//! the engine's plain forward (`Module::call`) and `functional_call` on the same models, with the
//! same method. Both sides' statistics are computed here, by the same code.
//!
//! Method (as in `shared/reference/bench_pytorch.py`):
//! * One intra-op thread on both sides, grad enabled.
//! * The dict holds fresh clones with the same `requires_grad`, so a real swap happens.
//! * Each variant runs in blocks of n back-to-back calls. n is calibrated so that a block lasts
//!   `--target-us`.
//! * The variants of one model are interleaved round by round, in alternating order.
//! * Overhead is the median of the per-round paired differences (functional_call minus plain).
//!   Ratio is the median of the per-round paired ratios.
//!
//! Options (after `--`): `--rounds N` (default 81), `--target-us US` (default 4000), `--skip-python`,
//! `--breakdown-secs S` (engine breakdown, default 1 s per model, 0 skips it),
//! `--profile KEY:VARIANT SECS` (only loop one variant, `plain`, `fc` or `fc_tie_false`, of one model,
//! e.g. `c:fc`, for SECS seconds, under `perf record`; prints ns per call).
use std::collections::BTreeMap;
use std::hint::black_box;
use std::process::{Command, Stdio};
use std::time::Instant;

use fcall::func::{functional_call, CallOptions};
use fcall::nn::layers::{batch_norm1d, embedding, linear, relu, sequential, BatchNormOptions};
use fcall::{DictRef, Kwargs, Module, TensorRef, Value};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/pytorch_side.py");

/// Overheads of perf-anchors.md §1 (threads=1, quiet host) for reference: fc, fc tie_weights=False.
const ANCHOR_OVERHEAD_US: [(&str, f64, f64); 5] =
    [("a", 14.7, 8.0), ("b", 99.5, 48.9), ("c", 856.9, 504.6), ("d", 41.2, 17.3), ("e", 86.3, 45.1)];

const VARIANTS: [&str; 3] = ["plain", "fc", "fc_tie_false"];

struct Config {
    rounds: usize,
    target_us: f64,
    skip_python: bool,
    /// `--profile KEY:VARIANT SECS`: only run one variant of one model in a loop (for `perf record`).
    profile: Option<(String, String, f64)>,
    /// Seconds per model for the engine breakdown (0: skip it).
    breakdown_secs: f64,
}

fn parse_args() -> Config {
    let mut c = Config { rounds: 81, target_us: 4000.0, skip_python: false, profile: None, breakdown_secs: 1.0 };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--rounds" => {
                c.rounds = args.get(i + 1).and_then(|s| s.parse().ok()).expect("--rounds N");
                i += 1;
            }
            "--target-us" => {
                c.target_us = args.get(i + 1).and_then(|s| s.parse().ok()).expect("--target-us US");
                i += 1;
            }
            "--skip-python" => c.skip_python = true,
            "--breakdown-secs" => {
                c.breakdown_secs = args.get(i + 1).and_then(|s| s.parse().ok()).expect("--breakdown-secs SECS");
                i += 1;
            }
            "--profile" => {
                let what = args.get(i + 1).expect("--profile KEY:VARIANT SECS");
                let (k, v) = what.split_once(':').unwrap_or((what.as_str(), "fc"));
                let secs = args.get(i + 2).and_then(|s| s.parse().ok()).unwrap_or(5.0);
                c.profile = Some((k.to_string(), v.to_string(), secs));
                i += 2;
            }
            _ => {} // cargo bench passes --bench; ignore what we do not know
        }
        i += 1;
    }
    c.rounds = c.rounds.max(3);
    c
}

// ------------------------------------------------------------------------------------------
// models
// ------------------------------------------------------------------------------------------

struct Case {
    key: &'static str,
    desc: &'static str,
    module: Module,
    x: TensorRef,
}

type R<T> = fcall::Result<T>;

fn randn(shape: &[i64]) -> TensorRef {
    TensorRef::new(tch::Tensor::randn(shape, (tch::Kind::Float, tch::Device::Cpu)))
}

fn submodule(m: &Module, name: &str) -> R<Module> {
    match m.getattr(name)? {
        Value::Module(s) => Ok(s),
        other => Err(fcall::Error::type_error("bench::not_a_module", format!("{name} is {}", other.type_name()))),
    }
}

/// `TiedLM` of bench_pytorch.py: `out(tanh(proj(emb(ids))))`, with `out.weight = emb.weight`.
fn tied_lm() -> R<Module> {
    let m = Module::user("TiedLM", |m: &Module, args: &[Value], kwargs: &Kwargs| {
        let h = submodule(m, "emb")?.call(args, kwargs)?;
        let h = submodule(m, "proj")?.call(&[h], &Vec::new())?;
        let h = match h {
            Value::Tensor(t) => Value::Tensor(TensorRef::new(t.tensor().f_tanh()?)),
            other => other,
        };
        submodule(m, "out")?.call(&[h], &Vec::new())
    });
    let emb = embedding(100, 32, None)?;
    let proj = linear(32, 32, true)?;
    let out = linear(32, 100, false)?;
    m.add_module("emb", Some(emb.clone()))?;
    m.add_module("proj", Some(proj))?;
    m.add_module("out", Some(out.clone()))?;
    // `self.out.weight = self.emb.weight`: the same Parameter object under both names.
    let w = emb.getattr("weight")?;
    out.setattr("weight", w)?;
    Ok(m)
}

/// `Sequential(Linear(32,64), BatchNorm1d(64), ReLU(), Linear(64,64), BatchNorm1d(64), ReLU(), Linear(64,10)).train()`.
fn bn_model() -> R<Module> {
    let m = sequential(vec![
        linear(32, 64, true)?,
        batch_norm1d(64, BatchNormOptions::default())?,
        relu(),
        linear(64, 64, true)?,
        batch_norm1d(64, BatchNormOptions::default())?,
        relu(),
        linear(64, 10, true)?,
    ])?;
    m.train(true)?;
    Ok(m)
}

fn cases() -> R<Vec<Case>> {
    tch::manual_seed(0);
    let mut out = Vec::new();
    let a = linear(3, 3, true)?;
    out.push(Case { key: "a", desc: "Linear(3,3), x (4,3)", module: a, x: randn(&[4, 3]) });
    let mut layers = Vec::new();
    for _ in 0..8 {
        layers.push(linear(64, 64, true)?);
        layers.push(relu());
    }
    out.push(Case {
        key: "b",
        desc: "Sequential of 8 x [Linear(64,64), ReLU], x (64,64)",
        module: sequential(layers)?,
        x: randn(&[64, 64]),
    });
    let deep = (0..100).map(|_| linear(16, 16, true)).collect::<R<Vec<_>>>()?;
    out.push(Case { key: "c", desc: "Sequential of 100 x Linear(16,16), x (4,16)", module: sequential(deep)?, x: randn(&[4, 16]) });
    match tied_lm() {
        Ok(m) => out.push(Case {
            key: "d",
            desc: "tied LM: Embedding(100,32) tied to Linear(32,100,bias=False), + Linear(32,32); ids (4,16) int64",
            module: m,
            x: TensorRef::new(tch::Tensor::randint(100, [4, 16], (tch::Kind::Int64, tch::Device::Cpu))),
        }),
        Err(e) => eprintln!("skipping (d): {e}"),
    }
    match bn_model() {
        Ok(m) => out.push(Case {
            key: "e",
            desc: "3 Linear + 2 BatchNorm1d, train mode, buffers passed, x (32,32)",
            module: m,
            x: randn(&[32, 32]),
        }),
        Err(e) => eprintln!("skipping (e): {e}"),
    }
    Ok(out)
}

/// `{k: v.detach().clone().requires_grad_(v.requires_grad)}` over parameters, then buffers.
fn fresh_state(m: &Module) -> R<DictRef> {
    let mut items: Vec<(String, TensorRef)> = Vec::new();
    for (k, v) in m.named_parameters()? {
        let t = v.tensor().f_detach()?.copy().f_set_requires_grad(v.requires_grad())?;
        items.push((k, TensorRef::new(t)));
    }
    for (k, v) in m.named_buffers()? {
        items.push((k, TensorRef::new(v.tensor().f_detach()?.copy())));
    }
    Ok(DictRef::of_tensors(items.iter().map(|(k, t)| (k.as_str(), t.clone()))))
}

// ------------------------------------------------------------------------------------------
// timing (the method of bench_pytorch.py)
// ------------------------------------------------------------------------------------------

#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

/// CPU time of this thread (CLOCK_THREAD_CPUTIME_ID), in ns: unlike wall time it does not run
/// while other processes hold the CPU. Python's `time.thread_time_ns()` reads the same clock.
fn thread_cpu_ns() -> f64 {
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec into the pointer we pass.
    unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1e9 + ts.tv_nsec as f64
}

/// One block of n calls: (wall µs per call, thread-CPU µs per call).
fn block(f: &mut dyn FnMut(), n: usize) -> (f64, f64) {
    let c0 = thread_cpu_ns();
    let t0 = Instant::now();
    for _ in 0..n {
        f();
    }
    let wall = t0.elapsed().as_nanos() as f64;
    let cpu = thread_cpu_ns() - c0;
    (wall / n as f64 / 1e3, cpu / n as f64 / 1e3)
}

fn calibrate(f: &mut dyn FnMut(), target_us: f64) -> usize {
    for _ in 0..3 {
        f();
    }
    let mut est = (0..3).map(|_| block(f, 1).0).fold(f64::INFINITY, f64::min);
    if est < 500.0 {
        est = est.min(block(f, 20).0);
    }
    ((target_us / est.max(0.01)).round() as usize).clamp(1, 200_000)
}

/// Per-variant inner n, and per-round µs per call in wall time and in thread CPU time.
struct Timings {
    n: usize,
    wall: Vec<f64>,
    cpu: Vec<f64>,
}

/// Interleaved rounds, in alternating order.
fn compare(variants: &mut [(&'static str, Box<dyn FnMut() + '_>)], rounds: usize, target_us: f64) -> BTreeMap<String, Timings> {
    let ns: Vec<usize> = variants.iter_mut().map(|(_, f)| calibrate(f.as_mut(), target_us)).collect();
    let mut out: Vec<Timings> =
        ns.iter().map(|n| Timings { n: *n, wall: Vec::with_capacity(rounds), cpu: Vec::with_capacity(rounds) }).collect();
    for r in 0..rounds {
        let order: Vec<usize> = if r % 2 == 0 { (0..variants.len()).collect() } else { (0..variants.len()).rev().collect() };
        for i in order {
            let (w, c) = block(variants[i].1.as_mut(), ns[i]);
            out[i].wall.push(w);
            out[i].cpu.push(c);
        }
    }
    variants.iter().map(|(k, _)| k.to_string()).zip(out).collect()
}

fn quantile(sorted: &[f64], p: f64) -> f64 {
    let i = p * (sorted.len() - 1) as f64;
    let lo = i.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo as f64)
}

fn sorted(xs: &[f64]) -> Vec<f64> {
    let mut s = xs.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap());
    s
}

#[derive(Clone, Copy, Default)]
struct Stat {
    min: f64,
    med: f64,
}

fn stat(xs: &[f64]) -> Stat {
    let s = sorted(xs);
    Stat { min: s[0], med: quantile(&s, 0.5) }
}

#[derive(Clone, Copy, Default)]
struct Paired {
    /// Median of per-round differences, and its p25 / p75.
    diff: f64,
    diff_p25: f64,
    diff_p75: f64,
    /// Median of per-round ratios.
    ratio: f64,
}

fn paired(base: &[f64], other: &[f64]) -> Paired {
    let d: Vec<f64> = base.iter().zip(other).map(|(b, o)| o - b).collect();
    let r: Vec<f64> = base.iter().zip(other).filter(|(b, _)| **b > 0.0).map(|(b, o)| o / b).collect();
    let (d, r) = (sorted(&d), sorted(&r));
    Paired { diff: quantile(&d, 0.5), diff_p25: quantile(&d, 0.25), diff_p75: quantile(&d, 0.75), ratio: quantile(&r, 0.5) }
}

/// One side's numbers for one model.
#[derive(Clone, Copy, Default)]
struct Side {
    plain: Stat,
    fc: Stat,
    fc_tf: Stat,
    ovh: Paired,
    ovh_tf: Paired,
    n_tensors: usize,
    check_ok: bool,
}

/// Wall-time and thread-CPU-time numbers for one model on one side.
#[derive(Clone, Copy, Default)]
struct Sides {
    wall: Side,
    cpu: Side,
}

fn side_from(samples: &BTreeMap<String, Vec<f64>>, n_tensors: usize, check_ok: bool) -> Side {
    let p = &samples["plain"];
    Side {
        plain: stat(p),
        fc: stat(&samples["fc"]),
        fc_tf: stat(&samples["fc_tie_false"]),
        ovh: paired(p, &samples["fc"]),
        ovh_tf: paired(p, &samples["fc_tie_false"]),
        n_tensors,
        check_ok,
    }
}

// ------------------------------------------------------------------------------------------
// host noise: other processes' CPU use while a half runs (/proc/stat against our own CPU time)
// ------------------------------------------------------------------------------------------

struct CpuSnap {
    busy: u64,
    own: u64,
    wall: Instant,
}

fn cpu_snap() -> CpuSnap {
    let busy = std::fs::read_to_string("/proc/stat")
        .ok()
        .and_then(|s| {
            let v: Vec<u64> = s.lines().next()?.split_whitespace().skip(1).take(8).filter_map(|x| x.parse().ok()).collect();
            // user nice system idle iowait irq softirq steal
            Some(v.first()? + v.get(1)? + v.get(2)? + v.get(5)? + v.get(6)?)
        })
        .unwrap_or(0);
    let own = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = &s[s.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split_whitespace().collect();
            // fields 14 and 15 of /proc/pid/stat (utime, stime) are 12 and 13 after the comm
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0);
    CpuSnap { busy, own, wall: Instant::now() }
}

/// Average cores of CPU used by everything else (USER_HZ = 100 ticks per second on Linux).
fn foreign_cores(a: &CpuSnap, b: &CpuSnap) -> f64 {
    let wall = b.wall.duration_since(a.wall).as_secs_f64();
    let busy = (b.busy.saturating_sub(a.busy)) as f64 / 100.0;
    let own = (b.own.saturating_sub(a.own)) as f64 / 100.0;
    if wall > 0.0 {
        ((busy - own) / wall).max(0.0)
    } else {
        0.0
    }
}

// ------------------------------------------------------------------------------------------
// the two halves
// ------------------------------------------------------------------------------------------

struct PySide {
    torch: String,
    python: String,
    threads: i64,
    import_s: f64,
    foreign: f64,
    wall_s: f64,
    models: BTreeMap<String, Sides>,
}

fn python_exe() -> String {
    option_env!("FCALL_PYTHON")
        .map(String::from)
        .or_else(|| std::env::var("FCALL_PYTHON").ok())
        .unwrap_or_else(|| "python3".to_string())
}

fn run_python(cfg: &Config) -> Result<PySide, String> {
    let py = python_exe();
    eprintln!("[1/2] PyTorch side: {py} {SCRIPT} ...");
    let t0 = Instant::now();
    let out = Command::new(&py)
        .arg(SCRIPT)
        .args(["--rounds", &cfg.rounds.to_string(), "--target-us", &cfg.target_us.to_string(), "--threads", "1"])
        .env("OMP_NUM_THREADS", "1")
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot start {py}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{py} {SCRIPT} failed: {}", out.status));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().ok_or("no output from the PyTorch side")?;
    let j: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("bad JSON from the PyTorch side: {e}"))?;
    let mut models = BTreeMap::new();
    for (k, m) in j["models"].as_object().ok_or("no models")? {
        let n = m["n_tensors"].as_u64().unwrap_or(0) as usize;
        let ok = m["output_check_ok"].as_bool().unwrap_or(false);
        let side = |field: &str| -> Result<Side, String> {
            let mut samples = BTreeMap::new();
            for v in VARIANTS {
                let xs: Vec<f64> =
                    m[field][v].as_array().ok_or("no samples")?.iter().filter_map(|x| x.as_f64()).collect();
                samples.insert(v.to_string(), xs);
            }
            Ok(side_from(&samples, n, ok))
        };
        models.insert(k.clone(), Sides { wall: side("samples_us")?, cpu: side("cpu_samples_us")? });
    }
    Ok(PySide {
        torch: j["torch"].as_str().unwrap_or("?").to_string(),
        python: j["python"].as_str().unwrap_or("?").to_string(),
        threads: j["threads"].as_i64().unwrap_or(0),
        import_s: j["import_torch_s"].as_f64().unwrap_or(0.0),
        foreign: j["host_noise"]["foreign_cpu_cores_avg"].as_f64().unwrap_or(0.0),
        wall_s: t0.elapsed().as_secs_f64(),
        models,
    })
}

fn as_tensor(v: &Value) -> &tch::Tensor {
    v.as_tensor().expect("forward returns a tensor").tensor()
}

fn run_engine(cfg: &Config, cases: &[Case]) -> R<BTreeMap<String, Sides>> {
    let mut res = BTreeMap::new();
    for c in cases {
        let dict = fresh_state(&c.module)?;
        let n_tensors = dict.len();
        let kw: Kwargs = Vec::new();
        let args_slice = vec![Value::Tensor(c.x.clone())];
        let args_tuple = Value::tuple(args_slice.clone());
        let dv = Value::Dict(dict);
        let tie_f = CallOptions { tie_weights: false, strict: false };
        // Same values in the dict as in the module, so the outputs must agree.
        let check_ok = {
            let _ng = tch::no_grad_guard();
            let plain = c.module.call(&args_slice, &kw)?;
            let out = functional_call(&c.module, &dv, &args_tuple, &kw, CallOptions::default()).result?;
            as_tensor(&plain).allclose(as_tensor(&out), 1e-5, 1e-5, false)
        };
        let m = &c.module;
        #[allow(clippy::type_complexity)]
        let mut variants: Vec<(&'static str, Box<dyn FnMut() + '_>)> = vec![
            (
                "plain",
                Box::new(|| {
                    black_box(m.call(black_box(&args_slice), &kw).expect("forward"));
                }),
            ),
            (
                "fc",
                Box::new(|| {
                    let out = functional_call(m, black_box(&dv), &args_tuple, &kw, CallOptions::default());
                    black_box(out.result.expect("functional_call"));
                }),
            ),
            (
                "fc_tie_false",
                Box::new(|| {
                    let out = functional_call(m, black_box(&dv), &args_tuple, &kw, tie_f);
                    black_box(out.result.expect("functional_call tie_weights=False"));
                }),
            ),
        ];
        if let Some((key, variant, secs)) = &cfg.profile {
            if key != c.key {
                continue;
            }
            let f = &mut variants.iter_mut().find(|(k, _)| k == variant).expect("variant: plain, fc or fc_tie_false").1;
            let t0 = Instant::now();
            let mut calls = 0u64;
            while t0.elapsed().as_secs_f64() < *secs {
                for _ in 0..100 {
                    f();
                }
                calls += 100;
            }
            println!("profile ({key}:{variant}): {calls} calls, {:.0} ns/call", t0.elapsed().as_nanos() as f64 / calls as f64);
            continue;
        }
        let t = compare(&mut variants, cfg.rounds, cfg.target_us);
        let wall: BTreeMap<String, Vec<f64>> = t.iter().map(|(k, s)| (k.clone(), s.wall.clone())).collect();
        let cpu: BTreeMap<String, Vec<f64>> = t.iter().map(|(k, s)| (k.clone(), s.cpu.clone())).collect();
        let side = Sides { wall: side_from(&wall, n_tensors, check_ok), cpu: side_from(&cpu, n_tensors, check_ok) };
        eprintln!(
            "  engine ({}): plain {:.2}us  fc {:.2}us  fc tie=F {:.2}us  (inner n {})",
            c.key,
            side.wall.plain.med,
            side.wall.fc.med,
            side.wall.fc_tf.med,
            VARIANTS.iter().map(|v| t[*v].n.to_string()).collect::<Vec<_>>().join("/")
        );
        res.insert(c.key.to_string(), side);
    }
    Ok(res)
}

// ------------------------------------------------------------------------------------------
// engine breakdown: where the engine's overhead goes, per call
// ------------------------------------------------------------------------------------------

thread_local! {
    static HOOK_PRE: std::cell::Cell<Option<Instant>> = const { std::cell::Cell::new(None) };
    static HOOK_POST: std::cell::Cell<Option<Instant>> = const { std::cell::Cell::new(None) };
}

/// Medians (µs) of one call's pieces: entry to the root's forward pre-hook, pre-hook to forward
/// hook (the forward itself), forward hook to return, and dropping what the call returned.
#[derive(Clone, Copy, Default)]
struct Split {
    before: f64,
    forward: f64,
    after: f64,
    drop: f64,
}

fn split_of(samples: &[[f64; 4]]) -> Split {
    let col = |i: usize| stat(&samples.iter().map(|s| s[i]).collect::<Vec<_>>()).med;
    Split { before: col(0), forward: col(1), after: col(2), drop: col(3) }
}

fn timed<T>(f: impl FnOnce() -> T) -> [f64; 4] {
    let t0 = Instant::now();
    let out = f();
    let t3 = Instant::now();
    drop(black_box(out));
    let t4 = Instant::now();
    let pre = HOOK_PRE.with(|c| c.get()).unwrap_or(t0);
    let post = HOOK_POST.with(|c| c.get()).unwrap_or(t3);
    let us = |a: Instant, b: Instant| b.saturating_duration_since(a).as_nanos() as f64 / 1e3;
    [us(t0, pre), us(pre, post), us(post, t3), us(t3, t4)]
}

/// Fresh copies of the models with timing hooks on the root; single calls, plain and
/// functional_call alternating, for about `secs` per model.
fn engine_breakdown(secs: f64) -> R<Vec<(&'static str, usize, Split, Split)>> {
    let mut out = Vec::new();
    for c in cases()? {
        c.module.register_forward_pre_hook(|_, _| {
            HOOK_PRE.with(|t| t.set(Some(Instant::now())));
            Ok(None)
        });
        c.module.register_forward_hook(|_, _, _| {
            HOOK_POST.with(|t| t.set(Some(Instant::now())));
            Ok(None)
        });
        let dv = Value::Dict(fresh_state(&c.module)?);
        let n = match &dv {
            Value::Dict(d) => d.len(),
            _ => 0,
        };
        let kw: Kwargs = Vec::new();
        let args_slice = vec![Value::Tensor(c.x.clone())];
        let args_tuple = Value::tuple(args_slice.clone());
        let m = &c.module;
        let plain = || m.call(&args_slice, &kw).expect("forward");
        let fc = || functional_call(m, &dv, &args_tuple, &kw, CallOptions::default());
        for _ in 0..20 {
            timed(plain);
            timed(fc);
        }
        // The engine caches the module's structure walk per structure generation: a call that
        // bumps the generation makes the next call walk the tree again.
        let g0 = fcall::nn::structure_generation();
        timed(fc);
        let bumps = fcall::nn::structure_generation() - g0;
        if bumps != 0 {
            println!("  note ({}): one functional_call bumped the structure generation {bumps} time(s): the next call rebuilds its registry", c.key);
        }
        let (mut sp, mut sf) = (Vec::new(), Vec::new());
        let t0 = Instant::now();
        let mut i = 0u64;
        while t0.elapsed().as_secs_f64() < secs || i < 20 {
            if i % 2 == 0 {
                sp.push(timed(plain));
                sf.push(timed(fc));
            } else {
                sf.push(timed(fc));
                sp.push(timed(plain));
            }
            i += 1;
        }
        out.push((c.key, n, split_of(&sp), split_of(&sf)));
    }
    Ok(out)
}

fn print_breakdown(rows: &[(&'static str, usize, Split, Split)], secs: f64) {
    println!();
    println!("engine breakdown: where functional_call's overhead goes (µs per call, medians of single calls over ~{secs:.1}s per model,");
    println!("plain and functional_call alternating; hooks on the root module mark where its forward starts and ends)");
    println!("  before = call entry to forward start (merge, untie, snapshot, swap in); forward = the root's forward;");
    println!("  after = forward end to return (restore, write-back, change checks); drop = dropping the result (for");
    println!("  functional_call: the CallOutcome with its CallRecord). overhead = functional_call's piece minus plain's.");
    println!(
        "  {:<5} {:>7} | {:>9} {:>9} | {:>9} {:>9} {:>9} {:>9} | {:>9} {:>9} {:>9} {:>9} {:>9} {:>10}",
        "case", "tensors", "plain fwd", "fc fwd", "ovh bef", "ovh fwd", "ovh aft", "ovh drop", "sum", "/tensor", "bef/t", "aft/t", "drop/t", ""
    );
    for (k, n, p, f) in rows {
        let d = [f.before - p.before, f.forward - p.forward, f.after - p.after, f.drop - p.drop];
        let sum: f64 = d.iter().sum();
        let per = |x: f64| us(x / *n as f64);
        println!(
            "  {:<5} {:>7} | {:>9} {:>9} | {:>9} {:>9} {:>9} {:>9} | {:>9} {:>9} {:>9} {:>9} {:>9}",
            format!("({k})"),
            n,
            us(p.forward),
            us(f.forward),
            us(d[0]),
            us(d[1]),
            us(d[2]),
            us(d[3]),
            us(sum),
            per(sum),
            per(d[0]),
            per(d[2]),
            per(d[3]),
        );
    }
}

// ------------------------------------------------------------------------------------------
// report
// ------------------------------------------------------------------------------------------

fn us(x: f64) -> String {
    let a = x.abs();
    if a >= 100.0 {
        format!("{x:.1}")
    } else if a >= 10.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

fn min_med(s: Stat) -> String {
    format!("{} / {}", us(s.min), us(s.med))
}

fn ovh(p: Paired) -> String {
    format!("{} [{}, {}]", us(p.diff), us(p.diff_p25), us(p.diff_p75))
}

/// PyTorch overhead / engine overhead, with the engine's overhead at or below zero (noise) shown as such.
fn speedup(pt: f64, en: f64) -> (String, Option<f64>) {
    if en > 0.0 {
        let r = pt / en;
        (format!("{r:.0}x"), Some(r))
    } else {
        ("inf (engine overhead <= 0 within noise)".to_string(), Some(f64::INFINITY))
    }
}

fn row(label: &str, a: String, b: String) -> String {
    format!("  {label:<48} {a:>24} {b:>24}")
}

fn print_header(cfg: &Config) {
    println!("=== functional_call: the engine against PyTorch 2.13 (perf-anchors.md §1 models) ===");
    println!("method (that of shared/reference/bench_pytorch.py):");
    println!("  * both sides: 1 intra-op thread (tch::set_num_threads(1) / torch.set_num_threads(1)), grad enabled;");
    println!("    the dict holds fresh clones of the parameters and buffers (same requires_grad), so a real swap happens");
    println!("  * each variant (plain forward, functional_call, functional_call tie_weights=False) runs in blocks of n");
    println!("    back-to-back calls, n calibrated so a block lasts ~{:.0} µs; the variants of one model are interleaved", cfg.target_us);
    println!("    round by round in alternating order; {} rounds per model", cfg.rounds);
    println!("  * per call µs: min / median over rounds; overhead = median of the per-round paired differences");
    println!("    (functional_call - plain) [p25, p75]; ratio = median of the per-round paired ratios");
    println!("  * every block is timed twice: wall clock (as bench_pytorch.py) and this thread's CPU time");
    println!("    (CLOCK_THREAD_CPUTIME_ID / time.thread_time_ns), which does not count time other processes held the CPU");
    println!("  * PyTorch is timed first in a subprocess (benches/pytorch_side.py), then the engine in this process;");
    println!("    statistics for both sides are computed here with the same code");
    if cfg.rounds != 81 || cfg.target_us != 4000.0 {
        println!("  * NOTE: rounds/block size differ from bench_pytorch.py's defaults (81 rounds, 4000 µs blocks)");
    } else {
        println!("  * rounds and block size are bench_pytorch.py's (81 rounds, 4000 µs blocks)");
    }
    println!("  targets: PyTorch overhead / engine overhead >= 40x; on (b) engine functional_call / engine plain <= 1.02x");
}

fn print_model(c: &Case, py: Option<&Sides>, en: &Sides) {
    println!();
    let n = en.wall.n_tensors;
    println!("({}) {} -- {} tensors passed", c.key, c.desc, n);
    let pyf = |f: &dyn Fn(&Sides) -> String| py.map(f).unwrap_or_else(|| "-".to_string());
    let per = |s: &Side, p: Paired| us(p.diff / s.n_tensors as f64);
    println!("{}", row("wall clock", "PyTorch".into(), "engine".into()));
    println!("{}", row("plain forward µs/call (min / med)", pyf(&|s| min_med(s.wall.plain)), min_med(en.wall.plain)));
    println!("{}", row("functional_call µs/call (min / med)", pyf(&|s| min_med(s.wall.fc)), min_med(en.wall.fc)));
    println!("{}", row("overhead µs (paired median [p25, p75])", pyf(&|s| ovh(s.wall.ovh)), ovh(en.wall.ovh)));
    println!("{}", row("overhead per tensor µs", pyf(&|s| per(&s.wall, s.wall.ovh)), per(&en.wall, en.wall.ovh)));
    println!(
        "{}",
        row("functional_call / plain (paired ratio)", pyf(&|s| format!("{:.3}x", s.wall.ovh.ratio)), format!("{:.4}x", en.wall.ovh.ratio))
    );
    println!("{}", row("tie_weights=False: functional_call µs (min / med)", pyf(&|s| min_med(s.wall.fc_tf)), min_med(en.wall.fc_tf)));
    println!("{}", row("tie_weights=False: overhead µs", pyf(&|s| ovh(s.wall.ovh_tf)), ovh(en.wall.ovh_tf)));
    println!("{}", row("tie_weights=False: overhead per tensor µs", pyf(&|s| per(&s.wall, s.wall.ovh_tf)), per(&en.wall, en.wall.ovh_tf)));
    println!(
        "{}",
        row(
            "tie_weights=False: fc / plain (paired ratio)",
            pyf(&|s| format!("{:.3}x", s.wall.ovh_tf.ratio)),
            format!("{:.4}x", en.wall.ovh_tf.ratio)
        )
    );
    println!("{}", row("thread CPU time", String::new(), String::new()));
    println!("{}", row("plain / functional_call µs/call (med)", pyf(&|s| pair_med(&s.cpu)), pair_med(&en.cpu)));
    println!("{}", row("overhead µs (paired median [p25, p75])", pyf(&|s| ovh(s.cpu.ovh)), ovh(en.cpu.ovh)));
    println!("{}", row("overhead per tensor µs", pyf(&|s| per(&s.cpu, s.cpu.ovh)), per(&en.cpu, en.cpu.ovh)));
    println!(
        "{}",
        row("functional_call / plain (paired ratio)", pyf(&|s| format!("{:.3}x", s.cpu.ovh.ratio)), format!("{:.4}x", en.cpu.ovh.ratio))
    );
    println!("{}", row("tie_weights=False: overhead µs", pyf(&|s| ovh(s.cpu.ovh_tf)), ovh(en.cpu.ovh_tf)));
    println!("{}", row("output check (fc == plain, same values)", pyf(&|s| ok(s.wall.check_ok)), ok(en.wall.check_ok)));
    if let Some(p) = py {
        let (s, r) = speedup(p.wall.ovh.diff, en.wall.ovh.diff);
        let (s_tf, _) = speedup(p.wall.ovh_tf.diff, en.wall.ovh_tf.diff);
        let (sc, rc) = speedup(p.cpu.ovh.diff, en.cpu.ovh.diff);
        let (sc_tf, _) = speedup(p.cpu.ovh_tf.diff, en.cpu.ovh_tf.diff);
        println!(
            "  => PyTorch overhead / engine overhead: wall {s} (target >= 40x: {}), CPU time {sc} ({}); tie_weights=False: wall {s_tf}, CPU time {sc_tf}",
            pass(r.is_some_and(|r| r >= 40.0)),
            pass(rc.is_some_and(|r| r >= 40.0))
        );
    }
    if c.key == "b" {
        println!(
            "  => engine functional_call / engine plain: wall {:.4}x ({}), CPU time {:.4}x ({}) (target <= 1.02x)",
            en.wall.ovh.ratio,
            pass(en.wall.ovh.ratio <= 1.02),
            en.cpu.ovh.ratio,
            pass(en.cpu.ovh.ratio <= 1.02)
        );
    }
    if c.key == "d" {
        println!("  note: with tie_weights=False and the 3 deduplicated keys, out.weight stays the module's own parameter");
        println!("        (the semantics differ from tie_weights=True, as in perf-anchors.md)");
    }
}

fn pair_med(s: &Side) -> String {
    format!("{} / {}", us(s.plain.med), us(s.fc.med))
}

fn ok(b: bool) -> String {
    if b { "ok" } else { "MISMATCH" }.to_string()
}

fn pass(b: bool) -> &'static str {
    if b {
        "PASS"
    } else {
        "MISS"
    }
}

fn print_summary(cases: &[Case], py: Option<&PySide>, en: &BTreeMap<String, Sides>) {
    for (title, pick) in [
        ("wall clock", (|s: &Sides| s.wall) as fn(&Sides) -> Side),
        ("thread CPU time", (|s: &Sides| s.cpu) as fn(&Sides) -> Side),
    ] {
        println!();
        println!("summary, {title} (overheads in µs, paired medians; anchor = perf-anchors.md §1 wall clock, threads=1, quiet host)");
        println!(
            "  {:<5} {:>7} {:>8} {:>10} {:>10} {:>8} {:>6} {:>10} {:>10} {:>8} {:>12}",
            "case", "tensors", "anchor", "PyTorch", "engine", "PT/eng", ">=40x", "PT tie=F", "eng tie=F", "PT/eng", "eng fc/plain"
        );
        for c in cases {
            let e = pick(&en[c.key]);
            let p = py.and_then(|p| p.models.get(c.key)).map(pick);
            let anchor = ANCHOR_OVERHEAD_US.iter().find(|a| a.0 == c.key).map(|a| a.1).unwrap_or(f64::NAN);
            let (sp, r) = p.map(|p| speedup(p.ovh.diff, e.ovh.diff)).unwrap_or(("-".into(), None));
            let (sp_tf, _) = p.map(|p| speedup(p.ovh_tf.diff, e.ovh_tf.diff)).unwrap_or(("-".into(), None));
            let short = |s: String| if s.starts_with("inf") { "inf".to_string() } else { s };
            println!(
                "  {:<5} {:>7} {:>8} {:>10} {:>10} {:>8} {:>6} {:>10} {:>10} {:>8} {:>12}",
                format!("({})", c.key),
                e.n_tensors,
                us(anchor),
                p.map(|p| us(p.ovh.diff)).unwrap_or_else(|| "-".into()),
                us(e.ovh.diff),
                short(sp),
                r.map(|r| pass(r >= 40.0)).unwrap_or("-"),
                p.map(|p| us(p.ovh_tf.diff)).unwrap_or_else(|| "-".into()),
                us(e.ovh_tf.diff),
                short(sp_tf),
                format!("{:.4}x", e.ovh.ratio),
            );
        }
    }
}

fn main() {
    let cfg = parse_args();
    let t_all = Instant::now();
    tch::set_num_threads(1);
    let cases = cases().expect("building the models");
    if cfg.profile.is_some() {
        run_engine(&cfg, &cases).expect("engine side");
        return;
    }

    let py = if cfg.skip_python {
        None
    } else {
        match run_python(&cfg) {
            Ok(p) => Some(p),
            Err(e) => {
                eprintln!("PyTorch side unavailable: {e}");
                None
            }
        }
    };
    eprintln!("[2/2] engine side ...");
    let s0 = cpu_snap();
    let t_en = Instant::now();
    let en = run_engine(&cfg, &cases).expect("engine side");
    let en_wall = t_en.elapsed().as_secs_f64();
    let en_foreign = foreign_cores(&s0, &cpu_snap());

    println!();
    print_header(&cfg);
    match &py {
        Some(p) => println!(
            "PyTorch side: torch {} (python {}, threads={}, import torch {:.2}s), {:.1}s wall; other processes' CPU load meanwhile: {:.2} cores",
            p.torch, p.python, p.threads, p.import_s, p.wall_s, p.foreign
        ),
        None => println!("PyTorch side: not run"),
    }
    println!(
        "engine side: tch 0.26 / libtorch (threads={}), {:.1}s wall; other processes' CPU load meanwhile: {:.2} cores",
        tch::get_num_threads(),
        en_wall,
        en_foreign
    );
    let worst = py.as_ref().map(|p| p.foreign).unwrap_or(0.0).max(en_foreign);
    if worst > 0.25 {
        println!(
            "WARNING: other processes used up to {worst:.2} cores of this machine while a half ran; absolute times are inflated and the"
        );
        println!("         two halves (timed one after the other) may have seen different load. Paired overheads are more robust; rerun on a quiet host.");
    }
    for c in &cases {
        print_model(c, py.as_ref().and_then(|p| p.models.get(c.key)), &en[c.key]);
    }
    print_summary(&cases, py.as_ref(), &en);
    if cfg.breakdown_secs > 0.0 {
        eprintln!("engine breakdown ...");
        match engine_breakdown(cfg.breakdown_secs) {
            Ok(rows) => print_breakdown(&rows, cfg.breakdown_secs),
            Err(e) => println!("engine breakdown failed: {e}"),
        }
    }
    println!("\ntotal bench wall time {:.1}s", t_all.elapsed().as_secs_f64());
}
