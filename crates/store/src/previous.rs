//! A body's report in the round before: what "same as last round" copies into a new report.

use crate::rounds::ValueRow;
use crate::{Db, Result};

/// One task of the earlier report as the body wrote it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PreviousTask {
    pub task_id: i64,
    pub status: Option<String>,
    pub reason: String,
    pub results: String,
}

/// The body's report in the latest earlier round of the same plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousReport {
    pub round_id: i64,
    pub round_label: String,
    pub tasks: Vec<PreviousTask>,
    pub values: Vec<ValueRow>,
    pub difficulties: String,
    pub proposals: String,
}

macro_rules! backend {
    ($module:ident, $db:ty) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::Pool;

            pub async fn previous_report(
                pool: &Pool<$db>,
                round_id: i64,
                agency_id: i64,
            ) -> Result<Option<PreviousReport>> {
                // Earlier: a window that starts before this round's, or the same window opened
                // before it.
                let found: Option<(i64, i64, String, String, String)> = sqlx::query_as(
                    "SELECT r.id, rd.id, rd.label, r.difficulties, r.proposals \
                     FROM reports r JOIN rounds rd ON rd.id = r.round_id JOIN rounds cur ON cur.id = $1 \
                     WHERE r.agency_id = $2 AND rd.plan_id = cur.plan_id AND rd.id <> cur.id \
                     AND (rd.window_start < cur.window_start OR (rd.window_start = cur.window_start AND rd.id < cur.id)) \
                     ORDER BY rd.window_start DESC, rd.id DESC LIMIT 1",
                )
                .bind(round_id)
                .bind(agency_id)
                .fetch_optional(pool)
                .await?;
                let Some((report_id, round_id, round_label, difficulties, proposals)) = found else {
                    return Ok(None);
                };
                let tasks = sqlx::query_as(
                    "SELECT task_id, status, reason, results FROM report_tasks WHERE report_id = $1 ORDER BY task_id",
                )
                .bind(report_id)
                .fetch_all(pool)
                .await?;
                let values = sqlx::query_as(
                    "SELECT indicator_id, dimension, category, value FROM data_values WHERE report_id = $1 \
                     ORDER BY indicator_id, dimension, category",
                )
                .bind(report_id)
                .fetch_all(pool)
                .await?;
                Ok(Some(PreviousReport { round_id, round_label, tasks, values, difficulties, proposals }))
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);

impl Db {
    /// This body's report in the latest earlier round of the round's plan, if it wrote one.
    pub async fn previous_report(
        &self,
        round_id: i64,
        agency_id: i64,
    ) -> Result<Option<PreviousReport>> {
        crate::dispatch!(self, previous_report(round_id, agency_id))
    }
}
