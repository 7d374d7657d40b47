//! Pipedrive's spreadsheet exports of persons, organizations, deals, activities and notes:
//! columns named `Entity - Field` (`Deal - Title`, `Deal - Stage`, `Deal - Status`,
//! `Deal - Organization`, `Deal - Contact person`, `Activity - Due date`), or the bare field
//! names. Links name the other record (`Organization`, `Person`, `Deal`); an `… ID` column,
//! when the export has one, is used first.

use super::fields::{CompanyCols, CompanyNames};
use super::table::{Line, Table, cell};
use super::{At, Entry, Item, Part, Problem, Read, Ref, date_time, number, text};
use crate::plan::import::vocab::{self, header_key};
use crate::record::value::Value;

const ENTITIES: &[(&str, Part)] = &[
    ("person", Part::People),
    ("organization", Part::Companies),
    ("deal", Part::Deals),
    ("activity", Part::Activities),
    ("note", Part::Notes),
];

/// The entity a file's `Entity - Field` headers name most.
fn prefixed(t: &Table) -> Option<Part> {
    let mut counts = [0usize; 5];
    for h in &t.header {
        if let Some((entity, _)) = h.split_once(" - ")
            && let Some(i) = ENTITIES
                .iter()
                .position(|(e, _)| e.eq_ignore_ascii_case(entity.trim()))
        {
            counts[i] += 1;
        }
    }
    let (i, n) = counts
        .iter()
        .enumerate()
        .max_by_key(|(i, n)| (**n, 5 - i))?;
    (*n > 0).then_some(ENTITIES[i].1)
}

pub fn recognise(t: &Table) -> Option<Part> {
    if let Some(p) = prefixed(t) {
        return Some(p);
    }
    // Pipedrive writes `ID`; kith's own export has `id`.
    if !t.header.iter().any(|h| h == "ID") {
        return None;
    }
    if t.has(&["Title"]) && t.has(&["Stage"]) {
        Some(Part::Deals)
    } else if t.has(&["Subject"]) && t.has(&["Due date", "Done"]) {
        Some(Part::Activities)
    } else if t.has(&["Content"]) {
        Some(Part::Notes)
    } else if t.has(&["Organization"]) && t.has(&["Email", "Phone"]) {
        Some(Part::People)
    } else if t.has(&["Name"]) && t.has(&["Address", "People", "Number of people"]) {
        Some(Part::Companies)
    } else {
        None
    }
}

/// Columns of one file, found under `Entity - Name` or `Name`.
struct Cols<'a> {
    t: &'a Table,
    entity: &'static str,
}

impl Cols<'_> {
    fn col(&self, names: &[&str]) -> Option<usize> {
        let prefixed: Vec<String> = names
            .iter()
            .map(|n| format!("{} - {n}", self.entity))
            .collect();
        let prefixed: Vec<&str> = prefixed.iter().map(String::as_str).collect();
        self.t.col(&prefixed).or_else(|| self.t.col(names))
    }
}

/// A link: the `… ID` column when filled, else the name.
fn link(row: &Line, id: Option<usize>, name: Option<usize>) -> Option<Ref> {
    cell(row, id)
        .map(|s| Ref::Id(s.to_string()))
        .or_else(|| cell(row, name).map(|s| Ref::Name(s.to_string())))
}

