//! The `call` display tells the truth (issue 12), with real PyTorch 2.13 as the judge: each
//! scenario's script runs in the venv's python, which reports which names changed in the dict
//! and which changed in the module (values before and after, compared); fcall runs the same
//! script and its call record must flag exactly those (BatchNorm's running statistics included,
//! which libtorch writes without a version bump, and writes through `.data` or `t.data = ...`,
//! which the version counter misses, at 7 elements and at 5000), show "module before" and
//! "swapped in" values from before forward (or "not kept", never the value after) and "dict
//! after" values as PyTorch's, leave the module
//! with PyTorch's values, and keep PyTorch's `_version`. Showing a call copies no parameter
//! (peak memory) and abbreviates large values as PyTorch prints them. A GPT-sized module's
//! default table fits in 40 lines and names every noteworthy row.
use std::process::Command;

use fcall::interp::{RunOptions, Session, Targets};
use serde_json::Value as J;

struct Scenario {
    name: &'static str,
    /// Defines `m`, `d` (the dict passed) and `x`.
    setup: &'static str,
    tie: bool,
}

const SCENARIOS: &[Scenario] = &[
    Scenario { name: "bn1d_buffers_passed", setup: "m = nn.BatchNorm1d(10)\nd = {k: v.clone() for k, v in m.named_buffers()}\nx = torch.randn(4, 10) * 3 + 12.8", tie: true },
    Scenario { name: "bn1d_params_only", setup: "m = nn.BatchNorm1d(10)\nd = dict(m.named_parameters())\nx = torch.randn(4, 10) * 3 + 2", tie: true },
    Scenario { name: "bn1d_detached_views", setup: "m = nn.BatchNorm1d(3)\nd = {k: v.detach() for k, v in m.named_buffers()}\nx = torch.randn(4, 3) + 1", tie: true },
    Scenario { name: "bn2d_buffers_passed", setup: "m = nn.BatchNorm2d(3)\nd = {k: v.clone() for k, v in m.named_buffers()}\nx = torch.randn(2, 3, 4, 4) + 1", tie: true },
    Scenario { name: "bn2d_params_only", setup: "m = nn.BatchNorm2d(3)\nd = dict(m.named_parameters())\nx = torch.randn(2, 3, 4, 4) + 1", tie: true },
    Scenario { name: "bn2d_detached_views", setup: "m = nn.BatchNorm2d(3)\nd = {k: v.detach() for k, v in m.named_buffers()}\nx = torch.randn(2, 3, 4, 4) + 1", tie: true },
    Scenario { name: "bn1d_eval", setup: "m = nn.BatchNorm1d(3)\nm.eval()\nd = {k: v.clone() for k, v in m.named_buffers()}\nx = torch.randn(4, 3)", tie: true },
    Scenario {
        name: "inplace_7_and_10000",
        setup: "class Big(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.register_buffer('b7', torch.zeros(7))\n        self.register_buffer('b10k', torch.zeros(10000))\n        self.register_buffer('own', torch.zeros(7))\n    def forward(self, x):\n        self.b7.add_(1)\n        self.b10k.add_(1)\n        self.own.add_(2)\n        return x\nm = Big()\nd = {'b7': torch.zeros(7), 'b10k': torch.zeros(10000)}\nx = torch.ones(1)",
        tie: true,
    },
    // Writes through `.data` (its own version counter, as in PyTorch): the version counter of
    // the tensor written misses them, a comparison by value does not.
    Scenario {
        name: "data_writes_unversioned",
        setup: "class Ema(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.w = nn.Parameter(torch.ones(3))\n        self.register_buffer('avg', torch.zeros(3))\n        self.register_buffer('seen', torch.zeros(7))\n        self.register_buffer('still', torch.zeros(7))\n    def forward(self, x):\n        self.avg.data.mul_(0.9).add_(0.1 * self.w.data)\n        self.seen.data.add_(x.sum())\n        self.still.data.mul_(1.0)\n        return x * self.w\nm = Ema()\nd = {'w': torch.full((3,), 2.0), 'avg': torch.zeros(3)}\nx = torch.ones(3)",
        tie: true,
    },
    Scenario {
        name: "data_view_passed",
        setup: "class Lin(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.w = nn.Parameter(torch.ones(3))\n        self.b = nn.Parameter(torch.zeros(7))\n    def forward(self, x):\n        with torch.no_grad():\n            self.w.add_(1)\n            self.b.add_(2)\n        return x * self.w\nm = Lin()\nd = {'w': m.w.data, 'b': m.b.data}\nx = torch.ones(3)",
        tie: true,
    },
    // The same at more than 4096 elements (no copy is taken of those): `.data` made in forward
    // is watched, `t.data = ...` too, and a `.data` passed in the dict shares the module's memory.
    // Writes that leave the values (`mul_(1.0)`, `data = clone()`) are no change, as in PyTorch.
    Scenario {
        name: "data_writes_large",
        setup: "class EmaBig(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.w = nn.Parameter(torch.ones(5000))\n        self.register_buffer('avg', torch.zeros(5000))\n        self.register_buffer('seen', torch.zeros(5000))\n        self.register_buffer('still', torch.zeros(5000))\n        self.register_buffer('moved', torch.zeros(5000))\n        self.register_buffer('same', torch.zeros(5000))\n    def forward(self, x):\n        self.avg.data.mul_(0.9).add_(0.1 * self.w.data)\n        self.seen.data.add_(x.sum())\n        self.still.data.mul_(1.0)\n        self.moved.data = self.moved + 1\n        self.same.data = self.same.clone()\n        self.w.data = self.w.data * 2\n        return x * self.w\nm = EmaBig()\nd = {'w': torch.full((5000,), 2.0), 'avg': torch.zeros(5000)}\nx = torch.ones(5000)",
        tie: true,
    },
    Scenario {
        name: "data_view_passed_large",
        setup: "class Lin(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.w = nn.Parameter(torch.ones(3))\n        self.b = nn.Parameter(torch.zeros(5000))\n    def forward(self, x):\n        with torch.no_grad():\n            self.b.add_(2)\n        return x * self.w\nm = Lin()\nd = {'w': m.w.data, 'b': m.b.data}\nx = torch.ones(3)",
        tie: true,
    },
    Scenario {
        name: "tie_false_alias_read",
        setup: "class Foo(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.foo = nn.Parameter(torch.tensor(1.0))\n        self.foo_tied = self.foo\n    def forward(self, x):\n        return x + self.foo + self.foo_tied\nm = Foo()\nd = {'foo': torch.zeros(())}\nx = torch.zeros(())",
        tie: false,
    },
];

