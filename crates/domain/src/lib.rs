//! The plan domain of theodoi: pure types and rules, no IO, no clock.
//!
//! A plan (kế hoạch) is a [`Document`] with sections, [`Task`]s assigned to agencies
//! ([`Assignment`]: chủ trì / phối hợp), [`Timeframe`]s that yield due dates, and per-agency
//! [`Responsibility`] blocks. Everything here is built by the plan-document parser or read back from
//! storage, and tested without either. Functions that need "today" take it as an argument.

pub mod agency;
pub mod calendar;
pub mod document;
pub mod indicator;
pub mod period;
pub mod plan;
pub mod plausibility;
pub mod recommendation;
pub mod reminder;
pub mod report;
pub mod round;
pub mod timeframe;

pub use agency::{AgencyKind, AgencyMention, agency_code};
pub use calendar::{CalendarError, WorkCalendar};
pub use document::{Document, DocumentLink, DocumentNumber, DocumentType, LinkKind};
pub use indicator::{Aggregation, Dimension, IndicatorDef, IndicatorValues};
pub use period::{Period, PeriodError, ReportFrequency, Windows};
pub use plan::{
    Assignment, Plan, Responsibility, Role, Section, Signer, SourceSpan, Task, TaskItem, TaskRef,
};
pub use plausibility::{PlausibilityRule, Relation};
pub use recommendation::{Mechanism, RecKey, RecSource, Recommendation, RefError, Reference};
pub use report::{Action, Actor, ReportStatus, TaskStatus, Timeliness};
pub use round::{Level, Obligation, Regime, RegimeError, RoundTask, derive_obligations};
pub use timeframe::{DateRange, Frequency, Timeframe, TimeframeKind};
