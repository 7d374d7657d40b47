//! Importing people from other tools: CSV exports ([`csv`]) and vCards ([`vcard`]) become
//! [`Row`]s, and [`plan`] turns rows into the records to create and the changes to existing
//! ones. Pure: [`crate::store`] writes what the plan says.
//!
//! Never a silent duplicate: a row is the person with the same `id` (kith's own export), else
//! with one of its e-mail addresses once normalized ([`normalize::email`]), else — for a row
//! without an address — the person with the same name whose phone and company do not differ.
//! That person (or the one an earlier row created) is updated: only empty fields, unless
//! `overwrite`; list fields (`tags`, `emails`, `phones`) gain what they lack. Everything else is
//! a new person, linked to a company found by domain or by name, or created. A row that changes
//! nothing adds nothing, not even a log entry, so importing a file twice changes nothing.

pub mod csv;
pub mod text;
pub mod vcard;
pub mod vocab;

use crate::activity::Activity;
use crate::config::Config;
use crate::create;
use crate::duplicates::normalize::{self, Phone};
use crate::edit::{self, Change};
use crate::index::Index;
use crate::record::{Kind, Record};
use crate::schema::{self, FieldType, RESERVED};
use crate::value::Value;
use anyhow::Result;
use jiff::civil::Date;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// The longest value a field may have, in bytes (a runaway quote swallows the rest of a file).
pub const MAX_FIELD: usize = 64 * 1024;

/// One row (or card) of an import file.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based line of the file where the row starts.
    pub line: usize,
    /// `(field, value as written)` in column order; empty cells are left out. Fields are kith's,
    /// custom ones, or `first_name`, `middle_name`, `last_name`, `company_domain`, `notes`, `id`.
    pub values: Vec<(String, String)>,
    /// Why the row cannot be read at all (a ragged CSV row, a vCard without a name).
    pub error: Option<String>,
}

impl Row {
    pub fn new(line: usize) -> Row {
        Row {
            line,
            values: Vec::new(),
            error: None,
        }
    }
}

/// The rows of a file, and a note when its encoding was guessed.
#[derive(Debug)]
pub struct Input {
    pub rows: Vec<Row>,
    pub vcard: bool,
    pub note: Option<String>,
}

/// Reads an import file's bytes: vCards when it starts with `BEGIN:VCARD`, else CSV.
pub fn read(bytes: &[u8], map: &[(String, String)]) -> Result<Input> {
    let decoded = text::decode(bytes)?;
    let vcard = vcard::is_vcard(&decoded.text);
    let rows = if vcard {
        if !map.is_empty() {
            anyhow::bail!("--map applies to CSV files; this is a vCard file");
        }
        vcard::read(&decoded.text)?
    } else {
        csv::read(&decoded.text, map)?
    };
    Ok(Input {
        rows,
        vcard,
        note: decoded.note,
    })
}

/// How to import.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// Replace values that differ (default: fill only empty fields).
    pub overwrite: bool,
    pub today: Date,
    /// The teammate running the import, for the log entries.
    pub by: Option<&'a str>,
    /// The file's name, for the log entries.
    pub file: &'a str,
}

/// What happened to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Created,
    Updated,
    Unchanged,
    Invalid,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::Unchanged => "unchanged",
            Action::Invalid => "invalid",
        }
    }
}

/// One row's outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub line: usize,
    pub action: Action,
    /// The person's id (none for an invalid row).
    pub id: Option<String>,
    /// Why the row is invalid.
    pub reason: Option<String>,
}

/// A record to create.
#[derive(Debug, Clone)]
pub struct New {
    pub kind: Kind,
    pub id: String,
    pub text: String,
}

/// Changes to an existing person.
#[derive(Debug, Clone)]
pub struct Update {
    pub id: String,
    pub changes: Vec<Change>,
}

/// Everything an import would do.
#[derive(Debug, Default)]
pub struct Plan {
    /// Companies first, then people.
    pub creates: Vec<New>,
    pub updates: Vec<Update>,
    /// One per row, in file order.
    pub rows: Vec<Outcome>,
}

