//! Plans: the list, a plan as a tree, the task × agency matrix with filters, and a task's page.

use crate::AppState;
use crate::auth::{UiLang, User};
use crate::error::{AppError, AppResult};
use crate::form::Path;
use crate::form::Query;
use crate::pages::{self, Ctx};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use theodoi_store::links::{ImplementingPlan, LinkedTask, ParentPlan, TaskChoice};
use theodoi_store::recommendations::RecRow;
use theodoi_store::views::{PlanSummary, PlanView, TaskRow};
use theodoi_store::workspace::{EscalationRow, TaskDetail};

/// The start page: an agency's own home for agency accounts, the plans for everyone else.
pub async fn start(user: User) -> Response {
    match (user.role.is_agency(), user.row.agency_id) {
        (true, Some(a)) => Redirect::to(&format!("/agencies/{a}/home")).into_response(),
        _ if user.role == crate::auth::Role::Admin => Redirect::to("/admin/users").into_response(),
        _ => Redirect::to("/plans").into_response(),
    }
}

#[derive(Template)]
#[template(path = "plans.html")]
struct ListPage {
    ctx: Ctx,
    plans: Vec<PlanSummary>,
}

pub async fn list(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
) -> AppResult<Html<String>> {
    let plans = state.db.list_plans().await?;
    pages::render(&ListPage {
        ctx: Ctx::new(lang, Some(&user)),
        plans,
    })
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    ctx: Ctx,
    plan: PlanView,
    full: theodoi_store::views::PlanContent,
    /// Its publications, newest first.
    versions: Vec<theodoi_store::PlanVersion>,
    /// The stored plans this one implements, and bodies' plans that implement it.
    parents: Vec<ParentPlan>,
    children: Vec<ImplementingPlan>,
    /// Free-text tags of the plan's tasks not yet turned into links (the coordinator's button).
    tags_left: usize,
    /// What the button did, when this page answers it.
    resolution: Option<theodoi_store::recommendations::TagResolution>,
}

impl PlanPage {
    /// Why a tag was left, in the page's language.
    fn reason<'a>(&self, why: &'a theodoi_text::Message) -> &'a str {
        why.get(self.ctx.lang)
    }

    /// The stored plan of a number this plan implements, if any.
    fn parent_id(&self, number: &str) -> Option<i64> {
        self.parents
            .iter()
            .find(|p| p.number == number)
            .map(|p| p.plan_id)
    }

    fn assignments_of(&self, task: &TaskRow, role: &str) -> Vec<(i64, String)> {
        self.plan
            .assignments
            .iter()
            .filter(|a| a.task_id == task.id && a.role.code() == role)
            .map(|a| (a.agency_id, a.agency_name.clone()))
            .collect()
    }

    fn body_tasks(&self) -> Vec<&TaskRow> {
        self.plan
            .tasks
            .iter()
            .filter(|t| !t.reference.starts_with("PL."))
            .collect()
    }

    fn appendix_tasks(&self) -> Vec<&TaskRow> {
        self.plan
            .tasks
            .iter()
            .filter(|t| t.reference.starts_with("PL."))
            .collect()
    }
}

#[derive(Deserialize, Default)]
pub struct DetailQuery {
    #[serde(default)]
    published: Option<String>,
}

