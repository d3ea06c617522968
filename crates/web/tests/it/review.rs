//! The import review as the coordinator uses it: a plan entered entirely by hand, tasks added,
//! split, merged, reordered and given bodies from the directory; a published plan corrected as a
//! new version, with what changes for its rounds shown before it is published.

use crate::client::{Client, Resp};
use crate::{Case, Fut, TestApp};

pub const CASES: &[(&str, Case)] = &[
    (
        "empty_file_is_named_and_refused",
        empty_file_is_named_and_refused,
    ),
    (
        "product_is_reviewed_and_shown",
        product_is_reviewed_and_shown,
    ),
    ("plan_entered_by_hand", plan_entered_by_hand),
    (
        "body_numbering_and_requested_bodies",
        body_numbering_and_requested_bodies,
    ),
    (
        "published_plan_corrected_as_a_version",
        published_plan_corrected_as_a_version,
    ),
];

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let at = tag.find(&marker)? + marker.len();
    let end = tag[at..].find('"')?;
    Some(unescape(&tag[at..at + end]))
}

/// The fields the review form would send, as a browser fills them from the page: inputs
/// (checkboxes only when ticked), textareas and selects; buttons are not fields.
pub(crate) fn fields_of(page: &Resp) -> Vec<(String, String)> {
    let html = &page.body;
    let start = html
        .find("<form method=\"post\" action=\"/import/publish\"")
        .unwrap_or_else(|| panic!("no review form in: {html}"));
    let end = html[start..]
        .find("</form>")
        .map_or(html.len(), |e| start + e);
    let form = &html[start..end];
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt..];
        let close = rest.find('>').unwrap_or(rest.len() - 1);
        let tag = &rest[..=close];
        let after = &rest[close + 1..];
        if tag.starts_with("<input") {
            let kind = attr(tag, "type").unwrap_or_default();
            if let Some(name) = attr(tag, "name")
                && (kind != "checkbox" || tag.contains(" checked"))
            {
                out.push((name, attr(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("<textarea") {
            if let Some(name) = attr(tag, "name") {
                let end = after.find("</textarea>").unwrap_or(0);
                out.push((name, unescape(&after[..end])));
            }
        } else if tag.starts_with("<select")
            && let Some(name) = attr(tag, "name")
        {
            let end = after.find("</select>").unwrap_or(0);
            let options = &after[..end];
            let value = options
                .split("<option")
                .find(|o| o.contains(" selected"))
                .or_else(|| options.split("<option").nth(1))
                .and_then(|o| attr(o, "value"))
                .unwrap_or_default();
            out.push((name, value));
        }
        rest = after;
    }
    out
}

fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(k, _)| k == name) {
        Some(f) => f.1 = value.to_string(),
        None => fields.push((name.to_string(), value.to_string())),
    }
}

pub(crate) fn value<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Press the button `action` of the review form as the page stands, after `edits`.
pub(crate) async fn press(
    c: &mut Client,
    page: &Resp,
    edits: &[(&str, &str)],
    action: &str,
) -> Resp {
    let mut f = fields_of(page);
    for (k, v) in edits {
        set(&mut f, k, v);
    }
    f.push(("action".into(), action.into()));
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    c.post("/import/publish", &pairs).await
}

/// A chosen file with nothing in it (0 bytes, or only white space) is refused in one line that
/// names it and says it is empty, in the page's language; nothing is opened for review.
fn empty_file_is_named_and_refused(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.signed_in("coord").await;
        for vi in [true, false] {
            c.cookies
                .insert("lang".into(), if vi { "vi" } else { "en" }.into());
            c.get("/import").await;
            for (name, bytes) in [
                ("trong.txt", &b""[..]),
                ("trang.docx", &b" \r\n\t\n "[..]),
                ("rong.csv", &b"\n\n"[..]),
            ] {
                let r = c
                    .post_multipart("/import/review", &[], &[("file", name, bytes)])
                    .await;
                assert_eq!(r.status, 422, "{name}: {}", r.body);
                let said = if vi {
                    format!("{name}: tệp rỗng")
                } else {
                    format!("{name}: the file is empty")
                };
                assert!(r.body.contains(&said), "{name} ({vi}): {}", r.body);
                assert!(!r.body.contains("/import/publish"), "{name}: no review");
            }
        }
        Ok(())
    })
}

