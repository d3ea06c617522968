//! The authorisation matrix: every route × every role, allowed or refused as designed.

use crate::client::Client;
use crate::{Case, Fut, TestApp};
use theodoi_web::auth::Role;
use theodoi_web::{Access, RouteSpec, route_table};

pub const CASES: &[(&str, Case)] = &[
    ("authorisation_matrix", authorisation_matrix),
    (
        "hostile_input_never_fails_a_form",
        hostile_input_never_fails_a_form,
    ),
];

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
    /// Sent as multipart (the handlers that take files).
    multipart: bool,
    /// Statuses also accepted from an allowed account (a PDF without LibreOffice: 503).
    also: &'static [u16],
}

/// Every account, the anonymous included: a public route refuses nobody.
const PUBLIC: &[&str] = &[
    "anonymous",
    "admin",
    "coord",
    "focal",
    "head",
    "police",
    "inspector",
    "leader",
];

const SIGNED_IN: &[&str] = &[
    "admin",
    "coord",
    "focal",
    "head",
    "police",
    "inspector",
    "leader",
];

/// Things the matrix reads: a cascade plan, an escalation and an attached file of the Sở Tư pháp.
struct Fixtures {
    task: i64,
    round: i64,
    /// An account outside the matrix's own (its password and second factor are reset, it is
    /// disabled).
    spare: i64,
    cascade: i64,
    escalation: i64,
    file: String,
    /// A document of the register of recommendations.
    rec_source: i64,
    /// Its recommendation.
    rec: i64,
}

