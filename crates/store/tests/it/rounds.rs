//! Rounds, reports and their workflow, on both backends.

use crate::plans::{import, seed};
use crate::{Case, Fut};
use theodoi_domain::report::{Action, Actor, ReportStatus, TaskStatus};
use theodoi_domain::{DateRange, Dimension};
use theodoi_store::rounds::{NewRound, ReportAction, SaveReport, TaskEntry, ValueRow};
use theodoi_store::{Db, StoreError};
use time::OffsetDateTime;
use time::macros::{date, datetime};

pub const CASES: &[(&str, Case)] = &[
    (
        "open_round_derives_obligations",
        open_round_derives_obligations,
    ),
    ("report_workflow_end_to_end", report_workflow_end_to_end),
    ("bad_reports_write_nothing", bad_reports_write_nothing),
    (
        "finished_task_leaves_next_round",
        finished_task_leaves_next_round,
    ),
    (
        "tally_in_sql_matches_the_rule",
        tally_in_sql_matches_the_rule,
    ),
    (
        "reports_saved_together_or_not_at_all",
        reports_saved_together_or_not_at_all,
    ),
];

pub(crate) const NOW: OffsetDateTime = datetime!(2026-06-10 03:00 UTC);

pub(crate) fn h1<'a>(plan_id: i64) -> NewRound<'a> {
    NewRound {
        plan_id,
        regime_id: None,
        kind: "periodic",
        title: "Báo cáo 6 tháng đầu năm 2026",
        label: "6 tháng đầu năm 2026",
        period: Some((date!(2026 - 01 - 01), 6)),
        window: DateRange {
            start: date!(2025 - 12 - 15),
            end: date!(2026 - 06 - 14),
        },
        agency_deadline: date!(2026 - 06 - 15),
        coordinator_deadline: Some(date!(2026 - 06 - 17)),
        committee_deadline: Some(date!(2026 - 06 - 19)),
        reminder_offsets: "-7,-1,1,3",
        opened_by: None,
    }
}

pub(crate) async fn setup(db: &Db) -> i64 {
    import(db, &seed()).await;
    db.ensure_reporting_defaults(NOW)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let plans = db.list_plans().await.unwrap_or_default();
    plans.first().map(|p| p.id).unwrap_or_default()
}

pub(crate) async fn agency_id(db: &Db, name: &str) -> i64 {
    db.list_agencies()
        .await
        .unwrap_or_default()
        .into_iter()
        .find(|a| a.name == name)
        .map(|a| a.id)
        .unwrap_or_else(|| panic!("no agency {name}"))
}

