//! Crash test (issue 17 item 7): `theodoi serve` is killed with SIGKILL while focal points save
//! their reports, 20 times per backend, and restarted on the same database each time. After every
//! restart each acknowledged save must be in the database (the last one of each client, or the one
//! it had in flight, never an older one), a save must be whole (its version, the report's text and
//! the task's text move together), its audit entry must be there, the audit log's hash chain must
//! verify and the database must pass its own integrity check (SQLite `integrity_check` and
//! `foreign_key_check`; PostgreSQL `amcheck` on every B-tree index).
//!
//! `sqlite::crash_…` runs in `cargo test`; `postgres::crash_…` runs when THEODOI_TEST_DATABASE_URL
//! is set (`.ci/run`'s PostgreSQL step), in a database of its own made and dropped beside the one
//! the URL names, and fails when that server cannot be reached. See docs/operations/crash-test.md.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use theodoi_store::Db;

const PASSWORD: &str = "theodoi-demo-2026";
const ITERATIONS: usize = 20;
const CLIENTS: usize = 4;

mod sqlite {
    #[test]
    fn crash_during_submissions_loses_no_acknowledged_save() {
        let dir = super::tmp();
        let url = format!("sqlite://{}", dir.path().join("crash.db").display());
        super::crash_test(dir.path(), &url);
    }
}

mod postgres {
    #[test]
    fn crash_during_submissions_loses_no_acknowledged_save() {
        let Some(base) = std::env::var("THEODOI_TEST_DATABASE_URL")
            .ok()
            .filter(|s| !s.is_empty())
        else {
            eprintln!("skipped: THEODOI_TEST_DATABASE_URL is not set");
            return;
        };
        let dir = super::tmp();
        let name = format!("theodoi_crash_{}", std::process::id());
        let url = super::block_on(super::create_pg_database(&base, &name));
        // Dropped whatever the outcome; the panic (if any) is raised after.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            super::crash_test(dir.path(), &url)
        }));
        super::block_on(super::drop_pg_database(&base, &name));
        if let Err(e) = outcome {
            std::panic::resume_unwind(e);
        }
    }
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

thread_local! {
    // One runtime for the whole test: the database pool's connections belong to the runtime
    // that opened them, and a runtime shut down between two calls leaves them unusable.
    static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    RUNTIME.with(|rt| rt.block_on(f))
}

/// The URL of database `name` on the server `base` names (its path replaced).
fn pg_url(base: &str, name: &str) -> String {
    let no_query = base.split('?').next().unwrap_or(base);
    let server = no_query
        .strip_prefix("postgres://")
        .or_else(|| no_query.strip_prefix("postgresql://"))
        .map_or(no_query, |rest| match rest.find('/') {
            Some(i) => &no_query[..no_query.len() - rest.len() + i],
            None => no_query,
        });
    format!("{server}/{name}")
}

async fn pg_admin(base: &str) -> sqlx::PgPool {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .connect(base)
        .await
        .unwrap_or_else(|e| panic!("THEODOI_TEST_DATABASE_URL is set but unreachable: {e}"))
}

async fn create_pg_database(base: &str, name: &str) -> String {
    let admin = pg_admin(base).await;
    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    sqlx::query(sqlx::AssertSqlSafe(drop))
        .execute(&admin)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .unwrap_or_else(|e| panic!("cannot create database {name}: {e}"));
    admin.close().await;
    pg_url(base, name)
}

async fn drop_pg_database(base: &str, name: &str) {
    let admin = pg_admin(base).await;
    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    if let Err(e) = sqlx::query(sqlx::AssertSqlSafe(drop)).execute(&admin).await {
        eprintln!("could not drop database {name}: {e}");
    }
    admin.close().await;
}

// ---------------------------------------------------------------------------------------------
// The server and a minimal HTTP/1.1 client (one connection per request, `Connection: close`).

struct Server {
    child: Child,
    addr: String,
}

