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

fn message(o: &Owing, offset: i32, public_url: &str) -> (String, String) {
    let deadline = crate::pages::date_vn(&o.agency_deadline);
    let plan = o.plan_number.as_deref().unwrap_or("");
    let (when_vi, when_en) = if offset < 0 {
        (
            format!("còn {} ngày đến hạn {deadline}", -offset),
            format!("due in {} days, on {deadline}", -offset),
        )
    } else if offset == 0 {
        (
            format!("hạn là hôm nay, {deadline}"),
            format!("due today, {deadline}"),
        )
    } else {
        (
            format!("đã quá hạn {deadline} {offset} ngày"),
            format!("{offset} days past the deadline of {deadline}"),
        )
    };
    let subject = format!(
        "[theodoi] Nhắc báo cáo {} — {} / report reminder",
        o.label, o.agency_name
    );
    let body = format!(
        "Kính gửi {agency},\n\nBáo cáo {label} thực hiện Kế hoạch {plan}: {when_vi}. \
         Đề nghị hoàn thành và gửi báo cáo tại:\n{url}/rounds/{round}/reports/{agency_id}\n\n\
         Reminder: the {label} report of {agency} under plan {plan} is {when_en}.\n\n\
         Sở Tư pháp — theodoi",
        agency = o.agency_name,
        label = o.label,
        url = public_url.trim_end_matches('/'),
        round = o.round_id,
        agency_id = o.agency_id,
    );
    (subject, body)
}

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
    let today = now.to_offset(theodoi_domain::report::VIETNAM).date();
    let mut report = RunReport::default();
    // Offsets are within a year of the deadline.
    let span = time::Duration::days(367);
    let owing = state.db.owing(today - span, today + span).await?;
    let contacts = state.db.contacts().await?;
    let mut offsets_of: HashMap<i64, Vec<i32>> = HashMap::new();
    for o in &owing {
        let offsets = offsets_of.entry(o.round_id).or_insert_with(|| {
            reminder::parse_offsets(&o.reminder_offsets)
                .unwrap_or_else(|_| reminder::DEFAULT_OFFSETS.to_vec())
        });
        let Some((offset, audience)) = reminder::due(o.agency_deadline, today, offsets) else {
            continue;
        };
        let (subject, body) = message(o, offset, &state.config.public_url);
        for c in recipients(&contacts, o.agency_id, audience) {
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
                .body(p.body.clone())
                .map_err(|e| e.to_string())?;
            mailer
                .send(email)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
        .await;
        match result {
            Ok(()) => sent += 1,
            Err(e) => {
                failed += 1;
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