fn open_round_derives_obligations(db: Db) -> Fut {
    Box::pin(async move {
        let plan = setup(&db).await;
        assert_eq!(db.indicators(true).await?.len(), 24);
        assert_eq!(db.regimes().await?.len(), 2);
        let opened = db.open_round(&h1(plan), NOW).await?;
        assert!(opened.bodies >= 8, "{opened:?}");
        assert!(
            opened
                .empty_groups
                .iter()
                .any(|g| g == "Các cơ quan, địa phương có liên quan"),
            "a group of related bodies has no members until the coordinator names them: {opened:?}"
        );
        let stp = agency_id(&db, "Sở Tư pháp").await;
        let form = db
            .report_form(opened.id, stp)
            .await?
            .ok_or("no form for Sở Tư pháp")?;
        let refs: Vec<&str> = form.tasks.iter().map(|t| t.reference.as_str()).collect();
        // PL.3 (2025-2030, lead), PL.5 (yearly, lead) and II.1–II.4 (per guidance: lead).
        for r in ["PL.3", "PL.5", "II.1", "II.4"] {
            assert!(refs.contains(&r), "{r} missing from {refs:?}");
        }
        assert!(
            form.tasks.iter().all(|t| t.due == date!(2026 - 06 - 15)),
            "these tasks take the round's deadline"
        );
        assert_eq!(form.indicators.len(), 24);
        // The same period again is refused; so is a deadline at the cut-off, and nothing is stored.
        assert!(matches!(
            db.open_round(&h1(plan), NOW).await,
            Err(StoreError::Conflict(_))
        ));
        let mut bad = h1(plan);
        bad.period = Some((date!(2026 - 07 - 01), 6));
        bad.agency_deadline = date!(2026 - 06 - 14);
        assert!(matches!(
            db.open_round(&bad, NOW).await,
            Err(StoreError::Invalid(m))
                if m.vi == "Hạn báo cáo 14/06/2026 phải sau ngày chốt số liệu 14/06/2026"
                    && m.en == "The deadline 14/06/2026 must come after the cut-off 14/06/2026"
        ));
        assert_eq!(db.rounds(Some(plan)).await?.len(), 1);
        // Naming members brings them in: "các cơ quan liên quan" is named per task.
        let group = agency_id(&db, "Các cơ quan, địa phương có liên quan").await;
        let ward = db
            .create_agency("Phường Ba Đình", "commune", false, None)
            .await?;
        for u in db.unnamed_groups(Some(plan)).await? {
            if u.group_id == group {
                db.set_task_group_members(u.task_id, group, &[ward]).await?;
            }
        }
        let mut h2 = h1(plan);
        h2.period = Some((date!(2026 - 07 - 01), 6));
        h2.label = "6 tháng cuối năm 2026";
        h2.window = DateRange {
            start: date!(2026 - 06 - 15),
            end: date!(2026 - 12 - 14),
        };
        h2.agency_deadline = date!(2026 - 12 - 15);
        h2.coordinator_deadline = None;
        h2.committee_deadline = None;
        let second = db.open_round(&h2, NOW).await?;
        let ward_form = db
            .report_form(second.id, ward)
            .await?
            .ok_or("no form for the ward")?;
        assert!(
            ward_form
                .tasks
                .iter()
                .all(|t| t.role == theodoi_domain::Role::Coordinating
                    && t.via_group.as_deref() == Some("Các cơ quan, địa phương có liên quan")),
            "{:?}",
            ward_form.tasks
        );
        assert!(!ward_form.tasks.is_empty());
        Ok(())
    })
}

fn tasks_done(form: &theodoi_store::rounds::ReportForm) -> Vec<TaskEntry> {
    form.tasks
        .iter()
        .map(|t| TaskEntry {
            task_id: t.task_id,
            status: Some(TaskStatus::Done),
            reason: String::new(),
            results: format!("Đã thực hiện {}", t.reference),
        })
        .collect()
}

pub(crate) fn required_values(
    form: &theodoi_store::rounds::ReportForm,
    total: i64,
) -> Vec<ValueRow> {
    let mut out = Vec::new();
    for ind in form.indicators.iter().filter(|i| i.required) {
        out.push(ValueRow {
            indicator_id: ind.id,
            dimension: String::new(),
            category: String::new(),
            value: total,
        });
        if ind.dims().contains(&Dimension::Sex) {
            out.push(ValueRow {
                indicator_id: ind.id,
                dimension: "sex".into(),
                category: "nam".into(),
                value: total / 2,
            });
            out.push(ValueRow {
                indicator_id: ind.id,
                dimension: "sex".into(),
                category: "nu".into(),
                value: total - total / 2,
            });
        }
    }
    out
}

pub(crate) fn act(action: Action, actor: Actor, version: i32, comment: &str) -> ReportAction<'_> {
    ReportAction {
        action,
        actor,
        expected_version: version,
        comment,
        user_id: None,
        email: false,
    }
}

