//! Task tables written with '|' between cells, wherever they sit in a plan: a Word table saved as
//! text, a DOCX or spreadsheet table (the readers in [`crate::formats`] write their tables this
//! way), a page copied from the web; and tables copied from Word or Excel as text, with a tab
//! between cells. The header row names the columns, in any order: STT, Nội dung / Nhiệm vụ, Chủ
//! trì, Phối hợp, Thời gian / Thời hạn, Sản phẩm. Rows numbered I, II, A, B are groups; a row
//! without a number continues the row above (a cell over several lines, or a merged cell). A
//! time cell's number broken by a narrow cell ("31/12/202 6") is mended before it is read.

use crate::lexicon::Lexicon;
use crate::{Diagnostic, KeptField, refs};
use theodoi_domain::{AgencyMention, SourceSpan, Task, TaskRef, Timeframe};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Number,
    Task,
    Lead,
    Coordinating,
    /// "Cơ quan chủ trì / phối hợp": one column for both; "(chủ trì)" marks the lead.
    LeadAndCoordinating,
    Time,
    /// Kept beside the task under its header's name (Sản phẩm, Kinh phí, Ghi chú).
    Kept,
    Unknown,
}

/// The column names looked for, for the message when a sheet has none.
pub const COLUMNS_LOOKED_FOR: &str =
    "STT, Nội dung / Nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp, Thời gian / Thời hạn, Sản phẩm";

pub(crate) fn column_of(cell: &str) -> Column {
    let f = theodoi_text::fold_chars(cell);
    let f = f.trim();
    let has = |w: &str| f.contains(w);
    if matches!(f, "stt" | "tt" | "so tt" | "so thu tu" | "s tt" | "#") {
        Column::Number
    } else if has("chu tri") && has("phoi hop") {
        Column::LeadAndCoordinating
    } else if has("chu tri") || has("co quan thuc hien") || has("don vi thuc hien") {
        Column::Lead
    } else if has("phoi hop") {
        Column::Coordinating
    } else if has("thoi gian") || has("thoi han") || has("tien do") || has("thoi diem") {
        Column::Time
    } else if has("noi dung")
        || has("nhiem vu")
        || has("cong viec")
        || has("hoat dong")
        || has("giai phap")
    {
        Column::Task
    } else if has("san pham") || has("ket qua") || has("kinh phi") || has("ghi chu") {
        Column::Kept
    } else {
        Column::Unknown
    }
}

/// The columns of a header row, when it names at least a task column and a lead column.
pub fn header(cells: &[String]) -> Option<Vec<Column>> {
    if cells.len() < 2 || cells.iter().any(|c| c.chars().count() > 60) {
        return None;
    }
    let cols: Vec<Column> = cells.iter().map(|c| column_of(c)).collect();
    let task = cols.contains(&Column::Task);
    let lead = cols.contains(&Column::Lead) || cols.contains(&Column::LeadAndCoordinating);
    (task && lead).then_some(cols)
}

/// How a table's cells are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    /// "| a | b |": a table written by the readers of other formats, or typed.
    Pipe,
    /// "a\tb": a table copied from Word or Excel as text.
    Tab,
}

/// Cells of a '|' line: "| a | b |" → ["a", "b"]. Outer empty cells from the border are dropped.
pub fn cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|').map(crate::norm::clean).collect()
}

/// Cells of a line copied from Word or Excel: separated by tabs, every cell kept (an empty first
/// cell is a row without a number). Excel quotes a cell holding a line break or a quote:
/// `"Rà soát\nquy định"`, `"Báo cáo ""A"""`.
fn tab_cells(line: &str) -> Vec<String> {
    line.split('\t')
        .map(|c| {
            let t = c.trim();
            let t = match t.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
                Some(inner) => inner.replace("\"\"", "\""),
                None => t.to_string(),
            };
            crate::norm::clean(&t)
        })
        .collect()
}

