//! Chế độ báo cáo và đợt báo cáo: a reporting regime (frequency, cut-off windows, a deadline per
//! level of the chain) and the obligations a round derives from a plan's tasks.
//!
//! Deadlines are counted in working days after the data cut-off, at least one (Nghị định 09/2019),
//! one count per level: agencies → Sở Tư pháp → UBND. A round derives who reports what: lead
//! bodies report on their tasks, coordinating bodies their contribution; a task is in the round
//! when its timeframe yields a due date in the round's window; a group expands to its members
//! when the round is derived, so a new ward joins future rounds without editing the plan.

use crate::calendar::WorkCalendar;
use crate::period::{Period, ReportFrequency, Windows};
use crate::plan::Role;
use crate::timeframe::{DateRange, Timeframe, TimeframeKind};
use serde::{Deserialize, Serialize};
use theodoi_text::Message;
use time::Date;

/// Cấp báo cáo: one level of the reporting chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Sở, ngành, xã, phường → Sở Tư pháp.
    Agency,
    /// Sở Tư pháp → UBND thành phố.
    Coordinator,
    /// UBND thành phố → the ministry.
    PeopleCommittee,
}

impl Level {
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Agency => "cơ quan, địa phương",
            Self::Coordinator => "Sở Tư pháp",
            Self::PeopleCommittee => "UBND thành phố",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Agency => "agencies and localities",
            Self::Coordinator => "Department of Justice",
            Self::PeopleCommittee => "City People's Committee",
        }
    }
}

/// Chế độ báo cáo định kỳ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Regime {
    pub code: String,
    pub name: String,
    pub frequency: ReportFrequency,
    pub windows: Windows,
    /// Working days after the cut-off by which each level reports, in chain order.
    pub levels: Vec<(Level, u32)>,
}

/// Why a regime is not valid. `Display` is Vietnamese; [`RegimeError::message`] gives both languages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegimeError {
    #[error(
        "hạn của cấp {} phải sau ngày chốt số liệu ít nhất một ngày làm việc",
        .0.label_vi()
    )]
    DeadlineAtCutOff(Level),
    #[error(
        "hạn của cấp {} ({later_days} ngày làm việc) phải sau hạn của cấp {} ({earlier_days})",
        later.label_vi(), earlier.label_vi()
    )]
    OutOfOrder {
        earlier: Level,
        earlier_days: u32,
        later: Level,
        later_days: u32,
    },
    #[error("chế độ báo cáo chưa có hạn cho các cơ quan")]
    NoAgencyDeadline,
    #[error("không tìm được ngày làm việc sau {0}")]
    Calendar(Date),
}

impl RegimeError {
    pub fn message(&self) -> Message {
        let en = match self {
            Self::DeadlineAtCutOff(level) => format!(
                "the deadline of {} must be at least one working day after the cut-off",
                level.label_en()
            ),
            Self::OutOfOrder {
                earlier,
                earlier_days,
                later,
                later_days,
            } => format!(
                "the deadline of {} ({later_days} working days) must come after that of {} ({earlier_days})",
                later.label_en(),
                earlier.label_en()
            ),
            Self::NoAgencyDeadline => "the regime has no deadline for agencies".into(),
            Self::Calendar(d) => format!("no working day found after {d}"),
        };
        Message::new(self.to_string(), en)
    }
}

impl Regime {
    /// Check the rules above; a regime is stored only when valid.
    pub fn validate(&self) -> Result<(), RegimeError> {
        if !self.levels.iter().any(|(l, _)| *l == Level::Agency) {
            return Err(RegimeError::NoAgencyDeadline);
        }
        for (level, days) in &self.levels {
            if *days == 0 {
                return Err(RegimeError::DeadlineAtCutOff(*level));
            }
        }
        for pair in self.levels.windows(2) {
            let ((a, ad), (b, bd)) = (pair[0], pair[1]);
            if bd <= ad {
                return Err(RegimeError::OutOfOrder {
                    earlier: a,
                    earlier_days: ad,
                    later: b,
                    later_days: bd,
                });
            }
        }
        Ok(())
    }

    /// The deadline of each level for a period.
    pub fn deadlines(
        &self,
        period: &Period,
        calendar: &WorkCalendar,
    ) -> Result<Vec<(Level, Date)>, RegimeError> {
        self.validate()?;
        let cut_off = period.window(self.windows).end;
        self.levels
            .iter()
            .map(|(level, days)| {
                calendar
                    .add_working_days(cut_off, *days)
                    .map(|d| (*level, d))
                    .ok_or(RegimeError::Calendar(cut_off))
            })
            .collect()
    }
}

