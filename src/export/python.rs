//! `fcall export` for the Python language: a `.fc` script (Python plus fcall's command lines)
//! as a plain PyTorch script a person can hand on. The script is its own text with every
//! command line replaced by the PyTorch it stands for:
//!
//! | fcall                                         | PyTorch                                                              |
//! |-----------------------------------------------|----------------------------------------------------------------------|
//! | `call mod with a (x, k=1) tie=False strict=True` | `functional_call(mod, a, (x,), {"k": 1}, tie_weights=False, strict=True)` |
//! | `y = call ...`                                | `y = functional_call(...)`                                           |
//! | `explain call ...`                            | the same `functional_call(...)`, with a `# explain:` comment         |
//! | `seed 0`                                      | `torch.manual_seed(0)`                                               |
//! | `show x`                                      | `print(x)`                                                           |
//! | `ties m`, `help`, `history`, `export ...`, `reset` | `pass  # fcall: <the command>`                                  |
//!
//! The module, dicts, arguments and option values are copied from the source as written. A
//! command is replaced by text with as many lines as it had, so every line keeps its number
//! (after the session prelude that [`export_fc`] puts on top). A `.py` file is exported as
//! itself (the engine copies it byte for byte).
//!
//! [`Mode::Check`] is the variant that `fcall check` runs under its statement runner
//! (`runner.py`): the same text, except that the commands whose record has no PyTorch
//! counterpart call the runner's `_fcall` helpers (`show x` is `_fcall.show(x)`, evaluated and
//! printed nowhere, as in fcall's JSON record; `seed 0` is `_fcall.seed(0)`, quiet; a top-level
//! `y = call ...` is `y = _fcall.call(functional_call(...))`, a `"call"` record as fcall's;
//! `reset` is `_fcall.reset()`; `history`, `reset` and `export` in a body are the error fcall
//! gives), and no prelude is put on top (the runner starts each script in
//! a namespace that holds it), so the line numbers are the source's.
use fcall_lang::ast::{Arg, Block, CallOptionKind, Command, Expr, ExprKind, FunctionalCall, Stmt, StmtKind, Unpack};
use fcall_lang::python::{commands, parse_program};
use fcall_lang::{LineIndex, Span};

/// What a session starts with (shared/LANGUAGE.md, "A session starts as if it had run").
pub const SESSION_PRELUDE: &str = "import math
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, grad_and_value, vmap, stack_module_state
";

/// Which export: for a reader, or for `fcall check`'s runner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Plain PyTorch.
    Plain,
    /// For `runner.py`: the commands whose record PyTorch has no counterpart for call its
    /// `_fcall` helpers (see the module doc).
    Check,
}

/// One replacement of `src[start..end]`.
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

/// A replacement built piece by piece, each copied piece on the line it has in the source: moving
/// to a later line of the source starts a new line, indented as that source line is.
struct Layout<'a> {
    src: &'a str,
    out: String,
    /// How far into the source the text has come.
    at: usize,
}

impl Layout<'_> {
    fn lit(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Moves to source offset `to`: one newline per line passed.
    fn to(&mut self, to: usize) {
        if to <= self.at {
            return;
        }
        let passed = self.src[self.at..to].matches('\n').count();
        if passed > 0 {
            let trimmed = self.out.trim_end_matches(' ').len();
            self.out.truncate(trimmed);
            self.out.push_str(&"\n".repeat(passed));
            let line_start = self.src[..to].rfind('\n').map_or(0, |i| i + 1);
            let indent: String = self.src[line_start..to].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
            self.out.push_str(&indent);
        }
        self.at = to;
    }

    /// The source text of `span`, on its line.
    fn copy(&mut self, span: Span) {
        self.to(span.start);
        self.out.push_str(self.src[span.start..span.end].trim_end());
        self.at = self.at.max(span.end);
    }

    /// An expression as one argument of a call (a bare tuple gets its parentheses).
    fn copy_arg(&mut self, e: &Expr) {
        let bare_tuple = matches!(e.kind, ExprKind::Tuple(_)) && !self.src[e.span.start..e.span.end].starts_with('(');
        if bare_tuple {
            self.to(e.span.start);
            self.lit("(");
        }
        self.copy(e.span);
        if bare_tuple {
            self.lit(")");
        }
    }
}

