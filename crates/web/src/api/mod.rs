//! The JSON API under `/api/v1`: plans, agencies, rounds, reports and a round's consolidated
//! figures, read with a personal API token (`Authorization: Bearer tdi_…`), with the same roles
//! and agency scopes as the pages; a body's own report written (entries and workflow steps) and
//! indicator values exchanged with a token of the write scope. The OpenAPI 3.1 document at `/api/v1/openapi.json` is
//! generated from the handlers and types here (utoipa).
//!
//! The API takes no cookie: only the bearer token authenticates, so a browser cannot be tricked
//! into sending a request on someone's behalf, and the pages' CSRF tokens do not apply here.
//!
//! Errors are JSON, `{"error": {"code": "...", "message": "..."}}`, the message in the language
//! of the request's `Accept-Language` (Vietnamese unless English is preferred): a handler leaves
//! an [`ApiErrorReport`] in the response and [`localize`] writes the body in that language.

pub mod data;
pub mod entries;
pub mod plans;
pub mod rounds;
pub mod tokens;

use crate::AppState;
use crate::auth::{Role, User};
use crate::error::AppError;
use crate::i18n::Lang;
use axum::Router;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use theodoi_text::Message;
use time::OffsetDateTime;
use utoipa::{IntoParams, OpenApi, ToSchema};

/// The API's routes, nested under `/api/v1` by [`crate::router`].
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .route("/plans", get(plans::list))
        .route("/plans/{id}", get(plans::detail))
        .route("/agencies", get(plans::agencies))
        .route("/rounds", get(rounds::list))
        .route("/rounds/{id}", get(rounds::detail))
        .route("/rounds/{id}/reports", get(rounds::reports))
        .route(
            "/rounds/{id}/reports/{agency_id}",
            get(rounds::report).patch(entries::change),
        )
        .route(
            "/rounds/{id}/reports/{agency_id}/actions",
            axum::routing::post(entries::step),
        )
        .route("/rounds/{id}/figures", get(rounds::figures))
        .route("/data/import", axum::routing::post(data::import))
        .route("/data/export", get(data::export))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(localize))
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// The OpenAPI document of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "theodoi API",
        description = "Theo dõi thực hiện kế hoạch — the JSON API: plans, agencies, reporting rounds, reports and consolidated figures. Authenticate with a personal API token (Tài khoản → Khóa API) as `Authorization: Bearer tdi_…`. Errors are `{\"error\": {\"code\", \"message\"}}`, the message in the language of `Accept-Language` (Vietnamese by default).",
        version = "1"
    ),
    paths(
        plans::list,
        plans::detail,
        plans::agencies,
        rounds::list,
        rounds::detail,
        rounds::reports,
        rounds::report,
        entries::change,
        entries::step,
        rounds::figures,
        data::import,
        data::export,
    ),
    components(schemas(ErrorBody, ErrorDetail, data::ExportFormat)),
    modifiers(&BearerScheme),
    security(("bearer" = [])),
)]
pub struct ApiDoc;

/// Declares the bearer scheme the `security` requirements name.
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("tdi_…")
                    .description(Some(
                        "A personal API token from the account page (Tài khoản → Khóa API).",
                    ))
                    .build(),
            ),
        );
    }
}

/// The document as JSON (public: it describes the API, it holds no data).
pub fn openapi_document() -> String {
    ApiDoc::openapi().to_json().unwrap_or_default()
}

async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi_document(),
    )
        .into_response()
}

/// An error answer: `{"error": {"code": ..., "message": ...}}`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorDetail {
    /// A stable code for programs: `unauthenticated`, `invalid_token`, `token_revoked`,
    /// `token_expired`, `account_disabled`, `password_change_required`, `forbidden`,
    /// `insufficient_scope`, `not_found`, `bad_request`, `unprocessable`, `version_conflict`, `unavailable`,
    /// `internal`.
    pub code: String,
    /// What happened, for people, in the language asked for.
    pub message: String,
}

