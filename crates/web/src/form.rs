//! The form boundary: every submitted field (URL-encoded body, query string, multipart text) is
//! checked here for characters no person types — NUL and the other control characters except
//! tab and line breaks, Unicode noncharacters such as U+FFFF, and the bidirectional overrides
//! (U+202A–U+202E, U+2066–U+2069) — before any handler sees it.
//! PostgreSQL refuses NUL in text, XML forbids most of them, and none has a meaning in a plan or
//! a report, so the field is refused by name with a 422 rather than failing deeper down.

use crate::error::AppError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use theodoi_text::Message;

/// Whether `c` may appear in submitted text.
pub fn allowed_char(c: char) -> bool {
    let u = c as u32;
    let typed = matches!(c, '\t' | '\n' | '\r') || !c.is_control();
    let noncharacter = (0xFDD0..=0xFDEF).contains(&u) || (u & 0xFFFE) == 0xFFFE;
    // Bidirectional embeddings, overrides and isolates: Vietnamese text never needs them, and
    // they can make a name or a file name read differently from what it is ("…fdp.exe").
    let bidi = matches!(u, 0x202A..=0x202E | 0x2066..=0x2069);
    typed && !noncharacter && !bidi
}

/// The refusal for field `name`, or nothing when `value` is clean. Logged as one line that names
/// the field, never the value. People read the field as the page labels it: the file's name for
/// an upload, else "a field of the form" (the boundary does not know each page's labels, and a
/// field's key such as `t12_results` means nothing to the reader).
pub fn check_field(name: &str, value: &str) -> Result<(), AppError> {
    if value.chars().all(allowed_char) && name.chars().all(allowed_char) {
        return Ok(());
    }
    let shown: String = name.chars().filter(|c| allowed_char(*c)).take(60).collect();
    tracing::warn!(field = %shown, "form refused: a control character or noncharacter in a field");
    let (vi, en) = match name {
        "file" => ("Tên tệp đính kèm", "The attached file's name"),
        _ => ("Một ô trong biểu mẫu", "A field of the form"),
    };
    Err(AppError::refuse(
        format!(
            "{vi} chứa ký tự không hợp lệ (ký tự điều khiển hoặc ký tự ẩn, thường do sao chép từ \
             tệp khác). Hãy xóa ký tự đó rồi gửi lại."
        ),
        format!(
            "{en} contains a character that is not allowed (a control or invisible character, \
             often copied from another file). Remove it and send again."
        ),
    ))
}

/// Longest single-line text a form takes: a name, a title, a subject, a unit.
pub const MAX_LINE: usize = 300;
/// Longest narrative a form takes (a task's results, difficulties, proposals): some twelve pages,
/// well beyond what a body writes in a report, far short of the megabytes a paste can carry.
pub const MAX_TEXT: usize = 20_000;

/// Refuse `value` longer than `max` characters with a 422 naming the field as the page labels it
/// (`vi` and `en`), how long it was and how long it may be. Handlers call this for every free-text
/// field, each with the limit that fits it.
pub fn check_len(vi: &str, en: &str, value: &str, max: usize) -> Result<(), AppError> {
    let n = value.chars().count();
    if n <= max {
        return Ok(());
    }
    Err(AppError::BadRequest(too_long(vi, en, n, max)))
}

/// The message of [`check_len`], for handlers that collect several problems before answering:
/// each language names the field as its page labels it and writes numbers its own way.
pub fn too_long(vi: &str, en: &str, n: usize, max: usize) -> Message {
    let group = |x: usize, sep: char| -> String {
        let digits = x.to_string();
        let mut out = String::new();
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(d);
        }
        out
    };
    Message::new(
        format!(
            "{vi}: dài {} ký tự, tối đa {} ký tự; hãy rút gọn rồi gửi lại.",
            group(n, '.'),
            group(max, '.')
        ),
        format!(
            "{en}: {} characters, at most {}; shorten it and send again.",
            group(n, ','),
            group(max, ',')
        ),
    )
}

