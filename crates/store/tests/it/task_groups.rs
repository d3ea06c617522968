//! Vietnamese order stored as a sort key, vague groups named per task, and the coordinating body
//! reporting on its own tasks without being counted against itself — on both backends.

use crate::plans::{import, seed};
use crate::{Case, Fut};
use theodoi_domain::DateRange;
use theodoi_store::rounds::NewRound;
use theodoi_store::{Db, StoreError};
use time::OffsetDateTime;
use time::macros::{date, datetime};

pub const CASES: &[(&str, Case)] = &[
    ("agencies_in_vietnamese_order", agencies_in_vietnamese_order),
    ("vague_groups_named_per_task", vague_groups_named_per_task),
    (
        "coordinator_reports_but_is_not_counted",
        coordinator_reports_but_is_not_counted,
    ),
];

const NOW: OffsetDateTime = datetime!(2026-06-10 03:00 UTC);
const VAGUE: &str = "Các cơ quan, địa phương có liên quan";

fn h1<'a>(plan_id: i64) -> NewRound<'a> {
    NewRound::ad_hoc(
        plan_id,
        "Báo cáo 6 tháng đầu năm 2026",
        DateRange {
            start: date!(2025 - 12 - 15),
            end: date!(2026 - 06 - 14),
        },
        date!(2026 - 06 - 15),
    )
}

async fn setup(db: &Db) -> i64 {
    import(db, &seed()).await;
    db.ensure_reporting_defaults(NOW)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let plans = db.list_plans().await.unwrap_or_default();
    plans.first().map(|p| p.id).unwrap_or_default()
}

async fn agency_id(db: &Db, name: &str) -> i64 {
    db.list_agencies()
        .await
        .unwrap_or_default()
        .into_iter()
        .find(|a| a.name == name)
        .map(|a| a.id)
        .unwrap_or_else(|| panic!("no agency {name}"))
}

fn agencies_in_vietnamese_order(db: Db) -> Fut {
    Box::pin(async move {
        let plan = setup(&db).await;
        // Created out of order, one renamed afterwards, one written in NFD.
        let mut ids = Vec::new();
        for name in [
            "Xã Yên Lạc",
            "Xã Bình Thuận",
            "Phường Đồ Sơn",
            "Xã Bắc Hưng",
            "Phường Dương Kinh",
            "Xa Tam",
        ] {
            ids.push(db.create_agency(name, "commune", false, None).await?);
        }
        let nfd: String = unicode_nfd("Xã Cẩm Giàng");
        ids.push(db.create_agency(&nfd, "commune", false, None).await?);
        // "Xa Tam" is renamed "Xã Ân Thi": its key must follow the new name.
        db.update_agency(ids[5], "Xã Ân Thi", "commune", None, false)
            .await?;
        let communes: Vec<String> = db
            .list_agencies()
            .await?
            .into_iter()
            .filter(|a| a.kind == "commune" && !a.is_group)
            .map(|a| theodoi_text::clean(&a.name))
            .collect();
        assert_eq!(
            communes,
            vec![
                "Phường Dương Kinh",
                "Phường Đồ Sơn",
                "Xã Ân Thi",
                "Xã Bắc Hưng",
                "Xã Bình Thuận",
                "Xã Cẩm Giàng",
                "Xã Yên Lạc",
            ]
        );
        // The round's list of bodies is paginated in SQL on the stored key: same order. The
        // communes come in as the related bodies of every task that has them.
        let group = agency_id(&db, VAGUE).await;
        for u in db.unnamed_groups(Some(plan)).await? {
            if u.group_id == group {
                db.set_task_group_members(u.task_id, group, &ids).await?;
            }
        }
        let round = db.open_round(&h1(plan), NOW).await?.id;
        let end = theodoi_domain::Timeliness::deadline_end(date!(2026 - 06 - 15));
        let mut paged = Vec::new();
        for page in 0..20 {
            let (rows, _) = db.round_bodies(round, "all", end, NOW, 2, page * 2).await?;
            paged.extend(
                rows.into_iter()
                    .filter(|b| b.agency_kind == "commune")
                    .map(|b| theodoi_text::clean(&b.agency_name)),
            );
        }
        assert_eq!(paged, communes, "pages of the round's bodies");
        // Keys written at startup for rows stored without one.
        sqlx_reset_keys(&db).await?;
        db.migrate().await?;
        let again: Vec<String> = db
            .list_agencies()
            .await?
            .into_iter()
            .filter(|a| a.kind == "commune" && !a.is_group)
            .map(|a| theodoi_text::clean(&a.name))
            .collect();
        assert_eq!(again, communes);
        Ok(())
    })
}

/// The name decomposed (NFD), as macOS and PDFs write it.
fn unicode_nfd(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd().collect()
}

/// Blank every stored key, as a database migrated before keys existed has them.
async fn sqlx_reset_keys(db: &Db) -> Result<(), sqlx::Error> {
    const SQL: &str = "UPDATE agencies SET sort_key = ''";
    match db {
        Db::Sqlite(p) => sqlx::query(SQL).execute(p).await.map(|_| ()),
        Db::Postgres(p) => sqlx::query(SQL).execute(p).await.map(|_| ()),
    }
}

