//! Reads Vietnamese plan documents (kế hoạch), as text extracted from PDF or Word, into
//! [`theodoi_domain::Plan`]s, with the source lines of every item and diagnostics for a reviewer.
//!
//! Pure: no IO, no clock, and no panics on any input (a property test and a fuzz target hold it to
//! that). The layers, bottom up: [`input`] turns bytes into text or refuses them; `lines` cleans
//! lines and classifies them; `header` reads the Decree 30 header; `body` joins lines into
//! paragraphs and reads sections I–III; `appendix` reads the phụ lục table; [`json`] renders the
//! `plan parse` contract.
//!
//! ```
//! let text = "KẾ HOẠCH\nThực hiện việc thử\nII. NHIỆM VỤ\n1. Tuyên truyền\n- Tổ chức hội nghị.\nĐơn vị chủ trì: Sở Tư pháp.\nThời gian: Hàng năm.";
//! let parsed = theodoi_plandoc::parse(text).expect("a plan");
//! assert_eq!(parsed.plan.tasks[0].lead[0].name, "Sở Tư pháp");
//! ```

mod appendix;
mod body;
pub mod charset;
pub mod formats;
mod header;
mod inline;
pub mod input;
pub mod json;
pub mod lexicon;
mod lines;
mod norm;
mod outline;
pub mod pdf;
pub mod recommendations;
mod refs;
mod table;

pub use lexicon::Lexicon;
pub use table::COLUMNS_LOOKED_FOR;

use serde::Serialize;
use theodoi_domain::{Document, DocumentLink, DocumentType, LinkKind, Plan};

/// Why a file could not be read as a plan. Each message names the problem in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The file has no text.
    #[error("the file is empty")]
    Empty,
    /// NUL bytes or control characters: not a text file (a PDF, an image, a .docx zip).
    #[error("the file is binary, not text (extract the text from the PDF or Word file first)")]
    Binary,
    /// Bytes that are not UTF-8 and no UTF-16 byte-order mark.
    #[error(
        "the file is not valid UTF-8 (invalid byte at offset {offset}); save it as UTF-8 or UTF-16 with BOM"
    )]
    InvalidUtf8 { offset: usize },
    /// A UTF-16 byte-order mark followed by an odd number of bytes or an unpaired surrogate.
    #[error("the file starts with a UTF-16 byte-order mark but is not valid UTF-16")]
    InvalidUtf16,
    /// Larger than [`input::MAX_INPUT_BYTES`].
    #[error("the file is {size} bytes; a plan text is at most {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    /// Text, but not a plan: no type line, tasks or responsibilities were found. No longer
    /// returned by [`parse`], which reads what it can and says what it could not; kept for callers
    /// that match on it.
    #[error("no plan found: {0}")]
    NotAPlan(String),
    /// A Word 97–2003 .doc or Excel .xls.
    #[error("a legacy Office file: open it in Word or Excel and save it as .{save_as}")]
    Legacy { save_as: &'static str },
    /// A DOCX or XLSX that cannot be read: not a valid zip, too large unpacked, broken XML.
    #[error("{0}")]
    Office(String),
    /// A PDF that cannot be read: protected by a password, too many pages, no text layer (a scan),
    /// fonts without a Unicode map, or damaged.
    #[error("{0}")]
    Pdf(pdf::PdfError),
    /// A spreadsheet or CSV without a header row naming its columns.
    #[error(
        "no header row naming the columns looked for ({})",
        crate::table::COLUMNS_LOOKED_FOR
    )]
    NoHeaderRow,
}

