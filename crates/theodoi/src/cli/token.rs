//! `theodoi token create`: a personal API token for an account, printed once (for scripts and CI;
//! people make theirs on the account page).

use std::process::ExitCode;
use theodoi_store::Db;
use theodoi_store::accounts::AuditEntry;

pub async fn create(
    db: &Db,
    username: &str,
    scope: &str,
    days: i64,
    name: &str,
) -> anyhow::Result<ExitCode> {
    let Some(user) = db.user_by_username(username).await? else {
        anyhow::bail!("no account is named \"{username}\" (see the accounts under /admin/users)");
    };
    if user.disabled {
        anyhow::bail!("the account \"{username}\" is disabled; its token would not open the API");
    }
    let now = time::OffsetDateTime::now_utc();
    let (id, token) = theodoi_web::api::tokens::create(db, user.id, name, scope, days, now)
        .await
        .map_err(|e| match e {
            theodoi_web::error::AppError::BadRequest(m) => anyhow::anyhow!("{} ({})", m.vi, m.en),
            e => anyhow::anyhow!("{e}"),
        })?;
    let target = format!("api_token:{id}");
    let detail = format!("scope {scope}, {days} days, from the command line");
    db.audit(
        &AuditEntry {
            user_id: Some(user.id),
            username: Some(&user.username),
            action: "api_token_created",
            target: Some(&target),
            detail: Some(&detail),
            ip: None,
        },
        now,
    )
    .await?;
    outln!("{token}");
    Ok(ExitCode::SUCCESS)
}
