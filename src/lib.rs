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
pub mod aten;
pub mod error;
pub mod func;
pub mod nn;
pub mod interp;
pub mod export;
pub mod object;
pub mod pyint;
pub mod pyset;
pub mod render;
pub mod stack;
pub mod tensor;
pub mod value;

pub use error::{Error, ExcType, Result};
pub use func::{functional_call, CallOptions, CallOutcome, CallRecord};
pub use nn::Module;
pub use tensor::TensorRef;
pub use value::{DictRef, Kwargs, Value};
