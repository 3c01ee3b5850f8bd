//! fcall for Rust callers: a [`Session`] that runs fcall source (PyTorch's Python plus fcall's
//! commands) and returns what a notebook shows, keyed by MIME type; tensors in and out as
//! `tch::Tensor`; and the engine's own types to build modules and dicts and call
//! `functional_call` from Rust, with the record the `call` command shows ([`call()`]).
//! Outputs and calls display in evcxr notebooks ([`evcxr`]).
//!
//! | module | owns |
//! |---|---|
//! | [`outputs`] | a run's outputs (stdout, rich outputs keyed by MIME type, the error); the Jupyter kernel sends the same |
//! | [`call`](mod@call) | `functional_call` from Rust with its record rendered as the `call` command renders it |
//! | [`evcxr`] | `evcxr_display` for the outputs and the call |
//!
//! The engine's types, re-exported here for Rust callers: [`Module`] and [`layers`] (built-in
//! `torch.nn` layers), [`DictRef`] (a dict of tensors), [`TensorRef`] (a tensor with Python's
//! identity), [`Value`], [`functional_call`] with [`CallOptions`] and its [`CallRecord`], and
//! the transforms [`grad`], [`grad_and_value`], [`vmap`], [`stack_module_state`].
#![warn(missing_docs)]

pub mod call;
pub mod evcxr;
pub mod outputs;

pub use call::{call, call_with, Call};
pub use outputs::{ErrorInfo, Output, Outputs, Rich, APPLICATION_JSON, IMAGE_SVG, TEXT_HTML, TEXT_PLAIN};

pub use crate::error::{Error, ExcType, Result};
pub use crate::func::transforms::{grad, grad_and_value, stack_module_state, vmap, Argnums};
pub use crate::func::{functional_call, CallOptions, CallOutcome, CallRecord};
pub use crate::nn::layers;
pub use crate::nn::Module;
pub use crate::render::call_table::Rows;
pub use crate::tensor::TensorRef;
pub use crate::value::{DictRef, Kwargs, Value};

use crate::interp::{self, RunOptions};

/// A workspace that runs fcall source, as one notebook or REPL session does: variables persist
/// from one [`Session::run`] to the next. Not `Send`: use it on one thread.
pub struct Session {
    engine: interp::Session,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    /// A new workspace, as `fcall` starts one (`torch`, `nn`, `F`, `functional_call`, ...
    /// imported), rendering outputs as the Jupyter kernel does.
    pub fn new() -> Session {
        let mut engine = interp::Session::new();
        engine.targets = call::NOTEBOOK;
        Session { engine }
    }

    /// Runs `code` (one or more statements, parsed whole first: nothing runs if it does not
    /// parse) and returns what a notebook cell shows: `print` text, a rich output per value,
    /// `call` or command, and the first error, which ends the run (what ran before it stays
    /// done, as in Python).
    pub fn run(&mut self, code: &str) -> Outputs {
        Outputs::from_statements(&self.engine.run(code, RunOptions { keep_going: false }))
    }

    /// Binds `name` to a tensor (a plain `torch.Tensor`, sharing `tensor`'s storage).
    pub fn set(&mut self, name: &str, tensor: tch::Tensor) {
        self.set_value(name, Value::Tensor(TensorRef::new(tensor)));
    }

    /// Binds `name` to any value: a [`Module`], a [`DictRef`], a [`TensorRef`] (kept as the same
    /// Python object, so `is` and ties see it), a number, ...
    pub fn set_value(&mut self, name: &str, value: Value) {
        self.engine.set(name, value);
    }

    /// The tensor bound to `name`, as a `tch::Tensor` sharing its storage (an in-place write
    /// through it is seen by the session). Python's NameError if `name` is unbound, TypeError if
    /// it is not a tensor.
    pub fn tensor(&self, name: &str) -> Result<tch::Tensor> {
        match self.engine.get(name) {
            Some(Value::Tensor(t)) => Ok(t.handle()),
            Some(other) => Err(Error::type_error("api::not_a_tensor", format!("{name} must be a Tensor, not {}", other.type_name()))),
            None => Err(Error::new(ExcType::NameError, "api::name_error", format!("name '{name}' is not defined"))),
        }
    }

