//! Applying changed records to the live index, and saying what each change caused: the score
//! before and after, segments joined and left, the lifecycle suggestion, diagnostics new and
//! fixed. Pure: the caller reads the files; this module only updates memory.
//!
//! A save that does not parse (a broken frontmatter, or any error in the file) does not replace
//! a good record: the last good version stays in the index, the file's diagnostics are kept in
//! [`Live::stale`] instead of the record's own, until the file parses again.

use super::affected::Reach;
use super::duplicates::Duplicates;
use crate::analysis::derive::Derived;
use crate::analysis::score::num;
use crate::index::Index;
use crate::record::diag::{self, Diagnostic};
use crate::record::parse::Parsed;
use crate::record::{Kind, Record};
use compact_str::CompactString;
use jiff::civil::Date;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;
use std::fmt;

/// A record file's new state: parsed, or gone (`None`).
pub type Reread = (Kind, String, Option<Parsed>);

type Key = (Kind, CompactString);

/// The index with everything derived from it, kept up to date by [`Live::apply`].
pub struct Live {
    pub index: Index,
    pub derived: Derived,
    pub as_of: Date,
    /// Records whose file does not parse now: the index keeps the last good version, and these
    /// are the file's current diagnostics.
    pub stale: BTreeMap<(Kind, String), Vec<Diagnostic>>,
    diags: Vec<Diagnostic>,
    pub duplicates: Duplicates,
    /// References to missing records: found again only when a batch adds or removes a
    /// record, or changes a file's references.
    missing: Vec<Diagnostic>,
    /// When set, [`Live::apply`] only notes that the likely duplicates and the references to
    /// missing records may have changed, and [`Live::settle`] finds them again: the language
    /// server does once typing pauses, as at 100,000 records finding the duplicates takes a
    /// third of a second and the missing references 15 ms.
    pub defer: bool,
    duplicates_stale: bool,
    missing_stale: bool,
}

/// What the derived values say about one record.
#[derive(Debug, Clone, PartialEq, Default)]
struct Facts {
    score: Option<f64>,
    segments: Vec<String>,
    suggestion: Option<String>,
}

/// What happened to a record file.
#[derive(Debug, Clone, PartialEq)]
pub enum What {
    Added,
    Removed,
    /// The same record under a new name (a removed file and an added one with equal contents).
    Renamed {
        from: String,
    },
    /// Saved; `cause` names the fields and activities that changed (empty: nothing did).
    Updated {
        cause: String,
    },
    /// Saved and parses again after a broken save.
    Repaired {
        cause: String,
    },
    /// Saved but does not parse: the last good version stays.
    Broken,
    /// Not saved, but its score, segments or suggestion moved with the records around it.
    Indirect,
}

/// One record's change and what it caused.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    /// Workspace-relative path.
    pub path: String,
    pub what: What,
    pub score: (Option<f64>, Option<f64>),
    pub joined: Vec<String>,
    pub left: Vec<String>,
    pub suggestion: (Option<String>, Option<String>),
}

/// What one batch did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub effects: Vec<Effect>,
    /// Diagnostics that were not there before the batch.
    pub added: Vec<Diagnostic>,
    /// Diagnostics that are gone.
    pub fixed: Vec<Diagnostic>,
    /// The records whose report pages may have changed (some may be gone), sorted.
    pub pages: Vec<(Kind, String)>,
}

impl Effect {
    /// Whether the file was read again but nothing about the record changed.
    pub fn is_quiet(&self) -> bool {
        self.what
            == (What::Updated {
                cause: String::new(),
            })
            && self.score.0 == self.score.1
            && self.joined.is_empty()
            && self.left.is_empty()
            && self.suggestion.0 == self.suggestion.1
    }
}

impl Live {
    pub fn new(index: Index, as_of: Date) -> Live {
        let (derived, _) = Derived::compute(&index, as_of);
        let duplicates = Duplicates::find(&index);
        let mut live = Live {
            index,
            derived,
            as_of,
            stale: BTreeMap::new(),
            diags: Vec::new(),
            missing: Vec::new(),
            duplicates,
            defer: false,
            duplicates_stale: false,
            missing_stale: false,
        };
        live.missing = live.index.reference_diagnostics();
        live.diags = live.compute_diagnostics();
        live
    }