fn start(dir: &Path, url: &str, n: usize) -> Server {
    let log =
        std::fs::File::create(dir.join(format!("serve-{n}.log"))).unwrap_or_else(|e| panic!("{e}"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_theodoi"))
        .current_dir(dir)
        .env_remove("THEODOI_DATABASE_URL")
        .env_remove("THEODOI_LOG_FORMAT")
        .env("THEODOI_LOG", "warn")
        .args([
            "--database",
            url,
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--reminder-interval",
            "0",
        ])
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start theodoi serve: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let Some(Ok(line)) = lines.next() else {
            let err = std::fs::read_to_string(dir.join(format!("serve-{n}.log")));
            panic!("serve ended early: {}", err.unwrap_or_default());
        };
        if let Some(rest) = line.strip_prefix("theodoi is serving on http://") {
            break rest.split('/').next().unwrap_or_default().to_string();
        }
    };
    // The rest of its output is read so it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let ready = request(&addr, "GET", "/readyz", "", None, false);
    assert!(
        ready.as_ref().is_ok_and(|r| r.status == 200),
        "/readyz after start: {:?}",
        ready.map(|r| (r.status, r.body))
    );
    Server { child, addr }
}

/// A failed assertion must not leave a server running behind the test.
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of cookie `name` the response sets.
    fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .find_map(|(_, v)| {
                let pair = v.split(';').next()?;
                let (k, v) = pair.split_once('=')?;
                (k.trim() == name).then(|| v.to_string())
            })
    }
}