fn vague_groups_named_per_task(db: Db) -> Fut {
    Box::pin(async move {
        let plan = setup(&db).await;
        let group = agency_id(&db, VAGUE).await;
        let unnamed: Vec<_> = db
            .unnamed_groups(Some(plan))
            .await?
            .into_iter()
            .filter(|u| u.group_id == group)
            .collect();
        assert!(
            unnamed.len() >= 2,
            "the seed assigns the vague group twice or more: {unnamed:?}"
        );
        let first = unnamed[0].task_id;
        let ward_a = db
            .create_agency("Phường Ba Đình", "commune", false, None)
            .await?;
        let ward_b = db
            .create_agency("Xã Bắc Hưng", "commune", false, None)
            .await?;
        // Refusals: a group as a member, a group with fixed members, a task the group is not on.
        assert!(matches!(
            db.set_task_group_members(first, group, &[group]).await,
            Err(StoreError::Invalid(_))
        ));
        let fixed = db
            .create_agency("UBND các xã, phường", "commune", true, None)
            .await;
        if let Ok(fixed) = fixed {
            assert!(matches!(
                db.set_task_group_members(first, fixed, &[ward_a]).await,
                Err(StoreError::NotFound(_)) | Err(StoreError::Invalid(_))
            ));
        }
        assert!(matches!(
            db.set_task_group_members(first, ward_a, &[ward_b]).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(
            db.task_group_members(first).await?.is_empty(),
            "a refusal writes nothing"
        );
        // Ward A for the first task, ward B for every other.
        assert_eq!(db.set_task_group_members(first, group, &[ward_a]).await?, 1);
        for u in &unnamed[1..] {
            db.set_task_group_members(u.task_id, group, &[ward_b, ward_b])
                .await?;
        }
        assert_eq!(db.task_group_members(first).await?, vec![(group, ward_a)]);
        assert!(
            !db.unnamed_groups(Some(plan))
                .await?
                .iter()
                .any(|u| u.group_id == group),
            "every task of the group has names now"
        );
        let round = db.open_round(&h1(plan), NOW).await?;
        assert!(
            !round.empty_groups.iter().any(|g| g == VAGUE),
            "named for every task: {round:?}"
        );
        let a = tasks_of(&db, round.id, ward_a).await?;
        let b = tasks_of(&db, round.id, ward_b).await?;
        assert!(
            a.iter().all(|t| *t == first),
            "ward A only where named: {a:?}"
        );
        assert!(!b.contains(&first), "ward B not on the first task: {b:?}");
        assert!(
            !a.is_empty() || !b.is_empty(),
            "somebody reports through the group"
        );
        // A group never becomes a reporting body, named or not.
        let progress = db.round_progress(round.id).await?;
        assert!(!progress.iter().any(|p| p.agency_id == group));
        // Clearing the names makes the group mean nobody again for that task.
        db.set_task_group_members(first, group, &[]).await?;
        assert!(
            db.unnamed_groups(Some(plan))
                .await?
                .iter()
                .any(|u| u.task_id == first)
        );
        Ok(())
    })
}

/// The tasks a body reports on in a round.
async fn tasks_of(db: &Db, round: i64, agency: i64) -> Result<Vec<i64>, StoreError> {
    Ok(db
        .report_form(round, agency)
        .await?
        .map(|f| f.tasks.iter().map(|t| t.task_id).collect())
        .unwrap_or_default())
}

fn coordinator_reports_but_is_not_counted(db: Db) -> Fut {
    Box::pin(async move {
        let plan = setup(&db).await;
        let stp = agency_id(&db, "Sở Tư pháp").await;
        assert_eq!(db.coordinating_agency().await?.map(|c| c.0), Some(stp));
        let round = db.open_round(&h1(plan), NOW).await?.id;
        // The Sở reports on the tasks it leads (PL.3 among them) …
        let form = db
            .report_form(round, stp)
            .await?
            .ok_or("no form for the Sở")?;
        let refs: Vec<&str> = form.tasks.iter().map(|t| t.reference.as_str()).collect();
        assert!(refs.contains(&"PL.3"), "{refs:?}");
        // … is listed apart, and counted nowhere in completeness.
        let own = db.uncounted_bodies(round).await?;
        assert_eq!(
            own.iter().map(|b| b.agency_id).collect::<Vec<_>>(),
            vec![stp]
        );
        let end = theodoi_domain::Timeliness::deadline_end(date!(2026 - 06 - 15));
        let (rows, shown) = db.round_bodies(round, "all", end, NOW, 1000, 0).await?;
        assert!(!rows.iter().any(|b| b.agency_id == stp));
        let tally: i64 = db
            .round_tally(round, end, NOW)
            .await?
            .iter()
            .map(|t| t.n)
            .sum();
        assert_eq!(tally, shown, "the tally and the list count the same bodies");
        let summary = db.rounds(Some(plan)).await?;
        assert_eq!(summary[0].expected, shown);
        let progress = db.round_progress(round).await?;
        assert_eq!(progress.iter().filter(|b| b.counted).count() as i64, shown);
        assert!(progress.iter().any(|b| b.agency_id == stp && !b.counted));
        Ok(())
    })
}
