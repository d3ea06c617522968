//! Plans, tasks, agencies and assignments: importing a parsed plan and reading it back.
//!
//! Importing is one transaction. The same document imported again updates what it stored before
//! (tasks keep their ids, found by their reference "II.1" / "PL.3"); an appendix joins its plan by
//! the number it cites, whichever of the two files comes first.

use crate::views::{
    AgencyRow, AssignmentRow, PlanContent, PlanSummary, PlanView, ResponsibilityView, TaskRow,
};
use crate::{Db, Result, StoreError};
use theodoi_domain::{Plan, Task};

/// Which parts of the plan the import carries: the body (sections, task groups, responsibilities)
/// and/or the appendix rows. Only the parts carried are replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportParts {
    pub body: bool,
    pub appendix: bool,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    pub plan_id: i64,
    /// A new plan was created (rather than an existing one updated).
    pub created: bool,
    pub tasks: usize,
    pub assignments: usize,
}

/// Who publishes a plan and from what text: recorded as a version of the plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct Publication<'a> {
    /// The user who published it; None for the command line and the demo.
    pub by: Option<i64>,
    /// The source files as read: (file name, text).
    pub sources: &'a [(String, String)],
    /// The recommendations and Covenant articles the review linked each task to: each task listed
    /// gets exactly these (an empty list clears its links). `None` leaves every link as it is.
    pub links: Option<&'a [TaskLinks]>,
}

/// A task's links as the plan review sets them, the task named by its reference.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskLinks {
    pub reference: String,
    /// Ids in the register of recommendations.
    pub recommendations: Vec<i64>,
    /// Covenant articles, 1–27.
    pub articles: Vec<u8>,
}

/// One publication of a plan, newest first in [`Db::plan_versions`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanVersion {
    pub version: i32,
    /// "import" or "correction".
    pub kind: String,
    pub tasks: i32,
    pub tasks_added: i32,
    pub tasks_removed: i32,
    pub tasks_changed: i32,
    /// The publisher's display name; None for the command line.
    pub by: Option<String>,
    pub at: time::OffsetDateTime,
}

/// A plan as one publication left it: its header and tasks, kept with the version so an earlier
/// version can be read after later corrections (versions published before this was kept have
/// none).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VersionContent {
    pub number: Option<String>,
    pub issuer: Option<String>,
    pub date: Option<time::Date>,
    pub title: String,
    pub tasks: Vec<VersionTask>,
}

/// A task as a version left it; bodies by the names the plan wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VersionTask {
    pub reference: String,
    pub title: String,
    pub items: Vec<String>,
    pub lead: Vec<String>,
    pub coordinating: Vec<String>,
    pub time: String,
    #[serde(default)]
    pub product: Option<String>,
}

/// One earlier (or the current) version of a plan, to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanVersionView {
    pub version: PlanVersion,
    /// None for a version published before versions kept their content.
    pub content: Option<VersionContent>,
    /// The files it was read from; empty when entered by hand.
    pub sources: Vec<(String, String)>,
}

/// A task of a plan that a round reports on: what a correction must not delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskInRound {
    pub reference: String,
    pub round_id: i64,
    pub round_title: String,
}

/// Values computed once from the domain plan, shared by both backends' code.
struct Prepared<'a> {
    plan: &'a Plan,
    parts: ImportParts,
    /// A correction of this stored plan: its header and whole task list are replaced, the rest of
    /// its body (purposes, responsibilities, sections) is kept.
    correction_of: Option<i64>,
    by: Option<i64>,
    sources: String,
    links: Option<&'a [TaskLinks]>,
    number: Option<String>,
    title_key: String,
    implements: Vec<String>,
    purposes: String,
    requirements: String,
    recipients: String,
    signer: Option<String>,
}

fn prepare<'a>(
    plan: &'a Plan,
    parts: ImportParts,
    correction_of: Option<i64>,
    publication: &Publication<'a>,
) -> Result<Prepared<'a>> {
    let json = |v: &dyn erased::Json| v.to_json().map_err(|e| StoreError::Corrupt(e.to_string()));
    Ok(Prepared {
        correction_of,
        by: publication.by,
        sources: json(&publication.sources)?,
        links: publication.links,
        number: plan.document.number.as_ref().map(ToString::to_string),
        title_key: theodoi_text::key(&plan.document.title),
        implements: plan
            .document
            .implements()
            .map(ToString::to_string)
            .collect(),
        purposes: json(&plan.purposes)?,
        requirements: json(&plan.requirements)?,
        recipients: json(&plan.recipients)?,
        signer: plan.signer.as_ref().map(|s| json(s)).transpose()?,
        plan,
        parts,
    })
}

/// Serialising a few different types through one closure.
mod erased {
    pub trait Json {
        fn to_json(&self) -> serde_json::Result<String>;
    }
    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> serde_json::Result<String> {
            serde_json::to_string(self)
        }
    }
}

/// Whether a task belongs to the part being imported.
fn in_parts(reference: &str, parts: ImportParts) -> bool {
    if reference.starts_with("PL.") {
        parts.appendix
    } else {
        parts.body
    }
}

/// Tasks sort body first, then appendix rows by number.
fn position(task: &Task, index: usize) -> i32 {
    let index = i32::try_from(index).unwrap_or(i32::MAX / 2);
    if task.reference.is_appendix() {
        10_000 + index
    } else {
        index
    }
}

/// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bind-parameter limits.
const CHUNK: usize = 500;

fn index_i32(i: usize) -> i32 {
    i32::try_from(i).unwrap_or(i32::MAX)
}

/// One agency to upsert: all mentions of one code in the imported parts, merged.
struct AgencyUpsert {
    code: String,
    name: String,
    kind: &'static str,
    group: bool,
    requested: bool,
    spellings: Vec<String>,
}

/// The agencies the imported parts name, one row per code: the first spelling is the name, a
/// request anywhere makes a body requested-only (a group's flag says nothing about its members).
fn agency_rows(p: &Prepared<'_>) -> Vec<AgencyUpsert> {
    let tasks = p
        .plan
        .tasks
        .iter()
        .filter(|t| in_parts(t.reference.as_str(), p.parts))
        .flat_map(|t| t.lead.iter().chain(&t.coordinating).map(|m| (m, false)));
    let blocks = p
        .plan
        .responsibilities
        .iter()
        .filter(|_| p.parts.body)
        .flat_map(|r| r.agencies.iter().map(move |m| (m, r.requested_only)));
    let mut rows: Vec<AgencyUpsert> = Vec::new();
    for (m, block_requested) in tasks.chain(blocks) {
        let code = m.code();
        let requested = (m.requested_only || block_requested) && !m.group;
        match rows.iter_mut().find(|r| r.code == code) {
            Some(r) => {
                r.requested |= requested;
                if !r.spellings.contains(&m.name) {
                    r.spellings.push(m.name.clone());
                }
            }
            None => rows.push(AgencyUpsert {
                code,
                name: m.name.clone(),
                kind: m.kind.code(),
                group: m.group,
                requested,
                spellings: vec![m.name.clone()],
            }),
        }
    }
    rows
}

