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
pub mod span;
pub mod token;

pub use complete::{is_complete, Completeness};
pub use diagnostics::{codes, render, render_all, render_named, Diagnostic, Label};
pub use dump::{dump, dump_with_lines, sexpr};
pub use lexer::lex;
pub use parser::{parse_expr, parse_program, COMMAND_WORDS, MAX_DEPTH};
pub use span::{LineCol, LineIndex, Span};
