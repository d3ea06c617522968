//! The `theodoi` binary as a user runs it: plan files good and bad, import, show, agency list.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BODY: &str = include_str!("../../../seeds/000_b6a757b918caf98d.txt");
const APPENDIX: &str = include_str!("../../../seeds/001_5440965c404ba4b8.txt");

fn theodoi(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_theodoi"))
        .current_dir(dir)
        .env_remove("THEODOI_DATABASE_URL")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run theodoi: {e}"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap_or_else(|e| panic!("{e}"));
    p
}

/// The text of `word/document.xml` in a DOCX file.
fn document_xml(path: &Path) -> String {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{e}"));
    let mut zip = zip::ZipArchive::new(file).unwrap_or_else(|e| panic!("{e}"));
    let mut s = String::new();
    std::io::Read::read_to_string(
        &mut zip
            .by_name("word/document.xml")
            .unwrap_or_else(|e| panic!("{e}")),
        &mut s,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    s
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn parse_prints_the_contract() {
    let dir = tmp();
    write(dir.path(), "body.txt", BODY.as_bytes());
    write(dir.path(), "appendix.txt", APPENDIX.as_bytes());
    let o = theodoi(dir.path(), &["plan", "parse", "body.txt"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap_or_default();
    assert_eq!(v["document"]["type"], "KH");
    assert_eq!(v["tasks"].as_array().map(Vec::len), Some(4));
    assert_eq!(v["tasks"][0]["ref"], "II.1");
    assert_eq!(v["tasks"][0]["time"]["kind"], "per_guidance");
    assert_eq!(v["signer"]["authority"], "KT. CHỦ TỊCH");
    let o = theodoi(dir.path(), &["plan", "parse", "body.txt", "appendix.txt"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap_or_default();
    assert_eq!(
        v.as_array().map(Vec::len),
        Some(2),
        "several files give an array"
    );
    assert_eq!(v[1]["document"]["number"], "14/KH-UBND");
    assert!(
        !dir.path().join("theodoi.db").exists(),
        "parse touches no database"
    );
}

/// Text that is readable is never refused: without tasks `parse` prints the JSON with a
/// diagnostic, and `import` stores nothing and points to the web review.
#[test]
fn a_text_without_tasks_parses_and_imports_nothing() {
    let dir = tmp();
    write(
        dir.path(),
        "novel.txt",
        "Ngày xưa có một nàng công chúa.\nHết.".as_bytes(),
    );
    let o = theodoi(dir.path(), &["plan", "parse", "novel.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    assert_eq!(v["tasks"].as_array().map(Vec::len), Some(0));
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"no_header") && codes.contains(&"no_tasks"),
        "{codes:?}"
    );
    let o = theodoi(dir.path(), &["plan", "import", "novel.txt"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nothing was stored") && stderr(&o).contains("/import"));
    let o = theodoi(dir.path(), &["plan", "list"]);
    assert!(stdout(&o).is_empty(), "no plan stored: {}", stdout(&o));
}

#[test]
fn bad_files_give_one_line_errors_and_write_nothing() {
    let dir = tmp();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(APPENDIX.encode_utf16().flat_map(u16::to_le_bytes));
    write(dir.path(), "utf16.txt", &utf16);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.txt", Vec::new(), "empty"),
        (
            "image.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0".to_vec(),
            "binary",
        ),
        (
            "latin1.txt",
            b"K\xc9 HO\xc0CH s\xf4 14".to_vec(),
            "not valid UTF-8",
        ),
        ("odd-utf16.txt", vec![0xFF, 0xFE, 0x41], "UTF-16"),
        (
            "old.doc",
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
            "save it as .docx",
        ),
        ("broken.docx", b"PK\x03\x04not a zip".to_vec(), "zip"),
        (
            "locked.pdf",
            b"%PDF-1.7\n1 0 obj << /Encrypt 2 0 R >>".to_vec(),
            "password",
        ),
        // Real scans and protected files are in the plan reader's PDF fixtures; this one is a
        // PDF's first line and nothing a reader can follow.
        (
            "torn.pdf",
            b"%PDF-1.7\n1 0 obj << /XObject /Image >>".to_vec(),
            "damaged",
        ),
        (
            "sheet.csv",
            "Tên,Tuổi\nAn,30\n".as_bytes().to_vec(),
            "Nội dung / Nhiệm vụ",
        ),
    ];
    for (name, bytes, reason) in &cases {
        write(dir.path(), name, bytes);
        for cmd in ["parse", "import"] {
            let o = theodoi(dir.path(), &["plan", cmd, "utf16.txt", name]);
            assert_eq!(o.status.code(), Some(2), "{cmd} {name}");
            let err = stderr(&o);
            assert_eq!(
                err.trim_end().lines().count(),
                1,
                "{cmd} {name}: one line: {err}"
            );
            assert!(err.contains(name), "{cmd} {name}: names the file: {err}");
            assert!(
                err.contains(reason),
                "{cmd} {name}: says why ({reason}): {err}"
            );
            assert!(o.stdout.is_empty(), "{cmd} {name}: prints no data");
        }
    }
    // A 50 MB file is refused without being read.
    let big = dir.path().join("big.txt");
    let f = std::fs::File::create(&big).unwrap_or_else(|e| panic!("{e}"));
    f.set_len(50 * 1024 * 1024)
        .unwrap_or_else(|e| panic!("{e}"));
    let o = theodoi(dir.path(), &["plan", "import", "big.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("big.txt") && stderr(&o).contains("at most"),
        "{}",
        stderr(&o)
    );
    // Nothing was written by any failed import: the good UTF-16 file in each batch was not stored.
    let o = theodoi(dir.path(), &["plan", "list"]);
    assert!(o.status.success());
    assert!(stdout(&o).is_empty(), "no plan stored: {}", stdout(&o));
    assert!(stderr(&o).contains("no plans yet"));
    // The UTF-16 file alone imports.
    let o = theodoi(dir.path(), &["plan", "import", "utf16.txt"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("14/KH-UBND"));
}

#[test]
fn import_show_and_list_agencies() {
    let dir = tmp();
    let o = theodoi(dir.path(), &["plan", "import", "--seed"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("imported plan KH 14/KH-UBND"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("10 tasks, 31 assignments"),
        "{}",
        stdout(&o)
    );
    assert!(
        dir.path().join("theodoi.db").exists(),
        "default database is a SQLite file here"
    );
    let again = theodoi(dir.path(), &["plan", "import", "--seed"]);
    assert!(
        stdout(&again).contains("updated plan KH 14/KH-UBND"),
        "{}",
        stdout(&again)
    );

    let o = theodoi(dir.path(), &["plan", "show"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let row = out
        .lines()
        .find(|l| l.starts_with("Thanh tra thành phố"))
        .unwrap_or_else(|| panic!("no inspectorate row in\n{out}"));
    let cells: Vec<&str> = row.split_whitespace().skip(4).collect();
    // II.1 II.2 II.3 II.4 PL.1 PL.2 PL.3 PL.4 PL.5 PL.6
    assert_eq!(cells, ["·", "CT", "·", "·", "·", "CT", "·", "·", "·", "CT"]);
    assert!(out.contains("PL.4  Đẩy mạnh công tác truyền thông"));
    let by_number = theodoi(dir.path(), &["plan", "show", "14/KH-UBND"]);
    assert_eq!(stdout(&by_number), out);
    let missing = theodoi(dir.path(), &["plan", "show", "99/KH-UBND"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no plan matches \"99/KH-UBND\""));

    let o = theodoi(dir.path(), &["agency", "list"]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert_eq!(
        out.lines()
            .filter(|l| l.contains("so-van-hoa-va-the-thao"))
            .count(),
        1
    );
    assert!(out.contains("19 cơ quan, đơn vị"));
    // Each row starts with the body's id (what a URL takes), then its code.
    assert!(out.lines().any(|l| {
        let mut cols = l.split_whitespace();
        cols.next().is_some_and(|id| id.parse::<i64>().is_ok())
            && cols.next() == Some("toa-an-nhan-dan-thanh-pho")
            && l.contains("[đề nghị]")
    }));
    assert!(out.lines().next().is_some_and(|h| h.contains("Tài khoản")));

    // A reader that stops early (`| head`) ends the command quietly: no panic, success.
    let mut child = Command::new(env!("CARGO_BIN_EXE_theodoi"))
        .current_dir(dir.path())
        .env_remove("THEODOI_DATABASE_URL")
        .args(["agency", "list"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run theodoi: {e}"));
    drop(child.stdout.take());
    let o = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("theodoi: {e}"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn appendix_then_body_in_separate_runs() {
    let dir = tmp();
    write(dir.path(), "body.txt", BODY.as_bytes());
    write(dir.path(), "appendix.txt", APPENDIX.as_bytes());
    let db = format!("sqlite://{}", dir.path().join("x.db").display());
    let a = theodoi(
        dir.path(),
        &["--database", &db, "plan", "import", "appendix.txt"],
    );
    assert!(stdout(&a).contains("appendix only"), "{}", stdout(&a));
    let b = theodoi(
        dir.path(),
        &["--database", &db, "plan", "import", "body.txt"],
    );
    assert!(stdout(&b).contains("updated plan"), "{}", stdout(&b));
    let list = theodoi(dir.path(), &["--database", &db, "plan", "list"]);
    assert_eq!(
        stdout(&list).lines().count(),
        3,
        "header, rule and one plan: {}",
        stdout(&list)
    );
}

#[test]
fn bad_database_urls_are_explained() {
    let dir = tmp();
    let o = theodoi(dir.path(), &["--database", "mysql://x", "plan", "list"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unsupported database URL"));
    let o = theodoi(
        dir.path(),
        &["--database", "sqlite://missing/dir/x.db", "plan", "list"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
}

/// `theodoi serve` on an empty database: loads the seed plan, creates the administrator with a
/// one-time password printed once, serves /healthz, and stops cleanly on SIGTERM.
#[test]
fn serve_bootstraps_and_shuts_down_gracefully() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = tmp();
    let mut child = Command::new(env!("CARGO_BIN_EXE_theodoi"))
        .current_dir(dir.path())
        .env_remove("THEODOI_DATABASE_URL")
        .env_remove("THEODOI_ADMIN_PASSWORD")
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start theodoi serve: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = Vec::new();
    let addr = loop {
        let line = lines
            .next()
            .and_then(Result::ok)
            .unwrap_or_else(|| panic!("serve ended early: {seen:?}"));
        seen.push(line.clone());
        if let Some(rest) = line.strip_prefix("theodoi is serving on http://") {
            break rest.split('/').next().unwrap_or_default().to_string();
        }
    };
    assert!(
        seen.iter()
            .any(|l| l.contains("loaded the seed plan") && l.contains("10 tasks")),
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .any(|l| l.contains("username admin, one-time password ")),
        "{seen:?}"
    );
    let mut s = std::net::TcpStream::connect(&addr).unwrap_or_else(|e| panic!("{e}"));
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut resp = String::new();
    s.read_to_string(&mut resp)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        resp.starts_with("HTTP/1.1 200") && resp.ends_with("ok"),
        "{resp}"
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(killed.is_ok_and(|s| s.success()));
    let status = child.wait().unwrap_or_else(|e| panic!("{e}"));
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
    // A second start against the same database creates no second administrator.
    let o = Command::new(env!("CARGO_BIN_EXE_theodoi"))
        .current_dir(dir.path())
        .env_remove("THEODOI_DATABASE_URL")
        .args(["plan", "list"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        stdout_of(&o).lines().count(),
        3,
        "one plan: {}",
        stdout_of(&o)
    );
}

fn stdout_of(o: &Output) -> String {
    stdout(o)
}

#[test]
fn periods_print_decree_09_windows() {
    let dir = tmp();
    let o = theodoi(
        dir.path(),
        &[
            "periods",
            "--frequency",
            "quarterly",
            "--year",
            "2026",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap_or_default();
    assert_eq!(v.as_array().map(Vec::len), Some(4));
    assert_eq!(v[0]["label"], "Quý I/2026");
    assert_eq!(
        (v[0]["start"].as_str(), v[0]["end"].as_str()),
        (Some("2025-12-15"), Some("2026-03-14"))
    );
    assert_eq!(
        (v[3]["start"].as_str(), v[3]["end"].as_str()),
        (Some("2026-09-15"), Some("2026-12-14"))
    );
    let o = theodoi(
        dir.path(),
        &["periods", "--frequency", "six-monthly", "--year", "2026"],
    );
    assert!(
        stdout(&o).contains("6 tháng đầu năm 2026     2025-12-15 → 2026-06-14"),
        "{}",
        stdout(&o)
    );
    let o = theodoi(
        dir.path(),
        &["periods", "--frequency", "weekly", "--year", "2026"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not one of monthly"));
    assert!(
        !dir.path().join("theodoi.db").exists(),
        "periods touch no database"
    );
}

#[test]
fn demo_then_report_build() {
    let dir = tmp();
    let db = "sqlite://demo.db";
    let o = theodoi(
        dir.path(),
        &[
            "--database",
            db,
            "demo",
            "generate",
            "--scale",
            "city",
            "--seed",
            "5",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // The bodies said to report are the round's: the same count `report rounds` gives.
    let expected = out
        .split(" trong số đó phải gửi báo cáo")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or_else(|| panic!("no count of reporting bodies in {out}"));
    assert!(
        expected > 130,
        "30 departments, 100 communes and the plan's own bodies: {out}"
    );
    let rounds = stdout(&theodoi(
        dir.path(),
        &["--database", db, "report", "rounds"],
    ));
    assert!(rounds.contains(&format!("/{expected}")), "{rounds}");
    for account in [
        "admin",
        "coord",
        "leader",
        "focal-",
        "head-",
        "theodoi-demo-2026",
    ] {
        assert!(out.contains(account), "accounts to try are listed: {out}");
    }
    // A second run would count everything twice: refused, with the reason, nothing written.
    let again = theodoi(
        dir.path(),
        &[
            "--database",
            db,
            "demo",
            "generate",
            "--scale",
            "city",
            "--seed",
            "5",
        ],
    );
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("cơ sở dữ liệu trống"),
        "{}",
        stderr(&again)
    );
    let o = theodoi(dir.path(), &["--database", db, "report", "rounds"]);
    assert!(
        stdout(&o).contains("6 tháng đầu năm 2026"),
        "{}",
        stdout(&o)
    );
    let o = theodoi(
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
            "annex.xlsx",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(dir.path().join("annex.xlsx")).unwrap_or_default();
    assert!(bytes.starts_with(b"PK"), "an XLSX is a zip");
    let o = theodoi(
        dir.path(),
        &[
            "--database",
            db,
            "report",
            "build",
            "--round",
            "1",
            "--format",
            "csv",
            "--output",
            "annex.csv",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(dir.path().join("annex.csv")).unwrap_or_default();
    assert!(csv.starts_with('\u{feff}'), "BOM for Excel");
    let header = csv
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or_default();
    assert!(
        header.starts_with("Kỳ báo cáo,Mã chỉ tiêu,Chỉ tiêu"),
        "one table with one header row: {header}"
    );
    assert_eq!(
        csv.lines()
            .filter(|l| l.trim_start_matches('\u{feff}').starts_with("Kỳ báo cáo,"))
            .count(),
        1,
        "no second table inside the CSV"
    );
    // The bodies still missing come in a file of their own, each with where it stands.
    let o = theodoi(
        dir.path(),
        &[
            "--database",
            db,
            "report",
            "build",
            "--round",
            "1",
            "--format",
            "missing-csv",
            "--output",
            "missing.csv",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let missing = std::fs::read_to_string(dir.path().join("missing.csv")).unwrap_or_default();
    assert!(missing.contains("Tình trạng báo cáo"), "{missing}");
    assert!(
        missing.lines().count() > 2
            && (missing.contains("Chưa gửi báo cáo")
                || missing.contains("Đã gửi, chờ Sở Tư pháp tiếp nhận")
                || missing.contains("Bị trả lại")),
        "missing bodies are listed with where they stand: {missing}"
    );
    // A round that does not exist: one line, exit code 2, no file.
    let o = theodoi(
        dir.path(),
        &[
            "--database",
            db,
            "report",
            "build",
            "--round",
            "99",
            "--format",
            "csv",
            "--output",
            "x.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("round 99"));
    assert!(!dir.path().join("x.csv").exists());
}

#[test]
fn report_docx_needs_a_signer() {
    let dir = tmp();
    let db = "sqlite://demo.db";
    let o = theodoi(
        dir.path(),
        &[
            "--database",
            db,
            "demo",
            "generate",
            "--scale",
            "city",
            "--seed",
            "2",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let base = [
        "--database",
        db,
        "report",
        "build",
        "--round",
        "1",
        "--format",
        "docx",
        "--output",
        "r.docx",
    ];
    let o = Command::new(env!("CARGO_BIN_EXE_theodoi"))
        .current_dir(dir.path())
        .env_remove("THEODOI_DATABASE_URL")
        .env_remove("THEODOI_REPORT_SIGNER")
        .args(base)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--signer"), "{}", stderr(&o));
    let mut args = base.to_vec();
    args.extend(["--signer", "Nguyễn Văn An"]);
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_theodoi"))
            .current_dir(dir.path())
            .env_remove("THEODOI_DATABASE_URL")
            .env_remove("THEODOI_REPORT_PLACE")
            .env_remove("THEODOI_REPORT_SUPERIOR")
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    // The demonstration city is named in the report settings: letterhead and date line.
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let xml = document_xml(&dir.path().join("r.docx"));
    assert!(
        xml.contains("THÀNH PHỐ HẢI PHÒNG"),
        "the superior's full name"
    );
    assert!(
        xml.contains("Hải Phòng, ngày"),
        "the place from the settings"
    );
    assert!(xml.contains("DỰ THẢO"), "nobody approved a draft");
    std::fs::remove_file(dir.path().join("r.docx")).unwrap_or_else(|e| panic!("{e}"));
    // Without the settings, the seed's header names no city: the place must be given, not
    // guessed.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async {
        let url = format!("sqlite://{}", dir.path().join("demo.db").display());
        let pool = sqlx::SqlitePool::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        sqlx::query("DELETE FROM app_settings WHERE key LIKE 'report.%'")
            .execute(&pool)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        pool.close().await;
    });
    let o = run(&args);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--place"), "{}", stderr(&o));
    assert!(!dir.path().join("r.docx").exists(), "nothing written");
    args.extend(["--superior", "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"]);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let xml = document_xml(&dir.path().join("r.docx"));
    assert!(xml.contains("TỈNH ĐẮK LẮK"), "the superior's full name");
    assert!(
        xml.contains("Đắk Lắk, ngày"),
        "the place taken from the superior's name"
    );
    let bytes = std::fs::read(dir.path().join("r.docx")).unwrap_or_default();
    assert!(bytes.starts_with(b"PK"));
}

/// The administrator's password given to the first start meets the same policy as one set in the
/// browser: a common one is refused, in Vietnamese, and no account is made with it.
#[test]
fn serve_refuses_a_common_admin_password() {
    let dir = tmp();
    let db = format!("sqlite://{}", dir.path().join("x.db").display());
    for (password, says) in [
        ("matkhau123456", "quá phổ biến"),
        ("            ", "không được để trống"),
        ("ngắn", "ít nhất 12 ký tự"),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_theodoi"))
            .current_dir(dir.path())
            .env_remove("THEODOI_DATABASE_URL")
            .env("THEODOI_ADMIN_PASSWORD", password)
            // Should the password pass, the address fails, so the test never hangs on a server.
            .args(["--database", &db, "serve", "--listen", "256.0.0.1:1"])
            .output()
            .unwrap_or_else(|e| panic!("cannot run theodoi: {e}"));
        assert!(!o.status.success());
        assert!(
            stderr(&o).contains("THEODOI_ADMIN_PASSWORD") && stderr(&o).contains(says),
            "{password:?}: {}",
            stderr(&o)
        );
    }
    // Without it, a one-time password is made as before (checked by the test above); with a
    // good one, the administrator signs in with it (here: the address fails after the account
    // is made).
    let o = Command::new(env!("CARGO_BIN_EXE_theodoi"))
        .current_dir(dir.path())
        .env_remove("THEODOI_DATABASE_URL")
        .env(
            "THEODOI_ADMIN_PASSWORD",
            "một câu mật khẩu đủ dài cho quản trị",
        )
        .args(["--database", &db, "serve", "--listen", "256.0.0.1:1"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run theodoi: {e}"));
    assert!(
        stdout(&o).contains("password from THEODOI_ADMIN_PASSWORD"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn serve_refuses_mail_with_links_only_this_machine_opens() {
    let dir = tmp();
    let db = format!("sqlite://{}", dir.path().join("x.db").display());
    let run = |public_url: &str| {
        Command::new(env!("CARGO_BIN_EXE_theodoi"))
            .current_dir(dir.path())
            .env_remove("THEODOI_DATABASE_URL")
            // Should the check pass, the address fails, so the test never hangs on a server.
            .args(["--database", &db, "serve", "--listen", "256.0.0.1:1"])
            .args([
                "--smtp-url",
                "smtp://127.0.0.1:2525",
                "--public-url",
                public_url,
            ])
            .output()
            .unwrap_or_else(|e| panic!("cannot run theodoi: {e}"))
    };
    let o = run("http://127.0.0.1:8080");
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("--public-url") && stderr(&o).contains("chỉ máy này mở được"),
        "{}",
        stderr(&o)
    );
    let o = run("https://theodoi.sotuphap.example.vn");
    assert!(
        !stderr(&o).contains("chỉ máy này mở được"),
        "{}",
        stderr(&o)
    );
}

const CO_EN: &str = include_str!("../../plandoc/tests/fixtures/recommendations/co_en_pdf.txt");
const CO_VI: &str = include_str!("../../plandoc/tests/fixtures/recommendations/co_vi.txt");

#[test]
fn recommendations_import_and_list_as_json() {
    let dir = tmp();
    write(dir.path(), "co.txt", CO_EN.as_bytes());
    write(dir.path(), "co_vi.txt", CO_VI.as_bytes());
    // A dry run says what it would do and writes nothing.
    let o = theodoi(dir.path(), &["rec", "import", "co.txt", "--dry-run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("would import CCPR/C/VNM/CO/4"),
        "{}",
        stdout(&o)
    );
    let o = theodoi(dir.path(), &["rec", "list", "--json"]);
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)));
    assert_eq!(json["recommendations"].as_array().map(Vec::len), Some(0));
    // Imported, then its translation: the English text stays, the Vietnamese fills in.
    let o = theodoi(
        dir.path(),
        &["rec", "import", "co.txt", "--accepted-by", "2715/QĐ-TTg"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = theodoi(dir.path(), &["rec", "import", "co_vi.txt"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Its paragraphs that name other articles than the original's are numbered differently:
    // left out and named, never written over the original's.
    assert!(stderr(&o).contains("khác bản gốc"), "{}", stderr(&o));
    let o = theodoi(
        dir.path(),
        &["rec", "list", "--source", "CCPR/C/VNM/CO/4", "--json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)));
    let recs = json["recommendations"]
        .as_array()
        .unwrap_or_else(|| panic!("{json}"));
    // Document order: paragraphs as numbers, subs in turn.
    let numbers: Vec<String> = recs
        .iter()
        .map(|r| {
            format!(
                "{}{}",
                r["paragraph"].as_str().unwrap_or("?"),
                r["sub"]
                    .as_str()
                    .map(|s| format!("({s})"))
                    .unwrap_or_default()
            )
        })
        .collect();
    let at = |n: &str| numbers.iter().position(|x| x == n);
    assert!(
        at("4(a)") < at("4(b)") && at("4(c)") < at("6") && at("6") < at("15(a)"),
        "{numbers:?}"
    );
    let a = recs
        .iter()
        .find(|r| r["paragraph"] == "15" && r["sub"] == "a")
        .unwrap_or_else(|| panic!("15(a) in {numbers:?}"));
    assert_eq!(a["source"], "CCPR/C/VNM/CO/4");
    assert!(
        a["articles"].as_array().is_some_and(|v| !v.is_empty()),
        "{a}"
    );
    assert!(
        a["text"].as_str().is_some_and(|t| t.contains("lawyer")),
        "{a}"
    );
    assert_eq!(a["tasks"], serde_json::json!([]));
    assert!(a["theme"].is_string());
    // A document the register does not hold is named with those it does.
    let o = theodoi(dir.path(), &["rec", "list", "--source", "CCPR/C/XYZ/CO/1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("known: CCPR/C/VNM/CO/4"),
        "{}",
        stderr(&o)
    );
    // A file without recommendations stores nothing and says why.
    write(dir.path(), "note.txt", "Ghi chú họp giao ban.\n".as_bytes());
    let o = theodoi(dir.path(), &["rec", "import", "note.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("không tìm thấy khuyến nghị nào có đánh số"),
        "{}",
        stderr(&o)
    );
}

/// A plan saved as text from a .VnTime document: read as Unicode, and the reader is told so.
#[test]
fn a_legacy_encoding_is_converted_and_said() {
    let dir = tmp();
    let tcvn3 = [
        "Uû ban nh©n d©n tØnh Lµo Cai",
        "Sè: 58/KH-UBND",
        "kÕ ho¹ch",
        "Thùc hiÖn C«ng \u{AD}íc vÒ quyÒn cña ng\u{AD}êi khuyÕt tËt n¨m 2026",
        "1. Tæ chøc tuyªn truyÒn, phæ biÕn ph¸p luËt cho ng\u{AD}êi d©n",
        "C¬ quan chñ tr×: Së T\u{AD} ph¸p.",
        "",
    ]
    .join("\n");
    write(dir.path(), "kh.txt", tcvn3.as_bytes());
    let o = theodoi(dir.path(), &["plan", "parse", "kh.txt"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Sở Tư pháp"), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("note: kh.txt: converted from TCVN3"),
        "{}",
        stderr(&o)
    );
}
