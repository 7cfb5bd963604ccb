#![no_main]
//! `bw_engine::fuzz::patch`: see its docs for what it runs and checks.
libfuzzer_sys::fuzz_target!(|data: &[u8]| bw_engine::fuzz::patch(data));
