//! A run of the workflows to rest: what one workflow writes can start or end another (a
//! re-engaged lead's new `lead_status` takes it out of a nurture), so the plan is applied in
//! memory and made again until nothing more is due. That makes `kith advance` idempotent: a
//! second run on the same day finds nothing to do.
//!
//! Pure apart from `read`, which supplies a record's text the first time it changes.

use super::plan::{self, Action};
use crate::analysis::derive::Derived;
use crate::analysis::workflow::Workflow;
use crate::edit::{self, Change};
use crate::index::Index;
use crate::record::Kind;
use crate::record::schema;
use anyhow::{Context, Result};
use jiff::civil::Date;
use rustc_hash::FxHashMap;

/// Rounds before kith gives up on workflows that keep changing each other.
pub const MAX_ROUNDS: usize = 8;

/// What a settled run does.
#[derive(Debug, Default)]
pub struct Settled {
    /// Every action, round after round.
    pub actions: Vec<Action>,
    /// Each changed record with all its changes, in order, in the order first changed.
    pub records: Vec<((Kind, String), Vec<Change>)>,
    pub rounds: usize,
    /// The workflows still had something to do after [`MAX_ROUNDS`].
    pub unsettled: bool,
}

/// Runs the workflows on `as_of` until nothing more is due, updating `index` in memory (the
/// files are not touched). `read` gives a record's current text.
pub fn settle(
    index: &mut Index,
    workflows: &[Workflow],
    as_of: Date,
    read: impl Fn(Kind, &str) -> Result<String>,
) -> Result<Settled> {
    let mut out = Settled::default();
    let mut texts: FxHashMap<(Kind, String), String> = FxHashMap::default();
    let mut position: FxHashMap<(Kind, String), usize> = FxHashMap::default();
    loop {
        let (derived, _) = Derived::compute(index, as_of);
        crate::util::output::trace("scores and segments");
        let actions = plan::plan(index, &derived, workflows);
        crate::util::output::trace("workflows planned");
        if actions.is_empty() {
            break;
        }
        if out.rounds == MAX_ROUNDS {
            out.unsettled = true;
            break;
        }
        out.rounds += 1;
        let mut round: Vec<((Kind, String), Vec<Change>)> = Vec::new();
        let mut at: FxHashMap<(Kind, String), usize> = FxHashMap::default();
        for a in &actions {
            let key = (a.kind, a.id.clone());
            match at.get(&key) {
                Some(&i) => round[i].1.extend(a.changes.iter().cloned()),
                None => {
                    at.insert(key.clone(), round.len());
                    round.push((key, a.changes.clone()));
                }
            }
        }
        let cfg = index.config.clone();
        for (key, changes) in round {
            let text = match texts.remove(&key) {
                Some(t) => t,
                None => read(key.0, &key.1)?,
            };
            let path = crate::record::layout::rel(key.0, &key.1);
            let new = edit::apply(&text, &changes, |k| schema::field_type(&cfg, key.0, k))
                .with_context(|| format!("cannot edit {path}"))?;
            index.insert(crate::record::parse::parse(
                key.0,
                &key.1,
                &path,
                new.as_bytes(),
                &cfg,
            ));
            texts.insert(key.clone(), new);
            match position.get(&key) {
                Some(&i) => out.records[i].1.extend(changes),
                None => {
                    position.insert(key.clone(), out.records.len());
                    out.records.push((key, changes));
                }
            }
        }
        out.actions.extend(actions);
    }
    Ok(out)
}
