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
pub use theodoi_app::password::MIN_PASSWORD_CHARS;

// Passwords and tokens live in the application layer, which the CLI shares.
pub use theodoi_app::password::{hash_password, one_time_password, random_token, verify_password};

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
    /// Notifications in the app not yet read, counted with the session (the menu shows it).
    pub unread: i64,
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
            unread: s.unread,
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

/// Failed sign-ins, counted per account name and per client, never successes: a whole office
/// behind one address (NAT, a reverse proxy) signs in all morning without tripping anything,
/// while guessing one name's password, or many names' from one place, is paused. Names are
/// counted whether or not an account has them, and the answer is the same either way, so the
/// pause reveals nothing about which names exist.
#[derive(Debug, Default)]
pub struct SignInLimits {
    by_name: HashMap<String, Vec<Instant>>,
    by_client: HashMap<IpAddr, Vec<Instant>>,
}

/// Whether a sign-in may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInVerdict {
    Allowed,
    /// Too many failures for this name lately: paused for this many more minutes.
    NamePaused {
        minutes: u64,
    },
    /// Too many failures from this client lately: paused for this many more minutes.
    ClientPaused {
        minutes: u64,
    },
}

impl SignInLimits {
    /// Failures of one name within [`Self::NAME_WINDOW`] that pause it.
    pub const NAME_FAILURES: usize = 5;
    pub const NAME_WINDOW: Duration = Duration::from_secs(15 * 60);
    /// Failures from one client within [`Self::CLIENT_WINDOW`] that pause it: high enough for an
    /// office of a hundred people mistyping, low enough to stop guessing across names.
    pub const CLIENT_FAILURES: usize = 50;
    pub const CLIENT_WINDOW: Duration = Duration::from_secs(15 * 60);
    /// Entries kept before old ones are swept, so a flood of names cannot grow memory unbounded.
    const SWEEP_AT: usize = 50_000;

    /// Minutes (rounded up) until fewer than `max` of `list` fall within `window` of `now`.
    fn paused_for(list: &[Instant], max: usize, window: Duration, now: Instant) -> Option<u64> {
        let recent: Vec<&Instant> = list
            .iter()
            .filter(|t| now.saturating_duration_since(**t) < window)
            .collect();
        if recent.len() < max {
            return None;
        }
        // The pause ends when the oldest of the last `max` failures leaves the window.
        let oldest = recent[recent.len() - max];
        let left = window.saturating_sub(now.saturating_duration_since(*oldest));
        Some(left.as_secs().div_ceil(60).max(1))
    }

    /// May `name` sign in from `client` now?
    pub fn check(&self, name: &str, client: IpAddr, now: Instant) -> SignInVerdict {
        if let Some(minutes) = self
            .by_name
            .get(name)
            .and_then(|l| Self::paused_for(l, Self::NAME_FAILURES, Self::NAME_WINDOW, now))
        {
            return SignInVerdict::NamePaused { minutes };
        }
        if let Some(minutes) = self
            .by_client
            .get(&client)
            .and_then(|l| Self::paused_for(l, Self::CLIENT_FAILURES, Self::CLIENT_WINDOW, now))
        {
            return SignInVerdict::ClientPaused { minutes };
        }
        SignInVerdict::Allowed
    }

    /// Count a failure of `name` from `client`.
    pub fn failed(&mut self, name: &str, client: IpAddr, now: Instant) {
        let names = self.by_name.entry(name.to_string()).or_default();
        names.retain(|t| now.saturating_duration_since(*t) < Self::NAME_WINDOW);
        names.push(now);
        let clients = self.by_client.entry(client).or_default();
        clients.retain(|t| now.saturating_duration_since(*t) < Self::CLIENT_WINDOW);
        clients.push(now);
        if self.by_name.len() + self.by_client.len() > Self::SWEEP_AT {
            self.by_name.retain(|_, v| {
                v.iter()
                    .any(|t| now.saturating_duration_since(*t) < Self::NAME_WINDOW)
            });
            self.by_client.retain(|_, v| {
                v.iter()
                    .any(|t| now.saturating_duration_since(*t) < Self::CLIENT_WINDOW)
            });
        }
    }

    /// A correct password (and second factor) for `name`: its earlier failures no longer count.
    pub fn succeeded(&mut self, name: &str) {
        self.by_name.remove(name);
    }
}

