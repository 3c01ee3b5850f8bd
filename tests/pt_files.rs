//! `.pt` and safetensors files against real PyTorch 2.13 (issue 15's state-dict rows).
//!
//! `tests/pt_files/corpus.py` writes, into a temp folder, crafted files (hand-built zip archives
//! and pickle bytes: over-declared storages, one storage used with two dtypes or sizes, views
//! past their storage, a 4 GiB string declared in a small file, pickles that would run code,
//! malformed safetensors headers; /dev/zero, a FIFO, a directory) and files real torch.save
//! writes (state dicts of real models with BatchNorm, tied weights, views of one storage). For
//! each it records what torch.load (weights_only=True, its default) or safetensors gives: the
//! exception's class and message, or the loaded value with its sharing (storage groups,
//! object identity). fcall's `load` must give the same. The other way round, files fcall's
//! `torch.save` writes must load in torch.load (default and weights_only=False) with the same
//! values, dtypes, sharing and key order.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use fcall::interp::output::Failure;
use fcall::interp::{RunOptions, Session};
use fcall::tensor::{dtype_name, to_f64_vec};
use fcall::{TensorRef, Value};
use serde_json::{json, Value as J};

fn corpus_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pt_files/corpus.py")
}

fn fresh_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("fcall-pt-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The corpus script's JSON (under `timeout`: a FIFO case must never hang the suite).
fn python(args: &[&str]) -> J {
    let out = Command::new("timeout")
        .arg("300")
        .arg(env!("FCALL_PYTHON"))
        .arg(corpus_script())
        .args(args)
        .output()
        .expect("start the oracle python");
    assert!(out.status.success(), "corpus.py {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("corpus.py prints JSON")
}

/// The same description of a value as corpus.py's `describe`: tensors with dtype, shape,
/// values, which storage (numbered by first appearance), offset, stride, which object.
#[derive(Default)]
struct Describer {
    storages: HashMap<usize, usize>,
    objects: HashMap<u64, usize>,
}

impl Describer {
    fn tensor(&mut self, t: &TensorRef) -> J {
        let x = t.tensor();
        let offset = x.storage_offset();
        let ptr = x.data_ptr() as usize;
        let base = if ptr == 0 { 0 } else { ptr - offset as usize * x.kind().elt_size_in_bytes() };
        let n = self.storages.len();
        let storage = *self.storages.entry(base).or_insert(n);
        let n = self.objects.len();
        let object = *self.objects.entry(t.id()).or_insert(n);
        let meta = t.is_meta();
        json!({
            "dtype": dtype_name(x.kind()),
            "shape": x.size(),
            "device": t.device().name(),
            "data": (!meta).then(|| to_f64_vec(x).unwrap().iter().map(|v| v.to_bits()).collect::<Vec<u64>>()),
            "storage": (!meta).then_some(storage),
            "offset": offset,
            "stride": x.stride(),
            "object": object,
            "parameter": t.is_parameter(),
            "requires_grad": t.requires_grad(),
        })
    }
    fn value(&mut self, v: &Value) -> J {
        match v {
            Value::Tensor(t) => self.tensor(t),
            Value::Dict(d) => json!({"dict": d.items().iter().map(|(k, v)| json!([k, self.value(v)])).collect::<Vec<_>>()}),
            Value::List(s) => json!({"list": s.to_vec().iter().map(|v| self.value(v)).collect::<Vec<_>>()}),
            Value::Tuple(s) => json!({"tuple": s.to_vec().iter().map(|v| self.value(v)).collect::<Vec<_>>()}),
            Value::None => json!({"py": null}),
            Value::Bool(b) => json!({"py": b}),
            Value::Int(i) => json!({"py": i}),
            Value::Float(f) => json!({"py": f}),
            Value::Str(s) => json!({"py": &**s}),
            other => panic!("describe: unexpected {}", other.type_name()),
        }
    }
}

fn describe(v: &Value) -> J {
    Describer::default().value(v)
}

/// Runs `code` in `s`: the first error as (class, message), or nothing.
fn run(s: &mut Session, code: &str) -> Result<(), (String, String)> {
    for o in s.run(code, RunOptions::default()) {
        match &o.failure {
            Some(Failure::Raised(e)) => return Err((e.exc.name().to_string(), e.message.to_string())),
            Some(Failure::Syntax(d)) => return Err(("SyntaxError".into(), format!("{d:?}"))),
            None => {}
        }
    }
    Ok(())
}

/// fcall's `torch.load(path)` (or load_file) in a fresh session on its own thread: its outcome
/// as corpus.py reports torch's, or None when it did not finish in time (a hang).
fn fcall_load(path: &str) -> Option<J> {
    fcall_load_with(path, "")
}

/// [`fcall_load`] with torch.load's keyword arguments (Python source, `map_location='cpu'`).
fn fcall_load_with(path: &str, options: &str) -> Option<J> {
    let (tx, rx) = std::sync::mpsc::channel();
    let code = if path.ends_with(".safetensors") {
        format!("from safetensors.torch import load_file\nr = load_file({path:?})")
    } else {
        format!("import torch\nr = torch.load({path:?}, {options})")
    };
    std::thread::spawn(move || {
        let mut s = Session::new();
        let out = match run(&mut s, &code) {
            Ok(()) => json!({"value": describe(&s.get("r").expect("r is bound"))}),
            Err((cls, msg)) => json!({"error": [cls, msg]}),
        };
        let _ = tx.send(out.to_string());
    });
    rx.recv_timeout(Duration::from_secs(60)).ok().map(|s| serde_json::from_str(&s).unwrap())
}

/// Where fcall deliberately fails differently from torch.load: (case, fcall's class, the start of
/// its message, why).
const FCALL_DIFFERS: &[(&str, &str, &str, &str)] = &[
    (
        "legacy_over_declared",
        "RuntimeError",
        "unexpected EOF, expected ",
        "torch.load allocates the 8 GiB the file declares and fails only when the data is read; fcall checks the \
         declaration against the bytes left in the file before allocating",
    ),
    (
        "legacy_view_past_storage",
        "RuntimeError",
        "Trying to resize storage that is not resizable",
        "torch.load grows the storage to fit the view and fails when the data is read; fcall's storages cannot grow",
    ),
];

/// Where fcall's loaded tensors match torch's except `storage_offset()`: a legacy storage view
/// (a slice of a storage) is a storage of its own in PyTorch, an offset into the whole one here.
const OFFSET_DIFFERS: &[(&str, &str)] = &[("legacy_view", "a legacy storage view is an offset into the whole storage")];

#[test]
fn crafted_and_saved_files_load_as_torch_load_does() {
    let dir = fresh_dir("corpus");
    let cases = python(&["make", dir.to_str().unwrap()]);
    let cases = cases.as_object().unwrap();
    assert!(cases.len() >= 50, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    for (name, case) in cases {
        let path = case["path"].as_str().unwrap();
        let expected = match case.get("error") {
            Some(e) => json!({"error": e}),
            None => json!({"value": case["value"]}),
        };
        let got = fcall_load(path);
        if let Some((_, class, start, why)) = FCALL_DIFFERS.iter().find(|d| d.0 == name) {
            let ok = got.as_ref().is_some_and(|g| g["error"][0] == *class && g["error"][1].as_str().is_some_and(|m| m.starts_with(start)));
            if !ok {
                failures.push(format!("{name}: fcall should raise {class}: {start}... ({why}); got {got:?}"));
            }
            continue;
        }
        if let Some((_, why)) = OFFSET_DIFFERS.iter().find(|d| d.0 == name) {
            // Values, dtypes and shapes as torch's; the offset counts from the storage's start.
            let strip = |v: &J| {
                let mut v = v.clone();
                for (_, t) in v["value"]["dict"].as_array_mut().unwrap().iter_mut().map(|kv| (0, &mut kv[1])) {
                    t.as_object_mut().unwrap().remove("offset");
                }
                v
            };
            if got.as_ref().map(strip) != Some(strip(&expected)) {
                failures.push(format!("{name} ({why}):\n  torch: {expected}\n  fcall: {got:?}"));
            }
            continue;
        }
        match got {
            None => failures.push(format!("{name}: fcall's load did not finish in 60 s")),
            Some(got) if got != expected => failures.push(format!("{name}:\n  torch: {expected}\n  fcall: {got}")),
            Some(_) => {}
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

/// What fcall saves in `fcall_saves_what_torch_loads`: name, and the expression saved.
const SAVED: &[(&str, &str)] = &[
    ("sd_batchnorm", "m.state_dict()"),
    ("module", "m"),
    ("sd_tied", "Tied().state_dict()"),
    ("views", "{'whole': t, 'tail': t[4:], 'grid': t.view(3, 4), 'col': t.view(3, 4)[:, 1], 'again': t}"),
    ("params", "dict(conv.named_parameters())"),
    ("nested", "{'model': nn.Linear(2, 2).state_dict(), 'epoch': 7, 'lr': 0.125, 'names': ['a', 'b'], 'shape': (2, 3), 'flag': True, 'none': None}"),
    (
        "dtypes",
        "{'f64': torch.randn(3, dtype=torch.float64), 'i64': torch.arange(3), 'i32': torch.arange(3, dtype=torch.int32), \
         'u8': torch.arange(3, dtype=torch.uint8), 'b': torch.tensor([True, False]), 'f16': torch.ones(2, dtype=torch.float16), 'scalar': torch.tensor(2.5)}",
    ),
    ("requires_grad", "{'w': torch.ones(2, requires_grad=True), 'big': torch.arange(70000)}"),
];

const SETUP: &str = "import torch
from torch import nn
torch.manual_seed(0)
m = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
m(torch.randn(5, 3))
class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(5, 3)
        self.out = nn.Linear(3, 5, bias=False)
        self.out.weight = self.emb.weight
t = torch.arange(12.0)
conv = nn.Conv2d(2, 3, 3)
";

#[test]
fn fcall_saves_what_torch_loads() {
    let dir = fresh_dir("saved");
    let mut s = Session::new();
    run(&mut s, SETUP).unwrap();
    let mut expected = HashMap::new();
    for (name, expr) in SAVED {
        let path = dir.join(format!("{name}.pt"));
        run(&mut s, &format!("obj = {expr}\ntorch.save(obj, {:?})", path.to_str().unwrap())).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let obj = s.get("obj").unwrap();
        // fcall's save(model) writes the model's state dict.
        let obj = match obj {
            Value::Module(m) => Value::Dict(fcall::DictRef::from_entries(m.state_dict(false).unwrap().into_iter().map(|(k, t)| (k, Value::Tensor(t))).collect())),
            other => other,
        };
        expected.insert(name.to_string(), describe(&obj));
    }
    let names: Vec<String> = SAVED.iter().map(|(n, _)| format!("{n}.pt")).collect();
    let mut args = vec!["check", dir.to_str().unwrap()];
    args.extend(names.iter().map(String::as_str));
    let got = python(&args);
    let mut failures = Vec::new();
    for (name, _) in SAVED {
        let want = json!({"value": expected[*name]});
        for mode in ["default", "weights_only_false"] {
            let g = &got[format!("{name}.pt")][mode];
            if *g != want {
                failures.push(format!("{name} ({mode}):\n  fcall saved: {want}\n  torch.load:  {g}"));
            }
        }
        // And fcall reads back what it wrote.
        match fcall_load(dir.join(format!("{name}.pt")).to_str().unwrap()) {
            Some(g) if g == want => {}
            other => failures.push(format!("{name} (fcall's load):\n  saved:  {want}\n  loaded: {other:?}")),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn views_saved_together_share_after_load() {
    let dir = fresh_dir("sharing");
    let p = dir.join("views.pt");
    let p = p.to_str().unwrap();
    let mut s = Session::new();
    let code = format!(
        "import torch
from torch import nn
class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(5, 3)
        self.out = nn.Linear(3, 5, bias=False)
        self.out.weight = self.emb.weight
torch.save(Tied().state_dict(), {p:?})
sd = torch.load({p:?})
sd['emb.weight'][0, 0] = 5.0
same = sd['out.weight'][0, 0].item() == 5.0
t = torch.arange(6.0)
torch.save({{'a': t, 'b': t[2:], 'c': t.view(2, 3)}}, {p:?})
r = torch.load({p:?})
r['b'][0] = 100.0
r['c'][1, 2] = -1.0
seen = (r['a'][2].item(), r['c'][0, 2].item(), r['b'][3].item(), r['a'][5].item())
"
    );
    run(&mut s, &code).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(matches!(s.get("same"), Some(Value::Bool(true))), "a tied state dict's two keys load onto one storage");
    let seen = describe(&s.get("seen").unwrap());
    assert_eq!(seen, json!({"tuple": [{"py": 100.0}, {"py": 100.0}, {"py": -1.0}, {"py": -1.0}]}));
}

/// torch.load's keyword arguments (map_location as a str, torch.device or dict, to the CPU or the
/// meta device or to devices this machine lacks; weights_only; mmap; pickle_module; encoding) on
/// zip and legacy files saved on the CPU or tagged `cuda:0`: what torch.load gives for each.
/// fcall's loader is always the weights-only one, so `weights_only=False` of a file that needs a
/// refused global fails as torch.load's default does (torch itself would import it).
#[test]
fn load_options_act_as_torch_load_does() {
    let dir = fresh_dir("options");
    let cases = python(&["options", dir.to_str().unwrap()]);
    let cases = cases.as_object().unwrap();
    assert!(cases.len() >= 100, "the options corpus has {} cases", cases.len());
    let expected_of = |case: &J| match case.get("error") {
        Some(e) => json!({"error": e}),
        None => json!({"value": case["value"]}),
    };
    let mut checks: Vec<(String, String, String, J)> =
        cases.iter().map(|(name, c)| (name.clone(), c["path"].as_str().unwrap().to_string(), c["options"].as_str().unwrap().to_string(), expected_of(c))).collect();
    let refused = &cases["unsafe|"];
    assert_eq!(refused["error"][0], "UnpicklingError");
    checks.push(("unsafe|weights_only=False".into(), refused["path"].as_str().unwrap().into(), "weights_only=False".into(), expected_of(refused)));
    let mut failures = Vec::new();
    for (name, path, options, expected) in &checks {
        match fcall_load_with(path, options) {
            None => failures.push(format!("{name}: fcall's load did not finish in 60 s")),
            Some(got) if got != *expected => failures.push(format!("{name}:\n  torch: {expected}\n  fcall: {got}")),
            Some(_) => {}
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), checks.len(), failures.join("\n"));
}
