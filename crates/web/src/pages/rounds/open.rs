//! The list of rounds and opening one: periods a regime can open, overlap confirmation.

use super::*;

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

/// The opening form as typed, shown back with what was refused in it.
struct Refused {
    plan_id: i64,
    choice: String,
    title: String,
    window_start: String,
    window_end: String,
    deadline: String,
    why: String,
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
    refused: Option<Refused>,
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
    Ok(pages::render(&list_page(&state, lang, &user, None, None).await?)?.into_response())
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
    refused: Option<Refused>,
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
                let value = format!("{y}-{}", p.index);
                // The period typed before a refusal, else the first one still to open.
                let selected = match &refused {
                    Some(t) => t.choice == format!("{}:{value}", r.id),
                    None => !chosen && !opened && p.window(windows).end >= today,
                };
                chosen |= selected;
                choices.push(PeriodChoice {
                    value,
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
        refused,
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
    // Everything read from the form before the database is asked: a refusal here comes back on
    // the form, said above it, with what was typed.
    let read = || -> AppResult<_> {
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
                .ok_or_else(|| {
                    AppError::refuse("Chế độ này không định kỳ", "Not a periodic regime")
                })?;
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
        let agency_deadline = parts
            .5
            .ok_or_else(|| AppError::refuse("Thiếu hạn báo cáo", "The deadline is missing"))?;
        Ok((parts, agency_deadline))
    };
    let (parts, agency_deadline) = match read() {
        Ok(read) => read,
        Err(AppError::BadRequest(why)) => {
            let refused = Refused {
                plan_id: f.plan_id,
                choice: f.choice.clone(),
                title: f.title.clone(),
                window_start: f.window_start.clone(),
                window_end: f.window_end.clone(),
                deadline: f.deadline.clone(),
                why: why.get(lang).to_string(),
            };
            let page = list_page(&state, lang, &user, None, Some(refused)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, pages::render(&page)?).into_response());
        }
        Err(e) => return Err(e),
    };
    let (kind, title, label, period, window, _, coordinator, committee, regime_id, offsets) = parts;
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
        let page = list_page(&state, lang, &user, Some(pending), None).await?;
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
