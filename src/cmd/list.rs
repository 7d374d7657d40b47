//! `kith list [contacts|companies|deals]` with filters, sorting and three output formats.

use super::{derive, load, select};
use crate::analysis::order::{COMPUTED, check_sort_field, compare, fields_in};
use crate::analysis::score::{Score, num};
use crate::analysis::select::{Narrow, deal_closed};
use crate::cli::{ListArgs, ListKind};
use crate::load::cache;
use crate::record::LIFECYCLE;
use crate::record::config::{Closed, Config};
use crate::record::schema::RESERVED;
use crate::record::value::Value;
use crate::record::{Kind, Record};
use crate::util::output::{self, Format, Table, paint};
use crate::workspace::Workspace;
use anstyle::Style;
use anyhow::{Result, bail};
use serde_json::Value as Json;
use std::process::ExitCode;

pub fn run(ws: &Workspace, args: ListArgs) -> Result<ExitCode> {
    let kind = match args.kind {
        ListKind::Contacts => Kind::Person,
        ListKind::Companies => Kind::Company,
        ListKind::Deals => Kind::Deal,
    };
    let cfg = &ws.config;
    // Read --as-of even when nothing computed is shown: a typo must not pass unnoticed.
    super::date_or_today(ws, args.as_of.as_deref())?;
    let narrow = Narrow::new(
        cfg,
        kind,
        &args.lifecycle,
        &args.stage,
        args.owner.clone(),
        args.tag.clone(),
    )?;
    let sort_computed = args.sort.as_deref().is_some_and(|s| COMPUTED.contains(&s));
    let needs_derived = args.segment.is_some()
        || args.filter.is_some()
        || sort_computed
        || args.fields.iter().any(|f| COMPUTED.contains(&f.as_str()))
        || args.format != Format::Table;
    let (candidates, with_computed) = match warm(ws, kind, &args, needs_derived)? {
        Some(rows) => (rows, needs_derived),
        None => cold(ws, kind, &args, needs_derived)?,
    };
    if let Some(field) = &args.sort {
        check_sort_field(cfg, kind, field, candidates.iter().map(|(r, _)| *r))?;
    }
    let mut rows: Vec<(&Record, Computed)> = candidates
        .into_iter()
        .filter(|(r, _)| narrow.keep(cfg, r))
        .collect();
    if let Some(field) = &args.sort {
        rows.sort_by(|(a, ca), (b, cb)| {
            compare(cfg, field, (a, ca.score), (b, cb.score), args.reverse)
        });
    } else if args.reverse {
        rows.reverse();
    }
    match args.format {
        Format::Json => output::print_json_items(
            rows.iter()
                .map(|(r, c)| to_json(r, with_computed.then_some(c))),
        )?,
        Format::Csv => {
            // Each column is a frontmatter field or a value kith computes; a frontmatter field
            // with a computed value's name is `field.NAME`, as in JSON.
            let columns: Vec<Column> = if args.fields.is_empty() {
                let mut all: Vec<Column> = fields_in(rows.iter().map(|(r, _)| *r))
                    .into_iter()
                    .map(Column::Field)
                    .collect();
                all.extend(
                    COMPUTED
                        .iter()
                        .filter(|c| kind == Kind::Person || **c == "segments")
                        .map(|c| Column::Computed(c.to_string())),
                );
                all
            } else {
                args.fields.iter().map(|f| Column::named(f)).collect()
            };
            let mut header = vec!["id".to_string(), "kind".into(), "path".into()];
            header.extend(columns.iter().map(Column::header));
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|(r, c)| {
                    let mut row = vec![r.id.to_string(), r.kind.noun().to_string(), r.path()];
                    row.extend(columns.iter().map(|col| match col {
                        Column::Computed(name) => c.text(name).unwrap_or_default(),
                        Column::Field(key) => cell_text(r, key, "; "),
                    }));
                    row
                })
                .collect();
            output::print_csv(&header, &rows)?;
        }
        Format::Table => print_table(cfg, kind, &rows, &args.fields, with_computed),
    }
    Ok(ExitCode::SUCCESS)
}

