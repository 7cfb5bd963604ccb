//! Lowerings: a language's tree-sitter tree to the intermediate form
//! ([`bw_ir::Module`]). A lowering is the only code that knows a
//! language's syntax; what the code *means* (sources, sinks, frameworks)
//! is decided later, over the intermediate form, from catalogues.

pub mod javascript;

use bw_files::Lang;
use bw_ir::Module;

/// Why a file could not be lowered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LowerError {
    /// No lowering for this language (yet).
    Unsupported(Lang),
    /// The parser gave up (time or memory budget, or no tree).
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

/// Lower the file at `path` (its path in the repository) holding `text`.
pub fn lower(lang: Lang, path: &str, text: &str) -> Result<Module, LowerError> {
    let limits = bw_lang::Limits::time(bw_lang::DEFAULT_PARSE_BUDGET);
    match lang {
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
            javascript::lower(lang, path, text, &limits)
        }
        _ => Err(LowerError::Unsupported(lang)),
    }
}
