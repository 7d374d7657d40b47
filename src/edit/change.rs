//! One change to a record as commands describe it ([`Change`]), and applying a list of them to
//! a record's text through the loss-free editor ([`apply`]).

use super::Doc;
use crate::record::activity::Activity;
use crate::record::schema::FieldType;
use crate::record::task::Task;
use crate::record::value::Value;
use anyhow::Result;

/// One change to a record, as commands describe them.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Set(String, Value),
    Unset(String),
    ListAdd(String, String),
    ListRemove(String, String),
    Log(Activity),
    /// A paragraph added to the notes.
    AddNotes(String),
    /// A follow-up added to the `## Tasks` list.
    AddTask(Task),
    /// The task equal to this one (its line aside) ticked, on this day.
    TickTask(Task, jiff::civil::Date),
    /// The open task equal to this one (its line aside) moved to a new due date.
    MoveTask(Task, jiff::civil::Date),
    /// `#from` mentions in the activity log pointed at `#to`.
    RenameDeal {
        from: String,
        to: String,
    },
    /// A reference field pointed from one id to another, only the id's bytes rewritten (a wiki
    /// link's brackets and label, quotes and layout stay); `value` when that cannot be done.
    Repoint {
        field: String,
        from: String,
        to: String,
        value: Value,
    },
    /// Wiki links in the body to record `kind`/`from` (`[[from]]`, `[[from|label]]`,
    /// `[[dir/from]]`) pointed at `to`; labels and folders stay as written.
    RenameLink {
        kind: crate::record::Kind,
        from: String,
        to: String,
    },
    /// Mentions of a person (full name, e-mail addresses, phone numbers as written) in the
    /// body replaced with `[removed]` ([`crate::edit::redact`]); the frontmatter is never touched.
    Redact(Vec<String>),
}

impl Change {
    /// A short description for messages (`lifecycle → mql`, `+tag vip`).
    pub fn describe(&self) -> String {
        match self {
            Change::Set(k, v) => format!("{k} = {v}"),
            Change::Unset(k) => format!("{k} removed"),
            Change::ListAdd(k, v) => format!("{k} +{v}"),
            Change::ListRemove(k, v) => format!("{k} -{v}"),
            Change::Log(a) => format!("logged {} on {}", a.kind, a.date),
            Change::AddNotes(_) => "notes added".to_string(),
            Change::AddTask(t) => format!("task {} {} due {}", t.kind, t.text, t.due),
            Change::TickTask(t, _) => format!("task {} {} done", t.kind, t.text),
            Change::MoveTask(t, to) => format!("task {} {} due {to}", t.kind, t.text),
            Change::RenameDeal { from, to } => format!("#{from} → #{to}"),
            Change::RenameLink { from, to, .. } => format!("[[{from}]] → [[{to}]]"),
            Change::Repoint {
                field, from, to, ..
            } => format!("{field}: {from} → {to}"),
            Change::Redact(_) => format!("mentions replaced with {}", crate::edit::redact::REMOVED),
        }
    }
}

/// Applies changes in order; `ty` gives each field's declared type. Changes that change nothing
/// (adding a tag that is there, removing a missing key) are skipped.
pub fn apply(
    text: &str,
    changes: &[Change],
    ty: impl Fn(&str) -> Option<FieldType>,
) -> Result<String> {
    let mut current = text.to_string();
    for change in changes {
        let doc = Doc::parse(&current)?;
        let next = match change {
            Change::Set(k, v) => Some(doc.set(k, v, ty(k).as_ref())),
            Change::Unset(k) => doc.remove(k),
            Change::ListAdd(k, item) => doc.list_add(k, item),
            Change::ListRemove(k, item) => doc.list_remove(k, item),
            Change::Log(a) => Some(doc.add_activity(a)),
            Change::AddNotes(text) => doc.add_notes(text),
            Change::AddTask(t) => Some(doc.add_task(t)),
            Change::TickTask(t, on) => doc.change_task(t, |t| {
                t.done = true;
                t.done_on = Some(*on);
            }),
            Change::MoveTask(t, to) => doc.change_task(t, |t| t.due = *to),
            Change::RenameDeal { from, to } => doc.rename_deal(from, to),
            Change::RenameLink { kind, from, to } => doc.rename_link(*kind, from, to),
            Change::Repoint {
                field,
                from,
                to,
                value,
            } => doc
                .repoint(field, from, to)
                .or_else(|| Some(doc.set(field, value, ty(field).as_ref()))),
            Change::Redact(needles) => doc.redact(needles),
        };
        if let Some(next) = next {
            current = next;
        }
    }
    Ok(current)
}
