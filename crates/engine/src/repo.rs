//! What a repository on disk holds besides its code: the model file, the
//! adoption baseline, the architecture snapshot. Every front end (CLI, MCP
//! server, editor) reads them here, through the one reader of files
//! breakwater names itself ([`bw_files::read_in_tree`]: no link followed,
//! no FIFO or device opened, at most [`MAX_CONFIG_BYTES`] read); each front
//! end adds its own advice to the error (what to do differs: fix and rerun,
//! or fix and the server scans again).

use bw_files::{MAX_CONFIG_BYTES, read_text_in_tree};
use bw_model::modelfile::{FILE_NAME, ModelFile};
use bw_threats::baseline::{BASELINE_PATH, Baseline};
use std::path::Path;

/// The text of a file breakwater reads by name under `root` (`rel` is
/// relative, `/`-separated), if it exists. Errors say what is wrong (a
/// link, a FIFO, too large, not UTF-8) and never quote the content.
pub fn read_named(root: &Path, rel: impl AsRef<Path>) -> Result<Option<String>, String> {
    read_text_in_tree(root, rel, MAX_CONFIG_BYTES).map_err(|e| e.to_string())
}

/// The repository's model file (`breakwater.toml`), if it has one. The
/// error names the file and the line.
pub fn read_model_file(root: &Path) -> Result<Option<ModelFile>, String> {
    match read_named(root, FILE_NAME)? {
        Some(text) => ModelFile::parse(FILE_NAME, &text)
            .map(Some)
            .map_err(|e| e.to_string()),
        None => Ok(None),
    }
}

/// The adoption baseline (`.breakwater/baseline.toml`), if there is one
/// (no `.breakwater` directory, or a file by that name: none).
pub fn read_baseline(root: &Path) -> Result<Option<Baseline>, String> {
    match read_named(root, BASELINE_PATH)? {
        Some(text) => Baseline::parse(&text)
            .map(Some)
            .map_err(|e| format!("{BASELINE_PATH}: {e}")),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_files_are_none_and_broken_ones_say_where() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_model_file(dir.path()).unwrap().is_none());
        assert!(read_baseline(dir.path()).unwrap().is_none());
        // `.breakwater` as a file, not a directory: still no baseline.
        std::fs::write(dir.path().join(".breakwater"), "").unwrap();
        assert!(read_baseline(dir.path()).unwrap().is_none());
        std::fs::remove_file(dir.path().join(".breakwater")).unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "[system]\nname = 3\n").unwrap();
        let e = read_model_file(dir.path()).unwrap_err();
        assert!(e.contains("breakwater.toml"), "{e}");
        std::fs::create_dir(dir.path().join(".breakwater")).unwrap();
        std::fs::write(dir.path().join(BASELINE_PATH), "not = [toml").unwrap();
        let e = read_baseline(dir.path()).unwrap_err();
        assert!(e.starts_with(BASELINE_PATH), "{e}");
        std::fs::write(dir.path().join(FILE_NAME), "[system]\nname = \"x\"\n").unwrap();
        assert!(read_model_file(dir.path()).unwrap().is_some());
    }
}
