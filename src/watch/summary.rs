//! A canonical, comparable text of the live state: every record with its fields, activities,
//! tasks and notes, its score, segments and lifecycle suggestion, then every diagnostic. Two
//! states are equal when their summaries are; the watch tests compare the watcher's with a
//! cold load's.

use super::apply::Live;
use crate::record::{Kind, Record};
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};

/// The summary text, records sorted by kind and id.
pub fn summary(live: &Live) -> String {
    let mut records: Vec<(usize, &Record)> = live.index.entries().collect();
    records.sort_by(|a, b| (a.1.kind, &a.1.id).cmp(&(b.1.kind, &b.1.id)));
    let plan = crate::analysis::qualify::plan(&live.index, &live.derived);
    let suggestions: rustc_hash::FxHashMap<&str, &str> = plan
        .iter()
        .map(|m| (m.person.id.as_str(), m.to.as_str()))
        .collect();
    let mut out = String::new();
    for (slot, r) in records {
        let (score, segments) = live.facts_of(slot);
        let _ = writeln!(out, "{}", r.path());
        if r.broken {
            out.push_str("  broken\n");
        }
        if live.stale.contains_key(&(r.kind, r.id.to_string())) {
            out.push_str("  stale: the file does not parse; last good version\n");
        }
        let _ = writeln!(out, "  fields: {:?}", r.fields);
        let _ = writeln!(out, "  activities: {:?}", r.activities);
        let _ = writeln!(out, "  tasks: {:?}", r.tasks);
        let _ = writeln!(out, "  notes: {:?}", r.notes);
        if let Some(s) = score {
            let _ = writeln!(out, "  score: {s}");
        }
        if !segments.is_empty() {
            let _ = writeln!(out, "  segments: {}", segments.join(", "));
        }
        if let Some(to) = suggestions
            .get(r.id.as_str())
            .filter(|_| r.kind == Kind::Person)
        {
            let _ = writeln!(out, "  suggestion: {to}");
        }
    }
    out.push_str("diagnostics:\n");
    for d in live.diagnostics() {
        let _ = writeln!(out, "  {}", d.render(false).replace('\n', "\n  "));
    }
    out
}

/// A short hash of [`summary`], for one line per batch.
pub fn hash(summary: &str) -> String {
    let mut h = std::hash::DefaultHasher::new();
    summary.hash(&mut h);
    format!("{:016x}", h.finish())
}
