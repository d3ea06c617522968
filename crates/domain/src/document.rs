//! Văn bản: an issued administrative document (Nghị định 30/2020/NĐ-CP) and the links between documents.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::Date;

/// Loại văn bản: the type of a document by its Decree 30 abbreviation (Phụ lục III), plus the
/// legal normative types that plans cite (Luật, Nghị định, Thông tư) and the công văn, which has no code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DocumentType {
    #[serde(rename = "NQ")]
    Resolution,
    #[serde(rename = "QĐ")]
    Decision,
    #[serde(rename = "CT")]
    Directive,
    #[serde(rename = "QC")]
    Regulation,
    #[serde(rename = "QyĐ")]
    Rule,
    #[serde(rename = "TC")]
    Communique,
    #[serde(rename = "TB")]
    Notice,
    #[serde(rename = "HD")]
    Guidance,
    #[serde(rename = "CTr")]
    Programme,
    #[serde(rename = "KH")]
    Plan,
    #[serde(rename = "PA")]
    Option,
    #[serde(rename = "ĐA")]
    Scheme,
    #[serde(rename = "DA")]
    Project,
    #[serde(rename = "BC")]
    Report,
    #[serde(rename = "BB")]
    Minutes,
    #[serde(rename = "TTr")]
    Submission,
    #[serde(rename = "HĐ")]
    Contract,
    #[serde(rename = "CĐ")]
    Dispatch,
    #[serde(rename = "BGN")]
    Memorandum,
    #[serde(rename = "BTT")]
    Agreement,
    #[serde(rename = "GUQ")]
    Authorisation,
    #[serde(rename = "GM")]
    Invitation,
    #[serde(rename = "GGT")]
    Introduction,
    #[serde(rename = "GNP")]
    Leave,
    #[serde(rename = "PG")]
    SendingSlip,
    #[serde(rename = "PC")]
    TransferSlip,
    #[serde(rename = "PB")]
    NotificationSlip,
    #[serde(rename = "NĐ")]
    Decree,
    #[serde(rename = "TT")]
    Circular,
    #[serde(rename = "L")]
    Law,
    /// Công văn: no type code; its symbol names the issuer and the drafting unit ("1106/BTP-PBGDPL").
    #[serde(rename = "CV")]
    OfficialLetter,
}

/// (type, abbreviation, type line as printed in capitals)
const TYPES: &[(DocumentType, &str, &str)] = &[
    (DocumentType::Resolution, "NQ", "NGHỊ QUYẾT"),
    (DocumentType::Decision, "QĐ", "QUYẾT ĐỊNH"),
    (DocumentType::Directive, "CT", "CHỈ THỊ"),
    (DocumentType::Regulation, "QC", "QUY CHẾ"),
    (DocumentType::Rule, "QyĐ", "QUY ĐỊNH"),
    (DocumentType::Communique, "TC", "THÔNG CÁO"),
    (DocumentType::Notice, "TB", "THÔNG BÁO"),
    (DocumentType::Guidance, "HD", "HƯỚNG DẪN"),
    (DocumentType::Programme, "CTr", "CHƯƠNG TRÌNH"),
    (DocumentType::Plan, "KH", "KẾ HOẠCH"),
    (DocumentType::Option, "PA", "PHƯƠNG ÁN"),
    (DocumentType::Scheme, "ĐA", "ĐỀ ÁN"),
    (DocumentType::Project, "DA", "DỰ ÁN"),
    (DocumentType::Report, "BC", "BÁO CÁO"),
    (DocumentType::Minutes, "BB", "BIÊN BẢN"),
    (DocumentType::Submission, "TTr", "TỜ TRÌNH"),
    (DocumentType::Contract, "HĐ", "HỢP ĐỒNG"),
    (DocumentType::Dispatch, "CĐ", "CÔNG ĐIỆN"),
    (DocumentType::Memorandum, "BGN", "BẢN GHI NHỚ"),
    (DocumentType::Agreement, "BTT", "BẢN THỎA THUẬN"),
    (DocumentType::Authorisation, "GUQ", "GIẤY ỦY QUYỀN"),
    (DocumentType::Invitation, "GM", "GIẤY MỜI"),
    (DocumentType::Introduction, "GGT", "GIẤY GIỚI THIỆU"),
    (DocumentType::Leave, "GNP", "GIẤY NGHỈ PHÉP"),
    (DocumentType::SendingSlip, "PG", "PHIẾU GỬI"),
    (DocumentType::TransferSlip, "PC", "PHIẾU CHUYỂN"),
    (DocumentType::NotificationSlip, "PB", "PHIẾU BÁO"),
    (DocumentType::Decree, "NĐ", "NGHỊ ĐỊNH"),
    (DocumentType::Circular, "TT", "THÔNG TƯ"),
    (DocumentType::Law, "L", "LUẬT"),
    (DocumentType::OfficialLetter, "CV", "CÔNG VĂN"),
];

