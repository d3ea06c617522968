//! Plans with their tasks and assignments, and the directory of agencies: every account reads
//! them, as every signed-in account reads the plan and agency pages.

use super::{ApiPath, ApiResult, ApiUser, ErrorBody, Page, Paging, date, ok};
use crate::AppState;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

/// A plan, as lists show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanItem {
    pub id: i64,
    /// The kind of document ("KH" for a kế hoạch).
    pub doc_type: String,
    /// Its number, such as "14/KH-UBND".
    pub number: Option<String>,
    pub title: String,
    pub issuer: Option<String>,
    /// The day it was issued (YYYY-MM-DD).
    #[schema(format = Date)]
    pub issued_on: Option<String>,
    pub task_count: i64,
    /// Numbers of the documents this plan implements.
    pub implements: Vec<String>,
}

impl From<&theodoi_store::PlanSummary> for PlanItem {
    fn from(p: &theodoi_store::PlanSummary) -> Self {
        Self {
            id: p.id,
            doc_type: p.doc_type.clone(),
            number: p.number.clone(),
            title: p.title.clone(),
            issuer: p.issuer.clone(),
            issued_on: p.issued_on.map(date),
            task_count: p.task_count,
            implements: p.implements.clone(),
        }
    }
}

/// A page of plans.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanList {
    pub items: Vec<PlanItem>,
    /// How many there are in all.
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// A body named on a task, with its role.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentItem {
    pub agency_id: i64,
    pub agency_code: String,
    pub agency_name: String,
    /// The body's name as the plan writes it.
    pub name_as_written: String,
    /// "lead" (chủ trì) or "coordinating" (phối hợp).
    pub role: String,
}

/// A task of a plan with the bodies it names.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskItem {
    pub id: i64,
    /// Its number in the plan, such as "1.2".
    pub reference: String,
    pub title: String,
    /// When, as the plan says it.
    pub time_text: String,
    pub assignments: Vec<AssignmentItem>,
}

/// A plan with its tasks.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanDetail {
    pub plan: PlanItem,
    pub tasks: Vec<TaskItem>,
}

/// An agency (or a group of agencies) of the directory.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyItem {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// The kind of body (department, district, commune…), as a code.
    pub kind: String,
    /// A group the plans name ("các cơ quan liên quan"), not one body.
    pub is_group: bool,
    /// Named only as "đề nghị" (requested), not bound by the plan.
    pub requested_only: bool,
    /// Tasks it leads.
    pub lead_count: i64,
    /// Tasks it coordinates on.
    pub coordinating_count: i64,
}

/// A page of agencies.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyList {
    pub items: Vec<AgencyItem>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

fn total(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The stored plans.
#[utoipa::path(
    get,
    path = "/api/v1/plans",
    tag = "plans",
    params(Paging),
    responses(
        (status = 200, description = "A page of plans", body = PlanList),
        (status = 400, description = "limit or offset cannot be read", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 503, description = "The database cannot be reached", body = ErrorBody),
    )
)]
pub async fn list(State(state): State<AppState>, _who: ApiUser, page: Page) -> ApiResult {
    let plans = state.db.list_plans().await?;
    let items: Vec<PlanItem> = plans.iter().map(PlanItem::from).collect();
    Ok(ok(&PlanList {
        total: total(items.len()),
        items: page.slice(&items),
        limit: page.limit,
        offset: page.offset,
    }))
}

/// One plan with its tasks and each task's bodies.
#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}",
    tag = "plans",
    params(("id" = i64, Path, description = "The plan's id")),
    responses(
        (status = 200, description = "The plan", body = PlanDetail),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such plan", body = ErrorBody),
        (status = 503, description = "The database cannot be reached", body = ErrorBody),
    )
)]
pub async fn detail(
    State(state): State<AppState>,
    _who: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult {
    let data = state.plan_data(id).await?;
    let view = &data.0;
    let tasks = view
        .tasks
        .iter()
        .map(|t| TaskItem {
            id: t.id,
            reference: t.reference.clone(),
            title: t.title.clone(),
            time_text: t.time_text.clone(),
            assignments: view
                .assignments
                .iter()
                .filter(|a| a.task_id == t.id)
                .map(|a| AssignmentItem {
                    agency_id: a.agency_id,
                    agency_code: a.agency_code.clone(),
                    agency_name: a.agency_name.clone(),
                    name_as_written: a.name_as_written.clone(),
                    role: a.role.code().to_string(),
                })
                .collect(),
        })
        .collect();
    Ok(ok(&PlanDetail {
        plan: PlanItem::from(&view.summary),
        tasks,
    }))
}

/// The directory of agencies and groups the plans name.
#[utoipa::path(
    get,
    path = "/api/v1/agencies",
    tag = "agencies",
    params(Paging),
    responses(
        (status = 200, description = "A page of agencies", body = AgencyList),
        (status = 400, description = "limit or offset cannot be read", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 503, description = "The database cannot be reached", body = ErrorBody),
    )
)]
pub async fn agencies(State(state): State<AppState>, _who: ApiUser, page: Page) -> ApiResult {
    let all: Vec<AgencyItem> = state
        .db
        .list_agencies()
        .await?
        .into_iter()
        .map(|a| AgencyItem {
            id: a.id,
            code: a.code,
            name: a.name,
            kind: a.kind,
            is_group: a.is_group,
            requested_only: a.requested_only,
            lead_count: a.lead_count,
            coordinating_count: a.coordinating_count,
        })
        .collect();
    Ok(ok(&AgencyList {
        total: total(all.len()),
        items: page.slice(&all),
        limit: page.limit,
        offset: page.offset,
    }))
}
