//! Sources, sinks, sanitisers, propagators, guards and exits as data.
//!
//! The built-in specs live in `rules/flow/<language>.toml` and are embedded
//! in the binary; a repository adds its own in `.breakwater/flow/*.toml`
//! (same format) — for example a sink for its own query wrapper. Names are
//! *resolved* names: the extractor maps local names through the file's
//! import table first, so `from subprocess import run as r; r(x)` matches
//! `subprocess.run`. A name starting with `*.` matches any path ending in
//! the rest ([`name_matches`]); a source name also covers what is read from
//! it ([`source_matches`]).
//!
//! The dataflow engine ([`crate::analyse`]) also reads `[[guard]]` (checks
//! that clean a value on the branch where they pass, for the sink kinds
//! they name), `[[exit]]` (calls that never return), `[[invoke]]` (calls
//! that stand for their function argument's result) and `[containers]`
//! (the methods that append to, pop from and read containers, and the
//! names of constructors). All are optional, so spec files written before
//! them still load.

use serde::Deserialize;

/// The sink kinds of the vocabulary: every `[[sink]]` names one, and
/// sanitisers and guards protect some of them (`*` = all).
pub const SINK_KINDS: &[&str] = &[
    "sql",
    "nosql",
    "exec",
    "eval",
    "deserialize",
    "path",
    "template",
    "html",
    "redirect",
    "ssrf",
    "prompt",
    "xpath",
    "ldap",
    "header",
    "log",
    "regex",
    "merge",
];

/// Whether a resolved callee `path` is the catalogue name `pattern`: equal,
/// for `*.rest`, `rest` itself or any path ending in `.rest`, and for
/// `head.*`, any path under `head` or under what a call of it returns
/// (`sqlalchemy.update.*` covers `sqlalchemy.update().where().values`).
pub fn name_matches(pattern: &str, path: &str) -> bool {
    if pattern == "*" {
        // Any callee (a `[[setting]]` told apart by its keywords).
        true
    } else if let Some(rest) = pattern.strip_prefix("*.") {
        path == rest || (path.ends_with(rest) && path[..path.len() - rest.len()].ends_with('.'))
    } else if let Some(head) = pattern.strip_suffix(".*") {
        // `jsx.*`: anything of that module or object.
        path.starts_with(head)
            && path.len() > head.len() + 1
            && (path[head.len()..].starts_with('.')
                || (path[head.len()..].starts_with("().") && path.len() > head.len() + 3))
    } else {
        pattern == path
    }
}

fn boundary(rest: &str) -> bool {
    rest.is_empty() || rest.starts_with(['.', '[', '('])
}

/// Is `path` the source name `pattern` or something read from it?
pub fn source_matches(pattern: &str, path: &str) -> bool {
    if let Some(rest) = pattern.strip_prefix("*.") {
        if path.starts_with(rest) && boundary(&path[rest.len()..]) {
            return true;
        }
        // Try each position right after a `.`: no substring searcher per
        // call (this runs for every name against every source pattern).
        path.bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'.')
            .any(|(i, _)| {
                let start = i + 1;
                path.get(start..)
                    .is_some_and(|tail| tail.starts_with(rest) && boundary(&tail[rest.len()..]))
            })
    } else {
        path.starts_with(pattern) && boundary(&path[pattern.len()..])
    }
}

/// A read of any expression whose resolved dotted path starts with one of
/// `names` (or a call of it) yields data of this `kind`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// `request`, `llm-output`, `retrieved`, `tool-input`, `env`, `file`.
    pub kind: String,
    #[serde(default)]
    pub framework: Option<String>,
    /// Resolved dotted paths (`flask.request.args`, `req.query`).
    #[serde(default)]
    pub names: Vec<String>,
    /// Method names whose *result* is a source on any receiver
    /// (`similarity_search` returns retrieved content).
    #[serde(default)]
    pub methods: Vec<String>,
    /// Words that make a read by a constant key (`os.environ["DB_PASSWORD"]`,
    /// `os.getenv("API_TOKEN")`) a `secret` source instead, when the key
    /// contains one of them (any case).
    #[serde(default)]
    pub secret_keys: Vec<String>,
    /// Sink kinds the source is clean for by its type: a route parameter
    /// is always text, so it carries no query operator (`nosql`).
    #[serde(default)]
    pub clean: Vec<String>,
    /// For a call: the position of the argument naming what it reads. A
    /// constant there (`fs.readFileSync('./package.json')`) reads the
    /// program's own data, so the call is no source.
    #[serde(default)]
    pub constant_arg: Option<u32>,
    /// Read by the dataflow engine only: the older per-language extractor
    /// has code of its own for it (see [`SinkSpec::new_core`]).
    #[serde(default)]
    pub new_core: bool,
}

/// A call whose listed arguments must not carry outside data.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SinkSpec {
    /// A sink kind from the vocabulary (`sql`, `exec`, …).
    pub kind: String,
    /// Resolved callee names (`subprocess.run`).
    #[serde(default)]
    pub callees: Vec<String>,
    /// Method names on any receiver (`execute` matches `cur.execute(...)`).
    #[serde(default)]
    pub methods: Vec<String>,
    /// Positional arguments checked (0-based); empty means all.
    #[serde(default)]
    pub args: Vec<u32>,
    /// Keyword/named arguments checked.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// A keyword that, when literally true, marks the call as going
    /// through a shell (`shell=True`).
    #[serde(default)]
    pub shell_keyword: Option<String>,
    /// The call always goes through a shell (`os.system`,
    /// `child_process.exec`).
    #[serde(default)]
    pub shell: bool,
    /// Only a sink when this keyword is literally true (e.g. `shell` for
    /// `subprocess.run`): without it the call is not this sink.
    #[serde(default)]
    pub requires_keyword: Option<String>,
    /// The call opens a file for writing when its mode argument contains
    /// one of `w`, `a`, `x`, `+`.
    #[serde(default)]
    pub write_mode_arg: Option<u32>,
    /// Only in a module that imports one of these packages (or a module
    /// of theirs): a sink matched by method name is that library's only
    /// where the library is used (`find` is a MongoDB query where a Mongo
    /// driver is imported, and `str.find` elsewhere).
    #[serde(default)]
    pub imports: Vec<String>,
    /// For a sink matched by method name: the receiver's resolved path must
    /// hold one of these words, any case (`llm.invoke(…)` on
    /// `ChatOpenAI()` is a prompt, `tool.invoke(args)` runs a tool).
    #[serde(default)]
    pub receivers: Vec<String>,
    /// For a sink matched by method name: resolved callees that are never
    /// it (`express.raw` is Express's raw body parser, not knex's `raw`).
    #[serde(default)]
    pub except: Vec<String>,
    /// A dictionary literal passed to the sink counts only through the
    /// values of these keys, its computed keys and its spreads (a query
    /// filter's `$where`): its other values are data compared, not code.
    #[serde(default)]
    pub dict_keys: Vec<String>,
    /// A dictionary literal passed to the sink binds its values as data
    /// (a query builder's `where({ id: req.params.id })`): only its
    /// computed keys and its spreads count (and the values of
    /// `dict_keys`, when given).
    #[serde(default)]
    pub bound_dicts: bool,
    /// Arguments that make the call safe (`Loader=yaml.SafeLoader`,
    /// `weights_only=True`, `content_type="application/json"`): then it is
    /// no sink.
    #[serde(default)]
    pub safe: Vec<SafeArg>,
    /// Arguments without which the call is no sink, in the same form as
    /// `safe` (js-yaml 4's `load` runs no code unless given
    /// `schema: DEFAULT_FULL_SCHEMA`).
    #[serde(default)]
    pub requires: Vec<SafeArg>,
    /// A literal list passed to it is a list of separate inputs (a
    /// chat's messages): the finding points at its worst item.
    #[serde(default)]
    pub per_item: bool,
    /// No sink when the receiver's content type, declared earlier by a
    /// `[[response_type]]` call, is a constant without this text
    /// (`html`): `res.type('json')` then `res.send(x)` sends JSON.
    #[serde(default)]
    pub content_type_without: Option<String>,
    /// Read by the dataflow engine only. The older per-language extractor
    /// (JavaScript's, run by `BREAKWATER_CORE=old`) finds these sinks with
    /// code of its own and reads none of the engine's gates (`imports`,
    /// `receivers`, `per_item`): it skips the entry.
    #[serde(default)]
    pub new_core: bool,
    /// Objects a write into is this sink, with the written value
    /// (`resp.headers["Content-Disposition"] = v` on a response Flask
    /// made; `response["Location"] = v` on a Django response): resolved
    /// paths, as `callees`.
    #[serde(default)]
    pub stores: Vec<String>,
}

