//! One's own account: change the password, turn the second factor on or off and renew its
//! recovery codes, set the reminder address, sign out everywhere.
//!
//! What a borrowed session must not be able to do alone needs the password typed again: a new
//! password, switching the second factor off (with a current code as well), new recovery codes.
//! A wrong password there counts against the account name like a failed sign-in.

use super::login::{Factor, check_factor, enable_factor, issue_recovery_codes};
use crate::auth::{self, SESSION_COOKIE, UiLang, User};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::i18n::Lang;
use crate::pages::{self, Ctx};
use crate::{AppState, audit, audit_by};
use askama::Template;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    ctx: Ctx,
    must_change: bool,
    totp_enabled: bool,
    /// A new secret offered for setup (not yet enabled), with its QR code and `otpauth://` link.
    new_secret: String,
    qr_svg: String,
    otpauth: String,
    /// Unused recovery codes left, when the second factor is on.
    recovery_left: i64,
    /// Recovery codes just issued: shown this once.
    recovery_codes: Vec<String>,
    error: String,
    /// The address reminders go to.
    email: String,
}

/// The account page; `error` is shown at the top, `issued` recovery codes once.
async fn account_page(
    state: &AppState,
    lang: Lang,
    user: &User,
    error: String,
    issued: Vec<String>,
) -> AppResult<Html<String>> {
    // The row as it is now: a handler may just have changed it.
    let row = state
        .db
        .user_by_id(user.id())
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let new_secret = if row.totp_enabled {
        String::new()
    } else {
        match &row.totp_secret {
            Some(s) => s.clone(),
            None => {
                let s = auth::new_totp_secret()?;
                state.db.set_totp(user.id(), Some(&s), false).await?;
                s
            }
        }
    };
    let ctx = Ctx::new(lang, Some(user));
    let (qr_svg, otpauth) = if new_secret.is_empty() {
        (String::new(), String::new())
    } else {
        let url = auth::otpauth_url(&row.username, &new_secret);
        let qr = auth::qr_svg(
            &url,
            ctx.t(
                "Mã QR để thêm tài khoản vào ứng dụng xác thực",
                "QR code to add the account to an authenticator app",
            ),
        )?;
        (qr, url)
    };
    let recovery_left = if row.totp_enabled {
        state.db.recovery_codes_left(user.id()).await?
    } else {
        0
    };
    pages::render(&AccountPage {
        email: row.email.clone().unwrap_or_default(),
        ctx,
        must_change: row.must_change_password,
        totp_enabled: row.totp_enabled,
        new_secret,
        qr_svg,
        otpauth,
        recovery_left,
        recovery_codes: issued,
        error,
    })
}

