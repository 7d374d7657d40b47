//! Calendar events from `.ics` files (Google Calendar and Outlook exports) read into
//! [`Meeting`]s with the icalendar crate's parser. Start times are read with their `TZID`
//! (IANA names, and the Windows names Outlook writes), as UTC (`Z`), or in the workspace's
//! time zone when floating.

use super::{Meeting, Position, Problem, When, Who};
use icalendar::parser::{Component, Property, read_calendar, unfold};
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

/// Outlook's Windows time zone names kith knows, and their IANA names.
const WINDOWS_ZONES: &[(&str, &str)] = &[
    ("GMT Standard Time", "Europe/London"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Romance Standard Time", "Europe/Paris"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("FLE Standard Time", "Europe/Kiev"),
    ("Eastern Standard Time", "America/New_York"),
    ("Central Standard Time", "America/Chicago"),
    ("Mountain Standard Time", "America/Denver"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("India Standard Time", "Asia/Kolkata"),
    ("China Standard Time", "Asia/Shanghai"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("UTC", "UTC"),
];

/// The events of a calendar file, each read or with the reason it was not; `Err` when the
/// file is not a calendar at all. `tz` reads floating times.
pub fn read(
    text: &str,
    file: &str,
    tz: &TimeZone,
) -> Result<Vec<Result<Meeting, Problem>>, String> {
    let unfolded = unfold(text);
    let calendar = read_calendar(&unfolded).map_err(|e| {
        // The parser's message names the line (of the unfolded text) where it stopped.
        let line = e
            .split("at line ")
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .map(|n| format!(" (it stops making sense at line {n})"))
            .unwrap_or_default();
        format!(
            "it is not an iCalendar file kith can read{line}; export the calendar again as .ics"
        )
    })?;
    let mut events = Vec::new();
    collect(&calendar.components, &mut events);
    Ok(events
        .into_iter()
        .enumerate()
        .map(|(i, event)| {
            let at = Position {
                file: file.to_string(),
                line: 0,
                number: i + 1,
                what: "event",
            };
            meeting(event, at.clone(), tz).map_err(|message| Problem { at, message })
        })
        .collect())
}

fn collect<'a>(components: &'a [Component<'a>], out: &mut Vec<&'a Component<'a>>) {
    for c in components {
        if c.name.as_str().eq_ignore_ascii_case("VEVENT") {
            out.push(c);
        } else {
            collect(&c.components, out);
        }
    }
}

fn meeting(event: &Component, at: Position, tz: &TimeZone) -> Result<Meeting, String> {
    let text = |name: &str| {
        event
            .find_prop(name)
            .map(|p| unescape(p.val.as_str()))
            .filter(|v| !v.is_empty())
    };
    let uid = text("UID").ok_or("it has no UID, so it could not be told apart on a second run")?;
    let uid: String = uid
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '<' | '>'))
        .collect();
    let start = event
        .find_prop("DTSTART")
        .ok_or("it has no start (DTSTART)")?;
    let when = start_of(start, tz)?;
    let organizer = event.find_prop("ORGANIZER").and_then(person);
    let attendees = event
        .properties
        .iter()
        .filter(|p| p.name.as_str().eq_ignore_ascii_case("ATTENDEE"))
        .filter(|p| !param(p, "PARTSTAT").is_some_and(|s| s.eq_ignore_ascii_case("DECLINED")))
        .filter_map(person)
        .collect();
    let cancelled = text("STATUS").is_some_and(|s| s.eq_ignore_ascii_case("CANCELLED"));
    Ok(Meeting {
        at,
        uid,
        when,
        summary: super::mail::one_line(&text("SUMMARY").unwrap_or_default()),
        organizer,
        attendees,
        cancelled,
    })
}

fn param<'a>(p: &'a Property, key: &str) -> Option<&'a str> {
    p.params
        .iter()
        .find(|x| x.key.as_str().eq_ignore_ascii_case(key))
        .and_then(|x| x.val.as_ref())
        .map(|v| v.as_str().trim_matches('"'))
}

fn person(p: &Property) -> Option<Who> {
    Who::new(param(p, "CN"), p.val.as_str())
}

