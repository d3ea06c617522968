//! The coordinator's and agencies' work on a stored plan: the agency directory (add, edit; merging
//! is in `agency_merge`), each agency's home (what it must do), task detail, agencies' own
//! implementation plans (cascade plans) and escalations (vướng mắc).

use crate::{Db, Result, StoreError};
use time::{Date, OffsetDateTime};

/// An agency with its spellings, for the directory and its edit form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyDetail {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub is_group: bool,
    pub requested_only: bool,
    pub parent_id: Option<i64>,
    pub names: Vec<String>,
}

/// A task as one agency sees it on its home page.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AgencyTask {
    pub task_id: i64,
    pub plan_id: i64,
    pub plan_number: Option<String>,
    pub reference: String,
    pub title: String,
    pub time_text: String,
    pub time_kind: String,
    #[sqlx(try_from = "String")]
    pub role: theodoi_domain::Role,
    /// Set when the assignment reaches the agency through a group ("UBND các xã, phường").
    pub via_group: Option<String>,
}

/// A section III duty that names the agency (or a group it belongs to).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyDuty {
    pub plan_id: i64,
    pub number: i32,
    pub heading: String,
    pub duties: Vec<String>,
    pub requested_only: bool,
}

/// One task with everything its page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskDetail {
    pub id: i64,
    pub plan_id: i64,
    pub plan_number: Option<String>,
    pub plan_title: String,
    pub reference: String,
    pub title: String,
    pub time_text: String,
    pub time_kind: String,
    /// Sản phẩm, when the plan names one.
    pub product: Option<String>,
    pub start_line: i32,
    pub end_line: i32,
    pub items: Vec<String>,
    /// (agency id, name, role, is_group)
    pub assignments: Vec<(i64, String, String, bool)>,
}

/// An agency's own implementation plan, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CascadePlanRow {
    pub id: i64,
    pub agency_id: i64,
    pub number: String,
    pub issued_on: Date,
    pub title: String,
    pub file_name: Option<String>,
    pub recorded_at: OffsetDateTime,
}

/// Who has and who has not recorded its implementation plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CascadeStatus {
    pub agency_id: i64,
    pub agency_name: String,
    pub kind: String,
    pub plan: Option<CascadePlanRow>,
}

/// A new cascade plan from an agency.
#[derive(Debug, Clone)]
pub struct NewCascadePlan<'a> {
    pub plan_id: i64,
    pub agency_id: i64,
    pub number: &'a str,
    pub issued_on: Date,
    pub title: &'a str,
    pub file: Option<(&'a str, &'a str, &'a [u8])>,
    pub recorded_by: i64,
}

/// A stored file (name, type, bytes).
pub type StoredFile = (String, String, Vec<u8>);

/// An escalation with its task and agency names, for lists.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EscalationRow {
    pub id: i64,
    pub task_id: i64,
    pub reference: String,
    pub agency_id: i64,
    pub agency_name: String,
    pub subject: String,
    pub status: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// One message in an escalation's thread.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EscalationMessage {
    pub id: i64,
    pub author: Option<String>,
    pub kind: String,
    pub body: String,
    pub created_at: OffsetDateTime,
}

/// What a message does to the escalation's status.
/// A difficulty a body raises on one of its tasks.
#[derive(Debug, Clone, Copy)]
pub struct NewEscalation<'a> {
    pub task_id: i64,
    pub agency_id: i64,
    /// Who raises it.
    pub user_id: i64,
    pub subject: &'a str,
    pub body: &'a str,
}

pub fn status_after(kind: &str) -> Option<&'static str> {
    match kind {
        "raise" | "reply" => Some("open"),
        "answer" => Some("answered"),
        "forward" => Some("forwarded"),
        "close" => Some("closed"),
        _ => None,
    }
}

/// The columns of an [`EscalationRow`], with its task and agency.
macro_rules! escalation_sql {
    () => {
        "SELECT e.id, e.task_id, t.ref AS reference, e.agency_id, g.name AS agency_name, e.subject, e.status, \
         e.created_at, e.updated_at FROM escalations e JOIN tasks t ON t.id = e.task_id \
         JOIN agencies g ON g.id = e.agency_id"
    };
}

