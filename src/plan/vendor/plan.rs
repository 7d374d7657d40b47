//! An export to a plan: companies first, then people linked to them, then deals with their
//! company and contacts, then activities, notes and tasks on the records they belong to.
//! Each record is found by the vendor's id kept from an earlier import, else (people) by
//! e-mail address or (companies) by domain or name; found records gain only what they lack
//! (unless `overwrite`), so the same export imported twice changes nothing.

use super::{At, Entry, Export, Item, Problem, Ref, stages};
use crate::edit::{self, Change};
use crate::index::Index;
use crate::plan::create;
use crate::plan::import::{New, vocab};
use crate::record::activity::Activity;
use crate::record::config::Config;
use crate::record::diag::Severity;
use crate::record::normalize;
use crate::record::schema;
use crate::record::task::{Origin, Task};
use crate::record::value::Value;
use crate::record::{Kind, LIFECYCLE, Record};
use crate::util::intern::Sym;
use anyhow::Result;
use jiff::civil::Date;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// How to migrate.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// Replace values that differ (default: fill only empty fields).
    pub overwrite: bool,
    pub today: Date,
    /// `--map` pairs: a vendor's stage as written and the kith stage it becomes.
    pub map: &'a [(String, String)],
}

/// Records created, updated and unchanged of one kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Changes to an existing record.
#[derive(Debug, Clone)]
pub struct Update {
    pub kind: Kind,
    pub id: String,
    pub changes: Vec<Change>,
}

/// Everything a migration would do.
#[derive(Debug, Default)]
pub struct Plan {
    /// Companies, then people, then deals.
    pub creates: Vec<New>,
    pub updates: Vec<Update>,
    /// Companies, people, deals.
    pub counts: [Counts; 3],
    /// Activities and notes logged, and open tasks added.
    pub logged: usize,
    pub tasks: usize,
    /// Activities already in the records (a re-import).
    pub known: usize,
    /// Rows that cannot be imported, with why.
    pub invalid: Vec<Problem>,
    /// Rows left out on purpose, with why.
    pub skipped: Vec<Problem>,
    /// Links to records that are neither in the export nor in the workspace.
    pub unresolved: Vec<Problem>,
    /// Stages no mapping knows: (what, stage as written, rows).
    pub unmapped: Vec<(&'static str, String, usize)>,
}

/// The slot of a kind in [`Plan::counts`].
pub fn slot(kind: Kind) -> usize {
    match kind {
        Kind::Company => 0,
        Kind::Person => 1,
        Kind::Deal => 2,
    }
}

/// A record being created or updated.
#[derive(Debug)]
struct Target<'a> {
    kind: Kind,
    existing: Option<&'a Record>,
    id: String,
    name: String,
    /// Current values: the record's, with this migration's changes applied.
    fields: Vec<(String, Value)>,
    /// Changes to an existing record's frontmatter.
    changes: Vec<Change>,
    logs: Vec<Activity>,
    tasks: Vec<Task>,
    notes: Vec<String>,
}

impl Target<'_> {
    fn get(&self, key: &str) -> Option<&Value> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .filter(|v| !v.is_null() && !v.to_text().trim().is_empty())
    }

    fn put(&mut self, key: &str, value: Value) {
        match self.fields.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value.clone(),
            None => self.fields.push((key.to_string(), value.clone())),
        }
        if self.existing.is_some() {
            self.changes.push(Change::Set(key.to_string(), value));
        }
    }

    /// Sets a field that is empty (or, with `overwrite`, differs).
    fn fill(&mut self, key: &str, value: Value, overwrite: bool) {
        let wanted = match self.get(key) {
            None => true,
            Some(cur) => overwrite && cur.to_text() != value.to_text(),
        };
        if wanted {
            self.put(key, value);
        }
    }

    fn list_add(&mut self, key: &str, item: &str) {
        let has = self
            .get(key)
            .is_some_and(|v| v.items().iter().any(|x| x.to_text() == item));
        if has {
            return;
        }
        let mut items: Vec<Value> = self
            .get(key)
            .map(|v| v.items().to_vec())
            .unwrap_or_default();
        items.push(Value::str(item));
        match self.fields.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = Value::List(items.into()),
            None => self
                .fields
                .push((key.to_string(), Value::List(items.into()))),
        }
        if self.existing.is_some() {
            self.changes
                .push(Change::ListAdd(key.to_string(), item.to_string()));
        }
    }

    fn changed(&self) -> bool {
        !(self.changes.is_empty()
            && self.logs.is_empty()
            && self.tasks.is_empty()
            && self.notes.is_empty())
    }
}

