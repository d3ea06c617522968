//! Data exchange through the API (issue 17 item 2): a body's write token imports its own values
//! (a dry run writes nothing, another body's row is refused 422 with the reason, a read token is
//! refused 403), and the coordinator exports them by code.

use crate::api::{bearer, token_for};
use crate::{Case, Fut, TestApp};
use serde_json::Value;

pub const CASES: &[(&str, Case)] = &[(
    "api_data_import_and_export_by_code",
    api_data_import_and_export_by_code,
)];

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

fn api_data_import_and_export_by_code(app: TestApp) -> Fut {
    Box::pin(async move {
        let round = app
            .db
            .open_round(
                &theodoi_store::rounds::NewRound {
                    kind: "periodic",
                    label: "6 tháng đầu năm 2026",
                    period: Some((time::macros::date!(2026 - 01 - 01), 6)),
                    ..theodoi_store::rounds::NewRound::ad_hoc(
                        app.plan_id,
                        "Báo cáo 6 tháng",
                        theodoi_domain::DateRange {
                            start: time::macros::date!(2025 - 12 - 15),
                            end: time::macros::date!(2026 - 06 - 14),
                        },
                        time::macros::date!(2026 - 06 - 20),
                    )
                },
                time::OffsetDateTime::now_utc(),
            )
            .await?
            .id;
        let codes = app.db.list_agencies().await?;
        let code = |id: i64| {
            codes
                .iter()
                .find(|a| a.id == id)
                .map(|a| a.code.clone())
                .unwrap_or_default()
        };
        let (justice, police) = (code(app.justice), code(app.police));
        let doc = |body: &str, value: i64| {
            format!(
                r#"{{"dataValues":[{{"indicator":"TGPL_VU_VIEC","body":"{body}","period":"2026-01-01/P6M","value":{value}}}]}}"#
            )
        };
        let write = token_for(&app, "focal", "write").await;
        let mut focal = bearer(&app, &write);

        // A dry run says what it would do and writes nothing.
        let r = focal
            .request(
                "POST",
                "/api/v1/data/import?dry_run=true",
                Some("application/json"),
                doc(&justice, 12).as_bytes(),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let v = json(&r.body);
        assert_eq!(v["rows"][0]["outcome"], "created", "{v}");
        assert_eq!(v["written"], false);
        let form = app.db.report_form(round, app.justice).await?;
        assert!(form.is_none_or(|f| f.values.is_empty()));

        let r = focal
            .request(
                "POST",
                "/api/v1/data/import",
                Some("application/json"),
                doc(&justice, 12).as_bytes(),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(json(&r.body)["created"], 1, "{}", r.body);
        let form = app
            .db
            .report_form(round, app.justice)
            .await?
            .unwrap_or_else(|| panic!("no form"));
        assert!(form.values.iter().any(|x| x.value == 12));
        assert_eq!(form.report.map(|r| r.status).as_deref(), Some("draft"));

        // Another body's row: 422, the reason in the language asked for, nothing written.
        let mut en = bearer(&app, &write);
        en.header("Accept-Language", "en");
        let r = en
            .request(
                "POST",
                "/api/v1/data/import",
                Some("application/json"),
                doc(&police, 3).as_bytes(),
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        let v = json(&r.body);
        assert!(
            v["rows"][0]["reason"]
                .as_str()
                .unwrap_or_default()
                .contains("only its own"),
            "{v}"
        );
        assert!(
            app.db
                .report_form(round, app.police)
                .await?
                .is_none_or(|f| f.values.is_empty())
        );

        // A read token may not import.
        let read = token_for(&app, "focal", "read").await;
        let r = bearer(&app, &read)
            .request(
                "POST",
                "/api/v1/data/import",
                Some("application/json"),
                doc(&justice, 13).as_bytes(),
            )
            .await;
        assert_eq!(r.status, 403, "{}", r.body);

        // The coordinator exports the draft's value with --all's query flag; CSV too.
        let coord = token_for(&app, "coord", "read").await;
        let mut c = bearer(&app, &coord);
        let r = c
            .get(&format!("/api/v1/data/export?round={round}&all=true"))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let v = json(&r.body);
        assert_eq!(v["dataValues"][0]["value"], 12, "{v}");
        assert_eq!(v["dataValues"][0]["body"], justice.as_str());
        let r = c.get(&format!("/api/v1/data/export?round={round}")).await;
        assert_eq!(
            json(&r.body)["dataValues"],
            Value::Array(vec![]),
            "accepted only"
        );
        let r = c
            .get(&format!(
                "/api/v1/data/export?round={round}&all=true&format=csv"
            ))
            .await;
        assert!(
            r.body
                .starts_with("indicator,dimension,category,body,period,plan,value\n")
        );
        assert!(
            r.body
                .contains(&format!("TGPL_VU_VIEC,,,{justice},2026-01-01/P6M")),
            "{}",
            r.body
        );
        Ok(())
    })
}
