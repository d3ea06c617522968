//! The report form: showing it (task statuses in one table, figures in a grid of indicators ×
//! total and breakdowns), saving what is valid and keeping what is not beside its field, the
//! workflow steps, evidence files and snapshots. The same entries travel as a workbook filled in
//! offline (`form.xlsx` down, `form-upload` up), read by the same path (`entry`).

use super::entry::{
    Problem, Typed, field_cell, field_task, field_total, incomplete, read, status_from_text,
    stored_fields,
};
use super::*;
use crate::i18n::Lang;

/// Breakdowns with at most this many categories are columns of the grid; longer ones (religion,
/// vulnerable groups, the 54 ethnic groups) sit on a line under their indicator.
const GRID_CATEGORIES: usize = 4;

struct CellView {
    name: String,
    label: &'static str,
    value: String,
    invalid: bool,
}

/// A breakdown shown under its indicator's row, outside the grid's columns.
struct DimView {
    label: &'static str,
    code: &'static str,
    exhaustive: bool,
    cells: Vec<CellView>,
    filled: bool,
}

/// A cell of the grid: the field when the indicator has that breakdown.
struct GridCell {
    name: String,
    label: &'static str,
    value: String,
    invalid: bool,
    dim: &'static str,
    dim_label: &'static str,
    exhaustive: bool,
}

/// A group of grid columns: one breakdown.
struct GridGroup {
    label: &'static str,
    categories: Vec<&'static str>,
}

struct IndView {
    id: i64,
    name: String,
    unit: String,
    required: bool,
    field: String,
    total: String,
    total_invalid: bool,
    /// Why the value stands out, if it does.
    outlier: Option<String>,
    cells: Vec<Option<GridCell>>,
    extra: Vec<DimView>,
    /// What is wrong on this row, said beside it.
    problems: Vec<String>,
}

struct TaskView {
    task_id: i64,
    reference: String,
    title: String,
    time_text: String,
    role: String,
    via_group: Option<String>,
    status: String,
    reason: String,
    results: String,
    files: Vec<(i64, String)>,
    status_problem: Option<String>,
    reason_problem: Option<String>,
    results_problem: Option<String>,
}

/// The last word of a reviewer on this report, shown above the form.
struct ReviewNote {
    heading: &'static str,
    comment: String,
    at: String,
    who: String,
    returned: bool,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    ctx: Ctx,
    round: RoundRow,
    agency_id: i64,
    agency_name: String,
    status: ReportStatus,
    version: i32,
    editable: bool,
    /// Workflow buttons this account may press now: (action code, label, needs a reason).
    actions: Vec<(&'static str, &'static str, bool)>,
    tasks: Vec<TaskView>,
    groups: Vec<GridGroup>,
    indicators: Vec<IndView>,
    difficulties: String,
    proposals: String,
    text_problems: Vec<(String, String)>,
    /// Refusals of the whole save (a newer version saved by someone else, an approval to void).
    errors: Vec<String>,
    /// Entries refused, with the field they belong to: (field, what, why).
    problems: Vec<(String, String, String)>,
    /// The valid part of a save with refused entries was written.
    partly_saved: bool,
    /// Saved, but not put to the head: something the head needs is missing.
    not_asked: bool,
    /// A workflow step refused (a return without its reason, an approval of a report that
    /// changed meanwhile), said beside the buttons, with the comment as it was typed.
    action_error: String,
    comment: String,
    /// Broken plausibility rules on the figures shown: warnings, never a refusal.
    plausibility: Vec<String>,
    review: Option<ReviewNote>,
    /// The workflow steps, each with who took it in words.
    events: Vec<(theodoi_store::rounds::EventRow, String)>,
    /// Where the report stands, said as the body's home says it ("Chờ lãnh đạo duyệt").
    waiting: String,
    files: Vec<(i64, String)>,
    snapshots: Vec<(i32, String)>,
    history: Vec<(String, String, String, String, String)>,
    timeliness: Timeliness,
    statuses: Vec<(&'static str, &'static str)>,
    /// A focal point's form: saving can also ask the head to approve.
    asks_head: bool,
    /// The earlier round whose report "same as last round" copies from.
    previous: Option<String>,
    /// Changes a workbook brings, to review before saving: (what, now, in the file).
    changes: Vec<(String, String, String)>,
    /// The form holds entries not yet saved (copied or read from a workbook).
    unsaved: bool,
    /// Messages the page's script shows beside a row as figures are typed.
    js_sum: &'static str,
    js_no_total: &'static str,
    js_exceeds: &'static str,
    js_number: &'static str,
}

