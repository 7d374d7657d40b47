//! A plan made into files through [`crate::edit::store`]: every changed record is read, edited and
//! checked, and every new record made and checked, before the first file is written; each file
//! is then written whole (a kill leaves the old or the new bytes), and a dry run writes none.

use super::plan::{Entry, Plan};
use crate::edit::Change;
use crate::edit::store;
use crate::record::Kind;
use crate::workspace::Workspace;
use anyhow::{Context, Result};
use indexmap::IndexMap;
use jiff::civil::Date;
use rayon::prelude::*;

/// Every file of a plan, made and checked, not written yet.
pub struct Prepared {
    /// New records: kind, id, text.
    pub creates: Vec<(Kind, String, String)>,
    /// Changed records.
    pub updates: Vec<store::Prepared>,
}

/// Makes and checks every file of the plan, writing nothing.
pub fn prepare(ws: &Workspace, plan: &Plan, today: Date) -> Result<Prepared> {
    let mut by_record: IndexMap<(Kind, &str, bool), Vec<&Entry>> = IndexMap::new();
    for e in &plan.entries {
        by_record
            .entry((e.kind, e.id.as_str(), e.new))
            .or_default()
            .push(e);
    }
    let changes = |entries: &[&Entry]| -> Vec<Change> {
        let mut sorted: Vec<&Entry> = entries.to_vec();
        sorted.sort_by_key(|e| (e.activity.date, e.activity.time));
        sorted
            .into_iter()
            .map(|e| Change::Log(e.activity.clone()))
            .collect()
    };
    let cfg = &ws.config;
    let creates: Vec<(Kind, String, String)> = plan
        .creates
        .iter()
        .map(|n| {
            let text = crate::plan::create::record_text(cfg, n.kind, &n.name, &n.fields, today)?;
            let logs = by_record
                .get(&(n.kind, n.id.as_str(), true))
                .map(|e| changes(e))
                .unwrap_or_default();
            let rel = crate::record::layout::rel(n.kind, &n.id);
            let text = crate::edit::apply(&text, &logs, |k| {
                crate::record::schema::field_type(cfg, n.kind, k)
            })
            .with_context(|| format!("cannot make {rel}"))?;
            Ok((n.kind, n.id.clone(), text))
        })
        .collect::<Result<_>>()?;
    let refs: Vec<(Kind, &str, &str)> = creates
        .iter()
        .map(|(k, id, t)| (*k, id.as_str(), t.as_str()))
        .collect();
    store::check_new(ws, &refs)?;
    let existing: Vec<_> = by_record.iter().filter(|((_, _, new), _)| !new).collect();
    let updates: Vec<Option<store::Prepared>> = existing
        .par_iter()
        .map(|((kind, id, _), entries)| store::prepare(ws, *kind, id, &changes(entries)))
        .collect::<Result<_>>()?;
    Ok(Prepared {
        creates,
        updates: updates.into_iter().flatten().collect(),
    })
}

/// Writes what [`prepare`] made: the new records, then the changes, each file whole.
/// `done` is told of each file written.
pub fn commit(ws: &Workspace, prepared: &Prepared, done: impl Fn() + Sync) -> Result<()> {
    let refs: Vec<(Kind, &str, &str)> = prepared
        .creates
        .iter()
        .map(|(k, id, t)| (*k, id.as_str(), t.as_str()))
        .collect();
    if !refs.is_empty() && !store::is_dry_run() {
        for kind in [Kind::Company, Kind::Person] {
            if refs.iter().any(|(k, _, _)| *k == kind) {
                let dir = ws.dir(kind);
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
        }
    }
    store::create_many(ws, &refs, &done)?;
    store::write_many(&prepared.updates)?;
    for _ in &prepared.updates {
        done();
    }
    Ok(())
}
