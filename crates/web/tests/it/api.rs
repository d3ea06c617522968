//! The JSON API (issue 17 item 1): personal tokens made, listed and revoked on the account page;
//! refused tokens answered 401 with a JSON body in the client's language; the pages' scopes; the
//! OpenAPI document closed (`additionalProperties: false`) and the answers matching it.

use crate::client::{Client, Resp};
use crate::{Case, Fut, TestApp};
use serde_json::Value;

pub const CASES: &[(&str, Case)] = &[
    (
        "api_tokens_are_made_listed_and_revoked_by_their_owner",
        api_tokens_are_made_listed_and_revoked_by_their_owner,
    ),
    (
        "api_refuses_missing_garbage_and_expired_tokens_with_json",
        api_refuses_missing_garbage_and_expired_tokens_with_json,
    ),
    (
        "api_scopes_are_the_pages_scopes",
        api_scopes_are_the_pages_scopes,
    ),
    (
        "api_answers_match_the_closed_openapi_document",
        api_answers_match_the_closed_openapi_document,
    ),
    (
        "api_writes_a_bodys_own_report_the_pages_way",
        api_writes_a_bodys_own_report_the_pages_way,
    ),
];

fn json(r: &Resp) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.body))
}

/// The error code of a JSON error answer.
fn code(r: &Resp) -> String {
    json(r)["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// A client that sends `token` as its bearer token (and no cookie).
pub(crate) fn bearer(app: &TestApp, token: &str) -> Client {
    let mut c = app.client();
    c.header("Authorization", &format!("Bearer {token}"));
    c
}

/// A token for `username` made through the store, as `theodoi token create` makes it.
pub(crate) async fn token_for(app: &TestApp, username: &str, scope: &str) -> String {
    let id = app
        .db
        .user_by_username(username)
        .await
        .ok()
        .flatten()
        .map_or(0, |u| u.id);
    theodoi_web::api::tokens::create(
        &app.db,
        id,
        "thử nghiệm",
        scope,
        30,
        time::OffsetDateTime::now_utc(),
    )
    .await
    .map(|(_, t)| t)
    .unwrap_or_else(|e| panic!("token for {username}: {e}"))
}

async fn audited(app: &TestApp, action: &str) -> Vec<theodoi_store::accounts::AuditRow> {
    app.db
        .audit_log(&theodoi_store::accounts::AuditFilter {
            action: action.into(),
            username: String::new(),
            limit: 100,
        })
        .await
        .unwrap_or_default()
}

async fn open_round(app: &TestApp) -> Result<i64, libtest_mimic::Failed> {
    Ok(app
        .db
        .open_round(
            &theodoi_store::rounds::NewRound::ad_hoc(
                app.plan_id,
                "Đợt thử API",
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

fn api_tokens_are_made_listed_and_revoked_by_their_owner(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut focal = app.signed_in("focal").await;
        let page = focal.get("/account/tokens").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Khóa API"), "Vietnamese first");
        // Without the page's CSRF token: refused.
        let csrf = std::mem::take(&mut focal.csrf);
        let r = focal
            .post(
                "/account/tokens",
                &[("name", "e-office"), ("scope", "read"), ("days", "30")],
            )
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        focal.csrf = csrf;
        // A lifetime past the limit: refused with the reason.
        let r = focal
            .post(
                "/account/tokens",
                &[("name", "e-office"), ("scope", "read"), ("days", "5000")],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.contains("Thời hạn phải từ 1 đến 366 ngày"),
            "{}",
            r.body
        );
        let r = focal
            .post(
                "/account/tokens",
                &[("name", "e-office"), ("scope", "read"), ("days", "30")],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let token = r
            .body
            .split("id=\"new-token\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .unwrap_or_default()
            .to_string();
        assert!(token.starts_with("tdi_"), "{}", r.body);
        // Only the hash is stored.
        let rows = app
            .db
            .api_tokens_of(app.db.user_by_username("focal").await?.ok_or("focal")?.id);
        let rows = rows.await?;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].scope, "read");
        let listed = focal.get("/account/tokens").await;
        assert!(listed.body.contains("e-office"));
        assert!(!listed.body.contains(&token), "shown once only");

        let mut api = bearer(&app, &token);
        let r = api.get("/api/v1/plans").await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(json(&r)["items"][0]["id"], app.plan_id);
        assert!(r.header("set-cookie").is_none());
        let used = app.db.api_tokens_of(rows[0].user_id).await?;
        assert!(used[0].last_used_at.is_some(), "its use is noted");

        // Another account cannot revoke it: not found, and it still works.
        let mut police = app.signed_in("police").await;
        police.get("/account/tokens").await;
        let revoke = format!("/account/tokens/{}/revoke", rows[0].id);
        let r = police.post(&revoke, &[]).await;
        assert_eq!(r.status, 404, "{}", r.body);
        assert_eq!(api.get("/api/v1/plans").await.status, 200);
        // Its owner revokes it: the API refuses it from then on, with a JSON body.
        focal.get("/account/tokens").await;
        let r = focal.post(&revoke, &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = api.get("/api/v1/plans").await;
        assert_eq!(r.status, 401, "{}", r.body);
        assert_eq!(code(&r), "token_revoked");
        assert!(
            json(&r)["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("đã bị thu hồi")),
            "{}",
            r.body
        );
        let listed = focal.get("/account/tokens").await;
        assert!(listed.body.contains("Đã thu hồi"), "{}", listed.body);
        // Made, revoked and refused: each in the audit log, never with the token.
        assert_eq!(audited(&app, "api_token_created").await.len(), 1);
        assert_eq!(audited(&app, "api_token_revoked").await.len(), 1);
        let refused = audited(&app, "api_token_refused").await;
        assert!(
            refused
                .iter()
                .any(|a| a.username.as_deref() == Some("focal")
                    && a.detail.as_deref() == Some("token_revoked")),
            "{refused:?}"
        );
        for a in refused {
            assert!(!format!("{a:?}").contains(&token));
        }
        Ok(())
    })
}

fn api_refuses_missing_garbage_and_expired_tokens_with_json(app: TestApp) -> Fut {
    Box::pin(async move {
        // No token at all.
        let r = app.client().get("/api/v1/plans").await;
        assert_eq!(r.status, 401, "{}", r.body);
        assert_eq!(code(&r), "unauthenticated");
        assert!(
            r.header("www-authenticate")
                .is_some_and(|h| h.starts_with("Bearer"))
        );
        assert!(
            r.header("content-type")
                .is_some_and(|h| h.starts_with("application/json"))
        );
        // A session cookie does not open the API.
        let mut coord = app.signed_in("coord").await;
        assert_eq!(coord.get("/api/v1/plans").await.status, 401);
        // Garbage, and a well-formed token nobody was given.
        for garbage in [
            "Bearer nonsense",
            "Basic YWRtaW46YWRtaW4=",
            "Bearer tdi_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ] {
            let mut c = app.client();
            c.header("Authorization", garbage);
            let r = c.get("/api/v1/agencies").await;
            assert_eq!(r.status, 401, "{garbage}: {}", r.body);
            assert_eq!(code(&r), "invalid_token", "{garbage}");
        }
        // An expired token, in English when the client asks for English.
        let (token, hash) = theodoi_web::api::tokens::new_token()?;
        let user = app.db.user_by_username("coord").await?.ok_or("coord")?;
        let now = time::OffsetDateTime::now_utc();
        app.db
            .create_api_token(&theodoi_store::api_tokens::NewApiToken {
                user_id: user.id,
                name: "cũ",
                token_hash: &hash,
                scope: "read",
                created_at: now - time::Duration::days(40),
                expires_at: now - time::Duration::days(10),
            })
            .await?;
        let mut c = bearer(&app, &token);
        let r = c.get("/api/v1/plans").await;
        assert_eq!(r.status, 401);
        assert_eq!(code(&r), "token_expired");
        assert!(
            r.body.contains("đã hết hạn"),
            "Vietnamese by default: {}",
            r.body
        );
        c.header("Accept-Language", "en-US,en;q=0.9,vi;q=0.5");
        let r = c.get("/api/v1/plans").await;
        assert_eq!(code(&r), "token_expired");
        assert!(r.body.contains("has expired"), "{}", r.body);
        // A token of an account that was disabled since.
        let live = token_for(&app, "leader", "read").await;
        let leader = app.db.user_by_username("leader").await?.ok_or("leader")?;
        app.db.set_disabled(leader.id, true).await?;
        let r = bearer(&app, &live).get("/api/v1/plans").await;
        assert_eq!(r.status, 401);
        assert_eq!(code(&r), "account_disabled");
        assert!(audited(&app, "api_token_refused").await.len() >= 5);
        // A token cannot be longer than a year, nor of another scope.
        let r = theodoi_web::api::tokens::create(&app.db, user.id, "x", "read", 400, now).await;
        assert!(r.is_err());
        let r = theodoi_web::api::tokens::create(&app.db, user.id, "x", "admin", 10, now).await;
        assert!(r.is_err());
        Ok(())
    })
}

fn api_scopes_are_the_pages_scopes(app: TestApp) -> Fut {
    Box::pin(async move {
        let round = open_round(&app).await?;
        let (j, p) = (app.justice, app.police);
        let mut focal_page = app.signed_in("focal").await;
        let mut coord_page = app.signed_in("coord").await;
        let mut focal = bearer(&app, &token_for(&app, "focal", "read").await);
        let mut coord = bearer(&app, &token_for(&app, "coord", "read").await);
        let mut inspector = bearer(&app, &token_for(&app, "inspector", "read").await);

        // The body's own report: read as the page reads it.
        let own = format!("/rounds/{round}/reports/{j}");
        assert_eq!(focal_page.get(&own).await.status, 200);
        let r = focal.get(&format!("/api/v1{own}")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let v = json(&r);
        assert_eq!(v["agency_id"], j);
        assert_eq!(v["version"], 0);
        assert!(v["tasks"].as_array().is_some_and(|t| !t.is_empty()));
        // Another body's report: refused to the body as its page refuses it; the coordinator
        // reads both as the pages let them.
        for other in [p] {
            let path = format!("/rounds/{round}/reports/{other}");
            let page = focal_page.get(&path).await.status;
            let r = focal.get(&format!("/api/v1{path}")).await;
            assert_eq!(page, 403);
            assert_eq!(r.status, page, "{}", r.body);
            assert_eq!(code(&r), "forbidden");
            let page = coord_page.get(&path).await.status;
            let r = coord.get(&format!("/api/v1{path}")).await;
            assert_eq!(r.status, page, "{}", r.body);
        }
        assert_eq!(coord.get(&format!("/api/v1{own}")).await.status, 200);
        // The list of reports: every body for the coordinator, its own for a body.
        let mine = json(&focal.get(&format!("/api/v1/rounds/{round}/reports")).await);
        let ids: Vec<i64> = mine["items"]
            .as_array()
            .map(|a| a.iter().filter_map(|i| i["agency_id"].as_i64()).collect())
            .unwrap_or_default();
        assert_eq!(ids, vec![j]);
        let all = json(
            &coord
                .get(&format!("/api/v1/rounds/{round}/reports?limit=1000"))
                .await,
        );
        assert!(all["total"].as_i64().is_some_and(|n| n > 1), "{all}");
        let one = json(
            &coord
                .get(&format!("/api/v1/rounds/{round}/reports?limit=1&offset=1"))
                .await,
        );
        assert_eq!(one["items"].as_array().map(Vec::len), Some(1));
        assert_eq!(one["items"][0]["agency_id"], all["items"][1]["agency_id"]);
        // Completeness and the consolidated figures: those who see every agency, as the
        // round page and the annex.
        for path in [
            format!("/rounds/{round}"),
            format!("/rounds/{round}/figures"),
        ] {
            assert_eq!(focal.get(&format!("/api/v1{path}")).await.status, 403);
            let r = coord.get(&format!("/api/v1{path}")).await;
            assert_eq!(r.status, 200, "{path}: {}", r.body);
        }
        assert_eq!(
            focal_page.get(&format!("/rounds/{round}")).await.status,
            403
        );
        let rounds = json(&focal.get("/api/v1/rounds").await);
        assert_eq!(rounds["items"][0]["id"], round);
        assert_eq!(inspector.get("/api/v1/rounds").await.status, 403);
        assert_eq!(inspector.get("/api/v1/plans").await.status, 200);
        // Bad input: JSON answers, never axum's plain text.
        for (path, status) in [
            ("/api/v1/plans/abc".to_string(), 400),
            ("/api/v1/plans/999999".to_string(), 404),
            (format!("/api/v1/rounds/{round}/reports/x"), 400),
            ("/api/v1/rounds/999999/figures".to_string(), 404),
            ("/api/v1/plans?limit=0".to_string(), 400),
            ("/api/v1/plans?limit=abc".to_string(), 400),
            ("/api/v1/agencies?offset=-1".to_string(), 400),
            ("/api/v1/no-such-thing".to_string(), 404),
        ] {
            let r = coord.get(&path).await;
            assert_eq!(r.status, status, "{path}: {}", r.body);
            assert!(!code(&r).is_empty(), "{path}: {}", r.body);
        }
        Ok(())
    })
}

/// Follow a `$ref` of the document.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => r
            .strip_prefix("#/")
            .map(|p| p.split('/').fold(doc, |v, k| &v[k]))
            .unwrap_or(&Value::Null),
        None => schema,
    }
}

/// Check `value` against `schema`: types, required keys, no key the schema does not name.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(alternatives) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
        let fits = alternatives.iter().any(|s| {
            let mut p = Vec::new();
            check(doc, s, value, at, &mut p);
            p.is_empty()
        });
        if !fits {
            problems.push(format!("{at}: {value} fits no alternative"));
        }
        return;
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let fits = |t: &str| match t {
        "null" => value.is_null(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    };
    if !types.is_empty() && !types.iter().any(|t| fits(t)) {
        problems.push(format!("{at}: {value} is not {types:?}"));
        return;
    }
    if let Some(obj) = value.as_object() {
        let props = schema["properties"].as_object();
        for key in obj.keys() {
            if props.is_none_or(|p| !p.contains_key(key)) {
                problems.push(format!("{at}.{key}: not in the schema"));
            }
        }
        for req in schema["required"].as_array().into_iter().flatten() {
            if let Some(req) = req.as_str()
                && !obj.contains_key(req)
            {
                problems.push(format!("{at}.{req}: required but missing"));
            }
        }
        for (key, v) in obj {
            if let Some(s) = props.and_then(|p| p.get(key)) {
                check(doc, s, v, &format!("{at}.{key}"), problems);
            }
        }
    }
    if let Some(items) = value.as_array() {
        for (i, v) in items.iter().enumerate() {
            check(doc, &schema["items"], v, &format!("{at}[{i}]"), problems);
        }
    }
}

fn api_answers_match_the_closed_openapi_document(app: TestApp) -> Fut {
    Box::pin(async move {
        let round = open_round(&app).await?;
        // Figures to add up: a counted body's report (the Sở's own is not counted), every
        // figure 7, saved through the store's checks and accepted.
        use theodoi_domain::report::{Action, Actor, TaskStatus};
        use theodoi_store::rounds::{SaveReport, TaskEntry, ValueRow};
        let form = app
            .db
            .report_form(round, app.police)
            .await?
            .ok_or("no form for the police")?;
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
        let v = app
            .db
            .save_report(
                round,
                app.police,
                &save,
                None,
                Actor::FocalPoint,
                time::OffsetDateTime::now_utc(),
            )
            .await?;
        app.walk_report(
            round,
            app.police,
            v,
            &[
                (Action::Approve, Actor::AgencyHead),
                (Action::Submit, Actor::FocalPoint),
                (Action::Accept, Actor::Coordinator),
            ],
        )
        .await?;

        let r = app.client().get("/api/v1/openapi.json").await;
        assert_eq!(r.status, 200);
        let doc = json(&r);
        assert!(
            doc["openapi"]
                .as_str()
                .is_some_and(|v| v.starts_with("3.1")),
            "{}",
            doc["openapi"]
        );
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        let schemas = doc["components"]["schemas"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        for (name, s) in &schemas {
            if s["type"] == "object" {
                assert_eq!(s["additionalProperties"], false, "{name} is not closed");
                assert!(s["required"].is_array(), "{name} lists no required fields");
            }
        }
        for name in [
            "PlanList",
            "PlanDetail",
            "RoundFigures",
            "ReportDetail",
            "ErrorBody",
        ] {
            assert!(schemas.contains_key(name), "{name} missing");
        }
        let paths = doc["paths"].as_object().cloned().unwrap_or_default();
        assert!(paths.len() >= 8, "{paths:?}");
        // Every reference resolves (an enum used only as a parameter must be listed too).
        fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    for (k, x) in m {
                        match (k.as_str(), x.as_str()) {
                            ("$ref", Some(r)) => out.push(r.to_string()),
                            _ => refs(x, out),
                        }
                    }
                }
                serde_json::Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
                _ => {}
            }
        }
        let mut all = Vec::new();
        refs(&doc, &mut all);
        for r in &all {
            let name = r.trim_start_matches("#/components/schemas/");
            assert!(schemas.contains_key(name), "unresolvable reference {r}");
        }

        let mut coord = bearer(&app, &token_for(&app, "coord", "read").await);
        let j = app.police;
        let p = app.plan_id;
        let mut problems = Vec::new();
        for (template, concrete) in [
            ("/api/v1/plans", "/api/v1/plans".to_string()),
            ("/api/v1/plans/{id}", format!("/api/v1/plans/{p}")),
            ("/api/v1/agencies", "/api/v1/agencies?limit=5".to_string()),
            ("/api/v1/rounds", "/api/v1/rounds".to_string()),
            ("/api/v1/rounds/{id}", format!("/api/v1/rounds/{round}")),
            (
                "/api/v1/rounds/{id}/reports",
                format!("/api/v1/rounds/{round}/reports"),
            ),
            (
                "/api/v1/rounds/{id}/reports/{agency_id}",
                format!("/api/v1/rounds/{round}/reports/{j}"),
            ),
            (
                "/api/v1/rounds/{id}/figures",
                format!("/api/v1/rounds/{round}/figures"),
            ),
            ("/api/v1/plans/{id}", "/api/v1/plans/999999".to_string()),
        ] {
            let r = coord.get(&concrete).await;
            let status = r.status.to_string();
            let op = &paths[template]["get"];
            assert!(op.is_object(), "{template} not in the document");
            assert!(
                op["responses"][&status].is_object(),
                "{concrete}: status {status} not declared"
            );
            let schema = &op["responses"][&status]["content"]["application/json"]["schema"];
            check(&doc, schema, &json(&r), &concrete, &mut problems);
        }
        // The figures really add up the accepted report.
        let figures = json(&coord.get(&format!("/api/v1/rounds/{round}/figures")).await);
        assert_eq!(figures["accepted"], 1, "{figures}");
        assert_eq!(figures["indicators"][0]["total"], 7.0, "{figures}");
        // Kept sums follow the accepted reports: reopened, the report no longer counts.
        app.db
            .act_on_report(
                round,
                app.police,
                &theodoi_store::rounds::ReportAction {
                    action: Action::Reopen,
                    actor: Actor::Coordinator,
                    expected_version: v + 3,
                    comment: "Số liệu cần sửa",
                    user_id: None,
                    email: false,
                },
                time::OffsetDateTime::now_utc(),
            )
            .await?;
        let figures = json(&coord.get(&format!("/api/v1/rounds/{round}/figures")).await);
        assert_eq!(figures["accepted"], 0, "{figures}");
        assert_ne!(figures["indicators"][0]["total"], 7.0, "{figures}");
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        Ok(())
    })
}

/// JSON sent with `method` to `path`.
async fn send(c: &mut Client, method: &str, path: &str, body: &str) -> Resp {
    c.request(method, path, Some("application/json"), body.as_bytes())
        .await
}

/// A body's report written through the API the pages' way: only its own focal point or head
/// with a write token; each entry checked as the form checks it, nothing written when one is
/// refused, in the language asked for; the version guards against a stale write; the workflow's
/// steps (approve, submit, accept) with the pages' refusals; every save audited.
fn api_writes_a_bodys_own_report_the_pages_way(app: TestApp) -> Fut {
    Box::pin(async move {
        let round = open_round(&app).await?;
        let path = format!("/api/v1/rounds/{round}/reports/{}", app.justice);
        let steps = format!("{path}/actions");
        let mut focal = bearer(&app, &token_for(&app, "focal", "write").await);
        let mut reader = bearer(&app, &token_for(&app, "focal", "read").await);
        let mut head = bearer(&app, &token_for(&app, "head", "write").await);
        let mut police = bearer(&app, &token_for(&app, "police", "write").await);
        let mut coord = bearer(&app, &token_for(&app, "coord", "write").await);
        let r = focal.get(&path).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let before = json(&r);
        assert_eq!(before["version"], 0);
        let task = before["tasks"][0]["task_id"].as_i64().ok_or("a task")?;
        let good = format!(
            r#"{{"version":0,"tasks":[{{"task_id":{task},"status":"done","results":"Đã tổ chức 12 hội nghị phổ biến Công ước cho 1.250 lượt người."}}],"values":[{{"indicator_code":"TGPL_VU_VIEC","value":40}}],"difficulties":"Kinh phí còn hạn chế."}}"#
        );
        // A read token, another body's token, the coordinator (who does not fill in a body's
        // report): refused, nothing written.
        let r = send(&mut reader, "PATCH", &path, &good).await;
        assert_eq!((r.status, code(&r).as_str()), (403, "insufficient_scope"));
        let r = send(&mut police, "PATCH", &path, &good).await;
        assert_eq!(r.status, 403, "{}", r.body);
        let r = send(&mut coord, "PATCH", &path, &good).await;
        assert_eq!(r.status, 403, "{}", r.body);
        // Not done without a reason, an indicator the round does not ask, a breakdown it does not
        // have: every reason at once, as the page words them; nothing written.
        let bad = format!(
            r#"{{"version":0,"tasks":[{{"task_id":{task},"status":"not_done"}}],"values":[{{"indicator_code":"TGPL_VU_VIEC","value":40}},{{"indicator_code":"KHONG_CO","value":1}},{{"indicator_code":"TGPL_VU_VIEC","dimension":"sex","category":"x","value":1}}]}}"#
        );
        let r = send(&mut focal, "PATCH", &path, &bad).await;
        assert_eq!(
            (r.status, code(&r).as_str()),
            (422, "unprocessable"),
            "{}",
            r.body
        );
        let message = json(&r)["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        for needle in [
            "Chọn «Không thực hiện» thì cần ghi lý do.",
            "Chỉ tiêu \u{201C}KHONG_CO\u{201D} không được hỏi trong đợt này.",
            "không có phân tổ \u{201C}sex\u{201D} / \u{201C}x\u{201D}",
        ] {
            assert!(message.contains(needle), "{needle} in {message}");
        }
        assert_eq!(
            json(&focal.get(&path).await)["version"],
            0,
            "nothing written"
        );
        let mut english = bearer(&app, &token_for(&app, "focal", "write").await);
        english.header("Accept-Language", "en");
        let r = send(&mut english, "PATCH", &path, &bad).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("“Not done” needs a reason."), "{}", r.body);
        let r = send(&mut focal, "PATCH", &path, "{\"version\":0,\"colour\":1}").await;
        assert_eq!(
            (r.status, code(&r).as_str()),
            (400, "bad_request"),
            "{}",
            r.body
        );
        // Saved: the answer is the report as stored.
        let r = send(&mut focal, "PATCH", &path, &good).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let saved = json(&r);
        assert_eq!(saved["version"], 1);
        assert_eq!(saved["status"], "draft");
        assert_eq!(saved["difficulties"], "Kinh phí còn hạn chế.");
        assert_eq!(saved["tasks"][0]["status"], "done");
        let values = saved["values"].as_array().cloned().unwrap_or_default();
        assert!(
            values
                .iter()
                .any(|v| v["indicator_code"] == "TGPL_VU_VIEC" && v["value"] == 40),
            "{values:?}"
        );
        // What was left out is kept: only the proposals change.
        let r = send(
            &mut focal,
            "PATCH",
            &path,
            r#"{"version":1,"proposals":"Đề nghị bổ sung kinh phí."}"#,
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(json(&r)["version"], 2);
        assert_eq!(json(&r)["difficulties"], "Kinh phí còn hạn chế.");
        assert_eq!(json(&r)["tasks"][0]["status"], "done");
        // A write over a newer save: refused as a conflict naming the version now, before its
        // entries are looked at.
        let r = send(&mut focal, "PATCH", &path, &good).await;
        assert_eq!(
            (r.status, code(&r).as_str()),
            (409, "version_conflict"),
            "{}",
            r.body
        );
        assert!(r.body.contains("phiên bản hiện tại là 2"), "{}", r.body);
        // A cell sent twice: refused, not the last one winning.
        let twice = r#"{"version":2,"values":[{"indicator_code":"TGPL_VU_VIEC","value":1},{"indicator_code":"TGPL_VU_VIEC","value":2}]}"#;
        let r = send(&mut focal, "PATCH", &path, twice).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("được gửi hai lần"), "{}", r.body);
        assert_eq!(json(&focal.get(&path).await)["version"], 2);
        // The workflow: a draft is not submitted; an incomplete one is not approved, with
        // what is missing; once complete (every task's status, every required indicator's
        // total, as the report lists them) the head approves, then an edit needs the approval
        // voided; the focal point submits; the coordinator accepts.
        let r = send(
            &mut focal,
            "POST",
            &steps,
            r#"{"action":"submit","version":2}"#,
        )
        .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("không thể"), "{}", r.body);
        let r = send(
            &mut focal,
            "POST",
            &steps,
            r#"{"action":"approve","version":2}"#,
        )
        .await;
        assert_eq!(r.status, 403, "only the head approves: {}", r.body);
        assert!(r.body.contains("chỉ lãnh đạo duyệt"), "{}", r.body);
        let r = send(
            &mut head,
            "POST",
            &steps,
            r#"{"action":"approve","version":2}"#,
        )
        .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.contains("chưa chọn tình hình thực hiện"),
            "{}",
            r.body
        );
        let current = json(&focal.get(&path).await);
        let tasks: Vec<String> = current["tasks"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|t| format!(r#"{{"task_id":{},"status":"in_progress"}}"#, t["task_id"]))
            .collect();
        let values: Vec<String> = current["indicators"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter(|i| i["required"] == true && i["code"] != "TGPL_VU_VIEC")
            .map(|i| format!(r#"{{"indicator_code":{},"value":3}}"#, i["code"]))
            .collect();
        assert!(!values.is_empty(), "the round asks required indicators");
        let complete = format!(
            r#"{{"version":2,"tasks":[{}],"values":[{}]}}"#,
            tasks.join(","),
            values.join(",")
        );
        let r = send(&mut focal, "PATCH", &path, &complete).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(json(&r)["version"], 3);
        let r = send(
            &mut head,
            "POST",
            &steps,
            r#"{"action":"approve","version":3}"#,
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let approved = json(&r);
        assert_eq!(approved["status"], "approved");
        let v = approved["version"].as_i64().ok_or("a version")?;
        let edit = format!(r#"{{"version":{v},"proposals":"Đề nghị tập huấn thêm."}}"#);
        let r = send(&mut focal, "PATCH", &path, &edit).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("void_approval"), "{}", r.body);
        assert_eq!(json(&focal.get(&path).await)["status"], "approved");
        let r = send(
            &mut focal,
            "POST",
            &steps,
            &format!(r#"{{"action":"submit","version":{v}}}"#),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let submitted = json(&r);
        assert_eq!(submitted["status"], "submitted");
        let v = submitted["version"].as_i64().ok_or("a version")?;
        let r = send(
            &mut reader,
            "POST",
            &steps,
            &format!(r#"{{"action":"accept","version":{v}}}"#),
        )
        .await;
        assert_eq!(r.status, 403, "{}", r.body);
        let r = send(
            &mut coord,
            "POST",
            &steps,
            &format!(r#"{{"action":"accept","version":{v}}}"#),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(json(&r)["status"], "accepted");
        // The coordinator reopens with a reason; the body's script reads it in the history.
        let v = json(&r)["version"].as_i64().ok_or("a version")?;
        let reopen = format!(
            r#"{{"action":"reopen","version":{v},"comment":"Đề nghị bổ sung số liệu theo giới tính."}}"#
        );
        let r = send(&mut coord, "POST", &steps, &reopen).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let reopened = json(&r);
        assert_eq!(reopened["status"], "returned");
        let events = reopened["events"].as_array().cloned().unwrap_or_default();
        let last = events.last().ok_or("a history")?;
        assert_eq!(last["action"], "reopen");
        assert_eq!(last["comment"], "Đề nghị bổ sung số liệu theo giới tính.");
        let saves = audited(&app, "report_saved").await;
        assert_eq!(
            saves
                .iter()
                .filter(|a| a
                    .detail
                    .as_deref()
                    .is_some_and(|d| d.contains("through the API")))
                .count(),
            3,
            "{saves:?}"
        );
        let accepted = audited(&app, "report_accept").await;
        assert_eq!(accepted.len(), 1);
        assert_eq!(
            accepted[0].detail.as_deref(),
            Some("accepted, through the API")
        );
        Ok(())
    })
}
