//! Print the `plan parse` JSON of a file: `cargo run -p theodoi-plandoc --example parse FILE`;
//! with `--text` first, the text the reader reads (a DOCX's or a PDF's lines and '|' table rows).
fn main() {
    let mut text_only = false;
    for path in std::env::args().skip(1) {
        if path == "--text" {
            text_only = true;
            continue;
        }
        let bytes = std::fs::read(&path).unwrap_or_default();
        if text_only {
            match theodoi_plandoc::formats::to_text(&bytes, Some(&path)) {
                Ok(t) => print!("{t}"),
                Err(e) => eprintln!("{path}: {e}"),
            }
            continue;
        }
        match theodoi_plandoc::parse_file(Some(&path), &bytes, theodoi_plandoc::Lexicon::builtin())
        {
            Ok(p) => println!(
                "{}",
                serde_json::to_string_pretty(&theodoi_plandoc::json::view(&p)).unwrap_or_default()
            ),
            Err(e) => eprintln!("{path}: {e}"),
        }
    }
}