pub async fn detail(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> AppResult<Html<String>> {
    let mut ctx = Ctx::new(lang, Some(&user));
    if q.published.is_some() {
        ctx = ctx.with_flash(crate::i18n::msg(lang).published);
    }
    plan_page(&state, ctx, id, None).await
}

/// Turn the plan's free-text tags into links to the register's recommendations and the
/// Covenant's articles; the page lists the tags left, each with the reason.
pub async fn resolve_tags(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
    crate::form::Form(f): crate::form::Form<CsrfForm>,
) -> AppResult<Html<String>> {
    user.check_csrf(&f.csrf)?;
    user.require(user.role.coordinates())?;
    state.plan_data(id).await?;
    let r = state
        .db
        .resolve_tags(id, Some(user.id()), time::OffsetDateTime::now_utc())
        .await?;
    crate::audit_by(
        &state,
        &user,
        "plan_tags_resolved",
        Some(&format!("plan:{id}")),
        Some(&format!(
            "{} linked, {} articles, {} left",
            r.linked,
            r.articles,
            r.unresolved.len()
        )),
    )
    .await?;
    plan_page(&state, Ctx::new(lang, Some(&user)), id, Some(r)).await
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

async fn plan_page(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    resolution: Option<theodoi_store::recommendations::TagResolution>,
) -> AppResult<Html<String>> {
    let data = state.plan_data(id).await?;
    let (plan, full) = (data.0.clone(), data.1.clone());
    let tags_left = if ctx.coordinates() {
        state.db.plan_tags(id).await?.len()
    } else {
        0
    };
    let versions = state.db.plan_versions(id).await?;
    let parents = state.db.parent_plans(id).await?;
    let children = state.db.implementing_plans(id).await?;
    pages::render(&PlanPage {
        ctx,
        plan,
        full,
        versions,
        parents,
        children,
        tags_left,
        resolution,
    })
}

#[derive(Template)]
#[template(path = "plan_version.html")]
struct VersionPage {
    ctx: Ctx,
    plan_id: i64,
    plan_title: String,
    /// The newest version: the plan in force.
    current: i32,
    v: theodoi_store::PlanVersionView,
}

/// One version of a plan as it was published, with who and when: read-only.
pub async fn version(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path((id, version)): Path<(i64, i32)>,
) -> AppResult<Html<String>> {
    let v = state
        .db
        .plan_version(id, version)
        .await?
        .ok_or(AppError::NotFound)?;
    let plan_title = state.plan_data(id).await?.0.summary.title.clone();
    let current = state
        .db
        .plan_versions(id)
        .await?
        .first()
        .map_or(version, |v| v.version);
    pages::render(&VersionPage {
        ctx: Ctx::new(lang, Some(&user)),
        plan_id: id,
        plan_title,
        current,
        v,
    })
}

#[derive(Deserialize, Default)]
pub struct MatrixFilter {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "matrix.html")]
struct MatrixPage {
    ctx: Ctx,
    plan: PlanSummary,
    tasks: Vec<TaskRow>,
    /// (agency id, name, kind, one cell per task: "CT", "PH" or "")
    rows: Vec<(i64, String, String, Vec<&'static str>)>,
    kinds: Vec<(String, String)>,
    filter: MatrixFilter,
}

pub async fn matrix(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
    Query(filter): Query<MatrixFilter>,
) -> AppResult<Html<String>> {
    let data = state.plan_data(id).await?;
    let view = data.0.clone();
    let agencies = state.db.list_agencies().await?;
    let ctx = Ctx::new(lang, Some(&user));
    let q = theodoi_text::fold(&filter.q);
    let mut rows = Vec::new();
    for (agency_id, name) in view.agencies() {
        let kind = agencies
            .iter()
            .find(|a| a.id == agency_id)
            .map(|a| a.kind.clone())
            .unwrap_or_default();
        if !filter.kind.is_empty() && kind != filter.kind {
            continue;
        }
        if !q.is_empty() && !theodoi_text::fold(name).contains(&q) {
            continue;
        }
        let cells: Vec<&'static str> = view
            .tasks
            .iter()
            .map(|t| match view.role(t.id, agency_id) {
                Some(theodoi_domain::Role::Lead) if filter.role != "coordinating" => "CT",
                Some(theodoi_domain::Role::Coordinating) if filter.role != "lead" => "PH",
                _ => "",
            })
            .collect();
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        rows.push((agency_id, name.to_string(), kind, cells));
    }
    let mut kinds: Vec<(String, String)> = Vec::new();
    for a in &agencies {
        if !kinds.iter().any(|(k, _)| *k == a.kind) {
            kinds.push((a.kind.clone(), ctx.kind_name(&a.kind)));
        }
    }
    pages::render(&MatrixPage {
        ctx,
        plan: view.summary,
        tasks: view.tasks,
        rows,
        kinds,
        filter,
    })
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    ctx: Ctx,
    task: TaskDetail,
    /// The stored plans this task's plan implements (a body's own plan under its parent).
    parents: Vec<ParentPlan>,
    /// The parent's tasks this task is linked to, and those it may still be linked to.
    links_up: Vec<LinkedTask>,
    choices: Vec<TaskChoice>,
    /// The coordinator, or an account of the body that issued this task's plan.
    may_link: bool,
    /// Tasks of bodies' plans linked to this task.
    links_down: Vec<LinkedTask>,
    escalations: Vec<EscalationRow>,
    /// The account's agency is assigned to this task (directly): it may raise a difficulty.
    may_raise: bool,
    /// Free-text tags left that did not turn into links.
    tags: Vec<String>,
    /// The register's recommendations and the Covenant articles the task carries out.
    recs: Vec<RecRow>,
    articles: Vec<u8>,
    /// The coordinator's form: the search, the recommendations to tick (linked ones first, then
    /// what the search found) and the articles 1–27, each with whether it is ticked.
    rec_q: String,
    rec_choices: Vec<(RecRow, bool)>,
    article_choices: Vec<(u8, bool)>,
    /// The search found nothing.
    rec_none_found: bool,
    /// Why the last save was refused, in the page's language.
    rec_error: String,
    /// The task's vague groups ("các cơ quan liên quan") and who they mean for this task.
    vague: Vec<VagueGroup>,
    /// Every body by kind, in Vietnamese order, to name members from (coordinators only).
    bodies: Vec<(String, Vec<(i64, String)>)>,
}

impl TaskPage {
    /// A title cut to fit a choice list, at a word, with "…".
    fn short(&self, title: &str) -> String {
        cut(title, 90)
    }

    /// The recommendation's heading in the page's language.
    fn rec_theme<'r>(&self, r: &'r RecRow) -> &'r str {
        r.theme_in(self.ctx.lang)
    }

    /// A recommendation's text in the page's language (the Vietnamese translation when there is
    /// one), cut to a few lines.
    fn rec_text(&self, r: &RecRow) -> String {
        let text = match self.ctx.lang {
            theodoi_text::Lang::Vi => r.text_for_vi_marked(),
            theodoi_text::Lang::En => r.text.as_str().into(),
        };
        cut(&text, 240)
    }

    /// "Điều 14. Quyền được xét xử công bằng", or in English "Article 14. Right to a fair trial".
    fn article_title(&self, n: &u8) -> String {
        article_title(self.ctx.lang, *n)
    }
}

