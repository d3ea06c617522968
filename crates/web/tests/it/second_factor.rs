//! Hardening item 4: a password change ends the account's other sessions; the second factor is
//! switched off only with the password and a current code; setup shows a QR code and the
//! otpauth:// link and issues ten one-time recovery codes, accepted once at sign-in; an
//! administrator resets a lost second factor. All audited. And (item 11) the sign-in form's token
//! is bound to a server key rather than equal to its cookie.

use crate::client::{Client, Resp};
use crate::{Case, Fut, PASSWORD, TestApp};

pub const CASES: &[(&str, Case)] = &[
    (
        "password_change_ends_other_sessions_and_meets_the_policy",
        password_change_ends_other_sessions_and_meets_the_policy,
    ),
    (
        "second_factor_qr_recovery_codes_and_switching_off",
        second_factor_qr_recovery_codes_and_switching_off,
    ),
    (
        "administrator_resets_a_lost_second_factor",
        administrator_resets_a_lost_second_factor,
    ),
    (
        "sign_in_token_is_signed_by_the_server",
        sign_in_token_is_signed_by_the_server,
    ),
];

fn between<'a>(body: &'a str, start: &str, end: &str) -> Vec<&'a str> {
    body.split(start)
        .skip(1)
        .filter_map(|s| s.split(end).next())
        .collect()
}

fn current_code(secret: &str) -> Result<String, libtest_mimic::Failed> {
    let now = u64::try_from(time::OffsetDateTime::now_utc().unix_timestamp()).unwrap_or_default();
    Ok(theodoi_web::auth::totp(secret)?.generate(now).to_string())
}

/// Turn the second factor on from the account page; returns the secret and the recovery codes.
async fn enable(c: &mut Client) -> Result<(String, Vec<String>, Resp), libtest_mimic::Failed> {
    let page = c.get("/account").await;
    assert_eq!(page.status, 200);
    let secret = between(&page.body, "<code class=\"secret\">", "<")
        .first()
        .map(|s| s.to_string())
        .ok_or("the setup key is shown")?;
    let code = current_code(&secret)?;
    let r = c
        .post("/account/totp", &[("action", "enable"), ("code", &code)])
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let codes: Vec<String> = between(&r.body, "<code class=\"recovery\">", "<")
        .into_iter()
        .map(str::to_string)
        .collect();
    Ok((secret, codes, r))
}

async fn audit_has(app: &TestApp, action: &str, detail: &str) -> bool {
    app.db
        .audit_log(&theodoi_store::accounts::AuditFilter {
            action: action.into(),
            username: String::new(),
            limit: 100,
        })
        .await
        .unwrap_or_default()
        .iter()
        .any(|a| a.detail.as_deref().unwrap_or_default().contains(detail))
}

fn password_change_ends_other_sessions_and_meets_the_policy(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut here = app.signed_in("leader").await;
        let mut elsewhere = app.signed_in("leader").await;
        let mut third = app.signed_in("leader").await;
        assert_eq!(elsewhere.get("/plans").await.status, 200);
        here.get("/account").await;
        // The policy, in Vietnamese, before anything changes.
        for (new, says) in [
            ("            ", "không được để trống"),
            ("ngắn quá", "ít nhất 12 ký tự"),
            ("matkhau123456", "quá phổ biến"),
            ("123456789012", "quá phổ biến"),
            ("Leader2026!!", "quá phổ biến"),
        ] {
            let r = here
                .post(
                    "/account/password",
                    &[("current", PASSWORD), ("new", new), ("repeat", new)],
                )
                .await;
            assert_eq!(r.status, 422, "{new:?}");
            assert!(r.body.contains(says), "{new:?}: {}", r.body);
        }
        let r = here
            .post(
                "/account/password",
                &[
                    ("current", "không phải mật khẩu"),
                    ("new", "một câu mật khẩu mới rất dài"),
                    ("repeat", "một câu mật khẩu mới rất dài"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("Mật khẩu hiện tại không đúng"),
            "{}",
            r.body
        );
        assert!(
            app.db
                .audit_log(&theodoi_store::accounts::AuditFilter {
                    action: "password_confirm_failed".into(),
                    username: "leader".into(),
                    limit: 10,
                })
                .await?
                .len()
                == 1,
            "the wrong password is audited"
        );
        assert_eq!(
            elsewhere.get("/plans").await.status,
            200,
            "nothing changed yet"
        );
        let r = here
            .post(
                "/account/password",
                &[
                    ("current", PASSWORD),
                    ("new", "một câu mật khẩu mới rất dài"),
                    ("repeat", "một câu mật khẩu mới rất dài"),
                ],
            )
            .await;
        assert_eq!((r.status, r.location()), (303, "/"), "{}", r.body);
        // This session goes on; every other one of the account has ended.
        assert_eq!(here.get("/plans").await.status, 200);
        assert_eq!(elsewhere.get("/plans").await.location(), "/login");
        assert_eq!(third.get("/plans").await.location(), "/login");
        assert!(audit_has(&app, "password_changed", "2 other sessions ended").await);
        // The old password no longer signs in; the new one does.
        let mut again = app.client();
        assert_eq!(again.login("leader", PASSWORD).await.status, 401);
        let r = again.login("leader", "một câu mật khẩu mới rất dài").await;
        assert_eq!(r.status, 303);
        // Another account's sessions are untouched.
        let mut coord = app.signed_in("coord").await;
        assert_eq!(coord.get("/plans").await.status, 200);
        Ok(())
    })
}

