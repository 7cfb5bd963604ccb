//! The system model and the model file.
//!
//! `link` resolves data flow across functions and files from per-file
//! summaries; `build` merges facts into elements, boundaries and flows and
//! computes the context every fact is judged in; `conventions` finds the
//! safe helpers the project routes SQL and outbound HTTP through; `modelfile` reads
//! `breakwater.toml`, where people record what discovery cannot see, and
//! `edit` changes its decisions without touching anything else.

pub mod build;
pub mod conventions;
pub mod edit;
pub mod link;
pub mod modelfile;
mod types;
pub use build::{Built, FactCtx, build};
pub use types::*;
