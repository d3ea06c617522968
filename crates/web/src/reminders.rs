//! The reminder scheduler: before and after each deadline, bodies that have not submitted are
//! reminded in the app and by e-mail, widening from the focal point to the head and then the
//! coordinator (`theodoi_domain::reminder`). It runs inside the server as a background task; all
//! its state is in the database, so a restart neither loses nor repeats a message.

use crate::AppState;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::collections::HashMap;
use std::time::Duration;
use theodoi_domain::reminder::{self, Audience};
use theodoi_store::notices::{Audience as NoticeAudience, Notice};
use theodoi_store::reminders::{Contact, NewNotification, Owing};
use time::OffsetDateTime;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    /// New reminders stored (in-app and e-mail).
    pub created: usize,
    pub emailed: usize,
    pub failed: usize,
}

/// A reminder to one body. The lateness stated is the true one on `today` (a reminder due at the
/// "+3 days" step and sent months later says how late the report really is).
fn message(o: &Owing, offset: i32, today: time::Date, public_url: &str) -> (String, String) {
    let deadline = crate::pages::date_vn(&o.agency_deadline);
    let plan = o.plan_number.as_deref().unwrap_or("");
    let late = (today - o.agency_deadline).whole_days();
    let when = if offset < 0 && late < 0 {
        format!("còn {} ngày đến hạn {deadline}", -late)
    } else if late <= 0 {
        format!("hạn là hôm nay, {deadline}")
    } else {
        format!("đã quá hạn {deadline} {late} ngày")
    };
    let subject = format!("[theodoi] Nhắc báo cáo {} — {}", o.label, o.agency_name);
    let body = format!(
        "Kính gửi {agency},\n\nBáo cáo {label} thực hiện Kế hoạch {plan}: {when}. \
         Đề nghị hoàn thành và gửi báo cáo tại:\n{url}/rounds/{round}/reports/{agency_id}\n\n\
         Sở Tư pháp — theodoi",
        agency = o.agency_name,
        label = o.label,
        url = public_url.trim_end_matches('/'),
        round = o.round_id,
        agency_id = o.agency_id,
    );
    (subject, body)
}

/// Whether `public_url` names this machine only (localhost, 127.0.0.0/8, ::1, 0.0.0.0): links to
/// it in e-mails open nothing for anyone else.
pub fn loopback_public_url(public_url: &str) -> bool {
    let host = public_url.parse::<axum::http::Uri>().ok().and_then(|u| {
        u.host()
            .map(|h| h.trim_matches(['[', ']']).to_ascii_lowercase())
    });
    match host {
        None => true,
        Some(h) => {
            h == "localhost"
                || h.ends_with(".localhost")
                || h.parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified())
        }
    }
}

/// Lines of a digest: at most `MAX_DIGEST_LINES`, then how many more.
fn digest_lines(lines: &[String]) -> String {
    let mut out: Vec<String> = lines
        .iter()
        .take(MAX_DIGEST_LINES)
        .map(|l| format!("- {l}"))
        .collect();
    if lines.len() > MAX_DIGEST_LINES {
        out.push(format!("… và {} mục khác.", lines.len() - MAX_DIGEST_LINES));
    }
    out.join("\n")
}

const MAX_DIGEST_LINES: usize = 40;

fn recipients(contacts: &[Contact], agency_id: i64, audience: Audience) -> Vec<&Contact> {
    contacts
        .iter()
        .filter(|c| match c.role.as_str() {
            "focal_point" => c.agency_id == Some(agency_id),
            "agency_head" => c.agency_id == Some(agency_id) && audience >= Audience::Head,
            "coordinator" => audience >= Audience::Coordinator,
            _ => false,
        })
        .collect()
}

/// One pass: store the reminders due `now` and send the e-mails waiting.
pub async fn run_once(state: &AppState, now: OffsetDateTime) -> anyhow::Result<RunReport> {
    let result = run(state, now).await;
    state.metrics.reminder_run(result.as_ref().ok());
    result
}