impl Plan {
    pub fn count(&self, action: Action) -> usize {
        self.rows.iter().filter(|r| r.action == action).count()
    }

    pub fn invalid(&self) -> impl Iterator<Item = &Outcome> {
        self.rows.iter().filter(|r| r.action == Action::Invalid)
    }

    pub fn companies_created(&self) -> usize {
        self.creates
            .iter()
            .filter(|n| n.kind == Kind::Company)
            .count()
    }
}

/// Likely duplicates an import brings: the pairs [`crate::duplicates::find`] finds once the
/// new records are in the workspace, where one of the two is new (a shared phone number, a
/// similar name at the same company).
pub fn duplicates(mut index: Index, plan: &Plan) -> Vec<crate::duplicates::Pair> {
    let parsed: Vec<crate::parse::Parsed> = plan
        .creates
        .par_iter()
        .map(|n| {
            let rel = format!("{}/{}.md", n.kind.dir(), n.id);
            crate::parse::parse(n.kind, &n.id, &rel, n.text.as_bytes(), &index.config)
        })
        .collect();
    for p in parsed {
        index.insert(p);
    }
    let new: FxHashSet<(Kind, &str)> = plan
        .creates
        .iter()
        .map(|n| (n.kind, n.id.as_str()))
        .collect();
    crate::duplicates::find(&index)
        .into_iter()
        .filter(|p| {
            new.contains(&(p.kind, p.keep.as_str())) || new.contains(&(p.kind, p.drop.as_str()))
        })
        .collect()
}

/// A row read into typed values.
#[derive(Debug, Default)]
struct Typed {
    name: String,
    /// The name is the row's own (not its e-mail address standing in for one).
    named: bool,
    /// (as written, normalized, from an `email` column rather than `emails`).
    emails: Vec<(String, String, bool)>,
    /// (as written, from a `phone` column rather than `phones`).
    phones: Vec<(String, bool)>,
    company: Option<String>,
    company_domain: Option<String>,
    id: Option<String>,
    notes: Vec<String>,
    tags: Vec<String>,
    /// The other fields, typed, first value of each.
    fields: Vec<(String, Value)>,
}

/// Fields that are always one line: names, addresses, numbers, references.
const IDENTIFYING: &[&str] = &[
    "name",
    "first_name",
    "middle_name",
    "last_name",
    "email",
    "emails",
    "phone",
    "phones",
    "company",
    "company_domain",
    "id",
    "tags",
    "lifecycle",
    "lead_status",
    "source",
    "owner",
    "country",
    "created",
];

