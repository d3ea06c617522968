//! Backup and restore: a demonstration city backed up and restored into a fresh database, every
//! table compared row by row; a backup taken while another connection writes; each refusal.
//! The PostgreSQL restore runs when THEODOI_TEST_DATABASE_URL is set.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use theodoi_store::{Db, StoreError};

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

async fn open(path: &Path) -> Db {
    let db = Db::connect(&url(path))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    db.migrate().await.unwrap_or_else(|e| panic!("{e}"));
    db
}

fn pool(db: &Db) -> &sqlx::SqlitePool {
    match db {
        Db::Sqlite(p) => p,
        Db::Postgres(_) => panic!("a SQLite database was expected"),
    }
}

/// A demonstration city with its rounds and reports, and an attached file (a BLOB) on a report.
async fn city(path: &Path) -> Db {
    let db = open(path).await;
    theodoi_demo::generate(
        &db,
        theodoi_demo::Options {
            scale: theodoi_demo::Scale::City,
            seed: 3,
            reports: true,
        },
        // Stored, never checked here: the hash's cost is not what these tests are about.
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        |_, _, _| {},
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    sqlx::query(
        "INSERT INTO report_files (report_id, task_id, file_name, file_type, file_bytes, at) \
         SELECT id, NULL, 'minh chứng.pdf', 'application/pdf', X'255044462D00FF10', '2026-12-01T00:00:00Z' \
         FROM reports ORDER BY id LIMIT 1",
    )
    .execute(pool(&db))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    db
}

/// Every table of the schema, the migration records included.
async fn tables(p: &sqlx::SqlitePool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(p)
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Every row of a table as SQL literals (BLOBs as X'…', reals at full precision), ordered by
/// every column.
async fn rows(p: &sqlx::SqlitePool, table: &str) -> Vec<String> {
    let mut cols: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
            .bind(table)
            .fetch_all(p)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    // The target records its own migrations: which ones, not when or how long they took.
    if table == "_sqlx_migrations" {
        cols.retain(|c| {
            matches!(
                c.as_str(),
                "version" | "description" | "success" | "checksum"
            )
        });
    }
    assert!(!cols.is_empty(), "{table} has columns");
    let row = cols
        .iter()
        .map(|c| format!("quote(\"{c}\")"))
        .collect::<Vec<_>>()
        .join(" || '|' || ");
    let order = (1..=cols.len())
        .map(|i| format!("\"{}\"", cols[i - 1]))
        .collect::<Vec<_>>()
        .join(", ");
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT {row} FROM \"{table}\" ORDER BY {order}"
    )))
    .fetch_all(p)
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The two databases hold the same tables with the same rows; returns the rows compared.
async fn assert_same(a: &Db, b: &Db) -> usize {
    let (a, b) = (pool(a), pool(b));
    let names = tables(a).await;
    assert_eq!(names, tables(b).await, "the same tables");
    let mut n = 0;
    for t in &names {
        let (x, y) = (rows(a, t).await, rows(b, t).await);
        assert_eq!(x.len(), y.len(), "rows of {t}");
        for (i, (r, s)) in x.iter().zip(&y).enumerate() {
            assert_eq!(r, s, "{t}, row {i}");
        }
        n += x.len();
    }
    n
}