/// The row starting at `lines[j]` as one text, with the lines an open Excel quote carries on to
/// (a cell with line breaks), and the index of its last line.
fn tab_row(lines: &[&str], j: usize) -> (String, usize) {
    let mut row = lines[j].trim_end_matches(['\r', ' ']).to_string();
    let mut k = j;
    // An odd number of quotes: a quoted cell still open. A cell holds a few lines, not pages.
    while row.matches('"').count() % 2 == 1 && k + 1 < lines.len() && k < j + 20 {
        k += 1;
        row.push('\n');
        row.push_str(lines[k].trim_end_matches(['\r', ' ']));
    }
    if row.matches('"').count() % 2 == 1 {
        // Never closed: a stray quote, not a cell over several lines.
        return (lines[j].trim_end_matches(['\r', ' ']).to_string(), j);
    }
    (row, k)
}

/// A table found in a text: the raw lines it spans (1-based, inclusive) and the tasks it holds.
pub struct Found {
    pub first_line: u32,
    pub last_line: u32,
    pub rows: Vec<Row>,
}

/// One task row, or a group row.
pub struct Row {
    pub line: u32,
    pub last_line: u32,
    pub number: Option<String>,
    pub group: bool,
    pub task: String,
    pub lead: String,
    pub coordinating: String,
    pub time: String,
    pub kept: Vec<(String, String)>,
}

/// Find tables with a recognised header row in a text: '|' tables, and tables copied from Word or
/// Excel with a tab between cells.
pub fn find(text: &str, diags: &mut Vec<Diagnostic>) -> Vec<Found> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let raw = lines[i];
        let sep = if raw.matches('|').count() >= 2 {
            Sep::Pipe
        } else if raw.contains('\t') {
            Sep::Tab
        } else {
            i += 1;
            continue;
        };
        let split = |l: &str| match sep {
            Sep::Pipe => cells(l),
            Sep::Tab => tab_cells(l),
        };
        let names: Vec<String> = split(raw);
        let Some(cols) = header(&names) else {
            i += 1;
            continue;
        };
        let first_line = line_no(i);
        let mut rows: Vec<Row> = Vec::new();
        let mut last = i;
        let mut j = i + 1;
        while j < lines.len() {
            let (row_text, row_end) = match sep {
                Sep::Pipe => (lines[j].trim().to_string(), j),
                Sep::Tab => tab_row(&lines, j),
            };
            let l = row_text.as_str();
            if l.trim().is_empty()
                || l.chars()
                    .all(|c| matches!(c, '|' | '-' | ':' | '+' | '=' | ' ' | '\t'))
            {
                j += 1;
                continue;
            }
            let in_row = match sep {
                Sep::Pipe => l.contains('|'),
                Sep::Tab => l.contains('\t'),
            };
            if !in_row {
                let l = l.trim();
                if l.len() <= 4 && l.chars().all(|c| c.is_ascii_digit()) {
                    diags.push(Diagnostic::new(
                        line_no(j),
                        "page_number",
                        format!("Bỏ qua số trang \"{l}\" giữa các dòng của bảng"),
                    ));
                    j += 1;
                    continue;
                }
                break;
            }
            let cs = split(l);
            if header(&cs).is_some() {
                diags.push(Diagnostic::new(
                    line_no(j),
                    "repeated_header",
                    "Bỏ qua dòng tiêu đề bảng lặp lại (sang trang)".into(),
                ));
                last = row_end;
                j = row_end + 1;
                continue;
            }
            add_row(&mut rows, &cols, &names, &cs, line_no(j));
            if let Some(r) = rows.last_mut() {
                r.last_line = r.last_line.max(line_no(row_end));
            }
            last = row_end;
            j = row_end + 1;
        }
        let mapped: Vec<String> = names
            .iter()
            .zip(&cols)
            .filter(|(_, c)| **c != Column::Unknown)
            .map(|(n, c)| format!("\"{n}\" = {}", column_vi(*c)))
            .collect();
        diags.push(Diagnostic::new(
            first_line,
            "table_columns",
            format!(
                "Bảng nhiệm vụ, cột đọc theo dòng tiêu đề: {}",
                mapped.join("; ")
            ),
        ));
        out.push(Found {
            first_line,
            last_line: line_no(last),
            rows,
        });
        i = last + 1;
    }
    out
}

