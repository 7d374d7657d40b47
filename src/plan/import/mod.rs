//! Importing people from other tools: CSV exports ([`csv`]) and vCards ([`vcard`]) become
//! [`Row`]s, and [`plan`] turns rows into the records to create and the changes to existing
//! ones. Pure: [`crate::edit::store`] writes what the plan says.
//!
//! Never a silent duplicate: a row is the person with the same `id` (kith's own export), else
//! with one of its e-mail addresses once normalized
//! ([`crate::record::normalize::email`]), else — for a row without an address — the
//! person with the same name whose phone and company do not differ. That person (or the one an
//! earlier row created) is updated: only empty fields, unless `overwrite`; list fields (`tags`,
//! `emails`, `phones`) gain what they lack. Everything else is a new person, linked to a
//! company found by domain or by name, or created. A row that changes
//! nothing adds nothing, not even a log entry, so importing a file twice changes nothing.

pub mod csv;
pub mod text;
pub mod vcard;
pub mod vocab;

use crate::edit::Change;
use crate::index::Index;
use crate::record::Kind;
use anyhow::Result;
use jiff::civil::Date;
use rayon::prelude::*;
use rustc_hash::FxHashSet;

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
    pub note: Option<crate::util::hint::Hint>,
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

/// Likely duplicates an import brings: the pairs [`crate::analysis::duplicates::find`] finds once the
/// new records are in the workspace, where one of the two is new (a shared phone number, a
/// similar name at the same company).
pub fn duplicates(index: Index, plan: &Plan) -> Vec<crate::analysis::duplicates::Pair> {
    let creates: Vec<(Kind, &str, &str)> = plan
        .creates
        .iter()
        .map(|n| (n.kind, n.id.as_str(), n.text.as_str()))
        .collect();
    duplicates_of(index, &creates)
}

/// The likely duplicates that new records (kind, id, text) bring to the workspace: the pairs
/// where one of the two is new. `kith import` and `kith ingest` check their new people so.
pub fn duplicates_of(
    mut index: Index,
    creates: &[(Kind, &str, &str)],
) -> Vec<crate::analysis::duplicates::Pair> {
    let parsed: Vec<crate::record::parse::Parsed> = creates
        .par_iter()
        .map(|(kind, id, text)| {
            let rel = crate::record::layout::rel(*kind, id);
            crate::record::parse::parse(*kind, id, &rel, text.as_bytes(), &index.config)
        })
        .collect();
    for p in parsed {
        index.insert(p);
    }
    let new: FxHashSet<(Kind, &str)> = creates.iter().map(|(kind, id, _)| (*kind, *id)).collect();
    crate::analysis::duplicates::find(&index)
        .into_iter()
        .filter(|p| {
            new.contains(&(p.kind, p.keep.as_str())) || new.contains(&(p.kind, p.drop.as_str()))
        })
        .collect()
}

mod plan;
mod typed;

pub use plan::plan;
