//! The consolidation of a round read from the store, for the web and the CLI alike: the figures
//! of the accepted reports beside the previous round's, each task with its lead's results and
//! coordinating contributions, and what the drafted report needs besides (every body's status and
//! timeliness, each task's obligations, the cascade of plans, escalations, the next period).

use std::collections::HashMap;
use theodoi_domain::indicator::Aggregation;
use theodoi_domain::report::Timeliness;
use theodoi_domain::{DateRange, Timeframe};
use theodoi_report::draft::{
    AssignmentFact, BodyFact, CascadeFact, EscalationFact, ImplausibleFact, RoundFacts,
};
use theodoi_report::{
    Consolidation, IndicatorInfo, Input, Missing, RecLink, TaskEntry, TaskNarrative,
};
use theodoi_store::{Db, Result, StoreError};
use time::{Date, Month, OffsetDateTime};

/// Everything the report and its annex need for `round_id`, with timeliness as of now.
pub async fn build(db: &Db, round_id: i64) -> Result<Consolidation> {
    build_at(db, round_id, OffsetDateTime::now_utc()).await
}

/// [`build`] with timeliness as of `now`.
pub async fn build_at(db: &Db, round_id: i64, now: OffsetDateTime) -> Result<Consolidation> {
    let round = db
        .round(round_id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("round {round_id}")))?;
    let form_indicators: Vec<IndicatorInfo> = db
        .round_indicators(round_id)
        .await?
        .into_iter()
        .map(|i| IndicatorInfo {
            id: i.id,
            dimensions: i.dims(),
            aggregation: Aggregation::parse(&i.aggregation).unwrap_or(Aggregation::Sum),
            code: i.code,
            name: i.name,
            unit: i.unit,
        })
        .collect();
    let now_figures = db.round_figures(round_id).await?;
    let previous_round = db.previous_round(round_id).await?;
    let before = match &previous_round {
        Some(p) => db.round_figures(p.id).await?,
        None => Vec::new(),
    };
    // The coordinating body (Sở Tư pháp) reports on its own tasks but is not counted against
    // itself.
    let bodies: Vec<_> = db
        .round_progress(round_id)
        .await?
        .into_iter()
        .filter(|b| b.counted)
        .collect();
    let missing = bodies
        .iter()
        .filter(|b| b.status.as_deref() != Some("accepted"))
        .map(|b| Missing {
            agency: b.agency_name.clone(),
            status: b.status.clone().unwrap_or_default(),
        })
        .collect();
    let plan = db.load_plan(round.plan_id).await?;
    let (mut recs_of, mut articles_of) = links(db, &plan).await?;
    // Every task of the round keeps its place, reported on or not.
    let assignments = db.round_assignments(round_id).await?;
    let mut tasks: Vec<TaskNarrative> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for a in &assignments {
        if !index.contains_key(&a.reference) {
            index.insert(a.reference.clone(), tasks.len());
            tasks.push(TaskNarrative {
                recommendations: recs_of.remove(&a.reference).unwrap_or_default(),
                articles: articles_of.remove(&a.reference).unwrap_or_default(),
                reference: a.reference.clone(),
                title: a.title.clone(),
                entries: Vec::new(),
            });
        }
    }
    for n in db.round_narrative(round_id).await? {
        let entry = TaskEntry {
            agency: n.agency_name,
            role: n.role,
            status: n.status.unwrap_or_default(),
            results: n.results,
        };
        let i = match index.get(&n.reference) {
            Some(i) => *i,
            None => {
                index.insert(n.reference.clone(), tasks.len());
                tasks.push(TaskNarrative {
                    recommendations: recs_of.remove(&n.reference).unwrap_or_default(),
                    articles: articles_of.remove(&n.reference).unwrap_or_default(),
                    reference: n.reference,
                    title: n.title,
                    entries: Vec::new(),
                });
                tasks.len() - 1
            }
        };
        tasks[i].entries.push(entry);
    }
    let (mut difficulties, mut proposals) = (Vec::new(), Vec::new());
    for (agency, d, p) in db.round_difficulties(round_id).await? {
        if !d.trim().is_empty() {
            difficulties.push((agency.clone(), d));
        }
        if !p.trim().is_empty() {
            proposals.push((agency, p));
        }
    }
    let by_kind = db.round_totals_by(round_id, false).await?;
    let by_parent = db.round_totals_by(round_id, true).await?;
    let mut c = theodoi_report::consolidate(Input {
        plan_number: round.plan_number.as_deref().unwrap_or(""),
        plan_title: &plan.summary.title,
        tasks,
        difficulties,
        proposals,
        round_label: &round.label,
        previous_label: previous_round.as_ref().map(|p| p.label.as_str()),
        indicators: &form_indicators,
        figures: &now_figures,
        previous: &before,
        expected: bodies.len(),
        missing,
    });
    c.by_kind = by_kind;
    c.by_parent = by_parent;

    // What the drafting needs besides.
    let body_facts = bodies
        .iter()
        .map(|b| BodyFact {
            agency: b.agency_name.clone(),
            kind: b.agency_kind.clone(),
            status: b.status.clone().unwrap_or_default(),
            timeliness: match Timeliness::of(round.agency_deadline, b.first_submitted_at, now) {
                Timeliness::OnTime => "on_time",
                Timeliness::Late => "late",
                Timeliness::Pending => "pending",
                Timeliness::Overdue => "overdue",
            }
            .into(),
        })
        .collect();
    let cascade = db
        .cascade_status(round.plan_id)
        .await?
        .into_iter()
        .map(|s| CascadeFact {
            agency: s.agency_name,
            kind: s.kind,
            issued: s
                .plan
                .as_ref()
                .is_some_and(|p| p.issued_on <= round.window_end.max(round.agency_deadline)),
        })
        .collect();
    let plan_tasks: std::collections::HashSet<i64> = plan.tasks.iter().map(|t| t.id).collect();
    let raised_until = round.window_end.max(round.agency_deadline);
    let escalations = db
        .escalations(None, None)
        .await?
        .into_iter()
        .filter(|e| plan_tasks.contains(&e.task_id))
        .filter(|e| {
            let d = e
                .created_at
                .to_offset(theodoi_domain::report::VIETNAM)
                .date();
            d >= round.window_start && d <= raised_until
        })
        .map(|e| EscalationFact {
            agency: e.agency_name,
            reference: e.reference,
            subject: e.subject,
            status: e.status,
        })
        .collect();
    let (next_label, next_due) = next_period(&round, &plan.tasks);
    // Only the accepted reports' figures are in the totals, so only their warnings are noted.
    let mut implausible: Vec<ImplausibleFact> = db
        .plausibility_warnings(round_id)
        .await?
        .into_iter()
        .filter(|b| b.status == "accepted" && !b.warnings.is_empty())
        .map(|b| ImplausibleFact {
            agency: b.agency_name,
            reasons: b.warnings.into_iter().map(|w| w.reason).collect(),
        })
        .collect();
    implausible.sort_by_cached_key(|b| theodoi_report::draft::collate_key(&b.agency));
    c.facts = RoundFacts {
        plan_date: plan.summary.issued_on,
        coordinator: "Sở Tư pháp".into(),
        superior: "Ủy ban nhân dân thành phố".into(),
        plan_issuer: plan.summary.issuer.clone().unwrap_or_default(),
        window_end: Some(round.window_end),
        bodies: body_facts,
        assignments: assignments
            .into_iter()
            .map(|a| AssignmentFact {
                reference: a.reference,
                agency: a.agency_name,
                role: a.role,
                status: a.status.unwrap_or_default(),
            })
            .collect(),
        cascade,
        escalations,
        next_label,
        next_due,
        implausible,
        uncounted_accepted: db
            .uncounted_bodies(round_id)
            .await?
            .iter()
            .filter(|b| b.status.as_deref() == Some("accepted"))
            .count(),
    };
    Ok(c)
}

