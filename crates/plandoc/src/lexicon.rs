//! The reader's knowledge of bodies kept as data: head words that open a body's name, known names,
//! abbreviations, old names of bodies renamed or merged in 2025 (aliases of their successors), and
//! the verbs that end a list of bodies in running text.
//!
//! The default lexicon is compiled in (`lexicon/default.txt`); a caller may add a file of its own
//! in the same format with [`Lexicon::extend`]. The reader never reads files itself.

use std::sync::OnceLock;

/// The default lexicon's text, compiled into the binary.
pub const DEFAULT: &str = include_str!("../lexicon/default.txt");

/// What the reader knows about bodies. Keys are folded (lower case, no diacritics).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lexicon {
    /// Folded head words, longest first.
    heads: Vec<String>,
    /// Known names: (folded, as written).
    names: Vec<(String, String)>,
    /// Abbreviations: (folded abbreviation, expansion).
    abbreviations: Vec<(String, String)>,
    /// Old names: (folded old name, successor as written).
    aliases: Vec<(String, String)>,
    /// Folded verbs that end a list of bodies in prose.
    verbs: Vec<String>,
}

/// A line of a lexicon file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("lexicon line {line}: {reason}")]
pub struct LexiconError {
    pub line: u32,
    pub reason: String,
}

impl Lexicon {
    /// The compiled-in lexicon, parsed once.
    pub fn builtin() -> &'static Lexicon {
        static BUILTIN: OnceLock<Lexicon> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let mut l = Lexicon::default();
            // The compiled-in file is checked by a unit test; a bad line there is skipped.
            let _ = l.extend(DEFAULT);
            l
        })
    }

    /// Add the entries of a lexicon file (sections `[heads]`, `[names]`, `[abbreviations]`,
    /// `[aliases]`, `[verbs]`). Entries already known are kept once.
    pub fn extend(&mut self, text: &str) -> Result<(), LexiconError> {
        let mut section = String::new();
        let mut first_error = None;
        for (i, raw) in text.lines().enumerate() {
            let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let t = theodoi_text::clean(raw);
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            if let Some(name) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                section = name.trim().to_lowercase();
                continue;
            }
            let err = |reason: &str| LexiconError {
                line,
                reason: reason.to_string(),
            };
            let res = match section.as_str() {
                "heads" => {
                    push_unique(&mut self.heads, fold(&t));
                    Ok(())
                }
                "names" => {
                    let f = fold(&t);
                    if !self.names.iter().any(|(k, _)| *k == f) {
                        self.names.push((f, t.clone()));
                    }
                    Ok(())
                }
                "verbs" => {
                    push_unique(&mut self.verbs, fold(&t));
                    Ok(())
                }
                "abbreviations" => match t.split_once('=') {
                    Some((a, e)) if !a.trim().is_empty() && !e.trim().is_empty() => {
                        self.abbreviations
                            .push((fold(a.trim()), e.trim().to_string()));
                        Ok(())
                    }
                    _ => Err(err("an abbreviation is written \"ABBR = words\"")),
                },
                "aliases" => match t.split_once("=>") {
                    Some((a, e)) if !a.trim().is_empty() && !e.trim().is_empty() => {
                        self.aliases.push((fold(a.trim()), e.trim().to_string()));
                        Ok(())
                    }
                    _ => Err(err("an alias is written \"old name => new name\"")),
                },
                "" => Err(err("an entry before any [section]")),
                _ => Err(err(&format!("unknown section [{section}]"))),
            };
            if let Err(e) = res {
                first_error.get_or_insert(e);
            }
        }
        self.heads.sort_by_key(|h| std::cmp::Reverse(h.len()));
        self.names.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
        first_error.map_or(Ok(()), Err)
    }

    /// The builtin lexicon with a caller's file added.
    pub fn with(text: &str) -> Result<Lexicon, LexiconError> {
        let mut l = Self::builtin().clone();
        l.extend(text)?;
        Ok(l)
    }

    /// Whether `piece` opens a body's name: a capitalised head word or known name, an
    /// abbreviation, or a group opener ("các …", "những …").
    pub fn starts_body(&self, piece: &str) -> bool {
        let piece = piece.trim();
        let f = theodoi_text::fold_chars(piece);
        if f.starts_with("cac ") || f.starts_with("nhung ") {
            return true;
        }
        if !crate::lines::starts_upper(piece) {
            return false;
        }
        let word_prefix = |h: &str| {
            f.strip_prefix(h)
                .is_some_and(|r| r.is_empty() || r.starts_with(' '))
        };
        self.heads.iter().any(|h| word_prefix(h))
            || self.names.iter().any(|(k, _)| word_prefix(k))
            || self.abbreviations.iter().any(|(k, _)| word_prefix(k))
    }

    /// The known name `rest` (folded) starts with, if any: its folded length in chars.
    pub fn known_name_at(&self, folded: &str) -> Option<usize> {
        self.names.iter().find_map(|(k, _)| {
            folded
                .strip_prefix(k.as_str())
                .filter(|r| r.is_empty() || r.starts_with([' ', ',', ';', '.', ')']))
                .map(|_| k.chars().count())
        })
    }

    /// Whether the separator joining `last` and the next piece into `joined` lies inside a known
    /// name: the name starts with `joined` followed by more words ("Báo và Phát thanh" of "Báo và
    /// Phát thanh, Truyền hình tỉnh"), or `joined` starts with the whole name and goes on to a
    /// place ("Văn phòng HĐND và UBND" of "Văn phòng HĐND và UBND xã").
    pub fn continues_name(&self, last: &str, joined: &str) -> bool {
        let l = fold(last);
        let f = fold(joined);
        self.names.iter().any(|(k, _)| {
            (k.len() > f.len() && k.starts_with(f.as_str()))
                || (k.len() > l.len()
                    && f.strip_prefix(k.as_str())
                        .is_some_and(|r| r.is_empty() || r.starts_with(' ')))
        })
    }

    /// The successor of a body known by an old name ("Sở Thông tin và Truyền thông" → "Sở Khoa học
    /// và Công nghệ"). The old name may be followed by a place ("… tỉnh").
    pub fn successor(&self, name: &str) -> Option<&str> {
        let f = fold(name);
        self.aliases
            .iter()
            .find(|(k, _)| {
                f == *k
                    || f.strip_prefix(k.as_str())
                        .is_some_and(|r| r.starts_with(' ') && r.split_whitespace().count() <= 2)
            })
            .map(|(_, s)| s.as_str())
    }

    /// Where in `folded` (a folded text) the first verb of the lexicon starts after a space,
    /// outside the known names it holds ("đào tạo" in "Sở Giáo dục và Đào tạo" is no verb).
    pub fn first_verb(&self, folded: &str) -> Option<usize> {
        let in_name: Vec<(usize, usize)> = self
            .names
            .iter()
            .flat_map(|(k, _)| {
                folded
                    .match_indices(k.as_str())
                    .map(|(at, m)| (at, at + m.len()))
            })
            .collect();
        self.verbs
            .iter()
            .filter_map(|v| {
                let mut from = 0;
                while let Some(at) = folded[from..].find(v.as_str()) {
                    let at = from + at;
                    let end = at + v.len();
                    let before_ok = at > 0
                        && folded[..at].ends_with(' ')
                        && !in_name.iter().any(|&(a, b)| a <= at && at < b);
                    let after_ok = folded[end..].is_empty()
                        || folded[end..].starts_with([' ', ',', ';', '.', ':']);
                    if before_ok && after_ok {
                        return Some(at);
                    }
                    from = end;
                }
                None
            })
            .min()
    }
}

