//! Dự thảo báo cáo: the Sở Tư pháp's report drafted from a round's consolidation, section by
//! section, for a specialist to edit and a head to sign.
//!
//! Deterministic and local: the same consolidation always gives the same text. Drafting
//! summarises instead of pasting: per task the lead's own words trimmed to their first sentences,
//! the coordinating bodies as counts, their texts grouped when identical or nearly so (word
//! 3-shingles compared by Jaccard similarity, candidates found by MinHash banding so a national
//! round of 3,400 bodies stays linear), difficulties and proposals grouped by theme with how many
//! bodies raised each. Every section carries the material it was drafted from, for the editor.

use crate::{Consolidation, TaskNarrative, number_vi};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use theodoi_domain::Role;
use theodoi_domain::indicator::Dimension;
use time::Date;

/// Dự thảo báo cáo: one section of the Sở's report, drafted from the consolidation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftSection {
    /// Stable key, used to store edits and to refresh: "intro", "I", "II.<task reference>" (one per
    /// task, e.g. "II.II.1", "II.PL.3"), "II.figures", "III", "IV", "V", "VI", "closing".
    pub key: String,
    /// The heading as printed ("I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI", "1. Nghiên cứu … (mục II.1 Kế hoạch)");
    /// "" for intro and closing.
    pub heading: String,
    /// 0 = no heading, 1 = roman section, 2 = task sub-section.
    pub level: u8,
    /// The drafted text: paragraphs separated by a blank line ("\n\n"); a line starting with "- " is a bullet.
    pub text: String,
    /// What the text was drafted from, shown beside the editor (lead's text, coordinating bodies'
    /// texts grouped, figures, difficulties, escalations…).
    pub material: Vec<Material>,
}

/// One block of material beside a section's editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Material {
    pub title: String,
    pub lines: Vec<String>,
}

/// What the drafting needs about a round beyond its figures and narratives; read from the store
/// by the application layer (`theodoi_app::consolidation::build`). Empty by default, so a
/// consolidation built without it drafts with what it has.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RoundFacts {
    /// The plan's date of issue, cited with its number.
    pub plan_date: Option<Date>,
    /// The body that consolidates, as a sentence names it: "Sở Tư pháp".
    pub coordinator: String,
    /// The body the report goes to, as a sentence names it: "Ủy ban nhân dân thành phố".
    pub superior: String,
    /// The plan's issuer as its header writes it ("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"); "" when
    /// the header does not say.
    pub plan_issuer: String,
    /// The end of the round's data window (số liệu tính đến ngày …).
    pub window_end: Option<Date>,
    /// Every body expected in the round.
    pub bodies: Vec<BodyFact>,
    /// Every body × task the round asks for (lead or coordinating), tasks in plan order.
    pub assignments: Vec<AssignmentFact>,
    /// Every body expected to issue its own implementation plan (the cascade), and whether it has.
    pub cascade: Vec<CascadeFact>,
    /// Difficulties raised to the Sở through the system (vướng mắc) during the round's window.
    pub escalations: Vec<EscalationFact>,
    /// The next period's label ("6 tháng cuối năm 2026"); "" when unknown.
    pub next_label: String,
    /// Tasks due in the next period: (reference, timeframe as the plan writes it).
    pub next_due: Vec<(String, String)>,
    /// Accepted reports whose figures break a plausibility rule, bodies in Vietnamese order.
    pub implausible: Vec<ImplausibleFact>,
    /// Accepted reports of bodies not counted against the round (the coordinating body's own):
    /// their figures are in the totals too.
    pub uncounted_accepted: usize,
}

/// An accepted report whose figures do not hold together (attendees fewer than sessions, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImplausibleFact {
    pub agency: String,
    /// The broken rules' reasons in Vietnamese, as the body was shown them.
    pub reasons: Vec<String>,
}

/// A body expected in the round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BodyFact {
    pub agency: String,
    /// `AgencyKind` code ("department", "commune", …).
    pub kind: String,
    /// Report status ("" when never started).
    pub status: String,
    /// "on_time", "late", "overdue" or "pending" (deadline not passed, nothing sent).
    pub timeliness: String,
}

/// One body's obligation on one task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssignmentFact {
    pub reference: String,
    pub agency: String,
    pub role: theodoi_domain::Role,
    /// The body's report status ("" when never started).
    pub status: String,
}

/// A body's own implementation plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CascadeFact {
    pub agency: String,
    pub kind: String,
    pub issued: bool,
}

/// A difficulty raised through the system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EscalationFact {
    pub agency: String,
    pub reference: String,
    pub subject: String,
    /// "open", "answered", "forwarded", "closed".
    pub status: String,
}

/// Characters of section II the drafting aims at, shared out between the tasks: with the other
/// sections and the statistics table this keeps a report near ten A4 pages at 14 pt.
const TASKS_BUDGET: usize = 18_000;
/// Groups of coordinating texts printed per task at most.
const MAX_GROUPS: usize = 4;
/// Themes printed in IV and VI at most.
const MAX_THEMES: usize = 8;
/// Two texts are "the same" from this Jaccard similarity of their word 3-shingles.
const SIMILAR: f64 = 0.6;

/// Draft every section of the report from `c`, in the order of a Vietnamese report on a plan's
/// implementation.
pub fn draft(c: &Consolidation) -> Vec<DraftSection> {
    let ctx = Ctx::new(c);
    let mut out = vec![intro(c, &ctx), direction(c, &ctx)];
    let budget = (TASKS_BUDGET / c.tasks.len().max(1)).clamp(500, 3_000);
    for (i, t) in c.tasks.iter().enumerate() {
        out.push(task_section(i + 1, t, &ctx, budget));
    }
    out.push(figures(c));
    out.push(assessment(c, &ctx));
    out.push(difficulties(c, &ctx));
    out.push(next_period(c, &ctx));
    out.push(proposals(c, &ctx));
    out.push(DraftSection {
        key: "closing".into(),
        heading: String::new(),
        level: 0,
        text: format!(
            "Trên đây là báo cáo kết quả thực hiện Kế hoạch số {} {}, {} kính báo cáo {} xem xét, chỉ đạo./.",
            c.plan_number,
            c.round_label.to_lowercase(),
            ctx.coordinator,
            ctx.superior
        ),
        material: Vec::new(),
    });
    unique_paragraphs(&mut out);
    out
}

/// What several sections share.
struct Ctx<'a> {
    coordinator: String,
    superior: String,
    /// Each task's assignments, by task reference.
    assignments: HashMap<&'a str, Vec<&'a AssignmentFact>>,
}

impl<'a> Ctx<'a> {
    fn new(c: &'a Consolidation) -> Self {
        let f = &c.facts;
        Self {
            coordinator: non_empty(&f.coordinator, "Sở Tư pháp"),
            superior: non_empty(&f.superior, "Ủy ban nhân dân thành phố"),
            assignments: f.assignments.iter().fold(HashMap::new(), |mut m, a| {
                m.entry(a.reference.as_str())
                    .or_insert_with(Vec::new)
                    .push(a);
                m
            }),
        }
    }
}

fn non_empty(s: &str, default: &str) -> String {
    if s.trim().is_empty() {
        default.to_string()
    } else {
        s.trim().to_string()
    }
}

/// Kinds of bodies as a report counts them: sở, ban, ngành; xã, phường; the others.
fn kind_group(kind: &str) -> usize {
    match kind {
        "department" | "inspectorate" | "people_committee" => 0,
        "commune" => 1,
        _ => 2,
    }
}

