//! The national-scale reporting round over HTTP: 3,400 bodies each save a report with 20
//! indicators (totals and breakdowns), the head approves, the focal point submits, through 64
//! connections to the real router on SQLite. Two loads: paced (3,400 submissions spread over one
//! minute, at most 64 in flight) for latency, and flat out (64 connections as fast as they go)
//! for the time the whole round takes. Then the round's completeness page. The baseline is
//! GET /healthz under the same load.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use theodoi_domain::DateRange;
use theodoi_store::Db;
use theodoi_store::rounds::NewRound;
use time::macros::date;
use tokio::sync::Semaphore;

// The tests' small HTTP/1.1 client, so the benchmark speaks to the server as a browser would.
#[allow(dead_code)]
#[path = "../../web/tests/it/client.rs"]
pub(crate) mod client;

const CONNECTIONS: usize = 64;

/// One body's requests, ready to send.
struct Body {
    agency: i64,
    focal: (String, String),
    head: (String, String),
    form: String,
}

pub(crate) fn p(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn post(
    addr: SocketAddr,
    session: &(String, String),
    path: &str,
    body: &str,
) -> anyhow::Result<(u16, Duration)> {
    let mut c = client::Client::new(addr);
    c.cookies
        .insert(theodoi_web::auth::SESSION_COOKIE.into(), session.0.clone());
    let t = Instant::now();
    let r = c
        .request(
            "POST",
            path,
            Some("application/x-www-form-urlencoded"),
            body.as_bytes(),
        )
        .await;
    Ok((r.status, t.elapsed()))
}

pub(crate) async fn session(db: &Db, user_id: i64) -> anyhow::Result<(String, String)> {
    let token = theodoi_app::password::random_token(32)?;
    let csrf = theodoi_app::password::random_token(32)?;
    let now = time::OffsetDateTime::now_utc();
    db.create_session(
        &theodoi_web::auth::token_hash(&token),
        user_id,
        &csrf,
        false,
        now,
        now + time::Duration::days(1),
    )
    .await?;
    Ok((token, csrf))
}

/// Open a round and prepare every body's sessions and form.
async fn prepare(
    db: &Db,
    label: &str,
    start: time::Date,
    window: DateRange,
    deadline: time::Date,
) -> anyhow::Result<(i64, Vec<Body>)> {
    let plan_id = db
        .list_plans()
        .await?
        .first()
        .map(|p| p.id)
        .unwrap_or_default();
    let round = db
        .open_round(
            &NewRound {
                plan_id,
                regime_id: None,
                kind: "periodic",
                title: label,
                label,
                period: Some((start, 6)),
                window,
                agency_deadline: deadline,
                coordinator_deadline: None,
                committee_deadline: None,
                reminder_offsets: "-7,-1,1,3",
                opened_by: None,
            },
            time::OffsetDateTime::now_utc(),
        )
        .await?
        .id;
    let users: std::collections::HashMap<String, i64> = db
        .list_users()
        .await?
        .into_iter()
        .map(|u| (u.username, u.id))
        .collect();
    let mut rng = theodoi_demo::Rng::new(11);
    let mut bodies = Vec::new();
    for b in db.round_progress(round).await? {
        let (Some(f), Some(h)) = (
            users.get(&format!("focal-{}", b.agency_id)),
            users.get(&format!("head-{}", b.agency_id)),
        ) else {
            continue;
        };
        let form = db
            .report_form(round, b.agency_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no form"))?;
        let focal = session(db, *f).await?;
        let head = session(db, *h).await?;
        let mut fields: Vec<(String, String)> = vec![
            ("csrf".into(), focal.1.clone()),
            ("version".into(), "0".into()),
        ];
        for t in &form.tasks {
            fields.push((format!("t{}_status", t.task_id), "in_progress".into()));
            fields.push((
                format!("t{}_results", t.task_id),
                "Đã tổ chức quán triệt, tuyên truyền tới cán bộ và Nhân dân.".into(),
            ));
        }
        for v in theodoi_demo::values(&form, &mut rng) {
            let name = if v.dimension.is_empty() {
                format!("v{}", v.indicator_id)
            } else {
                format!("v{}_{}_{}", v.indicator_id, v.dimension, v.category)
            };
            fields.push((name, v.value.to_string()));
        }
        let refs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        bodies.push(Body {
            agency: b.agency_id,
            focal,
            head,
            form: client::form(&refs),
        });
    }
    Ok((round, bodies))
}

/// Save, approve, submit: the three requests' latencies.
async fn submit(addr: SocketAddr, round: i64, b: &Body) -> anyhow::Result<[Duration; 3]> {
    let path = format!("/rounds/{round}/reports/{}", b.agency);
    let (s1, save) = post(addr, &b.focal, &path, &b.form).await?;
    let approve_body =
        client::form(&[("csrf", &b.head.1), ("action", "approve"), ("version", "1")]);
    let (s2, approve) = post(addr, &b.head, &format!("{path}/action"), &approve_body).await?;
    let submit_body = client::form(&[("csrf", &b.focal.1), ("action", "submit"), ("version", "2")]);
    let (s3, sub) = post(addr, &b.focal, &format!("{path}/action"), &submit_body).await?;
    if (s1, s2, s3) != (303, 303, 303) {
        anyhow::bail!("body {}: statuses {s1} {s2} {s3}", b.agency);
    }
    Ok([save, approve, sub])
}

/// Run `n` jobs through at most 64 connections; `pace` spreads their starts evenly.
async fn drive<F, Fut>(
    n: usize,
    pace: Option<Duration>,
    job: F,
) -> anyhow::Result<(Vec<[Duration; 3]>, Duration)>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<[Duration; 3]>> + Send + 'static,
{
    let gate = Arc::new(Semaphore::new(CONNECTIONS));
    let job = Arc::new(job);
    let started = Instant::now();
    let mut handles = Vec::with_capacity(n);
    for i in 0..n {
        if let Some(step) = pace {
            tokio::time::sleep_until((started + step * u32::try_from(i).unwrap_or(0)).into()).await;
        }
        let permit = Arc::clone(&gate).acquire_owned().await?;
        let job = Arc::clone(&job);
        handles.push(tokio::spawn(async move {
            let r = job(i).await;
            drop(permit);
            r
        }));
    }
    let mut out = Vec::with_capacity(n);
    for h in handles {
        out.push(h.await??);
    }
    Ok((out, started.elapsed()))
}

fn report(name: &str, lat: &[[Duration; 3]], col: usize) -> Duration {
    let mut v: Vec<Duration> = lat.iter().map(|x| x[col]).collect();
    v.sort();
    println!(
        "  {name:<8} p50 {:>7.1} ms   p95 {:>7.1} ms   p99 {:>7.1} ms   max {:>7.1} ms",
        ms(p(&v, 0.5)),
        ms(p(&v, 0.95)),
        ms(p(&v, 0.99)),
        ms(p(&v, 1.0))
    );
    p(&v, 0.99)
}

pub fn bench() -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let db = Db::connect(&url).await?;
        let t = Instant::now();
        let hash = theodoi_app::password::hash_password(theodoi_demo::DEMO_PASSWORD)?;
        let s = theodoi_demo::generate(
            &db,
            theodoi_demo::Options { scale: theodoi_demo::Scale::National, seed: 1, reports: false },
            &hash,
            |_, _, _| {},
        )
        .await?;
        println!("setup: {} bodies, {} accounts in {:.1} s (theodoi_demo, national)", s.bodies, s.accounts, t.elapsed().as_secs_f64());
        let (paced_round, paced) = prepare(
            &db,
            "6 tháng đầu năm 2027",
            date!(2027 - 01 - 01),
            DateRange { start: date!(2026 - 12 - 15), end: date!(2027 - 06 - 14) },
            date!(2027 - 06 - 15),
        )
        .await?;
        let (flat_round, flat) = prepare(
            &db,
            "6 tháng cuối năm 2027",
            date!(2027 - 07 - 01),
            DateRange { start: date!(2027 - 06 - 15), end: date!(2027 - 12 - 14) },
            date!(2027 - 12 - 15),
        )
        .await?;
        let indicators = db.report_form(paced_round, paced[0].agency).await?.map(|f| f.indicators.len()).unwrap_or(0);
        println!("round: {} bodies to report, {indicators} indicators each", paced.len());
        let state = theodoi_web::AppState::new(db.clone(), theodoi_web::Config { reminder_interval_secs: 0, ..theodoi_web::Config::default() });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let app = theodoi_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(async move { axum::serve(listener, app).await });
        let n = paced.len();
        let step = Duration::from_secs(60) / u32::try_from(n.max(1)).unwrap_or(1);

        // Baseline: GET /healthz, paced the same way.
        let (base, _) = drive(n, Some(step), move |_| async move {
            let mut c = client::Client::new(addr);
            let t = Instant::now();
            let r = c.get("/healthz").await;
            anyhow::ensure!(r.status == 200, "healthz {}", r.status);
            let d = t.elapsed();
            Ok([d, d, d])
        })
        .await?;
        println!("baseline GET /healthz, paced over 60 s:");
        let base99 = report("healthz", &base, 0);

        let paced = Arc::new(paced);
        let bodies = Arc::clone(&paced);
        let (lat, took) = drive(n, Some(step), move |i| {
            let bodies = Arc::clone(&bodies);
            async move { submit(addr, paced_round, &bodies[i]).await }
        })
        .await?;
        println!("paced: {n} reports (save + approve + submit) spread over 60 s, ≤ {CONNECTIONS} in flight, done in {:.1} s:", took.as_secs_f64());
        let save99 = report("save", &lat, 0);
        report("approve", &lat, 1);
        let submit99 = report("submit", &lat, 2);

        let flat = Arc::new(flat);
        let bodies = Arc::clone(&flat);
        let (lat2, took2) = drive(n, None, move |i| {
            let bodies = Arc::clone(&bodies);
            async move { submit(addr, flat_round, &bodies[i]).await }
        })
        .await?;
        println!("flat out: {n} reports through {CONNECTIONS} connections in {:.1} s ({:.0} reports/s):", took2.as_secs_f64(), n as f64 / took2.as_secs_f64());
        report("save", &lat2, 0);
        report("approve", &lat2, 1);
        report("submit", &lat2, 2);

        // The completeness page of the round, right after the load and again once the
        // write-ahead log has been checkpointed (as SQLite does by itself when writers pause).
        let coord = db.list_users().await?.into_iter().find(|u| u.username == "coord").map(|u| u.id).unwrap_or_default();
        let coord = session(&db, coord).await?;
        let page_times = |round: i64| {
            let coord = coord.clone();
            async move {
                let mut times = Vec::new();
                for (i, show) in std::iter::repeat_n(["all", "missing", "late"], 10).flatten().enumerate() {
                    let mut c = client::Client::new(addr);
                    c.cookies.insert(theodoi_web::auth::SESSION_COOKIE.into(), coord.0.clone());
                    let t = Instant::now();
                    let r = c.get(&format!("/rounds/{round}?show={show}")).await;
                    let d = t.elapsed();
                    anyhow::ensure!(r.status == 200 && r.body.contains("Đúng hạn"), "completeness page {}", r.status);
                    if i >= 3 {
                        times.push(d);
                    }
                }
                times.sort();
                Ok::<_, anyhow::Error>(times)
            }
        };
        let hot = page_times(paced_round).await?;
        if let Db::Sqlite(pool) = &db {
            sqlx_checkpoint(pool).await?;
        }
        let times = page_times(paced_round).await?;
        println!(
            "completeness page ({n} bodies): median {:.1} ms, max {:.1} ms (target ≤ 50 ms); right after the load, before the WAL checkpoint: median {:.1} ms, max {:.1} ms",
            ms(p(&times, 0.5)),
            ms(p(&times, 1.0)),
            ms(p(&hot, 0.5)),
            ms(p(&hot, 1.0))
        );
        println!(
            "p99 save {:.1} ms, submit {:.1} ms (target ≤ 100 ms); {:.1}× and {:.1}× the baseline p99 {:.2} ms",
            ms(save99),
            ms(submit99),
            ms(save99) / ms(base99).max(0.001),
            ms(submit99) / ms(base99).max(0.001),
            ms(base99)
        );
        server.abort();
        Ok(())
    })
}

