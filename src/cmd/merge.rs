//! `kith merge KEEP DROP [--dry-run]`: folds a duplicate into the record that stays. Every
//! file is changed and checked in memory first; if one cannot be, nothing is written.

use super::{diff, prepare_all};
use super::{done, load, warn};
use crate::cli::MergeArgs;
use crate::edit::store;
use crate::index::resolve::resolve;
use crate::plan::fold;
use crate::util::output;
use crate::workspace::Workspace;
use anyhow::{Context, Result};
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
            store::write(p).with_context(|| match written.len() {
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
