//! The round's report draft over HTTP: the coordinator's first visit drafts it, a save is a
//! version with who and when, a stale save keeps what was typed, the Sở's head approves, an edit
//! voids the approval, a refresh never overwrites an edited section, CSRF and roles; the head
//! names the signer and the place as he approves.

use crate::client::{Client, Resp};
use crate::{Case, Fut, TestApp};
use libtest_mimic::Failed;
use std::io::Read;

pub const CASES: &[(&str, Case)] = &[
    ("draft_edit_approve_download", draft_edit_approve_download),
    ("draft_refresh_keeps_edits", draft_refresh_keeps_edits),
    ("draft_head_names_the_signer", draft_head_names_the_signer),
    (
        "report_settings_name_the_city",
        report_settings_name_the_city,
    ),
];

/// An ad hoc round over the first half of 2026.
pub async fn round(app: &TestApp) -> Result<i64, Failed> {
    Ok(app
        .db
        .open_round(
            &theodoi_store::rounds::NewRound::ad_hoc(
                app.plan_id,
                "Báo cáo đột xuất về thực hiện Kế hoạch",
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

/// The value of the first `name="NAME" value="…"` in the page.
pub fn field(page: &Resp, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page.body.find(&marker)?;
    page.body[at + marker.len()..]
        .split('"')
        .next()
        .map(str::to_string)
}

/// The text of `word/document.xml` in a DOCX.
pub fn document_xml(docx: &[u8]) -> Result<String, Failed> {
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(docx)).map_err(|e| format!("not a DOCX: {e}"))?;
    let mut f = zip
        .by_name("word/document.xml")
        .map_err(|e| format!("no word/document.xml: {e}"))?;
    let mut xml = String::new();
    f.read_to_string(&mut xml)?;
    Ok(xml)
}

/// The value of `name="NAME" value="…"` inside the form posting to `action`.
fn form_field(page: &Resp, action: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    page.body
        .split(&format!("action=\"{action}\""))
        .nth(1)?
        .split("</form>")
        .next()?
        .split(&marker)
        .nth(1)?
        .split('"')
        .next()
        .map(str::to_string)
}

async fn save(c: &mut Client, round: i64, key: &str, version: &str, text: &str) -> Resp {
    let (t, v, d) = (
        format!("text:{key}"),
        format!("version:{key}"),
        format!("save:{key}"),
    );
    c.post(
        &format!("/rounds/{round}/draft/sections"),
        &[(&t, text), (&v, version), ("do", &d)],
    )
    .await
}

fn draft_edit_approve_download(app: TestApp) -> Fut {
    Box::pin(async move {
        let r = round(&app).await?;
        let path = format!("/rounds/{r}/draft");
        // Before the coordinator opens it there is no draft; readers are told so.
        let mut leader = app.signed_in("leader").await;
        let page = leader.get(&path).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Chưa có dự thảo"), "{}", page.body);

        let mut coord = app.signed_in("coord").await;
        let round_page = coord.get(&format!("/rounds/{r}")).await;
        assert!(
            round_page
                .body
                .contains(&format!("href=\"/rounds/{r}/draft\""))
        );
        assert!(
            !round_page.body.lines().any(|l| l.trim_end().ends_with('·')),
            "no separator left dangling at a line's end"
        );
        // Grouping the report by recommendation or article is offered once some task is linked
        // to a recommendation of the register.
        assert!(!round_page.body.contains("group=recommendations"));
        let task = app.task_id("II.1").await;
        let source = app
            .db
            .import_recommendations(
                &theodoi_domain::recommendation::RecSource {
                    symbol: "CCPR/C/VNM/CO/4".into(),
                    title: String::new(),
                    date: None,
                    mechanism: theodoi_domain::recommendation::Mechanism::TreatyBody {
                        committee: "CCPR".into(),
                    },
                    language: "vi".into(),
                },
                &[theodoi_domain::recommendation::Recommendation {
                    paragraph: 21,
                    sub: Some("b".into()),
                    theme: "Quyền được xét xử công bằng".into(),
                    articles: vec![14],
                    concern: None,
                    text: "Bảo đảm quyền được gặp luật sư.".into(),
                    text_vi: None,
                }],
                None,
                false,
                time::OffsetDateTime::now_utc(),
            )
            .await?
            .source_id;
        let rec = app.db.recommendations(Some(source)).await?;
        let rec = rec.first().ok_or("no recommendation")?.id;
        app.db
            .set_task_recommendations(task, &[rec], &[], None, time::OffsetDateTime::now_utc())
            .await?;
        let round_page = coord.get(&format!("/rounds/{r}")).await;
        for group in ["recommendations", "articles"] {
            assert!(
                round_page
                    .body
                    .contains(&format!("/rounds/{r}/draft.docx?group={group}"))
            );
        }
        let page = coord.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Dự thảo báo cáo"));
        // The page offers part II in the orders the file can print, and shows the chosen one:
        // the linked task under its recommendation's heading, first among the tasks.
        assert!(
            page.body
                .contains(&format!("href=\"/rounds/{r}/draft?group=recommendations\""))
        );
        assert!(
            page.body
                .contains(&format!("href=\"/rounds/{r}/draft.docx\""))
        );
        let grouped = coord.get(&format!("{path}?group=recommendations")).await;
        assert_eq!(grouped.status, 200, "{}", grouped.body);
        assert!(
            grouped.body.contains(&format!(
                "href=\"/rounds/{r}/draft.docx?group=recommendations\""
            )),
            "the download prints what the page shows"
        );
        let heading = "Khuyến nghị đoạn 21(b). Quyền được xét xử công bằng";
        let at_heading = grouped
            .body
            .find(&format!("<h3 class=\"group\">{heading}"))
            .ok_or("the group heading")?;
        let others = grouped
            .body
            .find("<h3 class=\"group\">Nhiệm vụ khác")
            .ok_or("the other tasks' heading")?;
        assert!(at_heading < others, "the linked group before the others");
        let by_article = coord.get(&format!("{path}?group=articles")).await;
        assert!(by_article.body.contains("Điều 14. "), "{}", by_article.body);
        // An unknown order is the plan's.
        let plain = coord.get(&format!("{path}?group=tags")).await;
        assert_eq!(plain.status, 200);
        assert!(!plain.body.contains("class=\"group\""));
        assert!(page.body.contains("name=\"text:intro\""), "{}", page.body);
        assert!(page.body.contains("Tư liệu dùng để soạn"));
        assert!(
            page.body.contains("href=\"/settings/report\""),
            "the coordinator finds the report settings from the draft"
        );
        assert!(!page.body.contains("intro<"), "no code names shown");
        let v = field(&page, "version:intro").ok_or("no intro section")?;
        assert_eq!(v, "1");
        // The formal parts are proposed from the plan's header.
        let parts = field(&page, "superior").ok_or("no superior field")?;
        assert!(parts.starts_with("ỦY BAN NHÂN DÂN"), "{parts}");

        // A save without the session's token is refused and changes nothing.
        let bad = coord
            .post(
                &format!("/rounds/{r}/draft/sections"),
                &[
                    ("csrf", "forged"),
                    ("text:intro", "Giả mạo"),
                    ("version:intro", "1"),
                    ("do", "save:intro"),
                ],
            )
            .await;
        assert_eq!(bad.status, 403);

        let edit = "Đoạn mở đầu do chuyên viên viết lại.\n\n- Ý thứ nhất\n- Ý thứ hai";
        let saved = save(&mut coord, r, "intro", "1", edit).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        assert!(
            saved.location().contains("done=saved&n=1"),
            "{}",
            saved.location()
        );
        let page = coord.get(saved.location()).await;
        assert!(page.body.contains("Đã lưu 1 phần"), "a confirmation");
        assert!(page.body.contains("Ý thứ nhất"));
        assert!(!page.body.contains("Giả mạo"));
        assert_eq!(field(&page, "version:intro").as_deref(), Some("2"));

        // A second editor with the page loaded at version 1 does not overwrite; their text stays.
        let mut coord2 = app.signed_in("coord2").await;
        coord2.get(&path).await;
        let stale = save(&mut coord2, r, "intro", "1", "Bản của người thứ hai").await;
        assert_eq!(stale.status, 422, "{}", stale.body);
        assert!(
            stale.body.contains("Bản của người thứ hai"),
            "what was typed is kept"
        );
        assert!(stale.body.contains("Người khác đã lưu phần này"));
        let page = coord.get(&path).await;
        assert!(!page.body.contains("Bản của người thứ hai"));

        // The history: who and when, every version.
        let history = leader
            .get(&format!("/rounds/{r}/draft/history?key=intro"))
            .await;
        assert_eq!(history.status, 200);
        assert!(history.body.contains("Phiên bản 2"));
        assert!(history.body.contains("Phiên bản 1"));
        assert!(history.body.contains("Người dùng coord"));
        assert!(history.body.contains("Dự thảo từ số liệu"));
        let none = leader
            .get(&format!("/rounds/{r}/draft/history?key=nothing"))
            .await;
        assert_eq!(none.status, 404);

        // Only the head of the coordinating body approves.
        let page = leader.get(&path).await;
        assert!(!page.body.contains("Phê duyệt dự thảo"));
        assert!(
            !page.body.contains("<textarea name=\"text:"),
            "leaders read"
        );
        let mut focal = app.signed_in("focal").await;
        let page = focal.get(&path).await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("Phê duyệt dự thảo"));
        let mut police = app.signed_in("police").await;
        assert_eq!(police.get(&path).await.status, 403);
        assert_eq!(police.get(&format!("{path}.docx")).await.status, 403);

        // Before the formal parts name a signer, the draft's DOCX says so where the name goes.
        let unsigned = document_xml(&leader.get(&format!("{path}.docx")).await.bytes)?;
        assert!(
            unsigned.contains("(Chưa ghi họ tên người ký)"),
            "an unsigned draft says who is missing"
        );

        // The plan's header names no city and nothing else did: the page says so, and the
        // draft's DOCX leaves dotted blanks for it.
        let page = coord.get(&path).await;
        assert!(
            page.body
                .contains("Chưa ghi cơ quan cấp trên hoặc địa danh"),
            "the missing place is pointed out"
        );
        assert!(unsigned.contains("……, ngày"), "a blank for the place");
        // The formal parts: saved, then in the report.
        let v = page
            .body
            .split("/draft/parts")
            .nth(1)
            .and_then(|rest| rest.split("name=\"version\" value=\"").nth(1))
            .and_then(|rest| rest.split('"').next())
            .ok_or("no parts form")?
            .to_string();
        let parts = coord
            .post(
                &format!("/rounds/{r}/draft/parts"),
                &[
                    ("version", &v),
                    ("superior", "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"),
                    ("issuer", "SỞ TƯ PHÁP"),
                    ("place", "Hải Phòng"),
                    ("position", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"),
                    ("signer", "Trần Thị Bình"),
                    ("drafting_unit", "PBGDPL"),
                ],
            )
            .await;
        assert_eq!(parts.status, 303, "{}", parts.body);
        let xml = document_xml(&leader.get(&format!("/rounds/{r}/draft.docx")).await.bytes)?;
        for part in ["Trần Thị Bình", "PHÓ GIÁM ĐỐC", "PBGDPL", "HẢI PHÒNG"] {
            assert!(xml.contains(part), "{part} missing from the report");
        }
        let empty = coord
            .post(
                &format!("/rounds/{r}/draft/parts"),
                &[
                    ("version", &(v.parse::<i32>()? + 1).to_string()),
                    ("superior", " "),
                    ("issuer", "SỞ TƯ PHÁP"),
                    ("place", "Hải Phòng"),
                    ("position", "GIÁM ĐỐC"),
                    ("signer", "x"),
                    ("drafting_unit", ""),
                ],
            )
            .await;
        assert_eq!(empty.status, 422);
        assert!(empty.body.contains("cơ quan cấp trên"), "{}", empty.body);

        // The unapproved draft downloads marked "DỰ THẢO", with the edit in it.
        let docx = leader.get(&format!("/rounds/{r}/draft.docx")).await;
        assert_eq!(docx.status, 200);
        assert!(
            docx.header("content-disposition")
                .is_some_and(|h| h.contains("du-thao-bao-cao")),
            "{:?}",
            docx.headers
        );
        let xml = document_xml(&docx.bytes)?;
        assert!(xml.contains("Đoạn mở đầu do chuyên viên viết lại."));
        assert!(xml.contains("DỰ THẢO"));

        let mut head = app.signed_in("head").await;
        let page = head.get(&path).await;
        assert!(page.body.contains("Phê duyệt dự thảo"), "{}", page.body);
        let version = page
            .body
            .split("/draft/approve")
            .nth(1)
            .and_then(|rest| rest.split("name=\"version\" value=\"").nth(1))
            .and_then(|rest| rest.split('"').next())
            .ok_or("no approve form")?
            .to_string();
        let stale = head
            .post(&format!("/rounds/{r}/draft/approve"), &[("version", "1")])
            .await;
        assert_eq!(
            stale.status, 422,
            "an approval of an older version is refused"
        );
        let coord_try = coord
            .post(
                &format!("/rounds/{r}/draft/approve"),
                &[("version", &version)],
            )
            .await;
        assert_eq!(coord_try.status, 403);
        let ok = head
            .post(
                &format!("/rounds/{r}/draft/approve"),
                &[("version", &version)],
            )
            .await;
        assert_eq!(ok.status, 303, "{}", ok.body);
        let page = leader.get(&path).await;
        assert!(
            page.body.contains("Đã phê duyệt — Người dùng head"),
            "{}",
            page.body
        );
        let docx = leader.get(&format!("/rounds/{r}/draft.docx")).await;
        assert!(
            docx.header("content-disposition")
                .is_some_and(|h| h.contains("\"bao-cao-dot-")),
        );
        let xml = document_xml(&docx.bytes)?;
        assert!(xml.contains("Đoạn mở đầu do chuyên viên viết lại."));
        assert!(
            !xml.contains("DỰ THẢO"),
            "the approved report is not marked"
        );

        // An edit after approval voids it.
        let saved = save(
            &mut coord,
            r,
            "intro",
            "2",
            "Đoạn mở đầu, sửa sau khi duyệt.",
        )
        .await;
        assert_eq!(saved.status, 303);
        let page = head.get(&path).await;
        assert!(page.body.contains("hết hiệu lực"), "{}", page.body);
        assert!(page.body.contains("Phê duyệt dự thảo"));
        let docx = leader.get(&format!("/rounds/{r}/draft.docx")).await;
        assert!(document_xml(&docx.bytes)?.contains("DỰ THẢO"));

        // English when the interface is English.
        coord.cookies.insert("lang".into(), "en".into());
        let page = coord.get(&path).await;
        assert!(page.body.contains("Report draft"));
        assert!(page.body.contains("Refresh from the latest data"));
        Ok(())
    })
}

fn draft_refresh_keeps_edits(app: TestApp) -> Fut {
    Box::pin(async move {
        let r = round(&app).await?;
        let path = format!("/rounds/{r}/draft");
        let mut coord = app.signed_in("coord").await;
        coord.get(&path).await;
        let draft = app.db.draft(r).await?.ok_or("no draft")?;
        let sections = app.db.draft_sections(draft.id).await?;
        let closing = sections
            .iter()
            .find(|s| s.key == "closing")
            .ok_or("no closing")?
            .clone();
        let intro = sections
            .iter()
            .find(|s| s.key == "intro")
            .ok_or("no intro")?
            .clone();
        // As if drafted from older data: other texts stored for both sections.
        let older: Vec<theodoi_store::drafts::NewSection> = sections
            .iter()
            .map(|s| theodoi_store::drafts::NewSection {
                key: s.key.clone(),
                heading: s.heading.clone(),
                level: u8::try_from(s.level).unwrap_or(0),
                text: if s.key == "intro" || s.key == "closing" {
                    format!("Bản cũ của phần {}", s.key)
                } else {
                    s.drafted.clone()
                },
            })
            .collect();
        app.db
            .refresh_draft(draft.id, &older, None, time::OffsetDateTime::now_utc())
            .await?;
        let page = coord.get(&path).await;
        let v = field(&page, "version:intro").ok_or("no intro")?;
        let saved = save(&mut coord, r, "intro", &v, "Mở đầu do chuyên viên sửa.").await;
        assert_eq!(saved.status, 303);

        // Refresh: the unedited closing takes the new text; the edited intro is kept, the new
        // text beside it.
        let refreshed = coord.post(&format!("/rounds/{r}/draft/refresh"), &[]).await;
        assert_eq!(refreshed.status, 303, "{}", refreshed.body);
        let page = coord.get(refreshed.location()).await;
        assert!(
            page.body.contains("1 phần đã sửa được giữ nguyên"),
            "{}",
            page.body
        );
        assert!(page.body.contains("Mở đầu do chuyên viên sửa."));
        assert!(page.body.contains("Bản dự thảo mới từ số liệu mới"));
        assert!(page.body.contains("Lấy bản mới"));
        assert!(!page.body.contains("Bản cũ của phần closing"));
        let now = app.db.draft_sections(draft.id).await?;
        let find = |k: &str| now.iter().find(|s| s.key == k).cloned();
        assert_eq!(
            find("closing").map(|s| s.text().to_string()),
            Some(closing.drafted.clone())
        );
        let kept = find("intro").ok_or("intro")?;
        assert_eq!(kept.text(), "Mở đầu do chuyên viên sửa.");
        assert_eq!(kept.fresh.as_deref(), Some(intro.drafted.as_str()));

        // Refused for anyone but the coordinator.
        let mut leader = app.signed_in("leader").await;
        leader.get(&path).await;
        let no = leader
            .post(&format!("/rounds/{r}/draft/refresh"), &[])
            .await;
        assert_eq!(no.status, 403);

        // "Lấy bản mới": the newer draft replaces the edit.
        let page = coord.get(&path).await;
        let v = field(&page, "version:intro").ok_or("no intro")?;
        let take = coord
            .post(
                &format!("/rounds/{r}/draft/sections"),
                &[
                    ("text:intro", "Mở đầu do chuyên viên sửa."),
                    ("version:intro", &v),
                    ("do", "take:intro"),
                ],
            )
            .await;
        assert_eq!(take.status, 303, "{}", take.body);
        let taken = app
            .db
            .draft_sections(draft.id)
            .await?
            .into_iter()
            .find(|s| s.key == "intro")
            .ok_or("intro")?;
        assert_eq!(taken.text(), intro.drafted);
        assert!(!taken.is_edited() && taken.fresh.is_none());
        let history = coord
            .get(&format!("/rounds/{r}/draft/history?key=intro"))
            .await;
        assert!(history.body.contains("Lấy bản dự thảo mới"));
        assert!(history.body.contains("Mở đầu do chuyên viên sửa."));
        Ok(())
    })
}

/// The report settings name the city the plan's header leaves out: a new draft proposes its
/// letterhead and place from them; the Sở's head finds the draft awaiting approval at home.
fn report_settings_name_the_city(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut coord = app.signed_in("coord").await;
        let page = coord.get("/settings/report").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Thiết lập báo cáo"));
        let justice = app.justice.to_string();
        // Only departments and the inspectorate can coordinate: not the police, not a group.
        let options: Vec<&str> = page
            .body
            .split("<option value=\"")
            .skip(1)
            .filter_map(|o| o.split('"').next())
            .collect();
        assert!(options.contains(&justice.as_str()), "{options:?}");
        assert!(!options.contains(&app.police.to_string().as_str()));
        let groups: Vec<String> = app
            .db
            .list_agencies()
            .await?
            .into_iter()
            .filter(|a| a.is_group || a.kind == "commune")
            .map(|a| a.id.to_string())
            .collect();
        assert!(!groups.is_empty());
        assert!(options.iter().all(|o| !groups.iter().any(|g| g == o)));
        let police = coord
            .post(
                "/settings/report",
                &[
                    ("coordinating", &app.police.to_string()),
                    ("superior", ""),
                    ("place", ""),
                    ("drafting_unit", ""),
                ],
            )
            .await;
        assert_eq!(police.status, 422);
        assert!(
            police.body.contains("Cơ quan điều phối phải là"),
            "{}",
            police.body
        );
        assert_eq!(
            app.db.coordinating_agency().await?.map(|a| a.0),
            Some(app.justice)
        );
        // Too long: refused with the reason, the typed text kept, nothing stored.
        let long = "x".repeat(theodoi_store::drafts::MAX_PART_CHARS + 1);
        let refused = coord
            .post(
                "/settings/report",
                &[
                    ("coordinating", &justice),
                    ("superior", "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"),
                    ("place", &long),
                    ("drafting_unit", "PBGDPL"),
                ],
            )
            .await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains("Địa danh tối đa"), "{}", refused.body);
        assert!(
            refused
                .body
                .contains("value=\"ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG\"")
        );
        assert_eq!(
            app.db.report_settings().await?,
            theodoi_store::drafts::ReportSettings::default()
        );
        let saved = coord
            .post(
                "/settings/report",
                &[
                    ("coordinating", &justice),
                    ("superior", "Ủy ban nhân dân thành phố Hải Phòng"),
                    ("place", ""),
                    ("drafting_unit", "PBGDPL"),
                ],
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let page = coord.get(saved.location()).await;
        assert!(page.body.contains("Đã lưu thiết lập"));
        assert!(
            page.body
                .contains("value=\"ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG\"")
        );
        let mut focal = app.signed_in("focal").await;
        assert_eq!(focal.get("/settings/report").await.status, 403);

        // A new draft proposes from them: the city in the letterhead, the place from its name.
        let r = round(&app).await?;
        let page = coord.get(&format!("/rounds/{r}/draft")).await;
        assert_eq!(
            field(&page, "superior").as_deref(),
            Some("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG")
        );
        assert_eq!(field(&page, "place").as_deref(), Some("Hải Phòng"));
        assert!(
            !page
                .body
                .contains("Chưa ghi cơ quan cấp trên hoặc địa danh")
        );
        let xml = document_xml(&coord.get(&format!("/rounds/{r}/draft.docx")).await.bytes)?;
        assert!(
            xml.contains("Hải Phòng, ngày"),
            "the place in the date line"
        );

        // The head of the Sở Tư pháp finds it at home, awaiting approval.
        let mut head = app.signed_in("head").await;
        let home = head.get(&format!("/agencies/{justice}/home")).await;
        assert_eq!(home.status, 200);
        assert!(home.body.contains(&format!("href=\"/rounds/{r}/draft\"")));
        assert!(home.body.contains("Chờ lãnh đạo Sở phê duyệt"));
        // Another body's home does not list the Sở's drafts.
        let mut admin = app.signed_in("admin").await;
        let other = admin.get(&format!("/agencies/{}/home", app.police)).await;
        assert!(!other.body.contains("Dự thảo báo cáo tổng hợp"));
        Ok(())
    })
}

/// The head of the Sở finds the draft without a signer's name or a place: the approve form asks
/// for them, and approving saves them and approves in one step. A refused approval shows the
/// draft again with the reason and what he typed, never a bare error page.
fn draft_head_names_the_signer(app: TestApp) -> Fut {
    Box::pin(async move {
        let r = round(&app).await?;
        let path = format!("/rounds/{r}/draft");
        let approve = format!("{path}/approve");
        let mut coord = app.signed_in("coord").await;
        coord.get(&path).await;
        let d = app.db.draft(r).await?.ok_or("no draft")?;
        assert!(d.signer.is_empty() && d.place.is_empty(), "{d:?}");

        // The approve form asks for what is missing, with the reason; readers are not asked.
        let mut head = app.signed_in("head").await;
        let page = head.get(&path).await;
        assert!(page.body.contains("Phê duyệt dự thảo"), "{}", page.body);
        assert!(page.body.contains("Họ tên người ký"));
        let loaded = form_field(&page, &approve, "version").ok_or("no approve form")?;
        assert_eq!(form_field(&page, &approve, "signer").as_deref(), Some(""));
        assert_eq!(form_field(&page, &approve, "place").as_deref(), Some(""));
        assert_eq!(
            form_field(&page, &approve, "superior"),
            None,
            "the superior body is there: not asked"
        );
        assert!(
            !page
                .body
                .contains("chuyên viên cần bổ sung trước khi phê duyệt")
        );
        let mut leader = app.signed_in("leader").await;
        let page = leader.get(&path).await;
        assert!(!page.body.contains("name=\"signer\""));

        // The coordinator saves a section meanwhile: the head's page is stale. Refused, the draft
        // again with the reason and what he typed; nothing saved.
        let v = field(&coord.get(&path).await, "version:intro").ok_or("no intro")?;
        let saved = save(
            &mut coord,
            r,
            "intro",
            &v,
            "Mở đầu sửa trong khi lãnh đạo đọc.",
        )
        .await;
        assert_eq!(saved.status, 303);
        let stale = head
            .post(
                &approve,
                &[
                    ("version", &loaded),
                    ("signer", "Nguyễn Văn An"),
                    ("place", "Hải Phòng"),
                ],
            )
            .await;
        assert_eq!(stale.status, 422, "{}", stale.body);
        assert!(stale.body.contains("Dự thảo đã thay đổi"), "{}", stale.body);
        assert!(stale.body.contains("Mở đầu sửa trong khi lãnh đạo đọc."));
        assert_eq!(
            form_field(&stale, &approve, "signer").as_deref(),
            Some("Nguyễn Văn An"),
            "the typed name is kept"
        );
        assert_eq!(
            form_field(&stale, &approve, "place").as_deref(),
            Some("Hải Phòng")
        );
        let current = form_field(&stale, &approve, "version").ok_or("no approve form")?;
        assert_ne!(current, loaded);
        let d = app.db.draft(r).await?.ok_or("no draft")?;
        assert!(d.signer.is_empty() && !d.is_approved());

        // Too long a name, or none: refused the same way.
        let long = "Nguyễn ".repeat(40);
        let refused = head
            .post(
                &approve,
                &[
                    ("version", &current),
                    ("signer", &long),
                    ("place", "Hải Phòng"),
                ],
            )
            .await;
        assert_eq!(refused.status, 422);
        assert!(
            refused.body.contains("tối đa 200 ký tự"),
            "{}",
            refused.body
        );
        assert!(refused.body.contains(long.trim()), "the typed name is kept");
        let refused = head
            .post(
                &approve,
                &[
                    ("version", &current),
                    ("signer", " "),
                    ("place", "Hải Phòng"),
                ],
            )
            .await;
        assert_eq!(refused.status, 422);
        assert!(
            refused.body.contains("Cần ghi họ tên người ký"),
            "{}",
            refused.body
        );
        assert_eq!(
            form_field(&refused, &approve, "place").as_deref(),
            Some("Hải Phòng")
        );
        let d = app.db.draft(r).await?.ok_or("no draft")?;
        assert!(d.signer.is_empty() && d.place.is_empty() && !d.is_approved());

        // Typed in and approved: the parts are a new version, approved as it stands.
        let ok = head
            .post(
                &approve,
                &[
                    ("version", &current),
                    ("signer", " Nguyễn Văn An "),
                    ("place", "Hải Phòng"),
                ],
            )
            .await;
        assert_eq!(ok.status, 303, "{}", ok.body);
        let page = head.get(ok.location()).await;
        assert!(page.body.contains("Đã phê duyệt dự thảo"));
        assert!(page.body.contains("Đã phê duyệt — Người dùng head"));
        assert!(
            !page.body.contains(&format!("action=\"{approve}\"")),
            "no approve button once approved"
        );
        let d = app.db.draft(r).await?.ok_or("no draft")?;
        assert!(d.is_approved());
        assert_eq!(
            (d.signer.as_str(), d.place.as_str()),
            ("Nguyễn Văn An", "Hải Phòng")
        );
        assert_eq!(d.version, current.parse::<i32>()? + 1);
        let docx = leader.get(&format!("{path}.docx")).await;
        assert_eq!(docx.status, 200);
        let xml = document_xml(&docx.bytes)?;
        assert!(xml.contains("Nguyễn Văn An"), "the signer in the report");
        assert!(
            xml.contains("Hải Phòng, ngày"),
            "the place in the date line"
        );
        assert!(
            !xml.contains("DỰ THẢO"),
            "the approved report is not marked"
        );
        assert!(!xml.contains("Chưa ghi họ tên người ký"));

        // Both steps are in the audit log, by the head.
        let mut admin = app.signed_in("admin").await;
        for action in ["draft_parts_saved", "draft_approved"] {
            let log = admin
                .get(&format!("/admin/audit?action={action}&user=head"))
                .await;
            assert!(
                log.body.contains(&format!("round:{r}")),
                "{action}: {}",
                log.body
            );
        }
        Ok(())
    })
}
