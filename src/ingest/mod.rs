//! `kith ingest`: e-mail (mbox, Maildir, .eml) and calendar events (.ics) read from files
//! and logged as activities of the people they involve; website form submissions become leads.
//!
//! Reading is the I/O edge ([`source`] walks the paths, [`mbox`] splits mailboxes as it reads
//! them); [`mail`] and [`calendar`] turn one message or calendar into plain values with a
//! well-kept parser each (mail-parser, icalendar); [`plan`] matches them to records and decides
//! every entry and new record (pure); [`write`] hands the result to [`crate::edit::store`]. Each entry
//! keeps the Message-ID or event UID as a trailing `<id>`, so ingesting the same mail again adds
//! nothing ([`marker`]).

pub mod calendar;
pub mod form;
pub mod mail;
pub mod mbox;
pub mod plan;
pub mod settings;
pub mod source;
pub mod write;

pub use plan::{Plan, Skip, plan};
pub use settings::Settings;

use jiff::Timestamp;
use jiff::civil::Date;

/// Where a message or event was found, for messages about it: `inbox.mbox:1204 (message 12)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// The file as the user named it (or found below a folder they named).
    pub file: String,
    /// 1-based line where the message starts (0 for a file that is one message).
    pub line: u64,
    /// 1-based number of the message or event in its file (0 for a file that is one message).
    pub number: usize,
    /// `message` or `event`.
    pub what: &'static str,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if self.number > 0 {
            write!(f, " ({} {})", self.what, self.number)?;
        }
        Ok(())
    }
}

/// A participant of a message or meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    /// The display name, when the header or attendee gives one.
    pub name: Option<String>,
    /// The address as written (trimmed).
    pub address: String,
    /// The address as the duplicate check normalizes it (the index's e-mail key).
    pub key: String,
}

impl Who {
    /// A participant from a name and an address; `None` when the address is not one.
    pub fn new(name: Option<&str>, address: &str) -> Option<Who> {
        let address = address.trim().trim_start_matches("mailto:").trim();
        let key = crate::record::normalize::email(address)?;
        let name = name
            .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
            .map(|n| n.trim_matches(['"', '\'']).to_string())
            .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case(address));
        Some(Who {
            name,
            address: address.to_string(),
            key,
        })
    }
}

/// Why a message is not a conversation with a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noise {
    /// `Auto-Submitted`, `X-Autoreply`, an out-of-office subject.
    AutoReply,
    /// `List-Id`, `Precedence: bulk`.
    MailingList,
    /// A delivery failure report.
    Bounce,
}

/// One e-mail message, read.
#[derive(Debug, Clone)]
pub struct Mail {
    pub at: Position,
    /// The Message-ID without its angle brackets (or `kith-` and a hash of the message when it
    /// has none).
    pub id: String,
    pub when: Timestamp,
    pub from: Option<Who>,
    /// To, then Cc.
    pub to: Vec<Who>,
    /// The subject, whitespace collapsed (empty when there is none).
    pub subject: String,
    /// The first words of what the sender wrote (quoted text and signatures left out).
    pub snippet: String,
    /// The whole text, kept only for `ingest.bodies: true` and for form submissions.
    pub body: Option<String>,
    pub noise: Option<Noise>,
}

/// When a meeting starts: a moment, or a day for all-day events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    At(Timestamp),
    Day(Date),
}

/// One calendar event, read.
#[derive(Debug, Clone)]
pub struct Meeting {
    pub at: Position,
    pub uid: String,
    pub when: When,
    pub summary: String,
    pub organizer: Option<Who>,
    /// Attendees who did not decline.
    pub attendees: Vec<Who>,
    pub cancelled: bool,
}

/// A message or an event.
#[derive(Debug, Clone)]
pub enum Item {
    Mail(Box<Mail>),
    Meeting(Box<Meeting>),
}

/// A message or file that could not be read, and why; the rest is ingested all the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub at: Position,
    pub message: String,
}

/// The Message-ID or UID an ingested entry keeps at the end of its first line (`… <id>`).
pub fn marker(text: &str) -> Option<&str> {
    let first = text.lines().next()?.trim_end();
    let inner = first.strip_suffix('>')?;
    let start = match inner.rfind(" <") {
        Some(i) => i + 2,
        None => inner.strip_prefix('<').map(|_| 1)?,
    };
    let id = &inner[start..];
    (!id.is_empty() && !id.contains(char::is_whitespace) && !id.contains('<')).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_the_trailing_angle_brackets() {
        assert_eq!(
            marker("Re: pricing — \"sounds good\" <CAF1.x@mail.example>"),
            Some("CAF1.x@mail.example")
        );
        assert_eq!(marker("<abc@x>\nbody"), Some("abc@x"));
        assert_eq!(marker("called about <the deal>"), None);
        assert_eq!(marker("a <b> c"), None);
        assert_eq!(marker("plain text"), None);
    }

    #[test]
    fn participants_are_normalized() {
        let w = Who::new(
            Some("\"Ada  Lovelace\""),
            " mailto:Ada+crm@Analytical.example",
        )
        .unwrap();
        assert_eq!(w.name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(w.key, "ada@analytical.example");
        assert!(Who::new(None, "not an address").is_none());
        assert_eq!(
            Who::new(Some("a@b.example"), "a@b.example").unwrap().name,
            None
        );
    }
}
