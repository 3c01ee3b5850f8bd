//! `fcall run [--json] FILE` and `fcall < FILE`: run a script, print what the REPL would print
//! (or one JSON record per statement), go on after an error, exit 1 if any statement failed.
//! `fcall tour ...` is dispatched from here too: every command that needs the engine at once.
use std::io::{Read, Write};

use fcall::interp::{OutKind, RunOptions, Session, Targets};

/// The engine's commands; `args` are the arguments after the program name.
pub fn main(args: &[String], width: u16, color: bool) -> i32 {
    match args.first().map(String::as_str) {
        None => {
            let mut code = String::new();
            if std::io::stdin().read_to_string(&mut code).is_err() {
                eprintln!("fcall: cannot read standard input");
                return 2;
            }
            run_source(&code, false, width, color)
        }
        Some("run") => {
            let json = args.iter().any(|a| a == "--json");
            match args[1..].iter().find(|a| !a.starts_with("--")) {
                Some(f) => run_file(f, json, width, color),
                None => {
                    eprintln!("usage: fcall run [--json] FILE");
                    2
                }
            }
        }
        Some("tour") => super::tour::main(&args[1..]),
        Some(other) => {
            eprintln!("fcall: the engine has no command '{other}'");
            2
        }
    }
}

pub fn run_source(code: &str, json: bool, width: u16, color: bool) -> i32 {
    let mut session = Session::new();
    session.targets = Targets { width, text: !json, color, html: false, json };
    if !json && super::progress::on_terminal() {
        session.set_progress_view(Box::new(super::progress::Bar::default()));
    }
    let outs = session.run(code, RunOptions { keep_going: true });
    let mut stdout = std::io::stdout().lock();
    let mut failed = false;
    for o in &outs {
        failed |= o.kind == OutKind::Error;
        let text = if json { format!("{}\n", o.json()) } else { super::wrap::for_statement(&o.source, o.text(), width as usize) };
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

pub fn run_file(path: &str, json: bool, width: u16, color: bool) -> i32 {
    match std::fs::read_to_string(path) {
        Ok(code) => run_source(&code, json, width, color),
        Err(e) => {
            eprintln!("fcall: cannot read {path}: {e}");
            2
        }
    }
}
