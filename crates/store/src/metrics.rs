//! What the server's `/metrics` reads from the database when it is scraped: the pool's state
//! (no query at all) and one cheap count.

use crate::{Db, Result};
use time::Date;

/// Connections of the pool at this moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open, in use or idle.
    pub size: u32,
    /// Open connections waiting for work.
    pub idle: u32,
    /// The most the pool will open.
    pub max: u32,
}

macro_rules! backend {
    ($module:ident, $db:ty) => {
        pub(crate) mod $module {
            use super::*;

            /// Rounds whose bodies' deadline is `today` or later: a round counts as closed once
            /// its deadline has passed, as on the dashboards' charts.
            pub async fn open_rounds(pool: &sqlx::Pool<$db>, today: Date) -> Result<i64> {
                Ok(
                    sqlx::query_scalar("SELECT COUNT(*) FROM rounds WHERE agency_deadline >= $1")
                        .bind(today)
                        .fetch_one(pool)
                        .await?,
                )
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);

impl Db {
    /// How many rounds are still open on `today` (their deadline not passed).
    pub async fn open_rounds(&self, today: Date) -> Result<i64> {
        crate::dispatch!(self, open_rounds(today))
    }

    /// The pool's connections now; asks the database nothing.
    pub fn pool_stats(&self) -> PoolStats {
        let (size, idle, max) = match self {
            Self::Sqlite(p) => (p.size(), p.num_idle(), p.options().get_max_connections()),
            Self::Postgres(p) => (p.size(), p.num_idle(), p.options().get_max_connections()),
        };
        PoolStats {
            size,
            idle: u32::try_from(idle).unwrap_or(u32::MAX),
            max,
        }
    }
}
