//! Dependency manifests (being written).
use crate::types::FileFacts;
use bw_files::Lang;

pub fn extract(path: &str, _lang: Lang, _text: &str) -> FileFacts {
    FileFacts {
        path: path.into(),
        ..Default::default()
    }
}
