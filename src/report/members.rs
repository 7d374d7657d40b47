//! The segment pages' member lists, kept sorted (by score, highest first, then name) in a form
//! a record can be taken out of and put back into: a live session updates only the records a
//! batch reached, and renders again only the segments whose list changed. Ties keep the order
//! of kind and id, that of a freshly loaded index, so a kept list equals a fresh one.

use super::figures::Total;
use super::pages::{Member, SegmentPage};
use super::{Names, owner_name};
use crate::analysis::derive::Derived;
use crate::index::Index;
use crate::record::{Kind, Record};
use compact_str::CompactString;
use rustc_hash::FxHashMap;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

type SortKey = (Reverse<Total>, String, Kind, CompactString);

/// Every segment's members.
pub struct Members {
    public: bool,
    lists: Vec<List>,
    /// Where each record is listed: (segment position, key in its list). Kept by a live
    /// session only.
    at: FxHashMap<(Kind, CompactString), Vec<(usize, SortKey)>>,
}

struct List {
    name: String,
    description: String,
    of: &'static str,
    filter: String,
    members: BTreeMap<SortKey, Member>,
}

impl List {
    /// Segment `i`'s members, sorted.
    fn of(index: &Index, derived: &Derived, names: &Names, i: usize) -> List {
        let s = &derived.segments[i];
        let members = derived
            .members(&s.name)
            .into_iter()
            .filter_map(|slot| {
                let r = index.at_slot(slot)?;
                let m = member(index, derived, names, slot, r);
                Some((sort_key(&m, r), m))
            })
            .collect();
        List {
            name: s.name.clone(),
            description: s.description.clone(),
            of: s.of.dir(),
            filter: s.filter.source.clone(),
            members,
        }
    }

    fn into_page(self) -> SegmentPage {
        SegmentPage {
            name: self.name,
            description: self.description,
            of: self.of,
            filter: self.filter,
            members: self.members.into_values().collect(),
        }
    }
}

fn member(index: &Index, derived: &Derived, names: &Names, slot: usize, r: &Record) -> Member {
    let score = derived.score(slot);
    Member {
        record: names.of(r),
        stage: r
            .lifecycle()
            .or_else(|| r.text("stage").map(str::to_string)),
        score: score.map(|s| (s.total * 10.0).round() / 10.0),
        grade: score.map(|s| s.grade()),
        owner: owner_name(&index.config, r),
        last_activity: r.last_activity().map(|d| d.to_string()),
    }
}

fn sort_key(m: &Member, r: &Record) -> SortKey {
    (
        Reverse(Total(m.score.unwrap_or(-1.0))),
        m.record.name.clone(),
        r.kind,
        r.id.clone(),
    )
}

impl Members {
    /// Lists every segment's members; `keep`: remember where each record is, to update later.
    pub fn new(index: &Index, derived: &Derived, public: bool, keep: bool) -> Members {
        let names = Names {
            index,
            public,
            style: index.config.report.public_names,
        };
        let mut out = Members {
            public,
            lists: Vec::new(),
            at: FxHashMap::default(),
        };
        for i in 0..derived.segments.len() {
            let list = List::of(index, derived, &names, i);
            if keep {
                for key in list.members.keys() {
                    let (_, _, kind, id) = key;
                    out.at
                        .entry((*kind, id.clone()))
                        .or_default()
                        .push((i, key.clone()));
                }
            }
            out.lists.push(list);
        }
        out
    }

    /// Lists the records `keys` name (gone ones too) again; returns the positions of the
    /// segments whose list changed.
    pub fn update(
        &mut self,
        index: &Index,
        derived: &Derived,
        keys: &[(Kind, String)],
    ) -> BTreeSet<usize> {
        let names = Names {
            index,
            public: self.public,
            style: index.config.report.public_names,
        };
        let mut changed = BTreeSet::new();
        for (kind, id) in keys {
            let key = (*kind, CompactString::from(id.as_str()));
            let mut old: Vec<(usize, SortKey, Member)> = Vec::new();
            for (i, k) in self.at.remove(&key).unwrap_or_default() {
                if let Some(m) = self.lists[i].members.remove(&k) {
                    old.push((i, k, m));
                }
            }
            let mut new: Vec<(usize, SortKey, Member)> = Vec::new();
            if let Some(slot) = index.slot(*kind, id)
                && let Some(r) = index.at_slot(slot)
            {
                for (i, list) in self.lists.iter().enumerate() {
                    if derived.member(&list.name, slot) {
                        let m = member(index, derived, &names, slot, r);
                        new.push((i, sort_key(&m, r), m));
                    }
                }
            }
            for (i, k, m) in &new {
                self.lists[*i].members.insert(k.clone(), m.clone());
            }
            if !new.is_empty() {
                self.at
                    .insert(key, new.iter().map(|(i, k, _)| (*i, k.clone())).collect());
            }
            let lists: BTreeSet<usize> = old.iter().chain(&new).map(|(i, _, _)| *i).collect();
            for i in lists {
                let of = |v: &[(usize, SortKey, Member)]| {
                    v.iter()
                        .filter(|(j, _, _)| *j == i)
                        .map(|(_, k, m)| (k.clone(), m.clone()))
                        .collect::<Vec<_>>()
                };
                if of(&old) != of(&new) {
                    changed.insert(i);
                }
            }
        }
        changed
    }

    /// How many segments there are.
    pub fn len(&self) -> usize {
        self.lists.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    /// A segment's page.
    pub fn page(&self, i: usize) -> SegmentPage {
        let l = &self.lists[i];
        SegmentPage {
            name: l.name.clone(),
            description: l.description.clone(),
            of: l.of,
            filter: l.filter.clone(),
            members: l.members.values().cloned().collect(),
        }
    }

    /// Every segment's page.
    pub fn into_pages(self) -> Vec<SegmentPage> {
        self.lists.into_iter().map(List::into_page).collect()
    }

    /// Segment `i`'s page alone, without listing the others (`kith report` makes one at a
    /// time).
    pub fn one_page(index: &Index, derived: &Derived, public: bool, i: usize) -> SegmentPage {
        let names = Names {
            index,
            public,
            style: index.config.report.public_names,
        };
        List::of(index, derived, &names, i).into_page()
    }

    /// Each segment's name, size and description, for the site's segment list.
    pub fn links(&self) -> impl Iterator<Item = (&str, usize, &str)> {
        self.lists
            .iter()
            .map(|l| (l.name.as_str(), l.members.len(), l.description.as_str()))
    }
}
