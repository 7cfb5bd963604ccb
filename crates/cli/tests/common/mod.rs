//! Helpers shared by the CLI's integration tests.

use std::path::Path;

/// Copy a bundled example or fixture app for a test to work on, without
/// its `.breakwater/` directory: nothing there is committed, and a
/// person's own scan of the example (the README's first command) leaves its
/// facts cache there, which a test must not inherit.
pub fn copy_app(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_name() == ".breakwater" {
            continue;
        }
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_app(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}
