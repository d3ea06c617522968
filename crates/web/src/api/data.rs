//! Data exchange through the API: `POST /api/v1/data/import` and `GET /api/v1/data/export`, the
//! same rows, checks and outcomes as `theodoi data import|export` (theodoi_app::exchange; see
//! docs/operations/data-exchange.md). The coordinator imports for any body, a body's focal point
//! or head for its own report only; a body's account exports its own body's values only.

use super::{ApiError, ApiResult, ApiUser, ErrorBody, accept_language, json, ok};
use crate::AppState;
use crate::i18n::Lang;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use theodoi_app::exchange::{self, ExportScope, Format, ImportOptions, Importer, Outcome};
use utoipa::{IntoParams, ToSchema};

/// One value keyed by codes.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DataValueItem {
    /// The indicator's code.
    pub indicator: String,
    /// The breakdown's code; empty (or left out) for the total.
    #[serde(default)]
    pub dimension: String,
    /// The category's code within the breakdown; empty for the total.
    #[serde(default)]
    pub category: String,
    /// The body's code.
    pub body: String,
    /// The round's period: first day and ISO 8601 length, e.g. 2026-01-01/P6M.
    pub period: String,
    /// The plan's number, when two plans have a round of the same period.
    #[serde(default)]
    pub plan: String,
    /// A whole, non-negative count.
    pub value: i64,
}

/// A set of values: `{"dataValues": [...]}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataValueSetBody {
    pub data_values: Vec<DataValueItem>,
}

/// What became of one row.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RowResult {
    /// The row's number in the request, from 1.
    pub row: i64,
    pub indicator: String,
    pub dimension: String,
    pub category: String,
    pub body: String,
    pub period: String,
    /// The value as sent.
    pub value: String,
    /// created, updated, unchanged or refused.
    pub outcome: String,
    /// The value it replaces, for an updated row.
    pub old: Option<i64>,
    /// Why it was refused, in the language asked for.
    pub reason: Option<String>,
}

/// What an import did (or, dry, would do).
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportResult {
    pub dry_run: bool,
    pub partial: bool,
    /// Whether anything was written.
    pub written: bool,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub refused: i64,
    pub reports_saved: i64,
    pub rows: Vec<RowResult>,
}

/// Flags of an import.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportFlags {
    /// Say what would be created, updated or refused, and write nothing.
    pub dry_run: Option<bool>,
    /// Write the valid rows even when some are refused.
    pub partial: Option<bool>,
}

/// Which values to export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// The round's id.
    pub round: i64,
    /// json (the default) or csv.
    pub format: Option<ExportFormat>,
    /// Every stored report, drafts included; by default accepted reports only.
    pub all: Option<bool>,
}

/// The export's formats, as the query names them.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Json,
    Csv,
}