struct Exporter<'a> {
    src: &'a str,
    mode: Mode,
    edits: Vec<Edit>,
}

/// Whitespace runs (newlines included) as one space: a command's text in a one-line comment.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A Python string literal for a keyword name.
fn py_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

impl<'a> Exporter<'a> {
    fn text(&self, s: Span) -> &'a str {
        &self.src[s.start..s.end]
    }

    /// `span` widened to the `%` of a `%word` command.
    fn with_percent(&self, s: Span) -> Span {
        if s.start > 0 && self.src.as_bytes()[s.start - 1] == b'%' {
            Span::new(s.start - 1, s.end)
        } else {
            s
        }
    }

    /// Replaces `region` by `text`, padded to the region's number of lines: the padding goes
    /// before the last `)` of `text` when `text` ends with one (inside the brackets, where
    /// newlines are free), else after it (blank lines).
    fn edit(&mut self, region: Span, mut text: String, comment: Option<String>) {
        let want = self.text(region).matches('\n').count();
        let have = text.matches('\n').count();
        if want > have {
            let pad = "\n".repeat(want - have);
            if text.ends_with(')') {
                text.insert_str(text.len() - 1, &pad);
                if let Some(c) = comment {
                    text.push_str(&format!("  # {c}"));
                }
            } else {
                if let Some(c) = comment {
                    text.push_str(&format!("  # {c}"));
                }
                text.push_str(&pad);
            }
        } else if let Some(c) = comment {
            text.push_str(&format!("  # {c}"));
        }
        self.edits.push(Edit { start: region.start, end: region.end, text });
    }

    /// An expression's text as one argument of a call (a bare tuple gets its parentheses).
    fn arg_text(&self, e: &Expr) -> String {
        let t = self.text(e.span);
        match e.kind {
            ExprKind::Tuple(_) if !t.trim_start().starts_with('(') => format!("({t})"),
            _ => t.to_string(),
        }
    }

    /// `functional_call(module, dicts, (args,), {kwargs}, tie_weights=, strict=)`, each part
    /// on the line it was written on (see [`Layout`]).
    fn functional_call(&self, c: &FunctionalCall, region: Span) -> String {
        let mut out = Layout { src: self.src, out: String::new(), at: region.start };
        out.lit("functional_call(");
        out.copy_arg(&c.module);
        out.lit(", ");
        out.copy_arg(&c.dicts);
        out.lit(", ");
        out.to(c.args_span.start);
        out.lit("(");
        let positional: Vec<&Arg> = c.args.iter().filter(|a| a.name.is_none() && a.unpack != Unpack::DoubleStar).collect();
        for (i, a) in positional.iter().enumerate() {
            if i > 0 {
                out.lit(", ");
            }
            out.copy(a.span);
        }
        out.lit(if positional.len() == 1 { ",)" } else { ")" });
        let keywords: Vec<&Arg> = c.args.iter().filter(|a| a.name.is_some() || a.unpack == Unpack::DoubleStar).collect();
        for (i, a) in keywords.iter().enumerate() {
            out.lit(if i == 0 { ", {" } else { ", " });
            match &a.name {
                Some(n) => {
                    out.to(a.span.start);
                    out.lit(&format!("{}: ", py_str(&n.name)));
                    // The value as written after `=` (parentheses included).
                    let after = &self.src[n.span.end..a.span.end];
                    let eq = n.span.end + after.find('=').map_or(0, |i| i + 1);
                    let rest = &self.src[eq..a.span.end];
                    let start = eq + (rest.len() - rest.trim_start().len());
                    out.copy(Span::new(start, a.span.end));
                }
                None => out.copy(a.span),
            }
        }
        if !keywords.is_empty() {
            out.lit("}");
        }
        // rows= is the display's option, not functional_call's.
        for o in c.options.iter().filter(|o| o.kind != CallOptionKind::Rows) {
            out.lit(", ");
            out.to(o.span.start);
            out.lit(match o.kind {
                CallOptionKind::Tie => "tie_weights=",
                CallOptionKind::Strict => "strict=",
                CallOptionKind::Rows => "",
            });
            match o.value.kind {
                ExprKind::Bool(true) => out.lit("True"),
                ExprKind::Bool(false) => out.lit("False"),
                _ => out.copy(o.value.span),
            }
        }
        out.to(region.end.saturating_sub(1).max(out.at));
        out.lit(")");
        out.out
    }

    /// A `call` / `explain call` command (`e` is its FunctionalCall expression); `assigned_top`:
    /// the value of a top-level `y = call ...`.
    fn call(&mut self, e: &Expr, c: &FunctionalCall, assigned_top: bool) {
        let region = self.with_percent(e.span);
        let mut text = self.functional_call(c, region);
        if assigned_top && self.mode == Mode::Check {
            text = format!("_fcall.call({text})");
        }
        let comment = match (c.explain, c.picture) {
            (Some(_), _) => Some("explain: fcall narrates this call stage by stage".to_string()),
            (_, Some((fcall_lang::ast::CallPicture::Draw, _))) => Some("draw: fcall draws this call's names and objects".to_string()),
            (_, Some((fcall_lang::ast::CallPicture::Step, _))) => Some("step: fcall walks this call stage by stage".to_string()),
            _ => None,
        };
        self.edit(region, text, comment);
    }

    fn command(&mut self, s: &Stmt, c: &Command, top: bool) {
        let region = self.with_percent(s.span);
        let note = || format!("pass  # fcall: {}", one_line(&self.src[region.start..region.end]));
        let check = self.mode == Mode::Check;
        let text = match c {
            // fcall runs these only at top level; in a body they are an error.
            Command::History | Command::Reset | Command::Export { .. } if check && !top => format!("_fcall.top_level_only({})", py_str(c.word())),
            Command::Seed(e) if check => format!("_fcall.seed({})", self.arg_text(e)),
            Command::Seed(e) => format!("torch.manual_seed({})", self.arg_text(e)),
            Command::Show(e) if check => format!("_fcall.show({})", self.arg_text(e)),
            Command::Show(e) => format!("print({})", self.arg_text(e)),
            Command::Ties(e) if check => format!("_fcall.ties({})", self.arg_text(e)),
            Command::Reset if check => "_fcall.reset()".to_string(),
            Command::Reset => format!("{}  (fcall clears every name here)", note()),
            Command::Ties(_) | Command::Draw(_) | Command::Help(_) | Command::History | Command::Export { .. } => note(),
            Command::Watch(_) | Command::Unwatch(_) | Command::Plot(_) => note(),
        };
        self.edit(region, text, None);
    }

    fn block(&mut self, b: &Block) {
        for s in &b.stmts {
            self.stmt(s, false);
        }
    }

    fn value(&mut self, value: &Expr, top: bool) {
        if let ExprKind::FunctionalCall(c) = &value.kind {
            self.call(value, c, top);
        }
    }

    /// Every command in `s` and the statements nested in it.
    fn stmt(&mut self, s: &Stmt, top: bool) {
        match &s.kind {
            StmtKind::Expr(e) => {
                if let ExprKind::FunctionalCall(c) = &e.kind {
                    self.call(e, c, false);
                }
            }
            StmtKind::Assign { value, .. } | StmtKind::MultiAssign { value, .. } => self.value(value, top),
            StmtKind::Command(c) => self.command(s, c, top),
            StmtKind::If(i) => {
                for b in &i.branches {
                    self.block(&b.body);
                }
                if let Some(b) = &i.else_body {
                    self.block(b);
                }
            }
            StmtKind::For { body, orelse, .. } | StmtKind::While { body, orelse, .. } => {
                self.block(body);
                if let Some(b) = orelse {
                    self.block(b);
                }
            }
            StmtKind::Def(f) => self.block(&f.body),
            StmtKind::Class(c) => {
                for a in &c.attrs {
                    self.stmt(a, false);
                }
                for m in &c.methods {
                    self.block(&m.body);
                }
            }
            StmtKind::NoGrad(b) | StmtKind::Block(b) | StmtKind::With { body: b, .. } => self.block(b),
            StmtKind::Try(t) => {
                self.block(&t.body);
                for h in &t.handlers {
                    self.block(&h.body);
                }
                for b in t.orelse.iter().chain(t.finalbody.iter()) {
                    self.block(b);
                }
            }
            StmtKind::AugAssign { .. }
            | StmtKind::Break
            | StmtKind::Continue
            | StmtKind::Return(_)
            | StmtKind::Pass
            | StmtKind::Del(_)
            | StmtKind::Raise { .. }
            | StmtKind::Assert { .. }
            | StmtKind::Global(_)
            | StmtKind::Nonlocal(_)
            | StmtKind::Import(_)
            | StmtKind::ImportFrom { .. } => {}
        }
    }
}

