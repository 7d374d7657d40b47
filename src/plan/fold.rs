//! Folding a duplicate into the record that stays (`kith merge KEEP DROP`): the plan, as
//! changes for the loss-free editor. Pure: reads the index and DROP's text, writes nothing.
//!
//! - A field KEEP lacks takes DROP's value. A field both have keeps KEEP's, and DROP's other
//!   value is listed in a note in KEEP's body ("Merged from DROP (name) on DATE. Its other
//!   values: ..."), so nothing is lost. A field that only means something with another
//!   (`lead_status` with `lifecycle`, `lost_reason` with a deal's `stage`) follows it: it is
//!   copied only where the two records agree on that field.
//! - Lists (`tags`, a deal's `contacts`, custom lists) are united. A person's other e-mail
//!   address joins `emails`, another phone number `phones`.
//! - DROP's activity entries join KEEP's log in date order, entries KEEP already has left out;
//!   entries kith cannot read are quoted in the note, and DROP's notes follow it.
//! - Every reference to DROP is pointed at KEEP: a deal's `contacts`, a person's or a deal's
//!   `company`, and, when deals merge, `#deal` mentions in activity logs.
//!
//! The three-way merge in [`super::record`] is not used: with no common ancestor it would quote
//! DROP's notes as "their version" and re-sort KEEP's log, where the editor's date-ordered
//! insert never moves a line of KEEP's.

use crate::edit::Change;
use crate::index::Index;
use crate::record::LIFECYCLE;
use crate::record::activity::Activity;
use crate::record::body;
use crate::record::frontmatter;
use crate::record::normalize::Phone;
use crate::record::schema;
use crate::record::value::Value;
use crate::record::{Kind, Record};
use anyhow::{Result, bail};
use compact_str::CompactString;
use jiff::civil::Date;

/// One record's planned changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub kind: Kind,
    pub id: CompactString,
    pub changes: Vec<Change>,
    /// What changes, in a few words each (`tags +vip`, `contacts: bob → ada`).
    pub summary: Vec<String>,
}

impl Edit {
    /// Workspace-relative path of the record.
    pub fn path(&self) -> String {
        crate::record::layout::rel(self.kind, &self.id)
    }
}

/// Everything merging one record into another changes, except removing DROP's file.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// KEEP's edit first, then one for each record that refers to DROP.
    pub edits: Vec<Edit>,
    /// What the person merging should know: a value of DROP's that KEEP's overrode and that
    /// they may want instead (a later lifecycle stage).
    pub notes: Vec<String>,
}

