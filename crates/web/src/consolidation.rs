//! The consolidation of a round read from the store, for the web and the CLI alike.

use theodoi_domain::indicator::Aggregation;
use theodoi_report::{Consolidation, Figure, IndicatorInfo, Input, Missing};
use theodoi_store::{Db, Result, StoreError};

fn figures(rows: Vec<theodoi_store::rounds::FigureRow>) -> Vec<Figure> {
    rows.into_iter()
        .map(|f| Figure {
            indicator_id: f.indicator_id,
            dimension: f.dimension,
            category: f.category,
            sum: f.sum,
            average: f.average,
            bodies: f.bodies,
        })
        .collect()
}

/// Everything the annex needs for `round_id`: figures of the accepted reports, the previous
/// round's totals, and every expected body whose report is not accepted.
pub async fn build(db: &Db, round_id: i64) -> Result<Consolidation> {
    let round = db
        .round(round_id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("round {round_id}")))?;
    let form_indicators: Vec<IndicatorInfo> = db
        .round_indicators(round_id)
        .await?
        .into_iter()
        .map(|i| IndicatorInfo {
            id: i.id,
            dimensions: i.dims(),
            aggregation: Aggregation::parse(&i.aggregation).unwrap_or(Aggregation::Sum),
            code: i.code,
            name: i.name,
            unit: i.unit,
        })
        .collect();
    let now = figures(db.round_figures(round_id).await?);
    let previous_round = db.previous_round(round_id).await?;
    let before = match &previous_round {
        Some(p) => figures(db.round_figures(p.id).await?),
        None => Vec::new(),
    };
    let bodies = db.round_progress(round_id).await?;
    let missing = bodies
        .iter()
        .filter(|b| b.status.as_deref() != Some("accepted"))
        .map(|b| Missing {
            agency: b.agency_name.clone(),
            status: b.status.clone().unwrap_or_default(),
        })
        .collect();
    let mut tags_of: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::new();
    for (_, reference, tag) in db.plan_tags(round.plan_id).await? {
        tags_of.entry(reference).or_default().push(tag);
    }
    let mut tasks: Vec<theodoi_report::TaskNarrative> = Vec::new();
    for n in db.round_narrative(round_id).await? {
        let entry = theodoi_report::TaskEntry {
            agency: n.agency_name,
            role: n.role,
            status: n.status.unwrap_or_default(),
            results: n.results,
        };
        match tasks.last_mut() {
            Some(t) if t.reference == n.reference => t.entries.push(entry),
            _ => tasks.push(theodoi_report::TaskNarrative {
                tags: tags_of.get(&n.reference).cloned().unwrap_or_default(),
                reference: n.reference,
                title: n.title,
                entries: vec![entry],
            }),
        }
    }
    let (mut difficulties, mut proposals) = (Vec::new(), Vec::new());
    for (agency, d, p) in db.round_difficulties(round_id).await? {
        if !d.trim().is_empty() {
            difficulties.push((agency.clone(), d));
        }
        if !p.trim().is_empty() {
            proposals.push((agency, p));
        }
    }
    let plan_title = db
        .list_plans()
        .await?
        .into_iter()
        .find(|p| p.id == round.plan_id)
        .map(|p| p.title)
        .unwrap_or_default();
    let by_kind = db.round_totals_by(round_id, false).await?;
    let by_parent = db.round_totals_by(round_id, true).await?;
    let mut c = theodoi_report::consolidate(Input {
        plan_number: round.plan_number.as_deref().unwrap_or(""),
        plan_title: &plan_title,
        tasks,
        difficulties,
        proposals,
        round_label: &round.label,
        previous_label: previous_round.as_ref().map(|p| p.label.as_str()),
        indicators: &form_indicators,
        figures: &now,
        previous: &before,
        expected: bodies.len(),
        missing,
    });
    c.by_kind = by_kind;
    c.by_parent = by_parent;
    Ok(c)
}

/// The letterhead of the Sở Tư pháp's report, from the server's settings.
pub fn letterhead<'a>(
    place: &'a str,
    signer: &'a str,
    date: time::Date,
    by_tag: bool,
) -> theodoi_report::docx::Letterhead<'a> {
    theodoi_report::docx::Letterhead {
        parent: "UBND THÀNH PHỐ",
        issuer: "SỞ TƯ PHÁP",
        symbol: "BC-STP",
        place,
        date,
        position: "GIÁM ĐỐC",
        position2: None,
        signer,
        recipients: &RECIPIENTS,
        by_tag,
    }
}

const RECIPIENTS: [&str; 3] = [
    "UBND thành phố (để báo cáo)",
    "Bộ Tư pháp (để báo cáo)",
    "Các sở, ban, ngành; UBND các xã, phường",
];

/// Convert a DOCX to PDF with LibreOffice (`soffice`, found on PATH or at `THEODOI_SOFFICE`), so
/// the PDF is the same document the DOCX shows. Runs in a private profile and a temporary folder.
pub async fn docx_to_pdf(docx: Vec<u8>) -> anyhow::Result<Vec<u8>> {
    let soffice = std::env::var("THEODOI_SOFFICE").unwrap_or_else(|_| "soffice".into());
    let dir = tempfile_dir()?;
    let input = dir.join("bao-cao.docx");
    tokio::fs::write(&input, docx).await?;
    let profile = dir.join("profile");
    let out = tokio::process::Command::new(&soffice)
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&dir)
        .arg(&input)
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "PDF needs LibreOffice ({soffice}: {e}); install libreoffice-writer-nogui or set THEODOI_SOFFICE"
            )
        })?;
    let pdf = dir.join("bao-cao.pdf");
    let bytes = tokio::fs::read(&pdf).await.map_err(|_| {
        anyhow::anyhow!(
            "LibreOffice did not produce a PDF: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
    });
    let _ = tokio::fs::remove_dir_all(&dir).await;
    bytes
}

/// A fresh folder under the system's temporary directory.
fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let name = format!("theodoi-pdf-{}", crate::auth::random_token(8)?);
    let dir = std::env::temp_dir().join(name);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
