//! The dataflow engine over the intermediate form (`bw-ir`), written once
//! for every language, and the flow catalogue it reads ([`catalogue`]).
//!
//! # The model
//!
//! [`analyse`] reads one lowered [`Module`] and the language's catalogue
//! and finds, for every call the catalogue names a sink, whether outside
//! data reaches its dangerous arguments.
//!
//! - **Values.** For each *access path* — a variable, `variable.field`,
//!   `variable[constant key or index]` (up to four keys; the receiver of a
//!   method, Python's `self` or `this`, is a root like a variable) — the
//!   engine keeps an abstract value: the outside sources reaching it
//!   (kind, span, label; at most three, the most dangerous kept), the
//!   enclosing function's parameters it derives from, whether part of it
//!   is of unknown origin, its constant when every path gives the same one
//!   (for folding), the sink kinds it is clean for, the steps it took
//!   (at most eight) and the path of the call that made it
//!   (`client = OpenAI()` makes `client.chat.completions.create` resolve to
//!   `openai.OpenAI().chat.completions.create`). A path with no entry of
//!   its own reads from its base (`d["k"]` from `d`), a receiver field
//!   from its class's field summary, a free variable from the enclosing
//!   function (closures) or the module's globals.
//! - **Names** resolve through [`Module::imports`] to dotted paths
//!   (`request.args.get` with `from flask import request` is
//!   `flask.request.args.get`) and match the catalogue's sources, sinks,
//!   sanitisers, propagators, guards and exits, including `*.` patterns
//!   and `methods` on any receiver.
//! - **Per function**, a forward fixpoint over the control-flow graph in
//!   reverse postorder: a block's entry state is the join of what its
//!   predecessors pass it; loops are iterated until nothing changes, with
//!   a bound on visits per block that reports truncation instead of
//!   running on. A block under a `try` passes its state to its handler.
//!   States along a path share one map of values and keep their own
//!   recent writes apart (folded in every few dozen), so handing a state
//!   to the next block copies those writes, not every path of the
//!   function, and joining two states that share a map joins only their
//!   writes.
//! - **Branches refine.** On the edge where a condition holds, what it
//!   proves is recorded: a guard from the catalogue (allow-list
//!   membership, a full-match regex, a type or number check, a predicate
//!   named for what it validates, a prefix
//!   check of a normalised path or a rejected `..`, the host of a parsed
//!   URL compared with a constant or a constant collection) makes the
//!   access path it tests clean for the sink kinds it protects; `x == "k"`
//!   makes `x` the constant. So a guard whose rejecting branch returns,
//!   raises or calls an `[[exit]]` leaves only the clean value after the
//!   `if` — exactly when every path to the sink passed it, only for the
//!   path it tested, and only until that path is reassigned. A raise
//!   inside a `try` whose handler falls through reaches the sink through
//!   the handler edge, still dirty. A condition that is no guard (a
//!   length check) cleans nothing. A constant condition or switch
//!   selector passes state only to the live branch. The sides of a
//!   conditional expression (`x if x in OK else d`, `ok(x) ? x : d`) and
//!   the right side of `and`/`or`/`&&`/`||` run under their test the same
//!   way, what it proved ending with the expression. Where the branches
//!   meet, a source's path one side never wrote is the source itself
//!   there: what the other side proved of it does not survive the join.
//!   An allow-list is the server's own collection (constants, its
//!   configuration, its calls' results), never one the request sent or a
//!   caller passed.
//! - **Containers**: dict and object literals keep per-key values, lists
//!   per-index values and their length; a constant key reads its entry, an
//!   unknown or tainted key reads the join; the catalogue's
//!   `[containers]` methods (append, pop, shift, get by a constant key)
//!   and spreads keep the indices right while the length is known. A path
//!   this code stored, or a guard proved something of, reads as stored
//!   even where its path names a source; a read through a value that
//!   already carries sources derives from that value, not from its path.
//! - **Strings** built by `+`, `+=`, `%`, templates and f-strings join
//!   their parts; `format`/`join` are catalogue propagators.
//! - **Calls**: a source call yields its source; a sanitiser cleans for its
//!   kinds; a propagator (or a method of a value that holds data) passes
//!   its inputs on; a function of this module or, through
//!   [`Externals`], of another one applies its summary; anything else
//!   returns a value of unknown origin (outside data does not pass through
//!   code nobody modelled, nor do the function's parameters: a row its
//!   query returned is no caller's data; a function imported from another
//!   module may be the repository's, and its arguments' parameters pass,
//!   for the linker, unless its package is one the catalogue's callees
//!   name: a library's). Every call of a function the repository may define
//!   is recorded with what each argument carries ([`CallSite`]). A function value passed as an argument (a
//!   callback) receives in its parameters the join of the call's other
//!   arguments and of its receiver when that holds data
//!   (`items.forEach(x => …)`, `promise.then(d => …)`); `await` passes
//!   its operand through.
//! - **Summaries** ([`FnSummary`]) say what each function does with its
//!   inputs: parameter → return, parameter → sink (with the sink kind),
//!   parameter → receiver field, source → return, and the path of the
//!   object it returns (so a helper returning a DB connection makes
//!   `conn.execute(q)` in the caller a sink). Within a module the
//!   functions are re-analysed until summaries, class field summaries,
//!   closure environments and callback seeds stop changing (bounded);
//!   [`link`] does the same across modules, joining callers to callees by
//!   module identity ([`bw_ir::Import::module`] and member against
//!   [`Module::id`] and the module's top-level names), never by bare
//!   export-name strings. After the first round only what depends on a
//!   changed summary is analysed again, and a summary that changes re-runs
//!   its callers within the same round (a cycle of calls settles in a
//!   round, not one round a link). Names (a value's path) keep the first
//!   one given when nothing else changed, and from the third round what
//!   the functions know of each other only grows (joined with the round
//!   before), so back-and-forth cannot outlast the rounds.
//! - **Unmodelled calls into other modules** reaching a sink's argument are
//!   listed for the model's linker (the first few; past them the hit says
//!   so, and the file gets an `unresolved-calls` note).
//!
//! Verdicts keep the meaning of breakwater's flow states: [`Verdict::Confirmed`]
//! (a path from a source was found: *confirmed*), [`Verdict::FromParams`]
//! (built from the function's parameters: decided by linking callers;
//! *likely* until then), [`Verdict::Unknown`] (non-literal, origin
//! unknown: *potential*), [`Verdict::Safe`] (constant or clean for the
//! sink's kind).
//!
//! The engine never runs the code it reads, never branches on the source
//! language, recurses on expression depth only within a limit that reports
//! truncation, and iterates maps in a fixed order, so the same input gives
//! the same output.

