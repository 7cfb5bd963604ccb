//! Embeds every rule file under `rules/<category>/*.toml` (not `flow/`,
//! not `tests/`) into the binary, sorted by path for a stable order.

use std::path::{Path, PathBuf};

fn main() {
    // Read when the script runs, not baked in when it was compiled: a
    // target directory moved from another checkout keeps its compiled
    // build scripts, and a baked-in path would point at the old one.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("../../rules");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files: Vec<(String, PathBuf)> = vec![];
    let cats = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("the built-in rules: {}: {e}", root.display()));
    for cat in cats.flatten() {
        let name = cat.file_name().to_string_lossy().into_owned();
        if !cat.path().is_dir() || name == "flow" || name == "tests" {
            continue;
        }
        println!("cargo:rerun-if-changed={}", cat.path().display());
        for f in std::fs::read_dir(cat.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let p = f.path();
            if p.extension().is_some_and(|e| e == "toml") {
                let fname = p.file_name().unwrap().to_string_lossy().into_owned();
                files.push((format!("rules/{name}/{fname}"), p.canonicalize().unwrap()));
            }
        }
    }
    // A binary without its rules would find nothing and say so as "no
    // threats found": never build one.
    assert!(!files.is_empty(), "no rule files under {}", root.display());
    files.sort();
    let mut out = String::from(
        "/// Built-in rule files: (origin, text).\npub const BUILTIN_RULES: &[(&str, &str)] = &[\n",
    );
    for (origin, path) in &files {
        out.push_str(&format!(
            "    ({origin:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin_rules.rs");
    std::fs::write(dest, out).unwrap();
}