impl ParseError {
    /// The same problem in Vietnamese, for the pages an officer reads.
    pub fn message_vi(&self) -> String {
        match self {
            Self::Empty => "tệp rỗng".into(),
            Self::Binary => "tệp không phải văn bản (hãy trích văn bản từ tệp PDF hoặc Word trước)".into(),
            Self::InvalidUtf8 { offset } => {
                format!("tệp không phải UTF-8 (byte sai ở vị trí {offset}); hãy lưu dưới dạng UTF-8 hoặc UTF-16 có BOM")
            }
            Self::InvalidUtf16 => "tệp bắt đầu bằng dấu UTF-16 nhưng không phải UTF-16 hợp lệ".into(),
            Self::TooLarge { size, limit } => format!("tệp dài {size} byte; văn bản kế hoạch tối đa {limit} byte"),
            Self::NotAPlan(_) => "không tìm thấy kế hoạch: không có dòng loại văn bản (KẾ HOẠCH, PHỤ LỤC), nhiệm vụ hay trách nhiệm".into(),
            Self::Legacy { save_as } => format!("tệp Office đời cũ: hãy mở bằng Word hoặc Excel và lưu thành .{save_as}"),
            Self::Office(reason) => format!("không đọc được tệp Word/Excel: {reason}"),
            Self::Pdf(problem) => problem.message_vi(),
            Self::NoHeaderRow => format!("bảng tính không có dòng tiêu đề nêu các cột cần tìm ({})", table::COLUMNS_LOOKED_FOR),
        }
    }
}

/// Something a reviewer should look at: an artefact that was repaired, or a field that is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// 1-based line of the source.
    pub line: u32,
    /// A stable code ("page_number", "no_time", …).
    pub code: &'static str,
    /// The message in Vietnamese, for the review page.
    pub message: String,
    /// The same message in English, for a page in English, where the reader has written one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_en: Option<String>,
}

impl Diagnostic {
    pub(crate) fn new(line: u32, code: &'static str, message: String) -> Self {
        Self {
            line,
            code,
            message,
            message_en: None,
        }
    }

    /// A diagnostic with its message in Vietnamese and in English.
    pub(crate) fn in_both(line: u32, code: &'static str, vi: String, en: String) -> Self {
        Self {
            line,
            code,
            message: vi,
            message_en: Some(en),
        }
    }

    /// The message in the page's language: English when asked for and written, else Vietnamese.
    pub fn message_in(&self, english: bool) -> &str {
        match &self.message_en {
            Some(en) if english => en,
            _ => &self.message,
        }
    }
}

/// Which parts of a plan a file held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// The body of the plan (sections I–III), without an appendix.
    Body,
    /// Only an appendix; its document is the plan it cites.
    Appendix,
    /// The body followed by its appendix.
    BodyAndAppendix,
}

/// A labelled line recognised and kept with its task but not assigned ("Sản phẩm: Báo cáo").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeptField {
    /// The label as written ("Sản phẩm", "Kinh phí").
    pub label: String,
    pub text: String,
    /// 1-based source line.
    pub line: u32,
}

/// The result of parsing one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedPlan {
    pub plan: Plan,
    pub part: Part,
    /// The appendix's own title (its heading), when the file held one.
    pub appendix_title: Option<String>,
    /// The preamble (Căn cứ / Thực hiện …) of the body.
    pub preamble: String,
    /// Labelled fields kept beside tasks, by task reference ("II.1" → Sản phẩm, Kinh phí).
    pub fields: Vec<(theodoi_domain::TaskRef, Vec<KeptField>)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parse a file's bytes (see [`input::decode`] for the encodings accepted).
pub fn parse_bytes(bytes: &[u8]) -> Result<ParsedPlan, ParseError> {
    parse(&input::decode(bytes)?)
}

/// Parse a file of any format the reader takes (text, DOCX, PDF, XLSX, CSV; see [`formats`]). `name`
/// is the file's name when known (it tells a CSV from text).
pub fn parse_file(
    name: Option<&str>,
    bytes: &[u8],
    lex: &Lexicon,
) -> Result<ParsedPlan, ParseError> {
    parse_with(&formats::to_text(bytes, name)?, lex)
}

/// Parse a file's bytes with a lexicon of the caller's.
pub fn parse_bytes_with(bytes: &[u8], lex: &Lexicon) -> Result<ParsedPlan, ParseError> {
    parse_with(&input::decode(bytes)?, lex)
}

/// Parse a plan text with the builtin lexicon.
pub fn parse(text: &str) -> Result<ParsedPlan, ParseError> {
    parse_with(text, Lexicon::builtin())
}

