//! The `breakwater` command line.
//!
//! One file per subcommand under `cmd/`. Every subcommand returns an
//! [`ExitCode`]-like number: 0 pass, 1 gate hit, 2 usage or configuration
//! error, 3 scan incomplete (files failed). Errors are printed as
//! `error: <what is wrong>` followed by what to do.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod cmd;

// Extraction allocates many small short-lived objects on every worker
// thread; mimalloc's per-thread heaps avoid glibc's arena contention
// (measured in BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Threat modelling from the code, in the development loop.
#[derive(Parser)]
#[command(name = "breakwater", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Discover the system and its threats from a repository.
    Scan(cmd::scan::Args),
    /// Write a commented breakwater.toml pre-filled from discovery.
    Init(cmd::init::Args),
    /// Print a rule's docs: what, why, how it is attacked, how to fix it.
    Explain(cmd::explain::Args),
    /// List the rules, with filters, or counts per category and language.
    Rules(cmd::rules::Args),
    /// Print the raw facts extracted from each file, as JSON (for rule authors).
    Facts(cmd::facts::Args),
}

/// Exit codes CI can gate on.
pub mod exit {
    pub const PASS: u8 = 0;
    pub const GATE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const INCOMPLETE: u8 = 3;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Scan(a) => cmd::scan::run(a),
        Command::Init(a) => cmd::init::run(a),
        Command::Explain(a) => cmd::explain::run(a),
        Command::Rules(a) => cmd::rules::run(a),
        Command::Facts(a) => cmd::facts::run(a),
    };
    ExitCode::from(code)
}
