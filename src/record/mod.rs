//! Records: people, companies and deals, as the index holds them.

pub mod activity;
pub mod body;
pub mod codec;
pub mod coherence;
pub mod config;
pub mod country;
pub mod dates;
pub mod diag;
pub mod frontmatter;
pub mod layout;
pub mod mention;
pub mod normalize;
pub mod parse;
pub mod schema;
pub mod task;
pub mod value;
pub mod yaml;

/// The field that holds a person's lifecycle stage, which much of kith reads specially (the
/// funnel, promotions, qualification, workflows, the report's moves).
pub const LIFECYCLE: &str = "lifecycle";

use crate::record::activity::Activity;
use crate::record::value::Value;
use crate::util::intern::Sym;
use compact_str::CompactString;
use jiff::civil::Date;
use std::fmt;

/// The three kinds of record, each in its own folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Person = 0,
    Company = 1,
    Deal = 2,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Person, Kind::Company, Kind::Deal];

    /// The folder holding this kind's records.
    pub fn dir(self) -> &'static str {
        match self {
            Kind::Person => "contacts",
            Kind::Company => "companies",
            Kind::Deal => "deals",
        }
    }

    /// Singular noun used in messages and JSON (`contact`, `company`, `deal`).
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Person => "contact",
            Kind::Company => "company",
            Kind::Deal => "deal",
        }
    }

    pub fn from_dir(dir: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.dir() == dir)
    }

    /// A workspace-relative record path, `contacts/ada.md` or `contacts/3f/a/ada.md` (its
    /// own shard) → (person, `ada`): the inverse of [`Record::path`] in either layout. Files in
    /// other folders and hidden files are not records.
    pub fn of_path(path: &str) -> Option<(Kind, &str)> {
        crate::record::layout::of_path(path)
    }

    /// Accepts singular and plural, `person`/`people` too.
    pub fn parse(s: &str) -> Option<Kind> {
        match s.to_ascii_lowercase().as_str() {
            "contact" | "contacts" | "person" | "people" | "lead" | "leads" => Some(Kind::Person),
            "company" | "companies" => Some(Kind::Company),
            "deal" | "deals" => Some(Kind::Deal),
            _ => None,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

/// A record as loaded: its frontmatter fields in file order and its activity log.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub kind: Kind,
    /// The file stem.
    pub id: CompactString,
    pub fields: Vec<(Sym, Value)>,
    /// The `## Activity` entries, in file order.
    pub activities: Vec<Activity>,
    /// The `## Tasks` items, in file order.
    pub tasks: Vec<crate::record::task::Task>,
    /// The body without its activity log, trimmed (for search).
    pub notes: Box<str>,
    /// The frontmatter could not be read; `fields` is empty until the file is fixed.
    pub broken: bool,
}

impl Record {
    pub fn new(kind: Kind, id: &str) -> Record {
        Record {
            kind,
            id: id.into(),
            fields: Vec::new(),
            activities: Vec::new(),
            tasks: Vec::new(),
            notes: Box::default(),
            broken: false,
        }
    }

    /// Path relative to the workspace root, `/`-separated.
    pub fn path(&self) -> String {
        crate::record::layout::rel(self.kind, &self.id)
    }

    /// A field's value; null values count as absent.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    }

    /// A scalar field as text (numbers too); `None` when absent, null or a list.
    pub fn text(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Value::Str(s) => Some(s.as_str()).filter(|s| !s.trim().is_empty()),
            _ => None,
        }
    }

    /// The display name: `name`, else the id.
    pub fn name(&self) -> &str {
        self.text("name").unwrap_or(&self.id)
    }

    pub fn date(&self, key: &str) -> Option<Date> {
        crate::record::activity::parse_date(self.text(key)?)
    }

    pub fn number(&self, key: &str) -> Option<f64> {
        self.get(key)?.as_f64()
    }

    /// The items of a list field as text (a single scalar counts as one item).
    pub fn list(&self, key: &str) -> impl Iterator<Item = String> + '_ {
        self.get(key)
            .into_iter()
            .flat_map(|v| v.items())
            .map(|v| v.to_text())
    }

    /// Lowercased primary e-mail.
    pub fn email(&self) -> Option<String> {
        self.text("email").map(|e| e.trim().to_lowercase())
    }

    /// Every address: `email` then `emails`, lowercased.
    pub fn emails(&self) -> Vec<String> {
        let mut out: Vec<String> = self.email().into_iter().collect();
        for e in self.list("emails") {
            let e = e.trim().to_lowercase();
            if !e.is_empty() && !out.contains(&e) {
                out.push(e);
            }
        }
        out
    }

    /// A deal's currency as written, or the workspace's default, in capitals (`EUR`).
    pub fn currency(&self, cfg: &crate::record::config::Config) -> String {
        self.text("currency")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .unwrap_or(&cfg.currency)
            .to_uppercase()
    }

    pub fn lifecycle(&self) -> Option<String> {
        self.stage().map(std::borrow::Cow::into_owned)
    }

    /// [`Record::lifecycle`] without a copy when the stage is written in lowercase already
    /// (the report asks for every person's stage many times).
    pub fn stage(&self) -> Option<std::borrow::Cow<'_, str>> {
        static KEY: std::sync::OnceLock<Sym> = std::sync::OnceLock::new();
        let key = *KEY.get_or_init(|| Sym::new(LIFECYCLE));
        // Symbols compare by address: no string comparison per field.
        let text = match self.fields.iter().find(|(k, _)| *k == key) {
            Some((_, Value::Str(s))) => Some(s.as_str()).filter(|s| !s.trim().is_empty()),
            _ => None,
        };
        text.map(|s| {
            let s = s.trim();
            if s.bytes()
                .all(|b| b.is_ascii_lowercase() || !b.is_ascii_alphabetic())
                && s.is_ascii()
            {
                std::borrow::Cow::Borrowed(s)
            } else {
                std::borrow::Cow::Owned(s.to_lowercase())
            }
        })
    }

    pub fn has_tag(&self, tag: &str) -> bool {
        self.list("tags").any(|t| t.eq_ignore_ascii_case(tag))
    }

    /// Whether the person asked not to be contacted: `do_not_contact: true` (or `yes`), or a
    /// `consent` map that records a withdrawal (`consent: {marketing: 2026-03-01, withdrawn:
    /// 2026-06-01}`; a `withdrawn` key with an empty value does not count). The one rule that
    /// exports, workflows and reports follow.
    pub fn do_not_contact(&self) -> bool {
        let flagged = match self.get("do_not_contact") {
            Some(Value::Bool(b)) => *b,
            Some(Value::Str(s)) => matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "yes"),
            _ => false,
        };
        let withdrawn = match self.get("consent") {
            Some(Value::Map(entries)) => entries.iter().any(|(k, v)| {
                k.trim().eq_ignore_ascii_case("withdrawn") && !v.to_text().trim().is_empty()
            }),
            _ => false,
        };
        flagged || withdrawn
    }

    /// The most recent activity date.
    /// The date of the latest activity; `workflow` entries are kith's own notes of what a
    /// workflow did, not contact with the person, and do not count.
    pub fn last_activity(&self) -> Option<Date> {
        self.activities
            .iter()
            .filter(|a| a.kind != "workflow")
            .map(|a| a.date)
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Index;
    use crate::record::config::Config;

    #[test]
    fn do_not_contact_is_the_flag_or_a_withdrawn_consent() {
        let cases = [
            ("do_not_contact: true", true),
            ("do_not_contact: \"yes\"", true),
            ("do_not_contact: false", false),
            (
                "consent: {marketing: 2026-03-01, withdrawn: 2026-06-01}",
                true,
            ),
            ("consent: {Withdrawn: yes}", true),
            ("consent: {marketing: 2026-03-01}", false),
            ("consent: {withdrawn: \"\"}", false),
            ("consent: {withdrawn: }", false),
            ("consent: withdrawn", false),
            ("name: Nobody", false),
        ];
        for (i, (field, expected)) in cases.iter().enumerate() {
            let id = format!("p{i}");
            let text = format!("---\n{field}\n---\n");
            let index = Index::from_texts(
                Config::default(),
                [(Kind::Person, id.as_str(), text.as_str())],
            );
            let r = index.get(Kind::Person, &id).unwrap();
            assert_eq!(r.do_not_contact(), *expected, "{field}");
        }
    }
}