/// The account page again with the reason a change was refused (422).
async fn refused(state: &AppState, lang: Lang, user: &User, error: &str) -> AppResult<Response> {
    let html = account_page(state, lang, user, error.to_string(), Vec::new()).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

pub async fn page(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
) -> AppResult<Html<String>> {
    account_page(&state, lang, &user, String::new(), Vec::new()).await
}

/// The password typed again to confirm a change. Paused names are refused as at sign-in; a wrong
/// password counts against the name and is audited. Returns the refusal to show, if any.
async fn confirm_password(
    state: &AppState,
    lang: Lang,
    user: &User,
    client: IpAddr,
    typed: &str,
) -> AppResult<Option<String>> {
    let name = user.row.username.as_str();
    let verdict = state
        .limiter
        .lock()
        .map(|l| l.check(name, client, std::time::Instant::now()))
        .unwrap_or(auth::SignInVerdict::ClientPaused { minutes: 1 });
    if let auth::SignInVerdict::NamePaused { minutes }
    | auth::SignInVerdict::ClientPaused { minutes } = verdict
    {
        return Ok(Some(match lang {
            Lang::Vi => format!("Đã nhập sai nhiều lần; hãy thử lại sau {minutes} phút."),
            Lang::En => format!("Too many wrong attempts; try again in {minutes} minutes."),
        }));
    }
    let long = typed.chars().count() > theodoi_app::password::MAX_PASSWORD_CHARS;
    if !long && auth::verify_password(typed, &user.row.password_hash) {
        return Ok(None);
    }
    if let Ok(mut l) = state.limiter.lock() {
        l.failed(name, client, std::time::Instant::now());
    }
    audit(
        state,
        Some(user.id()),
        Some(name),
        "password_confirm_failed",
        None,
        None,
        Some(&client.to_string()),
    )
    .await?;
    Ok(Some(
        match lang {
            Lang::Vi => "Mật khẩu hiện tại không đúng.",
            Lang::En => "The current password is wrong.",
        }
        .to_string(),
    ))
}

fn client(state: &AppState, addr: SocketAddr, headers: &HeaderMap) -> IpAddr {
    auth::client_ip(addr.ip(), headers, &state.config.trusted_proxies)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    current: String,
    new: String,
    repeat: String,
}

/// A new password: the current one typed again, the policy met. Every other session of the
/// account ends with the change, in the same transaction; this one goes on.
pub async fn password(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    user: User,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let from = client(&state, addr, &headers);
    if let Some(refusal) = confirm_password(&state, lang, &user, from, &f.current).await? {
        return refused(&state, lang, &user, &refusal).await;
    }
    if f.new != f.repeat {
        let m = match lang {
            Lang::Vi => "Hai lần nhập mật khẩu mới không khớp nhau.",
            Lang::En => "The two new passwords differ.",
        };
        return refused(&state, lang, &user, m).await;
    }
    if f.new == f.current {
        let m = match lang {
            Lang::Vi => "Mật khẩu mới phải khác mật khẩu hiện tại.",
            Lang::En => "The new password must differ from the current one.",
        };
        return refused(&state, lang, &user, m).await;
    }
    if let Err(problem) = theodoi_app::password::check_password(&f.new, &user.row.username) {
        let m = match lang {
            Lang::Vi => problem.vi(),
            Lang::En => problem.en(),
        };
        return refused(&state, lang, &user, &m).await;
    }
    let hash = auth::hash_password(&f.new)?;
    let ended = state
        .db
        .change_password(user.id(), &hash, false, Some(&user.token_hash))
        .await?;
    audit_by(
        &state,
        &user,
        "password_changed",
        None,
        Some(&format!("{ended} other sessions ended")),
    )
    .await?;
    Ok(Redirect::to("/").into_response())
}

#[derive(Deserialize)]
pub struct TotpForm {
    csrf: String,
    #[serde(default)]
    code: String,
    /// The account's password, to switch the factor off or renew the recovery codes.
    #[serde(default)]
    password: String,
    action: String,
}

pub async fn totp(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    user: User,
    Form(f): Form<TotpForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let from = client(&state, addr, &headers);
    let wrong_code = match lang {
        Lang::Vi => "Mã xác thực không đúng (hoặc đã dùng).",
        Lang::En => "Wrong code (or used already).",
    };
    // Read afresh: the session's copy may predate a change made in another tab.
    let row = state
        .db
        .user_by_id(user.id())
        .await?
        .ok_or(AppError::Unauthenticated)?;
    match f.action.as_str() {
        "enable" => {
            if row.totp_enabled {
                return Ok(Redirect::to("/account").into_response());
            }
            let secret = row
                .totp_secret
                .clone()
                .ok_or(AppError::refuse("Chưa có khóa để bật", "No key to enable"))?;
            let now =
                u64::try_from(time::OffsetDateTime::now_utc().unix_timestamp()).unwrap_or_default();
            let code: String = f.code.chars().filter(char::is_ascii_digit).collect();
            let step = auth::totp(&secret)?
                .check(&code, now)
                .and_then(|s| i64::try_from(s).ok());
            let fresh = match step {
                Some(s) if f.code.chars().count() <= 64 => {
                    state.db.accept_totp_step(user.id(), s).await?
                }
                _ => false,
            };
            if !fresh {
                return refused(&state, lang, &user, wrong_code).await;
            }
            let codes = enable_factor(&state, user.id(), &secret).await?;
            audit_by(
                &state,
                &user,
                "second_factor_enabled",
                None,
                Some(&format!("{} recovery codes issued", codes.len())),
            )
            .await?;
            Ok(account_page(&state, lang, &user, String::new(), codes)
                .await?
                .into_response())
        }
        "disable" => {
            if state.db.totp_required(user.role.code()).await? {
                let m = match lang {
                    Lang::Vi => "Vai trò của bạn bắt buộc xác thực hai lớp, nên không tắt được.",
                    Lang::En => "Your role requires two-factor sign-in; it cannot be turned off.",
                };
                return refused(&state, lang, &user, m).await;
            }
            if !row.totp_enabled {
                return Ok(Redirect::to("/account").into_response());
            }
            if let Some(refusal) = confirm_password(&state, lang, &user, from, &f.password).await? {
                return refused(&state, lang, &user, &refusal).await;
            }
            let factor = check_factor(&state, &row, &f.code).await?;
            if factor == Factor::Wrong {
                if let Ok(mut l) = state.limiter.lock() {
                    l.failed(&row.username, from, std::time::Instant::now());
                }
                audit_by(
                    &state,
                    &user,
                    "second_factor_failed",
                    None,
                    Some("switching off"),
                )
                .await?;
                return refused(&state, lang, &user, wrong_code).await;
            }
            state.db.disable_second_factor(user.id()).await?;
            audit_by(
                &state,
                &user,
                "second_factor_disabled",
                None,
                (factor == Factor::Recovery).then_some("confirmed with a recovery code"),
            )
            .await?;
            Ok(Redirect::to("/account").into_response())
        }
        "recovery" => {
            if !row.totp_enabled {
                return Ok(Redirect::to("/account").into_response());
            }
            if let Some(refusal) = confirm_password(&state, lang, &user, from, &f.password).await? {
                return refused(&state, lang, &user, &refusal).await;
            }
            let codes = issue_recovery_codes(&state, user.id()).await?;
            audit_by(
                &state,
                &user,
                "recovery_codes_issued",
                None,
                Some(&format!("{} codes; earlier ones void", codes.len())),
            )
            .await?;
            Ok(account_page(&state, lang, &user, String::new(), codes)
                .await?
                .into_response())
        }
        _ => Err(AppError::refuse(
            "Thao tác không hợp lệ",
            "The action is not valid",
        )),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout_all(
    State(state): State<AppState>,
    user: User,
    Form(f): Form<CsrfForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let n = state.db.delete_user_sessions(user.id()).await?;
    audit_by(
        &state,
        &user,
        "logout_all",
        None,
        Some(&format!("{n} sessions")),
    )
    .await?;
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        pages::cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies),
    );
    Ok(r)
}

#[derive(Deserialize)]
pub struct EmailForm {
    csrf: String,
    #[serde(default)]
    email: String,
}

/// Set or clear the address reminders go to.
pub async fn set_email(
    State(state): State<AppState>,
    user: User,
    Form(f): Form<EmailForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let email = super::admin::email(&f.email)?;
    state.db.set_email(user.id(), email.as_deref()).await?;
    // The address itself is personal data: the log says only that it changed.
    audit_by(&state, &user, "email_set", None, None).await?;
    Ok(Redirect::to("/account").into_response())
}
