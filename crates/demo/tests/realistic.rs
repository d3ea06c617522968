//! The city demo reads like a real half-year: totals in the ranges a city's figures take, no
//! plausibility warning, the Sở Tư pháp's own report among the accepted ones, texts that differ;
//! and it is written once: a second run is refused and changes nothing.

use std::collections::{HashMap, HashSet};

use theodoi_demo::{Options, Scale};
use theodoi_store::Db;

#[tokio::test]
async fn city_demo_looks_real_and_is_written_once() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = Db::connect(&format!("sqlite://{}", dir.path().join("d.db").display()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let opts = Options {
        scale: Scale::City,
        seed: 42,
        reports: true,
    };
    let s = theodoi_demo::generate(&db, opts, "not-a-real-hash", |_, _, _| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let round = s.rounds[0];
    let progress = db.round_progress(round).await.unwrap_or_default();
    let mut kinds: HashMap<(String, Option<String>), usize> = HashMap::new();
    for p in &progress {
        *kinds
            .entry((p.agency_kind.clone(), p.status.clone()))
            .or_default() += 1;
    }
    eprintln!("bodies in the round: {kinds:?}");
    assert_eq!(
        db.plausibility_warnings(round).await.unwrap_or_default(),
        vec![],
        "the demo breaks no plausibility rule"
    );
    let codes: HashMap<i64, String> = db
        .indicators(false)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|i| (i.id, i.code))
        .collect();
    let figures = db.round_figures(round).await.unwrap_or_default();
    let total = |code: &str| -> i64 {
        figures
            .iter()
            .filter(|f| {
                f.dimension.is_empty()
                    && codes.get(&f.indicator_id).map(String::as_str) == Some(code)
            })
            .map(|f| f.sum)
            .sum()
    };
    let women: i64 = figures
        .iter()
        .filter(|f| {
            f.category == "nu" && codes.get(&f.indicator_id).map(String::as_str) == Some("TT_NGUOI")
        })
        .map(|f| f.sum)
        .sum();
    for (code, lo, hi) in [
        ("TT_BUOI", 300, 900),
        ("TT_NGUOI", 20_000, 80_000),
        ("TH_CAN_BO", 1_500, 6_000),
        ("KN_NHAN", 800, 3_000),
        ("TGPL_VU_VIEC", 300, 900),
        ("BT_THU_LY", 2, 15),
    ] {
        let v = total(code);
        eprintln!("{code}: {v}");
        assert!((lo..=hi).contains(&v), "{code} = {v}, expected {lo}–{hi}");
    }
    let attendees = total("TT_NGUOI");
    assert!(
        women * 100 >= attendees * 45 && women * 100 <= attendees * 60,
        "{women}/{attendees}"
    );
    // The Sở Tư pháp's own report is accepted and speaks of the task it leads (PL.3).
    let narrative = db.round_narrative(round).await.unwrap_or_default();
    assert!(
        narrative
            .iter()
            .any(|n| n.agency_name == "Sở Tư pháp" && n.reference == "PL.3" && n.role == "lead"),
        "the Sở Tư pháp reports on PL.3"
    );
    let texts: Vec<&str> = narrative
        .iter()
        .map(|n| n.results.as_str())
        .filter(|r| !r.starts_with("Chưa triển khai"))
        .collect();
    // An officer leaves a zero unsaid ("không phát sinh"); a text never reads "0 đơn".
    for t in &texts {
        assert!(
            !t.contains(" 0 đơn") && !t.contains(" 0 lượt"),
            "a zero spelled out: {t}"
        );
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for t in &texts {
        *counts.entry(t).or_default() += 1;
    }
    let most = counts.values().copied().max().unwrap_or(0);
    assert!(
        counts.len() * 10 >= texts.len() * 8 && most <= 10,
        "{} distinct texts of {}, the commonest {most} times",
        counts.len(),
        texts.len()
    );
    let difficulties = db.round_difficulties(round).await.unwrap_or_default();
    let kinds: HashSet<&str> = difficulties.iter().map(|d| d.1.as_str()).collect();
    assert!(kinds.len() >= 12, "difficulties differ: {}", kinds.len());
    // A second run is refused and leaves the database as it was.
    let before = db.list_users().await.unwrap_or_default().len();
    let again = theodoi_demo::generate(&db, opts, "not-a-real-hash", |_, _, _| {}).await;
    assert!(
        matches!(&again, Err(e) if e.to_string().contains("cơ sở dữ liệu trống")),
        "{again:?}"
    );
    assert_eq!(db.list_users().await.unwrap_or_default().len(), before);
    assert_eq!(db.rounds(None).await.unwrap_or_default().len(), 2);
    let admin = db
        .list_users()
        .await
        .unwrap_or_default()
        .into_iter()
        .find(|u| u.username == "admin")
        .unwrap_or_else(|| panic!("no admin"));
    assert!(
        admin.must_change_password,
        "admin changes the password at first sign-in"
    );
}