fn call_line(s: &Scenario) -> String {
    format!("functional_call(m, d, (x,), tie_weights={})", if s.tie { "True" } else { "False" })
}

/// PyTorch's truth for every scenario: per name, changed in the dict / in the module, the dict
/// value before, `_version` of every module tensor after, and the result.
fn oracle() -> J {
    let mut py = String::from(
        "import json, torch\nimport torch.nn as nn\nfrom torch.func import functional_call\nout = {}\n\
def vals(t):\n    return t.detach().double().flatten().tolist()\n",
    );
    for s in SCENARIOS {
        py.push_str(&format!(
            "torch.manual_seed(0)\n{setup}\n\
dict_before = {{k: vals(v) for k, v in d.items()}}\n\
mod_before = {{k: vals(v) for k, v in [*m.named_parameters(remove_duplicate=False), *m.named_buffers(remove_duplicate=False)]}}\n\
r = {call}\n\
dict_changed = [k for k, v in d.items() if vals(v) != dict_before[k]]\n\
mod_named = [*m.named_parameters(remove_duplicate=False), *m.named_buffers(remove_duplicate=False)]\n\
mod_changed = [k for k, v in mod_named if vals(v) != mod_before[k]]\n\
out[{name:?}] = {{'dict_changed': dict_changed, 'module_changed': mod_changed, 'dict_before': dict_before, \
'module_before': mod_before, 'dict_after': {{k: vals(v) for k, v in d.items()}}, \
'module_after': {{k: vals(v) for k, v in mod_named}}, \
'versions': {{k: v._version for k, v in mod_named}}, 'result': vals(r)}}\n",
            setup = s.setup,
            call = call_line(s),
            name = s.name
        ));
    }
    py.push_str("print(json.dumps(out))\n");
    let out = Command::new(env!("FCALL_PYTHON")).arg("-c").arg(&py).output().expect("start the oracle python");
    assert!(out.status.success(), "oracle failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("oracle JSON")
}

fn fcall_run(code: &str, targets: Targets) -> Vec<fcall::interp::output::StmtOutput> {
    let mut s = Session::new();
    s.targets = targets;
    s.run(code, RunOptions { keep_going: false })
}

fn flat(v: &J) -> Vec<f64> {
    match v {
        J::Array(a) => a.iter().flat_map(flat).collect(),
        J::Number(n) => vec![n.as_f64().unwrap()],
        J::Bool(b) => vec![*b as u8 as f64],
        _ => vec![],
    }
}

fn close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-5 * (1.0 + y.abs()))
}

