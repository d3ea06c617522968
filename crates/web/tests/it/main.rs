//! HTTP tests of the web workspace: the real router on a random port against a fresh database,
//! once on SQLite and, when THEODOI_TEST_DATABASE_URL is set, once on PostgreSQL.

mod agency_merge;
mod api;
mod api_data;
mod authz;
mod cascade;
mod charts;
mod client;
mod drafts;
mod e2e;
mod flows;
mod grid_form;
mod languages;
mod limits;
mod lost_work;
mod metrics;
mod pages;
mod public;
mod rec_links;
mod recommendations;
mod report_page;
mod review;
mod rounds;
mod second_factor;
mod task_groups;

use client::Client;
use libtest_mimic::{Arguments, Failed, Trial};
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use theodoi_store::Db;
use theodoi_store::accounts::NewUser;

pub type Fut = Pin<Box<dyn Future<Output = Result<(), Failed>> + Send>>;
pub type Case = fn(TestApp) -> Fut;

const PG_ENV: &str = "THEODOI_TEST_DATABASE_URL";
/// Every test account's password.
pub const PASSWORD: &str = "mật khẩu thử nghiệm 2026";

fn main() -> std::process::ExitCode {
    let args = Arguments::from_args();
    let pg = std::env::var(PG_ENV).ok().filter(|s| !s.is_empty());
    if pg.is_none() {
        eprintln!(
            "note: the PostgreSQL web suite was skipped ({PG_ENV} is not set). Run it with:\n      \
             {PG_ENV}=postgres://postgres@127.0.0.1:5432/test cargo test -p theodoi-web"
        );
    }
    let cases = pages::CASES
        .iter()
        .chain(authz::CASES)
        .chain(flows::CASES)
        .chain(rounds::CASES)
        .chain(report_page::CASES)
        .chain(agency_merge::CASES)
        .chain(second_factor::CASES)
        .chain(limits::CASES)
        .chain(task_groups::CASES)
        .chain(public::CASES)
        .chain(cascade::CASES)
        .chain(drafts::CASES)
        .chain(review::CASES)
        .chain(lost_work::CASES)
        .chain(grid_form::CASES)
        .chain(charts::CASES)
        .chain(recommendations::CASES)
        .chain(languages::CASES)
        .chain(rec_links::CASES)
        .chain(metrics::CASES)
        .chain(api::CASES)
        .chain(api_data::CASES);
    let mut trials = Vec::new();
    for (name, case) in cases {
        let case = *case;
        trials.push(Trial::test(format!("sqlite::{name}"), move || {
            run(None, case)
        }));
        let url = pg.clone();
        trials.push(
            Trial::test(format!("postgres::{name}"), move || {
                run(url.clone().or(Some(String::new())), case)
            })
            .with_ignored_flag(pg.is_none()),
        );
    }
    // The browser test runs where Debian's chromium and chromium-driver are installed; CI installs
    // them and sets THEODOI_E2E=1, which makes a missing browser a failure rather than a skip.
    let required = std::env::var("THEODOI_E2E").is_ok_and(|v| v == "1");
    let have_browser = std::path::Path::new(e2e::CHROMEDRIVER).exists()
        && std::path::Path::new(e2e::CHROMIUM).exists();
    if !have_browser && !required {
        eprintln!(
            "note: the browser test was skipped ({} or {} missing). Install them with
      \
             apt-get install chromium chromium-driver",
            e2e::CHROMIUM,
            e2e::CHROMEDRIVER
        );
    }
    // Each browser flow is one long async function; unoptimised, its frames outgrow a test
    // thread's default stack.
    let flows: [(&str, Case); 5] = [
        ("e2e::chromium_sign_in_import_matrix_home", |app| {
            Box::pin(async move { e2e::browser_flow(&app).await })
        }),
        ("e2e::chromium_round_workflow_notifications", |app| {
            Box::pin(async move { e2e::workflow_flow(&app).await })
        }),
        ("e2e::chromium_english_browser_dates_day_first", |app| {
            Box::pin(async move { e2e::english_browser_flow(&app).await })
        }),
        ("e2e::chromium_draft_edit_approve_download", |app| {
            Box::pin(async move { e2e::draft_flow(&app).await })
        }),
        ("e2e::chromium_recommendations_link_and_cover", |app| {
            Box::pin(async move { e2e::recommendations_flow(&app).await })
        }),
    ];
    for (name, flow) in flows {
        trials.push(
            Trial::test(name, move || {
                std::thread::Builder::new()
                    .stack_size(16 * 1024 * 1024)
                    .spawn(move || run(None, flow))
                    .map_err(|e| Failed::from(format!("thread: {e}")))?
                    .join()
                    .map_err(|_| Failed::from("the browser test panicked"))?
            })
            .with_ignored_flag(!have_browser && !required),
        );
    }
    // Reminders by e-mail go through Python's aiosmtpd; CI installs it and sets THEODOI_SMTP_TEST=1.
    let smtp_required = std::env::var("THEODOI_SMTP_TEST").is_ok_and(|v| v == "1");
    let have_smtp = rounds::have_aiosmtpd();
    if !have_smtp && !smtp_required {
        eprintln!(
            "note: the SMTP test was skipped (aiosmtpd missing). Install it with\n      pip install aiosmtpd"
        );
    }
    for pg_run in [false, true] {
        let url = pg.clone();
        let name = if pg_run { "postgres" } else { "sqlite" };
        trials.push(
            Trial::test(format!("{name}::reminders_in_app_and_by_smtp"), move || {
                run(if pg_run { url.clone() } else { None }, |app| {
                    Box::pin(async move { rounds::reminders_flow(&app).await })
                })
            })
            .with_ignored_flag((!have_smtp && !smtp_required) || (pg_run && pg.is_none())),
        );
    }
    libtest_mimic::run(&args, trials).exit_code()
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

/// A running server with the seed plan and one account per role.
pub struct TestApp {
    pub addr: SocketAddr,
    pub db: Db,
    /// Agency ids: Sở Tư pháp (the focal point's and head's) and Công an thành phố (another agency).
    pub justice: i64,
    pub police: i64,
    pub plan_id: i64,
}

impl TestApp {
    pub fn client(&self) -> Client {
        Client::new(self.addr)
    }

    /// A client signed in as `username`.
    pub async fn signed_in(&self, username: &str) -> Client {
        let mut c = self.client();
        let r = c.login(username, PASSWORD).await;
        assert_eq!(r.status, 303, "sign-in of {username} failed: {}", r.body);
        c
    }

    /// Take a body's saved report (at `version`) through workflow steps, each by its actor.
    pub async fn walk_report(
        &self,
        round: i64,
        agency: i64,
        version: i32,
        steps: &[(
            theodoi_domain::report::Action,
            theodoi_domain::report::Actor,
        )],
    ) -> Result<(), Failed> {
        let now = time::OffsetDateTime::now_utc();
        for (v, (action, actor)) in (version..).zip(steps) {
            self.db
                .act_on_report(
                    round,
                    agency,
                    &theodoi_store::rounds::ReportAction {
                        action: *action,
                        actor: *actor,
                        expected_version: v,
                        comment: "",
                        user_id: None,
                        email: false,
                    },
                    now,
                )
                .await?;
        }
        Ok(())
    }

    pub async fn task_id(&self, reference: &str) -> i64 {
        let v = self
            .db
            .load_plan(self.plan_id)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        v.tasks
            .iter()
            .find(|t| t.reference == reference)
            .map_or(0, |t| t.id)
    }
}

async fn seed(db: &Db) -> Result<(i64, i64, i64), Failed> {
    let parsed = vec![
        theodoi_plandoc::parse(include_str!("../../../../seeds/000_b6a757b918caf98d.txt"))?,
        theodoi_plandoc::parse(include_str!("../../../../seeds/001_5440965c404ba4b8.txt"))?,
    ];
    let p = theodoi_plandoc::combine(parsed).pop().ok_or("no plan")?;
    let o = db
        .import_plan(
            &p.plan,
            theodoi_store::ImportParts {
                body: true,
                appendix: true,
            },
        )
        .await?;
    db.ensure_reporting_defaults(time::OffsetDateTime::now_utc())
        .await?;
    let agencies = db.list_agencies().await?;
    let id = |code: &str| {
        agencies
            .iter()
            .find(|a| a.code == code)
            .map(|a| a.id)
            .ok_or(format!("no {code}"))
    };
    let (justice, police) = (id("so-tu-phap")?, id("cong-an-thanh-pho")?);
    let hash = theodoi_web::auth::hash_password(PASSWORD)?;
    let users: [(&str, &str, Option<i64>); 8] = [
        ("admin", "admin", None),
        ("coord", "coordinator", None),
        ("focal", "focal_point", Some(justice)),
        ("head", "agency_head", Some(justice)),
        ("police", "focal_point", Some(police)),
        ("inspector", "inspector", None),
        ("leader", "leader", None),
        ("coord2", "coordinator", None),
    ];
    for (username, role, agency_id) in users {
        db.create_user(&NewUser {
            username,
            display_name: &format!("Người dùng {username}"),
            password_hash: &hash,
            role,
            agency_id,
            must_change_password: false,
            email: None,
        })
        .await?;
    }
    Ok((o.plan_id, justice, police))
}

fn run(pg: Option<String>, case: Case) -> Result<(), Failed> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failed::from(format!("runtime: {e}")))?
        .block_on(async move {
            let dir = tempfile::tempdir()?;
            let (db, schema) = match &pg {
                None => (
                    Db::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await?,
                    None,
                ),
                Some(url) => {
                    let schema = unique("w");
                    let db = Db::connect_postgres_schema(url, &schema)
                        .await
                        .map_err(|e| {
                            Failed::from(format!("PostgreSQL at {PG_ENV} unreachable: {e}"))
                        })?;
                    (db, Some((url.clone(), schema)))
                }
            };
            db.migrate().await?;
            let (plan_id, justice, police) = seed(&db).await?;
            let config = theodoi_web::Config {
                max_upload_bytes: 64 * 1024,
                ..theodoi_web::Config::default()
            };
            let state = theodoi_web::AppState::new(db.clone(), config);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let addr = listener.local_addr()?;
            let app =
                theodoi_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
            let server = tokio::spawn(async move { axum::serve(listener, app).await });
            let result = case(TestApp {
                addr,
                db: db.clone(),
                justice,
                police,
                plan_id,
            })
            .await;
            server.abort();
            db.close().await;
            if let Some((url, schema)) = schema {
                Db::drop_postgres_schema(&url, &schema).await?;
            }
            result
        })
}