fn rules(app: &TestApp, fx: &Fixtures) -> Vec<Rule> {
    let (task, r, spare) = (fx.task, fx.round, fx.spare);
    let p = app.plan_id;
    let j = app.justice;
    let post = |path: String,
                fields: Vec<(&'static str, String)>,
                allowed: &'static [&'static str]| Rule {
        method: "POST",
        path,
        fields,
        allowed,
        multipart: false,
        also: &[],
    };
    let multipart = |path: String,
                     fields: Vec<(&'static str, String)>,
                     allowed: &'static [&'static str]| Rule {
        method: "POST",
        path,
        fields,
        allowed,
        multipart: true,
        also: &[],
    };
    let get = |path: String, allowed: &'static [&'static str]| Rule {
        method: "GET",
        path,
        fields: Vec::new(),
        allowed,
        multipart: false,
        also: &[],
    };
    vec![
        get("/plans".into(), SIGNED_IN),
        get(format!("/plans/{p}"), SIGNED_IN),
        get(format!("/plans/{p}/matrix"), SIGNED_IN),
        get(format!("/plans/{p}/versions/1"), SIGNED_IN),
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
            format!("/rounds/{r}/reports/{j}/form.xlsx"),
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
        // Personal API tokens: every account makes and revokes its own (an unknown id: 404).
        get("/account/tokens".into(), SIGNED_IN),
        post(
            "/account/tokens".into(),
            vec![
                ("name", "thử {role}".into()),
                ("scope", "read".into()),
                ("days", "7".into()),
            ],
            SIGNED_IN,
        ),
        Rule {
            also: &[404],
            ..post("/account/tokens/0/revoke".into(), Vec::new(), SIGNED_IN)
        },
        post(
            format!("/tasks/{task}/tags"),
            vec![("tags", "ICCPR Điều 9".into())],
            &["coord"],
        ),
        post(
            format!("/tasks/{task}/recommendations"),
            vec![("article", "9".into())],
            &["coord"],
        ),
        post(format!("/plans/{p}/tags/resolve"), Vec::new(), &["coord"]),
        Rule {
            method: "POST",
            path: "/agencies".into(),
            fields: vec![
                ("name", "Ban thử nghiệm {role}".into()),
                ("kind", "department".into()),
            ],
            allowed: &["coord"],
            multipart: false,
            also: &[],
        },
        Rule {
            method: "POST",
            path: format!("/agencies/{j}"),
            fields: vec![("name", "Sở Tư pháp".into()), ("kind", "department".into())],
            allowed: &["coord"],
            multipart: false,
            also: &[],
        },
        Rule {
            method: "POST",
            path: format!("/tasks/{task}/escalations"),
            fields: vec![
                ("subject", "Vướng mắc thử".into()),
                ("body", "Nội dung".into()),
            ],
            allowed: &["focal", "head", "police"],
            multipart: false,
            also: &[],
        },
        Rule {
            method: "POST",
            path: "/import/publish".into(),
            fields: Vec::new(),
            allowed: &["coord"],
            multipart: false,
            also: &[],
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
            multipart: false,
            also: &[],
        },
        Rule {
            method: "POST",
            path: "/settings/report".into(),
            // Too long a place: refused (422) for those allowed, so nothing changes.
            fields: vec![("place", "x".repeat(201))],
            allowed: &["admin", "coord"],
            multipart: false,
            also: &[],
        },
        Rule {
            method: "POST",
            path: "/admin/policies".into(),
            fields: Vec::new(),
            allowed: &["admin"],
            multipart: false,
            also: &[],
        },
        // An account outside the matrix's own, so no session of the matrix ends.
        post(
            format!("/admin/users/{spare}/second-factor/reset"),
            Vec::new(),
            &["admin"],
        ),
        post(
            format!("/admin/users/{spare}/reset"),
            Vec::new(),
            &["admin"],
        ),
        post(
            format!("/admin/users/{spare}/disable"),
            Vec::new(),
            &["admin"],
        ),
        // Reachable without an account.
        get("/healthz".into(), PUBLIC),
        get("/static/style.css".into(), PUBLIC),
        get("/static/form.js".into(), PUBLIC),
        get("/static/favicon.svg".into(), PUBLIC),
        get("/lang/vi".into(), PUBLIC),
        get("/login".into(), PUBLIC),
        // The second step of signing in: without a first step, back to the first.
        Rule {
            also: &[303],
            ..get("/login/totp".into(), PUBLIC)
        },
        get("/public".into(), PUBLIC),
        get(format!("/public/plans/{p}"), PUBLIC),
        get(format!("/public/plans/{p}/document"), PUBLIC),
        get("/".into(), SIGNED_IN),
        // Cascade plans: the agencies record their own, the coordinator records for them.
        multipart(
            format!("/plans/{p}/cascade"),
            vec![
                ("number", String::new()),
                ("date", "2026-13-40".into()),
                ("title", String::new()),
                ("agency_id", j.to_string()),
            ],
            &["coord", "focal", "head", "police"],
        ),
        get(
            format!("/cascade/{}/file", fx.cascade),
            &["admin", "coord", "leader", "focal", "head"],
        ),
        get(
            format!("/plans/{p}/cascade/missing/csv"),
            &["admin", "coord", "leader"],
        ),
        post(
            format!("/plans/{p}/cascade/remind"),
            vec![("kind", "nonsense".into())],
            &["coord"],
        ),
        // Links between plans: the coordinator, or the body that issued the plan (not the Sở
        // Tư pháp for the city's plan).
        post(
            format!("/tasks/{task}/links"),
            vec![("parent", "not a task".into())],
            &["coord"],
        ),
        post(
            format!("/tasks/{task}/links/remove"),
            vec![("parent", "not a task".into())],
            &["coord"],
        ),
        // The Sở Tư pháp is no group: 404 once the role is checked.
        Rule {
            also: &[404],
            ..post(
                format!("/tasks/{task}/groups/{j}"),
                vec![("agency", "not a body".into())],
                &["coord"],
            )
        },
        // The same body twice: refused with the reason (422), nothing merged.
        post(
            "/agencies/merge".into(),
            vec![("keep", j.to_string()), ("remove", j.to_string())],
            &["coord"],
        ),
        multipart(
            format!("/rounds/{r}/reports/{j}/files"),
            vec![("task_id", "not a task".into())],
            &["focal", "head"],
        ),
        multipart(
            format!("/rounds/{r}/reports/{j}/form-upload"),
            vec![("version", "0".into())],
            &["focal", "head"],
        ),
        Rule {
            also: &[404],
            ..get(
                format!("/rounds/{r}/reports/{j}/snapshots/1"),
                &["admin", "coord", "leader", "focal", "head"],
            )
        },
        get(
            fx.file.clone(),
            &["admin", "coord", "leader", "focal", "head"],
        ),
        // Without LibreOffice the PDF is a 503 with its reason.
        Rule {
            also: &[503],
            ..get(
                format!("/rounds/{r}/draft.pdf"),
                &["admin", "coord", "leader", "focal", "head"],
            )
        },
        post("/notifications/read".into(), Vec::new(), SIGNED_IN),
        multipart("/import/review".into(), Vec::new(), &["coord"]),
        get("/recommendations".into(), &["admin", "coord", "leader"]),
        // No file: refused on the page (422).
        multipart("/recommendations/review".into(), Vec::new(), &["coord"]),
        // Nothing carried from a review: refused (422), nothing stored.
        post(
            "/recommendations/import".into(),
            vec![("payload", String::new())],
            &["coord"],
        ),
        get(
            format!("/recommendations/{}", fx.rec_source),
            &["admin", "coord", "leader"],
        ),
        get(
            format!("/recommendations/{}/coverage.xlsx", fx.rec_source),
            &["admin", "coord", "leader"],
        ),
        post(
            format!("/recommendations/{}/publish", fx.rec_source),
            vec![("published", "0".into())],
            &["coord"],
        ),
        post(
            format!("/recommendations/{}/recs/{}/no-task", fx.rec_source, fx.rec),
            vec![("reason", "Đã thực hiện".into())],
            &["coord"],
        ),
        get(
            format!("/escalations/{}", fx.escalation),
            &["admin", "coord", "leader", "focal", "head"],
        ),
        // The coordinator answers, the body replies; an empty message is refused (422).
        post(
            format!("/escalations/{}", fx.escalation),
            vec![("kind", "answer".into()), ("body", String::new())],
            &["coord"],
        ),
        post(
            format!("/escalations/{}", fx.escalation),
            vec![("kind", "reply".into()), ("body", String::new())],
            &["focal", "head"],
        ),
        post(
            "/account/password".into(),
            vec![
                ("current", "không phải mật khẩu".into()),
                ("new", "x".into()),
                ("repeat", "y".into()),
            ],
            SIGNED_IN,
        ),
        post(
            "/account/totp".into(),
            vec![("action", "disable".into()), ("password", "sai".into())],
            SIGNED_IN,
        ),
        // A signed-in page's token is not the sign-in form's: refused as a forgery (403).
        Rule {
            also: &[403],
            ..post(
                "/login".into(),
                vec![("username", "khong-co".into()), ("password", "sai".into())],
                PUBLIC,
            )
        },
        Rule {
            also: &[303],
            ..post(
                "/login/totp".into(),
                vec![("code", "000000".into())],
                PUBLIC,
            )
        },
        // Last: they end sessions.
        post("/account/logout-all".into(), Vec::new(), SIGNED_IN),
        Rule {
            also: &[303],
            ..post("/logout".into(), Vec::new(), PUBLIC)
        },
    ]
}

