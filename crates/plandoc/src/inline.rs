//! Assignments written as prose: "Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ và UBND các xã, phường
//! tổ chức tập huấn … trong quý II/2026", "Giao Công an tỉnh chủ trì …", "Sở Văn hóa … phối hợp với
//! Báo tỉnh thực hiện …" (a body that only "phối hợp với" another leads its own sentence), "Đề nghị
//! Ủy ban MTTQ Việt Nam tỉnh phối hợp …" (requested, not instructed).

use crate::lexicon::Lexicon;
use crate::refs;
use theodoi_domain::{AgencyMention, Timeframe, TimeframeKind};

/// What a sentence assigns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inline {
    pub lead: Vec<AgencyMention>,
    pub coordinating: Vec<AgencyMention>,
    /// A time phrase found in the sentence ("trong quý II/2026").
    pub time: Option<Timeframe>,
}

/// Longest subject read as a list of bodies, in chars.
const MAX_SUBJECT: usize = 160;

/// The assignment a sentence makes, when it opens with a body that "chủ trì" or "phối hợp với".
pub fn assignment(text: &str, lex: &Lexicon) -> Option<Inline> {
    let text = crate::lines::strip_marker(text.trim());
    let mut requested = false;
    let f = theodoi_text::fold_chars(text);
    let mut skip = 0;
    for (opener, req) in [("giao ", false), ("de nghi ", true)] {
        if f.starts_with(opener) {
            skip = opener.len();
            requested = req;
            break;
        }
    }
    let f = &f[skip..];
    let text: String = text.chars().skip(skip).collect();
    let by_lead = find_word(f, "chu tri");
    let (subject_end, after) = by_lead
        .map(|at| (at, at + "chu tri".len()))
        .or_else(|| find_word(f, "phoi hop voi").map(|at| (at, at)))
        .or_else(|| {
            // "Đề nghị X phối hợp …": a requested body contributes without "với".
            requested
                .then(|| find_word(f, "phoi hop"))
                .flatten()
                .map(|at| (at, at))
        })?;
    let subject: String = text
        .chars()
        .take(f[..subject_end].chars().count())
        .collect();
    let subject = subject.trim().trim_end_matches(',').trim();
    if subject.is_empty()
        || subject.chars().count() > MAX_SUBJECT
        || subject.contains([';', ':', '.'])
        || !lex.starts_body(subject)
    {
        return None;
    }
    let lead = refs::agencies(subject, requested, lex);
    // After "chủ trì": ", phối hợp với …" or " và phối hợp với …" names the coordinating bodies.
    let rest_f = f[after..].trim_start_matches([',', ' ']);
    let rest_f = rest_f.strip_prefix("va ").unwrap_or(rest_f);
    // "chủ trì, phối hợp các Sở …" may drop "với"; a body that only "phối hợp" needs it.
    let openers: &[&str] = if by_lead.is_some() {
        &["phoi hop voi ", "phoi hop cung ", "phoi hop "]
    } else {
        &["phoi hop voi ", "phoi hop cung "]
    };
    let coord_start = openers.iter().find_map(|p| rest_f.strip_prefix(p));
    let mut coordinating = Vec::new();
    if let Some(list_f) = coord_start {
        let start_chars = f.chars().count() - list_f.chars().count();
        let list: String = text.chars().skip(start_chars).collect();
        let stop = [lex.first_verb(list_f), list_f.find([':', ';', '.', '('])]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(list_f.len());
        let cut: String = list.chars().take(list_f[..stop].chars().count()).collect();
        coordinating = refs::agencies(cut.trim(), false, lex);
    }
    Some(Inline {
        lead,
        coordinating,
        time: time_in(&text),
    })
}

/// "… phối hợp" as whole words in a folded text.
fn find_word(f: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = f[from..].find(word) {
        let at = from + at;
        let end = at + word.len();
        let before = at == 0 || f[..at].ends_with(' ');
        let after = end == f.len() || f[end..].starts_with([' ', ',', ';', ':', '.']);
        if before && after && at > 0 {
            return Some(at);
        }
        from = end;
    }
    None
}

/// Phrases that open a time in a sentence.
const TIME_OPENERS: &[&str] = &[
    "trong quy ",
    "truoc ngay ",
    "trong nam ",
    "trong thang ",
    "hang nam",
    "hang quy",
    "hang thang",
    "dinh ky ",
    "thuong xuyen",
    "giai doan ",
    "quy ",
    "nam 20",
    "sau khi ",
];

/// A time phrase in running text, from its opener to the end of the clause.
pub fn time_in(text: &str) -> Option<Timeframe> {
    let f = theodoi_text::fold_chars(text);
    let at = TIME_OPENERS
        .iter()
        .filter_map(|o| f.find(o))
        .filter(|&at| at == 0 || f[..at].ends_with(' '))
        .min()?;
    let from = f[..at].chars().count();
    let clause: String = text
        .chars()
        .skip(from)
        .take_while(|c| !matches!(c, ';' | ':' | '('))
        .collect();
    let clause = clause.trim_end_matches(['.', ',', ' ']);
    let t = crate::norm::timeframe(clause);
    (!matches!(t.kind, TimeframeKind::Unspecified)).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[AgencyMention]) -> Vec<&str> {
        v.iter().map(|a| a.name.as_str()).collect()
    }

    #[test]
    fn prose() {
        let lex = Lexicon::builtin();
        let a = assignment(
            "Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ và UBND các xã, phường tổ chức tập huấn cho cán bộ trong quý II/2026.",
            lex,
        );
        let a = a.unwrap_or_else(|| panic!("no assignment"));
        assert_eq!(names(&a.lead), ["Sở Tư pháp"]);
        assert_eq!(names(&a.coordinating), ["Sở Nội vụ", "UBND các xã, phường"]);
        assert_eq!(a.time.map(|t| t.kind_name()), Some("quarter"));

        let a = assignment("Giao Công an tỉnh chủ trì triển khai kế hoạch.", lex);
        assert_eq!(
            a.map(|a| names(&a.lead).join("|")).as_deref(),
            Some("Công an tỉnh")
        );

        let a = assignment(
            "Sở Văn hóa, Thể thao và Du lịch phối hợp với Báo tỉnh thực hiện chuyên mục.",
            lex,
        )
        .unwrap_or_else(|| panic!("no assignment"));
        assert_eq!(names(&a.lead), ["Sở Văn hóa, Thể thao và Du lịch"]);
        assert_eq!(names(&a.coordinating), ["Báo tỉnh"]);

        let a = assignment(
            "Đề nghị Ủy ban MTTQ Việt Nam tỉnh phối hợp tuyên truyền.",
            lex,
        )
        .unwrap_or_else(|| panic!("no assignment"));
        assert!(a.lead.iter().all(|m| m.requested_only));
        assert_eq!(names(&a.lead), ["Ủy ban MTTQ Việt Nam tỉnh"]);
        assert!(
            a.coordinating.is_empty(),
            "\"phối hợp tuyên truyền\" names no body"
        );

        assert_eq!(
            assignment("Chủ trì, phối hợp với các Sở tổ chức.", lex),
            None
        );
        assert_eq!(
            assignment("Tổ chức hội nghị, các đơn vị chủ trì.", lex),
            None
        );
    }
}
