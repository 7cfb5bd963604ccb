//! Lowerings: a language's tree-sitter tree to the intermediate form
//! ([`bw_ir::Module`]). A lowering is the only code that knows a
//! language's syntax; what the code *means* (sources, sinks, frameworks)
//! is decided later, over the intermediate form, from catalogues.

mod columns;
pub mod javascript;
pub mod python;

pub(crate) use columns::Columns;

use bw_files::Lang;
use bw_ir::Module;
use bw_lang::Limits;

/// Why a file could not be lowered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LowerError {
    /// No lowering for this language (yet).
    Unsupported(Lang),
    /// The parser gave up (time or memory budget, or no tree), or the
    /// lowering went past the same budget.
    Parse(bw_lang::ParseError),
}

impl std::fmt::Display for LowerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LowerError::Unsupported(l) => write!(f, "no intermediate form for {l:?} files yet"),
            LowerError::Parse(e) => write!(f, "could not parse: {e:?}"),
        }
    }
}

impl std::error::Error for LowerError {}

/// The languages with a lowering (a test checks this list against
/// [`lower_within`]).
pub const LOWERED: &[Lang] = &[Lang::Python, Lang::JavaScript, Lang::TypeScript, Lang::Tsx];

/// Lower the file at `path` (its path in the repository) holding `text`,
/// within the default parse budget.
pub fn lower(lang: Lang, path: &str, text: &str) -> Result<Module, LowerError> {
    lower_within(
        lang,
        path,
        text,
        &Limits::time(bw_lang::DEFAULT_PARSE_BUDGET),
    )
}

/// [`lower`] within `limits` (time, and memory when counted), which bound
/// the parse and the lowering both.
pub fn lower_within(
    lang: Lang,
    path: &str,
    text: &str,
    limits: &Limits,
) -> Result<Module, LowerError> {
    match lang {
        Lang::Python => python::lower(path, text, limits).map_err(LowerError::Parse),
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
            javascript::lower(lang, path, text, limits)
        }
        _ => Err(LowerError::Unsupported(lang)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_of_lowered_languages_is_what_lowers() {
        for (lang, path, text) in [
            (Lang::Python, "a.py", "x = 1\n"),
            (Lang::JavaScript, "a.js", "let x = 1;\n"),
            (Lang::TypeScript, "a.ts", "let x: number = 1;\n"),
            (Lang::Tsx, "a.tsx", "const A = () => <div/>;\n"),
            (Lang::Dockerfile, "Dockerfile", "FROM x\n"),
            (Lang::Yaml, "a.yaml", "a: 1\n"),
        ] {
            let lowered = lower(lang, path, text).is_ok();
            assert_eq!(lowered, LOWERED.contains(&lang), "{lang:?}");
        }
    }
}