/// The body's form in the round: not found when the round asks nothing of the body.
async fn body_form(state: &AppState, round_id: i64, agency_id: i64) -> AppResult<ReportForm> {
    let form = state
        .db
        .report_form(round_id, agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if form.tasks.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(form)
}

/// May this account see this body's report, and act as whom?
fn may_see(user: &User, agency_id: i64) -> bool {
    user.role.sees_all_agencies()
        || (user.role.is_agency() && user.row.agency_id == Some(agency_id))
}

fn actions_for(
    ctx: &Ctx,
    user: &User,
    agency_id: i64,
    status: Option<ReportStatus>,
) -> Vec<(&'static str, &'static str, bool)> {
    let Some(actor) = actor(user) else {
        return Vec::new();
    };
    if actor != Actor::Coordinator && user.row.agency_id != Some(agency_id) {
        return Vec::new();
    }
    let Some(status) = status else {
        return Vec::new();
    };
    let all: [(Action, &'static str, &'static str); 5] = [
        (Action::Approve, "Lãnh đạo duyệt", "Approve (head)"),
        (Action::Submit, "Gửi Sở Tư pháp", "Submit to the Sở Tư pháp"),
        (Action::Return, "Trả lại để bổ sung", "Return for changes"),
        (Action::Accept, "Tiếp nhận", "Accept"),
        (Action::Reopen, "Mở lại", "Reopen"),
    ];
    all.into_iter()
        .filter(|(a, _, _)| theodoi_domain::report::transition(status, *a, actor).is_ok())
        // Approving what is approved already changes nothing.
        .filter(|(a, _, _)| !(status == ReportStatus::Approved && *a == Action::Approve))
        .map(|(a, vi, en)| (a.code(), ctx.t(vi, en), a.needs_reason()))
        .collect()
}

/// The columns of the figures grid: the short breakdowns the round's indicators use, in the
/// domain's order.
fn grid_dims(indicators: &[IndicatorRow]) -> Vec<Dimension> {
    indicator::ALL_DIMENSIONS
        .into_iter()
        .filter(|d| d.categories().len() <= GRID_CATEGORIES)
        .filter(|d| indicators.iter().any(|i| i.dims().contains(d)))
        .collect()
}

/// Whose body an account speaks for, to say who did what in words: agency accounts for their
/// agency, the coordinator and administrators for the coordinating body (the Sở Tư pháp).
struct Bodies {
    reader: Option<i64>,
    coordinating: Option<(i64, String)>,
}

impl Bodies {
    async fn of(state: &AppState, user: &User) -> AppResult<Self> {
        let coordinating = state.db.coordinating_agency().await?;
        let reader = if user.role.is_agency() {
            user.row.agency_id
        } else if matches!(user.role, Role::Coordinator | Role::Admin) {
            coordinating.as_ref().map(|c| c.0)
        } else {
            None
        };
        Ok(Self {
            reader,
            coordinating,
        })
    }

    /// The person by their display name, with their body's name when the reader is of another
    /// body ("Nguyễn Văn A (Sở Tư pháp)"); never the login name.
    fn who(
        &self,
        name: Option<&str>,
        role: Option<&str>,
        agency_id: Option<i64>,
        agency: Option<&str>,
    ) -> String {
        let Some(name) = name else {
            return String::new();
        };
        let body = match (agency_id, agency) {
            (Some(id), Some(a)) => Some((id, a)),
            _ if matches!(role, Some("coordinator" | "admin")) => {
                self.coordinating.as_ref().map(|(id, a)| (*id, a.as_str()))
            }
            _ => None,
        };
        match body {
            Some((id, a)) if self.reader != Some(id) => format!("{name} ({a})"),
            _ => name.to_string(),
        }
    }

    fn of_event(&self, e: &theodoi_store::rounds::EventRow) -> String {
        self.who(
            e.who.as_deref(),
            e.who_role.as_deref(),
            e.who_agency_id,
            e.who_agency.as_deref(),
        )
    }
}

/// The latest reviewer's comment worth showing above the form: a return or reopening with its
/// reason, or comments given when approving or accepting.
fn review_note(
    ctx: &Ctx,
    bodies: &Bodies,
    events: &[theodoi_store::rounds::EventRow],
) -> Option<ReviewNote> {
    let e = events
        .iter()
        .rev()
        .find(|e| e.action != "save" && !e.comment.trim().is_empty())?;
    // A comment older than the last submission was answered by it.
    let answered = events
        .iter()
        .rev()
        .take_while(|x| !std::ptr::eq(*x, e))
        .any(|x| x.action == "submit");
    if answered {
        return None;
    }
    let (heading, returned) = match e.action.as_str() {
        "return" => (ctx.t("Bị trả lại để bổ sung", "Returned for changes"), true),
        "reopen" => (
            ctx.t("Sở Tư pháp mở lại báo cáo", "Reopened by the Sở Tư pháp"),
            true,
        ),
        "accept" => (
            ctx.t("Ý kiến khi tiếp nhận", "Comments on acceptance"),
            false,
        ),
        _ => (
            ctx.t("Ý kiến của người duyệt", "The reviewer's comments"),
            false,
        ),
    };
    Some(ReviewNote {
        heading,
        comment: e.comment.clone(),
        at: pages::when(&e.at),
        who: bodies.of_event(e),
        returned,
    })
}

/// What the form shows besides the stored report: entries typed or read (shown instead of the
/// stored ones), the problems found in them, and what the page says about them.
#[derive(Default)]
struct Shown<'a> {
    typed: Option<&'a Typed>,
    problems: &'a [Problem],
    errors: Vec<String>,
    partly_saved: bool,
    changes: Vec<(String, String, String)>,
    unsaved: bool,
    /// Saved, but not put to the head: something the head needs is missing.
    not_asked: bool,
    /// A refused workflow step and the comment typed with it.
    action_error: String,
    comment: String,
}

