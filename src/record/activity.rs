//! The activity log: entries under the `## Activity` heading of a record's body.
//!
//! An entry is `- DATE[ HH:MM] TYPE[ @teammate][ #deal-id]: text`, with continuation lines
//! indented below it. This module owns the entry grammar (parse and format); finding the
//! section in the body is [`crate::record::body`]'s job.

use crate::util::intern::Sym;
use compact_str::CompactString;
use jiff::civil::Date;
use std::fmt::Write as _;

/// One logged activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub date: Date,
    /// Hour and minute, when given.
    pub time: Option<(u8, u8)>,
    /// The activity type (`call`, `visit`, ...), lowercased.
    pub kind: Sym,
    /// The teammate who did it (`@sam`).
    pub by: Option<Sym>,
    /// The deal it belongs to (`#acme-renewal`).
    pub deal: Option<Sym>,
    /// The text after the colon; continuation lines joined with `\n`.
    pub text: CompactString,
    /// 1-based line of the entry in the file (0 when not from a file).
    pub line: u32,
    /// 1-based column of the type within the line, counted from the text after the list marker
    /// (0 when not from a file).
    pub kind_col: u16,
}

/// Parses `YYYY-MM-DD` into a valid calendar date.
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.trim().as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i32> {
        b[r].iter().try_fold(0i32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i32::from(c - b'0'))
        })
    };
    Date::new(num(0..4)? as i16, num(5..7)? as i8, num(8..10)? as i8).ok()
}

/// Why an entry could not be read, with the character column (0-based) where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryError {
    pub col: u32,
    pub message: String,
}

/// Parses an entry's text (without the `- ` marker). `rest` holds continuation lines, already
/// dedented and joined with `\n`.
pub fn parse_entry(first: &str, rest: &str) -> Result<Activity, EntryError> {
    let err = |col: usize, message: &str| EntryError {
        col: col as u32,
        message: message.into(),
    };
    let date_str = first.get(..10).unwrap_or(first);
    let date = parse_date(date_str).ok_or_else(|| {
        if date_str.len() == 10 && date_str.as_bytes()[4] == b'-' {
            err(0, "the entry's date is not a valid calendar date")
        } else {
            err(0, "an activity entry must start with a date (YYYY-MM-DD)")
        }
    })?;
    let after_date = &first[10..];
    if !after_date.is_empty() && !after_date.starts_with([' ', '\t', ':']) {
        return Err(err(10, "expected a space after the entry's date"));
    }
    let mut offset = 10 + (after_date.len() - after_date.trim_start().len());
    let mut time = None;
    if let Some((_, tok)) = words(first, offset).next()
        && let Some(t) = parse_time(tok)
    {
        time = Some(t);
        offset += tok.len();
    }
    let (head_end, text) = match memchr::memchr(b':', &first.as_bytes()[offset..]) {
        Some(i) => (offset + i, first[offset + i + 1..].trim()),
        None => (first.len(), ""),
    };
    let head = &first[..head_end];
    let mut words = words(head, offset);
    let Some((pos, kind)) = words.next() else {
        return Err(err(
            head.len(),
            "the entry has no type after its date (e.g. `call`, `visit`)",
        ));
    };
    if !kind
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(err(
            pos,
            "the activity type may only hold letters, digits and `-`",
        ));
    }
    let mut by = None;
    let mut deal = None;
    for (col, w) in words {
        if let Some(t) = w.strip_prefix('@').filter(|t| !t.is_empty()) {
            by = Some(Sym::new(t));
        } else if let Some(d) = w.strip_prefix('#').filter(|d| !d.is_empty()) {
            deal = Some(Sym::new(d));
        } else {
            return Err(err(
                col,
                "expected `@teammate`, `#deal-id` or `:` after the activity type",
            ));
        }
    }
    let text = if rest.is_empty() {
        CompactString::from(text)
    } else if text.is_empty() {
        CompactString::from(rest)
    } else {
        let mut t = CompactString::with_capacity(text.len() + 1 + rest.len());
        t.push_str(text);
        t.push('\n');
        t.push_str(rest);
        t
    };
    let kind = if kind.bytes().any(|b| b.is_ascii_uppercase()) {
        Sym::new(&kind.to_ascii_lowercase())
    } else {
        Sym::new(kind)
    };
    Ok(Activity {
        date,
        time,
        kind,
        by,
        deal,
        text,
        line: 0,
        kind_col: pos as u16 + 1,
    })
}

