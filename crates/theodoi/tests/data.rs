//! Data exchange: `theodoi data export|import` and theodoi_app::exchange on the city
//! demonstration (round 1: accepted, submitted and returned reports; round 2: drafts). The
//! scenario runs on SQLite, and on PostgreSQL when THEODOI_TEST_DATABASE_URL is set.

use std::path::Path;
use std::process::{Command, Output};
use theodoi_app::exchange::{
    self, DataValue, ExportScope, Format, ImportOptions, ImportReport, Importer, Outcome,
};
use theodoi_store::Db;

const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";
const DRAFTS: &str = "2026-07-01/P6M";

async fn city(db: &Db) {
    theodoi_demo::generate(
        db,
        theodoi_demo::Options {
            scale: theodoi_demo::Scale::City,
            seed: 3,
            reports: true,
        },
        HASH,
        |_, _, _| {},
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

fn coordinator() -> Importer {
    Importer {
        user_id: None,
        username: "test".into(),
        agency_id: None,
    }
}

fn row(ind: &str, dim: &str, cat: &str, body: &str, period: &str, value: &str) -> DataValue {
    DataValue {
        indicator: ind.into(),
        dimension: dim.into(),
        category: cat.into(),
        body: body.into(),
        period: period.into(),
        plan: String::new(),
        value: value.into(),
    }
}

async fn run(db: &Db, rows: &[DataValue], opts: ImportOptions) -> ImportReport {
    exchange::import(
        db,
        rows,
        &coordinator(),
        opts,
        time::OffsetDateTime::now_utc(),
    )
    .await
    .unwrap_or_else(|e| panic!("{e:#}"))
}

fn reason(r: &ImportReport, row: usize) -> String {
    match &r.rows[row - 1].outcome {
        Outcome::Refused { reason_vi, .. } => reason_vi.clone(),
        o => panic!("row {row} was not refused: {o:?}"),
    }
}

async fn round_id(db: &Db, start: &str) -> i64 {
    db.rounds(None)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .find(|s| s.round.period_start.map(|d| d.to_string()).as_deref() == Some(start))
        .map(|s| s.round.id)
        .unwrap_or_else(|| panic!("no round starting {start}"))
}

async fn all(db: &Db, round: i64) -> Vec<DataValue> {
    exchange::export(db, round, ExportScope::All)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"))
}

/// A draft body's total of an indicator with no breakdown stored, to change freely.
fn plain_total(rows: &[DataValue]) -> DataValue {
    rows.iter()
        .find(|r| {
            r.dimension.is_empty()
                && !rows.iter().any(|o| {
                    o.body == r.body && o.indicator == r.indicator && !o.dimension.is_empty()
                })
        })
        .cloned()
        .unwrap_or_else(|| panic!("no plain total"))
}

async fn scenario(db: &Db) {
    let r2 = round_id(db, "2026-07-01").await;
    let r1 = round_id(db, "2026-01-01").await;
    let before = all(db, r2).await;
    assert!(before.len() > 100, "{} values", before.len());

    // Round trip: what was exported imports as unchanged, in both formats.
    for format in [Format::Json, Format::Csv] {
        let text = exchange::write(format, &before);
        let back = exchange::read(format, &text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, before);
        let r = run(db, &back, ImportOptions::default()).await;
        assert_eq!(
            (r.refused, r.unchanged, r.reports_saved),
            (0, before.len(), 0)
        );
    }

    // Dry run of a change: says "updated", writes nothing.
    let target = plain_total(&before);
    let mut changed = target.clone();
    let new_value: i64 = target.value.parse::<i64>().unwrap_or(0) + 7;
    changed.value = new_value.to_string();
    let r = run(
        db,
        std::slice::from_ref(&changed),
        ImportOptions {
            dry_run: true,
            partial: false,
        },
    )
    .await;
    assert!(
        matches!(r.rows[0].outcome, Outcome::Updated { .. }),
        "{r:?}"
    );
    assert!(!r.written);
    assert_eq!(all(db, r2).await, before);

    // Each bad row refused with its reason, and nothing written, not even the good row.
    let good = changed.clone();
    let body = target.body.as_str();
    let sent_id = db
        .round_progress(r1)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .find(|b| b.status.as_deref() == Some("submitted"))
        .map(|b| b.agency_id)
        .unwrap_or_else(|| panic!("no submitted report in round 1"));
    let sent = db
        .list_agencies()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .find(|a| a.id == sent_id)
        .map(|a| a.code)
        .unwrap_or_default();
    let sent = sent.as_str();
    let bad = vec![
        good.clone(),
        row("KHONG_CO", "", "", body, DRAFTS, "1"),
        row(&target.indicator, "", "", "khong-co-co-quan", DRAFTS, "1"),
        row("TGPL_VU_VIEC", "sex", "khong_co", body, DRAFTS, "1"),
        good.clone(),
        row(&target.indicator, "", "", body, DRAFTS, "2,5"),
        row(&target.indicator, "", "", body, DRAFTS, "-3"),
        row(&target.indicator, "", "", body, "2031-01-01/P6M", "1"),
        row("TGPL_VU_VIEC", "sex", "nu", body, DRAFTS, "999999"),
        row("TGPL_VU_VIEC", "", "", sent, "2026-01-01/P6M", "5"),
    ];
    let before1 = all(db, r1).await;
    let r = run(db, &bad, ImportOptions::default()).await;
    assert!(!r.written);
    assert_eq!(r.refused, bad.len(), "{r:#?}");
    assert!(reason(&r, 1).contains("dòng 5"), "{}", reason(&r, 1));
    assert!(reason(&r, 2).contains("KHONG_CO"), "{}", reason(&r, 2));
    assert!(reason(&r, 3).contains("khong-co-co-quan"));
    assert!(reason(&r, 4).contains("khong_co"));
    assert!(
        reason(&r, 5).contains("Trùng với dòng 1"),
        "{}",
        reason(&r, 5)
    );
    assert!(reason(&r, 6).contains("số nguyên"), "{}", reason(&r, 6));
    assert!(reason(&r, 7).contains("số âm"), "{}", reason(&r, 7));
    assert!(reason(&r, 8).contains("Không có đợt báo cáo"));
    assert!(reason(&r, 9).contains("TGPL_VU_VIEC"), "{}", reason(&r, 9));
    assert!(
        reason(&r, 10).contains("không sửa được"),
        "{}",
        reason(&r, 10)
    );
    assert_eq!(all(db, r2).await, before);
    assert_eq!(all(db, r1).await, before1);

    // --partial: the valid row only.
    let partial = vec![changed.clone(), row("KHONG_CO", "", "", body, DRAFTS, "1")];
    let r = run(
        db,
        &partial,
        ImportOptions {
            dry_run: false,
            partial: true,
        },
    )
    .await;
    assert!(r.written);
    assert_eq!((r.updated, r.refused, r.reports_saved), (1, 1, 1));
    let after = all(db, r2).await;
    let expected: Vec<DataValue> = before
        .iter()
        .map(|v| {
            if *v == target {
                changed.clone()
            } else {
                v.clone()
            }
        })
        .collect();
    assert_eq!(after, expected);

    // The value is in the body's report form and its history, and the report is still a draft.
    let agency = db
        .list_agencies()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .find(|a| a.code == target.body)
        .map(|a| a.id)
        .unwrap_or(0);
    let form = db
        .report_form(r2, agency)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no form"));
    let ind = form
        .indicators
        .iter()
        .find(|i| i.code == target.indicator)
        .map(|i| i.id)
        .unwrap_or(0);
    assert!(
        form.values
            .iter()
            .any(|v| v.indicator_id == ind && v.dimension.is_empty() && v.value == new_value)
    );
    let report = form.report.unwrap_or_else(|| panic!("no report"));
    assert_eq!(report.status, "draft");
    let history = db
        .value_history(report.id)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(history.iter().any(|h| h.indicator_id == ind
        && h.new_value == Some(new_value)
        && h.old_value == target.value.parse().ok()));

    // A body's account imports its own values only.
    let own = Importer {
        user_id: None,
        username: "focal".into(),
        agency_id: Some(agency),
    };
    let other = before
        .iter()
        .find(|v| v.body != target.body)
        .cloned()
        .unwrap_or_else(|| panic!("one body only"));
    let r = exchange::import(
        db,
        &[other],
        &own,
        ImportOptions::default(),
        time::OffsetDateTime::now_utc(),
    )
    .await
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert!(
        reason(&r, 1).contains("chính cơ quan đó"),
        "{}",
        reason(&r, 1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exchange_on_sqlite() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let db = Db::connect(&url).await.unwrap_or_else(|e| panic!("{e}"));
    db.migrate().await.unwrap_or_else(|e| panic!("{e}"));
    city(&db).await;
    scenario(&db).await;
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exchange_on_postgres() {
    let Some(pg) = std::env::var("THEODOI_TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        eprintln!("skipped: THEODOI_TEST_DATABASE_URL is not set");
        return;
    };
    let schema = format!("exchange_{}", std::process::id());
    let db = Db::connect_postgres_schema(&pg, &schema)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    db.migrate().await.unwrap_or_else(|e| panic!("{e}"));
    city(&db).await;
    scenario(&db).await;
    db.close().await;
}

fn theodoi(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_theodoi"))
        .current_dir(dir)
        .env_remove("THEODOI_DATABASE_URL")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run theodoi: {e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The command as an administrator runs it: export, a refused import (exit 1, the row named,
/// nothing written), the same with --partial, and a body's account kept to its own report.
#[test]
fn the_command() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let o = theodoi(
        dir.path(),
        &["--database", &url, "demo", "generate", "--scale", "city"],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let run = |args: &[&str]| {
        theodoi(
            dir.path(),
            &[&["--database", url.as_str()][..], args].concat(),
        )
    };

    let o = run(&[
        "data", "export", "--period", DRAFTS, "--all", "--output", "a.csv",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let csv = std::fs::read_to_string(dir.path().join("a.csv")).unwrap_or_default();
    let rows = exchange::read(Format::Csv, &csv).unwrap_or_else(|e| panic!("{e}"));
    let target = plain_total(&rows);
    let header = "indicator,dimension,category,body,period,value\n";
    let good = format!(
        "{},,,{},{DRAFTS},{}\n",
        target.indicator,
        target.body,
        target.value.parse::<i64>().unwrap_or(0) + 1
    );
    let bad = format!("{},,,{},{DRAFTS},mười\n", target.indicator, "khong-co");
    std::fs::write(dir.path().join("in.csv"), format!("{header}{good}{bad}"))
        .unwrap_or_else(|e| panic!("{e}"));

    let o = run(&["data", "import", "in.csv"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    assert!(text(&o.stderr).contains("dòng 2"), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("khong-co"), "{}", text(&o.stderr));
    let o = run(&[
        "data", "export", "--period", DRAFTS, "--all", "--format", "csv",
    ]);
    assert_eq!(text(&o.stdout), csv, "a refused import wrote something");

    let o = run(&["data", "import", "in.csv", "--partial", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    assert_eq!(v["updated"], 1, "{}", text(&o.stdout));
    assert_eq!(v["refused"], 1);
    assert_eq!(v["rows"][1]["outcome"], "refused");

    // focal-<code> of another body may not import this body's values.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let other: String = rt.block_on(async {
        let db = Db::connect(&url).await.unwrap_or_else(|e| panic!("{e}"));
        let Db::Sqlite(p) = &db else {
            panic!("not SQLite")
        };
        let name = sqlx::query_scalar(
            "SELECT u.username FROM users u JOIN agencies a ON a.id = u.agency_id \
             WHERE u.role = 'focal_point' AND a.code <> $1 ORDER BY u.id LIMIT 1",
        )
        .bind(&target.body)
        .fetch_one(p)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        db.close().await;
        name
    });
    let o = run(&["data", "import", "in.csv", "--as", &other, "--dry-run"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("chính cơ quan đó"),
        "{}",
        text(&o.stderr)
    );
}
