//! The flows people click through, and the bad input they will send.

use crate::{Case, Fut, PASSWORD, TestApp};

pub const CASES: &[(&str, Case)] = &[
    (
        "sign_in_failures_lock_and_are_audited",
        sign_in_failures_lock_and_are_audited,
    ),
    ("bad_csrf_is_refused", bad_csrf_is_refused),
    (
        "control_characters_are_refused_at_the_form_boundary",
        control_characters_are_refused_at_the_form_boundary,
    ),
    (
        "import_review_preview_publish",
        import_review_preview_publish,
    ),
    ("oversized_upload_is_refused", oversized_upload_is_refused),
    ("cascade_plans_are_counted", cascade_plans_are_counted),
    ("escalation_thread", escalation_thread),
    (
        "second_factor_required_by_policy",
        second_factor_required_by_policy,
    ),
    ("sign_out_everywhere", sign_out_everywhere),
    (
        "password_reset_forces_a_change",
        password_reset_forces_a_change,
    ),
    ("merge_duplicate_agencies", merge_duplicate_agencies),
    (
        "database_unreachable_gives_503",
        database_unreachable_gives_503,
    ),
];

const BODY: &[u8] = include_bytes!("../../../../seeds/000_b6a757b918caf98d.txt");
const APPENDIX: &[u8] = include_bytes!("../../../../seeds/001_5440965c404ba4b8.txt");

fn sign_in_failures_lock_and_are_audited(app: TestApp) -> Fut {
    Box::pin(async move {
        // An office behind one address signs in all day: successes are never counted.
        for _ in 0..30 {
            let mut c = app.client();
            let r = c.login("leader", PASSWORD).await;
            assert_eq!(r.status, 303, "a colleague's sign-in is never refused");
        }
        let mut c = app.client();
        let r = c.login("coord", "wrong password").await;
        assert_eq!(r.status, 401);
        assert!(r.body.contains("Tên đăng nhập hoặc mật khẩu không đúng"));
        let r = c.login("nobody", "wrong password").await;
        assert_eq!(r.status, 401, "unknown names get the same answer");
        assert!(r.body.contains("Tên đăng nhập hoặc mật khẩu không đúng"));
        for _ in 0..4 {
            c.login("coord", "wrong password").await;
        }
        let r = c.login("coord", PASSWORD).await;
        assert_eq!(
            r.status, 401,
            "paused after five failures, even with the right password"
        );
        assert!(
            r.body
                .contains("Đăng nhập bằng tên “coord” đang tạm dừng 15 phút"),
            "the pause names the account and the minutes: {}",
            r.body
        );
        // A name nobody has is paused with the same words: the pause reveals nothing.
        for _ in 0..4 {
            c.login("nobody", "wrong password").await;
        }
        let r = c.login("nobody", "wrong password").await;
        assert!(
            r.body
                .contains("Đăng nhập bằng tên “nobody” đang tạm dừng 15 phút")
        );
        // Others signing in from the same address are not affected.
        let mut colleague = app.client();
        let r = colleague.login("leader", PASSWORD).await;
        assert_eq!(
            r.status, 303,
            "one name's pause does not lock out the office"
        );
        // X-Forwarded-For from a client that is not a trusted proxy is ignored: it cannot
        // unpause a name nor pick another address.
        let mut spoof = app.client();
        spoof.header("X-Forwarded-For", "198.51.100.23");
        let r = spoof.login("coord", PASSWORD).await;
        assert_eq!(r.status, 401);
        // Without the token from the sign-in page, the form is refused.
        let mut fresh = app.client();
        let r = fresh
            .post(
                "/login",
                &[
                    ("username", "leader"),
                    ("password", PASSWORD),
                    ("csrf", "x"),
                ],
            )
            .await;
        assert_eq!(r.status, 403);
        let mut admin = app.signed_in("admin").await;
        let r = admin.get("/admin/audit?user=coord").await;
        assert!(
            r.body.contains("login_failed")
                && r.body.contains("login_paused")
                && r.body.contains("login_throttled")
        );
        assert!(
            !r.body.contains("wrong password"),
            "no secrets in the audit log"
        );
        Ok(())
    })
}

