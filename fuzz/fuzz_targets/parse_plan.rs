//! Feeds arbitrary bytes to the plan parser: it must return a plan or an error, never panic.
//! Run: `cargo +nightly fuzz run parse_plan -- -max_total_time=600` (seeds/ as the starting corpus).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = theodoi_plandoc::parse_bytes(data) {
        // Rendering the contract JSON must not panic either.
        let _ = theodoi_plandoc::json::view(&parsed);
    }
    // The same bytes as each file type the reader takes: DOCX/XLSX (zip), CSV, PDF, text.
    let lex = theodoi_plandoc::Lexicon::builtin();
    for name in [
        "plan.docx",
        "tasks.xlsx",
        "tasks.csv",
        "plan.pdf",
        "plan.txt",
    ] {
        let _ = theodoi_plandoc::parse_file(Some(name), data, lex);
    }
});