async fn render_form(
    state: &AppState,
    ctx: Ctx,
    user: &User,
    agency_id: i64,
    form: ReportForm,
    shown: Shown<'_>,
) -> AppResult<ReportPage> {
    let agency = state
        .db
        .agency(agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let status = form
        .report
        .as_ref()
        .map_or(ReportStatus::Draft, |r| r.state());
    let mine = user.role.is_agency() && user.row.agency_id == Some(agency_id);
    let editable = mine && status.editable();
    let stored = stored_fields(&form);
    let typed = shown.typed;
    let show = |name: &str| -> String {
        typed
            .unwrap_or(&stored)
            .get(name)
            .cloned()
            .unwrap_or_default()
    };
    let problem_of = |name: &str| shown.problems.iter().find(|p| p.field == name);
    let invalid = |name: &str| problem_of(name).is_some();
    let grid = grid_dims(&form.indicators);
    let groups = grid
        .iter()
        .map(|d| GridGroup {
            label: ctx.t(d.label_vi(), d.label_en()),
            categories: d
                .categories()
                .iter()
                .map(|(_, vi, en)| ctx.t(vi, en))
                .collect(),
        })
        .collect();
    let mut indicators = Vec::new();
    let mut totals: HashMap<&str, i64> = HashMap::new();
    for ind in &form.indicators {
        let total_field = field_total(ind);
        let total = show(&total_field);
        let parsed = parse_count(&total).ok().flatten();
        if let Some(v) = parsed {
            totals.insert(ind.code.as_str(), v);
        }
        let outlier = parsed.and_then(|v| {
            let hist = form.history.get(&ind.id)?;
            indicator::is_outlier(v, hist).then(|| {
                let mean = hist.iter().sum::<i64>() / i64::try_from(hist.len()).unwrap_or(1).max(1);
                match ctx.lang {
                    Lang::Vi => format!("Khác xa trung bình các kỳ trước: {mean}."),
                    Lang::En => format!("Far from the mean of earlier rounds: {mean}."),
                }
            })
        });
        let dims = ind.dims();
        let mut cells = Vec::new();
        for d in &grid {
            for (code, vi, en) in d.categories() {
                cells.push(dims.contains(d).then(|| {
                    let name = field_cell(ind, *d, code);
                    GridCell {
                        value: show(&name),
                        invalid: invalid(&name),
                        label: ctx.t(vi, en),
                        dim: d.code(),
                        dim_label: ctx.t(d.label_vi(), d.label_en()),
                        exhaustive: d.exhaustive(),
                        name,
                    }
                }));
            }
        }
        let extra = dims
            .iter()
            .filter(|d| !grid.contains(d))
            .map(|d| {
                let cells: Vec<CellView> = d
                    .categories()
                    .iter()
                    .map(|(code, vi, en)| {
                        let name = field_cell(ind, *d, code);
                        CellView {
                            value: show(&name),
                            invalid: invalid(&name),
                            label: ctx.t(vi, en),
                            name,
                        }
                    })
                    .collect();
                DimView {
                    label: ctx.t(d.label_vi(), d.label_en()),
                    code: d.code(),
                    exhaustive: d.exhaustive(),
                    filled: cells.iter().any(|c| !c.value.is_empty() || c.invalid),
                    cells,
                }
            })
            .collect();
        let prefix = format!("{total_field}_");
        let problems = shown
            .problems
            .iter()
            .filter(|p| p.field == total_field || p.field.starts_with(&prefix))
            .map(|p| p.message.clone())
            .collect();
        indicators.push(IndView {
            id: ind.id,
            name: ind.name.clone(),
            unit: ind.unit.clone(),
            required: ind.required,
            total_invalid: invalid(&total_field),
            field: total_field,
            total,
            outlier,
            cells,
            extra,
            problems,
        });
    }
    let rules = state.db.active_plausibility_rules().await?;
    let plausibility = theodoi_domain::plausibility::evaluate(&rules, &totals)
        .into_iter()
        .map(|w| w.reason)
        .collect();
    let files: Vec<(i64, String)> = form
        .files
        .iter()
        .filter(|f| f.task_id.is_none())
        .map(|f| (f.id, f.file_name.clone()))
        .collect();
    let tasks = form
        .tasks
        .iter()
        .map(|t| {
            let field = |part: &str| field_task(t.task_id, part);
            let message = |part: &str| problem_of(&field(part)).map(|p| p.message.clone());
            TaskView {
                task_id: t.task_id,
                reference: t.reference.clone(),
                title: t.title.clone(),
                time_text: t.time_text.clone(),
                role: t.role.code().to_string(),
                via_group: t.via_group.clone(),
                // A status read from a workbook may be its label: the select shows the code.
                status: {
                    let s = show(&field("status"));
                    status_from_text(&s).map_or(s, |x| x.code().to_string())
                },
                reason: show(&field("reason")),
                results: show(&field("results")),
                files: form
                    .files
                    .iter()
                    .filter(|f| f.task_id == Some(t.task_id))
                    .map(|f| (f.id, f.file_name.clone()))
                    .collect(),
                status_problem: message("status"),
                reason_problem: message("reason"),
                results_problem: message("results"),
            }
        })
        .collect();
    let bodies = Bodies::of(state, user).await?;
    let (snapshots, history) = match &form.report {
        Some(r) => {
            let snaps = state
                .db
                .snapshots(r.id)
                .await?
                .into_iter()
                .map(|(v, _, at)| (v, pages::when(&at)))
                .collect();
            let names: HashMap<i64, &str> = form
                .indicators
                .iter()
                .map(|i| (i.id, i.name.as_str()))
                .collect();
            let hist = state
                .db
                .value_history(r.id)
                .await?
                .into_iter()
                .rev()
                .take(200)
                .map(|h| {
                    let what = if h.dimension.is_empty() {
                        names
                            .get(&h.indicator_id)
                            .copied()
                            .unwrap_or("")
                            .to_string()
                    } else {
                        format!(
                            "{} · {}",
                            names.get(&h.indicator_id).copied().unwrap_or(""),
                            Dimension::parse(&h.dimension)
                                .and_then(|d| d.category(&h.category))
                                .map_or(h.category.as_str(), |c| ctx.t(c.1, c.2))
                        )
                    };
                    let num = |v: Option<i64>| v.map_or_else(|| "—".to_string(), |v| v.to_string());
                    (
                        pages::when(&h.at),
                        bodies.who(
                            h.who.as_deref(),
                            h.who_role.as_deref(),
                            h.who_agency_id,
                            h.who_agency.as_deref(),
                        ),
                        what,
                        num(h.old_value),
                        num(h.new_value),
                    )
                })
                .collect();
            (snaps, hist)
        }
        None => (Vec::new(), Vec::new()),
    };
    let text_problems = shown
        .problems
        .iter()
        .filter(|p| p.field == "difficulties" || p.field == "proposals")
        .map(|p| (p.field.clone(), p.message.clone()))
        .collect();
    let timeliness = Timeliness::of(
        form.round.agency_deadline,
        form.report.as_ref().and_then(|r| r.first_submitted_at),
        OffsetDateTime::now_utc(),
    );
    let actions = actions_for(
        &ctx,
        user,
        agency_id,
        form.report.as_ref().map(|r| r.state()),
    );
    let statuses = ALL_TASK_STATUSES
        .iter()
        .map(|s| (s.code(), ctx.t(s.label_vi(), s.label_en())))
        .collect();
    let previous = if editable {
        state
            .db
            .previous_report(form.round.id, agency_id)
            .await?
            .map(|p| p.round_label)
    } else {
        None
    };
    let review = review_note(&ctx, &bodies, &form.events);
    // The same words as the body's home, from the same function and store query.
    let waits = state.db.report_waits(agency_id).await?;
    let waiting = pages::agencies::waiting_for(
        &ctx,
        form.report.as_ref().map(|r| r.state()),
        waits.iter().find(|w| w.round_id == form.round.id),
    );
    Ok(ReportPage {
        round: form.round,
        agency_id,
        agency_name: agency.name,
        status,
        version: form.report.as_ref().map_or(0, |r| r.version),
        editable,
        actions,
        tasks,
        groups,
        indicators,
        difficulties: show("difficulties"),
        proposals: show("proposals"),
        text_problems,
        errors: shown.errors,
        problems: shown
            .problems
            .iter()
            .map(|p| (p.field.clone(), p.label.clone(), p.message.clone()))
            .collect(),
        partly_saved: shown.partly_saved,
        not_asked: shown.not_asked,
        action_error: shown.action_error,
        comment: shown.comment,
        plausibility,
        review,
        events: form
            .events
            .into_iter()
            .map(|e| {
                let who = bodies.of_event(&e);
                (e, who)
            })
            .collect(),
        waiting,
        files,
        snapshots,
        history,
        timeliness,
        statuses,
        asks_head: actor(user) == Some(Actor::FocalPoint),
        previous,
        changes: shown.changes,
        unsaved: shown.unsaved,
        js_sum: ctx.t(
            "Cộng theo {dim} là {sum}, khác tổng số {total}.",
            "The {dim} breakdown adds up to {sum}, not the total {total}.",
        ),
        js_no_total: ctx.t(
            "Có số liệu phân tổ nhưng chưa có tổng số.",
            "A breakdown is given without a total.",
        ),
        js_exceeds: ctx.t(
            "{cat} ({value}) lớn hơn tổng số {total}.",
            "{cat} ({value}) exceeds the total {total}.",
        ),
        js_number: ctx.t(
            "«{value}» không phải là số nguyên không âm.",
            "“{value}” is not a whole number.",
        ),
        ctx,
    })
}

#[derive(Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    saved: Option<u8>,
    /// A workflow step just taken, to confirm.
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    attached: Option<u8>,
    /// "previous": fill the empty fields from the body's report of the round before.
    #[serde(default)]
    from: Option<String>,
}

/// What the page says after an action, in its language.
fn confirmation(ctx: &Ctx, q: &ReportQuery) -> Option<&'static str> {
    if let Some(done) = q.done.as_deref() {
        return Some(match Action::parse(done)? {
            Action::Approve => ctx.t(
                "Đã duyệt báo cáo. Đầu mối có thể gửi Sở Tư pháp.",
                "Report approved. The focal point can now send it.",
            ),
            Action::Submit => ctx.t(
                "Đã gửi báo cáo đến Sở Tư pháp.",
                "Report sent to the Sở Tư pháp.",
            ),
            Action::Return => ctx.t(
                "Đã trả lại báo cáo; đơn vị được báo kèm lý do.",
                "Report returned; the body was told why.",
            ),
            Action::Accept => ctx.t("Đã tiếp nhận báo cáo.", "Report accepted."),
            Action::Reopen => ctx.t(
                "Đã mở lại báo cáo để đơn vị sửa.",
                "Report reopened for the body to change.",
            ),
            Action::Save => ctx.t("Đã lưu bản nháp.", "Draft saved."),
        });
    }
    if q.attached.is_some() {
        return Some(ctx.t("Đã đính kèm tệp.", "File attached."));
    }
    match q.saved {
        Some(2) => Some(ctx.t(
            "Đã lưu bản nháp và báo lãnh đạo đơn vị duyệt.",
            "Draft saved; the head was asked to approve it.",
        )),
        Some(_) => Some(ctx.t("Đã lưu bản nháp.", "Draft saved.")),
        None => None,
    }
}