/// "Điều 14. Quyền được xét xử công bằng" in Vietnamese, "Article 14. Right to a fair trial" in
/// English.
pub fn article_title(lang: theodoi_text::Lang, n: u8) -> String {
    let a = theodoi_domain::recommendation::covenant::article(n);
    match lang {
        theodoi_text::Lang::Vi => a.map_or(format!("Điều {n}"), |a| {
            format!("Điều {n}. {}", a.title_vi)
        }),
        theodoi_text::Lang::En => a.map_or(format!("Article {n}"), |a| {
            format!("Article {n}. {}", a.title_en)
        }),
    }
}

/// `text` cut to `max` characters at a word, with "…".
pub(crate) fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':']))
}

/// A vague group of a task with the bodies named for it here.
struct VagueGroup {
    id: i64,
    name: String,
    role: String,
    members: Vec<(i64, String)>,
}

impl VagueGroup {
    fn named(&self, id: &i64) -> bool {
        self.members.iter().any(|(m, _)| m == id)
    }
    /// Whether any member is of this kind's list (to open that part of the form).
    fn any_of(&self, list: &[(i64, String)]) -> bool {
        list.iter().any(|(id, _)| self.named(id))
    }
}

#[derive(Deserialize, Default)]
pub struct TaskQuery {
    /// The search of the register, in the coordinator's form.
    #[serde(default)]
    q: String,
}

/// What the coordinator ticked in a refused save, shown again as ticked.
struct Picked {
    recs: Vec<i64>,
    articles: Vec<u8>,
    error: String,
}

pub async fn task(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
    Query(q): Query<TaskQuery>,
) -> AppResult<Html<String>> {
    task_page(&state, lang, &user, id, &q.q, None).await
}

