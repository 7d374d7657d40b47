//! The in-memory index of a workspace: every record, looked up by id, e-mail, company and deal,
//! with lifecycle counts. Built once in parallel by [`crate::load`]; any single file can be
//! re-indexed or removed without a full reload ([`Index::insert`], [`Index::remove`]).

pub mod resolve;

use crate::record::config::Config;
use crate::record::diag::{self, Diagnostic};
use crate::record::parse::Parsed;
use crate::record::{Kind, Record};
use compact_str::CompactString;
use rustc_hash::FxHashMap as HashMap;

/// The whole workspace in memory.
#[derive(Debug, Default)]
pub struct Index {
    pub config: Config,
    slots: Vec<Option<Parsed>>,
    free: Vec<usize>,
    /// Records by kind and id: the table holds only their slots, and finds them by the kind and
    /// id in the records themselves (4 bytes a record instead of 40: 76 MB less at 1,000,000).
    by_key: hashbrown::HashTable<u32>,
    /// People by e-mail address: each address's hash and the person's slot, checked against
    /// the person's own addresses when looked up (the addresses themselves are not copied:
    /// 60 MB less at 1,000,000 records).
    by_email: hashbrown::HashTable<(u64, u32)>,
    groups: Groups,
    /// Problems that belong to no record (kith.yaml, unreadable folders).
    pub workspace_diags: Vec<Diagnostic>,
    /// The state of the workspace the index was loaded in, as [`crate::load::cache`] keys results;
    /// `None` once the index is changed in memory, or when the state could not be keyed.
    pub cache_key: Option<u128>,
}

/// Records grouped by what they share: people and deals by company, deals by contact, and
/// people counted by lifecycle stage.
#[derive(Debug, Default)]
struct Groups {
    people_by_company: HashMap<CompactString, Slots>,
    deals_by_company: HashMap<CompactString, Slots>,
    deals_by_contact: HashMap<CompactString, Slots>,
    /// Count of people per lifecycle stage (lowercase; "" for plain contacts).
    stage_counts: HashMap<String, usize>,
}

impl Groups {
    /// Adds (or removes) a record in the groups it belongs to.
    fn link(&mut self, slot: usize, r: &Record, add: bool) {
        fn update(map: &mut HashMap<CompactString, Slots>, key: &str, slot: usize, add: bool) {
            let key = CompactString::from(key.trim());
            if add {
                Slots::add(map, key, slot);
            } else if let Some(v) = map.get_mut(&key)
                && v.remove(slot)
            {
                map.remove(&key);
            }
        }
        match r.kind {
            Kind::Person => {
                if let Some(company) = r.text("company") {
                    update(&mut self.people_by_company, company, slot, add);
                }
                // Without a copy of the stage, unless it is the first of its kind.
                let stage = r.stage().unwrap_or_default();
                match self.stage_counts.get_mut(&*stage) {
                    Some(count) if add => *count += 1,
                    Some(count) => {
                        *count = count.saturating_sub(1);
                        if *count == 0 {
                            self.stage_counts.remove(&*stage);
                        }
                    }
                    None if add => {
                        self.stage_counts.insert(stage.into_owned(), 1);
                    }
                    None => {}
                }
            }
            Kind::Deal => {
                if let Some(company) = r.text("company") {
                    update(&mut self.deals_by_company, company, slot, add);
                }
                let contacts: Vec<String> = r.list("contacts").collect();
                for c in contacts {
                    update(&mut self.deals_by_contact, &c, slot, add);
                }
            }
            Kind::Company => {}
        }
    }
}

impl Index {
    pub fn new(config: Config) -> Index {
        Index {
            config,
            ..Index::default()
        }
    }

