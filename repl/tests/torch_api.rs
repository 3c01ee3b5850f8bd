//! torch's API in fcall against real PyTorch 2.13: every script in `repl/tests/torch_api/` runs
//! with `fcall run` and with the venv's Python (`FCALL_PYTHON`), and the two printed outputs
//! must be identical (object addresses aside). The scripts print values, dtypes, identities and
//! the exact error messages of PyTorch's argument parser.
mod common;

use common::{fcall_run, line_diff, repo_root, scripts_in, without_addresses};
use std::process::Command;

fn python() -> String {
    std::env::var("FCALL_PYTHON").ok().filter(|p| !p.is_empty()).unwrap_or_else(|| {
        let home = std::env::var("HOME").unwrap_or_default();
        format!("{home}/.cache/fcall/venv-2.13.0/bin/python")
    })
}

/// Runs every script in `dir` under fcall and under PyTorch; the outputs must be identical.
fn scripts_match_pytorch(dir: &str) {
    let mut failures = Vec::new();
    let scripts = scripts_in(&repo_root().join(dir));
    assert!(!scripts.is_empty(), "no scripts in {dir}");
    for script in &scripts {
        let name = script.file_name().unwrap().to_string_lossy().into_owned();
        let py = Command::new(python()).arg(script).current_dir(repo_root()).output().expect("python runs");
        assert!(py.status.success(), "{name} fails in PyTorch:\n{}", String::from_utf8_lossy(&py.stderr));
        let expected = without_addresses(&String::from_utf8_lossy(&py.stdout));
        let run = fcall_run(script, false);
        let actual = without_addresses(&run.stdout);
        if !run.stderr.is_empty() {
            failures.push(format!("{name}: fcall wrote to stderr:\n{}", run.stderr));
        }
        if let Some(diff) = line_diff(&expected, &actual) {
            failures.push(format!("{name} (- PyTorch, + fcall):\n{diff}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn scripts_print_what_pytorch_prints() {
    scripts_match_pytorch("repl/tests/torch_api");
}

/// Python's ints past 64 bits, PyTorch's overflow checks for numbers going into tensors, and
/// RecursionError for deep data (`repl/tests/numbers/`).
#[test]
fn numbers_and_deep_data_match_cpython_and_pytorch() {
    scripts_match_pytorch("repl/tests/numbers");
}

/// fcall keeps no annotations: `inspect.signature` of an annotated function still gives its
/// parameters (names, kinds, defaults), but its text raises NotImplementedError rather than
/// show it without them (repl/tests/check/inspect_signature.py checks unannotated ones against
/// CPython).
#[test]
fn annotated_signatures_refuse_their_text() {
    let dir = std::env::temp_dir().join(format!("fcall-inspect-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("annotated.py");
    let src = "import inspect\nimport torch.nn as nn\ndef f(x: int, y=2) -> int:\n    return x\nsig = inspect.signature(f)\n\
               print([(p.name, p.kind.name, p.default) for p in sig.parameters.values()])\n\
               print(hasattr(sig.parameters['x'], 'annotation'))\nstr(sig)\nstr(inspect.signature(nn.Module))\n";
    std::fs::write(&script, src).unwrap();
    let run = fcall_run(&script, false);
    let text = format!("{}{}", run.stdout, run.stderr);
    assert!(text.contains("[('x', 'POSITIONAL_OR_KEYWORD', <class 'inspect._empty'>), ('y', 'POSITIONAL_OR_KEYWORD', 2)]\nFalse\n"), "{text}");
    assert_eq!(text.matches("NotImplementedError: fcall keeps no annotations").count(), 2, "{text}");
    assert_ne!(run.status, 0);
    let _ = std::fs::remove_dir_all(&dir);
}
