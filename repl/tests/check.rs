//! `fcall check` in CI: every fcall script the project keeps is run in fcall (`--json` records)
//! and as its PyTorch export (`fcall export`) under the project's Python, compared statement by
//! statement, and must agree:
//!
//! - examples/*.fc (the README's and the tour's scripts),
//! - tests/conformance/*.fc (the scripts of the conformance cases, ../shared/conformance),
//! - repl/tests/fuzz/regressions/*.fc (programs the fuzzer once found to differ, kept after the
//!   fix so the divergence cannot come back),
//! - repl/tests/check/*.fc (hand-written: functorch wrappers, libtorch error classes, user names
//!   that shadow built-ins, save/load, reset, `*args`/keyword-only/`**kwargs` binding,
//!   `@property`, forward hooks, ModuleDict/ModuleList, list methods).
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
        .filter(|p| p.extension().is_some_and(|e| e == "fc"))
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

#[test]
fn export_writes_a_python_file() {
    let dir = std::env::temp_dir().join(format!("fcall-export-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("tied_weights.py");
    let st = Command::new(env!("CARGO_BIN_EXE_fcall"))
        .arg("export")
        .arg(root().join("examples/tied_weights.fc"))
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