/// Text taken from a document rather than typed (a plan pasted or uploaded for import): page
/// breaks from PDF extraction become line breaks and other characters that are not allowed are
/// dropped, so the text can travel through the review's forms.
pub fn document_text(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\u{c}' | '\u{b}' => Some('\n'),
            c if allowed_char(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn check_pairs(raw: &[u8]) -> Result<(), AppError> {
    for (name, value) in form_urlencoded::parse(raw) {
        check_field(&name, &value)?;
    }
    Ok(())
}

fn unreadable(e: &dyn std::fmt::Display) -> AppError {
    tracing::warn!(error.message = %e, "form refused: unreadable");
    AppError::refuse(
        "Biểu mẫu gửi lên không đọc được hoặc thiếu trường bắt buộc. Hãy tải lại trang rồi gửi lại.",
        "The form could not be read or lacks a required field. Reload the page and send again.",
    )
}

/// A URL-encoded form body, checked field by field, then deserialised.
pub struct Form<T>(pub T);

impl<S, T> FromRequest<S> for Form<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| match e.status() {
                axum::http::StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge,
                _ => unreadable(&e),
            })?;
        check_pairs(&bytes)?;
        serde_urlencoded::from_bytes(&bytes)
            .map(Form)
            .map_err(|e| unreadable(&e))
    }
}

/// A query string, checked field by field, then deserialised.
pub struct Query<T>(pub T);

impl<S, T> FromRequestParts<S> for Query<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or_default();
        check_pairs(raw.as_bytes())?;
        serde_urlencoded::from_str(raw)
            .map(Query)
            .map_err(|e| unreadable(&e))
    }
}

/// Path parameters; one that does not read (a word where an id belongs) names no page, so the
/// answer is the site's "not found" page rather than axum's plain-text rejection.
pub struct Path<T>(pub T);

impl<S, T> FromRequestParts<S> for Path<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Path(v))
            .map_err(|_| AppError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_person_types_passes_and_controls_do_not() {
        for ok in [
            "Sở Tư pháp",
            "dòng 1\r\ndòng 2\tcột",
            "😀 ‘trích’ — “dẫn”",
            "",
        ] {
            assert!(check_field("f", ok).is_ok(), "{ok:?}");
        }
        for bad in [
            "a\0b",
            "\u{1}",
            "\u{1B}[31m",
            "\u{7F}",
            "\u{85}",
            "x\u{FFFF}",
            "\u{FFFE}",
            "\u{FDD0}",
            "\u{1FFFF}",
        ] {
            assert!(check_field("f", bad).is_err(), "{bad:?}");
        }
        // A field's key means nothing to the reader: the refusal names no key.
        match check_field("t12_results", "a\0") {
            Err(AppError::BadRequest(m)) => {
                assert!(
                    m.vi.starts_with("Một ô trong biểu mẫu chứa ký tự không hợp lệ"),
                    "{m:?}"
                );
                assert!(
                    m.en.starts_with(
                        "A field of the form contains a character that is not allowed"
                    ),
                    "{m:?}"
                );
                assert!(!m.vi.contains("results") && !m.en.contains("results"));
            }
            other => panic!("{other:?}"),
        }
        match check_field("file", "a\u{202E}fdp.exe") {
            Err(AppError::BadRequest(m)) => {
                assert!(m.vi.starts_with("Tên tệp đính kèm chứa"), "{m:?}");
                assert!(
                    m.en.starts_with("The attached file's name contains"),
                    "{m:?}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lengths_are_refused_with_the_field_and_both_numbers() {
        assert!(check_len("Kết quả", "results", &"x".repeat(MAX_TEXT), MAX_TEXT).is_ok());
        assert!(check_len("Tên", "name", "Sở Tư pháp", 10).is_ok());
        match check_len("Kết quả", "Results", &"x".repeat(5_000_000), MAX_TEXT) {
            Err(AppError::BadRequest(m)) => {
                assert_eq!(
                    m.vi,
                    "Kết quả: dài 5.000.000 ký tự, tối đa 20.000 ký tự; hãy rút gọn rồi gửi lại."
                );
                assert_eq!(
                    m.en,
                    "Results: 5,000,000 characters, at most 20,000; shorten it and send again."
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
