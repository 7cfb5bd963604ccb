//! AI assistance you can audit: grounded suggestions with recorded provenance.
//!
//! A language model proposes; this crate checks. The pipeline of a run:
//! - [`config`]: provider, model and endpoint from `[ai]` or `BREAKWATER_AI_*`,
//!   keys from the environment only, limits;
//! - [`context`] and [`tasks`]: a bounded context from the scan (model,
//!   known threats, code excerpts), read through [`context::Corpus`], which
//!   applies the path allow/deny lists and [`redact`]s secrets;
//! - [`prompt`]: versioned templates; repository text only inside delimited
//!   data blocks; no tools;
//! - [`provider`] and [`http`]: OpenAI-compatible, Anthropic and Ollama
//!   wire formats; timeouts, retries with backoff, a size cap, a token
//!   budget, a concurrency limit;
//! - [`log`]: every request and answer, content-addressed, and a manifest per run;
//! - [`verify`]: deterministic checks of every claim (files, quotes, lines,
//!   elements, STRIDE, CWE, duplicates, flow) — nothing enters unchecked;
//! - [`run`]: [`run::execute`] asks and records, [`run::evaluate`] verifies
//!   from the record (a live run and its offline replay print the same bytes),
//!   [`run::store`] writes admitted items as `suggested` tables — never decisions;
//! - [`propose`]: a threat an AI coding assistant proposes (MCP
//!   `propose_threat`, `breakwater ai propose`) goes through the same checks.
//!
//! The `client` feature (default) brings the HTTP client; without it (the
//! MCP server) everything but sending a request is here.

pub mod config;
pub mod context;
pub mod http;
pub mod log;
pub mod prompt;
pub mod propose;
pub mod provider;
pub mod redact;
pub mod run;
pub mod tasks;
pub mod verify;