async fn run(state: &AppState, now: OffsetDateTime) -> anyhow::Result<RunReport> {
    let today = now.to_offset(theodoi_domain::report::VIETNAM).date();
    let mut report = RunReport::default();
    // Offsets are within a year of the deadline.
    let span = time::Duration::days(367);
    let owing = state.db.owing(today - span, today + span).await?;
    let contacts = state.db.contacts().await?;
    let mut offsets_of: HashMap<i64, Vec<i32>> = HashMap::new();
    let mut late: Vec<&Owing> = Vec::new();
    for o in &owing {
        let offsets = offsets_of.entry(o.round_id).or_insert_with(|| {
            reminder::parse_offsets(&o.reminder_offsets)
                .unwrap_or_else(|_| reminder::DEFAULT_OFFSETS.to_vec())
        });
        let Some((offset, audience)) = reminder::due(o.agency_deadline, today, offsets) else {
            continue;
        };
        let (subject, body) = message(o, offset, today, &state.config.public_url);
        if audience >= Audience::Coordinator {
            // The coordinators hear of late bodies once a day, all of them in one message.
            late.push(o);
        }
        for c in recipients(&contacts, o.agency_id, audience)
            .into_iter()
            .filter(|c| c.role != "coordinator")
        {
            let mut channels = vec!["app"];
            if state.config.smtp_url.is_some() && c.email.as_deref().is_some_and(|e| !e.is_empty())
            {
                channels.push("email");
            }
            for channel in channels {
                let n = NewNotification {
                    round_id: o.round_id,
                    agency_id: o.agency_id,
                    offset_days: offset,
                    user_id: c.user_id,
                    channel,
                    subject: &subject,
                    body: &body,
                };
                if state.db.add_notification(&n, now).await? {
                    report.created += 1;
                }
            }
        }
    }
    let email = state.config.smtp_url.is_some();
    if !late.is_empty() {
        let lines: Vec<String> = late
            .iter()
            .map(|o| {
                format!(
                    "{} — {}: quá hạn {} ngày (hạn {})",
                    o.agency_name,
                    o.label,
                    (today - o.agency_deadline).whole_days(),
                    crate::pages::date_vn(&o.agency_deadline)
                )
            })
            .collect();
        let subject = format!(
            "[theodoi] {} cơ quan chưa gửi báo cáo quá hạn — {}",
            late.len(),
            crate::pages::date_vn(&today)
        );
        let body = format!(
            "Các cơ quan, đơn vị sau chưa gửi báo cáo dù đã quá hạn:\n{}",
            digest_lines(&lines)
        );
        let notice = Notice {
            event_key: format!("digest:late:{today}"),
            round_id: None,
            agency_id: None,
            audience: NoticeAudience::Coordinators,
            subject: &subject,
            body: &body,
            link: "/rounds",
            email,
        };
        report.created += usize::try_from(state.db.notify(&notice, now).await?).unwrap_or(0);
    }
    // Reports sent since the last digest: one message to the coordinators per run.
    let after = state.db.digest_watermark().await?;
    let sent = state.db.submissions_after(after).await?;
    if let Some(last) = sent.last() {
        let lines: Vec<String> = sent
            .iter()
            .map(|s| {
                format!(
                    "{} — {} ({})",
                    s.agency_name,
                    s.round_label,
                    crate::pages::when(&s.at)
                )
            })
            .collect();
        let subject = format!("[theodoi] Đã nhận {} báo cáo mới", sent.len());
        let body = format!(
            "Các cơ quan, đơn vị sau đã gửi báo cáo, chờ Sở Tư pháp tiếp nhận:\n{}",
            digest_lines(&lines)
        );
        let link = format!("/rounds/{}?show=submitted", last.round_id);
        let notice = Notice {
            event_key: format!("digest:submitted:{}", last.event_id),
            round_id: None,
            agency_id: None,
            audience: NoticeAudience::Coordinators,
            subject: &subject,
            body: &body,
            link: &link,
            email,
        };
        report.created +=
            usize::try_from(state.db.record_digest(&notice, last.event_id, now).await?)
                .unwrap_or(0);
    }
    if let Some(url) = &state.config.smtp_url {
        let (sent, failed) = send_pending(state, url, now).await?;
        report.emailed = sent;
        report.failed = failed;
    }
    if report.created > 0 || report.emailed > 0 || report.failed > 0 {
        tracing::info!(
            created = report.created,
            emailed = report.emailed,
            failed = report.failed,
            "reminders"
        );
    }
    Ok(report)
}

/// Send the e-mails waiting now (a reminder made by hand), when mail is configured.
pub(crate) async fn send_now(state: &AppState) -> anyhow::Result<(usize, usize)> {
    match &state.config.smtp_url {
        Some(url) => send_pending(state, url, OffsetDateTime::now_utc()).await,
        None => Ok((0, 0)),
    }
}