/// An argument that makes a sink call safe: a keyword (or the positional
/// argument at `position`) whose value resolves to one of `names`, or is
/// the literal `literal`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafeArg {
    pub keyword: String,
    #[serde(default)]
    pub position: Option<u32>,
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default)]
    pub literal: Option<bool>,
    /// A string constant without this text (`content_type` naming no
    /// `html` type).
    #[serde(default)]
    pub text_without: Option<String>,
    /// A string constant that is none of these, any case (a header name
    /// other than those whose meaning a value changes).
    #[serde(default)]
    pub text_not_in: Vec<String>,
    /// Given at all, whatever its value (`root:` confines Express's
    /// `sendFile` to a folder). In an options object, a property of
    /// that name.
    #[serde(default)]
    pub present: bool,
}

/// A call declaring a response's content type on its receiver:
/// `res.type('json')`, `res.setHeader('Content-Type', t)`,
/// `res.writeHead(200, { 'Content-Type': t })`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseTypeSpec {
    #[serde(default)]
    pub methods: Vec<String>,
    /// The position of the type, or of an options object holding a
    /// `Content-Type` property.
    pub arg: u32,
    /// The position of a header name that must be `Content-Type` (any
    /// case) for the call to declare the type.
    #[serde(default)]
    pub header: Option<u32>,
}

/// A call resolving a URL or path against a base (`new URL(path, base)`,
/// `urljoin(base, path)`): given a constant site-relative path, the result
/// is on the base's site (no open redirect); given a constant URL naming
/// its host, on that host.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolverSpec {
    pub callees: Vec<String>,
    /// The position of the path or URL resolved.
    pub path: u32,
    /// The position of the base.
    pub base: u32,
}

/// A call that cleans data for the listed sink kinds (`*` = all).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SanitizerSpec {
    #[serde(default)]
    pub callees: Vec<String>,
    #[serde(default)]
    pub methods: Vec<String>,
    pub kinds: Vec<String>,
}

/// A call whose result carries the taint of its receiver and arguments.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PropagatorSpec {
    #[serde(default)]
    pub callees: Vec<String>,
    #[serde(default)]
    pub methods: Vec<String>,
    /// Sink kinds the result is clean for by its type (`String(x)` is
    /// text: no query operator rides in it, `nosql`).
    #[serde(default)]
    pub clean: Vec<String>,
    /// Sink kinds the result is no longer clean for: the call decodes
    /// what an encoding kept out (`decodeURIComponent` of a raw request
    /// URL, clean for logs while its line breaks stayed `%0A`).
    #[serde(default)]
    pub decodes: Vec<String>,
    /// The result is made of what the function given to it returns for
    /// each item (`ids.map(() => '?')`): a function returning constants
    /// makes constants.
    #[serde(default)]
    pub maps: bool,
    /// A function given to it receives an error (`p.catch(err => …)`),
    /// not the receiver's data.
    #[serde(default)]
    pub errors: bool,
}

/// What a guard checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GuardKind {
    /// Membership in the server's own collection: `x in ALLOWED`,
    /// `ALLOWED.includes(x)` (the listed `methods` on such a receiver). A
    /// literal of constants, or data no outside source but the environment
    /// reaches and no parameter of the function (configuration, settings,
    /// what the server's own calls return); never a collection the request
    /// sent or a caller passed.
    Allowlist,
    /// A regular expression that must match the whole value:
    /// `re.fullmatch(P, x)`, `/^[a-z]+$/.test(x)`.
    Regex,
    /// A type or number check: `isinstance(x, int)`, `x.isdigit()`,
    /// `Number.isInteger(x)`.
    Coerce,
    /// A predicate that says what it validates the value for, by its name
    /// (`url_has_allowed_host_and_scheme(u)`, `is_safe_url(u)`): passing
    /// it cleans the value for the kinds in `protects` only.
    Validator,
    /// A prefix check (the listed `methods`, `startswith`) on a path that
    /// went through one of `normalisers` first, or a `..` test
    /// (`substrings`) that rejects when it is found.
    Path,
    /// Equality with a constant or membership in a constant collection of
    /// a parsed URL's host: `urlparse(u).hostname in ALLOWED_HOSTS`. A
    /// substring or prefix check of the raw URL is never one.
    Host,
}

