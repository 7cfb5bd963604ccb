//! JavaScript/TypeScript extractor (being written).
use crate::flowspec::FlowSpec;
use crate::types::FileFacts;
use bw_files::Lang;

pub fn extract(
    path: &str,
    lang: Lang,
    text: &str,
    _spec: &FlowSpec,
) -> Result<FileFacts, bw_lang::ParseError> {
    let _tree = bw_lang::parse(lang, text, bw_lang::DEFAULT_PARSE_BUDGET)?;
    Ok(FileFacts {
        path: path.into(),
        ..Default::default()
    })
}
