//! Ngày làm việc: the working-day calendar. Weekends and public holidays are not working days;
//! holidays are data, one file a year (lunar holidays move every year), so a new year is added
//! without a code change. Deadlines are checked against it: each level of a reporting chain must
//! have at least one working day after the data cut-off (Nghị định 09/2019).

use std::collections::BTreeMap;
use time::{Date, Weekday};

/// A holiday file that cannot be read: says what and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{source_name}, line {line}: \"{text}\" is not a date (YYYY-MM-DD)")]
    BadDate {
        source_name: String,
        line: usize,
        text: String,
    },
    #[error("{source_name}, line {line}: {date} is in {found}, but the file is for {expected}")]
    WrongYear {
        source_name: String,
        line: usize,
        date: Date,
        found: i32,
        expected: i32,
    },
}

/// The holidays of the years the product ships (verify lunar dates each year).
pub const SHIPPED: &[(i32, &str)] = &[
    (2026, include_str!("../data/holidays/2026.txt")),
    (2027, include_str!("../data/holidays/2027.txt")),
];

/// Weekends plus the holidays loaded, with their names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    holidays: BTreeMap<Date, String>,
}

impl WorkCalendar {
    /// The calendar with the holiday files shipped in the binary.
    pub fn shipped() -> Result<Self, CalendarError> {
        let mut c = Self::default();
        for (year, text) in SHIPPED {
            c.load_year(*year, &format!("holidays/{year}.txt"), text)?;
        }
        Ok(c)
    }

    /// Add one year's holidays from text: `YYYY-MM-DD name` a line, '#' starts a comment. The whole
    /// file is refused if any line is wrong, so nothing is half-loaded.
    pub fn load_year(
        &mut self,
        year: i32,
        source_name: &str,
        text: &str,
    ) -> Result<(), CalendarError> {
        let mut found = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            let (date_text, name) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let date = Date::parse(
                date_text,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .map_err(|_| CalendarError::BadDate {
                source_name: source_name.to_string(),
                line: i + 1,
                text: date_text.to_string(),
            })?;
            if date.year() != year {
                return Err(CalendarError::WrongYear {
                    source_name: source_name.to_string(),
                    line: i + 1,
                    date,
                    found: date.year(),
                    expected: year,
                });
            }
            found.push((date, name.trim().to_string()));
        }
        self.holidays.extend(found);
        Ok(())
    }

    pub fn holiday(&self, d: Date) -> Option<&str> {
        self.holidays.get(&d).map(String::as_str)
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
            && !self.holidays.contains_key(&d)
    }

    /// The `n`-th working day after `d` (n = 1: the next working day).
    pub fn add_working_days(&self, d: Date, n: u32) -> Option<Date> {
        let mut day = d;
        let mut left = n;
        while left > 0 {
            day = day.next_day()?;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        Some(day)
    }

    /// Working days strictly after `from` up to and including `to`.
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut n = 0;
        let mut day = from;
        while day < to {
            match day.next_day() {
                Some(next) => day = next,
                None => break,
            }
            if self.is_working_day(day) {
                n += 1;
            }
        }
        n
    }

    /// A deadline must leave at least one working day after the cut-off (Nghị định 09/2019).
    pub fn check_deadline(&self, cut_off_end: Date, deadline: Date) -> Result<(), String> {
        if self.working_days_between(cut_off_end, deadline) >= 1 {
            Ok(())
        } else {
            Err(format!(
                "the deadline {deadline} leaves no working day after the cut-off {cut_off_end}; the earliest is {}",
                self.add_working_days(cut_off_end, 1)
                    .map_or_else(|| "—".into(), |d| d.to_string())
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn cal() -> WorkCalendar {
        WorkCalendar::shipped().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn shipped_years_load() {
        let c = cal();
        assert_eq!(c.holiday(date!(2026 - 09 - 02)), Some("Quốc khánh"));
        assert!(c.holiday(date!(2027 - 01 - 01)).is_some());
    }

    #[test]
    fn working_days() {
        let c = cal();
        // Saturday, Sunday, a holiday, a plain Monday.
        assert!(!c.is_working_day(date!(2026 - 03 - 14)));
        assert!(!c.is_working_day(date!(2026 - 03 - 15)));
        assert!(!c.is_working_day(date!(2026 - 04 - 30)));
        assert!(c.is_working_day(date!(2026 - 03 - 16)));
        // Annual cut-off 14/12/2026 is a Monday: the next working day is Tuesday 15/12.
        assert_eq!(
            c.add_working_days(date!(2026 - 12 - 14), 1),
            Some(date!(2026 - 12 - 15))
        );
        // Q1 cut-off Saturday 14/03/2026: next working day Monday 16/03.
        assert_eq!(
            c.add_working_days(date!(2026 - 03 - 14), 1),
            Some(date!(2026 - 03 - 16))
        );
        // Over 30/4 and 1/5 (Thursday, Friday) and the weekend.
        assert_eq!(
            c.add_working_days(date!(2026 - 04 - 29), 1),
            Some(date!(2026 - 05 - 04))
        );
        assert_eq!(
            c.working_days_between(date!(2026 - 04 - 29), date!(2026 - 05 - 04)),
            1
        );
    }

    #[test]
    fn deadlines_after_cut_off() {
        let c = cal();
        assert!(
            c.check_deadline(date!(2026 - 03 - 14), date!(2026 - 03 - 16))
                .is_ok()
        );
        let e = c
            .check_deadline(date!(2026 - 03 - 14), date!(2026 - 03 - 15))
            .err()
            .unwrap_or_default();
        assert!(e.contains("earliest is 2026-03-16"), "{e}");
        assert!(
            c.check_deadline(date!(2026 - 03 - 14), date!(2026 - 03 - 10))
                .is_err(),
            "before the cut-off"
        );
    }

    #[test]
    fn bad_holiday_files_are_refused_whole() {
        let mut c = WorkCalendar::default();
        let e = c
            .load_year(2026, "h.txt", "2026-01-01 a\n2026-02-30 impossible\n")
            .err();
        assert_eq!(
            e,
            Some(CalendarError::BadDate {
                source_name: "h.txt".into(),
                line: 2,
                text: "2026-02-30".into()
            })
        );
        assert_eq!(c, WorkCalendar::default(), "nothing half-loaded");
        let e = c
            .load_year(2026, "h.txt", "2027-01-01 a")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("line 1") && e.contains("for 2026"), "{e}");
    }
}
