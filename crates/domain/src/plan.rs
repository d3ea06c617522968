//! Kế hoạch: a plan with its sections, tasks, assignments, responsibilities and signature.

use crate::agency::AgencyMention;
use crate::document::Document;
use crate::timeframe::Timeframe;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Lines of the source text an item came from, 1-based and inclusive, so a reviewer can see the
/// parse beside its source and a correction can be traced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SourceSpan {
    pub start_line: u32,
    pub end_line: u32,
}

impl SourceSpan {
    pub fn new(start_line: u32, end_line: u32) -> Self {
        Self {
            start_line,
            end_line: end_line.max(start_line),
        }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Self) -> Self {
        if self == Self::default() {
            return other;
        }
        Self::new(
            self.start_line.min(other.start_line),
            self.end_line.max(other.end_line),
        )
    }
}

/// Mục: a numbered section (I., II., III.) with its heading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub number: String,
    pub heading: String,
    pub span: SourceSpan,
}

/// Where a task sits in its plan: "II.1" for task group 1 of section II, "PL.3" for row 3 of the
/// appendix (phụ lục). Stable across re-imports of the same document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TaskRef(String);

impl TaskRef {
    pub fn section(section: &str, number: u32) -> Self {
        Self(format!("{section}.{number}"))
    }

    pub fn appendix(row: u32) -> Self {
        Self(format!("PL.{row}"))
    }

    /// Longest reference accepted, in chars: "II.10.3.b" is long; a sentence is not a number.
    pub const MAX_LEN: usize = 20;

    /// Parse a task's number as the plan writes it: "II.1", "PL.6", and a body's own numbering
    /// ("1", "1.1", "a)", "III", "NV.2", "2-b"). One word of letters, digits and '.', ')', '-', '/',
    /// holding a letter or a digit, at most [`Self::MAX_LEN`] chars; anything else (empty, spaces,
    /// control characters, longer) is no reference.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.chars().count() <= Self::MAX_LEN
            && s.chars().any(char::is_alphanumeric)
            && s.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | ')' | '-' | '/'));
        ok.then(|| Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_appendix(&self) -> bool {
        self.0.starts_with("PL.")
    }
}

impl fmt::Display for TaskRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Vai trò: the role of an agency on a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Chủ trì: delivers the task and reports on it.
    Lead,
    /// Phối hợp: contributes and reports its contribution.
    Coordinating,
}

impl Role {
    /// The abbreviation used in assignment matrices: CT (chủ trì) / PH (phối hợp).
    pub fn short(self) -> &'static str {
        match self {
            Self::Lead => "CT",
            Self::Coordinating => "PH",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Lead => "lead",
            Self::Coordinating => "coordinating",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "lead" => Some(Self::Lead),
            "coordinating" => Some(Self::Coordinating),
            _ => None,
        }
    }
}

/// A role stored under a code this version does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown assignment role \"{0}\"")]
pub struct UnknownRole(pub String);

/// Rows read from storage carry the role's code; reading one gives the role or says which code
/// was not one.
impl TryFrom<String> for Role {
    type Error = UnknownRole;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        Self::from_code(&code).ok_or(UnknownRole(code))
    }
}

/// One "-" item of a task group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskItem {
    pub text: String,
    pub span: SourceSpan,
}

/// Nhiệm vụ: a task group of section II with its items, or an appendix row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub reference: TaskRef,
    pub title: String,
    pub items: Vec<TaskItem>,
    pub lead: Vec<AgencyMention>,
    pub coordinating: Vec<AgencyMention>,
    pub time: Timeframe,
    /// Sản phẩm: what the task delivers ("Báo cáo", "Kế hoạch của UBND phường"), as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    pub span: SourceSpan,
}

impl Task {
    /// Phân công: every (agency, role) pair of this task, leads first.
    pub fn assignments(&self) -> impl Iterator<Item = Assignment<'_>> {
        let lead = self.lead.iter().map(|a| (a, Role::Lead));
        let coord = self.coordinating.iter().map(|a| (a, Role::Coordinating));
        lead.chain(coord).map(|(agency, role)| Assignment {
            task: &self.reference,
            agency,
            role,
        })
    }
}

/// Phân công: task × agency (or group) × role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment<'a> {
    pub task: &'a TaskRef,
    pub agency: &'a AgencyMention,
    pub role: Role,
}

/// Trách nhiệm: one block of section III (Tổ chức thực hiện): the agencies it names and their duties.
/// `requested_only` is true for blocks that begin "Đề nghị …": bodies the issuer cannot command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Responsibility {
    pub number: u32,
    /// The block heading as written ("Sở Tài chính", "Đề nghị Ủy ban Mặt trận …").
    pub heading: String,
    pub agencies: Vec<AgencyMention>,
    pub requested_only: bool,
    pub duties: Vec<String>,
    pub span: SourceSpan,
}

