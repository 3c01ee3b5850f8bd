//! `fcall run [--json] FILE` and `fcall < FILE`: run a script, print what the REPL would print
//! (or one JSON record per statement), go on after an error, exit 1 if any statement failed.
use std::io::Write;

use fcall::interp::{OutKind, RunOptions, Session, Targets};

use crate::term::Term;

pub fn run_source(code: &str, json: bool, term: &Term) -> i32 {
    let mut session = Session::new();
    session.targets = Targets { width: term.width, text: !json, color: term.color, html: false, json };
    let outs = session.run(code, RunOptions { keep_going: true });
    let mut stdout = std::io::stdout().lock();
    let mut failed = false;
    for o in &outs {
        failed |= o.kind == OutKind::Error;
        let text = if json { format!("{}\n", o.json()) } else { o.text().to_string() };
        if stdout.write_all(text.as_bytes()).is_err() {
            return 1;
        }
    }
    let _ = stdout.flush();
    if failed {
        1
    } else {
        0
    }
}

pub fn run_file(path: &str, json: bool, term: &Term) -> i32 {
    match std::fs::read_to_string(path) {
        Ok(code) => run_source(&code, json, term),
        Err(e) => {
            eprintln!("fcall: cannot read {path}: {e}");
            2
        }
    }
}
