//! Upgrades from every earlier schema: for each migration N of the backend's folder, a database is
//! built at version N (the migrations up to N only, read from the folder as an older release
//! shipped them), holding rows of every kind its tables had by then, and the product's own
//! `Db::migrate` takes it to the latest schema. The store must then read those rows and the
//! migration table must list every migration, applied successfully.

use super::{Backend, PG_ENV, block_on, remove_sqlite, unique};
use libtest_mimic::{Failed, Trial};
use sqlx::migrate::Migrator;
use std::path::{Path, PathBuf};
use theodoi_store::Db;
use time::macros::{date, datetime};

fn folder(backend: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend)
}

/// The versions of a migration folder (the number before the first `_` of each `.sql` file).
fn versions(backend: &str) -> Vec<i64> {
    let mut out: Vec<i64> = std::fs::read_dir(folder(backend))
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let (n, _) = name.strip_suffix(".sql")?.split_once('_')?;
                    n.parse().ok()
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort_unstable();
    out
}

/// One trial per backend and earlier version: `sqlite::upgrade::from_0004`,
/// `postgres::upgrade::from_0004`, …
pub fn trials(pg: Option<&str>) -> Vec<Trial> {
    let mut out = Vec::new();
    let lite = versions("sqlite");
    let pgv = versions("postgres");
    // Each folder has the same versions (the schema parity trial checks the tables).
    out.push(Trial::test("connect::upgrade_folders_agree", move || {
        if lite.is_empty() || lite != pgv {
            return Err(
                format!("migration versions differ: sqlite {lite:?}, postgres {pgv:?}").into(),
            );
        }
        Ok(())
    }));
    for v in versions("sqlite") {
        out.push(Trial::test(
            format!("sqlite::upgrade::from_{v:04}"),
            move || block_on(from_version(Backend::Sqlite, v)),
        ));
    }
    for v in versions("postgres") {
        let url = pg.unwrap_or_default().to_string();
        out.push(
            Trial::test(format!("postgres::upgrade::from_{v:04}"), move || {
                block_on(from_version(Backend::Postgres(url), v))
            })
            .with_ignored_flag(pg.is_none()),
        );
    }
    out
}

async fn from_version(backend: Backend, version: i64) -> Result<(), Failed> {
    match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("{}.db", unique("theodoi_upgrade")));
            let db = Db::connect(&format!("sqlite://{}", path.display())).await?;
            let result = upgrade(&db, "sqlite", version).await;
            db.close().await;
            remove_sqlite(&path);
            result
        }
        Backend::Postgres(url) => {
            let schema = unique("u");
            let db = Db::connect_postgres_schema(&url, &schema)
                .await
                .map_err(|e| Failed::from(format!("PostgreSQL at {PG_ENV} unreachable: {e}")))?;
            let result = upgrade(&db, "postgres", version).await;
            db.close().await;
            Db::drop_postgres_schema(&url, &schema).await?;
            result
        }
    }
}

/// Which of the fixtures' rows were written, so the checks know what to expect.
#[derive(Debug, Default)]
struct Written {
    plan_id: i64,
    lead_id: i64,
    user: bool,
    round: bool,
    version_row: bool,
    recommendation: bool,
}

/// The schema versions at which a fixture's tables exist: its rows are written as soon as the
/// database reaches that version, as a real installation would have written them then.
const STAGES: [i64; 5] = [1, 2, 4, 8, 20];

