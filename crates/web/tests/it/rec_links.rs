//! Links, not tags: a task linked to the register's recommendations and the Covenant's articles
//! from its page (a search without marks, checkboxes, no JavaScript) and in the plan review (a
//! search whose choice adds a line, one reference per line, checked before publishing), a plan's
//! free-text tags
//! turned into links from the plan page, and the public page showing the documents the
//! coordinator published.

use crate::{Case, Fut, TestApp};
use libtest_mimic::Failed;
use theodoi_domain::recommendation::{Mechanism, RecSource, Recommendation};

pub const CASES: &[(&str, Case)] = &[
    (
        "task_page_links_recommendations_found_without_marks",
        task_page_links_recommendations_found_without_marks,
    ),
    (
        "plan_review_links_tasks_to_recommendations",
        plan_review_links_tasks_to_recommendations,
    ),
    (
        "plan_page_turns_tags_into_links",
        plan_page_turns_tags_into_links,
    ),
    (
        "public_page_shows_only_published_registers",
        public_page_shows_only_published_registers,
    ),
];

const CO4: &str = "CCPR/C/VNM/CO/4";
const UPR: &str = "A/HRC/41/7";

fn rec(paragraph: u32, sub: Option<&str>, theme: &str, text: &str) -> Recommendation {
    Recommendation {
        paragraph,
        sub: sub.map(str::to_string),
        theme: theme.into(),
        articles: vec![14],
        concern: None,
        text: text.into(),
        text_vi: None,
    }
}

/// Two documents in Vietnamese: the concluding observations (5, 21(a), 21(b)) and a UPR report
/// (115.1). Returns their source ids.
async fn register(app: &TestApp) -> Result<(i64, i64), Failed> {
    let now = time::OffsetDateTime::now_utc();
    let co4 = app
        .db
        .import_recommendations(
            &RecSource {
                symbol: CO4.into(),
                title: "Nhận xét kết luận về báo cáo quốc gia lần thứ tư của Việt Nam".into(),
                date: None,
                mechanism: Mechanism::from_symbol(CO4).ok_or("a treaty body")?,
                language: "vi".into(),
            },
            &[
                rec(
                    5,
                    None,
                    "Khung pháp lý",
                    "Bảo đảm Công ước được áp dụng trực tiếp.",
                ),
                rec(
                    21,
                    Some("a"),
                    "Quyền được xét xử công bằng",
                    "Bảo đảm tính độc lập của thẩm phán.",
                ),
                rec(
                    21,
                    Some("b"),
                    "Quyền được xét xử công bằng",
                    "Bảo đảm người bị tạm giữ được gặp luật sư ngay từ khi bị bắt.",
                ),
            ],
            Some("2715/QĐ-TTg"),
            false,
            now,
        )
        .await?
        .source_id;
    let upr = app
        .db
        .import_recommendations(
            &RecSource {
                symbol: UPR.into(),
                title: "Báo cáo của Nhóm công tác về UPR".into(),
                date: None,
                mechanism: Mechanism::Upr,
                language: "vi".into(),
            },
            &[rec(115, Some("1"), "Trẻ em", "Tăng cường bảo vệ trẻ em.")],
            None,
            false,
            now,
        )
        .await?
        .source_id;
    Ok((co4, upr))
}

async fn rec_id(app: &TestApp, source: i64, number: &str) -> Result<i64, Failed> {
    Ok(app
        .db
        .recommendations(Some(source))
        .await?
        .into_iter()
        .find(|r| r.number() == number)
        .ok_or(format!("no recommendation {number}"))?
        .id)
}

