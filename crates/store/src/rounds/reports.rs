//! A body's report: the form, saving it with the history of its values, the submitted snapshots
//! and the attached files.

use super::{IndicatorRow, REPORT_COLUMNS, RoundRow, ValueRow, stale, workflow};
use crate::{Db, Result, StoreError};
use std::collections::{BTreeMap, HashMap, HashSet};
use theodoi_domain::indicator::{self, Dimension, IndicatorValues};
use theodoi_domain::report::{self, Action, Actor, ReportStatus, TaskStatus};
use theodoi_text::Message;
use time::{Date, OffsetDateTime};

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
    #[sqlx(try_from = "String")]
    pub role: theodoi_domain::Role,
    pub via_group: Option<String>,
    pub due: Date,
    pub status: Option<String>,
    pub reason: Option<String>,
    pub results: Option<String>,
}

/// A workflow step.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRow {
    pub action: String,
    pub from_status: String,
    pub to_status: String,
    pub version: i32,
    pub username: Option<String>,
    /// Who took the step, as people know them (the account's display name), and their body:
    /// its id and name for an agency's account, the role for the others.
    pub who: Option<String>,
    pub who_role: Option<String>,
    pub who_agency_id: Option<i64>,
    pub who_agency: Option<String>,
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
    /// Who changed it, as in [`EventRow`].
    pub who: Option<String>,
    pub who_role: Option<String>,
    pub who_agency_id: Option<i64>,
    pub who_agency: Option<String>,
    pub at: OffsetDateTime,
}

/// A report as it was sent: the stored snapshot read back, with who sent it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentSnapshot {
    pub version: i32,
    pub at: OffsetDateTime,
    /// Who sent it, as in [`EventRow`].
    pub who: Option<String>,
    pub who_role: Option<String>,
    pub who_agency_id: Option<i64>,
    pub who_agency: Option<String>,
    pub content: SnapshotContent,
}

/// The stored snapshot's content (what the submit step wrote, see `workflow`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct SnapshotContent {
    pub version: i32,
    pub tasks: Vec<SnapshotTaskEntry>,
    pub values: Vec<SnapshotValue>,
    #[serde(default)]
    pub difficulties: String,
    #[serde(default)]
    pub proposals: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct SnapshotTaskEntry {
    pub task_id: i64,
    pub status: Option<String>,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub results: String,
}

