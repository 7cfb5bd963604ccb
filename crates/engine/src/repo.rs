//! What a repository on disk holds besides its code: the model file and
//! the adoption baseline. Every front end (CLI, MCP server) reads them
//! here; each adds its own advice to the error (what to do differs: fix
//! and rerun, or fix and the server scans again).

use bw_model::modelfile::{FILE_NAME, ModelFile};
use bw_threats::baseline::{BASELINE_PATH, Baseline};
use std::io::ErrorKind;
use std::path::Path;

/// The repository's model file (`breakwater.toml`), if it has one. The
/// error names the file and the line.
pub fn read_model_file(root: &Path) -> Result<Option<ModelFile>, String> {
    let path = root.join(FILE_NAME);
    match std::fs::read_to_string(&path) {
        Ok(text) => ModelFile::parse(FILE_NAME, &text)
            .map(Some)
            .map_err(|e| e.to_string()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The adoption baseline (`.breakwater/baseline.toml`), if there is one.
pub fn read_baseline(root: &Path) -> Result<Option<Baseline>, String> {
    let path = root.join(BASELINE_PATH);
    match std::fs::read_to_string(&path) {
        Ok(text) => Baseline::parse(&text)
            .map(Some)
            .map_err(|e| format!("{BASELINE_PATH}: {e}")),
        // No `.breakwater` directory (or a file by that name): no baseline.
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
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
