//! tree-sitter grammars and bounded parsing.
//!
//! Grammars are looked up by [`bw_files::Lang`]; parsing is bounded in time
//! (a progress callback abandons a parse that runs past its budget) so one
//! pathological file cannot stall a scan, and in memory (when the program
//! counts allocations, see [`alloc`]). Trees are meant to be short-lived:
//! extractors pull facts out and drop them.

pub mod alloc;

use bw_files::Lang;
use std::cell::Cell;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};
use tree_sitter::{Language, Node, ParseOptions, Parser, Tree};

/// Default time budget for parsing one file.
pub const DEFAULT_PARSE_BUDGET: Duration = Duration::from_secs(5);

/// The tree-sitter grammar for a language, if it has one.
pub fn grammar(lang: Lang) -> Option<Language> {
    Some(match lang {
        Lang::Python => tree_sitter_python::LANGUAGE.into(),
        Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        Lang::Dockerfile => tree_sitter_containerfile::LANGUAGE.into(),
        _ => return None,
    })
}

/// Why a parse produced no tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    NoGrammar,
    /// Past the time budget (`millis` is the whole budget).
    Timeout {
        millis: u64,
    },
    Failed,
    /// Past the memory budget: the thread held more than `limit` bytes
    /// over what it held when the file's analysis began.
    Memory {
        limit: u64,
    },
}

/// A point in the current thread's CPU time. A file's time budget counts
/// the work done on the file, not how busy the machine is: the same file
/// stops at the same place whatever else runs beside it (a loaded CI
/// machine, the other scans of a test suite). Checked where the work is
/// done, on the thread that does it.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    /// Until then no thread can have spent the budget (its CPU time grows
    /// no faster than the clock), so nothing dearer is read.
    wall: Instant,
    budget: Duration,
    /// The thread the budget started on, and its CPU time then.
    thread: std::thread::ThreadId,
    start: Duration,
}

impl Deadline {
    /// `budget` of this thread's CPU time from now.
    pub fn after(budget: Duration) -> Deadline {
        Deadline {
            wall: Instant::now() + budget,
            budget,
            thread: std::thread::current().id(),
            start: thread_cpu(),
        }
    }

    /// The work has spent the budget. Checked on the thread the budget
    /// started on, that is its CPU time since; on another (a thread with
    /// a bigger stack started for this file's walk, see
    /// [`with_walk_stack`]), all of that thread's. Reading a CPU clock is
    /// a system call (about 2 µs here, against tens of nanoseconds for
    /// the wall clock): it is read only once the wall clock is past the
    /// budget, which an idle machine reaches only when the work truly is.
    pub fn passed(&self) -> bool {
        if Instant::now() < self.wall {
            return false;
        }
        let now = thread_cpu();
        let spent = if std::thread::current().id() == self.thread {
            now.saturating_sub(self.start)
        } else {
            now
        };
        spent >= self.budget
    }
}

/// The CPU time the current thread has used (wall-clock time since the
/// process's first call where the system cannot say).
pub fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `clock_gettime` writes only into the `timespec` it is given,
    // which lives for the call.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if r == 0 {
        Duration::new(
            ts.tv_sec.max(0) as u64,
            ts.tv_nsec.clamp(0, 999_999_999) as u32,
        )
    } else {
        static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
        START.get_or_init(Instant::now).elapsed()
    }
}

/// What one file's parse may use.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Give up once the thread has spent this much CPU time.
    pub deadline: Deadline,
    /// The whole time budget the deadline comes from (for the error).
    pub budget: Duration,
    /// Give up when the thread's [`alloc::live_bytes`] exceed
    /// `base + limit`: `(base, limit)`. Ignored when allocations are not
    /// counted.
    pub memory: Option<(isize, u64)>,
}

impl Limits {
    /// A time budget from now, no memory budget.
    pub fn time(budget: Duration) -> Limits {
        Limits {
            deadline: Deadline::after(budget),
            budget,
            memory: None,
        }
    }

    /// The memory budget is spent (false when allocations are not counted).
    pub fn over_memory(&self) -> bool {
        match (self.memory, alloc::live_bytes()) {
            (Some((base, limit)), Some(now)) => now.saturating_sub(base) > limit as isize,
            _ => false,
        }
    }
}