fn report_workflow_end_to_end(db: Db) -> Fut {
    Box::pin(async move {
        let plan = setup(&db).await;
        let round = db.open_round(&h1(plan), NOW).await?.id;
        let stp = agency_id(&db, "Sở Tư pháp").await;
        let form = db.report_form(round, stp).await?.ok_or("no form")?;
        assert!(form.report.is_none());
        let mut save = SaveReport {
            expected_version: 0,
            tasks: tasks_done(&form),
            values: required_values(&form, 10),
            difficulties: "Thiếu kinh phí".into(),
            proposals: String::new(),
        };
        let v1 = db
            .save_report(round, stp, &save, None, Actor::FocalPoint, NOW)
            .await?;
        assert_eq!(v1, 1);
        // A second editor who loaded version 0 cannot overwrite.
        assert!(matches!(
            db.save_report(round, stp, &save, None, Actor::FocalPoint, NOW)
                .await,
            Err(StoreError::Conflict(_))
        ));
        save.expected_version = v1;
        save.values = required_values(&form, 12);
        let v2 = db
            .save_report(round, stp, &save, None, Actor::FocalPoint, NOW)
            .await?;
        assert_eq!(v2, 2);
        // The focal point cannot approve, nor submit before the head approves.
        assert!(
            db.act_on_report(
                round,
                stp,
                &act(Action::Approve, Actor::FocalPoint, v2, ""),
                NOW
            )
            .await
            .is_err()
        );
        assert!(
            db.act_on_report(
                round,
                stp,
                &act(Action::Submit, Actor::FocalPoint, v2, ""),
                NOW
            )
            .await
            .is_err()
        );
        let s = db
            .act_on_report(
                round,
                stp,
                &act(Action::Approve, Actor::AgencyHead, v2, ""),
                NOW,
            )
            .await?;
        assert_eq!(s, ReportStatus::Approved);
        // A file added after the approval is part of what was approved: the approval is void,
        // the report a new version to approve again.
        let report = db
            .report_form(round, stp)
            .await?
            .and_then(|f| f.report)
            .ok_or("no report")?;
        db.add_report_file(
            report.id,
            None,
            ("bien-ban.pdf", "application/pdf", b"%PDF-1.4"),
            None,
            NOW,
        )
        .await?;
        let report = db
            .report_form(round, stp)
            .await?
            .and_then(|f| f.report)
            .ok_or("no report")?;
        assert_eq!(report.status, "draft", "the approval is void");
        assert_eq!(report.version, v2 + 2);
        assert!(
            db.act_on_report(
                round,
                stp,
                &act(Action::Submit, Actor::FocalPoint, v2 + 2, ""),
                NOW,
            )
            .await
            .is_err(),
            "not submitted without a new approval"
        );
        db.act_on_report(
            round,
            stp,
            &act(Action::Approve, Actor::AgencyHead, v2 + 2, ""),
            NOW,
        )
        .await?;
        let v2 = v2 + 2;
        let first_submit = datetime!(2026-06-12 02:00 UTC);
        db.act_on_report(
            round,
            stp,
            &act(Action::Submit, Actor::FocalPoint, v2 + 1, ""),
            first_submit,
        )
        .await?;
        // Submitted: the body cannot write.
        save.expected_version = v2 + 2;
        assert!(matches!(
            db.save_report(round, stp, &save, None, Actor::FocalPoint, NOW)
                .await,
            Err(StoreError::Invalid(_))
        ));
        // Returning needs a reason.
        assert!(
            db.act_on_report(
                round,
                stp,
                &act(Action::Return, Actor::Coordinator, v2 + 2, " "),
                NOW
            )
            .await
            .is_err()
        );
        db.act_on_report(
            round,
            stp,
            &act(
                Action::Return,
                Actor::Coordinator,
                v2 + 2,
                "Bổ sung số liệu",
            ),
            NOW,
        )
        .await?;
        save.expected_version = v2 + 3;
        save.values = required_values(&form, 14);
        let v = db
            .save_report(round, stp, &save, None, Actor::FocalPoint, NOW)
            .await?;
        db.act_on_report(
            round,
            stp,
            &act(Action::Approve, Actor::AgencyHead, v, ""),
            NOW,
        )
        .await?;
        db.act_on_report(
            round,
            stp,
            &act(Action::Submit, Actor::FocalPoint, v + 1, ""),
            datetime!(2026-06-20 02:00 UTC),
        )
        .await?;
        db.act_on_report(
            round,
            stp,
            &act(Action::Accept, Actor::Coordinator, v + 2, ""),
            NOW,
        )
        .await?;
        // Accepted data is locked.
        save.expected_version = v + 3;
        assert!(matches!(
            db.save_report(round, stp, &save, None, Actor::FocalPoint, NOW).await,
            Err(StoreError::Invalid(m))
                if m.vi == "báo cáo đã được tiếp nhận và khóa; cần Sở Tư pháp mở lại"
                    && m.en == "the report is accepted and locked; the coordinator must reopen it"
        ));
        let form = db.report_form(round, stp).await?.ok_or("no form")?;
        let report = form.report.ok_or("no report")?;
        assert_eq!(report.status, "accepted");
        // Timeliness counts from the first submission, which was on time.
        assert_eq!(report.first_submitted_at, Some(first_submit));
        let progress = db.round_progress(round).await?;
        let mine = progress
            .iter()
            .find(|p| p.agency_id == stp)
            .ok_or("not in progress")?;
        assert_eq!(mine.status.as_deref(), Some("accepted"));
        // Two snapshots, as submitted; the history holds every change (10 → 12 → 14).
        let snaps = db.snapshots(report.id).await?;
        assert_eq!(snaps.len(), 2);
        assert!(snaps[0].1.contains("\"value\":12"), "{}", snaps[0].1);
        assert!(snaps[1].1.contains("\"value\":14"));
        let hist = db.value_history(report.id).await?;
        let total_id = form
            .indicators
            .iter()
            .find(|i| i.required)
            .map(|i| i.id)
            .ok_or("no required indicator")?;
        let changes: Vec<(Option<i64>, Option<i64>)> = hist
            .iter()
            .filter(|h| h.indicator_id == total_id && h.dimension.is_empty())
            .map(|h| (h.old_value, h.new_value))
            .collect();
        assert_eq!(
            changes,
            vec![(None, Some(10)), (Some(10), Some(12)), (Some(12), Some(14))]
        );
        // Reopening needs a reason, and makes the report editable again.
        db.act_on_report(
            round,
            stp,
            &act(Action::Reopen, Actor::Coordinator, v + 3, "Sai số liệu quý"),
            NOW,
        )
        .await?;
        let v = db
            .save_report(
                round,
                stp,
                &SaveReport {
                    expected_version: v + 4,
                    ..save.clone()
                },
                None,
                Actor::FocalPoint,
                NOW,
            )
            .await?;
        assert_eq!(v, report.version + 2);
        let events = db.report_form(round, stp).await?.ok_or("no form")?.events;
        assert!(
            events
                .iter()
                .any(|e| e.action == "reopen" && e.comment == "Sai số liệu quý")
        );
        Ok(())
    })
}

