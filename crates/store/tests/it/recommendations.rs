//! The register of recommendations on both backends: import by symbol and number (again: nothing
//! changes; a dry run writes nothing; a Vietnamese translation fills the Vietnamese text), the
//! document's order, links from tasks, coverage with the uncovered, and free-text tags turned
//! into links or listed with the reason.

use crate::plans::{import, seed};
use crate::{Case, Fut};
use theodoi_domain::recommendation::{Mechanism, RecSource, Recommendation};
use theodoi_store::{Db, StoreError};
use time::OffsetDateTime;
use time::macros::date;

pub const CASES: &[(&str, Case)] = &[
    (
        "recommendations_import_in_document_order",
        recommendations_import_in_document_order,
    ),
    (
        "tasks_link_recommendations_and_coverage_names_the_uncovered",
        tasks_link_recommendations_and_coverage_names_the_uncovered,
    ),
    ("tags_become_links_or_reasons", tags_become_links_or_reasons),
    (
        "coverage_hears_sent_reports_and_the_public_accepted_ones",
        coverage_hears_sent_reports_and_the_public_accepted_ones,
    ),
    (
        "headings_read_in_vietnamese_and_procedural_paragraphs_need_no_task",
        headings_read_in_vietnamese_and_procedural_paragraphs_need_no_task,
    ),
];

const SYMBOL: &str = "CCPR/C/VNM/CO/9";

fn source(language: &str) -> RecSource {
    RecSource {
        symbol: SYMBOL.into(),
        title: "Concluding observations on the ninth periodic report".into(),
        date: Some(date!(2025 - 07 - 25)),
        mechanism: Mechanism::TreatyBody {
            committee: "CCPR".into(),
        },
        language: language.into(),
    }
}

fn rec(paragraph: u32, sub: Option<&str>, articles: &[u8], text: &str) -> Recommendation {
    Recommendation {
        paragraph,
        sub: sub.map(str::to_string),
        theme: "Access to justice".into(),
        articles: articles.to_vec(),
        concern: Some("The Committee is concerned about delays.".into()),
        text: text.into(),
        text_vi: None,
    }
}

fn register() -> Vec<Recommendation> {
    vec![
        rec(21, Some("b"), &[14], "Ensure legal aid in every commune"),
        rec(
            21,
            Some("a"),
            &[9, 14],
            "Guarantee prompt access to a lawyer",
        ),
        rec(
            5,
            None,
            &[2],
            "Adopt a comprehensive anti-discrimination law",
        ),
        rec(21, None, &[14], "The State party should:"),
    ]
}

fn recommendations_import_in_document_order(db: Db) -> Fut {
    Box::pin(async move {
        let now = OffsetDateTime::now_utc();
        let dry = db
            .import_recommendations(&source("en"), &register(), None, true, now)
            .await?;
        assert_eq!((dry.created, dry.source_created), (4, true));
        assert!(
            db.rec_sources().await?.is_empty(),
            "a dry run writes nothing"
        );
        let first = db
            .import_recommendations(&source("en"), &register(), Some("2715/QĐ-TTg"), false, now)
            .await?;
        assert_eq!((first.created, first.updated, first.unchanged), (4, 0, 0));
        let again = db
            .import_recommendations(&source("en"), &register(), None, false, now)
            .await?;
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 4));
        let sources = db.rec_sources().await?;
        assert_eq!(sources.len(), 1);
        assert_eq!(
            (sources[0].accepted_by.as_str(), sources[0].count),
            ("2715/QĐ-TTg", 4),
            "a later import without --accepted-by keeps it"
        );
        // 5 before 21 (not as text), the whole paragraph before its subs, a before b.
        let numbers: Vec<String> = db
            .recommendations(None)
            .await?
            .iter()
            .map(|r| r.number())
            .collect();
        assert_eq!(numbers, ["5", "21", "21(a)", "21(b)"]);
        // The Vietnamese translation fills the Vietnamese text; the English stays.
        let mut vi = register();
        vi[0].text = "Bảo đảm trợ giúp pháp lý ở mọi xã".into();
        let translated = db
            .import_recommendations(&source("vi"), &vi[..1], None, false, now)
            .await?;
        assert_eq!(translated.updated, 1);
        let b = db
            .recommendations(None)
            .await?
            .into_iter()
            .find(|r| r.number() == "21(b)")
            .ok_or("21(b)")?;
        assert_eq!(b.text, "Ensure legal aid in every commune");
        assert_eq!(b.text_for_vi(), "Bảo đảm trợ giúp pháp lý ở mọi xã");
        assert_eq!(b.articles, [14]);
        assert_eq!(b.reference(), "CCPR/C/VNM/CO/9 đoạn 21(b)");
        // A translation never adds a paragraph the original lacks: it is named and left out.
        let stray = vec![rec(9, None, &[6], "Công bố số liệu về án tử hình")];
        let translated = db
            .import_recommendations(&source("vi"), &stray, None, false, now)
            .await?;
        assert_eq!(
            (translated.created, translated.unmatched.as_slice()),
            (0, ["9".to_string()].as_slice())
        );
        assert_eq!(db.recommendations(None).await?.len(), 4);
        // The Covenant has 27 articles: a 28th is refused and nothing of the batch is written.
        let mut bad = register();
        bad.push(rec(30, None, &[28], "x"));
        let refused = db
            .import_recommendations(&source("en"), &bad, None, false, now)
            .await;
        assert!(
            matches!(refused, Err(StoreError::Invalid(_))),
            "{refused:?}"
        );
        assert_eq!(db.recommendations(None).await?.len(), 4);
        Ok(())
    })
}

