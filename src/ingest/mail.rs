//! One e-mail message read into a [`Mail`]: participants, date, subject, a snippet of what the
//! sender wrote and whether it is noise (auto-reply, mailing list, bounce). MIME, transfer
//! encodings and charsets (UTF-8, ISO-8859-1, Shift-JIS, ...) are mail-parser's job.

use super::{Mail, Noise, Position, Settings, Who};
use jiff::Timestamp;
use mail_parser::{Address, MessageParser};

/// A snippet holds at most this many characters.
const SNIPPET: usize = 100;
/// A kept body holds at most this many bytes (the rest is in the mailbox).
const BODY: usize = 16 * 1024;

/// Subjects of automatic replies (their start, lowercased).
const AUTO_SUBJECTS: &[&str] = &[
    "out of office",
    "out of the office",
    "automatic reply",
    "auto:",
    "autoreply",
    "auto-reply",
    "auto reply",
    "abwesenheitsnotiz",
    "réponse automatique",
    "absence du bureau",
];

/// Reads one message. `Err` says why it cannot be logged (no date, not a message at all).
pub fn read(bytes: &[u8], at: Position, settings: &Settings) -> Result<Mail, String> {
    let msg = MessageParser::default()
        .parse(bytes)
        .ok_or("it is not an e-mail message (no headers could be read)")?;
    let from = msg.from().and_then(first);
    let mut to: Vec<Who> = Vec::new();
    for list in msg.to().into_iter().chain(msg.cc()) {
        to.extend(all(list));
    }
    if from.is_none() && to.is_empty() {
        return Err("it has no sender or recipient address; it is not an e-mail message".into());
    }
    let date = msg.date().filter(|d| d.is_valid()).ok_or(
        "it has no Date header kith can read, so it cannot be dated; it was left out".to_string(),
    )?;
    let when = Timestamp::from_second(date.to_timestamp())
        .map_err(|_| format!("its date ({date}) is out of range; it was left out"))?;
    let id = match msg.message_id().map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => clean_id(id),
        None => format!(
            "kith-{:016x}",
            xxhash_rust::xxh3::xxh3_64(&bytes[..bytes.len().min(64 * 1024)])
        ),
    };
    let subject = one_line(msg.subject().unwrap_or_default());
    let noise = noise(&msg, from.as_ref(), &subject);
    let text = msg.body_text(0).unwrap_or_default();
    let is_form = from
        .as_ref()
        .is_some_and(|f| settings.form(&f.key).is_some());
    let body = (settings.bodies || is_form).then(|| {
        let mut t = text.replace("\r\n", "\n").trim().to_string();
        // mail-parser flattens an HTML-only form into one line; kith keeps its rows apart.
        let html_only = msg
            .text_part(0)
            .is_some_and(|p| matches!(p.body, mail_parser::PartType::Html(_)));
        if is_form
            && html_only
            && let Some(html) = msg.body_html(0)
        {
            t = super::form::html_text(&html);
        }
        truncate(&t, BODY).to_string()
    });
    Ok(Mail {
        at,
        id,
        when,
        from,
        to,
        snippet: snippet(&text),
        subject,
        body,
        noise,
    })
}

fn first(list: &Address) -> Option<Who> {
    all(list).into_iter().next()
}

fn all(list: &Address) -> Vec<Who> {
    list.iter()
        .filter_map(|a| Who::new(a.name.as_deref(), a.address.as_deref()?))
        .collect()
}

/// A Message-ID without angle brackets or spaces, so it reads back from `<id>`.
fn clean_id(id: &str) -> String {
    id.trim_matches(['<', '>'])
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '<' | '>'))
        .collect()
}

/// Text on one line, whitespace runs as one space.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Why a message is noise, if it is.
fn noise(msg: &mail_parser::Message, from: Option<&Who>, subject: &str) -> Option<Noise> {
    let header = |name: &str| msg.header_raw(name).map(|v| v.trim().to_ascii_lowercase());
    let ctype = header("Content-Type").unwrap_or_default();
    let local = from
        .and_then(|f| f.key.split('@').next())
        .unwrap_or_default();
    if ctype.contains("multipart/report") && ctype.contains("delivery-status")
        || matches!(local, "mailer-daemon" | "postmaster")
    {
        return Some(Noise::Bounce);
    }
    let precedence = header("Precedence").unwrap_or_default();
    if header("Auto-Submitted").is_some_and(|v| !v.starts_with("no"))
        || header("X-Autoreply").is_some()
        || header("X-Autorespond").is_some()
        || precedence == "auto_reply"
    {
        return Some(Noise::AutoReply);
    }
    let lower = subject.to_lowercase();
    if AUTO_SUBJECTS.iter().any(|s| lower.starts_with(s)) {
        return Some(Noise::AutoReply);
    }
    if header("List-Id").is_some() || matches!(precedence.as_str(), "bulk" | "list" | "junk") {
        return Some(Noise::MailingList);
    }
    None
}