/// Stack the walks over syntax trees need (extraction, lowering):
/// recursion is bounded, but a few hundred nested frames need more than a default 2 MiB thread in
/// unoptimised builds.
pub const WALK_STACK: usize = 64 << 20;

thread_local! {
    static THREAD_STACK: Cell<usize> = const { Cell::new(0) };
}

/// Declare that the current thread was started with `bytes` of stack, so
/// walks run on it directly instead of on a fresh thread per file
/// (the engine's workers do this; a thread spawn per file costs more
/// than parsing a small file).
pub fn declare_thread_stack(bytes: usize) {
    THREAD_STACK.with(|s| s.set(bytes));
}

/// Run `f` on a thread with [`WALK_STACK`] of stack: this one when it was
/// declared big enough, else a scoped thread (`fallback` if none can be
/// started).
pub fn with_walk_stack<T: Send>(f: impl FnOnce() -> T + Send, fallback: impl FnOnce() -> T) -> T {
    if THREAD_STACK.with(|s| s.get()) >= WALK_STACK {
        return f();
    }
    std::thread::scope(|s| {
        match std::thread::Builder::new()
            .stack_size(WALK_STACK)
            .spawn_scoped(s, || {
                declare_thread_stack(WALK_STACK);
                f()
            }) {
            Ok(h) => h.join().unwrap_or_else(|_| fallback()),
            Err(_) => fallback(),
        }
    })
}

/// How many consecutive comment-only lines of Python [`python_text`] keeps.
pub const PYTHON_COMMENT_RUN: usize = 64;

/// The text the Python grammar is given: `text` with every comment-only
/// line past the first [`PYTHON_COMMENT_RUN`] of a run of them turned into
/// spaces (newlines and every byte offset kept, so nodes point at the
/// file's own lines and columns).
///
/// tree-sitter-python's scanner looks past all the comment lines that
/// follow a newline to find the next line's indentation, once per line, so
/// a run of N comment lines costs N² — 20,000 of them outlast a 10 s
/// budget. A comment is nothing the analysis reads (evidence leaves
/// comments out; inline ignores and secrets are read from the file's own
/// text), so what the grammar does not see changes no fact. A line inside
/// a triple-quoted string that starts with `#` is taken for a comment too:
/// only past 64 such lines in a row does the string lose them.
pub fn python_text(text: &str) -> std::borrow::Cow<'_, str> {
    let comment_only = |line: &str| {
        line.trim_start_matches([' ', '\t', '\x0c'])
            .starts_with('#')
    };
    let mut run = 0usize;
    let mut cut: Vec<(usize, usize)> = vec![];
    let mut at = 0usize;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if comment_only(body) {
            run += 1;
            if run > PYTHON_COMMENT_RUN {
                cut.push((at, at + body.len()));
            }
        } else {
            run = 0;
        }
        at += line.len();
    }
    if cut.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    for (a, b) in cut {
        bytes[a..b].fill(b' ');
    }
    // Whole lines of any bytes became ASCII spaces: still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|_| text.to_string()))
}

/// Parse `text` as `lang`, giving up after `budget`.
///
/// Trees with error nodes are returned as they are: extractors work on
/// partial trees (modern syntax some grammars do not know yet).
pub fn parse(lang: Lang, text: &str, budget: Duration) -> Result<Tree, ParseError> {
    parse_within(lang, text, &Limits::time(budget))
}