fn request(
    addr: &str,
    method: &str,
    path: &str,
    cookie: &str,
    form: Option<&str>,
    autosave: bool,
) -> std::io::Result<Response> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    s.set_write_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if !cookie.is_empty() {
        head.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if autosave {
        head.push_str("X-Theodoi-Autosave: 1\r\n");
    }
    let body = form.unwrap_or_default();
    if form.is_some() {
        head.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    head.push_str(body);
    s.write_all(head.as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| bad("no end of headers"))?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| bad("no status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let response = Response {
        status,
        headers,
        body: body.to_string(),
    };
    // A response cut short by the kill is no answer.
    if let Some(n) = response
        .header("content-length")
        .and_then(|n| n.parse::<usize>().ok())
        && response.body.len() != n
    {
        return Err(bad("response cut short"));
    }
    Ok(response)
}

fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The value of the first `name="NAME" value="…"` hidden field of a page.
fn hidden(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &page[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_string())
}

/// Sign in as `username` through the sign-in form (its nonce cookie and signed token): the
/// session cookie. Sessions live in the database, so one sign-in serves every restart.
fn sign_in(addr: &str, username: &str) -> String {
    let page = request(addr, "GET", "/login", "", None, false).unwrap_or_else(|e| panic!("{e}"));
    let nonce = page
        .cookie("theodoi_csrf")
        .unwrap_or_else(|| panic!("no sign-in nonce: {:?}", page.headers));
    let token = hidden(&page.body, "csrf").unwrap_or_else(|| panic!("no token: {}", page.body));
    let form = format!(
        "username={}&password={}&csrf={}",
        encode(username),
        encode(PASSWORD),
        encode(&token)
    );
    let r = request(
        addr,
        "POST",
        "/login",
        &format!("theodoi_csrf={nonce}"),
        Some(&form),
        false,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status, 303, "sign-in of {username}: {}", r.body);
    let session = r
        .cookie("theodoi_session")
        .unwrap_or_else(|| panic!("no session for {username}"));
    format!("theodoi_session={session}")
}

// ---------------------------------------------------------------------------------------------
// The load.

/// One focal point saving its own report again and again.
#[derive(Clone)]
struct Client {
    username: String,
    agency: i64,
    task: i64,
    cookie: String,
    csrf: String,
}

/// What the database holds of a client's report: its version and the marker last saved.
#[derive(Clone, Debug, PartialEq)]
struct Held {
    version: i32,
    marker: String,
}

#[derive(Default)]
struct Run {
    /// Saves answered with success, in order.
    acknowledged: Vec<Held>,
    /// The save sent when the connection broke: it may or may not have been committed.
    in_flight: Option<Held>,
    /// An answer no save should get, or a connection lost before the kill.
    failure: Option<String>,
}

fn load(
    addr: &str,
    round: i64,
    c: &Client,
    from: i32,
    iteration: usize,
    client: usize,
    killing: &AtomicBool,
) -> Run {
    let mut run = Run::default();
    let mut version = from;
    for n in 1.. {
        if killing.load(Ordering::SeqCst) {
            break;
        }
        let next = Held {
            version: version + 1,
            marker: format!("crash-{iteration}-{client}-{n}"),
        };
        // The page's script autosaves (answered with the new version); the button posts the
        // form (answered 303): both answers acknowledge a save, so both are exercised.
        let autosave = n % 2 == 1;
        let form = format!(
            "csrf={}&version={version}&void_approval=1&difficulties={m}&t{}_results={m}",
            encode(&c.csrf),
            c.task,
            m = encode(&next.marker)
        );
        let path = format!("/rounds/{round}/reports/{}", c.agency);
        match request(addr, "POST", &path, &c.cookie, Some(&form), autosave) {
            Ok(r) => {
                let ok = if autosave {
                    r.status == 200 && r.body.trim() == next.version.to_string()
                } else {
                    r.status == 303
                        && r.header("location")
                            .is_some_and(|l| l == format!("{path}?saved=1"))
                };
                if !ok {
                    run.failure = Some(format!(
                        "{}: save {} answered {} {:?}: {}",
                        c.username,
                        next.marker,
                        r.status,
                        r.header("location"),
                        r.body.chars().take(400).collect::<String>()
                    ));
                    break;
                }
                version = next.version;
                run.acknowledged.push(next);
            }
            Err(e) => {
                if !killing.load(Ordering::SeqCst) {
                    run.failure = Some(format!(
                        "{}: save {} failed before the kill: {e}",
                        c.username, next.marker
                    ));
                }
                run.in_flight = Some(next);
                break;
            }
        }
    }
    run
}

/// A small xorshift generator: the kill delays need no crate, and the seed is printed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

// ---------------------------------------------------------------------------------------------
// What the database holds, and its integrity.

async fn held(db: &Db, round: i64, c: &Client) -> Option<(Held, String)> {
    const SQL: &str = "SELECT r.version, r.difficulties, t.results FROM reports r \
        JOIN report_tasks t ON t.report_id = r.id AND t.task_id = $3 \
        WHERE r.round_id = $1 AND r.agency_id = $2";
    let row: Option<(i32, String, String)> = match db {
        Db::Sqlite(p) => sqlx::query_as(SQL)
            .bind(round)
            .bind(c.agency)
            .bind(c.task)
            .fetch_optional(p)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
        Db::Postgres(p) => sqlx::query_as(SQL)
            .bind(round)
            .bind(c.agency)
            .bind(c.task)
            .fetch_optional(p)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    };
    row.map(|(version, difficulties, results)| {
        (
            Held {
                version,
                marker: difficulties,
            },
            results,
        )
    })
}

/// The versions the audit log says were saved for a report.
async fn audited_versions(db: &Db, round: i64, agency: i64) -> Vec<i32> {
    const SQL: &str = "SELECT detail FROM audit_log WHERE action = 'report_saved' AND target = $1";
    let target = format!("round:{round}/agency:{agency}");
    let details: Vec<Option<String>> = match db {
        Db::Sqlite(p) => sqlx::query_scalar(SQL).bind(target).fetch_all(p).await,
        Db::Postgres(p) => sqlx::query_scalar(SQL).bind(target).fetch_all(p).await,
    }
    .unwrap_or_else(|e| panic!("{e}"));
    details
        .into_iter()
        .flatten()
        .filter_map(|d| d.strip_prefix("version ").and_then(|v| v.parse().ok()))
        .collect()
}

/// The database's own check: nothing to report, or what is wrong.
async fn integrity(db: &Db) -> Result<String, String> {
    match db {
        Db::Sqlite(p) => {
            let check: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_all(p)
                .await
                .map_err(|e| e.to_string())?;
            if check != ["ok"] {
                return Err(format!("integrity_check: {check:?}"));
            }
            let fk = sqlx::query("PRAGMA foreign_key_check")
                .fetch_all(p)
                .await
                .map_err(|e| e.to_string())?;
            if !fk.is_empty() {
                return Err(format!(
                    "foreign_key_check: {} rows violate a key",
                    fk.len()
                ));
            }
            Ok("integrity_check ok, foreign_key_check empty".into())
        }
        Db::Postgres(p) => {
            sqlx::query("CREATE EXTENSION IF NOT EXISTS amcheck")
                .execute(p)
                .await
                .map_err(|e| format!("amcheck: {e}"))?;
            let invalid: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = 'public' AND NOT i.indisvalid",
            )
            .fetch_one(p)
            .await
            .map_err(|e| e.to_string())?;
            if invalid != 0 {
                return Err(format!("{invalid} invalid indexes"));
            }
            // heapallindexed: every table row must be found in each of its indexes.
            let checked: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM (SELECT bt_index_check(c.oid, true) FROM pg_index i \
                 JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE a.amname = 'btree' AND n.nspname = 'public' AND c.relpersistence = 'p') s",
            )
            .fetch_one(p)
            .await
            .map_err(|e| format!("bt_index_check: {e}"))?;
            if checked < 20 {
                return Err(format!("only {checked} B-tree indexes found"));
            }
            Ok(format!("bt_index_check ok on {checked} indexes"))
        }
    }
}

