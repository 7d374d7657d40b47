//! Queries answered from the cache without loading the workspace, when no record file changed
//! since a command computed the scores and segments at that date: the records a kind, a
//! segment and a `--where` filter select ([`select`]), and one record with the records its
//! card and its score read ([`around`], for `kith show` and `kith score`).
//!
//! Lazy: the records cache is read a run of neighbours at a time, and each record is decoded
//! only as far as the question needs. A filter on frontmatter fields decodes only the fields
//! it names ([`super::codec::Reader::head`]); only the records it keeps are decoded whole. At
//! 100,000 records a filter that keeps a few hundred costs a read of the cache file, not a
//! decode of it (bench/runs/2026-12-07-warm.md).
//!
//! The cache's rules hold: every record file is vouched for first ([`super::fresh_key`]),
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
            Some(d) => d.segments_of(pos),
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
        if slot >= self.0.scores.len() {
            return Vec::new();
        }
        self.0.segments_of(slot)
    }
}

/// Answers `q` from the cache. `Ok(None)` when the cache cannot (a record file changed, the
/// scores at that date were never stored, the filter reads other records, the cache is
/// damaged, or the question has a mistake a load explains better): the caller loads the
/// workspace and gives the same answer. Errors are those a load would give first (broken
/// scoring or segment settings).
pub fn select(ws: &Workspace, q: &Query) -> Result<Option<Selected>> {
    let Some((key, records)) = super::fresh_key(ws) else {
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
    let run = run_len(chosen.len());
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
        let keep = |k: &[u8]| needs.fields.iter().any(|n| n.as_bytes() == k);
        Reader::new(blob).head(&keep).ok()?
    };
    Some(f.matches(env, pos, &record))
}

/// A record and every record its card or its score reads, decoded from the cache into an
/// index of their own: the records its fields name (its company, a deal's contacts), the
/// deals and people that name it, and for a person the deals of its company. Everything
/// else stays on disk, undecoded.
pub struct Around {
    /// The record and its neighbours.
    pub index: Index,
    pub kind: Kind,
    pub id: String,
    /// The record's position in the workspace's record order: its slot in `derived`.
    pub pos: usize,
    /// The scores and segments of every record at the date asked for.
    pub derived: StoredDerived,
    /// Every problem `kith check` finds in the workspace, as the last load found them.
    pub diags: Vec<crate::record::diag::Diagnostic>,
}

impl Around {
    /// The record itself.
    pub fn record(&self) -> &Record {
        self.index
            .get(self.kind, &self.id)
            .expect("the record is in its own index")
    }
}

/// The record `query` names (its id, or `kind/id`, `kind:id`; of `kind` when given) and its
/// neighbours ([`Around`]), with the scores and segments at `as_of` and the workspace's
/// problems, from the cache. `None` when the cache cannot answer (a record file changed,
/// the scores at that date or the problems were never stored, or `query` is a name or an
/// e-mail address, which a load resolves, or the scoring or segment settings are broken,
/// which a load explains): the caller loads the workspace.
pub fn around(ws: &Workspace, query: &str, kind: Option<Kind>, as_of: Date) -> Option<Around> {
    let (key, records) = super::fresh_key(ws)?;
    let mut results = super::results(ws, key)?;
    let (tally, check) = (results.tally?, results.check.take()?);
    crate::analysis::require_valid(ws).ok()?;
    let derived = results
        .derived_at(as_of)
        .filter(|d| d.scores.len() == records.entries.len())?;
    let pos = find(&records, query, kind)?;
    let target = whole(&records, pos)?;
    let (kind, id) = (target.record.kind, target.record.id.to_string());
    // The records its fields name.
    let cfg = &ws.config;
    let mut named: Vec<(Kind, String)> = Vec::new();
    for (k, v) in &target.record.fields {
        use crate::record::schema::FieldType;
        if let Some(FieldType::Ref(to) | FieldType::Refs(to)) =
            crate::record::schema::field_type(cfg, kind, k)
        {
            named.extend(v.items().iter().map(|item| (to, item.to_text())));
        }
    }
    let company = (kind == Kind::Person)
        .then(|| target.record.text("company").map(|c| c.trim().to_string()))
        .flatten();
    // The records that name it: a company's people, the deals of a person (and of its
    // company) or of a company.
    let mut wanted: Vec<usize> = positions(&records, &named);
    let names = |r: &Record, field: &str, who: &str| r.list(field).any(|v| v.trim() == who);
    let scan = |of: Kind, fields: &[&str], keep: &(dyn Fn(&Record) -> bool + Sync)| {
        heads(&records, of, fields, keep)
    };
    let more = match kind {
        Kind::Person => scan(Kind::Deal, &["contacts", "company"], &|d| {
            names(d, "contacts", &id) || company.as_deref().is_some_and(|c| names(d, "company", c))
        }),
        Kind::Company => scan(Kind::Person, &["company"], &|p| names(p, "company", &id)).and_then(
            |mut people| {
                people.extend(scan(Kind::Deal, &["company"], &|d| {
                    names(d, "company", &id)
                })?);
                Some(people)
            },
        ),
        Kind::Deal => Some(Vec::new()),
    };
    wanted.extend(more?);
    wanted.sort_unstable();
    wanted.dedup();
    wanted.retain(|&i| i != pos);
    let mut index = Index::new(ws.config.clone());
    index.insert(target);
    for i in wanted {
        index.insert(whole(&records, i)?);
    }
    super::trace("one record and its neighbours from the cache");
    crate::load::keep_tally(tally);
    Some(Around {
        index,
        kind,
        id,
        pos,
        derived,
        diags: check.diags,
    })
}