/// Reads a row's values into typed ones, or says why it is invalid.
fn typed(cfg: &Config, row: &Row) -> Result<Typed, String> {
    if let Some(e) = &row.error {
        return Err(e.clone());
    }
    let mut t = Typed::default();
    let (mut first, mut middle, mut last) = (None, None, None);
    let mut name = None;
    let mut source = None;
    for (key, raw) in &row.values {
        if raw.len() > MAX_FIELD {
            return Err(format!(
                "`{key}` is {} bytes long; kith takes at most {} in a field",
                raw.len(),
                MAX_FIELD
            ));
        }
        // Text over several lines (notes, reasons) keeps its lines; the rest is one line.
        let v = if key == "notes" {
            raw.trim().replace("\r\n", "\n")
        } else if raw.trim().contains('\n') && !IDENTIFYING.contains(&key.as_str()) {
            raw.trim_start().replace("\r\n", "\n")
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
        match key.as_str() {
            "name" => once(&mut name),
            "first_name" => once(&mut first),
            "middle_name" => once(&mut middle),
            "last_name" => once(&mut last),
            "company" => once(&mut t.company),
            "company_domain" => once(&mut t.company_domain),
            "id" => once(&mut t.id),
            "notes" => t.notes.push(v),
            "email" | "emails" => {
                for e in split_list(&v) {
                    if !schema::is_valid_email(e) {
                        return Err(format!("`{key}` is not a valid e-mail address: `{e}`"));
                    }
                    let n = normalize::email(e).unwrap_or_else(|| e.to_lowercase());
                    if !t.emails.iter().any(|(_, m, _)| *m == n) {
                        t.emails.push((e.to_string(), n, key == "email"));
                    }
                }
            }
            "phone" | "phones" => {
                for p in v.split([';']).flat_map(|p| p.split(" ::: ")) {
                    let p = p.trim();
                    if !p.is_empty() && !t.phones.iter().any(|(q, _)| same_phone(q, p)) {
                        t.phones.push((p.to_string(), key == "phone"));
                    }
                }
            }
            "tags" => {
                for tag in split_list(&v) {
                    // Google's system labels: `* myContacts`, `* starred`.
                    if !tag.starts_with("* ") && !t.tags.iter().any(|x| x.eq_ignore_ascii_case(tag))
                    {
                        t.tags.push(tag.to_string());
                    }
                }
            }
            "source" => once(&mut source),
            k if RESERVED.contains(&k) => {}
            k => {
                if t.fields.iter().any(|(f, _)| f == k) {
                    continue;
                }
                if let Some(value) = field_value(cfg, k, &v)? {
                    t.fields.push((k.to_string(), value));
                }
            }
        }
    }
    if let Some(s) = source {
        t.fields
            .push(("source".into(), Value::str(&vocab::source(&s))));
    }
    t.name = name.unwrap_or_else(|| {
        [first, middle, last]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    });
    t.named = !t.name.is_empty();
    if t.name.is_empty() {
        match t.emails.first() {
            Some((written, _, _)) => t.name = written.clone(),
            None => return Err("no name and no e-mail address".into()),
        }
    }
    Ok(t)
}

/// Items of a list cell: separated by `;`, `,` or Google's ` ::: `.
fn split_list(v: &str) -> impl Iterator<Item = &str> {
    v.split(" ::: ")
        .flat_map(|p| p.split([';', ',']))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A typed value for a field other than the name, addresses, numbers, company and tags, in
/// kith's vocabulary. `None` for a value that says nothing kith keeps.
fn field_value(cfg: &Config, key: &str, v: &str) -> Result<Option<Value>, String> {
    let ty = schema::field_type(cfg, Kind::Person, key);
    let text = match key {
        "lifecycle" => vocab::lifecycle(v),
        "lead_status" => match vocab::lead_status(v) {
            Some(s) => s,
            None => return Ok(None),
        },
        "country" => vocab::country(v).unwrap_or_else(|| v.to_string()),
        "owner" => owner(cfg, v),
        "created" => match vocab::date(v) {
            Some(d) => d,
            // A date kith cannot read for sure (`3/5/2024`) is left out: created today.
            None => return Ok(None),
        },
        "do_not_contact" => {
            return match vocab::yes(v) {
                Some(b) => Ok(Some(Value::Bool(b)).filter(|_| b)),
                None => Err(format!("`{key}` must be true or false, not `{v}`")),
            };
        }
        _ => v.to_string(),
    };
    if text.contains('\n') && matches!(ty, None | Some(FieldType::Text)) {
        // Kept exactly, final line break included (`parse_input` trims).
        return Ok(Some(Value::str(&text)));
    }
    if ty == Some(FieldType::Map) {
        // kith's own export writes maps as YAML flow mappings: `{marketing: 2026-03-01}`.
        return serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&text)
            .map(|y| Some(Value::from_yaml(y)))
            .map_err(|e| format!("`{key}` is not a mapping: {e}"));
    }
    schema::parse_input(cfg, ty.as_ref(), key, &text)
        .map(Some)
        .map_err(|e| e.replace("\n  help: ", " ("))
        .map_err(|e| if e.contains(" (") { format!("{e})") } else { e })
}

/// A teammate's id from their id, name or e-mail address; anything else as written.
fn owner(cfg: &Config, v: &str) -> String {
    let lower = v.to_lowercase();
    cfg.teammates
        .iter()
        .find(|t| {
            t.id.eq_ignore_ascii_case(v)
                || t.name.eq_ignore_ascii_case(v)
                || t.emails.contains(&lower)
        })
        .map_or_else(|| v.to_string(), |t| t.id.clone())
}

fn same_phone(a: &str, b: &str) -> bool {
    match (Phone::parse(a), Phone::parse(b)) {
        (Some(x), Some(y)) => x.same(&y),
        _ => a.trim() == b.trim(),
    }
}

/// A person being created or updated, as the rows so far leave them.
#[derive(Debug)]
struct Target<'a> {
    /// The record on disk; `None` for a person this import creates.
    existing: Option<&'a Record>,
    id: String,
    /// Current values: the record's, with the rows' changes applied.
    fields: Vec<(String, Value)>,
    /// Changes to an existing record, in order.
    changes: Vec<Change>,
    /// Fields changed, for the log entry.
    changed: Vec<String>,
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

    fn set(&mut self, key: &str, value: Value) {
        match self.fields.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value.clone(),
            None => self.fields.push((key.to_string(), value.clone())),
        }
        self.changes.push(Change::Set(key.to_string(), value));
        self.note_change(key);
    }

    fn list_add(&mut self, key: &str, item: &str) {
        let item_value = Value::str(item);
        match self.fields.iter_mut().find(|(k, _)| k == key) {
            Some((_, Value::List(items))) => items.push(item_value),
            Some((_, v)) if v.is_null() => *v = Value::List(vec![item_value]),
            Some((_, v)) => *v = Value::List(vec![v.clone(), item_value]),
            None => self
                .fields
                .push((key.to_string(), Value::List(vec![item_value]))),
        }
        self.changes
            .push(Change::ListAdd(key.to_string(), item.to_string()));
        self.note_change(key);
    }

    fn note_change(&mut self, key: &str) {
        if !self.changed.iter().any(|c| c == key) {
            self.changed.push(key.to_string());
        }
    }

    fn items(&self, key: &str) -> Vec<String> {
        self.get(key)
            .map(|v| v.items().iter().map(Value::to_text).collect())
            .unwrap_or_default()
    }
}

