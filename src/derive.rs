//! Values derived from the index at a date: scores and segment memberships, computed in
//! parallel and kept in tables by index slot.
//!
//! Order matters and is fixed: the built-in `internal` and `spam` segments first (scoring leaves
//! them out), then scores, then the other segments in the order of their references to each
//! other (they may use scores and earlier segments).

use crate::diag::Diagnostic;
use crate::filter::{Computed, Env, ScoreView};
use crate::index::Index;
use crate::record::{Kind, Record};
use crate::score::{Line, Model, Score};
use crate::segment::{self, Segment};
use jiff::civil::Date;
use rayon::prelude::*;

/// Scores and segments of every record at one date.
pub struct Derived {
    pub as_of: Date,
    pub model: Model,
    pub segments: Vec<Segment>,
    scores: Vec<Option<Score>>,
    /// Per segment (same order as `segments`), membership by slot.
    members: Vec<Vec<bool>>,
}

impl Derived {
    /// Computes everything. Configuration problems are returned as diagnostics; what can be
    /// computed still is.
    pub fn compute(index: &Index, as_of: Date) -> (Derived, Vec<Diagnostic>) {
        let (model, mut diags) = Model::from_config(&index.config);
        let (segments, seg_diags) = segment::from_config(&index.config);
        diags.extend(seg_diags);
        let mut d = Derived {
            as_of,
            model,
            segments,
            scores: Vec::new(),
            members: Vec::new(),
        };
        let n = index.slot_count();
        // The built-ins come first in `segments` and use neither scores nor other segments.
        let builtins = d.segments.iter().take_while(|s| s.builtin).count();
        for i in 0..builtins {
            let members = d.evaluate(index, i, n);
            d.members.push(members);
        }
        let env = d.env(index);
        let scores: Vec<Option<Score>> = (0..n)
            .into_par_iter()
            .map(|slot| {
                let r = index.at_slot(slot)?;
                (r.kind == Kind::Person && !d.excluded(slot)).then(|| d.model.score(&env, slot, r))
            })
            .collect();
        d.scores = scores;
        for i in builtins..d.segments.len() {
            let members = d.evaluate(index, i, n);
            d.members.push(members);
        }
        (d, diags)
    }

    fn env<'a>(&'a self, index: &'a Index) -> Env<'a> {
        Env {
            index,
            as_of: self.as_of,
            computed: Some(self),
        }
    }

    fn evaluate(&self, index: &Index, i: usize, n: usize) -> Vec<bool> {
        let seg = &self.segments[i];
        let env = self.env(index);
        (0..n)
            .into_par_iter()
            .map(|slot| match index.at_slot(slot) {
                Some(r) if r.kind == seg.of && !r.broken => seg.filter.matches(&env, slot, r),
                _ => false,
            })
            .collect()
    }

    pub fn score(&self, slot: usize) -> Option<Score> {
        self.scores.get(slot).copied().flatten()
    }

    /// The score with every rule that made it (for `kith score ID`).
    pub fn explain(&self, index: &Index, slot: usize, r: &Record) -> (Score, Vec<Line>) {
        self.model.explain(&self.env(index), slot, r)
    }

    /// Whether a record is staff or spam (left out of lead counts, scoring and reports).
    pub fn excluded(&self, slot: usize) -> bool {
        self.member(segment::INTERNAL, slot) || self.member(segment::SPAM, slot)
    }

    pub fn segment(&self, name: &str) -> Option<&Segment> {
        self.segments.iter().find(|s| s.name == name)
    }

    fn member(&self, name: &str, slot: usize) -> bool {
        self.segments
            .iter()
            .position(|s| s.name == name)
            .and_then(|i| self.members.get(i))
            .is_some_and(|m| m.get(slot).copied().unwrap_or(false))
    }

    /// The slots of a segment's members.
    pub fn members(&self, name: &str) -> Vec<usize> {
        let Some(i) = self.segments.iter().position(|s| s.name == name) else {
            return Vec::new();
        };
        let Some(m) = self.members.get(i) else {
            return Vec::new();
        };
        m.iter()
            .enumerate()
            .filter(|(_, in_it)| **in_it)
            .map(|(slot, _)| slot)
            .collect()
    }

    /// Names of the segments a record is in.
    pub fn segments_of(&self, slot: usize) -> Vec<&str> {
        self.segments
            .iter()
            .zip(&self.members)
            .filter(|(_, m)| m.get(slot).copied().unwrap_or(false))
            .map(|(s, _)| s.name.as_str())
            .collect()
    }
}

impl Computed for Derived {
    fn score(&self, slot: usize) -> Option<ScoreView> {
        Derived::score(self, slot).map(|s| ScoreView {
            fit: s.fit,
            engagement: s.engagement,
            total: s.total,
            grade: s.grade,
        })
    }

    fn in_segment(&self, slot: usize, name: &str) -> bool {
        self.member(name, slot)
    }

    fn segments_of(&self, slot: usize) -> Vec<&str> {
        Derived::segments_of(self, slot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn builtins_are_left_out_of_scoring_and_segments_use_scores() {
        let (cfg, d) = Config::parse(
            "internal_domains: [us.example]\nsegments:\n  engaged: \"score >= 10\"\n  hot: \"segment.engaged and lifecycle = lead\"\n",
        );
        assert!(d.is_empty());
        let act = "## Activity\n- 2026-11-20 demo-request: please\n- 2026-11-21 visit: /pricing\n";
        let index = Index::from_texts(
            cfg,
            [
                (
                    Kind::Person,
                    "ada",
                    &*format!(
                        "---\nname: Ada\nemail: ada@them.example\nlifecycle: lead\n---\n{act}"
                    ),
                ),
                (
                    Kind::Person,
                    "sam",
                    &*format!("---\nname: Sam\nemail: sam@us.example\n---\n{act}"),
                ),
                (
                    Kind::Person,
                    "bot",
                    &*format!("---\nname: Bot\ntags: [spam]\n---\n{act}"),
                ),
                (
                    Kind::Person,
                    "bob",
                    "---\nname: Bob\nlifecycle: lead\n---\n",
                ),
            ],
        );
        let (derived, diags) = Derived::compute(&index, Date::constant(2026, 11, 25));
        assert!(diags.is_empty(), "{diags:?}");
        let slot = |id: &str| index.slot(Kind::Person, id).unwrap();
        assert!(derived.score(slot("ada")).unwrap().total > 10.0);
        assert_eq!(derived.score(slot("sam")), None);
        assert_eq!(derived.score(slot("bot")), None);
        assert_eq!(derived.segments_of(slot("sam")), ["internal"]);
        assert_eq!(derived.segments_of(slot("bot")), ["spam"]);
        assert_eq!(derived.segments_of(slot("ada")), ["engaged", "hot"]);
        assert!(derived.segments_of(slot("bob")).is_empty());
        assert_eq!(derived.members("hot"), [slot("ada")]);
    }
}