    /// The value bound to `name`, if any.
    pub fn get(&self, name: &str) -> Option<Value> {
        self.engine.get(name)
    }

    /// The names bound in the workspace.
    pub fn names(&self) -> Vec<String> {
        self.engine.names()
    }

    /// The engine's session underneath (the one the REPL and the kernel drive), for what this
    /// facade does not cover: every statement's own output, `keep_going` runs, history.
    pub fn engine(&mut self) -> &mut interp::Session {
        &mut self.engine
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_are_keyed_by_mime_type_and_tensors_cross() {
        let mut s = Session::new();
        s.set("x", tch::Tensor::from_slice(&[1.0f32, 2.0]));
        let out = s.run("print('hi')\ny = x * 2\ny");
        assert_eq!(out.stdout(), "hi\n");
        let r = out.result().expect("the last statement's value");
        assert!(r.get(TEXT_PLAIN).unwrap().as_str().unwrap().starts_with("tensor([2., 4.])"));
        assert!(r.get(TEXT_HTML).unwrap().as_str().unwrap().starts_with("<pre>tensor([2., 4.])"));
        assert_eq!(r.get(APPLICATION_JSON).unwrap()["kind"], "value");
        assert_eq!(r.data().len(), 3);
        assert_eq!(Vec::<f32>::try_from(s.tensor("y").unwrap()).unwrap(), [2.0, 4.0]);
        // A write through the handle is the session's tensor.
        let _ = s.tensor("y").unwrap().fill_(7.0);
        assert!(s.run("y").text().starts_with("tensor([7., 7.])"));
    }

    #[test]
    fn every_picture_is_an_svg_output_of_its_own() {
        let mut s = Session::new();
        s.run("lin = nn.Linear(2, 2)\nd = {'bias': torch.zeros(2)}");
        // A diagram alone: one output, its SVG and its text, no HTML.
        let out = s.run("draw lin");
        let rich: Vec<&Rich> = out.rich().collect();
        assert_eq!(rich.len(), 1);
        assert!(rich[0].svg.as_deref().unwrap().starts_with("<svg") && rich[0].html.is_empty());
        assert!(rich[0].text.contains("lin.weight"), "{}", rich[0].text);
        assert_eq!(rich[0].get(IMAGE_SVG).unwrap().as_str(), rich[0].svg.as_deref());
        // A loop that shows a call table and a plot each time: the tables as HTML without any
        // picture in it, then each plot, its SVG with its text chart.
        let out = s.run("for i in range(2):\n    call lin with d (torch.ones(2))\n    plot([i, i + 1, i + 4])\n");
        let rich: Vec<&Rich> = out.rich().collect();
        assert_eq!(rich.len(), 3);
        assert!(rich[0].html.contains("<table") && !rich[0].html.contains("<img") && !rich[0].html.contains("<svg"));
        assert!(rich[0].svg.is_none());
        for r in &rich[1..] {
            assert!(r.svg.as_deref().unwrap().starts_with("<svg") && r.html.is_empty());
            assert!(r.text.chars().filter(|c| ('\u{2801}'..='\u{28ff}').contains(c)).count() > 10, "{}", r.text);
        }
    }

    #[test]
    fn errors_are_pythons() {
        let mut s = Session::new();
        let e = s.tensor("nope").unwrap_err();
        assert_eq!((e.type_name(), e.message.as_str()), ("NameError", "name 'nope' is not defined"));
        s.run("n = 3");
        assert_eq!(s.tensor("n").unwrap_err().to_string(), "TypeError: n must be a Tensor, not int");
        let out = s.run("a = 1\nb = undefined_name\nc = 2");
        let err = out.error().unwrap();
        assert_eq!((err.ename.as_str(), err.evalue.as_str()), ("NameError", "name 'undefined_name' is not defined"));
        assert!(s.get("a").is_some() && s.get("c").is_none());
        assert!(out.into_result().is_err());
        assert_eq!(s.run("1 +").error().unwrap().ename, "SyntaxError");
    }
}
