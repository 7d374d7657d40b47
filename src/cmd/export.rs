//! `kith export`: the records a segment or filter selects (or all of a kind) as CSV, JSON lines
//! or vCards, to standard output or a file; people who must not be contacted left out unless
//! `--include-dnc`.

use super::{derive, display_path, load, select, usage, warn};
use crate::cli::{ExportArgs, ExportFormat, ExportKind};
use crate::plan::export::{self, Item, whole};
use crate::record::Kind;
use crate::workspace::Workspace;
use anyhow::{Context, Result};
use std::path::Path;
use std::process::ExitCode;

pub fn run(ws: &Workspace, args: ExportArgs) -> Result<ExitCode> {
    let chosen = args.segment.is_some() || args.filter.is_some();
    let mut kinds: Vec<Kind> = match args.kind {
        Some(ExportKind::Contacts) => vec![Kind::Person],
        Some(ExportKind::Companies) => vec![Kind::Company],
        Some(ExportKind::Deals) => vec![Kind::Deal],
        Some(ExportKind::All) => Kind::ALL.to_vec(),
        None if args.format == ExportFormat::Json && !chosen => Kind::ALL.to_vec(),
        None => vec![Kind::Person],
    };
    if args.segment.is_some() {
        // A segment decides its kind for itself.
        kinds.truncate(1);
    }
    let folder = args.output.as_deref().filter(|p| is_folder(p));
    if args.format == ExportFormat::Csv && (kinds.len() > 1 || folder.is_some()) {
        if folder.is_none() {
            return Err(usage(
                "CSV of several kinds is one file per kind: give a folder, as in `-o export/`",
            ));
        }
        if !args.fields.is_empty() {
            return Err(usage(
                "--fields picks the columns of one CSV file; leave it out with a folder, or export one --kind to a file",
            ));
        }
    }
    let index = load(ws);
    let derived = derive(ws, index, args.as_of.as_deref())?;
    let mut records = Vec::new();
    for k in &kinds {
        records.extend(select(
            index,
            derived,
            args.segment.as_deref(),
            args.filter.as_deref(),
            *k,
        )?);
    }
    let kind = records.first().map_or(kinds[0], |r| r.kind);
    if args.format == ExportFormat::Vcf && (kind != Kind::Person || kinds.len() > 1) {
        return Err(usage(format!(
            "vCards hold people; export {} as csv or json",
            if kinds.len() > 1 {
                "all kinds"
            } else {
                kind.dir()
            }
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
    if let Some(dir) = folder {
        return write_folder(dir, index, &kinds, &items);
    }
    let text = match args.format {
        ExportFormat::Csv => {
            let columns = if args.fields.is_empty() {
                export::default_columns(index, kind, &items)
            } else {
                args.fields.iter().map(|f| f.trim().to_string()).collect()
            };
            export::csv(index, &items, &columns)?
        }
        ExportFormat::Json => {
            let texts = items
                .iter()
                .map(|i| crate::edit::store::read_text(ws, i.record.kind, &i.record.id))
                .collect::<Result<Vec<_>>>()?;
            whole::json_lines(&index.config, &items, &texts)?
        }
        ExportFormat::Vcf => export::vcards(index, &items),
    };
    match &args.output {
        Some(path) => {
            crate::util::files::replace(path, text.as_bytes())
                .with_context(|| format!("cannot write {}", display_path(path)))?;
            let what = if kinds.len() > 1 {
                format!("{} records", items.len())
            } else {
                format!(
                    "{} {}",
                    items.len(),
                    if items.len() == 1 {
                        kind.noun()
                    } else {
                        kind.dir()
                    }
                )
            };
            crate::util::output::eprint(&format!("wrote {what} to {}\n", display_path(path)));
        }
        None => crate::util::output::print_raw(text.as_bytes()),
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether `-o` names a folder: one that exists, or a path ending in `/`.
fn is_folder(path: &Path) -> bool {
    path.is_dir()
        || path
            .as_os_str()
            .to_string_lossy()
            .ends_with(['/', std::path::MAIN_SEPARATOR])
}

/// The CSV file of a kind in an export folder.
fn file_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Person => "people.csv",
        Kind::Company => "companies.csv",
        Kind::Deal => "deals.csv",
    }
}

/// One CSV file per kind, then activities.csv and tasks.csv, in `dir` (created if missing).
fn write_folder(
    dir: &Path,
    index: &crate::index::Index,
    kinds: &[Kind],
    items: &[Item],
) -> Result<ExitCode> {
    let shown = display_path(dir);
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {shown}"))?;
    let mut files: Vec<(&str, String)> = Vec::new();
    let mut counts = Vec::new();
    for kind in kinds {
        let of_kind: Vec<Item> = items
            .iter()
            .filter(|i| i.record.kind == *kind)
            .map(|i| Item {
                record: i.record,
                score: i.score,
                segments: i.segments.clone(),
            })
            .collect();
        let columns = export::default_columns(index, *kind, &of_kind);
        files.push((file_name(*kind), export::csv(index, &of_kind, &columns)?));
        counts.push(format!(
            "{} {}",
            of_kind.len(),
            if of_kind.len() == 1 {
                kind.noun()
            } else {
                kind.dir()
            }
        ));
    }
    files.push(("activities.csv", whole::activities_csv(items)?));
    files.push(("tasks.csv", whole::tasks_csv(items)?));
    for (name, text) in &files {
        let path = dir.join(name);
        crate::util::files::replace(&path, text.as_bytes())
            .with_context(|| format!("cannot write {}", display_path(&path)))?;
    }
    let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    crate::util::output::eprint(&format!(
        "wrote {} to {shown} ({})\n",
        counts.join(", "),
        names.join(", ")
    ));
    Ok(ExitCode::SUCCESS)
}
