//! Opening a round: its obligations derived from the plan's tasks, the bodies a vague group
//! means for one task, and the regimes and indicators of a first start.

use super::NewRegime;
use crate::{Db, Result, StoreError};
use std::collections::{HashMap, HashSet};
use theodoi_domain::indicator;
use theodoi_domain::round::{Level, RoundTask, derive_obligations};
use theodoi_domain::{DateRange, Role, Timeframe};
use time::{Date, OffsetDateTime};

/// A round to open. Deadlines are checked against the calendar by the caller; the store checks
/// that each comes after the cut-off and the levels are in order.
#[derive(Debug, Clone)]
pub struct NewRound<'a> {
    pub plan_id: i64,
    pub regime_id: Option<i64>,
    pub kind: &'a str,
    pub title: &'a str,
    pub label: &'a str,
    /// Start and length in months, for periodic rounds.
    pub period: Option<(Date, u8)>,
    pub window: DateRange,
    pub agency_deadline: Date,
    pub coordinator_deadline: Option<Date>,
    pub committee_deadline: Option<Date>,
    pub reminder_offsets: &'a str,
    pub opened_by: Option<i64>,
}

impl<'a> NewRound<'a> {
    /// An ad hoc round (đột xuất): its own window and deadline, the default reminder offsets.
    pub fn ad_hoc(plan_id: i64, title: &'a str, window: DateRange, deadline: Date) -> Self {
        Self {
            plan_id,
            regime_id: None,
            kind: "ad_hoc",
            title,
            label: title,
            period: None,
            window,
            agency_deadline: deadline,
            coordinator_deadline: None,
            committee_deadline: None,
            reminder_offsets: "-7,-1,1,3",
            opened_by: None,
        }
    }
}

/// What opening a round produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedRound {
    pub id: i64,
    pub bodies: usize,
    pub obligations: usize,
    /// Groups assigned a task that expand to nobody: the coordinator should name their members.
    pub empty_groups: Vec<String>,
}

/// A vague group of a task that names nobody yet: the task reports nothing through it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnnamedGroup {
    pub plan_id: i64,
    pub task_id: i64,
    pub reference: String,
    pub title: String,
    pub group_id: i64,
    pub group_name: String,
}