struct Planner<'a> {
    index: &'a Index,
    export: &'a Export,
    opts: &'a Options<'a>,
    id_field: &'static str,
    targets: Vec<Target<'a>>,
    /// Target by (kind, kith id).
    by_id: FxHashMap<(Kind, String), usize>,
    /// Target by (kind, vendor id).
    by_src: FxHashMap<(Kind, String), usize>,
    /// Targets by (kind, normalized name), for the links that name records.
    by_name: FxHashMap<(Kind, String), Vec<usize>>,
    /// Existing records by (kind, vendor id), people by address, companies by domain.
    existing_src: FxHashMap<(Kind, String), &'a Record>,
    existing_email: FxHashMap<String, &'a Record>,
    existing_domain: FxHashMap<String, &'a Record>,
    existing_company_name: FxHashMap<String, &'a Record>,
    taken: FxHashSet<(Kind, String)>,
    plan: Plan,
    unmapped: FxHashMap<(&'static str, String), usize>,
}

/// Plans a migration. `index` is the workspace as it is.
pub fn plan(index: &Index, export: &Export, opts: &Options) -> Result<Plan> {
    let mut p = Planner::new(index, export, opts);
    p.plan.invalid.extend(export.invalid.iter().cloned());
    p.plan.skipped.extend(export.skipped.iter().cloned());
    for item in &export.companies {
        p.company(item);
    }
    crate::util::output::trace("companies planned");
    // Deals a person's or company's association columns name (HubSpot).
    let mut deal_people: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for item in &export.people {
        if let Some(t) = p.person(item) {
            for r in &item.links {
                if let Ref::Id(d) = r {
                    deal_people.entry(d.as_str()).or_default().push(t);
                }
            }
        }
    }
    crate::util::output::trace("people planned");
    let mut roles: FxHashMap<&str, Vec<(At, &Ref)>> = FxHashMap::default();
    for (at, deal, person) in &export.roles {
        if let Ref::Id(d) = deal {
            roles.entry(d.as_str()).or_default().push((*at, person));
        }
    }
    for item in &export.deals {
        let from_people = item
            .src
            .as_deref()
            .and_then(|s| deal_people.get(s))
            .cloned()
            .unwrap_or_default();
        let from_roles = item
            .src
            .as_deref()
            .and_then(|s| roles.get(s))
            .cloned()
            .unwrap_or_default();
        p.deal(item, &from_people, &from_roles);
    }
    crate::util::output::trace("deals planned");
    for e in &export.entries {
        p.entry(e);
    }
    crate::util::output::trace("activities planned");
    p.finish()
}