fn column_vi(c: Column) -> &'static str {
    match c {
        Column::Number => "số thứ tự",
        Column::Task => "nhiệm vụ",
        Column::Lead => "chủ trì",
        Column::Coordinating => "phối hợp",
        Column::LeadAndCoordinating => "chủ trì và phối hợp",
        Column::Time => "thời gian",
        Column::Kept => "giữ kèm nhiệm vụ",
        Column::Unknown => "không dùng",
    }
}

fn line_no(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(u32::MAX)
}

/// "1", "1.", "01" → a task number; "I", "II", "A", "B." → a group.
fn number_kind(cell: &str) -> Option<bool> {
    let t = cell.trim().trim_end_matches(['.', ')']);
    if t.is_empty() || t.len() > 5 {
        return None;
    }
    if t.chars().all(|c| c.is_ascii_digit() || c == '.')
        && t.starts_with(|c: char| c.is_ascii_digit())
    {
        return Some(false);
    }
    if t.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'))
        || (t.len() == 1 && t.chars().all(|c| c.is_ascii_uppercase()))
    {
        return Some(true);
    }
    None
}

fn add_row(rows: &mut Vec<Row>, cols: &[Column], names: &[String], cs: &[String], line: u32) {
    let get = |want: Column| -> String {
        cols.iter()
            .zip(cs)
            .filter(|(c, _)| **c == want)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let number = get(Column::Number);
    let kind = number_kind(&number);
    let mut lead = get(Column::Lead);
    let mut coordinating = get(Column::Coordinating);
    let both = get(Column::LeadAndCoordinating);
    if theodoi_text::fold_chars(&lead).contains("(chu tri)") {
        let (l, c) = split_marked(&lead);
        lead = l;
        if !c.is_empty() {
            coordinating = if coordinating.is_empty() {
                c
            } else {
                format!("{c}, {coordinating}")
            };
        }
    }
    if !both.is_empty() {
        let (l, c) = split_marked(&both);
        if lead.is_empty() {
            lead = l;
        }
        if coordinating.is_empty() {
            coordinating = c;
        }
    }
    let kept: Vec<(String, String)> = cols
        .iter()
        .zip(cs)
        .zip(names)
        .filter(|((c, v), _)| **c == Column::Kept && !v.is_empty())
        .map(|((_, v), n)| (n.clone(), v.clone()))
        .collect();
    let row = Row {
        line,
        last_line: line,
        number: (!number.is_empty()).then_some(number.clone()),
        group: kind == Some(true),
        task: get(Column::Task),
        lead,
        coordinating,
        time: get(Column::Time),
        kept,
    };
    match (kind, rows.last_mut()) {
        // No number: the row continues the one above (a cell over several lines or merged).
        (None, Some(prev)) if number.is_empty() => {
            prev.last_line = line;
            for (dst, src) in [
                (&mut prev.task, row.task),
                (&mut prev.lead, row.lead),
                (&mut prev.coordinating, row.coordinating),
                (&mut prev.time, row.time),
            ] {
                if !src.is_empty() {
                    if !dst.is_empty() {
                        dst.push(' ');
                    }
                    dst.push_str(&src);
                }
            }
            for (n, v) in row.kept {
                match prev.kept.iter_mut().find(|(pn, _)| *pn == n) {
                    Some((_, pv)) => {
                        pv.push(' ');
                        pv.push_str(&v);
                    }
                    None => prev.kept.push((n, v)),
                }
            }
        }
        _ => rows.push(row),
    }
}

/// "Sở X (chủ trì); Sở Y, Sở Z" → ("Sở X", "Sở Y, Sở Z"). Without a mark the first body leads.
fn split_marked(text: &str) -> (String, String) {
    let f = theodoi_text::fold_chars(text);
    if let Some(at) = f.find("(chu tri)") {
        let before: String = text.chars().take(f[..at].chars().count()).collect();
        let after: String = text
            .chars()
            .skip(f[..at].chars().count() + "(chu tri)".len())
            .collect();
        let after = after.replace("(phối hợp)", "");
        return (
            before.trim().to_string(),
            after.trim_start_matches([';', ',', ' ']).trim().to_string(),
        );
    }
    match text.split_once(';') {
        Some((l, c)) => (l.trim().to_string(), c.trim().to_string()),
        None => (text.trim().to_string(), String::new()),
    }
}

/// A time cell with the numbers a narrow cell broke over two lines put back together:
/// "31/12/202 6" → "31/12/2026", "Quý IV/ 2026" → "Quý IV/2026", "31/1 2/2026" → "31/12/2026".
/// Only breaks that leave a year of four digits, or a date part on each side of a '/', are
/// joined; "Quý II và III/2026" and "2026 - 2030" stay as they are.
pub(crate) fn mend_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev: &str = "";
    for word in text.split_whitespace() {
        if !out.is_empty() {
            if broken_number(prev, word) {
                out.push_str(word);
                // The joined word, for a third piece ("2 02 6" does not occur; "31/ 12/ 2026" may).
                prev = out.rsplit(' ').next().unwrap_or(word);
                continue;
            }
            out.push(' ');
        }
        out.push_str(word);
        prev = word;
    }
    out
}

