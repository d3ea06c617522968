//! The register of recommendations on the web: the import through its review (nothing stored
//! before the confirmation), the coverage page with its filters, the XLSX, the publish toggle,
//! and who may do what.

use crate::client::Client;
use crate::{Case, Fut, TestApp};
use libtest_mimic::Failed;
use std::io::Read as _;
use theodoi_domain::report::{Action, Actor};

pub const CASES: &[(&str, Case)] = &[
    (
        "recommendations_import_through_the_review",
        recommendations_import_through_the_review,
    ),
    (
        "recommendations_import_refusals_stay_on_the_page",
        recommendations_import_refusals_stay_on_the_page,
    ),
    (
        "recommendations_coverage_filters_xlsx_and_publish",
        recommendations_coverage_filters_xlsx_and_publish,
    ),
    (
        "recommendations_only_the_coordinator_imports",
        recommendations_only_the_coordinator_imports,
    ),
    (
        "recommendations_headings_in_vietnamese_and_no_task_needed",
        recommendations_headings_in_vietnamese_and_no_task_needed,
    ),
];

/// Concluding observations in the shape a PDF's text layer gives (page furniture included).
const CO_EN: &str = include_str!("../../../plandoc/tests/fixtures/recommendations/co_en_pdf.txt");
const SYMBOL: &str = "CCPR/C/VNM/CO/4";
/// Recommendation 4(b)'s text, as the reader keeps it.
const TEXT_4B: &str = "Train judges, prosecutors and lawyers on the Covenant";

/// An attribute's value as the page wrote it, entities undone.
fn hidden(body: &str, name: &str) -> Option<String> {
    let at = body.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &body[at + name.len() + 15..];
    let raw = rest.split('"').next()?;
    Some(
        raw.replace("&#34;", "\"")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

async fn upload(c: &mut Client, files: &[(&str, &str, &[u8])]) -> crate::client::Resp {
    c.get("/recommendations").await;
    c.post_multipart(
        "/recommendations/review",
        &[("symbol", ""), ("accepted_by", "2715/QĐ-TTg")],
        files,
    )
    .await
}

fn recommendations_import_through_the_review(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut coord = app.signed_in("coord").await;
        let list = coord.get("/recommendations").await;
        assert_eq!(list.status, 200, "{}", list.body);
        assert!(list.body.contains("2715/QĐ-TTg"), "the default plan");
        let r = upload(&mut coord, &[("file", "co_en.txt", CO_EN.as_bytes())]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        for s in [
            SYMBOL,
            "4(b)",
            TEXT_4B,
            // Articles named with their Vietnamese titles.
            "Quyền sống",
            "Liberty and security of person",
            // Storing would add every one.
            "khuyến nghị mới",
            "Lưu vào sổ",
        ] {
            assert!(r.body.contains(s), "the review shows {s}: {}", r.body);
        }
        // The reader's notes name their lines (the page furniture it dropped).
        assert!(r.body.contains("Dòng "), "diagnostics with lines");
        // Nothing is stored before the confirmation.
        assert!(
            app.db.rec_sources().await?.is_empty(),
            "stored before confirm"
        );
        let payload = hidden(&r.body, "payload").ok_or("no payload")?;
        let accepted = hidden(&r.body, "accepted_by").ok_or("no accepted_by")?;
        let stored = coord
            .post(
                "/recommendations/import",
                &[("payload", &payload), ("accepted_by", &accepted)],
            )
            .await;
        assert_eq!(stored.status, 303, "{}", stored.body);
        let sources = app.db.rec_sources().await?;
        let [source] = sources.as_slice() else {
            return Err(format!("one source expected: {sources:?}").into());
        };
        assert_eq!(source.symbol, SYMBOL);
        assert_eq!(source.accepted_by, "2715/QĐ-TTg");
        assert!(!source.published, "not public until the coordinator says");
        assert_eq!(
            stored.location(),
            format!("/recommendations/{}?imported=1", source.id)
        );
        let recs = app.db.recommendations(Some(source.id)).await?;
        assert!(recs.len() >= 10, "{} recommendations", recs.len());
        assert!(
            recs.iter()
                .any(|r| r.number() == "4(b)" && r.text.contains(TEXT_4B))
        );
        let page = coord.get(stored.location()).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Đã lưu các khuyến nghị vào sổ"));
        // Audited.
        let mut admin = app.signed_in("admin").await;
        let audit = admin.get("/admin/audit").await;
        assert!(
            audit.body.contains("recommendations_imported"),
            "audited: {}",
            audit.body
        );
        // The same file again: nothing new, everything unchanged.
        let again = upload(&mut coord, &[("file", "co_en.txt", CO_EN.as_bytes())]).await;
        assert_eq!(again.status, 200, "{}", again.body);
        assert!(again.body.contains("Văn bản đã có trong sổ"));
        assert!(again.body.contains("0 khuyến nghị mới"), "{}", again.body);
        assert!(!again.body.contains("class=\"tag new\""));
        // The list counts them, none covered yet.
        let list = coord.get("/recommendations").await;
        assert!(
            list.body.contains(&format!("0/{}", recs.len())),
            "{}",
            list.body
        );
        Ok(())
    })
}

fn recommendations_import_refusals_stay_on_the_page(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut coord = app.signed_in("coord").await;
        let cases: [(&str, &[u8], &str); 3] = [
            (
                "thu.txt",
                "Biên bản họp\nKhông có đoạn đánh số nào.\n".as_bytes(),
                "không tìm thấy khuyến nghị nào",
            ),
            (
                "bang.csv",
                "a,b,c\n1,2,3\n".as_bytes(),
                "không có dòng tiêu đề nêu các cột cần tìm",
            ),
            ("anh.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0", "anh.png"),
        ];
        for (name, bytes, said) in cases {
            let r = upload(&mut coord, &[("file", name, bytes)]).await;
            assert_eq!(r.status, 422, "{name}: {}", r.body);
            assert!(r.body.contains(said), "{name}: {}", r.body);
            // Inline, above the form as it was filled in, not an error page.
            assert!(
                r.body.contains("action=\"/recommendations/review\""),
                "{name}"
            );
            assert!(r.body.contains("role=\"alert\""), "{name}");
        }
        // No file at all.
        let r = upload(&mut coord, &[]).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("Chưa chọn tệp"));
        // In English, the refusal is in English.
        coord.get("/lang/en").await;
        let r = upload(
            &mut coord,
            &[("file", "thu.txt", b"Nothing numbered here.\n")],
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("no recommendation found"), "{}", r.body);
        // A damaged confirmation stores nothing.
        let r = coord
            .post("/recommendations/import", &[("payload", "[{\"x\":1}]")])
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(app.db.rec_sources().await?.is_empty());
        Ok(())
    })
}

