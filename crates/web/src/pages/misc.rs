//! Liveness check, the stylesheet, the language switch, 404, and the middleware every response
//! passes through (security headers).

use crate::auth::{LANG_COOKIE, UiLang};
use crate::error::{AppError, AppResult};
use crate::form::Path;
use crate::form::Query;
use crate::i18n::Lang;
use crate::{AppState, pages};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// Liveness and database reachability, for load balancers and the benchmark's baseline.
/// Liveness: the process answers. Whether the database does is `/readyz`'s question, so a
/// database outage takes the server out of rotation rather than having it restarted.
pub async fn healthz() -> Response {
    (StatusCode::OK, "ok").into_response()
}

const STYLE: &str = include_str!("../../static/style.css");

pub async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        STYLE,
    )
        .into_response()
}

const FAVICON: &str = include_str!("../../static/favicon.svg");

/// The tab icon: the app's mark, drawn in SVG.
pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON,
    )
        .into_response()
}

const FORM_JS: &str = include_str!("../../static/form.js");

/// The report form's script: autosave and the question before leaving with unsaved changes.
pub async fn form_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FORM_JS,
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct Next_ {
    next: Option<String>,
}

/// Switch the interface language and go back where the user was (same-site paths only): the
/// page the link names, else the page the link was on, else the start page.
pub async fn set_lang(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<Next_>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let lang = Lang::from_code(&code).ok_or(AppError::NotFound)?;
    let referer = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<axum::http::Uri>().ok())
        .and_then(|u| u.path_and_query().map(|p| p.as_str().to_string()));
    let next = q
        .next
        .as_deref()
        .and_then(pages::same_site_path)
        .or_else(|| referer.as_deref().and_then(pages::same_site_path))
        .filter(|p| !p.starts_with("/lang/"))
        .unwrap_or_else(|| "/".into());
    let mut r = Redirect::to(&next).into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        pages::cookie(
            LANG_COOKIE,
            lang.code(),
            365 * 86_400,
            state.config.secure_cookies,
        ),
    );
    Ok(r)
}

pub async fn not_found(UiLang(_): UiLang) -> AppError {
    AppError::NotFound
}

/// Add security headers to every response (each request is counted and logged by
/// `crate::metrics::observe`).
pub async fn log_and_secure(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    // Whatever a signed-in person sees (reports, names, downloads) is kept out of shared and
    // browser caches.
    let signed_in = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains(crate::auth::SESSION_COOKIE));
    // Only a GET can be asked for again; the answer to a form is left to the referring page.
    let here = match req.uri().path_and_query() {
        Some(p) if method == Method::GET && !path.starts_with("/lang/") => p.as_str().to_string(),
        _ => String::new(),
    };
    let mut res = pages::answering(here, next.run(req)).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'; frame-ancestors 'none'"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if signed_in && !path.starts_with("/static/") {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
