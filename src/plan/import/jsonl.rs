//! Importing whole records: the JSON lines `kith export --format json` writes (each line holds
//! its record's file), and the records [`super::kith_csv`] rebuilds from kith's own CSV files.
//!
//! A record the workspace lacks is written exactly as it came (byte for byte for JSON lines).
//! A record it has is compared as parsed: what the incoming one adds (a field the local one
//! lacks, activity entries, tasks, notes) goes through the usual change path; a field whose
//! value differs keeps the local value unless `overwrite`, and is listed, never replaced
//! silently. Records already equal change nothing.

use super::{Action, New};
use crate::edit::Change;
use crate::index::Index;
use crate::record::parse;
use crate::record::{Kind, Record};
use anyhow::{Result, bail};
use serde_json::Value as Json;

/// A whole record to import.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// Where it comes from: `file:line`.
    pub origin: String,
    pub kind: Kind,
    pub id: String,
    /// The record file's text.
    pub text: String,
}

/// Whether an import file holds JSON lines (its first non-blank character opens an object).
pub fn is_jsonl(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{')
}

/// Reads JSON lines written by `kith export --format json`. `name` is the file's name for
/// messages. Fails on the first line it cannot read, naming it.
pub fn read(name: &str, text: &str) -> Result<Vec<Incoming>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let origin = format!("{name}:{}", i + 1);
        let obj: Json = serde_json::from_str(line)
            .map_err(|e| anyhow::anyhow!("{origin}: not a JSON object: {e}"))?;
        let field = |k: &str| obj.get(k).and_then(Json::as_str);
        let Some(kind) = field("kind").and_then(Kind::parse) else {
            bail!("{origin}: no `kind` (contact, company or deal)");
        };
        let Some(id) = field("id") else {
            bail!("{origin}: no `id`");
        };
        let Some(file) = field("file") else {
            bail!(
                "{origin}: no `file` with the record's text; kith imports the JSON lines that `kith export --format json` writes (CSV files take any other data)"
            );
        };
        out.push(Incoming {
            origin,
            kind,
            id: id.to_string(),
            text: file.to_string(),
        });
    }
    Ok(out)
}

/// Activity entries and tasks for a record already in the workspace (a record holding only
/// them), and where they come from.
pub type Partial = (String, Record);

/// What importing one whole record does.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub origin: String,
    pub kind: Kind,
    pub id: String,
    pub action: Action,
    /// Fields whose local value was kept (`--overwrite` replaces them): key, local, incoming.
    pub kept: Vec<(String, String, String)>,
}

/// Everything importing whole records would do.
#[derive(Debug, Default)]
pub struct Plan {
    pub creates: Vec<New>,
    pub updates: Vec<(Kind, String, Vec<Change>)>,
    pub rows: Vec<Outcome>,
}

impl Plan {
    pub fn count(&self, action: Action) -> usize {
        self.rows.iter().filter(|r| r.action == action).count()
    }
}

/// Plans importing whole records into the workspace `index` holds, and `partial` records
/// (activity entries and tasks for records already there). A record given twice is an error
/// (the message names both places).
pub fn plan(
    index: &Index,
    incoming: Vec<Incoming>,
    partial: Vec<Partial>,
    overwrite: bool,
) -> Result<Plan> {
    let mut seen = rustc_hash::FxHashMap::default();
    for i in &incoming {
        if let Some(first) = seen.insert((i.kind, i.id.clone()), i.origin.clone()) {
            bail!(
                "{} and {first} both hold {}/{}.md; import one of them",
                i.origin,
                i.kind.dir(),
                i.id
            );
        }
    }
    let mut plan = Plan::default();
    for i in incoming {
        let Some(local) = index.get(i.kind, &i.id) else {
            plan.rows.push(Outcome {
                origin: i.origin,
                kind: i.kind,
                id: i.id.clone(),
                action: Action::Created,
                kept: Vec::new(),
            });
            plan.creates.push(New {
                kind: i.kind,
                id: i.id,
                text: i.text,
            });
            continue;
        };
        let rel = crate::record::layout::rel(i.kind, &i.id);
        let theirs = parse::parse(i.kind, &i.id, &rel, i.text.as_bytes(), &index.config).record;
        plan.compare(i.origin, local, &theirs, overwrite);
    }
    for (origin, theirs) in partial {
        if let Some(local) = index.get(theirs.kind, &theirs.id) {
            plan.compare(origin, local, &theirs, overwrite);
        }
    }
    Ok(plan)
}

