//! Dockerfile extractor (being written).
use crate::types::FileFacts;

pub fn extract(path: &str, text: &str) -> Result<FileFacts, bw_lang::ParseError> {
    let _tree = bw_lang::parse(
        bw_files::Lang::Dockerfile,
        text,
        bw_lang::DEFAULT_PARSE_BUDGET,
    )?;
    Ok(FileFacts {
        path: path.into(),
        ..Default::default()
    })
}
