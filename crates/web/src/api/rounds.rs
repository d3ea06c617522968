//! Reporting rounds, the bodies' reports and a round's consolidated figures, with the pages'
//! rules: those who see every agency (administrator, coordinator, leader) read every round and
//! report and the figures; an agency's focal point and head read the rounds their body reports
//! in and their body's own report only (another body's report is refused, 403, as its page is).

use super::{ApiError, ApiPath, ApiResult, ApiUser, ErrorBody, Page, Paging, date, moment, ok};
use crate::AppState;
use axum::extract::State;
use serde::Serialize;
use std::collections::BTreeMap;
use theodoi_domain::indicator::Aggregation;
use theodoi_domain::report::Timeliness;
use theodoi_report::{IndicatorInfo, Input, Missing};
use theodoi_store::rounds::{BodyProgress, RoundRow};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// A reporting round.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundItem {
    pub id: i64,
    pub plan_id: i64,
    pub plan_number: Option<String>,
    /// "periodic" or an ad hoc kind, as a code.
    pub kind: String,
    pub title: String,
    /// The period's name, such as "6 tháng đầu năm 2026".
    pub label: String,
    /// The period's first day (YYYY-MM-DD), for a periodic round.
    #[schema(format = Date)]
    pub period_start: Option<String>,
    /// The period's length in months.
    pub period_months: Option<i32>,
    /// The data cut-off window (YYYY-MM-DD).
    #[schema(format = Date)]
    pub window_start: String,
    #[schema(format = Date)]
    pub window_end: String,
    /// The bodies' deadline (YYYY-MM-DD).
    #[schema(format = Date)]
    pub agency_deadline: String,
    /// When the round was opened (RFC 3339).
    #[schema(format = DateTime)]
    pub opened_at: String,
    /// The status of the calling account's body's report in this round, for an agency's
    /// account; null for the others (and before the body has saved anything).
    pub own_report_status: Option<String>,
}

fn round_item(r: &RoundRow, own: Option<String>) -> RoundItem {
    RoundItem {
        id: r.id,
        plan_id: r.plan_id,
        plan_number: r.plan_number.clone(),
        kind: r.kind.clone(),
        title: r.title.clone(),
        label: r.label.clone(),
        period_start: r.period_start.map(date),
        period_months: r.period_months,
        window_start: date(r.window_start),
        window_end: date(r.window_end),
        agency_deadline: date(r.agency_deadline),
        opened_at: moment(r.opened_at),
        own_report_status: own,
    }
}

/// A page of rounds.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundList {
    pub items: Vec<RoundItem>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// Bodies counted by where their reports stand.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Completeness {
    /// Bodies expected to report (the coordinating body's own report is not counted).
    pub expected: i64,
    /// Sent (submitted or accepted).
    pub submitted: i64,
    pub accepted: i64,
    pub returned: i64,
    /// First sent by the deadline.
    pub on_time: i64,
    /// First sent after the deadline.
    pub late: i64,
    /// Not sent, deadline passed.
    pub overdue: i64,
}

impl Completeness {
    fn add(&mut self, status: Option<&str>, timeliness: Option<Timeliness>, n: i64) {
        self.expected += n;
        match timeliness {
            Some(Timeliness::OnTime) => self.on_time += n,
            Some(Timeliness::Late) => self.late += n,
            Some(Timeliness::Overdue) => self.overdue += n,
            _ => {}
        }
        match status {
            Some("submitted") => self.submitted += n,
            Some("accepted") => {
                self.submitted += n;
                self.accepted += n;
            }
            Some("returned") => self.returned += n,
            _ => {}
        }
    }
}

/// The counts of one kind of body.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KindCompleteness {
    /// The kind of body, as a code.
    pub kind: String,
    pub counts: Completeness,
}

/// A round with its completeness and timeliness.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundDetail {
    pub round: RoundItem,
    pub completeness: Completeness,
    pub by_kind: Vec<KindCompleteness>,
}

/// A body expected in a round, with where its report stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportSummary {
    pub agency_id: i64,
    pub agency_name: String,
    pub agency_kind: String,
    /// False for the coordinating body: it reports on its own tasks but is not counted.
    pub counted: bool,
    /// The tasks it reports on.
    pub tasks: i64,
    /// draft, approved, submitted, returned, accepted…; null before anything is saved.
    pub status: Option<String>,
    /// on_time, late, pending or overdue.
    pub timeliness: String,
    #[schema(format = DateTime)]
    pub first_submitted_at: Option<String>,
    #[schema(format = DateTime)]
    pub submitted_at: Option<String>,
}

