//! Parity through the language: conformance cases written as fcall scripts
//! (`tests/conformance/case_NNN.fc`), run with `fcall run --json`, compared field by field with
//! the real PyTorch 2.13 observations in `shared/conformance/cases.jsonl`: the value returned or
//! the exception raised (type, exact message, KeyError argument), every module tensor after the
//! call (value, Parameter/Tensor, same object, changed), every input dict after the call (keys,
//! values, same object, changed), and case-specific observations. Expected values are read
//! from cases.jsonl only; a script says where its observations are with trailing directives:
//!
//! | directive (`#= ...`)         | on                                  | gives                                   |
//! |------------------------------|-------------------------------------|-----------------------------------------|
//! | `# case N name`              | the first line                      | which recorded case this is             |
//! | `#= module`                  | `state(mod, remove_duplicate=false)`| 1st: the module before, 2nd: after      |
//! | `#= dicts`                   | the dict, or a tuple of dicts       | 1st: the dicts before, 2nd: after       |
//! | `#= call`                    | the functional call                 | `returned` or `raised`                  |
//! | `#= key NAME`                | any statement                       | `NAME`: its value, None as null (or its error) |
//! | `#= raised_type`             | a statement that must fail          | `raised`: the exception type only       |
//! | `#= scope NAME` (own line)   | -                                   | what follows fills `obs[NAME]` (`#= scope` alone: the top) |
//! | `#= skip KEY reason` (own line) | -                                | `KEY` of the current scope is not compared, for the reason given |
//!
//! `same_object` compares object ids (the `id` of the JSON tensor encoding); `changed` compares
//! shape, dtype and values, as `cases.py` does. Every key the recording has must be produced or
//! skipped with a reason; floats compare within 1e-6 (relative), ints and floats must not mix.
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{fcall_run, repo_root, scripts_in};
use serde_json::{json, Map, Value as J};

fn cases() -> BTreeMap<u64, (String, J)> {
    let path = repo_root().join("../shared/conformance/cases.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let r: J = serde_json::from_str(l).expect("cases.jsonl: a line is not JSON");
            (r["id"].as_u64().expect("case id"), (r["name"].as_str().expect("case name").to_string(), r["obs"].clone()))
        })
        .collect()
}

// ---------------------------------------------------------------- directives

#[derive(Debug)]
enum Role {
    Module,
    Dicts,
    Call,
    Key(String),
    RaisedType,
}

struct Script {
    path: PathBuf,
    id: u64,
    name: String,
    /// (line, scope, role) for statements, in file order.
    marks: Vec<(usize, String, Role)>,
    /// scope → keys not compared, with the reason.
    skips: BTreeMap<String, Vec<(String, String)>>,
}

fn parse_script(path: &Path) -> Result<Script, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let first = text.lines().next().unwrap_or("");
    let mut head = first.trim_start_matches('#').split_whitespace();
    let (Some("case"), Some(id), Some(name)) = (head.next(), head.next(), head.next()) else {
        return Err(format!("the first line must be `# case N name`, not {first:?}"));
    };
    let id = id.parse().map_err(|_| format!("bad case id {id:?}"))?;
    let mut s = Script { path: path.to_path_buf(), id, name: name.to_string(), marks: Vec::new(), skips: BTreeMap::new() };
    let mut scope = String::new();
    for (i, line) in text.lines().enumerate() {
        let Some(at) = line.find("#=") else { continue };
        let mut words = line[at + 2..].split_whitespace();
        let word = words.next().unwrap_or("");
        let own_line = line[..at].trim().is_empty();
        let role = match (word, own_line) {
            ("scope", true) => {
                scope = words.next().unwrap_or("").to_string();
                continue;
            }
            ("skip", true) => {
                let key = words.next().ok_or(format!("line {}: skip needs a key", i + 1))?.to_string();
                let reason: Vec<&str> = words.collect();
                if reason.is_empty() {
                    return Err(format!("line {}: skip {key} needs a reason", i + 1));
                }
                s.skips.entry(scope.clone()).or_default().push((key, reason.join(" ")));
                continue;
            }
            ("module", false) => Role::Module,
            ("dicts", false) => Role::Dicts,
            ("call", false) => Role::Call,
            ("raised_type", false) => Role::RaisedType,
            ("key", false) => Role::Key(words.next().ok_or(format!("line {}: key needs a name", i + 1))?.to_string()),
            _ => return Err(format!("line {}: unknown directive {:?}", i + 1, &line[at..])),
        };
        s.marks.push((i + 1, scope.clone(), role));
    }
    Ok(s)
}