/// A check that, on the branch where it passes, cleans the value it tests
/// for the sink kinds in `protects` (`*` = all). A condition the engine
/// cannot tie to a guard (a length check, a test of another variable)
/// cleans nothing.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuardSpec {
    pub kind: GuardKind,
    /// Resolved callee names of the check (`re.fullmatch`, `isinstance`).
    #[serde(default)]
    pub callees: Vec<String>,
    /// Method names of the check on any receiver (`isdigit`, `test`,
    /// `includes`, `startswith`).
    #[serde(default)]
    pub methods: Vec<String>,
    /// The positional argument that is the checked value; without it a
    /// method checks its receiver (`x.isdigit()`), a call its first argument.
    #[serde(default)]
    pub arg: Option<u32>,
    /// Regex guards: the positional argument holding the pattern; the
    /// pattern must be a constant anchored at both ends (`^…$`) unless
    /// `full` is set. Without it the receiver's constant is the pattern
    /// (`/^…$/.test(x)`, `re.compile("^…$").match(x)`).
    #[serde(default)]
    pub pattern_arg: Option<u32>,
    /// Regex guards: the call matches the whole value by itself
    /// (`re.fullmatch`), so the pattern need not be anchored.
    #[serde(default)]
    pub full: bool,
    /// Path guards: calls whose result is a normalised path
    /// (`os.path.realpath`, `path.resolve`).
    #[serde(default)]
    pub normalisers: Vec<String>,
    /// Path guards: constants whose presence in the value rejects it (`..`).
    #[serde(default)]
    pub substrings: Vec<String>,
    /// Host guards: calls that parse a URL (`urllib.parse.urlparse`, `URL`).
    #[serde(default)]
    pub parsers: Vec<String>,
    /// Host guards: the fields of a parsed URL that are its host.
    #[serde(default)]
    pub host_fields: Vec<String>,
    /// Host guards: the fields of a parsed URL that begin with their own
    /// delimiter (WHATWG `URL`'s `search` starts with `?`, `hash` with
    /// `#`, or is empty): wherever they are placed they cannot change a
    /// URL's scheme or host, so they are clean for the kinds it protects.
    /// (Not Python's `query` or `fragment`, which come without theirs: a
    /// query of `//evil.example` is a URL on its own.)
    #[serde(default)]
    pub prefixed_fields: Vec<String>,
    /// The sink kinds it protects (`*` = all).
    pub protects: Vec<String>,
}

/// A call that never returns (`flask.abort`, `sys.exit`,
/// `process.exit`): what follows it in its block is not reached, so a
/// branch ending in one rejects like a `return`. A call that only sends a
/// response (`res.status(400).send()`) is not one.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExitSpec {
    #[serde(default)]
    pub callees: Vec<String>,
    #[serde(default)]
    pub methods: Vec<String>,
}

/// A call that stands for the result of the function it is given, which
/// a framework calls (`Depends(get_query)` in FastAPI: the parameter holds
/// what `get_query` returns).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvokeSpec {
    #[serde(default)]
    pub callees: Vec<String>,
}

/// How a language's containers and classes are used: the engine keeps
/// per-index contents through these methods and finds a class's
/// constructor by these names, without naming any language itself.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerSpec {
    /// Methods adding one element at the end (`append`, `push`).
    #[serde(default)]
    pub append: Vec<String>,
    /// Methods removing the last element, or the one at the constant index
    /// or key given (`pop`).
    #[serde(default)]
    pub pop: Vec<String>,
    /// Methods removing the first element (`shift`).
    #[serde(default)]
    pub shift: Vec<String>,
    /// Methods reading the entry at a constant key (`get`).
    #[serde(default)]
    pub get: Vec<String>,
    /// Methods merging entries in: by keyword (`d.update(k=v)`) or from a
    /// literal mapping (`d.update({"k": v})`).
    #[serde(default)]
    pub update: Vec<String>,
    /// The method names of a class's constructor (`__init__`,
    /// `constructor`): a call of the class runs it.
    #[serde(default)]
    pub constructors: Vec<String>,
}

/// The subjects a `[[component]]` entry may name: the parts of a system
/// a call reveals.
pub const COMPONENT_SUBJECTS: &[&str] = &["store", "outbound", "llm", "queue"];

/// A call (or a decorator) that reveals a component of the system: a data
/// store's client, an outbound HTTP call, a call to a language model, a
/// message queue's producer or consumer. The dataflow engine resolves the
/// call's path (through imports and the constructors values were made
/// by, as for sinks) and records the calls whose last name one of these
/// entries could match; breakwater turns each into a fact. The first entry
/// matching a call, in file order, is the one for its subject.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentSpec {
    /// `store`, `outbound`, `llm` or `queue` ([`COMPONENT_SUBJECTS`]);
    /// `setting` for a `[[setting]]` entry.
    #[serde(default)]
    pub subject: String,
    /// The fact's kind (`postgres`, `http`, `openai`, `kafka`); without
    /// it, `kind_by` must give one.
    #[serde(default)]
    pub kind: Option<String>,
    /// The client library, as the fact names it.
    #[serde(default)]
    pub library: String,
    /// Resolved callee names, as `[[sink]]`'s (`psycopg2.connect`,
    /// `*.chat.completions.create`).
    #[serde(default)]
    pub callees: Vec<String>,
    /// Method names, matched on a callee under one of `within` (or, with
    /// no `within`, on any receiver `receivers` and `imports` allow).
    #[serde(default)]
    pub methods: Vec<String>,
    /// Prefixes of the resolved callee the methods must be under
    /// (`ollama.`, `langchain`).
    #[serde(default)]
    pub within: Vec<String>,
    /// The methods are called on the object `within` names itself (an
    /// HTTP client's `get`), never on what a call of it returned (the
    /// response's `json().get("data")`).
    #[serde(default)]
    pub direct: bool,
    /// Words one of which the callee's receiver path must hold, any case
    /// (`Chat` for a LangChain chat model's `invoke`).
    #[serde(default)]
    pub receivers: Vec<String>,
    /// Text the resolved callee must hold (`.objects.` of a Django
    /// manager's query). An entry with it and neither callees nor
    /// methods matches every call whose path holds it.
    #[serde(default)]
    pub contains: Vec<String>,
    /// Packages one of which the module must import (a module of theirs
    /// counts).
    #[serde(default)]
    pub imports: Vec<String>,
    /// Resolved callees that are never it (`twilio.*`: Twilio's
    /// `messages.create` sends a text message).
    #[serde(default)]
    pub except: Vec<String>,
    /// Decorators (resolved, as `callees`) that make the function they
    /// decorate this component (`celery.shared_task`): its name is the
    /// topic.
    #[serde(default)]
    pub decorators: Vec<String>,
    /// Base classes (resolved, as `callees`) that make a class extending
    /// one this component (`class Db extends PrismaClient`).
    #[serde(default)]
    pub bases: Vec<String>,
    /// A method of a function the module defines or imports (`task.delay`
    /// of a Celery task): the function's name is the topic.
    #[serde(default)]
    pub on_function: bool,
    /// Where the component's address is (a URL, a DSN, a host): the first
    /// given of these. A constant gives its host (and whether TLS is off);
    /// anything else `dynamic`; none given, no host.
    #[serde(default)]
    pub address: ArgPlaces,
    /// Where a value picking the kind is (a URL's scheme, a dialect, an
    /// AWS service's name), and the kinds by value.
    #[serde(default)]
    pub kind_by: Option<KindBy>,
    /// Where the topic or queue name is.
    #[serde(default)]
    pub topic: ArgPlaces,
    /// `producer` or `consumer`, for a queue.
    #[serde(default)]
    pub role: Option<String>,
    /// Accessed through an ORM.
    #[serde(default)]
    pub orm: bool,
    /// One fact per file for this entry: the first use (a manager's
    /// query, a file opened).
    #[serde(default)]
    pub once: bool,
    /// The library sets a timeout unless told otherwise (httpx).
    #[serde(default)]
    pub default_timeout: bool,
    /// A `[[setting]]`: the conditions on the call's arguments, one of
    /// which must hold (the first that does gives the fact's value); none
    /// given, every matching call is the setting.
    #[serde(default)]
    pub when: Vec<ArgCondition>,
    /// A `[[setting]]`: conditions that must all hold as well.
    #[serde(default)]
    pub requires: Vec<ArgCondition>,
    /// A `[[setting]]`: conditions none of which may hold (credentials
    /// allowed make it another kind of setting).
    #[serde(default)]
    pub unless: Vec<ArgCondition>,
    /// A `[[setting]]`: the fact's value when the condition met gives
    /// none.
    #[serde(default)]
    pub value: Option<String>,
    /// A `[[setting]]`: the callee the fact names (default: the resolved
    /// callee, or the target assigned).
    #[serde(default)]
    pub shown_as: Option<String>,
    /// A `[[setting]]`: why it matters here, as the fact's `context`
    /// (`token`: the key signs tokens).
    #[serde(default)]
    pub context: Option<String>,
    /// A `[[setting]]` made by assigning: the targets (`DEBUG`, a name at
    /// module level or in a class body; `*.debug`, a field of any object;
    /// `*.config[DEBUG]` / `config[DEBUG]`, a constant key of a field or
    /// variable named `config`). `when` and `requires` test the value
    /// assigned.
    #[serde(default)]
    pub assigns: Vec<String>,
    /// A name assigned at module level counts only in files like these
    /// (`settings*`: a file name's start; `*/settings/*`: a folder).
    #[serde(default)]
    pub files: Vec<String>,
    /// A name assigned in a class body counts too (a configuration
    /// class), wherever the file is.
    #[serde(default)]
    pub in_classes: bool,
    /// Words of a class's name that make its body not count (`dev`,
    /// `test`: a development configuration).
    #[serde(default)]
    pub except_classes: Vec<String>,
    /// A `[[setting]]` that counts only where the code says what the
    /// value is for: the name of a vocabulary of `[purposes]`, whose first
    /// context with a word found gives the fact's `context` (a hash of a
    /// password, a random number for a token). See
    /// [`FlowSpecFile::purposes`].
    #[serde(default)]
    pub purpose: Option<String>,
    /// A `[[setting]]` made by writing an entry of a mapping or object
    /// literal anywhere in the code (`rejectUnauthorized: false`): the
    /// keys. `when` and `requires` test the entry's value.
    #[serde(default)]
    pub entries: Vec<String>,
    /// A `[[setting]]` made by using a value (`ssl.CERT_NONE`): its
    /// resolved names, as `callees`; a use is the value given to a call,
    /// assigned, or written as a mapping's entry (never compared). `when`
    /// and `requires` test the value.
    #[serde(default)]
    pub uses: Vec<String>,
}

