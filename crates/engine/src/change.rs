//! "Would this change introduce a threat here?": a proposed change (a
//! unified diff, a whole new file, or a snippet added to a file) is laid
//! over the current tree in memory ([`OverlaySource`]), scanned with the
//! same pipeline, and compared with the current report. Nothing is written:
//! not the tree, not the model file, and not the facts cache (it is only
//! read, for the files the change does not touch).

use crate::{EngineError, Library, ScanOptions, scan};
use bw_files::patch::{self, PatchError};
use bw_files::{FileSource, OverlaySource};
use bw_model::modelfile::{FILE_NAME, ModelFile};
use bw_threats::Report;
use bw_threats::diff::{DiffInputs, DiffReport, Side, compare};

/// A change an assistant proposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A unified diff (`git diff` output), paths relative to the scanned
    /// directory (`a/`/`b/` prefixes are removed).
    Diff(String),
    /// The whole new content of one file (created if it does not exist).
    File { path: String, content: String },
    /// Code added at the end of one file (created if it does not exist).
    Append { path: String, snippet: String },
}

/// Why a change could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error(transparent)]
    Patch(#[from] PatchError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("{FILE_NAME} as changed does not parse: {0}")]
    ModelFile(String),
}

/// What the change would do.
pub struct ChangeOutput {
    /// Current tree (base) against the tree with the change (head).
    pub diff: DiffReport,
    /// The report of the tree with the change.
    pub head: Report,
    /// The paths the change touches, with whether each is deleted.
    pub changed: Vec<(String, bool)>,
    /// Some changed file could not be analysed.
    pub incomplete: bool,
}

/// The change laid over `base`, in memory.
pub fn overlay<'a>(
    base: &'a dyn FileSource,
    change: &Change,
    max_file_bytes: u64,
) -> Result<OverlaySource<&'a dyn FileSource>, PatchError> {
    let mut o = OverlaySource::new(base, max_file_bytes);
    match change {
        Change::Diff(text) => {
            let mut patches = patch::parse(text)?;
            strip_prefix(&mut patches, base);
            let files = patch::apply_all(&patches, &|p| base.read(p).ok())?;
            for (path, content) in files {
                match content {
                    Some(bytes) => o.write(&path, bytes),
                    None => o.delete(&path),
                }
            }
        }
        Change::File { path, content } => {
            let path = clean_path(path)?;
            o.write(&path, content.as_bytes());
        }
        Change::Append { path, snippet } => {
            let path = clean_path(path)?;
            let mut text = base.read(&path).unwrap_or_default();
            if !text.is_empty() {
                if !text.ends_with(b"\n") {
                    text.push(b'\n');
                }
                text.push(b'\n');
            }
            text.extend_from_slice(snippet.as_bytes());
            if !text.ends_with(b"\n") {
                text.push(b'\n');
            }
            o.write(&path, text);
        }
    }
    Ok(o)
}

/// A diff written from the top of a repository (`git diff` there) whose
/// every path lies under a directory that does not exist at the top of
/// `base`, while the paths without that directory do: `base` is that
/// directory (a service of a monorepo), so the directory is removed.
fn strip_prefix(patches: &mut [patch::FilePatch], base: &dyn FileSource) {
    let paths: Vec<&str> = patches
        .iter()
        .flat_map(|p| p.old_path.iter().chain(p.new_path.iter()))
        .map(String::as_str)
        .collect();
    let exists = |p: &str| base.read(p).is_ok();
    // The shortest leading directories shared by every path, tried from
    // the outermost in.
    let Some(first) = paths.first() else { return };
    let parts: Vec<&str> = first.split('/').collect();
    for n in 1..parts.len() {
        let prefix = format!("{}/", parts[..n].join("/"));
        let all_under = paths.iter().all(|p| p.starts_with(&prefix));
        if !all_under {
            return;
        }
        let old_paths = patches.iter().filter_map(|p| p.old_path.as_deref());
        let as_is = old_paths.clone().any(exists);
        let stripped = old_paths.clone().any(|p| exists(&p[prefix.len()..]));
        if !as_is && stripped {
            for p in patches.iter_mut() {
                for path in [&mut p.old_path, &mut p.new_path].into_iter().flatten() {
                    *path = path[prefix.len()..].to_string();
                }
            }
            return;
        }
    }
}

fn clean_path(p: &str) -> Result<String, PatchError> {
    let p = p.trim().trim_start_matches("./").to_string();
    patch::check_path(&p)?;
    Ok(p)
}

