//! The one way a body's entries are read, wherever they were typed — the form's grid, a script's
//! autosave, a workbook filled in offline: every entry becomes a field of the same names
//! (`t{task}_status`, `t{task}_reason`, `t{task}_results`, `v{indicator}` for a total,
//! `v{indicator}_{dimension}_{category}` for a breakdown cell, `difficulties`, `proposals`) and
//! is checked here. What is valid is saved; what is not keeps the stored value and comes back
//! beside its field with the reason.

use super::*;
use crate::i18n::Lang;
use theodoi_domain::indicator::{BreakdownError, IndicatorValues, ValueError};

/// Entered values by field name, as typed.
pub(super) type Typed = HashMap<String, String>;

/// Longest reason a task was not done, in characters.
pub(super) const REASON_CHARS: usize = 2_000;

pub(super) fn field_total(ind: &IndicatorRow) -> String {
    format!("v{}", ind.id)
}

pub(super) fn field_cell(ind: &IndicatorRow, dim: Dimension, cat: &str) -> String {
    format!("v{}_{}_{}", ind.id, dim.code(), cat)
}

pub(super) fn field_task(task_id: i64, part: &str) -> String {
    format!("t{task_id}_{part}")
}

/// One entry refused: the field it belongs to (the row's total for a breakdown that does not add
/// up), what the page calls it, and why, in the page's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Problem {
    pub field: String,
    pub label: String,
    pub message: String,
}

