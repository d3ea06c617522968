//! Signing in (password, then the second factor where the account has or needs one) and out.

use crate::auth::{self, MaybeSession, PRE_CSRF_COOKIE, Role, SESSION_COOKIE, UiLang, User};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::pages::{self, Ctx};
use crate::{AppState, audit, audit_by};
use askama::Template;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::net::SocketAddr;
use time::OffsetDateTime;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    error: String,
    username: String,
}

fn pre_csrf(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == PRE_CSRF_COOKIE)
        .map(|(_, v)| v.to_string())
}

/// The key sign-in forms are signed with: the installation's, from the database (made there at
/// first use, so every server process and restart signs alike), read once per process.
async fn sign_in_key(state: &AppState) -> AppResult<&[u8]> {
    let key = state
        .sign_in_key
        .get_or_try_init(|| async {
            let candidate = auth::random_token(32)?;
            let stored = state
                .db
                .server_key("sign_in_csrf", &candidate, OffsetDateTime::now_utc())
                .await?;
            let key = hex::decode(stored.trim())
                .ok()
                .filter(|k| k.len() >= 32)
                .ok_or_else(|| anyhow::anyhow!("the stored sign-in key is not 32 hex bytes"))?;
            Ok::<Vec<u8>, AppError>(key)
        })
        .await?;
    Ok(key.as_slice())
}

/// The sign-in page. There is no session yet to hold a token, so the visit gets a nonce in a
/// cookie and the form the nonce's HMAC under the server's key ([`auth::sign_in_token`]): a page
/// elsewhere can neither read the token nor make one for a cookie it managed to plant.
async fn login_page(
    state: &AppState,
    lang: crate::i18n::Lang,
    error: &str,
    username: &str,
) -> AppResult<Response> {
    let key = sign_in_key(state).await?;
    let nonce = auth::sign_in_nonce(OffsetDateTime::now_utc().unix_timestamp())?;
    let token = auth::sign_in_token(key, &nonce)?;
    let mut ctx = Ctx::new(lang, None);
    ctx.csrf.clone_from(&token);
    let status = if error.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNAUTHORIZED
    };
    let mut r = (
        status,
        pages::render(&LoginPage {
            ctx,
            error: error.to_string(),
            username: username.to_string(),
        })?,
    )
        .into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        pages::cookie(
            PRE_CSRF_COOKIE,
            &nonce,
            auth::SIGN_IN_FORM_SECS,
            state.config.secure_cookies,
        ),
    );
    Ok(r)
}

pub async fn form(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    MaybeSession(s, _): MaybeSession,
) -> AppResult<Response> {
    if s.is_some_and(|s| !s.second_factor_pending) {
        return Ok(Redirect::to("/").into_response());
    }
    login_page(&state, lang, "", "").await
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf: String,
}