fn tasks_link_recommendations_and_coverage_names_the_uncovered(db: Db) -> Fut {
    Box::pin(async move {
        let now = OffsetDateTime::now_utc();
        let plan = import(&db, &seed()).await.plan_id;
        db.import_recommendations(&source("en"), &register(), None, false, now)
            .await?;
        let recs = db.recommendations(None).await?;
        let id = |n: &str| recs.iter().find(|r| r.number() == n).map(|r| r.id);
        let view = db.load_plan(plan).await?;
        let task = view
            .tasks
            .iter()
            .find(|t| t.reference == "PL.2")
            .ok_or("PL.2")?
            .id;
        let (a, b) = (id("21(a)").ok_or("21(a)")?, id("21(b)").ok_or("21(b)")?);
        db.set_task_recommendations(task, &[a, b], &[14], None, now)
            .await?;
        assert_eq!(
            db.task_recommendations(task)
                .await?
                .iter()
                .map(|r| r.number())
                .collect::<Vec<_>>(),
            ["21(a)", "21(b)"]
        );
        assert_eq!(db.task_articles(task).await?, [14]);
        // An article outside the Covenant, or a recommendation that is gone: refused, links kept.
        assert!(
            db.set_task_recommendations(task, &[a], &[28], None, now)
                .await
                .is_err()
        );
        assert!(
            db.set_task_recommendations(task, &[987_654], &[], None, now)
                .await
                .is_err()
        );
        assert_eq!(db.task_recommendations(task).await?.len(), 2);
        let source_id = db.rec_sources().await?[0].id;
        let coverage = db.coverage(source_id).await?;
        let covered: Vec<(String, usize)> = coverage
            .iter()
            .map(|c| (c.rec.number(), c.tasks.len()))
            .collect();
        assert_eq!(
            covered,
            [
                ("5".to_string(), 0),
                ("21".to_string(), 0),
                ("21(a)".to_string(), 1),
                ("21(b)".to_string(), 1)
            ]
        );
        let t = &coverage[2].tasks[0];
        assert_eq!(
            (t.reference.as_str(), t.plan_number.as_deref()),
            ("PL.2", Some("14/KH-UBND"))
        );
        assert!(
            t.assigned
                .iter()
                .any(|(_, name, role)| name == "Thanh tra thành phố"
                    && *role == theodoi_domain::Role::Lead),
            "{:?}",
            t.assigned
        );
        assert!(t.statuses.is_empty(), "no round has reported yet");
        Ok(())
    })
}

