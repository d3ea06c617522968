//! Thời gian thực hiện: when a task is to be done, as the plan words it, and the due dates it yields.
//!
//! The text is kept; its meaning is parsed once. A timeframe is not a due date: "Hàng năm" gives a
//! due date in every round of every year, "2025-2030" one in every round until the task is done,
//! "Theo hướng dẫn …" the round's own deadline (design-notes, "Timeframes yield due dates").

use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// Tần suất: how often a recurring task recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Monthly,
    Quarterly,
    SixMonthly,
    Yearly,
}

/// The meaning of a time phrase. Serialised with `kind` as the tag, the contract of `plan parse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimeframeKind {
    /// "2025-2030", "Giai đoạn 2026 - 2030", "Năm 2026" (a range of one year).
    Range { from_year: i32, to_year: i32 },
    /// "Hàng năm", "Định kỳ 6 tháng", "Trước ngày 15/12 hằng năm" (`by` = day and month).
    Recurring {
        frequency: Frequency,
        by_day: Option<u8>,
        by_month: Option<u8>,
    },
    /// "Quý II/2026".
    Quarter { quarter: u8, year: i32 },
    /// "Trước ngày 30/6/2026", "6 tháng đầu năm 2026" (the end of the half year).
    Date { date: Date },
    /// "Thường xuyên": ongoing, reported in every round.
    Continuous,
    /// "Theo hướng dẫn Bộ, Ban ngành Trung ương": the schedule comes from a higher body.
    PerGuidance { authority: Option<String> },
    /// "Sau khi Nghị định được ban hành": relative to an event whose date is not known yet; the
    /// event as written.
    Event { event: String },
    /// No time given, or a phrase not understood (the text is kept for a person to read).
    Unspecified,
}

/// A task's time: the phrase as written and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeframe {
    pub text: String,
    #[serde(flatten)]
    pub kind: TimeframeKind,
}

/// An inclusive range of civil dates (a reporting period's cut-off window).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    pub start: Date,
    pub end: Date,
}

impl DateRange {
    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }

    pub fn overlaps(&self, start: Date, end: Date) -> bool {
        self.start <= end && start <= self.end
    }
}

impl Timeframe {
    /// No time given.
    pub fn unspecified() -> Self {
        Self {
            text: String::new(),
            kind: TimeframeKind::Unspecified,
        }
    }

    /// Parse a time phrase. Never fails: a phrase not understood is `Unspecified` with its text.
    pub fn parse(text: &str) -> Self {
        let text = theodoi_text::clean(text)
            .trim_end_matches(['.', ';', ','])
            .trim()
            .to_string();
        let kind = parse_kind(&text);
        Self { text, kind }
    }

    /// The contract's kind name: range, recurring, quarter, date, continuous, per_guidance, event, unspecified.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            TimeframeKind::Range { .. } => "range",
            TimeframeKind::Recurring { .. } => "recurring",
            TimeframeKind::Quarter { .. } => "quarter",
            TimeframeKind::Date { .. } => "date",
            TimeframeKind::Continuous => "continuous",
            TimeframeKind::PerGuidance { .. } => "per_guidance",
            TimeframeKind::Event { .. } => "event",
            TimeframeKind::Unspecified => "unspecified",
        }
    }

    /// The due date this timeframe yields in a reporting round whose data window is `window` and
    /// whose deadline is `round_deadline`, or None when the task is not due in that round.
    pub fn due_in(&self, window: DateRange, round_deadline: Date) -> Option<Date> {
        match &self.kind {
            TimeframeKind::Range { from_year, to_year } => {
                // A period belongs to the year its window ends in: the annual window of 2031 starts
                // on 15/12/2030 but is no round of a "2025-2030" task.
                (*from_year..=*to_year)
                    .contains(&window.end.year())
                    .then_some(round_deadline)
            }
            TimeframeKind::Recurring {
                by_day: Some(day),
                by_month: Some(month),
                ..
            } => {
                // "Trước ngày 15/12 hằng năm": due on that day of any year the window touches.
                let month = Month::try_from(*month).ok()?;
                (window.start.year()..=window.end.year())
                    .filter_map(|y| Date::from_calendar_date(y, month, *day).ok())
                    .find(|d| window.contains(*d))
            }
            TimeframeKind::Recurring { .. }
            | TimeframeKind::Continuous
            | TimeframeKind::PerGuidance { .. }
            | TimeframeKind::Event { .. }
            | TimeframeKind::Unspecified => Some(round_deadline),
            TimeframeKind::Quarter { quarter, year } => {
                let first = Month::try_from(quarter.checked_mul(3)?.checked_sub(2)?).ok()?;
                let start = Date::from_calendar_date(*year, first, 1).ok()?;
                let last = Month::try_from(quarter.checked_mul(3)?).ok()?;
                let end = Date::from_calendar_date(*year, last, last.length(*year)).ok()?;
                window
                    .overlaps(start, end)
                    .then_some(end.min(round_deadline))
            }
            TimeframeKind::Date { date } => window.contains(*date).then_some(*date),
        }
    }
}

