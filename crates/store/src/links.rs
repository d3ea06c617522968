//! Plans of plans (KH 14, III.9): a body's own plan, imported like any plan, implements its parent
//! (its document cites the parent's number as "Thực hiện Kế hoạch số …"). Here: which stored plans
//! implement which, the body that issued each (its header's issuer matched against the agency
//! directory), links from a body's tasks to the parent's tasks they carry out, plans a body sent on
//! paper or through the e-office registered by the coordinator, and reminders to the bodies that
//! have not issued a plan yet.

use crate::workspace::{CascadePlanRow, NewCascadePlan};
use crate::{Db, Result, StoreError};
use time::{Date, OffsetDateTime};

/// A stored plan that implements another stored plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImplementingPlan {
    pub plan_id: i64,
    pub number: Option<String>,
    pub title: String,
    pub issuer: Option<String>,
    pub issued_on: Option<Date>,
    /// The body that issued it, when its issuer matches one in the directory.
    pub agency: Option<(i64, String)>,
}

/// A stored plan that a plan implements (its parent).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ParentPlan {
    pub plan_id: i64,
    pub number: String,
    pub title: String,
}

/// A task offered in the choice of the parent's tasks.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaskChoice {
    pub id: i64,
    pub plan_id: i64,
    pub plan_number: Option<String>,
    pub reference: String,
    pub title: String,
}

/// The other end of a task link, with its plan and the body that issued that plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedTask {
    pub task_id: i64,
    pub reference: String,
    pub title: String,
    pub plan_id: i64,
    pub plan_number: Option<String>,
    pub issuer: Option<String>,
    pub agency: Option<(i64, String)>,
    pub linked_at: OffsetDateTime,
}

/// How a cascade plan was recorded: by whom, and how it reached the Sở when the coordinator
/// registered it for the body.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CascadeRecord {
    pub id: i64,
    pub agency_id: i64,
    pub recorded_by: Option<String>,
    pub received_via: Option<String>,
}

/// A body expected to issue its own plan under a plan, and what it has issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CascadeBody {
    pub agency_id: i64,
    pub agency_name: String,
    pub kind: String,
    /// Recorded by the body, or registered for it by the coordinator.
    pub plan: Option<CascadePlanRow>,
    pub record: Option<CascadeRecord>,
    /// Imported plans it issued that implement the plan.
    pub imported: Vec<ImplementingPlan>,
}

impl CascadeBody {
    /// It has issued its plan: recorded, registered or imported.
    pub fn has_plan(&self) -> bool {
        self.plan.is_some() || !self.imported.is_empty()
    }
}

/// Who has issued a plan under a plan, and the imported plans credited to no expected body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cascade {
    /// Those without a plan first, each part in Vietnamese order.
    pub bodies: Vec<CascadeBody>,
    pub unmatched: Vec<ImplementingPlan>,
}

/// A reminder about a plan (not a round) to store.
#[derive(Debug, Clone)]
pub struct PlanReminder<'a> {
    pub plan_id: i64,
    pub agency_id: i64,
    pub user_id: i64,
    pub channel: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// The day (Vietnam time): one reminder per body, person and channel a day.
    pub remind_on: Date,
}

/// How a plan registered by the coordinator reached the Sở Tư pháp.
pub const RECEIVED_VIA: &[&str] = &["paper", "eoffice"];

/// One agency's spellings as codes, for matching an issuer line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerCandidate {
    pub agency_id: i64,
    pub name: String,
    /// The agency's codes: its own, its other spellings' and the aliases merged into it.
    pub codes: Vec<String>,
    /// The city's (or a province's) People's Committee: it heads most issuer lines of the bodies
    /// under it ("ỦY BAN NHÂN DÂN THÀNH PHỐ … / SỞ TƯ PHÁP"), so it never matches by prefix.
    pub committee: bool,
}

