//! The fcall language on the engine: a [`Session`] holds the workspace and runs source text
//! (a script, a REPL entry, a notebook cell). The whole input is parsed first; nothing runs if
//! it does not parse. Each top-level statement yields a [`StmtOutput`] that front ends render as
//! text, HTML or JSON. A failed or interrupted statement keeps everything it did before the
//! failure, as Python does (an interrupted loop ends with its counter as far as it got).
pub(crate) mod args;
mod builtins;
mod classes;
mod commands;
mod comprehension;
mod containers;
pub mod convert;
mod copy;
mod dataclasses;
pub mod device;
pub mod dtypes;
mod exceptions;
mod format;
pub mod eval;
mod frame;
mod functions;
mod functools;
mod functorch;
mod gradmode;
mod hooks;
pub mod imports;
mod inspect;
mod io;
mod ptfile;
mod unpickle;
mod lists;
pub mod members;
mod modules;
mod nninit;
mod ops;
mod parametrizations;
mod pycopy;
mod seqlayers;
mod pybuiltins;
mod pymath;
mod reflect;
pub mod snapshot;
mod sets;
mod statements;
mod strings;
mod namedtuple;
mod tensor_hooks;
mod suggest;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod class_tests;
#[cfg(test)]
mod statement_tests;
#[cfg(test)]
mod limits_tests;
pub mod output;
pub mod progress;
mod watch;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use fcall_lang::ast::{Command, ExprKind, Stmt, StmtKind};
use fcall_lang::{parse_program, Diagnostic, LineIndex, Span};

pub use eval::{CallShow, INTERRUPTED};
pub use output::{Display, Failure, OutKind, Rendered, StmtOutput, Svg, Targets};

use crate::error::{Error, ExcType, Result};
use crate::value::Value;
use eval::{Ctx, Shared};
use frame::Frame;

/// How a run treats errors: the REPL and notebooks stop at the first failed statement; `fcall
/// run --json` reports every statement.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    pub keep_going: bool,
}

pub struct Session {
    sh: Rc<Shared>,
    history: Vec<String>,
    /// The line starts of each source (by id), indexed once: a run with 100,000 failing
    /// statements renders each error against its source without indexing it again.
    line_starts: RefCell<HashMap<u32, std::sync::Arc<[usize]>>>,
    /// The renderings each statement's output gets when it finishes.
    pub targets: Targets,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    pub fn new() -> Session {
        let sh = Rc::new(Shared {
            globals: Frame::root(),
            builtins: RefCell::new(HashMap::new()),
            modules: RefCell::new(Default::default()),
            out: RefCell::new(String::new()),
            sources: RefCell::new(Vec::new()),
            calls: RefCell::new(Vec::new()),
            call_depth: std::cell::Cell::new(0),
            snapshot_calls: std::cell::Cell::new(false),
            displays: RefCell::new(Vec::new()),
            targets: std::cell::Cell::new(Targets::default()),
            watches: Default::default(),
            progress: Default::default(),
        });
        *sh.builtins.borrow_mut() = builtins::builtins(&Rc::downgrade(&sh));
        imports::start(&sh);
        Session { sh, history: Vec::new(), line_starts: RefCell::new(HashMap::new()), targets: Targets::default() }
    }

    /// Shows the progress of long top-level statements through `view` (see [`progress`]).
    pub fn set_progress_view(&self, view: Box<dyn progress::ProgressView>) {
        self.sh.progress.set_view(view);
    }

    /// The names bound in the workspace.
    pub fn names(&self) -> Vec<String> {
        self.sh.globals.names()
    }
    /// A workspace variable.
    pub fn get(&self, name: &str) -> Option<Value> {
        self.sh.globals.get(name)
    }
    /// Binds a workspace variable (Python's `globals()[name] = v`).
    pub fn set(&mut self, name: &str, v: Value) {
        self.sh.globals.set(name, v)
    }
    /// Built-in names (for completion).
    pub fn builtin_names(&self) -> Vec<String> {
        // (Keys with a dot are torch functions kept for their modules, not names: `torch.sum`.)
        let mut v: Vec<String> = self.sh.builtins.borrow().keys().filter(|k| builtins::is_python_builtin(k)).cloned().collect();
        v.sort();
        v
    }
    pub fn history(&self) -> &[String] {
        &self.history
    }