/// `src` (Python with fcall's command lines) with every command line replaced (see the module
/// doc); no prelude. The error is the parse error, or a command this exporter did not find.
pub fn replace_commands(src: &str, mode: Mode) -> Result<String, String> {
    let index = LineIndex::new(src);
    let program = parse_program(src).map_err(|d| {
        let d = &d[0];
        format!("line {}: {}", index.line_col(d.span.start).line, d.message)
    })?;
    let mut ex = Exporter { src, mode, edits: Vec::new() };
    for s in &program.stmts {
        ex.stmt(s, true);
    }
    // Every command line Python would reject must be replaced, or the export is no Python.
    let prepared = commands::prepare(src);
    let mut missed: Vec<usize> = prepared
        .commands
        .values()
        .map(|c| c.text.start)
        .filter(|&at| !ex.edits.iter().any(|e| e.start <= at && at < e.end))
        .collect();
    missed.sort();
    if let Some(&at) = missed.first() {
        return Err(format!("line {}: this command cannot be exported to Python yet", index.line_col(at).line));
    }
    ex.edits.sort_by_key(|e| e.start);
    let mut out = String::with_capacity(src.len() + 64);
    let mut at = 0;
    for e in &ex.edits {
        if e.start < at {
            continue;
        }
        out.push_str(&src[at..e.start]);
        out.push_str(&e.text);
        at = e.end;
    }
    out.push_str(&src[at..]);
    Ok(out)
}

