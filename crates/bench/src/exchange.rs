//! A data import of 100,000 values into SQLite (issue 17's target: ≤ 5 s): the national
//! demonstration's second round, whose bodies have not sent their reports yet, filled with
//! consistent values (totals and breakdowns) as a JSON document keyed by codes, then read, checked
//! and saved by `theodoi_app::exchange::import`. The same-run baseline saves the same number of
//! values through `save_report` directly, report by report, with nothing to read or resolve: the
//! floor of any import through the typed entries' path.

use std::collections::HashMap;
use std::time::Instant;
use theodoi_app::exchange::{self, DataValue, Format, ImportOptions, Importer};
use theodoi_domain::{Actor, TaskStatus};
use theodoi_store::rounds::{SaveReport, TaskEntry, ValueRow};

const TARGET_VALUES: usize = 100_000;

fn mb(bytes: usize) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let b = bytes as f64;
    b / 1e6
}

pub fn bench() -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let dir = tempfile::tempdir()?;
        let t = Instant::now();
        let (db, s) = crate::rounds::national_with_reports(dir.path()).await?;
        println!(
            "setup: {} bodies, {} reports (theodoi_demo, national), in {:.1} s",
            s.bodies,
            s.reports,
            t.elapsed().as_secs_f64()
        );
        // The round with the most bodies still free to enter values.
        let mut best = (0, 0usize);
        for &r in &s.rounds {
            let free = db
                .round_progress(r)
                .await?
                .iter()
                .filter(|b| {
                    b.tasks > 0
                        && b.status
                            .as_deref()
                            .is_none_or(|x| matches!(x, "draft" | "returned"))
                })
                .count();
            if free > best.1 {
                best = (r, free);
            }
        }
        let (round_id, _) = best;
        let round = db
            .round(round_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no round {round_id}"))?;
        let period = exchange::period_of(&round)
            .ok_or_else(|| anyhow::anyhow!("round {round_id} has no period"))?;
        let codes: HashMap<i64, String> = db
            .list_agencies()
            .await?
            .into_iter()
            .map(|a| (a.id, a.code))
            .collect();
        let inds: HashMap<i64, String> = db
            .round_indicators(round_id)
            .await?
            .into_iter()
            .map(|i| (i.id, i.code))
            .collect();
        // Each free body's values as its form would take them, to 100,000.
        let mut rng = theodoi_demo::Rng::new(7);
        let mut rows: Vec<DataValue> = Vec::new();
        let mut forms = Vec::new();
        for b in db.round_progress(round_id).await? {
            if rows.len() >= TARGET_VALUES {
                break;
            }
            let free = b.tasks > 0
                && b.status
                    .as_deref()
                    .is_none_or(|x| matches!(x, "draft" | "returned"));
            if !free {
                continue;
            }
            let Some(form) = db.report_form(round_id, b.agency_id).await? else {
                continue;
            };
            let values = theodoi_demo::values(&form, &mut rng);
            for v in &values {
                rows.push(DataValue {
                    indicator: inds.get(&v.indicator_id).cloned().unwrap_or_default(),
                    dimension: v.dimension.clone(),
                    category: v.category.clone(),
                    body: codes.get(&b.agency_id).cloned().unwrap_or_default(),
                    period: period.clone(),
                    plan: round.plan_number.clone().unwrap_or_default(),
                    value: v.value.to_string(),
                });
            }
            forms.push((b.agency_id, values));
        }
        let json = exchange::write(Format::Json, &rows);
        let coordinator = Importer {
            user_id: None,
            username: "bench".into(),
            agency_id: None,
        };

        let t = Instant::now();
        let read = exchange::read(Format::Json, &json).map_err(|e| anyhow::anyhow!("{e}"))?;
        let dry = exchange::import(
            &db,
            &read,
            &coordinator,
            ImportOptions {
                dry_run: true,
                partial: false,
            },
            time::OffsetDateTime::now_utc(),
        )
        .await?;
        let dry_time = t.elapsed();
        anyhow::ensure!(dry.refused == 0, "{} rows refused", dry.refused);

        let t = Instant::now();
        let read = exchange::read(Format::Json, &json).map_err(|e| anyhow::anyhow!("{e}"))?;
        let done = exchange::import(
            &db,
            &read,
            &coordinator,
            ImportOptions::default(),
            time::OffsetDateTime::now_utc(),
        )
        .await?;
        let import = t.elapsed();
        anyhow::ensure!(
            done.refused == 0 && done.written,
            "{} refused",
            done.refused
        );

        // Baseline: the same bodies' values doubled (breakdowns still add up), saved directly.
        let t = Instant::now();
        let mut saved = 0usize;
        for (agency, values) in &forms {
            let Some(form) = db.report_form(round_id, *agency).await? else {
                continue;
            };
            let report = form.report.as_ref();
            let save = SaveReport {
                expected_version: report.map_or(0, |r| r.version),
                tasks: form
                    .tasks
                    .iter()
                    .map(|t| TaskEntry {
                        task_id: t.task_id,
                        status: t.status.as_deref().and_then(TaskStatus::parse),
                        reason: t.reason.clone().unwrap_or_default(),
                        results: t.results.clone().unwrap_or_default(),
                    })
                    .collect(),
                values: values
                    .iter()
                    .map(|v| ValueRow {
                        value: v.value * 2,
                        ..v.clone()
                    })
                    .collect(),
                difficulties: report.map(|r| r.difficulties.clone()).unwrap_or_default(),
                proposals: report.map(|r| r.proposals.clone()).unwrap_or_default(),
            };
            db.save_report(
                round_id,
                *agency,
                &save,
                None,
                Actor::FocalPoint,
                time::OffsetDateTime::now_utc(),
            )
            .await?;
            saved += save.values.len();
        }
        let baseline = t.elapsed();
        println!(
            "data import: {:.2} s for {} values into {} reports ({} created, {} updated; JSON {:.1} MB read, checked, saved) (target ≤ 5 s); \
             dry run of the same: {:.2} s; baseline save_report of {} values, report by report, nothing read or resolved: {:.2} s ({:.2}×)",
            import.as_secs_f64(),
            rows.len(),
            done.reports_saved,
            done.created,
            done.updated,
            mb(json.len()),
            dry_time.as_secs_f64(),
            saved,
            baseline.as_secs_f64(),
            import.as_secs_f64() / baseline.as_secs_f64().max(0.000_001)
        );
        db.close().await;
        Ok(())
    })
}
