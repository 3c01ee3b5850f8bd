//! The interactive REPL: rustyline with continuation lines driven by the language's shared
//! `is_complete`, completion against the live workspace, syntax colours and hints from history
//! (colour on only), a persistent history file, Ctrl-C that stops a running statement (the
//! workspace is kept) or clears the line at the prompt, Ctrl-D to exit.
//!
//! Ctrl-C and rustyline: while a line is edited the terminal is in raw mode, Ctrl-C arrives as a
//! key and rustyline returns `Interrupted` (the line is dropped, a new prompt comes). rustyline
//! also swaps in its own SIGINT handler for the duration of `readline` and puts the previous one
//! (ours, from the ctrlc crate) back when it returns. While a statement runs, the terminal is in
//! its normal mode, so Ctrl-C is SIGINT: our handler sets the engine's interrupt flag and the
//! evaluator raises KeyboardInterrupt at its next check (between statements and loop
//! iterations), reporting where. A statement stuck inside one long libtorch operation cannot be
//! stopped there: a third Ctrl-C then quits fcall.
use std::borrow::Cow;
use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use fcall_lang::{is_complete, Completeness};
use rustyline::completion::{Completer, Pair};
use rustyline::config::{ColorMode, CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

use crate::loader::{self, Loader, WaitError, ENGINE};
use crate::term::Term;

/// Ctrl-C was pressed (seen by the front end; the engine has its own flag).
static STOP: AtomicBool = AtomicBool::new(false);
/// A statement is running.
static RUNNING: AtomicBool = AtomicBool::new(false);
/// Ctrl-C presses during the running statement.
static PRESSES: AtomicU32 = AtomicU32::new(0);

fn on_ctrl_c() {
    STOP.store(true, Ordering::SeqCst);
    if let Some(e) = ENGINE.get() {
        (e.interrupt)();
    }
    if RUNNING.load(Ordering::SeqCst) {
        match PRESSES.fetch_add(1, Ordering::SeqCst) + 1 {
            2 => {
                let _ = writeln!(std::io::stderr(), "\n(still busy inside one operation, which cannot be interrupted; a third Ctrl-C quits fcall)");
            }
            n if n >= 3 => {
                let _ = writeln!(std::io::stderr(), "\nfcall: quit (Ctrl-C three times)");
                // SAFETY: ends the process at once; the engine's thread may be anywhere in libtorch,
                // so no destructors run. History was saved when the line was entered.
                unsafe { libc::_exit(130) };
            }
            _ => {}
        }
    }
}

/// The engine: loading in the background, then a session.
struct Backend {
    loader: Loader,
    session: Option<loader::Session>,
}

impl Backend {
    /// The session, waiting for the engine if it is still loading (`interruptible`: Ctrl-C gives
    /// up waiting).
    fn session(&mut self, interruptible: bool) -> Result<&mut loader::Session, WaitError> {
        if self.session.is_none() {
            let stop = || interruptible && STOP.load(Ordering::SeqCst);
            let engine = self.loader.wait(&stop)?;
            self.session = Some(loader::Session::new(engine).map_err(WaitError::Failed)?);
        }
        Ok(self.session.as_mut().expect("just set"))
    }
}

struct FcallHelper {
    backend: Rc<RefCell<Backend>>,
    color: bool,
    hinter: HistoryHinter,
}

impl Completer for FcallHelper {
    type Candidate = Pair;
    fn complete(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let mut b = self.backend.borrow_mut();
        let Ok(s) = b.session(false) else { return Ok((pos, Vec::new())) };
        let (start, cands) = s.complete(line, pos);
        Ok((start, cands.into_iter().map(|(replacement, display)| Pair { display, replacement }).collect()))
    }
}

impl Hinter for FcallHelper {
    type Hint = String;
    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        // Without colour a hint would look like typed text: none then.
        if !self.color || line.contains('\n') {
            return None;
        }
        self.hinter.hint(line, pos, ctx)
    }
}

impl Highlighter for FcallHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.color {
            Cow::Owned(crate::highlight::highlight(line))
        } else {
            Cow::Borrowed(line)
        }
    }
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[90m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }
    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        self.color && kind != CmdKind::MoveCursor
    }
}

/// Each line is its own edit (Python's REPL: `>>>` then `...` lines); the loop decides whether
/// the entry is complete, so the editor never holds several lines except for a paste.
impl Validator for FcallHelper {
    fn validate(&self, _ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(ValidationResult::Valid(None))
    }
}

/// What to do with the lines typed so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Run the entry.
    Run,
    /// Read a `...` line, pre-filled with this many spaces.
    More(usize),
}

/// Whether `entry` (the lines typed so far, joined by newlines) runs now. A blank `...` line
/// closes every open block, as in Python's REPL; a pasted block runs whole once complete.
pub fn next_step(entry: &str, last_line_blank: bool) -> Next {
    let probe = if last_line_blank { format!("{}\n", entry.trim_end_matches([' ', '\t', '\n'])) } else { entry.to_string() };
    match is_complete(&probe) {
        Completeness::Incomplete { indent } => Next::More(indent),
        _ => Next::Run,
    }
}

impl Helper for FcallHelper {}

