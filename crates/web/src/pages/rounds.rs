//! Reporting rounds: the coordinator opens a round for a plan; each body fills in its report
//! (task status and results, indicator values with breakdowns, difficulties, evidence); the head
//! approves, the focal point submits, the coordinator returns or accepts; completeness and
//! timeliness are computed from the timestamps.

use crate::auth::{Role, UiLang, User};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::form::Query;
use crate::pages::{self, Ctx};
use crate::{AppState, audit_by};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use theodoi_domain::indicator::{self, Dimension, parse_count};
use theodoi_domain::report::{
    ALL_TASK_STATUSES, Action, Actor, ReportStatus, TaskStatus, Timeliness,
};
use theodoi_domain::{DateRange, Level, Period, Regime, ReportFrequency, Windows};
use theodoi_store::StoreError;
use theodoi_store::rounds::{
    BodyProgress, IndicatorRow, NewRound, ReportAction, ReportForm, ReportTaskLine, RoundRow,
    RoundSummary, SaveReport, TaskEntry, ValueRow,
};
use theodoi_text::Message;
use time::OffsetDateTime;

fn actor(user: &User) -> Option<Actor> {
    match user.role {
        Role::FocalPoint => Some(Actor::FocalPoint),
        Role::AgencyHead => Some(Actor::AgencyHead),
        Role::Coordinator => Some(Actor::Coordinator),
        _ => None,
    }
}

/// A date from the field the page labels `vi` (`en`).
fn date_input(s: &str, vi: &str, en: &str) -> AppResult<time::Date> {
    // Day first whatever the browser's language; the same years a periodic round may have.
    pages::parse_date(s).ok_or_else(|| {
        AppError::refuse(
            format!(
                "{vi}: \u{201C}{}\u{201D} không phải ngày hợp lệ. Nhập ngày/tháng/năm, ví dụ 15/06/2026, năm trong khoảng 1945–2200.",
                s.trim()
            ),
            format!(
                "{en}: \u{201C}{}\u{201D} is not a valid date. Enter day/month/year, such as 15/06/2026, a year from 1945 to 2200.",
                s.trim()
            ),
        )
    })
}

// ---------------------------------------------------------------------------------------------
// The list of rounds and opening one.

/// A period a regime can open, for the select box.
struct PeriodChoice {
    value: String,
    label: String,
    /// The choice the select starts on: the current or next period no round covers yet.
    selected: bool,
}

/// A round asked to be opened over the window of another round of the same plan: shown back
/// with the rounds it overlaps, to be confirmed or dropped.
struct PendingOpen {
    plan_id: i64,
    choice: String,
    title: String,
    window_start: String,
    window_end: String,
    deadline: String,
    /// The new round's label and window, as it would be opened.
    label: String,
    window: DateRange,
    overlaps: Vec<RoundRow>,
}

#[derive(Template)]
#[template(path = "rounds.html")]
struct ListPage {
    ctx: Ctx,
    rounds: Vec<RoundSummary>,
    plans: Vec<(i64, String)>,
    regimes: Vec<(i64, String, Vec<PeriodChoice>)>,
    /// Tasks whose "các cơ quan liên quan" name nobody yet: said before a round is opened.
    unnamed: Vec<theodoi_store::rounds::UnnamedGroup>,
    pending: Option<PendingOpen>,
}

pub async fn list(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
) -> AppResult<Response> {
    if let (true, Some(a)) = (user.role.is_agency(), user.row.agency_id) {
        return Ok(Redirect::to(&format!("/agencies/{a}/home#rounds")).into_response());
    }
    user.require(user.role.sees_all_agencies())?;
    Ok(pages::render(&list_page(&state, lang, &user, None).await?)?.into_response())
}

/// Today in Vietnam (UTC+7), the day a period is current on.
fn today_vn() -> time::Date {
    let offset = time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC);
    OffsetDateTime::now_utc().to_offset(offset).date()
}

async fn list_page(
    state: &AppState,
    lang: crate::i18n::Lang,
    user: &User,
    pending: Option<PendingOpen>,
) -> AppResult<ListPage> {
    let rounds = state.db.rounds(None).await?;
    let plans: Vec<(i64, String)> = state
        .db
        .list_plans()
        .await?
        .into_iter()
        .map(|p| {
            let label = match &p.number {
                Some(n) => format!("{n} — {}", p.title),
                None => p.title.clone(),
            };
            (p.id, label)
        })
        .collect();
    let today = today_vn();
    let year = today.year();
    // The select starts on the first regime's current period (the one whose data window holds
    // today), or the next one when the first plan has a round for it already.
    let first_plan = plans.first().map(|(id, _)| *id);
    let mut regimes = Vec::new();
    let mut chosen = false;
    for r in state.db.regimes().await? {
        let Some(freq) = r.frequency.as_deref().and_then(ReportFrequency::parse) else {
            continue;
        };
        let windows = if r.windows == "calendar" {
            Windows::Calendar
        } else {
            Windows::Decree09
        };
        let mut choices = Vec::new();
        for y in [year - 1, year, year + 1] {
            for p in Period::all_in(freq, y).unwrap_or_default() {
                let opened = rounds.iter().any(|s| {
                    Some(s.round.plan_id) == first_plan
                        && s.round.regime_id == Some(r.id)
                        && s.round.period_start == Some(p.start())
                });
                let selected = !chosen && !opened && p.window(windows).end >= today;
                chosen |= selected;
                choices.push(PeriodChoice {
                    value: format!("{y}-{}", p.index),
                    label: if lang == crate::i18n::Lang::Vi {
                        p.label_vi()
                    } else {
                        p.label_en()
                    },
                    selected,
                });
            }
        }
        regimes.push((r.id, r.name, choices));
    }
    let unnamed = if user.role.coordinates() {
        state.db.unnamed_groups(None).await?
    } else {
        Vec::new()
    };
    Ok(ListPage {
        ctx: Ctx::new(lang, Some(user)),
        rounds,
        plans,
        regimes,
        unnamed,
        pending,
    })
}

