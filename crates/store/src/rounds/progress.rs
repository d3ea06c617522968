//! Rounds and who has reported in them: lists, progress, tallies, report statuses, and the
//! statuses the public page shows.

use super::{ROUND_COLUMNS, RoundRow};
use crate::{Db, Result};
use std::collections::HashMap;
use theodoi_domain::report::ReportStatus;
use time::OffsetDateTime;

/// One lead body's status of a task in an accepted report, for the public page.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PublicLeadStatus {
    pub task_id: i64,
    pub agency_id: i64,
    pub agency_name: String,
    pub status: String,
    pub accepted_at: Option<OffsetDateTime>,
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

/// Bodies of one kind with one report status and timeliness.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TallyRow {
    pub kind: String,
    pub status: Option<String>,
    pub timeliness: String,
    pub n: i64,
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

/// `$ts` wraps a timestamp for comparison: SQLite keeps RFC 3339 text, compared through
/// `julianday`; PostgreSQL compares TIMESTAMPTZ as it is.
macro_rules! backend {
    ($module:ident, $db:ty, $ts:literal) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::Pool;

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

            pub async fn report_status(pool: &Pool<$db>, round_id: i64, agency_id: i64) -> Result<Option<ReportStatus>> {
                let s: Option<String> = sqlx::query_scalar("SELECT status FROM reports WHERE round_id = $1 AND agency_id = $2")
                    .bind(round_id)
                    .bind(agency_id)
                    .fetch_optional(pool)
                    .await?;
                Ok(s.as_deref().and_then(ReportStatus::parse))
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
        }
    };
}

backend!(sqlite, sqlx::Sqlite, "julianday");
backend!(postgres, sqlx::Postgres, "");

impl Db {
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
}