#[test]
fn the_record_flags_what_pytorch_changed_and_shows_values_from_before() {
    let truth = oracle();
    let mut failures = Vec::new();
    for s in SCENARIOS {
        let t = &truth[s.name];
        let code = format!("import torch\nimport torch.nn as nn\nfrom torch.func import functional_call\ntorch.manual_seed(0)\n{}\n{}\n", s.setup, call_line(s));
        let outs = fcall_run(&code, Targets { json: true, text: true, ..Targets::default() });
        let last = outs.last().unwrap();
        let j = last.json();
        let text = last.text().to_string();
        let call = &j["call"];
        if call.is_null() {
            failures.push(format!("{}: no call record:\n{text}", s.name));
            continue;
        }
        let names = call["names"].as_array().cloned().unwrap_or_default();
        let row = |n: &str| names.iter().find(|r| r["name"] == n).cloned();
        // Same result as PyTorch.
        if !close(&flat(&j["value"]["value"]), &flat(&t["result"])) {
            failures.push(format!("{}: result {} vs PyTorch {}", s.name, j["value"]["value"], t["result"]));
        }
        let dict_changed: Vec<&str> = t["dict_changed"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        let module_changed: Vec<&str> = t["module_changed"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        for (k, before) in t["dict_before"].as_object().unwrap() {
            let Some(r) = row(k) else {
                failures.push(format!("{}: no row for dict key {k}", s.name));
                continue;
            };
            let flagged = r["dict_note"].as_str().unwrap_or("").contains("changed in place");
            if flagged != dict_changed.contains(&k.as_str()) {
                failures.push(format!("{}: {k}: PyTorch changed it in the dict: {}; fcall says {:?}", s.name, !flagged, r["dict_note"]));
            }
            // "swapped in" is the value before forward, or not kept (or, above 1000 elements, not
            // encoded): never the value after.
            let v = &r["swapped_in"]["value"];
            if !v.is_string() && !close(&flat(v), &flat(before)) {
                failures.push(format!("{}: {k}: swapped in shows {v}, PyTorch's value before was {before}", s.name));
            }
        }
        // "module before" shows the module's value before the call, "dict after" the dict's value
        // after it, as PyTorch has them (a string: "not kept", or a large tensor not encoded).
        for r in &names {
            let n = r["name"].as_str().unwrap();
            let checks = [("before", &r["before"]["value"], &t["module_before"][n]), ("dict after", &r["dict_after"]["value"]["value"], &t["dict_after"][n])];
            for (what, shown, truth) in checks {
                if shown.is_null() || shown.is_string() || truth.is_null() {
                    continue;
                }
                if !close(&flat(shown), &flat(truth)) {
                    failures.push(format!("{}: {n}: {what} shows {shown}, PyTorch {truth}", s.name));
                }
            }
        }
        for k in &module_changed {
            if !row(k).is_some_and(|r| r["permanent_change"] == true) {
                failures.push(format!("{}: PyTorch changed the module's {k}; fcall reports no permanent change:\n{text}", s.name));
            }
        }
        for r in &names {
            let n = r["name"].as_str().unwrap();
            if r["permanent_change"] == true && !module_changed.contains(&n) {
                failures.push(format!("{}: fcall reports a permanent change of {n}, PyTorch's module kept it", s.name));
            }
        }
        // The module's values after the call and its `_version`s as PyTorch's.
        let after = fcall_run(
            &format!("{code}[(k, v._version, v.detach().double().flatten().tolist()) for k, v in [*m.named_parameters(remove_duplicate=False), *m.named_buffers(remove_duplicate=False)]]\n"),
            Targets { json: true, text: false, ..Targets::default() },
        );
        let got = after.last().unwrap().json()["value"].as_array().cloned().unwrap_or_default();
        let expected = t["versions"].as_object().unwrap();
        if got.len() != expected.len() {
            failures.push(format!("{}: {} module tensors after the call, PyTorch {}", s.name, got.len(), expected.len()));
        }
        for (g, (k, v)) in got.iter().zip(expected) {
            if g[0] != *k || g[1] != *v {
                failures.push(format!("{}: after the call ({}, _version {}), PyTorch ({k}, {v})", s.name, g[0], g[1]));
            }
            if !close(&flat(&g[2]), &flat(&t["module_after"][k])) {
                failures.push(format!("{}: the module's {k} after the call differs from PyTorch's", s.name));
            }
        }
        // The table never shows a number unrounded.
        if text.contains("e-0") && text.split_whitespace().any(|w| w.len() > 16 && w.contains("e-")) {
            failures.push(format!("{}: an unrounded number:\n{text}", s.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn tie_false_names_the_alias_forward_read() {
    let s = SCENARIOS.iter().find(|s| s.name == "tie_false_alias_read").unwrap();
    let code = format!("import torch\nimport torch.nn as nn\nfrom torch.func import functional_call\n{}\n", s.setup);
    let wide = Targets { width: 200, ..Targets::default() };
    let outs = fcall_run(&format!("{code}{}\n", call_line(s)), wide);
    let text = outs.last().unwrap().text();
    assert!(text.contains("foo_tied") && text.contains("read (the module's tensor)"), "{text}");
    assert!(text.contains("result: tensor(1."), "{text}");
    let outs = fcall_run(&format!("{code}explain call m with d (x) tie=False\n"), wide);
    let text = outs.last().unwrap().text();
    assert!(text.contains("'foo_tied' is tied (foo, foo_tied) but not given"), "{text}");
    assert!(text.contains("5. forward: foo_tied (not swapped) read the module's own Parameter"), "{text}");
    assert!(text.contains("3. strict: skipped"), "{text}");
}

/// The GPT-shaped module the benchmark shows too (benches/call_display.rs).
const GPT_CLASSES: &str = include_str!("common/gpt.py");

/// 150 names: the module's 148 (the head's weight tied to the embedding's), `steps` and an
/// unused key.
fn gpt() -> String {
    format!(
        "{GPT_CLASSES}torch.manual_seed(0)\nmodel = GPT(50, 16, 12)\nparams = {{k: v for k, v in model.named_parameters()}}\n\
params['steps'] = torch.zeros(())\nparams['unused_key'] = torch.zeros(2)\nidx = torch.tensor([[1, 2, 3]])\n"
    )
}

#[test]
fn a_gpt_sized_module_gives_a_short_table_that_names_every_noteworthy_row() {
    let outs = fcall_run(&format!("{}len(params)\ny = call model with params (idx)\n", gpt()), Targets::default());
    let n = outs[outs.len() - 2].value.as_ref().map(|v| v.py_repr()).unwrap_or_default();
    assert_eq!(n, "150", "the module has about 150 names");
    let text = outs.last().unwrap().text();
    let table = text.split("result:").next().unwrap();
    let lines = table.lines().count();
    assert!(lines <= 40, "{lines} lines:\n{text}");
    assert!(table.lines().all(|l| l.chars().count() <= 100), "wider than 100 columns:\n{table}");
    for noteworthy in ["wte.weight", "head.weight", "steps", "unused_key", "T1", "147 names swapped"] {
        assert!(text.contains(noteworthy), "{noteworthy} missing:\n{text}");
    }
    // `y = call ...` shows the table once, and the value only as `result:`.
    assert_eq!(text.matches("functional_call on GPT").count(), 1, "{text}");
    // rows=all lists every name.
    let outs = fcall_run(&format!("{}call model with params (idx) rows=all\n", gpt()), Targets { width: 200, ..Targets::default() });
    let text = outs.last().unwrap().text();
    assert!(text.contains("h.11.out.bias") && text.contains("h.0.ln1.weight"), "{text}");
    assert!(!text.contains("names swapped from the dict"), "{text}");
}

/// A result of 10,000 elements is shown as PyTorch prints it (summarised with `...`), and the
/// table's cells show a large dict value by shape and statistics, never element by element.
#[test]
fn a_large_result_is_abbreviated_as_pytorch_prints_it() {
    let setup = "import torch\nimport torch.nn as nn\nfrom torch.func import functional_call\nm = nn.Linear(1, 1)\nd = {'weight': torch.full((1, 1), 2.0), 'bias': torch.zeros(1)}\nx = torch.arange(10000.0).reshape(10000, 1)\n";
    let out = Command::new(env!("FCALL_PYTHON"))
        .arg("-c")
        .arg(format!("{setup}print(repr(functional_call(m, d, (x,))))\nprint('@@')\nprint(repr(torch.arange(10000.0)))"))
        .output()
        .expect("start the oracle python");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let truth = String::from_utf8(out.stdout).unwrap();
    let (result_repr, arange_repr) = truth.trim_end().split_once("\n@@\n").unwrap();
    assert!(result_repr.contains("..."), "PyTorch summarises: {result_repr}");
    let outs = fcall_run(&format!("{setup}call m with d (x)\n"), Targets::default());
    let text = outs.last().unwrap().text();
    // The result, as PyTorch prints it.
    let shown = text.split("result: ").nth(1).expect("a result line");
    let shown = shown.rsplit_once("  #").map(|(a, _)| a).unwrap_or(shown);
    assert_eq!(shown.trim_end(), result_repr, "{text}");
    assert!(text.lines().count() < 40, "{text}");
    // A 10,000-element tensor as a value: PyTorch's summary, and in a dict table by statistics.
    let outs = fcall_run("import torch\nt = torch.arange(10000.0)\nt\n{'t': t}\n", Targets::default());
    let t = outs[outs.len() - 2].text();
    assert_eq!(t.rsplit_once("  #").unwrap().0, arange_repr, "{t}");
    let dict = outs.last().unwrap().text();
    assert!(dict.contains("float32[10000] mean=4999.5") && !dict.contains("9999."), "{dict}");
}

/// Peak resident memory (VmHWM, KiB) since the last [`reset_peak`].
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM in /proc/self/status");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Resets the peak to the current resident size (Linux: `5` to /proc/self/clear_refs).
fn reset_peak() {
    std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak RSS");
}

/// Showing a call copies no parameter: the memory a shown `call` (text, HTML and the JSON
/// record, as the kernel renders it) needs above its own working set is far below one weight
/// of the model (64 MiB), compared with the same functional_call without the display. Runs in
/// a process of its own (peak RSS is per process), as a child of this test binary.
#[test]
fn showing_a_call_copies_no_parameter() {
    const NAME: &str = "showing_a_call_copies_no_parameter";
    if std::env::var_os("FCALL_MEMORY_CHILD").is_none() {
        let out = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", NAME, "--nocapture", "--test-threads=1"])
            .env("FCALL_MEMORY_CHILD", "1")
            .output()
            .expect("run the child");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success() && text.contains("1 passed"), "{text}");
        println!("{}", text.lines().filter(|l| l.starts_with("memory:")).collect::<Vec<_>>().join("\n"));
        return;
    }
    let mut s = Session::new();
    s.targets = Targets { width: 100, text: true, color: false, html: true, json: true };
    let setup = "import torch\nimport torch.nn as nn\nfrom torch.func import functional_call\ntorch.manual_seed(0)\n\
m = nn.Sequential(nn.Linear(4096, 4096), nn.BatchNorm1d(4096), nn.Linear(4096, 16))\n\
d = {k: v.detach().clone() for k, v in [*m.named_parameters(), *m.named_buffers()]}\n\
x = torch.randn(8, 4096)\n";
    let outs = s.run(setup, RunOptions { keep_going: false });
    assert!(outs.iter().all(|o| o.failure.is_none()), "setup failed");
    let run = |s: &mut Session, code: &str| {
        let outs = s.run(code, RunOptions { keep_going: false });
        assert!(outs.iter().all(|o| o.failure.is_none()), "{code}: {}", outs.last().unwrap().text());
        outs
    };
    let plain = "y = functional_call(m, d, (x,))\n";
    let shown = "y = call m with d (x)\n";
    // Warm both paths (allocator pools, plans, first renderings).
    run(&mut s, plain);
    run(&mut s, shown);
    let measure = |s: &mut Session, code: &str| -> u64 {
        reset_peak();
        let base = rss_kib();
        for _ in 0..3 {
            run(s, code);
        }
        peak_kib().saturating_sub(base)
    };
    let (mut p, mut q) = (u64::MAX, u64::MAX);
    for _ in 0..2 {
        p = p.min(measure(&mut s, plain));
        q = q.min(measure(&mut s, shown));
    }
    let weight_kib = 4096 * 4096 * 4 / 1024;
    println!("memory: functional_call needs {p} KiB above its start, the shown call {q} KiB; one weight is {weight_kib} KiB");
    assert!(q <= p + weight_kib / 4, "the shown call needs {} KiB more than functional_call: a copy of a weight?", q.saturating_sub(p));
    // The record names the weight without encoding its 16M values.
    let outs = run(&mut s, shown);
    let rec = outs.last().unwrap().json();
    let w = rec["call"]["names"].as_array().unwrap().iter().find(|r| r["name"] == "0.weight").expect("a row for 0.weight").clone();
    assert_eq!(w["swapped_in"]["summarised"], true, "{w}");
    assert_eq!(w["swapped_in"]["value"], "not encoded (16777216 elements)", "{w}");
    assert_eq!(w["swapped_in"]["shape"], serde_json::json!([4096, 4096]), "{w}");
    assert!(rec.to_string().len() < 200_000, "the record is {} bytes", rec.to_string().len());
}
