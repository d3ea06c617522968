//! The leaders' overviews: every chart has its legend and the table it was drawn from, statuses
//! keep their colours, and a leader lands on the overview.

use crate::rounds::open_h1;
use crate::{Case, Fut, TestApp};
use theodoi_domain::report::{Action, Actor, TaskStatus};
use theodoi_store::rounds::{SaveReport, TaskEntry, ValueRow};

pub const CASES: &[(&str, Case)] = &[(
    "charts_have_legends_and_tables_and_leaders_land_on_them",
    charts_have_legends_and_tables_and_leaders_land_on_them,
)];

/// The chart sections of a dashboard page.
fn chart_sections(body: &str) -> Vec<&str> {
    body.split("<section class=\"box chart-box\">")
        .skip(1)
        .map(|s| s.split("</section>").next().unwrap_or(""))
        .collect()
}

fn charts_have_legends_and_tables_and_leaders_land_on_them(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut coord = app.signed_in("coord").await;
        let round = open_h1(&app, &mut coord).await?;
        // The Sở Tư pháp's report, accepted: its lead tasks done late, every figure 7.
        let form = app
            .db
            .report_form(round, app.justice)
            .await?
            .ok_or("no form")?;
        let save = SaveReport {
            expected_version: 0,
            tasks: form
                .tasks
                .iter()
                .map(|t| TaskEntry {
                    task_id: t.task_id,
                    status: Some(TaskStatus::DoneLate),
                    reason: String::new(),
                    results: "Đã thực hiện".into(),
                })
                .collect(),
            values: form
                .indicators
                .iter()
                .map(|i| ValueRow {
                    indicator_id: i.id,
                    dimension: String::new(),
                    category: String::new(),
                    value: 7,
                })
                .collect(),
            ..Default::default()
        };
        let now = time::OffsetDateTime::now_utc();
        let v = app
            .db
            .save_report(round, app.justice, &save, None, Actor::FocalPoint, now)
            .await?;
        app.walk_report(
            round,
            app.justice,
            v,
            &[
                (Action::Approve, Actor::AgencyHead),
                (Action::Submit, Actor::FocalPoint),
                (Action::Accept, Actor::Coordinator),
            ],
        )
        .await?;

        // A leader's start page is the overview of the current round; others keep theirs.
        let mut leader = app.signed_in("leader").await;
        let home = leader.get("/").await;
        assert_eq!(home.status, 303);
        assert_eq!(home.location(), format!("/rounds/{round}/dashboard"));
        assert_eq!(coord.get("/").await.location(), "/plans");

        for path in [
            format!("/rounds/{round}/dashboard"),
            format!("/plans/{}/dashboard", app.plan_id),
        ] {
            let page = leader.get(&path).await;
            assert_eq!(page.status, 200, "{path}: {}", page.body);
            let sections = chart_sections(&page.body);
            assert_eq!(sections.len(), 3, "{path}: three charts");
            for s in &sections {
                let title = s.split("<h2>").nth(1).and_then(|t| t.split("</h2>").next());
                assert_eq!(s.matches("<svg").count(), 1, "{path}: {title:?} is drawn");
                assert!(
                    s.contains("<g class=\"legend\">"),
                    "{path}: {title:?} has a legend"
                );
                assert!(
                    s.contains("<table") && s.contains("<td>"),
                    "{path}: {title:?} keeps its table"
                );
                // Drawn for a phone's width, so its text stays readable there.
                assert!(
                    s.contains(&format!("viewBox=\"0 0 {} ", theodoi_web::charts::WIDTH)),
                    "{path}: {title:?}"
                );
                assert!(!s.contains('…'), "{path}: no label cut short");
            }
            // The same status, the same colour, on both pages: the task chart's legend names
            // done late in light green, and nothing done is drawn red.
            let tasks = sections
                .iter()
                .find(|s| s.contains("nhiệm vụ"))
                .ok_or("the task chart")?;
            let legend = tasks
                .split("<g class=\"legend\">")
                .nth(1)
                .and_then(|l| l.split("</g>").next())
                .unwrap_or("");
            let late = legend
                .find("Hoàn thành chậm")
                .ok_or("done late in the legend")?;
            assert!(
                legend[..late]
                    .rsplit("<rect")
                    .next()
                    .is_some_and(|r| r.contains(theodoi_web::charts::DONE_LATE)),
                "{path}: {legend}"
            );
            assert!(
                !page.body.contains(&format!(
                    "fill=\"{}\"><title>Hoàn thành",
                    theodoi_web::charts::BAD
                )),
                "{path}: nothing done is drawn red"
            );
        }
        // The trend's figures for the accepted report, and the task chart's bar for done late.
        let page = leader.get(&format!("/rounds/{round}/dashboard")).await;
        assert!(
            page.body.contains(&format!(
                "fill=\"{}\"><title>Hoàn thành chậm",
                theodoi_web::charts::DONE_LATE
            )),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("<circle"),
            "a closed round's figure is drawn"
        );
        // Every task of the round is in its chart: the leads not heard from yet in grey.
        assert!(
            page.body.contains(&format!(
                "fill=\"{}\"><title>Chưa có báo cáo",
                theodoi_web::charts::NOT_REPORTED
            )),
            "{}",
            page.body
        );
        Ok(())
    })
}
