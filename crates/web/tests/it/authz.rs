//! The authorisation matrix: every route × every role, allowed or refused as designed.

use crate::client::Client;
use crate::{Case, Fut, TestApp};

pub const CASES: &[(&str, Case)] = &[("authorisation_matrix", authorisation_matrix)];

const ROLES: [&str; 8] = [
    "anonymous",
    "admin",
    "coord",
    "focal",
    "head",
    "police",
    "inspector",
    "leader",
];

/// Who may: a list of accounts; every other signed-in account gets 403, the anonymous a redirect.
struct Rule {
    method: &'static str,
    path: String,
    fields: Vec<(&'static str, String)>,
    allowed: &'static [&'static str],
}

const SIGNED_IN: &[&str] = &[
    "admin",
    "coord",
    "focal",
    "head",
    "police",
    "inspector",
    "leader",
];

/// `spare`: an account outside the matrix's own (its second factor is reset).
fn rules(app: &TestApp, task: i64, r: i64, spare: i64) -> Vec<Rule> {
    let p = app.plan_id;
    let j = app.justice;
    let post = |path: String,
                fields: Vec<(&'static str, String)>,
                allowed: &'static [&'static str]| Rule {
        method: "POST",
        path,
        fields,
        allowed,
    };
    let get = |path: String, allowed: &'static [&'static str]| Rule {
        method: "GET",
        path,
        fields: Vec::new(),
        allowed,
    };
    vec![
        get("/plans".into(), SIGNED_IN),
        get(format!("/plans/{p}"), SIGNED_IN),
        get(format!("/plans/{p}/matrix"), SIGNED_IN),
        get(format!("/tasks/{task}"), SIGNED_IN),
        get("/agencies".into(), SIGNED_IN),
        // The directory's edit page: the coordinator edits, administrators look.
        get(format!("/agencies/{j}"), &["admin", "coord"]),
        get(
            format!("/agencies/{j}/home"),
            &["admin", "coord", "leader", "focal", "head"],
        ),
        get("/import".into(), &["coord"]),
        get(format!("/plans/{p}/edit"), &["coord"]),
        get(
            format!("/plans/{p}/cascade"),
            &["admin", "coord", "leader", "focal", "head", "police"],
        ),
        get(
            "/escalations".into(),
            &["admin", "coord", "leader", "focal", "head", "police"],
        ),
        get("/account".into(), SIGNED_IN),
        get("/admin/users".into(), &["admin"]),
        get("/admin/policies".into(), &["admin"]),
        get("/admin/audit".into(), &["admin"]),
        get("/settings/report".into(), &["admin", "coord"]),
        // Agency accounts are sent to their home's list of rounds.
        get(
            "/rounds".into(),
            &["admin", "coord", "leader", "focal", "head", "police"],
        ),
        get(format!("/rounds/{r}"), &["admin", "coord", "leader"]),
        get(
            format!("/rounds/{r}/reminders"),
            &["admin", "coord", "leader"],
        ),
        get(
            format!("/rounds/{r}/reports/{j}"),
            &["admin", "coord", "leader", "focal", "head"],
        ),
        get(
            format!("/rounds/{r}/annex.csv"),
            &["admin", "coord", "leader"],
        ),
        get(
            format!("/rounds/{r}/annex.xlsx"),
            &["admin", "coord", "leader"],
        ),
        get(
            format!("/rounds/{r}/missing.csv"),
            &["admin", "coord", "leader"],
        ),
        get(
            format!("/rounds/{r}/missing.xlsx"),
            &["admin", "coord", "leader"],
        ),
        get(
            format!("/rounds/{r}/export/late/csv"),
            &["admin", "coord", "leader"],
        ),
        // The report draft: the coordinator edits, the Sở's head approves, the Sở's accounts,
        // leaders and administrators read; other agencies and inspectors do not.
        get(
            format!("/rounds/{r}/draft"),
            &["admin", "coord", "leader", "focal", "head"],
        ),
        get(
            format!("/rounds/{r}/draft/history?key=intro"),
            &["admin", "coord", "leader", "focal", "head"],
        ),
        get(
            format!("/rounds/{r}/draft.docx"),
            &["admin", "coord", "leader", "focal", "head"],
        ),
        post(
            format!("/rounds/{r}/draft/sections"),
            vec![("do", "save:".into())],
            &["coord"],
        ),
        post(format!("/rounds/{r}/draft/refresh"), Vec::new(), &["coord"]),
        post(
            format!("/rounds/{r}/draft/parts"),
            vec![
                ("version", "0".into()),
                ("superior", "x".into()),
                ("issuer", "x".into()),
                ("place", "x".into()),
                ("signer", "x".into()),
                ("position", "x".into()),
                ("drafting_unit", "x".into()),
            ],
            &["coord"],
        ),
        post(
            format!("/rounds/{r}/draft/approve"),
            vec![("version", "0".into())],
            &["head"],
        ),
        get(format!("/plans/{p}/export/tasks/xlsx"), SIGNED_IN),
        get("/agencies/export/csv".into(), SIGNED_IN),
        get(
            format!("/plans/{p}/dashboard"),
            &["admin", "coord", "leader"],
        ),
        get(
            format!("/rounds/{r}/dashboard"),
            &["admin", "coord", "leader"],
        ),
        get("/regimes".into(), &["admin", "coord", "leader"]),
        get("/indicators".into(), &["admin", "coord", "leader"]),
        get("/notifications".into(), SIGNED_IN),
        post(
            "/rounds".into(),
            vec![
                ("plan_id", p.to_string()),
                ("choice", "adhoc".into()),
                ("title", "Đột xuất".into()),
                ("window_start", "2026-13-01".into()),
            ],
            &["coord"],
        ),
        post(
            format!("/rounds/{r}/reports/{j}"),
            vec![("version", "0".into())],
            &["focal", "head"],
        ),
        post(
            format!("/rounds/{r}/reports/{j}/action"),
            vec![("action", "accept".into()), ("version", "0".into())],
            &["coord", "focal", "head"],
        ),
        post(
            "/regimes".into(),
            vec![
                ("code", "X".into()),
                ("name", "X".into()),
                ("kind", "periodic".into()),
                ("windows", "decree09".into()),
                ("agency_days", "0".into()),
                ("reminder_offsets", "1".into()),
            ],
            &["coord"],
        ),
        post(
            "/indicators".into(),
            vec![("code", "bad code".into()), ("aggregation", "sum".into())],
            &["coord"],
        ),
        post(format!("/agencies/{j}/members"), Vec::new(), &["coord"]),
        post(
            "/account/email".into(),
            vec![("email", String::new())],
            SIGNED_IN,
        ),
        post(
            format!("/tasks/{task}/tags"),
            vec![("tags", "ICCPR Điều 9".into())],
            &["coord"],
        ),
        Rule {
            method: "POST",
            path: "/agencies".into(),
            fields: vec![
                ("name", "Ban thử nghiệm {role}".into()),
                ("kind", "department".into()),
            ],
            allowed: &["coord"],
        },
        Rule {
            method: "POST",
            path: format!("/agencies/{j}"),
            fields: vec![("name", "Sở Tư pháp".into()), ("kind", "department".into())],
            allowed: &["coord"],
        },
        Rule {
            method: "POST",
            path: format!("/tasks/{task}/escalations"),
            fields: vec![
                ("subject", "Vướng mắc thử".into()),
                ("body", "Nội dung".into()),
            ],
            allowed: &["focal", "head", "police"],
        },
        Rule {
            method: "POST",
            path: "/import/publish".into(),
            fields: Vec::new(),
            allowed: &["coord"],
        },
        Rule {
            method: "POST",
            path: "/admin/users".into(),
            fields: vec![
                ("username", "bad name!".into()),
                ("display_name", "x".into()),
                ("role", "leader".into()),
            ],
            allowed: &["admin"],
        },
        Rule {
            method: "POST",
            path: "/settings/report".into(),
            // Too long a place: refused (422) for those allowed, so nothing changes.
            fields: vec![("place", "x".repeat(201))],
            allowed: &["admin", "coord"],
        },
        Rule {
            method: "POST",
            path: "/admin/policies".into(),
            fields: Vec::new(),
            allowed: &["admin"],
        },
        // An account outside the matrix's own, so no session of the matrix ends.
        post(
            format!("/admin/users/{spare}/second-factor/reset"),
            Vec::new(),
            &["admin"],
        ),
    ]
}