impl ComponentSpec {
    /// Whether a module-level assignment in the file at `path` counts.
    pub fn in_files(&self, path: &str) -> bool {
        let file = path.rsplit('/').next().unwrap_or(path);
        self.files.is_empty()
            || self
                .files
                .iter()
                .any(|f| match (f.strip_prefix("*/"), f.strip_suffix('*')) {
                    (Some(dir), _) => {
                        let dir = dir.trim_end_matches('*');
                        path.starts_with(dir) || path.contains(&format!("/{dir}"))
                    }
                    (None, Some(head)) => file.starts_with(head),
                    (None, None) => file == f,
                })
    }
}

/// A condition on what a call is given at some argument places (each place
/// tried; one that meets it is enough): a constant (`is`), a string
/// constant's shape (`like`, `nonempty`), an integer's bits, the source
/// text (`holds`), a key of a mapping or object given there (`key`), or an
/// item of a list given there (`item`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgCondition {
    /// Positional arguments (0-based).
    #[serde(default)]
    pub args: Vec<u32>,
    /// Keywords, or properties of an options object passed.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The value is the entry of this key in the mapping (or object
    /// literal) given at the place; a dotted key walks nested ones
    /// (`cookie.secure`).
    #[serde(default)]
    pub key: Option<String>,
    /// The test applies to the items of a list given there, one of which
    /// must meet it.
    #[serde(default)]
    pub item: bool,
    /// The test applies to every item of a list given there (a list with
    /// at least one).
    #[serde(default)]
    pub every: bool,
    /// The value is this constant (a boolean, an integer or a string).
    #[serde(default)]
    pub is: Option<Literal>,
    /// A string constant matching one of these, any case: `*` at either
    /// end stands for any text (`des*`, `*-ecb`; `*` alone, any string).
    #[serde(default)]
    pub like: Vec<String>,
    /// A string constant that is not empty.
    #[serde(default)]
    pub nonempty: bool,
    /// An integer constant (a string of octal digits counts, as file
    /// modes are written) with one of these bits set.
    #[serde(default)]
    pub bits: Option<i64>,
    /// The value's source text holds one of these.
    #[serde(default)]
    pub holds: Vec<String>,
    /// The value is a name resolved through the imports to one of these
    /// (as `callees`: `*.CORSMiddleware`, `@fastify/cors`).
    #[serde(default)]
    pub names: Vec<String>,
    /// Nothing is given at the condition's places, as far as can be read:
    /// no keyword of its names and no `**kwargs`; at each of its `args`,
    /// no argument or an object literal without those properties (an
    /// options object held in a variable may hold anything, so it is not
    /// absent). A library's default then applies (`cors()` allows any
    /// origin).
    #[serde(default)]
    pub absent: bool,
    /// The test is of the value assigned to this name at the module's top
    /// level instead (`CORS_ALLOW_CREDENTIALS` beside
    /// `CORS_ALLOW_ALL_ORIGINS` in a settings module); the last
    /// assignment counts.
    #[serde(default)]
    pub assigned: Option<String>,
    /// The fact's value when this condition is the one met; `{}` stands
    /// for the value's text. None given here or on the entry, the fact has
    /// no value: a value met is never copied unasked (it may be a key).
    #[serde(default)]
    pub value: Option<String>,
}

/// A constant in a catalogue entry.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Literal {
    Bool(bool),
    Int(i64),
    Str(String),
}

impl ArgCondition {
    /// Whether a string constant matches one of `like`.
    pub fn like_matches(&self, s: &str) -> bool {
        let s = s.to_ascii_lowercase();
        self.like.iter().any(|p| {
            let p = p.to_ascii_lowercase();
            match (p.strip_prefix('*'), p.strip_suffix('*')) {
                (Some(rest), _) if rest.ends_with('*') => s.contains(&rest[..rest.len() - 1]),
                (Some(rest), _) => s.ends_with(rest),
                (None, Some(head)) => s.starts_with(head),
                (None, None) => s == p,
            }
        })
    }