/// What an API request may fail with.
#[derive(Debug)]
pub enum ApiError {
    /// 401: no token, or one that does not (or no longer) open the API.
    Unauthenticated(&'static str, Message),
    /// 403: the role or the token's scope does not allow it.
    Forbidden(&'static str, Message),
    NotFound,
    /// 400: the request cannot be read (an id that is not a number, a bad page size).
    BadRequest(Message),
    /// 422: the request was read but a check refused it (the message the page would show).
    Unprocessable(Message),
    /// 409: a write over a newer save than the version it names.
    Conflict(Message),
    Unavailable(String),
    Internal(anyhow::Error),
}

impl ApiError {
    pub fn bad_request(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::BadRequest(Message::new(vi, en))
    }

    fn forbidden() -> Self {
        Self::Forbidden(
            "forbidden",
            Message::new(
                "Vai trò của tài khoản không được xem nội dung này",
                "The account's role may not see this",
            ),
        )
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => Self::NotFound,
            AppError::Forbidden | AppError::Csrf => Self::forbidden(),
            AppError::Unauthenticated | AppError::Redirect(_) => Self::Unauthenticated(
                "unauthenticated",
                Message::new("Cần đăng nhập", "Authentication needed"),
            ),
            AppError::BadRequest(m) => Self::Unprocessable(m),
            AppError::TooLarge => Self::bad_request("Yêu cầu quá lớn", "The request is too large"),
            AppError::Unavailable(s) | AppError::Office(s) => Self::Unavailable(s),
            AppError::Internal(e) => Self::Internal(e),
        }
    }
}

impl From<theodoi_store::StoreError> for ApiError {
    fn from(e: theodoi_store::StoreError) -> Self {
        AppError::from(e).into()
    }
}

/// An error left in the response for [`localize`] to word in the request's language.
#[derive(Debug, Clone)]
pub struct ApiErrorReport {
    code: &'static str,
    message: Message,
}

fn json_body<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_else(|e| {
        tracing::error!(error.message = %e, "API answer failed to serialise");
        br#"{"error":{"code":"internal","message":"internal error"}}"#.to_vec()
    })
}

/// A JSON answer, never cached (it holds what only the token's account may see).
pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        json_body(value),
    )
        .into_response()
}

/// 200 with `value` as JSON.
pub fn ok<T: Serialize>(value: &T) -> Response {
    json(StatusCode::OK, value)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = match self {
            Self::Unauthenticated(code, m) => (StatusCode::UNAUTHORIZED, code, m),
            Self::Forbidden(code, m) => (StatusCode::FORBIDDEN, code, m),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                Message::new("Không tìm thấy", "Not found"),
            ),
            Self::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m),
            Self::Unprocessable(m) => (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable", m),
            Self::Conflict(m) => (StatusCode::CONFLICT, "version_conflict", m),
            Self::Unavailable(cause) => {
                tracing::error!(error.message = %cause, "API: database unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    Message::new(
                        "Cơ sở dữ liệu tạm thời không truy cập được; hãy thử lại sau",
                        "The database cannot be reached for now; try again later",
                    ),
                )
            }
            Self::Internal(e) => {
                tracing::error!(error.message = %e, error.cause_chain = ?e, "API request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    Message::new("Lỗi máy chủ", "Internal server error"),
                )
            }
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_string(),
                message: message.get(Lang::Vi).to_string(),
            },
        };
        let mut res = json(status, &body);
        if status == StatusCode::UNAUTHORIZED {
            // RFC 6750: what a client must send.
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"theodoi\""),
            );
        }
        res.extensions_mut()
            .insert(ApiErrorReport { code, message });
        res
    }
}

pub type ApiResult<T = Response> = Result<T, ApiError>;

/// The language an API client asks for in `Accept-Language`: English when it prefers English to
/// Vietnamese, Vietnamese otherwise (and by default).
pub fn accept_language(headers: &HeaderMap) -> Lang {
    let mut best: Option<(f32, Lang)> = None;
    for value in headers.get_all(header::ACCEPT_LANGUAGE) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or_default();
            let lang = match primary {
                "vi" => Lang::Vi,
                "en" => Lang::En,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
    }
    best.map_or(Lang::Vi, |(_, l)| l)
}