fn parse_kind(text: &str) -> TimeframeKind {
    let f = theodoi_text::fold_chars(text);
    if f.is_empty() {
        return TimeframeKind::Unspecified;
    }
    if f.contains("thuong xuyen") || f.contains("lien tuc") {
        return TimeframeKind::Continuous;
    }
    let fc = theodoi_text::fold_chars(text);
    if let Some(at) = fc
        .find("theo huong dan")
        .or_else(|| fc.find("theo chi dao"))
    {
        let authority = authority_after(text, &fc, at);
        return TimeframeKind::PerGuidance { authority };
    }
    if let Some(k) = event(text, &f) {
        return k;
    }
    if let Some(k) = quarter(&f) {
        return k;
    }
    if let Some(k) = half_year(&f) {
        return k;
    }
    let recurring = if f.contains("hang thang") {
        Some(Frequency::Monthly)
    } else if f.contains("hang quy") || f.contains("dinh ky quy") {
        Some(Frequency::Quarterly)
    } else if f.contains("6 thang") && (f.contains("dinh ky") || f.contains("hang")) {
        Some(Frequency::SixMonthly)
    } else if f.contains("hang nam") || f.contains("dinh ky nam") {
        Some(Frequency::Yearly)
    } else {
        None
    };
    if let Some(frequency) = recurring {
        let (by_day, by_month) = day_month(&f).map_or((None, None), |(d, m)| (Some(d), Some(m)));
        return TimeframeKind::Recurring {
            frequency,
            by_day,
            by_month,
        };
    }
    if let Some(date) = full_date(&f) {
        return TimeframeKind::Date { date };
    }
    let years = years_in(&f);
    match years.as_slice() {
        [from, to, ..] if from <= to => TimeframeKind::Range {
            from_year: *from,
            to_year: *to,
        },
        [year] if f.contains("nam") || f.trim() == year.to_string() => TimeframeKind::Range {
            from_year: *year,
            to_year: *year,
        },
        _ => TimeframeKind::Unspecified,
    }
}

/// "Theo hướng dẫn của Bộ Tư pháp" → "Bộ Tư pháp"; taken from the original text to keep its marks.
fn authority_after(text: &str, folded: &str, folded_at: usize) -> Option<String> {
    let skip = folded[..folded_at].chars().count();
    let rest: String = text.chars().skip(skip).collect();
    let words: Vec<&str> = rest.split_whitespace().skip(3).collect();
    let words = match words.first() {
        Some(w) if theodoi_text::fold(w).eq_ignore_ascii_case("cua") => &words[1..],
        _ => &words[..],
    };
    let a = words.join(" ");
    (!a.is_empty()).then_some(a)
}

/// "Sau khi Nghị định được ban hành", "Ngay sau khi Luật có hiệu lực": the event after "sau khi".
fn event(text: &str, f: &str) -> Option<TimeframeKind> {
    let at = f.find("sau khi ")?;
    let tail = &f[at..];
    if !(tail.contains("ban hanh") || tail.contains("hieu luc") || tail.contains("phe duyet")) {
        return None;
    }
    let skip = f[..at].chars().count() + "sau khi ".chars().count();
    let event: String = text.chars().skip(skip).collect();
    Some(TimeframeKind::Event {
        event: event.trim().to_string(),
    })
}