    /// An index of records given as `(kind, id, text)`, for tests and tools.
    pub fn from_texts<'a>(
        config: Config,
        records: impl IntoIterator<Item = (Kind, &'a str, &'a str)>,
    ) -> Index {
        let mut index = Index::new(config);
        for (kind, id, text) in records {
            let path = crate::record::layout::rel(kind, id);
            let parsed =
                crate::record::parse::parse(kind, id, &path, text.as_bytes(), &index.config);
            index.insert(parsed);
        }
        index
    }

    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// An index of freshly loaded files (each kind and id once), reusing their vector as the
    /// index's own storage.
    pub fn build(config: Config, parsed: Vec<Parsed>) -> Index {
        use rayon::prelude::*;
        let mut index = Index::new(config);
        index.slots = parsed.into_iter().map(Some).collect();
        let Index {
            slots,
            free,
            by_key,
            by_email,
            groups,
            ..
        } = &mut index;
        // The groups on one thread while the other cores hash the keys and the addresses (an
        // address is normalized first): 1.2 s on one thread at 1,000,000 records, 0.5 s so.
        let (_, (keys, emails)) = rayon::join(
            || {
                for (slot, p) in slots.iter().enumerate() {
                    if let Some(p) = p {
                        groups.link(slot, &p.record, true);
                    }
                }
            },
            || {
                let keys: Vec<u64> = (slots.par_iter())
                    .map(|p| {
                        p.as_ref()
                            .map_or(0, |p| Index::key_hash(p.record.kind, &p.record.id))
                    })
                    .collect();
                let emails: Vec<(u64, u32)> = (slots.par_iter().enumerate())
                    .flat_map_iter(|(slot, p)| {
                        let person = p.as_ref().filter(|p| p.record.kind == Kind::Person);
                        person
                            .into_iter()
                            .flat_map(|p| email_hashes(&p.record))
                            .map(move |hash| (hash, slot as u32))
                    })
                    .collect();
                (keys, emails)
            },
        );
        let hash_of = |&s: &u32| keys[s as usize];
        // Empty still: nothing to rehash.
        by_key.reserve(slots.len(), hash_of);
        // A load lists each file once, in order: then no record can repeat an earlier one.
        fn key(p: &Option<Parsed>) -> Option<(Kind, &str)> {
            p.as_ref().map(|p| (p.record.kind, p.record.id.as_str()))
        }
        let ascending = slots.par_windows(2).all(|w| key(&w[0]) < key(&w[1]));
        for (slot, &hash) in keys.iter().enumerate() {
            let Some(p) = &slots[slot] else { continue };
            let (kind, id) = (p.record.kind, p.record.id.as_str());
            // Each kind and id once: a second record of the same is left out.
            if !ascending && by_key.find(hash, |&s| holds(slots, s, kind, id)).is_some() {
                groups.link(slot, &p.record, false);
                slots[slot] = None;
                free.push(slot);
                continue;
            }
            by_key.insert_unique(hash, slot as u32, hash_of);
        }
        // A table sized for the people, not every record: half the size (hash tables grow by
        // doubling), 50 MB less at 1,000,000 records.
        let people = (slots.iter().flatten())
            .filter(|p| p.record.kind == Kind::Person)
            .count();
        by_email.reserve(people, |&(hash, _)| hash);
        for &(hash, slot) in &emails {
            if slots[slot as usize].is_some() {
                by_email.insert_unique(hash, (hash, slot), |&(hash, _)| hash);
            }
        }
        index
    }

    /// Adds a parsed file, replacing the record with the same kind and id.
    pub fn insert(&mut self, parsed: Parsed) {
        self.cache_key = None;
        self.remove(parsed.record.kind, &parsed.record.id);
        let slot = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(None);
                self.slots.len() - 1
            }
        };
        self.link(slot, &parsed.record, true);
        self.slots[slot] = Some(parsed);
        self.keep_key(slot);
    }

    /// The hash a record is found by.
    fn key_hash(kind: Kind, id: &str) -> u64 {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one((kind as u8, id))
    }

    /// Enters the record at `slot` (there already) in the table by kind and id.
    fn keep_key(&mut self, slot: usize) {
        let slots = &self.slots;
        let hash_of = |&s: &u32| {
            slots[s as usize]
                .as_ref()
                .map_or(0, |p| Index::key_hash(p.record.kind, &p.record.id))
        };
        let hash = hash_of(&(slot as u32));
        self.by_key.insert_unique(hash, slot as u32, hash_of);
    }

    /// Removes a record; returns what was indexed for it.
    pub fn remove(&mut self, kind: Kind, id: &str) -> Option<Parsed> {
        self.cache_key = None;
        let slots = &self.slots;
        let (slot, _) = self
            .by_key
            .find_entry(Index::key_hash(kind, id), |&s| holds(slots, s, kind, id))
            .ok()?
            .remove();
        let slot = slot as usize;
        let parsed = self.slots[slot].take()?;
        self.link(slot, &parsed.record, false);
        self.free.push(slot);
        Some(parsed)
    }

    /// Adds (or removes) a record's entries in the lookup tables.
    fn link(&mut self, slot: usize, r: &Record, add: bool) {
        if r.kind == Kind::Person {
            for hash in email_hashes(r) {
                let entry = (hash, slot as u32);
                if add {
                    self.by_email.insert_unique(hash, entry, |&(hash, _)| hash);
                } else if let Ok(found) = self.by_email.find_entry(hash, |&e| e == entry) {
                    found.remove();
                }
            }
        }
        self.groups.link(slot, r, add);
    }

    fn at(&self, slots: Option<&Slots>) -> Vec<&Record> {
        let mut out: Vec<&Record> = slots
            .into_iter()
            .flat_map(Slots::iter)
            .filter_map(|s| self.slots[s].as_ref().map(|p| &p.record))
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// The slot of a record: a small number, stable while the record stays in the index, for
    /// tables of derived values (scores, segment memberships) kept beside it.
    pub fn slot(&self, kind: Kind, id: &str) -> Option<usize> {
        self.by_key
            .find(Index::key_hash(kind, id), |&s| {
                holds(&self.slots, s, kind, id)
            })
            .map(|&s| s as usize)
    }

    /// One more than the highest slot in use: the size of a table indexed by slot.
    pub fn slot_count(&self) -> usize {
        self.slots.len()
    }

    pub fn at_slot(&self, slot: usize) -> Option<&Record> {
        self.slots.get(slot)?.as_ref().map(|p| &p.record)
    }

    /// Every record with its slot.
    pub fn entries(&self) -> impl Iterator<Item = (usize, &Record)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.as_ref().map(|p| (i, &p.record)))
    }

    /// The deals of a person (as a contact) or of a company, without allocating.
    pub fn deals_for<'a>(&'a self, r: &Record) -> impl Iterator<Item = &'a Record> + 'a {
        let slots = match r.kind {
            Kind::Person => self.groups.deals_by_contact.get(r.id.as_str()),
            Kind::Company => self.groups.deals_by_company.get(r.id.as_str()),
            Kind::Deal => None,
        };
        slots
            .into_iter()
            .flat_map(Slots::iter)
            .filter_map(|s| self.slots[s].as_ref().map(|p| &p.record))
    }

    pub fn get(&self, kind: Kind, id: &str) -> Option<&Record> {
        self.parsed(kind, id).map(|p| &p.record)
    }

    pub fn parsed(&self, kind: Kind, id: &str) -> Option<&Parsed> {
        self.slots[self.slot(kind, id)?].as_ref()
    }

    pub fn contains(&self, kind: Kind, id: &str) -> bool {
        self.slot(kind, id).is_some()
    }

    /// Every record, in no particular order.
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.slots.iter().flatten().map(|p| &p.record)
    }

    /// The records of one kind, sorted by id.
    pub fn of_kind(&self, kind: Kind) -> Vec<&Record> {
        let mut out: Vec<&Record> = self.records().filter(|r| r.kind == kind).collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// People with this address as their `email` or among their `emails`.
    pub fn people_by_email(&self, email: &str) -> Vec<&Record> {
        let key = email_key(email);
        let hash = email_hash(&key);
        let mut out: Vec<&Record> = self
            .by_email
            .iter_hash(hash)
            .filter(|(h, _)| *h == hash)
            .filter_map(|&(_, s)| self.slots[s as usize].as_ref().map(|p| &p.record))
            // Another address may share the hash: the person's own addresses say.
            .filter(|r| r.emails().iter().any(|e| email_key(e) == key))
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    pub fn people_of_company(&self, company: &str) -> Vec<&Record> {
        self.at(self.groups.people_by_company.get(company))
    }

    pub fn deals_of_company(&self, company: &str) -> Vec<&Record> {
        self.at(self.groups.deals_by_company.get(company))
    }

    pub fn deals_of_contact(&self, person: &str) -> Vec<&Record> {
        self.at(self.groups.deals_by_contact.get(person))
    }

    /// The slots of a company's people and deals (by their `company` field).
    pub fn company_slots(&self, company: &str) -> impl Iterator<Item = usize> + '_ {
        let people = self.groups.people_by_company.get(company).into_iter();
        let deals = self.groups.deals_by_company.get(company).into_iter();
        people.chain(deals).flat_map(Slots::iter)
    }

    /// The slots of the deals that list a person among their `contacts`.
    pub fn deal_slots_of_contact(&self, person: &str) -> impl Iterator<Item = usize> + '_ {
        self.groups
            .deals_by_contact
            .get(person)
            .into_iter()
            .flat_map(Slots::iter)
    }

    /// People per lifecycle stage: funnel stages in order, then stages outside the funnel, then
    /// stages kith.yaml does not know, then plain contacts (`None`).
    pub fn stage_counts(&self) -> Vec<(Option<String>, usize)> {
        let lc = &self.config.lifecycle;
        let mut out: Vec<(Option<String>, usize)> = lc
            .all()
            .map(|s| {
                (
                    Some(s.to_string()),
                    self.groups.stage_counts.get(s).copied().unwrap_or(0),
                )
            })
            .collect();
        let mut unknown: Vec<_> = self
            .groups
            .stage_counts
            .iter()
            .filter(|(s, _)| !s.is_empty() && !lc.is_known(s))
            .map(|(s, n)| (Some(s.clone()), *n))
            .collect();
        unknown.sort();
        out.extend(unknown);
        out.push((None, self.groups.stage_counts.get("").copied().unwrap_or(0)));
        out
    }

    /// Every diagnostic: each file's own, then those that need several records (references to
    /// missing records, and the likely-duplicate warnings `duplicates` gives, which
    /// [`crate::analysis::diagnostics`] finds), sorted by file and position. `duplicates` runs
    /// on some cores while the references are checked on the others.
    pub fn diagnostics_with(
        &self,
        duplicates: impl FnOnce() -> Vec<Diagnostic> + Send,
    ) -> Vec<Diagnostic> {
        self.diagnostics_and_tally(duplicates).0
    }

    /// [`Index::diagnostics_with`], and the [`Index::tally`] of the same workspace from the
    /// same diagnostics: each file's and each reference's are worked out once (checking every
    /// reference is a look-up a reference, millions in a large workspace).
    pub fn diagnostics_and_tally(
        &self,
        duplicates: impl FnOnce() -> Vec<Diagnostic> + Send,
    ) -> (Vec<Diagnostic>, crate::record::diag::Tally) {
        let (duplicates, mut out) = rayon::join(duplicates, || self.own_diagnostics());
        let tally = crate::record::diag::Tally::of(out.iter(), self.len());
        out.extend(duplicates);
        diag::sort(&mut out);
        (out, tally)
    }

    /// Each file's own diagnostics and its references to missing records, unsorted.
    fn own_diagnostics(&self) -> Vec<Diagnostic> {
        let (mut out, references) =
            rayon::join(|| self.file_diagnostics(), || self.reference_diagnostics());
        out.extend(references);
        out
    }

    /// How many of [`Index::file_diagnostics`] and [`Index::reference_diagnostics`] are errors
    /// and warnings, and how many records there are. Likely duplicates are not counted: only
    /// `kith check` and `kith duplicates` look for them.
    pub fn tally(&self) -> crate::record::diag::Tally {
        let files = self.file_diagnostics();
        let references = self.reference_diagnostics();
        crate::record::diag::Tally::of(files.iter().chain(&references), self.len())
    }

    /// The workspace's own problems and each file's, unsorted.
    pub fn file_diagnostics(&self) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = self.workspace_diags.clone();
        for p in self.slots.iter().flatten() {
            out.extend(p.diags.iter().cloned());
        }
        out
    }

    /// References to records that do not exist, in file order.
    pub fn reference_diagnostics(&self) -> Vec<Diagnostic> {
        use rayon::prelude::*;
        let mut out: Vec<_> = self
            .slots
            .par_iter()
            .flatten()
            .flat_map_iter(|p| self.missing_in(p))
            .collect();
        // The first problems in file order get them, whatever order the records were indexed
        // in (a watcher's index and a cold load's agree).
        out.sort_by(|a, b| diag::compare(&a.0, &b.0));
        // Suggestions scan every record; give them to the first few problems only.
        self.with_help(out, 20)
    }

    /// [`Index::reference_diagnostics`] of one parsed file checked against the index (an
    /// editor's unsaved buffer, say), with help for the first few.
    pub fn references_of(&self, p: &Parsed) -> Vec<Diagnostic> {
        let out: Vec<_> = self.missing_in(p).collect();
        self.with_help(out, 5)
    }

    /// A file's references to records that do not exist, with the kind and id referred to
    /// (no kind: a wiki link that names none), then its ambiguous wiki links.
    fn missing_in<'a>(
        &'a self,
        p: &'a Parsed,
    ) -> impl Iterator<Item = (Diagnostic, Option<Kind>, &'a str)> + 'a {
        let refs = p
            .refs
            .iter()
            .filter(|r| !self.contains(r.kind, &r.id))
            .map(|r| {
                let is_activity = r.field == "activity";
                let message = if is_activity {
                    format!(
                        "the activity mentions deal `#{}`, but {} does not exist",
                        r.id,
                        crate::record::layout::rel(Kind::Deal, &r.id)
                    )
                } else {
                    format!(
                        "`{}` refers to {} `{}`, but {} does not exist",
                        r.field,
                        r.kind,
                        r.id,
                        crate::record::layout::rel(r.kind, &r.id)
                    )
                };
                let d = if is_activity {
                    Diagnostic::warning("missing-reference", message)
                } else {
                    Diagnostic::error("missing-reference", message)
                }
                .in_file(p.record.path())
                .pos(r.pos);
                (d, Some(r.kind), r.id.as_str())
            });
        let mentions = p.mentions.iter().filter_map(|m| {
            let found = self.mention_kinds(m.kind, &m.id);
            let d = match (found.len(), m.kind) {
                (0, Some(k)) => Diagnostic::warning(
                    "missing-reference",
                    format!(
                        "the link [[{}/{}]] leads nowhere: {} does not exist",
                        k.dir(),
                        m.id,
                        crate::record::layout::rel(k, &m.id)
                    ),
                ),
                (0, None) => Diagnostic::warning(
                    "missing-reference",
                    format!(
                        "the link [[{}]] leads nowhere: no record has the id `{}`",
                        m.id, m.id
                    ),
                ),
                (1, _) => return None,
                _ => Diagnostic::warning(
                    "ambiguous-link",
                    format!(
                        "the link [[{}]] could be {}",
                        m.id,
                        found
                            .iter()
                            .map(|k| crate::record::layout::rel(*k, &m.id))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ),
                )
                .help(format!("name the folder: [[{}/{}]]", found[0].dir(), m.id)),
            };
            Some((d.in_file(p.record.path()).pos(m.pos), m.kind, m.id.as_str()))
        });
        refs.chain(mentions)
    }

    /// The kinds of the records a wiki link may lead to: `kind`'s if it names one, else every
    /// kind with a record of that id (people, then companies, then deals).
    pub fn mention_kinds(&self, kind: Option<Kind>, id: &str) -> Vec<Kind> {
        match kind {
            Some(k) => [k].into_iter().filter(|k| self.contains(*k, id)).collect(),
            None => Kind::ALL
                .into_iter()
                .filter(|k| self.contains(*k, id))
                .collect(),
        }
    }

    /// The diagnostics, the first `suggestions` of them with the id the user probably meant.
    fn with_help(
        &self,
        out: Vec<(Diagnostic, Option<Kind>, &str)>,
        mut suggestions: usize,
    ) -> Vec<Diagnostic> {
        out.into_iter()
            .map(|(d, kind, id)| {
                if suggestions == 0 || d.help.is_some() {
                    return d;
                }
                suggestions -= 1;
                let help = match kind {
                    Some(k) => self.reference_help(k, id),
                    None => Kind::ALL
                        .into_iter()
                        .find_map(|k| self.reference_help(k, id)),
                };
                match help {
                    Some(help) => d.help(help),
                    None => d,
                }
            })
            .collect()
    }

    /// Suggests the id the user probably meant: a record with that name, or a close id.
    fn reference_help<'a>(&'a self, kind: Kind, wanted: &str) -> Option<String> {
        let folded = crate::util::slug::fold(wanted);
        let slug = crate::util::slug::slugify(wanted);
        // The smallest matching id, so the answer does not depend on the order of the slots.
        let records = self.records().filter(|r| r.kind == kind);
        let (mut named, mut close): (Option<&str>, Option<&str>) = (None, None);
        let smallest = |a: Option<&'a str>, b: &'a str| Some(a.map_or(b, |a| a.min(b)));
        for r in records {
            if crate::util::slug::fold(r.name()) == folded
                || r.id == slug
                || crate::util::slug::slugify(r.name()) == slug
            {
                named = smallest(named, &r.id);
            } else if crate::record::diag::did_you_mean(wanted, [r.id.as_str()]).is_some() {
                close = smallest(close, &r.id);
            }
        }
        if let Some(id) = named {
            return Some(format!("write the id, not the name: `{id}`"));
        }
        Some(match close {
            Some(id) => format!("did you mean `{id}`?"),
            None => format!(
                "create it with `kith new {} \"...\"` or correct the id",
                kind.noun()
            ),
        })
    }
}

