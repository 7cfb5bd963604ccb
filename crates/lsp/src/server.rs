//! The server: one thread, one loop over the client's messages, one
//! [`Session`] holding the repository's facts.
//!
//! Edits are applied as they come; the analysis runs when the queue is
//! empty (so a burst of keystrokes costs one analysis) or before a request
//! that needs it (hover, code actions, commands), and diagnostics are
//! published only for the files whose diagnostics changed.

use crate::diagnostics;
use crate::text::{Encoding, Lines};
use crate::uri;
use bw_engine::{Cache, FsSource, Library, OverlaySource, ScanOptions, Session, Update};
use bw_files::{DEFAULT_MAX_FILE_BYTES, FileSource, WalkOptions};
use bw_model::edit::{self, Change, DecisionEdit};
use bw_model::modelfile::{FILE_NAME, ModelFile, ModelFileError, today};
use bw_threats::baseline::BASELINE_PATH;
use bw_threats::decisions::{Verdict, VerdictError, decision_for};
use bw_threats::{Report, Threat};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, Command, Diagnostic, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    ExecuteCommandOptions, ExecuteCommandParams, FileChangeType, FileSystemWatcher, GlobPattern,
    Hover, HoverContents, HoverParams, HoverProviderCapability, InitializeParams, MarkupContent,
    MarkupKind, MessageType, PublishDiagnosticsParams, Range, Registration, RegistrationParams,
    SaveOptions, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Instant, SystemTime};

/// The command the decision code actions run.
pub const RECORD_DECISION: &str = "breakwater.recordDecision";

/// The statuses a code action offers, with their titles.
const ACTIONS: [(&str, &str); 3] = [
    ("mitigated", "mark mitigated…"),
    ("accepted", "mark accepted…"),
    ("false-positive", "mark false positive…"),
];

type Error = String;

