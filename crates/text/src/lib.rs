//! Vietnamese text normalisation: the one module that every part of theodoi uses to compare text.
//!
//! Text reaches theodoi from PDF extraction, Word, web pages and keyboards, so the same name arrives in
//! several byte forms: NFD from macOS and PDFs, two tone-mark styles ("Văn hóa" and "Văn hoá", see
//! `domain-notes` §4), non-breaking spaces, en dashes for hyphens, and abbreviations ("UBND" for
//! "Ủy ban nhân dân"). Three levels of normal form serve three purposes:
//!
//! * [`clean`] — for display and storage: NFC, one kind of space and dash, trimmed. It never changes
//!   letters, so historical and source text stays as written.
//! * [`key`] — for identity and matching: lower case, one canonical tone-mark placement, abbreviations
//!   expanded. "Sở Văn hoá và Thể thao" and "Sở Văn hóa và Thể thao" have one key.
//! * [`fold`] — for search recall: the key without diacritics (đ → d). Used beside the key, never instead.
//!
//! And one order: [`collate`], the Vietnamese alphabetical sort key every list sorts names by.
//!
//! And one way to say things to people: [`Message`], a message in Vietnamese and English, shown
//! in the reader's [`Lang`].

mod collation;
mod message;
pub use collation::{collate, collate_cmp};
pub use message::{Lang, Message};

use unicode_normalization::UnicodeNormalization;

/// Clean text for display and storage: NFC, space and dash variants unified, runs of white space
/// collapsed to one space, zero-width characters removed, trimmed. Letters are never changed.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfc() {
        match c {
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => {}
            c if c.is_whitespace() => pending_space = true,
            c => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(unify_dash(c));
            }
        }
    }
    out
}

/// Hyphen-like characters that PDF extraction and word processors produce in place of '-'.
fn unify_dash(c: char) -> char {
    match c {
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => '-',
        c => c,
    }
}

/// Matching key: [`clean`], lower case, abbreviations expanded, and the tone mark of open `oa`, `oe`
/// and `uy` syllables placed on the second vowel (the placement of QĐ 1989/QĐ-BGDĐT, "hoá", "thuỷ").
/// Punctuation other than letters, digits, '/' and '-' becomes a space so "Sở Tư pháp." and
/// "Sở Tư pháp" match.
pub fn key(s: &str) -> String {
    let cleaned = clean(s);
    let mut out = String::with_capacity(cleaned.len() + 8);
    for token in tokens(&cleaned) {
        let word = match token {
            Token::Word(w) => w,
            Token::Other(o) => {
                out.push_str(&o);
                continue;
            }
        };
        if let Some(expansion) = expand_abbreviation(word) {
            out.push_str(expansion);
            continue;
        }
        out.push_str(&canonical_tone(&word.to_lowercase()));
    }
    // Collapse the spaces that punctuation removal left behind.
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Diacritic-free search key: [`key`] with every mark removed and đ → d.
pub fn fold(s: &str) -> String {
    strip_marks(&key(s))
}

/// Lower case without marks, one output char per input char (for NFC text): offsets found in the
/// result are offsets into the input, so a phrase can be found without marks and cut from the
/// original with its marks.
pub fn fold_chars(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        let base = match c {
            'đ' | 'Đ' => 'd',
            c => {
                // The first char of the canonical decomposition is the base letter.
                let mut first = None;
                unicode_normalization::char::decompose_canonical(c, |d| {
                    first.get_or_insert(d);
                });
                first.unwrap_or(c)
            }
        };
        let mut lower = base.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) => out.push(l),
            _ => out.push(base),
        }
    }
    out
}

