//! Property tests of the three-way record merge and the loss-free editor, on records made up
//! of random fields, values and activity logs (proptest; each property runs 256 cases).
//!
//! - merging a side with itself gives that side, byte for byte;
//! - when their side brought nothing new, ours stays as it is, byte for byte;
//! - when ours is the common version, the result holds their fields and activities;
//! - where nothing conflicts, merging is symmetric (the same fields, lists as sets, and the
//!   same activities either way);
//! - setting one field changes only that field: the others and the body are as they were.

use super::record::{Side, merge};
use crate::edit::{self, Change};
use crate::record::Kind;
use crate::record::config::Config;
use crate::record::value::Value;
use compact_str::CompactString;
use jiff::civil::Date;
use proptest::prelude::*;

/// The frontmatter fields a record may have, each with the values it may take.
const FIELDS: &[(&str, &[&str])] = &[
    (
        "email",
        &[
            "ada@acme.example",
            "ada.l@acme.example",
            "\"quoted@acme.example\"",
        ],
    ),
    ("title", &["CTO", "Head of Data", "\"NO\"", "'VP: Sales'"]),
    ("lifecycle", &["lead", "mql", "sql", "customer"]),
    ("owner", &["sam", "priya", "mei"]),
    ("seats", &["10", "40", "250"]),
    ("tags", &["[vip]", "[vip, dach]", "[dach, finance]", "[]"]),
    ("country", &["GB", "DE", "FR"]),
    ("source", &["webinar", "referral", "import"]),
];

const ENTRIES: &[&str] = &[
    "- 2026-10-01 visit: /pricing",
    "- 2026-10-03 email @sam: intro",
    "- 2026-10-05 call @priya: discovery",
    "- 2026-10-09 reply: sounds good",
    "- 2026-10-12 meeting @sam: demo",
];

/// A record: which fields (and which value of each), a note, which activity entries.
#[derive(Debug, Clone)]
struct Shape {
    fields: Vec<Option<usize>>,
    note: usize,
    entries: Vec<bool>,
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        proptest::collection::vec(proptest::option::of(0usize..4), FIELDS.len()),
        0usize..3,
        proptest::collection::vec(any::<bool>(), ENTRIES.len()),
    )
        .prop_map(|(fields, note, entries)| Shape {
            fields,
            note,
            entries,
        })
}

fn text(s: &Shape) -> String {
    let mut out = String::from("---\nname: Ada Lovelace\n");
    for ((key, values), pick) in FIELDS.iter().zip(&s.fields) {
        if let Some(i) = pick {
            out.push_str(&format!("{key}: {}\n", values[i % values.len()]));
        }
    }
    out.push_str("created: 2026-01-05\n---\n");
    out.push_str(["Met at the webinar.\n\n", "Wants a pilot.\n\n", ""][s.note]);
    let entries: Vec<&str> = ENTRIES
        .iter()
        .zip(&s.entries)
        .filter(|(_, on)| **on)
        .map(|(e, _)| *e)
        .collect();
    if !entries.is_empty() {
        out.push_str("## Activity\n");
        for e in entries {
            out.push_str(e);
            out.push('\n');
        }
    }
    out
}

fn side() -> Side {
    Side {
        who: "priya".into(),
        when: Date::constant(2026, 11, 25),
    }
}

/// The fields (sorted by key) and activity entries of a text: what a merge must get right,
/// whatever the order of keys in the file.
fn content(text: &str) -> (Vec<(CompactString, Value)>, Vec<String>) {
    let split = crate::record::frontmatter::split(text).unwrap();
    let mut fields = crate::record::yaml::parse(split.frontmatter(text)).fields;
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    as_sets(&mut fields);
    let (activities, _) = crate::record::body::activities(split.body(text), 1);
    let mut entries: Vec<String> = activities
        .iter()
        .map(|a| crate::record::activity::format_entry(a, "\n"))
        .collect();
    entries.sort();
    (fields, entries)
}

/// Lists merge as sets: their order says nothing.
fn as_sets(fields: &mut [(CompactString, Value)]) {
    for (_, v) in fields {
        if let Value::List(items) = v {
            items.sort_by_key(|i| i.to_text());
        }
    }
}

