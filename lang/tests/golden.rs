//! Golden tests: every `tests/golden/NAME.fc` is parsed and the result compared as text with
//! `tests/golden/NAME.out`: the AST dump (`fcall_lang::dump_with_lines`, spans as line:col) when it parses, else `ERROR`
//! and the diagnostics rendered without colour. `UPDATE_GOLDEN=1` rewrites the `.out` files.

use fcall_lang::parser::parse_program;
use fcall_lang::complete::is_complete;
use fcall_lang::{dump_with_lines, render_all};
use std::fs;
use std::path::Path;

fn actual(src: &str) -> String {
    let head = format!("is_complete: {:?}\n", is_complete(src));
    match parse_program(src) {
        Ok(p) => format!("{head}{}", dump_with_lines(&p, src)),
        Err(d) => format!("{head}ERROR\n{}", render_all(src, &d, false)),
    }
}

/// The first differing line, for a readable failure.
fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<_>, Vec<_>) = (expected.lines().collect(), actual.lines().collect());
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (
            e.get(i).copied().unwrap_or("<end>"),
            a.get(i).copied().unwrap_or("<end>"),
        );
        if x != y {
            return format!("line {}:\n  expected: {x}\n  actual:   {y}", i + 1);
        }
    }
    "trailing newline differs".to_string()
}

#[test]
fn golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let mut inputs: Vec<_> = fs::read_dir(&dir)
        .expect("tests/golden exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "fc"))
        .collect();
    inputs.sort();
    assert!(
        inputs.len() >= 10,
        "golden inputs missing in {}",
        dir.display()
    );
    let mut failures = Vec::new();
    for input in &inputs {
        let src = fs::read_to_string(input).expect("readable .fc");
        let got = actual(&src);
        let out = input.with_extension("out");
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        // Files named err_* must fail to parse; the others must parse.
        if name.starts_with("err_") != got.contains("\nERROR\n") {
            failures.push(format!(
                "{name}: expected {}",
                if name.starts_with("err_") {
                    "an error"
                } else {
                    "no error"
                }
            ));
        }
        if update {
            fs::write(&out, &got).expect("writable .out");
            continue;
        }
        match fs::read_to_string(&out) {
            Ok(expected) if expected == got => {}
            Ok(expected) => failures.push(format!("{name}: {}", first_difference(&expected, &got))),
            Err(_) => failures.push(format!(
                "{name}: no {} (run with UPDATE_GOLDEN=1)",
                out.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatches:\n{}",
        failures.join("\n")
    );
}
