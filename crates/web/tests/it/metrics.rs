//! Issue 17, item 5: `/metrics` in the Prometheus text format, only to the configured addresses
//! (read through `--trusted-proxy` as the sign-in limit reads them), and `/readyz`.

use crate::client::{Client, Resp};
use crate::{Case, Fut, TestApp};
use libtest_mimic::Failed;
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use theodoi_web::auth::TrustedProxy;
use time::Date;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

pub const CASES: &[(&str, Case)] = &[
    (
        "metrics_count_by_route_template_and_status",
        metrics_count_by_route_template_and_status,
    ),
    (
        "metrics_only_to_allowed_addresses",
        metrics_only_to_allowed_addresses,
    ),
    (
        "metrics_count_reminders_sent_and_failed",
        metrics_count_reminders_sent_and_failed,
    ),
];

/// One sample line: its name, labels and value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

fn valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// `k="v",k2="v2"` with the format's escapes.
fn parse_labels(s: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    let mut rest = s;
    while !rest.is_empty() {
        let (key, after) = rest
            .split_once("=\"")
            .ok_or_else(|| format!("no =\" in {rest:?}"))?;
        if !valid_name(key) {
            return Err(format!("bad label name {key:?}"));
        }
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next() {
                None => return Err(format!("unterminated label value in {s:?}")),
                Some((i, '"')) => break i,
                Some((_, '\\')) => match chars.next() {
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, '"')) => value.push('"'),
                    Some((_, 'n')) => value.push('\n'),
                    other => return Err(format!("bad escape {other:?} in {s:?}")),
                },
                Some((_, c)) => value.push(c),
            }
        };
        if out.insert(key.to_string(), value).is_some() {
            return Err(format!("label {key} twice in {s:?}"));
        }
        rest = &after[end + 1..];
        rest = rest.strip_prefix(',').unwrap_or(rest);
    }
    Ok(out)
}

/// Parse an exposition strictly: every line a `# HELP`, a `# TYPE` or a sample
/// `name{labels} value`, and every sample of a family whose HELP and TYPE came before it.
fn parse(text: &str) -> Result<Vec<Sample>, String> {
    let mut help: HashMap<String, String> = HashMap::new();
    let mut kind: HashMap<String, String> = HashMap::new();
    let mut samples = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, text) = rest.split_once(' ').ok_or(format!("bad HELP: {line}"))?;
            help.insert(name.to_string(), text.to_string());
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, k) = rest.split_once(' ').ok_or(format!("bad TYPE: {line}"))?;
            if !["counter", "gauge", "histogram", "summary", "untyped"].contains(&k) {
                return Err(format!("unknown type: {line}"));
            }
            kind.insert(name.to_string(), k.to_string());
            continue;
        }
        let (series, value) = line.rsplit_once(' ').ok_or(format!("no value: {line:?}"))?;
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v.parse().map_err(|_| format!("bad value: {line:?}"))?,
        };
        let (name, labels) = match series.split_once('{') {
            Some((n, l)) => (
                n,
                parse_labels(l.strip_suffix('}').ok_or(format!("no }}: {line:?}"))?)?,
            ),
            None => (series, BTreeMap::new()),
        };
        if !valid_name(name) {
            return Err(format!("bad metric name: {line:?}"));
        }
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| {
                name.strip_suffix(s)
                    .filter(|f| kind.get(*f).is_some_and(|k| k == "histogram"))
            })
            .unwrap_or(name);
        if !kind.contains_key(family) || !help.contains_key(family) {
            return Err(format!("no HELP/TYPE before {line:?}"));
        }
        samples.push(Sample {
            name: name.to_string(),
            labels,
            value,
        });
    }
    Ok(samples)
}

/// The value of the one sample with this name and (at least) these labels.
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let found: Vec<&Sample> = samples
        .iter()
        .filter(|s| {
            s.name == name
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).is_some_and(|x| x == v))
        })
        .collect();
    match found.as_slice() {
        [one] => Some(one.value),
        _ => None,
    }
}

fn today() -> Date {
    time::OffsetDateTime::now_utc()
        .to_offset(theodoi_domain::report::VIETNAM)
        .date()
}