/// A task as a round sees it: its timeframe and who is assigned, by agency id (groups included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundTask {
    pub task_id: i64,
    pub time: Timeframe,
    pub assignments: Vec<(i64, Role)>,
    /// Reported finished in an accepted report of an earlier round: a multi-year or continuous
    /// task leaves the rounds once it is done; a yearly one comes back every year.
    pub finished: bool,
}

/// One obligation of a round: this agency reports on this task, in this role, by this date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Obligation {
    pub agency_id: i64,
    pub task_id: i64,
    pub role: Role,
    pub due: Date,
    /// The group the obligation came through, if any.
    pub via_group: Option<i64>,
}

/// Derive a round's obligations. `members(task, group)` expands a group to its member agencies for
/// that task — a vague group ("các cơ quan liên quan") means different bodies in different tasks,
/// and nobody until the coordinator names them — and is `None` for an agency that is not a group.
/// A group that expands to nobody reports nothing (it is not a body).
/// An agency assigned directly and through a group reports once, in its direct role; lead wins
/// over coordinating.
pub fn derive_obligations(
    tasks: &[RoundTask],
    window: DateRange,
    agency_deadline: Date,
    members: impl Fn(i64, i64) -> Option<Vec<i64>>,
) -> Vec<Obligation> {
    let mut out: Vec<Obligation> = Vec::new();
    for task in tasks {
        let Some(due) = task.time.due_in(window, agency_deadline) else {
            continue;
        };
        if task.finished
            && matches!(
                task.time.kind,
                TimeframeKind::Range { .. }
                    | TimeframeKind::Continuous
                    | TimeframeKind::Unspecified
            )
        {
            continue;
        }
        let mut direct: Vec<Obligation> = Vec::new();
        let mut grouped: Vec<Obligation> = Vec::new();
        for (agency_id, role) in &task.assignments {
            if let Some(expanded) = members(task.task_id, *agency_id) {
                grouped.extend(expanded.into_iter().map(|m| Obligation {
                    agency_id: m,
                    task_id: task.task_id,
                    role: *role,
                    due,
                    via_group: Some(*agency_id),
                }));
            } else {
                direct.push(Obligation {
                    agency_id: *agency_id,
                    task_id: task.task_id,
                    role: *role,
                    due,
                    via_group: None,
                });
            }
        }
        for o in direct.into_iter().chain(grouped) {
            match out
                .iter_mut()
                .find(|x| x.task_id == o.task_id && x.agency_id == o.agency_id)
            {
                // Lead (chủ trì) outranks coordinating (phối hợp); a direct assignment a group one.
                Some(x)
                    if o.role < x.role
                        || (o.role == x.role && o.via_group.is_none() && x.via_group.is_some()) =>
                {
                    *x = o
                }
                Some(_) => {}
                None => out.push(o),
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn regime(levels: Vec<(Level, u32)>) -> Regime {
        Regime {
            code: "iccpr".into(),
            name: "Báo cáo thực hiện KH 14".into(),
            frequency: ReportFrequency::SixMonthly,
            windows: Windows::Decree09,
            levels,
        }
    }

    #[test]
    fn deadlines_per_level() {
        let cal = WorkCalendar::shipped().unwrap_or_else(|e| panic!("{e}"));
        let r = regime(vec![
            (Level::Agency, 1),
            (Level::Coordinator, 3),
            (Level::PeopleCommittee, 5),
        ]);
        let h1 =
            Period::new(ReportFrequency::SixMonthly, 2026, 1).unwrap_or_else(|e| panic!("{e}"));
        // Cut-off Sunday 14/06/2026: Monday 15, Wednesday 17, Friday 19 June.
        let d = r.deadlines(&h1, &cal).unwrap_or_default();
        assert_eq!(
            d,
            vec![
                (Level::Agency, date!(2026 - 06 - 15)),
                (Level::Coordinator, date!(2026 - 06 - 17)),
                (Level::PeopleCommittee, date!(2026 - 06 - 19)),
            ]
        );
    }

    #[test]
    fn bad_regimes() {
        assert_eq!(
            regime(vec![(Level::Agency, 0)]).validate(),
            Err(RegimeError::DeadlineAtCutOff(Level::Agency))
        );
        assert!(matches!(
            regime(vec![(Level::Agency, 3), (Level::Coordinator, 2)]).validate(),
            Err(RegimeError::OutOfOrder { .. })
        ));
        assert_eq!(
            regime(vec![(Level::Coordinator, 2)]).validate(),
            Err(RegimeError::NoAgencyDeadline)
        );
    }

    #[test]
    fn obligations_from_timeframes_roles_and_groups() {
        // Agencies 1 (Sở Tư pháp), 2 (Công an), 10 and 11 (wards); 100 is the group of wards.
        let members = |_task: i64, id: i64| (id == 100).then(|| vec![10, 11]);
        let tasks = vec![
            RoundTask {
                task_id: 1,
                time: Timeframe::parse("2025-2030"),
                assignments: vec![(1, Role::Lead), (100, Role::Coordinating)],
                finished: false,
            },
            RoundTask {
                task_id: 2,
                time: Timeframe::parse("Hàng năm"),
                assignments: vec![(2, Role::Lead), (1, Role::Coordinating)],
                finished: false,
            },
            RoundTask {
                task_id: 3,
                time: Timeframe::parse("Quý IV/2026"),
                assignments: vec![(1, Role::Lead)],
                finished: false,
            },
            RoundTask {
                task_id: 4,
                time: Timeframe::parse("Theo hướng dẫn Bộ Tư pháp"),
                assignments: vec![(100, Role::Lead), (10, Role::Coordinating)],
                finished: false,
            },
        ];
        let h1 = DateRange {
            start: date!(2025 - 12 - 15),
            end: date!(2026 - 06 - 14),
        };
        let deadline = date!(2026 - 06 - 15);
        let got = derive_obligations(&tasks, h1, deadline, members);
        let brief: Vec<(i64, i64, Role, Option<i64>)> = got
            .iter()
            .map(|o| (o.agency_id, o.task_id, o.role, o.via_group))
            .collect();
        assert_eq!(
            brief,
            vec![
                (1, 1, Role::Lead, None),
                (1, 2, Role::Coordinating, None),
                (2, 2, Role::Lead, None),
                (10, 1, Role::Coordinating, Some(100)),
                // Ward 10 is assigned directly as coordinating and through the group as lead: lead wins.
                (10, 4, Role::Lead, Some(100)),
                (11, 1, Role::Coordinating, Some(100)),
                (11, 4, Role::Lead, Some(100)),
            ]
        );
        assert!(
            got.iter().all(|o| o.due == deadline),
            "per-guidance and range tasks take the round's deadline"
        );
        // Task 3 (Q4 2026) is not in the first half's round.
        assert!(!got.iter().any(|o| o.task_id == 3));
    }

    #[test]
    fn a_group_means_different_bodies_in_different_tasks() {
        // Group 200 ("các cơ quan liên quan") is the police (2) in task 1, wards 10 and 11 in
        // task 2, and nobody yet in task 3.
        let members = |task: i64, id: i64| match (task, id) {
            (1, 200) => Some(vec![2]),
            (2, 200) => Some(vec![10, 11]),
            (_, 200) => Some(Vec::new()),
            _ => None,
        };
        let task = |id| RoundTask {
            task_id: id,
            time: Timeframe::parse("Hàng năm"),
            assignments: vec![(1, Role::Lead), (200, Role::Coordinating)],
            finished: false,
        };
        let window = DateRange {
            start: date!(2025 - 12 - 15),
            end: date!(2026 - 06 - 14),
        };
        let got = derive_obligations(
            &[task(1), task(2), task(3)],
            window,
            date!(2026 - 06 - 15),
            members,
        );
        let brief: Vec<(i64, i64, Option<i64>)> = got
            .iter()
            .map(|o| (o.task_id, o.agency_id, o.via_group))
            .collect();
        assert_eq!(
            brief,
            vec![
                (1, 1, None),
                (2, 1, None),
                (3, 1, None),
                (1, 2, Some(200)),
                (2, 10, Some(200)),
                (2, 11, Some(200)),
            ]
        );
    }

    #[test]
    fn finished_multi_year_tasks_leave_yearly_ones_stay() {
        let task = |id, text: &str| RoundTask {
            task_id: id,
            time: Timeframe::parse(text),
            assignments: vec![(1, Role::Lead)],
            finished: true,
        };
        let tasks = vec![task(1, "2025-2030"), task(2, "Hàng năm")];
        let window = DateRange {
            start: date!(2026 - 06 - 15),
            end: date!(2026 - 12 - 14),
        };
        let got = derive_obligations(&tasks, window, date!(2026 - 12 - 15), |_, _| None);
        let ids: Vec<i64> = got.iter().map(|o| o.task_id).collect();
        assert_eq!(ids, vec![2]);
    }
}