/// The slots of the records a lookup key names: nearly always one (a person's address, a
/// deal's contact), held inline; a list only for the few keys shared. Half the size of a
/// `Vec<usize>` and no allocation of its own: 40 MB less at 1,000,000 records.
#[derive(Debug, Clone)]
enum Slots {
    One(u32),
    // Boxed: a thin pointer keeps `Slots` at 16 bytes, where a `Vec` would make it 24; the
    // extra allocation is only for the few keys shared, and a `Box<[u32]>` would copy the
    // whole list at each push (a company's thousands of people).
    #[allow(clippy::box_collection)]
    Many(Box<Vec<u32>>),
}

const _: () = assert!(std::mem::size_of::<Slots>() == 16);

impl Slots {
    /// Adds `slot` under `key` in `map`.
    fn add<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Slots>, key: K, slot: usize) {
        let slot = slot as u32;
        match map.entry(key) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(Slots::One(slot));
            }
            std::collections::hash_map::Entry::Occupied(mut o) => match o.get_mut() {
                Slots::One(first) => *o.get_mut() = Slots::Many(Box::new(vec![*first, slot])),
                Slots::Many(list) => list.push(slot),
            },
        }
    }

    /// Takes `slot` out; true when none is left.
    fn remove(&mut self, slot: usize) -> bool {
        let slot = slot as u32;
        match self {
            Slots::One(s) => *s == slot,
            Slots::Many(list) => {
                list.retain(|&s| s != slot);
                if let [one] = list.as_slice() {
                    *self = Slots::One(*one);
                    return false;
                }
                list.is_empty()
            }
        }
    }

    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        let (one, many): (Option<u32>, &[u32]) = match self {
            Slots::One(s) => (Some(*s), &[]),
            Slots::Many(list) => (None, list),
        };
        one.into_iter()
            .chain(many.iter().copied())
            .map(|s| s as usize)
    }
}

