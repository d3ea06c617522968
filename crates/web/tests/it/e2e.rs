//! End to end in real headless Chromium, driven over WebDriver (Debian's chromium and
//! chromium-driver): sign in, import the seed plan through the review page, open the matrix and an
//! agency home. Screenshots of the key pages are saved for a reviewer (path printed).

use crate::client::Client;
use crate::{PASSWORD, TestApp};
use base64::Engine as _;
use libtest_mimic::Failed;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Where the screenshots go: the repository's `docs/screenshots`, refreshed on every run, so a
/// reviewer sees the key pages as they are now (`THEODOI_SCREENSHOTS` puts them elsewhere).
pub fn screenshot_dir() -> PathBuf {
    std::env::var_os("THEODOI_SCREENSHOTS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots"),
        PathBuf::from,
    )
}

struct Driver {
    child: Child,
    http: Client,
    session: String,
    profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    async fn start() -> Result<Self, Failed> {
        Self::start_in(None).await
    }

    /// A browser whose interface and preferred language are `lang` (e.g. "en-US").
    async fn start_in(lang: Option<&str>) -> Result<Self, Failed> {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0")?;
            l.local_addr()?.port()
        };
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {CHROMEDRIVER}: {e}"))?;
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let mut http = Client::new(addr);
        let mut ready = false;
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                let r = http.get("/status").await;
                if r.body.contains("\"ready\":true") {
                    ready = true;
                    break;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir()?;
        let mut d = Self {
            child,
            http,
            session: String::new(),
            profile,
        };
        if !ready {
            return Err("chromedriver did not become ready".into());
        }
        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            "--window-size=1280,1000".into(),
            format!("--user-data-dir={}", d.profile.path().display()),
        ];
        let mut prefs = json!({});
        if let Some(lang) = lang {
            args.push(format!("--lang={lang}"));
            prefs = json!({"intl": {"accept_languages": lang}});
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": args,
            "prefs": prefs,
        }}}});
        let v = d.call("POST", "/session", &caps).await?;
        d.session = v["sessionId"]
            .as_str()
            .ok_or(format!("no session: {v}"))?
            .to_string();
        Ok(d)
    }

    async fn call(&mut self, method: &str, path: &str, body: &Value) -> Result<Value, Failed> {
        let b = body.to_string();
        let r = self
            .http
            .request(method, path, Some("application/json"), b.as_bytes())
            .await;
        let v: Value = serde_json::from_str(&r.body)
            .map_err(|e| format!("{method} {path}: {e}: {}", r.body))?;
        if r.status != 200 {
            return Err(
                format!("{method} {path} → {}: {}", r.status, v["value"]["message"]).into(),
            );
        }
        Ok(v.get("value").cloned().map_or(v, |inner| {
            if path == "/session" {
                json!({"sessionId": inner["sessionId"]})
            } else {
                inner
            }
        }))
    }

    async fn s(&mut self, method: &str, rest: &str, body: Value) -> Result<Value, Failed> {
        let path = format!("/session/{}{rest}", self.session);
        self.call(method, &path, &body).await
    }

    async fn go(&mut self, url: &str) -> Result<(), Failed> {
        self.s("POST", "/url", json!({"url": url}))
            .await
            .map(|_| ())
    }

    async fn find(&mut self, css: &str) -> Result<String, Failed> {
        let v = self
            .s(
                "POST",
                "/element",
                json!({"using": "css selector", "value": css}),
            )
            .await?;
        Ok(v[ELEMENT]
            .as_str()
            .ok_or(format!("no element {css}: {v}"))?
            .to_string())
    }

    /// Empty a field, then type into it.
    async fn replace_text(&mut self, css: &str, text: &str) -> Result<(), Failed> {
        let e = self.find(css).await?;
        self.s("POST", &format!("/element/{e}/clear"), json!({}))
            .await?;
        self.type_into(css, text).await
    }

    async fn type_into(&mut self, css: &str, text: &str) -> Result<(), Failed> {
        let e = self.find(css).await?;
        self.s(
            "POST",
            &format!("/element/{e}/value"),
            json!({"text": text}),
        )
        .await
        .map(|_| ())
    }

    async fn click(&mut self, css: &str) -> Result<(), Failed> {
        let e = self.find(css).await?;
        // To the middle of the window, as a person scrolls to what they press: WebDriver scrolls
        // it only to the bottom edge, where the review's sticky action bar sits above it.
        self.s(
            "POST",
            "/execute/sync",
            json!({
                "script": "arguments[0].scrollIntoView({block: 'center'});",
                "args": [{ELEMENT: e}],
            }),
        )
        .await?;
        self.s("POST", &format!("/element/{e}/click"), json!({}))
            .await
            .map(|_| ())
    }

    async fn source(&mut self) -> Result<String, Failed> {
        Ok(self
            .s("GET", "/source", json!({}))
            .await?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    /// Wait (up to 15 s) until the page holds `needle`: a click that submits a form returns before
    /// the next page has loaded.
    async fn wait_for(&mut self, needle: &str) -> Result<String, Failed> {
        for _ in 0..150 {
            let src = self.source().await?;
            if src.contains(needle) {
                return Ok(src);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let url = self.url().await?;
        Err(format!("waited in vain for {needle:?} (at {url})").into())
    }

    async fn url(&mut self) -> Result<String, Failed> {
        Ok(self
            .s("GET", "/url", json!({}))
            .await?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    async fn screenshot(&mut self, name: &str) -> Result<PathBuf, Failed> {
        let v = self.s("GET", "/screenshot", json!({})).await?;
        let png =
            base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap_or_default())?;
        if !png.starts_with(b"\x89PNG") {
            return Err(format!("{name}: not a PNG").into());
        }
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    async fn window(&mut self, width: u32, height: u32) -> Result<(), Failed> {
        self.s(
            "POST",
            "/window/rect",
            json!({"width": width, "height": height}),
        )
        .await
        .map(|_| ())
    }

    /// The page, as it is, does not scroll sideways: what is wider than the window (a matrix, a
    /// long table) scrolls inside its own container.
    async fn fits_width(&mut self, what: &str) -> Result<(), Failed> {
        let v = self
            .s(
                "POST",
                "/execute/sync",
                json!({
                    "script": "return [document.documentElement.scrollWidth, window.innerWidth];",
                    "args": [],
                }),
            )
            .await?;
        let (scroll, inner) = (
            v[0].as_u64().unwrap_or(u64::MAX),
            v[1].as_u64().unwrap_or(0),
        );
        if scroll > inner {
            return Err(format!(
                "{what}: the page scrolls sideways ({scroll} px wide in a {inner} px window)"
            )
            .into());
        }
        Ok(())
    }

    /// At 390 px wide (a phone): the page fits the width; a screenshot `<name>-phone`; back to the
    /// desktop width.
    async fn phone(&mut self, name: &str) -> Result<(), Failed> {
        self.window(390, 844).await?;
        self.screenshot(&format!("{name}-phone")).await?;
        self.fits_width(name).await?;
        self.window(1280, 900).await
    }

    async fn sign_in(&mut self, base: &str, username: &str) -> Result<(), Failed> {
        self.go(&format!("{base}/login")).await?;
        self.type_into("input[name=username]", username).await?;
        self.type_into("input[name=password]", PASSWORD).await?;
        self.click("form[action='/login'] button").await
    }
}

pub async fn browser_flow(app: &TestApp) -> Result<(), Failed> {
    let base = format!("http://{}", app.addr);
    let files = tempfile::tempdir()?;
    let body = files.path().join("ke-hoach-14.txt");
    let appendix = files.path().join("phu-luc.txt");
    std::fs::write(
        &body,
        include_bytes!("../../../../seeds/000_b6a757b918caf98d.txt"),
    )?;
    std::fs::write(
        &appendix,
        include_bytes!("../../../../seeds/001_5440965c404ba4b8.txt"),
    )?;

    let mut d = Driver::start().await?;
    d.sign_in(&base, "coord").await?;
    d.wait_for("Ma trận phân công").await?;
    assert!(
        d.url().await?.ends_with("/plans"),
        "the coordinator lands on the plans"
    );
    d.screenshot("01-plans").await?;
    d.phone("01-plans").await?;

    d.go(&format!("{base}/import")).await?;
    let both = format!("{}\n{}", body.display(), appendix.display());
    d.type_into("input[type=file]", &both).await?;
    d.click("form[action='/import/review'] button").await?;
    let review = d.wait_for("Kiểm tra trước khi công bố").await?;
    assert!(
        review.contains("Kiểm tra trước khi công bố")
            && review.contains("II.4")
            && review.contains("PL.6"),
        "review page"
    );
    d.screenshot("02-import-review").await?;
    d.phone("02-import-review").await?;
    d.click("button[value=publish]").await?;
    // The plan is stored already (same number): publishing says so first.
    d.wait_for("Kế hoạch số 14/KH-UBND đã có trong hệ thống")
        .await?;
    d.click("button[value=confirm]").await?;
    let plan = d.wait_for("Đã công bố kế hoạch.").await?;
    assert!(
        plan.contains("Đã công bố kế hoạch.") && plan.contains("Trần Hữu Thuỳ Giang"),
        "published plan page"
    );
    d.screenshot("03-plan").await?;
    d.phone("03-plan").await?;
    // The bodies' own plans under it, and the plan as its first version held it: both fit a
    // phone's width (their tables scroll inside their boxes).
    d.go(&format!("{base}/plans/{}/cascade", app.plan_id))
        .await?;
    d.wait_for("Kế hoạch triển khai của đơn vị").await?;
    d.phone("03b-cascade").await?;
    d.go(&format!("{base}/plans/{}/versions/1", app.plan_id))
        .await?;
    d.wait_for("Phiên bản").await?;
    d.phone("03c-plan-version").await?;

    // A plan that arrived on paper, entered entirely by hand in the review: its header, two
    // tasks, a body picked from the directory by a search typed without marks.
    d.go(&format!("{base}/import")).await?;
    d.click("button[name=manual]").await?;
    d.wait_for("nhập tay").await?;
    d.type_into("input[name=number]", "21/KH-STP").await?;
    d.type_into("input[name=issuer]", "Sở Tư pháp").await?;
    d.type_into(
        "textarea[name=title]",
        "Kế hoạch thực hiện Kế hoạch số 14/KH-UBND năm 2026",
    )
    .await?;
    d.type_into("input[name=implements]", "14/KH-UBND").await?;
    d.type_into(
        "textarea[name=t0_title]",
        "Tổ chức tập huấn Công ước ICCPR cho cán bộ tư pháp",
    )
    .await?;
    d.type_into("textarea[name=t0_lead]", "Sở Tư pháp").await?;
    d.type_into("input[name=t0_time]", "Quý II/2026").await?;
    d.click("button[value=add]").await?;
    d.wait_for("name=\"t1_ref\"").await?;
    d.type_into(
        "textarea[name=t1_title]",
        "Rà soát, thống kê số liệu trợ giúp pháp lý theo giới tính, dân tộc",
    )
    .await?;
    d.type_into("input[name=t1_time]", "Hằng năm").await?;
    d.type_into("input[name=t1_q]", "tu phap").await?;
    d.click("button[value='find:1']").await?;
    d.wait_for("pick:1:lead:").await?;
    d.click("button[value^='pick:1:lead:']").await?;
    let filled = d.wait_for("Hằng năm").await?;
    assert!(filled.contains("(định kỳ)"), "the time's kind is named");
    d.screenshot("03b-review-by-hand").await?;
    d.window(390, 844).await?;
    d.screenshot("03c-review-by-hand-phone").await?;
    d.fits_width("the review of a plan entered by hand").await?;
    d.window(1280, 900).await?;
    d.click("button[value=publish]").await?;
    let entered = d.wait_for("Đã công bố kế hoạch.").await?;
    assert!(
        entered.contains("Kế hoạch thực hiện Kế hoạch số 14/KH-UBND năm 2026")
            && entered.contains("Rà soát, thống kê số liệu trợ giúp pháp lý"),
        "the plan entered by hand is published"
    );

    d.go(&format!("{base}/plans/{}/matrix", app.plan_id))
        .await?;
    d.wait_for("class=\"grid matrix\"").await?;
    d.screenshot("04-matrix").await?;
    d.phone("04-matrix").await?;

    // The coordinator opens the first half of 2026.
    let regime = app
        .db
        .regimes()
        .await?
        .into_iter()
        .find(|r| r.code == "6T")
        .ok_or("no six-monthly regime")?;
    d.go(&format!("{base}/rounds")).await?;
    d.wait_for("Mở đợt báo cáo").await?;
    d.click(&format!("option[value='{}:2026-1']", regime.id))
        .await?;
    d.click("form#open-round button.primary").await?;
    let round_page = d.wait_for("Tiến độ và tính kịp thời").await?;
    assert!(round_page.contains("15/06/2026"), "the agencies' deadline");
    let round: i64 = d
        .url()
        .await?
        .rsplit('/')
        .next()
        .and_then(|s| s.split('?').next())
        .and_then(|s| s.parse().ok())
        .ok_or("no round id in the URL")?;
    d.screenshot("07-round").await?;
    d.phone("07-round").await?;

    d.click("form[action='/logout'] button").await?;
    d.wait_for("name=\"password\"").await?;
    d.sign_in(&base, "focal").await?;
    let home = d.wait_for("Nhiệm vụ chủ trì").await?;
    let url = d.url().await?;
    assert!(
        url.ends_with(&format!("/agencies/{}/home", app.justice)),
        "an agency lands on its home, not {url}"
    );
    assert!(home.contains("Nhiệm vụ chủ trì") && home.contains("II.1"));
    d.screenshot("05-agency-home").await?;
    d.window(390, 844).await?;
    d.screenshot("06-agency-home-phone").await?;
    d.fits_width("the agency home").await?;
    d.window(1280, 900).await?;

    // The focal point fills in the report: a status, results and a figure with its breakdown.
    let form = app
        .db
        .report_form(round, app.justice)
        .await?
        .ok_or("no report form")?;
    let task = form.tasks[0].task_id;
    let tt = form
        .indicators
        .iter()
        .find(|i| i.code == "TT_NGUOI")
        .ok_or("no TT_NGUOI")?
        .id;
    d.go(&format!("{base}/rounds/{round}/reports/{}", app.justice))
        .await?;
    d.wait_for("Tình hình thực hiện nhiệm vụ").await?;
    d.click(&format!(
        "select[name='t{task}_status'] option[value='done']"
    ))
    .await?;
    d.type_into(
        &format!("textarea[name='t{task}_results']"),
        "Đã tổ chức 12 hội nghị phổ biến Công ước ICCPR cho 1.250 lượt người, trong đó 430 người dân tộc thiểu số.",
    )
    .await?;
    d.type_into(&format!("input[name='v{tt}']"), "1250").await?;
    // The sex breakdown is a column group of the grid: typed straight in, checked as typed.
    d.type_into(&format!("input[name='v{tt}_sex_nam']"), "600")
        .await?;
    d.type_into(&format!("input[name='v{tt}_sex_nu']"), "600")
        .await?;
    let live = d
        .wait_for("Cộng theo giới tính là 1200, khác tổng số 1250.")
        .await?;
    assert!(
        live.contains("field-error live"),
        "said beside the row before saving"
    );
    d.click(".actions button").await?;
    let refused = d.wait_for("Đã lưu các ô hợp lệ").await?;
    assert!(
        refused.contains("khác tổng số 1250") && refused.contains("430 người dân tộc thiểu số"),
        "the breakdown that does not add up is named and the text stays"
    );
    d.screenshot("08-report-refused").await?;
    d.replace_text(&format!("input[name='v{tt}_sex_nu']"), "650")
        .await?;
    d.click(".actions button").await?;
    // The valid part was saved as version 1; the corrected figures make version 2.
    let saved = d.wait_for("phiên bản 2").await?;
    assert!(saved.contains("value=\"650\""), "saved");
    assert!(saved.contains("Đã lưu bản nháp."), "confirmed");

    // Offline: the form's workbook, fetched with the browser's session, filled in as in Excel
    // and uploaded through the page; the changes are shown, then saved with the page's button.
    let cookie = d.s("GET", "/cookie/theodoi_session", json!({})).await?;
    let token = cookie["value"].as_str().ok_or("no session cookie")?;
    let mut http = Client::new(app.addr);
    http.cookies
        .insert("theodoi_session".into(), token.to_string());
    let book = http
        .get(&format!(
            "/rounds/{round}/reports/{}/form.xlsx",
            app.justice
        ))
        .await;
    assert_eq!(book.status, 200);
    let mut sheet = crate::grid_form::open_book(&book.bytes)?;
    sheet.set(&format!("v{tt}"), 'D', "1300")?;
    sheet.set(&format!("v{tt}_sex_nu"), 'D', "700")?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("bieu-mau-da-dien.xlsx");
    std::fs::write(&file, sheet.bytes()?)?;
    d.type_into(
        "form[action$='/form-upload'] input[type=file]",
        &file.display().to_string(),
    )
    .await?;
    d.click("form[action$='/form-upload'] button").await?;
    let read = d.wait_for("Thay đổi từ tệp đã tải lên (2)").await?;
    assert!(
        read.contains("<strong>1300</strong>"),
        "the change is listed"
    );
    d.screenshot("09b-report-from-workbook").await?;
    d.click(".actions button").await?;
    d.wait_for("phiên bản 3").await?;
    let stored = app
        .db
        .report_form(round, app.justice)
        .await?
        .ok_or("no report form")?;
    assert!(
        stored
            .values
            .iter()
            .any(|v| v.indicator_id == tt && v.dimension.is_empty() && v.value == 1300),
        "the workbook's figure is saved"
    );
    d.screenshot("09-report-form").await?;
    d.window(390, 844).await?;
    d.screenshot("10-report-form-phone").await?;
    d.fits_width("the report form").await?;
    d.window(1280, 900).await?;
    d.go(&format!("{base}/public/plans/{}", app.plan_id))
        .await?;
    d.wait_for("Tiến độ thực hiện kế hoạch").await?;
    d.screenshot("11-public").await?;
    d.phone("11-public").await?;
    let _ = d.s("DELETE", "", json!({})).await;
    eprintln!("screenshots: {}", screenshot_dir().display());
    Ok(())
}

/// The report draft in the browser: the coordinator edits a section and saves it and completes the
/// place; the Sở's head, finding no signer named, types his name in the approve form and approves;
/// the approved DOCX (fetched with the browser's session) holds the edit and his name.
/// Screenshots of the draft page at desktop width and at 390 px.
pub async fn draft_flow(app: &TestApp) -> Result<(), Failed> {
    let base = format!("http://{}", app.addr);
    let round = crate::drafts::round(app).await?;
    let mut d = Driver::start().await?;
    d.window(1280, 900).await?;
    d.sign_in(&base, "coord").await?;
    d.wait_for("Ma trận phân công").await?;
    d.go(&format!("{base}/rounds/{round}")).await?;
    d.wait_for("Dự thảo báo cáo").await?;
    d.click(&format!("a[href='/rounds/{round}/draft']")).await?;
    d.wait_for("Tư liệu dùng để soạn").await?;
    // A section beside its material, as the specialist works on it.
    d.go(&format!("{base}/rounds/{round}/draft#s-I")).await?;
    d.wait_for("Tư liệu dùng để soạn").await?;
    d.screenshot("13-draft").await?;
    let edit = "Sở Tư pháp đã chủ trì tổ chức 12 hội nghị phổ biến Công ước cho 1.250 lượt người.";
    d.replace_text("textarea[name='text:intro']", edit).await?;
    d.click("button[value='save:intro']").await?;
    let saved = d.wait_for("Đã lưu 1 phần").await?;
    assert!(saved.contains(edit), "the edit is on the page after saving");
    // The plan's header names no city: the page says so, and the place completes the formal
    // parts (the box is open while they are missing). The signer is left to the head.
    assert!(
        saved.contains("Chưa ghi cơ quan cấp trên hoặc địa danh"),
        "the missing place is pointed out"
    );
    d.replace_text("input[name=place]", "Hải Phòng").await?;
    d.click(&format!(
        "form[action='/rounds/{round}/draft/parts'] button"
    ))
    .await?;
    d.wait_for("Đã lưu thể thức").await?;
    d.window(390, 844).await?;
    d.screenshot("14-draft-phone").await?;
    d.fits_width("the report draft").await?;
    d.window(1280, 900).await?;
    d.click("form[action='/logout'] button").await?;
    d.wait_for("name=\"password\"").await?;

    d.sign_in(&base, "head").await?;
    d.wait_for("Nhiệm vụ chủ trì").await?;
    d.go(&format!("{base}/rounds/{round}/draft")).await?;
    let page = d.wait_for("Phê duyệt dự thảo").await?;
    assert!(page.contains("Họ tên người ký"), "the approve form asks");
    let approve = format!("form[action='/rounds/{round}/draft/approve']");
    d.replace_text(&format!("{approve} input[name=signer]"), "Nguyễn Văn An")
        .await?;
    d.screenshot("15-draft-approve-signer").await?;
    d.click(&format!("{approve} button")).await?;
    let approved = d.wait_for("Đã phê duyệt dự thảo").await?;
    assert!(approved.contains("Tải báo cáo đã phê duyệt"));
    assert!(
        approved.contains("Nguyễn Văn An"),
        "the name in the formal parts"
    );
    d.screenshot("16-draft-approved").await?;

    // The download link, fetched with the browser's own session.
    let cookie = d.s("GET", "/cookie/theodoi_session", json!({})).await?;
    let token = cookie["value"].as_str().ok_or("no session cookie")?;
    let mut http = Client::new(app.addr);
    http.cookies
        .insert("theodoi_session".into(), token.to_string());
    let docx = http.get(&format!("/rounds/{round}/draft.docx")).await;
    assert_eq!(docx.status, 200);
    let xml = crate::drafts::document_xml(&docx.bytes)?;
    assert!(xml.contains(edit), "the DOCX holds the edit");
    assert!(xml.contains("Nguyễn Văn An"), "and the head's name");
    assert!(
        !xml.contains("DỰ THẢO"),
        "the approved report is not marked as a draft"
    );
    let _ = d.s("DELETE", "", json!({})).await;
    Ok(())
}

/// An English-language browser: the page follows the account's language choice, and dates are
/// still shown and typed day first (dd/mm/yyyy), never in the browser's month-first order.
pub async fn english_browser_flow(app: &TestApp) -> Result<(), Failed> {
    let mut d = Driver::start_in(Some("en-US")).await?;
    let base = format!("http://{}", app.addr);
    let lang = d
        .s(
            "POST",
            "/execute/sync",
            json!({"script": "return navigator.language", "args": []}),
        )
        .await?;
    assert_eq!(lang.as_str(), Some("en-US"), "the browser speaks English");
    d.sign_in(&base, "coord").await?;
    d.go(&format!("{base}/lang/en")).await?;
    d.go(&format!("{base}/rounds")).await?;
    let page = d.wait_for("name=\"deadline\"").await?;
    assert!(page.contains("Open"), "the page is in English");
    // Day first in the fields, whatever the browser's locale: no date picker in month order.
    assert!(!page.contains("type=\"date\""));
    assert!(page.contains("placeholder=\"dd/mm/yyyy\""));
    let choice = d
        .find("select[name='choice'] option[value='adhoc']")
        .await?;
    d.s("POST", &format!("/element/{choice}/click"), json!({}))
        .await?;
    d.type_into("input[name='title']", "Rà soát đột xuất")
        .await?;
    d.type_into("input[name='window_start']", "01/02/2026")
        .await?;
    d.type_into("input[name='window_end']", "09/03/2026")
        .await?;
    d.type_into("input[name='deadline']", "12/03/2026").await?;
    d.click("form#open-round button.primary").await?;
    let round = d.wait_for("Rà soát đột xuất").await?;
    // 12 March, read day first and shown day first (an English browser would say 03/12/2026).
    assert!(round.contains("12/03/2026"), "the deadline shown day first");
    assert!(!round.contains("03/12/2026"));
    let stored = app
        .db
        .rounds(None)
        .await?
        .into_iter()
        .find(|r| r.round.title == "Rà soát đột xuất")
        .ok_or("the round")?;
    assert_eq!(
        stored.round.agency_deadline,
        time::macros::date!(2026 - 03 - 12)
    );
    d.screenshot("17-round-english-browser").await?;
    let _ = d.s("DELETE", "", json!({})).await;
    Ok(())
}

/// Sign out, then in as `username`.
async fn switch_to(d: &mut Driver, base: &str, username: &str) -> Result<(), Failed> {
    d.click("form[action='/logout'] button").await?;
    d.wait_for("name=\"password\"").await?;
    d.sign_in(base, username).await?;
    // The next page is asked for only once signed in: going on while the sign-in is still on
    // its way would cancel it and land on the sign-in page again.
    d.wait_for("Đăng xuất").await.map(|_| ())
}

/// The whole round in the browser with what each person is told: the focal point asks the head,
/// the head finds it in the notifications and approves, the focal point hears and sends, the
/// coordinator hears through the digest and returns it with a reason, and the body finds the
/// reason on top of its form. Each step is confirmed on the page it lands on.
pub async fn workflow_flow(app: &TestApp) -> Result<(), Failed> {
    let base = format!("http://{}", app.addr);
    let mut coord = app.signed_in("coord").await;
    let round = crate::rounds::open_h1(app, &mut coord).await?;
    let path = format!("/rounds/{round}/reports/{}", app.justice);
    // The figures are typed over HTTP (the grid itself is driven in the first browser test).
    let mut focal = app.signed_in("focal").await;
    focal.get(&path).await;
    let mut fields = crate::rounds::complete_fields(app, round, 40).await?;
    fields.push(("version".into(), "0".into()));
    let r = focal.post(&path, &crate::rounds::refs(&fields)).await;
    assert_eq!(r.status, 303, "{}", r.body);

    let mut d = Driver::start().await?;
    d.sign_in(&base, "focal").await?;
    d.wait_for("Đăng xuất").await?;
    d.go(&format!("{base}{path}")).await?;
    d.wait_for("Lưu và trình lãnh đạo duyệt").await?;
    d.click("button[name='ask']").await?;
    d.wait_for("Đã lưu bản nháp và báo lãnh đạo đơn vị duyệt.")
        .await?;

    switch_to(&mut d, &base, "head").await?;
    d.go(&format!("{base}/notifications")).await?;
    let inbox = d.wait_for("chờ lãnh đạo duyệt").await?;
    assert!(
        inbox.contains(&format!("href=\"{path}\"")),
        "a link to the report"
    );
    d.screenshot("18-head-notified").await?;
    d.phone("18-head-notified").await?;
    d.go(&format!("{base}{path}")).await?;
    d.wait_for("Lãnh đạo duyệt").await?;
    d.click("button[value='approve']").await?;
    d.wait_for("Đã duyệt báo cáo.").await?;

    switch_to(&mut d, &base, "focal").await?;
    d.go(&format!("{base}/notifications")).await?;
    d.wait_for("đã được lãnh đạo duyệt").await?;
    d.go(&format!("{base}{path}")).await?;
    d.wait_for("Gửi Sở Tư pháp").await?;
    d.click("button[value='submit']").await?;
    d.wait_for("Đã gửi báo cáo đến Sở Tư pháp.").await?;

    // The coordinators' digest of reports received, as the scheduler sends it.
    let state = theodoi_web::AppState::new(app.db.clone(), theodoi_web::Config::default());
    theodoi_web::reminders::run_once(&state, time::OffsetDateTime::now_utc())
        .await
        .map_err(|e| Failed::from(e.to_string()))?;
    switch_to(&mut d, &base, "coord").await?;
    d.go(&format!("{base}/notifications")).await?;
    d.wait_for("Đã nhận 1 báo cáo mới").await?;
    d.go(&format!("{base}{path}")).await?;
    d.wait_for("Trả lại để bổ sung").await?;
    d.type_into(
        "textarea[name='comment']",
        "Bổ sung phân tổ theo dân tộc của chỉ tiêu lượt người tham dự.",
    )
    .await?;
    d.click("button[value='return']").await?;
    d.wait_for("Đã trả lại báo cáo").await?;

    switch_to(&mut d, &base, "focal").await?;
    d.go(&format!("{base}/notifications")).await?;
    d.wait_for("Sở Tư pháp trả lại báo cáo").await?;
    d.go(&format!("{base}{path}")).await?;
    let form = d.wait_for("Bị trả lại để bổ sung").await?;
    let top = form.find("Bị trả lại để bổ sung").unwrap_or(usize::MAX);
    let grid = form.find("entry figures").unwrap_or(0);
    assert!(top < grid, "the reason sits above the form, not under it");
    assert!(form.contains("Bổ sung phân tổ theo dân tộc"));
    d.screenshot("19-report-returned").await?;
    d.phone("19-report-returned").await?;
    let _ = d.s("DELETE", "", json!({})).await;
    Ok(())
}

/// The register in the browser: concluding observations read and reviewed before they are
/// stored, a task linked to a recommendation found by a search typed without marks, and the
/// document's coverage with that task and the recommendations no task covers, on a desktop and a
/// phone.
pub async fn recommendations_flow(app: &TestApp) -> Result<(), Failed> {
    let base = format!("http://{}", app.addr);
    let files = tempfile::tempdir()?;
    let co = files.path().join("ccpr-c-vnm-co-4.txt");
    std::fs::write(
        &co,
        include_bytes!("../../../plandoc/tests/fixtures/recommendations/co_en_pdf.txt"),
    )?;
    let mut d = Driver::start().await?;
    d.sign_in(&base, "coord").await?;
    d.wait_for("Đăng xuất").await?;
    d.go(&format!("{base}/recommendations")).await?;
    d.type_into("input[type=file]", &co.display().to_string())
        .await?;
    d.click("form[action='/recommendations/review'] button")
        .await?;
    let review = d.wait_for("Kiểm tra khuyến nghị đọc được").await?;
    assert!(
        review.contains("CCPR/C/VNM/CO/4") && review.contains("15(a)"),
        "the review names the document and its numbers"
    );
    assert!(
        app.db.rec_sources().await?.is_empty(),
        "nothing is stored before the coordinator confirms"
    );
    d.screenshot("30-recommendations-review").await?;
    d.phone("30-recommendations-review").await?;
    d.click("form[action='/recommendations/import'] button")
        .await?;
    d.wait_for("Chưa có nhiệm vụ thực hiện").await?;
    let source = app
        .db
        .rec_sources()
        .await?
        .into_iter()
        .next()
        .ok_or("the document is stored")?;
    let lawyer = app
        .db
        .recommendations(Some(source.id))
        .await?
        .into_iter()
        .find(|r| r.number() == "15(a)")
        .ok_or("15(a) is in the register")?;

    // The task carries it out: the register holds the English text, found by its words.
    let task = app.task_id("PL.2").await;
    d.go(&format!("{base}/tasks/{task}")).await?;
    d.type_into("input[name=q]", "lawyer").await?;
    d.click("form[method=get] button").await?;
    d.wait_for(&format!("value=\"{}\"", lawyer.id)).await?;
    d.click(&format!("input[name=rec][value='{}']", lawyer.id))
        .await?;
    d.click("form[action$='/recommendations'] details summary")
        .await?;
    d.click("input[name=article][value='14']").await?;
    d.click("form[action$='/recommendations'] button.primary")
        .await?;
    let page = d
        .wait_for("CCPR/C/VNM/CO/4 đoạn 15(a)</strong></a>")
        .await?;
    assert!(
        page.contains("Điều 14"),
        "the article is shown with its title"
    );
    d.screenshot("31-task-recommendations").await?;
    d.phone("31-task-recommendations").await?;

    // The document's coverage: the task on 15(a), the others left uncovered, and its workbook.
    d.go(&format!("{base}/recommendations/{}", source.id))
        .await?;
    let coverage = d.wait_for("PL.2").await?;
    assert!(
        coverage.contains("Chưa có nhiệm vụ thực hiện")
            && coverage.contains(&format!("/recommendations/{}/coverage.xlsx", source.id)),
        "uncovered recommendations are marked and the workbook is offered"
    );
    d.screenshot("32-recommendations-coverage").await?;
    d.phone("32-recommendations-coverage").await?;
    let _ = d.s("DELETE", "", json!({})).await;
    Ok(())
}
