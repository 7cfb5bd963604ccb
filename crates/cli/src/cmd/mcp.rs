//! `breakwater mcp [PATH]`: the threat model served to AI coding assistants
//! over the Model Context Protocol, on stdin/stdout. Read-only: the facts
//! cache is the only thing it writes, as `scan` does (`--no-cache`: nothing).

use bw_engine::WalkOptions;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// A folder in the repository: the model root found from it is served (the nearest
    /// breakwater.toml upward, else the repository root).
    path: Option<PathBuf>,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = bw_files::DEFAULT_MAX_FILE_BYTES)]
    max_file_size: u64,
    /// Also scan files .gitignore excludes.
    #[arg(long)]
    no_gitignore: bool,
    /// Worker threads for scans (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    #[command(flatten)]
    cache: super::CacheArgs,
}

pub fn run(a: Args) -> u8 {
    let mut walk = WalkOptions {
        respect_gitignore: !a.no_gitignore,
        max_file_bytes: a.max_file_size,
        ..WalkOptions::default()
    };
    let target = match super::target(a.path.as_deref()) {
        Ok(t) => t,
        Err(e) => return super::fail(e),
    };
    let path = target.root;
    // The same checks as every scanning command, before the client waits:
    // a broken model file or rule is an error now, not a tool failure later.
    let ws = match super::open(&path, walk.clone(), &a.cache) {
        Ok(w) => w,
        Err(e) => return super::fail(e),
    };
    if let Some(rel) = a
        .cache
        .cache_dir
        .as_deref()
        .and_then(|d| super::inside(&path, d))
        .filter(|rel| !rel.is_empty())
    {
        walk.exclude.push(rel);
    }
    let root = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
    let opts = bw_mcp::ProjectOptions {
        name: super::system_name(&path),
        root,
        walk,
        cache: ws.cache,
        threads: a.threads,
    };
    match bw_mcp::serve_stdio(opts, crate::ui::verbosity() >= crate::ui::Verbosity::Normal) {
        Ok(()) => crate::exit::PASS,
        Err(e) => super::fail(e),
    }
}
