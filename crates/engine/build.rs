//! Fingerprints the code that decides a file's facts (the `files`, `lang`
//! and `facts` crates, the analysis core's `ir`, `lower` and `flow`, and
//! the grammar versions pinned in `Cargo.lock`)
//! as `BW_EXTRACT_BUILD`. The facts cache keys on it beside the version,
//! so a build whose extractors changed never reads another build's
//! entries, even when both say `0.1.0`.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The crates whose code decides a file's facts: `bw-facts` and every
/// crate of the workspace it depends on (a test in `cache.rs` checks).
const FACT_CRATES: [&str; 6] = ["files", "lang", "facts", "ir", "lower", "flow"];

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    // Read when the script runs, not baked in when it was compiled: a
    // target directory moved from another checkout keeps its compiled
    // build scripts, and a baked-in path would hash another tree's files.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let crates = Path::new(&manifest).join("..");
    let mut files = vec![crates.join("../Cargo.lock")];
    for name in FACT_CRATES {
        let dir = crates.join(name);
        println!("cargo:rerun-if-changed={}", dir.join("src").display());
        println!(
            "cargo:rerun-if-changed={}",
            dir.join("Cargo.toml").display()
        );
        files.push(dir.join("Cargo.toml"));
        collect(&dir.join("src"), &mut files);
    }
    println!("cargo:rerun-if-changed={}", files[0].display());
    files.sort();
    let mut h = Sha256::new();
    for f in &files {
        // Missing files (a build outside the workspace) hash as absent.
        let text = std::fs::read(f).unwrap_or_default();
        let rel = f.strip_prefix(&crates).unwrap_or(f).to_string_lossy();
        h.update((rel.len() as u64).to_le_bytes());
        h.update(rel.as_bytes());
        h.update((text.len() as u64).to_le_bytes());
        h.update(&text);
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    println!("cargo:rustc-env=BW_EXTRACT_BUILD={hex}");
}
