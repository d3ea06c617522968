//! `theodoi plan parse | import | show | list`.

use super::table;
use anyhow::{Context as _, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use theodoi_plandoc::{Lexicon, ParsedPlan, Part, input::MAX_INPUT_BYTES};
use theodoi_store::{Db, ImportParts};

/// The built-in lexicon, with the entries of the caller's file when one is given.
fn lexicon(path: Option<&Path>) -> anyhow::Result<Lexicon> {
    let Some(path) = path else {
        return Ok(Lexicon::builtin().clone());
    };
    let shown = path.display();
    let text = std::fs::read_to_string(path).with_context(|| format!("{shown}: cannot read"))?;
    Lexicon::with(&text).map_err(|e| anyhow::anyhow!("{shown}: {e}"))
}

/// Read and parse one file; errors name the file and the reason on one line.
fn parse_file(path: &Path, lex: &Lexicon) -> anyhow::Result<ParsedPlan> {
    let shown = path.display();
    let meta = std::fs::metadata(path).with_context(|| format!("{shown}: cannot read"))?;
    if meta.is_dir() {
        bail!("{shown}: is a folder, not a plan file");
    }
    if meta.len() > MAX_INPUT_BYTES as u64 {
        bail!(
            "{shown}: the file is {} bytes; a plan text is at most {MAX_INPUT_BYTES} bytes",
            meta.len()
        );
    }
    let bytes = std::fs::read(path).with_context(|| format!("{shown}: cannot read"))?;
    let name = path.file_name().and_then(|n| n.to_str());
    let refused =
        |e: theodoi_plandoc::ParseError| anyhow::anyhow!("{shown}: {} / {e}", e.message_vi());
    let (text, converted) =
        theodoi_plandoc::formats::to_text_noted(&bytes, name).map_err(refused)?;
    // A legacy font encoding read as Unicode is a guess the user should know about.
    if let Some(c) = converted {
        eprintln!("note: {shown}: {c}");
    }
    theodoi_plandoc::parse_with(&text, lex).map_err(refused)
}

pub fn parse(files: &[PathBuf], lexicon_file: Option<&Path>) -> anyhow::Result<ExitCode> {
    let lex = lexicon(lexicon_file)?;
    let parsed = files
        .iter()
        .map(|f| parse_file(f, &lex))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let views: Vec<_> = parsed.iter().map(theodoi_plandoc::json::view).collect();
    let json = if let [one] = views.as_slice() {
        serde_json::to_string_pretty(one)?
    } else {
        serde_json::to_string_pretty(&views)?
    };
    outln!("{json}");
    Ok(ExitCode::SUCCESS)
}

fn parts_of(part: Part) -> ImportParts {
    ImportParts {
        body: matches!(part, Part::Body | Part::BodyAndAppendix),
        appendix: matches!(part, Part::Appendix | Part::BodyAndAppendix),
    }
}

pub async fn import(
    db: &Db,
    files: &[PathBuf],
    seed: bool,
    lexicon_file: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let lex = lexicon(lexicon_file)?;
    let named: Vec<(String, ParsedPlan)> = if seed {
        crate::seed::SEED_FILES
            .iter()
            .map(|(name, text)| {
                let p = theodoi_plandoc::parse(text)
                    .map_err(|e| anyhow::anyhow!("seed {name}: {e}"))?;
                Ok((format!("seed {name}"), p))
            })
            .collect::<anyhow::Result<_>>()?
    } else {
        files
            .iter()
            .map(|f| Ok((f.display().to_string(), parse_file(f, &lex)?)))
            .collect::<anyhow::Result<_>>()?
    };
    for (name, p) in &named {
        for diag in &p.diagnostics {
            eprintln!("note: {name}:{}: {}", diag.line, diag.message);
        }
    }
    let parsed: Vec<ParsedPlan> = named.into_iter().map(|(_, p)| p).collect();
    let plans = theodoi_plandoc::combine(parsed);
    // A document the reader found no task in is stored by nobody: its tasks are entered by hand.
    let empty: Vec<String> = plans
        .iter()
        .filter(|p| p.plan.tasks.is_empty())
        .map(|p| {
            let d = &p.plan.document;
            d.number.as_ref().map_or_else(
                || table::truncate(&d.title, 60),
                |n| format!("{} {n}", d.doc_type),
            )
        })
        .collect();
    if !empty.is_empty() {
        eprintln!(
            "theodoi: no task found in {}; nothing was stored. Enter the tasks by hand in the web review: theodoi serve, then open /import and paste the text (Nhập kế hoạch).",
            empty.join(", ")
        );
        return Ok(ExitCode::FAILURE);
    }
    let batch: Vec<_> = plans.iter().map(|p| (&p.plan, parts_of(p.part))).collect();
    let outcomes = db
        .import_plans(&batch)
        .await
        .context("storing the plan (nothing was written)")?;
    for (p, o) in plans.iter().zip(&outcomes) {
        let d = &p.plan.document;
        let name = d.number.as_ref().map_or_else(
            || table::truncate(&d.title, 60),
            |n| format!("{} {n}", d.doc_type),
        );
        outln!(
            "{} plan {} (id {}): {} tasks, {} assignments{}",
            if o.created { "imported" } else { "updated" },
            name,
            o.plan_id,
            o.tasks,
            o.assignments,
            match p.part {
                Part::Body => ", body only",
                Part::Appendix => ", appendix only",
                Part::BodyAndAppendix => "",
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn list(db: &Db) -> anyhow::Result<ExitCode> {
    let plans = db.list_plans().await?;
    if plans.is_empty() {
        eprintln!("theodoi: no plans yet; import one: theodoi plan import --seed");
        return Ok(ExitCode::SUCCESS);
    }
    let mut rows = vec![vec![
        "id".to_string(),
        "Số (number)".to_string(),
        "Ngày (date)".to_string(),
        "Nhiệm vụ".to_string(),
        "Trích yếu (title)".to_string(),
    ]];
    for p in &plans {
        rows.push(vec![
            p.id.to_string(),
            p.number.clone().unwrap_or_else(|| "—".into()),
            p.issued_on.map_or_else(|| "—".into(), |d| d.to_string()),
            p.task_count.to_string(),
            table::truncate(&p.title, 70),
        ]);
    }
    out!("{}", table::render(&rows));
    Ok(ExitCode::SUCCESS)
}

pub async fn show(db: &Db, selector: Option<&str>) -> anyhow::Result<ExitCode> {
    let id = match selector {
        Some(s) => db
            .find_plan(s)
            .await?
            .ok_or_else(|| theodoi_store::StoreError::PlanNotFound(s.to_string()))?,
        None => {
            let plans = db.list_plans().await?;
            match plans.as_slice() {
                [] => bail!("no plans yet; import one: theodoi plan import --seed"),
                [one] => one.id,
                _ => {
                    eprintln!("theodoi: several plans; name one: theodoi plan show NUMBER");
                    return list(db).await;
                }
            }
        }
    };
    let view = db.load_plan(id).await?;
    let s = &view.summary;
    outln!(
        "{} {} — {}",
        s.doc_type,
        s.number.as_deref().unwrap_or("(chưa có số)"),
        s.title
    );
    if !s.implements.is_empty() {
        outln!("Triển khai: {}", s.implements.join(", "));
    }
    outln!("Phân công nhiệm vụ (CT = chủ trì, PH = phối hợp)\n");
    let mut header = vec!["Cơ quan, đơn vị".to_string()];
    header.extend(view.tasks.iter().map(|t| t.reference.clone()));
    let mut rows = vec![header];
    for (agency_id, name) in view.agencies() {
        let mut row = vec![table::truncate(name, 48)];
        for t in &view.tasks {
            row.push(
                view.role(t.id, agency_id)
                    .map_or("·", theodoi_domain::Role::short)
                    .to_string(),
            );
        }
        rows.push(row);
    }
    out!("{}", table::render(&rows));
    outln!("\nNhiệm vụ:");
    for t in &view.tasks {
        let time = if t.time_text.is_empty() {
            "không ghi thời gian".to_string()
        } else {
            t.time_text.clone()
        };
        outln!(
            "  {:<5} {} [{}]",
            t.reference,
            table::truncate(&t.title, 90),
            time
        );
    }
    Ok(ExitCode::SUCCESS)
}
