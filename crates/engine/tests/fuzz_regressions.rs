//! Every input the fuzzers ever crashed on (`fuzz/regressions/<target>/`)
//! goes through the same `bw_engine::fuzz` function again, on the stable
//! toolchain, in every test run.

use std::path::Path;

/// The files under `fuzz/<dir>/<target>/`, in name order, for each target.
fn inputs(dir: &str) -> Vec<(&'static str, std::path::PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz")
        .join(dir);
    let mut all = vec![];
    for target in bw_engine::fuzz::TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        all.extend(
            files
                .into_iter()
                .filter(|f| f.is_file())
                .map(|f| (*target, f)),
        );
    }
    all
}

#[test]
fn every_kept_fuzz_input_still_passes() {
    let kept = inputs("regressions");
    for (target, f) in &kept {
        eprintln!("{target}: {}", f.display());
        bw_engine::fuzz::run(target, &std::fs::read(f).unwrap());
    }
    eprintln!("{} kept inputs replayed", kept.len());
}

/// The hand-written seeds (hostile shapes from the issue tracker: a
/// billion-laughs compose file, one anchor in 100 services, CR-only line
/// endings, a 300-term concatenation, 60 nested functions, model files and
/// patches with every layout) hold the targets' invariants too, so a seed
/// that stops passing is caught by `cargo test`, not only by a fuzz run.
#[test]
fn every_seed_passes_its_target() {
    let seeds = inputs("seeds");
    for target in ["model_file", "iac", "code", "patch"] {
        assert!(
            seeds.iter().any(|(t, _)| *t == target),
            "fuzz/seeds/{target}/ has no seed"
        );
    }
    for (target, f) in &seeds {
        eprintln!("{target}: {}", f.display());
        bw_engine::fuzz::run(target, &std::fs::read(f).unwrap());
    }
}

#[test]
fn every_target_has_a_fuzz_binary() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let manifest = std::fs::read_to_string(fuzz.join("Cargo.toml")).unwrap();
    for target in bw_engine::fuzz::TARGETS {
        let src = fuzz.join(format!("fuzz_targets/{target}.rs"));
        let text = std::fs::read_to_string(&src).unwrap_or_else(|_| panic!("{}", src.display()));
        assert!(
            text.contains(&format!("bw_engine::fuzz::{target}(")),
            "{} does not run bw_engine::fuzz::{target}",
            src.display()
        );
        assert!(
            manifest.contains(&format!("name = \"{target}\"")),
            "{target} is not a [[bin]] of fuzz/Cargo.toml"
        );
    }
}
