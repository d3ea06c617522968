//! A body's report written through the API: `PATCH /api/v1/rounds/{id}/reports/{agency_id}`
//! changes its entries, `POST …/actions` takes a step of its workflow. Both go the pages' way
//! (`pages::rounds::change_report`, `pages::rounds::take_action`): the same fields, checks,
//! version and audit; a refusal is a 422 whose message is the page's, in the language asked for.

use super::{ApiError, ApiPath, ApiResult, ApiUser, ErrorBody, accept_language, ok};
use crate::AppState;
use crate::error::AppError;
use crate::pages::rounds::{Change, Refused, change_report, take_action};
use axum::extract::State;
use axum::http::HeaderMap;
use serde::Deserialize;
use theodoi_text::Message;
use utoipa::ToSchema;

/// A task's status, by code.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusCode {
    NotStarted,
    InProgress,
    Done,
    DoneLate,
    NotDone,
}

impl StatusCode {
    fn code(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::InProgress => "in_progress",
            Self::Done => "done",
            Self::DoneLate => "done_late",
            Self::NotDone => "not_done",
        }
    }
}

/// A change to one task's entry; fields left out keep what is stored.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskChange {
    pub task_id: i64,
    pub status: Option<StatusCode>,
    /// Why the task was not done: needed with not_done (at most 2,000 characters).
    pub reason: Option<String>,
    pub results: Option<String>,
}

/// A change to one figure: an indicator's total (dimension and category empty or left out) or
/// one cell of a breakdown; null clears it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueChange {
    pub indicator_code: String,
    #[serde(default)]
    pub dimension: String,
    #[serde(default)]
    pub category: String,
    pub value: Option<i64>,
}

/// Changes to a body's report; what is left out keeps what is stored.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportChange {
    /// The report's version as read (0 before anything is saved): a change over someone else's
    /// newer save is refused.
    pub version: i32,
    #[serde(default)]
    pub tasks: Vec<TaskChange>,
    #[serde(default)]
    pub values: Vec<ValueChange>,
    pub difficulties: Option<String>,
    pub proposals: Option<String>,
    /// An approved report is changed only with this set: the change voids the approval.
    #[serde(default)]
    pub void_approval: bool,
}

/// A workflow step, by code.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionCode {
    Approve,
    Submit,
    Return,
    Accept,
    Reopen,
}

/// A step of a report's workflow.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportStep {
    pub action: ActionCode,
    /// The report's version as read.
    pub version: i32,
    /// The comment the step carries (needed to return a report); at most 5,000 characters.
    #[serde(default)]
    pub comment: String,
}

/// Read a JSON body here, so a body that cannot be read gets the API's JSON 400.
fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(
            format!("Nội dung JSON không đọc được: {e}"),
            format!("The JSON body cannot be read: {e}"),
        )
    })
}

/// A check's refusal as the page words it: already in the language asked for.
fn refused(lines: Vec<String>) -> ApiError {
    let text = lines.join("\n");
    ApiError::Unprocessable(Message::new(text.clone(), text))
}

/// Change a body's report as its focal point or head would on the page: each entry read and
/// checked the page's way; nothing is written when any is refused.
#[utoipa::path(
    patch,
    path = "/api/v1/rounds/{id}/reports/{agency_id}",
    tag = "reports",
    params(
        ("id" = i64, Path, description = "The round's id"),
        ("agency_id" = i64, Path, description = "The body's id: the token's own body"),
    ),
    request_body = ReportChange,
    responses(
        (status = 200, description = "The report as saved", body = super::rounds::ReportDetail),
        (status = 400, description = "The body or an id cannot be read", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "A read-only token, or not the body's own focal point or head", body = ErrorBody),
        (status = 404, description = "No such round, or the round asks nothing of the body", body = ErrorBody),
        (status = 422, description = "An entry refused, the version outdated, or the report approved: nothing written; the reasons as the page gives them", body = ErrorBody),
        (status = 503, description = "The database cannot be reached", body = ErrorBody),
    )
)]
pub async fn change(
    State(state): State<AppState>,
    who: ApiUser,
    ApiPath((id, agency_id)): ApiPath<(i64, i64)>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> ApiResult {
    who.require_write()?;
    let c: ReportChange = body(&bytes)?;
    let mut changes = Vec::new();
    for t in &c.tasks {
        if let Some(s) = t.status {
            changes.push(Change::Status(t.task_id, s.code().to_string()));
        }
        if let Some(r) = &t.reason {
            changes.push(Change::Reason(t.task_id, r.clone()));
        }
        if let Some(r) = &t.results {
            changes.push(Change::Results(t.task_id, r.clone()));
        }
    }
    changes.extend(c.values.iter().map(|v| Change::Value {
        indicator: v.indicator_code.clone(),
        dimension: v.dimension.clone(),
        category: v.category.clone(),
        value: v.value,
    }));
    if let Some(d) = &c.difficulties {
        changes.push(Change::Difficulties(d.clone()));
    }
    if let Some(p) = &c.proposals {
        changes.push(Change::Proposals(p.clone()));
    }
    let lang = accept_language(&headers);
    match change_report(
        &state,
        &who.user,
        lang,
        (id, agency_id),
        c.version,
        &changes,
        c.void_approval,
    )
    .await
    {
        Ok(_) => Ok(ok(
            &super::rounds::report_detail(&state, id, agency_id).await?
        )),
        Err(Refused::Checks(lines)) => Err(refused(lines)),
        Err(Refused::App(e)) => Err(e.into()),
    }
}

/// Take a step of a body's report workflow, as the page's buttons do: the focal point submits,
/// the head approves (and may submit), the coordinator returns, accepts or reopens.
#[utoipa::path(
    post,
    path = "/api/v1/rounds/{id}/reports/{agency_id}/actions",
    tag = "reports",
    params(
        ("id" = i64, Path, description = "The round's id"),
        ("agency_id" = i64, Path, description = "The body's id"),
    ),
    request_body = ReportStep,
    responses(
        (status = 200, description = "The report after the step", body = super::rounds::ReportDetail),
        (status = 400, description = "The body or an id cannot be read", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "A read-only token, or a role that may not take steps on this report", body = ErrorBody),
        (status = 404, description = "No such round or report", body = ErrorBody),
        (status = 422, description = "The step is refused (not allowed from the report's status, the version outdated, a comment missing): the page's reason", body = ErrorBody),
        (status = 503, description = "The database cannot be reached", body = ErrorBody),
    )
)]
pub async fn step(
    State(state): State<AppState>,
    who: ApiUser,
    ApiPath((id, agency_id)): ApiPath<(i64, i64)>,
    bytes: axum::body::Bytes,
) -> ApiResult {
    who.require_write()?;
    let s: ReportStep = body(&bytes)?;
    let action = match s.action {
        ActionCode::Approve => "approve",
        ActionCode::Submit => "submit",
        ActionCode::Return => "return",
        ActionCode::Accept => "accept",
        ActionCode::Reopen => "reopen",
    };
    match take_action(
        &state, &who.user, id, agency_id, action, s.version, &s.comment,
    )
    .await
    {
        Ok(_) => Ok(ok(
            &super::rounds::report_detail(&state, id, agency_id).await?
        )),
        Err(AppError::BadRequest(m)) => Err(ApiError::Unprocessable(m)),
        Err(e) => Err(e.into()),
    }
}
