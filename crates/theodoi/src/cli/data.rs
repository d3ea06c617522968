//! `theodoi data export|import`: indicator values in and out as JSON or CSV keyed by codes (see
//! docs/operations/data-exchange.md). The checking lives in theodoi_app::exchange, shared with the
//! API.

use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use theodoi_app::exchange::{self, ExportScope, Format, ImportOptions, Importer, Outcome};
use theodoi_store::Db;
use theodoi_store::accounts::AuditEntry;

fn format_of(format: Option<&str>, path: Option<&Path>) -> anyhow::Result<Format> {
    if let Some(f) = format {
        return Format::parse(f).with_context(|| {
            format!(
                "định dạng «{f}» không có: dùng json hoặc csv (format \"{f}\": use json or csv)"
            )
        });
    }
    let ext = path
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    Ok(match ext.as_deref() {
        Some("csv") => Format::Csv,
        _ => Format::Json,
    })
}

/// Find the round: by id, or by its period (and plan number when two plans share it).
async fn round_id(
    db: &Db,
    round: Option<i64>,
    period: Option<&str>,
    plan: Option<&str>,
) -> anyhow::Result<i64> {
    if let Some(id) = round {
        return Ok(id);
    }
    let Some(period) = period else {
        anyhow::bail!("hãy chọn đợt báo cáo: --round ID hoặc --period 2026-01-01/P6M");
    };
    let Some((start, months)) = exchange::parse_period(period) else {
        anyhow::bail!(
            "kỳ «{period}» không đúng dạng ngày-bắt-đầu/độ-dài, ví dụ 2026-01-01/P6M (period is start/length)"
        );
    };
    let found: Vec<i64> = db
        .rounds(None)
        .await?
        .into_iter()
        .map(|s| s.round)
        .filter(|r| r.period_start == Some(start) && r.period_months == Some(months))
        .filter(|r| plan.is_none_or(|p| r.plan_number.as_deref() == Some(p)))
        .map(|r| r.id)
        .collect();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => anyhow::bail!("không có đợt báo cáo nào của kỳ {period} (no round of {period})"),
        _ => anyhow::bail!(
            "kỳ {period} có {} đợt báo cáo: thêm --plan SỐ hoặc dùng --round ID ({} rounds share the period)",
            found.len(),
            found.len()
        ),
    }
}

pub struct ExportArgs<'a> {
    pub round: Option<i64>,
    pub period: Option<&'a str>,
    pub plan: Option<&'a str>,
    pub format: Option<&'a str>,
    pub output: Option<&'a Path>,
    pub all: bool,
}

pub async fn export(db: &Db, a: ExportArgs<'_>) -> anyhow::Result<ExitCode> {
    let format = format_of(a.format, a.output)?;
    let id = round_id(db, a.round, a.period, a.plan).await?;
    let scope = if a.all {
        ExportScope::All
    } else {
        ExportScope::Accepted
    };
    let rows = exchange::export(db, id, scope).await?;
    let text = exchange::write(format, &rows);
    match a.output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("ghi {}", path.display()))?;
            eprintln!(
                "theodoi: {} giá trị của đợt {id} → {} ({} values)",
                rows.len(),
                path.display(),
                rows.len()
            );
        }
        None => out!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

pub struct ImportArgs<'a> {
    pub file: &'a PathBuf,
    pub format: Option<&'a str>,
    pub dry_run: bool,
    pub partial: bool,
    pub as_user: Option<&'a str>,
    pub json: bool,
}

pub async fn import(db: &Db, a: ImportArgs<'_>) -> anyhow::Result<ExitCode> {
    let format = format_of(a.format, Some(a.file))?;
    let text = std::fs::read_to_string(a.file)
        .with_context(|| format!("đọc {} (reading)", a.file.display()))?;
    let rows = exchange::read(format, &text)
        .map_err(|e| anyhow::anyhow!("{}: {} ({})", a.file.display(), e.0.vi, e.0.en))?;
    let who = match a.as_user {
        Some(name) => {
            let Some(user) = db.user_by_username(name).await? else {
                anyhow::bail!("không có tài khoản «{name}» (no account \"{name}\")");
            };
            if user.disabled {
                anyhow::bail!("tài khoản «{name}» đã bị khóa (account disabled)");
            }
            Importer::for_account(&user).map_err(|m| anyhow::anyhow!("{} ({})", m.vi, m.en))?
        }
        // The command line is run by whoever runs the server: it imports as the coordinator.
        None => Importer {
            user_id: None,
            username: "dòng lệnh (điều phối)".into(),
            agency_id: None,
        },
    };
    let now = time::OffsetDateTime::now_utc();
    let report = exchange::import(
        db,
        &rows,
        &who,
        ImportOptions {
            dry_run: a.dry_run,
            partial: a.partial,
        },
        now,
    )
    .await?;
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for r in &report.rows {
            let what = format!(
                "dòng {}: {} {}{}{} · {} · {} = {}",
                r.row,
                r.value.indicator,
                r.value.dimension,
                if r.value.dimension.is_empty() {
                    ""
                } else {
                    "/"
                },
                r.value.category,
                r.value.body,
                r.value.period,
                r.value.value
            );
            match &r.outcome {
                Outcome::Refused {
                    reason_vi,
                    reason_en,
                } => eprintln!("bị từ chối (refused) {what}: {reason_vi} ({reason_en})"),
                o if a.dry_run => {
                    let verb = match o {
                        Outcome::Created => "sẽ tạo (create)".to_string(),
                        Outcome::Updated { old } => format!("sẽ sửa từ {old} (update)"),
                        _ => "không đổi (unchanged)".to_string(),
                    };
                    outln!("{verb} {what}");
                }
                _ => {}
            }
        }
        outln!(
            "{}: {} tạo mới, {} sửa, {} không đổi, {} bị từ chối; {} báo cáo được lưu ({} created, {} updated, {} unchanged, {} refused)",
            if a.dry_run {
                "chạy thử, không ghi gì (dry run)"
            } else if report.written {
                "đã nhập (imported)"
            } else {
                "không ghi gì (nothing written)"
            },
            report.created,
            report.updated,
            report.unchanged,
            report.refused,
            report.reports_saved,
            report.created,
            report.updated,
            report.unchanged,
            report.refused,
        );
    }
    if report.refused > 0 && !a.dry_run && !report.written {
        // A refusal that stopped the whole import is worth its own audit line.
        db.audit(
            &AuditEntry {
                user_id: who.user_id,
                username: Some(&who.username),
                action: "data.import_refused",
                target: None,
                detail: Some(&format!(
                    "{} rows, {} refused, nothing written",
                    report.rows.len(),
                    report.refused
                )),
                ip: None,
            },
            now,
        )
        .await?;
    }
    Ok(if report.refused > 0 {
        if !a.partial && !a.dry_run {
            eprintln!(
                "theodoi: {} dòng bị từ chối, không ghi gì; sửa các dòng trên hoặc dùng --partial để chỉ nhập các dòng hợp lệ",
                report.refused
            );
        }
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