async fn open_round(app: &TestApp, title: &str, deadline: Date) -> Result<i64, Failed> {
    Ok(app
        .db
        .open_round(
            &theodoi_store::rounds::NewRound::ad_hoc(
                app.plan_id,
                title,
                theodoi_domain::DateRange {
                    start: deadline - time::Duration::days(60),
                    end: deadline - time::Duration::days(1),
                },
                deadline,
            ),
            time::OffsetDateTime::now_utc(),
        )
        .await?
        .id)
}

/// A server of its own over the test's database, with `state`.
async fn serve(state: theodoi_web::AppState) -> Result<SocketAddr, Failed> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = theodoi_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    // Ends with the test's runtime.
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(addr)
}

async fn scrape(c: &mut Client) -> Result<(Resp, Vec<Sample>), Failed> {
    let r = c.get("/metrics").await;
    if r.status != 200 {
        return Err(format!("/metrics: {} {}", r.status, r.body).into());
    }
    let samples = parse(&r.body).map_err(|e| format!("{e}\n{}", r.body))?;
    Ok((r, samples))
}

fn metrics_count_by_route_template_and_status(app: TestApp) -> Fut {
    Box::pin(async move {
        // The parser below is strict enough to catch a malformed exposition.
        assert!(parse("# HELP a x\n# TYPE a counter\na{b=\"c\\\"d\"} 1\n").is_ok());
        assert!(parse("a 1\n").is_err(), "no TYPE");
        assert!(parse("# HELP a x\n# TYPE a counter\na{b=c} 1\n").is_err());
        assert!(parse("# HELP a x\n# TYPE a counter\na{b=\"c\"}\n").is_err());
        assert!(parse("# HELP a x\n# TYPE a counter\na 1 2\n").is_err());
        let open = open_round(&app, "Đợt còn hạn", today() + time::Duration::days(30)).await?;
        open_round(&app, "Đợt đã hết hạn", today() - time::Duration::days(30)).await?;
        let mut coord = app.signed_in("coord").await;
        assert_eq!(coord.get(&format!("/rounds/{open}")).await.status, 200);
        assert_eq!(coord.get(&format!("/rounds/{open}")).await.status, 200);
        let missing = coord.get("/rounds/987654").await;
        assert_eq!(missing.status, 404);
        let r = coord.get("/khong/co/trang?ma=bi-mat-987").await;
        assert_eq!(r.status, 404);
        // Each answer names its request for the log.
        let id = r.header("x-request-id").unwrap_or_default().to_string();
        assert_eq!(id.len(), 16, "{:?}", r.headers);
        assert_ne!(Some(id.as_str()), missing.header("x-request-id"));
        let mut anon = app.client();
        let ready = anon.get("/readyz").await;
        assert_eq!((ready.status, ready.body.as_str()), (200, "ok"));
        assert_eq!(anon.get("/healthz").await.status, 200);

        let (r, samples) = scrape(&mut anon).await?;
        assert!(
            r.header("content-type")
                .is_some_and(|t| t.starts_with("text/plain; version=0.0.4")),
            "{:?}",
            r.headers
        );
        let requests = |route: &str, status: &str| {
            value(
                &samples,
                "theodoi_http_requests_total",
                &[("method", "GET"), ("route", route), ("status", status)],
            )
        };
        assert_eq!(requests("/rounds/{id}", "200"), Some(2.0), "{}", r.body);
        assert_eq!(requests("/rounds/{id}", "404"), Some(1.0), "{}", r.body);
        assert_eq!(requests("unmatched", "404"), Some(1.0), "{}", r.body);
        assert_eq!(requests("/readyz", "200"), Some(1.0), "{}", r.body);
        assert_eq!(requests("/login", "200"), Some(1.0), "{}", r.body);
        assert_eq!(
            value(
                &samples,
                "theodoi_http_requests_total",
                &[("method", "POST"), ("route", "/login"), ("status", "303")]
            ),
            Some(1.0),
            "{}",
            r.body
        );
        // Ids, unknown paths and query strings never become labels.
        for secret in ["987654", "khong", "bi-mat"] {
            assert!(!r.body.contains(secret), "{secret} in {}", r.body);
        }
        // A histogram per route: cumulative buckets from 5 ms to 10 s, then +Inf = count.
        let bucket = |le: &str| {
            value(
                &samples,
                "theodoi_http_request_duration_seconds_bucket",
                &[("method", "GET"), ("route", "/rounds/{id}"), ("le", le)],
            )
        };
        let bounds = [
            "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf",
        ];
        let counts: Vec<f64> = bounds.iter().map(|b| bucket(b).unwrap_or(-1.0)).collect();
        assert!(
            counts.windows(2).all(|w| w[0] >= 0.0 && w[0] <= w[1]),
            "{counts:?}\n{}",
            r.body
        );
        assert_eq!(counts.last(), Some(&3.0));
        assert_eq!(
            value(
                &samples,
                "theodoi_http_request_duration_seconds_count",
                &[("method", "GET"), ("route", "/rounds/{id}")]
            ),
            Some(3.0)
        );
        assert!(
            value(
                &samples,
                "theodoi_http_request_duration_seconds_sum",
                &[("method", "GET"), ("route", "/rounds/{id}")]
            )
            .is_some_and(|s| s > 0.0)
        );
        // The store's figures: one round before its deadline, the pool, the version.
        assert_eq!(value(&samples, "theodoi_rounds_open", &[]), Some(1.0));
        let backend = match app.db.backend() {
            theodoi_store::Backend::Sqlite => "sqlite",
            theodoi_store::Backend::Postgres => "postgres",
        };
        assert_eq!(
            value(&samples, "theodoi_database_up", &[("backend", backend)]),
            Some(1.0)
        );
        assert!(
            value(
                &samples,
                "theodoi_db_pool_connections",
                &[("backend", backend)]
            )
            .is_some_and(|n| n >= 1.0),
            "{}",
            r.body
        );
        assert!(
            value(
                &samples,
                "theodoi_db_pool_idle_connections",
                &[("backend", backend)]
            )
            .is_some()
        );
        assert_eq!(
            value(
                &samples,
                "theodoi_build_info",
                &[("version", env!("CARGO_PKG_VERSION"))]
            ),
            Some(1.0)
        );
        assert!(value(&samples, "process_start_time_seconds", &[]).is_some_and(|t| t > 1.7e9));
        Ok(())
    })
}

