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
    for (i, (action, actor)) in [
        (Action::Approve, Actor::AgencyHead),
        (Action::Submit, Actor::FocalPoint),
        (Action::Accept, Actor::Coordinator),
    ]
    .into_iter()
    .enumerate()
    {
        app.db
            .act_on_report(
                round,
                app.justice,
                &theodoi_store::rounds::ReportAction {
                    action,
                    actor,
                    expected_version: v + i32::try_from(i)?,
                    comment: "",
                    user_id: None,
                    email: false,
                },
                now,
            )
            .await?;
    }
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
