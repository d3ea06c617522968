//! Reporting rounds over HTTP: opening a round, the report form and its workflow, refusals, and
//! reminders in the app and through a real SMTP server.

use crate::client::Client;
use crate::{Case, Fut, TestApp};
use libtest_mimic::Failed;
use time::macros::date;

pub const CASES: &[(&str, Case)] = &[
    ("round_report_workflow", round_report_workflow),
    (
        "report_refusals_keep_what_was_typed",
        report_refusals_keep_what_was_typed,
    ),
    ("two_editors_do_not_overwrite", two_editors_do_not_overwrite),
    (
        "implausible_figures_are_saved_with_a_warning",
        implausible_figures_are_saved_with_a_warning,
    ),
    (
        "regimes_and_indicators_as_data",
        regimes_and_indicators_as_data,
    ),
    ("lists_export_safely", lists_export_safely),
    (
        "public_page_hides_small_cells",
        public_page_hides_small_cells,
    ),
];

/// Open the first half of 2026 through the page, as the coordinator; returns the round's id.
pub(crate) async fn open_h1(app: &TestApp, coord: &mut Client) -> Result<i64, Failed> {
    let page = coord.get("/rounds").await;
    assert_eq!(page.status, 200);
    // The period starts on the current or next one, never on last year's first period.
    let select = page
        .body
        .split("<select name=\"choice\"")
        .nth(1)
        .and_then(|s| s.split("</select>").next())
        .ok_or("no period select")?;
    assert_eq!(select.matches(" selected>").count(), 1, "{select}");
    let first = select.split("<option").nth(1).unwrap_or_default();
    assert!(!first.contains(" selected>"), "{select}");
    open_half_year(app, coord, 1).await
}

/// Open half-year `half` (1 or 2) of 2026 of the seed plan, as the coordinator; returns its id.
pub(crate) async fn open_half_year(
    app: &TestApp,
    coord: &mut Client,
    half: u8,
) -> Result<i64, Failed> {
    let regime = app
        .db
        .regimes()
        .await?
        .into_iter()
        .find(|r| r.code == "6T")
        .ok_or("no six-monthly regime")?;
    let plan = app.plan_id.to_string();
    let choice = format!("{}:2026-{half}", regime.id);
    let r = coord
        .post("/rounds", &[("plan_id", &plan), ("choice", &choice)])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let id: i64 = r
        .location()
        .trim_start_matches("/rounds/")
        .parse()
        .map_err(|_| format!("unexpected redirect {}", r.location()))?;
    Ok(id)
}

/// Form fields that complete the Sở Tư pháp's report: every task done, every required indicator
/// with a total and its sex breakdown.
pub(crate) async fn complete_fields(
    app: &TestApp,
    round: i64,
    total: i64,
) -> Result<Vec<(String, String)>, Failed> {
    let form = app
        .db
        .report_form(round, app.justice)
        .await?
        .ok_or("no form")?;
    let mut f: Vec<(String, String)> = Vec::new();
    for t in &form.tasks {
        f.push((format!("t{}_status", t.task_id), "in_progress".into()));
        f.push((
            format!("t{}_results", t.task_id),
            format!("Kết quả {}: đã tổ chức hội nghị", t.reference),
        ));
    }
    for i in form.indicators.iter().filter(|i| i.required) {
        f.push((format!("v{}", i.id), total.to_string()));
        let dims = i.dims();
        if dims.contains(&theodoi_domain::Dimension::Sex) {
            f.push((format!("v{}_sex_nam", i.id), (total / 2).to_string()));
            f.push((format!("v{}_sex_nu", i.id), (total - total / 2).to_string()));
        }
    }
    Ok(f)
}

