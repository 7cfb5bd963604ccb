//! `breakwater lsp`: the editor server, over the Language Server Protocol.
//!
//! A heavy front-end kept out of the core crates: it speaks JSON-RPC on
//! stdio (synchronously, through `lsp-server`), holds the repository in an
//! [`engine::Session`](bw_engine::Session) and, as the developer types,
//! publishes one diagnostic per open threat on its evidence, answers hovers
//! with the rule's docs, the attacker's story and the fix, offers code
//! actions that record decisions in `breakwater.toml` exactly as
//! `breakwater triage` does, and reports errors and decisions that no
//! longer hold in the model file itself.
//!
//! Unsaved buffers reach the analysis through the same file-source seam as
//! every scan (an [`OverlaySource`](bw_files::OverlaySource)); positions are
//! converted to the encoding the client negotiated ([`text`]).

mod diagnostics;
mod hover;
mod server;
pub mod text;
pub mod transport;
pub mod uri;

pub use server::{RECORD_DECISION, run};

/// Serve one client on stdin and stdout until it shuts down.
pub fn serve_stdio() -> Result<(), String> {
    let (conn, threads) = transport::stdio();
    let result = run(&conn);
    // Closing our end lets the writer thread finish what it has queued
    // (an error's last messages too). The reader has stopped after `exit`;
    // otherwise it may be waiting on stdin, which the process exit ends.
    drop(conn);
    let written = threads.writer.join();
    result?;
    match written {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("writing to the client failed: {e}")),
        Err(_) => Err("the writer thread panicked".into()),
    }
}
