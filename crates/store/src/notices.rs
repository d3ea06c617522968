//! Notices of the workflow: a report awaiting approval, approved, returned with its reason,
//! accepted or reopened; a digest of the reports received; an escalation raised or answered.
//! They share the reminders' table, so the inbox, the unread count and the e-mail queue are one.
//! A notice is written in the same transaction as the step it tells of, to everyone of its
//! audience at once (in the app, and by e-mail to those with an address); `event_key` keeps an
//! event from being told twice to the same person on the same channel.

use crate::{Db, Result};
use time::OffsetDateTime;

/// Who is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The focal points of a body.
    FocalPoints(i64),
    /// The heads of a body.
    Heads(i64),
    /// Focal points and heads of a body.
    Body(i64),
    /// The coordinators (Sở Tư pháp).
    Coordinators,
}

impl Audience {
    fn roles(self) -> &'static [&'static str] {
        match self {
            Self::FocalPoints(_) => &["focal_point"],
            Self::Heads(_) => &["agency_head"],
            Self::Body(_) => &["focal_point", "agency_head"],
            Self::Coordinators => &["coordinator"],
        }
    }

    fn agency(self) -> Option<i64> {
        match self {
            Self::FocalPoints(a) | Self::Heads(a) | Self::Body(a) => Some(a),
            Self::Coordinators => None,
        }
    }
}

/// One event told to an audience.
#[derive(Debug, Clone)]
pub struct Notice<'a> {
    /// Names the event: "report:42:approve:7" (report, action, version).
    pub event_key: String,
    pub round_id: Option<i64>,
    /// The body the event concerns; none for a digest about many.
    pub agency_id: Option<i64>,
    pub audience: Audience,
    pub subject: &'a str,
    pub body: &'a str,
    /// The page to open, a path of this site ("/rounds/3/reports/12").
    pub link: &'a str,
    /// Also by e-mail, to those with an address (the server has a mail relay).
    pub email: bool,
}

/// A report sent to the Sở Tư pháp, for the coordinators' digest.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Submission {
    pub event_id: i64,
    pub round_id: i64,
    pub round_label: String,
    pub agency_id: i64,
    pub agency_name: String,
    pub at: OffsetDateTime,
}

/// The last report event the coordinators' digest has told of.
const DIGEST_KEY: &str = "notices.submitted_digest_after";

/// Where a body's report stands for the body's home: whether the head was asked to approve the
/// version now saved, and the reason of the last return.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportWait {
    pub round_id: i64,
    pub asked: bool,
    pub return_reason: Option<String>,
}

