//! The register of recommendations a plan carries out: the UN Human Rights Committee's concluding
//! observations (CCPR/C/VNM/CO/4), a Universal Periodic Review report's recommendations, or another
//! treaty body's; each recommendation by its paragraph and sub-paragraph, with the Covenant
//! articles and theme it concerns.
//!
//! References are the bridge from the free-text tags plans carry ("CCPR/C/VNM/CO/4 đoạn 21(b)",
//! "ICCPR Điều 14") to register entries: [`Reference::parse`] reads one or says why it cannot.

pub mod covenant;
pub mod themes;

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;
use theodoi_text::Message;
use time::Date;

/// The UN treaty bodies whose concluding observations a register may hold, by the prefix of
/// their documents' symbols, with their names in Vietnamese and English.
pub const TREATY_BODIES: &[(&str, &str, &str)] = &[
    ("CCPR", "Ủy ban Nhân quyền", "Human Rights Committee"),
    (
        "CESCR",
        "Ủy ban về các quyền kinh tế, xã hội và văn hóa",
        "Committee on Economic, Social and Cultural Rights",
    ),
    (
        "CERD",
        "Ủy ban xóa bỏ phân biệt chủng tộc",
        "Committee on the Elimination of Racial Discrimination",
    ),
    (
        "CEDAW",
        "Ủy ban xóa bỏ phân biệt đối xử với phụ nữ",
        "Committee on the Elimination of Discrimination against Women",
    ),
    ("CAT", "Ủy ban chống tra tấn", "Committee against Torture"),
    (
        "CRC",
        "Ủy ban về quyền trẻ em",
        "Committee on the Rights of the Child",
    ),
    (
        "CRPD",
        "Ủy ban về quyền của người khuyết tật",
        "Committee on the Rights of Persons with Disabilities",
    ),
    (
        "CMW",
        "Ủy ban về người lao động di trú",
        "Committee on Migrant Workers",
    ),
    (
        "CED",
        "Ủy ban về cưỡng bức mất tích",
        "Committee on Enforced Disappearances",
    ),
];

/// Where recommendations come from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Mechanism {
    /// A treaty body's concluding observations; `committee` is its symbol prefix ("CCPR").
    TreatyBody { committee: String },
    /// The Human Rights Council's Universal Periodic Review.
    Upr,
    /// Anything else (a special procedure's report, a regional body), by the name given.
    Other { name: String },
}

impl Mechanism {
    /// The mechanism a symbol names by itself: a treaty body's prefix ("CCPR/C/VNM/CO/4").
    /// A Human Rights Council symbol ("A/HRC/41/7") may or may not be a UPR report, so it gives
    /// `None` and the caller decides from the document's words.
    pub fn from_symbol(symbol: &str) -> Option<Self> {
        let prefix = symbol.split('/').next()?.trim();
        TREATY_BODIES
            .iter()
            .find(|(code, ..)| code.eq_ignore_ascii_case(prefix))
            .map(|(code, ..)| Self::TreatyBody {
                committee: (*code).to_string(),
            })
    }

    /// A short code: the committee's ("CCPR"), "UPR", or the name given.
    pub fn code(&self) -> &str {
        match self {
            Self::TreatyBody { committee } => committee,
            Self::Upr => "UPR",
            Self::Other { name } => name,
        }
    }

    /// The mechanism's name for people.
    pub fn label(&self) -> Message {
        match self {
            Self::TreatyBody { committee } => TREATY_BODIES
                .iter()
                .find(|(code, ..)| code == committee)
                .map_or_else(
                    || Message::new(committee.clone(), committee.clone()),
                    |(_, vi, en)| Message::new(*vi, *en),
                ),
            Self::Upr => Message::new(
                "Cơ chế Kiểm điểm định kỳ phổ quát",
                "Universal Periodic Review",
            ),
            Self::Other { name } => Message::new(name.clone(), name.clone()),
        }
    }
}