/// A task's Sản phẩm is read from the plan, edited in the review like the other fields, kept when
/// tasks are merged, stored and shown on the task's page.
fn product_is_reviewed_and_shown(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.signed_in("coord").await;
        c.get("/import").await;
        let page = c
            .post_multipart(
                "/import/review",
                &[],
                &[(
                    "file",
                    "ke-hoach.txt",
                    &include_bytes!("../../../plandoc/tests/fixtures/table_pipes.txt")[..],
                )],
            )
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        let f = fields_of(&page);
        assert_eq!(value(&f, "t0_product"), "Báo cáo rà soát");
        assert_eq!(value(&f, "t1_product"), "Báo cáo kiểm tra");
        // Merging keeps both products.
        let page = press(&mut c, &page, &[], "merge:3").await;
        assert_eq!(
            value(&fields_of(&page), "t3_product"),
            "Dữ liệu số; Báo cáo khảo sát"
        );
        let done = press(
            &mut c,
            &page,
            &[("t0_product", "Báo cáo rà soát đã sửa"), ("t1_product", "")],
            "publish",
        )
        .await;
        assert_eq!(done.status, 303, "{}", done.body);
        let id = app
            .db
            .find_plan("77/KH-UBND")
            .await?
            .ok_or("the plan is stored")?;
        let plan = app.db.plan_for_review(id).await?;
        let products: Vec<Option<&str>> = plan.tasks.iter().map(|t| t.product.as_deref()).collect();
        assert_eq!(
            products,
            [
                Some("Báo cáo rà soát đã sửa"),
                None,
                Some("Hệ thống được nâng cấp"),
                Some("Dữ liệu số; Báo cáo khảo sát")
            ]
        );
        let view = app.db.load_plan(id).await?;
        let task = c.get(&format!("/tasks/{}", view.tasks[0].id)).await;
        assert!(
            task.body
                .contains("Sản phẩm:</span> Báo cáo rà soát đã sửa"),
            "{}",
            task.body
        );
        let none = c.get(&format!("/tasks/{}", view.tasks[1].id)).await;
        assert!(!none.body.contains("Sản phẩm:"), "none named, none shown");
        // Opened again for correction, the review holds the stored product.
        let edit = c.get(&format!("/plans/{id}/edit")).await;
        assert_eq!(
            value(&fields_of(&edit), "t0_product"),
            "Báo cáo rà soát đã sửa"
        );
        Ok(())
    })
}

/// A body's plan numbered 1, 2 is taken as numbered; an absurd number is refused with what is
/// accepted. Bodies the issuer only requests ("Đề nghị …") are shown by name and listed apart as
/// requested, as the stored plan keeps them, and come back the same way for a correction.
fn body_numbering_and_requested_bodies(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.signed_in("coord").await;
        c.get("/import").await;
        let page = c
            .post_multipart("/import/review", &[("manual", "1")], &[])
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        let header = [
            ("number", "31/KH-UBND"),
            ("date", "2026-03-05"),
            ("issuer", "Ủy ban nhân dân xã Phú Mỹ"),
            ("title", "Tuyên truyền pháp luật năm 2026"),
            ("t0_ref", "1"),
            ("t0_title", "Tổ chức hội nghị tuyên truyền"),
            ("t0_lead", "Sở Tư pháp"),
            ("t0_coord", "Công an thành phố\nTAND thành phố"),
            ("t0_requested", "TAND thành phố"),
            ("t0_time", "Quý II/2026"),
        ];
        let page = press(&mut c, &page, &header, "add").await;
        let f = fields_of(&page);
        assert_eq!(
            value(&f, "t1_ref"),
            "2",
            "the next number of a plan numbered 1, 2"
        );
        let second = [
            ("t1_title", "Báo cáo kết quả"),
            ("t1_lead", "Sở Tư pháp"),
            ("t1_coord", "Đề nghị Viện Kiểm sát nhân dân thành phố"),
            ("t1_time", "15/12/2026"),
        ];
        // An absurd number is refused, the message saying what is accepted.
        let mut bad: Vec<(&str, &str)> = second.to_vec();
        bad.push(("t1_ref", "II 1 và 2"));
        let r = press(&mut c, &page, &bad, "publish").await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body
                .contains("số thứ tự \u{201C}II 1 và 2\u{201D} không dùng được")
                && r.body.contains("ví dụ 1, 1.1, a), II.1 hoặc PL.3"),
            "{}",
            r.body
        );
        assert!(!r.body.contains("\u{201C}1\u{201D}"), "“1” is accepted");
        let mut good: Vec<(&str, &str)> = second.to_vec();
        good.push(("t1_ref", "2"));
        let done = press(&mut c, &r, &good, "publish").await;
        assert_eq!(done.status, 303, "{}", done.body);
        let id = app
            .db
            .find_plan("31/KH-UBND")
            .await?
            .ok_or("the plan is stored")?;
        let plan = app.db.plan_for_review(id).await?;
        let refs: Vec<String> = plan.tasks.iter().map(|t| t.reference.to_string()).collect();
        assert_eq!(refs, ["1", "2"]);
        let coord = |i: usize| -> Vec<(String, bool)> {
            plan.tasks[i]
                .coordinating
                .iter()
                .map(|a| (a.name.clone(), a.requested_only))
                .collect()
        };
        assert_eq!(
            coord(0),
            [
                ("Công an thành phố".to_string(), false),
                ("TAND thành phố".to_string(), true)
            ]
        );
        assert_eq!(
            coord(1),
            [("Viện Kiểm sát nhân dân thành phố".to_string(), true)]
        );
        // Opened for correction: names without "Đề nghị", the requested ones listed apart.
        let edit = c.get(&format!("/plans/{id}/edit")).await;
        let f = fields_of(&edit);
        assert_eq!(value(&f, "t0_ref"), "1");
        assert_eq!(value(&f, "t0_coord"), "Công an thành phố\nTAND thành phố");
        assert_eq!(value(&f, "t0_requested"), "TAND thành phố");
        assert_eq!(value(&f, "t1_coord"), "Viện Kiểm sát nhân dân thành phố");
        assert_eq!(
            value(&f, "t1_requested"),
            "Viện Kiểm sát nhân dân thành phố"
        );
        assert!(!edit.body.contains("Đề nghị Viện"), "{}", edit.body);
        Ok(())
    })
}

