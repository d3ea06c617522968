//! Kỳ báo cáo: reporting periods and their data cut-off windows (thời gian chốt số liệu).
//!
//! Nghị định 09/2019/NĐ-CP, Điều 12, sets the windows of periodic reports, inclusive: monthly from
//! the 15th of the previous month to the 14th; quarterly 15/12–14/3, 15/3–14/6, 15/6–14/9,
//! 15/9–14/12; six-monthly 15/12 (previous year)–14/6 and 15/6–14/12; nine-month 15/12–14/9;
//! annual 15/12 (previous year)–14/12. Some regimes use calendar periods instead, so each regime
//! declares its [`Windows`]. A period is stored as its frequency, year and index (start + length);
//! its window comes from the regime.

use crate::timeframe::DateRange;
use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// Tần suất báo cáo định kỳ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportFrequency {
    Monthly,
    Quarterly,
    SixMonthly,
    NineMonth,
    Annual,
}

impl ReportFrequency {
    pub const ALL: [Self; 5] = [
        Self::Monthly,
        Self::Quarterly,
        Self::SixMonthly,
        Self::NineMonth,
        Self::Annual,
    ];

    /// "monthly", "quarterly", "six-monthly", "nine-month", "annual".
    pub fn code(self) -> &'static str {
        match self {
            Self::Monthly => "monthly",
            Self::Quarterly => "quarterly",
            Self::SixMonthly => "six-monthly",
            Self::NineMonth => "nine-month",
            Self::Annual => "annual",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == s)
    }

    /// How many periods of this frequency a year has.
    pub fn per_year(self) -> u8 {
        match self {
            Self::Monthly => 12,
            Self::Quarterly => 4,
            Self::SixMonthly => 2,
            Self::NineMonth | Self::Annual => 1,
        }
    }

    /// Months from the start of the year to the period's last month, for period `index` (1-based).
    fn last_month(self, index: u8) -> u8 {
        match self {
            Self::Monthly => index,
            Self::Quarterly => index * 3,
            Self::SixMonthly => index * 6,
            Self::NineMonth => 9,
            Self::Annual => 12,
        }
    }

    fn first_month(self, index: u8) -> u8 {
        match self {
            Self::Monthly => index,
            Self::Quarterly => index * 3 - 2,
            Self::SixMonthly => index * 6 - 5,
            Self::NineMonth | Self::Annual => 1,
        }
    }
}

/// How a regime cuts its periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Windows {
    /// Nghị định 09/2019, Điều 12: from the 15th before the period to the 14th of its last month.
    Decree09,
    /// Calendar months, quarters, halves and years.
    Calendar,
}

/// Kỳ báo cáo: one period of a frequency in a year ("Quý I/2026" is quarterly, 2026, 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub frequency: ReportFrequency,
    pub year: i32,
    pub index: u8,
}

/// Why a period does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("a {frequency} period of {year} is numbered 1 to {max}, not {index}")]
    Index {
        frequency: &'static str,
        year: i32,
        index: u8,
        max: u8,
    },
    #[error("year {0} is outside 1945–2200")]
    Year(i32),
}

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];

impl Period {
    pub fn new(frequency: ReportFrequency, year: i32, index: u8) -> Result<Self, PeriodError> {
        if !(1945..=2200).contains(&year) {
            return Err(PeriodError::Year(year));
        }
        if index == 0 || index > frequency.per_year() {
            return Err(PeriodError::Index {
                frequency: frequency.code(),
                year,
                index,
                max: frequency.per_year(),
            });
        }
        Ok(Self {
            frequency,
            year,
            index,
        })
    }

    /// Every period of a frequency in a year, in order.
    pub fn all_in(frequency: ReportFrequency, year: i32) -> Result<Vec<Self>, PeriodError> {
        (1..=frequency.per_year())
            .map(|i| Self::new(frequency, year, i))
            .collect()
    }