    /// Runs `code`; one output per top-level statement (or one for a syntax error).
    pub fn run(&mut self, code: &str, opts: RunOptions) -> Vec<StmtOutput> {
        let src_id = {
            let mut s = self.sh.sources.borrow_mut();
            s.push(Rc::from(code));
            (s.len() - 1) as u32
        };
        if !code.trim().is_empty() {
            self.history.push(code.trim_end().to_string());
        }
        let index = LineIndex::new(code);
        self.line_starts.borrow_mut().insert(src_id, index.line_starts());
        let program = match parse_program(code) {
            Ok(p) => p,
            Err(diags) => {
                let first = diags[0].clone();
                let line = index.line_col(first.span.start).line;
                let text = fcall_lang::render_all(code, &diags, false);
                let text_color = fcall_lang::render_all(code, &diags, true);
                let mut out = StmtOutput {
                    line,
                    source: index.line_text(line).to_string(),
                    kind: OutKind::Error,
                    value: None,
                    call: None,
                    failure: Some(Failure::Syntax(diags)),
                    printed: String::new(),
                    display: Vec::new(),
                    error_text: Some(text),
                    error_text_color: Some(text_color),
                    rendered: Rendered::default(),
                };
                out.render(&self.targets);
                return vec![out];
            }
        };
        let ctx = Ctx { sh: self.sh.clone(), src: src_id };
        let mut outs = Vec::new();
        for stmt in &program.stmts {
            let out = self.run_stmt(&ctx, stmt, code, &index);
            let failed = out.kind == OutKind::Error;
            outs.push(out);
            if failed && !opts.keep_going {
                break;
            }
        }
        outs
    }

    fn run_stmt(&mut self, ctx: &Ctx, stmt: &Stmt, code: &str, index: &LineIndex) -> StmtOutput {
        let line = index.line_col(stmt.span.start).line;
        self.sh.out.borrow_mut().clear();
        self.sh.calls.borrow_mut().clear();
        self.sh.displays.borrow_mut().clear();
        self.sh.targets.set(self.targets);
        let mut display = Vec::new();
        let shows_call = match &stmt.kind {
            StmtKind::Expr(e) => matches!(e.kind, ExprKind::FunctionalCall(_)) || calls_functional_call(e),
            StmtKind::Assign { value, .. } => matches!(value.kind, ExprKind::FunctionalCall(_)),
            _ => false,
        };
        self.sh.snapshot_calls.set(shows_call);
        self.sh.progress.start(stmt.span.slice(code), matches!(stmt.kind, StmtKind::For { .. }).then_some(stmt.span.start));
        let mark = self.sh.watches.mark();
        let result: Result<Option<Value>> = match &stmt.kind {
            StmtKind::Command(c) => self.command(ctx, c, &mut display).map(|_| None).map_err(|e| e.at(ctx.loc(stmt.span))),
            StmtKind::Expr(e) => ctx.eval(e, &self.sh.globals).map(Some),
            _ => ctx.exec_stmt(stmt, &self.sh.globals).map(|_| None),
        };
        self.sh.progress.stop();
        if !matches!(stmt.kind, StmtKind::Command(_)) {
            self.sh.watches.after_statement(ctx, mark);
        }
        // Showing a value runs a user class's `__repr__`, which can raise (as Python's REPL does).
        let result = result.and_then(|v| match &v {
            Some(x) if crate::object::user_class_of(x).is_some() || x.container_ptr().is_some() => {
                crate::object::try_repr(x).map(|_| v).map_err(|e| e.at(ctx.loc(stmt.span)))
            }
            _ => Ok(v),
        });
        self.sh.snapshot_calls.set(false);
        // Commands run inside bodies (a `call` or `show` in a loop) showed as they ran.
        let mut display = std::mem::take(&mut *self.sh.displays.borrow_mut()).into_iter().chain(display).collect::<Vec<_>>();
        display.shrink_to_fit();
        let printed = std::mem::take(&mut *self.sh.out.borrow_mut());
        let call = if shows_call { self.sh.calls.borrow().first().cloned() } else { None };
        let source = stmt.span.slice(code).to_string();
        let mut out = StmtOutput {
            line,
            source,
            kind: OutKind::None,
            value: None,
            call,
            failure: None,
            printed,
            display,
            error_text: None,
            error_text_color: None,
            rendered: Rendered::default(),
        };
        match result {
            Ok(v) => {
                if shows_call {
                    out.kind = OutKind::Call;
                    out.value = Some(match (&stmt.kind, v) {
                        (_, Some(v)) => v,
                        _ => out.call.as_ref().and_then(|c| c.result.clone()).unwrap_or(Value::None),
                    });
                } else if let Some(v) = v {
                    if !v.is_none() {
                        out.kind = OutKind::Value;
                        out.value = Some(v);
                    }
                }
            }
            Err(e) => {
                out.kind = OutKind::Error;
                out.error_text = Some(self.render_error(&e, false));
                out.error_text_color = Some(self.render_error(&e, true));
                out.failure = Some(Failure::Raised(e));
            }
        }
        out.render(&self.targets);
        out
    }

