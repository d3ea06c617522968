//! Things found inside running text: document numbers, dates, and lists of agencies.

use crate::Diagnostic;
use crate::lexicon::Lexicon;
use theodoi_domain::{AgencyMention, DocumentNumber, DocumentType};
use time::{Date, Month};

/// A document cited in text: "Quyết định số 2715/QĐ-TTg ngày 13/12/2025 của Thủ tướng Chính phủ".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub number: DocumentNumber,
    pub doc_type: Option<DocumentType>,
    pub date: Option<Date>,
    pub issuer: Option<String>,
    /// Where the number is in the text (bytes).
    pub at: std::ops::Range<usize>,
}

/// Every document number in `text`, with the date and issuer that follow it.
pub fn citations(text: &str) -> Vec<Citation> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let boundary = i == 0 || !chars[i - 1].1.is_alphanumeric();
        if !(c.is_ascii_digit() && boundary) {
            i += 1;
            continue;
        }
        let Some((end_i, number)) = number_at(&chars, i) else {
            i += 1;
            continue;
        };
        let end = chars.get(end_i).map_or(text.len(), |(b, _)| *b);
        let after = &text[end..];
        let before = &text[..start];
        out.push(Citation {
            doc_type: number.declared_type().or_else(|| type_named_before(before)),
            date: date_after(after),
            issuer: issuer_after(after),
            number,
            at: start..end,
        });
        i = end_i;
    }
    out
}