/// The entries read: what may be saved, and what may not.
#[derive(Debug, Default)]
pub(super) struct Entry {
    pub save: SaveReport,
    pub problems: Vec<Problem>,
    /// Indicators with a refused entry: their stored values are kept whole.
    bad_indicators: Vec<i64>,
    /// (task, part) refused: the stored text or status is kept.
    bad_task_parts: Vec<(i64, &'static str)>,
    bad_texts: Vec<&'static str>,
}

impl Entry {
    /// Put the stored value back wherever an entry was refused, so a save writes what is valid
    /// and leaves the rest as it was.
    pub(super) fn keep_stored(&mut self, form: &ReportForm) {
        self.save
            .values
            .retain(|v| !self.bad_indicators.contains(&v.indicator_id));
        self.save.values.extend(
            form.values
                .iter()
                .filter(|v| self.bad_indicators.contains(&v.indicator_id))
                .cloned(),
        );
        for t in &mut self.save.tasks {
            let Some(stored) = form.tasks.iter().find(|s| s.task_id == t.task_id) else {
                continue;
            };
            for (task, part) in &self.bad_task_parts {
                if *task != t.task_id {
                    continue;
                }
                match *part {
                    "status" => t.status = stored.status.as_deref().and_then(TaskStatus::parse),
                    "reason" => t.reason = stored.reason.clone().unwrap_or_default(),
                    _ => t.results = stored.results.clone().unwrap_or_default(),
                }
            }
            // "Not done" stored needs its reason stored too.
            if t.status == Some(TaskStatus::NotDone) && t.reason.trim().is_empty() {
                t.status = stored.status.as_deref().and_then(TaskStatus::parse);
                t.reason = stored.reason.clone().unwrap_or_default();
            }
        }
        let report = form.report.as_ref();
        for text in &self.bad_texts {
            match *text {
                "difficulties" => {
                    self.save.difficulties =
                        report.map(|r| r.difficulties.clone()).unwrap_or_default()
                }
                _ => self.save.proposals = report.map(|r| r.proposals.clone()).unwrap_or_default(),
            }
        }
    }
}

impl Entry {
    /// Whether saving would leave the stored report as it is (every entry refused or the same).
    pub(super) fn changes_nothing(&self, form: &ReportForm) -> bool {
        let report = form.report.as_ref();
        let texts = report.map_or((String::new(), String::new()), |r| {
            (r.difficulties.clone(), r.proposals.clone())
        });
        if self.save.difficulties.trim() != texts.0.trim()
            || self.save.proposals.trim() != texts.1.trim()
        {
            return false;
        }
        let tasks_same = self.save.tasks.iter().all(|t| {
            form.tasks
                .iter()
                .find(|s| s.task_id == t.task_id)
                .is_none_or(|s| {
                    s.status.as_deref().and_then(TaskStatus::parse) == t.status
                        && s.reason.as_deref().unwrap_or("").trim() == t.reason.trim()
                        && s.results.as_deref().unwrap_or("").trim() == t.results.trim()
                })
        });
        let mut new: Vec<&ValueRow> = self.save.values.iter().collect();
        let mut old: Vec<&ValueRow> = form.values.iter().collect();
        new.sort_by_key(|v| (v.indicator_id, &v.dimension, &v.category));
        old.sort_by_key(|v| (v.indicator_id, &v.dimension, &v.category));
        tasks_same && new == old
    }
}

/// A value refused, said in one language.
pub(super) fn value_message(lang: Lang, e: &ValueError) -> String {
    match (lang, e) {
        (Lang::Vi, ValueError::NotANumber(s)) => format!("«{s}» không phải là số."),
        (Lang::En, ValueError::NotANumber(s)) => format!("“{s}” is not a number."),
        (Lang::Vi, ValueError::Negative(s)) => {
            format!("{s} là số âm; số liệu là số nguyên không âm.")
        }
        (Lang::En, ValueError::Negative(s)) => {
            format!("{s} is negative; counts are whole and not negative.")
        }
        (Lang::Vi, ValueError::Fractional(s)) => format!("{s} không phải là số nguyên."),
        (Lang::En, ValueError::Fractional(s)) => format!("{s} is not a whole number."),
        (Lang::Vi, ValueError::TooLarge(s)) => format!("{s} quá lớn."),
        (Lang::En, ValueError::TooLarge(s)) => format!("{s} is too large."),
    }
}

/// A breakdown that does not fit its total, said in one language (the indicator is named by the
/// row it is shown on).
pub(super) fn breakdown_message(lang: Lang, e: &BreakdownError) -> String {
    match (lang, e) {
        (Lang::Vi, BreakdownError::NoTotal { .. }) => {
            "Có số liệu phân tổ nhưng chưa có tổng số.".into()
        }
        (Lang::En, BreakdownError::NoTotal { .. }) => {
            "A breakdown is given without a total.".into()
        }
        (
            Lang::Vi,
            BreakdownError::SumMismatch {
                dimension,
                sum,
                total,
                ..
            },
        ) => format!(
            "Cộng theo {} là {sum}, khác tổng số {total}.",
            dimension.label_vi().to_lowercase()
        ),
        (
            Lang::En,
            BreakdownError::SumMismatch {
                dimension,
                sum,
                total,
                ..
            },
        ) => format!(
            "The {} breakdown adds up to {sum}, not the total {total}.",
            dimension.label_en().to_lowercase()
        ),
        (
            Lang::Vi,
            BreakdownError::CellExceeds {
                category,
                value,
                total,
                ..
            },
        ) => format!("{} ({value}) lớn hơn tổng số {total}.", category.1),
        (
            Lang::En,
            BreakdownError::CellExceeds {
                category,
                value,
                total,
                ..
            },
        ) => format!("{} ({value}) exceeds the total {total}.", category.2),
        (Lang::Vi, BreakdownError::UnknownCategory { .. }) => {
            "Có phân tổ không áp dụng cho chỉ tiêu này.".into()
        }
        (Lang::En, BreakdownError::UnknownCategory { .. }) => {
            "A breakdown given does not apply to this indicator.".into()
        }
        (Lang::Vi, BreakdownError::Missing { .. }) => "Chỉ tiêu bắt buộc chưa có số liệu.".into(),
        (Lang::En, BreakdownError::Missing { .. }) => "A required indicator has no value.".into(),
    }
}

/// 20001 as 20.001 (Vietnamese) or 20,001 (English).
fn grouped(n: usize, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(d);
    }
    out
}

