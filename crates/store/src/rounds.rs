//! Reporting rounds: regimes, indicators, rounds and their obligations, reports with their values,
//! the workflow, history and snapshots, and the figures of completeness.
//!
//! Every write that belongs together is one transaction, and every check that can refuse a write
//! runs before anything is written: a refused save leaves the report as it was.

use crate::{Db, Result, StoreError};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use theodoi_domain::indicator::{
    self, Aggregation, Dimension, Figure, IndicatorDef, IndicatorValues,
};
use theodoi_domain::report::{self, Action, Actor, ReportStatus, TaskStatus, WorkflowError};
use theodoi_domain::round::{Level, RoundTask, derive_obligations};
use theodoi_domain::{DateRange, Role, Timeframe};
use theodoi_text::Message;
use time::{Date, OffsetDateTime};

/// A stored reporting regime.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RegimeRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub frequency: Option<String>,
    pub windows: String,
    pub agency_days: i32,
    pub coordinator_days: Option<i32>,
    pub committee_days: Option<i32>,
    pub reminder_offsets: String,
}

/// A regime to store; checked by [`Db::create_regime`].
#[derive(Debug, Clone)]
pub struct NewRegime<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub frequency: Option<&'a str>,
    pub windows: &'a str,
    pub agency_days: i32,
    pub coordinator_days: Option<i32>,
    pub committee_days: Option<i32>,
    pub reminder_offsets: &'a str,
}

/// A stored indicator.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IndicatorRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub aggregation: String,
    pub dimensions: String,
    pub required: bool,
    pub active: bool,
    pub public: bool,
    pub position: i32,
}

impl IndicatorRow {
    pub fn dims(&self) -> Vec<Dimension> {
        self.dimensions
            .split(',')
            .filter_map(Dimension::parse)
            .collect()
    }
    pub fn def(&self) -> IndicatorDef {
        IndicatorDef {
            code: self.code.clone(),
            name: self.name.clone(),
            unit: self.unit.clone(),
            aggregation: Aggregation::parse(&self.aggregation).unwrap_or(Aggregation::Sum),
            dimensions: self.dims(),
            required: self.required,
        }
    }
}

/// One lead body's status of a task in an accepted report, for the public page.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PublicLeadStatus {
    pub task_id: i64,
    pub agency_id: i64,
    pub agency_name: String,
    pub status: String,
    pub accepted_at: Option<OffsetDateTime>,
}

/// A round with its plan's number.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RoundRow {
    pub id: i64,
    pub plan_id: i64,
    pub plan_number: Option<String>,
    pub regime_id: Option<i64>,
    pub kind: String,
    pub title: String,
    pub label: String,
    pub period_start: Option<Date>,
    pub period_months: Option<i32>,
    pub window_start: Date,
    pub window_end: Date,
    pub agency_deadline: Date,
    pub coordinator_deadline: Option<Date>,
    pub committee_deadline: Option<Date>,
    pub reminder_offsets: String,
    pub opened_at: OffsetDateTime,
}

/// A round to open. Deadlines are checked against the calendar by the caller; the store checks
/// that each comes after the cut-off and the levels are in order.
#[derive(Debug, Clone)]
pub struct NewRound<'a> {
    pub plan_id: i64,
    pub regime_id: Option<i64>,
    pub kind: &'a str,
    pub title: &'a str,
    pub label: &'a str,
    /// Start and length in months, for periodic rounds.
    pub period: Option<(Date, u8)>,
    pub window: DateRange,
    pub agency_deadline: Date,
    pub coordinator_deadline: Option<Date>,
    pub committee_deadline: Option<Date>,
    pub reminder_offsets: &'a str,
    pub opened_by: Option<i64>,
}

impl<'a> NewRound<'a> {
    /// An ad hoc round (đột xuất): its own window and deadline, the default reminder offsets.
    pub fn ad_hoc(plan_id: i64, title: &'a str, window: DateRange, deadline: Date) -> Self {
        Self {
            plan_id,
            regime_id: None,
            kind: "ad_hoc",
            title,
            label: title,
            period: None,
            window,
            agency_deadline: deadline,
            coordinator_deadline: None,
            committee_deadline: None,
            reminder_offsets: "-7,-1,1,3",
            opened_by: None,
        }
    }
}

/// What opening a round produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedRound {
    pub id: i64,
    pub bodies: usize,
    pub obligations: usize,
    /// Groups assigned a task that expand to nobody: the coordinator should name their members.
    pub empty_groups: Vec<String>,
}

/// A vague group of a task that names nobody yet: the task reports nothing through it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnnamedGroup {
    pub plan_id: i64,
    pub task_id: i64,
    pub reference: String,
    pub title: String,
    pub group_id: i64,
    pub group_name: String,
}

/// A round with its counts, for lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundSummary {
    pub round: RoundRow,
    pub expected: i64,
    pub submitted: i64,
    pub accepted: i64,
}

/// One body's progress in a round, for completeness and timeliness.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BodyProgress {
    pub agency_id: i64,
    pub agency_name: String,
    pub agency_kind: String,
    pub tasks: i64,
    pub report_id: Option<i64>,
    pub status: Option<String>,
    pub first_submitted_at: Option<OffsetDateTime>,
    pub submitted_at: Option<OffsetDateTime>,
    /// False for the coordinating body (Sở Tư pháp): it reports on its own tasks but is not
    /// counted against itself in completeness and timeliness.
    pub counted: bool,
}

/// A report's own row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportRow {
    pub id: i64,
    pub round_id: i64,
    pub agency_id: i64,
    pub status: String,
    pub version: i32,
    pub difficulties: String,
    pub proposals: String,
    pub approved_version: Option<i32>,
    pub first_submitted_at: Option<OffsetDateTime>,
    pub submitted_at: Option<OffsetDateTime>,
    pub accepted_at: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
}

impl ReportRow {
    pub fn state(&self) -> ReportStatus {
        ReportStatus::parse(&self.status).unwrap_or(ReportStatus::Draft)
    }
}

/// One task of a body's report: the obligation and what the body wrote.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportTaskLine {
    pub task_id: i64,
    pub reference: String,
    pub title: String,
    pub time_text: String,
    pub role: String,
    pub via_group: Option<String>,
    pub due: Date,
    pub status: Option<String>,
    pub reason: Option<String>,
    pub results: Option<String>,
}

/// One stored value: the total has dimension and category "".
#[derive(Debug, Clone, PartialEq, Eq, Hash, sqlx::FromRow, Serialize)]
pub struct ValueRow {
    pub indicator_id: i64,
    pub dimension: String,
    pub category: String,
    pub value: i64,
}

/// A workflow step.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRow {
    pub action: String,
    pub from_status: String,
    pub to_status: String,
    pub version: i32,
    pub username: Option<String>,
    pub comment: String,
    pub at: OffsetDateTime,
}

/// An attached file's listing.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FileRow {
    pub id: i64,
    pub task_id: Option<i64>,
    pub file_name: String,
    pub at: OffsetDateTime,
}

/// A value's change.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HistoryRow {
    pub indicator_id: i64,
    pub dimension: String,
    pub category: String,
    pub old_value: Option<i64>,
    pub new_value: Option<i64>,
    pub username: Option<String>,
    pub at: OffsetDateTime,
}

/// Everything the report form shows.
#[derive(Debug, Clone)]
pub struct ReportForm {
    pub round: RoundRow,
    pub report: Option<ReportRow>,
    pub tasks: Vec<ReportTaskLine>,
    pub indicators: Vec<IndicatorRow>,
    pub values: Vec<ValueRow>,
    /// This body's totals in earlier submitted rounds, per indicator: the basis of outlier flags.
    pub history: HashMap<i64, Vec<i64>>,
    pub files: Vec<FileRow>,
    pub events: Vec<EventRow>,
}

/// One task's entry as the body saves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskEntry {
    pub task_id: i64,
    pub status: Option<TaskStatus>,
    pub reason: String,
    pub results: String,
}

/// A save of the whole form. `expected_version` is the version the editor loaded (0 for a report
/// not yet started): a save over someone else's newer save is refused.
#[derive(Debug, Clone, Default)]
pub struct SaveReport {
    pub expected_version: i32,
    pub tasks: Vec<TaskEntry>,
    /// (indicator id, dimension code or "", category code or "", value); a missing key is no value.
    pub values: Vec<ValueRow>,
    pub difficulties: String,
    pub proposals: String,
}

/// A workflow step asked for.
#[derive(Debug, Clone)]
pub struct ReportAction<'a> {
    pub action: Action,
    pub actor: Actor,
    pub expected_version: i32,
    pub comment: &'a str,
    pub user_id: Option<i64>,
    /// Tell the step by e-mail too (the server has a mail relay), not only in the app.
    pub email: bool,
}

/// What a submitted report was, kept as it was.
#[derive(Debug, Clone, Serialize)]
struct Snapshot<'a> {
    round_id: i64,
    agency_id: i64,
    version: i32,
    tasks: Vec<SnapshotTask>,
    values: &'a [ValueRow],
    difficulties: &'a str,
    proposals: &'a str,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
struct SnapshotTask {
    task_id: i64,
    status: Option<String>,
    reason: String,
    results: String,
}

