//! Code actions: apply a did-you-mean fix, add a missing `other_reason` or
//! `unqualified_reason`, promote to the next stage, log an activity now, tick a task. Each is
//! an edit of the open document made by the loss-free editor; the client applies it.

use super::server::{Server, Snapshot, Target};
use super::text;
use crate::edit::{self, Change};
use crate::plan::lifecycle::{self, Attribution};
use crate::record::activity::Activity;
use crate::record::schema;
use crate::record::value::Value;
use crate::record::{Kind, Record};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    Diagnostic, TextEdit, Uri, WorkspaceEdit,
};
use std::collections::HashMap;

pub fn actions(server: &Server, p: CodeActionParams) -> Option<CodeActionResponse> {
    let uri = p.text_document.uri;
    let doc = server.document(&uri)?;
    let Target::Record(kind, id) = &doc.target else {
        return Some(Vec::new());
    };
    let mut out = Vec::new();
    for d in &p.context.diagnostics {
        if let Some(fix) = did_you_mean(&uri, d) {
            out.push(fix);
        }
    }
    let record = doc.parsed_record(server, *kind, id);
    let mut changes: Vec<(String, Vec<Change>, bool)> = Vec::new();
    if let Some(r) = &record {
        changes.extend(reasons(r));
        changes.extend(promote(server, r));
    }
    let offset = text::offset(&doc.text, p.range.start);
    if let Some(c) = tick(server, &doc, offset) {
        changes.push(c);
    }
    changes.push((
        "Log an activity today".into(),
        vec![Change::Log(activity(server, "note", "..."))],
        false,
    ));
    for (title, changes, preferred) in changes {
        if let Some(edit) = edited(server, *kind, &doc, &changes) {
            out.push(action(&uri, title, vec![edit], preferred, None));
        }
    }
    Some(out)
}

/// `did you mean `X`?` in a diagnostic's help: replace what it underlines with X.
fn did_you_mean(uri: &Uri, d: &Diagnostic) -> Option<CodeActionOrCommand> {
    let help = d.data.as_ref()?.get("help")?.as_str()?;
    let rest = &help[help.find("did you mean `")? + "did you mean `".len()..];
    let fix = &rest[..rest.find('`')?];
    let edit = TextEdit {
        range: d.range,
        new_text: fix.to_string(),
    };
    Some(action(
        uri,
        format!("Change to `{fix}`"),
        vec![edit],
        true,
        Some(d.clone()),
    ))
}

/// A missing `unqualified_reason` or `other_reason`, added for the user to fill in.
fn reasons(r: &Record) -> Vec<(String, Vec<Change>, bool)> {
    let mut out = Vec::new();
    if r.kind != Kind::Person {
        return out;
    }
    let unqualified = r
        .text("lead_status")
        .is_some_and(|s| s.eq_ignore_ascii_case("unqualified"));
    for (key, missing) in [
        ("unqualified_reason", unqualified),
        ("other_reason", r.lifecycle().as_deref() == Some("other")),
    ] {
        if missing && r.get(key).is_none() {
            out.push((
                format!("Add `{key}`"),
                vec![Change::Set(key.into(), Value::str("..."))],
                true,
            ));
        }
    }
    out
}

/// A person to the next lifecycle stage (as `kith promote` moves them), a deal to the next
/// stage of its pipeline.
fn promote(server: &Server, r: &Record) -> Vec<(String, Vec<Change>, bool)> {
    let cfg = &server.live.index.config;
    let stamp = Attribution {
        today: server.live.as_of,
        by: None,
    };
    match r.kind {
        Kind::Person => match lifecycle::promote(cfg, r, None, false, None, &stamp) {
            Ok(changes) => {
                let to = match &changes[0] {
                    Change::Set(_, v) => v.to_text(),
                    _ => return Vec::new(),
                };
                vec![(format!("Promote to `{to}`"), changes, false)]
            }
            Err(_) => Vec::new(),
        },
        Kind::Deal => {
            let Some(pipeline) = cfg.pipeline(r.text("pipeline")) else {
                return Vec::new();
            };
            let current = r.stage();
            let at = pipeline
                .stages
                .iter()
                .position(|s| Some(s.id.as_str()) == current.as_deref());
            let next = match at {
                Some(i) => pipeline.stages.get(i + 1),
                None => pipeline.stages.first(),
            };
            let Some(next) =
                next.filter(|_| at.is_none_or(|i| pipeline.stages[i].closed.is_none()))
            else {
                return Vec::new();
            };
            let from = current.as_deref().unwrap_or("none").to_string();
            let changes = vec![
                Change::Set("stage".into(), Value::str(&next.id)),
                Change::Log(activity(server, "stage", &format!("{from} → {}", next.id))),
            ];
            vec![(format!("Move to stage `{}`", next.id), changes, false)]
        }
        Kind::Company => Vec::new(),
    }
}

/// The open task on the cursor's line, ticked today.
fn tick(server: &Server, doc: &Snapshot, offset: usize) -> Option<(String, Vec<Change>, bool)> {
    let line = doc.text[..offset].matches('\n').count() as u32 + 1;
    let Target::Record(kind, id) = &doc.target else {
        return None;
    };
    let record = doc.parsed_record(server, *kind, id)?;
    let task = record.tasks.iter().find(|t| t.line == line && !t.done)?;
    Some((
        format!("Tick the task: {}", task.text),
        vec![Change::TickTask(task.clone(), server.live.as_of)],
        false,
    ))
}

fn activity(server: &Server, kind: &str, text: &str) -> Activity {
    Activity {
        date: server.live.as_of,
        time: None,
        kind: kind.into(),
        by: None,
        deal: None,
        text: text.into(),
        line: 0,
        kind_col: 0,
    }
}

/// The document after the changes, as one minimal edit; `None` when the editor refuses (a
/// frontmatter it cannot edit safely) or nothing changes.
fn edited(server: &Server, kind: Kind, doc: &Snapshot, changes: &[Change]) -> Option<TextEdit> {
    let cfg = &server.live.index.config;
    let after = edit::apply(&doc.text, changes, |k| schema::field_type(cfg, kind, k)).ok()?;
    (after != doc.text).then(|| text::minimal_edit(&doc.text, &after))
}

fn action(
    uri: &Uri,
    title: String,
    edits: Vec<TextEdit>,
    preferred: bool,
    diagnostic: Option<Diagnostic>,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(if diagnostic.is_some() {
            CodeActionKind::QUICKFIX
        } else {
            CodeActionKind::REFACTOR_REWRITE
        }),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..Default::default()
        }),
        is_preferred: preferred.then_some(true),
        ..Default::default()
    })
}

impl Snapshot {
    /// The document parsed as the record it is (its text as it is now).
    pub fn parsed_record(&self, server: &Server, kind: Kind, id: &str) -> Option<Record> {
        let p = crate::record::parse::parse(
            kind,
            id,
            &self.rel,
            self.text.as_bytes(),
            &server.live.index.config,
        );
        (!p.record.broken).then_some(p.record)
    }
}
