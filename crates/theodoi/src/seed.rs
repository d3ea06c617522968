//! The seed plan shipped inside the binary: Kế hoạch 14/KH-UBND (09/01/2026), body and appendix,
//! verbatim as extracted from its PDF, so a fresh install loads a real plan with one command.

pub use theodoi_demo::SEED_FILES;
