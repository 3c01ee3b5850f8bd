//! Rendering: one neutral [`table::Table`] rendered as text (render::text: any width, colour
//! only when asked) and as HTML (notebooks), tensor summaries that never print or copy a large
//! tensor, the `call` table built from a call's record, and the JSON encoding of values.
pub mod call_table;
pub mod diagram;
pub mod html;
pub mod json;
pub mod plot;
pub mod summary;
pub mod table;
pub mod text;

pub use table::{Cell, Table, Tone};
