//! Indicators, the tags of tasks and the fixed members of groups of bodies.

use super::IndicatorRow;
use crate::{Db, Result, StoreError};
use theodoi_domain::indicator::IndicatorDef;

/// `$begin` opens a write transaction: on SQLite `BEGIN IMMEDIATE` takes the write lock at once,
/// so a transaction that reads before it writes waits its turn instead of failing when another
/// writer commits in between.
macro_rules! backend {
    ($module:ident, $db:ty, $begin:literal) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::Pool;

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
        }
    };
}

backend!(sqlite, sqlx::Sqlite, "BEGIN IMMEDIATE");
backend!(postgres, sqlx::Postgres, "BEGIN");

impl Db {
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
}