/// A proxy whose `X-Forwarded-For` is believed: one address or a CIDR block
/// (`--trusted-proxy 10.0.0.1`, `--trusted-proxy 10.0.0.0/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy {
    net: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for TrustedProxy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let net: IpAddr = addr
            .parse()
            .map_err(|_| format!("\"{s}\" is not an IP address or a CIDR block"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("\"{s}\": the prefix length must be 0–{max}"))?,
        };
        Ok(Self { net, prefix })
    }
}

impl TrustedProxy {
    pub fn contains(&self, ip: IpAddr) -> bool {
        fn bits(ip: IpAddr) -> (u128, u32) {
            match ip {
                IpAddr::V4(v) => (u128::from(u32::from(v)), 32),
                // An IPv4 client seen through an IPv6 socket is the same client.
                IpAddr::V6(v) => match v.to_ipv4_mapped() {
                    Some(v4) => (u128::from(u32::from(v4)), 32),
                    None => (u128::from(v), 128),
                },
            }
        }
        let (net, width) = bits(self.net);
        let (addr, addr_width) = bits(ip);
        if width != addr_width {
            return false;
        }
        let host_bits = width - u32::from(self.prefix);
        host_bits >= width || (net >> host_bits) == (addr >> host_bits)
    }
}

/// The client a request comes from: the connection's peer, unless the peer is a trusted proxy,
/// in which case the nearest address in `X-Forwarded-For` that is not itself a trusted proxy.
/// Without trusted proxies the header is ignored, so a client cannot pick its own address.
pub fn client_ip(
    peer: IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[TrustedProxy],
) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|t| t.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let mut hops: Vec<IpAddr> = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let Ok(value) = value.to_str() else {
            return peer;
        };
        for part in value.split(',') {
            match part.trim().parse::<IpAddr>() {
                Ok(ip) => hops.push(ip),
                // A hop we cannot read: trust nothing to the left of it.
                Err(_) => hops.clear(),
            }
        }
    }
    let mut client = peer;
    for ip in hops.into_iter().rev() {
        client = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    client
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

/// The issuer an authenticator app shows beside the account.
const TOTP_ISSUER: &str = "theodoi";

/// The `otpauth://` address of an account's secret (Key URI Format: SHA-1, 6 digits, 30 s, as
/// [`totp`] checks), which an authenticator app reads from the QR code or a link.
pub fn otpauth_url(username: &str, secret_base32: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    char::from(b).to_string()
                }
                b => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "otpauth://totp/{issuer}:{name}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits=6&period=30",
        issuer = enc(TOTP_ISSUER),
        name = enc(username),
        secret = enc(secret_base32),
    )
}

/// `text` as a QR code, an SVG element to place inline in a page (no script, no image file).
pub fn qr_svg(text: &str, label: &str) -> anyhow::Result<String> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| anyhow::anyhow!("QR code: {e}"))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // Inline in HTML: without the XML declaration, and named for screen readers.
    let body = svg.find("<svg").map_or(svg.as_str(), |at| &svg[at..]);
    let label: String = label
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_' | ':'))
        .collect();
    Ok(body.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{label}\" class=\"qr\" "),
        1,
    ))
}

