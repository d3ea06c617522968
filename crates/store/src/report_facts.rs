//! What the drafted report reads about a round beyond its figures and narratives: every body ×
//! task the round asks for, with where the body's report stands, so each task keeps its
//! sub-section and its silent bodies can be named.

use crate::{Db, Result};

/// One obligation of a round with the body's report status (None: never started).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RoundAssignment {
    pub task_id: i64,
    pub reference: String,
    pub title: String,
    pub agency_name: String,
    #[sqlx(try_from = "String")]
    pub role: theodoi_domain::Role,
    pub status: Option<String>,
}

macro_rules! backend {
    ($module:ident, $db:ty) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::Pool;

            pub async fn round_assignments(pool: &Pool<$db>, round_id: i64) -> Result<Vec<RoundAssignment>> {
                // Tasks in plan order, leads before coordinating bodies ('lead' > 'coordinating').
                Ok(sqlx::query_as(
                    "SELECT t.id AS task_id, t.ref AS reference, t.title, g.name AS agency_name, o.role, r.status \
                     FROM round_obligations o JOIN tasks t ON t.id = o.task_id JOIN agencies g ON g.id = o.agency_id \
                     LEFT JOIN reports r ON r.round_id = o.round_id AND r.agency_id = o.agency_id \
                     WHERE o.round_id = $1 ORDER BY t.position, t.id, o.role DESC, g.name",
                )
                .bind(round_id)
                .fetch_all(pool)
                .await?)
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);

impl Db {
    /// Every body × task of a round with the body's report status, tasks in plan order.
    pub async fn round_assignments(&self, round_id: i64) -> Result<Vec<RoundAssignment>> {
        crate::dispatch!(self, round_assignments(round_id))
    }
}
