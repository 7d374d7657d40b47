//! Rows to a plan: each row matched to an existing person (or an earlier row), companies
//! found or created, and the records to create and the changes to make.

use super::typed::{Typed, read_row, same_phone};
use super::*;
use crate::edit::{self, Change};
use crate::index::Index;
use crate::plan::create;
use crate::record::LIFECYCLE;
use crate::record::activity::Activity;
use crate::record::config::Config;
use crate::record::normalize::{self};
use crate::record::schema::{self};
use crate::record::value::Value;
use crate::record::{Kind, Record};
use anyhow::Result;
use rustc_hash::{FxHashMap, FxHashSet};

/// A person being created or updated, as the rows so far leave them.
#[derive(Debug)]
pub(super) struct Target<'a> {
    /// The record on disk; `None` for a person this import creates.
    pub(super) existing: Option<&'a Record>,
    pub(super) id: String,
    /// Current values: the record's, with the rows' changes applied.
    pub(super) fields: Vec<(String, Value)>,
    /// Changes to an existing record, in order.
    pub(super) changes: Vec<Change>,
    /// Fields changed, for the log entry.
    pub(super) changed: Vec<String>,
    pub(super) notes: Vec<String>,
}

impl<'a> Target<'a> {
    /// A record on disk, before any row changes it.
    pub(super) fn of(r: &'a Record) -> Target<'a> {
        Target {
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
        }
    }

    pub(super) fn get(&self, key: &str) -> Option<&Value> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .filter(|v| !v.is_null() && !v.to_text().trim().is_empty())
    }

    pub(super) fn set(&mut self, key: &str, value: Value) {
        match self.fields.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value.clone(),
            None => self.fields.push((key.to_string(), value.clone())),
        }
        self.changes.push(Change::Set(key.to_string(), value));
        self.note_change(key);
    }

    pub(super) fn list_add(&mut self, key: &str, item: &str) {
        let item_value = Value::str(item);
        match self.fields.iter_mut().find(|(k, _)| k == key) {
            Some((_, Value::List(items))) => {
                let mut list = std::mem::take(items).into_vec();
                list.push(item_value);
                *items = list.into();
            }
            Some((_, v)) if v.is_null() => *v = Value::List(vec![item_value].into()),
            Some((_, v)) => *v = Value::List(vec![v.clone(), item_value].into()),
            None => self
                .fields
                .push((key.to_string(), Value::List(vec![item_value].into()))),
        }
        self.changes
            .push(Change::ListAdd(key.to_string(), item.to_string()));
        self.note_change(key);
    }

    pub(super) fn note_change(&mut self, key: &str) {
        if !self.changed.iter().any(|c| c == key) {
            self.changed.push(key.to_string());
        }
    }

    pub(super) fn items(&self, key: &str) -> Vec<String> {
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
    let typed: Vec<Result<Typed, String>> = rows.par_iter().map(|r| read_row(cfg, r)).collect();
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
                warnings: Vec::new(),
            },
        });
    }
    crate::util::output::trace("matched");
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
            warnings: Vec::new(),
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
        self.targets.push(Target::of(r));
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
            Some(id)
                if crate::record::parse::is_valid_id(id) && !self.id_taken(Kind::Person, id) =>
            {
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
                // `source: import` is what kith writes when it knows no better.
                Some(cur)
                    if k == "source" && cur.to_text() == "import" && v.to_text() != "import" => {}
                Some(_) => continue,
            }
            if k == LIFECYCLE
                && let Some(r) = target.existing
            {
                let stamp = crate::plan::lifecycle::Attribution {
                    today: self.opts.today,
                    by: self.opts.by,
                };
                let to = v.to_text();
                for c in crate::plan::lifecycle::stage_changes(cfg, r, &to, None, &stamp, None) {
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
        if created && target.get(LIFECYCLE).is_none() && target.get("lead_status").is_some() {
            let first = cfg
                .lifecycle
                .lead_stages
                .first()
                .map_or("lead", String::as_str);
            target.set(LIFECYCLE, Value::str(first));
        }
        // Not for kith's own export (rows with an `id`), whose empty source stays empty.
        if created && target.get("source").is_none() && t.id.is_none() {
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
                by: opts.by.map(crate::util::intern::Sym::new),
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
            plan.updates.push(Update {
                kind: Kind::Person,
                id: t.id,
                changes,
            });
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
