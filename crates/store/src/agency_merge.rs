//! Merging a duplicate agency into the one kept: every reference moves to the kept body in one
//! transaction — the plan's assignments and duties, accounts, escalations, cascade plans, group
//! memberships, and the reporting rounds' data (obligations, the bodies a round expects, reports
//! with their values, files and history, reminders) — and the removed code becomes an alias, so
//! a later import that still spells it the old way lands on the kept body.
//!
//! Two reports of the same round cannot become one body's report without someone choosing what
//! it says, so such a merge is refused with the rounds named — unless one of the two reports is
//! empty (never submitted, no task entry, no figure, no file, no text), which is dropped.

use crate::drafts::{COORDINATING_AGENCY, DEFAULT_COORDINATING_CODE};
use crate::{Db, Result, StoreError};
use time::OffsetDateTime;

/// What a merge did, for the audit log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeOutcome {
    /// Reports of the removed body now the kept body's.
    pub reports_moved: u64,
    /// Empty reports dropped because the other body had one in the same round.
    pub empty_reports_dropped: u64,
}

/// A report with nothing in it: never submitted, no text, no task entry, no figure, no file.
/// `$1` is the report's id.
const REPORT_IS_EMPTY: &str = "SELECT (r.first_submitted_at IS NULL AND r.difficulties = '' AND r.proposals = '' \
     AND NOT EXISTS (SELECT 1 FROM report_tasks t WHERE t.report_id = r.id \
                     AND (t.status IS NOT NULL OR t.reason <> '' OR t.results <> '')) \
     AND NOT EXISTS (SELECT 1 FROM data_values v WHERE v.report_id = r.id) \
     AND NOT EXISTS (SELECT 1 FROM report_files f WHERE f.report_id = r.id)) \
     FROM reports r WHERE r.id = $1";

