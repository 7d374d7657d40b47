//! Queries answered from the cache without loading the workspace: the records a kind, a
//! segment and a `--where` filter select, with their scores and segments, when no record file
//! changed since a command computed the scores and segments at that date.
//!
//! Lazy: the records cache is read a run of neighbours at a time, and each record is decoded
//! only as far as the question needs. A filter on frontmatter fields decodes only the fields
//! it names ([`super::codec::Reader::head`]); only the records it keeps are decoded whole. At
//! 100,000 records a filter that keeps a few hundred costs a read of the cache file, not a
//! decode of it (bench/runs/2026-12-07-warm.md).
//!
//! The cache's rules hold: every record file's stamp is checked first ([`super::fresh_key`]),
//! a damaged blob makes the query give up (`None`: the caller loads the workspace, which
//! rebuilds the cache), and what a query answers is what a load answers (`tests/cli/lazy.rs`
//! compares the two after random edits).

use super::codec::Reader;
use super::records::{Entry, Records};
use super::results::StoredDerived;
use crate::analysis::filter::{Computed, Env, Filter, Needs, Scope, ScoreView};
use crate::analysis::score::Score;
use crate::index::Index;
use crate::record::{Kind, Record};
use crate::workspace::Workspace;
use anyhow::Result;
use jiff::civil::Date;
use rayon::prelude::*;

/// What to select.
pub struct Query<'a> {
    pub kind: Kind,
    pub segment: Option<&'a str>,
    /// A `--where` expression.
    pub filter: Option<&'a str>,
    /// The date of the scores and segments, when they are needed (a segment or a filter
    /// always needs them).
    pub as_of: Option<Date>,
}

/// The records a query selected, in id order, decoded whole.
pub struct Selected {
    /// Each record with its position in the workspace's record order.
    pub rows: Vec<(usize, Record)>,
    /// The scores and segments, when the query asked for a date.
    pub derived: Option<StoredDerived>,
}

impl Selected {
    /// The score of the record at `pos` (a row's position).
    pub fn score(&self, pos: usize) -> Option<Score> {
        self.derived.as_ref()?.scores.get(pos).copied().flatten()
    }

    /// The segments the record at `pos` is in, in kith.yaml's order.
    pub fn segments_of(&self, pos: usize) -> Vec<&str> {
        match &self.derived {
            Some(d) => (0..d.segments.len())
                .filter(|&s| d.is_member(pos, s))
                .map(|s| d.segments[s].0.as_str())
                .collect(),
            None => Vec::new(),
        }
    }
}

/// The stored scores and segments, as a filter reads them.
struct Stored<'a>(&'a StoredDerived);

impl Computed for Stored<'_> {
    fn score(&self, slot: usize) -> Option<ScoreView> {
        let s = self.0.scores.get(slot).copied().flatten()?;
        Some(ScoreView {
            fit: s.fit,
            engagement: s.engagement,
            total: s.total,
            grade: s.grade,
        })
    }

    fn in_segment(&self, slot: usize, name: &str) -> bool {
        let d = self.0;
        slot < d.scores.len()
            && d.segments
                .iter()
                .position(|(n, _)| n == name)
                .is_some_and(|s| d.is_member(slot, s))
    }

    fn segments_of(&self, slot: usize) -> Vec<&str> {
        let d = self.0;
        if slot >= d.scores.len() {
            return Vec::new();
        }
        (0..d.segments.len())
            .filter(|&s| d.is_member(slot, s))
            .map(|s| d.segments[s].0.as_str())
            .collect()
    }
}

