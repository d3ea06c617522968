//! Data exchange: indicator values in and out as JSON or CSV keyed by codes, in the manner of
//! DHIS2's dataValueSets and ADX. A row names the indicator (its code), the breakdown (dimension
//! and category codes, both empty for the total), the body (the agency's code), the period (its
//! start and ISO 8601 length, `2026-01-01/P6M`), optionally the plan (its number, when two plans
//! report the same period), and the value.
//!
//! An import goes through the checks a typed entry goes through: the value read by
//! `parse_count`, the breakdowns checked against the total by `check_values` over what the report
//! already holds plus what is imported, the report's workflow (only an editable report takes
//! values), and the save through `save_reports` (every report in one transaction) with each
//! report's version and value history.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use theodoi_domain::indicator::{self, Dimension, IndicatorValues, parse_count};
use theodoi_domain::{Actor, ReportStatus, TaskStatus};
use theodoi_store::Db;
use theodoi_store::accounts::AuditEntry;
use theodoi_store::rounds::{ReportForm, RoundRow, SaveReport, TaskEntry, ValueRow};
use theodoi_text::Message;
use time::OffsetDateTime;

/// One value as exchanged. `value` is kept as written (a JSON number or string, a CSV cell) so a
/// wrong type is refused by the same reading a typed entry gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataValue {
    pub indicator: String,
    #[serde(default)]
    pub dimension: String,
    #[serde(default)]
    pub category: String,
    pub body: String,
    pub period: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub plan: String,
    #[serde(deserialize_with = "value_as_text", serialize_with = "value_as_number")]
    pub value: String,
}

/// The JSON document: `{"dataValues": [...]}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataValueSet {
    pub data_values: Vec<DataValue>,
}

/// A count is written as a JSON number; anything else (never exported) as the text it was.
fn value_as_number<S: serde::Serializer>(v: &str, s: S) -> Result<S::Ok, S::Error> {
    match v.parse::<i64>() {
        Ok(n) => s.serialize_i64(n),
        Err(_) => s.serialize_str(v),
    }
}

fn value_as_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::String(s) => s,
        serde_json::Value::Number(n) => n.to_string(),
        // A boolean, null, list or object is not a count: kept visible so the refusal names it.
        other => format!("{other}"),
    })
}

/// Exchange formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

impl Format {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" => Some(Self::Json),
            "csv" => Some(Self::Csv),
            _ => None,
        }
    }
}

/// The CSV header, in this order (`plan` may be left out).
pub const CSV_COLUMNS: [&str; 7] = [
    "indicator",
    "dimension",
    "category",
    "body",
    "period",
    "plan",
    "value",
];

/// A document that cannot be read at all (as opposed to a row refused).
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.vi)]
pub struct ReadError(pub Message);

/// Read a document in either format into rows, numbered from 1 in the order given.
pub fn read(format: Format, text: &str) -> Result<Vec<DataValue>, ReadError> {
    match format {
        Format::Json => serde_json::from_str::<DataValueSet>(text)
            .map(|s| s.data_values)
            .map_err(|e| {
                ReadError(Message::new(
                    format!("Tệp JSON không đọc được: {e}"),
                    format!("The JSON file cannot be read: {e}"),
                ))
            }),
        Format::Csv => read_csv(text),
    }
}

