//! `cargo bench --bench diagram`: how long the object diagram of a 12-block transformer's call
//! takes (issue 13 asks for under a second). One session runs `benches/transformer12.py`, then
//! `draw call model with params (idx)` for notebooks (the call, its record, the diagram's text
//! and its SVG) several times; the bench prints the median and the slowest time, the same call
//! without the diagram (`call ...`: the table) for comparison, and the SVG's size. PyTorch has no
//! diagram to time beside it; the call itself is timed against PyTorch by `--bench functional_call`.
use std::time::Instant;

use fcall::interp::{RunOptions, Session, Targets};

const MODEL: &str = include_str!("transformer12.py");

fn time(s: &mut Session, line: &str, n: usize) -> (f64, f64, usize) {
    let mut t = Vec::new();
    let mut svg = 0;
    for _ in 0..n {
        let start = Instant::now();
        let outs = s.run(line, RunOptions { keep_going: false });
        t.push(start.elapsed().as_secs_f64() * 1e3);
        let o = outs.last().expect("an output");
        assert!(o.failure.is_none(), "{}", o.text());
        svg = o.pictures().iter().map(|p| p.svg.len()).sum();
    }
    t.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (t[t.len() / 2], t[t.len() - 1], svg)
}

fn main() {
    let mut s = Session::new();
    s.targets = Targets { html: true, text: true, ..Targets::default() };
    let outs = s.run(MODEL, RunOptions { keep_going: false });
    assert!(outs.iter().all(|o| o.failure.is_none()), "the model did not build");
    let n = 15;
    let (med, max, svg) = time(&mut s, "draw call model with params (idx)", n);
    println!("draw call (12-block transformer, 148 names): median {med:.1} ms, slowest {max:.1} ms of {n}; SVG {svg} bytes");
    let (med, max, _) = time(&mut s, "step call model with params (idx)", n);
    println!("step call (every stage):                       median {med:.1} ms, slowest {max:.1} ms of {n}");
    let (med, max, _) = time(&mut s, "call model with params (idx)", n);
    println!("call (the table, no diagram):                  median {med:.1} ms, slowest {max:.1} ms of {n}");
}
