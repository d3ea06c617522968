//! Vietnamese typed in the 8-bit fonts that came before Unicode: TCVN3 (the "ABC" fonts .VnTime,
//! .VnArial …, and their capital-letter twins .VnTimeH, .VnArialH …) and VNI (VNI-Times,
//! VNI-Helve …). A Word document keeps such text as the Windows-1252 characters of the bytes typed
//! (U+00A0–U+00FF; a font declared as a symbol font puts them at U+F0A0–U+F0FF), which only look
//! Vietnamese in that font: "KÕ ho¹ch" is "Kế hoạch" in .VnTime, "Keá hoaïch" in VNI-Times.
//!
//! The tables. TCVN3 here is the font set of TCVN 5712:1993 (its "VN3" repertoire): the 67 small
//! letters with marks at 0xA8–0xFE and the capitals Ă Â Ê Ô Ơ Ư Đ at 0xA1–0xA7; a capital with a
//! tone mark exists only in the "H" fonts, which draw every small letter as a capital (so Word users
//! typed "Ủy" as "ñ" in .VnTimeH followed by "y" in .VnTime). The positions were checked against
//! three independent tables that agree on every one of the 74: the X-TrueType server's
//! `TCVNtoUCS2.c` (XFree86, 1998; it is the fuller VN1 table, whose small letters sit at the same
//! places), `tcvn3Table` in SmartCharsetConverter's `src/Core/Vietnamese.cpp`
//! (github.com/tomwillow/SmartCharsetConverter, bytes as hex) and `TCVN3` in the npm package
//! vietnamese-conversion (github.com/duydev/vietnamese-conversion, `src/charsets.ts`). VNI writes a
//! letter with marks as two bytes, the base letter and a mark character (0xC0–0xDC over a capital,
//! 0xE0–0xFC over a small letter), with a few letters as one byte; the table is `vniTable` of the
//! same SmartCharsetConverter file, cross-checked with xvnkb's `vni.h` (github.com/lamdao/xvnkb).
//! VNI marks are turned into Unicode combining marks and the result put in NFC, which composes
//! them with the letter before, even when Word split the letter and its mark into two runs.
//!
//! Pure and total: every input gives an output, nothing panics.

use unicode_normalization::UnicodeNormalization;

/// A legacy Vietnamese font encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// TCVN 5712:1993 as the ABC fonts (.VnTime …) implement it.
    Tcvn3,
    /// VNI for Windows (VNI-Times …).
    Vni,
}

impl Encoding {
    /// The encoding's usual name, for logs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Tcvn3 => "TCVN3 (ABC)",
            Self::Vni => "VNI",
        }
    }
}

/// What a font's name says about the text set in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FontEncoding {
    pub encoding: Encoding,
    /// An "H" font of TCVN3 (.VnTimeH): every letter is drawn as a capital.
    pub capitals: bool,
}

/// The legacy encoding of a font, by its name: ".Vn…" fonts are TCVN3 (".Vn…H" their capitals),
/// "VNI-…" fonts are VNI. Symbol and dingbat fonts of either family are not text.
pub fn font_encoding(font: &str) -> Option<FontEncoding> {
    let name = font.trim();
    let lower = name.to_ascii_lowercase();
    if lower.contains("symbol") || lower.contains("ding") {
        return None;
    }
    if lower.starts_with(".vn") {
        return Some(FontEncoding {
            encoding: Encoding::Tcvn3,
            capitals: name.ends_with('H'),
        });
    }
    if ["vni-", "vni ", "vni_"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return Some(FontEncoding {
            encoding: Encoding::Vni,
            capitals: false,
        });
    }
    None
}

/// The byte a character of a legacy font stands for, for the upper half (0xA0–0xFF) where both
/// encodings put their letters.
fn high_byte(c: char) -> Option<u8> {
    let u = u32::from(c);
    let low = match u {
        0xA0..=0xFF => u,
        0xF0A0..=0xF0FF => u - 0xF000,
        _ => return None,
    };
    u8::try_from(low).ok()
}

