//! What the coordinator defines as data: reporting regimes (frequency, cut-off windows, deadlines
//! per level, reminder offsets) and indicators (code, name, unit, aggregation, breakdowns).

use crate::auth::{UiLang, User};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::pages::{self, Ctx};
use crate::{AppState, audit_by};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use theodoi_domain::indicator::{ALL_DIMENSIONS, Aggregation, Dimension, IndicatorDef};
use theodoi_domain::{Level, Regime, ReportFrequency, Windows};
use theodoi_store::rounds::{IndicatorRow, NewRegime, RegimeRow};

#[derive(Template)]
#[template(path = "regimes.html")]
struct RegimesPage {
    ctx: Ctx,
    regimes: Vec<RegimeRow>,
}

pub async fn regimes(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
) -> AppResult<Html<String>> {
    user.require(user.role.sees_all_agencies())?;
    pages::render(&RegimesPage {
        ctx: Ctx::new(lang, Some(&user)),
        regimes: state.db.regimes().await?,
    })
}

#[derive(Deserialize)]
pub struct RegimeForm {
    csrf: String,
    code: String,
    name: String,
    kind: String,
    #[serde(default)]
    frequency: String,
    windows: String,
    agency_days: String,
    #[serde(default)]
    coordinator_days: String,
    #[serde(default)]
    committee_days: String,
    reminder_offsets: String,
}

/// A number of working days from the field labelled `vi` (`en`); blank is none.
fn days(s: &str, vi: &str, en: &str) -> AppResult<Option<u32>> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<u32>().map(Some).map_err(|_| {
        AppError::refuse(
            format!("{vi}: \"{s}\" phải là số ngày làm việc"),
            format!("{en}: \"{s}\" must be a number of working days"),
        )
    })
}

pub async fn create_regime(
    State(state): State<AppState>,
    user: User,
    Form(f): Form<RegimeForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    user.require(user.role.coordinates())?;
    crate::form::check_len("Tên chế độ", "Name", &f.name, crate::form::MAX_LINE)?;
    crate::form::check_len(
        "Các mốc nhắc hạn",
        "Reminder days",
        &f.reminder_offsets,
        200,
    )?;
    let code = f.code.trim().to_uppercase();
    if code.is_empty() || code.len() > 32 || f.name.trim().is_empty() {
        return Err(AppError::refuse(
            "Cần mã (tối đa 32 ký tự) và tên",
            "A code (up to 32 characters) and a name are needed",
        ));
    }
    let kind = match f.kind.as_str() {
        k @ ("periodic" | "thematic" | "ad_hoc") => k,
        k => {
            return Err(AppError::refuse(
                format!("Loại \"{k}\" không có"),
                format!("No such kind \"{k}\""),
            ));
        }
    };
    let windows = match f.windows.as_str() {
        "calendar" => Windows::Calendar,
        "decree09" => Windows::Decree09,
        w => {
            return Err(AppError::refuse(
                format!("Cách chốt số liệu \"{w}\" không có"),
                format!("No such way of cutting off the figures \"{w}\""),
            ));
        }
    };
    let frequency = match kind {
        "periodic" => Some(ReportFrequency::parse(&f.frequency).ok_or_else(|| {
            AppError::refuse(
                "Báo cáo định kỳ cần tần suất",
                "A periodic regime needs a frequency",
            )
        })?),
        _ => None,
    };
    let agency = days(&f.agency_days, "Hạn cơ quan", "Agencies' deadline")?.ok_or_else(|| {
        AppError::refuse(
            "Cần hạn của các cơ quan",
            "The agencies' deadline is needed",
        )
    })?;
    let coordinator = days(
        &f.coordinator_days,
        "Hạn Sở Tư pháp",
        "Department of Justice's deadline",
    )?;
    let committee = days(
        &f.committee_days,
        "Hạn UBND",
        "City People's Committee's deadline",
    )?;
    let mut levels = vec![(Level::Agency, agency)];
    levels.extend(coordinator.map(|d| (Level::Coordinator, d)));
    levels.extend(committee.map(|d| (Level::PeopleCommittee, d)));
    Regime {
        code: code.clone(),
        name: f.name.trim().to_string(),
        frequency: frequency.unwrap_or(ReportFrequency::Annual),
        windows,
        levels,
    }
    .validate()
    .map_err(|e| AppError::BadRequest(e.message()))?;
    let offsets = theodoi_domain::reminder::parse_offsets(&f.reminder_offsets)
        .map_err(AppError::BadRequest)?;
    let offsets: Vec<String> = offsets.iter().map(i32::to_string).collect();
    let as_i32 = |d: u32| i32::try_from(d).unwrap_or(i32::MAX);
    let id = state
        .db
        .create_regime(
            &NewRegime {
                code: &code,
                name: f.name.trim(),
                kind,
                frequency: frequency.map(|f| f.code()),
                windows: if windows == Windows::Calendar {
                    "calendar"
                } else {
                    "decree09"
                },
                agency_days: as_i32(agency),
                coordinator_days: coordinator.map(as_i32),
                committee_days: committee.map(as_i32),
                reminder_offsets: &offsets.join(","),
            },
            time::OffsetDateTime::now_utc(),
        )
        .await?;
    audit_by(
        &state,
        &user,
        "regime_created",
        Some(&format!("regime:{id}")),
        None,
    )
    .await?;
    Ok(Redirect::to("/regimes").into_response())
}

