//! The fcall language front end: source text to an AST with a span on every node, and
//! diagnostics rendered against the source. No libtorch here, so it builds and tests fast.
//!
//! ```
//! use fcall_lang::{parse_program, ast::{ExprKind, StmtKind}};
//! let program = parse_program("seed 0\ny = call model with p (x) tie=false").unwrap();
//! assert_eq!(program.stmts.len(), 2);
//! let StmtKind::Assign { value, .. } = &program.stmts[1].kind else { panic!() };
//! let ExprKind::FunctionalCall(call) = &value.kind else { panic!() };
//! assert_eq!(call.module.as_name(), Some("model"));
//! ```
//!
//! Modules: [`span`] (byte spans, line/column lookup), [`token`] and [`lexer`], [`ast`],
//! [`parser`] ([`parse_program`], [`parse_expr`]), [`diagnostics`] ([`Diagnostic`], [`render`]),
//! [`complete`] ([`is_complete`], shared by the REPL and the Jupyter kernel), [`dump`](mod@dump) (text
//! forms of the AST).

pub mod ast;
pub mod complete;
pub mod diagnostics;
pub mod dump;
pub mod lexer;
pub mod parser;
pub mod python;
pub mod span;
pub mod token;

pub use complete::Completeness;
pub use python::complete::is_complete;
pub use diagnostics::{codes, render, render_all, render_named, Diagnostic, Label};
pub use dump::{dump, dump_with_lines, sexpr};
pub use lexer::lex;
pub use parser::{parse_expr, COMMAND_WORDS, MAX_DEPTH};
pub use python::commands::COMMAND_WORDS as PYTHON_COMMAND_WORDS;

/// Parses an input: Python with fcall's command lines ([`python::parse_program`]). While the
/// examples and tests move from the retired brace dialect, an input that Python rejects but
/// the brace parser accepts still runs as the brace dialect.
pub fn parse_program(src: &str) -> Result<ast::Program, Vec<Diagnostic>> {
    match python::parse_program(src) {
        Ok(p) => Ok(p),
        Err(python_errors) => parser::parse_program(src).map_err(|_| python_errors),
    }
}
pub use span::{LineCol, LineIndex, Span};