pub async fn report(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path((round_id, agency_id)): Path<(i64, i64)>,
    Query(q): Query<ReportQuery>,
) -> AppResult<Html<String>> {
    user.require(may_see(&user, agency_id))?;
    let form = body_form(&state, round_id, agency_id).await?;
    let mut ctx = Ctx::new(lang, Some(&user));
    if let Some(m) = confirmation(&ctx, &q) {
        ctx = ctx.with_flash(m);
    }
    let mine = user.role.is_agency() && user.row.agency_id == Some(agency_id);
    let editable = mine && form.report.as_ref().is_none_or(|r| r.state().editable());
    if q.from.as_deref() == Some("previous") && editable {
        let previous = state.db.previous_report(round_id, agency_id).await?;
        let Some(previous) = previous else {
            let none = ctx.t(
                "Đơn vị chưa có báo cáo kỳ trước của kế hoạch này để điền lại.",
                "This body has no earlier report of this plan to copy from.",
            );
            let ctx = ctx.with_flash(none);
            let page = render_form(&state, ctx, &user, agency_id, form, Shown::default()).await?;
            return pages::render(&page);
        };
        let (typed, filled) = same_as_previous(&form, &previous);
        let said = match lang {
            Lang::Vi => format!(
                "Đã điền {filled} ô còn trống theo báo cáo {} (tình hình, kết quả, khó khăn, kiến nghị; số liệu phát sinh trong kỳ không được chép). Chưa có gì được lưu: xem lại, sửa chỗ đã thay đổi rồi bấm «Lưu bản nháp».",
                previous.round_label
            ),
            Lang::En => format!(
                "{filled} empty fields were filled from the report of {} (statuses, results, difficulties, proposals; the period's figures are not copied). Nothing is saved yet: review, change what changed, then press “Save draft”.",
                previous.round_label
            ),
        };
        let ctx = ctx.with_flash(&said);
        let shown = Shown {
            typed: Some(&typed),
            unsaved: filled > 0,
            ..Shown::default()
        };
        let page = render_form(&state, ctx, &user, agency_id, form, shown).await?;
        return pages::render(&page);
    }
    let page = render_form(&state, ctx, &user, agency_id, form, Shown::default()).await?;
    pages::render(&page)
}

/// The form's fields with the empty ones filled from the earlier report: each task's status,
/// reason and results, the difficulties and proposals, and the figures of stocks (staff in
/// post: the latest value carries over) — never flows, which start again each period. Returns
/// the fields and how many were filled.
fn same_as_previous(
    form: &ReportForm,
    previous: &theodoi_store::previous::PreviousReport,
) -> (Typed, usize) {
    let mut typed = stored_fields(form);
    let mut filled = 0;
    let mut fill = |typed: &mut Typed, name: String, value: &str| {
        if value.trim().is_empty() {
            return;
        }
        let slot = typed.entry(name).or_default();
        if slot.trim().is_empty() {
            *slot = value.to_string();
            filled += 1;
        }
    };
    for t in &form.tasks {
        let Some(p) = previous.tasks.iter().find(|p| p.task_id == t.task_id) else {
            continue;
        };
        fill(
            &mut typed,
            field_task(t.task_id, "status"),
            p.status.as_deref().unwrap_or(""),
        );
        fill(&mut typed, field_task(t.task_id, "reason"), &p.reason);
        fill(&mut typed, field_task(t.task_id, "results"), &p.results);
    }
    fill(&mut typed, "difficulties".into(), &previous.difficulties);
    fill(&mut typed, "proposals".into(), &previous.proposals);
    for ind in form
        .indicators
        .iter()
        .filter(|i| i.def().aggregation == indicator::Aggregation::Last)
    {
        // An indicator partly typed this period is the officer's: left as it is.
        if form.values.iter().any(|v| v.indicator_id == ind.id) {
            continue;
        }
        for v in previous.values.iter().filter(|v| v.indicator_id == ind.id) {
            let name = match Dimension::parse(&v.dimension) {
                Some(d) => field_cell(ind, d, &v.category),
                None => field_total(ind),
            };
            fill(&mut typed, name, &v.value.to_string());
        }
    }
    (typed, filled)
}

/// Tell the body's heads that its report (at `version`) awaits their approval.
async fn ask_head(
    state: &AppState,
    user: &User,
    round_id: i64,
    agency_id: i64,
    version: i32,
) -> AppResult<()> {
    let round = state.db.round(round_id).await?.ok_or(AppError::NotFound)?;
    let agency = state
        .db
        .agency(agency_id)
        .await?
        .map(|a| a.name)
        .unwrap_or_default();
    let subject = format!("Báo cáo {} chờ lãnh đạo duyệt", round.label);
    let body = format!(
        "{} (đầu mối) đã hoàn thành báo cáo {} của {agency} và trình lãnh đạo duyệt.",
        user.row.display_name, round.label
    );
    let link = format!("/rounds/{round_id}/reports/{agency_id}");
    let notice = theodoi_store::notices::Notice {
        event_key: format!("report:{round_id}:{agency_id}:ask:{version}"),
        round_id: Some(round_id),
        agency_id: Some(agency_id),
        audience: theodoi_store::notices::Audience::Heads(agency_id),
        subject: &subject,
        body: &body,
        link: &link,
        email: state.config.smtp_url.is_some(),
    };
    state.db.notify(&notice, OffsetDateTime::now_utc()).await?;
    Ok(())
}

/// A posted file: its name, type and bytes.
type Posted = (String, String, Vec<u8>);

/// The report form as posted: its fields, and the file chosen with it. The page posts multipart
/// (text and a file in one save, so attaching keeps what was typed); a URL-encoded post is read
/// too.
async fn read_posted(
    state: &AppState,
    req: axum::extract::Request,
) -> AppResult<(Typed, Option<Posted>)> {
    use axum::extract::FromRequest;
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let Form(raw) = Form::<Vec<(String, String)>>::from_request(req, state).await?;
        return Ok((raw.into_iter().collect(), None));
    }
    let mut mp = Multipart::from_request(req, state).await.map_err(|e| {
        tracing::warn!(error.message = %e, "report form: multipart refused");
        AppError::refuse(
            "Biểu mẫu gửi lên không đọc được. Hãy tải lại trang rồi gửi lại.",
            "The form sent could not be read. Reload the page and send again.",
        )
    })?;
    let mut fields = Typed::new();
    let mut file = None;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(crate::pages::cascade::multipart_error)?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            crate::form::check_field("file", &file_name)?;
            let kind = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(crate::pages::cascade::multipart_error)?;
            if !bytes.is_empty() {
                file = Some((file_name, kind, bytes.to_vec()));
            }
            continue;
        }
        let value = field
            .text()
            .await
            .map_err(crate::pages::cascade::multipart_error)?;
        crate::form::check_field(&name, &value)?;
        fields.insert(name, value);
    }
    Ok((fields, file))
}

