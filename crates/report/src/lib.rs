//! Tổng hợp: the consolidated figures of a round and the files they are handed over in.
//!
//! Input comes from the store already summed per indicator, breakdown and category over the
//! accepted reports (a GROUP BY), so a national round is a few thousand numbers here, not the
//! 700,000 values behind them. This crate shapes them — totals, breakdowns in the order of their
//! categories, the previous round beside them, the bodies whose reports are missing — and writes
//! the XLSX annex and the CSV. No IO: writers return bytes.

pub mod arrange;
pub mod coverage_book;
pub mod csv;
pub mod disclosure;
pub mod docx;
pub mod draft;
pub mod entry_book;
pub mod xlsx;

use serde::Serialize;
use std::collections::HashMap;
use theodoi_domain::indicator::{Aggregation, Dimension};

/// An indicator as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorInfo {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub aggregation: Aggregation,
    pub dimensions: Vec<Dimension>,
}

/// One summed figure, as the store returns it (defined in the domain so both crates share it).
pub use theodoi_domain::indicator::Figure;

/// A body expected in the round whose report is not accepted, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    pub agency: String,
    /// The report's status ("submitted", "returned", "draft", …) or "" when never started.
    pub status: String,
}

/// One category of a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryValue {
    pub code: &'static str,
    pub label_vi: &'static str,
    pub value: f64,
}

/// One breakdown of an indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakdownBlock {
    pub dimension: Dimension,
    pub categories: Vec<CategoryValue>,
    /// The sum of the categories, to set beside the total.
    pub sum: f64,
}

/// One indicator consolidated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorBlock {
    pub info: IndicatorInfo,
    pub total: Option<f64>,
    pub previous: Option<f64>,
    pub bodies: i64,
    pub breakdowns: Vec<BreakdownBlock>,
}

impl IndicatorBlock {
    /// Change from the previous round, in per cent, when both exist and the previous is not 0.
    pub fn change_pct(&self) -> Option<f64> {
        match (self.total, self.previous) {
            (Some(t), Some(p)) if p != 0.0 => Some((t - p) / p * 100.0),
            _ => None,
        }
    }
}

/// What one body reported on one task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskEntry {
    pub agency: String,
    pub role: theodoi_domain::Role,
    pub status: String,
    pub results: String,
}

/// One task with the lead bodies' results and the coordinating bodies' contributions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskNarrative {
    pub reference: String,
    pub title: String,
    /// The register's recommendations the task carries out, in any order.
    pub recommendations: Vec<RecLink>,
    /// Covenant articles the task serves (linked directly or through its recommendations),
    /// ascending.
    pub articles: Vec<u8>,
    pub entries: Vec<TaskEntry>,
}

/// A recommendation of the register a task carries out, as the report heads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecLink {
    /// The document's symbol ("CCPR/C/VNM/CO/4").
    pub symbol: String,
    pub paragraph: u32,
    /// The sub-paragraph ("b"); `None` for a whole paragraph.
    pub sub: Option<String>,
    /// A short title for the heading: the theme, or the first words of the text.
    pub title: String,
}

impl RecLink {
    /// The number as the document writes it: "21", "21(b)", "115.1".
    pub fn number(&self) -> String {
        self.recommendation().number()
    }

    /// The place in its document, for ordering: by symbol, then the document's own order.
    pub fn key(&self) -> (&str, theodoi_domain::recommendation::RecKey) {
        (&self.symbol, self.recommendation().key())
    }

    fn recommendation(&self) -> theodoi_domain::recommendation::Recommendation {
        theodoi_domain::recommendation::Recommendation {
            paragraph: self.paragraph,
            sub: self.sub.clone(),
            theme: String::new(),
            articles: Vec::new(),
            concern: None,
            text: String::new(),
            text_vi: None,
        }
    }
}

/// How part II of the report orders the tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Grouping {
    /// The plan's order.
    #[default]
    Plan,
    /// Under the recommendations they carry out, in the documents' order.
    Recommendations,
    /// Under the Covenant articles they serve.
    Articles,
}

impl Grouping {
    /// "plan", "recommendations" or "articles"; anything else is `None`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "" | "plan" => Some(Self::Plan),
            "recommendations" => Some(Self::Recommendations),
            "articles" => Some(Self::Articles),
            _ => None,
        }
    }
}