/// The records to list with their computed values (when `needs_derived`), from a load.
fn cold(
    ws: &Workspace,
    kind: Kind,
    args: &ListArgs,
    needs_derived: bool,
) -> Result<(Vec<(&'static Record, Computed<'static>)>, bool)> {
    let index = load(ws);
    let derived = if needs_derived {
        Some(derive(ws, index, args.as_of.as_deref())?)
    } else {
        None
    };
    let candidates: Vec<&Record> = match derived {
        Some(d) if args.segment.is_some() || args.filter.is_some() => {
            if let Some(seg) = args.segment.as_deref().and_then(|s| d.segment(s))
                && seg.of != kind
            {
                bail!(
                    "segment `{}` holds {}; use `kith list {} --segment {}`",
                    seg.name,
                    seg.of.dir(),
                    seg.of.dir(),
                    seg.name
                );
            }
            select(
                index,
                d,
                args.segment.as_deref(),
                args.filter.as_deref(),
                kind,
            )?
        }
        _ => index.of_kind(kind),
    };
    let computed = |r: &Record| -> Computed<'static> {
        let Some(d) = derived else {
            return Computed::default();
        };
        let slot = index.slot(r.kind, &r.id).unwrap_or(usize::MAX);
        Computed {
            score: d.score(slot),
            segments: d.segments_of(slot),
        }
    };
    let rows = candidates.into_iter().map(|r| (r, computed(r))).collect();
    Ok((rows, derived.is_some()))
}

/// The records to list from the cache, without loading the workspace
/// ([`cache::query::select`]). `None` when the cache cannot answer (then [`cold`] does, and
/// gives the same).
fn warm(
    ws: &Workspace,
    kind: Kind,
    args: &ListArgs,
    needs_derived: bool,
) -> Result<Option<Vec<(&'static Record, Computed<'static>)>>> {
    let as_of = if needs_derived {
        Some(super::date_or_today(ws, args.as_of.as_deref())?)
    } else {
        None
    };
    let query = cache::query::Query {
        kind,
        segment: args.segment.as_deref(),
        filter: args.filter.as_deref(),
        as_of,
    };
    let Some(selected) = cache::query::select(ws, &query)? else {
        return Ok(None);
    };
    let selected: &'static cache::query::Selected = crate::util::free::until_exit(selected);
    Ok(Some(
        selected
            .rows
            .iter()
            .map(|(pos, r)| {
                let computed = Computed {
                    score: selected.score(*pos),
                    segments: selected.segments_of(*pos),
                };
                (r, computed)
            })
            .collect(),
    ))
}

/// Values kith computes for a record: its score and its segments.
#[derive(Debug, Default)]
struct Computed<'a> {
    score: Option<Score>,
    segments: Vec<&'a str>,
}

impl Computed<'_> {
    /// A computed column's text (`None` for frontmatter fields).
    fn text(&self, column: &str) -> Option<String> {
        let s = self.score;
        Some(match column {
            "score" => s.map(|s| num(s.total)).unwrap_or_default(),
            "fit_score" => s.map(|s| num(s.fit)).unwrap_or_default(),
            "engagement_score" => s.map(|s| num(s.engagement)).unwrap_or_default(),
            "grade" => s.map(|s| s.grade()).unwrap_or_default(),
            "segments" => self.segments.join("; "),
            _ => return None,
        })
    }
}

/// A column of `list --format csv`.
enum Column {
    /// A frontmatter field, by its key.
    Field(String),
    /// A value kith computes (`score`, `grade`, `segments`, ...).
    Computed(String),
}

impl Column {
    /// The column `--fields` names: a computed value's name is that value, `field.NAME` the
    /// frontmatter field of that name, anything else a frontmatter field.
    fn named(name: &str) -> Column {
        if COMPUTED.contains(&name) {
            Column::Computed(name.to_string())
        } else {
            let key = name.strip_prefix("field.").unwrap_or(name);
            Column::Field(key.to_string())
        }
    }

    fn header(&self) -> String {
        match self {
            Column::Computed(name) => name.clone(),
            Column::Field(key) => export_name(key),
        }
    }
}

/// The record as `list --format json` prints it ([`crate::plan::export::record_json`]).
fn to_json(r: &Record, computed: Option<&Computed>) -> Json {
    Json::Object(crate::plan::export::record_json(
        r,
        computed.map(|c| (c.score, c.segments.as_slice())),
    ))
}

