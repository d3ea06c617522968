//! The report form as quick as a spreadsheet: figures in a grid, a save with one wrong entry
//! keeping the rest, "same as last round", the form as a workbook filled in offline and read
//! back through the same checks, and a confirmation after each step.

use crate::client::{Client, Resp};
use crate::rounds::{complete_fields, open_h1, refs};
use crate::{Case, Fut, TestApp};
use libtest_mimic::Failed;
use std::io::{Read as _, Write as _};

pub const CASES: &[(&str, Case)] = &[
    (
        "grid_form_saves_what_is_valid",
        grid_form_saves_what_is_valid,
    ),
    ("form_workbook_round_trip", form_workbook_round_trip),
    ("same_as_last_round", same_as_last_round),
    (
        "asking_the_head_checks_what_the_head_needs",
        asking_the_head_checks_what_the_head_needs,
    ),
];

/// The Sở Tư pháp's form in the round, as stored.
async fn form_of(app: &TestApp, round: i64) -> Result<theodoi_store::rounds::ReportForm, Failed> {
    Ok(app
        .db
        .report_form(round, app.justice)
        .await?
        .ok_or("no form")?)
}

/// The id of the round's indicator with this code.
async fn indicator(app: &TestApp, round: i64, code: &str) -> Result<i64, Failed> {
    Ok(form_of(app, round)
        .await?
        .indicators
        .iter()
        .find(|i| i.code == code)
        .ok_or_else(|| format!("no {code}"))?
        .id)
}

fn set(fields: &mut Vec<(String, String)>, key: &str, value: &str) {
    fields.retain(|(k, _)| k != key);
    fields.push((key.to_string(), value.to_string()));
}

async fn stored_value(
    app: &TestApp,
    round: i64,
    ind: i64,
    dim: &str,
) -> Result<Option<i64>, Failed> {
    Ok(form_of(app, round)
        .await?
        .values
        .iter()
        .find(|v| v.indicator_id == ind && v.dimension == dim)
        .map(|v| v.value))
}

fn grid_form_saves_what_is_valid(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut coord = app.signed_in("coord").await;
        let round = open_h1(&app, &mut coord).await?;
        let path = format!("/rounds/{round}/reports/{}", app.justice);
        let mut focal = app.signed_in("focal").await;
        let page = focal.get(&path).await;
        assert_eq!(page.status, 200);
        // Statuses in one table, figures in a grid with the breakdowns as column groups.
        assert!(
            page.body.contains("<table class=\"entry tasks\">"),
            "{}",
            page.body
        );
        assert!(page.body.contains("<table class=\"entry figures\">"));
        assert!(page.body.contains("class=\"group\">Giới tính</th>"));
        assert!(page.body.contains("<th>Nữ</th>"));
        assert!(page.body.contains(&format!(
            "/rounds/{round}/reports/{}/form.xlsx",
            app.justice
        )));
        let tt = indicator(&app, round, "TT_NGUOI").await?;
        let mut fields = complete_fields(&app, round, 40).await?;
        // One wrong breakdown among valid entries.
        set(&mut fields, &format!("v{tt}"), "10");
        set(&mut fields, &format!("v{tt}_sex_nam"), "4");
        set(&mut fields, &format!("v{tt}_sex_nu"), "5");
        set(
            &mut fields,
            "difficulties",
            "Thiếu kinh phí tổ chức hội nghị",
        );
        set(&mut fields, "version", "0");
        let r = focal.post(&path, &refs(&fields)).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("Đã lưu các ô hợp lệ"), "{}", r.body);
        let said = "Cộng theo giới tính là 9, khác tổng số 10.";
        assert!(r.body.contains(said), "the reason beside the row");
        assert!(
            r.body
                .contains(&format!("id=\"v{tt}\" name=\"v{tt}\" value=\"10\"")),
            "what was typed stays"
        );
        assert!(r.body.contains("aria-invalid=\"true\""));
        let told = r
            .body
            .split("<div class=\"box errors\"")
            .nth(1)
            .and_then(|b| b.split("</div>").next())
            .ok_or("the problems on top")?;
        assert!(told.contains(said), "{told}");
        if let Some((before, after)) = told.split_once(" / ") {
            let before: String = before
                .chars()
                .rev()
                .take(60)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let after: String = after.chars().take(60).collect();
            panic!("two languages in one message? …{before} / {after}…");
        }
        // The rest is stored; the wrong row is not.
        let form = form_of(&app, round).await?;
        let report = form.report.as_ref().ok_or("the valid part is saved")?;
        assert_eq!(report.difficulties, "Thiếu kinh phí tổ chức hội nghị");
        assert!(
            form.tasks
                .iter()
                .all(|t| t.status.as_deref() == Some("in_progress"))
        );
        assert_eq!(stored_value(&app, round, tt, "").await?, None);
        let others = form.values.iter().filter(|v| v.indicator_id != tt).count();
        assert!(others > 0, "the other indicators are saved");
        // The same in English, in English only.
        focal.cookies.insert("lang".into(), "en".into());
        set(&mut fields, "version", &report.version.to_string());
        let r = focal.post(&path, &refs(&fields)).await;
        assert_eq!(r.status, 422);
        assert!(
            r.body
                .contains("The sex breakdown adds up to 9, not the total 10.")
        );
        assert!(!r.body.contains("khác tổng số"));
        focal.cookies.insert("lang".into(), "vi".into());
        // Corrected, it goes through and says so.
        let version = form_of(&app, round).await?.report.ok_or("report")?.version;
        set(&mut fields, &format!("v{tt}_sex_nu"), "6");
        set(&mut fields, "version", &version.to_string());
        let r = focal.post(&path, &refs(&fields)).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(stored_value(&app, round, tt, "").await?, Some(10));
        let page = focal.get(r.location()).await;
        assert!(page.body.contains("Đã lưu bản nháp."));
        // Each workflow step is confirmed on the page it lands on.
        let mut head = app.signed_in("head").await;
        let page = head.get(&path).await;
        let version = page
            .body
            .split("name=\"version\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .ok_or("version")?
            .to_string();
        let r = head
            .post(
                &format!("{path}/action"),
                &[("action", "approve"), ("version", &version)],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(r.location().ends_with("?done=approve"));
        let page = head.get(r.location()).await;
        assert!(page.body.contains("Đã duyệt báo cáo."), "{}", page.body);
        Ok(())
    })
}