/// Parse a plan text. Only an empty text is refused: a text without a type line is read as a
/// fragment of a plan, and a plan without tasks is returned with a diagnostic saying so.
pub fn parse_with(text: &str, lex: &Lexicon) -> Result<ParsedPlan, ParseError> {
    norm::forget();
    let mut diags = Vec::new();
    let tables = table::find(text, &mut diags);
    let skip: Vec<(u32, u32)> = tables.iter().map(|t| (t.first_line, t.last_line)).collect();
    let lines = lines::split_skipping(text, &skip);
    if lines.is_empty() && tables.is_empty() {
        return Err(ParseError::Empty);
    }
    if lines.is_empty() {
        // Only a table: read it as an appendix without a title.
        let mut plan = empty_plan();
        let mut fields = Vec::new();
        table_tasks(
            &tables,
            Some(0),
            &lines,
            lex,
            &mut plan.tasks,
            &mut fields,
            &mut diags,
        );
        refs::impossible_dates(&plan.tasks, &mut diags);
        products(&mut plan.tasks, &fields);
        diags.push(Diagnostic::new(
            1,
            "no_header",
            "Chỉ có bảng nhiệm vụ, không có phần đầu văn bản: hãy điền số, ngày và trích yếu khi rà soát".into(),
        ));
        diags.sort_by_key(|d| d.line);
        return Ok(ParsedPlan {
            plan,
            part: Part::Appendix,
            appendix_title: None,
            preamble: String::new(),
            fields,
            diagnostics: diags,
        });
    }
    // Each line's type ("KẾ HOẠCH", "PHỤ LỤC"), found once.
    let types: Vec<Option<TypeLine>> = lines.iter().map(|l| type_line(&l.text)).collect();
    let is_appendix = |t: &Option<TypeLine>| matches!(t, Some(TypeLine::Appendix));
    let type_at = types.iter().position(Option::is_some);
    let fragment = type_at.is_none();
    let (header, kind, after) = match type_at {
        Some(at) => (
            header::parse(&lines[..at]),
            types.get(at).copied().flatten(),
            &lines[at + 1..],
        ),
        None => {
            diags.push(Diagnostic::new(
                lines[0].no,
                "no_header",
                "Không thấy phần đầu văn bản (dòng \"KẾ HOẠCH\" hay \"PHỤ LỤC\"): đọc như một đoạn trích của kế hoạch; hãy điền số, ngày và trích yếu khi rà soát".into(),
            ));
            (header::Header::default(), None, &lines[..])
        }
    };

    let (body, appendix, part) = match kind {
        Some(TypeLine::Appendix) => (
            None,
            Some(appendix::parse(after, lex, &mut diags)),
            Part::Appendix,
        ),
        Some(TypeLine::Document(_)) | None => {
            // A later "PHỤ LỤC" line starts an appendix in the same file.
            let after_types = &types[type_at.map_or(0, |at| at + 1)..];
            let appx_at = after_types.iter().position(is_appendix);
            let (body_lines, appx_lines) = match appx_at {
                Some(a) => (&after[..a], Some(&after[a + 1..])),
                None => (after, None),
            };
            // A task table above the appendix is the body's task list.
            let body_end = appx_lines.and_then(|_| appx_at.map(|a| after[a].no));
            let table_tasks_in_body = tables
                .iter()
                .any(|t| !t.rows.is_empty() && body_end.is_none_or(|end| t.first_line < end));
            let body = body::parse(body_lines, fragment, table_tasks_in_body, lex, &mut diags);
            let appx = appx_lines.map(|l| appendix::parse(l, lex, &mut diags));
            let part = if appx.is_some() {
                Part::BodyAndAppendix
            } else {
                Part::Body
            };
            (Some(body), appx, part)
        }
    };

    let doc_type = match kind {
        Some(TypeLine::Document(t)) => t,
        _ => appendix
            .as_ref()
            .and_then(|a| a.of_plan.as_ref())
            .and_then(|c| c.doc_type)
            .unwrap_or(DocumentType::Plan),
    };
    let mut document = Document {
        doc_type,
        number: header.number,
        issuer: header.issuer,
        place: header.place,
        date: header.date,
        title: String::new(),
        links: Vec::new(),
    };
    let mut plan_tasks = Vec::new();
    let mut fields = Vec::new();
    let mut preamble = String::new();
    let mut plan = Plan {
        document: document.clone(),
        purposes: Vec::new(),
        requirements: Vec::new(),
        sections: Vec::new(),
        tasks: Vec::new(),
        responsibilities: Vec::new(),
        closing: None,
        recipients: Vec::new(),
        signer: None,
    };
    if let Some(b) = body {
        document.title = b.title.clone();
        document.links = implements(&b.title, &b.preamble);
        if document.issuer.is_none() {
            document.issuer = issuer_from_preamble(&b.preamble);
        }
        plan_tasks.extend(b.tasks);
        fields.extend(b.fields);
        preamble = b.preamble;
        plan.purposes = b.purposes;
        plan.requirements = b.requirements;
        plan.sections = b.sections;
        plan.responsibilities = b.responsibilities;
        plan.closing = b.closing;
        plan.recipients = b.recipients;
        plan.signer = b.signer;
    }
    let appendix_title = appendix.as_ref().map(|a| a.title.clone());
    // The line of the "PHỤ LỤC" type line, for diagnostics about the appendix as a whole.
    let appendix_line = lines
        .iter()
        .zip(&types)
        .find(|(_, t)| is_appendix(t))
        .map_or(1, |(l, _)| l.no);
    if let Some(a) = appendix {
        if let Some(c) = &a.of_plan {
            document.number = document.number.or_else(|| Some(c.number.clone()));
            document.date = document.date.or(c.date);
            document.issuer = document.issuer.or_else(|| c.issuer.clone());
        }
        if part == Part::Appendix {
            document.title.clone_from(&a.title);
            document.links = implements(&a.title, "");
        }
        if let Some(c) = a.of_plan {
            if part == Part::Appendix {
                document.links.push(DocumentLink {
                    kind: LinkKind::AppendixOf,
                    number: c.number,
                    doc_type: c.doc_type,
                    date: c.date,
                    issuer: c.issuer,
                });
            }
        } else {
            diags.push(Diagnostic::new(
                appendix_line,
                "no_parent_plan",
                "Phụ lục không ghi \"Kèm theo Kế hoạch số …\": không biết phụ lục thuộc kế hoạch nào".into(),
            ));
        }
        plan_tasks.extend(a.tasks);
        fields.extend(a.fields);
    }
    plan.document = document;
    plan.tasks = plan_tasks;
    let appendix_at = (part != Part::Body).then(|| {
        type_at
            .and_then(|at| {
                lines[at..]
                    .iter()
                    .zip(&types[at..])
                    .find(|(_, t)| is_appendix(t))
            })
            .map_or(0, |(l, _)| l.no)
    });
    table_tasks(
        &tables,
        appendix_at,
        &lines,
        lex,
        &mut plan.tasks,
        &mut fields,
        &mut diags,
    );
    refs::impossible_dates(&plan.tasks, &mut diags);
    products(&mut plan.tasks, &fields);
    if plan.tasks.is_empty() {
        let line = type_at.map_or(lines[0].no, |at| lines[at].no);
        diags.push(Diagnostic::new(
            line,
            "no_tasks",
            "Không tìm thấy nhiệm vụ nào (mục nhiệm vụ có đánh số, dòng \"Cơ quan chủ trì:\", bảng phân công hay câu \"… chủ trì, phối hợp với …\"); hãy nhập nhiệm vụ khi rà soát".into(),
        ));
    }
    diags.sort_by_key(|d| d.line);
    Ok(ParsedPlan {
        plan,
        part,
        appendix_title,
        preamble,
        fields,
        diagnostics: diags,
    })
}