pub(crate) fn refs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn round_report_workflow(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut coord = app.signed_in("coord").await;
        let round = open_h1(&app, &mut coord).await?;
        let page = coord.get(&format!("/rounds/{round}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("6 tháng đầu năm 2026"));
        assert!(
            page.body.contains("15/06/2026"),
            "the agencies' deadline: Monday after the cut-off"
        );
        assert!(page.body.contains("Sở Tư pháp"), "not yet submitted");

        // The focal point sees the round on the agency's home and fills in the form.
        let mut focal = app.signed_in("focal").await;
        let home = focal.get(&format!("/agencies/{}/home", app.justice)).await;
        assert!(
            home.body
                .contains(&format!("/rounds/{round}/reports/{}", app.justice))
        );
        let path = format!("/rounds/{round}/reports/{}", app.justice);
        let form = focal.get(&path).await;
        assert_eq!(form.status, 200);
        // Indicators by their names; their codes stay in exports' code columns.
        assert!(
            form.body
                .contains("Lượt người tham dự tuyên truyền, phổ biến")
                && form.body.contains("Kinh / dân tộc thiểu số")
        );
        assert!(
            !form.body.contains("TT_NGUOI"),
            "no indicator code on the form"
        );
        let mut fields = complete_fields(&app, round, 40).await?;
        fields.push(("version".into(), "0".into()));
        fields.push(("difficulties".into(), "Kinh phí hạn chế <b>".into()));
        // Saved and put to the head: the head hears of it, the home says whom it waits for.
        fields.push(("ask".into(), "1".into()));
        let r = focal.post(&path, &refs(&fields)).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(r.location().ends_with("?saved=2"), "{}", r.location());
        let home = focal.get(&format!("/agencies/{}/home", app.justice)).await;
        assert!(home.body.contains("Chờ lãnh đạo duyệt"), "{}", home.body);
        let form = focal.get(&path).await;
        assert!(
            form.body.contains("Kinh phí hạn chế &") && !form.body.contains("hạn chế <b>"),
            "prose is escaped"
        );
        // Evidence: attached to the draft, read by the body, not by another body.
        let r = focal
            .post_multipart(
                &format!("{path}/files"),
                &[("task_id", "")],
                &[(
                    "file",
                    "bien-ban-hoi-nghi.txt",
                    "Biên bản hội nghị".as_bytes(),
                )],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = focal.get(&path).await;
        let link = page
            .body
            .split("href=\"")
            .find_map(|s| s.strip_prefix("/report-files/"))
            .and_then(|s| s.split('"').next())
            .map(|id| format!("/report-files/{id}"))
            .ok_or("no link to the attached file")?;
        let file = focal.get(&link).await;
        assert_eq!(file.status, 200);
        assert_eq!(file.body, "Biên bản hội nghị");
        assert_eq!(
            file.header("content-type"),
            Some("application/octet-stream")
        );
        let mut other = app.signed_in("police").await;
        assert_eq!(other.get(&link).await.status, 403);
        // The focal point cannot approve; the head can; the focal point then submits.
        let act = |action: &'static str, version: &'static str| {
            vec![("action", action), ("version", version)]
        };
        let r = focal
            .post(&format!("{path}/action"), &act("approve", "1"))
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        let mut head = app.signed_in("head").await;
        let inbox = head.get("/notifications").await;
        assert!(
            inbox.body.contains("chờ lãnh đạo duyệt")
                && inbox.body.contains(&format!("href=\"{path}\"")),
            "{}",
            inbox.body
        );
        head.get(&path).await;
        let r = head
            .post(&format!("{path}/action"), &act("approve", "1"))
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let inbox = focal.get("/notifications").await;
        assert!(
            inbox.body.contains("đã được lãnh đạo duyệt"),
            "{}",
            inbox.body
        );
        let r = focal
            .post(&format!("{path}/action"), &act("submit", "2"))
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        // Submitted: the round counts it, on time (the deadline is in the future).
        let page = coord.get(&format!("/rounds/{round}?show=submitted")).await;
        assert!(
            page.body.contains("Đã gửi") && page.body.contains("Đúng hạn"),
            "{}",
            page.body
        );
        // Another agency reads nothing of it and writes nothing to it.
        let mut police = app.signed_in("police").await;
        assert_eq!(police.get(&path).await.status, 403);
        police.get("/notifications").await;
        let r = police.post(&path, &refs(&fields)).await;
        assert_eq!(r.status, 403);
        // The coordinator returns it only with a reason, then accepts the resubmission.
        let r = coord
            .post(&format!("{path}/action"), &act("return", "3"))
            .await;
        assert_eq!(r.status, 422);
        // The refusal is said beside the buttons of the report's own page, not on an error page.
        assert!(
            r.body.contains("id=\"action-error\"") && r.body.contains("id=\"report-form\""),
            "{}",
            r.body
        );
        // A step on a report changed meanwhile keeps the reason as it was typed.
        let r = coord
            .post(
                &format!("{path}/action"),
                &[
                    ("action", "return"),
                    ("version", "2"),
                    ("comment", "Thiếu số liệu <quý 3>"),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.contains(">Thiếu số liệu &#60;quý 3&#62;</textarea>")
                && r.body.contains("id=\"action-error\""),
            "{}",
            r.body
        );
        let r = coord
            .post(
                &format!("{path}/action"),
                &[
                    ("action", "return"),
                    ("version", "3"),
                    ("comment", "Bổ sung phân tổ"),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        // The body hears why, in its inbox and on its home.
        let inbox = head.get("/notifications").await;
        assert!(
            inbox.body.contains("Sở Tư pháp trả lại báo cáo")
                && inbox.body.contains("Lý do: Bổ sung phân tổ"),
            "{}",
            inbox.body
        );
        let home = focal.get(&format!("/agencies/{}/home", app.justice)).await;
        assert!(
            home.body.contains("Bị trả lại: Bổ sung phân tổ"),
            "{}",
            home.body
        );
        // The coordinators hear of reports sent as one digest per run, never twice.
        let state = theodoi_web::AppState::new(app.db.clone(), theodoi_web::Config::default());
        let now = time::OffsetDateTime::now_utc();
        theodoi_web::reminders::run_once(&state, now)
            .await
            .map_err(|e| Failed::from(e.to_string()))?;
        theodoi_web::reminders::run_once(&state, now)
            .await
            .map_err(|e| Failed::from(e.to_string()))?;
        let inbox = coord.get("/notifications").await;
        assert_eq!(
            inbox.body.matches("Đã nhận 1 báo cáo mới").count(),
            1,
            "{}",
            inbox.body
        );
        assert!(inbox.body.contains("Sở Tư pháp — 6 tháng đầu năm 2026"));
        let mut fields = complete_fields(&app, round, 44).await?;
        fields.push(("version".into(), "4".into()));
        assert_eq!(focal.post(&path, &refs(&fields)).await.status, 303);
        assert_eq!(
            head.post(&format!("{path}/action"), &act("approve", "5"))
                .await
                .status,
            303
        );
        assert_eq!(
            focal
                .post(&format!("{path}/action"), &act("submit", "6"))
                .await
                .status,
            303
        );
        assert_eq!(
            coord
                .post(&format!("{path}/action"), &act("accept", "7"))
                .await
                .status,
            303
        );
        let inbox = focal.get("/notifications").await;
        assert!(
            inbox.body.contains("Sở Tư pháp đã tiếp nhận báo cáo"),
            "{}",
            inbox.body
        );
        // Locked: a save is refused with the reason, nothing changes.
        let mut fields = complete_fields(&app, round, 99).await?;
        fields.push(("version".into(), "8".into()));
        let r = focal.post(&path, &refs(&fields)).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("khóa"), "{}", r.body);
        let page = focal.get(&path).await;
        assert!(page.body.contains("Đã tiếp nhận"));
        assert!(page.body.contains("value=\"44\""));
        assert!(
            page.body.contains("Bổ sung phân tổ"),
            "the return's reason is in the history"
        );
        assert!(page.body.contains("/snapshots/3") && page.body.contains("/snapshots/7"));
        let snap = focal.get(&format!("{path}/snapshots/3")).await;
        assert_eq!(snap.status, 200);
        // A page in words (the sent version's own figures), no longer the stored JSON.
        assert!(
            snap.body.contains("<td class=\"num\">40</td>")
                && !snap.body.contains("<td class=\"num\">44</td>")
                && !snap.body.contains("\"value\":"),
            "the first submission as it was: {}",
            snap.body
        );
        // A figure far from this body's earlier ones is flagged in the next round, not refused.
        let next = app
            .db
            .open_round(
                &theodoi_store::rounds::NewRound::ad_hoc(
                    app.plan_id,
                    "Báo cáo đột xuất",
                    theodoi_domain::DateRange {
                        start: date!(2026 - 06 - 15),
                        end: date!(2026 - 09 - 14),
                    },
                    date!(2026 - 09 - 15),
                ),
                time::OffsetDateTime::now_utc(),
            )
            .await?
            .id;
        let next_path = format!("/rounds/{next}/reports/{}", app.justice);
        focal.get(&next_path).await;
        let mut fields = complete_fields(&app, next, 5000).await?;
        fields.push(("version".into(), "0".into()));
        assert_eq!(focal.post(&next_path, &refs(&fields)).await.status, 303);
        let page = focal.get(&next_path).await;
        assert!(
            page.body.contains("Khác xa trung bình các kỳ trước: 44"),
            "outlier flagged"
        );
        focal.get(&path).await;
        // The annex counts the accepted report and names every body still missing.
        let csv = coord.get(&format!("/rounds/{round}/annex.csv")).await;
        assert_eq!(csv.status, 200);
        assert!(csv.body.contains("Tổng số,,,44,"), "{}", csv.body);
        let missing = coord.get(&format!("/rounds/{round}/missing.csv")).await;
        assert_eq!(missing.status, 200);
        assert!(
            missing.body.contains("Công an thành phố"),
            "a missing body is named in its own file"
        );
        let xlsx = coord.get(&format!("/rounds/{round}/annex.xlsx")).await;
        assert_eq!(xlsx.status, 200);
        assert!(xlsx.bytes.starts_with(b"PK"));
        assert_eq!(
            focal
                .get(&format!("/rounds/{round}/annex.csv"))
                .await
                .status,
            403
        );
        // The consolidated report comes from the round's draft; before anyone opened it, drafted
        // from the data now, marked as a draft, with the signer's name left to write.
        let docx = coord.get(&format!("/rounds/{round}/draft.docx")).await;
        assert_eq!(docx.status, 200, "{}", docx.body);
        assert!(
            docx.header("content-disposition")
                .is_some_and(|d| d.contains("du-thao-bao-cao-dot-")),
            "{:?}",
            docx.header("content-disposition")
        );
        let xml = crate::drafts::document_xml(&docx.bytes)?;
        assert!(xml.contains("DỰ THẢO"), "marked as a draft");
        assert!(xml.contains("Chưa ghi họ tên người ký"), "no signer yet");
        let pdf = coord.get(&format!("/rounds/{round}/draft.pdf")).await;
        let have_office = std::process::Command::new("sh")
            .args(["-c", "command -v soffice"])
            .output()
            .is_ok_and(|o| o.status.success());
        if have_office {
            assert_eq!(pdf.status, 200);
            assert!(pdf.bytes.starts_with(b"%PDF"));
        } else {
            assert_eq!(pdf.status, 503, "without LibreOffice the server says so");
        }
        assert_eq!(
            coord
                .get(&format!("/rounds/{round}/report.docx"))
                .await
                .status,
            404,
            "one address for the report"
        );
        // Evidence cannot be attached to an accepted report.
        let r = focal
            .post_multipart(
                &format!("{path}/files"),
                &[],
                &[("file", "bien-ban.txt", b"noi dung")],
            )
            .await;
        assert_eq!(r.status, 422);
        Ok(())
    })
}

fn report_refusals_keep_what_was_typed(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut coord = app.signed_in("coord").await;
        let round = open_h1(&app, &mut coord).await?;
        let form = app
            .db
            .report_form(round, app.justice)
            .await?
            .ok_or("no form")?;
        let tt = form
            .indicators
            .iter()
            .find(|i| i.code == "TT_NGUOI")
            .ok_or("no TT_NGUOI")?
            .id;
        let mut focal = app.signed_in("focal").await;
        let path = format!("/rounds/{round}/reports/{}", app.justice);
        focal.get(&path).await;
        let task = form.tasks[0].task_id;
        let status = format!("t{task}_status");
        let results = format!("t{task}_results");
        let total = format!("v{tt}");
        let nam = format!("v{tt}_sex_nam");
        let nu = format!("v{tt}_sex_nu");
        for (fields, expect) in [
            (vec![(total.as_str(), "-5")], "không âm"),
            (vec![(total.as_str(), "2.5")], "số nguyên"),
            (
                vec![
                    (total.as_str(), "10"),
                    (nam.as_str(), "4"),
                    (nu.as_str(), "5"),
                ],
                "khác tổng số 10",
            ),
            (
                vec![
                    (total.as_str(), "3"),
                    (nam.as_str(), "7"),
                    (nu.as_str(), "0"),
                ],
                "lớn hơn tổng số",
            ),
        ] {
            // The valid part of each save is stored: the next save is over its version.
            let version = app
                .db
                .report_form(round, app.justice)
                .await?
                .ok_or("no form")?
                .report
                .map_or(0, |r| r.version)
                .to_string();
            let mut all = fields.clone();
            all.push(("version", &version));
            all.push((status.as_str(), "done"));
            all.push((results.as_str(), "Đã tập huấn cho 120 cán bộ"));
            let r = focal.post(&path, &all).await;
            assert_eq!(r.status, 422, "{expect}: {}", r.body);
            assert!(r.body.contains(expect), "expected \"{expect}\" in the page");
            assert!(
                r.body.contains("Đã tập huấn cho 120 cán bộ"),
                "what was typed stays"
            );
        }
        // What was valid is stored; the refused figures are not.
        let saved = app
            .db
            .report_form(round, app.justice)
            .await?
            .ok_or("no form")?;
        let task_saved = saved
            .tasks
            .iter()
            .find(|t| t.task_id == task)
            .ok_or("task")?;
        assert_eq!(task_saved.status.as_deref(), Some("done"));
        assert_eq!(
            task_saved.results.as_deref(),
            Some("Đã tập huấn cho 120 cán bộ")
        );
        assert!(
            saved.values.iter().all(|v| v.indicator_id != tt),
            "no refused figure is stored"
        );
        // A task that is not this body's is refused at the store; the form cannot even name one.
        let version = saved.report.ok_or("saved")?.version.to_string();
        let r = focal
            .post(&path, &[("version", &version), ("t999999_status", "done")])
            .await;
        assert_eq!(r.status, 303, "unknown fields are ignored, not stored");
        let stored = app
            .db
            .report_form(round, app.justice)
            .await?
            .ok_or("no form")?;
        assert!(stored.tasks.iter().all(|t| t.task_id != 999_999));
        Ok(())
    })
}

/// Fewer attendees than sessions: the save goes through, the body sees why the figures look
/// wrong, the coordinator sees the same in the review, and the store reports it for the drafting.
fn implausible_figures_are_saved_with_a_warning(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut coord = app.signed_in("coord").await;
        let round = open_h1(&app, &mut coord).await?;
        let form = app
            .db
            .report_form(round, app.justice)
            .await?
            .ok_or("no form")?;
        let id = |code: &str| {
            form.indicators
                .iter()
                .find(|i| i.code == code)
                .map(|i| format!("v{}", i.id))
                .ok_or(format!("no {code}"))
        };
        let (sessions, attendees) = (id("TT_BUOI")?, id("TT_NGUOI")?);
        let mut focal = app.signed_in("focal").await;
        let path = format!("/rounds/{round}/reports/{}", app.justice);
        focal.get(&path).await;
        let reason = "Số lượt người tham dự (120) nhỏ hơn số buổi tuyên truyền (150)";
        let r = focal
            .post(
                &path,
                &[("version", "0"), (&sessions, "150"), (&attendees, "120")],
            )
            .await;
        assert_eq!(r.status, 303, "a warning never refuses a save: {}", r.body);
        let page = focal.get(r.location()).await;
        assert!(page.body.contains("Đã lưu bản nháp"));
        assert!(page.body.contains(reason), "the body sees the reason");
        let stored = app
            .db
            .report_form(round, app.justice)
            .await?
            .ok_or("no form")?;
        assert!(stored.values.iter().any(|v| v.value == 120));
        let review = coord.get(&path).await;
        assert_eq!(review.status, 200);
        assert!(review.body.contains(reason), "the coordinator sees it too");
        let all = app.db.plausibility_warnings(round).await?;
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].agency_id, app.justice);
        assert_eq!(all[0].warnings[0].reason, reason);
        // Corrected: the warning goes.
        let r = focal
            .post(
                &path,
                &[("version", "1"), (&sessions, "150"), (&attendees, "9860")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(!focal.get(&path).await.body.contains("Số liệu cần xem lại"));
        assert!(app.db.plausibility_warnings(round).await?.is_empty());
        Ok(())
    })
}

