//! The only orchestrator: files → facts → model → threats → report.
//!
//! Front-ends (the CLI today; the editor and MCP servers later) call
//! [`scan`] with a [`FileSource`] and get a [`Report`]. Extraction runs in
//! parallel, one file at a time, and keeps no trees; everything after it is
//! cheap and single-threaded, so the output order never depends on thread
//! timing.

use bw_facts::flowspec::FlowSpec;
use bw_facts::{FileFacts, Prop, Subject};
use bw_files::{
    FileClass, FileSource, Lang, SkipReason, classify, classify_path, decode_text, detect_lang,
};
use bw_threats::eval::{Candidate, evaluate};
use bw_threats::{
    Confidence, Excerpt, FileStats, Question, Report, RuleError, RuleSet, RuleSummary, Severity,
    SkippedFile, Status, Summary, Threat, TruncatedFile, TruncationNote, UnanalysedFile,
};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub mod cache;

pub use bw_files::{CACHE_DIR, FsSource, MemorySource, OverlaySource, WalkOptions};
pub use cache::{CACHE_FORMAT, Cache, CacheUnavailable};

pub mod change;
pub mod diff;
pub mod fuzz;
pub mod repin;
pub mod repo;
mod session;
pub mod status;

pub use session::{Session, Update};

/// Version of the JSON report format.
pub const REPORT_VERSION: &str = "1";

/// Knobs for one scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Name of the system (defaults to the directory name).
    pub name: String,
    /// Worker threads (None: all cores).
    pub threads: Option<usize>,
    /// The repository's `breakwater.toml`, when it has one.
    pub model_file: Option<bw_model::modelfile::ModelFile>,
    /// Today, `YYYY-MM-DD`, for decisions that expire.
    pub today: String,
    /// The adoption baseline (`.breakwater/baseline.toml`), when there is one.
    pub baseline: Option<bw_threats::baseline::Baseline>,
    /// Read and write per-file facts here (None: parse every file).
    pub cache: Option<Cache>,
    /// Return every file's facts with the report (the AI checks read the
    /// flow analysis); off by default to keep scans lean.
    pub keep_facts: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            name: "system".into(),
            threads: None,
            model_file: None,
            today: bw_model::modelfile::today(),
            baseline: None,
            cache: None,
            keep_facts: false,
        }
    }
}

/// Errors that stop a scan before it starts.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Source(#[from] bw_files::SourceError),
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Rules(Vec<RuleError>),
    #[error("{0}")]
    FlowSpec(String),
}

/// A scan's result and how long it took.
pub struct ScanOutput {
    pub report: Report,
    pub elapsed: Duration,
    /// Some files failed (unreadable, invalid UTF-8, parse timeout) and no
    /// decision accepts them.
    pub incomplete: bool,
    /// Files whose facts came from the cache.
    pub cache_hits: usize,
    /// Files handed to a parser (extracted, timed out or failed).
    pub parsed: usize,
    /// Every file's facts, linked (only with [`ScanOptions::keep_facts`]).
    pub facts: Vec<FileFacts>,
}

/// The rule library and flow specs for a repository: built-in plus the
/// team's own files under `.breakwater/rules/` and `.breakwater/flow/`.
#[derive(Clone)]
pub struct Library {
    pub rules: RuleSet,
    pub flow: FlowSpec,
    /// Which analysis core makes each language's sink facts.
    pub core: bw_facts::core::Core,
    /// SHA-256 over every rule and flow-spec text the library was built
    /// from, in order (see [`Library::fingerprint`]).
    fingerprint: [u8; 32],
}

impl Library {
    pub fn builtin() -> Result<Library, EngineError> {
        let mut lib = Library {
            rules: RuleSet::builtin().map_err(EngineError::Rules)?,
            flow: FlowSpec::builtin(),
            core: bw_facts::core::Core::selected(),
            fingerprint: [0; 32],
        };
        for (origin, text) in bw_threats::rule::BUILTIN_RULES {
            lib.mix("rule", origin, text);
        }
        for (origin, text) in bw_facts::flowspec::BUILTIN {
            lib.mix("flow", origin, text);
        }
        // The new analysis core makes other facts from the same files: its
        // cached facts are never taken for the old core's.
        if let Some(k) = lib.core.key() {
            lib.mix("core", bw_facts::core::CORE_ENV, &k);
        }
        Ok(lib)
    }

    /// This library with the sink facts of every language made by `core`
    /// (to compare with what a previous analysis made: see
    /// [`repin`]). Its facts are cached apart from this one's.
    pub fn with_core(&self, core: bw_facts::core::Core) -> Library {
        let mut lib = self.clone();
        lib.core = core;
        lib.mix(
            "core-override",
            bw_facts::core::CORE_ENV,
            &format!("{core:?}"),
        );
        lib
    }

    /// The rule pack: a hex SHA-256 of every built-in and custom rule and
    /// flow-spec text this library was built from. The facts cache keys
    /// on it, so editing a team's flow spec re-extracts every file.
    pub fn fingerprint(&self) -> String {
        cache::hex(&self.fingerprint)
    }

    fn mix(&mut self, kind: &str, origin: &str, text: &str) {
        let mut h = Sha256::new();
        h.update(self.fingerprint);
        for part in [kind, origin, text] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        self.fingerprint = h.finalize().into();
    }

