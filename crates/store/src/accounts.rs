//! Accounts, role policies, server-side sessions and the append-only audit log.

use crate::{Db, Result, StoreError};
use time::OffsetDateTime;

/// A stored account.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub agency_id: Option<i64>,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub failed_logins: i32,
    pub locked_until: Option<OffsetDateTime>,
    pub must_change_password: bool,
    pub disabled: bool,
    /// Where reminders go by e-mail; none means reminders stay in the app.
    pub email: Option<String>,
}

/// A new account; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub agency_id: Option<i64>,
    pub must_change_password: bool,
    pub email: Option<&'a str>,
}

/// A session with the account it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub csrf_token: String,
    pub second_factor_pending: bool,
    pub expires_at: OffsetDateTime,
    pub user: UserRow,
    /// The account's notifications in the app not yet read, for the menu: counted with the
    /// session itself, so a page costs no more round trips for it.
    pub unread: i64,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: OffsetDateTime,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub detail: Option<String>,
    pub ip: Option<String>,
}

/// What to append to the audit log. Never personal data or secrets: names of things and ids.
#[derive(Debug, Clone, Default)]
pub struct AuditEntry<'a> {
    pub user_id: Option<i64>,
    pub username: Option<&'a str>,
    pub action: &'a str,
    pub target: Option<&'a str>,
    pub detail: Option<&'a str>,
    pub ip: Option<&'a str>,
}

/// Filters for reading the audit log; empty strings mean "any".
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: String,
    pub username: String,
    pub limit: i64,
}

const USER_COLUMNS: &str = "id, username, display_name, password_hash, role, agency_id, totp_secret, totp_enabled, \
     failed_logins, locked_until, must_change_password, disabled, email";