/// The document recommendations come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecSource {
    /// The UN symbol ("CCPR/C/VNM/CO/4", "A/HRC/41/7").
    pub symbol: String,
    /// Its title as written ("Concluding observations on the fourth periodic report of Viet Nam");
    /// empty when unknown.
    pub title: String,
    pub date: Option<Date>,
    pub mechanism: Mechanism,
    /// The language of the text read: "en", "vi" (a translation), or another code.
    pub language: String,
}

/// One recommendation: a paragraph, or one sub-paragraph of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    pub paragraph: u32,
    /// The sub-paragraph: a letter in concluding observations ("b" of 21(b)), a number in a UPR
    /// report ("1" of 115.1).
    pub sub: Option<String>,
    /// The heading it sits under ("Non-discrimination"); empty when the document gives none.
    pub theme: String,
    /// Covenant articles, 1–27, ascending.
    pub articles: Vec<u8>,
    /// The paragraph(s) stating the concerns this recommendation answers, kept apart from it.
    pub concern: Option<String>,
    /// What is recommended, in the document's language.
    pub text: String,
    /// The Vietnamese text, when the original is in another language and a translation is known.
    pub text_vi: Option<String>,
}

impl Recommendation {
    /// The order of the document: paragraphs numerically (5 before 21), then sub-paragraphs.
    pub fn key(&self) -> RecKey {
        RecKey {
            paragraph: self.paragraph,
            sub: self.sub.clone(),
        }
    }

    /// The number as the document writes it: "21", "21(b)", "115.1".
    pub fn number(&self) -> String {
        number(self.paragraph, self.sub.as_deref())
    }

    /// The reference tags use: "CCPR/C/VNM/CO/4 đoạn 21(b)". [`Reference::parse`] reads it back.
    pub fn reference(&self, symbol: &str) -> String {
        format!("{symbol} đoạn {}", self.number())
    }
}

fn number(paragraph: u32, sub: Option<&str>) -> String {
    match sub {
        None => paragraph.to_string(),
        Some(s) if s.bytes().all(|b| b.is_ascii_digit()) => format!("{paragraph}.{s}"),
        Some(s) => format!("{paragraph}({s})"),
    }
}

/// A recommendation's place in its document. Sorts paragraphs numerically, a whole paragraph
/// before its subs, numbered subs numerically (115.2 before 115.10) and lettered subs as a, b, …,
/// z, aa.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecKey {
    pub paragraph: u32,
    pub sub: Option<String>,
}

impl Ord for RecKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.paragraph
            .cmp(&other.paragraph)
            .then_with(|| match (&self.sub, &other.sub) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(a), Some(b)) => sub_order(a).cmp(&sub_order(b)),
            })
    }
}

impl PartialOrd for RecKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Numbers first, numerically; then letters by length and alphabet.
fn sub_order(s: &str) -> (u8, u64, usize, String) {
    match s.parse::<u64>() {
        Ok(n) => (0, n, 0, String::new()),
        Err(_) => (1, 0, s.chars().count(), s.to_lowercase()),
    }
}

/// Covenant article numbers in a text ("arts. 2, 3 and 26", "các điều 9–10", "14"): the valid
/// ones ascending without repeats, and the numbers outside 1–27 that were refused.
pub fn parse_articles(text: &str) -> (Vec<u8>, Vec<u32>) {
    let mut numbers: Vec<(u32, usize, usize)> = Vec::new();
    let mut digits = String::new();
    let mut start = 0;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_ascii_digit() {
            if digits.is_empty() {
                start = i;
            }
            digits.push(c);
        } else if !digits.is_empty() {
            // More than nine digits cannot be an article; u32::MAX stands for "too large".
            numbers.push((digits.parse().unwrap_or(u32::MAX), start, i));
            digits.clear();
        }
    }
    let mut valid = Vec::new();
    let mut refused = Vec::new();
    let mut take = |n: u32| match u8::try_from(n) {
        Ok(a) if (1..=covenant::LAST_ARTICLE).contains(&a) => valid.push(a),
        _ => refused.push(n),
    };
    let mut i = 0;
    while i < numbers.len() {
        let (n, _, end) = numbers[i];
        // A range "9-10" / "9–10" / "9 to 10": every article between.
        let range_to = numbers.get(i + 1).and_then(|&(m, s, _)| {
            let between = text.get(end..s)?.trim();
            (matches!(between, "-" | "–" | "—" | "to" | "đến") && m > n && m - n <= 27).then_some(m)
        });
        match range_to {
            Some(m) => {
                (n..=m).for_each(&mut take);
                i += 2;
            }
            None => {
                take(n);
                i += 1;
            }
        }
    }
    valid.sort_unstable();
    valid.dedup();
    refused.sort_unstable();
    refused.dedup();
    (valid, refused)
}

