//! `fcall check`: the JSON records of `fcall run --json` against those the exported script
//! prints under PyTorch, statement by statement. Kinds, dtypes, shapes, requires_grad, grad_fn,
//! bools, strings, error types and messages and printed text must be equal; numbers may differ
//! by [`REL_TOL`] relative plus [`ABS_TOL`] absolute; object ids are compared by their equality
//! pattern (the same groups of equal ids on both sides), never by number.
use std::collections::HashMap;

use serde_json::Value as Json;

pub const REL_TOL: f64 = 1e-5;
pub const ABS_TOL: f64 = 1e-5;

/// One difference.
#[derive(Clone, Debug)]
pub struct Diff {
    pub line: usize,
    pub source: String,
    /// Where in the record: `kind`, `value.entries.weight.value[1][0]`, `error.message`, ...
    pub path: String,
    pub fcall: String,
    pub python: String,
}

#[derive(Default)]
struct Ids {
    fc_to_py: HashMap<i64, i64>,
    py_to_fc: HashMap<i64, i64>,
}

impl Ids {
    /// Whether the pair is consistent with every pair seen so far (then it is recorded).
    fn pair(&mut self, f: i64, p: i64) -> bool {
        match (self.fc_to_py.get(&f), self.py_to_fc.get(&p)) {
            (None, None) => {
                self.fc_to_py.insert(f, p);
                self.py_to_fc.insert(p, f);
                true
            }
            (Some(&pp), Some(&ff)) => pp == p && ff == f,
            _ => false,
        }
    }
}

struct Cmp<'a> {
    ids: Ids,
    diffs: Vec<Diff>,
    line: usize,
    source: &'a str,
}

fn short(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn num(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        _ => None,
    }
}

/// Hex addresses (`<... object at 0x7f..>`) differ from run to run.
fn normalize(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("0x") {
        out.push_str(&rest[..i + 2]);
        let tail = &rest[i + 2..];
        let n = tail.chars().take_while(|c| c.is_ascii_hexdigit()).count();
        if n > 0 {
            out.push('…');
        }
        rest = &tail[n..];
    }
    out.push_str(rest);
    out
}

