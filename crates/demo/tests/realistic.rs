//! The city demo reads like a real half-year: totals in the ranges a city's figures take, no
//! plausibility warning, the Sở Tư pháp's own report among the accepted ones, texts that differ;
//! and it is written once: a second run is refused and changes nothing.

use std::collections::{HashMap, HashSet};

use theodoi_demo::{Options, Scale};
use theodoi_store::Db;

#[tokio::test]
async fn city_demo_looks_real_and_is_written_once() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = Db::connect(&format!("sqlite://{}", dir.path().join("d.db").display()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let opts = Options {
        scale: Scale::City,
        seed: 42,
        reports: true,
    };
    let s = theodoi_demo::generate(&db, opts, "not-a-real-hash", |_, _, _| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let round = s.rounds[0];
    let progress = db.round_progress(round).await.unwrap_or_default();
    let mut kinds: HashMap<(String, Option<String>), usize> = HashMap::new();
    for p in &progress {
        *kinds
            .entry((p.agency_kind.clone(), p.status.clone()))
            .or_default() += 1;
    }
    eprintln!("bodies in the round: {kinds:?}");
    assert_eq!(
        db.plausibility_warnings(round).await.unwrap_or_default(),
        vec![],
        "the demo breaks no plausibility rule"
    );
    let codes: HashMap<i64, String> = db
        .indicators(false)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|i| (i.id, i.code))
        .collect();
    let figures = db.round_figures(round).await.unwrap_or_default();
    let total = |code: &str| -> i64 {
        figures
            .iter()
            .filter(|f| {
                f.dimension.is_empty()
                    && codes.get(&f.indicator_id).map(String::as_str) == Some(code)
            })
            .map(|f| f.sum)
            .sum()
    };
    let women: i64 = figures
        .iter()
        .filter(|f| {
            f.category == "nu" && codes.get(&f.indicator_id).map(String::as_str) == Some("TT_NGUOI")
        })
        .map(|f| f.sum)
        .sum();
    for (code, lo, hi) in [
        ("TT_BUOI", 300, 900),
        ("TT_NGUOI", 20_000, 80_000),
        ("TH_CAN_BO", 1_500, 6_000),
        ("KN_NHAN", 800, 3_000),
        ("TGPL_VU_VIEC", 300, 900),
        ("BT_THU_LY", 2, 15),
    ] {
        let v = total(code);
        eprintln!("{code}: {v}");
        assert!((lo..=hi).contains(&v), "{code} = {v}, expected {lo}–{hi}");
    }
    let attendees = total("TT_NGUOI");
    assert!(
        women * 100 >= attendees * 45 && women * 100 <= attendees * 60,
        "{women}/{attendees}"
    );
    // The Sở Tư pháp's own report is accepted and speaks of the task it leads (PL.3).
    let narrative = db.round_narrative(round).await.unwrap_or_default();
    assert!(
        narrative.iter().any(|n| n.agency_name == "Sở Tư pháp"
            && n.reference == "PL.3"
            && n.role == theodoi_domain::Role::Lead),
        "the Sở Tư pháp reports on PL.3"
    );
    let texts: Vec<&str> = narrative
        .iter()
        .map(|n| n.results.as_str())
        .filter(|r| !r.starts_with("Chưa triển khai"))
        .collect();
    // An officer leaves a zero unsaid ("không phát sinh"); a text never reads "0 đơn".
    for t in &texts {
        assert!(
            !t.contains(" 0 đơn") && !t.contains(" 0 lượt"),
            "a zero spelled out: {t}"
        );
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for t in &texts {
        *counts.entry(t).or_default() += 1;
    }
    let most = counts.values().copied().max().unwrap_or(0);
    assert!(
        counts.len() * 10 >= texts.len() * 8 && most <= 10,
        "{} distinct texts of {}, the commonest {most} times",
        counts.len(),
        texts.len()
    );
    let difficulties = db.round_difficulties(round).await.unwrap_or_default();
    let kinds: HashSet<&str> = difficulties.iter().map(|d| d.1.as_str()).collect();
    assert!(kinds.len() >= 12, "difficulties differ: {}", kinds.len());
    // A second run is refused and leaves the database as it was.
    let before = db.list_users().await.unwrap_or_default().len();
    let again = theodoi_demo::generate(&db, opts, "not-a-real-hash", |_, _, _| {}).await;
    assert!(
        matches!(&again, Err(e) if e.to_string().contains("cơ sở dữ liệu trống")),
        "{again:?}"
    );
    assert_eq!(db.list_users().await.unwrap_or_default().len(), before);
    assert_eq!(db.rounds(None).await.unwrap_or_default().len(), 2);
    let admin = db
        .list_users()
        .await
        .unwrap_or_default()
        .into_iter()
        .find(|u| u.username == "admin")
        .unwrap_or_else(|| panic!("no admin"));
    assert!(
        admin.must_change_password,
        "admin changes the password at first sign-in"
    );
}

/// "dd/mm/yyyy" dates quoted in a text.
fn quoted_dates(text: &str) -> Vec<time::Date> {
    let chars: Vec<char> = text.chars().collect();
    let digits = |from: usize, len: usize| -> Option<u32> {
        let s: String = chars.get(from..from + len)?.iter().collect();
        if s.chars().all(|c| c.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let mut out = Vec::new();
    for i in 0..chars.len() {
        if i > 0 && chars[i - 1].is_ascii_digit() {
            continue;
        }
        let (Some(d), Some(m), Some(y)) = (digits(i, 2), digits(i + 3, 2), digits(i + 6, 4)) else {
            continue;
        };
        if chars.get(i + 2) != Some(&'/') || chars.get(i + 5) != Some(&'/') {
            continue;
        }
        let month = u8::try_from(m)
            .ok()
            .and_then(|m| time::Month::try_from(m).ok())
            .unwrap_or_else(|| panic!("no month {m} in {text}"));
        let date = time::Date::from_calendar_date(
            i32::try_from(y).unwrap_or(0),
            month,
            u8::try_from(d).unwrap_or(0),
        )
        .unwrap_or_else(|e| panic!("{d}/{m}/{y} in {text}: {e}"));
        out.push(date);
    }
    out
}

/// The city demo a new user first sees (seed 1) holds together: a body's texts quote its own
/// plan exactly as the cascade records it, and say it issued one only when it did; every date
/// quoted falls after the city's plan (09/01/2026) and within the round, before the body sent its
/// report; a body names itself, never another, and proposes nothing to itself; audiences are
/// people; zeros are left unsaid; every account is shown by a person's full name.
#[tokio::test]
async fn city_demo_texts_agree_with_the_records() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = Db::connect(&format!("sqlite://{}", dir.path().join("d.db").display()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let opts = Options {
        scale: Scale::City,
        seed: 1,
        reports: true,
    };
    let s = theodoi_demo::generate(&db, opts, "not-a-real-hash", |_, _, _| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let city_plan = time::macros::date!(2026 - 01 - 09);
    let cascade: HashMap<i64, (String, time::Date)> = db
        .cascade_status(s.plan_id)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|c| c.plan.map(|p| (c.agency_id, (p.number, p.issued_on))))
        .collect();
    assert!(
        cascade.len() > 100,
        "most bodies issued a plan: {}",
        cascade.len()
    );
    let mut symbols = HashSet::new();
    for (number, on) in cascade.values() {
        assert!(
            *on > city_plan,
            "{number} of {on} is not after the city's plan"
        );
        // Two bodies never sign alike (Sở Nội vụ SNV, Sở Ngoại vụ SNgV); communes sign as UBND.
        let symbol = number.split("KH-").nth(1).unwrap_or("");
        assert!(
            symbol == "UBND" || symbols.insert(symbol.to_string()),
            "two bodies sign as {symbol}"
        );
    }
    let names: Vec<(i64, String)> = db
        .list_agencies()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|a| !a.is_group)
        .map(|a| (a.id, a.name))
        .collect();
    let (mut quoted, mut without, mut checked) = (0, 0, 0);
    for (round, deadline) in [
        (s.rounds[0], time::macros::date!(2026 - 06 - 15)),
        (s.rounds[1], time::macros::date!(2026 - 12 - 15)),
    ] {
        for body in db.round_progress(round).await.unwrap_or_default() {
            let Some(form) = db.report_form(round, body.agency_id).await.unwrap_or(None) else {
                continue;
            };
            let Some(report) = &form.report else { continue };
            let own = cascade.get(&body.agency_id);
            let name = &body.agency_name;
            // Nothing quoted on or after the day the body sent its report, nor after the period
            // (to 14/06) or the deadline.
            let sent = report.first_submitted_at.map(|t| t.date());
            let last = match sent {
                Some(d) => (d - time::Duration::days(1)).min(deadline - time::Duration::days(1)),
                None => deadline - time::Duration::days(1),
            };
            let mut texts: Vec<&str> = form
                .tasks
                .iter()
                .filter_map(|t| t.results.as_deref())
                .collect();
            texts.push(&report.difficulties);
            texts.push(&report.proposals);
            for text in texts {
                checked += 1;
                for (i, _) in text.match_indices("Kế hoạch số ") {
                    let rest = &text[i + "Kế hoạch số ".len()..];
                    let number = rest.split(' ').next().unwrap_or("");
                    let on = quoted_dates(rest).first().copied();
                    if number == "14/KH-UBND" {
                        assert_eq!(on, Some(city_plan), "{name}: {text}");
                        continue;
                    }
                    let Some((n, d)) = own else {
                        panic!("{name} has recorded no plan but quotes {number}: {text}");
                    };
                    assert_eq!((number, on), (n.as_str(), Some(*d)), "{name}: {text}");
                    quoted += 1;
                }
                if own.is_none() && text.contains("ban hành Kế hoạch") {
                    panic!("{name} has recorded no plan but says it issued one: {text}");
                }
                if own.is_none() && text.contains("chưa ban hành kế hoạch riêng") {
                    without += 1;
                }
                for d in quoted_dates(text) {
                    assert!(
                        d >= city_plan && d <= last,
                        "{name} quotes {d} (sent {sent:?}, deadline {deadline}): {text}"
                    );
                }
                let lower = text.to_lowercase();
                for (id, other) in &names {
                    if *id != body.agency_id {
                        let other = other.to_lowercase();
                        assert!(
                            !lower.contains(&format!("{other} đã")),
                            "{name} writes as {other}: {text}"
                        );
                    }
                }
                assert!(
                    !text.contains(&format!("Đề nghị {name} ")),
                    "{name} proposes to itself: {text}"
                );
                for audience in ["lượt các đơn vị", "lượt doanh nghiệp", "lượt cơ quan"]
                {
                    assert!(!text.contains(audience), "{name}: {text}");
                }
                assert!(
                    !text
                        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
                        .any(|w| w == "0" || w == "0%"),
                    "{name} spells out a zero: {text}"
                );
            }
        }
    }
    eprintln!("{checked} texts; {quoted} quote the body's own plan; {without} say it has none");
    assert!(quoted > 50, "bodies quote their plans: {quoted}");
    let users = db.list_users().await.unwrap_or_default();
    let mut seen = HashSet::new();
    for u in &users {
        let words: Vec<&str> = u.display_name.split_whitespace().collect();
        assert!(
            u.display_name != u.username
                && (3..=4).contains(&words.len())
                && words
                    .iter()
                    .all(|w| w.chars().next().is_some_and(char::is_uppercase))
                && !u
                    .display_name
                    .chars()
                    .any(|c| c.is_ascii_digit() || c == '-'),
            "{} is shown as \"{}\"",
            u.username,
            u.display_name
        );
        assert!(
            seen.insert(u.display_name.clone()),
            "two accounts named {}",
            u.display_name
        );
    }
}