fn authorisation_matrix(app: TestApp) -> Fut {
    Box::pin(async move {
        let task = app.task_id("II.1").await;
        let round = app
            .db
            .open_round(
                &theodoi_store::rounds::NewRound::ad_hoc(
                    app.plan_id,
                    "Đợt thử",
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
        // A draft exists from the start, so every reader finds its sections.
        app.db
            .create_draft(
                round,
                &theodoi_store::drafts::FormalParts {
                    superior: "ỦY BAN NHÂN DÂN THÀNH PHỐ".into(),
                    issuer: "SỞ TƯ PHÁP".into(),
                    place: "Hà Nội".into(),
                    ..Default::default()
                },
                &[theodoi_store::drafts::NewSection {
                    key: "intro".into(),
                    heading: String::new(),
                    level: 0,
                    text: "Mở đầu.".into(),
                }],
                None,
                time::OffsetDateTime::now_utc(),
            )
            .await?;
        let spare = app.db.user_by_username("coord2").await?.ok_or("coord2")?.id;
        let rules = rules(&app, task, round, spare);
        let mut failures = Vec::new();
        for role in ROLES {
            let mut c: Client = if role == "anonymous" {
                app.client()
            } else {
                app.signed_in(role).await
            };
            c.get("/account").await;
            for r in &rules {
                let fields: Vec<(String, String)> = r
                    .fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.replace("{role}", role)))
                    .collect();
                let fields: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let resp = if r.method == "GET" {
                    c.get(&r.path).await
                } else {
                    c.post(&r.path, &fields).await
                };
                let allowed = r.allowed.contains(&role);
                let ok = match (role, allowed) {
                    ("anonymous", _) => resp.status == 303 && resp.location() == "/login",
                    (_, true) => matches!(resp.status, 200 | 303 | 422),
                    (_, false) => resp.status == 403,
                };
                if !ok {
                    failures.push(format!(
                        "{role} {} {} → {} (allowed: {allowed})",
                        r.method, r.path, resp.status
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "authorisation matrix:\n{}",
            failures.join("\n")
        );
        Ok(())
    })
}