/// Check `change` against the tree `base` whose report (made with `lib`
/// and `opts`) is `current`. The facts cache in `opts`, if any, is only read.
pub fn check(
    base: &dyn FileSource,
    current: &Report,
    lib: &Library,
    opts: &ScanOptions,
    change: &Change,
    max_file_bytes: u64,
) -> Result<ChangeOutput, ChangeError> {
    let o = overlay(base, change, max_file_bytes)?;
    let changed: Vec<(String, bool)> = o.changed().map(|(p, d)| (p.to_string(), d)).collect();
    // A change to the model file (a decision that closes its own threat)
    // is read from the change, and listed as a silencer it adds.
    let head_model = if changed.iter().any(|(p, _)| p == FILE_NAME) {
        match o.current(FILE_NAME) {
            Some(bytes) => Some(
                ModelFile::parse(FILE_NAME, &String::from_utf8_lossy(&bytes))
                    .map_err(|e| ChangeError::ModelFile(e.to_string()))?,
            ),
            None => None,
        }
    } else {
        opts.model_file.clone()
    };
    let head_opts = ScanOptions {
        model_file: head_model.clone(),
        cache: opts.cache.as_ref().map(|c| c.read_only()),
        ..opts.clone()
    };
    let head = scan(&o, lib, &head_opts)?;
    let author = |_: &bw_threats::diff::AddedSilencer| ("the proposed change".to_string(), None);
    let diff = compare(
        current,
        &head.report,
        &DiffInputs {
            base: Side {
                label: "current tree".into(),
                commit: None,
            },
            head: Side {
                label: "proposed change".into(),
                commit: None,
            },
            base_model: opts.model_file.as_ref(),
            head_model: head_model.as_ref(),
            trust_head_decisions: false,
            author_of: &author,
        },
    );
    Ok(ChangeOutput {
        diff,
        head: head.report,
        changed,
        incomplete: head.incomplete,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bw_files::MemorySource;

    const VIEWS: &str = "from flask import Flask, request\nimport sqlite3\n\napp = Flask(__name__)\n\n\n@app.route(\"/users\")\ndef users():\n    db = sqlite3.connect(\"app.db\")\n    return str(db.execute(\"SELECT name FROM users\").fetchall())\n";

    fn current(src: &MemorySource, lib: &Library) -> Report {
        scan(src, lib, &ScanOptions::default()).unwrap().report
    }

    #[test]
    fn an_injection_in_a_diff_is_new_and_a_harmless_diff_brings_nothing() {
        let src = MemorySource::new().with("app/views.py", VIEWS);
        let lib = Library::builtin().unwrap();
        let now = current(&src, &lib);
        let bad = "--- a/app/views.py\n+++ b/app/views.py\n@@ -8,3 +8,4 @@\n def users():\n+    name = request.args.get(\"name\")\n     db = sqlite3.connect(\"app.db\")\n-    return str(db.execute(\"SELECT name FROM users\").fetchall())\n+    return str(db.execute(\"SELECT name FROM users WHERE name = '\" + name + \"'\").fetchall())\n";
        let out = check(
            &src,
            &now,
            &lib,
            &ScanOptions::default(),
            &Change::Diff(bad.into()),
            1 << 20,
        )
        .unwrap();
        let rules: Vec<&str> = out
            .diff
            .threats_new
            .iter()
            .map(|t| t.rule.as_str())
            .collect();
        assert!(rules.contains(&"sql-injection"), "{rules:?}");
        assert_eq!(out.changed, [("app/views.py".to_string(), false)]);

        let harmless = "--- a/app/views.py\n+++ b/app/views.py\n@@ -1,2 +1,3 @@\n+# Users listing.\n from flask import Flask, request\n import sqlite3\n";
        let out = check(
            &src,
            &now,
            &lib,
            &ScanOptions::default(),
            &Change::Diff(harmless.into()),
            1 << 20,
        )
        .unwrap();
        assert!(
            out.diff.threats_new.is_empty(),
            "{:?}",
            out.diff.threats_new
        );
        // The source itself never changed.
        assert_eq!(src.read("app/views.py").unwrap(), VIEWS.as_bytes());
    }

    #[test]
    fn a_diff_from_the_top_of_a_monorepo_applies_to_the_service_scanned() {
        let src = MemorySource::new().with("app/views.py", VIEWS);
        let diff = "--- a/services/api/app/views.py\n+++ b/services/api/app/views.py\n@@ -1,1 +1,2 @@\n+# Users.\n from flask import Flask, request\n";
        let o = overlay(&src, &Change::Diff(diff.into()), 1 << 20).unwrap();
        let text = String::from_utf8(o.read("app/views.py").unwrap()).unwrap();
        assert!(text.starts_with("# Users.\nfrom flask"), "{text}");
        // A path that exists as written is never rewritten.
        let src = MemorySource::new()
            .with("services/api/app/views.py", VIEWS)
            .with("app/views.py", VIEWS);
        let o = overlay(&src, &Change::Diff(diff.into()), 1 << 20).unwrap();
        let changed: Vec<&str> = o.changed().map(|(p, _)| p).collect();
        assert_eq!(changed, ["services/api/app/views.py"]);
    }

    #[test]
    fn a_snippet_is_appended_and_a_whole_file_replaces() {
        let src = MemorySource::new().with("app/views.py", VIEWS);
        let o = overlay(
            &src,
            &Change::Append {
                path: "./app/views.py".into(),
                snippet: "x = 1".into(),
            },
            1 << 20,
        )
        .unwrap();
        let text = String::from_utf8(o.read("app/views.py").unwrap()).unwrap();
        assert!(
            text.starts_with(VIEWS) && text.ends_with("\n\nx = 1\n"),
            "{text}"
        );
        let o = overlay(
            &src,
            &Change::File {
                path: "app/new.py".into(),
                content: "y = 2\n".into(),
            },
            1 << 20,
        )
        .unwrap();
        assert_eq!(o.read("app/new.py").unwrap(), b"y = 2\n");
        assert!(matches!(
            overlay(
                &src,
                &Change::File {
                    path: "../outside.py".into(),
                    content: String::new()
                },
                1 << 20
            ),
            Err(PatchError::BadPath { .. })
        ));
    }
}