/// Plans merging `drop` into `keep`. `drop_text` is DROP's file (for activity entries kith
/// could not read); `today` dates the note.
pub fn plan(
    index: &Index,
    keep: &Record,
    drop: &Record,
    drop_text: &str,
    today: Date,
) -> Result<Plan> {
    let (kp, dp) = (keep.path(), drop.path());
    if keep.kind != drop.kind {
        bail!(
            "{dp} is a {}, {kp} a {}: only records of one kind merge (two contacts, two companies or two deals)",
            drop.kind,
            keep.kind
        );
    }
    if keep.id == drop.id {
        bail!("{kp} cannot be merged into itself: give two different records");
    }
    for r in [keep, drop] {
        if r.broken {
            bail!(
                "{} cannot be read (`kith check` shows why); fix it first",
                r.path()
            );
        }
    }
    if drop.get("conflicts").is_some() {
        bail!(
            "{dp} has unresolved conflicts; resolve them first (`kith conflicts` lists them, `kith resolve` ends them)"
        );
    }
    let mut fields = Fields::new(index, keep, drop);
    fields.plan();
    let mut keep_edit = Edit {
        kind: keep.kind,
        id: keep.id.clone(),
        changes: std::mem::take(&mut fields.changes),
        summary: std::mem::take(&mut fields.summary),
    };

    let (entries, unread) = drop_entries(keep, drop, drop_text);
    let note = note(drop, today, &fields.other_values, &unread)?;
    keep_edit.changes.push(Change::AddNotes(note));
    keep_edit.summary.push(match fields.other_values.len() {
        0 => "a note of the merge".to_string(),
        n => format!(
            "a note of the merge with {n} other value{}",
            if n == 1 { "" } else { "s" }
        ),
    });
    if !entries.is_empty() {
        keep_edit.summary.push(match entries.len() {
            1 => "1 activity".to_string(),
            n => format!("{n} activities"),
        });
        keep_edit
            .changes
            .extend(entries.into_iter().map(Change::Log));
    }

    let mut edits = vec![keep_edit];
    let mut others: Vec<(Kind, &str)> = Vec::new();
    for (_, r) in index.entries() {
        let is = |x: &Record| r.kind == x.kind && r.id == x.id;
        if !is(drop)
            && index.parsed(r.kind, &r.id).is_some_and(|p| {
                p.refs
                    .iter()
                    .any(|x| x.kind == drop.kind && x.id == drop.id)
                    || p.mentions
                        .iter()
                        .any(|m| m.id == drop.id && m.kind.is_none_or(|k| k == drop.kind))
            })
        {
            others.push((r.kind, r.id.as_str()));
        }
    }
    others.sort_unstable();
    for (kind, id) in others {
        let (changes, summary) = repoint(index, kind, id, drop, keep);
        if kind == keep.kind && id == keep.id {
            edits[0].changes.extend(changes);
            edits[0].summary.extend(summary);
        } else {
            edits.push(Edit {
                kind,
                id: id.into(),
                changes,
                summary,
            });
        }
    }
    Ok(Plan {
        edits,
        notes: fields.notes,
    })
}

/// The field-by-field part of the plan.
struct Fields<'a> {
    index: &'a Index,
    keep: &'a Record,
    drop: &'a Record,
    changes: Vec<Change>,
    summary: Vec<String>,
    /// DROP's values KEEP has otherwise, as `key: value` lines for the note.
    other_values: Vec<String>,
    notes: Vec<String>,
    /// KEEP's addresses, lowercased, as the plan adds to them.
    emails: Vec<String>,
    phones: Vec<Phone>,
}

