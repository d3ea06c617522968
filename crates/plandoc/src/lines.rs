//! Lines of a plan text and what each one looks like: the layer that absorbs PDF extraction
//! artefacts (blank lines inside paragraphs, cells flattened with '|', stray spaces).

/// One non-blank line of the source, cleaned, with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub no: u32,
    pub text: String,
}

/// Split the text into non-blank cleaned lines. A line holding table cells flattened as
/// "a | b | c" becomes one line per non-empty cell, each with the same line number.
#[cfg(test)]
pub fn split(text: &str) -> Vec<Line> {
    split_skipping(text, &[])
}

/// [`split`], leaving out the lines of the given inclusive ranges (tables read on their own).
pub fn split_skipping(text: &str, skip: &[(u32, u32)]) -> Vec<Line> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if skip.iter().any(|&(a, b)| (a..=b).contains(&no)) {
            continue;
        }
        if raw.contains('|') {
            for cell in raw.split('|') {
                push(&mut out, no, cell);
            }
        } else {
            push(&mut out, no, raw);
        }
    }
    out
}

fn push(out: &mut Vec<Line>, no: u32, raw: &str) {
    let mut text = crate::norm::clean(raw);
    if text.contains(['*', '#']) {
        text = strip_markdown(&text);
    }
    if let Some(numbered) = unlabel_number(&text) {
        text = numbered;
    }
    if text.is_empty() {
        return;
    }
    // A label cut over two lines ("Cơ quan chủ" / "trì: Sở Y tế"): join it back.
    if let Some(prev) = out.last_mut()
        && prev.no + 1 == no
        && !prev.text.contains(':')
        && prev.text.chars().count() <= 30
        && text.contains(':')
        && starts_lower(&text)
    {
        let joined = format!("{} {text}", prev.text);
        if matches!(classify(&joined), Kind::Label { .. }) {
            prev.text = joined;
            return;
        }
    }
    out.push(Line { no, text });
}

/// Words a plan writes before a task's number ("Nhiệm vụ 1.", "Nội dung 2:", "Việc 3."), folded.
const NUMBER_LABELS: &[&str] = &["nhiem vu", "noi dung", "viec", "cong viec", "hoat dong"];

/// "Nhiệm vụ 1. Tổ chức hội nghị" → "1. Tổ chức hội nghị": a labelled number is the task's
/// marker, so the outline reads it as "1." does and the word stays out of the title.
/// "Nhiệm vụ 2: …" and "Nhiệm vụ 1.2. …" too; "Nhiệm vụ cụ thể" or "Nội dung: …" are left alone.
fn unlabel_number(text: &str) -> Option<String> {
    let f = theodoi_text::fold_chars(text);
    // fold_chars keeps one char per char, so a folded prefix's char count cuts the text.
    let word = NUMBER_LABELS
        .iter()
        .find(|w| f.strip_prefix(**w).is_some_and(|r| r.starts_with(' ')))?;
    let after: String = text.chars().skip(word.chars().count()).collect();
    let after = after.trim_start();
    let end = after
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(after.len());
    let number = after[..end].trim_end_matches('.');
    if number.is_empty() || number.len() > 8 || !number.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let rest = after[end..].trim_start_matches([':', ')']).trim_start();
    // "Nhiệm vụ 1 của …" runs on as a sentence; a marker is followed by a capital.
    let marked = end > number.len() || after[end..].starts_with([':', ')']);
    (marked && starts_upper(rest)).then(|| format!("{number}. {rest}"))
}

/// Markdown left by a web page or a converter: "**Chủ trì:**", "*Thời gian: *", "## II. NHIỆM VỤ".
/// A "* " bullet stays a bullet.
fn strip_markdown(text: &str) -> String {
    let t = text.trim_start_matches('#').trim_start();
    let t = if text.starts_with('#') { t } else { text };
    let mut out = t.replace("**", "").replace("__", "");
    if out.starts_with('*') && !out.starts_with("* ") {
        out.remove(0);
    }
    while out.ends_with('*') {
        out.pop();
    }
    let out = out.replace(": *", ": ").replace("*:", ":");
    crate::norm::clean(&out)
}