async fn sqlx_checkpoint(pool: &sqlx::SqlitePool) -> anyhow::Result<()> {
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(pool)
        .await?;
    Ok(())
}

/// Peak resident memory of this process so far (VmHWM), in MB.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The demo's national scale with its rounds and reports (seed 1), in a SQLite file in `dir`.
pub async fn national_with_reports(
    dir: &std::path::Path,
) -> anyhow::Result<(Db, theodoi_demo::Summary)> {
    let db = Db::connect(&format!("sqlite://{}", dir.join("bench.db").display())).await?;
    let hash = theodoi_app::password::hash_password(theodoi_demo::DEMO_PASSWORD)?;
    let s = theodoi_demo::generate(
        &db,
        theodoi_demo::Options {
            scale: theodoi_demo::Scale::National,
            seed: 1,
            reports: true,
        },
        &hash,
        |_, _, _| {},
    )
    .await?;
    Ok((db, s))
}

/// A national round with reports from every body (20 indicators, up to 3 breakdowns each), most
/// accepted: consolidate it and write its files.
pub fn report_bench() -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let dir = tempfile::tempdir()?;
        let t = Instant::now();
        let (db, s) = national_with_reports(dir.path()).await?;
        let round = s.rounds[0];
        let values: i64 = match &db {
            Db::Sqlite(pool) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM data_values WHERE round_id = $1").bind(round).fetch_one(pool).await?
            }
            Db::Postgres(_) => 0,
        };
        println!(
            "setup: {} bodies, {} reports, {values} values in the round, in {:.1} s (theodoi_demo, national); RSS {:.0} MB",
            s.bodies,
            s.reports,
            t.elapsed().as_secs_f64(),
            peak_rss_mb()
        );
        // Baseline: read every value of the round's accepted reports into the program and sum
        // them there — what a consolidation without the database's GROUP BY would cost.
        let t = Instant::now();
        let mut naive: std::collections::HashMap<(i64, String, String), i64> = std::collections::HashMap::new();
        if let Db::Sqlite(pool) = &db {
            let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
                "SELECT dv.indicator_id, dv.dimension, dv.category, dv.value FROM data_values dv \
                 JOIN reports r ON r.id = dv.report_id WHERE dv.round_id = $1 AND r.status = 'accepted'",
            )
            .bind(round)
            .fetch_all(pool)
            .await?;
            for (i, d, c, v) in rows {
                *naive.entry((i, d, c)).or_default() += v;
            }
        }
        let baseline = t.elapsed();
        let mut best = Duration::MAX;
        let mut c = None;
        for _ in 0..3 {
            let t = Instant::now();
            let built = theodoi_app::consolidation::build(&db, round).await?;
            best = best.min(t.elapsed());
            c = Some(built);
        }
        let c = c.ok_or_else(|| anyhow::anyhow!("no consolidation"))?;
        // The same sums both ways.
        let total = |code: &str| c.indicators.iter().find(|b| b.info.code == code).and_then(|b| b.total);
        let first = c.indicators.first().map(|b| b.info.id).unwrap_or_default();
        let naive_total = naive.get(&(first, String::new(), String::new())).copied().unwrap_or(0) as f64;
        anyhow::ensure!(total("VB_TRIEN_KHAI") == Some(naive_total), "sums differ");
        println!(
            "consolidate: {:.0} ms best of 3 ({} indicators, {} of {} reports accepted, {} missing) (target ≤ 1 s); baseline reading and summing every value: {:.0} ms ({:.2}×)",
            ms(best),
            c.indicators.len(),
            c.accepted,
            c.expected,
            c.missing.len(),
            ms(baseline),
            ms(best) / ms(baseline).max(0.001)
        );
        // Drafting: every section from the consolidation, best of 3, beside a same-run baseline
        // that only walks every task entry and difficulty once (folding each text).
        let t = Instant::now();
        let mut folded = 0usize;
        for task in &c.tasks {
            for e in &task.entries {
                folded += theodoi_text::fold(&e.results).len();
            }
        }
        for (_, d) in c.difficulties.iter().chain(&c.proposals) {
            folded += theodoi_text::fold(d).len();
        }
        let walk = t.elapsed();
        let mut draft_best = Duration::MAX;
        let mut drafted = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            drafted = theodoi_report::draft::draft(&c);
            draft_best = draft_best.min(t.elapsed());
        }
        let entries: usize = c.tasks.iter().map(|t| t.entries.len()).sum();
        let chars: usize = drafted.iter().map(|s| s.text.chars().count()).sum();
        println!(
            "draft: {:.0} ms best of 3 ({} sections, {} characters, from {} task entries) (target ≤ 1 s); baseline folding every text once: {:.0} ms ({} bytes, {:.2}×)",
            ms(draft_best),
            drafted.len(),
            chars,
            entries,
            ms(walk),
            folded,
            ms(draft_best) / ms(walk).max(0.001)
        );
        let today = time::OffsetDateTime::now_utc().date();
        let superior = theodoi_app::consolidation::proposed_superior(&c);
        let head = theodoi_app::consolidation::letterhead(
            &superior,
            "Hà Nội",
            "Nguyễn Văn An",
            Some(today),
            theodoi_app::consolidation::DRAFTING_UNIT,
            theodoi_report::Grouping::Plan,
        );
        let written: Vec<theodoi_report::docx::Written<'_>> = drafted
            .iter()
            .map(|s| theodoi_report::docx::Written {
                key: &s.key,
                heading: &s.heading,
                level: s.level,
                text: &s.text,
            })
            .collect();
        let mut docx_time = Duration::MAX;
        let mut docx = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            docx = theodoi_report::docx::report_from_draft(&c, &written, &head, false)?;
            docx_time = docx_time.min(t.elapsed());
        }
        let t = Instant::now();
        let xlsx = theodoi_report::xlsx::annex(&c).map_err(|e| anyhow::anyhow!("{e}"))?;
        let xlsx_time = t.elapsed();
        let t = Instant::now();
        let csv = theodoi_report::csv::annex(&c);
        let csv_time = t.elapsed();
        println!(
            "write: DOCX {:.0} ms ({} KB), XLSX {:.0} ms ({} KB), CSV {:.0} ms ({} KB) (target ≤ 2 s each)",
            ms(docx_time),
            docx.len() / 1024,
            ms(xlsx_time),
            xlsx.len() / 1024,
            ms(csv_time),
            csv.len() / 1024
        );
        println!("peak RSS of the whole run: {:.0} MB (target < 200 MB)", peak_rss_mb());
        Ok(())
    })
}