/// Serve one client on `conn` until it shuts down. Returns an error when
/// the client breaks the protocol or the workspace cannot be opened.
pub fn run(conn: &Connection) -> Result<(), Error> {
    let (id, params) = conn.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params)
        .map_err(|e| format!("the initialize request does not parse: {e}"))?;
    let root = root_of(&params)?;
    let enc = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let options = params.initialization_options.clone().unwrap_or(Value::Null);
    let include_potential = setting(&options, "includePotential").unwrap_or(false);
    let watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    let result = json!({
        "capabilities": capabilities(enc),
        "serverInfo": { "name": "breakwater", "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, result)
        .map_err(|e| e.to_string())?;

    let mut server = Server::open(conn, root, enc, include_potential)?;
    if watch {
        server.watch_files();
    }
    server.serve()
}

/// The model root of the workspace: found (as every command finds it)
/// from the first workspace folder, else the root URI, else the current
/// directory — an editor opened on a sub-folder analyses the whole model
/// root, so ids and decisions are the ones `breakwater scan` shows.
fn root_of(params: &InitializeParams) -> Result<PathBuf, Error> {
    #[allow(deprecated)]
    let root_uri = params.root_uri.as_ref();
    let from_uri = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri)
        .or(root_uri)
        .and_then(uri::to_path);
    let root = match from_uri {
        Some(p) => p,
        None => std::env::current_dir().map_err(|e| format!("no workspace folder given: {e}"))?,
    };
    let root = bw_engine::repo::model_root(&root)
        .map(|r| r.root)
        .unwrap_or(root);
    // Paths from the client are compared with this one: resolve links once.
    Ok(std::fs::canonicalize(&root).unwrap_or(root))
}

fn capabilities(enc: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(enc.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![RECORD_DECISION.into()],
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A boolean setting, from initialization options or a configuration
/// change (`{"breakwater": {...}}` or the object itself).
fn setting(v: &Value, key: &str) -> Option<bool> {
    v.get("breakwater")
        .and_then(|b| b.get(key))
        .or_else(|| v.get(key))
        .and_then(Value::as_bool)
}

/// A document the editor has open.
struct Doc {
    version: i32,
    lines: Rc<Lines>,
    /// Relative to the root, when the document is a file inside it.
    path: Option<String>,
}

/// The model file as the server last read it.
#[derive(Default)]
struct ModelState {
    /// Its text (the editor's buffer when open), when there is a file.
    text: Option<String>,
    /// Size and modification time on disk when it was read from disk.
    stamp: Option<(u64, SystemTime)>,
    /// Why the current text does not parse (the last text that did applies).
    error: Option<ModelFileError>,
}

struct Server<'c> {
    conn: &'c Connection,
    root: PathBuf,
    enc: Encoding,
    include_potential: bool,
    session: Session<FsSource>,
    /// Open documents by URI (as text: a `Uri` caches inside, so it is no key).
    docs: HashMap<String, Doc>,
    /// Open documents by path.
    open: BTreeMap<String, Uri>,
    model: ModelState,
    /// The last analysis (shared, so publishing can read it while it
    /// borrows the server).
    report: Rc<Report>,
    /// Facts or settings changed since the last analysis.
    dirty: bool,
    /// Files appeared or disappeared: list the tree before the next analysis.
    relist: bool,
    /// What is shown changed (a setting), not the analysis: publish again
    /// once the analysis is up to date with the buffers.
    republish: bool,
    /// The text of files that are not open, as last read.
    texts: HashMap<String, Rc<Lines>>,
    /// What was last published, by URI.
    published: BTreeMap<String, (Uri, Vec<Diagnostic>)>,
    next_request: i32,
}

fn stamp(path: &Path) -> Option<(u64, SystemTime)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

impl<'c> Server<'c> {
    /// Read the workspace: rules, model file, baseline, facts (through the
    /// facts cache at `.breakwater/cache` when it can be used).
    fn open(
        conn: &'c Connection,
        root: PathBuf,
        enc: Encoding,
        include_potential: bool,
    ) -> Result<Server<'c>, Error> {
        let start = Instant::now();
        let base = FsSource::new(&root, WalkOptions::default()).map_err(|e| e.to_string())?;
        let mut warnings = vec![];
        let lib = Library::for_source(&base).unwrap_or_else(|e| {
            warnings.push(format!(
                "the repository's own rules or flow specs do not load ({e}); using the built-in ones"
            ));
            Library::builtin().expect("the built-in rules load")
        });
        let cache = Cache::open_under(&root)
            .map_err(|e| warnings.push(format!("{e}")))
            .ok();
        let opts = ScanOptions {
            name: system_name(&root),
            cache,
            ..ScanOptions::default()
        };
        let session = Session::new(OverlaySource::new(base, DEFAULT_MAX_FILE_BYTES), lib, opts)
            .map_err(|e| e.to_string())?;
        // Replaced by the analysis below, once the model file is read.
        let report = Rc::new(session.analyse().report);
        let mut server = Server {
            conn,
            root,
            enc,
            include_potential,
            session,
            docs: HashMap::new(),
            open: BTreeMap::new(),
            model: ModelState::default(),
            report,
            dirty: true,
            relist: false,
            republish: false,
            texts: HashMap::new(),
            published: BTreeMap::new(),
            next_request: 0,
        };
        server.load_model_from_disk();
        server.load_baseline();
        for w in warnings {
            server.show(MessageType::WARNING, &w);
        }
        server.analyse();
        server.log(&format!(
            "breakwater: {} files analysed, {} threats shown, in {} ms ({})",
            server.report.files.analysed,
            server
                .report
                .threats
                .iter()
                .filter(|t| diagnostics::shown(t, server.include_potential))
                .count(),
            start.elapsed().as_millis(),
            server.root.display()
        ));
        Ok(server)
    }

    /// The message loop. After `shutdown` the server answers requests with
    /// an error and drops notifications until `exit` (as the protocol asks);
    /// `exit` ends it: normally after `shutdown`, with an error before it.
    fn serve(&mut self) -> Result<(), Error> {
        let mut shut_down = false;
        loop {
            let msg = match self.conn.receiver.recv() {
                Ok(m) => m,
                Err(_) if shut_down => {
                    return Err("the client went away after shutdown without sending exit".into());
                }
                Err(_) => return Err("the client went away without shutting down".into()),
            };
            match msg {
                Message::Notification(n) if n.method == note::Exit::METHOD => {
                    return if shut_down {
                        Ok(())
                    } else {
                        Err("exit without shutdown".into())
                    };
                }
                Message::Request(r) if shut_down => self.send(Response::new_err(
                    r.id,
                    ErrorCode::InvalidRequest as i32,
                    format!(
                        "{} after shutdown: the server is waiting for exit",
                        r.method
                    ),
                )),
                Message::Request(r) if r.method == req::Shutdown::METHOD => {
                    shut_down = true;
                    self.send(Response::new_ok(r.id, ()));
                }
                Message::Request(r) => self.request(r),
                Message::Notification(_) if shut_down => {}
                Message::Notification(n) => self.notification(n),
                Message::Response(_) => {}
            }
            // A burst of edits costs one analysis: the one after its last message.
            if !shut_down && self.conn.receiver.is_empty() {
                self.fresh();
            }
        }
    }

    // --- output ------------------------------------------------------------

    fn send(&self, m: impl Into<Message>) {
        // The client is gone when this fails; the loop ends on the next receive.
        let _ = self.conn.sender.send(m.into());
    }

    fn notify<N: note::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.into(), params));
    }

    fn log(&self, message: &str) {
        self.notify::<note::LogMessage>(lsp_types::LogMessageParams {
            typ: MessageType::INFO,
            message: message.into(),
        });
    }

    fn show(&self, typ: MessageType, message: &str) {
        self.notify::<note::ShowMessage>(lsp_types::ShowMessageParams {
            typ,
            message: format!("breakwater: {message}"),
        });
    }

    /// Ask the client to tell us when files change on disk.
    fn watch_files(&mut self) {
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String("**/*".into()),
                kind: None,
            }],
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "breakwater-watch".into(),
                method: note::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.next_request += 1;
        self.send(Request::new(
            RequestId::from(format!("breakwater-{}", self.next_request)),
            req::RegisterCapability::METHOD.into(),
            params,
        ));
    }

    // --- paths and texts ----------------------------------------------------

    fn path_of(&self, uri: &Uri) -> Option<String> {
        let p = uri::to_path(uri)?;
        uri::relative(&self.root, &p).or_else(|| {
            let p = std::fs::canonicalize(&p).ok()?;
            uri::relative(&self.root, &p)
        })
    }

    /// The URI to publish a path's diagnostics under: the client's own for
    /// an open document.
    fn uri_for(&self, path: &str) -> Uri {
        match self.open.get(path) {
            Some(u) => u.clone(),
            None => uri::from_path(&self.root.join(path)),
        }
    }

    /// A file's text as the analysis sees it: the open document, else the
    /// file as last read (an unreadable file reads as empty: positions keep
    /// their columns).
    fn lines_of(&mut self, path: &str) -> Rc<Lines> {
        if let Some(d) = self.open.get(path).and_then(|u| self.docs.get(u.as_str())) {
            return d.lines.clone();
        }
        if let Some(l) = self.texts.get(path) {
            return l.clone();
        }
        let text = self
            .session
            .source()
            .read(path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        let l = Rc::new(Lines::new(text));
        self.texts.insert(path.to_string(), l.clone());
        l
    }

    fn locate(&mut self, loc: &bw_facts::Location) -> Option<(Uri, Range)> {
        if loc.path.is_empty() || loc.start_line == 0 {
            return None;
        }
        let lines = self.lines_of(&loc.path);
        let range = lines.range(
            self.enc,
            (loc.start_line, loc.start_col),
            (loc.end_line, loc.end_col),
        );
        Some((self.uri_for(&loc.path), range))
    }

    // --- the model file, the baseline, the rules -------------------------------

    fn model_path(&self) -> PathBuf {
        self.root.join(FILE_NAME)
    }

    /// Parse model-file text: the model applies when it parses; when it does
    /// not, the error is shown and the last model that parsed stays.
    fn set_model_text(&mut self, text: Option<String>) {
        self.model.error = None;
        match &text {
            None => self.session.options_mut().model_file = None,
            Some(t) => match ModelFile::parse(FILE_NAME, t) {
                Ok(mf) => self.session.options_mut().model_file = Some(mf),
                Err(e) => self.model.error = Some(e),
            },
        }
        self.model.text = text;
        self.dirty = true;
    }

    fn load_model_from_disk(&mut self) {
        let path = self.model_path();
        // A link, a FIFO or a huge file by that name is refused, said once.
        let text = bw_engine::repo::read_named(&self.root, FILE_NAME).unwrap_or_else(|e| {
            self.show(MessageType::WARNING, &e);
            None
        });
        self.model.stamp = stamp(&path);
        self.set_model_text(text);
    }

    /// Reread the model file when it changed on disk and is not open (a
    /// `breakwater triage` in a terminal, a `git pull`): one stat per analysis.
    fn check_model_on_disk(&mut self) {
        if self.open.contains_key(FILE_NAME) {
            return;
        }
        if stamp(&self.model_path()) != self.model.stamp {
            self.load_model_from_disk();
        }
    }

    fn load_baseline(&mut self) {
        let baseline = bw_engine::repo::read_baseline(&self.root).unwrap_or_else(|e| {
            self.show(MessageType::WARNING, &e);
            None
        });
        self.session.options_mut().baseline = baseline;
        self.dirty = true;
    }

    /// The team's rules or flow specs changed: rebuild the library (every
    /// file is extracted again when it differs).
    fn reload_library(&mut self) {
        match Library::for_source(self.session.source()) {
            Ok(lib) => {
                self.session.set_library(lib);
                self.dirty = true;
            }
            Err(e) => self.show(
                MessageType::ERROR,
                &format!("the repository's rules or flow specs do not load; keeping the previous ones: {e}"),
            ),
        }
    }

    /// React to a file that changed on disk (not through an open document).
    fn file_changed(&mut self, path: &str, kind: FileChangeType) {
        self.texts.remove(path);
        if path == FILE_NAME {
            if !self.open.contains_key(path) {
                self.load_model_from_disk();
            }
            return;
        }
        if path == BASELINE_PATH {
            self.load_baseline();
            return;
        }
        if (path.starts_with(".breakwater/rules/") || path.starts_with(".breakwater/flow/"))
            && path.ends_with(".toml")
        {
            self.relist = true;
            self.reload_library();
            return;
        }
        // The facts cache, the triage lock: the tool's own files.
        if path.starts_with(".breakwater/") {
            return;
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        if name == ".gitignore" || name == ".ignore" {
            self.relist = true;
            return;
        }
        if path.starts_with(".git/") || path.contains("/.git/") {
            return;
        }
        let reads = bw_files::detect_lang(path).is_some();
        let created = kind == FileChangeType::CREATED;
        let deleted = kind == FileChangeType::DELETED;
        if !reads {
            // Maybe a directory: editors report a deleted or moved folder
            // once, not each file in it.
            if created || deleted {
                self.relist = true;
            }
            return;
        }
        if self.open.contains_key(path) {
            // The editor's buffer stands for the file, on disk or not.
            return;
        }
        if deleted {
            if self.session.remove(path) == Update::Removed {
                self.dirty = true;
            }
        } else if created && !self.session.is_listed(path) {
            self.relist = true;
        } else if self.session.refresh(path) == Update::Extracted {
            self.dirty = true;
        }
    }

    // --- analysis and publishing --------------------------------------------

    /// Bring the analysis up to date and publish what changed.
    fn fresh(&mut self) {
        self.check_model_on_disk();
        if self.relist {
            self.relist = false;
            match self.session.relist() {
                Ok(()) => self.dirty = true,
                Err(e) => self.show(MessageType::ERROR, &e.to_string()),
            }
        }
        if self.dirty {
            self.analyse();
        } else if self.republish {
            self.publish();
        }
    }

    fn analyse(&mut self) {
        self.session.options_mut().today = today();
        self.report = Rc::new(self.session.analyse().report);
        self.dirty = false;
        self.publish();
    }

    fn publish(&mut self) {
        self.republish = false;
        let mut want: BTreeMap<String, (Uri, Vec<Diagnostic>)> = BTreeMap::new();
        let report = self.report.clone();
        let include_potential = self.include_potential;
        for t in report
            .threats
            .iter()
            .filter(|t| diagnostics::shown(t, include_potential))
        {
            let Some((uri, range)) = self.locate(&t.location) else {
                continue;
            };
            let related = diagnostics::related(t, |l| self.locate(l));
            want.entry(uri.as_str().to_string())
                .or_insert_with(|| (uri, vec![]))
                .1
                .push(diagnostics::threat(t, range, related));
        }
        if let Some(text) = &self.model.text {
            let lines = match self
                .open
                .get(FILE_NAME)
                .and_then(|u| self.docs.get(u.as_str()))
            {
                Some(d) => d.lines.clone(),
                None => Rc::new(Lines::new(text.clone())),
            };
            let d = diagnostics::model_file(&lines, self.enc, self.model.error.as_ref(), &report);
            if !d.is_empty() {
                let uri = self.uri_for(FILE_NAME);
                want.entry(uri.as_str().to_string())
                    .or_insert_with(|| (uri, vec![]))
                    .1
                    .extend(d);
            }
        }
        let gone: Vec<Uri> = self
            .published
            .iter()
            .filter(|(k, _)| !want.contains_key(*k))
            .map(|(_, (uri, _))| uri.clone())
            .collect();
        for uri in gone {
            self.send_diagnostics(uri, vec![]);
        }
        for (key, (uri, diags)) in &want {
            if self.published.get(key).map(|(_, d)| d) != Some(diags) {
                self.send_diagnostics(uri.clone(), diags.clone());
            }
        }
        self.published = want;
    }

    fn send_diagnostics(&self, uri: Uri, diagnostics: Vec<Diagnostic>) {
        let version = self.docs.get(uri.as_str()).map(|d| d.version);
        self.notify::<note::PublishDiagnostics>(PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        });
    }

    // --- notifications ------------------------------------------------------

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = parse::<DidOpenTextDocumentParams>(n.params) {
                    let doc = p.text_document;
                    let path = self.path_of(&doc.uri);
                    self.docs.insert(
                        doc.uri.as_str().to_string(),
                        Doc {
                            version: doc.version,
                            lines: Rc::new(Lines::new(doc.text)),
                            path: path.clone(),
                        },
                    );
                    if let Some(path) = path {
                        // Diagnostics move to the client's spelling of the URI.
                        if self.open.insert(path.clone(), doc.uri.clone()).is_none() {
                            self.dirty = true;
                        }
                        self.texts.remove(&path);
                        self.buffer_changed(&doc.uri);
                    }
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = parse::<DidChangeTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    let enc = self.enc;
                    let Some(doc) = self.docs.get_mut(uri.as_str()) else {
                        return;
                    };
                    doc.version = p.text_document.version;
                    let lines = Rc::make_mut(&mut doc.lines);
                    for c in p.content_changes {
                        lines.apply_change(enc, c.range, &c.text);
                    }
                    self.buffer_changed(&uri);
                }
            }
            note::DidSaveTextDocument::METHOD => {
                if let Ok(p) = parse::<DidSaveTextDocumentParams>(n.params)
                    && let Some(path) = self.path_of(&p.text_document.uri)
                {
                    // The buffer is the file now; what depends on saved files
                    // (rules, ignores, the listing) is read again, and a file
                    // saved for the first time joins the listing.
                    if !self.session.is_listed(&path) && bw_files::detect_lang(&path).is_some() {
                        self.relist = true;
                    }
                    self.file_changed(&path, FileChangeType::CHANGED);
                    if path == FILE_NAME {
                        self.model.stamp = stamp(&self.model_path());
                    }
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = parse::<DidCloseTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    if let Some(doc) = self.docs.remove(uri.as_str())
                        && let Some(path) = doc.path
                    {
                        self.open.remove(&path);
                        self.texts.remove(&path);
                        self.dirty = true;
                        if path == FILE_NAME {
                            self.load_model_from_disk();
                        } else {
                            // Closed unsaved: the file on disk applies again.
                            self.session.clear_buffer(&path);
                        }
                    }
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = parse::<DidChangeWatchedFilesParams>(n.params) {
                    for e in p.changes {
                        if let Some(path) = self.path_of(&e.uri) {
                            self.file_changed(&path, e.typ);
                        }
                    }
                }
            }
            note::DidChangeConfiguration::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidChangeConfigurationParams>(n.params)
                    && let Some(v) = setting(&p.settings, "includePotential")
                {
                    self.include_potential = v;
                    // Diagnostics only: publishing again is enough, but not
                    // before edits queued with this change are analysed (the
                    // last report's positions are for the text before them).
                    self.republish = true;
                }
            }
            _ => {}
        }
    }

    /// An open document's text changed (or it was opened).
    fn buffer_changed(&mut self, uri: &Uri) {
        let Some(doc) = self.docs.get(uri.as_str()) else {
            return;
        };
        let Some(path) = doc.path.clone() else {
            return;
        };
        let text = doc.lines.text().to_string();
        if path == FILE_NAME {
            self.set_model_text(Some(text));
        } else if self.session.set_buffer(&path, text.into_bytes()) == Update::Extracted {
            self.dirty = true;
        }
    }

    // --- requests -----------------------------------------------------------

    fn request(&mut self, r: Request) {
        let id = r.id.clone();
        let result = match r.method.as_str() {
            req::HoverRequest::METHOD => parse(r.params).map(|p| {
                self.fresh();
                serde_json::to_value(self.hover(p)).unwrap_or(Value::Null)
            }),
            req::CodeActionRequest::METHOD => parse(r.params).map(|p| {
                self.fresh();
                serde_json::to_value(self.code_actions(p)).unwrap_or(Value::Null)
            }),
            req::ExecuteCommand::METHOD => parse(r.params).and_then(|p| {
                self.fresh();
                self.execute(p)
            }),
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("breakwater does not handle {}", r.method),
            )),
        };
        match result {
            Ok(v) => self.send(Response::new_ok(id, v)),
            Err((code, message)) => self.send(Response::new_err(id, code as i32, message)),
        }
    }

    /// The shown threats of an open document whose range touches `from..=to`
    /// (breakwater positions).
    fn threats_at(&self, path: &str, from: (u32, u32), to: (u32, u32)) -> Vec<&Threat> {
        self.report
            .threats
            .iter()
            .filter(|t| diagnostics::shown(t, self.include_potential) && t.location.path == path)
            .filter(|t| {
                let l = &t.location;
                (l.start_line, l.start_col) <= to && from <= (l.end_line, l.end_col)
            })
            .collect()
    }

    /// Whether a path the client names has a threat to show: only then is
    /// its text read (a path from the report is one the listing offered;
    /// one from the client could be anything).
    fn has_threats(&self, path: &str) -> bool {
        self.report
            .threats
            .iter()
            .any(|t| t.location.path == path && diagnostics::shown(t, self.include_potential))
    }

    fn hover(&mut self, p: HoverParams) -> Option<Hover> {
        let pos = p.text_document_position_params;
        let path = self.path_of(&pos.text_document.uri)?;
        if !self.has_threats(&path) {
            return None;
        }
        let lines = self.lines_of(&path);
        let at = lines.location(self.enc, pos.position);
        let threats = self.threats_at(&path, at, at);
        let first = threats.first()?;
        let range = lines.range(
            self.enc,
            (first.location.start_line, first.location.start_col),
            (first.location.end_line, first.location.end_col),
        );
        let value = threats
            .iter()
            .map(|t| {
                let rule = self.report.rules.iter().find(|r| r.id == t.rule);
                crate::hover::markdown(t, rule)
            })
            .collect::<Vec<_>>()
            .join("\n\n---\n\n");
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }),
            range: Some(range),
        })
    }

    fn code_actions(&mut self, p: CodeActionParams) -> Vec<CodeActionOrCommand> {
        let Some(path) = self.path_of(&p.text_document.uri) else {
            return vec![];
        };
        let wanted = |k: &CodeActionKind| {
            p.context.only.as_ref().is_none_or(|only| {
                only.iter().any(|o| {
                    k.as_str() == o.as_str() || k.as_str().starts_with(&format!("{}.", o.as_str()))
                })
            })
        };
        if !wanted(&CodeActionKind::QUICKFIX) || !self.has_threats(&path) {
            return vec![];
        }
        let lines = self.lines_of(&path);
        let from = lines.location(self.enc, p.range.start);
        let to = lines.location(self.enc, p.range.end);
        let threats: Vec<Threat> = self
            .threats_at(&path, from, to)
            .into_iter()
            .cloned()
            .collect();
        let several = threats.len() > 1;
        let mut out = vec![];
        for t in &threats {
            let range = lines.range(
                self.enc,
                (t.location.start_line, t.location.start_col),
                (t.location.end_line, t.location.end_col),
            );
            let related = diagnostics::related(t, |l| self.locate(l));
            let diagnostic = diagnostics::threat(t, range, related);
            for (status, what) in ACTIONS {
                let title = if several {
                    format!("breakwater: {what} ({})", t.rule)
                } else {
                    format!("breakwater: {what}")
                };
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    command: Some(Command {
                        title,
                        command: RECORD_DECISION.into(),
                        arguments: Some(vec![json!({ "id": t.id, "status": status })]),
                    }),
                    ..Default::default()
                }));
            }
        }
        out
    }

    /// `breakwater.recordDecision {id, status, reason, ticket?, expires?}`:
    /// write the decision into the model file as `breakwater triage` does,
    /// then analyse and publish again.
    fn execute(&mut self, p: ExecuteCommandParams) -> Result<Value, (ErrorCode, String)> {
        if p.command != RECORD_DECISION {
            return Err((
                ErrorCode::InvalidParams,
                format!("breakwater has no command {}", p.command),
            ));
        }
        let arg = p.arguments.first().cloned().unwrap_or(Value::Null);
        let field = |k: &str| arg.get(k).and_then(Value::as_str).map(str::to_string);
        let invalid = |m: String| (ErrorCode::InvalidParams, m);
        let id = field("id").ok_or_else(|| {
            invalid(format!(
                "{RECORD_DECISION} takes one argument, {{\"id\": threat id, \"status\": …, \"reason\": …}}"
            ))
        })?;
        let status = field("status").unwrap_or_default();
        let reason = field("reason").unwrap_or_default();
        let today = today();
        let verdict = Verdict::new(
            &status,
            &reason,
            field("ticket").as_deref(),
            field("expires").as_deref(),
            &today,
        )
        .map_err(|e| {
            invalid(match e {
                VerdictError::Status(s) => format!(
                    "`{s}` is not a decision: use mitigated, accepted, false-positive or transferred"
                ),
                VerdictError::NoReason => format!(
                    "a decision needs a reason: say what mitigates the threat, why the risk is accepted, or why it is wrong, in the command's \"reason\" argument (the editor setup in docs/editors.md prompts for it). From a terminal: breakwater triage '{id}' --status {status} --reason \"…\""
                ),
                VerdictError::NotADate(d) => {
                    format!("\"expires\" `{d}` is not a date: write YYYY-MM-DD")
                }
                VerdictError::NotInFuture { expires, today } => format!(
                    "\"expires\" {expires} is not in the future (today is {today}): pick a later date, or leave it out"
                ),
            })
        })?;
        let Some(threat) = self.report.threats.iter().find(|t| t.id == id) else {
            return Err(invalid(format!(
                "`{id}` is not a current threat (the code may have changed since the action was offered)"
            )));
        };
        // The model file's buffer would no longer match the file on disk.
        if let Some(doc) = self
            .open
            .get(FILE_NAME)
            .and_then(|u| self.docs.get(u.as_str()))
        {
            let disk = bw_engine::repo::read_named(&self.root, FILE_NAME)
                .ok()
                .flatten()
                .unwrap_or_default();
            // Editors show a file without its byte-order mark.
            let strip = |t: &str| t.strip_prefix('\u{feff}').unwrap_or(t).to_string();
            if strip(doc.lines.text()) != strip(&disk) {
                return Err((
                    ErrorCode::RequestFailed,
                    format!(
                        "{FILE_NAME} has unsaved changes: save it, then record the decision again"
                    ),
                ));
            }
        }
        let author = bw_files::git::author(&self.root);
        let decision = decision_for(threat, &verdict, &author, &today);
        let edits = [DecisionEdit::Upsert {
            id: id.clone(),
            decision,
        }];
        let edited = edit::update_file(&self.root, &edits)
            .map_err(|e| (ErrorCode::RequestFailed, e.to_string()))?;
        let change = match edited.changes.first().map(|(_, c)| *c) {
            Some(Change::Added) => "added",
            Some(Change::Replaced) => "replaced",
            _ => "unchanged",
        };
        // The model file as written applies from now on.
        self.model.stamp = stamp(&self.model_path());
        self.model.error = None;
        self.model.text = Some(edited.text);
        self.session.options_mut().model_file = Some(edited.model);
        self.dirty = true;
        self.analyse();
        self.show(
            MessageType::INFO,
            &format!("recorded {} for {id} in {FILE_NAME}", verdict.status),
        );
        Ok(json!({
            "id": id,
            "status": verdict.status,
            "change": change,
            "file": self.model_path().display().to_string(),
        }))
    }
}

fn parse<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(v).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn system_name(root: &Path) -> String {
    root.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "system".into())
}