async fn task_page(
    state: &AppState,
    lang: theodoi_text::Lang,
    user: &User,
    id: i64,
    rec_q: &str,
    picked: Option<Picked>,
) -> AppResult<Html<String>> {
    let task = state.db.task_detail(id).await?.ok_or(AppError::NotFound)?;
    let all = state.db.escalations(None, Some(id)).await?;
    // Agencies see their own difficulties; coordinators and leaders see all.
    let escalations = all
        .into_iter()
        .filter(|e| user.may_see_agency(e.agency_id))
        .collect();
    let may_raise = match (user.role.is_agency(), user.row.agency_id) {
        (true, Some(a)) => agency_on_task(state, a, id).await?,
        _ => false,
    };
    let tags = state
        .db
        .plan_tags(task.plan_id)
        .await?
        .into_iter()
        .filter(|(t, _, _)| *t == id)
        .map(|(_, _, tag)| tag)
        .collect();
    let ctx = Ctx::new(lang, Some(user));
    let mut vague = Vec::new();
    let mut bodies: Vec<(String, Vec<(i64, String)>)> = Vec::new();
    if task
        .assignments
        .iter()
        .any(|(_, name, _, group)| *group && theodoi_domain::agency::is_vague_group(name))
    {
        let agencies = state.db.list_agencies().await?;
        let name_of = |id: i64| {
            agencies
                .iter()
                .find(|a| a.id == id)
                .map(|a| a.name.clone())
                .unwrap_or_default()
        };
        let named = state.db.task_group_members(id).await?;
        for (gid, name, role, group) in &task.assignments {
            if *group && theodoi_domain::agency::is_vague_group(name) {
                vague.push(VagueGroup {
                    id: *gid,
                    name: name.clone(),
                    role: role.clone(),
                    members: named
                        .iter()
                        .filter(|(g, _)| g == gid)
                        .map(|(_, m)| (*m, name_of(*m)))
                        .collect(),
                });
            }
        }
        if ctx.coordinates() {
            // list_agencies is in Vietnamese order; keep it within each kind.
            for a in agencies.iter().filter(|a| !a.is_group) {
                let label = ctx.kind_name(&a.kind);
                match bodies.iter_mut().find(|(k, _)| *k == label) {
                    Some((_, list)) => list.push((a.id, a.name.clone())),
                    None => bodies.push((label, vec![(a.id, a.name.clone())])),
                }
            }
        }
    }
    let parents = state.db.parent_plans(task.plan_id).await?;
    let (mut links_up, mut choices, mut may_link) = (Vec::new(), Vec::new(), false);
    if !parents.is_empty() {
        links_up = state.db.links_up(id).await?;
        may_link = may_link_tasks(state, user, task.plan_id).await?;
        if may_link {
            choices = state
                .db
                .parent_task_choices(id)
                .await?
                .into_iter()
                .filter(|c| !links_up.iter().any(|l| l.task_id == c.id))
                .collect();
        }
    }
    let links_down = state.db.links_down(id).await?;
    let recs = state.db.task_recommendations(id).await?;
    let articles = state.db.task_articles(id).await?;
    let (mut rec_choices, mut article_choices, mut rec_none_found) =
        (Vec::new(), Vec::new(), false);
    let mut rec_error = String::new();
    if ctx.coordinates() {
        let (ticked_recs, ticked_articles) = match picked {
            Some(p) => {
                rec_error = p.error;
                (p.recs, p.articles)
            }
            None => (recs.iter().map(|r| r.id).collect(), articles.clone()),
        };
        let register = state.db.recommendations(None).await?;
        let search = RecSearch::new(rec_q);
        // The linked and ticked ones are always listed, so unticking one is possible without
        // searching for it; then what the search found, in the register's order.
        let mut found = 0;
        for r in register {
            let ticked = ticked_recs.contains(&r.id);
            let kept = ticked || recs.iter().any(|l| l.id == r.id);
            let hit = search.hit(&r);
            if hit && !kept {
                found += 1;
            }
            if kept || (hit && found <= SEARCH_LIMIT) {
                rec_choices.push((r, ticked));
            }
        }
        rec_none_found = !search.is_empty() && found == 0;
        article_choices = (1..=theodoi_domain::recommendation::covenant::LAST_ARTICLE)
            .map(|a| (a, ticked_articles.contains(&a)))
            .collect();
    }
    pages::render(&TaskPage {
        recs,
        articles,
        rec_q: rec_q.to_string(),
        rec_choices,
        article_choices,
        rec_none_found,
        rec_error,
        ctx,
        task,
        parents,
        links_up,
        choices,
        may_link,
        links_down,
        escalations,
        may_raise,
        tags,
        vague,
        bodies,
    })
}

/// Name who a vague group ("các cơ quan liên quan") means for this task; rounds opened afterwards
/// give them the task through the group.
pub async fn set_group_members(
    State(state): State<AppState>,
    user: User,
    Path((id, group)): Path<(i64, i64)>,
    crate::form::Form(raw): crate::form::Form<Vec<(String, String)>>,
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
    let stored = state.db.set_task_group_members(id, group, &members).await?;
    state.cache.invalidate();
    crate::audit_by(
        &state,
        &user,
        "task_group_named",
        Some(&format!("task:{id}/group:{group}")),
        Some(&format!("{stored} members")),
    )
    .await?;
    Ok(Redirect::to(&format!("/tasks/{id}#group-{group}")).into_response())
}

