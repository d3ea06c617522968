//! Nhắc hạn: when a body that has not submitted is reminded, and who hears of it.
//!
//! Offsets are calendar days relative to the body's deadline: negative before, positive after
//! (the default −7, −1, +1, +3). Before and on the deadline the focal point is reminded; the first
//! reminder after it also goes to the agency head; later ones reach the coordinator as well.

use serde::Serialize;
use theodoi_text::Message;
use time::{Date, Duration};

/// Who a reminder goes to, widening as the delay grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    FocalPoint,
    Head,
    Coordinator,
}

/// The default offsets: 7 and 1 days before, 1 and 3 days after.
pub const DEFAULT_OFFSETS: [i32; 4] = [-7, -1, 1, 3];

/// Read "-7, -1, 1, 3": distinct whole days within a year of the deadline, sorted.
pub fn parse_offsets(s: &str) -> Result<Vec<i32>, Message> {
    let mut out = Vec::new();
    for part in s.split([',', ';', ' ']).filter(|p| !p.trim().is_empty()) {
        let part = part.trim();
        let n: i32 = part.parse().map_err(|_| {
            Message::new(
                format!("\"{part}\" không phải số ngày"),
                format!("\"{part}\" is not a number of days"),
            )
        })?;
        if !(-366..=366).contains(&n) {
            return Err(Message::new(
                format!("{n}: quá một năm"),
                format!("{n}: more than a year"),
            ));
        }
        if !out.contains(&n) {
            out.push(n);
        }
    }
    if out.is_empty() {
        return Err(Message::new(
            "cần ít nhất một mốc nhắc",
            "at least one reminder day is needed",
        ));
    }
    out.sort_unstable();
    Ok(out)
}

/// The reminder due on `today` for a body not yet submitted: the latest offset whose day has
/// come. Only the latest, so a server that was down for a week sends one message, not a burst.
pub fn due(deadline: Date, today: Date, offsets: &[i32]) -> Option<(i32, Audience)> {
    let offset = offsets
        .iter()
        .copied()
        .filter(|o| deadline + Duration::days(i64::from(*o)) <= today)
        .max()?;
    Some((offset, audience(offset, offsets)))
}

/// Who hears of the reminder at `offset`.
pub fn audience(offset: i32, offsets: &[i32]) -> Audience {
    if offset <= 0 {
        return Audience::FocalPoint;
    }
    let first_after = offsets.iter().copied().filter(|o| *o > 0).min();
    if Some(offset) == first_after {
        Audience::Head
    } else {
        Audience::Coordinator
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn offsets() {
        assert_eq!(parse_offsets("3, -7,1 ,-1"), Ok(vec![-7, -1, 1, 3]));
        assert!(parse_offsets("").is_err());
        assert!(parse_offsets("x").is_err());
        assert!(parse_offsets("400").is_err());
    }

    #[test]
    fn escalates() {
        let d = date!(2026 - 06 - 15);
        let o = DEFAULT_OFFSETS;
        assert_eq!(due(d, date!(2026 - 06 - 07), &o), None);
        assert_eq!(
            due(d, date!(2026 - 06 - 08), &o),
            Some((-7, Audience::FocalPoint))
        );
        assert_eq!(
            due(d, date!(2026 - 06 - 15), &o),
            Some((-1, Audience::FocalPoint))
        );
        assert_eq!(due(d, date!(2026 - 06 - 16), &o), Some((1, Audience::Head)));
        assert_eq!(
            due(d, date!(2026 - 06 - 30), &o),
            Some((3, Audience::Coordinator))
        );
    }
}
