//! Reporting rounds: the coordinator opens a round for a plan; each body fills in its report
//! (task status and results, indicator values with breakdowns, difficulties, evidence); the head
//! approves, the focal point submits, the coordinator returns or accepts; completeness and
//! timeliness are computed from the timestamps.

mod changes;
mod dashboard;
mod detail;
mod downloads;
mod entry;
mod form;
mod notifications;
mod open;

pub use changes::{Change, Refused, change_report};
pub use dashboard::*;
pub use detail::*;
pub use downloads::*;
pub use form::*;
pub use notifications::*;
pub use open::*;

use crate::auth::{Role, UiLang, User};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::form::Path;
use crate::form::Query;
use crate::pages::{self, Ctx};
use crate::{AppState, audit_by};
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use theodoi_domain::indicator::{self, Dimension, parse_count};
use theodoi_domain::report::{
    ALL_TASK_STATUSES, Action, Actor, ReportStatus, TaskStatus, Timeliness,
};
use theodoi_domain::{DateRange, Level, Period, Regime, ReportFrequency, Windows};
use theodoi_store::StoreError;
use theodoi_store::rounds::{
    BodyProgress, IndicatorRow, NewRound, ReportAction, ReportForm, ReportTaskLine, RoundRow,
    RoundSummary, SaveReport, TaskEntry, ValueRow,
};
use time::OffsetDateTime;

fn actor(user: &User) -> Option<Actor> {
    match user.role {
        Role::FocalPoint => Some(Actor::FocalPoint),
        Role::AgencyHead => Some(Actor::AgencyHead),
        Role::Coordinator => Some(Actor::Coordinator),
        _ => None,
    }
}

/// A date from the field the page labels `vi` (`en`).
fn date_input(s: &str, vi: &str, en: &str) -> AppResult<time::Date> {
    // Day first whatever the browser's language; the same years a periodic round may have.
    pages::parse_date(s).ok_or_else(|| {
        AppError::refuse(
            format!(
                "{vi}: \u{201C}{}\u{201D} không phải ngày hợp lệ. Nhập ngày/tháng/năm, ví dụ 15/06/2026, năm trong khoảng 1945–2200.",
                s.trim()
            ),
            format!(
                "{en}: \u{201C}{}\u{201D} is not a valid date. Enter day/month/year, such as 15/06/2026, a year from 1945 to 2200.",
                s.trim()
            ),
        )
    })
}
