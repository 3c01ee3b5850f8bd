//! `export python`: an fcall program as an equivalent, readable PyTorch script.
//!
//! Classes become `nn.Module` subclasses (`init` is `__init__`, after `super().__init__()`),
//! built-ins their torch / torch.nn / torch.func counterparts, `call` is
//! `torch.func.functional_call(mod, dicts, args, kwargs, tie_weights=, strict=)`, dicts are
//! `FDict` (a `dict` whose entries read as attributes and whose arithmetic applies per key,
//! registered as a pytree node so torch.func returns one), `seed` is `torch.manual_seed`.
//! Each top-level statement runs in `with _Stmt(line, source) as _s:`, which prints the
//! statement's JSON record exactly as `fcall run --json` does (shared/LANGUAGE.md), catching its
//! error so the run goes on; tensor ids are numbered in order of first sight, so they match
//! fcall's only in their equality pattern. [`compare`] checks two such runs against each other.
mod expr;
mod stmt;
pub mod compare;

/// For the engine's `fcall check`, which reads the records.
pub use serde_json;

use fcall_lang::{parse_program, LineIndex, Span};

/// The Python prelude put at the top of every export.
pub const PRELUDE: &str = include_str!("prelude.py");

/// A construct with no export yet.
#[derive(Clone, Debug)]
pub struct ExportError {
    /// What could not be exported (`the built-in 'save'`).
    pub construct: String,
    pub span: Span,
    /// 1-based line, filled in by [`export_program`].
    pub line: usize,
}

impl ExportError {
    pub fn new(construct: String, span: Span) -> ExportError {
        ExportError { construct, span, line: 0 }
    }
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "export error: {} cannot be exported to Python yet (line {})", self.construct, self.line)
    }
}

/// The top-level statements of one source, appended to `out`.
fn export_source(out: &mut stmt::Out, code: &str) -> Result<(), String> {
    // The names bound so far carry over from one source to the next (a session's inputs).
    let program = parse_program(code).map_err(|d| format!("syntax error: {}", d[0].message))?;
    let index = LineIndex::new(code);
    for s in &program.stmts {
        let line = index.line_col(s.span.start).line;
        let source = s.span.slice(code);
        let mut body = stmt::Out { lines: Vec::new() };
        stmt::stmt(&mut body, 1, s, true).map_err(|mut e| {
            e.line = index.line_col(e.span.start).line;
            e.to_string()
        })?;
        out.line(0, "");
        for l in source.lines() {
            out.line(0, format!("# {l}"));
        }
        out.line(0, format!("with _Stmt({line}, {}) as _s:", expr::string(source)));
        out.lines.extend(body.lines);
    }
    Ok(())
}

fn header(what: &str) -> stmt::Out {
    let mut out = stmt::Out { lines: Vec::new() };
    out.line(0, format!("# {what}, exported by fcall as an equivalent PyTorch script."));
    out.line(0, "# Each statement prints the JSON record `fcall run --json` prints for it.");
    out.lines.extend(PRELUDE.lines().map(String::from));
    out
}

/// A whole script as a Python script; the error names the first construct with no export.
pub fn export_program(code: &str, name: &str) -> Result<String, String> {
    let mut out = header(name);
    expr::reset_scopes();
    export_source(&mut out, code)?;
    Ok(out.lines.join("\n") + "\n")
}

/// A session's inputs (those that parse), in order.
pub fn export_history(inputs: &[String]) -> Result<String, String> {
    let mut out = header("An fcall session");
    expr::reset_scopes();
    for code in inputs {
        if parse_program(code).is_ok() {
            export_source(&mut out, code)?;
        }
    }
    Ok(out.lines.join("\n") + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_expressions_and_classes() {
        let py = export_program("class Foo {\n def init() { self.foo = param(ones(())) }\n def forward(x) { return x + self.foo }\n}\nmod = Foo()\ncall mod with {foo: zeros(())} (x, s=1) tie=false\nx[:, 1]\na is b\nseed 0\n", "t").unwrap();
        assert!(py.contains("class Foo(nn.Module):\n        def __init__(self):\n            super().__init__()\n            self.foo = param(torch.ones(()))"), "{py}");
        assert!(py.contains("_s.call(functional_call(mod, FDict({\"foo\": torch.zeros(())}), (x,), {\"s\": 1}, tie_weights=False))"), "{py}");
        assert!(py.contains("_s.value(x[:, 1])") && py.contains("_s.value(a is b)") && py.contains("torch.manual_seed(0)"), "{py}");
    }

    #[test]
    fn user_names_shadow_builtins_and_never_clobber_the_prelude() {
        let py = export_program("linear(x, w)\nlinear = Linear(2, 2)\nlinear(x)\nF = 1\nF + 1\ndef f(tensor) { return tensor + sum(tensor) }\ntensor(1.0)\n", "t").unwrap();
        assert!(py.contains("_s.value(F.linear(x, w))") && py.contains("    linear = Linear(2, 2)") && py.contains("_s.value(linear(x))"), "{py}");
        assert!(py.contains("    F_ = 1") && py.contains("_s.value(F_ + 1)"), "{py}");
        assert!(py.contains("def f(tensor):") && py.contains("return tensor + torch.sum(tensor)") && py.contains("_s.value(torch.tensor(1.0))"), "{py}");
        // After `reset` the names are the built-ins again.
        let py = export_program("tensor = 1\nreset\ntensor(1.0)\n", "t").unwrap();
        assert!(py.contains("_reset(globals())") && py.contains("_s.value(torch.tensor(1.0))"), "{py}");
    }

    #[test]
    fn unsupported_constructs_name_themselves() {
        let e = export_program("x = 1\nlambda = 2\n", "t").unwrap_err();
        assert!(e.contains("the name 'lambda' (a Python keyword)") && e.contains("line 2"), "{e}");
    }
}
