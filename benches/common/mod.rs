//! What the benches that time Python source in fcall and in CPython + PyTorch 2.13 share
//! (benches/interpreter.rs, benches/tutorials.rs): the CPython side (one subprocess that runs the
//! setup, then the loop round by round), fcall's side (a session timing the same loop), and the
//! median. Both sides single-threaded; every round is timed in wall-clock time and in the
//! timing thread's CPU time (which leaves out the time other processes held the CPU, so that a
//! loaded machine skews the ratio less).
use std::process::Command;
use std::time::Instant;

use fcall::interp::{OutKind, RunOptions, Session, StmtOutput};

/// The CPython side: the setup, a warm-up run of the loop, then the loop timed round by round;
/// prints one line per round: seconds per iteration in wall-clock time, then in this thread's
/// CPU time. The globals start as an
/// fcall session's do (torch, nn, F, math, functional_call).
const PY: &str = r#"
import sys, time, math
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call
torch.set_num_threads(1)
torch.manual_seed(0)
setup, loop, rounds, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
g = {"__name__": "__main__", "torch": torch, "nn": nn, "F": F, "math": math, "functional_call": functional_call}
exec(setup, g)
code = compile(loop, "<loop>", "exec")
exec(code, g)  # warm-up
for _ in range(rounds):
    t0, c0 = time.perf_counter(), time.thread_time()
    exec(code, g)
    print((time.perf_counter() - t0) / n, (time.thread_time() - c0) / n, flush=True)
"#;

/// The project's Python (scripts/env.sh sets FCALL_PYTHON).
pub fn python() -> String {
    std::env::var("FCALL_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Seconds per iteration, one entry per round: wall-clock time and the thread's CPU time.
#[derive(Default)]
pub struct Rounds {
    pub wall: Vec<f64>,
    pub cpu: Vec<f64>,
}

impl Rounds {
    /// The medians (wall, cpu).
    pub fn medians(self) -> (f64, f64) {
        (median(self.wall), median(self.cpu))
    }
}

/// This thread's CPU time in seconds (CLOCK_THREAD_CPUTIME_ID, as Python's time.thread_time).
pub fn thread_time() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

pub fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).expect("times are numbers"));
    xs[xs.len() / 2]
}

/// `for _ in range(n):` around one statement.
pub fn loop_src(stmt: &str, n: usize) -> String {
    format!("for _ in range({n}):\n    {stmt}\n")
}

/// Seconds per iteration of `stmt` in CPython + PyTorch, per round; exits the bench if CPython
/// fails.
pub fn cpython_rounds(setup: &str, stmt: &str, rounds: usize, n: usize) -> Rounds {
    let py = Command::new(python())
        .args(["-c", PY, setup, &loop_src(stmt, n), &rounds.to_string(), &n.to_string()])
        .output()
        .expect("CPython runs");
    if !py.status.success() {
        eprintln!("CPython failed: {}", String::from_utf8_lossy(&py.stderr));
        std::process::exit(1);
    }
    let mut r = Rounds::default();
    for line in String::from_utf8_lossy(&py.stdout).lines() {
        let v: Vec<f64> = line.split_whitespace().filter_map(|x| x.parse().ok()).collect();
        if let [wall, cpu] = v[..] {
            r.wall.push(wall);
            r.cpu.push(cpu);
        }
    }
    r
}

fn failed(outs: &[StmtOutput]) -> Option<String> {
    outs.iter().find(|o| o.kind == OutKind::Error).map(|o| o.text().to_string())
}

/// Runs `src` in the session; exits the bench if a statement raised.
pub fn run_or_exit(s: &mut Session, src: &str, what: &str) {
    if let Some(e) = failed(&s.run(src, RunOptions::default())) {
        eprintln!("fcall {what} failed: {e}");
        std::process::exit(1);
    }
}

/// Seconds per iteration of `stmt` in fcall, per round (after a warm-up run of the loop when
/// `warm_up`).
pub fn fcall_rounds(s: &mut Session, stmt: &str, rounds: usize, n: usize, warm_up: bool) -> Rounds {
    let lp = loop_src(stmt, n);
    if warm_up {
        run_or_exit(s, &lp, "warm-up");
    }
    let mut r = Rounds::default();
    for _ in 0..rounds {
        let (t0, c0) = (Instant::now(), thread_time());
        run_or_exit(s, &lp, "loop");
        r.wall.push(t0.elapsed().as_secs_f64() / n as f64);
        r.cpu.push((thread_time() - c0) / n as f64);
    }
    r
}
