//! The `breakwater` command line.
//!
//! One file per subcommand under `cmd/`. Every subcommand returns an
//! [`ExitCode`]-like number: 0 pass, 1 gate hit, 2 usage or configuration
//! error, 3 scan incomplete (files failed). Errors are printed as
//! `error: <what is wrong>` followed by what to do.

use clap::{CommandFactory, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[macro_use]
mod ui;
mod cmd;

// Extraction allocates many small short-lived objects on every worker
// thread; mimalloc's per-thread heaps avoid glibc's arena contention
// (measured in BENCHMARKS.md). Allocations are counted per thread, so each
// file's analysis is held to its memory budget (`bw_facts::budget`).
#[global_allocator]
static GLOBAL: bw_lang::alloc::Counting<mimalloc::MiMalloc> =
    bw_lang::alloc::Counting(mimalloc::MiMalloc);

/// tree-sitter's trees come from its C allocator: route them to mimalloc
/// too, so a freed tree's pages are reused by the next file instead of
/// being returned to the kernel and faulted in again (see BENCHMARKS.md),
/// and count them with the rest.
fn use_one_allocator() {
    // SAFETY: called first thing in `main`, before any tree-sitter object
    // exists and before any other thread starts; the three functions are
    // one allocator family with malloc's alignment.
    unsafe {
        bw_lang::alloc::count_tree_sitter(Some((
            libmimalloc_sys::mi_malloc,
            libmimalloc_sys::mi_realloc,
            libmimalloc_sys::mi_free,
        )));
    }
}

/// Threat modelling from the code, in the development loop.
#[derive(Parser)]
#[command(name = "breakwater", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every subcommand takes, before or after its name.
#[derive(clap::Args)]
struct Global {
    /// Run as if breakwater was started in DIR (like `git -C`): the model root is found from
    /// there, and relative paths on the command line are relative to it.
    #[arg(short = 'C', long = "repo", global = true, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Print only errors and the requested output (no warnings, notes or progress).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print the model root, timing, cache statistics and why each skipped file was skipped.
    #[arg(short, long, global = true)]
    verbose: bool,
    /// When to colour: auto (on a terminal, unless NO_COLOR or CLICOLOR=0; CLICOLOR_FORCE=1
    /// forces it), always (wins over NO_COLOR), never.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value = "auto"
    )]
    color: ui::ColorChoice,
    /// The same as --color never.
    #[arg(long, global = true, hide = true)]
    no_color: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Discover the system and its threats from a repository.
    Scan(cmd::scan::Args),
    /// What a change does to the threat model: new and resolved threats, attack-surface changes, stale decisions.
    Diff(cmd::diff::Args),
    /// Write a commented breakwater.toml pre-filled from discovery.
    Init(cmd::init::Args),
    /// Print a rule's docs: what, why, how it is attacked, how to fix it.
    Explain(cmd::explain::Args),
    /// List the rules, with filters, or counts per category and language.
    Rules(cmd::rules::Args),
    /// The health of the threat model: open, decided, stale and orphaned counts, gaps, oldest threats.
    Status(cmd::status::Args),
    /// Print the raw facts extracted from each file, as JSON (for rule authors).
    Facts(cmd::facts::Args),
    /// Record decisions about threats (mitigated, accepted, ...) in breakwater.toml.
    Triage(cmd::triage::Args),
    /// The editor server: threats as diagnostics as you type (Language Server Protocol on stdio).
    Lsp(cmd::lsp::Args),
    /// Check uncommitted (or, with --staged, staged) changes for new threats: for pre-commit hooks.
    Check(cmd::check::Args),
    /// Write project-specific instructions for AI coding assistants (AGENTS.md, CLAUDE.md, Cursor, Copilot).
    Guardrails(cmd::guardrails::Args),
    /// Serve the threat model to AI assistants over MCP (stdio).
    Mcp(cmd::mcp::Args),
    /// AI suggestions, explanations and change reviews, verified against the code, with provenance.
    Ai(cmd::ai::Args),
    /// What the analysis sees, for contributors and bug reports (`debug ir FILE`).
    Debug(cmd::debug::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(cmd::completions::Args),
    /// Print the manual page (roff), or write one page per subcommand with --dir.
    Man(cmd::man::Args),
}

/// Exit codes CI can gate on.
pub mod exit {
    pub const PASS: u8 = 0;
    pub const GATE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const INCOMPLETE: u8 = 3;
}

fn main() -> ExitCode {
    use_one_allocator();
    let cli = Cli::parse();
    let g = &cli.global;
    ui::set_verbosity(if g.quiet {
        ui::Verbosity::Quiet
    } else if g.verbose {
        ui::Verbosity::Verbose
    } else {
        ui::Verbosity::Normal
    });
    ui::set_color(if g.no_color {
        ui::ColorChoice::Never
    } else {
        g.color
    });
    if let Some(dir) = &g.dir
        && let Err(e) = std::env::set_current_dir(dir)
    {
        error!(
            "error: -C {}: {e}\n  = help: -C takes a folder to run in, as git's does",
            dir.display()
        );
        return ExitCode::from(exit::USAGE);
    }
    if let Err(e) = bw_facts::core::Core::from_env() {
        error!("error: {e}");
        return ExitCode::from(exit::USAGE);
    }
    let code = match cli.command {
        Command::Scan(a) => cmd::scan::run(a),
        Command::Diff(a) => cmd::diff::run(a),
        Command::Init(a) => cmd::init::run(a),
        Command::Explain(a) => cmd::explain::run(a),
        Command::Rules(a) => cmd::rules::run(a),
        Command::Facts(a) => cmd::facts::run(a),
        Command::Status(a) => cmd::status::run(a),
        Command::Triage(a) => cmd::triage::run(a),
        Command::Lsp(a) => cmd::lsp::run(a),
        Command::Check(a) => cmd::check::run(a),
        Command::Guardrails(a) => cmd::guardrails::run(a),
        Command::Mcp(a) => cmd::mcp::run(a),
        Command::Ai(a) => cmd::ai::run(a),
        Command::Debug(a) => cmd::debug::run(a),
        Command::Completions(a) => cmd::completions::run(a, Cli::command()),
        Command::Man(a) => cmd::man::run(a, Cli::command()),
    };
    // Output that could not be written (other than to a closed pipe) is a
    // failure, whatever the command concluded.
    if code == exit::PASS && ui::stdout_failed() {
        return ExitCode::from(exit::USAGE);
    }
    ExitCode::from(code)
}