macro_rules! backend {
    ($module:ident, $db:ty) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::QueryBuilder;

            /// Write `n` for its audience: one row per person in the app, one more per person
            /// with an e-mail address. Returns the rows written.
            pub async fn notify(
                conn: &mut <$db as sqlx::Database>::Connection,
                n: &Notice<'_>,
                now: OffsetDateTime,
            ) -> Result<u64> {
                let mut written = 0;
                let channels: &[&str] = if n.email { &["app", "email"] } else { &["app"] };
                for &channel in channels {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO notifications (round_id, agency_id, offset_days, user_id, channel, subject, body, \
                         created_at, event_key, link) SELECT ",
                    );
                    qb.push_bind(n.round_id)
                        .push(", ")
                        .push_bind(n.agency_id)
                        .push(", 0, u.id, ")
                        .push_bind(channel)
                        .push(", ")
                        .push_bind(n.subject)
                        .push(", ")
                        .push_bind(n.body)
                        .push(", ")
                        .push_bind(now)
                        .push(", ")
                        .push_bind(&n.event_key)
                        .push(", ")
                        .push_bind(n.link)
                        .push(" FROM users u WHERE NOT u.disabled AND u.role IN (");
                    let mut roles = qb.separated(", ");
                    for r in n.audience.roles() {
                        roles.push_bind(*r);
                    }
                    qb.push(")");
                    if let Some(a) = n.audience.agency() {
                        qb.push(" AND u.agency_id = ").push_bind(a);
                    }
                    if channel == "email" {
                        qb.push(" AND u.email IS NOT NULL");
                    }
                    qb.push(" ON CONFLICT DO NOTHING");
                    written += qb.build().execute(&mut *conn).await?.rows_affected();
                }
                Ok(written)
            }

            pub async fn submissions_after(pool: &sqlx::Pool<$db>, event_id: i64) -> Result<Vec<Submission>> {
                Ok(sqlx::query_as(
                    "SELECT e.id AS event_id, r.id AS round_id, r.label AS round_label, g.id AS agency_id, \
                     g.name AS agency_name, e.at FROM report_events e JOIN reports p ON p.id = e.report_id \
                     JOIN rounds r ON r.id = p.round_id JOIN agencies g ON g.id = p.agency_id \
                     WHERE e.action = 'submit' AND e.id > $1 ORDER BY e.id",
                )
                .bind(event_id)
                .fetch_all(pool)
                .await?)
            }

            pub async fn digest_watermark(pool: &sqlx::Pool<$db>) -> Result<i64> {
                let v: Option<String> = sqlx::query_scalar("SELECT value FROM app_settings WHERE key = $1")
                    .bind(DIGEST_KEY)
                    .fetch_optional(pool)
                    .await?;
                Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
            }

            /// The coordinators' digest of the reports sent up to report event `up_to`, and the
            /// mark that they were told, in one transaction: a digest is neither lost nor repeated.
            pub async fn record_digest(
                pool: &sqlx::Pool<$db>,
                n: &Notice<'_>,
                up_to: i64,
                now: OffsetDateTime,
            ) -> Result<u64> {
                let mut tx = pool.begin().await?;
                sqlx::query(
                    "INSERT INTO app_settings (key, value, updated_by, updated_at) VALUES ($1, $2, NULL, $3) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                )
                .bind(DIGEST_KEY)
                .bind(up_to.to_string())
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let written = notify(&mut tx, n, now).await?;
                tx.commit().await?;
                Ok(written)
            }

            pub async fn report_waits(pool: &sqlx::Pool<$db>, agency_id: i64) -> Result<Vec<ReportWait>> {
                Ok(sqlx::query_as(
                    "SELECT p.round_id, \
                     EXISTS (SELECT 1 FROM notifications n WHERE n.event_key = \
                        'report:' || p.round_id || ':' || p.agency_id || ':ask:' || p.version) AS asked, \
                     (SELECT e.comment FROM report_events e WHERE e.report_id = p.id \
                        AND e.action IN ('return', 'reopen') ORDER BY e.id DESC LIMIT 1) AS return_reason \
                     FROM reports p WHERE p.agency_id = $1",
                )
                .bind(agency_id)
                .fetch_all(pool)
                .await?)
            }

            pub async fn notify_now(pool: &sqlx::Pool<$db>, n: &Notice<'_>, now: OffsetDateTime) -> Result<u64> {
                let mut conn = pool.acquire().await?;
                notify(&mut conn, n, now).await
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);

impl Db {
    /// Tell an event to its audience now (outside another transaction).
    pub async fn notify(&self, n: &Notice<'_>, now: OffsetDateTime) -> Result<u64> {
        crate::dispatch!(self, notify_now(n, now))
    }

    /// Reports sent after the report event `event_id`, oldest first: what the coordinators'
    /// next digest lists.
    pub async fn submissions_after(&self, event_id: i64) -> Result<Vec<Submission>> {
        crate::dispatch!(self, submissions_after(event_id))
    }

    /// Where each of a body's reports waits: asked to the head, or returned and why.
    pub async fn report_waits(&self, agency_id: i64) -> Result<Vec<ReportWait>> {
        crate::dispatch!(self, report_waits(agency_id))
    }

    /// The last report event a digest has told the coordinators of (0: none yet).
    pub async fn digest_watermark(&self) -> Result<i64> {
        crate::dispatch!(self, digest_watermark())
    }

    /// Write the coordinators' digest and move the mark to `up_to`, together.
    pub async fn record_digest(
        &self,
        n: &Notice<'_>,
        up_to: i64,
        now: OffsetDateTime,
    ) -> Result<u64> {
        crate::dispatch!(self, record_digest(n, up_to, now))
    }
}
