//! `kith import` of whole records: JSON lines from `kith export --format json`, and kith's own
//! CSV files (`people.csv`, `companies.csv`, `deals.csv`, `activities.csv`, `tasks.csv`, given
//! one by one or as their folder), imported together. Other files go to `import::run`.

use super::{display_path, usage};
use crate::cli::{ImportArgs, ShowFormat};
use crate::edit::store;
use crate::plan::import::jsonl::{self, Incoming};
use crate::plan::import::kith_csv;
use crate::plan::import::{Action, New};
use crate::record::Kind;
use crate::util::hint::hint;
use crate::util::output::{self, paint};
use crate::workspace::Workspace;
use anyhow::{Context, Result};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;

/// Imports the files when they are whole records (several files, a folder, or JSON lines);
/// `None` for a single file of another kind, which `import::run` reads.
pub fn run(ws: &Workspace, args: &ImportArgs) -> Result<Option<ExitCode>> {
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut several = args.files.len() > 1;
    for p in &args.files {
        if p.is_dir() {
            several = true;
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("cannot read {}", display_path(p)))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file()
                        && f.extension()
                            .is_some_and(|e| matches!(e.to_str(), Some("csv" | "jsonl" | "json")))
                })
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(hint(
                    format!("{} holds no .csv or .jsonl file", display_path(p)),
                    "give the folder `kith export --format csv -o DIR/` wrote, or the files",
                ));
            }
            paths.extend(found);
        } else {
            paths.push(p.clone());
        }
    }
    let mut texts: Vec<(String, String)> = Vec::new();
    for p in &paths {
        let shown = display_path(p);
        let bytes = std::fs::read(p).with_context(|| format!("cannot read {shown}"))?;
        if !several && !jsonl::is_jsonl(&bytes) && !kiths_own(&bytes) {
            return Ok(None);
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            hint(
                format!("{shown} is not UTF-8 text"),
                "kith's own exports are UTF-8; import another tool's file on its own: `kith import FILE`",
            )
        })?;
        texts.push((shown, text));
    }
    if args.map.is_some() {
        return Err(usage(
            "--map applies to a single CSV file of another tool, not to kith's own exports",
        ));
    }
    let mut incoming: Vec<Incoming> = Vec::new();
    let mut files = Vec::new();
    for (name, text) in &texts {
        if jsonl::is_jsonl(text.as_bytes()) {
            incoming.extend(jsonl::read(name, text)?);
            continue;
        }
        match kith_csv::read_file(name, text).with_context(|| format!("cannot import {name}"))? {
            Some(f) => files.push(f),
            None => {
                return Err(hint(
                    format!(
                        "{name} is not one of kith's own export files (people.csv, companies.csv, deals.csv, activities.csv, tasks.csv, or JSON lines)"
                    ),
                    format!("import another tool's file on its own: `kith import {name}`"),
                ));
            }
        }
    }
    let index = super::load(ws);
    let (rebuilt, partial) = kith_csv::records(index, &files)?;
    incoming.extend(rebuilt);
    let plan = jsonl::plan(index, incoming, partial, args.overwrite)?;
    // Check every new record and prepare every change before the first write.
    let creates: Vec<(Kind, &str, &str)> = plan
        .creates
        .iter()
        .map(|n: &New| (n.kind, n.id.as_str(), n.text.as_str()))
        .collect();
    store::check_new(ws, &creates)?;
    let mut prepared = Vec::new();
    for (kind, id, changes) in &plan.updates {
        prepared.extend(store::prepare(ws, *kind, id, changes)?);
    }
    if !args.dry_run {
        for kind in Kind::ALL {
            if plan.creates.iter().any(|n| n.kind == kind) {
                let dir = ws.dir(kind);
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
        }
        store::create_many(ws, &creates, || {})?;
        store::write_many(&prepared)?;
    }
    let shown: Vec<String> = args.files.iter().map(|p| display_path(p)).collect();
    let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
    match args.format {
        ShowFormat::Json => output::print_json(&summary_json(&shown, &plan, args.dry_run))?,
        ShowFormat::Text => output::print(&summary_text(&shown, &plan, args.dry_run)),
    }
    Ok(Some(ExitCode::SUCCESS))
}

/// Whether a single CSV file is kith's own export of activities or tasks.
fn kiths_own(bytes: &[u8]) -> bool {
    // A lone people, companies or deals file goes the way of any CSV (`plan::import::kinds`
    // knows kith's own columns); activities and tasks have no other way in.
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let first = text.lines().next().unwrap_or_default();
    let header: Vec<String> = first.split(',').map(str::to_string).collect();
    matches!(
        kith_csv::recognize("", &header),
        Some(kith_csv::Part::Activities | kith_csv::Part::Tasks)
    )
}

fn summary_text(files: &[&str], plan: &jsonl::Plan, dry_run: bool) -> String {
    let n = |a| plan.count(a);
    let mut out = format!(
        "{}: {} created, {} updated, {} unchanged\n",
        paint(output::BOLD, &files.join(", ")),
        n(Action::Created),
        n(Action::Updated),
        n(Action::Unchanged),
    );
    let kept: Vec<_> = plan.rows.iter().filter(|r| !r.kept.is_empty()).collect();
    if !kept.is_empty() {
        out.push_str("values that differ, kept as they are here (--overwrite takes the file's):\n");
        for r in kept {
            for (key, mine, theirs) in &r.kept {
                out.push_str(&format!(
                    "  {}/{}.md: {key} is `{mine}` here, `{theirs}` in {}\n",
                    r.kind.dir(),
                    r.id,
                    r.origin
                ));
            }
        }
    }
    if dry_run {
        out.push_str(&paint(output::DIM, "dry run: nothing was written\n"));
    }
    out
}

fn summary_json(files: &[&str], plan: &jsonl::Plan, dry_run: bool) -> serde_json::Value {
    let n = |a| plan.count(a);
    json!({
        "files": files,
        "dry_run": dry_run,
        "created": n(Action::Created),
        "updated": n(Action::Updated),
        "unchanged": n(Action::Unchanged),
        "records": plan.rows.iter().map(|r| json!({
            "from": r.origin,
            "path": crate::record::layout::rel(r.kind, &r.id),
            "action": r.action.as_str(),
            "kept": r.kept.iter().map(|(k, mine, theirs)| json!({
                "field": k, "here": mine, "file": theirs,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
