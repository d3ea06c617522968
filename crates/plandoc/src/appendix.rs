//! The appendix (phụ lục): a title, the "(Kèm theo Kế hoạch số …)" line that ties it to its plan,
//! and a table STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời hạn.
//!
//! Extraction gives the table one cell fragment per line, with no column positions. Rows are found
//! by their STT ("1", "2", …, also "6."); inside a row the task text comes first, then the lead
//! agencies, the coordinating agencies and the deadline, each recognised by its shape. A row split
//! by a page break leaves a lone page number, after which the rest of the row's cells follow.
//! When the column headings name a column to keep beside the task ("Sản phẩm"), a fragment that
//! starts a cell after the deadline is that column's, not the deadline's.

use crate::lexicon::Lexicon;
use crate::lines::{Line, ends_sentence, starts_lower};
use crate::refs::{self, Citation};
use crate::{Diagnostic, KeptField};
use theodoi_domain::{SourceSpan, Task, TaskRef, Timeframe, TimeframeKind};

#[derive(Debug, Default)]
pub struct Appendix {
    pub title: String,
    /// The plan cited by "(Kèm theo Kế hoạch số 14/KH-UBND ngày …)".
    pub of_plan: Option<Citation>,
    pub tasks: Vec<Task>,
    /// The kept column's text by task ("PL.1" → Sản phẩm: Báo cáo).
    pub fields: Vec<(TaskRef, Vec<KeptField>)>,
}

pub fn parse(lines: &[Line], lex: &Lexicon, diags: &mut Vec<Diagnostic>) -> Appendix {
    let mut out = Appendix::default();
    // Title up to the "(Kèm theo …)" line, which may wrap until its ')'.
    let attach = lines.iter().position(|l| {
        let f = theodoi_text::fold_chars(&l.text);
        f.starts_with("(kem theo") || f.starts_with("kem theo")
    });
    let mut i = 0;
    if let Some(a) = attach {
        out.title = lines[..a]
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let mut cite = String::new();
        i = a;
        while let Some(l) = lines.get(i) {
            cite.push_str(&l.text);
            cite.push(' ');
            i += 1;
            if l.text.contains(')') {
                break;
            }
        }
        out.of_plan = refs::citations(&cite).into_iter().next();
    }
    let rest = &lines[i..];
    let mended = mend_broken(rest);
    for (task, kept) in rows(mended.as_deref().unwrap_or(rest), lex, diags) {
        if let Some(k) = kept {
            out.fields.push((task.reference.clone(), vec![k]));
        }
        out.tasks.push(task);
    }
    out
}

/// The fragments a narrow deadline cell broke apart, put back together: "31/12/202" / "6" (the
/// "6" would otherwise read as a row number or a page number) and "Quý" / "IV/2026". None when
/// nothing is broken, the usual case.
fn mend_broken(lines: &[Line]) -> Option<Vec<Line>> {
    let glue = |a: &Line, b: &Line| -> Option<&'static str> {
        // Most fragments start with a letter that is no roman numeral: nothing to look at.
        if !b
            .text
            .starts_with(|c: char| c.is_ascii_digit() || matches!(c, 'I' | 'V' | 'X'))
        {
            return None;
        }
        let last = a.text.rsplit(' ').next().unwrap_or_default();
        let digits = b.text.chars().all(|c| c.is_ascii_digit());
        if digits
            && b.text.len() <= 4
            && (b.text.len() == 4 || !last.ends_with('/'))
            && crate::table::broken_number(last, &b.text)
        {
            return Some("");
        }
        let roman = b.text.trim_start_matches(['I', 'V', 'X']);
        (roman.len() < b.text.len()
            && roman.starts_with('/')
            && theodoi_text::fold_chars(last) == "quy")
            .then_some(" ")
    };
    if !lines.windows(2).any(|w| glue(&w[0], &w[1]).is_some()) {
        return None;
    }
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    for l in lines {
        match out
            .last_mut()
            .and_then(|prev| glue(prev, l).map(|g| (prev, g)))
        {
            Some((prev, g)) => {
                prev.text.push_str(g);
                prev.text.push_str(&l.text);
            }
            None => out.push(l.clone()),
        }
    }
    Some(out)
}

/// A row's STT: "1", "6.", "6)".
fn row_number(text: &str) -> Option<u32> {
    let t = text.trim_end_matches(['.', ')']);
    if t.is_empty() || t.len() > 3 || !t.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

fn rows(
    lines: &[Line],
    lex: &Lexicon,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(Task, Option<KeptField>)> {
    let mut tasks = Vec::new();
    let mut expected = 1;
    // Row starts: a lone number equal to the next STT, followed by text that starts a sentence.
    let mut starts: Vec<(usize, u32)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if row_number(&l.text) == Some(expected)
            && lines.get(i + 1).is_some_and(|n| !starts_lower(&n.text))
        {
            starts.push((i, expected));
            expected += 1;
        }
    }
    // A column heading above the first row naming a column kept beside the task: its label.
    let heading_end = starts.first().map_or(0, |(at, _)| *at);
    let kept = lines[..heading_end]
        .iter()
        .map(|l| l.text.as_str())
        .find(|t| {
            t.chars().count() <= 40 && crate::table::column_of(t) == crate::table::Column::Kept
        });
    for (k, &(at, number)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(lines.len(), |(e, _)| *e);
        tasks.push(row(number, &lines[at..end], kept, lex, diags));
    }
    tasks
}

/// What one fragment of a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Task,
    Lead,
    Coordinating,
    Time,
    Kept,
}

