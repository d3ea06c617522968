//! The agency directory (the coordinator adds, edits, merges duplicates, sets parent and kind)
//! and each agency's home: what it must do and report, as lead and as coordinator.

use crate::auth::{Role, UiLang, User};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::form::Path;
use crate::pages::{self, Ctx};
use crate::{AppState, audit_by};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use theodoi_domain::AgencyKind;
use theodoi_store::views::AgencyRow;
use theodoi_store::workspace::{AgencyDetail, AgencyDuty, AgencyTask};

const KINDS: &[&str] = &[
    "department",
    "inspectorate",
    "police",
    "court",
    "procuracy",
    "judgment_enforcement",
    "fatherland_front",
    "mass_organisation",
    "bar_association",
    "commune",
    "people_committee",
    "central",
    "other",
];

#[derive(Template)]
#[template(path = "agencies.html")]
struct ListPage {
    ctx: Ctx,
    agencies: Vec<AgencyRow>,
    kinds: Vec<(&'static str, String)>,
    refused: Option<Refused>,
}

impl ListPage {
    /// The refusal of one of the page's forms, if that form was the one refused.
    fn refused_in(&self, form: &str) -> Option<&Refused> {
        self.refused.as_ref().filter(|r| r.form == form)
    }
}

/// A form of the directory refused, shown back as typed with the reason above it.
#[derive(Default)]
struct Refused {
    /// Which form: "add" or "merge".
    form: &'static str,
    why: String,
    name: String,
    kind: String,
    parent_id: String,
    is_group: bool,
    keep: i64,
    remove: i64,
}

fn kinds(ctx: &Ctx) -> Vec<(&'static str, String)> {
    KINDS.iter().map(|k| (*k, ctx.kind_name(k))).collect()
}

pub async fn list(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
) -> AppResult<Html<String>> {
    list_page(&state, lang, &user, None).await
}

async fn list_page(
    state: &AppState,
    lang: crate::i18n::Lang,
    user: &User,
    refused: Option<Refused>,
) -> AppResult<Html<String>> {
    let agencies = state.db.list_agencies().await?;
    let ctx = Ctx::new(lang, Some(user));
    let kinds = kinds(&ctx);
    pages::render(&ListPage {
        ctx,
        agencies,
        kinds,
        refused,
    })
}

#[derive(Deserialize)]
pub struct NewAgency {
    csrf: String,
    name: String,
    kind: String,
    #[serde(default)]
    is_group: Option<String>,
    #[serde(default)]
    parent_id: String,
}

fn parse_parent(s: &str) -> AppResult<Option<i64>> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    s.trim().parse().map(Some).map_err(|_| {
        AppError::refuse(
            format!("\"{s}\" không phải cơ quan"),
            format!("\"{s}\" is not an agency"),
        )
    })
}

/// The parent an agency may have, from the form's `parent_id` (empty: none): a single body that
/// exists, not the agency itself and not one of the bodies under it, so the hierarchy has no
/// loop. `id` is the agency being edited (none for a new one). Each refusal says why.
async fn check_parent(state: &AppState, id: Option<i64>, raw: &str) -> AppResult<Option<i64>> {
    let Some(parent) = parse_parent(raw)? else {
        return Ok(None);
    };
    if Some(parent) == id {
        return Err(AppError::refuse(
            "Cơ quan không thể là cấp trên của chính mình",
            "An agency cannot be its own parent",
        ));
    }
    let mut above = state.db.agency(parent).await?.ok_or_else(|| {
        AppError::refuse(
            "Cơ quan cấp trên đã chọn không còn trong danh mục; hãy tải lại trang rồi chọn lại",
            "The chosen parent is no longer in the directory; reload the page and choose again",
        )
    })?;
    if above.is_group {
        return Err(AppError::refuse(
            format!(
                "\u{201C}{}\u{201D} là một nhóm, không thể là cơ quan cấp trên",
                above.name
            ),
            format!(
                "\u{201C}{}\u{201D} is a group; a group cannot be a parent",
                above.name
            ),
        ));
    }
    let parent_name = theodoi_text::clean(&above.name);
    // Up the chain from the chosen parent: meeting the agency itself would close a loop. The
    // directory is a few levels deep; the bound only guards against a loop already stored.
    for _ in 0..64 {
        let Some(up) = above.parent_id else { break };
        if Some(up) == id {
            return Err(AppError::refuse(
                format!(
                    "\u{201C}{parent_name}\u{201D} trực thuộc cơ quan này, nên không thể là cấp trên của nó"
                ),
                format!(
                    "\u{201C}{parent_name}\u{201D} is under this agency, so it cannot be its parent"
                ),
            ));
        }
        match state.db.agency(up).await? {
            Some(a) => above = a,
            None => break,
        }
    }
    Ok(Some(parent))
}