fn tags_become_links_or_reasons(db: Db) -> Fut {
    Box::pin(async move {
        let now = OffsetDateTime::now_utc();
        let plan = import(&db, &seed()).await.plan_id;
        db.import_recommendations(&source("en"), &register(), None, false, now)
            .await?;
        let view = db.load_plan(plan).await?;
        let task = |r: &str| view.tasks.iter().find(|t| t.reference == r).map(|t| t.id);
        let (t1, t2) = (task("PL.1").ok_or("PL.1")?, task("PL.3").ok_or("PL.3")?);
        db.set_task_tags(
            t1,
            &[
                "ICCPR điều 14".into(),
                format!("{SYMBOL} đoạn 21"),
                format!("{SYMBOL} đoạn 999"),
            ],
        )
        .await?;
        db.set_task_tags(t2, &["ICCPR Điều 99".into(), "chuyên đề".into()])
            .await?;
        let done = db.resolve_tags(plan, None, now).await?;
        assert_eq!((done.linked, done.articles), (1, 1));
        // "đoạn 21" links the paragraph and both its subs.
        assert_eq!(db.task_recommendations(t1).await?.len(), 3);
        assert_eq!(db.task_articles(t1).await?, [14]);
        let left: Vec<&str> = done
            .unresolved
            .iter()
            .map(|(_, _, tag, _)| tag.as_str())
            .collect();
        assert_eq!(
            left,
            [
                format!("{SYMBOL} đoạn 999").as_str(),
                "ICCPR Điều 99",
                "chuyên đề"
            ]
        );
        assert!(
            done.unresolved[0].3.vi.contains("không có đoạn 999"),
            "{:?}",
            done.unresolved[0].3
        );
        // What was linked is no longer a tag; what was not stays to resolve.
        let tags: Vec<String> = db
            .plan_tags(plan)
            .await?
            .into_iter()
            .map(|(_, _, tag)| tag)
            .collect();
        assert_eq!(tags.len(), 3, "{tags:?}");
        Ok(())
    })
}