#[derive(serde::Deserialize)]
pub struct TagsForm {
    csrf: String,
    #[serde(default)]
    tags: String,
}

/// Tag a task with the ICCPR articles and recommendation paragraphs it serves ("; " between).
pub async fn set_tags(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    crate::form::Form(f): crate::form::Form<TagsForm>,
) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    user.check_csrf(&f.csrf)?;
    user.require(user.role.coordinates())?;
    let mut tags: Vec<String> = Vec::new();
    for t in f
        .tags
        .split([';', '\n'])
        .map(theodoi_text::clean)
        .filter(|t| !t.is_empty())
    {
        if t.chars().count() > 80 {
            return Err(AppError::refuse(
                format!("Nhãn \"{t}\" dài quá 80 ký tự"),
                format!("The tag \"{t}\" is longer than 80 characters"),
            ));
        }
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    if tags.len() > 20 {
        return Err(AppError::refuse("Tối đa 20 nhãn", "At most 20 tags"));
    }
    state.db.set_task_tags(id, &tags).await?;
    crate::audit_by(
        &state,
        &user,
        "task_tagged",
        Some(&format!("task:{id}")),
        None,
    )
    .await?;
    Ok(axum::response::Redirect::to(&format!("/tasks/{id}")).into_response())
}

/// A search of the register as typed: words each starting a word of a recommendation (its
/// reference, heading, texts, its articles' numbers and Vietnamese titles), or a paragraph
/// number typed alone ("4(b)", "21", "115.3").
pub struct RecSearch {
    words: Vec<String>,
    number: Option<String>,
}

impl RecSearch {
    pub fn new(typed: &str) -> Self {
        let q = typed.trim().replace(' ', "");
        let digits_first = q.chars().next().is_some_and(|c| c.is_ascii_digit());
        let number = (digits_first
            && q.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '(' | ')' | '.')))
        .then_some(q);
        Self {
            words: theodoi_text::fold(typed)
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            number,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.number.is_none()
    }

    pub fn hit(&self, r: &RecRow) -> bool {
        if let Some(n) = &self.number {
            return r.number() == *n || r.paragraph.to_string() == *n;
        }
        if self.words.is_empty() {
            return false;
        }
        // The Covenant articles' Vietnamese titles too, so an English-only recommendation is
        // found by its right's Vietnamese name ("xét xử").
        let titles: Vec<&str> = r
            .articles
            .iter()
            .filter_map(|a| {
                theodoi_domain::recommendation::covenant::article(*a).map(|t| t.title_vi)
            })
            .collect();
        // "Điều 14" finds the recommendations filed under article 14.
        let numbers: Vec<String> = r.articles.iter().map(|a| format!("điều {a}")).collect();
        let hay = theodoi_text::fold(&format!(
            "{} {} {} {} {} {}",
            r.reference(),
            r.theme_in(theodoi_text::Lang::Vi),
            r.text,
            r.text_vi.as_deref().unwrap_or_default(),
            titles.join(" "),
            numbers.join(" ")
        ));
        // Each word typed starts a word of the text ("su" finds "sư", not "Ensure").
        let hay_words: Vec<&str> = hay
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        self.words
            .iter()
            .all(|w| hay_words.iter().any(|h| h.starts_with(w.as_str())))
    }
}

/// At most this many recommendations a search lists besides those already linked.
const SEARCH_LIMIT: usize = 40;

