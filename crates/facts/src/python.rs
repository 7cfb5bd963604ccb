//! Python extractor (being written).
use crate::flowspec::FlowSpec;
use crate::types::FileFacts;

pub fn extract(path: &str, text: &str, _spec: &FlowSpec) -> Result<FileFacts, bw_lang::ParseError> {
    let _tree = bw_lang::parse(bw_files::Lang::Python, text, bw_lang::DEFAULT_PARSE_BUDGET)?;
    Ok(FileFacts {
        path: path.into(),
        ..Default::default()
    })
}