/// Word every API error in the request's language.
pub async fn localize(req: Request, next: Next) -> Response {
    let lang = accept_language(req.headers());
    let res = next.run(req).await;
    let Some(report) = res.extensions().get::<ApiErrorReport>().cloned() else {
        return res;
    };
    if lang == Lang::Vi {
        return res;
    }
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = ErrorBody {
        error: ErrorDetail {
            code: report.code.to_string(),
            message: report.message.get(lang).to_string(),
        },
    };
    Response::from_parts(parts, axum::body::Body::from(json_body(&body)))
}

/// Path parameters; one that does not read as a number is a 400 with a JSON body (not axum's
/// plain-text rejection).
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| ApiPath(v))
            .map_err(|_| {
                ApiError::bad_request(
                    "Mã số trong đường dẫn phải là số nguyên",
                    "The ids in the path must be whole numbers",
                )
            })
    }
}

/// The largest page a list returns.
pub const MAX_LIMIT: i64 = 1000;
const DEFAULT_LIMIT: i64 = 100;
/// Far beyond any list's length; keeps `offset + limit` from overflowing.
const MAX_OFFSET: i64 = 1_000_000_000;

/// Which part of a list to return.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// How many items (1–1000; 100 when not given).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    /// How many items to skip (0 when not given).
    #[param(minimum = 0, maximum = 1_000_000_000)]
    pub offset: Option<i64>,
}

/// A page of a list as read from the query string: (limit, offset), checked.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

impl Page {
    /// The items of `all` this page covers.
    pub fn slice<T: Clone>(&self, all: &[T]) -> Vec<T> {
        let from = usize::try_from(self.offset)
            .unwrap_or(usize::MAX)
            .min(all.len());
        let n = usize::try_from(self.limit).unwrap_or(0);
        all[from..].iter().take(n).cloned().collect()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Page {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or_default();
        let p: Paging = serde_urlencoded::from_str(raw).map_err(|_| {
            ApiError::bad_request(
                "limit và offset phải là số nguyên",
                "limit and offset must be whole numbers",
            )
        })?;
        let limit = p.limit.unwrap_or(DEFAULT_LIMIT);
        let offset = p.offset.unwrap_or(0);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_request(
                format!("limit phải từ 1 đến {MAX_LIMIT} (nhận được {limit})"),
                format!("limit must be from 1 to {MAX_LIMIT} (got {limit})"),
            ));
        }
        if !(0..=MAX_OFFSET).contains(&offset) {
            return Err(ApiError::bad_request(
                format!("offset phải từ 0 đến {MAX_OFFSET} (nhận được {offset})"),
                format!("offset must be from 0 to {MAX_OFFSET} (got {offset})"),
            ));
        }
        Ok(Self { limit, offset })
    }
}

/// The token's reach: read only, or read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Read,
    Write,
}

/// The account behind a request's bearer token, as a session would give it (role, agency), with
/// the token's scope.
#[derive(Debug, Clone)]
pub struct ApiUser {
    pub user: User,
    pub scope: Scope,
    pub token_id: i64,
}

impl ApiUser {
    /// Refuse unless the role allows it.
    pub fn require(&self, allowed: bool) -> ApiResult<()> {
        if allowed {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    /// Refuse a change through a read-only token.
    pub fn require_write(&self) -> ApiResult<()> {
        if self.scope == Scope::Write {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "insufficient_scope",
                Message::new(
                    "Khóa API này chỉ được đọc; tạo khóa có phạm vi ghi (write) để thay đổi dữ liệu",
                    "This API token may only read; create one with the write scope to change data",
                ),
            ))
        }
    }

    pub fn role(&self) -> Role {
        self.user.role
    }
}