/// Link a task to the register's recommendations and the Covenant articles ticked; a refusal is
/// shown on the task page with what was ticked kept.
pub async fn set_recommendations(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
    crate::form::Form(raw): crate::form::Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let field = |name: &str| {
        raw.iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    user.check_csrf(field("csrf"))?;
    user.require(user.role.coordinates())?;
    state.db.task_detail(id).await?.ok_or(AppError::NotFound)?;
    let mut recs: Vec<i64> = Vec::new();
    let mut articles: Vec<u8> = Vec::new();
    let mut refusal: Option<theodoi_text::Message> = None;
    for (k, v) in &raw {
        match k.as_str() {
            "rec" => match v.trim().parse::<i64>() {
                Ok(r) if !recs.contains(&r) => recs.push(r),
                Ok(_) => {}
                Err(_) => {
                    refusal.get_or_insert(theodoi_text::Message::new(
                        "Một khuyến nghị đã chọn không đọc được: hãy tải lại trang rồi chọn lại.",
                        "A recommendation chosen could not be read: reload the page and choose again.",
                    ));
                }
            },
            "article" => match v.trim().parse::<u8>() {
                Ok(a) if !articles.contains(&a) => articles.push(a),
                Ok(_) => {}
                Err(_) => {
                    refusal.get_or_insert(theodoi_text::Message::new(
                        format!("\"{v}\" không phải số điều của Công ước (1–27)."),
                        format!("\"{v}\" is not an article of the Covenant (1–27)."),
                    ));
                }
            },
            _ => {}
        }
    }
    articles.sort_unstable();
    if refusal.is_none() {
        match state
            .db
            .set_task_recommendations(
                id,
                &recs,
                &articles,
                Some(user.id()),
                time::OffsetDateTime::now_utc(),
            )
            .await
        {
            Ok(()) => {}
            Err(theodoi_store::StoreError::Invalid(m)) => refusal = Some(m),
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(m) = refusal {
        let page = task_page(
            &state,
            lang,
            &user,
            id,
            field("q"),
            Some(Picked {
                recs,
                articles,
                error: m.get(lang).to_string(),
            }),
        )
        .await?;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    crate::audit_by(
        &state,
        &user,
        "task_recommendations_set",
        Some(&format!("task:{id}")),
        Some(&format!(
            "recommendations {:?}; articles {:?}",
            recs, articles
        )),
    )
    .await?;
    Ok(Redirect::to(&format!("/tasks/{id}#recommendations")).into_response())
}

/// Who may link the tasks of a body's plan to its parent's: the coordinator, and the focal point
/// or head of the body that issued the plan (matched from the plan's issuer line).
async fn may_link_tasks(state: &AppState, user: &User, plan_id: i64) -> AppResult<bool> {
    if user.role.coordinates() {
        return Ok(true);
    }
    match (user.role.is_agency(), user.row.agency_id) {
        (true, Some(a)) => Ok(state
            .db
            .plan_issuer_agency(plan_id)
            .await?
            .is_some_and(|(issuer, _)| issuer == a)),
        _ => Ok(false),
    }
}

#[derive(Deserialize)]
pub struct LinkForm {
    csrf: String,
    #[serde(default)]
    parent: String,
}

impl LinkForm {
    fn parent(&self) -> AppResult<i64> {
        self.parent.trim().parse::<i64>().map_err(|_| {
            AppError::refuse(
                "Chọn nhiệm vụ của kế hoạch cấp trên",
                "Choose a task of the parent plan",
            )
        })
    }
}

/// Link a task of a body's plan to a task of the plan it implements.
pub async fn link(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    crate::form::Form(f): crate::form::Form<LinkForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let task = state.db.task_detail(id).await?.ok_or(AppError::NotFound)?;
    user.require(may_link_tasks(&state, &user, task.plan_id).await?)?;
    let parent = f.parent()?;
    let added = state
        .db
        .link_tasks(id, parent, user.id(), time::OffsetDateTime::now_utc())
        .await?;
    if added {
        crate::audit_by(
            &state,
            &user,
            "task_linked",
            Some(&format!("task:{id}")),
            Some(&format!("parent task:{parent}")),
        )
        .await?;
    }
    Ok(Redirect::to(&format!("/tasks/{id}#links")).into_response())
}

/// Remove a task's link to a parent task.
pub async fn unlink(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    crate::form::Form(f): crate::form::Form<LinkForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let task = state.db.task_detail(id).await?.ok_or(AppError::NotFound)?;
    user.require(may_link_tasks(&state, &user, task.plan_id).await?)?;
    let parent = f.parent()?;
    if state.db.unlink_tasks(id, parent).await? {
        crate::audit_by(
            &state,
            &user,
            "task_unlinked",
            Some(&format!("task:{id}")),
            Some(&format!("parent task:{parent}")),
        )
        .await?;
    }
    Ok(Redirect::to(&format!("/tasks/{id}#links")).into_response())
}

/// True when an agency account may act on a task: assigned directly or through a group of its kind.
pub async fn agency_on_task(state: &AppState, agency_id: i64, task_id: i64) -> AppResult<bool> {
    Ok(state
        .db
        .agency_tasks(agency_id)
        .await?
        .iter()
        .any(|t| t.task_id == task_id))
}