pub mod catalogue;
mod engine;
mod value;

pub use value::{keep_ranked, source_rank};

use bw_ir::{ExprId, Module, Span};
use catalogue::{FlowSpec, FlowSpecFile};
use std::collections::BTreeMap;

/// Where outside data came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Source {
    /// `request`, `llm-output`, `retrieved`, `tool-input`, `env`, `file`.
    pub kind: String,
    /// The file it is in.
    pub path: String,
    pub span: Span,
    /// The source expression (`request.args.get()`).
    pub label: String,
}

/// A hop on a source-to-sink path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Step {
    pub path: String,
    pub span: Span,
    /// What happens here (`assigned to \`q\``, `passed to \`build()\``).
    pub label: String,
}

/// The verdict on a sink's dangerous arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// A path from an outside source reaches it (confirmed).
    Confirmed,
    /// Built from the enclosing function's parameters: callers decide.
    FromParams,
    /// Non-literal, of unknown origin (potential).
    Unknown,
    /// Constant, or clean for the sink's kind.
    Safe,
}

/// Which argument of a sink call a verdict is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ArgRef {
    /// The receiver of a method (`Path(p).read_text()`).
    Receiver,
    Positional(u32),
    Keyword(String),
    /// A spread argument (`*args`, `...xs`, `**kw`).
    Spread,
}