pub async fn submit(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    // The sign-in form answers a bad character like a wrong password (below), not with the
    // form boundary's 422, so it tells nothing more than any failed sign-in.
    axum::Form(f): axum::Form<LoginForm>,
) -> AppResult<Response> {
    let m = crate::i18n::msg(lang);
    let key = sign_in_key(&state).await?;
    let now_unix = OffsetDateTime::now_utc().unix_timestamp();
    if !pre_csrf(&headers)
        .is_some_and(|nonce| auth::check_sign_in_token(key, &nonce, &f.csrf, now_unix))
    {
        return Err(AppError::Csrf);
    }
    let client = auth::client_ip(addr.ip(), &headers, &state.config.trusted_proxies);
    let ip = client.to_string();
    // What the audit log and the limiter keep of the name: never a character the database or a
    // reader would choke on (the lookup below is skipped for such a name).
    let username: String = f
        .username
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| crate::form::allowed_char(*c))
        .collect();
    let verdict = state
        .limiter
        .lock()
        .map(|l| l.check(&username, client, std::time::Instant::now()))
        .unwrap_or(auth::SignInVerdict::ClientPaused { minutes: 1 });
    if verdict != auth::SignInVerdict::Allowed {
        audit(
            &state,
            None,
            Some(&username),
            "login_throttled",
            None,
            Some(match verdict {
                auth::SignInVerdict::NamePaused { .. } => "name paused",
                _ => "client paused",
            }),
            Some(&ip),
        )
        .await?;
        return login_page(
            &state,
            lang,
            &paused_message(lang, verdict, &username),
            &username,
        )
        .await;
    }
    let now = OffsetDateTime::now_utc();
    // A name or password no account can have (a control character, or longer than any allowed)
    // is answered like a wrong password, without looking it up or hashing megabytes.
    let clean = [&f.username, &f.password]
        .iter()
        .all(|v| v.chars().all(crate::form::allowed_char))
        && f.username.chars().count() <= MAX_USERNAME_INPUT
        && f.password.chars().count() <= theodoi_app::password::MAX_PASSWORD_CHARS;
    let user = if clean {
        state.db.user_by_username(&username).await?
    } else {
        tracing::warn!("sign-in refused: a control character in the name or password");
        None
    };
    let checked = match &user {
        Some(u) if !u.disabled => auth::verify_password(&f.password, &u.password_hash),
        _ => {
            // Spend the same time as a real check, so timing does not reveal which names exist.
            if clean {
                let _ = auth::verify_password(&f.password, &DUMMY_HASH);
            }
            false
        }
    };
    let user = match user {
        Some(u) if checked => u,
        user => {
            let verdict = state
                .limiter
                .lock()
                .map(|mut l| {
                    let at = std::time::Instant::now();
                    l.failed(&username, client, at);
                    l.check(&username, client, at)
                })
                .unwrap_or(auth::SignInVerdict::Allowed);
            let user = user.filter(|u| !u.disabled);
            audit(
                &state,
                user.as_ref().map(|u| u.id),
                Some(&username),
                if verdict == auth::SignInVerdict::Allowed {
                    "login_failed"
                } else {
                    "login_paused"
                },
                None,
                user.is_none().then_some("unknown or disabled account"),
                Some(&ip),
            )
            .await?;
            // The same answer whether or not the name exists.
            let message = match verdict {
                auth::SignInVerdict::Allowed => m.bad_login.to_string(),
                v => paused_message(lang, v, &username),
            };
            return login_page(&state, lang, &message, &username).await;
        }
    };
    let role = Role::parse(&user.role).ok_or(AppError::Forbidden)?;
    let second_factor = user.totp_enabled || state.db.totp_required(role.code()).await?;
    // Earlier failures stop counting once the sign-in is complete: with a second factor to come,
    // not yet, or a known password would buy unlimited guesses at the code.
    if !second_factor && let Ok(mut l) = state.limiter.lock() {
        l.succeeded(&username);
    }
    let token = auth::random_token(32)?;
    let csrf = auth::random_token(32)?;
    let expires = now + time::Duration::hours(state.config.session_hours);
    state
        .db
        .create_session(
            &auth::token_hash(&token),
            user.id,
            &csrf,
            second_factor,
            now,
            expires,
        )
        .await?;
    audit(
        &state,
        Some(user.id),
        Some(&username),
        "login",
        None,
        second_factor.then_some("password; second factor next"),
        Some(&ip),
    )
    .await?;
    let to = if second_factor { "/login/totp" } else { "/" };
    let mut r = Redirect::to(to).into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        pages::cookie(
            SESSION_COOKIE,
            &token,
            state.config.session_hours * 3600,
            state.config.secure_cookies,
        ),
    );
    Ok(r)
}

/// Longer than any user name (64 characters): not looked up.
const MAX_USERNAME_INPUT: usize = 200;

/// What a paused sign-in is told: the name and how long, the same whether or not it exists.
fn paused_message(lang: crate::i18n::Lang, verdict: auth::SignInVerdict, username: &str) -> String {
    let m = crate::i18n::msg(lang);
    match verdict {
        auth::SignInVerdict::NamePaused { minutes } => m
            .name_paused
            .replace("{name}", username)
            .replace("{minutes}", &minutes.to_string()),
        auth::SignInVerdict::ClientPaused { minutes } => {
            m.client_paused.replace("{minutes}", &minutes.to_string())
        }
        auth::SignInVerdict::Allowed => String::new(),
    }
}

/// A real Argon2id hash of a random string, checked against when the account does not exist.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let random = auth::random_token(16).unwrap_or_default();
    auth::hash_password(&random).unwrap_or_default()
});

#[derive(Template)]
#[template(path = "totp.html")]
struct TotpPage {
    ctx: Ctx,
    error: String,
    /// Shown when the account sets up its second factor now (the role requires one), with its
    /// QR code and `otpauth://` link.
    new_secret: String,
    qr_svg: String,
    otpauth: String,
    /// Shown once, right after the setup succeeded.
    recovery_codes: Vec<String>,
}

