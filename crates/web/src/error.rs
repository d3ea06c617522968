//! One error type for every handler, mapped to a status and a page in one place. The cause chain
//! is logged once, here; people see what happened and what to do, in the page's language only.
//!
//! A handler does not know the reader's language or account when it fails, so
//! [`AppError::into_response`] leaves an [`ErrorReport`] in the response's extensions (with a
//! plain Vietnamese page as the body), and the [`error_pages`] layer, which knows the request's
//! language and session, renders the page again with the site's header and the account's menu.

use crate::AppState;
use crate::auth::{UiLang, User};
use crate::i18n::{Lang, Msg};
use crate::pages::Ctx;
use askama::Template;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use theodoi_text::Message;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Not signed in: pages redirect to the sign-in page.
    #[error("not signed in")]
    Unauthenticated,
    /// The request belongs elsewhere first (a pending second factor, a password to change).
    #[error("redirect to {0}")]
    Redirect(String),
    #[error("bad CSRF token")]
    Csrf,
    /// Input refused, with what to correct in both languages; the page shows the reader's.
    #[error("bad request: {0}")]
    BadRequest(Message),
    #[error("too large")]
    TooLarge,
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The office suite that turns a DOCX into PDF is missing or failed: the server's state, not
    /// the user's input, and not the database.
    #[error("PDF conversion failed: {0}")]
    Office(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// Refuse the input, saying why in Vietnamese and English.
    pub fn refuse(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::BadRequest(Message::new(vi, en))
    }
}

impl From<theodoi_store::StoreError> for AppError {
    fn from(e: theodoi_store::StoreError) -> Self {
        use theodoi_store::StoreError as S;
        if e.is_unavailable() {
            return Self::Unavailable(e.to_string());
        }
        match e {
            S::NotFound(_) | S::PlanNotFound(_) => Self::NotFound,
            S::Conflict(m) | S::Invalid(m) => Self::BadRequest(m),
            e => Self::Internal(anyhow::Error::new(e)),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(anyhow::Error::new(e))
    }
}

/// What went wrong, as the error page tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorKind {
    NotFound,
    Forbidden,
    Csrf,
    Refused,
    TooLarge,
    Office,
    Unavailable,
    Internal,
}

impl ErrorKind {
    /// The heading (what happened) and the sentence after it (what to do).
    fn says(self, m: &Msg) -> (&'static str, &'static str) {
        match self {
            Self::NotFound => (m.not_found, m.not_found_hint),
            Self::Forbidden => (m.forbidden, m.forbidden_hint),
            Self::Csrf => (m.error_title, m.csrf_failed),
            Self::Refused => (m.refused, m.refused_hint),
            Self::TooLarge => (m.too_large, m.too_large_hint),
            Self::Office => (m.error_title, m.pdf_unavailable),
            Self::Unavailable => (m.error_title, m.unavailable),
            Self::Internal => (m.error_title, m.internal),
        }
    }
}

/// An error answered with a page: left in the response by [`AppError::into_response`] for
/// [`error_pages`] to render in the request's language.
#[derive(Debug, Clone)]
pub struct ErrorReport {
    kind: ErrorKind,
    detail: Option<Message>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ctx: Ctx,
    status: u16,
    heading: &'a str,
    hint: &'a str,
    detail: &'a str,
    /// The page the reader came from on this site, for the link back; empty when unknown.
    back: String,
}

impl ErrorReport {
    fn render(&self, status: StatusCode, ctx: Ctx, back: String) -> String {
        let (heading, hint) = self.kind.says(ctx.m);
        let detail = self.detail.as_ref().map_or("", |d| d.get(ctx.lang));
        let page = ErrorPage {
            status: status.as_u16(),
            heading,
            hint,
            detail,
            back,
            ctx,
        };
        page.render().unwrap_or_else(|e| {
            tracing::error!(error.message = %e, "error page failed to render");
            format!("{} {heading} {detail}", status.as_u16())
        })
    }
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, kind, detail) = match self {
            Self::Unauthenticated => return Redirect::to("/login").into_response(),
            Self::Redirect(to) => return Redirect::to(&to).into_response(),
            Self::NotFound => (StatusCode::NOT_FOUND, ErrorKind::NotFound, None),
            Self::Forbidden => (StatusCode::FORBIDDEN, ErrorKind::Forbidden, None),
            Self::Csrf => (StatusCode::FORBIDDEN, ErrorKind::Csrf, None),
            Self::BadRequest(msg) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorKind::Refused,
                Some(msg),
            ),
            Self::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, ErrorKind::TooLarge, None),
            Self::Office(cause) => {
                tracing::error!(error.message = %cause, "PDF conversion failed");
                (StatusCode::SERVICE_UNAVAILABLE, ErrorKind::Office, None)
            }
            Self::Unavailable(cause) => {
                tracing::error!(error.message = %cause, "database unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorKind::Unavailable,
                    None,
                )
            }
            Self::Internal(e) => {
                tracing::error!(error.message = %e, error.cause_chain = ?e, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorKind::Internal, None)
            }
        };
        let report = ErrorReport { kind, detail };
        // Outside the error layer (a test calling a handler), the page in Vietnamese, signed out.
        let body = report.render(status, Ctx::new(Lang::Vi, None), String::new());
        let mut res = html(status, body);
        res.extensions_mut().insert(report);
        res
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Render every [`ErrorReport`] as a page in the request's language, with the site's header and,
/// when someone is signed in, their menu.
pub async fn error_pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let Ok(UiLang(lang)) = UiLang::from_request_parts(&mut parts, &state).await;
    // Only the head is kept for later: the session cookie and the page the reader came from.
    let head = Request::from_parts(parts.clone(), ());
    let res = next.run(Request::from_parts(parts, body)).await;
    let Some(report) = res.extensions().get::<ErrorReport>().cloned() else {
        return res;
    };
    let (mut parts, ()) = head.into_parts();
    let user = User::from_request_parts(&mut parts, &state).await.ok();
    let back = came_from(&parts).unwrap_or_default();
    let status = res.status();
    let body = report.render(status, Ctx::new(lang, user.as_ref()), back);
    let (mut res_parts, _) = res.into_parts();
    res_parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(res_parts, axum::body::Body::from(body))
}

/// The page of this site the reader came from (the `Referer` on this host), unless it is the
/// page that failed.
fn came_from(parts: &axum::http::request::Parts) -> Option<String> {
    let referer: axum::http::Uri = parts
        .headers
        .get(header::REFERER)?
        .to_str()
        .ok()?
        .parse()
        .ok()?;
    let host = parts.headers.get(header::HOST)?.to_str().ok()?;
    if referer.authority().map(|a| a.as_str()) != Some(host) {
        return None;
    }
    let path = crate::pages::same_site_path(referer.path_and_query()?.as_str())?;
    (path != parts.uri.path()).then_some(path)
}