/// `d` moved by whole months, the day kept where the month has it (else its last day).
fn add_months(d: Date, months: i32) -> Option<Date> {
    let total = d.year() * 12 + i32::from(u8::from(d.month())) - 1 + months;
    let (year, month) = (
        total.div_euclid(12),
        Month::try_from((total.rem_euclid(12) + 1) as u8).ok()?,
    );
    let day = d.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).ok()
}

/// The next period's label and the tasks due in it (by their timeframes), for section V. The
/// next period is the one of the same length right after this round's; an ad hoc round looks
/// six months ahead.
fn next_period(
    round: &theodoi_store::rounds::RoundRow,
    tasks: &[theodoi_store::TaskRow],
) -> (String, Vec<(String, String)>) {
    let months = round.period_months.unwrap_or(6);
    let label = round
        .period_start
        .and_then(|s| add_months(s, months))
        .and_then(|s| theodoi_domain::Period::from_start(s, u8::try_from(months).ok()?))
        .map(|p| p.label_vi())
        .unwrap_or_default();
    let window = match (
        round.window_end.next_day(),
        add_months(round.window_end, months),
    ) {
        (Some(start), Some(end)) => DateRange { start, end },
        _ => return (label, Vec::new()),
    };
    let deadline = add_months(round.agency_deadline, months).unwrap_or(window.end);
    let due = tasks
        .iter()
        .filter(|t| {
            Timeframe::parse(&t.time_text)
                .due_in(window, deadline)
                .is_some()
        })
        .map(|t| (t.reference.clone(), t.time_text.clone()))
        .collect();
    (label, due)
}

