//! The web workspace of theodoi: server-rendered pages (askama, no JavaScript needed) over the
//! store, for the coordinator at the Sở Tư pháp, agencies' focal points and heads, leaders and
//! administrators.
//!
//! `router` builds the whole application for a [`AppState`]; `serve` runs it until a shutdown
//! signal. Handlers are thin: extract, check the role and the CSRF token, call the store, render.
//! Each file under `pages/` owns one area of the site.

pub mod api;
pub mod auth;
pub mod cache;
pub mod charts;
pub mod error;
pub mod form;
pub mod i18n;
pub mod metrics;
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
    /// Who may read `/metrics` (the client address as `trusted_proxies` reveals it); this
    /// machine only by default.
    pub metrics_allow: Vec<auth::TrustedProxy>,
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
            metrics_allow: metrics::default_allow(),
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
    /// Requests, latencies and reminders counted since start, for `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
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
            metrics: Arc::new(metrics::Metrics::default()),
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

/// Who may use a route, as the handler itself decides (the handlers keep their own checks; this
/// table documents them and `tests/it/authz.rs` holds every route to its row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account.
    SignedIn,
    /// These roles only; the agency roles (focal point, head) only where the page or the thing
    /// acted on belongs to their own agency (or, for the report draft, the coordinating body).
    Roles(&'static [auth::Role]),
}

/// One route of the application: its method, its path pattern, who may use it, and the handler.
#[derive(Clone, Copy)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    handler: fn() -> axum::routing::MethodRouter<AppState>,
}

impl std::fmt::Debug for RouteSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouteSpec")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("access", &self.access)
            .finish()
    }
}

macro_rules! routes {
    ($($method:ident $path:literal, $access:expr, $handler:path;)*) => {
        &[$(RouteSpec {
            method: routes!(@name $method),
            path: $path,
            access: $access,
            handler: || $method($handler),
        }),*]
    };
    (@name get) => { "GET" };
    (@name post) => { "POST" };
}

use Access::{Public, Roles, SignedIn};
use auth::Role::{Admin, AgencyHead, Coordinator, FocalPoint, Leader};
const READERS: Access = Roles(&[Admin, Coordinator, Leader]);
const COORDINATOR: Access = Roles(&[Coordinator]);
const ADMIN: Access = Roles(&[Admin]);
/// Those who see every agency's pages, and the agencies their own.
const AGENCY_READERS: Access = Roles(&[Admin, Coordinator, Leader, FocalPoint, AgencyHead]);
const AGENCY_WRITERS: Access = Roles(&[FocalPoint, AgencyHead]);