/// The signature block: "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / name".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Signer {
    /// "TM. ỦY BAN NHÂN DÂN": on behalf of a collective body.
    pub on_behalf: Option<String>,
    /// "KT. CHỦ TỊCH": signing for (KT., TL., TUQ., Q.).
    pub authority: Option<String>,
    /// The signer's own title ("PHÓ CHỦ TỊCH").
    pub title: Option<String>,
    pub name: Option<String>,
}

/// Kế hoạch: a plan document with its content. An appendix parsed alone yields a plan whose
/// document is the one its "(Kèm theo Kế hoạch số …)" line cites and whose tasks are its rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub document: Document,
    /// Mục đích: the "-" items of I.1.
    pub purposes: Vec<String>,
    /// Yêu cầu: the "-" items of I.2.
    pub requirements: Vec<String>,
    pub sections: Vec<Section>,
    pub tasks: Vec<Task>,
    pub responsibilities: Vec<Responsibility>,
    /// The closing paragraph of section III (where difficulties go), when there is one.
    pub closing: Option<String>,
    /// Nơi nhận.
    pub recipients: Vec<String>,
    pub signer: Option<Signer>,
}

impl Plan {
    /// A plan with only its document and nothing read yet: what a reading starts from, and what a
    /// plan entered by hand begins as.
    pub fn new(document: Document) -> Self {
        Self {
            document,
            purposes: Vec::new(),
            requirements: Vec::new(),
            sections: Vec::new(),
            tasks: Vec::new(),
            responsibilities: Vec::new(),
            closing: None,
            recipients: Vec::new(),
            signer: None,
        }
    }

    /// Every assignment of every task, in task order.
    pub fn assignments(&self) -> impl Iterator<Item = Assignment<'_>> {
        self.tasks.iter().flat_map(Task::assignments)
    }

    /// Every distinct agency or group the plan names (tasks and responsibilities), by code, first
    /// spelling kept; `requested_only` is true if any mention of it is a request.
    pub fn agencies(&self) -> Vec<AgencyMention> {
        let mut out: Vec<AgencyMention> = Vec::new();
        let mentions = self
            .tasks
            .iter()
            .flat_map(|t| t.lead.iter().chain(&t.coordinating))
            .chain(self.responsibilities.iter().flat_map(|r| &r.agencies));
        for m in mentions {
            let code = m.code();
            match out.iter_mut().find(|o| o.code() == code) {
                Some(existing) => existing.requested_only |= m.requested_only,
                None => out.push(m.clone()),
            }
        }
        out
    }

    /// Merge an appendix parsed from another file into this plan: its tasks join ours (replacing
    /// rows with the same reference), and its document fills what our body lacks (number, date).
    pub fn merge_appendix(&mut self, appendix: Plan) {
        let doc = appendix.document;
        if self.document.number.is_none() {
            self.document.number = doc.number;
        }
        if self.document.date.is_none() {
            self.document.date = doc.date;
        }
        if self.document.issuer.is_none() {
            self.document.issuer = doc.issuer;
        }
        for link in doc.links {
            if link.kind == crate::LinkKind::Implements
                && !self.document.links.iter().any(|l| l.number == link.number)
            {
                self.document.links.push(link);
            }
        }
        for task in appendix.tasks {
            match self
                .tasks
                .iter_mut()
                .find(|t| t.reference == task.reference)
            {
                Some(t) => *t = task,
                None => self.tasks.push(task),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_refs() {
        assert_eq!(
            TaskRef::parse("II.1").map(|r| r.to_string()),
            Some("II.1".into())
        );
        assert_eq!(TaskRef::parse("PL.6").map(|r| r.is_appendix()), Some(true));
        // A body's plan numbered its own way is taken as written.
        for r in [
            "1", "12", "1.1", "a)", "đ", "III", "II.1.a", "NV.2", "2-b", " 3 ",
        ] {
            assert_eq!(
                TaskRef::parse(r).map(|t| t.to_string()),
                Some(r.trim().to_string()),
                "{r}"
            );
        }
        assert_eq!(TaskRef::parse("1").map(|r| r.is_appendix()), Some(false));
        // Empty, punctuation only, spaces inside, control characters, too long: no reference.
        for r in [
            "",
            "  ",
            "...",
            "1 2",
            "II.\u{0}1",
            "a\tb",
            "II.1.2.3.4.5.6.7.8.9.10",
        ] {
            assert!(TaskRef::parse(r).is_none(), "{r:?}");
        }
    }

    #[test]
    fn spans_join() {
        let a = SourceSpan::new(3, 5);
        assert_eq!(a.join(SourceSpan::new(9, 10)), SourceSpan::new(3, 10));
        assert_eq!(SourceSpan::default().join(a), a);
        assert_eq!(SourceSpan::new(7, 2), SourceSpan::new(7, 7));
    }
}
