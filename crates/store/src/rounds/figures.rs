//! What the accepted reports of a round add up to: figures, narrative, difficulties, totals by
//! group of bodies, and the round before for comparison.

use super::{IndicatorRow, ROUND_COLUMNS, RoundRow};
use crate::{Db, Result};
use theodoi_domain::indicator::Figure;

/// What one body reported on one task, from an accepted report.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NarrativeRow {
    pub reference: String,
    pub title: String,
    pub agency_name: String,
    #[sqlx(try_from = "String")]
    pub role: theodoi_domain::Role,
    pub status: Option<String>,
    pub results: String,
}

macro_rules! backend {
    ($module:ident, $db:ty) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::Pool;

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

            pub async fn accepted_fingerprint(pool: &Pool<$db>, round_id: i64) -> Result<(i64, i64)> {
                let (n, versions): (i64, Option<i64>) = sqlx::query_as(
                    "SELECT COUNT(*), CAST(SUM(version) AS BIGINT) FROM reports \
                     WHERE round_id = $1 AND status = 'accepted'",
                )
                .bind(round_id)
                .fetch_one(pool)
                .await?;
                Ok((n, versions.unwrap_or(0)))
            }

            pub async fn round_indicators(pool: &Pool<$db>, round_id: i64) -> Result<Vec<IndicatorRow>> {
                Ok(sqlx::query_as(round_indicators_sql!()).bind(round_id).fetch_all(pool).await?)
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);

impl Db {
    /// What the round's figures depend on: how many reports are accepted and the sum of their
    /// versions (every change to a report raises its version), so a reader can keep the sums
    /// until this changes. One indexed COUNT, where the sums are a GROUP BY over every value.
    pub async fn accepted_fingerprint(&self, round_id: i64) -> Result<(i64, i64)> {
        crate::dispatch!(self, accepted_fingerprint(round_id))
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
}
