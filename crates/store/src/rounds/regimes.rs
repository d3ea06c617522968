//! Reporting regimes: how often bodies report and how many days each level has.

use crate::{Db, Result, StoreError};
use time::OffsetDateTime;

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

macro_rules! backend {
    ($module:ident, $db:ty) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::Pool;

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
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);

impl Db {
    pub async fn regimes(&self) -> Result<Vec<RegimeRow>> {
        crate::dispatch!(self, regimes())
    }
    pub async fn create_regime(&self, r: &NewRegime<'_>, now: OffsetDateTime) -> Result<i64> {
        crate::dispatch!(self, create_regime(r, now))
    }
}