    /// The Vietnamese label: "Tháng 3/2026", "Quý I/2026", "6 tháng đầu năm 2026",
    /// "6 tháng cuối năm 2026", "9 tháng năm 2026", "Năm 2026".
    pub fn label_vi(&self) -> String {
        let y = self.year;
        match self.frequency {
            ReportFrequency::Monthly => format!("Tháng {}/{y}", self.index),
            ReportFrequency::Quarterly => {
                format!("Quý {}/{y}", ROMAN[usize::from(self.index - 1) % 4])
            }
            ReportFrequency::SixMonthly if self.index == 1 => format!("6 tháng đầu năm {y}"),
            ReportFrequency::SixMonthly => format!("6 tháng cuối năm {y}"),
            ReportFrequency::NineMonth => format!("9 tháng năm {y}"),
            ReportFrequency::Annual => format!("Năm {y}"),
        }
    }

    /// The English label: "March 2026", "Q1 2026", "H1 2026", "9 months 2026", "Year 2026".
    pub fn label_en(&self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let y = self.year;
        match self.frequency {
            ReportFrequency::Monthly => format!("{} {y}", MONTHS[usize::from(self.index - 1) % 12]),
            ReportFrequency::Quarterly => format!("Q{} {y}", self.index),
            ReportFrequency::SixMonthly => format!("H{} {y}", self.index),
            ReportFrequency::NineMonth => format!("9 months {y}"),
            ReportFrequency::Annual => format!("Year {y}"),
        }
    }

    /// The first day of the period's first calendar month: with [`Period::months`], how a
    /// period is stored (start + length).
    pub fn start(&self) -> Date {
        ymd(self.year, self.frequency.first_month(self.index), 1)
    }

    /// The period's length in months.
    pub fn months(&self) -> u8 {
        self.frequency.last_month(self.index) - self.frequency.first_month(self.index) + 1
    }

    /// The period stored as start + length, if it is one of the five frequencies.
    pub fn from_start(start: Date, months: u8) -> Option<Self> {
        let frequency = match months {
            1 => ReportFrequency::Monthly,
            3 => ReportFrequency::Quarterly,
            6 => ReportFrequency::SixMonthly,
            9 => ReportFrequency::NineMonth,
            12 => ReportFrequency::Annual,
            _ => return None,
        };
        if start.day() != 1 {
            return None;
        }
        (1..=frequency.per_year())
            .filter_map(|i| Self::new(frequency, start.year(), i).ok())
            .find(|p| p.start() == start)
    }

    /// The data cut-off window, inclusive.
    pub fn window(&self, windows: Windows) -> DateRange {
        let first = self.frequency.first_month(self.index);
        let last = self.frequency.last_month(self.index);
        match windows {
            Windows::Calendar => DateRange {
                start: ymd(self.year, first, 1),
                end: last_day(self.year, last),
            },
            Windows::Decree09 => {
                // From the 15th of the month before the first month, to the 14th of the last.
                let (py, pm) = if first == 1 {
                    (self.year - 1, 12)
                } else {
                    (self.year, first - 1)
                };
                DateRange {
                    start: ymd(py, pm, 15),
                    end: ymd(self.year, last, 14),
                }
            }
        }
    }
}

/// A valid date: callers pass months 1–12 and days that every month has.
fn ymd(year: i32, month: u8, day: u8) -> Date {
    let month = Month::try_from(month).unwrap_or(Month::January);
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN)
}

