//! Reads a document of recommendations into the register's entries: a UN treaty body's concluding
//! observations (in English or in a Vietnamese translation), a Universal Periodic Review working
//! group's report, or a table of recommendations (XLSX, CSV, or a Word table).
//!
//! Works on the text the format readers produce ([`crate::formats::to_text`]), so DOCX, PDF and
//! text all arrive the same way; spreadsheets are read from their cells ([`read_file`]).
//!
//! Concluding observations: lettered sections ("C. Principal matters of concern and
//! recommendations"), theme headings carrying articles ("Non-discrimination (arts. 2, 3 and 26)"),
//! numbered paragraphs that wrap over lines. A paragraph stating concerns ("20. The Committee is
//! concerned …") is kept apart and attached to the recommendation under the same heading that
//! follows it ("21. The State party should: (a) …; (b) …"), whose "(a)", "(b)" become one
//! recommendation each. A UPR report: items "115.1 Ratify … (Country);" are paragraph 115, sub 1.
//! PDF page furniture (the symbol repeated on each page, "GE.25-…" job numbers, page numbers,
//! footnotes) is dropped.
//!
//! Pure and never panics; every guess is a diagnostic naming its line.

use crate::{Diagnostic, ParseError, formats};
use theodoi_domain::recommendation::{
    Mechanism, RecSource, Recommendation, is_symbol, parse_articles,
};
use theodoi_text::Message;
use time::{Date, Month};

/// What the caller knows that the text may not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The symbol to file the recommendations under when the text shows none (a translation
    /// without its head, a table without a symbol column).
    pub symbol: Option<String>,
    /// The text's language ("en", "vi"), when known; otherwise read from the text.
    pub language: Option<String>,
}

/// The recommendations of one source document, for a reviewer before anything is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRecommendations {
    pub source: RecSource,
    /// In the document's order.
    pub recommendations: Vec<Recommendation>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The columns a table of recommendations is recognised by, for the refusal.
pub const COLUMNS_LOOKED_FOR: &str = "đoạn/paragraph, nội dung/text (or text_vi); optional: nguồn/symbol, điểm/sub, điều/articles, chủ đề/theme, quan ngại/concern, ngày/date";

/// Why a file could not be read as recommendations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecError {
    /// The file itself could not be read (see [`ParseError`]).
    File(ParseError),
    /// A spreadsheet without a header row naming a paragraph and a text column.
    NoHeaderRow,
}

impl RecError {
    pub fn message(&self) -> Message {
        match self {
            Self::File(e) => Message::new(e.message_vi(), e.to_string()),
            Self::NoHeaderRow => Message::new(
                format!(
                    "Bảng tính không có dòng tiêu đề nêu các cột cần tìm ({COLUMNS_LOOKED_FOR})"
                ),
                format!(
                    "The spreadsheet has no header row naming the columns looked for ({COLUMNS_LOOKED_FOR})"
                ),
            ),
        }
    }
}

impl std::fmt::Display for RecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message().vi)
    }
}

impl std::error::Error for RecError {}

impl From<ParseError> for RecError {
    fn from(e: ParseError) -> Self {
        Self::File(e)
    }
}

/// Read a file of any format plandoc takes. A document gives one source; a spreadsheet one per
/// symbol in its source column.
pub fn read_file(
    name: Option<&str>,
    bytes: &[u8],
    options: &Options,
) -> Result<Vec<ParsedRecommendations>, RecError> {
    if bytes.len() > crate::input::MAX_INPUT_BYTES {
        return Err(ParseError::TooLarge {
            size: bytes.len(),
            limit: crate::input::MAX_INPUT_BYTES,
        }
        .into());
    }
    let rows = match formats::detect(bytes, name) {
        formats::Format::Xlsx => formats::xlsx_rows(bytes)?,
        formats::Format::Csv => formats::csv_rows(&crate::input::decode(bytes)?),
        _ => {
            let text = formats::to_text(bytes, name)?;
            if text.trim().is_empty() {
                return Err(ParseError::Empty.into());
            }
            return Ok(match table_rows(&text) {
                Some(rows) => read_table(&rows, options, default_symbol(&text))?,
                None => vec![read_document(&text, options)],
            });
        }
    };
    let numbered: Vec<(u32, Vec<String>)> = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| (u32::try_from(i + 1).unwrap_or(u32::MAX), r))
        .collect();
    read_table(&numbered, options, None)
}

/// Read a text: concluding observations, a UPR report, or a table ('|' rows as the DOCX reader
/// writes them, or CSV) of one source. A table holding several sources gives the first; use
/// [`read_file`] for the others.
pub fn read(text: &str, options: &Options) -> ParsedRecommendations {
    if let Some(rows) = table_rows(text)
        && let Ok(mut all) = read_table(&rows, options, default_symbol(text))
        && !all.is_empty()
    {
        let mut first = all.remove(0);
        for other in all {
            // The first row naming the other source.
            let line = rows
                .iter()
                .find(|(_, r)| {
                    r.iter()
                        .any(|c| theodoi_text::clean(c) == other.source.symbol)
                })
                .map_or(1, |(n, _)| *n);
            first.diagnostics.push(Diagnostic::in_both(
                line,
                "other_source",
                format!(
                    "Bảng còn có khuyến nghị của văn bản {} ({} khuyến nghị): hãy nhập cả tệp để đọc từng văn bản",
                    other.source.symbol,
                    other.recommendations.len()
                ),
                format!(
                    "The table also holds recommendations of {} ({}): import the file to read each document",
                    other.source.symbol,
                    other.recommendations.len()
                ),
            ));
        }
        return first;
    }
    read_document(text, options)
}

// ---------------------------------------------------------------- documents

/// A line of the document as read: its 1-based number and cleaned text.
#[derive(Debug, Clone)]
struct Line {
    no: u32,
    text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// "C. Principal matters of concern and recommendations", "II. Conclusions and/or
    /// recommendations".
    Section(String),
    /// "21. The State party should:" — the number and the rest of the line.
    Para(u32, String),
    /// "115.1 Ratify …" — paragraph, sub, rest.
    Item(u32, String, String),
    Text,
}

