//! The audit log's hash chain: an intact log verifies; an entry edited, deleted or slipped in by
//! someone writing to the database directly (triggers dropped first, as such an attacker would) is
//! named; a consistent rewrite of the whole chain is caught by an anchor kept outside; concurrent
//! appends never fork the chain; entries written before the chain existed verify after upgrading.

use crate::{Case, Fut};
use libtest_mimic::Failed;
use theodoi_store::Db;
use theodoi_store::accounts::AuditEntry;
use theodoi_store::audit_chain::{ChainRow, GENESIS, Problem, entry_hash};
use time::{Duration, OffsetDateTime};

pub const CASES: &[(&str, Case)] = &[
    ("audit_chain_intact_verifies", intact_verifies),
    ("audit_chain_names_an_edited_entry", names_edited),
    ("audit_chain_names_a_deleted_entry", names_deleted),
    ("audit_chain_names_forged_entries", names_forged),
    (
        "audit_chain_anchor_catches_a_rewrite",
        anchor_catches_rewrite,
    ),
    ("audit_chain_concurrent_appends", concurrent_appends),
    (
        "audit_chain_entries_before_the_upgrade",
        entries_before_upgrade,
    ),
];

fn t0() -> OffsetDateTime {
    OffsetDateTime::UNIX_EPOCH + Duration::days(20_000)
}

/// `n` entries, a second apart, with fields present and absent.
async fn fill(db: &Db, n: i64) -> Result<(), Failed> {
    for i in 1..=n {
        let detail = format!("lần {i}");
        let e = AuditEntry {
            user_id: (i % 2 == 0).then_some(i),
            username: Some("quản trị"),
            action: if i % 3 == 0 { "user.create" } else { "login" },
            target: (i % 2 == 1).then_some("người dùng 7"),
            detail: Some(&detail),
            ip: Some("10.0.0.1"),
        };
        db.audit(&e, t0() + Duration::seconds(i)).await?;
    }
    Ok(())
}

async fn exec(db: &Db, sql: &str) -> Result<(), Failed> {
    match db {
        Db::Sqlite(p) => sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(p)
            .await
            .map(|_| ()),
        Db::Postgres(p) => sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(p)
            .await
            .map(|_| ()),
    }
    .map_err(|e| Failed::from(format!("{sql}: {e}")))
}

/// What an attacker with the database's password does first.
async fn drop_triggers(db: &Db) -> Result<(), Failed> {
    match db {
        Db::Sqlite(_) => {
            exec(db, "DROP TRIGGER audit_log_no_update").await?;
            exec(db, "DROP TRIGGER audit_log_no_delete").await
        }
        Db::Postgres(_) => exec(db, "DROP TRIGGER audit_log_no_update ON audit_log").await,
    }
}

async fn rows(db: &Db) -> Result<Vec<ChainRow>, Failed> {
    const SQL: &str = "SELECT id, at, user_id, username, action, target, detail, ip, prev_hash, hash \
                       FROM audit_log ORDER BY id";
    Ok(match db {
        Db::Sqlite(p) => sqlx::query_as(SQL).fetch_all(p).await?,
        Db::Postgres(p) => sqlx::query_as(SQL).fetch_all(p).await?,
    })
}

/// Write a row as it is, id included.
async fn insert_raw(db: &Db, r: &ChainRow) -> Result<(), Failed> {
    const LITE: &str = "INSERT INTO audit_log (id, at, user_id, username, action, target, detail, ip, prev_hash, hash) \
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    const PG: &str = "INSERT INTO audit_log (id, at, user_id, username, action, target, detail, ip, prev_hash, hash) \
                      OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    macro_rules! run {
        ($p:expr, $sql:expr) => {
            sqlx::query($sql)
                .bind(r.id)
                .bind(r.at)
                .bind(r.user_id)
                .bind(&r.username)
                .bind(&r.action)
                .bind(&r.target)
                .bind(&r.detail)
                .bind(&r.ip)
                .bind(&r.prev_hash)
                .bind(&r.hash)
                .execute($p)
                .await
                .map(|_| ())?
        };
    }
    match db {
        Db::Sqlite(p) => run!(p, LITE),
        Db::Postgres(p) => run!(p, PG),
    }
    Ok(())
}

async fn update_row(db: &Db, r: &ChainRow) -> Result<(), Failed> {
    const SQL: &str = "UPDATE audit_log SET detail = $1, prev_hash = $2, hash = $3 WHERE id = $4";
    match db {
        Db::Sqlite(p) => {
            sqlx::query(SQL)
                .bind(&r.detail)
                .bind(&r.prev_hash)
                .bind(&r.hash)
                .bind(r.id)
                .execute(p)
                .await?;
        }
        Db::Postgres(p) => {
            sqlx::query(SQL)
                .bind(&r.detail)
                .bind(&r.prev_hash)
                .bind(&r.hash)
                .bind(r.id)
                .execute(p)
                .await?;
        }
    }
    Ok(())
}