struct IndicatorView {
    row: IndicatorRow,
    dims: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "indicators.html")]
struct IndicatorsPage {
    ctx: Ctx,
    indicators: Vec<IndicatorView>,
    dimensions: Vec<(&'static str, &'static str)>,
}

pub async fn indicators(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
) -> AppResult<Html<String>> {
    user.require(user.role.sees_all_agencies())?;
    let ctx = Ctx::new(lang, Some(&user));
    let indicators = state
        .db
        .indicators(false)
        .await?
        .into_iter()
        .map(|row| IndicatorView {
            dims: row
                .dims()
                .into_iter()
                .map(|d| ctx.t(d.label_vi(), d.label_en()))
                .collect(),
            row,
        })
        .collect();
    let dimensions = ALL_DIMENSIONS
        .iter()
        .map(|d| (d.code(), ctx.t(d.label_vi(), d.label_en())))
        .collect();
    pages::render(&IndicatorsPage {
        ctx,
        indicators,
        dimensions,
    })
}

pub async fn save_indicator(
    State(state): State<AppState>,
    user: User,
    Form(raw): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let get = |k: &str| {
        raw.iter()
            .find(|(n, _)| n == k)
            .map_or(String::new(), |(_, v)| v.trim().to_string())
    };
    user.check_csrf(&get("csrf"))?;
    user.require(user.role.coordinates())?;
    crate::form::check_len("Mã chỉ tiêu", "Code", &get("code"), 32)?;
    crate::form::check_len("Tên chỉ tiêu", "Name", &get("name"), crate::form::MAX_LINE)?;
    crate::form::check_len("Đơn vị tính", "Unit", &get("unit"), 50)?;
    let dimensions: Vec<Dimension> = raw
        .iter()
        .filter(|(n, _)| n == "dimension")
        .map(|(_, v)| {
            Dimension::parse(v).ok_or_else(|| {
                AppError::refuse(
                    format!("Phân tổ \"{v}\" không có"),
                    format!("No such breakdown \"{v}\""),
                )
            })
        })
        .collect::<AppResult<_>>()?;
    let def = IndicatorDef {
        code: get("code").to_uppercase(),
        name: get("name"),
        unit: get("unit"),
        aggregation: Aggregation::parse(&get("aggregation")).ok_or_else(|| {
            AppError::refuse("Cách tổng hợp không có", "No such way of aggregating")
        })?,
        dimensions,
        required: get("required") == "on",
    };
    let id = state
        .db
        .save_indicator(&def, get("inactive") != "on", get("public") == "on")
        .await?;
    audit_by(
        &state,
        &user,
        "indicator_saved",
        Some(&format!("indicator:{id}")),
        Some(&def.code),
    )
    .await?;
    Ok(Redirect::to("/indicators").into_response())
}
