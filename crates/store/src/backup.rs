//! Backup and restore of a SQLite database: one file, consistent while the server runs.
//!
//! Everything theodoi keeps is in the database — attached files (`report_files.file_bytes`,
//! `cascade_plans.file_bytes`), server keys, sessions, settings — so the backup is the database
//! file alone; nothing on disk needs to travel with it.
//!
//! Backup: `VACUUM INTO` (the `unsafe`-free way to SQLite's online copy) runs inside one read
//! transaction, so the copy is the database as of one moment while writers go on, and it is
//! written to a temporary name in the output's folder, checked (`PRAGMA integrity_check`) and
//! only then renamed: a backup that fails leaves no half file behind.
//!
//! Restore: the backup is never opened in place. It is copied beside the target, checked there
//! (a SQLite file, intact, a theodoi database by its first migration, no migration newer than this
//! binary knows), brought up to this binary's schema by the pending migrations, and its rows are
//! copied into the empty target in one transaction. PostgreSQL is backed up with `pg_dump` (see
//! `docs/operations/backup.md`); a SQLite backup can also be restored into an empty PostgreSQL
//! database, which is how a pilot's SQLite moves to production.

use crate::{Db, Result, SQLITE_MIGRATIONS, StoreError};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{AssertSqlSafe, SqlitePool};
use std::path::{Path, PathBuf};

/// Tables a first start fills with defaults: an otherwise empty target may hold them, and a
/// restore replaces them with the backup's.
const DEFAULTS: &[&str] = &["regimes", "indicators", "plausibility_rules"];

/// What a backup or a restore wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    /// The backup file (for a restore, the file restored from).
    pub path: PathBuf,
    /// Size of the backup file in bytes.
    pub bytes: u64,
    /// Tables of the schema (migration records not counted).
    pub tables: usize,
    /// Rows in those tables.
    pub rows: u64,
    /// The newest migration applied in the backup (for a restore, before the upgrade).
    pub schema_version: i64,
    /// For a restore: the migrations this binary applied on top of the backup's, by version.
    pub upgraded: Vec<i64>,
}

fn not_sqlite_backend() -> StoreError {
    StoreError::invalid(
        "Cơ sở dữ liệu PostgreSQL được sao lưu bằng pg_dump (định dạng custom, --no-owner) và khôi phục bằng pg_restore vào một cơ sở dữ liệu trống, rồi chạy `theodoi migrate`; xem docs/operations/backup.md",
        "A PostgreSQL database is backed up with pg_dump (custom format, --no-owner) and restored with pg_restore into an empty database, then `theodoi migrate`; see docs/operations/backup.md",
    )
}

/// The temporary name beside `path`: hidden, with the process id so two runs never share it.
fn temporary_beside(path: &Path, what: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "theodoi".into());
    path.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}

fn io_error(vi: &str, en: &str, path: &Path, e: &std::io::Error) -> StoreError {
    let p = path.display();
    StoreError::invalid(format!("{vi} {p}: {e}"), format!("{en} {p}: {e}"))
}

/// A pool of one connection on a SQLite file that must exist, in rollback-journal mode so the
/// file is whole on its own once the pool is closed.
async fn open_file(path: &Path) -> Result<SqlitePool> {
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .journal_mode(SqliteJournalMode::Delete)
        .foreign_keys(false);
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await
        .map_err(StoreError::Connect)
}

/// `PRAGMA integrity_check` gives the single row "ok" or the problems found.
async fn integrity(pool: &SqlitePool) -> Result<std::result::Result<(), String>> {
    let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(pool)
        .await?;
    if rows.len() == 1 && rows[0] == "ok" {
        Ok(Ok(()))
    } else {
        Ok(Err(rows.into_iter().take(5).collect::<Vec<_>>().join("; ")))
    }
}

/// The schema's tables (not SQLite's own, not the migration records), by name.
async fn table_names<'e, E>(exec: E, schema: &str) -> Result<Vec<String>>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    Ok(sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT name FROM \"{schema}\".sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' ORDER BY name"
    )))
    .fetch_all(exec)
    .await?)
}

