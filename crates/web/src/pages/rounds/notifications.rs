//! Each account's notifications and the round's reminder log for the coordinator.

use super::*;

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    ctx: Ctx,
    rows: Vec<theodoi_store::reminders::NotificationRow>,
}

pub async fn notifications(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
) -> AppResult<Html<String>> {
    let rows = state.db.notifications_for(user.id(), 200).await?;
    pages::render(&NotificationsPage {
        ctx: Ctx::new(lang, Some(&user)),
        rows,
    })
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn mark_read(
    State(state): State<AppState>,
    user: User,
    Form(f): Form<CsrfOnly>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    state
        .db
        .mark_read(user.id(), OffsetDateTime::now_utc())
        .await?;
    Ok(Redirect::to("/notifications").into_response())
}

#[derive(Template)]
#[template(path = "reminder_log.html")]
struct ReminderLogPage {
    ctx: Ctx,
    round: RoundRow,
    rows: Vec<theodoi_store::reminders::SentRow>,
}

pub async fn reminder_log(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    user.require(user.role.sees_all_agencies())?;
    let round = state.db.round(id).await?.ok_or(AppError::NotFound)?;
    let rows = state.db.notification_log(id).await?;
    pages::render(&ReminderLogPage {
        ctx: Ctx::new(lang, Some(&user)),
        round,
        rows,
    })
}