impl TotpPage {
    fn new(ctx: Ctx, username: &str, setup_secret: Option<&str>, error: String) -> AppResult<Self> {
        let (new_secret, qr_svg, otpauth) = match setup_secret {
            Some(secret) => {
                let url = auth::otpauth_url(username, secret);
                let qr = auth::qr_svg(
                    &url,
                    ctx.t(
                        "Mã QR để thêm tài khoản vào ứng dụng xác thực",
                        "QR code to add the account to an authenticator app",
                    ),
                )?;
                (secret.to_string(), qr, url)
            }
            None => Default::default(),
        };
        Ok(Self {
            ctx,
            error,
            new_secret,
            qr_svg,
            otpauth,
            recovery_codes: Vec::new(),
        })
    }
}

/// What a typed second-factor code turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Factor {
    /// The authenticator's current code, not used before.
    Code,
    /// One of the account's unused recovery codes, now used.
    Recovery,
    Wrong,
}

/// Check a typed code against the account's enabled second factor: the authenticator's code
/// (accepted once) or one of its recovery codes (each good once). Either is used up on success.
pub(crate) async fn check_factor(
    state: &AppState,
    user: &theodoi_store::accounts::UserRow,
    typed: &str,
) -> AppResult<Factor> {
    let Some(secret) = user.totp_secret.as_deref().filter(|_| user.totp_enabled) else {
        return Ok(Factor::Wrong);
    };
    if typed.chars().count() > 64 {
        return Ok(Factor::Wrong);
    }
    let now = OffsetDateTime::now_utc();
    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
    // An authenticator's code is digits only (perhaps spaced); a recovery code has letters too.
    let only_digits = typed
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '-');
    if !only_digits && let Some(hash) = auth::recovery_code_hash(typed) {
        return Ok(if state.db.use_recovery_code(user.id, &hash, now).await? {
            Factor::Recovery
        } else {
            Factor::Wrong
        });
    }
    let step = auth::totp(secret)?
        .check(
            &digits,
            u64::try_from(now.unix_timestamp()).unwrap_or_default(),
        )
        .and_then(|s| i64::try_from(s).ok());
    Ok(match step {
        Some(s) if state.db.accept_totp_step(user.id, s).await? => Factor::Code,
        _ => Factor::Wrong,
    })
}

/// New recovery codes and their hashes (what is stored).
fn recovery_codes() -> AppResult<(Vec<String>, Vec<String>)> {
    let codes = auth::new_recovery_codes()?;
    let hashes = codes
        .iter()
        .filter_map(|c| auth::recovery_code_hash(c))
        .collect();
    Ok((codes, hashes))
}

/// New recovery codes for the account, stored as hashes (the earlier ones stop working) and
/// returned to be shown once.
pub(crate) async fn issue_recovery_codes(state: &AppState, user_id: i64) -> AppResult<Vec<String>> {
    let (codes, hashes) = recovery_codes()?;
    state
        .db
        .set_recovery_codes(user_id, &hashes, OffsetDateTime::now_utc())
        .await?;
    Ok(codes)
}

/// Turn the account's second factor on with `secret`, its ten recovery codes issued in the same
/// transaction; returns the codes, to be shown once.
pub(crate) async fn enable_factor(
    state: &AppState,
    user_id: i64,
    secret: &str,
) -> AppResult<Vec<String>> {
    let (codes, hashes) = recovery_codes()?;
    state
        .db
        .enable_second_factor(user_id, secret, &hashes, OffsetDateTime::now_utc())
        .await?;
    Ok(codes)
}

async fn pending(
    state: &AppState,
    s: MaybeSession,
) -> AppResult<(theodoi_store::accounts::SessionRow, String)> {
    match s {
        MaybeSession(Some(s), Some(hash)) if s.second_factor_pending => Ok((s, hash)),
        MaybeSession(Some(_), Some(_)) => Err(AppError::Redirect("/".into())),
        _ => {
            let _ = state;
            Err(AppError::Unauthenticated)
        }
    }
}

/// The secret the account uses, creating one (not yet enabled) when a required factor is set up.
async fn secret_for(
    state: &AppState,
    user: &theodoi_store::accounts::UserRow,
) -> AppResult<(String, bool)> {
    match &user.totp_secret {
        Some(s) if user.totp_enabled => Ok((s.clone(), false)),
        Some(s) => Ok((s.clone(), true)),
        None => {
            let s = auth::new_totp_secret()?;
            state.db.set_totp(user.id, Some(&s), false).await?;
            Ok((s, true))
        }
    }
}

