//! Golden transcripts of the examples: every `examples/NAME.py` (the documentation's examples
//! of torch.func.functional_call, one plain-Python script each; `commands.fc` shows fcall's
//! command lines on one of them) is run with `fcall run` (no colour, 100
//! columns) and its output compared with `examples/NAME.out`, showing a line diff on mismatch.
//! `UPDATE_GOLDEN=1 cargo test --release -p fcall-cli --test examples` rewrites the `.out`
//! files. A second test checks every example's `fcall run --json` output against the JSON
//! contract of shared/LANGUAGE.md ("Machine-readable output").
mod common;

use common::{fcall_run, line_diff, repo_root, scripts_in};
use serde_json::Value as J;

/// The examples every transcript must exist for (issue "The fcall language", item 6).
const REQUIRED: &[&str] = &[
    "inplace_buffer",
    "tied_weights",
    "tied_distinct_values",
    "several_dicts",
    "grad",
    "grad_detached",
    "parametrization",
    "batchnorm",
    "strict",
    "rebinding",
    "functional_call_docs",
];

fn examples() -> Vec<std::path::PathBuf> {
    let all = scripts_in(&repo_root().join("examples"));
    for name in REQUIRED {
        assert!(all.iter().any(|p| p.file_stem().is_some_and(|s| s == *name)), "examples/{name}.py is missing");
    }
    all
}

#[test]
fn examples_match_their_golden_transcripts() {
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    let scripts = examples();
    for script in &scripts {
        let name = script.file_name().unwrap().to_string_lossy().into_owned();
        let run = fcall_run(script, false);
        if !run.stderr.is_empty() {
            failures.push(format!("{name}: fcall wrote to stderr:\n{}", run.stderr));
        }
        let golden = script.with_extension("out");
        if update {
            std::fs::write(&golden, &run.stdout).expect("writable .out");
            continue;
        }
        match std::fs::read_to_string(&golden) {
            Err(_) => failures.push(format!("{name}: no {} (run with UPDATE_GOLDEN=1)", golden.display())),
            Ok(expected) => {
                if let Some(diff) = line_diff(&expected, &run.stdout) {
                    failures.push(format!("{name}: output differs from {} (- golden, + now):\n{diff}", golden.display()));
                }
            }
        }
    }
    println!("{} examples re-rendered and compared with their golden transcripts", scripts.len());
    assert!(failures.is_empty(), "{} of {} examples differ:\n\n{}", failures.len(), scripts.len(), failures.join("\n"));
}

// ---------------------------------------------------------------- the JSON contract

/// Checks a value against LANGUAGE.md's encoding; `path` names the place for messages.
fn check_value(v: &J, path: &str, errs: &mut Vec<String>) {
    match v {
        J::Null | J::Bool(_) | J::Number(_) | J::String(_) => {}
        J::Array(items) => items.iter().enumerate().for_each(|(i, x)| check_value(x, &format!("{path}[{i}]"), errs)),
        J::Object(o) => match o.get("type").and_then(J::as_str) {
            Some("Tensor" | "Parameter") => check_tensor(v, path, errs),
            Some("dict") => match o.get("entries") {
                Some(J::Object(entries)) => entries.iter().for_each(|(k, x)| check_value(x, &format!("{path}.entries[{k:?}]"), errs)),
                _ => errs.push(format!("{path}: a dict needs an \"entries\" object")),
            },
            Some("Module") => {
                if !o.get("id").is_some_and(J::is_u64) {
                    errs.push(format!("{path}: a module needs an integer id"));
                }
            }
            other => errs.push(format!("{path}: object of unknown type {other:?}")),
        },
    }
}

/// `{"type", "value", "shape", "dtype", "requires_grad", "grad_fn", "id"}`, value nested as the shape says.
fn check_tensor(v: &J, path: &str, errs: &mut Vec<String>) {
    let mut bad = |m: &str| errs.push(format!("{path}: {m}"));
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    for k in ["type", "value", "shape", "dtype", "requires_grad", "grad_fn", "id"] {
        if !keys.contains(&k) {
            bad(&format!("tensor without \"{k}\""));
        }
    }
    let Some(shape) = v["shape"].as_array().map(|s| s.iter().map(|d| d.as_u64()).collect::<Option<Vec<u64>>>()) else {
        return bad("shape is not an array");
    };
    let Some(shape) = shape else { return bad("shape holds a non-integer") };
    if !v["dtype"].is_string() {
        bad("dtype is not a string");
    }
    if !v["requires_grad"].is_boolean() {
        bad("requires_grad is not a bool");
    }
    if !(v["grad_fn"].is_null() || v["grad_fn"].is_string()) {
        bad("grad_fn is neither null nor a string");
    }
    if !v["id"].is_u64() {
        bad("id is not an integer");
    }
    fn nested(x: &J, shape: &[u64]) -> bool {
        match shape.split_first() {
            None => x.is_number() || x.is_boolean() || matches!(x.as_str(), Some("nan" | "inf" | "-inf")),
            Some((n, rest)) => x.as_array().is_some_and(|a| a.len() as u64 == *n && a.iter().all(|y| nested(y, rest))),
        }
    }
    if !nested(&v["value"], &shape) {
        bad(&format!("value is not nested as shape {shape:?}"));
    }
}

