//! Copying a whole database, built elsewhere, into an empty one in one transaction: how the
//! demonstration data is written so that a run stopped midway leaves nothing behind. The source is
//! a SQLite database (in memory); the target either backend. Rows travel as JSON, one chunk per
//! statement, and each backend turns the JSON back into its own column types (DATE, TIMESTAMPTZ,
//! BOOLEAN on PostgreSQL), so no column type has to be known here.

use crate::{Db, Result, StoreError};
use std::collections::{BTreeMap, BTreeSet};

/// Tables the first start fills with defaults; an otherwise empty target may have them, and
/// they are replaced by the source's.
const DEFAULTS: &[&str] = &["regimes", "indicators", "plausibility_rules"];

const CHUNK: i64 = 5_000;

/// The source's tables, parents before children, with their columns.
async fn tables(src: &sqlx::SqlitePool) -> Result<Vec<(String, Vec<String>)>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE '_sqlx%' ORDER BY name",
    )
    .fetch_all(src)
    .await?;
    let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut columns: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in &names {
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
        let cols: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                .bind(t)
                .fetch_all(src)
                .await?;
        columns.insert(t.clone(), cols);
    }
    // Topological order: a table comes after every table it references.
    let mut out = Vec::new();
    let mut done: BTreeSet<String> = BTreeSet::new();
    while done.len() < names.len() {
        let before = done.len();
        for t in &names {
            if !done.contains(t) && parents[t].iter().all(|p| done.contains(p)) {
                done.insert(t.clone());
                out.push((t.clone(), columns.remove(t).unwrap_or_default()));
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

fn quoted(cols: &[String]) -> String {
    cols.iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

macro_rules! target {
    ($module:ident, $db:ty, $begin:literal, $insert:expr, $after:expr) => {
        mod $module {
            use super::*;

            pub async fn copy(
                dst: &sqlx::Pool<$db>,
                src: &sqlx::SqlitePool,
                progress: &mut dyn FnMut(u64, u64),
            ) -> Result<u64> {
                let tables = tables(src).await?;
                let mut total: u64 = 0;
                let mut counts = Vec::new();
                for (t, _) in &tables {
                    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                        "SELECT COUNT(*) FROM \"{t}\""
                    )))
                    .fetch_one(src)
                    .await?;
                    total += u64::try_from(n).unwrap_or(0);
                    counts.push(n);
                }
                let mut tx = dst.begin_with($begin).await?;
                // The target must be empty but for the first start's defaults, which go.
                for (t, _) in tables.iter().rev() {
                    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                        "SELECT COUNT(*) FROM \"{t}\""
                    )))
                    .fetch_one(&mut *tx)
                    .await?;
                    if n == 0 {
                        continue;
                    }
                    if !DEFAULTS.contains(&t.as_str()) {
                        return Err(StoreError::conflict(
                            format!(
                                "Cơ sở dữ liệu đã có dữ liệu (bảng {t}: {n} dòng); dữ liệu mẫu chỉ được tạo trên cơ sở dữ liệu trống. \
                                 Hãy dùng một tệp SQLite mới hoặc một cơ sở dữ liệu PostgreSQL trống"
                            ),
                            format!(
                                "The database is not empty ({t}: {n} rows); demonstration data goes only into an empty database. \
                                 Use a new SQLite file or an empty PostgreSQL database"
                            ),
                        ));
                    }
                    sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM \"{t}\"")))
                        .execute(&mut *tx)
                        .await?;
                }
                let mut done: u64 = 0;
                for ((t, cols), n) in tables.iter().zip(counts) {
                    if n == 0 {
                        continue;
                    }
                    let object = cols
                        .iter()
                        .map(|c| format!("'{c}', \"{c}\""))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let insert: String = $insert(t.as_str(), cols.as_slice());
                    let mut offset = 0;
                    while offset < n {
                        let k = CHUNK.min(n - offset);
                        let chunk: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                            "SELECT COALESCE(json_group_array(json(o)), '[]') FROM \
                             (SELECT json_object({object}) AS o FROM \"{t}\" ORDER BY rowid LIMIT $1 OFFSET $2)"
                        )))
                        .bind(CHUNK)
                        .bind(offset)
                        .fetch_one(src)
                        .await?;
                        sqlx::query(sqlx::AssertSqlSafe(insert.clone()))
                            .bind(chunk)
                            .execute(&mut *tx)
                            .await?;
                        offset += CHUNK;
                        done += u64::try_from(k).unwrap_or(0);
                        progress(done.min(total), total);
                    }
                    for stmt in $after(t.as_str(), cols.as_slice()) {
                        sqlx::query(sqlx::AssertSqlSafe(stmt)).execute(&mut *tx).await?;
                    }
                }
                tx.commit().await?;
                Ok(total)
            }
        }
    };
}

fn sqlite_insert(t: &str, cols: &[String]) -> String {
    let values = cols
        .iter()
        .map(|c| format!("value ->> '{c}'"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO \"{t}\" ({}) SELECT {values} FROM json_each($1)",
        quoted(cols)
    )
}

fn postgres_insert(t: &str, cols: &[String]) -> String {
    let list = quoted(cols);
    format!(
        "INSERT INTO \"{t}\" ({list}) OVERRIDING SYSTEM VALUE \
         SELECT {list} FROM json_populate_recordset(NULL::\"{t}\", $1::json)"
    )
}

fn sqlite_after(_: &str, _: &[String]) -> Vec<String> {
    Vec::new()
}

/// Identity columns continue after the copied ids.
fn postgres_after(t: &str, cols: &[String]) -> Vec<String> {
    if cols.iter().any(|c| c == "id") {
        vec![format!(
            "SELECT setval(s, m) FROM (SELECT pg_get_serial_sequence('\"{t}\"', 'id') AS s, \
             (SELECT MAX(id) FROM \"{t}\") AS m) x WHERE s IS NOT NULL AND m IS NOT NULL"
        )]
    } else {
        Vec::new()
    }
}

target!(
    sqlite,
    sqlx::Sqlite,
    "BEGIN IMMEDIATE",
    sqlite_insert,
    sqlite_after
);
target!(
    postgres,
    sqlx::Postgres,
    "BEGIN",
    postgres_insert,
    postgres_after
);

impl Db {
    /// Copy every row of `src` (a SQLite database with the same migrations) into this database,
    /// which must be empty but for the first start's defaults, in one transaction. Returns the
    /// number of rows copied; `progress(done, total)` follows the rows.
    pub async fn copy_from(&self, src: &Db, progress: &mut dyn FnMut(u64, u64)) -> Result<u64> {
        let Db::Sqlite(source) = src else {
            return Err(StoreError::invalid(
                "Chỉ sao chép được từ cơ sở dữ liệu SQLite",
                "A database is copied from SQLite only",
            ));
        };
        match self {
            Db::Sqlite(p) => sqlite::copy(p, source, progress).await,
            Db::Postgres(p) => postgres::copy(p, source, progress).await,
        }
    }
}