fn last_day(year: i32, month: u8) -> Date {
    let m = Month::try_from(month).unwrap_or(Month::December);
    ymd(year, month, m.length(year))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn stored_as_start_and_length() {
        for f in [
            ReportFrequency::Monthly,
            ReportFrequency::Quarterly,
            ReportFrequency::SixMonthly,
            ReportFrequency::NineMonth,
            ReportFrequency::Annual,
        ] {
            for p in Period::all_in(f, 2026).unwrap_or_default() {
                assert_eq!(Period::from_start(p.start(), p.months()), Some(p));
            }
        }
        assert_eq!(
            Period::from_start(date!(2026 - 07 - 01), 6),
            Period::new(ReportFrequency::SixMonthly, 2026, 2).ok()
        );
        assert_eq!(Period::from_start(date!(2026 - 02 - 01), 6), None);
        assert_eq!(Period::from_start(date!(2026 - 01 - 01), 5), None);
    }

    #[test]
    fn decree_09_windows() {
        use ReportFrequency as F;
        let cases: &[(F, u8, &str, Date, Date)] = &[
            (
                F::Monthly,
                1,
                "Tháng 1/2026",
                date!(2025 - 12 - 15),
                date!(2026 - 01 - 14),
            ),
            (
                F::Monthly,
                3,
                "Tháng 3/2026",
                date!(2026 - 02 - 15),
                date!(2026 - 03 - 14),
            ),
            (
                F::Quarterly,
                1,
                "Quý I/2026",
                date!(2025 - 12 - 15),
                date!(2026 - 03 - 14),
            ),
            (
                F::Quarterly,
                2,
                "Quý II/2026",
                date!(2026 - 03 - 15),
                date!(2026 - 06 - 14),
            ),
            (
                F::Quarterly,
                3,
                "Quý III/2026",
                date!(2026 - 06 - 15),
                date!(2026 - 09 - 14),
            ),
            (
                F::Quarterly,
                4,
                "Quý IV/2026",
                date!(2026 - 09 - 15),
                date!(2026 - 12 - 14),
            ),
            (
                F::SixMonthly,
                1,
                "6 tháng đầu năm 2026",
                date!(2025 - 12 - 15),
                date!(2026 - 06 - 14),
            ),
            (
                F::SixMonthly,
                2,
                "6 tháng cuối năm 2026",
                date!(2026 - 06 - 15),
                date!(2026 - 12 - 14),
            ),
            (
                F::NineMonth,
                1,
                "9 tháng năm 2026",
                date!(2025 - 12 - 15),
                date!(2026 - 09 - 14),
            ),
            (
                F::Annual,
                1,
                "Năm 2026",
                date!(2025 - 12 - 15),
                date!(2026 - 12 - 14),
            ),
        ];
        for (f, i, label, start, end) in cases {
            let p = Period::new(*f, 2026, *i).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(p.label_vi(), *label);
            assert_eq!(
                p.window(Windows::Decree09),
                DateRange {
                    start: *start,
                    end: *end
                },
                "{label}"
            );
        }
    }

    #[test]
    fn calendar_windows_and_leap_years() {
        let feb = Period::new(ReportFrequency::Monthly, 2028, 2).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            feb.window(Windows::Calendar),
            DateRange {
                start: date!(2028 - 02 - 01),
                end: date!(2028 - 02 - 29)
            }
        );
        let q3 = Period::new(ReportFrequency::Quarterly, 2026, 3).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            q3.window(Windows::Calendar),
            DateRange {
                start: date!(2026 - 07 - 01),
                end: date!(2026 - 09 - 30)
            }
        );
        assert_eq!(q3.label_en(), "Q3 2026");
    }

    #[test]
    fn windows_tile_the_year() {
        for f in ReportFrequency::ALL {
            let periods = Period::all_in(f, 2026).unwrap_or_default();
            assert_eq!(periods.len(), usize::from(f.per_year()));
            for w in [Windows::Decree09, Windows::Calendar] {
                for pair in periods.windows(2) {
                    let (a, b) = (pair[0].window(w), pair[1].window(w));
                    assert_eq!(
                        a.end.next_day(),
                        Some(b.start),
                        "{f:?} {w:?}: consecutive windows touch"
                    );
                }
            }
        }
    }

    #[test]
    fn refusals() {
        assert!(Period::new(ReportFrequency::Quarterly, 2026, 5).is_err());
        assert!(Period::new(ReportFrequency::Monthly, 2026, 0).is_err());
        assert!(Period::new(ReportFrequency::Annual, 1800, 1).is_err());
        assert_eq!(
            ReportFrequency::parse("six-monthly"),
            Some(ReportFrequency::SixMonthly)
        );
        assert_eq!(ReportFrequency::parse("weekly"), None);
    }
}
