//! What a visitor without an account can see: the public pages reveal no sensitive count from 1
//! to 4, directly or by subtraction, and no download is reachable without signing in.

use crate::{Case, Fut, TestApp};
use libtest_mimic::Failed;
use theodoi_domain::indicator::{Aggregation, Dimension, IndicatorDef};
use theodoi_domain::report::{Action, Actor};

pub const CASES: &[(&str, Case)] = &[
    (
        "public_pages_reveal_no_small_count",
        public_pages_reveal_no_small_count,
    ),
    (
        "annex_files_and_missing_bodies",
        annex_files_and_missing_bodies,
    ),
    (
        "public_page_names_the_plan_and_each_leads_status",
        public_page_names_the_plan_and_each_leads_status,
    ),
];

/// Three published indicators whose accepted figures hold small sensitive counts, as
/// (code, name, dimensions, values as (dimension, category, value)).
type Spec = (
    &'static str,
    &'static str,
    &'static [Dimension],
    &'static [(&'static str, &'static str, i64)],
);

const SPECS: [Spec; 3] = [
    // The case: one non-zero religion, 3 people. The total is the count.
    (
        "CK_TON_GIAO",
        "Người được trợ giúp theo tôn giáo",
        &[Dimension::Sex, Dimension::Religion],
        &[
            ("", "", 3),
            ("sex", "nam", 2),
            ("sex", "nu", 1),
            ("religion", "cong_giao", 3),
        ],
    ),
    // Nùng 2 hidden; Kinh would give it away (28 − 20 − 6), so it goes too.
    (
        "CK_DAN_TOC",
        "Người được trợ giúp theo dân tộc",
        &[Dimension::Sex, Dimension::Ethnicity],
        &[
            ("", "", 28),
            ("sex", "nam", 14),
            ("sex", "nu", 14),
            ("ethnicity", "kinh", 6),
            ("ethnicity", "tay", 20),
            ("ethnicity", "nung", 2),
        ],
    ),
    // Three persons with disabilities, counted in two breakdowns.
    (
        "CK_KHUYET_TAT",
        "Người được trợ giúp có khuyết tật",
        &[Dimension::Disability, Dimension::VulnerableGroup],
        &[
            ("", "", 33),
            ("disability", "co", 3),
            ("disability", "khong", 30),
            ("vulnerable_group", "nguoi_khuyet_tat", 3),
            ("vulnerable_group", "tre_em", 7),
        ],
    ),
];

