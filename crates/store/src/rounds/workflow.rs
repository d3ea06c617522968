//! The steps of a report's workflow (approve, submit, return, accept, reopen): each checked,
//! recorded, kept as a snapshot when submitted, and told to whoever acts next.

use super::{IndicatorRow, REPORT_COLUMNS, ReportRow, ReportTaskLine, ValueRow, stale, workflow};
use crate::{Db, Result, StoreError};
use serde::Serialize;
use theodoi_domain::indicator;
use theodoi_domain::report::{self, Action, Actor, ReportStatus, TaskStatus};
use theodoi_text::Message;
use time::OffsetDateTime;

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

/// `$begin` opens a write transaction: on SQLite `BEGIN IMMEDIATE` takes the write lock at once,
/// so a transaction that reads before it writes waits its turn instead of failing when another
/// writer commits in between.
/// A return or reopening without its reason, said as a whole sentence: the body needs the
/// reason to know what to correct.
fn no_reason(action: Action) -> StoreError {
    if action == Action::Reopen {
        StoreError::invalid(
            "Hãy ghi lý do mở lại để đơn vị biết cần sửa gì.",
            "Give the reason for reopening it, so the body knows what to correct.",
        )
    } else {
        StoreError::invalid(
            "Hãy ghi lý do trả lại để đơn vị biết cần sửa gì.",
            "Give the reason for returning it, so the body knows what to correct.",
        )
    }
}

macro_rules! backend {
    ($module:ident, $db:ty, $begin:literal) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::{Pool, Transaction};
            use crate::rounds::reports::$module::task_lines;

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
                    return Err(no_reason(a.action));
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

            // Public to saves and attached files, which are workflow steps too.
            #[allow(clippy::too_many_arguments)]
            pub async fn event(
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
        }
    };
}

backend!(sqlite, sqlx::Sqlite, "BEGIN IMMEDIATE");
backend!(postgres, sqlx::Postgres, "BEGIN");

impl Db {
    pub async fn act_on_report(
        &self,
        round_id: i64,
        agency_id: i64,
        a: &ReportAction<'_>,
        now: OffsetDateTime,
    ) -> Result<ReportStatus> {
        crate::dispatch!(self, act_on_report(round_id, agency_id, a, now))
    }
}
