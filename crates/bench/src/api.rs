//! The API's read of a national round's consolidated figures (issue 17's target: ≤ 50 ms):
//! GET /api/v1/rounds/{id}/figures with the coordinator's token, over HTTP to the real router on
//! the national demonstration (3,400 bodies' reports, 20 indicators with breakdowns). The
//! same-run baseline is GET /healthz over the same client, a request that reads nothing.

use crate::rounds::{client, ms, p};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const RUNS: usize = 50;

pub fn bench() -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let dir = tempfile::tempdir()?;
        let t = Instant::now();
        let (db, s) = crate::rounds::national_with_reports(dir.path()).await?;
        let round = s.rounds[0];
        let coord = db
            .user_by_username("coord")
            .await?
            .ok_or_else(|| anyhow::anyhow!("the demonstration has no coordinator `coord`"))?;
        let (_, token) = theodoi_web::api::tokens::create(
            &db,
            coord.id,
            "bench",
            "read",
            1,
            time::OffsetDateTime::now_utc(),
        )
        .await
        .map_err(|e| anyhow::anyhow!("token: {e}"))?;
        println!(
            "setup: {} bodies, {} reports (theodoi_demo, national), in {:.1} s",
            s.bodies,
            s.reports,
            t.elapsed().as_secs_f64()
        );
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
        let server = tokio::spawn(async move { axum::serve(listener, app).await });

        let path = format!("/api/v1/rounds/{round}/figures");
        let mut c = client::Client::new(addr);
        c.header("Authorization", &format!("Bearer {token}"));
        // Once first, to check the answer: the first read sums the round (and the one before);
        // later reads keep those sums while the accepted reports stay the same.
        let t = Instant::now();
        let r = c.get(&path).await;
        let first = t.elapsed();
        anyhow::ensure!(r.status == 200, "figures: {} {}", r.status, r.body);
        let indicators = r.body.matches("\"aggregation\"").count();
        let mut api = Vec::with_capacity(RUNS);
        let mut base = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let t = Instant::now();
            let r = c.get(&path).await;
            api.push(t.elapsed());
            anyhow::ensure!(r.status == 200, "figures: {}", r.status);
            let t = Instant::now();
            let r = c.get("/healthz").await;
            base.push(t.elapsed());
            anyhow::ensure!(r.status == 200, "healthz: {}", r.status);
        }
        api.sort();
        base.sort();
        // Where the time goes: the store's sum of the round's accepted values, alone.
        let mut sums = Vec::with_capacity(5);
        for _ in 0..5 {
            let t = Instant::now();
            let f = db.round_figures(round).await?;
            sums.push(t.elapsed());
            anyhow::ensure!(!f.is_empty(), "no figures");
        }
        sums.sort();
        let (p50, p99): (Duration, Duration) = (p(&api, 0.5), p(&api, 0.99));
        println!(
            "API figures of a national round: p50 {:.1} ms, p99 {:.1} ms over {RUNS} requests ({indicators} indicators, {} bytes) (target ≤ 50 ms); baseline GET /healthz p50 {:.2} ms ({:.1}×)",
            ms(p50),
            ms(p99),
            r.body.len(),
            ms(p(&base, 0.5)),
            ms(p50) / ms(p(&base, 0.5)).max(0.001)
        );
        println!(
            "first read, summing the round and the one before: {:.1} ms; the store's sum of the round's accepted values alone (one GROUP BY): {:.1} ms best of 5",
            ms(first),
            ms(sums[0])
        );
        server.abort();
        Ok(())
    })
}