/// The problem and the id of the entry the verdict names.
async fn broken_at(db: &Db, anchor: Option<&str>) -> Result<(Problem, Option<i64>), Failed> {
    let v = db.verify_audit_chain(anchor).await?;
    let b = v
        .broken
        .ok_or("the chain verified although it was tampered with")?;
    Ok((b.problem, b.entry.map(|e| e.id)))
}

fn intact_verifies(db: Db) -> Fut {
    Box::pin(async move {
        let empty = db.verify_audit_chain(None).await?;
        assert!(empty.is_intact() && empty.checked == 0 && empty.head.is_none());
        assert_eq!(db.audit_head().await?, None);
        fill(&db, 7).await?;
        let v = db.verify_audit_chain(None).await?;
        assert!(v.is_intact(), "{:?}", v.broken.map(|b| b.message()));
        assert_eq!(v.checked, 7);
        let head = db.audit_head().await?.ok_or("no head")?;
        assert_eq!(head.id, 7);
        assert_eq!(v.head.as_ref(), Some(&head));
        // Every entry links to the one before it; the first to the start.
        let all = rows(&db).await?;
        assert_eq!(all[0].prev_hash.as_deref(), Some(GENESIS));
        for w in all.windows(2) {
            assert_eq!(w[1].prev_hash, w[0].hash);
        }
        // The anchor proves the log up to it; in any case, spaces around.
        let anchored = db
            .verify_audit_chain(Some(&format!(" {} ", head.hash.to_uppercase())))
            .await?;
        assert!(anchored.is_intact());
        assert_eq!(anchored.anchored.map(|a| a.id), Some(7));
        // An anchor of an entry in the middle still holds after more entries.
        let mid = all[3].hash.clone().ok_or("no hash")?;
        fill(&db, 2).await?;
        let v = db.verify_audit_chain(Some(&mid)).await?;
        assert!(v.is_intact() && v.checked == 9);
        assert_eq!(v.anchored.map(|a| a.id), Some(4));
        // An anchor that is no entry's hash is refused; one that is not a hash is bad input.
        let (p, id) = broken_at(&db, Some(&"ab".repeat(32))).await?;
        assert_eq!((p, id), (Problem::AnchorNotFound, None));
        let e = db
            .verify_audit_chain(Some("123"))
            .await
            .err()
            .ok_or("a short anchor was accepted")?;
        assert!(e.to_string().contains("64 chữ số"), "{e}");
        // Reading writes nothing.
        assert_eq!(rows(&db).await?.len(), 9);
        Ok(())
    })
}

fn names_edited(db: Db) -> Fut {
    Box::pin(async move {
        fill(&db, 6).await?;
        drop_triggers(&db).await?;
        exec(
            &db,
            "UPDATE audit_log SET detail = 'không có gì' WHERE id = 3",
        )
        .await?;
        let v = db.verify_audit_chain(None).await?;
        let b = v.broken.clone().ok_or("an edit went unnoticed")?;
        assert_eq!(b.problem, Problem::Edited);
        let e = b.entry.clone().ok_or("no entry named")?;
        assert_eq!((e.id, e.action.as_str()), (3, "user.create"));
        assert_eq!(e.at, t0() + Duration::seconds(3));
        assert_eq!(v.checked, 2, "the entries before it were intact");
        let m = b.message();
        assert!(
            m.vi.contains("Mục #3") && m.vi.contains("đã bị sửa"),
            "{}",
            m.vi
        );
        assert!(
            m.en.contains("Entry #3") && m.en.contains("edited"),
            "{}",
            m.en
        );
        // Editing the time, or turning an absent field into an empty one, is an edit too.
        exec(&db, "UPDATE audit_log SET detail = 'lần 3' WHERE id = 3").await?;
        assert!(db.verify_audit_chain(None).await?.is_intact(), "restored");
        exec(&db, "UPDATE audit_log SET target = '' WHERE id = 4").await?;
        assert_eq!(broken_at(&db, None).await?, (Problem::Edited, Some(4)));
        exec(&db, "UPDATE audit_log SET target = NULL WHERE id = 4").await?;
        let mut r5 = rows(&db).await?.remove(4);
        r5.at += Duration::seconds(30);
        exec(&db, "DELETE FROM audit_log WHERE id = 5").await?;
        insert_raw(&db, &r5).await?;
        assert_eq!(broken_at(&db, None).await?, (Problem::Edited, Some(5)));
        // Edited and its own hash recomputed: the next entry's link no longer matches.
        let mut r2 = rows(&db).await?.remove(1);
        r2.detail = Some("đã sửa".into());
        r2.hash = Some(entry_hash(r2.prev_hash.as_deref().unwrap_or_default(), &r2));
        update_row(&db, &r2).await?;
        assert_eq!(
            broken_at(&db, None).await?,
            (Problem::LinkBroken { previous: Some(2) }, Some(3))
        );
        Ok(())
    })
}

