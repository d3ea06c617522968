//! Importing plans and reading them back.

use crate::{Case, Fut};
use theodoi_domain::AgencyMention;
use theodoi_plandoc::{ParsedPlan, Part};
use theodoi_store::{Db, ImportParts};

pub const CASES: &[(&str, Case)] = &[
    ("import_seed_and_read_back", import_seed_and_read_back),
    (
        "reimport_updates_without_duplicates",
        reimport_updates_without_duplicates,
    ),
    (
        "appendix_first_then_body_join",
        appendix_first_then_body_join,
    ),
    (
        "body_first_then_appendix_join",
        body_first_then_appendix_join,
    ),
    ("failed_import_writes_nothing", failed_import_writes_nothing),
    (
        "changed_document_updates_tasks",
        changed_document_updates_tasks,
    ),
    ("find_plan_by_number_or_id", find_plan_by_number_or_id),
    ("audit_log_is_append_only", audit_log_is_append_only),
];

const BODY: &str = include_str!("../../../../seeds/000_b6a757b918caf98d.txt");
const APPENDIX: &str = include_str!("../../../../seeds/001_5440965c404ba4b8.txt");

fn parse(text: &str) -> ParsedPlan {
    theodoi_plandoc::parse(text).unwrap_or_else(|e| panic!("seed does not parse: {e}"))
}

fn parts(p: &ParsedPlan) -> ImportParts {
    ImportParts {
        body: p.part != Part::Appendix,
        appendix: p.part != Part::Body,
    }
}

pub(crate) fn seed() -> ParsedPlan {
    let mut combined = theodoi_plandoc::combine(vec![parse(BODY), parse(APPENDIX)]);
    assert_eq!(combined.len(), 1, "body and appendix combine into one plan");
    combined.remove(0)
}

pub(crate) async fn import(db: &Db, p: &ParsedPlan) -> theodoi_store::ImportOutcome {
    db.import_plan(&p.plan, parts(p))
        .await
        .unwrap_or_else(|e| panic!("import failed: {e}"))
}

async fn counts(db: &Db) -> (usize, usize, usize, usize) {
    let plans = db.list_plans().await.unwrap_or_default();
    let agencies = db.list_agencies().await.unwrap_or_default().len();
    let (tasks, assignments) = match plans.first() {
        Some(p) => {
            let v = db.load_plan(p.id).await.unwrap_or_else(|e| panic!("{e}"));
            (v.tasks.len(), v.assignments.len())
        }
        None => (0, 0),
    };
    (plans.len(), tasks, assignments, agencies)
}