/// The rows of the workbook: shared strings resolved, each `<c>` with its reference.
pub(crate) struct Sheet {
    strings: Vec<String>,
    xml: String,
    files: Vec<(String, Vec<u8>)>,
}

pub(crate) fn open_book(bytes: &[u8]) -> Result<Sheet, Failed> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
    let mut files = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i)?;
        let mut data = Vec::new();
        f.read_to_end(&mut data)?;
        files.push((f.name()?.to_string(), data));
    }
    let text = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| String::from_utf8_lossy(d).into_owned())
            .unwrap_or_default()
    };
    let strings = text("xl/sharedStrings.xml")
        .split("<si>")
        .skip(1)
        .map(|si| {
            let t = si.split("<t").nth(1).unwrap_or_default();
            let t = t.split_once('>').map_or("", |x| x.1);
            t.split("</t>")
                .next()
                .unwrap_or_default()
                .replace("&amp;", "&")
        })
        .collect();
    Ok(Sheet {
        strings,
        xml: text("xl/worksheets/sheet1.xml"),
        files,
    })
}

impl Sheet {
    /// The row number whose column A holds `key`.
    fn row_of(&self, key: &str) -> Option<u32> {
        let idx = self.strings.iter().position(|s| s == key)?;
        let needle = format!("<v>{idx}</v>");
        self.xml.split("<c r=\"A").skip(1).find_map(|c| {
            let (num, rest) = c.split_once('"')?;
            let end = rest.find("</c>")?;
            rest[..end].contains(&needle).then(|| num.parse().ok())?
        })
    }

    /// Write `value` into column `col` of the row keyed `key`, as a user typing in Excel would
    /// (text as an inline string, a number as a number).
    pub(crate) fn set(&mut self, key: &str, col: char, value: &str) -> Result<(), Failed> {
        let row = self.row_of(key).ok_or_else(|| format!("no row {key}"))?;
        let r = format!("{col}{row}");
        let start = self
            .xml
            .find(&format!("<c r=\"{r}\""))
            .ok_or_else(|| format!("no cell {r}"))?;
        let rest = &self.xml[start..];
        let head_end = rest.find('>').ok_or("cell")?;
        let len = if rest[..head_end].ends_with('/') {
            head_end + 1
        } else {
            rest.find("</c>").ok_or("cell end")? + 4
        };
        let style = rest[..head_end]
            .split(" s=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(|s| format!(" s=\"{s}\""))
            .unwrap_or_default();
        let cell = if value.parse::<i64>().is_ok() {
            format!("<c r=\"{r}\"{style}><v>{value}</v></c>")
        } else {
            format!("<c r=\"{r}\"{style} t=\"inlineStr\"><is><t>{value}</t></is></c>")
        };
        self.xml.replace_range(start..start + len, &cell);
        Ok(())
    }

    pub(crate) fn bytes(&self) -> Result<Vec<u8>, Failed> {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for (name, data) in &self.files {
            out.start_file(name.as_str(), opts)?;
            if name == "xl/worksheets/sheet1.xml" {
                out.write_all(self.xml.as_bytes())?;
            } else {
                out.write_all(data)?;
            }
        }
        Ok(out.finish()?.into_inner())
    }
}