/// `a` and `b` are two pieces of one number or date the line broke between.
pub(crate) fn broken_number(a: &str, b: &str) -> bool {
    let digits = |s: &str| s.chars().take_while(char::is_ascii_digit).count();
    let tail = a.chars().rev().take_while(char::is_ascii_digit).count();
    let head = digits(b);
    let a_last = a.chars().last();
    // "31/12/ 2026", "Quý IV/ 2026"
    if a_last == Some('/') && head > 0 {
        return a
            .chars()
            .any(|c| c.is_ascii_digit() || matches!(c, 'I' | 'V' | 'X'));
    }
    // "31/12 /2026"
    if b.starts_with('/') && b[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return tail > 0 || a.ends_with(['I', 'V', 'X']);
    }
    if tail == 0 || head == 0 {
        return false;
    }
    let before_tail = a.chars().rev().nth(tail);
    let b_rest = &b[head..];
    // "31/12/202 6", "202 6", "2026-203 0": a year of four digits from 19xx or 20xx.
    if tail + head == 4
        && matches!(before_tail, None | Some('/' | '-'))
        && (b_rest.is_empty() || b_rest.starts_with(['.', ',', ';', ')', '-', '/']))
    {
        let year: String = a[a.len() - tail..]
            .chars()
            .chain(b[..head].chars())
            .collect();
        return year.starts_with("19") || year.starts_with("20");
    }
    // "31/1 2/2026": a day or month cut after its first digit, with a whole date after it.
    tail == 1
        && head == 1
        && before_tail == Some('/')
        && b_rest.starts_with('/')
        && b_rest[1..].chars().take_while(char::is_ascii_digit).count() == 4
}