async fn setup(app: &TestApp) -> Result<i64, Failed> {
    for (code, name, dims, _) in SPECS {
        app.db
            .save_indicator(
                &IndicatorDef {
                    code: code.into(),
                    name: name.into(),
                    unit: "người".into(),
                    aggregation: Aggregation::Sum,
                    dimensions: dims.to_vec(),
                    required: false,
                },
                true,
                true,
            )
            .await?;
    }
    let mut coord = app.signed_in("coord").await;
    coord.get("/rounds").await;
    let regime = app
        .db
        .regimes()
        .await?
        .into_iter()
        .find(|r| r.code == "6T")
        .ok_or("no six-monthly regime")?;
    let plan = app.plan_id.to_string();
    let choice = format!("{}:2026-1", regime.id);
    let r = coord
        .post("/rounds", &[("plan_id", &plan), ("choice", &choice)])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let round: i64 = r
        .location()
        .trim_start_matches("/rounds/")
        .parse()
        .map_err(|_| format!("unexpected redirect {}", r.location()))?;
    let form = app
        .db
        .report_form(round, app.justice)
        .await?
        .ok_or("no form")?;
    let mut values = Vec::new();
    for i in form.indicators.iter() {
        if let Some((_, _, _, vals)) = SPECS.iter().find(|s| s.0 == i.code) {
            for (d, c, v) in *vals {
                values.push(theodoi_store::rounds::ValueRow {
                    indicator_id: i.id,
                    dimension: (*d).into(),
                    category: (*c).into(),
                    value: *v,
                });
            }
        } else if i.required {
            values.push(theodoi_store::rounds::ValueRow {
                indicator_id: i.id,
                dimension: String::new(),
                category: String::new(),
                value: 40,
            });
        }
    }
    for code in SPECS.map(|s| s.0) {
        assert!(
            form.indicators.iter().any(|i| i.code == code),
            "{code} is in the round"
        );
    }
    let save = theodoi_store::rounds::SaveReport {
        expected_version: 0,
        tasks: form
            .tasks
            .iter()
            .map(|t| theodoi_store::rounds::TaskEntry {
                task_id: t.task_id,
                status: Some(theodoi_domain::TaskStatus::Done),
                reason: String::new(),
                results: "Đã thực hiện".into(),
            })
            .collect(),
        values,
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
    Ok(round)
}

/// The text of the page's figures section, tags removed and spaces collapsed.
fn figures_text(body: &str) -> String {
    let from = body.find("<h2>").unwrap_or(0);
    let mut out = String::new();
    let mut tag = false;
    for c in body[from..].chars() {
        match c {
            '<' => tag = true,
            '>' => {
                tag = false;
                out.push(' ');
            }
            _ if !tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn public_pages_reveal_no_small_count(app: TestApp) -> Fut {
    Box::pin(async move {
        let round = setup(&app).await?;
        for path in [
            "/public".to_string(),
            format!("/public/plans/{}", app.plan_id),
        ] {
            let page = app.client().get(&path).await;
            assert_eq!(page.status, 200, "{path}: {}", page.body);
            let text = figures_text(&page.body);
            // Religion: the total 3 is the count of Catholics; nothing of it is shown.
            assert!(
                text.contains("Người được trợ giúp theo tôn giáo: không công bố"),
                "{path}: {text}"
            );
            assert!(!text.contains("Công giáo"), "{path}: {text}");
            assert!(!text.contains("Nam 2"), "{path}: sex adds up to the total");
            // Ethnicity: Tày shown, Nùng hidden and Kinh with it; sex is public.
            assert!(
                text.contains("Người được trợ giúp theo dân tộc: 28"),
                "{text}"
            );
            assert!(
                text.contains("Dân tộc: Kinh không công bố; Tày 20; Nùng không công bố"),
                "{text}"
            );
            assert!(text.contains("Giới tính: Nam 14; Nữ 14"), "{text}");
            // Disability: both categories hidden, and the same people among vulnerable groups.
            assert!(
                text.contains(
                    "Khuyết tật: Người khuyết tật không công bố; Không khuyết tật không công bố"
                ),
                "{text}"
            );
            assert!(
                text.contains("Nhóm yếu thế: Trẻ em 7; Người khuyết tật không công bố"),
                "{text}"
            );
            for leak in [
                "Kinh 6",
                "Nùng 2",
                "khuyết tật 3",
                "khuyết tật 30",
                "dưới 5",
            ] {
                assert!(!text.contains(leak), "{path}: {leak:?} in {text}");
            }
        }
        // Every download: none is open without signing in.
        let p = app.plan_id;
        let downloads = [
            format!("/rounds/{round}/annex.xlsx"),
            format!("/rounds/{round}/annex.csv"),
            format!("/rounds/{round}/missing.csv"),
            format!("/rounds/{round}/missing.xlsx"),
            format!("/rounds/{round}/draft.docx"),
            format!("/rounds/{round}/draft.pdf"),
            format!("/rounds/{round}/dashboard"),
            format!("/rounds/{round}"),
            format!("/plans/{p}/dashboard"),
            format!("/plans/{p}/export/tasks/csv"),
            format!("/plans/{p}/export/tasks/xlsx"),
            "/agencies/export/csv".to_string(),
            "/agencies/export/xlsx".to_string(),
        ];
        let lists = ["bodies", "late", "reports"];
        let exports = lists
            .iter()
            .flat_map(|l| ["csv", "xlsx"].map(|f| format!("/rounds/{round}/export/{l}/{f}")));
        for path in downloads.into_iter().chain(exports) {
            let r = app.client().get(&path).await;
            assert!(
                r.status == 303 && r.location() == "/login",
                "{path} without signing in: {} {}",
                r.status,
                r.location()
            );
            assert!(r.bytes.is_empty() || !r.body.contains("22"), "{path}");
        }
        Ok(())
    })
}

/// The coordinator's files of a round: the annex as printable XLSX and as one CSV table, and the
/// bodies still missing in files of their own, linked from the round page.
fn annex_files_and_missing_bodies(app: TestApp) -> Fut {
    Box::pin(async move {
        let round = setup(&app).await?;
        let mut coord = app.signed_in("coord").await;
        let page = coord.get(&format!("/rounds/{round}")).await;
        for link in ["annex.xlsx", "annex.csv", "missing.xlsx", "missing.csv"] {
            assert!(
                page.body.contains(&format!("/rounds/{round}/{link}")),
                "{link} on the round page"
            );
        }
        let csv = coord.get(&format!("/rounds/{round}/annex.csv")).await;
        assert_eq!(csv.status, 200);
        let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
        assert!(
            lines[0].starts_with("Kỳ báo cáo,Mã chỉ tiêu,Chỉ tiêu"),
            "{}",
            lines[0]
        );
        assert_eq!(
            lines.iter().filter(|l| l.contains("Mã chỉ tiêu")).count(),
            1,
            "one header row"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains(",CK_DAN_TOC,") && l.contains(",ethnicity,Dân tộc,tay,Tày,20,")),
            "codes beside names"
        );
        assert!(!csv.body.contains("Chưa có báo cáo được tiếp nhận"));
        let missing = coord.get(&format!("/rounds/{round}/missing.csv")).await;
        assert_eq!(missing.status, 200);
        assert!(
            missing
                .header("content-disposition")
                .is_some_and(|d| d.contains("chua-tiep-nhan")),
            "a file of its own"
        );
        assert!(
            missing.body.contains("Công an thành phố"),
            "{}",
            missing.body
        );
        assert!(
            !missing.body.contains("Sở Tư pháp,"),
            "accepted, so not missing"
        );
        let xlsx = coord.get(&format!("/rounds/{round}/missing.xlsx")).await;
        assert_eq!(xlsx.status, 200);
        assert!(xlsx.bytes.starts_with(b"PK"), "a zip package");
        let annex = coord.get(&format!("/rounds/{round}/annex.xlsx")).await;
        assert_eq!(annex.status, 200);
        assert!(annex.bytes.starts_with(b"PK"));
        Ok(())
    })
}

/// The public page names the plan (kind, number, date, issuer) and links its full text, says
/// when it was last updated, and gives a task's status from each lead where the leads differ;
/// in English every label is English.
fn public_page_names_the_plan_and_each_leads_status(app: TestApp) -> Fut {
    Box::pin(async move {
        let page = app
            .client()
            .get(&format!("/public/plans/{}", app.plan_id))
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.body.contains("Cập nhật lần cuối: "),
            "the plan's import is its last update"
        );
        assert!(
            !page.body.contains("/document\""),
            "no text stored, so no link to it"
        );
        let none = app
            .client()
            .get(&format!("/public/plans/{}/document", app.plan_id))
            .await;
        assert_eq!(none.status, 200);
        assert!(
            none.body
                .contains("Toàn văn của kế hoạch này chưa được lưu")
        );

        let round = setup(&app).await?;
        // Another body leading a task the Sở Tư pháp leads too reports it as in progress.
        let mut shared = None;
        let justice_form = app
            .db
            .report_form(round, app.justice)
            .await?
            .ok_or("no form")?;
        for a in app.db.list_agencies().await? {
            if a.id == app.justice {
                continue;
            }
            let Some(form) = app.db.report_form(round, a.id).await? else {
                continue;
            };
            let found = form.tasks.iter().find(|t| {
                t.role == theodoi_domain::Role::Lead
                    && justice_form
                        .tasks
                        .iter()
                        .any(|j| j.task_id == t.task_id && j.role == theodoi_domain::Role::Lead)
            });
            if let Some(t) = found {
                shared = Some((a.id, a.name.clone(), t.task_id, form));
                break;
            }
        }
        let (other, other_name, task, form) =
            shared.ok_or("the seed plan has a task with two leads")?;
        let save = theodoi_store::rounds::SaveReport {
            expected_version: 0,
            tasks: form
                .tasks
                .iter()
                .map(|t| theodoi_store::rounds::TaskEntry {
                    task_id: t.task_id,
                    status: Some(theodoi_domain::TaskStatus::InProgress),
                    reason: String::new(),
                    results: "Đang triển khai".into(),
                })
                .collect(),
            values: form
                .indicators
                .iter()
                .filter(|i| i.required)
                .map(|i| theodoi_store::rounds::ValueRow {
                    indicator_id: i.id,
                    dimension: String::new(),
                    category: String::new(),
                    value: 40,
                })
                .collect(),
            ..Default::default()
        };
        let now = time::OffsetDateTime::now_utc();
        let v = app
            .db
            .save_report(round, other, &save, None, Actor::FocalPoint, now)
            .await?;
        app.walk_report(
            round,
            other,
            v,
            &[
                (Action::Approve, Actor::AgencyHead),
                (Action::Submit, Actor::FocalPoint),
                (Action::Accept, Actor::Coordinator),
            ],
        )
        .await?;
        // The plan's text, as a publication from the review stores it.
        let plan = app.db.load_plan(app.plan_id).await?;
        let text = include_str!("../../../../seeds/000_b6a757b918caf98d.txt");
        let appendix = include_str!("../../../../seeds/001_5440965c404ba4b8.txt");
        let combined = theodoi_plandoc::combine(vec![
            theodoi_plandoc::parse(text)?,
            theodoi_plandoc::parse(appendix)?,
        ])
        .pop()
        .ok_or("no plan")?;
        let sources = [
            ("ke-hoach.txt".to_string(), text.to_string()),
            ("phu-luc.txt".to_string(), appendix.to_string()),
        ];
        app.db
            .publish_plan(
                &combined.plan,
                theodoi_store::ImportParts {
                    body: true,
                    appendix: true,
                },
                &theodoi_store::Publication {
                    by: None,
                    sources: &sources,
                    links: None,
                },
            )
            .await?;

        let page = app
            .client()
            .get(&format!("/public/plans/{}", app.plan_id))
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        let s = &plan.summary;
        let number = s.number.clone().ok_or("the seed plan has a number")?;
        let d = s.issued_on.ok_or("the seed plan has a date")?;
        let date = format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year());
        assert!(
            page.body
                .contains(&format!("Kế hoạch số {number} ngày {date}")),
            "the plan named: {}",
            page.body
        );
        assert!(page.body.contains("Cập nhật lần cuối: "), "last updated");
        assert!(
            page.body
                .contains(&format!("href=\"/public/plans/{}/document\"", app.plan_id)),
            "the text linked"
        );
        let row = page
            .body
            .split("<tr>")
            .find(|r| {
                plan.tasks
                    .iter()
                    .any(|t| t.id == task && r.contains(&format!("<td>{}</td>", t.reference)))
            })
            .ok_or("the shared task's row")?;
        let justice_name = app
            .db
            .list_agencies()
            .await?
            .into_iter()
            .find(|a| a.id == app.justice)
            .map(|a| a.name)
            .ok_or("no justice")?;
        assert!(
            row.contains(&format!("<strong>Hoàn thành</strong>: {justice_name}"))
                && row.contains(&format!("<strong>Đang triển khai</strong>: {other_name}")),
            "each lead's status: {row}"
        );
        // A task only the Sở Tư pháp leads has one status and no list of bodies.
        let only = justice_form
            .tasks
            .iter()
            .find(|t| {
                t.role == theodoi_domain::Role::Lead
                    && !form.tasks.iter().any(|o| o.task_id == t.task_id)
            })
            .ok_or("a task the Sở Tư pháp leads alone")?;
        let row = page
            .body
            .split("<tr>")
            .find(|r| r.contains(&format!("<td>{}</td>", only.reference)))
            .ok_or("its row")?;
        assert!(row.contains("<td>Hoàn thành</td>"), "{row}");

        let doc = app
            .client()
            .get(&format!("/public/plans/{}/document", app.plan_id))
            .await;
        assert_eq!(doc.status, 200);
        assert!(doc.body.contains(&format!("Kế hoạch số {number}")));
        assert!(
            doc.body.contains("<li>- CT, các PCT UBND thành phố;</li>"),
            "{}",
            doc.body
        );

        // In English: the labels are English.
        let mut en = app.client();
        en.get("/lang/en").await;
        let page = en.get(&format!("/public/plans/{}", app.plan_id)).await;
        assert_eq!(page.status, 200);
        for label in [
            "Progress of the plan",
            "Last updated",
            "In progress",
            "<strong>Done</strong>",
        ] {
            assert!(page.body.contains(label), "{label}: {}", page.body);
        }
        for vi in [
            "Cập nhật lần cuối",
            "Đang triển khai",
            "Giới tính",
            "Dân tộc:",
            "Kế hoạch số",
        ] {
            assert!(!page.body.contains(vi), "{vi} on the English page");
        }
        assert!(page.body.contains("Sex:"), "breakdowns named in English");
        Ok(())
    })
}
