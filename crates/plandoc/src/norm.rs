//! The reader's hot text operations, with the same results as `theodoi_text` but without its cost
//! where the work can be seen to be unneeded.
//!
//! [`clean`] is `theodoi_text::clean` with a fast path: a line made only of characters that are
//! their own NFC whatever surrounds them (everything below U+0300, the precomposed Vietnamese
//! letters U+1EA0–U+1EF9, common punctuation) is already NFC, so the normalisation — most of the
//! parser's time, measured by the parse benchmark — is skipped; any other line goes through
//! `theodoi_text::clean` itself. [`mention`] is `AgencyMention::new`, and [`timeframe`] is
//! `Timeframe::parse`, remembered per text for the length of one parse: a plan names the same few
//! bodies and times again and again, and each costs several normalisations.
//! Property tests hold both to the originals.

use std::cell::RefCell;
use std::collections::HashMap;
use theodoi_domain::{AgencyMention, Timeframe};

/// A character that is NFC on its own and never composes with a neighbour: its NFC quick check
/// is Yes and its canonical combining class 0 (a test checks every one).
fn nfc_starter(c: char) -> bool {
    matches!(
        u32::from(c),
        0..=0x2FF | 0x1EA0..=0x1EF9 | 0x2010..=0x2027 | 0x2030..=0x203A | 0x20AB | 0x2212
    )
}

/// What [`clean`] does with a character.
enum Step {
    /// Kept as it is.
    Keep,
    /// White space: one space between words.
    Space,
    /// A soft hyphen: dropped.
    Drop,
    /// A dash variant: '-'.
    Dash,
    /// Not known to be NFC: the whole text goes through `theodoi_text::clean`.
    Normalize,
}

/// The step for `c`, by code point: Unicode's White_Space list, the dashes `theodoi_text` unifies,
/// the NFC starters of [`nfc_starter`] (a test compares all three with the originals over every
/// code point).
fn step(c: char) -> Step {
    match u32::from(c) {
        0x09..=0x0D | 0x20 => Step::Space,
        0..=0x7F => Step::Keep,
        0xAD => Step::Drop,
        0x85 | 0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000 => {
            Step::Space
        }
        0x2010..=0x2015 | 0x2212 | 0xFE63 | 0xFF0D => Step::Dash,
        _ if nfc_starter(c) => Step::Keep,
        _ => Step::Normalize,
    }
}

/// The step and the UTF-8 length of the character at byte `i` of `s` (a char boundary). The
/// common cases — ASCII, Latin letters U+00C0–U+02FF, the Vietnamese letters U+1EA0–U+1EF9 — are
/// told by their bytes without decoding them.
fn step_at(s: &str, i: usize) -> Option<(Step, usize)> {
    let b = s.as_bytes();
    let lead = *b.get(i)?;
    match (lead, b.get(i + 1), b.get(i + 2)) {
        (0x09..=0x0D | 0x20, ..) => Some((Step::Space, 1)),
        (0..=0x7F, ..) => Some((Step::Keep, 1)),
        // U+00C0–U+02FF.
        (0xC3..=0xCB, ..) => Some((Step::Keep, 2)),
        // U+1EA0–U+1EBF and U+1EC0–U+1EF9.
        (0xE1, Some(0xBA), Some(0xA0..=0xBF)) | (0xE1, Some(0xBB), Some(0x80..=0xB9)) => {
            Some((Step::Keep, 3))
        }
        _ => {
            let c = s.get(i..)?.chars().next()?;
            Some((step(c), c.len_utf8()))
        }
    }
}

/// `theodoi_text::clean`: NFC, space and dash variants unified, white space collapsed, zero-width
/// characters and soft hyphens removed, trimmed. One pass; runs of kept characters are copied
/// whole.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    // Where the run of kept characters not yet copied starts.
    let mut run: Option<usize> = None;
    let flush = |out: &mut String, run: &mut Option<usize>, end: usize| {
        if let Some(start) = run.take() {
            out.push_str(s.get(start..end).unwrap_or_default());
        }
    };
    let mut i = 0;
    while let Some((step, len)) = step_at(s, i) {
        match step {
            Step::Keep => {
                if run.is_none() {
                    if pending_space && !out.is_empty() {
                        out.push(' ');
                    }
                    pending_space = false;
                    run = Some(i);
                }
            }
            Step::Space => {
                flush(&mut out, &mut run, i);
                pending_space = true;
            }
            Step::Drop => flush(&mut out, &mut run, i),
            Step::Dash => {
                flush(&mut out, &mut run, i);
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push('-');
            }
            Step::Normalize => return theodoi_text::clean(s),
        }
        i += len;
    }
    flush(&mut out, &mut run, s.len());
    out
}

/// The mentions and times built so far on this thread. Bounded: emptied when one grows past this.
const KEPT: usize = 4096;

thread_local! {
    static MENTIONS: RefCell<HashMap<(String, bool), AgencyMention>> = RefCell::new(HashMap::new());
    static TIMES: RefCell<HashMap<String, Timeframe>> = RefCell::new(HashMap::new());
}

/// Forget the mentions and times built so far: each parse starts afresh, so a benchmark that
/// parses the same text again measures a parse, not a lookup.
pub fn forget() {
    MENTIONS.with(|m| {
        if let Ok(mut m) = m.try_borrow_mut() {
            m.clear();
        }
    });
    TIMES.with(|m| {
        if let Ok(mut m) = m.try_borrow_mut() {
            m.clear();
        }
    });
}

