//! The report page as the body and the Sở Tư pháp read it: one status in the same words as the
//! body's home, people by their names (and their body's, when another body reads it), a refused
//! step said in a whole sentence where the buttons are, the sent versions as pages in words, and
//! the menu's count of unread notifications.

use crate::rounds::{open_half_year, refs};
use crate::{Case, Fut, PASSWORD, TestApp};
use libtest_mimic::Failed;
use theodoi_store::accounts::NewUser;

pub const CASES: &[(&str, Case)] = &[("report_page_in_words", report_page_in_words)];

/// Fields that complete `agency`'s report: every task in progress with its results, every
/// required indicator with a total and its sex breakdown.
async fn complete(app: &TestApp, round: i64, agency: i64) -> Result<Vec<(String, String)>, Failed> {
    let form = app.db.report_form(round, agency).await?.ok_or("no form")?;
    let mut f: Vec<(String, String)> = Vec::new();
    for t in &form.tasks {
        f.push((format!("t{}_status", t.task_id), "in_progress".into()));
        f.push((
            format!("t{}_results", t.task_id),
            format!("Đã tổ chức hội nghị {}", t.reference),
        ));
    }
    for i in form.indicators.iter().filter(|i| i.required) {
        f.push((format!("v{}", i.id), "40".into()));
        if i.dims().contains(&theodoi_domain::Dimension::Sex) {
            f.push((format!("v{}_sex_nam", i.id), "15".into()));
            f.push((format!("v{}_sex_nu", i.id), "25".into()));
        }
    }
    f.push(("difficulties".into(), "Thiếu kinh phí".into()));
    Ok(f)
}

fn report_page_in_words(app: TestApp) -> Fut {
    Box::pin(async move {
        // The police's head, named as people know him.
        let hash = theodoi_web::auth::hash_password(PASSWORD)?;
        app.db
            .create_user(&NewUser {
                username: "police-head",
                display_name: "Trần Văn Bình",
                password_hash: &hash,
                role: "agency_head",
                agency_id: Some(app.police),
                must_change_password: false,
                email: None,
            })
            .await?;
        let police_name = app.db.agency(app.police).await?.ok_or("no agency")?.name;
        let mut coord = app.signed_in("coord").await;
        coord.get("/rounds").await;
        let round = open_half_year(&app, &mut coord, 1).await?;
        let path = format!("/rounds/{round}/reports/{}", app.police);

        // Nothing unread: the menu says "Thông báo" alone.
        let mut head = app.signed_in("police-head").await;
        let page = head.get("/plans").await;
        assert!(
            page.body
                .contains("<a href=\"/notifications\">Thông báo</a>")
                && !page.body.contains("class=\"badge\""),
            "{}",
            page.body
        );

        // Saved and put to the head: the report page says what the home says.
        let mut focal = app.signed_in("police").await;
        focal.get(&path).await;
        let mut fields = complete(&app, round, app.police).await?;
        fields.push(("version".into(), "0".into()));
        fields.push(("ask".into(), "1".into()));
        let r = focal.post(&path, &refs(&fields)).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let home = focal.get(&format!("/agencies/{}/home", app.police)).await;
        assert!(home.body.contains("Chờ lãnh đạo duyệt"), "{}", home.body);
        let form = focal.get(&path).await;
        assert!(
            form.body.contains("<strong>Chờ lãnh đạo duyệt</strong>")
                && !form.body.contains("<strong>Đang soạn</strong>"),
            "{}",
            form.body
        );

        // The head sees one unread notification in the menu, on any page, until it is read.
        let page = head.get("/plans").await;
        assert!(
            page.body
                .contains("Thông báo <span class=\"badge\">(1)</span>")
                && page.body.contains("aria-label=\"Thông báo: 1 chưa đọc\""),
            "{}",
            page.body
        );
        let r = head.post("/notifications/read", &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = head.get("/plans").await;
        assert!(!page.body.contains("class=\"badge\""), "{}", page.body);

        // Approved, sent.
        let act = |action: &'static str, version: &'static str| {
            vec![("action", action), ("version", version)]
        };
        let r = head
            .post(&format!("{path}/action"), &act("approve", "1"))
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = focal
            .post(&format!("{path}/action"), &act("submit", "2"))
            .await;
        assert_eq!(r.status, 303, "{}", r.body);

        // A return without its reason: a whole sentence, beside the buttons it lands on.
        let r = coord
            .post(&format!("{path}/action"), &act("return", "3"))
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body
                .contains("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì.")
                && !r.body.contains(">cần ghi lý do<"),
            "{}",
            r.body
        );
        assert!(
            r.body.contains("<section class=\"box\" id=\"workflow\">")
                && r.body
                    .contains(&format!("action=\"{path}/action#workflow\"")),
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
        assert_eq!(r.status, 303, "{}", r.body);

        // The body reads who returned it by name and body, never by login name.
        let form = focal.get(&path).await;
        assert!(
            form.body.contains("Người dùng coord (Sở Tư pháp)")
                && !form.body.contains("· coord<")
                && !form.body.contains("· coord ")
                && !form.body.contains("<td>police</td>"),
            "{}",
            form.body
        );
        // Its own people by name alone; the Sở Tư pháp reads them with the body's name.
        assert!(
            form.body.contains("<td>Người dùng police</td>"),
            "{}",
            form.body
        );
        let page = coord.get(&path).await;
        assert!(
            page.body
                .contains(&format!("<td>Người dùng police ({police_name})</td>")),
            "{}",
            page.body
        );

        // The sent version: a page in the site's layout, in words.
        let link = format!("{path}/snapshots/3");
        assert!(
            form.body.contains(&format!("href=\"{link}\"")),
            "{}",
            form.body
        );
        let snap = focal.get(&link).await;
        assert_eq!(snap.status, 200, "{}", snap.body);
        assert!(
            snap.header("content-type")
                .is_some_and(|t| t.starts_with("text/html")),
            "{:?}",
            snap.header("content-type")
        );
        let b = &snap.body;
        assert!(b.contains("<a href=\"/notifications\""), "the menu: {b}");
        assert!(
            b.contains("Phiên bản 3")
                && b.contains("Người dùng police")
                && b.contains("Đang triển khai")
                && b.contains("Đã tổ chức hội nghị")
                && b.contains("Theo Giới tính:")
                && b.contains("Nam 15")
                && b.contains("Nữ 25")
                && b.contains("Thiếu kinh phí")
                && b.contains(&format!("href=\"{path}\"")),
            "{b}"
        );
        for code in [
            "in_progress",
            "\"task_id\"",
            "sex_nam",
            "\"dimension\"",
            "not_started",
        ] {
            assert!(!b.contains(code), "code {code} shown: {b}");
        }
        // In English too, and read by the Sở Tư pháp; another body reads nothing of it.
        let r = coord.get("/lang/en").await;
        assert!(r.status == 303 || r.status == 200, "{}", r.status);
        let snap = coord.get(&link).await;
        assert_eq!(snap.status, 200);
        assert!(
            snap.body.contains("In progress")
                && snap
                    .body
                    .contains(&format!("Người dùng police ({police_name})")),
            "{}",
            snap.body
        );
        let mut justice = app.signed_in("focal").await;
        assert_eq!(justice.get(&link).await.status, 403);
        assert_eq!(focal.get(&format!("{path}/snapshots/9")).await.status, 404);
        Ok(())
    })
}