/// Whether `slot` holds the record `kind`/`id`: how the table by kind and id confirms a match.
fn holds(slots: &[Option<Parsed>], slot: u32, kind: Kind, id: &str) -> bool {
    slots[slot as usize]
        .as_ref()
        .is_some_and(|p| p.record.kind == kind && p.record.id == id)
}

/// The hashes of a person's addresses in the table of people by e-mail.
fn email_hashes(r: &Record) -> impl Iterator<Item = u64> {
    r.emails().into_iter().map(|e| email_hash(&email_key(&e)))
}

/// The hash of an address's key in the table of people by e-mail.
fn email_hash(key: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(key)
}

/// The key people are found by e-mail address with: the mailbox it reaches (case, `+tags`
/// and Gmail's dots ignored, as the duplicate check compares them), else the address
/// lowercased.
fn email_key(address: &str) -> String {
    crate::record::normalize::email(address).unwrap_or_else(|| address.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::parse::parse;

    fn add(index: &mut Index, kind: Kind, id: &str, text: &str) {
        let path = crate::record::layout::rel(kind, id);
        let parsed = parse(kind, id, &path, text.as_bytes(), &index.config);
        index.insert(parsed);
    }

    fn sample() -> Index {
        let mut index = Index::new(Config::default());
        add(&mut index, Kind::Company, "acme", "---\nname: Acme\n---\n");
        add(
            &mut index,
            Kind::Person,
            "ada",
            "---\nname: Ada\nemail: Ada@Acme.example\ncompany: acme\nlifecycle: lead\n---\n",
        );
        add(
            &mut index,
            Kind::Person,
            "bob",
            "---\nname: Bob\nemails: [ada@acme.example]\ncompany: acme\n---\n",
        );
        add(
            &mut index,
            Kind::Deal,
            "pilot",
            "---\nname: Pilot\ncompany: acme\ncontacts: [ada, zed]\nstage: qualified-to-buy\n---\n",
        );
        index
    }

    #[test]
    fn looks_up_by_every_key() {
        let index = sample();
        assert_eq!(index.len(), 4);
        assert_eq!(index.people_by_email("ADA@acme.example").len(), 2);
        // The mailbox, as the duplicate check compares addresses: `+tags` do not matter.
        assert_eq!(index.people_by_email("ada+crm@acme.example").len(), 2);
        assert_eq!(index.people_of_company("acme").len(), 2);
        assert_eq!(index.deals_of_company("acme")[0].id, "pilot");
        assert_eq!(index.deals_of_contact("ada")[0].id, "pilot");
        let counts = index.stage_counts();
        assert!(counts.contains(&(Some("lead".into()), 1)));
        assert!(counts.contains(&(None, 1)));
    }

    #[test]
    fn cross_record_diagnostics() {
        let index = sample();
        let diags = crate::analysis::diagnostics(&index);
        let codes: Vec<_> = diags.iter().map(|d| (d.path.as_str(), d.code)).collect();
        assert_eq!(
            codes,
            vec![
                ("contacts/bob.md", "likely-duplicate"),
                ("deals/pilot.md", "missing-reference")
            ]
        );
        assert_eq!(diags[1].line, 4);
    }

    #[test]
    fn reindexing_one_file_equals_a_fresh_build() {
        let mut index = sample();
        add(
            &mut index,
            Kind::Person,
            "ada",
            "---\nname: Ada\nemail: ada@new.example\nlifecycle: mql\n---\n",
        );
        index.remove(Kind::Deal, "pilot");
        assert_eq!(index.people_by_email("ada@acme.example").len(), 1);
        assert_eq!(index.people_of_company("acme").len(), 1);
        assert!(index.deals_of_company("acme").is_empty());
        assert!(index.stage_counts().contains(&(Some("mql".into()), 1)));
        assert!(index.stage_counts().contains(&(Some("lead".into()), 0)));
        assert!(crate::analysis::diagnostics(&index).is_empty());
    }

    /// A build looks records up as inserting them one by one does, in whatever order they
    /// come, and keeps the first of two with the same kind and id.
    #[test]
    fn a_build_equals_inserting_one_by_one() {
        let files = [
            (
                Kind::Person,
                "ada",
                "---\nname: Ada\nemail: Ada@Acme.example\ncompany: acme\nlifecycle: mql\n---\n",
            ),
            (
                Kind::Person,
                "ben",
                "---\nname: Ben\nemails: [ben@acme.example, b@home.example]\ncompany: acme\n---\n",
            ),
            (
                Kind::Deal,
                "pilot",
                "---\nname: Pilot\ncompany: acme\ncontacts: [ada, ben]\n---\n",
            ),
            (
                Kind::Person,
                "ada",
                "---\nname: Ada Again\nemail: again@acme.example\nlifecycle: lead\n---\n",
            ),
            (Kind::Company, "acme", "---\nname: Acme\n---\n"),
        ];
        let parsed = |files: &[(Kind, &str, &str)]| -> Vec<Parsed> {
            files
                .iter()
                .map(|(k, id, text)| {
                    parse(
                        *k,
                        id,
                        &format!("{id}.md"),
                        text.as_bytes(),
                        &Config::default(),
                    )
                })
                .collect()
        };
        let sorted = {
            let mut f = files.to_vec();
            f.remove(3);
            f.sort_by_key(|(k, id, _)| (*k, *id));
            f
        };
        for files in [&files[..], &sorted[..]] {
            let index = Index::build(Config::default(), parsed(files));
            assert_eq!(index.len(), 4);
            assert_eq!(
                index.get(Kind::Person, "ada").and_then(|r| r.text("name")),
                Some("Ada")
            );
            assert_eq!(index.people_by_email("ada@acme.example").len(), 1);
            assert!(index.people_by_email("again@acme.example").is_empty());
            assert_eq!(index.people_by_email("b@home.example").len(), 1);
            assert_eq!(index.people_of_company("acme").len(), 2);
            assert_eq!(index.deals_of_company("acme").len(), 1);
            assert_eq!(index.deals_of_contact("ben").len(), 1);
            assert!(index.stage_counts().contains(&(Some("mql".into()), 1)));
            assert!(index.stage_counts().contains(&(Some("lead".into()), 0)));
        }
    }
}