async fn upgrade(db: &Db, backend: &str, version: i64) -> Result<(), Failed> {
    let old = Migrator::new(folder(backend).as_path())
        .await
        .map_err(|e| format!("reading the migration folder: {e}"))?;
    let mut written = Written::default();
    for stage in STAGES.into_iter().filter(|s| *s <= version) {
        run_to(&old, db, stage).await?;
        fixtures(db, stage, &mut written)
            .await
            .map_err(|e| format!("rows of schema {stage} at version {version}: {e}"))?;
    }
    run_to(&old, db, version).await?;
    let before = applied(db).await?;
    if before.iter().any(|(v, _)| *v > version) || !before.iter().any(|(v, _)| *v == version) {
        return Err(format!("database not at version {version}: {before:?}").into());
    }

    db.migrate()
        .await
        .map_err(|e| format!("migrating from version {version}: {e}"))?;

    let expected: Vec<i64> = old.iter().map(|m| m.version).collect();
    let after = applied(db).await?;
    let versions: Vec<i64> = after.iter().map(|(v, _)| *v).collect();
    if versions != expected || after.iter().any(|(_, ok)| !ok) {
        return Err(format!(
            "migration table after the upgrade from {version}: {after:?}, expected {expected:?}"
        )
        .into());
    }

    // What an older release wrote reads back through the current store.
    let plans = db.list_plans().await?;
    let [plan] = plans.as_slice() else {
        return Err(format!("after the upgrade from {version}: plans {plans:?}").into());
    };
    assert_eq!(plan.id, written.plan_id);
    assert_eq!(plan.number.as_deref(), Some("14/KH-UBND"), "{plan:?}");
    assert_eq!(plan.task_count, 2, "{plan:?}");
    let view = db.load_plan(written.plan_id).await?;
    let refs: Vec<&str> = view.tasks.iter().map(|t| t.reference.as_str()).collect();
    assert_eq!(refs, ["I.1", "I.2"], "from version {version}");
    assert_eq!(
        view.assignments.len(),
        3,
        "from version {version}: {view:?}"
    );
    let agencies = db.list_agencies().await?;
    let lead = agencies
        .iter()
        .find(|a| a.id == written.lead_id)
        .ok_or_else(|| format!("from version {version}: the lead agency is gone: {agencies:?}"))?;
    assert_eq!((lead.lead_count, lead.coordinating_count), (2, 0));
    // Agencies stored before sort keys existed (0007) get theirs from `migrate`.
    let unsorted: i64 = scalar(db, "SELECT COUNT(*) FROM agencies WHERE sort_key = ''").await?;
    assert_eq!(
        unsorted, 0,
        "from version {version}: agencies without a sort key"
    );

    let users = db.count_users().await?;
    assert_eq!(users, i64::from(written.user), "from version {version}");
    if written.user {
        let audit: i64 = scalar(db, "SELECT COUNT(*) FROM audit_log").await?;
        let sessions: i64 = scalar(db, "SELECT COUNT(*) FROM sessions").await?;
        assert_eq!((audit, sessions), (1, 1), "from version {version}");
    }
    let rounds = db.rounds(None).await?;
    assert_eq!(
        rounds.len(),
        usize::from(written.round),
        "from version {version}"
    );
    if written.round {
        // 0007 leaves the coordinating body, Sở Tư pháp, out of the count of rounds opened before.
        let uncounted: i64 =
            scalar(db, "SELECT COUNT(*) FROM round_bodies WHERE NOT counted").await?;
        assert_eq!(uncounted, 1, "from version {version}");
        // The notifications table was rebuilt twice (0009, 0011): its rows must survive.
        let notices: i64 = scalar(db, "SELECT COUNT(*) FROM notifications").await?;
        let tasks: i64 = scalar(db, "SELECT COUNT(*) FROM report_tasks").await?;
        assert_eq!((notices, tasks), (1, 2), "from version {version}");
    }
    if written.version_row {
        let v: i64 = scalar(db, "SELECT COUNT(*) FROM plan_versions").await?;
        assert_eq!(v, 1, "from version {version}");
    }
    if written.recommendation {
        let links: i64 = scalar(db, "SELECT COUNT(*) FROM task_recommendations").await?;
        assert_eq!(links, 1, "from version {version}");
    }
    Ok(())
}

async fn run_to(m: &Migrator, db: &Db, version: i64) -> Result<(), Failed> {
    let r = match db {
        Db::Sqlite(p) => m.run_to(version, p).await,
        Db::Postgres(p) => m.run_to(version, p).await,
    };
    r.map_err(|e| format!("applying the migrations up to {version}: {e}").into())
}

async fn applied(db: &Db) -> Result<Vec<(i64, bool)>, Failed> {
    const SQL: &str = "SELECT version, success FROM _sqlx_migrations ORDER BY version";
    Ok(match db {
        Db::Sqlite(p) => sqlx::query_as(SQL).fetch_all(p).await?,
        Db::Postgres(p) => sqlx::query_as(SQL).fetch_all(p).await?,
    })
}

async fn scalar(db: &Db, sql: &'static str) -> Result<i64, Failed> {
    Ok(match db {
        Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await?,
        Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await?,
    })
}

