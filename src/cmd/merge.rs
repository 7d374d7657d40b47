//! `kith merge KEEP DROP [--dry-run]`: folds a duplicate into the record that stays. Every
//! file is changed and checked in memory first; if one cannot be, nothing is written.

use super::{done, load, warn};
use crate::cli::MergeArgs;
use crate::edit::store::{self, Prepared};
use crate::index::resolve::resolve;
use crate::plan::fold;
use crate::util::output::{self, paint};
use crate::workspace::Workspace;
use anyhow::{Context, Result, bail};
use std::process::ExitCode;

pub fn run(ws: &Workspace, args: MergeArgs) -> Result<ExitCode> {
    let index = load(ws);
    let keep = resolve(index, &args.keep, None)?;
    let drop = resolve(index, &args.drop, None)?;
    let drop_text = store::read_text(ws, drop.kind, &drop.id)?;
    let plan = fold::plan(index, keep, drop, &drop_text, ws.today()?)?;

    let prepared = prepare_all(ws, &plan.edits, drop, || {
        format!("cannot merge {} into {}", drop.path(), keep.path())
    })?;

    if args.dry_run {
        let mut text = String::new();
        for (p, _) in &prepared {
            text.push_str(&diff(p));
        }
        output::print(&text);
        plan.notes.iter().for_each(|n| warn(n));
        output::eprint(&format!(
            "dry run: {} file{} would change; nothing was written\n",
            prepared.len(),
            if prepared.len() == 1 { "" } else { "s" }
        ));
    } else {
        let mut written: Vec<&str> = Vec::new();
        for (p, summary) in &prepared {
            store::commit(p).with_context(|| match written.len() {
                0 => "nothing was written".to_string(),
                _ => format!(
                    "{} already written; run the command again to finish (merging is repeatable)",
                    written.join(", ")
                ),
            })?;
            written.push(&p.rel);
            let what = if p.kind == keep.kind && p.id == keep.id.as_str() {
                format!("merged {} into it: {}", drop.path(), summary.join(", "))
            } else {
                summary.join(", ")
            };
            done(&p.rel, &what);
        }
        plan.notes.iter().for_each(|n| warn(n));
    }
    Ok(ExitCode::SUCCESS)
}

/// A prepared change as a unified diff, coloured on a terminal.
pub(super) fn diff(p: &Prepared) -> String {
    let new = p.new.as_deref().unwrap_or("");
    let (a, b) = (
        format!("a/{}", p.rel),
        match p.new {
            Some(_) => format!("b/{}", p.rel),
            None => "/dev/null".to_string(),
        },
    );
    let text = similar::TextDiff::from_lines(p.old.as_str(), new)
        .unified_diff()
        .context_radius(3)
        .header(&a, &b)
        .to_string();
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let style = if line.starts_with("+++") || line.starts_with("---") {
            output::BOLD
        } else if line.starts_with('+') {
            output::GOOD
        } else if line.starts_with('-') {
            output::BAD
        } else if line.starts_with("@@") {
            output::ACCENT
        } else {
            anstyle::Style::new()
        };
        out.push_str(&paint(style, line.strip_suffix('\n').unwrap_or(line)));
        out.push('\n');
    }
    out
}

/// Prepares every edit and then the removal of `removed`, each with its summary, in memory;
/// when any is refused, fails naming each refusal (`what` says what could not be done) and
/// nothing is written. Shared by `kith merge` and `kith forget`.
pub(super) fn prepare_all(
    ws: &Workspace,
    edits: &[fold::Edit],
    removed: &crate::record::Record,
    what: impl FnOnce() -> String,
) -> Result<Vec<(Prepared, Vec<String>)>> {
    let mut prepared: Vec<(Prepared, Vec<String>)> = Vec::new();
    let mut refused: Vec<String> = Vec::new();
    // Messages that do not name their file get it in front.
    let refusal = |path: String, e: anyhow::Error| {
        let message = format!("{e:#}");
        if message.contains(&path) {
            message
        } else {
            format!("{path}: {message}")
        }
    };
    for edit in edits {
        match store::prepare(ws, edit.kind, &edit.id, &edit.changes) {
            Ok(Some(p)) => prepared.push((p, edit.summary.clone())),
            Ok(None) => {}
            Err(e) => refused.push(refusal(edit.path(), e)),
        }
    }
    match store::prepare_removal(ws, removed.kind, &removed.id) {
        Ok(p) => prepared.push((p, vec!["removed".into()])),
        Err(e) => refused.push(refusal(removed.path(), e)),
    }
    if !refused.is_empty() {
        bail!(
            "{}, so nothing was written:\n  {}",
            what(),
            refused.join("\n  ")
        );
    }
    Ok(prepared)
}
