//! The report and its annex opened in a real office suite: LibreOffice converts the DOCX and the
//! XLSX to PDF, poppler gives back the text of the PDF and a picture of page 1. The pictures are
//! kept for a reviewer in docs/screenshots (THEODOI_SCREENSHOTS puts them elsewhere).
//!
//! Needs `soffice`, `pdftotext` and `pdftoppm` (Debian's libreoffice-writer-nogui,
//! libreoffice-calc-nogui, poppler-utils). Without them the test is reported as ignored, unless
//! THEODOI_OFFICE_TEST=1 (as `.ci/run` sets), which makes their absence a failure.

use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};
use std::process::Command;

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(cmd: &mut Command) -> Result<String, Failed> {
    let o = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if !o.status.success() {
        return Err(format!("{cmd:?}: {}", String::from_utf8_lossy(&o.stderr)).into());
    }
    Ok(String::from_utf8_lossy(&o.stdout).into_owned())
}

fn theodoi(dir: &Path, args: &[&str]) -> Result<String, Failed> {
    run(Command::new(env!("CARGO_BIN_EXE_theodoi"))
        .current_dir(dir)
        .env_remove("THEODOI_DATABASE_URL")
        .args(args))
}

fn keep_dir() -> PathBuf {
    std::env::var_os("THEODOI_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots"))
}

/// Convert to PDF with LibreOffice, then return the PDF's text and keep page 1 as a PNG.
fn to_pdf(file: &Path, out: &Path, keep_as: &str) -> Result<String, Failed> {
    let profile = tempfile::tempdir()?;
    run(Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(out)
        .arg(file))?;
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("x");
    let pdf = out.join(format!("{stem}.pdf"));
    let text = run(Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-"))?;
    let keep = keep_dir();
    std::fs::create_dir_all(&keep)?;
    run(Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(keep.join(keep_as)))?;
    Ok(text)
}

fn office() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let db = "sqlite://demo.db";
    theodoi(
        dir.path(),
        &[
            "--database",
            db,
            "demo",
            "generate",
            "--scale",
            "city",
            "--seed",
            "4",
        ],
    )?;
    theodoi(
        dir.path(),
        &[
            "--database",
            db,
            "report",
            "build",
            "--round",
            "1",
            "--format",
            "docx",
            "--output",
            "bao-cao.docx",
            "--signer",
            "Nguyễn Thị Thu Hà",
            "--superior",
            "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
        ],
    )?;
    theodoi(
        dir.path(),
        &[
            "--database",
            db,
            "report",
            "build",
            "--round",
            "1",
            "--format",
            "xlsx",
            "--output",
            "phu-luc.xlsx",
        ],
    )?;
    let text = to_pdf(
        &dir.path().join("bao-cao.docx"),
        dir.path(),
        "11-report-docx-page1",
    )?;
    for needle in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỞ TƯ PHÁP",
        "BC-STP",
        "BÁO CÁO",
        "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI",
        "Nơi nhận:",
        "Nguyễn Thị Thu Hà",
    ] {
        assert!(
            text.contains(needle),
            "the PDF of the DOCX lacks \"{needle}\":\n{text}"
        );
    }
    assert!(
        text.contains("ngày") && text.contains("tháng") && text.contains("năm"),
        "date line"
    );
    assert!(
        text.matches('\u{c}').count() >= 1,
        "more than one page: the body is long"
    );
    // The PDF the product writes is LibreOffice's rendering of the same DOCX.
    theodoi(
        dir.path(),
        &[
            "--database",
            db,
            "report",
            "build",
            "--round",
            "1",
            "--format",
            "pdf",
            "--output",
            "bao-cao.pdf",
            "--signer",
            "Nguyễn Thị Thu Hà",
            "--superior",
            "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
        ],
    )?;
    let pdf_text = run(Command::new("pdftotext")
        .arg(dir.path().join("bao-cao.pdf"))
        .arg("-"))?;
    assert!(
        pdf_text.contains("BÁO CÁO") && pdf_text.contains("Nguyễn Thị Thu Hà"),
        "{pdf_text}"
    );
    let sheet = to_pdf(
        &dir.path().join("phu-luc.xlsx"),
        dir.path(),
        "12-annex-xlsx-page1",
    )?;
    for needle in [
        "Phụ lục III",
        "TỔNG HỢP SỐ LIỆU",
        "(Kèm theo Báo cáo số",
        "Văn bản chỉ đạo, triển khai đã ban hành",
        "Đơn vị tính",
    ] {
        assert!(
            sheet.contains(needle),
            "the PDF of the XLSX lacks \"{needle}\":\n{sheet}"
        );
    }
    eprintln!("office pictures: {}", keep_dir().display());
    Ok(())
}