fn too_long(lang: Lang, n: usize, max: usize) -> String {
    match lang {
        Lang::Vi => format!(
            "Dài {} ký tự, tối đa {} ký tự; hãy rút gọn.",
            grouped(n, '.'),
            grouped(max, '.')
        ),
        Lang::En => format!(
            "{} characters long, at most {}; please shorten it.",
            grouped(n, ','),
            grouped(max, ',')
        ),
    }
}

/// Read every entry of the form as posted (or as read from a workbook) against the body's tasks
/// and the round's indicators.
pub(super) fn read(
    lang: Lang,
    tasks: &[ReportTaskLine],
    indicators: &[IndicatorRow],
    fields: &Typed,
) -> Entry {
    let vi = lang == Lang::Vi;
    let mut entry = Entry {
        save: SaveReport {
            expected_version: fields
                .get("version")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(-1),
            difficulties: fields.get("difficulties").cloned().unwrap_or_default(),
            proposals: fields.get("proposals").cloned().unwrap_or_default(),
            ..SaveReport::default()
        },
        ..Entry::default()
    };
    for t in tasks {
        let get = |part: &str| {
            fields
                .get(&field_task(t.task_id, part))
                .cloned()
                .unwrap_or_default()
        };
        let raw = get("status");
        let label = |part_vi: &str, part_en: &str| {
            format!("{} · {}", t.reference, if vi { part_vi } else { part_en })
        };
        let status = if raw.trim().is_empty() {
            None
        } else if let Some(s) = status_from_text(&raw) {
            Some(s)
        } else {
            entry.problems.push(Problem {
                field: field_task(t.task_id, "status"),
                label: label("Tình hình", "Status"),
                message: if vi {
                    format!(
                        "«{}» không có trong danh sách tình hình thực hiện.",
                        raw.trim()
                    )
                } else {
                    format!("“{}” is not one of the statuses.", raw.trim())
                },
            });
            entry.bad_task_parts.push((t.task_id, "status"));
            None
        };
        let (reason, results) = (get("reason"), get("results"));
        for (value, part, vi_name, en_name, max) in [
            (&reason, "reason", "Lý do", "Reason", REASON_CHARS),
            (
                &results,
                "results",
                "Kết quả",
                "Results",
                crate::form::MAX_TEXT,
            ),
        ] {
            let n = value.chars().count();
            if n > max {
                entry.problems.push(Problem {
                    field: field_task(t.task_id, part),
                    label: label(vi_name, en_name),
                    message: too_long(lang, n, max),
                });
                entry.bad_task_parts.push((
                    t.task_id,
                    if part == "reason" {
                        "reason"
                    } else {
                        "results"
                    },
                ));
            }
        }
        if status == Some(TaskStatus::NotDone) && reason.trim().is_empty() {
            entry.problems.push(Problem {
                field: field_task(t.task_id, "reason"),
                label: label("Lý do", "Reason"),
                message: if vi {
                    "Chọn «Không thực hiện» thì cần ghi lý do.".into()
                } else {
                    "“Not done” needs a reason.".into()
                },
            });
            entry.bad_task_parts.push((t.task_id, "status"));
        }
        entry.save.tasks.push(TaskEntry {
            task_id: t.task_id,
            status,
            reason,
            results,
        });
    }
    for (name, vi_name, en_name) in [
        ("difficulties", "Khó khăn, vướng mắc", "Difficulties"),
        ("proposals", "Đề xuất, kiến nghị", "Proposals"),
    ] {
        let n = fields.get(name).map_or(0, |v| v.chars().count());
        if n > crate::form::MAX_TEXT {
            entry.problems.push(Problem {
                field: name.into(),
                label: if vi { vi_name } else { en_name }.into(),
                message: too_long(lang, n, crate::form::MAX_TEXT),
            });
            entry.bad_texts.push(name);
        }
    }
    for ind in indicators {
        let row_label = ind.name.clone();
        let mut values = IndicatorValues::default();
        let mut rows = Vec::new();
        let mut bad = false;
        let mut read_cell = |name: String, cell: Option<(Dimension, &str)>| match parse_count(
            fields.get(&name).map_or("", String::as_str),
        ) {
            Ok(Some(v)) => {
                match cell {
                    None => values.total = Some(v),
                    Some((d, c)) => values.cells.push((d, c.to_string(), v)),
                }
                rows.push(ValueRow {
                    indicator_id: ind.id,
                    dimension: cell.map_or(String::new(), |(d, _)| d.code().to_string()),
                    category: cell.map_or(String::new(), |(_, c)| c.to_string()),
                    value: v,
                });
            }
            Ok(None) => {}
            Err(e) => {
                bad = true;
                let what = cell.and_then(|(d, c)| d.category(c)).map_or_else(
                    || if vi { "Tổng số" } else { "Total" }.to_string(),
                    |c| if vi { c.1 } else { c.2 }.to_string(),
                );
                entry.problems.push(Problem {
                    field: name,
                    label: format!("{row_label} · {what}"),
                    message: value_message(lang, &e),
                });
            }
        };
        read_cell(field_total(ind), None);
        for d in ind.dims() {
            for (code, _, _) in d.categories() {
                read_cell(field_cell(ind, d, code), Some((d, code)));
            }
        }
        if !bad {
            for e in indicator::check_values(&ind.def(), &values, false) {
                bad = true;
                entry.problems.push(Problem {
                    field: field_total(ind),
                    label: row_label.clone(),
                    message: breakdown_message(lang, &e),
                });
            }
        }
        if bad {
            entry.bad_indicators.push(ind.id);
        } else {
            entry.save.values.extend(rows);
        }
    }
    entry
}

