//! Companies and deals from a file: each row matched to a record (a company by id, domain, then
//! name; a deal by id, then name and company), empty fields filled (or, with `overwrite`,
//! those that differ), a deal's company found or created and its contacts found among the
//! people. Never a person: a row that is not a company or a deal is invalid.

use super::kinds;
use super::plan::Target;
use super::typed::{owner, split_list};
use super::vocab::{self, header_key};
use super::*;
use crate::edit::{self, Change};
use crate::index::Index;
use crate::plan::create;
use crate::record::activity::Activity;
use crate::record::config::Config;
use crate::record::normalize;
use crate::record::schema::{self, RESERVED};
use crate::record::value::Value;
use crate::record::{Kind, Record};
use anyhow::Result;
use rustc_hash::{FxHashMap, FxHashSet};

/// A row read into typed values.
#[derive(Debug, Default)]
struct Typed {
    name: String,
    id: Option<String>,
    /// A deal's company, as written (a name or an id).
    company: Option<String>,
    /// A deal's contacts, as written (ids, addresses or names).
    contacts: Vec<String>,
    tags: Vec<String>,
    notes: Vec<String>,
    fields: Vec<(String, Value)>,
    /// Values left out, and why.
    warnings: Vec<String>,
}

/// Plans the import of a companies or deals file. `stages` maps stage values the pipeline does
/// not know (`--map "Discovery=qualified-to-buy"`).
pub(super) fn plan(
    index: &Index,
    rows: &[Row],
    opts: &Options,
    kind: Kind,
    stages: &[(String, String)],
) -> Result<Plan> {
    let cfg = &index.config;
    let typed: Vec<Result<Typed, String>> = rows
        .par_iter()
        .map(|r| read_row(cfg, kind, r, stages))
        .collect();
    let mut p = Planner::new(index, opts, kind);
    let mut outcomes = Vec::with_capacity(rows.len());
    for (row, t) in rows.iter().zip(typed) {
        outcomes.push(match t {
            Ok(t) => p.row(row.line, t),
            Err(reason) => Outcome {
                line: row.line,
                action: Action::Invalid,
                id: None,
                reason: Some(reason),
                warnings: Vec::new(),
            },
        });
    }
    let mut plan = p.finish()?;
    plan.rows = outcomes;
    Ok(plan)
}

