//! Reminders: the bodies still owing a report, who to tell, and the messages themselves. The
//! unique key of `notifications` (round, body, offset, person, channel) is what keeps a message
//! from being created twice; claiming a row before sending keeps it from being sent twice.

use crate::{Db, Result};
use time::{Date, OffsetDateTime};

/// A body that has not submitted in a round whose reminders may be due.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Owing {
    pub round_id: i64,
    pub label: String,
    pub plan_number: Option<String>,
    pub agency_deadline: Date,
    pub reminder_offsets: String,
    pub agency_id: i64,
    pub agency_name: String,
}

/// An account that can receive reminders.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Contact {
    pub user_id: i64,
    pub role: String,
    pub agency_id: Option<i64>,
    pub email: Option<String>,
}

/// A reminder to store.
#[derive(Debug, Clone)]
pub struct NewNotification<'a> {
    pub round_id: i64,
    pub agency_id: i64,
    pub offset_days: i32,
    pub user_id: i64,
    pub channel: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// An e-mail waiting to go out.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingEmail {
    pub id: i64,
    pub address: Option<String>,
    pub subject: String,
    pub body: String,
    /// The page a workflow notice points to, a path of this site.
    pub link: Option<String>,
}

/// A reminder as its recipient sees it in the app.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: i64,
    /// The round a report reminder is about; a reminder to issue a plan has none.
    pub round_id: Option<i64>,
    /// The plan a body is reminded to issue its own plan for (`links`).
    pub plan_id: Option<i64>,
    /// The body it concerns; none for a digest about many.
    pub agency_id: Option<i64>,
    pub subject: String,
    pub body: String,
    /// The page a workflow notice points to; reminders link by round or plan.
    pub link: Option<String>,
    pub created_at: OffsetDateTime,
    pub read_at: Option<OffsetDateTime>,
}

/// A logged reminder for the coordinator's log: what went to whom and whether it went.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SentRow {
    pub id: i64,
    pub round_id: i64,
    pub agency_name: String,
    pub offset_days: i32,
    pub username: String,
    pub channel: String,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
    pub attempts: i32,
    pub last_error: Option<String>,
}

/// Sending gives up after this many failed attempts.
pub const MAX_ATTEMPTS: i32 = 5;