    /// Every diagnostic, as `kith check` would list them, except that a stale record's are
    /// those of its file as it is now.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diags
    }

    /// Applies changed record files, then recomputes what derives from them: the scores and
    /// segments of the records the changes reach ([`Reach`]), not everyone's.
    pub fn apply(&mut self, changes: Vec<Reread>) -> Outcome {
        crate::util::output::trace("watch: files read");
        let mut reach = Reach::default();
        for (kind, id, new) in &changes {
            let old = self.index.get(*kind, id);
            reach.add(
                *kind,
                id,
                old.into_iter().chain(new.as_ref().map(|p| &p.record)),
            );
        }
        let new_day = self.derived.as_of != self.as_of;
        let reached = reach.slots(&self.index);
        let before = self.facts((!new_day).then_some(&reached[..]));
        let mut touched = Vec::new();
        let mut freed = Vec::new();
        let mut refs_changed = false;
        for (kind, id, new) in changes {
            let key = (kind, id);
            let old = self.index.get(kind, &key.1).cloned();
            let old_refs = self
                .index
                .parsed(kind, &key.1)
                .map(|p| (p.refs.clone(), p.mentions.clone()));
            let was_stale = self.stale.contains_key(&key);
            let what = match new {
                None => {
                    self.stale.remove(&key);
                    freed.extend(self.index.slot(kind, &key.1));
                    if self.index.remove(kind, &key.1).is_none() {
                        continue;
                    }
                    What::Removed
                }
                Some(parsed) => {
                    let good_before =
                        was_stale || self.index.parsed(kind, &key.1).is_some_and(is_good);
                    if !is_good(&parsed) && good_before {
                        self.stale.insert(key.clone(), parsed.diags);
                        What::Broken
                    } else {
                        self.stale.remove(&key);
                        // Hints for missing references name records by their names too.
                        refs_changed |= old_refs.as_ref().map(|(r, m)| (r, m))
                            != Some((&parsed.refs, &parsed.mentions))
                            || (!self.missing.is_empty()
                                && old.as_ref().map(Record::name) != Some(parsed.record.name()));
                        let cause = old
                            .as_ref()
                            .map(|o| describe(o, &parsed.record))
                            .unwrap_or_default();
                        self.index.insert(parsed);
                        match old {
                            None => What::Added,
                            Some(_) if was_stale => What::Repaired { cause },
                            Some(_) => What::Updated { cause },
                        }
                    }
                }
            };
            // A record added or removed can make references elsewhere good or bad.
            refs_changed |= matches!(what, What::Added | What::Removed);
            touched.push((key, what, old));
        }
        if refs_changed && self.defer {
            self.missing_stale = true;
        } else if refs_changed {
            self.missing = self.index.reference_diagnostics();
        }
        let dirty = touched.iter().any(|((kind, id), _, old)| {
            let new = self.index.get(*kind, id);
            self.duplicates.touched_by(*kind, id, old.as_ref(), new)
        });
        if dirty && self.defer {
            self.duplicates_stale = true;
        } else if dirty {
            self.duplicates = Duplicates::find(&self.index);
        }
        crate::util::output::trace("watch: likely duplicates");
        let mut slots = reach.slots(&self.index);
        // A freed slot that no record took again is cleared.
        slots.extend(freed);
        slots.sort_unstable();
        slots.dedup();
        // A batch that reaches much of the workspace (a checkout) is computed as a whole, and
        // so is everything on a new day (scores fade).
        if new_day || slots.len() > self.index.slot_count() / 4 {
            self.derived = Derived::compute(&self.index, self.as_of).0;
        } else {
            self.derived.update(&self.index, &slots);
        }
        crate::util::output::trace("watch: scores and segments");
        let after = self.facts((!new_day).then_some(&slots[..]));
        let mut pages: Vec<(Kind, String)> = reach
            .pages(&self.index)
            .into_iter()
            .filter_map(|s| self.index.at_slot(s))
            .map(|r| (r.kind, r.id.to_string()))
            .chain(touched.iter().map(|(key, _, _)| key.clone()))
            .collect();
        pages.sort();
        pages.dedup();
        let mut out = self.finish(before, after, touched);
        out.pages = pages;
        out
    }

    /// Replaces the whole index (after kith.yaml changed). Stale records stay stale when their
    /// file still does not parse.
    pub fn reload(&mut self, mut index: Index) -> Outcome {
        let before = self.facts(None);
        let mut stale = BTreeMap::new();
        for (key, diags) in std::mem::take(&mut self.stale) {
            let still_bad = index.parsed(key.0, &key.1).is_some_and(|p| !is_good(p));
            if let (true, Some(old)) = (still_bad, self.index.parsed(key.0, &key.1)) {
                let now = index
                    .parsed(key.0, &key.1)
                    .map_or(diags, |p| p.diags.clone());
                index.insert(old.clone());
                stale.insert(key, now);
            }
        }
        self.index = index;
        self.stale = stale;
        self.derived = Derived::compute(&self.index, self.as_of).0;
        self.duplicates = Duplicates::find(&self.index);
        self.duplicates_stale = false;
        self.missing_stale = false;
        self.missing = self.index.reference_diagnostics();
        let after = self.facts(None);
        self.finish(before, after, Vec::new())
    }

    fn finish(
        &mut self,
        before: HashMap<Key, Facts>,
        after: HashMap<Key, Facts>,
        touched: Vec<((Kind, String), What, Option<Record>)>,
    ) -> Outcome {
        let diags = self.compute_diagnostics();
        crate::util::output::trace("watch: diagnostics");
        let old_diags = std::mem::replace(&mut self.diags, diags);
        let none = Facts::default();
        let effect = |key: &Key, what: What, from: Option<&Key>| {
            let b = before.get(from.unwrap_or(key)).unwrap_or(&none);
            let a = after.get(key).unwrap_or(&none);
            Effect {
                path: crate::record::layout::rel(key.0, &key.1),
                what,
                score: (b.score, a.score),
                joined: minus(&a.segments, &b.segments),
                left: minus(&b.segments, &a.segments),
                suggestion: (b.suggestion.clone(), a.suggestion.clone()),
            }
        };
        // A removed record whose contents reappear under another id in the same batch moved.
        let removed: Vec<(Key, Record)> = touched
            .iter()
            .filter(|(_, w, _)| *w == What::Removed)
            .filter_map(|((k, id), _, old)| Some(((*k, id.as_str().into()), old.clone()?)))
            .collect();
        let mut moved: HashMap<Key, Key> = HashMap::default();
        for ((kind, id), what, _) in &touched {
            if *what != What::Added {
                continue;
            }
            let Some(new) = self.index.get(*kind, id) else {
                continue;
            };
            if let Some((from, _)) = removed.iter().find(|(k, r)| {
                k.0 == *kind && !moved.values().any(|m| m == k) && same_contents(r, new)
            }) {
                moved.insert((*kind, id.as_str().into()), from.clone());
            }
        }
        let mut effects = Vec::new();
        let mut seen: HashSet<Key> = HashSet::default();
        for ((kind, id), what, _) in touched {
            let key: Key = (kind, id.as_str().into());
            seen.insert(key.clone());
            if what == What::Removed && moved.values().any(|m| *m == key) {
                continue;
            }
            match moved.get(&key) {
                Some(from) => {
                    let what = What::Renamed {
                        from: crate::record::layout::rel(from.0, &from.1),
                    };
                    effects.push(effect(&key, what, Some(from)));
                }
                None => effects.push(effect(&key, what, None)),
            }
        }
        let mut indirect: Vec<&Key> = after
            .keys()
            .chain(before.keys())
            .filter(|k| {
                !seen.contains(*k)
                    && before.get(*k).unwrap_or(&none) != after.get(*k).unwrap_or(&none)
            })
            .collect();
        indirect.sort();
        indirect.dedup();
        effects.extend(
            indirect
                .into_iter()
                .map(|k| effect(k, What::Indirect, None)),
        );
        crate::util::output::trace("watch: compared");
        let (added, fixed) = diff_diags(&old_diags, &self.diags);
        Outcome {
            effects,
            added,
            fixed,
            pages: Vec::new(),
        }
    }

    /// The facts of the records in `slots` (every record: `None`).
    fn facts(&self, slots: Option<&[usize]>) -> HashMap<Key, Facts> {
        let one = |slot: usize, r: &Record| {
            let facts = Facts {
                score: self.derived.score(slot).map(|s| s.total),
                segments: self
                    .derived
                    .segments_of(slot)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                suggestion: crate::analysis::qualify::suggestion(&self.derived, slot, r)
                    .map(str::to_string),
            };
            ((r.kind, r.id.clone()), facts)
        };
        match slots {
            None => self.index.entries().map(|(s, r)| one(s, r)).collect(),
            Some(slots) => slots
                .iter()
                .filter_map(|&s| Some(one(s, self.index.at_slot(s)?)))
                .collect(),
        }
    }

    /// Whether changes since the likely duplicates or the missing references were last found
    /// may have changed them (only with [`Live::defer`]).
    pub fn unsettled(&self) -> bool {
        self.duplicates_stale || self.missing_stale
    }

    /// Finds the likely duplicates and the missing references again if deferred changes may
    /// have changed them, and the diagnostics with them; whether it did.
    pub fn settle(&mut self) -> bool {
        if !self.unsettled() {
            return false;
        }
        if std::mem::take(&mut self.duplicates_stale) {
            self.duplicates = Duplicates::find(&self.index);
        }
        if std::mem::take(&mut self.missing_stale) {
            self.missing = self.index.reference_diagnostics();
        }
        self.diags = self.compute_diagnostics();
        true
    }

    fn compute_diagnostics(&self) -> Vec<Diagnostic> {
        let stale: HashSet<String> = self
            .stale
            .keys()
            .map(|(k, id)| crate::record::layout::rel(*k, id))
            .collect();
        let mut out: Vec<Diagnostic> = self
            .index
            .file_diagnostics()
            .into_iter()
            .chain(self.missing.iter().cloned())
            .chain(self.duplicates.diags.iter().cloned())
            .filter(|d| !stale.contains(&d.path))
            .collect();
        out.extend(self.stale.values().flatten().cloned());
        diag::sort(&mut out);
        out
    }

    /// The values this module compares, for one record (for the canonical summary).
    pub fn facts_of(&self, slot: usize) -> (Option<f64>, Vec<&str>) {
        (
            self.derived.score(slot).map(|s| s.total),
            self.derived.segments_of(slot),
        )
    }
}