/// What a line starts with, as far as the document's structure is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// "II. NHIỆM VỤ …": a roman-numbered section heading.
    Roman { number: String, rest: String },
    /// "3. Công an thành phố", "6." — a numbered heading; `rest` may be empty.
    Numbered { number: u32, rest: String },
    /// "- Tổ chức …" or "+ …": a list item starting with a capital letter or a digit.
    Item { rest: String },
    /// "Đơn vị chủ trì: …", "Đơn vị phối hợp: …", "Thời gian: …".
    Label { label: Label, rest: String },
    /// "Nơi nhận:".
    Recipients { rest: String },
    /// "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH".
    SignatureAuthority,
    /// Anything else: running text.
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Lead,
    Coordinating,
    Time,
    /// "Nội dung:": the task's own text.
    Content,
    /// Recognised and kept with the task but not assigned: "Sản phẩm:", "Kinh phí:".
    Kept,
}

/// Label words, folded, matched as the start of the words before ':'. Longest first, so
/// "Cơ quan chủ trì thực hiện" is a lead label and not a coordinating one.
const LABELS: &[(&str, Label)] = &[
    ("co quan, don vi chu tri", Label::Lead),
    ("co quan chu tri", Label::Lead),
    ("don vi chu tri", Label::Lead),
    ("co quan thuc hien", Label::Lead),
    ("don vi thuc hien", Label::Lead),
    ("chu tri thuc hien", Label::Lead),
    ("chu tri", Label::Lead),
    ("co quan, don vi phoi hop", Label::Coordinating),
    ("co quan phoi hop", Label::Coordinating),
    ("don vi phoi hop", Label::Coordinating),
    ("phoi hop thuc hien", Label::Coordinating),
    ("phoi hop", Label::Coordinating),
    ("thoi gian", Label::Time),
    ("thoi han", Label::Time),
    ("tien do", Label::Time),
    ("noi dung", Label::Content),
    ("du kien san pham", Label::Kept),
    ("san pham", Label::Kept),
    ("ket qua", Label::Kept),
    ("kinh phi", Label::Kept),
    ("nguon kinh phi", Label::Kept),
    ("hinh thuc", Label::Kept),
];

/// What may follow a label word before the ':' ("Thời gian thực hiện", "Cơ quan chủ trì chính").
const LABEL_TAILS: &[&str] = &[
    "",
    "thuc hien",
    "chinh",
    "hoan thanh",
    "ban hanh",
    "thuc hien chinh",
    "thuc hien/hoan thanh",
    "trinh",
    "du kien",
    "dau ra",
    "thuc hien du kien",
];

/// The label a line's head (the words before ':') names.
pub fn label_of(head: &str) -> Option<Label> {
    if head.chars().count() > 40 {
        return None;
    }
    let key = theodoi_text::fold_chars(head.trim());
    LABELS.iter().find_map(|(k, label)| {
        let tail = key.strip_prefix(k)?.trim();
        LABEL_TAILS.contains(&tail).then_some(*label)
    })
}

const ROMANS: &[&str] = &[
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
];

/// Classify a cleaned line.
pub fn classify(text: &str) -> Kind {
    // "b) Đơn vị chủ trì: …": a label numbered as a point is the label.
    if lettered_marker(text)
        && let Some((head, rest)) = text[text.find(')').map_or(0, |i| i + 1)..].split_once(':')
        && let Some(label) = label_of(head)
    {
        return Kind::Label {
            label,
            rest: rest.trim().to_string(),
        };
    }
    if let Some((head, rest)) = text.split_once('.') {
        let rest_t = rest.trim();
        if ROMANS.contains(&head) && starts_upper(rest_t) {
            return Kind::Roman {
                number: head.to_string(),
                rest: rest_t.to_string(),
            };
        }
        if !head.is_empty() && head.len() <= 3 && head.chars().all(|c| c.is_ascii_digit()) {
            // "1.1." sub-numbers are not separate headings in the plans we read; "14/09" has no dot.
            let sub = rest.starts_with(|c: char| c.is_ascii_digit());
            if !sub
                && (rest_t.is_empty() || starts_upper(rest_t))
                && let Ok(number) = head.parse()
            {
                return Kind::Numbered {
                    number,
                    rest: rest_t.to_string(),
                };
            }
        }
    }
    if sub_numbered(text)
        || (text.as_bytes().get(1) == Some(&b')') || text.get(2..3) == Some(")")) && lettered(text)
    {
        // "1.1. …" and "a) …" are items of the heading above; the marker stays in the text.
        return Kind::Item {
            rest: text.to_string(),
        };
    }
    if let Some(rest) = text.strip_prefix(['-', '+', '•', '*']) {
        let rest = rest.trim();
        if starts_upper(rest) || rest.starts_with(|c: char| c.is_ascii_digit()) {
            return Kind::Item {
                rest: rest.to_string(),
            };
        }
    }
    if let Some((head, rest)) = text.split_once(':') {
        // "Nơi nhận" folds to 8 chars, one per char of at most 4 bytes: a longer head is no match.
        if head.len() <= 32 && theodoi_text::fold_chars(head) == "noi nhan" {
            return Kind::Recipients {
                rest: rest.trim().to_string(),
            };
        }
        if let Some(label) = label_of(head) {
            return Kind::Label {
                label,
                rest: rest.trim().to_string(),
            };
        }
    }
    if is_signature_authority(text) {
        return Kind::SignatureAuthority;
    }
    Kind::Text
}

