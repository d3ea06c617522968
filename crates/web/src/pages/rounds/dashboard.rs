//! The one-page views for leaders: a round's and a plan's charts with the tables behind them.

use super::*;

/// A chart, a sentence on how to read it when it needs one, and the table it was drawn from. A
/// chart with nothing to draw has no SVG; the page says so.
struct DashTable {
    title: String,
    svg: String,
    note: Option<String>,
    headers: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
}

impl DashTable {
    /// Stacked bars and their table from counts per row and series.
    fn bars(title: &str, series: &[(&str, &str)], rows: Vec<(String, Vec<i64>)>) -> Self {
        Self {
            title: title.to_string(),
            svg: if rows.is_empty() {
                String::new()
            } else {
                crate::charts::stacked_bars(title, series, &rows)
            },
            note: None,
            headers: series.iter().map(|s| s.0.to_string()).collect(),
            rows: rows
                .into_iter()
                .map(|(k, v)| (k, v.iter().map(i64::to_string).collect()))
                .collect(),
        }
    }
}

/// A body late with its report or overdue, and which.
struct LateBody {
    p: BodyProgress,
    timeliness: Timeliness,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    round: RoundRow,
    charts: Vec<DashTable>,
    late: Vec<LateBody>,
    late_total: i64,
}

pub async fn dashboard(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    user.require(user.role.sees_all_agencies())?;
    let round = state.db.round(id).await?.ok_or(AppError::NotFound)?;
    let ctx = Ctx::new(lang, Some(&user));
    let now = OffsetDateTime::now_utc();
    let end = Timeliness::deadline_end(round.agency_deadline);
    let mut charts = Vec::new();

    // Completeness and timeliness by kind of body, stacked as the task statuses are: sent (on
    // time, late), not yet due, overdue.
    let order = [
        Timeliness::OnTime,
        Timeliness::Late,
        Timeliness::Pending,
        Timeliness::Overdue,
    ];
    let mut by_kind: BTreeMap<String, [i64; 4]> = BTreeMap::new();
    for t in state.db.round_tally(id, end, now).await? {
        let slot = by_kind.entry(ctx.kind_name(&t.kind)).or_default();
        if let Some(i) =
            Timeliness::parse(&t.timeliness).and_then(|x| order.iter().position(|o| *o == x))
        {
            slot[i] += t.n;
        }
    }
    let series: Vec<(&str, &str)> = order
        .iter()
        .map(|t| {
            (
                pages::timeliness_name(&ctx, t),
                crate::charts::timeliness_colour(*t),
            )
        })
        .collect();
    let rows: Vec<(String, Vec<i64>)> = by_kind.into_iter().map(|(k, v)| (k, v.to_vec())).collect();
    charts.push(DashTable::bars(
        ctx.t(
            "Tiến độ gửi báo cáo theo nhóm cơ quan",
            "Reports by group of bodies",
        ),
        &series,
        rows,
    ));

    // Task progress by part of the plan and status: each lead body's word on each task it leads
    // in the round, from its accepted report; a lead not heard from yet counts among the greys
    // (as on the plan's overview), so every task of the round is in the chart.
    let heard: HashMap<(String, String), Option<TaskStatus>> = state
        .db
        .round_narrative(id)
        .await?
        .into_iter()
        .filter(|n| n.role == theodoi_domain::Role::Lead)
        .map(|n| {
            let status = n.status.as_deref().and_then(TaskStatus::parse);
            ((n.reference, n.agency_name), status)
        })
        .collect();
    let leads = state.db.round_assignments(id).await?;
    let (series, rows) = task_statuses_by_part(
        &ctx,
        leads
            .iter()
            .filter(|a| a.role == theodoi_domain::Role::Lead)
            .map(|a| {
                let status = heard
                    .get(&(a.reference.clone(), a.agency_name.clone()))
                    .copied()
                    .flatten();
                (a.reference.as_str(), status)
            }),
    );
    charts.push(DashTable::bars(
        ctx.t(
            "Tình hình thực hiện nhiệm vụ (báo cáo của cơ quan chủ trì)",
            "Task progress (lead bodies' reports)",
        ),
        &series,
        rows.into_iter()
            .map(|(k, v)| (format!("{} {k}", ctx.t("Phần", "Part")), v))
            .collect(),
    ));

    charts.push(trends(&state, &ctx, round.plan_id, Some(&round), now).await?);

    let (late_rows, late_total) = state.db.round_bodies(id, "late", end, now, 20, 0).await?;
    let late = late_rows
        .into_iter()
        .map(|p| LateBody {
            timeliness: Timeliness::of(round.agency_deadline, p.first_submitted_at, now),
            p,
        })
        .collect();
    pages::render(&DashboardPage {
        ctx,
        round,
        charts,
        late,
        late_total,
    })
}

