//! Storage tests, each run on SQLite and on PostgreSQL against a fresh database.
//!
//! SQLite always runs (a temporary file per test). PostgreSQL runs when THEODOI_TEST_DATABASE_URL
//! is set (each test in a schema of its own, dropped afterwards); without it the PostgreSQL trials
//! are reported as ignored and a note says how to run them. `.ci/run` sets it and fails when the
//! server cannot be reached.

mod agency_merge;
mod audit_chain;
mod drafts;
mod links;
mod plans;
mod plausibility;
mod recommendations;
mod rounds;
mod task_groups;
mod upgrade;
mod versions;

use libtest_mimic::{Arguments, Failed, Trial};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use theodoi_store::Db;

pub type Fut = Pin<Box<dyn Future<Output = Result<(), Failed>> + Send>>;
pub type Case = fn(Db) -> Fut;

const PG_ENV: &str = "THEODOI_TEST_DATABASE_URL";

fn main() -> std::process::ExitCode {
    let args = Arguments::from_args();
    let pg = std::env::var(PG_ENV).ok().filter(|s| !s.is_empty());
    if pg.is_none() {
        eprintln!(
            "note: the PostgreSQL suite was skipped ({PG_ENV} is not set). Run it with:\n      \
             {PG_ENV}=postgres://postgres@127.0.0.1:5432/test cargo test -p theodoi-store"
        );
    }
    let mut trials = Vec::new();
    for (name, case) in plans::CASES
        .iter()
        .chain(rounds::CASES)
        .chain(task_groups::CASES)
        .chain(plausibility::CASES)
        .chain(drafts::CASES)
        .chain(links::CASES)
        .chain(versions::CASES)
        .chain(agency_merge::CASES)
        .chain(recommendations::CASES)
        .chain(audit_chain::CASES)
    {
        let case = *case;
        trials.push(Trial::test(format!("sqlite::{name}"), move || {
            run(Backend::Sqlite, case)
        }));
        let url = pg.clone();
        trials.push(
            Trial::test(format!("postgres::{name}"), move || {
                run(Backend::Postgres(url.unwrap_or_default()), case)
            })
            .with_ignored_flag(pg.is_none()),
        );
    }
    let url = pg.clone();
    trials.push(
        Trial::test("postgres::schema_matches_sqlite", move || {
            block_on(schema_parity(url.unwrap_or_default()))
        })
        .with_ignored_flag(pg.is_none()),
    );
    trials.extend(upgrade::trials(pg.as_deref()));
    trials.push(Trial::test("connect::refuses_bad_urls", || {
        block_on(bad_urls())
    }));
    libtest_mimic::run(&args, trials).exit_code()
}

enum Backend {
    Sqlite,
    Postgres(String),
}

fn block_on(f: impl Future<Output = Result<(), Failed>>) -> Result<(), Failed> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failed::from(format!("runtime: {e}")))?
        .block_on(f)
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

/// A fresh, migrated SQLite file; removed with its WAL files afterwards.
pub async fn sqlite_db() -> Result<(Db, std::path::PathBuf), Failed> {
    let path = std::env::temp_dir().join(format!("{}.db", unique("theodoi_test")));
    let db = Db::connect(&format!("sqlite://{}", path.display())).await?;
    db.migrate().await?;
    Ok((db, path))
}

fn remove_sqlite(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

fn run(backend: Backend, case: Case) -> Result<(), Failed> {
    block_on(async move {
        match backend {
            Backend::Sqlite => {
                let (db, path) = sqlite_db().await?;
                let result = case(db.clone()).await;
                db.close().await;
                remove_sqlite(&path);
                result
            }
            Backend::Postgres(url) => {
                let schema = unique("t");
                let db = Db::connect_postgres_schema(&url, &schema)
                    .await
                    .map_err(|e| {
                        Failed::from(format!("PostgreSQL at {PG_ENV} unreachable: {e}"))
                    })?;
                db.migrate().await?;
                let result = case(db.clone()).await;
                db.close().await;
                Db::drop_postgres_schema(&url, &schema).await?;
                result
            }
        }
    })
}

/// Both migration folders give the same tables and columns.
async fn schema_parity(url: String) -> Result<(), Failed> {
    let schema = unique("t");
    let pg = Db::connect_postgres_schema(&url, &schema).await?;
    pg.migrate().await?;
    let (lite, path) = sqlite_db().await?;
    let (a, b) = (lite.schema_columns().await?, pg.schema_columns().await?);
    lite.close().await;
    remove_sqlite(&path);
    pg.close().await;
    Db::drop_postgres_schema(&url, &schema).await?;
    if a.is_empty() {
        return Err("SQLite schema has no tables".into());
    }
    if a != b {
        let only_sqlite: Vec<_> = a.iter().filter(|x| !b.contains(x)).collect();
        let only_pg: Vec<_> = b.iter().filter(|x| !a.contains(x)).collect();
        return Err(format!(
            "schemas differ: only in SQLite {only_sqlite:?}, only in PostgreSQL {only_pg:?}"
        )
        .into());
    }
    Ok(())
}

async fn bad_urls() -> Result<(), Failed> {
    let e = Db::connect("mysql://localhost/x")
        .await
        .err()
        .ok_or("mysql accepted")?;
    assert!(e.to_string().contains("unsupported database URL"), "{e}");
    let e = Db::connect("sqlite:///no/such/folder/theodoi.db")
        .await
        .err()
        .ok_or("a SQLite file in a missing folder was accepted")?;
    assert!(e.to_string().contains("does not exist"), "{e}");
    Ok(())
}
