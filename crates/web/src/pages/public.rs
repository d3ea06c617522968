//! Trang công khai: the plan's progress for citizens, no sign-in. Each task with the latest
//! status its lead body reported in an accepted report, and the figures the coordinator chose
//! to publish, from the newest round with accepted reports. Breakdowns by ethnicity, religion or
//! disability are aggregates only, with no count from 1 to 4 shown or derivable
//! (`theodoi_report::disclosure`).

use crate::AppState;
use crate::auth::UiLang;
use crate::error::{AppError, AppResult};
use crate::pages::{self, Ctx};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use std::collections::HashMap;
use theodoi_domain::TaskStatus;
use theodoi_store::rounds::RoundRow;

struct PublicTask {
    reference: String,
    title: String,
    time_text: String,
    leads: String,
    status: &'static str,
}

struct PublicCell {
    label: &'static str,
    value: String,
}

struct PublicFigure {
    name: String,
    unit: String,
    total: String,
    breakdowns: Vec<(&'static str, Vec<PublicCell>)>,
}

#[derive(Template)]
#[template(path = "public.html")]
struct PublicPage {
    ctx: Ctx,
    plans: Vec<(i64, String)>,
    plan_id: i64,
    title: String,
    tasks: Vec<PublicTask>,
    round: Option<RoundRow>,
    figures: Vec<PublicFigure>,
}

pub async fn index(state: State<AppState>, lang: UiLang) -> AppResult<Html<String>> {
    let first = state
        .db
        .list_plans()
        .await?
        .first()
        .map(|p| p.id)
        .ok_or(AppError::NotFound)?;
    plan(state, lang, Path(first)).await
}

pub async fn plan(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let ctx = Ctx::new(lang, None);
    let data = state.plan_data(id).await?;
    let view = &data.0;
    let mut latest: HashMap<i64, String> = HashMap::new();
    for (task, status) in state.db.public_task_status(id).await? {
        latest.entry(task).or_insert(status);
    }
    let tasks = view
        .tasks
        .iter()
        .map(|t| PublicTask {
            reference: t.reference.clone(),
            title: t.title.clone(),
            time_text: t.time_text.clone(),
            leads: view
                .assignments
                .iter()
                .filter(|a| a.task_id == t.id && a.role == "lead")
                .map(|a| a.agency_name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            status: latest
                .get(&t.id)
                .and_then(|s| TaskStatus::parse(s))
                .map_or(ctx.t("Chưa có báo cáo", "Not yet reported"), |s| {
                    ctx.t(s.label_vi(), s.label_en())
                }),
        })
        .collect();
    let round = state.db.latest_reported_round(id).await?;
    let mut figures = Vec::new();
    if let Some(r) = &round {
        let public: Vec<i64> = state
            .db
            .round_indicators(r.id)
            .await?
            .into_iter()
            .filter(|i| i.public)
            .map(|i| i.id)
            .collect();
        let c = theodoi_app::consolidation::build(&state.db, r.id).await?;
        let hidden = ctx.t("không công bố", "not published");
        for b in c.indicators.iter().filter(|b| public.contains(&b.info.id)) {
            let Some(total) = b.total else { continue };
            let table = theodoi_report::disclosure::Table {
                total,
                breakdowns: b
                    .breakdowns
                    .iter()
                    .map(|d| (d.dimension, d.categories.iter().map(|c| c.value).collect()))
                    .collect(),
            };
            // One period is shown, so only its own figures can be combined.
            let Some(mask) =
                theodoi_report::disclosure::protect(std::slice::from_ref(&table)).pop()
            else {
                continue;
            };
            if mask.withheld() {
                figures.push(PublicFigure {
                    name: b.info.name.clone(),
                    unit: String::new(),
                    total: hidden.to_string(),
                    breakdowns: Vec::new(),
                });
                continue;
            }
            let breakdowns = b
                .breakdowns
                .iter()
                .zip(&mask.cells)
                .map(|(d, shown)| {
                    let cells = d
                        .categories
                        .iter()
                        .zip(shown)
                        .filter(|(c, shown)| c.value != 0.0 || !**shown)
                        .map(|(c, shown)| PublicCell {
                            label: c.label_vi,
                            value: if *shown {
                                theodoi_report::number_vi(c.value)
                            } else {
                                hidden.to_string()
                            },
                        })
                        .collect();
                    (d.dimension.label_vi(), cells)
                })
                .collect();
            figures.push(PublicFigure {
                name: b.info.name.clone(),
                unit: b.info.unit.clone(),
                total: theodoi_report::number_vi(total),
                breakdowns,
            });
        }
    }
    let plans = state
        .db
        .list_plans()
        .await?
        .into_iter()
        .map(|p| (p.id, p.number.unwrap_or(p.title)))
        .collect();
    pages::render(&PublicPage {
        ctx,
        plans,
        plan_id: id,
        title: view.summary.title.clone(),
        tasks,
        round,
        figures,
    })
}
