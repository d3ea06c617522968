//! The web workspace of theodoi: server-rendered pages (askama, no JavaScript needed) over the
//! store, for the coordinator at the Sở Tư pháp, agencies' focal points and heads, leaders and
//! administrators.
//!
//! `router` builds the whole application for a [`AppState`]; `serve` runs it until a shutdown
//! signal. Handlers are thin: extract, check the role and the CSRF token, call the store, render.
//! Each file under `pages/` owns one area of the site.

pub mod auth;
pub mod cache;
pub mod charts;
pub mod error;
pub mod form;
pub mod i18n;
mod pages;
pub mod reminders;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use theodoi_store::Db;

/// Settings of the web server.
#[derive(Debug, Clone)]
pub struct Config {
    /// Add `Secure` to cookies: set when the server is reached over TLS (behind a proxy).
    pub secure_cookies: bool,
    /// Largest accepted upload (plan files, cascade plan files), in bytes.
    pub max_upload_bytes: usize,
    /// How long a session lasts without signing in again.
    pub session_hours: i64,
    /// Reminders by e-mail: `smtp://host:port` (or `smtps://`, `smtp://…?tls=required`); none
    /// keeps reminders in the app.
    pub smtp_url: Option<String>,
    /// The sender of reminder e-mails.
    pub mail_from: String,
    /// The address people use to reach this server, for links in e-mails.
    pub public_url: String,
    /// How often the reminder scheduler looks for work, in seconds; 0 turns it off.
    pub reminder_interval_secs: u64,
    /// Who signs them, printed under the position.
    pub report_signer: String,
    /// Reverse proxies whose `X-Forwarded-For` names the client; with none, the header is ignored.
    pub trusted_proxies: Vec<auth::TrustedProxy>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            max_upload_bytes: 20 * 1024 * 1024,
            session_hours: 12,
            smtp_url: None,
            mail_from: "theodoi <no-reply@localhost>".into(),
            public_url: "http://127.0.0.1:8080".into(),
            reminder_interval_secs: 300,
            report_signer: String::new(),
            trusted_proxies: Vec::new(),
        }
    }
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub limiter: Arc<Mutex<auth::SignInLimits>>,
    pub cache: Arc<cache::Cache>,
    /// Weekends and public holidays, for deadlines in working days.
    pub calendar: Arc<theodoi_domain::WorkCalendar>,
    /// The key the sign-in form's anti-forgery token is signed with, read from the database at
    /// first use (`pages::login`).
    pub sign_in_key: Arc<tokio::sync::OnceCell<Vec<u8>>>,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> Self {
        Self {
            db,
            config: Arc::new(config),
            limiter: Arc::new(Mutex::new(auth::SignInLimits::default())),
            cache: Arc::new(cache::Cache::default()),
            // The shipped years are checked by the domain's tests; weekends alone are the fallback.
            calendar: Arc::new(theodoi_domain::WorkCalendar::shipped().unwrap_or_default()),
            sign_in_key: Arc::new(tokio::sync::OnceCell::new()),
        }
    }
}

/// Append to the audit log: who (if known) did what to what, from where. Never secrets or
/// personal data.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn audit(
    state: &AppState,
    user_id: Option<i64>,
    username: Option<&str>,
    action: &str,
    target: Option<&str>,
    detail: Option<&str>,
    ip: Option<&str>,
) -> error::AppResult<()> {
    let entry = theodoi_store::accounts::AuditEntry {
        user_id,
        username,
        action,
        target,
        detail,
        ip,
    };
    state
        .db
        .audit(&entry, time::OffsetDateTime::now_utc())
        .await?;
    Ok(())
}

impl AppState {
    /// A plan with its content, from the cache or the database.
    pub(crate) async fn plan_data(
        &self,
        id: i64,
    ) -> error::AppResult<
        Arc<(
            theodoi_store::views::PlanView,
            theodoi_store::views::PlanContent,
        )>,
    > {
        if let Some(hit) = self.cache.plan(id) {
            return Ok(hit);
        }
        let generation = self.cache.current();
        let value = Arc::new((
            self.db.load_plan(id).await?,
            self.db.plan_content(id).await?,
        ));
        self.cache.put_plan(id, generation, Arc::clone(&value));
        Ok(value)
    }

