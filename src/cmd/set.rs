//! `kith set`, `kith unset`, `kith tag`: field edits through the loss-free editor.

use super::{done, load, new::check_references, with_stamp};
use crate::cli::{SetArgs, TagArgs, UnsetArgs};
use crate::edit::Change;
use crate::lifecycle::{self, Stamp};
use crate::record::Record;
use crate::resolve::resolve;
use crate::schema;
use crate::store;
use crate::value::Value;
use crate::workspace::Workspace;
use anyhow::{Result, bail};
use std::process::ExitCode;

pub fn set(ws: &Workspace, args: SetArgs) -> Result<ExitCode> {
    let index = load(ws);
    let record = resolve(index, &args.id, None)?;
    let cfg = &ws.config;
    let fields: Vec<(String, Value)> = args
        .pairs
        .iter()
        .map(|pair| schema::parse_assignment(cfg, record.kind, pair).map_err(anyhow::Error::msg))
        .collect::<Result<_>>()?;
    check_references(index, record.kind, &fields)?;
    let mut changes = Vec::new();
    let mut summary = Vec::new();
    for (key, value) in &fields {
        let old = record.get(key).map(|v| v.to_text());
        if record.get(key) == Some(value) {
            continue;
        }
        summary.push(match &old {
            Some(old) => format!("{key} {old} → {value}"),
            None => format!("{key} = {value}"),
        });
        if key == "lifecycle" && record.kind == crate::record::Kind::Person {
            // A lifecycle move follows `promote`'s rules and records its date and a log entry;
            // an explicit `lifecycle_changed` dates both.
            let given = |k: &str| {
                fields
                    .iter()
                    .find(|(f, _)| f == k)
                    .map(|(_, v)| v.to_text())
            };
            let date = given("lifecycle_changed").and_then(|d| crate::activity::parse_date(&d));
            let reason = given("other_reason");
            let stage = value.to_text();
            let moves = with_stamp(ws, None, |stamp| {
                let stamp = Stamp {
                    today: date.unwrap_or(stamp.today),
                    by: stamp.by,
                };
                lifecycle::promote(
                    cfg,
                    record,
                    Some(&stage),
                    args.force,
                    reason.as_deref(),
                    &stamp,
                )
            })?;
            changes.extend(moves);
        } else if key == "lifecycle_changed" && fields.iter().any(|(k, _)| k == "lifecycle") {
            continue; // written with the move above
        } else {
            changes.push(Change::Set(key.clone(), value.clone()));
        }
    }
    write(ws, record, &changes, &summary.join(", "))
}

pub fn unset(ws: &Workspace, args: UnsetArgs) -> Result<ExitCode> {
    let index = load(ws);
    let record = resolve(index, &args.id, None)?;
    let mut changes = Vec::new();
    let mut summary = Vec::new();
    for key in &args.keys {
        if record.fields.iter().any(|(k, _)| *k == key.as_str()) {
            changes.push(Change::Unset(key.clone()));
            summary.push(format!("{key} removed"));
        } else {
            super::warn(&format!("{} has no `{key}`", record.path()));
        }
    }
    if args.keys.iter().any(|k| k == "name") {
        super::warn("without a name kith shows the record's id");
    }
    write(ws, record, &changes, &summary.join(", "))
}

pub fn tag(ws: &Workspace, args: TagArgs) -> Result<ExitCode> {
    let index = load(ws);
    let record = resolve(index, &args.id, None)?;
    let mut changes = Vec::new();
    let mut summary = Vec::new();
    for t in &args.tags {
        let (add, tag) = match t.strip_prefix('-') {
            Some(rest) => (false, rest),
            None => (true, t.strip_prefix('+').unwrap_or(t)),
        };
        let tag = tag.trim();
        if tag.is_empty() || tag.contains([',', '\n']) {
            bail!("`{t}` is not a tag (no commas or line breaks)");
        }
        let has = record.has_tag(tag);
        if add && !has {
            changes.push(Change::ListAdd("tags".into(), tag.to_string()));
            summary.push(format!("+{tag}"));
        } else if !add && has {
            changes.push(Change::ListRemove("tags".into(), tag.to_string()));
            summary.push(format!("-{tag}"));
        }
    }
    write(ws, record, &changes, &format!("tags {}", summary.join(" ")))
}

/// Writes the changes (if any) and reports them.
fn write(ws: &Workspace, record: &Record, changes: &[Change], summary: &str) -> Result<ExitCode> {
    if changes.is_empty() || !store::update(ws, record.kind, &record.id, changes)? {
        done(&record.path(), "unchanged");
        return Ok(ExitCode::SUCCESS);
    }
    done(&record.path(), summary);
    Ok(ExitCode::SUCCESS)
}
