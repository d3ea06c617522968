//! `theodoi demo generate`: deterministic demonstration data, with a progress bar.

use indicatif::{ProgressBar, ProgressStyle};
use std::process::ExitCode;
use theodoi_demo::{DEMO_PASSWORD, Options, Scale};
use theodoi_store::Db;

pub async fn generate(db: &Db, scale: &str, seed: u64, reports: bool) -> anyhow::Result<ExitCode> {
    let scale =
        Scale::parse(scale).ok_or_else(|| anyhow::anyhow!("scale must be city or national"))?;
    let hash = theodoi_app::password::hash_password(DEMO_PASSWORD)?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{prefix:>9} [{bar:40}] {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let summary = theodoi_demo::generate(
        db,
        Options {
            scale,
            seed,
            reports,
        },
        &hash,
        |stage, done, total| {
            if bar.prefix() != stage {
                bar.set_prefix(stage.to_string());
                bar.set_length(total);
            }
            bar.set_position(done);
        },
    )
    .await?;
    bar.finish_and_clear();
    outln!(
        "Kế hoạch (id {}): {} cơ quan, đơn vị, {} trong số đó phải gửi báo cáo mỗi đợt; {} tài khoản; đợt báo cáo số {}; {} báo cáo; {:.1} giây.",
        summary.plan_id,
        summary.bodies,
        summary.expected,
        summary.accounts,
        summary
            .rounds
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        summary.reports,
        started.elapsed().as_secs_f64()
    );
    outln!("Tài khoản để dùng thử (mật khẩu chung: {DEMO_PASSWORD}):");
    for (user, body, role) in &summary.try_accounts {
        outln!("  {user:<12} {body:<40} {role}");
    }
    outln!(
        "Mỗi cơ quan, đơn vị có tài khoản đầu mối focal-<mã> và lãnh đạo head-<mã> (mã ở trang Cơ quan, đơn vị)."
    );
    Ok(ExitCode::SUCCESS)
}