#[derive(Deserialize)]
pub struct OpenForm {
    csrf: String,
    plan_id: i64,
    /// "REGIME_ID:YEAR-INDEX" for a periodic round, or "adhoc" / "thematic".
    choice: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    window_start: String,
    #[serde(default)]
    window_end: String,
    #[serde(default)]
    deadline: String,
    /// "1" once the coordinator has seen the rounds the new one overlaps.
    #[serde(default)]
    confirm: String,
}

pub async fn open(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Form(f): Form<OpenForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    user.require(user.role.coordinates())?;
    let cal = &state.calendar;
    let regimes = state.db.regimes().await?;
    let new_round = |kind,
                     title,
                     label,
                     period,
                     window,
                     deadlines: Vec<(Level, time::Date)>,
                     regime_id,
                     offsets| {
        let at = |l: Level| deadlines.iter().find(|(x, _)| *x == l).map(|(_, d)| *d);
        (
            kind,
            title,
            label,
            period,
            window,
            at(Level::Agency),
            at(Level::Coordinator),
            at(Level::PeopleCommittee),
            regime_id,
            offsets,
        )
    };
    let parts = if let Some((rid, period)) = f.choice.split_once(':') {
        let regime = rid
            .parse::<i64>()
            .ok()
            .and_then(|id| regimes.iter().find(|r| r.id == id))
            .ok_or_else(|| AppError::refuse("Chế độ báo cáo không có", "No such regime"))?;
        let freq = regime
            .frequency
            .as_deref()
            .and_then(ReportFrequency::parse)
            .ok_or_else(|| AppError::refuse("Chế độ này không định kỳ", "Not a periodic regime"))?;
        let (y, i) = period
            .split_once('-')
            .and_then(|(y, i)| Some((y.parse::<i32>().ok()?, i.parse::<u8>().ok()?)))
            .ok_or_else(|| {
                AppError::refuse(
                    format!("Kỳ \"{period}\" không hợp lệ"),
                    format!("The period \"{period}\" is not valid"),
                )
            })?;
        let p = Period::new(freq, y, i).map_err(|e| {
            AppError::refuse(
                format!("Kỳ \"{period}\" không hợp lệ"),
                format!("The period \"{period}\" is not valid: {e}"),
            )
        })?;
        let windows = if regime.windows == "calendar" {
            Windows::Calendar
        } else {
            Windows::Decree09
        };
        let mut levels = vec![(
            Level::Agency,
            u32::try_from(regime.agency_days).unwrap_or(1),
        )];
        if let Some(d) = regime.coordinator_days {
            levels.push((Level::Coordinator, u32::try_from(d).unwrap_or(1)));
        }
        if let Some(d) = regime.committee_days {
            levels.push((Level::PeopleCommittee, u32::try_from(d).unwrap_or(1)));
        }
        let domain_regime = Regime {
            code: regime.code.clone(),
            name: regime.name.clone(),
            frequency: freq,
            windows,
            levels,
        };
        let deadlines = domain_regime
            .deadlines(&p, cal)
            .map_err(|e| AppError::BadRequest(e.message()))?;
        let label = p.label_vi();
        new_round(
            "periodic",
            format!("Báo cáo kết quả thực hiện kế hoạch {label}"),
            label,
            Some((p.start(), p.months())),
            p.window(windows),
            deadlines,
            Some(regime.id),
            regime.reminder_offsets.clone(),
        )
    } else {
        let kind = match f.choice.as_str() {
            "thematic" => "thematic",
            "adhoc" => "ad_hoc",
            other => {
                return Err(AppError::refuse(
                    format!("Loại đợt \"{other}\" không có"),
                    format!("No such kind of round \"{other}\""),
                ));
            }
        };
        let title = f.title.trim().to_string();
        if title.is_empty() || title.chars().count() > 300 {
            return Err(AppError::refuse(
                "Tên đợt báo cáo: 1–300 ký tự",
                "The round's title: 1 to 300 characters",
            ));
        }
        let window = DateRange {
            start: date_input(&f.window_start, "Từ ngày", "From")?,
            end: date_input(&f.window_end, "Đến ngày", "To")?,
        };
        if window.start > window.end {
            let (start, end) = (pages::date_vn(&window.start), pages::date_vn(&window.end));
            return Err(AppError::refuse(
                format!("Từ ngày {start} phải trước đến ngày {end}"),
                format!("The start {start} must come before the end {end}"),
            ));
        }
        let deadline = date_input(&f.deadline, "Hạn báo cáo", "Deadline")?;
        cal.check_deadline(window.end, deadline).map_err(|e| {
            tracing::debug!(error.message = %e, "deadline refused");
            let earliest = cal.add_working_days(window.end, 1).map(|d| pages::date_vn(&d));
            let (deadline, cut_off) = (pages::date_vn(&deadline), pages::date_vn(&window.end));
            AppError::refuse(
                format!(
                    "Hạn báo cáo {deadline} phải sau ngày chốt số liệu {cut_off} ít nhất một ngày làm việc{}",
                    earliest.as_ref().map_or_else(String::new, |d| format!("; sớm nhất là ngày {d}"))
                ),
                format!(
                    "The deadline {deadline} must be at least one working day after the cut-off {cut_off}{}",
                    earliest.as_ref().map_or_else(String::new, |d| format!("; the earliest is {d}"))
                ),
            )
        })?;
        new_round(
            kind,
            title.clone(),
            title,
            None,
            window,
            vec![(Level::Agency, deadline)],
            None,
            "-7,-1,1,3".to_string(),
        )
    };
    let (kind, title, label, period, window, agency, coordinator, committee, regime_id, offsets) =
        parts;
    let agency_deadline =
        agency.ok_or_else(|| AppError::refuse("Thiếu hạn báo cáo", "The deadline is missing"))?;
    // Two rounds of one plan over the same days ask the bodies twice for the same figures: the
    // coordinator sees which rounds the new one overlaps and confirms (a thematic round may).
    let overlaps: Vec<RoundRow> = state
        .db
        .rounds(Some(f.plan_id))
        .await?
        .into_iter()
        .map(|s| s.round)
        .filter(|r| r.window_start <= window.end && window.start <= r.window_end)
        .collect();
    if !overlaps.is_empty() && f.confirm != "1" {
        let pending = PendingOpen {
            plan_id: f.plan_id,
            choice: f.choice.clone(),
            title: f.title.clone(),
            window_start: f.window_start.clone(),
            window_end: f.window_end.clone(),
            deadline: f.deadline.clone(),
            label: label.clone(),
            window,
            overlaps,
        };
        let page = list_page(&state, lang, &user, Some(pending)).await?;
        return Ok((StatusCode::CONFLICT, pages::render(&page)?).into_response());
    }
    let opened = state
        .db
        .open_round(
            &NewRound {
                plan_id: f.plan_id,
                regime_id,
                kind,
                title: &title,
                label: &label,
                period,
                window,
                agency_deadline,
                coordinator_deadline: coordinator,
                committee_deadline: committee,
                reminder_offsets: &offsets,
                opened_by: Some(user.id()),
            },
            OffsetDateTime::now_utc(),
        )
        .await?;
    audit_by(
        &state,
        &user,
        "round_opened",
        Some(&format!("round:{}", opened.id)),
        Some(&format!(
            "{} bodies, {} obligations",
            opened.bodies, opened.obligations
        )),
    )
    .await?;
    Ok(Redirect::to(&format!("/rounds/{}", opened.id)).into_response())
}

