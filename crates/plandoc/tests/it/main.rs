//! Parser tests: the seed plan pinned field by field, other header layouts, hostile input.

mod cells;
mod fixtures;
mod heldout;
mod layouts;
mod legacy;
mod pdf;
mod properties;
mod seeds;

pub const BODY: &str = include_str!("../../../../seeds/000_b6a757b918caf98d.txt");
pub const APPENDIX: &str = include_str!("../../../../seeds/001_5440965c404ba4b8.txt");
