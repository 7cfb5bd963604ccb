//! `diff`: the base revision read from git objects, the head from git, the
//! index (staged changes) or the working tree, all run through the same
//! pipeline and compared.

use crate::{EngineError, Library, ScanOptions, scan};
use bw_files::git::{CommitInfo, GitError, GitRepo};
use bw_files::{FileSource, FsSource, MemorySource, WalkOptions};
use bw_model::modelfile::{FILE_NAME, ModelFile};
use bw_threats::Report;
use bw_threats::diff::{AddedSilencer, DiffInputs, DiffReport, Side, compare};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;

/// What to compare.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// Base revision; default: the merge base of HEAD with the default branch.
    pub base: Option<String>,
    /// Head revision; default: the working tree.
    pub head: Option<String>,
    /// Head is the git index (what `git commit` would record: staged
    /// changes only) instead of the working tree; the base defaults to
    /// HEAD (nothing, before the first commit). `head` must be `None`.
    pub staged: bool,
    pub trust_head_decisions: bool,
    pub walk: WalkOptions,
    /// Options for both scans (name, threads, today); the model files are
    /// read from each side.
    pub scan: ScanOptions,
}

/// Errors that stop a diff.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("{0}")]
    ModelFile(String),
    #[error("{0}")]
    Usage(String),
}

/// The comparison, both reports, and whether head's scan was complete.
pub struct DiffOutput {
    pub diff: DiffReport,
    pub base: Report,
    pub head: Report,
    pub incomplete: bool,
}

fn parse_model(side: &str, text: Option<Vec<u8>>) -> Result<Option<ModelFile>, DiffError> {
    let Some(bytes) = text else { return Ok(None) };
    let text = String::from_utf8_lossy(&bytes);
    ModelFile::parse(FILE_NAME, &text).map(Some).map_err(|e| {
        DiffError::ModelFile(format!(
            "{side}: {e}\n  = help: fix the model file on that side"
        ))
    })
}

/// Compare two revisions of the repository around `root`.
pub fn diff(root: &Path, opts: &DiffOptions) -> Result<DiffOutput, DiffError> {
    let repo = GitRepo::discover(root)?;
    if opts.staged && opts.head.is_some() {
        return Err(DiffError::Usage(
            "the staged changes are compared with a base revision, not with a head revision; drop one of them".into(),
        ));
    }
    // Before the first commit, a base of HEAD (the staged changes' default)
    // is nothing: every file is new.
    let base_is_head = (opts.staged && opts.base.is_none()) || opts.base.as_deref() == Some("HEAD");
    let unborn = base_is_head && opts.head.is_none() && repo.head()?.is_none();
    let head_commit = match &opts.head {
        Some(rev) => Some(repo.resolve(rev)?),
        None if unborn => None,
        None => Some(repo.resolve("HEAD")?),
    };
    let (base_src, base_commit, base_label): (Box<dyn FileSource>, _, _) =
        match (&opts.base, head_commit) {
            (Some(_), None) => (Box::new(MemorySource::new()), None, "no commit yet".into()),
            (Some(rev), _) => {
                let id = repo.resolve(rev)?;
                (
                    Box::new(repo.tree_source(id, &opts.walk)?),
                    Some(id),
                    rev.clone(),
                )
            }
            (None, Some(head)) if opts.staged => (
                Box::new(repo.tree_source(head, &opts.walk)?),
                Some(head),
                "HEAD".into(),
            ),
            (None, Some(head)) => {
                let branch = repo.default_branch()?;
                let tip = repo.resolve(&branch)?;
                let mb = repo.merge_base(tip, head)?;
                (
                    Box::new(repo.tree_source(mb, &opts.walk)?),
                    Some(mb),
                    format!("merge base with {branch}"),
                )
            }
            (None, None) => (Box::new(MemorySource::new()), None, "no commit yet".into()),
        };
    let base_mf = match base_commit {
        Some(id) => parse_model("base", repo.file_at(id, FILE_NAME)?)?,
        None => None,
    };

    let (head_src, head_mf, head_side): (Box<dyn FileSource>, _, _) =
        match (&opts.head, head_commit) {
            (Some(rev), Some(id)) => (
                Box::new(repo.tree_source(id, &opts.walk)?),
                parse_model("head", repo.file_at(id, FILE_NAME)?)?,
                Side {
                    label: rev.clone(),
                    commit: Some(id.to_string()),
                },
            ),
            _ if opts.staged => (
                Box::new(repo.index_source(&opts.walk)?),
                parse_model("index", repo.file_in_index(FILE_NAME)?)?,
                Side {
                    label: "staged changes".into(),
                    commit: None,
                },
            ),
            _ => (
                Box::new(FsSource::new(root, opts.walk.clone()).map_err(EngineError::from)?),
                parse_model(
                    "working tree",
                    bw_files::read_in_tree(root, FILE_NAME, bw_files::MAX_CONFIG_BYTES)
                        .map_err(|e| DiffError::ModelFile(e.to_string()))?,
                )?,
                Side {
                    label: "working tree".into(),
                    commit: None,
                },
            ),
        };
    // One rule library for both sides: the diff shows what the code
    // changed, not what the rules did.
    let lib = Library::for_source(head_src.as_ref())?;
    let base_out = scan(
        base_src.as_ref(),
        &lib,
        &ScanOptions {
            model_file: base_mf.clone(),
            ..opts.scan.clone()
        },
    )?;
    let head_out = scan(
        head_src.as_ref(),
        &lib,
        &ScanOptions {
            model_file: head_mf.clone(),
            ..opts.scan.clone()
        },
    )?;

    let commits = match (base_commit, head_commit) {
        (Some(b), Some(h)) => repo.commits_between(b, h)?,
        _ => vec![],
    };
    let history = History {
        repo: &repo,
        commits: &commits,
        working_tree: opts.head.is_none(),
        user: repo.user(),
        models: RefCell::new(BTreeMap::new()),
        files: RefCell::new(BTreeMap::new()),
    };
    let author_of = |s: &AddedSilencer| history.author_of(s);
    let diff = compare(
        &base_out.report,
        &head_out.report,
        &DiffInputs {
            base: Side {
                label: base_label,
                commit: base_commit.map(|c| c.to_string()),
            },
            head: head_side,
            base_model: base_mf.as_ref(),
            head_model: head_mf.as_ref(),
            trust_head_decisions: opts.trust_head_decisions,
            author_of: &author_of,
        },
    );
    Ok(DiffOutput {
        diff,
        base: base_out.report,
        head: head_out.report,
        incomplete: head_out.incomplete,
    })
}