impl Cmp<'_> {
    fn diff(&mut self, path: &str, f: &Json, p: &Json) {
        self.diffs.push(Diff { line: self.line, source: self.source.to_string(), path: path.to_string(), fcall: short(f), python: short(p) });
    }

    fn id(&mut self, path: &str, f: &Json, p: &Json) {
        match (f.as_i64(), p.as_i64()) {
            (Some(a), Some(b)) if self.ids.pair(a, b) => {}
            (None, None) => {}
            _ => self.diff(&format!("{path}.id (equality pattern)"), f, p),
        }
    }

    fn exact(&mut self, path: &str, key: &str, f: &Json, p: &Json) {
        if f.get(key) != p.get(key) {
            self.diff(&format!("{path}.{key}"), f.get(key).unwrap_or(&Json::Null), p.get(key).unwrap_or(&Json::Null));
        }
    }

    fn value(&mut self, path: &str, f: &Json, p: &Json) {
        match (f, p) {
            (Json::Object(fo), Json::Object(po)) => {
                let ft = fo.get("type").and_then(Json::as_str).unwrap_or("");
                if fo.get("type") != po.get("type") {
                    return self.exact(path, "type", f, p);
                }
                match ft {
                    "Tensor" | "Parameter" => {
                        for k in ["shape", "dtype", "requires_grad", "grad_fn"] {
                            self.exact(path, k, f, p);
                        }
                        if fo.get("shape") == po.get("shape") {
                            self.value(&format!("{path}.value"), &fo["value"], &po["value"]);
                        }
                        self.id(path, &fo["id"], &po["id"]);
                    }
                    "Module" => {
                        for k in ["class", "repr"] {
                            self.exact(path, k, f, p);
                        }
                        self.id(path, &fo["id"], &po["id"]);
                    }
                    "dict" => {
                        let (fe, pe) = (fo.get("entries").and_then(Json::as_object), po.get("entries").and_then(Json::as_object));
                        match (fe, pe) {
                            (Some(fe), Some(pe)) => {
                                let fk: Vec<&String> = fe.keys().collect();
                                let pk: Vec<&String> = pe.keys().collect();
                                if fk != pk {
                                    self.diff(&format!("{path}.keys"), &Json::from(fk.iter().map(|s| s.as_str()).collect::<Vec<_>>()), &Json::from(pk.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
                                } else {
                                    for k in fk {
                                        self.value(&format!("{path}.{k}"), &fe[k], &pe[k]);
                                    }
                                }
                            }
                            _ => self.exact(path, "entries", f, p),
                        }
                        self.id(path, &fo["id"], &po["id"]);
                    }
                    _ => {
                        if f != p {
                            self.diff(path, f, p);
                        }
                    }
                }
            }
            (Json::Array(fa), Json::Array(pa)) => {
                if fa.len() != pa.len() {
                    self.diff(&format!("{path} (length)"), &Json::from(fa.len()), &Json::from(pa.len()));
                } else {
                    for (i, (a, b)) in fa.iter().zip(pa).enumerate() {
                        self.value(&format!("{path}[{i}]"), a, b);
                    }
                }
            }
            // Reprs such as `<TBackward0 object at 0x..>`: the address differs from run to run.
            (Json::String(a), Json::String(b)) => {
                if normalize(a) != normalize(b) {
                    self.diff(path, f, p);
                }
            }
            (Json::Number(_), Json::Number(_)) => {
                let (a, b) = (num(f).unwrap_or(f64::NAN), num(p).unwrap_or(f64::NAN));
                if (a - b).abs() > ABS_TOL + REL_TOL * b.abs() {
                    self.diff(path, f, p);
                }
            }
            _ => {
                if f != p {
                    self.diff(path, f, p);
                }
            }
        }
    }

    fn record(&mut self, f: &Json, p: &Json) {
        let kind = |r: &Json| r.get("kind").cloned().unwrap_or(Json::Null);
        if kind(f) != kind(p) {
            self.diff("kind", &kind(f), &kind(p));
            if let Some(e) = p.get("error").filter(|e| !e.is_null()) {
                self.diff("error (python only)", &Json::Null, e);
            }
            if let Some(e) = f.get("error").filter(|e| !e.is_null()) {
                self.diff("error (fcall only)", e, &Json::Null);
            }
            return;
        }
        self.value("value", f.get("value").unwrap_or(&Json::Null), p.get("value").unwrap_or(&Json::Null));
        let (fe, pe) = (f.get("error").unwrap_or(&Json::Null), p.get("error").unwrap_or(&Json::Null));
        if !fe.is_null() || !pe.is_null() {
            self.exact("error", "type", fe, pe);
            self.exact("error", "message", fe, pe);
        }
        let out = |r: &Json| normalize(r.get("stdout").and_then(Json::as_str).unwrap_or(""));
        if out(f) != out(p) {
            self.diff("stdout", &Json::from(out(f)), &Json::from(out(p)));
        }
    }
}

/// Every difference between fcall's records and Python's, in statement order.
pub fn compare(fcall: &[Json], python: &[Json]) -> Vec<Diff> {
    let mut c = Cmp { ids: Ids::default(), diffs: Vec::new(), line: 0, source: "" };
    for (i, f) in fcall.iter().enumerate() {
        let line = f.get("line").and_then(Json::as_u64).unwrap_or(0) as usize;
        let source = f.get("source").and_then(Json::as_str).unwrap_or("");
        c.line = line;
        c.source = source;
        match python.get(i) {
            Some(p) => c.record(f, p),
            None => c.diff("record", &Json::from("present"), &Json::from("missing (the Python run stopped)")),
        }
    }
    if python.len() > fcall.len() {
        c.line = 0;
        c.source = "";
        c.diff("records", &Json::from(fcall.len()), &Json::from(python.len()));
    }
    c.diffs
}

fn clip(s: &str, n: usize) -> String {
    let s = s.replace('\n', "⏎");
    if s.chars().count() <= n {
        s
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

/// The differences side by side: line, statement, where, fcall, PyTorch.
pub fn table(diffs: &[Diff]) -> String {
    let rows: Vec<[String; 5]> = diffs.iter().map(|d| [d.line.to_string(), clip(&d.source, 30), clip(&d.path, 34), clip(&d.fcall, 40), clip(&d.python, 40)]).collect();
    let header = ["line", "statement", "where", "fcall", "PyTorch"].map(String::from);
    let mut w = header.clone().map(|h| h.chars().count());
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let fmt = |r: &[String; 5]| {
        let cells: Vec<String> = r.iter().enumerate().map(|(i, c)| format!("{c}{}", " ".repeat(w[i] - c.chars().count()))).collect();
        cells.join(" │ ").trim_end().to_string() + "\n"
    };
    let mut s = fmt(&header);
    s.push_str(&(w.iter().map(|n| "─".repeat(*n)).collect::<Vec<_>>().join("─┼─") + "\n"));
    for r in &rows {
        s.push_str(&fmt(r));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rec(v: Json) -> Json {
        json!({"line": 1, "source": "x", "kind": "value", "value": v, "error": null})
    }
    fn t(id: i64, x: f64) -> Json {
        json!({"type": "Tensor", "value": x, "shape": [], "dtype": "float32", "requires_grad": false, "grad_fn": null, "id": id})
    }

    #[test]
    fn ids_compare_by_equality_pattern() {
        // fcall 3, 3, 4 against Python 1, 1, 2: the same pattern.
        assert!(compare(&[rec(t(3, 1.0)), rec(t(3, 1.0)), rec(t(4, 1.0))], &[rec(t(1, 1.0)), rec(t(1, 1.0)), rec(t(2, 1.0))]).is_empty());
        // Same object in fcall, two objects in Python.
        let d = compare(&[rec(t(3, 1.0)), rec(t(3, 1.0))], &[rec(t(1, 1.0)), rec(t(2, 1.0))]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].path.contains("id"));
    }

    #[test]
    fn numbers_within_tolerance_errors_exact() {
        assert!(compare(&[rec(t(1, 1.0))], &[rec(t(1, 1.000001))]).is_empty());
        assert_eq!(compare(&[rec(t(1, 1.0))], &[rec(t(1, 1.001))]).len(), 1);
        let e = |m: &str| json!({"line": 1, "source": "x", "kind": "error", "value": null, "error": {"type": "KeyError", "message": m, "code": "x"}});
        assert!(compare(&[e("'a'")], &[json!({"line": 1, "source": "x", "kind": "error", "value": null, "error": {"type": "KeyError", "message": "'a'"}})]).is_empty());
        assert_eq!(compare(&[e("'a'")], &[e("'b'")]).len(), 1);
    }

    #[test]
    fn reprs_compare_without_addresses() {
        let node = |s: &str| rec(json!(s));
        assert!(compare(&[node("<TBackward0 object at 0x55d0a1>")], &[node("<TBackward0 object at 0x7f3b22c0>")]).is_empty());
        assert_eq!(compare(&[node("<TBackward0 object at 0x55d0a1>")], &[node("<MmBackward0 object at 0x55d0a1>")]).len(), 1);
    }
}
