//! One error type for every handler, mapped to a status and a page in one place. Users see a
//! message in both languages without internals; the cause chain is logged once, here.

use crate::i18n::{EN, Msg, VI};
use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

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
    /// Input refused, with a message for the user (already in their language).
    #[error("bad request: {0}")]
    BadRequest(String),
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

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    vi: &'a str,
    en: &'a str,
    detail: &'a str,
}

fn pick(f: impl Fn(&Msg) -> &'static str) -> (&'static str, &'static str) {
    (f(&VI), f(&EN))
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, (vi, en), detail) = match &self {
            Self::Unauthenticated => return Redirect::to("/login").into_response(),
            Self::Redirect(to) => return Redirect::to(to).into_response(),
            Self::NotFound => (StatusCode::NOT_FOUND, pick(|m| m.not_found), String::new()),
            Self::Forbidden => (StatusCode::FORBIDDEN, pick(|m| m.forbidden), String::new()),
            Self::Csrf => (
                StatusCode::FORBIDDEN,
                pick(|m| m.csrf_failed),
                String::new(),
            ),
            Self::BadRequest(msg) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                pick(|m| m.error_title),
                msg.clone(),
            ),
            Self::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                pick(|m| m.too_large),
                String::new(),
            ),
            Self::Office(cause) => {
                tracing::error!(error.message = %cause, "PDF conversion failed");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    pick(|m| m.pdf_unavailable),
                    String::new(),
                )
            }
            Self::Unavailable(cause) => {
                tracing::error!(error.message = %cause, "database unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    pick(|m| m.unavailable),
                    String::new(),
                )
            }
            Self::Internal(e) => {
                tracing::error!(error.message = %e, error.cause_chain = ?e, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    pick(|m| m.internal),
                    String::new(),
                )
            }
        };
        let page = ErrorPage {
            status: status.as_u16(),
            vi,
            en,
            detail: &detail,
        };
        let body = page
            .render()
            .unwrap_or_else(|_| format!("{} {vi} / {en}", status.as_u16()));
        (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response()
    }
}

pub type AppResult<T> = Result<T, AppError>;