/// A call the catalogue names a sink, with what reaches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkHit {
    /// The function it is in (qualified, as evidence names it).
    pub function: String,
    /// The sink kind (`sql`, `exec`, …).
    pub kind: String,
    /// The resolved callee (`subprocess.run`, `sqlite3.connect().execute`);
    /// for a sink reached through a helper, the helper's sink callee.
    pub callee: String,
    /// The call.
    pub span: Span,
    /// The argument the verdict is about: the worst of those checked
    /// (`None` when the call passes none of them).
    pub arg: Option<ArgRef>,
    pub verdict: Verdict,
    /// For [`Verdict::Confirmed`]: the most dangerous source.
    pub source: Option<Source>,
    /// For [`Verdict::Confirmed`]: the hops from the source.
    pub steps: Vec<Step>,
    /// For [`Verdict::Confirmed`]: the other sources that reach it (a
    /// secret beside the user's input in one prompt), most dangerous first.
    pub others: Vec<Source>,
    /// For [`Verdict::FromParams`] (and confirmed flows that also take
    /// parameters): the parameters (0-based) it derives from.
    pub params: Vec<u32>,
    /// For verdicts short of confirmed: functions of other modules whose
    /// results reach the argument (`app.helpers.search_term`), for the
    /// model's linker to follow.
    pub calls: Vec<String>,
    /// More such calls reached the argument than a value remembers
    /// ([`calls`](Self::calls) holds the first ones): one returning
    /// outside data may be missing, which the file's notes say.
    pub calls_dropped: bool,
    /// When the sink is inside a function this call reaches (a helper
    /// whose summary says a parameter reaches a sink): that function's
    /// qualified name, and the inner sink's file and span.
    pub via: Option<Via>,
    /// The call starts a process through a shell (its catalogue entry's
    /// `shell_keyword` is literally true: `shell=True`).
    pub shell: bool,
    /// For sinks whose entry names a mode argument (`open(p, "w")`):
    /// whether the mode writes.
    pub write: Option<bool>,
}

/// The inner sink of a flow through a helper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    pub function: String,
    pub path: String,
    pub span: Span,
}

/// A parameter that reaches a sink inside a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamSink {
    pub param: u32,
    pub kind: String,
    pub callee: String,
    pub path: String,
    pub span: Span,
}

/// What a function does with its inputs, for its callers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FnSummary {
    /// Qualified within its file.
    pub qualified: String,
    /// Parameter names in order (keyword arguments map through them;
    /// `None` for a destructuring pattern).
    pub params: Vec<Option<String>>,
    pub param_to_return: Vec<u32>,
    /// Outside sources its return value carries (at most three).
    pub source_to_return: Vec<Source>,
    /// Part of its return value is of unknown origin.
    pub return_unknown: bool,
    /// Sink kinds its return value is clean for (`*` when all).
    pub return_clean: Vec<String>,
    /// Sink kinds every source in its return value is clean for as it is
    /// returned (a raw URL for logs, a parsed URL's `search` for redirects):
    /// joined to other data by a caller, they stay so.
    pub return_src_clean: Vec<String>,
    /// The path of the object it returns (`sqlite3.connect()`), if known.
    pub return_ty: Option<String>,
    pub param_to_sink: Vec<ParamSink>,
    /// Parameters stored on the receiver (`self.conn = conn`): (parameter,
    /// field).
    pub param_to_field: Vec<(u32, String)>,
    /// The function of this module it returns, if it returns one (a
    /// handler factory: `function list() { return (req, res) => … }`).
    pub return_func: Option<u32>,
    /// Functions of other modules whose results it returns
    /// (`module.name`; the first few), for the model's linker.
    pub return_calls: Vec<String>,
}

/// A call of a function the repository may define (one of this module's,
/// or one an import names), with what each argument carries: the model's
/// linker joins these to the callees' sinks and returns across files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSite {
    /// The calling function (qualified).
    pub function: String,
    /// The callee's module identity ([`Module::id`] for this module's
    /// functions and classes) and its name within it (`Repo.find`).
    pub module: String,
    pub name: String,
    /// The callee is a method called on an object (its receiver is no
    /// argument here).
    pub method: bool,
    pub span: Span,
    /// Positional arguments first, keyword arguments at the position the
    /// callee's parameter names give when its summary is known, the rest
    /// after them in order.
    pub args: Vec<ArgFlow>,
}

