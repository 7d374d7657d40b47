//! Moving the example in time: a whole number of weeks, so that weekdays and ISO weeks stay
//! what they were (a Monday stand-up note stays on a Monday, a weekly report's week holds the
//! same days).

use jiff::civil::Date;

/// The Monday of `date`'s ISO week.
pub fn monday(date: Date) -> Date {
    let back = i64::from(date.weekday().to_monday_zero_offset());
    date.checked_sub(jiff::Span::new().days(back))
        .unwrap_or(date)
}

/// Whole weeks from the ISO week of `from` to the ISO week of `to` (negative when earlier).
pub fn weeks_between(from: Date, to: Date) -> i64 {
    let days = monday(from)
        .until(monday(to))
        .map_or(0, |span| i64::from(span.get_days()));
    days / 7
}

/// `date` moved by `days`, or `None` past the calendar's range.
pub fn add_days(date: Date, days: i64) -> Option<Date> {
    date.checked_add(jiff::Span::new().try_days(days).ok()?)
        .ok()
}

/// `text` with every ISO date (`YYYY-MM-DD`, a valid calendar day) moved by `days`. A date
/// glued to a word, a path or another number (`q-2026-10-02`, `/2026-10-02/`) is part of a name
/// and left alone; so is a date the calendar cannot move that far. Every date keeps its ten
/// characters, so nothing else in the text moves.
pub fn shift_text(text: &str, days: i64) -> String {
    if days == 0 {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i + 10 <= bytes.len() {
        if looks_like_date(&bytes[i..i + 10])
            && !i.checked_sub(1).is_some_and(|p| glued(bytes[p]))
            && !bytes.get(i + 10).is_some_and(|&b| glued(b))
            && let Some(moved) = crate::record::activity::parse_date(&text[i..i + 10])
                .and_then(|d| add_days(d, days))
                .filter(|d| (1000..=9999).contains(&d.year()))
        {
            out.push_str(&text[copied..i]);
            out.push_str(&moved.to_string());
            i += 10;
            copied = i;
            continue;
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

fn looks_like_date(b: &[u8]) -> bool {
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Characters that make a date part of a longer token.
fn glued(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn weeks_count_iso_weeks_not_days() {
        assert_eq!(monday(d("2026-11-25")), d("2026-11-23"));
        assert_eq!(monday(d("2026-11-23")), d("2026-11-23"));
        assert_eq!(monday(d("2026-11-29")), d("2026-11-23"));
        assert_eq!(weeks_between(d("2026-11-25"), d("2026-11-29")), 0);
        assert_eq!(weeks_between(d("2026-11-25"), d("2026-11-30")), 1);
        assert_eq!(weeks_between(d("2026-11-25"), d("2027-03-10")), 15);
        assert_eq!(weeks_between(d("2026-11-25"), d("2026-11-22")), -1);
        assert_eq!(weeks_between(d("2026-11-25"), d("2024-01-01")), -151);
    }

    #[test]
    fn shifts_every_date_and_nothing_else() {
        let text = "---\ncreated: 2026-10-02\nclose_date: \"2026-12-31\"\nname: Q4-2026-10-02\n---\n\
                    Met on 2026-10-05, see /blog/2026-10-05/post and 2026-13-01.\n\n## Activity\n\
                    - 2026-11-20 14:05 call @sam: booked for 2026-11-27\n";
        let out = shift_text(text, 14);
        assert_eq!(
            out,
            "---\ncreated: 2026-10-16\nclose_date: \"2027-01-14\"\nname: Q4-2026-10-02\n---\n\
             Met on 2026-10-19, see /blog/2026-10-05/post and 2026-13-01.\n\n## Activity\n\
             - 2026-12-04 14:05 call @sam: booked for 2026-12-11\n"
        );
        assert_eq!(out.len(), text.len());
        assert_eq!(shift_text(&out, -14), text);
        assert_eq!(shift_text(text, 0), text);
        assert_eq!(shift_text("2024-02-29", 7), "2024-03-07");
        assert_eq!(shift_text("é2026-01-01ü", 7), "é2026-01-08ü");
    }

    #[test]
    fn whole_weeks_keep_the_weekday() {
        let wed = d("2026-11-25");
        for weeks in [-60, -1, 1, 15, 200] {
            let moved = add_days(wed, weeks * 7).unwrap();
            assert_eq!(moved.weekday(), wed.weekday());
            assert_eq!(weeks_between(wed, moved), weeks);
        }
    }
}