/// The name a frontmatter field has in JSON and CSV: its own, except that `id`, `kind` and
/// `path` (the record itself) and the computed `score`, `fit_score`, `engagement_score`, `grade`
/// and `segments` become `field.id`, `field.kind`, and so on.
pub fn export_name(key: &str) -> String {
    if RESERVED.contains(&key) {
        format!("field.{key}")
    } else {
        key.to_string()
    }
}

fn cell_text(r: &Record, field: &str, sep: &str) -> String {
    match r.get(field) {
        Some(Value::List(items)) => items
            .iter()
            .map(|v| v.to_text())
            .collect::<Vec<_>>()
            .join(sep),
        Some(v) => v.to_text(),
        None => String::new(),
    }
}

fn default_columns(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Person => &[
            "name",
            "email",
            "company",
            "lifecycle",
            "lead_status",
            "owner",
        ],
        Kind::Company => &["name", "domain", "industry", "size", "country", "owner"],
        Kind::Deal => &["name", "stage", "amount", "close_date", "company", "owner"],
    }
}

fn print_table(
    cfg: &Config,
    kind: Kind,
    records: &[(&Record, Computed)],
    fields: &[String],
    scored: bool,
) {
    let columns: Vec<String> = if fields.is_empty() {
        let mut cols: Vec<String> = default_columns(kind)
            .iter()
            .map(|s| s.to_string())
            .collect();
        if scored && kind == Kind::Person {
            cols.extend(["score".to_string(), "grade".to_string()]);
        }
        cols
    } else {
        // The id is always the first column.
        fields
            .iter()
            .filter(|f| f.as_str() != "id")
            .cloned()
            .collect()
    };
    let mut headers = vec!["ID".to_string()];
    headers.extend(columns.iter().map(|c| match c.as_str() {
        "lead_status" => "STATUS".to_string(),
        "close_date" => "CLOSE".to_string(),
        other => other.to_uppercase(),
    }));
    let mut table = Table::new(headers);
    for (i, c) in columns.iter().enumerate() {
        if matches!(
            c.as_str(),
            "amount" | "size" | "score" | "fit_score" | "engagement_score"
        ) {
            table.align_right(i + 1);
        }
    }
    for (r, computed) in records {
        let mut row = vec![(r.id.to_string(), output::ACCENT)];
        for c in &columns {
            row.push(match computed.text(c) {
                Some(text) => (text, Style::new()),
                None => cell(cfg, r, c),
            });
        }
        table.row(row);
    }
    let noun = match (kind, records.len()) {
        (Kind::Person, 1) => "contact",
        (Kind::Person, _) => "contacts",
        (Kind::Company, 1) => "company",
        (Kind::Company, _) => "companies",
        (Kind::Deal, 1) => "deal",
        (Kind::Deal, _) => "deals",
    };
    let mut text = if table.is_empty() {
        String::new()
    } else {
        table.render()
    };
    text.push_str(&paint(output::DIM, &format!("{} {noun}\n", records.len())));
    output::print(&text);
}

fn cell(cfg: &Config, r: &Record, column: &str) -> (String, Style) {
    let plain = Style::new();
    match column {
        "name" => (output::clip(r.name(), 32), output::BOLD),
        LIFECYCLE => {
            let Some(stage) = r.lifecycle() else {
                return (String::new(), plain);
            };
            let style = if cfg.lifecycle.is_lead(&stage) {
                output::WARN
            } else if cfg.lifecycle.is_outside(&stage) {
                output::DIM
            } else if cfg.lifecycle.rank(&stage)
                >= cfg
                    .lifecycle
                    .opportunity_stage()
                    .and_then(|o| cfg.lifecycle.rank(o))
            {
                output::GOOD
            } else {
                plain
            };
            (stage, style)
        }
        "amount" => match r.number("amount") {
            Some(a) => (format!("{} {}", r.currency(cfg), output::amount(a)), plain),
            None => (String::new(), plain),
        },
        "stage" if r.kind == Kind::Deal => {
            let stage = r.text("stage").unwrap_or_default().to_string();
            let style = match deal_closed(cfg, r) {
                Some(Closed::Won) => output::GOOD,
                Some(Closed::Lost) => output::DIM,
                None => plain,
            };
            (stage, style)
        }
        other => (output::clip(&cell_text(r, other, ", "), 40), plain),
    }
}