/// What is still missing before the head can approve: a status for every task and a total for
/// every required indicator, each said beside its field.
pub(super) fn incomplete(
    lang: Lang,
    tasks: &[ReportTaskLine],
    indicators: &[IndicatorRow],
    save: &SaveReport,
) -> Vec<Problem> {
    let vi = lang == Lang::Vi;
    let mut out = Vec::new();
    for t in tasks {
        let chosen = save
            .tasks
            .iter()
            .any(|e| e.task_id == t.task_id && e.status.is_some());
        if !chosen {
            out.push(Problem {
                field: field_task(t.task_id, "status"),
                label: format!(
                    "{} · {}",
                    t.reference,
                    if vi { "Tình hình" } else { "Status" }
                ),
                message: if vi {
                    "Chưa chọn tình hình thực hiện.".into()
                } else {
                    "No status chosen.".into()
                },
            });
        }
    }
    for ind in indicators.iter().filter(|i| i.required) {
        let given = save
            .values
            .iter()
            .any(|v| v.indicator_id == ind.id && v.dimension.is_empty());
        if !given {
            out.push(Problem {
                field: field_total(ind),
                label: ind.name.clone(),
                message: if vi {
                    "Chỉ tiêu bắt buộc (*): cần có tổng số.".into()
                } else {
                    "A required indicator (*): it needs a total.".into()
                },
            });
        }
    }
    out
}

/// A status as typed or chosen: its code (from the form), or its label in either language (from
/// a workbook, where the officer picks "Đang triển khai" from the cell's list).
pub(super) fn status_from_text(raw: &str) -> Option<TaskStatus> {
    let s = raw.trim();
    TaskStatus::parse(s).or_else(|| {
        let key = theodoi_text::fold(s);
        ALL_TASK_STATUSES.into_iter().find(|st| {
            theodoi_text::fold(st.label_vi()) == key || theodoi_text::fold(st.label_en()) == key
        })
    })
}

