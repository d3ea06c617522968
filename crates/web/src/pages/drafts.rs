//! "Dự thảo báo cáo": the Sở's report of a round, drafted from the data and worked on in the
//! browser. The coordinator's specialist edits each section as plain paragraphs and bullets beside
//! the material it was drafted from; every save is a version; the head of the coordinating body
//! approves; the DOCX and PDF are built from the draft (marked "DỰ THẢO" until approved). A draft
//! refreshed from newer data never overwrites an edited section: the newer text is shown beside
//! the edit to take from.
//!
//! Who may do what: the coordinator edits; the head of the coordinating body (by default the
//! agency coded "so-tu-phap", else the stored setting) approves; that body's focal point, leaders
//! and administrators read; everyone else is refused.

use crate::auth::{Role, UiLang, User};
use crate::error::{AppError, AppResult};
use crate::form::Path;
use crate::form::{Form, Query};
use crate::pages::{self, Ctx};
use crate::{AppState, audit_by};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::HashMap;
use theodoi_report::draft::{DraftSection, Material};
use theodoi_report::{Consolidation, Grouping};
use theodoi_store::StoreError;
use theodoi_store::drafts::{DraftRow, FormalParts, NewSection, SectionEdit, SectionRow};
use theodoi_store::rounds::RoundRow;
use time::OffsetDateTime;

/// What an account may do with a round's draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Edit,
    Approve,
    Read,
}