fn audit_verify(dir: &Path, url: &str) -> Result<(), String> {
    let o = Command::new(env!("CARGO_BIN_EXE_theodoi"))
        .current_dir(dir)
        .env_remove("THEODOI_DATABASE_URL")
        .args(["--database", url, "audit", "verify"])
        .output()
        .map_err(|e| e.to_string())?;
    if o.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ))
    }
}

// ---------------------------------------------------------------------------------------------

fn crash_test(dir: &Path, url: &str) {
    let started = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_theodoi"))
        .current_dir(dir)
        .env_remove("THEODOI_DATABASE_URL")
        .args([
            "--database",
            url,
            "demo",
            "generate",
            "--scale",
            "city",
            "--seed",
            "1",
        ])
        .output()
        .unwrap_or_else(|e| panic!("cannot run theodoi: {e}"));
    assert!(
        o.status.success(),
        "demo generate: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let prepared = started.elapsed();

    let db = block_on(Db::connect(url)).unwrap_or_else(|e| panic!("{e}"));
    // The latest round's bodies whose report a focal point may still save (none yet, or a draft),
    // each with the first task it reports on.
    let (round, bodies): (i64, Vec<(i64, i64)>) = block_on(async {
        const ROUND: &str = "SELECT MAX(id) FROM rounds";
        const BODIES: &str = "SELECT o.agency_id, MIN(o.task_id) FROM round_obligations o \
            JOIN users u ON u.agency_id = o.agency_id AND u.role = 'focal_point' \
            LEFT JOIN reports r ON r.round_id = o.round_id AND r.agency_id = o.agency_id \
            WHERE o.round_id = $1 AND (r.id IS NULL OR r.status = 'draft') \
            GROUP BY o.agency_id ORDER BY o.agency_id";
        match &db {
            Db::Sqlite(p) => {
                let round: i64 = sqlx::query_scalar(ROUND).fetch_one(p).await?;
                let b = sqlx::query_as(BODIES).bind(round).fetch_all(p).await?;
                Ok::<_, sqlx::Error>((round, b))
            }
            Db::Postgres(p) => {
                let round: i64 = sqlx::query_scalar(ROUND).fetch_one(p).await?;
                let b = sqlx::query_as(BODIES).bind(round).fetch_all(p).await?;
                Ok((round, b))
            }
        }
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        bodies.len() >= CLIENTS,
        "only {} editable reports",
        bodies.len()
    );

    let mut server = start(dir, url, 0);
    let clients: Vec<Client> = bodies
        .iter()
        .take(CLIENTS)
        .map(|&(agency, task)| {
            let username = format!("focal-{agency}");
            let cookie = sign_in(&server.addr, &username);
            let page = request(
                &server.addr,
                "GET",
                &format!("/rounds/{round}/reports/{agency}"),
                &cookie,
                None,
                false,
            )
            .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(page.status, 200, "{username}'s report form: {}", page.body);
            let csrf = hidden(&page.body, "csrf").unwrap_or_else(|| panic!("no CSRF token"));
            Client {
                username,
                agency,
                task,
                cookie,
                csrf,
            }
        })
        .collect();
    // What each report holds before the load: no report yet is version 0.
    let mut state: Vec<Held> = clients
        .iter()
        .map(|c| {
            block_on(held(&db, round, c)).map_or(
                Held {
                    version: 0,
                    marker: String::new(),
                },
                |(h, _)| h,
            )
        })
        .collect();

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    let mut rng = Rng(seed);
    let (mut acknowledged, mut in_flight_committed, mut in_flight_lost) = (0usize, 0usize, 0usize);
    let mut restart_total = Duration::ZERO;
    let load_started = Instant::now();
    for iteration in 1..=ITERATIONS {
        let killing = Arc::new(AtomicBool::new(false));
        let handles: Vec<_> = clients
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let (addr, c, killing) = (server.addr.clone(), c.clone(), Arc::clone(&killing));
                let from = state[i].version;
                std::thread::spawn(move || load(&addr, round, &c, from, iteration, i, &killing))
            })
            .collect();
        let delay = 50 + rng.next() % 351;
        std::thread::sleep(Duration::from_millis(delay));
        killing.store(true, Ordering::SeqCst);
        // SIGKILL on Unix: no shutdown, no flush, the process is simply gone.
        server.child.kill().unwrap_or_else(|e| panic!("kill: {e}"));
        let _ = server.child.wait();
        let runs: Vec<Run> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| panic!("a client panicked")))
            .collect();
        let restarting = Instant::now();
        server = start(dir, url, iteration);
        restart_total += restarting.elapsed();

        let mut acked_now = 0;
        for (i, (c, run)) in clients.iter().zip(&runs).enumerate() {
            if let Some(f) = &run.failure {
                panic!("iteration {iteration} (seed {seed}): {f}");
            }
            acked_now += run.acknowledged.len();
            let last = run.acknowledged.last().unwrap_or(&state[i]).clone();
            let (now, results) = match block_on(held(&db, round, c)) {
                Some(h) => h,
                // Never saved yet: nothing to hold.
                None if state[i].version == 0 => (state[i].clone(), String::new()),
                None => panic!("iteration {iteration}: {}'s report is gone", c.username),
            };
            // One transaction: the report's text and the task's text were written together.
            assert_eq!(
                now.marker, results,
                "iteration {iteration}: {}'s save is half there",
                c.username
            );
            if now == last {
                in_flight_lost += usize::from(run.in_flight.is_some());
            } else if run.in_flight.as_ref() == Some(&now) {
                in_flight_committed += 1;
            } else {
                panic!(
                    "iteration {iteration} (seed {seed}, killed after {delay} ms): {} \
                     acknowledged {last:?} but the database holds {now:?} \
                     (in flight: {:?})",
                    c.username, run.in_flight
                );
            }
            // An acknowledged save was audited before it was answered.
            let audited = block_on(audited_versions(&db, round, c.agency));
            for a in &run.acknowledged {
                assert!(
                    audited.contains(&a.version),
                    "iteration {iteration}: {}'s acknowledged version {} is not in the audit log",
                    c.username,
                    a.version
                );
            }
            state[i] = now;
        }
        acknowledged += acked_now;
        let checked = block_on(integrity(&db))
            .unwrap_or_else(|e| panic!("iteration {iteration}: integrity: {e}"));
        audit_verify(dir, url)
            .unwrap_or_else(|e| panic!("iteration {iteration}: audit verify: {e}"));
        eprintln!(
            "iteration {iteration}: killed after {delay} ms, {acked_now} saves acknowledged, \
             all present; {checked}; audit chain intact"
        );
    }
    drop(server);
    block_on(db.close());
    eprintln!(
        "crash test ({}): {ITERATIONS} kills, {acknowledged} saves acknowledged and found, \
         {in_flight_committed} saves in flight committed and {in_flight_lost} not (both allowed), \
         seed {seed}; demo {:.1} s, load and checks {:.1} s (restarts {:.1} s), total {:.1} s",
        if url.starts_with("sqlite") {
            "SQLite"
        } else {
            "PostgreSQL"
        },
        prepared.as_secs_f64(),
        load_started.elapsed().as_secs_f64(),
        restart_total.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    // Saves really ran between the kills: a test that never loaded would prove nothing.
    assert!(
        acknowledged >= ITERATIONS,
        "only {acknowledged} saves acknowledged in {ITERATIONS} iterations"
    );
}
