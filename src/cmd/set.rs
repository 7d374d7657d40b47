//! `kith set`, `kith unset`, `kith tag`: field edits through the loss-free editor.

use super::{check_references, check_teammates};
use super::{done, load, say};
use crate::cli::{BulkArgs, SetArgs, TagArgs, UnsetArgs};
use crate::edit::Change;
use crate::edit::store;
use crate::index::resolve::resolve;
use crate::record::schema;
use crate::record::value::Value;
use crate::record::{Kind, Record};
use crate::workspace::Workspace;
use anyhow::{Result, bail};
use std::process::ExitCode;

pub fn set(ws: &Workspace, args: SetArgs) -> Result<ExitCode> {
    let (id, pairs) = split_args(&args.args, &args.bulk)?;
    if pairs.is_empty() {
        return Err(super::usage(
            "nothing to set: give KEY=VALUE pairs after the record",
        ));
    }
    for pair in pairs {
        schema::split_assignment(pair).map_err(super::usage)?;
    }
    let index = load(ws);
    let targets = targets(ws, index, id, &args.bulk)?;
    let stamp_parts = super::stamp_parts(ws)?;
    let parse = |kind: Kind| -> Result<Vec<(String, Value)>> {
        pairs
            .iter()
            .map(|pair| {
                schema::parse_assignment(&ws.config, kind, pair).map_err(anyhow::Error::new)
            })
            .collect()
    };
    // Once per kind, not once per record: one refusal (or one warning) for a bulk edit.
    let mut kinds: Vec<Kind> = targets.iter().map(|r| r.kind).collect();
    kinds.dedup();
    for kind in kinds {
        if let Ok(fields) = parse(kind) {
            check_teammates(&ws.config, kind, &fields, args.force)?;
        }
    }
    let plans = plan_each(&targets, |record| {
        let fields = parse(record.kind)?;
        check_references(index, record.kind, &fields)?;
        plan_set(ws, record, &fields, args.force, &stamp_parts)
    })?;
    write_all(ws, &plans)
}

/// The changes that set `fields` on one record, and their summary.
fn plan_set(
    ws: &Workspace,
    record: &Record,
    fields: &[(String, Value)],
    force: bool,
    (today, me): &(jiff::civil::Date, Option<String>),
) -> Result<Plan> {
    let (changes, summary) =
        crate::plan::set::fields(&ws.config, record, fields, force, *today, me.as_deref())?;
    Ok(Plan {
        record: record.clone(),
        changes,
        summary: summary.join(", "),
    })
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
    let plan = Plan {
        record: record.clone(),
        changes,
        summary: summary.join(", "),
    };
    write_all(ws, &[plan])
}

pub fn tag(ws: &Workspace, args: TagArgs) -> Result<ExitCode> {
    let (id, tags) = split_args(&args.args, &args.bulk)?;
    let mut ops: Vec<(bool, &str)> = Vec::new();
    for t in tags {
        let (add, tag) = match t.strip_prefix('-') {
            Some(rest) => (false, rest),
            None => (true, t.strip_prefix('+').unwrap_or(t)),
        };
        let tag = tag.trim();
        if tag.is_empty() || tag.contains([',', '\n', '[', ']']) {
            return Err(super::usage(format!(
                "`{t}` is not a tag (no commas, brackets or line breaks)"
            )));
        }
        ops.push((add, tag));
    }
    if ops.is_empty() {
        return Err(super::usage(
            "no tags given: write +tag to add and -tag to remove",
        ));
    }
    let index = load(ws);
    let targets = targets(ws, index, id, &args.bulk)?;
    let plans = plan_each(&targets, |record| {
        let mut changes = Vec::new();
        let mut summary = Vec::new();
        for (add, tag) in &ops {
            let has = record.has_tag(tag);
            if *add && !has {
                changes.push(Change::ListAdd("tags".into(), tag.to_string()));
                summary.push(format!("+{tag}"));
            } else if !add && has {
                changes.push(Change::ListRemove("tags".into(), tag.to_string()));
                summary.push(format!("-{tag}"));
            }
        }
        Ok(Plan {
            record: record.clone(),
            changes,
            summary: format!("tags {}", summary.join(" ")),
        })
    })?;
    write_all(ws, &plans)
}

/// One record's planned edit.
struct Plan {
    record: Record,
    changes: Vec<Change>,
    summary: String,
}

/// The record to edit and the remaining arguments: the first argument is the record unless
/// `--where` or `--segment` selects them (then there is none).
fn split_args<'b>(args: &'b [String], bulk: &BulkArgs) -> Result<(Option<&'b str>, &'b [String])> {
    if bulk.filter.is_some() || bulk.segment.is_some() {
        return Ok((None, args));
    }
    match args.split_first() {
        Some((id, rest)) => Ok((Some(id), rest)),
        None => Err(super::usage("which record? give its id, e-mail or name")),
    }
}

/// The records an edit applies to: the record `id`, or those `--where` or `--segment` selects.
fn targets<'a>(
    ws: &Workspace,
    index: &'a crate::index::Index,
    id: Option<&str>,
    bulk: &BulkArgs,
) -> Result<Vec<&'a Record>> {
    if let Some(id) = id {
        return Ok(vec![resolve(index, id, None)?]);
    }
    let derived = super::derive(ws, index, bulk.as_of.as_deref())?;
    let selected = super::select(
        index,
        derived,
        bulk.segment.as_deref(),
        bulk.filter.as_deref(),
        Kind::Person,
    )?;
    if selected.is_empty() {
        bail!("no record matches, so nothing changes");
    }
    Ok(selected)
}

/// Plans every target; if any plan fails, reports them all and writes nothing.
fn plan_each(
    targets: &[&Record],
    mut plan: impl FnMut(&Record) -> Result<Plan>,
) -> Result<Vec<Plan>> {
    let mut plans = Vec::new();
    let mut errors = Vec::new();
    for r in targets {
        match plan(r) {
            Ok(p) => plans.push(p),
            Err(e) if targets.len() == 1 => return Err(crate::util::hint::flatten(&e, |m| m)),
            Err(e) => errors.push(format!("{}: {}", r.path(), crate::util::hint::inline(&e))),
        }
    }
    match errors.len() {
        0 => Ok(plans),
        n => bail!(
            "{n} of {} records cannot be changed, so nothing was written:\n  {}",
            targets.len(),
            errors.join("\n  ")
        ),
    }
}

/// Writes every plan (in a dry run, checks it and says what would change).
fn write_all(ws: &Workspace, plans: &[Plan]) -> Result<ExitCode> {
    let dry_run = store::is_dry_run();
    let mut changed = 0;
    for p in plans {
        if p.changes.is_empty() {
            if plans.len() == 1 {
                say(&p.record.path(), "unchanged");
            }
            continue;
        }
        if store::update(ws, p.record.kind, &p.record.id, &p.changes)? {
            done(&p.record.path(), &p.summary);
        } else {
            say(&p.record.path(), "unchanged");
            continue;
        }
        changed += 1;
    }
    if plans.len() > 1 || dry_run {
        let verb = if dry_run { "would change" } else { "changed" };
        crate::util::output::eprint(&format!("{changed} of {} records {verb}\n", plans.len()));
    }
    Ok(ExitCode::SUCCESS)
}
