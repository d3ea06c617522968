//! Hardening item 11 (the rest): length limits on free text (a 5 MB narrative was saved) and the
//! agency edit page for the coordinator and administrators only.

use crate::{Case, Fut, PASSWORD, TestApp};

pub const CASES: &[(&str, Case)] = &[
    (
        "free_text_longer_than_its_limit_is_refused_by_name",
        free_text_longer_than_its_limit_is_refused_by_name,
    ),
    (
        "agency_edit_page_only_for_coordinator_and_admin",
        agency_edit_page_only_for_coordinator_and_admin,
    ),
];

fn free_text_longer_than_its_limit_is_refused_by_name(app: TestApp) -> Fut {
    Box::pin(async move {
        let round = app
            .db
            .open_round(
                &theodoi_store::rounds::NewRound::ad_hoc(
                    app.plan_id,
                    "Đợt thử độ dài",
                    theodoi_domain::DateRange {
                        start: time::macros::date!(2026 - 01 - 01),
                        end: time::macros::date!(2026 - 06 - 14),
                    },
                    time::macros::date!(2026 - 06 - 15),
                ),
                time::OffsetDateTime::now_utc(),
            )
            .await?
            .id;
        let j = app.justice;
        let mut focal = app.signed_in("focal").await;
        let page = focal.get(&format!("/rounds/{round}/reports/{j}")).await;
        assert_eq!(page.status, 200);
        let end = page
            .body
            .find("_results\" rows=")
            .ok_or("a results field")?;
        let start = page.body[..end].rfind("name=\"").ok_or("its name")? + "name=\"".len();
        let field = format!("{}_results", &page.body[start..end]);
        // Past the test server's body limit a request is a 413; within it, 20,001 characters of
        // results and of difficulties are each refused by name, with both numbers.
        let long = "Kết quả dài. ".repeat(1_600);
        assert!(long.chars().count() > 20_000);
        let r = focal
            .post(
                &format!("/rounds/{round}/reports/{j}"),
                &[
                    ("version", "0"),
                    (field.as_str(), long.as_str()),
                    ("difficulties", &"k".repeat(20_001)),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", &r.body[..r.body.len().min(400)]);
        assert!(r.body.contains("tối đa 20.000 ký tự"), "limit named");
        assert!(
            r.body
                .contains("Khó khăn, vướng mắc</a>: Dài 20.001 ký tự, tối đa 20.000 ký tự"),
            "field named"
        );
        assert!(
            app.db
                .report_form(round, j)
                .await?
                .and_then(|f| f.report)
                .is_none(),
            "nothing saved"
        );
        // Exactly at the limit is accepted.
        let r = focal
            .post(
                &format!("/rounds/{round}/reports/{j}"),
                &[("version", "0"), ("difficulties", &"k".repeat(20_000))],
            )
            .await;
        assert_eq!(r.status, 303);
        // The coordinator's forms: a regime's name, an indicator's name and unit.
        let mut coord = app.signed_in("coord").await;
        coord.get("/regimes").await;
        let r = coord
            .post(
                "/regimes",
                &[
                    ("code", "DAI"),
                    ("name", &"Chế độ ".repeat(100)),
                    ("kind", "thematic"),
                    ("windows", "calendar"),
                    ("agency_days", "5"),
                    ("reminder_offsets", "-1"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(
            r.body
                .contains("Tên chế độ: dài 700 ký tự, tối đa 300 ký tự"),
            "{}",
            r.body
        );
        let r = coord
            .post(
                "/indicators",
                &[
                    ("code", "DAI"),
                    ("name", "Số người"),
                    ("unit", &"người".repeat(20)),
                    ("aggregation", "sum"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Đơn vị tính: dài 100 ký tự"), "{}", r.body);
        // An escalation's message, refused with its limit in Vietnamese.
        let task = app.task_id("II.1").await;
        let mut police = app.signed_in("police").await;
        police.get("/escalations").await;
        let r = police
            .post(
                &format!("/tasks/{task}/escalations"),
                &[("subject", "Vướng mắc"), ("body", &"x".repeat(10_001))],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("tối đa 10.000 ký tự"), "{}", r.body);
        // The sign-in form: a name longer than any account's is a wrong sign-in, not an error.
        let mut c = app.client();
        let r = c.login(&"a".repeat(5_000), PASSWORD).await;
        assert_eq!(r.status, 401);
        Ok(())
    })
}

fn agency_edit_page_only_for_coordinator_and_admin(app: TestApp) -> Fut {
    Box::pin(async move {
        let edit = format!("/agencies/{}", app.justice);
        for (who, status) in [
            ("coord", 200),
            ("admin", 200),
            ("leader", 403),
            ("inspector", 403),
            ("focal", 403),
            ("police", 403),
        ] {
            let mut c = app.signed_in(who).await;
            assert_eq!(c.get(&edit).await.status, status, "{who}");
            // Pages link an agency's name to its edit page only for those who may open it.
            let plan = c.get(&format!("/plans/{}", app.plan_id)).await;
            let links = plan.body.contains(&format!("href=\"{edit}\""));
            assert_eq!(links, status == 200, "{who}: plan page links");
            let list = c.get("/agencies").await;
            assert_eq!(
                list.body.contains(&format!("href=\"{edit}\"")),
                status == 200,
                "{who}: directory links"
            );
        }
        // The leader reaches the body's home instead.
        let mut leader = app.signed_in("leader").await;
        let plan = leader.get(&format!("/plans/{}", app.plan_id)).await;
        assert!(plan.body.contains(&format!("href=\"{edit}/home\"")));
        Ok(())
    })
}