/// The first words the sender wrote: quoted text, the line that introduces it and the
/// signature left out, on one line, cut at a word.
pub fn snippet(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim();
        if t == "--" || t.starts_with("-----Original Message") || t.starts_with("________") {
            break;
        }
        if introduces_quote(t) {
            break;
        }
        if t.is_empty() || t.starts_with('>') {
            continue;
        }
        for word in t.split_whitespace() {
            if out.chars().count() + word.chars().count() + 1 > SNIPPET {
                out.push('…');
                return out;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

/// `On Tue, 20 Nov 2026, Ada wrote:`, `Am … schrieb …:`, `Le … a écrit :`, or an Outlook
/// `From: …` block.
fn introduces_quote(t: &str) -> bool {
    let ends = t.ends_with(':');
    (ends && (t.starts_with("On ") && t.contains("wrote")))
        || (ends && t.starts_with("Am ") && t.contains("schrieb"))
        || (ends && t.starts_with("Le ") && t.contains("écrit"))
        || t.starts_with("From: ")
}

/// At most `max` bytes of `s`, cut at a character.
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> Position {
        Position {
            file: "t.eml".into(),
            line: 0,
            number: 0,
            what: "message",
        }
    }

    fn mail(text: &str) -> Result<Mail, String> {
        read(text.as_bytes(), at(), &Settings::default())
    }

    #[test]
    fn reads_the_parts_kith_logs() {
        let m = mail(
            "From: \"Ada Lovelace\" <Ada@Analytical.example>\r\nTo: sam@brightwave.example\r\n\
             Cc: Grace <grace@x.example>\r\nSubject: Re: the\r\n  pilot\r\n\
             Date: Fri, 20 Nov 2026 14:05:00 +0100\r\nMessage-ID: <abc@mail.example>\r\n\r\n\
             Sounds good,\r\nsee you then.\r\n\r\nOn Thu, Sam wrote:\r\n> old\r\n",
        )
        .unwrap();
        assert_eq!(m.id, "abc@mail.example");
        assert_eq!(m.from.unwrap().key, "ada@analytical.example");
        assert_eq!(m.to.len(), 2);
        assert_eq!(m.subject, "Re: the pilot");
        assert_eq!(m.snippet, "Sounds good, see you then.");
        assert_eq!(m.when.to_string(), "2026-11-20T13:05:00Z");
        assert_eq!(m.noise, None);
        assert!(m.body.is_none());
    }

    #[test]
    fn finds_noise() {
        let base = "From: a@x.example\nTo: b@y.example\nDate: Fri, 20 Nov 2026 14:05:00 +0000\n";
        let noise = |extra: &str| mail(&format!("{base}{extra}\n\nhi\n")).unwrap().noise;
        assert_eq!(
            noise("Auto-Submitted: auto-replied"),
            Some(Noise::AutoReply)
        );
        assert_eq!(noise("Auto-Submitted: no"), None);
        assert_eq!(
            noise("Subject: Out of Office: back Monday"),
            Some(Noise::AutoReply)
        );
        assert_eq!(noise("List-Id: <news.x.example>"), Some(Noise::MailingList));
        assert_eq!(noise("Precedence: bulk"), Some(Noise::MailingList));
        assert_eq!(
            noise("Content-Type: multipart/report; report-type=delivery-status; boundary=b"),
            Some(Noise::Bounce)
        );
    }

    #[test]
    fn refuses_what_cannot_be_logged() {
        let e = mail("From: a@x.example\nTo: b@y.example\nSubject: x\n\nhi\n").unwrap_err();
        assert!(e.contains("no Date header"), "{e}");
        assert!(mail("just some text\n").is_err());
    }

    #[test]
    fn snippets_are_cut_at_a_word() {
        let s = snippet(&"word ".repeat(50));
        assert!(s.ends_with('…') && s.chars().count() <= SNIPPET + 1, "{s}");
        assert_eq!(snippet("> quoted\nmine\n-- \nsig"), "mine");
    }
}