/// The position of the one record `query` names by id (`ada`, `contacts/ada`, `contact:ada`),
/// of `kind` when given; `None` when none or several do, or `query` is not an id.
fn find(records: &Records, query: &str, kind: Option<Kind>) -> Option<usize> {
    let q = query.trim();
    let path_like = q.trim_start_matches("./").trim_end_matches(".md");
    let (kinds, id): (Vec<Kind>, &str) = match path_like.split_once(['/', ':']) {
        Some((prefix, id)) => {
            let k = Kind::from_dir(prefix).or_else(|| Kind::parse(prefix))?;
            if kind.is_some_and(|want| want != k) {
                return None;
            }
            (vec![k], id)
        }
        None => (kind.map_or(Kind::ALL.to_vec(), |k| vec![k]), q),
    };
    if id.is_empty() {
        return None;
    }
    let mut hits = records
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.id == id && kinds.contains(&e.kind))
        .map(|(i, _)| i);
    let first = hits.next()?;
    hits.next().is_none().then_some(first)
}

/// The positions of the records named by kind and id (those that exist).
fn positions(records: &Records, named: &[(Kind, String)]) -> Vec<usize> {
    if named.is_empty() {
        return Vec::new();
    }
    let wanted: std::collections::HashSet<(Kind, &str)> =
        named.iter().map(|(k, id)| (*k, id.trim())).collect();
    records
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| wanted.contains(&(e.kind, e.id.as_str())))
        .map(|(i, _)| i)
        .collect()
}

/// The entry at `pos`, decoded whole; `None` when its blob is damaged.
fn whole(records: &Records, pos: usize) -> Option<crate::record::parse::Parsed> {
    let blob = records.read_blob(&records.entries[pos])?;
    Reader::new(&blob).parsed().ok()
}

/// The positions of the records of `kind` that `keep` keeps, each decoded only as far as
/// `fields`; `None` when a blob is damaged.
fn heads(
    records: &Records,
    kind: Kind,
    fields: &[&str],
    keep: &(dyn Fn(&Record) -> bool + Sync),
) -> Option<Vec<usize>> {
    let chosen: Vec<usize> = (0..records.entries.len())
        .filter(|&i| records.entries[i].kind == kind)
        .collect();
    let run = run_len(chosen.len());
    let wanted = |k: &[u8]| fields.iter().any(|f| f.as_bytes() == k);
    let runs: Option<Vec<Vec<usize>>> = chosen
        .par_chunks(run)
        .map(|run| {
            let region = records.region(run.iter().map(|&i| &records.entries[i]))?;
            let mut out = Vec::new();
            for &i in run {
                let blob = region.blob(&records.entries[i])?;
                if keep(&Reader::new(blob).head(&wanted).ok()?) {
                    out.push(i);
                }
            }
            Some(out)
        })
        .collect();
    Some(runs?.into_iter().flatten().collect())
}

/// How many neighbouring entries of `n` chosen ones a thread reads at once: at most
/// [`super::CHUNK`], and small enough to give every core four runs.
fn run_len(n: usize) -> usize {
    super::CHUNK
        .min(n.div_ceil(4 * rayon::current_num_threads()))
        .max(1)
}