fn classify(text: &str) -> Kind {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() && digits.len() <= 4 {
        let rest = &text[digits.len()..];
        let n = digits.parse::<u32>().unwrap_or(0);
        if let Some(after) = rest.strip_prefix('.') {
            let sub: String = after.chars().take_while(char::is_ascii_digit).collect();
            if !sub.is_empty() && sub.len() <= 4 {
                let tail = after[sub.len()..].trim_start_matches('.');
                if tail.is_empty() || tail.starts_with(' ') {
                    return Kind::Item(n, sub, tail.trim().to_string());
                }
            } else if (after.is_empty() || after.starts_with(' ')) && n > 0 {
                return Kind::Para(n, after.trim().to_string());
            }
        }
        return Kind::Text;
    }
    // "A. Introduction", "II. Conclusions and/or recommendations": a short line, no full stop.
    let (mark, title) = text.split_once(". ").unwrap_or(("", ""));
    let lettered = mark.len() == 1 && mark.chars().all(|c| c.is_ascii_uppercase());
    let roman =
        !mark.is_empty() && mark.len() <= 4 && mark.chars().all(|c| matches!(c, 'I' | 'V' | 'X'));
    if (lettered || roman)
        && !title.is_empty()
        && title.split_whitespace().count() <= 12
        && !title.ends_with(['.', ';', ','])
    {
        return Kind::Section(title.trim().to_string());
    }
    Kind::Text
}

/// PDF page furniture: a bare page number, the symbol repeated at the top of a page, the "GE.25-…"
/// job number, a barcode, alone or together on a line.
fn is_furniture(text: &str, symbol: &str) -> bool {
    if text.len() <= 3 && !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let mut named = false;
    for token in text.split_whitespace() {
        let job = token.starts_with("GE.") && token[3..].chars().any(|c| c.is_ascii_digit());
        let same = !symbol.is_empty() && token == symbol;
        let barcode = token.len() > 2
            && token.starts_with('*')
            && token.ends_with('*')
            && token[1..token.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_digit());
        let language = matches!(token, "(E)" | "(F)" | "(S)" | "(R)" | "(C)" | "(A)");
        if job || same || barcode {
            named = true;
        } else if !(language || (token.len() <= 6 && token.bytes().all(|b| b.is_ascii_digit()))) {
            return false;
        }
    }
    named
}

/// A footnote at the foot of a PDF page ("1 See CCPR/C/VNM/CO/3, para. 5."), or the asterisked
/// note on the title ("* Adopted by the Committee at its …").
fn is_footnote(text: &str) -> bool {
    if text.starts_with('*') {
        return true;
    }
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 2 {
        return false;
    }
    let rest = &text[digits.len()..];
    let Some(rest) = rest.strip_prefix(' ') else {
        return false;
    };
    let first = rest.split_whitespace().next().unwrap_or_default();
    matches!(first, "See" | "Xem" | "Available" | "Ibid." | "Ibid")
        || is_symbol(first.trim_end_matches([',', '.', ';']))
}

/// The symbol shown in a text's head: the first UN symbol on a line of its own or first on a line.
fn default_symbol(text: &str) -> Option<String> {
    text.lines().take(60).find_map(|l| {
        theodoi_text::clean(l)
            .split_whitespace()
            .map(|t| t.trim_end_matches([',', ';', ':', '.']))
            .find(|t| is_symbol(t))
            .map(str::to_string)
    })
}

fn language_of(text: &str) -> String {
    let mut letters = 0usize;
    let mut vietnamese = 0usize;
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        // Vietnamese letters beyond ASCII (ă, ơ, đ, every tone mark) make up a quarter of a
        // Vietnamese text and almost none of an English one.
        if !c.is_ascii() {
            vietnamese += 1;
        }
    }
    if letters > 0 && vietnamese * 50 > letters {
        "vi".into()
    } else {
        "en".into()
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A date written "29 April 2025", "April 29, 2025", "ngày 29 tháng 4 năm 2025" or "29/4/2025".
fn find_date(text: &str) -> Option<Date> {
    let folded = theodoi_text::fold_chars(text);
    let words: Vec<&str> = folded
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let num = |w: &str| w.parse::<u32>().ok();
    let date = |d: u32, m: u32, y: u32| {
        let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
        Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(d).ok()?).ok()
    };
    for (i, w) in words.iter().enumerate() {
        if let Some(m) = MONTHS.iter().position(|name| name == w) {
            let m = u32::try_from(m + 1).ok()?;
            // "29 April 2025" or "April 29 2025".
            let before = i
                .checked_sub(1)
                .and_then(|j| words.get(j))
                .and_then(|w| num(w));
            let after = words.get(i + 1).and_then(|w| num(w));
            let year = words.get(i + 2).and_then(|w| num(w));
            if let (Some(d), Some(y)) = (before, after)
                && let Some(found) = date(d, m, y)
            {
                return Some(found);
            }
            if let (Some(d), Some(y)) = (after, year)
                && let Some(found) = date(d, m, y)
            {
                return Some(found);
            }
        }
        if *w == "ngay"
            && let [d, "thang", m, "nam", y, ..] = words.get(i + 1..).unwrap_or_default()
            && let (Some(d), Some(m), Some(y)) = (num(d), num(m), num(y))
            && let Some(found) = date(d, m, y)
        {
            return Some(found);
        }
        let parts: Vec<&str> = w.split('/').collect();
        if let [d, m, y] = parts.as_slice()
            && y.len() == 4
            && let (Some(d), Some(m), Some(y)) = (num(d), num(m), num(y))
            && let Some(found) = date(d, m, y)
        {
            return Some(found);
        }
    }
    None
}

fn diag(line: u32, code: &'static str, vi: String, en: String) -> Diagnostic {
    Diagnostic::in_both(line, code, vi, en)
}

/// Words that make a paragraph a recommendation, folded, in English and Vietnamese.
const RECOMMENDING: &[&str] = &[
    "the state party should",
    "the committee recommends",
    "the committee urges",
    "the committee calls upon",
    "the committee calls on",
    "the committee requests",
    "the committee encourages",
    "the state party is requested",
    "the state party is encouraged",
    "the state party is invited",
    "quoc gia thanh vien can",
    "quoc gia thanh vien nen",
    "quoc gia thanh vien phai",
    "quoc gia thanh vien duoc yeu cau",
    "quoc gia thanh vien duoc de nghi",
    "quoc gia thanh vien duoc khuyen khich",
    "uy ban khuyen nghi",
    "uy ban de nghi",
    "uy ban yeu cau",
    "uy ban keu goi",
    "uy ban khuyen khich",
    "uy ban thuc giuc",
];