/// Each task's "Sản phẩm" (also "Sản phẩm dự kiến", "Sản phẩm đầu ra"), from the fields kept
/// beside it, into the task itself: the one kept field the plan's tracking needs. Several are
/// joined with "; ". The fields stay as they are, for the JSON view.
fn products(
    tasks: &mut [theodoi_domain::Task],
    fields: &[(theodoi_domain::TaskRef, Vec<KeptField>)],
) {
    for task in tasks {
        let texts: Vec<&str> = fields
            .iter()
            .filter(|(r, _)| *r == task.reference)
            .flat_map(|(_, kept)| kept)
            .filter(|f| theodoi_text::fold(&f.label).starts_with("san pham"))
            .map(|f| f.text.trim())
            .filter(|t| !t.is_empty())
            .collect();
        if !texts.is_empty() {
            task.product = Some(texts.join("; "));
        }
    }
}

fn empty_plan() -> Plan {
    Plan::new(Document::untitled(DocumentType::Plan))
}

/// Add the tasks of '|' tables: those below the appendix's type line (`appendix_at`) as PL.n, the
/// others under the roman section they sit in ("II.n"), or "BT.n" outside any section.
fn table_tasks(
    tables: &[table::Found],
    appendix_at: Option<u32>,
    lines: &[lines::Line],
    lex: &Lexicon,
    tasks: &mut Vec<theodoi_domain::Task>,
    fields: &mut Vec<(theodoi_domain::TaskRef, Vec<KeptField>)>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut used: Vec<String> = tasks
        .iter()
        .map(|t| t.reference.as_str().to_string())
        .collect();
    for t in tables {
        let section = if appendix_at.is_some_and(|a| a < t.first_line) || appendix_at == Some(0) {
            "PL".to_string()
        } else {
            lines
                .iter()
                .take_while(|l| l.no < t.first_line)
                .filter_map(|l| match lines::classify(&l.text) {
                    lines::Kind::Roman { number, .. } => Some(number),
                    _ => None,
                })
                .last()
                .unwrap_or_else(|| "BT".to_string())
        };
        for (task, kept) in table::tasks(t, &section, lex, diags, &mut used) {
            if !kept.is_empty() {
                fields.push((task.reference.clone(), kept));
            }
            tasks.push(task);
        }
    }
}

