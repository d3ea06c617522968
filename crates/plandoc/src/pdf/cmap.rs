//! A font's ToUnicode CMap: which text each character code stands for. LibreOffice, Word and most
//! PDF printers subset their fonts and number the glyphs 1, 2, 3 …, so without this map a
//! Vietnamese PDF reads as noise.

use std::collections::HashMap;

/// Codes mapped one by one, ranges and the code lengths of the code space.
#[derive(Debug, Default)]
pub struct ToUnicode {
    chars: HashMap<(u8, u32), String>,
    ranges: Vec<Range>,
    /// (length in bytes, low, high) of each code space range.
    space: Vec<(u8, u32, u32)>,
}

#[derive(Debug)]
struct Range {
    len: u8,
    lo: u32,
    hi: u32,
    to: Target,
}

#[derive(Debug)]
enum Target {
    /// The first code's UTF-16; later codes add their offset to the last unit.
    Start(Vec<u16>),
    List(Vec<String>),
}

/// Enough for any real font (a CJK font maps some 30 000 codes); more is a hostile file.
const MAX_ENTRIES: usize = 100_000;

impl ToUnicode {
    /// The text of `code`, a code of `len` bytes.
    pub fn get(&self, len: u8, code: u32) -> Option<String> {
        if let Some(s) = self.chars.get(&(len, code)) {
            return Some(s.clone());
        }
        // Ranges are sorted by (length, first code): the one that may hold `code` is the last
        // that starts at or before it.
        let at = self
            .ranges
            .partition_point(|r| (r.len, r.lo) <= (len, code));
        at.checked_sub(1)
            .and_then(|i| self.ranges.get(i))
            .filter(|r| r.len == len && (r.lo..=r.hi).contains(&code))
            .and_then(|r| match &r.to {
                Target::Start(units) => {
                    let mut units = units.clone();
                    let last = units.last_mut()?;
                    *last = last.checked_add(u16::try_from(code - r.lo).ok()?)?;
                    Some(utf16(&units))
                }
                Target::List(list) => list.get(usize::try_from(code - r.lo).ok()?).cloned(),
            })
    }

    /// The length of the code that starts `bytes`, from the code space ranges; `None` when the
    /// CMap declares none.
    pub fn code_len(&self, bytes: &[u8]) -> Option<u8> {
        if self.space.is_empty() {
            return None;
        }
        for len in 1..=4u8 {
            let Some(code) = bytes.get(..usize::from(len)).map(be) else {
                break;
            };
            if self
                .space
                .iter()
                .any(|&(l, lo, hi)| l == len && (lo..=hi).contains(&code))
            {
                return Some(len);
            }
        }
        // A code outside every range: the shortest length declared, as readers do.
        self.space.iter().map(|s| s.0).min()
    }
}

fn be(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
}

fn utf16(units: &[u16]) -> String {
    char::decode_utf16(units.iter().copied())
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

fn text_of(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| match c {
            [a, b] => u16::from_be_bytes([*a, *b]),
            [a] => u16::from(*a),
            _ => 0,
        })
        .collect();
    utf16(&units)
}

#[derive(Debug, PartialEq)]
enum Token {
    Hex(Vec<u8>),
    Open,
    Close,
    Word(Vec<u8>),
}

