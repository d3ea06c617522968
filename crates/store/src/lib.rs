//! Storage for theodoi on SQLite (the embedded default: one file, WAL) and PostgreSQL (production),
//! behind one API.
//!
//! The backend is chosen at run time from the URL's scheme. SQL is written once: the repository
//! modules are generated for each backend by a macro (`backend!`), so each copy is compiled against a
//! concrete sqlx driver with its native types (DATE and TIMESTAMPTZ on PostgreSQL) while the text of
//! the queries stays shared. Where the dialects differ, the macro takes the difference as a
//! parameter. Migrations live in `migrations/sqlite` and `migrations/postgres` with matching
//! numbers; a test checks that both produce the same tables and columns.

/// Call the function of the same name in this module's `sqlite` or `postgres` submodule (generated
/// by its `backend!` macro) with the pool of the backend in use.
macro_rules! dispatch {
    ($db:expr, $f:ident ( $($arg:expr),* )) => {
        match $db {
            $crate::Db::Sqlite(pool) => sqlite::$f(pool, $($arg),*).await,
            $crate::Db::Postgres(pool) => postgres::$f(pool, $($arg),*).await,
        }
    };
}
pub(crate) use dispatch;

pub mod accounts;
pub mod agency_merge;
pub mod api_tokens;
pub mod audit_chain;
pub mod backup;
mod copy;
pub mod drafts;
pub mod links;
pub mod metrics;
pub mod notices;
mod plans;
pub mod plausibility;
pub mod previous;
pub mod recommendations;
pub mod reminders;
pub mod report_facts;
pub mod rounds;
pub mod views;
pub mod workspace;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;
use theodoi_text::Message;

pub use plans::{
    ImportOutcome, ImportParts, PlanVersion, PlanVersionView, Publication, TaskInRound, TaskLinks,
    VersionContent, VersionTask,
};
pub use views::{AgencyRow, AssignmentRow, PlanSummary, PlanView, TaskRow};

