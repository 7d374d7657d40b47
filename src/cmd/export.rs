//! `kith export`: the records a segment or filter selects (or all of a kind) as CSV, JSON lines
//! or vCards, to standard output or a file; people who must not be contacted left out unless
//! `--include-dnc`.

use super::{derive, display_path, load, select, usage, warn};
use crate::cli::{ExportArgs, ExportFormat, ListKind};
use crate::plan::export::{self, Item};
use crate::record::Kind;
use crate::workspace::Workspace;
use anyhow::{Context, Result};
use std::process::ExitCode;

pub fn run(ws: &Workspace, args: ExportArgs) -> Result<ExitCode> {
    let kind = match args.kind {
        ListKind::Contacts => Kind::Person,
        ListKind::Companies => Kind::Company,
        ListKind::Deals => Kind::Deal,
    };
    let index = load(ws);
    let derived = derive(ws, index, args.as_of.as_deref())?;
    let records = select(
        index,
        derived,
        args.segment.as_deref(),
        args.filter.as_deref(),
        kind,
    )?;
    let kind = records.first().map_or(kind, |r| r.kind);
    if args.format == ExportFormat::Vcf && kind != Kind::Person {
        return Err(usage(format!(
            "vCards hold people; export {} as csv or json",
            kind.dir()
        )));
    }
    let (kept, withheld): (Vec<_>, Vec<_>) = records
        .into_iter()
        .partition(|r| args.include_dnc || !export::withheld(r));
    if !withheld.is_empty() {
        warn(&format!(
            "left out {} {} marked do_not_contact or who withdrew consent (--include-dnc includes them)",
            withheld.len(),
            if withheld.len() == 1 {
                "person"
            } else {
                "people"
            }
        ));
    }
    let items: Vec<Item> = kept
        .into_iter()
        .map(|r| {
            let slot = index.slot(r.kind, &r.id).unwrap_or(usize::MAX);
            Item {
                record: r,
                score: derived.score(slot),
                segments: derived.segments_of(slot),
            }
        })
        .collect();
    let text = match args.format {
        ExportFormat::Csv => {
            let columns = if args.fields.is_empty() {
                export::default_columns(index, kind, &items)
            } else {
                args.fields.iter().map(|f| f.trim().to_string()).collect()
            };
            export::csv(index, &items, &columns)?
        }
        ExportFormat::Json => export::json_lines(&items)?,
        ExportFormat::Vcf => export::vcards(index, &items),
    };
    match &args.output {
        Some(path) => {
            crate::util::files::replace(path, text.as_bytes())
                .with_context(|| format!("cannot write {}", display_path(path)))?;
            crate::util::output::eprint(&format!(
                "wrote {} {} to {}\n",
                items.len(),
                if items.len() == 1 {
                    kind.noun()
                } else {
                    kind.dir()
                },
                display_path(path)
            ));
        }
        None => crate::util::output::print_raw(text.as_bytes()),
    }
    Ok(ExitCode::SUCCESS)
}
