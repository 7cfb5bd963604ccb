//! `breakwater mcp`: the threat model served to AI coding assistants over
//! the Model Context Protocol (stdio, the official Rust SDK `rmcp`).
//!
//! Tools: `model_summary`, `threats_for`, `explain_rule`, `check_change`,
//! `guardrails`, `propose_threat` (checked by `bw_ai`'s verifier, never stored); resources: `breakwater://model`, `breakwater://threats`,
//! `breakwater://guardrails`. Answers come from the deterministic pipeline
//! (`bw_engine`), never from a model. The server is read-only: no tool
//! writes a file or records a decision ([`tools::check_change`] applies a
//! proposed change in memory). The repository is scanned at start and again
//! when a file it reads changed ([`project::Project::current`]).
//!
//! Only this crate (and the CLI that starts it) uses an async runtime; the
//! pipeline crates stay synchronous and run on tokio's blocking pool.

pub mod project;
mod server;
pub mod stdio;
pub mod tools;

pub use project::{Project, ProjectOptions};
pub use server::{RESOURCES, Server};

use rmcp::ServiceExt;
use std::io::Write;
use std::sync::Arc;

/// Serve the repository over stdin/stdout until the client disconnects.
/// The first scan runs before the server answers (its errors end the
/// server with a message); logs and errors go to stderr, never stdout.
/// `announce`: say on stderr what is served once the first scan is done
/// (off with `-q`).
pub fn serve_stdio(opts: ProjectOptions, announce: bool) -> Result<(), String> {
    let project = Arc::new(Project::new(opts));
    let first = project.current()?;
    if announce {
        // A closed stderr loses the line, never the server.
        let _ = writeln!(
            std::io::stderr(),
            "breakwater mcp: {} ({} files, {} threats) in {:.2}s; serving on stdio",
            project.root().display(),
            first.report.files.analysed,
            first.report.threats.len(),
            first.elapsed.as_secs_f64()
        );
    }
    drop(first);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("could not start the async runtime: {e}"))?;
    let served = runtime.block_on(async move {
        // rmcp talks through pipes: `stdio::connect` answers lines that
        // are not JSON (-32700) and writes every answer to stdout whole.
        let (ends, writer) = stdio::connect(tokio::io::stdin(), tokio::io::stdout());
        let service = Server::new(project)
            .serve(ends)
            .await
            .map_err(|e| format!("could not start the MCP session: {e}"))?;
        service
            .waiting()
            .await
            .map_err(|e| format!("the MCP session ended with an error: {e}"))?;
        // Everything answered is written before the process ends (the
        // filter may still wait on stdin when the session ended otherwise).
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), writer).await;
        Ok(())
    });
    // A read of stdin may still be pending on the blocking pool, or a tool
    // call still running: do not wait for either.
    shut_down(runtime);
    served
}

/// End the runtime once the client is gone, without waiting for tool calls
/// still running on the blocking pool: dropping a runtime waits for them,
/// so one slow scan would keep the process alive after its client left.
/// Their threads end with the process.
fn shut_down(runtime: tokio::runtime::Runtime) {
    runtime.shutdown_background();
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_runtime_ends_while_a_tool_call_still_runs() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        // A call that never finishes on its own (a read that blocks).
        let (_never, blocked) = std::sync::mpsc::channel::<()>();
        runtime.spawn_blocking(move || blocked.recv());
        let (done, ended) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            super::shut_down(runtime);
            let _ = done.send(());
        });
        ended
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the runtime shuts down without waiting for the blocked call");
    }
}
