//! One's own account: change the password, turn the second factor on or off, sign out everywhere.

use crate::auth::{self, MIN_PASSWORD_CHARS, SESSION_COOKIE, UiLang, User};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::pages::{self, Ctx};
use crate::{AppState, audit_by};
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    ctx: Ctx,
    must_change: bool,
    totp_enabled: bool,
    /// A new secret offered for setup (not yet enabled).
    new_secret: String,
    error: String,
    /// The address reminders go to.
    email: String,
}

pub async fn page(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
) -> AppResult<Html<String>> {
    let new_secret = if user.row.totp_enabled {
        String::new()
    } else {
        match &user.row.totp_secret {
            Some(s) => s.clone(),
            None => {
                let s = auth::new_totp_secret()?;
                state.db.set_totp(user.id(), Some(&s), false).await?;
                s
            }
        }
    };
    pages::render(&AccountPage {
        email: user.row.email.clone().unwrap_or_default(),
        ctx: Ctx::new(lang, Some(&user)),
        must_change: user.row.must_change_password,
        totp_enabled: user.row.totp_enabled,
        new_secret,
        error: String::new(),
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    current: String,
    new: String,
    repeat: String,
}

pub async fn password(
    State(state): State<AppState>,
    user: User,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    if !auth::verify_password(&f.current, &user.row.password_hash) {
        return Err(AppError::BadRequest(
            "Mật khẩu hiện tại không đúng / the current password is wrong".into(),
        ));
    }
    if f.new != f.repeat {
        return Err(AppError::BadRequest(
            "Hai mật khẩu mới không khớp / the new passwords differ".into(),
        ));
    }
    if f.new.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::BadRequest(format!(
            "Mật khẩu mới cần ít nhất {MIN_PASSWORD_CHARS} ký tự / the new password needs {MIN_PASSWORD_CHARS} characters or more"
        )));
    }
    let hash = auth::hash_password(&f.new)?;
    state.db.set_password(user.id(), &hash, false).await?;
    audit_by(&state, &user, "password_changed", None, None).await?;
    Ok(Redirect::to("/").into_response())
}

#[derive(Deserialize)]
pub struct TotpForm {
    csrf: String,
    #[serde(default)]
    code: String,
    action: String,
}

pub async fn totp(
    State(state): State<AppState>,
    user: User,
    Form(f): Form<TotpForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    match f.action.as_str() {
        "enable" => {
            let secret = user.row.totp_secret.clone().ok_or(AppError::BadRequest(
                "Chưa có khóa để bật / no key to enable".into(),
            ))?;
            let now =
                u64::try_from(time::OffsetDateTime::now_utc().unix_timestamp()).unwrap_or_default();
            let code: String = f.code.chars().filter(char::is_ascii_digit).collect();
            let step = auth::totp(&secret)?
                .check(&code, now)
                .and_then(|s| i64::try_from(s).ok());
            let fresh = match step {
                Some(s) => state.db.accept_totp_step(user.id(), s).await?,
                None => false,
            };
            if !fresh {
                return Err(AppError::BadRequest(
                    "Mã xác thực không đúng / wrong code".into(),
                ));
            }
            state.db.set_totp(user.id(), Some(&secret), true).await?;
            audit_by(&state, &user, "second_factor_enabled", None, None).await?;
        }
        "disable" => {
            if state.db.totp_required(user.role.code()).await? {
                return Err(AppError::BadRequest(
                    "Vai trò của bạn bắt buộc xác thực hai lớp / your role requires two-factor sign-in".into(),
                ));
            }
            state.db.set_totp(user.id(), None, false).await?;
            audit_by(&state, &user, "second_factor_disabled", None, None).await?;
        }
        _ => {
            return Err(AppError::BadRequest(
                "Thao tác không hợp lệ / unknown action".into(),
            ));
        }
    }
    Ok(Redirect::to("/account").into_response())
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
