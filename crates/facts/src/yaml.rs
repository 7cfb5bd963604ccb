//! docker-compose and Kubernetes extractor (being written).
use crate::types::FileFacts;

pub fn extract(path: &str, _text: &str) -> FileFacts {
    FileFacts {
        path: path.into(),
        ..Default::default()
    }
}