fn import_seed_and_read_back(db: Db) -> Fut {
    Box::pin(async move {
        let outcome = import(&db, &seed()).await;
        assert!(outcome.created);
        assert_eq!(outcome.tasks, 10);
        let plans = db.list_plans().await?;
        assert_eq!(plans.len(), 1);
        let s = &plans[0];
        assert_eq!(s.number.as_deref(), Some("14/KH-UBND"));
        assert_eq!(s.doc_type, "KH");
        assert_eq!(
            s.issued_on.map(|d| d.to_string()).as_deref(),
            Some("2026-01-09")
        );
        assert_eq!(s.implements, vec!["2715/QĐ-TTg".to_string()]);
        assert!(
            s.title
                .starts_with("Triển khai thực hiện Quyết định số 2715/QĐ-TTg")
        );
        assert!(s.has_body && s.has_appendix);

        let view = db.load_plan(s.id).await?;
        let refs: Vec<&str> = view.tasks.iter().map(|t| t.reference.as_str()).collect();
        assert_eq!(
            refs,
            [
                "II.1", "II.2", "II.3", "II.4", "PL.1", "PL.2", "PL.3", "PL.4", "PL.5", "PL.6"
            ]
        );
        assert_eq!(view.tasks[1].items.len(), 6);
        assert_eq!(view.tasks[3].time_kind, "unspecified");
        assert_eq!(view.tasks[4].time_text, "2025-2030");
        assert_eq!(view.assignments.len(), 31);
        let role = |task: &str, code: &str| {
            let t = view.tasks.iter().find(|t| t.reference == task)?;
            view.assignments
                .iter()
                .find(|a| a.task_id == t.id && a.agency_code == code)
                .map(|a| a.role)
        };
        use theodoi_domain::Role;
        assert_eq!(role("II.2", "thanh-tra-thanh-pho"), Some(Role::Lead));
        assert_eq!(
            role("PL.3", "doan-luat-su-thanh-pho"),
            Some(Role::Coordinating)
        );
        assert_eq!(role("PL.4", "so-van-hoa-va-the-thao"), Some(Role::Lead));
        assert_eq!(role("II.1", "cong-an-thanh-pho"), None);

        // "Văn hoá" (section II, appendix) and "Văn hóa" (section III) are one agency.
        let agencies = db.list_agencies().await?;
        let culture: Vec<_> = agencies
            .iter()
            .filter(|a| a.code == "so-van-hoa-va-the-thao")
            .collect();
        assert_eq!(culture.len(), 1);
        assert_eq!(culture[0].lead_count, 1);
        assert_eq!(culture[0].coordinating_count, 1);
        assert_eq!(culture[0].responsibility_count, 1);
        assert_eq!(agencies.len(), 19);
        let court = agencies
            .iter()
            .find(|a| a.code == "toa-an-nhan-dan-thanh-pho")
            .ok_or("no court")?;
        assert!(court.requested_only, "the court can only be requested");
        let justice = agencies
            .iter()
            .find(|a| a.code == "so-tu-phap")
            .ok_or("no Sở Tư pháp")?;
        assert!(!justice.requested_only);
        assert_eq!(justice.lead_count, 6);
        let communes = agencies
            .iter()
            .find(|a| a.code == "uy-ban-nhan-dan-cac-xa-phuong")
            .ok_or("no communes")?;
        assert!(communes.is_group);
        assert_eq!(communes.kind, "commune");
        Ok(())
    })
}

fn reimport_updates_without_duplicates(db: Db) -> Fut {
    Box::pin(async move {
        let first = import(&db, &seed()).await;
        let before = counts(&db).await;
        let ids_before: Vec<i64> = db
            .load_plan(first.plan_id)
            .await?
            .tasks
            .iter()
            .map(|t| t.id)
            .collect();
        let second = import(&db, &seed()).await;
        assert!(!second.created);
        assert_eq!(first.plan_id, second.plan_id);
        assert_eq!(counts(&db).await, before);
        assert_eq!(before, (1, 10, 31, 19));
        let ids_after: Vec<i64> = db
            .load_plan(first.plan_id)
            .await?
            .tasks
            .iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(
            ids_before, ids_after,
            "tasks keep their ids across re-imports"
        );
        Ok(())
    })
}

fn appendix_first_then_body_join(db: Db) -> Fut {
    Box::pin(async move {
        let a = import(&db, &parse(APPENDIX)).await;
        assert!(a.created);
        assert_eq!(counts(&db).await.1, 6);
        let b = import(&db, &parse(BODY)).await;
        assert!(!b.created, "the body joins the plan its appendix created");
        assert_eq!(a.plan_id, b.plan_id);
        assert_eq!(counts(&db).await, (1, 10, 31, 19));
        let s = &db.list_plans().await?[0];
        assert_eq!(s.number.as_deref(), Some("14/KH-UBND"));
        assert!(
            s.title.starts_with("Triển khai thực hiện"),
            "the body's title wins: {}",
            s.title
        );
        Ok(())
    })
}