pub async fn totp_form(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    s: MaybeSession,
) -> AppResult<Response> {
    let (session, _) = pending(&state, s).await?;
    let (secret, setting_up) = secret_for(&state, &session.user).await?;
    let mut ctx = Ctx::new(lang, None);
    ctx.csrf = session.csrf_token.clone();
    let page = TotpPage::new(
        ctx,
        &session.user.username,
        setting_up.then_some(secret.as_str()),
        String::new(),
    )?;
    Ok(pages::render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
    csrf: String,
}

pub async fn totp_submit(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    s: MaybeSession,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    let (session, hash) = pending(&state, s).await?;
    if !auth::same_secret(&session.csrf_token, &f.csrf) {
        return Err(AppError::Csrf);
    }
    let user = &session.user;
    let client = auth::client_ip(addr.ip(), &headers, &state.config.trusted_proxies);
    let ip = client.to_string();
    let (secret, setting_up) = secret_for(&state, user).await?;
    let factor = if setting_up {
        // Setting up: the new secret's code, accepted once like any other.
        let code: String = f.code.chars().filter(char::is_ascii_digit).collect();
        let now = u64::try_from(OffsetDateTime::now_utc().unix_timestamp()).unwrap_or_default();
        let step = auth::totp(&secret)?
            .check(&code, now)
            .and_then(|s| i64::try_from(s).ok());
        match step {
            Some(s) if state.db.accept_totp_step(user.id, s).await? => Factor::Code,
            _ => Factor::Wrong,
        }
    } else {
        // Once the factor is on, a recovery code stands in for the phone's code.
        check_factor(&state, user, &f.code).await?
    };
    let recovered = factor == Factor::Recovery;
    let ok = factor != Factor::Wrong;
    if !ok {
        // A wrong code counts against the account name like a wrong password.
        let verdict = state
            .limiter
            .lock()
            .map(|mut l| {
                let at = std::time::Instant::now();
                l.failed(&user.username, client, at);
                l.check(&user.username, client, at)
            })
            .unwrap_or(auth::SignInVerdict::Allowed);
        let locked = verdict != auth::SignInVerdict::Allowed;
        audit(
            &state,
            Some(user.id),
            Some(&user.username),
            "second_factor_failed",
            None,
            None,
            Some(&ip),
        )
        .await?;
        if locked {
            state.db.delete_session(&hash).await?;
            return Err(AppError::Unauthenticated);
        }
        let mut ctx = Ctx::new(lang, None);
        ctx.csrf = session.csrf_token.clone();
        let page = TotpPage::new(
            ctx,
            &user.username,
            setting_up.then_some(secret.as_str()),
            crate::i18n::msg(lang).bad_code.into(),
        )?;
        return Ok((axum::http::StatusCode::UNAUTHORIZED, pages::render(&page)?).into_response());
    }
    let mut issued = Vec::new();
    if setting_up {
        issued = enable_factor(&state, user.id, &secret).await?;
        audit(
            &state,
            Some(user.id),
            Some(&user.username),
            "second_factor_enabled",
            None,
            Some(&format!("{} recovery codes issued", issued.len())),
            Some(&ip),
        )
        .await?;
    }
    if recovered {
        let left = state.db.recovery_codes_left(user.id).await?;
        audit(
            &state,
            Some(user.id),
            Some(&user.username),
            "recovery_code_used",
            None,
            Some(&format!("{left} left")),
            Some(&ip),
        )
        .await?;
    }
    if let Ok(mut l) = state.limiter.lock() {
        l.succeeded(&user.username);
    }
    state.db.complete_second_factor(&hash).await?;
    audit(
        &state,
        Some(user.id),
        Some(&user.username),
        "second_factor_ok",
        None,
        recovered.then_some("recovery code"),
        Some(&ip),
    )
    .await?;
    if !issued.is_empty() {
        // The codes are shown once, on the page that follows the setup.
        let mut ctx = Ctx::new(lang, None);
        ctx.csrf = session.csrf_token.clone();
        let mut page = TotpPage::new(ctx, &user.username, None, String::new())?;
        page.recovery_codes = issued;
        return Ok(pages::render(&page)?.into_response());
    }
    Ok(Redirect::to("/").into_response())
}

#[derive(Deserialize)]
pub struct CsrfForm {
    pub csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    user: User,
    Form(f): Form<CsrfForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    state.db.delete_session(&user.token_hash).await?;
    audit_by(&state, &user, "logout", None, None).await?;
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        pages::cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies),
    );
    Ok(r)
}
