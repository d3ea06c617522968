//! Hardening item 7: merging agencies once rounds exist (it answered 500), and a parent that does
//! not exist (500): the round's data moves in one transaction, two written reports of one round
//! refuse the merge with the round named, a bad parent is a 422 with the reason.

use crate::{Case, Fut, TestApp};
use theodoi_domain::report::Actor;
use theodoi_store::rounds::{SaveReport, TaskEntry};

pub const CASES: &[(&str, Case)] = &[
    (
        "merge_with_rounds_moves_reports_or_names_the_round",
        merge_with_rounds_moves_reports_or_names_the_round,
    ),
    (
        "bad_parent_is_refused_with_the_reason",
        bad_parent_is_refused_with_the_reason,
    ),
];

const ROUND: &str = "Đợt gộp thử";

async fn open_round(app: &TestApp) -> Result<i64, libtest_mimic::Failed> {
    Ok(app
        .db
        .open_round(
            &theodoi_store::rounds::NewRound::ad_hoc(
                app.plan_id,
                ROUND,
                theodoi_domain::DateRange {
                    start: time::macros::date!(2026 - 01 - 01),
                    end: time::macros::date!(2026 - 06 - 14),
                },
                time::macros::date!(2026 - 06 - 15),
            ),
            time::OffsetDateTime::now_utc(),
        )
        .await?
        .id)
}

/// The Sở Tư pháp's edit form posted with `parent` as its parent.
async fn edit_parent(
    c: &mut crate::client::Client,
    path: &str,
    parent: &str,
) -> crate::client::Resp {
    c.post(
        path,
        &[
            ("name", "Sở Tư pháp"),
            ("kind", "department"),
            ("parent_id", parent),
        ],
    )
    .await
}

/// A report with every task's results written.
async fn write_report(app: &TestApp, round: i64, agency: i64) -> Result<(), libtest_mimic::Failed> {
    let form = app
        .db
        .report_form(round, agency)
        .await?
        .ok_or("no report form")?;
    app.db
        .save_report(
            round,
            agency,
            &SaveReport {
                expected_version: 0,
                tasks: form
                    .tasks
                    .iter()
                    .map(|t| TaskEntry {
                        task_id: t.task_id,
                        status: None,
                        reason: String::new(),
                        results: format!("Đã triển khai {}", t.reference),
                    })
                    .collect(),
                ..SaveReport::default()
            },
            None,
            Actor::FocalPoint,
            time::OffsetDateTime::now_utc(),
        )
        .await?;
    Ok(())
}