/// Words that make a paragraph a statement of concern.
const CONCERNING: &[&str] = &[
    "concerned",
    "notes with concern",
    "regrets",
    "alarmed",
    "quan ngai",
    "lo ngai",
    "lay lam tiec",
];

fn find_any(folded: &str, phrases: &[&str]) -> Option<usize> {
    phrases.iter().filter_map(|p| folded.find(p)).min()
}

/// A paragraph being read.
struct Open {
    line: u32,
    paragraph: u32,
    /// The sub of a UPR item.
    sub: Option<String>,
    /// Lines joined with '\n', so sub-paragraph markers at a line's start can be told.
    raw: String,
}

/// The heading a paragraph sits under.
#[derive(Debug, Clone, Default)]
struct Theme {
    /// Counts headings, so "the same heading" is not confused with two headings of one name.
    serial: u32,
    title: String,
    articles: Vec<u8>,
    /// Introductions and positive aspects: paragraphs that recommend nothing, as expected.
    quiet: bool,
}

/// Concerns waiting for the recommendation under the same heading.
#[derive(Default)]
struct Concern {
    serial: u32,
    texts: Vec<String>,
    used: bool,
}

struct Reader {
    /// The text is Vietnamese: each recommendation's text is also its `text_vi`.
    vi: bool,
    upr: bool,
    theme: Theme,
    concern: Concern,
    recs: Vec<Recommendation>,
    diags: Vec<Diagnostic>,
}

fn read_document(text: &str, options: &Options) -> ParsedRecommendations {
    let lines: Vec<Line> = text
        .lines()
        .enumerate()
        .map(|(i, l)| Line {
            no: u32::try_from(i + 1).unwrap_or(u32::MAX),
            text: theodoi_text::clean(l),
        })
        .filter(|l| !l.text.is_empty())
        .collect();
    let mut diags = Vec::new();
    let symbol = default_symbol(text).or_else(|| options.symbol.clone());
    let symbol = match symbol {
        Some(s) => s,
        None => {
            diags.push(diag(
                lines.first().map_or(1, |l| l.no),
                "no_symbol",
                "Không thấy ký hiệu văn bản (như CCPR/C/VNM/CO/4) ở đầu văn bản; hãy nhập ký hiệu khi rà soát".into(),
                "No document symbol (such as CCPR/C/VNM/CO/4) at the head of the text; enter it in the review".into(),
            ));
            String::new()
        }
    };
    let folded_all = theodoi_text::fold_chars(text);
    let upr_words = folded_all.contains("universal periodic review")
        || folded_all.contains("kiem diem dinh ky pho quat");
    let mechanism = match Mechanism::from_symbol(&symbol) {
        Some(m) => m,
        None if upr_words => Mechanism::Upr,
        // Without a symbol, "no_symbol" above already asks for one.
        None if symbol.is_empty() => Mechanism::Other {
            name: String::new(),
        },
        None => {
            let name = symbol.split('/').next().unwrap_or_default().to_string();
            diags.push(diag(
                1,
                "mechanism_unknown",
                format!("Không nhận ra cơ chế của văn bản \"{symbol}\"; hãy chọn khi rà soát"),
                format!("The mechanism of \"{symbol}\" is not recognised; choose it in the review"),
            ));
            Mechanism::Other { name }
        }
    };
    let kinds: Vec<Kind> = lines.iter().map(|l| classify(&l.text)).collect();
    let items = kinds.iter().filter(|k| matches!(k, Kind::Item(..))).count();
    let paras = kinds.iter().filter(|k| matches!(k, Kind::Para(..))).count();
    // "1.5 million" can open a line of a paragraph: a UPR report is mostly items.
    let upr = mechanism == Mechanism::Upr || (items >= 3 && items > paras);
    // The head: everything before the first numbered paragraph.
    let body_at = kinds
        .iter()
        .position(|k| matches!(k, Kind::Para(..) | Kind::Item(..)))
        .unwrap_or(lines.len());
    let head = &lines[..body_at];
    let title = title_of(head);
    let date = head.iter().find_map(|l| find_date(&l.text));
    let language = options
        .language
        .clone()
        .unwrap_or_else(|| language_of(text));
    let source = RecSource {
        symbol: symbol.clone(),
        title,
        date,
        mechanism,
        language,
    };

    // The body without page furniture and footnotes.
    let mut body: Vec<(Line, Kind)> = Vec::new();
    // The first line of the body can be a section heading ("A. Introduction") just above
    // paragraph 1: start at the last section heading before it.
    // Without a section, a theme heading of up to three lines can stand just above it.
    let start = kinds[..body_at]
        .iter()
        .rposition(|k| matches!(k, Kind::Section(_)))
        .or_else(|| {
            (1..=3.min(body_at))
                .find(|&k| {
                    let above: Vec<&str> = lines[body_at - k..body_at]
                        .iter()
                        .map(|l| l.text.as_str())
                        .collect();
                    with_articles(&above.join(" ")).is_some()
                })
                .map(|k| body_at - k)
        })
        .unwrap_or(body_at);
    for (l, k) in lines[start..].iter().zip(&kinds[start..]) {
        if is_furniture(&l.text, &symbol) || is_footnote(&l.text) {
            diags.push(diag(
                l.no,
                "page_furniture",
                format!("Bỏ dòng đầu/chân trang hoặc chú thích: \"{}\"", l.text),
                format!("Dropped a page header, footer or footnote: \"{}\"", l.text),
            ));
            continue;
        }
        let f = theodoi_text::fold_chars(&l.text);
        if f == "annex" || f.starts_with("annex ") || f == "phu luc" || f.starts_with("phu luc ") {
            // An annex lists delegations or documents, not recommendations.
            break;
        }
        body.push((l.clone(), k.clone()));
    }
    let mut reader = Reader {
        vi: source.language == "vi",
        upr,
        theme: Theme::default(),
        concern: Concern::default(),
        recs: Vec::new(),
        diags,
    };
    reader.body(&body);
    let Reader {
        mut recs,
        mut diags,
        ..
    } = reader;
    if recs.is_empty() {
        diags.push(diag(
            lines.first().map_or(1, |l| l.no),
            "no_recommendations",
            "Không tìm thấy khuyến nghị nào (đoạn có đánh số \"… Quốc gia thành viên cần …\" hay mục \"115.1 …\")".into(),
            "No recommendation found (numbered paragraphs \"… The State party should …\" or items \"115.1 …\")".into(),
        ));
    }
    recs.sort_by_key(Recommendation::key);
    diags.sort_by_key(|d| d.line);
    ParsedRecommendations {
        source,
        recommendations: recs,
        diagnostics: diags,
    }
}

