//! The object diagram of a call (issue 13) for the documentation's examples: its graph (names,
//! edges, marks) as readable text against a golden form, and the identity facts it draws
//! (which name holds the same object after the call, which object was written in place) against
//! real PyTorch 2.13: the oracle runs the same setup in the venv's python and reports, per
//! module name and dict key, `is` the object before the call and whether its value changed.
use std::process::Command;

use fcall::interp::{RunOptions, Session, Targets};
use serde_json::Value as J;

struct Scenario {
    name: &'static str,
    /// Defines `m`, `d` (one dict or a tuple of dicts) and `x`.
    setup: &'static str,
    /// The options after the call (` tie=False`).
    options: &'static str,
    /// The diagram's graph as text (object ids left out).
    golden: &'static str,
}

impl Scenario {
    const fn new(name: &'static str, setup: &'static str, options: &'static str, golden: &'static str) -> Scenario {
        Scenario { name, setup, options, golden }
    }
}

const FOO_TIED: &str = "class Foo(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.foo = nn.Parameter(torch.tensor(1.0))\n        self.foo_tied = self.foo\n    def forward(self, x):\n        return x + self.foo + self.foo_tied\nm = Foo()\nd = {'foo': torch.zeros(())}\nx = torch.zeros(())";

/// The tied examples' graph before the call (the same with the tie on and off).
macro_rules! foo_tied_before {
    () => {
        "\
functional_call on Foo: names and objects
── before the call ──
  m.foo      → t1  tied T1 (foo, foo_tied)
  m.foo_tied → t1  tied T1 (foo, foo_tied)
  d['foo']   → t2
  t1  Parameter float32[]  1.0
  t2  Tensor float32[]  0.0
"
    };
}

/// A module `CLASS` with one buffer `foo` (zero) and the given forward body; `d` gives `foo` a
/// zero of its own.
macro_rules! buffer_foo {
    ($class:literal, $forward:literal) => {
        concat!(
            "class ", $class, "(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.register_buffer('foo', torch.zeros(()))\n    def forward(self, x):\n",
            $forward,
            "\nm = ", $class, "()\nd = {'foo': torch.zeros(())}\nx = torch.ones(())"
        )
    };
}

/// The graph of a `buffer_foo!` module before the call.
macro_rules! buffer_foo_before {
    ($class:literal) => {
        concat!(
            "functional_call on ", $class, ": names and objects\n",
            "\
── before the call ──
  m.foo    → t1
  d['foo'] → t2
  t1  Tensor float32[]  0.0
  t2  Tensor float32[]  0.0
"
        )
    };
}

/// Buffers `a` and `b`; forward writes `b` in place, then rebinds `a` (then raises, with FAIL).
macro_rules! two_writes {
    ($end:literal) => {
        concat!(
            "class Order(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.register_buffer('a', torch.zeros(()))\n        self.register_buffer('b', torch.zeros(()))\n",
            "    def forward(self, x):\n        self.b.add_(1)\n        self.a = self.a + 2\n        ",
            $end,
            "\nm = Order()\nd = {'a': torch.zeros(()), 'b': torch.zeros(())}\nx = torch.ones(())"
        )
    };
}
const TWO_WRITES: &str = two_writes!("return x + self.a + self.b");

/// `TWO_WRITES`'s graph when forward has finished (the call's middle panel, the stepper's last
/// forward step).
macro_rules! two_writes_forward_done {
    () => {
        "  m.a    → t5  rebound by forward
  m.b    → t4  swapped in from d['b']
  d['a'] → t3
  d['b'] → t4
  t5  Tensor float32[]  2.0
  t4  Tensor float32[]  1.0  written in place (v0->v1)
  t3  Tensor float32[]  0.0
"
    };
}

const BN_BUFFERS: &str = "m = nn.BatchNorm1d(2)\nd = {k: v.clone() for k, v in m.named_buffers()}\nx = torch.tensor([[1.0, 2.0], [3.0, 6.0]])";