    /// An error against the source it came from, with a caret, the hint and a known-bug note.
    /// Source `id` and its line starts (indexed on first use).
    fn source(&self, id: u32) -> (Rc<str>, std::sync::Arc<[usize]>) {
        let src = self.sh.sources.borrow().get(id as usize).cloned().unwrap_or_else(|| Rc::from(""));
        let starts = self.line_starts.borrow_mut().entry(id).or_insert_with(|| LineIndex::new(&src).line_starts()).clone();
        (src, starts)
    }

    pub fn render_error(&self, e: &Error, color: bool) -> String {
        let headline = e.headline();
        let mut text = match e.location {
            Some(loc) => {
                let (src, starts) = self.source(loc.source);
                let mut d = Diagnostic::new(e.code, headline, Span { start: loc.start, end: loc.end.max(loc.start) });
                if let Some(h) = &e.hint {
                    d = d.with_hint(h.clone());
                }
                fcall_lang::render_indexed(None, &LineIndex::with_line_starts(&src, starts), &d, color)
            }
            None => {
                let mut s = format!("{headline} [{}]", e.code);
                if let Some(h) = &e.hint {
                    s.push_str(&format!("\nhint: {h}"));
                }
                s
            }
        };
        let trace = functions::trace_text(e, &|loc| {
            let (src, starts) = self.source(loc.source);
            let line = LineIndex::with_line_starts(&src, starts).line_col(loc.start).line;
            line
        });
        if !trace.is_empty() {
            let ends_line = text.ends_with('\n');
            text.truncate(text.trim_end_matches('\n').len());
            text.push_str(&trace);
            if ends_line {
                text.push('\n');
            }
        }
        if let Some(b) = &e.known_bug {
            text.push_str(&format!("\nnote: {}{}", b.summary, b.upstream.map(|u| format!(" ({u})")).unwrap_or_default()));
        }
        text
    }

    fn command(&mut self, ctx: &Ctx, c: &Command, display: &mut Vec<Display>) -> Result<()> {
        let g = self.sh.globals.clone();
        if let Some(shown) = commands::in_body(ctx, c, &g)? {
            display.extend(shown);
            return Ok(());
        }
        match c {
            Command::Seed(_) | Command::Show(_) | Command::Ties(_) | Command::Draw(_) | Command::Help(_) | Command::Watch(_) | Command::Unwatch(_) | Command::Plot(_) => {
                unreachable!("commands::in_body runs these")
            }
            Command::History => {
                let mut s = String::new();
                for (i, h) in self.history.iter().enumerate() {
                    s.push_str(&format!("{:>4}  {}\n", i + 1, h.replace('\n', "\n      ")));
                }
                display.push(Display::Text(s));
            }
            Command::Reset => {
                self.sh.globals.clear();
                self.sh.watches.clear();
                // A fresh prelude: `torch`, `nn`, `F`, ... as a new session has them.
                imports::start(&self.sh);
                display.push(Display::Text("workspace cleared\n".into()));
            }
            Command::Export { format, path } => {
                if format.name != "python" {
                    return Err(Error::value("command::export", format!("unknown export format '{}'", format.name)).with_hint("the format is `python`: export python \"session.py\""));
                }
                let Value::Str(file) = ctx.eval(path, &g)? else {
                    return Err(Error::type_error("command::export", "export python takes a file name string"));
                };
                // The inputs that parsed, this one included (its `export` is a comment there).
                let py = crate::export::export_history(&self.history).map_err(|e| Error::new(ExcType::NotImplementedError, "command::export", e))?;
                std::fs::write(&*file, py).map_err(|e| Error::new(ExcType::OSError, "command::export", format!("cannot write {file}: {e}")))?;
                display.push(Display::Text(format!("exported the session to {file}\n")));
            }
        }
        Ok(())
    }
}

/// Whether `e` is the documentation's form, `functional_call(...)` (also spelled
/// `torch.func.functional_call(...)`, `func.functional_call(...)`, ...): as a top-level
/// expression statement it shows the call's table, then its value.
fn calls_functional_call(e: &fcall_lang::ast::Expr) -> bool {
    match &e.kind {
        ExprKind::Call { func, .. } => func.dotted_name().is_some_and(|n| n == "functional_call" || n.ends_with(".functional_call")),
        _ => false,
    }
}