/// The document's title: "Concluding observations on …", "Report of the Working Group on the
/// Universal Periodic Review" (with the country on the next line), or their Vietnamese.
fn title_of(head: &[Line]) -> String {
    const STARTS: &[&str] = &[
        "concluding observations",
        "report of the working group on the universal periodic review",
        "nhan xet ket luan",
        "khuyen nghi ket luan",
        "ket luan",
        "bao cao cua nhom cong tac ve kiem diem dinh ky pho quat",
    ];
    let Some(at) = head.iter().position(|l| {
        let f = theodoi_text::fold_chars(&l.text);
        STARTS.iter().any(|s| f.starts_with(s))
    }) else {
        return String::new();
    };
    let mut title = head[at].text.trim_end_matches('*').trim().to_string();
    // A title wrapped in two ("… periodic report of" / "Viet Nam*") or followed by the country.
    if let Some(next) = head.get(at + 1) {
        let t = next.text.trim_end_matches('*').trim();
        let short = t.split_whitespace().count() <= 5
            && !t.chars().any(|c| c.is_ascii_digit())
            && classify(t) == Kind::Text
            && !is_symbol(t);
        let f = theodoi_text::fold_chars(&title);
        if short && (f.ends_with(" of") || f.ends_with(" cua") || f.ends_with(" ve")) {
            title = format!("{title} {t}");
        } else if short && (f.contains("periodic review") || f.contains("pho quat")) {
            title = format!("{title}: {t}");
        }
    }
    title
}

impl Reader {
    fn body(&mut self, body: &[(Line, Kind)]) {
        let mut open: Option<Open> = None;
        let mut last_para: Option<u32> = None;
        let mut i = 0;
        while i < body.len() {
            let (line, kind) = &body[i];
            match kind {
                Kind::Section(title) => {
                    self.flush(open.take());
                    // An excerpt may leave paragraphs out between sections: the numbering after a
                    // section heading is taken as it comes.
                    last_para = None;
                    let f = theodoi_text::fold_chars(title);
                    // A UPR report's sections ("Conclusions and/or recommendations") are no themes.
                    self.set_theme(
                        if self.upr {
                            String::new()
                        } else {
                            title.clone()
                        },
                        Vec::new(),
                        ["introduction", "positive", "gioi thieu", "tich cuc"]
                            .iter()
                            .any(|w| f.contains(w)),
                    );
                }
                Kind::Para(n, rest) if self.plausible(*n, last_para, line.no) => {
                    self.flush(open.take());
                    last_para = Some(*n);
                    open = Some(Open {
                        line: line.no,
                        paragraph: *n,
                        sub: None,
                        raw: rest.clone(),
                    });
                }
                Kind::Item(n, sub, rest) if self.upr => {
                    self.flush(open.take());
                    if last_para.is_some_and(|p| p != *n) {
                        self.diags.push(diag(
                            line.no,
                            "item_outside_paragraph",
                            format!(
                                "Mục {n}.{sub} không thuộc đoạn đang đọc ({})",
                                last_para.unwrap_or_default()
                            ),
                            format!(
                                "Item {n}.{sub} is not in the paragraph being read ({})",
                                last_para.unwrap_or_default()
                            ),
                        ));
                    }
                    last_para = Some(*n);
                    open = Some(Open {
                        line: line.no,
                        paragraph: *n,
                        sub: Some(sub.clone()),
                        raw: rest.clone(),
                    });
                }
                _ => {
                    if let Some(taken) = self.heading(body, i, &mut open) {
                        i += taken;
                        continue;
                    }
                    if let Some(o) = open.as_mut() {
                        o.raw.push('\n');
                        o.raw.push_str(&line.text);
                    }
                }
            }
            i += 1;
        }
        self.flush(open);
    }

    /// Whether "n." starts a paragraph: the next number, or a few ahead (a paragraph lost in
    /// extraction, said so). Anything else is a line of the paragraph that begins with a number.
    fn plausible(&mut self, n: u32, last: Option<u32>, line: u32) -> bool {
        let Some(last) = last else {
            return true;
        };
        if n == last + 1 {
            return true;
        }
        if n > last + 1 && n <= last + 10 {
            self.diags.push(diag(
                line,
                "paragraph_skipped",
                format!("Đoạn {n} đứng sau đoạn {last}: thiếu đoạn ở giữa?"),
                format!("Paragraph {n} follows paragraph {last}: are paragraphs missing?"),
            ));
            return true;
        }
        self.diags.push(diag(
            line,
            "number_in_text",
            format!(
                "Dòng bắt đầu bằng \"{n}.\" nhưng đoạn trước là {last}: đọc như phần tiếp của đoạn"
            ),
            format!(
                "A line starts with \"{n}.\" after paragraph {last}: read as part of that paragraph"
            ),
        ));
        false
    }

