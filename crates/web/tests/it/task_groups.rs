//! Naming who "các cơ quan liên quan" means for one task, then opening a round: the named bodies
//! get the task and nobody else does; the open-round form says which tasks still need names. The
//! round page lists the Sở Tư pháp's own report apart and says plainly who is missing.

use crate::{Case, Fut, TestApp};
use theodoi_domain::{DateRange, Timeframe};
use time::macros::date;

pub const CASES: &[(&str, Case)] = &[(
    "name_related_bodies_per_task_then_open_a_round",
    name_related_bodies_per_task_then_open_a_round,
)];

const VAGUE: &str = "Các cơ quan, địa phương có liên quan";

fn name_related_bodies_per_task_then_open_a_round(app: TestApp) -> Fut {
    Box::pin(async move {
        let group = app
            .db
            .list_agencies()
            .await?
            .into_iter()
            .find(|a| a.name == VAGUE)
            .map(|a| a.id)
            .ok_or("no vague group in the seed plan")?;
        let unnamed: Vec<_> = app
            .db
            .unnamed_groups(Some(app.plan_id))
            .await?
            .into_iter()
            .filter(|u| u.group_id == group)
            .collect();
        // A task of the group that falls due in the round opened below.
        let window = DateRange {
            start: date!(2025 - 01 - 01),
            end: date!(2026 - 06 - 14),
        };
        let plan = app.db.load_plan(app.plan_id).await?;
        let first = unnamed
            .iter()
            .find(|u| {
                plan.tasks.iter().any(|t| {
                    t.id == u.task_id
                        && Timeframe::parse(&t.time_text)
                            .due_in(window, date!(2026 - 06 - 15))
                            .is_some()
                })
            })
            .ok_or("the group is on no task due in the window")?
            .clone();
        let ward = app
            .db
            .create_agency("Xã Bắc Hưng", "commune", false, None)
            .await?;

        // Before naming: the open-round form lists the task with a link to where it is named.
        let mut coord = app.signed_in("coord").await;
        let rounds = coord.get("/rounds").await;
        assert_eq!(rounds.status, 200);
        let link = format!("/tasks/{}#group-{group}", first.task_id);
        assert!(rounds.body.contains(&link), "{link} not on the form");
        assert!(rounds.body.contains("chưa xác định"));

        // The task page shows the group as naming nobody, and the coordinator names the ward.
        let task = coord.get(&format!("/tasks/{}", first.task_id)).await;
        assert_eq!(task.status, 200);
        assert!(
            task.body
                .contains("Chưa xác định cơ quan nào cho nhiệm vụ này")
        );
        assert!(task.body.contains(&format!("value=\"{ward}\"")));
        let path = format!("/tasks/{}/groups/{group}", first.task_id);
        // A focal point may not name them; a bad id is a clear refusal.
        let mut focal = app.signed_in("focal").await;
        let denied = focal.post(&path, &[("member", &ward.to_string())]).await;
        assert_eq!(denied.status, 403);
        let bad = coord.post(&path, &[("member", "abc")]).await;
        assert_eq!(bad.status, 422, "{}", bad.body);
        assert!(bad.body.contains("không phải mã cơ quan"));
        let r = coord.post(&path, &[("member", &ward.to_string())]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let task = coord.get(&format!("/tasks/{}", first.task_id)).await;
        assert!(task.body.contains("Xã Bắc Hưng"));
        assert!(
            !task
                .body
                .contains("Chưa xác định cơ quan nào cho nhiệm vụ này")
        );
        assert_eq!(
            app.db.task_group_members(first.task_id).await?,
            vec![(group, ward)]
        );
        let rounds = coord.get("/rounds").await;
        assert!(!rounds.body.contains(&link), "named: no longer listed");

        // Open an ad hoc round over the whole plan period: the ward reports on exactly that task.
        let r = coord
            .post(
                "/rounds",
                &[
                    ("plan_id", &app.plan_id.to_string()),
                    ("choice", "adhoc"),
                    ("title", "Báo cáo chuyên đề"),
                    ("window_start", "2025-01-01"),
                    ("window_end", "2026-06-14"),
                    ("deadline", "2026-06-15"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let round: i64 = r
            .location()
            .trim_start_matches("/rounds/")
            .parse()
            .map_err(|_| format!("unexpected redirect {}", r.location()))?;
        let form = app
            .db
            .report_form(round, ward)
            .await?
            .ok_or("the named ward has no report to write")?;
        let tasks: Vec<i64> = form.tasks.iter().map(|t| t.task_id).collect();
        assert_eq!(tasks, vec![first.task_id]);
        // Bodies not named for the other tasks of the group get nothing through it.
        let progress = app.db.round_progress(round).await?;
        assert!(
            !progress.iter().any(|b| b.agency_id == group),
            "a group is not a body"
        );

        // The round page: the Sở's own report apart, missing bodies said plainly.
        let page = coord.get(&format!("/rounds/{round}?show=all")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("id=\"own\""));
        assert!(page.body.contains("Chưa gửi báo cáo"));
        let own_at = page.body.find("id=\"own\"").unwrap_or(0);
        let list_at = page.body.find("id=\"bodies\"").unwrap_or(0);
        assert!(own_at < list_at);
        let listed = &page.body[list_at..];
        assert!(
            !listed.contains(&format!("/rounds/{round}/reports/{}\"", app.justice)),
            "the Sở is not in the counted list"
        );
        assert!(listed.contains(&format!("/rounds/{round}/reports/{ward}\"")));
        Ok(())
    })
}
