//! `theodoi serve`: first-start bootstrap, then the web server until a shutdown signal.

use super::ServeArgs;
use anyhow::Context as _;
use std::process::ExitCode;
use theodoi_store::Db;
use theodoi_store::accounts::NewUser;

pub async fn run(db: Db, url: &str, args: ServeArgs) -> anyhow::Result<ExitCode> {
    if args
        .smtp_url
        .as_deref()
        .is_some_and(|u| !u.trim().is_empty())
        && theodoi_web::reminders::loopback_public_url(&args.public_url)
    {
        anyhow::bail!(
            "--smtp-url cần --public-url là địa chỉ mọi người mở được (ví dụ https://theodoi.sotuphap.gov.vn): \
             liên kết trong thư sẽ trỏ tới {}, chỉ máy này mở được / --smtp-url needs a --public-url others can open",
            args.public_url
        );
    }
    bootstrap(&db).await?;
    let config = theodoi_web::Config {
        secure_cookies: args.secure_cookies,
        max_upload_bytes: args.max_upload_mb.max(1) * 1024 * 1024,
        session_hours: args.session_hours.clamp(1, 24 * 30),
        smtp_url: args.smtp_url.filter(|u| !u.trim().is_empty()),
        mail_from: args.mail_from,
        public_url: args.public_url,
        reminder_interval_secs: args.reminder_interval,
        report_signer: args.report_signer,
        trusted_proxies: args.trusted_proxy,
        metrics_allow: if args.metrics_allow.is_empty() {
            theodoi_web::metrics::default_allow()
        } else {
            args.metrics_allow
        },
    };
    if let Some(url) = &config.smtp_url {
        // Validate now rather than at the first reminder; the URL may hold a password, so it is
        // not printed.
        lettre_check(url)?;
    }
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let addr = listener.local_addr()?;
    outln!(
        "theodoi is serving on http://{addr}/ (database {})",
        super::redact(url)
    );
    tracing::info!(listen = %addr, "server started");
    theodoi_web::serve(listener, theodoi_web::AppState::new(db, config)).await?;
    Ok(ExitCode::SUCCESS)
}

/// On first start against an empty database: load the seed plan and create the administrator.
async fn bootstrap(db: &Db) -> anyhow::Result<()> {
    // Every start: regimes and starter indicators exist (added only when there are none).
    db.ensure_reporting_defaults(time::OffsetDateTime::now_utc())
        .await
        .context("creating the default reporting regimes and indicators")?;
    if db.count_users().await? > 0 {
        return Ok(());
    }
    if db.list_plans().await?.is_empty() {
        let parsed = crate::seed::SEED_FILES
            .iter()
            .map(|(name, text)| {
                theodoi_plandoc::parse(text).map_err(|e| anyhow::anyhow!("seed {name}: {e}"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        // The seed's text is kept with its first version, so a correction is made beside it.
        let sources = theodoi_demo::seed_sources();
        let publication = theodoi_store::Publication {
            by: None,
            sources: &sources,
            links: None,
        };
        for p in theodoi_plandoc::combine(parsed) {
            let parts = theodoi_store::ImportParts {
                body: p.part != theodoi_plandoc::Part::Appendix,
                appendix: p.part != theodoi_plandoc::Part::Body,
            };
            let o = db
                .publish_plan(&p.plan, parts, &publication)
                .await
                .context("loading the seed plan")?;
            outln!(
                "loaded the seed plan (id {}): {} tasks, {} assignments",
                o.plan_id,
                o.tasks,
                o.assignments
            );
        }
    }
    let (password, generated) = match std::env::var("THEODOI_ADMIN_PASSWORD") {
        // The same policy as a password set in the browser: not blank, 12 to 256 characters,
        // not among the commonest.
        Ok(p) => match theodoi_app::password::check_password(&p, "admin") {
            Ok(()) => (p, false),
            Err(problem) => anyhow::bail!("THEODOI_ADMIN_PASSWORD: {}", problem.message()),
        },
        Err(_) => (theodoi_app::password::one_time_password()?, true),
    };
    let hash = theodoi_app::password::hash_password(&password)?;
    db.create_user(&NewUser {
        username: "admin",
        display_name: "Quản trị hệ thống",
        password_hash: &hash,
        role: "admin",
        agency_id: None,
        must_change_password: generated,
        email: None,
    })
    .await?;
    if generated {
        // Printed once, to the operator's terminal; never logged.
        outln!(
            "created the administrator: username admin, one-time password {password} (change it at first sign-in)"
        );
    } else {
        outln!("created the administrator: username admin, password from THEODOI_ADMIN_PASSWORD");
    }
    Ok(())
}

fn lettre_check(url: &str) -> anyhow::Result<()> {
    theodoi_web::reminders::check_smtp_url(url)
        .map_err(|e| anyhow::anyhow!("--smtp-url is not a usable SMTP URL: {e}"))
}
