//! The floor for the scan benchmark: walk a tree the way `scan` does and
//! parse every code file with tree-sitter alone, single-threaded, keeping
//! nothing. Prints files, bytes, seconds and MB/s.
//!
//! `cargo run --release -p bw-engine --example parse_floor -- PATH [MAX_FILE_BYTES]`
//! (the size limit as `scan --max-file-size`; 2 MB by default).

use bw_files::{FileClass, FileSource, FsSource, WalkOptions, classify, decode_text, detect_lang};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = args
        .next()
        .expect("usage: parse_floor PATH [MAX_FILE_BYTES]");
    let mut opts = WalkOptions::default();
    if let Some(max) = args.next() {
        opts.max_file_bytes = max.parse().expect("MAX_FILE_BYTES is a number of bytes");
    }
    let source = FsSource::new(&root, opts).expect("a directory");
    let listing = source.list().expect("listing");
    let mut texts = vec![];
    for e in &listing.files {
        let Some(lang) = detect_lang(&e.path) else {
            continue;
        };
        if bw_lang::grammar(lang).is_none() {
            continue;
        }
        let Ok(raw) = source.read(&e.path) else {
            continue;
        };
        if classify(&e.path, &raw[..raw.len().min(2048)]) != FileClass::Source {
            continue;
        }
        let Ok(text) = decode_text(raw) else { continue };
        texts.push((lang, text));
    }
    let (mut files, mut bytes) = (0usize, 0usize);
    let start = Instant::now();
    for (lang, text) in &texts {
        if bw_lang::parse(*lang, text, bw_lang::DEFAULT_PARSE_BUDGET).is_ok() {
            files += 1;
            bytes += text.len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "parse floor: {files} files, {:.1} MB, {secs:.3} s, {:.2} MB/s, {:.0} files/s",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs,
        files as f64 / secs
    );
}
