//! Trang công khai: the plan's progress for citizens, no sign-in. Each task with the latest
//! status its lead body reported in an accepted report, and the figures the coordinator chose
//! to publish, from the newest round with accepted reports. Breakdowns by ethnicity, religion or
//! disability are aggregates only, with no count from 1 to 4 shown or derivable
//! (`theodoi_report::disclosure`).

use crate::AppState;
use crate::auth::UiLang;
use crate::error::{AppError, AppResult};
use crate::form::Path;
use crate::pages::{self, Ctx};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use std::collections::{BTreeMap, HashSet};
use theodoi_domain::TaskStatus;
use theodoi_store::rounds::{PublicLeadStatus, RoundRow};

struct PublicTask {
    reference: String,
    title: String,
    time_text: String,
    leads: String,
    /// One status when every lead that reported agrees; otherwise each status with the leads
    /// that reported it.
    statuses: Vec<(&'static str, String)>,
}

/// How many names of bodies one status lists before it says how many more.
const NAMES_SHOWN: usize = 5;

/// A task's status from each of its leads, newest accepted report per lead: one line when they
/// agree (or nobody reported), one line per status with its bodies when they differ.
fn lead_statuses(ctx: &Ctx, rows: &[&PublicLeadStatus]) -> Vec<(&'static str, String)> {
    let mut seen = HashSet::new();
    // status label → the leads that reported it, in the order of the first report seen.
    let mut by_status: Vec<(&'static str, Vec<&str>)> = Vec::new();
    for r in rows {
        if !seen.insert(r.agency_id) {
            continue; // an older report of the same lead
        }
        let Some(status) = TaskStatus::parse(&r.status) else {
            continue;
        };
        let label = ctx.t(status.label_vi(), status.label_en());
        match by_status.iter_mut().find(|(l, _)| *l == label) {
            Some((_, names)) => names.push(&r.agency_name),
            None => by_status.push((label, vec![&r.agency_name])),
        }
    }
    match by_status.len() {
        0 => vec![(ctx.t("Chưa có báo cáo", "Not yet reported"), String::new())],
        1 => vec![(by_status[0].0, String::new())],
        _ => by_status
            .into_iter()
            .map(|(label, names)| {
                let mut shown = names
                    .iter()
                    .take(NAMES_SHOWN)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ");
                if names.len() > NAMES_SHOWN {
                    let more = names.len() - NAMES_SHOWN;
                    shown.push_str(&match ctx.lang {
                        crate::i18n::Lang::Vi => format!(" và {more} cơ quan khác"),
                        crate::i18n::Lang::En => format!(" and {more} other bodies"),
                    });
                }
                (label, shown)
            })
            .collect(),
    }
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

/// A register document the coordinator published, with each recommendation's progress.
struct PublicRegister {
    symbol: String,
    title: String,
    recs: Vec<PublicRec>,
    /// How many of its recommendations no task acts on.
    uncovered: usize,
}

struct PublicRec {
    /// "21(b)".
    number: String,
    /// Needs no task of the plans (a procedural paragraph, or the coordinator's word).
    no_task: bool,
    theme: String,
    text: String,
    /// (plan number and task reference, task title, latest status in words).
    tasks: Vec<(String, String, String)>,
}

/// The published documents of the register, each recommendation with the tasks acting on it and
/// their latest status; bodies' names and people are left out.
async fn registers(state: &AppState, ctx: &Ctx) -> AppResult<Vec<PublicRegister>> {
    let mut out = Vec::new();
    for source in state
        .db
        .rec_sources()
        .await?
        .into_iter()
        .filter(|s| s.published)
    {
        let mut recs = Vec::new();
        let mut uncovered = 0;
        for row in state.db.public_coverage(source.id).await? {
            if row.tasks.is_empty() && row.rec.needs_task() {
                uncovered += 1;
            }
            let tasks = row
                .tasks
                .iter()
                .map(|t| {
                    let place = match &t.plan_number {
                        Some(n) => format!("{n}, {}", t.reference),
                        None => t.reference.clone(),
                    };
                    (place, t.title.clone(), latest_status(ctx, t))
                })
                .collect();
            let text = match ctx.lang {
                crate::i18n::Lang::Vi => row.rec.text_for_vi_marked().into_owned(),
                crate::i18n::Lang::En => row.rec.text.clone(),
            };
            recs.push(PublicRec {
                no_task: !row.rec.needs_task(),
                number: row.rec.number(),
                theme: row.rec.theme_in(ctx.lang).to_string(),
                text,
                tasks,
            });
        }
        out.push(PublicRegister {
            title: source.title_in(ctx.lang).into_owned(),
            symbol: source.symbol,
            recs,
            uncovered,
        });
    }
    Ok(out)
}

/// A task's status in words from its bodies' reports of the newest round any of them reported
/// in; bodies that disagree give each status once.
/// A task's progress in one phrase: its lead's status in the newest round heard from, or, where
/// the leads differ or are many (a task of every commune), how many bodies gave each status.
fn latest_status(ctx: &Ctx, task: &theodoi_store::recommendations::CoveredTask) -> String {
    let none = || ctx.t("Chưa có báo cáo", "Not yet reported").to_string();
    let statuses = &task.statuses;
    let Some(newest) = statuses.iter().map(|s| s.round_id).max() else {
        return none();
    };
    let leads: Vec<i64> = task
        .assigned
        .iter()
        .filter(|(_, _, role)| *role == theodoi_domain::Role::Lead)
        .map(|(id, _, _)| *id)
        .collect();
    let in_newest = || statuses.iter().filter(move |s| s.round_id == newest);
    let of_leads: Vec<TaskStatus> = in_newest()
        .filter(|s| leads.contains(&s.agency_id))
        .filter_map(|s| TaskStatus::parse(&s.status))
        .collect();
    let newest: Vec<TaskStatus> = in_newest()
        .filter_map(|s| TaskStatus::parse(&s.status))
        .collect();
    let word = |t: TaskStatus| ctx.t(t.label_vi(), t.label_en());
    if let Some(first) = of_leads.first()
        && of_leads.iter().all(|t| t == first)
    {
        return word(*first).to_string();
    }
    let counted = if of_leads.is_empty() {
        newest
    } else {
        of_leads
    };
    if counted.is_empty() {
        return none();
    }
    let mut counts: Vec<(TaskStatus, usize)> = Vec::new();
    for t in counted {
        match counts.iter_mut().find(|(x, _)| *x == t) {
            Some((_, n)) => *n += 1,
            None => counts.push((t, 1)),
        }
    }
    counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    counts
        .iter()
        .map(|(t, n)| match ctx.lang {
            crate::i18n::Lang::Vi => format!("{}: {n} cơ quan", word(*t)),
            crate::i18n::Lang::En => format!("{}: {n} bodies", word(*t)),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[derive(Template)]
#[template(path = "public.html")]
struct PublicPage {
    ctx: Ctx,
    plans: Vec<(i64, String)>,
    plan_id: i64,
    title: String,
    /// "Kế hoạch số 14/KH-UBND ngày 09/01/2026 của UBND thành phố".
    document: String,
    has_text: bool,
    updated: Option<String>,
    tasks: Vec<PublicTask>,
    round: Option<RoundRow>,
    figures: Vec<PublicFigure>,
    registers: Vec<PublicRegister>,
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
    let reported = state.db.public_lead_statuses(id).await?;
    let mut by_task: BTreeMap<i64, Vec<&PublicLeadStatus>> = BTreeMap::new();
    for r in &reported {
        by_task.entry(r.task_id).or_default().push(r);
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
                .filter(|a| a.task_id == t.id && a.role == theodoi_domain::Role::Lead)
                .map(|a| a.agency_name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            statuses: lead_statuses(&ctx, by_task.get(&t.id).map_or(&[], Vec::as_slice)),
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
                            label: match d.dimension.category(c.code) {
                                Some(cat) => ctx.t(cat.1, cat.2),
                                None => c.label_vi,
                            },
                            value: if *shown {
                                theodoi_report::number_vi(c.value)
                            } else {
                                hidden.to_string()
                            },
                        })
                        .collect();
                    (ctx.t(d.dimension.label_vi(), d.dimension.label_en()), cells)
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
    let updated = state
        .db
        .public_updated_at(id)
        .await?
        .map(|t| pages::when(&t));
    let has_text = !state.db.plan_sources(id).await?.is_empty();
    let document = document_name(&ctx, &view.summary);
    let registers = registers(&state, &ctx).await?;
    pages::render(&PublicPage {
        registers,
        ctx,
        plans,
        plan_id: id,
        title: view.summary.title.clone(),
        document,
        has_text,
        updated,
        tasks,
        round,
        figures,
    })
}

/// The plan named as a citizen would cite it: kind, number, date and issuer, as far as known.
fn document_name(ctx: &Ctx, s: &theodoi_store::views::PlanSummary) -> String {
    // "KẾ HOẠCH" → "Kế hoạch"; the kinds a plan is issued as have their English names.
    let vi = theodoi_domain::DocumentType::from_abbreviation(&s.doc_type).map_or_else(
        || "Kế hoạch".to_string(),
        |k| {
            let lower = k.type_line().to_lowercase();
            let mut c = lower.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        },
    );
    let en = match s.doc_type.as_str() {
        "KH" => "Plan",
        "QĐ" => "Decision",
        "CT" => "Directive",
        "CTr" => "Programme",
        _ => vi.as_str(),
    };
    let mut out = ctx.t(&vi, en).to_string();
    if let Some(n) = &s.number {
        out.push_str(ctx.t(" số ", " no. "));
        out.push_str(n);
    }
    if let Some(d) = &s.issued_on {
        out.push_str(ctx.t(" ngày ", " of "));
        out.push_str(&pages::date_vn(d));
    }
    if let Some(i) = s.issuer.as_deref().filter(|i| !i.trim().is_empty()) {
        out.push_str(ctx.t(" của ", ", issued by "));
        out.push_str(i);
    }
    out
}

struct SourceText {
    name: String,
    lines: Vec<String>,
}

#[derive(Template)]
#[template(path = "public_document.html")]
struct DocumentPage {
    ctx: Ctx,
    plan_id: i64,
    document: String,
    title: String,
    sources: Vec<SourceText>,
}

/// The plan's document as it was imported, for anyone to read.
pub async fn document(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let ctx = Ctx::new(lang, None);
    let data = state.plan_data(id).await?;
    let summary = &data.0.summary;
    let sources = state.db.plan_sources(id).await?;
    pages::render(&DocumentPage {
        plan_id: id,
        document: document_name(&ctx, summary),
        title: summary.title.clone(),
        sources: sources
            .into_iter()
            .map(|(name, text)| SourceText {
                name,
                lines: text.lines().map(str::to_string).collect(),
            })
            .collect(),
        ctx,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use theodoi_domain::Role;
    use theodoi_store::recommendations::{BodyStatus, CoveredTask};

    fn task(assigned: Vec<(i64, &str, Role)>, statuses: &[(i64, &str, i64)]) -> CoveredTask {
        CoveredTask {
            task_id: 1,
            plan_id: 1,
            plan_number: None,
            reference: "II.1".into(),
            title: String::new(),
            assigned: assigned
                .into_iter()
                .map(|(id, name, role)| (id, name.to_string(), role))
                .collect(),
            statuses: Arc::new(
                statuses
                    .iter()
                    .map(|(agency, status, round)| BodyStatus {
                        agency_id: *agency,
                        agency_name: format!("Cơ quan {agency}"),
                        status: (*status).into(),
                        round_id: *round,
                        round_label: String::new(),
                    })
                    .collect(),
            ),
            tally: Arc::new(Vec::new()),
        }
    }

    #[test]
    fn a_task_is_said_by_its_lead_or_counted() {
        let ctx = Ctx::new(crate::i18n::Lang::Vi, None);
        // The lead's word in the newest round, whatever the bodies that help say.
        let t = task(
            vec![
                (1, "Sở Tư pháp", Role::Lead),
                (2, "Công an", Role::Coordinating),
            ],
            &[(1, "in_progress", 1), (1, "done", 2), (2, "not_started", 2)],
        );
        assert_eq!(latest_status(&ctx, &t), "Hoàn thành");
        // A lead that is every commune: the communes counted.
        let t = task(
            vec![(9, "UBND các xã, phường", Role::Lead)],
            &[(3, "done", 2), (4, "in_progress", 2), (5, "done", 2)],
        );
        assert_eq!(
            latest_status(&ctx, &t),
            "Hoàn thành: 2 cơ quan; Đang triển khai: 1 cơ quan"
        );
        assert_eq!(latest_status(&ctx, &task(vec![], &[])), "Chưa có báo cáo");
    }
}