fn bad_csrf_is_refused(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.signed_in("coord").await;
        c.get("/agencies").await;
        let r = c
            .post(
                "/agencies",
                &[
                    ("name", "Ban thử"),
                    ("kind", "department"),
                    ("csrf", "forged"),
                ],
            )
            .await;
        assert_eq!(r.status, 403);
        assert!(r.body.contains("Biểu mẫu đã hết hạn hoặc không hợp lệ"));
        let r = c.post("/logout", &[("csrf", "")]).await;
        assert_eq!(r.status, 403);
        assert!(
            !app.db
                .list_agencies()
                .await?
                .iter()
                .any(|a| a.name == "Ban thử"),
            "nothing written"
        );
        Ok(())
    })
}

fn control_characters_are_refused_at_the_form_boundary(app: TestApp) -> Fut {
    Box::pin(async move {
        // The sign-in form: a NUL in the name or the password is a failed sign-in like any other
        // (on PostgreSQL it used to reach the database and fail with a 500).
        let mut c = app.client();
        for (name, password) in [("coord\0", PASSWORD), ("coord", "mật\0khẩu")] {
            let r = c.login(name, password).await;
            assert_eq!(r.status, 401, "{name:?}");
            assert!(r.body.contains("Tên đăng nhập hoặc mật khẩu không đúng"));
        }
        // Any other form: 422 saying what is wrong (never a field key), nothing written.
        let mut coord = app.signed_in("coord").await;
        coord.get("/agencies").await;
        for bad in [
            "Ban\0thử",
            "Ban thử\u{FFFF}",
            "Ban\u{1B}[31mthử",
            "Ban\u{7F}",
        ] {
            let r = coord
                .post("/agencies", &[("name", bad), ("kind", "department")])
                .await;
            assert_eq!(r.status, 422, "{bad:?}");
            assert!(
                r.body
                    .contains("Một ô trong biểu mẫu chứa ký tự không hợp lệ"),
                "the refusal says what is wrong: {}",
                r.body
            );
            assert!(!r.body.contains("“name”"), "and names no field key");
        }
        assert!(
            !app.db
                .list_agencies()
                .await?
                .iter()
                .any(|a| a.name.starts_with("Ban")),
            "nothing written"
        );
        // Line breaks and tabs are what people type: accepted.
        let r = coord
            .post(
                "/agencies",
                &[("name", "Ban thử\tmới"), ("kind", "department")],
            )
            .await;
        assert!(r.status < 400, "tab accepted: {}", r.status);
        // Query strings go through the same boundary.
        let r = coord.get("/admin/audit?user=a%00b").await;
        assert!(r.status == 422 || r.status == 403, "{}", r.status);
        let mut admin = app.signed_in("admin").await;
        let r = admin.get("/admin/audit?user=a%00b").await;
        assert_eq!(r.status, 422);
        assert!(
            r.body
                .contains("Một ô trong biểu mẫu chứa ký tự không hợp lệ"),
            "{}",
            r.body
        );
        assert!(!r.body.contains("“user”"), "no field key");
        let r = admin.get("/admin/audit?user=coord").await;
        assert_eq!(r.status, 200);
        Ok(())
    })
}

