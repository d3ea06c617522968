//! Corrections of a published plan: versions with who and when, what a correction keeps, and
//! the tasks a round reports on, which a correction may not delete.

use crate::plans::{import, seed};
use crate::{Case, Fut};
use theodoi_domain::{AgencyMention, Task, TaskRef, Timeframe};
use theodoi_store::{Db, Publication, StoreError};

pub const CASES: &[(&str, Case)] = &[
    ("first_import_is_version_one", first_import_is_version_one),
    (
        "correction_replaces_tasks_and_keeps_body",
        correction_replaces_tasks_and_keeps_body,
    ),
    (
        "correction_cannot_delete_task_of_a_round",
        correction_cannot_delete_task_of_a_round,
    ),
    (
        "correction_cannot_take_another_documents_number",
        correction_cannot_take_another_documents_number,
    ),
    (
        "same_number_from_another_issuer_is_not_an_update",
        same_number_from_another_issuer_is_not_an_update,
    ),
];

fn same_number_from_another_issuer_is_not_an_update(db: Db) -> Fut {
    Box::pin(async move {
        let seed = seed();
        let id = import(&db, &seed).await.plan_id;
        let before = db.load_plan(id).await?;
        assert!(before.summary.issuer.is_some(), "the seed names its issuer");
        let parts = theodoi_store::ImportParts {
            body: true,
            appendix: true,
        };
        // A ward's plan numbered like the city's (every UBND numbers its plans …/KH-UBND): another
        // document, stored beside the city's.
        let mut ward = seed.plan.clone();
        ward.document.issuer = Some("Ủy ban nhân dân phường Bình Thái".into());
        ward.document.title = "Kế hoạch của phường".into();
        let ward_import = db.import_plan(&ward, parts).await?;
        assert!(ward_import.created);
        assert_ne!(ward_import.plan_id, id);
        let stored = db.load_plan(ward_import.plan_id).await?;
        assert_eq!(stored.summary.number.as_deref(), Some("14/KH-UBND"));
        assert_eq!(stored.summary.title, "Kế hoạch của phường");
        // Another year's plan of the same issuer and number is another document too.
        let mut next_year = seed.plan.clone();
        next_year.document.date = seed
            .plan
            .document
            .date
            .and_then(|d| d.replace_year(d.year() + 1).ok());
        assert!(next_year.document.date.is_some(), "the seed is dated");
        let next = db.import_plan(&next_year, parts).await?;
        assert!(next.created);
        assert!(![id, ward_import.plan_id].contains(&next.plan_id));
        // The city's plan is untouched.
        assert_eq!(db.load_plan(id).await?, before);
        // Re-imports are recognised: the same issuer written another way is the same document,
        // as is the ward's plan again.
        let mut again = seed.plan.clone();
        again.document.issuer = again.document.issuer.map(|i| i.to_lowercase());
        assert_eq!(db.find_same_plan(&again.document).await?, Some(id));
        let again = db.import_plan(&again, parts).await?;
        assert_eq!((again.plan_id, again.created), (id, false));
        assert_eq!(
            db.find_same_plan(&ward.document).await?,
            Some(ward_import.plan_id)
        );
        let ward_again = db.import_plan(&ward, parts).await?;
        assert_eq!(
            (ward_again.plan_id, ward_again.created),
            (ward_import.plan_id, false)
        );
        assert_eq!(db.list_plans().await?.len(), 3);
        // A correction may not take the identity of the same issuer's other document of a year …
        let mut moved = db.plan_for_review(next.plan_id).await?;
        moved.document.date = seed.plan.document.date;
        let taken = db
            .correct_plan(next.plan_id, &moved, &Publication::default())
            .await;
        assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
        // … but the ward's plan keeps its number when corrected: the city's is another's.
        let ward_plan = db.plan_for_review(ward_import.plan_id).await?;
        assert_eq!(
            ward_plan.document.issuer.as_deref(),
            Some("Ủy ban nhân dân phường Bình Thái")
        );
        db.correct_plan(ward_import.plan_id, &ward_plan, &Publication::default())
            .await?;
        Ok(())
    })
}