impl DocumentType {
    /// The Decree 30 abbreviation ("KH", "QĐ"); "CV" for a công văn, which has none in its symbol.
    pub fn abbreviation(self) -> &'static str {
        TYPES
            .iter()
            .find(|(t, _, _)| *t == self)
            .map_or("CV", |(_, a, _)| a)
    }

    /// The type line as printed above the title ("KẾ HOẠCH").
    pub fn type_line(self) -> &'static str {
        TYPES
            .iter()
            .find(|(t, _, _)| *t == self)
            .map_or("CÔNG VĂN", |(_, _, l)| l)
    }

    /// From an abbreviation as written in a symbol. Case matters ("CT" directive vs "CTr" programme).
    pub fn from_abbreviation(abbr: &str) -> Option<Self> {
        let abbr = theodoi_text::clean(abbr);
        TYPES
            .iter()
            .find(|(_, a, _)| *a == abbr)
            .map(|(t, _, _)| *t)
    }

    /// From a type line or a type named in running text ("KẾ HOẠCH", "Kế hoạch", "Quyết định").
    pub fn from_name(name: &str) -> Option<Self> {
        let k = theodoi_text::key(name);
        TYPES
            .iter()
            .find(|(_, _, l)| theodoi_text::key(l) == k)
            .map(|(t, _, _)| *t)
    }

    /// All types with their type lines, longest first so "QUY ĐỊNH" is not taken for "QUY".
    pub fn all() -> impl Iterator<Item = (Self, &'static str)> {
        TYPES.iter().map(|(t, _, l)| (*t, *l))
    }
}

impl fmt::Display for DocumentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.abbreviation())
    }
}

/// Số, ký hiệu: a document's number and symbol, such as `14/KH-UBND`, `2715/QĐ-TTg` or
/// `55/2007/CT-UBND` (normative documents carry the year). Kept verbatim apart from spaces, which
/// PDF extraction inserts ("14 /KH-UBND").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DocumentNumber {
    text: String,
    serial: u32,
    year: Option<i32>,
}

/// Why a text is not a document number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("\"{0}\" has no serial number before the symbol (a draft leaves it blank)")]
    NoSerial(String),
    #[error("\"{0}\" is not a document number such as 14/KH-UBND")]
    Malformed(String),
}

