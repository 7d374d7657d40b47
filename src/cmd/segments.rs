//! `kith segments`: each segment with its size and description.

use super::{derive, load};
use crate::cli::SegmentsArgs;
use crate::util::output::{self, Format, Table, paint};
use crate::workspace::Workspace;
use anstyle::Style;
use anyhow::Result;
use serde_json::json;
use std::process::ExitCode;

pub fn run(ws: &Workspace, args: SegmentsArgs) -> Result<ExitCode> {
    let index = load(ws);
    let derived = derive(ws, index, args.as_of.as_deref())?;
    let rows: Vec<(&crate::analysis::segment::Segment, usize)> = derived
        .segments
        .iter()
        .map(|s| (s, derived.members(&s.name).len()))
        .collect();
    match args.format {
        Format::Json => output::print_json(
            &rows
                .iter()
                .map(|(s, n)| {
                    json!({
                        "name": s.name, "of": s.of.dir(), "size": n, "description": s.description,
                        "filter": s.filter.source, "builtin": s.builtin,
                    })
                })
                .collect::<Vec<_>>(),
        )?,
        Format::Csv => output::print_csv(
            &["name", "of", "size", "description", "filter"].map(String::from),
            &rows
                .iter()
                .map(|(s, n)| {
                    vec![
                        s.name.clone(),
                        s.of.dir().into(),
                        n.to_string(),
                        s.description.clone(),
                        s.filter.source.clone(),
                    ]
                })
                .collect::<Vec<_>>(),
        )?,
        Format::Table => {
            let mut t = Table::new(["SEGMENT", "SIZE", "OF", "DESCRIPTION"]);
            t.align_right(1);
            for (s, n) in &rows {
                let description = if s.builtin {
                    format!(
                        "{} (built-in; left out of lead counts and scores)",
                        s.description
                    )
                } else if s.description.is_empty() {
                    s.filter.source.clone()
                } else {
                    s.description.clone()
                };
                t.row(vec![
                    (s.name.clone(), output::ACCENT),
                    (n.to_string(), Style::new()),
                    (s.of.dir().to_string(), output::DIM),
                    (output::clip(&description, 90), Style::new()),
                ]);
            }
            let mut text = t.render();
            text.push_str(&paint(output::DIM, &format!("as of {}\n", derived.as_of)));
            output::print(&text);
        }
    }
    Ok(ExitCode::SUCCESS)
}
