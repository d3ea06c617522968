//! Print the `plan parse` JSON of a file: `cargo run -p theodoi-plandoc --example parse FILE`.
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        match theodoi_plandoc::parse_bytes(&bytes) {
            Ok(p) => println!(
                "{}",
                serde_json::to_string_pretty(&theodoi_plandoc::json::view(&p)).unwrap_or_default()
            ),
            Err(e) => eprintln!("{path}: {e}"),
        }
    }
}