/// A body's word on a linked task reaches the coverage once its report is sent, and the public
/// coverage once the Sở Tư pháp has accepted it.
fn coverage_hears_sent_reports_and_the_public_accepted_ones(db: Db) -> Fut {
    Box::pin(async move {
        use crate::rounds::{NOW, act, agency_id, h1, required_values, setup};
        use theodoi_domain::report::{Action, Actor, TaskStatus};
        use theodoi_store::rounds::{SaveReport, TaskEntry};
        let plan = setup(&db).await;
        let round = db.open_round(&h1(plan), NOW).await?.id;
        let stp = agency_id(&db, "Sở Tư pháp").await;
        db.import_recommendations(&source("en"), &register(), None, false, NOW)
            .await?;
        let source_id = db.rec_sources().await?[0].id;
        let b = db
            .recommendations(None)
            .await?
            .into_iter()
            .find(|r| r.number() == "21(b)")
            .ok_or("21(b)")?
            .id;
        let form = db.report_form(round, stp).await?.ok_or("a form")?;
        let task = form.tasks.first().ok_or("a task of the Sở")?.task_id;
        db.set_task_recommendations(task, &[b], &[], None, NOW)
            .await?;
        let save = SaveReport {
            expected_version: 0,
            tasks: form
                .tasks
                .iter()
                .map(|t| TaskEntry {
                    task_id: t.task_id,
                    status: Some(TaskStatus::InProgress),
                    reason: String::new(),
                    results: "Đang triển khai".into(),
                })
                .collect(),
            values: required_values(&form, 12),
            ..Default::default()
        };
        let v = db
            .save_report(round, stp, &save, None, Actor::FocalPoint, NOW)
            .await?;
        let heard = |rows: &[theodoi_store::recommendations::CoverageRow]| {
            rows.iter()
                .find(|r| r.rec.id == b)
                .and_then(|r| r.tasks.first())
                .map(|t| {
                    t.statuses
                        .iter()
                        .filter(|s| s.agency_id == stp)
                        .map(|s| s.status.clone())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        };
        // A draft is the body's own: nobody else hears of it.
        assert!(heard(&db.coverage(source_id).await?).is_empty());
        for (i, (action, actor)) in [
            (Action::Approve, Actor::AgencyHead),
            (Action::Submit, Actor::FocalPoint),
        ]
        .into_iter()
        .enumerate()
        {
            db.act_on_report(
                round,
                stp,
                &act(action, actor, v + i32::try_from(i)?, ""),
                NOW,
            )
            .await?;
        }
        assert_eq!(heard(&db.coverage(source_id).await?), ["in_progress"]);
        assert!(
            heard(&db.public_coverage(source_id).await?).is_empty(),
            "the public page waits for the acceptance"
        );
        db.act_on_report(
            round,
            stp,
            &act(Action::Accept, Actor::Coordinator, v + 2, ""),
            NOW,
        )
        .await?;
        assert_eq!(
            heard(&db.public_coverage(source_id).await?),
            ["in_progress"]
        );
        let tally = db
            .coverage(source_id)
            .await?
            .into_iter()
            .find(|r| r.rec.id == b)
            .and_then(|r| r.tasks.first().map(|t| t.tally.clone()))
            .unwrap_or_default();
        assert!(
            tally.iter().any(|(s, n)| s == "in_progress" && *n >= 1),
            "{tally:?}"
        );
        Ok(())
    })
}

fn headings_read_in_vietnamese_and_procedural_paragraphs_need_no_task(db: Db) -> Fut {
    Box::pin(async move {
        use theodoi_domain::recommendation::themes::PROCEDURAL_REASON;
        use theodoi_text::Lang;
        let now = OffsetDateTime::now_utc();
        let mut recs = vec![
            rec(
                5,
                None,
                &[2],
                "Adopt a comprehensive anti-discrimination law",
            ),
            rec(
                22,
                None,
                &[],
                "Disseminate the Covenant and these observations widely",
            ),
        ];
        recs[0].theme = "Non-discrimination".into();
        recs[1].theme = "Dissemination and follow-up".into();
        db.import_recommendations(&source("en"), &recs, None, false, now)
            .await?;
        let find = |rows: &[theodoi_store::recommendations::RecRow], n: u32| {
            rows.iter()
                .find(|r| r.paragraph == n)
                .cloned()
                .ok_or(format!("paragraph {n}"))
        };
        let rows = db.recommendations(None).await?;
        let (r5, r22) = (find(&rows, 5)?, find(&rows, 22)?);
        // An English heading reads in the words Vietnamese translations use for it.
        assert_eq!(r5.theme_in(Lang::Vi), "Không phân biệt đối xử");
        assert_eq!(r5.theme_in(Lang::En), "Non-discrimination");
        assert!(r5.needs_task());
        // The procedural paragraph is stored as needing no task, with the reason.
        assert_eq!(r22.no_task_reason.as_deref(), Some(PROCEDURAL_REASON));
        assert!(!r22.needs_task());

        // A translation's heading is the Vietnamese heading from then on.
        let mut vi = recs.clone();
        vi[0].theme = "Chống phân biệt đối xử".into();
        vi[0].text = "Ban hành luật toàn diện về chống phân biệt đối xử".into();
        let t = db
            .import_recommendations(&source("vi"), &vi[..1], None, false, now)
            .await?;
        assert_eq!(t.updated, 1);
        let again = db
            .import_recommendations(&source("vi"), &vi[..1], None, false, now)
            .await?;
        assert_eq!(again.unchanged, 1, "the same translation changes nothing");
        let r5 = find(&db.recommendations(None).await?, 5)?;
        assert_eq!(r5.theme_in(Lang::Vi), "Chống phân biệt đối xử");
        // A translation whose paragraph names other articles is numbered differently: it is
        // named and left out, never written over the original's paragraph.
        let mut shifted = vi.clone();
        shifted[0].articles = vec![6];
        shifted[0].text = "Bãi bỏ hình phạt tử hình".into();
        let t = db
            .import_recommendations(&source("vi"), &shifted[..1], None, false, now)
            .await?;
        assert_eq!(
            (t.mismatched.as_slice(), t.updated),
            (["5".to_string()].as_slice(), 0)
        );
        let r5 = find(&db.recommendations(None).await?, 5)?;
        assert_eq!(
            r5.text_for_vi(),
            "Ban hành luật toàn diện về chống phân biệt đối xử"
        );
        assert_eq!(r5.theme, "Non-discrimination");

        // The coordinator's word: a reason is required; clearing makes it count again, and a
        // re-import of the original does not undo it.
        let blank = db.set_no_task_reason(r5.id, Some("   ")).await;
        assert!(matches!(blank, Err(StoreError::Invalid(_))), "{blank:?}");
        db.set_no_task_reason(r5.id, Some("Đã thực hiện xong trước kế hoạch"))
            .await?;
        db.set_no_task_reason(r22.id, None).await?;
        db.import_recommendations(&source("en"), &recs, None, false, now)
            .await?;
        let rows = db.recommendations(None).await?;
        assert_eq!(
            find(&rows, 5)?.no_task_reason.as_deref(),
            Some("Đã thực hiện xong trước kế hoạch")
        );
        assert!(find(&rows, 22)?.needs_task());
        let unknown = db.set_no_task_reason(999_999, Some("x")).await;
        assert!(
            matches!(unknown, Err(StoreError::NotFound(_))),
            "{unknown:?}"
        );
        Ok(())
    })
}
