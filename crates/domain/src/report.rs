//! Báo cáo của đơn vị: one body's answer in a round — the per-task status, the workflow it moves
//! through, and whether it came on time.
//!
//! The workflow: the focal point drafts; the agency head approves; the focal point submits; the
//! coordinator returns it with comments or accepts it. Accepted data is locked until the coordinator
//! reopens it with a reason. Any edit voids an approval, so what is submitted is what was approved.

use serde::{Deserialize, Serialize};
use theodoi_text::Message;
use time::{Date, OffsetDateTime, UtcOffset};

/// Tình hình thực hiện of one task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    NotStarted,
    InProgress,
    Done,
    DoneLate,
    /// Không thực hiện: needs a reason.
    NotDone,
}

pub const ALL_TASK_STATUSES: [TaskStatus; 5] = [
    TaskStatus::NotStarted,
    TaskStatus::InProgress,
    TaskStatus::Done,
    TaskStatus::DoneLate,
    TaskStatus::NotDone,
];

impl TaskStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::InProgress => "in_progress",
            Self::Done => "done",
            Self::DoneLate => "done_late",
            Self::NotDone => "not_done",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        ALL_TASK_STATUSES.into_iter().find(|t| t.code() == s)
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::NotStarted => "Chưa triển khai",
            Self::InProgress => "Đang triển khai",
            Self::Done => "Hoàn thành",
            Self::DoneLate => "Hoàn thành chậm",
            Self::NotDone => "Không thực hiện",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::NotStarted => "Not started",
            Self::InProgress => "In progress",
            Self::Done => "Done",
            Self::DoneLate => "Done late",
            Self::NotDone => "Not done",
        }
    }
    /// A finished task leaves later rounds of a multi-year task.
    pub fn finished(self) -> bool {
        matches!(self, Self::Done | Self::DoneLate)
    }
}

/// Where a report is in its workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Draft,
    Approved,
    Submitted,
    Returned,
    Accepted,
}

impl ReportStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Approved => "approved",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Accepted => "accepted",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Draft,
            Self::Approved,
            Self::Submitted,
            Self::Returned,
            Self::Accepted,
        ]
        .into_iter()
        .find(|r| r.code() == s)
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Draft => "Đang soạn",
            Self::Approved => "Lãnh đạo đã duyệt",
            Self::Submitted => "Đã gửi",
            Self::Returned => "Bị trả lại",
            Self::Accepted => "Đã tiếp nhận",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Approved => "Approved by the head",
            Self::Submitted => "Submitted",
            Self::Returned => "Returned",
            Self::Accepted => "Accepted",
        }
    }
    /// Whether the body may still change it.
    pub fn editable(self) -> bool {
        matches!(self, Self::Draft | Self::Approved | Self::Returned)
    }
}

/// Where a body's report stands, said plainly for a list of who is missing: the three states a
/// coordinator acts on ("chưa gửi báo cáo", "đã gửi, chờ Sở Tư pháp tiếp nhận", "bị trả lại, chưa
/// gửi lại"), with the reason a report is still unsent after the comma. `None` is no report yet.
pub fn standing_vi(status: Option<ReportStatus>) -> &'static str {
    match status {
        None => "Chưa gửi báo cáo (chưa soạn)",
        Some(ReportStatus::Draft) => "Chưa gửi báo cáo (đang soạn)",
        Some(ReportStatus::Approved) => "Chưa gửi báo cáo (lãnh đạo đã duyệt)",
        Some(ReportStatus::Submitted) => "Đã gửi, chờ Sở Tư pháp tiếp nhận",
        Some(ReportStatus::Returned) => "Bị trả lại, chưa gửi lại",
        Some(ReportStatus::Accepted) => "Đã tiếp nhận",
    }
}

/// [`standing_vi`] in English.
pub fn standing_en(status: Option<ReportStatus>) -> &'static str {
    match status {
        None => "Not submitted (not started)",
        Some(ReportStatus::Draft) => "Not submitted (being drafted)",
        Some(ReportStatus::Approved) => "Not submitted (approved by the head)",
        Some(ReportStatus::Submitted) => "Submitted, awaiting acceptance by the Sở Tư pháp",
        Some(ReportStatus::Returned) => "Returned, not yet resubmitted",
        Some(ReportStatus::Accepted) => "Accepted",
    }
}