// ---------------------------------------------------------------------------------------------
// One round: completeness and timeliness.

struct BodyLine {
    p: BodyProgress,
    timeliness: Timeliness,
}

/// Counts for one group of bodies (a kind) or the whole round.
#[derive(Default, Clone)]
struct Tally {
    name: String,
    expected: i64,
    submitted: i64,
    on_time: i64,
    late: i64,
    overdue: i64,
    accepted: i64,
    returned: i64,
}

impl Tally {
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
    /// Per cent, rounded down, of `n` over expected.
    fn pct(&self, n: &i64) -> i64 {
        (n * 100).checked_div(self.expected).unwrap_or(0)
    }
}

#[derive(Template)]
#[template(path = "round.html")]
struct RoundPage {
    ctx: Ctx,
    round: RoundRow,
    total: Tally,
    groups: Vec<Tally>,
    lines: Vec<BodyLine>,
    /// The coordinating body's own report: listed apart, not counted.
    own: Vec<BodyLine>,
    show: String,
    shown: i64,
    page: i64,
    pages: i64,
    /// Some task of the plan has tags (ICCPR articles, recommendations): the report can be
    /// grouped by them.
    has_tags: bool,
    /// The plan's latest version, when it was published after the round opened.
    plan_changed: Option<theodoi_store::PlanVersion>,
}

#[derive(Deserialize)]
pub struct RoundQuery {
    #[serde(default)]
    show: String,
    #[serde(default)]
    page: i64,
}

const PAGE_ROWS: i64 = 200;
/// Far beyond any round's bodies (a million pages of 200).
const MAX_PAGE: i64 = 1_000_000;