/// The header of a plain export: one comment line, the session prelude, a blank line.
fn header(what: &str, offset_note: bool) -> String {
    let lines = SESSION_PRELUDE.lines().count() + 2;
    let note = if offset_note { format!(" (its line N is line N+{lines} here)") } else { String::new() };
    format!("# {what}, exported by fcall as a plain PyTorch script: fcall's commands as the PyTorch they stand for{note}.\n{SESSION_PRELUDE}\n")
}

/// A `.fc` script (Python with command lines) as a plain PyTorch script: the session prelude,
/// then the script with its command lines replaced.
pub fn export_fc(src: &str, name: &str) -> Result<String, String> {
    let body = replace_commands(src, Mode::Plain)?;
    Ok(header(name, true) + &body)
}

/// A session's inputs as one plain PyTorch script (the inputs that do not parse are left out:
/// they ran nothing).
pub fn export_session(inputs: &[String]) -> Result<String, String> {
    let mut out = header("An fcall session", false);
    for code in inputs {
        if parse_program(code).is_err() {
            continue;
        }
        let body = replace_commands(code, Mode::Plain)?;
        out.push_str(&body);
        if !body.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(src: &str) -> String {
        let out = replace_commands(src, Mode::Plain).unwrap();
        assert_eq!(out.lines().count(), src.lines().count(), "line count changed:\n{src}\n---\n{out}");
        out
    }

    fn check(src: &str) -> String {
        let out = replace_commands(src, Mode::Check).unwrap();
        assert_eq!(out.lines().count(), src.lines().count(), "line count changed:\n{src}\n---\n{out}");
        out
    }

    #[test]
    fn call_becomes_functional_call() {
        assert_eq!(
            plain("call mod with a (x, k=1) tie=False strict=True\n"),
            "functional_call(mod, a, (x,), {\"k\": 1}, tie_weights=False, strict=True)\n"
        );
        assert_eq!(plain("y = call mod with a (x)\n"), "y = functional_call(mod, a, (x,))\n");
        assert_eq!(plain("call mod with (a, b) ()\n"), "functional_call(mod, (a, b), ())\n");
        assert_eq!(plain("call m.enc with {\"w\": w} (x, y) tie=false\n"), "functional_call(m.enc, {\"w\": w}, (x, y), tie_weights=False)\n");
        assert_eq!(
            plain("call mod with a (*xs, scale=(2.0), **kw) tie_weights=t\n"),
            "functional_call(mod, a, (*xs,), {\"scale\": (2.0), **kw}, tie_weights=t)\n"
        );
        assert_eq!(plain("%call mod with a (x)  # note\n"), "functional_call(mod, a, (x,))  # note\n");
        assert_eq!(
            plain("explain call mod with a (x)\n"),
            "functional_call(mod, a, (x,))  # explain: fcall narrates this call stage by stage\n"
        );
    }

    #[test]
    fn commands_become_pytorch_or_comments() {
        assert_eq!(plain("seed 0\n"), "torch.manual_seed(0)\n");
        assert_eq!(plain("%seed 1\n"), "torch.manual_seed(1)\n");
        assert_eq!(plain("show x\nshow a, b\n"), "print(x)\nprint((a, b))\n");
        assert_eq!(plain("ties mod\n"), "pass  # fcall: ties mod\n");
        assert_eq!(plain("help\nhelp call\nhistory\n"), "pass  # fcall: help\npass  # fcall: help call\npass  # fcall: history\n");
        assert_eq!(plain("export python \"s.py\"\n"), "pass  # fcall: export python \"s.py\"\n");
        assert!(plain("reset\n").starts_with("pass  # fcall: reset"));
        // Valid Python never changes.
        let py = "show = 1\nshow(2)\nseed = [0]\nx = seed[0]\n";
        assert_eq!(plain(py), py);
    }

    #[test]
    fn commands_in_bodies_and_line_numbers() {
        let src = "def f(x):\n    seed 1\n    y = call mod with a (x)\n    show y\n    return y\nfor i in range(2):\n    explain call mod with a (\n        x,\n        k=i,\n    ) strict=True\n    help\nclass C:\n    def m(self):\n        ties mod\n";
        let out = plain(src);
        assert!(out.contains("    torch.manual_seed(1)\n    y = functional_call(mod, a, (x,))\n    print(y)\n"), "{out}");
        assert!(out.contains("    functional_call(mod, a, (\n        x,), {\n        \"k\": i},\n    strict=True)  # explain:"), "{out}");
        assert!(out.contains("\n    pass  # fcall: help\n") && out.contains("        pass  # fcall: ties mod\n"), "{out}");
        // Each line after a command is where it was.
        for (a, b) in src.lines().zip(out.lines()) {
            if a.trim_start().starts_with("return") || a.starts_with("for") || a.starts_with("class") {
                assert_eq!(a, b);
            }
        }
    }

    #[test]
    fn check_mode_calls_the_runner() {
        let out = check("seed 0\nshow x\nties m\ny = call mod with a (x)\ncall mod with a (x)\nreset\ndef f():\n    z = call mod with a (x)\n    show z\n    reset\n");
        assert_eq!(
            out,
            "_fcall.seed(0)\n_fcall.show(x)\n_fcall.ties(m)\ny = _fcall.call(functional_call(mod, a, (x,)))\nfunctional_call(mod, a, (x,))\n_fcall.reset()\ndef f():\n    z = functional_call(mod, a, (x,))\n    _fcall.show(z)\n    _fcall.top_level_only(\"reset\")\n"
        );
    }

    #[test]
    fn a_session_export_starts_with_the_prelude() {
        let py = export_fc("x = torch.ones(2)\nseed 0\n", "t.fc").unwrap();
        assert!(py.starts_with("# t.fc, exported by fcall"), "{py}");
        assert!(py.contains(SESSION_PRELUDE) && py.ends_with("\nx = torch.ones(2)\ntorch.manual_seed(0)\n"), "{py}");
        let note = format!("line N+{}", SESSION_PRELUDE.lines().count() + 2);
        assert!(py.lines().next().unwrap().contains(&note), "{py}");
        assert_eq!(py.lines().count(), 2 + SESSION_PRELUDE.lines().count() + 2);
        let s = export_session(&["x = 1\n".to_string(), "show x".to_string(), "export python \"s.py\"\n".to_string()]).unwrap();
        assert!(s.ends_with("\nx = 1\nprint(x)\npass  # fcall: export python \"s.py\"\n"), "{s}");
    }
}