/// `f(key)`, remembered in `cache` by `key`.
fn remembered<K, V>(
    cache: &'static std::thread::LocalKey<RefCell<HashMap<K, V>>>,
    key: K,
    f: impl FnOnce() -> V,
) -> V
where
    K: std::hash::Hash + Eq,
    V: Clone,
{
    cache.with(|m| {
        let Ok(mut m) = m.try_borrow_mut() else {
            return f();
        };
        if let Some(found) = m.get(&key) {
            return found.clone();
        }
        let built = f();
        if m.len() >= KEPT {
            m.clear();
        }
        m.insert(key, built.clone());
        built
    })
}

/// `AgencyMention::new(name, requested)`, built once per name and parse.
pub fn mention(name: &str, requested: bool) -> AgencyMention {
    remembered(&MENTIONS, (name.to_string(), requested), || {
        AgencyMention::new(name, requested)
    })
}

/// `Timeframe::parse(text)`, built once per text and parse.
pub fn timeframe(text: &str) -> Timeframe {
    remembered(&TIMES, text.to_string(), || Timeframe::parse(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use unicode_normalization::char::canonical_combining_class;
    use unicode_normalization::{IsNormalized, is_nfc_quick};

    #[test]
    fn the_fast_characters_are_nfc_starters() {
        for u in (0..=0x2FFFu32)
            .chain(0x1E00..=0x1FFF)
            .chain(0x2000..=0x20FF)
        {
            let Some(c) = char::from_u32(u) else { continue };
            if nfc_starter(c) {
                assert_eq!(
                    is_nfc_quick(std::iter::once(c)),
                    IsNormalized::Yes,
                    "U+{u:04X}"
                );
                assert_eq!(canonical_combining_class(c), 0, "U+{u:04X}");
            }
        }
    }

    /// `theodoi_text::clean`'s dash unification, as the text crate writes it.
    fn unify_dash(c: char) -> char {
        match c {
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
            | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => '-',
            c => c,
        }
    }

    #[test]
    fn every_code_point_takes_the_right_step() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let step = step(c);
            assert_eq!(matches!(step, Step::Space), c.is_whitespace(), "{c:?}");
            assert_eq!(matches!(step, Step::Dash), unify_dash(c) != c, "{c:?}");
            assert_eq!(matches!(step, Step::Drop), c == '\u{AD}', "{c:?}");
            if matches!(step, Step::Keep) {
                assert!(nfc_starter(c), "{c:?}");
            }
        }
    }

    /// The byte shortcuts of [`step_at`] agree with [`step`] on every code point.
    #[test]
    fn byte_steps_equal_char_steps() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = c.to_string();
            let (by_bytes, len) = step_at(&s, 0).unwrap_or((Step::Normalize, 0));
            assert_eq!(len, c.len_utf8(), "{c:?}");
            assert_eq!(
                std::mem::discriminant(&by_bytes),
                std::mem::discriminant(&step(c)),
                "{c:?}"
            );
        }
    }

    #[test]
    fn clean_equals_the_text_crates_on_the_seed() {
        let seed = concat!(
            include_str!("../../../seeds/000_b6a757b918caf98d.txt"),
            include_str!("../../../seeds/001_5440965c404ba4b8.txt")
        );
        let edges = [
            "a \u{AD} b",
            "\u{AD} a",
            "a \u{AD}",
            "\u{AD}",
            " \u{AD} \u{AD} ",
            "x\u{2013}y \u{AD}z\u{AD}",
            "  Sở  Tư\u{A0}pháp\t– 2026 ",
            "Hoà\u{300}",
        ];
        for line in seed.lines().chain(edges) {
            assert_eq!(clean(line), theodoi_text::clean(line), "{line:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn clean_equals_the_text_crates(
            s in "([ -~]|[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵĐƠƯÀÁẠ]|[\u{300}\u{301}\u{303}\u{309}\u{323}\u{302}\u{306}\u{31B}]|[\u{A0}\u{AD}\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}\u{2000}-\u{2030}\u{2212}\u{FE63}\u{FF0D}\u{3000}\t\r\n]|\\PC){0,60}"
        ) {
            prop_assert_eq!(clean(&s), theodoi_text::clean(&s));
        }

        #[test]
        fn timeframe_equals_parse(text in "(Hàng năm|Hằng năm|Quý [IV]{1,3}|/|năm|20[0-9]{2}|trước ngày|[0-9]{1,2}/[0-9]{1,2}|Thường xuyên|Theo hướng dẫn|sau khi|ban hành| |\\.|, )*") {
            prop_assert_eq!(timeframe(&text), Timeframe::parse(&text));
            prop_assert_eq!(timeframe(&text), Timeframe::parse(&text));
        }

        #[test]
        fn mention_equals_new(name in "(Sở|UBND|Ủy ban nhân dân|Các|các|xã|phường|Công an|Tòa án|liên quan|Tư pháp|Y tế|, | và | )*", requested: bool) {
            prop_assert_eq!(mention(&name, requested), AgencyMention::new(&name, requested));
            prop_assert_eq!(mention(&name, requested), AgencyMention::new(&name, requested));
        }
    }
}
