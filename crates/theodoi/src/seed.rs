//! The seed plan shipped inside the binary: Kế hoạch 14/KH-UBND (09/01/2026), body and appendix,
//! verbatim as extracted from its PDF, so a fresh install loads a real plan with one command.

/// (file name, text) of each seed file, body first.
pub const SEED_FILES: &[(&str, &str)] = &[
    (
        "000_b6a757b918caf98d.txt",
        include_str!("../../../seeds/000_b6a757b918caf98d.txt"),
    ),
    (
        "001_5440965c404ba4b8.txt",
        include_str!("../../../seeds/001_5440965c404ba4b8.txt"),
    ),
];