/// A date the Vietnamese way, 05/02/2026, for messages.
fn vn(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

fn workflow(e: WorkflowError) -> StoreError {
    StoreError::Invalid(e.message())
}

fn stale(version: i32) -> StoreError {
    StoreError::conflict(
        format!(
            "Báo cáo đã được người khác cập nhật (phiên bản {version}); hãy tải lại trang, xem thay đổi rồi nhập lại"
        ),
        format!(
            "Someone else saved this report (version {version}); reload the page, review the changes and enter yours again"
        ),
    )
}

/// Check a save against the round's indicators before anything is written.
fn check_save(indicators: &[IndicatorRow], values: &[ValueRow]) -> Result<()> {
    let by_id: HashMap<i64, &IndicatorRow> = indicators.iter().map(|i| (i.id, i)).collect();
    let mut grouped: BTreeMap<i64, IndicatorValues> = BTreeMap::new();
    let mut problems: Vec<Message> = Vec::new();
    for v in values {
        let Some(ind) = by_id.get(&v.indicator_id) else {
            problems.push(Message::new(
                format!("chỉ tiêu {} không thuộc đợt báo cáo này", v.indicator_id),
                format!("indicator {} is not asked in this round", v.indicator_id),
            ));
            continue;
        };
        if v.value < 0 || v.value > indicator::MAX_COUNT {
            problems.push(Message::new(
                format!("{}: {} không phải số nguyên không âm", ind.code, v.value),
                format!(
                    "{}: {} is not a whole non-negative number",
                    ind.code, v.value
                ),
            ));
        }
        let entry = grouped.entry(v.indicator_id).or_default();
        if v.dimension.is_empty() {
            entry.total = Some(v.value);
        } else {
            match Dimension::parse(&v.dimension) {
                Some(d) => entry.cells.push((d, v.category.clone(), v.value)),
                None => problems.push(Message::new(
                    format!("{}: phân tổ \"{}\" không có", ind.code, v.dimension),
                    format!("{}: there is no breakdown \"{}\"", ind.code, v.dimension),
                )),
            }
        }
    }
    for (id, vals) in &grouped {
        if let Some(ind) = by_id.get(id) {
            problems.extend(
                indicator::check_values(&ind.def(), vals, false)
                    .into_iter()
                    .map(|e| e.message()),
            );
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(Message::lines(problems)))
    }
}

/// What must be filled in before a head approves or a focal point submits.
fn check_complete(
    tasks: &[ReportTaskLine],
    indicators: &[IndicatorRow],
    values: &[ValueRow],
) -> Result<()> {
    let mut problems = Vec::new();
    for t in tasks {
        match t.status.as_deref().and_then(TaskStatus::parse) {
            None => problems.push(Message::new(
                format!("{}: chưa chọn tình hình thực hiện", t.reference),
                format!("{}: no status chosen", t.reference),
            )),
            Some(TaskStatus::NotDone) if t.reason.as_deref().unwrap_or("").trim().is_empty() => {
                problems.push(Message::new(
                    format!("{}: \"Không thực hiện\" cần ghi lý do", t.reference),
                    format!("{}: \"Not done\" needs a reason", t.reference),
                ))
            }
            Some(_) => {}
        }
    }
    for ind in indicators.iter().filter(|i| i.required) {
        if !values
            .iter()
            .any(|v| v.indicator_id == ind.id && v.dimension.is_empty())
        {
            problems.push(
                // Named as the form names it: officials do not know the codes.
                indicator::BreakdownError::Missing {
                    indicator: ind.name.clone(),
                }
                .message(),
            );
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(Message::lines(problems)))
    }
}

/// Timeliness of a report in SQL, the same rule as `Timeliness::of`: $2 is the end of the deadline
/// day, $3 now.
macro_rules! timely_sql {
    ($ts:literal) => {
        concat!(
            "CASE WHEN r.first_submitted_at IS NOT NULL AND ",
            $ts,
            "(r.first_submitted_at) < ",
            $ts,
            "($2) THEN 'on_time' \
             WHEN r.first_submitted_at IS NOT NULL THEN 'late' WHEN ",
            $ts,
            "($3) < ",
            $ts,
            "($2) THEN 'pending' ELSE 'overdue' END"
        )
    };
}

/// What one body reported on one task, from an accepted report.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NarrativeRow {
    pub reference: String,
    pub title: String,
    pub agency_name: String,
    pub role: String,
    pub status: Option<String>,
    pub results: String,
}

/// Bodies of one kind with one report status and timeliness.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TallyRow {
    pub kind: String,
    pub status: Option<String>,
    pub timeliness: String,
    pub n: i64,
}

const ROUND_COLUMNS: &str = "r.id, r.plan_id, d.number AS plan_number, r.regime_id, r.kind, r.title, r.label, \
     r.period_start, r.period_months, r.window_start, r.window_end, r.agency_deadline, r.coordinator_deadline, \
     r.committee_deadline, r.reminder_offsets, r.opened_at \
     FROM rounds r JOIN plans p ON p.id = r.plan_id JOIN documents d ON d.id = p.document_id";

/// A round's indicators, in the round's order.
macro_rules! round_indicators_sql {
    () => {
        "SELECT i.id, i.code, i.name, i.unit, i.aggregation, i.dimensions, i.required, i.active, i.public, ri.position \
         FROM round_indicators ri JOIN indicators i ON i.id = ri.indicator_id WHERE ri.round_id = $1 \
         ORDER BY ri.position, i.id"
    };
}

const REPORT_COLUMNS: &str = "id, round_id, agency_id, status, version, difficulties, proposals, approved_version, \
     first_submitted_at, submitted_at, accepted_at, updated_at";

/// `$begin` opens a write transaction: on SQLite `BEGIN IMMEDIATE` takes the write lock at once,
/// so a transaction that reads before it writes waits its turn instead of failing when another
/// writer commits in between.
/// `$ts` wraps a timestamp for comparison: SQLite keeps RFC 3339 text, compared through
/// `julianday`; PostgreSQL compares TIMESTAMPTZ as it is.
/// What a workflow step tells, to whom: (audience, subject, body). None for a step told
/// otherwise (a report sent: the coordinators' digest).
fn workflow_notice(
    action: Action,
    agency_id: i64,
    label: &str,
    agency: &str,
    reason: &str,
) -> Option<(crate::notices::Audience, String, String)> {
    use crate::notices::Audience;
    match action {
        Action::Approve => Some((
            Audience::FocalPoints(agency_id),
            format!("Báo cáo {label} đã được lãnh đạo duyệt"),
            format!(
                "Lãnh đạo {agency} đã duyệt báo cáo {label}. Đề nghị đầu mối gửi báo cáo đến Sở Tư pháp."
            ),
        )),
        Action::Return => Some((
            Audience::Body(agency_id),
            format!("Sở Tư pháp trả lại báo cáo {label}"),
            format!(
                "Báo cáo {label} của {agency} bị trả lại.\nLý do: {reason}\nĐề nghị sửa, trình lãnh đạo duyệt lại và gửi lại."
            ),
        )),
        Action::Accept => Some((
            Audience::Body(agency_id),
            format!("Sở Tư pháp đã tiếp nhận báo cáo {label}"),
            format!("Báo cáo {label} của {agency} đã được Sở Tư pháp tiếp nhận."),
        )),
        Action::Reopen => Some((
            Audience::Body(agency_id),
            format!("Sở Tư pháp mở lại báo cáo {label} để sửa"),
            format!(
                "Báo cáo {label} của {agency} được mở lại để sửa.\nLý do: {reason}\nĐề nghị sửa, trình lãnh đạo duyệt lại và gửi lại."
            ),
        )),
        Action::Save | Action::Submit => None,
    }
}

