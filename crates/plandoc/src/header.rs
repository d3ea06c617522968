//! The header above the type line: issuer, Quốc hiệu and Tiêu ngữ, "Số: …", place and date.
//!
//! Extraction gives it in several layouts (domain-notes §2): stacked, flattened into "a | b |" rows,
//! one cell per line with the two columns interleaved, the date split over two lines, a draft's
//! blank number and date, or the first letter lost ("Y BAN NHÂN DÂN"). Each line is classified on
//! its own, so the order of the cells does not matter.

use crate::lines::{Line, is_all_caps};
use theodoi_domain::DocumentNumber;
use time::Date;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Header {
    pub issuer: Option<String>,
    pub number: Option<DocumentNumber>,
    /// "Số:" was present but its serial blank: a draft.
    pub draft_number: bool,
    pub place: Option<String>,
    pub date: Option<Date>,
}

/// Issuer names that open a header, to restore a first letter lost in extraction.
const ISSUER_OPENERS: &[&str] = &[
    "ỦY BAN NHÂN DÂN",
    "UỶ BAN NHÂN DÂN",
    "HỘI ĐỒNG NHÂN DÂN",
    "SỞ ",
    "BỘ ",
    "THANH TRA",
    "CÔNG AN",
    "VĂN PHÒNG",
    "THỦ TƯỚNG",
    "CHÍNH PHỦ",
    "BAN ",
];

pub fn parse(lines: &[Line]) -> Header {
    let mut h = Header::default();
    let mut issuer: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let text = lines[i].text.as_str();
        let f = theodoi_text::fold_chars(text);
        i += 1;
        if is_motto(&f) || text.chars().all(|c| !c.is_alphanumeric()) {
            continue;
        }
        if let Some(rest) = number_line(text) {
            match DocumentNumber::parse(&rest) {
                Ok(n) => h.number = Some(n),
                Err(_) => h.draft_number = true,
            }
            continue;
        }
        if f.contains("ngay") && f.contains("thang") {
            // The date may continue on the next line ("… tháng 01" / "năm 2026").
            let mut date_text = text.to_string();
            if !f.contains("nam ")
                && let Some(next) = lines.get(i)
            {
                date_text.push(' ');
                date_text.push_str(&next.text);
                i += 1;
            }
            h.date = crate::refs::first_date(&date_text);
            h.place = place_of(&date_text);
            continue;
        }
        if is_all_caps(text) {
            issuer.push(restore_first_letter(text));
        }
    }
    if !issuer.is_empty() {
        h.issuer = Some(issuer.join(" "));
    }
    h
}

/// The Quốc hiệu and Tiêu ngữ, also with a lost first letter.
fn is_motto(f: &str) -> bool {
    f.contains("hoa xa hoi chu nghia") || f.contains("doc lap") || f.contains("tu do - hanh phuc")
}

/// "Số: 14/KH-UBND", "Số:    /KH-UBND", "ố: 14/KH-UBND" (lost first letter) → the text after ':'.
fn number_line(text: &str) -> Option<String> {
    let (head, rest) = text.split_once(':')?;
    let head_f = theodoi_text::fold_chars(head);
    matches!(head_f.trim(), "so" | "o").then(|| rest.trim().to_string())
}

/// "Hải Phòng, ngày 09 tháng 01 năm 2026" → "Hải Phòng".
fn place_of(text: &str) -> Option<String> {
    let (place, _) = text.split_once(',')?;
    let place = place.trim();
    (!place.is_empty() && !theodoi_text::fold_chars(place).starts_with("ngay"))
        .then(|| place.to_string())
}

/// "Y BAN NHÂN DÂN" → "ỦY BAN NHÂN DÂN": an issuer line that is a known opener without its first letter.
fn restore_first_letter(text: &str) -> String {
    let f = theodoi_text::fold(text);
    for opener in ISSUER_OPENERS {
        let of = theodoi_text::fold(opener);
        let mut chars = of.chars();
        chars.next();
        let tail = chars.as_str();
        if !f.starts_with(&of) && f.starts_with(tail) && tail.len() >= 2 {
            let first: String = opener.chars().take(1).collect();
            return format!("{first}{text}");
        }
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lines::split;
    use time::macros::date;

    #[test]
    fn layouts() {
        let stacked = "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HẢI PHÒNG\n-------\nSố: 14/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n---------------\nHải Phòng, ngày 09 tháng 01 năm 2026";
        let piped = "| ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n| | Độc lập - Tự do - Hạnh phúc |\n| Số: 14/KH-UBND | Hải Phòng, ngày 09 tháng 01 năm 2026 |";
        let cells = "ỦY BAN NHÂN DÂN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTHÀNH PHỐ HẢI PHÒNG\nĐộc lập - Tự do - Hạnh phúc\nSố: 14/KH-UBND\nHải Phòng, ngày 09 tháng 01\nnăm 2026";
        let lost = "Y BAN NHÂN DÂN\nTHÀNH PHỐ HẢI PHÒNG\nỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 14/KH-UBND\nHải Phòng, ngày 09 tháng 01 năm 2026";
        for (name, text) in [
            ("stacked", stacked),
            ("piped", piped),
            ("cells", cells),
            ("lost", lost),
        ] {
            let h = parse(&split(text));
            assert_eq!(
                h.issuer.as_deref(),
                Some("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"),
                "{name}"
            );
            assert_eq!(
                h.number.as_ref().map(|n| n.as_str()),
                Some("14/KH-UBND"),
                "{name}"
            );
            assert_eq!(h.place.as_deref(), Some("Hải Phòng"), "{name}");
            assert_eq!(h.date, Some(date!(2026 - 01 - 09)), "{name}");
        }
        let draft = parse(&split(
            "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HẢI PHÒNG\nSố:       /KH-UBND\nHải Phòng, ngày      tháng     năm 2026",
        ));
        assert_eq!(draft.number, None);
        assert!(draft.draft_number);
        assert_eq!(draft.date, None);
        assert_eq!(draft.place.as_deref(), Some("Hải Phòng"));
    }
}