fn nets(list: &[&str]) -> Result<Vec<TrustedProxy>, Failed> {
    list.iter()
        .map(|s| s.parse().map_err(|e: String| Failed::from(e)))
        .collect()
}

fn metrics_only_to_allowed_addresses(app: TestApp) -> Fut {
    Box::pin(async move {
        // The test app's own server: this machine is allowed by default.
        scrape(&mut app.client()).await?;
        let server = |allow: Vec<TrustedProxy>, proxies: Vec<TrustedProxy>| {
            theodoi_web::AppState::new(
                app.db.clone(),
                theodoi_web::Config {
                    metrics_allow: allow,
                    trusted_proxies: proxies,
                    ..theodoi_web::Config::default()
                },
            )
        };
        // Only a monitoring host allowed, no proxy: this machine is refused with the site's 404,
        // and a forwarded address is not believed.
        let addr = serve(server(nets(&["10.9.9.9"])?, Vec::new())).await?;
        let mut c = Client::new(addr);
        let r = c.get("/metrics").await;
        assert_eq!(r.status, 404);
        assert!(r.body.contains("Không tìm thấy trang này"), "{}", r.body);
        assert!(!r.body.contains("theodoi_"), "{}", r.body);
        let mut c = Client::new(addr);
        c.header("X-Forwarded-For", "10.9.9.9");
        assert_eq!(c.get("/metrics").await.status, 404);
        // The readiness probe is for anyone.
        assert_eq!(c.get("/readyz").await.status, 200);
        // Behind a trusted proxy: the forwarded client decides.
        let addr = serve(server(nets(&["10.9.9.0/24"])?, nets(&["127.0.0.1"])?)).await?;
        let mut c = Client::new(addr);
        c.header("X-Forwarded-For", "10.9.9.9");
        scrape(&mut c).await?;
        let mut c = Client::new(addr);
        c.header("X-Forwarded-For", "10.9.9.9, 10.8.0.1");
        assert_eq!(
            c.get("/metrics").await.status,
            404,
            "the nearest hop counts"
        );
        let mut c = Client::new(addr);
        c.header("X-Forwarded-For", "203.0.113.7");
        assert_eq!(c.get("/metrics").await.status, 404);
        // The proxy itself is not an allowed client.
        assert_eq!(Client::new(addr).get("/metrics").await.status, 404);
        Ok(())
    })
}