fn first_import_is_version_one(db: Db) -> Fut {
    Box::pin(async move {
        let p = seed();
        let sources = vec![("Kế hoạch 14.txt".to_string(), "nội dung".to_string())];
        let o = db
            .publish_plan(
                &p.plan,
                theodoi_store::ImportParts {
                    body: true,
                    appendix: true,
                },
                &Publication {
                    by: None,
                    sources: &sources,
                    links: None,
                },
            )
            .await?;
        let v = db.plan_versions(o.plan_id).await?;
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].version, 1);
        assert_eq!(v[0].kind, "import");
        assert_eq!(v[0].tasks, 10);
        assert_eq!((v[0].tasks_added, v[0].tasks_removed), (10, 0));
        assert_eq!(v[0].by, None);
        assert_eq!(db.plan_sources(o.plan_id).await?, sources);
        // The same document again: a second version, nothing changed.
        import(&db, &p).await;
        let v = db.plan_versions(o.plan_id).await?;
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].version, 2);
        assert_eq!(
            (v[0].tasks_added, v[0].tasks_removed, v[0].tasks_changed),
            (0, 0, 0)
        );
        // A version without text does not hide the text of the one before.
        assert_eq!(db.plan_sources(o.plan_id).await?, sources);
        Ok(())
    })
}

fn correction_replaces_tasks_and_keeps_body(db: Db) -> Fut {
    Box::pin(async move {
        let id = import(&db, &seed()).await.plan_id;
        let before = db.plan_content(id).await?;
        let mut plan = db.plan_for_review(id).await?;
        assert_eq!(plan.tasks.len(), 10);
        let before_title = db.load_plan(id).await?.summary.title;
        assert_eq!(plan.document.title, before_title);
        // Reorder, retitle one task, drop one with no round, add one by hand.
        plan.tasks.swap(0, 1);
        plan.tasks[0].title = "Tên nhiệm vụ đã sửa".into();
        let dropped = plan.tasks.pop().map(|t| t.reference);
        plan.tasks.push(Task {
            reference: TaskRef::parse("II.9").unwrap_or_else(|| panic!("reference")),
            title: "Nhiệm vụ nhập tay".into(),
            items: Vec::new(),
            lead: vec![AgencyMention::new("Sở Nội vụ", false)],
            coordinating: vec![AgencyMention::new(
                "Ban Dân tộc và Tôn giáo thành phố",
                false,
            )],
            time: Timeframe::parse("Hằng năm"),
            product: Some("Báo cáo kết quả".into()),
            span: Default::default(),
        });
        plan.document.title = "Kế hoạch đã sửa trích yếu".into();
        let o = db.correct_plan(id, &plan, &Publication::default()).await?;
        assert_eq!(o.plan_id, id);
        assert!(!o.created);
        let view = db.load_plan(id).await?;
        assert_eq!(view.summary.title, "Kế hoạch đã sửa trích yếu");
        let refs: Vec<&str> = view.tasks.iter().map(|t| t.reference.as_str()).collect();
        assert_eq!(refs.len(), 10);
        assert_eq!(view.tasks[0].title, "Tên nhiệm vụ đã sửa");
        // Body tasks in the form's order, the appendix rows after them.
        assert_eq!(&refs[..5], ["II.2", "II.1", "II.3", "II.4", "II.9"]);
        if let Some(d) = dropped {
            assert!(!refs.contains(&d.as_str()), "{d} was dropped");
        }
        let new_body = db
            .list_agencies()
            .await?
            .into_iter()
            .find(|a| a.name == "Ban Dân tộc và Tôn giáo thành phố");
        assert!(
            new_body.is_some(),
            "a body named by hand joins the directory"
        );
        // The parts of the body the review does not edit are kept.
        assert_eq!(db.plan_content(id).await?, before);
        let v = db.plan_versions(id).await?;
        assert_eq!(v[0].kind, "correction");
        assert_eq!(v[0].version, 2);
        assert_eq!(
            (v[0].tasks_added, v[0].tasks_removed, v[0].tasks_changed),
            (1, 1, 1)
        );
        // The product is stored with the task and read back for the review.
        let stored = db.plan_for_review(id).await?;
        let added = stored
            .tasks
            .iter()
            .find(|t| t.reference.as_str() == "II.9")
            .ok_or("II.9 stored")?;
        assert_eq!(added.product.as_deref(), Some("Báo cáo kết quả"));
        // Each version keeps what it held: the first, the plan as imported; the second, corrected.
        let first = db.plan_version(id, 1).await?.ok_or("version 1")?;
        assert_eq!(first.version.version, 1);
        assert_eq!(first.version.kind, "import");
        let held = first.content.ok_or("version 1 keeps its content")?;
        assert_eq!(held.title, before_title);
        assert_eq!(held.number.as_deref(), Some("14/KH-UBND"));
        assert_eq!(held.tasks.len(), 10);
        assert_eq!(held.tasks[0].reference, "II.1");
        assert!(held.tasks.iter().all(|t| t.reference != "II.9"));
        assert!(!held.tasks[0].lead.is_empty(), "bodies as written");
        let second = db.plan_version(id, 2).await?.ok_or("version 2")?;
        let held = second.content.ok_or("version 2 keeps its content")?;
        assert_eq!(held.title, "Kế hoạch đã sửa trích yếu");
        assert_eq!(held.tasks[0].title, "Tên nhiệm vụ đã sửa");
        let added = held.tasks.iter().find(|t| t.reference == "II.9");
        assert_eq!(
            added.map(|t| (t.lead.clone(), t.product.clone())),
            Some((
                vec!["Sở Nội vụ".to_string()],
                Some("Báo cáo kết quả".to_string())
            ))
        );
        assert_eq!(db.plan_version(id, 3).await?, None);
        Ok(())
    })
}