/// A stored value of a snapshot: the total has dimension and category "".
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct SnapshotValue {
    pub indicator_id: i64,
    pub dimension: String,
    pub category: String,
    pub value: i64,
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

/// What a save must pass before it touches the database: the figures' own checks and a reason
/// for every task not done.
fn check_report(indicators: &[IndicatorRow], s: &SaveReport) -> Result<()> {
    check_save(indicators, &s.values)?;
    for t in &s.tasks {
        if t.status == Some(TaskStatus::NotDone) && t.reason.trim().is_empty() {
            return Err(StoreError::invalid(
                "\"Không thực hiện\" cần ghi lý do",
                "\"Not done\" needs a reason",
            ));
        }
    }
    Ok(())
}

/// Check a save against the round's indicators before anything is written.
fn check_save(indicators: &[IndicatorRow], values: &[ValueRow]) -> Result<()> {
    let by_id: HashMap<i64, &IndicatorRow> = indicators.iter().map(|i| (i.id, i)).collect();
    let mut grouped: BTreeMap<i64, IndicatorValues> = BTreeMap::new();
    let mut problems: Vec<Message> = Vec::new();
    for v in values {
        let Some(ind) = by_id.get(&v.indicator_id) else {
            problems.push(Message::new(
                "một chỉ tiêu gửi lên không thuộc đợt báo cáo này (biểu mẫu cũ?): hãy tải lại trang",
                "an indicator sent is not asked in this round (an old form?): reload the page",
            ));
            continue;
        };
        if v.value < 0 || v.value > indicator::MAX_COUNT {
            problems.push(Message::new(
                format!("{}: {} không phải số nguyên không âm", ind.name, v.value),
                format!(
                    "{}: {} is not a whole non-negative number",
                    ind.name, v.value
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
                    format!(
                        "{}: có số liệu theo một cách phân tổ không có trong biểu mẫu",
                        ind.name
                    ),
                    format!(
                        "{}: figures by a breakdown the form does not have",
                        ind.name
                    ),
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

/// `$begin` opens a write transaction: on SQLite `BEGIN IMMEDIATE` takes the write lock at once,
/// so a transaction that reads before it writes waits its turn instead of failing when another
/// writer commits in between.
macro_rules! backend {
    ($module:ident, $db:ty, $begin:literal) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::{Pool, QueryBuilder, Row, Transaction};
            use crate::rounds::progress::$module::round;
            use crate::rounds::workflow::$module::event;

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
                    "SELECT e.action, e.from_status, e.to_status, e.version, u.username, u.display_name AS who, \
                     u.role AS who_role, u.agency_id AS who_agency_id, g.name AS who_agency, e.comment, e.at \
                     FROM report_events e LEFT JOIN users u ON u.id = e.user_id LEFT JOIN agencies g ON g.id = u.agency_id \
                     WHERE e.report_id = $1 ORDER BY e.id",
                )
                .bind(report_id)
                .fetch_all(pool)
                .await?;
                Ok(Some(ReportForm { round, report, tasks, indicators, values, history, files, events }))
            }

            /// A report's entries without what only the form page shows (earlier rounds'
            /// figures, files, events): what an import lays its values over. `indicators` are
            /// the round's, read once by the caller.
            pub async fn report_entries(
                pool: &Pool<$db>,
                round: &RoundRow,
                indicators: &[IndicatorRow],
                agency_id: i64,
            ) -> Result<ReportForm> {
                let sql = format!("SELECT {REPORT_COLUMNS} FROM reports WHERE round_id = $1 AND agency_id = $2");
                let report: Option<ReportRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(round.id)
                    .bind(agency_id)
                    .fetch_optional(pool)
                    .await?;
                let report_id = report.as_ref().map_or(0, |r| r.id);
                let tasks = task_lines(pool, round.id, agency_id, report_id).await?;
                let values: Vec<ValueRow> = if report_id == 0 {
                    Vec::new()
                } else {
                    sqlx::query_as(
                        "SELECT indicator_id, dimension, category, value FROM data_values WHERE report_id = $1 \
                         ORDER BY indicator_id, dimension, category",
                    )
                    .bind(report_id)
                    .fetch_all(pool)
                    .await?
                };
                Ok(ReportForm {
                    round: round.clone(),
                    report,
                    tasks,
                    indicators: indicators.to_vec(),
                    values,
                    history: HashMap::new(),
                    files: Vec::new(),
                    events: Vec::new(),
                })
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

            // Public to the workflow, which checks a report complete before approval.
            pub async fn task_lines<'e, E>(ex: E, round_id: i64, agency_id: i64, report_id: i64) -> Result<Vec<ReportTaskLine>>
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
                check_report(&indicators, s)?;
                let mut tx = pool.begin_with($begin).await?;
                let version = save_report_in(&mut tx, round_id, agency_id, s, user_id, actor, now).await?;
                tx.commit().await?;
                Ok(version)
            }

            /// Several bodies' reports (of one round or several) saved in one transaction, each
            /// with its own version check: all are saved or none. Each round's indicators are
            /// read once.
            pub async fn save_reports(
                pool: &Pool<$db>,
                reports: &[(i64, i64, &SaveReport)],
                user_id: Option<i64>,
                actor: Actor,
                now: OffsetDateTime,
            ) -> Result<Vec<i32>> {
                let mut indicators: HashMap<i64, Vec<IndicatorRow>> = HashMap::new();
                for (round_id, _, s) in reports {
                    if !indicators.contains_key(round_id) {
                        let rows: Vec<IndicatorRow> = sqlx::query_as(round_indicators_sql!())
                            .bind(*round_id)
                            .fetch_all(pool)
                            .await?;
                        indicators.insert(*round_id, rows);
                    }
                    check_report(indicators.get(round_id).map_or(&[], Vec::as_slice), s)?;
                }
                let mut tx = pool.begin_with($begin).await?;
                let mut versions = Vec::with_capacity(reports.len());
                for (round_id, agency_id, s) in reports {
                    versions.push(save_report_in(&mut tx, *round_id, *agency_id, s, user_id, actor, now).await?);
                }
                tx.commit().await?;
                Ok(versions)
            }

            /// One report's save inside the caller's transaction, after `check_report`.
            async fn save_report_in(
                tx: &mut Transaction<'_, $db>,
                round_id: i64,
                agency_id: i64,
                s: &SaveReport,
                user_id: Option<i64>,
                actor: Actor,
                now: OffsetDateTime,
            ) -> Result<i32> {
                let assigned: HashSet<i64> = sqlx::query_scalar(
                    "SELECT task_id FROM round_obligations WHERE round_id = $1 AND agency_id = $2",
                )
                .bind(round_id)
                .bind(agency_id)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .collect();
                if assigned.is_empty() {
                    return Err(StoreError::invalid(
                        "Cơ quan này không có nhiệm vụ phải báo cáo trong đợt này",
                        "This body has nothing to report in this round",
                    ));
                }
                // Only a stale form (the round's tasks changed since it was opened) sends one.
                if s.tasks.iter().any(|t| !assigned.contains(&t.task_id)) {
                    return Err(StoreError::invalid(
                        "Biểu mẫu có một nhiệm vụ không còn giao cho cơ quan này trong đợt báo cáo: hãy tải lại trang.",
                        "The form holds a task no longer assigned to this body in the round: reload the page.",
                    ));
                }
                let existing: Option<(i64, String, i32)> =
                    sqlx::query_as("SELECT id, status, version FROM reports WHERE round_id = $1 AND agency_id = $2")
                        .bind(round_id)
                        .bind(agency_id)
                        .fetch_optional(&mut **tx)
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
                        .fetch_optional(&mut **tx)
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
                        .execute(&mut **tx)
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
                    .execute(&mut **tx)
                    .await?;
                }
                write_values(tx, report_id, round_id, agency_id, &s.values, user_id, now).await?;
                event(tx, report_id, Action::Save, "draft", "draft", version, user_id, "", now).await?;
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

            pub async fn value_history(pool: &Pool<$db>, report_id: i64) -> Result<Vec<HistoryRow>> {
                Ok(sqlx::query_as(
                    "SELECT h.indicator_id, h.dimension, h.category, h.old_value, h.new_value, u.username, \
                     u.display_name AS who, u.role AS who_role, u.agency_id AS who_agency_id, g.name AS who_agency, h.at \
                     FROM value_history h LEFT JOIN users u ON u.id = h.user_id LEFT JOIN agencies g ON g.id = u.agency_id \
                     WHERE h.report_id = $1 ORDER BY h.id",
                )
                .bind(report_id)
                .fetch_all(pool)
                .await?)
            }

            /// One submitted snapshot of a report, read back, with who sent it.
            pub async fn sent_snapshot(pool: &Pool<$db>, report_id: i64, version: i32) -> Result<Option<SentSnapshot>> {
                let row: Option<SnapshotRow> = sqlx::query_as(
                    "SELECT s.version, s.content, s.at, u.display_name AS who, u.role AS who_role, \
                     u.agency_id AS who_agency_id, g.name AS who_agency \
                     FROM report_snapshots s LEFT JOIN users u ON u.id = s.user_id LEFT JOIN agencies g ON g.id = u.agency_id \
                     WHERE s.report_id = $1 AND s.version = $2",
                )
                .bind(report_id)
                .bind(version)
                .fetch_optional(pool)
                .await?;
                row.map(SnapshotRow::read).transpose()
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

backend!(sqlite, sqlx::Sqlite, "BEGIN IMMEDIATE");
backend!(postgres, sqlx::Postgres, "BEGIN");

/// A snapshot's row before its content is read.
#[derive(sqlx::FromRow)]
struct SnapshotRow {
    version: i32,
    content: String,
    at: OffsetDateTime,
    who: Option<String>,
    who_role: Option<String>,
    who_agency_id: Option<i64>,
    who_agency: Option<String>,
}

impl SnapshotRow {
    fn read(self) -> Result<SentSnapshot> {
        let content: SnapshotContent = serde_json::from_str(&self.content)
            .map_err(|e| StoreError::Corrupt(format!("snapshot v{}: {e}", self.version)))?;
        Ok(SentSnapshot {
            version: self.version,
            at: self.at,
            who: self.who,
            who_role: self.who_role,
            who_agency_id: self.who_agency_id,
            who_agency: self.who_agency,
            content,
        })
    }
}

impl Db {
    /// One submitted snapshot of a report, read back, with who sent it and when.
    pub async fn sent_snapshot(
        &self,
        report_id: i64,
        version: i32,
    ) -> Result<Option<SentSnapshot>> {
        crate::dispatch!(self, sent_snapshot(report_id, version))
    }
    pub async fn report_form(&self, round_id: i64, agency_id: i64) -> Result<Option<ReportForm>> {
        crate::dispatch!(self, report_form(round_id, agency_id))
    }
    /// A report's entries without the form page's extras (see the pool function).
    pub async fn report_entries(
        &self,
        round: &RoundRow,
        indicators: &[IndicatorRow],
        agency_id: i64,
    ) -> Result<ReportForm> {
        crate::dispatch!(self, report_entries(round, indicators, agency_id))
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
    /// Several bodies' reports, as (round, agency, save), saved in one transaction (a data
    /// import): each with its version check, all saved or none.
    pub async fn save_reports(
        &self,
        reports: &[(i64, i64, &SaveReport)],
        user_id: Option<i64>,
        actor: Actor,
        now: OffsetDateTime,
    ) -> Result<Vec<i32>> {
        crate::dispatch!(self, save_reports(reports, user_id, actor, now))
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
}