/// Tables and their total rows.
async fn count_rows(pool: &SqlitePool) -> Result<(usize, u64)> {
    let names = table_names(pool, "main").await?;
    let mut rows = 0u64;
    for t in &names {
        let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM \"{t}\"")))
            .fetch_one(pool)
            .await?;
        rows += u64::try_from(n).unwrap_or(0);
    }
    Ok((names.len(), rows))
}

async fn newest_migration(pool: &SqlitePool) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(pool)
            .await?,
    )
}

impl Db {
    /// Write a consistent copy of this SQLite database to `output` while others go on reading and
    /// writing. An existing `output` is refused unless `force`, and then replaced only once the new
    /// copy is complete and checked.
    pub async fn backup_to(&self, output: &Path, force: bool) -> Result<BackupSummary> {
        let Db::Sqlite(pool) = self else {
            return Err(not_sqlite_backend());
        };
        if output.exists() && !force {
            let p = output.display();
            return Err(StoreError::conflict(
                format!(
                    "Tệp {p} đã tồn tại; hãy chọn tên khác hoặc thêm --force để ghi đè sau khi bản sao lưu mới hoàn tất"
                ),
                format!(
                    "{p} already exists; choose another name, or add --force to replace it once the new backup is complete"
                ),
            ));
        }
        if let Some(dir) = output.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.is_dir()
        {
            let d = dir.display();
            return Err(StoreError::invalid(
                format!("Thư mục {d} không tồn tại; hãy tạo nó hoặc chọn nơi khác"),
                format!("The folder {d} does not exist; create it or choose another place"),
            ));
        }
        let partial = temporary_beside(output, "partial");
        // Left over from a run of this same process id that was killed: ours to remove.
        let _ = std::fs::remove_file(&partial);
        let result = write_checked(pool, &partial, output).await;
        if result.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        result
    }

    /// Restore a backup written by [`Db::backup_to`] into this database, which must be empty:
    /// no table holds a row, apart from the migration records and the defaults a first start
    /// writes (regimes, indicators, plausibility rules), which the backup's replace. A backup
    /// from an older schema is upgraded; one from a newer schema than this binary knows is refused.
    /// The rows go in one transaction: a restore that fails writes nothing.
    pub async fn restore_from(&self, backup: &Path) -> Result<BackupSummary> {
        let bytes = check_header(backup)?;
        // The copy is made beside the target, where there is room for the database already.
        let beside = match self {
            Db::Sqlite(p) => main_file(p).await?,
            Db::Postgres(_) => None,
        };
        let work = match beside {
            Some(target) => temporary_beside(&target, "restore"),
            None => temporary_beside(&std::env::temp_dir().join("theodoi.db"), "restore"),
        };
        let _ = std::fs::remove_file(&work);
        let result = async {
            std::fs::copy(backup, &work).map_err(|e| {
                io_error(
                    "Không sao chép được tệp sao lưu",
                    "Cannot copy the backup",
                    backup,
                    &e,
                )
            })?;
            let (schema_version, tables, rows, upgraded) = prepare(&work, backup).await?;
            match self {
                Db::Sqlite(p) => restore_sqlite(p, &work).await?,
                Db::Postgres(p) => portable::restore_postgres(p, &work).await?,
            }
            Ok(BackupSummary {
                path: backup.to_path_buf(),
                bytes,
                tables,
                rows,
                schema_version,
                upgraded,
            })
        }
        .await;
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = work.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
        result
    }
}

/// `VACUUM INTO` the temporary name, check it, then rename it to `output`.
async fn write_checked(pool: &SqlitePool, partial: &Path, output: &Path) -> Result<BackupSummary> {
    let name = partial.to_string_lossy().into_owned();
    sqlx::query("VACUUM INTO $1")
        .bind(&name)
        .execute(pool)
        .await?;
    let copy = open_file(partial).await?;
    let checked = async {
        if let Err(problems) = integrity(&copy).await? {
            return Err(StoreError::Corrupt(format!(
                "the backup copy failed its integrity check: {problems}"
            )));
        }
        let (tables, rows) = count_rows(&copy).await?;
        let version = newest_migration(&copy).await?;
        Ok((tables, rows, version))
    }
    .await;
    copy.close().await;
    let (tables, rows, schema_version) = checked?;
    let file = std::fs::File::open(partial)
        .map_err(|e| io_error("Không mở được", "Cannot open", partial, &e))?;
    file.sync_all()
        .map_err(|e| io_error("Không ghi được xuống đĩa", "Cannot sync", partial, &e))?;
    std::fs::rename(partial, output)
        .map_err(|e| io_error("Không đổi tên được thành", "Cannot rename to", output, &e))?;
    let bytes = std::fs::metadata(output)
        .map(|m| m.len())
        .map_err(|e| io_error("Không đọc được", "Cannot read", output, &e))?;
    Ok(BackupSummary {
        path: output.to_path_buf(),
        bytes,
        tables,
        rows,
        schema_version,
        upgraded: Vec::new(),
    })
}