// ---------------------------------------------------------------- encodings

/// Our JSON encoding → `cases.py`'s `enc`: tensors without the id, dicts as plain objects.
fn enc(v: &J) -> J {
    match v {
        J::Object(o) => match o.get("type").and_then(J::as_str) {
            Some("Tensor" | "Parameter") if o.contains_key("shape") => {
                json!({"value": o["value"], "shape": o["shape"], "dtype": o["dtype"],
                       "requires_grad": o["requires_grad"], "grad_fn": o["grad_fn"], "type": o["type"]})
            }
            Some("dict") => J::Object(o["entries"].as_object().map(|e| e.iter().map(|(k, x)| (k.clone(), enc(x))).collect()).unwrap_or_default()),
            _ => v.clone(),
        },
        J::Array(items) => J::Array(items.iter().map(enc).collect()),
        other => other.clone(),
    }
}

/// `err(e)`: type, message, and the KeyError argument.
fn err(e: &J) -> J {
    let mut m = Map::new();
    m.insert("type".into(), e["type"].clone());
    m.insert("message".into(), e["message"].clone());
    if let Some(k) = e.get("key_arg") {
        m.insert("key_arg".into(), k.clone());
    }
    J::Object(m)
}

fn is_tensor(v: &J) -> bool {
    matches!(v["type"].as_str(), Some("Tensor" | "Parameter")) && v.get("shape").is_some()
}

/// `cases.py`'s `same_value`: tensors by shape, dtype and values; anything else by identity,
/// which for the non-tensor values a dict can hold here means "the same value".
fn same_value(a: &J, b: &J) -> bool {
    if is_tensor(a) && is_tensor(b) {
        return a["shape"] == b["shape"] && a["dtype"] == b["dtype"] && a["value"] == b["value"];
    }
    !is_tensor(a) && !is_tensor(b) && a == b
}

fn same_object(a: &J, b: &J) -> bool {
    if is_tensor(a) && is_tensor(b) {
        return a["id"] == b["id"];
    }
    !is_tensor(a) && !is_tensor(b) && a == b
}

/// The entries of a dict value (our encoding).
fn entries(v: &J) -> Option<&Map<String, J>> {
    (v["type"] == "dict").then(|| v["entries"].as_object()).flatten()
}

/// `module_report`: every name before, then names new after.
fn module_after(before: &Map<String, J>, after: &Map<String, J>) -> J {
    let mut rep = Map::new();
    let names = before.keys().chain(after.keys().filter(|k| !before.contains_key(*k)));
    for n in names {
        let Some(t) = after.get(n) else {
            rep.insert(n.clone(), json!({"value": null, "present": false}));
            continue;
        };
        let b = before.get(n);
        rep.insert(
            n.clone(),
            json!({
                "value": t["value"],
                "type": t["type"],
                "same_object": b.is_some_and(|b| same_object(t, b)),
                "changed": !b.is_some_and(|b| same_value(t, b)),
            }),
        );
    }
    J::Object(rep)
}

/// The input dicts of a `#= dicts` value: one dict, or a tuple/list of dicts.
fn dict_list(v: &J) -> Option<Vec<&Map<String, J>>> {
    match v {
        J::Array(items) => items.iter().map(entries).collect(),
        other => entries(other).map(|e| vec![e]),
    }
}

/// `dict_report` for each input dict.
fn dicts_after(before: &[&Map<String, J>], after: &[&Map<String, J>]) -> J {
    J::Array(
        before
            .iter()
            .zip(after)
            .map(|(b, a)| {
                let mut es = Map::new();
                for (k, v) in a.iter() {
                    let old = b.get(k);
                    es.insert(
                        k.clone(),
                        json!({
                            "value": enc(v),
                            "same_object": old.is_some_and(|o| same_object(v, o)),
                            "changed": !old.is_some_and(|o| same_value(v, o)),
                        }),
                    );
                }
                json!({"keys": a.keys().collect::<Vec<_>>(), "entries": es})
            })
            .collect(),
    )
}