fn fold(s: &str) -> String {
    theodoi_text::fold_chars(&crate::norm::clean(s))
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !s.is_empty() && !v.contains(&s) {
        v.push(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_reads_cleanly() {
        let mut l = Lexicon::default();
        assert_eq!(l.extend(DEFAULT), Ok(()));
        assert!(l.heads.len() > 30);
        assert!(l.names.len() > 20);
        assert!(l.verbs.len() > 20);
    }

    #[test]
    fn bodies_and_aliases() {
        let l = Lexicon::builtin();
        assert!(l.starts_body("Sở Tư pháp"));
        assert!(l.starts_body("UBND các xã"));
        assert!(l.starts_body("các cơ quan liên quan"));
        assert!(l.starts_body("Đồng chí Phó Chủ tịch Thường trực"));
        assert!(!l.starts_body("sở tư pháp"));
        assert!(!l.starts_body("Thể thao"));
        assert!(!l.starts_body("Sởi"));
        assert_eq!(
            l.successor("Sở Thông tin và Truyền thông tỉnh"),
            Some("Sở Khoa học và Công nghệ")
        );
        assert_eq!(l.successor("Sở Tư pháp"), None);
        let f = theodoi_text::fold_chars("Sở Nội vụ tổ chức tập huấn");
        assert_eq!(l.first_verb(&f), Some("so noi vu ".len()));
        let f = theodoi_text::fold_chars("Sở Giáo dục và Đào tạo, UBND các xã tổ chức");
        assert_eq!(
            l.first_verb(&f),
            Some("so giao duc va dao tao, ubnd cac xa ".len())
        );
    }

    #[test]
    fn a_callers_file_adds_entries_and_names_bad_lines() {
        let l = Lexicon::with("[heads]\nNhà văn hóa\n[aliases]\nSở Cũ => Sở Mới\n");
        let l = l.unwrap_or_default();
        assert!(l.starts_body("Nhà văn hóa tỉnh"));
        assert_eq!(l.successor("Sở Cũ"), Some("Sở Mới"));
        assert!(l.starts_body("Sở Tư pháp"), "the builtin entries stay");
        let bad = Lexicon::with("Sở X\n[aliases]\nno arrow here\n");
        assert_eq!(bad.err().map(|e| e.line), Some(1));
    }
}