pub async fn detail(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
    Query(q): Query<RoundQuery>,
) -> AppResult<Html<String>> {
    user.require(user.role.sees_all_agencies())?;
    let round = state.db.round(id).await?.ok_or(AppError::NotFound)?;
    let now = OffsetDateTime::now_utc();
    let end = Timeliness::deadline_end(round.agency_deadline);
    let ctx = Ctx::new(lang, Some(&user));
    // Counted in the database: the page never fetches every body of a national round.
    let mut total = Tally {
        name: ctx.t("Tất cả", "All").into(),
        ..Tally::default()
    };
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    for t in state.db.round_tally(id, end, now).await? {
        let timeliness = Timeliness::parse(&t.timeliness);
        total.add(t.status.as_deref(), timeliness, t.n);
        groups
            .entry(t.kind.clone())
            .or_insert_with(|| Tally {
                name: ctx.kind_name(&t.kind),
                ..Tally::default()
            })
            .add(t.status.as_deref(), timeliness, t.n);
    }
    let show = match q.show.as_str() {
        "all" | "late" | "missing" | "submitted" => q.show.clone(),
        _ => "missing".to_string(),
    };
    // Bounded before it is multiplied: a huge page number must not wrap into a negative OFFSET.
    let page = q.page.clamp(0, MAX_PAGE);
    let (rows, shown) = state
        .db
        .round_bodies(
            id,
            &show,
            end,
            now,
            PAGE_ROWS,
            page.saturating_mul(PAGE_ROWS),
        )
        .await?;
    let pages = ((shown + PAGE_ROWS - 1) / PAGE_ROWS).max(1);
    let line = |p: BodyProgress| BodyLine {
        timeliness: Timeliness::of(round.agency_deadline, p.first_submitted_at, now),
        p,
    };
    let lines = rows.into_iter().map(line).collect();
    let own = state
        .db
        .uncounted_bodies(id)
        .await?
        .into_iter()
        .map(line)
        .collect();
    let plan_changed = state
        .db
        .plan_versions(round.plan_id)
        .await?
        .into_iter()
        .next()
        .filter(|v| v.at > round.opened_at);
    pages::render(&RoundPage {
        plan_changed,
        has_tags: !state.db.plan_tags(round.plan_id).await?.is_empty(),
        ctx,
        round,
        total,
        groups: groups.into_values().collect(),
        lines,
        own,
        show,
        shown,
        page: page.min(pages - 1),
        pages,
    })
}

// ---------------------------------------------------------------------------------------------
// The report form.

struct CellView {
    name: String,
    label: &'static str,
    value: String,
}

struct DimView {
    label: &'static str,
    cells: Vec<CellView>,
    filled: bool,
}

