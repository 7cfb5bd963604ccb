//! Every input the fuzzers ever crashed on (`fuzz/regressions/<target>/`)
//! goes through the same `bw_engine::fuzz` function again, on the stable
//! toolchain, in every test run.

use std::path::Path;

#[test]
fn every_kept_fuzz_input_still_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut ran = 0;
    for target in bw_engine::fuzz::TARGETS {
        let dir = root.join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files.iter().filter(|f| f.is_file()) {
            let data = std::fs::read(f).unwrap();
            eprintln!("{target}: {}", f.display());
            bw_engine::fuzz::run(target, &data);
            ran += 1;
        }
    }
    eprintln!("{ran} kept inputs replayed");
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
