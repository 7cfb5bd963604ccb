//! The repository the server answers about: scanned once at start, scanned
//! again when a file breakwater reads (or the model file, the baseline, a
//! custom rule or flow spec) changed since, checked on every call by size
//! and modification time. Nothing here writes to the tree; the facts cache,
//! when there is one, is the only directory written (as by `scan`).

use bw_engine::{Cache, FsSource, Library, ScanOptions, WalkOptions, scan};
use bw_model::modelfile::{FILE_NAME, ModelFile};
use bw_threats::Report;
use bw_threats::baseline::{BASELINE_PATH, Baseline};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How to scan the repository.
#[derive(Clone)]
pub struct ProjectOptions {
    pub root: PathBuf,
    pub walk: WalkOptions,
    /// The facts cache (`None`: parse every file on every scan).
    pub cache: Option<Cache>,
    pub threads: Option<usize>,
    /// The system's name (the directory's, usually).
    pub name: String,
}

/// One scan of the repository and everything needed to answer from it.
pub struct Snapshot {
    pub report: Report,
    /// Every file's facts (the checks of a proposed threat read the flows).
    pub facts: Vec<bw_facts::FileFacts>,
    pub lib: Library,
    /// The options the report was made with (model file, baseline, cache).
    pub scan: ScanOptions,
    pub walk: WalkOptions,
    pub root: PathBuf,
    /// Some file could not be analysed.
    pub incomplete: bool,
    pub elapsed: Duration,
    stamp: u64,
}

impl Snapshot {
    /// The tree on disk, as scanned.
    pub fn source(&self) -> Result<FsSource, String> {
        FsSource::new(&self.root, self.walk.clone()).map_err(|e| e.to_string())
    }
}

/// The repository, and its latest scan.
pub struct Project {
    opts: ProjectOptions,
    latest: Mutex<Option<Arc<Snapshot>>>,
    scans: std::sync::atomic::AtomicUsize,
}

impl Project {
    pub fn new(opts: ProjectOptions) -> Project {
        Project {
            opts,
            latest: Mutex::new(None),
            scans: Default::default(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    /// How many scans this project ran (the first one included).
    pub fn scans(&self) -> usize {
        self.scans.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The scan of the tree as it is now: the last one when nothing
    /// changed since, else a new one. Concurrent callers wait for one scan.
    pub fn current(&self) -> Result<Arc<Snapshot>, String> {
        let stamp = stamp(&self.opts)?;
        let mut latest = self
            .latest
            .lock()
            .map_err(|_| "an earlier scan panicked".to_string())?;
        if let Some(s) = latest.as_ref()
            && s.stamp == stamp
        {
            return Ok(s.clone());
        }
        let snap = Arc::new(self.scan(stamp)?);
        *latest = Some(snap.clone());
        Ok(snap)
    }

    fn scan(&self, stamp: u64) -> Result<Snapshot, String> {
        let start = Instant::now();
        let o = &self.opts;
        let source = FsSource::new(&o.root, o.walk.clone()).map_err(|e| e.to_string())?;
        let lib = Library::for_source(&source)
            .map_err(|e| format!("{e}\n  = help: fix the rule or flow file named above"))?;
        let scan_opts = ScanOptions {
            name: o.name.clone(),
            threads: o.threads,
            model_file: load_model_file(&o.root)?,
            baseline: load_baseline(&o.root)?,
            cache: o.cache.clone(),
            ..ScanOptions::default()
        };
        let keep = ScanOptions {
            keep_facts: true,
            ..scan_opts.clone()
        };
        let out = scan(&source, &lib, &keep).map_err(|e| e.to_string())?;
        self.scans
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(Snapshot {
            report: out.report,
            facts: out.facts,
            lib,
            scan: scan_opts,
            walk: o.walk.clone(),
            root: o.root.clone(),
            incomplete: out.incomplete,
            elapsed: start.elapsed(),
            stamp,
        })
    }
}

/// The repository's model file, if it has one.
fn load_model_file(root: &Path) -> Result<Option<ModelFile>, String> {
    bw_engine::repo::read_model_file(root).map_err(|e| {
        format!("{e}\n  = help: fix the model file; the server scans again on the next call")
    })
}

/// The adoption baseline, if there is one.
fn load_baseline(root: &Path) -> Result<Option<Baseline>, String> {
    bw_engine::repo::read_baseline(root).map_err(|e| {
        format!("{e}\n  = help: fix or delete it; the server scans again on the next call")
    })
}

/// What the scan depends on, by path, size and modification time: every
/// file the walk offers or skips, the model file, the baseline, and the
/// team's rules and flow specs.
fn stamp(o: &ProjectOptions) -> Result<u64, String> {
    let source = FsSource::new(&o.root, o.walk.clone()).map_err(|e| e.to_string())?;
    let listing = bw_files::FileSource::list(&source).map_err(|e| e.to_string())?;
    let mut h = DefaultHasher::new();
    let mut stat = |rel: &str| {
        rel.hash(&mut h);
        match std::fs::symlink_metadata(o.root.join(rel)) {
            Ok(m) => {
                m.len().hash(&mut h);
                m.modified().ok().hash(&mut h);
            }
            Err(_) => 0u8.hash(&mut h),
        }
    };
    for e in &listing.files {
        stat(&e.path);
    }
    for (p, _) in &listing.skipped {
        stat(p);
    }
    stat(FILE_NAME);
    stat(BASELINE_PATH);
    for dir in [".breakwater/rules", ".breakwater/flow"] {
        let Ok(rd) = std::fs::read_dir(o.root.join(dir)) else {
            continue;
        };
        let mut names: Vec<String> = rd
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for n in names {
            stat(&format!("{dir}/{n}"));
        }
    }
    Ok(h.finish())
}
