//! Part II of the báo cáo in the order a reader asked for: the plan's, or grouped under the
//! recommendations or Covenant articles the tasks carry out. The DOCX and the draft page share it,
//! so the page shows what the file will print.

use crate::Consolidation;

/// A section's place in print order: its index in the drafted order, the group heading it opens,
/// the line naming the other recommendations or articles its task also serves, and the groups
/// printed after it whose tasks all stand under an earlier heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arranged {
    pub index: usize,
    pub group: Option<String>,
    /// Grouped, a task's heading numbered again in print order ("1. …", "2. …"), since the
    /// plan's order no longer holds; the plan's own place stays in its "(mục II.1 Kế hoạch)".
    pub heading: Option<String>,
    pub also: Option<String>,
    pub after: Vec<SeeAlso>,
}

/// After a group's last section, the tasks serving it that are printed under another heading:
/// with `heading` when no task stands under it (it still gets its heading in the document's
/// order), a line saying where their results stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeeAlso {
    pub heading: Option<String>,
    pub line: String,
}

/// One group of part II: a recommendation (symbol, place in the document) or an article, with
/// its heading; `None` is "Nhiệm vụ khác", last.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum GroupKey {
    /// (the document's place among the documents, its symbol, the recommendation's place in it)
    Rec(usize, String, theodoi_domain::recommendation::RecKey),
    Article(u8),
}

/// A group a task belongs to, with the group's heading.
type Link = (GroupKey, String);

