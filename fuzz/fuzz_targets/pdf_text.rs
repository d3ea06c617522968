//! Feeds bytes to the PDF reader as a PDF ("%PDF-" put in front when missing): it must return text
//! or an error, never panic. Start from the PDF fixtures, copied so that the fuzzer's finds do not
//! land among them:
//! `mkdir -p fuzz/corpus/pdf_text && cp crates/plandoc/tests/fixtures/pdf/*.pdf fuzz/corpus/pdf_text/`
//! `cargo +nightly fuzz run pdf_text fuzz/corpus/pdf_text -- -max_total_time=600`
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut bytes = Vec::with_capacity(data.len() + 9);
    if !data.starts_with(b"%PDF-") {
        bytes.extend_from_slice(b"%PDF-1.7\n");
    }
    bytes.extend_from_slice(data);
    if let Ok(text) = theodoi_plandoc::pdf::text(&bytes) {
        // What the PDF reader writes must read as a plan (or a clean refusal) too.
        let _ = theodoi_plandoc::parse(&text);
    }
});