    /// A heading at `body[i]`: up to three lines that end in an articles reference ("Right to
    /// life (art. 6)"), or one short line standing between paragraphs. Returns the lines taken.
    /// The paragraph still open is read (under the heading before) once a heading is found.
    fn heading(
        &mut self,
        body: &[(Line, Kind)],
        i: usize,
        open: &mut Option<Open>,
    ) -> Option<usize> {
        let first = &body[i].0;
        if !first.text.starts_with(|c: char| c.is_uppercase()) {
            return None;
        }
        // A heading follows a finished paragraph, never the middle of one.
        if let Some(o) = open.as_ref() {
            let end = o.raw.trim_end();
            // A UPR item ends with ';', and the paragraph leading into the items with ':'.
            let ended = end.ends_with(['.', '"', '”']) || (self.upr && end.ends_with([';', ':']));
            if !ended {
                return None;
            }
        }
        let next_starts = |j: usize| {
            body.get(j).is_none_or(|(_, k)| {
                matches!(k, Kind::Para(..) | Kind::Item(..) | Kind::Section(_))
            })
        };
        let mut joined = String::new();
        for taken in 1..=3 {
            let j = i + taken - 1;
            let Some((l, Kind::Text)) = body.get(j) else {
                return None;
            };
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(&l.text);
            if joined.split_whitespace().count() > 30 || !next_starts(j + 1) {
                continue;
            }
            if let Some((title, articles)) = with_articles(&joined) {
                let (valid, refused) = parse_articles(&articles);
                for n in refused {
                    self.diags.push(diag(
                        first.no,
                        "article_out_of_range",
                        format!("Công ước không có điều {n} về quyền (các điều 1–27): bỏ qua trong tiêu đề \"{joined}\""),
                        format!("The Covenant has no article {n} on a right (articles 1–27): left out of the heading \"{joined}\""),
                    ));
                }
                self.flush(open.take());
                self.set_theme(title, valid, false);
                return Some(taken);
            }
            let bare = taken == 1
                && joined.split_whitespace().count() <= 15
                && !joined.ends_with(['.', ';', ':', ','])
                && body
                    .get(j + 1)
                    .is_some_and(|(_, k)| matches!(k, Kind::Para(..) | Kind::Item(..)));
            if bare {
                self.diags.push(diag(
                    first.no,
                    "theme_without_articles",
                    format!("Đọc \"{joined}\" là tiêu đề chủ đề (không nêu điều nào của Công ước)"),
                    format!(
                        "Read \"{joined}\" as a theme heading (it names no article of the Covenant)"
                    ),
                ));
                self.flush(open.take());
                self.set_theme(joined, Vec::new(), false);
                return Some(1);
            }
            return None;
        }
        None
    }

    fn set_theme(&mut self, title: String, articles: Vec<u8>, quiet: bool) {
        self.theme = Theme {
            serial: self.theme.serial + 1,
            title,
            articles,
            quiet,
        };
    }

    fn flush(&mut self, open: Option<Open>) {
        let Some(o) = open else {
            return;
        };
        if let Some(sub) = &o.sub {
            self.item(&o, sub);
            return;
        }
        if self.upr {
            // A UPR paragraph without items ("115. The following recommendations …") leads in.
            return;
        }
        // Phrases wrap over lines: match them with the line breaks as spaces (one char for one,
        // so offsets still fit the raw text).
        let folded = theodoi_text::fold_chars(&o.raw.replace('\n', " "));
        let recommending = find_any(&folded, RECOMMENDING);
        let concern_end = match recommending {
            Some(at) => find_any(&folded[..at], CONCERNING).map(|_| at),
            None => find_any(&folded, CONCERNING).map(|_| folded.len()),
        };
        if let Some(end) = concern_end {
            // Offsets of the folded text are offsets of the text (one char for one char).
            let concern = cut(&o.raw, &folded, 0, end);
            if self.concern.used || self.concern.serial != self.theme.serial {
                self.concern = Concern {
                    serial: self.theme.serial,
                    texts: Vec::new(),
                    used: false,
                };
            }
            self.concern.texts.push(theodoi_text::clean(&concern));
        }
        let Some(at) = recommending else {
            if concern_end.is_none() && !self.theme.quiet {
                self.diags.push(diag(
                    o.line,
                    "paragraph_unclassified",
                    format!(
                        "Đoạn {} không nêu quan ngại hay khuyến nghị: bỏ qua",
                        o.paragraph
                    ),
                    format!(
                        "Paragraph {} states neither a concern nor a recommendation: left out",
                        o.paragraph
                    ),
                ));
            }
            return;
        };
        let start = if concern_end.is_some() { at } else { 0 };
        let text = cut(&o.raw, &folded, start, folded.len());
        let concern = (self.concern.serial == self.theme.serial && !self.concern.texts.is_empty())
            .then(|| self.concern.texts.join("\n\n"));
        if concern.is_some() {
            self.concern.used = true;
        }
        let subs = split_subs(&text);
        if subs.is_empty() {
            self.push(o.line, o.paragraph, None, &text, concern);
        } else {
            for (letter, sub_text) in subs {
                self.push(
                    o.line,
                    o.paragraph,
                    Some(letter),
                    &sub_text,
                    concern.clone(),
                );
            }
        }
    }

    fn item(&mut self, o: &Open, sub: &str) {
        let text = theodoi_text::clean(&o.raw);
        let text = text.trim_end_matches([';', '.', ' ']).to_string();
        if !text.ends_with(')') {
            self.diags.push(diag(
                o.line,
                "no_recommending_state",
                format!(
                    "Khuyến nghị {}.{sub} không ghi quốc gia khuyến nghị trong ngoặc",
                    o.paragraph
                ),
                format!(
                    "Recommendation {}.{sub} names no recommending State in brackets",
                    o.paragraph
                ),
            ));
        }
        let theme = self.theme.clone();
        let rec = Recommendation {
            paragraph: o.paragraph,
            sub: Some(sub.to_string()),
            theme: if theme.quiet {
                String::new()
            } else {
                theme.title
            },
            articles: theme.articles,
            concern: None,
            text,
            text_vi: None,
        };
        self.add(o.line, rec);
    }

    fn push(
        &mut self,
        line: u32,
        paragraph: u32,
        sub: Option<String>,
        text: &str,
        concern: Option<String>,
    ) {
        let text = theodoi_text::clean(text);
        let vi = self.vi;
        let rec = Recommendation {
            paragraph,
            sub,
            theme: self.theme.title.clone(),
            articles: self.theme.articles.clone(),
            concern,
            text_vi: vi.then(|| text.clone()),
            text,
        };
        self.add(line, rec);
    }

