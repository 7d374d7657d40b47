//! `kith qualify [--apply]`: people whose score earns them a later lifecycle stage.

use super::people;
use super::{derive, done, load, stamp_parts};
use crate::analysis::score::num;
use crate::cli::QualifyArgs;
use crate::edit::store;
use crate::plan::lifecycle::{self, Attribution};
use crate::util::output::{self, Format, Table, paint};
use crate::workspace::Workspace;
use anstyle::Style;
use anyhow::Result;
use serde_json::json;
use std::process::ExitCode;

pub fn run(ws: &Workspace, args: QualifyArgs) -> Result<ExitCode> {
    let index = load(ws);
    let derived = derive(ws, index, args.as_of.as_deref())?;
    let moves = crate::analysis::qualify::plan(index, derived);
    if args.apply {
        let (_, me) = stamp_parts(ws)?;
        let stamp = Attribution {
            today: derived.as_of,
            by: me.as_deref(),
        };
        // Every move is made and checked first, so that one refusal writes nothing.
        let mut prepared = Vec::new();
        for m in &moves {
            let reason = format!("score {}", num(m.score));
            let changes =
                lifecycle::stage_changes(&ws.config, m.person, &m.to, Some(&reason), &stamp, None);
            prepared.extend(store::prepare(ws, m.person.kind, &m.person.id, &changes)?);
        }
        store::write_many(&prepared)?;
        for m in &moves {
            done(
                &m.person.path(),
                &format!(
                    "lifecycle {} → {} (score {})",
                    m.from.as_deref().unwrap_or("contact"),
                    m.to,
                    num(m.score)
                ),
            );
        }
        let verb = if store::is_dry_run() {
            "would move"
        } else {
            "moved"
        };
        output::eprint(&format!("{} {verb}\n", people(moves.len())));
        return Ok(ExitCode::SUCCESS);
    }
    match args.format {
        Format::Json => output::print_json(
            &moves
                .iter()
                .map(|m| json!({"id": m.person.id.as_str(), "score": m.score, "grade": m.grade, "from": m.from, "to": m.to}))
                .collect::<Vec<_>>(),
        )?,
        Format::Csv => output::print_csv(
            &["id", "score", "grade", "from", "to"].map(String::from),
            &moves
                .iter()
                .map(|m| vec![m.person.id.to_string(), num(m.score), m.grade.clone(), m.from.clone().unwrap_or_default(), m.to.clone()])
                .collect::<Vec<_>>(),
        )?,
        Format::Table => {
            let mut t = Table::new(["ID", "NAME", "SCORE", "GRADE", "MOVE"]);
            t.align_right(2);
            for m in &moves {
                t.row(vec![
                    (m.person.id.to_string(), output::ACCENT),
                    (m.person.name().to_string(), Style::new()),
                    (num(m.score), Style::new()),
                    (m.grade.clone(), Style::new()),
                    (format!("{} → {}", m.from.as_deref().unwrap_or("contact"), m.to), output::GOOD),
                ]);
            }
            let mut text = if t.is_empty() { String::new() } else { t.render() };
            let hint = if moves.is_empty() { "" } else { "; `kith qualify --apply` makes them" };
            text.push_str(&paint(output::DIM, &format!("{} {} for a later stage as of {}{hint}\n", people(moves.len()), if moves.len() == 1 { "qualifies" } else { "qualify" }, derived.as_of)));
            output::print(&text);
        }
    }
    Ok(ExitCode::SUCCESS)
}
