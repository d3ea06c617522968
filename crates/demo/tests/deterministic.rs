//! The same seed gives the same data; another seed gives other data; the data passes the store's
//! own checks (it is written through them).

use theodoi_demo::{Options, Scale};
use theodoi_store::Db;

async fn fingerprint(seed: u64) -> (Vec<String>, Vec<(String, i64)>, i64) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = Db::connect(&format!("sqlite://{}", dir.path().join("d.db").display()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let s = theodoi_demo::generate(
        &db,
        Options {
            scale: Scale::City,
            seed,
            reports: true,
        },
        "not-a-real-hash",
        |_, _, _| {},
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    // 30 departments and 100 communes, with the bodies the plan names itself (Công an thành phố, …).
    assert!(s.bodies > 130, "{}", s.bodies);
    assert_eq!(
        s.bodies,
        db.list_agencies()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|a| !a.is_group)
            .count()
    );
    assert_eq!(s.rounds.len(), 2);
    let names: Vec<String> = db
        .list_agencies()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|a| a.name)
        .collect();
    let first = s.rounds[0];
    let progress = db.round_progress(first).await.unwrap_or_default();
    let statuses: Vec<(String, i64)> = progress
        .iter()
        .map(|p| (p.status.clone().unwrap_or_default(), p.agency_id))
        .collect();
    let mut total = 0;
    for p in progress.iter().take(20) {
        if let Ok(Some(f)) = db.report_form(first, p.agency_id).await {
            total += f.values.iter().map(|v| v.value).sum::<i64>();
        }
    }
    (names, statuses, total)
}

#[tokio::test]
async fn same_seed_same_data() {
    let a = fingerprint(42).await;
    let b = fingerprint(42).await;
    assert_eq!(a, b);
    assert!(a.1.iter().any(|(s, _)| s == "accepted"));
    assert!(
        a.1.iter().any(|(s, _)| s.is_empty()),
        "some bodies have not reported"
    );
    let c = fingerprint(43).await;
    assert_ne!(a.0, c.0, "another seed names other communes");
}