fn correction_cannot_delete_task_of_a_round(db: Db) -> Fut {
    Box::pin(async move {
        let id = crate::rounds::setup(&db).await;
        db.open_round(&crate::rounds::h1(id), crate::rounds::NOW)
            .await?;
        let in_rounds = db.tasks_in_rounds(id).await?;
        assert!(!in_rounds.is_empty());
        let used = in_rounds[0].reference.clone();
        let mut plan = db.plan_for_review(id).await?;
        let tasks_before = plan.tasks.len();
        plan.tasks.retain(|t| t.reference.as_str() != used);
        assert_eq!(plan.tasks.len(), tasks_before - 1);
        match db.correct_plan(id, &plan, &Publication::default()).await {
            Err(StoreError::Conflict(msg)) => {
                for m in [&msg.vi, &msg.en] {
                    assert!(m.contains(&used), "{msg:?}");
                    assert!(m.contains("Báo cáo 6 tháng đầu năm 2026"), "{msg:?}");
                }
                assert!(
                    msg.vi
                        .starts_with(&format!("Không thể bỏ nhiệm vụ {used} vì")),
                    "{msg:?}"
                );
                assert!(
                    msg.en
                        .starts_with(&format!("Task {used} cannot be removed")),
                    "{msg:?}"
                );
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        // Nothing was written: the task and the single version remain.
        assert_eq!(db.load_plan(id).await?.tasks.len(), tasks_before);
        assert_eq!(db.plan_versions(id).await?.len(), 1);
        Ok(())
    })
}

fn correction_cannot_take_another_documents_number(db: Db) -> Fut {
    Box::pin(async move {
        let id = import(&db, &seed()).await.plan_id;
        let mut other = db.plan_for_review(id).await?;
        other.document.number = theodoi_domain::DocumentNumber::parse("5/KH-STP").ok();
        other.document.title = "Kế hoạch của Sở Tư pháp".into();
        let second = db
            .publish_plan(
                &other,
                theodoi_store::ImportParts {
                    body: true,
                    appendix: true,
                },
                &Publication::default(),
            )
            .await?;
        assert!(second.created);
        let mut plan = db.plan_for_review(id).await?;
        plan.document.number = theodoi_domain::DocumentNumber::parse("5/KH-STP").ok();
        match db.correct_plan(id, &plan, &Publication::default()).await {
            Err(StoreError::Conflict(msg)) => {
                assert_eq!(
                    msg.vi,
                    "Số, ký hiệu 5/KH-STP đã là số của một văn bản khác trong hệ thống"
                );
                assert_eq!(
                    msg.en,
                    "The number 5/KH-STP is already another document's number"
                );
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        Ok(())
    })
}