/// How many recovery codes an account gets with its second factor.
pub const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code: lower-case letters and digits without look-alikes (no 0/o,
/// 1/l/i), 31 of them; 16 make about 79 bits.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
const RECOVERY_LEN: usize = 16;

/// Ten new recovery codes, shown to the account once, as `abcd-efgh-jkmn-pqrs`.
pub fn new_recovery_codes() -> anyhow::Result<Vec<String>> {
    let n = RECOVERY_ALPHABET.len();
    // Bytes at or past the largest multiple of the alphabet's size are drawn again, so every
    // character is equally likely.
    let limit = 256 - 256 % n;
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    while codes.len() < RECOVERY_CODES {
        let mut chars = String::with_capacity(RECOVERY_LEN + 3);
        while chars.chars().filter(|c| *c != '-').count() < RECOVERY_LEN {
            let mut buf = [0u8; 32];
            getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
            for b in buf.into_iter().map(usize::from).filter(|b| *b < limit) {
                let have = chars.chars().filter(|c| *c != '-').count();
                if have == RECOVERY_LEN {
                    break;
                }
                if have > 0 && have % 4 == 0 {
                    chars.push('-');
                }
                chars.push(char::from(RECOVERY_ALPHABET[b % n]));
            }
        }
        codes.push(chars);
    }
    Ok(codes)
}

/// A typed recovery code as stored: the SHA-256 (hex) of its letters and digits in lower case,
/// so dashes, spaces and capitals do not matter. None when what was typed cannot be one.
pub fn recovery_code_hash(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (code.len() == RECOVERY_LEN && typed.chars().count() <= 64)
        .then(|| hex::encode(Sha256::digest(code.as_bytes())))
}

/// How long a sign-in form stays good, in seconds (as long as its nonce cookie).
pub const SIGN_IN_FORM_SECS: i64 = 3600;

/// A sign-in form's nonce: when it was issued (Unix seconds) and 16 random bytes. It travels in a
/// cookie; the form carries [`sign_in_token`] of it.
pub fn sign_in_nonce(now_unix: i64) -> anyhow::Result<String> {
    Ok(format!("{now_unix}.{}", random_token(16)?))
}

/// The sign-in form's anti-forgery token for `nonce`: HMAC-SHA-256 under the server's key. A
/// token equal to its cookie (double submit) could be planted together with the cookie by anyone
/// able to set a cookie for the site (a neighbouring subdomain); this one cannot be made without
/// the key.
pub fn sign_in_token(key: &[u8], nonce: &str) -> anyhow::Result<String> {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key)
        .map_err(|e| anyhow::anyhow!("sign-in key: {e}"))?;
    mac.update(b"theodoi sign-in form\0");
    mac.update(nonce.as_bytes());
    Ok(hex::encode(mac.finalize().into_bytes()))
}

