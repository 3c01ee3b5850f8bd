//! Start-up of the REPL as a person sees it, against Python with PyTorch, in the same run:
//!
//! - `fcall`: time from spawning it on a pseudo-terminal until the `>>> ` prompt appears, and its
//!   resident memory (VmRSS) at that moment; then the time until the answer to a first entry
//!   (`1 + 41`) appears, which includes loading libtorch, and VmRSS then.
//! - `python -c "import torch"`: the same clock and memory, to a `>>> ` written right after
//!   `import torch` returns.
//!
//! `cargo bench -p fcall-cli --bench startup` (FCALL_PYTHON: the Python with torch, as
//! scripts/env.sh sets it; FCALL_BENCH_RUNS: runs of each, default 5). Targets: the prompt at
//! least 5x sooner and at most a third of the memory.
#[path = "../tests/pty/mod.rs"]
mod pty;

use std::process::Command;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(180);

struct Sample {
    prompt_s: f64,
    prompt_kib: u64,
    ready_s: Option<f64>,
    ready_kib: Option<u64>,
}

fn scratch() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("fcall-bench-startup-{}", std::process::id()));
    let _ = std::fs::create_dir_all(d.join("data"));
    d
}

fn fcall_once(home: &std::path::Path) -> Sample {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fcall"));
    cmd.env("HOME", home).env("XDG_DATA_HOME", home.join("data")).env("TERM", "xterm-256color").env_remove("NO_COLOR");
    let t0 = Instant::now();
    let mut p = pty::Pty::spawn(cmd, 100, 30).expect("spawn fcall on a pty");
    p.expect(">>> ", TIMEOUT).expect("the fcall prompt");
    let prompt_s = t0.elapsed().as_secs_f64();
    let prompt_kib = p.rss_kib().unwrap_or(0);
    p.send("1 + 41\r");
    p.expect("42", TIMEOUT).expect("the answer to 1 + 41");
    let ready_s = t0.elapsed().as_secs_f64();
    let ready_kib = p.rss_kib();
    p.send("\x04");
    p.wait_exit(Duration::from_secs(30));
    Sample { prompt_s, prompt_kib, ready_s: Some(ready_s), ready_kib }
}

fn python_once(python: &str) -> Sample {
    let mut cmd = Command::new(python);
    cmd.args(["-c", "import torch, sys; sys.stdout.write('>>> '); sys.stdout.flush(); sys.stdin.readline()"]);
    let t0 = Instant::now();
    let mut p = pty::Pty::spawn(cmd, 100, 30).expect("spawn python on a pty");
    if let Err(e) = p.expect(">>> ", TIMEOUT) {
        panic!("python did not get to its prompt (is FCALL_PYTHON a Python with torch?): {e}");
    }
    let prompt_s = t0.elapsed().as_secs_f64();
    let prompt_kib = p.rss_kib().unwrap_or(0);
    p.send("\r");
    p.wait_exit(Duration::from_secs(30));
    Sample { prompt_s, prompt_kib, ready_s: None, ready_kib: None }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing useful either: both run it.
    let python = std::env::var("FCALL_PYTHON").unwrap_or_else(|_| "python3".into());
    let runs: usize = std::env::var("FCALL_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(5).max(1);
    let home = scratch();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("startup: {runs} runs each, interleaved; {cores} cores; load average {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    println!("python: {python}");
    let (mut f, mut py) = (Vec::new(), Vec::new());
    // One untimed run of each first: page cache.
    fcall_once(&home);
    python_once(&python);
    for i in 0..runs {
        let a = fcall_once(&home);
        let b = python_once(&python);
        println!(
            "  run {}: fcall prompt {:.3} s {:.1} MiB, first answer {:.3} s {:.1} MiB | python import torch {:.3} s {:.1} MiB",
            i + 1,
            a.prompt_s,
            a.prompt_kib as f64 / 1024.0,
            a.ready_s.unwrap_or(0.0),
            a.ready_kib.unwrap_or(0) as f64 / 1024.0,
            b.prompt_s,
            b.prompt_kib as f64 / 1024.0
        );
        f.push(a);
        py.push(b);
    }
    let _ = std::fs::remove_dir_all(&home);
    let fp = median(f.iter().map(|s| s.prompt_s).collect());
    let fm = median(f.iter().map(|s| s.prompt_kib as f64 / 1024.0).collect());
    let fr = median(f.iter().filter_map(|s| s.ready_s).collect());
    let frm = median(f.iter().filter_map(|s| s.ready_kib).map(|k| k as f64 / 1024.0).collect());
    let pp = median(py.iter().map(|s| s.prompt_s).collect());
    let pm = median(py.iter().map(|s| s.prompt_kib as f64 / 1024.0).collect());
    println!("medians:");
    println!("  fcall to prompt          {fp:>7.3} s  {fm:>7.1} MiB");
    println!("  fcall to first answer    {fr:>7.3} s  {frm:>7.1} MiB   (libtorch loaded)");
    println!("  python -c 'import torch' {pp:>7.3} s  {pm:>7.1} MiB");
    let speed = pp / fp;
    let mem = fm / pm;
    println!(
        "  prompt {speed:.1}x sooner (target >= 5x: {}), memory {:.0}% of python's (target <= 33%: {})",
        if speed >= 5.0 { "met" } else { "MISSED" },
        mem * 100.0,
        if mem <= 1.0 / 3.0 { "met" } else { "MISSED" }
    );
    println!(
        "  with libtorch loaded: first answer {:.1}x sooner than python's import, memory {:.0}% of python's",
        pp / fr,
        frm / pm * 100.0
    );
    if std::env::var_os("FCALL_BENCH_STRICT").is_some() && (speed < 5.0 || mem > 1.0 / 3.0) {
        std::process::exit(1);
    }
}