/// A refused token, audited with the reason (never the token).
async fn refuse_token(
    state: &AppState,
    parts: &Parts,
    user: Option<(i64, &str)>,
    reason: &'static str,
    message: Message,
) -> ApiError {
    let ip = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| {
            crate::auth::client_ip(c.0.ip(), &parts.headers, &state.config.trusted_proxies)
                .to_string()
        });
    let audited = crate::audit(
        state,
        user.map(|(id, _)| id),
        user.map(|(_, name)| name),
        "api_token_refused",
        None,
        Some(reason),
        ip.as_deref(),
    )
    .await;
    if let Err(e) = audited {
        return ApiError::from(e);
    }
    ApiError::Unauthenticated(reason, message)
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(ApiError::Unauthenticated(
                "unauthenticated",
                Message::new(
                    "Cần khóa API: gửi tiêu đề Authorization: Bearer <khóa>",
                    "An API token is needed: send the header Authorization: Bearer <token>",
                ),
            ));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| tokens::looks_like_token(t));
        let Some(token) = token else {
            return Err(refuse_token(
                state,
                parts,
                None,
                "invalid_token",
                Message::new("Khóa API không hợp lệ", "The API token is not valid"),
            )
            .await);
        };
        let now = OffsetDateTime::now_utc();
        let found = state
            .db
            .api_token_by_hash(&crate::auth::token_hash(token))
            .await?;
        let Some((row, account)) = found else {
            return Err(refuse_token(
                state,
                parts,
                None,
                "invalid_token",
                Message::new("Khóa API không hợp lệ", "The API token is not valid"),
            )
            .await);
        };
        let who = Some((account.id, account.username.as_str()));
        if row.revoked_at.is_some() {
            return Err(refuse_token(
                state,
                parts,
                who,
                "token_revoked",
                Message::new(
                    format!("Khóa API \"{}\" đã bị thu hồi", row.name),
                    format!("The API token \"{}\" was revoked", row.name),
                ),
            )
            .await);
        }
        if row.expires_at <= now {
            return Err(refuse_token(
                state,
                parts,
                who,
                "token_expired",
                Message::new(
                    format!("Khóa API \"{}\" đã hết hạn", row.name),
                    format!("The API token \"{}\" has expired", row.name),
                ),
            )
            .await);
        }
        if account.disabled {
            return Err(refuse_token(
                state,
                parts,
                who,
                "account_disabled",
                Message::new("Tài khoản đã bị khóa", "The account is disabled"),
            )
            .await);
        }
        if account.must_change_password {
            return Err(refuse_token(
                state,
                parts,
                who,
                "password_change_required",
                Message::new(
                    "Tài khoản phải đổi mật khẩu trước (đăng nhập vào trang web)",
                    "The account must change its password first (sign in on the web)",
                ),
            )
            .await);
        }
        let role = Role::parse(&account.role).ok_or_else(ApiError::forbidden)?;
        state.db.touch_api_token(row.id, now).await?;
        let scope = if row.scope == "write" {
            Scope::Write
        } else {
            Scope::Read
        };
        Ok(Self {
            user: User {
                row: account,
                role,
                csrf: String::new(),
                token_hash: String::new(),
                unread: 0,
            },
            scope,
            token_id: row.id,
        })
    }
}

/// A date as the API writes it: `2026-06-15`.
pub fn date(d: time::Date) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    d.format(&f).unwrap_or_default()
}

/// A moment as the API writes it: RFC 3339 in UTC.
pub fn moment(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_from_accept_language() {
        let mut h = HeaderMap::new();
        assert_eq!(accept_language(&h), Lang::Vi);
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-GB,en;q=0.9"),
        );
        assert_eq!(accept_language(&h), Lang::En);
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("fr, en;q=0.5, vi;q=0.8"),
        );
        assert_eq!(accept_language(&h), Lang::Vi);
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("de, fr"));
        assert_eq!(accept_language(&h), Lang::Vi);
    }

    #[test]
    fn every_object_of_the_document_is_closed() {
        let doc: serde_json::Value = serde_json::from_str(&openapi_document()).unwrap_or_default();
        assert_eq!(doc["openapi"].as_str().map(|v| &v[..3]), Some("3.1"));
        let schemas = doc["components"]["schemas"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        assert!(schemas.len() > 5, "{schemas:?}");
        for (name, s) in schemas {
            if s["type"] == "object" {
                assert_eq!(s["additionalProperties"], false, "{name}");
            }
        }
    }
}
