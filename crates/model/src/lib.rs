//! The system model and the model file.
//!
//! `link` resolves data flow across functions and files from per-file
//! summaries; `build` merges facts into elements, boundaries and flows and
//! computes the context every fact is judged in; `modelfile` reads and
//! edits `breakwater.toml`, where people record what discovery cannot see.

pub mod build;
pub mod link;
pub mod modelfile;
mod types;
pub use build::{Built, FactCtx, build};
pub use types::*;