/// A date the Vietnamese way, 05/02/2026, for messages.
fn vn(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// `$begin` opens a write transaction: on SQLite `BEGIN IMMEDIATE` takes the write lock at once,
/// so a transaction that reads before it writes waits its turn instead of failing when another
/// writer commits in between.
macro_rules! backend {
    ($module:ident, $db:ty, $begin:literal) => {
        pub(crate) mod $module {
            use super::*;
            use sqlx::{Pool, QueryBuilder, Row, Transaction};

            /// The bodies named for each vague group of a task: (group id, agency id), by name.
            pub async fn task_group_members(pool: &Pool<$db>, task_id: i64) -> Result<Vec<(i64, i64)>> {
                Ok(sqlx::query_as(
                    "SELECT m.group_id, m.agency_id FROM task_group_members m JOIN agencies g ON g.id = m.agency_id \
                     WHERE m.task_id = $1 ORDER BY m.group_id, g.sort_key, g.id",
                )
                .bind(task_id)
                .fetch_all(pool)
                .await?)
            }

            /// Name who a vague group means for one task, replacing what was named before. The
            /// group must be assigned the task and be vague; members must be bodies, not groups.
            pub async fn set_task_group_members(
                pool: &Pool<$db>,
                task_id: i64,
                group_id: i64,
                members: &[i64],
            ) -> Result<usize> {
                let mut tx = pool.begin_with($begin).await?;
                let group: Option<String> = sqlx::query_scalar(
                    "SELECT g.name FROM assignments a JOIN agencies g ON g.id = a.agency_id \
                     WHERE a.task_id = $1 AND a.agency_id = $2 AND g.is_group",
                )
                .bind(task_id)
                .bind(group_id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(group) = group else {
                    return Err(StoreError::NotFound(format!(
                        "group {group_id} of task {task_id}"
                    )));
                };
                if !theodoi_domain::agency::is_vague_group(&group) {
                    return Err(StoreError::invalid(
                        format!("\"{group}\" có thành viên cố định, không đặt theo từng nhiệm vụ"),
                        format!("\"{group}\" has fixed members, not named per task"),
                    ));
                }
                sqlx::query("DELETE FROM task_group_members WHERE task_id = $1 AND group_id = $2")
                    .bind(task_id)
                    .bind(group_id)
                    .execute(&mut *tx)
                    .await?;
                let mut stored = 0;
                for chunk in members.chunks(500) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO task_group_members (task_id, group_id, agency_id) SELECT ",
                    );
                    qb.push_bind(task_id).push(", ").push_bind(group_id).push(", id FROM agencies WHERE NOT is_group AND id IN (");
                    let mut list = qb.separated(", ");
                    for m in chunk {
                        list.push_bind(*m);
                    }
                    qb.push(") ON CONFLICT DO NOTHING");
                    stored += qb.build().execute(&mut *tx).await?.rows_affected() as usize;
                }
                if stored != members.iter().collect::<HashSet<_>>().len() {
                    return Err(StoreError::invalid(
                        "Chỉ chọn được cơ quan có trong danh mục, không chọn nhóm",
                        "Only bodies in the directory, not groups, can be named",
                    ));
                }
                tx.commit().await?;
                Ok(stored)
            }

            /// Tasks of a plan (or of every plan) whose vague groups name nobody yet, in plan order.
            pub async fn unnamed_groups(pool: &Pool<$db>, plan_id: Option<i64>) -> Result<Vec<UnnamedGroup>> {
                let rows: Vec<UnnamedGroup> = sqlx::query_as(
                    "SELECT t.plan_id, t.id AS task_id, t.ref AS reference, t.title, g.id AS group_id, g.name AS group_name \
                     FROM tasks t JOIN assignments a ON a.task_id = t.id JOIN agencies g ON g.id = a.agency_id \
                     WHERE g.is_group AND (t.plan_id = $1 OR $1 IS NULL) \
                     AND NOT EXISTS (SELECT 1 FROM task_group_members m WHERE m.task_id = t.id AND m.group_id = g.id) \
                     ORDER BY t.plan_id, t.position, a.role DESC, a.position",
                )
                .bind(plan_id)
                .fetch_all(pool)
                .await?;
                Ok(rows.into_iter().filter(|r| theodoi_domain::agency::is_vague_group(&r.group_name)).collect())
            }

            /// Open a round: store it, derive its obligations from the plan's tasks (groups
            /// expanded now), fix its indicators. One transaction.
            pub async fn open_round(
                pool: &Pool<$db>,
                n: &NewRound<'_>,
                now: OffsetDateTime,
                coordinator: Option<i64>,
            ) -> Result<OpenedRound> {
                if n.window.end >= n.agency_deadline {
                    let (deadline, cut_off) = (vn(n.agency_deadline), vn(n.window.end));
                    return Err(StoreError::invalid(
                        format!("Hạn báo cáo {deadline} phải sau ngày chốt số liệu {cut_off}"),
                        format!("The deadline {deadline} must come after the cut-off {cut_off}"),
                    ));
                }
                if n.window.start > n.window.end {
                    let (start, end) = (vn(n.window.start), vn(n.window.end));
                    return Err(StoreError::invalid(
                        format!("Kỳ báo cáo bắt đầu {start} sau khi kết thúc {end}"),
                        format!("The reporting window starts {start}, after it ends {end}"),
                    ));
                }
                for (later, earlier, level) in [
                    (n.coordinator_deadline, Some(n.agency_deadline), Level::Coordinator),
                    (n.committee_deadline, n.coordinator_deadline.or(Some(n.agency_deadline)), Level::PeopleCommittee),
                ] {
                    if let (Some(l), Some(e)) = (later, earlier) && l <= e {
                        let (l, e) = (vn(l), vn(e));
                        return Err(StoreError::invalid(
                            format!("Hạn của cấp {} ({l}) phải sau hạn của cấp dưới ({e})", level.label_vi()),
                            format!("The deadline of {} ({l}) must come after the level below ({e})", level.label_en()),
                        ));
                    }
                }
                theodoi_domain::reminder::parse_offsets(n.reminder_offsets).map_err(StoreError::Invalid)?;
                let mut tx = pool.begin_with($begin).await?;
                let (start, months) = match n.period {
                    Some((s, m)) => (Some(s), Some(i32::from(m))),
                    None => (None, None),
                };
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO rounds (plan_id, regime_id, kind, title, label, period_start, period_months, window_start, \
                     window_end, agency_deadline, coordinator_deadline, committee_deadline, reminder_offsets, opened_by, opened_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
                )
                .bind(n.plan_id)
                .bind(n.regime_id)
                .bind(n.kind)
                .bind(n.title)
                .bind(n.label)
                .bind(start)
                .bind(months)
                .bind(n.window.start)
                .bind(n.window.end)
                .bind(n.agency_deadline)
                .bind(n.coordinator_deadline)
                .bind(n.committee_deadline)
                .bind(n.reminder_offsets)
                .bind(n.opened_by)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::conflict(
                        format!("Đợt báo cáo \"{}\" của kế hoạch này đã được mở", n.label),
                        format!("The round \"{}\" of this plan is open already", n.label),
                    ),
                    sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                        StoreError::NotFound("plan or regime".into())
                    }
                    e => StoreError::Sql(e),
                })?;
                let (tasks, groups) = round_tasks(&mut tx, n.plan_id, id).await?;
                let mut empty_groups = Vec::new();
                let mut members: HashMap<i64, Vec<i64>> = HashMap::new();
                // Vague groups ("các cơ quan liên quan") expand to the bodies named for each task.
                let mut vague: HashSet<i64> = HashSet::new();
                let mut per_task: HashMap<(i64, i64), Vec<i64>> = HashMap::new();
                let named: Vec<(i64, i64, i64)> = sqlx::query_as(
                    "SELECT m.task_id, m.group_id, m.agency_id FROM task_group_members m JOIN tasks t ON t.id = m.task_id \
                     JOIN agencies g ON g.id = m.agency_id WHERE t.plan_id = $1 AND NOT g.is_group ORDER BY 1, 2, 3",
                )
                .bind(n.plan_id)
                .fetch_all(&mut *tx)
                .await?;
                for (task, group, agency) in named {
                    per_task.entry((task, group)).or_default().push(agency);
                }
                for (gid, name, kind) in &groups {
                    if theodoi_domain::agency::is_vague_group(name) {
                        vague.insert(*gid);
                        let unnamed = tasks.iter().any(|t| {
                            t.assignments.iter().any(|(a, _)| a == gid) && !per_task.contains_key(&(t.task_id, *gid))
                        });
                        if unnamed {
                            empty_groups.push(name.clone());
                        }
                        continue;
                    }
                    let named: Vec<i64> =
                        sqlx::query_scalar("SELECT agency_id FROM group_members WHERE group_id = $1")
                            .bind(*gid)
                            .fetch_all(&mut *tx)
                            .await?;
                    let list = if !named.is_empty() || kind == "other" {
                        named
                    } else {
                        sqlx::query_scalar(
                            "SELECT id FROM agencies WHERE kind = $1 AND NOT is_group AND NOT requested_only ORDER BY id",
                        )
                        .bind(kind)
                        .fetch_all(&mut *tx)
                        .await?
                    };
                    if list.is_empty() {
                        empty_groups.push(name.clone());
                    }
                    members.insert(*gid, list);
                }
                let obligations = derive_obligations(&tasks, n.window, n.agency_deadline, |task, a| {
                    if vague.contains(&a) {
                        Some(per_task.get(&(task, a)).cloned().unwrap_or_default())
                    } else {
                        members.get(&a).cloned()
                    }
                });
                for chunk in obligations.chunks(500) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO round_obligations (round_id, agency_id, task_id, role, due, via_group) ",
                    );
                    qb.push_values(chunk, |mut b, o| {
                        b.push_bind(id)
                            .push_bind(o.agency_id)
                            .push_bind(o.task_id)
                            .push_bind(o.role.code())
                            .push_bind(o.due)
                            .push_bind(o.via_group);
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                sqlx::query(
                    "INSERT INTO round_bodies (round_id, agency_id, tasks) \
                     SELECT round_id, agency_id, COUNT(*) FROM round_obligations WHERE round_id = $1 GROUP BY round_id, agency_id",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                // The coordinating body reports on its own tasks but is not counted against itself.
                sqlx::query("UPDATE round_bodies SET counted = FALSE WHERE round_id = $1 AND agency_id = $2")
                    .bind(id)
                    .bind(coordinator)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO round_indicators (round_id, indicator_id, position) \
                     SELECT $1, id, position FROM indicators WHERE active",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                let bodies: HashSet<i64> = obligations.iter().map(|o| o.agency_id).collect();
                Ok(OpenedRound {
                    id,
                    bodies: bodies.len(),
                    obligations: obligations.len(),
                    empty_groups,
                })
            }

            /// The plan's tasks as a round sees them, and the groups among their assignees.
            async fn round_tasks(
                tx: &mut Transaction<'_, $db>,
                plan_id: i64,
                round_id: i64,
            ) -> Result<(Vec<RoundTask>, Vec<(i64, String, String)>)> {
                let rows = sqlx::query(
                    "SELECT t.id, t.time_text, t.time_json, a.agency_id, a.role, g.is_group, g.name, g.kind \
                     FROM tasks t JOIN assignments a ON a.task_id = t.id JOIN agencies g ON g.id = a.agency_id \
                     WHERE t.plan_id = $1 ORDER BY t.position, a.role DESC, a.position",
                )
                .bind(plan_id)
                .fetch_all(&mut **tx)
                .await?;
                // Tasks reported finished by their lead in an accepted report of an earlier round.
                let finished: HashSet<i64> = sqlx::query_scalar(
                    "SELECT DISTINCT rt.task_id FROM report_tasks rt JOIN reports r ON r.id = rt.report_id \
                     JOIN round_obligations o ON o.round_id = r.round_id AND o.agency_id = r.agency_id \
                     AND o.task_id = rt.task_id AND o.role = 'lead' JOIN rounds x ON x.id = r.round_id \
                     WHERE x.plan_id = $1 AND x.id <> $2 AND r.status = 'accepted' AND rt.status IN ('done', 'done_late')",
                )
                .bind(plan_id)
                .bind(round_id)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .collect();
                let mut tasks: Vec<RoundTask> = Vec::new();
                let mut groups: Vec<(i64, String, String)> = Vec::new();
                for r in rows {
                    let task_id: i64 = r.try_get(0)?;
                    let agency_id: i64 = r.try_get(3)?;
                    let role: String = r.try_get(4)?;
                    let role = Role::from_code(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?;
                    if r.try_get::<bool, _>(5)? && !groups.iter().any(|g| g.0 == agency_id) {
                        groups.push((agency_id, r.try_get(6)?, r.try_get(7)?));
                    }
                    match tasks.last_mut() {
                        Some(t) if t.task_id == task_id => t.assignments.push((agency_id, role)),
                        _ => {
                            let text: String = r.try_get(1)?;
                            let json: String = r.try_get(2)?;
                            let time = serde_json::from_str::<Timeframe>(&json)
                                .unwrap_or_else(|_| Timeframe::parse(&text));
                            tasks.push(RoundTask {
                                task_id,
                                time,
                                assignments: vec![(agency_id, role)],
                                finished: finished.contains(&task_id),
                            });
                        }
                    }
                }
                Ok((tasks, groups))
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite, "BEGIN IMMEDIATE");
backend!(postgres, sqlx::Postgres, "BEGIN");

impl Db {
    /// Open a round; the coordinating body ([`Db::coordinating_agency`]) is marked not counted.
    pub async fn open_round(&self, n: &NewRound<'_>, now: OffsetDateTime) -> Result<OpenedRound> {
        let coordinator = self.coordinating_agency().await?.map(|(id, _)| id);
        crate::dispatch!(self, open_round(n, now, coordinator))
    }
    pub async fn task_group_members(&self, task_id: i64) -> Result<Vec<(i64, i64)>> {
        crate::dispatch!(self, task_group_members(task_id))
    }
    /// Name the bodies a vague group means for one task; returns how many were stored.
    pub async fn set_task_group_members(
        &self,
        task_id: i64,
        group_id: i64,
        members: &[i64],
    ) -> Result<usize> {
        crate::dispatch!(self, set_task_group_members(task_id, group_id, members))
    }
    /// Tasks whose vague groups ("các cơ quan liên quan") name nobody yet.
    pub async fn unnamed_groups(&self, plan_id: Option<i64>) -> Result<Vec<UnnamedGroup>> {
        crate::dispatch!(self, unnamed_groups(plan_id))
    }

    /// First start: the default regimes for a plan of this kind and the starter indicators, when
    /// none exist yet. Safe to call on every start.
    pub async fn ensure_reporting_defaults(&self, now: OffsetDateTime) -> Result<()> {
        if self.regimes().await?.is_empty() {
            for (code, name, freq) in [
                (
                    "6T",
                    "Báo cáo 6 tháng, năm thực hiện kế hoạch (Nghị định 09/2019)",
                    "six-monthly",
                ),
                (
                    "NAM",
                    "Báo cáo năm thực hiện kế hoạch (Nghị định 09/2019)",
                    "annual",
                ),
            ] {
                self.create_regime(
                    &NewRegime {
                        code,
                        name,
                        kind: "periodic",
                        frequency: Some(freq),
                        windows: "decree09",
                        agency_days: 1,
                        coordinator_days: Some(3),
                        committee_days: Some(5),
                        reminder_offsets: "-7,-1,1,3",
                    },
                    now,
                )
                .await?;
            }
        }
        // Each starter indicator not there yet: a new database gets the whole set, an older one
        // the indicators added since (the carried-over and on-time counts the plausibility rules
        // compare). An indicator switched off stays off: it is there, only inactive.
        let have: HashSet<String> = self
            .indicators(false)
            .await?
            .into_iter()
            .map(|i| i.code)
            .collect();
        {
            // Published by default: figures of general interest, none about individuals.
            const PUBLIC: [&str; 6] = [
                "TT_BUOI",
                "TT_NGUOI",
                "TH_LOP",
                "TGPL_VU_VIEC",
                "KN_NHAN",
                "KN_GIAI_QUYET",
            ];
            for d in indicator::starter_set() {
                if have.contains(&d.code) {
                    continue;
                }
                let public = PUBLIC.contains(&d.code.as_str());
                self.save_indicator(&d, true, public).await?;
            }
        }
        self.ensure_plausibility_rules().await?;
        Ok(())
    }
}
