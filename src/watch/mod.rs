//! `kith watch`'s library: follow a workspace and re-index only what changed.
//!
//! Raw events come from [`source`] (notify, debounced); [`batch`] keeps each path once and
//! [`filter`] drops the noise editors and git make; [`step`] reads the changed files again
//! (the only I/O here) and hands them to [`apply`], which updates the index and says what each
//! change caused. [`summary`] renders the whole state canonically, so the tests can compare a
//! watched workspace with a cold load of the same files. [`monitor`] runs beside the watcher
//! and tells other kith commands whether any record file changed.

pub mod affected;
pub mod apply;
pub mod batch;
pub mod duplicates;
pub mod filter;
pub mod live;
pub mod monitor;
pub mod serve;
pub mod source;
pub mod summary;

use crate::load::{self, Found};
use crate::record::Kind;
use crate::record::diag::Diagnostic;
use crate::workspace::Workspace;
use apply::{Live, Outcome, Reread, What};
use batch::Batch;
use rayon::prelude::*;
use std::collections::BTreeSet;

/// Above this many changed records, a batch prints one summary line instead of one per record
/// (a `git checkout` that changes thousands of files).
pub const MAX_LINES: usize = 50;

/// What a batch did.
pub struct Stepped {
    /// The lines to print.
    pub lines: Vec<String>,
    /// The records whose report pages may have changed; `None` when every page may have
    /// (kith.yaml was reloaded, or a template changed).
    pub pages: Option<Vec<(Kind, String)>>,
}

/// Applies one batch: reloads kith.yaml when it changed (keeping the old settings when the new
/// ones have errors), reads the changed record files and updates `live`.
pub fn step(ws: &mut Workspace, live: &mut Live, batch: Batch) -> Stepped {
    let mut lines = Vec::new();
    if batch.config {
        match reload_config(ws) {
            Ok(()) => {
                let out = live.reload(load::load(ws));
                lines.push(format!(
                    "{}: reloaded; {}",
                    crate::record::config::FILE,
                    affected(&out)
                ));
                lines.extend(diagnostic_lines(&out));
                // Every record was read again with the new settings.
                return Stepped {
                    lines: with_templates(lines, &batch),
                    pages: None,
                };
            }
            Err(why) => lines.extend(why),
        }
    }
    let changes = read(ws, live, &batch);
    let mut pages = Vec::new();
    if !changes.is_empty() {
        let mut out = live.apply(changes);
        // Files read only because their folder was listed again say nothing when unchanged.
        let named: std::collections::HashSet<String> = batch
            .records
            .iter()
            .map(|(k, id)| crate::record::layout::rel(*k, id))
            .collect();
        out.effects
            .retain(|e| named.contains(&e.path) || !e.is_quiet());
        lines.extend(render(&out));
        pages = out.pages;
    }
    Stepped {
        pages: batch.templates.is_empty().then_some(pages),
        lines: with_templates(lines, &batch),
    }
}

fn with_templates(mut lines: Vec<String>, batch: &Batch) -> Vec<String> {
    for t in &batch.templates {
        lines.push(format!("{t}: changed"));
    }
    lines
}