pub async fn save(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path((round_id, agency_id)): Path<(i64, i64)>,
    req: axum::extract::Request,
) -> AppResult<Response> {
    // Saved by the page's script a few seconds after a change: answered with the new version
    // (and the problems), not a page.
    let autosave = req.headers().contains_key("x-theodoi-autosave");
    let (fields, file) = read_posted(&state, req).await?;
    user.check_csrf(fields.get("csrf").map_or("", String::as_str))?;
    user.require(user.role.is_agency() && user.row.agency_id == Some(agency_id))?;
    let actor = actor(&user).ok_or(AppError::Forbidden)?;
    // The hot path reads only what a save is checked against; the full form is loaded when an
    // entry is refused (its stored value is kept) or to show the page again.
    let (tasks, indicators) = state.db.report_shape(round_id, agency_id).await?;
    if tasks.is_empty() {
        return Err(AppError::NotFound);
    }
    let mut entry = read(lang, &tasks, &indicators, &fields);
    let mut errors = Vec::new();
    // An approved report edited loses its approval: said before, and done only when asked.
    if state.db.report_status(round_id, agency_id).await? == Some(ReportStatus::Approved)
        && fields.get("void_approval").is_none_or(|v| v != "1")
    {
        errors.push(
            match lang {
                Lang::Vi => {
                    "Báo cáo đã được lãnh đạo duyệt: lưu thay đổi sẽ hủy phê duyệt và lãnh đạo phải duyệt lại. Bấm «Lưu và hủy phê duyệt» nếu vẫn cần sửa."
                }
                Lang::En => {
                    "The report is approved: saving a change voids the approval and the head must approve again. Press “Save and void the approval” if it still needs changing."
                }
            }
            .to_string(),
        );
    }
    let mut saved = None;
    let mut skip = false;
    if errors.is_empty() && !entry.problems.is_empty() {
        let stored = state
            .db
            .report_form(round_id, agency_id)
            .await?
            .ok_or(AppError::NotFound)?;
        entry.keep_stored(&stored);
        // Nothing valid to write: no new version for a save that changes nothing (a file
        // chosen with it still goes in, with the version it makes).
        skip = file.is_none() && entry.changes_nothing(&stored);
    }
    if errors.is_empty() && !skip {
        match state
            .db
            .save_report(
                round_id,
                agency_id,
                &entry.save,
                Some(user.id()),
                actor,
                OffsetDateTime::now_utc(),
            )
            .await
        {
            Ok(version) => {
                saved = Some(version);
                // The file chosen with the save: the report now exists, and a draft's file does
                // not change its version.
                if let Some(f) = file {
                    attach(&state, &user, round_id, agency_id, fields.get("task_id"), f).await?;
                }
                audit_by(
                    &state,
                    &user,
                    "report_saved",
                    Some(&format!("round:{round_id}/agency:{agency_id}")),
                    Some(&format!("version {version}")),
                )
                .await?;
            }
            Err(StoreError::Invalid(m) | StoreError::Conflict(m)) => {
                errors.extend(m.get(lang).lines().map(str::to_string));
            }
            Err(e) => return Err(e.into()),
        }
    }
    // "Lưu và trình lãnh đạo duyệt" with something still missing: saved, not put to the head,
    // and what is missing said beside each field now rather than at the head's approval.
    let asking = fields.get("ask").is_some_and(|v| v == "1") && actor == Actor::FocalPoint;
    let mut missing = Vec::new();
    if saved.is_some() && entry.problems.is_empty() && asking {
        missing = incomplete(lang, &tasks, &indicators, &entry.save);
    }
    if let Some(version) = saved
        && entry.problems.is_empty()
        && missing.is_empty()
    {
        // "Lưu và trình lãnh đạo duyệt": the heads learn the report awaits them.
        let asked = asking;
        if asked {
            ask_head(&state, &user, round_id, agency_id, version).await?;
        }
        if autosave {
            return Ok((StatusCode::OK, version.to_string()).into_response());
        }
        return Ok(Redirect::to(&format!(
            "/rounds/{round_id}/reports/{agency_id}?saved={}",
            if asked { 2 } else { 1 }
        ))
        .into_response());
    }
    if autosave {
        // The version saved (if the valid part was), then what is wrong, one per line.
        let mut lines = vec![saved.map_or_else(String::new, |v| v.to_string())];
        lines.extend(errors.iter().cloned());
        lines.extend(
            entry
                .problems
                .iter()
                .map(|p| format!("{}: {}", p.label, p.message)),
        );
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, lines.join("\n")).into_response());
    }
    // The same form again with what was typed, each refused entry beside its field.
    let form = state
        .db
        .report_form(round_id, agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let ctx = Ctx::new(lang, Some(&user));
    let not_asked = !missing.is_empty();
    let problems = if not_asked { &missing } else { &entry.problems };
    let shown = Shown {
        typed: Some(&fields),
        problems,
        errors,
        partly_saved: saved.is_some() && !not_asked,
        not_asked,
        ..Shown::default()
    };
    let page = render_form(&state, ctx, &user, agency_id, form, shown).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, pages::render(&page)?).into_response())
}

// ---------------------------------------------------------------------------------------------
// The form as a workbook, to fill in offline.

/// A category's label as the workbook shows it: "Giới tính: Nữ".
fn cell_label(ctx: &Ctx, d: Dimension, c: &indicator::Category) -> String {
    format!("{}: {}", ctx.t(d.label_vi(), d.label_en()), ctx.t(c.1, c.2))
}

