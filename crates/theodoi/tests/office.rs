//! The report and its annex opened in a real office suite: LibreOffice converts the DOCX and the
//! XLSX to PDF, poppler gives back the text of the PDF and a picture of page 1. The pictures are
//! kept for a reviewer (THEODOI_SCREENSHOTS, or the target's temporary folder).
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
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots"))
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
        "PHỤ LỤC SỐ LIỆU",
        "Văn bản chỉ đạo, triển khai đã ban hành",
        "Kỳ này",
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
    let db = "sqlite://city.db";
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
            "1",
        ],
    )?;
    let docx = dir.path().join("bao-cao.docx");
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
    for p in body.split("<w:p>").skip(1) {
        let text: String = p
            .split("<w:t xml:space=\"preserve\">")
            .skip(1)
            .filter_map(|t| t.split("</w:t>").next())
            .collect();
        if text.trim().chars().count() > 20 && !seen.insert(text.clone()) {
            return Err(format!("paragraph printed twice: {text}").into());
        }
    }
    let out = dir.path().join("pdf");
    std::fs::create_dir_all(&out)?;
    to_pdf(&docx, &out, "city-report-page1")?;
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
    eprintln!("city report: signature on page {page}");
    if page > 15 {
        return Err(
            format!("the report runs to {page} pages before its signature (at most 15)").into(),
        );
    }
    Ok(())
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
    ];
    libtest_mimic::run(&args, trials).exit_code()
}
