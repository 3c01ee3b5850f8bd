//! The fcall language front end: Python 3.11 plus fcall's command lines, parsed by a real
//! Python parser and lowered into fcall's AST with a span on every node; diagnostics in
//! CPython's words, rendered against the source. No libtorch here, so it builds and tests fast.
//!
//! ```
//! use fcall_lang::{parse_program, ast::{ExprKind, StmtKind}};
//! let program = parse_program("seed 0\ny = call model with p (x) tie=False").unwrap();
//! assert_eq!(program.stmts.len(), 2);
//! let StmtKind::Assign { value, .. } = &program.stmts[1].kind else { panic!() };
//! let ExprKind::FunctionalCall(call) = &value.kind else { panic!() };
//! assert_eq!(call.module.as_name(), Some("model"));
//! ```
//!
//! Modules: [`span`] (byte spans, line/column lookup), [`ast`], [`python`] (the only module
//! that knows the parser crate: [`parse_program`], command lines, CPython's error wording,
//! [`is_complete`] shared by the REPL and the Jupyter kernel), [`diagnostics`] ([`Diagnostic`],
//! [`render`]), [`stack`] (the big-stack thread every front end parses and evaluates on).

pub mod ast;
pub mod diagnostics;
pub mod python;
pub mod span;
pub mod stack;

pub use diagnostics::{render, render_all, render_indexed, render_named, Diagnostic, Label};
pub use python::commands::COMMAND_WORDS;
pub use python::complete::{is_complete, Completeness};
pub use python::{parse_program, PYTHON_KEYWORDS};
pub use span::{LineCol, LineIndex, Span};