impl<'a> Planner<'a> {
    fn new(index: &'a Index, export: &'a Export, opts: &'a Options<'a>) -> Planner<'a> {
        let id_field = export.vendor.id_field();
        let mut existing_src = FxHashMap::default();
        let mut existing_email = FxHashMap::default();
        let mut existing_domain = FxHashMap::default();
        let mut existing_company_name = FxHashMap::default();
        for r in index.records() {
            if let Some(src) = r.get(id_field) {
                existing_src.insert((r.kind, src.to_text()), r);
            }
            match r.kind {
                Kind::Person => {
                    for e in r.emails() {
                        if let Some(n) = normalize::email(&e) {
                            existing_email.entry(n).or_insert(r);
                        }
                    }
                }
                Kind::Company => {
                    for key in ["domain", "website"] {
                        if let Some(d) = r.text(key).and_then(normalize::domain) {
                            existing_domain.entry(d).or_insert(r);
                        }
                    }
                    existing_company_name
                        .entry(normalize::company_name(r.name()))
                        .or_insert(r);
                }
                Kind::Deal => {}
            }
        }
        Planner {
            index,
            export,
            opts,
            id_field,
            targets: Vec::new(),
            by_id: FxHashMap::default(),
            by_src: FxHashMap::default(),
            by_name: FxHashMap::default(),
            existing_src,
            existing_email,
            existing_domain,
            existing_company_name,
            taken: FxHashSet::default(),
            plan: Plan::default(),
            unmapped: FxHashMap::default(),
        }
    }

    fn cfg(&self) -> &'a Config {
        &self.index.config
    }

    fn invalid(&mut self, at: At, reason: String) {
        self.plan.invalid.push(Problem { at, reason });
    }

    fn name_key(kind: Kind, name: &str) -> String {
        match kind {
            Kind::Person => normalize::person_name(name),
            Kind::Company => normalize::company_name(name),
            Kind::Deal => name.trim().to_lowercase(),
        }
    }

    /// The target of a record on disk (made on first use).
    fn existing(&mut self, r: &'a Record) -> usize {
        if let Some(&i) = self.by_id.get(&(r.kind, r.id.to_string())) {
            return i;
        }
        let i = self.targets.len();
        self.targets.push(Target {
            kind: r.kind,
            existing: Some(r),
            id: r.id.to_string(),
            name: r.name().to_string(),
            fields: r
                .fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            changes: Vec::new(),
            logs: Vec::new(),
            tasks: Vec::new(),
            notes: Vec::new(),
        });
        self.by_id.insert((r.kind, r.id.to_string()), i);
        self.by_name
            .entry((r.kind, Self::name_key(r.kind, r.name())))
            .or_default()
            .push(i);
        i
    }

    /// A new record named `name`, with a free id.
    fn create(&mut self, kind: Kind, name: &str) -> usize {
        let index = self.index;
        let taken = &self.taken;
        let id = create::new_id(name, |id| {
            index.contains(kind, id) || taken.contains(&(kind, id.to_string()))
        });
        self.taken.insert((kind, id.clone()));
        let i = self.targets.len();
        self.targets.push(Target {
            kind,
            existing: None,
            id: id.clone(),
            name: name.to_string(),
            fields: Vec::new(),
            changes: Vec::new(),
            logs: Vec::new(),
            tasks: Vec::new(),
            notes: Vec::new(),
        });
        self.by_id.insert((kind, id), i);
        self.by_name
            .entry((kind, Self::name_key(kind, name)))
            .or_default()
            .push(i);
        i
    }

    /// The target of an item: the one an earlier row with the same vendor id made, the
    /// record with that id from an earlier import, or `find`'s record, or a new one.
    fn target(&mut self, kind: Kind, item: &Item, find: Option<&'a Record>) -> usize {
        let src = item.src.clone().unwrap_or_default();
        if !src.is_empty()
            && let Some(&i) = self.by_src.get(&(kind, src.clone()))
        {
            return i;
        }
        let found = self
            .existing_src
            .get(&(kind, src.clone()))
            .copied()
            .filter(|_| !src.is_empty())
            .or(find);
        let i = match found {
            Some(r) => self.existing(r),
            None => self.create(kind, &item.name),
        };
        if !src.is_empty() {
            self.by_src.insert((kind, src), i);
        }
        i
    }

    /// Fills an item's fields into its target, after checking their types. `Err` names the
    /// first value kith would refuse.
    fn check(&self, kind: Kind, item: &Item) -> Result<(), String> {
        let cfg = self.cfg();
        for (k, v) in &item.fields {
            if let Some(ty) = schema::field_type(cfg, kind, k)
                && let Some(p) = schema::check(cfg, k, &ty, v)
                && p.severity == Severity::Error
            {
                return Err(p.message);
            }
        }
        Ok(())
    }

    fn fill(&mut self, i: usize, item: &Item) {
        let overwrite = self.opts.overwrite;
        let id_field = self.id_field;
        let t = &mut self.targets[i];
        if let Some(src) = &item.src {
            t.fill(id_field, Value::str(src), false);
        }
        for (k, v) in &item.fields {
            if matches!(v, Value::List(_)) {
                for x in v.items() {
                    t.list_add(k, &x.to_text());
                }
            } else if k == "created" {
                t.fill(k, v.clone(), false);
            } else {
                t.fill(k, v.clone(), overwrite);
            }
        }
        if let Some(n) = &item.notes {
            let known = t.notes.iter().any(|x| x == n)
                || t.existing.is_some_and(|r| r.notes.contains(n.as_str()));
            if !known && !n.is_empty() {
                t.notes.push(n.clone());
            }
        }
    }

    fn company(&mut self, item: &Item) {
        if let Err(why) = self.check(Kind::Company, item) {
            return self.invalid(item.at, why);
        }
        let domain = item
            .fields
            .iter()
            .find(|(k, _)| k == "domain")
            .map(|(_, v)| v.to_text());
        let find = domain
            .and_then(|d| self.existing_domain.get(&d).copied())
            .or_else(|| {
                self.existing_company_name
                    .get(&normalize::company_name(&item.name))
                    .copied()
            });
        let i = self.target(Kind::Company, item, find);
        self.fill(i, item);
    }

    fn person(&mut self, item: &Item) -> Option<usize> {
        if let Err(why) = self.check(Kind::Person, item) {
            self.invalid(item.at, why);
            return None;
        }
        let cfg = self.cfg();
        let lifecycle = match item.stage.as_deref() {
            None => None,
            Some(raw) => match stages::lifecycle(cfg, raw, self.opts.map) {
                Ok(s) => Some(s),
                Err(raw) => {
                    *self
                        .unmapped
                        .entry(("lifecycle stage", raw.clone()))
                        .or_default() += 1;
                    self.invalid(
                        item.at,
                        format!("lifecycle stage `{raw}` has no kith stage"),
                    );
                    return None;
                }
            },
        };
        let company = self.company_of(item, "contact");
        let find = item
            .fields
            .iter()
            .find(|(k, _)| k == "email")
            .and_then(|(_, e)| normalize::email(&e.to_text()))
            .and_then(|e| self.existing_email.get(&e).copied());
        let i = self.target(Kind::Person, item, find);
        let overwrite = self.opts.overwrite;
        if let Some(c) = company {
            let id = self.targets[c].id.clone();
            self.targets[i].fill("company", Value::str(&id), overwrite);
        }
        self.fill(i, item);
        if let Some(stage) = lifecycle {
            let t = &mut self.targets[i];
            t.fill(LIFECYCLE, Value::str(&stage), overwrite);
            if cfg.lifecycle.is_lead(&stage)
                && let Some(status) = item.status.as_deref().and_then(vocab::lead_status)
                && cfg.lead_statuses.contains(&status)
            {
                t.fill("lead_status", Value::str(&status), overwrite);
            }
        }
        Some(i)
    }

    /// The company a person or deal belongs to: the first link that resolves. A company
    /// named but not in the export (a Salesforce lead's `Company`) is found by name or
    /// created.
    fn company_of(&mut self, item: &Item, what: &str) -> Option<usize> {
        let mut missing = Vec::new();
        let mut found = None;
        for r in &item.company {
            match self.resolve(Kind::Company, r) {
                Ok(i) => {
                    found = Some(i);
                    break;
                }
                Err(why) => missing.push(why),
            }
        }
        // A name no record has (a Salesforce lead's `Company`) is a company to create; a
        // name several share is left unresolved rather than guessed.
        let unnamed = item.company.iter().find_map(|r| match r {
            Ref::Name(n)
                if !self
                    .by_name
                    .contains_key(&(Kind::Company, normalize::company_name(n))) =>
            {
                Some(n)
            }
            _ => None,
        });
        if found.is_none() {
            if let Some(n) = unnamed {
                let existing = self
                    .existing_company_name
                    .get(&normalize::company_name(n))
                    .copied();
                found = Some(match existing {
                    Some(r) => self.existing(r),
                    None => self.create(Kind::Company, n),
                });
            } else {
                for why in missing {
                    self.plan.unresolved.push(Problem {
                        at: item.at,
                        reason: format!("the company of {what} {} is {why}", item.name),
                    });
                }
            }
        }
        found
    }

    /// The target a link means. `Err` says why there is none.
    fn resolve(&self, kind: Kind, r: &Ref) -> Result<usize, String> {
        let noun = kind.noun();
        match r {
            Ref::Id(id) => self
                .by_src
                .get(&(kind, id.clone()))
                .copied()
                .ok_or_else(|| format!("{noun} {id}, which is not in the export")),
            Ref::Name(n) => match self.by_name.get(&(kind, Self::name_key(kind, n))) {
                Some(v) if v.len() == 1 => Ok(v[0]),
                Some(v) if v.len() > 1 => Err(format!("`{n}`, a name {} {noun}s share", v.len())),
                _ => self
                    .by_src
                    .get(&(kind, n.clone()))
                    .copied()
                    .ok_or_else(|| format!("{noun} `{n}`, which is not in the export")),
            },
        }
    }

    fn deal(&mut self, item: &Item, from_people: &[usize], roles: &[(At, &Ref)]) {
        if let Err(why) = self.check(Kind::Deal, item) {
            return self.invalid(item.at, why);
        }
        let cfg = self.cfg();
        let stage = match stages::deal(
            cfg,
            self.export.vendor,
            item.stage.as_deref(),
            item.status.as_deref(),
            self.opts.map,
        ) {
            Ok(s) => s,
            Err(raw) => {
                *self
                    .unmapped
                    .entry(("deal stage", raw.clone()))
                    .or_default() += 1;
                return self.invalid(item.at, format!("deal stage `{raw}` has no kith stage"));
            }
        };
        let company = self.company_of(item, "deal");
        let mut contacts: Vec<usize> = Vec::new();
        for r in item.links.iter().chain(roles.iter().map(|(_, r)| *r)) {
            match self.resolve(Kind::Person, r) {
                Ok(i) => contacts.push(i),
                Err(why) => self.plan.unresolved.push(Problem {
                    at: item.at,
                    reason: format!("a contact of deal {} is {why}", item.name),
                }),
            }
        }
        contacts.extend_from_slice(from_people);
        let i = self.target(Kind::Deal, item, None);
        let overwrite = self.opts.overwrite;
        if let Some(s) = stage {
            self.targets[i].fill("stage", Value::str(&s), overwrite);
        }
        if let Some(c) = company {
            let id = self.targets[c].id.clone();
            self.targets[i].fill("company", Value::str(&id), overwrite);
        }
        self.fill(i, item);
        for c in contacts {
            let id = self.targets[c].id.clone();
            self.targets[i].list_add("contacts", &id);
        }
    }

    fn entry(&mut self, e: &Entry) {
        let mut missing = Vec::new();
        let mut resolve_all = |p: &Self, kind: Kind, refs: &[Ref]| -> Vec<usize> {
            refs.iter()
                .filter_map(|r| match p.resolve(kind, r) {
                    Ok(i) => Some(i),
                    Err(why) => {
                        missing.push(why);
                        None
                    }
                })
                .collect()
        };
        let mut people = resolve_all(self, Kind::Person, &e.people);
        let mut deals = resolve_all(self, Kind::Deal, &e.deals);
        let mut companies = resolve_all(self, Kind::Company, &e.companies);
        for r in &e.any {
            let found = [Kind::Person, Kind::Deal, Kind::Company]
                .into_iter()
                .find_map(|k| self.resolve(k, r).ok().map(|i| (k, i)));
            match found {
                Some((Kind::Person, i)) => people.push(i),
                Some((Kind::Deal, i)) => deals.push(i),
                Some((_, i)) => companies.push(i),
                None => missing.push(format!("{r}, which is not in the export")),
            }
        }
        let what = if e.task == Some(false) {
            "task"
        } else {
            e.kind
        };
        let on: Vec<usize> = if !people.is_empty() {
            people
        } else if !deals.is_empty() {
            deals.clone()
        } else {
            companies
        };
        if on.is_empty() {
            let why = if missing.is_empty() {
                "it names no contact, company or deal".to_string()
            } else {
                format!("it belongs to {}", missing.join(" and "))
            };
            return self.invalid(e.at, format!("{what} has no record to go on: {why}"));
        }
        for why in missing {
            self.plan.unresolved.push(Problem {
                at: e.at,
                reason: format!("{what} links {why}"),
            });
        }
        let deal = deals
            .first()
            .map(|&d| Sym::new(&self.targets[d].id))
            .filter(|_| self.targets[on[0]].kind != Kind::Deal);
        let date = match (e.date, e.task) {
            (Some(d), _) => d,
            (None, Some(false)) => self.opts.today,
            (None, _) => return self.invalid(e.at, format!("{what} has no date")),
        };
        for i in on {
            let t = &mut self.targets[i];
            if e.task == Some(false) {
                let task = Task {
                    done: false,
                    due: date,
                    time: e.time,
                    kind: Sym::new(e.kind),
                    owner: None,
                    deal,
                    text: e.text.as_str().into(),
                    origin: Origin::Unknown,
                    done_on: None,
                    line: 0,
                };
                let known = t
                    .tasks
                    .iter()
                    .chain(t.existing.map_or(&[][..], |r| &r.tasks))
                    .any(|x| x.due == task.due && x.kind == task.kind && x.text == task.text);
                if known {
                    self.plan.known += 1;
                } else {
                    t.tasks.push(task);
                    self.plan.tasks += 1;
                }
            } else {
                let a = Activity {
                    date,
                    time: e.time,
                    kind: Sym::new(e.kind),
                    by: None,
                    deal,
                    text: e.text.as_str().into(),
                    line: 0,
                    kind_col: 0,
                };
                let known = t
                    .logs
                    .iter()
                    .chain(t.existing.map_or(&[][..], |r| &r.activities))
                    .any(|x| x.date == a.date && x.kind == a.kind && x.text == a.text);
                if known {
                    self.plan.known += 1;
                } else {
                    t.logs.push(a);
                    self.plan.logged += 1;
                }
            }
        }
    }

    /// The records to create and the changes to make.
    fn finish(mut self) -> Result<Plan> {
        let cfg = self.cfg();
        let today = self.opts.today;
        let mut plan = std::mem::take(&mut self.plan);
        let mut unmapped: Vec<(&'static str, String, usize)> = self
            .unmapped
            .into_iter()
            .map(|((what, raw), n)| (what, raw, n))
            .collect();
        unmapped.sort();
        plan.unmapped = unmapped;
        let mut targets = self.targets;
        // Companies, then people, then deals: what is referred to first.
        targets.sort_by_key(|t| slot(t.kind));
        let creates: Vec<Result<New>> = targets
            .par_iter_mut()
            .filter(|t| t.existing.is_none())
            .map(|t| {
                let mut text = create::record_text(cfg, t.kind, &t.name, &t.fields, today)?;
                let extra = body_changes(t);
                if !extra.is_empty() {
                    text = edit::apply(&text, &extra, |k| schema::field_type(cfg, t.kind, k))?;
                }
                Ok(New {
                    kind: t.kind,
                    id: t.id.clone(),
                    text,
                })
            })
            .collect();
        for c in creates {
            let c = c?;
            plan.counts[slot(c.kind)].created += 1;
            plan.creates.push(c);
        }
        for mut t in targets.into_iter().filter(|t| t.existing.is_some()) {
            let counts = &mut plan.counts[slot(t.kind)];
            if !t.changed() {
                counts.unchanged += 1;
                continue;
            }
            counts.updated += 1;
            let mut changes = std::mem::take(&mut t.changes);
            changes.extend(body_changes(&mut t));
            plan.updates.push(Update {
                kind: t.kind,
                id: t.id,
                changes,
            });
        }
        plan.invalid.sort_by_key(|p| (p.at.file, p.at.line));
        plan.skipped.sort_by_key(|p| (p.at.file, p.at.line));
        plan.unresolved.sort_by_key(|p| (p.at.file, p.at.line));
        Ok(plan)
    }
}

/// Notes, tasks and activity entries for a record's body, oldest entries first.
fn body_changes(t: &mut Target) -> Vec<Change> {
    let mut out: Vec<Change> = t.notes.drain(..).map(Change::AddNotes).collect();
    let mut tasks = std::mem::take(&mut t.tasks);
    tasks.sort_by_key(|x| x.due);
    out.extend(tasks.into_iter().map(Change::AddTask));
    let mut logs = std::mem::take(&mut t.logs);
    logs.sort_by_key(|a| (a.date, a.time));
    out.extend(logs.into_iter().map(Change::Log));
    out
}

impl Plan {
    /// Rows that stop the migration unless `--skip-invalid`.
    pub fn has_invalid(&self) -> bool {
        !self.invalid.is_empty()
    }
}

impl Export {
    /// `file:line` of a row, for messages.
    pub fn place(&self, at: At) -> String {
        format!(
            "{}:{}",
            self.files.get(at.file).map_or("?", |f| f.name.as_str()),
            at.line
        )
    }
}