/// TCVN3, bytes 0xA0–0xFF ('\0': not a letter of the font set; the character is kept as it is).
#[rustfmt::skip]
const TCVN3: [char; 96] = [
    // 0xA0
    '\0', 'Ă', 'Â', 'Ê', 'Ô', 'Ơ', 'Ư', 'Đ', 'ă', 'â', 'ê', 'ô', 'ơ', 'ư', 'đ', '\0',
    // 0xB0
    '\0', '\0', '\0', '\0', '\0', 'à', 'ả', 'ã', 'á', 'ạ', '\0', 'ằ', 'ẳ', 'ẵ', 'ắ', '\0',
    // 0xC0
    '\0', '\0', '\0', '\0', '\0', '\0', 'ặ', 'ầ', 'ẩ', 'ẫ', 'ấ', 'ậ', 'è', '\0', 'ẻ', 'ẽ',
    // 0xD0
    'é', 'ẹ', 'ề', 'ể', 'ễ', 'ế', 'ệ', 'ì', 'ỉ', '\0', '\0', '\0', 'ĩ', 'í', 'ị', 'ò',
    // 0xE0
    '\0', 'ỏ', 'õ', 'ó', 'ọ', 'ồ', 'ổ', 'ỗ', 'ố', 'ộ', 'ờ', 'ở', 'ỡ', 'ớ', 'ợ', 'ù',
    // 0xF0
    '\0', 'ủ', 'ũ', 'ú', 'ụ', 'ừ', 'ử', 'ữ', 'ứ', 'ự', 'ỳ', 'ỷ', 'ỹ', 'ý', 'ỵ', '\0',
];

/// VNI, bytes 0xC0–0xFF: a letter, or the combining marks a mark character stands for ("": not
/// part of the encoding; the character is kept as it is). Marks: U+0300 grave, U+0301 acute,
/// U+0302 circumflex, U+0303 tilde, U+0306 breve, U+0309 hook above, U+0323 dot below.
#[rustfmt::skip]
const VNI: [&str; 64] = [
    // 0xC0: circumflex with a tone, circumflex, Ỉ, breve with a tone, breve, Ì Í Ỵ, dot below
    "\u{302}\u{300}", "\u{302}\u{301}", "\u{302}", "\u{302}\u{303}",
    "\u{302}\u{323}", "\u{302}\u{309}", "Ỉ", "",
    "\u{306}\u{300}", "\u{306}\u{301}", "\u{306}", "\u{306}\u{323}",
    "Ì", "Í", "Ỵ", "\u{323}",
    // 0xD0: Đ Ị Ĩ Ơ, tilde, Ư, grave, acute, breve with hook, hook, breve with tilde
    "", "Đ", "Ị", "Ĩ",
    "Ơ", "\u{303}", "Ư", "",
    "\u{300}", "\u{301}", "\u{306}\u{309}", "\u{309}",
    "\u{306}\u{303}", "", "", "",
    // 0xE0: the same over small letters
    "\u{302}\u{300}", "\u{302}\u{301}", "\u{302}", "\u{302}\u{303}",
    "\u{302}\u{323}", "\u{302}\u{309}", "ỉ", "",
    "\u{306}\u{300}", "\u{306}\u{301}", "\u{306}", "\u{306}\u{323}",
    "ì", "í", "ỵ", "\u{323}",
    // 0xF0
    "", "đ", "ị", "ĩ",
    "ơ", "\u{303}", "ư", "",
    "\u{300}", "\u{301}", "\u{306}\u{309}", "\u{309}",
    "\u{306}\u{303}", "", "", "",
];

/// One character of a TCVN3 font, as Unicode (small letters unless `capitals`).
fn tcvn3_char(c: char, capitals: bool, out: &mut String) {
    let mapped = high_byte(c)
        .and_then(|b| TCVN3.get(usize::from(b) - 0xA0).copied())
        .filter(|&m| m != '\0')
        .unwrap_or(c);
    if capitals {
        out.extend(mapped.to_uppercase());
    } else {
        out.push(mapped);
    }
}

/// One character of a VNI font: a letter, or combining marks for the letter before.
fn vni_char(c: char, out: &mut String) {
    match high_byte(c)
        .and_then(|b| b.checked_sub(0xC0))
        .and_then(|i| VNI.get(usize::from(i)))
    {
        Some(s) if !s.is_empty() => out.push_str(s),
        _ => out.push(c),
    }
}

/// Append a run of text set in a font of `encoding` (TCVN3 or VNI) as Unicode. VNI marks come out
/// as combining marks: put the finished text in NFC (the DOCX reader does so per paragraph).
pub fn push_decoded(text: &str, font: FontEncoding, out: &mut String) {
    match font.encoding {
        Encoding::Tcvn3 => text.chars().for_each(|c| tcvn3_char(c, font.capitals, out)),
        Encoding::Vni => text.chars().for_each(|c| vni_char(c, out)),
    }
}