fn i32_of(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Of the stored documents with a plan's number (id, issuer, date), the one the plan is. A number
/// is unique per issuer and year (every People's Committee numbers its plans "…/KH-UBND", from 1
/// each year), so another issuer (by its diacritic-free key) or another year is another document.
/// An issuer or date missing on either side does not tell them apart (an appendix alone may name
/// neither); of several candidates, the one agreeing on most wins, then the oldest.
fn same_document(
    found: &[(i64, Option<String>, Option<time::Date>)],
    d: &theodoi_domain::Document,
) -> Option<i64> {
    fn agree<T: PartialEq>(a: Option<T>, b: Option<T>) -> Option<u8> {
        match (a, b) {
            (Some(a), Some(b)) => (a == b).then_some(1),
            _ => Some(0),
        }
    }
    let key = |i: Option<&str>| Some(theodoi_text::key(i?)).filter(|k| !k.is_empty());
    let issuer = key(d.issuer.as_deref());
    let year = d.date.map(|d| d.year());
    let mut best: Option<(i64, u8)> = None;
    for (id, stored_issuer, stored_date) in found {
        let Some(by_issuer) = agree(key(stored_issuer.as_deref()), issuer.clone()) else {
            continue;
        };
        let Some(by_year) = agree(stored_date.map(|d| d.year()), year) else {
            continue;
        };
        let score = by_issuer + by_year;
        if best.is_none_or(|(_, b)| score > b) {
            best = Some((*id, score));
        }
    }
    best.map(|(id, _)| id)
}

/// The columns of a [`PlanSummary`], in the order `summary_of` reads them.
macro_rules! summary_sql {
    () => {
        "SELECT p.id, d.doc_type, d.number, d.title, d.issuer, d.issued_on, p.has_body, p.has_appendix, \
         (SELECT COUNT(*) FROM tasks t WHERE t.plan_id = p.id) AS task_count \
         FROM plans p JOIN documents d ON d.id = p.document_id"
    };
}

/// Generates the repository functions for one backend. `$now` is the SQL for the current timestamp.
macro_rules! backend {
    ($module:ident, $db:ty, $now:literal) => {
        mod $module {
            use super::*;
            use sqlx::{Pool, QueryBuilder, Row, Transaction};
            use std::collections::HashMap;

            type Tx<'c> = Transaction<'c, $db>;

            pub async fn import(pool: &Pool<$db>, batch: &[Prepared<'_>]) -> Result<Vec<ImportOutcome>> {
                let mut tx = pool.begin().await?;
                let mut out = Vec::with_capacity(batch.len());
                for p in batch {
                    let found = match p.correction_of {
                        Some(plan_id) => Some(document_of(&mut tx, plan_id, p).await?),
                        None => find_document(&mut tx, p).await?,
                    };
                    let created = found.is_none();
                    let doc_id = upsert_document(&mut tx, p, found).await?;
                    let plan_id = upsert_plan(&mut tx, p, doc_id).await?;
                    let before = fingerprints(&mut tx, plan_id).await?;
                    keep_reported_tasks(&mut tx, p, plan_id).await?;
                    let agencies = upsert_agencies(&mut tx, p).await?;
                    let (tasks, assignments) = replace_tasks(&mut tx, p, plan_id, &agencies).await?;
                    if p.parts.body && p.correction_of.is_none() {
                        replace_body(&mut tx, p, plan_id, &agencies).await?;
                    }
                    if let Some(links) = p.links {
                        link_tasks(&mut tx, plan_id, links, p.by).await?;
                    }
                    let after = fingerprints(&mut tx, plan_id).await?;
                    let content = snapshot(&mut tx, plan_id).await?;
                    record_version(&mut tx, p, plan_id, &before, &after, &content).await?;
                    out.push(ImportOutcome { plan_id, created, tasks, assignments });
                }
                tx.commit().await?;
                Ok(out)
            }

            /// Set the links of each task listed: the review states them whole.
            async fn link_tasks(tx: &mut Tx<'_>, plan_id: i64, links: &[TaskLinks], by: Option<i64>) -> Result<()> {
                let now = time::OffsetDateTime::now_utc();
                for l in links {
                    let task: Option<i64> = sqlx::query_scalar("SELECT id FROM tasks WHERE plan_id = $1 AND ref = $2")
                        .bind(plan_id)
                        .bind(&l.reference)
                        .fetch_optional(&mut **tx)
                        .await?;
                    let Some(task) = task else { continue };
                    crate::recommendations::$module::write_task_links(
                        tx, task, &l.recommendations, &l.articles, by, now,
                    )
                    .await?;
                }
                Ok(())
            }

            /// The document of the plan a correction replaces; its number must stay its own.
            async fn document_of(tx: &mut Tx<'_>, plan_id: i64, p: &Prepared<'_>) -> Result<i64> {
                let doc: i64 = sqlx::query_scalar("SELECT document_id FROM plans WHERE id = $1")
                    .bind(plan_id)
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or_else(|| StoreError::PlanNotFound(plan_id.to_string()))?;
                if let Some(n) = &p.number {
                    let others: Vec<(i64, Option<String>, Option<time::Date>)> = sqlx::query_as(
                        "SELECT id, issuer, issued_on FROM documents WHERE number = $1 AND id <> $2 ORDER BY id",
                    )
                    .bind(n)
                    .bind(doc)
                    .fetch_all(&mut **tx)
                    .await?;
                    if same_document(&others, &p.plan.document).is_some() {
                        return Err(StoreError::conflict(
                            format!("Số, ký hiệu {n} đã là số của một văn bản khác trong hệ thống"),
                            format!("The number {n} is already another document's number"),
                        ));
                    }
                }
                Ok(doc)
            }

            /// Each task's content as one string (title, time, items, bodies and roles), to count
            /// what a publication changed.
            async fn fingerprints(tx: &mut Tx<'_>, plan_id: i64) -> Result<HashMap<String, String>> {
                let tasks: Vec<(i64, String, String, String, Option<String>)> =
                    sqlx::query_as("SELECT id, ref, title, time_text, product FROM tasks WHERE plan_id = $1")
                        .bind(plan_id)
                        .fetch_all(&mut **tx)
                        .await?;
                let items: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT i.task_id, i.text FROM task_items i JOIN tasks t ON t.id = i.task_id \
                     WHERE t.plan_id = $1 ORDER BY i.task_id, i.position",
                )
                .bind(plan_id)
                .fetch_all(&mut **tx)
                .await?;
                let roles: Vec<(i64, i64, String)> = sqlx::query_as(
                    "SELECT a.task_id, a.agency_id, a.role FROM assignments a JOIN tasks t ON t.id = a.task_id \
                     WHERE t.plan_id = $1 ORDER BY a.task_id, a.role, a.agency_id",
                )
                .bind(plan_id)
                .fetch_all(&mut **tx)
                .await?;
                let mut out = HashMap::with_capacity(tasks.len());
                for (id, reference, title, time_text, product) in tasks {
                    let mut f = format!("{title}\u{1}{time_text}\u{1}{}", product.unwrap_or_default());
                    for (_, text) in items.iter().filter(|(t, _)| *t == id) {
                        f.push('\u{2}');
                        f.push_str(text);
                    }
                    for (_, agency, role) in roles.iter().filter(|(t, _, _)| *t == id) {
                        f.push_str(&format!("\u{3}{agency}:{role}"));
                    }
                    out.insert(reference, f);
                }
                Ok(out)
            }

            /// Refuse to delete a task a round reports on: its obligations and reports would go
            /// with it. The coordinator edits such a task instead.
            async fn keep_reported_tasks(tx: &mut Tx<'_>, p: &Prepared<'_>, plan_id: i64) -> Result<()> {
                let used: Vec<(String, String)> = sqlx::query_as(
                    "SELECT DISTINCT t.ref, r.title FROM round_obligations o JOIN tasks t ON t.id = o.task_id \
                     JOIN rounds r ON r.id = o.round_id WHERE t.plan_id = $1 ORDER BY t.ref, r.title",
                )
                .bind(plan_id)
                .fetch_all(&mut **tx)
                .await?;
                let gone: Vec<&(String, String)> = used
                    .iter()
                    .filter(|(r, _)| {
                        in_parts(r, p.parts) && !p.plan.tasks.iter().any(|t| t.reference.as_str() == r)
                    })
                    .collect();
                if gone.is_empty() {
                    return Ok(());
                }
                let mut refs: Vec<&str> = gone.iter().map(|(r, _)| r.as_str()).collect();
                refs.dedup();
                let mut rounds: Vec<&str> = gone.iter().map(|(_, t)| t.as_str()).collect();
                rounds.sort_unstable();
                rounds.dedup();
                let (refs, rounds) = (refs.join(", "), rounds.join("; "));
                Err(StoreError::conflict(
                    format!(
                        "Không thể bỏ nhiệm vụ {refs} vì đợt báo cáo đã giao nhiệm vụ này ({rounds}). \
                         Hãy giữ nhiệm vụ và sửa nội dung của nó."
                    ),
                    format!(
                        "Task {refs} cannot be removed: a reporting round has assigned it ({rounds}). \
                         Keep the task and edit its text instead."
                    ),
                ))
            }

            /// One row of the plan's history: who published, when, and what the task list gained,
            /// lost and changed.
            /// The plan's header and tasks as stored now, as JSON, for its version.
            async fn snapshot(tx: &mut Tx<'_>, plan_id: i64) -> Result<String> {
                let (number, issuer, date, title): (Option<String>, Option<String>, Option<time::Date>, String) =
                    sqlx::query_as(
                        "SELECT d.number, d.issuer, d.issued_on, d.title FROM plans p \
                         JOIN documents d ON d.id = p.document_id WHERE p.id = $1",
                    )
                    .bind(plan_id)
                    .fetch_one(&mut **tx)
                    .await?;
                let tasks: Vec<(i64, String, String, String, Option<String>)> = sqlx::query_as(
                    "SELECT id, ref, title, time_text, product FROM tasks WHERE plan_id = $1 ORDER BY position, id",
                )
                .bind(plan_id)
                .fetch_all(&mut **tx)
                .await?;
                let items: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT i.task_id, i.text FROM task_items i JOIN tasks t ON t.id = i.task_id \
                     WHERE t.plan_id = $1 ORDER BY i.task_id, i.position",
                )
                .bind(plan_id)
                .fetch_all(&mut **tx)
                .await?;
                let roles: Vec<(i64, String, String)> = sqlx::query_as(
                    "SELECT a.task_id, a.role, a.name_as_written FROM assignments a JOIN tasks t ON t.id = a.task_id \
                     WHERE t.plan_id = $1 ORDER BY a.task_id, a.position",
                )
                .bind(plan_id)
                .fetch_all(&mut **tx)
                .await?;
                let named = |id: i64, role: &str| -> Vec<String> {
                    roles.iter().filter(|r| r.0 == id && r.1 == role).map(|r| r.2.clone()).collect()
                };
                let content = VersionContent {
                    number,
                    issuer,
                    date,
                    title,
                    tasks: tasks
                        .into_iter()
                        .map(|(id, reference, title, time, product)| VersionTask {
                            reference,
                            title,
                            items: items.iter().filter(|i| i.0 == id).map(|i| i.1.clone()).collect(),
                            lead: named(id, "lead"),
                            coordinating: named(id, "coordinating"),
                            time,
                            product,
                        })
                        .collect(),
                };
                serde_json::to_string(&content).map_err(|e| StoreError::Corrupt(e.to_string()))
            }

            async fn record_version(
                tx: &mut Tx<'_>,
                p: &Prepared<'_>,
                plan_id: i64,
                before: &HashMap<String, String>,
                after: &HashMap<String, String>,
                content: &str,
            ) -> Result<()> {
                let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
                let added = after.keys().filter(|k| !before.contains_key(*k)).count();
                let removed = before.keys().filter(|k| !after.contains_key(*k)).count();
                let changed = after
                    .iter()
                    .filter(|(k, v)| before.get(*k).is_some_and(|b| b != *v))
                    .count();
                let next: i32 = sqlx::query_scalar(
                    "SELECT COALESCE(MAX(version), 0) + 1 FROM plan_versions WHERE plan_id = $1",
                )
                .bind(plan_id)
                .fetch_one(&mut **tx)
                .await?;
                sqlx::query(
                    "INSERT INTO plan_versions (plan_id, version, kind, tasks, tasks_added, tasks_removed, \
                     tasks_changed, sources, created_by, created_at, content) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(plan_id)
                .bind(next)
                .bind(if p.correction_of.is_some() { "correction" } else { "import" })
                .bind(count(after.len()))
                .bind(count(added))
                .bind(count(removed))
                .bind(count(changed))
                .bind(&p.sources)
                .bind(p.by)
                .bind(time::OffsetDateTime::now_utc())
                .bind(content)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            /// The stored document this import updates, if any.
            async fn find_document(tx: &mut Tx<'_>, p: &Prepared<'_>) -> Result<Option<i64>> {
                if let Some(n) = &p.number {
                    let found: Vec<(i64, Option<String>, Option<time::Date>)> = sqlx::query_as(
                        "SELECT id, issuer, issued_on FROM documents WHERE number = $1 ORDER BY id",
                    )
                    .bind(n)
                    .fetch_all(&mut **tx)
                    .await?;
                    // The same number of another issuer or year is another document, stored beside
                    // it; the other halves below are still looked for.
                    if let Some(id) = same_document(&found, &p.plan.document) {
                        return Ok(Some(id));
                    }
                }
                if p.parts.body && p.number.is_none() {
                    let id: Option<i64> = sqlx::query_scalar(
                        "SELECT id FROM documents WHERE title_key = $1 AND number IS NULL ORDER BY id LIMIT 1",
                    )
                    .bind(&p.title_key)
                    .fetch_optional(&mut **tx)
                    .await?;
                    if id.is_some() {
                        return Ok(id);
                    }
                }
                // The other half of the plan, stored from its own file: a body without number
                // when an appendix comes, an appendix-only plan when a body comes. They belong
                // together when both implement the same decision and exactly one candidate exists.
                const OTHER_HALF: &str = "SELECT d.id, l.to_number FROM documents d \
                     JOIN plans p ON p.document_id = d.id \
                     JOIN document_links l ON l.document_id = d.id AND l.kind = 'implements' \
                     WHERE p.has_body = $1 AND (d.number IS NULL OR $2)";
                // A body looks for an appendix-only plan (numbered); an appendix for a body
                // stored without a number.
                let want_body = !p.parts.body;
                let rows: Vec<(i64, String)> = sqlx::query_as(OTHER_HALF)
                    .bind(want_body)
                    .bind(p.parts.body)
                    .fetch_all(&mut **tx)
                    .await?;
                let mut ids: Vec<i64> = rows
                    .into_iter()
                    .filter(|(_, n)| p.implements.contains(n))
                    .map(|(id, _)| id)
                    .collect();
                ids.dedup();
                Ok(if ids.len() == 1 { ids.first().copied() } else { None })
            }

            async fn upsert_document(tx: &mut Tx<'_>, p: &Prepared<'_>, found: Option<i64>) -> Result<i64> {
                let d = &p.plan.document;
                let id = match found {
                    Some(id) => {
                        // An appendix alone does not carry the plan's title: keep the body's.
                        sqlx::query(concat!(
                            "UPDATE documents SET doc_type = $2, number = COALESCE($3, number), ",
                            "issuer = COALESCE($4, issuer), place = COALESCE($5, place), ",
                            "issued_on = COALESCE($6, issued_on), ",
                            "title = CASE WHEN $7 THEN $8 ELSE title END, ",
                            "title_key = CASE WHEN $7 THEN $9 ELSE title_key END, ",
                            "updated_at = ", $now, " WHERE id = $1"
                        ))
                        .bind(id)
                        .bind(d.doc_type.abbreviation())
                        .bind(&p.number)
                        .bind(&d.issuer)
                        .bind(&d.place)
                        .bind(d.date)
                        .bind(p.parts.body)
                        .bind(&d.title)
                        .bind(&p.title_key)
                        .execute(&mut **tx)
                        .await?;
                        id
                    }
                    None => {
                        sqlx::query_scalar(
                            "INSERT INTO documents (doc_type, number, issuer, place, issued_on, title, title_key) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                        )
                        .bind(d.doc_type.abbreviation())
                        .bind(&p.number)
                        .bind(&d.issuer)
                        .bind(&d.place)
                        .bind(d.date)
                        .bind(&d.title)
                        .bind(&p.title_key)
                        .fetch_one(&mut **tx)
                        .await?
                    }
                };
                if p.correction_of.is_some() {
                    // A correction states the whole list of documents the plan implements.
                    sqlx::query("DELETE FROM document_links WHERE document_id = $1 AND kind = 'implements'")
                        .bind(id)
                        .execute(&mut **tx)
                        .await?;
                }
                for link in &d.links {
                    sqlx::query(
                        "INSERT INTO document_links (document_id, kind, to_number, to_type, to_date, to_issuer) \
                         VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (document_id, kind, to_number) DO UPDATE SET \
                         to_type = excluded.to_type, to_date = excluded.to_date, to_issuer = excluded.to_issuer",
                    )
                    .bind(id)
                    .bind(match link.kind {
                        theodoi_domain::LinkKind::Implements => "implements",
                        theodoi_domain::LinkKind::AppendixOf => "appendix_of",
                    })
                    .bind(link.number.as_str())
                    .bind(link.doc_type.map(|t| t.abbreviation()))
                    .bind(link.date)
                    .bind(&link.issuer)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(id)
            }

            async fn upsert_plan(tx: &mut Tx<'_>, p: &Prepared<'_>, doc_id: i64) -> Result<i64> {
                sqlx::query("INSERT INTO plans (document_id) VALUES ($1) ON CONFLICT (document_id) DO NOTHING")
                    .bind(doc_id)
                    .execute(&mut **tx)
                    .await?;
                let id: i64 = sqlx::query_scalar("SELECT id FROM plans WHERE document_id = $1")
                    .bind(doc_id)
                    .fetch_one(&mut **tx)
                    .await?;
                if p.parts.body && p.correction_of.is_none() {
                    sqlx::query(concat!(
                        "UPDATE plans SET has_body = TRUE, purposes = $2, requirements = $3, closing = $4, ",
                        "recipients = $5, signer = $6, updated_at = ", $now, " WHERE id = $1"
                    ))
                    .bind(id)
                    .bind(&p.purposes)
                    .bind(&p.requirements)
                    .bind(&p.plan.closing)
                    .bind(&p.recipients)
                    .bind(&p.signer)
                    .execute(&mut **tx)
                    .await?;
                }
                if p.parts.appendix {
                    sqlx::query(concat!("UPDATE plans SET has_appendix = TRUE, updated_at = ", $now, " WHERE id = $1"))
                        .bind(id)
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(id)
            }

            /// Find or create every agency the imported parts name, in two statements; returns
            /// code → id.
            async fn upsert_agencies(tx: &mut Tx<'_>, p: &Prepared<'_>) -> Result<HashMap<String, i64>> {
                let rows = agency_rows(p);
                let mut ids = HashMap::with_capacity(rows.len());
                // Codes of duplicates the coordinator merged resolve to the agency kept.
                for chunk in rows.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new("SELECT code, agency_id FROM agency_aliases WHERE code IN (");
                    let mut list = qb.separated(", ");
                    for r in chunk {
                        list.push_bind(&r.code);
                    }
                    qb.push(")");
                    let got: Vec<(String, i64)> = qb.build_query_as().fetch_all(&mut **tx).await?;
                    ids.extend(got);
                }
                let fresh: Vec<&AgencyUpsert> = rows.iter().filter(|r| !ids.contains_key(&r.code)).collect();
                for chunk in fresh.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO agencies (code, name, kind, is_group, requested_only, sort_key) ",
                    );
                    qb.push_values(chunk, |mut b, r| {
                        b.push_bind(&r.code)
                            .push_bind(&r.name)
                            .push_bind(r.kind)
                            .push_bind(r.group)
                            .push_bind(r.requested)
                            .push_bind(theodoi_text::collate(&r.name));
                    });
                    // A request in one list ("Đề nghị …") makes a body requested-only for good.
                    qb.push(
                        " ON CONFLICT (code) DO UPDATE SET requested_only = \
                         CASE WHEN excluded.requested_only THEN excluded.requested_only ELSE agencies.requested_only END \
                         RETURNING id, code",
                    );
                    let got: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut **tx).await?;
                    for (id, code) in got {
                        ids.insert(code, id);
                    }
                }
                let mut names: Vec<(i64, &str)> = Vec::new();
                for r in &rows {
                    let id = *ids.get(&r.code).ok_or_else(|| StoreError::Corrupt(format!("agency {} not stored", r.code)))?;
                    for n in &r.spellings {
                        names.push((id, n.as_str()));
                    }
                }
                for chunk in names.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new("INSERT INTO agency_names (agency_id, name) ");
                    qb.push_values(chunk, |mut b, (id, name)| {
                        b.push_bind(*id).push_bind(*name);
                    });
                    qb.push(" ON CONFLICT DO NOTHING");
                    qb.build().execute(&mut **tx).await?;
                }
                Ok(ids)
            }

            async fn replace_tasks(
                tx: &mut Tx<'_>,
                p: &Prepared<'_>,
                plan_id: i64,
                agencies: &HashMap<String, i64>,
            ) -> Result<(usize, usize)> {
                let existing: Vec<(i64, String)> = sqlx::query_as("SELECT id, ref FROM tasks WHERE plan_id = $1")
                    .bind(plan_id)
                    .fetch_all(&mut **tx)
                    .await?;
                let new_refs: Vec<&str> = p.plan.tasks.iter().map(|t| t.reference.as_str()).collect();
                for (id, reference) in &existing {
                    if in_parts(reference, p.parts) && !new_refs.contains(&reference.as_str()) {
                        sqlx::query("DELETE FROM tasks WHERE id = $1").bind(id).execute(&mut **tx).await?;
                    }
                }
                // Upsert the tasks in one statement (ids come back by ref), then replace all their
                // items and assignments with one statement each. A ref repeated in the source
                // keeps its first task.
                let mut todo: Vec<(i32, &Task, String)> = Vec::new();
                for (index, t) in p.plan.tasks.iter().enumerate() {
                    if in_parts(t.reference.as_str(), p.parts) && !todo.iter().any(|x| x.1.reference == t.reference) {
                        let time_json = serde_json::to_string(&t.time).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                        todo.push((position(t, index), t, time_json));
                    }
                }
                let mut ids_by_ref: HashMap<String, i64> = HashMap::with_capacity(todo.len());
                for chunk in todo.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO tasks (plan_id, ref, position, title, time_text, time_kind, time_json, product, start_line, end_line) ",
                    );
                    qb.push_values(chunk, |mut b, (pos, t, time_json)| {
                        b.push_bind(plan_id)
                            .push_bind(t.reference.as_str())
                            .push_bind(*pos)
                            .push_bind(&t.title)
                            .push_bind(&t.time.text)
                            .push_bind(t.time.kind_name())
                            .push_bind(time_json)
                            .push_bind(t.product.as_deref())
                            .push_bind(i32_of(t.span.start_line))
                            .push_bind(i32_of(t.span.end_line));
                    });
                    qb.push(
                        " ON CONFLICT (plan_id, ref) DO UPDATE SET position = excluded.position, title = excluded.title, \
                         time_text = excluded.time_text, time_kind = excluded.time_kind, time_json = excluded.time_json, \
                         product = excluded.product, \
                         start_line = excluded.start_line, end_line = excluded.end_line \
                         RETURNING id, ref",
                    );
                    let got: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut **tx).await?;
                    ids_by_ref.extend(got.into_iter().map(|(id, r)| (r, id)));
                }
                let mut stored: Vec<(i64, &Task)> = Vec::with_capacity(todo.len());
                for (_, t, _) in &todo {
                    let id = *ids_by_ref
                        .get(t.reference.as_str())
                        .ok_or_else(|| StoreError::Corrupt(format!("task {} not stored", t.reference)))?;
                    stored.push((id, t));
                }
                if stored.is_empty() {
                    return Ok((0, 0));
                }
                for table in ["task_items", "assignments"] {
                    let mut qb = QueryBuilder::<$db>::new("DELETE FROM ");
                    qb.push(table).push(" WHERE task_id IN (");
                    let mut ids = qb.separated(", ");
                    for (id, _) in &stored {
                        ids.push_bind(*id);
                    }
                    qb.push(")");
                    qb.build().execute(&mut **tx).await?;
                }
                let items: Vec<(i64, i32, &theodoi_domain::TaskItem)> = stored
                    .iter()
                    .flat_map(|(id, t)| t.items.iter().enumerate().map(move |(i, item)| (*id, index_i32(i), item)))
                    .collect();
                for chunk in items.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new("INSERT INTO task_items (task_id, position, text, start_line, end_line) ");
                    qb.push_values(chunk, |mut b, (id, pos, item)| {
                        b.push_bind(*id)
                            .push_bind(*pos)
                            .push_bind(&item.text)
                            .push_bind(i32_of(item.span.start_line))
                            .push_bind(i32_of(item.span.end_line));
                    });
                    qb.build().execute(&mut **tx).await?;
                }
                let mut rows: Vec<(i64, i64, &'static str, i32, &str, bool)> = Vec::new();
                for (task_id, t) in &stored {
                    for (i, a) in t.assignments().enumerate() {
                        let agency_id = *agencies
                            .get(&a.agency.code())
                            .ok_or_else(|| StoreError::Corrupt(format!("agency {} not stored", a.agency.name)))?;
                        // The same agency named twice in one role is one assignment.
                        if !rows.iter().any(|r| r.0 == *task_id && r.1 == agency_id && r.2 == a.role.code()) {
                            rows.push((*task_id, agency_id, a.role.code(), index_i32(i), &a.agency.name, a.agency.requested_only));
                        }
                    }
                }
                for chunk in rows.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO assignments (task_id, agency_id, role, position, name_as_written, requested_only) ",
                    );
                    qb.push_values(chunk, |mut b, r| {
                        b.push_bind(r.0).push_bind(r.1).push_bind(r.2).push_bind(r.3).push_bind(r.4).push_bind(r.5);
                    });
                    qb.build().execute(&mut **tx).await?;
                }
                Ok((stored.len(), rows.len()))
            }

            async fn replace_body(
                tx: &mut Tx<'_>,
                p: &Prepared<'_>,
                plan_id: i64,
                agencies: &HashMap<String, i64>,
            ) -> Result<()> {
                sqlx::query("DELETE FROM plan_sections WHERE plan_id = $1").bind(plan_id).execute(&mut **tx).await?;
                let mut sections: Vec<&theodoi_domain::Section> = Vec::new();
                for s in &p.plan.sections {
                    if !sections.iter().any(|x| x.number == s.number) {
                        sections.push(s);
                    }
                }
                for chunk in sections.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new("INSERT INTO plan_sections (plan_id, number, heading, start_line, end_line) ");
                    qb.push_values(chunk, |mut b, s| {
                        b.push_bind(plan_id)
                            .push_bind(&s.number)
                            .push_bind(&s.heading)
                            .push_bind(i32_of(s.span.start_line))
                            .push_bind(i32_of(s.span.end_line));
                    });
                    qb.build().execute(&mut **tx).await?;
                }
                sqlx::query("DELETE FROM responsibilities WHERE plan_id = $1").bind(plan_id).execute(&mut **tx).await?;
                // One statement for the blocks (ids come back by number); a block number repeated
                // in the source keeps its first block.
                let mut blocks: Vec<(&theodoi_domain::Responsibility, String)> = Vec::new();
                for r in &p.plan.responsibilities {
                    if !blocks.iter().any(|(b, _)| b.number == r.number) {
                        let duties = serde_json::to_string(&r.duties).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                        blocks.push((r, duties));
                    }
                }
                let mut ids_by_number: HashMap<i32, i64> = HashMap::with_capacity(blocks.len());
                for chunk in blocks.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO responsibilities (plan_id, number, heading, requested_only, duties, start_line, end_line) ",
                    );
                    qb.push_values(chunk, |mut b, (r, duties)| {
                        b.push_bind(plan_id)
                            .push_bind(i32_of(r.number))
                            .push_bind(&r.heading)
                            .push_bind(r.requested_only)
                            .push_bind(duties)
                            .push_bind(i32_of(r.span.start_line))
                            .push_bind(i32_of(r.span.end_line));
                    });
                    qb.push(" RETURNING id, number");
                    let got: Vec<(i64, i32)> = qb.build_query_as().fetch_all(&mut **tx).await?;
                    ids_by_number.extend(got.into_iter().map(|(id, n)| (n, id)));
                }
                let mut links: Vec<(i64, i64, i32)> = Vec::new();
                for (r, _) in &blocks {
                    let rid = *ids_by_number
                        .get(&i32_of(r.number))
                        .ok_or_else(|| StoreError::Corrupt(format!("block {} not stored", r.number)))?;
                    for (i, m) in r.agencies.iter().enumerate() {
                        let agency_id = *agencies
                            .get(&m.code())
                            .ok_or_else(|| StoreError::Corrupt(format!("agency {} not stored", m.name)))?;
                        if !links.iter().any(|l| l.0 == rid && l.1 == agency_id) {
                            links.push((rid, agency_id, index_i32(i)));
                        }
                    }
                }
                for chunk in links.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO responsibility_agencies (responsibility_id, agency_id, position) ",
                    );
                    qb.push_values(chunk, |mut b, l| {
                        b.push_bind(l.0).push_bind(l.1).push_bind(l.2);
                    });
                    qb.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            async fn summary_of(pool: &Pool<$db>, row: &<$db as sqlx::Database>::Row) -> Result<PlanSummary> {
                let id: i64 = row.try_get(0)?;
                let implements: Vec<String> = sqlx::query_scalar(
                    "SELECT l.to_number FROM document_links l JOIN plans p ON p.document_id = l.document_id \
                     WHERE p.id = $1 AND l.kind = 'implements' ORDER BY l.to_number",
                )
                .bind(id)
                .fetch_all(pool)
                .await?;
                Ok(PlanSummary {
                    id,
                    doc_type: row.try_get(1)?,
                    number: row.try_get(2)?,
                    title: row.try_get(3)?,
                    issuer: row.try_get(4)?,
                    issued_on: row.try_get(5)?,
                    has_body: row.try_get(6)?,
                    has_appendix: row.try_get(7)?,
                    task_count: row.try_get(8)?,
                    implements,
                })
            }

            pub async fn list_plans(pool: &Pool<$db>) -> Result<Vec<PlanSummary>> {
                let rows = sqlx::query(concat!(summary_sql!(), " ORDER BY p.id")).fetch_all(pool).await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    out.push(summary_of(pool, r).await?);
                }
                Ok(out)
            }

            pub async fn find_plan(pool: &Pool<$db>, selector: &str) -> Result<Option<i64>> {
                if let Ok(id) = selector.trim().parse::<i64>() {
                    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM plans WHERE id = $1")
                        .bind(id)
                        .fetch_optional(pool)
                        .await?;
                    if found.is_some() {
                        return Ok(found);
                    }
                }
                let number: String = selector.split_whitespace().collect();
                Ok(sqlx::query_scalar(
                    "SELECT p.id FROM plans p JOIN documents d ON d.id = p.document_id WHERE d.number = $1 ORDER BY d.id",
                )
                .bind(number)
                .fetch_optional(pool)
                .await?)
            }

            pub async fn find_same_plan(pool: &Pool<$db>, d: &theodoi_domain::Document) -> Result<Option<i64>> {
                let Some(n) = &d.number else {
                    return Ok(None);
                };
                let found: Vec<(i64, Option<String>, Option<time::Date>)> = sqlx::query_as(
                    "SELECT p.id, d.issuer, d.issued_on FROM plans p JOIN documents d ON d.id = p.document_id \
                     WHERE d.number = $1 ORDER BY d.id",
                )
                .bind(n.to_string())
                .fetch_all(pool)
                .await?;
                Ok(same_document(&found, d))
            }

            pub async fn load_plan(pool: &Pool<$db>, id: i64) -> Result<PlanView> {
                let row = sqlx::query(concat!(summary_sql!(), " WHERE p.id = $1"))
                    .bind(id)
                    .fetch_optional(pool)
                    .await?
                    .ok_or_else(|| StoreError::PlanNotFound(id.to_string()))?;
                let summary = summary_of(pool, &row).await?;
                let task_rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
                    "SELECT id, ref, title, time_text, time_kind FROM tasks WHERE plan_id = $1 ORDER BY position, id",
                )
                .bind(id)
                .fetch_all(pool)
                .await?;
                let items: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT i.task_id, i.text FROM task_items i JOIN tasks t ON t.id = i.task_id \
                     WHERE t.plan_id = $1 ORDER BY i.task_id, i.position",
                )
                .bind(id)
                .fetch_all(pool)
                .await?;
                let tasks = task_rows
                    .into_iter()
                    .map(|(tid, reference, title, time_text, time_kind)| TaskRow {
                        items: items.iter().filter(|(t, _)| *t == tid).map(|(_, s)| s.clone()).collect(),
                        id: tid,
                        reference,
                        title,
                        time_text,
                        time_kind,
                    })
                    .collect();
                let rows = sqlx::query(
                    "SELECT a.task_id, g.id, g.code, g.name, a.name_as_written, a.role, a.requested_only \
                     FROM assignments a JOIN agencies g ON g.id = a.agency_id JOIN tasks t ON t.id = a.task_id \
                     WHERE t.plan_id = $1 ORDER BY t.position, t.id, a.position",
                )
                .bind(id)
                .fetch_all(pool)
                .await?;
                let mut assignments = Vec::with_capacity(rows.len());
                for r in rows {
                    assignments.push(AssignmentRow {
                        task_id: r.try_get(0)?,
                        agency_id: r.try_get(1)?,
                        agency_code: r.try_get(2)?,
                        agency_name: r.try_get(3)?,
                        name_as_written: r.try_get(4)?,
                        role: theodoi_domain::Role::try_from(r.try_get::<String, _>(5)?)
                            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                        requested_only: r.try_get(6)?,
                    });
                }
                Ok(PlanView { summary, tasks, assignments })
            }

            pub async fn plan_content(pool: &Pool<$db>, id: i64) -> Result<PlanContent> {
                let row = sqlx::query(
                    "SELECT purposes, requirements, closing, recipients, signer FROM plans WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or_else(|| StoreError::PlanNotFound(id.to_string()))?;
                let list = |s: String| -> Result<Vec<String>> {
                    serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(e.to_string()))
                };
                let signer: Option<String> = row.try_get(4)?;
                let signer = signer
                    .map(|s| serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(e.to_string())))
                    .transpose()?;
                let sections: Vec<(String, String, i32, i32)> = sqlx::query_as(
                    "SELECT number, heading, start_line, end_line FROM plan_sections WHERE plan_id = $1 ORDER BY start_line",
                )
                .bind(id)
                .fetch_all(pool)
                .await?;
                let blocks = sqlx::query(
                    "SELECT id, number, heading, requested_only, duties FROM responsibilities WHERE plan_id = $1 ORDER BY number",
                )
                .bind(id)
                .fetch_all(pool)
                .await?;
                let links: Vec<(i64, i64, String)> = sqlx::query_as(
                    "SELECT ra.responsibility_id, g.id, g.name FROM responsibility_agencies ra \
                     JOIN agencies g ON g.id = ra.agency_id JOIN responsibilities r ON r.id = ra.responsibility_id \
                     WHERE r.plan_id = $1 ORDER BY ra.responsibility_id, ra.position",
                )
                .bind(id)
                .fetch_all(pool)
                .await?;
                let mut responsibilities = Vec::with_capacity(blocks.len());
                for b in blocks {
                    let rid: i64 = b.try_get(0)?;
                    responsibilities.push(ResponsibilityView {
                        number: b.try_get(1)?,
                        heading: b.try_get(2)?,
                        requested_only: b.try_get(3)?,
                        duties: list(b.try_get(4)?)?,
                        agencies: links.iter().filter(|l| l.0 == rid).map(|l| (l.1, l.2.clone())).collect(),
                    });
                }
                Ok(PlanContent {
                    purposes: list(row.try_get(0)?)?,
                    requirements: list(row.try_get(1)?)?,
                    closing: row.try_get(2)?,
                    recipients: list(row.try_get(3)?)?,
                    signer,
                    sections,
                    responsibilities,
                })
            }

            pub async fn agency_codes(pool: &Pool<$db>) -> Result<Vec<String>> {
                Ok(sqlx::query_scalar("SELECT code FROM agencies UNION SELECT code FROM agency_aliases")
                    .fetch_all(pool)
                    .await?)
            }

            pub async fn plan_versions(pool: &Pool<$db>, plan_id: i64) -> Result<Vec<PlanVersion>> {
                let rows = sqlx::query(
                    "SELECT v.version, v.kind, v.tasks, v.tasks_added, v.tasks_removed, v.tasks_changed, \
                     u.display_name, v.created_at FROM plan_versions v LEFT JOIN users u ON u.id = v.created_by \
                     WHERE v.plan_id = $1 ORDER BY v.version DESC",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    out.push(PlanVersion {
                        version: r.try_get(0)?,
                        kind: r.try_get(1)?,
                        tasks: r.try_get(2)?,
                        tasks_added: r.try_get(3)?,
                        tasks_removed: r.try_get(4)?,
                        tasks_changed: r.try_get(5)?,
                        by: r.try_get(6)?,
                        at: r.try_get(7)?,
                    });
                }
                Ok(out)
            }

            pub async fn plan_version(pool: &Pool<$db>, plan_id: i64, version: i32) -> Result<Option<PlanVersionView>> {
                let row = sqlx::query(
                    "SELECT v.version, v.kind, v.tasks, v.tasks_added, v.tasks_removed, v.tasks_changed, \
                     u.display_name, v.created_at, v.content, v.sources FROM plan_versions v \
                     LEFT JOIN users u ON u.id = v.created_by WHERE v.plan_id = $1 AND v.version = $2",
                )
                .bind(plan_id)
                .bind(version)
                .fetch_optional(pool)
                .await?;
                let Some(r) = row else { return Ok(None) };
                let content: Option<String> = r.try_get(8)?;
                let sources: String = r.try_get(9)?;
                let corrupt = |e: serde_json::Error| StoreError::Corrupt(e.to_string());
                Ok(Some(PlanVersionView {
                    version: PlanVersion {
                        version: r.try_get(0)?,
                        kind: r.try_get(1)?,
                        tasks: r.try_get(2)?,
                        tasks_added: r.try_get(3)?,
                        tasks_removed: r.try_get(4)?,
                        tasks_changed: r.try_get(5)?,
                        by: r.try_get(6)?,
                        at: r.try_get(7)?,
                    },
                    content: content.as_deref().map(serde_json::from_str).transpose().map_err(corrupt)?,
                    sources: serde_json::from_str(&sources).map_err(corrupt)?,
                }))
            }

            pub async fn plan_sources(pool: &Pool<$db>, plan_id: i64) -> Result<Vec<(String, String)>> {
                let json: Option<String> = sqlx::query_scalar(
                    "SELECT sources FROM plan_versions WHERE plan_id = $1 AND sources <> '[]' \
                     ORDER BY version DESC LIMIT 1",
                )
                .bind(plan_id)
                .fetch_optional(pool)
                .await?;
                json.map_or(Ok(Vec::new()), |j| {
                    serde_json::from_str(&j).map_err(|e| StoreError::Corrupt(e.to_string()))
                })
            }

            pub async fn tasks_in_rounds(pool: &Pool<$db>, plan_id: i64) -> Result<Vec<TaskInRound>> {
                let rows: Vec<(String, i64, String)> = sqlx::query_as(
                    "SELECT DISTINCT t.ref, r.id, r.title FROM round_obligations o JOIN tasks t ON t.id = o.task_id \
                     JOIN rounds r ON r.id = o.round_id WHERE t.plan_id = $1 ORDER BY r.id, t.ref",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(reference, round_id, round_title)| TaskInRound { reference, round_id, round_title })
                    .collect())
            }

            /// The stored plan as the review edits it: header, links and tasks with their bodies as
            /// the plan wrote them (the rest of the body is kept by a correction, so not read).
            pub async fn plan_for_review(pool: &Pool<$db>, plan_id: i64) -> Result<Plan> {
                let row = sqlx::query(
                    "SELECT d.id, d.doc_type, d.number, d.issuer, d.place, d.issued_on, d.title \
                     FROM plans p JOIN documents d ON d.id = p.document_id WHERE p.id = $1",
                )
                .bind(plan_id)
                .fetch_optional(pool)
                .await?
                .ok_or_else(|| StoreError::PlanNotFound(plan_id.to_string()))?;
                let doc_id: i64 = row.try_get(0)?;
                let doc_type: String = row.try_get(1)?;
                let number: Option<String> = row.try_get(2)?;
                let links: Vec<(String, String, Option<String>, Option<time::Date>, Option<String>)> = sqlx::query_as(
                    "SELECT kind, to_number, to_type, to_date, to_issuer FROM document_links \
                     WHERE document_id = $1 ORDER BY to_number",
                )
                .bind(doc_id)
                .fetch_all(pool)
                .await?;
                let document = theodoi_domain::Document {
                    doc_type: theodoi_domain::DocumentType::from_abbreviation(&doc_type)
                        .unwrap_or(theodoi_domain::DocumentType::Plan),
                    number: number.as_deref().and_then(|n| theodoi_domain::DocumentNumber::parse(n).ok()),
                    issuer: row.try_get(3)?,
                    place: row.try_get(4)?,
                    date: row.try_get(5)?,
                    title: row.try_get(6)?,
                    links: links
                        .into_iter()
                        .filter_map(|(kind, n, t, date, issuer)| {
                            Some(theodoi_domain::DocumentLink {
                                kind: match kind.as_str() {
                                    "implements" => theodoi_domain::LinkKind::Implements,
                                    _ => theodoi_domain::LinkKind::AppendixOf,
                                },
                                number: theodoi_domain::DocumentNumber::parse(&n).ok()?,
                                doc_type: t.as_deref().and_then(theodoi_domain::DocumentType::from_abbreviation),
                                date,
                                issuer,
                            })
                        })
                        .collect(),
                };
                let task_rows: Vec<(i64, String, String, String, Option<String>, i32, i32)> = sqlx::query_as(
                    "SELECT id, ref, title, time_json, product, start_line, end_line FROM tasks WHERE plan_id = $1 ORDER BY position, id",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?;
                let items: Vec<(i64, String, i32, i32)> = sqlx::query_as(
                    "SELECT i.task_id, i.text, i.start_line, i.end_line FROM task_items i JOIN tasks t ON t.id = i.task_id \
                     WHERE t.plan_id = $1 ORDER BY i.task_id, i.position",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?;
                let roles: Vec<(i64, String, String, bool, String)> = sqlx::query_as(
                    "SELECT a.task_id, a.role, a.name_as_written, a.requested_only, g.kind FROM assignments a \
                     JOIN tasks t ON t.id = a.task_id JOIN agencies g ON g.id = a.agency_id \
                     WHERE t.plan_id = $1 ORDER BY a.task_id, a.position",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?;
                let span = |a: i32, b: i32| {
                    theodoi_domain::SourceSpan::new(u32::try_from(a).unwrap_or(0), u32::try_from(b).unwrap_or(0))
                };
                let mut tasks = Vec::with_capacity(task_rows.len());
                for (id, reference, title, time_json, product, start, end) in task_rows {
                    let mention = |role: &str| -> Vec<theodoi_domain::AgencyMention> {
                        roles
                            .iter()
                            .filter(|r| r.0 == id && r.1 == role)
                            .map(|r| theodoi_domain::AgencyMention::new(&r.2, r.3))
                            .collect()
                    };
                    tasks.push(theodoi_domain::Task {
                        reference: theodoi_domain::TaskRef::parse(&reference)
                            .ok_or_else(|| StoreError::Corrupt(format!("task reference {reference}")))?,
                        title,
                        items: items
                            .iter()
                            .filter(|i| i.0 == id)
                            .map(|i| theodoi_domain::TaskItem { text: i.1.clone(), span: span(i.2, i.3) })
                            .collect(),
                        lead: mention("lead"),
                        coordinating: mention("coordinating"),
                        time: serde_json::from_str(&time_json).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                        product,
                        span: span(start, end),
                    });
                }
                let mut plan = Plan::new(document);
                plan.tasks = tasks;
                Ok(plan)
            }

            pub async fn list_agencies(pool: &Pool<$db>) -> Result<Vec<AgencyRow>> {
                let rows = sqlx::query(
                    "SELECT g.id, g.code, g.name, g.kind, g.is_group, g.requested_only, \
                     (SELECT COUNT(*) FROM assignments a WHERE a.agency_id = g.id AND a.role = 'lead'), \
                     (SELECT COUNT(*) FROM assignments a WHERE a.agency_id = g.id AND a.role = 'coordinating'), \
                     (SELECT COUNT(*) FROM responsibility_agencies r WHERE r.agency_id = g.id) \
                     FROM agencies g",
                )
                .fetch_all(pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    out.push(AgencyRow {
                        id: r.try_get(0)?,
                        code: r.try_get(1)?,
                        name: r.try_get(2)?,
                        kind: r.try_get(3)?,
                        is_group: r.try_get(4)?,
                        requested_only: r.try_get(5)?,
                        lead_count: r.try_get(6)?,
                        coordinating_count: r.try_get(7)?,
                        responsibility_count: r.try_get(8)?,
                    });
                }
                // Bodies before groups, each in Vietnamese alphabetical order.
                out.sort_by_cached_key(|a| (a.is_group, theodoi_text::collate(&a.name), a.id));
                Ok(out)
            }
        }
    };
}