/// Who acts on a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    FocalPoint,
    AgencyHead,
    Coordinator,
}

/// What can be done to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Save,
    Approve,
    Submit,
    Return,
    Accept,
    Reopen,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Self::Save => "save",
            Self::Approve => "approve",
            Self::Submit => "submit",
            Self::Return => "return",
            Self::Accept => "accept",
            Self::Reopen => "reopen",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Save,
            Self::Approve,
            Self::Submit,
            Self::Return,
            Self::Accept,
            Self::Reopen,
        ]
        .into_iter()
        .find(|a| a.code() == s)
    }
    /// The verb in Vietnamese, for messages.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Save => "lưu",
            Self::Approve => "duyệt",
            Self::Submit => "gửi",
            Self::Return => "trả lại",
            Self::Accept => "tiếp nhận",
            Self::Reopen => "mở lại",
        }
    }

    /// The past participle in English, for messages ("cannot be approved").
    pub fn participle_en(self) -> &'static str {
        match self {
            Self::Save => "saved",
            Self::Approve => "approved",
            Self::Submit => "submitted",
            Self::Return => "returned",
            Self::Accept => "accepted",
            Self::Reopen => "reopened",
        }
    }

    /// Returning and reopening need a written reason.
    pub fn needs_reason(self) -> bool {
        matches!(self, Self::Return | Self::Reopen)
    }
}

/// Why an action is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("báo cáo đã được tiếp nhận và khóa; cần Sở Tư pháp mở lại")]
    Locked,
    #[error(
        "không thể {} báo cáo ở trạng thái \"{}\"",
        action.label_vi(), status.label_vi()
    )]
    NotNow {
        action: Action,
        status: ReportStatus,
    },
    #[error("tài khoản này không được {} báo cáo", .0.label_vi())]
    NotYours(Action),
    #[error("cần ghi lý do")]
    NoReason,
}

impl WorkflowError {
    /// The refusal in both languages (`Display` is the Vietnamese).
    pub fn message(&self) -> Message {
        let en = match self {
            Self::Locked => {
                "the report is accepted and locked; the coordinator must reopen it".into()
            }
            Self::NotNow { action, status } => format!(
                "a report that is \"{}\" cannot be {}",
                status.label_en().to_lowercase(),
                action.participle_en()
            ),
            Self::NotYours(action) => {
                format!("this account may not {} the report", action.code())
            }
            Self::NoReason => "a reason is required".into(),
        };
        Message::new(self.to_string(), en)
    }
}

/// The status after `action` by `actor` on a report in `status`, or why not.
pub fn transition(
    status: ReportStatus,
    action: Action,
    actor: Actor,
) -> Result<ReportStatus, WorkflowError> {
    use ReportStatus as S;
    let allowed_actor = match action {
        Action::Save => matches!(actor, Actor::FocalPoint | Actor::AgencyHead),
        Action::Approve => actor == Actor::AgencyHead,
        // The head may submit what the head approved; the focal point usually does.
        Action::Submit => matches!(actor, Actor::FocalPoint | Actor::AgencyHead),
        Action::Return | Action::Accept | Action::Reopen => actor == Actor::Coordinator,
    };
    if !allowed_actor {
        return Err(WorkflowError::NotYours(action));
    }
    let not_now = || {
        if status == S::Accepted {
            WorkflowError::Locked
        } else {
            WorkflowError::NotNow { action, status }
        }
    };
    match (action, status) {
        (Action::Save, s) if s.editable() => Ok(S::Draft),
        (Action::Approve, S::Draft | S::Returned | S::Approved) => Ok(S::Approved),
        (Action::Submit, S::Approved) => Ok(S::Submitted),
        (Action::Return, S::Submitted) => Ok(S::Returned),
        (Action::Accept, S::Submitted) => Ok(S::Accepted),
        (Action::Reopen, S::Accepted) => Ok(S::Returned),
        _ => Err(not_now()),
    }
}

