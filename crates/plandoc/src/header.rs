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
    let lines: Vec<String> = lines.iter().flat_map(|l| parts(&l.text)).collect();
    let mut i = 0;
    while i < lines.len() {
        let text = lines[i].as_str();
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
                date_text.push_str(next);
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

/// A line cut into the header's parts it holds. A word processor joins the paragraphs of a
/// header table's cell into one line: the left cell gives "ỦY BAN NHÂN DÂN TỈNH X Số: 25/KH-UBND",
/// the right one "CỘNG HÒA … Độc lập - Tự do - Hạnh phúc X, ngày 09 tháng 01 năm 2026". The
/// number starts a part at "Số:", the place and date at the words before ", ngày"; the Quốc
/// hiệu and Tiêu ngữ are left out, and so are rules ("-------") between the parts.
fn parts(text: &str) -> Vec<String> {
    let f = theodoi_text::fold_chars(text);
    let motto = is_motto(&f);
    let number = f.contains("so:") || f.contains("so :");
    if !motto && !number && !f.contains(", ngay") {
        return vec![text.to_string()];
    }
    let chars: Vec<char> = text.chars().collect();
    let folded: Vec<char> = f.chars().collect();
    if chars.len() != folded.len() {
        return vec![text.to_string()];
    }
    // Char ranges left out, and char positions where a part starts.
    let mut out_ranges: Vec<(usize, usize)> = Vec::new();
    let mut starts: Vec<usize> = Vec::new();
    let at = |byte: usize| f[..byte].chars().count();
    if motto {
        if let Some(b) = f.find("hoa xa hoi chu nghia viet nam") {
            // Back over "CỘNG " (or "ỘNG " with its first letter lost).
            let head = f[..b].trim_end();
            let word = head.rsplit(' ').next().unwrap_or_default();
            let from = if matches!(word, "cong" | "ong") {
                head.len() - word.len()
            } else {
                b
            };
            out_ranges.push((at(from), at(b + "hoa xa hoi chu nghia viet nam".len())));
        }
        if let Some(b) = f.find("oc lap")
            && let Some(e) = f[b..].find("hanh phuc").filter(|e| *e <= 40)
        {
            let from = if f[..b].ends_with('d') { b - 1 } else { b };
            out_ranges.push((at(from), at(b + e + "hanh phuc".len())));
        }
    }
    if number {
        for (b, _) in f.match_indices("so") {
            let after = f[b + 2..].trim_start_matches(' ');
            let word_start = b == 0 || f[..b].ends_with(' ');
            // Written "Số:", with its capital; "hồ sơ:" inside a line is no number.
            let capital = chars.get(at(b)) == Some(&'S');
            if word_start && capital && after.starts_with(':') {
                starts.push(at(b));
            }
        }
    }
    if let Some(comma) = f.find(", ngay") {
        // The place is the words before the comma back to the previous part or left-out range.
        let c = at(comma);
        let from = out_ranges
            .iter()
            .map(|r| r.1)
            .chain(starts.iter().copied())
            .filter(|p| *p <= c)
            .max()
            .unwrap_or(0);
        // "Số: 25/KH-UBND    Phú Mỹ, ngày …" (both cells on one line, the spaces between them
        // collapsed): a number is one word, so the place starts at the word after it.
        let from = if starts.contains(&from) {
            number_end(&folded, from).filter(|e| *e < c).unwrap_or(from)
        } else {
            from
        };
        starts.push(from);
    }
    let mut cuts: Vec<(usize, bool)> = starts.into_iter().map(|p| (p, true)).collect();
    for (a, b) in &out_ranges {
        cuts.push((*a, false));
        cuts.push((*b, true));
    }
    cuts.sort_unstable();
    let mut parts = Vec::new();
    let mut from = 0;
    let mut keep = true;
    for (p, next_keep) in cuts.into_iter().chain([(chars.len(), true)]) {
        if keep && p > from {
            let part: String = chars[from..p].iter().collect();
            let part = part.trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '_'));
            if !part.is_empty() {
                parts.push(part.to_string());
            }
        }
        if p >= from {
            from = p;
            keep = next_keep;
        }
    }
    parts
}

/// Where the number word after "Số:" at char `at` ends (its serial may be blank: "Số:  /KH-UBND").
fn number_end(folded: &[char], at: usize) -> Option<usize> {
    let colon = at + folded[at..].iter().position(|c| *c == ':')?;
    let word = colon + 1 + folded[colon + 1..].iter().position(|c| *c != ' ')?;
    let end = word
        + folded[word..]
            .iter()
            .position(|c| *c == ' ')
            .unwrap_or(folded.len() - word);
    Some(end)
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
        // A Word header table of one row: each cell's paragraphs joined into one line.
        let joined = "| ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG ------- Số: 14/KH-UBND | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc --------------- Hải Phòng, ngày 09 tháng 01 năm 2026 |";
        let joined_lost = "Y BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG Số : 14/KH-UBND\nỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Hải Phòng, ngày 09 tháng 01 năm 2026";
        for (name, text) in [
            ("stacked", stacked),
            ("piped", piped),
            ("cells", cells),
            ("lost", lost),
            ("joined", joined),
            ("joined_lost", joined_lost),
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

    #[test]
    fn parts_of_a_joined_cell() {
        assert_eq!(
            parts("ỦY BAN NHÂN DÂN TỈNH X ------- Số: 25/KH-UBND"),
            ["ỦY BAN NHÂN DÂN TỈNH X", "Số: 25/KH-UBND"]
        );
        assert_eq!(
            parts(
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Quảng Ninh, ngày 09 tháng 01 năm 2026"
            ),
            ["Quảng Ninh, ngày 09 tháng 01 năm 2026"]
        );
        assert!(parts("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").is_empty());
        // The number's and the date's cells on one line, as a PDF or text export gives them.
        assert_eq!(
            parts("Số: 25/KH-UBND    Phú Mỹ, ngày 05 tháng 3 năm 2026"),
            ["Số: 25/KH-UBND", "Phú Mỹ, ngày 05 tháng 3 năm 2026"]
        );
        assert_eq!(
            parts("Số:    /KH-UBND Phú Mỹ, ngày    tháng 3 năm 2026"),
            ["Số:    /KH-UBND", "Phú Mỹ, ngày    tháng 3 năm 2026"]
        );
        // Lines of one part stay whole; "số" inside a word or without ':' cuts nothing.
        for whole in [
            "Số: 14/KH-UBND",
            "Hải Phòng, ngày 09 tháng 01 năm 2026",
            "SỞ TƯ PHÁP",
            "Hồ sơ: đủ",
        ] {
            assert_eq!(parts(whole), [whole]);
        }
    }
}