/// Who added what, from the commits of the change.
struct History<'a> {
    repo: &'a GitRepo,
    /// Oldest first.
    commits: &'a [CommitInfo],
    working_tree: bool,
    user: Option<String>,
    models: RefCell<BTreeMap<String, Option<ModelFile>>>,
    files: RefCell<BTreeMap<(String, String), Option<String>>>,
}

impl History<'_> {
    fn model_at(&self, commit: &str) -> Option<ModelFile> {
        self.models
            .borrow_mut()
            .entry(commit.to_string())
            .or_insert_with(|| {
                let id = self.repo.resolve(commit).ok()?;
                let bytes = self.repo.file_at(id, FILE_NAME).ok()??;
                ModelFile::parse(FILE_NAME, &String::from_utf8_lossy(&bytes)).ok()
            })
            .clone()
    }

    fn file_at(&self, commit: &str, path: &str) -> Option<String> {
        self.files
            .borrow_mut()
            .entry((commit.to_string(), path.to_string()))
            .or_insert_with(|| {
                let id = self.repo.resolve(commit).ok()?;
                let bytes = self.repo.file_at(id, path).ok()??;
                Some(String::from_utf8_lossy(&bytes).into_owned())
            })
            .clone()
    }

    /// The commit from which on the entry stayed as it is now; uncommitted
    /// when the last commit does not have it yet.
    fn author_of(&self, s: &AddedSilencer) -> (String, Option<String>) {
        let present = |c: &CommitInfo| -> bool {
            match s.kind.as_str() {
                "decision" => self.model_at(&c.id).is_some_and(|m| {
                    m.decisions
                        .get(&s.target)
                        .is_some_and(|d| d.status == s.what && d.reason == s.reason)
                }),
                "suppression" => self.model_at(&c.id).is_some_and(|m| {
                    m.suppressions
                        .get(&s.target)
                        .is_some_and(|x| x.reason == s.reason)
                }),
                _ => {
                    let path = s.target.rsplit_once(':').map(|(p, _)| p).unwrap_or("");
                    self.file_at(&c.id, path).is_some_and(|text| {
                        text.lines().any(|l| {
                            l.contains(&format!("ignore[{}]", s.what))
                                && l.contains(s.reason.trim())
                        })
                    })
                }
            }
        };
        let mut since: Option<&CommitInfo> = None;
        for c in self.commits {
            if present(c) {
                since = since.or(Some(c));
            } else {
                since = None;
            }
        }
        match since {
            Some(c) => (c.author.clone(), Some(c.id.clone())),
            None if self.working_tree => (
                match &self.user {
                    Some(u) => format!("uncommitted (git user {u})"),
                    None => "uncommitted".into(),
                },
                None,
            ),
            None => ("unknown".into(), None),
        }
    }
}
