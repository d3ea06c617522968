//! Vướng mắc: an agency raises a difficulty on a task; the coordinator answers it or forwards it
//! to the UBND; the thread and the status are kept.

use crate::auth::{UiLang, User};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::form::Path;
use crate::pages::{self, Ctx};
use crate::{AppState, audit_by};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use theodoi_store::workspace::{EscalationMessage, EscalationRow};

#[derive(Template)]
#[template(path = "escalations.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<EscalationRow>,
}

pub async fn list(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
) -> AppResult<Html<String>> {
    let rows = if user.role.sees_all_agencies() {
        state.db.escalations(None, None).await?
    } else if let (true, Some(a)) = (user.role.is_agency(), user.row.agency_id) {
        state.db.escalations(Some(a), None).await?
    } else {
        return Err(AppError::Forbidden);
    };
    pages::render(&ListPage {
        ctx: Ctx::new(lang, Some(&user)),
        rows,
    })
}

/// The field as the page labels it, in Vietnamese and English.
type Label = (&'static str, &'static str);

const SUBJECT: Label = ("Tiêu đề", "Subject");
const BODY: Label = ("Nội dung", "Message");

fn text(s: &str, (vi, en): Label, max: usize) -> AppResult<String> {
    let t = s.trim().replace("\r\n", "\n");
    if t.is_empty() {
        return Err(AppError::refuse(
            format!("{vi}: cần nhập nội dung"),
            format!("{en}: cannot be empty"),
        ));
    }
    let n = t.chars().count();
    if n > max {
        return Err(AppError::BadRequest(crate::form::too_long(vi, en, n, max)));
    }
    Ok(t)
}

#[derive(Deserialize)]
pub struct RaiseForm {
    csrf: String,
    subject: String,
    body: String,
}

pub async fn raise(
    State(state): State<AppState>,
    user: User,
    Path(task_id): Path<i64>,
    Form(f): Form<RaiseForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let agency_id = match (user.role.is_agency(), user.row.agency_id) {
        (true, Some(a)) => a,
        _ => return Err(AppError::Forbidden),
    };
    user.require(super::plans::agency_on_task(&state, agency_id, task_id).await?)?;
    let subject = text(&f.subject, SUBJECT, 300)?;
    let body = text(&f.body, BODY, 10_000)?;
    let id = state
        .db
        .raise_escalation(
            &theodoi_store::workspace::NewEscalation {
                task_id,
                agency_id,
                user_id: user.id(),
                subject: &subject,
                body: &body,
            },
            time::OffsetDateTime::now_utc(),
            state.config.smtp_url.is_some(),
        )
        .await?;
    audit_by(
        &state,
        &user,
        "escalation_raised",
        Some(&format!("escalation:{id}")),
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("/escalations/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "escalation.html")]
struct ThreadPage {
    ctx: Ctx,
    e: EscalationRow,
    messages: Vec<EscalationMessage>,
    /// The message kinds this account may add.
    kinds: Vec<(&'static str, &'static str)>,
}

fn kinds_for(user: &User, e: &EscalationRow, ctx: &Ctx) -> Vec<(&'static str, &'static str)> {
    if user.role.coordinates() {
        vec![
            ("answer", ctx.m.answer),
            ("forward", ctx.m.forward),
            ("close", ctx.m.close),
        ]
    } else if user.role.is_agency()
        && user.row.agency_id == Some(e.agency_id)
        && e.status != "closed"
    {
        vec![("reply", ctx.m.reply)]
    } else {
        Vec::new()
    }
}

pub async fn thread(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let (e, messages) = state.db.escalation(id).await?.ok_or(AppError::NotFound)?;
    user.require(user.may_see_agency(e.agency_id))?;
    let ctx = Ctx::new(lang, Some(&user));
    let kinds = kinds_for(&user, &e, &ctx);
    pages::render(&ThreadPage {
        ctx,
        e,
        messages,
        kinds,
    })
}

#[derive(Deserialize)]
pub struct MessageForm {
    csrf: String,
    kind: String,
    body: String,
}

pub async fn add(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
    Form(f): Form<MessageForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let (e, _) = state.db.escalation(id).await?.ok_or(AppError::NotFound)?;
    let ctx = Ctx::new(lang, Some(&user));
    let allowed = kinds_for(&user, &e, &ctx);
    user.require(allowed.iter().any(|(k, _)| *k == f.kind))?;
    let body = text(&f.body, BODY, 10_000)?;
    state
        .db
        .add_escalation_message(
            id,
            user.id(),
            &f.kind,
            &body,
            time::OffsetDateTime::now_utc(),
            state.config.smtp_url.is_some(),
        )
        .await?;
    let action = format!("escalation_{}", f.kind);
    audit_by(
        &state,
        &user,
        &action,
        Some(&format!("escalation:{id}")),
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("/escalations/{id}")).into_response())
}