/// Whether a parsed file may replace a good record: it parsed and has no errors.
fn is_good(p: &Parsed) -> bool {
    !p.record.broken && !p.diags.iter().any(Diagnostic::is_error)
}

fn same_contents(a: &Record, b: &Record) -> bool {
    a.kind == b.kind
        && a.fields == b.fields
        && a.activities == b.activities
        && a.tasks == b.tasks
        && a.notes == b.notes
}

fn minus(a: &[String], b: &[String]) -> Vec<String> {
    a.iter().filter(|s| !b.contains(s)).cloned().collect()
}

/// Diagnostics in `new` and not in `old`, and the reverse (as multisets of rendered lines).
fn diff_diags(old: &[Diagnostic], new: &[Diagnostic]) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    // A diagnostic is the same problem when all but its help is the same: the help can change
    // with the configuration (the stages it suggests, say) while the problem stays, and the
    // watcher must not say it was fixed.
    let key = |d: &Diagnostic| {
        format!(
            "{}:{}:{}: {}: {} [{}]",
            d.path,
            d.line,
            d.column,
            d.severity.as_str(),
            d.message,
            d.code
        )
    };
    let count = |ds: &[Diagnostic]| {
        let mut m: HashMap<String, usize> = HashMap::default();
        for d in ds {
            *m.entry(key(d)).or_default() += 1;
        }
        m
    };
    let take = |ds: &[Diagnostic], mut other: HashMap<String, usize>| {
        ds.iter()
            .filter(|d| match other.get_mut(&key(d)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            })
            .cloned()
            .collect()
    };
    (take(new, count(old)), take(old, count(new)))
}

