//! `breakwater status [PATH]`: the health of the threat model.

use bw_engine::status::health;
use bw_engine::{WalkOptions, scan};
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum FormatArg {
    Terminal,
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// A folder in the repository: the model root is found from it; counts and lists cover
    /// the threats under it.
    path: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "terminal")]
    format: FormatArg,
    /// How many of the oldest open threats to list.
    #[arg(long, default_value_t = 10)]
    oldest: usize,
    #[command(flatten)]
    cache: super::CacheArgs,
}

pub fn run(a: Args) -> u8 {
    let target = match super::target(a.path.as_deref()) {
        Ok(t) => t,
        Err(e) => return super::fail(e),
    };
    let root = target.root.as_path();
    let ws = match super::open(root, WalkOptions::default(), &a.cache) {
        Ok(w) => w,
        Err(e) => return super::fail(e),
    };
    let opts = ws.scan_options(root, None);
    let model_file = ws.model_file;
    let mut out = match scan(&ws.source, &ws.lib, &opts) {
        Ok(o) => o,
        Err(e) => return super::fail(e),
    };
    super::scan_details(&out);
    bw_engine::limit_to_scope(&mut out.report, &target.scope);
    let h = health(
        &out.report,
        model_file.as_ref(),
        &opts.today,
        root,
        a.oldest,
    );
    match a.format {
        FormatArg::Json => match serde_json::to_string_pretty(&h) {
            Ok(s) => outln!("{s}"),
            Err(e) => return super::fail(e),
        },
        // Ids, paths, names and commit summaries come from the repository.
        FormatArg::Terminal => out!(
            "{}",
            bw_files::terminal_safe_lines(&text(&h, model_file.is_some()))
        ),
    }
    crate::exit::PASS
}

fn list(ids: &[String], max: usize) -> String {
    let mut s = ids.iter().take(max).cloned().collect::<Vec<_>>().join(", ");
    if ids.len() > max {
        let _ = write!(s, ", … ({} more)", ids.len() - max);
    }
    s
}

fn text(h: &bw_engine::status::Health, has_model: bool) -> String {
    let c = &h.counts;
    let mut o = String::new();
    let _ = writeln!(o, "Threat model of {}", h.system);
    let _ = writeln!(
        o,
        "  open        {:>4}  ({} stale, {} expired, {} in the baseline)",
        c.open, c.stale, c.expired, c.baseline
    );
    let _ = writeln!(o, "  mitigated   {:>4}", c.mitigated);
    let _ = writeln!(o, "  accepted    {:>4}", c.accepted);
    let _ = writeln!(o, "  false pos.  {:>4}", c.false_positive);
    let _ = writeln!(o, "  transferred {:>4}", c.transferred);
    let _ = writeln!(
        o,
        "  ignored     {:>4}  (inline), {} suppressed",
        c.ignored, c.suppressed
    );
    let _ = writeln!(o, "  potential   {:>4}  (design level, open)", c.potential);
    let _ = writeln!(
        o,
        "  decisions without a threat: {} orphaned (delete them), {} unverified (their file was not analysed)",
        c.orphaned, c.unverified
    );
    if c.unanalysed > 0 {
        let _ = writeln!(
            o,
            "  files not fully analysed: {} (gates count them: `breakwater scan` names them and how to accept one)",
            c.unanalysed
        );
    }
    if !h.expiring.is_empty() {
        let _ = writeln!(o, "\nExpiring within 30 days:");
        for (id, date) in &h.expiring {
            let _ = writeln!(o, "  {date}  {id}");
        }
    }
    let _ = writeln!(o);
    if !has_model {
        let _ = writeln!(
            o,
            "No breakwater.toml: run `breakwater init` to record assets, owners and decisions."
        );
    }
    if h.unclassified.is_empty() {
        let _ = writeln!(o, "Every data store holds a classified asset.");
    } else {
        let _ = writeln!(
            o,
            "{} data store(s) without an asset classification ([assets] in breakwater.toml): {}",
            h.unclassified.len(),
            list(&h.unclassified, 8)
        );
    }
    if h.unowned.is_empty() {
        let _ = writeln!(o, "Every component and data store has an owner.");
    } else {
        let _ = writeln!(
            o,
            "{} component(s) and store(s) without an owner ([owners] in breakwater.toml): {}",
            h.unowned.len(),
            list(&h.unowned, 8)
        );
    }
    if !h.oldest_open.is_empty() {
        let _ = writeln!(
            o,
            "\nOldest open threats ({}):",
            if h.from_history {
                "by when their code first appeared in git history"
            } else {
                "no git history: by severity"
            }
        );
        for w in &h.oldest_open {
            let since = match (&w.since, &w.commit) {
                (Some(d), Some(c)) => format!("{d} ({c})"),
                _ if h.from_history => "not committed yet".into(),
                _ => String::new(),
            };
            let mark = if w.status.name() == "open" {
                String::new()
            } else {
                format!(" [{}]", w.status.name())
            };
            if h.from_history {
                let _ = writeln!(o, "  {since:<22} {:<8} {}{mark}", w.severity.name(), w.id);
            } else {
                let _ = writeln!(o, "  {:<8} {}{mark}", w.severity.name(), w.id);
            }
        }
    }
    o
}