impl<'a> Fields<'a> {
    fn new(index: &'a Index, keep: &'a Record, drop: &'a Record) -> Fields<'a> {
        Fields {
            index,
            keep,
            drop,
            changes: Vec::new(),
            summary: Vec::new(),
            other_values: Vec::new(),
            notes: Vec::new(),
            emails: keep.emails(),
            phones: keep
                .list("phone")
                .chain(keep.list("phones"))
                .filter_map(|p| Phone::parse(&p))
                .collect(),
        }
    }

    fn plan(&mut self) {
        for (key, value) in &self.drop.fields {
            let key = key.as_str();
            if value.is_null() || key == "conflicts" {
                continue;
            }
            match (self.keep.kind, key) {
                (Kind::Person, "email" | "emails") => {
                    for e in value.items() {
                        self.email(key, &e.to_text());
                    }
                }
                (Kind::Person, "phone" | "phones") => {
                    for p in value.items() {
                        self.phone(key, p);
                    }
                }
                _ => self.field(key, value),
            }
        }
        self.lifecycle_note();
    }

    fn set(&mut self, key: &str, value: &Value) {
        self.summary.push(format!("{key} = {value}"));
        self.changes
            .push(Change::Set(key.to_string(), value.clone()));
    }

    fn add(&mut self, key: &str, item: &str) {
        self.summary.push(format!("{key} +{item}"));
        self.changes
            .push(Change::ListAdd(key.to_string(), item.to_string()));
    }

    /// One of DROP's addresses: KEEP's `email` when it has none, else one of its `emails`.
    fn email(&mut self, key: &str, address: &str) {
        let address = address.trim();
        let lower = address.to_lowercase();
        if address.is_empty() || self.emails.contains(&lower) {
            return;
        }
        if key == "email" && self.keep.get("email").is_none() {
            self.set("email", &Value::str(address));
        } else {
            self.add("emails", address);
        }
        self.emails.push(lower);
    }

    /// One of DROP's numbers: KEEP's `phone` when it has none, else one of its `phones`
    /// (unless KEEP has it already, however written).
    fn phone(&mut self, key: &str, value: &Value) {
        let written = value.to_text();
        let parsed = Phone::parse(&written);
        let known = match parsed {
            Some(p) => self.phones.iter().any(|q| q.same(&p)),
            None => self
                .keep
                .list("phone")
                .chain(self.keep.list("phones"))
                .any(|q| q.trim() == written.trim()),
        };
        if known || written.trim().is_empty() {
            return;
        }
        if key == "phone" && self.keep.get("phone").is_none() {
            self.set("phone", value);
        } else {
            self.add("phones", &written);
        }
        self.phones.extend(parsed);
    }

    /// Any other field: taken when KEEP lacks it (and agrees on what it depends on), united
    /// when a list, else noted when different.
    fn field(&mut self, key: &str, value: &Value) {
        let cfg = &self.index.config;
        let kind = self.keep.kind;
        match self.keep.get(key) {
            None if self.takes(key) => self.set(key, value),
            None => self.other_value(key, value),
            Some(mine) if mine == value => {}
            Some(mine) => {
                let list = schema::field_type(cfg, kind, key).is_some_and(|t| t.is_list())
                    || matches!((mine, value), (Value::List(_), Value::List(_)));
                if !list {
                    return self.other_value(key, value);
                }
                for item in value.items() {
                    let text = item.to_text();
                    if matches!(item, Value::List(_) | Value::Map(_)) {
                        self.other_value(key, item);
                    } else if !mine
                        .items()
                        .iter()
                        .any(|m| m.to_text().eq_ignore_ascii_case(&text))
                    {
                        self.add(key, &text);
                    }
                }
            }
        }
    }

    fn other_value(&mut self, key: &str, value: &Value) {
        let text = value.to_text().replace('\n', "\n  ");
        self.other_values.push(format!("{key}: {text}"));
    }

    /// Whether KEEP takes DROP's value of a field it lacks: unless the field depends on one
    /// KEEP has otherwise.
    fn takes(&self, key: &str) -> bool {
        let Some(on) = depends_on(self.keep.kind, key) else {
            return true;
        };
        match self.keep.get(on) {
            Some(mine) => Some(mine) == self.drop.get(on),
            None => self.drop.get(on).is_none() || self.takes(on),
        }
    }

    /// When DROP had a later lifecycle stage than KEEP keeps, say how to move KEEP on.
    fn lifecycle_note(&mut self) {
        let lc = &self.index.config.lifecycle;
        if self.keep.kind != Kind::Person {
            return;
        }
        if let (Some(mine), Some(theirs)) = (self.keep.lifecycle(), self.drop.lifecycle())
            && let (Some(a), Some(b)) = (lc.rank(&mine), lc.rank(&theirs))
            && b > a
        {
            self.notes.push(format!(
                "{} was at the later stage `{theirs}`; {} stays at `{mine}` (`kith promote {} {theirs}` moves it)",
                self.drop.path(),
                self.keep.path(),
                self.keep.id
            ));
        }
    }
}

/// The field another field only means something with.
fn depends_on(kind: Kind, key: &str) -> Option<&'static str> {
    match (kind, key) {
        (Kind::Person, "lifecycle_changed" | "lead_status" | "other_reason") => Some(LIFECYCLE),
        (Kind::Person, "unqualified_reason") => Some("lead_status"),
        (Kind::Deal, "lost_reason" | "probability") => Some("stage"),
        (Kind::Deal, "stage") => Some("pipeline"),
        _ => None,
    }
}