/// `$1` the kept body, `$2` the removed one; run in this order once conflicting reports are
/// settled.
const MOVES: &[&str] = &[
    // The plan.
    "INSERT INTO assignments (task_id, agency_id, role, position, name_as_written, requested_only) \
     SELECT task_id, $1, role, position, name_as_written, requested_only FROM assignments WHERE agency_id = $2 \
     ON CONFLICT DO NOTHING",
    "DELETE FROM assignments WHERE agency_id = $2",
    "INSERT INTO responsibility_agencies (responsibility_id, agency_id, position) \
     SELECT responsibility_id, $1, position FROM responsibility_agencies WHERE agency_id = $2 \
     ON CONFLICT DO NOTHING",
    "DELETE FROM responsibility_agencies WHERE agency_id = $2",
    "INSERT INTO agency_names (agency_id, name) SELECT $1, name FROM agency_names WHERE agency_id = $2 \
     ON CONFLICT DO NOTHING",
    // The workspace.
    "UPDATE users SET agency_id = $1 WHERE agency_id = $2",
    "UPDATE escalations SET agency_id = $1 WHERE agency_id = $2",
    "DELETE FROM cascade_plans WHERE agency_id = $2 AND plan_id IN (SELECT plan_id FROM cascade_plans WHERE agency_id = $1)",
    "UPDATE cascade_plans SET agency_id = $1 WHERE agency_id = $2",
    "UPDATE agencies SET parent_id = $1 WHERE parent_id = $2",
    // The removed body may have been the kept one's parent: no body is its own parent.
    "UPDATE agencies SET parent_id = NULL WHERE id = $1 AND parent_id = $1",
    "UPDATE agency_aliases SET agency_id = $1 WHERE agency_id = $2",
    // Groups, named per task and in general.
    "INSERT INTO task_group_members (task_id, group_id, agency_id) \
     SELECT task_id, group_id, $1 FROM task_group_members WHERE agency_id = $2 AND group_id <> $1 ON CONFLICT DO NOTHING",
    "INSERT INTO task_group_members (task_id, group_id, agency_id) \
     SELECT task_id, $1, agency_id FROM task_group_members WHERE group_id = $2 AND agency_id <> $1 ON CONFLICT DO NOTHING",
    "INSERT INTO group_members (group_id, agency_id) \
     SELECT group_id, $1 FROM group_members WHERE agency_id = $2 AND group_id <> $1 ON CONFLICT DO NOTHING",
    "INSERT INTO group_members (group_id, agency_id) \
     SELECT $1, agency_id FROM group_members WHERE group_id = $2 AND agency_id <> $1 ON CONFLICT DO NOTHING",
    // Rounds: what each body must report on. A task both owed keeps the lead role if either led
    // it, and the earlier due date.
    "INSERT INTO round_obligations (round_id, agency_id, task_id, role, due, via_group) \
     SELECT round_id, $1, task_id, role, due, via_group FROM round_obligations WHERE agency_id = $2 \
     ON CONFLICT (round_id, agency_id, task_id) DO UPDATE SET \
     role = CASE WHEN excluded.role = 'lead' THEN 'lead' ELSE round_obligations.role END, \
     due = CASE WHEN excluded.due < round_obligations.due THEN excluded.due ELSE round_obligations.due END",
    "DELETE FROM round_obligations WHERE agency_id = $2",
    "UPDATE round_obligations SET via_group = $1 WHERE via_group = $2",
    // The bodies a round expects: one row for the kept body, not counted if either was not (the
    // coordinating body), its number of tasks counted anew.
    "INSERT INTO round_bodies (round_id, agency_id, tasks, counted) \
     SELECT round_id, $1, tasks, counted FROM round_bodies WHERE agency_id = $2 \
     ON CONFLICT (round_id, agency_id) DO UPDATE SET counted = round_bodies.counted AND excluded.counted",
    "DELETE FROM round_bodies WHERE agency_id = $2",
    "UPDATE round_bodies SET tasks = (SELECT COUNT(*) FROM round_obligations o \
     WHERE o.round_id = round_bodies.round_id AND o.agency_id = $1) WHERE agency_id = $1",
    // Reports (their tasks, files, snapshots, events and value history follow by report id) and
    // their figures, which carry the body for the consolidation's queries.
    "UPDATE reports SET agency_id = $1 WHERE agency_id = $2",
    "UPDATE data_values SET agency_id = $1 WHERE agency_id = $2",
    // Reminders already sent: kept unless the kept body has one like it (same round, or both of
    // no round, person, channel and offset), which would break their uniqueness.
    "UPDATE notifications SET agency_id = $1 WHERE agency_id = $2 AND NOT EXISTS (\
     SELECT 1 FROM notifications n WHERE n.agency_id = $1 \
     AND (n.round_id = notifications.round_id OR (n.round_id IS NULL AND notifications.round_id IS NULL)) \
     AND n.offset_days = notifications.offset_days AND n.user_id = notifications.user_id \
     AND n.channel = notifications.channel)",
    "DELETE FROM notifications WHERE agency_id = $2",
    "UPDATE agencies SET requested_only = requested_only AND (SELECT requested_only FROM agencies WHERE id = $2) WHERE id = $1",
];