backend!(
    sqlite,
    sqlx::Sqlite,
    "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
);
backend!(postgres, sqlx::Postgres, "now()");

impl Db {
    /// Store a parsed plan (or the parts of it that `parts` names) in one transaction.
    pub async fn import_plan(&self, plan: &Plan, parts: ImportParts) -> Result<ImportOutcome> {
        let mut out = self.import_plans(&[(plan, parts)]).await?;
        out.pop()
            .ok_or_else(|| StoreError::Corrupt("import returned no outcome".into()))
    }

    /// Store several plans in one transaction: all of them, or none when anything fails.
    pub async fn import_plans(&self, plans: &[(&Plan, ImportParts)]) -> Result<Vec<ImportOutcome>> {
        let batch = plans
            .iter()
            .map(|(plan, parts)| prepare(plan, *parts, None, &Publication::default()))
            .collect::<Result<Vec<_>>>()?;
        self.run_import(&batch).await
    }

    /// Store a plan published from the review (or the command line with its files): like
    /// [`Db::import_plan`], with who published it and the text it was read from in its history.
    pub async fn publish_plan(
        &self,
        plan: &Plan,
        parts: ImportParts,
        publication: &Publication<'_>,
    ) -> Result<ImportOutcome> {
        let batch = [prepare(plan, parts, None, publication)?];
        let mut out = self.run_import(&batch).await?;
        out.pop()
            .ok_or_else(|| StoreError::Corrupt("import returned no outcome".into()))
    }

