//! Turning the bytes of a file into text, or a clear reason why not.
//!
//! Plan texts come from PDF extraction, Word's "save as text" (UTF-16 with a byte-order mark on
//! Windows) and web pages. Anything that is not text is refused before parsing.

use crate::ParseError;

/// The largest plan text accepted. A real plan with its appendices is well under 1 MB of text;
/// 16 MiB leaves room for long compiled plans while refusing whatever was picked by mistake.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// Decode a file's bytes: UTF-8 (with or without BOM) or UTF-16 LE/BE with BOM.
pub fn decode(bytes: &[u8]) -> Result<String, ParseError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(ParseError::TooLarge {
            size: bytes.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let text = match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => utf8(rest)?,
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes)?,
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes)?,
        _ => utf8(bytes)?,
    };
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    if looks_binary(&text) {
        return Err(ParseError::Binary);
    }
    Ok(text)
}

fn utf8(bytes: &[u8]) -> Result<String, ParseError> {
    if bytes.contains(&0) {
        return Err(ParseError::Binary);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(ParseError::InvalidUtf8 {
            offset: e.valid_up_to(),
        }),
    }
}

fn utf16(bytes: &[u8], word: fn([u8; 2]) -> u16) -> Result<String, ParseError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(ParseError::InvalidUtf16);
    }
    let units = bytes.chunks_exact(2).map(|c| word([c[0], c[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|_| ParseError::InvalidUtf16)
}

/// Control characters other than white space mean the bytes are not a text document.
fn looks_binary(text: &str) -> bool {
    let mut control = 0usize;
    let mut total = 0usize;
    for c in text.chars().take(64 * 1024) {
        total += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{000C}') {
            control += 1;
        }
    }
    control * 100 > total.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        let s = "KẾ HOẠCH thử";
        assert_eq!(decode(s.as_bytes()).ok().as_deref(), Some(s));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(s.as_bytes());
        assert_eq!(decode(&bom).ok().as_deref(), Some(s));
        let mut le = vec![0xFF, 0xFE];
        le.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le).ok().as_deref(), Some(s));
        let mut be = vec![0xFE, 0xFF];
        be.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be).ok().as_deref(), Some(s));
    }

    #[test]
    fn refusals() {
        assert!(matches!(decode(b""), Err(ParseError::Empty)));
        assert!(matches!(decode(b" \n\n \t"), Err(ParseError::Empty)));
        assert!(matches!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(ParseError::Binary)
        ));
        assert!(matches!(
            decode(b"abc \xC3\x28 def"),
            Err(ParseError::InvalidUtf8 { offset: 4 })
        ));
        assert!(matches!(
            decode(&[0xFF, 0xFE, 0x41]),
            Err(ParseError::InvalidUtf16)
        ));
        // An unpaired surrogate.
        assert!(matches!(
            decode(&[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]),
            Err(ParseError::InvalidUtf16)
        ));
        let big = vec![b'a'; MAX_INPUT_BYTES + 1];
        assert!(matches!(decode(&big), Err(ParseError::TooLarge { .. })));
        let controls: String = std::iter::repeat_n('\u{0001}', 50)
            .chain("abc".chars())
            .collect();
        assert!(matches!(
            decode(controls.as_bytes()),
            Err(ParseError::Binary)
        ));
    }
}