pub async fn form_xlsx(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path((round_id, agency_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    user.require(may_see(&user, agency_id))?;
    let form = body_form(&state, round_id, agency_id).await?;
    let agency = state
        .db
        .agency(agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let ctx = Ctx::new(lang, Some(&user));
    let stored = stored_fields(&form);
    let get = |name: &str| stored.get(name).cloned().unwrap_or_default();
    let status_label = |code: &str| {
        TaskStatus::parse(code).map_or(String::new(), |s| ctx.t(s.label_vi(), s.label_en()).into())
    };
    use theodoi_report::entry_book::{EntryBook, FigureLine, TaskLine, TextLine};
    let mut figures = Vec::new();
    for ind in &form.indicators {
        let value = |name: &str| parse_count(&get(name)).ok().flatten();
        let total = field_total(ind);
        figures.push(FigureLine {
            indicator: ind.name.clone(),
            unit: ind.unit.clone(),
            cell: ctx.t("Tổng số", "Total").into(),
            value: value(&total),
            key: total,
        });
        for d in ind.dims() {
            for c in d.categories() {
                let key = field_cell(ind, d, c.0);
                figures.push(FigureLine {
                    indicator: ind.name.clone(),
                    unit: ind.unit.clone(),
                    cell: cell_label(&ctx, d, c),
                    value: value(&key),
                    key,
                });
            }
        }
    }
    let version = form.report.as_ref().map_or(0, |r| r.version);
    let deadline = pages::date_vn(&form.round.agency_deadline);
    let book = EntryBook {
        title: format!(
            "{} {} — {}",
            ctx.t("Báo cáo", "Report"),
            form.round.label,
            agency.name
        ),
        notes: vec![
            match lang {
                Lang::Vi => format!(
                    "Hạn gửi: {deadline}. Điền các ô nền vàng; chọn tình hình thực hiện trong danh sách của ô. Số liệu là số nguyên không âm; nếu nhập phân tổ thì tổng các phân tổ phải bằng tổng số."
                ),
                Lang::En => format!(
                    "Due {deadline}. Fill in the yellow cells; pick each status from the cell's list. Figures are whole numbers; a breakdown, when given, adds up to the total."
                ),
            },
            ctx.t(
                "Xong thì tải tệp lên tại trang báo cáo («Tải lên biểu mẫu đã điền»): hệ thống kiểm tra như khi nhập trên trang và cho xem các thay đổi trước khi lưu.",
                "Then upload it on the report page (“Upload the filled-in form”): it is checked as the page checks, and the changes are shown before anything is saved.",
            )
            .to_string(),
        ],
        round_id,
        agency_id,
        version,
        task_headings: [
            ctx.t("Mã (không sửa)", "Key (do not change)").into(),
            ctx.t("Số hiệu", "No.").into(),
            ctx.t("Nhiệm vụ", "Task").into(),
            ctx.t("Tình hình thực hiện", "Status").into(),
            ctx.t("Lý do (nếu không thực hiện)", "Reason (if not done)").into(),
            ctx.t("Kết quả", "Results").into(),
        ],
        figure_headings: [
            ctx.t("Mã (không sửa)", "Key (do not change)").into(),
            ctx.t("Chỉ tiêu", "Indicator").into(),
            ctx.t("Đơn vị tính", "Unit").into(),
            ctx.t("Tổng số / phân tổ", "Total or breakdown").into(),
            ctx.t("Số liệu", "Figure").into(),
        ],
        section_tasks: ctx.t("I. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ", "I. TASKS").into(),
        section_figures: ctx.t("II. SỐ LIỆU", "II. FIGURES").into(),
        section_texts: ctx
            .t(
                "III. KHÓ KHĂN, VƯỚNG MẮC VÀ KIẾN NGHỊ",
                "III. DIFFICULTIES AND PROPOSALS",
            )
            .into(),
        statuses: ALL_TASK_STATUSES
            .iter()
            .map(|s| ctx.t(s.label_vi(), s.label_en()).to_string())
            .collect(),
        tasks: form
            .tasks
            .iter()
            .map(|t| TaskLine {
                key: format!("t{}", t.task_id),
                reference: t.reference.clone(),
                title: t.title.clone(),
                status: status_label(&get(&field_task(t.task_id, "status"))),
                reason: get(&field_task(t.task_id, "reason")),
                results: get(&field_task(t.task_id, "results")),
            })
            .collect(),
        figures,
        texts: vec![
            TextLine {
                key: "difficulties".into(),
                label: ctx.t("Khó khăn, vướng mắc", "Difficulties").into(),
                text: get("difficulties"),
            },
            TextLine {
                key: "proposals".into(),
                label: ctx.t("Đề xuất, kiến nghị", "Proposals").into(),
                text: get("proposals"),
            },
        ],
    };
    let bytes = theodoi_report::entry_book::write(&book)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("form workbook: {e}")))?;
    let name = format!(
        "{} {} - {}.xlsx",
        ctx.t("Biểu mẫu báo cáo", "Report form"),
        form.round.label.replace(['/', '\\'], "-"),
        agency.name
    );
    Ok(pages::download(
        &name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

/// A workbook's rows as the form's fields: by the key in column A, the columns the download
/// wrote. Returns the fields and the (round, body) the workbook says it belongs to.
fn book_fields(rows: &[Vec<String>]) -> (Typed, Option<(i64, i64)>) {
    let cell = |r: &Vec<String>, i: usize| r.get(i).cloned().unwrap_or_default();
    let mut out = Typed::new();
    let mut owner = None;
    for r in rows {
        let key = cell(r, 0).trim().to_string();
        if key == theodoi_report::entry_book::META_KEY {
            owner = cell(r, 1)
                .trim()
                .parse()
                .ok()
                .zip(cell(r, 2).trim().parse().ok());
        } else if let Some(id) = key.strip_prefix('t').filter(|id| id.parse::<i64>().is_ok()) {
            out.insert(format!("t{id}_status"), cell(r, 3).trim().to_string());
            out.insert(format!("t{id}_reason"), cell(r, 4));
            out.insert(format!("t{id}_results"), cell(r, 5));
        } else if key.starts_with('v') && key.len() > 1 {
            // Excel writes whole numbers as they are; a value it stored as "12.0" is still 12.
            let raw = cell(r, 3).trim().to_string();
            let value = raw
                .strip_suffix(".0")
                .filter(|s| s.chars().all(|c| c.is_ascii_digit()))
                .map_or(raw.clone(), str::to_string);
            out.insert(key, value);
        } else if key == "difficulties" || key == "proposals" {
            out.insert(key, cell(r, 3));
        }
    }
    (out, owner)
}

pub async fn form_upload(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path((round_id, agency_id)): Path<(i64, i64)>,
    req: axum::extract::Request,
) -> AppResult<Response> {
    let (fields, file) = read_posted(&state, req).await?;
    user.check_csrf(fields.get("csrf").map_or("", String::as_str))?;
    user.require(user.role.is_agency() && user.row.agency_id == Some(agency_id))?;
    let form = body_form(&state, round_id, agency_id).await?;
    let ctx = Ctx::new(lang, Some(&user));
    if !form.report.as_ref().is_none_or(|r| r.state().editable()) {
        let why = ctx
            .t(
                "Báo cáo đã gửi hoặc đã được tiếp nhận nên không nhận số liệu từ tệp.",
                "The report is sent or accepted: it takes no entries from a file.",
            )
            .to_string();
        return refused(&state, &user, ctx, agency_id, form, why).await;
    }
    let Some((name, _, bytes)) = file else {
        let why = ctx
            .t(
                "Chưa chọn tệp: hãy chọn tệp biểu mẫu (.xlsx) đã điền rồi bấm «Tải lên».",
                "No file chosen: choose the filled-in form (.xlsx), then press “Upload”.",
            )
            .to_string();
        return refused(&state, &user, ctx, agency_id, form, why).await;
    };
    let rows = match theodoi_plandoc::formats::xlsx_rows(&bytes) {
        Ok(rows) => rows,
        Err(_) => {
            let why = match lang {
                Lang::Vi => format!(
                    "Tệp «{name}» không đọc được như một tệp Excel (.xlsx). Hãy tải biểu mẫu của báo cáo này về, điền rồi tải lên đúng tệp đó."
                ),
                Lang::En => format!(
                    "“{name}” cannot be read as an Excel workbook (.xlsx). Download this report's form, fill it in and upload that file."
                ),
            };
            return refused(&state, &user, ctx, agency_id, form, why).await;
        }
    };
    let (from_book, owner) = book_fields(&rows);
    if owner != Some((round_id, agency_id)) {
        let why = ctx
            .t(
                "Tệp này không phải biểu mẫu của báo cáo này (của đợt hoặc cơ quan khác, hoặc không tạo từ nút «Tải biểu mẫu Excel»). Hãy tải biểu mẫu của trang này về và điền vào đó.",
                "This file is not this report's form (another round's or body's, or not made with “Download the form as Excel”). Download this page's form and fill that in.",
            )
            .to_string();
        return refused(&state, &user, ctx, agency_id, form, why).await;
    }
    // The stored report with the workbook's entries over it; fields the workbook lacks keep
    // their stored values.
    let stored = stored_fields(&form);
    let mut typed = stored.clone();
    let mut changes = Vec::new();
    let labels = field_labels(&ctx, &form);
    let mut keys: Vec<&String> = from_book.keys().collect();
    keys.sort_by_key(|k| labels.get(*k).map_or(usize::MAX, |l| l.0));
    for k in keys {
        let Some((_, label)) = labels.get(k) else {
            continue;
        };
        let new = from_book.get(k).cloned().unwrap_or_default();
        let old = stored.get(k).cloned().unwrap_or_default();
        let same = if k.ends_with("_status") {
            status_from_text(&new).map(|s| s.code()) == status_from_text(&old).map(|s| s.code())
                && new.trim().is_empty() == old.trim().is_empty()
        } else {
            new.trim() == old.trim()
        };
        if !same {
            let shown = |v: &str| {
                if k.ends_with("_status") {
                    status_from_text(v)
                        .map_or(v.to_string(), |s| ctx.t(s.label_vi(), s.label_en()).into())
                } else {
                    v.to_string()
                }
            };
            changes.push((label.clone(), shown(&old), shown(&new)));
        }
        typed.insert(k.clone(), new);
    }
    if let Some(v) = fields.get("version") {
        typed.insert("version".into(), v.clone());
    }
    let entry = read(lang, &form.tasks, &form.indicators, &typed);
    let said = match (lang, changes.len()) {
        (Lang::Vi, 0) => "Đã đọc tệp: không có gì khác với báo cáo đang lưu.".to_string(),
        (Lang::En, 0) => "File read: nothing differs from the stored report.".to_string(),
        (Lang::Vi, n) => format!(
            "Đã đọc tệp: {n} ô khác với báo cáo đang lưu (danh sách dưới đây). Chưa có gì được lưu: xem lại rồi bấm «Lưu bản nháp»."
        ),
        (Lang::En, n) => format!(
            "File read: {n} fields differ from the stored report (listed below). Nothing is saved yet: review, then press “Save draft”."
        ),
    };
    let ctx = ctx.with_flash(&said);
    let unsaved = !changes.is_empty();
    let shown = Shown {
        typed: Some(&typed),
        problems: &entry.problems,
        changes,
        unsaved,
        ..Shown::default()
    };
    let page = render_form(&state, ctx, &user, agency_id, form, shown).await?;
    Ok(pages::render(&page)?.into_response())
}

/// A workbook not taken: the form again, saying why.
async fn refused(
    state: &AppState,
    user: &User,
    ctx: Ctx,
    agency_id: i64,
    form: ReportForm,
    why: String,
) -> AppResult<Response> {
    let shown = Shown {
        errors: vec![why],
        ..Shown::default()
    };
    let page = render_form(state, ctx, user, agency_id, form, shown).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, pages::render(&page)?).into_response())
}

/// Every field of the form with its place on the page and what the page calls it.
fn field_labels(ctx: &Ctx, form: &ReportForm) -> HashMap<String, (usize, String)> {
    let mut out = HashMap::new();
    let mut n = 0;
    let mut add = |out: &mut HashMap<String, (usize, String)>, k: String, label: String| {
        n += 1;
        out.insert(k, (n, label));
    };
    for t in &form.tasks {
        for (part, vi, en) in [
            ("status", "Tình hình", "Status"),
            ("reason", "Lý do", "Reason"),
            ("results", "Kết quả", "Results"),
        ] {
            add(
                &mut out,
                field_task(t.task_id, part),
                format!("{} · {}", t.reference, ctx.t(vi, en)),
            );
        }
    }
    for ind in &form.indicators {
        add(
            &mut out,
            field_total(ind),
            format!("{} · {}", ind.name, ctx.t("Tổng số", "Total")),
        );
        for d in ind.dims() {
            for c in d.categories() {
                add(
                    &mut out,
                    field_cell(ind, d, c.0),
                    format!("{} · {}", ind.name, cell_label(ctx, d, c)),
                );
            }
        }
    }
    add(
        &mut out,
        "difficulties".into(),
        ctx.t("Khó khăn, vướng mắc", "Difficulties").into(),
    );
    add(
        &mut out,
        "proposals".into(),
        ctx.t("Đề xuất, kiến nghị", "Proposals").into(),
    );
    out
}

// ---------------------------------------------------------------------------------------------
// Workflow steps, evidence files, snapshots.

#[derive(Deserialize)]
pub struct ActForm {
    csrf: String,
    action: String,
    version: i32,
    #[serde(default)]
    comment: String,
}

pub async fn act(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path((round_id, agency_id)): Path<(i64, i64)>,
    Form(f): Form<ActForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let taken = take_action(
        &state,
        &user,
        (round_id, agency_id),
        &f.action,
        f.version,
        &f.comment,
        "",
    )
    .await;
    let action = match taken {
        Ok((action, _)) => action,
        // A refused step comes back to the report, said beside the buttons, the comment kept.
        Err(AppError::BadRequest(why)) => {
            let form = body_form(&state, round_id, agency_id).await?;
            let ctx = Ctx::new(lang, Some(&user));
            let shown = Shown {
                action_error: why.get(lang).to_string(),
                comment: f.comment,
                ..Shown::default()
            };
            let page = render_form(&state, ctx, &user, agency_id, form, shown).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, pages::render(&page)?).into_response());
        }
        Err(e) => return Err(e),
    };
    Ok(Redirect::to(&format!(
        "/rounds/{round_id}/reports/{agency_id}?done={}",
        action.code()
    ))
    .into_response())
}