/// `$XDG_DATA_HOME/fcall/history` (`~/.local/share/fcall/history`).
pub fn history_path() -> Option<std::path::PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".local/share")))?;
    let dir = base.join("fcall");
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join("history"))
}

pub fn repl(term: &Term) -> i32 {
    // libtorch loads while the prompt is up.
    let loader = Loader::start(true);
    if let Err(e) = ctrlc::set_handler(on_ctrl_c) {
        eprintln!("fcall: Ctrl-C will not stop a running statement ({e})");
    }
    let config = match Config::builder().max_history_size(10_000) {
        Ok(b) => b
            .completion_type(CompletionType::List)
            .auto_add_history(false)
            .color_mode(if term.color { ColorMode::Enabled } else { ColorMode::Disabled })
            .build(),
        Err(e) => {
            eprintln!("fcall: cannot configure the line editor: {e}");
            return 1;
        }
    };
    let mut rl = match rustyline::Editor::<FcallHelper, rustyline::history::DefaultHistory>::with_config(config) {
        Ok(rl) => rl,
        Err(e) => {
            eprintln!("fcall: cannot start the line editor: {e}");
            return 1;
        }
    };
    let backend = Rc::new(RefCell::new(Backend { loader, session: None }));
    rl.set_helper(Some(FcallHelper { backend: backend.clone(), color: term.color, hinter: HistoryHinter::new() }));
    let hist = history_path();
    if let Some(h) = &hist {
        let _ = rl.load_history(h);
    }
    println!("fcall {}: functional_call made visible (PyTorch 2.13 semantics)", env!("CARGO_PKG_VERSION"));
    println!("`help` to start, Tab completes, Ctrl-C stops a statement, Ctrl-D quits.");
    let mut entry = String::new();
    let mut indent = 0usize;
    loop {
        let read = if entry.is_empty() { rl.readline(">>> ") } else { rl.readline_with_initial("... ", (&" ".repeat(indent), "")) };
        match read {
            Ok(line) => {
                if entry.is_empty() && line.trim().is_empty() {
                    continue;
                }
                let blank = !entry.is_empty() && line.trim().is_empty();
                if !entry.is_empty() {
                    entry.push('\n');
                }
                entry.push_str(&line);
                match next_step(&entry, blank) {
                    Next::More(n) => {
                        indent = n;
                        continue;
                    }
                    Next::Run => {}
                }
                let line = std::mem::take(&mut entry).trim_end().to_string();
                let _ = rl.add_history_entry(line.as_str());
                if let Some(h) = &hist {
                    let _ = rl.append_history(h);
                }
                if let Err(code) = run_entry(&backend, &line, term) {
                    leave(code);
                }
            }
            Err(ReadlineError::Interrupted) => {
                // Ctrl-C at a `...` prompt drops the unfinished entry, as Python's REPL does.
                if !entry.is_empty() {
                    entry.clear();
                    println!("KeyboardInterrupt");
                }
                continue;
            }
            Err(ReadlineError::Eof) => {
                println!();
                leave(0);
            }
            Err(e) => {
                eprintln!("fcall: {e}");
                leave(1);
            }
        }
    }
}

/// Ends the process without running libtorch's static destructors: the engine may still be
/// loading on its thread (Ctrl-D right after start), and there is nothing left to save (history
/// is appended as each entry is made).
fn leave(code: i32) -> ! {
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: _exit ends the process; nothing after it runs.
    unsafe { libc::_exit(code) }
}

/// Runs one entry and prints its output; `Err(status)` if the REPL cannot go on.
fn run_entry(backend: &Rc<RefCell<Backend>>, line: &str, term: &Term) -> Result<(), i32> {
    STOP.store(false, Ordering::SeqCst);
    PRESSES.store(0, Ordering::SeqCst);
    if let Some(e) = ENGINE.get() {
        (e.interrupt_clear)();
    }
    RUNNING.store(true, Ordering::SeqCst);
    let width = term.current_width();
    let result = {
        let mut b = backend.borrow_mut();
        b.session(true).map(|s| s.run(line, width, term.color))
    };
    RUNNING.store(false, Ordering::SeqCst);
    let mut stdout = std::io::stdout().lock();
    match result {
        Ok((text, _failed)) => {
            // A stepper's stages are summarised one by one (each is one screen to read).
            let pages: Vec<String> = crate::stepper::pages(&text).iter().map(|p| crate::output::summarise(p, crate::output::max_lines(), width, term.color)).collect();
            crate::stepper::print(&mut stdout, &pages.concat(), term.color);
            if PRESSES.load(Ordering::SeqCst) > 0 && !text.contains("KeyboardInterrupt") {
                // The evaluator checks between statements and loop iterations; this one finished
                // inside a single operation first.
                let note = "(Ctrl-C came while one operation was running; the statement finished first)";
                let _ = writeln!(stdout, "{}", if term.color { format!("\x1b[2m{note}\x1b[0m") } else { note.to_string() });
            }
        }
        Err(WaitError::Interrupted) => {
            let _ = writeln!(stdout, "KeyboardInterrupt: stopped while the engine was still loading; nothing ran");
        }
        Err(WaitError::Failed(e)) => {
            let _ = stdout.flush();
            eprintln!("fcall: {e}");
            return Err(1);
        }
    }
    let _ = stdout.flush();
    Ok(())
}