struct IndView {
    code: String,
    name: String,
    unit: String,
    required: bool,
    field: String,
    total: String,
    /// Why the value stands out, if it does.
    outlier: Option<String>,
    dims: Vec<DimView>,
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
    indicators: Vec<IndView>,
    difficulties: String,
    proposals: String,
    errors: Vec<String>,
    /// Broken plausibility rules on the figures shown: warnings, never a refusal.
    plausibility: Vec<String>,
    events: Vec<theodoi_store::rounds::EventRow>,
    files: Vec<(i64, String)>,
    snapshots: Vec<(i32, String)>,
    history: Vec<(String, String, String, String, String)>,
    timeliness: Timeliness,
    statuses: Vec<(&'static str, &'static str)>,
    /// A focal point's form: saving can also ask the head to approve.
    asks_head: bool,
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

/// Entered values by field name, as typed, for showing a refused form again.
type Typed = HashMap<String, String>;

fn field_total(ind: &IndicatorRow) -> String {
    format!("v{}", ind.id)
}

fn field_cell(ind: &IndicatorRow, dim: Dimension, cat: &str) -> String {
    format!("v{}_{}_{}", ind.id, dim.code(), cat)
}

#[allow(clippy::too_many_arguments)]
async fn render_form(
    state: &AppState,
    ctx: Ctx,
    user: &User,
    agency_id: i64,
    form: ReportForm,
    typed: Option<&Typed>,
    errors: Vec<String>,
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
    let stored: HashMap<(i64, &str, &str), i64> = form
        .values
        .iter()
        .map(|v| {
            (
                (v.indicator_id, v.dimension.as_str(), v.category.as_str()),
                v.value,
            )
        })
        .collect();
    let show = |name: &str, key: (i64, &str, &str)| -> String {
        match typed {
            Some(t) => t.get(name).cloned().unwrap_or_default(),
            None => stored.get(&key).map(|v| v.to_string()).unwrap_or_default(),
        }
    };
    let mut indicators = Vec::new();
    let mut totals: HashMap<&str, i64> = HashMap::new();
    for ind in &form.indicators {
        let total_field = field_total(ind);
        let total = show(&total_field, (ind.id, "", ""));
        if let Ok(Some(v)) = parse_count(&total) {
            totals.insert(ind.code.as_str(), v);
        }
        let outlier = parse_count(&total).ok().flatten().and_then(|v| {
            let hist = form.history.get(&ind.id)?;
            indicator::is_outlier(v, hist).then(|| {
                let mean = hist.iter().sum::<i64>() / i64::try_from(hist.len()).unwrap_or(1).max(1);
                format!(
                    "{} {mean} / {} {mean}",
                    "Khác xa trung bình các kỳ trước:", "far from the mean of earlier rounds:"
                )
            })
        });
        let dims = ind
            .dims()
            .into_iter()
            .map(|d| {
                let cells: Vec<CellView> = d
                    .categories()
                    .iter()
                    .map(|(code, vi, en)| {
                        let name = field_cell(ind, d, code);
                        let value = show(&name, (ind.id, d.code(), code));
                        CellView {
                            name,
                            label: ctx.t(vi, en),
                            value,
                        }
                    })
                    .collect();
                DimView {
                    label: ctx.t(d.label_vi(), d.label_en()),
                    filled: cells.iter().any(|c| !c.value.is_empty()),
                    cells,
                }
            })
            .collect();
        indicators.push(IndView {
            code: ind.code.clone(),
            name: ind.name.clone(),
            unit: ind.unit.clone(),
            required: ind.required,
            field: total_field,
            total,
            outlier,
            dims,
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
            let pick = |suffix: &str, stored: Option<&String>| match typed {
                Some(m) => m
                    .get(&format!("t{}_{suffix}", t.task_id))
                    .cloned()
                    .unwrap_or_default(),
                None => stored.cloned().unwrap_or_default(),
            };
            TaskView {
                task_id: t.task_id,
                reference: t.reference.clone(),
                title: t.title.clone(),
                time_text: t.time_text.clone(),
                role: t.role.clone(),
                via_group: t.via_group.clone(),
                status: pick("status", t.status.as_ref()),
                reason: pick("reason", t.reason.as_ref()),
                results: pick("results", t.results.as_ref()),
                files: form
                    .files
                    .iter()
                    .filter(|f| f.task_id == Some(t.task_id))
                    .map(|f| (f.id, f.file_name.clone()))
                    .collect(),
            }
        })
        .collect();
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
                .map(|i| (i.id, i.code.as_str()))
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
                        h.username.unwrap_or_default(),
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
    let (difficulties, proposals) = match (typed, &form.report) {
        (Some(t), _) => (
            t.get("difficulties").cloned().unwrap_or_default(),
            t.get("proposals").cloned().unwrap_or_default(),
        ),
        (None, Some(r)) => (r.difficulties.clone(), r.proposals.clone()),
        (None, None) => (String::new(), String::new()),
    };
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
    Ok(ReportPage {
        round: form.round,
        agency_id,
        agency_name: agency.name,
        status,
        version: form.report.as_ref().map_or(0, |r| r.version),
        editable,
        actions,
        tasks,
        indicators,
        difficulties,
        proposals,
        errors,
        plausibility,
        events: form.events,
        files,
        snapshots,
        history,
        timeliness,
        statuses,
        asks_head: actor(user) == Some(Actor::FocalPoint),
        ctx,
    })
}

#[derive(Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    saved: Option<u8>,
}

pub async fn report(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path((round_id, agency_id)): Path<(i64, i64)>,
    Query(q): Query<ReportQuery>,
) -> AppResult<Html<String>> {
    user.require(may_see(&user, agency_id))?;
    let form = state
        .db
        .report_form(round_id, agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if form.tasks.is_empty() {
        return Err(AppError::NotFound);
    }
    let mut ctx = Ctx::new(lang, Some(&user));
    match q.saved {
        Some(2) => {
            let asked = ctx.t(
                "Đã lưu bản nháp và báo lãnh đạo đơn vị duyệt.",
                "Draft saved; the head was asked to approve it.",
            );
            ctx = ctx.with_flash(asked);
        }
        Some(_) => {
            let saved = ctx.t("Đã lưu bản nháp.", "Draft saved.");
            ctx = ctx.with_flash(saved);
        }
        None => {}
    }
    let page = render_form(&state, ctx, &user, agency_id, form, None, Vec::new()).await?;
    pages::render(&page)
}

/// Longest reason a task was not done, in characters.
const REASON_CHARS: usize = 2_000;

/// Read the posted form into a save, collecting every problem with the field it came from, a
/// text longer than it may be among them.
fn read_save(
    tasks: &[ReportTaskLine],
    indicators: &[IndicatorRow],
    fields: &Typed,
) -> (SaveReport, Vec<Message>) {
    let mut errors = Vec::new();
    let mut save = SaveReport {
        expected_version: fields
            .get("version")
            .and_then(|v| v.parse().ok())
            .unwrap_or(-1),
        difficulties: fields.get("difficulties").cloned().unwrap_or_default(),
        proposals: fields.get("proposals").cloned().unwrap_or_default(),
        ..SaveReport::default()
    };
    for t in tasks {
        let get = |s: &str| {
            fields
                .get(&format!("t{}_{s}", t.task_id))
                .cloned()
                .unwrap_or_default()
        };
        let raw = get("status");
        let status = if raw.is_empty() {
            None
        } else {
            match TaskStatus::parse(&raw) {
                Some(s) => Some(s),
                None => {
                    errors.push(Message::new(
                        format!("{}: tình hình \"{raw}\" không có", t.reference),
                        format!("{}: no such status \"{raw}\"", t.reference),
                    ));
                    None
                }
            }
        };
        let (reason, results) = (get("reason"), get("results"));
        for (value, vi, en, max) in [
            (&reason, "lý do", "reason", REASON_CHARS),
            (&results, "kết quả", "results", crate::form::MAX_TEXT),
        ] {
            let n = value.chars().count();
            if n > max {
                errors.push(crate::form::too_long(
                    &format!("{} ({vi})", t.reference),
                    &format!("{} ({en})", t.reference),
                    n,
                    max,
                ));
            }
        }
        save.tasks.push(TaskEntry {
            task_id: t.task_id,
            status,
            reason,
            results,
        });
    }
    for (value, vi, en) in [
        (&save.difficulties, "Khó khăn, vướng mắc", "Difficulties"),
        (&save.proposals, "Đề xuất, kiến nghị", "Proposals"),
    ] {
        let n = value.chars().count();
        if n > crate::form::MAX_TEXT {
            errors.push(crate::form::too_long(vi, en, n, crate::form::MAX_TEXT));
        }
    }
    for ind in indicators {
        let mut push =
            |name: String, dim: &str, cat: &str, (vi, en): (String, String)| match parse_count(
                fields.get(&name).map_or("", String::as_str),
            ) {
                Ok(Some(v)) => save.values.push(ValueRow {
                    indicator_id: ind.id,
                    dimension: dim.into(),
                    category: cat.into(),
                    value: v,
                }),
                Ok(None) => {}
                Err(e) => errors.push(e.message().after(&vi, &en)),
            };
        push(
            field_total(ind),
            "",
            "",
            (ind.code.clone(), ind.code.clone()),
        );
        for d in ind.dims() {
            for (code, vi, en) in d.categories() {
                push(
                    field_cell(ind, d, code),
                    d.code(),
                    code,
                    (
                        format!("{} · {vi}", ind.code),
                        format!("{} · {en}", ind.code),
                    ),
                );
            }
        }
    }
    (save, errors)
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

/// The report form as posted: its fields, and the evidence file chosen with it. The page posts
/// multipart (text and a file in one save, so attaching keeps what was typed); a URL-encoded post
/// is read too.
async fn read_posted(
    state: &AppState,
    req: axum::extract::Request,
) -> AppResult<(Typed, Option<(String, String, Vec<u8>)>)> {
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
        tracing::warn!(error.message = %e, "form refused: unreadable multipart");
        AppError::refuse(
            "Biểu mẫu gửi lên không đọc được. Hãy tải lại trang rồi gửi lại.",
            "The form could not be read. Reload the page and send it again.",
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
    // (or the problems), not a page.
    let autosave = req.headers().contains_key("x-theodoi-autosave");
    let (fields, file) = read_posted(&state, req).await?;
    user.check_csrf(fields.get("csrf").map_or("", String::as_str))?;
    user.require(user.role.is_agency() && user.row.agency_id == Some(agency_id))?;
    let actor = actor(&user).ok_or(AppError::Forbidden)?;
    // The hot path reads only what a save is checked against; the full form is loaded only to
    // show a refused save again.
    let (tasks, indicators) = state.db.report_shape(round_id, agency_id).await?;
    if tasks.is_empty() {
        return Err(AppError::NotFound);
    }
    let (save, errors) = read_save(&tasks, &indicators, &fields);
    let mut errors: Vec<String> = errors.iter().map(|m| m.get(lang).to_string()).collect();
    // An approved report edited loses its approval: said before, and done only when asked.
    if state.db.report_status(round_id, agency_id).await? == Some(ReportStatus::Approved)
        && fields.get("void_approval").is_none_or(|v| v != "1")
    {
        errors.push(
            match lang {
                crate::i18n::Lang::Vi => {
                    "Báo cáo đã được lãnh đạo duyệt: lưu thay đổi sẽ hủy phê duyệt và lãnh đạo phải duyệt lại. Bấm «Lưu và hủy phê duyệt» nếu vẫn cần sửa."
                }
                crate::i18n::Lang::En => {
                    "The report is approved: saving a change voids the approval and the head must approve again. Press «Save and void the approval» if it still needs changing."
                }
            }
            .to_string(),
        );
    }
    if errors.is_empty() {
        match state
            .db
            .save_report(
                round_id,
                agency_id,
                &save,
                Some(user.id()),
                actor,
                OffsetDateTime::now_utc(),
            )
            .await
        {
            Ok(version) => {
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
                // "Lưu và trình lãnh đạo duyệt": the heads learn the report awaits them.
                let asked =
                    fields.get("ask").is_some_and(|v| v == "1") && actor == Actor::FocalPoint;
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
            Err(StoreError::Invalid(m) | StoreError::Conflict(m)) => {
                errors.extend(m.get(lang).lines().map(str::to_string));
            }
            Err(e) => return Err(e.into()),
        }
    }
    if autosave {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, errors.join("\n")).into_response());
    }
    // Refused: the same form again with what was typed, and why.
    let form = state
        .db
        .report_form(round_id, agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let ctx = Ctx::new(lang, Some(&user));
    let page = render_form(&state, ctx, &user, agency_id, form, Some(&fields), errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, pages::render(&page)?).into_response())
}

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
    user: User,
    Path((round_id, agency_id)): Path<(i64, i64)>,
    Form(f): Form<ActForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let actor = actor(&user).ok_or(AppError::Forbidden)?;
    if actor != Actor::Coordinator {
        user.require(user.row.agency_id == Some(agency_id))?;
    }
    let action = Action::parse(&f.action)
        .filter(|a| *a != Action::Save)
        .ok_or_else(|| {
            AppError::refuse(
                format!("Thao tác \"{}\" không có", f.action),
                format!("No such action \"{}\"", f.action),
            )
        })?;
    if f.comment.chars().count() > 5_000 {
        return Err(AppError::refuse(
            "Ý kiến quá dài (tối đa 5.000 ký tự)",
            "The comment is too long (at most 5,000 characters)",
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
                expected_version: f.version,
                comment: &f.comment,
                user_id: Some(user.id()),
                email: state.config.smtp_url.is_some(),
            },
            OffsetDateTime::now_utc(),
        )
        .await?;
    audit_by(
        &state,
        &user,
        &format!("report_{}", action.code()),
        Some(&format!("round:{round_id}/agency:{agency_id}")),
        Some(to.code()),
    )
    .await?;
    Ok(Redirect::to(&format!("/rounds/{round_id}/reports/{agency_id}")).into_response())
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
    Ok(Redirect::to(&format!("/rounds/{round_id}/reports/{agency_id}")).into_response())
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

pub async fn snapshot(
    State(state): State<AppState>,
    user: User,
    Path((round_id, agency_id, version)): Path<(i64, i64, i32)>,
) -> AppResult<Response> {
    user.require(may_see(&user, agency_id))?;
    let form = state
        .db
        .report_form(round_id, agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let report = form.report.ok_or(AppError::NotFound)?;
    let (_, content, _) = state
        .db
        .snapshots(report.id)
        .await?
        .into_iter()
        .find(|s| s.0 == version)
        .ok_or(AppError::NotFound)?;
    Ok((
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        content,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// Reminders: each account's own, and the round's log for the coordinator.

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    ctx: Ctx,
    rows: Vec<theodoi_store::reminders::NotificationRow>,
}

pub async fn notifications(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
) -> AppResult<Html<String>> {
    let rows = state.db.notifications_for(user.id(), 200).await?;
    pages::render(&NotificationsPage {
        ctx: Ctx::new(lang, Some(&user)),
        rows,
    })
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn mark_read(
    State(state): State<AppState>,
    user: User,
    Form(f): Form<CsrfOnly>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    state
        .db
        .mark_read(user.id(), OffsetDateTime::now_utc())
        .await?;
    Ok(Redirect::to("/notifications").into_response())
}

#[derive(Template)]
#[template(path = "reminder_log.html")]
struct ReminderLogPage {
    ctx: Ctx,
    round: RoundRow,
    rows: Vec<theodoi_store::reminders::SentRow>,
}

pub async fn reminder_log(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    user.require(user.role.sees_all_agencies())?;
    let round = state.db.round(id).await?.ok_or(AppError::NotFound)?;
    let rows = state.db.notification_log(id).await?;
    pages::render(&ReminderLogPage {
        ctx: Ctx::new(lang, Some(&user)),
        round,
        rows,
    })
}

// ---------------------------------------------------------------------------------------------
// The statistical annex of a round, consolidated from its accepted reports.

async fn annex(state: &AppState, user: &User, id: i64, format: &str) -> AppResult<Response> {
    user.require(user.role.sees_all_agencies())?;
    let c = theodoi_app::consolidation::build(&state.db, id).await?;
    audit_by(
        state,
        user,
        "annex_exported",
        Some(&format!("round:{id}")),
        Some(format),
    )
    .await?;
    let name = format!("phu-luc-so-lieu-dot-{id}.{format}");
    Ok(match format {
        "xlsx" => pages::download(
            &name,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            theodoi_report::xlsx::annex(&c)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))?,
        ),
        "missing.xlsx" => pages::download(
            &format!("chua-tiep-nhan-dot-{id}.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            theodoi_report::xlsx::missing(&c, &Default::default())
                .map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))?,
        ),
        "missing.csv" => pages::download(
            &format!("chua-tiep-nhan-dot-{id}.csv"),
            "text/csv; charset=utf-8",
            theodoi_report::csv::missing(&c).into_bytes(),
        ),
        _ => pages::download(
            &name,
            "text/csv; charset=utf-8",
            theodoi_report::csv::annex(&c).into_bytes(),
        ),
    })
}

/// The bodies whose reports are not accepted, as a file of their own.
pub async fn missing_xlsx(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    annex(&state, &user, id, "missing.xlsx").await
}

pub async fn missing_csv(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    annex(&state, &user, id, "missing.csv").await
}

pub async fn annex_xlsx(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    annex(&state, &user, id, "xlsx").await
}

pub async fn annex_csv(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    annex(&state, &user, id, "csv").await
}

// ---------------------------------------------------------------------------------------------
// The one-page view for leaders: charts with the tables behind them.

struct DashTable {
    title: String,
    svg: String,
    headers: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
}

impl DashTable {
    /// Stacked bars and their table from counts per row and series.
    fn bars(title: &str, series: &[(&str, &str)], rows: Vec<(String, Vec<i64>)>) -> Self {
        Self {
            title: title.to_string(),
            svg: crate::charts::stacked_bars(title, series, &rows),
            headers: series.iter().map(|s| s.0.to_string()).collect(),
            rows: rows
                .into_iter()
                .map(|(k, v)| (k, v.iter().map(i64::to_string).collect()))
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    round: RoundRow,
    charts: Vec<DashTable>,
    late: Vec<BodyLine>,
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

    // Completeness and timeliness by kind of body.
    let order = [
        Timeliness::OnTime,
        Timeliness::Late,
        Timeliness::Overdue,
        Timeliness::Pending,
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

    // Task progress by part of the plan and status, from the lead bodies' accepted reports.
    let statuses = theodoi_domain::report::ALL_TASK_STATUSES;
    let mut by_part: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for n in state
        .db
        .round_narrative(id)
        .await?
        .into_iter()
        .filter(|n| n.role == "lead")
    {
        let part = n.reference.split('.').next().unwrap_or("").to_string();
        let slot = by_part
            .entry(part)
            .or_insert_with(|| vec![0; statuses.len()]);
        if let Some(i) = n
            .status
            .as_deref()
            .and_then(TaskStatus::parse)
            .and_then(|s| statuses.iter().position(|x| *x == s))
        {
            slot[i] += 1;
        }
    }
    let series: Vec<(&str, &str)> = statuses
        .iter()
        .map(|s| {
            (
                ctx.t(s.label_vi(), s.label_en()),
                crate::charts::task_status_colour(*s),
            )
        })
        .collect();
    let rows: Vec<(String, Vec<i64>)> = by_part.into_iter().collect();
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

    charts.push(trends(&state, &ctx, round.plan_id, Some(&round)).await?);

    let (late_rows, late_total) = state.db.round_bodies(id, "late", end, now, 20, 0).await?;
    let late = late_rows
        .into_iter()
        .map(|p| BodyLine {
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

/// Totals of the first indicators over a plan's rounds, oldest first, up to `upto`.
async fn trends(
    state: &AppState,
    ctx: &Ctx,
    plan_id: i64,
    upto: Option<&RoundRow>,
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
    let points: Vec<String> = rounds.iter().map(|r| r.round.label.clone()).collect();
    Ok(DashTable {
        title: ctx
            .t(
                "Xu hướng một số chỉ tiêu qua các kỳ",
                "Indicator trends over the rounds",
            )
            .into(),
        svg: crate::charts::lines("trends", &points, &series),
        headers: points.clone(),
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
    let statuses = theodoi_domain::report::ALL_TASK_STATUSES;
    let mut by_part: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for t in &data.0.tasks {
        let part = t.reference.split('.').next().unwrap_or("").to_string();
        // One more column for tasks no lead has reported on yet.
        let slot = by_part
            .entry(part)
            .or_insert_with(|| vec![0; statuses.len() + 1]);
        let i = latest
            .get(&t.id)
            .and_then(|s| TaskStatus::parse(s))
            .and_then(|s| statuses.iter().position(|x| *x == s))
            .unwrap_or(statuses.len());
        slot[i] += 1;
    }
    let mut series: Vec<(&str, &str)> = statuses
        .iter()
        .map(|s| {
            (
                ctx.t(s.label_vi(), s.label_en()),
                crate::charts::task_status_colour(*s),
            )
        })
        .collect();
    series.push((
        ctx.t("Chưa có báo cáo", "Not yet reported"),
        crate::charts::NOT_REPORTED,
    ));
    let rows: Vec<(String, Vec<i64>)> = by_part.into_iter().collect();
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
    let series = [
        (ctx.t("Đã tiếp nhận", "Accepted"), crate::charts::DONE),
        (
            ctx.t("Đã gửi, chờ xử lý", "Submitted"),
            crate::charts::IN_PROGRESS,
        ),
        (
            ctx.t("Chưa gửi", "Not submitted"),
            crate::charts::NOT_REPORTED,
        ),
    ];
    let rows: Vec<(String, Vec<i64>)> = rounds
        .iter()
        .map(|r| {
            (
                r.round.label.clone(),
                vec![
                    r.accepted,
                    r.submitted - r.accepted,
                    r.expected - r.submitted,
                ],
            )
        })
        .collect();
    charts.push(DashTable::bars(
        ctx.t("Tiến độ gửi báo cáo qua các kỳ", "Reports over the rounds"),
        &series,
        rows,
    ));
    charts.push(trends(&state, &ctx, id, None).await?);
    pages::render(&PlanDashboardPage {
        ctx,
        plan_id: id,
        title: data.0.summary.title.clone(),
        charts,
    })
}
