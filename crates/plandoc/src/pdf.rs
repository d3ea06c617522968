//! PDFs with a text layer, read into the text the reader reads: lines top down, ruled tables as
//! '|' rows (as the DOCX reader writes them), page numbers and running headers left out. lopdf
//! parses the file (objects, page tree, streams, decryption with an empty password); which text
//! each character code stands for (the fonts' ToUnicode maps), where it is drawn and what the
//! drawn lines make of a table are worked out here, in `content` and `layout`.
//!
//! Refused with a message a user can act on: a PDF that needs a password, one of more than
//! [`MAX_PDF_PAGES`] pages (counted before any page is read), a scan without a text layer, text
//! in fonts without a Unicode map, and a damaged file.
//!
//! Pure: the bytes come from the caller.

mod cmap;
mod content;
mod layout;

use crate::ParseError;
use unicode_normalization::UnicodeNormalization;

/// The most pages read. A plan with its appendices runs to tens of pages; a thousand is a
/// compilation or a mistake, and reading it would hold a request for seconds.
pub const MAX_PDF_PAGES: usize = 1_000;

/// Why a PDF was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// Opening it needs a password.
    #[error("the PDF is protected by a password; save a copy without one")]
    Encrypted,
    #[error(
        "the PDF has {pages} pages; at most {limit} are read (save the plan and its appendix on their own)"
    )]
    TooManyPages { pages: usize, limit: usize },
    /// No character drawn as text: a scan.
    #[error(
        "the PDF has no text layer (a scanned image); run OCR on it or use the DOCX it was made from"
    )]
    NoTextLayer,
    /// Text drawn in fonts that say nothing of the letters they draw.
    #[error(
        "the PDF's text cannot be decoded (its fonts have no Unicode map); use the DOCX it was made from or run OCR on it"
    )]
    Undecodable,
    /// Not a PDF that can be parsed, or past the limits on what it unpacks to.
    #[error("the PDF is damaged or not a PDF ({0})")]
    Damaged(String),
}

impl PdfError {
    /// The same problem in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            Self::Encrypted => "tệp PDF được bảo vệ bằng mật khẩu; hãy lưu một bản không đặt mật khẩu".into(),
            Self::TooManyPages { pages, limit } => format!(
                "tệp PDF có {pages} trang; chỉ đọc tối đa {limit} trang (hãy lưu riêng kế hoạch và phụ lục)"
            ),
            Self::NoTextLayer => "tệp PDF không có lớp văn bản (bản quét); hãy nhận dạng chữ (OCR) hoặc dùng tệp DOCX gốc".into(),
            Self::Undecodable => "không giải mã được chữ trong tệp PDF (phông chữ không có bảng mã Unicode); hãy dùng tệp DOCX gốc hoặc nhận dạng chữ (OCR)".into(),
            Self::Damaged(reason) => format!("tệp PDF bị hỏng hoặc không phải PDF ({reason})"),
        }
    }
}

/// The text of a PDF of at most [`MAX_PDF_PAGES`] pages.
pub fn text(bytes: &[u8]) -> Result<String, ParseError> {
    text_with_page_limit(bytes, MAX_PDF_PAGES)
}

/// The text of a PDF of at most `max_pages` pages.
pub fn text_with_page_limit(bytes: &[u8], max_pages: usize) -> Result<String, ParseError> {
    // lopdf returns errors rather than panicking, and this module indexes nothing unchecked; but
    // lopdf is a large parser fed untrusted bytes, and a panic left in it must end as a refusal
    // of the file, not of the request or the process serving it. Hence this last resort.
    std::panic::catch_unwind(|| extract(bytes, max_pages))
        .unwrap_or_else(|_| Err(PdfError::Damaged("the PDF parser failed on it".into())))
        .map_err(ParseError::Pdf)
}

fn extract(bytes: &[u8], max_pages: usize) -> Result<String, PdfError> {
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(crate::formats::MAX_UNPACKED_BYTES as usize),
        ..lopdf::LoadOptions::default()
    };
    let doc = match lopdf::Document::load_mem_with_options(bytes, options) {
        Ok(doc) => doc,
        // A security handler lopdf cannot open (a certificate, an unknown filter).
        Err(_) if has(b"/Encrypt") => return Err(PdfError::Encrypted),
        Err(e) => return Err(PdfError::Damaged(e.to_string())),
    };
    // lopdf opens a file whose user password is empty (restrictions only) and leaves one that
    // needs a password encrypted.
    if doc.trailer.has(b"Encrypt") && doc.encryption_state.is_none() {
        return Err(PdfError::Encrypted);
    }
    let pages: Vec<lopdf::ObjectId> = doc.page_iter().collect();
    if pages.len() > max_pages {
        return Err(PdfError::TooManyPages {
            pages: pages.len(),
            limit: max_pages,
        });
    }
    if pages.is_empty() {
        return Err(PdfError::Damaged("no pages".into()));
    }
    let mut reader = content::Reader::default();
    let mut items = Vec::with_capacity(pages.len());
    let (mut chars, mut undecodable) = (0usize, 0usize);
    for id in pages {
        let page = reader.page(&doc, id).map_err(|content::Stop::TooMuch| {
            PdfError::Damaged(format!(
                "its pages unpack to more than the {} MiB or the operations a plan needs",
                crate::formats::MAX_UNPACKED_BYTES / 1024 / 1024
            ))
        })?;
        chars += page
            .glyphs
            .iter()
            .map(|g| g.text.chars().filter(|c| !c.is_whitespace()).count())
            .sum::<usize>();
        undecodable += page.undecodable;
        items.push(layout::page_items(&page));
    }
    if chars == 0 && undecodable == 0 {
        return Err(PdfError::NoTextLayer);
    }
    if undecodable > chars {
        return Err(PdfError::Undecodable);
    }
    Ok(layout::join(items)
        .nfc()
        .flat_map(|c| match c {
            // Latin ligatures ("ﬁle") are one glyph in many fonts; the text means the letters.
            'ﬀ' => "ff".chars().collect::<Vec<_>>(),
            'ﬁ' => vec!['f', 'i'],
            'ﬂ' => vec!['f', 'l'],
            'ﬃ' => "ffi".chars().collect(),
            'ﬄ' => "ffl".chars().collect(),
            'ﬅ' | 'ﬆ' => vec!['s', 't'],
            c => vec![c],
        })
        .collect())
}