/// iCalendar text escapes (`\,`, `\;`, `\n`, `\\`) undone.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push(' '),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out.trim().to_string()
}

fn start_of(p: &Property, tz: &TimeZone) -> Result<When, String> {
    let v = p.val.as_str().trim();
    let bad = || format!("its start `{v}` is not an iCalendar date or time");
    let digits = |r: std::ops::Range<usize>| -> Result<i32, String> {
        v.get(r).and_then(|s| s.parse().ok()).ok_or_else(bad)
    };
    let date = Date::new(
        digits(0..4)? as i16,
        digits(4..6)? as i8,
        digits(6..8)? as i8,
    )
    .map_err(|_| bad())?;
    if v.len() == 8 {
        return Ok(When::Day(date));
    }
    if v.as_bytes().get(8) != Some(&b'T') {
        return Err(bad());
    }
    let time = jiff::civil::Time::new(digits(9..11)? as i8, digits(11..13)? as i8, 0, 0)
        .map_err(|_| bad())?;
    let civil = DateTime::from_parts(date, time);
    let zone = if v.ends_with('Z') {
        TimeZone::UTC
    } else if let Some(name) = param(p, "TZID") {
        let iana = WINDOWS_ZONES
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(name))
            .map_or(name, |(_, i)| i);
        TimeZone::get(iana).map_err(|_| {
            format!(
                "its time zone `{name}` is unknown to kith; export the calendar with IANA zone \
                 names or UTC times"
            )
        })?
    } else {
        tz.clone()
    };
    let zoned = civil.to_zoned_datetime(zone).map_err(|_| bad())?;
    Ok(When::At(zoned.timestamp()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOGLE: &str = "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n\
VERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART:20261120T140000Z\r\nDTEND:20261120T150000Z\r\n\
UID:abc123@google.com\r\nORGANIZER;CN=Sam Okafor:mailto:sam@brightwave.example\r\n\
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Dana Whitfield;X-NUM-GUESTS=0:\r\n \
mailto:dana.whitfield@kestrelhealth.example\r\n\
ATTENDEE;PARTSTAT=DECLINED;CN=Marcus:mailto:marcus.oyelaran@kestrelhealth.example\r\n\
SUMMARY:Order form\\, next steps\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn reads_a_google_event() {
        let events = read(GOOGLE, "g.ics", &TimeZone::UTC).unwrap();
        let m = events[0].as_ref().unwrap();
        assert_eq!(m.uid, "abc123@google.com");
        assert_eq!(m.summary, "Order form, next steps");
        assert_eq!(m.when, When::At("2026-11-20T14:00:00Z".parse().unwrap()));
        assert_eq!(m.organizer.as_ref().unwrap().key, "sam@brightwave.example");
        let keys: Vec<&str> = m.attendees.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["dana.whitfield@kestrelhealth.example"]);
        assert_eq!(m.attendees[0].name.as_deref(), Some("Dana Whitfield"));
    }

    #[test]
    fn reads_outlook_zones_and_all_day_events() {
        let text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:040000008200E00074C5B7101A82E008\n\
DTSTART;TZID=W. Europe Standard Time:20261120T090000\nSUMMARY:Call\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:x2\nDTSTART;VALUE=DATE:20261121\nSUMMARY:Offsite\nEND:VEVENT\n\
BEGIN:VEVENT\nSUMMARY:no uid\nDTSTART:20261121\nEND:VEVENT\nEND:VCALENDAR\n";
        let events = read(text, "o.ics", &TimeZone::UTC).unwrap();
        assert_eq!(
            events[0].as_ref().unwrap().when,
            When::At("2026-11-20T08:00:00Z".parse().unwrap())
        );
        assert_eq!(
            events[1].as_ref().unwrap().when,
            When::Day(Date::constant(2026, 11, 21))
        );
        let p = events[2].as_ref().unwrap_err();
        assert_eq!(p.at.to_string(), "o.ics (event 3)");
        assert!(p.message.contains("no UID"), "{}", p.message);
        assert!(read("hello", "x.ics", &TimeZone::UTC).is_err());
    }
}