/// `$begin` opens the transaction: on SQLite `BEGIN IMMEDIATE`, so the merge, which reads before
/// it writes, queues for the write lock instead of failing when another writer commits between.
macro_rules! backend {
    ($module:ident, $db:ty, $begin:literal) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::Pool;

            pub async fn merge_agencies(
                pool: &Pool<$db>,
                keep: i64,
                remove: i64,
                now: OffsetDateTime,
            ) -> Result<MergeOutcome> {
                if keep == remove {
                    return Err(StoreError::invalid(
                        "Không thể gộp cơ quan vào chính nó",
                        "An agency cannot be merged into itself",
                    ));
                }
                let mut tx = pool.begin_with($begin).await?;
                let removed: Option<(String, bool)> =
                    sqlx::query_as("SELECT code, is_group FROM agencies WHERE id = $1")
                        .bind(remove)
                        .fetch_optional(&mut *tx)
                        .await?;
                let Some((code, remove_is_group)) = removed else {
                    return Err(StoreError::NotFound(format!("agency {remove}")));
                };
                let kept: Option<bool> = sqlx::query_scalar("SELECT is_group FROM agencies WHERE id = $1")
                    .bind(keep)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(keep_is_group) = kept else {
                    return Err(StoreError::NotFound(format!("agency {keep}")));
                };
                if keep_is_group != remove_is_group {
                    return Err(StoreError::invalid(
                        "Không thể gộp một nhóm với một cơ quan",
                        "A group and a single body cannot be merged",
                    ));
                }
                // Rounds in which both bodies have a report: (round label, kept report, removed report).
                let both: Vec<(String, i64, i64)> = sqlx::query_as(
                    "SELECT r.label, k.id, x.id FROM reports k JOIN reports x ON x.round_id = k.round_id \
                     JOIN rounds r ON r.id = k.round_id WHERE k.agency_id = $1 AND x.agency_id = $2 ORDER BY r.id",
                )
                .bind(keep)
                .bind(remove)
                .fetch_all(&mut *tx)
                .await?;
                let mut refused = Vec::new();
                let mut drop = Vec::new();
                for (label, kept_report, removed_report) in both {
                    let empty = |id: i64| sqlx::query_scalar::<_, bool>(REPORT_IS_EMPTY).bind(id);
                    if empty(removed_report).fetch_one(&mut *tx).await? {
                        drop.push(removed_report);
                    } else if empty(kept_report).fetch_one(&mut *tx).await? {
                        // The removed body's report moves in below, in place of the empty one.
                        drop.push(kept_report);
                    } else {
                        refused.push(label);
                    }
                }
                if !refused.is_empty() {
                    let rounds = refused
                        .iter()
                        .map(|l| format!("\u{201C}{l}\u{201D}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    return Err(StoreError::conflict(
                        format!(
                            "Không thể gộp: cả hai cơ quan đều đã có báo cáo trong đợt {rounds}. \
                             Chỉ gộp được khi, trong mỗi đợt, một trong hai báo cáo còn trống \
                             (chưa gửi, chưa nhập nội dung, số liệu hay tệp)."
                        ),
                        format!(
                            "Cannot merge: both bodies have a report in round(s) {rounds}; \
                             a merge needs one of the two reports of each round to be empty \
                             (not sent, with no text, figures or files)."
                        ),
                    ));
                }
                // Its tasks, values and files go with it (ON DELETE CASCADE); the append-only
                // history of an empty report stays as it was written.
                for id in &drop {
                    sqlx::query("DELETE FROM reports WHERE id = $1").bind(id).execute(&mut *tx).await?;
                }
                let reports_moved: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports WHERE agency_id = $1")
                    .bind(remove)
                    .fetch_one(&mut *tx)
                    .await?;
                for &sql in MOVES {
                    sqlx::query(sql).bind(keep).bind(remove).execute(&mut *tx).await?;
                }
                // The coordinating body, when it is the one removed, becomes the kept one.
                sqlx::query("UPDATE app_settings SET value = $1, updated_at = $3 WHERE key = $4 AND value = $2")
                    .bind(keep.to_string())
                    .bind(remove.to_string())
                    .bind(now)
                    .bind(COORDINATING_AGENCY)
                    .execute(&mut *tx)
                    .await?;
                if code == DEFAULT_COORDINATING_CODE {
                    sqlx::query(
                        "INSERT INTO app_settings (key, value, updated_by, updated_at) VALUES ($1, $2, NULL, $3) \
                         ON CONFLICT (key) DO NOTHING",
                    )
                    .bind(COORDINATING_AGENCY)
                    .bind(keep.to_string())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query("DELETE FROM agencies WHERE id = $1").bind(remove).execute(&mut *tx).await?;
                sqlx::query(
                    "INSERT INTO agency_aliases (code, agency_id) VALUES ($1, $2) \
                     ON CONFLICT (code) DO UPDATE SET agency_id = excluded.agency_id",
                )
                .bind(&code)
                .bind(keep)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(MergeOutcome {
                    reports_moved: u64::try_from(reports_moved).unwrap_or_default(),
                    empty_reports_dropped: u64::try_from(drop.len()).unwrap_or_default(),
                })
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite, "BEGIN IMMEDIATE");
backend!(postgres, sqlx::Postgres, "BEGIN");

impl Db {
    /// Merge `remove` into `keep` in one transaction (see the module's documentation). Refused
    /// with the rounds named when both have a report in the same round and neither is empty.
    pub async fn merge_agencies(
        &self,
        keep: i64,
        remove: i64,
        now: OffsetDateTime,
    ) -> Result<MergeOutcome> {
        crate::dispatch!(self, merge_agencies(keep, remove, now))
    }
}