fn read_csv(text: &str) -> Result<Vec<DataValue>, ReadError> {
    let records = split_csv(text.trim_start_matches('\u{feff}'));
    let mut it = records.into_iter();
    let Some(header) = it.next() else {
        return Ok(Vec::new());
    };
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let mut idx = HashMap::new();
    for name in CSV_COLUMNS {
        match col(name) {
            Some(i) => {
                idx.insert(name, i);
            }
            None if name == "plan" || name == "dimension" || name == "category" => {}
            None => {
                return Err(ReadError(Message::new(
                    format!(
                        "Tệp CSV thiếu cột «{name}»; dòng đầu phải là: {}",
                        CSV_COLUMNS.join(",")
                    ),
                    format!(
                        "The CSV file has no \"{name}\" column; its first line must be: {}",
                        CSV_COLUMNS.join(",")
                    ),
                )));
            }
        }
    }
    let mut out = Vec::new();
    for rec in it {
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let get = |name: &str| {
            idx.get(name)
                .and_then(|i| rec.get(*i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        out.push(DataValue {
            indicator: get("indicator"),
            dimension: get("dimension"),
            category: get("category"),
            body: get("body"),
            period: get("period"),
            plan: get("plan"),
            value: get("value"),
        });
    }
    Ok(out)
}

/// RFC 4180 records: quoted fields may hold commas, quotes ("") and line breaks.
fn split_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut rec = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => rec.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                rec.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut rec));
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !rec.is_empty() {
        rec.push(field);
        records.push(rec);
    }
    records
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Write rows in either format.
pub fn write(format: Format, rows: &[DataValue]) -> String {
    match format {
        Format::Json => {
            let set = DataValueSet {
                data_values: rows.to_vec(),
            };
            // Serializing plain strings cannot fail.
            serde_json::to_string_pretty(&set).unwrap_or_default() + "\n"
        }
        Format::Csv => {
            let mut out = CSV_COLUMNS.join(",");
            out.push('\n');
            for r in rows {
                let cells = [
                    &r.indicator,
                    &r.dimension,
                    &r.category,
                    &r.body,
                    &r.period,
                    &r.plan,
                    &r.value,
                ];
                let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
                out.push_str(&line.join(","));
                out.push('\n');
            }
            out
        }
    }
}

/// A round's period as exchanged: its first day and its length, `2026-01-01/P6M`.
pub fn period_of(round: &RoundRow) -> Option<String> {
    let start = round.period_start?;
    let months = round.period_months?;
    Some(if months % 12 == 0 {
        format!("{start}/P{}Y", months / 12)
    } else {
        format!("{start}/P{months}M")
    })
}

/// Read `2026-01-01/P6M` (or `P1Y`, `P3M`) into its start and length in months.
pub fn parse_period(s: &str) -> Option<(time::Date, i32)> {
    let (start, len) = s.trim().split_once('/')?;
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let start = time::Date::parse(start.trim(), &fmt).ok()?;
    let len = len.trim().strip_prefix('P')?;
    let months = if let Some(y) = len.strip_suffix('Y') {
        y.parse::<i32>().ok()?.checked_mul(12)?
    } else {
        len.strip_suffix('M')?.parse::<i32>().ok()?
    };
    (months > 0).then_some((start, months))
}

/// Who imports: the coordinator for any body, or a body's account for its own report only.
#[derive(Debug, Clone)]
pub struct Importer {
    pub user_id: Option<i64>,
    pub username: String,
    /// `None`: the coordinator (any body); `Some(agency)`: that body only.
    pub agency_id: Option<i64>,
}

impl Importer {
    /// The importer an account is: a coordinator for any body, a body's focal point or head for
    /// its own; anyone else may not import.
    pub fn for_account(user: &theodoi_store::accounts::UserRow) -> Result<Self, Message> {
        let agency_id = match (user.role.as_str(), user.agency_id) {
            ("coordinator", _) => None,
            ("focal_point" | "agency_head", Some(a)) => Some(a),
            _ => {
                return Err(Message::new(
                    format!(
                        "Tài khoản «{}» không được nhập số liệu: chỉ điều phối viên hoặc đầu mối, lãnh đạo của một cơ quan.",
                        user.username
                    ),
                    format!(
                        "Account \"{}\" may not import values: only a coordinator, or a body's focal point or head.",
                        user.username
                    ),
                ));
            }
        };
        Ok(Self {
            user_id: Some(user.id),
            username: user.username.clone(),
            agency_id,
        })
    }
}

/// What became of one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    Created,
    Updated {
        old: i64,
    },
    Unchanged,
    Refused {
        reason_vi: String,
        reason_en: String,
    },
}

