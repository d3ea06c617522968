//! Reporting rounds: regimes, indicators, rounds and their obligations, reports with their values,
//! the workflow, history and snapshots, and the figures of completeness.
//!
//! Every write that belongs together is one transaction, and every check that can refuse a write
//! runs before anything is written: a refused save leaves the report as it was.
//!
//! One file per concern, each with its own `backend!` macro generating the SQLite and PostgreSQL
//! modules of its queries and an `impl Db` dispatching to them: regimes, indicators, opening a
//! round, progress, reports, their workflow, and figures.

use crate::StoreError;
use serde::Serialize;
use theodoi_domain::indicator::{Aggregation, Dimension, IndicatorDef};
use theodoi_domain::report::WorkflowError;
use time::{Date, OffsetDateTime};

/// A stored indicator.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IndicatorRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub aggregation: String,
    pub dimensions: String,
    pub required: bool,
    pub active: bool,
    pub public: bool,
    pub position: i32,
}

impl IndicatorRow {
    pub fn dims(&self) -> Vec<Dimension> {
        self.dimensions
            .split(',')
            .filter_map(Dimension::parse)
            .collect()
    }
    pub fn def(&self) -> IndicatorDef {
        IndicatorDef {
            code: self.code.clone(),
            name: self.name.clone(),
            unit: self.unit.clone(),
            aggregation: Aggregation::parse(&self.aggregation).unwrap_or(Aggregation::Sum),
            dimensions: self.dims(),
            required: self.required,
        }
    }
}

/// A round with its plan's number.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RoundRow {
    pub id: i64,
    pub plan_id: i64,
    pub plan_number: Option<String>,
    pub regime_id: Option<i64>,
    pub kind: String,
    pub title: String,
    pub label: String,
    pub period_start: Option<Date>,
    pub period_months: Option<i32>,
    pub window_start: Date,
    pub window_end: Date,
    pub agency_deadline: Date,
    pub coordinator_deadline: Option<Date>,
    pub committee_deadline: Option<Date>,
    pub reminder_offsets: String,
    pub opened_at: OffsetDateTime,
}

/// One stored value: the total has dimension and category "".
#[derive(Debug, Clone, PartialEq, Eq, Hash, sqlx::FromRow, Serialize)]
pub struct ValueRow {
    pub indicator_id: i64,
    pub dimension: String,
    pub category: String,
    pub value: i64,
}

fn workflow(e: WorkflowError) -> StoreError {
    StoreError::Invalid(e.message())
}

fn stale(version: i32) -> StoreError {
    StoreError::conflict(
        format!(
            "Báo cáo đã được người khác cập nhật (phiên bản {version}); hãy tải lại trang, xem thay đổi rồi nhập lại"
        ),
        format!(
            "Someone else saved this report (version {version}); reload the page, review the changes and enter yours again"
        ),
    )
}

const ROUND_COLUMNS: &str = "r.id, r.plan_id, d.number AS plan_number, r.regime_id, r.kind, r.title, r.label, \
     r.period_start, r.period_months, r.window_start, r.window_end, r.agency_deadline, r.coordinator_deadline, \
     r.committee_deadline, r.reminder_offsets, r.opened_at \
     FROM rounds r JOIN plans p ON p.id = r.plan_id JOIN documents d ON d.id = p.document_id";

const REPORT_COLUMNS: &str = "id, round_id, agency_id, status, version, difficulties, proposals, approved_version, \
     first_submitted_at, submitted_at, accepted_at, updated_at";

/// A round's indicators, in the round's order.
macro_rules! round_indicators_sql {
    () => {
        "SELECT i.id, i.code, i.name, i.unit, i.aggregation, i.dimensions, i.required, i.active, i.public, ri.position \
         FROM round_indicators ri JOIN indicators i ON i.id = ri.indicator_id WHERE ri.round_id = $1 \
         ORDER BY ri.position, i.id"
    };
}

// Declared after the shared macros above, which the concerns use.
mod figures;
mod indicators;
mod open;
mod progress;
mod regimes;
mod reports;
mod workflow;

pub use figures::NarrativeRow;
pub use open::{NewRound, OpenedRound, UnnamedGroup};
pub use progress::{BodyProgress, PublicLeadStatus, RoundSummary, TallyRow};
pub use regimes::{NewRegime, RegimeRow};
pub use reports::{
    EventRow, FileRow, HistoryRow, ReportForm, ReportRow, ReportTaskLine, SaveReport, SentSnapshot,
    SnapshotContent, SnapshotTaskEntry, SnapshotValue, TaskEntry,
};
pub use workflow::ReportAction;
