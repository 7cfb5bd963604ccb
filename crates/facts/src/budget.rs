//! Per-file budgets: the time and memory one file's extraction may take,
//! whatever its kind (code, Dockerfile, YAML, manifest, the secrets scan).
//!
//! [`crate::extract_within`] enters a budget on the thread that extracts
//! the file; every extractor calls [`spent`] in its loops and walks (once
//! per statement, expression, node, line or document) and stops when it
//! says so; the extraction then fails with [`bw_lang::ParseError::Timeout`]
//! or [`bw_lang::ParseError::Memory`], which the engine reports as a
//! skipped file (`timeout`, `over-budget`). Nothing is truncated silently:
//! facts found before the budget ran out are dropped with the file.
//!
//! Memory is what the thread holds over what it held when the file's
//! extraction began (see [`bw_lang::alloc`]: the `breakwater` binary counts
//! Rust's and tree-sitter's allocations), so it bounds the syntax tree and
//! the analysis, not only the file's size. YAML aliases have a budget of
//! their own (see `yaml`), counted by the reader itself.

use bw_lang::{Limits, ParseError};
use std::cell::Cell;
use std::time::Duration;

/// How much CPU time one file's extraction may take, parse included
/// (the thread's own: see [`bw_lang::Deadline`]).
pub const DEFAULT_TIME: Duration = Duration::from_secs(10);

/// The memory one file's extraction may hold, at least.
pub const MEMORY_FLOOR: u64 = 256 << 20;

/// The memory one file's extraction may hold per byte of the file, when
/// that is more than [`MEMORY_FLOOR`] (files over 2 MB, with a raised
/// `--max-file-size`).
pub const MEMORY_PER_BYTE: u64 = 128;

/// What one file may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub time: Duration,
    pub memory_floor: u64,
    pub memory_per_byte: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            time: DEFAULT_TIME,
            memory_floor: MEMORY_FLOOR,
            memory_per_byte: MEMORY_PER_BYTE,
        }
    }
}

impl Budget {
    /// The memory budget for a file of `bytes` bytes.
    pub fn memory_for(&self, bytes: usize) -> u64 {
        self.memory_floor
            .max(self.memory_per_byte.saturating_mul(bytes as u64))
    }
}

/// How often [`spent`] looks at the clock and the allocation counter.
const CHECK_EVERY: u32 = 256;

thread_local! {
    static LIMITS: Cell<Option<Limits>> = const { Cell::new(None) };
    static TICKS: Cell<u32> = const { Cell::new(0) };
    static OVER: Cell<Option<ParseError>> = const { Cell::new(None) };
}

/// The budget of the file being extracted on this thread, until dropped.
pub(crate) struct Entered {
    previous: Option<Limits>,
}

/// Start a file of `bytes` bytes under `budget` on this thread.
pub(crate) fn enter(budget: &Budget, bytes: usize) -> Entered {
    let limits = Limits {
        deadline: bw_lang::Deadline::after(budget.time),
        budget: budget.time,
        memory: bw_lang::alloc::live_bytes().map(|base| (base, budget.memory_for(bytes))),
    };
    let previous = LIMITS.with(|l| l.replace(Some(limits)));
    TICKS.with(|t| t.set(0));
    OVER.with(|o| o.set(None));
    Entered { previous }
}

impl Entered {
    /// Why the file went over its budget, if it did.
    pub(crate) fn over(&self) -> Option<ParseError> {
        OVER.with(Cell::get)
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        LIMITS.with(|l| l.set(self.previous));
        OVER.with(|o| o.set(None));
    }
}

/// The current file's limits, for the parser (a default time budget when
/// no file is entered: a caller using an extractor directly).
pub(crate) fn limits() -> Limits {
    LIMITS
        .with(Cell::get)
        .unwrap_or_else(|| Limits::time(DEFAULT_TIME))
}

/// Parse `text` within the current file's limits.
pub(crate) fn parse(lang: bw_files::Lang, text: &str) -> Result<tree_sitter::Tree, ParseError> {
    let tree = bw_lang::parse_within(lang, text, &limits());
    if let Err(e) = &tree {
        note(e);
    }
    tree
}

/// Record that the parser gave up for a budget, so the file fails with it.
pub(crate) fn note(e: &ParseError) {
    if matches!(e, ParseError::Timeout { .. } | ParseError::Memory { .. }) {
        OVER.with(|o| o.set(o.get().or(Some(*e))));
    }
}

/// True once the current file is over its time or memory budget (and from
/// then on). Cheap: the clock and the counter are read every few hundred
/// calls, and on the first.
pub fn spent() -> bool {
    let ticks = TICKS.with(|t| {
        let v = t.get();
        t.set(v.wrapping_add(1));
        v
    });
    if !ticks.is_multiple_of(CHECK_EVERY) {
        return OVER.with(Cell::get).is_some();
    }
    check()
}

fn check() -> bool {
    let Some(limits) = LIMITS.with(Cell::get) else {
        return false;
    };
    OVER.with(|o| {
        let v = o.get().or_else(|| {
            if limits.deadline.passed() {
                Some(ParseError::Timeout {
                    millis: limits.budget.as_millis() as u64,
                })
            } else if limits.over_memory() {
                Some(ParseError::Memory {
                    limit: limits.memory.map_or(0, |(_, l)| l),
                })
            } else {
                None
            }
        });
        let over = v.is_some();
        o.set(v);
        over
    })
}
