//! `breakwater init [PATH]`: write a commented breakwater.toml pre-filled from discovery.

use bw_engine::{FsSource, Library, ScanOptions, WalkOptions, scan};
use bw_model::modelfile::{FILE_NAME, SCHEMA_JSON, SCHEMA_PATH, init_text};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The folder to make a model root (default: the model root found from the current
    /// directory: the nearest breakwater.toml upward, else the repository root). A folder
    /// below an existing model root becomes a model root of its own.
    path: Option<PathBuf>,
    /// Overwrite an existing breakwater.toml.
    #[arg(long)]
    force: bool,
    /// Record today's open threats in .breakwater/baseline.toml, so gates count only new ones
    /// (breakwater.toml is written only if it does not exist yet).
    #[arg(long)]
    baseline: bool,
    #[command(flatten)]
    cache: super::CacheArgs,
}

pub fn run(a: Args) -> u8 {
    // A folder named on the command line is the root being made; without
    // one, the root the other commands would use.
    let root = match &a.path {
        Some(p) if p.is_dir() => p.clone(),
        Some(p) => {
            return super::fail(format!(
                "{}: not a folder; pass the folder to hold breakwater.toml",
                p.display()
            ));
        }
        None => match super::target(None) {
            Ok(t) => t.root,
            Err(e) => return super::fail(e),
        },
    };
    let root = root.as_path();
    let target = root.join(FILE_NAME);
    if a.baseline {
        return write_baseline(&a, root);
    }
    if target.exists() && !a.force {
        return super::fail(format!(
            "{} already exists; edit it, or pass --force to replace it (your edits would be lost)",
            target.display()
        ));
    }
    let source = match FsSource::new(root, WalkOptions::default()) {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    let lib = match Library::for_source(&source) {
        Ok(l) => l,
        Err(e) => return super::fail(e),
    };
    let opts = ScanOptions {
        name: super::system_name(root),
        ..Default::default()
    };
    let out = match scan(&source, &lib, &opts) {
        Ok(o) => o,
        Err(e) => return super::fail(e),
    };
    if let Err(e) = write_model_file(root, &out.report.model) {
        return super::fail(e);
    }
    let m = &out.report.model;
    outln!(
        "wrote {} ({} elements, {} boundaries, {} suggested assets): review the names, assets and classifications",
        target.display(),
        m.elements.len(),
        m.boundaries.len(),
        m.elements
            .iter()
            .filter(|e| e.kind == bw_model::ElementKind::Store)
            .count()
    );
    crate::exit::PASS
}

/// `init --baseline`: today's open threats become the baseline; the model
/// file is created too when the repository has none.
fn write_baseline(a: &Args, root: &std::path::Path) -> u8 {
    use bw_threats::baseline::{BASELINE_PATH, Baseline};
    let ws = match super::open(root, WalkOptions::default(), &a.cache) {
        Ok(w) => w,
        Err(e) => return super::fail(e),
    };
    let had_model = ws.model_file.is_some();
    // Threats are found as the model file leaves them; an older baseline
    // must not mark them (the new one replaces it).
    let opts = ScanOptions {
        baseline: None,
        ..ws.scan_options(root, None)
    };
    let out = match scan(&ws.source, &ws.lib, &opts) {
        Ok(o) => o,
        Err(e) => return super::fail(e),
    };
    if out.incomplete {
        return super::fail(
            "some files could not be analysed, so a baseline now would hide threats in them; fix or exclude them first (see `breakwater scan`)",
        );
    }
    let baseline = Baseline::of(&out.report.threats);
    let path =
        match bw_files::write_in_tree(root, BASELINE_PATH, baseline.text(&opts.today).as_bytes()) {
            Ok(p) => p,
            Err(e) => return super::fail(e),
        };
    outln!(
        "wrote {} with {} open threat(s): gates now count only threats not listed there",
        path.display(),
        baseline.threats.len()
    );
    if !had_model {
        let target = root.join(FILE_NAME);
        if let Err(e) = write_model_file(root, &out.report.model) {
            return super::fail(e);
        }
        outln!(
            "wrote {}: review the names, assets and classifications",
            target.display()
        );
    }
    crate::exit::PASS
}

/// The commented model file, and beside it the schema its `#:schema` line
/// names; each written atomically (a crash never leaves half a file), never
/// through a link.
fn write_model_file(root: &std::path::Path, model: &bw_model::SystemModel) -> Result<(), String> {
    bw_files::write_in_tree(root, SCHEMA_PATH, SCHEMA_JSON.as_bytes())
        .and_then(|_| bw_files::write_in_tree(root, FILE_NAME, init_text(model).as_bytes()))
        .map(|_| ())
        .map_err(|e| e.to_string())
}