    /// Built-in plus the repository's own rules and flow specs.
    pub fn for_source(source: &dyn FileSource) -> Result<Library, EngineError> {
        let mut lib = Library::builtin()?;
        let mut listing = source.list_under(".breakwater/rules")?;
        let flow = source.list_under(".breakwater/flow")?;
        listing.files.extend(flow.files);
        listing.skipped.extend(flow.skipped);
        // A team's rule that cannot be read (a link, a FIFO, too large) is
        // an error, never silently left out of the library.
        if let Some((path, reason)) = listing.skipped.iter().find(|(p, _)| p.ends_with(".toml")) {
            return Err(EngineError::FlowSpec(format!(
                "{}: {}",
                bw_files::terminal_safe(path),
                reason.message()
            )));
        }
        let mut custom = vec![];
        for e in &listing.files {
            let in_dir = |d: &str| e.path.starts_with(d) && e.path.ends_with(".toml");
            if in_dir(".breakwater/rules/") || in_dir(".breakwater/flow/") {
                let text = decode_text(source.read(&e.path)?)
                    .map_err(|r| EngineError::FlowSpec(format!("{}: {}", e.path, r.message())))?;
                if e.path.starts_with(".breakwater/flow/") {
                    lib.mix("flow", &e.path, &text);
                    lib.flow
                        .add(&e.path, &text)
                        .map_err(EngineError::FlowSpec)?;
                    bw_facts::vocab::check_components(&lib.flow)
                        .map_err(|m| EngineError::FlowSpec(format!("{}: {m}", e.path)))?;
                } else {
                    lib.mix("rule", &e.path, &text);
                    custom.push((e.path.clone(), text));
                }
            }
        }
        lib.rules.add_custom(&custom).map_err(EngineError::Rules)?;
        Ok(lib)
    }
}

/// What extraction made of one listed file.
#[derive(Debug, Clone)]
enum FileResult {
    Facts(FileFacts, u64),
    Skipped(String, SkipReason),
    Lockfile(String),
}

impl FileResult {
    /// The same facts, or the same reason to skip (sizes aside).
    fn same_facts(&self, other: &FileResult) -> bool {
        match (self, other) {
            (FileResult::Facts(a, _), FileResult::Facts(b, _)) => a == b,
            (FileResult::Skipped(_, a), FileResult::Skipped(_, b)) => a == b,
            (FileResult::Lockfile(_), FileResult::Lockfile(_)) => true,
            _ => false,
        }
    }
}

fn skip_reason(class: FileClass) -> Option<SkipReason> {
    match class {
        FileClass::Source => None,
        FileClass::Test => Some(SkipReason::Test),
        FileClass::Vendored => Some(SkipReason::Vendored),
        FileClass::Minified => Some(SkipReason::Minified),
        FileClass::Generated => Some(SkipReason::Generated),
    }
}

/// A scan's view of its cache: where, under which salt, and what it did.
struct ScanCache<'a> {
    cache: Option<(&'a Cache, cache::Salt)>,
    hits: AtomicUsize,
    parsed: AtomicUsize,
}

impl<'a> ScanCache<'a> {
    /// The cache `opts` name, keyed by `lib`'s rules, flow specs and core.
    fn of(opts: &'a ScanOptions, lib: &Library) -> Self {
        ScanCache {
            cache: opts
                .cache
                .as_ref()
                .map(|c| (c, cache::Salt::current(&lib.fingerprint()))),
            ..ScanCache::off()
        }
    }

    fn off() -> Self {
        ScanCache {
            cache: None,
            hits: AtomicUsize::new(0),
            parsed: AtomicUsize::new(0),
        }
    }
}

/// Why a file is not analysed, from its path alone (test, vendored, …).
fn path_skip(path: &str, lang: Lang) -> Option<SkipReason> {
    if lang == Lang::Lockfile {
        return None;
    }
    skip_reason(classify_path(path))
}

fn extract_one(
    source: &dyn FileSource,
    path: &str,
    lang: Lang,
    spec: &FlowSpec,
    core: bw_facts::core::Core,
    cache: &ScanCache<'_>,
) -> FileResult {
    // What the path alone says is decided without reading the file.
    if let Some(r) = path_skip(path, lang) {
        return FileResult::Skipped(path.into(), r);
    }
    // Only a lockfile's presence matters: it is never read.
    if lang == Lang::Lockfile {
        return FileResult::Lockfile(path.into());
    }
    let bytes = match source.read(path) {
        Ok(b) => b,
        Err(e) => {
            return FileResult::Skipped(
                path.into(),
                SkipReason::Unreadable {
                    error: e.to_string(),
                },
            );
        }
    };
    extract_bytes(path, lang, bytes, spec, core, cache)
}