/// The tasks of a table's rows. `section` prefixes references ("PL" gives PL.1, PL.2).
pub fn tasks(
    found: &Found,
    section: &str,
    lex: &Lexicon,
    diags: &mut Vec<Diagnostic>,
    used: &mut Vec<String>,
) -> Vec<(Task, Vec<KeptField>)> {
    let mut out = Vec::new();
    let mut group = String::new();
    let mut running = 0u32;
    for r in &found.rows {
        if r.group {
            group = [r.task.as_str(), r.lead.as_str()]
                .iter()
                .find(|s| !s.is_empty())
                .map(|s| s.to_string())
                .unwrap_or_default();
            continue;
        }
        running += 1;
        if r.task.is_empty() && r.lead.is_empty() {
            continue;
        }
        let own: Option<u32> = r
            .number
            .as_deref()
            .and_then(|n| n.trim_end_matches(['.', ')']).parse().ok());
        let mut number = own.unwrap_or(running);
        let mut reference = TaskRef::section(section, number);
        if used.contains(&reference.as_str().to_string()) {
            number = (1..)
                .find(|k| !used.contains(&format!("{section}.{k}")))
                .unwrap_or(running);
            diags.push(Diagnostic::new(
                r.line,
                "duplicate_number",
                format!(
                    "Số thứ tự {} lặp lại trong bảng; nhiệm vụ được đánh số {number}",
                    r.number.as_deref().unwrap_or("")
                ),
            ));
            reference = TaskRef::section(section, number);
        }
        used.push(reference.as_str().to_string());
        let lead: Vec<AgencyMention> = refs::agencies(&r.lead, false, lex);
        let coordinating = refs::agencies(&r.coordinating, false, lex);
        let time = if r.time.is_empty() {
            Timeframe::unspecified()
        } else {
            crate::norm::timeframe(&mend_numbers(&r.time))
        };
        let mut kept: Vec<KeptField> = r
            .kept
            .iter()
            .map(|(label, text)| KeptField {
                label: label.clone(),
                text: text.clone(),
                line: r.line,
            })
            .collect();
        if !group.is_empty() {
            kept.insert(
                0,
                KeptField {
                    label: "Nhóm nhiệm vụ".into(),
                    text: group.clone(),
                    line: r.line,
                },
            );
        }
        out.push((
            Task {
                reference,
                title: r.task.clone(),
                items: Vec::new(),
                lead,
                coordinating,
                time,
                product: None,
                span: SourceSpan::new(r.line, r.last_line),
            },
            kept,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_in_any_order() {
        let text = "Bảng phân công\n| Nội dung công việc | TT | Thời hạn | Đơn vị phối hợp | Đơn vị chủ trì | Sản phẩm |\n|---|---|---|---|---|---|\n| NHÓM VỀ THỂ CHẾ | I | | | | |\n| Rà soát quy định | 1 | Quý III/2026 | Các sở, ngành | Sở Tư pháp | Báo cáo |\n| về quyền con người | | | | | |\n7\n| Tập huấn | 2 | Hằng năm | | Sở Nội vụ (chủ trì); Sở Y tế | |\nHết bảng";
        let mut diags = Vec::new();
        let found = find(text, &mut diags);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].first_line, found[0].last_line), (2, 8));
        let mut used = Vec::new();
        let t = tasks(&found[0], "PL", Lexicon::builtin(), &mut diags, &mut used);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].0.title, "Rà soát quy định về quyền con người");
        assert_eq!(t[0].0.reference.as_str(), "PL.1");
        assert_eq!(t[0].0.lead[0].name, "Sở Tư pháp");
        assert_eq!(t[0].0.coordinating[0].name, "Các sở, ngành");
        assert_eq!(t[0].0.time.kind_name(), "quarter");
        assert_eq!(t[0].1[0].text, "NHÓM VỀ THỂ CHẾ");
        assert_eq!(t[0].1[1].label, "Sản phẩm");
        assert_eq!(t[1].0.lead[0].name, "Sở Nội vụ");
        assert_eq!(t[1].0.coordinating[0].name, "Sở Y tế");
        assert!(diags.iter().any(|d| d.code == "page_number" && d.line == 7));
    }

    #[test]
    fn broken_numbers_are_mended() {
        for (broken, whole) in [
            ("31/12/202 6", "31/12/2026"),
            ("31/12/202\n6", "31/12/2026"),
            ("Trước ngày 31/12/20 26.", "Trước ngày 31/12/2026."),
            ("Quý\nIV/2026", "Quý IV/2026"),
            ("Quý IV/ 2026", "Quý IV/2026"),
            ("31/12 /2026", "31/12/2026"),
            ("31/1 2/2026", "31/12/2026"),
            ("Năm 202 6", "Năm 2026"),
            ("2026-203 0", "2026-2030"),
            ("Giai đoạn 2026 - 2030", "Giai đoạn 2026 - 2030"),
            ("Quý II và III/2026", "Quý II và III/2026"),
            ("Quý 1 2026", "Quý 1 2026"),
            ("Tháng 12 hằng năm", "Tháng 12 hằng năm"),
            ("6 tháng 1 lần", "6 tháng 1 lần"),
        ] {
            assert_eq!(mend_numbers(broken), whole, "{broken}");
        }
    }

    #[test]
    fn a_header_cell_row_is_not_a_table() {
        let mut diags = Vec::new();
        let text = "| ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n| Số: 1/KH-UBND | Hà Nội, ngày 1 tháng 1 năm 2026 |";
        assert!(find(text, &mut diags).is_empty());
    }
}