/// DROP's activity entries that KEEP lacks (with `#DROP` pointed at KEEP when deals merge),
/// and the raw text of those kith cannot read.
fn drop_entries(keep: &Record, drop: &Record, drop_text: &str) -> (Vec<Activity>, Vec<String>) {
    let renamed = |a: &Activity| {
        let mut a = a.clone();
        if drop.kind == Kind::Deal && a.deal.is_some_and(|d| d == drop.id.as_str()) {
            a.deal = Some(crate::util::intern::Sym::new(&keep.id));
        }
        a
    };
    let same = |a: &Activity, b: &Activity| {
        (a.date, a.time, a.kind, a.by, a.deal, &a.text)
            == (b.date, b.time, b.kind, b.by, b.deal, &b.text)
    };
    let kept: Vec<Activity> = keep.activities.iter().map(renamed).collect();
    let entries = drop
        .activities
        .iter()
        .map(renamed)
        .filter(|a| !kept.iter().any(|k| same(k, a)))
        .collect();
    let mut unread = Vec::new();
    if let Ok(split) = frontmatter::split(drop_text) {
        let text = split.body(drop_text);
        let mut line = split.body_line(drop_text);
        let mut counted = 0;
        for item in body::find_section(text, "Activity").map_or(Vec::new(), |s| s.items) {
            line += text[counted..item.start].matches('\n').count() as u32;
            counted = item.start;
            if !drop.activities.iter().any(|a| a.line == line) {
                unread.push(text[item].trim_end().to_string());
            }
        }
    }
    (entries, unread)
}

/// The paragraph for KEEP's notes: where DROP went, its other values, the entries kith could
/// not read, and DROP's own notes.
fn note(drop: &Record, today: Date, other_values: &[String], unread: &[String]) -> Result<String> {
    if body::find_section(&drop.notes, "Activity").is_some() {
        bail!(
            "{}'s notes hold a second `## Activity` section; move its entries into the first one, then merge",
            drop.path()
        );
    }
    let mut out = format!("Merged from {} ({}) on {today}.", drop.id, drop.name());
    if !other_values.is_empty() {
        out.push_str(" Its other values:");
        for v in other_values {
            out.push_str("\n- ");
            out.push_str(v);
        }
    }
    if !unread.is_empty() {
        out.push_str("\n\nIts activity entries kith could not read:");
        for entry in unread {
            out.push('\n');
            out.push_str(entry);
        }
    }
    if !drop.notes.trim().is_empty() {
        out.push_str("\n\n");
        out.push_str(drop.notes.trim());
    }
    Ok(out)
}