fn bad_reports_write_nothing(db: Db) -> Fut {
    Box::pin(async move {
        let plan = setup(&db).await;
        let round = db.open_round(&h1(plan), NOW).await?.id;
        let stp = agency_id(&db, "Sở Tư pháp").await;
        let form = db.report_form(round, stp).await?.ok_or("no form")?;
        let tt = form
            .indicators
            .iter()
            .find(|i| i.code == "TT_NGUOI")
            .ok_or("no TT_NGUOI")?;
        let value = |dim: &str, cat: &str, v: i64| ValueRow {
            indicator_id: tt.id,
            dimension: dim.into(),
            category: cat.into(),
            value: v,
        };
        let base = SaveReport {
            expected_version: 0,
            tasks: tasks_done(&form),
            ..SaveReport::default()
        };
        let cases: Vec<(SaveReport, &str)> = vec![
            (
                SaveReport {
                    values: vec![value("", "", -1)],
                    ..base.clone()
                },
                "non-negative",
            ),
            (
                SaveReport {
                    values: vec![
                        value("", "", 10),
                        value("sex", "nam", 4),
                        value("sex", "nu", 5),
                    ],
                    ..base.clone()
                },
                "adds up to 9",
            ),
            (
                SaveReport {
                    values: vec![
                        value("", "", 3),
                        value("sex", "nam", 4),
                        value("sex", "nu", 0),
                    ],
                    ..base.clone()
                },
                "exceeds the total",
            ),
            (
                SaveReport {
                    values: vec![value("sex", "nam", 4)],
                    ..base.clone()
                },
                "without a total",
            ),
            (
                SaveReport {
                    tasks: vec![TaskEntry {
                        task_id: i64::MAX,
                        status: Some(TaskStatus::Done),
                        reason: String::new(),
                        results: String::new(),
                    }],
                    ..base.clone()
                },
                "no longer assigned to this body",
            ),
            (
                SaveReport {
                    tasks: vec![TaskEntry {
                        task_id: form.tasks[0].task_id,
                        status: Some(TaskStatus::NotDone),
                        reason: " ".into(),
                        results: String::new(),
                    }],
                    ..base.clone()
                },
                "needs a reason",
            ),
        ];
        for (save, expect) in cases {
            match db
                .save_report(round, stp, &save, None, Actor::FocalPoint, NOW)
                .await
            {
                Err(StoreError::Invalid(m)) => {
                    assert!(m.en.contains(expect), "{m:?} (expected {expect})");
                    assert!(!m.vi.contains(expect), "Vietnamese only: {m:?}");
                }
                other => panic!("expected a refusal naming \"{expect}\", got {other:?}"),
            }
        }
        let after = db.report_form(round, stp).await?.ok_or("no form")?;
        assert!(after.report.is_none(), "nothing was written");
        assert!(after.values.is_empty());
        // A body with nothing in the round cannot report in it.
        let outsider = db
            .create_agency("Sở Xây dựng", "department", false, None)
            .await?;
        assert!(matches!(
            db.save_report(round, outsider, &base, None, Actor::FocalPoint, NOW)
                .await,
            Err(StoreError::Invalid(_))
        ));
        // An incomplete report cannot be approved: required indicators are missing.
        let v = db
            .save_report(round, stp, &base, None, Actor::FocalPoint, NOW)
            .await?;
        match db
            .act_on_report(
                round,
                stp,
                &act(Action::Approve, Actor::AgencyHead, v, ""),
                NOW,
            )
            .await
        {
            Err(StoreError::Invalid(m)) => {
                let vi: Vec<&str> = m.vi.lines().collect();
                let en: Vec<&str> = m.en.lines().collect();
                assert!(
                    vi.contains(&"Văn bản chỉ đạo, triển khai đã ban hành: chỉ tiêu bắt buộc chưa có số liệu"),
                    "{m:?}"
                );
                assert!(
                    en.contains(&"Văn bản chỉ đạo, triển khai đã ban hành: a required indicator has no value"),
                    "{m:?}"
                );
                assert_eq!(vi.len(), en.len(), "one line per problem in each language");
            }
            other => panic!("expected missing indicators, got {other:?}"),
        }
        Ok(())
    })
}