fn message(e: &StoreError) -> String {
    e.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_backup_holds_every_row_of_every_table() {
    let dir = tmp();
    let src = city(&dir.path().join("src.db")).await;
    let file = dir.path().join("backup.db");
    let made = src
        .backup_to(&file, false)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(made.rows > 10_000, "a city's data: {made:?}");
    assert!(made.tables > 40, "{made:?}");
    assert_eq!(
        made.bytes,
        std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0)
    );
    // No temporary file is left beside it.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert!(!names.iter().any(|n| n.contains("partial")), "{names:?}");

    let dst = open(&dir.path().join("dst.db")).await;
    let restored = dst
        .restore_from(&file)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((restored.tables, restored.rows), (made.tables, made.rows));
    let compared = assert_same(&src, &dst).await;
    assert!(
        compared as u64 > made.rows,
        "migration records compared too"
    );
    let blob: Vec<u8> = sqlx::query_scalar("SELECT file_bytes FROM report_files")
        .fetch_one(pool(&dst))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(blob, b"%PDF-\x00\xff\x10");
    // Every reference of the restored rows holds.
    let fk: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pragma_foreign_key_check")
        .fetch_one(pool(&dst))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fk, 0);

    // The backup file itself was never opened for writing.
    let again = open(&dir.path().join("again.db")).await;
    again
        .restore_from(&file)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_same(&src, &again).await;

    // An existing output is refused, and kept; --force replaces it.
    let before = std::fs::read(&file).unwrap_or_default();
    let e = src.backup_to(&file, false).await.err();
    let e = e.map(|e| message(&e)).unwrap_or_default();
    assert!(e.contains("đã tồn tại") && e.contains("--force"), "{e}");
    assert_eq!(std::fs::read(&file).unwrap_or_default(), before);
    sqlx::query("INSERT INTO audit_log (at, action) VALUES ('2026-12-01T01:00:00Z', 'after')")
        .execute(pool(&src))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let replaced = src
        .backup_to(&file, true)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(replaced.rows, made.rows + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_another_connection_writes_is_one_moment() {
    let dir = tmp();
    let path = dir.path().join("live.db");
    let src = city(&path).await;
    // Another pool, as the server would have: it writes two audit rows per transaction.
    let writer = open(&path).await;
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let w = writer.clone();
    let task = tokio::spawn(async move {
        let p = pool(&w);
        let mut pairs = 0u64;
        while !flag.load(Ordering::Relaxed) {
            let mut tx = p.begin().await.unwrap_or_else(|e| panic!("{e}"));
            for half in ["first", "second"] {
                sqlx::query("INSERT INTO audit_log (at, action, detail) VALUES ('2026-12-01T00:00:00Z', 'pair', $1)")
                    .bind(half)
                    .execute(&mut *tx)
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
            }
            tx.commit().await.unwrap_or_else(|e| panic!("{e}"));
            pairs += 1;
        }
        pairs
    });
    let count = |p: &sqlx::SqlitePool| {
        let p = p.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log WHERE action = 'pair'")
                .fetch_one(&p)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
        }
    };
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let mut seen = Vec::new();
    for i in 0..3 {
        let before = count(pool(&src)).await;
        let file = dir.path().join(format!("b{i}.db"));
        src.backup_to(&file, false)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let after = count(pool(&src)).await;
        let copy = Db::connect(&url(&file))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let inside = count(pool(&copy)).await;
        let ok: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(pool(&copy))
            .await
            .unwrap_or_default();
        copy.close().await;
        assert_eq!(ok, "ok");
        assert_eq!(
            inside % 2,
            0,
            "a transaction is in the backup whole or not at all"
        );
        assert!(
            before <= inside && inside <= after,
            "{before} ≤ {inside} ≤ {after}"
        );
        seen.push((before, inside, after));
    }
    stop.store(true, Ordering::Relaxed);
    let pairs = task.await.unwrap_or_else(|e| panic!("{e}"));
    assert!(pairs > 0);
    // The writer went on during the backups: a later backup saw more than the first.
    assert!(
        seen.last().map(|s| s.1) > seen.first().map(|s| s.1),
        "writes went on: {seen:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_what_it_should_and_writes_nothing() {
    let dir = tmp();
    let src = city(&dir.path().join("src.db")).await;
    let file = dir.path().join("backup.db");
    src.backup_to(&file, false)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let fresh = |name: &str| dir.path().join(name);

    // A target with data.
    let e = src.restore_from(&file).await.err().map(|e| message(&e));
    let e = e.unwrap_or_default();
    assert!(e.contains("không trống") && e.contains("dòng"), "{e}");
    // One row anywhere is enough, and the table is named.
    let dst = open(&fresh("defaults.db")).await;
    sqlx::query("INSERT INTO audit_log (at, action) VALUES ('2026-12-01T00:00:00Z', 'x')")
        .execute(pool(&dst))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let e = dst.restore_from(&file).await.err().map(|e| message(&e));
    let e = e.unwrap_or_default();
    assert!(e.contains("audit_log: 1 dòng"), "{e}");

    // Not a SQLite file.
    let text = fresh("notes.txt");
    std::fs::write(&text, "SQLite? no, just notes").unwrap_or_else(|e| panic!("{e}"));
    let empty = open(&fresh("empty.db")).await;
    let e = empty.restore_from(&text).await.err().map(|e| message(&e));
    let e = e.unwrap_or_default();
    assert!(e.contains("không phải là cơ sở dữ liệu SQLite"), "{e}");

    // A SQLite file of another program.
    let other = fresh("other.db");
    let o = Db::connect(&url(&other))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    sqlx::query("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        .execute(pool(&o))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    o.close().await;
    let e = empty.restore_from(&other).await.err().map(|e| message(&e));
    let e = e.unwrap_or_default();
    assert!(
        e.contains("_sqlx_migrations") && e.contains("không phải là bản sao lưu"),
        "{e}"
    );

    // A damaged file: pages after the first overwritten.
    let mut bytes = std::fs::read(&file).unwrap_or_default();
    let page = 4096;
    assert!(bytes.len() > 8 * page);
    let damaged_range = 2 * page..bytes.len() / 2;
    for (i, b) in bytes[damaged_range].iter_mut().enumerate() {
        *b = u8::try_from(i % 251).unwrap_or(0);
    }
    let damaged = fresh("damaged.db");
    std::fs::write(&damaged, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let e = empty
        .restore_from(&damaged)
        .await
        .err()
        .map(|e| message(&e));
    let e = e.unwrap_or_default();
    assert!(e.contains("bị hỏng"), "{e}");

    // A backup from a newer schema.
    let newer = fresh("newer.db");
    std::fs::copy(&file, &newer).unwrap_or_else(|e| panic!("{e}"));
    let n = Db::connect(&url(&newer))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99999, 'from the future', 1, X'00', 0)",
    )
    .execute(pool(&n))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    n.close().await;
    let e = empty.restore_from(&newer).await.err().map(|e| message(&e));
    let e = e.unwrap_or_default();
    assert!(e.contains("mới hơn") && e.contains("99999"), "{e}");

    // None of the refusals wrote a row, and left no working copy behind.
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(pool(&empty))
        .await
        .unwrap_or_default();
    assert_eq!(users, 0);
    let left: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().contains("restore"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// A database at migration 14, as a binary of that time left it: the store's migration files up to
/// 0014 applied by a migrator of their own.
async fn at_schema_14(path: &Path) -> Db {
    let all = Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/migrations/sqlite");
    let old = path.with_extension("migrations");
    std::fs::create_dir_all(&old).unwrap_or_else(|e| panic!("{e}"));
    for entry in std::fs::read_dir(&all).unwrap_or_else(|e| panic!("{e}")) {
        let entry = entry.unwrap_or_else(|e| panic!("{e}"));
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.as_str() <= "0014_~" {
            std::fs::copy(entry.path(), old.join(&name)).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let db = Db::connect(&url(path))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let migrator = sqlx::migrate::Migrator::new(old.as_path())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    migrator
        .run(pool(&db))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    db
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_backup_is_upgraded_on_restore() {
    let dir = tmp();
    let old = at_schema_14(&dir.path().join("old.db")).await;
    sqlx::query("INSERT INTO audit_log (at, action, detail) VALUES ('2026-01-02T03:04:05Z', 'sign_in', 'trước khi nâng cấp')")
        .execute(pool(&old))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("backup.db");
    let made = old
        .backup_to(&file, false)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(made.schema_version, 14);
    let dst = open(&dir.path().join("dst.db")).await;
    let s = dst
        .restore_from(&file)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.schema_version, 14);
    let newer: Vec<i64> = sqlx::query_scalar(
        "SELECT version FROM _sqlx_migrations WHERE version > 14 ORDER BY version",
    )
    .fetch_all(pool(&dst))
    .await
    .unwrap_or_default();
    assert!(!newer.is_empty());
    assert_eq!(s.upgraded, newer, "every later migration was applied");
    let detail: String =
        sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'sign_in'")
            .fetch_one(pool(&dst))
            .await
            .unwrap_or_default();
    assert_eq!(detail, "trước khi nâng cấp");
}

fn theodoi(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_theodoi"))
        .current_dir(dir)
        .env_remove("THEODOI_DATABASE_URL")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run theodoi: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_commands_back_up_and_restore() {
    let dir = tmp();
    let src = city(&dir.path().join("src.db")).await;
    src.close().await;
    let o = theodoi(
        dir.path(),
        &[
            "--database",
            "sqlite://src.db",
            "backup",
            "--output",
            "b.db",
        ],
    );
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        out.contains("Đã sao lưu vào b.db") && out.contains("kiểm tra toàn vẹn: ok"),
        "{out}"
    );
    assert!(out.contains("không có tệp nào khác cần sao lưu"), "{out}");
    let o = theodoi(
        dir.path(),
        &[
            "--database",
            "sqlite://src.db",
            "backup",
            "--output",
            "b.db",
        ],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    let o = theodoi(
        dir.path(),
        &["--database", "sqlite://dst.db", "restore", "b.db"],
    );
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("Đã khôi phục từ b.db"), "{out}");
    let o = theodoi(
        dir.path(),
        &["--database", "sqlite://dst.db", "restore", "b.db"],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("không trống"));
    let (a, b) = (
        open(&dir.path().join("src.db")).await,
        open(&dir.path().join("dst.db")).await,
    );
    assert_same(&a, &b).await;
}

/// A SQLite backup restored into an empty PostgreSQL database: every table's row count, and an
/// attached file byte for byte.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_backup_restores_into_postgres() {
    let Some(pg) = std::env::var("THEODOI_TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        eprintln!("skipped: THEODOI_TEST_DATABASE_URL is not set");
        return;
    };
    let dir = tmp();
    let src = city(&dir.path().join("src.db")).await;
    let file = dir.path().join("backup.db");
    src.backup_to(&file, false)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let schema = format!("backup_{}", std::process::id());
    let dst = Db::connect_postgres_schema(&pg, &schema)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    dst.migrate().await.unwrap_or_else(|e| panic!("{e}"));
    let result = dst.restore_from(&file).await;
    let mut checked = Ok(());
    if let (Ok(_), Db::Postgres(p)) = (&result, &dst) {
        for t in tables(pool(&src)).await {
            if t.starts_with("_sqlx") {
                continue;
            }
            let a: i64 =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM \"{t}\"")))
                    .fetch_one(pool(&src))
                    .await
                    .unwrap_or(-1);
            let b: i64 =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM \"{t}\"")))
                    .fetch_one(p)
                    .await
                    .unwrap_or(-2);
            if a != b {
                checked = Err(format!("{t}: {a} rows in SQLite, {b} in PostgreSQL"));
                break;
            }
        }
        let blob: Vec<u8> = sqlx::query_scalar("SELECT file_bytes FROM report_files")
            .fetch_one(p)
            .await
            .unwrap_or_default();
        if checked.is_ok() && blob != b"%PDF-\x00\xff\x10" {
            checked = Err(format!("file bytes {blob:?}"));
        }
        // New rows take ids after the restored ones.
        if checked.is_ok() {
            let inserted =
                sqlx::query("INSERT INTO audit_log (at, action) VALUES (now(), 'after restore')")
                    .execute(p)
                    .await;
            if let Err(e) = inserted {
                checked = Err(format!("insert after restore: {e}"));
            }
        }
    }
    dst.close().await;
    let _ = Db::drop_postgres_schema(&pg, &schema).await;
    result.unwrap_or_else(|e| panic!("{e}"));
    checked.unwrap_or_else(|e| panic!("{e}"));
}