fn read_row(
    cfg: &Config,
    kind: Kind,
    row: &Row,
    stages: &[(String, String)],
) -> Result<Typed, String> {
    if let Some(e) = &row.error {
        return Err(e.clone());
    }
    let mut t = Typed::default();
    let (mut name, mut domain, mut website, mut pipeline, mut stage) =
        (None, None, None, None, None);
    for (key, raw) in &row.values {
        super::check_length(key, raw)?;
        let v = if key == "notes" {
            raw.trim().replace("\r\n", "\n")
        } else {
            raw.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        if v.is_empty() {
            continue;
        }
        let once = |slot: &mut Option<String>| {
            if slot.is_none() {
                *slot = Some(v.clone());
            }
        };
        match (kind, key.as_str()) {
            (_, "name") => once(&mut name),
            (_, "id") => once(&mut t.id),
            (_, "notes") => t.notes.push(v),
            (_, "tags") => {
                for tag in split_list(&v) {
                    if !t.tags.iter().any(|x| x.eq_ignore_ascii_case(tag)) {
                        t.tags.push(tag.to_string());
                    }
                }
            }
            (Kind::Company, "domain") => match normalize::domain(&v).filter(|d| d.contains('.')) {
                Some(d) => domain = domain.or(Some(d)),
                None => t.warnings.push(format!(
                    "`domain` should be a domain name like example.com, not `{v}`; left out"
                )),
            },
            (Kind::Company, "website") => once(&mut website),
            (Kind::Deal, "company") => once(&mut t.company),
            (Kind::Deal, "contacts") => {
                for c in split_list(&v) {
                    if !t.contacts.iter().any(|x| x == c) {
                        t.contacts.push(c.to_string());
                    }
                }
            }
            (Kind::Deal, "stage") => once(&mut stage),
            (Kind::Deal, "pipeline") => once(&mut pipeline),
            (_, k) if RESERVED.contains(&k) => {}
            (_, k) => {
                if t.fields.iter().any(|(f, _)| f == k) {
                    continue;
                }
                match value(cfg, kind, k, &v) {
                    Ok(Some(value)) => t.fields.push((k.to_string(), value)),
                    Ok(None) => {}
                    Err(w) => t.warnings.push(w),
                }
            }
        }
    }
    t.name = match name {
        Some(n) => n,
        None => {
            return Err(match kind {
                Kind::Deal => "no deal name (a deals file names each deal: `Deal Name`, `Opportunity Name` or `Name`)".into(),
                _ => "no company name (a companies file names each company: `Company name`, `Account Name` or `Name`)".into(),
            });
        }
    };
    if let Some(w) = website {
        if domain.is_none() {
            domain = normalize::domain(&w).filter(|d| d.contains('.'));
        }
        t.fields.push(("website".into(), Value::str(&w)));
    }
    if let Some(d) = domain {
        t.fields.insert(0, ("domain".into(), Value::str(&d)));
    }
    if kind == Kind::Deal {
        let chosen = match &pipeline {
            Some(p) => match cfg
                .pipelines
                .iter()
                .find(|x| header_key(&x.id) == header_key(p))
            {
                Some(x) => Some(x.id.clone()),
                // HubSpot's `Sales Pipeline` and `default` in a workspace of one pipeline.
                None if cfg.pipelines.len() == 1 => None,
                None => {
                    let ids: Vec<&str> = cfg.pipelines.iter().map(|x| x.id.as_str()).collect();
                    return Err(format!(
                        "unknown pipeline `{p}`; the pipelines are {}",
                        ids.join(", ")
                    ));
                }
            },
            None => None,
        };
        if let Some(s) = stage {
            let Some(p) = cfg.pipeline(chosen.as_deref()) else {
                return Err("the workspace has no deal pipeline".into());
            };
            let mapped = stages
                .iter()
                .find(|(from, _)| from.trim().eq_ignore_ascii_case(&s))
                .map(|(_, to)| to.trim().to_string());
            let id = match mapped {
                Some(to) => match p.stage(&to) {
                    Some(st) => st.id.clone(),
                    None => {
                        return Err(format!(
                            "--map maps stage `{s}` to `{to}`, which is not a stage of pipeline `{}` ({})",
                            p.id,
                            stage_list(p)
                        ));
                    }
                },
                None => match kinds::deal_stage(p, &s) {
                    Some(id) => id,
                    None => {
                        return Err(format!(
                            "unknown deal stage `{s}` (the stages of `{}` are {}); map it with --map \"{s}=STAGE\"",
                            p.id,
                            stage_list(p)
                        ));
                    }
                },
            };
            t.fields.push(("stage".into(), Value::str(&id)));
        }
        if let Some(p) = chosen {
            t.fields.push(("pipeline".into(), Value::str(&p)));
        }
    }
    Ok(t)
}

fn stage_list(p: &crate::record::config::Pipeline) -> String {
    p.stages
        .iter()
        .map(|s| s.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A number as kith writes it: whole numbers without a fraction.
fn number(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9e15 {
        Value::Int(f as i64)
    } else {
        Value::Float(f)
    }
}

/// A typed value for a field of a company or a deal, in kith's words. `Err` says why a value
/// kith check would refuse is left out.
fn value(cfg: &Config, kind: Kind, key: &str, v: &str) -> Result<Option<Value>, String> {
    let ty = schema::field_type(cfg, kind, key);
    let left_out = |what: &str| format!("`{key}` {what}, not `{v}`; left out");
    let value = match key {
        "size" if ty == Some(schema::FieldType::Integer) => match kinds::whole(v) {
            Some(n) => Value::Int(n),
            None => return Err(left_out("must be a whole number")),
        },
        "amount" | "probability" if ty == Some(schema::FieldType::Number) => {
            match kinds::amount(v) {
                Some(f) => number(f),
                None => return Err(left_out("must be a number")),
            }
        }
        "annual_revenue" if ty.is_none() => kinds::amount(v).map_or_else(|| Value::str(v), number),
        "close_date" | "created" => match vocab::date(v) {
            Some(d) => Value::str(&d),
            None => return Err(left_out("must be a date written YYYY-MM-DD")),
        },
        "country" => Value::str(normalize::country(v).unwrap_or(v)),
        "currency" => Value::str(&v.trim().to_uppercase()),
        "owner" => Value::str(&owner(cfg, v)),
        "source" => Value::str(&vocab::source(v)),
        _ => match schema::parse_input(cfg, ty.as_ref(), key, v) {
            Ok(value) => value,
            Err(e) => return Err(format!("{}; left out", e.inline())),
        },
    };
    Ok(Some(value))
}

struct Planner<'a> {
    index: &'a Index,
    opts: &'a Options<'a>,
    kind: Kind,
    targets: Vec<Target<'a>>,
    /// Target by record id.
    by_id: FxHashMap<String, usize>,
    /// Company id by normalized domain and by normalized name (on disk and new).
    company_by_domain: FxHashMap<String, String>,
    company_by_name: FxHashMap<String, String>,
    /// Deal id by normalized name and company id (on disk and new).
    deal_by_name: FxHashMap<(String, String), String>,
    /// People by id-like key: normalized address, normalized name (deals' contacts).
    person_by_email: FxHashMap<String, String>,
    person_by_name: FxHashMap<String, Vec<String>>,
    /// Companies a deals file creates: (id, name).
    new_companies: Vec<(String, String)>,
    /// Ids this import takes, as `dir/id`.
    taken: FxHashSet<String>,
}

fn deal_key(name: &str, company: Option<&str>) -> (String, String) {
    (header_key(name), company.unwrap_or_default().to_string())
}

impl<'a> Planner<'a> {
    fn new(index: &'a Index, opts: &'a Options<'a>, kind: Kind) -> Planner<'a> {
        let mut p = Planner {
            index,
            opts,
            kind,
            targets: Vec::new(),
            by_id: FxHashMap::default(),
            company_by_domain: FxHashMap::default(),
            company_by_name: FxHashMap::default(),
            deal_by_name: FxHashMap::default(),
            person_by_email: FxHashMap::default(),
            person_by_name: FxHashMap::default(),
            new_companies: Vec::new(),
            taken: FxHashSet::default(),
        };
        for c in index.of_kind(Kind::Company) {
            for key in ["domain", "website"] {
                if let Some(d) = c.text(key).and_then(normalize::domain) {
                    p.company_by_domain
                        .entry(d)
                        .or_insert_with(|| c.id.to_string());
                }
            }
            p.company_by_name
                .entry(normalize::company_name(c.name()))
                .or_insert_with(|| c.id.to_string());
        }
        if kind == Kind::Deal {
            for d in index.of_kind(Kind::Deal) {
                p.deal_by_name
                    .entry(deal_key(d.name(), d.text("company").map(str::trim)))
                    .or_insert_with(|| d.id.to_string());
            }
            for r in index.of_kind(Kind::Person) {
                for e in r.emails() {
                    if let Some(n) = normalize::email(&e) {
                        p.person_by_email
                            .entry(n)
                            .or_insert_with(|| r.id.to_string());
                    }
                }
                p.person_by_name
                    .entry(normalize::person_name(r.name()))
                    .or_default()
                    .push(r.id.to_string());
            }
        }
        p
    }

    fn cfg(&self) -> &'a Config {
        &self.index.config
    }

    fn row(&mut self, line: usize, mut t: Typed) -> Outcome {
        let company = match self.kind {
            Kind::Deal => t.company.clone().map(|c| self.deal_company(&c)),
            _ => None,
        };
        let (target, created) = match self.find(&t, company.as_deref()) {
            Some(i) => (i, false),
            None => (self.new_target(&t, company.as_deref()), true),
        };
        let before = self.targets[target].changes.len() + self.targets[target].notes.len();
        let warnings = self.merge(target, &mut t, company, created);
        let after = self.targets[target].changes.len() + self.targets[target].notes.len();
        let action = if created {
            Action::Created
        } else if after > before {
            Action::Updated
        } else {
            Action::Unchanged
        };
        Outcome {
            line,
            action,
            id: Some(self.targets[target].id.clone()),
            reason: None,
            warnings,
        }
    }

    /// The record a row is: by id, then (companies) by domain and name, (deals) by name and
    /// company.
    fn find(&mut self, t: &Typed, company: Option<&str>) -> Option<usize> {
        let kind = self.kind;
        if let Some(id) = &t.id {
            if let Some(&i) = self.by_id.get(id) {
                return Some(i);
            }
            if let Some(r) = self.index.get(kind, id) {
                return Some(self.existing_target(r));
            }
        }
        let id = match kind {
            Kind::Company => {
                let domain = t
                    .fields
                    .iter()
                    .find(|(k, _)| k == "domain")
                    .and_then(|(_, v)| normalize::domain(&v.to_text()));
                domain
                    .and_then(|d| self.company_by_domain.get(&d).cloned())
                    .or_else(|| {
                        self.company_by_name
                            .get(&normalize::company_name(&t.name))
                            .cloned()
                    })
            }
            _ => self.deal_by_name.get(&deal_key(&t.name, company)).cloned(),
        }?;
        if let Some(&i) = self.by_id.get(&id) {
            return Some(i);
        }
        let r = self.index.get(kind, &id)?;
        Some(self.existing_target(r))
    }

    fn existing_target(&mut self, r: &'a Record) -> usize {
        if let Some(&i) = self.by_id.get(r.id.as_str()) {
            return i;
        }
        let i = self.targets.len();
        self.targets.push(Target::of(r));
        self.by_id.insert(r.id.to_string(), i);
        i
    }

    fn id_taken(&self, kind: Kind, id: &str) -> bool {
        self.index.contains(kind, id) || self.taken.contains(&format!("{}/{id}", kind.dir()))
    }

    fn new_target(&mut self, t: &Typed, company: Option<&str>) -> usize {
        let kind = self.kind;
        let id = match &t.id {
            Some(id) if crate::record::parse::is_valid_id(id) && !self.id_taken(kind, id) => {
                id.clone()
            }
            _ => create::new_id(&t.name, |id| self.id_taken(kind, id)),
        };
        self.taken.insert(format!("{}/{id}", kind.dir()));
        let i = self.targets.len();
        self.targets.push(Target {
            existing: None,
            id: id.clone(),
            fields: vec![("name".into(), Value::str(&t.name))],
            changes: Vec::new(),
            changed: Vec::new(),
            notes: Vec::new(),
        });
        self.by_id.insert(id.clone(), i);
        match kind {
            Kind::Company => {
                if let Some((_, d)) = t.fields.iter().find(|(k, _)| k == "domain") {
                    self.company_by_domain.insert(d.to_text(), id.clone());
                }
                self.company_by_name
                    .insert(normalize::company_name(&t.name), id);
            }
            _ => {
                self.deal_by_name.insert(deal_key(&t.name, company), id);
            }
        }
        i
    }

    /// The id of a deal's company: found by name (or a kith id), else created.
    fn deal_company(&mut self, written: &str) -> String {
        if let Some(id) = self.company_by_name.get(&normalize::company_name(written)) {
            return id.clone();
        }
        if let Some(d) = normalize::domain(written).filter(|d| d.contains('.'))
            && let Some(id) = self.company_by_domain.get(&d)
        {
            return id.clone();
        }
        if self.index.contains(Kind::Company, written) {
            return written.to_string();
        }
        let id = create::new_id(written, |id| self.id_taken(Kind::Company, id));
        self.taken.insert(format!("companies/{id}"));
        self.company_by_name
            .insert(normalize::company_name(written), id.clone());
        self.new_companies.push((id.clone(), written.to_string()));
        id
    }

    /// A deal's contact: a person's id, address or name (when one person has it).
    fn contact(&self, written: &str) -> Option<String> {
        if self.index.contains(Kind::Person, written) {
            return Some(written.to_string());
        }
        if let Some(n) = normalize::email(written) {
            return self.person_by_email.get(&n).cloned();
        }
        match self.person_by_name.get(&normalize::person_name(written)) {
            Some(ids) if ids.len() == 1 => Some(ids[0].clone()),
            _ => None,
        }
    }

    /// Merges a row into a record; returns the row's warnings.
    fn merge(
        &mut self,
        i: usize,
        t: &mut Typed,
        company: Option<String>,
        created: bool,
    ) -> Vec<String> {
        let overwrite = self.opts.overwrite;
        let cfg = self.cfg();
        let kind = self.kind;
        let mut warnings = std::mem::take(&mut t.warnings);
        let contacts: Vec<(String, Option<String>)> = t
            .contacts
            .iter()
            .map(|c| (c.clone(), self.contact(c)))
            .collect();
        let target = &mut self.targets[i];
        if !created
            && target
                .get("name")
                .is_none_or(|n| overwrite && n.to_text() != t.name)
        {
            target.set("name", Value::str(&t.name));
        }
        if let Some(id) = company {
            let wanted = match target.get("company").map(Value::to_text) {
                None => true,
                Some(c) => overwrite && c.trim() != id,
            };
            if wanted {
                target.set("company", Value::str(&id));
            }
        }
        for (written, found) in contacts {
            match found {
                Some(id) => {
                    if !target.items("contacts").contains(&id) {
                        target.list_add("contacts", &id);
                    }
                }
                None => warnings.push(format!(
                    "contact `{written}` is no person of the workspace (by id, e-mail address or name); left out"
                )),
            }
        }
        for tag in &t.tags {
            if !target
                .items("tags")
                .iter()
                .any(|x| x.eq_ignore_ascii_case(tag))
            {
                target.list_add("tags", tag);
            }
        }
        for (k, v) in &t.fields {
            if schema::field_type(cfg, kind, k).is_some_and(|ty| ty.is_list()) {
                for item in v.items() {
                    let item = item.to_text();
                    if !target
                        .items(k)
                        .iter()
                        .any(|x| x.eq_ignore_ascii_case(&item))
                    {
                        target.list_add(k, &item);
                    }
                }
                continue;
            }
            match target.get(k) {
                None => {}
                Some(cur) if same(cur, v) => continue,
                Some(_) if overwrite => {}
                // `source: import` is what kith writes when it knows no better.
                Some(cur) if k == "source" && cur.to_text() == "import" => {}
                Some(_) => continue,
            }
            target.set(k, v.clone());
        }
        for note in std::mem::take(&mut t.notes) {
            let known = target.notes.iter().any(|n| n.contains(&note))
                || target.existing.is_some_and(|r| r.notes.contains(&note));
            if !known {
                target.notes.push(note);
                target.note_change("notes");
            }
        }
        warnings
    }

    /// The records to create and the changes to make, each with its log entry.
    fn finish(self) -> Result<Plan> {
        let cfg = self.cfg();
        let opts = self.opts;
        let kind = self.kind;
        let entry = |text: String| {
            Change::Log(Activity {
                date: opts.today,
                time: None,
                kind: "import".into(),
                by: opts.by.map(crate::util::intern::Sym::new),
                deal: None,
                text: text.into(),
                line: 0,
                kind_col: 0,
            })
        };
        let mut plan = Plan::of(kind);
        for (id, name) in &self.new_companies {
            plan.creates.push(New {
                kind: Kind::Company,
                id: id.clone(),
                text: create::record_text(cfg, Kind::Company, name, &[], opts.today)?,
            });
        }
        for t in self.targets {
            if t.existing.is_none() {
                let name = t.get("name").map(Value::to_text).unwrap_or_default();
                let text = create::record_text(cfg, kind, &name, &t.fields, opts.today)?;
                let mut extra: Vec<Change> = t.notes.into_iter().map(Change::AddNotes).collect();
                extra.push(entry(format!("imported from {}", opts.file)));
                let text = edit::apply(&text, &extra, |k| schema::field_type(cfg, kind, k))?;
                plan.creates.push(New {
                    kind,
                    id: t.id,
                    text,
                });
            } else if !t.changed.is_empty() {
                let mut changes = t.changes;
                changes.extend(t.notes.into_iter().map(Change::AddNotes));
                changes.push(entry(format!(
                    "updated from {}: {}",
                    opts.file,
                    t.changed.join(", ")
                )));
                plan.updates.push(Update {
                    kind,
                    id: t.id,
                    changes,
                });
            }
        }
        Ok(plan)
    }
}

/// Whether a value read from a file is the one a record has (`64000` and `64000.0`, `AT`).
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a.to_text().trim() == b.to_text().trim(),
    }
}