/// The body that issued a document, from its issuer line ("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG
/// SỞ TƯ PHÁP", "ỦY BAN NHÂN DÂN XÃ BẮC HƯNG", "CÔNG AN THÀNH PHỐ HẢI PHÒNG"), compared as
/// agency codes (no tone marks, abbreviations expanded): the whole line, else the longest name
/// that ends it (the body under its parent in a stacked header), else the longest that begins it
/// (a body followed by its place), never a People's Committee by prefix. Names of one word match
/// only whole.
pub fn match_issuer(issuer: &str, candidates: &[IssuerCandidate]) -> Option<i64> {
    let line = theodoi_domain::agency_code(issuer);
    if line.is_empty() {
        return None;
    }
    if let Some(c) = candidates.iter().find(|c| c.codes.contains(&line)) {
        return Some(c.agency_id);
    }
    let best = |prefix: bool| {
        candidates
            .iter()
            .filter(|c| !(prefix && c.committee))
            .flat_map(|c| c.codes.iter().map(move |k| (c.agency_id, k)))
            .filter(|(_, k)| k.contains('-'))
            .filter(|(_, k)| {
                if prefix {
                    line.starts_with(&format!("{k}-"))
                } else {
                    line.ends_with(&format!("-{k}"))
                }
            })
            .max_by_key(|(_, k)| k.len())
            .map(|(id, _)| id)
    };
    best(false).or_else(|| best(true))
}

