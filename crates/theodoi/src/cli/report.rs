//! `theodoi report rounds` and `theodoi report build`: the consolidated annex of a round.

use anyhow::Context as _;
use std::path::Path;
use std::process::ExitCode;
use theodoi_store::Db;

pub async fn rounds(db: &Db) -> anyhow::Result<ExitCode> {
    let rounds = db.rounds(None).await?;
    if rounds.is_empty() {
        outln!("no rounds yet: the coordinator opens one on the web (Đợt báo cáo)");
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "{:>5}  {:<14}  {:<30}  {:<10}  {:>9}  {:>8}",
        "id",
        "plan",
        "round",
        "deadline",
        "submitted",
        "accepted"
    );
    for s in rounds {
        let r = &s.round;
        outln!(
            "{:>5}  {:<14}  {:<30}  {:<10}  {:>9}  {:>8}",
            r.id,
            r.plan_number.as_deref().unwrap_or("—"),
            r.label,
            r.agency_deadline,
            format!("{}/{}", s.submitted, s.expected),
            s.accepted
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The formal parts of the report as given on the command line.
pub type Formal = theodoi_app::report::Overrides;

pub async fn build(
    db: &Db,
    round: i64,
    format: &str,
    output: &Path,
    formal: &Formal,
) -> anyhow::Result<ExitCode> {
    let c = theodoi_app::consolidation::build(db, round)
        .await
        .with_context(|| format!("round {round}"))?;
    let today = time::OffsetDateTime::now_utc()
        .to_offset(theodoi_domain::report::VIETNAM)
        .date();
    let bytes = match format {
        "docx" | "pdf" => {
            // The draft edited in the browser when there is one, marked "DỰ THẢO" until its head
            // approves it; the same file the web gives.
            let over = theodoi_app::report::Overrides {
                require_all: true,
                ..formal.clone()
            };
            use theodoi_app::report::{BuildError, Missing};
            let file = match theodoi_app::report::build(db, &c, round, &over, today).await {
                Ok(f) => f,
                Err(BuildError::Missing(m)) => anyhow::bail!(match m {
                    Missing::Signer => "the signer's name is needed: give --signer".to_string(),
                    Missing::Superior => "the superior body is not set: give --superior (\"ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG\")".to_string(),
                    Missing::Place(s) => format!(
                        "the place for the date line is not in the superior body's name \"{s}\": give --place"
                    ),
                }),
                Err(e) => return Err(e.into()),
            };
            if !file.approved {
                eprintln!("the round's draft is not approved: the report is marked DỰ THẢO");
            }
            if format == "pdf" {
                theodoi_app::pdf::docx_to_pdf(file.docx).await?
            } else {
                file.docx
            }
        }
        "xlsx" => {
            theodoi_report::xlsx::annex(&c).map_err(|e| anyhow::anyhow!("writing the XLSX: {e}"))?
        }
        "missing-xlsx" => theodoi_report::xlsx::missing(&c, &Default::default())
            .map_err(|e| anyhow::anyhow!("writing the XLSX: {e}"))?,
        "missing-csv" => theodoi_report::csv::missing(&c).into_bytes(),
        _ => theodoi_report::csv::annex(&c).into_bytes(),
    };
    // Written next to the target, then renamed: a reader never sees half a file.
    let tmp = output.with_extension(format!("{format}.part"));
    std::fs::write(&tmp, &bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, output).with_context(|| format!("writing {}", output.display()))?;
    outln!(
        "{}: {} indicators from {} of {} accepted reports; {} bodies missing — {} ({} bytes)",
        c.round_label,
        c.indicators.len(),
        c.accepted,
        c.expected,
        c.missing.len(),
        output.display(),
        bytes.len()
    );
    Ok(ExitCode::SUCCESS)
}
