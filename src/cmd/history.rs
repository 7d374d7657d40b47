//! `kith history ID` and `kith blame ID`: a record's changes over time, from git.

use super::load;
use crate::cli::{HistoryArgs, ShowFormat};
use crate::git::history::{self, Event};
use crate::index::resolve::resolve;
use crate::util::output::{self, Table, paint};
use crate::workspace::Workspace;
use anstyle::Style;
use anyhow::Result;
use serde_json::json;
use std::process::ExitCode;

fn describe(e: &Event) -> (String, String) {
    match e {
        Event::Created => ("created".into(), String::new()),
        Event::Deleted => ("deleted".into(), String::new()),
        Event::Renamed { from } => ("renamed".into(), format!("from {from}")),
        Event::Field { key, old, new } => (
            key.clone(),
            format!(
                "{} → {}",
                crate::git::diff::show(old),
                crate::git::diff::show(new)
            ),
        ),
        Event::Logged(a) => (
            "activity".into(),
            format!("+ {} {}: {}", a.date, a.kind, a.text.replace('\n', " ")),
        ),
    }
}

pub fn history(ws: &Workspace, args: HistoryArgs) -> Result<ExitCode> {
    let index = load(ws);
    let r = resolve(index, &args.id, None)?;
    let repo = history::require(&ws.root)?;
    let changes = repo.record_history(r.kind, &r.id)?;
    let cfg = &ws.config;
    match args.format {
        ShowFormat::Json => output::print_json(
            &changes
                .iter()
                .flat_map(|(c, events)| {
                    events.iter().map(move |e| {
                        let (what, detail) = describe(e);
                        json!({"date": history::date(cfg, c).to_string(), "who": history::who(cfg, c), "commit": c.id, "change": what, "detail": detail})
                    })
                })
                .collect::<Vec<_>>(),
        )?,
        ShowFormat::Text => {
            let mut t = Table::new(["DATE", "WHO", "COMMIT", "CHANGE", ""]);
            for (c, events) in &changes {
                for e in events {
                    let (what, detail) = describe(e);
                    t.row(vec![
                        (history::date(cfg, c).to_string(), output::DIM),
                        (history::who(cfg, c), Style::new()),
                        (c.short().to_string(), output::ACCENT),
                        (what, output::BOLD),
                        (output::clip(&detail, 80), Style::new()),
                    ]);
                }
            }
            let mut text = if t.is_empty() { String::new() } else { t.render() };
            if repo.is_shallow() {
                text.push_str(&paint(output::WARN, "this is a shallow clone: older history is missing (`git fetch --unshallow`)\n"));
            }
            if changes.is_empty() {
                text.push_str(&paint(output::DIM, &format!("{} has no committed history yet\n", r.path())));
            }
            output::print(&text);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn blame(ws: &Workspace, args: HistoryArgs) -> Result<ExitCode> {
    let index = load(ws);
    let r = resolve(index, &args.id, None)?;
    let repo = history::require(&ws.root)?;
    let origins = repo.origins(r.kind, &r.id)?;
    let cfg = &ws.config;
    let mut rows = Vec::new();
    for (key, value) in &r.fields {
        // The commit that brought the committed value, when the file on disk still has it.
        let set_by = origins
            .iter()
            .find(|o| o.key == key.as_str() && o.value == *value)
            .map(|o| &o.commit);
        rows.push(match set_by {
            Some(c) => (
                key.to_string(),
                value.to_text(),
                history::who(cfg, c),
                history::date(cfg, c).to_string(),
                c.id.clone(),
            ),
            None => (
                key.to_string(),
                value.to_text(),
                "not committed yet".to_string(),
                String::new(),
                String::new(),
            ),
        });
    }
    match args.format {
        ShowFormat::Json => output::print_json(
            &rows
                .iter()
                .map(|(k, v, who, date, commit)| json!({"field": k, "value": v, "who": who, "date": date, "commit": commit}))
                .collect::<Vec<_>>(),
        )?,
        ShowFormat::Text => {
            let mut t = Table::new(["FIELD", "VALUE", "WHO", "DATE", "COMMIT"]);
            for (k, v, who, date, commit) in rows {
                t.row(vec![
                    (k, output::BOLD),
                    (output::clip(&v, 40), Style::new()),
                    (who, Style::new()),
                    (date, output::DIM),
                    (commit.get(..8).unwrap_or(&commit).to_string(), output::ACCENT),
                ]);
            }
            output::print(&t.render());
        }
    }
    Ok(ExitCode::SUCCESS)
}
