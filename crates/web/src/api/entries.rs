//! A body's report written through the API: `PATCH /api/v1/rounds/{id}/reports/{agency_id}`
//! changes its entries, `POST …/actions` takes a step of its workflow. Both go the pages' way
//! (`pages::rounds::change_report`, `pages::rounds::take_action`): the same fields, checks,
//! version and audit; a refusal is a 422 whose message is the page's, in the language asked for.

use super::{ApiError, ApiPath, ApiResult, ApiUser, ErrorBody, accept_language, ok};
use crate::AppState;
use crate::auth::Role;
use crate::error::AppError;
use crate::pages::rounds::{Change, Refused, change_report, take_action};
use axum::extract::State;
use axum::http::HeaderMap;
use serde::Deserialize;
use theodoi_domain::report::{Action, Actor, ReportStatus, WorkflowError, transition};
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

/// A write refused to this account (another body's report, a step the role never takes).
fn not_yours() -> ApiError {
    ApiError::Forbidden(
        "forbidden",
        Message::new(
            "Tài khoản này không được thay đổi báo cáo này: chỉ đầu mối hoặc lãnh đạo của chính cơ quan đó sửa và trình báo cáo, chỉ lãnh đạo duyệt, chỉ Sở Tư pháp trả lại, tiếp nhận hay mở lại",
            "This account may not change this report: only the body's own focal point or head edits and submits it, only its head approves, only the coordinator returns, accepts or reopens",
        ),
    )
}

/// The report moved on since the version the change names.
fn stale(now: i32) -> ApiError {
    ApiError::Conflict(Message::new(
        format!(
            "Báo cáo đã được cập nhật sau phiên bản gửi kèm; phiên bản hiện tại là {now}: đọc lại báo cáo rồi gửi thay đổi với phiên bản đó"
        ),
        format!(
            "The report was saved after the version sent; it is now at version {now}: read it again and send the change with that version"
        ),
    ))
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
        (status = 409, description = "The report was saved after the version sent (code version_conflict; the message gives the current version): nothing written", body = ErrorBody),
        (status = 422, description = "An entry refused, or the report approved and void_approval not set: nothing written; every reason as the page gives it, one per line", body = ErrorBody),
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
        Err(Refused::Stale(now)) => Err(stale(now)),
        Err(Refused::App(AppError::Forbidden)) => Err(not_yours()),
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
        (status = 422, description = "The step is refused (not allowed from the report's status — submit needs approved, return and accept need submitted, reopen needs accepted —, the version outdated, a return's or reopening's comment missing, an incomplete report not approved): the page's reason", body = ErrorBody),
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
    // A step the role never takes is refused as not this account's, whatever the report's
    // state (the page shows no such button; a script is told 403 rather than a state's reason).
    let actor = match who.role() {
        Role::FocalPoint => Actor::FocalPoint,
        Role::AgencyHead => Actor::AgencyHead,
        Role::Coordinator => Actor::Coordinator,
        _ => return Err(not_yours()),
    };
    let parsed = Action::parse(action).ok_or_else(not_yours)?;
    if let Err(WorkflowError::NotYours(_)) = transition(ReportStatus::Draft, parsed, actor) {
        return Err(not_yours());
    }
    let taken = take_action(
        &state,
        &who.user,
        (id, agency_id),
        action,
        s.version,
        &s.comment,
        ", through the API",
    )
    .await;
    match taken {
        Ok(_) => Ok(ok(
            &super::rounds::report_detail(&state, id, agency_id).await?
        )),
        Err(AppError::BadRequest(m)) => Err(ApiError::Unprocessable(m)),
        Err(AppError::Forbidden) => Err(not_yours()),
        Err(e) => Err(e.into()),
    }
}
