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

/// The formal parts of the report as given on the command line.
pub struct Formal {
    pub superior: Option<String>,
    pub place: Option<String>,
    pub signer: String,
    pub drafting_unit: String,
    pub no_date: bool,
    pub by_tag: bool,
}

/// "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG" → "Hải Phòng": the place a letterhead's superior names.
fn place_of(superior: &str) -> Option<String> {
    let upper = superior.trim().to_uppercase();
    let rest = ["THÀNH PHỐ ", "TỈNH "]
        .iter()
        .find_map(|k| upper.find(k).map(|i| &upper[i + k.len()..]))?;
    let words: Vec<String> = rest
        .split_whitespace()
        .map(|w| {
            let lower = w.to_lowercase();
            let mut cs = lower.chars();
            cs.next()
                .map(|f| f.to_uppercase().collect::<String>() + cs.as_str())
                .unwrap_or_default()
        })
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

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
            // The draft edited in the browser, when there is one: its sections and formal parts;
            // marked "DỰ THẢO" until its head approves it.
            let stored = db.draft(round).await?;
            let sections = match &stored {
                Some(d) => db.draft_sections(d.id).await?,
                None => Vec::new(),
            };
            let from_draft = |pick: fn(&theodoi_store::drafts::DraftRow) -> &str| {
                stored
                    .as_ref()
                    .map(|d| pick(d).trim().to_string())
                    .filter(|s| !s.is_empty())
            };
            let given = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
            // The signer first: without one nothing can be issued, whatever else is missing.
            let signer = Some(formal.signer.clone())
                .filter(|s| !s.trim().is_empty())
                .or_else(|| from_draft(|d| &d.signer))
                .ok_or_else(|| anyhow::anyhow!("the signer's name is needed: give --signer"))?;
            let superior = given(&formal.superior)
                .or_else(|| from_draft(|d| &d.superior))
                .unwrap_or_else(|| theodoi_app::consolidation::proposed_superior(&c));
            let place = given(&formal.place)
                .or_else(|| from_draft(|d| &d.place))
                .or_else(|| place_of(&superior))
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "the place for the date line is not in the superior body's name \"{superior}\": give --place"
                    )
                })?;
            let no_date = formal.no_date || stored.as_ref().is_some_and(|d| d.date_blank);
            let head = theodoi_app::consolidation::letterhead(
                &superior,
                &place,
                &signer,
                (!no_date).then_some(today),
                &formal.drafting_unit,
                formal.by_tag,
            );
            let docx = if sections.is_empty() {
                theodoi_report::docx::report(&c, &head)
            } else {
                let written: Vec<theodoi_report::docx::Written<'_>> = sections
                    .iter()
                    .map(|s| theodoi_report::docx::Written {
                        key: &s.key,
                        heading: &s.heading,
                        level: u8::try_from(s.level).unwrap_or(0),
                        text: s.text(),
                    })
                    .collect();
                let approved = stored.as_ref().is_some_and(|d| d.is_approved());
                if !approved {
                    eprintln!("the round's draft is not approved: the report is marked DỰ THẢO");
                }
                theodoi_report::docx::report_from_draft(&c, &written, &head, !approved)
            }
            .context("writing the DOCX")?;
            if format == "pdf" {
                theodoi_app::pdf::docx_to_pdf(docx).await?
            } else {
                docx
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