    fn add(&mut self, line: u32, rec: Recommendation) {
        if rec.text.is_empty() {
            self.diags.push(diag(
                line,
                "empty_recommendation",
                format!("Khuyến nghị {} không có nội dung: bỏ qua", rec.number()),
                format!("Recommendation {} has no text: left out", rec.number()),
            ));
            return;
        }
        if self.recs.iter().any(|r| r.key() == rec.key()) {
            self.diags.push(diag(
                line,
                "duplicate",
                format!("Khuyến nghị {} đã có ở trên: bỏ bản lặp", rec.number()),
                format!(
                    "Recommendation {} appears above: the repeat is left out",
                    rec.number()
                ),
            ));
            return;
        }
        self.recs.push(rec);
    }
}

/// `text[from..to]` where the offsets were found in `folded` (which has one char for each char of
/// `text`), in chars so a multi-byte letter is never cut.
fn cut(text: &str, folded: &str, from: usize, to: usize) -> String {
    let chars = |at: usize| folded.get(..at).map_or(0, |s| s.chars().count());
    let (a, b) = (chars(from), chars(to));
    text.chars().skip(a).take(b.saturating_sub(a)).collect()
}

/// "Non-discrimination (arts. 2, 3 and 26)" → ("Non-discrimination", "2, 3 and 26"); also
/// "(art. 6)", "(article 14)", "(điều 6)", "(các điều 2, 3 và 26)".
fn with_articles(heading: &str) -> Option<(String, String)> {
    let h = heading.trim();
    let inner_end = h.strip_suffix(')')?;
    let open = inner_end.rfind('(')?;
    let inner = &inner_end[open + 1..];
    let f = theodoi_text::fold_chars(inner);
    let f = f.trim();
    let numbers = [
        "articles", "article", "arts.", "art.", "arts", "art", "cac dieu", "dieu",
    ]
    .iter()
    .find_map(|w| f.strip_prefix(w))?;
    if !numbers
        .trim_start_matches('.')
        .trim()
        .starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let title = inner_end[..open].trim().to_string();
    (!title.is_empty()).then(|| (title, inner.to_string()))
}

/// The sub-paragraphs of a recommendation: "(a) …; (b) …" or "a) …" at a line's start, in
/// alphabetical sequence. Each text is trimmed of its closing "; and".
fn split_subs(text: &str) -> Vec<(String, String)> {
    let mut marks: Vec<(char, usize, usize)> = Vec::new();
    let mut from = 0;
    let mut parens = None;
    for letter in 'a'..='z' {
        let found = [true, false]
            .into_iter()
            .filter(|p| parens.is_none_or(|q| q == *p))
            .find_map(|p| find_mark(text, from, letter, p).map(|at| (p, at)));
        let Some((p, (start, content))) = found else {
            break;
        };
        parens = Some(p);
        marks.push((letter, start, content));
        from = content;
    }
    let mut out = Vec::new();
    for (i, &(letter, _, content)) in marks.iter().enumerate() {
        let end = marks.get(i + 1).map_or(text.len(), |m| m.1);
        let body = theodoi_text::clean(text.get(content..end).unwrap_or_default());
        out.push((letter.to_string(), trim_joiner(&body)));
    }
    out
}

/// Where "(x)" (or "x)" at a line's start, when `parens` is false) starts a sub-paragraph at or
/// after `from`: the marker's start and its text's start.
fn find_mark(text: &str, from: usize, letter: char, parens: bool) -> Option<(usize, usize)> {
    let mark = if parens {
        format!("({letter})")
    } else {
        format!("{letter})")
    };
    let mut at = from;
    while let Some(found) = text.get(at..).and_then(|t| t.find(&mark)) {
        let start = at + found;
        let content = start + mark.len();
        let before = text[..start].trim_end_matches(' ');
        let after_ok = text[content..].starts_with([' ', '\n']);
        let line_start = text[..start].ends_with('\n') || before.is_empty();
        let joined = parens
            && (before.ends_with([':', ';', '.', '\n'])
                || [" and", " or", " và", " hoặc"]
                    .iter()
                    .any(|w| before.ends_with(w)));
        if after_ok && (line_start || joined) {
            return Some((start, content));
        }
        at = content;
    }
    None
}

/// "Ensure …; and" → "Ensure …"; "Ensure …;" → "Ensure …".
fn trim_joiner(text: &str) -> String {
    let mut t = text.trim();
    for w in ["; and", "; or", "; và", "; hoặc", ";"] {
        if let Some(s) = t.strip_suffix(w) {
            t = s.trim_end();
            break;
        }
    }
    t.to_string()
}

// ---------------------------------------------------------------- tables

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Symbol,
    Paragraph,
    Sub,
    Articles,
    Theme,
    Text,
    TextVi,
    Concern,
    Date,
}

fn column(cell: &str) -> Option<Col> {
    let k = theodoi_text::fold(cell);
    let k = k.trim();
    let is = |names: &[&str]| names.contains(&k);
    if k.contains("tieng viet")
        || is(&["text vi", "vi", "vietnamese", "ban dich", "text vietnamese"])
    {
        Some(Col::TextVi)
    } else if k.contains("quan ngai") || k.contains("concern") {
        Some(Col::Concern)
    } else if is(&[
        "symbol",
        "source",
        "nguon",
        "ky hieu",
        "ky hieu van ban",
        "van ban",
        "document",
        "tai lieu",
        "nguon khuyen nghi",
    ]) {
        Some(Col::Symbol)
    } else if is(&[
        "paragraph",
        "para",
        "para.",
        "doan",
        "so doan",
        "paragraph no",
        "paragraph number",
        "no",
        "so",
    ]) {
        Some(Col::Paragraph)
    } else if is(&[
        "sub",
        "subparagraph",
        "sub-paragraph",
        "sub paragraph",
        "diem",
        "tieu doan",
    ]) {
        Some(Col::Sub)
    } else if is(&[
        "articles",
        "article",
        "arts",
        "art",
        "dieu",
        "cac dieu",
        "dieu cong uoc",
        "iccpr",
    ]) {
        Some(Col::Articles)
    } else if is(&[
        "theme",
        "themes",
        "topic",
        "chu de",
        "nhom van de",
        "linh vuc",
        "van de",
    ]) {
        Some(Col::Theme)
    } else if is(&[
        "text",
        "recommendation",
        "recommendations",
        "content",
        "noi dung",
        "khuyen nghi",
        "noi dung khuyen nghi",
        "text en",
        "english",
    ]) {
        Some(Col::Text)
    } else if is(&["date", "ngay", "ngay ban hanh"]) {
        Some(Col::Date)
    } else {
        None
    }
}

