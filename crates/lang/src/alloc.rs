//! Counting what the analysis of one file allocates.
//!
//! Budgets are on memory, not only on file size: a 2 MB file of a million
//! one-character statements makes a tree of hundreds of megabytes. Every
//! allocation on a thread, Rust's and tree-sitter's, is counted in that
//! thread's [`live_bytes`], so the extraction of one file (which runs on one
//! worker thread) can compare what it holds with its budget and give up.
//!
//! Two pieces, both installed by the program (the `breakwater` binary):
//! [`Counting`] wraps the global allocator, and [`count_tree_sitter`]
//! routes tree-sitter's C allocations through a counting wrapper of the
//! allocator given (its sizes are kept in a 16-byte header, since C's
//! `free` is not told the size). Without them, [`live_bytes`] is `None` and
//! only the time budget applies.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, Ordering};

thread_local! {
    /// Bytes allocated minus bytes freed on this thread. Memory freed on
    /// another thread than the one that allocated it moves both counters;
    /// budgets compare differences over one file's extraction, which
    /// allocates and frees on its own thread.
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

/// The program counts (it called [`count_tree_sitter`], with [`Counting`]
/// as its global allocator).
static COUNTING: AtomicBool = AtomicBool::new(false);

#[inline]
fn add(n: isize) {
    let _ = LIVE.try_with(|c| c.set(c.get().wrapping_add(n)));
}

/// Bytes live on this thread (allocated here minus freed here), when the
/// program counts its allocations; `None` otherwise.
pub fn live_bytes() -> Option<isize> {
    if COUNTING.load(Ordering::Relaxed) {
        LIVE.try_with(Cell::get).ok()
    } else {
        None
    }
}

/// A global allocator that counts, per thread, what the inner one holds.
///
/// ```ignore
/// #[global_allocator]
/// static GLOBAL: bw_lang::alloc::Counting<mimalloc::MiMalloc> =
///     bw_lang::alloc::Counting(mimalloc::MiMalloc);
/// ```
pub struct Counting<A>(pub A);

// SAFETY: every call is forwarded to the inner allocator with the same
// arguments; only a thread-local counter (no allocation) is touched.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { self.0.alloc(layout) };
        if !p.is_null() {
            add(layout.size() as isize);
        }
        p
    }
    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { self.0.alloc_zeroed(layout) };
        if !p.is_null() {
            add(layout.size() as isize);
        }
        p
    }
    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { self.0.dealloc(ptr, layout) };
        add(-(layout.size() as isize));
    }
    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            add(new_size as isize - layout.size() as isize);
        }
        p
    }
}

/// The allocator tree-sitter's counting wrapper forwards to.
struct Inner {
    malloc: unsafe extern "C" fn(usize) -> *mut c_void,
    realloc: unsafe extern "C" fn(*mut c_void, usize) -> *mut c_void,
    free: unsafe extern "C" fn(*mut c_void),
}

static mut INNER: Inner = Inner {
    malloc: libc::malloc,
    realloc: libc::realloc,
    free: libc::free,
};

/// Room before each tree-sitter block for its size; 16 keeps malloc's alignment.
const HEADER: usize = 16;

fn inner() -> &'static Inner {
    // SAFETY: written once by `count_tree_sitter` before any tree-sitter
    // object exists (its contract), read-only afterwards.
    unsafe { &*std::ptr::addr_of!(INNER) }
}

unsafe extern "C" fn ts_malloc(size: usize) -> *mut c_void {
    let Some(total) = size.checked_add(HEADER) else {
        return std::ptr::null_mut();
    };
    let p = unsafe { (inner().malloc)(total) };
    if p.is_null() {
        return p;
    }
    // SAFETY: `p` has room for the header; it is aligned for usize.
    unsafe { (p as *mut usize).write(size) };
    add(size as isize);
    unsafe { (p as *mut u8).add(HEADER) as *mut c_void }
}

unsafe extern "C" fn ts_calloc(count: usize, size: usize) -> *mut c_void {
    let Some(n) = count.checked_mul(size) else {
        return std::ptr::null_mut();
    };
    let p = unsafe { ts_malloc(n) };
    if !p.is_null() {
        // SAFETY: `p` points to `n` writable bytes.
        unsafe { std::ptr::write_bytes(p as *mut u8, 0, n) };
    }
    p
}

unsafe extern "C" fn ts_realloc(ptr: *mut c_void, size: usize) -> *mut c_void {
    if ptr.is_null() {
        return unsafe { ts_malloc(size) };
    }
    let Some(total) = size.checked_add(HEADER) else {
        return std::ptr::null_mut();
    };
    // SAFETY: `ptr` came from `ts_malloc`/`ts_realloc`: the header is before it.
    let base = unsafe { (ptr as *mut u8).sub(HEADER) } as *mut c_void;
    let old = unsafe { (base as *const usize).read() };
    let p = unsafe { (inner().realloc)(base, total) };
    if p.is_null() {
        return p;
    }
    unsafe { (p as *mut usize).write(size) };
    add(size as isize - old as isize);
    unsafe { (p as *mut u8).add(HEADER) as *mut c_void }
}

unsafe extern "C" fn ts_free(ptr: *mut c_void) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: as in `ts_realloc`.
    let base = unsafe { (ptr as *mut u8).sub(HEADER) } as *mut c_void;
    let old = unsafe { (base as *const usize).read() };
    add(-(old as isize));
    unsafe { (inner().free)(base) };
}

/// Route tree-sitter's C allocations through a counting wrapper of
/// `malloc`, `realloc` and `free` (one allocator family with malloc's
/// alignment; libc's when `None`), and turn [`live_bytes`] on: the program
/// also installs [`Counting`] as its global allocator.
///
/// # Safety
/// Call it first thing in `main`, before any tree-sitter object exists and
/// before other threads start, and only once.
pub unsafe fn count_tree_sitter(
    family: Option<(
        unsafe extern "C" fn(usize) -> *mut c_void,
        unsafe extern "C" fn(*mut c_void, usize) -> *mut c_void,
        unsafe extern "C" fn(*mut c_void),
    )>,
) {
    if let Some((malloc, realloc, free)) = family {
        // SAFETY: no tree-sitter object exists yet and no other thread runs.
        unsafe {
            INNER = Inner {
                malloc,
                realloc,
                free,
            }
        };
    }
    // SAFETY: the caller's contract is tree-sitter's.
    unsafe {
        tree_sitter::set_allocator(Some(tree_sitter::Allocator {
            malloc: ts_malloc,
            calloc: ts_calloc,
            realloc: ts_realloc,
            free: ts_free,
        }));
    }
    COUNTING.store(true, Ordering::Relaxed);
}