impl DocumentNumber {
    /// Parse "14/KH-UBND", "14 /KH-UBND", "Số: 14/KH-UBND" is not accepted (strip "Số:" first).
    pub fn parse(s: &str) -> Result<Self, NumberError> {
        let compact: String = theodoi_text::clean(s)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut parts = compact.split('/');
        let serial_text = parts.next().unwrap_or_default();
        if serial_text.is_empty() && compact.starts_with('/') {
            return Err(NumberError::NoSerial(s.trim().to_string()));
        }
        let serial: u32 = serial_text
            .parse()
            .map_err(|_| NumberError::Malformed(s.trim().to_string()))?;
        let rest: Vec<&str> = parts.collect();
        let (year, symbol) = match rest.as_slice() {
            [symbol] => (None, *symbol),
            [year, symbol] => (
                Some(
                    year.parse::<i32>()
                        .ok()
                        .filter(|y| (1945..=2200).contains(y))
                        .ok_or_else(|| NumberError::Malformed(s.trim().to_string()))?,
                ),
                *symbol,
            ),
            _ => return Err(NumberError::Malformed(s.trim().to_string())),
        };
        let symbol_ok = !symbol.is_empty()
            && symbol.chars().next().is_some_and(char::is_alphabetic)
            && symbol.chars().all(|c| c.is_alphanumeric() || c == '-');
        if !symbol_ok {
            return Err(NumberError::Malformed(s.trim().to_string()));
        }
        Ok(Self {
            text: compact,
            serial,
            year,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn serial(&self) -> u32 {
        self.serial
    }

    pub fn year(&self) -> Option<i32> {
        self.year
    }

    /// The symbol after the serial (and year): "KH-UBND".
    pub fn symbol(&self) -> &str {
        self.text.rsplit('/').next().unwrap_or_default()
    }

    /// The document type its symbol declares ("KH" in "14/KH-UBND"); None for a công văn
    /// ("1106/BTP-PBGDPL") or a law ("203/2025/QH15").
    pub fn declared_type(&self) -> Option<DocumentType> {
        let first = self.symbol().split('-').next()?;
        if self.symbol().contains('-') {
            DocumentType::from_abbreviation(first)
        } else {
            None
        }
    }
}

impl TryFrom<String> for DocumentNumber {
    type Error = NumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<DocumentNumber> for String {
    fn from(n: DocumentNumber) -> Self {
        n.text
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Văn bản: an issued text. `number` and `date` are None for a draft or where the source does not
/// show them (the body of KH 14 carries neither; its appendix cites both).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    #[serde(rename = "type")]
    pub doc_type: DocumentType,
    pub number: Option<DocumentNumber>,
    pub issuer: Option<String>,
    pub place: Option<String>,
    pub date: Option<Date>,
    pub title: String,
    pub links: Vec<DocumentLink>,
}

impl Document {
    /// A document of `doc_type` with nothing else known yet.
    pub fn untitled(doc_type: DocumentType) -> Self {
        Self {
            doc_type,
            number: None,
            issuer: None,
            place: None,
            date: None,
            title: String::new(),
            links: Vec::new(),
        }
    }

    /// Numbers of the documents this one implements ("2715/QĐ-TTg").
    pub fn implements(&self) -> impl Iterator<Item = &DocumentNumber> {
        self.links
            .iter()
            .filter(|l| l.kind == LinkKind::Implements)
            .map(|l| &l.number)
    }
}

/// How one document relates to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// Triển khai thực hiện: a plan implements a decision ("KH 14 implements QĐ 2715").
    Implements,
    /// Kèm theo: an appendix belongs to its plan.
    AppendixOf,
}

/// A link from a document to another, named by number; the target need not be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentLink {
    pub kind: LinkKind,
    pub number: DocumentNumber,
    #[serde(rename = "type")]
    pub doc_type: Option<DocumentType>,
    pub date: Option<Date>,
    pub issuer: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        // (input, Some((text, serial, year, declared type))) or None when refused.
        type Parsed<'a> = Option<(&'a str, u32, Option<i32>, Option<DocumentType>)>;
        let cases: &[(&str, Parsed<'_>)] = &[
            (
                "14/KH-UBND",
                Some(("14/KH-UBND", 14, None, Some(DocumentType::Plan))),
            ),
            (
                "14  /KH-UBND",
                Some(("14/KH-UBND", 14, None, Some(DocumentType::Plan))),
            ),
            (
                "2715/QĐ-TTg",
                Some(("2715/QĐ-TTg", 2715, None, Some(DocumentType::Decision))),
            ),
            (
                "55/2007/CT-UBND",
                Some((
                    "55/2007/CT-UBND",
                    55,
                    Some(2007),
                    Some(DocumentType::Directive),
                )),
            ),
            (
                "269/2025/NĐ-CP",
                Some((
                    "269/2025/NĐ-CP",
                    269,
                    Some(2025),
                    Some(DocumentType::Decree),
                )),
            ),
            (
                "1106/BTP-PBGDPL",
                Some(("1106/BTP-PBGDPL", 1106, None, None)),
            ),
            (
                "203/2025/QH15",
                Some(("203/2025/QH15", 203, Some(2025), None)),
            ),
            ("   /KH-UBND", None),
            ("KH-UBND", None),
            ("14/", None),
            ("14/KH UBND/x/y", None),
        ];
        for (input, want) in cases {
            let got = DocumentNumber::parse(input).ok();
            let got = got
                .as_ref()
                .map(|n| (n.as_str(), n.serial(), n.year(), n.declared_type()));
            assert_eq!(got, *want, "{input}");
        }
        assert!(matches!(
            DocumentNumber::parse("  /KH-UBND"),
            Err(NumberError::NoSerial(_))
        ));
    }

    #[test]
    fn types_round_trip() {
        for (t, line) in DocumentType::all() {
            assert_eq!(DocumentType::from_name(line), Some(t), "{line}");
            assert_eq!(DocumentType::from_abbreviation(t.abbreviation()), Some(t));
        }
        assert_eq!(
            DocumentType::from_name("Kế hoạch"),
            Some(DocumentType::Plan)
        );
        assert_eq!(
            DocumentType::from_abbreviation("CTr"),
            Some(DocumentType::Programme)
        );
        assert_eq!(
            DocumentType::from_abbreviation("CT"),
            Some(DocumentType::Directive)
        );
    }
}