/// Put each appendix parsed in the same batch into its body: by the number it cites, or, for a body
/// without a number, by the decision both implement. Unpaired parts are stored on their own and
/// the store joins them later.
pub fn combine(parsed: Vec<ParsedPlan>) -> Vec<ParsedPlan> {
    let (mut bodies, appendices): (Vec<_>, Vec<_>) =
        parsed.into_iter().partition(|p| p.part != Part::Appendix);
    let mut alone = Vec::new();
    for a in appendices {
        let number = a.plan.document.number.clone();
        let implements: Vec<_> = a.plan.document.implements().cloned().collect();
        let by_number = bodies
            .iter()
            .position(|b| b.plan.document.number.is_some() && b.plan.document.number == number);
        let by_decision = || {
            let found: Vec<usize> = bodies
                .iter()
                .enumerate()
                .filter(|(_, b)| b.plan.document.number.is_none() && b.part == Part::Body)
                .filter(|(_, b)| b.plan.document.implements().any(|n| implements.contains(n)))
                .map(|(i, _)| i)
                .collect();
            if let [one] = found.as_slice() {
                Some(*one)
            } else {
                None
            }
        };
        match by_number.or_else(by_decision) {
            Some(i) => {
                let b = &mut bodies[i];
                b.plan.merge_appendix(a.plan);
                b.appendix_title = a.appendix_title;
                b.part = Part::BodyAndAppendix;
                b.diagnostics.extend(a.diagnostics);
                b.fields.extend(a.fields);
            }
            None => alone.push(a),
        }
    }
    bodies.extend(alone);
    bodies
}

#[derive(Debug, Clone, Copy)]
enum TypeLine {
    Document(DocumentType),
    Appendix,
}

/// A line that is only a type name in capitals ("KẾ HOẠCH", "PHỤ LỤC", "PHỤ LỤC I").
fn type_line(text: &str) -> Option<TypeLine> {
    if !lines::is_all_caps(text) {
        return None;
    }
    let f = theodoi_text::fold_chars(text);
    if f == "phu luc"
        || f.strip_prefix("phu luc ")
            .is_some_and(|r| r.split_whitespace().count() == 1)
    {
        return Some(TypeLine::Appendix);
    }
    // `DocumentType::from_name`, with the type names' keys made once rather than on every call.
    static TYPE_KEYS: std::sync::OnceLock<Vec<(String, DocumentType)>> = std::sync::OnceLock::new();
    let keys = TYPE_KEYS.get_or_init(|| {
        DocumentType::all()
            .map(|(t, name)| (theodoi_text::key(name), t))
            .collect()
    });
    let k = theodoi_text::key(text);
    keys.iter()
        .find(|(name, _)| *name == k)
        .map(|(_, t)| TypeLine::Document(*t))
}