async fn upload(c: &mut Client, path: &str, version: &str, name: &str, bytes: &[u8]) -> Resp {
    c.post_multipart(
        &format!("{path}/form-upload"),
        &[("version", version)],
        &[("file", name, bytes)],
    )
    .await
}

fn form_workbook_round_trip(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut coord = app.signed_in("coord").await;
        let round = open_h1(&app, &mut coord).await?;
        let path = format!("/rounds/{round}/reports/{}", app.justice);
        let mut focal = app.signed_in("focal").await;
        focal.get(&path).await;
        let mut fields = complete_fields(&app, round, 40).await?;
        set(&mut fields, "version", "0");
        let r = focal.post(&path, &refs(&fields)).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let form = form_of(&app, round).await?;
        let version = form.report.as_ref().ok_or("saved")?.version.to_string();
        let task = form.tasks.first().ok_or("a task")?.task_id;
        let tt = indicator(&app, round, "TT_NGUOI").await?;

        // Down: pre-filled, keyed, named in Vietnamese.
        let book = focal.get(&format!("{path}/form.xlsx")).await;
        assert_eq!(book.status, 200);
        assert!(
            book.header("content-type")
                .is_some_and(|t| t.contains("spreadsheetml"))
        );
        assert!(
            book.header("content-disposition")
                .is_some_and(|d| d.contains("Bi%E1%BB%83u%20m%E1%BA%ABu"))
        );
        let rows = theodoi_plandoc::formats::xlsx_rows(&book.bytes)?;
        let row = |key: &str| rows.iter().find(|r| r.first().is_some_and(|k| k == key));
        let meta = row("#bieu-mau").ok_or("the key row")?;
        assert_eq!(meta.get(1), Some(&round.to_string()));
        assert_eq!(meta.get(2), Some(&app.justice.to_string()));
        let t = row(&format!("t{task}")).ok_or("the task row")?;
        assert_eq!(t.get(3).map(String::as_str), Some("Đang triển khai"));
        let v = row(&format!("v{tt}")).ok_or("the figure row")?;
        assert_eq!(v.get(3).map(String::as_str), Some("40"));

        // The same file back: nothing differs.
        let r = upload(&mut focal, &path, &version, "bieu-mau.xlsx", &book.bytes).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("không có gì khác"), "{}", r.body);

        // Filled in offline: a status picked from the list, new figures, a difficulty.
        let mut sheet = open_book(&book.bytes)?;
        sheet.set(&format!("t{task}"), 'D', "Hoàn thành")?;
        sheet.set(&format!("v{tt}"), 'D', "50")?;
        sheet.set(&format!("v{tt}_sex_nam"), 'D', "20")?; // as it was
        sheet.set(&format!("v{tt}_sex_nu"), 'D', "30")?;
        sheet.set("difficulties", 'D', "Một số xã chưa bố trí được cán bộ")?;
        let filled = sheet.bytes()?;
        let r = upload(
            &mut focal,
            &path,
            &version,
            "bieu-mau-da-dien.xlsx",
            &filled,
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.body.contains("Thay đổi từ tệp đã tải lên (4)"),
            "{}",
            r.body
        );
        assert!(r.body.contains("<strong>Hoàn thành</strong>"));
        assert!(
            r.body
                .contains(&format!("id=\"v{tt}\" name=\"v{tt}\" value=\"50\""))
        );
        assert!(r.body.contains("data-dirty=\"1\""), "leaving asks first");
        assert_eq!(
            stored_value(&app, round, tt, "").await?,
            Some(40),
            "nothing is saved before the officer saves"
        );

        // The same checks as the page: a breakdown that does not add up is shown, not saved.
        sheet.set(&format!("v{tt}_sex_nu"), 'D', "31")?;
        let wrong = sheet.bytes()?;
        let r = upload(&mut focal, &path, &version, "sai.xlsx", &wrong).await;
        assert_eq!(r.status, 200);
        assert!(
            r.body
                .contains("Cộng theo giới tính là 51, khác tổng số 50.")
        );

        // Someone else's form, and a file that is no workbook, are refused by name.
        let mut police = app.signed_in("police").await;
        let theirs = police
            .get(&format!("/rounds/{round}/reports/{}/form.xlsx", app.police))
            .await;
        assert_eq!(theirs.status, 200);
        let r = upload(&mut focal, &path, &version, "cong-an.xlsx", &theirs.bytes).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("không phải biểu mẫu của báo cáo này"));
        let r = upload(
            &mut focal,
            &path,
            &version,
            "ghi-chu.txt",
            b"khong phai excel",
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(
            r.body
                .contains("«ghi-chu.txt» không đọc được như một tệp Excel")
        );
        // Another body cannot even download this one's form.
        let r = police.get(&format!("{path}/form.xlsx")).await;
        assert_eq!(r.status, 403);
        Ok(())
    })
}

