//! `kith find TEXT`: ranked search.

use super::load;
use crate::cli::FindArgs;
use crate::util::output::{self, Format, Table, paint};
use crate::workspace::Workspace;
use anstyle::Style;
use anyhow::Result;
use serde_json::json;
use std::process::ExitCode;

pub fn run(ws: &Workspace, args: FindArgs) -> Result<ExitCode> {
    let index = load(ws);
    let query = args.text.join(" ");
    let hits = crate::analysis::search::find(index, &query, args.limit);
    match args.format {
        Format::Json => output::print_json(
            &hits
                .iter()
                .map(|h| {
                    json!({"id": h.record.id.as_str(), "kind": h.record.kind.noun(), "path": h.record.path(),
                           "name": h.record.name(), "rank": h.rank, "matched": h.matched, "excerpt": h.excerpt})
                })
                .collect::<Vec<_>>(),
        )?,
        Format::Csv => output::print_csv(
            &["id", "kind", "name", "rank", "matched"].map(String::from),
            &hits
                .iter()
                .map(|h| vec![h.record.id.to_string(), h.record.kind.noun().into(), h.record.name().into(), h.rank.to_string(), h.matched.join(" ")])
                .collect::<Vec<_>>(),
        )?,
        Format::Table => {
            let mut t = Table::new(["ID", "KIND", "NAME", "MATCHED", "WHERE"]);
            for h in &hits {
                t.row(vec![
                    (h.record.id.to_string(), output::ACCENT),
                    (h.record.kind.noun().to_string(), output::DIM),
                    (output::clip(h.record.name(), 32), output::BOLD),
                    (h.matched.join(", "), output::DIM),
                    (output::clip(h.excerpt.as_deref().unwrap_or(""), 60), Style::new()),
                ]);
            }
            let mut text = if t.is_empty() { String::new() } else { t.render() };
            text.push_str(&paint(output::DIM, &format!("{} found for `{query}`\n", hits.len())));
            output::print(&text);
        }
    }
    Ok(ExitCode::SUCCESS)
}
