//! Personal API tokens: made on the account's page (shown once), listed and revoked there by
//! their owner; `theodoi token create` makes one from the command line. Stored by SHA-256 only.

use crate::auth::{UiLang, User};
use crate::error::{AppError, AppResult};
use crate::form::{Form, Path};
use crate::i18n::Lang;
use crate::pages::{self, Ctx};
use crate::{AppState, audit_by};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use base64::Engine as _;
use serde::Deserialize;
use theodoi_store::Db;
use theodoi_store::api_tokens::{ApiTokenRow, MAX_TOKEN_DAYS, NewApiToken};
use time::OffsetDateTime;

/// Every token starts so, which lets secret scanners and people tell it apart.
pub const TOKEN_PREFIX: &str = "tdi_";
/// 32 random bytes in unpadded base64url.
const TOKEN_BODY_LEN: usize = 43;

/// A new token and the hash it is stored by.
pub fn new_token() -> anyhow::Result<(String, String)> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let token = format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let hash = crate::auth::token_hash(&token);
    Ok((token, hash))
}

/// Could this be a token at all (before the database is asked)?
pub fn looks_like_token(s: &str) -> bool {
    s.strip_prefix(TOKEN_PREFIX).is_some_and(|body| {
        body.len() == TOKEN_BODY_LEN
            && body
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// Make and store a token for `user_id`; returns (id, the token to hand over once).
pub async fn create(
    db: &Db,
    user_id: i64,
    name: &str,
    scope: &str,
    days: i64,
    now: OffsetDateTime,
) -> AppResult<(i64, String)> {
    if !(1..=MAX_TOKEN_DAYS).contains(&days) {
        return Err(AppError::refuse(
            format!("Thời hạn phải từ 1 đến {MAX_TOKEN_DAYS} ngày"),
            format!("The lifetime must be from 1 to {MAX_TOKEN_DAYS} days"),
        ));
    }
    let (token, hash) = new_token()?;
    let id = db
        .create_api_token(&NewApiToken {
            user_id,
            name,
            token_hash: &hash,
            scope,
            created_at: now,
            expires_at: now + time::Duration::days(days),
        })
        .await?;
    Ok((id, token))
}

/// One token as the page lists it.
struct TokenLine {
    id: i64,
    name: String,
    scope: String,
    created: String,
    expires: String,
    last_used: String,
    /// "active", "expired" or "revoked".
    state: &'static str,
}

#[derive(Template)]
#[template(path = "api_tokens.html")]
struct TokensPage {
    ctx: Ctx,
    tokens: Vec<TokenLine>,
    /// The token just made: shown this once.
    issued: String,
    error: String,
    max_days: i64,
}

impl TokensPage {
    fn state_label(&self, state: &str) -> &'static str {
        match state {
            "active" => self.ctx.t("Đang dùng", "Active"),
            "expired" => self.ctx.t("Hết hạn", "Expired"),
            _ => self.ctx.t("Đã thu hồi", "Revoked"),
        }
    }
    fn scope_label(&self, scope: &str) -> &'static str {
        if scope == "write" {
            self.ctx.t("Đọc và ghi", "Read and write")
        } else {
            self.ctx.t("Chỉ đọc", "Read only")
        }
    }
}

async fn page_of(
    state: &AppState,
    lang: Lang,
    user: &User,
    issued: String,
    error: String,
) -> AppResult<Html<String>> {
    let now = OffsetDateTime::now_utc();
    let tokens = state
        .db
        .api_tokens_of(user.id())
        .await?
        .into_iter()
        .map(|t: ApiTokenRow| TokenLine {
            state: if t.revoked_at.is_some() {
                "revoked"
            } else if t.active(now) {
                "active"
            } else {
                "expired"
            },
            id: t.id,
            created: pages::when(&t.created_at),
            expires: pages::when(&t.expires_at),
            last_used: t.last_used_at.as_ref().map(pages::when).unwrap_or_default(),
            name: t.name,
            scope: t.scope,
        })
        .collect();
    pages::render(&TokensPage {
        ctx: Ctx::new(lang, Some(user)),
        tokens,
        issued,
        error,
        max_days: MAX_TOKEN_DAYS,
    })
}

pub async fn page(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
) -> AppResult<Html<String>> {
    page_of(&state, lang, &user, String::new(), String::new()).await
}

#[derive(Deserialize)]
pub struct CreateForm {
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    days: String,
}

/// Make a token: the page shows it this once.
pub async fn create_form(
    State(state): State<AppState>,
    UiLang(lang): UiLang,
    user: User,
    Form(f): Form<CreateForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let days = f.days.trim().parse::<i64>().unwrap_or(0);
    let made = create(
        &state.db,
        user.id(),
        &f.name,
        f.scope.trim(),
        days,
        OffsetDateTime::now_utc(),
    )
    .await;
    let (id, token) = match made {
        Ok(v) => v,
        Err(AppError::BadRequest(m)) => {
            let html = page_of(&state, lang, &user, String::new(), m.get(lang).into()).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
        }
        Err(e) => return Err(e),
    };
    audit_by(
        &state,
        &user,
        "api_token_created",
        Some(&format!("api_token:{id}")),
        Some(&format!("scope {}, {days} days", f.scope.trim())),
    )
    .await?;
    Ok(page_of(&state, lang, &user, token, String::new())
        .await?
        .into_response())
}

#[derive(Deserialize)]
pub struct RevokeForm {
    csrf: String,
}

/// Revoke one of one's own tokens.
pub async fn revoke(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Form(f): Form<RevokeForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    state
        .db
        .revoke_api_token(user.id(), id, OffsetDateTime::now_utc())
        .await?;
    audit_by(
        &state,
        &user,
        "api_token_revoked",
        Some(&format!("api_token:{id}")),
        None,
    )
    .await?;
    Ok(Redirect::to("/account/tokens").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_recognised() {
        let (a, ha) = new_token().unwrap_or_default();
        let (b, _) = new_token().unwrap_or_default();
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_ne!(a, b);
        assert_eq!(ha.len(), 64);
        assert!(looks_like_token(&a), "{a}");
        assert!(!looks_like_token("tdi_short"));
        assert!(!looks_like_token(&a.replace(TOKEN_PREFIX, "xyz_")));
        assert!(!looks_like_token(&format!("{a}=")));
    }
}