fn two_editors_do_not_overwrite(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut coord = app.signed_in("coord").await;
        let round = open_h1(&app, &mut coord).await?;
        let path = format!("/rounds/{round}/reports/{}", app.justice);
        let mut focal = app.signed_in("focal").await;
        let mut head = app.signed_in("head").await;
        focal.get(&path).await;
        head.get(&path).await;
        let mut a = complete_fields(&app, round, 10).await?;
        a.push(("version".into(), "0".into()));
        let mut b = complete_fields(&app, round, 20).await?;
        b.push(("version".into(), "0".into()));
        assert_eq!(focal.post(&path, &refs(&a)).await.status, 303);
        let r = head.post(&path, &refs(&b)).await;
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains(
                "Báo cáo đã được người khác cập nhật (phiên bản 1); hãy tải lại trang, xem thay đổi rồi nhập lại"
            ),
            "{}",
            r.body
        );
        assert!(!r.body.contains("someone else saved"), "Vietnamese only");
        assert!(
            r.body.contains("value=\"20\""),
            "the second editor's figures are shown again"
        );
        let page = focal.get(&path).await;
        assert!(page.body.contains("value=\"10\""), "the first save stands");
        Ok(())
    })
}

fn regimes_and_indicators_as_data(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut coord = app.signed_in("coord").await;
        coord.get("/regimes").await;
        let base = [
            ("code", "QUY"),
            ("name", "Báo cáo quý"),
            ("kind", "periodic"),
            ("frequency", "quarterly"),
            ("windows", "calendar"),
            ("reminder_offsets", "-3, 2"),
        ];
        // A deadline at the cut-off, or levels out of order, are refused.
        let mut bad = base.to_vec();
        bad.push(("agency_days", "0"));
        let r = coord.post("/regimes", &bad).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.contains(
                "hạn của cấp cơ quan, địa phương phải sau ngày chốt số liệu ít nhất một ngày làm việc"
            ),
            "{}",
            r.body
        );
        assert!(
            !r.body.contains("at least one working day"),
            "Vietnamese only"
        );
        let mut bad = base.to_vec();
        bad.extend([("agency_days", "3"), ("coordinator_days", "2")]);
        assert_eq!(coord.post("/regimes", &bad).await.status, 422);
        let mut good = base.to_vec();
        good.extend([("agency_days", "2"), ("coordinator_days", "4")]);
        assert_eq!(coord.post("/regimes", &good).await.status, 303);
        let page = coord.get("/regimes").await;
        assert!(page.body.contains("Báo cáo quý") && page.body.contains("-3,2"));
        // Indicators: a bad code is refused; a new one with breakdowns joins the next round.
        coord.get("/indicators").await;
        let r = coord
            .post(
                "/indicators",
                &[
                    ("code", "x y"),
                    ("name", "Sai"),
                    ("unit", "vụ"),
                    ("aggregation", "sum"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        let r = coord
            .post(
                "/indicators",
                &[
                    ("code", "HOA_GIAI"),
                    ("name", "Vụ việc hòa giải thành"),
                    ("unit", "vụ việc"),
                    ("aggregation", "sum"),
                    ("dimension", "ethnicity"),
                    ("dimension", "religion"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let round = open_h1(&app, &mut coord).await?;
        let form = app
            .db
            .report_form(round, app.justice)
            .await?
            .ok_or("no form")?;
        let ind = form
            .indicators
            .iter()
            .find(|i| i.code == "HOA_GIAI")
            .ok_or("new indicator not in the round")?;
        assert_eq!(ind.dims().len(), 2);
        let mut focal = app.signed_in("focal").await;
        let page = focal
            .get(&format!("/rounds/{round}/reports/{}", app.justice))
            .await;
        assert!(page.body.contains("Ơ Đu") && page.body.contains("Cao Đài"));
        // Ad hoc rounds: a deadline that leaves no working day after the cut-off is refused.
        let plan = app.plan_id.to_string();
        let r = coord
            .post(
                "/rounds",
                &[
                    ("plan_id", &plan),
                    ("choice", "adhoc"),
                    ("title", "Báo cáo đột xuất về trợ giúp pháp lý"),
                    ("window_start", "2026-01-01"),
                    ("window_end", "2026-05-01"),
                    ("deadline", "2026-05-03"),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "1–3 May 2026 are a holiday and a weekend");
        assert!(
            r.body.contains(
                "Hạn báo cáo 03/05/2026 phải sau ngày chốt số liệu 01/05/2026 ít nhất một ngày làm việc; sớm nhất là ngày 04/05/2026"
            ),
            "names the earliest deadline: {}",
            r.body
        );
        // Said above the opening form, with everything typed still in it.
        assert!(r.body.contains("id=\"open-error\""), "{}", r.body);
        for kept in [
            "name=\"title\" maxlength=\"300\" value=\"Báo cáo đột xuất về trợ giúp pháp lý\"",
            "name=\"window_start\" inputmode=\"numeric\" placeholder=\"dd/mm/yyyy\" autocomplete=\"off\" value=\"2026-01-01\"",
            "name=\"deadline\" inputmode=\"numeric\" placeholder=\"dd/mm/yyyy\" autocomplete=\"off\" value=\"2026-05-03\"",
            "<option value=\"adhoc\" selected>",
        ] {
            assert!(r.body.contains(kept), "{kept} not kept in {}", r.body);
        }
        let r = coord
            .post(
                "/rounds",
                &[
                    ("plan_id", &plan),
                    ("choice", "adhoc"),
                    ("title", "Báo cáo đột xuất về trợ giúp pháp lý"),
                    ("window_start", "2026-01-01"),
                    ("window_end", "2026-05-01"),
                    ("deadline", "2026-05-04"),
                ],
            )
            .await;
        // It covers days of the half-year round: the coordinator is asked first, with the
        // round it overlaps named and the typed dates kept, and nothing is opened yet.
        assert_eq!(r.status, 409, "{}", r.body);
        assert!(
            r.body.contains("trùng thời gian với đợt đã mở"),
            "{}",
            r.body
        );
        assert!(r.body.contains(&format!("href=\"/rounds/{round}\"")));
        assert!(r.body.contains("name=\"window_end\" value=\"2026-05-01\""));
        let before = app.db.rounds(Some(app.plan_id)).await?.len();
        let r = coord
            .post(
                "/rounds",
                &[
                    ("plan_id", &plan),
                    ("choice", "adhoc"),
                    ("title", "Báo cáo đột xuất về trợ giúp pháp lý"),
                    ("window_start", "2026-01-01"),
                    ("window_end", "2026-05-01"),
                    ("deadline", "2026-05-04"),
                    ("confirm", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(app.db.rounds(Some(app.plan_id)).await?.len(), before + 1);
        // The store refuses a deadline before the cut-off whatever the caller.
        let refused = app
            .db
            .open_round(
                &theodoi_store::rounds::NewRound::ad_hoc(
                    app.plan_id,
                    "x",
                    theodoi_domain::DateRange {
                        start: date!(2026 - 01 - 01),
                        end: date!(2026 - 03 - 01),
                    },
                    date!(2026 - 02 - 01),
                ),
                time::OffsetDateTime::now_utc(),
            )
            .await;
        assert!(refused.is_err());
        // Dates a round cannot have: out of 1945–2200, or a window that ends before it starts.
        for (from, to, deadline, says) in [
            ("0000-01-01", "2026-05-01", "2026-05-04", "1945"),
            ("-2026-01-01", "2026-05-01", "2026-05-04", "1945"),
            ("2026-01-01", "9999-05-01", "9999-05-04", "1945"),
            ("2026-06-01", "2026-05-01", "2026-05-04", "trước"),
        ] {
            let r = coord
                .post(
                    "/rounds",
                    &[
                        ("plan_id", &plan),
                        ("choice", "adhoc"),
                        ("title", "Báo cáo đột xuất"),
                        ("window_start", from),
                        ("window_end", to),
                        ("deadline", deadline),
                    ],
                )
                .await;
            assert_eq!(r.status, 422, "{from}–{to}: {}", r.body);
            assert!(r.body.contains(says), "{from}–{to}: {}", r.body);
        }
        Ok(())
    })
}

/// A real SMTP server (Python's aiosmtpd) writing what it receives to a maildir.
pub struct SmtpServer {
    child: std::process::Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether aiosmtpd can be started here.
pub fn have_aiosmtpd() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .output()
        .is_ok_and(|o| o.status.success())
}

async fn start_smtp() -> Result<SmtpServer, Failed> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let dir = tempfile::tempdir()?;
    let child = std::process::Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(dir.path().join("mail"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let server = SmtpServer { child, port, dir };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(server);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Err("aiosmtpd did not start".into())
}

/// Every message the SMTP server received, as text.
fn mailbox(s: &SmtpServer) -> Vec<String> {
    let mut out = Vec::new();
    for sub in ["new", "cur"] {
        if let Ok(entries) = std::fs::read_dir(s.dir.path().join("mail").join(sub)) {
            for e in entries.flatten() {
                out.push(std::fs::read_to_string(e.path()).unwrap_or_default());
            }
        }
    }
    out
}

fn to_of(messages: &[String], address: &str) -> usize {
    messages
        .iter()
        .filter(|m| {
            m.lines()
                .any(|l| l.starts_with("To:") && l.contains(address))
        })
        .count()
}

pub async fn reminders_flow(app: &TestApp) -> Result<(), Failed> {
    let smtp = start_smtp().await?;
    let users = app.db.list_users().await?;
    let id = |name: &str| {
        users
            .iter()
            .find(|u| u.username == name)
            .map(|u| u.id)
            .unwrap_or_default()
    };
    app.db
        .set_email(id("focal"), Some("dau.moi@stp.example.vn"))
        .await?;
    app.db
        .set_email(id("head"), Some("giam.doc@stp.example.vn"))
        .await?;
    app.db
        .set_email(id("coord"), Some("dieu.phoi@stp.example.vn"))
        .await?;
    let round = app
        .db
        .open_round(
            &theodoi_store::rounds::NewRound::ad_hoc(
                app.plan_id,
                "Báo cáo đột xuất",
                theodoi_domain::DateRange {
                    start: date!(2026 - 01 - 01),
                    end: date!(2026 - 06 - 14),
                },
                date!(2026 - 06 - 15),
            ),
            time::OffsetDateTime::now_utc(),
        )
        .await?
        .id;
    let state = || {
        theodoi_web::AppState::new(
            app.db.clone(),
            theodoi_web::Config {
                smtp_url: Some(format!("smtp://127.0.0.1:{}", smtp.port)),
                mail_from: "Sở Tư pháp <theodoi@stp.example.vn>".into(),
                ..theodoi_web::Config::default()
            },
        )
    };
    let at = |d: time::Date| d.with_hms(2, 0, 0).map(|t| t.assume_utc());
    let run = |s: theodoi_web::AppState, d: time::Date| async move {
        theodoi_web::reminders::run_once(&s, at(d)?)
            .await
            .map_err(|e| Failed::from(e.to_string()))
    };
    // Nothing before the first offset.
    let r = run(state(), date!(2026 - 06 - 07)).await?;
    assert_eq!(r.created, 0);
    // Seven days before: the focal points of the bodies that owe a report, in the app and by mail.
    let r = run(state(), date!(2026 - 06 - 08)).await?;
    assert!(r.created >= 2, "{r:?}");
    assert_eq!(r.failed, 0, "{r:?}");
    let mail = mailbox(&smtp);
    assert_eq!(to_of(&mail, "dau.moi@stp.example.vn"), 1, "{mail:?}");
    assert_eq!(to_of(&mail, "giam.doc@stp.example.vn"), 0);
    assert!(
        mail.iter()
            .any(|m| m.contains("Subject:") && m.contains("theodoi")),
        "{mail:?}"
    );
    // The same day again, and after a restart (a new state): nothing new, nothing sent twice.
    assert_eq!(run(state(), date!(2026 - 06 - 08)).await?.created, 0);
    assert_eq!(run(state(), date!(2026 - 06 - 09)).await?.created, 0);
    assert_eq!(to_of(&mailbox(&smtp), "dau.moi@stp.example.vn"), 1);
    // The Sở Tư pháp submits; the police do not. After the deadline the police's reminders widen
    // and the Sở Tư pháp hears nothing more.
    let form = app
        .db
        .report_form(round, app.justice)
        .await?
        .ok_or("no form")?;
    let save = theodoi_store::rounds::SaveReport {
        expected_version: 0,
        tasks: form
            .tasks
            .iter()
            .map(|t| theodoi_store::rounds::TaskEntry {
                task_id: t.task_id,
                status: Some(theodoi_domain::TaskStatus::InProgress),
                reason: String::new(),
                results: "Đang thực hiện".into(),
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
                value: 1,
            })
            .collect(),
        ..Default::default()
    };
    use theodoi_domain::report::{Action, Actor};
    save_and_step(
        app,
        round,
        &save,
        &[
            (Action::Approve, Actor::AgencyHead),
            (Action::Submit, Actor::FocalPoint),
        ],
    )
    .await?;
    app.db
        .set_email(id("police"), Some("cong.an@ca.example.vn"))
        .await?;
    let r = run(state(), date!(2026 - 06 - 16)).await?;
    assert!(r.created >= 1 && r.failed == 0, "{r:?}");
    let mail = mailbox(&smtp);
    assert_eq!(
        to_of(&mail, "cong.an@ca.example.vn"),
        1,
        "one day late: the police's focal point"
    );
    assert_eq!(
        to_of(&mail, "dau.moi@stp.example.vn"),
        1,
        "the Sở Tư pháp submitted"
    );
    // Three days late: the coordinator hears of every body still owing.
    run(state(), date!(2026 - 06 - 18)).await?;
    let mail = mailbox(&smtp);
    assert!(
        to_of(&mail, "dieu.phoi@stp.example.vn") >= 1,
        "escalated to the coordinator"
    );
    assert_eq!(to_of(&mail, "cong.an@ca.example.vn"), 2);
    // In the app too, and in the round's log.
    let mut police = app.signed_in("police").await;
    let page = police.get("/notifications").await;
    assert!(
        page.body.contains("Nhắc báo cáo Báo cáo đột xuất"),
        "{}",
        page.body
    );
    let mut coord = app.signed_in("coord").await;
    // The coordinators hear of late bodies once a day, all in one message.
    run(state(), date!(2026 - 06 - 18)).await?;
    let inbox = coord.get("/notifications").await;
    assert_eq!(
        inbox
            .body
            .matches("cơ quan chưa gửi báo cáo quá hạn")
            .count(),
        1,
        "{}",
        inbox.body
    );
    assert!(
        inbox
            .body
            .contains("Công an thành phố — Báo cáo đột xuất: quá hạn 3 ngày"),
        "{}",
        inbox.body
    );
    let log = coord.get(&format!("/rounds/{round}/reminders")).await;
    assert!(log.body.contains("cong.an") || log.body.contains("police"));
    assert!(
        !log.body.contains("cong.an@ca.example.vn"),
        "addresses stay out of the log page"
    );
    Ok(())
}

fn lists_export_safely(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut coord = app.signed_in("coord").await;
        let round = open_h1(&app, &mut coord).await?;
        // A name a spreadsheet would run as a formula.
        app.db
            .create_agency("=HYPERLINK(\"http://x\",\"Bấm\")", "other", false, None)
            .await?;
        let csv = coord.get("/agencies/export/csv").await;
        assert_eq!(csv.status, 200);
        assert!(csv.body.starts_with('\u{feff}'), "BOM");
        assert!(
            csv.body.contains("\"'=HYPERLINK("),
            "neutralised: {}",
            csv.body
        );
        // Excel where the list separator is ';' (Vietnamese) splits there: the piece after it
        // must not start a formula either, and the field is quoted.
        app.db
            .create_agency("Ban Ghi chú;=1+1", "other", false, None)
            .await?;
        let csv = coord.get("/agencies/export/csv").await;
        assert!(
            csv.body.contains("\"Ban Ghi chú;'=1+1\""),
            "quoted and neutralised after ';': {}",
            csv.body
        );
        let xlsx = coord.get("/agencies/export/xlsx").await;
        assert!(xlsx.bytes.starts_with(b"PK"));
        let tasks = coord
            .get(&format!("/plans/{}/export/tasks/csv", app.plan_id))
            .await;
        assert!(tasks.body.contains("II.1") && tasks.body.contains("Sở Tư pháp"));
        let late = coord
            .get(&format!("/rounds/{round}/export/bodies/csv"))
            .await;
        assert!(late.body.contains("Công an thành phố"), "{}", late.body);
        assert_eq!(
            coord
                .get(&format!("/rounds/{round}/export/bodies/pdf"))
                .await
                .status,
            422
        );
        assert_eq!(
            coord
                .get(&format!("/rounds/{round}/export/secrets/csv"))
                .await
                .status,
            404
        );
        let mut focal = app.signed_in("focal").await;
        assert_eq!(
            focal
                .get(&format!("/rounds/{round}/export/bodies/csv"))
                .await
                .status,
            403
        );
        Ok(())
    })
}

fn public_page_hides_small_cells(app: TestApp) -> Fut {
    Box::pin(async move {
        use theodoi_domain::report::{Action, Actor};
        let mut coord = app.signed_in("coord").await;
        let round = open_h1(&app, &mut coord).await?;
        let form = app
            .db
            .report_form(round, app.justice)
            .await?
            .ok_or("no form")?;
        let tt = form
            .indicators
            .iter()
            .find(|i| i.code == "TT_NGUOI")
            .ok_or("no TT_NGUOI")?
            .id;
        let mut values: Vec<theodoi_store::rounds::ValueRow> = form
            .indicators
            .iter()
            .filter(|i| i.required && i.id != tt)
            .map(|i| theodoi_store::rounds::ValueRow {
                indicator_id: i.id,
                dimension: String::new(),
                category: String::new(),
                value: 7,
            })
            .collect();
        for (dim, cat, v) in [
            ("", "", 40),
            ("sex", "nam", 22),
            ("sex", "nu", 18),
            ("ethnic_group", "kinh", 37),
            ("ethnic_group", "dtts", 3),
        ] {
            values.push(theodoi_store::rounds::ValueRow {
                indicator_id: tt,
                dimension: dim.into(),
                category: cat.into(),
                value: v,
            });
        }
        let save = theodoi_store::rounds::SaveReport {
            expected_version: 0,
            tasks: form
                .tasks
                .iter()
                .map(|t| theodoi_store::rounds::TaskEntry {
                    task_id: t.task_id,
                    status: Some(theodoi_domain::TaskStatus::DoneLate),
                    reason: String::new(),
                    results: "Đã thực hiện".into(),
                })
                .collect(),
            values,
            ..Default::default()
        };
        save_and_step(
            &app,
            round,
            &save,
            &[
                (Action::Approve, Actor::AgencyHead),
                (Action::Submit, Actor::FocalPoint),
                (Action::Accept, Actor::Coordinator),
            ],
        )
        .await?;
        // No sign-in.
        let page = app.client().get("/public").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.body.contains("Hoàn thành chậm"),
            "the lead's status per task"
        );
        assert!(
            page.body
                .contains("Lượt người tham dự tuyên truyền, phổ biến: 40")
        );
        assert!(
            page.body.contains("Nam 22"),
            "sex is not a sensitive breakdown"
        );
        assert!(
            page.body.contains("Dân tộc thiểu số không công bố"),
            "a small cell is hidden"
        );
        assert!(
            page.body.contains("Kinh không công bố"),
            "and its complement, or 40 − 37 gives it away"
        );
        assert!(!page.body.contains("Kinh 37"));
        assert!(
            !page.body.contains("Văn bản chỉ đạo"),
            "indicators not chosen for publication stay private"
        );
        // Free-text tags stay until they are turned into links.
        let task = app.task_id("II.1").await;
        coord.get(&format!("/tasks/{task}")).await;
        let r = coord
            .post(
                &format!("/tasks/{task}/tags"),
                &[(
                    "tags",
                    "ICCPR Điều 14; CCPR/C/VNM/CO/4 đoạn 21; ICCPR Điều 14",
                )],
            )
            .await;
        assert_eq!(r.status, 303);
        let page = coord.get(&format!("/tasks/{task}")).await;
        assert_eq!(
            page.body
                .matches("<span class=\"tag\">ICCPR Điều 14</span>")
                .count(),
            1,
            "once"
        );
        assert!(page.body.contains("CCPR/C/VNM/CO/4 đoạn 21"));
        // Linked to article 14 from the task page, the report can group part II by article.
        let r = coord
            .post(
                &format!("/tasks/{task}/recommendations"),
                &[("article", "14")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let docx = coord
            .get(&format!("/rounds/{round}/draft.docx?group=articles"))
            .await;
        assert_eq!(docx.status, 200);
        let xml = crate::drafts::document_xml(&docx.bytes)?;
        // The article heads its group (articles are not in the drafted text otherwise).
        assert!(
            xml.contains("Điều 14. Quyền được xét xử công bằng"),
            "part II grouped under the task's article"
        );
        let plain = crate::drafts::document_xml(
            &coord
                .get(&format!("/rounds/{round}/draft.docx"))
                .await
                .bytes,
        )?;
        assert!(!plain.contains("Điều 14. Quyền được xét xử công bằng"));
        // The leaders' one-page view: charts drawn on the server, the tables behind them.
        let mut leader = app.signed_in("leader").await;
        let dash = leader.get(&format!("/rounds/{round}/dashboard")).await;
        assert_eq!(dash.status, 200);
        assert_eq!(dash.body.matches("<svg").count(), 3, "three charts");
        assert!(dash.body.contains("<polyline"), "the trend line");
        assert!(
            dash.body.contains("Hoàn thành chậm"),
            "the task status table"
        );
        assert!(
            dash.body.contains("Công an thành phố"),
            "an overdue body is listed"
        );
        let plan = leader
            .get(&format!("/plans/{}/dashboard", app.plan_id))
            .await;
        assert_eq!(plan.status, 200);
        assert_eq!(plan.body.matches("<svg").count(), 3);
        assert!(
            plan.body.contains("Chưa có báo cáo"),
            "tasks no lead has reported on"
        );
        assert!(plan.body.contains("Hoàn thành chậm"));
        Ok(())
    })
}

/// Save the Sở Tư pháp's report through the store, then take it through `steps` in order.
async fn save_and_step(
    app: &TestApp,
    round: i64,
    save: &theodoi_store::rounds::SaveReport,
    steps: &[(
        theodoi_domain::report::Action,
        theodoi_domain::report::Actor,
    )],
) -> Result<(), Failed> {
    let now = time::OffsetDateTime::now_utc();
    let v = app
        .db
        .save_report(
            round,
            app.justice,
            save,
            None,
            theodoi_domain::report::Actor::FocalPoint,
            now,
        )
        .await?;
    for (i, (action, actor)) in steps.iter().enumerate() {
        app.db
            .act_on_report(
                round,
                app.justice,
                &theodoi_store::rounds::ReportAction {
                    action: *action,
                    actor: *actor,
                    expected_version: v + i32::try_from(i)?,
                    comment: "",
                    user_id: None,
                    email: false,
                },
                now,
            )
            .await?;
    }
    Ok(())
}