/// A call one of the catalogue's `[[component]]` entries could match
/// ([`Options::record_named`]), with what the engine resolved of it:
/// breakwater decides which component it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedCall {
    /// The calling function.
    pub function: bw_ir::FuncId,
    /// The call.
    pub call: ExprId,
    pub span: Span,
    /// The callee's resolved dotted path (`openai.OpenAI().chat.completions.create`).
    pub path: String,
    /// The call that made its receiver's object (`OpenAI(timeout=5)`),
    /// when known: what was given to the constructor holds for the calls
    /// made on it.
    pub made: Option<ExprId>,
    /// Each argument's string constant, as far as the engine folded it
    /// (`URL = "https://…"; requests.get(URL)`), by argument index.
    pub consts: Vec<Option<String>>,
}

/// What one argument of a [`CallSite`] carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgFlow {
    /// Confirmed when outside data reaches it (for some sink kind).
    pub verdict: Verdict,
    /// For [`Verdict::Confirmed`]: the most dangerous source.
    pub source: Option<Source>,
    /// The calling function's parameters (0-based) it derives from.
    pub params: Vec<u32>,
    /// Sink kinds it is clean for (`*` when all).
    pub clean: Vec<String>,
    /// Its text, when it is one constant string.
    pub text: Option<String>,
}

/// Where the analysis stopped short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truncation {
    pub function: String,
    pub span: Span,
    pub reason: String,
}

/// What [`analyse`] found in one module.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleResult {
    /// [`Module::id`].
    pub module: String,
    /// [`Module::path`].
    pub path: String,
    /// Every sink call, in source order.
    pub hits: Vec<SinkHit>,
    /// Every call of a function the repository may define, in source
    /// order.
    pub calls: Vec<CallSite>,
    /// Every call a component entry could match ([`Options::record_named`]),
    /// in source order.
    pub named: Vec<NamedCall>,
    /// One per function, by [`bw_ir::FuncId`] index.
    pub summaries: Vec<FnSummary>,
    /// The names other modules import, with the function each is
    /// (top-level definitions and exports).
    pub exports: BTreeMap<String, u32>,
    pub truncated: Vec<Truncation>,
    /// Function analyses run, over all rounds (a measure of the work).
    pub analysed: u32,
    /// How many times [`link`] analysed the module (0 from [`analyse`]).
    pub link_rounds: u32,
}

/// What a framework recogniser knows of a parameter before analysis: a
/// handler's request parameter is outside data, or an object of a known
/// path (`req` for an Express handler, `flask.request`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamSeed {
    pub func: bw_ir::FuncId,
    pub param: u32,
    /// A source kind the parameter carries (`request`, `tool-input`).
    pub source: Option<String>,
    /// The path it resolves as (`req`).
    pub ty: Option<String>,
    /// The framework validated it (a route variable converted to a
    /// number, a parameter annotated as a number or a boolean): clean for
    /// every sink kind.
    pub clean: bool,
    /// The framework fills it with its default's value (a FastAPI
    /// dependency, `= Depends(get_user)`): no caller's argument.
    pub from_default: bool,
    /// The framework gives it as text (a route parameter, a header by
    /// name): no query operator rides in it (clean for `nosql`).
    pub text: bool,
}

/// A field every instance of a class has when a method runs, which a
/// framework set (a class-based view's `self.request`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSeed {
    pub class: bw_ir::ClassId,
    pub field: String,
    /// A source kind the field carries.
    pub source: Option<String>,
    /// The path it resolves as (`django.request`).
    pub ty: Option<String>,
}

/// A function whose returned value a framework sends as a sink of `kind`
/// (a Flask view's returned string is the HTML page). With `markup`, only
/// a returned value whose literal text holds an HTML tag counts (a view
/// returning plain text or a JSON string renders no markup it was given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnSink {
    pub func: bw_ir::FuncId,
    pub kind: String,
    pub markup: bool,
}

/// Analysis options.
#[derive(Debug, Clone)]
pub struct Options {
    pub params: Vec<ParamSeed>,
    pub fields: Vec<FieldSeed>,
    pub returns: Vec<ReturnSink>,
    /// Rounds of re-analysing a module's functions until summaries settle.
    pub max_rounds: u32,
    /// Visits of one block before its function's fixpoint is cut short.
    pub max_block_visits: u32,
    /// Record every call of a function the repository may define
    /// ([`ModuleResult::calls`]); off, the list is empty and costs nothing.
    pub record_calls: bool,
    /// Record the calls a catalogue `[[component]]` entry could match,
    /// with their resolved paths ([`ModuleResult::named`],
    /// [`catalogue::FlowSpecFile::watches`]); off, none.
    pub record_named: bool,
    /// Nesting of an expression before it is taken as of unknown origin
    /// (64 levels need about 1 MB of stack in a debug build; linear
    /// chains — `a + b + …` — cost no depth).
    pub max_expr_depth: u32,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            params: Vec::new(),
            fields: Vec::new(),
            returns: Vec::new(),
            max_rounds: 6,
            max_block_visits: 40,
            max_expr_depth: 64,
            record_calls: true,
            record_named: false,
        }
    }
}