/// Every route of the application: the router is built from it, and the authorisation test
/// checks that its matrix has a row for each (and no other).
const ROUTES: &[RouteSpec] = routes![
    get "/healthz", Public, pages::misc::healthz;
    get "/static/style.css", Public, pages::misc::style;
    get "/static/favicon.svg", Public, pages::misc::favicon;
    get "/static/form.js", Public, pages::misc::form_js;
    get "/lang/{code}", Public, pages::misc::set_lang;
    get "/login", Public, pages::login::form;
    post "/login", Public, pages::login::submit;
    get "/login/totp", Public, pages::login::totp_form;
    post "/login/totp", Public, pages::login::totp_submit;
    post "/logout", Public, pages::login::logout;
    get "/", SignedIn, pages::rounds::start;
    get "/public", Public, pages::public::index;
    get "/public/plans/{id}", Public, pages::public::plan;
    get "/public/plans/{id}/document", Public, pages::public::document;
    get "/plans", SignedIn, pages::plans::list;
    get "/plans/{id}", SignedIn, pages::plans::detail;
    get "/plans/{id}/matrix", SignedIn, pages::plans::matrix;
    get "/plans/{id}/edit", COORDINATOR, pages::import::edit;
    get "/plans/{id}/versions/{version}", SignedIn, pages::plans::version;
    get "/plans/{id}/dashboard", READERS, pages::rounds::plan_dashboard;
    get "/plans/{id}/cascade", AGENCY_READERS, pages::cascade::overview;
    post "/plans/{id}/cascade", Roles(&[Coordinator, FocalPoint, AgencyHead]), pages::cascade::record;
    get "/cascade/{id}/file", AGENCY_READERS, pages::cascade::file;
    get "/plans/{id}/cascade/missing/{format}", READERS, pages::cascade::export_missing;
    post "/plans/{id}/cascade/remind", COORDINATOR, pages::cascade::remind;
    post "/tasks/{id}/links", Roles(&[Coordinator, FocalPoint, AgencyHead]), pages::plans::link;
    post "/tasks/{id}/links/remove", Roles(&[Coordinator, FocalPoint, AgencyHead]), pages::plans::unlink;
    get "/tasks/{id}", SignedIn, pages::plans::task;
    post "/tasks/{id}/escalations", AGENCY_WRITERS, pages::escalations::raise;
    post "/tasks/{id}/tags", COORDINATOR, pages::plans::set_tags;
    post "/tasks/{id}/recommendations", COORDINATOR, pages::plans::set_recommendations;
    post "/plans/{id}/tags/resolve", COORDINATOR, pages::plans::resolve_tags;
    post "/tasks/{id}/groups/{group}", COORDINATOR, pages::plans::set_group_members;
    get "/agencies", SignedIn, pages::agencies::list;
    post "/agencies", COORDINATOR, pages::agencies::create;
    post "/agencies/merge", COORDINATOR, pages::agencies::merge;
    get "/agencies/{id}", Roles(&[Admin, Coordinator]), pages::agencies::edit;
    post "/agencies/{id}", COORDINATOR, pages::agencies::update;
    get "/agencies/{id}/home", AGENCY_READERS, pages::agencies::home;
    post "/agencies/{id}/members", COORDINATOR, pages::agencies::set_members;
    // Agency accounts are sent on to their home's list of rounds.
    get "/rounds", AGENCY_READERS, pages::rounds::list;
    post "/rounds", COORDINATOR, pages::rounds::open;
    get "/rounds/{id}", READERS, pages::rounds::detail;
    get "/rounds/{id}/reports/{agency}", AGENCY_READERS, pages::rounds::report;
    post "/rounds/{id}/reports/{agency}", AGENCY_WRITERS, pages::rounds::save;
    post "/rounds/{id}/reports/{agency}/action", Roles(&[Coordinator, FocalPoint, AgencyHead]), pages::rounds::act;
    post "/rounds/{id}/reports/{agency}/files", AGENCY_WRITERS, pages::rounds::upload;
    get "/rounds/{id}/reports/{agency}/form.xlsx", AGENCY_READERS, pages::rounds::form_xlsx;
    post "/rounds/{id}/reports/{agency}/form-upload", AGENCY_WRITERS, pages::rounds::form_upload;
    get "/rounds/{id}/reports/{agency}/snapshots/{version}", AGENCY_READERS, pages::rounds::snapshot;
    get "/report-files/{id}", AGENCY_READERS, pages::rounds::file;
    get "/rounds/{id}/reminders", READERS, pages::rounds::reminder_log;
    get "/rounds/{id}/dashboard", READERS, pages::rounds::dashboard;
    get "/rounds/{id}/annex.xlsx", READERS, pages::rounds::annex_xlsx;
    get "/rounds/{id}/annex.csv", READERS, pages::rounds::annex_csv;
    get "/rounds/{id}/missing.xlsx", READERS, pages::rounds::missing_xlsx;
    get "/rounds/{id}/missing.csv", READERS, pages::rounds::missing_csv;
    // The report draft: the coordinator edits, the coordinating body's head approves, its
    // accounts, leaders and administrators read.
    get "/rounds/{id}/draft", AGENCY_READERS, pages::drafts::show;
    post "/rounds/{id}/draft/sections", COORDINATOR, pages::drafts::save;
    post "/rounds/{id}/draft/refresh", COORDINATOR, pages::drafts::refresh;
    post "/rounds/{id}/draft/parts", COORDINATOR, pages::drafts::save_parts;
    post "/rounds/{id}/draft/approve", Roles(&[AgencyHead]), pages::drafts::approve;
    get "/rounds/{id}/draft/history", AGENCY_READERS, pages::drafts::history;
    get "/rounds/{id}/draft.docx", AGENCY_READERS, pages::drafts::docx;
    get "/rounds/{id}/draft.pdf", AGENCY_READERS, pages::drafts::pdf;
    get "/rounds/{id}/export/{list}/{format}", READERS, pages::exports::round_bodies;
    get "/plans/{id}/export/tasks/{format}", SignedIn, pages::exports::plan_tasks;
    get "/agencies/export/{format}", SignedIn, pages::exports::agencies;
    get "/notifications", SignedIn, pages::rounds::notifications;
    post "/notifications/read", SignedIn, pages::rounds::mark_read;
    get "/regimes", READERS, pages::regimes::regimes;
    post "/regimes", COORDINATOR, pages::regimes::create_regime;
    get "/indicators", READERS, pages::regimes::indicators;
    post "/indicators", COORDINATOR, pages::regimes::save_indicator;
    get "/import", COORDINATOR, pages::import::form;
    post "/import/review", COORDINATOR, pages::import::review;
    post "/import/publish", COORDINATOR, pages::import::publish;
    get "/escalations", AGENCY_READERS, pages::escalations::list;
    get "/escalations/{id}", AGENCY_READERS, pages::escalations::thread;
    post "/escalations/{id}", Roles(&[Coordinator, FocalPoint, AgencyHead]), pages::escalations::add;
    get "/account", SignedIn, pages::account::page;
    post "/account/password", SignedIn, pages::account::password;
    post "/account/totp", SignedIn, pages::account::totp;
    post "/account/logout-all", SignedIn, pages::account::logout_all;
    post "/account/email", SignedIn, pages::account::set_email;
    get "/account/tokens", SignedIn, api::tokens::page;
    post "/account/tokens", SignedIn, api::tokens::create_form;
    post "/account/tokens/{id}/revoke", SignedIn, api::tokens::revoke;
    get "/admin/users", ADMIN, pages::admin::users;
    post "/admin/users", ADMIN, pages::admin::create_user;
    post "/admin/users/{id}/reset", ADMIN, pages::admin::reset_password;
    post "/admin/users/{id}/disable", ADMIN, pages::admin::toggle_disabled;
    post "/admin/users/{id}/second-factor/reset", ADMIN, pages::admin::reset_second_factor;
    get "/admin/policies", ADMIN, pages::admin::policies;
    post "/admin/policies", ADMIN, pages::admin::set_policies;
    get "/admin/audit", ADMIN, pages::admin::audit_log;
    // The register of recommendations: the coordinator imports and publishes, those who see
    // every agency follow the coverage.
    get "/recommendations", READERS, pages::recommendations::list;
    post "/recommendations/review", COORDINATOR, pages::recommendations::review;
    post "/recommendations/import", COORDINATOR, pages::recommendations::confirm;
    get "/recommendations/{id}", READERS, pages::recommendations::coverage;
    post "/recommendations/{id}/publish", COORDINATOR, pages::recommendations::publish;
    post "/recommendations/{id}/recs/{rec}/no-task", COORDINATOR, pages::recommendations::set_no_task;
    get "/recommendations/{id}/coverage.xlsx", READERS, pages::recommendations::coverage_xlsx;
    get "/settings/report", Roles(&[Admin, Coordinator]), pages::settings::show;
    post "/settings/report", Roles(&[Admin, Coordinator]), pages::settings::save;
];

/// Every route of the application with who may use it (the router's own table).
pub fn route_table() -> &'static [RouteSpec] {
    ROUTES
}

/// Every route of the application.
pub fn router(state: AppState) -> Router {
    // Room for the multipart framing around the largest file.
    let body_limit = state.config.max_upload_bytes + 64 * 1024;
    let errors = axum::middleware::from_fn_with_state(state.clone(), error::error_pages);
    let observe = axum::middleware::from_fn_with_state(state.clone(), metrics::observe);
    // Two rows of one path (GET and POST) merge into one method router.
    ROUTES
        .iter()
        .fold(Router::new(), |r, spec| {
            r.route(spec.path, (spec.handler)())
        })
        .nest("/api/v1", api::router())
        // For the operators' tools rather than accounts (outside the authorisation matrix):
        // `/metrics` answers by the client's address, `/readyz` to anyone and says nothing.
        .route("/metrics", get(metrics::scrape))
        .route("/readyz", get(metrics::readyz))
        .fallback(pages::misc::not_found)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(errors)
        .layer(axum::middleware::from_fn(pages::misc::log_and_secure))
        // Outermost, so the time and status counted are those the client gets.
        .layer(observe)
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