/// Whether `token` is the token of `nonce` under `key` and the nonce is recent (issued at most
/// [`SIGN_IN_FORM_SECS`] before `now_unix`, and not in the future).
pub fn check_sign_in_token(key: &[u8], nonce: &str, token: &str, now_unix: i64) -> bool {
    let fresh = nonce
        .split_once('.')
        .and_then(|(at, _)| at.parse::<i64>().ok())
        .is_some_and(|at| at <= now_unix + 60 && now_unix - at <= SIGN_IN_FORM_SECS);
    let expected = sign_in_token(key, nonce).unwrap_or_default();
    // Both are compared whatever the freshness, in time independent of where they differ.
    let same = !expected.is_empty() && same_secret(&expected, token);
    fresh && same
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
    fn successes_are_not_counted_failures_are_per_name_and_client() {
        let mut l = SignInLimits::default();
        let office: IpAddr = [203, 0, 113, 7].into();
        let now = Instant::now();
        // A whole office signing in from one address: nothing is counted.
        for _ in 0..500 {
            assert_eq!(l.check("coord", office, now), SignInVerdict::Allowed);
            l.succeeded("coord");
        }
        for _ in 0..SignInLimits::NAME_FAILURES {
            assert_eq!(l.check("coord", office, now), SignInVerdict::Allowed);
            l.failed("coord", office, now);
        }
        assert_eq!(
            l.check("coord", office, now),
            SignInVerdict::NamePaused { minutes: 15 }
        );
        let later = now + Duration::from_secs(14 * 60 + 1);
        assert_eq!(
            l.check("coord", office, later),
            SignInVerdict::NamePaused { minutes: 1 }
        );
        assert_eq!(
            l.check("coord", office, now + SignInLimits::NAME_WINDOW),
            SignInVerdict::Allowed
        );
        // Colleagues from the same address are not affected by one name's pause.
        assert_eq!(l.check("head", office, now), SignInVerdict::Allowed);
        // Names that exist nowhere are counted the same way.
        for _ in 0..SignInLimits::NAME_FAILURES {
            l.failed("nobody", office, now);
        }
        assert!(matches!(
            l.check("nobody", office, now),
            SignInVerdict::NamePaused { .. }
        ));
        // Guessing across many names from one client pauses the client.
        let guesser: IpAddr = [198, 51, 100, 9].into();
        for i in 0..SignInLimits::CLIENT_FAILURES {
            l.failed(&format!("name{i}"), guesser, now);
        }
        assert!(matches!(
            l.check("someone-else", guesser, now),
            SignInVerdict::ClientPaused { .. }
        ));
        assert_eq!(l.check("someone-else", office, now), SignInVerdict::Allowed);
    }

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        use axum::http::{HeaderMap, HeaderValue};
        let proxy: TrustedProxy = "10.0.0.0/8".parse().unwrap_or_else(|e| panic!("{e}"));
        let one: TrustedProxy = "192.168.1.1".parse().unwrap_or_else(|e| panic!("{e}"));
        assert!(proxy.contains([10, 1, 2, 3].into()));
        assert!(!proxy.contains([11, 1, 2, 3].into()));
        assert!(one.contains([192, 168, 1, 1].into()));
        assert!(!one.contains([192, 168, 1, 2].into()));
        assert!("10.0.0.0/33".parse::<TrustedProxy>().is_err());
        assert!("proxy.example".parse::<TrustedProxy>().is_err());
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.2.3.4, 203.0.113.7, 10.0.0.2"),
        );
        let peer: IpAddr = [10, 0, 0, 1].into();
        // Through two trusted proxies: the first address to the left that is not a proxy.
        assert_eq!(
            client_ip(peer, &h, &[proxy]),
            IpAddr::from([203, 0, 113, 7])
        );
        // The same header from an untrusted peer is ignored.
        let stranger: IpAddr = [198, 51, 100, 1].into();
        assert_eq!(client_ip(stranger, &h, &[proxy]), stranger);
        assert_eq!(client_ip(peer, &h, &[]), peer);
        // No header: the proxy itself.
        assert_eq!(client_ip(peer, &HeaderMap::new(), &[proxy]), peer);
        // An unreadable hop: nothing to its left is believed.
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.2.3.4, junk, 203.0.113.8"),
        );
        assert_eq!(
            client_ip(peer, &h, &[proxy]),
            IpAddr::from([203, 0, 113, 8])
        );
    }

    #[test]
    fn recovery_codes_are_random_readable_and_hashed_as_typed() {
        let codes = new_recovery_codes().unwrap_or_default();
        assert_eq!(codes.len(), RECOVERY_CODES);
        for c in &codes {
            assert_eq!(c.len(), 19, "{c}");
            assert_eq!(c.matches('-').count(), 3, "{c}");
            assert!(
                c.chars()
                    .all(|ch| ch == '-' || RECOVERY_ALPHABET.contains(&(ch as u8))),
                "{c}"
            );
        }
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let h = recovery_code_hash(&codes[0]);
        assert!(h.as_ref().is_some_and(|h| h.len() == 64));
        // Typed in capitals, with spaces instead of dashes: the same code.
        let typed = codes[0].to_uppercase().replace('-', " ");
        assert_eq!(recovery_code_hash(&typed), h);
        assert_eq!(recovery_code_hash("123456"), None);
    }

    #[test]
    fn sign_in_token_needs_the_key_and_a_fresh_nonce() {
        let key = [7u8; 32];
        let now = 1_780_000_000;
        let nonce = sign_in_nonce(now).unwrap_or_default();
        let token = sign_in_token(&key, &nonce).unwrap_or_default();
        assert_eq!(token.len(), 64);
        assert!(check_sign_in_token(&key, &nonce, &token, now + 10));
        // The cookie's own value as the token (double submit) is no longer enough.
        assert!(!check_sign_in_token(&key, &nonce, &nonce, now));
        // Another key, another nonce, an old or future nonce: refused.
        assert!(!check_sign_in_token(&[8u8; 32], &nonce, &token, now));
        let other = sign_in_nonce(now).unwrap_or_default();
        assert!(!check_sign_in_token(&key, &other, &token, now));
        assert!(!check_sign_in_token(
            &key,
            &nonce,
            &token,
            now + SIGN_IN_FORM_SECS + 1
        ));
        assert!(!check_sign_in_token(&key, &nonce, &token, now - 3600));
        // RFC 4231 test case 2: the HMAC itself is HMAC-SHA-256.
        use hmac::{KeyInit, Mac};
        let mut mac =
            hmac::Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap_or_else(|e| panic!("{e}"));
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn otpauth_url_and_qr_code() {
        let url = otpauth_url("nguyen.an", "JBSWY3DPEHPK3PXP");
        assert_eq!(
            url,
            "otpauth://totp/theodoi:nguyen.an?secret=JBSWY3DPEHPK3PXP&issuer=theodoi&algorithm=SHA1&digits=6&period=30"
        );
        let svg = qr_svg(&url, "Mã QR").unwrap_or_default();
        assert!(
            svg.starts_with("<svg role=\"img\""),
            "{}",
            &svg[..40.min(svg.len())]
        );
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("<?xml"));
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