/// [`extract_one`] once the file's bytes are read.
fn extract_bytes(
    path: &str,
    lang: Lang,
    bytes: Vec<u8>,
    spec: &FlowSpec,
    core: bw_facts::core::Core,
    cache: &ScanCache<'_>,
) -> FileResult {
    if let Some(r) = path_skip(path, lang) {
        return FileResult::Skipped(path.into(), r);
    }
    let len = bytes.len() as u64;
    // Lockfiles carry "@generated" headers; only their presence matters.
    if lang == Lang::Lockfile {
        return FileResult::Lockfile(path.into());
    }
    // Only extracted files are stored, so a hit also stands for the
    // classification and decoding below.
    let key = cache
        .cache
        .as_ref()
        .map(|(c, salt)| (*c, salt.key(path, &bytes)));
    if let Some((c, key)) = &key
        && let Some(f) = c.get(key, path)
    {
        cache.hits.fetch_add(1, Ordering::Relaxed);
        return FileResult::Facts(f, len);
    }
    if let Some(r) = skip_reason(classify(path, &bytes[..bytes.len().min(2048)])) {
        return FileResult::Skipped(path.into(), r);
    }
    let text = match decode_text(bytes) {
        Ok(t) => t,
        Err(r) => return FileResult::Skipped(path.into(), r),
    };
    cache.parsed.fetch_add(1, Ordering::Relaxed);
    match bw_facts::extract_by(path, lang, &text, spec, &Default::default(), core) {
        Ok(f) => {
            if let Some((c, key)) = &key {
                c.put(key, &f);
            }
            FileResult::Facts(f, len)
        }
        Err(bw_lang::ParseError::Timeout { millis }) => {
            FileResult::Skipped(path.into(), SkipReason::Timeout { millis })
        }
        Err(bw_lang::ParseError::Memory { limit }) => FileResult::Skipped(
            path.into(),
            SkipReason::OverBudget {
                budget: format!(
                    "memory ({} MiB held by its syntax tree and analysis)",
                    limit >> 20
                ),
            },
        ),
        Err(e) => FileResult::Skipped(
            path.into(),
            SkipReason::Unreadable {
                error: format!("parse failed: {e:?}"),
            },
        ),
    }
}

/// Scan a repository.
pub fn scan(
    source: &dyn FileSource,
    lib: &Library,
    opts: &ScanOptions,
) -> Result<ScanOutput, EngineError> {
    scan_with_progress(source, lib, opts, &|_, _| {})
}

/// Scan, calling `progress(done, total)` as files are extracted (from
/// worker threads; the callback decides how often to draw).
///
/// Two phases: [`Extraction`] (list the files and extract each one's facts,
/// in parallel, through the cache) and [`analyse`] (link, build, evaluate,
/// decisions, excerpts). A [`Session`] keeps the first phase's results and
/// re-runs only the second after an edit.
pub fn scan_with_progress(
    source: &dyn FileSource,
    lib: &Library,
    opts: &ScanOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ScanOutput, EngineError> {
    let start = Instant::now();
    let listing = source.list()?;
    let t_list = start.elapsed();
    let candidates = candidates(&listing);
    let scan_cache = ScanCache::of(opts, lib);
    let results = extract_all(
        source,
        &candidates,
        lib,
        opts.threads,
        &scan_cache,
        progress,
    );
    let mut a = analyse(
        source,
        lib,
        opts,
        &listing.skipped,
        results.iter().map(Cow::Borrowed).collect(),
        Timing {
            start,
            t_list,
            cache: Some(&scan_cache),
        },
    );
    // Decisions the previous analysis core pinned (see `repin`).
    let keys = repin::candidates(lib, &a.report);
    if !keys.is_empty() {
        let old = lib.with_core(bw_facts::core::Core::Old);
        let old_cache = ScanCache::of(opts, &old);
        // Only the files whose language switched are analysed again; the
        // others' facts are the same under both.
        let switched: Vec<(String, Lang, u64)> = candidates
            .iter()
            .filter(|(_, l, _)| lib.core.switches(*l))
            .cloned()
            .collect();
        let mut again = extract_all(
            source,
            &switched,
            &old,
            opts.threads,
            &old_cache,
            &|_, _| {},
        )
        .into_iter();
        let old_results: Vec<Cow<'_, FileResult>> = candidates
            .iter()
            .zip(&results)
            .map(|((_, l, _), r)| {
                if lib.core.switches(*l) {
                    Cow::Owned(again.next().expect("one result per switched file"))
                } else {
                    Cow::Borrowed(r)
                }
            })
            .collect();
        let previous = analyse(
            source,
            &old,
            opts,
            &listing.skipped,
            old_results,
            Timing {
                start: Instant::now(),
                t_list,
                cache: None,
            },
        );
        let r = repin::compare(opts, &a.report, &previous.report, &keys);
        if let Some(mf) = &r.model_file {
            let mut o = opts.clone();
            o.model_file = Some(mf.clone());
            a = analyse(
                source,
                lib,
                &o,
                &listing.skipped,
                results.iter().map(Cow::Borrowed).collect(),
                Timing {
                    start: Instant::now(),
                    t_list,
                    cache: None,
                },
            );
        }
        repin::mark(&mut a.report, &r);
    }
    Ok(ScanOutput {
        report: a.report,
        elapsed: start.elapsed(),
        incomplete: a.incomplete,
        cache_hits: scan_cache.hits.into_inner(),
        parsed: scan_cache.parsed.into_inner(),
        facts: a.facts,
    })
}

/// The files of a listing that breakwater reads: path, language, size.
fn candidates(listing: &bw_files::Listing) -> Vec<(String, Lang, u64)> {
    listing
        .files
        .iter()
        // The AI log is breakwater's own record of requests and answers, not the system's code.
        .filter(|e| !e.path.starts_with(AI_LOG_DIR))
        .filter_map(|e| detect_lang(&e.path).map(|l| (e.path.clone(), l, e.size)))
        .collect()
}

/// Phase one: extract every candidate on a pool of workers with room for
/// the extractors' recursion. Results come back in the candidates' order.
fn extract_all(
    source: &dyn FileSource,
    candidates: &[(String, Lang, u64)],
    lib: &Library,
    threads: Option<usize>,
    scan_cache: &ScanCache<'_>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<FileResult> {
    let done = AtomicUsize::new(0);
    let total = candidates.len();
    let run = || -> Vec<FileResult> {
        // Largest files first, so no worker is left alone with a big file
        // at the end; results go back to path order for determinism.
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(candidates[i].2));
        let mut results: Vec<(usize, FileResult)> = order
            .par_iter()
            .with_max_len(1)
            .map(|&i| {
                let (path, lang, _) = &candidates[i];
                let r = extract_one(source, path, *lang, &lib.flow, lib.core, scan_cache);
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                (i, r)
            })
            .collect();
        results.sort_by_key(|(i, _)| *i);
        results.into_iter().map(|(_, r)| r).collect()
    };
    // Extractors recurse (depth-bounded); give workers room.
    let mut builder = rayon::ThreadPoolBuilder::new()
        .stack_size(bw_facts::WALK_STACK)
        .start_handler(|_| bw_facts::declare_thread_stack(bw_facts::WALK_STACK));
    if let Some(n) = threads {
        builder = builder.num_threads(n);
    }
    match builder.build() {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
}

/// When the phases ended, for `BREAKWATER_TIMING`.
struct Timing<'a> {
    start: Instant,
    t_list: Duration,
    cache: Option<&'a ScanCache<'a>>,
}