fn row(
    number: u32,
    lines: &[Line],
    kept_label: Option<&str>,
    lex: &Lexicon,
    diags: &mut Vec<Diagnostic>,
) -> (Task, Option<KeptField>) {
    let span = SourceSpan::new(
        lines.first().map_or(0, |l| l.no),
        lines.last().map_or(0, |l| l.no),
    );
    let mut task_text: Vec<&str> = Vec::new();
    let mut lead: Vec<&str> = Vec::new();
    let mut coordinating: Vec<&str> = Vec::new();
    let mut time: Vec<&str> = Vec::new();
    let mut kept: Vec<&str> = Vec::new();
    let mut cell = Cell::Task;
    let mut after_break = false;
    let mut prev: &str = "";
    for l in lines.iter().skip(1) {
        let text = l.text.as_str();
        if row_number(text).is_some() {
            diags.push(Diagnostic::new(
                l.no,
                "page_break",
                format!(
                    "Dòng {number} của phụ lục tiếp tục sau ngắt trang (bỏ qua số trang \"{text}\")"
                ),
            ));
            after_break = true;
            prev = "";
            continue;
        }
        let agency_start = refs::is_agency_start(text, lex)
            && text.chars().count() <= 40
            && !continues_phrase(prev);
        let is_time = is_deadline(text);
        cell = if after_break {
            // After a page break the row's remaining fragments: task text unless they look like
            // an agency or a deadline.
            if is_time {
                Cell::Time
            } else if agency_start {
                Cell::Coordinating
            } else if prev.is_empty() {
                Cell::Task
            } else {
                cell
            }
        } else {
            match cell {
                Cell::Task if agency_start && !task_text.is_empty() => Cell::Lead,
                // Task text may mention a year ("đến năm 2030"): only a short fragment that
                // starts like a cell is the deadline column.
                Cell::Task
                    if is_time
                        && !task_text.is_empty()
                        && text.chars().count() <= 25
                        && !starts_lower(text) =>
                {
                    Cell::Time
                }
                Cell::Lead if is_time => Cell::Time,
                Cell::Lead if agency_start => Cell::Coordinating,
                Cell::Coordinating if is_time => Cell::Time,
                // After the deadline, a fragment that starts a cell and is no deadline.
                Cell::Time if kept_label.is_some() && !is_time && !starts_lower(text) => Cell::Kept,
                c => c,
            }
        };
        match cell {
            Cell::Task => task_text.push(text),
            Cell::Lead => lead.push(text),
            Cell::Coordinating => coordinating.push(text),
            Cell::Time => time.push(text),
            Cell::Kept => kept.push(text),
        }
        prev = text;
    }
    let join = |v: &[&str]| v.join(" ");
    let time_text = join(&time);
    let kept = kept_label
        .filter(|_| !kept.is_empty())
        .map(|label| KeptField {
            label: label.to_string(),
            text: join(&kept),
            line: span.start_line,
        });
    let task = Task {
        reference: TaskRef::appendix(number),
        title: join(&task_text),
        items: Vec::new(),
        lead: refs::agencies(&join(&lead), false, lex),
        coordinating: refs::agencies(&join(&coordinating), false, lex),
        time: if time_text.is_empty() {
            Timeframe::unspecified()
        } else {
            crate::norm::timeframe(&time_text)
        },
        product: None,
        span,
    };
    (task, kept)
}

/// The previous fragment ends in the middle of a name list or a phrase, so a capitalised
/// fragment after it continues the same cell ("… phối hợp với" / "Sở Tư pháp").
fn continues_phrase(prev: &str) -> bool {
    let p = prev.trim_end();
    if p.ends_with(',') || p.ends_with(" -") {
        return true;
    }
    let last = p.rsplit(' ').next().unwrap_or_default();
    let f = theodoi_text::fold_chars(last);
    matches!(
        f.as_str(),
        "va" | "voi" | "cua" | "cho" | "cac" | "tai" | "ve" | "theo" | "cung" | "giua" | "la"
    ) && !ends_sentence(p)
}

/// A short fragment that is a deadline: "2025-2030", "Hàng năm", "Quý II/2026".
fn is_deadline(text: &str) -> bool {
    text.chars().count() <= 40
        && !matches!(
            crate::norm::timeframe(text).kind,
            TimeframeKind::Unspecified
        )
}
