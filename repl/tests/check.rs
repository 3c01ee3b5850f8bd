//! `fcall check` in CI: every fcall script the project keeps (`.py`, plain Python, and `.fc`,
//! Python with command lines; the retired brace dialect while scripts migrate) is run in fcall
//! (`--json` records) and as its PyTorch export (`fcall export`) under the project's Python,
//! compared statement by statement, and must agree:
//!
//! - examples/*.{py,fc} (the README's and the tour's scripts),
//! - examples/tutorials/*.py (the torch.func tutorials: per-sample gradients, model ensembling,
//!   Jacobians/Hessians, neural tangent kernels),
//! - tests/conformance/*.{py,fc} (the scripts of the conformance cases, ../shared/conformance),
//! - repl/tests/fuzz/regressions/*.{py,fc} (programs the fuzzer once found to differ, kept
//!   after the fix so the divergence cannot come back),
//! - repl/tests/check/*.{py,fc} (hand-written: functorch wrappers, libtorch error classes, user
//!   names that shadow built-ins, save/load, devices and dtypes (torch.device, meta tensors,
//!   `.to`, `Module.to`), reset, `*args`/keyword-only/`**kwargs` binding,
//!   `@property`, forward hooks, ModuleDict/ModuleList, list methods, `inspect.signature`,
//!   command lines exported as plain PyTorch).
//!
//! One `fcall check` per folder (one Python process each). Needs the venv of scripts/env.sh
//! (torch 2.13); `./test` sets it up.
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn python_available() -> bool {
    if std::env::var_os("FCALL_PYTHON").is_some_and(|p| !p.is_empty()) {
        return true;
    }
    let cache = std::env::var_os("FCALL_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/fcall")));
    cache.is_some_and(|c| c.join("venv-2.13.0/bin/python").exists())
}

fn scripts(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "fc" || e == "py"))
        .collect();
    files.sort();
    files
}