/// Tokens of a CMap: hex strings, array brackets and words (operators, numbers, names). Literal
/// strings and dictionaries are skipped: nothing this reader needs is written with them.
fn tokens(data: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = data.get(i) {
        match c {
            b'%' => {
                while data.get(i).is_some_and(|&c| c != b'\n' && c != b'\r') {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => i += 2,
            b'>' if data.get(i + 1) == Some(&b'>') => i += 2,
            b'<' => {
                let mut digits = Vec::new();
                i += 1;
                while let Some(&d) = data.get(i) {
                    i += 1;
                    if d == b'>' {
                        break;
                    }
                    if let Some(v) = (d as char).to_digit(16) {
                        digits.push(v as u8);
                    }
                }
                if digits.len() % 2 == 1 {
                    digits.push(0);
                }
                out.push(Token::Hex(
                    digits.chunks(2).map(|p| (p[0] << 4) | p[1]).collect(),
                ));
            }
            b'(' => {
                let mut depth = 0usize;
                while let Some(&d) = data.get(i) {
                    i += 1;
                    match d {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            b'[' => {
                out.push(Token::Open);
                i += 1;
            }
            b']' => {
                out.push(Token::Close);
                i += 1;
            }
            c if c.is_ascii_whitespace() || c == b'>' || c == b'{' || c == b'}' => i += 1,
            _ => {
                let start = i;
                while data.get(i).is_some_and(|&d| {
                    !d.is_ascii_whitespace() && !b"<>[]()%{}/".contains(&d) || (i == start)
                }) {
                    i += 1;
                }
                out.push(Token::Word(data.get(start..i).unwrap_or_default().to_vec()));
            }
        }
    }
    out
}

/// Read a ToUnicode CMap. What cannot be read is left out; the rest still maps.
pub fn parse(data: &[u8]) -> ToUnicode {
    let toks = tokens(data);
    let mut map = ToUnicode::default();
    let mut entries = 0usize;
    let mut i = 0;
    while let Some(t) = toks.get(i) {
        i += 1;
        let Token::Word(w) = t else { continue };
        match w.as_slice() {
            b"begincodespacerange" => {
                while let (Some(Token::Hex(lo)), Some(Token::Hex(hi))) =
                    (toks.get(i), toks.get(i + 1))
                {
                    i += 2;
                    if let Ok(len) = u8::try_from(lo.len())
                        && (1..=4).contains(&len)
                        && lo.len() == hi.len()
                        && map.space.len() < 64
                    {
                        map.space.push((len, be(lo), be(hi)));
                    }
                }
            }
            b"beginbfchar" => {
                while let (Some(Token::Hex(src)), Some(Token::Hex(dst))) =
                    (toks.get(i), toks.get(i + 1))
                {
                    i += 2;
                    entries += 1;
                    if entries > MAX_ENTRIES {
                        break;
                    }
                    if let Ok(len) = u8::try_from(src.len())
                        && (1..=4).contains(&len)
                    {
                        map.chars.insert((len, be(src)), text_of(dst));
                    }
                }
            }
            b"beginbfrange" => {
                while let (Some(Token::Hex(lo)), Some(Token::Hex(hi))) =
                    (toks.get(i), toks.get(i + 1))
                {
                    i += 2;
                    let Ok(len) = u8::try_from(lo.len()) else {
                        break;
                    };
                    let (lo, hi) = (be(lo), be(hi));
                    let to = match toks.get(i) {
                        Some(Token::Hex(dst)) => {
                            i += 1;
                            let units: Vec<u16> = dst
                                .chunks(2)
                                .map(|c| match c {
                                    [a, b] => u16::from_be_bytes([*a, *b]),
                                    [a] => u16::from(*a),
                                    _ => 0,
                                })
                                .collect();
                            Target::Start(units)
                        }
                        Some(Token::Open) => {
                            i += 1;
                            let mut list = Vec::new();
                            while let Some(Token::Hex(dst)) = toks.get(i) {
                                i += 1;
                                list.push(text_of(dst));
                            }
                            if toks.get(i) == Some(&Token::Close) {
                                i += 1;
                            }
                            Target::List(list)
                        }
                        _ => break,
                    };
                    entries += usize::try_from(hi.saturating_sub(lo))
                        .unwrap_or(usize::MAX)
                        .min(MAX_ENTRIES)
                        + 1;
                    if entries > MAX_ENTRIES {
                        break;
                    }
                    if (1..=4).contains(&len) && lo <= hi {
                        map.ranges.push(Range { len, lo, hi, to });
                    }
                }
            }
            _ => {}
        }
    }
    map.ranges.sort_by_key(|r| (r.len, r.lo));
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chars_ranges_and_code_space() {
        let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
            /CMapName /Adobe-Identity-UCS def
            1 begincodespacerange <0000> <FFFF> endcodespacerange
            3 beginbfchar <0003> <0020> <0011> <1EC7> <0012> <0065 0302 0323> endbfchar
            2 beginbfrange <0020> <0022> <0041> <0030> <0031> [<01B0> <0111>] endbfrange
            endcmap CMapName currentdict /CMap defineresource pop end end";
        let m = parse(cmap);
        assert_eq!(m.get(2, 0x11).as_deref(), Some("ệ"));
        assert_eq!(m.get(2, 0x12).as_deref(), Some("e\u{302}\u{323}"));
        assert_eq!(m.get(2, 0x21).as_deref(), Some("B"));
        assert_eq!(m.get(2, 0x31).as_deref(), Some("đ"));
        assert_eq!(m.get(2, 0x40), None);
        assert_eq!(m.get(1, 0x11), None);
        assert_eq!(m.code_len(&[0, 0x11]), Some(2));
    }

    #[test]
    fn damaged_maps_never_panic() {
        for data in [
            &b"beginbfrange <00> <FF> endbfrange"[..],
            b"beginbfrange <FFFFFFFF> <00000000> <0041> endbfrange",
            b"beginbfchar <0102030405> <41> endbfchar",
            b"begincodespacerange <00> endcodespacerange",
            b"<<<<(((\\",
            b"beginbfrange <0000> <FFFF> [<0041>] endbfrange",
        ] {
            let m = parse(data);
            let _ = m.get(1, 0);
            let _ = m.get(2, 0xFFFF);
            let _ = m.code_len(&[0xFF]);
        }
        let m = parse(b"beginbfrange <0000> <FFFF> <FFFF> endbfrange");
        assert_eq!(
            m.get(2, 5),
            None,
            "an offset past the last UTF-16 unit maps to nothing"
        );
    }
}