/// A tag's meaning in the register.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Reference {
    /// A whole document: "CCPR/C/VNM/CO/4".
    Source { symbol: String },
    /// A paragraph (every sub of it when `sub` is `None`) or one sub-paragraph.
    Paragraph {
        symbol: String,
        paragraph: u32,
        sub: Option<String>,
    },
    /// A Covenant article: "ICCPR Điều 14".
    Article { article: u8 },
}

/// Why a tag is not a reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefError {
    Empty,
    /// Not a form this reader knows; the text as given.
    Unknown(String),
    /// A Covenant article outside 1–27.
    ArticleOutOfRange(u32),
    /// Several articles in one tag ("ICCPR điều 9, 14").
    SeveralArticles,
    /// A paragraph numbered 0 or beyond any document's length.
    BadParagraph(String),
}

impl RefError {
    /// The reason, for the person resolving tags.
    pub fn message(&self) -> Message {
        match self {
            Self::Empty => Message::new("Tham chiếu trống", "The reference is empty"),
            Self::Unknown(t) => Message::new(
                format!(
                    "Không hiểu tham chiếu \"{t}\": cần dạng \"CCPR/C/VNM/CO/4 đoạn 21(b)\" hoặc \"ICCPR Điều 14\""
                ),
                format!(
                    "\"{t}\" is not a reference this reader knows: write \"CCPR/C/VNM/CO/4 đoạn 21(b)\" or \"ICCPR Điều 14\""
                ),
            ),
            Self::ArticleOutOfRange(n) => Message::new(
                format!(
                    "Công ước không có điều {n} về quyền: các quyền nằm ở các điều 1–{}",
                    covenant::LAST_ARTICLE
                ),
                format!(
                    "The Covenant has no article {n} on a right: rights are in articles 1–{}",
                    covenant::LAST_ARTICLE
                ),
            ),
            Self::SeveralArticles => Message::new(
                "Mỗi tham chiếu chỉ nêu một điều của Công ước; hãy tách thành nhiều tham chiếu",
                "Each reference names one article of the Covenant; split it into several",
            ),
            Self::BadParagraph(p) => Message::new(
                format!("Số đoạn \"{p}\" không hợp lệ"),
                format!("\"{p}\" is not a valid paragraph number"),
            ),
        }
    }
}

impl fmt::Display for RefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().vi)
    }
}

impl std::error::Error for RefError {}

/// The most paragraphs a document is taken to have: a concluding observation has under 100, a
/// UPR report's recommendations sit near paragraph 100–150.
const MAX_PARAGRAPH: u32 = 9_999;

/// A UN document symbol: uppercase letters first, at least two '/' ("CCPR/C/VNM/CO/4",
/// "A/HRC/41/7", "CRC/C/VNM/CO/5-6").
pub fn is_symbol(token: &str) -> bool {
    token.starts_with(|c: char| c.is_ascii_uppercase())
        && token.matches('/').count() >= 2
        && !token.ends_with('/')
        && !token.contains("//")
        && token
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '/' | '-' | '.'))
}

