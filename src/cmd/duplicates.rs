//! `kith duplicates`: likely duplicate pairs, most likely first, with the reasons and the
//! command that merges each.

use super::load;
use crate::analysis::duplicates::{self, Pair, Reason};
use crate::cli::DuplicatesArgs;
use crate::util::output::{self, Format, Table, paint};
use crate::workspace::Workspace;
use anstyle::Style;
use anyhow::Result;
use serde_json::json;
use std::process::ExitCode;

pub fn run(ws: &Workspace, args: DuplicatesArgs) -> Result<ExitCode> {
    let index = load(ws);
    output::trace("loaded");
    let pairs = duplicates::find(index);
    output::trace("found");
    let reasons = |p: &Pair| p.reasons.iter().map(Reason::to_string).collect::<Vec<_>>();
    match args.format {
        Format::Json => output::print_json(
            &pairs
                .iter()
                .map(|p| {
                    let (keep_path, drop_path) = p.paths();
                    json!({
                        "kind": p.kind.noun(),
                        "keep": p.keep.as_str(),
                        "drop": p.drop.as_str(),
                        "keep_path": keep_path,
                        "drop_path": drop_path,
                        "confidence": p.confidence,
                        "high": p.is_high(),
                        "reasons": p.reasons.iter().map(|r| json!({
                            "code": r.code(),
                            "message": r.to_string(),
                        })).collect::<Vec<_>>(),
                        "merge": p.merge_command(),
                    })
                })
                .collect::<Vec<_>>(),
        )?,
        Format::Csv => output::print_csv(
            &["confidence", "kind", "keep", "drop", "reasons", "merge"].map(String::from),
            &pairs
                .iter()
                .map(|p| {
                    vec![
                        p.confidence.to_string(),
                        p.kind.noun().to_string(),
                        p.keep.to_string(),
                        p.drop.to_string(),
                        reasons(p).join("; "),
                        p.merge_command(),
                    ]
                })
                .collect::<Vec<_>>(),
        )?,
        Format::Table => {
            let mut t = Table::new(["CONFIDENCE", "KIND", "KEEP", "DROP", "WHY"]);
            t.align_right(0);
            for p in &pairs {
                let style = if p.is_high() {
                    output::WARN
                } else {
                    Style::new()
                };
                t.row(vec![
                    (format!("{:.0}%", p.confidence * 100.0), style),
                    (p.kind.noun().to_string(), output::DIM),
                    (p.keep.to_string(), output::ACCENT),
                    (p.drop.to_string(), output::ACCENT),
                    (reasons(p).join("; "), Style::new()),
                ]);
            }
            let mut text = if t.is_empty() {
                String::new()
            } else {
                t.render()
            };
            let high = pairs.iter().filter(|p| p.is_high()).count();
            let summary = match pairs.len() {
                0 => "no likely duplicates\n".to_string(),
                n => format!(
                    "{n} likely duplicate{} ({high} sharing an e-mail address or phone number); `kith merge KEEP DROP` merges a pair\n",
                    if n == 1 { "" } else { "s" }
                ),
            };
            text.push_str(&paint(output::DIM, &summary));
            output::print(&text);
        }
    }
    Ok(ExitCode::SUCCESS)
}