/// The file of the target's main database, if it has one (not in memory).
async fn main_file(pool: &SqlitePool) -> Result<Option<PathBuf>> {
    let file: Option<String> =
        sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
            .fetch_optional(pool)
            .await?;
    Ok(file.filter(|f| !f.is_empty()).map(PathBuf::from))
}

fn not_a_backup(path: &Path, why_vi: &str, why_en: &str) -> StoreError {
    let p = path.display();
    StoreError::invalid(
        format!("{p} không phải là bản sao lưu của theodoi: {why_vi}"),
        format!("{p} is not a theodoi backup: {why_en}"),
    )
}

/// The file exists and starts as a SQLite database does; its size.
fn check_header(path: &Path) -> Result<u64> {
    use std::io::Read as _;
    let mut head = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(|e| {
        io_error(
            "Không mở được tệp sao lưu",
            "Cannot open the backup",
            path,
            &e,
        )
    })?;
    let meta = file
        .metadata()
        .map_err(|e| io_error("Không đọc được", "Cannot read", path, &e))?;
    if file.read_exact(&mut head).is_err() || &head != b"SQLite format 3\0" {
        return Err(not_a_backup(
            path,
            "tệp không phải là cơ sở dữ liệu SQLite",
            "the file is not a SQLite database",
        ));
    }
    Ok(meta.len())
}

/// Check the working copy (intact, theodoi's, not newer than this binary) and migrate it to this
/// binary's schema. Returns its schema version before the upgrade, its tables and rows, and the
/// migrations applied to it.
async fn prepare(work: &Path, shown: &Path) -> Result<(i64, usize, u64, Vec<i64>)> {
    let corrupt = |e: &dyn std::fmt::Display| {
        let p = shown.display();
        StoreError::invalid(
            format!("Tệp sao lưu {p} bị hỏng: {e}"),
            format!("The backup {p} is damaged: {e}"),
        )
    };
    let pool = open_file(work).await.map_err(|e| corrupt(&e))?;
    let checked = async {
        match integrity(&pool).await {
            Ok(Ok(())) => {}
            Ok(Err(problems)) => return Err(corrupt(&problems)),
            Err(e) => return Err(corrupt(&e)),
        }
        let has_migrations: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
        )
        .fetch_one(&pool)
        .await?;
        if !has_migrations {
            return Err(not_a_backup(
                shown,
                "không có bảng _sqlx_migrations",
                "it has no _sqlx_migrations table",
            ));
        }
        let applied: Vec<(i64, Vec<u8>)> = sqlx::query_as(
            "SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version",
        )
        .fetch_all(&pool)
        .await?;
        // theodoi's first migration, byte for byte, is what makes the file ours.
        let ours = SQLITE_MIGRATIONS.iter().min_by_key(|m| m.version);
        let first = applied.first();
        let same = matches!((ours, first), (Some(m), Some((v, sum))) if m.version == *v && *m.checksum == **sum);
        if !same {
            return Err(not_a_backup(
                shown,
                "lần chuyển đổi lược đồ đầu tiên không phải của theodoi",
                "its first schema migration is not theodoi's",
            ));
        }
        let known: Vec<i64> = SQLITE_MIGRATIONS.iter().map(|m| m.version).collect();
        if let Some((v, _)) = applied.iter().find(|(v, _)| !known.contains(v)) {
            let newest = known.iter().max().copied().unwrap_or(0);
            return Err(StoreError::invalid(
                format!(
                    "Bản sao lưu {} có lược đồ mới hơn chương trình này (lần chuyển đổi {v}; chương trình biết đến {newest}); hãy khôi phục bằng phiên bản theodoi đã tạo ra nó hoặc mới hơn",
                    shown.display()
                ),
                format!(
                    "The backup {} has a newer schema than this program (migration {v}; this program knows up to {newest}); restore it with the theodoi version that wrote it or a newer one",
                    shown.display()
                ),
            ));
        }
        let version = applied.last().map_or(0, |(v, _)| *v);
        let (tables, rows) = count_rows(&pool).await?;
        let pending: Vec<i64> = known
            .iter()
            .copied()
            .filter(|k| !applied.iter().any(|(v, _)| v == k))
            .collect();
        Ok((version, tables, rows, pending))
    }
    .await;
    pool.close().await;
    let (version, tables, rows, pending) = checked?;
    // The pending migrations, as on any start: an older backup takes this binary's schema.
    let url = format!("sqlite://{}", work.display());
    let db = Db::connect(&url).await?;
    let migrated = db.migrate().await;
    db.close().await;
    migrated?;
    Ok((version, tables, rows, pending))
}