// ---------------------------------------------------------------- comparison

/// Differences between an expected and a produced JSON value, with their paths.
fn diff(exp: &J, got: &J, path: &str, out: &mut Vec<String>) {
    match (exp, got) {
        (J::Object(a), J::Object(b)) => {
            for k in a.keys().filter(|k| !b.contains_key(*k)) {
                out.push(format!("{path}.{k}: missing (expected {})", a[k]));
            }
            for k in b.keys().filter(|k| !a.contains_key(*k)) {
                out.push(format!("{path}.{k}: not in the recording (got {})", b[k]));
            }
            for (k, x) in a {
                if let Some(y) = b.get(k) {
                    diff(x, y, &format!("{path}.{k}"), out);
                }
            }
        }
        (J::Array(a), J::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                diff(x, y, &format!("{path}[{i}]"), out);
            }
        }
        (J::Number(a), J::Number(b)) if a.is_f64() && b.is_f64() => {
            let (x, y) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            if (x - y).abs() > 1e-6 * x.abs().max(y.abs()).max(1e-3) {
                out.push(format!("{path}: expected {x}, got {y}"));
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: expected {a}, got {b}")),
    }
}

/// Builds the observation of each scope from the script's records.
fn observe(s: &Script, records: &BTreeMap<usize, J>) -> Result<BTreeMap<String, Map<String, J>>, String> {
    let mut obs: BTreeMap<String, Map<String, J>> = BTreeMap::new();
    let mut modules: BTreeMap<String, Vec<Map<String, J>>> = BTreeMap::new();
    let mut dicts: BTreeMap<String, Vec<J>> = BTreeMap::new();
    for (line, scope, role) in &s.marks {
        let rec = records.get(line).ok_or(format!("line {line}: no statement starts on this line"))?;
        let o = obs.entry(scope.clone()).or_default();
        let value = || -> Result<&J, String> {
            match rec["kind"].as_str() {
                // A statement whose value is None records kind "none" (value null), as `enc(None)`.
                Some("value" | "call" | "none") => Ok(&rec["value"]),
                _ => Err(format!("line {line} ({role:?}): expected a value, got {}", rec)),
            }
        };
        match role {
            Role::Call => match rec["kind"].as_str() {
                Some("call") => {
                    o.insert("returned".into(), enc(&rec["value"]));
                }
                Some("error") => {
                    o.insert("raised".into(), err(&rec["error"]));
                }
                _ => return Err(format!("line {line}: `#= call` on a statement that is not a functional call: {rec}")),
            },
            Role::RaisedType => {
                if rec["kind"] != "error" {
                    return Err(format!("line {line}: expected an error, got {rec}"));
                }
                o.insert("raised".into(), rec["error"]["type"].clone());
            }
            Role::Key(k) => {
                let v = if rec["kind"] == "error" { err(&rec["error"]) } else { enc(value()?) };
                o.insert(k.clone(), v);
            }
            Role::Module => {
                let e = entries(value()?).ok_or(format!("line {line}: `#= module` needs a dict (state(mod, remove_duplicate=false))"))?;
                modules.entry(scope.clone()).or_default().push(e.clone());
            }
            Role::Dicts => dicts.entry(scope.clone()).or_default().push(value()?.clone()),
        }
    }
    for (scope, m) in modules {
        let [before, after] = &m[..] else { return Err(format!("scope {scope:?}: `#= module` must appear twice (before, after)")) };
        obs.entry(scope).or_default().insert("module_after".into(), module_after(before, after));
    }
    for (scope, d) in dicts {
        let [before, after] = &d[..] else { return Err(format!("scope {scope:?}: `#= dicts` must appear twice (before, after)")) };
        let (Some(b), Some(a)) = (dict_list(before), dict_list(after)) else {
            return Err(format!("scope {scope:?}: `#= dicts` needs a dict or a tuple of dicts"));
        };
        obs.entry(scope).or_default().insert("dicts_after".into(), dicts_after(&b, &a));
    }
    Ok(obs)
}

/// Runs one script and compares it; returns (compared keys, skipped keys) or the differences.
fn check(s: &Script, recorded: &BTreeMap<u64, (String, J)>) -> Result<(usize, usize), Vec<String>> {
    let Some((name, expected)) = recorded.get(&s.id) else { return Err(vec![format!("case {} is not in cases.jsonl", s.id)]) };
    if *name != s.name {
        return Err(vec![format!("case {} is named {name:?} in cases.jsonl, not {:?}", s.id, s.name)]);
    }
    if expected.get("harness_error").is_some() {
        return Err(vec![format!("case {} has no observation (harness_error in cases.py)", s.id)]);
    }
    let run = fcall_run(&s.path, true);
    if !run.stderr.is_empty() {
        return Err(vec![format!("fcall wrote to stderr: {}", run.stderr)]);
    }
    let mut records = BTreeMap::new();
    for l in run.stdout.lines() {
        let r: J = serde_json::from_str(l).map_err(|e| vec![format!("output is not JSON ({e}): {l}")])?;
        records.insert(r["line"].as_u64().unwrap_or(0) as usize, r);
    }
    let produced = observe(s, &records).map_err(|e| vec![e])?;
    let mut problems = Vec::new();
    let (mut compared, mut skipped) = (0, 0);
    let top = String::new();
    let scopes: Vec<&String> = std::iter::once(&top).chain(produced.keys()).chain(s.skips.keys()).collect();
    let mut done = std::collections::BTreeSet::new();
    for scope in scopes {
        if !done.insert(scope.clone()) {
            continue;
        }
        let exp = if scope.is_empty() { Some(expected) } else { expected.get(scope.as_str()) };
        let Some(J::Object(exp)) = exp else {
            problems.push(format!("scope {scope:?} is not an object in the recording"));
            continue;
        };
        let got = produced.get(scope).cloned().unwrap_or_default();
        let skips = s.skips.get(scope).cloned().unwrap_or_default();
        let at = if scope.is_empty() { "obs".to_string() } else { format!("obs.{scope}") };
        for (k, x) in exp {
            if skips.iter().any(|(sk, _)| sk == k) {
                skipped += 1;
                continue;
            }
            // A sub-observation compared through its own scope.
            if produced.contains_key(k) || s.skips.contains_key(k) {
                continue;
            }
            match got.get(k) {
                None => problems.push(format!("{at}.{k}: recorded but not produced by the script (add a directive or a `#= skip`)")),
                Some(y) => {
                    compared += 1;
                    diff(x, y, &format!("{at}.{k}"), &mut problems);
                }
            }
        }
        for k in got.keys().filter(|k| !exp.contains_key(*k)) {
            problems.push(format!("{at}.{k}: produced but not in the recording"));
        }
    }
    if problems.is_empty() {
        Ok((compared, skipped))
    } else {
        Err(problems)
    }
}

#[test]
fn conformance_cases_through_the_language() {
    let recorded = cases();
    let dir = repo_root().join("tests/conformance");
    // A case written both ways (`case_085.py`, plain Python, and `case_085.fc`, whose
    // `out = call ...` keeps the call's record where Python's assignment is quiet) runs its
    // `.fc` here; `fcall check` (tests/check.rs) runs both against PyTorch.
    let mut scripts = scripts_in(&dir);
    let has_fc = |p: &std::path::Path| p.extension().is_some_and(|e| e == "py") && p.with_extension("fc").exists();
    scripts.retain(|p| !has_fc(p));
    let mut failures = Vec::new();
    let (mut passed, mut compared, mut skipped) = (0, 0, 0);
    let mut ids = Vec::new();
    for path in &scripts {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let s = match parse_script(path) {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!("{file}: {e}"));
                continue;
            }
        };
        ids.push(s.id);
        match check(&s, &recorded) {
            Ok((c, k)) => {
                passed += 1;
                compared += c;
                skipped += k;
            }
            Err(p) => failures.push(format!("{file} (case {} {}):\n    {}", s.id, s.name, p.join("\n    "))),
        }
    }
    let summary = format!(
        "conformance through the language: {} case scripts ran, {passed} match PyTorch 2.13 ({compared} observations compared, {skipped} skipped with a reason); cases {ids:?}",
        scripts.len()
    );
    println!("{summary}");
    assert!(scripts.len() >= 30, "only {} case scripts in {}", scripts.len(), dir.display());
    assert!(failures.is_empty(), "{summary}\n{} failed:\n{}", failures.len(), failures.join("\n"));
}