/// A page of a round's reports.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportList {
    pub items: Vec<ReportSummary>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// A body's entry on one task.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportTask {
    pub task_id: i64,
    pub reference: String,
    pub title: String,
    /// "lead" or "coordinating".
    pub role: String,
    /// The group through which the body is named, if it is named as one of a group.
    pub via_group: Option<String>,
    #[schema(format = Date)]
    pub due: String,
    /// The task's status as the body reports it; null when not yet given.
    pub status: Option<String>,
    pub reason: Option<String>,
    pub results: Option<String>,
}

/// One figure of a report: an indicator's total (dimension and category empty) or one cell of a
/// breakdown.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportValue {
    pub indicator_id: i64,
    pub indicator_code: String,
    pub dimension: String,
    pub category: String,
    pub value: i64,
}

/// A step in a report's history: saves, approvals, submissions, returns with their reason.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportEvent {
    /// save, approve, submit, return, accept or reopen.
    pub action: String,
    pub from_status: String,
    pub to_status: String,
    /// The report's version after the step.
    pub version: i32,
    /// Who took it, as people know them.
    pub by: Option<String>,
    /// The comment it carried: a return's or a reopening's reason.
    pub comment: String,
    #[schema(format = DateTime)]
    pub at: String,
}

/// A breakdown an indicator asks, with its categories' codes.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskedBreakdown {
    /// The dimension's code ("sex", "ethnicity", …).
    pub dimension: String,
    pub categories: Vec<String>,
}

/// An indicator the round asks of the body: what a report's `values` are keyed by.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskedIndicator {
    pub code: String,
    pub name: String,
    pub unit: String,
    /// A report is approved only with its total given.
    pub required: bool,
    pub breakdowns: Vec<AskedBreakdown>,
}

/// A body's report in a round.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportDetail {
    pub round_id: i64,
    pub agency_id: i64,
    /// draft, approved, submitted, returned or accepted; null before the body has saved
    /// anything.
    pub status: Option<String>,
    /// The version a change must name (0 before anything is saved).
    pub version: i32,
    pub difficulties: String,
    pub proposals: String,
    #[schema(format = DateTime)]
    pub first_submitted_at: Option<String>,
    #[schema(format = DateTime)]
    pub submitted_at: Option<String>,
    #[schema(format = DateTime)]
    pub accepted_at: Option<String>,
    #[schema(format = DateTime)]
    pub updated_at: Option<String>,
    pub tasks: Vec<ReportTask>,
    pub values: Vec<ReportValue>,
    /// The indicators the round asks, in the form's order.
    pub indicators: Vec<AskedIndicator>,
    /// The report's history, oldest first: what the coordinator asked when returning it is the
    /// comment of the last `return`.
    pub events: Vec<ReportEvent>,
}

/// One category of a breakdown, summed over the accepted reports.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryFigure {
    pub code: String,
    /// Its Vietnamese name, as the annex prints it.
    pub label_vi: String,
    pub value: f64,
}

/// An indicator's breakdown by one dimension.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BreakdownFigure {
    /// sex, ethnicity, religion, age_group, disability, vulnerable_group…
    pub dimension: String,
    pub sum: f64,
    pub categories: Vec<CategoryFigure>,
}

/// An indicator's consolidated figure.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorFigure {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub unit: String,
    /// sum, average or last.
    pub aggregation: String,
    /// Over the accepted reports; null when none gave it.
    pub total: Option<f64>,
    /// The same in the round before; null when there is none or it had no value.
    pub previous: Option<f64>,
    /// How many accepted reports gave it.
    pub bodies: i64,
    pub breakdowns: Vec<BreakdownFigure>,
}

/// A round's consolidated figures: the statistical annex's numbers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundFigures {
    pub round_id: i64,
    pub round_label: String,
    pub previous_label: Option<String>,
    /// Bodies counted in the round.
    pub expected: i64,
    /// Of them, those whose reports are accepted (the figures add up theirs).
    pub accepted: i64,
    pub indicators: Vec<IndicatorFigure>,
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