/// What changed between two versions of a record: field names, then activities by type
/// (`+visit ×2`), tasks and notes.
pub fn describe(old: &Record, new: &Record) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (k, v) in &new.fields {
        if old.fields.iter().find(|(ok, _)| ok == k).map(|(_, ov)| ov) != Some(v) {
            parts.push(k.to_string());
        }
    }
    for (k, _) in &old.fields {
        if !new.fields.iter().any(|(nk, _)| nk == k) {
            parts.push(k.to_string());
        }
    }
    let mut kinds: Vec<&str> = Vec::new();
    for a in new.activities.iter().chain(&old.activities) {
        if !kinds.contains(&a.kind.as_str()) {
            kinds.push(a.kind.as_str());
        }
    }
    let mut activity_counts_changed = false;
    for kind in kinds {
        let n = |r: &Record| r.activities.iter().filter(|a| a.kind == *kind).count() as i64;
        let d = n(new) - n(old);
        if d != 0 {
            activity_counts_changed = true;
            let sign = if d > 0 { '+' } else { '-' };
            let times = if d.abs() > 1 {
                format!(" ×{}", d.abs())
            } else {
                String::new()
            };
            parts.push(format!("{sign}{kind}{times}"));
        }
    }
    if !activity_counts_changed && old.activities != new.activities {
        parts.push("activity".to_string());
    }
    if old.tasks != new.tasks {
        parts.push("tasks".to_string());
    }
    if old.notes != new.notes {
        parts.push("notes".to_string());
    }
    parts.join(", ")
}

