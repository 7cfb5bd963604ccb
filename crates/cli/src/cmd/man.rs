//! `breakwater man`: the manual page (roff), generated from the
//! command-line definition. `--dir DIR` writes `breakwater.1` and one page
//! per subcommand (`breakwater-scan.1`, …) there, for `MANPATH`.

use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Write breakwater.1 and a page per subcommand (breakwater-scan.1, …) into DIR instead
    /// of printing breakwater.1.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// The page of `cmd`, named `name`.
fn page(cmd: clap::Command, name: &str) -> std::io::Result<Vec<u8>> {
    let name = name.to_string();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.name(name)).render(&mut buf)?;
    Ok(buf)
}

/// Every page: the command's, then one per subcommand (nested ones too),
/// as (file name, roff).
pub fn pages(cli: &clap::Command) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut out = vec![("breakwater.1".to_string(), page(cli.clone(), "breakwater")?)];
    let mut todo: Vec<(String, clap::Command)> = cli
        .get_subcommands()
        .map(|s| (format!("breakwater-{}", s.get_name()), s.clone()))
        .collect();
    while let Some((name, cmd)) = todo.first().cloned() {
        todo.remove(0);
        for s in cmd.get_subcommands() {
            todo.push((format!("{name}-{}", s.get_name()), s.clone()));
        }
        out.push((format!("{name}.1"), page(cmd, &name)?));
    }
    Ok(out)
}

pub fn run(a: Args, mut cli: clap::Command) -> u8 {
    cli.build();
    let Some(dir) = a.dir else {
        return match page(cli, "breakwater")
            .map_err(|e| e.to_string())
            .and_then(|p| super::write_output(None, &p))
        {
            Ok(()) => crate::exit::PASS,
            Err(e) => super::fail(e),
        };
    };
    let pages = match pages(&cli) {
        Ok(p) => p,
        Err(e) => return super::fail(e),
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return super::fail(format!("{}: {e}", dir.display()));
    }
    for (name, roff) in &pages {
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, roff) {
            return super::fail(format!("{}: {e}", path.display()));
        }
    }
    info!("wrote {} manual pages to {}", pages.len(), dir.display());
    crate::exit::PASS
}
