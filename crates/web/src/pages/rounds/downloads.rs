//! The round's statistical annex and the list of bodies not yet accepted, as XLSX and CSV.

use super::*;

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
