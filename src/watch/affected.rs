//! Which records a batch of changed files can affect, so that only their scores, segments and
//! pages are computed again.
//!
//! A record's derived values read the record itself, its company (`company.X`, including the
//! company's segments and deals) and its deals (`deals.open.count`: a person's as a contact, a
//! company's by `company`). Nothing reads a person from elsewhere, and deals are read only
//! through their fields. So a changed company reaches its people and deals; a changed deal
//! reaches its contacts, its company and, through the company, the company's people and deals;
//! a changed person reaches only itself. Old and new versions both count: a deal moved from
//! one company to another changes both.
//!
//! Record pages read a little more (names of linked records): [`Reach::pages`] adds them.

use crate::index::Index;
use crate::record::{Kind, Record};
use std::collections::BTreeSet;

/// What a set of changes reaches, by key: resolved to slots in an index with
/// [`Reach::slots`].
#[derive(Debug, Default)]
pub struct Reach {
    keys: BTreeSet<(Kind, String)>,
    /// Companies whose people and deals are reached.
    companies: BTreeSet<String>,
    /// Records whose pages show a changed record's name, beyond those above.
    named: BTreeSet<(Kind, String)>,
}

impl Reach {
    /// Adds a changed record, given every version of it the batch knows (before and after).
    pub fn add<'a>(
        &mut self,
        kind: Kind,
        id: &str,
        versions: impl IntoIterator<Item = &'a Record>,
    ) {
        self.keys.insert((kind, id.to_string()));
        if kind == Kind::Company {
            self.companies.insert(id.to_string());
        }
        for r in versions {
            let company = r.text("company").map(|c| c.trim().to_string());
            match r.kind {
                Kind::Company => {}
                Kind::Deal => {
                    self.companies.extend(company);
                    for p in r.list("contacts") {
                        self.keys.insert((Kind::Person, p.trim().to_string()));
                    }
                }
                Kind::Person => {
                    // A company's page lists its people; a deal's page names its contacts.
                    if let Some(c) = company {
                        self.named.insert((Kind::Company, c));
                    }
                }
            }
        }
    }

    /// Whether the batch changed nothing.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The slots of the records whose scores and segments may have changed, sorted.
    pub fn slots(&self, index: &Index) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .keys
            .iter()
            .filter_map(|(k, id)| index.slot(*k, id))
            .collect();
        for c in &self.companies {
            out.extend(index.slot(Kind::Company, c));
            out.extend(index.company_slots(c));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The slots of the records whose pages may show something that changed, besides their
    /// derived values: the changed records, those [`Reach::slots`] finds, the companies that
    /// list a changed person, the deals that name a changed person as a contact, and the
    /// people and company a changed deal names.
    pub fn pages(&self, index: &Index) -> Vec<usize> {
        let mut out = self.slots(index);
        out.extend(self.named.iter().filter_map(|(k, id)| index.slot(*k, id)));
        for (kind, id) in &self.keys {
            if *kind == Kind::Person {
                out.extend(index.deal_slots_of_contact(id));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::config::Config;

    fn index() -> Index {
        Index::from_texts(
            Config::default(),
            [
                (Kind::Company, "acme", "---\nname: Acme\n---\n"),
                (Kind::Company, "tiny", "---\nname: Tiny\n---\n"),
                (Kind::Person, "ada", "---\nname: Ada\ncompany: acme\n---\n"),
                (Kind::Person, "bob", "---\nname: Bob\ncompany: tiny\n---\n"),
                (Kind::Person, "cy", "---\nname: Cy\n---\n"),
                (
                    Kind::Deal,
                    "big",
                    "---\nname: Big\ncompany: acme\ncontacts: [cy]\n---\n",
                ),
            ],
        )
    }

    fn ids(index: &Index, slots: Vec<usize>) -> Vec<String> {
        let mut v: Vec<String> = slots
            .into_iter()
            .map(|s| index.at_slot(s).unwrap().id.to_string())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_person_reaches_itself_and_pages_name_it() {
        let index = index();
        let mut reach = Reach::default();
        reach.add(Kind::Person, "cy", [index.get(Kind::Person, "cy").unwrap()]);
        assert_eq!(ids(&index, reach.slots(&index)), ["cy"]);
        assert_eq!(ids(&index, reach.pages(&index)), ["big", "cy"]);
    }

    #[test]
    fn a_company_reaches_its_people_and_deals() {
        let index = index();
        let mut reach = Reach::default();
        reach.add(
            Kind::Company,
            "acme",
            [index.get(Kind::Company, "acme").unwrap()],
        );
        assert_eq!(ids(&index, reach.slots(&index)), ["acme", "ada", "big"]);
    }

    #[test]
    fn a_deal_reaches_its_contacts_and_its_company_old_and_new() {
        let index = index();
        let old = index.get(Kind::Deal, "big").unwrap().clone();
        let mut moved = old.clone();
        moved.fields.retain(|(k, _)| k != "company");
        moved.fields.push((
            "company".into(),
            crate::record::value::Value::Str("tiny".into()),
        ));
        let mut reach = Reach::default();
        reach.add(Kind::Deal, "big", [&old, &moved]);
        assert_eq!(
            ids(&index, reach.slots(&index)),
            ["acme", "ada", "big", "bob", "cy", "tiny"]
        );
    }
}