/// The consolidation of a round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Consolidation {
    pub plan_number: String,
    pub plan_title: String,
    pub round_label: String,
    pub previous_label: Option<String>,
    pub expected: usize,
    pub accepted: usize,
    pub missing: Vec<Missing>,
    pub indicators: Vec<IndicatorBlock>,
    pub tasks: Vec<TaskNarrative>,
    /// (body, text)
    pub difficulties: Vec<(String, String)>,
    pub proposals: Vec<(String, String)>,
    /// Totals per group of bodies (by kind) and per parent unit: (group, indicator id, sum).
    pub by_kind: Vec<(String, i64, i64)>,
    pub by_parent: Vec<(String, i64, i64)>,
    /// What the drafted report needs beyond figures and narratives (cascade, each body's status
    /// and timeliness, each task's assignments, escalations, next period).
    pub facts: draft::RoundFacts,
}

/// What goes into a consolidation.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    pub plan_number: &'a str,
    pub plan_title: &'a str,
    pub round_label: &'a str,
    pub previous_label: Option<&'a str>,
    pub indicators: &'a [IndicatorInfo],
    pub figures: &'a [Figure],
    pub previous: &'a [Figure],
    pub expected: usize,
    pub missing: Vec<Missing>,
    pub tasks: Vec<TaskNarrative>,
    pub difficulties: Vec<(String, String)>,
    pub proposals: Vec<(String, String)>,
}

fn value(info: &IndicatorInfo, f: &Figure) -> f64 {
    match info.aggregation {
        // Stocks and flows both add up across bodies within one period.
        Aggregation::Sum | Aggregation::Last => f.sum as f64,
        Aggregation::Average => f.average,
    }
}

/// Shape the summed figures into the report's blocks, indicators in their given order and
/// categories in the order of their breakdown.
pub fn consolidate(input: Input<'_>) -> Consolidation {
    let key = |f: &Figure| (f.indicator_id, f.dimension.clone(), f.category.clone());
    let now: HashMap<(i64, String, String), &Figure> =
        input.figures.iter().map(|f| (key(f), f)).collect();
    let before: HashMap<(i64, String, String), &Figure> =
        input.previous.iter().map(|f| (key(f), f)).collect();
    let indicators = input
        .indicators
        .iter()
        .map(|info| {
            let total_key = (info.id, String::new(), String::new());
            let total = now.get(&total_key).map(|f| value(info, f));
            let previous = before.get(&total_key).map(|f| value(info, f));
            let bodies = now.get(&total_key).map_or(0, |f| f.bodies);
            let breakdowns = info
                .dimensions
                .iter()
                .map(|d| {
                    let categories: Vec<CategoryValue> = d
                        .categories()
                        .iter()
                        .map(|(code, vi, _)| CategoryValue {
                            code,
                            label_vi: vi,
                            value: now
                                .get(&(info.id, d.code().to_string(), (*code).to_string()))
                                .map_or(0.0, |f| value(info, f)),
                        })
                        .collect();
                    BreakdownBlock {
                        dimension: *d,
                        sum: categories.iter().map(|c| c.value).sum(),
                        categories,
                    }
                })
                .collect();
            IndicatorBlock {
                info: info.clone(),
                total,
                previous,
                bodies,
                breakdowns,
            }
        })
        .collect();
    Consolidation {
        plan_number: input.plan_number.to_string(),
        plan_title: input.plan_title.to_string(),
        tasks: input.tasks,
        difficulties: input.difficulties,
        proposals: input.proposals,
        by_kind: Vec::new(),
        by_parent: Vec::new(),
        facts: draft::RoundFacts::default(),
        round_label: input.round_label.to_string(),
        previous_label: input.previous_label.map(str::to_string),
        accepted: input.expected.saturating_sub(input.missing.len()),
        expected: input.expected,
        missing: input.missing,
        indicators,
    }
}

/// A cell a spreadsheet would run as a formula (= + - @, or a tab or carriage return before
/// one) gets a leading apostrophe, so the text is shown, never executed.
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell
        .trim_start_matches(['\t', '\r', ' '])
        .starts_with(['=', '+', '-', '@'])
        || cell.starts_with(['\t', '\r']);
    if risky {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Whether XML 1.0 allows `c` in a document (tab, newline and carriage return among the
/// controls; no U+FFFE, U+FFFF). One narrative with a forbidden character makes a whole DOCX or
/// XLSX unreadable, so every writer filters text through [`xml_safe`].
pub fn is_xml_char(c: char) -> bool {
    matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// `s` without the characters XML 1.0 forbids.
pub fn xml_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().all(is_xml_char) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.chars().filter(|&c| is_xml_char(c)).collect())
    }
}

