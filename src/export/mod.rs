//! `export python`: an fcall program as an equivalent, readable PyTorch script, and the
//! Python side of `fcall check`.
//!
//! The language is Python plus fcall's command lines: [`python`] exports a `.fc` script as its
//! own text with each command line replaced by the PyTorch it stands for (a `.py` file is its
//! own export), and `fcall check` runs that under [`RUNNER`] (runner.py), which prints each
//! top-level statement's JSON record as `fcall run --json` does; tensor ids are numbered in
//! order of first sight, so they match fcall's only in their equality pattern. [`compare`]
//! checks two such runs against each other.
pub mod compare;
pub mod python;

/// For the engine's `fcall check`, which reads the records.
pub use serde_json;

/// `fcall check`'s statement runner (runner.py): `python -c RUNNER SEED PRELUDE file.py ...`.
pub const RUNNER: &str = include_str!("runner.py");

/// What `fcall export FILE` writes for a script that is not a `.py` file (those are their own
/// export): its text with each command line as plain PyTorch ([`python::export_fc`]).
pub fn export_file(code: &str, name: &str) -> Result<String, String> {
    python::export_fc(code, name)
}

/// A session's inputs (those that parse), in order, as plain PyTorch.
pub fn export_history(inputs: &[String]) -> Result<String, String> {
    python::export_session(inputs)
}