/// What can go wrong in storage. Messages say what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error(
        "unsupported database URL \"{0}\": use sqlite://FILE (e.g. sqlite://theodoi.db) or postgres://USER@HOST:PORT/DB"
    )]
    UnsupportedUrl(String),
    #[error("the folder for the SQLite file {0} does not exist; create it or choose another path")]
    MissingDirectory(String),
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    /// The change conflicts with what is stored; the message (in both languages) says what to do.
    #[error("{0}")]
    Conflict(Message),
    /// The input is refused; the message (in both languages) says why.
    #[error("{0}")]
    Invalid(Message),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error(
        "no plan matches \"{0}\" (give its number, such as 14/KH-UBND, or its id from `theodoi plan show`)"
    )]
    PlanNotFound(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

impl StoreError {
    pub(crate) fn invalid(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Invalid(Message::new(vi, en))
    }

    pub(crate) fn conflict(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Conflict(Message::new(vi, en))
    }

    /// The database could not be reached, as opposed to a statement that failed: the web layer
    /// answers 503 for these.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            Self::Connect(_)
                | Self::Sql(
                    sqlx::Error::Io(_)
                        | sqlx::Error::PoolTimedOut
                        | sqlx::Error::PoolClosed
                        | sqlx::Error::Tls(_)
                )
        )
    }
}

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool to one of the two backends.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Open a database by URL: `sqlite://FILE` (created if missing, in an existing folder),
    /// `sqlite::memory:`, or `postgres://…` / `postgresql://…`.
    pub async fn connect(url: &str) -> Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url).map_err(StoreError::Connect)?;
            return Self::connect_postgres(opts).await;
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            return Self::connect_sqlite(url, rest).await;
        }
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }

    /// Open a PostgreSQL database with every table in `schema` (created if missing): how tests get a
    /// fresh database each on one server.
    pub async fn connect_postgres_schema(url: &str, schema: &str) -> Result<Self> {
        let valid = !schema.is_empty()
            && schema
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            return Err(StoreError::UnsupportedUrl(format!(
                "{url} (schema {schema})"
            )));
        }
        let base = PgConnectOptions::from_str(url).map_err(StoreError::Connect)?;
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(base.clone())
            .await
            .map_err(StoreError::Connect)?;
        // The name was checked above to be [a-z0-9_]+, so it is safe inside the statement.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE SCHEMA IF NOT EXISTS {schema}"
        )))
        .execute(&admin)
        .await?;
        admin.close().await;
        Self::connect_postgres(base.options([("search_path", schema)])).await
    }

    /// Drop a schema made by [`Db::connect_postgres_schema`].
    pub async fn drop_postgres_schema(url: &str, schema: &str) -> Result<()> {
        let base = PgConnectOptions::from_str(url).map_err(StoreError::Connect)?;
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(base)
            .await
            .map_err(StoreError::Connect)?;
        if schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE"
            )))
            .execute(&admin)
            .await?;
        }
        admin.close().await;
        Ok(())
    }

    async fn connect_postgres(opts: PgConnectOptions) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(opts)
            .await
            .map_err(StoreError::Connect)?;
        Ok(Self::Postgres(pool))
    }

    async fn connect_sqlite(url: &str, rest: &str) -> Result<Self> {
        let path = rest.trim_start_matches("//");
        let memory = path == ":memory:" || path.is_empty();
        if !memory {
            let parent = std::path::Path::new(path).parent();
            if let Some(dir) = parent.filter(|d| !d.as_os_str().is_empty())
                && !dir.is_dir()
            {
                return Err(StoreError::MissingDirectory(path.to_string()));
            }
        }
        let opts = SqliteConnectOptions::from_str(url)
            .map_err(StoreError::Connect)?
            .create_if_missing(true)
            // Referential integrity is off by default in SQLite; the schema relies on it.
            .foreign_keys(true)
            // WAL lets readers (web pages) run while one writer imports or submits.
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL is durable across application crashes in WAL mode and much faster than FULL.
            .synchronous(SqliteSynchronous::Normal)
            // Writers queue instead of failing at once when another holds the lock.
            .busy_timeout(Duration::from_secs(10));
        // An in-memory database lives in one connection; more would each see an empty database.
        let max = if memory { 1 } else { 8 };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .connect_with(opts)
            .await
            .map_err(StoreError::Connect)?;
        Ok(Self::Sqlite(pool))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Apply the migrations this binary carries that the database has not seen.
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Self::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Self::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        self.fill_sort_keys().await
    }

    /// Agencies stored before sort keys existed get theirs (Rust computes them, SQL cannot).
    async fn fill_sort_keys(&self) -> Result<()> {
        const MISSING: &str = "SELECT id, name FROM agencies WHERE sort_key = ''";
        const SET: &str = "UPDATE agencies SET sort_key = $1 WHERE id = $2";
        match self {
            Self::Sqlite(p) => {
                let rows: Vec<(i64, String)> = sqlx::query_as(MISSING).fetch_all(p).await?;
                if !rows.is_empty() {
                    let mut tx = p.begin().await?;
                    for (id, name) in rows {
                        sqlx::query(SET)
                            .bind(theodoi_text::collate(&name))
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                }
            }
            Self::Postgres(p) => {
                let rows: Vec<(i64, String)> = sqlx::query_as(MISSING).fetch_all(p).await?;
                if !rows.is_empty() {
                    let mut tx = p.begin().await?;
                    for (id, name) in rows {
                        sqlx::query(SET)
                            .bind(theodoi_text::collate(&name))
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                }
            }
        }
        Ok(())
    }

    /// Table and column names of the schema, sorted: the two backends must agree.
    pub async fn schema_columns(&self) -> Result<Vec<(String, String)>> {
        let rows: Vec<(String, String)> = match self {
            Self::Sqlite(p) => {
                sqlx::query_as(
                    "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
                )
                .fetch_all(p)
                .await?
            }
            Self::Postgres(p) => {
                sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'",
                )
                .fetch_all(p)
                .await?
            }
        };
        let mut rows = rows;
        rows.sort();
        Ok(rows)
    }

    pub async fn close(&self) {
        match self {
            Self::Sqlite(p) => p.close().await,
            Self::Postgres(p) => p.close().await,
        }
    }
}

impl Db {
    /// `n` transactions that each write one row to a scratch table: the floor that an import of
    /// `n` plans, one transaction each, cannot go below. Used as the import benchmark's baseline.
    pub async fn baseline_transactions(&self, n: usize) -> Result<()> {
        match self {
            Self::Sqlite(p) => {
                sqlx::query(
                    "CREATE TABLE IF NOT EXISTS bench_baseline (id INTEGER PRIMARY KEY, v TEXT)",
                )
                .execute(p)
                .await?;
                for i in 0..n {
                    let mut tx = p.begin().await?;
                    sqlx::query("INSERT INTO bench_baseline (v) VALUES ($1)")
                        .bind(i.to_string())
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                }
                sqlx::query("DROP TABLE bench_baseline").execute(p).await?;
            }
            Self::Postgres(p) => {
                sqlx::query("CREATE TEMPORARY TABLE IF NOT EXISTS bench_baseline (id BIGSERIAL PRIMARY KEY, v TEXT)")
                    .execute(p)
                    .await?;
                for i in 0..n {
                    let mut tx = p.begin().await?;
                    sqlx::query("INSERT INTO bench_baseline (v) VALUES ($1)")
                        .bind(i.to_string())
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                }
            }
        }
        Ok(())
    }
}

impl Db {
    /// One round trip to the database: Ok when it answers.
    pub async fn ping(&self) -> Result<()> {
        match self {
            Self::Sqlite(p) => {
                sqlx::query("SELECT 1").execute(p).await?;
            }
            Self::Postgres(p) => {
                sqlx::query("SELECT 1").execute(p).await?;
            }
        }
        Ok(())
    }
}