fn query<T: serde::de::DeserializeOwned>(uri: &Uri) -> ApiResult<T> {
    serde_urlencoded::from_str(uri.query().unwrap_or_default()).map_err(|e| {
        ApiError::bad_request(
            format!("Tham số không đọc được: {e}"),
            format!("The query cannot be read: {e}"),
        )
    })
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Import values into the bodies' draft reports (JSON `{"dataValues": [...]}`, or CSV with
/// `Content-Type: text/csv`). 200 when no row is refused (or, with `partial`, once the valid
/// rows are written); 422 with every row's outcome when a row is refused and nothing was written.
#[utoipa::path(
    post,
    path = "/api/v1/data/import",
    tag = "data",
    params(ImportFlags),
    request_body(content = DataValueSetBody, description = "The values; CSV with the same columns is accepted as text/csv"),
    responses(
        (status = 200, description = "Every row's outcome", body = ImportResult),
        (status = 400, description = "The document cannot be read", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "A read-only token, or a role that does not enter values", body = ErrorBody),
        (status = 422, description = "Rows refused, nothing written: every row's outcome", body = ImportResult),
        (status = 503, description = "The database cannot be reached", body = ErrorBody),
    )
)]
pub async fn import(
    State(state): State<AppState>,
    who: ApiUser,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult {
    who.require_write()?;
    let flags: ImportFlags = query(&uri)?;
    let importer =
        Importer::for_account(&who.user.row).map_err(|m| ApiError::Forbidden("forbidden", m))?;
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv"));
    let format = if csv { Format::Csv } else { Format::Json };
    // Read here rather than by axum's `String`, whose refusal is plain text, not the API's JSON.
    let body = std::str::from_utf8(&body).map_err(|e| {
        ApiError::bad_request(
            format!("Nội dung gửi lên không phải văn bản UTF-8: {e}"),
            format!("The body is not UTF-8 text: {e}"),
        )
    })?;
    let rows = exchange::read(format, body).map_err(|e| ApiError::BadRequest(e.0))?;
    let opts = ImportOptions {
        dry_run: flags.dry_run.unwrap_or(false),
        partial: flags.partial.unwrap_or(false),
    };
    let report = exchange::import(
        &state.db,
        &rows,
        &importer,
        opts,
        time::OffsetDateTime::now_utc(),
    )
    .await
    .map_err(ApiError::Internal)?;
    let lang = accept_language(&headers);
    let result = ImportResult {
        dry_run: report.dry_run,
        partial: report.partial,
        written: report.written,
        created: count(report.created),
        updated: count(report.updated),
        unchanged: count(report.unchanged),
        refused: count(report.refused),
        reports_saved: count(report.reports_saved),
        rows: report
            .rows
            .into_iter()
            .map(|r| {
                let (outcome, old, reason) = match r.outcome {
                    Outcome::Created => ("created", None, None),
                    Outcome::Updated { old } => ("updated", Some(old), None),
                    Outcome::Unchanged => ("unchanged", None, None),
                    Outcome::Refused {
                        reason_vi,
                        reason_en,
                    } => (
                        "refused",
                        None,
                        Some(if lang == Lang::En {
                            reason_en
                        } else {
                            reason_vi
                        }),
                    ),
                };
                RowResult {
                    row: count(r.row),
                    indicator: r.value.indicator,
                    dimension: r.value.dimension,
                    category: r.value.category,
                    body: r.value.body,
                    period: r.value.period,
                    value: r.value.value,
                    outcome: outcome.into(),
                    old,
                    reason,
                }
            })
            .collect(),
    };
    let status = if result.refused > 0 && !result.written && !opts.dry_run {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(json(status, &result))
}

/// A round's values keyed by codes: accepted reports by default, every stored report with
/// `all`; a body's account gets its own body's values only.
#[utoipa::path(
    get,
    path = "/api/v1/data/export",
    tag = "data",
    params(ExportQuery),
    responses(
        (status = 200, description = "The values (text/csv with format=csv)", body = DataValueSetBody),
        (status = 400, description = "The query cannot be read", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The role reads no reports (inspector)", body = ErrorBody),
        (status = 404, description = "No such round", body = ErrorBody),
        (status = 422, description = "The round has no period to key its values by", body = ErrorBody),
        (status = 503, description = "The database cannot be reached", body = ErrorBody),
    )
)]
pub async fn export(State(state): State<AppState>, who: ApiUser, uri: Uri) -> ApiResult {
    let q: ExportQuery = query(&uri)?;
    let role = who.role();
    let own = if role.sees_all_agencies() {
        None
    } else if role.is_agency() {
        Some(who.user.row.agency_id.ok_or(ApiError::NotFound)?)
    } else {
        who.require(false)?;
        None
    };
    let format = match q.format {
        None | Some(ExportFormat::Json) => Format::Json,
        Some(ExportFormat::Csv) => Format::Csv,
    };
    let round = state.db.round(q.round).await?.ok_or(ApiError::NotFound)?;
    if exchange::period_of(&round).is_none() {
        return Err(ApiError::Unprocessable(theodoi_text::Message::new(
            "Đợt báo cáo đột xuất không có kỳ để xuất theo mã",
            "An ad-hoc round has no period to key its values by",
        )));
    }
    let scope = if q.all.unwrap_or(false) {
        ExportScope::All
    } else {
        ExportScope::Accepted
    };
    let mut rows = exchange::export(&state.db, q.round, scope)
        .await
        .map_err(ApiError::Internal)?;
    if let Some(agency) = own {
        let code = state
            .db
            .list_agencies()
            .await?
            .into_iter()
            .find(|a| a.id == agency)
            .map(|a| a.code)
            .unwrap_or_default();
        rows.retain(|r| r.body == code);
    }
    Ok(match format {
        Format::Json => ok(&DataValueSetBody {
            data_values: rows
                .into_iter()
                .map(|r| DataValueItem {
                    value: r.value.parse().unwrap_or(0),
                    indicator: r.indicator,
                    dimension: r.dimension,
                    category: r.category,
                    body: r.body,
                    period: r.period,
                    plan: r.plan,
                })
                .collect(),
        }),
        Format::Csv => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            exchange::write(Format::Csv, &rows),
        )
            .into_response(),
    })
}
