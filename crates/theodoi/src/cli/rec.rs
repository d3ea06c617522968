//! `theodoi rec`: the register of recommendations. Import reads concluding observations, UPR
//! reports and tables (text, DOCX, PDF, XLSX, CSV) into the register; list prints it, as a table
//! or as the JSON other tools read.

use anyhow::Context as _;
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use theodoi_plandoc::recommendations::{Options, ParsedRecommendations, read_file};
use theodoi_store::Db;

/// Read every file before storing any: a file that cannot be read stores nothing of the batch.
pub async fn import(
    db: &Db,
    files: &[PathBuf],
    symbol: Option<String>,
    accepted_by: Option<&str>,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let options = Options {
        symbol,
        language: None,
    };
    let mut read: Vec<(String, ParsedRecommendations)> = Vec::new();
    for f in files {
        let name = f.display().to_string();
        let bytes = std::fs::read(f).with_context(|| format!("reading {name}"))?;
        let file_name = f.file_name().and_then(|n| n.to_str());
        let docs = read_file(file_name, &bytes, &options)
            .map_err(|e| anyhow::anyhow!("{name}: {}", e.message().vi))?;
        for d in docs {
            for diag in &d.diagnostics {
                eprintln!("note: {name}:{}: {}", diag.line, diag.message);
            }
            if d.recommendations.is_empty() {
                anyhow::bail!(
                    "{name}: không tìm thấy khuyến nghị nào có đánh số; chưa lưu gì (tệp có phải nhận xét kết luận, báo cáo UPR, hoặc bảng có cột đoạn và nội dung không?)"
                );
            }
            read.push((name.clone(), d));
        }
    }
    let now = time::OffsetDateTime::now_utc();
    for (name, d) in &read {
        let o = db
            .import_recommendations(&d.source, &d.recommendations, accepted_by, dry_run, now)
            .await
            .with_context(|| format!("{name}: storing the recommendations"))?;
        if !o.unmatched.is_empty() {
            eprintln!(
                "note: {name}: the translation has paragraphs {} that {} does not; they were left out",
                o.unmatched.join(", "),
                d.source.symbol
            );
        }
        if !o.mismatched.is_empty() {
            eprintln!(
                "note: {name}: các đoạn {} của bản dịch nêu điều của Công ước khác bản gốc {} (có thể đánh số khác): đã bỏ qua, hãy đối chiếu",
                o.mismatched.join(", "),
                d.source.symbol
            );
        }
        outln!(
            "{}{} ({}): {} new, {} changed, {} unchanged{}",
            if dry_run { "would import " } else { "" },
            d.source.symbol,
            name,
            o.created,
            o.updated,
            o.unchanged,
            if o.source_created {
                ", new document"
            } else {
                ""
            }
        );
    }
    if dry_run {
        outln!("dry run: nothing was written");
    }
    Ok(ExitCode::SUCCESS)
}

/// The contract of `rec list --json`.
#[derive(Serialize)]
struct Listing<'a> {
    recommendations: Vec<Listed<'a>>,
}

#[derive(Serialize)]
struct Listed<'a> {
    source: &'a str,
    paragraph: String,
    sub: Option<&'a str>,
    reference: String,
    articles: &'a [u8],
    theme: &'a str,
    /// The heading in Vietnamese (a translation's, or the usual words for a treaty body's).
    theme_vi: &'a str,
    /// Why it needs no task of the plans; absent when it needs one.
    no_task_reason: Option<&'a str>,
    concern: Option<&'a str>,
    text: &'a str,
    text_vi: Option<&'a str>,
    /// The references of the tasks linked to it ("PL.2").
    tasks: Vec<&'a str>,
    /// The same, with the plan each task belongs to.
    links: Vec<Link<'a>>,
}

#[derive(Serialize)]
struct Link<'a> {
    plan: Option<&'a str>,
    task: &'a str,
}

pub async fn list(db: &Db, source: Option<&str>, json: bool) -> anyhow::Result<ExitCode> {
    let source_id = match source {
        None => None,
        Some(symbol) => {
            let sources = db.rec_sources().await?;
            let found = sources
                .iter()
                .find(|s| s.symbol.eq_ignore_ascii_case(symbol.trim()));
            match found {
                Some(s) => Some(s.id),
                None => anyhow::bail!(
                    "no document \"{symbol}\" in the register (known: {})",
                    if sources.is_empty() {
                        "none yet; import one: theodoi rec import FILE".to_string()
                    } else {
                        sources
                            .iter()
                            .map(|s| s.symbol.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            }
        }
    };
    let recs = db.recommendations(source_id).await?;
    let refs = db.rec_task_references().await?;
    let mut links: HashMap<i64, Vec<(Option<&str>, &str)>> = HashMap::new();
    for (rec, plan, task) in &refs {
        links
            .entry(*rec)
            .or_default()
            .push((plan.as_deref(), task.as_str()));
    }
    if json {
        let listing = Listing {
            recommendations: recs
                .iter()
                .map(|r| {
                    let l = links.get(&r.id).map(Vec::as_slice).unwrap_or_default();
                    Listed {
                        source: &r.symbol,
                        paragraph: r.paragraph.to_string(),
                        sub: Some(r.sub.as_str()).filter(|s| !s.is_empty()),
                        reference: r.reference(),
                        articles: &r.articles,
                        theme: &r.theme,
                        theme_vi: r.theme_in(theodoi_text::Lang::Vi),
                        no_task_reason: r.no_task_reason.as_deref(),
                        concern: r.concern.as_deref(),
                        text: &r.text,
                        text_vi: r.text_vi.as_deref(),
                        tasks: l.iter().map(|(_, t)| *t).collect(),
                        links: l
                            .iter()
                            .map(|(plan, task)| Link { plan: *plan, task })
                            .collect(),
                    }
                })
                .collect(),
        };
        outln!("{}", serde_json::to_string_pretty(&listing)?);
        return Ok(ExitCode::SUCCESS);
    }
    if recs.is_empty() {
        eprintln!("theodoi: no recommendations yet; import a document: theodoi rec import FILE");
        return Ok(ExitCode::SUCCESS);
    }
    let mut rows = vec![vec![
        "Văn bản".to_string(),
        "Đoạn".to_string(),
        "Điều".to_string(),
        "Nhiệm vụ".to_string(),
        "Chủ đề".to_string(),
    ]];
    for r in &recs {
        let l = links.get(&r.id).map(Vec::as_slice).unwrap_or_default();
        rows.push(vec![
            r.symbol.clone(),
            r.number(),
            r.articles
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(","),
            if l.is_empty() {
                "—".to_string()
            } else {
                l.iter().map(|(_, t)| *t).collect::<Vec<_>>().join(",")
            },
            super::table::truncate(r.theme_in(theodoi_text::Lang::Vi), 50),
        ]);
    }
    out!("{}", super::table::render(&rows));
    let uncovered = recs
        .iter()
        .filter(|r| !links.contains_key(&r.id) && r.needs_task())
        .count();
    let no_task = recs
        .iter()
        .filter(|r| !links.contains_key(&r.id) && !r.needs_task())
        .count();
    outln!(
        "\n{} khuyến nghị, {} chưa có nhiệm vụ thực hiện, {} không cần nhiệm vụ riêng",
        recs.len(),
        uncovered,
        no_task
    );
    Ok(ExitCode::SUCCESS)
}
