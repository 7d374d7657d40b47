//! Values derived from the index at a date: scores and segment memberships, computed in
//! parallel and kept in tables by index slot.
//!
//! Order matters and is fixed: the built-in `internal` and `spam` segments first (scoring leaves
//! them out), then scores, then the other segments in the order of their references to each
//! other (they may use scores and earlier segments).

use crate::analysis::filter::{Computed, Env, ScoreView};
use crate::analysis::score::{Line, Model, Score};
use crate::analysis::segment::{self, Segment};
use crate::index::Index;
use crate::record::config::Config;
use crate::record::diag::Diagnostic;
use crate::record::{Kind, Record};
use jiff::civil::Date;
use rayon::prelude::*;

/// Scores and segments of every record at one date.
pub struct Derived {
    pub as_of: Date,
    /// The settings the scores and segments come from.
    pub cfg: Config,
    pub model: Model,
    pub segments: Vec<Segment>,
    scores: Vec<Option<Score>>,
    /// Membership, by slot then segment: `members[slot * segments.len() + i]`.
    members: Vec<bool>,
    /// Segment name → position in `segments`.
    positions: rustc_hash::FxHashMap<String, usize>,
}

impl Derived {
    /// Computes everything. Configuration problems are returned as diagnostics; what can be
    /// computed still is.
    pub fn compute(index: &Index, as_of: Date) -> (Derived, Vec<Diagnostic>) {
        Derived::compute_with(index, index.config.clone(), as_of)
    }