fn import_review_preview_publish(app: TestApp) -> Fut {
    Box::pin(async move {
        // A fresh plan (number 15/KH-UBND) so publishing creates rather than updates.
        let body = String::from_utf8_lossy(APPENDIX).replace("số 14  /KH-UBND", "số 15/KH-UBND");
        let mut c = app.signed_in("coord").await;
        c.get("/import").await;
        let r = c
            .post_multipart(
                "/import/review",
                &[],
                &[("file", "phu-luc.txt", body.as_bytes())],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("Kiểm tra trước khi công bố"));
        assert!(r.body.contains("PL.4") && r.body.contains("15/KH-UBND"));
        assert!(r.body.contains("value=\"123\""), "source lines numbered");
        assert!(
            r.body
                .contains("Dòng 4 của phụ lục tiếp tục sau ngắt trang"),
            "diagnostics shown"
        );
        // Abandoning the review leaves nothing behind.
        assert_eq!(app.db.list_plans().await?.len(), 1);
        let mut fields: Vec<(String, String)> = vec![
            ("source_name".into(), "phu-luc.txt".into()),
            ("source".into(), body.clone()),
            ("number".into(), "15/KH-UBND".into()),
            ("date".into(), "2026-02-01".into()),
            ("title".into(), "Kế hoạch thử".into()),
            ("task_count".into(), "6".into()),
        ];
        for (i, r) in ["PL.1", "PL.2", "PL.3", "PL.4", "PL.5", "PL.6"]
            .iter()
            .enumerate()
        {
            fields.push((format!("t{i}_ref"), r.to_string()));
            fields.push((format!("t{i}_title"), format!("Nhiệm vụ {r}")));
            fields.push((format!("t{i}_lead"), "Sở Tư pháp".into()));
            fields.push((
                format!("t{i}_coord"),
                "Đề nghị TAND thành phố\nSở Nội vụ".into(),
            ));
            fields.push((format!("t{i}_time"), "Quý II/2026".into()));
        }
        fields.push(("t5_drop".into(), "1".into()));
        let mut preview = fields.clone();
        preview.push(("action".into(), "preview".into()));
        let pv: Vec<(&str, &str)> = preview
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = c.post("/import/publish", &pv).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.body.contains("Nhiệm vụ PL.1") && r.body.contains("(theo quý)"),
            "corrections shown in the preview"
        );
        assert!(r.body.contains("fieldset class=\"task dropped\""));
        assert_eq!(
            app.db.list_plans().await?.len(),
            1,
            "a preview stores nothing"
        );
        // A bad date is refused with a message and nothing stored.
        let mut bad = fields.clone();
        bad.retain(|(k, _)| k != "date");
        bad.push(("date".into(), "2026-13-45".into()));
        bad.push(("action".into(), "publish".into()));
        let bv: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = c.post("/import/publish", &bv).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("không hợp lệ"));
        assert_eq!(app.db.list_plans().await?.len(), 1);
        fields.push(("action".into(), "publish".into()));
        let fv: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = c.post("/import/publish", &fv).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let plans = app.db.list_plans().await?;
        assert_eq!(plans.len(), 2);
        let new = plans
            .iter()
            .find(|p| p.number.as_deref() == Some("15/KH-UBND"))
            .ok_or("published plan")?;
        assert_eq!(new.task_count, 5, "the dropped task is not stored");
        assert_eq!(
            new.issued_on.map(|d| d.to_string()).as_deref(),
            Some("2026-02-01")
        );
        let view = app.db.load_plan(new.id).await?;
        assert!(view.tasks.iter().all(|t| t.time_kind == "quarter"));
        let court = view
            .assignments
            .iter()
            .find(|a| a.agency_code == "toa-an-nhan-dan-thanh-pho")
            .ok_or("court")?;
        assert!(court.requested_only);
        let r = c.get(r.location()).await;
        assert!(r.body.contains("Đã công bố kế hoạch."));
        // Body and appendix together, as two files of one upload.
        c.get("/import").await;
        let r = c
            .post_multipart(
                "/import/review",
                &[],
                &[
                    ("file", "than.txt", BODY),
                    ("file", "phu-luc.txt", APPENDIX),
                ],
            )
            .await;
        assert_eq!(r.status, 200);
        assert!(
            r.body.contains("II.4") && r.body.contains("PL.6") && r.body.contains("14/KH-UBND")
        );
        // A text with no plan in it is not refused: the review opens on it, says in Vietnamese
        // that no task was found, and lets the officer enter the plan by hand.
        let r = c
            .post_multipart(
                "/import/review",
                &[],
                &[(
                    "file",
                    "ghi-chu.txt",
                    "Ghi chú họp.\nKhông có gì.".as_bytes(),
                )],
            )
            .await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains("ghi-chu.txt"), "the file is named");
        assert!(
            r.body.contains("Không tìm thấy nhiệm vụ nào"),
            "the officer reads why in Vietnamese"
        );
        // Plans arrive as Word files and PDFs: both read into the review as the CLI reads them.
        for (name, bytes) in [
            (
                "ke-hoach.docx",
                &include_bytes!("../../../plandoc/tests/fixtures/numbered_table.docx")[..],
            ),
            (
                "ke-hoach.pdf",
                &include_bytes!("../../../plandoc/tests/fixtures/pdf/numbered_table.pdf")[..],
            ),
        ] {
            let r = c
                .post_multipart("/import/review", &[], &[("file", name, bytes)])
                .await;
            assert_eq!(r.status, 200, "{name}: {}", r.body);
            assert!(
                r.body.contains("II.3") && r.body.contains("Sở Y tế"),
                "{name}: the tasks and their leads are read"
            );
        }
        // A scanned PDF has no text to read: refused with the reason in Vietnamese.
        let r = c
            .post_multipart(
                "/import/review",
                &[],
                &[(
                    "file",
                    "ban-scan.pdf",
                    &include_bytes!("../../../plandoc/tests/fixtures/pdf/scan.pdf")[..],
                )],
            )
            .await;
        assert!(matches!(r.status, 400 | 422), "{}", r.status);
        assert!(r.body.contains("ban-scan.pdf"), "{}", r.body);
        assert!(
            r.body.contains("không có lớp văn bản (bản quét)"),
            "{}",
            r.body
        );
        Ok(())
    })
}

