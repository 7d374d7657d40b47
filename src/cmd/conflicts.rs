//! `kith conflicts` and `kith resolve`: fields two teammates set differently, recorded by
//! merges in a `conflicts:` block, and ending them.

use super::{done, load};
use crate::cli::{ConflictsArgs, ResolveArgs};
use crate::edit::Change;
use crate::output::{self, Format, Table, paint};
use crate::resolve::resolve;
use crate::schema;
use crate::store;
use crate::value::Value;
use crate::workspace::Workspace;
use anstyle::Style;
use anyhow::{Result, bail};
use serde_json::json;
use std::process::ExitCode;

fn entry_text(item: &Value, key: &str) -> String {
    match item {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.to_text())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

pub fn list(ws: &Workspace, args: ConflictsArgs) -> Result<ExitCode> {
    let index = load(ws);
    let mut rows = Vec::new();
    for r in index.records() {
        for item in r.get("conflicts").map(Value::items).unwrap_or_default() {
            rows.push((r, item));
        }
    }
    rows.sort_by_key(|(r, _)| r.path());
    let field = |item: &Value, k: &str| entry_text(item, k);
    match args.format {
        Format::Json => output::print_json(
            &rows
                .iter()
                .map(|(r, i)| {
                    json!({"id": r.id.as_str(), "path": r.path(), "field": field(i, "field"), "ours": field(i, "ours"),
                           "theirs": field(i, "theirs"), "who": field(i, "who"), "when": field(i, "when")})
                })
                .collect::<Vec<_>>(),
        )?,
        Format::Csv => output::print_csv(
            &["id", "field", "ours", "theirs", "who", "when"].map(String::from),
            &rows
                .iter()
                .map(|(r, i)| vec![r.id.to_string(), field(i, "field"), field(i, "ours"), field(i, "theirs"), field(i, "who"), field(i, "when")])
                .collect::<Vec<_>>(),
        )?,
        Format::Table => {
            let mut t = Table::new(["RECORD", "FIELD", "OURS (IN PLACE)", "THEIRS", "WHO", "WHEN"]);
            for (r, i) in &rows {
                t.row(vec![
                    (r.path(), output::ACCENT),
                    (field(i, "field"), output::BOLD),
                    (output::clip(&field(i, "ours"), 30), Style::new()),
                    (output::clip(&field(i, "theirs"), 30), Style::new()),
                    (field(i, "who"), Style::new()),
                    (field(i, "when"), output::DIM),
                ]);
            }
            let mut text = if t.is_empty() { String::new() } else { t.render() };
            text.push_str(&paint(
                output::DIM,
                &format!(
                    "{} unresolved{}\n",
                    rows.len(),
                    if rows.is_empty() { "" } else { "; end one with `kith resolve ID --field F --take ours|theirs|VALUE`" }
                ),
            ));
            output::print(&text);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn resolve_one(ws: &Workspace, args: ResolveArgs) -> Result<ExitCode> {
    let index = load(ws);
    let r = resolve(index, &args.id, None)?;
    let items: Vec<Value> = r
        .get("conflicts")
        .map(|v| v.items().to_vec())
        .unwrap_or_default();
    let (mine, rest): (Vec<Value>, Vec<Value>) = items
        .into_iter()
        .partition(|i| entry_text(i, "field") == args.field);
    if mine.is_empty() {
        let fields: Vec<String> = rest.iter().map(|i| entry_text(i, "field")).collect();
        bail!(
            "{} has no conflict on `{}`{}",
            r.path(),
            args.field,
            if fields.is_empty() {
                String::new()
            } else {
                format!("; conflicts: {}", fields.join(", "))
            }
        );
    }
    let mut changes = Vec::new();
    let chosen = match args.take.as_str() {
        "ours" => None,
        "theirs" => {
            // The most recent recorded alternative, as its original value when possible.
            let last = mine.last().expect("not empty");
            match last {
                Value::Map(entries) => entries
                    .iter()
                    .find(|(k, _)| k == "theirs")
                    .map(|(_, v)| v.clone()),
                _ => None,
            }
        }
        value => Some(
            schema::parse_input(
                &ws.config,
                schema::field_type(&ws.config, r.kind, &args.field).as_ref(),
                &args.field,
                value,
            )
            .map_err(anyhow::Error::msg)?,
        ),
    };
    if let Some(v) = &chosen {
        changes.push(if v.is_null() {
            Change::Unset(args.field.clone())
        } else {
            Change::Set(args.field.clone(), v.clone())
        });
    }
    changes.push(if rest.is_empty() {
        Change::Unset("conflicts".into())
    } else {
        Change::Set("conflicts".into(), Value::List(rest.into()))
    });
    store::update(ws, r.kind, &r.id, &changes)?;
    let kept = match &chosen {
        None => format!(
            "kept ours ({})",
            r.get(&args.field).map(|v| v.to_text()).unwrap_or_default()
        ),
        Some(v) => format!("set to {v}"),
    };
    done(&r.path(), &format!("`{}` resolved: {kept}", args.field));
    Ok(ExitCode::SUCCESS)
}
