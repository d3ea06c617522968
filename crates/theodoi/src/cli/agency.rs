//! `theodoi agency list`.

use super::table;
use std::process::ExitCode;
use theodoi_domain::AgencyKind;
use theodoi_store::Db;

pub async fn list(db: &Db) -> anyhow::Result<ExitCode> {
    let agencies = db.list_agencies().await?;
    if agencies.is_empty() {
        eprintln!("theodoi: no agencies yet; import a plan first: theodoi plan import --seed");
        return Ok(ExitCode::SUCCESS);
    }
    // Each body's accounts, so a newcomer knows whom to sign in as (and which id a URL takes).
    let users = db.list_users().await?;
    let mut rows = vec![vec![
        "ID".to_string(),
        "Mã (code)".to_string(),
        "Loại (kind)".to_string(),
        "CT".to_string(),
        "PH".to_string(),
        "III".to_string(),
        "Tên (name)".to_string(),
        "Tài khoản (accounts)".to_string(),
    ]];
    for a in &agencies {
        let kind = AgencyKind::from_code(&a.kind)
            .map_or_else(|| a.kind.clone(), |k| k.label_vi().to_string());
        let mut name = a.name.clone();
        if a.is_group {
            name.push_str(" [nhóm]");
        }
        if a.requested_only {
            name.push_str(" [đề nghị]");
        }
        let accounts: Vec<&str> = users
            .iter()
            .filter(|u| u.agency_id == Some(a.id) && !u.disabled)
            .map(|u| u.username.as_str())
            .collect();
        rows.push(vec![
            a.id.to_string(),
            table::truncate(&a.code, 40),
            kind,
            a.lead_count.to_string(),
            a.coordinating_count.to_string(),
            a.responsibility_count.to_string(),
            name,
            accounts.join(", "),
        ]);
    }
    out!("{}", table::render(&rows));
    outln!(
        "\n{} cơ quan, đơn vị. CT = chủ trì, PH = phối hợp, III = khối trách nhiệm ở mục III; [nhóm] = nhóm cơ quan, [đề nghị] = chỉ được đề nghị.",
        agencies.len()
    );
    Ok(ExitCode::SUCCESS)
}