fn names_deleted(db: Db) -> Fut {
    Box::pin(async move {
        fill(&db, 6).await?;
        drop_triggers(&db).await?;
        exec(&db, "DELETE FROM audit_log WHERE id IN (3, 4)").await?;
        let v = db.verify_audit_chain(None).await?;
        let b = v.broken.ok_or("a deletion went unnoticed")?;
        assert_eq!(b.problem, Problem::Deleted { from: 3, to: 4 });
        assert_eq!(b.entry.as_ref().map(|e| e.id), Some(5));
        assert!(b.message().vi.contains("#3–#4"), "{}", b.message().vi);
        assert!(
            b.message().en.contains("Entries #3–#4 before entry #5")
                && b.message().en.contains("were deleted"),
            "{}",
            b.message().en
        );
        // The first entry too.
        let (db2, path) = crate::sqlite_db().await?;
        let result = async {
            fill(&db2, 3).await?;
            drop_triggers(&db2).await?;
            exec(&db2, "DELETE FROM audit_log WHERE id = 1").await?;
            assert_eq!(
                broken_at(&db2, None).await?,
                (Problem::Deleted { from: 1, to: 1 }, Some(2))
            );
            Ok::<(), Failed>(())
        }
        .await;
        db2.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        result
    })
}

fn names_forged(db: Db) -> Fut {
    Box::pin(async move {
        fill(&db, 5).await?;
        let all = rows(&db).await?;
        let template = all[4].clone();
        // 1. Written straight into the table, without a hash (the triggers allow inserts).
        exec(
            &db,
            "INSERT INTO audit_log (at, action, detail) VALUES ((SELECT MAX(at) FROM audit_log), 'login', 'giả')",
        )
        .await?;
        let (p, id) = broken_at(&db, None).await?;
        assert_eq!((p, id), (Problem::NotChained, Some(6)));
        drop_triggers(&db).await?;
        exec(&db, "DELETE FROM audit_log WHERE id > 5").await?;
        assert!(db.verify_audit_chain(None).await?.is_intact());
        // 2. A forger who knows the hash chains the new entry after entry 2, as if it came
        //    earlier: its own hash is right, its place is not.
        let mut forged = ChainRow {
            id: 6,
            detail: Some("đăng nhập giả".into()),
            prev_hash: all[1].hash.clone(),
            hash: None,
            ..template.clone()
        };
        forged.hash = Some(entry_hash(
            forged.prev_hash.as_deref().unwrap_or_default(),
            &forged,
        ));
        insert_raw(&db, &forged).await?;
        let v = db.verify_audit_chain(None).await?;
        let b = v.broken.ok_or("a misplaced entry went unnoticed")?;
        assert_eq!(b.problem, Problem::OutOfOrder { links_to: 2 });
        assert_eq!(b.entry.as_ref().map(|e| e.id), Some(6));
        assert!(b.message().vi.contains("sai thứ tự"));
        exec(&db, "DELETE FROM audit_log WHERE id = 6").await?;
        // 3. Chained right but backdated before the entry it follows.
        let mut backdated = ChainRow {
            id: 6,
            at: all[4].at - Duration::hours(1),
            prev_hash: all[4].hash.clone(),
            hash: None,
            ..template.clone()
        };
        backdated.hash = Some(entry_hash(
            backdated.prev_hash.as_deref().unwrap_or_default(),
            &backdated,
        ));
        insert_raw(&db, &backdated).await?;
        assert_eq!(
            broken_at(&db, None).await?,
            (Problem::Backdated { previous: 5 }, Some(6))
        );
        exec(&db, "DELETE FROM audit_log WHERE id = 6").await?;
        // 4. Slipped into a gap left by a deletion, linked to the entry before the gap.
        exec(&db, "DELETE FROM audit_log WHERE id = 3").await?;
        let mut slipped = ChainRow {
            id: 3,
            at: all[2].at,
            prev_hash: all[1].hash.clone(),
            hash: None,
            ..template
        };
        slipped.hash = Some(entry_hash(
            slipped.prev_hash.as_deref().unwrap_or_default(),
            &slipped,
        ));
        insert_raw(&db, &slipped).await?;
        // Entry 3 itself is consistent; entry 4 still links to the real entry 3.
        assert_eq!(
            broken_at(&db, None).await?,
            (Problem::LinkBroken { previous: Some(3) }, Some(4))
        );
        Ok(())
    })
}

