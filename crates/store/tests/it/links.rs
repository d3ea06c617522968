//! Plans of plans on both backends: a body's own plan, imported, implements the seed plan and is
//! credited to the body that issued it; its tasks are linked to the seed's tasks; a plan sent on
//! paper is registered for a body; plan reminders are stored once a day.

use crate::plans::{import, seed};
use crate::{Case, Fut};
use theodoi_store::links::PlanReminder;
use theodoi_store::workspace::NewCascadePlan;
use theodoi_store::{Db, ImportParts, StoreError};
use time::macros::{date, datetime};

pub const CASES: &[(&str, Case)] = &[
    (
        "body_plan_implements_parent_and_links_tasks",
        body_plan_implements_parent_and_links_tasks,
    ),
    (
        "coordinator_registers_and_reminds_once_a_day",
        coordinator_registers_and_reminds_once_a_day,
    ),
    (
        "another_provinces_plan_adds_no_expected_body",
        another_provinces_plan_adds_no_expected_body,
    ),
];

/// Another province's plan (Quảng Ngãi's, kept for reference) adds its bodies to the directory,
/// but the city's plan does not expect them to issue a plan under it; a body the coordinator adds
/// to the directory by hand is the city's and is expected.
fn another_provinces_plan_adds_no_expected_body(db: Db) -> Fut {
    Box::pin(async move {
        let city = import(&db, &seed()).await.plan_id;
        let expected = |db: Db| async move {
            let mut ids: Vec<i64> = db
                .cascade_status(city)
                .await?
                .iter()
                .map(|s| s.agency_id)
                .collect();
            ids.sort_unstable();
            Ok::<_, StoreError>(ids)
        };
        let before = expected(db.clone()).await?;
        assert!(!before.is_empty());
        let known = db.list_agencies().await?.len();
        let other = import_text(
            &db,
            include_str!("../../../plandoc/tests/fixtures/table_pipes.txt"),
        )
        .await;
        assert_ne!(other, city);
        assert!(
            db.list_agencies().await?.len() > known,
            "its bodies join the directory"
        );
        // Under its own plan they are expected (so the city's would expect them without the rule).
        let theirs: Vec<i64> = db
            .cascade_status(other)
            .await?
            .iter()
            .map(|s| s.agency_id)
            .filter(|id| !before.contains(id))
            .collect();
        assert!(!theirs.is_empty(), "the other plan's own bodies");
        assert_eq!(expected(db.clone()).await?, before);
        let cascade = db.cascade(city).await?;
        assert!(
            cascade
                .bodies
                .iter()
                .all(|b| !theirs.contains(&b.agency_id))
        );
        // A body added to the directory by hand, named by no plan, is the city's.
        let ward = db
            .create_agency("Ủy ban nhân dân phường Thuận Hóa", "commune", false, None)
            .await?;
        let now = expected(db.clone()).await?;
        assert!(now.contains(&ward), "{now:?}");
        assert_eq!(now.len(), before.len() + 1);
        Ok(())
    })
}

/// The Sở Tư pháp's own plan under KH 14 (the parser's fixture).
pub const BODY_PLAN: &str = include_str!("../../../plandoc/tests/fixtures/body_plan.txt");