/// `fcall check` over every script of `dir` (relative to the repository root): all must agree.
fn all_agree(dir: &str, at_least: usize) {
    assert!(python_available(), "no Python with torch 2.13: run the tests through ./test (it sets up the environment)");
    let files = scripts(&root().join(dir));
    assert!(files.len() >= at_least, "{dir}: {} scripts, expected at least {at_least}", files.len());
    let out = Command::new(env!("CARGO_BIN_EXE_fcall")).arg("check").args(&files).output().expect("fcall runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let summary = format!("fcall check: {n} file(s), {n} agree, 0 differ", n = files.len());
    assert!(out.status.success() && text.contains(&summary), "{dir}: fcall check exits {:?}:\n{text}", out.status.code());
    eprintln!("{dir}: {summary}");
}

#[test]
fn examples_agree_with_pytorch() {
    all_agree("examples", 10);
}

/// The four torch.func tutorials, as their authors wrote them (examples/tutorials/*.py).
#[test]
fn torch_func_tutorials_agree_with_pytorch() {
    assert!(python_available(), "no Python with torch 2.13: run the tests through ./test (it sets up the environment)");
    let names = ["ensembling.py", "jacobians_hessians.py", "neural_tangent_kernels.py", "per_sample_grads.py"];
    let files: Vec<PathBuf> = names.iter().map(|n| root().join("examples/tutorials").join(n)).collect();
    let out = Command::new(env!("CARGO_BIN_EXE_fcall")).arg("check").args(&files).output().expect("fcall runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let summary = format!("fcall check: {n} file(s), {n} agree, 0 differ", n = files.len());
    assert!(out.status.success() && text.contains(&summary), "tutorials: fcall check exits {:?}:\n{text}", out.status.code());
    // vmap batches F.nll_loss (forward and backward) with Python's decompositions, as PyTorch
    // does, not with libtorch's per-sample fallback and its performance warning.
    assert!(!text.contains("BatchedFallback"), "a vmap fallback warned:\n{text}");
}

#[test]
fn conformance_scripts_agree_with_pytorch() {
    all_agree("tests/conformance", 88);
}

#[test]
fn fuzz_regressions_agree_with_pytorch() {
    all_agree("repl/tests/fuzz/regressions", 1);
}

#[test]
fn hand_written_scripts_agree_with_pytorch() {
    all_agree("repl/tests/check", 10);
}

/// A `.fc` in the Python language exports as plain PyTorch: its own lines, command lines
/// replaced, after the session prelude; and that export, a `.py`, checks too (fcall runs the
/// plain script and agrees with PyTorch running it unchanged).
#[test]
fn python_export_is_plain_pytorch_that_checks() {
    assert!(python_available(), "no Python with torch 2.13: run the tests through ./test (it sets up the environment)");
    let dir = std::env::temp_dir().join(format!("fcall-export-py-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src_path = root().join("repl/tests/check/python_export.fc");
    let src = std::fs::read_to_string(&src_path).unwrap();
    let out = dir.join("python_export.py");
    let st = Command::new(env!("CARGO_BIN_EXE_fcall")).arg("export").arg(&src_path).arg("-o").arg(&out).status().unwrap();
    assert!(st.success());
    let py = std::fs::read_to_string(&out).unwrap();
    let prelude = "import math\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nfrom torch.func import functional_call, grad, grad_and_value, vmap, stack_module_state\n";
    assert!(py.contains(prelude), "{py}");
    // The script's lines follow the header, each where it was (command lines replaced).
    let header = py.lines().position(|l| l.starts_with("from torch.func import")).unwrap() + 2;
    assert_eq!(py.lines().count() - header, src.lines().count(), "{py}");
    for (a, b) in src.lines().zip(py.lines().skip(header)) {
        let command = ["call ", "y = call", "r = call", "out = call", "explain ", "seed ", "show ", "%"].iter().any(|c| a.trim_start().starts_with(c));
        if !command && !a.trim_start().starts_with(')') && !a.starts_with("    torch.ones") && !a.starts_with("    scale") {
            assert_eq!(a, b, "{py}");
        }
    }
    assert!(py.contains("\nfunctional_call(mod, a, (torch.ones(()),))\n"), "{py}");
    assert!(py.contains("\ny = functional_call(mod, a, (torch.ones(()),), {\"scale\": 2.0}, tie_weights=False)\n"), "{py}");
    assert!(py.contains("\n    r = functional_call(mod, a, (torch.full((), float(i)),))\n"), "{py}");
    assert!(py.contains("\ntorch.manual_seed(0)\nprint(mod)\n") && py.contains("\n    torch.manual_seed(i)\n") && py.contains("# explain:"), "{py}");
    let checked = Command::new(env!("CARGO_BIN_EXE_fcall")).arg("check").arg(&out).output().expect("fcall runs");
    let text = format!("{}{}", String::from_utf8_lossy(&checked.stdout), String::from_utf8_lossy(&checked.stderr));
    assert!(checked.status.success() && text.contains("1 file(s), 1 agree, 0 differ"), "fcall check of the export:\n{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A `.py` file is its own export, byte for byte.
#[test]
fn a_py_file_exports_as_itself() {
    let dir = std::env::temp_dir().join(format!("fcall-export-self-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("plain.py");
    let bytes = b"import torch\r\nx = torch.ones(2)  # caf\xc3\xa9\n\nprint(x)";
    std::fs::write(&src, bytes).unwrap();
    let out = dir.join("out.py");
    let st = Command::new(env!("CARGO_BIN_EXE_fcall")).arg("export").arg(&src).arg("-o").arg(&out).status().unwrap();
    assert!(st.success());
    assert_eq!(std::fs::read(&out).unwrap(), bytes);
    let printed = Command::new(env!("CARGO_BIN_EXE_fcall")).arg("export").arg(&src).output().unwrap();
    assert_eq!(printed.stdout, bytes);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn export_writes_a_python_file() {
    let dir = std::env::temp_dir().join(format!("fcall-export-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("tied_weights.py");
    let st = Command::new(env!("CARGO_BIN_EXE_fcall"))
        .arg("export")
        .arg(root().join("examples/commands.fc"))
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap();
    assert!(st.success());
    let py = std::fs::read_to_string(&out).unwrap();
    assert!(py.contains("functional_call("), "{py}");
    assert!(py.contains("class ") && py.contains("(nn.Module):"), "{py}");
    let _ = std::fs::remove_dir_all(&dir);
}
