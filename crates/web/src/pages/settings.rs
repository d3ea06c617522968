//! Report settings, set once for every round: which body coordinates (its head approves the
//! drafts), the superior body's full name for the letterhead, the place in the date line and the
//! drafting unit. A new draft proposes its formal parts from them when the plan's header does not
//! name its city. Coordinators and administrators.

use crate::auth::{Role, UiLang, User};
use crate::error::{AppError, AppResult};
use crate::form::{Form, Query};
use crate::pages::{self, Ctx};
use crate::{AppState, audit_by};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use theodoi_store::drafts::ReportSettings;
use theodoi_store::views::AgencyRow;

fn allowed(user: &User) -> AppResult<()> {
    user.require(matches!(user.role, Role::Coordinator | Role::Admin))
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    ctx: Ctx,
    agencies: Vec<AgencyRow>,
    coordinating: Option<i64>,
    settings: ReportSettings,
    /// What the latest plan's header proposes for the superior body, when nothing is set.
    proposed_superior: String,
    saved: bool,
    error: String,
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    done: String,
}

/// The bodies that may coordinate, in the list's order, and the current one. Only a body of the
/// city's own administration consolidates a round: a department or the inspectorate, never a
/// group, a commune or a body the plan can only ask (the Front, the courts). The current one stays
/// listed whatever its kind, so saving the other settings does not change it unawares.
async fn choices(state: &AppState) -> AppResult<(Vec<AgencyRow>, Option<i64>)> {
    let coordinating = state.db.coordinating_agency().await?.map(|a| a.0);
    let agencies = state
        .db
        .list_agencies()
        .await?
        .into_iter()
        .filter(|a| {
            Some(a.id) == coordinating
                || (!a.is_group && matches!(a.kind.as_str(), "department" | "inspectorate"))
        })
        .collect();
    Ok((agencies, coordinating))
}

async fn page(
    state: &AppState,
    lang: crate::i18n::Lang,
    user: &User,
    settings: Option<ReportSettings>,
    saved: bool,
    error: String,
) -> AppResult<Html<String>> {
    let (agencies, coordinating) = choices(state).await?;
    let settings = match settings {
        Some(s) => s,
        None => state.db.report_settings().await?,
    };
    let proposed_superior = state
        .db
        .list_plans()
        .await?
        .into_iter()
        .filter_map(|p| p.issuer)
        .map(|i| theodoi_store::drafts::full_body_name(i.lines().next().unwrap_or("")))
        .find(|s| !s.is_empty())
        .unwrap_or_default();
    pages::render(&SettingsPage {
        ctx: Ctx::new(lang, Some(user)),
        agencies,
        coordinating,
        settings,
        proposed_superior,
        saved,
        error,
    })
}

pub async fn show(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Query(q): Query<ShowQuery>,
) -> AppResult<Html<String>> {
    allowed(&user)?;
    page(&state, lang, &user, None, q.done == "saved", String::new()).await
}

#[derive(Deserialize)]
pub struct SettingsForm {
    csrf: String,
    #[serde(default)]
    coordinating: String,
    #[serde(default)]
    superior: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    drafting_unit: String,
}

/// The page again with what was typed and the reason.
async fn refused(
    state: &AppState,
    lang: crate::i18n::Lang,
    user: &User,
    settings: ReportSettings,
    message: String,
) -> AppResult<Response> {
    let html = page(state, lang, user, Some(settings), false, message).await?;
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

pub async fn save(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Form(f): Form<SettingsForm>,
) -> AppResult<Response> {
    allowed(&user)?;
    user.check_csrf(&f.csrf)?;
    let coordinating = match f.coordinating.trim() {
        "" => None,
        v => Some(v.parse::<i64>().map_err(|_| {
            AppError::refuse(
                "Cơ quan điều phối không hợp lệ",
                "The coordinating body is not valid",
            )
        })?),
    };
    let settings = ReportSettings {
        superior: f.superior,
        place: f.place,
        drafting_unit: f.drafting_unit,
    };
    let now = time::OffsetDateTime::now_utc();
    if let Some(id) = coordinating
        && !choices(&state).await?.0.iter().any(|a| a.id == id)
    {
        return refused(
            &state,
            lang,
            &user,
            settings,
            match lang {
                crate::i18n::Lang::Vi => {
                    "Cơ quan điều phối phải là một sở, ngành hoặc thanh tra của thành phố"
                }
                crate::i18n::Lang::En => {
                    "The coordinating body must be a department or the city inspectorate"
                }
            }
            .into(),
        )
        .await;
    }
    match state
        .db
        .set_report_settings(coordinating, &settings, Some(user.id()), now)
        .await
    {
        Ok(()) => {}
        Err(theodoi_store::StoreError::Invalid(message)) => {
            let message = message.get(lang).to_string();
            return refused(&state, lang, &user, settings, message).await;
        }
        Err(e) => return Err(e.into()),
    }
    audit_by(&state, &user, "report_settings_saved", None, None).await?;
    Ok(Redirect::to("/settings/report?done=saved").into_response())
}