macro_rules! backend {
    ($module:ident, $db:ty) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::Pool;

            /// Bodies with no report submitted or accepted, in rounds whose deadline is between
            /// `from` and `to` (the span in which some offset can fall on today).
            pub async fn owing(pool: &Pool<$db>, from: Date, to: Date) -> Result<Vec<Owing>> {
                Ok(sqlx::query_as(
                    "SELECT r.id AS round_id, r.label, d.number AS plan_number, r.agency_deadline, r.reminder_offsets, \
                     o.agency_id, g.name AS agency_name \
                     FROM rounds r JOIN plans p ON p.id = r.plan_id JOIN documents d ON d.id = p.document_id \
                     JOIN round_bodies o ON o.round_id = r.id \
                     JOIN agencies g ON g.id = o.agency_id \
                     LEFT JOIN reports x ON x.round_id = r.id AND x.agency_id = o.agency_id \
                     WHERE r.agency_deadline BETWEEN $1 AND $2 \
                     AND (x.id IS NULL OR x.status NOT IN ('submitted', 'accepted')) \
                     ORDER BY r.id, o.agency_id",
                )
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await?)
            }

            pub async fn contacts(pool: &Pool<$db>) -> Result<Vec<Contact>> {
                Ok(sqlx::query_as(
                    "SELECT id AS user_id, role, agency_id, email FROM users \
                     WHERE NOT disabled AND role IN ('focal_point', 'agency_head', 'coordinator') ORDER BY id",
                )
                .fetch_all(pool)
                .await?)
            }

            /// Store a reminder unless the same one exists; true when it was new.
            pub async fn add_notification(pool: &Pool<$db>, n: &NewNotification<'_>, now: OffsetDateTime) -> Result<bool> {
                let done = sqlx::query(
                    "INSERT INTO notifications (round_id, agency_id, offset_days, user_id, channel, subject, body, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (round_id, agency_id, offset_days, user_id, channel) \
                     WHERE event_key IS NULL AND round_id IS NOT NULL DO NOTHING",
                )
                .bind(n.round_id)
                .bind(n.agency_id)
                .bind(n.offset_days)
                .bind(n.user_id)
                .bind(n.channel)
                .bind(n.subject)
                .bind(n.body)
                .bind(now)
                .execute(pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            pub async fn pending_emails(pool: &Pool<$db>, limit: i64) -> Result<Vec<PendingEmail>> {
                Ok(sqlx::query_as(
                    "SELECT n.id, u.email AS address, n.subject, n.body, n.link FROM notifications n JOIN users u ON u.id = n.user_id \
                     WHERE n.channel = 'email' AND n.sent_at IS NULL AND n.attempts < $1 ORDER BY n.id LIMIT $2",
                )
                .bind(MAX_ATTEMPTS)
                .bind(limit)
                .fetch_all(pool)
                .await?)
            }

            /// Claim an e-mail for sending: true for the one caller that gets it.
            pub async fn claim_email(pool: &Pool<$db>, id: i64, now: OffsetDateTime) -> Result<bool> {
                let done = sqlx::query(
                    "UPDATE notifications SET sent_at = $2, attempts = attempts + 1 WHERE id = $1 AND sent_at IS NULL",
                )
                .bind(id)
                .bind(now)
                .execute(pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            /// Sending failed: release the claim so a later run tries again, and keep the reason.
            pub async fn email_failed(pool: &Pool<$db>, id: i64, error: &str) -> Result<()> {
                sqlx::query("UPDATE notifications SET sent_at = NULL, last_error = $2 WHERE id = $1")
                    .bind(id)
                    .bind(error)
                    .execute(pool)
                    .await?;
                Ok(())
            }

            pub async fn notifications_for(pool: &Pool<$db>, user_id: i64, limit: i64) -> Result<Vec<NotificationRow>> {
                Ok(sqlx::query_as(
                    "SELECT id, round_id, plan_id, agency_id, subject, body, link, created_at, read_at FROM notifications \
                     WHERE user_id = $1 AND channel = 'app' ORDER BY id DESC LIMIT $2",
                )
                .bind(user_id)
                .bind(limit)
                .fetch_all(pool)
                .await?)
            }

            pub async fn mark_read(pool: &Pool<$db>, user_id: i64, now: OffsetDateTime) -> Result<u64> {
                Ok(sqlx::query(
                    "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND channel = 'app' AND read_at IS NULL",
                )
                .bind(user_id)
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected())
            }

            pub async fn notification_log(pool: &Pool<$db>, round_id: i64) -> Result<Vec<SentRow>> {
                Ok(sqlx::query_as(
                    "SELECT n.id, n.round_id, g.name AS agency_name, n.offset_days, u.username, n.channel, n.created_at, \
                     n.sent_at, n.attempts, n.last_error FROM notifications n JOIN users u ON u.id = n.user_id \
                     JOIN agencies g ON g.id = n.agency_id WHERE n.round_id = $1 AND n.event_key IS NULL ORDER BY n.id DESC LIMIT 500",
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
    pub async fn owing(&self, from: Date, to: Date) -> Result<Vec<Owing>> {
        crate::dispatch!(self, owing(from, to))
    }
    pub async fn contacts(&self) -> Result<Vec<Contact>> {
        crate::dispatch!(self, contacts())
    }
    pub async fn add_notification(
        &self,
        n: &NewNotification<'_>,
        now: OffsetDateTime,
    ) -> Result<bool> {
        crate::dispatch!(self, add_notification(n, now))
    }
    pub async fn pending_emails(&self, limit: i64) -> Result<Vec<PendingEmail>> {
        crate::dispatch!(self, pending_emails(limit))
    }
    pub async fn claim_email(&self, id: i64, now: OffsetDateTime) -> Result<bool> {
        crate::dispatch!(self, claim_email(id, now))
    }
    pub async fn email_failed(&self, id: i64, error: &str) -> Result<()> {
        crate::dispatch!(self, email_failed(id, error))
    }
    pub async fn notifications_for(
        &self,
        user_id: i64,
        limit: i64,
    ) -> Result<Vec<NotificationRow>> {
        crate::dispatch!(self, notifications_for(user_id, limit))
    }
    pub async fn mark_read(&self, user_id: i64, now: OffsetDateTime) -> Result<u64> {
        crate::dispatch!(self, mark_read(user_id, now))
    }
    pub async fn notification_log(&self, round_id: i64) -> Result<Vec<SentRow>> {
        crate::dispatch!(self, notification_log(round_id))
    }
}
