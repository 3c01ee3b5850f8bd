//! The interactive REPL: rustyline with continuation lines driven by the language's shared
//! `is_complete`, a persistent history file, Ctrl-C that stops a running statement (the
//! workspace is kept) or clears the line at the prompt, Ctrl-D to exit.
use std::sync::atomic::Ordering;

use fcall::interp::{RunOptions, Session, Targets, INTERRUPTED};
use fcall_lang::{is_complete, Completeness};
use rustyline::error::ReadlineError;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::Helper;

use crate::term::Term;

struct FcallHelper;

impl rustyline::completion::Completer for FcallHelper {
    type Candidate = String;
}
impl rustyline::hint::Hinter for FcallHelper {
    type Hint = String;
}
impl rustyline::highlight::Highlighter for FcallHelper {}
impl Helper for FcallHelper {}

impl Validator for FcallHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(match is_complete(ctx.input()) {
            Completeness::Incomplete { .. } => ValidationResult::Incomplete,
            _ => ValidationResult::Valid(None),
        })
    }
}

fn history_path() -> Option<std::path::PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".local/share")))?;
    let dir = base.join("fcall");
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join("history"))
}

pub fn repl(term: &Term) -> i32 {
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
    let mut rl = match rustyline::Editor::<FcallHelper, rustyline::history::DefaultHistory>::new() {
        Ok(rl) => rl,
        Err(e) => {
            eprintln!("fcall: cannot start the line editor: {e}");
            return 1;
        }
    };
    rl.set_helper(Some(FcallHelper));
    let hist = history_path();
    if let Some(h) = &hist {
        let _ = rl.load_history(h);
    }
    println!("fcall {} — torch.func.functional_call, made visible (PyTorch 2.13). `help` to start, Ctrl-D to quit.", env!("CARGO_PKG_VERSION"));
    let mut session = Session::new();
    session.targets = Targets { width: term.width, text: true, color: term.color, html: false, json: false };
    loop {
        match rl.readline(">>> ") {
            Ok(line) => {
                if line.trim().is_empty() {
                    continue;
                }
                let _ = rl.add_history_entry(line.as_str());
                if let Some(h) = &hist {
                    let _ = rl.append_history(h);
                }
                INTERRUPTED.store(false, Ordering::SeqCst);
                for o in session.run(&line, RunOptions::default()) {
                    print!("{}", o.text());
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => return 0,
            Err(e) => {
                eprintln!("fcall: {e}");
                return 1;
            }
        }
    }
}