impl Reference {
    /// Read a tag: "CCPR/C/VNM/CO/4 đoạn 21(b)", "CCPR/C/VNM/CO/4, para. 21 (b)", "A/HRC/41/7
    /// đoạn 115.1", "CCPR/C/VNM/CO/4 đoạn 21 điểm b", "CCPR/C/VNM/CO/4"; "ICCPR điều 14",
    /// "ICCPR Điều 14", "Điều 14 ICCPR", "ICCPR art. 14".
    pub fn parse(tag: &str) -> Result<Self, RefError> {
        let clean = theodoi_text::clean(tag);
        if clean.is_empty() {
            return Err(RefError::Empty);
        }
        let unknown = || RefError::Unknown(clean.clone());
        let tokens: Vec<&str> = clean.split(' ').collect();
        if let Some(at) = tokens
            .iter()
            .position(|t| is_symbol(t.trim_end_matches([',', ';', ':'])))
        {
            let symbol = tokens[at].trim_end_matches([',', ';', ':']).to_string();
            if at != 0 {
                return Err(unknown());
            }
            let rest = tokens[at + 1..].join(" ");
            if rest.is_empty() {
                return Ok(Self::Source { symbol });
            }
            let (paragraph, sub) = parse_number(&rest).ok_or_else(unknown)??;
            return Ok(Self::Paragraph {
                symbol,
                paragraph,
                sub,
            });
        }
        parse_article(&clean).ok_or_else(unknown)?
    }

    /// Whether `rec` of `source` is what this reference names.
    pub fn matches(&self, source: &RecSource, rec: &Recommendation) -> bool {
        match self {
            Self::Source { symbol } => symbol.eq_ignore_ascii_case(&source.symbol),
            Self::Paragraph {
                symbol,
                paragraph,
                sub,
            } => {
                symbol.eq_ignore_ascii_case(&source.symbol)
                    && *paragraph == rec.paragraph
                    && (sub.is_none() || sub.as_deref() == rec.sub.as_deref())
            }
            Self::Article { article } => rec.articles.contains(article),
        }
    }
}

impl fmt::Display for Reference {
    /// The canonical form: what [`Reference::parse`] reads back to the same value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Source { symbol } => f.write_str(symbol),
            Self::Paragraph {
                symbol,
                paragraph,
                sub,
            } => write!(f, "{symbol} đoạn {}", number(*paragraph, sub.as_deref())),
            Self::Article { article } => write!(f, "ICCPR Điều {article}"),
        }
    }
}

/// "đoạn 21(b)", "para. 21 (b)", "paragraph 115.1", "đoạn 21 điểm b", "21": the paragraph and
/// sub. `None` when the words are not a paragraph number at all.
fn parse_number(rest: &str) -> Option<Result<(u32, Option<String>), RefError>> {
    let folded = theodoi_text::fold_chars(rest);
    let mut s = folded.trim().trim_start_matches([',', ';', ':']).trim();
    for word in [
        "paragraphs",
        "paragraph",
        "paras.",
        "para.",
        "paras",
        "para",
        "doan",
        "khoan",
    ] {
        if let Some(r) = s.strip_prefix(word) {
            s = r.trim_start_matches(['.', ' ']);
            break;
        }
    }
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let paragraph = match digits.parse::<u32>() {
        Ok(n) if (1..=MAX_PARAGRAPH).contains(&n) => n,
        _ => return Some(Err(RefError::BadParagraph(digits))),
    };
    let tail = s[digits.len()..].trim();
    let sub = if tail.is_empty() {
        None
    } else if let Some(n) = tail.strip_prefix('.') {
        // "115.1": a numbered sub.
        (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .then(|| n.to_string())?
            .into()
    } else if let Some(inner) = tail.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        letter(inner)?.into()
    } else if let Some(l) = tail
        .strip_prefix("diem ")
        .or_else(|| tail.strip_prefix(", diem "))
        .or_else(|| tail.strip_prefix("sub "))
    {
        letter(l.trim())?.into()
    } else {
        return None;
    };
    Some(Ok((paragraph, sub)))
}

/// A lettered sub: one to three ASCII letters ("b", "aa").
fn letter(s: &str) -> Option<String> {
    let s = s.trim().trim_end_matches(')').trim_start_matches('(');
    (!s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_alphabetic()))
        .then(|| s.to_ascii_lowercase())
}

