//! The report form of one body with ten tasks and the round's indicators (the starter set's 24,
//! at least the 20 the target names): server time to render it over HTTP on this machine and its
//! size, against GET /healthz measured in the same run.

use crate::rounds::{client, ms, p, session};
use anyhow::Context as _;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use theodoi_domain::{AgencyMention, DateRange};
use theodoi_store::Db;
use theodoi_store::rounds::NewRound;
use time::macros::date;

const RUNS: usize = 300;

pub fn bench() -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let db = Db::connect(&url).await?;
        let hash = theodoi_app::password::hash_password(theodoi_demo::DEMO_PASSWORD)?;
        theodoi_demo::generate(
            &db,
            theodoi_demo::Options {
                scale: theodoi_demo::Scale::City,
                seed: 1,
                reports: false,
            },
            &hash,
            |_, _, _| {},
        )
        .await?;
        // The seed plan with the Sở Tư pháp named on each of its ten tasks.
        let mut seed = theodoi_plandoc::combine(vec![
            theodoi_plandoc::parse(crate::BODY)?,
            theodoi_plandoc::parse(crate::APPENDIX)?,
        ])
        .pop()
        .context("seed")?
        .plan;
        seed.document.number = theodoi_domain::DocumentNumber::parse("99/KH-UBND").ok();
        let justice = AgencyMention::new("Sở Tư pháp", false);
        for t in &mut seed.tasks {
            if !t.lead.iter().chain(&t.coordinating).any(|a| a.name == justice.name) {
                t.coordinating.push(justice.clone());
            }
        }
        let plan_id = db
            .import_plan(&seed, theodoi_store::ImportParts { body: true, appendix: true })
            .await?
            .plan_id;
        let round = db
            .open_round(
                &NewRound {
                    plan_id,
                    regime_id: None,
                    kind: "periodic",
                    title: "6 tháng đầu năm 2027",
                    label: "6 tháng đầu năm 2027",
                    period: Some((date!(2027 - 01 - 01), 6)),
                    window: DateRange {
                        start: date!(2026 - 12 - 15),
                        end: date!(2027 - 06 - 14),
                    },
                    agency_deadline: date!(2027 - 06 - 15),
                    coordinator_deadline: None,
                    committee_deadline: None,
                    reminder_offsets: "-7,-1,1,3",
                    opened_by: None,
                },
                time::OffsetDateTime::now_utc(),
            )
            .await?
            .id;
        let agency = db
            .list_agencies()
            .await?
            .into_iter()
            .find(|a| a.name == "Sở Tư pháp")
            .context("Sở Tư pháp")?
            .id;
        let form = db
            .report_form(round, agency)
            .await?
            .context("the form")?;
        let focal = db
            .list_users()
            .await?
            .into_iter()
            .find(|u| u.username == format!("focal-{agency}"))
            .context("the focal point")?;
        let (token, _) = session(&db, focal.id).await?;
        let state = theodoi_web::AppState::new(
            db.clone(),
            theodoi_web::Config {
                reminder_interval_secs: 0,
                ..theodoi_web::Config::default()
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let app = theodoi_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let path = format!("/rounds/{round}/reports/{agency}");
        let mut c = client::Client::new(addr);
        c.cookies
            .insert(theodoi_web::auth::SESSION_COOKIE.into(), token);
        // Warm up, and check the page is the form.
        let first = c.get(&path).await;
        anyhow::ensure!(first.status == 200, "form {}", first.status);
        anyhow::ensure!(first.body.contains("entry figures"), "not the grid form");
        let size = first.body.len();
        let mut base = Vec::with_capacity(RUNS);
        let mut page = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let t = Instant::now();
            let r = c.get("/healthz").await;
            anyhow::ensure!(r.status == 200, "healthz {}", r.status);
            base.push(t.elapsed());
            let t = Instant::now();
            let r = c.get(&path).await;
            anyhow::ensure!(r.status == 200, "form {}", r.status);
            page.push(t.elapsed());
        }
        base.sort();
        page.sort();
        let median = p(&page, 0.5);
        let p95 = p(&page, 0.95);
        let base_median = p(&base, 0.5);
        println!(
            "report form: {} tasks, {} indicators ({} entry fields), {RUNS} GETs over HTTP on 127.0.0.1",
            form.tasks.len(),
            form.indicators.len(),
            form.indicators
                .iter()
                .map(|i| 1 + i.dims().iter().map(|d| d.categories().len()).sum::<usize>())
                .sum::<usize>()
                + 3 * form.tasks.len()
        );
        println!(
            "  render: median {:.2} ms, p95 {:.2} ms (target ≤ 20 ms); baseline GET /healthz median {:.2} ms; ratio {:.1}×",
            ms(median),
            ms(p95),
            ms(base_median),
            ms(median) / ms(base_median).max(0.001)
        );
        println!(
            "  size: {:.1} KB of HTML (target ≤ 150 KB)",
            size as f64 / 1024.0
        );
        anyhow::ensure!(
            form.tasks.len() >= 10 && form.indicators.len() >= 20,
            "the body has {} tasks and {} indicators, fewer than the benchmark asks",
            form.tasks.len(),
            form.indicators.len()
        );
        if median > Duration::from_millis(20) || size > 150 * 1024 {
            println!("  OVER TARGET");
        }
        db.close().await;
        Ok(())
    })
}
