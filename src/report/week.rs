//! ISO weeks: `2026-W48`, Monday to Sunday, in the workspace's time zone.

use anyhow::{Result, bail};
use jiff::civil::{Date, ISOWeekDate, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// An ISO week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Week {
    pub year: i16,
    pub week: i8,
}

impl Week {
    /// The week a date falls in.
    pub fn of(date: Date) -> Week {
        let iso = date.iso_week_date();
        Week {
            year: iso.year(),
            week: iso.week(),
        }
    }

    /// Parses `2026-W48` (also `2026w48`, `2026-W48-3`).
    pub fn parse(text: &str) -> Result<Week> {
        let t = text.trim().to_ascii_uppercase();
        let parsed = t.split_once('W').and_then(|(y, w)| {
            let year: i16 = y.trim_end_matches('-').parse().ok()?;
            let week: i8 = w.split('-').next()?.parse().ok()?;
            ISOWeekDate::new(year, week, Weekday::Monday).ok()?;
            Some(Week { year, week })
        });
        match parsed {
            Some(w) => Ok(w),
            None => bail!("`{text}` is not an ISO week; write it like 2026-W48"),
        }
    }

    /// Its Monday.
    pub fn start(self) -> Date {
        ISOWeekDate::new(self.year, self.week, Weekday::Monday)
            .expect("weeks are validated when made")
            .date()
    }

    /// Its Sunday.
    pub fn end(self) -> Date {
        self.start() + 6.days()
    }

    pub fn next(self) -> Week {
        Week::of(self.start() + 7.days())
    }

    pub fn previous(self) -> Week {
        Week::of(self.start() - 7.days())
    }

    /// The `n` weeks ending with this one, oldest first.
    pub fn last(self, n: usize) -> Vec<Week> {
        let mut out = vec![self];
        while out.len() < n {
            let w = out.last().expect("not empty").previous();
            out.push(w);
        }
        out.reverse();
        out
    }

    /// The instant the week starts (Monday 00:00) in `tz`.
    pub fn start_instant(self, tz: &TimeZone) -> Timestamp {
        self.start()
            .to_zoned_datetime(tz.clone())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// The instant the week ends (the next Monday 00:00) in `tz`.
    pub fn end_instant(self, tz: &TimeZone) -> Timestamp {
        self.next().start_instant(tz)
    }

    pub fn contains(self, date: Date) -> bool {
        Week::of(date) == self
    }
}

impl std::fmt::Display for Week {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn weeks_follow_iso_8601() {
        let w = Week::of(date(2026, 11, 25));
        assert_eq!(w.to_string(), "2026-W48");
        assert_eq!(
            (w.start(), w.end()),
            (date(2026, 11, 23), date(2026, 11, 29))
        );
        // 1 January 2027 is a Friday: it belongs to 2026's last week.
        assert_eq!(Week::of(date(2027, 1, 1)).to_string(), "2026-W53");
        assert_eq!(Week::parse("2026-w48").unwrap(), w);
        assert_eq!(Week::parse("2026W48").unwrap(), w);
        assert!(Week::parse("2026-W54").is_err());
        assert!(Week::parse("48").is_err());
        let twelve = w.last(12);
        assert_eq!(twelve.len(), 12);
        assert_eq!(twelve[0].to_string(), "2026-W37");
        assert_eq!(twelve[11], w);
    }

    #[test]
    fn a_week_starts_at_monday_midnight_in_the_workspace_time_zone() {
        let tz = TimeZone::get("America/New_York").unwrap();
        let w = Week::parse("2026-W48").unwrap();
        assert_eq!(w.start_instant(&tz).to_string(), "2026-11-23T05:00:00Z");
        assert_eq!(w.end_instant(&tz).to_string(), "2026-11-30T05:00:00Z");
    }
}