/// Summaries of other modules' functions, keyed by module identity and
/// the name that module binds the function to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Externals {
    map: BTreeMap<(String, String), FnSummary>,
}

impl Externals {
    /// The summaries every result exports.
    pub fn from_results(results: &[ModuleResult]) -> Externals {
        let mut map = BTreeMap::new();
        for r in results {
            for (name, f) in &r.exports {
                if let Some(s) = r.summaries.get(*f as usize) {
                    map.insert((r.module.clone(), name.clone()), s.clone());
                }
            }
        }
        Externals { map }
    }
    pub fn insert(&mut self, module: &str, name: &str, s: FnSummary) {
        self.map.insert((module.to_string(), name.to_string()), s);
    }
    pub fn get(&self, module: &str, name: &str) -> Option<&FnSummary> {
        self.map.get(&(module.to_string(), name.to_string()))
    }
}

/// Analyse one module on its own.
pub fn analyse(m: &Module, cat: &FlowSpecFile, opts: &Options) -> ModuleResult {
    engine::analyse(m, cat, opts, &Externals::default())
}

/// Analyse one module with other modules' summaries.
pub fn analyse_with(
    m: &Module,
    cat: &FlowSpecFile,
    opts: &Options,
    ext: &Externals,
) -> ModuleResult {
    engine::analyse(m, cat, opts, ext)
}

/// Rounds of cross-module linking: a chain of helpers across this many
/// modules is followed.
pub const MAX_LINK_ROUNDS: u32 = 4;

/// Analyse modules together: each is re-analysed with the others'
/// summaries until they stop changing (at most [`MAX_LINK_ROUNDS`]
/// rounds; a result says when that was not enough), and after the first
/// round only modules importing a module whose summaries changed are.
/// Callers reach callees through their imports' module identities.
pub fn link(modules: &[Module], spec: &FlowSpec, opts: &Options) -> Vec<ModuleResult> {
    let empty = FlowSpecFile::default();
    let mut ext = Externals::default();
    let mut results: Vec<ModuleResult> = vec![ModuleResult::default(); modules.len()];
    // Round one analyses every module; later rounds only those importing
    // a module whose exported summaries changed.
    let mut dirty = vec![true; modules.len()];
    for round in 0..MAX_LINK_ROUNDS {
        for (i, m) in modules.iter().enumerate() {
            if !dirty[i] {
                continue;
            }
            let cat = spec.for_language(&m.lang).unwrap_or(&empty);
            let rounds = results[i].link_rounds;
            results[i] = engine::analyse(m, cat, opts, &ext);
            results[i].link_rounds = rounds + 1;
        }
        let next = Externals::from_results(&results);
        if next == ext {
            return results;
        }
        let changed: std::collections::BTreeSet<&str> = next
            .map
            .iter()
            .filter(|(k, v)| ext.map.get(*k) != Some(*v))
            .map(|(k, _)| k.0.as_str())
            .chain(
                ext.map
                    .keys()
                    .filter(|k| !next.map.contains_key(*k))
                    .map(|k| k.0.as_str()),
            )
            .collect();
        for (i, m) in modules.iter().enumerate() {
            dirty[i] = m
                .imports
                .iter()
                .any(|im| changed.contains(im.module.as_str()));
        }
        if round + 1 == MAX_LINK_ROUNDS {
            for r in &mut results {
                r.truncated.push(Truncation {
                    function: "<module>".into(),
                    span: Span::default(),
                    reason: format!(
                        "cross-module summaries still changing after {MAX_LINK_ROUNDS} rounds"
                    ),
                });
            }
        }
        ext = next;
    }
    results
}