/// One row's outcome: its number in the file (from 1) and the row as read.
#[derive(Debug, Clone, Serialize)]
pub struct RowOutcome {
    pub row: usize,
    #[serde(flatten)]
    pub value: DataValue,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// What an import did (or, dry, would do).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub partial: bool,
    /// Whether anything was written.
    pub written: bool,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub refused: usize,
    /// Reports saved (each is one new version of a body's draft).
    pub reports_saved: usize,
    pub rows: Vec<RowOutcome>,
}

/// Options of an import.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    pub dry_run: bool,
    /// Write the valid rows even when some are refused.
    pub partial: bool,
}

fn refuse(vi: impl Into<String>, en: impl Into<String>) -> Outcome {
    Outcome::Refused {
        reason_vi: vi.into(),
        reason_en: en.into(),
    }
}

fn refuse_msg(m: &Message) -> Outcome {
    refuse(m.vi.clone(), m.en.clone())
}

/// A row resolved to ids.
#[derive(Debug, Clone)]
struct Resolved {
    round_id: i64,
    agency_id: i64,
    indicator_id: i64,
    dimension: String,
    category: String,
    value: i64,
}

/// Import rows. Every row is checked first; unless `partial`, one refused row writes nothing.
/// The valid rows are then saved through `save_reports`, every report in one transaction, each over
/// the version read at the start (a body saving the same report meanwhile fails the whole import as
/// stale, and nothing is written).
pub async fn import(
    db: &Db,
    rows: &[DataValue],
    who: &Importer,
    opts: ImportOptions,
    now: OffsetDateTime,
) -> anyhow::Result<ImportReport> {
    let mut outcomes: Vec<Option<Outcome>> = vec![None; rows.len()];
    let rounds: Vec<RoundRow> = db
        .rounds(None)
        .await?
        .into_iter()
        .map(|s| s.round)
        .collect();
    let agencies: HashMap<String, i64> = db
        .list_agencies()
        .await?
        .into_iter()
        .filter(|a| !a.is_group)
        .map(|a| (a.code, a.id))
        .collect();
    let known_codes: HashSet<String> = db
        .indicators(false)
        .await?
        .into_iter()
        .map(|i| i.code)
        .collect();
    let mut round_indicators: HashMap<i64, Vec<theodoi_store::rounds::IndicatorRow>> =
        HashMap::new();
    let mut resolved: Vec<Option<Resolved>> = vec![None; rows.len()];
    // key -> first row having it, for duplicates.
    let mut seen: HashMap<(i64, i64, i64, String, String), usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let out = &mut outcomes[i];
        let Some((start, months)) = parse_period(&r.period) else {
            *out = Some(refuse(
                format!(
                    "Kỳ «{}» không đúng dạng ngày-bắt-đầu/độ-dài, ví dụ 2026-01-01/P6M.",
                    r.period
                ),
                format!(
                    "Period \"{}\" is not start/length, e.g. 2026-01-01/P6M.",
                    r.period
                ),
            ));
            continue;
        };
        let matching: Vec<&RoundRow> = rounds
            .iter()
            .filter(|x| x.period_start == Some(start) && x.period_months == Some(months))
            .filter(|x| r.plan.is_empty() || x.plan_number.as_deref() == Some(r.plan.trim()))
            .collect();
        let round = match matching.as_slice() {
            [one] => *one,
            [] => {
                *out = Some(refuse(
                    format!("Không có đợt báo cáo nào của kỳ {}.", r.period),
                    format!("No reporting round has the period {}.", r.period),
                ));
                continue;
            }
            _ => {
                *out = Some(refuse(
                    format!(
                        "Kỳ {} có {} đợt báo cáo (của các kế hoạch khác nhau): hãy ghi số kế hoạch ở cột «plan».",
                        r.period,
                        matching.len()
                    ),
                    format!(
                        "Period {} has {} rounds (of different plans): give the plan number in the \"plan\" column.",
                        r.period,
                        matching.len()
                    ),
                ));
                continue;
            }
        };
        let Some(&agency_id) = agencies.get(r.body.trim()) else {
            *out = Some(refuse(
                format!("Không có cơ quan mã «{}».", r.body),
                format!("No body has the code \"{}\".", r.body),
            ));
            continue;
        };
        if who.agency_id.is_some_and(|a| a != agency_id) {
            *out = Some(refuse(
                format!(
                    "Tài khoản của một cơ quan chỉ nhập được số liệu của chính cơ quan đó, không phải của «{}».",
                    r.body
                ),
                format!(
                    "A body's account may import only its own values, not those of \"{}\".",
                    r.body
                ),
            ));
            continue;
        }
        if let std::collections::hash_map::Entry::Vacant(e) = round_indicators.entry(round.id) {
            e.insert(db.round_indicators(round.id).await?);
        }
        let inds = round_indicators
            .get(&round.id)
            .map_or(&[][..], Vec::as_slice);
        let Some(ind) = inds.iter().find(|x| x.code == r.indicator.trim()) else {
            *out = Some(if known_codes.contains(r.indicator.trim()) {
                refuse(
                    format!(
                        "Chỉ tiêu «{}» không được hỏi trong đợt báo cáo kỳ {}.",
                        r.indicator, r.period
                    ),
                    format!(
                        "Indicator \"{}\" is not asked in the round of {}.",
                        r.indicator, r.period
                    ),
                )
            } else {
                refuse(
                    format!("Không có chỉ tiêu mã «{}».", r.indicator),
                    format!("No indicator has the code \"{}\".", r.indicator),
                )
            });
            continue;
        };
        let (dim, cat) = (r.dimension.trim(), r.category.trim());
        if dim.is_empty() != cat.is_empty() {
            *out = Some(refuse(
                "Phân tổ cần cả mã cách phân tổ (dimension) và mã nhóm (category), hoặc để trống cả hai cho tổng số.",
                "A breakdown needs both a dimension and a category code, or neither for the total.",
            ));
            continue;
        }
        if !dim.is_empty() {
            let Some(d) = Dimension::parse(dim).filter(|d| ind.dims().contains(d)) else {
                *out = Some(refuse(
                    format!("Chỉ tiêu «{}» không phân tổ theo «{dim}».", r.indicator),
                    format!("Indicator \"{}\" has no breakdown \"{dim}\".", r.indicator),
                ));
                continue;
            };
            if d.category(cat).is_none() {
                let codes: Vec<&str> = d.categories().iter().map(|c| c.0).collect();
                *out = Some(refuse(
                    format!(
                        "Phân tổ «{dim}» không có nhóm «{cat}» (có: {}).",
                        codes.join(", ")
                    ),
                    format!(
                        "Breakdown \"{dim}\" has no category \"{cat}\" (it has: {}).",
                        codes.join(", ")
                    ),
                ));
                continue;
            }
        }
        let value = match parse_count(&r.value) {
            Ok(Some(v)) => v,
            Ok(None) => {
                *out = Some(refuse("Thiếu giá trị.", "The value is missing."));
                continue;
            }
            Err(e) => {
                *out = Some(refuse_msg(&e.message()));
                continue;
            }
        };
        let key = (
            round.id,
            agency_id,
            ind.id,
            dim.to_string(),
            cat.to_string(),
        );
        if let Some(&first) = seen.get(&key) {
            *out = Some(refuse(
                format!(
                    "Trùng với dòng {}: cùng chỉ tiêu, phân tổ, cơ quan và kỳ.",
                    first + 1
                ),
                format!(
                    "Duplicates row {}: the same indicator, breakdown, body and period.",
                    first + 1
                ),
            ));
            // The first of the two is no more right than the second.
            if outcomes[first].is_none() {
                outcomes[first] = Some(refuse(
                    format!("Trùng với dòng {}.", i + 1),
                    format!("Duplicated by row {}.", i + 1),
                ));
                resolved[first] = None;
            }
            continue;
        }
        seen.insert(key, i);
        resolved[i] = Some(Resolved {
            round_id: round.id,
            agency_id,
            indicator_id: ind.id,
            dimension: dim.to_string(),
            category: cat.to_string(),
            value,
        });
    }
    // Rows by report.
    let mut by_report: BTreeMap<(i64, i64), Vec<usize>> = BTreeMap::new();
    for (i, r) in resolved.iter().enumerate() {
        if let Some(r) = r
            && outcomes[i].is_none()
        {
            by_report
                .entry((r.round_id, r.agency_id))
                .or_default()
                .push(i);
        }
    }
    let mut saves: Vec<(i64, i64, SaveReport, Vec<usize>)> = Vec::new();
    for ((round_id, agency_id), idxs) in by_report {
        // The round and its indicators as resolving read them, not again with every report.
        let round = rounds.iter().find(|r| r.id == round_id);
        let form = match (round, round_indicators.get(&round_id)) {
            (Some(round), Some(indicators)) => {
                Some(db.report_entries(round, indicators, agency_id).await?)
            }
            _ => db.report_form(round_id, agency_id).await?,
        };
        let Some(form) = form.filter(|f| !f.tasks.is_empty()) else {
            for i in idxs {
                outcomes[i] = Some(refuse(
                    format!(
                        "Cơ quan «{}» không có nhiệm vụ phải báo cáo trong đợt kỳ {}.",
                        rows[i].body, rows[i].period
                    ),
                    format!(
                        "Body \"{}\" has nothing to report in the round of {}.",
                        rows[i].body, rows[i].period
                    ),
                ));
            }
            continue;
        };
        let status = form
            .report
            .as_ref()
            .and_then(|r| ReportStatus::parse(&r.status))
            .unwrap_or(ReportStatus::Draft);
        if !status.editable() {
            for i in idxs {
                outcomes[i] = Some(refuse(
                    format!(
                        "Báo cáo của «{}» kỳ {} đang ở trạng thái «{}», không sửa được; số liệu chỉ nhập vào báo cáo đang soạn hoặc bị trả lại.",
                        rows[i].body,
                        rows[i].period,
                        status.label_vi()
                    ),
                    format!(
                        "The report of \"{}\" for {} is {}, not editable; values go only into a draft or returned report.",
                        rows[i].body,
                        rows[i].period,
                        status.label_en().to_lowercase()
                    ),
                ));
            }
            continue;
        }
        let (save, valid) = overlay(&form, rows, &resolved, &idxs, &mut outcomes);
        saves.push((round_id, agency_id, save, valid));
    }
    let mut report = ImportReport {
        dry_run: opts.dry_run,
        partial: opts.partial,
        ..ImportReport::default()
    };
    let any_refused = outcomes
        .iter()
        .any(|o| matches!(o, Some(Outcome::Refused { .. })));
    let write = !opts.dry_run && (opts.partial || !any_refused);
    if write {
        // Every report the import changes, saved in one transaction: all or none.
        let changed: Vec<&(i64, i64, SaveReport, Vec<usize>)> = saves
            .iter()
            .filter(|(.., valid)| {
                valid
                    .iter()
                    .any(|i| !matches!(outcomes[*i], Some(Outcome::Unchanged)))
            })
            .collect();
        let batch: Vec<(i64, i64, &SaveReport)> = changed
            .iter()
            .map(|(round_id, agency_id, save, _)| (*round_id, *agency_id, save))
            .collect();
        if !batch.is_empty() {
            // The import enters values into the bodies' drafts as their focal points would.
            db.save_reports(&batch, who.user_id, Actor::FocalPoint, now)
                .await
                .map_err(|e| anyhow::anyhow!("không ghi dòng nào (ghi cùng một giao dịch): {e}"))?;
        }
        report.reports_saved = batch.len();
        report.written = report.reports_saved > 0;
    }
    for (i, o) in outcomes.into_iter().enumerate() {
        let outcome = o.unwrap_or(Outcome::Unchanged);
        match &outcome {
            Outcome::Created => report.created += 1,
            Outcome::Updated { .. } => report.updated += 1,
            Outcome::Unchanged => report.unchanged += 1,
            Outcome::Refused { .. } => report.refused += 1,
        }
        report.rows.push(RowOutcome {
            row: i + 1,
            value: rows[i].clone(),
            outcome,
        });
    }
    if report.written {
        let detail = format!(
            "{} created, {} updated, {} unchanged, {} refused, {} reports saved{}",
            report.created,
            report.updated,
            report.unchanged,
            report.refused,
            report.reports_saved,
            if opts.partial { " (partial)" } else { "" }
        );
        db.audit(
            &AuditEntry {
                user_id: who.user_id,
                username: Some(&who.username),
                action: "data.import",
                target: None,
                detail: Some(&detail),
                ip: None,
            },
            now,
        )
        .await?;
    }
    Ok(report)
}