fn anchor_catches_rewrite(db: Db) -> Fut {
    Box::pin(async move {
        fill(&db, 6).await?;
        let anchor = db.audit_head().await?.ok_or("no head")?.hash;
        drop_triggers(&db).await?;
        // Change entry 2 and recompute every hash from there: the chain is consistent again.
        let mut all = rows(&db).await?;
        all[1].detail = Some("không ai đăng nhập".into());
        let mut prev = all[0].hash.clone().ok_or("no hash")?;
        for r in all.iter_mut().skip(1) {
            r.prev_hash = Some(prev.clone());
            prev = entry_hash(&prev, r);
            r.hash = Some(prev.clone());
            update_row(&db, r).await?;
        }
        let v = db.verify_audit_chain(None).await?;
        assert!(
            v.is_intact(),
            "without an anchor a whole rewrite cannot be seen"
        );
        let v = db.verify_audit_chain(Some(&anchor)).await?;
        let b = v.broken.ok_or("the anchor did not catch the rewrite")?;
        assert_eq!(b.problem, Problem::AnchorNotFound);
        assert!(b.message().vi.contains("viết lại"), "{}", b.message().vi);
        // The rewritten log's own head is a different hash.
        assert_ne!(db.audit_head().await?.map(|h| h.hash), Some(anchor));
        Ok(())
    })
}

fn concurrent_appends(db: Db) -> Fut {
    Box::pin(async move {
        let mut tasks = tokio::task::JoinSet::new();
        let now = OffsetDateTime::now_utc();
        for i in 0..50i64 {
            let db = db.clone();
            tasks.spawn(async move {
                let detail = format!("đồng thời {i}");
                let e = AuditEntry {
                    action: "login",
                    username: Some("a"),
                    detail: Some(&detail),
                    ..Default::default()
                };
                // Some callers' clocks run behind the others'.
                db.audit(&e, now - Duration::milliseconds(i % 7)).await
            });
        }
        while let Some(r) = tasks.join_next().await {
            r.map_err(|e| Failed::from(format!("task: {e}")))??;
        }
        let v = db.verify_audit_chain(None).await?;
        assert!(v.is_intact(), "{:?}", v.broken.map(|b| b.message()));
        assert_eq!(v.checked, 50);
        let all = rows(&db).await?;
        let mut links: Vec<_> = all.iter().map(|r| r.prev_hash.clone()).collect();
        links.sort();
        links.dedup();
        assert_eq!(
            links.len(),
            50,
            "no two entries link to the same predecessor"
        );
        Ok(())
    })
}

fn entries_before_upgrade(db: Db) -> Fut {
    Box::pin(async move {
        // Rows as a version before the chain wrote them: no hashes, times not quite in order.
        for (i, secs) in [(1, 10), (2, 9), (3, 12)] {
            exec(
                &db,
                &format!(
                    "INSERT INTO audit_log (at, username, action, detail) VALUES ({}, 'admin', 'login', 'cũ {i}')",
                    match db {
                        Db::Sqlite(_) => format!("'2024-01-01T00:00:{secs:02}Z'"),
                        Db::Postgres(_) => format!("TIMESTAMPTZ '2024-01-01 00:00:{secs:02}+00'"),
                    }
                ),
            )
            .await?;
        }
        let v = db.verify_audit_chain(None).await?;
        assert!(v.is_intact() && v.checked == 3);
        let head = db.audit_head().await?.ok_or("no head")?;
        assert_eq!(head.id, 3);
        // The first append vouches for them; the anchor taken before still holds.
        fill(&db, 2).await?;
        let all = rows(&db).await?;
        assert!(
            all[..3].iter().all(|r| r.hash.is_none()),
            "old rows untouched"
        );
        assert_eq!(all[3].prev_hash.as_deref(), Some(head.hash.as_str()));
        let v = db.verify_audit_chain(Some(&head.hash)).await?;
        assert!(v.is_intact(), "{:?}", v.broken.map(|b| b.message()));
        assert_eq!(v.checked, 5);
        // A change to one of them is caught at the entry that vouches for them.
        drop_triggers(&db).await?;
        exec(&db, "UPDATE audit_log SET detail = 'khác' WHERE id = 2").await?;
        assert_eq!(
            broken_at(&db, None).await?,
            (Problem::EarlierChanged { from: 1, to: 3 }, Some(4))
        );
        Ok(())
    })
}