async fn send_pending(
    state: &AppState,
    url: &str,
    now: OffsetDateTime,
) -> anyhow::Result<(usize, usize)> {
    let pending = state.db.pending_emails(500).await?;
    if pending.is_empty() {
        return Ok((0, 0));
    }
    let mailer = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| anyhow::anyhow!("bad SMTP URL: {e}"))?
        .timeout(Some(Duration::from_secs(20)))
        .build();
    let from: Mailbox = state
        .config
        .mail_from
        .parse()
        .map_err(|e| anyhow::anyhow!("bad sender address: {e}"))?;
    let (mut sent, mut failed) = (0, 0);
    for p in pending {
        if !state.db.claim_email(p.id, now).await? {
            continue;
        }
        let result = async {
            let to: Mailbox = p
                .address
                .as_deref()
                .unwrap_or_default()
                .parse()
                .map_err(|e| format!("bad address: {e}"))?;
            let email = Message::builder()
                .from(from.clone())
                .to(to)
                .subject(p.subject.clone())
                .header(ContentType::TEXT_PLAIN)
                .body(match &p.link {
                    Some(link) => format!(
                        "{}\n\n{}{link}\n\nSở Tư pháp — theodoi",
                        p.body,
                        state.config.public_url.trim_end_matches('/')
                    ),
                    None => p.body.clone(),
                })
                .map_err(|e| e.to_string())?;
            mailer
                .send(email)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
        .await;
        match result {
            Ok(()) => {
                sent += 1;
                state.metrics.emails(1, 0);
            }
            Err(e) => {
                failed += 1;
                state.metrics.emails(0, 1);
                // The notification id only: addresses are personal data.
                tracing::warn!(notification = p.id, error = %e, "reminder e-mail not sent");
                state.db.email_failed(p.id, &e).await?;
            }
        }
    }
    Ok((sent, failed))
}

/// Run forever every `interval`, logging failures and carrying on.
pub fn spawn(state: AppState) -> Option<tokio::task::JoinHandle<()>> {
    let every = state.config.reminder_interval_secs;
    if every == 0 {
        return None;
    }
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(every));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = run_once(&state, OffsetDateTime::now_utc()).await {
                tracing::warn!(error = %e, "reminder run failed");
            }
        }
    }))
}

/// Whether an SMTP URL can be used, checked at start-up.
pub fn check_smtp_url(url: &str) -> Result<(), String> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::{loopback_public_url, message};
    use theodoi_store::reminders::Owing;
    use time::macros::date;

    #[test]
    fn a_reminder_states_the_true_lateness() {
        let o = Owing {
            round_id: 3,
            label: "6 tháng đầu năm 2026".into(),
            plan_number: Some("14/KH-UBND".into()),
            agency_deadline: date!(2026 - 06 - 15),
            reminder_offsets: "-7,-1,1,3".into(),
            agency_id: 12,
            agency_name: "Công an thành phố".into(),
        };
        // Due at the "+3 days" step, sent (the server was down) on 1 December.
        let (subject, body) = message(&o, 3, date!(2026 - 12 - 01), "https://theodoi.example.vn/");
        assert!(subject.contains("Công an thành phố"), "{subject}");
        assert!(body.contains("đã quá hạn 15/06/2026 169 ngày"), "{body}");
        assert!(
            body.contains("https://theodoi.example.vn/rounds/3/reports/12"),
            "{body}"
        );
        assert!(!body.contains(" / "), "Vietnamese only: {body}");
        let (_, body) = message(&o, -7, date!(2026 - 06 - 08), "http://x");
        assert!(body.contains("còn 7 ngày đến hạn 15/06/2026"), "{body}");
    }

    #[test]
    fn public_urls_only_this_machine_opens() {
        for url in [
            "http://127.0.0.1:8080",
            "http://localhost:8080/",
            "http://[::1]:8080",
            "http://0.0.0.0",
            "http://app.localhost",
            "not a url",
        ] {
            assert!(loopback_public_url(url), "{url}");
        }
        for url in [
            "https://theodoi.sotuphap.haiphong.gov.vn",
            "http://10.1.2.3:8080",
        ] {
            assert!(!loopback_public_url(url), "{url}");
        }
    }
}
