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
pub mod flag;
pub mod jsonl;
pub mod kinds;
pub mod kith_csv;
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

/// Refuses a value longer than [`MAX_FIELD`], naming its column.
pub(crate) fn check_length(key: &str, raw: &str) -> Result<(), String> {
    if raw.len() > MAX_FIELD {
        return Err(format!(
            "`{key}` is {} bytes long; kith takes at most {MAX_FIELD} in a field",
            raw.len()
        ));
    }
    Ok(())
}

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
    /// What the rows are.
    pub kind: Kind,
    /// How the kind was decided from the headers (`None` when the caller chose it).
    pub detected: Option<kinds::Detected>,
    /// `--map` pairs of a deals file that name a stage value, not a column
    /// (`Discovery=qualified-to-buy`).
    pub stages: Vec<(String, String)>,
}

/// Reads an import file of people: vCards when it starts with `BEGIN:VCARD`, else CSV.
pub fn read(bytes: &[u8], map: &[(String, String)]) -> Result<Input> {
    read_kind(bytes, map, Some(Kind::Person))
}

/// Reads an import file of `kind`, or of the kind its headers say (vCards are people).
pub fn read_kind(bytes: &[u8], map: &[(String, String)], kind: Option<Kind>) -> Result<Input> {
    let decoded = text::decode(bytes)?;
    let vcard = vcard::is_vcard(&decoded.text);
    let mut detected = None;
    let mut stages = Vec::new();
    let (rows, kind) = if vcard {
        if !map.is_empty() {
            anyhow::bail!("--map applies to CSV files; this is a vCard file");
        }
        if let Some(k) = kind.filter(|k| *k != Kind::Person) {
            return Err(crate::util::hint::hint(
                format!("a vCard file holds people, not {}", k.dir()),
                "leave out --kind, or say --kind people",
            ));
        }
        (vcard::read(&decoded.text)?, Kind::Person)
    } else {
        let headers = csv::headers(&decoded.text)?;
        let kind = match kind {
            Some(k) => k,
            // A column `--map` names counts as the field it fills.
            None => match kinds::detect(&mapped_headers(&headers, map)) {
                Some(d) => {
                    let k = d.kind;
                    detected = Some(d);
                    k
                }
                // `--map` naming a column the file lacks: that is the mistake to report.
                None if map.iter().any(|(h, _)| {
                    !headers
                        .iter()
                        .any(|x| x.trim().eq_ignore_ascii_case(h.trim()))
                }) =>
                {
                    Kind::Person
                }
                None => return Err(unplaceable(&headers)),
            },
        };
        let mut columns = Vec::new();
        for (h, v) in map {
            let known = headers
                .iter()
                .any(|x| x.trim().eq_ignore_ascii_case(h.trim()));
            if kind == Kind::Deal && !known {
                stages.push((h.clone(), v.clone()));
            } else {
                columns.push((h.clone(), v.clone()));
            }
        }
        (csv::read_as(&decoded.text, &columns, kind)?, kind)
    };
    Ok(Input {
        rows,
        vcard,
        note: decoded.note,
        kind,
        detected,
        stages,
    })
}

/// The headers with the fields `--map` gives them in their place (a skipped column left out).
fn mapped_headers(headers: &[String], map: &[(String, String)]) -> Vec<String> {
    headers
        .iter()
        .filter_map(|h| {
            match map
                .iter()
                .find(|(from, _)| from.trim().eq_ignore_ascii_case(h.trim()))
            {
                Some((_, to)) if matches!(to.trim(), "" | "-" | "skip") => None,
                Some((_, to)) => Some(to.trim().to_string()),
                None => Some(h.clone()),
            }
        })
        .collect()
}

/// The refusal of a file whose headers name no person, company or deal.
fn unplaceable(headers: &[String]) -> anyhow::Error {
    if headers.iter().all(|h| h.trim().is_empty()) {
        return crate::util::hint::hint(
            "the file is empty",
            "a CSV file starts with a header row, e.g. `First Name,Last Name,Email`",
        );
    }
    let shown: Vec<String> = headers
        .iter()
        .take(8)
        .map(|h| format!("`{}`", h.trim()))
        .collect();
    let more = headers.len().saturating_sub(shown.len());
    crate::util::hint::hint(
        format!(
            "cannot tell what the file holds: its columns are {}{}, and none names a person (Name, Email), a company (Company name, Domain) or a deal (Deal Name, Amount, Stage)",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ),
        "say which with --kind people, --kind companies or --kind deals (and --map for the columns)",
    )
}

/// Plans the import of what [`read_kind`] read: people, companies or deals.
pub fn plan_input(index: &Index, input: &Input, opts: &Options) -> Result<Plan> {
    match input.kind {
        Kind::Person => plan(index, &input.rows, opts),
        kind => records::plan(index, &input.rows, opts, kind, &input.stages),
    }
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
    /// What `kith check` would say about what the row writes, or values left out.
    pub warnings: Vec<String>,
}

/// A record to create.
#[derive(Debug, Clone)]
pub struct New {
    pub kind: Kind,
    pub id: String,
    pub text: String,
}

/// Changes to an existing record.
#[derive(Debug, Clone)]
pub struct Update {
    pub kind: Kind,
    pub id: String,
    pub changes: Vec<Change>,
}

/// Everything an import would do.
#[derive(Debug)]
pub struct Plan {
    /// What the rows are.
    pub kind: Kind,
    /// Companies first, then people.
    pub creates: Vec<New>,
    pub updates: Vec<Update>,
    /// One per row, in file order.
    pub rows: Vec<Outcome>,
}

impl Default for Plan {
    fn default() -> Plan {
        Plan::of(Kind::Person)
    }
}

impl Plan {
    pub fn of(kind: Kind) -> Plan {
        Plan {
            kind,
            creates: Vec::new(),
            updates: Vec::new(),
            rows: Vec::new(),
        }
    }

    pub fn count(&self, action: Action) -> usize {
        self.rows.iter().filter(|r| r.action == action).count()
    }

    pub fn invalid(&self) -> impl Iterator<Item = &Outcome> {
        self.rows.iter().filter(|r| r.action == Action::Invalid)
    }

    /// Companies created for the rows' people or deals (not a companies file's own rows).
    pub fn companies_created(&self) -> usize {
        if self.kind == Kind::Company {
            return 0;
        }
        self.creates
            .iter()
            .filter(|n| n.kind == Kind::Company)
            .count()
    }

    /// Rows with warnings.
    pub fn warned(&self) -> impl Iterator<Item = &Outcome> {
        self.rows.iter().filter(|r| !r.warnings.is_empty())
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
mod records;
mod typed;

pub use plan::plan;