async fn import_text(db: &Db, text: &str) -> i64 {
    let p = theodoi_plandoc::parse(text).unwrap_or_else(|e| panic!("{e}"));
    db.import_plan(
        &p.plan,
        ImportParts {
            body: true,
            appendix: false,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("import failed: {e}"))
    .plan_id
}

async fn task(db: &Db, plan: i64, reference: &str) -> i64 {
    db.load_plan(plan)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .tasks
        .iter()
        .find(|t| t.reference == reference)
        .map(|t| t.id)
        .unwrap_or_else(|| panic!("no task {reference} in plan {plan}"))
}

async fn agency(db: &Db, code: &str) -> i64 {
    db.list_agencies()
        .await
        .unwrap_or_default()
        .into_iter()
        .find(|a| a.code == code)
        .map(|a| a.id)
        .unwrap_or_else(|| panic!("no agency {code}"))
}

fn body_plan_implements_parent_and_links_tasks(db: Db) -> Fut {
    Box::pin(async move {
        let parent = import(&db, &seed()).await.plan_id;
        assert!(db.implementing_plans(parent).await?.is_empty());
        let child = import_text(&db, BODY_PLAN).await;
        let justice = agency(&db, "so-tu-phap").await;

        // The child implements the parent and is credited to the Sở Tư pháp, whose name ends
        // the stacked issuer line under the city's People's Committee.
        let children = db.implementing_plans(parent).await?;
        assert_eq!(children.len(), 1);
        assert_eq!(children[0].plan_id, child);
        assert_eq!(children[0].number.as_deref(), Some("25/KH-STP"));
        assert_eq!(children[0].agency.as_ref().map(|a| a.0), Some(justice));
        assert_eq!(
            db.plan_issuer_agency(child).await?.map(|a| a.0),
            Some(justice)
        );
        let parents = db.parent_plans(child).await?;
        assert_eq!(parents.len(), 1);
        assert_eq!(
            (parents[0].plan_id, parents[0].number.as_str()),
            (parent, "14/KH-UBND")
        );
        assert!(
            db.parent_plans(parent).await?.is_empty(),
            "the seed implements a decision not stored"
        );

        // The Sở's units its plan assigns are not bodies of the city to chase for a plan; the
        // Sở counts as having issued one.
        let unit = agency(&db, "phong-pho-bien-giao-duc-phap-luat").await;
        assert_eq!(db.units_of_bodies_plans().await?.len(), 2);
        assert!(db.units_of_bodies_plans().await?.contains(&unit));
        let cascade = db.cascade(parent).await?;
        assert!(cascade.bodies.iter().all(|b| b.agency_id != unit));
        let sotp = cascade
            .bodies
            .iter()
            .find(|b| b.agency_id == justice)
            .ok_or("the Sở")?;
        assert!(sotp.has_plan() && sotp.plan.is_none());
        assert_eq!(
            sotp.imported.iter().map(|p| p.plan_id).collect::<Vec<_>>(),
            [child]
        );
        assert!(cascade.unmatched.is_empty());
        let first_with = cascade
            .bodies
            .iter()
            .position(|b| b.has_plan())
            .unwrap_or(0);
        assert!(
            cascade.bodies[first_with..].iter().all(|b| b.has_plan()),
            "those to chase first"
        );

        // The child's tasks may be linked to the parent's, in the parent's order.
        let c1 = task(&db, child, "II.1").await;
        let c2 = task(&db, child, "II.2").await;
        let p1 = task(&db, parent, "II.1").await;
        let p2 = task(&db, parent, "II.2").await;
        let choices = db.parent_task_choices(c1).await?;
        assert_eq!(choices.len(), db.load_plan(parent).await?.tasks.len());
        assert_eq!(choices[0].reference, "II.1");
        assert!(choices.iter().all(|c| c.plan_id == parent));
        assert!(
            db.parent_task_choices(p1).await?.is_empty(),
            "the seed has no stored parent"
        );

        let now = datetime!(2026-02-01 03:00 UTC);
        let user = db
            .create_user(&theodoi_store::accounts::NewUser {
                username: "coord",
                display_name: "Điều phối",
                password_hash: "x",
                role: "coordinator",
                agency_id: None,
                must_change_password: false,
                email: None,
            })
            .await?;
        assert!(db.link_tasks(c1, p1, user, now).await?);
        assert!(
            !db.link_tasks(c1, p1, user, now).await?,
            "a link is stored once"
        );
        assert!(db.link_tasks(c2, p1, user, now).await?);
        assert!(db.link_tasks(c1, p2, user, now).await?);
        // Only the tasks of a plan the child implements: not its own, not the parent the other way.
        match db.link_tasks(c1, c2, user, now).await {
            Err(StoreError::Invalid(m)) => {
                assert_eq!(
                    m.vi,
                    "Nhiệm vụ được chọn không thuộc kế hoạch mà kế hoạch này thực hiện"
                );
                assert_eq!(
                    m.en,
                    "The task chosen is not of a plan this plan implements"
                );
            }
            other => panic!("linked to a task of its own plan: {other:?}"),
        }
        assert!(matches!(
            db.link_tasks(p1, c1, user, now).await,
            Err(StoreError::Invalid(_))
        ));

        let down = db.links_down(p1).await?;
        let refs: Vec<&str> = down.iter().map(|l| l.reference.as_str()).collect();
        assert_eq!(refs, ["II.1", "II.2"]);
        assert!(down.iter().all(|l| {
            l.plan_id == child
                && l.plan_number.as_deref() == Some("25/KH-STP")
                && l.agency
                    .as_ref()
                    .is_some_and(|a| a.0 == justice && a.1 == "Sở Tư pháp")
        }));
        let up: Vec<i64> = db.links_up(c1).await?.iter().map(|l| l.task_id).collect();
        assert_eq!(up, [p1, p2]);

        assert!(db.unlink_tasks(c1, p2).await?);
        assert!(!db.unlink_tasks(c1, p2).await?);
        assert_eq!(db.links_up(c1).await?.len(), 1);

        // Re-importing the child keeps its tasks' ids and links; a task dropped takes its links.
        let cut = BODY_PLAN
            .split("2. Trợ giúp pháp lý")
            .next()
            .map(|head| {
                format!(
                    "{head}III. TỔ CHỨC THỰC HIỆN\nCác phòng, đơn vị thuộc Sở tổ chức thực hiện.\n"
                )
            })
            .unwrap_or_default();
        assert_eq!(import_text(&db, &cut).await, child);
        assert_eq!(task(&db, child, "II.1").await, c1);
        let down: Vec<i64> = db.links_down(p1).await?.iter().map(|l| l.task_id).collect();
        assert_eq!(down, [c1], "the dropped task's link went with it");
        Ok(())
    })
}

fn coordinator_registers_and_reminds_once_a_day(db: Db) -> Fut {
    Box::pin(async move {
        let plan = import(&db, &seed()).await.plan_id;
        let police = agency(&db, "cong-an-thanh-pho").await;
        let coord = db
            .create_user(&theodoi_store::accounts::NewUser {
                username: "coord",
                display_name: "Nguyễn Văn Điều Phối",
                password_hash: "x",
                role: "coordinator",
                agency_id: None,
                must_change_password: false,
                email: None,
            })
            .await?;
        let focal = db
            .create_user(&theodoi_store::accounts::NewUser {
                username: "ca",
                display_name: "Đầu mối Công an",
                password_hash: "x",
                role: "focal_point",
                agency_id: Some(police),
                must_change_password: false,
                email: Some("ca@example.vn"),
            })
            .await?;
        let c = NewCascadePlan {
            plan_id: plan,
            agency_id: police,
            number: "30/KH-CAT",
            issued_on: date!(2026 - 02 - 03),
            title: "Kế hoạch thực hiện KH 14",
            file: Some(("Kế hoạch 30.pdf", "application/pdf", b"%PDF-1.4")),
            recorded_by: coord,
        };
        let now = datetime!(2026-02-05 02:00 UTC);
        assert!(matches!(
            db.record_cascade_plan_via(&c, Some("fax"), now).await,
            Err(StoreError::Invalid(_))
        ));
        let id = db.record_cascade_plan_via(&c, Some("paper"), now).await?;
        let records = db.cascade_records(plan).await?;
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].id, id);
        assert_eq!(records[0].agency_id, police);
        assert_eq!(
            records[0].recorded_by.as_deref(),
            Some("Nguyễn Văn Điều Phối")
        );
        assert_eq!(records[0].received_via.as_deref(), Some("paper"));
        let status = db.cascade_status(plan).await?;
        let row = status
            .iter()
            .find(|s| s.agency_id == police)
            .ok_or("police")?;
        assert_eq!(
            row.plan.as_ref().map(|p| p.number.as_str()),
            Some("30/KH-CAT")
        );
        let (_, (name, _, _)) = db.cascade_file(id).await?.ok_or("file")?;
        assert_eq!(name, "Kế hoạch 30.pdf", "the name is stored as sent");
        // The body recording it again itself: its own record, the same row, no file lost.
        let own = NewCascadePlan {
            recorded_by: focal,
            file: None,
            ..c
        };
        assert_eq!(db.record_cascade_plan_via(&own, None, now).await?, id);
        let records = db.cascade_records(plan).await?;
        assert_eq!(records[0].received_via, None);
        assert_eq!(records[0].recorded_by.as_deref(), Some("Đầu mối Công an"));
        assert!(db.cascade_file(id).await?.is_some());

        // Plan reminders: one per body, person and channel a day; read in the app with the plan.
        let reminder = |channel, day| PlanReminder {
            plan_id: plan,
            agency_id: police,
            user_id: focal,
            channel,
            subject: "Đề nghị ban hành kế hoạch",
            body: "Kính gửi Công an thành phố",
            remind_on: day,
        };
        let today = date!(2026 - 02 - 05);
        let list = [reminder("app", today), reminder("email", today)];
        assert_eq!(db.add_plan_reminders(&list, now).await?, 2);
        assert_eq!(
            db.add_plan_reminders(&list, now).await?,
            0,
            "not twice a day"
        );
        let tomorrow = [reminder("app", date!(2026 - 02 - 06))];
        assert_eq!(db.add_plan_reminders(&tomorrow, now).await?, 1);
        let seen = db.notifications_for(focal, 10).await?;
        assert_eq!(seen.len(), 2, "the app channel only");
        assert!(
            seen.iter()
                .all(|n| n.plan_id == Some(plan) && n.round_id.is_none())
        );
        let mail = db.pending_emails(10).await?;
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0].address.as_deref(), Some("ca@example.vn"));
        Ok(())
    })
}
