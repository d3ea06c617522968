//! Vietnamese alphabetical order as a sort key that compares correctly as bytes.
//!
//! The order is CLDR's Vietnamese collation (`common/collation/vi.xml`, standard): the alphabet
//! a ă â b c d đ e ê (f) g h i (j) k l m n o ô ơ p q r s t u ư v (w) x y (z) decides first; tone
//! marks only when the letters are equal, in the order `&̀<<̉<<̃<<́<<̣` — no tone < huyền < hỏi <
//! ngã < sắc < nặng, the order of the Vietnamese dictionaries (Hoàng Phê, *Từ điển tiếng Việt*);
//! letter case last. So "Bắc" < "Bình" < "Cẩm" < "Dương" < "Đông" < "Yên", and a run of digits
//! compares by its value ("Phường 2" < "Phường 10").
//!
//! The key is printable ASCII so it can be stored in a text column and compared byte for byte in
//! SQL (SQLite's default BINARY collation; on PostgreSQL a column declared `COLLATE "C"`, since a
//! locale collation would reorder punctuation). Layout: primary weights (one char per letter, a
//! length-prefixed run per number, one char per gap between words), `!`, one tone char per
//! letter, `!`, one case char per letter. `!` sorts below every weight, so a name that is a prefix
//! of another sorts first.

use unicode_normalization::UnicodeNormalization;

/// The letters in order, each with its weight char (consecutive from 'A').
const ALPHABET: [char; 36] = [
    'a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'ô', 'ơ', 'p', 'q', 'r', 's', 't', 'u', 'ư', 'v', 'w', 'x', 'y', 'z', '\0', '\0', '\0',
];
const LETTERS: usize = 33;

/// Separates the levels; below every weight.
const LEVEL: char = '!';
/// A gap between words (spaces, punctuation): below digits and letters, so "Bắc Hưng" < "Bắcgiang".
const GAP: char = '#';
/// Starts a number: digits sort before letters.
const NUMBER: char = '$';
/// Starts a character outside the Latin alphabet, written as its code point in hex: after letters.
const OTHER: char = '~';

/// The sort key of a name. Equal keys mean the same name up to Unicode normal form and spacing.
pub fn collate(s: &str) -> String {
    let mut primary = String::with_capacity(s.len());
    let mut tones = String::new();
    let mut cases = String::new();
    let mut gap = false;
    let mut digits = String::new();
    let chars: Vec<char> = s.nfd().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c.is_ascii_digit() {
            if gap && !primary.is_empty() {
                primary.push(GAP);
            }
            gap = false;
            digits.clear();
            digits.push(c);
            while i < chars.len() && chars[i].is_ascii_digit() {
                digits.push(chars[i]);
                i += 1;
            }
            push_number(&mut primary, &digits);
            continue;
        }
        // The marks that follow a base letter (NFD puts them there, in canonical order).
        let mut marks: Vec<char> = Vec::new();
        while i < chars.len() && is_mark(chars[i]) {
            marks.push(chars[i]);
            i += 1;
        }
        if !c.is_alphanumeric() {
            // Spaces, punctuation and stray marks separate words and weigh nothing else.
            gap = true;
            continue;
        }
        if gap && !primary.is_empty() {
            primary.push(GAP);
        }
        gap = false;
        let upper = c.is_uppercase();
        let lower = c.to_lowercase().next().unwrap_or(c);
        let (letter, tone) = letter_and_tone(lower, &marks);
        match ALPHABET[..LETTERS].iter().position(|x| *x == letter) {
            Some(p) => primary.push(weight(p)),
            None => {
                // Outside the alphabet: after every letter, by code point.
                primary.push(OTHER);
                primary.push_str(&format!("{:06X}", u32::from(lower)));
            }
        }
        tones.push(char::from(b'0' + tone));
        cases.push(if upper { '1' } else { '0' });
    }
    let mut key = primary;
    key.push(LEVEL);
    key.push_str(&tones);
    key.push(LEVEL);
    key.push_str(&cases);
    key
}

/// Compare two names in Vietnamese order (ties broken by the text itself, so the order is total).
pub fn collate_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    collate(a).cmp(&collate(b)).then_with(|| a.cmp(b))
}

fn weight(position: usize) -> char {
    // 33 letters from 'A' end at 'a' (0x61): all printable, all above '$'.
    char::from(b'A' + position as u8)
}

/// A digit run: its length (without leading zeros) then its digits, so values compare by size.
fn push_number(out: &mut String, digits: &str) {
    let trimmed = digits.trim_start_matches('0');
    let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
    out.push(NUMBER);
    // Lengths up to 88 digits map to one printable char; longer numbers compare by their first 88.
    let len = trimmed.len().min(88);
    out.push(char::from(b'%' + len as u8));
    out.push_str(&trimmed[..len]);
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}')
}