    /// Computes with other settings than the index's own (`kith score --compare REV`).
    ///
    /// Each record is visited once for its built-in segments, its score and every segment that
    /// looks only at the record itself (one pass keeps the work in cache: a pass per segment
    /// reads all 100,000 records again each time). Segments that read other records' scores or
    /// segments (`company.segment.X`), and those that depend on them, follow in a pass each.
    pub fn compute_with(index: &Index, cfg: Config, as_of: Date) -> (Derived, Vec<Diagnostic>) {
        let (model, mut diags) = Model::from_config(&cfg);
        let (segments, seg_diags) = segment::from_config(&cfg);
        diags.extend(seg_diags);
        let positions = segments
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), i))
            .collect();
        let mut d = Derived {
            as_of,
            cfg,
            model,
            segments,
            scores: Vec::new(),
            members: Vec::new(),
            positions,
        };
        let n = index.slot_count();
        let k = d.segments.len();
        // Segments after the first that needs other records (in reference order) wait for it.
        let early = d
            .segments
            .iter()
            .position(|s| s.filter.cross_record)
            .unwrap_or(k);
        // Built-ins come first and use neither scores nor segments (segment::from_config).
        let builtins = d
            .segments
            .iter()
            .take_while(|s| s.builtin)
            .count()
            .min(early);
        let per_record: Vec<(Option<Score>, Vec<bool>)> = (0..n)
            .into_par_iter()
            .map(|slot| {
                let mut bits = vec![false; k];
                let Some(r) = index.at_slot(slot) else {
                    return (None, bits);
                };
                for i in 0..builtins {
                    bits[i] = d.matches_one(index, i, slot, r, None, &bits);
                }
                let score = d.score_one(index, slot, r, &bits);
                for i in builtins..early {
                    bits[i] = d.matches_one(index, i, slot, r, score, &bits);
                }
                (score, bits)
            })
            .collect();
        d.scores = per_record.iter().map(|(s, _)| *s).collect();
        d.members = per_record.into_iter().flat_map(|(_, bits)| bits).collect();
        for i in early..k {
            let column: Vec<bool> = {
                let env = d.env(index);
                let seg = &d.segments[i];
                (0..n)
                    .into_par_iter()
                    .map(|slot| match index.at_slot(slot) {
                        Some(r) if r.kind == seg.of && !r.broken => {
                            d.admits(seg, slot) && seg.filter.matches(&env, slot, r)
                        }
                        _ => false,
                    })
                    .collect()
            };
            for (slot, m) in column.into_iter().enumerate() {
                d.members[slot * k + i] = m;
            }
        }
        (d, diags)
    }

    /// Recomputes the values of some records, keeping everyone else's: after a change, the
    /// records it can affect ([`crate::watch::affected`] finds them). A slot that no longer
    /// holds a record is cleared; the tables grow to the index's slot count.
    ///
    /// The order is [`Derived::compute_with`]'s: each record for its own values, then one
    /// pass per segment that reads other records, so a person reading `company.segment.X`
    /// sees the company's new membership when the company is among `slots` too.
    pub fn update(&mut self, index: &Index, slots: &[usize]) {
        let k = self.segments.len();
        let n = index.slot_count();
        if self.scores.len() < n {
            self.scores.resize(n, None);
            self.members.resize(n * k, false);
        }
        let early = self
            .segments
            .iter()
            .position(|s| s.filter.cross_record)
            .unwrap_or(k);
        let builtins = self
            .segments
            .iter()
            .take_while(|s| s.builtin)
            .count()
            .min(early);
        let own: Vec<(usize, Option<Score>, Vec<bool>)> = slots
            .par_iter()
            .map(|&slot| {
                let mut bits = vec![false; k];
                let Some(r) = index.at_slot(slot) else {
                    return (slot, None, bits);
                };
                for i in 0..builtins {
                    bits[i] = self.matches_one(index, i, slot, r, None, &bits);
                }
                let score = self.score_one(index, slot, r, &bits);
                for i in builtins..early {
                    bits[i] = self.matches_one(index, i, slot, r, score, &bits);
                }
                (slot, score, bits)
            })
            .collect();
        for (slot, score, bits) in own {
            self.scores[slot] = score;
            self.members[slot * k..(slot + 1) * k].copy_from_slice(&bits);
        }
        for i in early..k {
            let column: Vec<bool> = {
                let env = self.env(index);
                let seg = &self.segments[i];
                slots
                    .iter()
                    .map(|&slot| match index.at_slot(slot) {
                        Some(r) if r.kind == seg.of && !r.broken => {
                            self.admits(seg, slot) && seg.filter.matches(&env, slot, r)
                        }
                        _ => false,
                    })
                    .collect()
            };
            for (&slot, m) in slots.iter().zip(column) {
                self.members[slot * k + i] = m;
            }
        }
    }

    /// The score of one person, unless they are staff or spam (known from the built-in bits).
    fn score_one(&self, index: &Index, slot: usize, r: &Record, bits: &[bool]) -> Option<Score> {
        let builtin_hit = self.segments.iter().zip(bits).any(|(s, b)| s.builtin && *b);
        if r.kind != Kind::Person || r.broken || builtin_hit {
            return None;
        }
        let local = Local {
            derived: self,
            slot,
            score: None,
            bits,
        };
        Some(self.model.score(&self.env_with(index, &local), slot, r))
    }

    /// Whether one record is in segment `i`, given its score and the segments before `i`.
    fn matches_one(
        &self,
        index: &Index,
        i: usize,
        slot: usize,
        r: &Record,
        score: Option<Score>,
        bits: &[bool],
    ) -> bool {
        let seg = &self.segments[i];
        if r.kind != seg.of || r.broken {
            return false;
        }
        // The built-ins are the first two and come before any other (segment::from_config).
        if !seg.builtin && !seg.admits(bits[0], bits[1]) {
            return false;
        }
        let local = Local {
            derived: self,
            slot,
            score,
            bits,
        };
        seg.filter.matches(&self.env_with(index, &local), slot, r)
    }

    fn env_with<'a>(&'a self, index: &'a Index, computed: &'a dyn Computed) -> Env<'a> {
        Env {
            index,
            cfg: &self.cfg,
            as_of: self.as_of,
            computed: Some(computed),
        }
    }

    fn env<'a>(&'a self, index: &'a Index) -> Env<'a> {
        Env {
            index,
            cfg: &self.cfg,
            as_of: self.as_of,
            computed: Some(self),
        }
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
        // The built-ins are always the first two segments (segment::from_config).
        debug_assert!(
            self.segments.len() >= 2
                && self.segments[0].name == segment::INTERNAL
                && self.segments[1].name == segment::SPAM
        );
        let k = self.segments.len();
        self.members
            .get(slot * k..slot * k + 2)
            .is_some_and(|bits| bits[0] || bits[1])
    }

    /// Whether segment `seg` may hold the record in `slot`, given the built-ins computed for it
    /// already: staff and spam people only where the segment includes them.
    fn admits(&self, seg: &Segment, slot: usize) -> bool {
        let k = self.segments.len();
        match self.members.get(slot * k..slot * k + 2) {
            Some(bits) => seg.admits(bits[0], bits[1]),
            None => true,
        }
    }

    pub fn segment(&self, name: &str) -> Option<&Segment> {
        self.positions.get(name).map(|&i| &self.segments[i])
    }

    /// Whether the record in `slot` is in the segment `name`.
    pub fn member(&self, name: &str, slot: usize) -> bool {
        let k = self.segments.len();
        self.positions
            .get(name)
            .is_some_and(|&i| self.members.get(slot * k + i).copied().unwrap_or(false))
    }

    /// The slots of a segment's members.
    pub fn members(&self, name: &str) -> Vec<usize> {
        let Some(&i) = self.positions.get(name) else {
            return Vec::new();
        };
        let k = self.segments.len();
        (0..self.members.len() / k.max(1))
            .filter(|slot| self.members[slot * k + i])
            .collect()
    }

    /// Names of the segments a record is in.
    pub fn segments_of(&self, slot: usize) -> Vec<&str> {
        let k = self.segments.len();
        match self.members.get(slot * k..(slot + 1) * k) {
            Some(bits) => self
                .segments
                .iter()
                .zip(bits)
                .filter(|(_, b)| **b)
                .map(|(s, _)| s.name.as_str())
                .collect(),
            None => Vec::new(),
        }
    }
}

