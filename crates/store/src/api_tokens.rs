//! Personal API tokens: stored by the SHA-256 of the token (the caller hashes), each with a scope
//! and an expiry, revoked by their owner.

use crate::accounts::UserRow;
use crate::{Db, Result, StoreError};
use time::OffsetDateTime;

/// A stored token (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiTokenRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    /// "read" or "write".
    pub scope: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    pub last_used_at: Option<OffsetDateTime>,
}

impl ApiTokenRow {
    /// Usable at `now`: not revoked, not expired.
    pub fn active(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

/// A new token; `token_hash` is the SHA-256 (hex) of the token handed to the owner.
#[derive(Debug, Clone)]
pub struct NewApiToken<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub scope: &'a str,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// The longest life a token may be given.
pub const MAX_TOKEN_DAYS: i64 = 366;

const TOKEN_COLUMNS: &str =
    "id, user_id, name, scope, created_at, expires_at, revoked_at, last_used_at";

/// How often a token's last use is written: a client calling every second must not turn every
/// read into a write.
const LAST_USED_EVERY: time::Duration = time::Duration::minutes(1);

macro_rules! backend {
    ($module:ident, $db:ty) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::Pool;

            pub async fn create_api_token(pool: &Pool<$db>, t: &NewApiToken<'_>) -> Result<i64> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO api_tokens (user_id, name, token_hash, scope, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(t.user_id)
                .bind(t.name)
                .bind(t.token_hash)
                .bind(t.scope)
                .bind(t.created_at)
                .bind(t.expires_at)
                .fetch_one(pool)
                .await?)
            }

            pub async fn api_tokens_of(pool: &Pool<$db>, user_id: i64) -> Result<Vec<ApiTokenRow>> {
                let sql = format!(
                    "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY id DESC"
                );
                Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id).fetch_all(pool).await?)
            }

            pub async fn api_token_by_hash(
                pool: &Pool<$db>,
                token_hash: &str,
            ) -> Result<Option<(ApiTokenRow, UserRow)>> {
                let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1");
                let token: Option<ApiTokenRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(token_hash)
                    .fetch_optional(pool)
                    .await?;
                let Some(token) = token else { return Ok(None) };
                // The account as a session loads it: the same columns, the same row type.
                let Some(user) = crate::accounts::$module::user_by_id(pool, token.user_id).await? else {
                    return Ok(None);
                };
                Ok(Some((token, user)))
            }

            pub async fn revoke_api_token(
                pool: &Pool<$db>,
                user_id: i64,
                id: i64,
                now: OffsetDateTime,
            ) -> Result<ApiTokenRow> {
                let n = sqlx::query(
                    "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
                )
                .bind(id)
                .bind(user_id)
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected();
                let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1 AND user_id = $2");
                let row: Option<ApiTokenRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(id)
                    .bind(user_id)
                    .fetch_optional(pool)
                    .await?;
                match row {
                    // Another account's token is not found, not refused: ids reveal nothing.
                    None => Err(StoreError::NotFound(format!("API token {id}"))),
                    Some(r) if n == 0 => Err(StoreError::conflict(
                        format!("Khóa API \"{}\" đã bị thu hồi từ trước", r.name),
                        format!("The API token \"{}\" was revoked already", r.name),
                    )),
                    Some(r) => Ok(r),
                }
            }

            pub async fn touch_api_token(pool: &Pool<$db>, id: i64, now: OffsetDateTime) -> Result<()> {
                sqlx::query(
                    "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 \
                     AND (last_used_at IS NULL OR last_used_at < $3)",
                )
                .bind(id)
                .bind(now)
                .bind(now - LAST_USED_EVERY)
                .execute(pool)
                .await?;
                Ok(())
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);

impl Db {
    /// Store a new token (by its hash) for its owner. The name is trimmed; an empty or overlong
    /// name, an unknown scope or an expiry outside (now, now + [`MAX_TOKEN_DAYS`]] is refused.
    pub async fn create_api_token(&self, t: &NewApiToken<'_>) -> Result<i64> {
        let name = t.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(StoreError::invalid(
                "Tên khóa API phải có từ 1 đến 200 ký tự",
                "An API token's name must have 1 to 200 characters",
            ));
        }
        if !matches!(t.scope, "read" | "write") {
            return Err(StoreError::invalid(
                format!("Phạm vi \"{}\" không hợp lệ: chọn read hoặc write", t.scope),
                format!(
                    "The scope \"{}\" is not valid: choose read or write",
                    t.scope
                ),
            ));
        }
        if t.expires_at <= t.created_at
            || t.expires_at > t.created_at + time::Duration::days(MAX_TOKEN_DAYS)
        {
            return Err(StoreError::invalid(
                format!("Thời hạn của khóa API phải từ 1 đến {MAX_TOKEN_DAYS} ngày"),
                format!("An API token must last from 1 to {MAX_TOKEN_DAYS} days"),
            ));
        }
        let t = NewApiToken { name, ..t.clone() };
        crate::dispatch!(self, create_api_token(&t))
    }
    /// The account's tokens, newest first, revoked and expired ones included.
    pub async fn api_tokens_of(&self, user_id: i64) -> Result<Vec<ApiTokenRow>> {
        crate::dispatch!(self, api_tokens_of(user_id))
    }
    /// The token with this hash and its account, whatever its state (the caller tells revoked
    /// and expired apart, to say which).
    pub async fn api_token_by_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<(ApiTokenRow, UserRow)>> {
        crate::dispatch!(self, api_token_by_hash(token_hash))
    }
    /// Revoke one of the account's own tokens; NotFound for another account's or an unknown id,
    /// Conflict when it was revoked already. Returns the row as it is now.
    pub async fn revoke_api_token(
        &self,
        user_id: i64,
        id: i64,
        now: OffsetDateTime,
    ) -> Result<ApiTokenRow> {
        crate::dispatch!(self, revoke_api_token(user_id, id, now))
    }
    /// Note the token's use (at most once a minute).
    pub async fn touch_api_token(&self, id: i64, now: OffsetDateTime) -> Result<()> {
        crate::dispatch!(self, touch_api_token(id, now))
    }
}