/// One output record: the five keys, kinds, value and error encodings, the line it names.
fn check_record(rec: &J, lines: &[&str], errs: &mut Vec<String>) {
    let Some(o) = rec.as_object() else { return errs.push(format!("not a JSON object: {rec}")) };
    for k in ["line", "source", "kind", "value", "error"] {
        if !o.contains_key(k) {
            errs.push(format!("record without \"{k}\": {rec}"));
        }
    }
    let line = o.get("line").and_then(J::as_u64).unwrap_or(0);
    let at = format!("line {line}");
    let source = o.get("source").and_then(J::as_str).unwrap_or("");
    let first = source.lines().next().unwrap_or("");
    match lines.get((line as usize).wrapping_sub(1)) {
        Some(text) if !first.is_empty() && text.contains(first) => {}
        _ => errs.push(format!("{at}: the record's source {first:?} does not start on that line")),
    }
    let kind = o.get("kind").and_then(J::as_str).unwrap_or("?");
    if !matches!(kind, "value" | "call" | "error" | "none") {
        errs.push(format!("{at}: unknown kind {kind:?}"));
    }
    let value = o.get("value").unwrap_or(&J::Null);
    let error = o.get("error").unwrap_or(&J::Null);
    match kind {
        "error" => {
            let ok = ["type", "message", "code"].iter().all(|k| error.get(*k).is_some_and(J::is_string));
            if !ok {
                errs.push(format!("{at}: an error needs string type, message and code: {error}"));
            }
            if !value.is_null() {
                errs.push(format!("{at}: an error record has a value"));
            }
        }
        _ if !error.is_null() => errs.push(format!("{at}: kind {kind} with an error")),
        "none" if !value.is_null() => errs.push(format!("{at}: kind none with a value")),
        "value" if value.is_null() => errs.push(format!("{at}: kind value without a value")),
        _ => {}
    }
    check_value(value, &format!("{at}: value"), errs);
    if kind == "call" {
        match o.get("call") {
            Some(c) => {
                if !c.get("names").is_some_and(J::is_array) || !c.get("module").is_some_and(J::is_string) {
                    errs.push(format!("{at}: the call record needs module and names"));
                }
                for (i, n) in c["names"].as_array().into_iter().flatten().enumerate() {
                    for k in ["name", "kind", "tie_group", "before", "source", "events", "module_after"] {
                        if n.get(k).is_none() {
                            errs.push(format!("{at}: call.names[{i}] without \"{k}\""));
                        }
                    }
                    check_value(&n["before"], &format!("{at}: call.names[{i}].before"), errs);
                }
            }
            None => errs.push(format!("{at}: a call record without \"call\"")),
        }
    }
}

#[test]
fn examples_json_output_follows_the_contract() {
    let mut failures = Vec::new();
    let mut records = 0;
    let scripts = examples();
    for script in &scripts {
        let name = script.file_name().unwrap().to_string_lossy().into_owned();
        let source = std::fs::read_to_string(script).expect("readable example");
        let lines: Vec<&str> = source.lines().collect();
        let run = fcall_run(script, true);
        let mut errs = Vec::new();
        let mut last_line = 0;
        let mut any_error = false;
        for (i, l) in run.stdout.lines().enumerate() {
            let rec: J = match serde_json::from_str(l) {
                Ok(r) => r,
                Err(e) => {
                    errs.push(format!("output line {}: not JSON ({e}): {l}", i + 1));
                    continue;
                }
            };
            records += 1;
            let line = rec["line"].as_u64().unwrap_or(0);
            if line <= last_line {
                errs.push(format!("output line {}: statement lines must increase ({line} after {last_line})", i + 1));
            }
            last_line = line;
            any_error |= rec["kind"] == "error";
            check_record(&rec, &lines, &mut errs);
        }
        if run.stdout.is_empty() {
            errs.push("no output".into());
        }
        if (run.status == 1) != any_error {
            errs.push(format!("exit status {} but {} error record", run.status, if any_error { "an" } else { "no" }));
        }
        if !errs.is_empty() {
            failures.push(format!("{name}:\n  {}", errs.join("\n  ")));
        }
    }
    println!("{records} JSON records of {} examples checked against the contract", scripts.len());
    assert!(failures.is_empty(), "JSON contract violations:\n{}", failures.join("\n"));
}