impl fmt::Display for Effect {
    /// One line: `contacts/ada.md: score 42 → 61 (+visit ×2); joined hot-leads; lifecycle
    /// suggestion mql`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        let score_changed = self.score.0 != self.score.1;
        let mut cause_shown = false;
        match &self.what {
            What::Added => parts.push("added".into()),
            What::Removed => parts.push("removed".into()),
            What::Renamed { from } => {
                write!(f, "{from} → ")?;
                parts.push("renamed".into());
            }
            What::Broken => {
                parts.push("does not parse; the last good version stays in the index".into())
            }
            What::Repaired { cause } => {
                parts.push("parses again".into());
                if !score_changed && !cause.is_empty() {
                    parts.push(format!("changed ({cause})"));
                }
                cause_shown = !score_changed;
            }
            What::Updated { cause } => {
                if !score_changed {
                    parts.push(if cause.is_empty() {
                        "saved, nothing changed".into()
                    } else {
                        format!("changed ({cause})")
                    });
                    cause_shown = true;
                }
            }
            What::Indirect => {}
        }
        if score_changed && self.what != What::Removed {
            let cause = match &self.what {
                What::Updated { cause } | What::Repaired { cause }
                    if !cause_shown && !cause.is_empty() =>
                {
                    format!(" ({cause})")
                }
                _ => String::new(),
            };
            parts.push(match self.score {
                (Some(b), Some(a)) => format!("score {} → {}{cause}", num(b), num(a)),
                (None, Some(a)) => format!("score {}{cause}", num(a)),
                (Some(b), None) => format!("no score (was {}){cause}", num(b)),
                (None, None) => unreachable!(),
            });
        }
        if !self.joined.is_empty() {
            parts.push(format!("joined {}", self.joined.join(", ")));
        }
        if !self.left.is_empty() {
            parts.push(format!("left {}", self.left.join(", ")));
        }
        if self.suggestion.0 != self.suggestion.1 && self.what != What::Removed {
            parts.push(match &self.suggestion.1 {
                Some(to) => format!("lifecycle suggestion {to}"),
                None => "no lifecycle suggestion".into(),
            });
        }
        let tail = if self.what == What::Indirect {
            " (through related records)"
        } else {
            ""
        };
        write!(f, "{}: {}{tail}", self.path, parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::config::Config;
    use crate::record::parse::parse;

    #[test]
    fn a_diagnostic_whose_help_alone_changed_is_neither_new_nor_fixed() {
        let bad = |help: &str| {
            let mut d = Diagnostic::error("invalid-stage", "`stage` is `won-ish`").help(help);
            d.path = "deals/x.md".into();
            d
        };
        let (added, fixed) = diff_diags(
            &[bad("stages: lead, won")],
            &[bad("stages: lead, won, lost")],
        );
        assert!(added.is_empty() && fixed.is_empty(), "{added:?} {fixed:?}");
        // A different problem is still both: the new one added, the old one fixed.
        let other = Diagnostic::error("invalid-stage", "`stage` is `lost-ish`");
        let (added, fixed) = diff_diags(&[bad("stages")], &[other]);
        assert_eq!((added.len(), fixed.len()), (1, 1));
    }

    const CFG: &str = "scoring:\n  engagement:\n    activities:\n      visit: 10\n    cap: 100\n  total_cap: 100\n  signals:\n    rules: []\n  thresholds: {lead: 10, mql: 30, sql: 50}\nsegments:\n  engaged: \"score >= 20\"\n";

    fn person(cfg: &Config, id: &str, visits: usize) -> Parsed {
        let acts: String = (0..visits).map(|_| "- 2026-11-25 visit: /x\n").collect();
        let text = format!("---\nname: {id}\n---\n## Activity\n{acts}");
        parse(
            Kind::Person,
            id,
            &crate::record::layout::rel(crate::record::Kind::Person, id),
            text.as_bytes(),
            cfg,
        )
    }

    fn live() -> (Live, Config) {
        let (cfg, d) = Config::parse(CFG);
        assert!(d.is_empty(), "{d:?}");
        let mut index = Index::new(cfg.clone());
        index.insert(person(&cfg, "ada", 1));
        (Live::new(index, Date::constant(2026, 11, 25)), cfg)
    }

    #[test]
    fn an_edit_says_what_it_caused() {
        let (mut live, cfg) = live();
        let out = live.apply(vec![(
            Kind::Person,
            "ada".into(),
            Some(person(&cfg, "ada", 3)),
        )]);
        let lines: Vec<String> = out.effects.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            lines,
            [
                "contacts/ada.md: score 10 → 30 (+visit ×2); joined engaged; lifecycle suggestion mql"
            ]
        );
    }