async fn round_of(state: &AppState, id: i64) -> ApiResult<RoundRow> {
    state.db.round(id).await?.ok_or(ApiError::NotFound)
}

/// The rounds the account may follow.
#[utoipa::path(
    get,
    path = "/api/v1/rounds",
    tag = "rounds",
    params(Paging),
    responses(
        (status = 200, description = "A page of rounds, newest first for an agency", body = RoundList),
        (status = 400, description = "limit or offset cannot be read", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The role follows no rounds (inspector)", body = ErrorBody),
        (status = 503, description = "The database cannot be reached", body = ErrorBody),
    )
)]
pub async fn list(State(state): State<AppState>, who: ApiUser, page: Page) -> ApiResult {
    let role = who.role();
    let all: Vec<RoundItem> = if role.sees_all_agencies() {
        state
            .db
            .rounds(None)
            .await?
            .iter()
            .map(|s| round_item(&s.round, None))
            .collect()
    } else if role.is_agency() {
        let agency = who.user.row.agency_id.ok_or(ApiError::NotFound)?;
        state
            .db
            .agency_rounds(agency)
            .await?
            .into_iter()
            .map(|(r, _, status)| round_item(&r, status))
            .collect()
    } else {
        who.require(false)?;
        Vec::new()
    };
    Ok(ok(&RoundList {
        total: count(all.len()),
        items: page.slice(&all),
        limit: page.limit,
        offset: page.offset,
    }))
}

/// One round with its completeness and timeliness, per kind of body.
#[utoipa::path(
    get,
    path = "/api/v1/rounds/{id}",
    tag = "rounds",
    params(("id" = i64, Path, description = "The round's id")),
    responses(
        (status = 200, description = "The round", body = RoundDetail),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Only accounts that see every agency read a round's completeness", body = ErrorBody),
        (status = 404, description = "No such round", body = ErrorBody),
        (status = 503, description = "The database cannot be reached", body = ErrorBody),
    )
)]
pub async fn detail(
    State(state): State<AppState>,
    who: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult {
    who.require(who.role().sees_all_agencies())?;
    let round = round_of(&state, id).await?;
    let end = Timeliness::deadline_end(round.agency_deadline);
    let mut total = Completeness::default();
    let mut kinds: BTreeMap<String, Completeness> = BTreeMap::new();
    for t in state
        .db
        .round_tally(id, end, OffsetDateTime::now_utc())
        .await?
    {
        let timeliness = Timeliness::parse(&t.timeliness);
        total.add(t.status.as_deref(), timeliness, t.n);
        kinds
            .entry(t.kind)
            .or_default()
            .add(t.status.as_deref(), timeliness, t.n);
    }
    Ok(ok(&RoundDetail {
        round: round_item(&round, None),
        completeness: total,
        by_kind: kinds
            .into_iter()
            .map(|(kind, counts)| KindCompleteness { kind, counts })
            .collect(),
    }))
}

fn summary(round: &RoundRow, b: &BodyProgress, now: OffsetDateTime) -> ReportSummary {
    ReportSummary {
        agency_id: b.agency_id,
        agency_name: b.agency_name.clone(),
        agency_kind: b.agency_kind.clone(),
        counted: b.counted,
        tasks: b.tasks,
        status: b.status.clone(),
        timeliness: Timeliness::of(round.agency_deadline, b.first_submitted_at, now)
            .code()
            .to_string(),
        first_submitted_at: b.first_submitted_at.map(moment),
        submitted_at: b.submitted_at.map(moment),
    }
}

/// The reports of a round the account may see: every body's for those who see every agency,
/// the account's own body's for an agency's account.
#[utoipa::path(
    get,
    path = "/api/v1/rounds/{id}/reports",
    tag = "reports",
    params(("id" = i64, Path, description = "The round's id"), Paging),
    responses(
        (status = 200, description = "A page of the round's bodies and their reports' state", body = ReportList),
        (status = 400, description = "The id, limit or offset cannot be read", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The role reads no reports (inspector)", body = ErrorBody),
        (status = 404, description = "No such round", body = ErrorBody),
        (status = 503, description = "The database cannot be reached", body = ErrorBody),
    )
)]
pub async fn reports(
    State(state): State<AppState>,
    who: ApiUser,
    ApiPath(id): ApiPath<i64>,
    page: Page,
) -> ApiResult {
    let role = who.role();
    who.require(role.sees_all_agencies() || role.is_agency())?;
    let round = round_of(&state, id).await?;
    let now = OffsetDateTime::now_utc();
    let mut bodies = state.db.round_progress(id).await?;
    if !role.sees_all_agencies() {
        let own = who.user.row.agency_id;
        bodies.retain(|b| Some(b.agency_id) == own);
    }
    let all: Vec<ReportSummary> = bodies.iter().map(|b| summary(&round, b, now)).collect();
    Ok(ok(&ReportList {
        total: count(all.len()),
        items: page.slice(&all),
        limit: page.limit,
        offset: page.offset,
    }))
}

