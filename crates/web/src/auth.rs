//! Who is asking: passwords (Argon2id), server-side sessions behind an HttpOnly cookie, CSRF
//! tokens, sign-in throttling, and what each role may do.

use crate::AppState;
use crate::error::AppError;
use crate::i18n::Lang;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};
use theodoi_store::accounts::UserRow;

pub const SESSION_COOKIE: &str = "theodoi_session";
pub const PRE_CSRF_COOKIE: &str = "theodoi_csrf";
pub const LANG_COOKIE: &str = "lang";
/// Failed sign-ins before an account locks, and for how long.
pub const LOCK_AFTER: i32 = 5;
pub const LOCK_FOR: time::Duration = time::Duration::minutes(15);
pub use theodoi_app::password::MIN_PASSWORD_CHARS;

// Passwords and tokens live in the application layer, which the CLI shares.
pub use theodoi_app::password::{
    hash_password, one_time_password, random_token, verify_password,
};

/// Sessions are stored by the SHA-256 of their token, so the database holds no usable cookie.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compare two secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The value of a cookie in the request, if present.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Vai trò: what an account may do. Agency roles are scoped to the account's agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Quản trị: accounts, sign-in policies, the audit log.
    Admin,
    /// Điều phối (Sở Tư pháp): plans, agencies, cascade plans, escalations.
    Coordinator,
    /// Đầu mối: an agency's focal point.
    FocalPoint,
    /// Lãnh đạo đơn vị: an agency's head.
    AgencyHead,
    /// Thanh tra viên: the complaints registers (later); reads plans.
    Inspector,
    /// Lãnh đạo: reads everything, changes nothing.
    Leader,
}

pub const ALL_ROLES: [Role; 6] = [
    Role::Admin,
    Role::Coordinator,
    Role::FocalPoint,
    Role::AgencyHead,
    Role::Inspector,
    Role::Leader,
];

impl Role {
    pub fn parse(s: &str) -> Option<Self> {
        ALL_ROLES.into_iter().find(|r| r.code() == s)
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Coordinator => "coordinator",
            Self::FocalPoint => "focal_point",
            Self::AgencyHead => "agency_head",
            Self::Inspector => "inspector",
            Self::Leader => "leader",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::Admin, Lang::Vi) => "Quản trị hệ thống",
            (Self::Coordinator, Lang::Vi) => "Điều phối (Sở Tư pháp)",
            (Self::FocalPoint, Lang::Vi) => "Đầu mối đơn vị",
            (Self::AgencyHead, Lang::Vi) => "Lãnh đạo đơn vị",
            (Self::Inspector, Lang::Vi) => "Thanh tra viên",
            (Self::Leader, Lang::Vi) => "Lãnh đạo (chỉ xem)",
            (Self::Admin, Lang::En) => "Administrator",
            (Self::Coordinator, Lang::En) => "Coordinator (Department of Justice)",
            (Self::FocalPoint, Lang::En) => "Agency focal point",
            (Self::AgencyHead, Lang::En) => "Agency head",
            (Self::Inspector, Lang::En) => "Inspector",
            (Self::Leader, Lang::En) => "Leader (read-only)",
        }
    }

    /// Scoped to one agency.
    pub fn is_agency(self) -> bool {
        matches!(self, Self::FocalPoint | Self::AgencyHead)
    }

    /// Sees every agency's pages (homes, cascade plans, escalations).
    pub fn sees_all_agencies(self) -> bool {
        matches!(self, Self::Admin | Self::Coordinator | Self::Leader)
    }

    /// Imports plans, edits agencies, answers escalations.
    pub fn coordinates(self) -> bool {
        self == Self::Coordinator
    }
}

/// A signed-in account (past any second factor).
#[derive(Debug, Clone)]
pub struct User {
    pub row: UserRow,
    pub role: Role,
    pub csrf: String,
    pub token_hash: String,
}

impl User {
    pub fn id(&self) -> i64 {
        self.row.id
    }

    /// May this account see pages of this agency?
    pub fn may_see_agency(&self, agency_id: i64) -> bool {
        self.role.sees_all_agencies()
            || (self.role.is_agency() && self.row.agency_id == Some(agency_id))
    }