impl Plan {
    fn compare(&mut self, origin: String, local: &Record, theirs: &Record, overwrite: bool) {
        let (changes, kept) = changes(local, theirs, overwrite);
        let action = if changes.is_empty() {
            Action::Unchanged
        } else {
            Action::Updated
        };
        if !changes.is_empty() {
            self.updates
                .push((local.kind, local.id.to_string(), changes));
        }
        self.rows.push(Outcome {
            origin,
            kind: local.kind,
            id: local.id.to_string(),
            action,
            kept,
        });
    }
}

/// The changes that bring what `theirs` has to `local`: fields `local` lacks (and, with
/// `overwrite`, fields whose value differs), activity entries and tasks it does not have, and
/// notes it does not contain. Also the fields whose local value is kept.
#[allow(clippy::type_complexity)]
pub fn changes(
    local: &Record,
    theirs: &Record,
    overwrite: bool,
) -> (Vec<Change>, Vec<(String, String, String)>) {
    let mut out = Vec::new();
    let mut kept = Vec::new();
    for (k, v) in &theirs.fields {
        match local.get(k) {
            Some(mine) if mine == v => {}
            Some(mine) if !overwrite && !mine.is_null() => {
                kept.push((k.to_string(), mine.to_text(), v.to_text()));
            }
            _ => out.push(Change::Set(k.to_string(), v.clone())),
        }
    }
    let plain = |a: &crate::record::activity::Activity| crate::record::activity::Activity {
        line: 0,
        kind_col: 0,
        ..a.clone()
    };
    for a in &theirs.activities {
        if !local.activities.iter().any(|m| plain(m) == plain(a)) {
            out.push(Change::Log(plain(a)));
        }
    }
    for t in &theirs.tasks {
        if !local.tasks.iter().any(|m| m.same(t)) {
            out.push(Change::AddTask(crate::record::task::Task {
                line: 0,
                ..t.clone()
            }));
        }
    }
    let notes = theirs.notes.trim();
    if !notes.is_empty() && !local.notes.contains(notes) {
        out.push(Change::AddNotes(notes.to_string()));
    }
    (out, kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::config::Config;

    fn index(text: &str) -> Index {
        Index::from_texts(Config::default(), [(Kind::Person, "ada", text)])
    }

    #[test]
    fn new_records_are_written_as_they_came_and_equal_ones_change_nothing() {
        let text =
            "---\nname: Ada  # the first\n---\nNotes.\n\n## Activity\n- 2026-11-20 call: hi\n";
        let incoming = vec![Incoming {
            origin: "x.jsonl:1".into(),
            kind: Kind::Person,
            id: "ada".into(),
            text: text.into(),
        }];
        let empty = Index::from_texts(Config::default(), [] as [(Kind, &str, &str); 0]);
        let p = plan(&empty, incoming.clone(), Vec::new(), false).unwrap();
        assert_eq!(p.creates[0].text, text);
        let p = plan(&index(text), incoming.clone(), Vec::new(), false).unwrap();
        assert_eq!(p.count(Action::Unchanged), 1);
        assert!(p.updates.is_empty());
        // Other bytes, same record: nothing to do either.
        let p = plan(
            &index("---\nname: Ada\n---\nNotes.\n\n## Activity\n- 2026-11-20 call: hi\n"),
            incoming,
            Vec::new(),
            false,
        )
        .unwrap();
        assert_eq!(p.count(Action::Unchanged), 1);
    }

    #[test]
    fn local_values_are_kept_and_what_is_missing_is_added() {
        let local = index("---\nname: Ada\ntitle: CTO\n---\n");
        let incoming = vec![Incoming {
            origin: "x.jsonl:1".into(),
            kind: Kind::Person,
            id: "ada".into(),
            text:
                "---\nname: Ada\ntitle: CEO\ncountry: GB\n---\n## Activity\n- 2026-11-20 call: hi\n"
                    .into(),
        }];
        let p = plan(&local, incoming.clone(), Vec::new(), false).unwrap();
        assert_eq!(
            p.rows[0].kept,
            [("title".into(), "CTO".into(), "CEO".into())]
        );
        let (_, _, changes) = &p.updates[0];
        assert_eq!(changes.len(), 2, "{changes:?}");
        let p = plan(&local, incoming, Vec::new(), true).unwrap();
        assert!(p.rows[0].kept.is_empty());
        assert_eq!(p.updates[0].2.len(), 3);
    }
}