proptest! {
    #[test]
    fn merging_a_side_with_itself_gives_that_side(base in shape(), x in shape()) {
        let (base, x) = (text(&base), text(&x));
        let out = merge(&Config::default(), Kind::Person, Some(&base), &x, &x, &side()).unwrap();
        prop_assert_eq!(out.text, x);
        prop_assert!(out.conflicts.is_empty());
    }

    #[test]
    fn nothing_new_from_their_side_leaves_ours_as_it_is(base in shape(), x in shape()) {
        let (base, x) = (text(&base), text(&x));
        let out = merge(&Config::default(), Kind::Person, Some(&base), &x, &base, &side()).unwrap();
        prop_assert_eq!(out.text, x);
    }

    #[test]
    fn their_changes_alone_are_taken_whole(base in shape(), x in shape()) {
        let (base, x) = (text(&base), text(&x));
        let out = merge(&Config::default(), Kind::Person, Some(&base), &base, &x, &side()).unwrap();
        prop_assert!(out.conflicts.is_empty());
        prop_assert_eq!(content(&out.text), content(&x));
    }

    #[test]
    fn merging_is_symmetric_where_nothing_conflicts(base in shape(), x in shape(), y in shape()) {
        let (base, x, y) = (text(&base), text(&x), text(&y));
        let cfg = Config::default();
        let xy = merge(&cfg, Kind::Person, Some(&base), &x, &y, &side()).unwrap();
        let yx = merge(&cfg, Kind::Person, Some(&base), &y, &x, &side()).unwrap();
        if xy.conflicts.is_empty() && yx.conflicts.is_empty() {
            prop_assert_eq!(content(&xy.text), content(&yx.text));
        }
    }

    #[test]
    fn setting_one_field_changes_only_that_field(
        s in shape(),
        key in 0usize..FIELDS.len(),
        value in 0usize..4,
    ) {
        let before = text(&s);
        let (k, values) = FIELDS[key];
        let written = values[value % values.len()];
        let v = crate::record::yaml::parse(&format!("{k}: {written}\n")).fields.remove(0).1;
        let cfg = Config::default();
        let after = edit::apply(&before, &[Change::Set(k.into(), v.clone())], |f| {
            crate::record::schema::field_type(&cfg, Kind::Person, f)
        })
        .unwrap();
        let (mut b_fields, b_entries) = content(&before);
        let (a_fields, a_entries) = content(&after);
        match b_fields.iter_mut().find(|(f, _)| f == k) {
            Some(slot) => slot.1 = v,
            None => {
                b_fields.push((k.into(), v));
                b_fields.sort_by(|a, b| a.0.cmp(&b.0));
            }
        }
        as_sets(&mut b_fields);
        prop_assert_eq!(a_fields, b_fields);
        prop_assert_eq!(a_entries, b_entries);
        // The body is untouched, byte for byte.
        let body = |t: &str| {
            let split = crate::record::frontmatter::split(t).unwrap();
            split.body(t).to_string()
        };
        prop_assert_eq!(body(&after), body(&before));
    }
}

/// Found by `merging_is_symmetric_where_nothing_conflicts`: both sides wrote the same note,
/// ours dropped the activity section, theirs logged a reply in it. The merge quotes their
/// lines, `## Activity` among them, and the reply follows under a heading of its own; the
/// quoted heading used to be taken for the section, and the reply was lost to kith.
#[test]
fn a_quoted_heading_does_not_hide_the_activity_log() {
    let base = "---\nname: Ada\nseats: 10\n---\n## Activity\n- 2026-10-12 meeting @sam: demo\n";
    let ours = "---\nname: Ada\n---\nMet at the webinar.\n\n";
    let theirs = "---\nname: Ada\n---\nMet at the webinar.\n\n## Activity\n- 2026-10-09 reply: sounds good\n";
    let out = merge(
        &Config::default(),
        Kind::Person,
        Some(base),
        ours,
        theirs,
        &side(),
    )
    .unwrap();
    assert_eq!(
        content(&out.text).1,
        ["- 2026-10-09 reply: sounds good"],
        "{}",
        out.text
    );
}
