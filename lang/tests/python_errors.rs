//! What Python rejects, fcall rejects with CPython 3.11's words: every case of
//! tests/python/syntax_errors.txt (cases separated by `---` lines) is compiled by real CPython
//! (the project's venv, `$FCALL_PYTHON`) and parsed by fcall; the exception class, the message
//! and the line must agree, and the column too except where listed. Inputs CPython accepts but
//! fcall does not run (`async def`) must be fcall errors that name the construct.
use std::path::Path;
use std::process::Command;

use fcall_lang::python::parse_program;
use fcall_lang::LineIndex;

/// Cases whose column differs from CPython's (the class, message and line still agree).
const COLUMN_DIFFERS: &[usize] = &[
    17, // `f(a=1, b)`: CPython points one past the positional argument
];

fn python() -> String {
    std::env::var("FCALL_PYTHON").unwrap_or_else(|_| {
        let home = std::env::var("HOME").expect("HOME");
        format!("{home}/.cache/fcall/venv-2.13.0/bin/python")
    })
}

#[test]
fn syntax_errors_match_cpython() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python");
    let corpus = dir.join("syntax_errors.txt");
    let out = Command::new(python()).arg(dir.join("cpython_errors.py")).arg(&corpus).output().expect("CPython runs (./test installs it)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&corpus).unwrap();
    let cases: Vec<&str> = text.split("\n---\n").collect();
    let mut bad = Vec::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let want: serde_json::Value = serde_json::from_str(line).expect("cpython_errors.py prints JSON");
        let i = want["case"].as_i64().unwrap() as usize;
        let src = format!("{}\n", cases[i].trim_end_matches('\n'));
        let got = parse_program(&src);
        match (want["type"].as_str(), got) {
            (None, Ok(_)) => {}
            (None, Err(d)) => {
                if !d[0].code.starts_with("python::unsupported") {
                    bad.push(format!("case {i} {src:?}: CPython accepts it, fcall: {}", d[0].message));
                }
            }
            (Some(t), Ok(_)) => bad.push(format!("case {i} {src:?}: CPython {t}, fcall accepts it")),
            (Some(t), Err(d)) => {
                let d = &d[0];
                let lc = LineIndex::new(&src).line_col(d.span.start);
                let (class, msg) = (d.python_class().unwrap_or("?"), d.message.as_str());
                let col_ok = COLUMN_DIFFERS.contains(&i) || lc.col == want["col"].as_i64().unwrap() as usize;
                if class != t || msg != want["msg"].as_str().unwrap() || lc.line != want["line"].as_i64().unwrap() as usize || !col_ok {
                    bad.push(format!(
                        "case {i} {src:?}:\n   CPython {t}: {} (line {}, col {})\n   fcall   {class}: {msg} (line {}, col {})",
                        want["msg"].as_str().unwrap(),
                        want["line"].as_i64().unwrap(),
                        want["col"].as_i64().unwrap(),
                        lc.line,
                        lc.col
                    ));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{} of {} cases differ:\n{}", bad.len(), cases.len(), bad.join("\n"));
}