/// Store the fixture's recommendations; returns the source's id.
async fn stored(app: &TestApp) -> Result<i64, Failed> {
    let read = theodoi_plandoc::recommendations::read_file(
        Some("co.txt"),
        CO_EN.as_bytes(),
        &Default::default(),
    )
    .map_err(|e| e.to_string())?;
    let doc = read.first().ok_or("nothing read")?;
    let o = app
        .db
        .import_recommendations(
            &doc.source,
            &doc.recommendations,
            Some("2715/QĐ-TTg"),
            false,
            time::OffsetDateTime::now_utc(),
        )
        .await?;
    Ok(o.source_id)
}

/// A round in which the Sở Tư pháp reports every task it leads as done and sends the report;
/// returns a task it leads.
async fn reported(app: &TestApp) -> Result<i64, Failed> {
    let now = time::OffsetDateTime::now_utc();
    let round = app
        .db
        .open_round(
            &theodoi_store::rounds::NewRound::ad_hoc(
                app.plan_id,
                "Đợt 6 tháng",
                theodoi_domain::DateRange {
                    start: time::macros::date!(2026 - 01 - 01),
                    end: time::macros::date!(2026 - 06 - 14),
                },
                time::macros::date!(2026 - 06 - 15),
            ),
            now,
        )
        .await?
        .id;
    let form = app
        .db
        .report_form(round, app.justice)
        .await?
        .ok_or("no form")?;
    let task = form
        .tasks
        .iter()
        .find(|t| t.role == theodoi_domain::Role::Lead)
        .ok_or("the Sở Tư pháp leads a task")?
        .task_id;
    let save = theodoi_store::rounds::SaveReport {
        expected_version: 0,
        tasks: form
            .tasks
            .iter()
            .map(|t| theodoi_store::rounds::TaskEntry {
                task_id: t.task_id,
                status: Some(theodoi_domain::TaskStatus::Done),
                reason: String::new(),
                results: "Đã tổ chức".into(),
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
                value: 5,
            })
            .collect(),
        ..Default::default()
    };
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
        ],
    )
    .await?;
    Ok(task)
}