fn finished_task_leaves_next_round(db: Db) -> Fut {
    Box::pin(async move {
        let plan = setup(&db).await;
        let round = db.open_round(&h1(plan), NOW).await?.id;
        let stp = agency_id(&db, "Sở Tư pháp").await;
        let form = db.report_form(round, stp).await?.ok_or("no form")?;
        let save = SaveReport {
            expected_version: 0,
            tasks: tasks_done(&form),
            values: required_values(&form, 5),
            ..SaveReport::default()
        };
        let v = db
            .save_report(round, stp, &save, None, Actor::FocalPoint, NOW)
            .await?;
        for (i, (action, actor)) in [
            (Action::Approve, Actor::AgencyHead),
            (Action::Submit, Actor::FocalPoint),
            (Action::Accept, Actor::Coordinator),
        ]
        .into_iter()
        .enumerate()
        {
            let version = v + i32::try_from(i)?;
            db.act_on_report(round, stp, &act(action, actor, version, ""), NOW)
                .await?;
        }
        // Totals up a level: by kind of body and by parent unit (the body itself without one).
        let ind = form
            .indicators
            .iter()
            .find(|i| i.required)
            .map(|i| i.id)
            .ok_or("no required indicator")?;
        let by_kind = db.round_totals_by(round, false).await?;
        assert!(
            by_kind.contains(&("department".to_string(), ind, 5)),
            "{by_kind:?}"
        );
        assert!(
            db.round_totals_by(round, true).await?.is_empty(),
            "no body has a parent yet"
        );
        let city = db
            .create_agency("UBND thành phố", "people_committee", false, None)
            .await?;
        db.update_agency(stp, "Sở Tư pháp", "department", Some(city), false)
            .await?;
        let by_parent = db.round_totals_by(round, true).await?;
        assert!(by_parent.contains(&("UBND thành phố".to_string(), ind, 5)));
        assert!(by_parent.iter().all(|(g, _, _)| g == "UBND thành phố"));
        let mut h2 = h1(plan);
        h2.period = Some((date!(2026 - 07 - 01), 6));
        h2.label = "6 tháng cuối năm 2026";
        h2.window = DateRange {
            start: date!(2026 - 06 - 15),
            end: date!(2026 - 12 - 14),
        };
        h2.agency_deadline = date!(2026 - 12 - 15);
        h2.coordinator_deadline = None;
        h2.committee_deadline = None;
        let next = db.open_round(&h2, NOW).await?.id;
        let form = db.report_form(next, stp).await?.ok_or("no form")?;
        let refs: Vec<&str> = form.tasks.iter().map(|t| t.reference.as_str()).collect();
        assert!(
            !refs.contains(&"PL.3"),
            "PL.3 (2025-2030) was done: {refs:?}"
        );
        assert!(refs.contains(&"PL.5"), "PL.5 (yearly) comes back: {refs:?}");
        Ok(())
    })
}

