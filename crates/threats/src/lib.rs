//! Rules, their evaluation over the model, severity and threat ids.

pub mod report;
pub use report::*;