/// The role each test account has (`police` is a focal point of another body).
fn role_of(account: &str) -> Option<Role> {
    Some(match account {
        "admin" => Role::Admin,
        "coord" => Role::Coordinator,
        "focal" | "police" => Role::FocalPoint,
        "head" => Role::AgencyHead,
        "inspector" => Role::Inspector,
        "leader" => Role::Leader,
        _ => return None,
    })
}

/// Does a concrete path (query dropped) match a pattern of the route table?
fn matches(pattern: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    let (p, c): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == c.len()
        && p.iter()
            .zip(&c)
            .all(|(p, c)| (p.starts_with('{') && p.ends_with('}') && !c.is_empty()) || p == c)
}

/// The route of the table a rule exercises: the most literal pattern that matches, as the
/// router chooses.
fn route_of<'a>(table: &'a [RouteSpec], rule: &Rule) -> Option<&'a RouteSpec> {
    table
        .iter()
        .filter(|s| s.method == rule.method && matches(s.path, &rule.path))
        .min_by_key(|s| s.path.matches('{').count())
}

/// Every route of the table has rules, every rule a route, and the accounts a route's rules
/// allow agree with the roles the table gives it.
fn check_table(rules: &[Rule]) -> Vec<String> {
    let table = route_table();
    let mut problems = Vec::new();
    for r in rules {
        if route_of(table, r).is_none() {
            problems.push(format!(
                "no route in route_table() for {} {}",
                r.method, r.path
            ));
        }
    }
    for spec in table {
        let mine: Vec<&Rule> = rules
            .iter()
            .filter(|r| route_of(table, r).is_some_and(|s| std::ptr::eq(s, spec)))
            .collect();
        if mine.is_empty() {
            problems.push(format!(
                "{} {} has no row in the authorisation matrix",
                spec.method, spec.path
            ));
            continue;
        }
        let allowed: Vec<&str> = mine
            .iter()
            .flat_map(|r| r.allowed.iter().copied())
            .collect();
        let agrees = match spec.access {
            Access::Public => allowed.contains(&"anonymous"),
            Access::SignedIn => {
                SIGNED_IN.iter().all(|a| allowed.contains(a)) && !allowed.contains(&"anonymous")
            }
            Access::Roles(roles) => {
                // An allowed account has one of the roles; a role not scoped to an agency is
                // allowed exactly when the table says so (agency roles may be refused another
                // body's things).
                allowed
                    .iter()
                    .all(|a| role_of(a).is_some_and(|role| roles.contains(&role)))
                    && SIGNED_IN.iter().all(|a| {
                        let Some(role) = role_of(a) else { return false };
                        role.is_agency() || roles.contains(&role) == allowed.contains(a)
                    })
            }
        };
        if !agrees {
            problems.push(format!(
                "{} {}: the table says {:?}, the matrix allows {allowed:?}",
                spec.method, spec.path, spec.access
            ));
        }
    }
    problems
}

