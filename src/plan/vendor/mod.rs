//! Migrations from another CRM: the several CSV files of a HubSpot, Salesforce or Pipedrive
//! export read as one [`Export`] (each file recognised by its headers), then planned whole
//! ([`plan()`]): companies, the people linked to them, deals with their company and contacts
//! resolved from the vendor's ids, and the activities, notes and open tasks logged on the
//! right records. Pure: [`crate::edit::store`] writes what the plan says.
//!
//! The vendor's id of each record is kept (`hubspot_id`, `salesforce_id`, `pipedrive_id`), so
//! a second import of the same export finds the same records and changes nothing.

pub mod hubspot;
pub mod pipedrive;
pub mod salesforce;
pub mod stages;
pub mod table;

mod fields;
mod plan;
mod text;

pub use plan::{Counts, Options, Plan, Update, plan, slot};

use crate::record::value::Value;
use anyhow::Result;
use jiff::civil::Date;
use table::Table;

/// The CRM an export comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vendor {
    HubSpot,
    Salesforce,
    Pipedrive,
}

impl Vendor {
    pub fn name(self) -> &'static str {
        match self {
            Vendor::HubSpot => "HubSpot",
            Vendor::Salesforce => "Salesforce",
            Vendor::Pipedrive => "Pipedrive",
        }
    }

    /// The field that keeps the vendor's id of a record.
    pub fn id_field(self) -> &'static str {
        match self {
            Vendor::HubSpot => "hubspot_id",
            Vendor::Salesforce => "salesforce_id",
            Vendor::Pipedrive => "pipedrive_id",
        }
    }
}

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Companies,
    People,
    /// Salesforce leads: people with a company name and a lead status.
    Leads,
    Deals,
    /// Salesforce's OpportunityContactRole: which contacts a deal has.
    DealContacts,
    /// Calls, meetings, e-mails, tasks (HubSpot engagements, Salesforce Tasks and Events,
    /// Pipedrive activities).
    Activities,
    Notes,
}

impl Part {
    pub fn describe(self) -> &'static str {
        match self {
            Part::Companies => "companies",
            Part::People => "contacts",
            Part::Leads => "leads",
            Part::Deals => "deals",
            Part::DealContacts => "deal contact roles",
            Part::Activities => "activities",
            Part::Notes => "notes",
        }
    }
}

/// A record of the export named by its vendor id or, where the vendor writes names (a
/// Salesforce lead's company, Pipedrive's link columns), by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ref {
    Id(String),
    Name(String),
}

impl std::fmt::Display for Ref {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ref::Id(id) => write!(f, "id {id}"),
            Ref::Name(n) => write!(f, "`{n}`"),
        }
    }
}

/// Where a row is: the file (index into [`Export::files`]) and its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub file: usize,
    pub line: usize,
}

/// A company, person or deal of the export.
#[derive(Debug, Clone)]
pub struct Item {
    pub at: At,
    /// The vendor's id (required for companies and deals; people of a lead file have one too).
    pub src: Option<String>,
    pub name: String,
    /// kith fields, values already in kith's words (not the lifecycle or deal stage).
    pub fields: Vec<(String, Value)>,
    /// The vendor's lifecycle stage or deal stage as written, mapped when planned.
    pub stage: Option<String>,
    /// A person's lead status as written; a deal's status (`won`, `lost`) as written.
    pub status: Option<String>,
    /// The company a person or deal belongs to.
    pub company: Vec<Ref>,
    /// A deal's contacts; a person's or company's deals (HubSpot's association columns).
    pub links: Vec<Ref>,
    /// A paragraph for the record's notes (Salesforce `Description`).
    pub notes: Option<String>,
}

impl Item {
    pub fn new(at: At) -> Item {
        Item {
            at,
            src: None,
            name: String::new(),
            fields: Vec::new(),
            stage: None,
            status: None,
            company: Vec::new(),
            links: Vec::new(),
            notes: None,
        }
    }

    pub fn set(&mut self, key: &str, value: Value) {
        self.fields.push((key.to_string(), value));
    }
}

/// An activity, note or task of the export.
#[derive(Debug, Clone)]
pub struct Entry {
    pub at: At,
    /// kith's activity type (`note`, `call`, `email`, `meeting`).
    pub kind: &'static str,
    pub date: Option<Date>,
    pub time: Option<(u8, u8)>,
    /// Subject, then the body on the lines below.
    pub text: String,
    /// `Some(done)` for a task.
    pub task: Option<bool>,
    pub people: Vec<Ref>,
    pub companies: Vec<Ref>,
    pub deals: Vec<Ref>,
    /// Records of any kind (Salesforce's `WhoId`, `WhatId`).
    pub any: Vec<Ref>,
}

/// A row the export reader could not use, and why.
#[derive(Debug, Clone)]
pub struct Problem {
    pub at: At,
    pub reason: String,
}

/// One file of the export and what it was read as.
#[derive(Debug, Clone)]
pub struct File {
    /// The name shown to the user.
    pub name: String,
    pub vendor: Vendor,
    pub part: Part,
    pub rows: usize,
}

/// Everything an export holds.
#[derive(Debug)]
pub struct Export {
    pub vendor: Vendor,
    pub files: Vec<File>,
    pub companies: Vec<Item>,
    pub people: Vec<Item>,
    pub deals: Vec<Item>,
    /// (deal, person) pairs of a deal contact role file.
    pub roles: Vec<(At, Ref, Ref)>,
    pub entries: Vec<Entry>,
    /// Rows that cannot be read at all.
    pub invalid: Vec<Problem>,
    /// Rows left out on purpose (a converted Salesforce lead), with why.
    pub skipped: Vec<Problem>,
}