/// A mail server that takes every message (enough SMTP for lettre without TLS).
async fn accepting_smtp() -> Result<u16, Failed> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 test ESMTP\r\n").await;
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    let reply: &[u8] = if in_data {
                        if line != "." {
                            continue;
                        }
                        in_data = false;
                        b"250 queued\r\n"
                    } else {
                        match line.get(..4).map(str::to_ascii_uppercase).as_deref() {
                            Some("EHLO") | Some("HELO") => b"250 test\r\n",
                            Some("DATA") => {
                                in_data = true;
                                b"354 go on\r\n"
                            }
                            Some("QUIT") => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                break;
                            }
                            _ => b"250 ok\r\n",
                        }
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    Ok(port)
}

fn metrics_count_reminders_sent_and_failed(app: TestApp) -> Fut {
    Box::pin(async move {
        let focal = app
            .db
            .list_users()
            .await?
            .into_iter()
            .find(|u| u.username == "focal")
            .map(|u| u.id)
            .ok_or("no focal")?;
        app.db
            .set_email(focal, Some("dau.moi@stp.example.vn"))
            .await?;
        let deadline = today() + time::Duration::days(30);
        open_round(&app, "Đợt nhắc hạn", deadline).await?;
        let at = |d: Date| {
            d.with_hms(2, 0, 0)
                .map(|t| t.assume_utc())
                .map_err(|e| Failed::from(e.to_string()))
        };
        let state = |smtp: String| {
            theodoi_web::AppState::new(
                app.db.clone(),
                theodoi_web::Config {
                    smtp_url: Some(smtp),
                    ..theodoi_web::Config::default()
                },
            )
        };
        // Seven days before, with the mail server down: stored in the app, the e-mail fails.
        let refused = {
            let l = std::net::TcpListener::bind("127.0.0.1:0")?;
            l.local_addr()?.port()
        };
        let first = state(format!("smtp://127.0.0.1:{refused}"));
        let r = theodoi_web::reminders::run_once(&first, at(deadline - time::Duration::days(7))?)
            .await
            .map_err(|e| Failed::from(e.to_string()))?;
        assert!(r.created >= 2 && r.failed >= 1 && r.emailed == 0, "{r:?}");
        // The day before, with the mail server up: the new reminder is sent. Same counters.
        let port = accepting_smtp().await?;
        let mut second = state(format!("smtp://127.0.0.1:{port}"));
        second.metrics = first.metrics.clone();
        let r2 = theodoi_web::reminders::run_once(&second, at(deadline - time::Duration::days(1))?)
            .await
            .map_err(|e| Failed::from(e.to_string()))?;
        assert!(r2.emailed >= 1, "{r2:?}");
        let addr = serve(second).await?;
        let (resp, samples) = scrape(&mut Client::new(addr)).await?;
        let get = |name: &str, labels: &[(&str, &str)]| value(&samples, name, labels);
        assert_eq!(
            get("theodoi_reminders_created_total", &[]),
            Some((r.created + r2.created) as f64),
            "{}",
            resp.body
        );
        assert_eq!(
            get("theodoi_reminder_emails_total", &[("outcome", "failed")]),
            Some((r.failed + r2.failed) as f64)
        );
        assert_eq!(
            get("theodoi_reminder_emails_total", &[("outcome", "sent")]),
            Some(r2.emailed as f64)
        );
        assert_eq!(
            get("theodoi_reminder_runs_total", &[("outcome", "ok")]),
            Some(2.0)
        );
        assert_eq!(
            get("theodoi_reminder_runs_total", &[("outcome", "failed")]),
            Some(0.0)
        );
        Ok(())
    })
}