/// A step of a report's workflow (approve, submit, return, accept, reopen) by `user`, at the
/// report's `version`, from the page or the JSON API: the same checks and the same audit. A
/// refused step is a `BadRequest` with the reason.
pub(crate) async fn take_action(
    state: &AppState,
    user: &User,
    (round_id, agency_id): (i64, i64),
    action: &str,
    version: i32,
    comment: &str,
    through: &str,
) -> AppResult<(Action, ReportStatus)> {
    let actor = actor(user).ok_or(AppError::Forbidden)?;
    if actor != Actor::Coordinator {
        user.require(user.row.agency_id == Some(agency_id))?;
    }
    let action = Action::parse(action)
        .filter(|a| *a != Action::Save)
        .ok_or_else(|| {
            AppError::refuse(
                format!("Thao tác \"{action}\" không có"),
                format!("No such action \"{action}\""),
            )
        })?;

    if comment.chars().count() > 5_000 {
        return Err(AppError::refuse(
            "Ý kiến quá dài (tối đa 5.000 ký tự).",
            "The comment is too long (at most 5,000 characters).",
        ));
    }
    let to = state
        .db
        .act_on_report(
            round_id,
            agency_id,
            &ReportAction {
                action,
                actor,
                expected_version: version,
                comment,
                user_id: Some(user.id()),
                email: state.config.smtp_url.is_some(),
            },
            OffsetDateTime::now_utc(),
        )
        .await?;
    audit_by(
        state,
        user,
        &format!("report_{}", action.code()),
        Some(&format!("round:{round_id}/agency:{agency_id}")),
        Some(&format!("{}{through}", to.code())),
    )
    .await?;
    Ok((action, to))
}