/// A company this import links people to: on disk, or created by it.
#[derive(Debug)]
struct NewCompany {
    id: String,
    name: String,
    domain: Option<String>,
}

/// Plans an import. `index` is the workspace as it is.
pub fn plan(index: &Index, rows: &[Row], opts: &Options) -> Result<Plan> {
    let cfg = &index.config;
    let typed: Vec<Result<Typed, String>> = rows.par_iter().map(|r| typed(cfg, r)).collect();
    let mut p = Planner::new(index, opts);
    let mut outcomes = Vec::with_capacity(rows.len());
    for (row, t) in rows.iter().zip(typed) {
        outcomes.push(match t {
            Ok(t) => p.row(row.line, t),
            Err(reason) => Outcome {
                line: row.line,
                action: Action::Invalid,
                id: None,
                reason: Some(reason),
            },
        });
    }
    crate::output::trace("matched");
    let mut plan = p.finish()?;
    plan.rows = outcomes;
    Ok(plan)
}

struct Planner<'a> {
    index: &'a Index,
    opts: &'a Options<'a>,
    targets: Vec<Target<'a>>,
    /// Target by normalized address (existing people are found in `existing_email`).
    by_email: FxHashMap<String, usize>,
    /// Existing people by normalized address.
    existing_email: FxHashMap<String, &'a Record>,
    /// Target by person id.
    by_id: FxHashMap<String, usize>,
    /// People by normalized name (built on first use: only rows without an address need it).
    by_name: Option<FxHashMap<String, Vec<&'a Record>>>,
    /// New targets by normalized name.
    new_by_name: FxHashMap<String, Vec<usize>>,
    /// Company id by normalized domain and by normalized name.
    company_by_domain: FxHashMap<String, String>,
    company_by_name: FxHashMap<String, String>,
    companies: Vec<NewCompany>,
    /// Ids this import takes.
    taken: FxHashSet<String>,
}