/// Vietnam's civil time, for "by the end of the deadline day".
pub const VIETNAM: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// Whether a body's report came on time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// First submitted by the end of the deadline day (Vietnam time).
    OnTime,
    Late,
    /// Not submitted, deadline not yet passed.
    Pending,
    /// Not submitted, deadline passed.
    Overdue,
}

impl Timeliness {
    /// Computed from the first submission's timestamp, never stored: a corrected deadline
    /// corrects every figure.
    pub fn of(
        deadline: Date,
        first_submitted: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Self {
        let end = deadline
            .next_day()
            .map_or(deadline.midnight().assume_offset(VIETNAM), |d| {
                d.midnight().assume_offset(VIETNAM)
            });
        match first_submitted {
            Some(t) if t < end => Self::OnTime,
            Some(_) => Self::Late,
            None if now < end => Self::Pending,
            None => Self::Overdue,
        }
    }
    /// The end of the deadline day in Vietnam: a report first submitted before it is on time.
    pub fn deadline_end(deadline: Date) -> OffsetDateTime {
        deadline
            .next_day()
            .map_or(deadline.midnight().assume_offset(VIETNAM), |d| {
                d.midnight().assume_offset(VIETNAM)
            })
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::OnTime, Self::Late, Self::Pending, Self::Overdue]
            .into_iter()
            .find(|t| t.code() == s)
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::OnTime => "on_time",
            Self::Late => "late",
            Self::Pending => "pending",
            Self::Overdue => "overdue",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn the_workflow() {
        use Action::*;
        use Actor::*;
        use ReportStatus as S;
        assert_eq!(transition(S::Draft, Save, FocalPoint), Ok(S::Draft));
        assert_eq!(transition(S::Draft, Approve, AgencyHead), Ok(S::Approved));
        assert_eq!(
            transition(S::Draft, Approve, FocalPoint),
            Err(WorkflowError::NotYours(Action::Approve))
        );
        assert!(matches!(
            transition(S::Draft, Submit, FocalPoint),
            Err(WorkflowError::NotNow { .. })
        ));
        // An edit after approval voids it.
        assert_eq!(transition(S::Approved, Save, FocalPoint), Ok(S::Draft));
        assert_eq!(
            transition(S::Approved, Submit, FocalPoint),
            Ok(S::Submitted)
        );
        assert!(transition(S::Submitted, Save, FocalPoint).is_err());
        assert_eq!(
            transition(S::Submitted, Return, Coordinator),
            Ok(S::Returned)
        );
        assert_eq!(transition(S::Returned, Save, FocalPoint), Ok(S::Draft));
        assert_eq!(
            transition(S::Submitted, Accept, Coordinator),
            Ok(S::Accepted)
        );
        assert_eq!(
            transition(S::Accepted, Save, FocalPoint),
            Err(WorkflowError::Locked)
        );
        assert_eq!(
            transition(S::Accepted, Accept, Coordinator),
            Err(WorkflowError::Locked)
        );
        assert_eq!(
            transition(S::Accepted, Reopen, Coordinator),
            Ok(S::Returned)
        );
        assert!(transition(S::Submitted, Accept, AgencyHead).is_err());
    }

    #[test]
    fn timeliness_by_the_end_of_the_day_in_vietnam() {
        let deadline = date!(2026 - 06 - 15);
        let now = datetime!(2026-06-20 00:00 UTC);
        // 23:30 on the 15th in Hà Nội is 16:30 UTC.
        assert_eq!(
            Timeliness::of(deadline, Some(datetime!(2026-06-15 16:30 UTC)), now),
            Timeliness::OnTime
        );
        // 00:30 on the 16th in Hà Nội is 17:30 UTC on the 15th.
        assert_eq!(
            Timeliness::of(deadline, Some(datetime!(2026-06-15 17:30 UTC)), now),
            Timeliness::Late
        );
        assert_eq!(Timeliness::of(deadline, None, now), Timeliness::Overdue);
        assert_eq!(
            Timeliness::of(deadline, None, datetime!(2026-06-15 10:00 UTC)),
            Timeliness::Pending
        );
    }
}