fn merge_with_rounds_moves_reports_or_names_the_round(app: TestApp) -> Fut {
    Box::pin(async move {
        let round = open_round(&app).await?;
        write_report(&app, round, app.police).await?;
        write_report(&app, round, app.justice).await?;
        let mut c = app.signed_in("coord").await;
        c.get("/agencies").await;
        // Two written reports of one round: refused, the round named, nothing changed.
        let r = c
            .post(
                "/agencies/merge",
                &[
                    ("keep", &app.justice.to_string()),
                    ("remove", &app.police.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains(ROUND), "{}", r.body);
        assert!(r.body.contains("Không thể gộp"), "{}", r.body);
        assert!(app.db.agency(app.police).await?.is_some());
        // Said above the merge form on the directory, the two bodies still chosen.
        assert!(r.body.contains("id=\"merge-error\""), "{}", r.body);
        for chosen in [app.justice, app.police] {
            let option = format!("<option value=\"{chosen}\" selected>");
            assert!(r.body.contains(&option), "{option} in {}", r.body);
        }
        // A duplicate entry of the police in the directory: the merge moves their report.
        c.get("/agencies").await;
        let r = c
            .post(
                "/agencies",
                &[("name", "Công an TP Hải Phòng"), ("kind", "police")],
            )
            .await;
        assert_eq!(r.status, 303);
        let dup = r
            .location()
            .trim_start_matches("/agencies/")
            .parse::<i64>()?;
        let r = c
            .post(
                "/agencies/merge",
                &[
                    ("keep", &dup.to_string()),
                    ("remove", &app.police.to_string()),
                ],
            )
            .await;
        assert_eq!(
            (r.status, r.location()),
            (303, format!("/agencies/{dup}").as_str()),
            "{}",
            r.body
        );
        let moved = app
            .db
            .report_form(round, dup)
            .await?
            .and_then(|f| f.report)
            .ok_or("the report moved to the kept body")?;
        assert_eq!(moved.agency_id, dup);
        // The police's account follows; the round page counts the kept body.
        let police_user = app.db.user_by_username("police").await?.ok_or("police")?;
        assert_eq!(police_user.agency_id, Some(dup));
        let page = c.get(&format!("/rounds/{round}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Công an TP Hải Phòng"), "{}", page.body);
        let log = app
            .db
            .audit_log(&theodoi_store::accounts::AuditFilter {
                action: "agency_merged".into(),
                username: "coord".into(),
                limit: 5,
            })
            .await?;
        assert!(
            log.iter().any(|e| e
                .detail
                .as_deref()
                .unwrap_or_default()
                .contains("1 reports moved")),
            "{log:?}"
        );
        // Unknown bodies are a 422 with a reason, not a 500.
        let r = c
            .post(
                "/agencies/merge",
                &[("keep", &dup.to_string()), ("remove", "987654")],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("không còn trong danh mục"), "{}", r.body);
        Ok(())
    })
}

fn bad_parent_is_refused_with_the_reason(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.signed_in("coord").await;
        c.get("/agencies").await;
        let path = format!("/agencies/{}", app.justice);
        // A parent that does not exist.
        let r = edit_parent(&mut c, &path, "987654").await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("không còn trong danh mục"), "{}", r.body);
        // A new agency under a missing parent: the same.
        let r = c
            .post(
                "/agencies",
                &[
                    ("name", "Phòng thử nghiệm"),
                    ("kind", "department"),
                    ("parent_id", "987654"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        // Said above the add form, with what was typed.
        assert!(
            r.body.contains("id=\"add-error\"") && r.body.contains("value=\"Phòng thử nghiệm\""),
            "{}",
            r.body
        );
        // Itself.
        let r = edit_parent(&mut c, &path, &app.justice.to_string()).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("chính mình"), "{}", r.body);
        // On the body's own edit page.
        assert!(r.body.contains("id=\"edit-error\""), "{}", r.body);
        // A group.
        let group = app
            .db
            .list_agencies()
            .await?
            .into_iter()
            .find(|a| a.is_group)
            .ok_or("a group in the seed plan")?;
        let r = edit_parent(&mut c, &path, &group.id.to_string()).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("là một nhóm"), "{}", r.body);
        // A loop: the police under the Sở, then the Sở under the police.
        let r = c
            .post(
                &format!("/agencies/{}", app.police),
                &[
                    ("name", "Công an thành phố"),
                    ("kind", "police"),
                    ("parent_id", &app.justice.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = edit_parent(&mut c, &path, &app.police.to_string()).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("trực thuộc cơ quan này"), "{}", r.body);
        // The parent chosen is still chosen, to correct rather than choose again.
        let chosen = format!("<option value=\"{}\" selected>", app.police);
        assert!(r.body.contains(&chosen), "{chosen} in {}", r.body);
        // A real parent is accepted.
        let other = app
            .db
            .list_agencies()
            .await?
            .into_iter()
            .find(|a| !a.is_group && a.id != app.justice && a.id != app.police)
            .ok_or("another body")?;
        // A rename refused for its parent: the heading keeps the stored name, the form the typed.
        let r = c
            .post(
                &path,
                &[
                    ("name", "Sở Tư pháp thành phố"),
                    ("kind", "department"),
                    ("parent_id", &app.justice.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("<h1>Sở Tư pháp</h1>")
                && r.body.contains("value=\"Sở Tư pháp thành phố\""),
            "{}",
            r.body
        );
        let r = edit_parent(&mut c, &path, &other.id.to_string()).await;
        assert_eq!(r.status, 303, "{}", r.body);
        // Saved, and said so.
        let page = c.get(r.location()).await;
        assert!(page.body.contains("Đã lưu thay đổi."), "{}", page.body);
        // People read the body's name; its code is for exports.
        assert!(!page.body.contains("so-tu-phap"), "{}", page.body);
        assert_eq!(
            app.db
                .agency(app.justice)
                .await?
                .ok_or("justice")?
                .parent_id,
            Some(other.id)
        );
        Ok(())
    })
}
