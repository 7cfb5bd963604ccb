//! `breakwater completions SHELL`: a completion script for the shell,
//! generated from the command-line definition (so it never drifts from
//! what the binary accepts). Install it where the shell looks: README.md
//! ("Shell completions") says where for each.

use clap_complete::Shell;

#[derive(clap::Args)]
pub struct Args {
    /// bash, zsh, fish, elvish or powershell.
    #[arg(value_enum)]
    shell: Shell,
}

pub fn run(a: Args, mut cli: clap::Command) -> u8 {
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cli, "breakwater", &mut buf);
    match super::write_output(None, &buf) {
        Ok(()) => crate::exit::PASS,
        Err(e) => super::fail(e),
    }
}