fn plan_entered_by_hand(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.signed_in("coord").await;
        let form = c.get("/import").await;
        assert!(form.body.contains("Nhập bằng tay"));
        // Nothing chosen and not asking for the manual form: the reason, and the way out.
        let r = c.post_multipart("/import/review", &[], &[]).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Nhập bằng tay"), "{}", r.body);
        let page = c
            .post_multipart("/import/review", &[("manual", "1")], &[])
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("nhập tay"));
        let f = fields_of(&page);
        assert_eq!(value(&f, "task_count"), "1");
        assert_eq!(value(&f, "t0_ref"), "II.1");
        // Publishing an empty form names what is missing and keeps what was typed.
        let r = press(&mut c, &page, &[("number", "21/KH-STP")], "publish").await;
        assert_eq!(r.status, 422);
        assert!(
            r.body
                .contains("Trích yếu (tên kế hoạch) không được để trống")
        );
        assert!(
            r.body
                .contains("Nhiệm vụ II.1: tên nhiệm vụ không được để trống")
        );
        assert_eq!(value(&fields_of(&r), "number"), "21/KH-STP");
        let header = [
            ("number", "21/KH-STP"),
            ("date", "2026-02-10"),
            ("issuer", "Sở Tư pháp"),
            (
                "title",
                "Kế hoạch thực hiện Kế hoạch số 14/KH-UBND của UBND thành phố",
            ),
            ("implements", "14/KH-UBND"),
            ("t0_title", "Tuyên truyền, phổ biến Công ước ICCPR"),
            ("t0_items", "Tổ chức hội nghị\nBiên soạn tài liệu"),
            ("t0_lead", "Sở Tư pháp"),
            ("t0_time", "Hằng năm"),
        ];
        let page = press(&mut c, &r, &header, "add").await;
        assert_eq!(page.status, 200);
        let f = fields_of(&page);
        assert_eq!(value(&f, "task_count"), "2");
        assert_eq!(value(&f, "t1_ref"), "II.2");
        assert_eq!(value(&f, "t0_lead"), "Sở Tư pháp", "typing survives");
        assert!(
            page.body.contains("(định kỳ)"),
            "the time's kind in Vietnamese"
        );
        // A body typed by hand that the directory lacks is announced as new.
        let page = press(
            &mut c,
            &page,
            &[
                ("t1_title", "Rà soát văn bản quy phạm pháp luật"),
                ("t1_lead", "Phòng Pháp chế mới"),
                ("t1_time", "2026-2030"),
            ],
            "preview",
        )
        .await;
        assert!(
            page.body
                .contains("Chưa có trong danh mục, sẽ được thêm khi công bố")
                && page.body.contains("<strong>Phòng Pháp chế mới</strong>"),
            "{}",
            page.body
        );
        // The directory is searched without marks; a body found is added with one press.
        let page = press(&mut c, &page, &[("t1_q", "noi vu")], "find:1").await;
        let home = app
            .db
            .list_agencies()
            .await?
            .into_iter()
            .find(|a| a.name == "Sở Nội vụ")
            .ok_or("Sở Nội vụ in the directory")?;
        let pick = format!("pick:1:coord:{}", home.id);
        assert!(page.body.contains(&pick), "{}", page.body);
        let page = press(&mut c, &page, &[], &pick).await;
        assert_eq!(value(&fields_of(&page), "t1_coord"), "Sở Nội vụ");
        // Split the first task: the new row below shares its bodies and time.
        // Each task's buttons bring the page back to that task, not to the top.
        assert!(
            page.body
                .contains("value=\"split:0\" formaction=\"/import/publish#t1\""),
            "{}",
            page.body
        );
        let page = press(&mut c, &page, &[], "split:0").await;
        let f = fields_of(&page);
        assert_eq!(value(&f, "task_count"), "3");
        assert_eq!(value(&f, "t1_ref"), "II.1.1");
        assert_eq!(value(&f, "t1_lead"), "Sở Tư pháp");
        assert_eq!(value(&f, "t1_time"), "Hằng năm");
        // Move the split row below the last, then merge the first two back.
        let page = press(
            &mut c,
            &page,
            &[("t1_title", "Tập huấn cho cán bộ")],
            "down:1",
        )
        .await;
        let f = fields_of(&page);
        assert_eq!(value(&f, "t1_ref"), "II.2");
        assert_eq!(value(&f, "t2_title"), "Tập huấn cho cán bộ");
        let page = press(&mut c, &page, &[], "merge:0").await;
        assert!(
            page.body.contains("“2026-2030” không được giữ"),
            "the time not kept is said: {}",
            page.body
        );
        let f = fields_of(&page);
        assert_eq!(value(&f, "task_count"), "2");
        assert_eq!(
            value(&f, "t0_items"),
            "Tổ chức hội nghị\nBiên soạn tài liệu\nRà soát văn bản quy phạm pháp luật"
        );
        assert_eq!(
            value(&f, "t0_lead"),
            "Sở Tư pháp\nPhòng Pháp chế mới",
            "bodies united"
        );
        let done = press(&mut c, &page, &[], "publish").await;
        assert_eq!(done.status, 303, "{}", done.body);
        let plans = app.db.list_plans().await?;
        let new = plans
            .iter()
            .find(|p| p.number.as_deref() == Some("21/KH-STP"))
            .ok_or("the plan entered by hand")?;
        assert_eq!(new.implements, vec!["14/KH-UBND".to_string()]);
        assert_eq!(new.issuer.as_deref(), Some("Sở Tư pháp"));
        let view = app.db.load_plan(new.id).await?;
        let refs: Vec<&str> = view.tasks.iter().map(|t| t.reference.as_str()).collect();
        assert_eq!(refs, ["II.1", "II.1.1"]);
        assert_eq!(view.tasks[1].title, "Tập huấn cho cán bộ");
        assert_eq!(view.tasks[0].items.len(), 3);
        let versions = app.db.plan_versions(new.id).await?;
        assert_eq!(versions.len(), 1);
        assert!(versions[0].by.is_some(), "who published is recorded");
        // The same number entered again: publishing first says it replaces the stored plan.
        let page = c
            .post_multipart("/import/review", &[("manual", "1")], &[])
            .await;
        let again = [
            ("number", "21/KH-STP"),
            ("issuer", "Sở Tư pháp"),
            ("title", "Kế hoạch nhập lại"),
            ("t0_title", "Một nhiệm vụ khác"),
            ("t0_lead", "Sở Tư pháp"),
        ];
        let r = press(&mut c, &page, &again, "publish").await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.body
                .contains("Kế hoạch số 21/KH-STP đã có trong hệ thống (phiên bản 1"),
            "{}",
            r.body
        );
        assert!(r.body.contains("Bỏ nhiệm vụ II.1.1."), "{}", r.body);
        assert_eq!(app.db.load_plan(new.id).await?.summary.title, new.title);
        let r = press(&mut c, &r, &[], "confirm").await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(
            app.db.load_plan(new.id).await?.summary.title,
            "Kế hoạch nhập lại"
        );
        Ok(())
    })
}

