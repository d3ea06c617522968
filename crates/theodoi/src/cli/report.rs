//! `theodoi report rounds` and `theodoi report build`: the consolidated annex of a round.

use anyhow::Context as _;
use std::path::Path;
use std::process::ExitCode;
use theodoi_store::Db;

pub async fn rounds(db: &Db) -> anyhow::Result<ExitCode> {
    let rounds = db.rounds(None).await?;
    if rounds.is_empty() {
        println!("no rounds yet: the coordinator opens one on the web (Đợt báo cáo)");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:>5}  {:<14}  {:<30}  {:<10}  {:>9}  {:>8}",
        "id", "plan", "round", "deadline", "submitted", "accepted"
    );
    for s in rounds {
        let r = &s.round;
        println!(
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

pub async fn build(
    db: &Db,
    round: i64,
    format: &str,
    output: &Path,
    place: &str,
    signer: &str,
    by_tag: bool,
) -> anyhow::Result<ExitCode> {
    let c = theodoi_web::consolidation::build(db, round)
        .await
        .with_context(|| format!("round {round}"))?;
    let today = time::OffsetDateTime::now_utc()
        .to_offset(theodoi_domain::report::VIETNAM)
        .date();
    let bytes = match format {
        "docx" | "pdf" => {
            let docx = theodoi_report::docx::report(
                &c,
                &theodoi_web::consolidation::letterhead(place, signer, today, by_tag),
            )
            .context("writing the DOCX")?;
            if format == "pdf" {
                theodoi_web::consolidation::docx_to_pdf(docx).await?
            } else {
                docx
            }
        }
        "xlsx" => {
            theodoi_report::xlsx::annex(&c).map_err(|e| anyhow::anyhow!("writing the XLSX: {e}"))?
        }
        _ => theodoi_report::csv::annex(&c).into_bytes(),
    };
    // Written next to the target, then renamed: a reader never sees half a file.
    let tmp = output.with_extension(format!("{format}.part"));
    std::fs::write(&tmp, &bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, output).with_context(|| format!("writing {}", output.display()))?;
    println!(
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