    /// Whether the condition tests anything of the value.
    pub fn tests(&self) -> bool {
        self.is.is_some()
            || !self.like.is_empty()
            || self.nonempty
            || self.bits.is_some()
            || !self.holds.is_empty()
            || !self.names.is_empty()
            || self.absent
    }
}

/// Argument places: positions, keywords, and properties of an options
/// object passed (`{ url: … }`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgPlaces {
    #[serde(default)]
    pub args: Vec<u32>,
    #[serde(default)]
    pub keywords: Vec<String>,
}

impl ArgPlaces {
    pub fn is_empty(&self) -> bool {
        self.args.is_empty() && self.keywords.is_empty()
    }
}

/// A kind chosen by a constant's value: the text before `://` (and
/// before a `+` driver suffix, `postgresql+psycopg2`), any case, compared
/// with each kind's values.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindBy {
    #[serde(flatten)]
    pub at: ArgPlaces,
    /// Kind → the values that name it.
    pub values: std::collections::BTreeMap<String, Vec<String>>,
}

/// What a language's calls to components say by their arguments: the
/// keywords (or options-object properties) that set a model, a token
/// limit, tools, streaming and a timeout. Shared by every `[[component]]`
/// entry of the language.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentArgs {
    #[serde(default)]
    pub model: Vec<String>,
    #[serde(default)]
    pub max_tokens: Vec<String>,
    #[serde(default)]
    pub tools: Vec<String>,
    /// Methods binding tools to a model (`llm.bind_tools(tools)`): the
    /// object they return offers tools.
    #[serde(default)]
    pub tools_methods: Vec<String>,
    #[serde(default)]
    pub stream: Vec<String>,
    #[serde(default)]
    pub timeout: Vec<String>,
    /// Where an address may be given to a client's constructor
    /// (`base_url`, `baseURL`), for the calls made on it.
    #[serde(default)]
    pub address: Vec<String>,
    /// Properties of an object literal passed to the call count as its
    /// keywords (`axios.get(url, { timeout: 5000 })`).
    #[serde(default)]
    pub options_objects: bool,
    /// Calls joining path parts (`path.join`, `os.path.join`): a
    /// `[[setting]]` condition reads one as its parts joined with `/`, a
    /// call among them given nothing as its resolved name and `()`
    /// (`os.tmpdir()/report.csv`).
    #[serde(default)]
    pub path_joins: Vec<String>,
}

impl FlowSpecFile {
    /// Whether a `[[component]]` entry could match a call of resolved
    /// `path` whose last name (its method, or its path's last segment) is
    /// `last`: the engine records only those calls. Read from the index
    /// [`FlowSpec::add`] builds.
    /// The setting kinds the built-in `[[setting]]` entries find whole:
    /// the new core makes every fact of these kinds in the language (a
    /// team's entry of another kind adds to the old extractor's facts).
    pub fn owned_settings(&self) -> &std::collections::BTreeSet<String> {
        &self.owned_settings
    }

    /// The setting kinds the `[[setting]]` entries find.
    pub fn setting_kinds(&self) -> std::collections::BTreeSet<&str> {
        self.components
            .iter()
            .filter(|c| c.subject == "setting")
            .filter_map(|c| c.kind.as_deref())
            .collect()
    }

    /// Whether a call of `path` (last name `last`) may be a component or
    /// a setting, by its names; see also [`FlowSpecFile::watches_keyword`].
    pub fn watches(&self, path: &str, last: &str) -> bool {
        let ix = &self.component_index;
        ix.by_last.contains_key(last)
            || ix.any.iter().any(|&i| {
                self.components
                    .get(i as usize)
                    .is_some_and(|c| c.contains.iter().any(|t| path.contains(t.as_str())))
            })
    }

    /// Whether a call given keyword `k` may be a setting of any callee
    /// (`verify=False`), whatever its names.
    pub fn watches_keyword(&self, k: &str) -> bool {
        self.component_index.open_keywords.contains(k)
    }

    fn index_components(&mut self) {
        let mut ix = ComponentIndex::default();
        for (i, c) in self.components.iter().enumerate() {
            let i = i as u32;
            if c.callees.is_empty() && c.methods.is_empty() && !c.contains.is_empty() {
                ix.any.push(i);
            }
            for n in c.callees.iter().chain(&c.methods) {
                let last = n.rsplit('.').next().unwrap_or(n);
                if last == "*" {
                    // Any callee, or any of a module (`aiohttp.*`): told
                    // apart by the keywords its conditions name.
                    if ix.open.last() != Some(&i) {
                        ix.open.push(i);
                    }
                    ix.open_keywords
                        .extend(c.when.iter().flat_map(|w| w.keywords.iter().cloned()));
                    continue;
                }
                let list = ix.by_last.entry(last.to_string()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        self.component_index = ix;
    }

    /// The `[[component]]` entries a call's resolved `path` passes (names,
    /// `contains`, `except`, `receivers`), in file order; `imports` and
    /// `on_function` are for the caller, which knows the module.
    pub fn components_for<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a ComponentSpec> {
        let last = path.rsplit('.').next().unwrap_or(path);
        let ix = &self.component_index;
        let mut candidates: Vec<u32> = ix.by_last.get(last).cloned().unwrap_or_default();
        candidates.extend(&ix.any);
        candidates.extend(&ix.open);
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .filter_map(|i| self.components.get(i as usize))
            .filter(move |c| {
                if c.except.iter().any(|x| name_matches(x, path)) {
                    return false;
                }
                if !c.contains.is_empty() && !c.contains.iter().any(|x| path.contains(x.as_str())) {
                    return false;
                }
                let by_callee = c.callees.iter().any(|x| name_matches(x, path));
                // A method under `within`; with `direct`, called on the client
                // itself, not on what a call returned (`client.get(url)`, not
                // `client.get(url).json().get("data")`).
                let under = |w: &String| {
                    path.strip_prefix(w.as_str()).is_some_and(|rest| {
                        !c.direct || !rest.rsplit_once('.').is_some_and(|(r, _)| r.contains("()"))
                    })
                };
                let by_method = (c.methods.iter().any(|m| m == last)
                    || (c.methods.is_empty() && c.callees.is_empty() && !c.contains.is_empty()))
                    && (c.within.is_empty() || c.within.iter().any(under));
                if !(by_callee || by_method) {
                    return false;
                }
                c.receivers.is_empty() || {
                    let recv = path
                        .rsplit_once('.')
                        .map_or("", |(r, _)| r)
                        .to_ascii_lowercase();
                    c.receivers
                        .iter()
                        .any(|w| recv.contains(&w.to_ascii_lowercase()))
                }
            })
    }
}

/// One flow spec file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowSpecFile {
    /// `python` or `javascript` (covers TypeScript).
    pub language: String,
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceSpec>,
    #[serde(default, rename = "sink")]
    pub sinks: Vec<SinkSpec>,
    #[serde(default, rename = "sanitizer")]
    pub sanitizers: Vec<SanitizerSpec>,
    #[serde(default, rename = "propagator")]
    pub propagators: Vec<PropagatorSpec>,
    #[serde(default, rename = "guard")]
    pub guards: Vec<GuardSpec>,
    #[serde(default, rename = "exit")]
    pub exits: Vec<ExitSpec>,
    #[serde(default, rename = "invoke")]
    pub invokes: Vec<InvokeSpec>,
    #[serde(default, rename = "resolver")]
    pub resolvers: Vec<ResolverSpec>,
    #[serde(default, rename = "response_type")]
    pub response_types: Vec<ResponseTypeSpec>,
    #[serde(default)]
    pub containers: ContainerSpec,
    /// The `[[component]]` entries, then the `[[setting]]` entries (each
    /// with subject `setting`): one index and one matching for both.
    #[serde(default, rename = "component")]
    pub components: Vec<ComponentSpec>,
    /// `[[setting]]`: a call that sets or uses something insecurely
    /// (`verify=False`, `algorithms=["none"]`, `DES.new`). Read into
    /// `components` when the file is added.
    #[serde(default, rename = "setting")]
    settings: Vec<ComponentSpec>,
    /// See [`FlowSpecFile::owned_settings`].
    #[serde(skip)]
    owned_settings: std::collections::BTreeSet<String>,
    /// Vocabularies of purpose, by name (`hash`, `random`): the words
    /// (of the data a call is given, when `data` says so; the names of
    /// the calls its value passes through; the name it is given, and,
    /// when it is given none, the enclosing function's name) that say
    /// what a value is for. A word counts when it is one of them or one
    /// of them with an `s`.
    #[serde(default)]
    pub purposes: std::collections::BTreeMap<String, Purposes>,
    #[serde(default)]
    pub component_args: ComponentArgs,
    /// The `[[component]]` entries by the last name of their callees and
    /// methods, and those matching any method (`contains` alone): built
    /// when a file is added, so a call looks at its candidates only.
    #[serde(skip)]
    component_index: ComponentIndex,
}

/// A vocabulary of purposes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Purposes {
    /// The data the call is given says it too (what a hash is of; not
    /// the range a random number is drawn from).
    #[serde(default)]
    pub data: bool,
    /// The purposes, first first.
    pub contexts: Vec<Purpose>,
}

/// One purpose of a vocabulary: its context and the words that say it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Purpose {
    pub context: String,
    pub words: Vec<String>,
}