/// The rows of one stage, written with the columns its schema had (later columns take their
/// defaults, as on a real upgrade). A macro, as the store's own code is, so the same SQL runs on
/// both pools.
macro_rules! fixtures {
    ($pool:expr, $stage:expr, $w:expr) => {{
        let pool = $pool;
        let w: &mut Written = $w;
        let mut tx = pool.begin().await?;
        match $stage {
            1 => {
                let doc: i64 = sqlx::query_scalar(
                    "INSERT INTO documents (doc_type, number, issuer, place, issued_on, title, title_key) \
                     VALUES ('KH', '14/KH-UBND', 'UBND THÀNH PHỐ', 'Hải Phòng', $1, \
                     'Kế hoạch thực hiện Quyết định 2715/QĐ-TTg', 'ke hoach thuc hien quyet dinh 2715/qd-ttg') \
                     RETURNING id",
                )
                .bind(date!(2026 - 01 - 15))
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO document_links (document_id, kind, to_number, to_type) \
                     VALUES ($1, 'implements', '2715/QĐ-TTg', 'QĐ')",
                )
                .bind(doc)
                .execute(&mut *tx)
                .await?;
                w.plan_id = sqlx::query_scalar(
                    "INSERT INTO plans (document_id, has_body, has_appendix, purposes) \
                     VALUES ($1, TRUE, TRUE, '[\"Triển khai kịp thời\"]') RETURNING id",
                )
                .bind(doc)
                .fetch_one(&mut *tx)
                .await?;
                let time = theodoi_domain::timeframe::Timeframe {
                    text: "Thường xuyên".into(),
                    kind: theodoi_domain::timeframe::TimeframeKind::Continuous,
                };
                let time_json = serde_json::to_string(&time)
                    .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
                let mut tasks = Vec::new();
                for (position, (reference, title)) in [
                    ("I.1", "Tuyên truyền, phổ biến Công ước"),
                    ("I.2", "Rà soát văn bản quy phạm pháp luật"),
                ]
                .into_iter()
                .enumerate()
                {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO tasks (plan_id, ref, position, title, time_text, time_kind, time_json, start_line, end_line) \
                         VALUES ($1, $2, $3, $4, 'Thường xuyên', $5, $6, 10, 12) RETURNING id",
                    )
                    .bind(w.plan_id)
                    .bind(reference)
                    .bind(i32::try_from(position).unwrap_or_default())
                    .bind(title)
                    .bind(time.kind_name())
                    .bind(&time_json)
                    .fetch_one(&mut *tx)
                    .await?;
                    tasks.push(id);
                }
                let mut agencies = Vec::new();
                for (code, name, kind) in [
                    ("so-tu-phap", "Sở Tư pháp", "department"),
                    ("ubnd-xa-an-lao", "UBND xã An Lão", "commune"),
                ] {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO agencies (code, name, kind, is_group, requested_only) \
                         VALUES ($1, $2, $3, FALSE, FALSE) RETURNING id",
                    )
                    .bind(code)
                    .bind(name)
                    .bind(kind)
                    .fetch_one(&mut *tx)
                    .await?;
                    sqlx::query("INSERT INTO agency_names (agency_id, name) VALUES ($1, $2)")
                        .bind(id)
                        .bind(name)
                        .execute(&mut *tx)
                        .await?;
                    agencies.push(id);
                }
                w.lead_id = agencies[0];
                for (position, (task, agency, role)) in [
                    (tasks[0], agencies[0], "lead"),
                    (tasks[0], agencies[1], "coordinating"),
                    (tasks[1], agencies[0], "lead"),
                ]
                .into_iter()
                .enumerate()
                {
                    sqlx::query(
                        "INSERT INTO assignments (task_id, agency_id, role, position, name_as_written, requested_only) \
                         VALUES ($1, $2, $3, $4, 'as written', FALSE)",
                    )
                    .bind(task)
                    .bind(agency)
                    .bind(role)
                    .bind(i32::try_from(position).unwrap_or_default())
                    .execute(&mut *tx)
                    .await?;
                }
            }
            2 => {
                let commune: i64 =
                    sqlx::query_scalar("SELECT id FROM agencies WHERE code = 'ubnd-xa-an-lao'")
                        .fetch_one(&mut *tx)
                        .await?;
                let user: i64 = sqlx::query_scalar(
                    "INSERT INTO users (username, display_name, password_hash, role, agency_id) \
                     VALUES ('dau-moi', 'Đầu mối xã An Lão', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', 'focal_point', $1) \
                     RETURNING id",
                )
                .bind(commune)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
                     VALUES ('0000', $1, 'csrf', $2, $3)",
                )
                .bind(user)
                .bind(datetime!(2026-03-01 08:00 UTC))
                .bind(datetime!(2026-03-01 20:00 UTC))
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO audit_log (at, user_id, username, action, target) \
                     VALUES ($1, $2, 'dau-moi', 'sign_in', 'user:1')",
                )
                .bind(datetime!(2026-03-01 08:00 UTC))
                .bind(user)
                .execute(&mut *tx)
                .await?;
                w.user = true;
            }
            4 => {
                let round: i64 = sqlx::query_scalar(
                    "INSERT INTO rounds (plan_id, kind, title, label, period_start, period_months, window_start, \
                     window_end, agency_deadline, reminder_offsets, opened_at) \
                     VALUES ($1, 'periodic', 'Báo cáo 6 tháng đầu năm 2026', '6 tháng đầu năm 2026', $2, 6, $2, $3, $4, \
                     '-7,-1,1,3', $5) RETURNING id",
                )
                .bind(w.plan_id)
                .bind(date!(2026 - 01 - 01))
                .bind(date!(2026 - 06 - 14))
                .bind(date!(2026 - 06 - 20))
                .bind(datetime!(2026-06-01 08:00 UTC))
                .fetch_one(&mut *tx)
                .await?;
                let (commune, user): (i64, i64) = sqlx::query_as(
                    "SELECT a.id, u.id FROM agencies a JOIN users u ON u.agency_id = a.id \
                     WHERE a.code = 'ubnd-xa-an-lao'",
                )
                .fetch_one(&mut *tx)
                .await?;
                let tasks: Vec<i64> = sqlx::query_scalar(
                    "SELECT t.id FROM tasks t WHERE t.plan_id = $1 ORDER BY t.position",
                )
                .bind(w.plan_id)
                .fetch_all(&mut *tx)
                .await?;
                for (agency, n) in [(w.lead_id, 2), (commune, 1)] {
                    sqlx::query("INSERT INTO round_bodies (round_id, agency_id, tasks) VALUES ($1, $2, $3)")
                        .bind(round)
                        .bind(agency)
                        .bind(n)
                        .execute(&mut *tx)
                        .await?;
                }
                for (agency, task, role) in [
                    (w.lead_id, tasks[0], "lead"),
                    (w.lead_id, tasks[1], "lead"),
                    (commune, tasks[0], "coordinating"),
                ] {
                    sqlx::query(
                        "INSERT INTO round_obligations (round_id, agency_id, task_id, role, due) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(round)
                    .bind(agency)
                    .bind(task)
                    .bind(role)
                    .bind(date!(2026 - 06 - 20))
                    .execute(&mut *tx)
                    .await?;
                }
                let report: i64 = sqlx::query_scalar(
                    "INSERT INTO reports (round_id, agency_id, status, version, difficulties, updated_by, updated_at) \
                     VALUES ($1, $2, 'draft', 1, 'Thiếu kinh phí', $3, $4) RETURNING id",
                )
                .bind(round)
                .bind(w.lead_id)
                .bind(user)
                .bind(datetime!(2026-06-05 09:00 UTC))
                .fetch_one(&mut *tx)
                .await?;
                for task in &tasks {
                    sqlx::query(
                        "INSERT INTO report_tasks (report_id, task_id, status, results) \
                         VALUES ($1, $2, 'in_progress', 'Đã tổ chức 3 hội nghị')",
                    )
                    .bind(report)
                    .bind(task)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query(
                    "INSERT INTO notifications (round_id, agency_id, offset_days, user_id, channel, subject, body, created_at) \
                     VALUES ($1, $2, -7, $3, 'app', 'Nhắc hạn báo cáo', 'Còn 7 ngày đến hạn', $4)",
                )
                .bind(round)
                .bind(commune)
                .bind(user)
                .bind(datetime!(2026-06-13 01:00 UTC))
                .execute(&mut *tx)
                .await?;
                w.round = true;
            }
            8 => {
                sqlx::query(
                    "INSERT INTO plan_versions (plan_id, version, kind, tasks, tasks_added, tasks_removed, tasks_changed, created_at) \
                     VALUES ($1, 1, 'import', 2, 2, 0, 0, $2)",
                )
                .bind(w.plan_id)
                .bind(datetime!(2026-01-20 03:00 UTC))
                .execute(&mut *tx)
                .await?;
                w.version_row = true;
            }
            20 => {
                let source: i64 = sqlx::query_scalar(
                    "INSERT INTO rec_sources (symbol, mechanism, committee, created_at, updated_at) \
                     VALUES ('CCPR/C/VNM/CO/4', 'treaty_body', 'CCPR', $1, $1) RETURNING id",
                )
                .bind(datetime!(2026-02-01 00:00 UTC))
                .fetch_one(&mut *tx)
                .await?;
                let rec: i64 = sqlx::query_scalar(
                    "INSERT INTO recommendations (source_id, paragraph, sub, text) \
                     VALUES ($1, 12, 'a', 'Disseminate the Covenant') RETURNING id",
                )
                .bind(source)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO task_recommendations (task_id, recommendation_id, linked_at) \
                     SELECT id, $1, $2 FROM tasks WHERE ref = 'I.1'",
                )
                .bind(rec)
                .bind(datetime!(2026-02-02 00:00 UTC))
                .execute(&mut *tx)
                .await?;
                w.recommendation = true;
            }
            _ => {}
        }
        tx.commit().await
    }};
}

async fn fixtures(db: &Db, stage: i64, w: &mut Written) -> Result<(), sqlx::Error> {
    match db {
        Db::Sqlite(p) => fixtures!(p, stage, w),
        Db::Postgres(p) => fixtures!(p, stage, w),
    }
}