/// Append a run whose ASCII characters are set in one font and the others in another (Word's
/// `w:ascii` and `w:hAnsi`): the legacy letters are all above ASCII, and an "H" font draws its
/// ASCII letters as capitals.
pub fn push_run(
    text: &str,
    ascii: Option<FontEncoding>,
    other: Option<FontEncoding>,
    out: &mut String,
) {
    let ascii_caps = ascii.is_some_and(|f| f.capitals);
    for c in text.chars() {
        if c.is_ascii() {
            out.push(if ascii_caps {
                c.to_ascii_uppercase()
            } else {
                c
            });
            continue;
        }
        match other {
            Some(FontEncoding {
                encoding: Encoding::Tcvn3,
                capitals,
            }) => tcvn3_char(c, capitals, out),
            Some(FontEncoding {
                encoding: Encoding::Vni,
                ..
            }) => vni_char(c, out),
            None => out.push(c),
        }
    }
}

/// A whole text in TCVN3 (small-letter fonts) as Unicode NFC.
pub fn tcvn3_to_unicode(text: &str) -> String {
    decode_nfc(text, Encoding::Tcvn3)
}

/// A whole text in VNI as Unicode NFC.
pub fn vni_to_unicode(text: &str) -> String {
    decode_nfc(text, Encoding::Vni)
}

fn decode_nfc(text: &str, encoding: Encoding) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    push_decoded(
        text,
        FontEncoding {
            encoding,
            capitals: false,
        },
        &mut out,
    );
    out.nfc().collect()
}

/// A letter (or combining mark) that only Unicode Vietnamese text has: ă â-with-tone … đ ơ ư, the
/// letters of Latin Extended Additional, and the combining tone marks.
fn unicode_vietnamese(c: char) -> bool {
    matches!(
        u32::from(c),
        0x0102 | 0x0103 | 0x0110 | 0x0111 | 0x0128 | 0x0129 | 0x0168 | 0x0169
            | 0x01A0 | 0x01A1 | 0x01AF | 0x01B0 | 0x0300..=0x0303 | 0x0309 | 0x0323
            | 0x1EA0..=0x1EF9
    )
}

/// A character that TCVN3 text is full of and ordinary text in a Western language hardly has:
/// á à ả ã ạ ă â ê ơ ư đ and the capitals' signs of TCVN3 (¸ µ ¶ · ¹ ¨ © ª ¬ ­ ® ¡–§, ¼ ½ ¾ ×).
/// « and » (French quotes) are left out although TCVN3 uses « for ô.
fn tcvn3_sign(c: char) -> bool {
    matches!(
        u32::from(c),
        0xA1..=0xA9 | 0xAA | 0xAC | 0xAD | 0xAE | 0xB5..=0xB9 | 0xBC..=0xBE | 0xD7
    )
}

/// A capital that TCVN3 uses for a small letter with a tone (Õ for ế, Ö for ệ …) right after a
/// small letter, as in "hiÖn" — in Western text a capital with an accent never follows a small
/// letter inside a word.
fn tcvn3_inner_capital(prev: char, c: char) -> bool {
    prev.is_lowercase()
        && high_byte(c).is_some_and(|b| {
            (0xC6..=0xDE).contains(&b)
                && TCVN3.get(usize::from(b) - 0xA0).is_some_and(|&m| m != '\0')
        })
}