/// The stored report as fields of the form, the same names the page posts.
pub(super) fn stored_fields(form: &ReportForm) -> Typed {
    let mut out = Typed::new();
    for t in &form.tasks {
        out.insert(
            field_task(t.task_id, "status"),
            t.status.clone().unwrap_or_default(),
        );
        out.insert(
            field_task(t.task_id, "reason"),
            t.reason.clone().unwrap_or_default(),
        );
        out.insert(
            field_task(t.task_id, "results"),
            t.results.clone().unwrap_or_default(),
        );
    }
    let by_id: HashMap<i64, &IndicatorRow> = form.indicators.iter().map(|i| (i.id, i)).collect();
    for v in &form.values {
        let Some(ind) = by_id.get(&v.indicator_id) else {
            continue;
        };
        let name = match Dimension::parse(&v.dimension) {
            Some(d) => field_cell(ind, d, &v.category),
            None => field_total(ind),
        };
        out.insert(name, v.value.to_string());
    }
    if let Some(r) = &form.report {
        out.insert("difficulties".into(), r.difficulties.clone());
        out.insert("proposals".into(), r.proposals.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: i64) -> ReportTaskLine {
        ReportTaskLine {
            task_id: id,
            reference: format!("{id}."),
            title: "Nhiệm vụ".into(),
            time_text: String::new(),
            role: theodoi_domain::Role::Lead,
            via_group: None,
            due: time::macros::date!(2026 - 06 - 30),
            status: None,
            reason: None,
            results: None,
        }
    }

    fn ind(id: i64, dims: &str) -> IndicatorRow {
        IndicatorRow {
            id,
            code: format!("CT{id}"),
            name: "Chỉ tiêu".into(),
            unit: "người".into(),
            aggregation: "sum".into(),
            dimensions: dims.into(),
            required: false,
            active: true,
            public: false,
            position: 0,
        }
    }

    fn fields(pairs: &[(&str, &str)]) -> Typed {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn one_wrong_breakdown_keeps_the_rest() {
        let f = fields(&[
            ("version", "3"),
            ("t1_status", "in_progress"),
            ("t1_results", "Đã tổ chức 2 hội nghị"),
            ("v1", "10"),
            ("v1_sex_nam", "4"),
            ("v1_sex_nu", "5"),
            ("v2", "7"),
        ]);
        let e = read(Lang::Vi, &[task(1)], &[ind(1, "sex"), ind(2, "")], &f);
        assert_eq!(e.save.expected_version, 3);
        assert_eq!(e.problems.len(), 1);
        assert_eq!(e.problems[0].field, "v1");
        assert_eq!(
            e.problems[0].message,
            "Cộng theo giới tính là 9, khác tổng số 10."
        );
        assert_eq!(e.save.values.len(), 1, "only the valid indicator is saved");
        assert_eq!(e.save.values[0].indicator_id, 2);
        assert_eq!(e.save.tasks[0].status, Some(TaskStatus::InProgress));
    }

    #[test]
    fn problems_speak_one_language() {
        let f = fields(&[("v1", "2,5"), ("t1_status", "not_done")]);
        let vi = read(Lang::Vi, &[task(1)], &[ind(1, "")], &f);
        let en = read(Lang::En, &[task(1)], &[ind(1, "")], &f);
        assert_eq!(vi.problems.len(), 2);
        assert_eq!(en.problems.len(), 2);
        for p in &vi.problems {
            assert!(!p.message.contains(" / "), "{}", p.message);
        }
        assert_eq!(
            vi.problems[0].message,
            "Chọn «Không thực hiện» thì cần ghi lý do."
        );
        assert_eq!(en.problems[0].message, "“Not done” needs a reason.");
        assert_eq!(vi.problems[1].message, "2,5 không phải là số nguyên.");
        assert_eq!(en.problems[1].message, "2,5 is not a whole number.");
    }

    #[test]
    fn statuses_read_by_code_or_label() {
        assert_eq!(status_from_text("done"), Some(TaskStatus::Done));
        assert_eq!(
            status_from_text("Đang triển khai"),
            Some(TaskStatus::InProgress)
        );
        assert_eq!(
            status_from_text(" dang trien khai "),
            Some(TaskStatus::InProgress)
        );
        assert_eq!(status_from_text("Not done"), Some(TaskStatus::NotDone));
        assert_eq!(status_from_text("xong rồi"), None);
    }
}