/// The refusal of a target that is not empty, naming the table.
fn not_empty(table: &str, n: i64) -> StoreError {
    StoreError::conflict(
        format!(
            "Cơ sở dữ liệu đích không trống (bảng {table}: {n} dòng); chỉ khôi phục vào cơ sở dữ liệu trống — không bảng nào có dòng, trừ các giá trị mặc định (regimes, indicators, plausibility_rules). Hãy dùng một tệp SQLite mới hoặc một cơ sở dữ liệu PostgreSQL trống"
        ),
        format!(
            "The target database is not empty ({table}: {n} rows); a backup is restored only into an empty database — no table holds a row but the defaults (regimes, indicators, plausibility_rules). Use a new SQLite file or an empty PostgreSQL database"
        ),
    )
}

/// Copy every row of the migrated working copy into the target through `ATTACH`, in one
/// transaction; references are checked at the commit, so the tables' order does not matter.
async fn restore_sqlite(pool: &SqlitePool, work: &Path) -> Result<()> {
    let mut conn = pool.acquire().await?;
    // The attachment belongs to this connection only; it is not handed back to the pool.
    conn.close_on_drop();
    sqlx::query("ATTACH DATABASE $1 AS backup")
        .bind(work.to_string_lossy().into_owned())
        .execute(&mut *conn)
        .await?;
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
    let copied = async {
        sqlx::query("PRAGMA defer_foreign_keys = ON")
            .execute(&mut *conn)
            .await?;
        let tables = table_names(&mut *conn, "main").await?;
        for t in &tables {
            let n: i64 =
                sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM main.\"{t}\"")))
                    .fetch_one(&mut *conn)
                    .await?;
            if n > 0 && !DEFAULTS.contains(&t.as_str()) {
                return Err(not_empty(t, n));
            }
        }
        for t in &tables {
            let cols: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                    .bind(t)
                    .fetch_all(&mut *conn)
                    .await?;
            let list = cols
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            if DEFAULTS.contains(&t.as_str()) {
                sqlx::query(AssertSqlSafe(format!("DELETE FROM main.\"{t}\"")))
                    .execute(&mut *conn)
                    .await?;
            }
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO main.\"{t}\" ({list}) SELECT {list} FROM backup.\"{t}\""
            )))
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }
    .await;
    match copied {
        Ok(()) => {
            sqlx::query("COMMIT").execute(&mut *conn).await?;
        }
        Err(e) => {
            let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
            return Err(e);
        }
    }
    sqlx::query("DETACH DATABASE backup")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

mod portable {
    //! A SQLite backup restored into an empty PostgreSQL database: rows travel as JSON, one
    //! chunk per statement, turned back into PostgreSQL's column types by
    //! `json_populate_recordset`; files (BLOB) travel as `\x` hex, bytea's text form.

    use super::{DEFAULTS, not_empty, open_file};
    use crate::{Result, StoreError};
    use sqlx::{AssertSqlSafe, PgPool};
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    const CHUNK: i64 = 2_000;

    pub(super) async fn restore_postgres(dst: &PgPool, work: &Path) -> Result<()> {
        let src = open_file(work).await?;
        let result = copy(dst, &src).await;
        src.close().await;
        result
    }

