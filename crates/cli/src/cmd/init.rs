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
}

pub fn run(a: Args) -> u8 {
    let target = a.path.join(FILE_NAME);
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