impl<'a> Planner<'a> {
    fn new(index: &'a Index, opts: &'a Options<'a>) -> Planner<'a> {
        let mut existing_email = FxHashMap::default();
        let mut company_by_domain = FxHashMap::default();
        let mut company_by_name = FxHashMap::default();
        for r in index.of_kind(Kind::Person) {
            for e in r.emails() {
                if let Some(n) = normalize::email(&e) {
                    existing_email.entry(n).or_insert(r);
                }
            }
        }
        for c in index.of_kind(Kind::Company) {
            for key in ["domain", "website"] {
                if let Some(d) = c.text(key).and_then(normalize::domain) {
                    company_by_domain
                        .entry(d)
                        .or_insert_with(|| c.id.to_string());
                }
            }
            company_by_name
                .entry(normalize::company_name(c.name()))
                .or_insert_with(|| c.id.to_string());
        }
        Planner {
            index,
            opts,
            targets: Vec::new(),
            by_email: FxHashMap::default(),
            existing_email,
            by_id: FxHashMap::default(),
            by_name: None,
            new_by_name: FxHashMap::default(),
            company_by_domain,
            company_by_name,
            companies: Vec::new(),
            taken: FxHashSet::default(),
        }
    }

    fn cfg(&self) -> &'a Config {
        &self.index.config
    }