/// The ids of the recommendation rows a coverage page shows.
fn rows(body: &str) -> Vec<i64> {
    body.split("<tr id=\"r")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

fn recommendations_coverage_filters_xlsx_and_publish(app: TestApp) -> Fut {
    Box::pin(async move {
        let source = stored(&app).await?;
        let recs = app.db.recommendations(Some(source)).await?;
        let rec_4b = recs
            .iter()
            .find(|r| r.number() == "4(b)")
            .ok_or("4(b) read")?;
        let task = reported(&app).await?;
        app.db
            .set_task_recommendations(
                task,
                &[rec_4b.id],
                &[],
                None,
                time::OffsetDateTime::now_utc(),
            )
            .await?;
        let mut leader = app.signed_in("leader").await;
        let path = format!("/recommendations/{source}");
        let page = leader.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let n = recs.len();
        // The fixture's "Dissemination and follow-up" paragraphs (22, 23) need no task.
        let procedural = recs.iter().filter(|r| !r.needs_task()).count();
        assert_eq!(procedural, 2, "{recs:?}");
        for s in [
            format!("{n} khuyến nghị"),
            "1 đã có nhiệm vụ thực hiện".to_string(),
            format!("{procedural} không cần nhiệm vụ riêng"),
            format!("{} chưa có nhiệm vụ thực hiện", n - 1 - procedural),
            format!("href=\"/tasks/{task}\""),
            "Sở Tư pháp".into(),
            "Hoàn thành".into(),
            "Đợt 6 tháng".into(),
            "Chủ trì".into(),
            // An uncovered one is marked, and the summary links to it.
            "Chưa có nhiệm vụ thực hiện".into(),
            format!("?uncovered=1#r{}", recs[0].id),
            // Article 2's Vietnamese title, for the hover and in view.
            "title=\"Nghĩa vụ tôn trọng".into(),
        ] {
            assert!(page.body.contains(&s), "the coverage shows {s}");
        }
        assert_eq!(rows(&page.body).len(), n, "every recommendation");
        // The leader reads; publishing is the coordinator's.
        assert!(!page.body.contains("/publish"));

        // Filters.
        let only_uncovered = rows(&leader.get(&format!("{path}?uncovered=1")).await.body);
        assert_eq!(only_uncovered.len(), n - 1 - procedural);
        assert!(!only_uncovered.contains(&rec_4b.id));
        let by_body = rows(
            &leader
                .get(&format!("{path}?body={}", app.justice))
                .await
                .body,
        );
        assert_eq!(by_body, vec![rec_4b.id]);
        let by_article = rows(&leader.get(&format!("{path}?article=6")).await.body);
        let with_6: Vec<i64> = recs
            .iter()
            .filter(|r| r.articles.contains(&6))
            .map(|r| r.id)
            .collect();
        assert!(!with_6.is_empty(), "the fixture has article 6");
        assert_eq!(by_article, with_6);
        let theme = rec_4b.theme.clone();
        let q: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("theme", &theme)
            .finish();
        let by_theme = rows(&leader.get(&format!("{path}?{q}")).await.body);
        let same_theme: Vec<i64> = recs
            .iter()
            .filter(|r| r.theme == theme)
            .map(|r| r.id)
            .collect();
        assert_eq!(by_theme, same_theme);
        assert!(by_theme.len() < n, "the theme filter filters");
        // A value that does not read is no filter.
        assert_eq!(
            rows(&leader.get(&format!("{path}?article=x")).await.body).len(),
            n
        );

        // The workbook: one row per recommendation and task, uncovered ones included.
        let x = leader.get(&format!("{path}/coverage.xlsx")).await;
        assert_eq!(x.status, 200);
        assert!(
            x.header("content-type")
                .unwrap_or_default()
                .contains("spreadsheetml"),
            "{:?}",
            x.headers
        );
        assert!(
            x.header("content-disposition")
                .unwrap_or_default()
                .contains(".xlsx")
        );
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&x.bytes))
            .map_err(|e| format!("not an XLSX: {e}"))?;
        let mut xml = String::new();
        for name in ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"] {
            zip.by_name(name)
                .map_err(|e| format!("{name}: {e}"))?
                .read_to_string(&mut xml)?;
        }
        for s in [
            TEXT_4B,
            "Chưa có nhiệm vụ thực hiện",
            "Không cần nhiệm vụ riêng",
            "Nội dung khuyến nghị",
            "Cơ quan chủ trì",
            "Hoàn thành",
        ] {
            assert!(xml.contains(s), "the workbook holds {s}");
        }
        // Filtered as the page.
        let x = leader
            .get(&format!("{path}/coverage.xlsx?body={}", app.justice))
            .await;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&x.bytes))
            .map_err(|e| format!("not an XLSX: {e}"))?;
        let mut xml = String::new();
        zip.by_name("xl/sharedStrings.xml")
            .map_err(|e| e.to_string())?
            .read_to_string(&mut xml)?;
        assert!(xml.contains(TEXT_4B));
        assert!(!xml.contains("Chưa có nhiệm vụ thực hiện"));
        // It says it holds only what the filter keeps.
        assert!(xml.contains("Lọc theo: cơ quan Sở Tư pháp"), "{xml}");

        // Publishing: the coordinator only, audited, and undone.
        let r = leader
            .post(&format!("{path}/publish"), &[("published", "1")])
            .await;
        assert_eq!(r.status, 403);
        let mut coord = app.signed_in("coord").await;
        let page = coord.get(&path).await;
        assert!(page.body.contains("Công khai trên trang công khai"));
        let r = coord
            .post(&format!("{path}/publish"), &[("published", "1")])
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(
            app.db
                .rec_sources()
                .await?
                .iter()
                .any(|s| s.id == source && s.published)
        );
        let page = coord.get(&path).await;
        assert!(page.body.contains("Thôi công khai"));
        let r = coord
            .post(&format!("{path}/publish"), &[("published", "yes")])
            .await;
        assert_eq!(r.status, 422);
        let r = coord
            .post(&format!("{path}/publish"), &[("published", "0")])
            .await;
        assert_eq!(r.status, 303);
        assert!(app.db.rec_sources().await?.iter().all(|s| !s.published));
        let mut admin = app.signed_in("admin").await;
        let audit = admin.get("/admin/audit").await;
        assert!(audit.body.contains("rec_source_published"));
        assert!(audit.body.contains("rec_source_withdrawn"));
        // A document not in the register.
        assert_eq!(coord.get("/recommendations/999999").await.status, 404);
        Ok(())
    })
}