fn quarter(f: &str) -> Option<TimeframeKind> {
    let at = f.find("quy ")?;
    let rest = &f[at + 4..];
    let (q_text, year_text) = rest.split_once('/')?;
    let q = match q_text.trim() {
        "i" | "1" => 1,
        "ii" | "2" => 2,
        "iii" | "3" => 3,
        "iv" | "4" => 4,
        _ => return None,
    };
    let year = leading_number(year_text.trim())?;
    Some(TimeframeKind::Quarter {
        quarter: q,
        year: i32::try_from(year)
            .ok()
            .filter(|y| (1945..=2200).contains(y))?,
    })
}

/// "6 tháng đầu năm 2026" → 30/6/2026; "6 tháng cuối năm 2026" → 31/12/2026.
fn half_year(f: &str) -> Option<TimeframeKind> {
    let first = f.contains("6 thang dau nam");
    let second = f.contains("6 thang cuoi nam");
    if !first && !second {
        return None;
    }
    let [year] = years_in(f)[..] else {
        return None;
    };
    let date = if first {
        Date::from_calendar_date(year, Month::June, 30).ok()?
    } else {
        Date::from_calendar_date(year, Month::December, 31).ok()?
    };
    Some(TimeframeKind::Date { date })
}

fn leading_number(s: &str) -> Option<u32> {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Four-digit years standing alone in the text, in order.
fn years_in(f: &str) -> Vec<i32> {
    f.split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 4)
        .filter_map(|w| w.parse::<i32>().ok())
        .filter(|y| (1945..=2200).contains(y))
        .collect()
}

/// "15/12" (a day and month without year), as in "Trước ngày 15/12 hằng năm".
fn day_month(f: &str) -> Option<(u8, u8)> {
    f.split_whitespace().find_map(|w| {
        let w = w.trim_matches(|c: char| !c.is_ascii_digit() && c != '/');
        let mut p = w.split('/');
        let d: u8 = p.next()?.parse().ok()?;
        let m: u8 = p.next()?.parse().ok()?;
        (p.next().is_none() && (1..=31).contains(&d) && (1..=12).contains(&m)).then_some((d, m))
    })
}

/// "30/6/2026" or "ngày 30 tháng 6 năm 2026".
fn full_date(f: &str) -> Option<Date> {
    let slash = f.split_whitespace().find_map(|w| {
        let w = w.trim_matches(|c: char| !c.is_ascii_digit() && c != '/');
        let p: Vec<&str> = w.split('/').collect();
        match p.as_slice() {
            [d, m, y] if y.len() == 4 => {
                make_date(d.parse().ok()?, m.parse().ok()?, y.parse().ok()?)
            }
            _ => None,
        }
    });
    slash.or_else(|| {
        let words: Vec<&str> = f.split_whitespace().collect();
        words.windows(6).find_map(|w| match w {
            ["ngay", d, "thang", m, "nam", y] => {
                make_date(d.parse().ok()?, m.parse().ok()?, y.parse().ok()?)
            }
            _ => None,
        })
    })
}