macro_rules! backend {
    ($module:ident, $db:ty) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::{Pool, Row};

            pub async fn issuer_candidates(pool: &Pool<$db>) -> Result<Vec<IssuerCandidate>> {
                let agencies: Vec<(i64, String, String, String)> = sqlx::query_as(
                    "SELECT id, code, name, kind FROM agencies WHERE NOT is_group ORDER BY id",
                )
                .fetch_all(pool)
                .await?;
                let names: Vec<(i64, String)> = sqlx::query_as("SELECT agency_id, name FROM agency_names")
                    .fetch_all(pool)
                    .await?;
                let aliases: Vec<(i64, String)> = sqlx::query_as("SELECT agency_id, code FROM agency_aliases")
                    .fetch_all(pool)
                    .await?;
                let mut out: Vec<IssuerCandidate> = agencies
                    .into_iter()
                    .map(|(id, code, name, kind)| IssuerCandidate {
                        agency_id: id,
                        codes: vec![code, theodoi_domain::agency_code(&name)],
                        name,
                        committee: kind == "people_committee",
                    })
                    .collect();
                for (id, code) in names
                    .into_iter()
                    .map(|(id, n)| (id, theodoi_domain::agency_code(&n)))
                    .chain(aliases)
                {
                    if let Some(c) = out.iter_mut().find(|c| c.agency_id == id) {
                        c.codes.push(code);
                    }
                }
                for c in &mut out {
                    c.codes.retain(|k| !k.is_empty());
                    c.codes.sort();
                    c.codes.dedup();
                }
                Ok(out)
            }

            pub async fn implementing_plans(pool: &Pool<$db>, plan_id: i64) -> Result<Vec<ImplementingPlan>> {
                let rows = sqlx::query(
                    "SELECT DISTINCT p.id, d.number, d.title, d.issuer, d.issued_on FROM plans pp \
                     JOIN documents pd ON pd.id = pp.document_id \
                     JOIN document_links l ON l.kind = 'implements' AND l.to_number = pd.number \
                     JOIN documents d ON d.id = l.document_id JOIN plans p ON p.document_id = d.id \
                     WHERE pp.id = $1 AND p.id <> pp.id ORDER BY d.issued_on, p.id",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?;
                if rows.is_empty() {
                    return Ok(Vec::new());
                }
                let candidates = issuer_candidates(pool).await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    let issuer: Option<String> = r.try_get(3)?;
                    out.push(ImplementingPlan {
                        plan_id: r.try_get(0)?,
                        number: r.try_get(1)?,
                        title: r.try_get(2)?,
                        agency: agency_of(issuer.as_deref(), &candidates),
                        issuer,
                        issued_on: r.try_get(4)?,
                    });
                }
                Ok(out)
            }

            pub async fn parent_plans(pool: &Pool<$db>, plan_id: i64) -> Result<Vec<ParentPlan>> {
                Ok(sqlx::query_as(
                    "SELECT DISTINCT pp.id AS plan_id, pd.number, pd.title FROM plans p \
                     JOIN document_links l ON l.document_id = p.document_id AND l.kind = 'implements' \
                     JOIN documents pd ON pd.number = l.to_number JOIN plans pp ON pp.document_id = pd.id \
                     WHERE p.id = $1 AND pp.id <> p.id ORDER BY pd.number",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?)
            }

            /// The body that issued a plan, as matched from its issuer line.
            pub async fn plan_issuer_agency(pool: &Pool<$db>, plan_id: i64) -> Result<Option<(i64, String)>> {
                let issuer: Option<Option<String>> = sqlx::query_scalar(
                    "SELECT d.issuer FROM plans p JOIN documents d ON d.id = p.document_id WHERE p.id = $1",
                )
                .bind(plan_id)
                .fetch_optional(pool)
                .await?;
                let Some(Some(issuer)) = issuer else { return Ok(None) };
                let candidates = issuer_candidates(pool).await?;
                Ok(agency_of(Some(&issuer), &candidates))
            }

            /// The tasks of the plans that the task's plan implements, in their plans' order.
            pub async fn parent_task_choices(pool: &Pool<$db>, task_id: i64) -> Result<Vec<TaskChoice>> {
                Ok(sqlx::query_as(
                    "SELECT DISTINCT pt.id, pt.plan_id, pd.number AS plan_number, pt.ref AS reference, pt.title, pt.position \
                     FROM tasks t JOIN plans p ON p.id = t.plan_id \
                     JOIN document_links l ON l.document_id = p.document_id AND l.kind = 'implements' \
                     JOIN documents pd ON pd.number = l.to_number JOIN plans pp ON pp.document_id = pd.id \
                     JOIN tasks pt ON pt.plan_id = pp.id \
                     WHERE t.id = $1 AND pp.id <> p.id ORDER BY pt.plan_id, pt.position, pt.id",
                )
                .bind(task_id)
                .fetch_all(pool)
                .await?)
            }

            /// The parent tasks a task is linked to.
            pub async fn links_up(pool: &Pool<$db>, task_id: i64) -> Result<Vec<LinkedTask>> {
                let rows = sqlx::query(
                    "SELECT pt.id, pt.ref, pt.title, pt.plan_id, d.number, d.issuer, k.linked_at \
                     FROM task_links k JOIN tasks pt ON pt.id = k.parent_task_id \
                     JOIN plans p ON p.id = pt.plan_id JOIN documents d ON d.id = p.document_id \
                     WHERE k.task_id = $1 ORDER BY pt.plan_id, pt.position, pt.id",
                )
                .bind(task_id)
                .fetch_all(pool)
                .await?;
                linked(pool, rows).await
            }

            /// The tasks of bodies' plans linked to a task, with the body that issued each plan.
            pub async fn links_down(pool: &Pool<$db>, task_id: i64) -> Result<Vec<LinkedTask>> {
                let rows = sqlx::query(
                    "SELECT ct.id, ct.ref, ct.title, ct.plan_id, d.number, d.issuer, k.linked_at \
                     FROM task_links k JOIN tasks ct ON ct.id = k.task_id \
                     JOIN plans p ON p.id = ct.plan_id JOIN documents d ON d.id = p.document_id \
                     WHERE k.parent_task_id = $1 ORDER BY d.number, ct.position, ct.id",
                )
                .bind(task_id)
                .fetch_all(pool)
                .await?;
                let mut out = linked(pool, rows).await?;
                // By body in Vietnamese order, then plan and task.
                out.sort_by_cached_key(|l| {
                    let name = l.agency.as_ref().map(|a| a.1.as_str()).or(l.issuer.as_deref()).unwrap_or("");
                    (theodoi_text::collate(name), l.plan_id)
                });
                Ok(out)
            }

            async fn linked(pool: &Pool<$db>, rows: Vec<<$db as sqlx::Database>::Row>) -> Result<Vec<LinkedTask>> {
                if rows.is_empty() {
                    return Ok(Vec::new());
                }
                let candidates = issuer_candidates(pool).await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    let issuer: Option<String> = r.try_get(5)?;
                    out.push(LinkedTask {
                        task_id: r.try_get(0)?,
                        reference: r.try_get(1)?,
                        title: r.try_get(2)?,
                        plan_id: r.try_get(3)?,
                        plan_number: r.try_get(4)?,
                        agency: agency_of(issuer.as_deref(), &candidates),
                        issuer,
                        linked_at: r.try_get(6)?,
                    });
                }
                Ok(out)
            }

            /// Link a task of a body's plan to a task of the plan it implements; false when the
            /// link exists already. Refused when the parent task is not of a plan that the task's
            /// plan implements.
            pub async fn link_tasks(
                pool: &Pool<$db>,
                task_id: i64,
                parent_task_id: i64,
                user_id: i64,
                now: OffsetDateTime,
            ) -> Result<bool> {
                let allowed = parent_task_choices(pool, task_id).await?.iter().any(|c| c.id == parent_task_id);
                if !allowed {
                    return Err(StoreError::invalid(
                        "Nhiệm vụ được chọn không thuộc kế hoạch mà kế hoạch này thực hiện",
                        "The task chosen is not of a plan this plan implements",
                    ));
                }
                let done = sqlx::query(
                    "INSERT INTO task_links (task_id, parent_task_id, linked_by, linked_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (task_id, parent_task_id) DO NOTHING",
                )
                .bind(task_id)
                .bind(parent_task_id)
                .bind(user_id)
                .bind(now)
                .execute(pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            /// Remove a link; false when there was none.
            pub async fn unlink_tasks(pool: &Pool<$db>, task_id: i64, parent_task_id: i64) -> Result<bool> {
                let done = sqlx::query("DELETE FROM task_links WHERE task_id = $1 AND parent_task_id = $2")
                    .bind(task_id)
                    .bind(parent_task_id)
                    .execute(pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            /// Record (or replace) a body's plan, saying how it reached the Sở when the
            /// coordinator registers it for the body (`received_via`), in one statement.
            pub async fn record_cascade_plan_via(
                pool: &Pool<$db>,
                c: &NewCascadePlan<'_>,
                received_via: Option<&str>,
                now: OffsetDateTime,
            ) -> Result<i64> {
                if received_via.is_some_and(|v| !RECEIVED_VIA.contains(&v)) {
                    let via = received_via.unwrap_or_default();
                    return Err(StoreError::invalid(
                        format!("Cách nhận \"{via}\" không có"),
                        format!("There is no way of receipt \"{via}\""),
                    ));
                }
                let (name, kind, bytes) = match c.file {
                    Some((n, k, b)) => (Some(n), Some(k), Some(b)),
                    None => (None, None, None),
                };
                Ok(sqlx::query_scalar(
                    "INSERT INTO cascade_plans (plan_id, agency_id, number, issued_on, title, file_name, file_type, file_bytes, \
                     recorded_by, recorded_at, received_via) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                     ON CONFLICT (plan_id, agency_id) DO UPDATE SET number = excluded.number, issued_on = excluded.issued_on, \
                     title = excluded.title, \
                     file_name = CASE WHEN excluded.file_bytes IS NULL THEN cascade_plans.file_name ELSE excluded.file_name END, \
                     file_type = CASE WHEN excluded.file_bytes IS NULL THEN cascade_plans.file_type ELSE excluded.file_type END, \
                     file_bytes = CASE WHEN excluded.file_bytes IS NULL THEN cascade_plans.file_bytes ELSE excluded.file_bytes END, \
                     recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at, \
                     received_via = excluded.received_via RETURNING id",
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
                .bind(received_via)
                .fetch_one(pool)
                .await?)
            }

            pub async fn cascade_records(pool: &Pool<$db>, plan_id: i64) -> Result<Vec<CascadeRecord>> {
                Ok(sqlx::query_as(
                    "SELECT c.id, c.agency_id, u.display_name AS recorded_by, c.received_via FROM cascade_plans c \
                     LEFT JOIN users u ON u.id = c.recorded_by WHERE c.plan_id = $1 ORDER BY c.id",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?)
            }

            /// Agencies named only by bodies' own plans (plans that implement another stored plan)
            /// and by no other plan: a body's units ("Phòng Phổ biến, giáo dục pháp luật", "Công
            /// chức Tư pháp - Hộ tịch"), not bodies of the city.
            pub async fn units_of_bodies_plans(pool: &Pool<$db>) -> Result<Vec<i64>> {
                Ok(sqlx::query_scalar(
                    "WITH children AS (SELECT DISTINCT p.id FROM plans p \
                     JOIN document_links l ON l.document_id = p.document_id AND l.kind = 'implements' \
                     JOIN documents pd ON pd.number = l.to_number JOIN plans pp ON pp.document_id = pd.id AND pp.id <> p.id), \
                     named AS (SELECT a.agency_id, t.plan_id FROM assignments a JOIN tasks t ON t.id = a.task_id \
                     UNION ALL SELECT ra.agency_id, r.plan_id FROM responsibility_agencies ra \
                     JOIN responsibilities r ON r.id = ra.responsibility_id) \
                     SELECT DISTINCT agency_id FROM named WHERE plan_id IN (SELECT id FROM children) \
                     AND agency_id NOT IN (SELECT agency_id FROM named WHERE plan_id NOT IN (SELECT id FROM children)) \
                     AND agency_id NOT IN (SELECT agency_id FROM cascade_plans) \
                     ORDER BY agency_id",
                )
                .fetch_all(pool)
                .await?)
            }

            /// Store plan reminders in one transaction; the number new (a body, person and
            /// channel already reminded that day is not reminded twice).
            pub async fn add_plan_reminders(pool: &Pool<$db>, list: &[PlanReminder<'_>], now: OffsetDateTime) -> Result<usize> {
                let mut tx = pool.begin().await?;
                let mut created = 0;
                for n in list {
                    let done = sqlx::query(
                        "INSERT INTO notifications (round_id, plan_id, remind_on, agency_id, offset_days, user_id, channel, \
                         subject, body, created_at) VALUES (NULL, $1, $2, $3, 0, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
                    )
                    .bind(n.plan_id)
                    .bind(n.remind_on)
                    .bind(n.agency_id)
                    .bind(n.user_id)
                    .bind(n.channel)
                    .bind(n.subject)
                    .bind(n.body)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    created += done.rows_affected() as usize;
                }
                tx.commit().await?;
                Ok(created)
            }
        }
    };
}

fn agency_of(issuer: Option<&str>, candidates: &[IssuerCandidate]) -> Option<(i64, String)> {
    let id = match_issuer(issuer?, candidates)?;
    candidates
        .iter()
        .find(|c| c.agency_id == id)
        .map(|c| (id, c.name.clone()))
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);

impl Db {
    /// The bodies expected to issue their own plan under a plan (those `cascade_status` expects,
    /// less the units named only by bodies' own plans) with what each has issued: recorded,
    /// registered for it, or imported and implementing the plan.
    pub async fn cascade(&self, plan_id: i64) -> Result<Cascade> {
        let status = self.cascade_status(plan_id).await?;
        let records = self.cascade_records(plan_id).await?;
        let units = self.units_of_bodies_plans().await?;
        let mut bodies: Vec<CascadeBody> = status
            .into_iter()
            .filter(|s| !units.contains(&s.agency_id))
            .map(|s| CascadeBody {
                record: s
                    .plan
                    .as_ref()
                    .and_then(|p| records.iter().find(|r| r.id == p.id).cloned()),
                imported: Vec::new(),
                agency_id: s.agency_id,
                agency_name: s.agency_name,
                kind: s.kind,
                plan: s.plan,
            })
            .collect();
        let mut unmatched = Vec::new();
        for p in self.implementing_plans(plan_id).await? {
            let body = p
                .agency
                .as_ref()
                .and_then(|(a, _)| bodies.iter_mut().find(|b| b.agency_id == *a));
            match body {
                Some(b) => b.imported.push(p),
                None => unmatched.push(p),
            }
        }
        // cascade_status gives them in Vietnamese order; a stable sort keeps it in each part.
        bodies.sort_by_key(|b| b.has_plan());
        Ok(Cascade { bodies, unmatched })
    }
    /// Agencies named only by bodies' own plans.
    pub async fn units_of_bodies_plans(&self) -> Result<Vec<i64>> {
        crate::dispatch!(self, units_of_bodies_plans())
    }
    /// Every single agency with its spellings as codes, for [`match_issuer`].
    pub async fn issuer_candidates(&self) -> Result<Vec<IssuerCandidate>> {
        crate::dispatch!(self, issuer_candidates())
    }
    /// The stored plans that implement this one, each with the body that issued it.
    pub async fn implementing_plans(&self, plan_id: i64) -> Result<Vec<ImplementingPlan>> {
        crate::dispatch!(self, implementing_plans(plan_id))
    }
    /// The stored plans this plan implements.
    pub async fn parent_plans(&self, plan_id: i64) -> Result<Vec<ParentPlan>> {
        crate::dispatch!(self, parent_plans(plan_id))
    }
    /// The body that issued a plan, matched from its issuer line.
    pub async fn plan_issuer_agency(&self, plan_id: i64) -> Result<Option<(i64, String)>> {
        crate::dispatch!(self, plan_issuer_agency(plan_id))
    }
    /// The tasks a task of a body's plan may be linked to: those of the plans it implements.
    pub async fn parent_task_choices(&self, task_id: i64) -> Result<Vec<TaskChoice>> {
        crate::dispatch!(self, parent_task_choices(task_id))
    }
    pub async fn links_up(&self, task_id: i64) -> Result<Vec<LinkedTask>> {
        crate::dispatch!(self, links_up(task_id))
    }
    pub async fn links_down(&self, task_id: i64) -> Result<Vec<LinkedTask>> {
        crate::dispatch!(self, links_down(task_id))
    }
    pub async fn link_tasks(
        &self,
        task_id: i64,
        parent_task_id: i64,
        user_id: i64,
        now: OffsetDateTime,
    ) -> Result<bool> {
        crate::dispatch!(self, link_tasks(task_id, parent_task_id, user_id, now))
    }
    pub async fn unlink_tasks(&self, task_id: i64, parent_task_id: i64) -> Result<bool> {
        crate::dispatch!(self, unlink_tasks(task_id, parent_task_id))
    }
    pub async fn record_cascade_plan_via(
        &self,
        c: &NewCascadePlan<'_>,
        received_via: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<i64> {
        crate::dispatch!(self, record_cascade_plan_via(c, received_via, now))
    }
    /// Who recorded each body's plan and how it was received.
    pub async fn cascade_records(&self, plan_id: i64) -> Result<Vec<CascadeRecord>> {
        crate::dispatch!(self, cascade_records(plan_id))
    }
    pub async fn add_plan_reminders(
        &self,
        list: &[PlanReminder<'_>],
        now: OffsetDateTime,
    ) -> Result<usize> {
        crate::dispatch!(self, add_plan_reminders(list, now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: i64, name: &str, committee: bool) -> IssuerCandidate {
        IssuerCandidate {
            agency_id: id,
            name: name.into(),
            codes: vec![theodoi_domain::agency_code(name)],
            committee,
        }
    }

    #[test]
    fn issuers_match_the_body_not_its_parent() {
        let list = [
            c(1, "UBND thành phố", true),
            c(2, "Sở Tư pháp", false),
            c(3, "UBND xã Bắc Hưng", false),
            c(4, "Công an thành phố", false),
            c(5, "Thành phố", false),
            c(6, "Sở Văn hoá, Thể thao và Du lịch", false),
        ];
        let m = |s: &str| match_issuer(s, &list);
        assert_eq!(m("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG SỞ TƯ PHÁP"), Some(2));
        assert_eq!(m("SỞ TƯ PHÁP"), Some(2));
        assert_eq!(m("ỦY BAN NHÂN DÂN XÃ BẮC HƯNG"), Some(3));
        assert_eq!(m("CÔNG AN THÀNH PHỐ HẢI PHÒNG"), Some(4));
        assert_eq!(
            m("UBND THÀNH PHỐ SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH"),
            Some(6),
            "tone marks placed either way, abbreviations expanded"
        );
        assert_eq!(m("ỦY BAN NHÂN DÂN THÀNH PHỐ"), Some(1));
        assert_eq!(m("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"), None);
        assert_eq!(m("HỘI LUẬT GIA"), None);
        assert_eq!(m(""), None);
    }
}