fn body_first_then_appendix_join(db: Db) -> Fut {
    Box::pin(async move {
        let b = import(&db, &parse(BODY)).await;
        let s = &db.list_plans().await?[0];
        assert_eq!(s.number, None, "the body alone carries no number");
        let a = import(&db, &parse(APPENDIX)).await;
        assert!(
            !a.created,
            "the appendix joins the numberless body implementing the same decision"
        );
        assert_eq!(a.plan_id, b.plan_id);
        assert_eq!(counts(&db).await, (1, 10, 31, 19));
        let s = &db.list_plans().await?[0];
        assert_eq!(s.number.as_deref(), Some("14/KH-UBND"));
        assert_eq!(
            s.issued_on.map(|d| d.to_string()).as_deref(),
            Some("2026-01-09")
        );
        assert!(
            s.title.starts_with("Triển khai thực hiện"),
            "the appendix keeps the body's title"
        );
        // Importing the appendix again changes nothing.
        import(&db, &parse(APPENDIX)).await;
        assert_eq!(counts(&db).await, (1, 10, 31, 19));
        Ok(())
    })
}

fn failed_import_writes_nothing(db: Db) -> Fut {
    Box::pin(async move {
        let good = seed();
        let mut bad = seed();
        bad.plan.document.number = theodoi_domain::DocumentNumber::parse("15/KH-UBND").ok();
        // A name with no letters gives an empty code, which the schema refuses mid-import.
        bad.plan.tasks[0].lead.push(AgencyMention::new("—", false));
        let result = db
            .import_plans(&[(&good.plan, parts(&good)), (&bad.plan, parts(&bad))])
            .await;
        assert!(result.is_err(), "the broken plan must fail");
        assert_eq!(
            counts(&db).await,
            (0, 0, 0, 0),
            "nothing of the batch is left behind"
        );
        Ok(())
    })
}

fn changed_document_updates_tasks(db: Db) -> Fut {
    Box::pin(async move {
        let first = import(&db, &seed()).await;
        let mut changed = seed();
        changed
            .plan
            .tasks
            .retain(|t| t.reference.as_str() != "II.4");
        if let Some(t) = changed
            .plan
            .tasks
            .iter_mut()
            .find(|t| t.reference.as_str() == "II.1")
        {
            t.lead = vec![AgencyMention::new("Sở Nội vụ", false)];
        }
        let second = import(&db, &changed).await;
        assert_eq!(first.plan_id, second.plan_id);
        let view = db.load_plan(first.plan_id).await?;
        assert_eq!(view.tasks.len(), 9);
        let t = view
            .tasks
            .iter()
            .find(|t| t.reference == "II.1")
            .ok_or("II.1 gone")?;
        let leads: Vec<&str> = view
            .assignments
            .iter()
            .filter(|a| a.task_id == t.id && a.role == theodoi_domain::Role::Lead)
            .map(|a| a.agency_code.as_str())
            .collect();
        assert_eq!(leads, ["so-noi-vu"]);
        Ok(())
    })
}

fn find_plan_by_number_or_id(db: Db) -> Fut {
    Box::pin(async move {
        let o = import(&db, &seed()).await;
        assert_eq!(db.find_plan("14/KH-UBND").await?, Some(o.plan_id));
        assert_eq!(db.find_plan("14 /KH-UBND").await?, Some(o.plan_id));
        assert_eq!(db.find_plan(&o.plan_id.to_string()).await?, Some(o.plan_id));
        assert_eq!(db.find_plan("99/KH-UBND").await?, None);
        assert!(db.load_plan(o.plan_id + 1000).await.is_err());
        Ok(())
    })
}

fn audit_log_is_append_only(db: Db) -> Fut {
    Box::pin(async move {
        let now = time::OffsetDateTime::now_utc();
        let entry = theodoi_store::accounts::AuditEntry {
            action: "login",
            username: Some("a"),
            ..Default::default()
        };
        db.audit(&entry, now).await?;
        assert_eq!(
            db.audit_log(&theodoi_store::accounts::AuditFilter {
                limit: 10,
                ..Default::default()
            })
            .await?
            .len(),
            1
        );
        assert!(
            db.tamper_with_audit_log().await.is_err(),
            "UPDATE and DELETE on the audit log are refused"
        );
        assert_eq!(
            db.audit_log(&theodoi_store::accounts::AuditFilter {
                limit: 10,
                ..Default::default()
            })
            .await?
            .len(),
            1
        );
        Ok(())
    })
}