async fn access(state: &AppState, user: &User) -> AppResult<Access> {
    match user.role {
        Role::Coordinator => Ok(Access::Edit),
        Role::Leader | Role::Admin => Ok(Access::Read),
        Role::AgencyHead | Role::FocalPoint => {
            let coordinating = state.db.coordinating_agency().await?.map(|a| a.0);
            if coordinating.is_none() || user.row.agency_id != coordinating {
                return Err(AppError::Forbidden);
            }
            Ok(if user.role == Role::AgencyHead {
                Access::Approve
            } else {
                Access::Read
            })
        }
        Role::Inspector => Err(AppError::Forbidden),
    }
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn to_new(sections: Vec<DraftSection>) -> Vec<NewSection> {
    sections
        .into_iter()
        .map(|s| NewSection {
            key: s.key,
            heading: s.heading,
            level: s.level,
            text: s.text,
        })
        .collect()
}

fn title(ctx: &Ctx, key: &str, heading: &str) -> String {
    if !heading.is_empty() {
        return heading.to_string();
    }
    match key {
        "intro" => ctx.t("Phần mở đầu", "Opening"),
        "closing" => ctx.t("Phần kết", "Closing"),
        _ => ctx.t("Đoạn không có tiêu đề", "Untitled paragraph"),
    }
    .to_string()
}

/// An HTML id for a section: its key with anything but letters, digits and dots as "-".
fn anchor(key: &str) -> String {
    let k: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("s-{k}")
}

/// A key in a query string.
fn encode(key: &str) -> String {
    form_urlencoded::byte_serialize(key.as_bytes()).collect()
}

/// A paragraph of a section as shown to readers: a bullet or a plain paragraph.
pub struct Para {
    pub bullet: bool,
    pub text: String,
}

/// Paragraphs separated by blank lines; a line starting with "- " is a bullet of its own.
fn paragraphs(text: &str) -> Vec<Para> {
    let mut out = Vec::new();
    for block in text.split("\n\n") {
        let mut plain: Vec<&str> = Vec::new();
        for line in block.lines().map(str::trim) {
            if let Some(b) = line.strip_prefix("- ") {
                if !plain.is_empty() {
                    out.push(Para {
                        bullet: false,
                        text: plain.join(" "),
                    });
                    plain.clear();
                }
                out.push(Para {
                    bullet: true,
                    text: b.trim().to_string(),
                });
            } else if !line.is_empty() {
                plain.push(line);
            }
        }
        if !plain.is_empty() {
            out.push(Para {
                bullet: false,
                text: plain.join(" "),
            });
        }
    }
    out
}

pub struct SectionView {
    /// The heading of a part that begins here and has no section of its own (II.).
    pub part: Option<String>,
    pub key: String,
    pub anchor: String,
    pub history: String,
    /// The heading, or a name for the untitled opening and closing.
    pub title: String,
    pub level: i32,
    /// What the textarea holds: the stored text, or what the page posted when a save was refused.
    pub text: String,
    pub paras: Vec<Para>,
    pub version: i32,
    pub edited: bool,
    pub edited_by: String,
    pub edited_at: String,
    pub fresh: Option<String>,
    pub material: Vec<Material>,
    /// Someone saved this section since the page was loaded: their text, shown under the editor.
    pub conflict: Option<String>,
    pub rows: usize,
    /// Grouped by recommendation or article: the group heading this section opens.
    pub group: Option<String>,
    /// Grouped: the other recommendations or articles its task also serves.
    pub also: Option<String>,
    /// Grouped: the recommendations or articles after this section whose tasks stand earlier.
    pub after: Vec<theodoi_report::arrange::SeeAlso>,
}

/// A formal part the draft lacks, asked for on the approve form: the head completes it as he
/// approves rather than sending the draft back for it.
pub struct Ask {
    pub name: &'static str,
    pub label: String,
    /// What was typed, when an approval was refused.
    pub value: String,
}

/// The formal parts an approver may complete, by form name: those the report cannot be issued
/// without.
const COMPLETABLE: [&str; 4] = ["superior", "issuer", "place", "signer"];

/// What the approve form asks for: every completable part the draft lacks, and, after a refused
/// approval, any part typed otherwise than the draft now has it (so nothing typed is lost).
fn asks(ctx: &Ctx, d: &DraftRow, typed: &[(&'static str, String)]) -> Vec<Ask> {
    COMPLETABLE
        .iter()
        .filter_map(|&name| {
            let (stored, label) = match name {
                "superior" => (
                    &d.superior,
                    ctx.t(
                        "Cơ quan cấp trên (ghi đầy đủ, ví dụ “ỦY BAN NHÂN DÂN THÀNH PHỐ …”)",
                        "Superior body (in full)",
                    ),
                ),
                "issuer" => (&d.issuer, ctx.t("Cơ quan ban hành báo cáo", "Issuing body")),
                "place" => (
                    &d.place,
                    ctx.t(
                        "Địa danh (dòng “…, ngày … tháng … năm …”)",
                        "Place (in the date line)",
                    ),
                ),
                _ => (&d.signer, ctx.t("Họ tên người ký", "Signer's name")),
            };
            let value = typed
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default();
            let differs = !value.is_empty() && value != *stored;
            (stored.trim().is_empty() || differs).then(|| Ask {
                name,
                label: label.to_string(),
                value,
            })
        })
        .collect()
}

/// The draft's parts with what the approver typed in: a blank field leaves the part as it is;
/// bodies' names in capitals, as the letterhead prints them.
fn completed(mut parts: FormalParts, typed: &[(&'static str, String)]) -> FormalParts {
    for (name, value) in typed {
        if value.trim().is_empty() {
            continue;
        }
        match *name {
            "superior" => parts.superior = value.to_uppercase(),
            "issuer" => parts.issuer = value.to_uppercase(),
            "place" => parts.place = value.clone(),
            _ => parts.signer = value.clone(),
        }
    }
    parts
}

#[derive(Template)]
#[template(path = "draft.html")]
struct DraftPage {
    ctx: Ctx,
    round: RoundRow,
    draft: Option<DraftRow>,
    sections: Vec<SectionView>,
    can_edit: bool,
    can_approve: bool,
    /// The missing formal parts the approve form asks for.
    asks: Vec<Ask>,
    coordinating: String,
    status: String,
    /// Reports accepted after the draft was drafted: a refresh would change it.
    newer_reports: bool,
    drafted_at: String,
    error: String,
    /// The orders part II can be shown in: (query value, label, chosen); empty when no task is
    /// linked to a recommendation or article.
    groupings: Vec<(&'static str, &'static str, bool)>,
    /// The chosen order for the file links ("" or "?group=…").
    file_query: String,
}

fn rows_for(text: &str) -> usize {
    let lines: usize = text
        .lines()
        .map(|l| 1 + l.chars().count() / 80)
        .sum::<usize>();
    lines.clamp(4, 28)
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    done: String,
    #[serde(default)]
    n: usize,
    #[serde(default)]
    kept: usize,
    #[serde(default)]
    added: usize,
    /// "recommendations" or "articles": part II grouped as the file would print it.
    #[serde(default)]
    group: String,
}

fn flash(ctx: &Ctx, q: &PageQuery) -> String {
    match q.done.as_str() {
        "saved" => match ctx.lang {
            crate::i18n::Lang::Vi => format!(
                "Đã lưu {} phần. Mỗi lần lưu là một phiên bản, xem lại được trong “Lịch sử”.",
                q.n
            ),
            crate::i18n::Lang::En => format!(
                "Saved {} section(s). Every save is a version, listed under “History”.",
                q.n
            ),
        },
        "unchanged" => ctx
            .t(
                "Không có thay đổi nào để lưu.",
                "Nothing had changed: nothing saved.",
            )
            .into(),
        "taken" => ctx
            .t(
                "Đã lấy bản dự thảo mới cho phần này (bản đã sửa vẫn còn trong lịch sử).",
                "The newer draft replaced the edit (the edit stays in the history).",
            )
            .into(),
        "kept" => ctx
            .t(
                "Đã giữ bản đã sửa; bản dự thảo mới được bỏ qua.",
                "The edit was kept; the newer draft was set aside.",
            )
            .into(),
        "refreshed" => match ctx.lang {
            crate::i18n::Lang::Vi => format!(
                "Đã cập nhật từ số liệu mới: {} phần chưa sửa được soạn lại, {} phần mới; {} phần đã sửa được giữ nguyên, có bản mới bên cạnh để lấy nếu cần.",
                q.n, q.added, q.kept
            ),
            crate::i18n::Lang::En => format!(
                "Refreshed from the latest data: {} unedited section(s) redrafted, {} new; {} edited section(s) kept, with the newer draft beside them.",
                q.n, q.added, q.kept
            ),
        },
        "parts" => ctx
            .t("Đã lưu thể thức văn bản.", "Formal parts saved.")
            .into(),
        "approved" => ctx
            .t(
                "Đã phê duyệt dự thảo. Mọi chỉnh sửa sau này sẽ hủy phê duyệt.",
                "Draft approved. Any later edit voids the approval.",
            )
            .into(),
        _ => String::new(),
    }
}

async fn consolidation(state: &AppState, round_id: i64) -> AppResult<Consolidation> {
    Ok(theodoi_app::consolidation::build(&state.db, round_id).await?)
}

/// The proposed formal parts of a new draft of this round.
async fn proposed_parts(state: &AppState, round_id: i64) -> AppResult<FormalParts> {
    Ok(
        theodoi_app::report::proposed_parts(&state.db, round_id, &state.config.report_signer, "")
            .await?,
    )
}

/// Build the page: the stored sections beside the material drafted from the current data.
#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    user: &User,
    lang: crate::i18n::Lang,
    round: RoundRow,
    access: Access,
    draft: Option<DraftRow>,
    posted: &HashMap<String, (i32, String)>,
    error: String,
) -> AppResult<(DraftPage, Option<Consolidation>)> {
    let coordinating = state
        .db
        .coordinating_agency()
        .await?
        .map(|a| a.1)
        .unwrap_or_default();
    let ctx = Ctx::new(lang, Some(user));
    let Some(d) = draft else {
        return Ok((
            DraftPage {
                ctx,
                round,
                draft: None,
                sections: Vec::new(),
                can_edit: false,
                can_approve: false,
                asks: Vec::new(),
                coordinating,
                status: String::new(),
                newer_reports: false,
                drafted_at: String::new(),
                error,
                groupings: Vec::new(),
                file_query: String::new(),
            },
            None,
        ));
    };
    let c = consolidation(state, round.id).await?;
    let mut material: HashMap<String, Vec<Material>> = theodoi_report::draft::draft(&c)
        .into_iter()
        .map(|s| (s.key, s.material))
        .collect();
    let rows: Vec<SectionRow> = state.db.draft_sections(d.id).await?;
    // Section II has no text of its own: its heading opens the first task's sub-section, as in
    // the DOCX.
    let mut in_tasks = false;
    let sections = rows
        .into_iter()
        .map(|s| {
            let is_task = s.key.starts_with("II.");
            let part = (is_task && !in_tasks).then(|| {
                ctx.t(
                    "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
                    "II. RESULTS OF THE TASKS",
                )
                .to_string()
            });
            in_tasks = is_task;
            let (text, conflict) = match posted.get(&s.key) {
                Some((v, t)) if *v != s.version => (t.clone(), Some(s.text().to_string())),
                Some((_, t)) => (t.clone(), None),
                None => (s.text().to_string(), None),
            };
            SectionView {
                part,
                anchor: anchor(&s.key),
                history: format!("/rounds/{}/draft/history?key={}", round.id, encode(&s.key)),
                material: material.remove(&s.key).unwrap_or_default(),
                paras: paragraphs(s.text()),
                rows: rows_for(&text),
                text,
                title: title(&ctx, &s.key, &s.heading),
                level: s.level,
                version: s.version,
                edited: s.edited.is_some(),
                edited_by: s.edited_by_name.unwrap_or_default(),
                edited_at: s.edited_at.map(|t| pages::when(&t)).unwrap_or_default(),
                fresh: s.fresh,
                conflict,
                key: s.key,
                group: None,
                also: None,
                after: Vec::new(),
            }
        })
        .collect();
    let status = if d.is_approved() {
        match lang {
            crate::i18n::Lang::Vi => format!(
                "Đã phê duyệt — {} lúc {}",
                d.approved_by_name.clone().unwrap_or_default(),
                d.approved_at.map(|t| pages::when(&t)).unwrap_or_default()
            ),
            crate::i18n::Lang::En => format!(
                "Approved by {} at {}",
                d.approved_by_name.clone().unwrap_or_default(),
                d.approved_at.map(|t| pages::when(&t)).unwrap_or_default()
            ),
        }
    } else if d.approval_voided() {
        Ctx::new(lang, None)
            .t(
                "Dự thảo — phê duyệt trước đây đã hết hiệu lực vì có chỉnh sửa sau khi duyệt; cần phê duyệt lại",
                "Draft — the earlier approval lapsed because of a later edit; it needs approving again",
            )
            .into()
    } else {
        Ctx::new(lang, None)
            .t("Dự thảo — chờ phê duyệt", "Draft — awaiting approval")
            .into()
    };
    let newer_reports = state
        .db
        .last_accepted(round.id)
        .await?
        .is_some_and(|t| t > d.drafted_at);
    let drafted_at = pages::when(&d.drafted_at);
    let can_approve = access == Access::Approve && !d.is_approved();
    let asks = if can_approve {
        asks(&ctx, &d, &[])
    } else {
        Vec::new()
    };
    Ok((
        DraftPage {
            ctx,
            round,
            can_edit: access == Access::Edit,
            can_approve,
            asks,
            sections,
            coordinating,
            status,
            newer_reports,
            drafted_at,
            draft: Some(d),
            error,
            groupings: Vec::new(),
            file_query: String::new(),
        },
        Some(c),
    ))
}

/// Part II in the order the file prints it: the plan's, or grouped under the recommendations or
/// Covenant articles the tasks carry out; the choice is offered when some task has a link.
fn arrange(p: &mut DraftPage, c: &Consolidation, group: Grouping) {
    let linked = |g: Grouping| {
        c.tasks.iter().any(|t| match g {
            Grouping::Plan => true,
            Grouping::Recommendations => !t.recommendations.is_empty(),
            Grouping::Articles => !t.articles.is_empty(),
        })
    };
    let choices = [
        (
            Grouping::Plan,
            "plan",
            p.ctx.t("Theo thứ tự kế hoạch", "In the plan's order"),
        ),
        (
            Grouping::Recommendations,
            "recommendations",
            p.ctx.t("Theo khuyến nghị", "By recommendation"),
        ),
        (
            Grouping::Articles,
            "articles",
            p.ctx.t("Theo điều của Công ước", "By Covenant article"),
        ),
    ];
    if !linked(Grouping::Recommendations) && !linked(Grouping::Articles) {
        return;
    }
    p.groupings = choices
        .iter()
        .filter(|(g, ..)| linked(*g))
        .map(|(g, value, label)| (*value, *label, *g == group))
        .collect();
    if group == Grouping::Plan {
        return;
    }
    p.file_query = choices
        .iter()
        .find(|(g, ..)| *g == group)
        .map(|(_, value, _)| format!("?group={value}"))
        .unwrap_or_default();
    let keys: Vec<&str> = p.sections.iter().map(|s| s.key.as_str()).collect();
    let titles: Vec<&str> = p.sections.iter().map(|s| s.title.as_str()).collect();
    let order = theodoi_report::arrange::arrange(c, &keys, &titles, group);
    let mut old: Vec<Option<SectionView>> = std::mem::take(&mut p.sections)
        .into_iter()
        .map(Some)
        .collect();
    let mut in_tasks = false;
    for a in order {
        let Some(mut s) = old.get_mut(a.index).and_then(Option::take) else {
            continue;
        };
        let is_task = s.key.starts_with("II.");
        s.part = (is_task && !in_tasks).then(|| {
            p.ctx
                .t(
                    "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
                    "II. RESULTS OF THE TASKS",
                )
                .to_string()
        });
        in_tasks = is_task;
        s.group = a.group;
        if let Some(h) = a.heading {
            s.title = h;
        }
        s.also = a.also;
        s.after = a.after;
        p.sections.push(s);
    }
}

async fn round_of(state: &AppState, id: i64) -> AppResult<RoundRow> {
    state.db.round(id).await?.ok_or(AppError::NotFound)
}

/// The draft page. The coordinator's first visit starts the draft from the data.
pub async fn show(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> AppResult<Html<String>> {
    let access = access(&state, &user).await?;
    let round = round_of(&state, id).await?;
    let mut draft = state.db.draft(id).await?;
    if draft.is_none() && access == Access::Edit {
        let c = consolidation(&state, id).await?;
        let sections = to_new(theodoi_report::draft::draft(&c));
        let parts = proposed_parts(&state, id).await?;
        state
            .db
            .create_draft(id, &parts, &sections, Some(user.id()), now())
            .await?;
        audit_by(
            &state,
            &user,
            "draft_created",
            Some(&format!("round:{id}")),
            None,
        )
        .await?;
        draft = state.db.draft(id).await?;
    }
    let (mut p, c) = page(
        &state,
        &user,
        lang,
        round,
        access,
        draft,
        &HashMap::new(),
        String::new(),
    )
    .await?;
    p.ctx.flash = flash(&p.ctx, &q);
    if let Some(c) = c {
        // An unknown grouping (an old bookmark's) keeps the plan's order.
        arrange(&mut p, &c, Grouping::parse(&q.group).unwrap_or_default());
    }
    pages::render(&p)
}

/// The sections form: every textarea with its version, and the button pressed ("save:KEY",
/// "take:KEY", "keep:KEY").
async fn draft_for_edit(state: &AppState, user: &User, id: i64) -> AppResult<DraftRow> {
    if access(state, user).await? != Access::Edit {
        return Err(AppError::Forbidden);
    }
    state.db.draft(id).await?.ok_or(AppError::NotFound)
}

pub async fn save(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    user.check_csrf(field("csrf"))?;
    let d = draft_for_edit(&state, &user, id).await?;
    // Texts and versions by section key: "text:KEY" and "version:KEY".
    let mut posted: HashMap<String, (i32, String)> = HashMap::new();
    for (k, v) in &pairs {
        if let Some(key) = k.strip_prefix("text:") {
            let version = field(&format!("version:{key}"))
                .parse::<i32>()
                .map_err(|_| {
                    AppError::refuse(
                        "Biểu mẫu thiếu phiên bản của một phần; hãy tải lại trang",
                        "A section's version is missing; reload the page",
                    )
                })?;
            posted.insert(key.to_string(), (version, v.clone()));
        }
    }
    let pressed = field("do");
    let (what, key) = pressed.split_once(':').unwrap_or(("save", ""));
    let resolve = match what {
        "take" | "keep" => {
            let version = posted.get(key).map(|p| p.0).ok_or_else(|| {
                AppError::refuse(format!("Không có phần {key}"), format!("No section {key}"))
            })?;
            Some((key, version, what == "take"))
        }
        _ => None,
    };
    let edits: Vec<SectionEdit> = posted
        .iter()
        .map(|(k, (v, t))| SectionEdit {
            key: k.clone(),
            expected_version: *v,
            text: t.clone(),
        })
        .collect();
    let saved = state
        .db
        .save_draft_sections(d.id, &edits, resolve, Some(user.id()), now())
        .await;
    let saved = match saved {
        Ok(s) => s,
        Err(StoreError::Conflict(m)) => {
            // Keep what the person wrote; show the other save beside it.
            let round = round_of(&state, id).await?;
            let draft = state.db.draft(id).await?;
            let m = m.get(lang).to_string();
            let (p, _) = page(&state, &user, lang, round, Access::Edit, draft, &posted, m).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, pages::render(&p)?).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let edited = saved.len() - usize::from(resolve.is_some());
    if !saved.is_empty() {
        let keys: Vec<&str> = saved.iter().map(|s| s.0.as_str()).collect();
        audit_by(
            &state,
            &user,
            "draft_saved",
            Some(&format!("round:{id}")),
            Some(&keys.join(",")),
        )
        .await?;
    }
    let done = match (what, edited) {
        ("take", _) => "taken".to_string(),
        ("keep", _) => "kept".to_string(),
        (_, 0) => "unchanged".to_string(),
        (_, n) => format!("saved&n={n}"),
    };
    let at = if key.is_empty() {
        String::new()
    } else {
        format!("#{}", anchor(key))
    };
    Ok(Redirect::to(&format!("/rounds/{id}/draft?done={done}{at}")).into_response())
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn refresh(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let d = draft_for_edit(&state, &user, id).await?;
    let c = consolidation(&state, id).await?;
    let sections = to_new(theodoi_report::draft::draft(&c));
    let r = state
        .db
        .refresh_draft(d.id, &sections, Some(user.id()), now())
        .await?;
    audit_by(
        &state,
        &user,
        "draft_refreshed",
        Some(&format!("round:{id}")),
        Some(&format!(
            "updated {} pending {} added {} removed {}",
            r.updated, r.pending, r.added, r.removed
        )),
    )
    .await?;
    Ok(Redirect::to(&format!(
        "/rounds/{id}/draft?done=refreshed&n={}&kept={}&added={}",
        r.updated, r.pending, r.added
    ))
    .into_response())
}

#[derive(Deserialize)]
pub struct PartsForm {
    csrf: String,
    version: i32,
    superior: String,
    issuer: String,
    place: String,
    signer: String,
    position: String,
    drafting_unit: String,
    #[serde(default)]
    date_blank: Option<String>,
}

pub async fn save_parts(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Form(f): Form<PartsForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let d = draft_for_edit(&state, &user, id).await?;
    let parts = FormalParts {
        superior: f.superior,
        issuer: f.issuer,
        place: f.place,
        signer: f.signer,
        position: f.position,
        drafting_unit: f.drafting_unit,
        date_blank: f.date_blank.is_some(),
    };
    let changed = state
        .db
        .save_formal_parts(d.id, f.version, &parts, Some(user.id()), now())
        .await?;
    if changed {
        audit_by(
            &state,
            &user,
            "draft_parts_saved",
            Some(&format!("round:{id}")),
            None,
        )
        .await?;
    }
    Ok(Redirect::to(&format!("/rounds/{id}/draft?done=parts#parts")).into_response())
}

#[derive(Deserialize)]
pub struct ApproveForm {
    csrf: String,
    version: i32,
    /// Present when the approve form asked for them (the draft lacked them).
    superior: Option<String>,
    issuer: Option<String>,
    place: Option<String>,
    signer: Option<String>,
}

/// The head approves; formal parts the draft lacked and he typed in are saved with the approval,
/// in one transaction. A refusal (a stale page, a part too long, still no signer) shows the draft
/// again with the reason and what he typed.
pub async fn approve(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
    Form(f): Form<ApproveForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let access = access(&state, &user).await?;
    if access != Access::Approve {
        return Err(AppError::Forbidden);
    }
    let d = state.db.draft(id).await?.ok_or(AppError::NotFound)?;
    let typed: Vec<(&'static str, String)> = [
        ("superior", f.superior),
        ("issuer", f.issuer),
        ("place", f.place),
        ("signer", f.signer),
    ]
    .into_iter()
    .filter_map(|(name, v)| v.map(|v| (name, v)))
    .collect();
    let parts = typed
        .iter()
        .any(|(_, v)| !v.trim().is_empty())
        .then(|| completed(d.parts(), &typed));
    let approved = state
        .db
        .approve_draft_with_parts(d.id, f.version, parts.as_ref(), user.id(), now())
        .await;
    let changed = match approved {
        Ok(changed) => changed,
        Err(StoreError::Conflict(m) | StoreError::Invalid(m)) => {
            let round = round_of(&state, id).await?;
            let draft = state.db.draft(id).await?;
            let (mut p, _) = page(
                &state,
                &user,
                lang,
                round,
                access,
                draft,
                &HashMap::new(),
                m.get(lang).to_string(),
            )
            .await?;
            if let Some(d) = &p.draft
                && p.can_approve
            {
                p.asks = asks(&p.ctx, d, &typed);
            }
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, pages::render(&p)?).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let target = Some(format!("round:{id}"));
    if changed {
        let filled: Vec<&str> = typed
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(n, _)| *n)
            .collect();
        audit_by(
            &state,
            &user,
            "draft_parts_saved",
            target.as_deref(),
            Some(&filled.join(",")),
        )
        .await?;
    }
    audit_by(
        &state,
        &user,
        "draft_approved",
        target.as_deref(),
        Some(&format!("version {}", f.version + i32::from(changed))),
    )
    .await?;
    Ok(Redirect::to(&format!("/rounds/{id}/draft?done=approved")).into_response())
}

#[derive(Deserialize)]
pub struct HistoryQuery {
    key: String,
}

pub struct VersionView {
    pub version: i32,
    pub kind: &'static str,
    pub who: String,
    pub at: String,
    pub paras: Vec<Para>,
}

#[derive(Template)]
#[template(path = "draft_history.html")]
struct HistoryPage {
    ctx: Ctx,
    round: RoundRow,
    heading: String,
    back: String,
    versions: Vec<VersionView>,
}

pub async fn history(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
    Query(q): Query<HistoryQuery>,
) -> AppResult<Html<String>> {
    access(&state, &user).await?;
    let round = round_of(&state, id).await?;
    let d = state.db.draft(id).await?.ok_or(AppError::NotFound)?;
    let section = state
        .db
        .draft_sections(d.id)
        .await?
        .into_iter()
        .find(|s| s.key == q.key)
        .ok_or(AppError::NotFound)?;
    let ctx = Ctx::new(lang, Some(&user));
    let versions = state
        .db
        .draft_versions(d.id, &q.key)
        .await?
        .into_iter()
        .map(|v| VersionView {
            version: v.version,
            kind: match v.kind.as_str() {
                "drafted" => ctx.t("Dự thảo từ số liệu", "Drafted from the data"),
                "edited" => ctx.t("Chỉnh sửa", "Edited"),
                "refreshed" => ctx.t("Soạn lại từ số liệu mới", "Redrafted from newer data"),
                "taken" => ctx.t("Lấy bản dự thảo mới", "Newer draft taken"),
                _ => "",
            },
            who: v.user_name.unwrap_or_default(),
            at: pages::when(&v.at),
            paras: paragraphs(&v.text),
        })
        .collect();
    let heading = title(&ctx, &section.key, &section.heading);
    pages::render(&HistoryPage {
        back: format!("/rounds/{id}/draft#{}", anchor(&section.key)),
        ctx,
        round,
        heading,
        versions,
    })
}

/// Query of the report's file: `group=recommendations` or `group=articles` groups part II by the
/// recommendations or Covenant articles the tasks are linked to.
#[derive(Debug, Default, serde::Deserialize)]
pub struct FileQuery {
    #[serde(default)]
    group: String,
}

/// The report built from the draft (or, before anyone opened it, drafted from the data now):
/// unmarked when approved, marked "DỰ THẢO" otherwise.
async fn draft_file(
    state: &AppState,
    user: &User,
    id: i64,
    q: &FileQuery,
    pdf: bool,
) -> AppResult<Response> {
    access(state, user).await?;
    state.db.round(id).await?.ok_or(AppError::NotFound)?;
    let c = consolidation(state, id).await?;
    let today = OffsetDateTime::now_utc()
        .to_offset(theodoi_domain::report::VIETNAM)
        .date();
    // An unknown grouping (an old bookmark's "tags") keeps the plan's order.
    let over = theodoi_app::report::Overrides {
        group: theodoi_report::Grouping::parse(&q.group).unwrap_or_default(),
        ..Default::default()
    };
    use theodoi_app::report::{BuildError, Missing};
    let file = match theodoi_app::report::build(&state.db, &c, id, &over, today).await {
        Ok(f) => f,
        Err(BuildError::Missing(m)) => {
            let (vi, en) = match m {
                Missing::Signer => (
                    "Chưa ghi họ tên người ký: ghi ở mục “Thể thức văn bản” của dự thảo.",
                    "The signer's name is not set: write it under the draft's formal parts.",
                ),
                Missing::Superior => (
                    "Chưa ghi cơ quan cấp trên: ghi ở mục “Thể thức văn bản” của dự thảo hoặc trong Thiết lập báo cáo.",
                    "The superior body is not set: write it under the draft's formal parts or in the report settings.",
                ),
                Missing::Place(_) => (
                    "Chưa có địa danh cho dòng “…, ngày … tháng … năm …” (tên cơ quan cấp trên không nêu thành phố, tỉnh): ghi ở mục “Thể thức văn bản” của dự thảo hoặc trong Thiết lập báo cáo.",
                    "The place for the date line is missing (the superior body's name names no city or province): write it under the draft's formal parts or in the report settings.",
                ),
            };
            return Err(AppError::refuse(vi, en));
        }
        Err(BuildError::Store(e)) => return Err(e.into()),
        Err(e) => return Err(AppError::Internal(anyhow::anyhow!("{e}"))),
    };
    audit_by(
        state,
        user,
        "draft_exported",
        Some(&format!("round:{id}")),
        Some(if pdf { "pdf" } else { "docx" }),
    )
    .await?;
    if pdf {
        // LibreOffice missing or failing is the server's state, not the user's input.
        let bytes = theodoi_app::pdf::docx_to_pdf(file.docx)
            .await
            .map_err(|e| AppError::Office(format!("{e:#}")))?;
        return Ok(pages::download(
            &format!("{}.pdf", file.stem),
            "application/pdf",
            bytes,
        ));
    }
    Ok(pages::download(
        &format!("{}.docx", file.stem),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        file.docx,
    ))
}

pub async fn docx(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Query(q): Query<FileQuery>,
) -> AppResult<Response> {
    draft_file(&state, &user, id, &q, false).await
}

pub async fn pdf(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Query(q): Query<FileQuery>,
) -> AppResult<Response> {
    draft_file(&state, &user, id, &q, true).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_bullets() {
        let p = paragraphs("Một\nhai.\n\n- Ba\n- Bốn\nnăm\n\n\nSáu");
        let got: Vec<(bool, &str)> = p.iter().map(|p| (p.bullet, p.text.as_str())).collect();
        assert_eq!(
            got,
            [
                (false, "Một hai."),
                (true, "Ba"),
                (true, "Bốn"),
                (false, "năm"),
                (false, "Sáu")
            ]
        );
    }

    #[test]
    fn anchors_are_safe() {
        assert_eq!(anchor("II.PL.3"), "s-II.PL.3");
        assert_eq!(anchor("a\"b c"), "s-a-b-c");
        assert_eq!(encode("II.1 a&b"), "II.1+a%26b");
    }
}
