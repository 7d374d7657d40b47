//! `feed.xml`: the weekly pages as an Atom feed (RFC 4287), one entry per week with its
//! headline figures as the summary, so that a team can follow the report in a feed reader or
//! a chat integration. Pure: [`Entry`]s in, the document out.
//!
//! Entry ids are `urn:uuid:`s made from the workspace's name and the week: permanent (RFC 4287
//! asks that an entry's id never change), and the same wherever the site is published. Links
//! are relative to the feed unless `report.url` says where the site lives.

use super::headline::Headline;
use serde::{Deserialize, Serialize};

/// What a week's entry is made from: kept beside its page (`weeks/2026-W48/headline.json`)
/// so that the feed lists every week in the folder without computing them again.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    /// `2026-W48`
    pub week: String,
    pub week_start: String,
    pub week_end: String,
    /// When the figures are as of: midnight starting the as-of day, in RFC 3339 (UTC).
    pub updated: String,
    pub headline: Headline,
}

impl Entry {
    /// A week's entry from its page.
    pub fn of(cfg: &crate::record::config::Config, weekly: &super::Weekly) -> Entry {
        let updated = weekly
            .as_of
            .parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| d.to_zoned_datetime(cfg.tz.clone()).ok())
            .map(|z| z.timestamp().to_string())
            .unwrap_or_else(|| format!("{}T00:00:00Z", weekly.as_of));
        Entry {
            week: weekly.week.clone(),
            week_start: weekly.week_start.clone(),
            week_end: weekly.week_end.clone(),
            updated,
            headline: weekly.headline.clone(),
        }
    }
}

/// The feed of `entries` (any order; newest first in the feed).
pub fn atom(workspace: &str, url: Option<&str>, version: &str, entries: &[Entry]) -> String {
    let mut entries: Vec<&Entry> = entries.iter().collect();
    entries.sort_by(|a, b| b.week.cmp(&a.week));
    let base = url.map(|u| {
        if u.ends_with('/') {
            u.to_string()
        } else {
            format!("{u}/")
        }
    });
    let href = |rel: &str| format!("{}{rel}", base.as_deref().unwrap_or(""));
    // The newest `updated` of the entries; a feed without entries is as old as the epoch.
    let updated = entries
        .iter()
        .map(|e| e.updated.as_str())
        .max()
        .unwrap_or("1970-01-01T00:00:00Z");
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    line(
        &mut out,
        1,
        "title",
        &format!("{workspace}: weekly pipeline report"),
    );
    line(&mut out, 1, "id", &uuid(&[workspace]));
    line(&mut out, 1, "updated", updated);
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape(workspace)
    ));
    out.push_str(&format!(
        "  <generator version=\"{}\">kith</generator>\n",
        escape(version)
    ));
    if base.is_some() {
        out.push_str(&format!(
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
            escape(&href("feed.xml"))
        ));
    }
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&href("index.html"))
    ));
    for e in entries {
        out.push_str("  <entry>\n");
        line(
            &mut out,
            2,
            "title",
            &format!("Week {} ({} to {})", e.week, e.week_start, e.week_end),
        );
        line(&mut out, 2, "id", &uuid(&[workspace, &e.week]));
        line(&mut out, 2, "updated", &e.updated);
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&href(&format!("weeks/{}/index.html", e.week)))
        ));
        line(&mut out, 2, "summary", &summary(e));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// The headline figures in one paragraph: `contacts: 8 (▲ +1); open leads: 6 (▲ +1); …`.
pub fn summary(e: &Entry) -> String {
    let figures: Vec<String> = e.headline.figures.iter().map(|f| f.line()).collect();
    let against = if e.headline.figures.iter().any(|f| f.change.is_some()) {
        format!(" Changes since the end of {}.", e.headline.previous_week)
    } else {
        String::new()
    };
    format!("{}.{against}", figures.join("; "))
}

fn line(out: &mut String, depth: usize, tag: &str, text: &str) {
    out.push_str(&"  ".repeat(depth));
    out.push_str(&format!("<{tag}>{}</{tag}>\n", escape(text)));
}

/// Text as XML character data or an attribute value.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and newlines are not allowed in XML 1.0.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A name-based UUID (version 8, from xxh3-128) of `parts`: the same parts, the same id.
fn uuid(parts: &[&str]) -> String {
    let mut text = String::from("kith report feed");
    for p in parts {
        text.push('\0');
        text.push_str(p);
    }
    let mut b = xxhash_rust::xxh3::xxh3_128(text.as_bytes()).to_be_bytes();
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::headline::{Delta, Figure};

    fn entry(week: &str) -> Entry {
        Entry {
            week: week.into(),
            week_start: "2026-11-23".into(),
            week_end: "2026-11-29".into(),
            updated: "2026-11-25T00:00:00Z".into(),
            headline: Headline {
                previous_week: "2026-W47".into(),
                figures: vec![Figure {
                    key: "contacts".into(),
                    label: "contacts".into(),
                    text: "8".into(),
                    change: Some(Delta {
                        direction: "up".into(),
                        arrow: "▲".into(),
                        text: "+1".into(),
                    }),
                }],
            },
        }
    }

    #[test]
    fn ids_are_permanent_uuids_and_text_is_escaped() {
        let a = uuid(&["Acme & <Co>", "2026-W48"]);
        assert_eq!(a, uuid(&["Acme & <Co>", "2026-W48"]));
        assert_ne!(a, uuid(&["Acme & <Co>", "2026-W47"]));
        assert_eq!(a.len(), "urn:uuid:".len() + 36);
        assert_eq!(&a[9 + 14..9 + 15], "8", "version 8: {a}");
        let feed = atom("Acme & <Co>", None, "1.0", &[entry("2026-W48")]);
        assert!(feed.contains("<title>Acme &amp; &lt;Co&gt;: weekly pipeline report</title>"));
        assert!(
            feed.contains(
                "<summary>contacts: 8 (▲ +1). Changes since the end of 2026-W47.</summary>"
            )
        );
        assert!(feed.contains("href=\"weeks/2026-W48/index.html\""));
        assert!(!feed.contains("rel=\"self\""));
    }

    #[test]
    fn a_published_site_gets_absolute_links_and_the_newest_week_first() {
        let feed = atom(
            "Acme",
            Some("https://crm.example.com/report"),
            "1.0",
            &[entry("2026-W47"), entry("2026-W48")],
        );
        assert!(feed.contains(
            "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://crm.example.com/report/feed.xml\"/>"
        ));
        let w48 = feed.find("Week 2026-W48").unwrap();
        let w47 = feed.find("Week 2026-W47").unwrap();
        assert!(w48 < w47);
    }
}
