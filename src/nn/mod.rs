//! The object model that mirrors `torch.nn`: modules, their registries and walks,
//! parametrizations, and the built-in layers.
pub mod apply;
pub mod layers;
pub mod module;
pub mod named;
pub mod parametrizations;
pub mod parametrize;

pub use module::{structure_generation, Module, ModuleImpl, Property};