/// What the matrix and the hostile posts need: a round with a draft, a cascade plan, an escalation
/// and an attached file of the Sở Tư pháp.
async fn fixtures(app: &TestApp) -> Result<Fixtures, libtest_mimic::Failed> {
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
    let focal_id = app.db.user_by_username("focal").await?.ok_or("focal")?.id;
    let now = time::OffsetDateTime::now_utc();
    let cascade = app
        .db
        .record_cascade_plan(
            &theodoi_store::workspace::NewCascadePlan {
                plan_id: app.plan_id,
                agency_id: app.justice,
                number: "12/KH-STP",
                issued_on: time::macros::date!(2026 - 02 - 01),
                title: "Kế hoạch của Sở Tư pháp",
                file: Some(("ke-hoach.txt", "text/plain", "Kế hoạch".as_bytes())),
                recorded_by: focal_id,
            },
            now,
        )
        .await?;
    let escalation = app
        .db
        .raise_escalation(
            &theodoi_store::workspace::NewEscalation {
                task_id: task,
                agency_id: app.justice,
                user_id: focal_id,
                subject: "Vướng mắc",
                body: "Nội dung",
            },
            now,
            false,
        )
        .await?;
    // An attached file, through the report form as the body would.
    let mut focal = app.signed_in("focal").await;
    let report = format!("/rounds/{round}/reports/{}", app.justice);
    focal.get(&report).await;
    let r = focal.post(&report, &[("version", "0")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = focal
        .post_multipart(
            &format!("{report}/files"),
            &[("task_id", "")],
            &[("file", "bien-ban.txt", "Biên bản".as_bytes())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let file = focal
        .get(&report)
        .await
        .body
        .split("href=\"")
        .find_map(|s| s.strip_prefix("/report-files/"))
        .and_then(|s| s.split('"').next())
        .map(|id| format!("/report-files/{id}"))
        .ok_or("no link to the attached file")?;
    let rec_source = app
        .db
        .import_recommendations(
            &theodoi_domain::recommendation::RecSource {
                symbol: "CCPR/C/VNM/CO/4".into(),
                title: String::new(),
                date: None,
                mechanism: theodoi_domain::recommendation::Mechanism::TreatyBody {
                    committee: "CCPR".into(),
                },
                language: "en".into(),
            },
            &[theodoi_domain::recommendation::Recommendation {
                paragraph: 6,
                sub: None,
                theme: "National human rights institution".into(),
                articles: vec![2],
                concern: None,
                text: "Establish a national human rights institution.".into(),
                text_vi: None,
            }],
            None,
            false,
            now,
        )
        .await?
        .source_id;
    let rec = app
        .db
        .recommendations(Some(rec_source))
        .await?
        .first()
        .ok_or("no recommendation")?
        .id;
    let fx = Fixtures {
        task,
        round,
        spare,
        cascade,
        escalation,
        file,
        rec_source,
        rec,
    };
    Ok(fx)
}

fn authorisation_matrix(app: TestApp) -> Fut {
    Box::pin(async move {
        let fx = fixtures(&app).await?;
        let rules = rules(&app, &fx);
        let mut failures = check_table(&rules);
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
                } else if r.multipart {
                    c.post_multipart(&r.path, &fields, &[]).await
                } else {
                    c.post(&r.path, &fields).await
                };
                let allowed = r.allowed.contains(&role);
                let public = r.allowed.contains(&"anonymous");
                let ok = match (role, allowed) {
                    // A public route refuses nobody and sends nobody to sign in (but the sign-in
                    // steps themselves), nor fails.
                    _ if public => {
                        resp.status < 500
                            && (resp.status != 403 || r.also.contains(&403))
                            && (resp.location() != "/login" || r.also.contains(&303))
                    }
                    ("anonymous", _) => resp.status == 303 && resp.location() == "/login",
                    (_, true) => {
                        matches!(resp.status, 200 | 303 | 422) || r.also.contains(&resp.status)
                    }
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

/// Every form of the application posted with what no form should carry — NUL, U+FFFF, a 1 MB
/// string, a right-to-left override — by an account allowed to post it: a 4xx that says what is
/// wrong, never a 5xx. The posts come from the same table of routes as the matrix, so a new form
/// is covered by adding its row.
fn hostile_input_never_fails_a_form(app: TestApp) -> Fut {
    Box::pin(async move {
        let fx = fixtures(&app).await?;
        let rules = rules(&app, &fx);
        let big = "x".repeat(1024 * 1024);
        let payloads: [(&str, &str); 4] = [
            ("NUL", "a\u{0}b"),
            ("U+FFFF", "a\u{FFFF}b"),
            ("1 MB", &big),
            ("RTL override", "\u{202E}fdp.exe"),
        ];
        let mut failures = Vec::new();
        let mut posted = 0;
        for r in rules.iter().filter(|r| r.method == "POST") {
            let Some(role) = r.allowed.iter().find(|a| **a != "anonymous").copied() else {
                continue;
            };
            let mut c = app.signed_in(role).await;
            c.get("/account").await;
            for (what, payload) in &payloads {
                // Every field the form sends, and the ones forms commonly have, carry it.
                let mut fields: Vec<(&str, &str)> =
                    r.fields.iter().map(|(k, _)| (*k, *payload)).collect();
                for k in ["title", "body", "name", "comment", "number", "date", "text"] {
                    if !fields.iter().any(|(f, _)| *f == k) {
                        fields.push((k, payload));
                    }
                }
                let resp = if r.multipart {
                    c.post_multipart(&r.path, &fields, &[]).await
                } else {
                    c.post(&r.path, &fields).await
                };
                posted += 1;
                let said = resp.body.chars().filter(|ch| ch.is_alphabetic()).count() > 20;
                let refused = (400..500).contains(&resp.status);
                if resp.status >= 500 || (refused && !said) || (!r.multipart && !refused) {
                    failures.push(format!(
                        "{role} POST {} with {what} → {} {}",
                        r.path,
                        resp.status,
                        resp.body.chars().take(120).collect::<String>()
                    ));
                }
            }
        }
        assert!(
            posted >= 40,
            "only {posted} posts: the table lost its forms"
        );
        assert!(
            failures.is_empty(),
            "hostile input:\n{}",
            failures.join("\n")
        );
        Ok(())
    })
}