/// The body's report as stored, with the imported values laid over it and checked as the form
/// checks a typed save: an indicator whose breakdowns no longer fit its total is refused whole,
/// its stored values kept.
fn overlay(
    form: &ReportForm,
    rows: &[DataValue],
    resolved: &[Option<Resolved>],
    idxs: &[usize],
    outcomes: &mut [Option<Outcome>],
) -> (SaveReport, Vec<usize>) {
    let key = |v: &ValueRow| (v.indicator_id, v.dimension.clone(), v.category.clone());
    let mut values: BTreeMap<(i64, String, String), i64> =
        form.values.iter().map(|v| (key(v), v.value)).collect();
    let stored = values.clone();
    for &i in idxs {
        if let Some(r) = &resolved[i] {
            values.insert(
                (r.indicator_id, r.dimension.clone(), r.category.clone()),
                r.value,
            );
        }
    }
    let touched: HashSet<i64> = idxs
        .iter()
        .filter_map(|i| resolved[*i].as_ref().map(|r| r.indicator_id))
        .collect();
    let mut bad: HashMap<i64, Message> = HashMap::new();
    for ind in form.indicators.iter().filter(|x| touched.contains(&x.id)) {
        let mut iv = IndicatorValues::default();
        for ((id, dim, cat), v) in values.range((ind.id, String::new(), String::new())..) {
            if *id != ind.id {
                break;
            }
            if dim.is_empty() {
                iv.total = Some(*v);
            } else if let Some(d) = Dimension::parse(dim) {
                iv.cells.push((d, cat.clone(), *v));
            }
        }
        let problems = indicator::check_values(&ind.def(), &iv, false);
        if !problems.is_empty() {
            let msgs: Vec<Message> = problems.iter().map(|e| e.message()).collect();
            bad.insert(ind.id, Message::lines(msgs));
        }
    }
    let mut valid = Vec::new();
    for &i in idxs {
        let Some(r) = &resolved[i] else { continue };
        if let Some(m) = bad.get(&r.indicator_id) {
            outcomes[i] = Some(refuse(
                format!("Chỉ tiêu «{}»: {}", rows[i].indicator, m.vi),
                format!("Indicator \"{}\": {}", rows[i].indicator, m.en),
            ));
            continue;
        }
        let k = (r.indicator_id, r.dimension.clone(), r.category.clone());
        outcomes[i] = Some(match stored.get(&k) {
            None => Outcome::Created,
            Some(old) if *old == r.value => Outcome::Unchanged,
            Some(old) => Outcome::Updated { old: *old },
        });
        valid.push(i);
    }
    // A refused indicator keeps what is stored.
    for (k, v) in values.iter_mut() {
        if bad.contains_key(&k.0) {
            match stored.get(k) {
                Some(old) => *v = *old,
                None => *v = i64::MIN,
            }
        }
    }
    let report = form.report.as_ref();
    let save = SaveReport {
        expected_version: report.map_or(0, |r| r.version),
        tasks: form
            .tasks
            .iter()
            .map(|t| TaskEntry {
                task_id: t.task_id,
                status: t.status.as_deref().and_then(TaskStatus::parse),
                reason: t.reason.clone().unwrap_or_default(),
                results: t.results.clone().unwrap_or_default(),
            })
            .collect(),
        values: values
            .into_iter()
            .filter(|(_, v)| *v != i64::MIN)
            .map(|((indicator_id, dimension, category), value)| ValueRow {
                indicator_id,
                dimension,
                category,
                value,
            })
            .collect(),
        difficulties: report.map(|r| r.difficulties.clone()).unwrap_or_default(),
        proposals: report.map(|r| r.proposals.clone()).unwrap_or_default(),
    };
    (save, valid)
}