fn second_factor_qr_recovery_codes_and_switching_off(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.signed_in("inspector").await;
        let page = c.get("/account").await;
        // Setup: the key, its QR code drawn inline as SVG, and the otpauth:// link.
        assert!(page.body.contains("<svg role=\"img\""), "{}", page.body);
        assert!(!page.body.contains("<?xml"));
        assert!(
            page.body
                .contains("href=\"otpauth://totp/theodoi:inspector?secret="),
            "{}",
            page.body
        );
        let (_, codes, _) = enable(&mut c).await?;
        assert_eq!(codes.len(), 10, "ten recovery codes shown once");
        let row = app
            .db
            .user_by_username("inspector")
            .await?
            .ok_or("inspector")?;
        assert!(row.totp_enabled);
        assert_eq!(app.db.recovery_codes_left(row.id).await?, 10);
        // Shown once: the account page after that says how many are left, not which.
        let page = c.get("/account").await;
        assert!(!page.body.contains(&codes[0]));
        assert!(page.body.contains("<strong>10</strong>"), "{}", page.body);
        // A session alone cannot switch the factor off, nor a password without a code.
        let r = c.post("/account/totp", &[("action", "disable")]).await;
        assert_eq!(r.status, 422);
        let r = c
            .post(
                "/account/totp",
                &[
                    ("action", "disable"),
                    ("password", PASSWORD),
                    ("code", "000000"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Mã xác thực không đúng"), "{}", r.body);
        let r = c
            .post(
                "/account/totp",
                &[
                    ("action", "disable"),
                    ("password", "sai mật khẩu rồi"),
                    ("code", &codes[9]),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(app.db.user_by_id(row.id).await?.ok_or("row")?.totp_enabled);
        assert_eq!(
            app.db.recovery_codes_left(row.id).await?,
            10,
            "a refused attempt used no code"
        );
        // A lost phone: a recovery code signs in, once.
        let mut phone_lost = app.client();
        let r = phone_lost.login("inspector", PASSWORD).await;
        assert_eq!((r.status, r.location()), (303, "/login/totp"));
        let page = phone_lost.get("/login/totp").await;
        assert!(page.body.contains("mã khôi phục"), "{}", page.body);
        let typed = codes[0].to_uppercase().replace('-', " ");
        let r = phone_lost.post("/login/totp", &[("code", &typed)]).await;
        assert_eq!((r.status, r.location()), (303, "/"), "{}", r.body);
        assert_eq!(phone_lost.get("/plans").await.status, 200);
        assert!(audit_has(&app, "recovery_code_used", "9 left").await);
        let mut replay = app.client();
        replay.login("inspector", PASSWORD).await;
        replay.get("/login/totp").await;
        let r = replay.post("/login/totp", &[("code", &codes[0])]).await;
        assert_eq!(r.status, 401, "a used recovery code is refused");
        // Password and a current code (here a recovery code) switch it off.
        let r = c
            .post(
                "/account/totp",
                &[
                    ("action", "disable"),
                    ("password", PASSWORD),
                    ("code", &codes[1]),
                ],
            )
            .await;
        assert_eq!((r.status, r.location()), (303, "/account"), "{}", r.body);
        let row = app.db.user_by_id(row.id).await?.ok_or("row")?;
        assert!(!row.totp_enabled && row.totp_secret.is_none());
        assert_eq!(
            app.db.recovery_codes_left(row.id).await?,
            0,
            "its codes went with it"
        );
        assert!(
            audit_has(
                &app,
                "second_factor_disabled",
                "confirmed with a recovery code"
            )
            .await
        );
        assert!(audit_has(&app, "second_factor_enabled", "10 recovery codes issued").await);
        // Signing in now needs the password only.
        let mut plain = app.client();
        let r = plain.login("inspector", PASSWORD).await;
        assert_eq!((r.status, r.location()), (303, "/"));
        Ok(())
    })
}

fn administrator_resets_a_lost_second_factor(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.signed_in("leader").await;
        let (_, codes, _) = enable(&mut c).await?;
        assert_eq!(codes.len(), 10);
        // New codes need the password; the old ones stop working.
        let r = c.post("/account/totp", &[("action", "recovery")]).await;
        assert_eq!(r.status, 422);
        let r = c
            .post(
                "/account/totp",
                &[("action", "recovery"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(r.status, 200);
        let renewed = between(&r.body, "<code class=\"recovery\">", "<");
        assert_eq!(renewed.len(), 10);
        assert!(!renewed.contains(&codes[0].as_str()));
        let mut old = app.client();
        old.login("leader", PASSWORD).await;
        old.get("/login/totp").await;
        assert_eq!(
            old.post("/login/totp", &[("code", &codes[0])]).await.status,
            401
        );
        let leader = app.db.user_by_username("leader").await?.ok_or("leader")?;
        // Only an administrator resets, with the form's token.
        let mut coord = app.signed_in("coord").await;
        coord.get("/account").await;
        let path = format!("/admin/users/{}/second-factor/reset", leader.id);
        assert_eq!(coord.post(&path, &[]).await.status, 403);
        let mut admin = app.signed_in("admin").await;
        let users = admin.get("/admin/users").await;
        assert!(users.body.contains(&format!("action=\"{path}\"")));
        assert_eq!(admin.post(&path, &[("csrf", "forged")]).await.status, 403);
        let r = admin.post(&path, &[]).await;
        assert_eq!(r.status, 303);
        let flash = admin.get(r.location()).await;
        assert!(
            flash.body.contains("Đã đặt lại xác thực hai lớp"),
            "{}",
            flash.body
        );
        let row = app.db.user_by_id(leader.id).await?.ok_or("leader")?;
        assert!(!row.totp_enabled && row.totp_secret.is_none());
        assert_eq!(app.db.recovery_codes_left(leader.id).await?, 0);
        // Every session of the account ended; it signs in with the password alone again.
        assert_eq!(c.get("/plans").await.location(), "/login");
        let mut again = app.client();
        let r = again.login("leader", PASSWORD).await;
        assert_eq!((r.status, r.location()), (303, "/"));
        assert!(audit_has(&app, "second_factor_reset", "was on").await);
        let entries = app
            .db
            .audit_log(&theodoi_store::accounts::AuditFilter {
                action: "second_factor_reset".into(),
                username: "admin".into(),
                limit: 10,
            })
            .await?;
        assert_eq!(
            entries.first().and_then(|e| e.target.clone()).as_deref(),
            Some(format!("user:{}", leader.id).as_str())
        );
        Ok(())
    })
}

fn sign_in_token_is_signed_by_the_server(app: TestApp) -> Fut {
    Box::pin(async move {
        let mut c = app.client();
        let page = c.get("/login").await;
        let nonce = c
            .cookies
            .get("theodoi_csrf")
            .cloned()
            .ok_or("nonce cookie")?;
        let token = page.csrf();
        assert_eq!(token.len(), 64);
        assert_ne!(token, nonce, "the form does not repeat its cookie");
        // Double submit no longer works: a cookie planted by another site and the same value
        // in the form.
        let mut forger = app.client();
        forger
            .cookies
            .insert("theodoi_csrf".into(), "1780000000.abcdef".into());
        let r = forger
            .post(
                "/login",
                &[
                    ("username", "leader"),
                    ("password", PASSWORD),
                    ("csrf", "1780000000.abcdef"),
                ],
            )
            .await;
        assert_eq!(r.status, 403);
        let r = c
            .post(
                "/login",
                &[
                    ("username", "leader"),
                    ("password", PASSWORD),
                    ("csrf", &nonce),
                ],
            )
            .await;
        assert_eq!(r.status, 403);
        // A real token with another visit's cookie: refused.
        let mut other = app.client();
        other.get("/login").await;
        other.cookies.insert("theodoi_csrf".into(), nonce.clone());
        let other_token = other.csrf.clone();
        let r = other
            .post(
                "/login",
                &[
                    ("username", "leader"),
                    ("password", PASSWORD),
                    ("csrf", &other_token),
                ],
            )
            .await;
        assert_eq!(r.status, 403);
        // The page's own token with its own cookie signs in.
        let r = c
            .post(
                "/login",
                &[
                    ("username", "leader"),
                    ("password", PASSWORD),
                    ("csrf", &token),
                ],
            )
            .await;
        assert_eq!((r.status, r.location()), (303, "/"));
        // The key is the installation's: a second server on the same database accepts a form
        // the first one issued.
        let mut d = app.client();
        d.get("/login").await;
        let state = theodoi_web::AppState::new(app.db.clone(), theodoi_web::Config::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                theodoi_web::router(state)
                    .into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
        });
        let mut second = crate::client::Client::new(addr);
        second.cookies = d.cookies.clone();
        second.csrf = d.csrf.clone();
        let r = second
            .post("/login", &[("username", "leader"), ("password", PASSWORD)])
            .await;
        server.abort();
        assert_eq!((r.status, r.location()), (303, "/"));
        Ok(())
    })
}
