//! The report as JSON, and the JSON Schema that documents it.
//!
//! The JSON is the [`Report`] serialised as it is: field order is the
//! struct order and every list is already sorted, so the same scan gives
//! byte-identical output. The schema is generated from the same types with
//! schemars and committed at `schemas/report.schema.json`; a test fails
//! when the committed file is stale.

use crate::Renderer;
use bw_threats::Report;
use std::io::{self, Write};

/// Pretty-printed JSON followed by a newline.
pub struct Json;

impl Renderer for Json {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}

/// The JSON Schema of [`Report`] (draft 2020-12).
pub fn report_schema() -> schemars::Schema {
    schemars::schema_for!(Report)
}

/// The schema as the committed file holds it: pretty JSON and a newline.
pub fn report_schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&report_schema()).unwrap_or_default();
    s.push('\n');
    s
}