fn published_plan_corrected_as_a_version(app: TestApp) -> Fut {
    Box::pin(async move {
        let p = app.plan_id;
        let mut c = app.signed_in("coord").await;
        let plan_page = c.get(&format!("/plans/{p}")).await;
        assert!(plan_page.body.contains(&format!("/plans/{p}/edit")));
        let mut focal = app.signed_in("focal").await;
        assert_eq!(focal.get(&format!("/plans/{p}/edit")).await.status, 403);
        let page = c.get(&format!("/plans/{p}/edit")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Sửa kế hoạch"));
        let f = fields_of(&page);
        assert_eq!(value(&f, "plan_id"), p.to_string());
        let first = value(&f, "t0_title").to_string();
        // No round yet: a correction publishes at once.
        let r = press(
            &mut c,
            &page,
            &[("t0_title", "Tên đã sửa lần một")],
            "publish",
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_ne!(first, "Tên đã sửa lần một");
        let view = app.db.load_plan(p).await?;
        assert_eq!(view.tasks[0].title, "Tên đã sửa lần một");
        let plan_page = c.get(&format!("/plans/{p}")).await;
        assert!(plan_page.body.contains("Các phiên bản"));
        assert!(plan_page.body.contains("sửa 1"), "{}", plan_page.body);
        // Each version is read from the list: the first as it was, the second as corrected, with
        // who published it; an earlier one says which is in force.
        assert!(
            plan_page
                .body
                .contains(&format!("href=\"/plans/{p}/versions/1\"")),
            "{}",
            plan_page.body
        );
        let second = c.get(&format!("/plans/{p}/versions/2")).await;
        assert_eq!(second.status, 200, "{}", second.body);
        assert!(second.body.contains("Tên đã sửa lần một"));
        assert!(second.body.contains("đang có hiệu lực"), "{}", second.body);
        assert!(
            second.body.contains("bởi Người dùng coord"),
            "who published the correction: {}",
            second.body
        );
        let mut focal_reads = app.signed_in("focal").await;
        let old = focal_reads.get(&format!("/plans/{p}/versions/1")).await;
        assert_eq!(old.status, 200, "{}", old.body);
        assert!(!old.body.contains("Tên đã sửa lần một"), "{}", old.body);
        assert!(old.body.contains(&first), "the title it had: {}", old.body);
        assert!(
            old.body.contains("Phiên bản cũ, chỉ để xem"),
            "{}",
            old.body
        );
        assert!(!old.body.contains("/import/publish"), "read-only");
        assert_eq!(c.get(&format!("/plans/{p}/versions/9")).await.status, 404);
        // With a round open, publishing first shows what changes for it.
        let round = crate::drafts::round(&app).await?;
        let page = c.get(&format!("/plans/{p}/edit")).await;
        let f = fields_of(&page);
        let lead0 = value(&f, "t0_lead").to_string();
        let r = press(&mut c, &page, &[("t0_lead", "Sở Nội vụ")], "publish").await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("Những gì sẽ thay đổi khi công bố"));
        assert!(r.body.contains("chủ trì: thêm Sở Nội vụ"), "{}", r.body);
        assert_eq!(
            app.db.load_plan(p).await?.tasks[0].title,
            "Tên đã sửa lần một"
        );
        assert_eq!(
            app.db.plan_versions(p).await?.len(),
            2,
            "nothing stored yet"
        );
        let r = press(&mut c, &r, &[], "confirm").await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(app.db.plan_versions(p).await?.len(), 3);
        assert_ne!(lead0, "Sở Nội vụ");
        let round_page = c.get(&format!("/rounds/{round}")).await;
        assert!(
            round_page
                .body
                .contains("Kế hoạch đã được sửa sau khi mở đợt này"),
            "{}",
            round_page.body
        );
        // A task the round reports on cannot be dropped: refused with the reason, nothing stored.
        let used = app.db.tasks_in_rounds(p).await?;
        let reported = &used.first().ok_or("a task of the round")?.reference;
        let page = c.get(&format!("/plans/{p}/edit")).await;
        let f = fields_of(&page);
        let at = (0..)
            .find(|i| value(&f, &format!("t{i}_ref")) == reported)
            .ok_or("the reported task in the form")?;
        let drop = format!("t{at}_drop");
        let r = press(&mut c, &page, &[(drop.as_str(), "1")], "publish").await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("không thể công bố khi còn bỏ nhiệm vụ này"));
        assert!(!r.body.contains("value=\"confirm\""), "nothing to confirm");
        let r = press(&mut c, &r, &[], "confirm").await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("Không thể bỏ nhiệm vụ"), "{}", r.body);
        assert_eq!(app.db.plan_versions(p).await?.len(), 3);
        Ok(())
    })
}
