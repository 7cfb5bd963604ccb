//! Git, read through gix: git itself is never run, so no hook, filter or
//! configured program of the repository can.
//!
//! `revision` reads other revisions (trees, blobs, merge bases, history)
//! for `diff` and `status`, and the staging area as a file source for
//! `check --staged`; `index` answers whether git tracks a path (the
//! facts cache refuses a directory a commit could have filled); `author`
//! names who records a decision (`triage`, the editor's code actions).

mod author;
mod index;
mod revision;

pub use author::author;
pub use index::{IndexError, tracked_under};
pub(crate) use index::{IndexView, index_view};
pub use revision::{CommitInfo, GitError, GitRepo, TreeSource};
