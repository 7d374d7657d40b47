//! `kith list [contacts|companies|deals]` with filters, sorting and three output formats.

use super::load;
use crate::cli::{ListArgs, ListKind};
use crate::config::{Closed, Config};
use crate::output::{self, Format, Table, paint};
use crate::record::{Kind, Record};
use crate::value::Value;
use crate::workspace::Workspace;
use anstyle::Style;
use anyhow::{Result, bail};
use serde_json::{Map, Value as Json};
use std::cmp::Ordering;
use std::process::ExitCode;

pub fn run(ws: &Workspace, args: ListArgs) -> Result<ExitCode> {
    let kind = match args.kind {
        ListKind::Contacts => Kind::Person,
        ListKind::Companies => Kind::Company,
        ListKind::Deals => Kind::Deal,
    };
    let index = load(ws);
    let cfg = &index.config;
    let filter = Filter::new(cfg, kind, &args)?;
    let mut records: Vec<&Record> = index
        .of_kind(kind)
        .into_iter()
        .filter(|r| filter.keep(cfg, r))
        .collect();
    if let Some(field) = &args.sort {
        records.sort_by(|a, b| compare(cfg, field, a, b, args.reverse));
    } else if args.reverse {
        records.reverse();
    }
    match args.format {
        Format::Json => {
            output::print_json(&records.iter().map(|r| to_json(r)).collect::<Vec<_>>())?
        }
        Format::Csv => {
            let columns = if args.fields.is_empty() {
                all_fields(&records)
            } else {
                args.fields.clone()
            };
            let mut header = vec!["id".to_string(), "kind".into(), "path".into()];
            header.extend(columns.iter().map(|c| export_name(c)));
            let rows: Vec<Vec<String>> = records
                .iter()
                .map(|r| {
                    let mut row = vec![r.id.to_string(), r.kind.noun().to_string(), r.path()];
                    row.extend(columns.iter().map(|c| cell_text(r, c, "; ")));
                    row
                })
                .collect();
            output::print_csv(&header, &rows)?;
        }
        Format::Table => print_table(cfg, kind, &records, &args.fields),
    }
    Ok(ExitCode::SUCCESS)
}

/// The record as `list --format json` prints it: id, kind, path, then every field.
pub fn to_json(r: &Record) -> Json {
    let mut obj = Map::new();
    obj.insert("id".into(), Json::String(r.id.to_string()));
    obj.insert("kind".into(), Json::String(r.kind.noun().into()));
    obj.insert("path".into(), Json::String(r.path()));
    for (k, v) in &r.fields {
        obj.insert(
            export_name(k),
            serde_json::to_value(v).unwrap_or(Json::Null),
        );
    }
    Json::Object(obj)
}

/// The name a frontmatter field has in JSON and CSV: its own, except that `id`, `kind` and
/// `path`, which exports use for the record itself, become `field.id`, `field.kind`, `field.path`.
pub fn export_name(key: &str) -> String {
    if RESERVED.contains(&key) {
        format!("field.{key}")
    } else {
        key.to_string()
    }
}

/// Names the exports give the record itself.
pub const RESERVED: [&str; 3] = ["id", "kind", "path"];

