//! kith's own CSV export read back whole: `people.csv`, `companies.csv` and `deals.csv` (one
//! record a row, with its `id`), `activities.csv` and `tasks.csv` (one entry a row, keyed by
//! record id and kind). The records are rebuilt as files — fields typed by the schema, the
//! notes, the activity log and the tasks — for [`super::jsonl::plan`], so an import of the
//! files into an empty workspace gives the same parsed records as the workspace they came from.

use super::jsonl::{Incoming, Partial};
use crate::edit;
use crate::index::Index;
use crate::plan::export::whole::{ACTIVITY_COLUMNS, COMPUTED, TASK_COLUMNS};
use crate::record::activity::{self, Activity};
use crate::record::config::Config;
use crate::record::schema::{self, FieldType};
use crate::record::task::{self, Origin, Task};
use crate::record::value::Value;
use crate::record::yaml::scalar;
use crate::record::{Kind, Record};
use crate::util::intern::Sym;
use anyhow::{Result, bail};
use rustc_hash::FxHashMap;

/// What one of kith's own CSV files holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Records(Kind),
    Activities,
    Tasks,
}

/// Recognizes one of kith's own export files by its header (and, for records, its name:
/// `people.csv`, `companies.csv`, `deals.csv`, else the columns kith writes first).
pub fn recognize(name: &str, header: &[String]) -> Option<Part> {
    if header == ACTIVITY_COLUMNS {
        return Some(Part::Activities);
    }
    if header == TASK_COLUMNS {
        return Some(Part::Tasks);
    }
    if header.first().map(String::as_str) != Some("id") || !header.iter().any(|h| h == "name") {
        return None;
    }
    let stem = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = stem.split('.').next().unwrap_or(stem);
    let has = |c: &str| header.iter().any(|h| h == c);
    let kind = Kind::parse(stem).unwrap_or(if has("stage") {
        Kind::Deal
    } else if has("domain") && !has("email") {
        Kind::Company
    } else {
        Kind::Person
    });
    Some(Part::Records(kind))
}

/// One of kith's own CSV files, read.
#[derive(Debug)]
pub struct File {
    pub name: String,
    pub part: Part,
    pub header: Vec<String>,
    /// (1-based line, cells).
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Reads a CSV text's header and rows; `None` when it is not one of kith's own files.
pub fn read_file(name: &str, text: &str) -> Result<Option<File>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut r = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = r.headers()?.iter().map(str::to_string).collect();
    let Some(part) = recognize(name, &header) else {
        return Ok(None);
    };
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        rows.push((line, rec.iter().map(str::to_string).collect()));
    }
    Ok(Some(File {
        name: name.to_string(),
        part,
        header,
        rows,
    }))
}

/// Columns that are not fields: what kith computes or looks up, and the notes.
fn skipped(column: &str) -> bool {
    COMPUTED.contains(&column) || matches!(column, "id" | "kind" | "path" | "company_domain")
}

/// A record being rebuilt.
#[derive(Debug)]
struct Built {
    origin: String,
    fields: Vec<(String, Value)>,
    notes: String,
    activities: Vec<Activity>,
    tasks: Vec<Task>,
}