/// Sections in print order. Grouped, each task section appears once, under its first
/// recommendation (or article) in the document's order, with a line naming the others it also
/// serves; every other recommendation a task serves gets its heading too, in its place, saying
/// which section reports on it; tasks with no link come last under "Nhiệm vụ khác". `headings`
/// are the sections' headings, parallel to `keys`.
pub fn arrange(
    c: &Consolidation,
    keys: &[&str],
    headings: &[&str],
    group: crate::Grouping,
) -> Vec<Arranged> {
    let plain = |index| Arranged {
        index,
        group: None,
        heading: None,
        also: None,
        after: Vec::new(),
    };
    let linked = |t: &crate::TaskNarrative| match group {
        crate::Grouping::Plan => false,
        crate::Grouping::Recommendations => !t.recommendations.is_empty(),
        crate::Grouping::Articles => !t.articles.is_empty(),
    };
    // Grouping when no task has a link would only add an empty "other tasks" heading.
    if !c.tasks.iter().any(linked) {
        return (0..keys.len()).map(plain).collect();
    }
    // The documents in order of how many of the plan's links they take (the one the plan
    // carries out first), then by symbol.
    let sources: Vec<&str> = {
        let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for r in c.tasks.iter().flat_map(|t| t.recommendations.iter()) {
            *counts.entry(r.symbol.as_str()).or_default() += 1;
        }
        let mut v: Vec<(&str, usize)> = counts.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.into_iter().map(|(s, _)| s).collect()
    };
    let several_sources = sources.len() > 1;
    let place_of = |symbol: &str| {
        sources
            .iter()
            .position(|s| *s == symbol)
            .unwrap_or(usize::MAX)
    };
    // (group key, heading) of each task's links in the document's order.
    let links_of = |reference: &str| -> Vec<Link> {
        let Some(t) = c.tasks.iter().find(|t| t.reference == reference) else {
            return Vec::new();
        };
        let mut out: Vec<Link> = match group {
            crate::Grouping::Plan => Vec::new(),
            crate::Grouping::Recommendations => t
                .recommendations
                .iter()
                .map(|r| {
                    let (symbol, key) = r.key();
                    let number = r.number();
                    let mut heading = format!("Khuyến nghị đoạn {number}");
                    if several_sources {
                        heading.push_str(&format!(" ({})", r.symbol));
                    }
                    if !r.title.trim().is_empty() {
                        heading.push_str(&format!(". {}", r.title.trim()));
                    }
                    (
                        GroupKey::Rec(place_of(symbol), symbol.to_string(), key),
                        heading,
                    )
                })
                .collect(),
            crate::Grouping::Articles => t
                .articles
                .iter()
                .map(|a| {
                    let heading = match theodoi_domain::recommendation::covenant::article(*a) {
                        Some(art) => format!("Điều {a}. {}", art.title_vi),
                        None => format!("Điều {a}"),
                    };
                    (GroupKey::Article(*a), heading)
                })
                .collect(),
        };
        out.sort();
        out.dedup_by(|x, y| x.0 == y.0);
        out
    };
    // "21(b)", "CCPR/C/VNM/CO/4 đoạn 21(b)" when several documents are cited; "14".
    let short = |k: &GroupKey| match k {
        GroupKey::Rec(_, symbol, key) => {
            let r = crate::RecLink {
                symbol: symbol.clone(),
                paragraph: key.paragraph,
                sub: key.sub.clone(),
                title: String::new(),
            };
            if several_sources {
                format!("{symbol} đoạn {}", r.number())
            } else {
                r.number()
            }
        }
        GroupKey::Article(a) => a.to_string(),
    };
    // The group as a place in the report: "thuộc mục Khuyến nghị đoạn 21(b)", "thuộc mục Điều 14".
    let place = |k: &GroupKey| match k {
        GroupKey::Rec(..) if several_sources => format!("thuộc mục Khuyến nghị {}", short(k)),
        GroupKey::Rec(..) => format!("thuộc mục Khuyến nghị đoạn {}", short(k)),
        GroupKey::Article(_) => format!("thuộc mục Điều {}", short(k)),
    };
    let also_line = |links: &[Link]| -> Option<String> {
        let rest = links.get(1..).filter(|r| !r.is_empty())?;
        let names: Vec<String> = rest.iter().map(|(k, _)| short(k)).collect();
        let names = crate::draft::join_vi(&names);
        let articles = if rest.len() > 1 {
            "các Điều"
        } else {
            "Điều"
        };
        Some(match group {
            crate::Grouping::Articles => {
                format!("(đồng thời liên quan {articles} {names} của Công ước)")
            }
            _ if several_sources => format!("(đồng thời thực hiện khuyến nghị {names})"),
            _ => format!("(đồng thời thực hiện khuyến nghị đoạn {names})"),
        })
    };
    let is_task = |k: &str| k.starts_with("II.") && k != "II.figures";
    let first_task = keys.iter().position(|k| is_task(k)).unwrap_or(keys.len());
    let mut out: Vec<Arranged> = (0..first_task).map(plain).collect();
    // (first link with its heading, the cross-reference line, the section's index)
    let mut tasks: Vec<(Option<Link>, Option<String>, usize)> = Vec::new();
    // Each group a task serves by a later link: its heading, and the sections reporting on it
    // with the place each stands in.
    let mut later: std::collections::BTreeMap<GroupKey, (String, Vec<(usize, String)>)> =
        std::collections::BTreeMap::new();
    for (i, k) in keys.iter().enumerate().filter(|(_, k)| is_task(k)) {
        let links = links_of(k.strip_prefix("II.").unwrap_or_default());
        let also = also_line(&links);
        let first = links.first().map(|l| place(&l.0));
        for (key, heading) in links.iter().skip(1) {
            let entry = later
                .entry(key.clone())
                .or_insert_with(|| (heading.clone(), Vec::new()));
            entry.1.push((i, first.clone().unwrap_or_default()));
        }
        tasks.push((links.into_iter().next(), also, i));
    }
    // Stable: the plan's order within a group.
    tasks.sort_by(|a, b| match (&a.0, &b.0) {
        (Some(x), Some(y)) => x.0.cmp(&y.0),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let mut current: Option<Option<GroupKey>> = None;
    let task_start = out.len();
    let mut placed_keys: Vec<Option<GroupKey>> = Vec::new();
    // The headings in print order: "N. " before the title, numbered again.
    let mut renumbered: std::collections::HashMap<usize, String> = std::collections::HashMap::new();
    for (n, (_, _, s)) in tasks.iter().enumerate() {
        let h = headings.get(*s).map_or("", |h| h.trim());
        let title = match h.split_once(". ") {
            Some((num, rest)) if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) => rest,
            _ => h,
        };
        renumbered.insert(*s, format!("{}. {title}", n + 1));
    }
    for (first, also, s) in tasks {
        let key = first.as_ref().map(|f| f.0.clone());
        placed_keys.push(key.clone());
        let group = if current.as_ref() != Some(&key) {
            current = Some(key);
            Some(first.map_or_else(|| "Nhiệm vụ khác".to_string(), |f| f.1))
        } else {
            None
        };
        out.push(Arranged {
            index: s,
            group,
            heading: renumbered.get(&s).cloned(),
            also,
            after: Vec::new(),
        });
    }
    // After a group's last section (or, for a group no task stands under, after the last
    // section of the group before it: a task's first link comes before its others, so there
    // always is one), where the tasks serving it by a later link stand.
    for (key, (heading, reporting)) in later {
        let own = placed_keys.iter().rposition(|k| k.as_ref() == Some(&key));
        let at = own.or_else(|| {
            placed_keys
                .iter()
                .rposition(|k| k.as_ref().is_some_and(|k| *k < key))
        });
        let Some(at) = at else { continue };
        let sections: Vec<String> = reporting
            .iter()
            .map(|(i, place)| {
                let title = renumbered
                    .get(i)
                    .map(String::as_str)
                    .or_else(|| headings.get(*i).map(|h| h.trim()))
                    .unwrap_or_default();
                format!("\u{201C}{title}\u{201D} ({place})")
            })
            .collect();
        let sections = crate::draft::join_vi(&sections);
        let line = match (&key, own.is_some()) {
            (GroupKey::Article(_), false) => {
                format!("Kết quả liên quan điều này được báo cáo tại {sections}.")
            }
            (GroupKey::Article(_), true) => {
                format!("Kết quả liên quan điều này còn được báo cáo tại {sections}.")
            }
            (GroupKey::Rec(..), false) => {
                format!("Kết quả thực hiện khuyến nghị này được báo cáo tại {sections}.")
            }
            (GroupKey::Rec(..), true) => {
                format!("Kết quả thực hiện khuyến nghị này còn được báo cáo tại {sections}.")
            }
        };
        out[task_start + at].after.push(SeeAlso {
            heading: own.is_none().then_some(heading),
            line,
        });
    }
    out.extend(
        (first_task..keys.len())
            .filter(|i| keys.get(*i).is_some_and(|k| !is_task(k)))
            .map(plain),
    );
    out
}
