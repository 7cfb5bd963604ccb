//! `breakwater init [PATH]`: write a commented breakwater.toml pre-filled from discovery.

use bw_engine::{FsSource, Library, ScanOptions, WalkOptions, scan};
use bw_model::modelfile::{FILE_NAME, SCHEMA_JSON, SCHEMA_PATH, init_text};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The repository root.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Overwrite an existing breakwater.toml.
    #[arg(long)]
    force: bool,
    /// Record today's open threats in .breakwater/baseline.toml, so gates count only new ones
    /// (breakwater.toml is written only if it does not exist yet).
    #[arg(long)]
    baseline: bool,
}

pub fn run(a: Args) -> u8 {
    let target = a.path.join(FILE_NAME);
    if a.baseline {
        return write_baseline(&a);
    }
    if target.exists() && !a.force {
        return super::fail(format!(
            "{} already exists; edit it, or pass --force to replace it (your edits would be lost)",
            target.display()
        ));
    }
    let source = match FsSource::new(&a.path, WalkOptions::default()) {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    let lib = match Library::for_source(&source) {
        Ok(l) => l,
        Err(e) => return super::fail(e),
    };
    let opts = ScanOptions {
        name: super::system_name(&a.path),
        ..Default::default()
    };
    let out = match scan(&source, &lib, &opts) {
        Ok(o) => o,
        Err(e) => return super::fail(e),
    };
    let text = init_text(&out.report.model);
    // The schema the `#:schema` comment names, beside the cache-to-be.
    let schema = a.path.join(SCHEMA_PATH);
    if let Err(e) = schema
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|_| std::fs::write(&schema, SCHEMA_JSON))
    {
        return super::fail(format!("{}: {e}", schema.display()));
    }
    // Write beside the target, then rename: a crash never leaves half a file.
    let tmp = a.path.join(format!(".{FILE_NAME}.tmp"));
    if let Err(e) = std::fs::write(&tmp, &text).and_then(|_| std::fs::rename(&tmp, &target)) {
        return super::fail(format!("{}: {e}", target.display()));
    }
    let m = &out.report.model;
    println!(
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
fn write_baseline(a: &Args) -> u8 {
    use bw_threats::baseline::{BASELINE_PATH, Baseline};
    let ws = match super::open(&a.path, WalkOptions::default()) {
        Ok(w) => w,
        Err(e) => return super::fail(e),
    };
    let had_model = ws.model_file.is_some();
    let opts = ScanOptions {
        name: super::system_name(&a.path),
        model_file: ws.model_file,
        ..Default::default()
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
    let path = a.path.join(BASELINE_PATH);
    let tmp = a.path.join(format!("{BASELINE_PATH}.tmp"));
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|_| std::fs::write(&tmp, baseline.text(&opts.today)))
        .and_then(|_| std::fs::rename(&tmp, &path));
    if let Err(e) = written {
        return super::fail(format!("{}: {e}", path.display()));
    }
    println!(
        "wrote {} with {} open threat(s): gates now count only threats not listed there",
        path.display(),
        baseline.threats.len()
    );
    if !had_model {
        let text = init_text(&out.report.model);
        let target = a.path.join(FILE_NAME);
        let schema = a.path.join(SCHEMA_PATH);
        let tmp = a.path.join(format!(".{FILE_NAME}.tmp"));
        let written = std::fs::write(&schema, SCHEMA_JSON)
            .and_then(|_| std::fs::write(&tmp, &text))
            .and_then(|_| std::fs::rename(&tmp, &target));
        if let Err(e) = written {
            return super::fail(format!("{}: {e}", target.display()));
        }
        println!(
            "wrote {}: review the names, assets and classifications",
            target.display()
        );
    }
    crate::exit::PASS
}