/// Remove every combining mark and map đ/Đ to d/D, keeping case.
pub fn strip_marks(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

enum Token<'a> {
    Word(&'a str),
    Other(String),
}

/// Split into words (letters and digits, with '/' and '-' inside document symbols such as
/// "14/KH-UBND") and separators, which become a single space.
fn tokens(s: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        let is_word = c.is_alphanumeric() || is_combining_mark(c);
        // '/' keeps a document symbol ("14/KH-UBND") in one word, and so does '-' after a '/';
        // elsewhere a hyphen separates words ("kinh tế-xã hội" = "kinh tế - xã hội").
        let joins = start.is_some_and(|st| c == '/' || (c == '-' && s[st..i].contains('/')))
            && next_is_alnum(s, i + c.len_utf8());
        if is_word || joins {
            if start.is_none() {
                start = Some(i);
            }
        } else {
            if let Some(st) = start.take() {
                out.push(Token::Word(&s[st..i]));
            }
            out.push(Token::Other(if c == '-' {
                " - ".into()
            } else {
                " ".into()
            }));
        }
    }
    if let Some(st) = start {
        out.push(Token::Word(&s[st..]));
    }
    out
}

fn next_is_alnum(s: &str, at: usize) -> bool {
    s[at..].chars().next().is_some_and(char::is_alphanumeric)
}

/// Abbreviations used in plan texts for bodies. Matched on the whole word, in capitals, as written.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("UBND", "uỷ ban nhân dân"),
    ("HĐND", "hội đồng nhân dân"),
    ("TAND", "toà án nhân dân"),
    ("VKSND", "viện kiểm sát nhân dân"),
    ("UBMTTQ", "uỷ ban mặt trận tổ quốc"),
    ("MTTQ", "mặt trận tổ quốc"),
    ("THADS", "thi hành án dân sự"),
    ("TP", "thành phố"),
    ("TP.", "thành phố"),
];

fn expand_abbreviation(word: &str) -> Option<&'static str> {
    let nfc: String = word.nfc().collect();
    ABBREVIATIONS
        .iter()
        .find(|(abbr, _)| *abbr == nfc)
        .map(|(_, expansion)| *expansion)
}

/// The five Vietnamese tone marks as combining characters.
fn is_tone_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}' | '\u{0301}' | '\u{0303}' | '\u{0309}' | '\u{0323}'
    )
}

fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