    /// Refuse unless the form's token is this session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), AppError> {
        if same_secret(&self.csrf, token) {
            Ok(())
        } else {
            Err(AppError::Csrf)
        }
    }

    pub fn require(&self, allowed: bool) -> Result<(), AppError> {
        if allowed {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The session behind the request's cookie, if any (also one waiting for its second factor).
#[derive(Debug, Clone)]
pub struct MaybeSession(
    pub Option<theodoi_store::accounts::SessionRow>,
    pub Option<String>,
);

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie(parts, SESSION_COOKIE) else {
            return Ok(Self(None, None));
        };
        let hash = token_hash(token);
        let session = state
            .db
            .session(&hash, time::OffsetDateTime::now_utc())
            .await?;
        let session = session.filter(|s| !s.user.disabled);
        Ok(Self(session, Some(hash)))
    }
}

impl FromRequestParts<AppState> for User {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let MaybeSession(session, hash) = MaybeSession::from_request_parts(parts, state).await?;
        let (Some(s), Some(token_hash)) = (session, hash) else {
            return Err(AppError::Unauthenticated);
        };
        if s.second_factor_pending {
            return Err(AppError::Redirect("/login/totp".into()));
        }
        let role = Role::parse(&s.user.role).ok_or(AppError::Forbidden)?;
        let path = parts.uri.path();
        if s.user.must_change_password && !path.starts_with("/account") && path != "/logout" {
            return Err(AppError::Redirect("/account".into()));
        }
        Ok(Self {
            csrf: s.csrf_token,
            row: s.user,
            role,
            token_hash,
        })
    }
}

/// The interface language from the `lang` cookie (Vietnamese by default).
#[derive(Debug, Clone, Copy)]
pub struct UiLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for UiLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            cookie(parts, LANG_COOKIE)
                .and_then(Lang::from_code)
                .unwrap_or_default(),
        ))
    }
}

/// Sign-in attempts per client address in a sliding window: slows password guessing from one
/// place across many accounts (per-account lockout handles one account from many places).
#[derive(Debug, Default)]
pub struct LoginLimiter {
    attempts: HashMap<IpAddr, Vec<Instant>>,
}

impl LoginLimiter {
    pub const WINDOW: Duration = Duration::from_secs(300);
    pub const MAX: usize = 20;

    /// Record an attempt; false when this address has made too many lately.
    pub fn allow(&mut self, ip: IpAddr, now: Instant) -> bool {
        let list = self.attempts.entry(ip).or_default();
        list.retain(|t| now.duration_since(*t) < Self::WINDOW);
        if list.len() >= Self::MAX {
            return false;
        }
        list.push(now);
        if self.attempts.len() > 10_000 {
            self.attempts
                .retain(|_, v| v.iter().any(|t| now.duration_since(*t) < Self::WINDOW));
        }
        true
    }
}

/// A TOTP checker for a base32 secret (RFC 6238: SHA-1, 6 digits, 30 s, one step of skew).
pub fn totp(secret_base32: &str) -> anyhow::Result<totp_rs::Totp> {
    let secret = totp_rs::Secret::try_from_base32(secret_base32)
        .map_err(|e| anyhow::anyhow!("bad TOTP secret: {e:?}"))?;
    totp_rs::Builder::new()
        .with_secret(secret)
        .build()
        .map_err(|e| anyhow::anyhow!("bad TOTP parameters: {e:?}"))
}

/// A new random TOTP secret, base32.
pub fn new_totp_secret() -> anyhow::Result<String> {
    let mut buf = [0u8; 20];
    getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(totp_rs::Secret::from(buf).to_base32())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        let h = hash_password("một mật khẩu dài").unwrap_or_default();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("một mật khẩu dài", &h));
        assert!(!verify_password("sai", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens() {
        let a = random_token(32).unwrap_or_default();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token(32).unwrap_or_default());
        assert_eq!(token_hash("x").len(), 64);
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        let otp = one_time_password().unwrap_or_default();
        assert_eq!(otp.chars().count(), 16);
    }

    #[test]
    fn limiter() {
        let mut l = LoginLimiter::default();
        let ip: IpAddr = [127, 0, 0, 1].into();
        let now = Instant::now();
        for _ in 0..LoginLimiter::MAX {
            assert!(l.allow(ip, now));
        }
        assert!(!l.allow(ip, now));
        assert!(l.allow(ip, now + LoginLimiter::WINDOW + Duration::from_secs(1)));
    }

    #[test]
    fn totp_round_trip() {
        let secret = new_totp_secret().unwrap_or_default();
        let t = totp(&secret).unwrap_or_else(|e| panic!("{e}"));
        let code = t.generate(1_700_000_000).to_string();
        assert!(t.check(&code, 1_700_000_000).is_some());
        assert!(t.check(&code, 1_700_000_000 + 300).is_none());
    }
}