fn same_as_last_round(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut coord = app.signed_in("coord").await;
        let first = open_h1(&app, &mut coord).await?;
        let mut focal = app.signed_in("focal").await;
        let path = format!("/rounds/{first}/reports/{}", app.justice);
        focal.get(&path).await;
        let mut fields = complete_fields(&app, first, 40).await?;
        set(&mut fields, "version", "0");
        set(&mut fields, "proposals", "Đề nghị bổ sung biên chế");
        let r = focal.post(&path, &refs(&fields)).await;
        assert_eq!(r.status, 303, "{}", r.body);
        // The next half-year of the same plan.
        let second = crate::rounds::open_half_year(&app, &mut coord, 2).await?;
        let next = format!("/rounds/{second}/reports/{}", app.justice);
        let page = focal.get(&next).await;
        assert!(
            page.body.contains("Điền ô trống như kỳ trước"),
            "{}",
            page.body
        );
        let page = focal.get(&format!("{next}?from=previous")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Đã điền"), "{}", page.body);
        assert!(page.body.contains("Chưa có gì được lưu"));
        assert!(page.body.contains("Đề nghị bổ sung biên chế"));
        assert!(page.body.contains("đã tổ chức hội nghị"));
        assert!(page.body.contains("data-dirty=\"1\""));
        // Flows start again each period: last period's counts are not copied.
        let tt = indicator(&app, second, "TT_NGUOI").await?;
        assert!(
            page.body
                .contains(&format!("id=\"v{tt}\" name=\"v{tt}\" value=\"\""))
        );
        assert!(
            form_of(&app, second).await?.report.is_none(),
            "nothing is saved until the officer saves"
        );
        Ok(())
    })
}

fn asking_the_head_checks_what_the_head_needs(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut coord = app.signed_in("coord").await;
        let round = open_h1(&app, &mut coord).await?;
        let path = format!("/rounds/{round}/reports/{}", app.justice);
        let mut focal = app.signed_in("focal").await;
        focal.get(&path).await;
        let required = form_of(&app, round)
            .await?
            .indicators
            .into_iter()
            .find(|i| i.required)
            .ok_or("a required indicator")?;
        let mut fields = complete_fields(&app, round, 40).await?;
        fields.retain(|(k, _)| {
            k != &format!("v{}", required.id) && !k.starts_with(&format!("v{}_", required.id))
        });
        set(&mut fields, "version", "0");
        set(&mut fields, "ask", "1");
        let r = focal.post(&path, &refs(&fields)).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body
                .contains("Đã lưu bản nháp nhưng chưa trình lãnh đạo duyệt")
        );
        assert!(
            r.body.contains(&format!(
                "<a href=\"#v{}\">{}</a>: Chỉ tiêu bắt buộc (*): cần có tổng số.",
                required.id, required.name
            )),
            "named, not coded, and beside its row: {}",
            r.body
        );
        // Saved, and the head is not asked for a report it could not approve.
        let form = form_of(&app, round).await?;
        assert!(form.report.is_some(), "the draft is saved");
        let mut head = app.signed_in("head").await;
        let inbox = head.get("/notifications").await;
        assert!(!inbox.body.contains("chờ lãnh đạo duyệt"), "{}", inbox.body);
        // Complete, the same button puts it to the head.
        let mut fields = complete_fields(&app, round, 40).await?;
        let version = form.report.ok_or("saved")?.version.to_string();
        set(&mut fields, "version", &version);
        set(&mut fields, "ask", "1");
        let r = focal.post(&path, &refs(&fields)).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let inbox = head.get("/notifications").await;
        assert!(inbox.body.contains("chờ lãnh đạo duyệt"), "{}", inbox.body);
        Ok(())
    })
}