/// The records of kith's own CSV files: whole records for the record rows (their activity
/// entries and tasks attached), and, for entries of records that are in the workspace but not
/// in the files, a record holding only those entries (for [`super::jsonl::changes`]).
pub fn records(index: &Index, files: &[File]) -> Result<(Vec<Incoming>, Vec<Partial>)> {
    let cfg = &index.config;
    // Company names → ids (the export writes a person's or deal's company by name).
    let mut company_ids: FxHashMap<String, String> = FxHashMap::default();
    for c in index.of_kind(Kind::Company) {
        company_ids.insert(c.name().to_string(), c.id.to_string());
    }
    for f in files
        .iter()
        .filter(|f| f.part == Part::Records(Kind::Company))
    {
        let col = |n: &str| f.header.iter().position(|h| h == n);
        if let (Some(i), Some(n)) = (col("id"), col("name")) {
            for (_, cells) in &f.rows {
                company_ids.insert(cells[n].clone(), cells[i].clone());
            }
        }
    }
    let mut built: Vec<((Kind, String), Built)> = Vec::new();
    let mut at: FxHashMap<(Kind, String), usize> = FxHashMap::default();
    for f in files {
        let Part::Records(kind) = f.part else {
            continue;
        };
        for (line, cells) in &f.rows {
            let origin = format!("{}:{line}", f.name);
            let id = cells[0].trim().to_string();
            if id.is_empty() {
                bail!("{origin}: no `id`; kith's own export gives every record one");
            }
            let mut b = Built {
                origin: origin.clone(),
                fields: Vec::new(),
                notes: String::new(),
                activities: Vec::new(),
                tasks: Vec::new(),
            };
            for (column, cell) in f.header.iter().zip(cells) {
                if skipped(column) || cell.is_empty() {
                    continue;
                }
                if column == "notes" {
                    b.notes = cell.trim().to_string();
                    continue;
                }
                let key = column.strip_prefix("field.").unwrap_or(column);
                let mut v = typed(cfg, kind, key, cell);
                if key == "company"
                    && kind != Kind::Company
                    && let Some(id) = company_ids.get(cell)
                {
                    v = Value::str(id);
                }
                b.fields.push((key.to_string(), v));
            }
            let k = (kind, id);
            if at.contains_key(&k) {
                bail!("{origin}: {}/{}.md is given twice", kind.dir(), k.1);
            }
            at.insert(k.clone(), built.len());
            built.push((k, b));
        }
    }
    let mut partial: Vec<Partial> = Vec::new();
    let mut partial_at: FxHashMap<(Kind, String), usize> = FxHashMap::default();
    for f in files {
        if matches!(f.part, Part::Records(_)) {
            continue;
        }
        let col = |n: &str| f.header.iter().position(|h| h == n).unwrap_or(0);
        for (line, cells) in &f.rows {
            let origin = format!("{}:{line}", f.name);
            let cell = |n: &str| cells[col(n)].as_str();
            let Some(kind) = Kind::parse(cell("kind")) else {
                bail!(
                    "{origin}: `{}` is not a kind (contact, company or deal)",
                    cell("kind")
                );
            };
            let id = cell("id").trim().to_string();
            let k = (kind, id.clone());
            let (activities, tasks) = match at.get(&k) {
                Some(&i) => {
                    let b = &mut built[i].1;
                    (&mut b.activities, &mut b.tasks)
                }
                None => {
                    if index.get(kind, &id).is_none() {
                        bail!(
                            "{origin}: no {}/{id}.md in the files imported or in the workspace",
                            kind.dir()
                        );
                    }
                    let i = *partial_at.entry(k).or_insert_with(|| {
                        partial.push((origin.clone(), Record::new(kind, &id)));
                        partial.len() - 1
                    });
                    let r = &mut partial[i].1;
                    (&mut r.activities, &mut r.tasks)
                }
            };
            let date = |n: &str| {
                activity::parse_date(cell(n))
                    .ok_or_else(|| anyhow::anyhow!("{origin}: `{}` is not a date", cell(n)))
            };
            let time = parse_time(cell("time"))
                .map_err(|_| anyhow::anyhow!("{origin}: `{}` is not a time", cell("time")))?;
            let sym = |n: &str| Some(cell(n)).filter(|s| !s.is_empty()).map(Sym::new);
            if f.part == Part::Activities {
                activities.push(Activity {
                    date: date("date")?,
                    time,
                    kind: Sym::new(cell("type")),
                    by: sym("by"),
                    deal: sym("deal"),
                    text: cell("text").into(),
                    line: 0,
                    kind_col: 0,
                });
            } else {
                let origin_of = match (sym("from"), sym("workflow")) {
                    (Some(who), _) => Origin::Teammate(who),
                    (None, Some(w)) => Origin::Workflow(w),
                    (None, None) => Origin::Unknown,
                };
                let done_on = match cell("done_on") {
                    "" => None,
                    _ => Some(date("done_on")?),
                };
                tasks.push(Task {
                    done: cell("done") == "true",
                    due: date("due")?,
                    time,
                    kind: Sym::new(cell("type")),
                    owner: sym("owner"),
                    deal: sym("deal"),
                    text: cell("text").into(),
                    origin: origin_of,
                    done_on,
                    line: 0,
                });
            }
        }
    }
    let incoming = built
        .into_iter()
        .map(|((kind, id), b)| Incoming {
            text: text(cfg, kind, &b),
            origin: b.origin,
            kind,
            id,
        })
        .collect();
    Ok((incoming, partial))
}

fn parse_time(s: &str) -> Result<Option<(u8, u8)>, ()> {
    if s.is_empty() {
        return Ok(None);
    }
    let (h, m) = s.split_once(':').ok_or(())?;
    Ok(Some((
        h.parse().map_err(|_| ())?,
        m.parse().map_err(|_| ())?,
    )))
}

/// A cell as the field's value: lists split at `;`, mappings read from their JSON, numbers and
/// booleans (and undeclared fields) read as YAML reads a plain scalar, the rest as text.
fn typed(cfg: &Config, kind: Kind, key: &str, cell: &str) -> Value {
    let ty = schema::field_type(cfg, kind, key);
    let plain = || match scalar::resolve_plain(cell.trim()) {
        Some(Value::Null) | None => Value::str(cell),
        Some(v) if cell.contains('\n') => Value::str(&v.to_text()),
        Some(v) => v,
    };
    match ty {
        Some(t) if t.is_list() => Value::List(
            cell.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(Value::str)
                .collect(),
        ),
        Some(FieldType::Map) => map(cell).unwrap_or_else(|| Value::str(cell)),
        None if cell.starts_with('{') => map(cell).unwrap_or_else(plain),
        None | Some(FieldType::Number | FieldType::Integer | FieldType::Bool) => plain(),
        Some(_) => Value::str(cell),
    }
}

fn map(cell: &str) -> Option<Value> {
    if crate::record::yaml::depth::too_deep(cell).is_some() {
        return None;
    }
    serde_yaml_ng::from_str::<serde_yaml_ng::Value>(cell)
        .ok()
        .map(Value::from_yaml)
}

/// The file of a rebuilt record: its fields as kith writes them, the notes, the activity log
/// and the tasks.
fn text(cfg: &Config, kind: Kind, b: &Built) -> String {
    let mut out = String::from("---\n");
    for (k, v) in &b.fields {
        out.push_str(&edit::key_lines(
            k,
            v,
            schema::field_type(cfg, kind, k).as_ref(),
            "\n",
        ));
    }
    out.push_str("---\n");
    let mut parts: Vec<String> = Vec::new();
    if !b.notes.is_empty() {
        parts.push(format!("{}\n", b.notes));
    }
    if !b.activities.is_empty() {
        let mut s = String::from("## Activity\n");
        for a in &b.activities {
            s.push_str(&activity::format_entry(a, "\n"));
            s.push('\n');
        }
        parts.push(s);
    }
    if !b.tasks.is_empty() {
        let mut s = format!("## {}\n", task::SECTION);
        for t in &b.tasks {
            s.push_str(&task::format(t, "\n"));
            s.push('\n');
        }
        parts.push(s);
    }
    out.push_str(&parts.join("\n"));
    out
}
