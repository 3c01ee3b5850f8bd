//! `export python`: an fcall program as an equivalent, readable PyTorch script, and the
//! Python side of `fcall check`.
//!
//! The language is Python plus fcall's command lines: [`python`] exports a `.fc` script as its
//! own text with each command line replaced by the PyTorch it stands for (a `.py` file is its
//! own export), and `fcall check` runs that under [`RUNNER`] (runner.py), which prints each
//! top-level statement's JSON record as `fcall run --json` does.
//!
//! The retired brace dialect (exported by `stmt`/`expr` below, until the last scripts have
//! moved):
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
pub mod python;

/// For the engine's `fcall check`, which reads the records.
pub use serde_json;

use fcall_lang::{parse_program, LineIndex, Span};

/// The brace dialect's Python prelude (its built-ins in PyTorch terms), put at the top of each
/// of its exports after [`records`].
pub const PRELUDE: &str = include_str!("prelude.py");

/// `fcall check`'s statement runner (runner.py): `python -c RUNNER SEED PRELUDE P:file.py
/// L:legacy.py ...`; its first part is the JSON records (`_enc`, `_Stmt`).
pub const RUNNER: &str = include_str!("runner.py");

const RECORDS_START: &str = "# ---- the JSON records";
const RECORDS_END: &str = "# ---- end of the records";

/// The JSON-record part of [`RUNNER`] (`_oid`, `_enc`, `_Stmt`), which a brace-dialect export
/// runs its statements in.
pub fn records() -> &'static str {
    let start = RUNNER.find(RECORDS_START).expect("runner.py has its records part");
    let end = RUNNER.find(RECORDS_END).expect("runner.py ends its records part");
    &RUNNER[start..end + RECORDS_END.len()]
}

/// Whether `code` is the Python language (with command lines), not the brace dialect: Python
/// parses it, and it is not also a brace-dialect script. While scripts migrate, a simple brace
/// script is often valid Python too (`x = tensor([1.0])`, `m = Linear(2, 2)`, `seed 0`): one
/// that the brace parser accepts, that uses one of the brace dialect's own built-ins
/// (`tensor`, `zeros`, `params`, `Linear`, `true`, ...) without binding it, and that the brace
/// exporter exports, stays the brace dialect.
pub fn is_python(code: &str) -> bool {
    if fcall_lang::python::parse_program(code).is_err() {
        return false;
    }
    fcall_lang::parser::parse_program(code).is_err() || !uses_brace_builtins(code) || export_program(code, "").is_err()
}

/// The brace dialect's built-ins that Python and the session prelude do not have.
const BRACE_BUILTINS: &[&str] = &[
    "true", "false", "tensor", "zeros", "ones", "full", "arange", "eye", "rand", "randn", "randint", "relu", "sigmoid", "tanh", "exp",
    "log", "sqrt", "softmax", "log_softmax", "matmul", "mean", "linear", "mse_loss", "l1_loss", "cross_entropy", "params", "buffers",
    "state", "detach", "clone", "keys", "save", "load", "param", "buffer", "parametrize", "Linear", "Bilinear", "Conv1d", "Conv2d",
    "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Embedding", "Dropout", "ReLU", "Tanh", "Sigmoid", "GELU", "Flatten", "Identity",
    "Sequential", "ModuleDict", "ModuleList",
];

/// Whether `code` uses a [`BRACE_BUILTINS`] name that it does not bind itself (`x = ...`,
/// `def x`, `for x`, `as x`, a parameter or keyword `x=`), other than as an attribute
/// (`torch.zeros` is Python's).
fn uses_brace_builtins(code: &str) -> bool {
    use fcall_lang::token::{Keyword, TokenKind};
    let tokens = fcall_lang::lex(code).tokens;
    let text = |i: usize| tokens[i].span.slice(code);
    let named = |i: usize| matches!(tokens[i].kind, TokenKind::Ident(_) | TokenKind::Kw(_));
    let bound: std::collections::HashSet<&str> = (0..tokens.len())
        .filter(|&i| named(i))
        .filter(|&i| {
            tokens.get(i + 1).is_some_and(|t| t.kind == TokenKind::Assign)
                || (i > 0 && (matches!(tokens[i - 1].kind, TokenKind::Kw(Keyword::Def | Keyword::For)) || matches!(text(i - 1), "as" | "import")))
        })
        .map(text)
        .collect();
    (0..tokens.len()).any(|i| {
        let after_dot = i > 0 && tokens[i - 1].kind == TokenKind::Dot;
        named(i) && !after_dot && BRACE_BUILTINS.contains(&text(i)) && !bound.contains(text(i))
    })
}

/// What `fcall export FILE` writes for a script that is not a `.py` file (those are their own
/// export): a Python `.fc` as plain PyTorch ([`python::export_fc`]), a brace-dialect script as
/// [`export_program`] writes it.
pub fn export_file(code: &str, name: &str) -> Result<String, String> {
    if is_python(code) {
        python::export_fc(code, name)
    } else {
        export_program(code, name)
    }
}

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
    out.lines.extend(records().lines().map(String::from));
    out.line(0, "");
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

/// A session's inputs (those that parse), in order: as plain PyTorch ([`python::export_session`])
/// unless an input is in the brace dialect.
pub fn export_history(inputs: &[String]) -> Result<String, String> {
    if !inputs.iter().any(|c| !is_python(c) && parse_program(c).is_ok()) {
        return python::export_session(inputs);
    }
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
    fn python_or_brace_dialect() {
        assert!(is_python("x = torch.zeros(2)\nseed 0\nshow x\n"));
        assert!(is_python("class Foo(nn.Module):\n    pass\nm = Foo()\n"));
        // Valid Python, but the brace dialect's built-ins: still the brace dialect.
        assert!(!is_python("x = tensor([1.0])\n"));
        assert!(!is_python("m = Linear(1, 1)\nparams(m)\n"));
        assert!(!is_python("class Foo {\n def init() { self.a = param(zeros(())) }\n}\n"));
        // A Python script that Python alone parses is Python, whatever names it uses; so is one
        // that binds the names itself.
        assert!(is_python("def f(x):\n    return tensor(x)\n"));
        assert!(is_python("params = dict(m.named_parameters())\ncall m with params (x)\n"));
    }

    #[test]
    fn a_python_file_exports_with_the_session_prelude() {
        let py = export_file("x = torch.ones(2)\ncall m with a (x)\n", "t.fc").unwrap();
        assert!(py.contains(python::SESSION_PRELUDE) && py.ends_with("\nx = torch.ones(2)\nfunctional_call(m, a, (x,))\n"), "{py}");
        // The brace dialect's export carries the records of runner.py.
        let py = export_file("x = tensor([1.0])\nx\n", "t.fc").unwrap();
        assert!(py.contains("class _Stmt:") && py.contains("def _enc(v):") && py.contains("_s.value(x)"), "{py}");
    }

    #[test]
    fn unsupported_constructs_name_themselves() {
        let e = export_program("x = 1\nlambda = 2\n", "t").unwrap_err();
        assert!(e.contains("the name 'lambda' (a Python keyword)") && e.contains("line 2"), "{e}");
    }
}