/// A header row's columns, when it names a paragraph and a text column.
fn header(cells: &[String]) -> Option<Vec<Option<Col>>> {
    let cols: Vec<Option<Col>> = cells.iter().map(|c| column(c)).collect();
    let has = |c: Col| cols.contains(&Some(c));
    (has(Col::Paragraph) && (has(Col::Text) || has(Col::TextVi))).then_some(cols)
}

/// A text's table: '|' rows (a Word table as the DOCX reader writes it) or CSV, when one of the
/// first rows is a header this reader recognises.
fn table_rows(text: &str) -> Option<Vec<(u32, Vec<String>)>> {
    let numbered = |i: usize| u32::try_from(i + 1).unwrap_or(u32::MAX);
    let piped: Vec<(u32, Vec<String>)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with('|'))
        .map(|(i, l)| (numbered(i), crate::table::cells(l)))
        .collect();
    if piped.iter().take(30).any(|(_, r)| header(r).is_some()) {
        return Some(piped);
    }
    let first = text.lines().find(|l| !l.trim().is_empty())?;
    if !first.contains([',', ';']) {
        return None;
    }
    let rows: Vec<(u32, Vec<String>)> = formats::csv_rows(text)
        .into_iter()
        .enumerate()
        .map(|(i, r)| (numbered(i), r))
        .collect();
    rows.iter()
        .take(30)
        .any(|(_, r)| {
            header(&r.iter().map(|c| theodoi_text::clean(c)).collect::<Vec<_>>()).is_some()
        })
        .then_some(rows)
}

/// "21", "21(b)", "21 (b)", "21.b", "115.1", "para. 21": the paragraph and any sub written with it.
fn paragraph_cell(cell: &str) -> Option<(u32, Option<String>)> {
    let f = theodoi_text::fold_chars(cell);
    let mut s = f.trim();
    for w in ["paragraph", "para.", "para", "doan"] {
        if let Some(r) = s.strip_prefix(w) {
            s = r.trim_start_matches(['.', ' ']);
            break;
        }
    }
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    let n = digits
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=9_999).contains(n))?;
    let tail = s[digits.len()..].trim();
    let sub = if tail.is_empty() {
        None
    } else {
        Some(sub_cell(tail)?)
    };
    Some((n, sub))
}

/// "b", "(b)", "b)", ".1", "1": a sub-paragraph.
fn sub_cell(cell: &str) -> Option<String> {
    let s = cell
        .trim()
        .trim_start_matches(['.', '('])
        .trim_end_matches([')', '.'])
        .trim();
    let s = s.to_lowercase();
    let ok = !s.is_empty()
        && s.len() <= 4
        && (s.bytes().all(|b| b.is_ascii_digit()) || s.bytes().all(|b| b.is_ascii_lowercase()));
    ok.then_some(s)
}