const GROUP_NAMES: [&str; 3] = ["sở, ban, ngành", "xã, phường", "cơ quan, tổ chức khác"];

/// "29/31 sở, ban, ngành và 94/100 xã, phường" from (done, total) per group; groups with no body left out.
fn shares(counts: &[(usize, usize); 3]) -> String {
    let parts: Vec<String> = counts
        .iter()
        .zip(GROUP_NAMES)
        .filter(|((_, total), _)| *total > 0)
        .map(|((done, total), name)| {
            format!(
                "{}/{} {name}",
                number_vi(*done as f64),
                number_vi(*total as f64)
            )
        })
        .collect();
    join_vi(&parts)
}

/// "a", "a và b", "a, b và c".
pub(crate) fn join_vi(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} và {last}", init.join(", ")),
    }
}

/// A percentage with one decimal, Vietnamese style: "78,0%".
pub fn percent_vi(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "0%".into();
    }
    let p = part as f64 * 100.0 / whole as f64;
    format!("{:.1}%", p).replace('.', ",")
}

/// dd/mm/yyyy, as a document's date is cited.
fn date_vi(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// d/m/yyyy, as prose gives a day ("Đến ngày 15/6/2026").
fn day_vi(d: Date) -> String {
    format!("{}/{}/{}", d.day(), u8::from(d.month()), d.year())
}

/// Names in Vietnamese order, then "Sở A, Xã B và 10 cơ quan, địa phương khác" when more than
/// `show` (the lists mix departments and communes).
fn name_list(names: &[&str], show: usize) -> String {
    let mut sorted: Vec<&str> = names.to_vec();
    sort_vi(&mut sorted);
    sorted.dedup();
    if sorted.len() <= show + 1 {
        return join_vi(&sorted.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    }
    format!(
        "{} và {} cơ quan, địa phương khác",
        sorted[..show].join(", "),
        number_vi((sorted.len() - show) as f64)
    )
}

/// Sort names in Vietnamese alphabetical order.
fn sort_vi(names: &mut [&str]) {
    names.sort_by_cached_key(|n| collate_key(n));
}

/// The key names sort by: Vietnamese alphabetical order (`theodoi_text::collate`).
pub fn collate_key(s: &str) -> String {
    theodoi_text::collate(s)
}

/// A text cut to its first sentences within `budget` characters (at least the first sentence,
/// cut at a word when it alone is longer), spaces normalised, ending with a full stop.
pub fn trim_to(text: &str, budget: usize) -> String {
    let clean: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let clean = clean
        .trim()
        .trim_start_matches(['-', '+', '•', ' '])
        .to_string();
    if clean.is_empty() {
        return clean;
    }
    let mut out = String::new();
    for s in sentences(&clean) {
        if out.is_empty() || out.chars().count() + s.chars().count() < budget {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(s);
        } else {
            break;
        }
    }
    if out.chars().count() > budget + 20 {
        let mut cut = String::new();
        for w in out.split(' ') {
            if cut.chars().count() + w.chars().count() + 1 > budget {
                break;
            }
            if !cut.is_empty() {
                cut.push(' ');
            }
            cut.push_str(w);
        }
        out = format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']));
    }
    full_stop(&out)
}

/// Sentences of a cleaned text: ends at ". ", "; ", "! ", "? ".
fn sentences(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = s.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if matches!(b, b'.' | b';' | b'!' | b'?') && bytes.get(i + 1) == Some(&b' ') {
            out.push(s[start..=i].trim());
            start = i + 1;
        }
    }
    if start < s.len() && !s[start..].trim().is_empty() {
        out.push(s[start..].trim());
    }
    out
}

fn full_stop(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() || s.ends_with(['.', '…', '!', '?']) {
        s.to_string()
    } else {
        format!("{}.", s.trim_end_matches([';', ',', ':']))
    }
}

pub(crate) fn first_lower(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(f) => f.to_lowercase().collect::<String>() + cs.as_str(),
        None => String::new(),
    }
}

fn task_status_vi(code: &str) -> &'static str {
    match code {
        "not_started" => "chưa triển khai",
        "in_progress" => "đang triển khai",
        "done" => "đã hoàn thành",
        "done_late" => "hoàn thành chậm",
        "not_done" => "không thực hiện",
        _ => "chưa đánh giá",
    }
}

/// "Số liệu báo cáo của 3 cơ quan, đơn vị chưa hợp lý (Phường A: …; …), đề nghị rà soát": the
/// accepted figures the plausibility rules question, so the reader weighs the totals.
fn implausible_vi(c: &Consolidation, ctx: &Ctx<'_>) -> Option<String> {
    let bad = &c.facts.implausible;
    if bad.is_empty() {
        return None;
    }
    const SHOW: usize = 3;
    let mut named: Vec<String> = bad
        .iter()
        .take(SHOW)
        .map(|b| match b.reasons.first() {
            Some(r) => format!(
                "{}: {}",
                b.agency,
                first_lower(r.trim().trim_end_matches('.'))
            ),
            None => b.agency.clone(),
        })
        .collect();
    if bad.len() > SHOW {
        named.push(format!(
            "{} cơ quan, địa phương khác",
            number_vi((bad.len() - SHOW) as f64)
        ));
    }
    Some(format!(
        "Số liệu báo cáo của {} cơ quan, đơn vị chưa hợp lý ({}); {} đề nghị các cơ quan, đơn vị rà soát, điều chỉnh.",
        number_vi(bad.len() as f64),
        named.join("; "),
        ctx.coordinator
    ))
}

/// Whether a text says no more than that the task has not started.
fn says_not_started(text: &str) -> bool {
    theodoi_text::fold(text)
        .to_lowercase()
        .starts_with("chua trien khai")
}

/// Whether a reported task status counts as under way.
fn started(code: &str) -> bool {
    matches!(code, "in_progress" | "done" | "done_late")
}

/// Why a body's report is not among the accepted ones, said plainly.
pub fn missing_vi(status: &str) -> &'static str {
    match status {
        "submitted" => "đã gửi, chờ Sở Tư pháp tiếp nhận",
        "returned" => "bị trả lại, chưa gửi lại",
        "accepted" => "đã được tiếp nhận",
        _ => "chưa gửi báo cáo",
    }
}

// ---------------------------------------------------------------- grouping near-identical texts

/// Texts grouped when identical or nearly so.
pub struct TextGroup<'a> {
    /// The text printed for the group: its first member's.
    pub text: &'a str,
    /// The bodies that wrote it (each once).
    pub bodies: Vec<&'a str>,
    /// Those of `bodies` whose text was near-identical rather than the same (other figures,
    /// another name): the printed text is not theirs word for word.
    pub similar: Vec<&'a str>,
}