    fn row(&mut self, line: usize, t: Typed) -> Outcome {
        let found = self.find(&t);
        let (target, created) = match found {
            Some(i) => (i, false),
            None => (self.new_target(&t), true),
        };
        let before = self.targets[target].changes.len() + self.targets[target].notes.len();
        self.merge(target, t, created);
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
        }
    }

    /// The person a row is: by id, by address, or (without an address) by name.
    fn find(&mut self, t: &Typed) -> Option<usize> {
        if let Some(id) = &t.id {
            if let Some(&i) = self.by_id.get(id) {
                return Some(i);
            }
            if let Some(r) = self.index.get(Kind::Person, id) {
                return Some(self.existing_target(r));
            }
        }
        for (_, n, _) in &t.emails {
            if let Some(&i) = self.by_email.get(n) {
                return Some(i);
            }
            if let Some(r) = self.existing_email.get(n).copied() {
                return Some(self.existing_target(r));
            }
        }
        if !t.emails.is_empty() {
            return None;
        }
        let key = normalize::person_name(&t.name);
        let index = self.index;
        let by_name = self.by_name.get_or_insert_with(|| {
            let mut m: FxHashMap<String, Vec<&Record>> = FxHashMap::default();
            for r in index.of_kind(Kind::Person) {
                m.entry(normalize::person_name(r.name()))
                    .or_default()
                    .push(r);
            }
            m
        });
        let candidates: Vec<&Record> = by_name.get(&key).cloned().unwrap_or_default();
        for r in candidates {
            let i = self.existing_target(r);
            if self.compatible(i, t) {
                return Some(i);
            }
        }
        let new: Vec<usize> = self.new_by_name.get(&key).cloned().unwrap_or_default();
        new.into_iter().find(|&i| self.compatible(i, t))
    }

    /// Whether a row without an address can be this person: no phone or company that differs.
    fn compatible(&self, i: usize, t: &Typed) -> bool {
        let target = &self.targets[i];
        let phones: Vec<String> = [target.items("phone"), target.items("phones")].concat();
        let phone_ok = t.phones.is_empty()
            || phones.is_empty()
            || t.phones
                .iter()
                .any(|(p, _)| phones.iter().any(|q| same_phone(p, q)));
        let company_ok = match (&t.company, target.get("company")) {
            (Some(name), Some(id)) => {
                self.lookup_company(name, t).as_deref() == Some(&id.to_text())
            }
            _ => true,
        };
        phone_ok && company_ok
    }

    /// The target of an existing record (made on first use).
    fn existing_target(&mut self, r: &'a Record) -> usize {
        if let Some(&i) = self.by_id.get(r.id.as_str()) {
            return i;
        }
        let i = self.targets.len();
        self.targets.push(Target {
            existing: Some(r),
            id: r.id.to_string(),
            fields: r
                .fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            changes: Vec::new(),
            changed: Vec::new(),
            notes: Vec::new(),
        });
        self.by_id.insert(r.id.to_string(), i);
        for e in r.emails() {
            if let Some(n) = normalize::email(&e) {
                self.by_email.entry(n).or_insert(i);
            }
        }
        i
    }

    fn id_taken(&self, kind: Kind, id: &str) -> bool {
        self.index.contains(kind, id) || self.taken.contains(&format!("{}/{id}", kind.dir()))
    }

    fn new_target(&mut self, t: &Typed) -> usize {
        let id = match &t.id {
            Some(id) if crate::parse::is_valid_id(id) && !self.id_taken(Kind::Person, id) => {
                id.clone()
            }
            _ => create::new_id(&t.name, |id| self.id_taken(Kind::Person, id)),
        };
        self.taken.insert(format!("contacts/{id}"));
        let i = self.targets.len();
        self.targets.push(Target {
            existing: None,
            id: id.clone(),
            fields: vec![("name".into(), Value::str(&t.name))],
            changes: Vec::new(),
            changed: Vec::new(),
            notes: Vec::new(),
        });
        self.by_id.insert(id, i);
        self.new_by_name
            .entry(normalize::person_name(&t.name))
            .or_default()
            .push(i);
        i
    }

    /// Merges a row into a person: fills empty fields (or, with `overwrite`, replaces those
    /// that differ) and adds what list fields lack.
    fn merge(&mut self, i: usize, t: Typed, created: bool) {
        let overwrite = self.opts.overwrite;
        let cfg = self.cfg();
        for (written, n, primary) in &t.emails {
            self.by_email.entry(n.clone()).or_insert(i);
            let target = &mut self.targets[i];
            let has = [target.items("email"), target.items("emails")]
                .concat()
                .iter()
                .any(|e| normalize::email(e).as_deref() == Some(n.as_str()));
            if has {
                continue;
            }
            if *primary && target.get("email").is_none() {
                target.set("email", Value::str(written));
            } else {
                target.list_add("emails", written);
            }
        }
        {
            let target = &mut self.targets[i];
            for (p, primary) in &t.phones {
                let all = [target.items("phone"), target.items("phones")].concat();
                if all.iter().any(|q| same_phone(p, q)) {
                    continue;
                }
                if *primary && target.get("phone").is_none() {
                    target.set("phone", Value::str(p));
                } else {
                    target.list_add("phones", p);
                }
            }
            if !created
                && t.named
                && target
                    .get("name")
                    .is_none_or(|n| overwrite && n.to_text() != t.name)
            {
                target.set("name", Value::str(&t.name));
            }
        }
        if let Some(name) = &t.company {
            let current = self.targets[i].get("company").map(Value::to_text);
            let found = self.lookup_company(name, &t);
            let wanted = match (&current, &found) {
                (None, _) => true,
                (Some(c), Some(f)) => overwrite && c != f,
                (Some(_), None) => overwrite,
            };
            if wanted {
                let id = match found {
                    Some(id) => id,
                    None => self.create_company(name, &t),
                };
                self.targets[i].set("company", Value::str(&id));
            }
        }
        let target = &mut self.targets[i];
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
            let is_list = schema::field_type(cfg, Kind::Person, k).is_some_and(|ty| ty.is_list());
            if is_list {
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
                Some(cur) if overwrite && cur.to_text() != v.to_text() => {}
                Some(_) => continue,
            }
            if k == "lifecycle"
                && let Some(r) = target.existing
            {
                let stamp = crate::lifecycle::Stamp {
                    today: self.opts.today,
                    by: self.opts.by,
                };
                let to = v.to_text();
                for c in crate::lifecycle::stage_changes(cfg, r, &to, None, &stamp, None) {
                    match c {
                        Change::Set(key, value) => target.set(&key, value),
                        other => target.changes.push(other),
                    }
                }
                continue;
            }
            target.set(k, v.clone());
        }
        // A lead status makes a new person a lead (Salesforce's lead exports have no stage).
        if created && target.get("lifecycle").is_none() && target.get("lead_status").is_some() {
            let first = cfg
                .lifecycle
                .lead_stages
                .first()
                .map_or("lead", String::as_str);
            target.set("lifecycle", Value::str(first));
        }
        if created && target.get("source").is_none() {
            target.set("source", Value::str("import"));
        }
        for note in t.notes {
            let known = target.notes.iter().any(|n| n.contains(&note))
                || target.existing.is_some_and(|r| r.notes.contains(&note));
            if !known {
                target.notes.push(note);
                target.note_change("notes");
            }
        }
    }

    /// The company a row names, found by the row's domain, by name, or by its e-mail domain.
    fn lookup_company(&self, name: &str, t: &Typed) -> Option<String> {
        if let Some(d) = t.company_domain.as_deref().and_then(normalize::domain)
            && let Some(id) = self.company_by_domain.get(&d)
        {
            return Some(id.clone());
        }
        if let Some(id) = self.company_by_name.get(&normalize::company_name(name)) {
            return Some(id.clone());
        }
        let d = self.email_domain(t)?;
        self.company_by_domain.get(&d).cloned()
    }

    /// The row's primary address's domain, unless free mail or the workspace's own.
    fn email_domain(&self, t: &Typed) -> Option<String> {
        let (written, _, _) = t.emails.first()?;
        let domain = normalize::domain(written.rsplit_once('@')?.1)?;
        (!schema::is_free_mail(&domain) && !self.cfg().is_internal_email(written)).then_some(domain)
    }

    fn create_company(&mut self, name: &str, t: &Typed) -> String {
        let domain = t
            .company_domain
            .as_deref()
            .and_then(normalize::domain)
            .or_else(|| self.email_domain(t))
            .filter(|d| !self.company_by_domain.contains_key(d));
        let id = create::new_id(name, |id| self.id_taken(Kind::Company, id));
        self.taken.insert(format!("companies/{id}"));
        if let Some(d) = &domain {
            self.company_by_domain.insert(d.clone(), id.clone());
        }
        self.company_by_name
            .insert(normalize::company_name(name), id.clone());
        self.companies.push(NewCompany {
            id: id.clone(),
            name: name.to_string(),
            domain,
        });
        id
    }

    /// The records to create and the changes to make, each with its log entry.
    fn finish(self) -> Result<Plan> {
        let cfg = self.cfg();
        let opts = self.opts;
        let entry = |text: String| {
            Change::Log(Activity {
                date: opts.today,
                time: None,
                kind: "import".into(),
                by: opts.by.map(crate::intern::Sym::new),
                deal: None,
                text: text.into(),
                line: 0,
                kind_col: 0,
            })
        };
        let mut plan = Plan::default();
        for c in &self.companies {
            let fields: Vec<(String, Value)> = c
                .domain
                .iter()
                .map(|d| ("domain".to_string(), Value::str(d)))
                .collect();
            plan.creates.push(New {
                kind: Kind::Company,
                id: c.id.clone(),
                text: create::record_text(cfg, Kind::Company, &c.name, &fields, opts.today)?,
            });
        }
        let people: Vec<Result<Option<New>>> = self
            .targets
            .par_iter()
            .filter(|t| t.existing.is_none())
            .map(|t| {
                let name = t.get("name").map(Value::to_text).unwrap_or_default();
                let mut text =
                    create::record_text(cfg, Kind::Person, &name, &t.fields, opts.today)?;
                let mut extra: Vec<Change> = t
                    .notes
                    .iter()
                    .map(|n| Change::AddNotes(n.clone()))
                    .collect();
                extra.push(entry(format!("imported from {}", opts.file)));
                text = edit::apply(&text, &extra, |k| schema::field_type(cfg, Kind::Person, k))?;
                Ok(Some(New {
                    kind: Kind::Person,
                    id: t.id.clone(),
                    text,
                }))
            })
            .collect();
        for p in people {
            plan.creates.extend(p?);
        }
        for t in self.targets.into_iter().filter(|t| t.existing.is_some()) {
            if t.changed.is_empty() {
                continue;
            }
            let mut changes = t.changes;
            changes.extend(t.notes.into_iter().map(Change::AddNotes));
            changes.push(entry(format!(
                "updated from {}: {}",
                opts.file,
                t.changed.join(", ")
            )));
            plan.updates.push(Update { id: t.id, changes });
        }
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Date = Date::constant(2026, 11, 25);

    fn opts(overwrite: bool) -> Options<'static> {
        Options {
            overwrite,
            today: TODAY,
            by: None,
            file: "people.csv",
        }
    }

    fn rows(csv_text: &str) -> Vec<Row> {
        csv::read(csv_text, &[]).unwrap()
    }

    fn index(records: &[(Kind, &str, &str)]) -> Index {
        Index::from_texts(Config::default(), records.iter().copied())
    }

    #[test]
    fn creates_people_and_companies() {
        let idx = index(&[(
            Kind::Company,
            "acme",
            "---\nname: Acme Ltd\ndomain: acme.example\n---\n",
        )]);
        let plan = plan(
            &idx,
            &rows("First Name,Last Name,Email,Company,Lifecycle Stage\nAda,Lovelace,ada@acme.example,ACME Limited,Marketing Qualified Lead\nBob,Smith,bob@new.example,New Co,\n"),
            &opts(false),
        )
        .unwrap();
        assert_eq!(plan.count(Action::Created), 2);
        assert_eq!(plan.companies_created(), 1);
        let ada = plan
            .creates
            .iter()
            .find(|n| n.id == "ada-lovelace")
            .unwrap();
        assert_eq!(
            ada.text,
            "---\nname: Ada Lovelace\nemail: ada@acme.example\ncompany: acme\nlifecycle: mql\nlead_status: new\nsource: import\ncreated: 2026-11-25\n---\n## Activity\n- 2026-11-25 import: imported from people.csv\n"
        );
        let new_co = plan.creates.iter().find(|n| n.id == "new-co").unwrap();
        assert!(
            new_co.text.contains("domain: new.example\n"),
            "{}",
            new_co.text
        );
    }

    #[test]
    fn matches_by_normalized_email_and_fills_only_empty_fields() {
        let idx = index(&[(
            Kind::Person,
            "ada",
            "---\nname: Ada Lovelace\nemail: a.da@gmail.com\ntitle: CTO\n---\n",
        )]);
        let csv_text =
            "Name,Email,Job Title,Phone\nAda L,ADA+news@gmail.com,CEO,+44 20 7946 0000\n";
        let p = plan(&idx, &rows(csv_text), &opts(false)).unwrap();
        assert_eq!(p.count(Action::Updated), 1);
        assert!(p.creates.is_empty());
        let changes = &p.updates[0].changes;
        assert_eq!(
            changes[0],
            Change::Set("phone".into(), Value::str("+44 20 7946 0000"))
        );
        assert_eq!(changes.len(), 2, "{changes:?}");
        let p = plan(&idx, &rows(csv_text), &opts(true)).unwrap();
        let sets: Vec<String> = p.updates[0].changes.iter().map(Change::describe).collect();
        assert_eq!(
            sets,
            [
                "phone = +44 20 7946 0000",
                "name = Ada L",
                "title = CEO",
                "logged import on 2026-11-25"
            ]
        );
    }

    #[test]
    fn rows_of_one_person_merge_and_invalid_rows_are_listed() {
        let idx = index(&[]);
        let p = plan(
            &idx,
            &rows("Name,Email,Phone\nAda,ada@x.example,\nAda Lovelace,Ada@X.example,+44 20 7946 0000\n,,\nBob,bob@,\n,,+1 555 0100\n"),
            &opts(false),
        )
        .unwrap();
        let actions: Vec<&str> = p.rows.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(actions, ["created", "updated", "invalid", "invalid"]);
        assert!(p.creates[0].text.contains("phone: \"+44 20 7946 0000\""));
        let reasons: Vec<String> = p
            .invalid()
            .map(|r| format!("{}: {}", r.line, r.reason.as_deref().unwrap()))
            .collect();
        assert_eq!(
            reasons,
            [
                "5: `email` is not a valid e-mail address: `bob@`",
                "6: no name and no e-mail address"
            ]
        );
    }

    #[test]
    fn rows_without_an_address_match_by_name() {
        let idx = index(&[(
            Kind::Person,
            "jon",
            "---\nname: Jon Smith\nphone: \"+44 20 7946 0000\"\n---\n",
        )]);
        let p = plan(
            &idx,
            &rows("Name,Phone\nJon Smith,020 7946 0000\nJon Smith,+1 617 555 0126\n"),
            &opts(false),
        )
        .unwrap();
        let actions: Vec<&str> = p.rows.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(actions, ["unchanged", "created"]);
    }
}