/// Rows of a table of recommendations, by source symbol in the order they first appear.
/// `fallback` is a symbol found outside the table (above a Word table).
fn read_table(
    rows: &[(u32, Vec<String>)],
    options: &Options,
    fallback: Option<String>,
) -> Result<Vec<ParsedRecommendations>, RecError> {
    let cleaned: Vec<(u32, Vec<String>)> = rows
        .iter()
        .map(|(n, r)| (*n, r.iter().map(|c| theodoi_text::clean(c)).collect()))
        .collect();
    let (at, cols) = cleaned
        .iter()
        .take(30)
        .enumerate()
        .find_map(|(i, (_, r))| header(r).map(|h| (i, h)))
        .ok_or(RecError::NoHeaderRow)?;
    let get = |row: &[String], col: Col| -> String {
        cols.iter()
            .position(|c| *c == Some(col))
            .and_then(|i| row.get(i))
            .cloned()
            .unwrap_or_default()
    };
    let default = options.symbol.clone().or(fallback);
    let mut out: Vec<ParsedRecommendations> = Vec::new();
    for (line, row) in &cleaned[at + 1..] {
        let line = *line;
        if row.iter().all(String::is_empty) {
            continue;
        }
        let symbol = Some(get(row, Col::Symbol))
            .filter(|s| !s.is_empty())
            .or_else(|| default.clone())
            .unwrap_or_default();
        let group = match out.iter().position(|p| p.source.symbol == symbol) {
            Some(g) => g,
            None => {
                out.push(table_source(&symbol, line, options));
                out.len() - 1
            }
        };
        let p = &mut out[group];
        let para_text = get(row, Col::Paragraph);
        let Some((paragraph, mut sub)) = paragraph_cell(&para_text) else {
            p.diagnostics.push(diag(
                line,
                "no_paragraph",
                format!("\"{para_text}\" không phải số đoạn; bỏ qua dòng"),
                format!("\"{para_text}\" is not a paragraph number; row left out"),
            ));
            continue;
        };
        let sub_text = get(row, Col::Sub);
        if !sub_text.is_empty() {
            match sub_cell(&sub_text) {
                Some(s) => sub = Some(s),
                None => p.diagnostics.push(diag(
                    line,
                    "bad_sub",
                    format!("\"{sub_text}\" không phải điểm (a, b … hay 1, 2 …); bỏ qua điểm"),
                    format!("\"{sub_text}\" is not a sub-paragraph (a, b … or 1, 2 …); left out"),
                )),
            }
        }
        let (articles, refused) = parse_articles(&get(row, Col::Articles));
        for n in refused {
            p.diagnostics.push(diag(
                line,
                "article_out_of_range",
                format!("Công ước không có điều {n} về quyền (các điều 1–27); bỏ qua"),
                format!("the Covenant has no article {n} on a right (articles 1–27); left out"),
            ));
        }
        if p.source.date.is_none() {
            p.source.date = find_date(&get(row, Col::Date));
        }
        let original = get(row, Col::Text);
        let vi = get(row, Col::TextVi);
        let (text, text_vi) = match (original.is_empty(), vi.is_empty()) {
            (false, false) => (original, Some(vi)),
            (false, true) if language_of(&original) == "vi" => (original.clone(), Some(original)),
            (false, true) => (original, None),
            (true, false) => (vi.clone(), Some(vi)),
            (true, true) => {
                p.diagnostics.push(diag(
                    line,
                    "empty_recommendation",
                    "Khuyến nghị không có nội dung; bỏ qua dòng".to_string(),
                    "The recommendation has no text; row left out".to_string(),
                ));
                continue;
            }
        };
        let concern = Some(get(row, Col::Concern)).filter(|c| !c.is_empty());
        let rec = Recommendation {
            paragraph,
            sub,
            theme: get(row, Col::Theme),
            articles,
            concern,
            text,
            text_vi,
        };
        if p.recommendations.iter().any(|r| r.key() == rec.key()) {
            p.diagnostics.push(diag(
                line,
                "duplicate",
                format!("Khuyến nghị {} đã có ở trên; bỏ bản lặp", rec.number()),
                format!(
                    "Recommendation {} appears above; the repeat is left out",
                    rec.number()
                ),
            ));
            continue;
        }
        p.recommendations.push(rec);
    }
    for p in &mut out {
        if p.source.language.is_empty() {
            let all: String = p
                .recommendations
                .iter()
                .map(|r| r.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            p.source.language = language_of(&all);
        }
        p.recommendations.sort_by_key(Recommendation::key);
        p.diagnostics.sort_by_key(|d| d.line);
    }
    Ok(out)
}

fn table_source(symbol: &str, line: u32, options: &Options) -> ParsedRecommendations {
    let mut diagnostics = Vec::new();
    let mechanism = match Mechanism::from_symbol(symbol) {
        Some(m) => m,
        None if symbol.starts_with("A/HRC/") => {
            diagnostics.push(diag(
                line,
                "mechanism_guessed",
                format!("Văn bản {symbol} của Hội đồng Nhân quyền được coi là báo cáo UPR; hãy xác nhận khi rà soát"),
                format!("{symbol}, a Human Rights Council document, is taken to be a UPR report; confirm it in the review"),
            ));
            Mechanism::Upr
        }
        None => {
            diagnostics.push(diag(
                line,
                if symbol.is_empty() {
                    "no_symbol"
                } else {
                    "mechanism_unknown"
                },
                format!("Không nhận ra văn bản nguồn \"{symbol}\"; hãy chọn khi rà soát"),
                format!(
                    "The source document \"{symbol}\" is not recognised; choose it in the review"
                ),
            ));
            Mechanism::Other {
                name: symbol.split('/').next().unwrap_or_default().to_string(),
            }
        }
    };
    ParsedRecommendations {
        source: RecSource {
            symbol: symbol.to_string(),
            title: String::new(),
            date: None,
            mechanism,
            language: options.language.clone().unwrap_or_default(),
        },
        recommendations: Vec::new(),
        diagnostics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_classified() {
        assert_eq!(
            classify("21. The State party should:"),
            Kind::Para(21, "The State party should:".into())
        );
        assert_eq!(
            classify("115.1 Ratify the Protocol (Chile);"),
            Kind::Item(115, "1".into(), "Ratify the Protocol (Chile);".into())
        );
        assert_eq!(
            classify("C. Principal matters of concern and recommendations"),
            Kind::Section("Principal matters of concern and recommendations".into())
        );
        assert_eq!(
            classify("II. Conclusions and/or recommendations"),
            Kind::Section("Conclusions and/or recommendations".into())
        );
        assert_eq!(classify("2025 was a year"), Kind::Text);
        assert_eq!(classify("A. The Committee notes."), Kind::Text);
    }

    #[test]
    fn furniture_and_footnotes() {
        let s = "CCPR/C/VNM/CO/4";
        for l in [
            "3",
            "CCPR/C/VNM/CO/4",
            "GE.25-04567 (E) 020525 050525",
            "2 GE.25-04567",
            "*2504567*",
            "CCPR/C/VNM/CO/4 7",
        ] {
            assert!(is_furniture(l, s), "{l}");
        }
        for l in ["2025", "21.", "The State party should", "1234567"] {
            assert!(!is_furniture(l, s), "{l}");
        }
        assert!(is_footnote("1 See CCPR/C/VNM/CO/3, para. 12."));
        assert!(is_footnote("12 CCPR/C/VNM/CO/3, para. 5."));
        assert!(is_footnote(
            "* Adopted by the Committee at its 150th session."
        ));
        assert!(!is_footnote("14 of the Covenant and"));
    }

    #[test]
    fn dates() {
        let d = |y, m, day| Date::from_calendar_date(y, m, day).ok();
        assert_eq!(find_date("29 April 2025"), d(2025, Month::April, 29));
        assert_eq!(
            find_date("Distr.: General, April 3, 2025"),
            d(2025, Month::April, 3)
        );
        assert_eq!(
            find_date("Hà Nội, ngày 5 tháng 6 năm 2025"),
            d(2025, Month::June, 5)
        );
        assert_eq!(find_date("5/6/2025"), d(2025, Month::June, 5));
        assert_eq!(find_date("31 February 2025"), None);
    }

    #[test]
    fn subs_split_in_order() {
        let t = "The State party should:\n(a) Take steps, including (b) below;\n(b) Ensure that (c) is met; and\n(c) Report.";
        let subs = split_subs(t);
        let letters: Vec<&str> = subs.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(letters, ["a", "b", "c"]);
        assert_eq!(subs[0].1, "Take steps, including (b) below");
        assert_eq!(subs[1].1, "Ensure that (c) is met");
        assert_eq!(subs[2].1, "Report.");
        let vi = "Quốc gia thành viên cần:\na) Sửa đổi luật;\nb) Bảo đảm.";
        assert_eq!(split_subs(vi).len(), 2);
        assert!(split_subs("The State party should ensure a) nothing.").is_empty());
    }

    #[test]
    fn headings_with_articles() {
        assert_eq!(
            with_articles("Non-discrimination (arts. 2, 3 and 26)"),
            Some(("Non-discrimination".into(), "arts. 2, 3 and 26".into()))
        );
        assert_eq!(
            with_articles("Không phân biệt đối xử (các điều 2, 3 và 26)").map(|(t, _)| t),
            Some("Không phân biệt đối xử".into())
        );
        assert_eq!(with_articles("Implementation (see above)"), None);
        assert_eq!(with_articles("(art. 6)"), None);
    }
}