fn tally_in_sql_matches_the_rule(db: Db) -> Fut {
    Box::pin(async move {
        use std::collections::BTreeMap;
        use theodoi_domain::Timeliness;
        let plan = setup(&db).await;
        let round = db.open_round(&h1(plan), NOW).await?.id;
        // The counted bodies: the coordinating body (Sở Tư pháp) is not counted against itself.
        let bodies: Vec<_> = db
            .round_progress(round)
            .await?
            .into_iter()
            .filter(|b| b.counted)
            .collect();
        assert!(bodies.len() >= 4);
        // One body on time (23:59 Hà Nội on the deadline day), one a second late, one draft.
        let deadline_end = Timeliness::deadline_end(date!(2026 - 06 - 15));
        for (i, at) in [
            deadline_end - time::Duration::minutes(1),
            deadline_end + time::Duration::seconds(1),
        ]
        .into_iter()
        .enumerate()
        {
            let agency = bodies[i].agency_id;
            let form = db.report_form(round, agency).await?.ok_or("no form")?;
            let save = SaveReport {
                expected_version: 0,
                tasks: tasks_done(&form),
                values: required_values(&form, 3),
                ..SaveReport::default()
            };
            let v = db
                .save_report(round, agency, &save, None, Actor::FocalPoint, at)
                .await?;
            db.act_on_report(
                round,
                agency,
                &act(Action::Approve, Actor::AgencyHead, v, ""),
                at,
            )
            .await?;
            db.act_on_report(
                round,
                agency,
                &act(Action::Submit, Actor::FocalPoint, v + 1, ""),
                at,
            )
            .await?;
        }
        let draft = bodies[2].agency_id;
        let form = db.report_form(round, draft).await?.ok_or("no form")?;
        db.save_report(
            round,
            draft,
            &SaveReport {
                tasks: tasks_done(&form),
                ..SaveReport::default()
            },
            None,
            Actor::FocalPoint,
            NOW,
        )
        .await?;
        for now in [NOW, datetime!(2026-07-01 00:00 UTC)] {
            let mut rule: BTreeMap<&str, i64> = BTreeMap::new();
            for b in db
                .round_progress(round)
                .await?
                .into_iter()
                .filter(|b| b.counted)
            {
                *rule
                    .entry(Timeliness::of(date!(2026 - 06 - 15), b.first_submitted_at, now).code())
                    .or_default() += 1;
            }
            let mut sql: BTreeMap<String, i64> = BTreeMap::new();
            for t in db.round_tally(round, deadline_end, now).await? {
                *sql.entry(t.timeliness).or_default() += t.n;
            }
            let rule: BTreeMap<String, i64> =
                rule.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            assert_eq!(sql, rule, "at {now}");
            assert_eq!(rule.get("on_time"), Some(&1));
            assert_eq!(rule.get("late"), Some(&1));
        }
        let after = datetime!(2026-07-01 00:00 UTC);
        let (late, n) = db
            .round_bodies(round, "late", deadline_end, after, 200, 0)
            .await?;
        assert_eq!(
            usize::try_from(n)?,
            bodies.len() - 1,
            "everyone but the one on time"
        );
        assert_eq!(late.len(), bodies.len() - 1);
        let (missing, n) = db
            .round_bodies(round, "missing", deadline_end, after, 2, 0)
            .await?;
        assert_eq!(usize::try_from(n)?, bodies.len() - 2);
        assert_eq!(missing.len(), 2, "a page of two");
        let (submitted, _) = db
            .round_bodies(round, "submitted", deadline_end, after, 200, 0)
            .await?;
        assert_eq!(submitted.len(), 2);
        Ok(())
    })
}

