//! The system model and the model file.
//!
//! `build` merges per-file facts into elements, boundaries and flows;
//! `modelfile` reads and edits `breakwater.toml`, where people record what
//! discovery cannot see.

mod types;
pub use types::*;
