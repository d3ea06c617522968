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
}

impl PlanPage {
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
            .filter(|a| a.task_id == task.id && a.role == role)
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
    let data = state.plan_data(id).await?;
    let (plan, full) = (data.0.clone(), data.1.clone());
    let mut ctx = Ctx::new(lang, Some(&user));
    if q.published.is_some() {
        ctx = ctx.with_flash(crate::i18n::msg(lang).published);
    }
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
                Some("lead") if filter.role != "coordinating" => "CT",
                Some("coordinating") if filter.role != "lead" => "PH",
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
    /// ICCPR articles and recommendation paragraphs the task serves.
    tags: Vec<String>,
    /// The task's vague groups ("các cơ quan liên quan") and who they mean for this task.
    vague: Vec<VagueGroup>,
    /// Every body by kind, in Vietnamese order, to name members from (coordinators only).
    bodies: Vec<(String, Vec<(i64, String)>)>,
}

impl TaskPage {
    /// A title cut to fit a choice list, at a word, with "…".
    fn short(&self, title: &str) -> String {
        const MAX: usize = 90;
        if title.chars().count() <= MAX {
            return title.to_string();
        }
        let cut: String = title.chars().take(MAX).collect();
        let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
        format!("{}…", cut.trim_end_matches([',', ';', ':']))
    }
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

pub async fn task(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let task = state.db.task_detail(id).await?.ok_or(AppError::NotFound)?;
    let all = state.db.escalations(None, Some(id)).await?;
    // Agencies see their own difficulties; coordinators and leaders see all.
    let escalations = all
        .into_iter()
        .filter(|e| user.may_see_agency(e.agency_id))
        .collect();
    let may_raise = match (user.role.is_agency(), user.row.agency_id) {
        (true, Some(a)) => agency_on_task(&state, a, id).await?,
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
    let ctx = Ctx::new(lang, Some(&user));
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
        may_link = may_link_tasks(&state, &user, task.plan_id).await?;
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
    pages::render(&TaskPage {
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
