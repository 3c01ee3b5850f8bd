//! The `call` display tells the truth (issue 12), with real PyTorch 2.13 as the judge: each
//! scenario's script runs in the venv's python, which reports which names changed in the dict
//! and which changed in the module (values before and after, compared); fcall runs the same
//! script and its call record must flag exactly those (BatchNorm's running statistics included,
//! which libtorch writes without a version bump), show "swapped in" values from before forward
//! (or "not kept", never the value after), and keep PyTorch's `_version`. A GPT-sized module's
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
            // "swapped in" is the value before forward, or not kept: never the value after.
            let v = &r["swapped_in"]["value"];
            if v != "not kept" && !close(&flat(v), &flat(before)) {
                failures.push(format!("{}: {k}: swapped in shows {v}, PyTorch's value before was {before}", s.name));
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
        // _version as PyTorch's.
        let versions = fcall_run(
            &format!("{code}[(k, v._version) for k, v in [*m.named_parameters(remove_duplicate=False), *m.named_buffers(remove_duplicate=False)]]\n"),
            Targets::default(),
        );
        let shown = versions.last().unwrap().value.as_ref().map(|v| v.py_repr()).unwrap_or_default();
        let expected: Vec<String> = t["versions"].as_object().unwrap().iter().map(|(k, v)| format!("('{k}', {v})")).collect();
        if shown != format!("[{}]", expected.join(", ")) {
            failures.push(format!("{}: _version after the call {shown}, PyTorch [{}]", s.name, expected.join(", ")));
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

const GPT: &str = "import torch
import torch.nn as nn
from torch.func import functional_call
class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, d)
        self.proj = nn.Linear(d, d)
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
        self.wpe = nn.Embedding(16, d)
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
model = GPT(50, 16, 12)
params = {k: v for k, v in model.named_parameters()}
params['steps'] = torch.zeros(())
params['unused_key'] = torch.zeros(2)
idx = torch.tensor([[1, 2, 3]])
";

#[test]
fn a_gpt_sized_module_gives_a_short_table_that_names_every_noteworthy_row() {
    let outs = fcall_run(&format!("{GPT}len(params)\ny = call model with params (idx)\n"), Targets::default());
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
    let outs = fcall_run(&format!("{GPT}call model with params (idx) rows=all\n"), Targets { width: 200, ..Targets::default() });
    let text = outs.last().unwrap().text();
    assert!(text.contains("h.11.out.bias") && text.contains("h.0.ln1.weight"), "{text}");
    assert!(!text.contains("names swapped from the dict"), "{text}");
}