/// "1.1. Tuyên truyền", "2.3 Tập huấn": a second-level number, then a capital.
fn sub_numbered(text: &str) -> bool {
    if !text.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let marker = &text[..end];
    let mut parts = marker.trim_end_matches('.').split('.');
    let mut count = 0;
    let well_formed = parts.all(|p| {
        count += 1;
        !p.is_empty() && p.len() <= 2
    });
    well_formed
        && count >= 2
        && text[end..].starts_with(' ')
        && starts_upper(text[end..].trim_start())
}

/// "a) Tổ chức …", "đ) …": a lettered item, then a capital.
fn lettered(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(
        (chars.next(), chars.next(), chars.next()),
        (Some(c), Some(')'), Some(' ')) if c.is_lowercase() && c.is_alphabetic()
    ) && starts_upper(chars.as_str().trim_start())
}

/// "a) " / "đ) ": a lettered marker with any text after it.
fn lettered_marker(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(
        (chars.next(), chars.next(), chars.next()),
        (Some(c), Some(')'), Some(' ')) if c.is_lowercase() && c.is_alphabetic()
    )
}

/// The marker a list paragraph opens with, by which the outline decides its depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Marker {
    /// "1.", "1.1.", "1.1.1." — the depth is the number of parts.
    Number(u8),
    /// "a)".
    Letter,
    /// "-", "•", "*".
    Dash,
    /// "+".
    Plus,
}

impl Marker {
    /// Depth in the outline: smaller is higher.
    pub fn rank(self) -> u8 {
        match self {
            Self::Number(n) => n.min(4),
            Self::Letter => 5,
            Self::Dash => 6,
            Self::Plus => 7,
        }
    }

    /// Numbered and lettered points can be tasks; dashes and pluses are their items.
    pub fn is_heading(self) -> bool {
        matches!(self, Self::Number(_) | Self::Letter)
    }
}

/// The marker of a paragraph that [`classify`] found to be numbered or an item.
pub fn marker(text: &str) -> Option<Marker> {
    if text.starts_with(['-', '•', '*']) {
        return Some(Marker::Dash);
    }
    if text.starts_with('+') {
        return Some(Marker::Plus);
    }
    if lettered_marker(text) {
        return Some(Marker::Letter);
    }
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        let end = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let parts = text[..end]
            .trim_end_matches('.')
            .split('.')
            .filter(|p| !p.is_empty())
            .count();
        return u8::try_from(parts).ok().map(Marker::Number);
    }
    None
}

/// The text after a paragraph's marker ("1.2. Tập huấn" → "Tập huấn", "b) Báo cáo" → "Báo cáo").
pub fn strip_marker(text: &str) -> &str {
    match marker(text) {
        Some(Marker::Dash | Marker::Plus) => text[1..].trim_start(),
        Some(Marker::Letter) => text.find(')').map_or(text, |i| text[i + 1..].trim_start()),
        Some(Marker::Number(_)) => {
            let end = text
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(text.len());
            text[end..].trim_start()
        }
        None => text,
    }
}

/// "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "TL. …", "TUQ. …", "Q. …".
pub fn is_signature_authority(text: &str) -> bool {
    ["TM.", "KT.", "TL.", "TUQ.", "Q."].iter().any(|p| {
        text.strip_prefix(p)
            .is_some_and(|r| r.trim_start().starts_with(char::is_uppercase))
    })
}

