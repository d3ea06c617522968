//! What the operators watch: `/metrics` in the Prometheus text format (only to the addresses
//! `--metrics-allow` names, everyone else gets the site's 404), `/readyz`, and the middleware that
//! counts, times and logs each request.
//!
//! The exposition is written by hand over a few counters: the whole set is known in advance and
//! small (routes come from the route table, not from the requested path), so a metrics library
//! and its dependencies would add more than they save.

use crate::AppState;
use crate::auth::{self, TrustedProxy};
use crate::error::AppError;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tracing::Instrument as _;

/// Upper bounds of the latency buckets, in seconds: from a cached page to a slow report build.
pub const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The label of requests no route matched: one series for all of them, whatever was asked.
pub const UNMATCHED: &str = "unmatched";

/// The addresses `/metrics` answers when none are configured: this machine only.
pub fn default_allow() -> Vec<TrustedProxy> {
    ["127.0.0.1", "::1"]
        .iter()
        .filter_map(|a| a.parse().ok())
        .collect()
}

/// One method and route: its answers by status and the time they took.
#[derive(Debug, Default)]
struct Series {
    statuses: BTreeMap<u16, u64>,
    /// Requests that took at most `BUCKETS[i]` and more than the bound before it.
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum_seconds: f64,
}

/// The server's counters since it started. Each `AppState` has its own, so tests do not mix.
#[derive(Debug)]
pub struct Metrics {
    started_unix: f64,
    /// Method, then route template.
    http: Mutex<BTreeMap<&'static str, HashMap<String, Series>>>,
    reminders_created: AtomicU64,
    emails_sent: AtomicU64,
    emails_failed: AtomicU64,
    runs_ok: AtomicU64,
    runs_failed: AtomicU64,
    /// Request ids: a random prefix per process and a sequence, unique without a lookup.
    id_prefix: u32,
    next_id: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut prefix = [0u8; 4];
        // Without randomness the ids are still unique within the process.
        let _ = getrandom::fill(&mut prefix);
        Self {
            started_unix: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or_default(),
            http: Mutex::default(),
            reminders_created: AtomicU64::new(0),
            emails_sent: AtomicU64::new(0),
            emails_failed: AtomicU64::new(0),
            runs_ok: AtomicU64::new(0),
            runs_failed: AtomicU64::new(0),
            id_prefix: u32::from_be_bytes(prefix),
            next_id: AtomicU64::new(1),
        }
    }
}

/// Methods outside the usual ones share one label: a client may send any token as a method.
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