macro_rules! backend {
    ($module:ident, $db:ty) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::{Pool, Row};

            pub async fn agency(pool: &Pool<$db>, id: i64) -> Result<Option<AgencyDetail>> {
                let row = sqlx::query(
                    "SELECT id, code, name, kind, is_group, requested_only, parent_id FROM agencies WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(pool)
                .await?;
                let Some(r) = row else { return Ok(None) };
                let names: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM agency_names WHERE agency_id = $1 ORDER BY name")
                        .bind(id)
                        .fetch_all(pool)
                        .await?;
                Ok(Some(AgencyDetail {
                    id: r.try_get(0)?,
                    code: r.try_get(1)?,
                    name: r.try_get(2)?,
                    kind: r.try_get(3)?,
                    is_group: r.try_get(4)?,
                    requested_only: r.try_get(5)?,
                    parent_id: r.try_get(6)?,
                    names,
                }))
            }

            pub async fn create_agency(
                pool: &Pool<$db>,
                name: &str,
                kind: &str,
                is_group: bool,
                parent_id: Option<i64>,
            ) -> Result<i64> {
                let code = theodoi_domain::agency_code(name);
                if code.is_empty() {
                    return Err(StoreError::invalid("Tên cơ quan phải có chữ", "An agency's name needs letters"));
                }
                let mut tx = pool.begin().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO agencies (code, name, kind, is_group, requested_only, parent_id, sort_key) \
                     VALUES ($1, $2, $3, $4, FALSE, $5, $6) RETURNING id",
                )
                .bind(&code)
                .bind(name)
                .bind(kind)
                .bind(is_group)
                .bind(parent_id)
                .bind(theodoi_text::collate(name))
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => {
                        StoreError::conflict(
                            format!("Đã có cơ quan tên \"{name}\""),
                            format!("An agency named \"{name}\" exists already"),
                        )
                    }
                    e => StoreError::Sql(e),
                })?;
                sqlx::query("INSERT INTO agency_names (agency_id, name) VALUES ($1, $2)")
                    .bind(id)
                    .bind(name)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(id)
            }

            /// Rename (the code stays: it is the agency's identity), change kind, parent, flag.
            pub async fn update_agency(
                pool: &Pool<$db>,
                id: i64,
                name: &str,
                kind: &str,
                parent_id: Option<i64>,
                requested_only: bool,
            ) -> Result<()> {
                if parent_id == Some(id) {
                    return Err(StoreError::invalid(
                        "Cơ quan không thể là cấp trên của chính mình",
                        "An agency cannot be its own parent",
                    ));
                }
                let mut tx = pool.begin().await?;
                let n = sqlx::query(
                    "UPDATE agencies SET name = $2, kind = $3, parent_id = $4, requested_only = $5, sort_key = $6 WHERE id = $1",
                )
                .bind(id)
                .bind(name)
                .bind(kind)
                .bind(parent_id)
                .bind(requested_only)
                .bind(theodoi_text::collate(name))
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n == 0 {
                    return Err(StoreError::NotFound(format!("agency {id}")));
                }
                sqlx::query("INSERT INTO agency_names (agency_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(id)
                    .bind(name)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            pub async fn agency_tasks(pool: &Pool<$db>, agency_id: i64) -> Result<Vec<AgencyTask>> {
                // Direct assignments, then those through a group whose kind matches the agency's
                // or that names related bodies of any kind ("các cơ quan liên quan").
                Ok(sqlx::query_as(
                    "SELECT t.id AS task_id, t.plan_id, d.number AS plan_number, t.ref AS reference, t.title, \
                     t.time_text, t.time_kind, a.role, NULL AS via_group \
                     FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN plans p ON p.id = t.plan_id \
                     JOIN documents d ON d.id = p.document_id WHERE a.agency_id = $1 \
                     UNION ALL \
                     SELECT t.id, t.plan_id, d.number, t.ref, t.title, t.time_text, t.time_kind, a.role, g.name \
                     FROM assignments a JOIN agencies g ON g.id = a.agency_id AND g.is_group \
                     JOIN agencies me ON me.id = $1 AND NOT me.is_group AND (g.kind = me.kind OR g.kind = 'other') \
                     JOIN tasks t ON t.id = a.task_id JOIN plans p ON p.id = t.plan_id \
                     JOIN documents d ON d.id = p.document_id \
                     WHERE NOT EXISTS (SELECT 1 FROM assignments x WHERE x.task_id = t.id AND x.agency_id = $1) \
                     ORDER BY 2, 4, 8",
                )
                .bind(agency_id)
                .fetch_all(pool)
                .await?)
            }

            pub async fn agency_duties(pool: &Pool<$db>, agency_id: i64) -> Result<Vec<AgencyDuty>> {
                let rows = sqlx::query(
                    "SELECT DISTINCT r.plan_id, r.number, r.heading, r.duties, r.requested_only \
                     FROM responsibilities r JOIN responsibility_agencies ra ON ra.responsibility_id = r.id \
                     JOIN agencies g ON g.id = ra.agency_id JOIN agencies me ON me.id = $1 \
                     WHERE g.id = me.id OR (g.is_group AND NOT me.is_group AND (g.kind = me.kind OR g.kind = 'other')) \
                     ORDER BY r.plan_id, r.number",
                )
                .bind(agency_id)
                .fetch_all(pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    let duties: String = r.try_get(3)?;
                    out.push(AgencyDuty {
                        plan_id: r.try_get(0)?,
                        number: r.try_get(1)?,
                        heading: r.try_get(2)?,
                        duties: serde_json::from_str(&duties).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                        requested_only: r.try_get(4)?,
                    });
                }
                Ok(out)
            }

            pub async fn task_detail(pool: &Pool<$db>, id: i64) -> Result<Option<TaskDetail>> {
                let row = sqlx::query(
                    "SELECT t.id, t.plan_id, d.number, d.title, t.ref, t.title, t.time_text, t.time_kind, \
                     t.start_line, t.end_line, t.product FROM tasks t JOIN plans p ON p.id = t.plan_id \
                     JOIN documents d ON d.id = p.document_id WHERE t.id = $1",
                )
                .bind(id)
                .fetch_optional(pool)
                .await?;
                let Some(r) = row else { return Ok(None) };
                let items: Vec<String> =
                    sqlx::query_scalar("SELECT text FROM task_items WHERE task_id = $1 ORDER BY position")
                        .bind(id)
                        .fetch_all(pool)
                        .await?;
                let assignments: Vec<(i64, String, String, bool)> = sqlx::query_as(
                    "SELECT g.id, g.name, a.role, g.is_group FROM assignments a JOIN agencies g ON g.id = a.agency_id \
                     WHERE a.task_id = $1 ORDER BY a.role DESC, a.position",
                )
                .bind(id)
                .fetch_all(pool)
                .await?;
                Ok(Some(TaskDetail {
                    id: r.try_get(0)?,
                    plan_id: r.try_get(1)?,
                    plan_number: r.try_get(2)?,
                    plan_title: r.try_get(3)?,
                    reference: r.try_get(4)?,
                    title: r.try_get(5)?,
                    time_text: r.try_get(6)?,
                    time_kind: r.try_get(7)?,
                    start_line: r.try_get(8)?,
                    end_line: r.try_get(9)?,
                    product: r.try_get(10)?,
                    items,
                    assignments,
                }))
            }

            pub async fn record_cascade_plan(pool: &Pool<$db>, c: &NewCascadePlan<'_>, now: OffsetDateTime) -> Result<i64> {
                let (name, kind, bytes) = match c.file {
                    Some((n, k, b)) => (Some(n), Some(k), Some(b)),
                    None => (None, None, None),
                };
                Ok(sqlx::query_scalar(
                    "INSERT INTO cascade_plans (plan_id, agency_id, number, issued_on, title, file_name, file_type, file_bytes, recorded_by, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                     ON CONFLICT (plan_id, agency_id) DO UPDATE SET number = excluded.number, issued_on = excluded.issued_on, \
                     title = excluded.title, \
                     file_name = CASE WHEN excluded.file_bytes IS NULL THEN cascade_plans.file_name ELSE excluded.file_name END, \
                     file_type = CASE WHEN excluded.file_bytes IS NULL THEN cascade_plans.file_type ELSE excluded.file_type END, \
                     file_bytes = CASE WHEN excluded.file_bytes IS NULL THEN cascade_plans.file_bytes ELSE excluded.file_bytes END, \
                     recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at RETURNING id",
                )
                .bind(c.plan_id)
                .bind(c.agency_id)
                .bind(c.number)
                .bind(c.issued_on)
                .bind(c.title)
                .bind(name)
                .bind(kind)
                .bind(bytes)
                .bind(c.recorded_by)
                .bind(now)
                .fetch_one(pool)
                .await?)
            }

            pub async fn cascade_status(pool: &Pool<$db>, plan_id: i64) -> Result<Vec<CascadeStatus>> {
                // Expected: every single agency the UBND can direct (not groups, not bodies it can
                // only request, not central bodies or the UBND itself) …
                let agencies: Vec<(i64, String, String)> = sqlx::query_as(
                    "SELECT id, name, kind FROM agencies WHERE NOT is_group AND NOT requested_only \
                     AND kind NOT IN ('central', 'people_committee')",
                )
                .fetch_all(pool)
                .await?;
                let plans: Vec<CascadePlanRow> = sqlx::query_as(
                    "SELECT id, agency_id, number, issued_on, title, file_name, recorded_at FROM cascade_plans WHERE plan_id = $1",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?;
                // … that is the city's: named by this plan or another plan of its issuer, or by no
                // plan at all (added to the directory by hand). Importing a plan adds the bodies it
                // names to the directory; those named only by plans of other issuers (another
                // province's plan, a body's own plan naming its units) are not the city's to ask.
                let issuers: Vec<(i64, Option<String>)> = sqlx::query_as(
                    "SELECT p.id, d.issuer FROM plans p JOIN documents d ON d.id = p.document_id",
                )
                .fetch_all(pool)
                .await?;
                let named: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT a.agency_id, t.plan_id FROM assignments a JOIN tasks t ON t.id = a.task_id \
                     UNION SELECT ra.agency_id, r.plan_id FROM responsibility_agencies ra \
                     JOIN responsibilities r ON r.id = ra.responsibility_id",
                )
                .fetch_all(pool)
                .await?;
                let key = |i: &Option<String>| i.as_deref().map(theodoi_text::key).filter(|k| !k.is_empty());
                let own = issuers.iter().find(|(id, _)| *id == plan_id).and_then(|(_, i)| key(i));
                let city: std::collections::HashSet<i64> = issuers
                    .iter()
                    .filter(|(id, i)| *id == plan_id || (own.is_some() && key(i) == own))
                    .map(|(id, _)| *id)
                    .collect();
                // Agency → named by a plan of the city.
                let mut by_city: std::collections::HashMap<i64, bool> = std::collections::HashMap::new();
                for (agency, plan) in &named {
                    *by_city.entry(*agency).or_default() |= city.contains(plan);
                }
                let of_the_city = |agency: i64| {
                    by_city.get(&agency).is_none_or(|c| *c) || plans.iter().any(|p| p.agency_id == agency)
                };
                let mut out: Vec<CascadeStatus> = agencies
                    .into_iter()
                    .filter(|(id, _, _)| of_the_city(*id))
                    .map(|(id, name, kind)| CascadeStatus {
                        plan: plans.iter().find(|p| p.agency_id == id).cloned(),
                        agency_id: id,
                        agency_name: name,
                        kind,
                    })
                    .collect();
                out.sort_by_cached_key(|s| (s.plan.is_some(), theodoi_text::collate(&s.agency_name), s.agency_id));
                Ok(out)
            }

            pub async fn cascade_file(pool: &Pool<$db>, id: i64) -> Result<Option<(i64, StoredFile)>> {
                let row = sqlx::query(
                    "SELECT agency_id, file_name, file_type, file_bytes FROM cascade_plans WHERE id = $1 AND file_bytes IS NOT NULL",
                )
                .bind(id)
                .fetch_optional(pool)
                .await?;
                let Some(r) = row else { return Ok(None) };
                Ok(Some((r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?, r.try_get(3)?))))
            }

            pub async fn raise_escalation(
                pool: &Pool<$db>,
                e: &NewEscalation<'_>,
                now: OffsetDateTime,
                email: bool,
            ) -> Result<i64> {
                let NewEscalation { task_id, agency_id, user_id, subject, body } = *e;
                let mut tx = pool.begin().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO escalations (task_id, agency_id, subject, status, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, 'open', $4, $5, $5) RETURNING id",
                )
                .bind(task_id)
                .bind(agency_id)
                .bind(subject)
                .bind(user_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO escalation_messages (escalation_id, author_id, kind, body, created_at) VALUES ($1, $2, 'raise', $3, $4)",
                )
                .bind(id)
                .bind(user_id)
                .bind(body)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                escalation_notice(&mut tx, id, "raise", user_id, now, email).await?;
                tx.commit().await?;
                Ok(id)
            }

            /// Tell the other side of an escalation what was written: the coordinators when a
            /// body writes, the body's focal points and heads when the coordinator does.
            async fn escalation_notice(
                tx: &mut sqlx::Transaction<'_, $db>,
                id: i64,
                kind: &str,
                author: i64,
                now: OffsetDateTime,
                email: bool,
            ) -> Result<()> {
                let (agency_id, agency, subject, role): (i64, String, String, String) = sqlx::query_as(
                    "SELECT e.agency_id, g.name, e.subject, u.role FROM escalations e \
                     JOIN agencies g ON g.id = e.agency_id JOIN users u ON u.id = $2 WHERE e.id = $1",
                )
                .bind(id)
                .bind(author)
                .fetch_one(&mut **tx)
                .await?;
                let from_body = matches!(role.as_str(), "focal_point" | "agency_head" | "inspector");
                let audience = if from_body {
                    crate::notices::Audience::Coordinators
                } else {
                    crate::notices::Audience::Body(agency_id)
                };
                let what = match kind {
                    "raise" => format!("{agency} nêu vướng mắc"),
                    "answer" => "Sở Tư pháp trả lời vướng mắc".to_string(),
                    "forward" => "Sở Tư pháp chuyển vướng mắc đến cơ quan có thẩm quyền".to_string(),
                    "close" => "Sở Tư pháp đóng vướng mắc".to_string(),
                    _ if from_body => format!("{agency} trao đổi thêm về vướng mắc"),
                    _ => "Sở Tư pháp trao đổi thêm về vướng mắc".to_string(),
                };
                let title = format!("{what}: {subject}");
                let body = format!("{what} \u{201C}{subject}\u{201D}. Mở trang vướng mắc để xem và trả lời.");
                let seq: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM escalation_messages WHERE escalation_id = $1")
                    .bind(id)
                    .fetch_one(&mut **tx)
                    .await?;
                let link = format!("/escalations/{id}");
                let notice = crate::notices::Notice {
                    event_key: format!("escalation:{id}:{seq}"),
                    round_id: None,
                    agency_id: Some(agency_id),
                    audience,
                    subject: &title,
                    body: &body,
                    link: &link,
                    email,
                };
                crate::notices::$module::notify(&mut **tx, &notice, now).await?;
                Ok(())
            }

            pub async fn add_escalation_message(
                pool: &Pool<$db>,
                id: i64,
                user_id: i64,
                kind: &str,
                body: &str,
                now: OffsetDateTime,
                email: bool,
            ) -> Result<()> {
                let status = status_after(kind).ok_or_else(|| StoreError::invalid(
                    format!("Không có loại tin nhắn \"{kind}\""),
                    format!("No such kind of message \"{kind}\""),
                ))?;
                let mut tx = pool.begin().await?;
                // A reply to a forwarded escalation keeps it forwarded: it still waits on the
                // body it was forwarded to.
                let n = sqlx::query(
                    "UPDATE escalations SET status = CASE WHEN $4 = 'reply' AND status = 'forwarded' \
                     THEN status ELSE $2 END, updated_at = $3 WHERE id = $1",
                )
                    .bind(id)
                    .bind(status)
                    .bind(now)
                    .bind(kind)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if n == 0 {
                    return Err(StoreError::NotFound(format!("escalation {id}")));
                }
                sqlx::query(
                    "INSERT INTO escalation_messages (escalation_id, author_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(user_id)
                .bind(kind)
                .bind(body)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                escalation_notice(&mut tx, id, kind, user_id, now, email).await?;
                tx.commit().await?;
                Ok(())
            }

            pub async fn escalations(pool: &Pool<$db>, agency_id: Option<i64>, task_id: Option<i64>) -> Result<Vec<EscalationRow>> {
                Ok(sqlx::query_as(concat!(
                    escalation_sql!(),
                    " WHERE ($1 IS NULL OR e.agency_id = $1) AND ($2 IS NULL OR e.task_id = $2) \
                     ORDER BY e.updated_at DESC, e.id DESC"
                ))
                .bind(agency_id)
                .bind(task_id)
                .fetch_all(pool)
                .await?)
            }

            pub async fn escalation(pool: &Pool<$db>, id: i64) -> Result<Option<(EscalationRow, Vec<EscalationMessage>)>> {
                let row: Option<EscalationRow> = sqlx::query_as(concat!(escalation_sql!(), " WHERE e.id = $1"))
                .bind(id)
                .fetch_optional(pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                let messages: Vec<EscalationMessage> = sqlx::query_as(
                    "SELECT m.id, u.display_name AS author, m.kind, m.body, m.created_at FROM escalation_messages m \
                     LEFT JOIN users u ON u.id = m.author_id WHERE m.escalation_id = $1 ORDER BY m.id",
                )
                .bind(id)
                .fetch_all(pool)
                .await?;
                Ok(Some((row, messages)))
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);

impl Db {
    pub async fn agency(&self, id: i64) -> Result<Option<AgencyDetail>> {
        crate::dispatch!(self, agency(id))
    }
    pub async fn create_agency(
        &self,
        name: &str,
        kind: &str,
        is_group: bool,
        parent_id: Option<i64>,
    ) -> Result<i64> {
        crate::dispatch!(self, create_agency(name, kind, is_group, parent_id))
    }
    pub async fn update_agency(
        &self,
        id: i64,
        name: &str,
        kind: &str,
        parent_id: Option<i64>,
        requested_only: bool,
    ) -> Result<()> {
        crate::dispatch!(
            self,
            update_agency(id, name, kind, parent_id, requested_only)
        )
    }
    pub async fn agency_tasks(&self, agency_id: i64) -> Result<Vec<AgencyTask>> {
        crate::dispatch!(self, agency_tasks(agency_id))
    }
    pub async fn agency_duties(&self, agency_id: i64) -> Result<Vec<AgencyDuty>> {
        crate::dispatch!(self, agency_duties(agency_id))
    }
    pub async fn task_detail(&self, id: i64) -> Result<Option<TaskDetail>> {
        crate::dispatch!(self, task_detail(id))
    }
    pub async fn record_cascade_plan(
        &self,
        c: &NewCascadePlan<'_>,
        now: OffsetDateTime,
    ) -> Result<i64> {
        crate::dispatch!(self, record_cascade_plan(c, now))
    }
    pub async fn cascade_status(&self, plan_id: i64) -> Result<Vec<CascadeStatus>> {
        crate::dispatch!(self, cascade_status(plan_id))
    }
    pub async fn cascade_file(&self, id: i64) -> Result<Option<(i64, StoredFile)>> {
        crate::dispatch!(self, cascade_file(id))
    }
    /// Raise an escalation; the coordinators are told with it (by e-mail too when `email`).
    pub async fn raise_escalation(
        &self,
        e: &NewEscalation<'_>,
        now: OffsetDateTime,
        email: bool,
    ) -> Result<i64> {
        crate::dispatch!(self, raise_escalation(e, now, email))
    }
    pub async fn add_escalation_message(
        &self,
        id: i64,
        user_id: i64,
        kind: &str,
        body: &str,
        now: OffsetDateTime,
        email: bool,
    ) -> Result<()> {
        crate::dispatch!(
            self,
            add_escalation_message(id, user_id, kind, body, now, email)
        )
    }
    pub async fn escalations(
        &self,
        agency_id: Option<i64>,
        task_id: Option<i64>,
    ) -> Result<Vec<EscalationRow>> {
        crate::dispatch!(self, escalations(agency_id, task_id))
    }
    pub async fn escalation(
        &self,
        id: i64,
    ) -> Result<Option<(EscalationRow, Vec<EscalationMessage>)>> {
        crate::dispatch!(self, escalation(id))
    }
}