/// The Vietnamese letter a base char and its marks make, and the tone (0 none, 1 huyền, 2 hỏi,
/// 3 ngã, 4 sắc, 5 nặng, 6 another mark).
fn letter_and_tone(base: char, marks: &[char]) -> (char, u8) {
    let mut letter = base;
    let mut tone = 0;
    for m in marks {
        match (m, letter) {
            ('\u{0306}', 'a') => letter = 'ă',
            ('\u{0302}', 'a') => letter = 'â',
            ('\u{0302}', 'e') => letter = 'ê',
            ('\u{0302}', 'o') => letter = 'ô',
            ('\u{031B}', 'o') => letter = 'ơ',
            ('\u{031B}', 'u') => letter = 'ư',
            ('\u{0300}', _) => tone = tone.max(1),
            ('\u{0309}', _) => tone = tone.max(2),
            ('\u{0303}', _) => tone = tone.max(3),
            ('\u{0301}', _) => tone = tone.max(4),
            ('\u{0323}', _) => tone = tone.max(5),
            _ => tone = 6,
        }
    }
    (letter, tone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    /// Each list is in Vietnamese order; every pair must compare so.
    fn assert_order(names: &[&str]) {
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                assert!(
                    collate(a) < collate(b),
                    "{a:?} should sort before {b:?}: {:?} vs {:?}",
                    collate(a),
                    collate(b)
                );
            }
        }
    }

    #[test]
    fn the_alphabet() {
        assert_order(&[
            "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h", "i", "k", "l", "m", "n", "o",
            "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "x", "y",
        ]);
        // Letters outside the Vietnamese alphabet keep their Latin places.
        assert_order(&["e", "ê", "f", "g", "i", "j", "k", "v", "w", "x", "y", "z"]);
    }

    #[test]
    fn place_names() {
        assert_order(&["Bắc", "Bình", "Cẩm", "Dương", "Đông", "Yên"]);
        assert_order(&["Xã Bắc Hưng", "Xã Bình Thuận"]);
        assert_order(&["Đ", "E"]);
        assert_order(&["Phường An Biên", "Phường Ân Hải", "Phường Bạch Đằng"]);
        assert_order(&["Xã Tứ Kỳ", "Xã Tự Lập", "Xã Ứng Hòa"]);
        assert_order(&["Sở Tài chính", "Sở Tư pháp", "Sở Văn hóa"]);
        assert_order(&["Hồng Bàng", "Hơn", "Hưng Đạo", "Hữu"]);
        assert_order(&["Ô Môn", "Ơn", "Phú"]);
        assert_order(&["Ngô Quyền", "Nguyễn"]);
        // A name that is a prefix of another comes first, whatever its tone.
        assert_order(&["Lê", "Lệ", "Lê Chân", "Lê Lợi"]);
    }

    #[test]
    fn tones_after_letters_in_dictionary_order() {
        // no tone < huyền < hỏi < ngã < sắc < nặng, only when the letters are equal.
        assert_order(&["ma", "mà", "mả", "mã", "má", "mạ", "mac"]);
        assert_order(&[
            "a", "à", "ả", "ã", "á", "ạ", "ă", "ằ", "ẳ", "ẵ", "ắ", "ặ", "â", "ầ",
        ]);
        assert_order(&["ơ", "ờ", "ở", "ỡ", "ớ", "ợ", "p"]);
        assert_order(&["ư", "ừ", "ử", "ữ", "ứ", "ự", "v"]);
        // The first differing tone decides.
        assert_order(&["Bà Rịa", "Bá Ria"]);
        assert_order(&["Ba Đình", "Bà Đình"]);
    }

    #[test]
    fn case_only_breaks_ties() {
        assert_order(&["bắc", "Bắc", "bặc", "BẶC", "bình"]);
        assert_order(&["đông", "Đông", "ĐÔNG", "đồng"]);
        assert_order(&["UBND xã", "ủy ban"]);
        assert_eq!(
            collate("Bắc").split('!').next(),
            collate("BẮC").split('!').next()
        );
    }

    #[test]
    fn nfd_input_and_spacing_give_the_same_key() {
        for s in [
            "Xã Bắc Hưng",
            "Phường Hòa Nghĩa",
            "Quận Đồ Sơn",
            "Ứng Hòa",
            "ẬỰỢ",
        ] {
            let nfd: String = s.nfd().collect();
            assert_eq!(collate(s), collate(&nfd), "{s}");
        }
        assert_eq!(collate("Xã  Bắc\u{00A0}Hưng "), collate("Xã Bắc Hưng"));
        assert_eq!(collate("Sở Tư pháp."), collate("Sở Tư pháp"));
    }

    #[test]
    fn words_before_longer_words_and_digits_by_value() {
        assert_order(&["Bắc", "Bắc Hưng", "Bắcgiang"]);
        assert_order(&[
            "Phường 1",
            "Phường 2",
            "Phường 9",
            "Phường 10",
            "Phường 100",
            "Phường A",
        ]);
        assert_order(&["Tổ 02", "Tổ 3", "Tổ 010"]);
        assert_order(&["", "a", "z", "日本"]);
    }

    #[test]
    fn sorting_a_list() {
        let mut names = vec![
            "Xã Yên Lạc",
            "Phường Đồ Sơn",
            "Xã Bình Thuận",
            "Xã Bắc Hưng",
            "Phường Dương Kinh",
            "Sở Tư pháp",
            "Sở Tài chính",
            "Ủy ban Mặt trận Tổ quốc",
            "Công an thành phố",
            "Cục Thuế",
        ];
        names.sort_by_key(|n| collate(n));
        assert_eq!(
            names,
            vec![
                "Công an thành phố",
                "Cục Thuế",
                "Phường Dương Kinh",
                "Phường Đồ Sơn",
                "Sở Tài chính",
                "Sở Tư pháp",
                "Ủy ban Mặt trận Tổ quốc",
                "Xã Bắc Hưng",
                "Xã Bình Thuận",
                "Xã Yên Lạc",
            ]
        );
    }

    #[test]
    fn keys_are_printable_ascii() {
        for s in ["Đ", "Ữ", "日本 12", "a-b/c", "\u{0301}x"] {
            assert!(collate(s).bytes().all(|b| (0x21..0x7f).contains(&b)), "{s}");
        }
    }

    proptest::proptest! {
        #[test]
        fn key_order_is_consistent(a in "\\PC{0,20}", b in "\\PC{0,20}") {
            // Never panics, and comparing keys is antisymmetric with the text tie-break.
            let ab = collate_cmp(&a, &b);
            proptest::prop_assert_eq!(ab, collate_cmp(&b, &a).reverse());
        }
    }
}