fn fnv(words: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for w in words {
        for b in w.bytes().chain(std::iter::once(b' ')) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The word 3-shingles of a folded text (no diacritics, lower case), hashed, sorted, unique.
/// `folded`: the text lower-cased without marks.
fn shingles(folded: &str) -> Vec<u64> {
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // Word pairs: one word changed in a short sentence still leaves most pairs in common.
    let mut out: Vec<u64> = if words.len() < 2 {
        vec![fnv(&words)]
    } else {
        words.windows(2).map(fnv).collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - both;
    if union == 0 {
        1.0
    } else {
        both as f64 / union as f64
    }
}

const HASHES: usize = 16;
const ROWS: usize = 2;

/// Group (body, text) pairs: identical or near-identical texts (after folding) in one group.
/// Groups come biggest first, ties in the order of their first body's name; bodies in
/// Vietnamese order within a group.
pub fn group_texts<'a>(items: &[(&'a str, &'a str)]) -> Vec<TextGroup<'a>> {
    let mut order: Vec<&(&str, &str)> =
        items.iter().filter(|(_, t)| !t.trim().is_empty()).collect();
    order.sort_by_cached_key(|(a, t)| (collate_key(a), t.to_string()));
    let mut groups: Vec<(Vec<u64>, TextGroup<'a>)> = Vec::new();
    // Many bodies send the very same words: a text seen before goes to its group without being
    // folded again (folding is most of the cost over thousands of bodies).
    // Each text seen maps to its group and whether it is the group's printed text (a text only
    // near it stays "similar" for every body that sends it again).
    let mut verbatim: HashMap<&'a str, (usize, bool)> = HashMap::new();
    let mut exact: HashMap<String, (usize, bool)> = HashMap::new();
    let mut buckets: HashMap<(usize, u64), Vec<usize>> = HashMap::new();
    for (body, text) in order {
        let text: &'a str = text.trim();
        if let Some(&(g, printed)) = verbatim.get(text) {
            join(&mut groups[g].1, body, printed);
            continue;
        }
        let folded = theodoi_text::fold_chars(text);
        let key: String = folded.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(&(g, printed)) = exact.get(&key) {
            join(&mut groups[g].1, body, printed);
            verbatim.insert(text, (g, printed));
            continue;
        }
        let sh = shingles(&folded);
        let sig: Vec<u64> = (0..HASHES)
            .map(|k| {
                sh.iter()
                    .map(|s| mix(s ^ (k as u64).wrapping_mul(0x5851_f42d_4c95_7f2d)))
                    .min()
                    .unwrap_or(0)
            })
            .collect();
        let bands: Vec<(usize, u64)> = sig
            .chunks(ROWS)
            .enumerate()
            .map(|(b, rows)| (b, fnv_u64(rows)))
            .collect();
        let mut candidates: Vec<usize> = bands
            .iter()
            .filter_map(|b| buckets.get(b))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let found = candidates
            .into_iter()
            .find(|&g| jaccard(&groups[g].0, &sh) >= SIMILAR);
        let (g, printed) = match found {
            Some(g) => {
                join(&mut groups[g].1, body, false);
                (g, false)
            }
            None => {
                groups.push((
                    sh,
                    TextGroup {
                        text,
                        bodies: vec![body],
                        similar: Vec::new(),
                    },
                ));
                let g = groups.len() - 1;
                for b in bands {
                    buckets.entry(b).or_default().push(g);
                }
                (g, true)
            }
        };
        exact.insert(key, (g, printed));
        verbatim.insert(text, (g, printed));
    }
    let mut out: Vec<TextGroup<'a>> = groups.into_iter().map(|(_, g)| g).collect();
    // Stable: groups were created in name order, so ties keep it.
    out.sort_by_key(|b| std::cmp::Reverse(b.bodies.len()));
    out
}

/// `body` joins the group: as one who wrote its printed text (`printed`), or a text near it.
fn join<'a>(g: &mut TextGroup<'a>, body: &'a str, printed: bool) {
    push_body(g, body);
    if !printed && !g.similar.contains(&body) {
        g.similar.push(body);
    }
}

fn push_body<'a>(g: &mut TextGroup<'a>, body: &'a str) {
    if g.bodies.last() != Some(&body) && !g.bodies.contains(&body) {
        g.bodies.push(body);
    }
}

fn fnv_u64(xs: &[u64]) -> u64 {
    xs.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, x| mix(h ^ x))
}

// ---------------------------------------------------------------- sections

fn intro(c: &Consolidation, ctx: &Ctx<'_>) -> DraftSection {
    let f = &c.facts;
    let date = f
        .plan_date
        .map(|d| format!(" ngày {}", date_vi(d)))
        .unwrap_or_default();
    let about = if c.plan_title.trim().is_empty() {
        String::new()
    } else {
        format!(" về {}", first_lower(c.plan_title.trim()))
    };
    let mut groups = [false; 3];
    for b in &f.bodies {
        groups[kind_group(&b.kind)] = true;
    }
    let from = match (groups[0], groups[1]) {
        (true, true) => "các sở, ban, ngành và Ủy ban nhân dân các xã, phường".to_string(),
        (true, false) => "các sở, ban, ngành".to_string(),
        (false, true) => "Ủy ban nhân dân các xã, phường".to_string(),
        _ => "các cơ quan, đơn vị, địa phương".to_string(),
    };
    DraftSection {
        key: "intro".into(),
        heading: String::new(),
        level: 0,
        text: format!(
            "Thực hiện Kế hoạch số {}{date} của {}{about} (sau đây gọi là Kế hoạch), trên cơ sở báo cáo của {from}, {} tổng hợp, báo cáo kết quả thực hiện {} như sau:",
            c.plan_number,
            ctx.superior,
            ctx.coordinator,
            c.round_label.to_lowercase()
        ),
        material: vec![Material {
            title: "Kế hoạch và kỳ báo cáo".into(),
            lines: vec![
                format!("Kế hoạch số {}{date}: {}", c.plan_number, c.plan_title),
                format!("Kỳ báo cáo: {}", c.round_label),
                format!(
                    "{}/{} cơ quan, đơn vị, địa phương có báo cáo được tiếp nhận",
                    c.accepted, c.expected
                ),
            ],
        }],
    }
}

/// I. Công tác chỉ đạo, triển khai: the cascade of plans and the round's own reporting.
fn direction(c: &Consolidation, ctx: &Ctx<'_>) -> DraftSection {
    let f = &c.facts;
    let mut paras = Vec::new();
    let mut material = Vec::new();
    let as_of = f
        .window_end
        .map(|d| format!("Đến ngày {}, ", day_vi(d)))
        .unwrap_or_else(|| "Đến nay, ".into());
    if !f.cascade.is_empty() && !cascade_tracked(c) {
        // Nobody has recorded a plan: the system does not know, so the draft does not claim
        // that nobody issued one.
        paras.push(format!(
            "{as_of}chưa có cơ quan, đơn vị, địa phương nào cập nhật kế hoạch triển khai thực hiện Kế hoạch trên hệ thống theo dõi; {} tiếp tục đôn đốc, tổng hợp.",
            ctx.coordinator
        ));
    } else if !f.cascade.is_empty() {
        let mut counts = [(0usize, 0usize); 3];
        for p in &f.cascade {
            let g = &mut counts[kind_group(&p.kind)];
            g.1 += 1;
            g.0 += usize::from(p.issued);
        }
        let issued: usize = counts.iter().map(|c| c.0).sum();
        let total = f.cascade.len();
        // Who must issue a plan (the bodies the UBND directs, the Sở Tư pháp among them) is not
        // who reports (organisations only asked to report, the Sở not counted): the total is
        // said, so the two counts are not read as one.
        let mut s = format!(
            "{as_of}có {} đã ban hành kế hoạch triển khai thực hiện Kế hoạch (đạt {} trong tổng số {} cơ quan, đơn vị, địa phương phải ban hành kế hoạch)",
            shares(&counts),
            percent_vi(issued, total),
            number_vi(total as f64)
        );
        let lacking: Vec<String> = counts
            .iter()
            .zip(GROUP_NAMES)
            .filter(|((done, total), _)| total > done)
            .map(|((done, total), name)| format!("{} {name}", number_vi((total - done) as f64)))
            .collect();
        if lacking.is_empty() {
            s.push('.');
        } else {
            s.push_str(&format!(
                "; còn {} chưa ban hành (danh sách tại Phụ lục II).",
                join_vi(&lacking)
            ));
        }
        paras.push(s);
        let mut missing: Vec<&str> = f
            .cascade
            .iter()
            .filter(|p| !p.issued)
            .map(|p| p.agency.as_str())
            .collect();
        sort_vi(&mut missing);
        material.push(Material {
            title: format!("Chưa ban hành kế hoạch triển khai ({})", missing.len()),
            lines: missing.iter().map(|s| s.to_string()).collect(),
        });
    }
    let mut received = format!(
        "{} đã đề nghị {} cơ quan, đơn vị, địa phương báo cáo kết quả thực hiện {}; đã tiếp nhận {} báo cáo (đạt {})",
        ctx.coordinator,
        number_vi(c.expected as f64),
        c.round_label.to_lowercase(),
        number_vi(c.accepted as f64),
        percent_vi(c.accepted, c.expected)
    );
    let by_status = missing_counts(c);
    if by_status.is_empty() {
        received.push('.');
    } else {
        received.push_str(&format!(
            "; {} (danh sách tại Phụ lục II).",
            by_status.join("; ")
        ));
    }
    paras.push(received);
    if !c.tasks.is_empty() {
        paras.push(format!(
            "Kết quả thực hiện từng nhiệm vụ được tổng hợp tại mục II; báo cáo đầy đủ của từng cơ quan, đơn vị, địa phương được lưu tại hồ sơ theo dõi của {}.",
            ctx.coordinator
        ));
    }
    material.push(Material {
        title: "Báo cáo của các cơ quan".into(),
        lines: vec![
            format!("Đề nghị báo cáo: {}", c.expected),
            format!("Đã tiếp nhận: {}", c.accepted),
        ]
        .into_iter()
        .chain(by_status)
        .collect(),
    });
    DraftSection {
        key: "I".into(),
        heading: "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI".into(),
        level: 1,
        text: paras.join("\n\n"),
        material,
    }
}

/// "12 cơ quan chưa gửi báo cáo", "3 cơ quan đã gửi, chờ Sở Tư pháp tiếp nhận", …
fn missing_counts(c: &Consolidation) -> Vec<String> {
    let mut n = [0usize; 3];
    for m in &c.missing {
        match m.status.as_str() {
            "submitted" => n[1] += 1,
            "returned" => n[2] += 1,
            "accepted" => {}
            _ => n[0] += 1,
        }
    }
    [
        "chưa gửi báo cáo",
        "đã gửi, chờ Sở Tư pháp tiếp nhận",
        "bị trả lại, chưa gửi lại",
    ]
    .iter()
    .zip(n)
    .filter(|(_, k)| *k > 0)
    .map(|(s, k)| format!("{} cơ quan {s}", number_vi(k as f64)))
    .collect()
}

/// Where tasks stand in the plan, as a reader of the plan finds them: "mục II.1 Kế hoạch";
/// the appendix table's rows ("PL.3") are "mục 3 Phụ lục Kế hoạch"; both kinds apart by "; ".
pub fn cite(refs: &[&str]) -> String {
    let (appendix, body): (Vec<&str>, Vec<&str>) =
        refs.iter().copied().partition(|r| r.starts_with("PL."));
    let mut parts = Vec::new();
    if !body.is_empty() {
        let body: Vec<String> = body.iter().map(|r| r.to_string()).collect();
        parts.push(format!("mục {} Kế hoạch", join_vi(&body)));
    }
    if !appendix.is_empty() {
        let rows: Vec<String> = appendix
            .iter()
            .map(|r| r.trim_start_matches("PL.").to_string())
            .collect();
        parts.push(format!("mục {} Phụ lục Kế hoạch", join_vi(&rows)));
    }
    parts.join("; ")
}

/// A task's heading: "1. <title> (mục II.1 Kế hoạch)", a long title cut at a word.
fn task_heading(n: usize, t: &TaskNarrative) -> String {
    let title = t.title.split_whitespace().collect::<Vec<_>>().join(" ");
    // A plan's task titles run to 400 characters; a heading cut mid-phrase ("…xử lý…") is not
    // what the plan says, so only a title past any real task's length is cut.
    let title = if title.chars().count() > 480 {
        trim_to(&title, 450).trim_end_matches('.').to_string()
    } else {
        title.trim_end_matches(['.', ';', ':']).to_string()
    };
    format!("{n}. {title} ({})", cite(&[&t.reference]))
}

/// II.n: one task — the lead's results first, then the coordinating bodies counted and their
/// texts grouped.
fn task_section(n: usize, t: &TaskNarrative, ctx: &Ctx<'_>, budget: usize) -> DraftSection {
    let assigned = assignments_of(ctx, t);
    let mut paras: Vec<String> = Vec::new();
    let mut material: Vec<Material> = Vec::new();
    let leads: Vec<&crate::TaskEntry> = t.entries.iter().filter(|e| e.role == Role::Lead).collect();
    let coords: Vec<&crate::TaskEntry> =
        t.entries.iter().filter(|e| e.role != Role::Lead).collect();
    let lead_budget = budget * 2 / 5 / leads.len().max(1);
    // The lead's own words first.
    let mut lead_text: Vec<String> = Vec::new();
    for e in &leads {
        let text = trim_to(&e.results, lead_budget.max(200));
        lead_text.push(if text.is_empty() {
            format!(
                "{} (cơ quan chủ trì) báo cáo nhiệm vụ {}, chưa nêu kết quả cụ thể.",
                e.agency,
                task_status_vi(&e.status)
            )
        } else if !started(&e.status) && says_not_started(&text) {
            // "(cơ quan chủ trì, chưa triển khai): Chưa triển khai…" says it twice.
            format!("{} (cơ quan chủ trì): {}", e.agency, first_lower(&text))
        } else if let Some(rest) = text
            .strip_prefix(e.agency.as_str())
            .filter(|r| r.starts_with(' '))
        {
            // "Sở Tư pháp (…): Sở Tư pháp đã ban hành…" names the body twice.
            format!(
                "{} (cơ quan chủ trì, {}){rest}",
                e.agency,
                task_status_vi(&e.status)
            )
        } else {
            format!(
                "{} (cơ quan chủ trì, {}): {text}",
                e.agency,
                task_status_vi(&e.status)
            )
        });
    }
    material.push(Material {
        title: "Báo cáo của cơ quan chủ trì".into(),
        lines: leads
            .iter()
            .map(|e| {
                format!(
                    "{} ({}): {}",
                    e.agency,
                    task_status_vi(&e.status),
                    e.results.trim()
                )
            })
            .collect(),
    });
    let reported: HashSet<&str> = t.entries.iter().map(|e| e.agency.as_str()).collect();
    let lead_missing: Vec<&AssignmentFact> = assigned
        .iter()
        .filter(|a| a.role == Role::Lead && !reported.contains(a.agency.as_str()))
        .copied()
        .collect();
    if !lead_missing.is_empty() {
        let who: Vec<String> = lead_missing
            .iter()
            .map(|a| format!("{} — {}", a.agency, missing_vi(&a.status)))
            .collect();
        lead_text.push(format!(
            "Cơ quan chủ trì chưa báo cáo kết quả ({}).",
            who.join("; ")
        ));
    } else if leads.is_empty() {
        lead_text.push("Cơ quan chủ trì chưa báo cáo kết quả.".into());
    }
    paras.extend(lead_text);
    // The coordinating bodies: counts, then their texts grouped.
    let coord_expected: Vec<&AssignmentFact> = assigned
        .iter()
        .filter(|a| a.role != Role::Lead)
        .copied()
        .collect();
    let total = coord_expected.len().max(coords.len());
    if total > 0 {
        let under_way = coords.iter().filter(|e| started(&e.status)).count();
        let mut s = format!(
            "{}/{} cơ quan phối hợp đã báo cáo",
            number_vi(coords.len() as f64),
            number_vi(total as f64)
        );
        let how: Vec<String> = [
            (under_way, "đã triển khai"),
            (coords.len() - under_way, "chưa triển khai"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{} {what}", number_vi(*n as f64)))
        .collect();
        if !how.is_empty() {
            s.push_str(&format!(" ({})", how.join(", ")));
        }
        let silent: Vec<&str> = coord_expected
            .iter()
            .filter(|a| !reported.contains(a.agency.as_str()))
            .map(|a| a.agency.as_str())
            .collect();
        if !silent.is_empty() {
            s.push_str(&format!(
                "; {} cơ quan chưa có báo cáo được tiếp nhận ({})",
                number_vi(silent.len() as f64),
                name_list(&silent, 3)
            ));
        }
        s.push('.');
        // Bodies that only say they have not started are in the counts above; a bullet of them
        // would say "chưa triển khai" again.
        let items: Vec<(&str, &str)> = coords
            .iter()
            .filter(|e| !says_not_started(&e.results))
            .map(|e| (e.agency.as_str(), e.results.as_str()))
            .collect();
        let groups = group_texts(&items);
        let mut left = budget.saturating_sub(
            paras.iter().map(|p| p.chars().count()).sum::<usize>() + s.chars().count(),
        );
        let mut shown = 0;
        let mut bullets = Vec::new();
        for g in &groups {
            if shown == MAX_GROUPS || left < 120 {
                break;
            }
            let text = trim_to(g.text, (left / 2).clamp(120, 400));
            // A text cut mid-sentence ("…tham…") is not printed once others already speak.
            if text.ends_with('…') && !bullets.is_empty() {
                break;
            }
            // Near-identical texts differ in their figures or names: the printed one is credited
            // to those who wrote it, the others said to report alike.
            let exact: Vec<&str> = g
                .bodies
                .iter()
                .copied()
                .filter(|b| !g.similar.contains(b))
                .collect();
            let line = if g.similar.is_empty() {
                format!("- {}: {}", name_list(&g.bodies, 2), text)
            } else {
                format!(
                    "- {}: {} ({} báo cáo nội dung tương tự).",
                    name_list(&exact, 2),
                    text.trim_end_matches('.'),
                    name_list(&g.similar, 2)
                )
            };
            left = left.saturating_sub(line.chars().count());
            bullets.push(line);
            shown += 1;
        }
        let rest: usize = groups[shown..].iter().map(|g| g.bodies.len()).sum();
        if !bullets.is_empty() {
            // The bodies left out are in the tracking file; section I says so once.
            s.push_str(if rest > 0 {
                " Một số kết quả chủ yếu của các cơ quan phối hợp:"
            } else {
                " Kết quả của các cơ quan phối hợp:"
            });
        }
        paras.push(s);
        if !bullets.is_empty() {
            let mut p = String::new();
            for b in &bullets {
                p.push('\n');
                p.push_str(b);
            }
            paras.push(p);
        }
        material.push(Material {
            title: format!("Cơ quan phối hợp — {} nhóm nội dung", groups.len()),
            lines: groups
                .iter()
                .map(|g| {
                    let exact: Vec<&str> = g
                        .bodies
                        .iter()
                        .copied()
                        .filter(|b| !g.similar.contains(b))
                        .collect();
                    let mut line = format!(
                        "{} cơ quan ({}): {}",
                        exact.len(),
                        name_list(&exact, 20),
                        g.text.trim()
                    );
                    if !g.similar.is_empty() {
                        line.push_str(&format!(
                            " — nội dung tương tự, khác số liệu hoặc tên: {}",
                            name_list(&g.similar, 20)
                        ));
                    }
                    line
                })
                .collect(),
        });
        if !silent.is_empty() {
            let mut lines: Vec<String> = coord_expected
                .iter()
                .filter(|a| !reported.contains(a.agency.as_str()))
                .map(|a| format!("{} — {}", a.agency, missing_vi(&a.status)))
                .collect();
            lines.sort_by_cached_key(|l| collate_key(l));
            material.push(Material {
                title: format!(
                    "Cơ quan phối hợp chưa có báo cáo được tiếp nhận ({})",
                    silent.len()
                ),
                lines,
            });
        }
    }
    DraftSection {
        key: format!("II.{}", t.reference),
        heading: task_heading(n, t),
        level: 2,
        text: split_bullets(&paras),
        material,
    }
}

/// Paragraphs joined by blank lines; a paragraph holding "\n- " lines becomes its lead-in and
/// bullets, each its own paragraph.
fn split_bullets(paras: &[String]) -> String {
    paras
        .iter()
        .flat_map(|p| p.split('\n').map(str::to_string))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn assignments_of<'a>(ctx: &Ctx<'a>, t: &TaskNarrative) -> Vec<&'a AssignmentFact> {
    ctx.assignments
        .get(t.reference.as_str())
        .cloned()
        .unwrap_or_default()
}

/// The men/women and ethnic-minority parts of an indicator, where it has those breakdowns.
pub fn sex_and_minority(b: &crate::IndicatorBlock) -> (Option<f64>, Option<f64>, Option<f64>) {
    let mut male = None;
    let mut female = None;
    let mut minority = None;
    for d in &b.breakdowns {
        match d.dimension {
            Dimension::Sex => {
                male = d
                    .categories
                    .iter()
                    .find(|c| c.code == "nam")
                    .map(|c| c.value);
                female = d
                    .categories
                    .iter()
                    .find(|c| c.code == "nu")
                    .map(|c| c.value);
            }
            Dimension::EthnicGroup | Dimension::Ethnicity if minority.is_none() => {
                minority = Some(
                    d.categories
                        .iter()
                        .filter(|c| c.code != "kinh")
                        .map(|c| c.value)
                        .sum(),
                );
            }
            _ => {}
        }
    }
    (male, female, minority)
}

/// "tăng 12,5% so với kỳ trước" / "giảm …" / "bằng kỳ trước".
fn change_vi(b: &crate::IndicatorBlock, previous_label: &str) -> Option<String> {
    let pct = b.change_pct()?;
    let rounded = (pct.abs() * 10.0).round() / 10.0;
    Some(if rounded == 0.0 {
        format!("bằng {previous_label}")
    } else {
        format!(
            "{} {}% so với {previous_label}",
            if pct > 0.0 { "tăng" } else { "giảm" },
            format!("{rounded:.1}").replace('.', ",")
        )
    })
}

/// II.figures: the lead-in of the statistics table (the DOCX draws the table after it).
fn figures(c: &Consolidation) -> DraftSection {
    let lines: Vec<String> = c
        .indicators
        .iter()
        .filter_map(|b| {
            let total = b.total?;
            let mut l = format!("{}: {} {}", b.info.name, number_vi(total), b.info.unit);
            if let Some(p) = b.previous {
                l.push_str(&format!(" (kỳ trước {})", number_vi(p)));
            }
            Some(l)
        })
        .collect();
    let text = if lines.is_empty() {
        "Chưa có số liệu thống kê từ các báo cáo được tiếp nhận.".to_string()
    } else {
        format!(
            "Số liệu tổng hợp từ {} báo cáo đã được tiếp nhận{} (chi tiết theo giới tính, dân tộc, nhóm đối tượng tại Phụ lục III, IV kèm theo):",
            number_vi((c.accepted + c.facts.uncounted_accepted) as f64),
            if c.facts.uncounted_accepted > 0 {
                format!(", kể cả báo cáo của {}", c.facts.coordinator)
            } else {
                String::new()
            }
        )
    };
    DraftSection {
        key: "II.figures".into(),
        heading: format!("{}. Kết quả thống kê chủ yếu", c.tasks.len() + 1),
        level: 2,
        text,
        material: vec![Material {
            title: "Số liệu tổng hợp".into(),
            lines,
        }],
    }
}

/// Counts by group of bodies: (accepted, expected) and (on time, expected).
fn body_counts(c: &Consolidation) -> ([(usize, usize); 3], usize) {
    let mut counts = [(0usize, 0usize); 3];
    let mut on_time = 0;
    for b in &c.facts.bodies {
        let g = &mut counts[kind_group(&b.kind)];
        g.1 += 1;
        g.0 += usize::from(b.status == "accepted");
        on_time += usize::from(b.timeliness == "on_time");
    }
    (counts, on_time)
}

/// III. Đánh giá chung: strengths and shortcomings with the figures that show them.
fn assessment(c: &Consolidation, ctx: &Ctx<'_>) -> DraftSection {
    let previous = c
        .previous_label
        .as_deref()
        .map(|p| format!("kỳ trước ({})", p.to_lowercase()))
        .unwrap_or_else(|| "kỳ trước".into());
    let (counts, on_time) = body_counts(c);
    let mut good = Vec::new();
    let mut weak = Vec::new();
    let mut s = format!(
        "1. Ưu điểm: Các cơ quan, đơn vị, địa phương đã quan tâm triển khai Kế hoạch; {} cơ quan, đơn vị, địa phương có báo cáo được tiếp nhận (đạt {})",
        format_args!(
            "{}/{}",
            number_vi(c.accepted as f64),
            number_vi(c.expected as f64)
        ),
        percent_vi(c.accepted, c.expected)
    );
    if counts.iter().filter(|g| g.1 > 0).count() > 1 {
        s.push_str(&format!(", trong đó {}", shares(&counts)));
    }
    s.push('.');
    good.push(s);
    // Tasks: how many have their lead's results, and how far they are.
    let with_lead = c
        .tasks
        .iter()
        .filter(|t| t.entries.iter().any(|e| e.role == Role::Lead))
        .count();
    let done = c
        .tasks
        .iter()
        .filter(|t| matches!(lead_status(t), Some("done" | "done_late")))
        .count();
    let going = c
        .tasks
        .iter()
        .filter(|t| lead_status(t) == Some("in_progress"))
        .count();
    if !c.tasks.is_empty() {
        good.push(format!(
            "{}/{} nhiệm vụ đã có báo cáo kết quả của cơ quan chủ trì{}.",
            with_lead,
            c.tasks.len(),
            match (done, going) {
                (0, 0) => String::new(),
                (0, g) => format!(", trong đó {g} nhiệm vụ đang triển khai"),
                (d, 0) => format!(", trong đó {d} nhiệm vụ đã hoàn thành"),
                (d, g) =>
                    format!(", trong đó {d} nhiệm vụ đã hoàn thành, {g} nhiệm vụ đang triển khai"),
            }
        ));
    }
    let mut rising: Vec<(&crate::IndicatorBlock, f64)> = c
        .indicators
        .iter()
        .filter_map(|b| Some((b, b.change_pct()?)))
        .collect();
    rising.sort_by(|a, b| b.1.total_cmp(&a.1));
    let ups: Vec<String> = rising
        .iter()
        .filter(|(_, p)| *p >= 5.0)
        .take(2)
        .filter_map(|(b, _)| {
            Some(format!(
                "{} đạt {} {}, {}",
                first_lower(&b.info.name),
                number_vi(b.total?),
                b.info.unit,
                change_vi(b, &previous)?
            ))
        })
        .collect();
    if !ups.is_empty() {
        good.push(format!("Kết quả nổi bật: {}.", ups.join("; ")));
    }
    // Shortcomings.
    if !c.facts.bodies.is_empty() {
        let mut s = format!(
            "2. Hạn chế, nguyên nhân: Tỷ lệ báo cáo đúng hạn đạt {} ({}/{} cơ quan, đơn vị, địa phương)",
            percent_vi(on_time, c.facts.bodies.len()),
            number_vi(on_time as f64),
            number_vi(c.facts.bodies.len() as f64)
        );
        let missing = missing_counts(c);
        if !missing.is_empty() {
            s.push_str(&format!("; còn {}", missing.join("; ")));
        }
        s.push('.');
        weak.push(s);
    } else {
        weak.push(format!(
            "2. Hạn chế, nguyên nhân: Còn {} cơ quan, đơn vị, địa phương chưa có báo cáo được tiếp nhận.",
            number_vi(c.missing.len() as f64)
        ));
    }
    if cascade_tracked(c) {
        let mut counts = [(0usize, 0usize); 3];
        for p in &c.facts.cascade {
            let g = &mut counts[kind_group(&p.kind)];
            g.1 += 1;
            g.0 += usize::from(!p.issued);
        }
        if counts.iter().any(|g| g.0 > 0) {
            let parts: Vec<String> = counts
                .iter()
                .zip(GROUP_NAMES)
                .filter(|(g, _)| g.0 > 0)
                .map(|(g, name)| {
                    format!("{}/{} {name}", number_vi(g.0 as f64), number_vi(g.1 as f64))
                })
                .collect();
            weak.push(format!(
                "Còn {} chưa ban hành kế hoạch triển khai.",
                join_vi(&parts)
            ));
        }
    }
    let no_lead: Vec<&str> = c
        .tasks
        .iter()
        .filter(|t| !t.entries.iter().any(|e| e.role == Role::Lead))
        .map(|t| t.reference.as_str())
        .collect();
    if !no_lead.is_empty() {
        weak.push(format!(
            "Còn {} nhiệm vụ chưa có báo cáo kết quả của cơ quan chủ trì ({}).",
            no_lead.len(),
            cite(&no_lead)
        ));
    }
    let not_started: Vec<&str> = c
        .tasks
        .iter()
        .filter(|t| matches!(lead_status(t), Some("not_started" | "not_done")))
        .map(|t| t.reference.as_str())
        .collect();
    if !not_started.is_empty() {
        weak.push(format!(
            "Còn {} nhiệm vụ cơ quan chủ trì chưa triển khai ({}).",
            not_started.len(),
            cite(&not_started)
        ));
    }
    if let Some(s) = implausible_vi(c, ctx) {
        weak.push(s);
    }
    let downs: Vec<String> = rising
        .iter()
        .rev()
        .filter(|(_, p)| *p <= -5.0)
        .take(2)
        .filter_map(|(b, _)| {
            Some(format!(
                "{} {}",
                first_lower(&b.info.name),
                change_vi(b, &previous)?
            ))
        })
        .collect();
    if !downs.is_empty() {
        weak.push(format!("Một số kết quả giảm: {}.", downs.join("; ")));
    }
    // The causes are the difficulties of section IV: named there once, not copied here.
    if !themes(c, false).is_empty() {
        weak.push(
            "Nguyên nhân chủ yếu là những khó khăn, vướng mắc do các cơ quan, đơn vị, địa phương phản ánh, nêu tại mục IV của báo cáo."
                .into(),
        );
    }
    let _ = ctx;
    let material = vec![Material {
        title: "Số liệu đánh giá".into(),
        lines: vec![
            format!("Báo cáo được tiếp nhận: {}/{}", c.accepted, c.expected),
            format!("Báo cáo đúng hạn: {}/{}", on_time, c.facts.bodies.len()),
            format!(
                "Nhiệm vụ có báo cáo của cơ quan chủ trì: {}/{}",
                with_lead,
                c.tasks.len()
            ),
        ],
    }];
    DraftSection {
        key: "III".into(),
        heading: "III. ĐÁNH GIÁ CHUNG".into(),
        level: 1,
        text: good
            .into_iter()
            .chain(weak)
            .collect::<Vec<_>>()
            .join("\n\n"),
        material,
    }
}

/// Difficulties (or proposals) split into their items and grouped: (text, bodies raising it),
/// most raised first.
fn themes(c: &Consolidation, proposals: bool) -> Vec<(String, usize)> {
    group_texts(&theme_items(c, proposals))
        .into_iter()
        .map(|g| (g.text.trim().to_string(), g.bodies.len()))
        .collect()
}

/// Each body's difficulties (or proposals) cut into sentences, with the escalations' subjects
/// among the difficulties.
fn theme_items(c: &Consolidation, proposals: bool) -> Vec<(&str, &str)> {
    let source = if proposals {
        &c.proposals
    } else {
        &c.difficulties
    };
    let mut v = Vec::new();
    for (body, text) in source {
        for line in text.split('\n') {
            for s in sentences(line.trim().trim_start_matches(['-', '+', '•', ' '])) {
                if s.chars().count() > 8 {
                    v.push((body.as_str(), s));
                }
            }
        }
    }
    if !proposals {
        for e in &c.facts.escalations {
            v.push((e.agency.as_str(), e.subject.as_str()));
        }
    }
    v
}

fn theme_section(c: &Consolidation, proposals: bool, verb: &str) -> (Vec<String>, Vec<Material>) {
    let others = if proposals {
        "đề xuất, kiến nghị khác"
    } else {
        "ý kiến khác về khó khăn, vướng mắc"
    };
    let items = theme_items(c, proposals);
    let groups = group_texts(&items);
    let mut paras = Vec::new();
    for g in groups.iter().take(MAX_THEMES) {
        let text = trim_to(g.text, 300);
        let text = text.trim_end_matches('.');
        paras.push(if g.bodies.len() == 1 {
            format!("- {text} ({}).", g.bodies[0])
        } else {
            format!(
                "- {text} ({} cơ quan, đơn vị {verb}).",
                number_vi(g.bodies.len() as f64)
            )
        });
    }
    if groups.len() > MAX_THEMES {
        let rest: usize = groups[MAX_THEMES..].iter().map(|g| g.bodies.len()).sum();
        paras.push(format!(
            "Ngoài ra, còn {} {others} được tổng hợp trong hồ sơ theo dõi.",
            number_vi(rest as f64)
        ));
    }
    let material = vec![Material {
        title: format!("{} nhóm nội dung", groups.len()),
        lines: groups
            .iter()
            .map(|g| {
                format!(
                    "{} cơ quan ({}): {}",
                    g.bodies.len(),
                    name_list(&g.bodies, 20),
                    g.text.trim()
                )
            })
            .collect(),
    }];
    (paras, material)
}

/// IV. Khó khăn, vướng mắc.
fn difficulties(c: &Consolidation, ctx: &Ctx<'_>) -> DraftSection {
    let (mut paras, mut material) = theme_section(c, false, "phản ánh");
    if paras.is_empty() {
        paras.push(
            "Các cơ quan, đơn vị, địa phương chưa phản ánh khó khăn, vướng mắc trong kỳ.".into(),
        );
    } else {
        paras.insert(
            0,
            "Qua báo cáo của các cơ quan, đơn vị, địa phương, một số khó khăn, vướng mắc chủ yếu như sau:"
                .into(),
        );
    }
    let esc = &c.facts.escalations;
    if !esc.is_empty() {
        let answered = esc.iter().filter(|e| e.status != "open").count();
        let open = esc.len() - answered;
        paras.push(format!(
            "Trong kỳ, các cơ quan, đơn vị đã gửi {} vướng mắc đến {} qua hệ thống theo dõi; {}.",
            number_vi(esc.len() as f64),
            ctx.coordinator,
            match (answered, open) {
                (0, _) => "các vướng mắc đang được xem xét, trả lời".to_string(),
                (a, 0) => format!(
                    "{} vướng mắc đã được trả lời, chuyển xử lý",
                    number_vi(a as f64)
                ),
                (a, o) => format!(
                    "{} vướng mắc đã được trả lời, chuyển xử lý, {} vướng mắc đang được xem xét",
                    number_vi(a as f64),
                    number_vi(o as f64)
                ),
            }
        ));
        material.push(Material {
            title: format!("Vướng mắc gửi qua hệ thống ({})", esc.len()),
            lines: esc
                .iter()
                .map(|e| {
                    format!(
                        "{} — mục {}: {} ({})",
                        e.agency, e.reference, e.subject, e.status
                    )
                })
                .collect(),
        });
    }
    DraftSection {
        key: "IV".into(),
        heading: "IV. KHÓ KHĂN, VƯỚNG MẮC".into(),
        level: 1,
        text: paras.join("\n\n"),
        material,
    }
}

/// V. Phương hướng, nhiệm vụ kỳ tới: the tasks due next period and what lags now.
fn next_period(c: &Consolidation, ctx: &Ctx<'_>) -> DraftSection {
    let f = &c.facts;
    let label = if f.next_label.trim().is_empty() {
        "kỳ tới".to_string()
    } else {
        f.next_label.trim().to_lowercase()
    };
    let mut paras = vec![format!(
        "Trong {label}, {} tiếp tục tham mưu {} chỉ đạo, đôn đốc các cơ quan, đơn vị, địa phương tập trung thực hiện các nhiệm vụ sau:",
        ctx.coordinator, ctx.superior
    )];
    let titles: HashMap<&str, &str> = c
        .tasks
        .iter()
        .map(|t| (t.reference.as_str(), t.title.as_str()))
        .collect();
    // Tasks with the same timeframe in one line: their titles are in section II already, and
    // ten lines ending "thời gian: hàng năm" read as one line copied ten times.
    let mut by_time: Vec<(String, Vec<&str>)> = Vec::new();
    for (reference, time) in &f.next_due {
        let key = time.split_whitespace().collect::<Vec<_>>().join(" ");
        match by_time.iter_mut().find(|(t, _)| *t == key) {
            Some((_, refs)) => refs.push(reference.as_str()),
            None => by_time.push((key, vec![reference.as_str()])),
        }
    }
    for (time, refs) in &by_time {
        // "2025-2030" reads as a subtraction; a period is "giai đoạn 2025 - 2030".
        let time = &match time.split_once('-') {
            Some((a, b))
                if [a, b].iter().all(|y| {
                    y.trim().len() == 4 && y.trim().bytes().all(|c| c.is_ascii_digit())
                }) =>
            {
                format!("giai đoạn {} - {}", a.trim(), b.trim())
            }
            _ => time.clone(),
        };
        let when = if time.is_empty() {
            String::new()
        } else {
            format!("; thời gian: {}", first_lower(time))
        };
        if let [reference] = refs.as_slice() {
            let title = titles.get(reference).copied().unwrap_or("");
            let short = trim_to(title, 450);
            let short = short.trim_end_matches('.');
            paras.push(format!("- {short} ({}{when}).", cite(&[reference])));
        } else {
            let refs: Vec<&str> = refs.to_vec();
            paras.push(format!(
                "- Các nhiệm vụ tại {}{}.",
                cite(&refs),
                if time.is_empty() {
                    String::new()
                } else {
                    format!(" (thời gian: {})", first_lower(time))
                }
            ));
        }
    }
    let no_lead: Vec<&str> = c
        .tasks
        .iter()
        .filter(|t| {
            !t.entries
                .iter()
                .any(|e| e.role == Role::Lead && started(&e.status))
        })
        .map(|t| t.reference.as_str())
        .collect();
    if !no_lead.is_empty() {
        paras.push(format!(
            "- Đôn đốc cơ quan chủ trì các nhiệm vụ chưa triển khai hoặc chưa báo cáo kết quả ({}) khẩn trương thực hiện, báo cáo kết quả.",
            cite(&no_lead)
        ));
    }
    let lacking = if cascade_tracked(c) {
        f.cascade.iter().filter(|p| !p.issued).count()
    } else {
        0
    };
    if lacking > 0 {
        paras.push(format!(
            "- Đôn đốc {} cơ quan, đơn vị, địa phương chưa ban hành kế hoạch triển khai hoàn thành việc ban hành kế hoạch.",
            number_vi(lacking as f64)
        ));
    }
    let (waiting, owing) = missing_split(c);
    if owing > 0 {
        paras.push(format!(
            "- Đôn đốc {} cơ quan, đơn vị, địa phương chưa gửi báo cáo hoặc có báo cáo bị trả lại hoàn thành, gửi báo cáo kỳ này.",
            number_vi(owing as f64)
        ));
    }
    if waiting > 0 {
        paras.push(format!(
            "- Hoàn thành việc xem xét, tiếp nhận {} báo cáo đã gửi, đang chờ {} tiếp nhận.",
            number_vi(waiting as f64),
            ctx.coordinator
        ));
    }
    paras.push(format!(
        "- Tiếp tục theo dõi, kiểm tra việc thực hiện Kế hoạch; tổng hợp, báo cáo {} theo quy định.",
        ctx.superior
    ));
    DraftSection {
        key: "V".into(),
        heading: format!("V. PHƯƠNG HƯỚNG, NHIỆM VỤ {}", label.to_uppercase()),
        level: 1,
        text: paras.join("\n\n"),
        material: vec![Material {
            title: "Nhiệm vụ đến hạn kỳ tới".into(),
            lines: f
                .next_due
                .iter()
                .map(|(r, t)| format!("{r}: {t}"))
                .collect(),
        }],
    }
}

/// (sent and waiting on the coordinator, not sent or returned) among the bodies without an
/// accepted report.
fn missing_split(c: &Consolidation) -> (usize, usize) {
    let waiting = c.missing.iter().filter(|m| m.status == "submitted").count();
    (waiting, c.missing.len() - waiting)
}

/// VI. Đề xuất, kiến nghị.
fn proposals(c: &Consolidation, ctx: &Ctx<'_>) -> DraftSection {
    let (mut paras, material) = theme_section(c, true, "đề xuất");
    if !paras.is_empty() {
        paras.insert(
            0,
            "Các cơ quan, đơn vị, địa phương đề xuất, kiến nghị:".into(),
        );
    }
    let mut own = Vec::new();
    // Reports sent and waiting on the coordinator are its own work, not the bodies' to be
    // told about.
    let (_, owing) = missing_split(c);
    if owing > 0 {
        own.push(format!(
            "- Đề nghị {} chỉ đạo {} cơ quan, đơn vị, địa phương chưa gửi báo cáo hoặc có báo cáo bị trả lại khẩn trương hoàn thành, gửi {} để tổng hợp.",
            ctx.superior,
            number_vi(owing as f64),
            ctx.coordinator
        ));
    }
    if cascade_tracked(c) && c.facts.cascade.iter().any(|p| !p.issued) {
        own.push(format!(
            "- Đề nghị {} chỉ đạo các cơ quan, đơn vị, địa phương chưa ban hành kế hoạch triển khai sớm ban hành, tổ chức thực hiện.",
            ctx.superior
        ));
    }
    if !own.is_empty() {
        paras.push(format!("{} kiến nghị:", ctx.coordinator));
        paras.extend(own);
    }
    if paras.is_empty() {
        paras.push("Chưa có đề xuất, kiến nghị trong kỳ.".into());
    }
    DraftSection {
        key: "VI".into(),
        heading: "VI. ĐỀ XUẤT, KIẾN NGHỊ".into(),
        level: 1,
        text: paras.join("\n\n"),
        material,
    }
}

/// No paragraph printed twice: a repeated bullet is dropped, a repeated paragraph names its
/// section's task so it reads as its own.
fn unique_paragraphs(sections: &mut [DraftSection]) {
    let mut seen: HashSet<String> = HashSet::new();
    for s in sections.iter_mut() {
        let task = s
            .key
            .strip_prefix("II.")
            .filter(|k| *k != "figures")
            .map(str::to_string);
        let mut out: Vec<String> = Vec::new();
        for p in s.text.split("\n\n") {
            let key = theodoi_text::fold(p).to_lowercase();
            if key.trim().is_empty() {
                continue;
            }
            if seen.insert(key) {
                out.push(p.to_string());
            } else if p.starts_with("- ") {
                continue;
            } else if let Some(t) = &task {
                let own = match p.strip_suffix(':') {
                    Some(lead) => format!("{lead} ({}):", cite(&[t])),
                    None => format!("{} ({}).", p.trim_end_matches('.'), cite(&[t])),
                };
                seen.insert(theodoi_text::fold(&own).to_lowercase());
                out.push(own);
            }
        }
        // A lead-in whose bullets were all dropped ends with a full stop instead.
        let n = out.len();
        for i in 0..n {
            let next_is_bullet = out.get(i + 1).is_some_and(|q| q.starts_with("- "));
            if task.is_some() && out[i].ends_with(':') && !next_is_bullet {
                let p = out[i].trim_end_matches(':').to_string();
                out[i] = match p.rfind(". ") {
                    // "…báo cáo. Kết quả chủ yếu…:" loses its last sentence.
                    Some(k)
                        if p[k + 2..].starts_with("Một số kết quả")
                            || p[k + 2..].starts_with("Kết quả của") =>
                    {
                        p[..=k].to_string()
                    }
                    _ => format!("{p}."),
                };
            }
        }
        s.text = out.join("\n\n");
    }
}

/// The status the (first) lead body reported for a task.
fn lead_status(t: &TaskNarrative) -> Option<&str> {
    t.entries
        .iter()
        .find(|e| e.role == Role::Lead)
        .map(|e| e.status.as_str())
}

/// Whether the bodies' own plans are recorded at all: with none recorded, "0/32 đã ban hành"
/// would state what the system does not know.
pub fn cascade_tracked(c: &Consolidation) -> bool {
    c.facts.cascade.iter().any(|p| p.issued)
}