/// What one file was read as, and what it holds.
pub struct Read {
    pub vendor: Vendor,
    pub part: Part,
    pub items: Vec<Item>,
    pub roles: Vec<(At, Ref, Ref)>,
    pub entries: Vec<Entry>,
    pub invalid: Vec<Problem>,
    pub skipped: Vec<Problem>,
}

impl Read {
    fn new(vendor: Vendor, part: Part) -> Read {
        Read {
            vendor,
            part,
            items: Vec::new(),
            roles: Vec::new(),
            entries: Vec::new(),
            invalid: Vec::new(),
            skipped: Vec::new(),
        }
    }
}

/// Which vendor and part a table is, from its headers; `None` when it is no export kith knows.
pub fn recognise(t: &Table) -> Option<(Vendor, Part)> {
    hubspot::recognise(t)
        .map(|p| (Vendor::HubSpot, p))
        .or_else(|| salesforce::recognise(t).map(|p| (Vendor::Salesforce, p)))
        .or_else(|| pipedrive::recognise(t).map(|p| (Vendor::Pipedrive, p)))
}

/// Reads one recognised table (file number `file`).
pub fn read_table(t: &Table, file: usize, vendor: Vendor, part: Part) -> Read {
    let mut out = Read::new(vendor, part);
    match vendor {
        Vendor::HubSpot => hubspot::read(t, file, part, &mut out),
        Vendor::Salesforce => salesforce::read(t, file, part, &mut out),
        Vendor::Pipedrive => pipedrive::read(t, file, part, &mut out),
    }
    out
}

/// Puts the files' contents together as one export. Fails when files of two vendors are
/// mixed.
pub fn assemble(files: Vec<File>, reads: Vec<Read>) -> Result<Export> {
    let vendor = files.first().map_or(Vendor::HubSpot, |f| f.vendor);
    if let Some(other) = files.iter().find(|f| f.vendor != vendor) {
        return Err(crate::util::hint::hint(
            format!(
                "{} is a {} export but {} is a {} export",
                files[0].name,
                vendor.name(),
                other.name,
                other.vendor.name()
            ),
            "import each CRM's files with a `kith import` of their own",
        ));
    }
    let mut e = Export {
        vendor,
        files,
        companies: Vec::new(),
        people: Vec::new(),
        deals: Vec::new(),
        roles: Vec::new(),
        entries: Vec::new(),
        invalid: Vec::new(),
        skipped: Vec::new(),
    };
    for r in reads {
        match r.part {
            Part::Companies => e.companies.extend(r.items),
            Part::People | Part::Leads => e.people.extend(r.items),
            Part::Deals => e.deals.extend(r.items),
            _ => {}
        }
        e.roles.extend(r.roles);
        e.entries.extend(r.entries);
        e.invalid.extend(r.invalid);
        e.skipped.extend(r.skipped);
    }
    Ok(e)
}

/// The ids of an association cell: HubSpot separates them with `;` (older exports with `,`).
pub fn ids(cell: Option<&str>) -> Vec<Ref> {
    cell.map(|c| {
        c.split([';', ','])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| Ref::Id(s.to_string()))
            .collect()
    })
    .unwrap_or_default()
}

/// A date and time as exports write them (`2026-03-05`, `2026-03-05 14:30`,
/// `2026-03-05T14:30:00.000Z`). `Err` names what is wrong.
pub fn date_time(value: &str) -> Result<(Date, Option<(u8, u8)>), String> {
    let v = value.trim();
    let bad = || format!("`{v}` is not a date (YYYY-MM-DD, optionally with a time)");
    let date = v
        .get(..10)
        .and_then(crate::record::activity::parse_date)
        .ok_or_else(bad)?;
    let rest = &v[10..];
    if rest.is_empty() {
        return Ok((date, None));
    }
    if !rest.starts_with([' ', 'T']) {
        return Err(bad());
    }
    let t = &rest.as_bytes()[1..];
    let time = (t.len() >= 5 && t[2] == b':')
        .then(|| {
            let h = (t[0] as char).to_digit(10)? * 10 + (t[1] as char).to_digit(10)?;
            let m = (t[3] as char).to_digit(10)? * 10 + (t[4] as char).to_digit(10)?;
            (h < 24 && m < 60).then_some((h as u8, m as u8))
        })
        .flatten();
    // Midnight is what exports write for "no time".
    Ok((date, time.filter(|&t| t != (0, 0))))
}

/// A number as exports write it (`12000`, `12000.50`, `12,000.50`); `None` when it is none.
pub fn number(value: &str) -> Option<Value> {
    let cleaned: String = value
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}'))
        .collect();
    let n: f64 = cleaned.parse().ok()?;
    if !n.is_finite() {
        return None;
    }
    Some(if n.fract() == 0.0 && n.abs() < 1e15 {
        Value::Int(n as i64)
    } else {
        Value::Float(n)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_numbers() {
        let d = Date::constant(2026, 3, 5);
        assert_eq!(date_time("2026-03-05"), Ok((d, None)));
        assert_eq!(date_time("2026-03-05 14:30"), Ok((d, Some((14, 30)))));
        assert_eq!(date_time("2026-03-05T09:05:00.000Z"), Ok((d, Some((9, 5)))));
        assert_eq!(date_time("2026-03-05 00:00:00"), Ok((d, None)));
        assert!(date_time("3/5/2026").is_err());
        assert_eq!(number("12,000"), Some(Value::Int(12000)));
        assert_eq!(number("12.5"), Some(Value::Float(12.5)));
        assert_eq!(number("n/a"), None);
        assert_eq!(
            ids(Some("1; 2,3")),
            [
                Ref::Id("1".into()),
                Ref::Id("2".into()),
                Ref::Id("3".into())
            ]
        );
    }
}