/// A body's report in a round: its tasks' entries and its figures.
#[utoipa::path(
    get,
    path = "/api/v1/rounds/{id}/reports/{agency_id}",
    tag = "reports",
    params(
        ("id" = i64, Path, description = "The round's id"),
        ("agency_id" = i64, Path, description = "The body's id"),
    ),
    responses(
        (status = 200, description = "The report", body = ReportDetail),
        (status = 400, description = "An id is not a number", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Another body's report, for an agency's account", body = ErrorBody),
        (status = 404, description = "No such round, or the round asks nothing of the body", body = ErrorBody),
        (status = 503, description = "The database cannot be reached", body = ErrorBody),
    )
)]
pub async fn report(
    State(state): State<AppState>,
    who: ApiUser,
    ApiPath((id, agency_id)): ApiPath<(i64, i64)>,
) -> ApiResult {
    who.require(who.user.may_see_agency(agency_id))?;
    Ok(ok(&report_detail(&state, id, agency_id).await?))
}

/// A body's report as the API gives it.
pub async fn report_detail(state: &AppState, id: i64, agency_id: i64) -> ApiResult<ReportDetail> {
    let form = state
        .db
        .report_form(id, agency_id)
        .await?
        .filter(|f| !f.tasks.is_empty())
        .ok_or(ApiError::NotFound)?;
    let codes: std::collections::HashMap<i64, &str> = form
        .indicators
        .iter()
        .map(|i| (i.id, i.code.as_str()))
        .collect();
    let r = form.report.as_ref();
    Ok(ReportDetail {
        round_id: id,
        agency_id,
        status: r.map(|r| r.status.clone()),
        version: r.map_or(0, |r| r.version),
        difficulties: r.map(|r| r.difficulties.clone()).unwrap_or_default(),
        proposals: r.map(|r| r.proposals.clone()).unwrap_or_default(),
        first_submitted_at: r.and_then(|r| r.first_submitted_at).map(moment),
        submitted_at: r.and_then(|r| r.submitted_at).map(moment),
        accepted_at: r.and_then(|r| r.accepted_at).map(moment),
        updated_at: r.map(|r| moment(r.updated_at)),
        tasks: form
            .tasks
            .iter()
            .map(|t| ReportTask {
                task_id: t.task_id,
                reference: t.reference.clone(),
                title: t.title.clone(),
                role: t.role.code().to_string(),
                via_group: t.via_group.clone(),
                due: date(t.due),
                status: t.status.clone(),
                reason: t.reason.clone(),
                results: t.results.clone(),
            })
            .collect(),
        values: form
            .values
            .iter()
            .map(|v| ReportValue {
                indicator_id: v.indicator_id,
                indicator_code: codes
                    .get(&v.indicator_id)
                    .map(|c| (*c).to_string())
                    .unwrap_or_default(),
                dimension: v.dimension.clone(),
                category: v.category.clone(),
                value: v.value,
            })
            .collect(),
        events: form
            .events
            .iter()
            .map(|e| ReportEvent {
                action: e.action.clone(),
                from_status: e.from_status.clone(),
                to_status: e.to_status.clone(),
                version: e.version,
                by: e.who.clone(),
                comment: e.comment.clone(),
                at: moment(e.at),
            })
            .collect(),
        indicators: form
            .indicators
            .iter()
            .map(|i| AskedIndicator {
                code: i.code.clone(),
                name: i.name.clone(),
                unit: i.unit.clone(),
                required: i.required,
                breakdowns: i
                    .dims()
                    .into_iter()
                    .map(|d| AskedBreakdown {
                        dimension: d.code().to_string(),
                        categories: d
                            .categories()
                            .iter()
                            .map(|(code, ..)| (*code).to_string())
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// A round's figures summed over its accepted reports, kept while those reports stay the same:
/// the sum is a GROUP BY over every value of the round, the check one COUNT.
async fn summed(
    state: &AppState,
    round: i64,
) -> ApiResult<std::sync::Arc<Vec<theodoi_domain::indicator::Figure>>> {
    let key = state.db.accepted_fingerprint(round).await?;
    if let Some(kept) = state.cache.figures(round, key) {
        return Ok(kept);
    }
    let figures = std::sync::Arc::new(state.db.round_figures(round).await?);
    state
        .cache
        .put_figures(round, key, std::sync::Arc::clone(&figures));
    Ok(figures)
}

/// The consolidated figures of a round, as the statistical annex adds them up: what the
/// accepted reports give, beside the round before.
pub async fn consolidated(state: &AppState, id: i64) -> ApiResult<RoundFigures> {
    let round = round_of(state, id).await?;
    let db = &state.db;
    let indicators: Vec<IndicatorInfo> = db
        .round_indicators(id)
        .await?
        .into_iter()
        .map(|i| IndicatorInfo {
            id: i.id,
            dimensions: i.dims(),
            aggregation: Aggregation::parse(&i.aggregation).unwrap_or(Aggregation::Sum),
            code: i.code,
            name: i.name,
            unit: i.unit,
        })
        .collect();
    let figures = summed(state, id).await?;
    let previous_round = db.previous_round(id).await?;
    let before = match &previous_round {
        Some(p) => summed(state, p.id).await?,
        None => std::sync::Arc::new(Vec::new()),
    };
    // Counted as the annex counts: the coordinating body's own report is not.
    let mut expected = 0usize;
    let mut missing = Vec::new();
    for t in db
        .round_tally(
            id,
            Timeliness::deadline_end(round.agency_deadline),
            OffsetDateTime::now_utc(),
        )
        .await?
    {
        let n = usize::try_from(t.n).unwrap_or(0);
        expected += n;
        if t.status.as_deref() != Some("accepted") {
            missing.extend(std::iter::repeat_n(
                Missing {
                    agency: String::new(),
                    status: t.status.clone().unwrap_or_default(),
                },
                n,
            ));
        }
    }
    let c = theodoi_report::consolidate(Input {
        plan_number: round.plan_number.as_deref().unwrap_or(""),
        plan_title: "",
        round_label: &round.label,
        previous_label: previous_round.as_ref().map(|p| p.label.as_str()),
        indicators: &indicators,
        figures: &figures,
        previous: &before,
        expected,
        missing,
        tasks: Vec::new(),
        difficulties: Vec::new(),
        proposals: Vec::new(),
    });
    Ok(RoundFigures {
        round_id: id,
        round_label: c.round_label,
        previous_label: c.previous_label,
        expected: count(c.expected),
        accepted: count(c.accepted),
        indicators: c
            .indicators
            .into_iter()
            .map(|b| IndicatorFigure {
                id: b.info.id,
                code: b.info.code,
                name: b.info.name,
                unit: b.info.unit,
                aggregation: b.info.aggregation.code().to_string(),
                total: b.total,
                previous: b.previous,
                bodies: b.bodies,
                breakdowns: b
                    .breakdowns
                    .into_iter()
                    .map(|d| BreakdownFigure {
                        dimension: d.dimension.code().to_string(),
                        sum: d.sum,
                        categories: d
                            .categories
                            .into_iter()
                            .map(|c| CategoryFigure {
                                code: c.code.to_string(),
                                label_vi: c.label_vi.to_string(),
                                value: c.value,
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// A round's consolidated figures (the numbers of its statistical annex).
#[utoipa::path(
    get,
    path = "/api/v1/rounds/{id}/figures",
    tag = "rounds",
    params(("id" = i64, Path, description = "The round's id")),
    responses(
        (status = 200, description = "The consolidated figures", body = RoundFigures),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Only accounts that see every agency read the consolidation", body = ErrorBody),
        (status = 404, description = "No such round", body = ErrorBody),
        (status = 503, description = "The database cannot be reached", body = ErrorBody),
    )
)]
pub async fn figures(
    State(state): State<AppState>,
    who: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult {
    who.require(who.role().sees_all_agencies())?;
    Ok(ok(&consolidated(&state, id).await?))
}
