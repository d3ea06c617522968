//! No lost work on the report form: a file attaches in the same save as the text typed with it,
//! the page's script saves drafts by itself, and an approved report is not unapproved by a save
//! nobody meant as one.

use crate::rounds::{complete_fields, open_h1, refs};
use crate::{Case, Fut, TestApp};

pub const CASES: &[(&str, Case)] = &[
    (
        "file_attaches_with_the_text_typed",
        file_attaches_with_the_text_typed,
    ),
    ("drafts_save_themselves", drafts_save_themselves),
    (
        "approved_report_asks_before_unapproving",
        approved_report_asks_before_unapproving,
    ),
];

fn file_attaches_with_the_text_typed(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut coord = app.signed_in("coord").await;
        let round = open_h1(&app, &mut coord).await?;
        let path = format!("/rounds/{round}/reports/{}", app.justice);
        let mut focal = app.signed_in("focal").await;
        let page = focal.get(&path).await;
        assert!(page.body.contains("enctype=\"multipart/form-data\""));
        assert!(page.body.contains("/static/form.js"));
        // The first save of a report, with a file: both are kept.
        let mut fields = complete_fields(&app, round, 40).await?;
        fields.push(("version".into(), "0".into()));
        fields.push(("difficulties".into(), "Thiếu biên chế".into()));
        let r = focal
            .post_multipart(
                &path,
                &refs(&fields),
                &[("file", "biên-bản-hội-nghị.pdf", b"%PDF-1.4 minh chung")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let form = app
            .db
            .report_form(round, app.justice)
            .await?
            .ok_or("the report")?;
        let report = form.report.ok_or("saved")?;
        assert_eq!(report.difficulties, "Thiếu biên chế");
        let page = focal.get(&path).await;
        assert!(page.body.contains("biên-bản-hội-nghị.pdf"), "{}", page.body);
        // A save with one refused entry keeps what was typed, shows why beside the field, and
        // stores the rest, the file with it; the refused entry keeps its stored value.
        let mut bad = complete_fields(&app, round, 40).await?;
        bad.retain(|(k, _)| !k.ends_with("_status"));
        bad.push(("version".into(), report.version.to_string()));
        bad.push(("difficulties".into(), "Nội dung mới".into()));
        let first = form.tasks.first().ok_or("a task")?.task_id;
        bad.push((format!("t{first}_status"), "not_done".into()));
        let r = focal
            .post_multipart(&path, &refs(&bad), &[("file", "khac.pdf", b"%PDF-1.4 x")])
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("Nội dung mới"), "typed text kept");
        assert!(
            r.body
                .contains("<p class=\"field-error\">Chọn «Không thực hiện» thì cần ghi lý do.</p>"),
            "the reason beside the field: {}",
            r.body
        );
        let after = app
            .db
            .report_form(round, app.justice)
            .await?
            .ok_or("the report")?;
        assert_eq!(after.report.ok_or("saved")?.difficulties, "Nội dung mới");
        let stored = after.tasks.first().ok_or("a task")?;
        assert_eq!(
            stored.status.as_deref(),
            Some("in_progress"),
            "the refused status is not stored"
        );
        assert!(
            focal.get(&path).await.body.contains("khac.pdf"),
            "the file went with the valid part"
        );
        Ok(())
    })
}

fn drafts_save_themselves(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut coord = app.signed_in("coord").await;
        let round = open_h1(&app, &mut coord).await?;
        let path = format!("/rounds/{round}/reports/{}", app.justice);
        let js = coord.get("/static/form.js").await;
        assert_eq!(js.status, 200);
        assert!(
            js.header("content-type")
                .is_some_and(|t| t.starts_with("text/javascript"))
        );
        assert!(js.body.contains("X-Theodoi-Autosave") && js.body.contains("beforeunload"));
        let mut focal = app.signed_in("focal").await;
        focal.get(&path).await;
        focal.header("X-Theodoi-Autosave", "1");
        let mut fields = complete_fields(&app, round, 40).await?;
        fields.push(("version".into(), "0".into()));
        let r = focal.post(&path, &refs(&fields)).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body.trim(), "1", "answered with the new version");
        // A second change saves over the version it answered.
        fields.retain(|(k, _)| k != "version");
        fields.push(("version".into(), "1".into()));
        fields.push(("proposals".into(), "Bổ sung kinh phí".into()));
        let r = focal.post(&path, &refs(&fields)).await;
        assert_eq!((r.status, r.body.trim()), (200, "2"));
        // Problems come back as text, one per line, nothing saved.
        fields.retain(|(k, _)| k != "version");
        fields.push(("version".into(), "1".into()));
        let r = focal.post(&path, &refs(&fields)).await;
        assert_eq!(r.status, 422);
        assert!(!r.body.contains("<html"), "{}", r.body);
        assert!(!r.body.trim().is_empty());
        Ok(())
    })
}

fn approved_report_asks_before_unapproving(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut coord = app.signed_in("coord").await;
        let round = open_h1(&app, &mut coord).await?;
        let path = format!("/rounds/{round}/reports/{}", app.justice);
        let mut focal = app.signed_in("focal").await;
        focal.get(&path).await;
        let mut fields = complete_fields(&app, round, 40).await?;
        fields.push(("version".into(), "0".into()));
        assert_eq!(focal.post(&path, &refs(&fields)).await.status, 303);
        let mut head = app.signed_in("head").await;
        head.get(&path).await;
        let r = head
            .post(
                &format!("{path}/action"),
                &[("action", "approve"), ("version", "1")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = focal.get(&path).await;
        assert!(
            page.body
                .contains("Báo cáo đã được lãnh đạo duyệt. Nếu sửa và lưu")
        );
        assert!(page.body.contains("name=\"void_approval\""));
        assert!(!page.body.contains("data-autosave"), "no silent autosave");
        // A save without saying so is refused with the reason, the typing kept.
        let mut edit = complete_fields(&app, round, 41).await?;
        edit.push(("version".into(), "2".into()));
        edit.push(("difficulties".into(), "Sửa sau khi duyệt".into()));
        let r = focal.post(&path, &refs(&edit)).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.contains("lưu thay đổi sẽ hủy phê duyệt"),
            "{}",
            r.body
        );
        assert!(r.body.contains("Sửa sau khi duyệt"));
        let status = app.db.report_status(round, app.justice).await?;
        assert_eq!(status, Some(theodoi_domain::ReportStatus::Approved));
        // Saying so saves, and the head must approve again.
        edit.push(("void_approval".into(), "1".into()));
        let r = focal.post(&path, &refs(&edit)).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let status = app.db.report_status(round, app.justice).await?;
        assert_eq!(status, Some(theodoi_domain::ReportStatus::Draft));
        Ok(())
    })
}