/// Attach an evidence file to the body's report (to one of its tasks when `task_id` names one);
/// the report must exist. Returns the file's id.
fn not_in_report() -> AppError {
    AppError::refuse(
        "Nhiệm vụ không thuộc báo cáo này.",
        "The task is not one of this report's.",
    )
}

async fn attach(
    state: &AppState,
    user: &User,
    round_id: i64,
    agency_id: i64,
    task_id: Option<&String>,
    (name, kind, bytes): (String, String, Vec<u8>),
) -> AppResult<i64> {
    let task_id: Option<i64> = match task_id.map(|t| t.trim()).filter(|t| !t.is_empty()) {
        Some(t) => Some(t.parse().map_err(|_| not_in_report())?),
        None => None,
    };
    let form = state
        .db
        .report_form(round_id, agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(t) = task_id
        && !form.tasks.iter().any(|x| x.task_id == t)
    {
        return Err(not_in_report());
    }
    let report = form.report.ok_or_else(|| {
        AppError::refuse(
            "Hãy lưu báo cáo trước khi đính kèm tệp.",
            "Save the report before attaching a file.",
        )
    })?;
    let name: String = name
        .chars()
        .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
        .take(200)
        .collect();
    let id = state
        .db
        .add_report_file(
            report.id,
            task_id,
            (&name, &kind, &bytes),
            Some(user.id()),
            OffsetDateTime::now_utc(),
        )
        .await?;
    audit_by(
        state,
        user,
        "report_file_added",
        Some(&format!("report_file:{id}")),
        None,
    )
    .await?;
    Ok(id)
}

pub async fn upload(
    State(state): State<AppState>,
    user: User,
    Path((round_id, agency_id)): Path<(i64, i64)>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    user.require(user.role.is_agency() && user.row.agency_id == Some(agency_id))?;
    let mut csrf = String::new();
    let mut task_id: Option<i64> = None;
    let mut file: Option<(String, String, Vec<u8>)> = None;
    while let Some(field) = multipart.next_field().await.map_err(|e| {
        tracing::warn!(error.message = %e, "upload refused: unreadable");
        AppError::refuse(
            "Tệp tải lên không đọc được. Hãy chọn lại tệp rồi gửi lại.",
            "The upload could not be read. Choose the file again and send it.",
        )
    })? {
        match field.name().unwrap_or_default() {
            "csrf" => csrf = field.text().await.unwrap_or_default(),
            "task_id" => task_id = field.text().await.ok().and_then(|t| t.parse().ok()),
            "file" => {
                let name = field.file_name().unwrap_or("tep").to_string();
                crate::form::check_field("file", &name)?;
                let kind = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let bytes = field.bytes().await.map_err(|_| AppError::TooLarge)?;
                if !bytes.is_empty() {
                    file = Some((name, kind, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    user.check_csrf(&csrf)?;
    let file = file.ok_or_else(|| AppError::refuse("Chưa chọn tệp.", "No file was chosen."))?;
    let task = task_id.map(|t| t.to_string());
    attach(&state, &user, round_id, agency_id, task.as_ref(), file).await?;
    Ok(Redirect::to(&format!(
        "/rounds/{round_id}/reports/{agency_id}?attached=1"
    ))
    .into_response())
}

pub async fn file(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (_, agency_id, (name, _kind, bytes)) =
        state.db.report_file(id).await?.ok_or(AppError::NotFound)?;
    user.require(may_see(&user, agency_id))?;
    // Served as a download of opaque bytes under its own (Vietnamese) name, never rendered by
    // the browser as a page.
    Ok(pages::download(&name, "application/octet-stream", bytes))
}

/// A task as the report sent it.
struct SentTask {
    reference: String,
    title: String,
    status: &'static str,
    reason: String,
    results: String,
}

/// An indicator's figures as sent: the total and each breakdown given, in words.
struct SentFigure {
    name: String,
    unit: String,
    total: String,
    /// (breakdown, [(category, value)]).
    breakdowns: Vec<(&'static str, Vec<(&'static str, i64)>)>,
}

#[derive(Template)]
#[template(path = "report_snapshot.html")]
struct SnapshotPage {
    ctx: Ctx,
    round: RoundRow,
    agency_id: i64,
    agency_name: String,
    version: i32,
    at: String,
    who: String,
    tasks: Vec<SentTask>,
    figures: Vec<SentFigure>,
    difficulties: String,
    proposals: String,
}

/// A version as it was sent, read-only, in words: task statuses and breakdown categories by
/// their labels, indicators by their names.
pub async fn snapshot(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path((round_id, agency_id, version)): Path<(i64, i64, i32)>,
) -> AppResult<Html<String>> {
    user.require(may_see(&user, agency_id))?;
    let form = state
        .db
        .report_form(round_id, agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let report = form.report.as_ref().ok_or(AppError::NotFound)?;
    let sent = state
        .db
        .sent_snapshot(report.id, version)
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = state
        .db
        .agency(agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let ctx = Ctx::new(lang, Some(&user));
    let bodies = Bodies::of(&state, &user).await?;
    let who = bodies.who(
        sent.who.as_deref(),
        sent.who_role.as_deref(),
        sent.who_agency_id,
        sent.who_agency.as_deref(),
    );
    let tasks = sent
        .content
        .tasks
        .iter()
        .map(|t| {
            let line = form.tasks.iter().find(|l| l.task_id == t.task_id);
            SentTask {
                reference: line.map(|l| l.reference.clone()).unwrap_or_default(),
                title: line.map_or_else(
                    || {
                        ctx.t(
                            "(nhiệm vụ không còn trong đợt báo cáo)",
                            "(a task no longer in the round)",
                        )
                        .to_string()
                    },
                    |l| l.title.clone(),
                ),
                status: t
                    .status
                    .as_deref()
                    .and_then(TaskStatus::parse)
                    .map_or("—", |s| ctx.t(s.label_vi(), s.label_en())),
                reason: t.reason.clone(),
                results: t.results.clone(),
            }
        })
        .collect();
    let values = &sent.content.values;
    let figures = form
        .indicators
        .iter()
        .filter(|i| values.iter().any(|v| v.indicator_id == i.id))
        .map(|ind| {
            let mine = || values.iter().filter(|v| v.indicator_id == ind.id);
            let total = mine()
                .find(|v| v.dimension.is_empty())
                .map_or_else(|| "—".to_string(), |v| v.value.to_string());
            let breakdowns = ind
                .dims()
                .into_iter()
                .filter_map(|d| {
                    let cells: Vec<(&'static str, i64)> = d
                        .categories()
                        .iter()
                        .filter_map(|(code, vi, en)| {
                            mine()
                                .find(|v| v.dimension == d.code() && v.category == *code)
                                .map(|v| (ctx.t(vi, en), v.value))
                        })
                        .collect();
                    (!cells.is_empty()).then(|| (ctx.t(d.label_vi(), d.label_en()), cells))
                })
                .collect();
            SentFigure {
                name: ind.name.clone(),
                unit: ind.unit.clone(),
                total,
                breakdowns,
            }
        })
        .collect();
    pages::render(&SnapshotPage {
        round: form.round.clone(),
        agency_id,
        agency_name: agency.name,
        version: sent.version,
        at: pages::when(&sent.at),
        who,
        tasks,
        figures,
        difficulties: sent.content.difficulties,
        proposals: sent.content.proposals,
        ctx,
    })
}
