//! `feed.xml`: the weekly pages as an Atom feed (RFC 4287), read back with a third-party Atom
//! parser (the atom_syndication crate) and held to the elements the RFC requires.

use crate::report::fixture;
use atom_syndication::Feed;
use std::collections::BTreeSet;

/// Reads the feed and checks what RFC 4287 requires of it: a feed has an id, a title, an
/// updated date and an author (or every entry has one); each entry an id, a title, an updated
/// date, and a summary or content; ids are absolute IRIs, dates RFC 3339, ids unique.
fn read_feed(xml: &str) -> Feed {
    let feed: Feed = xml.parse().unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert!(xml.starts_with(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
    ));
    let iri = |id: &str| {
        let scheme = id.split(':').next().unwrap_or("");
        assert!(
            !scheme.is_empty()
                && id.len() > scheme.len() + 1
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)),
            "not an absolute IRI: {id}"
        );
    };
    iri(&feed.id);
    assert!(!feed.title.value.is_empty());
    assert!(!feed.authors.is_empty() && !feed.authors[0].name.is_empty());
    let mut ids = BTreeSet::new();
    for e in &feed.entries {
        iri(&e.id);
        assert!(ids.insert(e.id.clone()), "the id {} is used twice", e.id);
        assert!(!e.title.value.is_empty());
        assert!(e.summary.as_ref().is_some_and(|s| !s.value.is_empty()) || e.content.is_some());
        assert!(e.updated <= feed.updated, "an entry newer than its feed");
        assert_eq!(e.links.len(), 1);
    }
    feed
}

#[test]
fn the_feed_has_an_entry_per_week_with_its_headline_figures() {
    let ws = fixture();
    ws.kith(&["report", "--backfill", "2"]).ok();
    let xml = ws.read("public/feed.xml");
    let feed = read_feed(&xml);
    assert_eq!(feed.title.value, "Test CRM: weekly pipeline report");
    assert_eq!(feed.updated.to_rfc3339(), "2026-11-25T00:00:00+00:00");
    let weeks: Vec<(&str, &str, String)> = feed
        .entries
        .iter()
        .map(|e| {
            (
                e.title.as_str(),
                e.links[0].href.as_str(),
                e.updated.to_rfc3339(),
            )
        })
        .collect();
    assert_eq!(
        weeks,
        [
            (
                "Week 2026-W48 (2026-11-23 to 2026-11-29)",
                "weeks/2026-W48/index.html",
                "2026-11-25T00:00:00+00:00".to_string()
            ),
            (
                "Week 2026-W47 (2026-11-16 to 2026-11-22)",
                "weeks/2026-W47/index.html",
                "2026-11-22T00:00:00+00:00".to_string()
            ),
            (
                "Week 2026-W46 (2026-11-09 to 2026-11-15)",
                "weeks/2026-W46/index.html",
                "2026-11-15T00:00:00+00:00".to_string()
            ),
        ]
    );
    // The figures of the page's headline, with the changes report_week.rs checks.
    assert_eq!(
        feed.entries[0].summary.as_ref().unwrap().value,
        "contacts: 8 (▲ +1); open leads: 6 (▲ +1); customers: 1 (no change); new leads this \
         week: 1 (no change); open deals: 2 (▼ -2); weighted pipeline: €9,600 (▼ -€11,400). \
         Changes since the end of 2026-W47."
    );
    assert_eq!(
        feed.entries[1].summary.as_ref().unwrap().value,
        // W47: Linus became a lead (Sunday 23:30 in London); W46 made every record, four of
        // them at lead stages (Ada, Grace, Edsger, Margaret).
        "contacts: 7 (no change); open leads: 5 (▲ +1); customers: 1 (no change); new leads \
         this week: 1 (▼ -3); open deals: 4 (no change); weighted pipeline: €21,000 (no \
         change). Changes since the end of 2026-W46."
    );
    // The first week has nothing before it to compare with.
    assert!(
        !feed.entries[2]
            .summary
            .as_ref()
            .unwrap()
            .value
            .contains("Changes")
    );

    // Links point at pages that exist.
    for e in &feed.entries {
        assert!(ws.file(&format!("public/{}", e.links[0].href)).is_file());
    }
    // Entry ids are permanent: the same after another report, and the feed is unchanged.
    let ids: Vec<String> = feed.entries.iter().map(|e| e.id.clone()).collect();
    ws.kith(&["report"]).ok();
    assert_eq!(ws.read("public/feed.xml"), xml);
    assert!(ids.iter().all(|id| id.starts_with("urn:uuid:")));
}

#[test]
fn a_published_site_gets_absolute_links_and_a_self_link() {
    let ws = fixture();
    let config = ws.read("kith.yaml").replace(
        "report:\n",
        "report:\n  url: https://crm.example.com/report\n  locale: de\n",
    );
    ws.write("kith.yaml", &config);
    ws.kith(&["report"]).ok();
    let feed = read_feed(&ws.read("public/feed.xml"));
    let links: Vec<(&str, &str)> = feed
        .links
        .iter()
        .map(|l| (l.rel.as_str(), l.href.as_str()))
        .collect();
    assert_eq!(
        links,
        [
            ("self", "https://crm.example.com/report/feed.xml"),
            ("alternate", "https://crm.example.com/report/index.html")
        ]
    );
    assert_eq!(
        feed.entries[0].links[0].href,
        "https://crm.example.com/report/weeks/2026-W48/index.html"
    );
    // German money: 9.600 €.
    let summary = &feed.entries[0].summary.as_ref().unwrap().value;
    assert!(
        summary.contains("weighted pipeline: 9.600\u{a0}€ (▼ -11.400\u{a0}€)"),
        "{summary}"
    );
}

#[test]
fn a_locale_kith_does_not_know_is_refused_with_the_ones_it_does() {
    let ws = fixture();
    let config = ws
        .read("kith.yaml")
        .replace("report:\n", "report:\n  locale: klingon\n");
    ws.write("kith.yaml", &config);
    let run = ws.kith(&["check"]);
    run.fails(1);
    let err = format!("{}{}", run.stdout, run.stderr);
    assert!(
        err.contains("report.locale `klingon` is not a locale kith knows")
            && err.contains("write one of en, de, fr, nl, es, it"),
        "{err}"
    );
}