impl Metrics {
    /// Count one answered request.
    pub fn observe(&self, method: &Method, route: &str, status: u16, seconds: f64) {
        let mut http = self.http.lock().unwrap_or_else(PoisonError::into_inner);
        let routes = http.entry(method_label(method)).or_default();
        let series = match routes.get_mut(route) {
            Some(s) => s,
            None => routes.entry(route.to_string()).or_default(),
        };
        *series.statuses.entry(status).or_default() += 1;
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            series.buckets[i] += 1;
        }
        series.count += 1;
        series.sum_seconds += seconds;
    }

    /// What one run of the reminder scheduler did, or that it failed.
    pub fn reminder_run(&self, report: Option<&crate::reminders::RunReport>) {
        match report {
            Some(r) => {
                self.runs_ok.fetch_add(1, Ordering::Relaxed);
                self.reminders_created
                    .fetch_add(r.created as u64, Ordering::Relaxed);
            }
            None => {
                self.runs_failed.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// E-mails handed to the SMTP server or refused, by the scheduler or a reminder sent by hand.
    pub fn emails(&self, sent: usize, failed: usize) {
        self.emails_sent.fetch_add(sent as u64, Ordering::Relaxed);
        self.emails_failed
            .fetch_add(failed as u64, Ordering::Relaxed);
    }

    fn request_id(&self) -> String {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        format!("{:08x}{n:08x}", self.id_prefix)
    }

    /// The exposition, with the figures read from the store now.
    fn render(&self, db: &DbFigures) -> String {
        let mut out = String::with_capacity(8 * 1024);
        head(
            &mut out,
            "theodoi_build_info",
            "gauge",
            "The running version of theodoi.",
        );
        let _ = writeln!(
            out,
            "theodoi_build_info{{version=\"{}\"}} 1",
            escape(env!("CARGO_PKG_VERSION"))
        );
        head(
            &mut out,
            "process_start_time_seconds",
            "gauge",
            "Start time of the process since the Unix epoch, in seconds.",
        );
        let _ = writeln!(out, "process_start_time_seconds {}", self.started_unix);

        let http = self.http.lock().unwrap_or_else(PoisonError::into_inner);
        // Routes in a stable order, so two scrapes compare line by line.
        let mut rows: Vec<(&str, &str, &Series)> = http
            .iter()
            .flat_map(|(m, routes)| routes.iter().map(move |(r, s)| (*m, r.as_str(), s)))
            .collect();
        rows.sort_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)));
        head(
            &mut out,
            "theodoi_http_requests_total",
            "counter",
            "Requests answered, by method, route template and status.",
        );
        for (method, route, s) in &rows {
            for (status, n) in &s.statuses {
                let _ = writeln!(
                    out,
                    "theodoi_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }
        head(
            &mut out,
            "theodoi_http_request_duration_seconds",
            "histogram",
            "Time to answer a request (up to its headers), by method and route template.",
        );
        for (method, route, s) in &rows {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(s.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "theodoi_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "theodoi_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "theodoi_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum_seconds
            );
            let _ = writeln!(
                out,
                "theodoi_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        drop(http);

        let backend = db.backend;
        for (name, help, value) in [
            (
                "theodoi_db_pool_connections",
                "Database connections open (in use or idle).",
                db.pool.size,
            ),
            (
                "theodoi_db_pool_idle_connections",
                "Database connections open and idle.",
                db.pool.idle,
            ),
            (
                "theodoi_db_pool_max_connections",
                "The most database connections the pool opens.",
                db.pool.max,
            ),
        ] {
            head(&mut out, name, "gauge", help);
            let _ = writeln!(out, "{name}{{backend=\"{backend}\"}} {value}");
        }
        head(
            &mut out,
            "theodoi_database_up",
            "gauge",
            "1 when the database answered this scrape's query, else 0.",
        );
        let _ = writeln!(
            out,
            "theodoi_database_up{{backend=\"{backend}\"}} {}",
            u8::from(db.open_rounds.is_some())
        );
        if let Some(n) = db.open_rounds {
            head(
                &mut out,
                "theodoi_rounds_open",
                "gauge",
                "Reporting rounds whose deadline has not passed (Vietnam's date).",
            );
            let _ = writeln!(out, "theodoi_rounds_open {n}");
        }

        head(
            &mut out,
            "theodoi_reminders_created_total",
            "counter",
            "Reminders and digests the scheduler stored: shown in the app, and queued for e-mail where the person has an address and mail is configured.",
        );
        let _ = writeln!(
            out,
            "theodoi_reminders_created_total {}",
            self.reminders_created.load(Ordering::Relaxed)
        );
        head(
            &mut out,
            "theodoi_reminder_emails_total",
            "counter",
            "Reminder and notice e-mails, by outcome: sent (the SMTP server took it) or failed.",
        );
        let _ = writeln!(
            out,
            "theodoi_reminder_emails_total{{outcome=\"sent\"}} {}",
            self.emails_sent.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "theodoi_reminder_emails_total{{outcome=\"failed\"}} {}",
            self.emails_failed.load(Ordering::Relaxed)
        );
        head(
            &mut out,
            "theodoi_reminder_runs_total",
            "counter",
            "Runs of the reminder scheduler, by outcome: ok, or failed (nothing stored; see the log).",
        );
        let _ = writeln!(
            out,
            "theodoi_reminder_runs_total{{outcome=\"ok\"}} {}",
            self.runs_ok.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "theodoi_reminder_runs_total{{outcome=\"failed\"}} {}",
            self.runs_failed.load(Ordering::Relaxed)
        );
        out
    }
}

fn head(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// A label value as the text format wants it: backslash, double quote and newline escaped.
fn escape(v: &str) -> String {
    v.replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n")
}

/// What a scrape reads from the store.
struct DbFigures {
    backend: &'static str,
    pool: theodoi_store::metrics::PoolStats,
    /// None when the database did not answer.
    open_rounds: Option<i64>,
}

/// Whether `client` may read `/metrics`.
pub fn allowed(allow: &[TrustedProxy], client: std::net::IpAddr) -> bool {
    allow.iter().any(|a| a.contains(client))
}

/// `GET /metrics`: the exposition to an allowed address (read as the sign-in limit reads it,
/// through `--trusted-proxy`), the site's 404 to anyone else, so the page is not revealed.
pub async fn scrape(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let client = auth::client_ip(addr.ip(), &headers, &state.config.trusted_proxies);
    if !allowed(&state.config.metrics_allow, client) {
        return AppError::NotFound.into_response();
    }
    let today = time::OffsetDateTime::now_utc()
        .to_offset(theodoi_domain::report::VIETNAM)
        .date();
    let open_rounds = match state.db.open_rounds(today).await {
        Ok(n) => Some(n),
        Err(e) => {
            tracing::warn!(error.message = %e, "metrics: the database did not answer");
            None
        }
    };
    let figures = DbFigures {
        backend: match state.db.backend() {
            theodoi_store::Backend::Sqlite => "sqlite",
            theodoi_store::Backend::Postgres => "postgres",
        },
        pool: state.db.pool_stats(),
        open_rounds,
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        state.metrics.render(&figures),
    )
        .into_response()
}

/// `GET /readyz`: 200 when the database answers, 503 when it does not (take the server out of
/// the load balancer, do not restart it). Says nothing else.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error.message = %e, "readiness: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

/// Paths the probes and the scraper ask for every few seconds: counted, not logged.
fn quiet(route: &str) -> bool {
    matches!(route, "/healthz" | "/readyz" | "/metrics")
}

/// Count, time and log each request: one log line with the method, the route template (never
/// the path's ids, the query string, cookies or the body), the status, the time and a request id,
/// which the answer carries in `X-Request-Id` and every log line of the request in its span.
pub async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .to_string();
    let id = state.metrics.request_id();
    let span = tracing::info_span!("request", request_id = %id);
    let mut res = next.run(req).instrument(span).await;
    let status = res.status().as_u16();
    let elapsed = started.elapsed().as_secs_f64();
    state.metrics.observe(&method, &route, status, elapsed);
    if !quiet(&route) {
        tracing::info!(
            http.method = %method,
            http.route = %route,
            http.status = status,
            latency_ms = elapsed * 1000.0,
            request_id = %id,
            "request"
        );
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures() -> DbFigures {
        DbFigures {
            backend: "sqlite",
            pool: theodoi_store::metrics::PoolStats {
                size: 2,
                idle: 1,
                max: 8,
            },
            open_rounds: Some(3),
        }
    }

    #[test]
    fn buckets_are_cumulative_and_labels_escaped() {
        let m = Metrics::default();
        m.observe(&Method::GET, "/rounds/{id}", 200, 0.004);
        m.observe(&Method::GET, "/rounds/{id}", 200, 0.2);
        m.observe(&Method::GET, "/rounds/{id}", 404, 30.0);
        m.observe(
            &Method::from_bytes(b"BREW").unwrap_or_default(),
            "x\"y",
            405,
            0.01,
        );
        let text = m.render(&figures());
        let line = |prefix: &str| {
            text.lines()
                .find(|l| l.starts_with(prefix))
                .unwrap_or_else(|| panic!("no {prefix} in\n{text}"))
                .to_string()
        };
        assert!(
            line(
                "theodoi_http_requests_total{method=\"GET\",route=\"/rounds/{id}\",status=\"200\"}"
            )
            .ends_with(" 2")
        );
        assert!(
            line(
                "theodoi_http_requests_total{method=\"GET\",route=\"/rounds/{id}\",status=\"404\"}"
            )
            .ends_with(" 1")
        );
        let b =
            "theodoi_http_request_duration_seconds_bucket{method=\"GET\",route=\"/rounds/{id}\",";
        assert!(line(&format!("{b}le=\"0.005\"}}")).ends_with(" 1"));
        assert!(line(&format!("{b}le=\"0.25\"}}")).ends_with(" 2"));
        assert!(line(&format!("{b}le=\"10\"}}")).ends_with(" 2"));
        assert!(line(&format!("{b}le=\"+Inf\"}}")).ends_with(" 3"));
        assert!(
            line("theodoi_http_requests_total{method=\"other\",route=\"x\\\"y\",status=\"405\"}")
                .ends_with(" 1")
        );
        assert!(line("theodoi_rounds_open ").ends_with(" 3"));
        assert!(line("theodoi_db_pool_idle_connections{backend=\"sqlite\"}").ends_with(" 1"));
    }

    #[test]
    fn no_rounds_figure_when_the_database_is_down() {
        let text = Metrics::default().render(&DbFigures {
            open_rounds: None,
            ..figures()
        });
        assert!(text.contains("theodoi_database_up{backend=\"sqlite\"} 0"));
        assert!(!text.contains("theodoi_rounds_open "));
    }

    #[test]
    fn only_allowed_addresses() {
        let allow = default_allow();
        let ip = |s: &str| {
            s.parse::<std::net::IpAddr>()
                .unwrap_or_else(|e| panic!("{e}"))
        };
        assert!(allowed(&allow, ip("127.0.0.1")));
        assert!(allowed(&allow, ip("::1")));
        assert!(allowed(&allow, ip("::ffff:127.0.0.1")));
        assert!(!allowed(&allow, ip("10.0.0.1")));
        assert!(!allowed(&allow, ip("127.0.0.2")));
        let nets: Vec<TrustedProxy> = vec!["10.1.0.0/16".parse().unwrap_or_else(|e| panic!("{e}"))];
        assert!(allowed(&nets, ip("10.1.200.3")));
        assert!(!allowed(&nets, ip("10.2.0.1")));
    }
}