fn make_date(d: u8, m: u8, y: i32) -> Option<Date> {
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn phrases() {
        use TimeframeKind as K;
        let cases: Vec<(&str, TimeframeKind)> = vec![
            (
                "2025-2030",
                K::Range {
                    from_year: 2025,
                    to_year: 2030,
                },
            ),
            (
                "2025-2030 ",
                K::Range {
                    from_year: 2025,
                    to_year: 2030,
                },
            ),
            (
                "Giai đoạn 2026 - 2030",
                K::Range {
                    from_year: 2026,
                    to_year: 2030,
                },
            ),
            (
                "Năm 2026",
                K::Range {
                    from_year: 2026,
                    to_year: 2026,
                },
            ),
            (
                "Hàng năm",
                K::Recurring {
                    frequency: Frequency::Yearly,
                    by_day: None,
                    by_month: None,
                },
            ),
            (
                "Hằng năm.",
                K::Recurring {
                    frequency: Frequency::Yearly,
                    by_day: None,
                    by_month: None,
                },
            ),
            (
                "Định kỳ 6 tháng, hằng năm",
                K::Recurring {
                    frequency: Frequency::SixMonthly,
                    by_day: None,
                    by_month: None,
                },
            ),
            (
                "Hằng quý",
                K::Recurring {
                    frequency: Frequency::Quarterly,
                    by_day: None,
                    by_month: None,
                },
            ),
            (
                "Hằng tháng",
                K::Recurring {
                    frequency: Frequency::Monthly,
                    by_day: None,
                    by_month: None,
                },
            ),
            (
                "Trước ngày 15/12 hằng năm",
                K::Recurring {
                    frequency: Frequency::Yearly,
                    by_day: Some(15),
                    by_month: Some(12),
                },
            ),
            (
                "Quý II/2026",
                K::Quarter {
                    quarter: 2,
                    year: 2026,
                },
            ),
            (
                "Quý 4/2027",
                K::Quarter {
                    quarter: 4,
                    year: 2027,
                },
            ),
            (
                "6 tháng đầu năm 2026",
                K::Date {
                    date: date!(2026 - 06 - 30),
                },
            ),
            (
                "6 tháng cuối năm 2026",
                K::Date {
                    date: date!(2026 - 12 - 31),
                },
            ),
            (
                "Trước ngày 30/6/2026",
                K::Date {
                    date: date!(2026 - 06 - 30),
                },
            ),
            (
                "ngày 09 tháng 01 năm 2026",
                K::Date {
                    date: date!(2026 - 01 - 09),
                },
            ),
            ("Thường xuyên", K::Continuous),
            (
                "Theo hướng dẫn Bộ, Ban ngành Trung ương.",
                K::PerGuidance {
                    authority: Some("Bộ, Ban ngành Trung ương".into()),
                },
            ),
            (
                "Theo hướng dẫn của Bộ Tư pháp",
                K::PerGuidance {
                    authority: Some("Bộ Tư pháp".into()),
                },
            ),
            ("Theo hướng dẫn", K::PerGuidance { authority: None }),
            ("", K::Unspecified),
            ("Khi có yêu cầu", K::Unspecified),
            (
                "Sau khi Nghị định được ban hành",
                K::Event {
                    event: "Nghị định được ban hành".into(),
                },
            ),
            (
                "Ngay sau khi Luật có hiệu lực năm 2026",
                K::Event {
                    event: "Luật có hiệu lực năm 2026".into(),
                },
            ),
            ("31/02/2026", K::Unspecified),
            ("Quý V/2026", K::Unspecified),
        ];
        for (text, want) in cases {
            assert_eq!(Timeframe::parse(text).kind, want, "{text:?}");
        }
        assert_eq!(Timeframe::parse("Hàng năm ").text, "Hàng năm");
    }

    #[test]
    fn due_dates() {
        let h1_2026 = DateRange {
            start: date!(2025 - 12 - 15),
            end: date!(2026 - 06 - 14),
        };
        let annual_2031 = DateRange {
            start: date!(2030 - 12 - 15),
            end: date!(2031 - 12 - 14),
        };
        let deadline = date!(2026 - 06 - 16);
        let due = |t: &str, w| Timeframe::parse(t).due_in(w, deadline);
        assert_eq!(due("2025-2030", h1_2026), Some(deadline));
        assert_eq!(due("2025-2030", annual_2031), None);
        assert_eq!(due("Hàng năm", h1_2026), Some(deadline));
        assert_eq!(due("Thường xuyên", h1_2026), Some(deadline));
        assert_eq!(due("Theo hướng dẫn Bộ Tư pháp", h1_2026), Some(deadline));
        assert_eq!(due("", h1_2026), Some(deadline));
        assert_eq!(
            due("Sau khi Nghị định được ban hành", h1_2026),
            Some(deadline)
        );
        assert_eq!(due("Quý I/2026", h1_2026), Some(date!(2026 - 03 - 31)));
        assert_eq!(due("Quý III/2026", h1_2026), None);
        assert_eq!(
            due("Trước ngày 30/4/2026", h1_2026),
            Some(date!(2026 - 04 - 30))
        );
        assert_eq!(due("Trước ngày 30/9/2026", h1_2026), None);
        assert_eq!(
            due("Trước ngày 15/12 hằng năm", h1_2026),
            Some(date!(2025 - 12 - 15))
        );
    }

    #[test]
    fn serialises_with_kind_tag() {
        let t = Timeframe::parse("2025-2030");
        let json = serde_json::to_value(&t).unwrap_or_default();
        assert_eq!(json["kind"], "range");
        assert_eq!(json["text"], "2025-2030");
        assert_eq!(json["from_year"], 2025);
        assert_eq!(t.kind_name(), "range");
    }
}