pub fn read(t: &Table, file: usize, part: Part, out: &mut Read) {
    let entity = ENTITIES
        .iter()
        .find(|(_, p)| *p == part)
        .map_or("", |(e, _)| *e);
    let entity: &'static str = match entity {
        "person" => "Person",
        "organization" => "Organization",
        "deal" => "Deal",
        "activity" => "Activity",
        _ => "Note",
    };
    let c = Cols { t, entity };
    let id = c.col(&["ID"]);
    let org_id = c.col(&["Organization ID", "Org ID"]);
    let org = c.col(&["Organization", "Organization name"]);
    let person_id = c.col(&["Person ID", "Contact person ID"]);
    let person_name = c.col(&["Contact person", "Person", "Person name"]);
    let deal_id = c.col(&["Deal ID"]);
    let deal_name = c.col(&["Deal", "Deal title"]);
    let (first, last, name, email, phone, title, created) = (
        c.col(&["First name"]),
        c.col(&["Last name"]),
        c.col(&["Name"]),
        c.col(&["Email", "Email - Work", "Email - Home", "Email - Other"]),
        c.col(&[
            "Phone",
            "Phone - Work",
            "Phone - Mobile",
            "Phone - Home",
            "Phone - Other",
        ]),
        c.col(&["Job title", "Title"]),
        c.col(&["Add time", "Created", "Date"]),
    );
    let person = Persons {
        first,
        last,
        name,
        email,
        phone,
        title,
        created,
    };
    let company = CompanyCols::find(
        t,
        &CompanyNames {
            name: &["Organization - Name", "Name"],
            domain: &["Organization - Website", "Website", "Organization - Domain"],
            industry: &["Organization - Industry", "Industry"],
            size: &["Organization - Number of employees", "Number of employees"],
            country: &[
                "Organization - Address - Country",
                "Address - Country",
                "Country",
            ],
            created: &["Organization - Add time", "Add time"],
        },
    );
    let title_col = c.col(&["Title"]);
    let stage = c.col(&["Stage"]);
    let status = c.col(&["Status"]);
    let value = c.col(&["Value"]);
    let currency = c.col(&["Currency"]);
    let close = c.col(&["Expected close date", "Close date"]);
    let lost = c.col(&["Lost reason"]);
    let subject = c.col(&["Subject"]);
    let body = c.col(&["Note", "Content", "Public description"]);
    let kind = c.col(&["Type"]);
    let due = c.col(&["Due date", "Date", "Add time"]);
    let due_time = c.col(&["Due time"]);
    let done = c.col(&["Done"]);
    for row in &t.rows {
        let at = At {
            file,
            line: row.line,
        };
        if let Some(e) = &row.error {
            out.invalid.push(Problem {
                at,
                reason: e.clone(),
            });
            continue;
        }
        let mut item = Item::new(at);
        item.src = cell(row, id).map(str::to_string);
        let filled = match part {
            Part::People => person.fill(row, &mut item).map(|()| {
                item.company.extend(link(row, org_id, org));
            }),
            Part::Companies => company.fill(row, &mut item),
            Part::Deals => match cell(row, title_col) {
                None => Err("no deal title".into()),
                Some(n) => {
                    item.name = n.to_string();
                    item.stage = cell(row, stage).map(str::to_string);
                    item.status = cell(row, status).map(str::to_string);
                    match cell(row, value).map(|a| (a, number(a))) {
                        Some((_, Some(v))) => item.set("amount", v),
                        Some((a, None)) => {
                            out.invalid.push(Problem {
                                at,
                                reason: format!("value `{a}` is not a number"),
                            });
                            continue;
                        }
                        None => {}
                    }
                    if let Some(c) = cell(row, currency) {
                        item.set("currency", Value::str(&c.to_uppercase()));
                    }
                    if let Some((d, _)) = cell(row, close).and_then(|d| date_time(d).ok()) {
                        item.set("close_date", Value::str(&d.to_string()));
                    }
                    if let Some(r) = cell(row, lost) {
                        item.set("lost_reason", Value::str(r));
                    }
                    super::fields::created(&mut item, cell(row, created));
                    item.company.extend(link(row, org_id, org));
                    item.links.extend(link(row, person_id, person_name));
                    Ok(())
                }
            },
            Part::Activities | Part::Notes => {
                let kind = match part {
                    Part::Notes => "note",
                    _ => match cell(row, kind).map(header_key).as_deref() {
                        Some("call") => "call",
                        Some("email") => "email",
                        Some("meeting" | "lunch") => "meeting",
                        _ => "note",
                    },
                };
                let is_done = cell(row, done).is_none_or(|d| {
                    matches!(header_key(d).as_str(), "done" | "1" | "true" | "yes")
                        || vocab::yes(d) == Some(true)
                });
                let mut e = Entry {
                    at,
                    kind,
                    date: None,
                    time: None,
                    text: text::entry(cell(row, subject), cell(row, body)),
                    task: (part == Part::Activities && !is_done).then_some(false),
                    people: link(row, person_id, person_name).into_iter().collect(),
                    companies: link(row, org_id, org).into_iter().collect(),
                    deals: link(row, deal_id, deal_name).into_iter().collect(),
                    any: Vec::new(),
                };
                let when = match (cell(row, due), cell(row, due_time)) {
                    (Some(d), Some(t)) if d.len() == 10 => Some(format!("{d} {t}")),
                    (d, _) => d.map(str::to_string),
                };
                match when.as_deref().map(date_time) {
                    Some(Ok((d, time))) => {
                        e.date = Some(d);
                        e.time = time;
                    }
                    Some(Err(why)) => {
                        out.invalid.push(Problem { at, reason: why });
                        continue;
                    }
                    None => {}
                }
                if e.text.is_empty() {
                    out.skipped.push(Problem {
                        at,
                        reason: format!("{kind} without text"),
                    });
                } else {
                    out.entries.push(e);
                }
                continue;
            }
            Part::Leads | Part::DealContacts => Ok(()),
        };
        if let Err(reason) = filled {
            out.invalid.push(Problem { at, reason });
            continue;
        }
        if item.src.is_none() {
            out.invalid.push(Problem {
                at,
                reason: "no ID".into(),
            });
            continue;
        }
        out.items.push(item);
    }
}

/// A Pipedrive person's columns (found with or without the `Person - ` prefix).
struct Persons {
    first: Option<usize>,
    last: Option<usize>,
    name: Option<usize>,
    email: Option<usize>,
    phone: Option<usize>,
    title: Option<usize>,
    created: Option<usize>,
}

impl Persons {
    fn fill(&self, row: &Line, item: &mut Item) -> Result<(), String> {
        let get = |c| cell(row, c);
        let email = get(self.email);
        item.name = get(self.name)
            .map(str::to_string)
            .or_else(|| {
                let joined = [get(self.first), get(self.last)]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                (!joined.is_empty()).then_some(joined)
            })
            .or_else(|| email.map(str::to_string))
            .ok_or("no name and no e-mail address")?;
        if let Some(e) = email {
            if !crate::record::schema::is_valid_email(e) {
                return Err(format!("`{e}` is not a valid e-mail address"));
            }
            item.set("email", Value::str(e));
        }
        if let Some(p) = get(self.phone) {
            item.set("phone", Value::str(p));
        }
        if let Some(v) = get(self.title) {
            item.set("title", Value::str(v));
        }
        super::fields::created(item, get(self.created));
        Ok(())
    }
}