/// What the analysis phase returns.
struct Analysis {
    report: Report,
    /// Some file failed (unreadable, invalid UTF-8, parse timeout) and no
    /// decision accepts it.
    incomplete: bool,
    /// Every file's linked facts, with [`ScanOptions::keep_facts`].
    facts: Vec<FileFacts>,
}

/// Phase two: from every file's extraction result (in path order) and what
/// the listing refused, the report; and whether some file failed.
/// `source` is read again only for the excerpts of files with threats (and
/// the lines accepted AI suggestions cite).
fn analyse(
    source: &dyn FileSource,
    lib: &Library,
    opts: &ScanOptions,
    listing_skipped: &[(String, SkipReason)],
    results: Vec<Cow<'_, FileResult>>,
    timing: Timing<'_>,
) -> Analysis {
    let start = timing.start;
    // Facts are copied on write: a scan owns them, a session lends them
    // and only the few files the analysis annotates are cloned.
    let mut files: Vec<Cow<'_, FileFacts>> = vec![];
    let mut stats = FileStats::default();
    let mut lockfile_dirs: BTreeSet<String> = BTreeSet::new();
    let mut skipped: Vec<(String, SkipReason)> = listing_skipped.to_vec();
    for r in results {
        let (f, len) = match r {
            Cow::Owned(FileResult::Facts(f, len)) => (Cow::Owned(f), len),
            Cow::Borrowed(FileResult::Facts(f, len)) => (Cow::Borrowed(f), *len),
            Cow::Owned(FileResult::Skipped(p, r)) => {
                skipped.push((p, r));
                continue;
            }
            Cow::Borrowed(FileResult::Skipped(p, r)) => {
                skipped.push((p.clone(), r.clone()));
                continue;
            }
            Cow::Owned(FileResult::Lockfile(p)) => {
                note_lockfile(&mut stats, &mut lockfile_dirs, &p);
                continue;
            }
            Cow::Borrowed(FileResult::Lockfile(p)) => {
                note_lockfile(&mut stats, &mut lockfile_dirs, p);
                continue;
            }
        };
        // A file only partly read is reported as skipped, with its reason,
        // while the facts of what was read are analysed.
        if let Some(r) = &f.unread {
            skipped.push((f.path.clone(), r.clone()));
        } else {
            stats.analysed += 1;
            stats.bytes += len;
            *stats.languages.entry(f.lang.clone()).or_default() += 1;
        }
        if f.partial {
            stats.partial.push(f.path.clone());
        }
        if !f.truncated.is_empty() {
            stats.truncated.push(truncated_file(&f));
        }
        files.push(f);
    }
    skipped.sort();
    stats.skipped = skipped
        .iter()
        .map(|(p, r)| SkippedFile {
            path: p.clone(),
            reason: r.label().into(),
            message: r.message(),
            failed: r.is_failure(),
            unverified: r.counts_for_gate(detect_lang(p)),
        })
        .collect();
    let mut unanalysed = unanalysed_files(source, &stats);

    // A package's lockfile sits beside its manifest.
    for f in files.iter_mut() {
        if !f.facts.iter().any(|k| k.subject == Subject::Package) {
            continue;
        }
        for fact in f
            .to_mut()
            .facts
            .iter_mut()
            .filter(|k| k.subject == Subject::Package)
        {
            let dir = dir_of(&fact.evidence.location.path).to_string();
            fact.props
                .insert("lockfile".into(), Prop::Bool(lockfile_dirs.contains(&dir)));
        }
    }

    let t_extract = start.elapsed();
    for l in bw_model::link::links(&files) {
        let fi = l.file;
        l.apply(files[fi].to_mut());
    }
    let t_link = start.elapsed();
    let mut built = bw_model::build(&opts.name, &files);
    // The model sees the full route (mount prefixes applied): an admin
    // surface is one whatever file declares its last segment.
    for (fi, f) in files.iter_mut().enumerate() {
        let admin: Vec<usize> = (0..f.facts.len())
            .filter(|&ki| f.facts[ki].subject == Subject::Entry && built.ctx[fi][ki].admin)
            .collect();
        if admin.is_empty() {
            continue;
        }
        let f = f.to_mut();
        for ki in admin {
            f.facts[ki].props.insert("admin".into(), Prop::Bool(true));
        }
    }
    if let Some(mf) = &opts.model_file {
        // What each entry point reaches, by element id (the first element
        // with an id, as `SystemModel::element` finds it).
        let mut reaches_of: BTreeMap<&str, &[String]> = BTreeMap::new();
        for e in &built.model.elements {
            reaches_of
                .entry(e.id.as_str())
                .or_insert(e.entry.as_ref().map_or(&[][..], |x| x.reaches.as_slice()));
        }
        // Declared assets raise or lower the impact of threats on the elements holding them.
        for ctxs in built.ctx.iter_mut() {
            for c in ctxs.iter_mut() {
                let mut touched: Vec<&str> = c.element.iter().map(String::as_str).collect();
                let reaches = c
                    .element
                    .as_deref()
                    .and_then(|id| reaches_of.get(id).copied())
                    .unwrap_or_default();
                touched.extend(reaches.iter().map(String::as_str));
                if let Some((class, names)) = mf.classification_for(touched.into_iter()) {
                    c.classification = Some(class);
                    c.assets = names;
                }
            }
        }
        mf.apply(&mut built.model);
    }

    let cands: Vec<Candidate<'_>> = files
        .iter()
        .enumerate()
        .flat_map(|(fi, f)| {
            let ctx = &built.ctx[fi];
            f.facts.iter().enumerate().map(move |(ki, fact)| Candidate {
                fact,
                lang: &f.lang,
                ctx: &ctx[ki],
            })
        })
        .collect();
    let t_build = start.elapsed();
    let mut threats = evaluate(&lib.rules, &cands);
    let mut pending = vec![];
    if let Some(mf) = &opts.model_file {
        pending = apply_suggestions(&mut threats, mf, source);
    }
    let t_eval = start.elapsed();
    apply_inline_ignores(&mut threats, &files);
    if let Some(mf) = &opts.model_file {
        for t in threats.iter_mut().filter(|t| t.status == Status::Open) {
            if let Some(s) = mf.suppressions.get(&t.id) {
                t.status = Status::Suppressed;
                t.status_reason = Some(s.reason.clone());
            }
        }
    }
    let mut unmatched = vec![];
    if let Some(mf) = &opts.model_file {
        let not_analysed: BTreeSet<String> = skipped.iter().map(|(p, _)| p.clone()).collect();
        unmatched =
            bw_threats::decisions::attach(&mut threats, &mf.decisions, &opts.today, &not_analysed);
        unmatched.extend(bw_threats::decisions::attach_unanalysed(
            &mut unanalysed,
            &mf.decisions,
            &opts.today,
        ));
        unmatched.sort_by(|a, b| a.key.cmp(&b.key));
    }
    if let Some(b) = &opts.baseline {
        b.apply(&mut threats);
    }
    fill_excerpts(&mut threats, source, &files);

    if std::env::var_os("BREAKWATER_TIMING").is_some() {
        let (hits, parsed) = timing.cache.map_or((0, 0), |c| {
            (
                c.hits.load(Ordering::Relaxed),
                c.parsed.load(Ordering::Relaxed),
            )
        });
        eprintln!(
            "timing: list {:?} extract {t_extract:?} link {t_link:?} build {t_build:?} eval {t_eval:?} excerpts {:?}; cache hits {hits} parsed {parsed}",
            timing.t_list,
            start.elapsed(),
        );
    }
    let fired: BTreeSet<&str> = threats.iter().map(|t| t.rule.as_str()).collect();
    let rules = lib
        .rules
        .rules
        .iter()
        .filter(|r| fired.contains(r.id.as_str()))
        .map(|r| RuleSummary {
            id: r.id.clone(),
            title: r.title.clone(),
            summary: r.docs.summary.trim().to_string(),
            stride: r.stride.name().into(),
            level: r.level.name().into(),
            cwe: r.cwe.clone(),
            capec: r.capec.clone(),
            owasp: r.owasp_all(),
            help: r.help_markdown(),
            default_severity: r.default_severity(),
        })
        .collect();
    let mut ignores: Vec<_> = files
        .iter()
        .flat_map(|f| f.ignores.iter().cloned())
        .collect();
    ignores.sort();
    let mut summary = summarise(&threats);
    summary.orphaned = unmatched.iter().filter(|d| d.state == "orphaned").count();
    summary.unverified = unmatched.iter().filter(|d| d.state == "unverified").count();
    summary.baseline = threats
        .iter()
        .filter(|t| t.baseline && t.status.is_open())
        .count();
    summary.unanalysed = unanalysed.iter().filter(|u| u.status.is_open()).count();
    // A failed file makes the scan incomplete, unless a person accepted it.
    let incomplete = skipped.iter().any(|(p, r)| {
        r.is_failure()
            && unanalysed
                .iter()
                .find(|u| &u.path == p)
                .is_none_or(|u| u.status.is_open())
    });
    let report = Report {
        version: REPORT_VERSION.into(),
        tool: "breakwater".into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        model: built.model,
        threats,
        rules,
        questions: built
            .questions
            .into_iter()
            .map(|(element, question)| Question { element, question })
            .collect(),
        decisions: unmatched,
        ignores,
        files: stats,
        summary,
        suggestions: pending,
        unanalysed,
    };
    let facts = if opts.keep_facts {
        files.into_iter().map(Cow::into_owned).collect()
    } else {
        vec![]
    };
    Analysis {
        report,
        incomplete,
        facts,
    }
}

