//! Every list as XLSX or CSV: a plan's tasks, the agency directory, a round's bodies and its
//! reports' entries. Cells that a spreadsheet would run as a formula are neutralised by
//! `theodoi_report` (= + - @).

use crate::auth::User;
use crate::error::{AppError, AppResult};
use crate::form::Path;
use crate::{AppState, audit_by};
use axum::extract::State;
use axum::response::Response;
use theodoi_domain::Timeliness;
use theodoi_report::csv::Cell;
use time::OffsetDateTime;

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn n(v: i64) -> Cell {
    Cell::Number(v as f64)
}

/// Write `rows` in the asked format as a download.
pub(crate) fn export(
    name: &str,
    format: &str,
    headers: &[&str],
    rows: &[Vec<Cell>],
) -> AppResult<Response> {
    let (bytes, kind) = match format {
        "csv" => (
            theodoi_report::csv::table(headers, rows).into_bytes(),
            "text/csv; charset=utf-8",
        ),
        "xlsx" => (
            theodoi_report::xlsx::table(name, headers, rows)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        other => {
            return Err(AppError::refuse(
                format!("Định dạng \"{other}\" không có; chọn csv hoặc xlsx"),
                format!("No format \"{other}\": csv or xlsx"),
            ));
        }
    };
    Ok(crate::pages::download(
        &format!("{name}.{format}"),
        kind,
        bytes,
    ))
}

/// A plan's tasks with their leads and coordinating bodies.
pub async fn plan_tasks(
    State(state): State<AppState>,
    user: User,
    Path((id, format)): Path<(i64, String)>,
) -> AppResult<Response> {
    let data = state.plan_data(id).await?;
    let view = &data.0;
    let names = |task: i64, role: &str| -> String {
        view.assignments
            .iter()
            .filter(|a| a.task_id == task && a.role.code() == role)
            .map(|a| a.agency_name.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let rows: Vec<Vec<Cell>> = view
        .tasks
        .iter()
        .map(|task| {
            vec![
                t(task.reference.clone()),
                t(task.title.clone()),
                t(task.time_text.clone()),
                t(names(task.id, "lead")),
                t(names(task.id, "coordinating")),
            ]
        })
        .collect();
    audit_by(
        &state,
        &user,
        "list_exported",
        Some(&format!("plan:{id}/tasks")),
        Some(&format),
    )
    .await?;
    export(
        &format!("nhiem-vu-ke-hoach-{id}"),
        &format,
        &["Mục", "Nhiệm vụ", "Thời gian", "Chủ trì", "Phối hợp"],
        &rows,
    )
}

/// The agency directory.
pub async fn agencies(
    State(state): State<AppState>,
    user: User,
    Path(format): Path<String>,
) -> AppResult<Response> {
    let rows: Vec<Vec<Cell>> = state
        .db
        .list_agencies()
        .await?
        .into_iter()
        .map(|a| {
            vec![
                t(a.code),
                t(a.name),
                t(a.kind),
                t(if a.is_group { "nhóm" } else { "" }),
                n(a.lead_count),
                n(a.coordinating_count),
                n(a.responsibility_count),
            ]
        })
        .collect();
    audit_by(
        &state,
        &user,
        "list_exported",
        Some("agencies"),
        Some(&format),
    )
    .await?;
    export(
        "co-quan",
        &format,
        &[
            "Mã",
            "Tên",
            "Loại",
            "Nhóm",
            "Chủ trì",
            "Phối hợp",
            "Trách nhiệm (mục III)",
        ],
        &rows,
    )
}

fn timeliness_vi(t: Timeliness) -> &'static str {
    match t {
        Timeliness::OnTime => "Đúng hạn",
        Timeliness::Late => "Trễ hạn",
        Timeliness::Pending => "Chưa đến hạn",
        Timeliness::Overdue => "Quá hạn, chưa gửi",
    }
}

/// A round's bodies: status, first submission, timeliness. `late` keeps the late and overdue.
pub async fn round_bodies(
    State(state): State<AppState>,
    user: User,
    Path((id, list, format)): Path<(i64, String, String)>,
) -> AppResult<Response> {
    user.require(user.role.sees_all_agencies())?;
    let round = state.db.round(id).await?.ok_or(AppError::NotFound)?;
    let now = OffsetDateTime::now_utc();
    let mut rows = Vec::new();
    match list.as_str() {
        "bodies" | "late" => {
            for b in state.db.round_progress(id).await? {
                let timeliness = Timeliness::of(round.agency_deadline, b.first_submitted_at, now);
                // The coordinating body is not late against itself.
                if list == "late"
                    && (!b.counted || !matches!(timeliness, Timeliness::Late | Timeliness::Overdue))
                {
                    continue;
                }
                let kind = theodoi_domain::AgencyKind::from_code(&b.agency_kind)
                    .map_or(b.agency_kind.clone(), |k| k.label_vi().to_string());
                rows.push(vec![
                    t(b.agency_name),
                    t(kind),
                    n(b.tasks),
                    t(theodoi_domain::report::standing_vi(
                        b.status
                            .as_deref()
                            .and_then(theodoi_domain::ReportStatus::parse),
                    )
                    .to_string()),
                    t(b.first_submitted_at
                        .map(|x| crate::pages::when(&x))
                        .unwrap_or_default()),
                    t(if b.counted {
                        timeliness_vi(timeliness)
                    } else {
                        "Cơ quan tổng hợp, không tính"
                    }),
                ]);
            }
            audit_by(
                &state,
                &user,
                "list_exported",
                Some(&format!("round:{id}/{list}")),
                Some(&format),
            )
            .await?;
            export(
                &format!("{list}-dot-{id}"),
                &format,
                &[
                    "Cơ quan, địa phương",
                    "Loại",
                    "Số nhiệm vụ",
                    "Trạng thái",
                    "Gửi lần đầu",
                    "Kịp thời",
                ],
                &rows,
            )
        }
        "reports" => {
            for r in state.db.round_narrative(id).await? {
                rows.push(vec![
                    t(r.reference),
                    t(r.title),
                    t(r.agency_name),
                    t(if r.role == theodoi_domain::Role::Lead {
                        "chủ trì"
                    } else {
                        "phối hợp"
                    }),
                    t(r.status
                        .as_deref()
                        .and_then(theodoi_domain::report::TaskStatus::parse)
                        .map_or("", |s| s.label_vi())
                        .to_string()),
                    t(r.results),
                ]);
            }
            audit_by(
                &state,
                &user,
                "list_exported",
                Some(&format!("round:{id}/reports")),
                Some(&format),
            )
            .await?;
            export(
                &format!("bao-cao-dot-{id}"),
                &format,
                &[
                    "Mục",
                    "Nhiệm vụ",
                    "Cơ quan",
                    "Vai trò",
                    "Tình hình",
                    "Kết quả",
                ],
                &rows,
            )
        }
        _ => Err(AppError::NotFound),
    }
}