fn check_kind(kind: &str) -> AppResult<()> {
    if AgencyKind::from_code(kind).is_some() {
        Ok(())
    } else {
        Err(AppError::refuse(
            format!("Loại cơ quan \"{kind}\" không có"),
            format!("Unknown kind of agency \"{kind}\""),
        ))
    }
}

fn check_name(name: &str) -> AppResult<String> {
    let name = theodoi_text::clean(name);
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::refuse(
            "Tên cơ quan dài 1–200 ký tự",
            "An agency's name has 1 to 200 characters",
        ));
    }
    Ok(name)
}

pub async fn create(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Form(f): Form<NewAgency>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    user.require(user.role.coordinates())?;
    let created = async {
        let name = check_name(&f.name)?;
        check_kind(&f.kind)?;
        let parent = check_parent(&state, None, &f.parent_id).await?;
        Ok(state
            .db
            .create_agency(&name, &f.kind, f.is_group.is_some(), parent)
            .await?)
    }
    .await;
    let id = match created {
        Ok(id) => id,
        Err(AppError::BadRequest(why)) => {
            let refused = Refused {
                form: "add",
                why: why.get(lang).to_string(),
                name: f.name,
                kind: f.kind,
                parent_id: f.parent_id,
                is_group: f.is_group.is_some(),
                ..Refused::default()
            };
            return refused_page(list_page(&state, lang, &user, Some(refused)).await);
        }
        Err(e) => return Err(e),
    };
    // After the write: a reader in between would otherwise cache the old state anew.
    state.cache.invalidate();
    audit_by(
        &state,
        &user,
        "agency_created",
        Some(&format!("agency:{id}")),
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("/agencies/{id}")).into_response())
}

/// A form shown back after a refusal: the page, answered as unprocessable.
fn refused_page(page: AppResult<Html<String>>) -> AppResult<Response> {
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page?).into_response())
}