/// Opens kith.yaml again. On errors, `ws` keeps the old settings and the lines say why.
fn reload_config(ws: &mut Workspace) -> Result<(), Vec<String>> {
    let file = crate::record::config::FILE;
    let new = Workspace::open(&ws.root).map_err(|e| {
        vec![format!(
            "{file}: not reloaded, keeping the previous settings: {}",
            crate::util::hint::as_lines(&e)
        )]
    })?;
    let analysis = crate::analysis::config_diagnostics(&new.config);
    let errors: Vec<&Diagnostic> = new
        .config_diags
        .iter()
        .chain(&analysis)
        .filter(|d| d.is_error())
        .collect();
    if !errors.is_empty() {
        let mut lines = vec![format!(
            "{file}: not reloaded, keeping the previous settings: {} error{}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        )];
        lines.extend(errors.iter().map(|d| first_line(d)));
        return Err(lines);
    }
    *ws = new;
    Ok(())
}

/// Reads the batch's record files (and lists the folders it names) in parallel.
fn read(ws: &Workspace, live: &Live, batch: &Batch) -> Vec<Reread> {
    let mut keys = batch.records.clone();
    let kinds: BTreeSet<Kind> = if batch.rescan {
        Kind::ALL.into_iter().collect()
    } else {
        batch.folders.clone()
    };
    if !kinds.is_empty() {
        let (found, _) = load::list(ws);
        keys.extend(
            found
                .into_iter()
                .filter(|f| kinds.contains(&f.kind))
                .map(|f| (f.kind, f.id.into())),
        );
        keys.extend(
            live.index
                .records()
                .filter(|r| kinds.contains(&r.kind))
                .map(|r| (r.kind, r.id.to_string())),
        );
    }
    let keys: Vec<(Kind, String)> = keys.into_iter().collect();
    keys.into_par_iter()
        .map(|(kind, id)| {
            let path = ws.root.join(crate::record::layout::rel(kind, &id));
            let parsed = match std::fs::symlink_metadata(&path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                meta => {
                    let file_type = meta.ok().map(|m| m.file_type());
                    let found = Found {
                        file_type,
                        ..Found::named(kind, &id)
                    };
                    Some(load::load_one(ws, &found))
                }
            };
            (kind, id, parsed)
        })
        .collect()
}

/// The lines for a batch's outcome: one per record, or a summary for a large batch; then the
/// new and fixed diagnostics.
pub fn render(out: &Outcome) -> Vec<String> {
    let mut lines: Vec<String> = if out.effects.len() <= MAX_LINES {
        out.effects.iter().map(ToString::to_string).collect()
    } else {
        let count = |f: fn(&What) -> bool| out.effects.iter().filter(|e| f(&e.what)).count();
        let n = count(|w| {
            !matches!(w, What::Indirect)
                && *w
                    != (What::Updated {
                        cause: String::new(),
                    })
        });
        vec![format!(
            "{n} record{} changed: {} added, {} updated, {} removed, {} renamed, {} do not parse; {}",
            if n == 1 { "" } else { "s" },
            count(|w| *w == What::Added),
            count(|w| match w {
                What::Updated { cause } => !cause.is_empty(),
                What::Repaired { .. } => true,
                _ => false,
            }),
            count(|w| *w == What::Removed),
            count(|w| matches!(w, What::Renamed { .. })),
            count(|w| *w == What::Broken),
            affected(out)
        )]
    };
    lines.extend(diagnostic_lines(out));
    lines
}

/// `3 scores changed, 2 segment memberships changed`.
fn affected(out: &Outcome) -> String {
    let scores = out
        .effects
        .iter()
        .filter(|e| e.score.0 != e.score.1)
        .count();
    let members: usize = out
        .effects
        .iter()
        .map(|e| e.joined.len() + e.left.len())
        .sum();
    let s = |n: usize| if n == 1 { "" } else { "s" };
    format!(
        "{scores} score{} changed, {members} segment membership{} changed",
        s(scores),
        s(members)
    )
}

fn diagnostic_lines(out: &Outcome) -> Vec<String> {
    let mut lines = Vec::new();
    for (prefix, list) in [("", &out.added), ("fixed: ", &out.fixed)] {
        for d in list.iter().take(MAX_LINES) {
            lines.push(format!("{prefix}{}", first_line(d)));
        }
        if list.len() > MAX_LINES {
            lines.push(format!(
                "{prefix}... and {} more (`kith check` lists them all)",
                list.len() - MAX_LINES
            ));
        }
    }
    lines
}

/// `path:line:col: severity: message [code]`, without the help.
fn first_line(d: &Diagnostic) -> String {
    let text = d.render(false);
    text.lines().next().unwrap_or_default().to_string()
}
#[cfg(test)]
mod properties;