/// "ICCPR điều 14", "Điều 14 ICCPR", "ICCPR art. 14", "article 14 of the ICCPR": `None` when the
/// Covenant is not named.
fn parse_article(clean: &str) -> Option<Result<Reference, RefError>> {
    let folded = theodoi_text::fold_chars(clean);
    let named = [
        "iccpr",
        "cong uoc quoc te ve cac quyen dan su va chinh tri",
        "international covenant on civil and political rights",
    ]
    .iter()
    .find_map(|n| folded.find(n).map(|at| (at, n.len())))?;
    let mut rest = String::with_capacity(folded.len());
    rest.push_str(&folded[..named.0]);
    rest.push(' ');
    rest.push_str(&folded[named.0 + named.1..]);
    let words: Vec<String> = rest
        .split(|c: char| c.is_whitespace() || c == '.' || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    const FILLER: &[&str] = &["cong", "uoc", "of", "the", "covenant", "cua"];
    const ARTICLE: &[&str] = &["dieu", "art", "arts", "article", "articles"];
    let mut numbers = Vec::new();
    let mut keyword = false;
    for w in &words {
        if ARTICLE.contains(&w.as_str()) {
            keyword = true;
        } else if w.bytes().all(|b| b.is_ascii_digit()) {
            numbers.push(w.parse::<u32>().unwrap_or(u32::MAX));
        } else if !FILLER.contains(&w.as_str()) && !matches!(w.as_str(), "va" | "and") {
            return None;
        }
    }
    match numbers.as_slice() {
        [n] if keyword => Some(match u8::try_from(*n) {
            Ok(a) if (1..=covenant::LAST_ARTICLE).contains(&a) => {
                Ok(Reference::Article { article: a })
            }
            _ => Err(RefError::ArticleOutOfRange(*n)),
        }),
        [_, _, ..] if keyword => Some(Err(RefError::SeveralArticles)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(paragraph: u32, sub: Option<&str>) -> Recommendation {
        Recommendation {
            paragraph,
            sub: sub.map(str::to_string),
            theme: String::new(),
            articles: vec![14],
            concern: None,
            text: String::new(),
            text_vi: None,
        }
    }

    #[test]
    fn keys_sort_numerically_then_by_sub() {
        let mut recs = [
            rec(21, Some("b")),
            rec(115, Some("10")),
            rec(5, None),
            rec(21, Some("a")),
            rec(115, Some("2")),
            rec(21, None),
            rec(21, Some("aa")),
            rec(21, Some("z")),
        ];
        recs.sort_by_key(Recommendation::key);
        let numbers: Vec<String> = recs.iter().map(Recommendation::number).collect();
        assert_eq!(
            numbers,
            [
                "5", "21", "21(a)", "21(b)", "21(z)", "21(aa)", "115.2", "115.10"
            ]
        );
    }

    #[test]
    fn references_read_back() {
        let r = rec(21, Some("b"));
        let text = r.reference("CCPR/C/VNM/CO/4");
        assert_eq!(text, "CCPR/C/VNM/CO/4 đoạn 21(b)");
        let parsed = Reference::parse(&text);
        assert_eq!(
            parsed,
            Ok(Reference::Paragraph {
                symbol: "CCPR/C/VNM/CO/4".into(),
                paragraph: 21,
                sub: Some("b".into())
            })
        );
        assert_eq!(parsed.map(|p| p.to_string()), Ok(text));
        let upr = rec(115, Some("1")).reference("A/HRC/41/7");
        assert_eq!(upr, "A/HRC/41/7 đoạn 115.1");
        assert_eq!(Reference::parse(&upr).map(|p| p.to_string()), Ok(upr));
    }

    #[test]
    fn reference_forms() {
        let para = |p, s: Option<&str>| {
            Ok(Reference::Paragraph {
                symbol: "CCPR/C/VNM/CO/4".into(),
                paragraph: p,
                sub: s.map(str::to_string),
            })
        };
        for (tag, want) in [
            ("CCPR/C/VNM/CO/4 đoạn 21", para(21, None)),
            ("CCPR/C/VNM/CO/4  Đoạn 21 (b)", para(21, Some("b"))),
            ("CCPR/C/VNM/CO/4, para. 21(b)", para(21, Some("b"))),
            ("CCPR/C/VNM/CO/4 paragraph 5", para(5, None)),
            ("CCPR/C/VNM/CO/4 đoạn 21 điểm c", para(21, Some("c"))),
            ("CCPR/C/VNM/CO/4 21(B)", para(21, Some("b"))),
        ] {
            assert_eq!(Reference::parse(tag), want, "{tag}");
        }
        assert_eq!(
            Reference::parse("CCPR/C/VNM/CO/4"),
            Ok(Reference::Source {
                symbol: "CCPR/C/VNM/CO/4".into()
            })
        );
        for tag in [
            "ICCPR điều 14",
            "ICCPR Điều 14",
            "Điều 14 ICCPR",
            "ICCPR art. 14",
            "Điều 14 Công ước ICCPR",
            "article 14 of the ICCPR",
            "Điều 14 Công ước quốc tế về các quyền dân sự và chính trị",
        ] {
            assert_eq!(
                Reference::parse(tag),
                Ok(Reference::Article { article: 14 }),
                "{tag}"
            );
        }
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(
            Reference::parse("ICCPR Điều 28"),
            Err(RefError::ArticleOutOfRange(28))
        );
        assert_eq!(
            Reference::parse("ICCPR điều 0"),
            Err(RefError::ArticleOutOfRange(0))
        );
        assert_eq!(
            Reference::parse("ICCPR điều 9, 14"),
            Err(RefError::SeveralArticles)
        );
        assert_eq!(Reference::parse("  "), Err(RefError::Empty));
        assert_eq!(
            Reference::parse("CCPR/C/VNM/CO/4 đoạn 0"),
            Err(RefError::BadParagraph("0".into()))
        );
        for tag in [
            "quyền con người",
            "ICCPR",
            "CCPR/C/VNM/CO/4 đoạn hai mươi",
            "see CCPR/C/VNM/CO/4 đoạn 21",
            "CCPR/C/VNM/CO/4 đoạn 21(b) và 22",
        ] {
            assert!(
                matches!(Reference::parse(tag), Err(RefError::Unknown(_))),
                "{tag}"
            );
        }
        let m = RefError::ArticleOutOfRange(28).message();
        assert!(m.vi.contains("28") && m.en.contains("28") && m.vi != m.en);
    }

    #[test]
    fn references_match_register_entries() {
        let source = RecSource {
            symbol: "CCPR/C/VNM/CO/4".into(),
            title: String::new(),
            date: None,
            mechanism: Mechanism::TreatyBody {
                committee: "CCPR".into(),
            },
            language: "en".into(),
        };
        let b = rec(21, Some("b"));
        let whole = Reference::parse("CCPR/C/VNM/CO/4 đoạn 21").expect("a reference");
        let other = Reference::parse("CCPR/C/VNM/CO/4 đoạn 21(a)").expect("a reference");
        let art = Reference::parse("ICCPR Điều 14").expect("a reference");
        assert!(whole.matches(&source, &b));
        assert!(!other.matches(&source, &b));
        assert!(art.matches(&source, &b));
    }

    #[test]
    fn articles_in_headings() {
        assert_eq!(
            parse_articles("arts. 2, 3 and 26"),
            (vec![2, 3, 26], vec![])
        );
        assert_eq!(
            parse_articles("các điều 9–10 và 14"),
            (vec![9, 10, 14], vec![])
        );
        assert_eq!(parse_articles("art. 6"), (vec![6], vec![]));
        assert_eq!(parse_articles("arts. 2, 41 and 0"), (vec![2], vec![0, 41]));
        assert_eq!(parse_articles("99999999999999"), (vec![], vec![u32::MAX]));
    }

    #[test]
    fn mechanisms_from_symbols() {
        assert_eq!(
            Mechanism::from_symbol("CCPR/C/VNM/CO/4"),
            Some(Mechanism::TreatyBody {
                committee: "CCPR".into()
            })
        );
        assert_eq!(Mechanism::from_symbol("A/HRC/41/7"), None);
        assert_eq!(Mechanism::Upr.code(), "UPR");
        let m = Mechanism::from_symbol("CAT/C/VNM/CO/1").map(|m| m.label());
        assert_eq!(m.map(|m| m.en), Some("Committee against Torture".into()));
    }
}
