//! Agencies' own implementation plans (KH 14, III.8–9): who has issued one and who has not.

use crate::auth::{UiLang, User};
use crate::error::{AppError, AppResult};
use crate::pages::{self, Ctx};
use crate::{AppState, audit_by};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use theodoi_store::views::PlanSummary;
use theodoi_store::workspace::{CascadeStatus, NewCascadePlan};

#[derive(Template)]
#[template(path = "cascade.html")]
struct OverviewPage {
    ctx: Ctx,
    plan: PlanSummary,
    rows: Vec<CascadeStatus>,
    have: usize,
    missing: usize,
    /// An agency account records its own plan here.
    mine: Option<CascadeStatus>,
}

pub async fn overview(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let plan = state.db.load_plan(id).await?.summary;
    let all = state.db.cascade_status(id).await?;
    let mine = user
        .row
        .agency_id
        .filter(|_| user.role.is_agency())
        .and_then(|a| all.iter().find(|s| s.agency_id == a).cloned());
    let rows: Vec<CascadeStatus> = if user.role.sees_all_agencies() {
        all
    } else {
        Vec::new()
    };
    let have = rows.iter().filter(|r| r.plan.is_some()).count();
    let missing = rows.len() - have;
    if !user.role.sees_all_agencies() && !user.role.is_agency() {
        return Err(AppError::Forbidden);
    }
    pages::render(&OverviewPage {
        ctx: Ctx::new(lang, Some(&user)),
        plan,
        rows,
        have,
        missing,
        mine,
    })
}

/// An agency records its own plan: number, date, title and optionally the file (multipart).
pub async fn record(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(plan_id): Path<i64>,
    mut form: Multipart,
) -> AppResult<Response> {
    let mut csrf = String::new();
    let mut number = String::new();
    let mut date = String::new();
    let mut title = String::new();
    let mut file: Option<(String, String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "file" => {
                let file_name = field.file_name().unwrap_or_default().to_string();
                crate::form::check_field(lang, "file", &file_name)?;
                let kind = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let bytes = field.bytes().await.map_err(multipart_error)?;
                if !bytes.is_empty() {
                    file = Some((file_name, kind, bytes.to_vec()));
                }
            }
            _ => {
                let value = field.text().await.map_err(multipart_error)?;
                crate::form::check_field(lang, &name, &value)?;
                match name.as_str() {
                    "csrf" => csrf = value,
                    "number" => number = value,
                    "date" => date = value,
                    "title" => title = value,
                    _ => {}
                }
            }
        }
    }
    user.check_csrf(&csrf)?;
    let agency_id = match (user.role.is_agency(), user.row.agency_id) {
        (true, Some(a)) => a,
        _ => return Err(AppError::Forbidden),
    };
    let number: String = theodoi_text::clean(&number)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    theodoi_domain::DocumentNumber::parse(&number)
        .map_err(|e| AppError::BadRequest(format!("Số, ký hiệu: {e}")))?;
    let issued_on = time::Date::parse(
        date.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| AppError::BadRequest(format!("Ngày \"{date}\" không hợp lệ (năm-tháng-ngày)")))?;
    let title = theodoi_text::clean(&title);
    if title.is_empty() {
        return Err(AppError::BadRequest("Trích yếu không được để trống".into()));
    }
    state.db.load_plan(plan_id).await?;
    let c = NewCascadePlan {
        plan_id,
        agency_id,
        number: &number,
        issued_on,
        title: &title,
        file: file
            .as_ref()
            .map(|(n, k, b)| (n.as_str(), k.as_str(), b.as_slice())),
        recorded_by: user.id(),
    };
    let id = state
        .db
        .record_cascade_plan(&c, time::OffsetDateTime::now_utc())
        .await?;
    audit_by(
        &state,
        &user,
        "cascade_plan_recorded",
        Some(&format!("cascade:{id}")),
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("/agencies/{agency_id}/home")).into_response())
}

pub fn multipart_error(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge
    } else {
        AppError::BadRequest(format!(
            "Không đọc được biểu mẫu / the form could not be read: {}",
            e.body_text()
        ))
    }
}

pub async fn file(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (agency_id, (name, kind, bytes)) =
        state.db.cascade_file(id).await?.ok_or(AppError::NotFound)?;
    user.require(user.may_see_agency(agency_id))?;
    // Served as an attachment with a fixed safe name part, never rendered inline.
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    const SAFE_TYPES: &[&str] = &[
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ];
    let kind = if SAFE_TYPES.contains(&kind.as_str()) {
        kind
    } else {
        "application/octet-stream".to_string()
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