/// Where a missing body's report stands, said plainly ("Chưa gửi báo cáo", "Đã gửi, chờ Sở Tư pháp
/// tiếp nhận", "Bị trả lại, chưa gửi lại"), for the list of missing bodies.
pub fn status_vi(status: &str) -> &'static str {
    match status {
        "" => theodoi_domain::report::standing_vi(None),
        s => theodoi_domain::ReportStatus::parse(s)
            .map_or("", |s| theodoi_domain::report::standing_vi(Some(s))),
    }
}

/// A number as Vietnamese documents write it: thousands with dots, decimals with a comma.
pub fn number_vi(v: f64) -> String {
    let neg = v < 0.0;
    let rounded = (v.abs() * 100.0).round() / 100.0;
    let whole = rounded.trunc() as u64;
    let frac = ((rounded - rounded.trunc()) * 100.0).round() as u64;
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if frac > 0 {
        let f = format!("{frac:02}");
        out.push(',');
        out.push_str(f.trim_end_matches('0'));
    }
    if neg { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(id: i64, agg: Aggregation, dims: &[Dimension]) -> IndicatorInfo {
        IndicatorInfo {
            id,
            code: format!("I{id}"),
            name: format!("Chỉ tiêu {id}"),
            unit: "người".into(),
            aggregation: agg,
            dimensions: dims.to_vec(),
        }
    }

    fn fig(id: i64, dim: &str, cat: &str, sum: i64, avg: f64, bodies: i64) -> Figure {
        Figure {
            indicator_id: id,
            dimension: dim.into(),
            category: cat.into(),
            sum,
            average: avg,
            bodies,
        }
    }

    #[test]
    fn shapes_totals_breakdowns_and_previous() {
        let infos = [
            info(1, Aggregation::Sum, &[Dimension::Sex]),
            info(2, Aggregation::Average, &[]),
            info(3, Aggregation::Sum, &[]),
        ];
        let figures = [
            fig(1, "", "", 100, 50.0, 2),
            fig(1, "sex", "nu", 60, 30.0, 2),
            fig(1, "sex", "nam", 40, 20.0, 2),
            fig(2, "", "", 9, 4.5, 2),
        ];
        let previous = [fig(1, "", "", 80, 40.0, 2)];
        let c = consolidate(Input {
            plan_number: "14/KH-UBND",
            plan_title: "Kế hoạch",
            tasks: Vec::new(),
            difficulties: Vec::new(),
            proposals: Vec::new(),
            round_label: "6 tháng đầu năm 2026",
            previous_label: Some("Năm 2025"),
            indicators: &infos,
            figures: &figures,
            previous: &previous,
            expected: 3,
            missing: vec![Missing {
                agency: "Phường Ba Đình".into(),
                status: "returned".into(),
            }],
        });
        assert_eq!(c.accepted, 2);
        let first = &c.indicators[0];
        assert_eq!(first.total, Some(100.0));
        assert_eq!(first.previous, Some(80.0));
        assert_eq!(first.change_pct(), Some(25.0));
        // Categories in the breakdown's order (nam, nữ), whatever order the store gave.
        let cats: Vec<(&str, f64)> = first.breakdowns[0]
            .categories
            .iter()
            .map(|c| (c.code, c.value))
            .collect();
        assert_eq!(cats, vec![("nam", 40.0), ("nu", 60.0)]);
        assert_eq!(first.breakdowns[0].sum, 100.0);
        assert_eq!(c.indicators[1].total, Some(4.5), "averages average");
        assert_eq!(c.indicators[2].total, None, "no accepted value is not zero");
    }

    #[test]
    fn formulas_are_neutralised() {
        for bad in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", " =x"] {
            assert!(neutralize(bad).starts_with('\''), "{bad}");
        }
        for good in ["Sở Tư pháp", "12", "a=b", ""] {
            assert_eq!(neutralize(good), good);
        }
    }

    #[test]
    fn vietnamese_numbers() {
        assert_eq!(number_vi(1_234_567.0), "1.234.567");
        assert_eq!(number_vi(12.5), "12,5");
        assert_eq!(number_vi(0.0), "0");
        assert_eq!(number_vi(999.0), "999");
    }
}