fn all_fields(records: &[&Record]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in records {
        for (k, _) in &r.fields {
            if !out.iter().any(|o| o == k.as_str()) {
                out.push(k.to_string());
            }
        }
    }
    out
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

struct Filter {
    stages: Vec<String>,
    plain: bool,
    owner: Option<String>,
    tags: Vec<String>,
    deal_stages: Vec<String>,
}

impl Filter {
    fn new(cfg: &Config, kind: Kind, args: &ListArgs) -> Result<Filter> {
        let mut f = Filter {
            stages: Vec::new(),
            plain: false,
            owner: args.owner.clone(),
            tags: args.tag.clone(),
            deal_stages: Vec::new(),
        };
        if !args.lifecycle.is_empty() && kind != Kind::Person {
            bail!("--lifecycle applies to contacts only");
        }
        if !args.stage.is_empty() && kind != Kind::Deal {
            bail!("--stage applies to deals only; for people use --lifecycle");
        }
        for s in &args.lifecycle {
            let s = s.trim().to_lowercase();
            match s.as_str() {
                "leads" => f.stages.extend(cfg.lifecycle.lead_stages.iter().cloned()),
                "none" | "contact" | "contacts" => f.plain = true,
                _ if cfg.lifecycle.is_known(&s) => f.stages.push(s),
                _ => bail!(
                    "unknown lifecycle stage `{s}`; stages: {}, or `leads`, `none`",
                    cfg.lifecycle.all().collect::<Vec<_>>().join(", ")
                ),
            }
        }
        for s in &args.stage {
            let s = s.trim().to_lowercase();
            let known = matches!(s.as_str(), "open" | "won" | "lost")
                || cfg.pipelines.iter().any(|p| p.stage(&s).is_some());
            if !known {
                bail!("unknown deal stage `{s}`; use a stage id, or `open`, `won`, `lost`");
            }
            f.deal_stages.push(s);
        }
        Ok(f)
    }

    fn keep(&self, cfg: &Config, r: &Record) -> bool {
        if !self.stages.is_empty() || self.plain {
            let stage = r.lifecycle();
            let ok = match &stage {
                None => self.plain,
                Some(s) => self.stages.iter().any(|t| t == s),
            };
            if !ok {
                return false;
            }
        }
        if let Some(owner) = &self.owner {
            let ok = match r.text("owner") {
                None => owner.eq_ignore_ascii_case("none"),
                Some(o) => o.trim().eq_ignore_ascii_case(owner),
            };
            if !ok {
                return false;
            }
        }
        if !self.tags.iter().all(|t| r.has_tag(t)) {
            return false;
        }
        if !self.deal_stages.is_empty() {
            let closed = deal_closed(cfg, r);
            let stage = r.text("stage").unwrap_or_default().to_lowercase();
            let ok = self.deal_stages.iter().any(|s| match s.as_str() {
                "open" => closed.is_none(),
                "won" => closed == Some(Closed::Won),
                "lost" => closed == Some(Closed::Lost),
                other => other == stage,
            });
            if !ok {
                return false;
            }
        }
        true
    }
}

fn deal_closed(cfg: &Config, deal: &Record) -> Option<Closed> {
    let pipeline = cfg.pipeline(deal.text("pipeline"))?;
    pipeline.stage(deal.text("stage")?)?.closed
}

/// Orders by a field: lifecycle and deal stage in funnel order, numbers as numbers, text
/// case-insensitively; records without the field always come last.
fn compare(cfg: &Config, field: &str, a: &Record, b: &Record, reverse: bool) -> Ordering {
    let key = |r: &Record| -> Option<SortKey> {
        match field {
            "lifecycle" => r
                .lifecycle()
                .map(|s| SortKey::Num(cfg.lifecycle.rank(&s).map_or(1e9, |n| n as f64))),
            "stage" if r.kind == Kind::Deal => {
                let p = cfg.pipeline(r.text("pipeline"))?;
                let s = r.text("stage")?;
                Some(SortKey::Num(
                    p.stages
                        .iter()
                        .position(|x| x.id.eq_ignore_ascii_case(s))
                        .map_or(1e9, |n| n as f64),
                ))
            }
            "id" => Some(SortKey::Text(r.id.to_string())),
            "name" => Some(SortKey::Text(crate::slug::fold(r.name()))),
            _ => match r.get(field)? {
                Value::Int(i) => Some(SortKey::Num(*i as f64)),
                Value::Float(f) => Some(SortKey::Num(*f)),
                v => Some(SortKey::Text(crate::slug::fold(&v.to_text()))),
            },
        }
    };
    let ord = match (key(a), key(b)) {
        (Some(x), Some(y)) => {
            let o = x.cmp(&y);
            if reverse { o.reverse() } else { o }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    ord.then_with(|| a.id.cmp(&b.id))
}

#[derive(PartialEq, PartialOrd)]
enum SortKey {
    Num(f64),
    Text(String),
}

impl SortKey {
    fn cmp(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            (SortKey::Num(a), SortKey::Num(b)) => a.total_cmp(b),
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            (SortKey::Num(_), SortKey::Text(_)) => Ordering::Less,
            (SortKey::Text(_), SortKey::Num(_)) => Ordering::Greater,
        }
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

fn print_table(cfg: &Config, kind: Kind, records: &[&Record], fields: &[String]) {
    let columns: Vec<String> = if fields.is_empty() {
        default_columns(kind)
            .iter()
            .map(|s| s.to_string())
            .collect()
    } else {
        fields.to_vec()
    };
    let mut headers = vec!["ID".to_string()];
    headers.extend(columns.iter().map(|c| match c.as_str() {
        "lead_status" => "STATUS".to_string(),
        "close_date" => "CLOSE".to_string(),
        other => other.to_uppercase(),
    }));
    let mut table = Table::new(headers);
    for (i, c) in columns.iter().enumerate() {
        if matches!(c.as_str(), "amount" | "size") {
            table.align_right(i + 1);
        }
    }
    for r in records {
        let mut row = vec![(r.id.to_string(), output::ACCENT)];
        for c in &columns {
            row.push(cell(cfg, r, c));
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
        "lifecycle" => {
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
            Some(a) => (
                format!(
                    "{} {}",
                    r.text("currency").unwrap_or(&cfg.currency),
                    output::amount(a)
                ),
                plain,
            ),
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