    #[test]
    fn a_broken_save_keeps_the_last_good_version_until_fixed() {
        let (mut live, cfg) = live();
        let bad = parse(
            Kind::Person,
            "ada",
            "contacts/ada.md",
            b"---\nname: [ada\n---\n",
            &cfg,
        );
        let out = live.apply(vec![(Kind::Person, "ada".into(), Some(bad))]);
        assert_eq!(out.effects[0].what, What::Broken);
        assert!(!out.added.is_empty());
        assert_eq!(live.index.get(Kind::Person, "ada").unwrap().name(), "ada");
        assert!(live.stale.contains_key(&(Kind::Person, "ada".to_string())));
        let out = live.apply(vec![(
            Kind::Person,
            "ada".into(),
            Some(person(&cfg, "ada", 1)),
        )]);
        assert!(matches!(out.effects[0].what, What::Repaired { .. }));
        assert!(!out.fixed.is_empty());
        assert!(live.stale.is_empty() && live.diagnostics().is_empty());
    }

    #[test]
    fn describes_fields_activities_tasks_and_notes() {
        let (_, cfg) = live();
        let rec = |text: &str| {
            parse(
                Kind::Person,
                "ada",
                "contacts/ada.md",
                text.as_bytes(),
                &cfg,
            )
            .record
        };
        let old = rec(
            "---\nname: Ada\ntitle: CTO\nowner: sam\n---\nHi\n## Activity\n- 2026-11-20 call: x\n- 2026-11-21 visit: /a\n",
        );
        let new = rec(
            "---\nname: Ada\ntitle: CEO\ncountry: GB\n---\nHello\n## Activity\n- 2026-11-21 visit: /a\n- 2026-11-22 visit: /b\n- 2026-11-23 visit: /c\n",
        );
        assert_eq!(
            describe(&old, &new),
            "title, country, owner, +visit ×2, -call, notes"
        );
        assert_eq!(describe(&old, &old), "");
    }

    #[test]
    fn a_rename_is_one_effect() {
        let (mut live, cfg) = live();
        let mut moved = person(&cfg, "ada", 1);
        moved.record.id = "ada-l".into();
        let out = live.apply(vec![
            (Kind::Person, "ada".into(), None),
            (Kind::Person, "ada-l".into(), Some(moved)),
        ]);
        let lines: Vec<String> = out.effects.iter().map(|e| e.to_string()).collect();
        assert_eq!(lines, ["contacts/ada.md → contacts/ada-l.md: renamed"]);
    }
}