#[derive(Template)]
#[template(path = "agency_edit.html")]
struct EditPage {
    ctx: Ctx,
    agency: AgencyDetail,
    others: Vec<AgencyRow>,
    kinds: Vec<(&'static str, String)>,
    /// Named members, for a group.
    members: Vec<i64>,
    /// A group such as "các cơ quan liên quan": named per task, not here.
    vague: bool,
    /// Why the changes shown (as typed) were not saved; empty when nothing was refused.
    refused: String,
    /// What the form shows: the stored values, or the refused ones as typed.
    form: AgencyFields,
}

/// The directory entry's editable fields, as the form shows them.
struct AgencyFields {
    name: String,
    kind: String,
    parent_id: Option<i64>,
    requested_only: bool,
}

#[derive(Deserialize)]
pub struct EditQuery {
    #[serde(default)]
    saved: Option<u8>,
}

pub async fn edit(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
    crate::form::Query(q): crate::form::Query<EditQuery>,
) -> AppResult<Html<String>> {
    let saved = q.saved.is_some();
    edit_page(&state, lang, &user, id, None, saved).await
}

async fn edit_page(
    state: &AppState,
    lang: crate::i18n::Lang,
    user: &User,
    id: i64,
    refused: Option<(UpdateAgency, String)>,
    saved: bool,
) -> AppResult<Html<String>> {
    // The directory's edit page is the coordinator's (who edits) and administrators' (who
    // look after accounts of agencies); others reach an agency through its home.
    user.require(user.role.coordinates() || user.role == Role::Admin)?;
    let agency = state.db.agency(id).await?.ok_or(AppError::NotFound)?;
    let others = state
        .db
        .list_agencies()
        .await?
        .into_iter()
        .filter(|a| a.id != id)
        .collect();
    let members = if agency.is_group {
        state.db.group_members(id).await?
    } else {
        Vec::new()
    };
    let mut ctx = Ctx::new(lang, Some(user));
    if saved {
        let said = ctx.t("Đã lưu thay đổi.", "Changes saved.");
        ctx = ctx.with_flash(said);
    }
    let kinds = kinds(&ctx);
    let vague = agency.is_group && theodoi_domain::agency::is_vague_group(&agency.name);
    // Refused changes are shown as typed, to correct rather than type again; the heading keeps
    // the stored name.
    let (form, refused) = match refused {
        Some((typed, why)) => (
            AgencyFields {
                name: typed.name,
                kind: typed.kind,
                parent_id: typed.parent_id.trim().parse().ok(),
                requested_only: typed.requested_only.is_some(),
            },
            why,
        ),
        None => (
            AgencyFields {
                name: agency.name.clone(),
                kind: agency.kind.clone(),
                parent_id: agency.parent_id,
                requested_only: agency.requested_only,
            },
            String::new(),
        ),
    };
    pages::render(&EditPage {
        ctx,
        agency,
        others,
        kinds,
        members,
        vague,
        refused,
        form,
    })
}

/// Name the members a group expands to when a round is opened.
pub async fn set_members(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Form(raw): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let csrf = raw
        .iter()
        .find(|(k, _)| k == "csrf")
        .map_or("", |(_, v)| v.as_str());
    user.check_csrf(csrf)?;
    user.require(user.role.coordinates())?;
    let members = raw
        .iter()
        .filter(|(k, _)| k == "member")
        .map(|(_, v)| {
            v.parse::<i64>().map_err(|_| {
                AppError::refuse(
                    format!("\"{v}\" không phải mã cơ quan"),
                    format!("\"{v}\" is not an agency id"),
                )
            })
        })
        .collect::<AppResult<Vec<i64>>>()?;
    state.db.set_group_members(id, &members).await?;
    state.cache.invalidate();
    audit_by(
        &state,
        &user,
        "group_members_set",
        Some(&format!("agency:{id}")),
        Some(&format!("{} members", members.len())),
    )
    .await?;
    Ok(Redirect::to(&format!("/agencies/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct UpdateAgency {
    csrf: String,
    name: String,
    kind: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    requested_only: Option<String>,
}

pub async fn update(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
    Form(f): Form<UpdateAgency>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    user.require(user.role.coordinates())?;
    let updated = async {
        let name = check_name(&f.name)?;
        check_kind(&f.kind)?;
        let parent = check_parent(&state, Some(id), &f.parent_id).await?;
        Ok(state
            .db
            .update_agency(id, &name, &f.kind, parent, f.requested_only.is_some())
            .await?)
    }
    .await;
    match updated {
        Ok(()) => {}
        Err(AppError::BadRequest(why)) => {
            let why = why.get(lang).to_string();
            return refused_page(edit_page(&state, lang, &user, id, Some((f, why)), false).await);
        }
        Err(e) => return Err(e),
    }
    state.cache.invalidate();
    audit_by(
        &state,
        &user,
        "agency_updated",
        Some(&format!("agency:{id}")),
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("/agencies/{id}?saved=1")).into_response())
}

#[derive(Deserialize)]
pub struct MergeForm {
    csrf: String,
    keep: i64,
    remove: i64,
}

pub async fn merge(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Form(f): Form<MergeForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    user.require(user.role.coordinates())?;
    let merged = match state
        .db
        .merge_agencies(f.keep, f.remove, time::OffsetDateTime::now_utc())
        .await
    {
        Err(theodoi_store::StoreError::NotFound(_)) => Err(AppError::refuse(
            "Một trong hai cơ quan không còn trong danh mục; hãy tải lại trang rồi chọn lại.",
            "One of the two agencies is no longer in the directory; reload the page and choose again.",
        )),
        other => other.map_err(AppError::from),
    };
    let outcome = match merged {
        Ok(outcome) => outcome,
        Err(AppError::BadRequest(why)) => {
            let refused = Refused {
                form: "merge",
                why: why.get(lang).to_string(),
                keep: f.keep,
                remove: f.remove,
                ..Refused::default()
            };
            return refused_page(list_page(&state, lang, &user, Some(refused)).await);
        }
        Err(e) => return Err(e),
    };
    state.cache.invalidate();
    let detail = format!(
        "agency:{} merged into agency:{}; {} reports moved, {} empty reports dropped",
        f.remove, f.keep, outcome.reports_moved, outcome.empty_reports_dropped
    );
    audit_by(
        &state,
        &user,
        "agency_merged",
        Some(&format!("agency:{}", f.keep)),
        Some(&detail),
    )
    .await?;
    Ok(Redirect::to(&format!("/agencies/{}", f.keep)).into_response())
}

/// A round the agency reports in, as its home lists it.
struct HomeRound {
    round: theodoi_store::rounds::RoundRow,
    tasks: i64,
    status: Option<theodoi_domain::ReportStatus>,
    overdue: bool,
    /// Who the report waits for now, in words ("Chờ lãnh đạo duyệt", "Bị trả lại: …").
    waiting: String,
}

/// Who a report waits for, from its status, whether the head was asked and the last return's
/// reason.
pub(crate) fn waiting_for(
    ctx: &Ctx,
    status: Option<theodoi_domain::ReportStatus>,
    wait: Option<&theodoi_store::notices::ReportWait>,
) -> String {
    use theodoi_domain::ReportStatus as S;
    match status {
        None => ctx
            .t(
                "Chưa soạn: chờ đầu mối nhập",
                "Not started: the focal point enters it",
            )
            .into(),
        Some(S::Draft) if wait.is_some_and(|w| w.asked) => ctx
            .t("Chờ lãnh đạo duyệt", "Awaiting the head's approval")
            .into(),
        Some(S::Draft) => ctx
            .t(
                "Đang soạn: đầu mối hoàn thành rồi trình lãnh đạo duyệt",
                "Being drafted by the focal point",
            )
            .into(),
        Some(S::Approved) => ctx
            .t(
                "Đã duyệt: chờ đầu mối gửi",
                "Approved: the focal point sends it",
            )
            .into(),
        Some(S::Submitted) => ctx
            .t(
                "Đã gửi: chờ Sở Tư pháp tiếp nhận",
                "Sent: awaiting the Sở Tư pháp",
            )
            .into(),
        Some(S::Returned) => {
            let reason = wait.and_then(|w| w.return_reason.as_deref()).unwrap_or("");
            format!("{}: {reason}", ctx.t("Bị trả lại", "Returned"))
        }
        Some(S::Accepted) => ctx
            .t("Sở Tư pháp đã tiếp nhận", "Accepted by the Sở Tư pháp")
            .into(),
    }
}

#[derive(Template)]
#[template(path = "agency_home.html")]
struct HomePage {
    ctx: Ctx,
    agency: AgencyDetail,
    lead: Vec<AgencyTask>,
    coordinating: Vec<AgencyTask>,
    duties: Vec<AgencyDuty>,
    escalations: Vec<theodoi_store::workspace::EscalationRow>,
    rounds: Vec<HomeRound>,
    /// On the coordinating body's home: the report drafts, those awaiting approval first.
    drafts: Vec<theodoi_store::drafts::DraftListing>,
}

pub async fn home(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    user.require(user.may_see_agency(id))?;
    let work = state.agency_work(id).await?;
    let agency = work.agency.clone();
    let (lead, coordinating): (Vec<_>, Vec<_>) = work
        .tasks
        .iter()
        .cloned()
        .partition(|t| t.role == theodoi_domain::Role::Lead);
    let duties = work.duties.clone();
    let escalations = state.db.escalations(Some(id), None).await?;
    let now = time::OffsetDateTime::now_utc();
    let ctx = Ctx::new(lang, Some(&user));
    let waits = state.db.report_waits(id).await?;
    let rounds = state
        .db
        .agency_rounds(id)
        .await?
        .into_iter()
        .map(|(r, tasks, status)| HomeRound {
            waiting: waiting_for(
                &ctx,
                status
                    .as_deref()
                    .and_then(theodoi_domain::ReportStatus::parse),
                waits.iter().find(|w| w.round_id == r.id),
            ),
            status: status
                .as_deref()
                .and_then(theodoi_domain::ReportStatus::parse),
            overdue: status.as_deref().is_none_or(|s| {
                theodoi_domain::ReportStatus::parse(s).is_some_and(|s| s.editable())
            }) && theodoi_domain::Timeliness::of(r.agency_deadline, None, now)
                == theodoi_domain::Timeliness::Overdue,
            round: r,
            tasks,
        })
        .collect();
    let coordinating_body = state.db.coordinating_agency().await?.map(|a| a.0);
    let mut drafts = if coordinating_body == Some(id) {
        state.db.draft_listings().await?
    } else {
        Vec::new()
    };
    drafts.sort_by_key(|d| d.approved);
    pages::render(&HomePage {
        rounds,
        drafts,
        ctx,
        agency,
        lead,
        coordinating,
        duties,
        escalations,
    })
}