/// The documents a plan implements: those cited in its title, or else in the first sentence of its
/// preamble ("Thực hiện Quyết định số …").
fn implements(title: &str, preamble: &str) -> Vec<DocumentLink> {
    let first_sentence = preamble.split(['.', '\n']).next().unwrap_or_default();
    let mut cited = direct(title, refs::citations(title));
    if cited.is_empty() {
        cited = direct(first_sentence, refs::citations(first_sentence));
    }
    let mut out: Vec<DocumentLink> = Vec::new();
    for c in cited {
        if !out.iter().any(|l| l.number == c.number) {
            out.push(DocumentLink {
                kind: LinkKind::Implements,
                number: c.number,
                doc_type: c.doc_type,
                date: c.date,
                issuer: c.issuer,
            });
        }
    }
    out
}

/// The documents cited directly, not those inside the description of an earlier one: "Thực hiện
/// Kế hoạch số 14/KH-UBND ngày 09/01/2026 của Ủy ban nhân dân thành phố triển khai thực hiện
/// Quyết định số 2715/QĐ-TTg …" implements KH 14 (which implements QĐ 2715). Documents named side
/// by side ("Nghị quyết số … của Chính phủ và Quyết định số …") are all kept; from the first one
/// that a describing word ("về", "triển khai", "thực hiện" …) leads to, the rest is description.
fn direct(text: &str, cited: Vec<refs::Citation>) -> Vec<refs::Citation> {
    const DESCRIBING: &[&str] = &[
        "ve",
        "trien khai",
        "thuc hien",
        "huong dan",
        "phe duyet",
        "ban hanh",
        "quy dinh",
        "sua doi",
    ];
    let mut out: Vec<refs::Citation> = Vec::new();
    for c in cited {
        if let Some(prev) = out.last() {
            let gap = text.get(prev.at.end..c.at.start).unwrap_or_default();
            let words: String = theodoi_text::fold_chars(gap)
                .chars()
                .map(|ch| if ch.is_alphanumeric() { ch } else { ' ' })
                .collect();
            let words = format!(
                " {} ",
                words.split_whitespace().collect::<Vec<_>>().join(" ")
            );
            if DESCRIBING.iter().any(|w| words.contains(&format!(" {w} "))) {
                break;
            }
        }
        out.push(c);
    }
    out
}

/// "…, Ủy ban nhân dân thành phố ban hành Kế hoạch …" → "Ủy ban nhân dân thành phố".
fn issuer_from_preamble(preamble: &str) -> Option<String> {
    let f = theodoi_text::fold_chars(preamble);
    let at = f.find(" ban hanh ")?;
    let before: String = preamble.chars().take(f[..at].chars().count()).collect();
    let clause = before.rsplit(',').next()?.trim();
    (!clause.is_empty() && clause.chars().count() <= 80).then(|| clause.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `type_line` names the type `DocumentType::from_name` names, for every type and a few lines
    /// that are no type.
    #[test]
    fn type_lines_agree_with_the_domain() {
        let names: Vec<String> = DocumentType::all()
            .flat_map(|(_, n)| [n.to_string(), format!("{n} LIÊN TỊCH"), n.to_lowercase()])
            .chain(
                [
                    "KẾ HOẠCH",
                    "KẾ  HOẠCH",
                    "PHỤ LỤC",
                    "ỦY BAN NHÂN DÂN",
                    "II. NHIỆM VỤ",
                    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                ]
                .map(String::from),
            )
            .collect();
        for n in names {
            let ours = match type_line(&n) {
                Some(TypeLine::Document(t)) => Some(t),
                _ => None,
            };
            let domain = lines::is_all_caps(&n)
                .then(|| DocumentType::from_name(&n))
                .flatten()
                .filter(|_| !matches!(type_line(&n), Some(TypeLine::Appendix)));
            assert_eq!(ours, domain, "{n}");
        }
    }
}
