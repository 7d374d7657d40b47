//! Week over week: every headline figure of a week's page beside its change since the end of
//! the week before, on the hand-made history of `report.rs` (weeks 46, 47 and 48 of 2026).

use crate::harness::*;
use crate::report::{fixture, page, sel, stat, text};

const W48: &str = "public/weeks/2026-W48/index.html";
const W47: &str = "public/weeks/2026-W47/index.html";
const W46: &str = "public/weeks/2026-W46/index.html";

/// Each headline figure's (label, value, change) in the order the page shows them.
fn headline(ws: &Ws, rel: &str) -> Vec<(String, String, Option<String>)> {
    let doc = page(&ws.file(rel));
    let (value, label, change) = (sel(".value"), sel(".label"), sel(".change"));
    doc.select(&sel("main > .stats .stat"))
        .map(|s| {
            (
                s.select(&label).next().map(text).unwrap(),
                s.select(&value).next().map(text).unwrap(),
                s.select(&change).next().map(text),
            )
        })
        .collect()
}

fn row(label: &str, value: &str, change: Option<&str>) -> (String, String, Option<String>) {
    (label.into(), value.into(), change.map(Into::into))
}

#[test]
fn each_headline_figure_shows_its_change_since_the_week_before() {
    let ws = fixture();
    ws.kith(&["report", "--backfill", "2"]).ok();
    // W47, as its own page shows it (rendered from git as the week ended): 7 contacts, 5 open
    // leads, 1 customer, 1 new lead, 4 open deals, €21,000 weighted (10,000 × 90 % + 4,000 ×
    // 60 % + 20,000 × 40 % + 8,000 × 20 %). In W48 Alan came in as a lead, Acme (10,000 at
    // 90 %) was won and the 4,000 deal at 60 % lost: 8, 6, 1, 1, 2 and €9,600, so the changes
    // are +1, +1, none, none, -2 and -€11,400 (9,000 + 2,400).
    assert_eq!(
        headline(&ws, W48),
        [
            row("contacts", "8", Some("▲ +1")),
            row("open leads", "6", Some("▲ +1")),
            row("customers", "1", Some("no change")),
            row("new leads this week", "1", Some("no change")),
            row("open deals", "2", Some("▼ -2")),
            row("weighted pipeline", "€9,600", Some("▼ -€11,400")),
        ]
    );
    // The change is worked out from this week's records and history, not from the other
    // page: they agree.
    let w47 = headline(&ws, W47);
    for ((label, now, change), (_, then, _)) in headline(&ws, W48).iter().zip(&w47) {
        let n = |s: &str| -> i64 { s.trim_start_matches('€').replace(',', "").parse().unwrap() };
        let change = change.as_deref().unwrap();
        let delta = if change == "no change" {
            0
        } else {
            n(&change[change.find(['+', '-']).unwrap()..].replace("€", ""))
        };
        assert_eq!(n(now) - n(then), delta, "{label}");
    }
    // W46 holds the first commits: the week before it has no records, so nothing to compare.
    let w46 = headline(&ws, W46);
    assert!(!w46.is_empty());
    assert!(w46.iter().all(|(_, _, c)| c.is_none()), "{w46:?}");
    // The week before is named where the change is.
    let doc = page(&ws.file(W48));
    let title = doc
        .select(&sel("#stat-contacts .change"))
        .next()
        .and_then(|e| e.value().attr("title").map(str::to_string));
    assert_eq!(title.as_deref(), Some("since the end of 2026-W47"));
    assert_eq!(stat(&doc, "main > .stats", "open deals"), "2");
}
