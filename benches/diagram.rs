//! `cargo bench --bench diagram`: how long the object diagram of a 12-block transformer's call
//! takes (issue 13 asks for under a second). One session runs `benches/transformer12.py`, then
//! `draw call model with params (idx)` for notebooks (the call, its record, the diagram's text
//! and its SVG) several times; the bench prints the median and the slowest time, the same call
//! without the diagram (`call ...`: the table) for comparison, and the SVG's size. PyTorch has no
//! diagram to time beside it; the call itself is timed against PyTorch by `--bench functional_call`.
//! Beside the wall-clock times it prints the process's CPU time per run (what the work costs on a
//! machine that other processes share). One intra-op thread, as the other benches: libtorch's
//! thread pool on a machine whose cores are busy makes the times vary tenfold.
use std::time::Instant;

use fcall::interp::{RunOptions, Session, Targets};

const MODEL: &str = include_str!("transformer12.py");

/// The process's CPU time (all threads), in milliseconds.
fn cpu_ms() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime fills the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1e3 + ts.tv_nsec as f64 / 1e6
}

/// Median and slowest of a sample, sorted in place.
fn median_max(t: &mut [f64]) -> (f64, f64) {
    t.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (t[t.len() / 2], t[t.len() - 1])
}

/// Runs `line` `n` times: wall-clock (median, slowest), CPU (median, slowest), SVG bytes.
fn time(s: &mut Session, line: &str, n: usize) -> ((f64, f64), (f64, f64), usize) {
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    let mut svg = 0;
    for _ in 0..n {
        let (start, c0) = (Instant::now(), cpu_ms());
        let outs = s.run(line, RunOptions { keep_going: false });
        wall.push(start.elapsed().as_secs_f64() * 1e3);
        cpu.push(cpu_ms() - c0);
        let o = outs.last().expect("an output");
        assert!(o.failure.is_none(), "{}", o.text());
        svg = o.pictures().iter().map(|p| p.svg.len()).sum();
    }
    (median_max(&mut wall), median_max(&mut cpu), svg)
}

fn main() {
    tch::set_num_threads(1);
    let mut s = Session::new();
    s.targets = Targets { html: true, text: true, ..Targets::default() };
    let outs = s.run(MODEL, RunOptions { keep_going: false });
    assert!(outs.iter().all(|o| o.failure.is_none()), "the model did not build");
    let n = 15;
    for (what, line) in [
        ("draw call (12-block transformer, 148 names)", "draw call model with params (idx)"),
        ("step call (every stage)", "step call model with params (idx)"),
        ("call (the table, no diagram)", "call model with params (idx)"),
    ] {
        let ((med, max), (cmed, cmax), svg) = time(&mut s, line, n);
        let svg = if svg > 0 { format!("; SVG {svg} bytes") } else { String::new() };
        println!("{what:<45} wall median {med:.1} ms, slowest {max:.1} ms; CPU median {cmed:.1} ms, slowest {cmax:.1} ms (of {n}){svg}");
    }
}