fn recommendations_only_the_coordinator_imports(app: TestApp) -> Fut {
    Box::pin(async move {
        let source = stored(&app).await?;
        let mut focal = app.signed_in("focal").await;
        focal.get("/account").await;
        let r = focal
            .post_multipart(
                "/recommendations/review",
                &[],
                &[("file", "co_en.txt", CO_EN.as_bytes())],
            )
            .await;
        assert_eq!(r.status, 403);
        let r = focal
            .post("/recommendations/import", &[("payload", "[]")])
            .await;
        assert_eq!(r.status, 403);
        assert_eq!(focal.get("/recommendations").await.status, 403);
        assert_eq!(
            focal
                .get(&format!("/recommendations/{source}"))
                .await
                .status,
            403
        );
        // The menu shows the register to those who see every agency only.
        let home = focal.get("/plans").await;
        assert!(!home.body.contains("href=\"/recommendations\""));
        let mut leader = app.signed_in("leader").await;
        let home = leader.get("/plans").await;
        assert!(home.body.contains("href=\"/recommendations\""));
        // The leader reads the register but has no import form.
        let list = leader.get("/recommendations").await;
        assert_eq!(list.status, 200);
        assert!(list.body.contains(SYMBOL));
        assert!(!list.body.contains("action=\"/recommendations/review\""));
        Ok(())
    })
}