/// Whether a text is clearly TCVN3 read as Windows-1252: no letter of Unicode Vietnamese at all,
/// and TCVN3's characteristic characters, each beside a letter as the letters they stand for are,
/// in at least one word of eight (and at least eight of them). Conservative: ordinary Unicode
/// Vietnamese, English, French or German text is never taken for it, nor a price list's £ and ©.
pub fn looks_tcvn3(text: &str) -> bool {
    let mut words = 0usize;
    let mut signs = 0usize;
    let mut prev = ' ';
    let mut cur: Option<char> = None;
    for next in text.chars().chain(std::iter::once(' ')) {
        if unicode_vietnamese(next) {
            return false;
        }
        if let Some(c) = cur {
            if !c.is_whitespace() && prev.is_whitespace() {
                words += 1;
            }
            let beside_letter = prev.is_alphabetic() || next.is_alphabetic();
            if (tcvn3_sign(c) && beside_letter) || tcvn3_inner_capital(prev, c) {
                signs += 1;
            }
            prev = c;
        }
        cur = Some(next);
    }
    signs >= 8 && signs * 8 >= words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nfc(s: &str) -> String {
        s.nfc().collect()
    }

    /// Every small letter of Vietnamese, written in TCVN3 bytes (as Windows-1252 characters).
    #[test]
    fn tcvn3_table_is_complete() {
        let latin1: String = [
            0xB5u8, 0xB8, 0xB6, 0xB7, 0xB9, // à á ả ã ạ
            0xA8, 0xBB, 0xBE, 0xBC, 0xBD, 0xC6, // ă ằ ắ ẳ ẵ ặ
            0xA9, 0xC7, 0xCA, 0xC8, 0xC9, 0xCB, // â ầ ấ ẩ ẫ ậ
            0xAE, // đ
            0xCC, 0xD0, 0xCE, 0xCF, 0xD1, // è é ẻ ẽ ẹ
            0xAA, 0xD2, 0xD5, 0xD3, 0xD4, 0xD6, // ê ề ế ể ễ ệ
            0xD7, 0xDD, 0xD8, 0xDC, 0xDE, // ì í ỉ ĩ ị
            0xDF, 0xE3, 0xE1, 0xE2, 0xE4, // ò ó ỏ õ ọ
            0xAB, 0xE5, 0xE8, 0xE6, 0xE7, 0xE9, // ô ồ ố ổ ỗ ộ
            0xAC, 0xEA, 0xED, 0xEB, 0xEC, 0xEE, // ơ ờ ớ ở ỡ ợ
            0xEF, 0xF3, 0xF1, 0xF2, 0xF4, // ù ú ủ ũ ụ
            0xAD, 0xF5, 0xF8, 0xF6, 0xF7, 0xF9, // ư ừ ứ ử ữ ự
            0xFA, 0xFD, 0xFB, 0xFC, 0xFE, // ỳ ý ỷ ỹ ỵ
            0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, // Ă Â Ê Ô Ơ Ư Đ
        ]
        .iter()
        .map(|&b| char::from(b))
        .collect();
        assert_eq!(
            tcvn3_to_unicode(&latin1),
            "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂÊÔƠƯĐ"
        );
        let mapped = TCVN3.iter().filter(|&&c| c != '\0').count();
        assert_eq!(mapped, 74);
    }

    #[test]
    fn tcvn3_words_and_capital_fonts() {
        assert_eq!(
            tcvn3_to_unicode("KÕ ho¹ch thùc hiÖn c«ng t¸c phæ biÕn, gi¸o dôc ph¸p luËt n¨m 2026"),
            "Kế hoạch thực hiện công tác phổ biến, giáo dục pháp luật năm 2026"
        );
        assert_eq!(tcvn3_to_unicode("Së T\u{AD} ph¸p"), "Sở Tư pháp");
        let mut out = String::new();
        let h = FontEncoding {
            encoding: Encoding::Tcvn3,
            capitals: true,
        };
        push_run("kÕ ho¹ch", Some(h), Some(h), &mut out);
        assert_eq!(out, "KẾ HOẠCH");
        // A symbol-font copy of the bytes (U+F0xx) reads the same.
        assert_eq!(tcvn3_to_unicode("\u{F0B8}"), "á");
        // Characters outside the font set are kept.
        assert_eq!(tcvn3_to_unicode("a € “b” 1/2"), "a € “b” 1/2");
    }

    /// Every letter of Vietnamese in VNI, capitals and small, against NFC Unicode.
    #[test]
    fn vni_table_is_complete() {
        let cases: &[(&[u8], &str)] = &[
            (b"A\xD8A\xD9A\xDBA\xD5A\xCF", "ÀÁẢÃẠ"),
            (b"A\xCAA\xC8A\xC9A\xDAA\xDCA\xCB", "ĂẰẮẲẴẶ"),
            (b"A\xC2A\xC0A\xC1A\xC5A\xC3A\xC4", "ÂẦẤẨẪẬ"),
            (b"E\xD8E\xD9E\xDBE\xD5E\xCF", "ÈÉẺẼẸ"),
            (b"E\xC2E\xC0E\xC1E\xC5E\xC3E\xC4", "ÊỀẾỂỄỆ"),
            (b"\xCC\xCD\xC6\xD3\xD2", "ÌÍỈĨỊ"),
            (b"O\xD8O\xD9O\xDBO\xD5O\xCF", "ÒÓỎÕỌ"),
            (b"O\xC2O\xC0O\xC1O\xC5O\xC3O\xC4", "ÔỒỐỔỖỘ"),
            (b"\xD4\xD4\xD8\xD4\xD9\xD4\xDB\xD4\xD5\xD4\xCF", "ƠỜỚỞỠỢ"),
            (b"U\xD8U\xD9U\xDBU\xD5U\xCF", "ÙÚỦŨỤ"),
            (b"\xD6\xD6\xD8\xD6\xD9\xD6\xDB\xD6\xD5\xD6\xCF", "ƯỪỨỬỮỰ"),
            (b"Y\xD8Y\xD9Y\xDBY\xD5\xCE", "ỲÝỶỸỴ"),
            (b"\xD1", "Đ"),
            (b"a\xF8a\xF9a\xFBa\xF5a\xEF", "àáảãạ"),
            (b"a\xEAa\xE8a\xE9a\xFAa\xFCa\xEB", "ăằắẳẵặ"),
            (b"a\xE2a\xE0a\xE1a\xE5a\xE3a\xE4", "âầấẩẫậ"),
            (b"e\xF8e\xF9e\xFBe\xF5e\xEF", "èéẻẽẹ"),
            (b"e\xE2e\xE0e\xE1e\xE5e\xE3e\xE4", "êềếểễệ"),
            (b"\xEC\xED\xE6\xF3\xF2", "ìíỉĩị"),
            (b"o\xF8o\xF9o\xFBo\xF5o\xEF", "òóỏõọ"),
            (b"o\xE2o\xE0o\xE1o\xE5o\xE3o\xE4", "ôồốổỗộ"),
            (b"\xF4\xF4\xF8\xF4\xF9\xF4\xFB\xF4\xF5\xF4\xEF", "ơờớởỡợ"),
            (b"u\xF8u\xF9u\xFBu\xF5u\xEF", "ùúủũụ"),
            (b"\xF6\xF6\xF8\xF6\xF9\xF6\xFB\xF6\xF5\xF6\xEF", "ưừứửữự"),
            (b"y\xF8y\xF9y\xFBy\xF5\xEE", "ỳýỷỹỵ"),
            (b"\xF1", "đ"),
        ];
        for (bytes, want) in cases {
            let latin1: String = bytes.iter().map(|&b| char::from(b)).collect();
            assert_eq!(vni_to_unicode(&latin1), *want, "{latin1}");
            assert_eq!(nfc(want), *want);
        }
        assert_eq!(
            vni_to_unicode("Keá hoaïch thöïc hieän Sôû Tö phaùp"),
            "Kế hoạch thực hiện Sở Tư pháp"
        );
    }

    #[test]
    fn fonts_by_name() {
        let f = |n| font_encoding(n);
        assert_eq!(
            f(".VnTime"),
            Some(FontEncoding {
                encoding: Encoding::Tcvn3,
                capitals: false
            })
        );
        assert!(f(".VnTimeH").is_some_and(|e| e.capitals));
        assert!(f(".VnArial NarrowH").is_some_and(|e| e.capitals));
        assert!(f(".VnArial").is_some_and(|e| !e.capitals));
        assert_eq!(f("VNI-Times").map(|e| e.encoding), Some(Encoding::Vni));
        assert_eq!(
            f("VNI-Helve-Condense").map(|e| e.encoding),
            Some(Encoding::Vni)
        );
        for other in [
            "Times New Roman",
            "Arial",
            "VnTimes?",
            ".VnSymbol",
            "Vnexpress",
            "",
        ] {
            assert_eq!(f(other), None, "{other}");
        }
    }

    #[test]
    fn only_clear_tcvn3_is_recognised() {
        let tcvn3 = "KÕ ho¹ch thùc hiÖn c«ng t¸c phæ biÕn, gi¸o dôc ph¸p luËt n¨m 2026 cña Uû ban nh©n d©n tØnh";
        assert!(looks_tcvn3(tcvn3));
        for text in [
            "Kế hoạch thực hiện công tác phổ biến, giáo dục pháp luật năm 2026 của Ủy ban nhân dân tỉnh",
            "The committee's plan for 2026 covers legal education, dissemination and the courts.",
            "À l'école, l'élève étudie le français : « Où est la bibliothèque ? » — déjà, très, naïf, Noël, garçon, forêt, être, coût, été, août, Mañana.",
            "Über die Straße gehen Öl, Äpfel und Müller; Größe, schön, fünf, weiß, Ärger, Übung, für, hören.",
            "© 2026 Company® – Price: £5, ¥100, § 3 ¶ 2, ½ cup, 3×4, l·l, ¼ ¾ ª º",
            "¡Hola! ¿Qué tal? El niño comió piñata en la montaña; ¡qué año! Mañana, señor.",
            "",
        ] {
            assert!(!looks_tcvn3(text), "{text}");
        }
        // One Unicode Vietnamese letter is enough to leave a text alone.
        assert!(!looks_tcvn3(&format!("{tcvn3} Hà Nội")));
    }
}