macro_rules! backend {
    ($module:ident, $db:ty, $begin:literal, $ts:literal) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::{Pool, QueryBuilder, Row, Transaction};

            pub async fn regimes(pool: &Pool<$db>) -> Result<Vec<RegimeRow>> {
                Ok(sqlx::query_as(
                    "SELECT id, code, name, kind, frequency, windows, agency_days, coordinator_days, committee_days, \
                     reminder_offsets FROM regimes ORDER BY id",
                )
                .fetch_all(pool)
                .await?)
            }

            pub async fn create_regime(pool: &Pool<$db>, r: &NewRegime<'_>, now: OffsetDateTime) -> Result<i64> {
                sqlx::query_scalar(
                    "INSERT INTO regimes (code, name, kind, frequency, windows, agency_days, coordinator_days, \
                     committee_days, reminder_offsets, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                )
                .bind(r.code)
                .bind(r.name)
                .bind(r.kind)
                .bind(r.frequency)
                .bind(r.windows)
                .bind(r.agency_days)
                .bind(r.coordinator_days)
                .bind(r.committee_days)
                .bind(r.reminder_offsets)
                .bind(now)
                .fetch_one(pool)
                .await
                .map_err(|e| match e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::conflict(
                        format!("Đã có chế độ báo cáo mã \"{}\"", r.code),
                        format!("A regime with code \"{}\" exists already", r.code),
                    ),
                    e => StoreError::Sql(e),
                })
            }

            pub async fn indicators(pool: &Pool<$db>, active_only: bool) -> Result<Vec<IndicatorRow>> {
                Ok(sqlx::query_as(
                    "SELECT id, code, name, unit, aggregation, dimensions, required, active, public, position FROM indicators \
                     WHERE active OR NOT $1 ORDER BY position, id",
                )
                .bind(active_only)
                .fetch_all(pool)
                .await?)
            }

            /// Add an indicator, or update the one with the same code (the code is its identity).
            pub async fn save_indicator(pool: &Pool<$db>, d: &IndicatorDef, active: bool, public: bool) -> Result<i64> {
                d.validate().map_err(|e| StoreError::Invalid(e.message()))?;
                let dims: Vec<&str> = d.dimensions.iter().map(|x| x.code()).collect();
                Ok(sqlx::query_scalar(
                    "INSERT INTO indicators (code, name, unit, aggregation, dimensions, required, active, public, position) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, (SELECT COALESCE(MAX(position), 0) + 1 FROM indicators)) \
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name, unit = excluded.unit, \
                     aggregation = excluded.aggregation, dimensions = excluded.dimensions, required = excluded.required, \
                     active = excluded.active, public = excluded.public RETURNING id",
                )
                .bind(&d.code)
                .bind(d.name.trim())
                .bind(d.unit.trim())
                .bind(d.aggregation.code())
                .bind(dims.join(","))
                .bind(d.required)
                .bind(active)
                .bind(public)
                .fetch_one(pool)
                .await?)
            }

            /// Replace a task's tags.
            pub async fn set_task_tags(pool: &Pool<$db>, task_id: i64, tags: &[String]) -> Result<()> {
                let mut tx = pool.begin_with($begin).await?;
                sqlx::query("DELETE FROM task_tags WHERE task_id = $1").bind(task_id).execute(&mut *tx).await?;
                for t in tags {
                    sqlx::query("INSERT INTO task_tags (task_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(task_id)
                        .bind(t)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| match e {
                            sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                                StoreError::NotFound(format!("task {task_id}"))
                            }
                            e => StoreError::Sql(e),
                        })?;
                }
                tx.commit().await?;
                Ok(())
            }

            /// Tags of a plan's tasks: (task reference, tag), in tag order.
            pub async fn plan_tags(pool: &Pool<$db>, plan_id: i64) -> Result<Vec<(i64, String, String)>> {
                Ok(sqlx::query_as(
                    "SELECT t.id, t.ref, g.tag FROM task_tags g JOIN tasks t ON t.id = g.task_id \
                     WHERE t.plan_id = $1 ORDER BY g.tag, t.position",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?)
            }

            pub async fn group_members(pool: &Pool<$db>, group_id: i64) -> Result<Vec<i64>> {
                Ok(sqlx::query_scalar("SELECT agency_id FROM group_members WHERE group_id = $1 ORDER BY agency_id")
                    .bind(group_id)
                    .fetch_all(pool)
                    .await?)
            }

            pub async fn set_group_members(pool: &Pool<$db>, group_id: i64, members: &[i64]) -> Result<()> {
                let mut tx = pool.begin_with($begin).await?;
                let is_group: Option<bool> = sqlx::query_scalar("SELECT is_group FROM agencies WHERE id = $1")
                    .bind(group_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                match is_group {
                    None => return Err(StoreError::NotFound(format!("agency {group_id}"))),
                    Some(false) => {
                        return Err(StoreError::invalid(
                            "Chỉ nhóm cơ quan mới có thành viên",
                            "Only a group has members",
                        ))
                    }
                    Some(true) => {}
                }
                sqlx::query("DELETE FROM group_members WHERE group_id = $1")
                    .bind(group_id)
                    .execute(&mut *tx)
                    .await?;
                for m in members {
                    sqlx::query(
                        "INSERT INTO group_members (group_id, agency_id) SELECT $1, id FROM agencies \
                         WHERE id = $2 AND NOT is_group ON CONFLICT DO NOTHING",
                    )
                    .bind(group_id)
                    .bind(*m)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            /// The bodies named for each vague group of a task: (group id, agency id), by name.
            pub async fn task_group_members(pool: &Pool<$db>, task_id: i64) -> Result<Vec<(i64, i64)>> {
                Ok(sqlx::query_as(
                    "SELECT m.group_id, m.agency_id FROM task_group_members m JOIN agencies g ON g.id = m.agency_id \
                     WHERE m.task_id = $1 ORDER BY m.group_id, g.sort_key, g.id",
                )
                .bind(task_id)
                .fetch_all(pool)
                .await?)
            }

            /// Name who a vague group means for one task, replacing what was named before. The
            /// group must be assigned the task and be vague; members must be bodies, not groups.
            pub async fn set_task_group_members(
                pool: &Pool<$db>,
                task_id: i64,
                group_id: i64,
                members: &[i64],
            ) -> Result<usize> {
                let mut tx = pool.begin_with($begin).await?;
                let group: Option<String> = sqlx::query_scalar(
                    "SELECT g.name FROM assignments a JOIN agencies g ON g.id = a.agency_id \
                     WHERE a.task_id = $1 AND a.agency_id = $2 AND g.is_group",
                )
                .bind(task_id)
                .bind(group_id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(group) = group else {
                    return Err(StoreError::NotFound(format!(
                        "group {group_id} of task {task_id}"
                    )));
                };
                if !theodoi_domain::agency::is_vague_group(&group) {
                    return Err(StoreError::invalid(
                        format!("\"{group}\" có thành viên cố định, không đặt theo từng nhiệm vụ"),
                        format!("\"{group}\" has fixed members, not named per task"),
                    ));
                }
                sqlx::query("DELETE FROM task_group_members WHERE task_id = $1 AND group_id = $2")
                    .bind(task_id)
                    .bind(group_id)
                    .execute(&mut *tx)
                    .await?;
                let mut stored = 0;
                for chunk in members.chunks(500) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO task_group_members (task_id, group_id, agency_id) SELECT ",
                    );
                    qb.push_bind(task_id).push(", ").push_bind(group_id).push(", id FROM agencies WHERE NOT is_group AND id IN (");
                    let mut list = qb.separated(", ");
                    for m in chunk {
                        list.push_bind(*m);
                    }
                    qb.push(") ON CONFLICT DO NOTHING");
                    stored += qb.build().execute(&mut *tx).await?.rows_affected() as usize;
                }
                if stored != members.iter().collect::<HashSet<_>>().len() {
                    return Err(StoreError::invalid(
                        "Chỉ chọn được cơ quan có trong danh mục, không chọn nhóm",
                        "Only bodies in the directory, not groups, can be named",
                    ));
                }
                tx.commit().await?;
                Ok(stored)
            }

            /// Tasks of a plan (or of every plan) whose vague groups name nobody yet, in plan order.
            pub async fn unnamed_groups(pool: &Pool<$db>, plan_id: Option<i64>) -> Result<Vec<UnnamedGroup>> {
                let rows: Vec<UnnamedGroup> = sqlx::query_as(
                    "SELECT t.plan_id, t.id AS task_id, t.ref AS reference, t.title, g.id AS group_id, g.name AS group_name \
                     FROM tasks t JOIN assignments a ON a.task_id = t.id JOIN agencies g ON g.id = a.agency_id \
                     WHERE g.is_group AND (t.plan_id = $1 OR $1 IS NULL) \
                     AND NOT EXISTS (SELECT 1 FROM task_group_members m WHERE m.task_id = t.id AND m.group_id = g.id) \
                     ORDER BY t.plan_id, t.position, a.role DESC, a.position",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?;
                Ok(rows.into_iter().filter(|r| theodoi_domain::agency::is_vague_group(&r.group_name)).collect())
            }

            /// Open a round: store it, derive its obligations from the plan's tasks (groups
            /// expanded now), fix its indicators. One transaction.
            pub async fn open_round(
                pool: &Pool<$db>,
                n: &NewRound<'_>,
                now: OffsetDateTime,
                coordinator: Option<i64>,
            ) -> Result<OpenedRound> {
                if n.window.end >= n.agency_deadline {
                    let (deadline, cut_off) = (vn(n.agency_deadline), vn(n.window.end));
                    return Err(StoreError::invalid(
                        format!("Hạn báo cáo {deadline} phải sau ngày chốt số liệu {cut_off}"),
                        format!("The deadline {deadline} must come after the cut-off {cut_off}"),
                    ));
                }
                if n.window.start > n.window.end {
                    let (start, end) = (vn(n.window.start), vn(n.window.end));
                    return Err(StoreError::invalid(
                        format!("Kỳ báo cáo bắt đầu {start} sau khi kết thúc {end}"),
                        format!("The reporting window starts {start}, after it ends {end}"),
                    ));
                }
                for (later, earlier, level) in [
                    (n.coordinator_deadline, Some(n.agency_deadline), Level::Coordinator),
                    (n.committee_deadline, n.coordinator_deadline.or(Some(n.agency_deadline)), Level::PeopleCommittee),
                ] {
                    if let (Some(l), Some(e)) = (later, earlier) && l <= e {
                        let (l, e) = (vn(l), vn(e));
                        return Err(StoreError::invalid(
                            format!("Hạn của cấp {} ({l}) phải sau hạn của cấp dưới ({e})", level.label_vi()),
                            format!("The deadline of {} ({l}) must come after the level below ({e})", level.label_en()),
                        ));
                    }
                }
                theodoi_domain::reminder::parse_offsets(n.reminder_offsets).map_err(StoreError::Invalid)?;
                let mut tx = pool.begin_with($begin).await?;
                let (start, months) = match n.period {
                    Some((s, m)) => (Some(s), Some(i32::from(m))),
                    None => (None, None),
                };
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO rounds (plan_id, regime_id, kind, title, label, period_start, period_months, window_start, \
                     window_end, agency_deadline, coordinator_deadline, committee_deadline, reminder_offsets, opened_by, opened_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
                )
                .bind(n.plan_id)
                .bind(n.regime_id)
                .bind(n.kind)
                .bind(n.title)
                .bind(n.label)
                .bind(start)
                .bind(months)
                .bind(n.window.start)
                .bind(n.window.end)
                .bind(n.agency_deadline)
                .bind(n.coordinator_deadline)
                .bind(n.committee_deadline)
                .bind(n.reminder_offsets)
                .bind(n.opened_by)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::conflict(
                        format!("Đợt báo cáo \"{}\" của kế hoạch này đã được mở", n.label),
                        format!("The round \"{}\" of this plan is open already", n.label),
                    ),
                    sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                        StoreError::NotFound("plan or regime".into())
                    }
                    e => StoreError::Sql(e),
                })?;
                let (tasks, groups) = round_tasks(&mut tx, n.plan_id, id).await?;
                let mut empty_groups = Vec::new();
                let mut members: HashMap<i64, Vec<i64>> = HashMap::new();
                // Vague groups ("các cơ quan liên quan") expand to the bodies named for each task.
                let mut vague: HashSet<i64> = HashSet::new();
                let mut per_task: HashMap<(i64, i64), Vec<i64>> = HashMap::new();
                let named: Vec<(i64, i64, i64)> = sqlx::query_as(
                    "SELECT m.task_id, m.group_id, m.agency_id FROM task_group_members m JOIN tasks t ON t.id = m.task_id \
                     JOIN agencies g ON g.id = m.agency_id WHERE t.plan_id = $1 AND NOT g.is_group ORDER BY 1, 2, 3",
                )
                .bind(n.plan_id)
                .fetch_all(&mut *tx)
                .await?;
                for (task, group, agency) in named {
                    per_task.entry((task, group)).or_default().push(agency);
                }
                for (gid, name, kind) in &groups {
                    if theodoi_domain::agency::is_vague_group(name) {
                        vague.insert(*gid);
                        let unnamed = tasks.iter().any(|t| {
                            t.assignments.iter().any(|(a, _)| a == gid) && !per_task.contains_key(&(t.task_id, *gid))
                        });
                        if unnamed {
                            empty_groups.push(name.clone());
                        }
                        continue;
                    }
                    let named: Vec<i64> =
                        sqlx::query_scalar("SELECT agency_id FROM group_members WHERE group_id = $1")
                            .bind(*gid)
                            .fetch_all(&mut *tx)
                            .await?;
                    let list = if !named.is_empty() || kind == "other" {
                        named
                    } else {
                        sqlx::query_scalar(
                            "SELECT id FROM agencies WHERE kind = $1 AND NOT is_group AND NOT requested_only ORDER BY id",
                        )
                        .bind(kind)
                        .fetch_all(&mut *tx)
                        .await?
                    };
                    if list.is_empty() {
                        empty_groups.push(name.clone());
                    }
                    members.insert(*gid, list);
                }
                let obligations = derive_obligations(&tasks, n.window, n.agency_deadline, |task, a| {
                    if vague.contains(&a) {
                        Some(per_task.get(&(task, a)).cloned().unwrap_or_default())
                    } else {
                        members.get(&a).cloned()
                    }
                });
                for chunk in obligations.chunks(500) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO round_obligations (round_id, agency_id, task_id, role, due, via_group) ",
                    );
                    qb.push_values(chunk, |mut b, o| {
                        b.push_bind(id)
                            .push_bind(o.agency_id)
                            .push_bind(o.task_id)
                            .push_bind(o.role.code())
                            .push_bind(o.due)
                            .push_bind(o.via_group);
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                sqlx::query(
                    "INSERT INTO round_bodies (round_id, agency_id, tasks) \
                     SELECT round_id, agency_id, COUNT(*) FROM round_obligations WHERE round_id = $1 GROUP BY round_id, agency_id",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                // The coordinating body reports on its own tasks but is not counted against itself.
                sqlx::query("UPDATE round_bodies SET counted = FALSE WHERE round_id = $1 AND agency_id = $2")
                    .bind(id)
                    .bind(coordinator)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO round_indicators (round_id, indicator_id, position) \
                     SELECT $1, id, position FROM indicators WHERE active",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                let bodies: HashSet<i64> = obligations.iter().map(|o| o.agency_id).collect();
                Ok(OpenedRound {
                    id,
                    bodies: bodies.len(),
                    obligations: obligations.len(),
                    empty_groups,
                })
            }

            /// The plan's tasks as a round sees them, and the groups among their assignees.
            async fn round_tasks(
                tx: &mut Transaction<'_, $db>,
                plan_id: i64,
                round_id: i64,
            ) -> Result<(Vec<RoundTask>, Vec<(i64, String, String)>)> {
                let rows = sqlx::query(
                    "SELECT t.id, t.time_text, t.time_json, a.agency_id, a.role, g.is_group, g.name, g.kind \
                     FROM tasks t JOIN assignments a ON a.task_id = t.id JOIN agencies g ON g.id = a.agency_id \
                     WHERE t.plan_id = $1 ORDER BY t.position, a.role DESC, a.position",
                )
                .bind(plan_id)
                .fetch_all(&mut **tx)
                .await?;
                // Tasks reported finished by their lead in an accepted report of an earlier round.
                let finished: HashSet<i64> = sqlx::query_scalar(
                    "SELECT DISTINCT rt.task_id FROM report_tasks rt JOIN reports r ON r.id = rt.report_id \
                     JOIN round_obligations o ON o.round_id = r.round_id AND o.agency_id = r.agency_id \
                     AND o.task_id = rt.task_id AND o.role = 'lead' JOIN rounds x ON x.id = r.round_id \
                     WHERE x.plan_id = $1 AND x.id <> $2 AND r.status = 'accepted' AND rt.status IN ('done', 'done_late')",
                )
                .bind(plan_id)
                .bind(round_id)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .collect();
                let mut tasks: Vec<RoundTask> = Vec::new();
                let mut groups: Vec<(i64, String, String)> = Vec::new();
                for r in rows {
                    let task_id: i64 = r.try_get(0)?;
                    let agency_id: i64 = r.try_get(3)?;
                    let role: String = r.try_get(4)?;
                    let role = Role::from_code(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?;
                    if r.try_get::<bool, _>(5)? && !groups.iter().any(|g| g.0 == agency_id) {
                        groups.push((agency_id, r.try_get(6)?, r.try_get(7)?));
                    }
                    match tasks.last_mut() {
                        Some(t) if t.task_id == task_id => t.assignments.push((agency_id, role)),
                        _ => {
                            let text: String = r.try_get(1)?;
                            let json: String = r.try_get(2)?;
                            let time = serde_json::from_str::<Timeframe>(&json)
                                .unwrap_or_else(|_| Timeframe::parse(&text));
                            tasks.push(RoundTask {
                                task_id,
                                time,
                                assignments: vec![(agency_id, role)],
                                finished: finished.contains(&task_id),
                            });
                        }
                    }
                }
                Ok((tasks, groups))
            }

            pub async fn rounds(pool: &Pool<$db>, plan_id: Option<i64>) -> Result<Vec<RoundSummary>> {
                let sql = format!(
                    "SELECT {ROUND_COLUMNS} WHERE r.plan_id = $1 OR $1 IS NULL ORDER BY r.window_end DESC, r.id DESC"
                );
                let rounds: Vec<RoundRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(plan_id).fetch_all(pool).await?;
                let counts: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
                    "SELECT b.round_id, COUNT(*), \
                     COALESCE(SUM(CASE WHEN r.status IN ('submitted', 'accepted') THEN 1 ELSE 0 END), 0), \
                     COALESCE(SUM(CASE WHEN r.status = 'accepted' THEN 1 ELSE 0 END), 0) \
                     FROM round_bodies b \
                     LEFT JOIN reports r ON r.round_id = b.round_id AND r.agency_id = b.agency_id WHERE b.counted GROUP BY b.round_id",
                )
                .fetch_all(pool)
                .await?;
                let counts: HashMap<i64, (i64, i64, i64)> =
                    counts.into_iter().map(|(r, e, s, a)| (r, (e, s, a))).collect();
                Ok(rounds
                    .into_iter()
                    .map(|round| {
                        let (expected, submitted, accepted) = counts.get(&round.id).copied().unwrap_or_default();
                        RoundSummary { round, expected, submitted, accepted }
                    })
                    .collect())
            }

            pub async fn round(pool: &Pool<$db>, id: i64) -> Result<Option<RoundRow>> {
                let sql = format!("SELECT {ROUND_COLUMNS} WHERE r.id = $1");
                Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?)
            }

            /// The rounds in which an agency has something to report, with its report's status.
            pub async fn agency_rounds(pool: &Pool<$db>, agency_id: i64) -> Result<Vec<(RoundRow, i64, Option<String>)>> {
                let sql = format!(
                    "SELECT {ROUND_COLUMNS} WHERE r.id IN (SELECT round_id FROM round_bodies WHERE agency_id = $1) \
                     ORDER BY r.agency_deadline DESC"
                );
                let rounds: Vec<RoundRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(agency_id).fetch_all(pool).await?;
                // The body's task count and report status in every round, in one query.
                let mine: HashMap<i64, (i64, Option<String>)> = sqlx::query_as::<_, (i64, i64, Option<String>)>(
                    "SELECT b.round_id, b.tasks, x.status FROM round_bodies b \
                     LEFT JOIN reports x ON x.round_id = b.round_id AND x.agency_id = b.agency_id WHERE b.agency_id = $1",
                )
                .bind(agency_id)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|(r, n, s)| (r, (n, s)))
                .collect();
                Ok(rounds
                    .into_iter()
                    .map(|r| {
                        let (n, status) = mine.get(&r.id).cloned().unwrap_or_default();
                        (r, n, status)
                    })
                    .collect())
            }

            /// Every body expected in a round with its report's state: one query.
            pub async fn round_progress(pool: &Pool<$db>, round_id: i64) -> Result<Vec<BodyProgress>> {
                Ok(sqlx::query_as(
                    "SELECT o.agency_id, g.name AS agency_name, g.kind AS agency_kind, o.tasks, r.id AS report_id, r.status, \
                     r.first_submitted_at, r.submitted_at, o.counted \
                     FROM round_bodies o \
                     JOIN agencies g ON g.id = o.agency_id \
                     LEFT JOIN reports r ON r.round_id = $1 AND r.agency_id = o.agency_id \
                     WHERE o.round_id = $1 ORDER BY g.kind, g.sort_key, g.id",
                )
                .bind(round_id)
                .fetch_all(pool)
                .await?)
            }

            /// The bodies of a round that are not counted in its completeness (the coordinating body).
            pub async fn uncounted_bodies(pool: &Pool<$db>, round_id: i64) -> Result<Vec<BodyProgress>> {
                Ok(sqlx::query_as(
                    "SELECT o.agency_id, g.name AS agency_name, g.kind AS agency_kind, o.tasks, r.id AS report_id, r.status, \
                     r.first_submitted_at, r.submitted_at, o.counted \
                     FROM round_bodies o JOIN agencies g ON g.id = o.agency_id \
                     LEFT JOIN reports r ON r.round_id = $1 AND r.agency_id = o.agency_id \
                     WHERE o.round_id = $1 AND NOT o.counted ORDER BY g.sort_key, g.id",
                )
                .bind(round_id)
                .fetch_all(pool)
                .await?)
            }

            /// Bodies of a round counted by kind, report status and timeliness, in the database:
            /// a national round is 3,400 bodies and the page must not fetch them all.
            pub async fn round_tally(
                pool: &Pool<$db>,
                round_id: i64,
                deadline_end: OffsetDateTime,
                now: OffsetDateTime,
            ) -> Result<Vec<TallyRow>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT g.kind, r.status, ", timely_sql!($ts), " AS timeliness, COUNT(*) AS n \
                     FROM round_bodies o JOIN agencies g ON g.id = o.agency_id \
                     LEFT JOIN reports r ON r.round_id = o.round_id AND r.agency_id = o.agency_id \
                     WHERE o.round_id = $1 AND o.counted GROUP BY g.kind, r.status, 3 ORDER BY 1, 2, 3"
                ))
                .bind(round_id)
                .bind(deadline_end)
                .bind(now)
                .fetch_all(pool)
                .await?)
            }

            /// One page of a round's bodies, filtered (`all`, `missing`, `late`, `submitted`),
            /// with the number that match.
            pub async fn round_bodies(
                pool: &Pool<$db>,
                round_id: i64,
                filter: &str,
                deadline_end: OffsetDateTime,
                now: OffsetDateTime,
                limit: i64,
                offset: i64,
            ) -> Result<(Vec<BodyProgress>, i64)> {
                let from = concat!(
                    " FROM round_bodies o JOIN agencies g ON g.id = o.agency_id \
                     LEFT JOIN reports r ON r.round_id = o.round_id AND r.agency_id = o.agency_id \
                     WHERE o.round_id = $1 AND o.counted AND ($4 = 'all' \
                     OR ($4 = 'missing' AND (r.status IS NULL OR r.status NOT IN ('submitted', 'accepted'))) \
                     OR ($4 = 'submitted' AND r.first_submitted_at IS NOT NULL) \
                     OR ($4 = 'late' AND ", timely_sql!($ts), " IN ('late', 'overdue')))"
                );
                let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*){from}")))
                    .bind(round_id)
                    .bind(deadline_end)
                    .bind(now)
                    .bind(filter)
                    .fetch_one(pool)
                    .await?;
                let rows: Vec<BodyProgress> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT o.agency_id, g.name AS agency_name, g.kind AS agency_kind, o.tasks, r.id AS report_id, \
                     r.status, r.first_submitted_at, r.submitted_at, o.counted{from} ORDER BY g.kind, g.sort_key, g.id LIMIT $5 OFFSET $6"
                )))
                .bind(round_id)
                .bind(deadline_end)
                .bind(now)
                .bind(filter)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?;
                Ok((rows, count))
            }

            pub async fn report_form(pool: &Pool<$db>, round_id: i64, agency_id: i64) -> Result<Option<ReportForm>> {
                let Some(round) = round(pool, round_id).await? else { return Ok(None) };
                let sql = format!("SELECT {REPORT_COLUMNS} FROM reports WHERE round_id = $1 AND agency_id = $2");
                let report: Option<ReportRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(round_id)
                    .bind(agency_id)
                    .fetch_optional(pool)
                    .await?;
                let report_id = report.as_ref().map_or(0, |r| r.id);
                let tasks = task_lines(pool, round_id, agency_id, report_id).await?;
                let indicators: Vec<IndicatorRow> = sqlx::query_as(round_indicators_sql!())
                .bind(round_id)
                .fetch_all(pool)
                .await?;
                let values: Vec<ValueRow> = sqlx::query_as(
                    "SELECT indicator_id, dimension, category, value FROM data_values WHERE report_id = $1 \
                     ORDER BY indicator_id, dimension, category",
                )
                .bind(report_id)
                .fetch_all(pool)
                .await?;
                let earlier: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT dv.indicator_id, dv.value FROM data_values dv JOIN reports r ON r.id = dv.report_id \
                     WHERE dv.agency_id = $1 AND dv.round_id <> $2 AND dv.dimension = '' \
                     AND r.status IN ('submitted', 'accepted') ORDER BY dv.round_id",
                )
                .bind(agency_id)
                .bind(round_id)
                .fetch_all(pool)
                .await?;
                let mut history: HashMap<i64, Vec<i64>> = HashMap::new();
                for (i, v) in earlier {
                    history.entry(i).or_default().push(v);
                }
                let files: Vec<FileRow> = sqlx::query_as(
                    "SELECT id, task_id, file_name, at FROM report_files WHERE report_id = $1 ORDER BY id",
                )
                .bind(report_id)
                .fetch_all(pool)
                .await?;
                let events: Vec<EventRow> = sqlx::query_as(
                    "SELECT e.action, e.from_status, e.to_status, e.version, u.username, e.comment, e.at \
                     FROM report_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.report_id = $1 ORDER BY e.id",
                )
                .bind(report_id)
                .fetch_all(pool)
                .await?;
                Ok(Some(ReportForm { round, report, tasks, indicators, values, history, files, events }))
            }

            /// What a save is read against: the body's tasks in the round and the round's
            /// indicators, without the values, history and files the form page shows.
            pub async fn report_shape(
                pool: &Pool<$db>,
                round_id: i64,
                agency_id: i64,
            ) -> Result<(Vec<ReportTaskLine>, Vec<IndicatorRow>)> {
                let tasks = task_lines(pool, round_id, agency_id, 0).await?;
                let indicators = sqlx::query_as(round_indicators_sql!()).bind(round_id).fetch_all(pool).await?;
                Ok((tasks, indicators))
            }

            async fn task_lines<'e, E>(ex: E, round_id: i64, agency_id: i64, report_id: i64) -> Result<Vec<ReportTaskLine>>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                Ok(sqlx::query_as(
                    "SELECT t.id AS task_id, t.ref AS reference, t.title, t.time_text, o.role, g.name AS via_group, o.due, \
                     rt.status, rt.reason, rt.results \
                     FROM round_obligations o JOIN tasks t ON t.id = o.task_id \
                     LEFT JOIN agencies g ON g.id = o.via_group \
                     LEFT JOIN report_tasks rt ON rt.report_id = $3 AND rt.task_id = o.task_id \
                     WHERE o.round_id = $1 AND o.agency_id = $2 ORDER BY t.position",
                )
                .bind(round_id)
                .bind(agency_id)
                .bind(report_id)
                .fetch_all(ex)
                .await?)
            }

            /// Save the whole form: tasks, values (with history), difficulties and proposals.
            /// Returns the new version.
            pub async fn save_report(
                pool: &Pool<$db>,
                round_id: i64,
                agency_id: i64,
                s: &SaveReport,
                user_id: Option<i64>,
                actor: Actor,
                now: OffsetDateTime,
            ) -> Result<i32> {
                let indicators: Vec<IndicatorRow> = sqlx::query_as(round_indicators_sql!())
                .bind(round_id)
                .fetch_all(pool)
                .await?;
                check_save(&indicators, &s.values)?;
                for t in &s.tasks {
                    if t.status == Some(TaskStatus::NotDone) && t.reason.trim().is_empty() {
                        return Err(StoreError::invalid(
                            "\"Không thực hiện\" cần ghi lý do",
                            "\"Not done\" needs a reason",
                        ));
                    }
                }
                let mut tx = pool.begin_with($begin).await?;
                let assigned: HashSet<i64> = sqlx::query_scalar(
                    "SELECT task_id FROM round_obligations WHERE round_id = $1 AND agency_id = $2",
                )
                .bind(round_id)
                .bind(agency_id)
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();
                if assigned.is_empty() {
                    return Err(StoreError::invalid(
                        "Cơ quan này không có nhiệm vụ phải báo cáo trong đợt này",
                        "This body has nothing to report in this round",
                    ));
                }
                if let Some(t) = s.tasks.iter().find(|t| !assigned.contains(&t.task_id)) {
                    return Err(StoreError::invalid(
                        format!("Nhiệm vụ {} không được giao cho cơ quan này trong đợt báo cáo", t.task_id),
                        format!("Task {} is not assigned to this body in the round", t.task_id),
                    ));
                }
                let existing: Option<(i64, String, i32)> =
                    sqlx::query_as("SELECT id, status, version FROM reports WHERE round_id = $1 AND agency_id = $2")
                        .bind(round_id)
                        .bind(agency_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                let (report_id, version) = match existing {
                    None => {
                        if s.expected_version != 0 {
                            return Err(stale(0));
                        }
                        let id: Option<i64> = sqlx::query_scalar(
                            "INSERT INTO reports (round_id, agency_id, status, version, difficulties, proposals, updated_by, updated_at) \
                             VALUES ($1, $2, 'draft', 1, $3, $4, $5, $6) ON CONFLICT (round_id, agency_id) DO NOTHING RETURNING id",
                        )
                        .bind(round_id)
                        .bind(agency_id)
                        .bind(s.difficulties.trim())
                        .bind(s.proposals.trim())
                        .bind(user_id)
                        .bind(now)
                        .fetch_optional(&mut *tx)
                        .await?;
                        (id.ok_or_else(|| stale(1))?, 1)
                    }
                    Some((id, status, version)) => {
                        let from = ReportStatus::parse(&status).unwrap_or(ReportStatus::Draft);
                        report::transition(from, Action::Save, actor).map_err(workflow)?;
                        let n = sqlx::query(
                            "UPDATE reports SET status = 'draft', version = version + 1, difficulties = $3, proposals = $4, \
                             updated_by = $5, updated_at = $6 WHERE id = $1 AND version = $2",
                        )
                        .bind(id)
                        .bind(s.expected_version)
                        .bind(s.difficulties.trim())
                        .bind(s.proposals.trim())
                        .bind(user_id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                        if n == 0 {
                            return Err(stale(version));
                        }
                        (id, version + 1)
                    }
                };
                for t in &s.tasks {
                    sqlx::query(
                        "INSERT INTO report_tasks (report_id, task_id, status, reason, results) VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (report_id, task_id) DO UPDATE SET status = excluded.status, reason = excluded.reason, \
                         results = excluded.results",
                    )
                    .bind(report_id)
                    .bind(t.task_id)
                    .bind(t.status.map(|x| x.code()))
                    .bind(t.reason.trim())
                    .bind(t.results.trim())
                    .execute(&mut *tx)
                    .await?;
                }
                write_values(&mut tx, report_id, round_id, agency_id, &s.values, user_id, now).await?;
                event(&mut tx, report_id, Action::Save, "draft", "draft", version, user_id, "", now).await?;
                tx.commit().await?;
                Ok(version)
            }

            /// Replace the report's values with `values`, writing each change to the history.
            async fn write_values(
                tx: &mut Transaction<'_, $db>,
                report_id: i64,
                round_id: i64,
                agency_id: i64,
                values: &[ValueRow],
                user_id: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<()> {
                let old: Vec<ValueRow> = sqlx::query_as(
                    "SELECT indicator_id, dimension, category, value FROM data_values WHERE report_id = $1",
                )
                .bind(report_id)
                .fetch_all(&mut **tx)
                .await?;
                let key = |v: &ValueRow| (v.indicator_id, v.dimension.clone(), v.category.clone());
                let old_map: HashMap<(i64, String, String), i64> = old.iter().map(|v| (key(v), v.value)).collect();
                let new_map: HashMap<(i64, String, String), i64> = values.iter().map(|v| (key(v), v.value)).collect();
                // (key, old, new) for every change.
                let mut changes: Vec<((i64, String, String), Option<i64>, Option<i64>)> = Vec::new();
                for (k, v) in &new_map {
                    match old_map.get(k) {
                        Some(o) if o == v => {}
                        o => changes.push((k.clone(), o.copied(), Some(*v))),
                    }
                }
                for (k, o) in &old_map {
                    if !new_map.contains_key(k) {
                        changes.push((k.clone(), Some(*o), None));
                    }
                }
                if changes.is_empty() {
                    return Ok(());
                }
                changes.sort();
                let removed: Vec<&(i64, String, String)> =
                    changes.iter().filter(|c| c.2.is_none()).map(|c| &c.0).collect();
                for (ind, dim, cat) in removed {
                    sqlx::query(
                        "DELETE FROM data_values WHERE report_id = $1 AND indicator_id = $2 AND dimension = $3 AND category = $4",
                    )
                    .bind(report_id)
                    .bind(*ind)
                    .bind(dim)
                    .bind(cat)
                    .execute(&mut **tx)
                    .await?;
                }
                let upserts: Vec<(&(i64, String, String), i64)> =
                    changes.iter().filter_map(|c| c.2.map(|v| (&c.0, v))).collect();
                for chunk in upserts.chunks(400) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO data_values (report_id, indicator_id, dimension, category, value, round_id, agency_id) ",
                    );
                    qb.push_values(chunk, |mut b, ((ind, dim, cat), v)| {
                        b.push_bind(report_id)
                            .push_bind(*ind)
                            .push_bind(dim.clone())
                            .push_bind(cat.clone())
                            .push_bind(*v)
                            .push_bind(round_id)
                            .push_bind(agency_id);
                    });
                    qb.push(
                        " ON CONFLICT (report_id, indicator_id, dimension, category) DO UPDATE SET value = excluded.value",
                    );
                    qb.build().execute(&mut **tx).await?;
                }
                for chunk in changes.chunks(400) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO value_history (report_id, indicator_id, dimension, category, old_value, new_value, user_id, at) ",
                    );
                    qb.push_values(chunk, |mut b, ((ind, dim, cat), o, n)| {
                        b.push_bind(report_id)
                            .push_bind(*ind)
                            .push_bind(dim.clone())
                            .push_bind(cat.clone())
                            .push_bind(*o)
                            .push_bind(*n)
                            .push_bind(user_id)
                            .push_bind(now);
                    });
                    qb.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            #[allow(clippy::too_many_arguments)]
            async fn event(
                tx: &mut Transaction<'_, $db>,
                report_id: i64,
                action: Action,
                from: &str,
                to: &str,
                version: i32,
                user_id: Option<i64>,
                comment: &str,
                now: OffsetDateTime,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO report_events (report_id, action, from_status, to_status, version, user_id, comment, at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(report_id)
                .bind(action.code())
                .bind(from)
                .bind(to)
                .bind(version)
                .bind(user_id)
                .bind(comment)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            pub async fn report_status(pool: &Pool<$db>, round_id: i64, agency_id: i64) -> Result<Option<ReportStatus>> {
                let s: Option<String> = sqlx::query_scalar("SELECT status FROM reports WHERE round_id = $1 AND agency_id = $2")
                    .bind(round_id)
                    .bind(agency_id)
                    .fetch_optional(pool)
                    .await?;
                Ok(s.as_deref().and_then(ReportStatus::parse))
            }

            /// Approve, submit, return, accept or reopen. Returns the new status.
            pub async fn act_on_report(
                pool: &Pool<$db>,
                round_id: i64,
                agency_id: i64,
                a: &ReportAction<'_>,
                now: OffsetDateTime,
            ) -> Result<ReportStatus> {
                if a.action == Action::Save {
                    return Err(StoreError::invalid(
                        "Lưu báo cáo bằng nút Lưu của biểu mẫu",
                        "A report is saved with the form's Save button",
                    ));
                }
                let comment = a.comment.trim();
                if a.action.needs_reason() && comment.is_empty() {
                    return Err(workflow(WorkflowError::NoReason));
                }
                let mut tx = pool.begin_with($begin).await?;
                let sql = format!("SELECT {REPORT_COLUMNS} FROM reports WHERE round_id = $1 AND agency_id = $2");
                let report: Option<ReportRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(round_id)
                    .bind(agency_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(report) = report else {
                    return Err(StoreError::invalid(
                        "Báo cáo chưa được soạn",
                        "The report has not been started",
                    ));
                };
                let from = report.state();
                let to = report::transition(from, a.action, a.actor).map_err(workflow)?;
                if report.version != a.expected_version {
                    return Err(stale(report.version));
                }
                let version = report.version + 1;
                let values: Vec<ValueRow> = sqlx::query_as(
                    "SELECT indicator_id, dimension, category, value FROM data_values WHERE report_id = $1 \
                     ORDER BY indicator_id, dimension, category",
                )
                .bind(report.id)
                .fetch_all(&mut *tx)
                .await?;
                if matches!(a.action, Action::Approve | Action::Submit) {
                    let lines = task_lines(&mut *tx, round_id, agency_id, report.id).await?;
                    let indicators: Vec<IndicatorRow> = sqlx::query_as(round_indicators_sql!())
                    .bind(round_id)
                    .fetch_all(&mut *tx)
                    .await?;
                    check_complete(&lines, &indicators, &values)?;
                }
                if a.action == Action::Submit && report.approved_version != Some(report.version) {
                    return Err(StoreError::invalid(
                        "Báo cáo đã sửa sau khi lãnh đạo duyệt; cần duyệt lại",
                        "The report changed after the head approved it; it needs approval again",
                    ));
                }
                let n = sqlx::query(
                    "UPDATE reports SET status = $3, version = $4, \
                     approved_version = CASE WHEN $3 = 'approved' THEN $4 ELSE approved_version END, \
                     first_submitted_at = CASE WHEN $3 = 'submitted' THEN COALESCE(first_submitted_at, $5) ELSE first_submitted_at END, \
                     submitted_at = CASE WHEN $3 = 'submitted' THEN $5 ELSE submitted_at END, \
                     accepted_at = CASE WHEN $3 = 'accepted' THEN $5 ELSE accepted_at END, \
                     updated_by = $6, updated_at = $5 WHERE id = $1 AND version = $2",
                )
                .bind(report.id)
                .bind(report.version)
                .bind(to.code())
                .bind(version)
                .bind(now)
                .bind(a.user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n == 0 {
                    return Err(stale(report.version));
                }
                if a.action == Action::Submit {
                    let tasks: Vec<SnapshotTask> = sqlx::query_as(
                        "SELECT task_id, status, reason, results FROM report_tasks WHERE report_id = $1 ORDER BY task_id",
                    )
                    .bind(report.id)
                    .fetch_all(&mut *tx)
                    .await?;
                    let snap = Snapshot {
                        round_id,
                        agency_id,
                        version,
                        tasks,
                        values: &values,
                        difficulties: &report.difficulties,
                        proposals: &report.proposals,
                    };
                    let content = serde_json::to_string(&snap).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    sqlx::query(
                        "INSERT INTO report_snapshots (report_id, version, content, user_id, at) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(report.id)
                    .bind(version)
                    .bind(content)
                    .bind(a.user_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                event(&mut tx, report.id, a.action, from.code(), to.code(), version, a.user_id, comment, now).await?;
                // Whoever acts next learns of it with the step itself (the coordinators learn of
                // reports sent from a digest, not one message per body).
                let (label, agency_name): (String, String) = sqlx::query_as(
                    "SELECT r.label, g.name FROM rounds r JOIN agencies g ON g.id = $2 WHERE r.id = $1",
                )
                .bind(round_id)
                .bind(agency_id)
                .fetch_one(&mut *tx)
                .await?;
                if let Some((audience, subject, body)) = workflow_notice(a.action, agency_id, &label, &agency_name, comment) {
                    let link = format!("/rounds/{round_id}/reports/{agency_id}");
                    let notice = crate::notices::Notice {
                        event_key: format!("report:{}:{}:{version}", report.id, a.action.code()),
                        round_id: Some(round_id),
                        agency_id: Some(agency_id),
                        audience,
                        subject: &subject,
                        body: &body,
                        link: &link,
                        email: a.email,
                    };
                    crate::notices::$module::notify(&mut *tx, &notice, now).await?;
                }
                tx.commit().await?;
                Ok(to)
            }

            /// Every figure of the round summed over the accepted reports: the aggregation is a
            /// GROUP BY over the long-form values.
            pub async fn round_figures(pool: &Pool<$db>, round_id: i64) -> Result<Vec<Figure>> {
                let rows: Vec<(i64, String, String, i64, f64, i64)> = sqlx::query_as(
                    "SELECT dv.indicator_id, dv.dimension, dv.category, CAST(SUM(dv.value) AS BIGINT) AS sum, \
                     CAST(AVG(dv.value) AS DOUBLE PRECISION) AS average, COUNT(*) AS bodies \
                     FROM data_values dv JOIN reports r ON r.id = dv.report_id \
                     WHERE dv.round_id = $1 AND r.status = 'accepted' \
                     GROUP BY dv.indicator_id, dv.dimension, dv.category",
                )
                .bind(round_id)
                .fetch_all(pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(indicator_id, dimension, category, sum, average, bodies)| Figure {
                        indicator_id,
                        dimension,
                        category,
                        sum,
                        average,
                        bodies,
                    })
                    .collect())
            }

            /// Every accepted report's entry per task, tasks in plan order, leads first.
            pub async fn round_narrative(pool: &Pool<$db>, round_id: i64) -> Result<Vec<NarrativeRow>> {
                Ok(sqlx::query_as(
                    "SELECT t.ref AS reference, t.title, g.name AS agency_name, o.role, rt.status, rt.results \
                     FROM report_tasks rt JOIN reports r ON r.id = rt.report_id AND r.status = 'accepted' \
                     JOIN round_obligations o ON o.round_id = r.round_id AND o.agency_id = r.agency_id AND o.task_id = rt.task_id \
                     JOIN tasks t ON t.id = rt.task_id JOIN agencies g ON g.id = r.agency_id \
                     WHERE r.round_id = $1 ORDER BY t.position, o.role DESC, g.sort_key, g.id",
                )
                .bind(round_id)
                .fetch_all(pool)
                .await?)
            }

            /// Difficulties and proposals of the accepted reports: (body, difficulties, proposals).
            pub async fn round_difficulties(pool: &Pool<$db>, round_id: i64) -> Result<Vec<(String, String, String)>> {
                Ok(sqlx::query_as(
                    "SELECT g.name, r.difficulties, r.proposals FROM reports r JOIN agencies g ON g.id = r.agency_id \
                     WHERE r.round_id = $1 AND r.status = 'accepted' AND (r.difficulties <> '' OR r.proposals <> '') \
                     ORDER BY g.sort_key, g.id",
                )
                .bind(round_id)
                .fetch_all(pool)
                .await?)
            }

            /// Each task's latest status reported by a lead body in an accepted report, newest round
            /// first: (task id, status).
            pub async fn public_task_status(pool: &Pool<$db>, plan_id: i64) -> Result<Vec<(i64, String)>> {
                Ok(sqlx::query_as(
                    "SELECT rt.task_id, rt.status FROM report_tasks rt \
                     JOIN reports r ON r.id = rt.report_id AND r.status = 'accepted' \
                     JOIN round_obligations o ON o.round_id = r.round_id AND o.agency_id = r.agency_id \
                     AND o.task_id = rt.task_id AND o.role = 'lead' \
                     JOIN rounds x ON x.id = r.round_id \
                     WHERE x.plan_id = $1 AND rt.status IS NOT NULL ORDER BY x.window_end DESC, r.accepted_at DESC",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?)
            }

            /// Every status a lead body reported on a task in an accepted report, newest first.
            pub async fn public_lead_statuses(pool: &Pool<$db>, plan_id: i64) -> Result<Vec<PublicLeadStatus>> {
                Ok(sqlx::query_as(
                    "SELECT rt.task_id, g.id AS agency_id, g.name AS agency_name, rt.status, r.accepted_at FROM report_tasks rt \
                     JOIN reports r ON r.id = rt.report_id AND r.status = 'accepted' \
                     JOIN round_obligations o ON o.round_id = r.round_id AND o.agency_id = r.agency_id \
                     AND o.task_id = rt.task_id AND o.role = 'lead' \
                     JOIN rounds x ON x.id = r.round_id JOIN agencies g ON g.id = r.agency_id \
                     WHERE x.plan_id = $1 AND rt.status IS NOT NULL \
                     ORDER BY x.window_end DESC, r.accepted_at DESC, g.sort_key, g.id",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?)
            }

            /// When what the public page shows last changed: the newest accepted report of the
            /// plan's rounds or the newest version of the plan, whichever is later.
            pub async fn public_updated_at(pool: &Pool<$db>, plan_id: i64) -> Result<Option<OffsetDateTime>> {
                let accepted: Vec<OffsetDateTime> = sqlx::query_scalar(
                    "SELECT r.accepted_at FROM reports r JOIN rounds x ON x.id = r.round_id \
                     WHERE x.plan_id = $1 AND r.status = 'accepted' AND r.accepted_at IS NOT NULL \
                     ORDER BY r.accepted_at DESC LIMIT 1",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?;
                let version: Vec<OffsetDateTime> = sqlx::query_scalar(
                    "SELECT created_at FROM plan_versions WHERE plan_id = $1 ORDER BY version DESC LIMIT 1",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?;
                Ok(accepted.into_iter().chain(version).max())
            }

            /// The newest round of a plan with at least one accepted report.
            pub async fn latest_reported_round(pool: &Pool<$db>, plan_id: i64) -> Result<Option<RoundRow>> {
                let sql = format!(
                    "SELECT {ROUND_COLUMNS} WHERE r.plan_id = $1 \
                     AND EXISTS (SELECT 1 FROM reports x WHERE x.round_id = r.id AND x.status = 'accepted') \
                     ORDER BY r.window_end DESC, r.id DESC LIMIT 1"
                );
                Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(plan_id).fetch_optional(pool).await?)
            }

            /// Totals of the accepted reports per group of bodies: by kind, or up the hierarchy (the
            /// parent unit of bodies that have one). (group, indicator, sum).
            pub async fn round_totals_by(pool: &Pool<$db>, round_id: i64, by_parent: bool) -> Result<Vec<(String, i64, i64)>> {
                let sql = if by_parent {
                    "SELECT p.name, dv.indicator_id, CAST(SUM(dv.value) AS BIGINT) \
                     FROM data_values dv JOIN reports r ON r.id = dv.report_id AND r.status = 'accepted' \
                     JOIN agencies g ON g.id = dv.agency_id JOIN agencies p ON p.id = g.parent_id \
                     WHERE dv.round_id = $1 AND dv.dimension = '' GROUP BY p.sort_key, p.id, p.name, dv.indicator_id \
                     ORDER BY p.sort_key, p.id, dv.indicator_id"
                } else {
                    "SELECT g.kind, dv.indicator_id, CAST(SUM(dv.value) AS BIGINT) \
                     FROM data_values dv JOIN reports r ON r.id = dv.report_id AND r.status = 'accepted' \
                     JOIN agencies g ON g.id = dv.agency_id \
                     WHERE dv.round_id = $1 AND dv.dimension = '' GROUP BY 1, 2 ORDER BY 1, 2"
                };
                Ok(sqlx::query_as(sql).bind(round_id).fetch_all(pool).await?)
            }

            /// The round of the same plan that ended last before this one began.
            pub async fn previous_round(pool: &Pool<$db>, round_id: i64) -> Result<Option<RoundRow>> {
                let sql = format!(
                    "SELECT {ROUND_COLUMNS} WHERE r.id <> $1 AND r.plan_id = (SELECT plan_id FROM rounds WHERE id = $1) \
                     AND r.window_end < (SELECT window_start FROM rounds WHERE id = $1) \
                     ORDER BY r.window_end DESC, r.id DESC LIMIT 1"
                );
                Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(round_id).fetch_optional(pool).await?)
            }

            pub async fn round_indicators(pool: &Pool<$db>, round_id: i64) -> Result<Vec<IndicatorRow>> {
                Ok(sqlx::query_as(round_indicators_sql!()).bind(round_id).fetch_all(pool).await?)
            }

            pub async fn value_history(pool: &Pool<$db>, report_id: i64) -> Result<Vec<HistoryRow>> {
                Ok(sqlx::query_as(
                    "SELECT h.indicator_id, h.dimension, h.category, h.old_value, h.new_value, u.username, h.at \
                     FROM value_history h LEFT JOIN users u ON u.id = h.user_id WHERE h.report_id = $1 ORDER BY h.id",
                )
                .bind(report_id)
                .fetch_all(pool)
                .await?)
            }

            /// Submitted snapshots of a report: (version, JSON, time).
            pub async fn snapshots(pool: &Pool<$db>, report_id: i64) -> Result<Vec<(i32, String, OffsetDateTime)>> {
                Ok(sqlx::query_as(
                    "SELECT version, content, at FROM report_snapshots WHERE report_id = $1 ORDER BY version",
                )
                .bind(report_id)
                .fetch_all(pool)
                .await?)
            }

            pub async fn add_report_file(
                pool: &Pool<$db>,
                report_id: i64,
                task_id: Option<i64>,
                file: (&str, &str, &[u8]),
                user_id: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<i64> {
                let mut tx = pool.begin_with($begin).await?;
                let current: Option<(String, i32)> =
                    sqlx::query_as("SELECT status, version FROM reports WHERE id = $1")
                        .bind(report_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                let (status, version) =
                    current.ok_or_else(|| StoreError::NotFound(format!("report {report_id}")))?;
                if !ReportStatus::parse(&status).is_some_and(ReportStatus::editable) {
                    return Err(StoreError::invalid(
                        "Báo cáo đã gửi hoặc đã tiếp nhận không đính kèm thêm được",
                        "A submitted or accepted report takes no more files",
                    ));
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO report_files (report_id, task_id, file_name, file_type, file_bytes, user_id, at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(report_id)
                .bind(task_id)
                .bind(file.0)
                .bind(file.1)
                .bind(file.2)
                .bind(user_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                // A file is part of what the head approved: adding one to an approved report voids
                // the approval and makes a new version to approve, as a change of text does.
                if status == ReportStatus::Approved.code() {
                    sqlx::query(
                        "UPDATE reports SET status = 'draft', version = version + 1, updated_by = $2, updated_at = $3 WHERE id = $1",
                    )
                    .bind(report_id)
                    .bind(user_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    event(&mut tx, report_id, Action::Save, &status, "draft", version + 1, user_id, file.0, now).await?;
                }
                tx.commit().await?;
                Ok(id)
            }

            /// A file with the report's round and agency, for the access check.
            pub async fn report_file(pool: &Pool<$db>, id: i64) -> Result<Option<(i64, i64, crate::workspace::StoredFile)>> {
                let row = sqlx::query(
                    "SELECT r.round_id, r.agency_id, f.file_name, f.file_type, f.file_bytes FROM report_files f \
                     JOIN reports r ON r.id = f.report_id WHERE f.id = $1",
                )
                .bind(id)
                .fetch_optional(pool)
                .await?;
                let Some(r) = row else { return Ok(None) };
                Ok(Some((r.try_get(0)?, r.try_get(1)?, (r.try_get(2)?, r.try_get(3)?, r.try_get(4)?))))
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite, "BEGIN IMMEDIATE", "julianday");
backend!(postgres, sqlx::Postgres, "BEGIN", "");

impl Db {
    pub async fn regimes(&self) -> Result<Vec<RegimeRow>> {
        crate::dispatch!(self, regimes())
    }
    pub async fn create_regime(&self, r: &NewRegime<'_>, now: OffsetDateTime) -> Result<i64> {
        crate::dispatch!(self, create_regime(r, now))
    }
    pub async fn indicators(&self, active_only: bool) -> Result<Vec<IndicatorRow>> {
        crate::dispatch!(self, indicators(active_only))
    }
    /// Add or update (by code) an indicator.
    pub async fn save_indicator(
        &self,
        d: &IndicatorDef,
        active: bool,
        public: bool,
    ) -> Result<i64> {
        crate::dispatch!(self, save_indicator(d, active, public))
    }
    pub async fn set_task_tags(&self, task_id: i64, tags: &[String]) -> Result<()> {
        crate::dispatch!(self, set_task_tags(task_id, tags))
    }
    /// (task id, task reference, tag) of a plan's tagged tasks.
    pub async fn plan_tags(&self, plan_id: i64) -> Result<Vec<(i64, String, String)>> {
        crate::dispatch!(self, plan_tags(plan_id))
    }
    pub async fn group_members(&self, group_id: i64) -> Result<Vec<i64>> {
        crate::dispatch!(self, group_members(group_id))
    }
    pub async fn set_group_members(&self, group_id: i64, members: &[i64]) -> Result<()> {
        crate::dispatch!(self, set_group_members(group_id, members))
    }
    /// Open a round; the coordinating body ([`Db::coordinating_agency`]) is marked not counted.
    pub async fn open_round(&self, n: &NewRound<'_>, now: OffsetDateTime) -> Result<OpenedRound> {
        let coordinator = self.coordinating_agency().await?.map(|(id, _)| id);
        crate::dispatch!(self, open_round(n, now, coordinator))
    }
    pub async fn task_group_members(&self, task_id: i64) -> Result<Vec<(i64, i64)>> {
        crate::dispatch!(self, task_group_members(task_id))
    }
    /// Name the bodies a vague group means for one task; returns how many were stored.
    pub async fn set_task_group_members(
        &self,
        task_id: i64,
        group_id: i64,
        members: &[i64],
    ) -> Result<usize> {
        crate::dispatch!(self, set_task_group_members(task_id, group_id, members))
    }
    /// Tasks whose vague groups ("các cơ quan liên quan") name nobody yet.
    pub async fn unnamed_groups(&self, plan_id: Option<i64>) -> Result<Vec<UnnamedGroup>> {
        crate::dispatch!(self, unnamed_groups(plan_id))
    }
    /// The bodies of a round not counted in its completeness: the coordinating body.
    pub async fn uncounted_bodies(&self, round_id: i64) -> Result<Vec<BodyProgress>> {
        crate::dispatch!(self, uncounted_bodies(round_id))
    }
    pub async fn rounds(&self, plan_id: Option<i64>) -> Result<Vec<RoundSummary>> {
        crate::dispatch!(self, rounds(plan_id))
    }
    pub async fn round(&self, id: i64) -> Result<Option<RoundRow>> {
        crate::dispatch!(self, round(id))
    }
    pub async fn agency_rounds(
        &self,
        agency_id: i64,
    ) -> Result<Vec<(RoundRow, i64, Option<String>)>> {
        crate::dispatch!(self, agency_rounds(agency_id))
    }
    pub async fn round_progress(&self, round_id: i64) -> Result<Vec<BodyProgress>> {
        crate::dispatch!(self, round_progress(round_id))
    }
    pub async fn round_tally(
        &self,
        round_id: i64,
        deadline_end: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Vec<TallyRow>> {
        crate::dispatch!(self, round_tally(round_id, deadline_end, now))
    }
    #[allow(clippy::too_many_arguments)]
    pub async fn round_bodies(
        &self,
        round_id: i64,
        filter: &str,
        deadline_end: OffsetDateTime,
        now: OffsetDateTime,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<BodyProgress>, i64)> {
        crate::dispatch!(
            self,
            round_bodies(round_id, filter, deadline_end, now, limit, offset)
        )
    }
    pub async fn report_form(&self, round_id: i64, agency_id: i64) -> Result<Option<ReportForm>> {
        crate::dispatch!(self, report_form(round_id, agency_id))
    }
    pub async fn report_shape(
        &self,
        round_id: i64,
        agency_id: i64,
    ) -> Result<(Vec<ReportTaskLine>, Vec<IndicatorRow>)> {
        crate::dispatch!(self, report_shape(round_id, agency_id))
    }
    pub async fn save_report(
        &self,
        round_id: i64,
        agency_id: i64,
        s: &SaveReport,
        user_id: Option<i64>,
        actor: Actor,
        now: OffsetDateTime,
    ) -> Result<i32> {
        crate::dispatch!(
            self,
            save_report(round_id, agency_id, s, user_id, actor, now)
        )
    }
    pub async fn act_on_report(
        &self,
        round_id: i64,
        agency_id: i64,
        a: &ReportAction<'_>,
        now: OffsetDateTime,
    ) -> Result<ReportStatus> {
        crate::dispatch!(self, act_on_report(round_id, agency_id, a, now))
    }
    /// The indicators a round asks for, in order.
    pub async fn round_indicators(&self, round_id: i64) -> Result<Vec<IndicatorRow>> {
        crate::dispatch!(self, round_indicators(round_id))
    }
    pub async fn round_narrative(&self, round_id: i64) -> Result<Vec<NarrativeRow>> {
        crate::dispatch!(self, round_narrative(round_id))
    }
    pub async fn round_difficulties(&self, round_id: i64) -> Result<Vec<(String, String, String)>> {
        crate::dispatch!(self, round_difficulties(round_id))
    }
    /// A body's report status in a round; None before its first save.
    pub async fn report_status(
        &self,
        round_id: i64,
        agency_id: i64,
    ) -> Result<Option<ReportStatus>> {
        crate::dispatch!(self, report_status(round_id, agency_id))
    }

    pub async fn public_task_status(&self, plan_id: i64) -> Result<Vec<(i64, String)>> {
        crate::dispatch!(self, public_task_status(plan_id))
    }
    /// Every status a lead body reported on a plan's tasks in accepted reports, newest first.
    pub async fn public_lead_statuses(&self, plan_id: i64) -> Result<Vec<PublicLeadStatus>> {
        crate::dispatch!(self, public_lead_statuses(plan_id))
    }
    /// When the plan's public page last changed (an accepted report or a new plan version).
    pub async fn public_updated_at(&self, plan_id: i64) -> Result<Option<OffsetDateTime>> {
        crate::dispatch!(self, public_updated_at(plan_id))
    }
    pub async fn latest_reported_round(&self, plan_id: i64) -> Result<Option<RoundRow>> {
        crate::dispatch!(self, latest_reported_round(plan_id))
    }
    pub async fn round_totals_by(
        &self,
        round_id: i64,
        by_parent: bool,
    ) -> Result<Vec<(String, i64, i64)>> {
        crate::dispatch!(self, round_totals_by(round_id, by_parent))
    }
    pub async fn round_figures(&self, round_id: i64) -> Result<Vec<Figure>> {
        crate::dispatch!(self, round_figures(round_id))
    }
    pub async fn previous_round(&self, round_id: i64) -> Result<Option<RoundRow>> {
        crate::dispatch!(self, previous_round(round_id))
    }
    pub async fn value_history(&self, report_id: i64) -> Result<Vec<HistoryRow>> {
        crate::dispatch!(self, value_history(report_id))
    }
    pub async fn snapshots(&self, report_id: i64) -> Result<Vec<(i32, String, OffsetDateTime)>> {
        crate::dispatch!(self, snapshots(report_id))
    }
    pub async fn add_report_file(
        &self,
        report_id: i64,
        task_id: Option<i64>,
        file: (&str, &str, &[u8]),
        user_id: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<i64> {
        crate::dispatch!(
            self,
            add_report_file(report_id, task_id, file, user_id, now)
        )
    }
    pub async fn report_file(
        &self,
        id: i64,
    ) -> Result<Option<(i64, i64, crate::workspace::StoredFile)>> {
        crate::dispatch!(self, report_file(id))
    }

    /// First start: the default regimes for a plan of this kind and the starter indicators, when
    /// none exist yet. Safe to call on every start.
    pub async fn ensure_reporting_defaults(&self, now: OffsetDateTime) -> Result<()> {
        if self.regimes().await?.is_empty() {
            for (code, name, freq) in [
                (
                    "6T",
                    "Báo cáo 6 tháng, năm thực hiện kế hoạch (Nghị định 09/2019)",
                    "six-monthly",
                ),
                (
                    "NAM",
                    "Báo cáo năm thực hiện kế hoạch (Nghị định 09/2019)",
                    "annual",
                ),
            ] {
                self.create_regime(
                    &NewRegime {
                        code,
                        name,
                        kind: "periodic",
                        frequency: Some(freq),
                        windows: "decree09",
                        agency_days: 1,
                        coordinator_days: Some(3),
                        committee_days: Some(5),
                        reminder_offsets: "-7,-1,1,3",
                    },
                    now,
                )
                .await?;
            }
        }
        // Each starter indicator not there yet: a new database gets the whole set, an older one
        // the indicators added since (the carried-over and on-time counts the plausibility rules
        // compare). An indicator switched off stays off: it is there, only inactive.
        let have: HashSet<String> = self
            .indicators(false)
            .await?
            .into_iter()
            .map(|i| i.code)
            .collect();
        {
            // Published by default: figures of general interest, none about individuals.
            const PUBLIC: [&str; 6] = [
                "TT_BUOI",
                "TT_NGUOI",
                "TH_LOP",
                "TGPL_VU_VIEC",
                "KN_NHAN",
                "KN_GIAI_QUYET",
            ];
            for d in indicator::starter_set() {
                if have.contains(&d.code) {
                    continue;
                }
                let public = PUBLIC.contains(&d.code.as_str());
                self.save_indicator(&d, true, public).await?;
            }
        }
        self.ensure_plausibility_rules().await?;
        Ok(())
    }
}