/// Whether a round's figures are final enough to draw: its bodies' deadline has passed. An open
/// round's total holds only the reports accepted so far.
fn closed(round: &RoundRow, now: OffsetDateTime) -> bool {
    now >= Timeliness::deadline_end(round.agency_deadline)
}

/// Totals of the first indicators over a plan's rounds, oldest first, up to `upto`.
async fn trends(
    state: &AppState,
    ctx: &Ctx,
    plan_id: i64,
    upto: Option<&RoundRow>,
    now: OffsetDateTime,
) -> AppResult<DashTable> {
    let mut rounds: Vec<RoundSummary> = state.db.rounds(Some(plan_id)).await?;
    if let Some(u) = upto {
        rounds.retain(|r| r.round.window_end <= u.window_end);
    }
    rounds.reverse();
    let indicators: Vec<IndicatorRow> = match upto
        .map(|u| u.id)
        .or_else(|| rounds.last().map(|r| r.round.id))
    {
        Some(id) => state
            .db
            .round_indicators(id)
            .await?
            .into_iter()
            .take(5)
            .collect(),
        None => Vec::new(),
    };
    let mut series: Vec<(String, Vec<Option<f64>>)> = indicators
        .iter()
        .map(|i| (i.name.clone(), Vec::new()))
        .collect();
    for r in &rounds {
        let figures = state.db.round_figures(r.round.id).await?;
        for (k, ind) in indicators.iter().enumerate() {
            let v = figures
                .iter()
                .find(|f| f.indicator_id == ind.id && f.dimension.is_empty())
                .map(|f| f.sum as f64);
            series[k].1.push(v);
        }
    }
    let points: Vec<crate::charts::Point> = rounds
        .iter()
        .map(|r| crate::charts::Point {
            label: r.round.label.clone(),
            closed: closed(&r.round, now),
        })
        .collect();
    let open_note = ctx.t(
        "Kỳ chưa hết hạn báo cáo: chưa vẽ, số liệu chưa đủ",
        "Round still open: not drawn, its figures are not complete",
    );
    let title = ctx.t(
        "Xu hướng một số chỉ tiêu qua các kỳ",
        "Indicator trends over the rounds",
    );
    let any_open = points.iter().any(|p| !p.closed);
    Ok(DashTable {
        title: title.into(),
        svg: if series.is_empty() || points.is_empty() {
            String::new()
        } else {
            crate::charts::lines(title, &points, &series, open_note)
        },
        note: Some(if any_open {
            ctx.t(
                "Mỗi chỉ tiêu có thang đo riêng, từ 0 đến giá trị lớn nhất của nó. Kỳ chưa hết hạn báo cáo chỉ có số liệu của các báo cáo đã tiếp nhận, nên không được vẽ; bảng số liệu ghi \"(tạm tính)\".",
                "Each indicator has its own scale, from 0 to its largest value. A round still open holds only the reports accepted so far, so it is not drawn; the table marks it \"(provisional)\".",
            )
        } else {
            ctx.t(
                "Mỗi chỉ tiêu có thang đo riêng, từ 0 đến giá trị lớn nhất của nó.",
                "Each indicator has its own scale, from 0 to its largest value.",
            )
        }
        .to_string()),
        headers: points
            .iter()
            .map(|p| {
                if p.closed {
                    p.label.clone()
                } else {
                    format!("{} {}", p.label, ctx.t("(tạm tính)", "(provisional)"))
                }
            })
            .collect(),
        rows: series
            .iter()
            .map(|(name, v)| {
                (
                    name.clone(),
                    v.iter()
                        .map(|x| x.map_or_else(|| "—".into(), theodoi_report::number_vi))
                        .collect(),
                )
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "plan_dashboard.html")]
struct PlanDashboardPage {
    ctx: Ctx,
    plan_id: i64,
    title: String,
    charts: Vec<DashTable>,
}

/// A plan over all its rounds: each task's latest status by part of the plan, each round's
/// completeness, the indicator trends.
pub async fn plan_dashboard(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    user.require(user.role.sees_all_agencies())?;
    let data = state.plan_data(id).await?;
    let ctx = Ctx::new(lang, Some(&user));
    let mut latest: HashMap<i64, String> = HashMap::new();
    for (task, status) in state.db.public_task_status(id).await? {
        latest.entry(task).or_insert(status);
    }
    let (series, rows) = task_statuses_by_part(
        &ctx,
        data.0.tasks.iter().map(|t| {
            let status = latest.get(&t.id).and_then(|s| TaskStatus::parse(s));
            (t.reference.as_str(), status)
        }),
    );
    let mut charts = vec![DashTable::bars(
        ctx.t(
            "Tình hình thực hiện nhiệm vụ (báo cáo gần nhất của cơ quan chủ trì)",
            "Task progress (latest lead reports)",
        ),
        &series,
        rows.into_iter()
            .map(|(k, v)| (format!("{} {k}", ctx.t("Phần", "Part")), v))
            .collect(),
    )];
    let mut rounds = state.db.rounds(Some(id)).await?;
    rounds.reverse();
    let now = OffsetDateTime::now_utc();
    // Reports not sent are grey until the bodies' deadline, red after it.
    let series = [
        (ctx.t("Đã tiếp nhận", "Accepted"), crate::charts::DONE),
        (
            ctx.t("Đã gửi, chờ tiếp nhận", "Sent, awaiting acceptance"),
            crate::charts::IN_PROGRESS,
        ),
        (
            ctx.t("Chưa gửi, chưa đến hạn", "Not sent, not yet due"),
            crate::charts::NOT_REPORTED,
        ),
        (
            ctx.t("Chưa gửi, quá hạn", "Not sent, overdue"),
            crate::charts::BAD,
        ),
    ];
    let rows: Vec<(String, Vec<i64>)> = rounds
        .iter()
        .map(|r| {
            let unsent = r.expected - r.submitted;
            let (due, overdue) = if closed(&r.round, now) {
                (0, unsent)
            } else {
                (unsent, 0)
            };
            (
                r.round.label.clone(),
                vec![r.accepted, r.submitted - r.accepted, due, overdue],
            )
        })
        .collect();
    charts.push(DashTable::bars(
        ctx.t("Tiến độ gửi báo cáo qua các kỳ", "Reports over the rounds"),
        &series,
        rows,
    ));
    charts.push(trends(&state, &ctx, id, None, now).await?);
    pages::render(&PlanDashboardPage {
        ctx,
        plan_id: id,
        title: data.0.summary.title.clone(),
        charts,
    })
}

/// The start page. Leaders land on the overview of the current round (the latest whose window
/// has opened, or the latest if none has); everyone else, and leaders before any round, as
/// `plans::start` sends them.
pub async fn start(State(state): State<AppState>, user: User) -> AppResult<Response> {
    if user.role == Role::Leader {
        let today = OffsetDateTime::now_utc()
            .to_offset(theodoi_domain::report::VIETNAM)
            .date();
        let rounds = state.db.rounds(None).await?;
        // The latest round with accepted reports has figures to read; an open round with none
        // yet would greet a leader with empty charts.
        let begun = |r: &&theodoi_store::rounds::RoundSummary| r.round.window_start <= today;
        if let Some(r) = rounds
            .iter()
            .filter(begun)
            .find(|r| r.accepted > 0)
            .or_else(|| rounds.iter().find(begun))
            .or(rounds.first())
        {
            return Ok(Redirect::to(&format!("/rounds/{}/dashboard", r.round.id)).into_response());
        }
    }
    Ok(pages::plans::start(user).await)
}

/// A chart's series (name, colour) and its rows (label, one count per series).
type Series = Vec<(&'static str, &'static str)>;
type Rows = Vec<(String, Vec<i64>)>;

/// The task chart's series and rows: each (task reference, status) counted under its part of
/// the plan (the reference before the dot), in the charts' order of statuses, with the ones not
/// reported yet among the greys before the red of not done.
fn task_statuses_by_part<'r>(
    ctx: &Ctx,
    items: impl Iterator<Item = (&'r str, Option<TaskStatus>)>,
) -> (Series, Rows) {
    let statuses: Vec<Option<TaskStatus>> = crate::charts::TASK_STATUS_ORDER
        .iter()
        .copied()
        .filter(|s| *s != TaskStatus::NotDone)
        .map(Some)
        .chain([None, Some(TaskStatus::NotDone)])
        .collect();
    let mut by_part: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (reference, status) in items {
        let part = reference.split('.').next().unwrap_or("").to_string();
        let slot = by_part
            .entry(part)
            .or_insert_with(|| vec![0; statuses.len()]);
        if let Some(i) = statuses.iter().position(|x| *x == status) {
            slot[i] += 1;
        }
    }
    let series = statuses
        .iter()
        .map(|s| match s {
            Some(s) => (
                ctx.t(s.label_vi(), s.label_en()),
                crate::charts::task_status_colour(*s),
            ),
            None => (
                ctx.t("Chưa có báo cáo", "Not yet reported"),
                crate::charts::NOT_REPORTED,
            ),
        })
        .collect();
    (series, by_part.into_iter().collect())
}