/// Move the tone mark of a lower-case word ending in open `oa`, `oe` or `uy` onto the second vowel.
/// With a final consonant ("hoàng", "thuyền") both styles agree, so nothing moves. "qu" + y keeps the
/// mark on y in both styles already.
fn canonical_tone(word: &str) -> String {
    let decomposed: Vec<char> = word.nfd().collect();
    let Some(tone_at) = decomposed.iter().position(|c| is_tone_mark(*c)) else {
        return word.to_string();
    };
    let tone = decomposed[tone_at];
    let base: Vec<char> = decomposed
        .iter()
        .copied()
        .filter(|c| !is_tone_mark(*c))
        .collect();
    // Base letters only (no marks at all) tell us the syllable shape; circumflex or breve on the
    // vowels ("oă", "uâ") means it is not one of the ambiguous pairs.
    let letters: Vec<char> = base
        .iter()
        .copied()
        .filter(|c| !is_combining_mark(*c))
        .collect();
    let n = letters.len();
    if n < 2 || base.len() != n {
        return word.to_string();
    }
    let (v1, v2) = (letters[n - 2], letters[n - 1]);
    let ambiguous = matches!((v1, v2), ('o', 'a') | ('o', 'e') | ('u', 'y'));
    let after_q = n >= 3 && letters[n - 3] == 'q';
    if !ambiguous || after_q {
        return word.to_string();
    }
    let mut out: Vec<char> = letters;
    out.push(tone);
    out.iter().collect::<String>().nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_table() {
        let cases: &[(&str, &str)] = &[
            ("  Sở  Tư\u{00A0}pháp \n", "Sở Tư pháp"),
            ("2025\u{2013}2030", "2025-2030"),
            ("kinh tế \u{2014} xã hội", "kinh tế - xã hội"),
            // NFD input (as macOS and many PDFs write it) becomes NFC.
            ("Vie\u{0302}\u{0323}n", "Viện"),
            ("a\u{200B}b", "ab"),
            ("Văn hoá", "Văn hoá"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(clean(input), *want, "clean({input:?})");
        }
    }

    #[test]
    fn key_table() {
        let cases: &[(&str, &str)] = &[
            ("Sở Văn hoá và Thể thao", "sở văn hoá và thể thao"),
            ("Sở Văn hóa và Thể thao", "sở văn hoá và thể thao"),
            ("SỞ VĂN HÓA VÀ THỂ THAO", "sở văn hoá và thể thao"),
            ("Trần Hữu Thùy Giang", "trần hữu thuỳ giang"),
            ("Trần Hữu Thuỳ Giang", "trần hữu thuỳ giang"),
            ("khỏe", "khoẻ"),
            ("Ủy ban nhân dân", "uỷ ban nhân dân"),
            ("UBND thành phố", "uỷ ban nhân dân thành phố"),
            ("TAND thành phố", "toà án nhân dân thành phố"),
            ("Tòa án nhân dân thành phố", "toà án nhân dân thành phố"),
            ("VKSND thành phố", "viện kiểm sát nhân dân thành phố"),
            ("Ủy ban MTTQ Việt Nam", "uỷ ban mặt trận tổ quốc việt nam"),
            (
                "UBMTTQ Việt Nam thành phố",
                "uỷ ban mặt trận tổ quốc việt nam thành phố",
            ),
            // With a final consonant both styles agree and nothing moves.
            ("hoàng thuyền", "hoàng thuyền"),
            // qu + y: the mark is on y in both styles.
            ("quý", "quý"),
            ("Sở Tư pháp.", "sở tư pháp"),
            ("Sở Tư pháp;", "sở tư pháp"),
            ("14/KH-UBND", "14/kh-ubnd"),
            ("kinh tế - xã hội", "kinh tế - xã hội"),
            ("kinh tế–xã hội", "kinh tế - xã hội"),
            // An abbreviation inside a longer word is left alone.
            ("TPHCM", "tphcm"),
        ];
        for (input, want) in cases {
            assert_eq!(key(input), *want, "key({input:?})");
        }
    }

    #[test]
    fn fold_table() {
        let cases: &[(&str, &str)] = &[
            ("Sở Tư pháp", "so tu phap"),
            ("Đoàn Luật sư", "doan luat su"),
            ("Văn hóa", "van hoa"),
            ("Văn hoá", "van hoa"),
            ("UBND", "uy ban nhan dan"),
        ];
        for (input, want) in cases {
            assert_eq!(fold(input), *want, "fold({input:?})");
        }
    }

    #[test]
    fn fold_chars_keeps_offsets() {
        let s = "Ủy ban nhân dân thành phố, ban hành";
        let f = fold_chars(s);
        assert_eq!(f, "uy ban nhan dan thanh pho, ban hanh");
        assert_eq!(f.chars().count(), s.chars().count());
    }

    #[test]
    fn nfd_and_nfc_have_one_key() {
        let nfd: String = "Sở Văn hoá và Thể thao".nfd().collect();
        assert_eq!(key(&nfd), key("Sở Văn hóa và Thể thao"));
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn clean_is_idempotent(s in "\\PC{0,40}") {
                let once = clean(&s);
                prop_assert_eq!(clean(&once), once);
            }

            #[test]
            fn key_is_idempotent(s in "[a-zA-Zàáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ ,.;-]{0,40}") {
                let once = key(&s);
                prop_assert_eq!(key(&once), once);
            }

            #[test]
            fn key_never_panics(s in "\\PC{0,60}") {
                let _ = key(&s);
                let _ = fold(&s);
            }

            #[test]
            fn fold_is_ascii_for_vietnamese(s in "[a-zàáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ ]{0,40}") {
                let folded = fold(&s);
                let ascii = folded.is_ascii();
                prop_assert!(ascii, "fold({:?}) = {:?}", s, folded);
            }
        }
    }
}
