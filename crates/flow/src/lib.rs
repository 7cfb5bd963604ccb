//! The dataflow engine over the intermediate form (`bw-ir`).

pub mod catalogue;
