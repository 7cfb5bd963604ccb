//! Everything the binary prints goes through here: the requested output on
//! stdout, messages on stderr, at the verbosity `-q`/`-v` chose, and
//! colour as `--color` and the environment decide.
//!
//! A closed stdout is the end of the output, not an error: `breakwater
//! rules | head -1` closes the pipe after one line, and Rust ignores
//! `SIGPIPE`, so the next write fails with `BrokenPipe`. As ripgrep does,
//! that is treated as the reader saying "enough": nothing more is written
//! and the command finishes quietly (`println!` would panic instead). Other
//! write errors (a full disk) are reported once and end with exit code 2.
//! Messages on stderr never panic either: a closed stderr loses them.

use std::fmt;
use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// How much to say on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Errors (and what a failing exit code means) only.
    Quiet = 0,
    /// Also warnings, notes and what was written where.
    Normal = 1,
    /// Also timing, cache statistics and why each skipped file was skipped.
    Verbose = 2,
}

static VERBOSITY: AtomicU8 = AtomicU8::new(Verbosity::Normal as u8);
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
static STDOUT_FAILED: AtomicBool = AtomicBool::new(false);

pub fn set_verbosity(v: Verbosity) {
    VERBOSITY.store(v as u8, Ordering::Relaxed);
}

pub fn verbosity() -> Verbosity {
    match VERBOSITY.load(Ordering::Relaxed) {
        0 => Verbosity::Quiet,
        1 => Verbosity::Normal,
        _ => Verbosity::Verbose,
    }
}

/// Write bytes to stdout. A closed pipe ends the output silently (every
/// later write is dropped); another error is returned once, as text.
pub fn write_stdout(buf: &[u8]) -> Result<(), String> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(buf).and_then(|_| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            STDOUT_FAILED.store(true, Ordering::Relaxed);
            Err(format!("could not write to standard output: {e}"))
        }
    }
}

/// `print!` for the requested output (see [`write_stdout`]).
pub fn out(args: fmt::Arguments<'_>) {
    if let Err(e) = write_stdout(fmt::format(args).as_bytes()) {
        error(format_args!("error: {e}"));
    }
}

/// True when a write to stdout failed for another reason than a closed
/// pipe: the output is incomplete and the command must not exit 0.
pub fn stdout_failed() -> bool {
    STDOUT_FAILED.load(Ordering::Relaxed)
}

fn to_stderr(args: fmt::Arguments<'_>) {
    let mut e = std::io::stderr().lock();
    let _ = e.write_fmt(args).and_then(|_| e.write_all(b"\n"));
}

/// An error, or why the exit code is what it is: always shown.
pub fn error(args: fmt::Arguments<'_>) {
    to_stderr(args);
}

/// A warning, a note, what was written where: hidden by `-q`.
pub fn info(args: fmt::Arguments<'_>) {
    if verbosity() >= Verbosity::Normal {
        to_stderr(args);
    }
}

/// Timing, cache statistics, skip reasons: shown with `-v`.
pub fn detail(args: fmt::Arguments<'_>) {
    if verbosity() >= Verbosity::Verbose {
        to_stderr(args);
    }
}

/// Progress on stderr, without a newline (a progress bar redrawing itself).
pub fn progress(args: fmt::Arguments<'_>) {
    if verbosity() >= Verbosity::Normal {
        let mut e = std::io::stderr().lock();
        let _ = e.write_fmt(args).and_then(|_| e.flush());
    }
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal, unless the environment says otherwise.
    #[default]
    Auto,
    /// Always colour (even into a pipe or a file; wins over NO_COLOR).
    Always,
    /// Never colour.
    Never,
}

static COLOR: AtomicU8 = AtomicU8::new(0);

pub fn set_color(c: ColorChoice) {
    COLOR.store(c as u8, Ordering::Relaxed);
}

pub fn color_choice() -> ColorChoice {
    match COLOR.load(Ordering::Relaxed) {
        1 => ColorChoice::Always,
        2 => ColorChoice::Never,
        _ => ColorChoice::Auto,
    }
}

/// Whether to colour output going to a terminal (`to_terminal`) or not,
/// given the choice and the environment: `--color always|never` decide;
/// otherwise `NO_COLOR` (set and not empty) turns colour off, then
/// `CLICOLOR_FORCE` (set, not empty, not `0`) turns it on, then
/// `CLICOLOR=0` turns it off, then colour is on exactly on a terminal.
pub fn use_color(
    choice: ColorChoice,
    to_terminal: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> bool {
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if set("NO_COLOR").is_some() {
                false
            } else if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                true
            } else if set("CLICOLOR").is_some_and(|v| v == "0") {
                false
            } else {
                to_terminal
            }
        }
    }
}

/// [`use_color`] with the process environment and the `--color` given.
pub fn color_for(to_terminal: bool) -> bool {
    use_color(color_choice(), to_terminal, &|k| std::env::var(k).ok())
}

/// `println!` for the requested output; a closed stdout ends it quietly.
macro_rules! outln {
    () => { $crate::ui::out(format_args!("\n")) };
    ($($t:tt)*) => { $crate::ui::out(format_args!("{}\n", format_args!($($t)*))) };
}

/// `print!` for the requested output.
macro_rules! out {
    ($($t:tt)*) => { $crate::ui::out(format_args!($($t)*)) };
}

/// An error line on stderr (always shown).
macro_rules! error {
    ($($t:tt)*) => { $crate::ui::error(format_args!($($t)*)) };
}

/// A warning or note on stderr (hidden by `-q`).
macro_rules! info {
    ($($t:tt)*) => { $crate::ui::info(format_args!($($t)*)) };
}

/// Detail on stderr (shown with `-v`).
macro_rules! detail {
    ($($t:tt)*) => { $crate::ui::detail(format_args!($($t)*)) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_the_flag_then_the_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        use ColorChoice::*;
        let none = env(&[]);
        assert!(use_color(Auto, true, &none) && !use_color(Auto, false, &none));
        assert!(use_color(Always, false, &env(&[("NO_COLOR", "1")])));
        assert!(!use_color(Never, true, &env(&[("CLICOLOR_FORCE", "1")])));
        assert!(!use_color(Auto, true, &env(&[("NO_COLOR", "1")])));
        // An empty NO_COLOR is unset.
        assert!(use_color(Auto, true, &env(&[("NO_COLOR", "")])));
        assert!(use_color(Auto, false, &env(&[("CLICOLOR_FORCE", "1")])));
        assert!(!use_color(Auto, false, &env(&[("CLICOLOR_FORCE", "0")])));
        // NO_COLOR wins over CLICOLOR_FORCE.
        assert!(!use_color(
            Auto,
            false,
            &env(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")])
        ));
        assert!(!use_color(Auto, true, &env(&[("CLICOLOR", "0")])));
        assert!(use_color(Auto, true, &env(&[("CLICOLOR", "1")])));
        assert!(use_color(
            Auto,
            false,
            &env(&[("CLICOLOR", "0"), ("CLICOLOR_FORCE", "1")])
        ));
    }
}