/// Parse `text` as `lang` within `limits` (time, and memory when counted).
pub fn parse_within(lang: Lang, text: &str, limits: &Limits) -> Result<Tree, ParseError> {
    let language = grammar(lang).ok_or(ParseError::NoGrammar)?;
    let mut parser = Parser::new();
    parser
        .set_language(&language)
        .map_err(|_| ParseError::Failed)?;
    let mut stopped: Option<ParseError> = None;
    let mut progress = |_: &tree_sitter::ParseState| {
        if limits.deadline.passed() {
            stopped = Some(ParseError::Timeout {
                millis: limits.budget.as_millis() as u64,
            });
            ControlFlow::Break(())
        } else if limits.over_memory() {
            stopped = Some(ParseError::Memory {
                limit: limits.memory.map_or(0, |(_, l)| l),
            });
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let bytes = text.as_bytes();
    let mut read = |offset: usize, _: tree_sitter::Point| -> &[u8] {
        if offset < bytes.len() {
            &bytes[offset..]
        } else {
            &[]
        }
    };
    let tree = parser.parse_with_options(
        &mut read,
        None,
        Some(ParseOptions::new().progress_callback(&mut progress)),
    );
    match (tree, stopped) {
        (Some(t), _) => Ok(t),
        (None, Some(e)) => Err(e),
        (None, None) => Err(ParseError::Failed),
    }
}

/// The text of a node.
pub fn text<'a>(node: Node<'_>, src: &'a str) -> &'a str {
    src.get(node.byte_range()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_counts_the_threads_own_work_not_waiting() {
        assert!(Deadline::after(Duration::ZERO).passed());
        let far = Deadline::after(Duration::from_secs(3600));
        assert!(!far.passed());
        // Waiting spends no CPU time: a thread blocked (as one starved by
        // a loaded machine is, off the processor) keeps its budget.
        let before = thread_cpu();
        std::thread::sleep(Duration::from_millis(300));
        assert!(thread_cpu() - before < Duration::from_millis(150));
        // Work does spend it.
        let before = thread_cpu();
        let mut x = 0u64;
        while thread_cpu() - before < Duration::from_millis(20) {
            x = x.wrapping_add(std::hint::black_box(1));
        }
        assert!(x > 0);
        // On a thread started for the work (a walk's bigger stack), that
        // thread's own time counts.
        let (zero, far) = (
            Deadline::after(Duration::ZERO),
            Deadline::after(Duration::from_secs(3600)),
        );
        std::thread::scope(|s| {
            s.spawn(|| {
                assert!(zero.passed());
                assert!(!far.passed());
            });
        });
    }

    #[test]
    fn parses_each_grammar() {
        for (lang, src) in [
            (Lang::Python, "def f(x):\n    return x\n"),
            (Lang::JavaScript, "function f(x) { return x }\n"),
            (
                Lang::TypeScript,
                "function f(x: number): number { return x }\n",
            ),
            (Lang::Tsx, "const A = () => <div/>;\n"),
            (Lang::Dockerfile, "FROM python:3.12\nUSER app\n"),
        ] {
            let tree = parse(lang, src, DEFAULT_PARSE_BUDGET).unwrap();
            assert!(!tree.root_node().has_error(), "{lang:?}");
        }
    }

    #[test]
    fn grammars_are_told_apart_by_the_field_cache() {
        let langs = [
            Lang::Python,
            Lang::JavaScript,
            Lang::TypeScript,
            Lang::Tsx,
            Lang::Dockerfile,
        ];
        let keys: std::collections::BTreeSet<usize> = langs
            .iter()
            .map(|l| grammar_key(&grammar(*l).unwrap()))
            .collect();
        assert_eq!(keys.len(), langs.len());
    }

    #[test]
    fn a_grammar_keeps_its_key() {
        for l in [Lang::Python, Lang::TypeScript] {
            assert_eq!(
                grammar_key(&grammar(l).unwrap()),
                grammar_key(&grammar(l).unwrap())
            );
            assert_ne!(grammar_key(&grammar(l).unwrap()), 0);
        }
    }

    #[test]
    fn node_kinds_match_tree_sitter() {
        use super::KindExt;
        for (lang, src) in [
            (
                Lang::Python,
                "import os\n@app.get('/x')\nasync def f(a: int = 1, *b, **c):\n    x = [i for i in a if i]\n    return f'{x!r}' + os.system(x)\nclass A(B):\n    def g(self): yield from h()\n",
            ),
            (Lang::Python, "def f(:\n  ]] x = \n"),
            (
                Lang::JavaScript,
                "const {a, b: [c]} = require('x');\nasync function* f(...r) { for await (const x of r) yield `${x}`; }\nclass A extends B { #p = 1; static m() { return super.m?.() } }\n",
            ),
            (
                Lang::TypeScript,
                "interface I<in out T> { x?: T }\nenum E { A = 1 }\nconst f = <T,>(x: T): T => x as T;\ntype U = keyof typeof f;\n",
            ),
            (Lang::Tsx, "const A = () => <div a={1}>{x}<B/></div>;\n"),
            (
                Lang::Dockerfile,
                "FROM python:3.12 AS b\nRUN pip install x\nUSER app\nEXPOSE 80\n",
            ),
        ] {
            let tree = parse(lang, src, DEFAULT_PARSE_BUDGET).unwrap();
            let mut cursor = tree.walk();
            let mut seen = 0;
            loop {
                let n = cursor.node();
                assert_eq!(n.node_kind(), n.kind(), "{lang:?} at {:?}", n.byte_range());
                seen += 1;
                if cursor.goto_first_child() || cursor.goto_next_sibling() {
                    continue;
                }
                let mut done = true;
                while cursor.goto_parent() {
                    if cursor.goto_next_sibling() {
                        done = false;
                        break;
                    }
                }
                if done {
                    break;
                }
            }
            assert!(seen > 10, "{lang:?}: {seen} nodes");
        }
    }

    #[test]
    fn cached_fields_match_tree_sitter() {
        use super::FieldExt;
        for (lang, src) in [
            (Lang::TypeScript, "f(x);\n"),
            (Lang::Tsx, "f(x);\n"),
            (Lang::JavaScript, "f(x);\n"),
        ] {
            let tree = parse(lang, src, DEFAULT_PARSE_BUDGET).unwrap();
            let call = tree
                .root_node()
                .named_child(0)
                .unwrap()
                .named_child(0)
                .unwrap();
            assert_eq!(
                call.field("function"),
                call.child_by_field_name("function"),
                "{lang:?}"
            );
            assert_eq!(
                call.field("arguments"),
                call.child_by_field_name("arguments"),
                "{lang:?}"
            );
        }
    }

    #[test]
    fn long_runs_of_python_comments_are_blanked_past_the_first_64() {
        let mut src = String::from("def f():\n    x = 1\n");
        for i in 0..100 {
            src.push_str(&format!("    # note {i} é\r\n"));
        }
        src.push_str("    return x  # kept\n# one\n");
        let out = python_text(&src);
        assert_eq!(out.len(), src.len(), "every byte offset kept");
        let (a, b): (Vec<&str>, Vec<&str>) = (src.lines().collect(), out.lines().collect());
        assert_eq!(a.len(), b.len(), "every line kept");
        for (i, (x, y)) in a.iter().zip(&b).enumerate() {
            // Lines 2..=65 are the first 64 comments of the run.
            if (66..102).contains(&i) {
                assert!(y.trim().is_empty() && x.len() == y.len(), "line {i}: {y:?}");
            } else {
                assert_eq!(x, y, "line {i}");
            }
        }
        let tree = parse(Lang::Python, &out, DEFAULT_PARSE_BUDGET).unwrap();
        assert!(!tree.root_node().has_error());
        // Short runs: the text itself, not a copy.
        assert!(matches!(
            python_text("# a\n# b\nx = 1\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn deep_nesting_does_not_crash() {
        let src = format!("x = {}1{}\n", "[".repeat(5000), "]".repeat(5000));
        let tree = parse(Lang::Python, &src, DEFAULT_PARSE_BUDGET).unwrap();
        assert!(tree.root_node().child_count() > 0);
    }
}

/// `child_by_field_name` without the name lookup: tree-sitter resolves a
/// field name to its id by comparing it with every field name of the
/// grammar, on every call. Extractors ask for the same few literal names
/// millions of times, so the ids are cached per thread, keyed by the
/// grammar and the address of the name — hence `&'static str`: a literal's
/// address never holds another name.
pub trait FieldExt<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>>;
}

/// A grammar's identity: the address of its `TSLanguage`, which the
/// binding keeps private but hashes (`Language` derives `Hash` over the
/// pointer), so a hasher that keeps the last word written reads it without
/// `unsafe`. A test checks the grammars breakwater loads all differ.
fn grammar_key(lang: &Language) -> usize {
    use std::hash::{Hash, Hasher};
    struct Address(u64);
    impl Hasher for Address {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for b in bytes {
                self.0 = (self.0 << 8) ^ u64::from(*b);
            }
        }
        fn write_usize(&mut self, n: usize) {
            self.0 = n as u64;
        }
    }
    let mut h = Address(0);
    lang.hash(&mut h);
    h.finish() as usize
}

/// Slots of the per-thread field cache (a power of two): direct-mapped by
/// the name's address, so a lookup is one comparison; a collision only
/// costs the slow lookup again.
const FIELD_SLOTS: usize = 512;

/// One slot: (grammar key, name address, name length, field id).
type FieldSlot = (usize, usize, usize, u16);

thread_local! {
    static FIELD_IDS: std::cell::RefCell<Box<[FieldSlot]>> =
        std::cell::RefCell::new(vec![(usize::MAX, 0, 0, 0); FIELD_SLOTS].into_boxed_slice());
}

impl<'t> FieldExt<'t> for Node<'t> {
    #[inline]
    fn field(&self, name: &'static str) -> Option<Node<'t>> {
        let lang = self.language();
        let lang_key = grammar_key(&lang);
        let key = (lang_key, name.as_ptr() as usize, name.len());
        let slot = (key.1 ^ (key.1 >> 9) ^ lang_key.wrapping_mul(0x9e37_79b9)) % FIELD_SLOTS;
        let cached = FIELD_IDS.with(|c| {
            let e = c.borrow()[slot];
            ((e.0, e.1, e.2) == key).then_some(e.3)
        });
        let id = match cached {
            Some(id) => id,
            None => {
                let id = lang.field_id_for_name(name).map(|id| id.get()).unwrap_or(0);
                FIELD_IDS.with(|c| c.borrow_mut()[slot] = (key.0, key.1, key.2, id));
                id
            }
        };
        if id == 0 {
            None
        } else {
            self.child_by_field_id(id)
        }
    }
}

/// A node's kind without tree-sitter's per-call `strlen` and UTF-8 check:
/// the names of a grammar's kinds are read once into a table indexed by
/// kind id (`ts_node_symbol`), which names the same kind `ts_node_type`
/// does (a test walks every grammar's trees to check it).
pub trait KindExt {
    fn node_kind(&self) -> &'static str;
}

/// Every grammar's kind names, by [`grammar_key`], built once per process.
static KIND_TABLES: std::sync::Mutex<Vec<(usize, &'static [&'static str])>> =
    std::sync::Mutex::new(Vec::new());

thread_local! {
    /// The table this thread used last: files are parsed one at a time, so
    /// nearly every lookup hits it.
    static LAST_KINDS: std::cell::Cell<(usize, &'static [&'static str])> =
        const { std::cell::Cell::new((usize::MAX, &[])) };
}

fn kind_table(lang: &Language, key: usize) -> &'static [&'static str] {
    let mut tables = KIND_TABLES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, t)) = tables.iter().find(|(k, _)| *k == key) {
        return t;
    }
    let names: Vec<&'static str> = (0..lang.node_kind_count())
        .map(|id| {
            let name = u16::try_from(id)
                .ok()
                .and_then(|id| lang.node_kind_for_id(id))
                .unwrap_or("");
            &*Box::leak(name.to_owned().into_boxed_str())
        })
        .collect();
    let table: &'static [&'static str] = Box::leak(names.into_boxed_slice());
    tables.push((key, table));
    table
}

impl KindExt for Node<'_> {
    #[inline]
    fn node_kind(&self) -> &'static str {
        let id = usize::from(self.kind_id());
        let (key, table) = LAST_KINDS.with(|c| c.get());
        if let Some(name) = table
            .get(id)
            .filter(|_| key == grammar_key(&self.language()))
        {
            return name;
        }
        let lang = self.language();
        let key = grammar_key(&lang);
        let table = kind_table(&lang, key);
        LAST_KINDS.with(|c| c.set((key, table)));
        table.get(id).copied().unwrap_or_else(|| match self.kind() {
            // The two built-in kinds outside the grammar's table.
            "ERROR" => "ERROR",
            "_ERROR" => "_ERROR",
            _ => "",
        })
    }
}
