//! Dates as a user types them on the command line: ISO dates (`2026-11-27`), `today`,
//! `yesterday`, `tomorrow`, offsets from today (`+3d`, `-2w`, `+1m`, `+1y`) and weekday names
//! (`fri`, `Friday`: the next such day after today). Pure: the caller gives today (kith's today,
//! which `KITH_TODAY` may pin), so one parser serves every command and its tests.

use jiff::civil::{Date, Weekday};
use jiff::{Span, ToSpan};

/// The forms [`parse`] accepts, for messages and help.
pub const FORMS: &str =
    "YYYY-MM-DD, today, yesterday, tomorrow, +3d, -2w, +1m, +1y or a weekday such as fri";

/// A date that [`parse`] could not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{given}` is not a valid date (write {FORMS})")]
pub struct BadDate {
    /// What the user typed.
    pub given: String,
}

/// Reads a date typed by the user, relative forms counted from `today`. Case and surrounding
/// blanks do not matter. A weekday name is the next such day strictly after today (`fri` on a
/// Friday is a week later), as people mean it ("see you Friday").
pub fn parse(given: &str, today: Date) -> Result<Date, BadDate> {
    let bad = || BadDate {
        given: given.to_string(),
    };
    let word = given.trim().to_ascii_lowercase();
    if let Some(d) = crate::record::activity::parse_date(&word) {
        return Ok(d);
    }
    let offset = match word.as_str() {
        "today" => Some(Span::new()),
        "yesterday" => Some((-1).days()),
        "tomorrow" => Some(1.days()),
        _ => None,
    };
    if let Some(span) = offset.or_else(|| relative(&word)) {
        return today.checked_add(span).map_err(|_| bad());
    }
    let weekday = weekday(&word).ok_or_else(bad)?;
    // 1 to 7 days ahead: never today itself.
    let ahead =
        i64::from(weekday.to_monday_zero_offset() - today.weekday().to_monday_zero_offset())
            .rem_euclid(7);
    let ahead = if ahead == 0 { 7 } else { ahead };
    today.checked_add(ahead.days()).map_err(|_| bad())
}

/// `+3d`, `-2w`, `+1m`, `+1y` (a bare `3d` counts forward).
fn relative(word: &str) -> Option<Span> {
    let (sign, rest) = match word.as_bytes().first()? {
        b'+' => (1, &word[1..]),
        b'-' => (-1, &word[1..]),
        _ => (1, word),
    };
    let unit = rest.chars().last()?;
    let digits = &rest[..rest.len() - unit.len_utf8()];
    if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = sign * digits.parse::<i64>().ok()?;
    match unit {
        'd' => Span::new().try_days(n).ok(),
        'w' => Span::new().try_weeks(n).ok(),
        'm' => Span::new().try_months(n).ok(),
        'y' => Span::new().try_years(n).ok(),
        _ => None,
    }
}

/// `mon`, `monday`, `tue`, `tues`, ... (lowercased already).
fn weekday(word: &str) -> Option<Weekday> {
    const DAYS: [(Weekday, &str, &[&str]); 7] = [
        (Weekday::Monday, "monday", &["mon"]),
        (Weekday::Tuesday, "tuesday", &["tue", "tues"]),
        (Weekday::Wednesday, "wednesday", &["wed", "weds"]),
        (Weekday::Thursday, "thursday", &["thu", "thur", "thurs"]),
        (Weekday::Friday, "friday", &["fri"]),
        (Weekday::Saturday, "saturday", &["sat"]),
        (Weekday::Sunday, "sunday", &["sun"]),
    ];
    DAYS.iter()
        .find(|(_, full, short)| word == *full || short.contains(&word))
        .map(|(d, _, _)| *d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// A Wednesday, kith's pinned test day.
    const TODAY: Date = date(2026, 11, 25);

    #[test]
    fn every_form_resolves_against_today() {
        for (given, want) in [
            ("2026-12-01", date(2026, 12, 1)),
            (" 2027-01-31 ", date(2027, 1, 31)),
            ("today", TODAY),
            ("Today", TODAY),
            ("yesterday", date(2026, 11, 24)),
            ("tomorrow", date(2026, 11, 26)),
            ("+3d", date(2026, 11, 28)),
            ("3d", date(2026, 11, 28)),
            ("-2w", date(2026, 11, 11)),
            ("+1m", date(2026, 12, 25)),
            ("+1M", date(2026, 12, 25)),
            ("-1y", date(2025, 11, 25)),
            ("+0d", TODAY),
            ("fri", date(2026, 11, 27)),
            ("Friday", date(2026, 11, 27)),
            ("mon", date(2026, 11, 30)),
            ("tues", date(2026, 12, 1)),
            // Today is a Wednesday: `wed` is next week's.
            ("wed", date(2026, 12, 2)),
            ("sun", date(2026, 11, 29)),
        ] {
            assert_eq!(parse(given, TODAY), Ok(want), "{given}");
        }
    }

    #[test]
    fn a_month_later_stays_in_the_month() {
        assert_eq!(parse("+1m", date(2027, 1, 31)), Ok(date(2027, 2, 28)));
    }

    #[test]
    fn anything_else_is_refused_naming_the_forms() {
        for given in [
            "",
            "soon",
            "2026-02-30",
            "26-11-25",
            "+d",
            "+3",
            "+3x",
            "++3d",
            "+999999d",
            "frid",
            "next friday",
            "+3 d",
            "+٣d",
        ] {
            let err = parse(given, TODAY).expect_err(given);
            let msg = err.to_string();
            assert!(
                msg.starts_with(&format!("`{given}` is not a valid date")),
                "{msg}"
            );
            assert!(msg.contains("YYYY-MM-DD") && msg.contains("+3d"), "{msg}");
        }
    }

    #[test]
    fn offsets_past_the_calendar_are_refused() {
        assert!(parse("+99999y", TODAY).is_err());
        assert!(parse("-99999y", TODAY).is_err());
    }
}
