//! Coverage of a register document against a national round: 300 recommendations, each linked
//! to one or two of the seed plan's tasks, over the reports of 3,400 bodies (issue 18's target:
//! ≤ 100 ms). The same-run baseline reads every status the bodies sent once, without grouping.

use std::time::{Duration, Instant};
use theodoi_domain::recommendation::{Mechanism, RecSource, Recommendation};
use theodoi_store::Db;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// 150 paragraphs with subs a and b, articles cycling through the Covenant.
fn register() -> Vec<Recommendation> {
    (1..=150u32)
        .flat_map(|p| {
            ["a", "b"].into_iter().map(move |sub| Recommendation {
                paragraph: p,
                sub: Some(sub.into()),
                theme: format!("Chủ đề {}", p / 10 + 1),
                articles: vec![u8::try_from(p % 27 + 1).unwrap_or(1)],
                concern: Some(format!("Ủy ban quan ngại về vấn đề {p}.")),
                text: format!(
                    "Quốc gia thành viên cần bảo đảm nội dung {p}({sub}) được thực hiện đầy đủ."
                ),
                text_vi: None,
            })
        })
        .collect()
}

pub fn bench() -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let dir = tempfile::tempdir()?;
        let t = Instant::now();
        let (db, s) = crate::rounds::national_with_reports(dir.path()).await?;
        let now = time::OffsetDateTime::now_utc();
        let source = RecSource {
            symbol: "CCPR/C/VNM/CO/4".into(),
            title: "Concluding observations".into(),
            date: None,
            mechanism: Mechanism::TreatyBody { committee: "CCPR".into() },
            language: "vi".into(),
        };
        let imported = db.import_recommendations(&source, &register(), None, false, now).await?;
        let recs = db.recommendations(Some(imported.source_id)).await?;
        let tasks: Vec<i64> = db.load_plan(s.plan_id).await?.tasks.iter().map(|t| t.id).collect();
        anyhow::ensure!(!tasks.is_empty(), "the seed plan has tasks");
        // Each task carries the recommendations whose position falls to it (one or two tasks
        // per recommendation); the last 30 are left uncovered.
        for (i, task) in tasks.iter().enumerate() {
            let ids: Vec<i64> = recs
                .iter()
                .enumerate()
                .filter(|(j, _)| *j < 270 && (j % tasks.len() == i || (j % 2 == 0 && (j + 3) % tasks.len() == i)))
                .map(|(_, r)| r.id)
                .collect();
            db.set_task_recommendations(*task, &ids, &[], None, now).await?;
        }
        println!(
            "setup: {} bodies, {} reports (theodoi_demo, national), {} recommendations linked to {} tasks, in {:.1} s",
            s.bodies,
            s.reports,
            recs.len(),
            tasks.len(),
            t.elapsed().as_secs_f64()
        );
        // Baseline: every status sent, read once.
        let t = Instant::now();
        let sent: i64 = match &db {
            Db::Sqlite(pool) => {
                let rows: Vec<(i64, i64, String)> = sqlx::query_as(
                    "SELECT rt.task_id, rep.agency_id, rt.status FROM report_tasks rt \
                     JOIN reports rep ON rep.id = rt.report_id \
                     WHERE rt.status IS NOT NULL AND rep.status IN ('submitted', 'accepted')",
                )
                .fetch_all(pool)
                .await?;
                i64::try_from(rows.len())?
            }
            Db::Postgres(_) => 0,
        };
        let baseline = t.elapsed();
        let mut best = Duration::MAX;
        let mut rows = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            rows = db.coverage(imported.source_id).await?;
            best = best.min(t.elapsed());
        }
        let covered = rows.iter().filter(|r| !r.tasks.is_empty()).count();
        let statuses: usize = rows.iter().flat_map(|r| &r.tasks).map(|t| t.statuses.len()).sum();
        anyhow::ensure!(rows.len() == 300 && covered == 270, "coverage: {} rows, {covered} covered", rows.len());
        println!(
            "coverage: {:.1} ms best of 5 ({} recommendations, {covered} covered, {statuses} body statuses shown) (target ≤ 100 ms); baseline reading every sent status once ({sent} rows): {:.1} ms ({:.2}×)",
            ms(best),
            rows.len(),
            ms(baseline),
            ms(best) / ms(baseline).max(0.001)
        );
        Ok(())
    })
}