fn recommendations_headings_in_vietnamese_and_no_task_needed(app: TestApp) -> Fut {
    Box::pin(async move {
        let source = stored(&app).await?;
        let recs = app.db.recommendations(Some(source)).await?;
        let five = recs
            .iter()
            .find(|r| r.theme == "Non-discrimination" && r.needs_task())
            .ok_or("a non-discrimination recommendation")?;
        let path = format!("/recommendations/{source}");
        let mut coord = app.signed_in("coord").await;
        let page = coord.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        // The English headings read in Vietnamese on a Vietnamese page, in the rows and the
        // filter, and the procedural paragraphs say why they need no task.
        assert!(
            page.body.contains("Không phân biệt đối xử"),
            "{}",
            page.body
        );
        assert!(page.body.contains("Phổ biến và theo dõi thực hiện"));
        assert!(
            page.body
                .contains("Nhận xét kết luận về báo cáo định kỳ lần thứ tư của Việt Nam"),
            "the document's usual title in Vietnamese"
        );
        assert!(!page.body.contains(">Non-discrimination<"), "{}", page.body);
        assert!(page.body.contains("Khuyến nghị về thủ tục"));
        // In English, the document's own words.
        coord.get("/lang/en").await;
        let en = coord.get(&path).await;
        assert!(en.body.contains("Non-discrimination"));
        assert!(en.body.contains("A procedural recommendation"));
        coord.get("/lang/vi").await;

        // The coordinator says one needs no task: it leaves the uncovered, with the reason.
        let action = format!("{path}/recs/{}/no-task", five.id);
        let blank = coord.post(&action, &[("reason", "  ")]).await;
        assert_eq!(blank.status, 422, "{}", blank.body);
        assert!(blank.body.contains("Hãy ghi lý do"), "{}", blank.body);
        let done = coord
            .post(
                &action,
                &[("reason", "Đã thực hiện trong Luật Trợ giúp pháp lý")],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(done.location(), format!("{path}#r{}", five.id));
        let page = coord.get(&format!("{path}?uncovered=1")).await;
        assert!(!rows(&page.body).contains(&five.id));
        let page = coord.get(&path).await;
        assert!(
            page.body
                .contains("Đã thực hiện trong Luật Trợ giúp pháp lý")
        );
        // Taken back: uncovered again.
        let back = coord.post(&action, &[("clear", "1")]).await;
        assert_eq!(back.status, 303, "{}", back.body);
        let page = coord.get(&format!("{path}?uncovered=1")).await;
        assert!(rows(&page.body).contains(&five.id));
        // Another document's recommendation is not found under this one; a leader cannot.
        let wrong = coord
            .post(
                &format!("/recommendations/{}/recs/{}/no-task", source + 1, five.id),
                &[("reason", "x")],
            )
            .await;
        assert_eq!(wrong.status, 404, "{}", wrong.body);
        let mut leader = app.signed_in("leader").await;
        let page = leader.get(&path).await;
        assert!(
            !page.body.contains("/no-task"),
            "the form is the coordinator's"
        );
        let refused = leader.post(&action, &[("reason", "x")]).await;
        assert_eq!(refused.status, 403, "{}", refused.body);
        // Published, the public page says the procedural ones need no task and counts only
        // the others as not acted on.
        let published = coord
            .post(&format!("{path}/publish"), &[("published", "1")])
            .await;
        assert_eq!(published.status, 303, "{}", published.body);
        let public = app.client().get("/public").await;
        let needing = recs.iter().filter(|r| r.needs_task()).count();
        assert!(
            public.body.contains(&format!(
                "{} khuyến nghị; {needing} chưa có nhiệm vụ thực hiện",
                recs.len()
            )),
            "{}",
            public.body
        );
        assert_eq!(
            public.body.matches("Không cần nhiệm vụ riêng").count(),
            recs.len() - needing
        );
        let mut admin = app.signed_in("admin").await;
        let audit = admin.get("/admin/audit").await;
        assert!(audit.body.contains("recommendation_no_task"), "audited");
        assert!(audit.body.contains("recommendation_needs_task"), "audited");

        // The review of the same document again: the heading in Vietnamese with the original
        // beside it, and the number of tasks linked to what would change.
        let r = upload(&mut coord, &[("file", "co_en.txt", CO_EN.as_bytes())]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("Không phân biệt đối xử"));
        assert!(
            r.body
                .contains("<div class=\"muted\" lang=\"en\">Non-discrimination</div>")
        );
        Ok(())
    })
}
