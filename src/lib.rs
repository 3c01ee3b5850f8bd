//! fcall's engine: tensors with Python's identity, an object model that mirrors `torch.nn`,
//! `torch.func.functional_call` with PyTorch 2.13's exact rules and a record of what it did.
//!
//! | module | owns |
//! |---|---|
//! | [`tensor`] | tensor objects (ids, Parameter/Buffer flags, version counter, repr) |
//! | [`value`] | values and Python's str/repr/type of each |
//! | [`object`] | user classes and their instances (Python's object model) |
//! | [`nn`] | `nn.Module`, registries, walks, parametrizations, built-in layers |
//! | [`func`] | `functional_call`, its stages, cache and record |
//! | [`error`] | errors with PyTorch's type and message and a stable code |
//! | [`pyint`] | Python's arbitrary-precision ints (i64 fast path, big on overflow) |
//! | [`stack`] | Python's recursion limit and the evaluator's stack |
//! | [`interp`] | the fcall language on the engine: the session the REPL and the kernel drive |
//! | [`render`] | tables as text and HTML, the JSON record |
//! | [`api`] | fcall for Rust callers: [`Session`], outputs keyed by MIME type, [`call()`], evcxr display |
//!
//! # From Rust
//!
//! One line in Cargo.toml (`fcall = { path = "..." }`; tch comes with it as [`fcall::tch`](tch)).
//! A [`Session`] runs fcall source and returns what a notebook shows; the engine's types build
//! modules and dicts and call `functional_call` from Rust ([`api`]):
//!
//! ```
//! use fcall::api::{layers, CallOptions, DictRef, Session, TensorRef, Value};
//! use fcall::tch::{Device, Kind, Tensor};
//! let mut s = Session::new();
//! s.set("x", Tensor::from_slice(&[1.0f32, 2.0]));
//! let out = s.run("lin = nn.Linear(2, 1)\ny = call lin with {'weight': torch.ones(1, 2)} (x)").into_result()?;
//! assert!(out.result().unwrap().html.contains("<table") && s.tensor("y")?.size() == [1]);
//! let m = layers::sequential(vec![layers::linear(2, 2, false)?, layers::linear(2, 2, false)?])?;
//! m.get_submodule("1")?.setattr("weight", m.get_submodule("0")?.getattr("weight")?)?; // a tie
//! let eye = DictRef::of_tensors([("0.weight", TensorRef::new(Tensor::eye(2, (Kind::Float, Device::Cpu))))]);
//! let c = fcall::call(&m, &Value::Dict(eye), &Value::Tensor(TensorRef::new(s.tensor("x")?)), &vec![], CallOptions::default());
//! assert_eq!(Vec::<f32>::try_from(c.tensor().unwrap())?, [1.0, 2.0]); // the tie took the identity too
//! println!("{}", c.text()); // c.html(): the kernel's table; c.evcxr_display() in evcxr
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
pub mod api;
pub mod aten;
pub mod error;
pub mod func;
pub mod nn;
pub mod interp;
pub mod export;
pub mod object;
pub mod pycomplex;
pub mod pyint;
pub mod pyset;
pub mod render;
pub mod stack;
pub mod tensor;
pub mod value;

pub use api::{call, Call, Outputs, Session};
pub use error::{Error, ExcType, Result};
pub use func::{functional_call, CallOptions, CallOutcome, CallRecord};
pub use nn::Module;
pub use tensor::TensorRef;
pub use value::{DictRef, Kwargs, Value};
/// tch 0.26.0 (vendor/tch), the Rust binding of libtorch that fcall's tensors are made of.
pub use tch;
