//! What changed between two versions of a record's text, as history events: each field's old
//! and new value, and each activity entry logged. Pure: the texts come from commits, the
//! working tree or a merge.

use super::history::{Event, RecordEvent};
use crate::record::Kind;
use crate::record::activity::Activity;
use crate::record::frontmatter;
use crate::record::value::Value;
use crate::record::yaml;

/// The events between two versions of a record (`None`: not there).
pub fn diff_texts(kind: Kind, id: &str, old: Option<&str>, new: Option<&str>) -> Vec<RecordEvent> {
    let change = |event| RecordEvent {
        kind,
        id: id.to_string(),
        event,
    };
    let mut out = Vec::new();
    match (old, new) {
        (None, None) => return out,
        (None, Some(_)) => out.push(change(Event::Created)),
        (Some(_), None) => {
            out.push(change(Event::Deleted));
            return out;
        }
        _ => {}
    }
    let (of, nf) = (fields(old), fields(new));
    for (k, v) in &nf {
        let before = of.iter().find(|(ok, _)| ok == k).map(|(_, v)| v);
        if before != Some(v) {
            out.push(change(Event::Field {
                key: k.clone(),
                old: before.cloned(),
                new: Some(v.clone()),
            }));
        }
    }
    for (k, v) in &of {
        if !nf.iter().any(|(nk, _)| nk == k) {
            out.push(change(Event::Field {
                key: k.clone(),
                old: Some(v.clone()),
                new: None,
            }));
        }
    }
    let (oa, na) = (activities(old), activities(new));
    for a in na {
        if !oa.iter().any(|b| same_entry(b, &a)) {
            out.push(change(Event::Logged(a)));
        }
    }
    out
}

fn same_entry(a: &Activity, b: &Activity) -> bool {
    a.date == b.date
        && a.time == b.time
        && a.kind == b.kind
        && a.by == b.by
        && a.deal == b.deal
        && a.text == b.text
}

/// The frontmatter fields of a version (none when it cannot be read), nulls left out.
pub(super) fn fields(text: Option<&str>) -> Vec<(String, Value)> {
    let Some(text) = text else { return Vec::new() };
    let Ok(split) = frontmatter::split(text) else {
        return Vec::new();
    };
    yaml::parse(split.frontmatter(text))
        .fields
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

fn activities(text: Option<&str>) -> Vec<Activity> {
    let Some(text) = text else { return Vec::new() };
    let Ok(split) = frontmatter::split(text) else {
        return Vec::new();
    };
    crate::record::body::activities(split.body(text), split.body_line(text)).0
}

/// A field value for one line of text (`lead → mql`): lists joined, empty shown as `-`.
pub fn show(v: &Option<Value>) -> String {
    match v {
        None => "-".to_string(),
        Some(v) => {
            let t = v.to_text();
            if t.is_empty() { "\"\"".to_string() } else { t }
        }
    }
}