fn task_page_links_recommendations_found_without_marks(app: TestApp) -> Fut {
    Box::pin(async move {
        let (co4, _) = register(&app).await?;
        let b = rec_id(&app, co4, "21(b)").await?;
        let a = rec_id(&app, co4, "21(a)").await?;
        let task = app.task_id("II.1").await;
        let mut coord = app.signed_in("coord").await;
        let page = coord.get(&format!("/tasks/{task}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Khuyến nghị thực hiện"));
        assert!(
            page.body.contains("Điều 14. Quyền được xét xử công bằng"),
            "the articles with their titles"
        );
        assert!(
            !page.body.contains(&format!("name=\"rec\" value=\"{b}\"")),
            "nothing listed before a search"
        );
        // Without marks and tones, the search finds "luật sư".
        let found = coord.get(&format!("/tasks/{task}?q=luat+su")).await;
        assert_eq!(found.status, 200);
        assert!(
            found.body.contains(&format!("name=\"rec\" value=\"{b}\"")),
            "{}",
            found.body
        );
        assert!(
            !found.body.contains(&format!("name=\"rec\" value=\"{a}\"")),
            "21(a) does not mention a lawyer"
        );
        let nothing = coord
            .get(&format!("/tasks/{task}?q=khong+co+gi+nhu+the"))
            .await;
        assert!(nothing.body.contains("Không tìm thấy khuyến nghị nào"));
        // A word typed starts a word of the text: "am" is inside "đảm" and "thẩm", not a word.
        let inside = coord.get(&format!("/tasks/{task}?q=am")).await;
        assert!(
            inside.body.contains("Không tìm thấy khuyến nghị nào"),
            "{}",
            inside.body
        );

        // A refusal keeps what was ticked, on the page, in its language.
        let r = coord
            .post(
                &format!("/tasks/{task}/recommendations"),
                &[
                    ("q", "luat su"),
                    ("rec", &b.to_string()),
                    ("article", "14"),
                    ("article", "30"),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("không có điều 30"), "{}", r.body);
        assert!(
            r.body
                .contains(&format!("name=\"rec\" value=\"{b}\" checked")),
            "the ticked recommendation stays ticked"
        );
        assert!(r.body.contains("name=\"article\" value=\"14\" checked"));
        assert!(app.db.task_recommendations(task).await?.is_empty());

        coord.get(&format!("/tasks/{task}?q=luat+su")).await;
        let r = coord
            .post(
                &format!("/tasks/{task}/recommendations"),
                &[("rec", &b.to_string()), ("article", "9")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = coord.get(&format!("/tasks/{task}")).await;
        assert!(page.body.contains("CCPR/C/VNM/CO/4 đoạn 21(b)"));
        assert!(
            page.body
                .contains(&format!("href=\"/recommendations/{co4}\""))
        );
        assert!(page.body.contains("gặp luật sư"));
        // Linked ones are listed ticked without a search, so they can be unticked.
        assert!(
            page.body
                .contains(&format!("name=\"rec\" value=\"{b}\" checked"))
        );
        assert!(page.body.contains("name=\"article\" value=\"9\" checked"));
        let linked: Vec<i64> = app
            .db
            .task_recommendations(task)
            .await?
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(linked, vec![b]);
        assert_eq!(app.db.task_articles(task).await?, vec![9]);
        let audit = app
            .db
            .audit_log(&theodoi_store::accounts::AuditFilter {
                action: "task_recommendations_set".into(),
                username: String::new(),
                limit: 10,
            })
            .await?;
        assert_eq!(audit.len(), 1, "the save is audited, the refusal is not");

        // A focal point reads the links but neither sees the form nor may post it.
        let mut focal = app.signed_in("focal").await;
        let page = focal.get(&format!("/tasks/{task}")).await;
        assert!(page.body.contains("CCPR/C/VNM/CO/4 đoạn 21(b)"));
        assert!(!page.body.contains("name=\"article\""));
        let r = focal
            .post(
                &format!("/tasks/{task}/recommendations"),
                &[("article", "1")],
            )
            .await;
        assert_eq!(r.status, 403);
        assert_eq!(app.db.task_articles(task).await?, vec![9]);
        Ok(())
    })
}

fn plan_page_turns_tags_into_links(app: TestApp) -> Fut {
    Box::pin(async move {
        let (co4, _) = register(&app).await?;
        let task = app.task_id("II.1").await;
        app.db
            .set_task_tags(
                task,
                &[
                    "ICCPR Điều 14".to_string(),
                    format!("{CO4} đoạn 21(b)"),
                    format!("{CO4} đoạn 999"),
                ],
            )
            .await?;
        let plan = format!("/plans/{}", app.plan_id);
        let mut focal = app.signed_in("focal").await;
        assert!(
            !focal
                .get(&plan)
                .await
                .body
                .contains("Chuyển nhãn thành liên kết")
        );
        let mut coord = app.signed_in("coord").await;
        coord.cookies.insert("lang".into(), "en".into());
        let page = coord.get(&plan).await;
        assert!(page.body.contains("Turn tags into links"), "{}", page.body);
        let r = coord.post(&format!("{plan}/tags/resolve"), &[]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        // The reason in the page's language only.
        assert!(r.body.contains("has no paragraph 999"), "{}", r.body);
        assert!(!r.body.contains("không có đoạn 999"));
        assert!(r.body.contains(&format!("{CO4} đoạn 999")));
        assert_eq!(
            app.db
                .task_recommendations(task)
                .await?
                .iter()
                .map(|r| r.number())
                .collect::<Vec<_>>(),
            vec!["21(b)".to_string()]
        );
        assert_eq!(app.db.task_articles(task).await?, vec![14]);
        // Only the tag that did not resolve keeps the free-text form.
        coord.cookies.insert("lang".into(), "vi".into());
        let page = coord.get(&format!("/tasks/{task}")).await;
        assert!(page.body.contains(&format!("value=\"{CO4} đoạn 999\"")));
        assert!(
            page.body
                .contains(&format!("href=\"/recommendations/{co4}\""))
        );
        let audit = app
            .db
            .audit_log(&theodoi_store::accounts::AuditFilter {
                action: "plan_tags_resolved".into(),
                username: String::new(),
                limit: 10,
            })
            .await?;
        assert_eq!(audit.len(), 1);
        let r = focal.post(&format!("{plan}/tags/resolve"), &[]).await;
        assert_eq!(r.status, 403);
        Ok(())
    })
}

fn public_page_shows_only_published_registers(app: TestApp) -> Fut {
    Box::pin(async move {
        let (co4, upr) = register(&app).await?;
        let b = rec_id(&app, co4, "21(b)").await?;
        let task = app.task_id("II.1").await;
        let now = time::OffsetDateTime::now_utc();
        app.db
            .set_task_recommendations(task, &[b], &[], None, now)
            .await?;
        let mut anon = app.client();
        let page = anon.get("/public").await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains(CO4), "nothing published yet");
        app.db.set_source_published(co4, true).await?;
        let page = anon.get("/public").await;
        assert!(
            page.body
                .contains(&format!("Thực hiện các khuyến nghị: {CO4}"))
        );
        assert!(!page.body.contains(UPR), "the UPR report is not published");
        assert!(page.body.contains("gặp luật sư"));
        assert!(
            page.body.contains("Chưa có báo cáo"),
            "the task's status in words"
        );
        assert!(
            page.body.contains("Chưa có nhiệm vụ thực hiện"),
            "5 and 21(a) are not covered"
        );
        assert!(!page.body.contains("Người dùng"), "no personal data");
        assert!(!page.body.contains("Not yet"), "one language");
        anon.cookies.insert("lang".into(), "en".into());
        let page = anon.get("/public").await;
        assert!(page.body.contains("Not yet acted on"));
        assert!(!page.body.contains("Chưa có nhiệm vụ thực hiện"));
        app.db.set_source_published(upr, true).await?;
        assert!(anon.get("/public").await.body.contains(UPR));
        Ok(())
    })
}

/// In the plan review each task lists its recommendations and articles one per line; a search
/// of the register adds one; a reference the register does not hold stops publishing with its
/// reason and nothing stored; the review of a stored plan shows the links it has, and clearing
/// the field clears them.
fn plan_review_links_tasks_to_recommendations(app: TestApp) -> Fut {
    use crate::review::{fields_of, press, value};
    Box::pin(async move {
        let (co4, _) = register(&app).await?;
        let b = rec_id(&app, co4, "21(b)").await?;
        let p = app.plan_id;
        let task = app.task_id("II.1").await;
        let mut c = app.signed_in("coord").await;
        let page = c.get(&format!("/plans/{p}/edit")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(value(&fields_of(&page), "t0_ref"), "II.1");
        assert_eq!(value(&fields_of(&page), "t0_recs"), "", "no link yet");
        assert!(
            page.body
                .contains("Khuyến nghị thực hiện và điều của Công ước")
        );
        // Found without marks, by words of the text; the choice adds its reference.
        let found = press(&mut c, &page, &[("t0_rq", "luat su")], "recfind:0").await;
        assert_eq!(found.status, 200, "{}", found.body);
        assert!(found.body.contains("được gặp luật sư"), "{}", found.body);
        let pick = format!("recpick:0:{b}");
        assert!(found.body.contains(&pick), "{}", found.body);
        assert!(
            !found.body.contains("đoạn 21(a)</strong>"),
            "21(a) does not speak of lawyers"
        );
        let picked = press(&mut c, &found, &[], &pick).await;
        assert_eq!(
            value(&fields_of(&picked), "t0_recs"),
            "CCPR/C/VNM/CO/4 đoạn 21(b)"
        );
        // The list stays open to choose more from the same search.
        assert!(picked.body.contains(&pick), "{}", picked.body);
        // A paragraph the document does not have, and a document not in the register: refused,
        // each named, nothing stored.
        let bad = "CCPR/C/VNM/CO/4 đoạn 21(b)\nCCPR/C/VNM/CO/4 đoạn 999\nCCPR/C/VNM/CO/4 đoạn 21(c)\nCCPR/C/CHN/CO/1 đoạn 3\nĐiều 99\nđiều khoản chung\nĐiều 14";
        let r = press(&mut c, &picked, &[("t0_recs", bad)], "publish").await;
        assert_eq!(r.status, 422, "{}", r.body);
        for reason in [
            "CCPR/C/VNM/CO/4 không có đoạn 999 trong danh mục.",
            "đoạn 21 của CCPR/C/VNM/CO/4 không có điểm c",
            "Công ước không có điều 99",
            "mỗi dòng ghi một khuyến nghị như",
        ] {
            assert!(r.body.contains(reason), "{reason}: {}", r.body);
        }
        assert!(
            r.body
                .contains("chưa có văn bản CCPR/C/CHN/CO/1 trong danh mục khuyến nghị"),
            "{}",
            r.body
        );
        assert!(app.db.task_recommendations(task).await?.is_empty());
        assert!(app.db.task_articles(task).await?.is_empty());
        // Corrected: published with the links, "Điều 14" read as the Covenant's article.
        let r = press(
            &mut c,
            &r,
            &[("t0_recs", "CCPR/C/VNM/CO/4 đoạn 21(b)\nĐiều 14")],
            "publish",
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let linked: Vec<i64> = app
            .db
            .task_recommendations(task)
            .await?
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(linked, vec![b]);
        assert_eq!(app.db.task_articles(task).await?, vec![14]);
        let task_page = c.get(&format!("/tasks/{task}")).await;
        assert!(task_page.body.contains("CCPR/C/VNM/CO/4 đoạn 21(b)"));
        // Opened again, the review shows them; a paragraph alone links all its subs.
        let page = c.get(&format!("/plans/{p}/edit")).await;
        assert_eq!(
            value(&fields_of(&page), "t0_recs"),
            "CCPR/C/VNM/CO/4 đoạn 21(b)\nICCPR Điều 14"
        );
        let r = press(
            &mut c,
            &page,
            &[("t0_recs", "CCPR/C/VNM/CO/4 đoạn 21")],
            "publish",
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(app.db.task_recommendations(task).await?.len(), 2);
        assert!(app.db.task_articles(task).await?.is_empty());
        let page = c.get(&format!("/plans/{p}/edit")).await;
        let r = press(&mut c, &page, &[("t0_recs", "")], "publish").await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(app.db.task_recommendations(task).await?.is_empty());
        Ok(())
    })
}
