//! iCalendar (RFC 5545) feeds of follow-up tasks, so teammates can subscribe to their tasks in
//! any calendar app. Pure: events in, text out.
//!
//! Each task is a `VEVENT` (calendar apps show subscribed events; few show `VTODO`s): an
//! all-day event on its due day, or a half-hour one when it has a time. A task's UID stays the
//! same when it is snoozed, so calendars move the event rather than adding another.

use jiff::civil::Date;
use jiff::tz::TimeZone;

/// One calendar event.
#[derive(Debug, Clone)]
pub struct Event {
    /// Stable across due-date changes: what the task is and which record it is on.
    pub key: String,
    pub day: Date,
    pub time: Option<(u8, u8)>,
    pub summary: String,
    pub description: String,
    pub category: String,
}

/// A whole feed. `stamp` is the day it is made (DTSTAMP), so the same files and day give the
/// same bytes.
pub fn calendar(name: &str, tz: &TimeZone, stamp: Date, events: &[Event]) -> String {
    let mut out = String::new();
    let mut line = |s: &str| fold(&mut out, s);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//kith//follow-ups//EN");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line(&format!("X-WR-CALNAME:{}", escape(name)));
    let dtstamp = format!("DTSTAMP:{}T000000Z", compact(stamp));
    let mut seen: rustc_hash::FxHashMap<u64, usize> = rustc_hash::FxHashMap::default();
    for e in events {
        let h = fnv(e.key.as_bytes());
        let n = seen.entry(h).or_default();
        *n += 1;
        let uid = if *n == 1 {
            format!("UID:{h:016x}@kith")
        } else {
            format!("UID:{h:016x}-{n}@kith")
        };
        line("BEGIN:VEVENT");
        line(&uid);
        line(&dtstamp);
        match e.time.and_then(|(h, m)| utc(e.day, h, m, tz)) {
            Some(start) => {
                line(&format!("DTSTART:{start}"));
                line("DURATION:PT30M");
            }
            None => {
                line(&format!("DTSTART;VALUE=DATE:{}", compact(e.day)));
                let next = e.day.tomorrow().unwrap_or(e.day);
                line(&format!("DTEND;VALUE=DATE:{}", compact(next)));
            }
        }
        line(&format!("SUMMARY:{}", escape(&e.summary)));
        if !e.description.is_empty() {
            line(&format!("DESCRIPTION:{}", escape(&e.description)));
        }
        line(&format!("CATEGORIES:{}", escape(&e.category)));
        line("TRANSP:TRANSPARENT");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

fn compact(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

/// A local time in the workspace's zone as a UTC date-time (`20261127T093000Z`).
fn utc(day: Date, h: u8, m: u8, tz: &TimeZone) -> Option<String> {
    let zoned = day
        .at(h as i8, m as i8, 0, 0)
        .to_zoned_datetime(tz.clone())
        .ok()?;
    Some(zoned.timestamp().strftime("%Y%m%dT%H%M%SZ").to_string())
}

/// TEXT escaping (RFC 5545 §3.3.11).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes a content line folded at 75 octets (never inside a character), CRLF-terminated.
fn fold(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// FNV-1a, 64 bits: a stable hash for UIDs (std's hasher may change between releases).
fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(key: &str, summary: &str, time: Option<(u8, u8)>) -> Event {
        Event {
            key: key.into(),
            day: Date::constant(2026, 11, 27),
            time,
            summary: summary.into(),
            description: "contacts/ada.md".into(),
            category: "call".into(),
        }
    }

    #[test]
    fn folds_escapes_and_converts_times() {
        let tz = TimeZone::get("Europe/London").unwrap();
        let long = format!("call Ada, Lovelace; {}", "é".repeat(60));
        let text = calendar(
            "follow-ups",
            &tz,
            Date::constant(2026, 11, 25),
            &[event("a", &long, None), event("a", "again", Some((9, 30)))],
        );
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        for l in text.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
        let unfolded = text.replace("\r\n ", "");
        assert!(
            unfolded.contains("SUMMARY:call Ada\\, Lovelace\\; é"),
            "{unfolded}"
        );
        assert!(unfolded.contains("DTSTART;VALUE=DATE:20261127\r\nDTEND;VALUE=DATE:20261128"));
        // 09:30 in London in November is 09:30 UTC.
        assert!(unfolded.contains("DTSTART:20261127T093000Z\r\nDURATION:PT30M"));
        // Two events from the same key get different UIDs.
        let uids: Vec<&str> = unfolded.lines().filter(|l| l.starts_with("UID:")).collect();
        assert_eq!(uids.len(), 2);
        assert_ne!(uids[0], uids[1]);
    }
}