/// Answers `q` from the cache. `Ok(None)` when the cache cannot (a record file changed, the
/// scores at that date were never stored, the filter reads other records, the cache is
/// damaged, or the question has a mistake a load explains better): the caller loads the
/// workspace and gives the same answer. Errors are those a load would give first (broken
/// scoring or segment settings).
pub fn select(ws: &Workspace, q: &Query) -> Result<Option<Selected>> {
    let Some((key, _, records)) = super::fresh_key(ws) else {
        return Ok(None);
    };
    let Some(results) = super::results(ws, key) else {
        return Ok(None);
    };
    // The line about problems that a load prints, as the load that made the cache found them.
    let Some(tally) = results.tally else {
        return Ok(None);
    };
    let derived = match q.as_of {
        Some(date) => {
            crate::analysis::require_valid(ws)?;
            match results.derived_at(date) {
                Some(d) if d.scores.len() == records.entries.len() => Some(d),
                _ => return Ok(None),
            }
        }
        None if q.segment.is_some() || q.filter.is_some() => return Ok(None),
        None => None,
    };
    let segment = match (q.segment, &derived) {
        (Some(name), Some(d)) => match d.segments.iter().position(|(n, _)| n == name) {
            Some(i) if d.segments[i].1 == q.kind => Some(i),
            _ => return Ok(None), // the load explains what is wrong with the name
        },
        _ => None,
    };
    let filter = match (q.filter, &derived) {
        (Some(src), Some(d)) => {
            let names: Vec<String> = d.segments.iter().map(|(n, _)| n.clone()).collect();
            let scope = Scope {
                cfg: &ws.config,
                scores: true,
                segments: Some(&names),
                why_not: "",
            };
            match Filter::compile(src, &scope) {
                Ok(f) if !f.needs().other_records => Some(f),
                _ => return Ok(None),
            }
        }
        _ => None,
    };
    let chosen: Vec<usize> = (0..records.entries.len())
        .filter(|&i| records.entries[i].kind == q.kind)
        .filter(|&i| match (segment, &derived) {
            (Some(s), Some(d)) => d.is_member(i, s),
            _ => true,
        })
        .collect();
    let Some(rows) = decode(ws, &records, &chosen, filter.as_ref(), derived.as_ref(), q) else {
        return Ok(None);
    };
    super::trace("records, scores and segments from the cache (lazily)");
    crate::load::keep_tally(tally);
    Ok(Some(Selected { rows, derived }))
}

/// Decodes the chosen entries, a run of neighbours at a time, keeping those the filter keeps;
/// `None` when a blob is damaged.
fn decode(
    ws: &Workspace,
    records: &Records,
    chosen: &[usize],
    filter: Option<&Filter>,
    derived: Option<&StoredDerived>,
    q: &Query,
) -> Option<Vec<(usize, Record)>> {
    let needs = filter.map(Filter::needs).unwrap_or_default();
    // A filter that reads no other record is evaluated against an empty index.
    let empty = Index::new(ws.config.clone());
    let stored = derived.map(Stored);
    let env = Env {
        index: &empty,
        cfg: &ws.config,
        as_of: q.as_of.unwrap_or_default(),
        computed: stored.as_ref().map(|s| s as &dyn Computed),
    };
    let run = super::CHUNK
        .min(chosen.len().div_ceil(4 * rayon::current_num_threads()))
        .max(1);
    let runs: Option<Vec<Vec<(usize, Record)>>> = chosen
        .par_chunks(run)
        .map(|run| {
            let entries = run.iter().map(|&i| &records.entries[i]);
            let region = records.region(entries)?;
            let mut out = Vec::new();
            for &i in run {
                let e: &Entry = &records.entries[i];
                let blob = region.blob(e)?;
                if let Some(f) = filter
                    && !keeps(f, &needs, &env, i, blob)?
                {
                    continue;
                }
                out.push((i, Reader::new(blob).parsed().ok()?.record));
            }
            Some(out)
        })
        .collect();
    Some(runs?.into_iter().flatten().collect())
}

/// Whether the filter keeps the record encoded in `blob`, decoding only what it reads.
fn keeps(f: &Filter, needs: &Needs, env: &Env, pos: usize, blob: &[u8]) -> Option<bool> {
    let record = if needs.body {
        Reader::new(blob).parsed().ok()?.record
    } else {
        let keep = |k: &str| needs.fields.iter().any(|n| n == k);
        Reader::new(blob).head(&keep).ok()?
    };
    Some(f.matches(env, pos, &record))
}