/// The city demo's report as LibreOffice lays it out: the signature within 15 A4 pages, and no
/// paragraph of the body printed twice.
fn city_report_length() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    demo(dir.path(), "city")?;
    let page = signed_report(dir.path(), "city")?;
    if page > 15 {
        return Err(
            format!("the report runs to {page} pages before its signature (at most 15)").into(),
        );
    }
    Ok(())
}

/// The city demo, in which every body wrote a text of its own: no two reports share a
/// sentence, so nothing groups and the drafting has to choose. Still signed within 15 pages,
/// every task under its own heading, nothing printed twice.
fn distinct_texts_report_length() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    demo(dir.path(), "city")?;
    let url = format!("sqlite://{}", dir.path().join("city.db").display());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(distinct_texts(&url))?;
    let page = signed_report(dir.path(), "distinct")?;
    if page > 15 {
        return Err(format!(
            "with distinct texts the report runs to {page} pages before its signature (at most 15)"
        )
        .into());
    }
    Ok(())
}

/// Rewrites every task result, difficulty and proposal of the round into a text no other body
/// wrote: sentences put together from separate word lists, so no two share their word pairs.
async fn distinct_texts(url: &str) -> Result<(), Failed> {
    const DID: [&str; 8] = [
        "tổ chức",
        "phối hợp tổ chức",
        "chủ động triển khai",
        "lồng ghép",
        "duy trì",
        "kiểm tra việc",
        "rà soát, đánh giá",
        "xây dựng và phát hành",
    ];
    const WHAT: [&str; 9] = [
        "hội nghị chuyên đề",
        "buổi đối thoại chính sách",
        "lớp bồi dưỡng nghiệp vụ",
        "chuyên mục phát thanh",
        "cuộc thi tìm hiểu pháp luật",
        "tọa đàm khoa học",
        "đợt kiểm tra liên ngành",
        "mô hình điểm ở cơ sở",
        "sổ tay hướng dẫn",
    ];
    const ABOUT: [&str; 7] = [
        "quyền tiếp cận thông tin",
        "quyền bầu cử, ứng cử",
        "quyền tự do đi lại",
        "quyền được xét xử công bằng",
        "bảo vệ dữ liệu cá nhân",
        "phòng, chống tra tấn",
        "quyền của người bị tạm giữ",
    ];
    const FOR: [&str; 6] = [
        "đoàn viên thanh niên",
        "người cao tuổi",
        "hòa giải viên ở cơ sở",
        "người lao động trong khu công nghiệp",
        "học sinh trung học phổ thông",
        "cán bộ thôn, tổ dân phố",
    ];
    const THEN: [&str; 5] = [
        "Kết quả được đánh giá cao về tính thiết thực",
        "Qua đó phát hiện một số vướng mắc cần tháo gỡ",
        "Đơn vị đã rút kinh nghiệm để nhân rộng",
        "Nội dung được đăng tải trên trang thông tin của đơn vị",
        "Sau hoạt động, đơn vị tiếp nhận nhiều ý kiến góp ý",
    ];
    let db = theodoi_store::Db::connect(url).await?;
    let theodoi_store::Db::Sqlite(pool) = &db else {
        return Err("the fixture is built on SQLite".into());
    };
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("SELECT report_id, task_id FROM report_tasks ORDER BY report_id, task_id")
            .fetch_all(pool)
            .await?;
    let pick = |xs: &[&'static str], k: usize| xs[k % xs.len()];
    let mut tx = pool.begin().await?;
    for (i, (report, task)) in rows.iter().enumerate() {
        let text = format!(
            "Trong kỳ, đơn vị đã {} {} {} về {} cho {} tại {} điểm. {} (mã nội dung {}-{}).",
            pick(&DID, i),
            3 + i % 17,
            pick(&WHAT, i / 8),
            pick(&ABOUT, i / 72),
            pick(&FOR, i / 3),
            2 + i % 5,
            pick(&THEN, i / 5),
            report,
            task
        );
        sqlx::query("UPDATE report_tasks SET results = $1 WHERE report_id = $2 AND task_id = $3")
            .bind(text)
            .bind(report)
            .bind(task)
            .execute(&mut *tx)
            .await?;
    }
    let reports: Vec<(i64,)> = sqlx::query_as("SELECT id FROM reports ORDER BY id")
        .fetch_all(pool)
        .await?;
    for (i, (report,)) in reports.iter().enumerate() {
        sqlx::query("UPDATE reports SET difficulties = $1, proposals = $2 WHERE id = $3")
            .bind(format!(
                "Việc triển khai {} về {} cho {} gặp khó khăn riêng của đơn vị số {report}.",
                pick(&WHAT, i),
                pick(&ABOUT, i / 9),
                pick(&FOR, i / 4)
            ))
            .bind(format!(
                "Đề nghị hỗ trợ {} về {} (đơn vị số {report}).",
                pick(&WHAT, i + 3),
                pick(&ABOUT, i / 5)
            ))
            .bind(report)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

fn demo(dir: &Path, scale: &str) -> Result<(), Failed> {
    theodoi(
        dir,
        &[
            "--database",
            &format!("sqlite://{scale}.db"),
            "demo",
            "generate",
            "--scale",
            scale,
            "--seed",
            "1",
        ],
    )?;
    Ok(())
}

/// Builds round 1's báo cáo, checks that no body paragraph or bullet is printed twice and that
/// every task of the plan keeps its sub-section, and returns the page of the signature block
/// as LibreOffice lays the DOCX out.
fn signed_report(dir: &Path, label: &str) -> Result<usize, Failed> {
    let db = "sqlite://city.db";
    let docx = dir.join("bao-cao.docx");
    theodoi(
        dir,
        &[
            "--database",
            db,
            "report",
            "build",
            "--round",
            "1",
            "--format",
            "docx",
            "--signer",
            "Nguyễn Văn An",
            "--superior",
            "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
            "--output",
            docx.to_str().ok_or("path")?,
        ],
    )?;
    // Paragraphs of the body (before "Nơi nhận"), each once.
    let bytes = std::fs::read(&docx)?;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml")?, &mut xml)?;
    let body = xml.split("Nơi nhận:").next().unwrap_or("");
    let mut seen = std::collections::HashSet::new();
    let mut paragraphs = Vec::new();
    for p in body.split("<w:p>").skip(1) {
        let text: String = p
            .split("<w:t xml:space=\"preserve\">")
            .skip(1)
            .filter_map(|t| t.split("</w:t>").next())
            .collect();
        if text.trim().chars().count() > 20 && !seen.insert(text.clone()) {
            return Err(format!("{label}: paragraph printed twice: {text}").into());
        }
        paragraphs.push(text);
    }
    // Every task of the plan under a heading of its own ("n. <title> (mục II.1 Kế hoạch)", the
    // appendix table's rows as "(mục 3 Phụ lục Kế hoạch)"). The demo plan's tasks.
    for reference in [
        "II.1", "II.2", "II.3", "II.4", "PL.1", "PL.2", "PL.3", "PL.4", "PL.5", "PL.6",
    ] {
        let heading = match reference.strip_prefix("PL.") {
            Some(row) => format!("(mục {row} Phụ lục Kế hoạch)"),
            None => format!("(mục {reference} Kế hoạch)"),
        };
        if !paragraphs.iter().any(|p| {
            p.ends_with(&heading)
                && p.split('.')
                    .next()
                    .is_some_and(|n| n.trim().parse::<u32>().is_ok())
        }) {
            return Err(format!("{label}: task {reference} has no sub-section of its own").into());
        }
    }
    let out = dir.join("pdf");
    std::fs::create_dir_all(&out)?;
    to_pdf(&docx, &out, &format!("{label}-report-page1"))?;
    let pdf = out.join("bao-cao.pdf");
    let mut signature_page = None;
    for page in 1..=60 {
        let n = page.to_string();
        let text = match run(Command::new("pdftotext")
            .args(["-f", &n, "-l", &n])
            .arg(&pdf)
            .arg("-"))
        {
            Ok(t) => t,
            Err(_) => break,
        };
        if text.contains("Nơi nhận") {
            signature_page = Some(page);
            break;
        }
    }
    let page = signature_page.ok_or("no signature block in the PDF")?;
    eprintln!("{label} report: signature on page {page}");
    Ok(page)
}

fn main() -> std::process::ExitCode {
    let args = Arguments::from_args();
    let required = std::env::var("THEODOI_OFFICE_TEST").is_ok_and(|v| v == "1");
    let present = have("soffice") && have("pdftotext") && have("pdftoppm");
    if !present && !required {
        eprintln!(
            "note: the office-suite test was skipped (soffice or poppler missing). Install them with\n      \
             apt-get install libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-liberation"
        );
    }
    let trials = vec![
        Trial::test("office::docx_and_xlsx_open_in_libreoffice", office)
            .with_ignored_flag(!present && !required),
        Trial::test("office::city_report_within_15_pages", city_report_length)
            .with_ignored_flag(!present && !required),
        Trial::test(
            "office::distinct_texts_report_within_15_pages",
            distinct_texts_report_length,
        )
        .with_ignored_flag(!present && !required),
    ];
    libtest_mimic::run(&args, trials).exit_code()
}