fn oversized_upload_is_refused(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.signed_in("coord").await;
        c.get("/import").await;
        // The test server accepts 64 KB.
        let big = vec![b'a'; 200 * 1024];
        let r = c
            .post_multipart("/import/review", &[], &[("file", "big.txt", &big)])
            .await;
        assert_eq!(r.status, 413, "{}", r.body);
        assert!(r.body.contains("Tệp quá lớn"));
        assert_eq!(app.db.list_plans().await?.len(), 1);
        Ok(())
    })
}

fn cascade_plans_are_counted(app: TestApp) -> Fut {
    Box::pin(async move {
        let p = app.plan_id;
        let mut coord = app.signed_in("coord").await;
        let before = coord.get(&format!("/plans/{p}/cascade")).await.body;
        assert!(before.contains("<strong>0</strong> đã ban hành"));
        let mut focal = app.signed_in("focal").await;
        focal.get(&format!("/plans/{p}/cascade")).await;
        let r = focal
            .post_multipart(
                &format!("/plans/{p}/cascade"),
                &[
                    ("number", "21/KH-STP"),
                    ("date", "2026-02-10"),
                    ("title", "Kế hoạch triển khai KH 14"),
                ],
                &[("file", "kh-12.pdf", b"%PDF-1.4 test")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let after = coord.get(&format!("/plans/{p}/cascade")).await.body;
        assert!(after.contains("<strong>1</strong> đã ban hành"));
        assert!(after.contains("21/KH-STP"));
        let file_link = after
            .split("href=\"/cascade/")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .ok_or("file link")?
            .to_string();
        let r = coord.get(&format!("/cascade/{file_link}/file")).await;
        assert_eq!(r.status, 200);
        assert!(
            r.header("content-disposition")
                .is_some_and(|d| d.starts_with("attachment"))
        );
        // Another agency cannot read it, nor record for someone else.
        let mut police = app.signed_in("police").await;
        assert_eq!(
            police
                .get(&format!("/cascade/{file_link}/file"))
                .await
                .status,
            403
        );
        let r = police.get(&format!("/plans/{p}/cascade")).await;
        assert!(!r.body.contains("21/KH-STP"), "agencies see only their own");
        // Bad input: a number that is not one, a date that is not one.
        let r = focal
            .post_multipart(
                &format!("/plans/{p}/cascade"),
                &[("number", "abc"), ("date", "2026-02-10"), ("title", "x")],
                &[],
            )
            .await;
        assert_eq!(r.status, 422);
        // The page again, with the reason and what was typed: nothing to type twice.
        assert!(
            r.body.contains("không đúng dạng số, ký hiệu văn bản")
                && r.body.contains("name=\"number\" value=\"abc\"")
                && r.body.contains("name=\"date\" value=\"2026-02-10\""),
            "{}",
            r.body
        );
        let r = focal
            .post_multipart(
                &format!("/plans/{p}/cascade"),
                &[("number", "1/KH-X"), ("date", "31/02/2026"), ("title", "x")],
                &[],
            )
            .await;
        assert_eq!(r.status, 422);
        Ok(())
    })
}

fn escalation_thread(app: TestApp) -> Fut {
    Box::pin(async move {
        let task = app.task_id("II.1").await;
        let mut focal = app.signed_in("focal").await;
        let r = focal.get(&format!("/tasks/{task}")).await;
        assert!(
            r.body.contains("Nêu vướng mắc"),
            "an assigned agency may raise"
        );
        let r = focal
            .post(
                &format!("/tasks/{task}/escalations"),
                &[
                    ("subject", "Thiếu kinh phí <b>"),
                    ("body", "Chưa được bố trí kinh phí."),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        let thread = r.location().to_string();
        let mut coord = app.signed_in("coord").await;
        let r = coord.get(&thread).await;
        assert!(r.body.contains("Thiếu kinh phí &#60;b&#62;") && r.body.contains("Đang chờ"));
        let r = coord
            .post(
                &thread,
                &[("kind", "forward"), ("body", "Chuyển UBND xem xét.")],
            )
            .await;
        assert_eq!(r.status, 303);
        let r = focal.get(&thread).await;
        assert!(r.body.contains("Đã chuyển UBND") && r.body.contains("Chuyển UBND xem xét."));
        // The agency may reply but not answer on the coordinator's behalf.
        let r = focal
            .post(&thread, &[("kind", "answer"), ("body", "x")])
            .await;
        assert_eq!(r.status, 403);
        let r = focal
            .post(&thread, &[("kind", "reply"), ("body", "Xin cảm ơn.")])
            .await;
        assert_eq!(r.status, 303);
        // A reply keeps it forwarded: it still waits on the body it went to.
        let r = focal.get(&thread).await;
        assert!(r.body.contains("Đã chuyển UBND"), "{}", r.body);
        // Each side hears of what the other wrote, with a link to the thread.
        let inbox = coord.get("/notifications").await;
        assert!(
            inbox
                .body
                .contains("Sở Tư pháp nêu vướng mắc: Thiếu kinh phí &#60;b&#62;")
                && inbox.body.contains("trao đổi thêm về vướng mắc")
                && inbox.body.contains(&format!("href=\"{thread}\"")),
            "{}",
            inbox.body
        );
        let inbox = focal.get("/notifications").await;
        assert!(
            inbox
                .body
                .contains("Sở Tư pháp chuyển vướng mắc đến cơ quan có thẩm quyền"),
            "{}",
            inbox.body
        );
        // Another agency sees nothing of it.
        let mut police = app.signed_in("police").await;
        assert_eq!(police.get(&thread).await.status, 403);
        assert!(
            !police
                .get("/escalations")
                .await
                .body
                .contains("Thiếu kinh phí")
        );
        // An empty message is refused.
        let r = coord
            .post(&thread, &[("kind", "answer"), ("body", "   ")])
            .await;
        assert_eq!(r.status, 422);
        Ok(())
    })
}

fn second_factor_required_by_policy(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut admin = app.signed_in("admin").await;
        admin.get("/admin/policies").await;
        let r = admin
            .post("/admin/policies", &[("totp", "coordinator")])
            .await;
        assert_eq!(r.status, 303);
        let mut c = app.client();
        let r = c.login("coord", PASSWORD).await;
        assert_eq!((r.status, r.location()), (303, "/login/totp"));
        assert_eq!(
            c.get("/plans").await.location(),
            "/login/totp",
            "no page before the second factor"
        );
        let page = c.get("/login/totp").await;
        let secret = page
            .body
            .split("<code class=\"secret\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .ok_or("setup key shown")?
            .to_string();
        let r = c.post("/login/totp", &[("code", "000000")]).await;
        assert_eq!(r.status, 401);
        let now =
            u64::try_from(time::OffsetDateTime::now_utc().unix_timestamp()).unwrap_or_default();
        let code = theodoi_web::auth::totp(&secret)?.generate(now).to_string();
        let r = c.post("/login/totp", &[("code", &code)]).await;
        // Set up: the ten recovery codes are shown once, then on to the start page.
        assert_eq!(r.status, 200);
        assert_eq!(r.body.matches("<code class=\"recovery\">").count(), 10);
        assert!(r.body.contains("<a href=\"/\">"));
        assert_eq!(c.get("/plans").await.status, 200);
        let coord = app.db.user_by_username("coord").await?.ok_or("coord")?;
        assert!(coord.totp_enabled);
        // The same code does not open a second session (RFC 6238 §5.2: accepted once).
        let mut again = app.client();
        again.login("coord", PASSWORD).await;
        again.get("/login/totp").await;
        let r = again.post("/login/totp", &[("code", &code)]).await;
        assert_eq!(r.status, 401, "a replayed code is refused");
        // The factor cannot be turned off while the role requires it.
        c.get("/account").await;
        let r = c.post("/account/totp", &[("action", "disable")]).await;
        assert_eq!(r.status, 422);
        Ok(())
    })
}

fn sign_out_everywhere(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut a = app.signed_in("leader").await;
        let mut b = app.signed_in("leader").await;
        assert_eq!(b.get("/plans").await.status, 200);
        a.get("/account").await;
        let r = a.post("/account/logout-all", &[]).await;
        assert_eq!((r.status, r.location()), (303, "/login"));
        assert_eq!(
            b.get("/plans").await.location(),
            "/login",
            "the other session ended too"
        );
        let cookie = b
            .cookies
            .get("theodoi_session")
            .cloned()
            .unwrap_or_default();
        assert!(!cookie.is_empty());
        let mut c = app.signed_in("leader").await;
        c.get("/plans").await;
        let r = c.post("/logout", &[]).await;
        assert_eq!(r.status, 303);
        assert_eq!(c.get("/plans").await.location(), "/login");
        Ok(())
    })
}

fn password_reset_forces_a_change(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut admin = app.signed_in("admin").await;
        admin.get("/admin/users").await;
        let r = admin
            .post(
                "/admin/users",
                &[
                    ("username", "Nguyen.An"),
                    ("display_name", "Nguyễn An"),
                    ("role", "focal_point"),
                    ("agency_id", &app.police.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let otp = r
            .body
            .split("<code class=\"secret\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .ok_or("one-time password shown")?
            .to_string();
        let mut u = app.client();
        let r = u.login("nguyen.an", &otp).await;
        assert_eq!(r.status, 303);
        assert_eq!(
            u.get("/plans").await.location(),
            "/account",
            "must change the password first"
        );
        u.get("/account").await;
        let r = u
            .post(
                "/account/password",
                &[("current", &otp), ("new", "short"), ("repeat", "short")],
            )
            .await;
        assert_eq!(r.status, 422);
        let r = u
            .post(
                "/account/password",
                &[
                    ("current", &otp),
                    ("new", "một mật khẩu mới đủ dài"),
                    ("repeat", "một mật khẩu mới đủ dài"),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        assert_eq!(u.get("/plans").await.status, 200);
        // An agency role needs an agency.
        let r = admin
            .post(
                "/admin/users",
                &[
                    ("username", "x1"),
                    ("display_name", "X"),
                    ("role", "agency_head"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        // A stored password is an Argon2id hash.
        let row = app.db.user_by_username("nguyen.an").await?.ok_or("user")?;
        assert!(row.password_hash.starts_with("$argon2id$"));
        Ok(())
    })
}

fn merge_duplicate_agencies(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.signed_in("coord").await;
        c.get("/agencies").await;
        let r = c
            .post(
                "/agencies",
                &[("name", "Sở Tư pháp thành phố"), ("kind", "department")],
            )
            .await;
        assert_eq!(r.status, 303);
        let dup = app
            .db
            .list_agencies()
            .await?
            .into_iter()
            .find(|a| a.code == "so-tu-phap-thanh-pho")
            .ok_or("dup")?;
        let r = c
            .post(
                "/agencies/merge",
                &[
                    ("keep", &app.justice.to_string()),
                    ("remove", &dup.id.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        assert!(app.db.agency(dup.id).await?.is_none());
        let kept = app.db.agency(app.justice).await?.ok_or("kept")?;
        assert!(kept.names.contains(&"Sở Tư pháp thành phố".to_string()));
        let r = c
            .post(
                "/agencies/merge",
                &[
                    ("keep", &app.justice.to_string()),
                    ("remove", &app.justice.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "no merge into itself");
        Ok(())
    })
}

fn database_unreachable_gives_503(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.signed_in("leader").await;
        app.db.close().await;
        let r = c.get("/plans").await;
        assert_eq!(r.status, 503);
        assert!(r.body.contains("không truy cập được cơ sở dữ liệu"));
        // Not ready, yet alive: taken out of rotation, not restarted.
        assert_eq!(c.get("/readyz").await.status, 503);
        assert_eq!(c.get("/healthz").await.status, 200);
        Ok(())
    })
}