/// One record's view while its own values are being computed: its score and the segments
/// decided so far.
struct Local<'a> {
    derived: &'a Derived,
    slot: usize,
    score: Option<Score>,
    bits: &'a [bool],
}

impl Computed for Local<'_> {
    fn score(&self, slot: usize) -> Option<ScoreView> {
        let s = if slot == self.slot {
            self.score?
        } else {
            return None;
        };
        Some(ScoreView {
            fit: s.fit,
            engagement: s.engagement,
            total: s.total,
            grade: s.grade,
        })
    }

    fn in_segment(&self, slot: usize, name: &str) -> bool {
        slot == self.slot
            && self
                .derived
                .positions
                .get(name)
                .is_some_and(|&i| self.bits.get(i).copied().unwrap_or(false))
    }

    fn segments_of(&self, slot: usize) -> Vec<&str> {
        if slot != self.slot {
            return Vec::new();
        }
        self.derived
            .segments
            .iter()
            .zip(self.bits)
            .filter(|(_, b)| **b)
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

    #[test]
    fn staff_and_spam_are_in_a_segment_only_when_it_includes_them() {
        let (cfg, d) = Config::parse(
            "internal_domains: [us.example]\nsegments:\n  leads: \"lifecycle = lead\"\n  with-staff: {filter: \"lifecycle = lead\", include: [internal]}\n  with-all: {filter: \"lifecycle = lead\", include: [internal, spam]}\n  staff-leads: \"segment.internal and lifecycle = lead\"\n  via-company: \"company.segment.firms\"\n  firms: {of: companies, filter: \"size > 1\"}\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let index = Index::from_texts(
            cfg,
            [
                (Kind::Company, "acme", "---\nname: Acme\nsize: 5\n---\n"),
                (
                    Kind::Person,
                    "ada",
                    "---\nname: Ada\nlifecycle: lead\ncompany: acme\n---\n",
                ),
                (
                    Kind::Person,
                    "sam",
                    "---\nname: Sam\nemail: sam@us.example\nlifecycle: lead\ncompany: acme\n---\n",
                ),
                (
                    Kind::Person,
                    "bot",
                    "---\nname: Bot\ntags: [spam]\nlifecycle: lead\ncompany: acme\n---\n",
                ),
            ],
        );
        let (derived, diags) = Derived::compute(&index, Date::constant(2026, 11, 25));
        assert!(diags.is_empty(), "{diags:?}");
        let slot = |id: &str| index.slot(Kind::Person, id).unwrap();
        assert_eq!(
            derived.segments_of(slot("ada")),
            ["leads", "with-staff", "with-all", "via-company"]
        );
        assert_eq!(
            derived.segments_of(slot("sam")),
            ["internal", "with-staff", "with-all", "staff-leads"]
        );
        assert_eq!(derived.segments_of(slot("bot")), ["spam", "with-all"]);
        // An update in place gives what a fresh computation gives.
        let mut again = derived;
        again.update(&index, &[slot("sam"), slot("bot"), slot("ada")]);
        assert_eq!(again.segments_of(slot("bot")), ["spam", "with-all"]);
        assert_eq!(again.members("via-company"), [slot("ada")]);
    }

    #[test]
    fn segments_reading_other_records_wait_for_them() {
        let (cfg, d) = Config::parse(
            "segments:\n  big: {of: companies, filter: \"size >= 100\"}\n  at-big: \"company.segment.big\"\n  hot-at-big: \"segment.at-big and lifecycle = lead\"\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let index = Index::from_texts(
            cfg,
            [
                (Kind::Company, "acme", "---\nname: Acme\nsize: 500\n---\n"),
                (Kind::Company, "tiny", "---\nname: Tiny\nsize: 5\n---\n"),
                (
                    Kind::Person,
                    "ada",
                    "---\nname: Ada\ncompany: acme\nlifecycle: lead\n---\n",
                ),
                (
                    Kind::Person,
                    "bob",
                    "---\nname: Bob\ncompany: tiny\nlifecycle: lead\n---\n",
                ),
            ],
        );
        let (derived, diags) = Derived::compute(&index, Date::constant(2026, 11, 25));
        assert!(diags.is_empty(), "{diags:?}");
        assert!(derived.segment("at-big").unwrap().filter.cross_record);
        let slot = |kind, id| index.slot(kind, id).unwrap();
        assert_eq!(derived.segments_of(slot(Kind::Company, "acme")), ["big"]);
        assert_eq!(
            derived.segments_of(slot(Kind::Person, "ada")),
            ["at-big", "hot-at-big"]
        );
        assert!(derived.segments_of(slot(Kind::Person, "bob")).is_empty());
    }
}