/// The superior body's full name for the letterhead, proposed from the plan's header: the issuer
/// of the plan ("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG", or "UBND THÀNH PHỐ HẢI PHÒNG" spelt out);
/// "ỦY BAN NHÂN DÂN THÀNH PHỐ" when the plan does not say.
pub fn proposed_superior(c: &Consolidation) -> String {
    let issuer = c.facts.plan_issuer.trim().to_uppercase();
    let issuer = issuer.split('\n').next().unwrap_or("").trim();
    if let Some(rest) = issuer.strip_prefix("UBND ") {
        return format!("ỦY BAN NHÂN DÂN {}", rest.trim());
    }
    if issuer.starts_with("ỦY BAN NHÂN DÂN") || issuer.starts_with("UỶ BAN NHÂN DÂN") {
        return issuer.to_string();
    }
    "ỦY BAN NHÂN DÂN THÀNH PHỐ".into()
}

/// The register's recommendations and the Covenant articles each task of a plan is linked to, by
/// task reference: articles linked directly and those of its recommendations.
async fn links(
    db: &Db,
    plan: &theodoi_store::views::PlanView,
) -> Result<(HashMap<String, Vec<RecLink>>, HashMap<String, Vec<u8>>)> {
    let pairs = db.plan_recommendation_links(plan.summary.id).await?;
    let register: HashMap<i64, theodoi_store::recommendations::RecRow> = if pairs.is_empty() {
        HashMap::new()
    } else {
        db.recommendations(None)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect()
    };
    let (mut recs_of, mut articles_of) = (HashMap::new(), HashMap::new());
    for t in &plan.tasks {
        let mut recs: Vec<RecLink> = Vec::new();
        let mut articles = db.task_articles(t.id).await?;
        for r in pairs
            .iter()
            .filter(|(task, _)| *task == t.id)
            .filter_map(|(_, rec)| register.get(rec))
        {
            articles.extend(r.articles.iter().copied());
            recs.push(RecLink {
                symbol: r.symbol.clone(),
                paragraph: r.paragraph,
                sub: Some(r.sub.clone()).filter(|s| !s.is_empty()),
                title: short_title(r),
            });
        }
        articles.sort_unstable();
        articles.dedup();
        recs_of.insert(t.reference.clone(), recs);
        articles_of.insert(t.reference.clone(), articles);
    }
    Ok((recs_of, articles_of))
}

/// A heading's short title for a recommendation, in Vietnamese or not at all (the báo cáo is a
/// Vietnamese document): its theme in Vietnamese (a translation's heading or the usual words for
/// a treaty body's); else the first words of its Vietnamese text; else none, the number alone.
pub fn short_title(r: &theodoi_store::recommendations::RecRow) -> String {
    let theme = r.theme_in(theodoi_text::Lang::Vi).trim();
    let in_vietnamese = r.theme_vi.is_some()
        || theodoi_domain::recommendation::themes::theme_vi(&r.theme).is_some();
    if !theme.is_empty() && in_vietnamese {
        return theme.to_string();
    }
    if r.text_vi.is_none() {
        return String::new();
    }
    const WORDS: usize = 12;
    let words: Vec<&str> = r.text_for_vi().split_whitespace().collect();
    if words.len() <= WORDS {
        return words.join(" ");
    }
    let head = words[..WORDS].join(" ");
    format!("{}…", head.trim_end_matches([',', ';', ':', '.']))
}

/// Recipients of the Sở's report (a báo cáo has no "Kính gửi", so no "Như trên").
pub const RECIPIENTS: [&str; 3] = [
    "UBND thành phố (để báo cáo)",
    "Bộ Tư pháp (để báo cáo)",
    "Giám đốc, các Phó Giám đốc Sở",
];

/// The unit that drafts the report by default (Phòng Phổ biến, giáo dục pháp luật).
pub const DRAFTING_UNIT: &str = "PBGDPL";

/// The letterhead of the Sở Tư pháp's report.
pub fn letterhead<'a>(
    superior: &'a str,
    place: &'a str,
    signer: &'a str,
    date: Option<Date>,
    drafting_unit: &'a str,
    group: theodoi_report::Grouping,
) -> theodoi_report::docx::Letterhead<'a> {
    theodoi_report::docx::Letterhead {
        superior,
        issuer: "SỞ TƯ PHÁP",
        symbol: "BC-STP",
        place,
        date,
        position: "GIÁM ĐỐC",
        position2: None,
        signer,
        recipients: &RECIPIENTS,
        drafting_unit,
        group,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_ahead() {
        let d = |y, m, day| {
            Date::from_calendar_date(y, Month::try_from(m).unwrap_or(Month::January), day).ok()
        };
        assert_eq!(
            d(2026, 6, 14).and_then(|x| add_months(x, 6)),
            d(2026, 12, 14)
        );
        assert_eq!(
            d(2026, 8, 31).and_then(|x| add_months(x, 6)),
            d(2027, 2, 28)
        );
    }
}
