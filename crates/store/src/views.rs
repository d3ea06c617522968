//! Read models: what the CLI and, later, the web pages show. Kept apart from the domain types the
//! parser produces, since a page needs ids and counts the domain does not have.

use time::Date;

/// One stored plan, for lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSummary {
    pub id: i64,
    pub doc_type: String,
    pub number: Option<String>,
    pub title: String,
    pub issuer: Option<String>,
    pub issued_on: Option<Date>,
    pub has_body: bool,
    pub has_appendix: bool,
    pub task_count: i64,
    /// Numbers of the documents this plan implements.
    pub implements: Vec<String>,
}

/// A task of a stored plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRow {
    pub id: i64,
    pub reference: String,
    pub title: String,
    pub time_text: String,
    pub time_kind: String,
    pub items: Vec<String>,
}

/// One assignment of a stored plan: task × agency × role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentRow {
    pub task_id: i64,
    pub agency_id: i64,
    pub agency_code: String,
    pub agency_name: String,
    pub name_as_written: String,
    pub role: theodoi_domain::Role,
    pub requested_only: bool,
}

/// A plan with its tasks and assignments: the task × agency matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanView {
    pub summary: PlanSummary,
    pub tasks: Vec<TaskRow>,
    pub assignments: Vec<AssignmentRow>,
}

impl PlanView {
    /// Agencies in the order they first appear in the plan: the matrix's columns.
    pub fn agencies(&self) -> Vec<(i64, &str)> {
        let mut out: Vec<(i64, &str)> = Vec::new();
        for a in &self.assignments {
            if !out.iter().any(|(id, _)| *id == a.agency_id) {
                out.push((a.agency_id, a.agency_name.as_str()));
            }
        }
        out
    }

    /// The role of an agency on a task, if it has one.
    pub fn role(&self, task_id: i64, agency_id: i64) -> Option<theodoi_domain::Role> {
        self.assignments
            .iter()
            .find(|a| a.task_id == task_id && a.agency_id == agency_id)
            .map(|a| a.role)
    }
}

/// An agency in the directory, with how much of the work it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub is_group: bool,
    pub requested_only: bool,
    pub lead_count: i64,
    pub coordinating_count: i64,
    pub responsibility_count: i64,
}

/// A section III block as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponsibilityView {
    pub number: i32,
    pub heading: String,
    pub requested_only: bool,
    pub duties: Vec<String>,
    /// (agency id, name)
    pub agencies: Vec<(i64, String)>,
}

/// The parts of a plan that are not tasks: what the plan page shows around the task tree.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanContent {
    pub purposes: Vec<String>,
    pub requirements: Vec<String>,
    pub closing: Option<String>,
    pub recipients: Vec<String>,
    pub signer: Option<theodoi_domain::Signer>,
    /// (number, heading, first line, last line)
    pub sections: Vec<(String, String, i32, i32)>,
    pub responsibilities: Vec<ResponsibilityView>,
}