    /// A correction of a stored plan: its header and whole task list become `plan`'s (tasks keep
    /// their ids by reference); purposes, responsibilities and sections stay. Refused when it
    /// would delete a task a round reports on.
    pub async fn correct_plan(
        &self,
        plan_id: i64,
        plan: &Plan,
        publication: &Publication<'_>,
    ) -> Result<ImportOutcome> {
        let parts = ImportParts {
            body: true,
            appendix: true,
        };
        let batch = [prepare(plan, parts, Some(plan_id), publication)?];
        let mut out = self.run_import(&batch).await?;
        out.pop()
            .ok_or_else(|| StoreError::Corrupt("import returned no outcome".into()))
    }

    async fn run_import(&self, batch: &[Prepared<'_>]) -> Result<Vec<ImportOutcome>> {
        match self {
            Db::Sqlite(pool) => sqlite::import(pool, batch).await,
            Db::Postgres(pool) => postgres::import(pool, batch).await,
        }
    }

    /// The codes the directory resolves (agencies and the codes merged into them): a name whose
    /// code is not among them becomes a new agency when a plan naming it is stored.
    pub async fn agency_codes(&self) -> Result<std::collections::HashSet<String>> {
        let codes = match self {
            Db::Sqlite(pool) => sqlite::agency_codes(pool).await?,
            Db::Postgres(pool) => postgres::agency_codes(pool).await?,
        };
        Ok(codes.into_iter().collect())
    }

    /// The plan's publications, newest first.
    /// One version of a plan with what it held, or None when the plan has no such version.
    pub async fn plan_version(
        &self,
        plan_id: i64,
        version: i32,
    ) -> Result<Option<PlanVersionView>> {
        match self {
            Db::Sqlite(pool) => sqlite::plan_version(pool, plan_id, version).await,
            Db::Postgres(pool) => postgres::plan_version(pool, plan_id, version).await,
        }
    }

    pub async fn plan_versions(&self, plan_id: i64) -> Result<Vec<PlanVersion>> {
        match self {
            Db::Sqlite(pool) => sqlite::plan_versions(pool, plan_id).await,
            Db::Postgres(pool) => postgres::plan_versions(pool, plan_id).await,
        }
    }

    /// The source files of the plan's latest publication that kept them.
    pub async fn plan_sources(&self, plan_id: i64) -> Result<Vec<(String, String)>> {
        match self {
            Db::Sqlite(pool) => sqlite::plan_sources(pool, plan_id).await,
            Db::Postgres(pool) => postgres::plan_sources(pool, plan_id).await,
        }
    }

    /// Which of the plan's tasks each round reports on.
    pub async fn tasks_in_rounds(&self, plan_id: i64) -> Result<Vec<TaskInRound>> {
        match self {
            Db::Sqlite(pool) => sqlite::tasks_in_rounds(pool, plan_id).await,
            Db::Postgres(pool) => postgres::tasks_in_rounds(pool, plan_id).await,
        }
    }

    /// The stored plan's header and tasks as a domain plan, for a correction in the review.
    pub async fn plan_for_review(&self, plan_id: i64) -> Result<Plan> {
        match self {
            Db::Sqlite(pool) => sqlite::plan_for_review(pool, plan_id).await,
            Db::Postgres(pool) => postgres::plan_for_review(pool, plan_id).await,
        }
    }

    pub async fn list_plans(&self) -> Result<Vec<PlanSummary>> {
        match self {
            Db::Sqlite(pool) => sqlite::list_plans(pool).await,
            Db::Postgres(pool) => postgres::list_plans(pool).await,
        }
    }

    /// A plan by id or by number ("14/KH-UBND"); spaces in the number are ignored. Of plans of one
    /// number from several issuers or years, the first stored.
    pub async fn find_plan(&self, selector: &str) -> Result<Option<i64>> {
        match self {
            Db::Sqlite(pool) => sqlite::find_plan(pool, selector).await,
            Db::Postgres(pool) => postgres::find_plan(pool, selector).await,
        }
    }

    /// The stored plan that `d` is (the same number, issuer and year; see `same_document`), which
    /// importing `d` would update.
    pub async fn find_same_plan(&self, d: &theodoi_domain::Document) -> Result<Option<i64>> {
        match self {
            Db::Sqlite(pool) => sqlite::find_same_plan(pool, d).await,
            Db::Postgres(pool) => postgres::find_same_plan(pool, d).await,
        }
    }

    pub async fn load_plan(&self, id: i64) -> Result<PlanView> {
        match self {
            Db::Sqlite(pool) => sqlite::load_plan(pool, id).await,
            Db::Postgres(pool) => postgres::load_plan(pool, id).await,
        }
    }

    /// Purposes, requirements, sections, responsibilities, recipients and signer of a plan.
    pub async fn plan_content(&self, id: i64) -> Result<PlanContent> {
        match self {
            Db::Sqlite(pool) => sqlite::plan_content(pool, id).await,
            Db::Postgres(pool) => postgres::plan_content(pool, id).await,
        }
    }

    pub async fn list_agencies(&self) -> Result<Vec<AgencyRow>> {
        match self {
            Db::Sqlite(pool) => sqlite::list_agencies(pool).await,
            Db::Postgres(pool) => postgres::list_agencies(pool).await,
        }
    }
}
