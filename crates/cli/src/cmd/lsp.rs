//! `breakwater lsp`: the editor server (Language Server Protocol on stdin
//! and stdout). Editors start it; see docs/editors.md.

#[derive(clap::Args)]
pub struct Args {
    /// Talk over stdin and stdout (the only transport; accepted because
    /// some clients pass it).
    #[arg(long)]
    stdio: bool,
}

/// Serve until the client shuts down. Exit code 0 after `shutdown` and
/// `exit`, 1 when the client broke off or the protocol failed (as the
/// protocol asks).
pub fn run(a: Args) -> u8 {
    let _ = a.stdio;
    match bw_lsp::serve_stdio() {
        Ok(()) => crate::exit::PASS,
        Err(e) => {
            error!("error: breakwater lsp: {e}");
            1
        }
    }
}