impl FlowSpecFile {
    /// The context of the first purpose of vocabulary `name` one of
    /// `words` says (lowercase words).
    pub fn purpose_of<'a>(&'a self, name: &str, words: &[String]) -> Option<&'a str> {
        self.purposes.get(name)?.contexts.iter().find_map(|p| {
            words
                .iter()
                .any(|w| {
                    p.words
                        .iter()
                        .any(|k| w == k || w.strip_suffix('s') == Some(k.as_str()))
                })
                .then_some(p.context.as_str())
        })
    }
}

/// The `[[component]]` and `[[setting]]` entries by what a call must be
/// for them to apply.
#[derive(Debug, Clone, Default)]
struct ComponentIndex {
    /// By the last name of their callees and methods.
    by_last: std::collections::BTreeMap<String, Vec<u32>>,
    /// Matching any method whose path holds their `contains` text.
    any: Vec<u32>,
    /// Of any callee (`*`) or any of a module (`aiohttp.*`).
    open: Vec<u32>,
    /// The keywords the conditions of the `open` entries name: a call
    /// given none of them is none of theirs.
    open_keywords: std::collections::BTreeSet<String>,
}

/// The flow specs of every language, built-in plus the repository's own.
#[derive(Debug, Clone, Default)]
pub struct FlowSpec {
    pub python: FlowSpecFile,
    pub javascript: FlowSpecFile,
}

/// The embedded spec files: (origin, text).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "rules/flow/python.toml",
        include_str!("../../../rules/flow/python.toml"),
    ),
    (
        "rules/flow/javascript.toml",
        include_str!("../../../rules/flow/javascript.toml"),
    ),
];

impl FlowSpec {
    /// The embedded specs.
    pub fn builtin() -> FlowSpec {
        let mut spec = FlowSpec::default();
        for (name, text) in BUILTIN {
            spec.add(name, text)
                .unwrap_or_else(|e| panic!("built-in flow spec is invalid: {e}"));
        }
        for file in [&mut spec.python, &mut spec.javascript] {
            file.owned_settings = file.setting_kinds().into_iter().map(String::from).collect();
        }
        spec
    }

