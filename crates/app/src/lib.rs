//! The application layer: what the web pages and the CLI both do, so neither calls into the
//! other. A round's consolidation read from the store (with what the drafted report needs), the
//! report's DOCX built from its draft and its PDF rendered by LibreOffice, and password hashing for accounts made outside the web
//! (first start, demo data).

pub mod consolidation;
pub mod exchange;
pub mod password;
pub mod pdf;
pub mod report;