/// The changes that point record `kind/id`'s references to DROP at KEEP.
pub fn repoint(
    index: &Index,
    kind: Kind,
    id: &str,
    drop: &Record,
    keep: &Record,
) -> (Vec<Change>, Vec<String>) {
    let (mut changes, mut summary) = (Vec::new(), Vec::new());
    let (Some(r), Some(parsed)) = (index.get(kind, id), index.parsed(kind, id)) else {
        return (changes, summary);
    };
    let mut fields: Vec<&str> = parsed
        .refs
        .iter()
        .filter(|x| x.kind == drop.kind && x.id == drop.id)
        .map(|x| x.field.as_str())
        .collect();
    fields.dedup();
    // Wiki links in the text: a bare one leads to the first kind with the id, as the index
    // reads it.
    let linked = parsed.mentions.iter().any(|m| {
        m.id == drop.id
            && match m.kind {
                Some(k) => k == drop.kind,
                None => index.mention_kinds(None, &m.id).first() == Some(&drop.kind),
            }
    });
    if linked {
        changes.push(Change::RenameLink {
            kind: drop.kind,
            from: drop.id.to_string(),
            to: keep.id.to_string(),
        });
        summary.push(format!("[[{}]] → [[{}]]", drop.id, keep.id));
    }
    for field in fields {
        if field == "activity" {
            changes.push(Change::RenameDeal {
                from: drop.id.to_string(),
                to: keep.id.to_string(),
            });
            summary.push(format!("#{} → #{}", drop.id, keep.id));
            continue;
        }
        let Some(value) = r.get(field) else { continue };
        let new = match value {
            Value::List(items) => {
                let mut out: Vec<Value> = Vec::with_capacity(items.len());
                for item in items {
                    let item = if item.to_text().trim() == drop.id {
                        Value::str(&keep.id)
                    } else {
                        item.clone()
                    };
                    if !out.contains(&item) {
                        out.push(item);
                    }
                }
                Value::List(out.into())
            }
            _ => Value::str(&keep.id),
        };
        summary.push(format!("{field}: {} → {}", drop.id, keep.id));
        changes.push(Change::Repoint {
            field: field.to_string(),
            from: drop.id.to_string(),
            to: keep.id.to_string(),
            value: new,
        });
    }
    (changes, summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::config::Config;

    const TODAY: Date = Date::constant(2026, 11, 25);

    fn index(records: &[(Kind, &str, &str)]) -> Index {
        Index::from_texts(Config::default(), records.iter().copied())
    }

    fn planned(index: &Index, kind: Kind, keep: &str, drop: &str, drop_text: &str) -> Plan {
        let (k, d) = (
            index.get(kind, keep).unwrap(),
            index.get(kind, drop).unwrap(),
        );
        plan(index, k, d, drop_text, TODAY).unwrap()
    }

    /// KEEP's text after the plan, through the real editor.
    fn applied(text: &str, edit: &Edit) -> String {
        let cfg = Config::default();
        crate::edit::apply(text, &edit.changes, |k| {
            schema::field_type(&cfg, edit.kind, k)
        })
        .unwrap()
    }

    const ADA: &str = "---\nname: Ada Lovelace\nemail: ada@acme.example\nphone: \"+44 20 7946 0000\"\nlifecycle: lead\nlead_status: working\ntags: [saas]\n---\nMet at the webinar.\n\n## Activity\n- 2026-11-01 call: first\n- 2026-11-20 call: third\n";
    const ADA2: &str = "---\nname: Ada King\nemail: ada.king@home.example\nphone: \"020 7946 0000\"\nphones: [\"+44 7700 900418\"]\ntitle: CTO\nlifecycle: customer\nlead_status: nurturing\ntags: [vip, SaaS]\nconsent: {email: true}\n---\nPrefers e-mail.\n\n## Activity\n- 2026-11-01 call: first\n- 2026-11-10 email @sam: second\n- yesterday: not an entry\n";

    #[test]
    fn fields_combine_keep_wins_and_differences_are_noted() {
        let ix = index(&[(Kind::Person, "ada", ADA), (Kind::Person, "ada-2", ADA2)]);
        let p = planned(&ix, Kind::Person, "ada", "ada-2", ADA2);
        assert_eq!(p.edits.len(), 1);
        assert_eq!(
            applied(ADA, &p.edits[0]),
            "---\nname: Ada Lovelace\nemail: ada@acme.example\nphone: \"+44 20 7946 0000\"\nlifecycle: lead\nlead_status: working\ntags: [saas, vip]\nemails: [ada.king@home.example]\nphones: [\"+44 7700 900418\"]\ntitle: CTO\nconsent: {email: true}\n---\nMet at the webinar.\n\nMerged from ada-2 (Ada King) on 2026-11-25. Its other values:\n- name: Ada King\n- lifecycle: customer\n- lead_status: nurturing\n\nIts activity entries kith could not read:\n- yesterday: not an entry\n\nPrefers e-mail.\n\n## Activity\n- 2026-11-01 call: first\n- 2026-11-10 email @sam: second\n- 2026-11-20 call: third\n"
        );
        assert_eq!(
            p.notes,
            [
                "contacts/ada-2.md was at the later stage `customer`; contacts/ada.md stays at `lead` (`kith promote ada customer` moves it)"
            ]
        );
    }

    #[test]
    fn references_are_pointed_at_keep() {
        let deal = "---\nname: Pilot\ncompany: acme-2\ncontacts: [bob, ada-2, ada]\n---\n## Activity\n- 2026-11-01 call #other: x\n";
        let other =
            "---\nname: Other\ncompany: acme-2\n---\n## Activity\n- 2026-11-02 call #pilot: y\n";
        let ix = index(&[
            (Kind::Person, "ada", ADA),
            (Kind::Person, "ada-2", ADA2),
            (Kind::Company, "acme", "---\nname: Acme\n---\n"),
            (Kind::Company, "acme-2", "---\nname: ACME Ltd\n---\n"),
            (
                Kind::Person,
                "bob",
                "---\nname: Bob\ncompany: acme-2\n---\n",
            ),
            (Kind::Deal, "pilot", deal),
            (Kind::Deal, "other", other),
        ]);
        let p = planned(&ix, Kind::Person, "ada", "ada-2", ADA2);
        assert_eq!(p.edits[1].path(), "deals/pilot.md");
        assert_eq!(
            applied(deal, &p.edits[1]),
            deal.replace("[bob, ada-2, ada]", "[bob, ada]")
        );
        let p = planned(&ix, Kind::Company, "acme", "acme-2", "");
        let paths: Vec<String> = p.edits.iter().map(Edit::path).collect();
        assert_eq!(
            paths,
            [
                "companies/acme.md",
                "contacts/bob.md",
                "deals/other.md",
                "deals/pilot.md"
            ]
        );
        assert_eq!(p.edits[1].summary, ["company: acme-2 → acme"]);
        // Deals: mentions follow, in other records and in the merged entries.
        let p = planned(&ix, Kind::Deal, "other", "pilot", deal);
        assert_eq!(
            applied(other, &p.edits[0]),
            "---\nname: Other\ncompany: acme-2\ncontacts: [bob, ada-2, ada]\n---\nMerged from pilot (Pilot) on 2026-11-25. Its other values:\n- name: Pilot\n\n## Activity\n- 2026-11-01 call #other: x\n- 2026-11-02 call #other: y\n"
        );
    }

    #[test]
    fn dependent_fields_follow_what_they_depend_on() {
        let keep = "---\nname: A\nlifecycle: customer\n---\n";
        let drop = "---\nname: A\nlifecycle: lead\nlead_status: unqualified\nunqualified_reason: student\n---\n";
        let ix = index(&[(Kind::Person, "a", keep), (Kind::Person, "b", drop)]);
        let p = planned(&ix, Kind::Person, "a", "b", drop);
        assert_eq!(
            applied(keep, &p.edits[0]),
            "---\nname: A\nlifecycle: customer\n---\nMerged from b (A) on 2026-11-25. Its other values:\n- lifecycle: lead\n- lead_status: unqualified\n- unqualified_reason: student\n"
        );
        let keep = "---\nname: A\n---\n";
        let ix = index(&[(Kind::Person, "a", keep), (Kind::Person, "b", drop)]);
        let p = planned(&ix, Kind::Person, "a", "b", drop);
        assert!(applied(keep, &p.edits[0]).starts_with(
            "---\nname: A\nlifecycle: lead\nlead_status: unqualified\nunqualified_reason: student\n---\n"
        ));
    }

    #[test]
    fn refuses_what_cannot_merge() {
        let ix = index(&[
            (Kind::Person, "ada", ADA),
            (Kind::Company, "acme", "---\nname: Acme\n---\n"),
            (
                Kind::Person,
                "torn",
                "---\nname: T\nconflicts:\n  - field: phone\n    ours: \"1\"\n    theirs: \"2\"\n---\n",
            ),
        ]);
        let ada = ix.get(Kind::Person, "ada").unwrap();
        let acme = ix.get(Kind::Company, "acme").unwrap();
        let torn = ix.get(Kind::Person, "torn").unwrap();
        let err = |k, d| plan(&ix, k, d, "", TODAY).unwrap_err().to_string();
        assert!(err(ada, acme).contains("only records of one kind merge"));
        assert!(err(ada, ada).contains("cannot be merged into itself"));
        assert!(err(ada, torn).contains("unresolved conflicts"));
    }
}