macro_rules! backend {
    ($module:ident, $db:ty) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::{Pool, Row};

            pub async fn create_user(pool: &Pool<$db>, u: &NewUser<'_>) -> Result<i64> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO users (username, display_name, password_hash, role, agency_id, must_change_password, email) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(u.username)
                .bind(u.display_name)
                .bind(u.password_hash)
                .bind(u.role)
                .bind(u.agency_id)
                .bind(u.must_change_password)
                .bind(u.email)
                .fetch_one(pool)
                .await
                .map_err(|e| match e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => {
                        StoreError::conflict(
                            format!("Tên đăng nhập \"{0}\" đã có người dùng", u.username),
                            format!("The username \"{0}\" is taken", u.username),
                        )
                    }
                    e => StoreError::Sql(e),
                })?;
                Ok(id)
            }

            pub async fn user_by_username(pool: &Pool<$db>, username: &str) -> Result<Option<UserRow>> {
                let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
                Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(username).fetch_optional(pool).await?)
            }

            pub async fn user_by_id(pool: &Pool<$db>, id: i64) -> Result<Option<UserRow>> {
                let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
                Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?)
            }

            pub async fn list_users(pool: &Pool<$db>) -> Result<Vec<UserRow>> {
                let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
                Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?)
            }

            pub async fn count_users(pool: &Pool<$db>) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await?)
            }

            pub async fn record_failed_login(
                pool: &Pool<$db>,
                id: i64,
                lock_after: i32,
                lock_until: OffsetDateTime,
            ) -> Result<bool> {
                let failed: i32 = sqlx::query_scalar(
                    "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
                )
                .bind(id)
                .fetch_one(pool)
                .await?;
                if failed >= lock_after {
                    sqlx::query("UPDATE users SET locked_until = $2, failed_logins = 0 WHERE id = $1")
                        .bind(id)
                        .bind(lock_until)
                        .execute(pool)
                        .await?;
                    return Ok(true);
                }
                Ok(false)
            }

            pub async fn reset_failed_logins(pool: &Pool<$db>, id: i64) -> Result<()> {
                sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
                    .bind(id)
                    .execute(pool)
                    .await?;
                Ok(())
            }

            pub async fn set_password(pool: &Pool<$db>, id: i64, hash: &str, must_change: bool) -> Result<()> {
                sqlx::query(
                    "UPDATE users SET password_hash = $2, must_change_password = $3, failed_logins = 0, locked_until = NULL \
                     WHERE id = $1",
                )
                .bind(id)
                .bind(hash)
                .bind(must_change)
                .execute(pool)
                .await?;
                Ok(())
            }

            pub async fn set_totp(pool: &Pool<$db>, id: i64, secret: Option<&str>, enabled: bool) -> Result<()> {
                sqlx::query("UPDATE users SET totp_secret = $2, totp_enabled = $3 WHERE id = $1")
                    .bind(id)
                    .bind(secret)
                    .bind(enabled)
                    .execute(pool)
                    .await?;
                Ok(())
            }

            pub async fn accept_totp_step(pool: &Pool<$db>, id: i64, step: i64) -> Result<bool> {
                // Only a step later than the last accepted one passes: a code is good once.
                let n = sqlx::query("UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2")
                    .bind(id)
                    .bind(step)
                    .execute(pool)
                    .await?
                    .rows_affected();
                Ok(n == 1)
            }

            pub async fn set_email(pool: &Pool<$db>, id: i64, email: Option<&str>) -> Result<()> {
                sqlx::query("UPDATE users SET email = $2 WHERE id = $1")
                    .bind(id)
                    .bind(email)
                    .execute(pool)
                    .await?;
                Ok(())
            }

            pub async fn set_disabled(pool: &Pool<$db>, id: i64, disabled: bool) -> Result<()> {
                sqlx::query("UPDATE users SET disabled = $2 WHERE id = $1")
                    .bind(id)
                    .bind(disabled)
                    .execute(pool)
                    .await?;
                Ok(())
            }

            pub async fn totp_required(pool: &Pool<$db>, role: &str) -> Result<bool> {
                let v: Option<bool> = sqlx::query_scalar("SELECT totp_required FROM role_policies WHERE role = $1")
                    .bind(role)
                    .fetch_optional(pool)
                    .await?;
                Ok(v.unwrap_or(false))
            }

            pub async fn set_totp_required(pool: &Pool<$db>, role: &str, required: bool) -> Result<()> {
                sqlx::query(
                    "INSERT INTO role_policies (role, totp_required) VALUES ($1, $2) \
                     ON CONFLICT (role) DO UPDATE SET totp_required = excluded.totp_required",
                )
                .bind(role)
                .bind(required)
                .execute(pool)
                .await?;
                Ok(())
            }

            pub async fn create_session(
                pool: &Pool<$db>,
                token_hash: &str,
                user_id: i64,
                csrf: &str,
                pending: bool,
                now: OffsetDateTime,
                expires: OffsetDateTime,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, user_id, csrf_token, second_factor_pending, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(token_hash)
                .bind(user_id)
                .bind(csrf)
                .bind(pending)
                .bind(now)
                .bind(expires)
                .execute(pool)
                .await?;
                Ok(())
            }

            pub async fn session(pool: &Pool<$db>, token_hash: &str, now: OffsetDateTime) -> Result<Option<SessionRow>> {
                // One round trip: every page asks this first.
                let row = sqlx::query(
                    "SELECT s.csrf_token, s.second_factor_pending, s.expires_at, \
                     u.id, u.username, u.display_name, u.password_hash, u.role, u.agency_id, u.totp_secret, \
                     u.totp_enabled, u.failed_logins, u.locked_until, u.must_change_password, u.disabled, u.email, \
                     (SELECT COUNT(*) FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL \
                        AND n.channel = 'app') AS unread \
                     FROM sessions s JOIN users u ON u.id = s.user_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                Ok(Some(SessionRow {
                    csrf_token: row.try_get(0)?,
                    second_factor_pending: row.try_get(1)?,
                    expires_at: row.try_get(2)?,
                    user: UserRow {
                        id: row.try_get(3)?,
                        username: row.try_get(4)?,
                        display_name: row.try_get(5)?,
                        password_hash: row.try_get(6)?,
                        role: row.try_get(7)?,
                        agency_id: row.try_get(8)?,
                        totp_secret: row.try_get(9)?,
                        totp_enabled: row.try_get(10)?,
                        failed_logins: row.try_get(11)?,
                        locked_until: row.try_get(12)?,
                        must_change_password: row.try_get(13)?,
                        disabled: row.try_get(14)?,
                        email: row.try_get(15)?,
                    },
                    unread: row.try_get(16)?,
                }))
            }

            pub async fn complete_second_factor(pool: &Pool<$db>, token_hash: &str) -> Result<()> {
                sqlx::query("UPDATE sessions SET second_factor_pending = FALSE WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(pool)
                    .await?;
                Ok(())
            }

            pub async fn delete_session(pool: &Pool<$db>, token_hash: &str) -> Result<()> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(pool)
                    .await?;
                Ok(())
            }

            pub async fn delete_user_sessions(pool: &Pool<$db>, user_id: i64) -> Result<u64> {
                let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(pool)
                    .await?;
                Ok(r.rows_affected())
            }

            pub async fn change_password(
                pool: &Pool<$db>,
                id: i64,
                hash: &str,
                must_change: bool,
                keep_session: Option<&str>,
            ) -> Result<u64> {
                let mut tx = pool.begin().await?;
                let n = sqlx::query(
                    "UPDATE users SET password_hash = $2, must_change_password = $3, failed_logins = 0, locked_until = NULL \
                     WHERE id = $1",
                )
                .bind(id)
                .bind(hash)
                .bind(must_change)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n == 0 {
                    return Err(StoreError::NotFound(format!("user {id}")));
                }
                let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                    .bind(id)
                    .bind(keep_session.unwrap_or_default())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit().await?;
                Ok(ended)
            }

            /// The account's recovery codes become `hashes`, inside the caller's transaction.
            async fn replace_codes(
                tx: &mut sqlx::Transaction<'_, $db>,
                user_id: i64,
                hashes: &[String],
                now: OffsetDateTime,
            ) -> Result<()> {
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut **tx)
                    .await?;
                for h in hashes {
                    sqlx::query("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)")
                        .bind(user_id)
                        .bind(h)
                        .bind(now)
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }

            pub async fn set_recovery_codes(
                pool: &Pool<$db>,
                user_id: i64,
                hashes: &[String],
                now: OffsetDateTime,
            ) -> Result<()> {
                let mut tx = pool.begin().await?;
                replace_codes(&mut tx, user_id, hashes, now).await?;
                tx.commit().await?;
                Ok(())
            }

            pub async fn enable_second_factor(
                pool: &Pool<$db>,
                user_id: i64,
                secret: &str,
                hashes: &[String],
                now: OffsetDateTime,
            ) -> Result<()> {
                let mut tx = pool.begin().await?;
                sqlx::query("UPDATE users SET totp_secret = $2, totp_enabled = TRUE WHERE id = $1")
                    .bind(user_id)
                    .bind(secret)
                    .execute(&mut *tx)
                    .await?;
                replace_codes(&mut tx, user_id, hashes, now).await?;
                tx.commit().await?;
                Ok(())
            }

            pub async fn use_recovery_code(pool: &Pool<$db>, user_id: i64, hash: &str, now: OffsetDateTime) -> Result<bool> {
                // One statement: of two sign-ins racing with the same code, one wins.
                let n = sqlx::query(
                    "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
                )
                .bind(user_id)
                .bind(hash)
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected();
                Ok(n == 1)
            }

            pub async fn recovery_codes_left(pool: &Pool<$db>, user_id: i64) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
                    .bind(user_id)
                    .fetch_one(pool)
                    .await?)
            }

            pub async fn reset_second_factor(pool: &Pool<$db>, user_id: i64) -> Result<u64> {
                let mut tx = pool.begin().await?;
                let n = sqlx::query("UPDATE users SET totp_secret = NULL, totp_enabled = FALSE WHERE id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if n == 0 {
                    return Err(StoreError::NotFound(format!("user {user_id}")));
                }
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit().await?;
                Ok(ended)
            }

            pub async fn disable_second_factor(pool: &Pool<$db>, user_id: i64) -> Result<()> {
                let mut tx = pool.begin().await?;
                sqlx::query("UPDATE users SET totp_secret = NULL, totp_enabled = FALSE WHERE id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            pub async fn server_key(pool: &Pool<$db>, name: &str, candidate: &str, now: OffsetDateTime) -> Result<String> {
                sqlx::query("INSERT INTO server_keys (name, key, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING")
                    .bind(name)
                    .bind(candidate)
                    .bind(now)
                    .execute(pool)
                    .await?;
                Ok(sqlx::query_scalar("SELECT key FROM server_keys WHERE name = $1")
                    .bind(name)
                    .fetch_one(pool)
                    .await?)
            }

            pub async fn delete_expired_sessions(pool: &Pool<$db>, now: OffsetDateTime) -> Result<u64> {
                let r = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(pool).await?;
                Ok(r.rows_affected())
            }

            pub async fn audit(pool: &Pool<$db>, e: &AuditEntry<'_>, now: OffsetDateTime) -> Result<()> {
                // Linked to the entry before it, under a lock (`audit_chain`).
                crate::audit_chain::$module::append(pool, e, now).await
            }

            pub async fn audit_log(pool: &Pool<$db>, f: &AuditFilter) -> Result<Vec<AuditRow>> {
                Ok(sqlx::query_as(
                    "SELECT id, at, user_id, username, action, target, detail, ip FROM audit_log \
                     WHERE ($1 = '' OR action = $1) AND ($2 = '' OR username = $2) \
                     ORDER BY id DESC LIMIT $3",
                )
                .bind(&f.action)
                .bind(&f.username)
                .bind(f.limit.clamp(1, 1000))
                .fetch_all(pool)
                .await?)
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);

impl Db {
    /// Try to change and to remove audit lines; both must fail (the triggers of migration 0002).
    /// Ok only if either statement went through. For tests of that guarantee.
    #[doc(hidden)]
    pub async fn tamper_with_audit_log(&self) -> Result<()> {
        let update = "UPDATE audit_log SET action = 'x'";
        let delete = "DELETE FROM audit_log";
        let (u, d) = match self {
            Db::Sqlite(p) => (
                sqlx::query(update).execute(p).await.is_ok(),
                sqlx::query(delete).execute(p).await.is_ok(),
            ),
            Db::Postgres(p) => (
                sqlx::query(update).execute(p).await.is_ok(),
                sqlx::query(delete).execute(p).await.is_ok(),
            ),
        };
        if u || d {
            Ok(())
        } else {
            Err(StoreError::invalid(
                "Nhật ký thao tác không nhận thay đổi này",
                "The audit log refused the change",
            ))
        }
    }

    pub async fn create_user(&self, u: &NewUser<'_>) -> Result<i64> {
        crate::dispatch!(self, create_user(u))
    }
    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRow>> {
        crate::dispatch!(self, user_by_username(username))
    }
    pub async fn user_by_id(&self, id: i64) -> Result<Option<UserRow>> {
        crate::dispatch!(self, user_by_id(id))
    }
    pub async fn list_users(&self) -> Result<Vec<UserRow>> {
        crate::dispatch!(self, list_users())
    }
    pub async fn count_users(&self) -> Result<i64> {
        crate::dispatch!(self, count_users())
    }
    /// Count a failed sign-in; at `lock_after` failures the account locks until `lock_until`.
    /// Returns true when this failure locked it.
    pub async fn record_failed_login(
        &self,
        id: i64,
        lock_after: i32,
        lock_until: OffsetDateTime,
    ) -> Result<bool> {
        crate::dispatch!(self, record_failed_login(id, lock_after, lock_until))
    }
    pub async fn reset_failed_logins(&self, id: i64) -> Result<()> {
        crate::dispatch!(self, reset_failed_logins(id))
    }
    pub async fn set_password(&self, id: i64, hash: &str, must_change: bool) -> Result<()> {
        crate::dispatch!(self, set_password(id, hash, must_change))
    }
    pub async fn set_totp(&self, id: i64, secret: Option<&str>, enabled: bool) -> Result<()> {
        crate::dispatch!(self, set_totp(id, secret, enabled))
    }
    /// Record a second-factor time step as used; false when it (or a later one) was used already.
    pub async fn accept_totp_step(&self, id: i64, step: i64) -> Result<bool> {
        crate::dispatch!(self, accept_totp_step(id, step))
    }
    /// Where reminders go by e-mail; None keeps them in the app.
    pub async fn set_email(&self, id: i64, email: Option<&str>) -> Result<()> {
        crate::dispatch!(self, set_email(id, email))
    }
    pub async fn set_disabled(&self, id: i64, disabled: bool) -> Result<()> {
        crate::dispatch!(self, set_disabled(id, disabled))
    }
    pub async fn totp_required(&self, role: &str) -> Result<bool> {
        crate::dispatch!(self, totp_required(role))
    }
    pub async fn set_totp_required(&self, role: &str, required: bool) -> Result<()> {
        crate::dispatch!(self, set_totp_required(role, required))
    }
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        pending: bool,
        now: OffsetDateTime,
        expires: OffsetDateTime,
    ) -> Result<()> {
        crate::dispatch!(
            self,
            create_session(token_hash, user_id, csrf, pending, now, expires)
        )
    }
    pub async fn session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<SessionRow>> {
        crate::dispatch!(self, session(token_hash, now))
    }
    pub async fn complete_second_factor(&self, token_hash: &str) -> Result<()> {
        crate::dispatch!(self, complete_second_factor(token_hash))
    }
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        crate::dispatch!(self, delete_session(token_hash))
    }
    pub async fn delete_user_sessions(&self, user_id: i64) -> Result<u64> {
        crate::dispatch!(self, delete_user_sessions(user_id))
    }
    /// Change the account's password and end its sessions in one transaction, all of them or all
    /// but `keep_session` (the token hash of the session the change was made in). Returns how
    /// many sessions ended.
    pub async fn change_password(
        &self,
        id: i64,
        hash: &str,
        must_change: bool,
        keep_session: Option<&str>,
    ) -> Result<u64> {
        crate::dispatch!(self, change_password(id, hash, must_change, keep_session))
    }
    /// Replace the account's recovery codes with these (SHA-256 hex of each code), in one
    /// transaction: codes issued earlier stop working.
    pub async fn set_recovery_codes(
        &self,
        user_id: i64,
        hashes: &[String],
        now: OffsetDateTime,
    ) -> Result<()> {
        crate::dispatch!(self, set_recovery_codes(user_id, hashes, now))
    }
    /// Turn the account's second factor on with `secret` and these recovery codes (SHA-256 hex),
    /// in one transaction.
    pub async fn enable_second_factor(
        &self,
        user_id: i64,
        secret: &str,
        hashes: &[String],
        now: OffsetDateTime,
    ) -> Result<()> {
        crate::dispatch!(self, enable_second_factor(user_id, secret, hashes, now))
    }
    /// Use the recovery code with this hash: true once, false if it is unknown or used already.
    pub async fn use_recovery_code(
        &self,
        user_id: i64,
        hash: &str,
        now: OffsetDateTime,
    ) -> Result<bool> {
        crate::dispatch!(self, use_recovery_code(user_id, hash, now))
    }
    /// How many of the account's recovery codes are still unused.
    pub async fn recovery_codes_left(&self, user_id: i64) -> Result<i64> {
        crate::dispatch!(self, recovery_codes_left(user_id))
    }
    /// An administrator's reset of a lost second factor, in one transaction: the secret and the
    /// recovery codes go, and so does every session of the account. Returns the sessions ended.
    pub async fn reset_second_factor(&self, user_id: i64) -> Result<u64> {
        crate::dispatch!(self, reset_second_factor(user_id))
    }
    /// The account's own switching off of its second factor: the secret and its recovery codes
    /// go together.
    pub async fn disable_second_factor(&self, user_id: i64) -> Result<()> {
        crate::dispatch!(self, disable_second_factor(user_id))
    }
    /// The server key `name`: the stored one, or `candidate` (hex) stored now if there is none,
    /// so every server process of the installation signs with the same key.
    pub async fn server_key(
        &self,
        name: &str,
        candidate: &str,
        now: OffsetDateTime,
    ) -> Result<String> {
        crate::dispatch!(self, server_key(name, candidate, now))
    }
    pub async fn delete_expired_sessions(&self, now: OffsetDateTime) -> Result<u64> {
        crate::dispatch!(self, delete_expired_sessions(now))
    }
    /// Append to the audit log (there is no way to change or remove a line).
    pub async fn audit(&self, e: &AuditEntry<'_>, now: OffsetDateTime) -> Result<()> {
        crate::dispatch!(self, audit(e, now))
    }
    pub async fn audit_log(&self, f: &AuditFilter) -> Result<Vec<AuditRow>> {
        crate::dispatch!(self, audit_log(f))
    }
}