/// The first letter is a capital (digits and punctuation are skipped over).
pub fn starts_upper(s: &str) -> bool {
    s.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(char::is_uppercase)
        && s.chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '(' || c == '"' || c == '“')
}

/// The first letter is lower case: the line continues a sentence.
pub fn starts_lower(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_lowercase)
}

/// The line ends a sentence or a clause that a new paragraph may follow.
pub fn ends_sentence(s: &str) -> bool {
    s.trim_end().ends_with(['.', ':', '!', '?', ';'])
}

/// Every letter is a capital: type lines, issuer lines, signer titles.
pub fn is_all_caps(s: &str) -> bool {
    let mut letters = s.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && letters.all(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labelled_numbers_are_markers() {
        for (line, want) in [
            ("Nhiệm vụ 1. Tổ chức hội nghị", Some("1. Tổ chức hội nghị")),
            (
                "Nhiệm vụ 2: Biên soạn tài liệu",
                Some("2. Biên soạn tài liệu"),
            ),
            ("NHIỆM VỤ 3. Tập huấn", Some("3. Tập huấn")),
            ("Nội dung 1.2. Tuyên truyền", Some("1.2. Tuyên truyền")),
            ("Việc 4) Báo cáo", Some("4. Báo cáo")),
            ("Nhiệm vụ cụ thể", None),
            ("Nội dung: Tổ chức hội nghị", None),
            ("Nhiệm vụ 1 của kế hoạch được giao cho Sở Tư pháp", None),
            ("Việc 2. tiếp theo", None),
            ("Việc làm cho thanh niên", None),
        ] {
            assert_eq!(unlabel_number(line).as_deref(), want, "{line}");
        }
        let got: Vec<String> = split("Nhiệm vụ 1. Tổ chức hội nghị")
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert_eq!(got, ["1. Tổ chức hội nghị"]);
    }

    #[test]
    fn kinds() {
        let roman = |n: &str, r: &str| Kind::Roman {
            number: n.into(),
            rest: r.into(),
        };
        let num = |n: u32, r: &str| Kind::Numbered {
            number: n,
            rest: r.into(),
        };
        let item = |r: &str| Kind::Item { rest: r.into() };
        let cases: Vec<(&str, Kind)> = vec![
            (
                "II. NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU",
                roman("II", "NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU"),
            ),
            ("1. Mục đích", num(1, "Mục đích")),
            ("6.", num(6, "")),
            ("10. Sở Tư pháp", num(10, "Sở Tư pháp")),
            ("1.1. Chi tiết", item("1.1. Chi tiết")),
            ("2.3 Tập huấn", item("2.3 Tập huấn")),
            ("2.5 triệu đồng", Kind::Text),
            ("a) Tổ chức hội nghị", item("a) Tổ chức hội nghị")),
            ("đ) Báo cáo", item("đ) Báo cáo")),
            ("a) thường", Kind::Text),
            ("14/09/2022 của Thủ tướng", Kind::Text),
            ("- Tổ chức tuyên truyền", item("Tổ chức tuyên truyền")),
            ("- song tính - chuyển giới", Kind::Text),
            ("+ Ủy ban", item("Ủy ban")),
            (
                "Đơn vị chủ trì: Sở Tư pháp.",
                Kind::Label {
                    label: Label::Lead,
                    rest: "Sở Tư pháp.".into(),
                },
            ),
            (
                "Thời gian: Theo hướng dẫn",
                Kind::Label {
                    label: Label::Time,
                    rest: "Theo hướng dẫn".into(),
                },
            ),
            (
                "Nơi nhận:",
                Kind::Recipients {
                    rest: String::new(),
                },
            ),
            ("TM. ỦY BAN NHÂN DÂN", Kind::SignatureAuthority),
            ("KT. CHỦ TỊCH", Kind::SignatureAuthority),
            ("Thực hiện Quyết định", Kind::Text),
            ("I. a lower case", Kind::Text),
        ];
        for (text, want) in cases {
            assert_eq!(classify(text), want, "{text:?}");
        }
    }

    #[test]
    fn split_drops_blanks_and_cells() {
        let lines = split("a\n\n | b | c |\n   \nd");
        let got: Vec<(u32, &str)> = lines.iter().map(|l| (l.no, l.text.as_str())).collect();
        assert_eq!(got, vec![(1, "a"), (3, "b"), (3, "c"), (5, "d")]);
    }
}