/// Try to read "2715/QĐ-TTg" (spaces around '/' allowed) starting at char index `i`.
fn number_at(chars: &[(usize, char)], i: usize) -> Option<(usize, DocumentNumber)> {
    let mut j = i;
    let mut slashes = 0;
    let mut raw = String::new();
    while j < chars.len() {
        let c = chars[j].1;
        if c.is_alphanumeric() || c == '-' || c == '/' {
            if c == '/' {
                slashes += 1;
            }
            raw.push(c);
            j += 1;
        } else if c.is_whitespace() && slashes == 0 {
            // "14  /KH-UBND" from PDF extraction: spaces before the first '/'.
            let mut k = j;
            while chars.get(k).is_some_and(|n| n.1.is_whitespace()) {
                k += 1;
            }
            if chars.get(k).is_some_and(|n| n.1 == '/') {
                j = k;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    let raw = raw.trim_end_matches('-');
    if slashes == 0
        || slashes > 2
        || raw.chars().filter(|c| c.is_ascii_digit()).count() == raw.len() - slashes
    {
        return None;
    }
    // A date such as 13/12/2025 has only digits; a number has letters in its symbol.
    DocumentNumber::parse(raw).ok().map(|n| (j, n))
}

fn type_named_before(before: &str) -> Option<DocumentType> {
    let words: Vec<&str> = before.split_whitespace().rev().take(4).collect();
    let phrase: Vec<&str> = words.into_iter().rev().collect();
    // "Quyết định số", "Nghị quyết số", "Kế hoạch số": the type is the words before "số".
    let joined = phrase.join(" ");
    let lower = theodoi_text::fold_chars(&joined);
    let cut = lower.strip_suffix(" so")?;
    let type_words: Vec<&str> = cut.split_whitespace().collect();
    (1..=type_words.len().min(3)).find_map(|n| {
        let name = type_words[type_words.len() - n..].join(" ");
        DocumentType::all()
            .find(|(_, line)| theodoi_text::fold_chars(line) == name)
            .map(|(t, _)| t)
    })
}

/// The first date in text: "13/12/2025", "ngày 09 tháng 01 năm 2026", "ngày 09 tháng 01\nnăm 2026".
pub fn first_date(text: &str) -> Option<Date> {
    let folded = theodoi_text::fold_chars(text);
    let words: Vec<&str> = folded
        .split(|c: char| c.is_whitespace() || c == ',' || c == ')' || c == '(' || c == ';')
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        let parts: Vec<&str> = w.trim_end_matches('.').split('/').collect();
        if let [d, m, y] = parts.as_slice()
            && let Some(date) = make_date(d, m, y)
        {
            return Some(date);
        }
        if *w == "ngay"
            && let [d, "thang", m, "nam", y, ..] = &words[i + 1..]
            && let Some(date) = make_date(d, m, y.trim_end_matches('.'))
        {
            return Some(date);
        }
    }
    None
}

/// Warn of each task whose time names a day that does not exist ("31/02/2026", "30/13/2026",
/// "ngày 31 tháng 4 năm 2026"): the text is kept as written, and a reviewer corrects it.
pub fn impossible_dates(tasks: &[theodoi_domain::Task], diags: &mut Vec<Diagnostic>) {
    for t in tasks {
        let text = t.time.text.as_str();
        if !text.contains(|c: char| c.is_ascii_digit()) {
            continue;
        }
        if let Some(bad) = impossible_date(text) {
            let r = t.reference.as_str();
            diags.push(Diagnostic::in_both(
                t.span.start_line,
                "impossible_date",
                format!(
                    "Nhiệm vụ {r}: thời gian \"{text}\" ghi ngày không có thật ({bad}); hãy sửa khi rà soát"
                ),
                format!(
                    "Task {r}: the time \"{text}\" names a day that does not exist ({bad}); correct it in the review"
                ),
            ));
        }
    }
}

/// The first date-shaped part of a text that is no real day: "31/02/2026", "30-13-2026",
/// "ngày 31 tháng 4 năm 2026", "tháng 13/2026".
fn impossible_date(text: &str) -> Option<String> {
    let folded = theodoi_text::fold_chars(text);
    let words: Vec<&str> = folded
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ')' | '(' | ';'))
        .filter(|w| !w.is_empty())
        .collect();
    let number = |s: &str, max_len: usize| {
        (!s.is_empty() && s.len() <= max_len && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    for (i, w) in words.iter().enumerate() {
        let w = w.trim_end_matches('.');
        for sep in ['/', '-', '.'] {
            let parts: Vec<&str> = w.split(sep).collect();
            if let [d, m, y] = parts.as_slice()
                && number(d, 2).is_some()
                && number(m, 2).is_some()
                && y.len() == 4
                && number(y, 4).is_some()
                && make_date(d, m, y).is_none()
            {
                return Some(w.to_string());
            }
        }
        if w == "ngay"
            && let [d, "thang", m, "nam", y, ..] = &words[i + 1..]
        {
            let y = y.trim_end_matches('.');
            if number(d, 2).is_some()
                && number(m, 2).is_some()
                && number(y, 4).is_some_and(|y| y >= 1000)
                && make_date(d, m, y).is_none()
            {
                return Some(format!("ngày {d} tháng {m} năm {y}"));
            }
        }
        if w == "thang"
            && let Some(next) = words.get(i + 1)
            && let [m, y] = next
                .trim_end_matches('.')
                .split('/')
                .collect::<Vec<_>>()
                .as_slice()
            && y.len() == 4
            && number(y, 4).is_some()
            && number(m, 2).is_some_and(|m| m == 0 || m > 12)
        {
            return Some(format!("tháng {m}/{y}"));
        }
    }
    None
}

fn make_date(d: &str, m: &str, y: &str) -> Option<Date> {
    if y.len() != 4 {
        return None;
    }
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// A date directly after a number: " ngày 13/12/2025 …".
fn date_after(after: &str) -> Option<Date> {
    let head: String = after.chars().take(40).collect();
    let f = theodoi_text::fold_chars(&head);
    if f.trim_start().starts_with("ngay") {
        first_date(&head)
    } else {
        None
    }
}

/// "… của Thủ tướng Chính phủ về …" → "Thủ tướng Chính phủ".
fn issuer_after(after: &str) -> Option<String> {
    let f = theodoi_text::fold_chars(after);
    let at = f.find(" cua ")?;
    if at > 40 {
        return None;
    }
    let skip = f[..at + 5].chars().count();
    let rest: String = after.chars().skip(skip).collect();
    let stops = [
        " về ",
        " VỀ ",
        " phê duyệt",
        " PHÊ DUYỆT",
        ",",
        ";",
        ")",
        " đối với",
    ];
    let end = stops
        .iter()
        .filter_map(|s| rest.find(s))
        .min()
        .unwrap_or(rest.len());
    let issuer = rest[..end].trim();
    (!issuer.is_empty() && issuer.chars().count() <= 80).then(|| issuer.to_string())
}

/// True when a line looks like the start of an agency name (used to find table cells).
pub fn is_agency_start(line: &str, lex: &Lexicon) -> bool {
    lex.starts_body(line)
}

/// Split a cell or a label's text into agencies. "Đề nghị …" marks the list as requested.
/// Semicolons always separate agencies (no name holds one); commas and "và" separate them unless
/// the next piece does not start an agency name ("Sở Văn hoá và Thể thao", "Các Sở, cơ quan,
/// đoàn thể liên quan", "UBND các xã, phường").
pub fn agencies(text: &str, requested: bool, lex: &Lexicon) -> Vec<AgencyMention> {
    let mut text = crate::norm::clean(text);
    let mut requested = requested;
    if let Some(rest) = strip_request(&text) {
        requested = true;
        text = rest;
    }
    let text = text.trim_end_matches(['.', ';', ',', ':']).trim();
    if text.is_empty() {
        return Vec::new();
    }
    let mut names: Vec<String> = Vec::new();
    for (sep, piece) in pieces(text) {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        match names.last_mut() {
            Some(last)
                if sep != "; "
                    && (!lex.starts_body(piece)
                        || lex.continues_name(last, &format!("{last}{sep}{piece}"))) =>
            {
                last.push_str(sep);
                last.push_str(piece);
            }
            _ => names.push(piece.to_string()),
        }
    }
    names
        .iter()
        .map(|n| crate::norm::mention(n, requested))
        .collect()
}

/// "Đề nghị TAND thành phố" → "TAND thành phố".
pub fn strip_request(text: &str) -> Option<String> {
    theodoi_text::fold_chars(text)
        .starts_with("de nghi ")
        .then(|| {
            text.chars()
                .skip("đề nghị ".chars().count())
                .collect::<String>()
                .trim()
                .to_string()
        })
}

/// Split at ", ", "; " and " và " keeping the separator with the piece that follows it.
fn pieces(text: &str) -> Vec<(&'static str, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut sep: &'static str = "";
    loop {
        let next = [
            rest.find(',').map(|at| (at, ", ", 1)),
            rest.find(';').map(|at| (at, "; ", 1)),
            rest.find(" và ").map(|at| (at, " và ", 4)),
        ]
        .into_iter()
        .flatten()
        .min_by_key(|(at, _, _)| *at);
        match next {
            Some((at, s, len)) => {
                out.push((sep, &rest[..at]));
                rest = &rest[at + len..];
                sep = s;
            }
            None => {
                out.push((sep, rest));
                return out;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn names(text: &str) -> Vec<String> {
        agencies(text, false, Lexicon::builtin())
            .into_iter()
            .map(|a| a.name)
            .collect()
    }

    #[test]
    fn agency_lists() {
        let cases: &[(&str, &[&str])] = &[
            ("Sở Tư pháp.", &["Sở Tư pháp"]),
            (
                "Sở Nội vụ, Sở Y tế, Thanh tra thành phố, Sở Tư pháp.",
                &["Sở Nội vụ", "Sở Y tế", "Thanh tra thành phố", "Sở Tư pháp"],
            ),
            (
                "Các Sở, cơ quan, đoàn thể liên quan.",
                &["Các Sở, cơ quan, đoàn thể liên quan"],
            ),
            (
                "Sở Văn hoá và Thể thao, Sở Khoa học và Công nghệ, Sở Nội vụ và các cơ quan liên quan.",
                &[
                    "Sở Văn hoá và Thể thao",
                    "Sở Khoa học và Công nghệ",
                    "Sở Nội vụ",
                    "các cơ quan liên quan",
                ],
            ),
            (
                "Đề nghị TAND thành phố, Viện Kiểm sát nhân dân thành phố, Thi hành án dân sự thành phố và các cơ quan liên quan.",
                &[
                    "TAND thành phố",
                    "Viện Kiểm sát nhân dân thành phố",
                    "Thi hành án dân sự thành phố",
                    "các cơ quan liên quan",
                ],
            ),
            (
                "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố và các tổ chức chính trị - xã hội, TAND thành phố, Viện Kiểm sát nhân dân thành phố",
                &[
                    "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố",
                    "các tổ chức chính trị - xã hội",
                    "TAND thành phố",
                    "Viện Kiểm sát nhân dân thành phố",
                ],
            ),
            (
                "Ủy ban nhân dân các xã, phường",
                &["Ủy ban nhân dân các xã, phường"],
            ),
            (
                "Các cơ quan, địa phương có liên quan",
                &["Các cơ quan, địa phương có liên quan"],
            ),
            ("Sở Nội vụ; Sở Tài chính", &["Sở Nội vụ", "Sở Tài chính"]),
            (
                "Sở Nội vụ; Sở Văn hóa, Thể thao và Du lịch; UBND các xã, phường và Sở Y tế.",
                &[
                    "Sở Nội vụ",
                    "Sở Văn hóa, Thể thao và Du lịch",
                    "UBND các xã, phường",
                    "Sở Y tế",
                ],
            ),
            // A semicolon ends a name even before words that do not start one.
            (
                "Sở Tư pháp; các cơ quan, đơn vị có liên quan",
                &["Sở Tư pháp", "các cơ quan, đơn vị có liên quan"],
            ),
            ("", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(names(text), *want, "{text}");
        }
        let requested = agencies("Đề nghị TAND thành phố", false, Lexicon::builtin());
        assert!(requested.iter().all(|a| a.requested_only));
    }

    #[test]
    fn finds_citations() {
        let c = citations(
            "Triển khai thực hiện Quyết định số 2715/QĐ-TTg ngày 13/12/2025 của Thủ tướng Chính phủ về phê duyệt",
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].number.as_str(), "2715/QĐ-TTg");
        assert_eq!(c[0].doc_type, Some(DocumentType::Decision));
        assert_eq!(c[0].date, Some(date!(2025 - 12 - 13)));
        assert_eq!(c[0].issuer.as_deref(), Some("Thủ tướng Chính phủ"));
        let c = citations(
            "(Kèm theo Kế hoạch  số 14  /KH-UBND ngày 09  tháng 01 năm 2026 của UBND thành phố)",
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].number.as_str(), "14/KH-UBND");
        assert_eq!(c[0].date, Some(date!(2026 - 01 - 09)));
        assert_eq!(c[0].issuer.as_deref(), Some("UBND thành phố"));
        let c = citations("Nghị quyết số 203/2025/QH15 của Quốc hội và ngày 14/09/2022");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].number.as_str(), "203/2025/QH15");
        assert_eq!(c[0].doc_type, Some(DocumentType::Resolution));
        assert!(citations("ngày 13/12/2025 và 2021 - 2030").is_empty());
    }

    #[test]
    fn dates() {
        assert_eq!(
            first_date("Hải Phòng, ngày 09 tháng 01 năm 2026"),
            Some(date!(2026 - 01 - 09))
        );
        assert_eq!(first_date("ngày 5/9/2017"), Some(date!(2017 - 09 - 05)));
        assert_eq!(first_date("ngày    tháng    năm 2026"), None);
        assert_eq!(first_date("ngày 31 tháng 02 năm 2026"), None);
    }

    #[test]
    fn impossible_days() {
        for (text, bad) in [
            ("31/02/2026", Some("31/02/2026")),
            ("Trước ngày 30/13/2026.", Some("30/13/2026")),
            ("Từ 01/01/2026 đến 31-04-2026", Some("31-04-2026")),
            ("ngày 31 tháng 4 năm 2026", Some("ngày 31 tháng 4 năm 2026")),
            ("Tháng 13/2026", Some("tháng 13/2026")),
            ("29/02/2028", None),
            ("Trước ngày 30/6/2026", None),
            ("Quý IV/2026", None),
            ("2026-2030", None),
            ("Tháng 12/2026", None),
            ("ngày      tháng     năm 2026", None),
        ] {
            assert_eq!(impossible_date(text).as_deref(), bad, "{text}");
        }
    }
}