/// Which reports an export takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportScope {
    /// Accepted reports only: the figures the coordinator has taken in.
    Accepted,
    /// Every stored report, drafts included.
    All,
}

/// The values of a round's reports, as rows.
pub async fn export(db: &Db, round_id: i64, scope: ExportScope) -> anyhow::Result<Vec<DataValue>> {
    let Some(round) = db.round(round_id).await? else {
        anyhow::bail!("không có đợt báo cáo số {round_id} (no round {round_id})");
    };
    let Some(period) = period_of(&round) else {
        anyhow::bail!(
            "đợt báo cáo {round_id} là đợt đột xuất, không có kỳ (bắt đầu + độ dài) để xuất theo mã (round {round_id} has no period)"
        );
    };
    let codes: HashMap<i64, String> = db
        .list_agencies()
        .await?
        .into_iter()
        .map(|a| (a.id, a.code))
        .collect();
    let indicators: HashMap<i64, String> = db
        .round_indicators(round_id)
        .await?
        .into_iter()
        .map(|i| (i.id, i.code))
        .collect();
    let mut out = Vec::new();
    for b in db.round_progress(round_id).await? {
        let Some(status) = b.status.as_deref().and_then(ReportStatus::parse) else {
            continue;
        };
        if scope == ExportScope::Accepted && status != ReportStatus::Accepted {
            continue;
        }
        let Some(form) = db.report_form(round_id, b.agency_id).await? else {
            continue;
        };
        let mut values = form.values;
        values.sort_by(|a, b| {
            (a.indicator_id, &a.dimension, &a.category).cmp(&(
                b.indicator_id,
                &b.dimension,
                &b.category,
            ))
        });
        for v in values {
            out.push(DataValue {
                indicator: indicators.get(&v.indicator_id).cloned().unwrap_or_default(),
                dimension: v.dimension,
                category: v.category,
                body: codes.get(&b.agency_id).cloned().unwrap_or_default(),
                period: period.clone(),
                plan: round.plan_number.clone().unwrap_or_default(),
                value: v.value.to_string(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_and_written() {
        assert_eq!(
            parse_period("2026-01-01/P6M"),
            Some((time::macros::date!(2026 - 01 - 01), 6))
        );
        assert_eq!(
            parse_period("2026-01-01/P1Y"),
            Some((time::macros::date!(2026 - 01 - 01), 12))
        );
        assert_eq!(parse_period("2026S1"), None);
        assert_eq!(parse_period("2026-01-01/P0M"), None);
    }

    #[test]
    fn csv_round_trips_quotes_and_commas() {
        let rows = vec![DataValue {
            indicator: "A".into(),
            dimension: String::new(),
            category: String::new(),
            body: "so, \"tu\" phap".into(),
            period: "2026-01-01/P6M".into(),
            plan: String::new(),
            value: "12".into(),
        }];
        let text = write(Format::Csv, &rows);
        assert_eq!(read(Format::Csv, &text).ok(), Some(rows.clone()));
        let json = write(Format::Json, &rows);
        assert_eq!(read(Format::Json, &json).ok(), Some(rows));
    }

    #[test]
    fn json_value_of_wrong_type_is_kept_to_be_refused() {
        let text = r#"{"dataValues":[{"indicator":"A","body":"b","period":"2026-01-01/P6M","value":true}]}"#;
        let rows = read(Format::Json, text).unwrap_or_default();
        assert_eq!(rows.len(), 1);
        assert!(parse_count(&rows[0].value).is_err());
        let text = r#"{"dataValues":[{"indicator":"A","body":"b","period":"p","value":1.5}]}"#;
        let rows = read(Format::Json, text).unwrap_or_default();
        assert!(parse_count(&rows[0].value).is_err());
    }
}