    /// Merge one more spec file (a team's own). The error names the file
    /// and says what is wrong.
    pub fn add(&mut self, name: &str, text: &str) -> Result<(), String> {
        let file: FlowSpecFile = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
        let sink_kinds = SINK_KINDS;
        for s in &file.sinks {
            if !sink_kinds.contains(&s.kind.as_str()) {
                return Err(format!(
                    "{name}: sink kind `{}` is not one of: {}",
                    s.kind,
                    sink_kinds.join(", ")
                ));
            }
            if s.callees.is_empty() && s.methods.is_empty() && s.stores.is_empty() {
                return Err(format!(
                    "{name}: a sink of kind `{}` names no callees, no methods and no stores",
                    s.kind
                ));
            }
        }
        for g in &file.guards {
            for k in &g.protects {
                if k != "*" && !sink_kinds.contains(&k.as_str()) {
                    return Err(format!(
                        "{name}: guard protects `{k}`, which is not one of: *, {}",
                        sink_kinds.join(", ")
                    ));
                }
            }
            let calls = !g.callees.is_empty() || !g.methods.is_empty();
            let complete = match g.kind {
                GuardKind::Allowlist => true,
                GuardKind::Regex | GuardKind::Coerce | GuardKind::Validator => calls,
                GuardKind::Path => {
                    (!g.methods.is_empty() && !g.normalisers.is_empty()) || !g.substrings.is_empty()
                }
                GuardKind::Host => !g.parsers.is_empty() && !g.host_fields.is_empty(),
            };
            if !complete {
                return Err(format!(
                    "{name}: a guard of kind `{:?}` lacks what it checks (callees or methods; \
                     a path guard methods with normalisers, or substrings; a host guard \
                     parsers and host_fields)",
                    g.kind
                ));
            }
        }
        for c in &file.components {
            if !COMPONENT_SUBJECTS.contains(&c.subject.as_str()) {
                return Err(format!(
                    "{name}: component subject `{}` is not one of: {}",
                    c.subject,
                    COMPONENT_SUBJECTS.join(", ")
                ));
            }
            if c.callees.is_empty()
                && c.methods.is_empty()
                && c.decorators.is_empty()
                && c.bases.is_empty()
                && c.contains.is_empty()
            {
                return Err(format!(
                    "{name}: a component of library `{}` names no callees, methods, decorators or bases",
                    c.library
                ));
            }
            if c.kind.is_none() && c.kind_by.is_none() {
                return Err(format!(
                    "{name}: a component of library `{}` has neither a kind nor a kind_by",
                    c.library
                ));
            }
            if c.library.is_empty() {
                return Err(format!(
                    "{name}: a component of subject `{}` names no library",
                    c.subject
                ));
            }
            if !c.when.is_empty()
                || !c.requires.is_empty()
                || !c.unless.is_empty()
                || c.shown_as.is_some()
                || c.context.is_some()
                || c.value.is_some()
                || !c.assigns.is_empty()
                || !c.files.is_empty()
                || c.in_classes
                || !c.except_classes.is_empty()
                || !c.entries.is_empty()
                || !c.uses.is_empty()
                || c.purpose.is_some()
            {
                return Err(format!(
                    "{name}: `when`, `requires`, `unless`, `value`, `shown_as`, `context`, \
                     `purpose`, `assigns`, `entries`, `uses`, `files`, `in_classes` and \
                     `except_classes` are for a [[setting]], not a component of library `{}`",
                    c.library
                ));
            }
            if c.callees.iter().chain(&c.methods).any(|n| n.ends_with('*')) {
                return Err(format!(
                    "{name}: a component of library `{}` names a callee or method ending in `*`: \
                     only a [[setting]] may match any callee, by the keywords it is given",
                    c.library
                ));
            }
        }
        let mut file = file;
        for st in &mut file.settings {
            if !st.subject.is_empty() && st.subject != "setting" {
                return Err(format!(
                    "{name}: a [[setting]] has subject `{}`: leave it out",
                    st.subject
                ));
            }
            st.subject = "setting".into();
            let Some(kind) = &st.kind else {
                return Err(format!("{name}: a [[setting]] names no kind"));
            };
            let calls = !(st.callees.is_empty() && st.methods.is_empty() && st.contains.is_empty());
            let made_by = [
                calls,
                !st.assigns.is_empty(),
                !st.entries.is_empty(),
                !st.uses.is_empty(),
            ];
            match made_by.iter().filter(|m| **m).count() {
                1 => {}
                0 => {
                    return Err(format!(
                        "{name}: the [[setting]] of kind `{kind}` names no callees or methods, \
                         no assignment targets (assigns), no entries and no uses"
                    ));
                }
                _ => {
                    return Err(format!(
                        "{name}: the [[setting]] of kind `{kind}` names more than one of calls, \
                         assignment targets (assigns), entries and uses: make one entry for each"
                    ));
                }
            }
            // A condition tests what the call is given (at its args or
            // keywords), or what is written, or (with `assigned`) another
            // module-level name's value.
            let placed = |c: &ArgCondition| !(c.args.is_empty() && c.keywords.is_empty());
            if let Some(c) = st
                .when
                .iter()
                .chain(&st.requires)
                .chain(&st.unless)
                .find(|c| {
                    !c.tests()
                        || if c.assigned.is_some() {
                            placed(c) || c.absent
                        } else {
                            placed(c) != calls || (c.absent && !calls)
                        }
                })
            {
                return Err(format!(
                    "{name}: a condition of the [[setting]] of kind `{kind}` {}",
                    if !c.tests() {
                        "tests nothing (give is, like, nonempty, bits, holds, names or absent)"
                    } else if c.assigned.is_some() {
                        "tests the value assigned to a name: it names no args or keywords, and \
                         is not `absent`"
                    } else if calls {
                        "names no args or keywords"
                    } else if c.absent {
                        "is `absent`, but a value is written"
                    } else {
                        "names args or keywords, but it tests the value written"
                    }
                ));
            }
            if st.purpose.is_some() && !calls {
                return Err(format!(
                    "{name}: the [[setting]] of kind `{kind}` has a purpose: only a call's \
                     setting may (its value's names are read)"
                ));
            }
            let open = st
                .callees
                .iter()
                .chain(&st.methods)
                .any(|n| n.ends_with('*'));
            if open
                && (st.when.is_empty()
                    || st
                        .when
                        .iter()
                        .any(|c| c.keywords.is_empty() || !c.args.is_empty() || c.absent))
            {
                return Err(format!(
                    "{name}: the [[setting]] of kind `{kind}` matches any callee (`*`): \
                     each of its `when` conditions must name keywords given (no args, not \
                     `absent`), so that only calls given one are looked at"
                ));
            }
        }
        let settings = std::mem::take(&mut file.settings);
        file.components.extend(settings);
        let target = match file.language.as_str() {
            "python" => &mut self.python,
            "javascript" | "typescript" => &mut self.javascript,
            other => {
                return Err(format!(
                    "{name}: language `{other}` is not python or javascript"
                ));
            }
        };
        if let Some((st, p)) = file.components.iter().find_map(|c| {
            c.purpose
                .as_ref()
                .filter(|p| !target.purposes.contains_key(*p) && !file.purposes.contains_key(*p))
                .map(|p| (c, p))
        }) {
            return Err(format!(
                "{name}: the [[setting]] of kind `{}` names purpose `{p}`, which no [purposes] \
                 table defines (defined: {})",
                st.kind.as_deref().unwrap_or(""),
                target
                    .purposes
                    .keys()
                    .chain(file.purposes.keys())
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        for (k, v) in file.purposes {
            let p = target.purposes.entry(k).or_default();
            p.data |= v.data;
            p.contexts.extend(v.contexts);
        }
        target.language = file.language.clone();
        target.sources.extend(file.sources);
        target.sinks.extend(file.sinks);
        target.sanitizers.extend(file.sanitizers);
        target.propagators.extend(file.propagators);
        target.guards.extend(file.guards);
        target.exits.extend(file.exits);
        target.invokes.extend(file.invokes);
        target.resolvers.extend(file.resolvers);
        target.response_types.extend(file.response_types);
        target.components.extend(file.components);
        let (a, new) = (&mut target.component_args, file.component_args);
        a.model.extend(new.model);
        a.max_tokens.extend(new.max_tokens);
        a.tools.extend(new.tools);
        a.tools_methods.extend(new.tools_methods);
        a.stream.extend(new.stream);
        a.timeout.extend(new.timeout);
        a.address.extend(new.address);
        a.options_objects |= new.options_objects;
        a.path_joins.extend(new.path_joins);
        target.index_components();
        let (c, new) = (&mut target.containers, file.containers);
        c.append.extend(new.append);
        c.pop.extend(new.pop);
        c.shift.extend(new.shift);
        c.get.extend(new.get);
        c.update.extend(new.update);
        c.constructors.extend(new.constructors);
        Ok(())
    }

    /// The spec file of a language (`typescript` reads JavaScript's).
    pub fn for_language(&self, lang: &str) -> Option<&FlowSpecFile> {
        match lang {
            "python" => Some(&self.python),
            "javascript" | "typescript" | "tsx" => Some(&self.javascript),
            _ => None,
        }
    }
}

impl FlowSpecFile {
    /// The sinks a resolved callee or method name matches.
    pub fn sinks_for<'a>(
        &'a self,
        callee: Option<&str>,
        method: Option<&str>,
    ) -> impl Iterator<Item = &'a SinkSpec> {
        let callee = callee.map(str::to_string);
        let method = method.map(str::to_string);
        self.sinks.iter().filter(move |s| {
            !s.new_core
                && (callee
                    .as_deref()
                    .is_some_and(|c| s.callees.iter().any(|x| x == c))
                    || method
                        .as_deref()
                        .is_some_and(|m| s.methods.iter().any(|x| x == m)))
        })
    }

    /// The source kind of a resolved dotted path, if it is (under) a source.
    pub fn source_for_path(&self, path: &str) -> Option<&SourceSpec> {
        self.sources.iter().filter(|s| !s.new_core).find(|s| {
            s.names.iter().any(|n| {
                path == n
                    || (path.starts_with(n.as_str())
                        && path[n.len()..].starts_with(['.', '[', '(']))
            })
        })
    }

    /// The source kind of a method call's result.
    pub fn source_for_method(&self, method: &str) -> Option<&SourceSpec> {
        self.sources
            .iter()
            .filter(|s| !s.new_core)
            .find(|s| s.methods.iter().any(|m| m == method))
    }

    /// The sink kinds a call sanitises, if it is a sanitiser.
    pub fn sanitizes(&self, callee: Option<&str>, method: Option<&str>) -> Option<&[String]> {
        self.sanitizers
            .iter()
            .find(|s| {
                callee.is_some_and(|c| s.callees.iter().any(|x| x == c))
                    || method.is_some_and(|m| s.methods.iter().any(|x| x == m))
            })
            .map(|s| s.kinds.as_slice())
    }

    /// Whether a call passes the taint of its inputs to its result.
    pub fn propagates(&self, callee: Option<&str>, method: Option<&str>) -> bool {
        self.propagators.iter().any(|s| {
            callee.is_some_and(|c| s.callees.iter().any(|x| x == c))
                || method.is_some_and(|m| s.methods.iter().any(|x| x == m))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_pattern_covers_the_module_and_what_its_calls_return() {
        assert!(name_matches("jsx.*", "jsx.div"));
        assert!(!name_matches("jsx.*", "jsx"));
        assert!(name_matches(
            "sqlalchemy.update.*",
            "sqlalchemy.update().where().values"
        ));
        assert!(name_matches(
            "sqlalchemy.update.*",
            "sqlalchemy.update.values"
        ));
        assert!(!name_matches("sqlalchemy.update.*", "sqlalchemy.update()"));
        assert!(!name_matches(
            "sqlalchemy.update.*",
            "sqlalchemy.updated().x"
        ));
        assert!(name_matches("*.execute", "db.session.execute"));
        assert!(!name_matches("*.execute", "db.session.reexecute"));
    }

    #[test]
    fn a_component_method_on_a_response_is_not_the_client_s() {
        let mut spec = FlowSpec::default();
        spec.add(
            "c.toml",
            "language = \"python\"\n[[component]]\nsubject = \"outbound\"\nkind = \"http\"\nlibrary = \"httpx\"\nmethods = [\"get\"]\nwithin = [\"httpx.Client().\"]\ndirect = true\n",
        )
        .unwrap();
        let hits = |p: &str| spec.python.components_for(p).count();
        assert_eq!(hits("httpx.Client().get"), 1);
        assert_eq!(hits("httpx.Client().get().json().get"), 0);
        assert_eq!(hits("other.Client().get"), 0);
    }

    #[test]
    fn builtin_specs_load() {
        let spec = FlowSpec::builtin();
        assert!(!spec.python.sinks.is_empty());
        assert!(!spec.javascript.sinks.is_empty());
    }

    #[test]
    fn bad_spec_is_a_clear_error() {
        let mut spec = FlowSpec::default();
        let err = spec
            .add(
                "team.toml",
                "language = \"python\"\n[[sink]]\nkind = \"sqll\"\ncallees = [\"db.q\"]\n",
            )
            .unwrap_err();
        assert!(err.contains("sink kind `sqll`"), "{err}");
        let err = spec
            .add(
                "team.toml",
                "language = \"python\"\n[[sink]]\nkind = \"sql\"\ncalees = [\"db.q\"]\n",
            )
            .unwrap_err();
        assert!(err.contains("calees"), "{err}");
    }

    #[test]
    fn a_spec_without_guards_or_exits_still_loads() {
        let mut spec = FlowSpec::default();
        spec.add(
            "old.toml",
            "language = \"python\"\n[[sink]]\nkind = \"sql\"\nmethods = [\"execute\"]\n",
        )
        .unwrap();
        assert!(spec.python.guards.is_empty() && spec.python.exits.is_empty());
    }

    #[test]
    fn guards_and_exits_load_and_are_checked() {
        let spec = FlowSpec::builtin();
        let py = spec.for_language("python").unwrap();
        assert!(py.guards.iter().any(|g| g.kind == GuardKind::Host
            && g.parsers.iter().any(|p| p == "urllib.parse.urlparse")
            && g.protects.iter().any(|k| k == "ssrf")));
        assert!(
            py.exits
                .iter()
                .any(|e| e.callees.iter().any(|c| c == "flask.abort"))
        );
        assert!(
            spec.for_language("typescript")
                .unwrap()
                .guards
                .iter()
                .any(|g| g.kind == GuardKind::Regex)
        );
        assert!(py.containers.constructors.iter().any(|c| c == "__init__"));
        let js = spec.for_language("javascript").unwrap();
        assert!(js.containers.append.iter().any(|c| c == "push"));
        let mut spec = FlowSpec::default();
        let err = spec
            .add(
                "team.toml",
                "language = \"python\"\n[[guard]]\nkind = \"regex\"\ncallees = [\"v.ok\"]\nprotects = [\"sqll\"]\n",
            )
            .unwrap_err();
        assert!(err.contains("guard protects `sqll`"), "{err}");
        let err = spec
            .add(
                "team.toml",
                "language = \"python\"\n[[guard]]\nkind = \"lenght\"\nprotects = [\"*\"]\n",
            )
            .unwrap_err();
        assert!(err.contains("lenght"), "{err}");
    }

    #[test]
    fn star_patterns_match_on_segment_boundaries() {
        assert!(name_matches(
            "*.chat.completions.create",
            "openai.OpenAI().chat.completions.create"
        ));
        assert!(!name_matches(
            "*.chat.completions.create",
            "xchat.completions.create"
        ));
        assert!(source_matches(
            "flask.request.args",
            "flask.request.args.get()"
        ));
        assert!(!source_matches("flask.request.args", "flask.request.argsx"));
        assert!(source_matches(
            "*.chat.completions.create()",
            "openai.OpenAI().chat.completions.create().choices[]"
        ));
    }
}