/// `BN_BUFFERS`'s dict keys (the same objects in every panel) and the names it does not pass.
macro_rules! bn_buffers_dict {
    () => {
        "  d['running_mean']        → t4
  d['running_var']         → t5
  d['num_batches_tracked'] → t6
  m … not in the dict (the module's own, unchanged): weight, bias
"
    };
}

const SCENARIOS: &[Scenario] = &[
    Scenario::new("tie_on", FOO_TIED, "", concat!(
            foo_tied_before!(),
            "\
── during forward (after the swap) ──
  m.foo      → t2  tied T1 (foo, foo_tied), swapped in from d['foo']
  m.foo_tied → t2  tied T1 (foo, foo_tied), swapped in from d['foo'] through the tie
  d['foo']   → t2
  t2  Tensor float32[]  0.0
── after the call ──
  m.foo      → t1  tied T1 (foo, foo_tied), restored
  m.foo_tied → t1  tied T1 (foo, foo_tied), restored
  d['foo']   → t2
  t1  Parameter float32[]  1.0
  t2  Tensor float32[]  0.0
"
        )),
    Scenario::new("tie_off", FOO_TIED, " tie=False", concat!(
            foo_tied_before!(),
            "\
── during forward (after the swap) ──
  m.foo      → t2  tied T1 (foo, foo_tied), swapped in from d['foo']
  m.foo_tied → t1  tied T1 (foo, foo_tied), not swapped (tie_weights=False): the module's own tensor
  d['foo']   → t2
  t2  Tensor float32[]  0.0
  t1  Parameter float32[]  1.0
── after the call ──
  m.foo      → t1  tied T1 (foo, foo_tied), restored
  m.foo_tied → t1  tied T1 (foo, foo_tied)
  d['foo']   → t2
  t1  Parameter float32[]  1.0
  t2  Tensor float32[]  0.0
"
        )),
    Scenario::new("inplace_buffer", buffer_foo!("Foo", "        self.foo.add_(1)\n        return x + self.foo"), "", concat!(
            buffer_foo_before!("Foo"),
            "\
── during forward (after the swap) ──
  m.foo    → t2  swapped in from d['foo']
  d['foo'] → t2
  t2  Tensor float32[]  1.0  written in place (v0->v1)
── after the call ──
  m.foo    → t1  restored
  d['foo'] → t2
  t1  Tensor float32[]  0.0
  t2  Tensor float32[]  1.0  written in place (v0->v1)
"
        )),
    Scenario::new("rebinding_write_back", buffer_foo!("Foo", "        self.foo = self.foo + 1\n        return x + self.foo"), "", concat!(
            buffer_foo_before!("Foo"),
            "\
── during forward (after the swap) ──
  m.foo    → t3  rebound by forward
  d['foo'] → t2
  t3  Tensor float32[]  1.0
  t2  Tensor float32[]  0.0
── after the call ──
  m.foo    → t1  restored
  d['foo'] → t3  NEW object written back
  t1  Tensor float32[]  0.0
  t3  Tensor float32[]  1.0
"
        )),
    Scenario::new("batchnorm_train_params_only", "m = nn.BatchNorm1d(2)\nd = dict(m.named_parameters())\nx = torch.tensor([[1.0, 2.0], [3.0, 6.0]])", "", "\
functional_call on BatchNorm1d: names and objects
── before the call ──
  m.weight              → t1
  m.bias                → t2
  m.running_mean        → t3
  m.running_var         → t4
  m.num_batches_tracked → t5
  d['weight']           → t1
  d['bias']             → t2
  t1  Parameter float32[2]  [1.0, 1.0]
  t2  Parameter float32[2]  [0.0, 0.0]
  t3  Tensor float32[2]  [0.0, 0.0]
  t4  Tensor float32[2]  [1.0, 1.0]
  t5  Tensor int64[]  0 int64
── during forward (after the swap) ──
  m.weight              → t1  swapped in from d['weight']
  m.bias                → t2  swapped in from d['bias']
  m.running_mean        → t3
  m.running_var         → t4
  m.num_batches_tracked → t5
  d['weight']           → t1
  d['bias']             → t2
  t1  Parameter float32[2]  [1.0, 1.0]
  t2  Parameter float32[2]  [0.0, 0.0]
  t3  Tensor float32[2]  [0.2, 0.4]  written in place by BatchNorm (no version bump)
  t4  Tensor float32[2]  [1.1, 1.7]  written in place by BatchNorm (no version bump)
  t5  Tensor int64[]  1 int64  written in place (v1->v2)
── after the call ──
  m.weight              → t1  restored
  m.bias                → t2  restored
  m.running_mean        → t3
  m.running_var         → t4
  m.num_batches_tracked → t5
  d['weight']           → t1
  d['bias']             → t2
  t1  Parameter float32[2]  [1.0, 1.0]
  t2  Parameter float32[2]  [0.0, 0.0]
  t3  Tensor float32[2]  [0.2, 0.4]  written in place by BatchNorm (no version bump), PERMANENT CHANGE: the module's own tensor
  t4  Tensor float32[2]  [1.1, 1.7]  written in place by BatchNorm (no version bump), PERMANENT CHANGE: the module's own tensor
  t5  Tensor int64[]  1 int64  written in place (v1->v2), PERMANENT CHANGE: the module's own tensor
"),
    // The buffers passed (copies): the running statistics are written in the dict's tensors,
    // the module's own are untouched.
    Scenario::new("batchnorm_train_buffers", BN_BUFFERS, "", concat!(
            "\
functional_call on BatchNorm1d: names and objects
── before the call ──
  m.running_mean           → t1
  m.running_var            → t2
  m.num_batches_tracked    → t3
",
            bn_buffers_dict!(),
            "  t1  Tensor float32[2]  [0.0, 0.0]
  t2  Tensor float32[2]  [1.0, 1.0]
  t3  Tensor int64[]  0 int64
  t4  Tensor float32[2]  [0.0, 0.0]
  t5  Tensor float32[2]  [1.0, 1.0]
  t6  Tensor int64[]  0 int64
── during forward (after the swap) ──
  m.running_mean           → t4  swapped in from d['running_mean']
  m.running_var            → t5  swapped in from d['running_var']
  m.num_batches_tracked    → t6  swapped in from d['num_batches_tracked']
",
            bn_buffers_dict!(),
            "  t4  Tensor float32[2]  [0.2, 0.4]  written in place by BatchNorm (no version bump)
  t5  Tensor float32[2]  [1.1, 1.7]  written in place by BatchNorm (no version bump)
  t6  Tensor int64[]  1 int64  written in place (v0->v1)
── after the call ──
  m.running_mean           → t1  restored
  m.running_var            → t2  restored
  m.num_batches_tracked    → t3  restored
",
            bn_buffers_dict!(),
            "  t1  Tensor float32[2]  [0.0, 0.0]
  t2  Tensor float32[2]  [1.0, 1.0]
  t3  Tensor int64[]  0 int64
  t4  Tensor float32[2]  [0.2, 0.4]  written in place by BatchNorm (no version bump)
  t5  Tensor float32[2]  [1.1, 1.7]  written in place by BatchNorm (no version bump)
  t6  Tensor int64[]  1 int64  written in place (v0->v1)
"
        ),
    ),
    Scenario::new("several_dicts_rebinding_lost", "class Foo(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.register_buffer('foo', torch.zeros(()))\n        self.w = nn.Parameter(torch.ones(()))\n    def forward(self, x):\n        self.foo = self.foo + 1\n        return x * self.w + self.foo\nm = Foo()\np = {'w': torch.full((), 2.0)}\nq = {'foo': torch.zeros(())}\nd = (p, q)\nx = torch.ones(())", "", "\
functional_call on Foo: names and objects
── before the call ──
  m.w          → t1
  m.foo        → t2
  dict1['w']   → t3
  dict2['foo'] → t4
  t1  Parameter float32[]  1.0
  t2  Tensor float32[]  0.0
  t3  Tensor float32[]  2.0
  t4  Tensor float32[]  0.0
── during forward (after the swap) ──
  m.w          → t3  swapped in from dict1['w']
  m.foo        → t5  rebound by forward
  dict1['w']   → t3
  dict2['foo'] → t4
  t3  Tensor float32[]  2.0
  t5  Tensor float32[]  1.0
  t4  Tensor float32[]  0.0
── after the call ──
  m.w          → t1  restored
  m.foo        → t2  restored
  dict1['w']   → t3
  dict2['foo'] → t4
  t1  Parameter float32[]  1.0
  t2  Tensor float32[]  0.0
  t3  Tensor float32[]  2.0
  t4  Tensor float32[]  0.0
  several dicts were merged into a new dict: no write-back reaches them
"),
    // Forward writes `b`, then rebinds `a`: not the module's order of names.
    Scenario::new("writes_out_of_name_order", TWO_WRITES, "", concat!(
            "\
functional_call on Order: names and objects
── before the call ──
  m.a    → t1
  m.b    → t2
  d['a'] → t3
  d['b'] → t4
  t1  Tensor float32[]  0.0
  t2  Tensor float32[]  0.0
  t3  Tensor float32[]  0.0
  t4  Tensor float32[]  0.0
── during forward (after the swap) ──
",
            two_writes_forward_done!(),
            "\
── after the call ──
  m.a    → t1  restored
  m.b    → t2  restored
  d['a'] → t5  NEW object written back
  d['b'] → t4
  t1  Tensor float32[]  0.0
  t2  Tensor float32[]  0.0
  t5  Tensor float32[]  2.0
  t4  Tensor float32[]  1.0  written in place (v0->v1)
"
        ),
    ),
    Scenario::new("failing_forward", buffer_foo!("Fails", "        self.foo = self.foo + 1\n        raise ValueError('boom')"), "", concat!(
            buffer_foo_before!("Fails"),
            "\
── forward raised here ──
  m.foo    → t3  rebound by forward
  d['foo'] → t2
  t3  Tensor float32[]  1.0
  t2  Tensor float32[]  0.0
  forward raised; the restore and the write-back still ran (finally)
── after the call ──
  m.foo    → t1  restored
  d['foo'] → t3  NEW object written back
  t1  Tensor float32[]  0.0
  t3  Tensor float32[]  1.0
"
        )),
];

fn session_code(s: &Scenario, command: &str) -> String {
    format!("import torch\nimport torch.nn as nn\ntorch.manual_seed(0)\n{}\n{command} call m with d (x){}\n", s.setup, s.options)
}

fn run(code: &str, targets: Targets) -> Vec<fcall::interp::output::StmtOutput> {
    let mut s = Session::new();
    s.targets = targets;
    s.run(code, RunOptions { keep_going: false })
}

/// `#123` ids out (they differ per run), as the golden form has them.
fn without_ids(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut l = line.to_string();
        if let Some(i) = l.find("  #") {
            let end = l[i + 3..].find(|c: char| !c.is_ascii_digit()).map(|e| i + 3 + e).unwrap_or(l.len());
            l.replace_range(i..end, "");
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

#[test]
fn the_diagram_of_each_example_matches_its_golden_graph() {
    let mut failures = Vec::new();
    for s in SCENARIOS {
        let outs = run(&session_code(s, "draw"), Targets::default());
        let last = outs.last().unwrap();
        // The diagram comes before the result (or the error) in the statement's text.
        let text = last.text();
        let diagram: String = text.split("\nresult: ").next().unwrap().lines().take_while(|l| !l.starts_with("error[")).map(|l| format!("{l}\n")).collect();
        let got = without_ids(&diagram);
        if got != s.golden {
            failures.push(format!("{}: got\n{got}\nexpected\n{}", s.name, s.golden));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// PyTorch's identity facts after the call: per module name and per dict key, whether it holds
/// the same object as before, and whether that object's value changed.
fn oracle() -> J {
    let mut py = String::from(
        "import json, torch\nimport torch.nn as nn\nfrom torch.func import functional_call\nout = {}\n\
def vals(t):\n    return t.detach().double().flatten().tolist()\n",
    );
    for s in SCENARIOS {
        let tie = if s.options.contains("tie=False") { "False" } else { "True" };
        py.push_str(&format!(
            "torch.manual_seed(0)\n{setup}\n\
dicts = list(d) if isinstance(d, tuple) else [d]\n\
named = lambda: [*m.named_parameters(remove_duplicate=False), *m.named_buffers(remove_duplicate=False)]\n\
mod_before = {{k: (v, vals(v)) for k, v in named()}}\n\
dict_before = [{{k: (v, vals(v)) for k, v in dd.items()}} for dd in dicts]\n\
try:\n    functional_call(m, d, (x,), tie_weights={tie})\n    raised = None\nexcept Exception as e:\n    raised = type(e).__name__\n\
out[{name:?}] = {{'raised': raised,\n\
  'module': {{k: {{'same': v is mod_before[k][0], 'changed': vals(v) != mod_before[k][1]}} for k, v in named()}},\n\
  'dicts': [{{k: {{'same': v is db[k][0], 'changed': vals(v) != db[k][1]}} for k, v in dd.items()}} for dd, db in zip(dicts, dict_before)]}}\n",
            setup = s.setup,
            name = s.name
        ));
    }
    py.push_str("print(json.dumps(out))\n");
    let out = Command::new(env!("FCALL_PYTHON")).arg("-c").arg(&py).output().expect("start the oracle python");
    assert!(out.status.success(), "oracle failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("oracle JSON")
}

/// The label a panel's slot `path` points at.
fn target(panel: &J, path: &str) -> Option<String> {
    panel["slots"].as_array()?.iter().find(|s| s["path"] == path)?["to"]["object"].as_str().map(String::from)
}

fn object_marks(panel: &J, label: &str) -> Vec<String> {
    let Some(o) = panel["objects"].as_array().and_then(|os| os.iter().find(|o| o["label"] == label)) else { return Vec::new() };
    o["marks"].as_array().map(|m| m.iter().map(|m| m["kind"].as_str().unwrap_or("").to_string()).collect()).unwrap_or_default()
}

#[test]
fn what_the_diagram_draws_after_the_call_is_what_pytorch_did() {
    let truth = oracle();
    let mut failures = Vec::new();
    for s in SCENARIOS {
        let t = &truth[s.name];
        let outs = run(&session_code(s, "draw"), Targets { json: true, text: false, ..Targets::default() });
        let j = outs.last().unwrap().json();
        let d = &j["diagrams"][0];
        let panels = d["panels"].as_array().cloned().unwrap_or_default();
        let (Some(before), Some(after)) = (panels.first(), panels.last()) else {
            failures.push(format!("{}: no diagram in {j}", s.name));
            continue;
        };
        if t["raised"].is_string() != !j["error"].is_null() {
            failures.push(format!("{}: PyTorch raised {}, fcall's error {}", s.name, t["raised"], j["error"]));
        }
        let module = d["owners"][0]["title"].as_str().unwrap_or("").to_string();
        let mut check = |path: String, fact: &J| {
            let (Some(b), Some(a)) = (target(before, &path), target(after, &path)) else {
                // Not drawn one per line: only names where nothing happened may be collapsed.
                if fact["same"] != true || fact["changed"] == true {
                    failures.push(format!("{}: {path} changed in PyTorch ({fact}) but the diagram does not draw it", s.name));
                }
                return;
            };
            let same = a == b;
            if same != (fact["same"] == true) {
                failures.push(format!("{}: {path}: PyTorch `is` before: {}; the diagram: {b} then {a}", s.name, fact["same"]));
            }
            // The same object, written: the diagram marks it (in the after panel).
            if same && fact["changed"] == true && !object_marks(after, &a).iter().any(|k| k == "written_in_place") {
                failures.push(format!("{}: {path}: PyTorch changed its value in place; the diagram does not mark {a}", s.name));
            }
            if same && fact["changed"] == false && object_marks(after, &a).iter().any(|k| k == "written_in_place") {
                failures.push(format!("{}: {path}: the diagram marks {a} written, PyTorch's value is unchanged", s.name));
            }
        };
        for (k, fact) in t["module"].as_object().unwrap() {
            check(format!("{module}.{k}"), fact);
        }
        for (i, dd) in t["dicts"].as_array().unwrap().iter().enumerate() {
            let title = d["owners"][1 + i]["title"].as_str().unwrap_or("").to_string();
            for (k, fact) in dd.as_object().unwrap() {
                check(format!("{title}['{k}']"), fact);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_stepper_has_one_stage_per_event_and_a_failing_call_ends_where_it_raised() {
    let s = SCENARIOS.iter().find(|s| s.name == "failing_forward").unwrap();
    let outs = run(&session_code(s, "step"), Targets { json: true, text: true, ..Targets::default() });
    let o = outs.last().unwrap();
    let titles: Vec<String> = o.json()["diagrams"][0]["panels"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap().to_string()).collect();
    let stages: Vec<&str> = titles.iter().map(|t| t.split(": ").nth(1).unwrap_or("")).collect();
    assert_eq!(stages, ["1. merge", "2. untie", "3. strict", "4. swap", "5. forward", "6. restore", "7. write-back"], "{titles:?}");
    let text = o.text();
    assert!(text.contains("── step 5 of 7: 5. forward ──") && text.contains("the call stopped here (forward)"), "{text}");
    // Strict failing: the stepper ends at strict, with the module untouched.
    let code = "import torch\nimport torch.nn as nn\nm = nn.Linear(1, 1)\nd = {'weight': torch.ones(1, 1)}\nstep call m with d (torch.ones(1)) strict=True\n";
    let outs = run(code, Targets { json: true, text: true, ..Targets::default() });
    let j = outs.last().unwrap().json();
    let panels = j["diagrams"][0]["panels"].as_array().unwrap().clone();
    let last = panels.last().unwrap();
    assert!(last["title"].as_str().unwrap().ends_with("3. strict"), "{j}");
    assert!(last["notes"].to_string().contains("stopped here (strict)"), "{j}");
    assert_eq!(j["error"]["type"], "RuntimeError", "{j}");
}

#[test]
fn draw_of_a_module_and_a_dict_shares_objects_and_a_big_model_collapses() {
    let code = "import torch\nimport torch.nn as nn\nm = nn.Linear(2, 2)\na = dict(m.named_parameters())\ndraw m, a\n";
    let outs = run(code, Targets { json: true, text: true, ..Targets::default() });
    let o = outs.last().unwrap();
    let p = &o.json()["diagrams"][0]["panels"][0];
    assert_eq!(target(p, "m.weight"), target(p, "a['weight']"), "{p}");
    assert!(o.text().contains("same object as a['weight']"), "{}", o.text());
    // 12 blocks of 4 Linear layers: 96 names collapse to one line per group.
    let code = "import torch\nimport torch.nn as nn\nm = nn.Sequential(*[nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 4)) for _ in range(24)])\nm.tied = m[0][0]\ndraw m\n";
    let outs = run(code, Targets { json: true, text: true, ..Targets::default() });
    let text = outs.last().unwrap().text();
    assert!(text.lines().count() < 20, "{text}");
    assert!(text.contains("m.0.0.weight") && text.contains("m.tied.weight") && text.contains("94 names"), "{text}");
}

/// The width attribute of an SVG document.
fn svg_width(svg: &str) -> f64 {
    svg.split("width=\"").nth(1).and_then(|r| r.split('"').next()).and_then(|w| w.parse().ok()).expect("a width")
}

#[test]
fn in_a_notebook_each_diagram_is_a_picture_that_fits_the_notebook_width() {
    let notebook = Targets { html: true, text: true, ..Targets::default() };
    // The three panels of a call, side by side as many as fit in a notebook's width.
    let s = &SCENARIOS[0];
    let outs = run(&session_code(s, "draw"), notebook);
    let o = outs.last().unwrap();
    let [p] = o.pictures() else { panic!("one picture: {}", o.pictures().len()) };
    assert!(p.svg.starts_with("<svg") && !o.html().contains("<svg") && !o.html().contains("<img"), "{}", o.html());
    assert!(svg_width(&p.svg) <= fcall::render::diagram::svg::NOTEBOOK_WIDTH, "{}", &p.svg[..200]);
    assert_eq!(p.svg.matches("<g transform=\"translate(").count(), 3);
    // The 12-block transformer's call likewise, its text never below the stepper's small size.
    let mut code = include_str!("../benches/transformer12.py").to_string();
    code.push_str("draw call model with params (idx)\n");
    let outs = run(&code, notebook);
    let o = outs.last().unwrap();
    assert!(o.failure.is_none(), "{}", o.text());
    let [p] = o.pictures() else { panic!("one picture: {}", o.pictures().len()) };
    assert!(svg_width(&p.svg) <= fcall::render::diagram::svg::NOTEBOOK_WIDTH, "{}", &p.svg[..200]);
    let smallest = p.svg.split("font-size=\"").skip(1).filter_map(|r| r.split('"').next()?.parse::<f64>().ok()).fold(f64::MAX, f64::min);
    assert!(smallest >= 10.0, "{smallest}");
}

/// `#123` anywhere as `#N` (the narration names objects by id).
fn ids_as_n(text: &str) -> String {
    let mut out = String::new();
    let mut digits = false;
    for c in text.chars() {
        if digits && c.is_ascii_digit() {
            continue;
        }
        digits = c == '#';
        out.push(c);
        if digits {
            out.push('N');
        }
    }
    out
}

/// The stepper's text for `setup`: its graph with object ids left out (`#N` in narration).
fn stepper_graph(setup: &str) -> (String, J) {
    let code = format!("import torch\nimport torch.nn as nn\n{setup}\nstep call m with d (x)\n");
    let outs = run(&code, Targets { json: true, text: true, ..Targets::default() });
    let o = outs.last().unwrap();
    let text = o.text().lines().take_while(|l| !l.starts_with("result: ") && !l.starts_with("error[")).map(|l| format!("{l}\n")).collect::<String>();
    (ids_as_n(&without_ids(&text)), o.json())
}

/// Forward's narration lines (`5. forward: ...`) of each forward step, in step order.
fn forward_steps(j: &J) -> Vec<String> {
    j["diagrams"][0]["panels"].as_array().unwrap().iter().filter(|p| p["title"].as_str().unwrap().ends_with("5. forward")).map(|p| p["narration"][0].as_str().unwrap().to_string()).collect()
}

#[test]
fn forward_s_writes_are_shown_in_the_order_forward_made_them() {
    // `b` (second in the module's order) is written first, then `a` is rebound.
    let (text, j) = stepper_graph(TWO_WRITES);
    let steps = forward_steps(&j);
    assert_eq!(steps.len(), 2, "{text}");
    assert!(steps[0].starts_with("5. forward: b read, written in place") && steps[1].starts_with("5. forward: a read, rebound to Tensor"), "{steps:?}");
    // The forward steps' graphs: after `b`'s write `a` still holds what was swapped in.
    let forward = &text[text.find("── step 5 of 8").expect("step 5")..text.find("── step 7 of 8").expect("step 7")];
    let golden = concat!(
        "\
── step 5 of 8: 5. forward ──
  5. forward: b read, written in place (version 0 -> 1)
  m.a    → t3  swapped in from d['a']
  m.b    → t4  swapped in from d['b']
  d['a'] → t3
  d['b'] → t4
  t3  Tensor float32[]  0.0
  t4  Tensor float32[]  1.0  written in place (v0->v1)
── step 6 of 8: 5. forward ──
  5. forward: a read, rebound to Tensor #N
",
        two_writes_forward_done!()
    );
    assert_eq!(forward, golden, "got\n{text}");
    // BatchNorm in train mode: `num_batches_tracked.add_(1)` comes before batch_norm writes the
    // running statistics (PyTorch's `_BatchNorm.forward`), not in the module's order of names.
    // Every parameter and buffer passed: the reads of weight and bias (nothing changes) are one
    // step, each write another.
    let (text, j) = stepper_graph("m = nn.BatchNorm1d(2)\nd = {k: v.clone() for k, v in m.state_dict().items()}\nx = torch.tensor([[1.0, 2.0], [3.0, 6.0]])");
    let names: Vec<String> = forward_steps(&j).iter().map(|l| l.split(' ').nth(2).unwrap_or("").to_string()).collect();
    assert_eq!(names, ["weight", "num_batches_tracked", "running_mean", "running_var"], "{text}");
    assert!(text.contains("  5. forward: weight read\n  5. forward: bias read\n"), "{text}");
    // explain tells them in the same order.
    let outs = run(&format!("import torch\nimport torch.nn as nn\n{TWO_WRITES}\nexplain call m with d (x)\n"), Targets::default());
    let text = outs.last().unwrap().text().to_string();
    let b = text.find("5. forward: b").expect("b's line");
    let a = text.find("5. forward: a").expect("a's line");
    assert!(b < a, "{text}");
}

#[test]
fn a_forward_that_raises_stops_the_stepper_with_the_state_it_left() {
    // `b` written, `a` rebound, then forward raises: the forward steps show each event with the
    // state at that moment, the last marks where the call stopped, and the restore and
    // write-back (which still run, in a `finally`) follow.
    let (text, j) = stepper_graph(two_writes!("raise ValueError('boom')"));
    assert_eq!(j["error"]["type"], "ValueError", "{j}");
    let panels = j["diagrams"][0]["panels"].as_array().unwrap();
    let forward: Vec<&J> = panels.iter().filter(|p| p["title"].as_str().unwrap().ends_with("5. forward")).collect();
    assert_eq!(forward.len(), 2, "{text}");
    // After `b`'s write: `a` still holds what was swapped in, `b`'s object is written.
    let (first, last) = (forward[0], forward[1]);
    assert_eq!(target(first, "m.a"), target(first, "d['a']"), "{text}");
    assert!(object_marks(first, &target(first, "m.b").unwrap()).iter().any(|k| k == "written_in_place"), "{text}");
    assert!(!first["notes"].to_string().contains("stopped here"), "{text}");
    // After `a`'s rebinding: `a` holds forward's new object; the call stopped here.
    assert_ne!(target(last, "m.a"), target(last, "d['a']"), "{text}");
    assert!(last["notes"].to_string().contains("the call stopped here (forward)"), "{text}");
    let stages: Vec<&str> = panels.iter().map(|p| p["title"].as_str().unwrap().split(": ").nth(1).unwrap_or("")).collect();
    assert_eq!(stages, ["1. merge", "2. untie", "3. strict", "4. swap", "5. forward", "5. forward", "6. restore", "7. write-back"], "{text}");
    // The write-back stored forward's `a` in the dict, as PyTorch does.
    let after = panels.last().unwrap();
    assert_eq!(target(after, "d['a']"), target(last, "m.a"), "{text}");
}

#[test]
fn draw_call_in_a_loop_or_a_function_puts_each_diagram_in_the_json_record() {
    let code = format!(
        "import torch\nimport torch.nn as nn\n{}\nfor i in range(2):\n    draw call m with d (x)\ndef f():\n    step call m with d (x)\nf()\ndraw call m with d (x)\n",
        buffer_foo!("Foo", "        self.foo.add_(1)\n        return x + self.foo")
    );
    let outs = run(&code, Targets { json: true, text: false, ..Targets::default() });
    let n = outs.len();
    let (looped, called, top) = (outs[n - 4].json(), outs[n - 2].json(), outs[n - 1].json());
    let titles = |j: &J| j["diagrams"].as_array().map(|d| d.iter().map(|d| d["title"].as_str().unwrap_or("").to_string()).collect::<Vec<_>>()).unwrap_or_default();
    assert_eq!(titles(&looped), ["functional_call on Foo: names and objects"; 2], "{looped}");
    assert_eq!(titles(&called), ["functional_call on Foo, stage by stage"], "{called}");
    assert_eq!(titles(&top), ["functional_call on Foo: names and objects"], "{top}");
    // Each iteration's diagram shows that iteration's values (the buffer was 0, then 1).
    let value = |d: &J| d["panels"][0]["objects"][1]["value"].as_str().unwrap_or("").to_string();
    assert_eq!([value(&looped["diagrams"][0]), value(&looped["diagrams"][1])], ["0.0", "1.0"], "{looped}");
    // The loop's calls are in the record too, one per iteration, as a top-level call's is.
    assert_eq!(looped["calls"].as_array().map(|c| c.len()), Some(2), "{looped}");
}
