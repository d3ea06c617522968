//! Merging a duplicate agency once rounds exist: the round's data moves to the kept body in one
//! transaction, and two non-empty reports of one round refuse the merge with the round named.

use crate::plans::{import, seed};
use crate::{Case, Fut};
use theodoi_domain::report::{Action, Actor, TaskStatus};
use theodoi_domain::{DateRange, Dimension};
use theodoi_store::rounds::{ReportAction, ReportForm, SaveReport, TaskEntry, ValueRow};
use theodoi_store::{Db, StoreError};
use time::OffsetDateTime;
use time::macros::{date, datetime};

pub const CASES: &[(&str, Case)] = &[
    (
        "merge_moves_round_data_to_the_kept_body",
        merge_moves_round_data_to_the_kept_body,
    ),
    (
        "merge_refuses_two_reports_of_one_round_unless_one_is_empty",
        merge_refuses_two_reports_of_one_round_unless_one_is_empty,
    ),
];

const NOW: OffsetDateTime = datetime!(2026-06-10 03:00 UTC);
const LABEL: &str = "Đợt hợp nhất thử";

async fn setup(db: &Db) -> (i64, i64) {
    import(db, &seed()).await;
    db.ensure_reporting_defaults(NOW)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let plan = db
        .list_plans()
        .await
        .unwrap_or_default()
        .first()
        .map(|p| p.id)
        .unwrap_or_default();
    let round = db
        .open_round(
            &theodoi_store::rounds::NewRound::ad_hoc(
                plan,
                LABEL,
                DateRange {
                    start: date!(2026 - 01 - 01),
                    end: date!(2026 - 06 - 14),
                },
                date!(2026 - 06 - 15),
            ),
            NOW,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    (plan, round.id)
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

/// Every task done, every required figure given (with its breakdown by sex where it has one).
fn full_report(form: &ReportForm, version: i32) -> SaveReport {
    let mut values = Vec::new();
    for ind in form.indicators.iter().filter(|i| i.required) {
        values.push(ValueRow {
            indicator_id: ind.id,
            dimension: String::new(),
            category: String::new(),
            value: 10,
        });
        if ind.dims().contains(&Dimension::Sex) {
            for (cat, v) in [("nam", 4), ("nu", 6)] {
                values.push(ValueRow {
                    indicator_id: ind.id,
                    dimension: "sex".into(),
                    category: cat.into(),
                    value: v,
                });
            }
        }
    }
    SaveReport {
        expected_version: version,
        tasks: form
            .tasks
            .iter()
            .map(|t| TaskEntry {
                task_id: t.task_id,
                status: Some(TaskStatus::Done),
                reason: String::new(),
                results: format!("Đã thực hiện {}", t.reference),
            })
            .collect(),
        values,
        difficulties: "Thiếu kinh phí".into(),
        proposals: String::new(),
    }
}

fn act(action: Action, actor: Actor, version: i32) -> ReportAction<'static> {
    ReportAction {
        action,
        actor,
        expected_version: version,
        comment: "",
        user_id: None,
        email: false,
    }
}

async fn tasks_in_round(db: &Db, round: i64, agency: i64) -> Option<i64> {
    db.round_progress(round)
        .await
        .unwrap_or_default()
        .into_iter()
        .find(|b| b.agency_id == agency)
        .map(|b| b.tasks)
}

fn merge_moves_round_data_to_the_kept_body(db: Db) -> Fut {
    Box::pin(async move {
        let (_, round) = setup(&db).await;
        let police = agency_id(&db, "Công an thành phố").await;
        let tasks = tasks_in_round(&db, round, police)
            .await
            .ok_or("the police owe reports in the round")?;
        // The police write, have it approved and submit: values, history, events, a snapshot.
        let form = db.report_form(round, police).await?.ok_or("no form")?;
        let v1 = db
            .save_report(
                round,
                police,
                &full_report(&form, 0),
                None,
                Actor::FocalPoint,
                NOW,
            )
            .await?;
        db.act_on_report(
            round,
            police,
            &act(Action::Approve, Actor::AgencyHead, v1),
            NOW,
        )
        .await?;
        db.act_on_report(
            round,
            police,
            &act(Action::Submit, Actor::FocalPoint, v1 + 1),
            NOW,
        )
        .await?;
        db.act_on_report(
            round,
            police,
            &act(Action::Accept, Actor::Coordinator, v1 + 2),
            NOW,
        )
        .await?;
        let before = db.report_form(round, police).await?.ok_or("no form")?;
        let report = before.report.clone().ok_or("no report")?;
        // The directory holds the same body twice; the new entry, placed under the UBND's
        // department for the test, is the one kept.
        let parent = agency_id(&db, "Sở Tư pháp").await;
        let kept = db
            .create_agency("Công an TP (bản trùng)", "police", false, Some(parent))
            .await?;
        let outcome = db.merge_agencies(kept, police, NOW).await?;
        assert_eq!(outcome.reports_moved, 1);
        assert_eq!(outcome.empty_reports_dropped, 0);
        assert!(db.agency(police).await?.is_none(), "the duplicate is gone");
        // The report, its figures, history and snapshot are the kept body's now.
        let after = db.report_form(round, kept).await?.ok_or("no form")?;
        let moved = after.report.clone().ok_or("the report did not move")?;
        assert_eq!(moved.id, report.id);
        assert_eq!(moved.status, report.status);
        assert_eq!(moved.first_submitted_at, report.first_submitted_at);
        assert_eq!(after.values, before.values);
        assert_eq!(
            after.tasks.len(),
            before.tasks.len(),
            "the obligations moved"
        );
        assert!(!db.value_history(moved.id).await?.is_empty());
        assert_eq!(db.snapshots(moved.id).await?.len(), 1);
        assert_eq!(tasks_in_round(&db, round, kept).await, Some(tasks));
        assert_eq!(tasks_in_round(&db, round, police).await, None);
        // The consolidation counts the figures under the kept body (here: under its parent).
        assert!(!db.round_figures(round).await?.is_empty());
        let by_parent = db.round_totals_by(round, true).await?;
        assert!(
            by_parent
                .iter()
                .any(|(name, _, sum)| name == "Sở Tư pháp" && *sum == 10),
            "{by_parent:?}"
        );
        // The old code still leads to the kept body.
        let kept_row = db.agency(kept).await?.ok_or("kept")?;
        assert!(kept_row.names.iter().any(|n| n == "Công an thành phố"));
        Ok(())
    })
}

fn merge_refuses_two_reports_of_one_round_unless_one_is_empty(db: Db) -> Fut {
    Box::pin(async move {
        let (_, round) = setup(&db).await;
        let police = agency_id(&db, "Công an thành phố").await;
        let justice = agency_id(&db, "Sở Tư pháp").await;
        let police_tasks = tasks_in_round(&db, round, police).await.ok_or("police")?;
        for body in [police, justice] {
            let form = db.report_form(round, body).await?.ok_or("no form")?;
            db.save_report(
                round,
                body,
                &full_report(&form, 0),
                None,
                Actor::FocalPoint,
                NOW,
            )
            .await?;
        }
        // Both wrote: refused, the round named, nothing changed.
        match db.merge_agencies(justice, police, NOW).await {
            Err(StoreError::Conflict(m)) => {
                assert!(
                    m.vi.starts_with(&format!(
                        "Không thể gộp: cả hai cơ quan đều đã có báo cáo trong đợt \u{201C}{LABEL}\u{201D}."
                    )),
                    "{m:?}"
                );
                assert!(
                    m.en.starts_with(&format!(
                        "Cannot merge: both bodies have a report in round(s) \u{201C}{LABEL}\u{201D};"
                    )),
                    "{m:?}"
                );
            }
            other => return Err(format!("expected a refusal, got {other:?}").into()),
        }
        assert!(db.agency(police).await?.is_some());
        assert!(
            db.report_form(round, police)
                .await?
                .and_then(|f| f.report)
                .is_some()
        );
        // A body whose report in the round is empty (saved once with nothing in it) merges: its
        // empty report is dropped, the other kept.
        let dup = db
            .create_agency("Sở Tư pháp (bản trùng)", "department", false, None)
            .await?;
        // The duplicate has no obligation of its own; it gets the police's by a first merge,
        // which moves their report too.
        db.merge_agencies(dup, police, NOW).await?;
        let form = db.report_form(round, dup).await?.ok_or("no form")?;
        let written = form.report.clone().ok_or("moved report")?;
        // Empty it: a report whose entries were all cleared is as good as none.
        let cleared = SaveReport {
            expected_version: written.version,
            tasks: form
                .tasks
                .iter()
                .map(|t| TaskEntry {
                    task_id: t.task_id,
                    status: None,
                    reason: String::new(),
                    results: String::new(),
                })
                .collect(),
            values: Vec::new(),
            difficulties: String::new(),
            proposals: String::new(),
        };
        db.save_report(round, dup, &cleared, None, Actor::FocalPoint, NOW)
            .await?;
        let justice_report = db
            .report_form(round, justice)
            .await?
            .and_then(|f| f.report)
            .ok_or("justice report")?;
        let justice_tasks = tasks_in_round(&db, round, justice).await.ok_or("justice")?;
        let outcome = db.merge_agencies(justice, dup, NOW).await?;
        assert_eq!(outcome.empty_reports_dropped, 1);
        assert_eq!(outcome.reports_moved, 0);
        let kept = db
            .report_form(round, justice)
            .await?
            .and_then(|f| f.report)
            .ok_or("kept report")?;
        assert_eq!(kept.id, justice_report.id, "the written report stays");
        // The kept body now owes both bodies' tasks, counted once each.
        let owed = tasks_in_round(&db, round, justice).await.ok_or("justice")?;
        assert!(owed >= justice_tasks.max(police_tasks), "{owed}");
        assert!(owed <= justice_tasks + police_tasks, "{owed}");
        // A group and a single body do not merge; nor does a body into itself.
        let group = db
            .create_agency("Các sở, ngành thử", "department", true, None)
            .await?;
        assert!(matches!(
            db.merge_agencies(justice, group, NOW).await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            db.merge_agencies(justice, justice, NOW).await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            db.merge_agencies(justice, 9_999_999, NOW).await,
            Err(StoreError::NotFound(_))
        ));
        Ok(())
    })
}