/// Whitespace-separated words of `s` from byte `from`, with their byte offsets.
fn words(s: &str, from: usize) -> impl Iterator<Item = (usize, &str)> {
    let bytes = s.as_bytes();
    let mut i = from;
    std::iter::from_fn(move || {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        Some((start, &s[start..i]))
    })
}

fn parse_time(w: &str) -> Option<(u8, u8)> {
    let (h, m) = match w.as_bytes() {
        [h @ .., b':', m0, m1] if !h.is_empty() && h.len() <= 2 => (h, [*m0, *m1]),
        _ => return None,
    };
    // What `u8::from_str` reads: decimal digits after an optional `+`.
    let number = |s: &[u8]| -> Option<u8> {
        let digits = s.strip_prefix(b"+").unwrap_or(s);
        if digits.is_empty() {
            return None;
        }
        digits.iter().try_fold(0u8, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + (c - b'0'))
        })
    };
    let (h, m) = (number(h)?, number(&m)?);
    (h < 24 && m < 60).then_some((h, m))
}

/// Formats an entry as a list item line (continuation lines indented by two spaces), without a
/// line ending at the end. `nl` is the file's line ending.
pub fn format_entry(a: &Activity, nl: &str) -> String {
    let mut out = format!("- {}", a.date);
    if let Some((h, m)) = a.time {
        let _ = write!(out, " {h:02}:{m:02}");
    }
    let _ = write!(out, " {}", a.kind);
    if let Some(by) = &a.by {
        let _ = write!(out, " @{by}");
    }
    if let Some(deal) = &a.deal {
        let _ = write!(out, " #{deal}");
    }
    out.push(':');
    let mut lines = a.text.lines();
    if let Some(first) = lines.next()
        && !first.is_empty()
    {
        out.push(' ');
        out.push_str(first);
    }
    for line in lines {
        out.push_str(nl);
        if !line.is_empty() {
            out.push_str("  ");
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(s: &str) -> Activity {
        parse_entry(s, "").unwrap()
    }

    #[test]
    fn parses_every_part() {
        let a = entry("2026-11-20 14:05 call @sam #analytical-pilot: discussed pricing: 40 seats");
        assert_eq!(a.date, Date::constant(2026, 11, 20));
        assert_eq!(a.time, Some((14, 5)));
        assert_eq!(a.kind, "call");
        assert_eq!(a.by.as_deref(), Some("sam"));
        assert_eq!(a.deal.as_deref(), Some("analytical-pilot"));
        assert_eq!(a.text, "discussed pricing: 40 seats");
        let a = entry("2026-11-18 visit: /pricing");
        assert_eq!(
            (a.kind.as_str(), a.text.as_str(), a.time),
            ("visit", "/pricing", None)
        );
        let a = entry("2026-11-18 Email-Open");
        assert_eq!((a.kind.as_str(), a.text.as_str()), ("email-open", ""));
        let a = parse_entry("2026-11-18 9:30 meeting @mei: kickoff", "agenda:\n- scope").unwrap();
        assert_eq!(a.time, Some((9, 30)));
        assert_eq!(a.text, "kickoff\nagenda:\n- scope");
    }

    #[test]
    fn explains_bad_entries() {
        assert!(
            parse_entry("yesterday call: hi", "")
                .unwrap_err()
                .message
                .contains("start with a date")
        );
        assert!(
            parse_entry("2026-02-30 call: hi", "")
                .unwrap_err()
                .message
                .contains("calendar date")
        );
        assert!(
            parse_entry("2026-02-03: hi", "")
                .unwrap_err()
                .message
                .contains("no type")
        );
        let e = parse_entry("2026-02-03 call sam: hi", "").unwrap_err();
        assert_eq!(e.col, 16);
    }

    #[test]
    fn formats_round_trip() {
        for s in [
            "- 2026-11-20 14:05 call @sam #analytical-pilot: discussed pricing",
            "- 2026-11-18 visit: /pricing",
            "- 2026-11-18 email-open:",
        ] {
            let a = entry(&s[2..]);
            assert_eq!(format_entry(&a, "\n"), s);
        }
        let a = parse_entry("2026-11-18 note: first", "second\n\nthird").unwrap();
        assert_eq!(
            format_entry(&a, "\r\n"),
            "- 2026-11-18 note: first\r\n  second\r\n\r\n  third"
        );
    }

    #[test]
    fn dates_are_strict() {
        assert_eq!(parse_date("2026-10-02"), Some(Date::constant(2026, 10, 2)));
        for bad in [
            "2026-1-02",
            "2026-13-01",
            "26-10-02",
            "2026/10/02",
            "2026-10-0x",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