    async fn copy(dst: &PgPool, src: &sqlx::SqlitePool) -> Result<()> {
        let names = super::table_names(src, "main").await?;
        let mut tx = dst.begin().await?;
        for t in &names {
            let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM \"{t}\"")))
                .fetch_one(&mut *tx)
                .await?;
            if n > 0 && !DEFAULTS.contains(&t.as_str()) {
                return Err(not_empty(t, n));
            }
        }
        for t in order(src, &names).await?.iter().rev() {
            if DEFAULTS.contains(&t.as_str()) {
                sqlx::query(AssertSqlSafe(format!("DELETE FROM \"{t}\"")))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for t in order(src, &names).await? {
            let cols: Vec<(String, String)> =
                sqlx::query_as("SELECT name, upper(type) FROM pragma_table_info($1) ORDER BY cid")
                    .bind(&t)
                    .fetch_all(src)
                    .await?;
            let object = cols
                .iter()
                .map(|(c, ty)| {
                    if ty == "BLOB" {
                        format!("'{c}', CASE WHEN \"{c}\" IS NULL THEN NULL ELSE '\\x' || hex(\"{c}\") END")
                    } else {
                        format!("'{c}', \"{c}\"")
                    }
                })
                .collect::<Vec<_>>()
                .join(", ");
            let list = cols
                .iter()
                .map(|(c, _)| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let insert = format!(
                "INSERT INTO \"{t}\" ({list}) OVERRIDING SYSTEM VALUE \
                 SELECT {list} FROM json_populate_recordset(NULL::\"{t}\", $1::json)"
            );
            // A table referencing itself (agencies' parents) goes in one statement: PostgreSQL
            // checks its references at the statement's end, whatever the rows' order.
            let refs: Vec<String> =
                sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_list($1)")
                    .bind(&t)
                    .fetch_all(src)
                    .await?;
            let limit = if refs.contains(&t) { i64::MAX } else { CHUNK };
            let mut last: i64 = i64::MIN;
            loop {
                // Keyset pagination on rowid: each chunk starts after the last one read.
                let (chunk, k, max): (String, i64, Option<i64>) =
                    sqlx::query_as(AssertSqlSafe(format!(
                        "SELECT COALESCE(json_group_array(json(o)), '[]'), COUNT(*), MAX(r) FROM \
                         (SELECT rowid AS r, json_object({object}) AS o FROM \"{t}\" \
                          WHERE rowid > $1 ORDER BY rowid LIMIT $2)"
                    )))
                    .bind(last)
                    .bind(limit)
                    .fetch_one(src)
                    .await?;
                if k == 0 {
                    break;
                }
                sqlx::query(AssertSqlSafe(insert.clone()))
                    .bind(chunk)
                    .execute(&mut *tx)
                    .await?;
                match max {
                    Some(m) => last = m,
                    None => break,
                }
            }
            // Identity columns continue after the restored ids.
            if cols.iter().any(|(c, _)| c == "id") {
                sqlx::query(AssertSqlSafe(format!(
                    "SELECT setval(s, m) FROM (SELECT pg_get_serial_sequence('\"{t}\"', 'id') AS s, \
                     (SELECT MAX(id) FROM \"{t}\") AS m) x WHERE s IS NOT NULL AND m IS NOT NULL"
                )))
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Parents before children, so each insert finds the rows it references.
    async fn order(src: &sqlx::SqlitePool, names: &[String]) -> Result<Vec<String>> {
        let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for t in names {
            let refs: Vec<String> =
                sqlx::query_scalar("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)")
                    .bind(t)
                    .fetch_all(src)
                    .await?;
            parents.insert(
                t.clone(),
                refs.into_iter()
                    .filter(|r| r != t && names.contains(r))
                    .collect(),
            );
        }
        let mut out: Vec<String> = Vec::new();
        let mut done: BTreeSet<String> = BTreeSet::new();
        while done.len() < names.len() {
            let before = done.len();
            for t in names {
                if !done.contains(t)
                    && parents
                        .get(t)
                        .is_none_or(|ps| ps.iter().all(|p| done.contains(p)))
                {
                    done.insert(t.clone());
                    out.push(t.clone());
                }
            }
            if done.len() == before {
                return Err(StoreError::Corrupt(
                    "the tables' references form a cycle".into(),
                ));
            }
        }
        Ok(out)
    }
}