/// A file's truncation notes, as the report shows them.
fn truncated_file(f: &FileFacts) -> TruncatedFile {
    TruncatedFile {
        path: f.path.clone(),
        notes: f
            .truncated
            .iter()
            .map(|t| TruncationNote {
                limit: t.limit.clone(),
                line: t.location.start_line,
                symbol: t.symbol.clone(),
                message: bw_facts::TruncationLimit::parse(&t.limit)
                    .map(|l| l.message().to_string())
                    .unwrap_or_else(|| format!("the analysis reached its `{}` limit", t.limit)),
            })
            .collect(),
    }
}

/// The files a gate counts as unverified until a decision accepts them:
/// those skipped for a reason that is no choice, and those truncated; in
/// path order, open. Each is pinned to what was not analysed (its git
/// blob id, read from `source`), so a decision on it goes stale when the
/// file changes.
fn unanalysed_files(source: &dyn FileSource, stats: &FileStats) -> Vec<UnanalysedFile> {
    let mut out: Vec<UnanalysedFile> = stats
        .skipped
        .iter()
        .filter(|s| s.unverified)
        .map(|s| (s.path.as_str(), s.reason.as_str(), s.message.clone()))
        .chain(stats.truncated.iter().map(|t| {
            let places: Vec<String> = t
                .notes
                .iter()
                .map(|n| format!("line {} in {}", n.line, n.symbol))
                .collect();
            let first = t.notes.first().map(|n| n.message.as_str()).unwrap_or("");
            (
                t.path.as_str(),
                "truncated",
                format!("analysis truncated ({}): {first}", places.join(", ")),
            )
        }))
        .map(|(path, reason, message)| UnanalysedFile {
            id: UnanalysedFile::id_for(path),
            path: path.to_string(),
            reason: reason.to_string(),
            message,
            fingerprint: source.digest(path).unwrap_or_else(|| reason.to_string()),
            status: Status::Open,
            status_reason: None,
            decision: None,
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// A lockfile counts as analysed; only its directory matters.
fn note_lockfile(stats: &mut FileStats, dirs: &mut BTreeSet<String>, path: &str) {
    stats.analysed += 1;
    *stats.languages.entry("lockfile".into()).or_default() += 1;
    dirs.insert(dir_of(path).to_string());
}

/// Where `breakwater ai` keeps its log (never scanned as part of the system).
pub const AI_LOG_DIR: &str = ".breakwater/ai-log/";

/// The rule id of threats that came from accepted AI suggestions.
pub const AI_RULE: &str = "ai-suggestion";

/// AI suggestions from the model file: accepted threat suggestions become
/// threats (rule `ai-suggestion`, id = the suggestion's key, so decisions
/// close them like any other); those still awaiting triage are returned to
/// be listed apart, and reach neither SARIF nor gates.
fn apply_suggestions(
    threats: &mut Vec<Threat>,
    mf: &bw_model::modelfile::ModelFile,
    source: &dyn FileSource,
) -> Vec<bw_threats::PendingSuggestion> {
    use bw_facts::Location;
    let mut pending = vec![];
    let mut added = false;
    for (id, x) in &mf.suggestions {
        let location = Location {
            path: x.path.clone(),
            start_line: x.start_line,
            start_col: 1,
            end_line: x.end_line.max(x.start_line),
            end_col: 1,
        };
        let severity = (x.kind == "threat").then(|| Severity::from_scores(x.impact, x.likelihood));
        match x.state.as_str() {
            "suggested" => pending.push(bw_threats::PendingSuggestion {
                id: id.clone(),
                kind: x.kind.clone(),
                title: x.title.clone(),
                stride: x.stride.clone(),
                cwe: x.cwe.clone(),
                severity,
                threat: x.threat.clone(),
                location,
                verification: x.verification.clone(),
                proposed_by: format!("{} {}", x.provenance.provider, x.provenance.model),
            }),
            "accepted" if x.kind == "threat" => {
                // The fingerprint covers today's code at the cited lines, so a
                // decision on it goes stale when that code changes.
                let now = source
                    .read(&x.path)
                    .ok()
                    .and_then(|b| decode_text(b).ok())
                    .map(|text| {
                        text.lines()
                            .skip(x.start_line.saturating_sub(1) as usize)
                            .take((x.end_line.max(x.start_line) - x.start_line + 1) as usize)
                            .collect::<Vec<_>>()
                            .join("\n")
                    })
                    .unwrap_or_default();
                let evidence = bw_facts::evidence::normalise(&now);
                let digest = sha2_hex(&format!("{AI_RULE}\n{evidence}"));
                let confirmed = x.verification == "confirmed";
                threats.push(Threat {
                    id: id.clone(),
                    rule: AI_RULE.into(),
                    title: x.title.clone(),
                    stride: x.stride.clone(),
                    cwe: x.cwe.clone(),
                    owasp: vec![],
                    severity: severity.unwrap_or(Severity::Low),
                    impact: x.impact,
                    likelihood: x.likelihood,
                    reasons: vec![],
                    confidence: if confirmed {
                        Confidence::Confirmed
                    } else {
                        Confidence::Likely
                    },
                    confidence_reason: format!(
                        "suggested by {} {} ({}), accepted by {}{}",
                        x.provenance.provider,
                        x.provenance.model,
                        x.verification,
                        if x.triaged_by.is_empty() {
                            "a person"
                        } else {
                            &x.triaged_by
                        },
                        if x.triaged_on.is_empty() {
                            String::new()
                        } else {
                            format!(" on {}", x.triaged_on)
                        }
                    ),
                    location,
                    excerpt: None,
                    symbol: String::new(),
                    element: x.element.clone(),
                    source: None,
                    steps: vec![],
                    message: x.title.clone(),
                    attack: x.rationale.clone(),
                    fix_for: "default".into(),
                    fix: x.mitigation.clone(),
                    status: Status::Open,
                    status_reason: None,
                    baseline: false,
                    decision: None,
                    fingerprint: digest,
                    evidence: bw_facts::redact::redact(
                        &bw_facts::evidence::normalise(&x.quote),
                        bw_facts::redact::Mode::of_path(&x.path),
                    )
                    .into_owned(),
                });
                added = true;
            }
            _ => {}
        }
    }
    if added {
        bw_threats::eval::sort(threats);
    }
    pending
}

fn sha2_hex(text: &str) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(text.as_bytes());
    d.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// An inline ignore on the threat's line (or the line above) naming its
/// rule silences it — only when it gives a reason.
fn apply_inline_ignores(threats: &mut [Threat], files: &[Cow<'_, FileFacts>]) {
    let by_path: BTreeMap<&str, &FileFacts> =
        files.iter().map(|f| (f.path.as_str(), &**f)).collect();
    for t in threats.iter_mut() {
        let Some(f) = by_path.get(t.location.path.as_str()) else {
            continue;
        };
        let line = t.location.start_line;
        let hit = f.ignores.iter().find(|i| {
            (i.location.start_line == line || i.location.start_line + 1 == line)
                && i.rules.iter().any(|r| r == &t.rule || r == "*")
                && !i.reason.is_empty()
        });
        if let Some(i) = hit {
            t.status = Status::Ignored;
            t.status_reason = Some(i.reason.clone());
        }
    }
}

/// Up to five lines around each threat's primary location, with every line
/// that holds a secret replaced by its masked form.
fn fill_excerpts(threats: &mut [Threat], source: &dyn FileSource, files: &[Cow<'_, FileFacts>]) {
    let mut masked: BTreeMap<(&str, u32), &str> = BTreeMap::new();
    for f in files {
        for fact in f.facts.iter().filter(|k| k.subject == Subject::Secret) {
            masked.insert(
                (f.path.as_str(), fact.evidence.location.start_line),
                fact.evidence.text.as_str(),
            );
        }
    }
    let mut texts: BTreeMap<String, Option<ExcerptSource>> = BTreeMap::new();
    for t in threats.iter_mut() {
        let path = t.location.path.as_str();
        let file = texts.entry(path.to_string()).or_insert_with(|| {
            // Decoded as for analysis (a lone `\r` ends a line), so the
            // excerpt shows the lines the facts point at.
            let text = source.read(path).ok().and_then(|b| decode_text(b).ok())?;
            let has_secrets = masked.range((path, 0)..=(path, u32::MAX)).next().is_some();
            Some(ExcerptSource::new(path, text, has_secrets))
        });
        let Some(file) = file else { continue };
        let first = t.location.start_line.max(1);
        let last = t.location.end_line.max(first).min(first + 4);
        let mut out = vec![];
        for (n, line) in (first..).zip(file.shown(first, last)) {
            match masked.get(&(path, n)) {
                Some(m) => out.push(format!("{m}  (secret masked)")),
                None => out.push(line),
            }
        }
        if !out.is_empty() {
            t.excerpt = Some(Excerpt {
                start_line: first,
                lines: out,
            });
        }
    }
}

/// Keep only what lies under `scope` (a folder or file relative to the
/// model root, as [`repo::model_root`] found it): threats whose evidence
/// is there (a design threat without a file: when one of its element's
/// evidence is), decisions and ignores keyed to files there, and the
/// summary counted again. The analysis itself covered the whole root, so
/// each threat kept is exactly what a scan of the root reports: the same
/// id, severity and decision. The model, the file counts and the skipped
/// files stay whole: they describe the analysis.
pub fn limit_to_scope(report: &mut Report, scope: &str) {
    use repo::in_scope;
    if scope.is_empty() {
        return;
    }
    let model = &report.model;
    let element_in_scope = |id: &Option<String>| {
        id.as_deref()
            .and_then(|id| model.elements.iter().find(|e| e.id == id))
            .is_some_and(|e| {
                e.evidence
                    .iter()
                    .any(|ev| in_scope(scope, &ev.location.path))
            })
    };
    report.threats.retain(|t| {
        if t.location.path.is_empty() {
            element_in_scope(&t.element)
        } else {
            in_scope(scope, &t.location.path)
        }
    });
    // A decision's id names its file (`rule@path::symbol`); one that names
    // none (a design threat's) is kept.
    report.decisions.retain(|d| {
        let anchor = d.key.split_once('@').map_or("", |(_, a)| a);
        anchor
            .split_once("::")
            .is_none_or(|(path, _)| in_scope(scope, path))
    });
    report.ignores.retain(|i| in_scope(scope, &i.location.path));
    report
        .suggestions
        .retain(|x| x.location.path.is_empty() || in_scope(scope, &x.location.path));
    let fired: BTreeSet<&str> = report.threats.iter().map(|t| t.rule.as_str()).collect();
    report.rules.retain(|r| fired.contains(r.id.as_str()));
    let mut summary = summarise(&report.threats);
    summary.orphaned = report
        .decisions
        .iter()
        .filter(|d| d.state == "orphaned")
        .count();
    summary.unverified = report
        .decisions
        .iter()
        .filter(|d| d.state == "unverified")
        .count();
    summary.baseline = report
        .threats
        .iter()
        .filter(|t| t.baseline && t.status.is_open())
        .count();
    report.summary = summary;
}

/// A file's lines as excerpts show them: credentials masked by the
/// redactor extraction uses, a line it changed marked `(secret masked)`.
/// Only the lines shown are masked (with the few lines above them that can
/// change how), unless the file's masking needs its whole text (a PEM
/// block, values the secrets scan reported in it).
struct ExcerptSource {
    lang: bw_files::Lang,
    lines: Vec<String>,
    /// The whole text, masked, line by line, when it needs to be.
    whole: Option<Vec<String>>,
}

impl ExcerptSource {
    fn new(path: &str, text: String, has_secrets: bool) -> ExcerptSource {
        use bw_facts::redact;
        let lang = bw_files::detect_lang(path).unwrap_or(bw_files::Lang::Config);
        let whole = if has_secrets {
            Some(redact::redact_source(path, lang, &text).text)
        } else if redact::needs_whole_text(&text) {
            Some(redact::redact_positions(lang, &text).text)
        } else {
            None
        };
        ExcerptSource {
            lang,
            whole: whole.map(|w| w.lines().map(str::to_string).collect()),
            lines: text.lines().map(str::to_string).collect(),
        }
    }

    /// Lines `first..=last` (1-based; fewer at the end of the file).
    fn shown(&self, first: u32, last: u32) -> Vec<String> {
        let (a, z) = (first as usize - 1, last as usize - 1);
        let raw = &self.lines;
        if a >= raw.len() {
            return vec![];
        }
        let shown = match &self.whole {
            Some(w) => w[a..=z.min(w.len() - 1)].to_vec(),
            None => bw_facts::redact::redact_range(self.lang, raw, a, z),
        };
        raw[a..]
            .iter()
            .zip(shown)
            .map(|(raw, shown)| {
                if *raw == shown {
                    shown
                } else {
                    format!("{shown}  (secret masked)")
                }
            })
            .collect()
    }
}

/// Counts for the summary line.
pub fn summarise(threats: &[Threat]) -> Summary {
    let mut s = Summary::default();
    for t in threats {
        match t.status {
            Status::Ignored => {
                s.ignored += 1;
                continue;
            }
            Status::Suppressed => {
                s.suppressed += 1;
                continue;
            }
            Status::Mitigated | Status::Accepted | Status::FalsePositive | Status::Transferred => {
                s.decided += 1;
                continue;
            }
            Status::Stale => s.stale += 1,
            Status::Expired => s.expired += 1,
            Status::Open => {}
        }
        s.threats += 1;
        match t.confidence {
            Confidence::Confirmed => s.confirmed += 1,
            Confidence::Likely => s.likely += 1,
            Confidence::Potential => s.potential += 1,
        }
        match t.severity {
            Severity::Critical => s.critical += 1,
            Severity::High => s.high += 1,
            Severity::Medium => s.medium += 1,
            Severity::Low => s.low += 1,
            Severity::Info => s.info += 1,
        }
    }
    s
}

/// What counts for a gate: open threats (stale and expired decisions
/// included) at or above `min`, likely or confirmed, plus potential ones
/// only when asked; every unverified decision, since the threat it covers
/// could not be checked; and every file the analysis could not cover
/// (failed, too large, truncated) that no decision accepts, since a threat
/// may be in it.
pub fn gate_hits(report: &Report, min: Severity, include_potential: bool) -> usize {
    report
        .threats
        .iter()
        .filter(|t| {
            t.status.is_open()
                && !t.baseline
                && t.severity >= min
                && (t.confidence != Confidence::Potential || include_potential)
        })
        .count()
        + report.summary.unverified
        + report.summary.unanalysed
}

/// Every fact of every file, for tests and debugging (`--dump-facts`).
pub fn facts_of(source: &dyn FileSource, lib: &Library) -> Result<FactsOf, EngineError> {
    let listing = source.list()?;
    let mut out = FactsOf {
        files: vec![],
        skipped: listing.skipped.clone(),
    };
    for e in &listing.files {
        let Some(lang) = detect_lang(&e.path) else {
            continue;
        };
        match extract_one(
            source,
            &e.path,
            lang,
            &lib.flow,
            lib.core,
            &ScanCache::off(),
        ) {
            FileResult::Facts(f, _) => out.files.push(f),
            FileResult::Skipped(path, reason) => out.skipped.push((path, reason)),
            FileResult::Lockfile(_) => {}
        }
    }
    out.skipped.sort();
    Ok(out)
}

/// What [`facts_of`] found: each extracted file's facts, and every file
/// it did not extract with the reason (nothing is left out silently).
#[derive(Debug)]
pub struct FactsOf {
    pub files: Vec<FileFacts>,
    pub skipped: Vec<(String, SkipReason)>,
}

/// Vocabulary check for tests: every fact must fit the vocabulary.
pub fn check_vocabulary(files: &[FileFacts]) -> Vec<String> {
    let mut errs = vec![];
    for f in files {
        for fact in &f.facts {
            if let Err(e) = bw_facts::vocab::check_fact(fact) {
                errs.push(format!(
                    "{}:{}: {e}",
                    f.path, fact.evidence.location.start_line
                ));
            }
        }
    }
    errs
}