    /// What an agency must do under the plans, from the cache or the database.
    pub(crate) async fn agency_work(&self, id: i64) -> error::AppResult<Arc<cache::AgencyWork>> {
        if let Some(hit) = self.cache.agency(id) {
            return Ok(hit);
        }
        let generation = self.cache.current();
        let agency = self.db.agency(id).await?.ok_or(error::AppError::NotFound)?;
        let value = Arc::new(cache::AgencyWork {
            agency,
            tasks: self.db.agency_tasks(id).await?,
            duties: self.db.agency_duties(id).await?,
        });
        self.cache.put_agency(id, generation, Arc::clone(&value));
        Ok(value)
    }
}

/// Append to the audit log an action of a signed-in account.
pub(crate) async fn audit_by(
    state: &AppState,
    user: &auth::User,
    action: &str,
    target: Option<&str>,
    detail: Option<&str>,
) -> error::AppResult<()> {
    audit(
        state,
        Some(user.id()),
        Some(&user.row.username),
        action,
        target,
        detail,
        None,
    )
    .await
}

/// Every route of the application.
pub fn router(state: AppState) -> Router {
    // Room for the multipart framing around the largest file.
    let body_limit = state.config.max_upload_bytes + 64 * 1024;
    Router::new()
        .route("/healthz", get(pages::misc::healthz))
        .route("/static/style.css", get(pages::misc::style))
        .route("/static/form.js", get(pages::misc::form_js))
        .route("/lang/{code}", get(pages::misc::set_lang))
        .route("/login", get(pages::login::form).post(pages::login::submit))
        .route(
            "/login/totp",
            get(pages::login::totp_form).post(pages::login::totp_submit),
        )
        .route("/logout", post(pages::login::logout))
        .route("/", get(pages::plans::start))
        .route("/public", get(pages::public::index))
        .route("/public/plans/{id}", get(pages::public::plan))
        .route("/plans", get(pages::plans::list))
        .route("/plans/{id}", get(pages::plans::detail))
        .route("/plans/{id}/matrix", get(pages::plans::matrix))
        .route("/plans/{id}/edit", get(pages::import::edit))
        .route("/plans/{id}/dashboard", get(pages::rounds::plan_dashboard))
        .route(
            "/plans/{id}/cascade",
            get(pages::cascade::overview).post(pages::cascade::record),
        )
        .route("/cascade/{id}/file", get(pages::cascade::file))
        .route(
            "/plans/{id}/cascade/missing/{format}",
            get(pages::cascade::export_missing),
        )
        .route("/plans/{id}/cascade/remind", post(pages::cascade::remind))
        .route("/tasks/{id}/links", post(pages::plans::link))
        .route("/tasks/{id}/links/remove", post(pages::plans::unlink))
        .route("/tasks/{id}", get(pages::plans::task))
        .route("/tasks/{id}/escalations", post(pages::escalations::raise))
        .route("/tasks/{id}/tags", post(pages::plans::set_tags))
        .route(
            "/tasks/{id}/groups/{group}",
            post(pages::plans::set_group_members),
        )
        .route(
            "/agencies",
            get(pages::agencies::list).post(pages::agencies::create),
        )
        .route("/agencies/merge", post(pages::agencies::merge))
        .route(
            "/agencies/{id}",
            get(pages::agencies::edit).post(pages::agencies::update),
        )
        .route("/agencies/{id}/home", get(pages::agencies::home))
        .route("/agencies/{id}/members", post(pages::agencies::set_members))
        .route(
            "/rounds",
            get(pages::rounds::list).post(pages::rounds::open),
        )
        .route("/rounds/{id}", get(pages::rounds::detail))
        .route(
            "/rounds/{id}/reports/{agency}",
            get(pages::rounds::report).post(pages::rounds::save),
        )
        .route(
            "/rounds/{id}/reports/{agency}/action",
            post(pages::rounds::act),
        )
        .route(
            "/rounds/{id}/reports/{agency}/files",
            post(pages::rounds::upload),
        )
        .route(
            "/rounds/{id}/reports/{agency}/snapshots/{version}",
            get(pages::rounds::snapshot),
        )
        .route("/report-files/{id}", get(pages::rounds::file))
        .route("/rounds/{id}/reminders", get(pages::rounds::reminder_log))
        .route("/rounds/{id}/dashboard", get(pages::rounds::dashboard))
        .route("/rounds/{id}/annex.xlsx", get(pages::rounds::annex_xlsx))
        .route("/rounds/{id}/annex.csv", get(pages::rounds::annex_csv))
        .route(
            "/rounds/{id}/missing.xlsx",
            get(pages::rounds::missing_xlsx),
        )
        .route("/rounds/{id}/missing.csv", get(pages::rounds::missing_csv))
        .route("/rounds/{id}/draft", get(pages::drafts::show))
        .route("/rounds/{id}/draft/sections", post(pages::drafts::save))
        .route("/rounds/{id}/draft/refresh", post(pages::drafts::refresh))
        .route("/rounds/{id}/draft/parts", post(pages::drafts::save_parts))
        .route("/rounds/{id}/draft/approve", post(pages::drafts::approve))
        .route("/rounds/{id}/draft/history", get(pages::drafts::history))
        .route("/rounds/{id}/draft.docx", get(pages::drafts::docx))
        .route("/rounds/{id}/draft.pdf", get(pages::drafts::pdf))
        .route(
            "/rounds/{id}/export/{list}/{format}",
            get(pages::exports::round_bodies),
        )
        .route(
            "/plans/{id}/export/tasks/{format}",
            get(pages::exports::plan_tasks),
        )
        .route("/agencies/export/{format}", get(pages::exports::agencies))
        .route("/notifications", get(pages::rounds::notifications))
        .route("/notifications/read", post(pages::rounds::mark_read))
        .route(
            "/regimes",
            get(pages::regimes::regimes).post(pages::regimes::create_regime),
        )
        .route(
            "/indicators",
            get(pages::regimes::indicators).post(pages::regimes::save_indicator),
        )
        .route("/import", get(pages::import::form))
        .route("/import/review", post(pages::import::review))
        .route("/import/publish", post(pages::import::publish))
        .route("/escalations", get(pages::escalations::list))
        .route(
            "/escalations/{id}",
            get(pages::escalations::thread).post(pages::escalations::add),
        )
        .route("/account", get(pages::account::page))
        .route("/account/password", post(pages::account::password))
        .route("/account/totp", post(pages::account::totp))
        .route("/account/logout-all", post(pages::account::logout_all))
        .route("/account/email", post(pages::account::set_email))
        .route(
            "/admin/users",
            get(pages::admin::users).post(pages::admin::create_user),
        )
        .route(
            "/admin/users/{id}/reset",
            post(pages::admin::reset_password),
        )
        .route(
            "/admin/users/{id}/disable",
            post(pages::admin::toggle_disabled),
        )
        .route(
            "/admin/users/{id}/second-factor/reset",
            post(pages::admin::reset_second_factor),
        )
        .route(
            "/admin/policies",
            get(pages::admin::policies).post(pages::admin::set_policies),
        )
        .route("/admin/audit", get(pages::admin::audit_log))
        .route(
            "/settings/report",
            get(pages::settings::show).post(pages::settings::save),
        )
        .fallback(pages::misc::not_found)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn(pages::misc::log_and_secure))
        .with_state(state)
}

/// Serve on `listener` until Ctrl-C or SIGTERM, finishing requests in flight.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> anyhow::Result<()> {
    let scheduler = reminders::spawn(state.clone());
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    if let Some(s) = scheduler {
        s.abort();
    }
    tracing::info!("server stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received; finishing requests in flight");
}