/// A data import saves several bodies' reports in one transaction: one stale version, and none is
/// written; all current, and all are, each with its own version.
fn reports_saved_together_or_not_at_all(db: Db) -> Fut {
    Box::pin(async move {
        let plan = setup(&db).await;
        let round = db.open_round(&h1(plan), NOW).await?.id;
        let stp = agency_id(&db, "Sở Tư pháp").await;
        let police = agency_id(&db, "Công an thành phố").await;
        let save_of = |form: &theodoi_store::rounds::ReportForm, version: i32, v: i64| {
            let tt = form.indicators.iter().find(|i| i.code == "TT_NGUOI");
            SaveReport {
                expected_version: version,
                tasks: tasks_done(form),
                values: tt
                    .map(|i| ValueRow {
                        indicator_id: i.id,
                        dimension: String::new(),
                        category: String::new(),
                        value: v,
                    })
                    .into_iter()
                    .collect(),
                ..SaveReport::default()
            }
        };
        let (f1, f2) = (
            db.report_form(round, stp).await?.ok_or("no form")?,
            db.report_form(round, police).await?.ok_or("no form")?,
        );
        let (good, stale) = (save_of(&f1, 0, 11), save_of(&f2, 5, 12));
        let refused = db
            .save_reports(
                &[(round, stp, &good), (round, police, &stale)],
                None,
                Actor::FocalPoint,
                NOW,
            )
            .await;
        assert!(refused.is_err(), "a stale version fails the batch");
        let after = db.report_form(round, stp).await?.ok_or("no form")?;
        assert!(
            after.report.is_none() && after.values.is_empty(),
            "nothing written"
        );
        let fresh = save_of(&f2, 0, 12);
        let versions = db
            .save_reports(
                &[(round, stp, &good), (round, police, &fresh)],
                None,
                Actor::FocalPoint,
                NOW,
            )
            .await?;
        assert_eq!(versions, [1, 1]);
        for (agency, v) in [(stp, 11), (police, 12)] {
            let form = db.report_form(round, agency).await?.ok_or("no form")?;
            assert!(
                form.values.iter().any(|x| x.value == v),
                "{agency}: {:?}",
                form.values
            );
        }
        Ok(())
    })
}
